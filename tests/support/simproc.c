/* simproc: see simproc.h. */
#include "tests/support/simproc.h"
#include "tests/support/tsuite.h"
#include "net/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = xmalloc((size_t)n + 1);
	size_t got = fread(s, 1, (size_t)n, f);
	s[got] = '\0';
	fclose(f);
	return s;
}

int simproc_start(struct simproc *sp, const char *const *extra)
{
	memset(sp, 0, sizeof *sp);
	sp->dir = tsuite_tmpdir();
	char *port_file = xasprintf("%s/port", sp->dir);
	sp->config_path = xasprintf("%s/config.ini", sp->dir);
	char *bin = tsuite_bin("orgdeck-sim");
	const char *argv[64];
	int n = 0;
	argv[n++] = bin;
	argv[n++] = "--listen";
	argv[n++] = "127.0.0.1:0";
	argv[n++] = "--port-file";
	argv[n++] = port_file;
	argv[n++] = "--print-config";
	for (int i = 0; extra && extra[i] && n < 62; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		int fd = open(sp->config_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	sp->pid = pid;
	struct timespec t0, now, nap = {0, 5 * 1000 * 1000};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = -1;
	for (;;) {
		char *p = slurp(port_file);
		if (p) {
			sp->port = atoi(p);
			free(p);
			rc = 0;
			break;
		}
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			fprintf(stderr, "simproc: orgdeck-sim exited before listening\n");
			sp->pid = 0;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec > 60) {
			fprintf(stderr, "simproc: orgdeck-sim did not listen within 60 s\n");
			break;
		}
		nanosleep(&nap, NULL);
	}
	if (rc == 0) {
		sp->base = xasprintf("http://127.0.0.1:%d", sp->port);
		sp->config = slurp(sp->config_path);
	}
	free(port_file);
	free(bin);
	return rc;
}

void simproc_stop(struct simproc *sp)
{
	if (sp->pid > 0) {
		kill(sp->pid, SIGTERM);
		int st;
		waitpid(sp->pid, &st, 0);
	}
	free(sp->dir);
	free(sp->base);
	free(sp->config);
	free(sp->config_path);
	memset(sp, 0, sizeof *sp);
}

char *simproc_config_value(const struct simproc *sp, const char *profile, const char *key)
{
	if (!sp->config)
		return NULL;
	char *hdr = xasprintf("[profile %s]", profile);
	const char *p = strstr(sp->config, hdr);
	free(hdr);
	if (!p)
		return NULL;
	p = strchr(p, '\n');
	size_t klen = strlen(key);
	while (p && *++p && *p != '[') {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > klen && !strncmp(p, key, klen) && (p[klen] == ' ' || p[klen] == '=')) {
			const char *v = p + klen;
			while (*v == ' ' || *v == '=')
				v++;
			size_t vl = (size_t)(p + len - v);
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\r'))
				vl--;
			return xstrndup(v, vl);
		}
		p = eol;
	}
	return NULL;
}
