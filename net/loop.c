/* loop: see loop.h. Small tables, linear scans: a handful of descriptors and timers. */
#include "net/loop.h"
#include "net/xalloc.h"

#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <string.h>
#include <time.h>

struct watch {
	int fd;
	short events;
	loop_io_fn fn;
	void *arg;
};

struct timer {
	uint64_t id;
	int64_t due;
	loop_timer_fn fn;
	void *arg;
};

struct loop {
	struct watch *w;
	size_t nw, capw;
	struct timer *t;
	size_t nt, capt;
	uint64_t next_id;
};

int64_t loop_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct loop *loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof *l);
	l->next_id = 1;
	return l;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	free(l->w);
	free(l->t);
	free(l);
}

void loop_io(struct loop *l, int fd, short events, loop_io_fn fn, void *arg)
{
	for (size_t i = 0; i < l->nw; i++) {
		if (l->w[i].fd != fd)
			continue;
		if (!events) {
			l->w[i] = l->w[--l->nw];
		} else {
			l->w[i].events = events;
			l->w[i].fn = fn;
			l->w[i].arg = arg;
		}
		return;
	}
	if (!events)
		return;
	if (l->nw == l->capw) {
		l->capw = l->capw ? l->capw * 2 : 8;
		l->w = xrealloc(l->w, l->capw * sizeof *l->w);
	}
	l->w[l->nw++] = (struct watch){fd, events, fn, arg};
}

uint64_t loop_timer(struct loop *l, long ms, loop_timer_fn fn, void *arg)
{
	if (l->nt == l->capt) {
		l->capt = l->capt ? l->capt * 2 : 8;
		l->t = xrealloc(l->t, l->capt * sizeof *l->t);
	}
	uint64_t id = l->next_id++;
	l->t[l->nt++] = (struct timer){id, loop_now_ms() + (ms > 0 ? ms : 0), fn, arg};
	return id;
}

void loop_timer_cancel(struct loop *l, uint64_t id)
{
	for (size_t i = 0; i < l->nt; i++)
		if (l->t[i].id == id) {
			l->t[i] = l->t[--l->nt];
			return;
		}
}

static void run_due_timers(struct loop *l)
{
	int64_t now = loop_now_ms();
	/* One pass over the timers due now; timers added by callbacks wait for the next turn. */
	uint64_t limit = l->next_id;
	for (;;) {
		size_t best = (size_t)-1;
		for (size_t i = 0; i < l->nt; i++)
			if (l->t[i].due <= now && l->t[i].id < limit &&
			    (best == (size_t)-1 || l->t[i].due < l->t[best].due))
				best = i;
		if (best == (size_t)-1)
			return;
		struct timer t = l->t[best];
		l->t[best] = l->t[--l->nt];
		t.fn(t.arg);
	}
}

void loop_run_once(struct loop *l, long max_ms)
{
	int64_t now = loop_now_ms();
	long wait = max_ms;
	for (size_t i = 0; i < l->nt; i++) {
		long d = (long)(l->t[i].due - now);
		if (d < 0)
			d = 0;
		if (wait < 0 || d < wait)
			wait = d;
	}
	size_t n = l->nw;
	struct pollfd pfd[n ? n : 1];
	struct watch snap[n ? n : 1];
	for (size_t i = 0; i < n; i++) {
		pfd[i] = (struct pollfd){.fd = l->w[i].fd, .events = l->w[i].events};
		snap[i] = l->w[i];
	}
	int r = poll(pfd, (nfds_t)n, (int)wait);
	if (r > 0) {
		for (size_t i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			/* Skip a descriptor a previous callback of this turn stopped watching. */
			bool still = false;
			for (size_t k = 0; k < l->nw; k++)
				if (l->w[k].fd == snap[i].fd && l->w[k].fn == snap[i].fn &&
				    l->w[k].arg == snap[i].arg)
					still = true;
			if (still)
				snap[i].fn(snap[i].arg, snap[i].fd, pfd[i].revents);
		}
	}
	run_due_timers(l);
}
