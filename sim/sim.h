/* orgdeck-sim: the contract every vendor dialect implements, and the helpers the server
 * gives them. One dialect per file in sim/dialects/, listed once in sim/dialects.c.
 *
 * Threads: the server runs a pool of threads, or one thread per connection when answers
 * sleep (latency, drip); either way it calls a dialect's handle() with sim->lock held, so
 * a dialect uses sim->db freely and keeps no other shared state.
 * Ownership: a dialect fills a struct sim_resp; the server frees resp->body after sending.
 * Faults (--faults, --latency-ms) are the server's job, applied around handle(); a dialect
 * only says how its vendor words an error (error()) so faults speak each vendor's envelope.
 * Order: latency; then 500/503/429/reset/html, which answer instead of handle() (the state
 * is untouched); then handle(); then truncate/drip, which spoil the answer handle() gave,
 * so a write may be applied although the client saw a broken answer (the "uncertain" case,
 * on purpose). handle() runs whole under the lock, so no fault leaves a half-made write. */
#ifndef ORGDECK_SIM_H
#define ORGDECK_SIM_H
#include <cjson/cJSON.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct MHD_Connection;

struct sim {
	sqlite3 *db;
	pthread_mutex_t lock;
	uint64_t seed;
	long orgs;	  /* --orgs: organizations per dialect */
	bool rate_limits; /* --rate-limits: enforce each vendor's documented quota */
	bool hostile;	  /* --hostile: include names made to attack a terminal */
	int port;
};

struct sim_req {
	const char *method; /* "GET", "POST", ... */
	const char *path;   /* path below the dialect prefix, e.g. "/organizations/12" */
	const char *body;   /* request body, NUL-terminated (may be "") */
	size_t body_len;
	struct MHD_Connection *conn;
};

#define SIM_MAX_HEADERS 6
struct sim_resp {
	int status;
	char *body; /* malloc'd; the server frees it */
	size_t body_len;
	const char *content_type; /* static string */
	char headers[SIM_MAX_HEADERS][2][96];
	int nheaders;
	bool drop_connection; /* close without an answer (a reset) */
};

struct sim_dialect {
	const char *name;   /* "clinchpad": the profile's vendor = value */
	const char *prefix; /* "/clinchpad/api/v1"; requests under it come to handle() */
	/* Creates the dialect's tables (IF NOT EXISTS) and, when the state is new, its data. */
	void (*setup)(struct sim *s, bool fresh);
	void (*handle)(struct sim *s, const struct sim_req *rq, struct sim_resp *rs);
	/* The vendor's own error body for status (used by handle() and by injected faults).
	 * A 429 must carry the vendor's own limit signal (headers, wording). */
	void (*error)(struct sim_resp *rs, int status, const char *message);
	/* Writes "[profile NAME-demo]" sections pointing at base ("http://127.0.0.1:PORT"). */
	void (*print_config)(struct sim *s, FILE *out, const char *base);
};

extern const struct sim_dialect *const sim_dialects[]; /* NULL-terminated */

/* Request helpers. */
const char *sim_arg(const struct sim_req *rq, const char *name);    /* query parameter or NULL */
const char *sim_header(const struct sim_req *rq, const char *name); /* case-insensitive */
const char *sim_cookie(const struct sim_req *rq, const char *name);
/* HTTP Basic credentials; returns false when absent. Caller frees *user and *pass. */
bool sim_basic_auth(const struct sim_req *rq, char **user, char **pass);
/* Splits rq->path on '/' into at most max segments (each malloc'd into seg[]); returns count. */
int sim_path_split(const char *path, char **seg, int max);
void sim_path_free(char **seg, int n);
/* Strict integer parse of a whole string; false on empty, junk or overflow. */
bool sim_parse_long(const char *s, long *out);

/* The request body as a JSON object: parsed as JSON, or as a form (a=1&b=2) when the
 * Content-Type says so. NULL when the body is not an object or not well formed. */
cJSON *sim_body_params(const struct sim_req *rq);

/* Response helpers: take ownership of the cJSON / string. */
void sim_resp_json(struct sim_resp *rs, int status, cJSON *json);
void sim_resp_text(struct sim_resp *rs, int status, const char *content_type, char *text);
void sim_resp_header(struct sim_resp *rs, const char *name, const char *value);

/* Rate limiting: a fixed window per (dialect, key). Returns true when the call is allowed;
 * when it is not, *reset_epoch says when the window ends. Always true without --rate-limits. */
bool sim_rate_take(struct sim *s, const char *dialect, const char *key, int limit,
		   int window_seconds, long *reset_epoch);

/* Storage shared by the dialects (tables created by the server):
 *   sim_org(dialect, id, name, doc)      rowid gives the vendor's natural order
 *   sim_sub(dialect, parent, kind, id, doc)  members, tasks, contacts, ...
 * doc is the vendor's JSON for the object. Helpers return malloc'd strings or NULL. */
char *sim_org_get(struct sim *s, const char *dialect, const char *id);
void sim_org_put(struct sim *s, const char *dialect, const char *id, const char *name,
		 const char *doc);
bool sim_org_delete(struct sim *s, const char *dialect, const char *id);
long sim_org_count(struct sim *s, const char *dialect);
char *sim_sub_get(struct sim *s, const char *dialect, const char *parent, const char *kind,
		  const char *id);
void sim_sub_put(struct sim *s, const char *dialect, const char *parent, const char *kind,
		 const char *id, const char *doc);
bool sim_sub_delete(struct sim *s, const char *dialect, const char *parent, const char *kind,
		    const char *id);
/* Next value of a named counter (for new ids), persisted in the state. */
long sim_counter_next(struct sim *s, const char *name);
/* A bulk-insert transaction for generators. */
void sim_begin(struct sim *s);
void sim_commit(struct sim *s);

/* Deterministic data: a small PRNG and realistic names (sim/gen.c). */
struct sim_rng {
	uint64_t state;
};
void sim_rng_seed(struct sim_rng *r, uint64_t seed, const char *stream);
uint64_t sim_rng_next(struct sim_rng *r);
long sim_rng_range(struct sim_rng *r, long lo, long hi);	      /* inclusive */
const char *sim_rng_pick(struct sim_rng *r, const char *const *list); /* NULL-terminated list */
/* Organization name: mostly plain, a few percent with accents, CJK or emoji; with
 * s->hostile, some carry escape sequences, bidi controls and invalid UTF-8. */
void sim_gen_org_name(struct sim *s, struct sim_rng *r, long index, char *out, size_t cap);
void sim_gen_person(struct sim_rng *r, char *first, char *last, size_t cap);
void sim_gen_domain(const char *org_name, char *out, size_t cap);
void sim_gen_hex_id(struct sim_rng *r, char *out); /* 24 hex chars + NUL (out: 25 bytes) */
extern const char *const sim_industries[];
extern const char *const sim_cities[];

/* The epoch used for generated timestamps, so runs are reproducible. */
#define SIM_EPOCH 1700000000L
long sim_now(void);

#endif
