/* Contract: orgdeck-sim's Quorum dialect against seed 000 (and VENDORS.md section 1) over
 * real HTTP. Filter tests fetch every organization once and check the server's answer
 * against the filter's definition evaluated here, so they fail if either side drifts. */
#include "tests/support/simproc.h"
#include "tests/support/thttp.h"
#include "tests/support/tsuite.h"
#include "net/xalloc.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define N_ORGS 250

static struct simproc sp;
static char *key; /* api_key from the printed config */

static void start_with(const char *const *args)
{
	CU_ASSERT_FATAL(simproc_start(&sp, args) == 0);
	key = simproc_config_value(&sp, "quorum-demo", "api_key");
	CU_ASSERT_FATAL(key != NULL);
}

static void start(void)
{
	const char *const args[] = {"--orgs", "250", "--dialects", "quorum", NULL};
	start_with(args);
}

static void stop(void)
{
	simproc_stop(&sp);
	free(key);
	key = NULL;
}

/* Percent-encodes a query value. Caller frees. */
static char *enc(const char *s)
{
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr("-._~", *p))
			*o++ = (char)*p;
		else
			o += sprintf(o, "%%%02X", *p);
	}
	*o = '\0';
	return out;
}

/* GET PREFIX+path?username=demo&api_key=KEY[&query]. */
static long get(const char *path, const char *query, struct thttp *r)
{
	char *u = xasprintf("%s/quorum/api%s?username=demo&api_key=%s%s%s", sp.base, path, key,
			    query ? "&" : "", query ? query : "");
	long st = thttp_do("GET", u, NULL, NULL, NULL, r);
	free(u);
	return st;
}

static long get_raw(const char *path_and_query, struct thttp *r)
{
	char *u = xasprintf("%s%s", sp.base, path_and_query);
	long st = thttp_do("GET", u, NULL, NULL, NULL, r);
	free(u);
	return st;
}

static long patch(long id, const char *body, struct thttp *r)
{
	const char *json[] = {"Content-Type: application/json", NULL};
	char *u =
	    xasprintf("%s/quorum/api/organization/%ld/?username=demo&api_key=%s", sp.base, id, key);
	long st = thttp_do("PATCH", u, json, NULL, body, r);
	free(u);
	return st;
}

static const cJSON *meta(const struct thttp *r, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r->json, "meta"),
						k);
}

static long meta_long(const struct thttp *r, const char *k)
{
	const cJSON *v = meta(r, k);
	return cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
}

static const cJSON *objects(const struct thttp *r)
{
	return cJSON_GetObjectItemCaseSensitive(r->json, "objects");
}

static const cJSON *field(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static long id_of(const cJSON *o)
{
	const cJSON *v = field(o, "id");
	return cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
}

/* Every object a query lists, following meta.next. Caller deletes. */
static cJSON *fetch_all(const char *resource, const char *query)
{
	cJSON *all = cJSON_CreateArray();
	struct thttp r;
	char *q = xasprintf("limit=1000%s%s", query ? "&" : "", query ? query : "");
	char *path = xasprintf("/%s/", resource);
	long st = get(path, q, &r);
	free(q);
	free(path);
	for (int guard = 0; st == 200 && guard < 1000; guard++) {
		const cJSON *o;
		cJSON_ArrayForEach(o, objects(&r)) cJSON_AddItemToArray(all, cJSON_Duplicate(o, 1));
		const char *next = cJSON_GetStringValue(meta(&r, "next"));
		if (!next)
			break;
		char *n = xstrdup(next);
		thttp_free(&r);
		st = get_raw(n, &r);
		free(n);
	}
	CU_ASSERT_EQUAL(st, 200);
	thttp_free(&r);
	return all;
}

/* The ids a filtered listing returns, as a marker array indexed by id. */
static void listed(const char *query, bool *mark, long max_id, long *count)
{
	cJSON *all = fetch_all("organization", query);
	memset(mark, 0, (size_t)(max_id + 1) * sizeof *mark);
	*count = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, all)
	{
		long id = id_of(o);
		if (id >= 1 && id <= max_id)
			mark[id] = true;
		(*count)++;
	}
	cJSON_Delete(all);
}

/* Checks that query lists exactly the organizations of `all` for which pred holds. */
typedef bool (*pred_fn)(const cJSON *o, const void *arg);
static long expect_filter(const cJSON *all, const char *query, pred_fn pred, const void *arg)
{
	bool mark[N_ORGS + 1];
	long got = 0, want = 0, wrong = 0;
	listed(query, mark, N_ORGS, &got);
	const cJSON *o;
	cJSON_ArrayForEach(o, all)
	{
		bool p = pred(o, arg);
		want += p;
		if (p != mark[id_of(o)])
			wrong++;
	}
	if (wrong || got != want)
		fprintf(stderr, "  filter %s: listed %ld, expected %ld, %ld differ\n", query, got,
			want, wrong);
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT_EQUAL(got, want);
	return want;
}

/* The seed's fields with the type each must have: b bool, i integer, I integer or null,
 * s string, t date-time, T date-time or null, u related URI or null, a array, o object,
 * * anything (the seed shows null without a type). */
static const struct {
	const char *name;
	char type;
} seed_fields[] = {
    {"_extra", 'o'},
    {"account_type", 'i'},
    {"active_client", 'b'},
    {"administrators", '*'},
    {"agreed_to_texting_user", 'u'},
    {"allowed_domains", 'a'},
    {"allowed_user_domains", 'a'},
    {"archived", 'b'},
    {"auto_enrich_supporters", 'b'},
    {"can_see_partners_users", 'b'},
    {"can_use_independent_campaigns", 'b'},
    {"created", 't'},
    {"cs_managers", 'a'},
    {"cs_managers_usernames", 's'},
    {"custom_alert_orderings", 'o'},
    {"custom_session_timeout", 'i'},
    {"date_archived", 'T'},
    {"datetime_agreed_to_texting", 'T'},
    {"default_domain", 's'},
    {"default_forward_recipient", 'u'},
    {"deliver_supporter_messages", 'b'},
    {"email_limit", 'I'},
    {"email_limit_percentage", 'i'},
    {"i360_organization", 'b'},
    {"i360_organization_and_quorum_client", 'b'},
    {"id", 'i'},
    {"internal_interaction_types", 'a'},
    {"internal_relationship_types", 'a'},
    {"ip_addresses", 'a'},
    {"is_approved", 'b'},
    {"limit_to_cs_managers", 'b'},
    {"lower_tier_bound", 'i'},
    {"max_contacts", 'i'},
    {"max_csv_size", 'i'},
    {"max_email_alerts", 'i'},
    {"max_members", 'I'},
    {"max_projects", 'i'},
    {"max_social_accounts", 'i'},
    {"name", 's'},
    {"outbox_domain_dict", 'o'},
    {"pad_unique_identifier", 'b'},
    {"partner_names", '*'},
    {"partners", 'a'},
    {"phone_numbers", 'u'},
    {"qp_action_center", 'b'},
    {"qp_consultants", 'b'},
    {"qp_contacts_documents", 'b'},
    {"qp_custom_contacts", 'b'},
    {"qp_custom_data", 'b'},
    {"qp_custom_events", 'b'},
    {"qp_custom_outbox", 'b'},
    {"qp_custom_permissions", 'b'},
    {"qp_eu", 'b'},
    {"qp_executives", 'a'},
    {"qp_external_interactions", 'b'},
    {"qp_external_relationship", 'b'},
    {"qp_federal", 'b'},
    {"qp_grassroots", 'a'},
    {"qp_internal_relationship", 'b'},
    {"qp_international", 'a'},
    {"qp_legislation_page", 'b'},
    {"qp_legislative_data", 'a'},
    {"qp_legislative_profiles", 'a'},
    {"qp_legislators", 'a'},
    {"qp_live_chat", 'b'},
    {"qp_local", 'a'},
    {"qp_local_agendas", 'b'},
    {"qp_media_monitoring", 'a'},
    {"qp_media_relations", 'a'},
    {"qp_official_documents", 'a'},
    {"qp_officials_outbox", 'b'},
    {"qp_pac", 'b'},
    {"qp_project_management", 'b'},
    {"qp_regulations", 'a'},
    {"qp_staffers", 'a'},
    {"qp_stakeholder", 'b'},
    {"qp_states", 'a'},
    {"qp_unique_ids_in_downloads", 'b'},
    {"require_issue_on_interaction", 'b'},
    {"require_issue_on_outbox", 'b'},
    {"resource_uri", 's'},
    {"share_all_custom_regions", 'b'},
    {"should_display_grassroots_registration_actions", 'b'},
    {"should_limit_editing_notes_to_admins_and_creators", 'b'},
    {"should_org_admin_see_all_org_data", 'b'},
    {"should_share_with_partners_by_default", 'b'},
    {"should_show_only_users_on_teams", 'b'},
    {"sms_limit", 'i'},
    {"sms_messages_toward_limit", 'i'},
    {"sso_enabled_for_all_users", 'b'},
    {"sso_profiles", 'u'},
    {"subdomain", 's'},
    {"trial_expiration", 'T'},
    {"updated", 't'},
    {"upper_tier_bound", 'i'},
    {"zapier_token", 's'},
};
#define N_SEED_FIELDS (sizeof seed_fields / sizeof seed_fields[0])

static bool is_datetime(const cJSON *v)
{
	const char *s = cJSON_GetStringValue(v);
	struct tm tm;
	if (!s || strlen(s) != 20)
		return false;
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return end && !*end;
}

static long parse_dt(const char *s)
{
	struct tm tm = {0};
	if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return -1;
	return (long)timegm(&tm);
}

static bool has_seed_type(const cJSON *v, char t)
{
	switch (t) {
	case 'b':
		return cJSON_IsBool(v);
	case 'i':
		return cJSON_IsNumber(v) && v->valuedouble == (double)(long)v->valuedouble;
	case 'I':
		return cJSON_IsNull(v) || has_seed_type(v, 'i');
	case 's':
		return cJSON_IsString(v);
	case 't':
		return is_datetime(v);
	case 'T':
		return cJSON_IsNull(v) || is_datetime(v);
	case 'u':
		return cJSON_IsNull(v) ||
		       (cJSON_IsString(v) && !strncmp(v->valuestring, "/quorum/api/", 12) &&
			v->valuestring[strlen(v->valuestring) - 1] == '/');
	case 'a':
		return cJSON_IsArray(v);
	case 'o':
		return cJSON_IsObject(v);
	default:
		return v != NULL;
	}
}

static void assert_seed_shape(const cJSON *o)
{
	int bad = 0;
	for (size_t i = 0; i < N_SEED_FIELDS; i++) {
		const cJSON *v = field(o, seed_fields[i].name);
		if (!v || !has_seed_type(v, seed_fields[i].type)) {
			fprintf(stderr, "  field %s missing or mistyped\n", seed_fields[i].name);
			bad++;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(o), (int)N_SEED_FIELDS);
	char want[64];
	snprintf(want, sizeof want, "/quorum/api/organization/%ld/", id_of(o));
	const char *ru = cJSON_GetStringValue(field(o, "resource_uri"));
	CU_ASSERT(ru && !strcmp(ru, want));
}

/* ---- config, shapes ---- */

TEST(contract_quorum, print_config_names_demo_credentials)
{
	start();
	char *vendor = simproc_config_value(&sp, "quorum-demo", "vendor");
	char *base = simproc_config_value(&sp, "quorum-demo", "base_url");
	char *user = simproc_config_value(&sp, "quorum-demo", "username");
	char *want = xasprintf("%s/quorum/api", sp.base);
	CU_ASSERT_STRING_EQUAL_NN(vendor, "quorum");
	CU_ASSERT_STRING_EQUAL_NN(base, want);
	CU_ASSERT_STRING_EQUAL_NN(user, "demo");
	CU_ASSERT(strlen(key) >= 8);
	CU_ASSERT_PTR_NOT_NULL(strstr(sp.config, "\n[profile quorum-demo]\nvendor = quorum\n"));
	free(vendor);
	free(base);
	free(user);
	free(want);
	stop();
}

TEST(contract_quorum, list_defaults_to_20_with_meta_and_seed_fields)
{
	start();
	struct thttp r;
	CU_ASSERT_EQUAL(get("/organization/", NULL, &r), 200);
	CU_ASSERT_FATAL(cJSON_IsObject(r.json));
	CU_ASSERT_EQUAL(meta_long(&r, "limit"), 20);
	CU_ASSERT_EQUAL(meta_long(&r, "offset"), 0);
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), N_ORGS);
	CU_ASSERT(cJSON_IsNull(meta(&r, "previous")));
	CU_ASSERT(cJSON_IsString(meta(&r, "next")));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(objects(&r)), 20);
	const cJSON *o;
	long prev = 0;
	cJSON_ArrayForEach(o, objects(&r))
	{
		assert_seed_shape(o);
		CU_ASSERT(id_of(o) > prev);
		prev = id_of(o);
	}
	thttp_free(&r);
	stop();
}

TEST(contract_quorum, generated_values_are_realistic_and_consistent)
{
	start();
	cJSON *all = fetch_all("organization", NULL);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(all), N_ORGS);
	int archived = 0, null_limits = 0, non_ascii = 0, with_partners = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, all)
	{
		const char *name = cJSON_GetStringValue(field(o, "name"));
		CU_ASSERT(name && *name);
		for (const char *p = name; p && *p; p++)
			if ((unsigned char)*p >= 0x80) {
				non_ascii++;
				break;
			}
		CU_ASSERT(strcmp(cJSON_GetStringValue(field(o, "created")),
				 cJSON_GetStringValue(field(o, "updated"))) <= 0);
		bool arch = cJSON_IsTrue(field(o, "archived"));
		archived += arch;
		/* date_archived is set exactly when the organization is archived */
		CU_ASSERT_EQUAL(arch, is_datetime(field(o, "date_archived")));
		null_limits += cJSON_IsNull(field(o, "email_limit"));
		/* partner_names names every partner; null when there are none */
		int np = cJSON_GetArraySize(field(o, "partners"));
		with_partners += np > 0;
		if (np) {
			CU_ASSERT_EQUAL(cJSON_GetArraySize(field(o, "partner_names")), np);
		} else {
			CU_ASSERT(cJSON_IsNull(field(o, "partner_names")));
		}
		CU_ASSERT(cJSON_GetArraySize(field(o, "cs_managers")) >= 1);
		CU_ASSERT(strlen(cJSON_GetStringValue(field(o, "cs_managers_usernames"))) > 0);
		CU_ASSERT_EQUAL(cJSON_IsTrue(field(o, "i360_organization_and_quorum_client")),
				cJSON_IsTrue(field(o, "i360_organization")) &&
				    cJSON_IsTrue(field(o, "active_client")));
	}
	/* a mix, not a constant */
	CU_ASSERT(archived > 0 && archived < N_ORGS);
	CU_ASSERT(null_limits > 0 && null_limits < N_ORGS);
	CU_ASSERT(with_partners > 0);
	CU_ASSERT(non_ascii > 0);
	cJSON_Delete(all);
	stop();
}

TEST(contract_quorum, detail_equals_the_list_entry)
{
	start();
	struct thttp list, one;
	CU_ASSERT_EQUAL(get("/organization/", "offset=37&limit=3", &list), 200);
	const cJSON *o = cJSON_GetArrayItem(objects(&list), 1);
	CU_ASSERT_FATAL(o != NULL);
	char *path = xasprintf("/organization/%ld/", id_of(o));
	CU_ASSERT_EQUAL(get(path, NULL, &one), 200);
	CU_ASSERT(cJSON_Compare(o, one.json, 1));
	CU_ASSERT_PTR_NULL(field(one.json, "meta")); /* bare object, no envelope */
	free(path);
	thttp_free(&list);
	thttp_free(&one);
	stop();
}

/* ---- paging ---- */

TEST(contract_quorum, next_links_chain_through_every_page)
{
	start();
	struct thttp r;
	bool seen[N_ORGS + 1] = {0};
	long count = 0, pages = 0, total = -1;
	CU_ASSERT_EQUAL(get("/organization/", "limit=30", &r), 200);
	for (;;) {
		pages++;
		total = meta_long(&r, "total_count");
		const cJSON *o;
		cJSON_ArrayForEach(o, objects(&r))
		{
			long id = id_of(o);
			CU_ASSERT(id >= 1 && id <= N_ORGS && !seen[id]);
			if (id >= 1 && id <= N_ORGS)
				seen[id] = true;
			count++;
		}
		const char *next = cJSON_GetStringValue(meta(&r, "next"));
		if (!next || pages > 20)
			break;
		/* path+query under the API, carrying the credentials as Quorum does */
		CU_ASSERT(!strncmp(next, "/quorum/api/organization/?", 26));
		CU_ASSERT_PTR_NOT_NULL(strstr(next, "username=demo"));
		CU_ASSERT_PTR_NOT_NULL(strstr(next, "api_key="));
		CU_ASSERT_PTR_NOT_NULL(strstr(next, "limit=30&offset="));
		char *n = xstrdup(next);
		thttp_free(&r);
		CU_ASSERT_EQUAL(get_raw(n, &r), 200);
		free(n);
	}
	CU_ASSERT_EQUAL(total, N_ORGS);
	CU_ASSERT_EQUAL(count, total);
	CU_ASSERT_EQUAL(pages, (N_ORGS + 29) / 30);
	CU_ASSERT(cJSON_IsNull(meta(&r, "next")));
	/* and previous walks back to the start */
	long back = 0;
	for (const char *prev; (prev = cJSON_GetStringValue(meta(&r, "previous"))) && back < 20;) {
		char *p = xstrdup(prev);
		thttp_free(&r);
		CU_ASSERT_EQUAL(get_raw(p, &r), 200);
		free(p);
		back++;
	}
	CU_ASSERT_EQUAL(back, pages - 1);
	CU_ASSERT_EQUAL(meta_long(&r, "offset"), 0);
	thttp_free(&r);
	stop();
}

TEST(contract_quorum, previous_is_null_while_offset_is_below_limit)
{
	start();
	struct thttp r;
	CU_ASSERT_EQUAL(get("/organization/", "offset=5", &r), 200);
	CU_ASSERT(cJSON_IsNull(meta(&r, "previous"))); /* Tastypie: offset - limit < 0 */
	CU_ASSERT_EQUAL(id_of(cJSON_GetArrayItem(objects(&r), 0)), 6);
	thttp_free(&r);
	CU_ASSERT_EQUAL(get("/organization/", "offset=40&limit=20", &r), 200);
	const char *prev = cJSON_GetStringValue(meta(&r, "previous"));
	CU_ASSERT(prev && strstr(prev, "limit=20&offset=20"));
	thttp_free(&r);
	stop();
}

TEST(contract_quorum, paging_edges)
{
	start();
	struct thttp r;
	/* past the end: empty page, no next */
	CU_ASSERT_EQUAL(get("/organization/", "offset=10000", &r), 200);
	CU_ASSERT(cJSON_IsArray(objects(&r)) && cJSON_GetArraySize(objects(&r)) == 0);
	CU_ASSERT(cJSON_IsNull(meta(&r, "next")));
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), N_ORGS);
	thttp_free(&r);
	/* the last partial page */
	CU_ASSERT_EQUAL(get("/organization/", "offset=240&limit=20", &r), 200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(objects(&r)), 10);
	CU_ASSERT(cJSON_IsNull(meta(&r, "next")));
	thttp_free(&r);
	/* limit=0 asks for everything, which the 1000 cap bounds */
	CU_ASSERT_EQUAL(get("/organization/", "limit=0", &r), 200);
	CU_ASSERT_EQUAL(meta_long(&r, "limit"), 1000);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(objects(&r)), N_ORGS);
	thttp_free(&r);
	CU_ASSERT_EQUAL(get("/organization/", "limit=5000", &r), 200);
	CU_ASSERT_EQUAL(meta_long(&r, "limit"), 1000);
	thttp_free(&r);
	const char *bad[] = {"limit=-1",  "limit=abc", "limit=",  "limit=1.5",
			     "offset=-1", "offset=x",  "offset=", NULL};
	for (int i = 0; bad[i]; i++) {
		CU_ASSERT_EQUAL(get("/organization/", bad[i], &r), 400);
		CU_ASSERT(cJSON_IsString(field(r.json, "error")));
		thttp_free(&r);
	}
	stop();
}

/* ---- filters ---- */

static bool ascii_ieq(const char *a, const char *b, size_t n)
{
	return strncasecmp(a, b, n) == 0;
}

static bool ascii_icontains(const char *h, const char *n)
{
	size_t hn = strlen(h), nn = strlen(n);
	for (size_t i = 0; i + nn <= hn; i++)
		if (ascii_ieq(h + i, n, nn))
			return true;
	return false;
}

struct strf {
	const char *op, *needle;
};

static bool name_pred(const cJSON *o, const void *arg)
{
	const struct strf *f = arg;
	const char *h = cJSON_GetStringValue(field(o, "name"));
	size_t hn = strlen(h), nn = strlen(f->needle);
	if (!strcmp(f->op, "exact"))
		return !strcmp(h, f->needle);
	if (!strcmp(f->op, "iexact"))
		return hn == nn && ascii_ieq(h, f->needle, nn);
	if (!strcmp(f->op, "contains"))
		return strstr(h, f->needle) != NULL;
	if (!strcmp(f->op, "icontains"))
		return ascii_icontains(h, f->needle);
	if (!strcmp(f->op, "startswith"))
		return !strncmp(h, f->needle, nn);
	if (!strcmp(f->op, "istartswith"))
		return hn >= nn && ascii_ieq(h, f->needle, nn);
	if (!strcmp(f->op, "endswith"))
		return hn >= nn && !strcmp(h + hn - nn, f->needle);
	if (!strcmp(f->op, "iendswith"))
		return hn >= nn && ascii_ieq(h + hn - nn, f->needle, nn);
	return false;
}

static void upcase(char *s)
{
	for (; *s; s++)
		*s = (char)toupper((unsigned char)*s);
}

static void check_name(const cJSON *all, const char *op, const char *needle, bool nonzero)
{
	struct strf f = {op, needle};
	char *e = enc(needle);
	char *q = op[0] ? xasprintf("name__%s=%s", op, e) : xasprintf("name=%s", e);
	if (!op[0])
		f.op = "exact";
	long n = expect_filter(all, q, name_pred, &f);
	if (nonzero)
		CU_ASSERT(n > 0);
	free(q);
	free(e);
}

TEST(contract_quorum, name_filters_match_their_definitions)
{
	start();
	cJSON *all = fetch_all("organization", NULL);
	/* needles from a real plain name "First Second Suffix" */
	const char *name = NULL;
	const cJSON *o;
	cJSON_ArrayForEach(o, all)
	{
		const char *n = cJSON_GetStringValue(field(o, "name"));
		int spaces = 0;
		for (const char *p = n; *p; p++)
			spaces += *p == ' ';
		if (!name && spaces == 2 && ((const unsigned char *)n)[0] < 0x80)
			name = n;
	}
	CU_ASSERT_FATAL(name != NULL);
	char first[64], second[64], suffix[64], up[64];
	CU_ASSERT_FATAL(sscanf(name, "%63s %63s %63s", first, second, suffix) == 3);
	check_name(all, "", name, true);
	check_name(all, "exact", name, true);
	snprintf(up, sizeof up, "%s", name);
	upcase(up);
	check_name(all, "iexact", up, true);
	check_name(all, "exact", up, false);
	check_name(all, "contains", second, true);
	snprintf(up, sizeof up, "%s", second);
	upcase(up);
	check_name(all, "icontains", up, true);
	check_name(all, "contains", up, false); /* case-sensitive: the upper case finds none */
	check_name(all, "startswith", first, true);
	snprintf(up, sizeof up, "%.3s", first);
	upcase(up);
	check_name(all, "istartswith", up, true);
	check_name(all, "endswith", suffix, true);
	snprintf(up, sizeof up, " %.60s", suffix);
	upcase(up);
	check_name(all, "iendswith", up, true);

	/* name__in: comma-separated, and repeated parameters add up */
	const char *n1 = cJSON_GetStringValue(field(cJSON_GetArrayItem(all, 3), "name"));
	const char *n2 = cJSON_GetStringValue(field(cJSON_GetArrayItem(all, 8), "name"));
	char *e1 = enc(n1), *e2 = enc(n2);
	char *q = xasprintf("name__in=%s%%2C%s,no-such-name", e1, e2);
	struct thttp r;
	CU_ASSERT_EQUAL(get("/organization/", q, &r), 200);
	long want = 0;
	cJSON_ArrayForEach(o, all)
	{
		const char *n = cJSON_GetStringValue(field(o, "name"));
		want += !strcmp(n, n1) || !strcmp(n, n2);
	}
	CU_ASSERT(want >= 2);
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), want);
	thttp_free(&r);
	free(q);
	q = xasprintf("name__in=%s&name__in=%s", e1, e2);
	CU_ASSERT_EQUAL(get("/organization/", q, &r), 200);
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), want);
	thttp_free(&r);
	free(q);
	free(e1);
	free(e2);
	cJSON_Delete(all);
	stop();
}

TEST(contract_quorum, case_insensitive_filters_fold_non_ascii)
{
	start();
	struct thttp r;
	/* "Ærø Café Ελλάς" */
	CU_ASSERT_EQUAL(patch(7,
			      "{\"name\":\"\xc3\x86r\xc3\xb8 Caf\xc3\xa9 "
			      "\xce\x95\xce\xbb\xce\xbb\xce\xac\xcf\x82\"}",
			      &r),
			200);
	thttp_free(&r);
	/* "æRØ CAFÉ" */
	CU_ASSERT_EQUAL(get("/organization/", "name__icontains=%C3%A6R%C3%98%20CAF%C3%89", &r),
			200);
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), 1);
	CU_ASSERT_EQUAL(id_of(cJSON_GetArrayItem(objects(&r), 0)), 7);
	thttp_free(&r);
	/* "ærø café ελλάσ": iexact folds Greek too, final sigma included */
	CU_ASSERT_EQUAL(
	    get("/organization/",
		"name__iexact=%C3%A6r%C3%B8%20caf%C3%A9%20%CE%B5%CE%BB%CE%BB%CE%AC%CF%83", &r),
	    200);
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), 1);
	thttp_free(&r);
	/* case-sensitive contains does not fold */
	CU_ASSERT_EQUAL(get("/organization/", "name__contains=%C3%A6R%C3%98", &r), 200);
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), 0);
	thttp_free(&r);
	stop();
}

struct numf {
	const char *field, *op;
	long v, v2;
};

static bool num_pred(const cJSON *o, const void *arg)
{
	const struct numf *f = arg;
	const cJSON *v = field(o, f->field);
	if (!strcmp(f->op, "isnull"))
		return cJSON_IsNull(v) == (f->v != 0);
	if (!cJSON_IsNumber(v))
		return false;
	long x = (long)v->valuedouble;
	if (!strcmp(f->op, "exact"))
		return x == f->v;
	if (!strcmp(f->op, "in"))
		return x == f->v || x == f->v2;
	if (!strcmp(f->op, "gt"))
		return x > f->v;
	if (!strcmp(f->op, "gte"))
		return x >= f->v;
	if (!strcmp(f->op, "lt"))
		return x < f->v;
	return x <= f->v;
}

TEST(contract_quorum, numeric_filters_match_their_definitions)
{
	start();
	cJSON *all = fetch_all("organization", NULL);
	const char *fields[] = {"email_limit", "max_members"};
	for (int k = 0; k < 2; k++) {
		/* a value some organization really has, and another one */
		long v = -1, v2 = -1;
		const cJSON *o;
		cJSON_ArrayForEach(o, all)
		{
			const cJSON *x = field(o, fields[k]);
			if (cJSON_IsNumber(x) && v < 0)
				v = (long)x->valuedouble;
			else if (cJSON_IsNumber(x) && (long)x->valuedouble != v && v2 < 0)
				v2 = (long)x->valuedouble;
		}
		CU_ASSERT_FATAL(v >= 0 && v2 >= 0);
		const char *ops[] = {"exact", "in", "gt", "gte", "lt", "lte"};
		for (int i = 0; i < 6; i++) {
			struct numf f = {fields[k], ops[i], v, v2};
			char *q = !strcmp(ops[i], "exact") ? xasprintf("%s=%ld", fields[k], v)
				  : !strcmp(ops[i], "in")
				      ? xasprintf("%s__in=%ld,%ld", fields[k], v, v2)
				      : xasprintf("%s__%s=%ld", fields[k], ops[i], v);
			CU_ASSERT(expect_filter(all, q, num_pred, &f) > 0 ||
				  !strcmp(ops[i], "gt") || !strcmp(ops[i], "lt"));
			free(q);
		}
		for (int b = 0; b < 2; b++) {
			struct numf f = {fields[k], "isnull", b, 0};
			char *q = xasprintf("%s__isnull=%s", fields[k], b ? "true" : "false");
			CU_ASSERT(expect_filter(all, q, num_pred, &f) > 0);
			free(q);
		}
	}
	cJSON_Delete(all);
	stop();
}

static bool archived_pred(const cJSON *o, const void *arg)
{
	return cJSON_IsTrue(field(o, "archived")) == *(const bool *)arg;
}

TEST(contract_quorum, archived_filter_splits_the_list)
{
	start();
	cJSON *all = fetch_all("organization", NULL);
	bool t = true, f = false;
	long a = expect_filter(all, "archived=true", archived_pred, &t);
	long b = expect_filter(all, "archived=false", archived_pred, &f);
	CU_ASSERT(a > 0 && b > 0);
	CU_ASSERT_EQUAL(a + b, N_ORGS);
	expect_filter(all, "archived=True", archived_pred, &t);
	expect_filter(all, "archived=0", archived_pred, &f);
	cJSON_Delete(all);
	stop();
}

struct arrf {
	const char *field;
	bool overlaps;
	long v[4];
	int n;
};

static bool array_pred(const cJSON *o, const void *arg)
{
	const struct arrf *f = arg;
	const cJSON *a = field(o, f->field), *e;
	if (f->overlaps) {
		cJSON_ArrayForEach(e, a) for (int i = 0; i < f->n;
					      i++) if ((long)e->valuedouble == f->v[i]) return true;
		return false;
	}
	if (cJSON_GetArraySize(a) != f->n)
		return false;
	int i = 0;
	cJSON_ArrayForEach(e, a) if ((long)e->valuedouble != f->v[i++]) return false;
	return true;
}

TEST(contract_quorum, array_filters_match_their_definitions)
{
	start();
	cJSON *all = fetch_all("organization", NULL);
	struct arrf f = {"cs_managers", true, {2, 5}, 2};
	CU_ASSERT(expect_filter(all, "cs_managers__overlaps=2,5", array_pred, &f) > 0);
	/* exact: an array some organization has, element for element */
	const cJSON *o, *two = NULL, *partnered = NULL;
	cJSON_ArrayForEach(o, all)
	{
		if (!two && cJSON_GetArraySize(field(o, "cs_managers")) == 2)
			two = o;
		if (!partnered && cJSON_GetArraySize(field(o, "partners")) > 0)
			partnered = o;
	}
	CU_ASSERT_FATAL(two && partnered);
	struct arrf ex = {"cs_managers",
			  false,
			  {(long)cJSON_GetArrayItem(field(two, "cs_managers"), 0)->valuedouble,
			   (long)cJSON_GetArrayItem(field(two, "cs_managers"), 1)->valuedouble},
			  2};
	char *q = xasprintf("cs_managers=%ld,%ld", ex.v[0], ex.v[1]);
	CU_ASSERT(expect_filter(all, q, array_pred, &ex) > 0);
	free(q);
	struct arrf pf = {"partners",
			  true,
			  {(long)cJSON_GetArrayItem(field(partnered, "partners"), 0)->valuedouble},
			  1};
	q = xasprintf("partners__overlaps=%ld", pf.v[0]);
	CU_ASSERT(expect_filter(all, q, array_pred, &pf) > 0);
	free(q);
	struct arrf none = {"partners", false, {0}, 0};
	CU_ASSERT(expect_filter(all, "partners=", array_pred, &none) > 0);
	cJSON_Delete(all);
	stop();
}

struct datef {
	char part; /* Y m d w H M S, or = for the whole timestamp */
	long v;
	const char *exact;
};

static bool date_pred(const cJSON *o, const void *arg)
{
	const struct datef *f = arg;
	const char *s = cJSON_GetStringValue(field(o, "updated"));
	if (f->part == '=')
		return !strcmp(s, f->exact);
	time_t t = (time_t)parse_dt(s);
	struct tm tm;
	gmtime_r(&t, &tm);
	long x = f->part == 'Y'	  ? tm.tm_year + 1900
		 : f->part == 'm' ? tm.tm_mon + 1
		 : f->part == 'd' ? tm.tm_mday
		 : f->part == 'w' ? tm.tm_wday + 1
		 : f->part == 'H' ? tm.tm_hour
		 : f->part == 'M' ? tm.tm_min
				  : tm.tm_sec;
	return x == f->v;
}

TEST(contract_quorum, updated_date_part_filters_match_their_definitions)
{
	start();
	cJSON *all = fetch_all("organization", NULL);
	const char *u = cJSON_GetStringValue(field(cJSON_GetArrayItem(all, 11), "updated"));
	time_t t = (time_t)parse_dt(u);
	struct tm tm;
	gmtime_r(&t, &tm);
	const struct {
		const char *name;
		char part;
		long v;
	} parts[] = {
	    {"year", 'Y', tm.tm_year + 1900}, {"month", 'm', tm.tm_mon + 1},
	    {"day", 'd', tm.tm_mday},	      {"week_day", 'w', tm.tm_wday + 1},
	    {"hour", 'H', tm.tm_hour},	      {"minute", 'M', tm.tm_min},
	    {"second", 'S', tm.tm_sec},
	};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		struct datef f = {parts[i].part, parts[i].v, NULL};
		char *q = xasprintf("updated__%s=%ld", parts[i].name, parts[i].v);
		CU_ASSERT(expect_filter(all, q, date_pred, &f) > 0);
		free(q);
	}
	struct datef ex = {'=', 0, u};
	char *q = xasprintf("updated=%s", u);
	CU_ASSERT(expect_filter(all, q, date_pred, &ex) > 0);
	free(q);
	cJSON_Delete(all);
	stop();
}

TEST(contract_quorum, id_filter_and_filters_combine_with_and)
{
	start();
	struct thttp r;
	CU_ASSERT_EQUAL(get("/organization/", "id=42", &r), 200);
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), 1);
	CU_ASSERT_EQUAL(id_of(cJSON_GetArrayItem(objects(&r), 0)), 42);
	thttp_free(&r);
	CU_ASSERT_EQUAL(get("/organization/", "id=42&archived=false&archived=true", &r), 200);
	/* the last repeat wins, as in Django's QueryDict */
	long arch = meta_long(&r, "total_count");
	thttp_free(&r);
	CU_ASSERT_EQUAL(get("/organization/42/", NULL, &r), 200);
	CU_ASSERT_EQUAL(arch, cJSON_IsTrue(field(r.json, "archived")) ? 1 : 0);
	thttp_free(&r);

	cJSON *all = fetch_all("organization", "archived=false&email_limit__gte=10000");
	const cJSON *o;
	CU_ASSERT(cJSON_GetArraySize(all) > 0);
	cJSON_ArrayForEach(o, all)
	{
		CU_ASSERT(cJSON_IsFalse(field(o, "archived")));
		CU_ASSERT(cJSON_IsNumber(field(o, "email_limit")) &&
			  field(o, "email_limit")->valuedouble >= 10000);
	}
	cJSON_Delete(all);
	stop();
}

TEST(contract_quorum, filters_that_exclude_everything_give_zero)
{
	start();
	const char *qs[] = {"name__icontains=zzqqxxnothing",
			    "email_limit__gt=999999999",
			    "max_members__lt=0",
			    "id=999999",
			    "updated__year=1990",
			    "cs_managers__overlaps=77",
			    "name__in=",
			    "email_limit__in=",
			    "archived=none",
			    NULL};
	for (int i = 0; qs[i]; i++) {
		struct thttp r;
		CU_ASSERT_EQUAL(get("/organization/", qs[i], &r), 200);
		CU_ASSERT_EQUAL(meta_long(&r, "total_count"), 0);
		CU_ASSERT_EQUAL(cJSON_GetArraySize(objects(&r)), 0);
		CU_ASSERT(cJSON_IsNull(meta(&r, "next")));
		thttp_free(&r);
	}
	stop();
}

TEST(contract_quorum, filter_values_of_the_wrong_type_are_400)
{
	start();
	const char *qs[] = {"email_limit=abc",
			    "email_limit__in=1,x",
			    "max_members__gte=1.5",
			    "archived=maybe",
			    "email_limit__isnull=perhaps",
			    "updated__year=soon",
			    "updated=yesterday",
			    "updated=2023-02-30",
			    "id=abc",
			    "cs_managers__overlaps=a",
			    "partners=1,b",
			    NULL};
	for (int i = 0; qs[i]; i++) {
		struct thttp r;
		CU_ASSERT_EQUAL(get("/organization/", qs[i], &r), 400);
		CU_ASSERT(cJSON_IsString(field(r.json, "error")));
		thttp_free(&r);
	}
	stop();
}

TEST(contract_quorum, unlisted_qualifiers_and_fields_are_400_unknown_params_ignored)
{
	start();
	const char *qs[] = {"name__gt=a",
			    "id__in=1,2",
			    "updated__gte=2020-01-01",
			    "archived__isnull=true",
			    "name__regex=.*",
			    "name__icontains__x=a",
			    "updated__year__gte=2020",
			    "subdomain=x",
			    "zapier_token__isnull=true",
			    "order_by=name",
			    "name__bogus=x",
			    NULL};
	struct thttp r;
	for (int i = 0; qs[i]; i++) {
		CU_ASSERT_EQUAL(get("/organization/", qs[i], &r), 400);
		CU_ASSERT(cJSON_IsString(field(r.json, "error")));
		thttp_free(&r);
	}
	/* a parameter that names no field is ignored, as Tastypie does */
	CU_ASSERT_EQUAL(get("/organization/", "colour=blue&format=json", &r), 200);
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), N_ORGS);
	thttp_free(&r);
	stop();
}

TEST(contract_quorum, filters_are_repeated_in_next_links)
{
	start();
	struct thttp r;
	CU_ASSERT_EQUAL(get("/organization/", "archived=false&limit=50", &r), 200);
	long total = meta_long(&r, "total_count"), count = 0;
	CU_ASSERT(total > 50);
	for (int guard = 0; guard < 20; guard++) {
		const cJSON *o;
		cJSON_ArrayForEach(o, objects(&r))
		{
			CU_ASSERT(cJSON_IsFalse(field(o, "archived")));
			count++;
		}
		const char *next = cJSON_GetStringValue(meta(&r, "next"));
		if (!next)
			break;
		CU_ASSERT_PTR_NOT_NULL(strstr(next, "archived=false"));
		char *n = xstrdup(next);
		thttp_free(&r);
		CU_ASSERT_EQUAL(get_raw(n, &r), 200);
		free(n);
	}
	CU_ASSERT_EQUAL(count, total);
	thttp_free(&r);
	stop();
}

/* ---- paths, auth, methods ---- */

TEST(contract_quorum, missing_trailing_slash_redirects_301)
{
	start();
	struct thttp r;
	CU_ASSERT_EQUAL(get("/organization", "limit=5", &r), 301);
	char *loc = thttp_header(&r, "Location");
	CU_ASSERT(loc && !strncmp(loc, "/quorum/api/organization/?", 26));
	CU_ASSERT(loc && strstr(loc, "limit=5") && strstr(loc, "api_key="));
	thttp_free(&r);
	/* following it lands on the list */
	if (loc) {
		CU_ASSERT_EQUAL(get_raw(loc, &r), 200);
	}
	CU_ASSERT_EQUAL(meta_long(&r, "limit"), 5);
	thttp_free(&r);
	free(loc);
	CU_ASSERT_EQUAL(get("/organization/3", NULL, &r), 301);
	loc = thttp_header(&r, "Location");
	CU_ASSERT(loc && !strncmp(loc, "/quorum/api/organization/3/?", 28));
	free(loc);
	thttp_free(&r);
	/* a PATCH without the slash is redirected, not applied */
	CU_ASSERT_EQUAL(get("/organization/3/", NULL, &r), 200);
	char *before = xstrdup(cJSON_GetStringValue(field(r.json, "updated")));
	thttp_free(&r);
	const char *json[] = {"Content-Type: application/json", NULL};
	char *u = xasprintf("%s/quorum/api/organization/3?username=demo&api_key=%s", sp.base, key);
	CU_ASSERT_EQUAL(thttp_do("PATCH", u, json, NULL, "{\"max_projects\": 7}", &r), 301);
	thttp_free(&r);
	free(u);
	CU_ASSERT_EQUAL(get("/organization/3/", NULL, &r), 200);
	CU_ASSERT_STRING_EQUAL_NN(cJSON_GetStringValue(field(r.json, "updated")), before);
	thttp_free(&r);
	free(before);
	stop();
}

TEST(contract_quorum, bad_credentials_are_401)
{
	start();
	const char *paths[] = {"/organization/", "/organization/1/", "/user/", "/user/11/", NULL};
	for (int i = 0; paths[i]; i++) {
		/* K stands for the right key */
		const char *creds[] = {"",
				       "?username=demo",
				       "?api_key=K",
				       "?username=demo&api_key=wrong",
				       "?username=someone&api_key=K",
				       "?user_name=demo&api_key=K",
				       "?username=DEMO&api_key=K",
				       NULL};
		for (int c = 0; creds[c]; c++) {
			size_t cl = strlen(creds[c]);
			bool k = cl && creds[c][cl - 1] == 'K';
			char *pq = xasprintf("/quorum/api%s%.*s%s", paths[i], (int)(cl - k),
					     creds[c], k ? key : "");
			struct thttp r;
			CU_ASSERT_EQUAL(get_raw(pq, &r), 401);
			CU_ASSERT(cJSON_IsString(field(r.json, "error")));
			thttp_free(&r);
			free(pq);
		}
	}
	/* and a PATCH with a wrong key changes nothing */
	struct thttp r;
	const char *json[] = {"Content-Type: application/json", NULL};
	char *u = xasprintf("%s/quorum/api/organization/2/?username=demo&api_key=nope", sp.base);
	CU_ASSERT_EQUAL(thttp_do("PATCH", u, json, NULL, "{\"name\":\"Hijacked\"}", &r), 401);
	thttp_free(&r);
	free(u);
	CU_ASSERT_EQUAL(get("/organization/2/", NULL, &r), 200);
	CU_ASSERT(strcmp(cJSON_GetStringValue(field(r.json, "name")), "Hijacked") != 0);
	thttp_free(&r);
	stop();
}

TEST(contract_quorum, unknown_ids_and_paths_are_404)
{
	start();
	const char *paths[] = {"/organization/999999/",
			       "/organization/0/",
			       "/organization/abc/",
			       "/organization/1/extra/",
			       "/user/999999/",
			       "/bogus/",
			       NULL};
	for (int i = 0; paths[i]; i++) {
		struct thttp r;
		CU_ASSERT_EQUAL(get(paths[i], NULL, &r), 404);
		CU_ASSERT(cJSON_IsString(field(r.json, "error")));
		thttp_free(&r);
	}
	struct thttp r;
	CU_ASSERT_EQUAL(patch(999999, "{\"name\":\"x\"}", &r), 404);
	thttp_free(&r);
	stop();
}

TEST(contract_quorum, undocumented_methods_are_405)
{
	start();
	struct thttp r;
	const struct {
		const char *method, *path, *allow;
	} cases[] = {
	    {"POST", "/organization/", "GET"},
	    {"DELETE", "/organization/1/", "GET,PATCH"},
	    {"PUT", "/organization/1/", "GET,PATCH"},
	    {"PATCH", "/organization/", "GET"},
	    {"PATCH", "/user/11/", "GET"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *u = xasprintf("%s/quorum/api%s?username=demo&api_key=%s", sp.base,
				    cases[i].path, key);
		CU_ASSERT_EQUAL(thttp_do(cases[i].method, u, NULL, NULL, "{}", &r), 405);
		char *allow = thttp_header(&r, "Allow");
		CU_ASSERT_STRING_EQUAL_NN(allow, cases[i].allow);
		free(allow);
		thttp_free(&r);
		free(u);
	}
	CU_ASSERT_EQUAL(get("/organization/1/", NULL, &r), 200); /* DELETE did nothing */
	thttp_free(&r);
	stop();
}

/* ---- PATCH ---- */

TEST(contract_quorum, patch_changes_only_given_fields_and_moves_updated)
{
	start();
	struct thttp before, r, after;
	CU_ASSERT_EQUAL(get("/organization/12/", NULL, &before), 200);
	CU_ASSERT_EQUAL(patch(12,
			      "{\"name\":\"Renamed Org\",\"max_members\":null,"
			      "\"qp_states\":[5,9],\"active_client\":false}",
			      &r),
			200);
	assert_seed_shape(r.json);
	CU_ASSERT_STRING_EQUAL_NN(cJSON_GetStringValue(field(r.json, "name")), "Renamed Org");
	CU_ASSERT(cJSON_IsNull(field(r.json, "max_members")));
	CU_ASSERT(cJSON_IsFalse(field(r.json, "active_client")));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(field(r.json, "qp_states")), 2);
	long t0 = parse_dt(cJSON_GetStringValue(field(before.json, "updated")));
	long t1 = parse_dt(cJSON_GetStringValue(field(r.json, "updated")));
	CU_ASSERT(t1 > t0);
	/* everything else as it was (bar what Quorum derives from the changed fields) */
	const char *changed[] = {"name",      "max_members",
				 "qp_states", "active_client",
				 "updated",   "i360_organization_and_quorum_client",
				 NULL};
	const cJSON *f;
	int differ = 0;
	cJSON_ArrayForEach(f, before.json)
	{
		bool skip = false;
		for (int i = 0; changed[i]; i++)
			skip |= !strcmp(f->string, changed[i]);
		if (!skip && !cJSON_Compare(f, field(r.json, f->string), 1)) {
			fprintf(stderr, "  %s changed\n", f->string);
			differ++;
		}
	}
	CU_ASSERT_EQUAL(differ, 0);
	/* the change is stored, and a second PATCH moves updated again */
	CU_ASSERT_EQUAL(get("/organization/12/", NULL, &after), 200);
	CU_ASSERT(cJSON_Compare(r.json, after.json, 1));
	thttp_free(&after);
	thttp_free(&r);
	CU_ASSERT_EQUAL(patch(12, "{}", &r), 200);
	CU_ASSERT(parse_dt(cJSON_GetStringValue(field(r.json, "updated"))) > t1);
	thttp_free(&r);
	/* and filters see the new values */
	CU_ASSERT_EQUAL(
	    get("/organization/", "name__iexact=renamed%20org&max_members__isnull=true", &r), 200);
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), 1);
	thttp_free(&r);
	thttp_free(&before);
	stop();
}

TEST(contract_quorum, patch_rejects_unknown_readonly_and_mistyped_fields)
{
	start();
	struct thttp before, r;
	CU_ASSERT_EQUAL(get("/organization/20/", NULL, &before), 200);
	const char *bodies[] = {
	    "{\"bogus\":1}",
	    "{\"id\":20}",
	    "{\"updated\":\"2024-01-01T00:00:00Z\"}",
	    "{\"resource_uri\":\"/x/\"}",
	    "{\"cs_managers_usernames\":\"x\"}",
	    "{\"max_members\":\"ten\"}",
	    "{\"max_members\":-3}",
	    "{\"email_limit\":1.5}",
	    "{\"archived\":\"yes\"}",
	    "{\"name\":\"\"}",
	    "{\"name\":42}",
	    "{\"qp_states\":[\"CA\"]}",
	    "{\"allowed_domains\":\"a.com\"}",
	    "{\"partners\":[99999]}",
	    "{\"cs_managers\":[500]}",
	    "{\"trial_expiration\":\"next week\"}",
	    "{\"name\":\"Fine\",\"bogus\":1}", /* all or nothing */
	    "not json",
	    "[1,2]",
	    NULL,
	};
	for (int i = 0; bodies[i]; i++) {
		CU_ASSERT_EQUAL(patch(20, bodies[i], &r), 400);
		CU_ASSERT(cJSON_IsString(field(r.json, "error")));
		thttp_free(&r);
	}
	/* JSON only: a form body is refused */
	const char *form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	char *u =
	    xasprintf("%s/quorum/api/organization/20/?username=demo&api_key=%s", sp.base, key);
	CU_ASSERT_EQUAL(thttp_do("PATCH", u, form, NULL, "name=Form", &r), 415);
	thttp_free(&r);
	free(u);
	CU_ASSERT_EQUAL(get("/organization/20/", NULL, &r), 200);
	CU_ASSERT(cJSON_Compare(before.json, r.json, 1));
	thttp_free(&r);
	thttp_free(&before);
	stop();
}

TEST(contract_quorum, patch_archiving_sets_date_archived_and_partners_update_names)
{
	start();
	struct thttp r, p;
	/* an organization that is not archived */
	CU_ASSERT_EQUAL(get("/organization/", "archived=false&limit=1", &r), 200);
	long id = id_of(cJSON_GetArrayItem(objects(&r), 0));
	thttp_free(&r);
	CU_ASSERT_FATAL(id > 0);
	CU_ASSERT_EQUAL(patch(id, "{\"archived\":true,\"partners\":[1,2]}", &r), 200);
	CU_ASSERT(cJSON_IsTrue(field(r.json, "archived")));
	CU_ASSERT_STRING_EQUAL_NN(cJSON_GetStringValue(field(r.json, "date_archived")),
				  cJSON_GetStringValue(field(r.json, "updated")));
	CU_ASSERT_EQUAL(get("/organization/2/", NULL, &p), 200);
	CU_ASSERT_STRING_EQUAL_NN(
	    cJSON_GetStringValue(cJSON_GetArrayItem(field(r.json, "partner_names"), 1)),
	    cJSON_GetStringValue(field(p.json, "name")));
	thttp_free(&p);
	thttp_free(&r);
	CU_ASSERT_EQUAL(patch(id, "{\"archived\":false}", &r), 200);
	CU_ASSERT(cJSON_IsNull(field(r.json, "date_archived")));
	thttp_free(&r);
	stop();
}

/* ---- users ---- */

TEST(contract_quorum, users_filter_by_organization)
{
	start();
	struct thttp org, r;
	CU_ASSERT_EQUAL(get("/organization/9/", NULL, &org), 200);
	CU_ASSERT_EQUAL(get("/user/", "organization=9", &r), 200);
	long n = meta_long(&r, "total_count");
	CU_ASSERT(n >= 1 && n <= 4);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(objects(&r)), n);
	const cJSON *u;
	cJSON_ArrayForEach(u, objects(&r))
	{
		CU_ASSERT_STRING_EQUAL_NN(cJSON_GetStringValue(field(u, "organization")),
					  "/quorum/api/organization/9/");
		const char *email = cJSON_GetStringValue(field(u, "email"));
		CU_ASSERT(email && strchr(email, '@'));
		CU_ASSERT(cJSON_IsString(field(u, "username")));
		CU_ASSERT(cJSON_IsBool(field(u, "is_active")));
		CU_ASSERT(is_datetime(field(u, "date_joined")));
	}
	/* the organization's administrators are among its users */
	const char *admin =
	    cJSON_GetStringValue(cJSON_GetArrayItem(field(org.json, "administrators"), 0));
	bool found = false;
	cJSON_ArrayForEach(u, objects(&r)) found |=
	    admin && !strcmp(cJSON_GetStringValue(field(u, "resource_uri")), admin);
	CU_ASSERT(found);
	thttp_free(&r);
	thttp_free(&org);
	/* organization__in, and nothing for an organization that does not exist */
	CU_ASSERT_EQUAL(get("/user/", "organization__in=9,10", &r), 200);
	CU_ASSERT(meta_long(&r, "total_count") > n);
	thttp_free(&r);
	CU_ASSERT_EQUAL(get("/user/", "organization=99999", &r), 200);
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), 0);
	thttp_free(&r);
	CU_ASSERT_EQUAL(get("/user/", "organization=x", &r), 400);
	thttp_free(&r);
	stop();
}

TEST(contract_quorum, user_filters_detail_and_paging)
{
	start();
	cJSON *all = fetch_all("user", NULL);
	long total = cJSON_GetArraySize(all);
	CU_ASSERT(total >= N_ORGS);
	const cJSON *u0 = cJSON_GetArrayItem(all, 5);
	long uid = id_of(u0);
	struct thttp r;
	char *path = xasprintf("/user/%ld/", uid);
	CU_ASSERT_EQUAL(get(path, NULL, &r), 200);
	CU_ASSERT(cJSON_Compare(u0, r.json, 1));
	thttp_free(&r);
	free(path);
	/* email__icontains with an upper-cased domain */
	const char *email = cJSON_GetStringValue(field(u0, "email"));
	char dom[128];
	snprintf(dom, sizeof dom, "%s", strchr(email, '@') + 1);
	upcase(dom);
	char *q = xasprintf("email__icontains=%s", dom);
	cJSON *hits = fetch_all("user", q);
	free(q);
	long want = 0;
	const cJSON *u;
	cJSON_ArrayForEach(u, all) want +=
	    ascii_icontains(cJSON_GetStringValue(field(u, "email")), dom);
	CU_ASSERT(want >= 1);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(hits), want);
	cJSON_Delete(hits);
	/* username qualifiers work; the bare username= is the credential, not a filter */
	const char *uname = cJSON_GetStringValue(field(u0, "username"));
	q = xasprintf("username__iexact=%s", uname);
	upcase(q + strlen("username__iexact="));
	CU_ASSERT_EQUAL(get("/user/", q, &r), 200);
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), 1);
	thttp_free(&r);
	free(q);
	/* is_active splits the users */
	long act = 0;
	cJSON_ArrayForEach(u, all) act += cJSON_IsTrue(field(u, "is_active"));
	CU_ASSERT_EQUAL(get("/user/", "is_active=false", &r), 200);
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), total - act);
	thttp_free(&r);
	/* date_joined__year */
	char year[5];
	snprintf(year, sizeof year, "%s", cJSON_GetStringValue(field(u0, "date_joined")));
	long in_year = 0;
	cJSON_ArrayForEach(u, all) in_year +=
	    !strncmp(cJSON_GetStringValue(field(u, "date_joined")), year, 4);
	q = xasprintf("date_joined__year=%s", year);
	CU_ASSERT_EQUAL(get("/user/", q, &r), 200);
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), in_year);
	thttp_free(&r);
	free(q);
	/* not filterable, bad paging */
	CU_ASSERT_EQUAL(get("/user/", "first_name=Bob", &r), 400);
	thttp_free(&r);
	CU_ASSERT_EQUAL(get("/user/", "limit=-5", &r), 400);
	thttp_free(&r);
	cJSON_Delete(all);
	stop();
}

/* ---- faults, hostile data, determinism, scale ---- */

TEST(contract_quorum, injected_faults_use_quorum_envelope)
{
	const char *codes[] = {"500=1", "503=1", "429=1"};
	const long want[] = {500, 503, 429};
	for (int i = 0; i < 3; i++) {
		const char *const args[] = {"--orgs",	"5",	  "--dialects", "quorum",
					    "--faults", codes[i], NULL};
		start_with(args);
		struct thttp r;
		CU_ASSERT_EQUAL(get("/organization/", NULL, &r), want[i]);
		CU_ASSERT_FATAL(cJSON_IsObject(r.json));
		if (want[i] >= 500) {
			CU_ASSERT(cJSON_IsString(field(r.json, "error_message")));
		} else {
			CU_ASSERT(cJSON_IsString(field(r.json, "error")));
		}
		thttp_free(&r);
		stop();
	}
}

TEST(contract_quorum, hostile_names_stay_inside_json_strings)
{
	const char *const args[] = {"--orgs", "20", "--dialects", "quorum", "--hostile", NULL};
	start_with(args);
	struct thttp r;
	CU_ASSERT_EQUAL(get("/organization/", "limit=20", &r), 200);
	CU_ASSERT_FATAL(r.json != NULL);
	/* control characters are escaped, never raw in the body */
	bool raw_esc = false;
	for (size_t i = 0; i < r.len; i++)
		raw_esc |= r.body[i] == 0x1b;
	CU_ASSERT(!raw_esc);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\\u001b"));
	const char *n0 = cJSON_GetStringValue(field(cJSON_GetArrayItem(objects(&r), 0), "name"));
	CU_ASSERT(n0 && strchr(n0, 0x1b));
	thttp_free(&r);
	/* and a filter on such a name still works */
	CU_ASSERT_EQUAL(get("/organization/", "name__startswith=Evil%1B", &r), 200);
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), 1);
	thttp_free(&r);
	stop();
}

static char *first_page(const char *seed)
{
	const char *const args[] = {"--orgs", "30", "--dialects", "quorum", "--seed", seed, NULL};
	start_with(args);
	struct thttp r;
	CU_ASSERT_EQUAL(get("/organization/", "limit=30", &r), 200);
	char *body = cJSON_PrintUnformatted(objects(&r));
	thttp_free(&r);
	stop();
	return body;
}

TEST(contract_quorum, same_seed_same_data)
{
	char *a = first_page("7"), *b = first_page("7"), *c = first_page("8");
	CU_ASSERT_STRING_EQUAL_NN(a, b);
	CU_ASSERT(a && c && strcmp(a, c) != 0);
	free(a);
	free(b);
	free(c);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST(contract_quorum, unfiltered_paging_stays_fast_on_100k_orgs)
{
	const char *const args[] = {"--orgs", "100000", "--dialects", "quorum", NULL};
	start_with(args);
	struct thttp r;
	double t0 = now_s();
	CU_ASSERT_EQUAL(get("/organization/", "offset=99980", &r), 200);
	double t1 = now_s();
	CU_ASSERT_EQUAL(meta_long(&r, "total_count"), 100000);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(objects(&r)), 20);
	CU_ASSERT_EQUAL(id_of(cJSON_GetArrayItem(objects(&r), 19)), 100000);
	CU_ASSERT(cJSON_IsNull(meta(&r, "next")));
	thttp_free(&r);
	/* generous: sanitizer builds are several times slower */
	CU_ASSERT(t1 - t0 < 2.0);
	stop();
}
