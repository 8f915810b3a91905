/* The QuestionPro driver on seed 001's own sample bodies (the organization and its error
 * samples, whose unquoted "docs" is not JSON), the requests it builds (api-key header,
 * datacenter hosts, PUT of the name, users paging, user removal) and its error sentences. */
#include "model/config.h"
#include "model/vendor.h"
#include "tests/support/tsuite.h"
#include "tests/support/vexec.h"

#include <stdlib.h>
#include <string.h>

/* Not in a header: the driver's one helper outside the contract. */
char *questionpro_datacenter_url(const char *dc);

/* Seed 001, "Responses / Example", verbatim but for the indentation. */
static const char seed_org[] = "{\n"
			       "  \"response\": {\n"
			       "    \"accountRepEmail\": \"[email protected]\",\n"
			       "    \"dashboardUserCount\": 0,\n"
			       "    \"license\": \"License Name\",\n"
			       "    \"name\": \"Organization Name\",\n"
			       "    \"organizationID\": 1234567,\n"
			       "    \"primaryAccountID\": 1234567,\n"
			       "    \"primaryAccountUsername\": \"[email protected]\",\n"
			       "    \"shortUrl\": \"emaildomain.questionpro.com\",\n"
			       "    \"smtpRelay\": \"\",\n"
			       "    \"styleSheet\": \"\",\n"
			       "    \"usage\": {\n"
			       "      \"communities\": {\n"
			       "        \"communitiesCount\": 10,\n"
			       "        \"communityMembers\": 140,\n"
			       "        \"emailsSent\": 500\n"
			       "      },\n"
			       "      \"storage\": {\n"
			       "        \"totalSpaceUsed\": 56912652,\n"
			       "        \"uploadedFiles\": 117\n"
			       "      },\n"
			       "      \"survey\": {\n"
			       "        \"completedResponses\": 13393,\n"
			       "        \"devices\": 3,\n"
			       "        \"emailLists\": 113,\n"
			       "        \"emailSent\": 353,\n"
			       "        \"surveysCount\": 275,\n"
			       "        \"totalResponses\": 23420\n"
			       "      },\n"
			       "      \"workforce\": {\n"
			       "        \"emailsSent\": 20,\n"
			       "        \"workforceCount\": 2\n"
			       "      }\n"
			       "    },\n"
			       "    \"userCount\": 22,\n"
			       "    \"welcomeHTML\": \"\"\n"
			       "  },\n"
			       "    \"requestID\": \"4012fedc-e8ce-48ae-b800-6q5ce287987a7dje\"\n"
			       "}\n";

/* Seed 001's error samples, verbatim: "docs" is unquoted, so none of them is JSON. */
#define SEED_ERROR(name, status, id, message)                                                      \
	"{\n    \"response\": {\n     \"error\": {\n"                                              \
	"         \"docs\": www.questionpro.com/api/error-codes.html\n"                            \
	"         \"name\": \"" name "\",\n"                                                       \
	"         \"httpStatusCode\": " #status ",\n"                                              \
	"         \"id\" : \"" id "\",\n"                                                          \
	"         \"message\": \"" message "\",\n"                                                 \
	"         \"resourceUrl\":\"resource_url\"\n        }\n    }\n}\n"

static const char seed_400[] = SEED_ERROR("BAD_REQUEST", 400, "1000", "Invalid URL parameters");
static const char seed_401[] = SEED_ERROR("UNAUTHORIZED", 401, "1010", "Incorrect API Key");
#define FORBIDDEN_MSG "The user does not have permission to access the resource"
#define NOT_FOUND_MSG "The resource that you're trying to access doesn't exist"
static const char seed_403[] = SEED_ERROR("FORBIDDEN", 403, "1013", FORBIDDEN_MSG);
static const char seed_404[] = SEED_ERROR("NOT_FOUND", 404, "1040", NOT_FOUND_MSG);
static const char seed_500[] =
    SEED_ERROR("INTERNAL_SERVER_ERROR", 500, "1026", "We are not able to process your request");

/* The limits page's quota body (VENDORS.md 2.5): valid JSON, numeric id, empty name. */
static const char quota_429[] =
    "{\"response\":{\"error\":{\"docs\":\"https://www.questionpro.com/api/v2/#error-codes\","
    "\"message\":\"API call limit exceeded. Please contact your account representative to "
    "extend the limits.\",\"id\":1013,\"name\":\"\",\"httpStatusCode\":429,"
    "\"resourceUrl\":\"https://api.questionpro.com/a/api/v2/organizations/1234567\"}}}";

#define KEY "9f1c-secret-key"
#define BASE "https://api.questionpro.com/a/api/v2"

static struct kv test_kv[] = {{"organization_id", "1234567"}, {"api_key", KEY}};

static struct profile test_profile(void)
{
	struct profile p = {.name = "t", .base_url = BASE, .kv = test_kv, .nkv = 2};
	p.vendor = vendor_find("questionpro");
	return p;
}

static bool has_header(const struct vreq *q, const char *h)
{
	for (int i = 0; i < q->nheaders; i++)
		if (!strcmp(q->headers[i], h))
			return true;
	return false;
}

TEST(driver_questionpro, seed_organization_parses_with_usage_flattened)
{
	struct profile p = test_profile();
	struct record r;
	record_init(&r);
	struct verr e = {0};
	struct vresp rs = vresp_text(seed_org, 200);
	CU_ASSERT_FATAL(p.vendor->record_parse(&p, &rs, &r, &e));
	CU_ASSERT_STRING_EQUAL(r.id, "1234567");
	CU_ASSERT_STRING_EQUAL(r.name, "Organization Name");
	CU_ASSERT_PTR_NULL(r.version);
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "license"), "License Name");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "userCount"), "22");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "shortUrl"), "emaildomain.questionpro.com");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "smtpRelay"), "");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "usage.storage.totalSpaceUsed"), "56912652");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "usage.survey.totalResponses"), "23420");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "usage.communities.emailsSent"), "500");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "usage.workforce.emailsSent"), "20");
	/* Every schema field is filled, and only the name is editable. */
	for (size_t i = 0; i < p.vendor->nfields; i++) {
		const struct field_spec *f = &p.vendor->fields[i];
		CU_ASSERT(record_get(&r, f->key) != NULL);
		CU_ASSERT_EQUAL(!!(f->flags & FS_EDITABLE), !strcmp(f->key, "name"));
		if (!strncmp(f->key, "usage.", 6))
			CU_ASSERT_STRING_EQUAL(f->group, "Usage");
	}
	/* The seed schema's 12 scalar properties plus the 13 figures nested in usage. */
	CU_ASSERT_EQUAL(p.vendor->nfields, 12 + 13);
	record_free(&r);
}

TEST(driver_questionpro, list_is_the_one_organization_on_page_zero)
{
	struct profile p = test_profile();
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->list_req(&p, NULL, 0, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "GET");
	CU_ASSERT_STRING_EQUAL(q.url, BASE "/organizations/1234567");
	CU_ASSERT(has_header(&q, "api-key: " KEY));
	CU_ASSERT_PTR_NULL(q.userpwd);
	CU_ASSERT_PTR_NULL(q.body);
	CU_ASSERT_STRING_EQUAL_NN(q.no_retry_marker, "API call limit exceeded");
	vreq_free(&q);
	CU_ASSERT_FALSE(p.vendor->list_req(&p, NULL, 1, &q));

	struct record_list l = {0};
	struct vpage pg = {.more = true};
	struct verr e = {0};
	struct vresp rs = vresp_text(seed_org, 200);
	CU_ASSERT_FATAL(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL_FATAL(l.n, 1);
	CU_ASSERT_STRING_EQUAL(l.items[0].id, "1234567");
	CU_ASSERT_FALSE(pg.more);
	CU_ASSERT_EQUAL(pg.total, 1);
	record_list_free(&l);

	/* No organization_id in the profile: nothing to ask for. */
	struct profile bare = p;
	bare.nkv = 0;
	CU_ASSERT_FALSE(p.vendor->list_req(&bare, NULL, 0, &q));
	CU_ASSERT_EQUAL(p.vendor->caps,
			VCAP_LIST | VCAP_GET | VCAP_UPDATE | VCAP_MEMBERS | VCAP_MEMBER_REMOVE);
}

TEST(driver_questionpro, datacenter_names_map_to_the_vendor_hosts)
{
	static const char *const map[][2] = {
	    {"com", "https://api.questionpro.com/a/api/v2"},
	    {"eu", "https://api.questionpro.eu/a/api/v2"},
	    {"ca", "https://api.questionpro.ca/a/api/v2"},
	    {"sg", "https://api.questionpro.sg/a/api/v2"},
	    {"au", "https://api.questionpro.au/a/api/v2"},
	    {"AE", "https://api.questionpro.ae/a/api/v2"},
	    {"sa", "https://api.surveyanalytics.com/a/api/v2"},
	    {"ksa", "https://api.questionprosa.com/a/api/v2"},
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
		char *u = questionpro_datacenter_url(map[i][0]);
		CU_ASSERT_STRING_EQUAL_NN(u, map[i][1]);
		free(u);
	}
	CU_ASSERT_PTR_NULL(questionpro_datacenter_url("mars"));
	CU_ASSERT_PTR_NULL(questionpro_datacenter_url(NULL));

	/* Without base_url the datacenter picks the host; an unknown one builds nothing. */
	struct kv kv[] = {{"organization_id", "1234567"}, {"api_key", KEY}, {"datacenter", "eu"}};
	struct profile p = {.name = "t", .kv = kv, .nkv = 3};
	p.vendor = vendor_find("questionpro");
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->list_req(&p, NULL, 0, &q));
	CU_ASSERT_STRING_EQUAL(q.url, "https://api.questionpro.eu/a/api/v2/organizations/1234567");
	vreq_free(&q);
	p.nkv = 2; /* neither: the main host */
	CU_ASSERT_FATAL(p.vendor->get_req(&p, "1234567", &q));
	CU_ASSERT_STRING_EQUAL(q.url, BASE "/organizations/1234567");
	vreq_free(&q);
	kv[2].value = "mars";
	p.nkv = 3;
	CU_ASSERT_FALSE(p.vendor->list_req(&p, NULL, 0, &q));
}

TEST(driver_questionpro, update_puts_only_the_name)
{
	struct profile p = test_profile();
	struct record base, ch;
	record_init(&base);
	record_init(&ch);
	base.id = strdup("1234567");
	record_set(&ch, "name", "Updated \"Organization\" Name");
	record_set(&ch, "license", "Free"); /* read-only: ignored */
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->update_req(&p, &base, &ch, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "PUT");
	CU_ASSERT_STRING_EQUAL(q.url, BASE "/organizations/1234567");
	CU_ASSERT_STRING_EQUAL(q.body, "{\"name\":\"Updated \\\"Organization\\\" Name\"}");
	CU_ASSERT(has_header(&q, "Content-Type: application/json"));
	CU_ASSERT(has_header(&q, "api-key: " KEY));
	CU_ASSERT_STRING_EQUAL_NN(q.no_retry_marker, "API call limit exceeded");
	vreq_free(&q);
	record_free(&ch);
	record_init(&ch);
	record_set(&ch, "license", "Free");
	CU_ASSERT_FALSE(p.vendor->update_req(&p, &base, &ch, &q));
	record_free(&base);
	record_free(&ch);
}

TEST(driver_questionpro, members_request_pages_from_one_and_remove_deletes_the_user)
{
	struct profile p = test_profile();
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->members_req(&p, "1234567", 0, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "GET");
	CU_ASSERT_STRING_EQUAL(q.url, BASE "/organizations/1234567/users?page=1&perPage=100");
	CU_ASSERT(has_header(&q, "api-key: " KEY));
	vreq_free(&q);
	CU_ASSERT_FATAL(p.vendor->members_req(&p, "1234567", 2, &q));
	CU_ASSERT_STRING_EQUAL(q.url, BASE "/organizations/1234567/users?page=3&perPage=100");
	vreq_free(&q);
	CU_ASSERT_FATAL(p.vendor->member_remove_req(&p, "1234567", "4455667", &q));
	CU_ASSERT_STRING_EQUAL(q.method, "DELETE");
	CU_ASSERT_STRING_EQUAL(q.url, BASE "/organizations/1234567/users/4455667");
	CU_ASSERT_PTR_NULL(q.body);
	CU_ASSERT_STRING_EQUAL_NN(q.no_retry_marker, "API call limit exceeded");
	vreq_free(&q);
}

#define USER_A                                                                                     \
	"{\"userID\": 4455667, \"departmentID\": 0, \"organizationID\": 1234567, "                 \
	"\"firstName\": \"Ana\", \"lastName\": \"Lima\", \"emailAddress\": \"ana@example.com\", "  \
	"\"phone\": \"(IN)+91 1234567890\", \"licenseType\": \"Enterprise Annual\", "              \
	"\"licenseStartDate\": \"2019-12-18\", \"creationDate\": \"2019-12-20\", "                 \
	"\"userType\": \"License\"}"
#define USER_B                                                                                     \
	"{\"userID\": 4455668, \"firstName\": \"\", \"lastName\": \"\", "                          \
	"\"emailAddress\": \"ops@example.com\", \"userType\": \"License\"}"

TEST(driver_questionpro, members_read_the_users_page_pagination_layout)
{
	struct profile p = test_profile();
	struct record_list l = {0};
	struct vpage pg = {0};
	struct verr e = {0};
	struct vresp rs = vresp_text(
	    "{\"response\": [" USER_A ", " USER_B "], \"pagination\": {\"perPage\": 2, "
	    "\"totalItems\": 5, \"currentPage\": 1, \"totalPages\": 3, \"links\": {\"self\": "
	    "\"u?page=1\", \"prev\": null, \"next\": \"u?page=2\", \"first\": \"u?page=1\", "
	    "\"last\": \"u?page=3\"}}, \"requestID\": \"r\"}",
	    200);
	CU_ASSERT_FATAL(p.vendor->members_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL_FATAL(l.n, 2);
	CU_ASSERT_STRING_EQUAL(l.items[0].id, "4455667");
	CU_ASSERT_STRING_EQUAL(l.items[0].name, "Ana Lima");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&l.items[0], "email"), "ana@example.com");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&l.items[0], "role"), "License");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&l.items[0], "licenseType"), "Enterprise Annual");
	CU_ASSERT_STRING_EQUAL(l.items[1].name, "ops@example.com");
	CU_ASSERT(pg.more);
	CU_ASSERT_EQUAL(pg.total, 5);
	record_list_free(&l);

	/* The last page: next is null. */
	rs =
	    vresp_text("{\"response\": [" USER_A "], \"pagination\": {\"perPage\": 2, "
		       "\"totalItems\": 5, "
		       "\"currentPage\": 3, \"totalPages\": 3, \"links\": {\"self\": \"u?page=3\", "
		       "\"prev\": \"u?page=2\", \"next\": null}}, \"requestID\": \"r\"}",
		       200);
	CU_ASSERT_FATAL(p.vendor->members_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_FALSE(pg.more);
	record_list_free(&l);
}

TEST(driver_questionpro, members_read_the_generic_pagination_layout)
{
	struct profile p = test_profile();
	struct record_list l = {0};
	struct vpage pg = {0};
	struct verr e = {0};
	/* pagination.html: {perPage, page, total, links{...}}; no next link given at all. */
	struct vresp rs =
	    vresp_text("{\"response\": [" USER_A ", " USER_B "], \"pagination\": "
		       "{\"perPage\": 2, \"page\": 1, \"total\": 3}, \"requestID\": \"r\"}",
		       200);
	CU_ASSERT_FATAL(p.vendor->members_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(l.n, 2);
	CU_ASSERT(pg.more);
	CU_ASSERT_EQUAL(pg.total, 3);
	record_list_free(&l);
	rs = vresp_text("{\"response\": [" USER_B
			"], \"pagination\": {\"perPage\": 2, \"page\": \"2\", "
			"\"total\": \"3\", \"links\": {\"self\": \"u?page=2\", \"next\": null}}}",
			200);
	CU_ASSERT_FATAL(p.vendor->members_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_FALSE(pg.more);
	CU_ASSERT_EQUAL(pg.total, 3);
	record_list_free(&l);
	/* A page past the end: empty, never "more". */
	rs = vresp_text(
	    "{\"response\": [], \"pagination\": {\"perPage\": 2, \"page\": 9, \"total\": 3, "
	    "\"links\": {\"next\": \"u?page=10\"}}}",
	    200);
	CU_ASSERT_FATAL(p.vendor->members_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(l.n, 0);
	CU_ASSERT_FALSE(pg.more);
	record_list_free(&l);
	rs = vresp_text("{\"response\": {\"error\": {}}}", 200);
	CU_ASSERT_FALSE(p.vendor->members_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_PARSE);
}

static struct verr parse_error(const char *b, long status)
{
	struct profile p = test_profile();
	struct verr e = {0};
	struct vresp rs = vresp_text(b, status);
	p.vendor->error_parse(&p, &rs, &e);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "QuestionPro: "));
	CU_ASSERT_PTR_NULL(strstr(e.msg, KEY));
	CU_ASSERT_EQUAL(e.status, status);
	return e;
}

TEST(driver_questionpro, seed_error_samples_are_read_although_not_json)
{
	struct verr e = parse_error(seed_401, 401);
	CU_ASSERT_EQUAL(e.kind, VERR_AUTH);
	CU_ASSERT_STRING_EQUAL(
	    e.msg, "QuestionPro: authorization failed, check api_key (Incorrect API Key)");
	e = parse_error(seed_400, 400);
	CU_ASSERT_EQUAL(e.kind, VERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.msg,
			       "QuestionPro: Invalid URL parameters (HTTP 400, BAD_REQUEST)");
	e = parse_error(seed_403, 403);
	CU_ASSERT_EQUAL(e.kind, VERR_FORBIDDEN);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "does not have permission"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "organization_id"));
	e = parse_error(seed_404, 404);
	CU_ASSERT_EQUAL(e.kind, VERR_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "doesn't exist"));
	e = parse_error(seed_500, 500);
	CU_ASSERT_EQUAL(e.kind, VERR_SERVER);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "We are not able to process your request"));
}

TEST(driver_questionpro, spent_quota_is_final_and_said_so)
{
	struct verr e = parse_error(quota_429, 429);
	CU_ASSERT_EQUAL(e.kind, VERR_QUOTA);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "API call limit exceeded"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "account representative"));
	/* Another 429 is an ordinary rate limit, to be retried. */
	e = parse_error("{\"response\":{\"error\":{\"message\":\"Too many requests\"}}}", 429);
	CU_ASSERT_EQUAL(e.kind, VERR_RATE);
}

TEST(driver_questionpro, other_error_bodies_become_sentences)
{
	struct verr e =
	    parse_error("<html><head><title>504 Gateway Time-out</title></head></html>", 504);
	CU_ASSERT_EQUAL(e.kind, VERR_SERVER);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "504 Gateway Time-out"));
	e = parse_error("upstream connect error", 503);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "upstream connect error"));
	e = parse_error("", 502);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "empty answer"));
	e = parse_error("{\"response\": {\"error\": {\"message\": \"Invalid sch", 400);
	CU_ASSERT_EQUAL(e.kind, VERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "QuestionPro"));
	e = parse_error("", 401);
	CU_ASSERT_STRING_EQUAL(e.msg, "QuestionPro: authorization failed, check api_key");
	e = parse_error("{\"response\":{\"error\":{\"message\":\"key " KEY " revoked\"}}}", 401);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "key *** revoked"));
}

TEST(driver_questionpro, answers_without_an_organization_are_refused)
{
	struct profile p = test_profile();
	struct record r;
	record_init(&r);
	struct verr e = {0};
	struct vresp rs = vresp_text("{\"response\": null, \"requestID\": \"x\"}", 200);
	CU_ASSERT_FALSE(p.vendor->record_parse(&p, &rs, &r, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_PARSE);
	rs = vresp_text(seed_401, 200);
	CU_ASSERT_FALSE(p.vendor->record_parse(&p, &rs, &r, &e));
	rs = vresp_text("null", 200);
	CU_ASSERT_FALSE(p.vendor->record_parse(&p, &rs, &r, &e));
	record_free(&r);
}
