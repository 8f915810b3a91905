/* loop: the application's one event loop. poll() on registered descriptors (the terminal,
 * libcurl's sockets, a signal pipe) with the nearest timer as its timeout. Nothing in the
 * process blocks except loop_run_once() itself.
 * Callbacks may add or remove descriptors and timers, including their own. */
#ifndef ORGDECK_LOOP_H
#define ORGDECK_LOOP_H
#include <stdint.h>

struct loop;
typedef void (*loop_io_fn)(void *arg, int fd, short revents);
typedef void (*loop_timer_fn)(void *arg);

struct loop *loop_new(void);
void loop_free(struct loop *l);
/* Watches fd for events (POLLIN/POLLOUT); events 0 stops watching it. */
void loop_io(struct loop *l, int fd, short events, loop_io_fn fn, void *arg);
/* Calls fn once after ms milliseconds (0: on the next turn). Returns an id for cancel. */
uint64_t loop_timer(struct loop *l, long ms, loop_timer_fn fn, void *arg);
void loop_timer_cancel(struct loop *l, uint64_t id);
/* Waits for I/O or the nearest timer (at most max_ms, -1 for no limit) and dispatches. */
void loop_run_once(struct loop *l, long max_ms);
/* Milliseconds on a monotonic clock. */
int64_t loop_now_ms(void);

#endif
