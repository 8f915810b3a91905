/* sync: pages through a profile's organization list into the store with several requests
 * in flight (the driver's max_parallel), each page written in one transaction. Progress is
 * kept in the store after every page, so a sync cut short (crash, quit, network) resumes
 * where it stopped. A complete sync removes what the vendor no longer lists.
 * Ownership: the model owns the struct sync; sync_free() cancels what is in flight. */
#ifndef ORGDECK_SYNC_H
#define ORGDECK_SYNC_H
#include <stdbool.h>
#include <stdint.h>

struct model;
struct profile;

struct sync_progress {
	bool running;
	bool complete;
	long pages; /* pages stored in this run */
	long rows;  /* rows stored in this run */
	long total; /* vendor's total, or -1 */
	double rows_per_s;
	long eta_s; /* -1 unknown */
	int64_t started_ms;
	int64_t finished_ms;
	char error[320];
};

struct vquery;
/* key: the name the rows are stored under (NULL: the profile's); q: server-side filters
 * (NULL: none; its strings must outlive the sync). */
struct sync *sync_start(struct model *m, struct profile *p, const char *key,
			const struct vquery *q);
void sync_cancel(struct sync *s);
void sync_free(struct sync *s);
const struct sync_progress *sync_progress(const struct sync *s);
const struct profile *sync_profile(const struct sync *s);

#endif
