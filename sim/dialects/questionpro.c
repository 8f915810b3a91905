/* QuestionPro REST API v2 (seed 001; VENDORS.md section 2): one organization per account,
 * read with GET /organizations/{id}, renamed with PUT {"name"}, and its users listed with
 * page/perPage and removed with DELETE /organizations/{id}/users/{userId}.
 *
 * Quirks kept on purpose, because a client has to cope with them:
 * - Auth is the `api-key` request header only. The legacy `?apiKey=` query parameter and the
 *   users page's `apiKey` header (a doc defect) get 401, so a client that copied them fails here.
 * - Success bodies are {"response": ..., "requestID": "..."}; error bodies are
 *   {"response": {"error": {docs, name, httpStatusCode, id, message, resourceUrl}}} with no
 *   requestID. `id` is a string, as the seed's error schema says (the error-code page and
 *   the limits page print it as a number). The seed's samples leave `docs` unquoted, which is
 *   not JSON; we send the same value quoted.
 * - The users list uses the layout its own page shows, pagination{perPage, totalItems,
 *   currentPage, totalPages, links{self, prev, next, first, last}}, not the generic
 *   pagination page's {perPage, page, total, links}. A page past the end is an empty
 *   "response" array with the totals still filled in; prev/next are null at the edges.
 * - DELETE answers 200 with the JSON value `null`: its documented response schema is
 *   {"type": "null"} and its example is empty.
 * - 300 calls per 60 s per key, 2,400 per organization, then 429 with the limits page's own
 *   body ("API call limit exceeded ...", name "", its own docs URL). That is the only 429
 *   body the vendor documents, so the per-minute limit and the exhausted quota look alike;
 *   no Retry-After or reset header is documented, so none is sent.
 * Datacenters (api.questionpro.com, .eu, .ca, ...) are the client's business: the simulator
 * serves one, and the profile's base_url picks it. */
#include "sim/sim.h"
#include "net/xalloc.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

#define D "questionpro"
#define QP_PREFIX "/questionpro/a/api/v2"
/* The seed shows 1234567 as a placeholder; a different number keeps the two apart. */
#define QP_ORG 3710428L
#define QP_ORG_S "3710428"
#define QP_KEY "5c0e8a1f-7b3d-4e92-a6c4-d19f2b7e0a35"
#define QP_PER_KEY 300
#define QP_PER_ORG 2400
/* The limits page says a maximum perPage exists but our copy cuts the number off; 1000 is
 * our guess. Larger requests are clamped (and the clamped value is reported back). */
#define QP_MAX_PER_PAGE 1000
#define QP_DEFAULT_PER_PAGE 100
#define QP_DOCS "www.questionpro.com/api/error-codes.html"
#define QP_DOCS_LIMIT "https://www.questionpro.com/api/v2/#error-codes"
#define QP_QUOTA_MSG                                                                               \
	"API call limit exceeded. Please contact your account representative to extend the "       \
	"limits."

/* Error codes from https://www.questionpro.com/api/error-codes.html, 429 from the limits
 * page and 500 from the seed; the first row for a status is its default. 413 (the server's
 * body cap) and 503 (fault injection) are not documented: they borrow the nearest code. */
static const struct {
	int status;
	const char *name, *id, *message;
} codes[] = {
    {400, "BAD_REQUEST", "1003", "Invalid URL parameters"},
    {400, "BAD_REQUEST", "1002", "Invalid schema in the body provided."},
    {400, "BAD_REQUEST", "1001", "The body provided was not a proper JSON string"},
    {401, "UNAUTHORIZED", "1010", "Incorrect API Key"},
    {403, "FORBIDDEN", "1013", "The user does not have permission to access the resource"},
    {404, "NOT_FOUND", "1040", "The resource that you're trying to access doesn't exist"},
    {413, "PAYLOAD_TOO_LARGE", "1001", "The body provided was too large"},
    {429, "", "1013", QP_QUOTA_MSG},
    {500, "INTERNAL_SERVER_ERROR", "1026", "We are not able to process your request"},
    {503, "SERVICE_UNAVAILABLE", "1026", "We are not able to process your request"},
};
#define N_CODES (sizeof codes / sizeof codes[0])

static const char *const licenses[] = {"Enterprise Annual",   "Research Edition Annual",
				       "Team Edition Annual", "Customer Experience Annual",
				       "Workforce Annual",    NULL};
/* Account representatives are QuestionPro staff: their addresses are on questionpro.com. */
static const char *const reps[] = {"priya.raman", "daniel.ortiz",    "megan.holt",
				   "arjun.mehta", "sofia.lindqvist", NULL};
static const struct {
	const char *country, *code;
} dial[] = {{"US", "+1"},  {"IN", "+91"}, {"GB", "+44"},  {"DE", "+49"},
	    {"AU", "+61"}, {"CA", "+1"},  {"AE", "+971"}, {"SG", "+65"}};

/* Writes the envelope for status. id/message NULL pick the table's defaults; resource is
 * the request URL (the vendor echoes it), "" when not known (injected faults). */
static void send_error(struct sim_resp *rs, int status, const char *id, const char *message,
		       const char *resource)
{
	const char *name = status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST";
	const char *def_id = status >= 500 ? "1026" : "1003";
	const char *def_msg =
	    status >= 500 ? "We are not able to process your request" : "Invalid URL parameters";
	/* The row for (status, id) when the caller names an id, else the status's first row. */
	for (size_t i = 0; i < N_CODES; i++) {
		if (codes[i].status != status || (id && strcmp(codes[i].id, id)))
			continue;
		name = codes[i].name;
		def_id = codes[i].id;
		def_msg = codes[i].message;
		break;
	}
	/* A 429 always carries the vendor's limit wording, whatever the caller says: it is
	 * the signal a client keys on. */
	if (status == 429 || !message)
		message = def_msg;
	if (!id)
		id = def_id;
	cJSON *root = cJSON_CreateObject();
	cJSON *err = cJSON_AddObjectToObject(cJSON_AddObjectToObject(root, "response"), "error");
	cJSON_AddStringToObject(err, "docs", status == 429 ? QP_DOCS_LIMIT : QP_DOCS);
	cJSON_AddStringToObject(err, "name", name);
	cJSON_AddNumberToObject(err, "httpStatusCode", status);
	cJSON_AddStringToObject(err, "id", id);
	cJSON_AddStringToObject(err, "message", message);
	cJSON_AddStringToObject(err, "resourceUrl", resource ? resource : "");
	sim_resp_json(rs, status, root);
}

static void error(struct sim_resp *rs, int status, const char *message)
{
	send_error(rs, status, NULL, message, "");
}

/* ---- generated data ---- */

static void fmt_date(long epoch, char *out, size_t cap)
{
	time_t t = (time_t)epoch;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%d", &tm);
}

/* Lower-case ASCII for an e-mail local part: folds the Latin-1 letters our name lists use
 * (é, ë, ü, ...) and drops anything else that is not a letter or digit. */
static void fold_ascii(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p && n + 1 < cap; p++) {
		char c = 0;
		if (isalnum(*p) && *p < 0x80) {
			c = (char)tolower(*p);
		} else if (*p == 0xc3 && p[1]) {
			unsigned char b = *++p;
			c = b >= 0xa0 && b <= 0xa5   ? 'a'
			    : b == 0xa7		     ? 'c'
			    : b >= 0xa8 && b <= 0xab ? 'e'
			    : b >= 0xac && b <= 0xaf ? 'i'
			    : b == 0xb1		     ? 'n'
			    : b >= 0xb2 && b <= 0xb8 ? 'o'
			    : b >= 0xb9 && b <= 0xbc ? 'u'
						     : 0;
		}
		if (c)
			out[n++] = c;
	}
	out[n] = '\0';
}

static unsigned bucket(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % 512;
}

static long user_count(struct sim *s)
{
	sqlite3_stmt *q;
	long n = 0;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT count(*) FROM sim_sub WHERE dialect='" D "' AND parent=?1 "
			       "AND kind='user'",
			       -1, &q, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(q, 1, QP_ORG_S, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

static void setup(struct sim *s, bool fresh)
{
	if (!fresh)
		return;
	struct sim_rng r;
	sim_rng_seed(&r, s->seed, D);
	char name[512], dom[64], buf[256];
	sim_gen_org_name(s, &r, 0, name, sizeof name);
	sim_gen_domain(name, dom, sizeof dom);
	/* One account is the whole customer base here, so --orgs scales its users instead:
	 * at least 60 so paging shows, at most 10,000 so setup stays quick. */
	long nusers = s->orgs < 60 ? 60 : s->orgs > 10000 ? 10000 : s->orgs;
	long lic_days = sim_rng_range(&r, 400, 2500);
	long lic_start = SIM_EPOCH - lic_days * 86400L;
	char lic_date[16];
	fmt_date(lic_start, lic_date, sizeof lic_date);
	long ndepts = sim_rng_range(&r, 2, 6), dept_base = sim_rng_range(&r, 1000, 9000);
	unsigned seen[512] = {0};
	long uid = sim_rng_range(&r, 2000000, 8999999), primary_id = uid;
	char primary_email[160] = "";

	sim_begin(s);
	for (long i = 0; i < nusers; i++) {
		char first[32], last[32], lf[32], ll[32], local[72], email[160], id[24];
		sim_gen_person(&r, first, last, sizeof first);
		fold_ascii(first, lf, sizeof lf);
		fold_ascii(last, ll, sizeof ll);
		/* Same name, same bucket, a higher number each time: addresses stay unique. */
		snprintf(local, sizeof local, "%s.%s", lf, ll);
		unsigned k = seen[bucket(local)]++;
		if (k)
			snprintf(email, sizeof email, "%s%u@%s", local, k + 1, dom);
		else
			snprintf(email, sizeof email, "%s@%s", local, dom);
		cJSON *u = cJSON_CreateObject();
		cJSON_AddNumberToObject(u, "userID", (double)uid);
		cJSON_AddNumberToObject(u, "departmentID",
					i == 0 || sim_rng_range(&r, 0, 1)
					    ? 0
					    : dept_base + sim_rng_range(&r, 0, ndepts - 1));
		cJSON_AddNumberToObject(u, "organizationID", (double)QP_ORG);
		/* The vendor's own examples have empty names; a few of ours do too. */
		bool anon = i > 0 && sim_rng_range(&r, 0, 24) == 0;
		cJSON_AddStringToObject(u, "firstName", anon ? "" : first);
		cJSON_AddStringToObject(u, "lastName", anon ? "" : last);
		cJSON_AddStringToObject(u, "emailAddress", email);
		if (sim_rng_range(&r, 0, 6) == 0) {
			cJSON_AddStringToObject(u, "phone", "");
		} else {
			size_t d =
			    (size_t)sim_rng_range(&r, 0, (long)(sizeof dial / sizeof *dial) - 1);
			snprintf(buf, sizeof buf, "(%s)%s %ld", dial[d].country, dial[d].code,
				 sim_rng_range(&r, 2000000000L, 9999999999L));
			cJSON_AddStringToObject(u, "phone", buf);
		}
		cJSON_AddStringToObject(u, "licenseType",
					i == 0 ? "Enterprise Annual"
					       : "Enterprise Sub Account Annual");
		cJSON_AddStringToObject(u, "licenseStartDate", lic_date);
		char created[16];
		fmt_date(i == 0 ? lic_start : lic_start + sim_rng_range(&r, 0, lic_days) * 86400L,
			 created, sizeof created);
		cJSON_AddStringToObject(u, "creationDate", created);
		cJSON_AddStringToObject(u, "userType", "License");
		char *doc = cJSON_PrintUnformatted(u);
		snprintf(id, sizeof id, "%ld", uid);
		sim_sub_put(s, D, QP_ORG_S, "user", id, doc);
		free(doc);
		cJSON_Delete(u);
		if (i == 0)
			snprintf(primary_email, sizeof primary_email, "%s", email);
		uid += sim_rng_range(&r, 1, 40);
	}

	/* Key order follows the seed's example. */
	cJSON *o = cJSON_CreateObject();
	snprintf(buf, sizeof buf, "%s@questionpro.com", sim_rng_pick(&r, reps));
	cJSON_AddStringToObject(o, "accountRepEmail", buf);
	cJSON_AddNumberToObject(o, "dashboardUserCount", (double)sim_rng_range(&r, 0, 12));
	cJSON_AddStringToObject(o, "license", sim_rng_pick(&r, licenses));
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddNumberToObject(o, "organizationID", (double)QP_ORG);
	cJSON_AddNumberToObject(o, "primaryAccountID", (double)primary_id);
	cJSON_AddStringToObject(o, "primaryAccountUsername", primary_email);
	char stem[64];
	snprintf(stem, sizeof stem, "%.*s", (int)(strlen(dom) - 4), dom); /* drop ".com" */
	snprintf(buf, sizeof buf, "%s.questionpro.com", stem);
	cJSON_AddStringToObject(o, "shortUrl", buf);
	if (sim_rng_range(&r, 0, 3) == 0) {
		snprintf(buf, sizeof buf, "smtp.%s", dom);
		cJSON_AddStringToObject(o, "smtpRelay", buf);
	} else {
		cJSON_AddStringToObject(o, "smtpRelay", "");
	}
	cJSON_AddStringToObject(o, "styleSheet", "");
	cJSON *usage = cJSON_AddObjectToObject(o, "usage");
	cJSON *c = cJSON_AddObjectToObject(usage, "communities");
	long communities = sim_rng_range(&r, 0, 12);
	cJSON_AddNumberToObject(c, "communitiesCount", (double)communities);
	cJSON_AddNumberToObject(c, "communityMembers",
				(double)(communities * sim_rng_range(&r, 5, 400)));
	cJSON_AddNumberToObject(c, "emailsSent", (double)(communities * sim_rng_range(&r, 0, 900)));
	cJSON *st = cJSON_AddObjectToObject(usage, "storage");
	long files = sim_rng_range(&r, 0, 2000);
	cJSON_AddNumberToObject(st, "totalSpaceUsed",
				(double)(files * sim_rng_range(&r, 20000, 900000)));
	cJSON_AddNumberToObject(st, "uploadedFiles", (double)files);
	cJSON *sv = cJSON_AddObjectToObject(usage, "survey");
	long total = sim_rng_range(&r, 500, 400000);
	cJSON_AddNumberToObject(sv, "completedResponses",
				(double)(total * sim_rng_range(&r, 40, 95) / 100));
	cJSON_AddNumberToObject(sv, "devices", (double)sim_rng_range(&r, 0, 40));
	cJSON_AddNumberToObject(sv, "emailLists", (double)sim_rng_range(&r, 0, 300));
	cJSON_AddNumberToObject(sv, "emailSent", (double)sim_rng_range(&r, 0, 50000));
	cJSON_AddNumberToObject(sv, "surveysCount", (double)sim_rng_range(&r, 1, 900));
	cJSON_AddNumberToObject(sv, "totalResponses", (double)total);
	cJSON *wf = cJSON_AddObjectToObject(usage, "workforce");
	long workforce = sim_rng_range(&r, 0, 6);
	cJSON_AddNumberToObject(wf, "emailsSent", (double)(workforce * sim_rng_range(&r, 0, 300)));
	cJSON_AddNumberToObject(wf, "workforceCount", (double)workforce);
	cJSON_AddNumberToObject(o, "userCount", (double)nusers); /* refreshed on every read */
	if (sim_rng_range(&r, 0, 2) == 0)
		cJSON_AddStringToObject(o, "welcomeHTML", "");
	else
		cJSON_AddStringToObject(
		    o, "welcomeHTML",
		    "<h2>Welcome!</h2><p>Please use your company e-mail address "
		    "to sign in.</p>");
	char *doc = cJSON_PrintUnformatted(o);
	sim_org_put(s, D, QP_ORG_S, name, doc);
	free(doc);
	cJSON_Delete(o);
	sim_commit(s);
}

/* ---- requests ---- */

struct call {
	struct sim *s;
	const struct sim_req *rq;
	struct sim_resp *rs;
	char *base;	/* "http://HOST/questionpro/a/api/v2", for links and resourceUrl */
	char *resource; /* base + path: what the vendor echoes in resourceUrl */
};

static void fail(struct call *c, int status, const char *id, const char *message)
{
	send_error(c->rs, status, id, message, c->resource);
}

/* A UUID-shaped request id, reproducible for a given seed and call sequence. */
static void request_id(struct sim *s, char *out, size_t cap)
{
	struct sim_rng r;
	sim_rng_seed(&r, s->seed + (uint64_t)sim_counter_next(s, D ".request"), D ".request");
	uint64_t a = sim_rng_next(&r), b = sim_rng_next(&r);
	snprintf(out, cap, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
		 (unsigned)(a >> 16) & 0xffffu, (unsigned)a & 0xfffu,
		 (unsigned)(0x8000u | ((b >> 48) & 0x3fffu)),
		 (unsigned long long)(b & 0xffffffffffffULL));
}

/* {"response": response, ["pagination": pagination,] "requestID": "..."} */
static void succeed(struct call *c, cJSON *response, cJSON *pagination)
{
	char rid[40];
	request_id(c->s, rid, sizeof rid);
	cJSON *root = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "response", response);
	if (pagination)
		cJSON_AddItemToObject(root, "pagination", pagination);
	cJSON_AddStringToObject(root, "requestID", rid);
	sim_resp_json(c->rs, 200, root);
}

static cJSON *load_org(struct call *c)
{
	char *doc = sim_org_get(c->s, D, QP_ORG_S);
	cJSON *o = doc ? cJSON_Parse(doc) : NULL;
	free(doc);
	if (!o)
		return NULL;
	/* userCount is live, so a deleted user shows in the organization at once. */
	cJSON_ReplaceItemInObjectCaseSensitive(o, "userCount",
					       cJSON_CreateNumber((double)user_count(c->s)));
	return o;
}

static void get_org(struct call *c)
{
	cJSON *o = load_org(c);
	if (!o) {
		fail(c, 500, NULL, NULL);
		return;
	}
	succeed(c, o, NULL);
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

static void rename_org(struct call *c)
{
	/* JSON only, as documented: a form body is not "a proper JSON string". */
	cJSON *body = cJSON_ParseWithLength(c->rq->body, c->rq->body_len);
	if (!body) {
		fail(c, 400, "1001", NULL);
		return;
	}
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(body, "name");
	if (!cJSON_IsObject(body) || !cJSON_IsString(name) || blank(name->valuestring)) {
		cJSON_Delete(body);
		fail(c, 400, "1002",
		     "Invalid schema in the body provided. name must be a non-empty string");
		return;
	}
	cJSON *o = load_org(c);
	if (!o) {
		cJSON_Delete(body);
		fail(c, 500, NULL, NULL);
		return;
	}
	/* Only the name is writable; other keys in the body are ignored. */
	cJSON_ReplaceItemInObjectCaseSensitive(o, "name", cJSON_CreateString(name->valuestring));
	char *doc = cJSON_PrintUnformatted(o);
	sim_org_put(c->s, D, QP_ORG_S, name->valuestring, doc);
	free(doc);
	cJSON_Delete(body);
	/* The update page documents no response body; we answer like GET, which is what a
	 * client wants to redraw from. */
	succeed(c, o, NULL);
}

/* Parses an optional positive integer query parameter; false on junk, zero or negative. */
static bool positive_arg(const struct sim_req *rq, const char *name, long *out)
{
	const char *v = sim_arg(rq, name);
	if (!v)
		return true;
	long n;
	if (!sim_parse_long(v, &n) || n < 1)
		return false;
	*out = n;
	return true;
}

static cJSON *page_link(struct call *c, long page, long per_page)
{
	char *u = xasprintf("%s/organizations/" QP_ORG_S "/users?page=%ld&perPage=%ld", c->base,
			    page, per_page);
	cJSON *s = cJSON_CreateString(u);
	free(u);
	return s;
}

static void list_users(struct call *c)
{
	long page = 1, per_page = QP_DEFAULT_PER_PAGE;
	if (!positive_arg(c->rq, "page", &page) || !positive_arg(c->rq, "perPage", &per_page)) {
		fail(c, 400, "1003",
		     "Invalid URL parameters: page and perPage must be positive integers");
		return;
	}
	if (per_page > QP_MAX_PER_PAGE)
		per_page = QP_MAX_PER_PAGE;
	long total = user_count(c->s);
	long pages = (total + per_page - 1) / per_page;
	cJSON *items = cJSON_CreateArray();
	/* Compare before multiplying: page can be as large as LONG_MAX. */
	if (page - 1 < pages) {
		sqlite3_stmt *q;
		if (sqlite3_prepare_v2(c->s->db,
				       "SELECT doc FROM sim_sub WHERE dialect='" D
				       "' AND parent=?1 "
				       "AND kind='user' ORDER BY rowid LIMIT ?2 OFFSET ?3",
				       -1, &q, NULL) == SQLITE_OK) {
			sqlite3_bind_text(q, 1, QP_ORG_S, -1, SQLITE_STATIC);
			sqlite3_bind_int64(q, 2, per_page);
			sqlite3_bind_int64(q, 3, (page - 1) * per_page);
			while (sqlite3_step(q) == SQLITE_ROW) {
				cJSON *u = cJSON_Parse((const char *)sqlite3_column_text(q, 0));
				if (u)
					cJSON_AddItemToArray(items, u);
			}
			sqlite3_finalize(q);
		}
	}
	cJSON *pg = cJSON_CreateObject();
	cJSON_AddNumberToObject(pg, "perPage", (double)per_page);
	cJSON_AddNumberToObject(pg, "totalItems", (double)total);
	cJSON_AddNumberToObject(pg, "currentPage", (double)page);
	cJSON_AddNumberToObject(pg, "totalPages", (double)pages);
	cJSON *links = cJSON_AddObjectToObject(pg, "links");
	cJSON_AddItemToObject(links, "self", page_link(c, page, per_page));
	cJSON_AddItemToObject(links, "prev",
			      page > 1 ? page_link(c, page - 1, per_page) : cJSON_CreateNull());
	cJSON_AddItemToObject(links, "next",
			      page < pages ? page_link(c, page + 1, per_page) : cJSON_CreateNull());
	cJSON_AddItemToObject(links, "first", page_link(c, 1, per_page));
	cJSON_AddItemToObject(links, "last", page_link(c, pages > 1 ? pages : 1, per_page));
	succeed(c, items, pg);
}

static void delete_user(struct call *c, const char *user_id)
{
	long uid;
	if (!sim_parse_long(user_id, &uid) || uid < 1) {
		fail(c, 400, "1003", NULL);
		return;
	}
	cJSON *o = load_org(c);
	const cJSON *primary = o ? cJSON_GetObjectItemCaseSensitive(o, "primaryAccountID") : NULL;
	bool is_primary = cJSON_IsNumber(primary) && (long)primary->valuedouble == uid;
	cJSON_Delete(o);
	/* Removing the primary account would orphan the organization; the vendor does not
	 * say what happens, so we refuse in its forbidden wording. */
	if (is_primary) {
		fail(c, 403, "1013", NULL);
		return;
	}
	char id[24];
	snprintf(id, sizeof id, "%ld", uid);
	if (!sim_sub_delete(c->s, D, QP_ORG_S, "user", id)) {
		fail(c, 404, "1040", NULL);
		return;
	}
	sim_resp_text(c->rs, 200, "application/json; charset=utf-8", xstrdup("null"));
}

static bool authorized(struct call *c)
{
	const char *key = sim_header(c->rq, "api-key");
	if (!key || strcmp(key, QP_KEY)) {
		fail(c, 401, NULL, NULL);
		return false;
	}
	long reset;
	if (!sim_rate_take(c->s, D, QP_KEY, QP_PER_KEY, 60, &reset) ||
	    !sim_rate_take(c->s, D, "org:" QP_ORG_S, QP_PER_ORG, 60, &reset)) {
		fail(c, 429, NULL, NULL);
		return false;
	}
	return true;
}

static void route(struct call *c)
{
	char *seg[6];
	int n = sim_path_split(c->rq->path, seg, 6);
	const char *m = c->rq->method;
	long org;
	/* Unknown paths, and known paths with an undocumented method, are resources that do
	 * not exist: the vendor documents no 405. */
	if (n < 2 || n > 4 || strcmp(seg[0], "organizations") ||
	    (n >= 3 && strcmp(seg[2], "users"))) {
		fail(c, 404, NULL, NULL);
	} else if (!sim_parse_long(seg[1], &org) || org < 1) {
		fail(c, 400, "1003", NULL);
	} else if (org != QP_ORG) {
		/* One organization per account: any other id belongs to someone else (or to
		 * nobody, which the vendor cannot tell this key apart from). */
		fail(c, 403, "1013", NULL);
	} else if (n == 2 && !strcmp(m, "GET")) {
		get_org(c);
	} else if (n == 2 && !strcmp(m, "PUT")) {
		rename_org(c);
	} else if (n == 3 && !strcmp(m, "GET")) {
		list_users(c);
	} else if (n == 4 && !strcmp(m, "DELETE")) {
		delete_user(c, seg[3]);
	} else {
		fail(c, 404, NULL, NULL);
	}
	sim_path_free(seg, n);
}

static void handle(struct sim *s, const struct sim_req *rq, struct sim_resp *rs)
{
	const char *host = sim_header(rq, "Host");
	struct call c = {.s = s, .rq = rq, .rs = rs};
	c.base = host ? xasprintf("http://%s" QP_PREFIX, host)
		      : xasprintf("http://127.0.0.1:%d" QP_PREFIX, s->port);
	c.resource = xasprintf("%s%s", c.base, rq->path);
	if (authorized(&c))
		route(&c);
	free(c.base);
	free(c.resource);
}

static void print_config(struct sim *s, FILE *out, const char *base)
{
	fprintf(out,
		"\n[profile questionpro-demo]\n"
		"vendor = questionpro\n"
		"base_url = %s" QP_PREFIX "\n"
		"organization_id = " QP_ORG_S "\n"
		"api_key = " QP_KEY "\n",
		base);
}

const struct sim_dialect sim_questionpro = {
    .name = D,
    .prefix = QP_PREFIX,
    .setup = setup,
    .handle = handle,
    .error = error,
    .print_config = print_config,
};
