/* model: what the screen talks to. It owns the event loop, the HTTP engine, the store and
 * the configuration, knows the current profile, and runs vendor calls through the drivers:
 * build a request (driver), send it (net), parse the answer (driver), write it (store),
 * and mark what changed so the screen redraws. The screen never sees HTTP.
 * Ownership: model_open() returns a model that model_close() frees with all it holds. */
#ifndef ORGDECK_MODEL_H
#define ORGDECK_MODEL_H
#include "model/config.h"
#include "model/store.h"
#include "model/vendor.h"

#include <stdbool.h>
#include <stdint.h>

struct loop;
struct http;
struct sync;
struct outbox;
struct fetch;

enum model_dirty {
	MODEL_DIRTY_LIST = 1 << 0,   /* rows in the store changed */
	MODEL_DIRTY_STATUS = 1 << 1, /* progress, errors, in-flight counts */
	MODEL_DIRTY_MEMBERS = 1 << 2,
	MODEL_DIRTY_DETAIL = 1 << 3,
};

struct model {
	struct loop *loop;
	struct http *http;
	struct store *store;
	struct config cfg;
	struct profile *profile; /* current profile (NULL: none configured) */
	bool readonly;		 /* --readonly: every write refused at model_write_allowed */
	struct sync *sync;	 /* the running or last sync of the current profile */
	struct outbox *outbox;	 /* durable ops (model/outbox.h), opened after the store */
	struct fetch *fetch;	 /* reads beyond the list (model/fetch.h), made on first use */
	unsigned dirty;
	char error[320]; /* last error, shown in the status line */
	int64_t error_at;
	struct pending_send *sends; /* requests in flight or held for a token (model.c) */
	uint64_t next_send_id;
	char *db_path;
	bool first_run; /* no config file yet: the setup form adds a profile */
	/* Server-side filters of the current profile's list (the filter builder), and the
	 * store key its rows live under while they apply: "<profile>?<param>=<value>&...". */
	char *sf[8][2];
	int nsf;
	struct vquery sq;
	char *list_key;
};

struct model_opts {
	const char *config_path;
	const char *db_path;
	const char *profile; /* NULL: the first in the file */
	const char *trace_path;
	bool readonly;
	bool insecure_config;
	long backoff_base_ms; /* retry backoff (0: the engine's default, 250 ms) */
};

/* Opens config, store and engine. On failure returns NULL with a sentence in err. */
struct model *model_open(const struct model_opts *o, char *err, size_t errcap);
void model_close(struct model *m);
bool model_use_profile(struct model *m, const char *name);
/* Record keys of list columns 1..STORE_COLS-1 for a profile (schema FS_COLUMN fields after
 * the name, or the profile's `columns = a,b,c`); entries may be NULL. */
void model_colkeys(const struct profile *p, const char *keys[STORE_COLS - 1]);
/* Column labels (0 is "Name"). */
const char *model_col_label(const struct profile *p, int col);

/* Sets the vendor-side filters of the current profile's list (n = 0 clears them) and
 * starts a sync of what they select; the rows live under their own store key, so the
 * full cached list is untouched. */
void model_set_server_filter(struct model *m, const char *const pairs[][2], int n);
/* The store key the list shows: the profile's name, or its filtered view's. */
const char *model_list_key(const struct model *m);

/* Reads config.ini again (after the setup form appended a profile) and uses `profile`. */
bool model_reload_config(struct model *m, const char *profile, char *err, size_t errcap);

/* Starts (or resumes) a background sync of the current profile's organizations. */
void model_refresh(struct model *m);
void model_set_error(struct model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The one check every write passes: false (model->error says why) under --readonly or for a
 * profile with `readonly = yes`. profile NULL: the current profile. */
bool model_write_allowed(struct model *m, const char *profile);

/* Sends a driver request for profile p; done gets the vendor answer already classified:
 * err.kind == VERR_NONE for 2xx (rs holds the body), otherwise err says what went wrong. */
typedef void (*model_done_fn)(void *arg, const struct vresp *rs, const struct verr *err);
uint64_t model_send(struct model *m, const struct profile *p, const struct vreq *rq,
		    model_done_fn fn, void *arg);
/* Cancels a request from model_send; its callback will not run. */
void model_cancel(struct model *m, uint64_t id);

#endif
