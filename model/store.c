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
};

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
	"CREATE VIRTUAL TABLE org_fts USING fts5(fold, content='org', content_rowid='rowid',"
	" tokenize='trigram');"
	"CREATE TRIGGER org_ai AFTER INSERT ON org BEGIN"
	" INSERT INTO org_fts(rowid, fold) VALUES(new.rowid, new.fold); END;"
	"CREATE TRIGGER org_ad AFTER DELETE ON org BEGIN"
	" INSERT INTO org_fts(org_fts, rowid, fold) VALUES('delete', old.rowid, old.fold); END;"
	"CREATE TRIGGER org_au AFTER UPDATE OF fold ON org WHEN old.fold IS NOT new.fold BEGIN"
	" INSERT INTO org_fts(org_fts, rowid, fold) VALUES('delete', old.rowid, old.fold);"
	" INSERT INTO org_fts(rowid, fold) VALUES(new.rowid, new.fold); END;"
	"CREATE TABLE member(profile TEXT NOT NULL, org_id TEXT NOT NULL, id TEXT NOT NULL,"
	" pos INTEGER, name TEXT, fields TEXT, raw TEXT, fetched_at INTEGER,"
	" PRIMARY KEY(profile, org_id, id));"
	"CREATE TABLE sync_state(profile TEXT PRIMARY KEY, next_page INTEGER, complete INTEGER,"
	" started INTEGER, finished INTEGER, total INTEGER);"
	"CREATE TABLE op(id INTEGER PRIMARY KEY, profile TEXT NOT NULL, kind TEXT NOT NULL,"
	" target TEXT, payload TEXT, base TEXT, state TEXT NOT NULL, attempts INTEGER NOT NULL"
	" DEFAULT 0, message TEXT, created INTEGER, updated INTEGER, parent INTEGER);"
	"CREATE INDEX op_target ON op(profile, target);"
	"CREATE INDEX op_state ON op(state);"
	"CREATE TABLE journal(id INTEGER PRIMARY KEY, at INTEGER, profile TEXT, kind TEXT,"
	" target TEXT, before TEXT, after TEXT, op_id INTEGER);",
};
#define N_MIGRATIONS (int)(sizeof migrations / sizeof migrations[0])

static void invalidate(struct store *s)
{
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
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(err, errcap, "cannot open database %s: %s", path, sqlite3_errmsg(s->db));
		store_close(s);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (!exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
		     "PRAGMA cache_size=-16000; PRAGMA temp_store=MEMORY;",
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
		char *sql = xasprintf("BEGIN; %s PRAGMA user_version=%d; COMMIT;", migrations[i], i + 1);
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
	for (int c = 0; c < STORE_COLS; c++)
		sqlite3_bind_text(q, 4 + c, col_value(r, colkeys, c), -1, SQLITE_STATIC);
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

#define UPSERT_COLS                                                                        \
	"INSERT INTO org(profile,id,seq,c0,c1,c2,c3,fold,version,fields,raw,fetched_at)"   \
	" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) ON CONFLICT(profile,id) DO UPDATE SET" \
	" c0=excluded.c0,c1=excluded.c1,c2=excluded.c2,c3=excluded.c3,fold=excluded.fold,"  \
	" version=excluded.version,fields=excluded.fields,raw=excluded.raw,"              \
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
	ok = ok && exec(s, "COMMIT", NULL, 0);
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
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO org(profile,id,seq,c0,c1,c2,c3,fold,version,fields,raw,fetched_at)"
			       " VALUES(?1,?2,(SELECT coalesce(max(seq),0)+1 FROM org WHERE profile=?1),"
			       "?4,?5,?6,?7,?8,?9,?10,?11,?12) ON CONFLICT(profile,id) DO UPDATE SET"
			       " c0=excluded.c0,c1=excluded.c1,c2=excluded.c2,c3=excluded.c3,"
			       "fold=excluded.fold,version=excluded.version,fields=excluded.fields,"
			       "raw=excluded.raw,fetched_at=excluded.fetched_at",
			       -1, &q, NULL) != SQLITE_OK)
		return false;
	bool ok = put(s, q, profile, 0, r, colkeys, fetched_at);
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
	if (sqlite3_prepare_v2(s->db,
			       "SELECT id, c0, version, fields, raw FROM org WHERE profile=?1 AND id=?2",
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
	if (sqlite3_prepare_v2(s->db, "DELETE FROM org WHERE profile=?1 AND id=?2", -1, &q, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
	bool ok = sqlite3_step(q) == SQLITE_DONE;
	sqlite3_finalize(q);
	invalidate(s);
	return ok;
}

long store_prune(struct store *s, const char *profile, int64_t since)
{
	sqlite3_stmt *q;
	/* Never prune a record an operation still refers to. */
	if (sqlite3_prepare_v2(s->db,
			       "DELETE FROM org WHERE profile=?1 AND fetched_at<?2 AND id NOT IN"
			       " (SELECT target FROM op WHERE profile=?1 AND state NOT IN ('done','cancelled'))",
			       -1, &q, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, since);
	sqlite3_step(q);
	sqlite3_finalize(q);
	invalidate(s);
	return sqlite3_changes(s->db);
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
	if (sqlite3_prepare_v2(s->db,
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
	char *sql_where;   /* WHERE clause with ?1 profile, ?2 pattern */
	char *pattern;
	char *order;
	char *rorder;      /* reversed order */
};

static void plan_build(struct store *s, const struct store_query *qy, struct plan *p)
{
	struct buf w;
	buf_init(&w);
	buf_puts(&w, qy->profile ? "profile=?1" : "(?1 IS NULL)");
	char *folded = qy->filter && qy->filter[0] ? fold_text(qy->filter) : NULL;
	p->pattern = NULL;
	if (folded && folded[0]) {
		if (filter_is_rare(s, qy->profile, folded)) {
			p->pattern = fts_phrase(folded);
			buf_puts(&w, " AND rowid IN (SELECT rowid FROM org_fts WHERE org_fts MATCH ?2)");
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
	struct plan p;
	plan_build(s, qy, &p);
	char *sql = xasprintf("SELECT count(*) FROM (SELECT 1 FROM org WHERE %s LIMIT ?3)", p.sql_where);
	sqlite3_stmt *q;
	long n = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) == SQLITE_OK) {
		bind_plan(q, qy, &p);
		sqlite3_bind_int64(q, 3, plain ? -1 : cap);
		if (sqlite3_step(q) == SQLITE_ROW)
			n = (long)sqlite3_column_int64(q, 0);
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

int store_window(struct store *s, const struct store_query *qy, long offset, int limit,
		 struct store_row *rows)
{
	if (limit <= 0 || offset < 0)
		return 0;
	struct plan p;
	plan_build(s, qy, &p);
	/* Far down an unfiltered list, read backwards from the end: OFFSET walks fewer rows. */
	bool reverse = false;
	long off = offset;
	if ((!qy->filter || !qy->filter[0]) && qy->profile) {
		long total = store_count(s, qy, 1L << 40);
		if (offset > total / 2) {
			reverse = true;
			off = total - offset - limit;
			if (off < 0) {
				limit += (int)off;
				off = 0;
			}
			if (limit <= 0) {
				plan_free(&p);
				return 0;
			}
		}
	}
	char *sql = xasprintf(
		"SELECT profile, id, c0, c1, c2, c3, (SELECT max(CASE state WHEN 'conflict' THEN 3"
		" WHEN 'failed' THEN 2 WHEN 'uncertain' THEN 2 ELSE 1 END) FROM op WHERE op.profile=org.profile"
		" AND op.target=org.id AND state NOT IN ('done','cancelled'))"
		" FROM org WHERE %s ORDER BY %s LIMIT ?3 OFFSET ?4",
		p.sql_where, reverse ? p.rorder : p.order);
	sqlite3_stmt *q;
	int n = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) == SQLITE_OK) {
		bind_plan(q, qy, &p);
		sqlite3_bind_int(q, 3, limit);
		sqlite3_bind_int64(q, 4, off);
		while (n < limit && sqlite3_step(q) == SQLITE_ROW) {
			struct store_row *r = &rows[n++];
			r->profile = col_text(q, 0);
			r->id = col_text(q, 1);
			for (int c = 0; c < STORE_COLS; c++)
				r->cols[c] = col_text(q, 2 + c);
			r->state = sqlite3_column_int(q, 6);
		}
		sqlite3_finalize(q);
	}
	free(sql);
	plan_free(&p);
	if (reverse)
		for (int i = 0; i < n / 2; i++) {
			struct store_row t = rows[i];
			rows[i] = rows[n - 1 - i];
			rows[n - 1 - i] = t;
		}
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
	char *sql = xasprintf("SELECT n FROM (SELECT row_number() OVER (ORDER BY %s) - 1 AS n,"
			      " profile AS pr, id AS i FROM (SELECT * FROM org WHERE %s ORDER BY %s LIMIT ?5))"
			      " WHERE pr=?3 AND i=?4",
			      p.order, p.sql_where, p.order);
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
	if (sqlite3_prepare_v2(s->db, "DELETE FROM member WHERE profile=?1 AND org_id=?2", -1, &del, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_prepare_v2(s->db,
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
			       "SELECT id, name, fields, raw FROM member WHERE profile=?1 AND org_id=?2 ORDER BY pos",
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

/* ---- sync progress ---- */

bool store_sync_get(struct store *s, const char *profile, struct store_sync *out)
{
	memset(out, 0, sizeof *out);
	out->total = -1;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT next_page, complete, started, finished, total FROM sync_state WHERE profile=?1",
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
			       "INSERT OR REPLACE INTO sync_state(profile,next_page,complete,started,finished,total)"
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
	if (sqlite3_prepare_v2(s->db, "SELECT max(fetched_at) FROM org WHERE profile=?1", -1, &q, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		t = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return t;
}
