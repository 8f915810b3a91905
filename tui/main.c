/* orgdeck: command line, the built-in demo, and the start of the interface.
 * Everything that can fail before curses starts fails here, with a message on stderr. */
#include "model/apply.h"
#include "model/model.h"
#include "net/xalloc.h"
#include "tui/keymap.h"
#include "tui/theme.h"
#include "tui/ui.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VERSION "0.1.0"

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: orgdeck [--config FILE] [--profile NAME] [--db FILE] [--readonly]\n"
	    "               [--theme NAME] [--demo] [--trace FILE] [--version] [--help]\n"
	    "  --config FILE     config.ini (default $XDG_CONFIG_HOME/orgdeck/config.ini)\n"
	    "  --profile NAME    start on this profile\n"
	    "  --db FILE         cache and outbox (default $XDG_STATE_HOME/orgdeck/orgdeck.db)\n"
	    "  --readonly        refuse every change\n"
	    "  --theme NAME      colour theme\n"
	    "  --demo            run against a built-in simulator with demo data\n"
	    "  --sim PATH        the orgdeck-sim binary for --demo (default: beside orgdeck)\n"
	    "  --demo-orgs N     organizations per vendor in the demo (default 500)\n"
	    "  --trace FILE      log every request, secrets redacted\n"
	    "  --apply FILE      send the edits in FILE without the interface, one a line:\n"
	    "                    id<TAB>field<TAB>value (\\t \\n \\\\ escapes, \\N null,\n"
	    "                    id + creates); exit 0 when all are done\n"
	    "  --insecure-config accept a config file others can read\n");
}

struct demo {
	pid_t pid;
	char dir[PATH_MAX];
	char config[PATH_MAX + 16];
	char db[PATH_MAX + 16];
};

static char *self_dir(void)
{
	char p[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", p, sizeof p - 1);
	if (n <= 0)
		return xstrdup(".");
	p[n] = '\0';
	char *slash = strrchr(p, '/');
	if (slash)
		*slash = '\0';
	return xstrdup(p);
}

/* Starts orgdeck-sim on a free loopback port with its printed config in a temp dir. */
static bool demo_start(struct demo *d, const char *sim, const char *orgs)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(d->dir, sizeof d->dir, "%s/orgdeck-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(d->dir)) {
		fprintf(stderr, "orgdeck: cannot make a temporary directory: %s\n",
			strerror(errno));
		return false;
	}
	snprintf(d->config, sizeof d->config, "%s/config.ini", d->dir);
	snprintf(d->db, sizeof d->db, "%s/orgdeck.db", d->dir);
	char port_file[PATH_MAX + 16];
	snprintf(port_file, sizeof port_file, "%s/port", d->dir);
	char *dir = self_dir();
	char *bin = sim ? xstrdup(sim) : xasprintf("%s/orgdeck-sim", dir);
	free(dir);
	int fd = open(d->config, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "orgdeck: cannot write %s: %s\n", d->config, strerror(errno));
		free(bin);
		return false;
	}
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* the simulator never outlives the demo */
		dup2(fd, 1);
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 2);
		execl(bin, bin, "--listen", "127.0.0.1:0", "--port-file", port_file,
		      "--print-config", "--orgs", orgs, "--seed", "42", (char *)NULL);
		execlp("orgdeck-sim", "orgdeck-sim", "--listen", "127.0.0.1:0", "--port-file",
		       port_file, "--print-config", "--orgs", orgs, "--seed", "42", (char *)NULL);
		_exit(127);
	}
	close(fd);
	d->pid = pid;
	struct timespec nap = {0, 10 * 1000 * 1000};
	for (int i = 0; i < 3000; i++) {
		if (access(port_file, F_OK) == 0) {
			free(bin);
			return true;
		}
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			fprintf(stderr, "orgdeck: the demo simulator (%s) did not start\n", bin);
			d->pid = 0;
			free(bin);
			return false;
		}
		nanosleep(&nap, NULL);
	}
	fprintf(stderr, "orgdeck: the demo simulator did not listen within 30 s\n");
	free(bin);
	return false;
}

static void demo_stop(struct demo *d)
{
	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		int st;
		waitpid(d->pid, &st, 0);
	}
	if (d->dir[0]) {
		char p[PATH_MAX + 32];
		static const char *const leaves[] = {
		    "config.ini", "orgdeck.db", "orgdeck.db-wal", "orgdeck.db-shm", "port", NULL};
		for (int i = 0; leaves[i]; i++) {
			snprintf(p, sizeof p, "%s/%s", d->dir, leaves[i]);
			unlink(p);
		}
		rmdir(d->dir);
	}
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	struct model_opts o = {0};
	const char *theme = NULL, *sim = NULL, *demo_orgs = "500", *apply = NULL;
	bool demo = false;
	char *config_path = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name)                                                                                  \
	(!strcmp(a, name) &&                                                                       \
	 (v ? (i++, 1) : (fprintf(stderr, "orgdeck: %s needs a value\n", name), exit(2), 0)))
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--version")) {
			printf("orgdeck %s\n", VERSION);
			return 0;
		} else if (!strcmp(a, "--demo")) {
			demo = true;
		} else if (!strcmp(a, "--readonly")) {
			o.readonly = true;
		} else if (!strcmp(a, "--insecure-config")) {
			o.insecure_config = true;
		} else if (OPT("--config")) {
			config_path = xstrdup(v);
		} else if (OPT("--profile")) {
			o.profile = v;
		} else if (OPT("--db")) {
			o.db_path = v;
		} else if (OPT("--theme")) {
			theme = v;
		} else if (OPT("--trace")) {
			o.trace_path = v;
		} else if (OPT("--sim")) {
			sim = v;
		} else if (OPT("--demo-orgs")) {
			demo_orgs = v;
		} else if (OPT("--apply")) {
			apply = v;
		} else {
			fprintf(stderr, "orgdeck: unknown option %s\n", a);
			usage(stderr);
			return 2;
		}
#undef OPT
	}
	if (!apply && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "orgdeck: needs a terminal\n");
		return 2;
	}

	struct demo d = {0};
	if (demo) {
		if (!demo_start(&d, sim, demo_orgs)) {
			demo_stop(&d);
			return 1;
		}
		free(config_path);
		config_path = xstrdup(d.config);
		if (!o.db_path)
			o.db_path = d.db;
	}
	if (!config_path)
		config_path = config_default_path();
	o.config_path = config_path;

	char err[512];
	struct model *m = model_open(&o, err, sizeof err);
	if (!m) {
		fprintf(stderr, "orgdeck: %s\n", err);
		free(config_path);
		demo_stop(&d);
		return 1;
	}
	if (apply) {
		int arc = apply_file(m, apply, stdout);
		model_close(m);
		free(config_path);
		demo_stop(&d);
		return arc;
	}
	if (!keymap_init(m->cfg.keys, m->cfg.nkeys, err, sizeof err)) {
		fprintf(stderr, "orgdeck: %s: %s\n", config_path, err);
		model_close(m);
		free(config_path);
		demo_stop(&d);
		return 1;
	}
	struct theme th;
	const char *theme_name = theme ? theme : m->cfg.theme ? m->cfg.theme : "default";
	if (!theme_load(theme_name, &th, err, sizeof err)) {
		fprintf(stderr, "orgdeck: theme %s: %s\n", theme_name, err);
		model_close(m);
		free(config_path);
		demo_stop(&d);
		return 1;
	}
	struct ui_opts uo = {.theme = &th, .mouse = m->cfg.mouse};
	int rc = ui_run(m, &uo);
	model_close(m);
	free(config_path);
	demo_stop(&d);
	return rc;
}
