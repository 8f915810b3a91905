/* sim_profile: see sim_profile.h. */
#include "tests/integration/sim_profile.h"
#include "tests/support/tsuite.h"

#include <stdio.h>
#include <string.h>

static struct config cfg;
static bool loaded;

struct profile *sim_profile(const struct simproc *sp, const char *name)
{
	char err[256] = "";
	if (!loaded) {
		loaded = config_load(&cfg, sp->config_path, false, err, sizeof err);
		if (!loaded)
			fprintf(stderr, "sim_profile: %s\n", err);
	}
	CU_ASSERT_FATAL(loaded);
	struct profile *p = config_profile(&cfg, name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	return p;
}

void sim_profile_free(void)
{
	if (loaded)
		config_free(&cfg);
	loaded = false;
}
