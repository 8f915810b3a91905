/* The dialects orgdeck-sim serves, in the order --print-config writes them. */
#include "sim/sim.h"

extern const struct sim_dialect sim_quorum, sim_questionpro, sim_highq, sim_kaana, sim_clinchpad;

const struct sim_dialect *const sim_dialects[] = {
	&sim_quorum, &sim_questionpro, &sim_highq, &sim_kaana, &sim_clinchpad, NULL,
};
