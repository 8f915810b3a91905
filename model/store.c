/* store: see store.h. */
#include "model/store.h"
#include "model/fold.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Filters matching fewer rows than this go through the trigram index and are sorted;
 * more common ones walk the ordering index and stop at the window's end. */
#define RARE_MATCHES 2000

struct store {
	sqlite3 *db;
	/* filter plan cache: the last folded filter and whether it was rare */
	char *plan_filter;
	char *plan_profile;
	bool plan_rare;
	/* unfiltered row count cache, invalidated by writes */
	char *count_profile;
	long count;
	/* keyset anchors: the first and last rows of the previous window, so that the next
	 * window near it starts from an index position instead of counting OFFSET rows */
	char *anchor_sig;
	struct anchor {
		long offset;
		char *key;
		int64_t seq;
	} first, last;
	/* time budget for the next window/count (ms, 0 none) and whether one was cut */
	int budget_ms;
	double deadline;
	bool partial;
};

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int over_budget(void *arg)
{
	struct store *s = arg;
	return mono_ms() > s->deadline;
}

void store_set_budget(struct store *s, int ms)
{
	s->budget_ms = ms;
}

bool store_last_partial(const struct store *s)
{
	return s->partial;
}

/* Arms the progress handler for one query when a budget is set. */
static void budget_begin(struct store *s)
{
	s->partial = false;
	if (s->budget_ms > 0) {
		s->deadline = mono_ms() + s->budget_ms;
		sqlite3_progress_handler(s->db, 2000, over_budget, s);
	}
}

static void budget_end(struct store *s, int rc)
{
	if (s->budget_ms > 0) {
		sqlite3_progress_handler(s->db, 0, NULL, NULL);
		if (rc == SQLITE_INTERRUPT)
			s->partial = true;
	}
}

static const char *const migrations[] = {
    /* 1: organizations, members, sync progress, outbox and journal */
    "CREATE TABLE org(profile TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL,"
    " c0 TEXT, c1 TEXT, c2 TEXT, c3 TEXT, fold TEXT NOT NULL DEFAULT '', version TEXT,"
    " fields TEXT, raw TEXT, fetched_at INTEGER NOT NULL DEFAULT 0, UNIQUE(profile, id));"
    "CREATE INDEX org_seq ON org(profile, seq);"
    "CREATE INDEX org_c0 ON org(profile, c0 COLLATE NOCASE);"
    "CREATE INDEX org_c1 ON org(profile, c1 COLLATE NOCASE);"
    "CREATE INDEX org_c2 ON org(profile, c2 COLLATE NOCASE);"
    "CREATE INDEX org_c3 ON org(profile, c3 COLLATE NOCASE);"
    "CREATE INDEX org_fetched ON org(profile, fetched_at);"
    /* Row counts kept by triggers: the list's total without counting a million rows. */
    "CREATE TABLE org_count(profile TEXT PRIMARY KEY, n INTEGER NOT NULL);"
    "CREATE TRIGGER org_count_ai AFTER INSERT ON org BEGIN"
    " INSERT INTO org_count(profile, n) VALUES(new.profile, 1)"
    " ON CONFLICT(profile) DO UPDATE SET n = n + 1; END;"
    "CREATE TRIGGER org_count_ad AFTER DELETE ON org BEGIN"
    " UPDATE org_count SET n = n - 1 WHERE profile = old.profile; END;"
    "CREATE VIRTUAL TABLE org_fts USING fts5(fold, content='org', content_rowid='rowid',"
    " tokenize='trigram');"
    /* Row changes reach the trigram index through fts_pending, flushed once per write
     * (store_flush_fts): a trigger writing to FTS5 itself costs a savepoint and a flush
     * of FTS5's pending terms per row, which made a sync page ten times slower. */
    "CREATE TABLE fts_pending(rid INTEGER PRIMARY KEY, old TEXT, new TEXT);"
    "CREATE TRIGGER org_ai AFTER INSERT ON org BEGIN"
    " INSERT INTO fts_pending(rid, old, new) VALUES(new.rowid, NULL, new.fold)"
    " ON CONFLICT(rid) DO UPDATE SET new = excluded.new; END;"
    "CREATE TRIGGER org_ad AFTER DELETE ON org BEGIN"
    " INSERT INTO fts_pending(rid, old, new) VALUES(old.rowid, old.fold, NULL)"
    " ON CONFLICT(rid) DO UPDATE SET new = NULL; END;"
    "CREATE TRIGGER org_au AFTER UPDATE OF fold ON org WHEN old.fold IS NOT new.fold BEGIN"
    " INSERT INTO fts_pending(rid, old, new) VALUES(new.rowid, old.fold, new.fold)"
    " ON CONFLICT(rid) DO UPDATE SET new = excluded.new; END;"
    "CREATE TABLE member(profile TEXT NOT NULL, org_id TEXT NOT NULL, id TEXT NOT NULL,"
    " pos INTEGER, name TEXT, fields TEXT, raw TEXT, fetched_at INTEGER,"
    " PRIMARY KEY(profile, org_id, id));"
    "CREATE TABLE sync_state(profile TEXT PRIMARY KEY, next_page INTEGER, complete INTEGER,"
    " started INTEGER, finished INTEGER, total INTEGER);"
    /* op: payload and base are record JSON (model/outbox.c); theirs is the server copy
     * of a conflict; step counts the confirmed requests of a multi-request op. */
    "CREATE TABLE op(id INTEGER PRIMARY KEY, profile TEXT NOT NULL, kind TEXT NOT NULL,"
    " target TEXT, member TEXT, role TEXT, payload TEXT, base TEXT, theirs TEXT,"
    " state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, step INTEGER NOT NULL"
    " DEFAULT 0, message TEXT, created INTEGER, updated INTEGER, parent INTEGER);"
    "CREATE INDEX op_target ON op(profile, target);"
    "CREATE INDEX op_state ON op(state);"
    "CREATE TABLE journal(id INTEGER PRIMARY KEY, at INTEGER, profile TEXT, actor TEXT,"
    " kind TEXT, target TEXT, before TEXT, after TEXT, op_id INTEGER, undone INTEGER);"
    "CREATE INDEX journal_profile ON journal(profile, id);",
};
#define N_MIGRATIONS (int)(sizeof migrations / sizeof migrations[0])

static void anchors_clear(struct store *s)
{
	free(s->anchor_sig);
	free(s->first.key);
	free(s->last.key);
	s->anchor_sig = s->first.key = s->last.key = NULL;
}

void store_forget_position(struct store *s)
{
	anchors_clear(s);
}

static bool exec(struct store *s, const char *sql, char *err, size_t cap);

/* Applies the row changes queued by the org triggers to the trigram index: one delete
 * pass and one insert pass, whatever the number of rows. */
static bool store_flush_fts(struct store *s)
{
	return exec(
	    s,
	    "INSERT INTO org_fts(org_fts, rowid, fold) SELECT 'delete', rid, old FROM fts_pending"
	    " WHERE old IS NOT NULL;"
	    "INSERT INTO org_fts(rowid, fold) SELECT rid, new FROM fts_pending WHERE new IS NOT "
	    "NULL;"
	    "DELETE FROM fts_pending;",
	    NULL, 0);
}

static void invalidate(struct store *s)
{
	anchors_clear(s);
	free(s->count_profile);
	s->count_profile = NULL;
	free(s->plan_filter);
	s->plan_filter = NULL;
}

static bool exec(struct store *s, const char *sql, char *err, size_t cap)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		if (err)
			snprintf(err, cap, "database: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return false;
	}
	return true;
}

static int user_version(sqlite3 *db)
{
	sqlite3_stmt *q;
	int v = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return v;
}

static void make_parent_dirs(const char *path)
{
	char *d = xstrdup(path);
	for (char *p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(d, 0700);
		*p = '/';
	}
	free(d);
}

struct store *store_open(const char *path, char *err, size_t errcap)
{
	make_parent_dirs(path);
	/* Create the file 0600 ourselves: it holds pending edits and account data. */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errcap, "cannot open database %s: %s", path, strerror(errno));
		return NULL;
	}
	fchmod(fd, 0600);
	close(fd);
	struct store *s = xcalloc(1, sizeof *s);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errcap, "cannot open database %s: %s", path, sqlite3_errmsg(s->db));
		store_close(s);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (!exec(s,
		  "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
		  "PRAGMA cache_size=-16000; PRAGMA temp_store=MEMORY; PRAGMA "
		  "wal_autocheckpoint=4000;",
		  err, errcap)) {
		store_close(s);
		return NULL;
	}
	int v = user_version(s->db);
	if (v < 0) {
		snprintf(err, errcap, "%s is not an orgdeck database (or is damaged)", path);
		store_close(s);
		return NULL;
	}
	if (v > N_MIGRATIONS) {
		snprintf(err, errcap,
			 "%s was written by a newer orgdeck (schema %d, this one knows %d); "
			 "upgrade orgdeck or use another --db",
			 path, v, N_MIGRATIONS);
		store_close(s);
		return NULL;
	}
	for (int i = v; i < N_MIGRATIONS; i++) {
		char *sql =
		    xasprintf("BEGIN; %s PRAGMA user_version=%d; COMMIT;", migrations[i], i + 1);
		bool ok = exec(s, sql, err, errcap);
		free(sql);
		if (!ok) {
			exec(s, "ROLLBACK", NULL, 0);
			store_close(s);
			return NULL;
		}
	}
	return s;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_close_v2(s->db);
	invalidate(s);
	free(s->plan_profile);
	free(s);
}

sqlite3 *store_db(struct store *s)
{
	return s->db;
}

char *store_fields_json(const struct record *r)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < r->nfields; i++) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "k", r->fields[i].key);
		if (r->fields[i].label)
			cJSON_AddStringToObject(f, "l", r->fields[i].label);
		if (r->fields[i].value)
			cJSON_AddStringToObject(f, "v", r->fields[i].value);
		else
			cJSON_AddNullToObject(f, "v");
		cJSON_AddItemToArray(a, f);
	}
	char *s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	return s;
}

void store_fields_from_json(struct record *r, const char *json)
{
	cJSON *a = json ? cJSON_Parse(json) : NULL;
	const cJSON *f;
	cJSON_ArrayForEach(f, a)
	{
		const char *k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "k"));
		const char *l = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "l"));
		const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "v"));
		if (k)
			record_set_labelled(r, k, l, v);
	}
	cJSON_Delete(a);
}

static const char *col_value(const struct record *r, const char *const *colkeys, int c)
{
	if (c == 0)
		return r->name;
	return colkeys && colkeys[c - 1] ? record_get(r, colkeys[c - 1]) : NULL;
}

static char *fold_row(const struct record *r, const char *const *colkeys)
{
	struct buf b;
	buf_init(&b);
	for (int c = 0; c < STORE_COLS; c++) {
		const char *v = col_value(r, colkeys, c);
		if (!v)
			continue;
		char *f = fold_text(v);
		if (b.len)
			buf_putc(&b, '\x1f'); /* a separator no filter can span */
		buf_puts(&b, f);
		free(f);
	}
	return buf_steal(&b);
}

static bool put(struct store *s, sqlite3_stmt *q, const char *profile, long seq,
		const struct record *r, const char *const *colkeys, int64_t fetched_at)
{
	char *fold = fold_row(r, colkeys);
	char *fields = store_fields_json(r);
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, seq);
	/* '' rather than NULL: keyset comparisons on row values need no NULL cases. */
	for (int c = 0; c < STORE_COLS; c++) {
		const char *v = col_value(r, colkeys, c);
		sqlite3_bind_text(q, 4 + c, v ? v : "", -1, SQLITE_STATIC);
	}
	sqlite3_bind_text(q, 8, fold, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 9, r->version, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 10, fields, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 11, r->raw, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 12, fetched_at);
	bool ok = sqlite3_step(q) == SQLITE_DONE;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	free(fold);
	free(fields);
	return ok;
}

#define UPSERT_COLS                                                                                \
	"INSERT INTO org(profile,id,seq,c0,c1,c2,c3,fold,version,fields,raw,fetched_at)"           \
	" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) ON CONFLICT(profile,id) DO UPDATE SET"    \
	" c0=excluded.c0,c1=excluded.c1,c2=excluded.c2,c3=excluded.c3,fold=excluded.fold,"         \
	" version=excluded.version,fields=excluded.fields,raw=excluded.raw,"                       \
	" fetched_at=excluded.fetched_at"

bool store_put_page(struct store *s, const char *profile, long seq0, const struct record_list *l,
		    const char *const *colkeys, int64_t fetched_at)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, UPSERT_COLS ", seq=excluded.seq", -1, &q, NULL) != SQLITE_OK)
		return false;
	bool ok = exec(s, "BEGIN", NULL, 0);
	for (size_t i = 0; ok && i < l->n; i++)
		if (l->items[i].id)
			ok = put(s, q, profile, seq0 + (long)i, &l->items[i], colkeys, fetched_at);
	sqlite3_finalize(q);
	ok = ok && store_flush_fts(s) && exec(s, "COMMIT", NULL, 0);
	if (!ok)
		exec(s, "ROLLBACK", NULL, 0);
	invalidate(s);
	return ok;
}

bool store_put_record(struct store *s, const char *profile, const struct record *r,
		      const char *const *colkeys, int64_t fetched_at)
{
	if (!r->id)
		return false;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(
		s->db,
		"INSERT INTO org(profile,id,seq,c0,c1,c2,c3,fold,version,fields,raw,fetched_at)"
		" VALUES(?1,?2,(SELECT coalesce(max(seq),0)+1 FROM org WHERE profile=?1),"
		"?4,?5,?6,?7,?8,?9,?10,?11,?12) ON CONFLICT(profile,id) DO UPDATE SET"
		" c0=excluded.c0,c1=excluded.c1,c2=excluded.c2,c3=excluded.c3,"
		"fold=excluded.fold,version=excluded.version,fields=excluded.fields,"
		"raw=excluded.raw,fetched_at=excluded.fetched_at",
		-1, &q, NULL) != SQLITE_OK)
		return false;
	bool ok = exec(s, "SAVEPOINT put_record", NULL, 0);
	ok = ok && put(s, q, profile, 0, r, colkeys, fetched_at) && store_flush_fts(s);
	exec(s, ok ? "RELEASE put_record" : "ROLLBACK TO put_record; RELEASE put_record", NULL, 0);
	sqlite3_finalize(q);
	invalidate(s);
	return ok;
}

static char *col_text(sqlite3_stmt *q, int c)
{
	const unsigned char *t = sqlite3_column_text(q, c);
	return t ? xstrdup((const char *)t) : NULL;
}

bool store_get_record(struct store *s, const char *profile, const char *id, struct record *out)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(
		s->db, "SELECT id, c0, version, fields, raw FROM org WHERE profile=?1 AND id=?2",
		-1, &q, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
	bool ok = sqlite3_step(q) == SQLITE_ROW;
	if (ok) {
		record_init(out);
		out->id = col_text(q, 0);
		out->name = col_text(q, 1);
		out->version = col_text(q, 2);
		store_fields_from_json(out, (const char *)sqlite3_column_text(q, 3));
		out->raw = col_text(q, 4);
	}
	sqlite3_finalize(q);
	return ok;
}

bool store_delete_record(struct store *s, const char *profile, const char *id)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM org WHERE profile=?1 AND id=?2", -1, &q, NULL) !=
	    SQLITE_OK)
		return false;
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
	bool ok = exec(s, "SAVEPOINT del_record", NULL, 0);
	ok = ok && sqlite3_step(q) == SQLITE_DONE && store_flush_fts(s);
	exec(s, ok ? "RELEASE del_record" : "ROLLBACK TO del_record; RELEASE del_record", NULL, 0);
	sqlite3_finalize(q);
	invalidate(s);
	return ok;
}

long store_prune(struct store *s, const char *profile, int64_t since)
{
	sqlite3_stmt *q;
	/* Never prune a record an operation still refers to. */
	if (sqlite3_prepare_v2(
		s->db,
		"DELETE FROM org WHERE profile=?1 AND fetched_at<?2 AND id NOT IN"
		" (SELECT target FROM op WHERE profile=?1 AND state NOT IN ('done','cancelled'))",
		-1, &q, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, since);
	exec(s, "SAVEPOINT prune", NULL, 0);
	sqlite3_step(q);
	long n = sqlite3_changes(s->db);
	store_flush_fts(s);
	exec(s, "RELEASE prune", NULL, 0);
	sqlite3_finalize(q);
	invalidate(s);
	return n;
}

/* ---- windows ---- */

static char *like_pattern(const char *folded)
{
	struct buf b;
	buf_init(&b);
	buf_putc(&b, '%');
	for (const char *p = folded; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	buf_putc(&b, '%');
	return buf_steal(&b);
}

static char *fts_phrase(const char *folded)
{
	struct buf b;
	buf_init(&b);
	buf_putc(&b, '"');
	for (const char *p = folded; *p; p++) {
		if (*p == '"')
			buf_putc(&b, '"');
		buf_putc(&b, *p);
	}
	buf_putc(&b, '"');
	return buf_steal(&b);
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Decides (and caches) whether a filter is rare enough for the trigram index. */
static bool filter_is_rare(struct store *s, const char *profile, const char *folded)
{
	/* The trigram index answers only for three characters or more (not bytes). */
	size_t chars = 0;
	for (const unsigned char *c = (const unsigned char *)folded; *c; c++)
		chars += (*c & 0xC0) != 0x80;
	if (chars < 3)
		return false;
	if (s->plan_filter && !strcmp(s->plan_filter, folded) && same(s->plan_profile, profile))
		return s->plan_rare;
	sqlite3_stmt *q;
	long n = RARE_MATCHES;
	char *phrase = fts_phrase(folded);
	if (sqlite3_prepare_v2(
		s->db,
		"SELECT count(*) FROM (SELECT rowid FROM org_fts WHERE org_fts MATCH ?1 LIMIT ?2)",
		-1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, phrase, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 2, RARE_MATCHES);
		if (sqlite3_step(q) == SQLITE_ROW)
			n = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	free(phrase);
	free(s->plan_filter);
	free(s->plan_profile);
	s->plan_filter = xstrdup(folded);
	s->plan_profile = profile ? xstrdup(profile) : NULL;
	s->plan_rare = n < RARE_MATCHES;
	return s->plan_rare;
}

struct plan {
	const char *from; /* the FROM clause: org, or the trigram matches joined to org */
	char *sql_where;  /* WHERE clause with ?1 profile, ?2 pattern */
	char *pattern;
	char *order;
	char *rorder; /* reversed order */
};

static void plan_build(struct store *s, const struct store_query *qy, struct plan *p)
{
	struct buf w;
	buf_init(&w);
	buf_puts(&w, qy->profile ? "profile=?1" : "(?1 IS NULL)");
	char *folded = qy->filter && qy->filter[0] ? fold_text(qy->filter) : NULL;
	p->pattern = NULL;
	p->from = "org";
	if (folded && folded[0]) {
		if (filter_is_rare(s, qy->profile, folded)) {
			/* Few matches: start from them (CROSS JOIN keeps SQLite from walking the
			 * ordering index and probing each row), then sort what matched. */
			p->pattern = fts_phrase(folded);
			p->from =
			    "(SELECT rowid AS fts_rowid FROM org_fts WHERE org_fts MATCH ?2) AS fts"
			    " CROSS JOIN org ON org.rowid = fts.fts_rowid";
		} else {
			p->pattern = like_pattern(folded);
			buf_puts(&w, " AND fold LIKE ?2 ESCAPE '\\'");
		}
	}
	free(folded);
	p->sql_where = buf_steal(&w);
	const char *pre = qy->profile ? "" : "profile, ";
	if (qy->sort_col < 0 || qy->sort_col >= STORE_COLS) {
		p->order = xasprintf("%sseq %s", pre, qy->desc ? "DESC" : "ASC");
		p->rorder = xasprintf("%sseq %s", pre, qy->desc ? "ASC" : "DESC");
	} else {
		const char *d = qy->desc ? "DESC" : "ASC", *r = qy->desc ? "ASC" : "DESC";
		p->order = xasprintf("%sc%d COLLATE NOCASE %s, seq %s", pre, qy->sort_col, d, d);
		p->rorder = xasprintf("%sc%d COLLATE NOCASE %s, seq %s", pre, qy->sort_col, r, r);
	}
}

static void plan_free(struct plan *p)
{
	free(p->sql_where);
	free(p->pattern);
	free(p->order);
	free(p->rorder);
}

static void bind_plan(sqlite3_stmt *q, const struct store_query *qy, const struct plan *p)
{
	if (qy->profile)
		sqlite3_bind_text(q, 1, qy->profile, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 1);
	if (p->pattern)
		sqlite3_bind_text(q, 2, p->pattern, -1, SQLITE_STATIC);
}

long store_count(struct store *s, const struct store_query *qy, long cap)
{
	bool plain = !qy->filter || !qy->filter[0];
	if (plain && qy->profile && s->count_profile && !strcmp(s->count_profile, qy->profile))
		return s->count < cap ? s->count : cap;
	if (plain && qy->profile) {
		sqlite3_stmt *c;
		long n = 0;
		if (sqlite3_prepare_v2(s->db, "SELECT n FROM org_count WHERE profile=?1", -1, &c,
				       NULL) == SQLITE_OK) {
			sqlite3_bind_text(c, 1, qy->profile, -1, SQLITE_STATIC);
			if (sqlite3_step(c) == SQLITE_ROW)
				n = (long)sqlite3_column_int64(c, 0);
			sqlite3_finalize(c);
		}
		free(s->count_profile);
		s->count_profile = xstrdup(qy->profile);
		s->count = n;
		return n < cap ? n : cap;
	}
	struct plan p;
	plan_build(s, qy, &p);
	char *sql = xasprintf("SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT ?3)", p.from,
			      p.sql_where);
	sqlite3_stmt *q;
	long n = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) == SQLITE_OK) {
		bind_plan(q, qy, &p);
		sqlite3_bind_int64(q, 3, plain ? -1 : cap);
		budget_begin(s);
		int rc = sqlite3_step(q);
		if (rc == SQLITE_ROW)
			n = (long)sqlite3_column_int64(q, 0);
		budget_end(s, rc);
		sqlite3_finalize(q);
	}
	free(sql);
	plan_free(&p);
	if (plain && qy->profile) {
		free(s->count_profile);
		s->count_profile = xstrdup(qy->profile);
		s->count = n;
	}
	return n < cap ? n : cap;
}

/* How a window query starts: at the list's top with OFFSET, or beside an anchor row. */
enum window_from { FROM_TOP, FROM_AFTER, FROM_AT, FROM_BEFORE };

#define KEYSET_REACH 2000 /* past this distance from an anchor, OFFSET from an end is used */

static char *query_sig(const struct store_query *qy)
{
	return xasprintf("%s\x1f%s\x1f%d\x1f%d", qy->profile ? qy->profile : "",
			 qy->filter ? qy->filter : "", qy->sort_col, qy->desc);
}

/* Runs one window query; appends up to limit rows to rows[*n], records seq and sort key of
 * each row in seqs/keys (owned by the caller). */
static int run_window(struct store *s, const struct store_query *qy, const struct plan *p,
		      enum window_from from, const struct anchor *a, bool reverse, long off,
		      int limit, struct store_row *rows, int64_t *seqs, char **keys)
{
	const char *key = qy->sort_col >= 0 && qy->sort_col < STORE_COLS ? NULL : "seq";
	char keyexpr[40];
	if (!key) {
		snprintf(keyexpr, sizeof keyexpr, "c%d COLLATE NOCASE", qy->sort_col);
		key = keyexpr;
	}
	/* Direction of "after" in the list's own order. */
	bool asc = !qy->desc;
	char cond[160] = "";
	if (from != FROM_TOP) {
		bool later = (from != FROM_BEFORE) == asc; /* toward larger keys */
		const char *op = from == FROM_AT ? (later ? ">=" : "<=") : (later ? ">" : "<");
		if (qy->sort_col < 0)
			snprintf(cond, sizeof cond, " AND seq %s ?5", op);
		else
			snprintf(cond, sizeof cond, " AND (%s, seq) %s (?6, ?5)", keyexpr, op);
	}
	char *sql = xasprintf(
	    "SELECT profile, id, c0, c1, c2, c3, (SELECT max(CASE state WHEN 'conflict' THEN 3"
	    " WHEN 'failed' THEN 2 WHEN 'uncertain' THEN 2 ELSE 1 END) FROM op WHERE "
	    "op.profile=org.profile"
	    " AND op.target=org.id AND state NOT IN ('done','cancelled')), seq, %s"
	    " FROM %s WHERE %s%s ORDER BY %s LIMIT ?3 OFFSET ?4",
	    qy->sort_col >= 0 && qy->sort_col < STORE_COLS ? keyexpr : "NULL", p->from,
	    p->sql_where, cond, reverse ? p->rorder : p->order);
	sqlite3_stmt *q;
	int n = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) == SQLITE_OK) {
		bind_plan(q, qy, p);
		sqlite3_bind_int(q, 3, limit);
		sqlite3_bind_int64(q, 4, off);
		if (from != FROM_TOP) {
			sqlite3_bind_int64(q, 5, a->seq);
			if (qy->sort_col >= 0)
				sqlite3_bind_text(q, 6, a->key ? a->key : "", -1, SQLITE_STATIC);
		}
		budget_begin(s);
		int rc = SQLITE_DONE;
		while (n < limit && (rc = sqlite3_step(q)) == SQLITE_ROW) {
			struct store_row *r = &rows[n];
			r->profile = col_text(q, 0);
			r->id = col_text(q, 1);
			for (int c = 0; c < STORE_COLS; c++)
				r->cols[c] = col_text(q, 2 + c);
			r->state = sqlite3_column_int(q, 6);
			seqs[n] = sqlite3_column_int64(q, 7);
			keys[n] = col_text(q, 8);
			n++;
		}
		budget_end(s, n < limit ? rc : SQLITE_DONE);
		sqlite3_finalize(q);
	}
	free(sql);
	if (reverse)
		for (int i = 0; i < n / 2; i++) {
			struct store_row t = rows[i];
			rows[i] = rows[n - 1 - i];
			rows[n - 1 - i] = t;
			int64_t ts = seqs[i];
			seqs[i] = seqs[n - 1 - i];
			seqs[n - 1 - i] = ts;
			char *tk = keys[i];
			keys[i] = keys[n - 1 - i];
			keys[n - 1 - i] = tk;
		}
	return n;
}

int store_window(struct store *s, const struct store_query *qy, long offset, int limit,
		 struct store_row *rows)
{
	if (limit <= 0 || offset < 0)
		return 0;
	struct plan p;
	plan_build(s, qy, &p);
	int64_t *seqs = xcalloc((size_t)limit, sizeof *seqs);
	char **keys = xcalloc((size_t)limit, sizeof *keys);
	char *sig = query_sig(qy);
	bool near = qy->profile && s->anchor_sig && !strcmp(s->anchor_sig, sig) &&
		    offset >= s->first.offset - KEYSET_REACH &&
		    offset <= s->last.offset + KEYSET_REACH;
	int n = 0;
	if (near && offset > s->last.offset) {
		/* Scrolling on: start after the last row shown. */
		n = run_window(s, qy, &p, FROM_AFTER, &s->last, false, offset - s->last.offset - 1,
			       limit, rows, seqs, keys);
	} else if (near && offset >= s->first.offset) {
		n = run_window(s, qy, &p, FROM_AT, &s->first, false, offset - s->first.offset,
			       limit, rows, seqs, keys);
	} else if (near) {
		/* Scrolling back: the rows just before the first one shown, read backwards. */
		long before = s->first.offset - offset;
		int take = before < limit ? (int)before : limit;
		n = run_window(s, qy, &p, FROM_BEFORE, &s->first, true, before - take, take, rows,
			       seqs, keys);
		if (n == take && take < limit)
			n += run_window(s, qy, &p, FROM_AT, &s->first, false, 0, limit - take,
					rows + n, seqs + n, keys + n);
	} else {
		/* A jump: OFFSET from whichever end of an unfiltered list is nearer. */
		bool reverse = false;
		long off = offset;
		int lim = limit;
		if ((!qy->filter || !qy->filter[0]) && qy->profile) {
			long total = store_count(s, qy, 1L << 40);
			if (offset > total / 2) {
				reverse = true;
				off = total - offset - limit;
				if (off < 0) {
					lim += (int)off;
					off = 0;
				}
			}
		}
		if (lim > 0)
			n = run_window(s, qy, &p, FROM_TOP, NULL, reverse, off, lim, rows, seqs,
				       keys);
	}
	/* Remember where this window sits for the next one. */
	anchors_clear(s);
	if (n > 0 && qy->profile && !s->partial) {
		s->anchor_sig = sig;
		sig = NULL;
		s->first = (struct anchor){offset, keys[0], seqs[0]};
		s->last = (struct anchor){offset + n - 1,
					  n > 1 ? keys[n - 1] : (keys[0] ? xstrdup(keys[0]) : NULL),
					  seqs[n - 1]};
		keys[0] = NULL;
		if (n > 1)
			keys[n - 1] = NULL;
	}
	for (int i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	free(seqs);
	free(sig);
	plan_free(&p);
	return n;
}

void store_rows_free(struct store_row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		free(rows[i].profile);
		free(rows[i].id);
		for (int c = 0; c < STORE_COLS; c++)
			free(rows[i].cols[c]);
		memset(&rows[i], 0, sizeof rows[i]);
	}
}

long store_position(struct store *s, const struct store_query *qy, const char *profile,
		    const char *id, long cap)
{
	struct plan p;
	plan_build(s, qy, &p);
	char *sql = xasprintf(
	    "SELECT n FROM (SELECT row_number() OVER (ORDER BY %s) - 1 AS n,"
	    " profile AS pr, id AS i FROM (SELECT org.* FROM %s WHERE %s ORDER BY %s LIMIT ?5))"
	    " WHERE pr=?3 AND i=?4",
	    p.order, p.from, p.sql_where, p.order);
	sqlite3_stmt *q;
	long pos = -1;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) == SQLITE_OK) {
		bind_plan(q, qy, &p);
		sqlite3_bind_text(q, 3, profile, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 5, cap);
		if (sqlite3_step(q) == SQLITE_ROW)
			pos = (long)sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	free(sql);
	plan_free(&p);
	return pos;
}

/* ---- members ---- */

bool store_put_members(struct store *s, const char *profile, const char *org_id,
		       const struct record_list *m, int64_t fetched_at)
{
	sqlite3_stmt *del, *ins;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM member WHERE profile=?1 AND org_id=?2", -1, &del,
			       NULL) != SQLITE_OK)
		return false;
	if (sqlite3_prepare_v2(
		s->db,
		"INSERT OR REPLACE INTO member(profile,org_id,id,pos,name,fields,raw,fetched_at)"
		" VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
		-1, &ins, NULL) != SQLITE_OK) {
		sqlite3_finalize(del);
		return false;
	}
	bool ok = exec(s, "BEGIN", NULL, 0);
	sqlite3_bind_text(del, 1, profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(del, 2, org_id, -1, SQLITE_STATIC);
	ok = ok && sqlite3_step(del) == SQLITE_DONE;
	for (size_t i = 0; ok && i < m->n; i++) {
		const struct record *r = &m->items[i];
		if (!r->id)
			continue;
		char *fields = store_fields_json(r);
		sqlite3_bind_text(ins, 1, profile, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, org_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, r->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 4, (sqlite3_int64)i);
		sqlite3_bind_text(ins, 5, r->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 6, fields, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 7, r->raw, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 8, fetched_at);
		ok = sqlite3_step(ins) == SQLITE_DONE;
		sqlite3_reset(ins);
		free(fields);
	}
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	ok = ok && exec(s, "COMMIT", NULL, 0);
	if (!ok)
		exec(s, "ROLLBACK", NULL, 0);
	return ok;
}

bool store_get_members(struct store *s, const char *profile, const char *org_id,
		       struct record_list *out)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT id, name, fields, raw FROM member WHERE profile=?1 AND "
			       "org_id=?2 ORDER BY pos",
			       -1, &q, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, org_id, -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct record *r = record_list_push(out);
		r->id = col_text(q, 0);
		r->name = col_text(q, 1);
		store_fields_from_json(r, (const char *)sqlite3_column_text(q, 2));
		r->raw = col_text(q, 3);
	}
	sqlite3_finalize(q);
	return true;
}

bool store_put_member(struct store *s, const char *profile, const char *org_id,
		      const struct record *m)
{
	sqlite3_stmt *q;
	if (!m->id || sqlite3_prepare_v2(
			  s->db,
			  "INSERT INTO member(profile,org_id,id,pos,name,fields,raw,fetched_at)"
			  " VALUES(?1,?2,?3,(SELECT coalesce(max(pos),-1)+1 FROM member"
			  " WHERE profile=?1 AND org_id=?2),?4,?5,?6,0)"
			  " ON CONFLICT(profile,org_id,id) DO UPDATE SET name=excluded.name,"
			  " fields=excluded.fields, raw=coalesce(excluded.raw, raw)",
			  -1, &q, NULL) != SQLITE_OK)
		return false;
	char *fields = store_fields_json(m);
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, m->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, m->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, fields, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, m->raw, -1, SQLITE_STATIC);
	bool ok = sqlite3_step(q) == SQLITE_DONE;
	sqlite3_finalize(q);
	free(fields);
	return ok;
}

bool store_delete_member(struct store *s, const char *profile, const char *org_id,
			 const char *member_id)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM member WHERE profile=?1 AND org_id=?2 AND id=?3",
			       -1, &q, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, member_id, -1, SQLITE_STATIC);
	bool ok = sqlite3_step(q) == SQLITE_DONE;
	sqlite3_finalize(q);
	return ok;
}

/* ---- sync progress ---- */

bool store_sync_get(struct store *s, const char *profile, struct store_sync *out)
{
	memset(out, 0, sizeof *out);
	out->total = -1;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT next_page, complete, started, finished, total FROM "
			       "sync_state WHERE profile=?1",
			       -1, &q, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	bool ok = sqlite3_step(q) == SQLITE_ROW;
	if (ok) {
		out->next_page = (long)sqlite3_column_int64(q, 0);
		out->complete = sqlite3_column_int(q, 1) != 0;
		out->started = sqlite3_column_int64(q, 2);
		out->finished = sqlite3_column_int64(q, 3);
		out->total = (long)sqlite3_column_int64(q, 4);
	}
	sqlite3_finalize(q);
	return ok;
}

void store_sync_set(struct store *s, const char *profile, const struct store_sync *st)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db,
			       "INSERT OR REPLACE INTO "
			       "sync_state(profile,next_page,complete,started,finished,total)"
			       " VALUES(?1,?2,?3,?4,?5,?6)",
			       -1, &q, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, st->next_page);
	sqlite3_bind_int(q, 3, st->complete);
	sqlite3_bind_int64(q, 4, st->started);
	sqlite3_bind_int64(q, 5, st->finished);
	sqlite3_bind_int64(q, 6, st->total);
	sqlite3_step(q);
	sqlite3_finalize(q);
}

int64_t store_fetched_at(struct store *s, const char *profile)
{
	sqlite3_stmt *q;
	int64_t t = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT max(fetched_at) FROM org WHERE profile=?1", -1, &q,
			       NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		t = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return t;
}

int64_t store_size_bytes(struct store *s)
{
	sqlite3_stmt *q;
	int64_t pages = 0, free_pages = 0, size = 0;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT * FROM pragma_page_count(), pragma_freelist_count(),"
			       " pragma_page_size()",
			       -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW) {
			pages = sqlite3_column_int64(q, 0);
			free_pages = sqlite3_column_int64(q, 1);
			size = sqlite3_column_int64(q, 2);
		}
		sqlite3_finalize(q);
	}
	return (pages - free_pages) * size;
}

long store_evict(struct store *s, int64_t max_bytes, const char *keep_profile)
{
	long evicted = 0;
	/* Oldest fetches first, a batch at a time, never a row an unfinished op refers to,
	 * and never the list being shown. Freed pages are reused by later writes. */
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db,
			       "DELETE FROM org WHERE rowid IN (SELECT rowid FROM org"
			       " WHERE profile IS NOT ?1 AND NOT EXISTS (SELECT 1 FROM op WHERE"
			       " op.profile=org.profile AND op.target=org.id AND op.state NOT IN"
			       " ('done','cancelled')) ORDER BY fetched_at LIMIT 5000)",
			       -1, &q, NULL) != SQLITE_OK)
		return -1;
	while (store_size_bytes(s) > max_bytes) {
		exec(s, "SAVEPOINT evict", NULL, 0);
		sqlite3_bind_text(q, 1, keep_profile, -1, SQLITE_STATIC);
		sqlite3_step(q);
		long n = sqlite3_changes(s->db);
		sqlite3_reset(q);
		store_flush_fts(s);
		exec(s, "RELEASE evict", NULL, 0);
		if (n <= 0)
			break;
		evicted += n;
	}
	sqlite3_finalize(q);
	if (evicted)
		invalidate(s);
	return evicted;
}
