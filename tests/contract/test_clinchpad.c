/* Contract: orgdeck-sim's ClinchPad dialect against seed 004 over real HTTP. */
#include "tests/support/simproc.h"
#include "tests/support/thttp.h"
#include "tests/support/tsuite.h"
#include "net/xalloc.h"

#include <string.h>

#define KEY "api-key:cp-demo-4b1d9e7a2c"

static struct simproc sp;

static char *url(const char *path)
{
	return xasprintf("%s/clinchpad/api/v1%s", sp.base, path);
}

static long get(const char *path, const char *userpwd, struct thttp *r)
{
	char *u = url(path);
	long st = thttp_do("GET", u, NULL, userpwd, NULL, r);
	free(u);
	return st;
}

static void start(const char *const *extra)
{
	const char *const def[] = {"--orgs", "60", "--dialects", "clinchpad", NULL};
	CU_ASSERT_FATAL(simproc_start(&sp, extra ? extra : def) == 0);
}

static int is_hex24(const char *s)
{
	if (!s || strlen(s) != 24)
		return 0;
	for (; *s; s++)
		if (!strchr("0123456789abcdef", *s))
			return 0;
	return 1;
}

TEST(contract_clinchpad, list_defaults_to_25_with_seed_shape)
{
	start(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(get("/organizations", KEY, &r), 200);
	CU_ASSERT_FATAL(cJSON_IsArray(r.json));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.json), 25);
	const cJSON *o = cJSON_GetArrayItem(r.json, 0);
	CU_ASSERT(is_hex24(cJSON_GetStringValue(cJSON_GetObjectItem(o, "_id"))));
	const char *keys[] = {"name", "email", "phone", "website", "address", "fields", "contacts"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItemCaseSensitive(o, keys[i]));
	const cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "fields"), 0);
	CU_ASSERT(is_hex24(cJSON_GetStringValue(cJSON_GetObjectItem(f, "_id"))));
	CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(f, "value"));
	thttp_free(&r);
	simproc_stop(&sp);
}

TEST(contract_clinchpad, paging_ends_with_empty_array)
{
	start(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(get("/organizations?page=3&size=25", KEY, &r), 200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.json), 10);
	thttp_free(&r);
	CU_ASSERT_EQUAL(get("/organizations?page=4&size=25", KEY, &r), 200);
	CU_ASSERT(cJSON_IsArray(r.json) && cJSON_GetArraySize(r.json) == 0);
	thttp_free(&r);
	CU_ASSERT_EQUAL(get("/organizations?page=abc", KEY, &r), 400);
	CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(r.json, "message"));
	thttp_free(&r);
	CU_ASSERT_EQUAL(get("/organizations?size=-1", KEY, &r), 400);
	thttp_free(&r);
	simproc_stop(&sp);
}

TEST(contract_clinchpad, wrong_key_gets_401_json)
{
	start(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(get("/organizations", "api-key:wrong", &r), 401);
	CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(r.json, "message"));
	thttp_free(&r);
	CU_ASSERT_EQUAL(get("/organizations", NULL, &r), 401);
	thttp_free(&r);
	CU_ASSERT_EQUAL(get("/organizations", "someone:cp-demo-4b1d9e7a2c", &r), 401);
	thttp_free(&r);
	simproc_stop(&sp);
}

TEST(contract_clinchpad, crud_and_field_set_follow_seed)
{
	start(NULL);
	struct thttp r;
	const char *json[] = {"Content-Type: application/json", NULL};
	char *u = url("/organizations");
	CU_ASSERT_EQUAL(
	    thttp_do("POST", u, json, KEY, "{\"name\":\"Created Foo\",\"email\":\"a@b.c\"}", &r),
	    200);
	free(u);
	char *id = xstrdup(cJSON_GetStringValue(cJSON_GetObjectItem(r.json, "_id")));
	CU_ASSERT(is_hex24(id));
	CU_ASSERT_PTR_NULL(cJSON_GetObjectItem(r.json, "contacts"));
	CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItem(r.json, "address")));
	thttp_free(&r);

	char *path = xasprintf("/organizations/%s", id);
	u = url(path);
	CU_ASSERT_EQUAL(thttp_do("PUT", u, json, KEY, "{\"name\":\"Updated Foo\"}", &r), 200);
	CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(r.json, "name")),
			       "Updated Foo");
	CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(r.json, "email")), "a@b.c");
	CU_ASSERT_PTR_NULL(cJSON_GetObjectItem(r.json, "contacts"));
	thttp_free(&r);

	char *fpath = xasprintf("%s/organizations/%s/fields/531ed3a49a21f6e90b00000e", "", id);
	char *fu = url(fpath);
	CU_ASSERT_EQUAL(thttp_do("PUT", fu, json, KEY, "{\"value\":\"Monthly\"}", &r), 200);
	const cJSON *f0 = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "fields"), 0);
	CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(f0, "value")), "Monthly");
	thttp_free(&r);

	CU_ASSERT_EQUAL(get(path, KEY, &r), 200);
	CU_ASSERT(cJSON_IsArray(cJSON_GetObjectItem(r.json, "contacts")));
	thttp_free(&r);

	CU_ASSERT_EQUAL(thttp_do("DELETE", u, NULL, KEY, NULL, &r), 200);
	CU_ASSERT_STRING_EQUAL(r.body, "{}");
	thttp_free(&r);
	CU_ASSERT_EQUAL(get(path, KEY, &r), 404);
	thttp_free(&r);
	free(u);
	free(fu);
	free(fpath);
	free(path);
	free(id);
	simproc_stop(&sp);
}

TEST(contract_clinchpad, create_without_name_is_400)
{
	start(NULL);
	struct thttp r;
	const char *json[] = {"Content-Type: application/json", NULL};
	char *u = url("/organizations");
	CU_ASSERT_EQUAL(thttp_do("POST", u, json, KEY, "{\"email\":\"a@b.c\"}", &r), 400);
	thttp_free(&r);
	CU_ASSERT_EQUAL(thttp_do("POST", u, json, KEY, "{not json", &r), 400);
	CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(r.json, "message"));
	thttp_free(&r);
	free(u);
	simproc_stop(&sp);
}

TEST(contract_clinchpad, rate_limit_is_1200_an_hour)
{
	const char *const args[] = {"--orgs",	     "5", "--dialects", "clinchpad",
				    "--rate-limits", NULL};
	start(args);
	struct thttp r;
	int ok = 0;
	for (int i = 0; i < 1200; i++) {
		if (get("/organizations?size=1", KEY, &r) == 200)
			ok++;
		thttp_free(&r);
	}
	CU_ASSERT_EQUAL(ok, 1200);
	CU_ASSERT_EQUAL(get("/organizations?size=1", KEY, &r), 429);
	CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(r.json, "message"));
	thttp_free(&r);
	simproc_stop(&sp);
}
