/* ptybench: what orgdeck costs a terminal. Runs a command on its own pseudo-terminal
 * (120x40 by default), sends keys, and measures the bytes written per step and the time
 * from a key to the first byte of the screen's answer.
 *   ptybench scroll|filter|latency COLS ROWS -- command args...
 * scroll: 30 `j` at the bottom edge of the list (each scrolls one row);
 * filter: typing a filter, one character at a time;
 * latency: j/k alternately while a slow request is in flight (R starts a refresh).
 * Prints "name median p95 max" lines. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int master;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Reads until the program has been quiet for quiet_ms (or limit_ms passed). Returns bytes;
 * *first gets the ms from start to the first byte (-1 if none). */
static long drain(int quiet_ms, int limit_ms, double *first)
{
	double t0 = now_ms(), last = t0;
	long total = 0;
	if (first)
		*first = -1;
	char buf[65536];
	for (;;) {
		double now = now_ms();
		if (now - last >= quiet_ms || now - t0 >= limit_ms)
			return total;
		struct pollfd p = {master, POLLIN, 0};
		int r = poll(&p, 1, 5);
		if (r > 0) {
			ssize_t n = read(master, buf, sizeof buf);
			if (n <= 0)
				return total;
			if (first && *first < 0)
				*first = now_ms() - t0;
			total += n;
			last = now_ms();
		}
	}
}

static void key(const char *k)
{
	if (write(master, k, strlen(k)) < 0)
		perror("write");
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *name, double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	printf("%s %.1f %.1f %.1f\n", name, v[n / 2], v[(int)(0.95 * (n - 1) + 0.5)], v[n - 1]);
}

int main(int argc, char **argv)
{
	if (argc < 5 || strcmp(argv[4], "--")) {
		fprintf(stderr, "usage: ptybench scroll|filter|latency COLS ROWS -- cmd...\n");
		return 2;
	}
	const char *mode = argv[1];
	struct winsize ws = {.ws_col = (unsigned short)atoi(argv[2]),
			     .ws_row = (unsigned short)atoi(argv[3])};
	pid_t pid = forkpty(&master, NULL, NULL, &ws);
	if (pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		execvp(argv[5], argv + 5);
		_exit(127);
	}
	/* Start-up: wait for the first screen and for the refresh to settle. */
	drain(1500, 20000, NULL);
	double v[64];
	int n = 0;
	if (!strcmp(mode, "scroll")) {
		for (int i = 0; i < ws.ws_row; i++) { /* to the bottom edge */
			key("j");
			drain(60, 1000, NULL);
		}
		for (n = 0; n < 30; n++) {
			key("j");
			v[n] = (double)drain(80, 1000, NULL);
		}
		report("bytes_per_scroll_step", v, n);
	} else if (!strcmp(mode, "filter")) {
		key("/");
		drain(80, 1000, NULL);
		const char *typed = "northwind labs";
		for (n = 0; typed[n]; n++) {
			char k[2] = {typed[n], 0};
			key(k);
			v[n] = (double)drain(80, 1000, NULL);
		}
		report("bytes_per_filter_keystroke", v, n);
		key("\033");
		drain(80, 1000, NULL);
	} else {
		key("R"); /* a refresh: its requests take as long as the vendor's latency */
		drain(100, 1000, NULL);
		for (n = 0; n < 40; n++) {
			key(n % 2 ? "k" : "j");
			double first;
			drain(40, 1000, &first);
			v[n] = first < 0 ? 1000 : first;
		}
		report("key_to_screen_ms_while_slow_request", v, n);
	}
	key("Q");
	drain(200, 2000, NULL);
	kill(pid, SIGTERM);
	int st;
	waitpid(pid, &st, 0);
	return 0;
}
