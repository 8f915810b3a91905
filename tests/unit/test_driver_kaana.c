/* The Kaana driver on seed 003's documented shapes (its examples: id 1, "Acme Corporation",
 * customer, active, Technology, https://acme.example.com), metadata as custom fields, the
 * requests of every seed endpoint, both auth modes, and its errors. */
#include "model/config.h"
#include "model/vendor.h"
#include "tests/support/tsuite.h"
#include "tests/support/vexec.h"

#include <stdlib.h>
#include <string.h>

/* The seed's Organization with its example values. */
static const char seed_org[] =
    "{\"id\": 1, \"name\": \"Acme Corporation\", \"type\": \"customer\", \"status\": \"active\","
    " \"industry\": \"Technology\", \"website\": \"https://acme.example.com\","
    " \"description\": null,"
    " \"metadata\": {\"accountTier\": \"Gold\", \"employees\": 1200, \"flags\": {\"vip\": true}},"
    " \"createdAt\": \"2023-01-15T09:30:00.000Z\", \"updatedAt\": \"2023-11-14T22:13:20.125Z\"}";

static const char seed_members[] =
    "[{\"organizationId\": 1, \"contactId\": 17, \"role\": \"project_manager\"},"
    " {\"organizationId\": 1, \"contactId\": 42, \"role\": \"stakeholder\"}]";

#define KEY "kaana-k3y-0123456789"
#define SID "s%3Asess10n.cookie"

static struct profile key_profile(void)
{
	static struct kv kv[] = {{"api_key", KEY}};
	struct profile p = {
	    .name = "t", .base_url = "https://app.kaana.com/api", .kv = kv, .nkv = 1};
	p.vendor = vendor_find("kaana");
	return p;
}

static struct profile cookie_profile(void)
{
	static struct kv kv[] = {{"session_cookie", SID}};
	struct profile p = {
	    .name = "t", .base_url = "https://app.kaana.com/api", .kv = kv, .nkv = 1};
	p.vendor = vendor_find("kaana");
	return p;
}

static bool has_header(const struct vreq *q, const char *h)
{
	for (int i = 0; i < q->nheaders; i++)
		if (!strcmp(q->headers[i], h))
			return true;
	return false;
}

TEST(driver_kaana, parses_seed_organization_with_metadata)
{
	struct profile p = key_profile();
	struct record r;
	record_init(&r);
	struct verr e = {0};
	struct vresp rs = vresp_text(seed_org, 200);
	CU_ASSERT_FATAL(p.vendor->record_parse(&p, &rs, &r, &e));
	CU_ASSERT_STRING_EQUAL_NN(r.id, "1");
	CU_ASSERT_STRING_EQUAL_NN(r.name, "Acme Corporation");
	CU_ASSERT_STRING_EQUAL_NN(r.version, "2023-11-14T22:13:20.125Z");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "type"), "customer");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "industry"), "Technology");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "website"), "https://acme.example.com");
	CU_ASSERT(record_has(&r, "description") && !record_get(&r, "description"));
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "createdAt"), "2023-01-15T09:30:00.000Z");
	const struct record_field *f = record_field(&r, "cf:accountTier");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL_NN(f->label, "accountTier");
	CU_ASSERT_STRING_EQUAL_NN(f->value, "Gold");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "cf:employees"), "1200");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "cf:flags"), "{\"vip\":true}");
	record_free(&r);

	/* metadata null: no custom fields; no id: refused */
	record_init(&r);
	rs = vresp_text("{\"id\":2,\"name\":\"B\",\"type\":\"vendor\",\"status\":\"inactive\","
			"\"metadata\":null}",
			200);
	CU_ASSERT_FATAL(p.vendor->record_parse(&p, &rs, &r, &e));
	for (size_t i = 0; i < r.nfields; i++)
		CU_ASSERT(strncmp(r.fields[i].key, "cf:", 3));
	record_free(&r);
	record_init(&r);
	rs = vresp_text("{\"name\":\"no id\"}", 200);
	CU_ASSERT_FALSE(p.vendor->record_parse(&p, &rs, &r, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_PARSE);
	record_free(&r);
}

TEST(driver_kaana, list_is_an_array_paged_by_limit_offset)
{
	struct profile p = key_profile();
	char b[sizeof seed_org * 2 + 8];
	snprintf(b, sizeof b, "[%s,%s]", seed_org, seed_org);
	struct record_list l = {0};
	struct vpage pg;
	struct verr e = {0};
	struct vresp rs = vresp_text(b, 200);
	CU_ASSERT_FATAL(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(l.n, 2);
	CU_ASSERT_FALSE(pg.more);
	record_list_free(&l);
	rs = vresp_text("{\"error\":\"x\"}", 200);
	CU_ASSERT_FALSE(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_PARSE);
	rs = vresp_text("[{\"id\":1,\"name\":\"tru", 200);
	CU_ASSERT_FALSE(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(l.n, 0);

	/* a server that ignores limit sends everything at once: no further page */
	char *big = malloc(150 * 40 + 8);
	strcpy(big, "[");
	for (int i = 0; i < 150; i++)
		sprintf(big + strlen(big), "%s{\"id\":%d,\"name\":\"O%d\"}", i ? "," : "", i + 1,
			i + 1);
	strcat(big, "]");
	rs = vresp_text(big, 200);
	CU_ASSERT_FATAL(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(l.n, 150);
	CU_ASSERT_FALSE(pg.more);
	CU_ASSERT_EQUAL(pg.total, 150);
	record_list_free(&l);
	free(big);

	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->list_req(&p, NULL, 3, &q));
	CU_ASSERT_STRING_EQUAL_NN(q.url,
				  "https://app.kaana.com/api/organizations?limit=100&offset=300");
	CU_ASSERT(has_header(&q, "Authorization: Bearer " KEY));
	CU_ASSERT(has_header(&q, "Accept: application/json"));
	vreq_free(&q);
}

TEST(driver_kaana, session_cookie_when_there_is_no_key)
{
	struct profile p = cookie_profile();
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->get_req(&p, "1", &q));
	CU_ASSERT_STRING_EQUAL_NN(q.url, "https://app.kaana.com/api/organizations/1");
	CU_ASSERT(has_header(&q, "Cookie: connect.sid=" SID));
	for (int i = 0; i < q.nheaders; i++)
		CU_ASSERT_PTR_NULL(strstr(q.headers[i], "Authorization"));
	vreq_free(&q);
}

TEST(driver_kaana, builds_create_update_delete_duplicate)
{
	struct profile p = key_profile();
	struct record v;
	record_init(&v);
	record_set(&v, "name", "New Client Inc.");
	record_set(&v, "type", "customer");
	record_set(&v, "status", "active");
	record_set(&v, "website", "");
	record_set_labelled(&v, "cf:region", "region", "EMEA");
	record_set_labelled(&v, "cf:employees", "employees", "250");
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->create_req(&p, &v, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "POST");
	CU_ASSERT_STRING_EQUAL_NN(q.url, "https://app.kaana.com/api/organizations");
	CU_ASSERT_STRING_EQUAL_NN(q.body, "{\"name\":\"New Client Inc.\",\"type\":\"customer\","
					  "\"status\":\"active\",\"website\":null,"
					  "\"metadata\":{\"region\":\"EMEA\",\"employees\":250}}");
	CU_ASSERT(has_header(&q, "Content-Type: application/json"));
	CU_ASSERT_FALSE(q.idempotent);
	vreq_free(&q);
	record_free(&v);

	/* update: only what changed, partial PUT */
	struct record base, ch;
	record_init(&base);
	struct verr e = {0};
	struct vresp rs = vresp_text(seed_org, 200);
	CU_ASSERT_FATAL(p.vendor->record_parse(&p, &rs, &base, &e));
	record_init(&ch);
	record_set(&ch, "industry", "");
	record_set(&ch, "name", "Acme Corp");
	CU_ASSERT_FATAL(p.vendor->update_req(&p, &base, &ch, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "PUT");
	CU_ASSERT_STRING_EQUAL_NN(q.url, "https://app.kaana.com/api/organizations/1");
	CU_ASSERT_STRING_EQUAL_NN(q.body, "{\"name\":\"Acme Corp\",\"industry\":null}");
	vreq_free(&q);

	/* a custom field: the whole metadata goes, the other keys kept as they were typed */
	record_free(&ch);
	record_init(&ch);
	record_set(&ch, "cf:accountTier", "Platinum");
	record_set(&ch, "cf:newKey", "007");
	CU_ASSERT_FATAL(p.vendor->update_req(&p, &base, &ch, &q));
	CU_ASSERT_STRING_EQUAL_NN(q.body,
				  "{\"metadata\":{\"employees\":1200,\"flags\":{\"vip\":true},"
				  "\"accountTier\":\"Platinum\",\"newKey\":\"007\"}}");
	vreq_free(&q);
	record_free(&ch);

	CU_ASSERT_FATAL(p.vendor->delete_req(&p, "1", &q));
	CU_ASSERT_STRING_EQUAL(q.method, "DELETE");
	CU_ASSERT_STRING_EQUAL_NN(q.url, "https://app.kaana.com/api/organizations/1");
	vreq_free(&q);
	CU_ASSERT_FATAL(p.vendor->duplicate_req(&p, &base, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "POST");
	CU_ASSERT_STRING_EQUAL_NN(q.url, "https://app.kaana.com/api/organizations/1/duplicate");
	CU_ASSERT_FALSE(q.idempotent);
	vreq_free(&q);
	record_free(&base);
	CU_ASSERT_PTR_NULL(p.vendor->field_req);
}

TEST(driver_kaana, members_requests_and_answers)
{
	struct profile p = key_profile();
	struct record_list l = {0};
	struct vpage pg;
	struct verr e = {0};
	struct vresp rs = vresp_text(seed_members, 200);
	CU_ASSERT_FATAL(p.vendor->members_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL_FATAL(l.n, 2);
	CU_ASSERT_STRING_EQUAL_NN(l.items[0].id, "17");
	CU_ASSERT_STRING_EQUAL_NN(l.items[0].name, "Contact 17");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&l.items[0], "role"), "project_manager");
	CU_ASSERT_FALSE(pg.more);
	record_list_free(&l);

	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->members_req(&p, "1", 0, &q));
	CU_ASSERT_STRING_EQUAL_NN(q.url, "https://app.kaana.com/api/organizations/1/members");
	vreq_free(&q);
	CU_ASSERT_FATAL(p.vendor->member_add_req(&p, "1", "17", "technical_lead", &q));
	CU_ASSERT_STRING_EQUAL(q.method, "POST");
	CU_ASSERT_STRING_EQUAL_NN(q.url, "https://app.kaana.com/api/organizations/1/members");
	CU_ASSERT_STRING_EQUAL_NN(q.body, "{\"contactId\":17,\"role\":\"technical_lead\"}");
	vreq_free(&q);
	CU_ASSERT_FALSE(p.vendor->member_add_req(&p, "1", "abc", "stakeholder", &q));
	CU_ASSERT_FATAL(p.vendor->member_role_req(&p, "1", "17", "executive_sponsor", &q));
	CU_ASSERT_STRING_EQUAL(q.method, "PATCH");
	CU_ASSERT_STRING_EQUAL_NN(q.url, "https://app.kaana.com/api/organizations/1/members/17");
	CU_ASSERT_STRING_EQUAL_NN(q.body, "{\"role\":\"executive_sponsor\"}");
	vreq_free(&q);
	CU_ASSERT_FATAL(p.vendor->member_remove_req(&p, "1", "17", &q));
	CU_ASSERT_STRING_EQUAL(q.method, "DELETE");
	CU_ASSERT_STRING_EQUAL_NN(q.url, "https://app.kaana.com/api/organizations/1/members/17");
	CU_ASSERT_PTR_NULL(q.body);
	vreq_free(&q);

	/* roles lowest to highest; every one the simulator knows */
	const char *const *r = p.vendor->roles;
	CU_ASSERT_STRING_EQUAL_NN(r[0], "stakeholder");
	CU_ASSERT_STRING_EQUAL_NN(r[4], "project_manager");
	CU_ASSERT_PTR_NULL(r[5]);
}

TEST(driver_kaana, contacts_and_related_lists)
{
	struct profile p = key_profile();
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->contacts_req(&p, 1, &q));
	CU_ASSERT_STRING_EQUAL_NN(q.url, "https://app.kaana.com/api/contacts?limit=100&offset=100");
	vreq_free(&q);
	struct record_list l = {0};
	struct vpage pg;
	struct verr e = {0};
	struct vresp rs =
	    vresp_text("[{\"id\":17,\"firstName\":\"Ada\",\"lastName\":\"Lovelace\","
		       "\"email\":\"ada@example.com\"},{\"id\":18,\"name\":\"Solo\"}]",
		       200);
	CU_ASSERT_FATAL(p.vendor->contacts_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL_FATAL(l.n, 2);
	CU_ASSERT_STRING_EQUAL_NN(l.items[0].name, "Ada Lovelace");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&l.items[0], "email"), "ada@example.com");
	CU_ASSERT_STRING_EQUAL_NN(l.items[1].name, "Solo");
	record_list_free(&l);

	const char *const *k = p.vendor->related_kinds;
	CU_ASSERT(!strcmp(k[0], "tasks") && !strcmp(k[1], "projects") &&
		  !strcmp(k[2], "documents") && !k[3]);
	CU_ASSERT_FATAL(p.vendor->related_req(&p, "1", "documents", &q));
	CU_ASSERT_STRING_EQUAL_NN(q.url, "https://app.kaana.com/api/organizations/1/documents");
	vreq_free(&q);
	CU_ASSERT_FALSE(p.vendor->related_req(&p, "1", "../contacts", &q));
	rs = vresp_text(
	    "[{\"id\":11,\"organizationId\":1,\"title\":\"Kick-off\",\"status\":\"todo\","
	    "\"dueDate\":null,\"tags\":[\"a\"]}]",
	    200);
	CU_ASSERT_FATAL(p.vendor->related_parse(&p, "tasks", &rs, &l, &e));
	CU_ASSERT_EQUAL_FATAL(l.n, 1);
	CU_ASSERT_STRING_EQUAL_NN(l.items[0].name, "Kick-off");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&l.items[0], "status"), "todo");
	CU_ASSERT(record_has(&l.items[0], "dueDate"));
	CU_ASSERT_FALSE(record_has(&l.items[0], "tags"));
	record_list_free(&l);
}

static void check_error(const struct profile *p, const char *b, long status, enum verr_kind kind,
			const char *want)
{
	struct verr e = {0};
	struct vresp rs = vresp_text(b, status);
	p->vendor->error_parse(p, &rs, &e);
	CU_ASSERT_EQUAL(e.kind, kind);
	if (!strstr(e.msg, want))
		fprintf(stderr, "\n  message \"%s\" lacks \"%s\"\n", e.msg, want);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, want));
	CU_ASSERT(!strncmp(e.msg, "Kaana: ", 7));
	CU_ASSERT_PTR_NULL(strstr(e.msg, KEY));
	CU_ASSERT_PTR_NULL(strstr(e.msg, SID));
}

TEST(driver_kaana, errors_name_the_fix_and_never_the_secret)
{
	struct profile k = key_profile(), c = cookie_profile();
	check_error(&k, "{\"error\":\"Unauthorized\",\"message\":\"Invalid API key\"}", 401,
		    VERR_AUTH, "the API key was refused (Invalid API key); check api_key");
	check_error(&c, "{\"error\":\"Unauthorized\",\"message\":\"Session expired or invalid\"}",
		    401, VERR_AUTH, "copy the connect.sid cookie into session_cookie");
	check_error(&k,
		    "{\"error\":\"Forbidden\",\"message\":\"Requires consultant or admin role\"}",
		    403, VERR_FORBIDDEN,
		    "Kaana: your key's role may not create, duplicate or delete organizations "
		    "(needs consultant or admin)");
	check_error(&c,
		    "{\"error\":\"Forbidden\",\"message\":\"Requires consultant or admin role\"}",
		    403, VERR_FORBIDDEN, "your session's role");
	check_error(&k, "{\"error\":\"Not Found\",\"message\":\"Organization not found\"}", 404,
		    VERR_NOT_FOUND, "Kaana: Organization not found (HTTP 404)");
	check_error(&k, "{\"error\":\"Conflict\",\"message\":\"Contact is already a member\"}", 409,
		    VERR_CONFLICT, "already a member");
	check_error(&k, "{\"error\":\"Too Many Requests\"}", 429, VERR_RATE, "wait a minute");
	check_error(&k, "<html><head><title>502 Bad Gateway</title></head></html>", 502,
		    VERR_SERVER, "502 Bad Gateway");
	check_error(&k, "upstream connect error", 503, VERR_SERVER, "upstream connect error");
	check_error(&k, "{\"error\":\"Bad Requ", 400, VERR_INVALID, "HTTP 400");
	check_error(&k, "", 500, VERR_SERVER, "empty answer");
	check_error(&k, "{\"message\":\"key " KEY " revoked\"}", 401, VERR_AUTH, "key *** revoked");
}
