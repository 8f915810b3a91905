/* store: orgdeck's SQLite database, the screen's only source of truth. One file (mode 0600,
 * WAL) holding cached organizations per profile with their raw JSON, members, sync
 * progress, and (see outbox.h) pending operations and the journal.
 * Panes read windows of rows through an index, never whole tables; filtering uses a
 * trigram index over folded text for rare matches and an ordered index walk for common
 * ones, so a keystroke costs about the same on 100 rows or 1,000,000.
 * Schema version lives in PRAGMA user_version; migrations run forward on open and a
 * database from a newer orgdeck is refused.
 * Ownership: the caller owns struct store (store_close); rows returned are caller-owned. */
#ifndef ORGDECK_STORE_H
#define ORGDECK_STORE_H
#include "model/record.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#define STORE_COLS 4 /* list columns kept per organization; c0 is the name */
#define STORE_VERSION 1

struct store;

struct store_query {
	const char *profile; /* NULL: every profile (the "all profiles" list) */
	const char *filter;  /* as typed; folded inside */
	int sort_col;	     /* -1: the vendor's own order; 0..STORE_COLS-1 a column */
	bool desc;
};

struct store_row {
	char *profile;
	char *id;
	char *cols[STORE_COLS];
	int state; /* 0 clean, 1 pending op, 2 failed op, 3 conflict */
};

struct store *store_open(const char *path, char *err, size_t errcap);
void store_close(struct store *s);
sqlite3 *store_db(struct store *s);

/* Writes one page of a list in one transaction; seq0 is the vendor position of the first
 * row. colkeys: the record keys of columns 1..STORE_COLS-1 (NULL entries allowed). */
bool store_put_page(struct store *s, const char *profile, long seq0, const struct record_list *l,
		    const char *const *colkeys, int64_t fetched_at);
/* Inserts or updates one record (keeps its position; new ones go last). */
bool store_put_record(struct store *s, const char *profile, const struct record *r,
		      const char *const *colkeys, int64_t fetched_at);
bool store_get_record(struct store *s, const char *profile, const char *id, struct record *out);
bool store_delete_record(struct store *s, const char *profile, const char *id);
/* Removes rows of profile not seen since `since` (a complete sync tells what vanished). */
long store_prune(struct store *s, const char *profile, int64_t since);

/* Rows [offset, offset+limit) of the query's order; returns how many were filled. */
int store_window(struct store *s, const struct store_query *q, long offset, int limit,
		 struct store_row *rows);
void store_rows_free(struct store_row *rows, int n);
/* Number of rows matching, counting at most cap (returns cap when there are more). */
long store_count(struct store *s, const struct store_query *q, long cap);
/* A time budget (ms) for the following windows and counts; 0 for none. A query that runs
 * out stops with what it found so far and store_last_partial() says so: a keystroke stays
 * fast even when a short filter would scan a million rows. */
void store_set_budget(struct store *s, int ms);
bool store_last_partial(const struct store *s);
/* Forgets where the last window was, so the next one is read from an end of the list
 * (windows near the previous one otherwise continue from its first or last row). */
void store_forget_position(struct store *s);
/* Position of an id in the query's order, or -1 (bounded by cap rows scanned). */
long store_position(struct store *s, const struct store_query *q, const char *profile,
		    const char *id, long cap);

/* Bytes the database uses (pages in use, not the file's size). */
int64_t store_size_bytes(struct store *s);
/* The cache cap: removes the oldest fetched organizations (never ones an unfinished op
 * refers to, never keep_profile's) until the database uses at most max_bytes. Returns how
 * many rows went. */
long store_evict(struct store *s, int64_t max_bytes, const char *keep_profile);

/* Members of one organization, replaced wholesale on each fetch. */
bool store_put_members(struct store *s, const char *profile, const char *org_id,
		       const struct record_list *members, int64_t fetched_at);
bool store_get_members(struct store *s, const char *profile, const char *org_id,
		       struct record_list *out);

/* One member inserted or replaced (new ones go last), or removed; single statements, so the
 * outbox can call them inside its own transaction. */
bool store_put_member(struct store *s, const char *profile, const char *org_id,
		      const struct record *member);
bool store_delete_member(struct store *s, const char *profile, const char *org_id,
			 const char *member_id);

/* Sync progress per profile: the first page not yet stored, whether the last sync ended,
 * when it started and ended (epoch ms). */
struct store_sync {
	long next_page;
	bool complete;
	int64_t started, finished;
	long total;
};
bool store_sync_get(struct store *s, const char *profile, struct store_sync *out);
void store_sync_set(struct store *s, const char *profile, const struct store_sync *st);
/* Newest fetched_at of a profile's rows (epoch ms), 0 if none. */
int64_t store_fetched_at(struct store *s, const char *profile);

/* Serialises a record's fields to JSON and back (used by the outbox and the journal). */
char *store_fields_json(const struct record *r);
void store_fields_from_json(struct record *r, const char *json);

#endif
