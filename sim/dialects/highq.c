/* HighQ Collaborate API v4 (seed 002, VENDORS.md section 3), served per instance under
 * /highq/{instance}; the only instance is "demo".
 *
 * Auth is OAuth2 authorization-code as HighQ does it (3.1): a browser visits
 * {instance}/authorize.action, is sent back to the registered redirect_uri with ?code=
 * (valid 30 minutes, single use), and the client trades it at {instance}/api/oauth2/token
 * for an access token (ORGDECK_SIM_HIGHQ_TOKEN_TTL seconds, default 3600) and a refresh
 * token. API calls carry "Authorization: Bearer". With --rate-limits each token gets 10
 * calls a minute (the documented example; the real figure is unpublished), then 429 with
 * X-Ratelimit-Reset in epoch seconds.
 *
 * Quirks kept on purpose:
 *  - every number in a body is a string ("orgid":"1", "total":"74"), and request bodies
 *    must quote numbers too (a bare JSON number is refused as invalid for that field);
 *  - dates look like "22 Mar 2017 14:20" (UTC, no zone);
 *  - status is "ACTIVE" in the list, "Active" in the detail, lowercase in filters;
 *  - the sort field is `ordertype` and the direction is `orderby` (the seed's table says
 *    "sort" and "order by" but its examples use these names);
 *  - the list answer is {"organisations":{"total","totalCount","organisation":[...]}};
 *  - JSON only when Accept asks for application/json, XML otherwise;
 *  - errors are {"error":{"summary","ref","link"}} (XML <error>...</error>) with the
 *    vendor's ref codes; a 429 carries only a summary, as the rate-limit page shows.
 *
 * Organisations live in this dialect's own table (highq_org) rather than sim_org, so that
 * every documented sort has an index and LIMIT/OFFSET stays fast at a million rows.
 * Users (members) are not stored: user k of organisation N is a pure function of the
 * seed and N*1000+k, and an organisation has `noofusers` of them. */
#include "sim/sim.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define D "highq"
#define HQ_INSTANCE "demo"
#define HQ_CLIENT_ID "1012"
#define HQ_CLIENT_SECRET "hq-demo-7c41e9b25a0d3f68"
#define HQ_CODE_TTL 1800L	      /* "code valid 30 minutes" (3.1) */
#define HQ_REFRESH_TTL (30L * 86400L) /* undocumented; long enough for a demo */
#define HQ_RATE_LIMIT 10	      /* "10 requests per minute" example (3.5) */
#define HQ_RATE_WINDOW 60
#define HQ_NAME_MAX 128	      /* ref 270 */
#define HQ_USERS_PER_ORG 1000 /* user id = orgid * 1000 + k */

/* Set once in setup(), before the server starts threads; read-only afterwards. */
static long token_ttl = 3600;

/* Industry ids 1..12 name sim_industries[id - 1]; 0 is "no industry" (the seed's
 * example filters on industry=0,1). Categories are ids 10..19; 0 is "no category". */
#define N_INDUSTRIES 12
static const char *const categories[] = {"Client",    "Prospect", "Supplier", "Partner", "Law firm",
					 "Regulator", "Counsel",  "Vendor",   "Alumni",	 "Other"};
#define CATEGORY_FIRST 10
#define N_CATEGORIES 10
static const char *const contact_types[] = {"Primary", "Billing", "Technical"}; /* ids 1..3 */
#define N_CONTACT_TYPES 3
#define N_CONTACT_TIERS 3

/* Stored lowercase (as filters spell them); shown upper in lists, title case in details. */
static const struct {
	const char *key, *list, *detail;
} statuses[] = {{"active", "ACTIVE", "Active"},
		{"archive", "ARCHIVE", "Archive"},
		{"pending", "PENDING", "Pending"}};
#define N_STATUSES 3

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* One request in flight: where it came from and how it wants its answer. */
struct hq {
	struct sim *s;
	const struct sim_req *rq;
	struct sim_resp *rs;
	bool json;	/* Accept asked for JSON */
	char base[192]; /* "http://host:port/highq/demo": links point here */
	const char *token;
};

/* ---- text helpers ---- */

/* Decodes one UTF-8 sequence; returns its length, or 0 when the bytes are not valid
 * UTF-8 (overlong forms and surrogates included). */
static int utf8_next(const unsigned char *p, unsigned long *cp)
{
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	int n;
	unsigned long v, min;
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2, v = p[0] & 0x1F, min = 0x80;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3, v = p[0] & 0x0F, min = 0x800;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4, v = p[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; n++) {
		unsigned long cp;
		int len = utf8_next(p, &cp);
		p += len ? len : 1;
	}
	return n;
}

/* Text for XML 1.0: markup characters escaped, and anything XML cannot carry at all
 * (C0 controls, invalid UTF-8, U+FFFE/FFFF) replaced by U+FFFD, because a character
 * reference like &#x1B; is itself not well-formed in XML 1.0. */
static void xml_text(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned long cp;
		int len = utf8_next(p, &cp);
		if (!len) {
			buf_puts(b, "\xEF\xBF\xBD");
			p++;
			continue;
		}
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE ||
		    cp == 0xFFFF)
			buf_puts(b, "\xEF\xBF\xBD");
		else if (cp == '&')
			buf_puts(b, "&amp;");
		else if (cp == '<')
			buf_puts(b, "&lt;");
		else if (cp == '>')
			buf_puts(b, "&gt;");
		else if (cp == '"')
			buf_puts(b, "&quot;");
		else if (cp == '\'')
			buf_puts(b, "&apos;");
		else
			buf_add(b, p, (size_t)len);
		p += len;
	}
}

/* The same structure the JSON has: an object is an element, an array under key K is a
 * run of <K> elements (the seed's <organisation> siblings), scalars are text. */
static void xml_node(struct buf *b, const char *name, const cJSON *v)
{
	if (cJSON_IsArray(v)) {
		const cJSON *it;
		cJSON_ArrayForEach(it, v) xml_node(b, name, it);
		return;
	}
	buf_printf(b, "<%s>", name);
	if (cJSON_IsObject(v)) {
		const cJSON *it;
		cJSON_ArrayForEach(it, v) xml_node(b, it->string, it);
	} else if (cJSON_IsString(v)) {
		xml_text(b, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		buf_printf(b, "%.0f", v->valuedouble);
	} else if (cJSON_IsBool(v)) {
		buf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
	}
	buf_printf(b, "</%s>", name);
}

static void html_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&#39;");
			break;
		default:
			buf_putc(b, *s);
		}
	}
}

static void fmt_date(long t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	snprintf(out, cap, "%02d %s %04d %02d:%02d", tm.tm_mday, months[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

static void add_num(cJSON *o, const char *key, long v)
{
	char n[32];
	snprintf(n, sizeof n, "%ld", v);
	cJSON_AddStringToObject(o, key, n);
}

static bool wants_json(const struct sim_req *rq)
{
	const char *a = sim_header(rq, "Accept");
	if (!a)
		return false;
	char low[256];
	size_t i = 0;
	for (; a[i] && i + 1 < sizeof low; i++)
		low[i] = (char)tolower((unsigned char)a[i]);
	low[i] = '\0';
	return strstr(low, "application/json") != NULL;
}

/* ---- answers ---- */

/* root is a one-key object ({"organisations":{...}}) whose key names the XML root, or
 * any object when xml_root names it. */
static void reply(struct hq *c, int status, cJSON *root, const char *xml_root)
{
	if (c->json) {
		sim_resp_json(c->rs, status, root);
		return;
	}
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
	if (xml_root)
		xml_node(&b, xml_root, root);
	else if (root->child)
		xml_node(&b, root->child->string, root->child);
	cJSON_Delete(root);
	sim_resp_text(c->rs, status, "application/xml; charset=utf-8", buf_steal(&b));
}

static cJSON *error_body(int ref, const char *summary, const char *link_base)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *e = cJSON_AddObjectToObject(o, "error");
	cJSON_AddStringToObject(e, "summary", summary);
	if (ref) {
		char link[256];
		/* The vendor's link points into the instance's own API error pages. */
		snprintf(link, sizeof link, "%s/api/4/error/%d", link_base, ref);
		cJSON_AddNumberToObject(e, "ref", ref);
		cJSON_AddStringToObject(e, "link", link);
	}
	return o;
}

/* ref 0 means "no ref": the 429 body carries a summary only (3.5). Undocumented
 * failures use ref -1, which the vendor's own pages show for generic errors (3.4). */
static void fail(struct hq *c, int status, int ref, const char *summary)
{
	reply(c, status, error_body(ref, summary, c->base), NULL);
	if (status == 401)
		sim_resp_header(c->rs, "WWW-Authenticate",
				"Bearer realm=\"HighQ\", error=\"invalid_token\"");
}

static const char *default_summary(int status)
{
	switch (status) {
	case 400:
		return "Bad request";
	case 401:
		return "Not authorised";
	case 403:
		return "Access denied";
	case 404:
		return "The requested resource does not exist";
	case 405:
		return "Method not allowed";
	case 413:
		return "Request body too large";
	case 429:
		return "Rate limit exceeded. Try again after the time in X-Ratelimit-Reset";
	case 503:
		return "Service temporarily unavailable";
	default:
		return "Internal server error";
	}
}

static int default_ref(int status)
{
	switch (status) {
	case 401:
		return 401; /* "Not authorised" (3.4) */
	case 403:
		return 123; /* "access denied" (3.4) */
	case 429:
		return 0;
	default:
		return -1;
	}
}

/* Used for injected faults, which come before any request is read: JSON (what orgdeck
 * always asks for), with a link relative to the demo instance since no host is known. */
static void error(struct sim_resp *rs, int status, const char *message)
{
	sim_resp_json(rs, status,
		      error_body(default_ref(status), message ? message : default_summary(status),
				 "/highq/" HQ_INSTANCE));
	if (status == 429) {
		char reset[32];
		snprintf(reset, sizeof reset, "%ld", sim_now() + HQ_RATE_WINDOW);
		sim_resp_header(rs, "X-Ratelimit-Reset", reset);
	}
}

/* ---- data ---- */

static const char *const schema = "CREATE TABLE IF NOT EXISTS highq_org("
				  " orgid INTEGER PRIMARY KEY,"
				  " name TEXT NOT NULL,"
				  " status TEXT NOT NULL," /* active | archive | pending */
				  " internal INTEGER NOT NULL,"
				  " industry INTEGER NOT NULL," /* 0 = none */
				  " category INTEGER NOT NULL," /* 0 = none */
				  " users INTEGER NOT NULL,"
				  " created INTEGER NOT NULL," /* epoch seconds, UTC */
				  " domain TEXT,"
				  " contact_name TEXT," /* NULL: no contact */
				  " contact_email TEXT,"
				  " contact_type INTEGER,"
				  " contact_tier INTEGER);";

/* Built after a bulk load (cheaper than maintaining them row by row); one per sort field
 * so ORDER BY ... LIMIT/OFFSET walks an index. */
static const char *const indexes =
    "CREATE INDEX IF NOT EXISTS highq_org_name ON highq_org(name COLLATE NOCASE);"
    "CREATE INDEX IF NOT EXISTS highq_org_status ON highq_org(status);"
    "CREATE INDEX IF NOT EXISTS highq_org_created ON highq_org(created);"
    "CREATE INDEX IF NOT EXISTS highq_org_users ON highq_org(users);"
    "CREATE INDEX IF NOT EXISTS highq_org_domain ON highq_org(domain COLLATE NOCASE);";

static void generate(struct sim *s)
{
	struct sim_rng r;
	sim_rng_seed(&r, s->seed, D);
	sqlite3_stmt *q;
	sqlite3_prepare_v2(
	    s->db,
	    "INSERT INTO highq_org(orgid,name,status,internal,industry,category,users,"
	    "created,domain,contact_name,contact_email,contact_type,contact_tier)"
	    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
	    -1, &q, NULL);
	/* Created dates climb with the id over nine years up to SIM_EPOCH, as they would in
	 * a real instance, with jitter so the two sorts are not identical. */
	long span = 9L * 365 * 86400, start = SIM_EPOCH - span;
	long step = s->orgs > 0 ? span / s->orgs : span;
	if (step < 1)
		step = 1;
	long id = 0;
	sim_begin(s);
	for (long i = 0; i < s->orgs; i++) {
		/* Gaps, as in the seed (1, 3): deleted organisations leave holes. */
		id += sim_rng_range(&r, 0, 9) == 0 ? 2 : 1;
		char name[512], dom[64], first[32], last[32], cname[80], email[128];
		sim_gen_org_name(s, &r, i, name, sizeof name);
		sim_gen_domain(name, dom, sizeof dom);
		long roll = sim_rng_range(&r, 0, 99);
		const char *status = roll < 80 ? "active" : roll < 92 ? "archive" : "pending";
		long u = sim_rng_range(&r, 0, 99);
		long users = u < 10   ? 0
			     : u < 70 ? sim_rng_range(&r, 1, 20)
			     : u < 95 ? sim_rng_range(&r, 21, 100)
				      : sim_rng_range(&r, 101, 400);
		sqlite3_bind_int64(q, 1, id);
		sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, status, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 4, i == 0 || sim_rng_range(&r, 0, 99) == 0);
		sqlite3_bind_int64(
		    q, 5, sim_rng_range(&r, 0, 9) == 0 ? 0 : sim_rng_range(&r, 1, N_INDUSTRIES));
		sqlite3_bind_int64(
		    q, 6,
		    sim_rng_range(&r, 0, 6) == 0
			? 0
			: sim_rng_range(&r, CATEGORY_FIRST, CATEGORY_FIRST + N_CATEGORIES - 1));
		sqlite3_bind_int64(q, 7, users);
		sqlite3_bind_int64(q, 8, start + i * step + sim_rng_range(&r, 0, step));
		sqlite3_bind_text(q, 9, dom, -1, SQLITE_STATIC);
		if (sim_rng_range(&r, 0, 9) < 7) {
			sim_gen_person(&r, first, last, sizeof first);
			snprintf(cname, sizeof cname, "%s %s", first, last);
			snprintf(email, sizeof email, "%.1s.%s@%s", first, last, dom);
			for (char *p = email; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			sqlite3_bind_text(q, 10, cname, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 11, email, -1, SQLITE_STATIC);
			sqlite3_bind_int64(q, 12, sim_rng_range(&r, 1, N_CONTACT_TYPES));
			sqlite3_bind_int64(q, 13, sim_rng_range(&r, 1, N_CONTACT_TIERS));
		} else {
			for (int k = 10; k <= 13; k++)
				sqlite3_bind_null(q, k);
		}
		sqlite3_step(q);
		sqlite3_reset(q);
	}
	sim_commit(s);
	sqlite3_finalize(q);
}

static void setup(struct sim *s, bool fresh)
{
	long ttl;
	const char *env = getenv("ORGDECK_SIM_HIGHQ_TOKEN_TTL");
	if (env && sim_parse_long(env, &ttl) && ttl > 0)
		token_ttl = ttl;
	sqlite3_exec(s->db, schema, NULL, NULL, NULL);
	if (fresh) {
		sqlite3_exec(s->db, "DELETE FROM highq_org", NULL, NULL, NULL);
		generate(s);
	}
	sqlite3_exec(s->db, indexes, NULL, NULL, NULL);
}

/* ---- OAuth2 ---- */

static void new_secret(struct sim *s, const char *kind, char *out, size_t len)
{
	struct sim_rng r;
	sim_rng_seed(&r, s->seed ^ ((uint64_t)sim_counter_next(s, D ".secret") << 20), kind);
	char a[25], b[25];
	sim_gen_hex_id(&r, a);
	sim_gen_hex_id(&r, b);
	snprintf(out, len, "%s%s", a, b);
}

static void grant_put(struct sim *s, const char *kind, const char *value, long ttl,
		      const char *redirect)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "exp", (double)(sim_now() + ttl));
	cJSON_AddStringToObject(o, "client_id", HQ_CLIENT_ID);
	if (redirect)
		cJSON_AddStringToObject(o, "redirect_uri", redirect);
	char *doc = cJSON_PrintUnformatted(o);
	sim_sub_put(s, D, HQ_INSTANCE, kind, value, doc);
	free(doc);
	cJSON_Delete(o);
}

/* The stored grant when it exists and has not expired (expired ones are removed). */
static cJSON *grant_get(struct sim *s, const char *kind, const char *value, bool *expired)
{
	if (expired)
		*expired = false;
	if (!value || !*value)
		return NULL;
	char *doc = sim_sub_get(s, D, HQ_INSTANCE, kind, value);
	cJSON *o = doc ? cJSON_Parse(doc) : NULL;
	free(doc);
	if (!o)
		return NULL;
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(o, "exp");
	if (!cJSON_IsNumber(exp) || exp->valuedouble <= (double)sim_now()) {
		sim_sub_delete(s, D, HQ_INSTANCE, kind, value);
		cJSON_Delete(o);
		if (expired)
			*expired = true;
		return NULL;
	}
	return o;
}

static void registered_redirect(struct hq *c, char *out, size_t cap)
{
	snprintf(out, cap, "http://127.0.0.1:%d/highq/" HQ_INSTANCE "/oauth-done", c->s->port);
}

static bool redirect_ok(struct hq *c, const char *uri)
{
	char reg[160], alt[256];
	registered_redirect(c, reg, sizeof reg);
	snprintf(alt, sizeof alt, "%s/oauth-done", c->base);
	return !strcmp(uri, reg) || !strcmp(uri, alt);
}

static void html_page(struct hq *c, int status, const char *title, const char *text,
		      const char *code)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
	html_text(&b, title);
	buf_puts(&b, "</title></head>\n<body><h1>");
	html_text(&b, title);
	buf_puts(&b, "</h1>\n<p>");
	html_text(&b, text);
	buf_puts(&b, "</p>\n");
	if (code) {
		buf_puts(&b, "<p>Authorization code: <code id=\"code\">");
		html_text(&b, code);
		buf_puts(&b, "</code></p>\n<p>Paste it into orgdeck. It is valid for 30 minutes "
			     "and can be used once.</p>\n");
	}
	buf_puts(&b, "</body></html>\n");
	sim_resp_text(c->rs, status, "text/html; charset=utf-8", buf_steal(&b));
}

/* GET {instance}/authorize.action: a browser page in the real product. Consent is
 * granted at once (the registration's optional consent screen is off). */
static void authorize(struct hq *c)
{
	const char *type = sim_arg(c->rq, "response_type"), *client = sim_arg(c->rq, "client_id");
	const char *redirect = sim_arg(c->rq, "redirect_uri"), *state = sim_arg(c->rq, "state");
	char reg[160];
	registered_redirect(c, reg, sizeof reg);
	if (!type || strcmp(type, "code")) {
		html_page(c, 400, "Invalid request", "response_type must be code.", NULL);
		return;
	}
	if (!client || strcmp(client, HQ_CLIENT_ID)) {
		html_page(c, 400, "Invalid client",
			  "No API application is registered with this "
			  "client_id on this instance.",
			  NULL);
		return;
	}
	if (!redirect || !*redirect)
		redirect = reg;
	else if (!redirect_ok(c, redirect)) {
		/* Never redirect to an unregistered URI: show the error instead. */
		html_page(c, 400, "Invalid redirect_uri",
			  "redirect_uri does not match the one registered for this client.", NULL);
		return;
	}
	char code[49];
	new_secret(c->s, "code", code, sizeof code);
	code[16] = '\0'; /* short enough to paste by hand */
	struct buf loc;
	buf_init(&loc);
	buf_printf(&loc, "%s%ccode=%s", redirect, strchr(redirect, '?') ? '&' : '?', code);
	if (state) {
		buf_puts(&loc, "&state=");
		buf_put_urlenc(&loc, state);
	}
	/* sim_resp carries header values of at most 95 bytes; refuse rather than cut. */
	if (loc.len >= sizeof c->rs->headers[0][1]) {
		buf_free(&loc);
		html_page(c, 400, "Invalid request", "state is too long.", NULL);
		return;
	}
	grant_put(c->s, "code", code, HQ_CODE_TTL, redirect);
	html_page(c, 302, "Authorization granted",
		  "Your browser is being sent back to the application.", code);
	sim_resp_header(c->rs, "Location", loc.data);
	buf_free(&loc);
}

/* GET {instance}/oauth-done: the demo registration's redirect target, which just shows
 * the code so a user can paste it into a terminal. */
static void oauth_done(struct hq *c)
{
	const char *code = sim_arg(c->rq, "code"), *err = sim_arg(c->rq, "error");
	if (code && *code)
		html_page(c, 200, "HighQ sign-in complete", "Copy this code back into orgdeck.",
			  code);
	else
		html_page(c, 400, "HighQ sign-in failed", err ? err : "No code was returned.",
			  NULL);
}

static void issue_tokens(struct hq *c)
{
	char access[49], refresh[49];
	new_secret(c->s, "access", access, sizeof access);
	new_secret(c->s, "refresh", refresh, sizeof refresh);
	grant_put(c->s, "access", access, token_ttl, NULL);
	grant_put(c->s, "refresh", refresh, HQ_REFRESH_TTL, NULL);
	/* Token answers are plain OAuth JSON whatever Accept says; expires_in is a number
	 * here (RFC 6749), unlike the API's quoted numbers. */
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "access_token", access);
	cJSON_AddStringToObject(o, "token_type", "bearer");
	cJSON_AddNumberToObject(o, "expires_in", (double)token_ttl);
	cJSON_AddStringToObject(o, "refresh_token", refresh);
	cJSON_AddNumberToObject(o, "refresh_token_expires_in", (double)HQ_REFRESH_TTL);
	sim_resp_json(c->rs, 200, o);
	sim_resp_header(c->rs, "Cache-Control", "no-store");
}

static const char *param(const cJSON *p, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* POST {instance}/api/oauth2/token, form-encoded (3.1 steps 3 and 4). */
static void token(struct hq *c)
{
	c->json = true;
	cJSON *p = sim_body_params(c->rq);
	if (!p) {
		fail(c, 400, 74, "The request body is empty or not a form");
		return;
	}
	const char *grant = param(p, "grant_type");
	const char *id = param(p, "client_id"), *secret = param(p, "client_secret");
	char *buser = NULL, *bpass = NULL;
	if ((!id || !secret) && sim_basic_auth(c->rq, &buser, &bpass)) {
		id = buser;
		secret = bpass;
	}
	bool client_ok =
	    id && secret && !strcmp(id, HQ_CLIENT_ID) && !strcmp(secret, HQ_CLIENT_SECRET);
	if (!grant) {
		fail(c, 400, -1, "grant_type is required");
	} else if (!client_ok) {
		fail(c, 401, 401, "Not authorised: unknown client_id or wrong client_secret");
	} else if (!strcmp(grant, "authorization_code")) {
		const char *code = param(p, "code"), *redirect = param(p, "redirect_uri");
		bool expired;
		cJSON *g = grant_get(c->s, "code", code, &expired);
		const char *was = g ? param(g, "redirect_uri") : NULL;
		if (!g)
			fail(c, 400, -1,
			     expired ? "The authorization code has expired"
				     : "The authorization code is invalid or was already used");
		else if (redirect && was && strcmp(redirect, was))
			fail(c, 400, -1, "redirect_uri does not match the authorization request");
		else {
			sim_sub_delete(c->s, D, HQ_INSTANCE, "code", code); /* single use */
			issue_tokens(c);
		}
		cJSON_Delete(g);
	} else if (!strcmp(grant, "refresh_token")) {
		const char *rt = param(p, "refresh_token");
		bool expired;
		cJSON *g = grant_get(c->s, "refresh", rt, &expired);
		if (!g) {
			fail(c, 400, -1,
			     expired ? "The refresh token has expired"
				     : "The refresh token is invalid");
		} else {
			/* Rotation: the old refresh token is spent, so a client must keep the new
			 * one. */
			sim_sub_delete(c->s, D, HQ_INSTANCE, "refresh", rt);
			issue_tokens(c);
		}
		cJSON_Delete(g);
	} else {
		fail(c, 400, -1, "Unsupported grant_type");
	}
	free(buser);
	free(bpass);
	cJSON_Delete(p);
}

/* Bearer check and the per-token rate limit; false when an answer has been written. */
static bool authorized(struct hq *c)
{
	const char *h = sim_header(c->rq, "Authorization");
	const char *tok = h && !strncasecmp(h, "Bearer ", 7) ? h + 7 : NULL;
	while (tok && *tok == ' ')
		tok++;
	bool expired = false;
	cJSON *g = tok ? grant_get(c->s, "access", tok, &expired) : NULL;
	if (!g) {
		fail(c, 401, 401,
		     expired ? "Not authorised: the access token has expired" : "Not authorised");
		return false;
	}
	cJSON_Delete(g);
	long reset;
	if (!sim_rate_take(c->s, D, tok, HQ_RATE_LIMIT, HQ_RATE_WINDOW, &reset)) {
		fail(c, 429, 0, default_summary(429));
		char v[32];
		snprintf(v, sizeof v, "%ld", reset);
		sim_resp_header(c->rs, "X-Ratelimit-Reset", v);
		return false;
	}
	c->token = tok;
	return true;
}

/* ---- organisations ---- */

/* A CSV of ids, each checked by valid(); false on junk, an empty item or an unknown id.
 * Ids land in a bitmask, which also makes repeats harmless. */
static bool parse_id_csv(const char *csv, bool (*valid)(long), uint32_t *mask)
{
	*mask = 0;
	char *dup = xstrdup(csv), *save = NULL;
	bool ok = true;
	size_t items = 0;
	for (const char *p = dup; *p; p++)
		items += *p == ',';
	char *tok = strtok_r(dup, ",", &save);
	size_t seen = 0;
	for (; tok; tok = strtok_r(NULL, ",", &save), seen++) {
		while (*tok == ' ')
			tok++;
		size_t n = strlen(tok);
		while (n && tok[n - 1] == ' ')
			tok[--n] = '\0';
		long v;
		if (!sim_parse_long(tok, &v) || !valid(v)) {
			ok = false;
			break;
		}
		*mask |= 1u << v; /* every valid id is below 32 */
	}
	/* strtok_r skips empty items ("1,,2", "1,"): count them as junk. */
	if (ok && seen != items + 1)
		ok = false;
	free(dup);
	return ok;
}

static bool valid_industry(long v)
{
	return v >= 0 && v <= N_INDUSTRIES;
}

static bool valid_category(long v)
{
	return v == 0 || (v >= CATEGORY_FIRST && v < CATEGORY_FIRST + N_CATEGORIES);
}

static void mask_sql(struct buf *w, const char *col, uint32_t mask)
{
	buf_printf(w, " AND %s IN (", col);
	bool first = true;
	for (int bit = 0; bit < 32; bit++) {
		if (!(mask & (1u << bit)))
			continue;
		buf_printf(w, "%s%d", first ? "" : ",", bit);
		first = false;
	}
	buf_putc(w, ')');
}

static bool parse_status_csv(const char *csv, struct buf *w)
{
	char *dup = xstrdup(csv), *save = NULL;
	bool want[N_STATUSES] = {0}, ok = true;
	size_t items = 1, seen = 0;
	for (const char *p = dup; *p; p++)
		items += *p == ',';
	for (char *tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save), seen++) {
		while (*tok == ' ')
			tok++;
		size_t n = strlen(tok);
		while (n && tok[n - 1] == ' ')
			tok[--n] = '\0';
		int k = 0;
		while (k < N_STATUSES && strcasecmp(tok, statuses[k].key))
			k++;
		if (k == N_STATUSES) {
			ok = false;
			break;
		}
		want[k] = true;
	}
	free(dup);
	if (!ok || seen != items)
		return false;
	buf_puts(w, " AND status IN (");
	bool first = true;
	for (int k = 0; k < N_STATUSES; k++)
		if (want[k]) {
			buf_printf(w, "%s'%s'", first ? "" : ",", statuses[k].key);
			first = false;
		}
	buf_putc(w, ')');
	return true;
}

static const char *status_label(const char *key, bool detail)
{
	for (int k = 0; k < N_STATUSES; k++)
		if (!strcmp(key, statuses[k].key))
			return detail ? statuses[k].detail : statuses[k].list;
	return key;
}

static void org_link(struct hq *c, long id, char *out, size_t cap)
{
	snprintf(out, cap, "%s/api/4/organisations/%ld", c->base, id);
}

static const char *arg_nonempty(const struct sim_req *rq, const char *name)
{
	const char *v = sim_arg(rq, name);
	return v && *v ? v : NULL;
}

/* Appends "%text%" for LIKE, with the wildcards in text escaped. */
static char *like_pattern(const char *text)
{
	struct buf b;
	buf_init(&b);
	buf_putc(&b, '%');
	for (const char *p = text; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	buf_putc(&b, '%');
	return buf_steal(&b);
}

static long count_where(struct sim *s, const char *where, const char *domain, const char *like)
{
	char *sql = xasprintf("SELECT count(*) FROM highq_org WHERE 1%s", where);
	sqlite3_stmt *q;
	sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
	free(sql);
	sqlite3_bind_text(q, 1, domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, like, -1, SQLITE_STATIC);
	long n = sqlite3_step(q) == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	return n;
}

/* GET api/4/organisations: every parameter of the seed. Checks run in the order of the
 * seed's error table, so the first failing one answers. */
static void list_orgs(struct hq *c)
{
	const struct sim_req *rq = c->rq;
	const char *industry = arg_nonempty(rq, "industry"),
		   *category = arg_nonempty(rq, "category");
	const char *status = arg_nonempty(rq, "status"), *limit_s = arg_nonempty(rq, "limit");
	const char *offset_s = arg_nonempty(rq, "offset"),
		   *ordertype = arg_nonempty(rq, "ordertype");
	const char *orderby = arg_nonempty(rq, "orderby"), *domain = arg_nonempty(rq, "domain");
	/* HighQ's own sample app sends searchTxt= (3.2); both are honoured. */
	const char *search = arg_nonempty(rq, "search");
	if (!search)
		search = arg_nonempty(rq, "searchTxt");

	struct buf w;
	buf_init(&w);
	uint32_t mask;
	long limit = 100, offset = 0;
	const char *col = "orgid";
	static const struct {
		const char *name, *col;
	} sorts[] = {{"id", "orgid"},
		     {"name", "name COLLATE NOCASE"},
		     {"status", "status"},
		     {"createddate", "created"},
		     {"users", "users"}};
	int err = 0;
	const char *msg = NULL;
	if (industry && !parse_id_csv(industry, valid_industry, &mask))
		err = 293, msg = "The industry is invalid";
	else if (industry)
		mask_sql(&w, "industry", mask);
	if (!err && category && !parse_id_csv(category, valid_category, &mask))
		err = 294, msg = "The category is invalid";
	else if (!err && category)
		mask_sql(&w, "category", mask);
	if (!err && status && !parse_status_csv(status, &w))
		err = 295, msg = "The status is Invalid.";
	/* limit=-1 means "all", as on HighQ's other list endpoints (3.3). */
	if (!err && limit_s && (!sim_parse_long(limit_s, &limit) || (limit < 1 && limit != -1)))
		err = 291, msg = "The limit value is invalid.";
	if (!err && offset_s && (!sim_parse_long(offset_s, &offset) || offset < 0))
		err = 292, msg = "The offset value is invalid.";
	if (!err && ordertype) {
		size_t k = 0;
		while (k < sizeof sorts / sizeof *sorts && strcasecmp(ordertype, sorts[k].name))
			k++;
		if (k == sizeof sorts / sizeof *sorts)
			err = 289, msg = "The ordertype is Invalid.";
		else
			col = sorts[k].col;
	}
	if (!err && orderby && strcasecmp(orderby, "asc") && strcasecmp(orderby, "desc"))
		err = 290, msg = "The orderby value is invalid. Please use either asc or desc";
	if (err) {
		buf_free(&w);
		fail(c, 400, err, msg);
		return;
	}
	const char *dir = orderby && !strcasecmp(orderby, "desc") ? "DESC" : "ASC";
	/* One domain, matched whole: "a.com,b.com" is not split (the seed refuses CSV here). */
	if (domain)
		buf_puts(&w, " AND domain = ?1 COLLATE NOCASE");
	char *like = search ? like_pattern(search) : NULL;
	if (search)
		buf_puts(&w,
			 " AND (name LIKE ?2 ESCAPE '\\' OR domain LIKE ?2 ESCAPE '\\'"
			 " OR contact_name LIKE ?2 ESCAPE '\\' OR contact_email LIKE ?2 ESCAPE '\\'"
			 " OR CAST(orgid AS TEXT) LIKE ?2 ESCAPE '\\')");

	/* total: the instance's organisations; totalCount: those the filters keep (the seed
	 * shows both without saying which is which, 74 and 70). */
	long total = count_where(c->s, "", NULL, NULL);
	long matching = w.len ? count_where(c->s, w.data, domain, like) : total;

	char *sql =
	    xasprintf("SELECT orgid,name,status,internal,users,created FROM highq_org"
		      " WHERE 1%s ORDER BY %s %s%s LIMIT ?3 OFFSET ?4",
		      w.data ? w.data : "", col, dir,
		      strcmp(col, "orgid") ? (*dir == 'D' ? ", orgid DESC" : ", orgid ASC") : "");
	sqlite3_stmt *q;
	sqlite3_prepare_v2(c->s->db, sql, -1, &q, NULL);
	free(sql);
	sqlite3_bind_text(q, 1, domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, like, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, limit);
	sqlite3_bind_int64(q, 4, offset);

	cJSON *root = cJSON_CreateObject();
	cJSON *orgs = cJSON_AddObjectToObject(root, "organisations");
	add_num(orgs, "total", total);
	add_num(orgs, "totalCount", matching);
	cJSON *arr = cJSON_AddArrayToObject(orgs, "organisation");
	while (sqlite3_step(q) == SQLITE_ROW) {
		long id = (long)sqlite3_column_int64(q, 0);
		char date[32], link[256];
		cJSON *o = cJSON_CreateObject();
		add_num(o, "orgid", id);
		cJSON_AddStringToObject(o, "name", (const char *)sqlite3_column_text(q, 1));
		add_num(o, "internal", (long)sqlite3_column_int64(q, 3));
		cJSON_AddStringToObject(
		    o, "status", status_label((const char *)sqlite3_column_text(q, 2), false));
		add_num(o, "noofusers", (long)sqlite3_column_int64(q, 4));
		fmt_date((long)sqlite3_column_int64(q, 5), date, sizeof date);
		cJSON_AddStringToObject(o, "createddate", date);
		org_link(c, id, link, sizeof link);
		cJSON_AddStringToObject(o, "link", link);
		cJSON_AddItemToArray(arr, o);
	}
	sqlite3_finalize(q);
	free(like);
	buf_free(&w);
	reply(c, 200, root, NULL);
}

/* The full organisation (GET organisations/{ID}, 3.2), or NULL when there is none. */
static cJSON *org_detail(struct hq *c, long id)
{
	sqlite3_stmt *q;
	sqlite3_prepare_v2(c->s->db,
			   "SELECT name,status,internal,industry,category,users,created,domain,"
			   "contact_name,contact_email,contact_type,contact_tier"
			   " FROM highq_org WHERE orgid=?1",
			   -1, &q, NULL);
	sqlite3_bind_int64(q, 1, id);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return NULL;
	}
	char date[32], link[256];
	cJSON *root = cJSON_CreateObject();
	cJSON *o = cJSON_AddObjectToObject(root, "organisation");
	add_num(o, "orgid", id);
	cJSON_AddStringToObject(o, "name", (const char *)sqlite3_column_text(q, 0));
	long industry = (long)sqlite3_column_int64(q, 3),
	     category = (long)sqlite3_column_int64(q, 4);
	add_num(o, "orgindustryid", industry);
	cJSON_AddStringToObject(o, "orgindustry", industry ? sim_industries[industry - 1] : "");
	add_num(o, "orgcategoryid", category);
	cJSON_AddStringToObject(o, "orgcategory",
				category ? categories[category - CATEGORY_FIRST] : "");
	add_num(o, "internal", (long)sqlite3_column_int64(q, 2));
	cJSON_AddStringToObject(o, "status",
				status_label((const char *)sqlite3_column_text(q, 1), true));
	add_num(o, "noofusers", (long)sqlite3_column_int64(q, 5));
	fmt_date((long)sqlite3_column_int64(q, 6), date, sizeof date);
	cJSON_AddStringToObject(o, "createddate", date);
	/* Domains are managed by their own API (POST api/4/domains); JAXB-style wrapper. */
	cJSON *domains = cJSON_AddObjectToObject(o, "domains");
	cJSON *darr = cJSON_AddArrayToObject(domains, "domain");
	if (sqlite3_column_type(q, 7) != SQLITE_NULL) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "url", (const char *)sqlite3_column_text(q, 7));
		cJSON_AddStringToObject(d, "status", "Active");
		cJSON_AddItemToArray(darr, d);
	}
	if (sqlite3_column_type(q, 8) != SQLITE_NULL) {
		cJSON *k = cJSON_AddObjectToObject(o, "contact");
		add_num(k, "orgcontactid", id); /* one contact per organisation */
		cJSON_AddStringToObject(k, "name", (const char *)sqlite3_column_text(q, 8));
		cJSON_AddStringToObject(k, "email", (const char *)sqlite3_column_text(q, 9));
		long type = (long)sqlite3_column_int64(q, 10);
		add_num(k, "typeid", type);
		cJSON_AddStringToObject(
		    k, "type", type >= 1 && type <= N_CONTACT_TYPES ? contact_types[type - 1] : "");
		add_num(k, "contacttier", (long)sqlite3_column_int64(q, 11));
	}
	org_link(c, id, link, sizeof link);
	cJSON_AddStringToObject(o, "link", link);
	sqlite3_finalize(q);
	return root;
}

/* The writable part of an organisation, as a POST or PUT body gives it. */
struct org_in {
	const char *name, *status;
	long industry, category, internal;
	bool has_contact;
	const char *cname, *cemail;
	long ctype, ctier;
};

/* A field HighQ takes as a quoted number ("orgindustryid":"359"); absent leaves *out.
 * A bare JSON number is refused: the vendor "only accepts strings in json" (3.3). */
static bool num_field(const cJSON *o, const char *key, long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v || cJSON_IsNull(v))
		return true;
	return cJSON_IsString(v) && sim_parse_long(v->valuestring, out);
}

static bool email_ok(const char *e)
{
	const char *at = strchr(e, '@');
	if (!at || at == e || strchr(at + 1, '@') || strpbrk(e, " \t\r\n<>,;"))
		return false;
	const char *dot = strchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1];
}

/* Reads and checks a body (refs 269-284 of 3.2); false with the 400 written. */
static bool read_org(struct hq *c, const cJSON *body, struct org_in *in, bool create)
{
	/* A body may come wrapped as the XML root would be: {"organisation":{...}}. */
	const cJSON *wrapped = cJSON_GetObjectItemCaseSensitive(body, "organisation");
	if (cJSON_IsObject(wrapped))
		body = wrapped;
	*in = (struct org_in){.status = "active"};
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(body, "name");
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(body, "status");
	const cJSON *contact = cJSON_GetObjectItemCaseSensitive(body, "contact");
	int ref = 0;
	const char *msg = NULL;
	if (!cJSON_IsString(name) || !name->valuestring[strspn(name->valuestring, " \t")])
		ref = 269, msg = "Organisation name is required";
	else if (utf8_chars(name->valuestring) > HQ_NAME_MAX)
		ref = 270, msg = "Organisation name must not exceed 128 characters";
	else if (!num_field(body, "orgindustryid", &in->industry) || !valid_industry(in->industry))
		ref = 273, msg = "The organisation industry is invalid";
	else if (!num_field(body, "orgcategoryid", &in->category) || !valid_category(in->category))
		ref = 294, msg = "The category is invalid"; /* no create-time ref is documented */
	if (!ref && status && !cJSON_IsNull(status)) {
		/* Creation takes active|pending; archiving is done by updating the status. */
		int k = 0;
		while (cJSON_IsString(status) && k < N_STATUSES &&
		       strcasecmp(status->valuestring, statuses[k].key))
			k++;
		if (!cJSON_IsString(status) || k == N_STATUSES || (create && k == 1))
			ref = 274,
			msg = create ? "The status is invalid. Use active or pending"
				     : "The status is invalid. Use active, pending or archive";
		else
			in->status = statuses[k].key;
	}
	if (!ref && (!num_field(body, "internal", &in->internal) ||
		     (in->internal != 0 && in->internal != 1)))
		ref = 284, msg = "The internal flag is invalid. Use 0 or 1";
	if (!ref && contact && !cJSON_IsNull(contact)) {
		const cJSON *cn = cJSON_GetObjectItemCaseSensitive(contact, "name");
		const cJSON *ce = cJSON_GetObjectItemCaseSensitive(contact, "email");
		in->ctype = 1;
		in->ctier = 1;
		if (!cJSON_IsObject(contact) || !cJSON_IsString(cn) || !cn->valuestring[0])
			ref = 277, msg = "The contact name is required";
		else if (!cJSON_IsString(ce) || !email_ok(ce->valuestring))
			ref = 278, msg = "The contact email is invalid";
		else if (!num_field(contact, "typeid", &in->ctype) || in->ctype < 1 ||
			 in->ctype > N_CONTACT_TYPES)
			ref = 276, msg = "The contact type is invalid";
		else if (!num_field(contact, "contacttier", &in->ctier) || in->ctier < 1 ||
			 in->ctier > N_CONTACT_TIERS)
			ref = 275, msg = "The contact tier is invalid";
		else {
			in->has_contact = true;
			in->cname = cn->valuestring;
			in->cemail = ce->valuestring;
		}
	}
	if (ref) {
		fail(c, 400, ref, msg);
		return false;
	}
	in->name = name->valuestring;
	return true;
}

static cJSON *read_body(struct hq *c)
{
	if (!c->rq->body_len) {
		fail(c, 400, 74, "The request body is empty");
		return NULL;
	}
	const char *ct = sim_header(c->rq, "Content-Type");
	if (ct && strstr(ct, "xml")) {
		fail(c, 415, -1,
		     "XML request bodies are not supported by this simulator; send JSON");
		return NULL;
	}
	cJSON *b = sim_body_params(c->rq);
	if (!b)
		fail(c, 400, 74, "The request body is not a JSON object");
	return b;
}

static void bind_org(sqlite3_stmt *q, const struct org_in *in)
{
	sqlite3_bind_text(q, 2, in->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, in->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, in->internal);
	sqlite3_bind_int64(q, 5, in->industry);
	sqlite3_bind_int64(q, 6, in->category);
	if (in->has_contact) {
		sqlite3_bind_text(q, 7, in->cname, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 8, in->cemail, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 9, in->ctype);
		sqlite3_bind_int64(q, 10, in->ctier);
	}
}

/* POST api/4/organisations: 201 with the summary {"name","link","orgid"} (3.2). */
static void create_org(struct hq *c)
{
	cJSON *body = read_body(c);
	struct org_in in;
	if (!body || !read_org(c, body, &in, true)) {
		cJSON_Delete(body);
		return;
	}
	sqlite3_stmt *q;
	sqlite3_prepare_v2(
	    c->s->db,
	    "INSERT INTO highq_org(name,status,internal,industry,category,contact_name,"
	    "contact_email,contact_type,contact_tier,users,created,domain)"
	    " VALUES(?2,?3,?4,?5,?6,?7,?8,?9,?10,0,?11,NULL)",
	    -1, &q, NULL);
	bind_org(q, &in);
	sqlite3_bind_int64(q, 11, sim_now());
	sqlite3_step(q);
	sqlite3_finalize(q);
	long id = (long)sqlite3_last_insert_rowid(c->s->db);
	char link[256];
	org_link(c, id, link, sizeof link);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", in.name);
	cJSON_AddStringToObject(o, "link", link);
	add_num(o, "orgid", id);
	cJSON_Delete(body);
	reply(c, 201, o, "organisation");
}

/* PUT api/4/organisations/{ID}: the body replaces the organisation; whatever it leaves
 * out goes back to its default (no industry, no contact, active, not internal). The id,
 * creation date, users and domains are not the body's to change. */
static void replace_org(struct hq *c, long id)
{
	cJSON *body = read_body(c);
	struct org_in in;
	if (!body || !read_org(c, body, &in, false)) {
		cJSON_Delete(body);
		return;
	}
	const cJSON *inner = cJSON_GetObjectItemCaseSensitive(body, "organisation");
	long bid = id;
	if (!num_field(cJSON_IsObject(inner) ? inner : body, "orgid", &bid) || bid != id) {
		cJSON_Delete(body);
		fail(c, 400, 283, "The organisation id is invalid");
		return;
	}
	sqlite3_stmt *q;
	sqlite3_prepare_v2(
	    c->s->db,
	    "UPDATE highq_org SET name=?2,status=?3,internal=?4,industry=?5,category=?6,"
	    "contact_name=?7,contact_email=?8,contact_type=?9,contact_tier=?10"
	    " WHERE orgid=?1",
	    -1, &q, NULL);
	sqlite3_bind_int64(q, 1, id);
	bind_org(q, &in);
	sqlite3_step(q);
	sqlite3_finalize(q);
	cJSON_Delete(body);
	reply(c, 200, org_detail(c, id), NULL);
}

static bool org_exists(struct sim *s, long id, long *users)
{
	sqlite3_stmt *q;
	sqlite3_prepare_v2(s->db, "SELECT users FROM highq_org WHERE orgid=?1", -1, &q, NULL);
	sqlite3_bind_int64(q, 1, id);
	bool found = sqlite3_step(q) == SQLITE_ROW;
	if (found && users)
		*users = (long)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return found;
}

static void one_org(struct hq *c, const char *id_s)
{
	long id;
	const char *m = c->rq->method;
	if (!sim_parse_long(id_s, &id) || id < 1) {
		fail(c, 400, 283, "The organisation id is invalid");
	} else if (!org_exists(c->s, id, NULL)) {
		fail(c, 404, 75, "The requested organisation does not exist");
	} else if (!strcmp(m, "GET")) {
		reply(c, 200, org_detail(c, id), NULL);
	} else if (!strcmp(m, "PUT")) {
		replace_org(c, id);
	} else {
		/* No DELETE is documented: organisations are archived through their status. */
		fail(c, 405, -1, "Method not allowed");
	}
}

/* ---- users (members) ---- */

static const char *const user_statuses[] = {"Active", "Inactive", "Archived"};

/* User k of organisation orgid, from the seed alone. */
static int user_status(struct sim *s, long uid)
{
	struct sim_rng r;
	sim_rng_seed(&r, s->seed ^ ((uint64_t)uid * 0x9E3779B97F4A7C15ULL), D ".user");
	long roll = sim_rng_range(&r, 0, 99);
	return roll < 85 ? 0 : roll < 95 ? 1 : 2;
}

static cJSON *make_user(struct sim *s, long orgid, long uid, const char *domain)
{
	struct sim_rng r;
	sim_rng_seed(&r, s->seed ^ ((uint64_t)uid * 0x9E3779B97F4A7C15ULL), D ".user");
	sim_rng_range(&r, 0, 99); /* the status draw, as in user_status() */
	char first[32], last[32], email[160], local[80];
	sim_gen_person(&r, first, last, sizeof first);
	size_t n = 0;
	for (const char *p = first; *p && n < 30; p++)
		if (isalnum((unsigned char)*p))
			local[n++] = (char)tolower((unsigned char)*p);
	local[n++] = '.';
	for (const char *p = last; *p && n < 70; p++)
		if (isalnum((unsigned char)*p))
			local[n++] = (char)tolower((unsigned char)*p);
	local[n] = '\0';
	snprintf(email, sizeof email, "%s%ld@%s", local, uid % HQ_USERS_PER_ORG,
		 domain ? domain : "example.com");
	cJSON *u = cJSON_CreateObject();
	add_num(u, "userid", uid);
	cJSON_AddStringToObject(u, "firstname", first);
	cJSON_AddStringToObject(u, "lastname", last);
	cJSON_AddStringToObject(u, "email", email);
	cJSON_AddStringToObject(u, "status", user_statuses[user_status(s, uid)]);
	add_num(u, "orgid", orgid);
	return u;
}

/* GET api/3/users?status&offset&limit (3.2), plus organisationid= to read the members of
 * one organisation (documented on the site-level list; assumed here at system level). */
static void list_users(struct hq *c)
{
	const char *org_s = arg_nonempty(c->rq, "organisationid");
	const char *status_s = arg_nonempty(c->rq, "status");
	const char *limit_s = arg_nonempty(c->rq, "limit"),
		   *offset_s = arg_nonempty(c->rq, "offset");
	long limit = 100, offset = 0, orgid = 0;
	int want = -1;
	if (offset_s && (!sim_parse_long(offset_s, &offset) || offset < 0)) {
		fail(c, 400, 106, "The offset value is invalid.");
		return;
	}
	if (limit_s && (!sim_parse_long(limit_s, &limit) || (limit < 1 && limit != -1))) {
		fail(c, 400, 107, "The limit value is invalid.");
		return;
	}
	if (status_s) {
		for (int k = 0; k < 3; k++)
			if (!strcasecmp(status_s, user_statuses[k]))
				want = k;
		if (want < 0) {
			fail(c, 400, -1, "The status is invalid. Use Active, Inactive or Archived");
			return;
		}
	}
	if (org_s && (!sim_parse_long(org_s, &orgid) || orgid < 1)) {
		fail(c, 400, 283, "The organisation id is invalid");
		return;
	}
	if (org_s && !org_exists(c->s, orgid, NULL)) {
		fail(c, 404, 75, "The requested organisation does not exist");
		return;
	}
	sqlite3_stmt *q;
	sqlite3_prepare_v2(
	    c->s->db,
	    org_s ? "SELECT orgid,users,domain FROM highq_org WHERE orgid=?1"
		  : "SELECT orgid,users,domain FROM highq_org WHERE users>0 ORDER BY orgid",
	    -1, &q, NULL);
	sqlite3_bind_int64(q, 1, orgid);
	cJSON *root = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(cJSON_AddObjectToObject(root, "users"), "user");
	long skip = offset, taken = 0;
	while ((limit < 0 || taken < limit) && sqlite3_step(q) == SQLITE_ROW) {
		long id = (long)sqlite3_column_int64(q, 0), n = (long)sqlite3_column_int64(q, 1);
		const char *dom = (const char *)sqlite3_column_text(q, 2);
		if (want < 0 && skip >= n) { /* whole organisation before the page */
			skip -= n;
			continue;
		}
		for (long k = 0; k < n && (limit < 0 || taken < limit); k++) {
			long uid = id * HQ_USERS_PER_ORG + k + 1;
			if (want >= 0 && user_status(c->s, uid) != want)
				continue;
			if (skip > 0) {
				skip--;
				continue;
			}
			cJSON_AddItemToArray(arr, make_user(c->s, id, uid, dom));
			taken++;
		}
	}
	sqlite3_finalize(q);
	reply(c, 200, root, NULL);
}

/* ---- routing ---- */

static void api(struct hq *c, char **seg, int n)
{
	const char *m = c->rq->method;
	if (!authorized(c))
		return;
	if (n >= 4 && !strcmp(seg[2], "4") && !strcmp(seg[3], "organisations")) {
		if (n == 4 && !strcmp(m, "GET"))
			list_orgs(c);
		else if (n == 4 && !strcmp(m, "POST"))
			create_org(c);
		else if (n == 4)
			fail(c, 405, -1, "Method not allowed");
		else if (n == 5)
			one_org(c, seg[4]);
		else
			fail(c, 404, -1, "The requested resource does not exist");
	} else if (n == 4 && !strcmp(seg[2], "3") && !strcmp(seg[3], "users")) {
		if (!strcmp(m, "GET"))
			list_users(c);
		else
			fail(c, 405, -1, "Method not allowed");
	} else {
		fail(c, 404, -1, "The requested resource does not exist");
	}
}

static void handle(struct sim *s, const struct sim_req *rq, struct sim_resp *rs)
{
	struct hq c = {.s = s, .rq = rq, .rs = rs, .json = wants_json(rq)};
	char *seg[8];
	int n = sim_path_split(rq->path, seg, 8);
	const char *host = sim_header(rq, "Host");
	char fallback[32];
	if (!host || !*host || strlen(host) > 100 || strpbrk(host, " <>\"'\\")) {
		snprintf(fallback, sizeof fallback, "127.0.0.1:%d", s->port);
		host = fallback;
	}
	snprintf(c.base, sizeof c.base, "http://%s/highq/%s", host, HQ_INSTANCE);
	const char *m = rq->method;
	if (n < 1 || strcmp(seg[0], HQ_INSTANCE)) {
		fail(&c, 404, -1, "No such HighQ instance");
	} else if (n == 2 && !strcmp(seg[1], "authorize.action")) {
		if (!strcmp(m, "GET"))
			authorize(&c);
		else
			html_page(&c, 405, "Method not allowed", "Open this page in a browser.",
				  NULL);
	} else if (n == 2 && !strcmp(seg[1], "oauth-done")) {
		oauth_done(&c);
	} else if (n == 4 && !strcmp(seg[1], "api") && !strcmp(seg[2], "oauth2") &&
		   !strcmp(seg[3], "token")) {
		if (!strcmp(m, "POST"))
			token(&c);
		else {
			c.json = true;
			fail(&c, 405, -1, "Method not allowed");
		}
	} else if (n >= 3 && !strcmp(seg[1], "api")) {
		api(&c, seg, n);
	} else {
		fail(&c, 404, -1, "The requested resource does not exist");
	}
	sim_path_free(seg, n);
}

/* The demo profile comes with a refresh token issued now, as if its user had signed in
 * once already (orgdeck keeps the rotated ones itself); without it, orgdeck asks for the
 * sign-in code. */
static void print_config(struct sim *s, FILE *out, const char *base)
{
	char refresh[49];
	pthread_mutex_lock(&s->lock);
	new_secret(s, "refresh", refresh, sizeof refresh);
	grant_put(s, "refresh", refresh, HQ_REFRESH_TTL, NULL);
	pthread_mutex_unlock(&s->lock);
	fprintf(out,
		"\n[profile highq-demo]\n"
		"vendor = highq\n"
		"base_url = %s/highq/" HQ_INSTANCE "\n"
		"client_id = " HQ_CLIENT_ID "\n"
		"client_secret = " HQ_CLIENT_SECRET "\n"
		"redirect_uri = %s/highq/" HQ_INSTANCE "/oauth-done\n"
		"refresh_token = %s\n",
		base, base, refresh);
}

const struct sim_dialect sim_highq = {
    .name = D,
    .prefix = "/highq",
    .setup = setup,
    .handle = handle,
    .error = error,
    .print_config = print_config,
};
