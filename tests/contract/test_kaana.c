/* Contract: orgdeck-sim's Kaana dialect against seed 003 (and VENDORS.md section 4) over
 * real HTTP. Where the seed is silent the tests pin the decisions written at the top of
 * sim/dialects/kaana.c: enums, limit/offset paging, 409 on a duplicate member, 404 on an
 * unknown contact, the {"error","message"} envelope for every status. */
#include "tests/support/simproc.h"
#include "tests/support/thttp.h"
#include "tests/support/tsuite.h"
#include "net/xalloc.h"

#include <ctype.h>
#include <string.h>

#define ADMIN_KEY "kaana-admin-7f3c91e2d45a"
#define MEMBER_KEY "kaana-member-2b8e6a1f0c93"
#define ADMIN "Authorization: Bearer " ADMIN_KEY
#define MEMBER "Authorization: Bearer " MEMBER_KEY
#define COOKIE "Cookie: connect.sid=s%3AdS7qLx2vNc9pWf4hRz.k8Tg1YmB3oQe6uJa0sVi5nXw"
#define N_ORGS 30

static struct simproc sp;

static void start(const char *const *extra)
{
	const char *const def[] = {"--orgs", "30", "--dialects", "kaana", NULL};
	CU_ASSERT_FATAL(simproc_start(&sp, extra ? extra : def) == 0);
}

/* One request; auth is a whole header line ("Authorization: ..." or "Cookie: ...") or NULL. */
static long call(const char *method, const char *path, const char *auth, const char *body,
		 struct thttp *r)
{
	char *u = xasprintf("%s/kaana/api%s", sp.base, path);
	const char *h[3] = {NULL, NULL, NULL};
	int n = 0;
	if (auth)
		h[n++] = auth;
	if (body)
		h[n++] = "Content-Type: application/json";
	long st = thttp_do(method, u, h, NULL, body, r);
	free(u);
	return st;
}

static const char *str(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* "2023-11-14T22:13:20.000Z", as JavaScript's toISOString writes it. */
static int is_iso(const char *s)
{
	const char *pat = "dddd-dd-ddTdd:dd:dd.dddZ";
	if (!s || strlen(s) != strlen(pat))
		return 0;
	for (size_t i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i])
			return 0;
	return 1;
}

static int one_of(const char *v, const char *const *list)
{
	for (int i = 0; v && list[i]; i++)
		if (!strcmp(v, list[i]))
			return 1;
	return 0;
}

static const char *const types[] = {"customer", "partner", "vendor", "internal", NULL};
static const char *const statuses[] = {"active", "inactive", NULL};
static const char *const roles[] = {"project_manager",	     "technical_lead", "executive_sponsor",
				    "subject_matter_expert", "stakeholder",    NULL};

static int nullable_string(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) || cJSON_IsNull(v);
}

/* Every field the seed's Organization schema lists, with its type. */
static void assert_org_shape(const cJSON *o)
{
	CU_ASSERT_FATAL(cJSON_IsObject(o));
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
	CU_ASSERT(cJSON_IsNumber(id) && id->valuedouble >= 1 &&
		  id->valuedouble == (double)(long)id->valuedouble);
	CU_ASSERT(str(o, "name") && str(o, "name")[0]);
	CU_ASSERT(one_of(str(o, "type"), types));
	CU_ASSERT(one_of(str(o, "status"), statuses));
	CU_ASSERT(nullable_string(o, "industry"));
	CU_ASSERT(nullable_string(o, "website"));
	CU_ASSERT(nullable_string(o, "description"));
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "metadata");
	CU_ASSERT(cJSON_IsObject(m) || cJSON_IsNull(m));
	CU_ASSERT(is_iso(str(o, "createdAt")));
	CU_ASSERT(is_iso(str(o, "updatedAt")));
	CU_ASSERT(str(o, "createdAt") && str(o, "updatedAt") &&
		  strcmp(str(o, "createdAt"), str(o, "updatedAt")) <= 0);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(o), 10);
}

/* Kaana's error body: {"error": <reason phrase>, "message": <text>}. */
static void assert_error(const struct thttp *r, const char *reason)
{
	CU_ASSERT_FATAL(cJSON_IsObject(r->json));
	CU_ASSERT_STRING_EQUAL_NN(str(r->json, "error"), reason);
	CU_ASSERT(str(r->json, "message") && str(r->json, "message")[0]);
}

/* Creates an organization with the admin key; returns its id (0 on failure). */
static long create(const char *body)
{
	struct thttp r;
	long id = 0;
	if (call("POST", "/organizations", ADMIN, body, &r) == 200)
		id = (long)num(r.json, "id");
	thttp_free(&r);
	return id;
}

TEST(contract_kaana, print_config_has_admin_and_member_profiles)
{
	start(NULL);
	char *want = xasprintf("\n[profile kaana-demo]\nvendor = kaana\nbase_url = %s/kaana/api\n"
			       "api_key = " ADMIN_KEY "\n\n[profile kaana-member]\nvendor = kaana\n"
			       "base_url = %s/kaana/api\napi_key = " MEMBER_KEY "\n",
			       sp.base, sp.base);
	CU_ASSERT_PTR_NOT_NULL(strstr(sp.config, want));
	free(want);
	char *key = simproc_config_value(&sp, "kaana-demo", "api_key");
	CU_ASSERT_STRING_EQUAL_NN(key, ADMIN_KEY);
	free(key);
	key = simproc_config_value(&sp, "kaana-member", "api_key");
	CU_ASSERT_STRING_EQUAL_NN(key, MEMBER_KEY);
	free(key);
	simproc_stop(&sp);
}

TEST(contract_kaana, list_returns_every_org_in_seed_shape)
{
	start(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", "/organizations", ADMIN, NULL, &r), 200);
	CU_ASSERT_FATAL(cJSON_IsArray(r.json));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.json), N_ORGS);
	int with_meta = 0, i = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, r.json)
	{
		assert_org_shape(o);
		CU_ASSERT_EQUAL(num(o, "id"), ++i);
		with_meta += cJSON_IsObject(cJSON_GetObjectItem(o, "metadata"));
	}
	CU_ASSERT(with_meta > 0 && with_meta < N_ORGS);
	char *ct = thttp_header(&r, "Content-Type");
	CU_ASSERT(ct && strstr(ct, "application/json"));
	free(ct);
	thttp_free(&r);
	simproc_stop(&sp);
}

TEST(contract_kaana, list_pages_with_limit_and_offset)
{
	start(NULL);
	struct thttp r, all;
	CU_ASSERT_EQUAL(call("GET", "/organizations", ADMIN, NULL, &all), 200);
	CU_ASSERT_EQUAL(call("GET", "/organizations?limit=10", ADMIN, NULL, &r), 200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.json), 10);
	CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(r.json, 0), "id"), 1);
	thttp_free(&r);
	/* The last partial page, then an empty array past the end. */
	CU_ASSERT_EQUAL(call("GET", "/organizations?limit=10&offset=25", ADMIN, NULL, &r), 200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.json), 5);
	CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(r.json, 0), "id"), 26);
	CU_ASSERT(
	    cJSON_Compare(cJSON_GetArrayItem(r.json, 4), cJSON_GetArrayItem(all.json, 29), 1));
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/organizations?limit=10&offset=30", ADMIN, NULL, &r), 200);
	CU_ASSERT(cJSON_IsArray(r.json) && cJSON_GetArraySize(r.json) == 0);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/organizations?offset=1000000", ADMIN, NULL, &r), 200);
	CU_ASSERT(cJSON_IsArray(r.json) && cJSON_GetArraySize(r.json) == 0);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/organizations?offset=29", ADMIN, NULL, &r), 200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.json), 1);
	thttp_free(&r);
	/* Pages of 7 put together are the unpaged list. */
	cJSON *joined = cJSON_CreateArray();
	for (int off = 0; off < 40; off += 7) {
		char path[64];
		snprintf(path, sizeof path, "/organizations?limit=7&offset=%d", off);
		CU_ASSERT_EQUAL(call("GET", path, ADMIN, NULL, &r), 200);
		const cJSON *o;
		cJSON_ArrayForEach(o, r.json) cJSON_AddItemToArray(joined, cJSON_Duplicate(o, 1));
		thttp_free(&r);
	}
	CU_ASSERT(cJSON_Compare(joined, all.json, 1));
	cJSON_Delete(joined);
	thttp_free(&all);
	const char *bad[] = {"limit=0",	  "limit=-1",  "limit=abc",
			     "offset=-1", "offset=1x", "limit="};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char path[64];
		snprintf(path, sizeof path, "/organizations?%s", bad[i]);
		CU_ASSERT_EQUAL(call("GET", path, ADMIN, NULL, &r), 400);
		assert_error(&r, "Bad Request");
		thttp_free(&r);
	}
	simproc_stop(&sp);
}

TEST(contract_kaana, get_one_matches_list_and_404s)
{
	start(NULL);
	struct thttp r, all;
	CU_ASSERT_EQUAL(call("GET", "/organizations", ADMIN, NULL, &all), 200);
	CU_ASSERT_EQUAL(call("GET", "/organizations/7", ADMIN, NULL, &r), 200);
	assert_org_shape(r.json);
	CU_ASSERT(cJSON_Compare(r.json, cJSON_GetArrayItem(all.json, 6), 1));
	thttp_free(&r);
	thttp_free(&all);
	CU_ASSERT_EQUAL(call("GET", "/organizations/31", ADMIN, NULL, &r), 404);
	assert_error(&r, "Not Found");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/organizations/0", ADMIN, NULL, &r), 404);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/organizations/abc", ADMIN, NULL, &r), 400);
	assert_error(&r, "Bad Request");
	thttp_free(&r);
	simproc_stop(&sp);
}

TEST(contract_kaana, create_answers_200_with_defaults)
{
	start(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("POST", "/organizations", ADMIN,
			     "{\"name\":\"New Client Inc.\",\"type\":\"customer\","
			     "\"website\":\"https://new.example.com\","
			     "\"metadata\":{\"tier\":\"Gold\",\"seats\":12}}",
			     &r),
			200);
	assert_org_shape(r.json);
	long id = (long)num(r.json, "id");
	CU_ASSERT_EQUAL(id, N_ORGS + 1);
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "name"), "New Client Inc.");
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "status"), "active");
	CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItem(r.json, "industry")));
	CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItem(r.json, "description")));
	const cJSON *m = cJSON_GetObjectItem(r.json, "metadata");
	CU_ASSERT_STRING_EQUAL_NN(str(m, "tier"), "Gold");
	CU_ASSERT_EQUAL(num(m, "seats"), 12);
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "createdAt"), str(r.json, "updatedAt"));
	cJSON *made = cJSON_Duplicate(r.json, 1);
	thttp_free(&r);

	char path[64];
	snprintf(path, sizeof path, "/organizations/%ld", id);
	CU_ASSERT_EQUAL(call("GET", path, ADMIN, NULL, &r), 200);
	CU_ASSERT(cJSON_Compare(r.json, made, 1));
	thttp_free(&r);
	/* New organizations come last in the list. */
	CU_ASSERT_EQUAL(call("GET", "/organizations?offset=30", ADMIN, NULL, &r), 200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.json), 1);
	CU_ASSERT(cJSON_Compare(cJSON_GetArrayItem(r.json, 0), made, 1));
	thttp_free(&r);
	cJSON_Delete(made);

	/* Unicode names survive the round trip; ids keep climbing. */
	long id2 =
	    create("{\"name\":\"Café 株式会社 🚀\",\"type\":\"partner\",\"status\":\"inactive\"}");
	CU_ASSERT_EQUAL(id2, id + 1);
	snprintf(path, sizeof path, "/organizations/%ld", id2);
	CU_ASSERT_EQUAL(call("GET", path, ADMIN, NULL, &r), 200);
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "name"), "Café 株式会社 🚀");
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "status"), "inactive");
	thttp_free(&r);
	simproc_stop(&sp);
}

TEST(contract_kaana, bad_bodies_are_400_in_the_envelope)
{
	start(NULL);
	struct thttp r;
	const char *bad[] = {
	    "{\"type\":\"customer\"}",			/* no name */
	    "{\"name\":\"A\"}",				/* no type */
	    "{\"name\":\"\",\"type\":\"customer\"}",	/* empty name */
	    "{\"name\":\"   \",\"type\":\"customer\"}", /* blank name */
	    "{\"name\":5,\"type\":\"customer\"}",	/* name not a string */
	    "{\"name\":\"A\",\"type\":\"alien\"}",	/* unknown type */
	    "{\"name\":\"A\",\"type\":\"customer\",\"status\":\"gone\"}",
	    "{\"name\":\"A\",\"type\":\"customer\",\"status\":null}",
	    "{\"name\":\"A\",\"type\":\"customer\",\"industry\":7}",
	    "{\"name\":\"A\",\"type\":\"customer\",\"metadata\":[1,2]}",
	    "{\"name\":\"A\",\"type\":\"customer\",\"metadata\":\"x\"}",
	    "{\"name\":\"A\",",				/* malformed */
	    "[{\"name\":\"A\",\"type\":\"customer\"}]", /* not an object */
	    "null",
	    "",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		CU_ASSERT_EQUAL(call("POST", "/organizations", ADMIN, bad[i], &r), 400);
		assert_error(&r, "Bad Request");
		thttp_free(&r);
	}
	/* Nothing was created by any of them, and ids were not used up. */
	CU_ASSERT_EQUAL(call("GET", "/organizations?offset=30", ADMIN, NULL, &r), 200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.json), 0);
	thttp_free(&r);
	CU_ASSERT_EQUAL(create("{\"name\":\"A\",\"type\":\"vendor\"}"), N_ORGS + 1);
	CU_ASSERT_EQUAL(call("PUT", "/organizations/3", ADMIN, "{\"name\":\"A\"", &r), 400);
	assert_error(&r, "Bad Request");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("PUT", "/organizations/3", ADMIN, "{\"type\":null}", &r), 400);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("PUT", "/organizations/3", ADMIN, "{\"name\":[]}", &r), 400);
	thttp_free(&r);
	simproc_stop(&sp);
}

TEST(contract_kaana, update_is_partial_and_moves_updated_at)
{
	start(NULL);
	struct thttp r, before;
	CU_ASSERT_EQUAL(call("GET", "/organizations/4", ADMIN, NULL, &before), 200);
	CU_ASSERT_EQUAL(call("PUT", "/organizations/4", ADMIN,
			     "{\"description\":\"Key account\",\"industry\":null,"
			     "\"metadata\":{\"owner\":\"Dana\"}}",
			     &r),
			200);
	assert_org_shape(r.json);
	CU_ASSERT_EQUAL(num(r.json, "id"), 4);
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "name"), str(before.json, "name"));
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "type"), str(before.json, "type"));
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "description"), "Key account");
	CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItem(r.json, "industry")));
	/* metadata is replaced whole, not merged. */
	const cJSON *m = cJSON_GetObjectItem(r.json, "metadata");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(m), 1);
	CU_ASSERT_STRING_EQUAL_NN(str(m, "owner"), "Dana");
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "createdAt"), str(before.json, "createdAt"));
	CU_ASSERT(strcmp(str(r.json, "updatedAt"), str(before.json, "updatedAt")) > 0);
	char *last = xstrdup(str(r.json, "updatedAt"));
	thttp_free(&r);
	thttp_free(&before);

	/* Back-to-back changes still move updatedAt strictly forward. */
	for (int i = 0; i < 5; i++) {
		char body[64];
		snprintf(body, sizeof body, "{\"name\":\"Renamed %d\",\"status\":\"inactive\"}", i);
		CU_ASSERT_EQUAL(call("PUT", "/organizations/4", ADMIN, body, &r), 200);
		CU_ASSERT(str(r.json, "updatedAt") && strcmp(str(r.json, "updatedAt"), last) > 0);
		free(last);
		last = xstrdup(str(r.json, "updatedAt") ? str(r.json, "updatedAt") : "");
		thttp_free(&r);
	}
	CU_ASSERT_EQUAL(call("GET", "/organizations/4", ADMIN, NULL, &r), 200);
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "name"), "Renamed 4");
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "status"), "inactive");
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "updatedAt"), last);
	CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItem(r.json, "metadata")) == 0);
	thttp_free(&r);

	/* A refused update changes nothing. */
	CU_ASSERT_EQUAL(
	    call("PUT", "/organizations/4", ADMIN, "{\"name\":\"X\",\"type\":\"bogus\"}", &r), 400);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/organizations/4", ADMIN, NULL, &r), 200);
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "name"), "Renamed 4");
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "updatedAt"), last);
	thttp_free(&r);
	/* metadata can be cleared. */
	CU_ASSERT_EQUAL(call("PUT", "/organizations/4", ADMIN, "{\"metadata\":null}", &r), 200);
	CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItem(r.json, "metadata")));
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("PUT", "/organizations/999", ADMIN, "{\"name\":\"X\"}", &r), 404);
	assert_error(&r, "Not Found");
	thttp_free(&r);
	free(last);
	simproc_stop(&sp);
}

TEST(contract_kaana, delete_is_no_content_then_404)
{
	start(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("DELETE", "/organizations/5", ADMIN, NULL, &r), 204);
	CU_ASSERT_EQUAL(r.len, 0);
	thttp_free(&r);
	const char *gone[] = {"/organizations/5", "/organizations/5/members",
			      "/organizations/5/tasks", "/organizations/5/projects",
			      "/organizations/5/documents"};
	for (size_t i = 0; i < sizeof gone / sizeof *gone; i++) {
		CU_ASSERT_EQUAL(call("GET", gone[i], ADMIN, NULL, &r), 404);
		assert_error(&r, "Not Found");
		thttp_free(&r);
	}
	CU_ASSERT_EQUAL(call("DELETE", "/organizations/5", ADMIN, NULL, &r), 404);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/organizations", ADMIN, NULL, &r), 200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.json), N_ORGS - 1);
	CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(r.json, 4), "id"), 6);
	thttp_free(&r);
	/* A created organization deletes the same way. */
	long id = create("{\"name\":\"Short Lived\",\"type\":\"internal\"}");
	char path[64];
	snprintf(path, sizeof path, "/organizations/%ld", id);
	CU_ASSERT_EQUAL(call("DELETE", path, ADMIN, NULL, &r), 204);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", path, ADMIN, NULL, &r), 404);
	thttp_free(&r);
	simproc_stop(&sp);
}

TEST(contract_kaana, duplicate_copies_fields_and_metadata_under_new_id)
{
	start(NULL);
	struct thttp r, orig;
	long id = create("{\"name\":\"Original Ltd\",\"type\":\"partner\",\"status\":\"inactive\","
			 "\"industry\":\"Legal\",\"website\":\"https://orig.example\","
			 "\"description\":\"first\",\"metadata\":{\"tier\":\"Gold\",\"n\":3,"
			 "\"tags\":[\"a\",\"b\"]}}");
	CU_ASSERT_FATAL(id > 0);
	char path[64];
	snprintf(path, sizeof path, "/organizations/%ld", id);
	CU_ASSERT_EQUAL(call("GET", path, ADMIN, NULL, &orig), 200);
	snprintf(path, sizeof path, "/organizations/%ld/duplicate", id);
	CU_ASSERT_EQUAL(call("POST", path, ADMIN, NULL, &r), 200);
	assert_org_shape(r.json);
	long copy = (long)num(r.json, "id");
	CU_ASSERT(copy > id);
	const char *same[] = {"name", "type", "status", "industry", "website", "description"};
	for (size_t i = 0; i < sizeof same / sizeof *same; i++)
		CU_ASSERT_STRING_EQUAL_NN(str(r.json, same[i]), str(orig.json, same[i]));
	CU_ASSERT(cJSON_Compare(cJSON_GetObjectItem(r.json, "metadata"),
				cJSON_GetObjectItem(orig.json, "metadata"), 1));
	CU_ASSERT(strcmp(str(r.json, "createdAt"), str(orig.json, "createdAt")) > 0);
	thttp_free(&r);

	/* The copy is its own object: changing it leaves the original alone. */
	snprintf(path, sizeof path, "/organizations/%ld", copy);
	CU_ASSERT_EQUAL(call("PUT", path, ADMIN, "{\"metadata\":{\"tier\":\"Bronze\"}}", &r), 200);
	thttp_free(&r);
	snprintf(path, sizeof path, "/organizations/%ld", id);
	CU_ASSERT_EQUAL(call("GET", path, ADMIN, NULL, &r), 200);
	CU_ASSERT(cJSON_Compare(r.json, orig.json, 1));
	thttp_free(&r);
	thttp_free(&orig);

	/* A generated organization duplicates too; a missing one is 404. */
	CU_ASSERT_EQUAL(call("POST", "/organizations/2/duplicate", ADMIN, NULL, &r), 200);
	CU_ASSERT_EQUAL(num(r.json, "id"), copy + 1);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("POST", "/organizations/777/duplicate", ADMIN, NULL, &r), 404);
	assert_error(&r, "Not Found");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/organizations/2/duplicate", ADMIN, NULL, &r), 404);
	thttp_free(&r);
	simproc_stop(&sp);
}

TEST(contract_kaana, member_key_cannot_create_delete_or_duplicate)
{
	start(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(
	    call("POST", "/organizations", MEMBER, "{\"name\":\"M\",\"type\":\"customer\"}", &r),
	    403);
	assert_error(&r, "Forbidden");
	thttp_free(&r);
	/* The role check comes before validation. */
	CU_ASSERT_EQUAL(call("POST", "/organizations", MEMBER, "{broken", &r), 403);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("DELETE", "/organizations/3", MEMBER, NULL, &r), 403);
	assert_error(&r, "Forbidden");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("POST", "/organizations/3/duplicate", MEMBER, NULL, &r), 403);
	assert_error(&r, "Forbidden");
	thttp_free(&r);
	/* Nothing changed. */
	CU_ASSERT_EQUAL(call("GET", "/organizations", MEMBER, NULL, &r), 200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.json), N_ORGS);
	thttp_free(&r);
	/* Reading, updating and managing members need no special role. */
	CU_ASSERT_EQUAL(call("GET", "/organizations/3", MEMBER, NULL, &r), 200);
	thttp_free(&r);
	CU_ASSERT_EQUAL(
	    call("PUT", "/organizations/3", MEMBER, "{\"description\":\"by member\"}", &r), 200);
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "description"), "by member");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("DELETE", "/organizations/3/members/1", MEMBER, NULL, &r), 404);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/user", MEMBER, NULL, &r), 200);
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "role"), "member");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/user", ADMIN, NULL, &r), 200);
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "role"), "admin");
	CU_ASSERT(num(r.json, "tenantId") >= 1 && str(r.json, "username"));
	thttp_free(&r);
	simproc_stop(&sp);
}

TEST(contract_kaana, session_cookie_authenticates_as_admin)
{
	start(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", "/organizations?limit=1", COOKIE, NULL, &r), 200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.json), 1);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("POST", "/organizations", COOKIE,
			     "{\"name\":\"Via Cookie\",\"type\":\"customer\"}", &r),
			200);
	thttp_free(&r);
	CU_ASSERT_EQUAL(
	    call("GET", "/organizations",
		 "Cookie: theme=dark; connect.sid=s%3AdS7qLx2vNc9pWf4hRz.k8Tg1YmB3oQe6uJa0sVi5nXw",
		 NULL, &r),
	    200);
	thttp_free(&r);
	CU_ASSERT_EQUAL(
	    call("GET", "/organizations", "Cookie: connect.sid=s%3Aexpired.sig", NULL, &r), 401);
	assert_error(&r, "Unauthorized");
	thttp_free(&r);
	simproc_stop(&sp);
}

TEST(contract_kaana, missing_or_wrong_credentials_are_401)
{
	start(NULL);
	struct thttp r;
	const char *bad[] = {NULL,
			     "Authorization: Bearer nope",
			     "Authorization: Bearer ",
			     "Authorization: Basic a2FhbmE6a2FhbmE=",
			     "Authorization: " ADMIN_KEY,
			     "Authorization: Bearer " ADMIN_KEY "x",
			     "Cookie: sid=" ADMIN_KEY};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		CU_ASSERT_EQUAL(call("GET", "/organizations", bad[i], NULL, &r), 401);
		assert_error(&r, "Unauthorized");
		thttp_free(&r);
	}
	/* Writes and unknown paths are 401 too before anything else. */
	CU_ASSERT_EQUAL(call("DELETE", "/organizations/1", NULL, NULL, &r), 401);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/nowhere", NULL, NULL, &r), 401);
	thttp_free(&r);
	/* The scheme word is case-insensitive. */
	CU_ASSERT_EQUAL(
	    call("GET", "/organizations/1", "Authorization: bearer " ADMIN_KEY, NULL, &r), 200);
	thttp_free(&r);
	/* An Authorization header decides alone: a bad one is not rescued by a good cookie. */
	char *u = xasprintf("%s/kaana/api/organizations/1", sp.base);
	const char *both[] = {"Authorization: Bearer wrong", COOKIE, NULL};
	CU_ASSERT_EQUAL(thttp_do("GET", u, both, NULL, NULL, &r), 401);
	thttp_free(&r);
	free(u);
	simproc_stop(&sp);
}

static int ids_belong(const cJSON *a, long org)
{
	const cJSON *x;
	cJSON_ArrayForEach(x, a)
	{
		if (num(x, "organizationId") != org || num(x, "id") < 1 ||
		    !is_iso(str(x, "createdAt")))
			return 0;
	}
	return 1;
}

TEST(contract_kaana, related_lists_are_arrays_per_org)
{
	start(NULL);
	struct thttp r, again;
	const char *kinds[] = {"tasks", "projects", "documents"};
	int total[3] = {0, 0, 0};
	for (long org = 1; org <= N_ORGS; org++) {
		for (int k = 0; k < 3; k++) {
			char path[64];
			snprintf(path, sizeof path, "/organizations/%ld/%s", org, kinds[k]);
			CU_ASSERT_EQUAL(call("GET", path, ADMIN, NULL, &r), 200);
			CU_ASSERT_FATAL(cJSON_IsArray(r.json));
			CU_ASSERT(ids_belong(r.json, org));
			total[k] += cJSON_GetArraySize(r.json);
			/* Stable between calls. */
			CU_ASSERT_EQUAL(call("GET", path, ADMIN, NULL, &again), 200);
			CU_ASSERT(cJSON_Compare(r.json, again.json, 1));
			thttp_free(&again);
			thttp_free(&r);
		}
	}
	for (int k = 0; k < 3; k++)
		CU_ASSERT(total[k] > 0);
	/* Tasks point at projects of the same organization. */
	CU_ASSERT_EQUAL(call("GET", "/organizations/3/tasks", ADMIN, NULL, &r), 200);
	CU_ASSERT_EQUAL(call("GET", "/organizations/3/projects", ADMIN, NULL, &again), 200);
	const cJSON *t;
	cJSON_ArrayForEach(t, r.json)
	{
		CU_ASSERT(str(t, "title") != NULL);
		const cJSON *pid = cJSON_GetObjectItem(t, "projectId");
		if (cJSON_IsNumber(pid)) {
			int found = 0;
			const cJSON *p;
			cJSON_ArrayForEach(p, again.json) found |= num(p, "id") == pid->valuedouble;
			CU_ASSERT(found);
		}
	}
	thttp_free(&r);
	thttp_free(&again);
	/* A new organization has none. */
	long id = create("{\"name\":\"Empty\",\"type\":\"customer\"}");
	for (int k = 0; k < 3; k++) {
		char path[64];
		snprintf(path, sizeof path, "/organizations/%ld/%s", id, kinds[k]);
		CU_ASSERT_EQUAL(call("GET", path, ADMIN, NULL, &r), 200);
		CU_ASSERT(cJSON_IsArray(r.json) && cJSON_GetArraySize(r.json) == 0);
		thttp_free(&r);
	}
	CU_ASSERT_EQUAL(call("GET", "/organizations/555/tasks", ADMIN, NULL, &r), 404);
	assert_error(&r, "Not Found");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/organizations/x/projects", ADMIN, NULL, &r), 400);
	thttp_free(&r);
	simproc_stop(&sp);
}

static cJSON *members_of(long org)
{
	struct thttp r;
	char path[64];
	snprintf(path, sizeof path, "/organizations/%ld/members", org);
	cJSON *a = NULL;
	if (call("GET", path, ADMIN, NULL, &r) == 200 && cJSON_IsArray(r.json))
		a = cJSON_Duplicate(r.json, 1);
	thttp_free(&r);
	return a;
}

static char *updated_at(long org)
{
	struct thttp r;
	char path[64];
	snprintf(path, sizeof path, "/organizations/%ld", org);
	call("GET", path, ADMIN, NULL, &r);
	char *v = xstrdup(str(r.json, "updatedAt") ? str(r.json, "updatedAt") : "");
	thttp_free(&r);
	return v;
}

TEST(contract_kaana, members_add_change_and_remove)
{
	start(NULL);
	struct thttp r;
	long org = create("{\"name\":\"Team Org\",\"type\":\"customer\"}");
	CU_ASSERT_FATAL(org > 0);
	cJSON *m = members_of(org);
	CU_ASSERT(cJSON_IsArray(m) && cJSON_GetArraySize(m) == 0);
	cJSON_Delete(m);
	char *t0 = updated_at(org);

	char path[96];
	snprintf(path, sizeof path, "/organizations/%ld/members", org);
	CU_ASSERT_EQUAL(call("POST", path, ADMIN, "{\"contactId\":5,\"role\":\"stakeholder\"}", &r),
			200);
	CU_ASSERT_EQUAL(r.len, 0);
	thttp_free(&r);
	CU_ASSERT_EQUAL(
	    call("POST", path, MEMBER, "{\"contactId\":17,\"role\":\"project_manager\"}", &r), 200);
	thttp_free(&r);
	m = members_of(org);
	CU_ASSERT_FATAL(cJSON_GetArraySize(m) == 2);
	const cJSON *first = cJSON_GetArrayItem(m, 0);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(first), 3);
	CU_ASSERT_EQUAL(num(first, "organizationId"), org);
	CU_ASSERT_EQUAL(num(first, "contactId"), 5);
	CU_ASSERT_STRING_EQUAL_NN(str(first, "role"), "stakeholder");
	CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(m, 1), "contactId"), 17);
	cJSON_Delete(m);
	char *t1 = updated_at(org);
	CU_ASSERT(strcmp(t1, t0) > 0);

	snprintf(path, sizeof path, "/organizations/%ld/members/5", org);
	CU_ASSERT_EQUAL(call("PATCH", path, ADMIN, "{\"role\":\"technical_lead\"}", &r), 200);
	CU_ASSERT_EQUAL(r.len, 0);
	thttp_free(&r);
	m = members_of(org);
	CU_ASSERT_STRING_EQUAL_NN(str(cJSON_GetArrayItem(m, 0), "role"), "technical_lead");
	cJSON_Delete(m);
	char *t2 = updated_at(org);
	CU_ASSERT(strcmp(t2, t1) > 0);
	/* role is optional: an empty PATCH is accepted and changes nothing. */
	CU_ASSERT_EQUAL(call("PATCH", path, ADMIN, "{}", &r), 200);
	thttp_free(&r);

	CU_ASSERT_EQUAL(call("DELETE", path, ADMIN, NULL, &r), 204);
	CU_ASSERT_EQUAL(r.len, 0);
	thttp_free(&r);
	m = members_of(org);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(m), 1);
	CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(m, 0), "contactId"), 17);
	cJSON_Delete(m);
	char *t3 = updated_at(org);
	CU_ASSERT(strcmp(t3, t2) > 0);
	CU_ASSERT_EQUAL(call("DELETE", path, ADMIN, NULL, &r), 404);
	assert_error(&r, "Not Found");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("PATCH", path, ADMIN, "{\"role\":\"stakeholder\"}", &r), 404);
	thttp_free(&r);
	/* Removed members can be added again. */
	snprintf(path, sizeof path, "/organizations/%ld/members", org);
	CU_ASSERT_EQUAL(
	    call("POST", path, ADMIN, "{\"contactId\":5,\"role\":\"executive_sponsor\"}", &r), 200);
	thttp_free(&r);
	free(t0);
	free(t1);
	free(t2);
	free(t3);
	simproc_stop(&sp);
}

TEST(contract_kaana, member_requests_are_validated)
{
	start(NULL);
	struct thttp r;
	const char *p = "/organizations/2/members";
	CU_ASSERT_EQUAL(
	    call("POST", p, ADMIN, "{\"contactId\":3,\"role\":\"subject_matter_expert\"}", &r),
	    200);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("POST", p, ADMIN, "{\"contactId\":3,\"role\":\"stakeholder\"}", &r),
			409);
	assert_error(&r, "Conflict");
	thttp_free(&r);
	const char *bad[] = {"{\"contactId\":4,\"role\":\"boss\"}",
			     "{\"contactId\":4}",
			     "{\"role\":\"stakeholder\"}",
			     "{\"contactId\":\"4\",\"role\":\"stakeholder\"}",
			     "{\"contactId\":4.5,\"role\":\"stakeholder\"}",
			     "{\"contactId\":4,\"role\":7}",
			     "{\"contactId\":4,\"role\":\"Stakeholder\"}",
			     "{\"contactId\":",
			     "[]"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		CU_ASSERT_EQUAL(call("POST", p, ADMIN, bad[i], &r), 400);
		assert_error(&r, "Bad Request");
		thttp_free(&r);
	}
	CU_ASSERT_EQUAL(
	    call("POST", p, ADMIN, "{\"contactId\":99999,\"role\":\"stakeholder\"}", &r), 404);
	assert_error(&r, "Not Found");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("POST", p, ADMIN, "{\"contactId\":0,\"role\":\"stakeholder\"}", &r),
			404);
	thttp_free(&r);
	CU_ASSERT_EQUAL(
	    call("PATCH", "/organizations/2/members/3", ADMIN, "{\"role\":\"owner\"}", &r), 400);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("PATCH", "/organizations/2/members/3", ADMIN, "{\"role\":null}", &r),
			400);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("PATCH", "/organizations/2/members/3", ADMIN, "nope", &r), 400);
	thttp_free(&r);
	CU_ASSERT_EQUAL(
	    call("PATCH", "/organizations/2/members/abc", ADMIN, "{\"role\":\"stakeholder\"}", &r),
	    400);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("POST", "/organizations/404/members", ADMIN,
			     "{\"contactId\":3,\"role\":\"stakeholder\"}", &r),
			404);
	thttp_free(&r);
	/* The refused requests left the member as it was. */
	cJSON *m = members_of(2);
	int hits = 0;
	const cJSON *x;
	cJSON_ArrayForEach(x, m)
	{
		if (num(x, "contactId") == 3) {
			hits++;
			CU_ASSERT_STRING_EQUAL_NN(str(x, "role"), "subject_matter_expert");
		}
	}
	CU_ASSERT_EQUAL(hits, 1);
	cJSON_Delete(m);
	simproc_stop(&sp);
}

TEST(contract_kaana, generated_members_are_real_contacts)
{
	start(NULL);
	struct thttp r;
	int total = 0;
	for (long org = 1; org <= N_ORGS; org++) {
		cJSON *m = members_of(org);
		CU_ASSERT_FATAL(m != NULL);
		const cJSON *x;
		cJSON_ArrayForEach(x, m)
		{
			total++;
			CU_ASSERT_EQUAL(num(x, "organizationId"), org);
			CU_ASSERT(one_of(str(x, "role"), roles));
			char path[64];
			snprintf(path, sizeof path, "/contacts/%.0f", num(x, "contactId"));
			CU_ASSERT_EQUAL(call("GET", path, ADMIN, NULL, &r), 200);
			CU_ASSERT_EQUAL(num(r.json, "id"), num(x, "contactId"));
			thttp_free(&r);
		}
		/* Asking again gives the same members. */
		cJSON *again = members_of(org);
		CU_ASSERT(cJSON_Compare(m, again, 1));
		cJSON_Delete(again);
		cJSON_Delete(m);
	}
	CU_ASSERT(total > 0);
	/* Removing a generated member sticks. */
	cJSON *m = members_of(1);
	for (long org = 1; cJSON_GetArraySize(m) == 0 && org < N_ORGS; org++) {
		cJSON_Delete(m);
		m = members_of(org + 1);
	}
	const cJSON *x = cJSON_GetArrayItem(m, 0);
	CU_ASSERT_FATAL(x != NULL);
	char path[96];
	snprintf(path, sizeof path, "/organizations/%.0f/members/%.0f", num(x, "organizationId"),
		 num(x, "contactId"));
	CU_ASSERT_EQUAL(call("DELETE", path, ADMIN, NULL, &r), 204);
	thttp_free(&r);
	cJSON *after = members_of((long)num(x, "organizationId"));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(after), cJSON_GetArraySize(m) - 1);
	cJSON_Delete(after);
	cJSON_Delete(m);
	simproc_stop(&sp);
}

TEST(contract_kaana, contacts_list_and_lookup)
{
	start(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", "/contacts", ADMIN, NULL, &r), 200);
	CU_ASSERT_FATAL(cJSON_IsArray(r.json));
	int n = cJSON_GetArraySize(r.json);
	CU_ASSERT(n >= 50);
	const cJSON *c = cJSON_GetArrayItem(r.json, 0);
	CU_ASSERT_EQUAL(num(c, "id"), 1);
	CU_ASSERT(str(c, "firstName") && str(c, "lastName") && str(c, "email"));
	CU_ASSERT(is_iso(str(c, "createdAt")));
	cJSON *tenth = cJSON_Duplicate(cJSON_GetArrayItem(r.json, 9), 1);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/contacts?limit=5&offset=9", ADMIN, NULL, &r), 200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.json), 5);
	CU_ASSERT(cJSON_Compare(cJSON_GetArrayItem(r.json, 0), tenth, 1));
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/contacts/10", MEMBER, NULL, &r), 200);
	CU_ASSERT(cJSON_Compare(r.json, tenth, 1));
	thttp_free(&r);
	cJSON_Delete(tenth);
	char path[64];
	snprintf(path, sizeof path, "/contacts?offset=%d", n);
	CU_ASSERT_EQUAL(call("GET", path, ADMIN, NULL, &r), 200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.json), 0);
	thttp_free(&r);
	snprintf(path, sizeof path, "/contacts/%d", n + 1);
	CU_ASSERT_EQUAL(call("GET", path, ADMIN, NULL, &r), 404);
	assert_error(&r, "Not Found");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/contacts/abc", ADMIN, NULL, &r), 400);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/contacts?limit=0", ADMIN, NULL, &r), 400);
	thttp_free(&r);
	simproc_stop(&sp);
}

TEST(contract_kaana, unknown_routes_are_404_in_the_envelope)
{
	start(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", "/nope", ADMIN, NULL, &r), 404);
	assert_error(&r, "Not Found");
	CU_ASSERT_PTR_NOT_NULL(strstr(str(r.json, "message"), "Cannot GET /api/nope"));
	thttp_free(&r);
	const char *routes[][2] = {{"PATCH", "/organizations"},
				   {"DELETE", "/organizations"},
				   {"PATCH", "/organizations/1"},
				   {"POST", "/organizations/1"},
				   {"GET", "/organizations/1/members/2"},
				   {"GET", "/organizations/1/invoices"},
				   {"GET", "/organizations/1/members/2/x"},
				   {"POST", "/contacts"}};
	for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
		CU_ASSERT_EQUAL(call(routes[i][0], routes[i][1], ADMIN, "{}", &r), 404);
		assert_error(&r, "Not Found");
		thttp_free(&r);
	}
	simproc_stop(&sp);
}

TEST(contract_kaana, injected_faults_speak_the_kaana_envelope)
{
	const struct {
		const char *spec, *reason;
		long status;
	} cases[] = {{"429=1", "Too Many Requests", 429},
		     {"500=1", "Internal Server Error", 500},
		     {"503=1", "Service Unavailable", 503}};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *const args[] = {"--orgs",	"3",	       "--dialects", "kaana",
					    "--faults", cases[i].spec, NULL};
		start(args);
		struct thttp r;
		CU_ASSERT_EQUAL(call("GET", "/organizations", ADMIN, NULL, &r), cases[i].status);
		assert_error(&r, cases[i].reason);
		if (cases[i].status == 429) {
			char *ra = thttp_header(&r, "Retry-After");
			CU_ASSERT_PTR_NOT_NULL(ra);
			free(ra);
		}
		thttp_free(&r);
		simproc_stop(&sp);
	}
}

TEST(contract_kaana, data_follows_the_seed)
{
	const char *const a[] = {"--orgs", "30", "--dialects", "kaana", "--seed", "7", NULL};
	const char *const b[] = {"--orgs", "30", "--dialects", "kaana", "--seed", "8", NULL};
	struct thttp r1, r2, r3, t1, t2;
	start(a);
	call("GET", "/organizations", ADMIN, NULL, &r1);
	call("GET", "/organizations/9/tasks", ADMIN, NULL, &t1);
	simproc_stop(&sp);
	start(a);
	call("GET", "/organizations", ADMIN, NULL, &r2);
	call("GET", "/organizations/9/tasks", ADMIN, NULL, &t2);
	simproc_stop(&sp);
	start(b);
	call("GET", "/organizations", ADMIN, NULL, &r3);
	simproc_stop(&sp);
	CU_ASSERT(r1.json && cJSON_Compare(r1.json, r2.json, 1));
	CU_ASSERT(t1.json && cJSON_Compare(t1.json, t2.json, 1));
	CU_ASSERT(!cJSON_Compare(r1.json, r3.json, 1));
	thttp_free(&r1);
	thttp_free(&r2);
	thttp_free(&r3);
	thttp_free(&t1);
	thttp_free(&t2);
}

TEST(contract_kaana, hostile_names_arrive_intact_as_json)
{
	const char *const args[] = {"--orgs", "20", "--dialects", "kaana", "--hostile", NULL};
	start(args);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", "/organizations?limit=8", ADMIN, NULL, &r), 200);
	CU_ASSERT_FATAL(cJSON_IsArray(r.json));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.json), 8);
	/* The first is the clear-screen name: its ESC travels JSON-escaped, not raw. */
	const char *n0 = str(cJSON_GetArrayItem(r.json, 0), "name");
	CU_ASSERT(n0 && strchr(n0, '\x1b'));
	CU_ASSERT_PTR_NULL(memchr(r.body, '\x1b', r.len));
	thttp_free(&r);
	/* A hostile name can be written back unchanged. */
	CU_ASSERT_EQUAL(
	    call("PUT", "/organizations/1", ADMIN, "{\"name\":\"Evil\\u001b[2JCorp\"}", &r), 200);
	CU_ASSERT_STRING_EQUAL_NN(str(r.json, "name"), "Evil\x1b[2JCorp");
	thttp_free(&r);
	simproc_stop(&sp);
}
