/* The dialects orgdeck-sim serves, in the order --print-config writes them: the first
 * profile is the one orgdeck --demo opens. */
#include "sim/sim.h"

extern const struct sim_dialect sim_quorum, sim_questionpro, sim_highq, sim_kaana, sim_clinchpad;

const struct sim_dialect *const sim_dialects[] = {
    &sim_clinchpad, &sim_quorum, &sim_questionpro, &sim_highq, &sim_kaana, NULL,
};
