/* The HighQ driver on seed 002's own sample bodies (JSON and XML), HighQ's shape quirks
 * (object for a one-item array, numbers as strings or numbers, either list envelope), the
 * requests it builds (the seed's example query, full-replace PUT, OAuth) and its errors. */
#include "model/config.h"
#include "model/vendor.h"
#include "tests/support/tsuite.h"
#include "tests/support/vexec.h"

#include <stdlib.h>
#include <string.h>

static const char seed_json[] =
    "{\n\"organisations\": {\n\"total\": \"74\",\n\"totalCount\": \"70\",\n\"organisation\": [\n"
    "{\n\"orgid\": \"1\",\n\"name\": \"HighQ\",\n\"internal\": \"1\",\n\"status\": \"ACTIVE\",\n"
    "\"noofusers\": \"38\",\n\"createddate\": \"22 Mar 2017 14:20\",\n"
    "\"link\": \"https://divyanghp.local.com/divyang_4_live/api/4/organisations/1\"\n},\n"
    "{\n\"orgid\": \"3\",\n\"name\": \"test\",\n\"internal\": \"0\",\n\"status\": \"ACTIVE\",\n"
    "\"noofusers\": \"3\",\n\"createddate\": \"17 Oct 2017 07:33\",\n"
    "\"link\": \"https://divyanghp.local.com/divyang_4_live/api/4/organisations/3\"\n}\n]\n}\n}";

static const char seed_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<organisations>\n<total>74</total>\n<totalCount>70</totalCount>\n<organisation>\n"
    "<orgid>1</orgid>\n<name>HighQ</name>\n<internal>1</internal>\n<status>ACTIVE</status>\n"
    "<noofusers>38</noofusers>\n<createddate>22 Mar 2017 14:20</createddate>\n"
    "<link>https://divyanghp.local.com/divyang_4_live/api/4/organisations/1</link>\n"
    "</organisation>\n<organisation>\n<orgid>3</orgid>\n<name>test</name>\n"
    "<internal>0</internal>\n<status>ACTIVE</status>\n<noofusers>3</noofusers>\n"
    "<createddate>17 Oct 2017 07:33</createddate>\n"
    "<link>https://divyanghp.local.com/divyang_4_live/api/4/organisations/3</link>\n"
    "</organisation>\n</organisations>";

#define TOKEN "hq-access-5ecr3t-token"
#define CLIENT_SECRET "hq-client-5ecr3t"

static struct profile test_profile(void)
{
	static struct kv kv[] = {
	    {"client_id", "1012"},
	    {"client_secret", CLIENT_SECRET},
	    {"redirect_uri", "http://127.0.0.1:9/highq/demo/oauth-done"},
	    {"access_token", TOKEN},
	};
	struct profile p = {.name = "t",
			    .base_url = "http://example.com/context",
			    .kv = kv,
			    .nkv = sizeof kv / sizeof kv[0]};
	p.vendor = vendor_find("highq");
	return p;
}

static bool has_header(const struct vreq *q, const char *h)
{
	for (int i = 0; i < q->nheaders; i++)
		if (!strcmp(q->headers[i], h))
			return true;
	return false;
}

/* The two seed organisations, whatever the body's format. */
static void check_seed_list(const struct record_list *l, const struct vpage *pg)
{
	CU_ASSERT_EQUAL_FATAL(l->n, 2);
	const struct record *r = &l->items[0];
	CU_ASSERT_STRING_EQUAL_NN(r->id, "1");
	CU_ASSERT_STRING_EQUAL_NN(r->name, "HighQ");
	CU_ASSERT_STRING_EQUAL_NN(record_get(r, "internal"), "1");
	CU_ASSERT_STRING_EQUAL_NN(record_get(r, "status"), "active");
	CU_ASSERT_STRING_EQUAL_NN(record_get(r, "noofusers"), "38");
	CU_ASSERT_STRING_EQUAL_NN(record_get(r, "createddate"), "22 Mar 2017 14:20");
	CU_ASSERT_STRING_EQUAL_NN(
	    record_get(r, "link"),
	    "https://divyanghp.local.com/divyang_4_live/api/4/organisations/1");
	CU_ASSERT_PTR_NOT_NULL(r->raw && strstr(r->raw, "\"ACTIVE\""));
	CU_ASSERT_STRING_EQUAL_NN(l->items[1].id, "3");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&l->items[1], "createddate"), "17 Oct 2017 07:33");
	CU_ASSERT_EQUAL(pg->total, 70);
	CU_ASSERT_FALSE(pg->more);
}

TEST(driver_highq, parses_seed_json_list)
{
	struct profile p = test_profile();
	struct record_list l = {0};
	struct vpage pg;
	struct verr e = {0};
	struct vresp rs = vresp_text(seed_json, 200);
	CU_ASSERT_FATAL(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	check_seed_list(&l, &pg);
	const struct field_spec *f = vendor_field(p.vendor, "createddate");
	CU_ASSERT(f && f->type == FT_DATE);
	record_list_free(&l);
}

TEST(driver_highq, parses_seed_xml_list)
{
	struct profile p = test_profile();
	struct record_list l = {0};
	struct vpage pg;
	struct verr e = {0};
	struct vresp rs = vresp_text(seed_xml, 200);
	rs.content_type = "application/xml";
	CU_ASSERT_FATAL(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	check_seed_list(&l, &pg);
	record_list_free(&l);
	/* no Content-Type at all: the body alone says XML */
	rs.content_type = NULL;
	CU_ASSERT_FATAL(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(l.n, 2);
	record_list_free(&l);
}

TEST(driver_highq, xml_entities_cdata_and_comments)
{
	struct profile p = test_profile();
	struct record r;
	record_init(&r);
	struct verr e = {0};
	struct vresp rs =
	    vresp_text("<!-- hi --><organisation><orgid> 9 </orgid>"
		       "<name>Smith &amp; Jones &#233;&#x4E2D;</name>"
		       "<status><![CDATA[Active]]></status><internal/>"
		       "<contact type=\"a>b\"><name>Ann</name></contact></organisation>",
		       200);
	CU_ASSERT_FATAL(p.vendor->record_parse(&p, &rs, &r, &e));
	CU_ASSERT_STRING_EQUAL_NN(r.id, "9");
	CU_ASSERT_STRING_EQUAL_NN(r.name, "Smith & Jones \xc3\xa9\xe4\xb8\xad");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "status"), "active");
	CU_ASSERT(record_has(&r, "internal") && !record_get(&r, "internal"));
	record_free(&r);
}

TEST(driver_highq, truncated_xml_is_refused)
{
	struct profile p = test_profile();
	struct record_list l = {0};
	struct vpage pg;
	struct verr e = {0};
	char cut[200];
	memcpy(cut, seed_xml, 150);
	cut[150] = '\0';
	struct vresp rs = vresp_text(cut, 200);
	CU_ASSERT_FALSE(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "HighQ"));
	CU_ASSERT_EQUAL(l.n, 0);
	/* deeper than any HighQ answer: refused, not recursed into */
	char deep[4000] = "";
	for (int i = 0; i < 300; i++)
		strcat(deep, "<a>");
	rs = vresp_text(deep, 200);
	CU_ASSERT_FALSE(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	record_list_free(&l);
}

TEST(driver_highq, one_organisation_as_object_instead_of_array)
{
	struct profile p = test_profile();
	struct record_list l = {0};
	struct vpage pg;
	struct verr e = {0};
	struct vresp rs = vresp_text(
	    "{\"organisations\":{\"total\":\"1\",\"totalCount\":\"1\","
	    "\"organisation\":{\"orgid\":\"5\",\"name\":\"Solo\",\"status\":\"PENDING\"}}}",
	    200);
	CU_ASSERT_FATAL(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL_FATAL(l.n, 1);
	CU_ASSERT_STRING_EQUAL_NN(l.items[0].name, "Solo");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&l.items[0], "status"), "pending");
	CU_ASSERT_EQUAL(pg.total, 1);
	CU_ASSERT_FALSE(pg.more);
	record_list_free(&l);

	/* HighQ's sample app reads "organisation" at the top level */
	rs = vresp_text("{\"total\":\"2\",\"organisation\":[{\"orgid\":\"1\",\"name\":\"A\"},"
			"{\"orgid\":\"2\",\"name\":\"B\"}]}",
			200);
	CU_ASSERT_FATAL(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(l.n, 2);
	CU_ASSERT_EQUAL(pg.total, 2);
	record_list_free(&l);
	rs = vresp_text("{\"organisation\":{\"orgid\":\"7\",\"name\":\"Top\"}}", 200);
	CU_ASSERT_FATAL(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(l.n, 1);
	record_list_free(&l);

	/* an empty list, both formats */
	rs = vresp_text("{\"organisations\":{\"total\":\"0\",\"totalCount\":\"0\"}}", 200);
	CU_ASSERT(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(l.n, 0);
	CU_ASSERT_EQUAL(pg.total, 0);
	CU_ASSERT_FALSE(pg.more);
	rs = vresp_text("<organisations><total>0</total></organisations>", 200);
	CU_ASSERT(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(l.n, 0);
	rs = vresp_text("{\"something\":\"else\"}", 200);
	CU_ASSERT_FALSE(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_PARSE);
	record_list_free(&l);
}

TEST(driver_highq, numbers_accepted_as_numbers_or_strings)
{
	struct profile p = test_profile();
	struct record_list l = {0};
	struct vpage pg;
	struct verr e = {0};
	struct vresp rs =
	    vresp_text("{\"organisations\":{\"total\":74,\"organisation\":[{\"orgid\":1,"
		       "\"name\":\"N\",\"internal\":1,\"noofusers\":38}]}}",
		       200);
	CU_ASSERT_FATAL(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL_FATAL(l.n, 1);
	CU_ASSERT_STRING_EQUAL_NN(l.items[0].id, "1");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&l.items[0], "noofusers"), "38");
	CU_ASSERT_EQUAL(pg.total, 74);

	/* and back as strings in a full replace */
	struct record ch;
	record_init(&ch);
	record_set(&ch, "name", "N2");
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->update_req(&p, &l.items[0], &ch, &q));
	CU_ASSERT_STRING_EQUAL_NN(q.body, "{\"orgid\":\"1\",\"name\":\"N2\",\"internal\":\"1\","
					  "\"noofusers\":\"38\"}");
	vreq_free(&q);
	record_free(&ch);
	record_list_free(&l);
}

TEST(driver_highq, a_full_page_asks_for_more)
{
	struct profile p = test_profile();
	char *b = malloc(100 * 64 + 64);
	strcpy(b, "{\"organisations\":{\"total\":\"250\",\"organisation\":[");
	for (int i = 0; i < 100; i++)
		sprintf(b + strlen(b), "%s{\"orgid\":\"%d\",\"name\":\"O%d\"}", i ? "," : "", i + 1,
			i + 1);
	strcat(b, "]}}");
	struct record_list l = {0};
	struct vpage pg;
	struct verr e = {0};
	struct vresp rs = vresp_text(b, 200);
	CU_ASSERT_FATAL(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(l.n, 100);
	CU_ASSERT(pg.more);
	CU_ASSERT_EQUAL(pg.total, 250);
	record_list_free(&l);
	free(b);
}

TEST(driver_highq, builds_the_seed_example_query)
{
	struct profile p = test_profile();
	struct vquery vq = {.params = {{"domain", "google.com"},
				       {"industry", "0,1"},
				       {"category", "12, 13,14"},
				       {"status", "active,pending,archive"}},
			    .nparams = 4,
			    .sort = "id"};
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->list_req(&p, &vq, 0, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "GET");
	CU_ASSERT_STRING_EQUAL_NN(q.url, "http://example.com/context/api/4/organisations?"
					 "domain=google.com&industry=0,1&category=12,13,14&"
					 "status=active,pending,archive&ordertype=id&orderby=asc&"
					 "limit=100&offset=0");
	CU_ASSERT(has_header(&q, "Accept: application/json"));
	CU_ASSERT(has_header(&q, "Authorization: Bearer " TOKEN));
	CU_ASSERT(q.idempotent);
	vreq_free(&q);

	struct vquery s2 = {
	    .params = {{"search", "a&b c"}}, .nparams = 1, .sort = "noofusers", .desc = true};
	CU_ASSERT_FATAL(p.vendor->list_req(&p, &s2, 2, &q));
	CU_ASSERT_STRING_EQUAL_NN(q.url, "http://example.com/context/api/4/organisations?"
					 "search=a%26b%20c&ordertype=users&orderby=desc&"
					 "limit=100&offset=200");
	vreq_free(&q);
	CU_ASSERT_FATAL(p.vendor->list_req(&p, NULL, 0, &q));
	CU_ASSERT_STRING_EQUAL_NN(
	    q.url, "http://example.com/context/api/4/organisations?limit=100&offset=0");
	vreq_free(&q);
	CU_ASSERT(p.vendor->caps & VCAP_FILTERS && p.vendor->caps & VCAP_SORT &&
		  p.vendor->caps & VCAP_OAUTH && p.vendor->caps & VCAP_FULL_REPLACE);
	CU_ASSERT_FALSE(p.vendor->caps & VCAP_DELETE);
	CU_ASSERT_EQUAL(p.vendor->nfilters, 5);
}

TEST(driver_highq, get_and_create_answers_parse)
{
	struct profile p = test_profile();
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->get_req(&p, "3", &q));
	CU_ASSERT_STRING_EQUAL_NN(q.url, "http://example.com/context/api/4/organisations/3");
	vreq_free(&q);

	static const char *const bodies[] = {
	    "{\"orgid\":\"3\",\"name\":\"test\",\"status\":\"Active\"}",
	    "{\"organisation\":{\"orgid\":\"3\",\"name\":\"test\",\"status\":\"Active\"}}",
	    "{\"organisation\":[{\"orgid\":\"3\",\"name\":\"test\",\"status\":\"Active\"}]}",
	    "<organisation><orgid>3</orgid><name>test</name><status>Active</status></organisation>",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		struct record r;
		record_init(&r);
		struct verr e = {0};
		struct vresp rs = vresp_text(bodies[i], 200);
		CU_ASSERT_FATAL(p.vendor->record_parse(&p, &rs, &r, &e));
		CU_ASSERT_STRING_EQUAL_NN(r.id, "3");
		CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "status"), "active");
		record_free(&r);
	}
	/* create answers 201 with a summary */
	struct record r;
	record_init(&r);
	struct verr e = {0};
	struct vresp rs =
	    vresp_text("{\"name\":\"New\",\"link\":\"http://x/api/4/organisations/80\","
		       "\"orgid\":\"80\"}",
		       201);
	CU_ASSERT_FATAL(p.vendor->record_parse(&p, &rs, &r, &e));
	CU_ASSERT_STRING_EQUAL_NN(r.id, "80");
	CU_ASSERT_STRING_EQUAL_NN(r.name, "New");
	record_free(&r);
	record_init(&r);
	rs = vresp_text("{\"name\":\"no id\"}", 200);
	CU_ASSERT_FALSE(p.vendor->record_parse(&p, &rs, &r, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_PARSE);
	record_free(&r);
}

TEST(driver_highq, create_posts_strings)
{
	struct profile p = test_profile();
	struct record v;
	record_init(&v);
	record_set(&v, "name", "Acme");
	record_set(&v, "status", "pending");
	record_set(&v, "internal", "true");
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->create_req(&p, &v, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "POST");
	CU_ASSERT_STRING_EQUAL_NN(q.url, "http://example.com/context/api/4/organisations");
	CU_ASSERT_STRING_EQUAL_NN(q.body,
				  "{\"name\":\"Acme\",\"status\":\"pending\",\"internal\":\"1\"}");
	CU_ASSERT(has_header(&q, "Content-Type: application/json"));
	CU_ASSERT_FALSE(q.idempotent);
	vreq_free(&q);
	record_free(&v);
}

TEST(driver_highq, update_replaces_the_whole_seed_organisation)
{
	struct profile p = test_profile();
	struct record_list l = {0};
	struct vpage pg;
	struct verr e = {0};
	struct vresp rs = vresp_text(seed_json, 200);
	CU_ASSERT_FATAL(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	struct record ch;
	record_init(&ch);
	record_set(&ch, "status", "archive");
	record_set(&ch, "internal", "false");
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->update_req(&p, &l.items[0], &ch, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "PUT");
	CU_ASSERT_STRING_EQUAL_NN(q.url, "http://example.com/context/api/4/organisations/1");
	CU_ASSERT_STRING_EQUAL_NN(
	    q.body,
	    "{\"orgid\":\"1\",\"name\":\"HighQ\",\"internal\":\"0\",\"status\":\"archive\","
	    "\"noofusers\":\"38\",\"createddate\":\"22 Mar 2017 14:20\","
	    "\"link\":\"https://divyanghp.local.com/divyang_4_live/api/4/organisations/1\"}");
	CU_ASSERT(q.idempotent);
	CU_ASSERT(has_header(&q, "Authorization: Bearer " TOKEN));
	vreq_free(&q);

	/* a base without raw (built by hand) still sends every field it knows */
	struct record b;
	record_init(&b);
	b.id = strdup("4");
	b.name = strdup("Old");
	record_set(&b, "name", "Old");
	record_set(&b, "status", "active");
	record_set(&b, "internal", "0");
	record_free(&ch);
	record_init(&ch);
	record_set(&ch, "name", "New");
	CU_ASSERT_FATAL(p.vendor->update_req(&p, &b, &ch, &q));
	CU_ASSERT_STRING_EQUAL_NN(
	    q.body, "{\"orgid\":\"4\",\"name\":\"New\",\"status\":\"active\",\"internal\":\"0\"}");
	vreq_free(&q);
	record_free(&b);
	record_free(&ch);
	record_list_free(&l);
}

TEST(driver_highq, oauth_authorize_token_and_refresh)
{
	struct profile p = test_profile();
	char *u = p.vendor->oauth_authorize_url(&p);
	CU_ASSERT_STRING_EQUAL_NN(
	    u, "http://example.com/context/authorize.action?response_type=code&"
	       "client_id=1012&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fhighq%2F"
	       "demo%2Foauth-done");
	free(u);

	struct vreq q;
	CU_ASSERT_FALSE(p.vendor->oauth_token_req(&p, NULL, NULL, &q));
	CU_ASSERT_FATAL(p.vendor->oauth_token_req(&p, "c0de/+", NULL, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "POST");
	CU_ASSERT_STRING_EQUAL_NN(q.url, "http://example.com/context/api/oauth2/token");
	CU_ASSERT_STRING_EQUAL_NN(q.body,
				  "grant_type=authorization_code&code=c0de%2F%2B&"
				  "client_id=1012&client_secret=" CLIENT_SECRET "&"
				  "redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fhighq%2Fdemo%2F"
				  "oauth-done");
	CU_ASSERT(has_header(&q, "Content-Type: application/x-www-form-urlencoded"));
	CU_ASSERT_FALSE(q.idempotent);
	for (int i = 0; i < q.nheaders; i++)
		CU_ASSERT_PTR_NULL(strstr(q.headers[i], "Authorization"));
	vreq_free(&q);
	CU_ASSERT_FATAL(p.vendor->oauth_token_req(&p, NULL, "r3fresh", &q));
	CU_ASSERT_PTR_NOT_NULL(q.body &&
			       strstr(q.body, "grant_type=refresh_token&refresh_token=r3fresh&"));
	CU_ASSERT_FALSE(q.idempotent);
	vreq_free(&q);

	char *a, *r;
	long exp;
	struct verr e = {0};
	struct vresp rs = vresp_text("{\"access_token\":\"AT\",\"expires_in\":\"3600\","
				     "\"refresh_token\":\"RT\",\"refresh_token_expires_in\":86400}",
				     200);
	CU_ASSERT_FATAL(p.vendor->oauth_token_parse(&rs, &a, &r, &exp, &e));
	CU_ASSERT_STRING_EQUAL_NN(a, "AT");
	CU_ASSERT_STRING_EQUAL_NN(r, "RT");
	CU_ASSERT_EQUAL(exp, 3600);
	free(a);
	free(r);
	rs = vresp_text("{\"access_token\":\"AT2\",\"expires_in\":60}", 200);
	CU_ASSERT_FATAL(p.vendor->oauth_token_parse(&rs, &a, &r, &exp, &e));
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_EQUAL(exp, 60);
	free(a);
	rs = vresp_text("{\"expires_in\":60}", 200);
	CU_ASSERT_FALSE(p.vendor->oauth_token_parse(&rs, &a, &r, &exp, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_PARSE);
	rs =
	    vresp_text("{\"error\":\"invalid_grant\",\"error_description\":\"Code expired\"}", 400);
	CU_ASSERT_FALSE(p.vendor->oauth_token_parse(&rs, &a, &r, &exp, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_AUTH);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "invalid_grant"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "sign in again"));
	/* HighQ's own envelope from the token endpoint: the client, not an access token */
	rs = vresp_text("{\"error\":{\"summary\":\"Not authorised: unknown client_id or wrong "
			"client_secret\",\"ref\":401}}",
			401);
	CU_ASSERT_FALSE(p.vendor->oauth_token_parse(&rs, &a, &r, &exp, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_AUTH);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "check client_id and client_secret"));
	CU_ASSERT_PTR_NULL(strstr(e.msg, "access token"));
}

static void check_error(const char *b, long status, enum verr_kind kind, const char *want)
{
	struct profile p = test_profile();
	struct verr e = {0};
	struct vresp rs = vresp_text(b, status);
	p.vendor->error_parse(&p, &rs, &e);
	CU_ASSERT_EQUAL(e.kind, kind);
	CU_ASSERT_EQUAL(e.status, status);
	if (!strstr(e.msg, want))
		fprintf(stderr, "\n  message \"%s\" lacks \"%s\"\n", e.msg, want);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, want));
	CU_ASSERT(!strncmp(e.msg, "HighQ: ", 7));
	CU_ASSERT_PTR_NULL(strstr(e.msg, TOKEN));
	CU_ASSERT_PTR_NULL(strstr(e.msg, CLIENT_SECRET));
}

TEST(driver_highq, list_validation_refs_289_to_295)
{
	static const struct {
		const char *summary;
		int ref;
		const char *want;
	} cases[] = {
	    {"The ordertype is Invalid.", 289, "the sort field is invalid (ref 289)"},
	    {"The orderby value is invalid. Please use either asc or desc", 290,
	     "the sort direction is invalid (ref 290); use asc or desc"},
	    {"The limit value is invalid.", 291, "the limit value is invalid (ref 291)"},
	    {"The offset value is invalid.", 292, "the offset value is invalid (ref 292)"},
	    {"The industry is invalid", 293, "the industry is invalid (ref 293)"},
	    {"The category is invalid", 294, "the category is invalid (ref 294)"},
	    {"The status is Invalid.", 295, "HighQ: the status is invalid (ref 295)"},
	};
	char b[300];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(b, sizeof b,
			 "{\"error\":{\"summary\":\"%s\",\"ref\":%d,\"link\":\"http://x/api/4/"
			 "error/%d\"}}",
			 cases[i].summary, cases[i].ref, cases[i].ref);
		check_error(b, 400, VERR_INVALID, cases[i].want);
	}
	/* ref as a string, and in XML */
	check_error("{\"error\":{\"summary\":\"The status is Invalid.\",\"ref\":\"295\"}}", 400,
		    VERR_INVALID, "the status is invalid (ref 295)");
	check_error("<?xml version=\"1.0\"?><error><summary>The limit value is invalid.</summary>"
		    "<ref>291</ref><link>http://x/error/291</link></error>",
		    400, VERR_INVALID, "the limit value is invalid (ref 291)");
}

TEST(driver_highq, other_errors_are_actionable_and_secret_free)
{
	/* an unknown ref keeps HighQ's own summary */
	check_error("{\"error\":{\"summary\":\"The requested organisation does not exist\","
		    "\"ref\":75,\"link\":\"http://x/api/2/error/1885\"}}",
		    404, VERR_NOT_FOUND,
		    "HighQ: the requested organisation does not exist (ref 75)");
	check_error("{\"error\":{\"summary\":\"Not authorised\",\"ref\":401}}", 401, VERR_AUTH,
		    "sign in again");
	check_error("", 401, VERR_AUTH, "sign in again");
	check_error("{\"error\":{\"summary\":\"API is not enabled\",\"ref\":51}}", 403,
		    VERR_FORBIDDEN, "not enabled");
	check_error("<error><summary>Rate limit exceeded</summary></error>", 429, VERR_RATE,
		    "rate limit");
	check_error("<html><head><title>502 Bad Gateway</title></head><body>x</body></html>", 502,
		    VERR_SERVER, "502 Bad Gateway");
	check_error("Service down for maintenance", 503, VERR_SERVER,
		    "Service down for maintenance");
	check_error("{\"error\":{\"summary\":\"The sta", 400, VERR_INVALID, "HTTP 400");
	check_error("", 500, VERR_SERVER, "empty answer");
	/* a body echoing the token is redacted */
	check_error("{\"error\":{\"summary\":\"Token " TOKEN " is not valid\",\"ref\":9}}", 400,
		    VERR_INVALID, "token *** is not valid");
	check_error("bad secret " CLIENT_SECRET, 400, VERR_INVALID, "bad secret ***");
}
