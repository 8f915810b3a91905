/* sim storage: the tables every dialect shares, and the request/response helpers.
 * All calls happen with sim->lock held (see sim.h). Statements are prepared once. */
#include "sim/sim.h"
#include "net/xalloc.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <errno.h>

enum {
	ST_ORG_GET,
	ST_ORG_PUT,
	ST_ORG_DEL,
	ST_ORG_COUNT,
	ST_SUB_GET,
	ST_SUB_PUT,
	ST_SUB_DEL,
	ST_CTR_UP,
	ST_CTR_GET,
	ST_RATE_GET,
	ST_RATE_PUT,
	ST_MAX
};
static sqlite3_stmt *stmts[ST_MAX];

static sqlite3_stmt *st(struct sim *s, int i, const char *sql)
{
	if (!stmts[i] && sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmts[i],
					    NULL) != SQLITE_OK) {
		fprintf(stderr, "orgdeck-sim: sql: %s\n", sqlite3_errmsg(s->db));
		abort();
	}
	sqlite3_reset(stmts[i]);
	sqlite3_clear_bindings(stmts[i]);
	return stmts[i];
}

void sim_store_finalize(void)
{
	for (int i = 0; i < ST_MAX; i++) {
		sqlite3_finalize(stmts[i]);
		stmts[i] = NULL;
	}
}

static char *col_dup(sqlite3_stmt *q, int c)
{
	const unsigned char *t = sqlite3_column_text(q, c);
	return t ? xstrdup((const char *)t) : NULL;
}

char *sim_org_get(struct sim *s, const char *dialect, const char *id)
{
	sqlite3_stmt *q = st(s, ST_ORG_GET, "SELECT doc FROM sim_org WHERE dialect=?1 AND id=?2");
	sqlite3_bind_text(q, 1, dialect, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
	char *r = sqlite3_step(q) == SQLITE_ROW ? col_dup(q, 0) : NULL;
	sqlite3_reset(q);
	return r;
}

void sim_org_put(struct sim *s, const char *dialect, const char *id, const char *name,
		 const char *doc)
{
	/* An update keeps the row (and so the vendor's natural order); a new id appends. One
	 * upsert, not UPDATE-then-INSERT: generating a million rows searched the index twice. */
	sqlite3_stmt *q =
	    st(s, ST_ORG_PUT,
	       "INSERT INTO sim_org(dialect,id,name,doc) VALUES(?1,?2,?3,?4) "
	       "ON CONFLICT(dialect,id) DO UPDATE SET name=excluded.name, doc=excluded.doc");
	sqlite3_bind_text(q, 1, dialect, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, doc, -1, SQLITE_STATIC);
	sqlite3_step(q);
	sqlite3_reset(q);
}

bool sim_org_delete(struct sim *s, const char *dialect, const char *id)
{
	sqlite3_stmt *q = st(s, ST_ORG_DEL, "DELETE FROM sim_org WHERE dialect=?1 AND id=?2");
	sqlite3_bind_text(q, 1, dialect, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
	sqlite3_step(q);
	sqlite3_reset(q);
	return sqlite3_changes(s->db) > 0;
}

long sim_org_count(struct sim *s, const char *dialect)
{
	sqlite3_stmt *q = st(s, ST_ORG_COUNT, "SELECT count(*) FROM sim_org WHERE dialect=?1");
	sqlite3_bind_text(q, 1, dialect, -1, SQLITE_STATIC);
	long n = sqlite3_step(q) == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	return n;
}

char *sim_sub_get(struct sim *s, const char *dialect, const char *parent, const char *kind,
		  const char *id)
{
	sqlite3_stmt *q =
	    st(s, ST_SUB_GET,
	       "SELECT doc FROM sim_sub WHERE dialect=?1 AND parent=?2 AND kind=?3 AND id=?4");
	sqlite3_bind_text(q, 1, dialect, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, parent, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, id, -1, SQLITE_STATIC);
	char *r = sqlite3_step(q) == SQLITE_ROW ? col_dup(q, 0) : NULL;
	sqlite3_reset(q);
	return r;
}

void sim_sub_put(struct sim *s, const char *dialect, const char *parent, const char *kind,
		 const char *id, const char *doc)
{
	sqlite3_stmt *q =
	    st(s, ST_SUB_PUT,
	       "INSERT INTO sim_sub(dialect,parent,kind,id,doc) VALUES(?1,?2,?3,?4,?5) "
	       "ON CONFLICT(dialect,parent,kind,id) DO UPDATE SET doc=excluded.doc");
	sqlite3_bind_text(q, 1, dialect, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, parent, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, doc, -1, SQLITE_STATIC);
	sqlite3_step(q);
	sqlite3_reset(q);
}

bool sim_sub_delete(struct sim *s, const char *dialect, const char *parent, const char *kind,
		    const char *id)
{
	sqlite3_stmt *q =
	    st(s, ST_SUB_DEL,
	       "DELETE FROM sim_sub WHERE dialect=?1 AND parent=?2 AND kind=?3 AND id=?4");
	sqlite3_bind_text(q, 1, dialect, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, parent, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, id, -1, SQLITE_STATIC);
	sqlite3_step(q);
	sqlite3_reset(q);
	return sqlite3_changes(s->db) > 0;
}

long sim_counter_next(struct sim *s, const char *name)
{
	sqlite3_stmt *q = st(s, ST_CTR_UP,
			     "INSERT INTO sim_counter(name,value) VALUES(?1,1) "
			     "ON CONFLICT(name) DO UPDATE SET value=value+1");
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_step(q);
	sqlite3_reset(q);
	q = st(s, ST_CTR_GET, "SELECT value FROM sim_counter WHERE name=?1");
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	long v = sqlite3_step(q) == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : 1;
	sqlite3_reset(q);
	return v;
}

void sim_begin(struct sim *s)
{
	sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
}

void sim_commit(struct sim *s)
{
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

long sim_now(void)
{
	return (long)time(NULL);
}

bool sim_rate_take(struct sim *s, const char *dialect, const char *key, int limit,
		   int window_seconds, long *reset_epoch)
{
	if (!s->rate_limits)
		return true;
	long now = sim_now();
	sqlite3_stmt *q = st(
	    s, ST_RATE_GET, "SELECT window_start, count FROM sim_rate WHERE dialect=?1 AND key=?2");
	sqlite3_bind_text(q, 1, dialect, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, key, -1, SQLITE_STATIC);
	long start = now, count = 0;
	if (sqlite3_step(q) == SQLITE_ROW) {
		start = (long)sqlite3_column_int64(q, 0);
		count = (long)sqlite3_column_int64(q, 1);
	}
	sqlite3_reset(q);
	if (now >= start + window_seconds) {
		start = now;
		count = 0;
	}
	bool ok = count < limit;
	if (ok)
		count++;
	q = st(s, ST_RATE_PUT,
	       "INSERT INTO sim_rate(dialect,key,window_start,count) VALUES(?1,?2,?3,?4) "
	       "ON CONFLICT(dialect,key) DO UPDATE SET window_start=?3, count=?4");
	sqlite3_bind_text(q, 1, dialect, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, start);
	sqlite3_bind_int64(q, 4, count);
	sqlite3_step(q);
	sqlite3_reset(q);
	if (reset_epoch)
		*reset_epoch = start + window_seconds;
	return ok;
}

/* ---- request and response helpers ---- */

const char *sim_arg(const struct sim_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *sim_header(const struct sim_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *sim_cookie(const struct sim_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

bool sim_basic_auth(const struct sim_req *rq, char **user, char **pass)
{
	char *p = NULL;
	char *u = MHD_basic_auth_get_username_password(rq->conn, &p);
	if (!u) {
		if (p)
			MHD_free(p);
		return false;
	}
	*user = xstrdup(u);
	*pass = xstrdup(p ? p : "");
	MHD_free(u);
	if (p)
		MHD_free(p);
	return true;
}

int sim_path_split(const char *path, char **seg, int max)
{
	int n = 0;
	const char *p = path;
	while (*p && n < max) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		seg[n++] = xstrndup(p, len);
		p += len;
	}
	return n;
}

void sim_path_free(char **seg, int n)
{
	for (int i = 0; i < n; i++)
		free(seg[i]);
}

bool sim_parse_long(const char *s, long *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*end || errno)
		return false;
	*out = v;
	return true;
}

void sim_resp_json(struct sim_resp *rs, int status, cJSON *json)
{
	free(rs->body);
	rs->status = status;
	rs->body = cJSON_PrintUnformatted(json);
	rs->body_len = strlen(rs->body);
	rs->content_type = "application/json; charset=utf-8";
	cJSON_Delete(json);
}

void sim_resp_text(struct sim_resp *rs, int status, const char *content_type, char *text)
{
	free(rs->body);
	rs->status = status;
	rs->body = text;
	rs->body_len = strlen(text);
	rs->content_type = content_type;
}

void sim_resp_header(struct sim_resp *rs, const char *name, const char *value)
{
	if (rs->nheaders >= SIM_MAX_HEADERS)
		return;
	snprintf(rs->headers[rs->nheaders][0], sizeof rs->headers[0][0], "%s", name);
	snprintf(rs->headers[rs->nheaders][1], sizeof rs->headers[0][1], "%s", value);
	rs->nheaders++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *form_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
			   hexval(s[i + 2]) >= 0) {
			out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

cJSON *sim_body_params(const struct sim_req *rq)
{
	const char *ct = sim_header(rq, "Content-Type");
	if (ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
		cJSON *o = cJSON_CreateObject();
		const char *p = rq->body;
		while (*p) {
			const char *amp = strchr(p, '&');
			size_t len = amp ? (size_t)(amp - p) : strlen(p);
			const char *eq = memchr(p, '=', len);
			if (eq) {
				char *k = form_decode(p, (size_t)(eq - p));
				char *v = form_decode(eq + 1, len - (size_t)(eq - p) - 1);
				cJSON_DeleteItemFromObjectCaseSensitive(o, k);
				cJSON_AddStringToObject(o, k, v);
				free(k);
				free(v);
			}
			p += len;
			if (*p == '&')
				p++;
		}
		return o;
	}
	cJSON *o = cJSON_ParseWithLength(rq->body, rq->body_len);
	if (o && !cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}
