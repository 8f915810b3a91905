/* simproc: starts a real orgdeck-sim on 127.0.0.1 port 0 for a test and stops it.
 * The simulator's --print-config output is kept in config (the demo credentials). */
#ifndef ORGDECK_SIMPROC_H
#define ORGDECK_SIMPROC_H
#include <sys/types.h>

struct simproc {
	pid_t pid;
	int port;
	char *dir;    /* temp dir holding port file, config.ini, state */
	char *base;   /* "http://127.0.0.1:PORT" */
	char *config; /* the printed config text */
	char *config_path;
};

/* extra: NULL-terminated list of extra orgdeck-sim arguments (may be NULL).
 * Returns 0 when the simulator listens, -1 (with a message on stderr) otherwise. */
int simproc_start(struct simproc *sp, const char *const *extra);
void simproc_stop(struct simproc *sp);
/* Value of `key` in [profile NAME] of the printed config; caller frees; NULL if absent. */
char *simproc_config_value(const struct simproc *sp, const char *profile, const char *key);

#endif
