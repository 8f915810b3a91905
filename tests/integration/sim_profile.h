/* sim_profile: a demo profile from the config a running orgdeck-sim printed, read with
 * orgdeck's own config loader, for integration tests that drive a driver by hand.
 * The profile is owned by a config kept here until sim_profile_free(). */
#ifndef ORGDECK_SIM_PROFILE_H
#define ORGDECK_SIM_PROFILE_H
#include "model/config.h"
#include "tests/support/simproc.h"

/* Loads sp's config (once per sim_profile_free) and returns profile `name`; the test fails
 * (fatally) when it is not there. */
struct profile *sim_profile(const struct simproc *sp, const char *name);
void sim_profile_free(void);

#endif
