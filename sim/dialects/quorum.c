/* Quorum (quorum.us) "Quorum API (Main)", seed 000: a Django + Tastypie service.
 *   GET   /organization/          {"meta": {limit, next, offset, previous, total_count},
 *                                  "objects": [...]}; limit (default 20, cap 1000) and offset
 *   GET   /organization/{id}/     the seed's ~100-field object, bare (no envelope)
 *   PATCH /organization/{id}/     partial update from a JSON object; 200 with the object
 *   GET   /user/, /user/{id}/     the organizations' Quorum users (VENDORS.md 1.2)
 * Credentials are the query parameters username= and api_key= on every call (VENDORS.md 1.1).
 * Where the seed is silent we behave as Tastypie does, on purpose:
 *   - meta.next/previous are path+query links that repeat the request's parameters (the
 *     credentials included) with limit and offset moved last; null at the ends. previous is
 *     null whenever offset < limit, because Tastypie tests offset - limit < 0.
 *   - limit=0 means "as many as allowed", i.e. the 1000 cap; a larger limit is cut to 1000.
 *   - Filters are Django lookups (field__qualifier). A parameter that names no field is
 *     ignored; a field that may not be filtered, a qualifier the seed does not list, a nested
 *     lookup or a value of the wrong type is a 400. __in and __overlaps take comma-separated
 *     values (repeated parameters are merged). order_by is not documented, so it is a 400.
 *   - Paths need their trailing slash: without it Django's APPEND_SLASH answers 301 to the
 *     slashed URL for every method, before authentication (so a PATCH is not applied).
 *   - Error bodies: {"error": "..."} for 4xx, Tastypie's canned {"error_message": ...} for
 *     5xx. Quorum documents no error body (VENDORS.md 1.4), so clients must treat it as text.
 *   - Unknown or read-only fields in a PATCH are a 400 (Tastypie would drop them silently; we
 *     are strict so a client's mistakes show). `updated` moves forward on every PATCH.
 * Storage: sim_org.doc keeps the fields filters look at (name, archived, email_limit,
 * max_members, cs_managers, partners, created, updated, default_domain, date_archived) and
 * every field a PATCH has set; the rest of the object is regenerated from (seed, id) when
 * rendered. That keeps a million organizations small and quick to generate. Users live in
 * quorum_user, one column per field, so their filters are plain SQL. Quorum publishes no rate
 * limit, so --rate-limits changes nothing here. */
#include "sim/sim.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <microhttpd.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define D "quorum"
#define PREFIX "/quorum/api"
#define Q_USER "demo"
/* Short on purpose: the 301 Location repeats it and the server's header slots hold 95 bytes. */
#define Q_KEY "qrm-7e3b1f5a90c4"
#define DEFAULT_LIMIT 20
#define MAX_LIMIT 1000
/* Org users get ids org*10+1 .. org*10+4, so ids 1..9 are free for Quorum's own customer
 * success managers (the quorumusers that cs_managers lists; not visible through /user/). */
#define N_CSM 9
static const char *const csm_usernames[N_CSM] = {
    "mkelly",	"jnguyen", "aroberts", "sbaptiste", "dcohen",
    "lfischer", "tokafor", "rpatel",   "ewalsh",
};

/* The seed the state was generated with: the parts of an object that are not stored are
 * regenerated from it. Written once in setup(), before any request thread exists. */
static uint64_t gen_seed;

/* ---- errors ---- */

static void error(struct sim_resp *rs, int status, const char *message)
{
	cJSON *o = cJSON_CreateObject();
	if (status >= 500) {
		/* Tastypie with DEBUG off hides the cause behind its canned sentence. */
		cJSON_AddStringToObject(
		    o, "error_message",
		    "Sorry, this request could not be processed. Please try again later.");
	} else {
		if (!message)
			message = status == 400	  ? "improperly configured request"
				  : status == 401 ? "authorization failure"
				  : status == 404 ? "Not found"
				  : status == 405 ? "Method not allowed"
				  : status == 429 ? "Too many requests"
						  : "Request failed";
		cJSON_AddStringToObject(o, "error", message);
	}
	sim_resp_json(rs, status, o);
}

static void errorf(struct sim_resp *rs, int status, const char *fmt, const char *arg)
{
	char msg[256];
	snprintf(msg, sizeof msg, fmt, arg);
	error(rs, status, msg);
}

/* ---- time ---- */

static void put2(char *p, long v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* "YYYY-MM-DDTHH:MM:SSZ" by hand: generation formats millions of these, and gmtime_r plus
 * strftime were a tenth of the time. Days to civil date as in Howard Hinnant's algorithm. */
static void fmt_time(long t, char out[24])
{
	long days = t / 86400, secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	memcpy(out, "0000-00-00T00:00:00Z", 21);
	put2(out, (y / 100) % 100);
	put2(out + 2, y % 100);
	put2(out + 5, m);
	put2(out + 8, d);
	put2(out + 11, secs / 3600);
	put2(out + 14, secs / 60 % 60);
	put2(out + 17, secs % 60);
}

static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* ISO 8601 as Django accepts it: a date, or date[T ]HH:MM[:SS[.frac]][Z|+HH:MM]. */
static bool parse_time(const char *s, long *out)
{
	struct tm tm = {0};
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 0;
	const char *p = s;
	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d))
		return false;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			return false;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &se))
				return false;
			if (*p == '.') {
				p++;
				if (*p < '0' || *p > '9')
					return false;
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		if (*p == 'Z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (!digits(&p, 2, &oh))
				return false;
			if (*p == ':')
				p++;
			if (!digits(&p, 2, &om))
				return false;
		}
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	time_t t = timegm(&tm);
	if (tm.tm_mday != d) /* 2023-02-30 rolled over: not a date */
		return false;
	*out = (long)t - sign * (oh * 3600 + om * 60);
	return true;
}

static long doc_time(const cJSON *doc, const char *key)
{
	long t = SIM_EPOCH;
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, key));
	if (v)
		parse_time(v, &t);
	return t;
}

/* ---- case-insensitive matching (Postgres folds all of Unicode; SQLite only ASCII) ---- */

static uint32_t lower_cp(uint32_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
		return c + 32;
	if ((c >= 0x100 && c <= 0x137 && !(c & 1) && c != 0x130) ||
	    (c >= 0x14A && c <= 0x177 && !(c & 1)) || (c >= 0x139 && c <= 0x148 && (c & 1)) ||
	    (c >= 0x179 && c <= 0x17E && (c & 1)))
		return c + 1;
	if (c == 0x130)
		return 'i';
	if (c == 0x178)
		return 0xFF;
	if ((c >= 0x391 && c <= 0x3A9 && c != 0x3A2) || (c >= 0x410 && c <= 0x42F) ||
	    (c >= 0xFF21 && c <= 0xFF3A))
		return c + 32;
	if (c == 0x3C2) /* final sigma: UPPER() makes it Σ like σ */
		return 0x3C3;
	if (c == 0x386)
		return 0x3AC;
	if (c >= 0x388 && c <= 0x38A)
		return c + 37;
	if (c == 0x38C)
		return 0x3CC;
	if (c == 0x38E || c == 0x38F)
		return c + 63;
	if (c >= 0x400 && c <= 0x40F)
		return c + 80;
	return c;
}

/* Lower-cases UTF-8; bytes that are not valid UTF-8 pass through unchanged. */
static void fold(const unsigned char *s, size_t n, struct buf *out)
{
	buf_reset(out);
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t len;
		if (c < 0x80) {
			buf_putc(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
			cp = (uint32_t)(c & 0x1F) << 6 | (s[i + 1] & 0x3F);
			len = 2;
		} else if (c >= 0xE0 && c <= 0xEF && i + 2 < n && (s[i + 1] & 0xC0) == 0x80 &&
			   (s[i + 2] & 0xC0) == 0x80) {
			cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6 |
			     (s[i + 2] & 0x3F);
			len = 3;
		} else {
			buf_add(out, s + i, 1);
			i++;
			continue;
		}
		uint32_t lc = lower_cp(cp);
		if (lc == cp) {
			buf_add(out, s + i, len);
		} else if (lc < 0x80) {
			buf_putc(out, (char)lc);
		} else if (lc < 0x800) {
			buf_putc(out, (char)(0xC0 | (lc >> 6)));
			buf_putc(out, (char)(0x80 | (lc & 0x3F)));
		} else {
			buf_putc(out, (char)(0xE0 | (lc >> 12)));
			buf_putc(out, (char)(0x80 | ((lc >> 6) & 0x3F)));
			buf_putc(out, (char)(0x80 | (lc & 0x3F)));
		}
		i += len;
	}
}

/* memmem is a GNU extension the build's feature macros do not expose. */
static bool contains(const char *h, size_t hn, const char *n, size_t nn)
{
	for (size_t i = 0; i + nn <= hn; i++)
		if (h[i] == n[0] && memcmp(h + i, n, nn) == 0)
			return true;
	return false;
}

enum strop { S_EXACT, S_IEXACT, S_CONTAINS, S_ICONTAINS, S_STARTS, S_ISTARTS, S_ENDS, S_IENDS };

static bool str_match(int op, const char *h, size_t hn, const char *n, size_t nn)
{
	switch (op) {
	case S_EXACT:
	case S_IEXACT:
		return hn == nn && memcmp(h, n, nn) == 0;
	case S_CONTAINS:
	case S_ICONTAINS:
		return nn == 0 || contains(h, hn, n, nn);
	case S_STARTS:
	case S_ISTARTS:
		return hn >= nn && memcmp(h, n, nn) == 0;
	default:
		return hn >= nn && memcmp(h + hn - nn, n, nn) == 0;
	}
}

/* SQL: quorum_strop(op, haystack, needle) -> 0/1, the Django string lookups. */
static void strop_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int op = sqlite3_value_int(argv[0]);
	const unsigned char *h = sqlite3_value_text(argv[1]);
	size_t hn = (size_t)sqlite3_value_bytes(argv[1]);
	const unsigned char *n = sqlite3_value_text(argv[2]);
	size_t nn = (size_t)sqlite3_value_bytes(argv[2]);
	if (!h || !n) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	bool r;
	if (op & 1) { /* the i- variants are the odd ones */
		struct buf fh, fn;
		buf_init(&fh);
		buf_init(&fn);
		fold(h, hn, &fh);
		fold(n, nn, &fn);
		r = str_match(op, fh.data, fh.len, fn.data, fn.len);
		buf_free(&fh);
		buf_free(&fn);
	} else {
		r = str_match(op, (const char *)h, hn, (const char *)n, nn);
	}
	sqlite3_result_int(ctx, r);
}

/* ---- the organization object ---- */

enum ftype {
	T_BOOL,
	T_INT,
	T_INT_NULL,
	T_STR,
	T_DT,
	T_DT_NULL,
	T_INTS,
	T_STRS,
	T_OBJ,
	T_URI,
	T_ANY
};
/* The seed's fields in its order. For generation: bools are true a% of the time, ints fall
 * in a..b, int arrays hold up to b values from 1..a; a == 0 means generated by hand. */
static const struct ofield {
	const char *name;
	enum ftype type;
	bool rw;
	long a, b;
} org_fields[] = {
    {"_extra", T_OBJ, false, 0, 0},
    {"account_type", T_INT, true, 1, 3},
    {"active_client", T_BOOL, true, 85, 0},
    {"administrators", T_ANY, false, 0, 0},
    {"agreed_to_texting_user", T_URI, false, 0, 0},
    {"allowed_domains", T_STRS, true, 0, 0},
    {"allowed_user_domains", T_STRS, true, 0, 0},
    {"archived", T_BOOL, true, 0, 0},
    {"auto_enrich_supporters", T_BOOL, true, 40, 0},
    {"can_see_partners_users", T_BOOL, true, 30, 0},
    {"can_use_independent_campaigns", T_BOOL, true, 20, 0},
    {"created", T_DT, false, 0, 0},
    {"cs_managers", T_INTS, true, 0, 0},
    {"cs_managers_usernames", T_STR, false, 0, 0},
    {"custom_alert_orderings", T_OBJ, true, 0, 0},
    {"custom_session_timeout", T_INT, true, 0, 0},
    {"date_archived", T_DT_NULL, false, 0, 0},
    {"datetime_agreed_to_texting", T_DT_NULL, false, 0, 0},
    {"default_domain", T_STR, true, 0, 0},
    {"default_forward_recipient", T_URI, false, 0, 0},
    {"deliver_supporter_messages", T_BOOL, true, 70, 0},
    {"email_limit", T_INT_NULL, true, 0, 0},
    {"email_limit_percentage", T_INT, false, 0, 0},
    {"i360_organization", T_BOOL, true, 8, 0},
    {"i360_organization_and_quorum_client", T_BOOL, false, 0, 0},
    {"id", T_INT, false, 0, 0},
    {"internal_interaction_types", T_INTS, true, 8, 4},
    {"internal_relationship_types", T_INTS, true, 6, 3},
    {"ip_addresses", T_STRS, true, 0, 0},
    {"is_approved", T_BOOL, true, 95, 0},
    {"limit_to_cs_managers", T_BOOL, true, 10, 0},
    {"lower_tier_bound", T_INT, true, 0, 0},
    {"max_contacts", T_INT, true, 1000, 100000},
    {"max_csv_size", T_INT, true, 5000, 100000},
    {"max_email_alerts", T_INT, true, 10, 250},
    {"max_members", T_INT_NULL, true, 0, 0},
    {"max_projects", T_INT, true, 5, 500},
    {"max_social_accounts", T_INT, true, 1, 100},
    {"name", T_STR, true, 0, 0},
    {"outbox_domain_dict", T_OBJ, true, 0, 0},
    {"pad_unique_identifier", T_BOOL, true, 15, 0},
    {"partner_names", T_ANY, false, 0, 0},
    {"partners", T_INTS, true, 0, 0},
    {"phone_numbers", T_URI, false, 0, 0},
    {"qp_action_center", T_BOOL, true, 60, 0},
    {"qp_consultants", T_BOOL, true, 20, 0},
    {"qp_contacts_documents", T_BOOL, true, 50, 0},
    {"qp_custom_contacts", T_BOOL, true, 50, 0},
    {"qp_custom_data", T_BOOL, true, 40, 0},
    {"qp_custom_events", T_BOOL, true, 35, 0},
    {"qp_custom_outbox", T_BOOL, true, 45, 0},
    {"qp_custom_permissions", T_BOOL, true, 25, 0},
    {"qp_eu", T_BOOL, true, 12, 0},
    {"qp_executives", T_INTS, true, 5, 2},
    {"qp_external_interactions", T_BOOL, true, 40, 0},
    {"qp_external_relationship", T_BOOL, true, 40, 0},
    {"qp_federal", T_BOOL, true, 80, 0},
    {"qp_grassroots", T_INTS, true, 5, 3},
    {"qp_internal_relationship", T_BOOL, true, 35, 0},
    {"qp_international", T_INTS, true, 5, 2},
    {"qp_legislation_page", T_BOOL, true, 70, 0},
    {"qp_legislative_data", T_INTS, true, 5, 3},
    {"qp_legislative_profiles", T_INTS, true, 5, 3},
    {"qp_legislators", T_INTS, true, 5, 3},
    {"qp_live_chat", T_BOOL, true, 20, 0},
    {"qp_local", T_INTS, true, 5, 2},
    {"qp_local_agendas", T_BOOL, true, 15, 0},
    {"qp_media_monitoring", T_INTS, true, 5, 2},
    {"qp_media_relations", T_INTS, true, 5, 2},
    {"qp_official_documents", T_INTS, true, 5, 3},
    {"qp_officials_outbox", T_BOOL, true, 30, 0},
    {"qp_pac", T_BOOL, true, 25, 0},
    {"qp_project_management", T_BOOL, true, 45, 0},
    {"qp_regulations", T_INTS, true, 5, 2},
    {"qp_staffers", T_INTS, true, 5, 3},
    {"qp_stakeholder", T_BOOL, true, 55, 0},
    {"qp_states", T_INTS, true, 56, 6},
    {"qp_unique_ids_in_downloads", T_BOOL, true, 10, 0},
    {"require_issue_on_interaction", T_BOOL, true, 30, 0},
    {"require_issue_on_outbox", T_BOOL, true, 30, 0},
    {"resource_uri", T_STR, false, 0, 0},
    {"share_all_custom_regions", T_BOOL, true, 20, 0},
    {"should_display_grassroots_registration_actions", T_BOOL, true, 50, 0},
    {"should_limit_editing_notes_to_admins_and_creators", T_BOOL, true, 15, 0},
    {"should_org_admin_see_all_org_data", T_BOOL, true, 60, 0},
    {"should_share_with_partners_by_default", T_BOOL, true, 10, 0},
    {"should_show_only_users_on_teams", T_BOOL, true, 10, 0},
    {"sms_limit", T_INT, true, 0, 0},
    {"sms_messages_toward_limit", T_INT, false, 0, 0},
    {"sso_enabled_for_all_users", T_BOOL, true, 20, 0},
    {"sso_profiles", T_URI, false, 0, 0},
    {"subdomain", T_STR, true, 0, 0},
    {"trial_expiration", T_DT_NULL, true, 0, 0},
    {"updated", T_DT, false, 0, 0},
    {"upper_tier_bound", T_INT, true, 0, 0},
    {"zapier_token", T_STR, false, 0, 0},
};
#define N_ORG_FIELDS (sizeof org_fields / sizeof org_fields[0])

static const struct ofield *org_field(const char *name)
{
	for (size_t i = 0; i < N_ORG_FIELDS; i++)
		if (!strcmp(org_fields[i].name, name))
			return &org_fields[i];
	return NULL;
}

static cJSON *uri(const char *kind, long id)
{
	char b[96];
	snprintf(b, sizeof b, PREFIX "/%s/%ld/", kind, id);
	return cJSON_CreateString(b);
}

static cJSON *time_item(long t)
{
	char b[24];
	fmt_time(t, b);
	return cJSON_CreateString(b);
}

/* Up to max distinct values from 1..hi, ascending. */
static cJSON *int_subset(struct sim_rng *r, long hi, long max)
{
	long n = sim_rng_range(r, 0, max);
	bool seen[64] = {0};
	for (long i = 0; i < n; i++)
		seen[sim_rng_range(r, 1, hi < 63 ? hi : 63)] = true;
	cJSON *a = cJSON_CreateArray();
	for (int v = 1; v < 64; v++)
		if (seen[v])
			cJSON_AddItemToArray(a, cJSON_CreateNumber(v));
	return a;
}

static long json_long(const cJSON *o, const char *key, long def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? (long)v->valuedouble : def;
}

static bool json_true(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static void set_item(cJSON *o, const char *key, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, key))
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
	else
		cJSON_AddItemToObject(o, key, v);
}

/* The name of organization pid, or NULL. Caller frees. */
static char *org_name(struct sim *s, long pid)
{
	char id[24];
	snprintf(id, sizeof id, "%ld", pid);
	char *doc = sim_org_get(s, D, id);
	cJSON *o = doc ? cJSON_Parse(doc) : NULL;
	free(doc);
	const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "name"));
	char *r = n ? xstrdup(n) : NULL;
	cJSON_Delete(o);
	return r;
}

/* The full object for a stored doc: generated fields from (seed, id), the stored ones over
 * them, then the fields Quorum derives from others. */
static cJSON *org_render(struct sim *s, const cJSON *doc)
{
	long id = json_long(doc, "id", 0);
	long created = doc_time(doc, "created");
	const char *domain =
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "default_domain"));
	if (!domain)
		domain = "example.com";
	struct sim_rng base;
	sim_rng_seed(&base, gen_seed + (uint64_t)id * 0x9E3779B97F4A7C15ULL, D ".more");
	cJSON *o = cJSON_CreateObject();
	char b[128];
	for (size_t i = 0; i < N_ORG_FIELDS; i++) {
		const struct ofield *f = &org_fields[i];
		/* One draw per field seeds the field's own generator, so a field's value never
		 * depends on how many draws another one took. */
		struct sim_rng r = {sim_rng_next(&base)};
		const char *n = f->name;
		cJSON *v = NULL;
		if (f->type == T_BOOL && f->a) {
			v = cJSON_CreateBool(sim_rng_range(&r, 0, 99) < f->a);
		} else if (f->type == T_INT && f->a) {
			v = cJSON_CreateNumber((double)sim_rng_range(&r, f->a, f->b));
		} else if (f->type == T_INTS && f->a) {
			v = int_subset(&r, f->a, f->b);
		} else if (!strcmp(n, "_extra") || !strcmp(n, "custom_alert_orderings")) {
			v = cJSON_CreateObject();
		} else if (!strcmp(n, "administrators")) {
			v = cJSON_CreateArray();
			cJSON_AddItemToArray(v, uri("user", id * 10 + 1));
		} else if (!strcmp(n, "agreed_to_texting_user") ||
			   !strcmp(n, "default_forward_recipient")) {
			v = sim_rng_range(&r, 0, 1) ? uri("user", id * 10 + 1) : cJSON_CreateNull();
		} else if (!strcmp(n, "allowed_domains") || !strcmp(n, "allowed_user_domains")) {
			v = cJSON_CreateArray();
			cJSON_AddItemToArray(v, cJSON_CreateString(domain));
		} else if (!strcmp(n, "custom_session_timeout")) {
			static const long choices[] = {0, 0, 30, 60, 240, 480};
			v = cJSON_CreateNumber((double)choices[sim_rng_range(&r, 0, 5)]);
		} else if (!strcmp(n, "datetime_agreed_to_texting")) {
			/* Only when someone agreed (agreed_to_texting_user is generated just
			 * before). */
			const cJSON *who =
			    cJSON_GetObjectItemCaseSensitive(o, "agreed_to_texting_user");
			v = cJSON_IsString(who)
				? time_item(created + sim_rng_range(&r, 3600, 60 * 86400L))
				: cJSON_CreateNull();
		} else if (!strcmp(n, "ip_addresses")) {
			v = cJSON_CreateArray();
			long k = sim_rng_range(&r, 0, 9) < 7 ? 0 : sim_rng_range(&r, 1, 2);
			for (long j = 0; j < k; j++) {
				snprintf(b, sizeof b, "203.0.113.%ld", sim_rng_range(&r, 1, 254));
				cJSON_AddItemToArray(v, cJSON_CreateString(b));
			}
		} else if (!strcmp(n, "lower_tier_bound") || !strcmp(n, "upper_tier_bound")) {
			/* Pricing tier by seat count; the upper bound follows the lower one. */
			struct sim_rng t = {gen_seed ^ (uint64_t)id};
			long lo = sim_rng_range(&t, 0, 4) * 25;
			v = cJSON_CreateNumber((double)(n[0] == 'l' ? lo : lo + 25));
		} else if (!strcmp(n, "outbox_domain_dict")) {
			v = cJSON_CreateObject();
			if (sim_rng_range(&r, 0, 9) < 4) {
				snprintf(b, sizeof b, "mail.%s", domain);
				cJSON_AddStringToObject(v, b, "verified");
			}
		} else if (!strcmp(n, "phone_numbers")) {
			v = uri("phonenumber", id);
		} else if (!strcmp(n, "resource_uri")) {
			v = uri("organization", id);
		} else if (!strcmp(n, "sms_limit")) {
			v = cJSON_CreateNumber((double)(sim_rng_range(&r, 0, 20) * 2500));
		} else if (!strcmp(n, "sms_messages_toward_limit")) {
			v = cJSON_CreateNumber((double)sim_rng_range(&r, 0, 1000000));
		} else if (!strcmp(n, "sso_profiles")) {
			v = sim_rng_range(&r, 0, 9) < 3 ? uri("ssoprofile", id)
							: cJSON_CreateNull();
		} else if (!strcmp(n, "subdomain")) {
			const char *dot = strchr(domain, '.');
			snprintf(b, sizeof b, "%.*s",
				 (int)(dot ? (size_t)(dot - domain) : strlen(domain)), domain);
			v = cJSON_CreateString(b);
		} else if (!strcmp(n, "trial_expiration")) {
			v = json_true(o, "active_client") ? cJSON_CreateNull()
							  : time_item(created + 30 * 86400L);
		} else if (!strcmp(n, "zapier_token")) {
			char h1[25], h2[25];
			sim_gen_hex_id(&r, h1);
			sim_gen_hex_id(&r, h2);
			snprintf(b, sizeof b, "%s%.16s", h1, h2);
			v = cJSON_CreateString(b);
		} else if (!strcmp(n, "email_limit_percentage")) {
			v = cJSON_CreateNumber((double)sim_rng_range(&r, 0, 100));
		} else {
			/* Stored (the doc overlays it) or derived below. */
			v = cJSON_CreateNull();
		}
		cJSON_AddItemToObject(o, n, v);
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, doc) set_item(o, it->string, cJSON_Duplicate(it, 1));

	/* Derived from other fields, so they follow a PATCH. */
	long el = json_long(o, "email_limit", 0);
	if (el <= 0)
		set_item(o, "email_limit_percentage", cJSON_CreateNumber(0));
	long sl = json_long(o, "sms_limit", 0), st = json_long(o, "sms_messages_toward_limit", 0);
	set_item(o, "sms_messages_toward_limit",
		 cJSON_CreateNumber((double)(sl ? st % (sl + 1) : 0)));
	set_item(
	    o, "i360_organization_and_quorum_client",
	    cJSON_CreateBool(json_true(o, "i360_organization") && json_true(o, "active_client")));
	struct buf names;
	buf_init(&names);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "cs_managers"))
	{
		int k = (int)it->valuedouble;
		if (k >= 1 && k <= N_CSM)
			buf_printf(&names, "%s%s", names.len ? ", " : "", csm_usernames[k - 1]);
	}
	set_item(o, "cs_managers_usernames", cJSON_CreateString(names.data ? names.data : ""));
	buf_free(&names);
	cJSON *pn = cJSON_CreateArray();
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "partners"))
	{
		char *nm = org_name(s, (long)it->valuedouble);
		if (nm)
			cJSON_AddItemToArray(pn, cJSON_CreateString(nm));
		free(nm);
	}
	if (cJSON_GetArraySize(pn) == 0) {
		/* The seed shows null: Quorum sends no list when there are no partners. */
		cJSON_Delete(pn);
		pn = cJSON_CreateNull();
	}
	set_item(o, "partner_names", pn);
	return o;
}

/* ---- generation ---- */

static void ascii_slug(const char *in, char *out, size_t cap)
{
	/* Latin-1 letters (as UTF-8 C3 xx) to their base letter; other non-ASCII is dropped. */
	static const char latin[] = "aaaaaaaceeeeiiiidnooooo/ouuuuyty";
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p && n + 1 < cap; p++) {
		if (*p == 0xC3 && p[1] >= 0xA0 && p[1] <= 0xBF) {
			out[n++] = latin[p[1] - 0xA0];
			p++;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
			out[n++] = (char)*p;
		} else if (*p >= 'A' && *p <= 'Z') {
			out[n++] = (char)(*p + 32);
		}
	}
	out[n] = '\0';
}

/* A JSON string as cJSON writes one: quotes, backslashes and control characters escaped,
 * other bytes (even invalid UTF-8 from --hostile names) passed through. */
static void put_json_string(struct buf *b, const char *str)
{
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)str; *p; p++) {
		if (*p == '"' || *p == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)*p);
		} else if (*p < 0x20) {
			buf_printf(b, "\\u%04x", *p);
		} else {
			buf_putc(b, (char)*p);
		}
	}
	buf_putc(b, '"');
}

static void setup(struct sim *s, bool fresh)
{
	sqlite3_create_function_v2(s->db, "quorum_strop", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				   NULL, strop_fn, NULL, NULL, NULL);
	sqlite3_exec(
	    s->db,
	    "CREATE TABLE IF NOT EXISTS quorum_meta(key TEXT PRIMARY KEY, value INTEGER);"
	    "CREATE TABLE IF NOT EXISTS quorum_user(id INTEGER PRIMARY KEY, org INTEGER NOT NULL,"
	    " username TEXT NOT NULL, email TEXT NOT NULL, first_name TEXT, last_name TEXT,"
	    " is_active INTEGER NOT NULL, date_joined TEXT NOT NULL, last_login TEXT);"
	    "CREATE INDEX IF NOT EXISTS quorum_user_org ON quorum_user(org);",
	    NULL, NULL, NULL);
	sqlite3_stmt *q;
	if (!fresh) {
		sqlite3_prepare_v2(s->db, "SELECT value FROM quorum_meta WHERE key='seed'", -1, &q,
				   NULL);
		gen_seed =
		    sqlite3_step(q) == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(q, 0) : s->seed;
		sqlite3_finalize(q);
		return;
	}
	gen_seed = s->seed;
	sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO quorum_meta(key,value) VALUES('seed',?1)",
			   -1, &q, NULL);
	sqlite3_bind_int64(q, 1, (sqlite3_int64)gen_seed);
	sqlite3_step(q);
	sqlite3_finalize(q);

	sqlite3_stmt *uq;
	sqlite3_prepare_v2(
	    s->db,
	    "INSERT OR REPLACE INTO quorum_user(id,org,username,email,first_name,last_name,"
	    "is_active,date_joined,last_login) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
	    -1, &uq, NULL);
	struct sim_rng r;
	sim_rng_seed(&r, s->seed, D);
	static const long email_limits[] = {1000, 2500, 5000, 10000, 25000, 50000, 100000};
	struct buf doc;
	buf_init(&doc);
	sim_begin(s);
	for (long i = 0; i < s->orgs; i++) {
		long id = i + 1;
		char name[512], dom[64], ids[24], tb[24];
		sim_gen_org_name(s, &r, i, name, sizeof name);
		sim_gen_domain(name, dom, sizeof dom);
		long created = SIM_EPOCH - sim_rng_range(&r, 7, 6 * 365) * 86400L -
			       sim_rng_range(&r, 0, 86399);
		long updated = created + sim_rng_range(&r, 0, SIM_EPOCH - created);
		/* Written by hand rather than through cJSON: its number printing (printf and
		 * a sscanf round trip) dominated generating a million of these. */
		buf_reset(&doc);
		buf_printf(&doc, "{\"id\":%ld,\"name\":", id);
		put_json_string(&doc, name);
		fmt_time(created, tb);
		buf_printf(&doc, ",\"created\":\"%s\"", tb);
		fmt_time(updated, tb);
		buf_printf(&doc, ",\"updated\":\"%s\"", tb);
		/* Archiving was the organization's last change. */
		if (sim_rng_range(&r, 0, 99) < 8)
			buf_printf(&doc, ",\"archived\":true,\"date_archived\":\"%s\"", tb);
		else
			buf_puts(&doc, ",\"archived\":false");
		buf_puts(&doc, ",\"default_domain\":");
		put_json_string(&doc, dom);
		if (sim_rng_range(&r, 0, 9) == 0)
			buf_puts(&doc, ",\"email_limit\":null");
		else
			buf_printf(&doc, ",\"email_limit\":%ld",
				   email_limits[sim_rng_range(&r, 0, 6)]);
		if (sim_rng_range(&r, 0, 99) < 15) /* unlimited seats */
			buf_puts(&doc, ",\"max_members\":null");
		else
			buf_printf(&doc, ",\"max_members\":%ld", sim_rng_range(&r, 1, 100) * 5);
		long c1 = sim_rng_range(&r, 1, N_CSM), c2 = sim_rng_range(&r, 1, N_CSM);
		buf_printf(&doc, ",\"cs_managers\":[%ld", c1 < c2 ? c1 : c2);
		if (c1 != c2 && sim_rng_range(&r, 0, 3) == 0)
			buf_printf(&doc, ",%ld", c1 < c2 ? c2 : c1);
		buf_puts(&doc, "],\"partners\":[");
		if (s->orgs > 1 && sim_rng_range(&r, 0, 9) < 3) {
			long np = sim_rng_range(&r, 1, 3), last = 0;
			bool first = true;
			for (long k = 0; k < np; k++) {
				long p = sim_rng_range(&r, 1, s->orgs);
				if (p != id && p != last) {
					buf_printf(&doc, "%s%ld", first ? "" : ",", p);
					first = false;
				}
				last = p;
			}
		}
		buf_puts(&doc, "]}");
		snprintf(ids, sizeof ids, "%ld", id);
		sim_org_put(s, D, ids, name, doc.data);

		long nu = sim_rng_range(&r, 1, 4);
		for (long k = 1; k <= nu; k++) {
			char first[32], last[32], fs[32], ls[32], uname[96], email[160];
			sim_gen_person(&r, first, last, sizeof first);
			ascii_slug(first, fs, sizeof fs);
			ascii_slug(last, ls, sizeof ls);
			long uid = id * 10 + k;
			snprintf(uname, sizeof uname, "%s.%s.%ld", fs, ls, uid);
			snprintf(email, sizeof email, "%s.%s@%s", fs, ls, dom);
			long joined = created + sim_rng_range(&r, 0, SIM_EPOCH - created);
			sqlite3_reset(uq);
			sqlite3_bind_int64(uq, 1, uid);
			sqlite3_bind_int64(uq, 2, id);
			sqlite3_bind_text(uq, 3, uname, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(uq, 4, email, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(uq, 5, first, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(uq, 6, last, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(uq, 7, k == 1 || sim_rng_range(&r, 0, 9) > 0);
			fmt_time(joined, tb);
			sqlite3_bind_text(uq, 8, tb, -1, SQLITE_TRANSIENT);
			if (sim_rng_range(&r, 0, 4) == 0) {
				sqlite3_bind_null(uq, 9);
			} else {
				fmt_time(joined + sim_rng_range(&r, 0, SIM_EPOCH - joined), tb);
				sqlite3_bind_text(uq, 9, tb, -1, SQLITE_TRANSIENT);
			}
			sqlite3_step(uq);
		}
	}
	sim_commit(s);
	sqlite3_finalize(uq);
	buf_free(&doc);
}

/* ---- query parameters ---- */

struct qarg {
	const char *k, *v; /* owned by libmicrohttpd for the request's lifetime */
};
struct qargs {
	struct qarg *a;
	int n, cap;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	struct qargs *qa = cls;
	if (qa->n == qa->cap) {
		qa->cap = qa->cap ? qa->cap * 2 : 16;
		qa->a = xrealloc(qa->a, (size_t)qa->cap * sizeof *qa->a);
	}
	qa->a[qa->n++] = (struct qarg){k, v ? v : ""};
	return MHD_YES;
}

/* The last value given for key (Django's QueryDict[key]), or NULL. */
static const char *qget(const struct qargs *qa, const char *key)
{
	const char *r = NULL;
	for (int i = 0; i < qa->n; i++)
		if (!strcmp(qa->a[i].k, key))
			r = qa->a[i].v;
	return r;
}

/* Python's quote_plus, which Django's QueryDict.urlencode uses for the links. */
static void put_quote_plus(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			buf_putc(b, (char)*p);
		else if (*p == ' ')
			buf_putc(b, '+');
		else
			buf_printf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
}

/* Tastypie's paginator link: the request's parameters in order, limit and offset last. */
static cJSON *page_link(const char *resource, const struct qargs *qa, long limit, long offset)
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b, PREFIX "/%s/?", resource);
	for (int i = 0; i < qa->n; i++) {
		if (!strcmp(qa->a[i].k, "limit") || !strcmp(qa->a[i].k, "offset"))
			continue;
		put_quote_plus(&b, qa->a[i].k);
		buf_putc(&b, '=');
		put_quote_plus(&b, qa->a[i].v);
		buf_putc(&b, '&');
	}
	buf_printf(&b, "limit=%ld&offset=%ld", limit, offset);
	cJSON *r = cJSON_CreateString(b.data);
	buf_free(&b);
	return r;
}

static bool paging(const struct qargs *qa, long *limit, long *offset, struct sim_resp *rs)
{
	const char *l = qget(qa, "limit"), *o = qget(qa, "offset");
	*limit = DEFAULT_LIMIT;
	*offset = 0;
	if (l) {
		if (!sim_parse_long(l, limit)) {
			errorf(rs, 400,
			       "Invalid limit '%s' provided. Please provide a positive integer.",
			       l);
			return false;
		}
		if (*limit < 0) {
			errorf(
			    rs, 400,
			    "Invalid limit '%s' provided. Please provide a positive integer >= 0.",
			    l);
			return false;
		}
	}
	if (*limit == 0 || *limit > MAX_LIMIT)
		*limit = MAX_LIMIT;
	if (o) {
		if (!sim_parse_long(o, offset)) {
			errorf(rs, 400, "Invalid offset '%s' provided. Please provide an integer.",
			       o);
			return false;
		}
		if (*offset < 0) {
			errorf(
			    rs, 400,
			    "Invalid offset '%s' provided. Please provide a positive integer >= 0.",
			    o);
			return false;
		}
	}
	return true;
}

/* ---- filters: Django lookups compiled to SQL ---- */

enum op {
	OP_EXACT,
	OP_IEXACT,
	OP_CONTAINS,
	OP_ICONTAINS,
	OP_STARTSWITH,
	OP_ISTARTSWITH,
	OP_ENDSWITH,
	OP_IENDSWITH,
	OP_IN,
	OP_GT,
	OP_GTE,
	OP_LT,
	OP_LTE,
	OP_ISNULL,
	OP_OVERLAPS,
	OP_YEAR,
	OP_MONTH,
	OP_DAY,
	OP_WEEK_DAY,
	OP_HOUR,
	OP_MINUTE,
	OP_SECOND,
	/* Django knows these; nothing here allows them. */
	OP_RANGE,
	OP_DATE,
	OP_WEEK,
	OP_QUARTER,
	OP_TIME,
	OP_REGEX,
	OP_IREGEX,
	OP_SEARCH,
	OP_CONTAINED_BY,
	OP_LEN,
	N_OPS
};
static const char *const op_names[N_OPS] = {
    "exact",	 "iexact", "contains",	   "icontains", "startswith", "istartswith", "endswith",
    "iendswith", "in",	   "gt",	   "gte",	"lt",	      "lte",	     "isnull",
    "overlaps",	 "year",   "month",	   "day",	"week_day",   "hour",	     "minute",
    "second",	 "range",  "date",	   "week",	"quarter",    "time",	     "regex",
    "iregex",	 "search", "contained_by", "len",
};
#define B(op) (1u << (op))
#define STR_OPS                                                                                    \
	(B(OP_EXACT) | B(OP_IEXACT) | B(OP_IN) | B(OP_CONTAINS) | B(OP_ICONTAINS) |                \
	 B(OP_STARTSWITH) | B(OP_ISTARTSWITH) | B(OP_ENDSWITH) | B(OP_IENDSWITH))
#define NUM_OPS                                                                                    \
	(B(OP_EXACT) | B(OP_IN) | B(OP_GT) | B(OP_GTE) | B(OP_LT) | B(OP_LTE) | B(OP_ISNULL))
#define DATE_OPS                                                                                   \
	(B(OP_EXACT) | B(OP_YEAR) | B(OP_MONTH) | B(OP_DAY) | B(OP_WEEK_DAY) | B(OP_HOUR) |        \
	 B(OP_MINUTE) | B(OP_SECOND))
#define ARRAY_OPS (B(OP_EXACT) | B(OP_OVERLAPS))

enum fkind { K_ID, K_INT, K_BOOL, K_STR, K_DATE, K_ARRAY };
struct ffield {
	const char *name;
	enum fkind kind;
	unsigned ops;
	const char *expr; /* SQL for the value; for K_ARRAY the JSON path in doc */
};

static const struct ffield org_filters[] = {
    {"archived", K_BOOL, B(OP_EXACT), "json_extract(doc,'$.archived')"},
    {"cs_managers", K_ARRAY, ARRAY_OPS, "$.cs_managers"},
    {"email_limit", K_INT, NUM_OPS, "json_extract(doc,'$.email_limit')"},
    /* The dialect term lets SQLite use the (dialect, id) index despite the +dialect scan. */
    {"id", K_ID, B(OP_EXACT), "dialect='" D "' AND id"},
    {"max_members", K_INT, NUM_OPS, "json_extract(doc,'$.max_members')"},
    {"name", K_STR, STR_OPS, "name"},
    {"partners", K_ARRAY, ARRAY_OPS, "$.partners"},
    {"updated", K_DATE, DATE_OPS, "json_extract(doc,'$.updated')"},
    {NULL, K_INT, 0, NULL},
};

/* VENDORS.md 1.2 lists these for /api/user/; organization is our addition (unverified). */
static const struct ffield user_filters[] = {
    {"date_joined", K_DATE, DATE_OPS, "date_joined"},
    {"email", K_STR, STR_OPS, "email"},
    {"id", K_INT, B(OP_EXACT), "id"},
    {"is_active", K_BOOL, B(OP_EXACT), "is_active"},
    {"organization", K_INT, B(OP_EXACT) | B(OP_IN), "org"},
    {"organization_id", K_INT, B(OP_EXACT) | B(OP_IN), "org"},
    {"username", K_STR, STR_OPS, "username"},
    {NULL, K_INT, 0, NULL},
};
static const char *const user_keys[] = {
    "date_joined", "email",	   "first_name",      "id",	      "is_active", "last_login",
    "last_name",   "organization", "organization_id", "resource_uri", "username",  NULL,
};

struct bind {
	bool is_int;
	long long i;
	char *s;
};
struct qb {
	struct buf sql; /* " AND (...)" per filter */
	struct bind *b;
	int nb, cap;
};

static void qb_add(struct qb *q, bool is_int, long long i, const char *s)
{
	if (q->nb == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 16;
		q->b = xrealloc(q->b, (size_t)q->cap * sizeof *q->b);
	}
	q->b[q->nb++] = (struct bind){is_int, i, s ? xstrdup(s) : NULL};
}

static void qb_free(struct qb *q)
{
	for (int i = 0; i < q->nb; i++)
		free(q->b[i].s);
	free(q->b);
	buf_free(&q->sql);
}

static void qb_bind(const struct qb *q, sqlite3_stmt *st)
{
	for (int i = 0; i < q->nb; i++) {
		if (q->b[i].is_int)
			sqlite3_bind_int64(st, i + 1, q->b[i].i);
		else
			sqlite3_bind_text(st, i + 1, q->b[i].s, -1, SQLITE_STATIC);
	}
}

static bool is_none(const char *v)
{
	return !strcmp(v, "none") || !strcmp(v, "None") || !strcmp(v, "nil");
}

static int parse_bool(const char *v)
{
	if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "1") || !strcmp(v, "t"))
		return 1;
	if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "0") || !strcmp(v, "f"))
		return 0;
	return -1;
}

#define MISMATCH "Invalid resource lookup data provided (mismatched type)."

/* Adds "?,?,?" for the comma-separated values in v; false when one is not what kind wants. */
static bool qb_list(struct qb *q, const char *v, bool ints)
{
	char *dup = xstrdup(v);
	bool ok = true;
	char *p = dup;
	for (int k = 0;; k++) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		long n;
		if (ints && !sim_parse_long(p, &n)) {
			ok = false;
			break;
		}
		buf_puts(&q->sql, k ? ",?" : "?");
		qb_add(q, ints, ints ? n : 0, ints ? NULL : p);
		if (!comma)
			break;
		p = comma + 1;
	}
	free(dup);
	return ok;
}

/* One lookup: field f, operator op, value v. Returns an error message or NULL. */
static const char *add_filter(struct qb *q, const struct ffield *f, int op, const char *v)
{
	long n;
	buf_puts(&q->sql, " AND (");
	if (op == OP_IN || op == OP_OVERLAPS) {
		if (!*v) {
			/* Django: an empty list matches nothing. */
			buf_puts(&q->sql, "0)");
			return NULL;
		}
		if (op == OP_IN)
			buf_printf(&q->sql, "%s IN (", f->expr);
		else
			buf_printf(&q->sql,
				   "EXISTS (SELECT 1 FROM json_each(doc,'%s') WHERE value IN (",
				   f->expr);
		if (!qb_list(q, v, f->kind != K_STR))
			return MISMATCH;
		buf_puts(&q->sql, op == OP_IN ? "))" : ")))");
		return NULL;
	}
	if (op == OP_ISNULL) {
		int bv = parse_bool(v);
		if (bv < 0)
			return MISMATCH;
		buf_printf(&q->sql, "%s IS %s)", f->expr, bv ? "NULL" : "NOT NULL");
		return NULL;
	}
	if (op == OP_EXACT && is_none(v) && f->kind != K_ARRAY) {
		buf_printf(&q->sql, "%s IS NULL)", f->expr);
		return NULL;
	}
	if (op >= OP_YEAR && op <= OP_SECOND) {
		static const char *const part[] = {"%Y", "%m", "%d", "%w", "%H", "%M", "%S"};
		if (!sim_parse_long(v, &n))
			return MISMATCH;
		/* Django's week_day counts 1 = Sunday; strftime('%w') counts 0 = Sunday. */
		buf_printf(&q->sql, "CAST(strftime('%s',%s) AS INTEGER)%s = ?)", part[op - OP_YEAR],
			   f->expr, op == OP_WEEK_DAY ? "+1" : "");
		qb_add(q, true, n, NULL);
		return NULL;
	}
	switch (f->kind) {
	case K_ID:
		if (!sim_parse_long(v, &n))
			return MISMATCH;
		{
			char ids[24];
			snprintf(ids, sizeof ids, "%ld", n);
			buf_printf(&q->sql, "%s = ?)", f->expr);
			qb_add(q, false, 0, ids);
		}
		return NULL;
	case K_INT: {
		static const char *const cmp[] = {"=", ">", ">=", "<", "<="};
		if (!sim_parse_long(v, &n))
			return MISMATCH;
		buf_printf(&q->sql, "%s %s ?)", f->expr, cmp[op == OP_EXACT ? 0 : op - OP_GT + 1]);
		qb_add(q, true, n, NULL);
		return NULL;
	}
	case K_BOOL: {
		int bv = parse_bool(v);
		if (bv < 0)
			return MISMATCH;
		buf_printf(&q->sql, "%s = ?)", f->expr);
		qb_add(q, true, bv, NULL);
		return NULL;
	}
	case K_STR:
		if (op == OP_EXACT) {
			buf_printf(&q->sql, "%s = ?)", f->expr);
		} else {
			buf_printf(&q->sql, "quorum_strop(%d,%s,?))", (int)(op - OP_EXACT),
				   f->expr);
		}
		qb_add(q, false, 0, v);
		return NULL;
	case K_DATE: {
		long t;
		char tb[24];
		if (!parse_time(v, &t))
			return MISMATCH;
		fmt_time(t, tb);
		buf_printf(&q->sql, "%s = ?)", f->expr);
		qb_add(q, false, 0, tb);
		return NULL;
	}
	case K_ARRAY: {
		/* Array equality, element for element, as Postgres compares arrays. */
		struct buf arr;
		buf_init(&arr);
		buf_putc(&arr, '[');
		const char *p = v;
		bool ok = true;
		while (*p) {
			const char *comma = strchr(p, ',');
			char *part = xstrndup(p, comma ? (size_t)(comma - p) : strlen(p));
			ok = ok && sim_parse_long(part, &n);
			free(part);
			buf_printf(&arr, "%s%ld", arr.len > 1 ? "," : "", n);
			if (!comma || !ok)
				break;
			p = comma + 1;
		}
		buf_putc(&arr, ']');
		if (ok) {
			buf_printf(&q->sql, "json_extract(doc,'%s') = ?)", f->expr);
			qb_add(q, false, 0, arr.data);
		}
		buf_free(&arr);
		return ok ? NULL : MISMATCH;
	}
	}
	return NULL;
}

static bool in_list(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

static bool is_org_key(const char *s)
{
	return org_field(s) != NULL;
}

/* Compiles every filter parameter; false (with a 400 in rs) when one is not allowed. */
static bool build_filters(const struct qargs *qa, const struct ffield *filters,
			  bool (*is_field)(const char *), struct qb *q, struct sim_resp *rs)
{
	for (int i = 0; i < qa->n; i++) {
		const char *key = qa->a[i].k;
		bool seen = false;
		for (int j = 0; j < i && !seen; j++)
			seen = !strcmp(qa->a[j].k, key);
		/* Credentials and paging are not lookups, even where a field shares the name. */
		if (seen || !strcmp(key, "username") || !strcmp(key, "api_key") ||
		    !strcmp(key, "limit") || !strcmp(key, "offset") || !strcmp(key, "format"))
			continue;
		if (!strcmp(key, "order_by")) {
			errorf(rs, 400, "The '%s' field does not allow ordering.", qget(qa, key));
			return false;
		}
		char *dup = xstrdup(key);
		char *bits[8];
		int nbits = 0;
		for (char *p = dup; nbits < 8;) {
			bits[nbits++] = p;
			char *sep = strstr(p, "__");
			if (!sep)
				break;
			*sep = '\0';
			p = sep + 2;
		}
		const char *err = NULL, *arg = bits[0];
		char msg[256];
		if (!is_field(bits[0])) {
			free(dup);
			continue; /* Tastypie ignores parameters that name no field */
		}
		int op = OP_EXACT;
		if (nbits > 1) {
			for (int k = 0; k < N_OPS; k++)
				if (!strcmp(bits[nbits - 1], op_names[k]))
					op = k;
			if (strcmp(bits[nbits - 1], op_names[op]) || nbits > 2)
				err = "Lookups are not allowed more than one level deep on the "
				      "'%s' field.";
		}
		const struct ffield *f = NULL;
		for (int k = 0; filters[k].name && !err; k++)
			if (!strcmp(filters[k].name, bits[0]))
				f = &filters[k];
		if (!err && !f) {
			err = "The '%s' field does not allow filtering.";
		} else if (!err && !(f->ops & B(op))) {
			snprintf(msg, sizeof msg,
				 "'%s' is not an allowed filter on the '%%s' field.", op_names[op]);
			err = msg;
		}
		if (!err) {
			/* __in and __overlaps merge every repeat of the parameter, Django's
			 * getlist. */
			struct buf v;
			buf_init(&v);
			for (int j = i; j < qa->n; j++) {
				if (strcmp(qa->a[j].k, key))
					continue;
				if (op == OP_IN || op == OP_OVERLAPS) {
					if (v.len && *qa->a[j].v)
						buf_putc(&v, ',');
					buf_puts(&v, qa->a[j].v);
				} else {
					buf_reset(&v);
					buf_puts(&v, qa->a[j].v);
				}
			}
			err = add_filter(q, f, op, v.data ? v.data : "");
			buf_free(&v);
		}
		if (err) {
			errorf(rs, 400, err, arg);
			free(dup);
			return false;
		}
		free(dup);
	}
	return true;
}

/* ---- handlers ---- */

static bool authorized(const struct qargs *qa, struct sim_resp *rs)
{
	const char *u = qget(qa, "username"), *k = qget(qa, "api_key");
	if (u && k && !strcmp(u, Q_USER) && !strcmp(k, Q_KEY))
		return true;
	error(rs, 401,
	      u && k ? "authorization failure: unknown username or api_key"
		     : "authorization failure: username and api_key query parameters are required");
	return false;
}

typedef cJSON *(*row_fn)(struct sim *s, sqlite3_stmt *st);

/* Runs a filtered, paged listing and answers Tastypie's {"meta", "objects"}. */
static void list(struct sim *s, const struct qargs *qa, struct sim_resp *rs, const char *resource,
		 const char *count_from, const char *from, const char *cols, const char *order,
		 const struct qb *q, row_fn row)
{
	long limit, offset;
	if (!paging(qa, &limit, &offset, rs))
		return;
	char *sql = xasprintf("SELECT count(*) FROM %s%s", q->sql.len ? from : count_from,
			      q->sql.len ? q->sql.data : "");
	sqlite3_stmt *st;
	long total = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK) {
		qb_bind(q, st);
		if (sqlite3_step(st) == SQLITE_ROW)
			total = (long)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	free(sql);
	cJSON *objects = cJSON_CreateArray();
	if (offset < total) {
		sql = xasprintf("SELECT %s FROM %s%s ORDER BY %s LIMIT ?%d OFFSET ?%d", cols, from,
				q->sql.data ? q->sql.data : "", order, q->nb + 1, q->nb + 2);
		if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
			fprintf(stderr, "orgdeck-sim: quorum: %s\n", sqlite3_errmsg(s->db));
			free(sql);
			cJSON_Delete(objects);
			error(rs, 500, NULL);
			return;
		}
		qb_bind(q, st);
		sqlite3_bind_int64(st, q->nb + 1, limit);
		sqlite3_bind_int64(st, q->nb + 2, offset);
		while (sqlite3_step(st) == SQLITE_ROW) {
			cJSON *o = row(s, st);
			if (o)
				cJSON_AddItemToArray(objects, o);
		}
		sqlite3_finalize(st);
		free(sql);
	}
	cJSON *out = cJSON_CreateObject();
	cJSON *meta = cJSON_AddObjectToObject(out, "meta");
	cJSON_AddNumberToObject(meta, "limit", (double)limit);
	cJSON_AddItemToObject(meta, "next",
			      offset + limit >= total
				  ? cJSON_CreateNull()
				  : page_link(resource, qa, limit, offset + limit));
	cJSON_AddNumberToObject(meta, "offset", (double)offset);
	cJSON_AddItemToObject(meta, "previous",
			      offset - limit < 0 ? cJSON_CreateNull()
						 : page_link(resource, qa, limit, offset - limit));
	cJSON_AddNumberToObject(meta, "total_count", (double)total);
	cJSON_AddItemToObject(out, "objects", objects);
	sim_resp_json(rs, 200, out);
}

static cJSON *org_row(struct sim *s, sqlite3_stmt *st)
{
	cJSON *doc = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
	if (!doc)
		return NULL;
	cJSON *o = org_render(s, doc);
	cJSON_Delete(doc);
	return o;
}

static cJSON *user_row(struct sim *s, sqlite3_stmt *st)
{
	/* id, org, username, email, first_name, last_name, is_active, date_joined, last_login */
	cJSON *o = cJSON_CreateObject();
	long id = (long)sqlite3_column_int64(st, 0), org = (long)sqlite3_column_int64(st, 1);
	cJSON_AddStringToObject(o, "date_joined", (const char *)sqlite3_column_text(st, 7));
	cJSON_AddStringToObject(o, "email", (const char *)sqlite3_column_text(st, 3));
	cJSON_AddStringToObject(o, "first_name", (const char *)sqlite3_column_text(st, 4));
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddBoolToObject(o, "is_active", sqlite3_column_int(st, 6));
	if (sqlite3_column_type(st, 8) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "last_login");
	else
		cJSON_AddStringToObject(o, "last_login", (const char *)sqlite3_column_text(st, 8));
	cJSON_AddStringToObject(o, "last_name", (const char *)sqlite3_column_text(st, 5));
	cJSON_AddItemToObject(o, "organization", uri("organization", org));
	cJSON_AddItemToObject(o, "resource_uri", uri("user", id));
	cJSON_AddStringToObject(o, "username", (const char *)sqlite3_column_text(st, 2));
	return o;
}

#define USER_COLS "id,org,username,email,first_name,last_name,is_active,date_joined,last_login"

static bool is_user_key(const char *s)
{
	return in_list(user_keys, s);
}

static void org_list(struct sim *s, const struct qargs *qa, struct sim_resp *rs)
{
	struct qb q = {0};
	buf_init(&q.sql);
	if (build_filters(qa, org_filters, is_org_key, &q, rs))
		/* rowid is the generation order, i.e. ascending id. "+dialect" keeps SQLite
		 * off the (dialect, id) index, which would sort every row by rowid before
		 * skipping the offset; a plain scan stops after offset + limit rows. The
		 * unfiltered count is cheapest on that index, though. */
		list(s, qa, rs, "organization", "sim_org WHERE dialect='" D "'",
		     "sim_org WHERE +dialect='" D "'", "doc", "rowid", &q, org_row);
	qb_free(&q);
}

static void user_list(struct sim *s, const struct qargs *qa, struct sim_resp *rs)
{
	struct qb q = {0};
	buf_init(&q.sql);
	if (build_filters(qa, user_filters, is_user_key, &q, rs))
		list(s, qa, rs, "user", "quorum_user WHERE 1", "quorum_user WHERE 1", USER_COLS,
		     "id", &q, user_row);
	qb_free(&q);
}

static void user_get(struct sim *s, long id, struct sim_resp *rs)
{
	sqlite3_stmt *st;
	sqlite3_prepare_v2(s->db, "SELECT " USER_COLS " FROM quorum_user WHERE id=?1", -1, &st,
			   NULL);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		sim_resp_json(rs, 200, user_row(s, st));
	else
		error(rs, 404, NULL);
	sqlite3_finalize(st);
}

static const char *type_error(const struct ofield *f, const cJSON *v)
{
	long t;
	switch (f->type) {
	case T_BOOL:
		return cJSON_IsBool(v) ? NULL : "'%s' must be true or false.";
	case T_INT:
	case T_INT_NULL:
		if (f->type == T_INT_NULL && cJSON_IsNull(v))
			return NULL;
		if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long long)v->valuedouble ||
		    v->valuedouble < 0 || v->valuedouble > 9007199254740991.0)
			return f->type == T_INT ? "'%s' must be a non-negative integer."
						: "'%s' must be a non-negative integer or null.";
		return NULL;
	case T_STR:
		return cJSON_IsString(v) ? NULL : "'%s' must be a string.";
	case T_DT_NULL:
		if (cJSON_IsNull(v))
			return NULL;
		return cJSON_IsString(v) && parse_time(v->valuestring, &t)
			   ? NULL
			   : "'%s' must be an ISO 8601 date-time or null.";
	case T_INTS: {
		if (!cJSON_IsArray(v))
			return "'%s' must be an array of integers.";
		const cJSON *e;
		cJSON_ArrayForEach(
		    e, v) if (!cJSON_IsNumber(e) || e->valuedouble < 1 ||
			      e->valuedouble !=
				  (double)(long long)
				      e->valuedouble) return "'%s' must be an array of integers.";
		return NULL;
	}
	case T_STRS: {
		if (!cJSON_IsArray(v))
			return "'%s' must be an array of strings.";
		const cJSON *e;
		cJSON_ArrayForEach(
		    e, v) if (!cJSON_IsString(e)) return "'%s' must be an array of strings.";
		return NULL;
	}
	case T_OBJ:
		return cJSON_IsObject(v) ? NULL : "'%s' must be an object.";
	default:
		return "'%s' is read-only.";
	}
}

static void org_patch(struct sim *s, const struct sim_req *rq, struct sim_resp *rs, const char *ids,
		      cJSON *doc)
{
	const char *ct = sim_header(rq, "Content-Type");
	if (ct && strncasecmp(ct, "application/json", 16) != 0) {
		/* Tastypie picks its deserializer by Content-Type and knows JSON only here. */
		errorf(rs, 415, "Unsupported Content-Type '%s'; send application/json.", ct);
		return;
	}
	cJSON *body = sim_body_params(rq);
	if (!body) {
		error(rs, 400, "Request is not valid JSON: the body must be a JSON object.");
		return;
	}
	/* Check everything first: a PATCH applies whole or not at all. */
	const cJSON *it;
	const char *err = NULL, *arg = NULL;
	cJSON_ArrayForEach(it, body)
	{
		const struct ofield *f = org_field(it->string);
		arg = it->string;
		if (!f)
			err = "'%s' is not a field of organization.";
		else if (!f->rw)
			err = "The '%s' field is read-only.";
		else
			err = type_error(f, it);
		if (!err && !strcmp(f->name, "name") && !it->valuestring[0])
			err = "'%s' may not be blank.";
		if (!err && !strcmp(f->name, "cs_managers")) {
			const cJSON *e;
			cJSON_ArrayForEach(e, it) if (e->valuedouble > N_CSM) err =
			    "'%s' lists a quorumuser who is not a customer success manager.";
		}
		if (!err && !strcmp(f->name, "partners")) {
			const cJSON *e;
			cJSON_ArrayForEach(e, it)
			{
				char *nm = org_name(s, (long)e->valuedouble);
				if (!nm)
					err = "'%s' lists an organization that does not exist.";
				free(nm);
			}
		}
		if (err)
			break;
	}
	if (err) {
		errorf(rs, 400, err, arg);
		cJSON_Delete(body);
		return;
	}
	bool was_archived = json_true(doc, "archived");
	cJSON_ArrayForEach(it, body)
	{
		cJSON *v = cJSON_Duplicate(it, 1);
		if (!strcmp(it->string, "trial_expiration") && cJSON_IsString(it)) {
			long t;
			parse_time(it->valuestring, &t);
			cJSON_Delete(v);
			v = time_item(t);
		}
		set_item(doc, it->string, v);
	}
	cJSON_Delete(body);
	/* auto_now: strictly later than before, even for two PATCHes within a second. */
	long now = sim_now(), prev = doc_time(doc, "updated");
	long updated = now > prev ? now : prev + 1;
	set_item(doc, "updated", time_item(updated));
	bool archived = json_true(doc, "archived");
	if (archived != was_archived)
		set_item(doc, "date_archived", archived ? time_item(updated) : cJSON_CreateNull());
	char *text = cJSON_PrintUnformatted(doc);
	sim_org_put(s, D, ids, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "name")),
		    text);
	free(text);
	sim_resp_json(rs, 200, org_render(s, doc));
}

static void org_detail(struct sim *s, const struct sim_req *rq, struct sim_resp *rs, long id)
{
	char ids[24];
	snprintf(ids, sizeof ids, "%ld", id);
	char *text = sim_org_get(s, D, ids);
	cJSON *doc = text ? cJSON_Parse(text) : NULL;
	free(text);
	if (!doc) {
		error(rs, 404, NULL);
		return;
	}
	if (!strcmp(rq->method, "PATCH"))
		org_patch(s, rq, rs, ids, doc);
	else
		sim_resp_json(rs, 200, org_render(s, doc));
	cJSON_Delete(doc);
}

/* Django's APPEND_SLASH: 301 to the same URL with the slash, query string kept. */
static void redirect_with_slash(const struct sim_req *rq, const struct qargs *qa,
				struct sim_resp *rs)
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b, PREFIX "%s/", rq->path);
	for (int i = 0; i < qa->n; i++) {
		buf_putc(&b, i ? '&' : '?');
		put_quote_plus(&b, qa->a[i].k);
		buf_putc(&b, '=');
		put_quote_plus(&b, qa->a[i].v);
	}
	/* The server's header slots are short; a long query cannot be repeated in full. */
	if (b.len >= sizeof rs->headers[0][1]) {
		buf_reset(&b);
		buf_printf(&b, PREFIX "%s/", rq->path);
	}
	sim_resp_text(rs, 301, "text/html; charset=utf-8", xstrdup(""));
	sim_resp_header(rs, "Location", b.data);
	buf_free(&b);
}

static void handle(struct sim *s, const struct sim_req *rq, struct sim_resp *rs)
{
	struct qargs qa = {0};
	MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, collect, &qa);
	char *seg[4];
	int n = sim_path_split(rq->path, seg, 4);
	size_t plen = strlen(rq->path);
	bool slash = plen > 0 && rq->path[plen - 1] == '/';
	bool is_org = n >= 1 && !strcmp(seg[0], "organization");
	bool is_user = n >= 1 && !strcmp(seg[0], "user");
	const char *m = rq->method;
	long id = 0;

	if (n == 0) {
		/* Tastypie's API root: the resources and their list endpoints, no auth. */
		cJSON *o = cJSON_CreateObject();
		const char *const res[] = {"organization", "user"};
		for (int i = 0; i < 2; i++) {
			char b[96];
			cJSON *r = cJSON_AddObjectToObject(o, res[i]);
			snprintf(b, sizeof b, PREFIX "/%s/", res[i]);
			cJSON_AddStringToObject(r, "list_endpoint", b);
		}
		sim_resp_json(rs, 200, o);
	} else if ((!is_org && !is_user) || n > 2) {
		error(rs, 404, NULL);
	} else if (!slash) {
		redirect_with_slash(rq, &qa, rs);
	} else if (n == 1 && strcmp(m, "GET")) {
		error(rs, 405, NULL);
		sim_resp_header(rs, "Allow", "GET");
	} else if (n == 2 && strcmp(m, "GET") && (is_user || strcmp(m, "PATCH"))) {
		error(rs, 405, NULL);
		sim_resp_header(rs, "Allow", is_user ? "GET" : "GET,PATCH");
	} else if (!authorized(&qa, rs)) {
		/* answered */
	} else if (n == 1) {
		if (is_org)
			org_list(s, &qa, rs);
		else
			user_list(s, &qa, rs);
	} else if (!sim_parse_long(seg[1], &id) || id <= 0) {
		error(rs, 404, MISMATCH);
	} else if (is_org) {
		org_detail(s, rq, rs, id);
	} else {
		user_get(s, id, rs);
	}
	sim_path_free(seg, n);
	free(qa.a);
}

static void print_config(struct sim *s, FILE *out, const char *base)
{
	fprintf(out,
		"\n[profile quorum-demo]\n"
		"vendor = quorum\n"
		"base_url = %s" PREFIX "\n"
		"username = " Q_USER "\n"
		"api_key = " Q_KEY "\n",
		base);
}

const struct sim_dialect sim_quorum = {
    .name = D,
    .prefix = PREFIX,
    .setup = setup,
    .handle = handle,
    .error = error,
    .print_config = print_config,
};
