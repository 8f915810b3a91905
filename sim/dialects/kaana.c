/* Kaana organizations API (seed 003; VENDORS.md section 4), served under /kaana/api.
 *
 * What the seed fixes: integer ids; an Organization is {id, name, type, status, industry,
 * website, description, metadata, createdAt, updatedAt} with the three text fields and
 * metadata nullable; create answers 200 (not 201) with the object; PUT is partial; delete
 * answers no content; POST /{id}/duplicate answers the copy; /{organizationId}/tasks,
 * /projects and /documents are bare arrays; members are {organizationId, contactId, role},
 * added with {contactId, role} (200, empty body) and changed with PATCH {role} (200, empty).
 *
 * What the seed leaves open, and what this simulator decided (keep in step with the
 * header of tests/contract/test_kaana.c):
 *  - Auth: `Authorization: Bearer <key>` or the express-session cookie `connect.sid`.
 *    An Authorization header, when present, decides alone (a bad one is 401 even with a
 *    good cookie). Two keys: KA_ADMIN_KEY (role admin) and KA_MEMBER_KEY (role member);
 *    the cookie KA_SESSION is the admin's browser session. Create, delete and duplicate
 *    need consultant or admin (403 otherwise); the role check runs before validation.
 *  - Errors: {"error": <HTTP reason phrase>, "message": ...}, the documented 401 body
 *    generalised to every status. No published rate limit, so none is enforced; an
 *    injected 429 carries Retry-After as express-rate-limit would.
 *  - Enums (empty "Possible values:" in the seed): type customer|partner|vendor|internal
 *    (the seed's example plus the help centre's other kinds), status active|inactive,
 *    member role project_manager|technical_lead|executive_sponsor|subject_matter_expert|
 *    stakeholder (the help centre's UI roles, snake_cased). Unknown values are 400.
 *    status is "Required, Default: active": treated as optional, defaulting to active.
 *  - List: no paging in the seed ("Returns all"); like Kaana's projects endpoint it takes
 *    limit and offset, and without limit it returns everything, in creation order.
 *    No filters; unknown query parameters are ignored (as Express does).
 *  - metadata is any JSON object or null; a PUT with metadata replaces it whole.
 *  - Every change moves updatedAt (strictly, even twice in one millisecond); member
 *    changes move the organization's updatedAt too, so a poller sees them.
 *  - Duplicate copies every field and metadata under a new id with fresh timestamps, the
 *    name unchanged; members and related items stay with the original.
 *  - Contacts (members pick from them; no path in our seed): GET /contacts (limit/offset)
 *    and /contacts/{id}, a fixed pool of N_CONTACTS computed from the seed. Also
 *    GET /user (documented on the API reference page): the caller's {id, username, role,
 *    tenantId}. contactId of no contact is 404; a contact already a member is 409.
 *  - A non-integer id in a path is 400; a missing one 404; an unknown route is 404
 *    "Cannot METHOD /api/...", Express's wording.
 *  - Tasks, projects and documents (schemas undocumented) are computed on request from
 *    the organization id, so generating a million organizations stores one row each;
 *    organizations created through the API have none. Members of generated organizations
 *    are likewise written on first use. */
#include "sim/sim.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <math.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define D "kaana"
#define KA_ADMIN_KEY "kaana-admin-7f3c91e2d45a"
#define KA_MEMBER_KEY "kaana-member-2b8e6a1f0c93"
#define KA_SESSION "s%3AdS7qLx2vNc9pWf4hRz.k8Tg1YmB3oQe6uJa0sVi5nXw"
#define N_CONTACTS 250
#define JSON_CT "application/json; charset=utf-8"

enum role { ROLE_NONE, ROLE_MEMBER, ROLE_CONSULTANT, ROLE_ADMIN };

static const char *const org_types[] = {"customer", "partner", "vendor", "internal", NULL};
static const char *const org_statuses[] = {"active", "inactive", NULL};
static const char *const member_roles[] = {"project_manager",	"technical_lead",
					   "executive_sponsor", "subject_matter_expert",
					   "stakeholder",	NULL};
static const char *const tiers[] = {"Bronze", "Silver", "Gold", "Platinum", NULL};
static const char *const regions[] = {"EMEA", "NA", "LATAM", "APAC", NULL};
static const char *const project_words[] = {"CRM Rollout",	"Data Migration",     "ERP Upgrade",
					    "Cloud Readiness",	"Security Audit",     "Onboarding",
					    "Process Redesign", "Analytics Platform", NULL};
static const char *const project_statuses[] = {"planning", "active", "on_hold", "completed", NULL};
static const char *const task_words[] = {
    "Kick-off workshop",     "Collect requirements", "Review contract",
    "Prepare status report", "Configure sandbox",    "Train key users",
    "Sign-off meeting",	     "Invoice milestone",    NULL};
static const char *const task_statuses[] = {"todo", "in_progress", "done", NULL};
static const char *const priorities[] = {"low", "medium", "high", NULL};
static const char *const doc_names[] = {"Statement of Work",
					"Master Services Agreement",
					"Project Charter",
					"Meeting Notes",
					"Invoice",
					"Architecture Overview",
					NULL};
static const char *const doc_kinds[][2] = {{"pdf", "application/pdf"},
					   {"docx", "application/vnd.openxmlformats-"
						    "officedocument.wordprocessingml.document"},
					   {"xlsx", "application/vnd.openxmlformats-"
						    "officedocument.spreadsheetml.sheet"}};
static const char *const job_titles[] = {
    "CEO",     "CTO", "Head of Operations", "IT Manager", "Procurement Lead", "Finance Director",
    "Analyst", NULL};

static bool in_list(const char *v, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(v, list[i]))
			return true;
	return false;
}

static const char *reason(int status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 413:
		return "Payload Too Large";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	default:
		return status >= 500 ? "Internal Server Error" : "Error";
	}
}

/* The documented 401 body, {"error":"Unauthorized","message":...}, for every status. */
static void error(struct sim_resp *rs, int status, const char *message)
{
	if (!message)
		message = status == 429	  ? "Too many requests, please try again later."
			  : status == 401 ? "Authentication required"
			  : status == 404 ? "Not found"
			  : status == 503 ? "Service temporarily unavailable"
					  : "Internal server error";
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "error", reason(status));
	cJSON_AddStringToObject(o, "message", message);
	sim_resp_json(rs, status, o);
	if (status == 429)
		sim_resp_header(rs, "Retry-After", "60");
}

/* "No content" answers: an empty body with the status the seed gives. */
static void no_content(struct sim_resp *rs, int status)
{
	sim_resp_text(rs, status, "text/plain; charset=utf-8", xstrdup(""));
}

/* ---- timestamps: ISO 8601 in UTC with milliseconds, as JavaScript's toISOString ---- */

static void fmt_ts(long long ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03dZ", (int)(ms % 1000));
}

static long long parse_ts(const char *s)
{
	struct tm tm = {0};
	int ms = 0;
	if (!s || sscanf(s, "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) < 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm) * 1000 + ms;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_string(cJSON *o, const char *key, const char *value)
{
	if (cJSON_GetObjectItemCaseSensitive(o, key))
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, cJSON_CreateString(value));
	else
		cJSON_AddStringToObject(o, key, value);
}

/* Moves updatedAt forward: to now, or 1 ms past its old value when the clock has not
 * moved, so a client comparing timestamps always sees a change. */
static void touch(cJSON *o)
{
	long long prev = parse_ts(cJSON_GetStringValue(cJSON_GetObjectItem(o, "updatedAt")));
	long long t = now_ms();
	if (t <= prev)
		t = prev + 1;
	char ts[32];
	fmt_ts(t, ts);
	set_string(o, "updatedAt", ts);
}

/* ---- counters kept in sim_counter: the next id and how many organizations were generated ---- */

static long counter_value(struct sim *s, const char *name)
{
	sqlite3_stmt *q;
	long v = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM sim_counter WHERE name=?1", -1, &q,
			       NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

static void counter_set(struct sim *s, const char *name, long value)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO sim_counter(name,value) VALUES(?1,?2) "
			       "ON CONFLICT(name) DO UPDATE SET value=excluded.value",
			       -1, &q, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, value);
	sqlite3_step(q);
	sqlite3_finalize(q);
}

/* A private stream per (thing, id), so one object's data never depends on another's. */
static void rng_for(struct sim *s, struct sim_rng *r, const char *stream, long id)
{
	sim_rng_seed(r, s->seed ^ ((uint64_t)id * 0x9E3779B97F4A7C15ULL), stream);
}

/* ---- generation ---- */

static cJSON *gen_org(struct sim *s, struct sim_rng *r, long index, char *name, size_t cap)
{
	char dom[64], buf[256], ts[32];
	sim_gen_org_name(s, r, index, name, cap);
	sim_gen_domain(name, dom, sizeof dom);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)(index + 1));
	cJSON_AddStringToObject(o, "name", name);
	/* Mostly customers, as in a consultancy's book: 6 in 10, then partners, vendors. */
	static const int type_of[10] = {0, 0, 0, 0, 0, 0, 1, 1, 2, 3};
	cJSON_AddStringToObject(o, "type", org_types[type_of[sim_rng_range(r, 0, 9)]]);
	cJSON_AddStringToObject(o, "status", sim_rng_range(r, 0, 5) ? "active" : "inactive");
	if (sim_rng_range(r, 0, 4))
		cJSON_AddStringToObject(o, "industry", sim_rng_pick(r, sim_industries));
	else
		cJSON_AddNullToObject(o, "industry");
	if (sim_rng_range(r, 0, 3)) {
		snprintf(buf, sizeof buf, "https://www.%s", dom);
		cJSON_AddStringToObject(o, "website", buf);
	} else {
		cJSON_AddNullToObject(o, "website");
	}
	if (sim_rng_range(r, 0, 2) == 0) {
		snprintf(buf, sizeof buf, "Client since %ld, based in %s.",
			 sim_rng_range(r, 2005, 2023), sim_rng_pick(r, sim_cities));
		cJSON_AddStringToObject(o, "description", buf);
	} else {
		cJSON_AddNullToObject(o, "description");
	}
	if (sim_rng_range(r, 0, 2)) {
		cJSON *m = cJSON_AddObjectToObject(o, "metadata");
		cJSON_AddStringToObject(m, "accountTier", sim_rng_pick(r, tiers));
		cJSON_AddStringToObject(m, "region", sim_rng_pick(r, regions));
		if (sim_rng_range(r, 0, 1))
			cJSON_AddNumberToObject(m, "employees", (double)sim_rng_range(r, 5, 50000));
	} else {
		cJSON_AddNullToObject(o, "metadata");
	}
	long long end = (long long)SIM_EPOCH * 1000;
	long long created =
	    end - sim_rng_range(r, 0, 3L * 365 * 86400) * 1000LL - sim_rng_range(r, 0, 999);
	long long updated = created + sim_rng_range(r, 0, (long)((end - created) / 1000)) * 1000LL;
	fmt_ts(created, ts);
	cJSON_AddStringToObject(o, "createdAt", ts);
	fmt_ts(updated, ts);
	cJSON_AddStringToObject(o, "updatedAt", ts);
	return o;
}

static void setup(struct sim *s, bool fresh)
{
	if (!fresh)
		return;
	struct sim_rng r;
	sim_rng_seed(&r, s->seed, D);
	sim_begin(s);
	/* Every row this dialect ever writes comes after this rowid: listing starts there. */
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, "SELECT coalesce(max(rowid), 0) + 1 FROM sim_org", -1, &q,
			       NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			counter_set(s, D ".rowid0", (long)sqlite3_column_int64(q, 0));
		sqlite3_finalize(q);
	}
	char idbuf[24], name[512];
	char *doc = xmalloc(4096);
	for (long i = 0; i < s->orgs; i++) {
		cJSON *o = gen_org(s, &r, i, name, sizeof name);
		snprintf(idbuf, sizeof idbuf, "%ld", i + 1);
		/* Printing into one reused buffer keeps a million organizations quick. */
		if (cJSON_PrintPreallocated(o, doc, 4096, false)) {
			sim_org_put(s, D, idbuf, name, doc);
		} else {
			char *big = cJSON_PrintUnformatted(o);
			sim_org_put(s, D, idbuf, name, big);
			free(big);
		}
		cJSON_Delete(o);
	}
	free(doc);
	/* New ids follow the generated ones; ids at or below "generated" have related data. */
	counter_set(s, D ".org", s->orgs > 0 ? s->orgs : 0);
	counter_set(s, D ".generated", s->orgs > 0 ? s->orgs : 0);
	sim_commit(s);
}

static cJSON *gen_contact(struct sim *s, long id)
{
	struct sim_rng r;
	char first[32], last[32], buf[128], ts[32];
	rng_for(s, &r, D ".contact", id);
	sim_gen_person(&r, first, last, sizeof first);
	cJSON *c = cJSON_CreateObject();
	cJSON_AddNumberToObject(c, "id", (double)id);
	cJSON_AddStringToObject(c, "firstName", first);
	cJSON_AddStringToObject(c, "lastName", last);
	snprintf(buf, sizeof buf, "%.1s.%s.%ld@example.com", first, last, id);
	for (char *p = buf; *p; p++)
		if (*p == '\'')
			*p = '-';
	cJSON_AddStringToObject(c, "email", buf);
	snprintf(buf, sizeof buf, "+1 555 %07ld", sim_rng_range(&r, 0, 9999999));
	cJSON_AddStringToObject(c, "phone", buf);
	cJSON_AddStringToObject(c, "jobTitle", sim_rng_pick(&r, job_titles));
	long long created =
	    (long long)SIM_EPOCH * 1000 - sim_rng_range(&r, 0, 900L * 86400) * 1000LL;
	fmt_ts(created, ts);
	cJSON_AddStringToObject(c, "createdAt", ts);
	cJSON_AddStringToObject(c, "updatedAt", ts);
	return c;
}

static bool is_generated(struct sim *s, long org_id)
{
	return org_id >= 1 && org_id <= counter_value(s, D ".generated");
}

/* Projects, tasks and documents of a generated organization, recomputed on every call from
 * the organization id alone (projects first, so tasks and documents can point at them). */
static cJSON *gen_related(struct sim *s, long org_id, const char *kind)
{
	cJSON *out = cJSON_CreateArray();
	if (!is_generated(s, org_id))
		return out;
	struct sim_rng r;
	rng_for(s, &r, D ".related", org_id);
	long np = sim_rng_range(&r, 0, 3), nt = sim_rng_range(&r, 0, 5),
	     nd = sim_rng_range(&r, 0, 4);
	long long end = (long long)SIM_EPOCH * 1000;
	char buf[160], ts[32], day[16];
	for (long k = 0; k < np; k++) {
		long long created = end - sim_rng_range(&r, 30, 700) * 86400000LL;
		const char *word = sim_rng_pick(&r, project_words);
		const char *st = sim_rng_pick(&r, project_statuses);
		if (strcmp(kind, "projects"))
			continue;
		cJSON *p = cJSON_CreateObject();
		cJSON_AddNumberToObject(p, "id", (double)(org_id * 10 + k + 1));
		cJSON_AddNumberToObject(p, "organizationId", (double)org_id);
		cJSON_AddStringToObject(p, "name", word);
		cJSON_AddStringToObject(p, "status", st);
		fmt_ts(created, ts);
		snprintf(day, sizeof day, "%.10s", ts);
		cJSON_AddStringToObject(p, "startDate", day);
		if (!strcmp(st, "completed")) {
			fmt_ts(created + 90 * 86400000LL, buf);
			snprintf(day, sizeof day, "%.10s", buf);
			cJSON_AddStringToObject(p, "endDate", day);
		} else {
			cJSON_AddNullToObject(p, "endDate");
		}
		cJSON_AddStringToObject(p, "createdAt", ts);
		cJSON_AddStringToObject(p, "updatedAt", ts);
		cJSON_AddItemToArray(out, p);
	}
	for (long k = 0; k < nt; k++) {
		long long created = end - sim_rng_range(&r, 1, 600) * 86400000LL;
		const char *word = sim_rng_pick(&r, task_words);
		const char *st = sim_rng_pick(&r, task_statuses);
		const char *pri = sim_rng_pick(&r, priorities);
		long proj = np ? sim_rng_range(&r, 1, np) : 0;
		long due = sim_rng_range(&r, 0, 60);
		if (strcmp(kind, "tasks"))
			continue;
		cJSON *t = cJSON_CreateObject();
		cJSON_AddNumberToObject(t, "id", (double)(org_id * 10 + k + 1));
		cJSON_AddNumberToObject(t, "organizationId", (double)org_id);
		if (proj)
			cJSON_AddNumberToObject(t, "projectId", (double)(org_id * 10 + proj));
		else
			cJSON_AddNullToObject(t, "projectId");
		cJSON_AddStringToObject(t, "title", word);
		cJSON_AddStringToObject(t, "status", st);
		cJSON_AddStringToObject(t, "priority", pri);
		if (due) {
			fmt_ts(created + due * 86400000LL, buf);
			snprintf(day, sizeof day, "%.10s", buf);
			cJSON_AddStringToObject(t, "dueDate", day);
		} else {
			cJSON_AddNullToObject(t, "dueDate");
		}
		fmt_ts(created, ts);
		cJSON_AddStringToObject(t, "createdAt", ts);
		cJSON_AddStringToObject(t, "updatedAt", ts);
		cJSON_AddItemToArray(out, t);
	}
	for (long k = 0; k < nd; k++) {
		long long created = end - sim_rng_range(&r, 1, 700) * 86400000LL;
		const char *name = sim_rng_pick(&r, doc_names);
		long kd = sim_rng_range(&r, 0, 2);
		long size = sim_rng_range(&r, 2000, 4000000);
		if (strcmp(kind, "documents"))
			continue;
		cJSON *d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "id", (double)(org_id * 10 + k + 1));
		cJSON_AddNumberToObject(d, "organizationId", (double)org_id);
		snprintf(buf, sizeof buf, "%s.%s", name, doc_kinds[kd][0]);
		cJSON_AddStringToObject(d, "name", buf);
		cJSON_AddStringToObject(d, "mimeType", doc_kinds[kd][1]);
		cJSON_AddNumberToObject(d, "size", (double)size);
		fmt_ts(created, ts);
		cJSON_AddStringToObject(d, "createdAt", ts);
		cJSON_AddStringToObject(d, "updatedAt", ts);
		cJSON_AddItemToArray(out, d);
	}
	return out;
}

/* ---- members: sim_sub rows (parent = organization id, kind "member", id = contact id) ---- */

static void member_put(struct sim *s, long org_id, long contact_id, const char *role)
{
	char oid[24], cid[24];
	snprintf(oid, sizeof oid, "%ld", org_id);
	snprintf(cid, sizeof cid, "%ld", contact_id);
	cJSON *m = cJSON_CreateObject();
	cJSON_AddNumberToObject(m, "organizationId", (double)org_id);
	cJSON_AddNumberToObject(m, "contactId", (double)contact_id);
	cJSON_AddStringToObject(m, "role", role);
	char *doc = cJSON_PrintUnformatted(m);
	sim_sub_put(s, D, oid, "member", cid, doc);
	free(doc);
	cJSON_Delete(m);
}

/* Generated organizations get their first members when someone first looks at or changes
 * them; a marker row says it happened, so a removed member does not come back. */
static void ensure_members(struct sim *s, long org_id)
{
	if (!is_generated(s, org_id))
		return;
	char oid[24];
	snprintf(oid, sizeof oid, "%ld", org_id);
	char *mark = sim_sub_get(s, D, oid, "members-seeded", "1");
	if (mark) {
		free(mark);
		return;
	}
	sim_sub_put(s, D, oid, "members-seeded", "1", "{}");
	struct sim_rng r;
	rng_for(s, &r, D ".members", org_id);
	long n = sim_rng_range(&r, 0, 3), picked[3];
	for (long k = 0; k < n; k++) {
		long c = sim_rng_range(&r, 1, N_CONTACTS);
		bool dup = false;
		for (long j = 0; j < k; j++)
			dup = dup || picked[j] == c;
		picked[k] = dup ? 0 : c;
		if (!dup)
			member_put(s, org_id, c, sim_rng_pick(&r, member_roles));
	}
}

static cJSON *member_list(struct sim *s, long org_id)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%ld", org_id);
	cJSON *a = cJSON_CreateArray();
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT doc FROM sim_sub WHERE dialect='" D "' AND parent=?1 "
			       "AND kind='member' ORDER BY rowid",
			       -1, &q, NULL) != SQLITE_OK)
		return a;
	sqlite3_bind_text(q, 1, oid, -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW) {
		cJSON *m = cJSON_Parse((const char *)sqlite3_column_text(q, 0));
		if (m)
			cJSON_AddItemToArray(a, m);
	}
	sqlite3_finalize(q);
	return a;
}

static void drop_children(struct sim *s, const char *oid)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM sim_sub WHERE dialect='" D "' AND parent=?1", -1,
			       &q, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(q, 1, oid, -1, SQLITE_STATIC);
	sqlite3_step(q);
	sqlite3_finalize(q);
}

/* ---- auth ---- */

static enum role key_role(const char *key)
{
	if (!strcmp(key, KA_ADMIN_KEY))
		return ROLE_ADMIN;
	if (!strcmp(key, KA_MEMBER_KEY))
		return ROLE_MEMBER;
	return ROLE_NONE;
}

static enum role authenticate(const struct sim_req *rq, struct sim_resp *rs)
{
	const char *h = sim_header(rq, "Authorization");
	enum role role = ROLE_NONE;
	const char *why = "Authentication required";
	if (h) {
		if (strncasecmp(h, "Bearer ", 7) == 0) {
			const char *k = h + 7;
			while (*k == ' ')
				k++;
			role = key_role(k);
			why = "Invalid API key";
		} else {
			why = "Unsupported authorization scheme";
		}
	} else {
		const char *c = sim_cookie(rq, "connect.sid");
		if (c) {
			role = !strcmp(c, KA_SESSION) ? ROLE_ADMIN : ROLE_NONE;
			why = "Session expired or invalid";
		}
	}
	if (role == ROLE_NONE) {
		error(rs, 401, why);
		sim_resp_header(rs, "WWW-Authenticate", "Bearer realm=\"Kaana API\"");
	}
	return role;
}

static bool may_create_delete(enum role role, struct sim_resp *rs)
{
	if (role == ROLE_CONSULTANT || role == ROLE_ADMIN)
		return true;
	error(rs, 403, "Requires consultant or admin role");
	return false;
}

/* ---- organizations ---- */

static cJSON *load_org(struct sim *s, long id)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%ld", id);
	char *doc = sim_org_get(s, D, oid);
	cJSON *o = doc ? cJSON_Parse(doc) : NULL;
	free(doc);
	return o;
}

static void save_org(struct sim *s, const cJSON *o)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%.0f", cJSON_GetNumberValue(cJSON_GetObjectItem(o, "id")));
	char *doc = cJSON_PrintUnformatted(o);
	sim_org_put(s, D, oid, cJSON_GetStringValue(cJSON_GetObjectItem(o, "name")), doc);
	free(doc);
}

static bool is_blank(const char *v)
{
	for (; *v; v++)
		if (!strchr(" \t\r\n", *v))
			return false;
	return true;
}

/* Checks params and copies the writable fields into o (whose keys all exist already, so
 * replacing keeps the seed's key order). On a bad value: a 400 and false, o half-changed
 * (callers then throw it away). */
static bool apply_fields(cJSON *o, const cJSON *params, bool creating, struct sim_resp *rs)
{
	static const struct {
		const char *key;
		const char *const *values; /* enum values, or NULL for free text */
		bool required, nullable;
	} fields[] = {
	    {"name", NULL, true, false},
	    {"type", org_types, true, false},
	    {"status", org_statuses, false, false},
	    {"industry", NULL, false, true},
	    {"website", NULL, false, true},
	    {"description", NULL, false, true},
	};
	char msg[160];
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const char *key = fields[i].key;
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, key);
		if (!v) {
			if (creating && fields[i].required) {
				snprintf(msg, sizeof msg, "%s is required", key);
				error(rs, 400, msg);
				return false;
			}
			continue;
		}
		if (cJSON_IsNull(v) && fields[i].nullable) {
			cJSON_ReplaceItemInObjectCaseSensitive(o, key, cJSON_CreateNull());
			continue;
		}
		if (!cJSON_IsString(v)) {
			snprintf(msg, sizeof msg, "%s must be a string%s", key,
				 fields[i].nullable ? " or null" : "");
			error(rs, 400, msg);
			return false;
		}
		if (fields[i].values && !in_list(v->valuestring, fields[i].values)) {
			snprintf(msg, sizeof msg, "%s must be one of: %s", key,
				 fields[i].values == org_types
				     ? "customer, partner, vendor, internal"
				     : "active, inactive");
			error(rs, 400, msg);
			return false;
		}
		if (!strcmp(key, "name") && is_blank(v->valuestring)) {
			error(rs, 400, "name must not be empty");
			return false;
		}
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, cJSON_CreateString(v->valuestring));
	}
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(params, "metadata");
	if (m) {
		if (!cJSON_IsObject(m) && !cJSON_IsNull(m)) {
			error(rs, 400, "metadata must be an object or null");
			return false;
		}
		cJSON_ReplaceItemInObjectCaseSensitive(o, "metadata", cJSON_Duplicate(m, true));
	}
	return true;
}

/* The body as an object. An empty body counts as {} (Express's JSON parser leaves req.body
 * empty then); anything else that is not a JSON object is 400. */
static cJSON *body_or_400(const struct sim_req *rq, struct sim_resp *rs)
{
	if (!rq->body || is_blank(rq->body))
		return cJSON_CreateObject();
	cJSON *p = sim_body_params(rq);
	if (!p)
		error(rs, 400, "Request body must be a JSON object");
	return p;
}

static bool parse_paging(const struct sim_req *rq, struct sim_resp *rs, long *limit, long *offset)
{
	const char *l = sim_arg(rq, "limit"), *o = sim_arg(rq, "offset");
	*limit = -1;
	*offset = 0;
	if (l && (!sim_parse_long(l, limit) || *limit < 1)) {
		error(rs, 400, "limit must be a positive integer");
		return false;
	}
	if (o && (!sim_parse_long(o, offset) || *offset < 0)) {
		error(rs, 400, "offset must be a non-negative integer");
		return false;
	}
	return true;
}

/* The stored documents are already the vendor's JSON, so the list is joined as text:
 * no parse per row, which keeps even an unpaged list of 100,000 quick. */
static void list_orgs(struct sim *s, const struct sim_req *rq, struct sim_resp *rs)
{
	long limit, offset;
	if (!parse_paging(rq, rs, &limit, &offset))
		return;
	/* Walk the table in rowid order from where this dialect's rows begin. The unary plus
	 * keeps SQLite off the (dialect, id) index, which would mean sorting every row of the
	 * dialect by rowid for each page (half a second at 100,000). */
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT doc FROM sim_org WHERE rowid >= ?3 AND +dialect='" D "' "
			       "ORDER BY rowid LIMIT ?1 OFFSET ?2",
			       -1, &q, NULL) != SQLITE_OK) {
		error(rs, 500, NULL);
		return;
	}
	sqlite3_bind_int64(q, 1, limit);
	sqlite3_bind_int64(q, 2, offset);
	sqlite3_bind_int64(q, 3, counter_value(s, D ".rowid0"));
	struct buf b;
	buf_init(&b);
	buf_putc(&b, '[');
	bool first = true;
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (!first)
			buf_putc(&b, ',');
		first = false;
		buf_add(&b, sqlite3_column_text(q, 0), (size_t)sqlite3_column_bytes(q, 0));
	}
	sqlite3_finalize(q);
	buf_putc(&b, ']');
	sim_resp_text(rs, 200, JSON_CT, buf_steal(&b));
}

static cJSON *blank_org(long id)
{
	char ts[32];
	fmt_ts(now_ms(), ts);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddStringToObject(o, "name", "");
	cJSON_AddStringToObject(o, "type", "customer");
	cJSON_AddStringToObject(o, "status", "active");
	cJSON_AddNullToObject(o, "industry");
	cJSON_AddNullToObject(o, "website");
	cJSON_AddNullToObject(o, "description");
	cJSON_AddNullToObject(o, "metadata");
	cJSON_AddStringToObject(o, "createdAt", ts);
	cJSON_AddStringToObject(o, "updatedAt", ts);
	return o;
}

static void create_org(struct sim *s, const struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *params = body_or_400(rq, rs);
	if (!params)
		return;
	/* The id is taken only once the body is good, so refused creates leave no gaps. */
	cJSON *o = blank_org(0);
	if (!apply_fields(o, params, true, rs)) {
		cJSON_Delete(o);
		cJSON_Delete(params);
		return;
	}
	cJSON_Delete(params);
	cJSON_ReplaceItemInObjectCaseSensitive(
	    o, "id", cJSON_CreateNumber((double)sim_counter_next(s, D ".org")));
	save_org(s, o);
	sim_resp_json(rs, 200, o);
}

static void update_org(struct sim *s, const struct sim_req *rq, struct sim_resp *rs, cJSON *o)
{
	cJSON *params = body_or_400(rq, rs);
	if (!params)
		return;
	bool ok = apply_fields(o, params, false, rs);
	cJSON_Delete(params);
	if (!ok)
		return;
	touch(o);
	save_org(s, o);
	sim_resp_json(rs, 200, cJSON_Duplicate(o, true));
}

static void duplicate_org(struct sim *s, struct sim_resp *rs, const cJSON *o)
{
	cJSON *copy = cJSON_Duplicate(o, true);
	/* The copy is younger than its original even within one millisecond. */
	long long t = now_ms();
	long long orig = parse_ts(cJSON_GetStringValue(cJSON_GetObjectItem(o, "createdAt")));
	if (t <= orig)
		t = orig + 1;
	char ts[32];
	fmt_ts(t, ts);
	cJSON_ReplaceItemInObjectCaseSensitive(
	    copy, "id", cJSON_CreateNumber((double)sim_counter_next(s, D ".org")));
	set_string(copy, "createdAt", ts);
	set_string(copy, "updatedAt", ts);
	save_org(s, copy);
	sim_resp_json(rs, 200, copy);
}

/* An integral JSON number in range, as the seed's "integer". */
static bool json_int(const cJSON *v, long *out)
{
	if (!cJSON_IsNumber(v))
		return false;
	double d = v->valuedouble;
	if (d != floor(d) || d < -9e15 || d > 9e15)
		return false;
	*out = (long)d;
	return true;
}

/* Member changes move the organization's updatedAt as well (see the header). */
static void touch_org(struct sim *s, cJSON *o)
{
	touch(o);
	save_org(s, o);
}

static void add_member(struct sim *s, const struct sim_req *rq, struct sim_resp *rs, cJSON *o,
		       long org_id)
{
	cJSON *params = body_or_400(rq, rs);
	if (!params)
		return;
	const cJSON *cv = cJSON_GetObjectItemCaseSensitive(params, "contactId");
	const cJSON *rv = cJSON_GetObjectItemCaseSensitive(params, "role");
	long cid = 0;
	char oid[24], cids[24];
	if (!cv)
		error(rs, 400, "contactId is required");
	else if (!json_int(cv, &cid))
		error(rs, 400, "contactId must be an integer");
	else if (!rv)
		error(rs, 400, "role is required");
	else if (!cJSON_IsString(rv) || !in_list(rv->valuestring, member_roles))
		error(rs, 400,
		      "role must be one of: project_manager, technical_lead, "
		      "executive_sponsor, subject_matter_expert, stakeholder");
	else if (cid < 1 || cid > N_CONTACTS)
		error(rs, 404, "Contact not found");
	else {
		ensure_members(s, org_id);
		snprintf(oid, sizeof oid, "%ld", org_id);
		snprintf(cids, sizeof cids, "%ld", cid);
		char *have = sim_sub_get(s, D, oid, "member", cids);
		if (have) {
			free(have);
			error(rs, 409, "Contact is already a member of this organization");
		} else {
			member_put(s, org_id, cid, rv->valuestring);
			touch_org(s, o);
			no_content(rs, 200);
		}
	}
	cJSON_Delete(params);
}

static void change_member(struct sim *s, const struct sim_req *rq, struct sim_resp *rs, cJSON *o,
			  long org_id, long cid, bool remove)
{
	char oid[24], cids[24];
	snprintf(oid, sizeof oid, "%ld", org_id);
	snprintf(cids, sizeof cids, "%ld", cid);
	cJSON *params = NULL;
	const cJSON *rv = NULL;
	if (!remove) {
		/* Validate the body before looking the member up: a bad request is 400 either way.
		 */
		if (!(params = body_or_400(rq, rs)))
			return;
		rv = cJSON_GetObjectItemCaseSensitive(params, "role");
		if (rv && (!cJSON_IsString(rv) || !in_list(rv->valuestring, member_roles))) {
			error(rs, 400,
			      "role must be one of: project_manager, technical_lead, "
			      "executive_sponsor, subject_matter_expert, stakeholder");
			cJSON_Delete(params);
			return;
		}
	}
	ensure_members(s, org_id);
	char *have = sim_sub_get(s, D, oid, "member", cids);
	if (!have) {
		error(rs, 404, "Member not found");
	} else if (remove) {
		sim_sub_delete(s, D, oid, "member", cids);
		touch_org(s, o);
		no_content(rs, 204);
	} else {
		/* role is optional in the seed: no role, nothing changes. */
		if (rv) {
			member_put(s, org_id, cid, rv->valuestring);
			touch_org(s, o);
		}
		no_content(rs, 200);
	}
	free(have);
	cJSON_Delete(params);
}

static void not_found_route(const struct sim_req *rq, struct sim_resp *rs)
{
	char msg[256];
	snprintf(msg, sizeof msg, "Cannot %s /api%.200s", rq->method, rq->path);
	error(rs, 404, msg);
}

/* /organizations/{id}[/...]: seg[1] is the id, n the number of segments. */
static void org_routes(struct sim *s, const struct sim_req *rq, struct sim_resp *rs, enum role role,
		       char **seg, int n)
{
	const char *m = rq->method;
	long id;
	if (!sim_parse_long(seg[1], &id)) {
		error(rs, 400, "Invalid organization ID");
		return;
	}
	bool is_delete = n == 2 && !strcmp(m, "DELETE");
	bool is_dup = n == 3 && !strcmp(seg[2], "duplicate") && !strcmp(m, "POST");
	if ((is_delete || is_dup) && !may_create_delete(role, rs))
		return;
	long cid = 0;
	if (n == 4 && !strcmp(seg[2], "members") && !sim_parse_long(seg[3], &cid)) {
		error(rs, 400, "Invalid contact ID");
		return;
	}
	cJSON *o = load_org(s, id);
	if (!o) {
		error(rs, 404, "Organization not found");
		return;
	}
	if (n == 2 && !strcmp(m, "GET")) {
		sim_resp_json(rs, 200, o);
		return;
	} else if (n == 2 && !strcmp(m, "PUT")) {
		update_org(s, rq, rs, o);
	} else if (is_delete) {
		drop_children(s, seg[1]);
		sim_org_delete(s, D, seg[1]);
		no_content(rs, 204);
	} else if (is_dup) {
		duplicate_org(s, rs, o);
	} else if (n == 3 && !strcmp(m, "GET") &&
		   (!strcmp(seg[2], "tasks") || !strcmp(seg[2], "projects") ||
		    !strcmp(seg[2], "documents"))) {
		sim_resp_json(rs, 200, gen_related(s, id, seg[2]));
	} else if (n == 3 && !strcmp(seg[2], "members") && !strcmp(m, "GET")) {
		ensure_members(s, id);
		sim_resp_json(rs, 200, member_list(s, id));
	} else if (n == 3 && !strcmp(seg[2], "members") && !strcmp(m, "POST")) {
		add_member(s, rq, rs, o, id);
	} else if (n == 4 && !strcmp(seg[2], "members") &&
		   (!strcmp(m, "PATCH") || !strcmp(m, "DELETE"))) {
		change_member(s, rq, rs, o, id, cid, !strcmp(m, "DELETE"));
	} else {
		not_found_route(rq, rs);
	}
	cJSON_Delete(o);
}

static void contacts(struct sim *s, const struct sim_req *rq, struct sim_resp *rs, char **seg,
		     int n)
{
	if (n == 1) {
		long limit, offset;
		if (!parse_paging(rq, rs, &limit, &offset))
			return;
		cJSON *a = cJSON_CreateArray();
		/* Bounds worked out against the pool size first, so huge values cannot overflow. */
		long end = N_CONTACTS;
		if (offset >= N_CONTACTS)
			end = 0;
		else if (limit >= 0 && limit < N_CONTACTS - offset)
			end = offset + limit;
		for (long i = offset; i < end; i++)
			cJSON_AddItemToArray(a, gen_contact(s, i + 1));
		sim_resp_json(rs, 200, a);
		return;
	}
	long id;
	if (!sim_parse_long(seg[1], &id))
		error(rs, 400, "Invalid contact ID");
	else if (id < 1 || id > N_CONTACTS)
		error(rs, 404, "Contact not found");
	else
		sim_resp_json(rs, 200, gen_contact(s, id));
}

static void current_user(enum role role, struct sim_resp *rs)
{
	cJSON *u = cJSON_CreateObject();
	bool admin = role == ROLE_ADMIN;
	cJSON_AddNumberToObject(u, "id", admin ? 1 : 2);
	cJSON_AddStringToObject(u, "username", admin ? "demo.admin" : "demo.member");
	cJSON_AddStringToObject(u, "role", admin ? "admin" : "member");
	cJSON_AddNumberToObject(u, "tenantId", 1);
	sim_resp_json(rs, 200, u);
}

static void handle(struct sim *s, const struct sim_req *rq, struct sim_resp *rs)
{
	enum role role = authenticate(rq, rs);
	if (role == ROLE_NONE)
		return;
	char *seg[6];
	int n = sim_path_split(rq->path, seg, 6);
	const char *m = rq->method;
	if (n >= 2 && n <= 4 && !strcmp(seg[0], "organizations")) {
		org_routes(s, rq, rs, role, seg, n);
	} else if (n == 1 && !strcmp(seg[0], "organizations") && !strcmp(m, "GET")) {
		list_orgs(s, rq, rs);
	} else if (n == 1 && !strcmp(seg[0], "organizations") && !strcmp(m, "POST")) {
		if (may_create_delete(role, rs))
			create_org(s, rq, rs);
	} else if (n >= 1 && n <= 2 && !strcmp(seg[0], "contacts") && !strcmp(m, "GET")) {
		contacts(s, rq, rs, seg, n);
	} else if (n == 1 && !strcmp(seg[0], "user") && !strcmp(m, "GET")) {
		current_user(role, rs);
	} else {
		not_found_route(rq, rs);
	}
	sim_path_free(seg, n);
}

static void print_config(struct sim *s, FILE *out, const char *base)
{
	fprintf(out,
		"\n[profile kaana-demo]\n"
		"vendor = kaana\n"
		"base_url = %s/kaana/api\n"
		"api_key = " KA_ADMIN_KEY "\n"
		"\n[profile kaana-member]\n"
		"vendor = kaana\n"
		"base_url = %s/kaana/api\n"
		"api_key = " KA_MEMBER_KEY "\n",
		base, base);
}

const struct sim_dialect sim_kaana = {
    .name = D,
    .prefix = "/kaana/api",
    .setup = setup,
    .handle = handle,
    .error = error,
    .print_config = print_config,
};
