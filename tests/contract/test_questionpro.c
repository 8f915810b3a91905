/* Contract: orgdeck-sim's QuestionPro dialect against seed 001 over real HTTP.
 * The organization body and every error body are checked against the JSON Schemas printed
 * in the seed, embedded below verbatim, by a small checker (type, required, properties,
 * additionalProperties, items, format "email") that has its own tests so it can fail. */
#include "tests/support/simproc.h"
#include "tests/support/thttp.h"
#include "tests/support/tsuite.h"
#include "net/xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define PREFIX "/questionpro/a/api/v2"
#define PROFILE "questionpro-demo"

/* Seed 001, "Get /organizations/{{organization-id}}" response schema, verbatim (in lines:
 * ISO C does not promise string literals this long). */
static const char *const org_schema_text[] = {
    "{\n",
    "  \"$schema\": \"http://json-schema.org/draft-06/schema# \",\n",
    "  \"type\": \"object\",\n",
    "  \"properties\": {\n",
    "    \"response\": {\n",
    "      \"type\": \"object\",\n",
    "      \"properties\": {\n",
    "        \"dashboardUserCount\": {\n",
    "          \"type\": \"integer\"\n",
    "        },\n",
    "        \"styleSheet\": {\n",
    "          \"type\": \"string\"\n",
    "        },\n",
    "        \"shortUrl\": {\n",
    "          \"type\": \"string\"\n",
    "        },\n",
    "        \"usage\": {\n",
    "          \"type\": \"object\",\n",
    "          \"properties\": {\n",
    "            \"survey\": {\n",
    "              \"type\": \"object\",\n",
    "              \"properties\": {\n",
    "                \"emailLists\": {\n",
    "                  \"type\": \"integer\"\n",
    "                },\n",
    "                \"totalResponses\": {\n",
    "                  \"type\": \"integer\"\n",
    "                },\n",
    "                \"completedResponses\": {\n",
    "                  \"type\": \"integer\"\n",
    "                },\n",
    "                \"devices\": {\n",
    "                  \"type\": \"integer\"\n",
    "                },\n",
    "                \"emailSent\": {\n",
    "                  \"type\": \"integer\"\n",
    "                },\n",
    "                \"surveysCount\": {\n",
    "                  \"type\": \"integer\"\n",
    "                }\n",
    "              },\n",
    "              \"additionalProperties\": false,\n",
    "              \"required\": [\n",
    "                \"emailLists\",\n",
    "                \"totalResponses\",\n",
    "                \"completedResponses\",\n",
    "                \"devices\",\n",
    "                \"emailSent\",\n",
    "                \"surveysCount\"\n",
    "              ]\n",
    "            },\n",
    "            \"workforce\": {\n",
    "              \"type\": \"object\",\n",
    "              \"properties\": {\n",
    "                \"workforceCount\": {\n",
    "                  \"type\": \"integer\"\n",
    "                },\n",
    "                \"emailsSent\": {\n",
    "                  \"type\": \"integer\"\n",
    "                }\n",
    "              },\n",
    "              \"additionalProperties\": false,\n",
    "              \"required\": [\n",
    "                \"workforceCount\",\n",
    "                \"emailsSent\"\n",
    "              ]\n",
    "            },\n",
    "            \"storage\": {\n",
    "              \"type\": \"object\",\n",
    "              \"properties\": {\n",
    "                \"uploadedFiles\": {\n",
    "                  \"type\": \"integer\"\n",
    "                },\n",
    "                \"totalSpaceUsed\": {\n",
    "                  \"type\": \"integer\"\n",
    "                }\n",
    "              },\n",
    "              \"additionalProperties\": false,\n",
    "              \"required\": [\n",
    "                \"uploadedFiles\",\n",
    "                \"totalSpaceUsed\"\n",
    "              ]\n",
    "            },\n",
    "            \"communities\": {\n",
    "              \"type\": \"object\",\n",
    "              \"properties\": {\n",
    "                \"communityMembers\": {\n",
    "                  \"type\": \"integer\"\n",
    "                },\n",
    "                \"communitiesCount\": {\n",
    "                  \"type\": \"integer\"\n",
    "                },\n",
    "                \"emailsSent\": {\n",
    "                  \"type\": \"integer\"\n",
    "                }\n",
    "              },\n",
    "              \"additionalProperties\": false,\n",
    "              \"required\": [\n",
    "                \"communityMembers\",\n",
    "                \"communitiesCount\",\n",
    "                \"emailsSent\"\n",
    "              ]\n",
    "            }\n",
    "          },\n",
    "          \"additionalProperties\": false,\n",
    "          \"required\": [\n",
    "            \"survey\",\n",
    "            \"workforce\",\n",
    "            \"storage\",\n",
    "            \"communities\"\n",
    "          ]\n",
    "        },\n",
    "        \"accountRepEmail\": {\n",
    "          \"type\": \"string\",\n",
    "          \"format\": \"email\"\n",
    "        },\n",
    "        \"welcomeHTML\": {\n",
    "          \"type\": \"string\"\n",
    "        },\n",
    "        \"organizationID\": {\n",
    "          \"type\": \"integer\"\n",
    "        },\n",
    "        \"license\": {\n",
    "          \"type\": \"string\"\n",
    "        },\n",
    "        \"primaryAccountUsername\": {\n",
    "          \"type\": \"string\",\n",
    "          \"format\": \"email\"\n",
    "        },\n",
    "        \"userCount\": {\n",
    "          \"type\": \"integer\"\n",
    "        },\n",
    "        \"primaryAccountID\": {\n",
    "          \"type\": \"integer\"\n",
    "        },\n",
    "        \"name\": {\n",
    "          \"type\": \"string\"\n",
    "        },\n",
    "        \"smtpRelay\": {\n",
    "          \"type\": \"string\"\n",
    "        }\n",
    "      },\n",
    "      \"additionalProperties\": false,\n",
    "      \"required\": [\n",
    "        \"dashboardUserCount\",\n",
    "        \"styleSheet\",\n",
    "        \"shortUrl\",\n",
    "        \"usage\",\n",
    "        \"accountRepEmail\",\n",
    "        \"welcomeHTML\",\n",
    "        \"organizationID\",\n",
    "        \"license\",\n",
    "        \"primaryAccountUsername\",\n",
    "        \"userCount\",\n",
    "        \"primaryAccountID\",\n",
    "        \"name\",\n",
    "        \"smtpRelay\"\n",
    "      ]\n",
    "    },\n",
    "    \"requestID\": {\n",
    "      \"type\": \"string\"\n",
    "    }\n",
    "  },\n",
    "  \"additionalProperties\": false,\n",
    "  \"required\": [\n",
    "    \"response\",\n",
    "    \"requestID\"\n",
    "  ]\n",
    "}\n",
    NULL,
};

/* Seed 001, the 400/401/403/404/500 error schema (the five copies are identical), verbatim. */
static const char *const error_schema_text[] = {
    "{\n",
    "  \"$schema\": \"http://json-schema.org/draft-06/schema#                                 "
    "\",\n",
    "  \"type\": \"object\",\n",
    "  \"properties\": {\n",
    "    \"response\": {\n",
    "      \"type\": \"object\",\n",
    "      \"properties\": {\n",
    "        \"error\": {\n",
    "          \"type\": \"object\",\n",
    "          \"properties\": {\n",
    "            \"docs\": {\n",
    "              \"type\": \"string\"\n",
    "            },\n",
    "            \"resourceUrl\": {\n",
    "              \"type\": \"string\"\n",
    "            },\n",
    "            \"name\": {\n",
    "              \"type\": \"string\"\n",
    "            },\n",
    "            \"id\": {\n",
    "              \"type\": \"string\"\n",
    "            },\n",
    "            \"message\": {\n",
    "              \"type\": \"string\"\n",
    "            },\n",
    "            \"httpStatusCode\": {\n",
    "              \"type\": \"integer\"\n",
    "            }\n",
    "          },\n",
    "          \"additionalProperties\": false,\n",
    "          \"required\": [\n",
    "            \"docs\",\n",
    "            \"resourceUrl\",\n",
    "            \"name\",\n",
    "            \"id\",\n",
    "            \"message\",\n",
    "            \"httpStatusCode\"\n",
    "          ]\n",
    "        }\n",
    "      },\n",
    "      \"additionalProperties\": false,\n",
    "      \"required\": [\n",
    "        \"error\"\n",
    "      ]\n",
    "    }\n",
    "  },\n",
    "  \"additionalProperties\": false,\n",
    "  \"required\": [\n",
    "    \"response\"\n",
    "  ]\n",
    "}\n",
    NULL,
};

/* Not in the seed: the users list as the vendor's users page shows it
 * (https://questionpro.com/api/get-all-users-from-organization.html), written by us in the
 * seed's style. prev/next are null at the edges. */
static const char *const users_schema_text[] = {
    "{\"type\": \"object\", \"additionalProperties\": false,\n",
    " \"required\": [\"response\", \"pagination\", \"requestID\"],\n",
    " \"properties\": {\n",
    "  \"requestID\": {\"type\": \"string\"},\n",
    "  \"response\": {\"type\": \"array\", \"items\": {\"type\": \"object\",\n",
    "   \"additionalProperties\": false,\n",
    "   \"required\": [\"userID\", \"departmentID\", \"organizationID\", \"firstName\",\n",
    "    \"lastName\", \"emailAddress\", \"phone\", \"licenseType\", \"licenseStartDate\",\n",
    "    \"creationDate\", \"userType\"],\n",
    "   \"properties\": {\"userID\": {\"type\": \"integer\"}, \"departmentID\": {\"type\": "
    "\"integer\"},\n",
    "    \"organizationID\": {\"type\": \"integer\"}, \"firstName\": {\"type\": \"string\"},\n",
    "    \"lastName\": {\"type\": \"string\"},\n",
    "    \"emailAddress\": {\"type\": \"string\", \"format\": \"email\"},\n",
    "    \"phone\": {\"type\": \"string\"}, \"licenseType\": {\"type\": \"string\"},\n",
    "    \"licenseStartDate\": {\"type\": \"string\"}, \"creationDate\": {\"type\": \"string\"},\n",
    "    \"userType\": {\"type\": \"string\"}}}},\n",
    "  \"pagination\": {\"type\": \"object\", \"additionalProperties\": false,\n",
    "   \"required\": [\"perPage\", \"totalItems\", \"currentPage\", \"totalPages\", \"links\"],\n",
    "   \"properties\": {\"perPage\": {\"type\": \"integer\"}, \"totalItems\": {\"type\": "
    "\"integer\"},\n",
    "    \"currentPage\": {\"type\": \"integer\"}, \"totalPages\": {\"type\": \"integer\"},\n",
    "    \"links\": {\"type\": \"object\", \"additionalProperties\": false,\n",
    "     \"required\": [\"self\", \"prev\", \"next\", \"first\", \"last\"],\n",
    "     \"properties\": {\"self\": {\"type\": \"string\"}, \"first\": {\"type\": \"string\"},\n",
    "      \"last\": {\"type\": \"string\"}, \"prev\": {\"type\": [\"string\", \"null\"]},\n",
    "      \"next\": {\"type\": [\"string\", \"null\"]}}}}}}}\n",
    NULL,
};

/* ---- a small JSON Schema checker ---- */

static cJSON *load_schema(const char *const *lines)
{
	size_t n = 1;
	for (int i = 0; lines[i]; i++)
		n += strlen(lines[i]);
	char *text = xmalloc(n);
	text[0] = '\0';
	for (int i = 0; lines[i]; i++)
		strcat(text, lines[i]);
	cJSON *s = cJSON_Parse(text);
	free(text);
	return s;
}

static bool type_is(const char *t, const cJSON *v)
{
	if (!strcmp(t, "object"))
		return cJSON_IsObject(v);
	if (!strcmp(t, "array"))
		return cJSON_IsArray(v);
	if (!strcmp(t, "string"))
		return cJSON_IsString(v);
	if (!strcmp(t, "boolean"))
		return cJSON_IsBool(v);
	if (!strcmp(t, "null"))
		return cJSON_IsNull(v);
	if (!strcmp(t, "number"))
		return cJSON_IsNumber(v);
	if (!strcmp(t, "integer"))
		return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
		       fabs(v->valuedouble) <= 9007199254740992.0;
	return false; /* an unknown type name is a schema we do not understand: fail loudly */
}

static bool email_like(const char *s)
{
	const char *at = strchr(s, '@');
	return at && at != s && !strchr(at + 1, '@') && strchr(at + 1, '.') && at[1] != '.' &&
	       s[strlen(s) - 1] != '.' && !strpbrk(s, " \t\r\n");
}

/* True when v satisfies schema; otherwise false with the first violation in err. */
static bool conforms(const cJSON *schema, const cJSON *v, const char *path, char *err, size_t cap)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(schema, "type");
	if (cJSON_IsString(type) && !type_is(type->valuestring, v)) {
		snprintf(err, cap, "%s: not of type %s", path, type->valuestring);
		return false;
	}
	if (cJSON_IsArray(type)) {
		bool any = false;
		const cJSON *t;
		cJSON_ArrayForEach(t, type)
		{
			any = any || (cJSON_IsString(t) && type_is(t->valuestring, v));
		}
		if (!any) {
			snprintf(err, cap, "%s: none of the allowed types", path);
			return false;
		}
	}
	const cJSON *format = cJSON_GetObjectItemCaseSensitive(schema, "format");
	if (cJSON_IsString(format) && !strcmp(format->valuestring, "email") && cJSON_IsString(v) &&
	    !email_like(v->valuestring)) {
		snprintf(err, cap, "%s: \"%s\" is not an e-mail address", path, v->valuestring);
		return false;
	}
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(schema, "required");
	const cJSON *r;
	if (cJSON_IsObject(v))
		cJSON_ArrayForEach(r, req)
		{
			if (cJSON_IsString(r) &&
			    !cJSON_GetObjectItemCaseSensitive(v, r->valuestring)) {
				snprintf(err, cap, "%s: missing required \"%s\"", path,
					 r->valuestring);
				return false;
			}
		}
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
	const cJSON *extra = cJSON_GetObjectItemCaseSensitive(schema, "additionalProperties");
	const cJSON *member;
	if (cJSON_IsObject(v))
		cJSON_ArrayForEach(member, v)
		{
			const cJSON *sub = cJSON_GetObjectItemCaseSensitive(props, member->string);
			char sub_path[512];
			snprintf(sub_path, sizeof sub_path, "%s.%s", path, member->string);
			if (!sub && cJSON_IsFalse(extra)) {
				snprintf(err, cap, "%s: not allowed (additionalProperties: false)",
					 sub_path);
				return false;
			}
			if (sub && !conforms(sub, member, sub_path, err, cap))
				return false;
		}
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(schema, "items");
	if (cJSON_IsObject(items) && cJSON_IsArray(v)) {
		int i = 0;
		const cJSON *it;
		cJSON_ArrayForEach(it, v)
		{
			char sub_path[512];
			snprintf(sub_path, sizeof sub_path, "%s[%d]", path, i++);
			if (!conforms(items, it, sub_path, err, cap))
				return false;
		}
	}
	return true;
}

/* CU_ASSERT with the checker's reason printed, so a failure says what is wrong. */
static bool valid(const char *const *schema_text, const cJSON *v)
{
	cJSON *schema = load_schema(schema_text);
	char err[600] = "";
	bool ok = schema && v && conforms(schema, v, "$", err, sizeof err);
	if (!ok)
		fprintf(stderr, "\n  schema violation: %s\n",
			schema ? (v ? err : "no JSON body") : "schema does not parse");
	cJSON_Delete(schema);
	return ok;
}

/* ---- the simulator ---- */

static struct simproc sp;
static char *key; /* from the printed config, as a user would get it */
static char *org_id;
static char *key_header;

static void start(const char *const *extra)
{
	const char *const def[] = {"--orgs", "120", "--dialects", "questionpro", NULL};
	CU_ASSERT_FATAL(simproc_start(&sp, extra ? extra : def) == 0);
	key = simproc_config_value(&sp, PROFILE, "api_key");
	org_id = simproc_config_value(&sp, PROFILE, "organization_id");
	CU_ASSERT_FATAL(key != NULL && org_id != NULL);
	key_header = xasprintf("api-key: %s", key);
}

static void stop(void)
{
	simproc_stop(&sp);
	free(key);
	free(org_id);
	free(key_header);
	key = org_id = key_header = NULL;
}

/* method on PREFIX + path (printf-style), with the demo key unless headers say otherwise. */
static long call(const char *method, const char *body, const char *const *headers, struct thttp *r,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static long call(const char *method, const char *body, const char *const *headers, struct thttp *r,
		 const char *fmt, ...)
{
	char path[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	char *u = xasprintf("%s" PREFIX "%s", sp.base, path);
	const char *def[] = {key_header, "Content-Type: application/json", NULL};
	long st = thttp_do(method, u, headers ? headers : def, NULL, body, r);
	free(u);
	return st;
}

static const cJSON *at(const cJSON *o, const char *a, const char *b)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
	return b ? cJSON_GetObjectItemCaseSensitive(x, b) : x;
}

static double num(const cJSON *o, const char *a, const char *b)
{
	const cJSON *x = at(o, a, b);
	return cJSON_IsNumber(x) ? x->valuedouble : -1;
}

/* An error body: valid against the seed's error schema, with this status and id. */
static void expect_error(const struct thttp *r, long status, const char *id)
{
	CU_ASSERT_EQUAL(r->status, status);
	CU_ASSERT(valid(error_schema_text, r->json));
	const cJSON *e = at(at(r->json, "response", NULL), "error", NULL);
	CU_ASSERT_EQUAL(num(e, "httpStatusCode", NULL), (double)status);
	if (id)
		CU_ASSERT_STRING_EQUAL_NN(cJSON_GetStringValue(at(e, "id", NULL)), id);
	CU_ASSERT_PTR_NULL(at(r->json, "requestID", NULL));
}

/* ---- tests ---- */

TEST(contract_questionpro, schema_checker_rejects_what_the_seed_forbids)
{
	const char *good =
	    "{\"response\":{\"error\":{\"docs\":\"d\",\"resourceUrl\":\"u\","
	    "\"name\":\"N\",\"id\":\"1\",\"message\":\"m\",\"httpStatusCode\":400}}}";
	const char *bad[] = {
	    /* the seed's own sample shape, docs unquoted: not even JSON */
	    "{\"response\":{\"error\":{\"docs\": www.questionpro.com/api/error-codes.html}}}",
	    /* extra key */
	    "{\"response\":{\"error\":{\"docs\":\"d\",\"resourceUrl\":\"u\",\"name\":\"N\","
	    "\"id\":\"1\",\"message\":\"m\",\"httpStatusCode\":400,\"x\":1}}}",
	    /* numeric id, as the error-code page prints it */
	    "{\"response\":{\"error\":{\"docs\":\"d\",\"resourceUrl\":\"u\",\"name\":\"N\","
	    "\"id\":1013,\"message\":\"m\",\"httpStatusCode\":429}}}",
	    /* missing message */
	    "{\"response\":{\"error\":{\"docs\":\"d\",\"resourceUrl\":\"u\",\"name\":\"N\","
	    "\"id\":\"1\",\"httpStatusCode\":400}}}",
	    /* non-integer status */
	    "{\"response\":{\"error\":{\"docs\":\"d\",\"resourceUrl\":\"u\",\"name\":\"N\","
	    "\"id\":\"1\",\"message\":\"m\",\"httpStatusCode\":400.5}}}",
	    /* requestID is not part of the error envelope */
	    "{\"response\":{\"error\":{\"docs\":\"d\",\"resourceUrl\":\"u\",\"name\":\"N\","
	    "\"id\":\"1\",\"message\":\"m\",\"httpStatusCode\":400}},\"requestID\":\"r\"}",
	};
	cJSON *g = cJSON_Parse(good);
	CU_ASSERT(valid(error_schema_text, g));
	cJSON_Delete(g);
	fprintf(stderr, "\n  (the violations below are expected)");
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cJSON *b = cJSON_Parse(bad[i]);
		CU_ASSERT_FALSE(valid(error_schema_text, b));
		cJSON_Delete(b);
	}
	/* The organization schema: nested usage must be complete and closed. */
	cJSON *schema = load_schema(org_schema_text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(schema);
	const char *org_bad =
	    "{\"response\":{\"dashboardUserCount\":0,\"styleSheet\":\"\","
	    "\"shortUrl\":\"x\",\"usage\":{\"survey\":{}},\"accountRepEmail\":"
	    "\"a@b.c\",\"welcomeHTML\":\"\",\"organizationID\":1,\"license\":\"l\","
	    "\"primaryAccountUsername\":\"p@q.r\",\"userCount\":1,"
	    "\"primaryAccountID\":1,\"name\":\"n\",\"smtpRelay\":\"\"},"
	    "\"requestID\":\"r\"}";
	cJSON *b = cJSON_Parse(org_bad);
	char err[600];
	CU_ASSERT_FALSE(conforms(schema, b, "$", err, sizeof err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "usage"));
	cJSON_Delete(b);
	cJSON_Delete(schema);
}

TEST(contract_questionpro, print_config_is_exact)
{
	start(NULL);
	char *want = xasprintf("\n[profile questionpro-demo]\nvendor = questionpro\n"
			       "base_url = %s" PREFIX "\norganization_id = %s\napi_key = %s\n",
			       sp.base, org_id, key);
	CU_ASSERT_PTR_NOT_NULL(strstr(sp.config, want));
	free(want);
	stop();
}

TEST(contract_questionpro, get_organization_matches_seed_schema)
{
	start(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/%s", org_id), 200);
	CU_ASSERT(valid(org_schema_text, r.json));
	const cJSON *o = at(r.json, "response", NULL);
	char *s = xasprintf("%.0f", num(o, "organizationID", NULL));
	CU_ASSERT_STRING_EQUAL(s, org_id);
	free(s);
	/* Realistic figures: counts never negative, completed never above total. */
	const cJSON *sv = at(at(o, "usage", NULL), "survey", NULL);
	CU_ASSERT(num(sv, "completedResponses", NULL) >= 0);
	CU_ASSERT(num(sv, "completedResponses", NULL) <= num(sv, "totalResponses", NULL));
	CU_ASSERT(num(at(o, "usage", NULL), "storage", NULL) != 0); /* an object, not a number */
	CU_ASSERT(num(at(at(o, "usage", NULL), "storage", NULL), "totalSpaceUsed", NULL) >= 0);
	double users = num(o, "userCount", NULL);
	CU_ASSERT(users >= 60);
	const char *rid = cJSON_GetStringValue(at(r.json, "requestID", NULL));
	CU_ASSERT(rid && strlen(rid) >= 32);
	thttp_free(&r);

	/* userCount agrees with the users list, and the primary account is its first user. */
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/%s/users?perPage=1", org_id),
			200);
	CU_ASSERT_EQUAL(num(r.json, "pagination", "totalItems"), users);
	thttp_free(&r);

	/* A second read gets a different requestID. */
	struct thttp r2;
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/%s", org_id), 200);
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r2, "/organizations/%s", org_id), 200);
	CU_ASSERT(strcmp(cJSON_GetStringValue(at(r.json, "requestID", NULL)),
			 cJSON_GetStringValue(at(r2.json, "requestID", NULL))) != 0);
	thttp_free(&r);
	thttp_free(&r2);
	stop();
}

TEST(contract_questionpro, same_seed_same_data_other_seed_other_data)
{
	const char *const a[] = {"--seed", "7", "--dialects", "questionpro", NULL};
	const char *const b[] = {"--seed", "8", "--dialects", "questionpro", NULL};
	char *bodies[3];
	const char *const *args[] = {a, a, b};
	for (int i = 0; i < 3; i++) {
		start(args[i]);
		struct thttp r;
		CU_ASSERT_EQUAL(
		    call("GET", NULL, NULL, &r, "/organizations/%s/users?perPage=5", org_id), 200);
		bodies[i] = cJSON_PrintUnformatted(at(r.json, "response", NULL));
		thttp_free(&r);
		stop();
	}
	CU_ASSERT_STRING_EQUAL(bodies[0], bodies[1]);
	CU_ASSERT(strcmp(bodies[0], bodies[2]) != 0);
	for (int i = 0; i < 3; i++)
		cJSON_free(bodies[i]);
}

TEST(contract_questionpro, wrong_or_missing_key_is_401_envelope)
{
	start(NULL);
	struct thttp r;
	const char *wrong[] = {"api-key: not-the-key", NULL};
	CU_ASSERT_EQUAL(call("GET", NULL, wrong, &r, "/organizations/%s", org_id), 401);
	expect_error(&r, 401, "1010");
	CU_ASSERT_STRING_EQUAL_NN(
	    cJSON_GetStringValue(at(at(at(r.json, "response", NULL), "error", NULL), "name", NULL)),
	    "UNAUTHORIZED");
	thttp_free(&r);
	const char *none[] = {NULL};
	CU_ASSERT_EQUAL(call("GET", NULL, none, &r, "/organizations/%s", org_id), 401);
	expect_error(&r, 401, "1010");
	thttp_free(&r);
	/* The users page's Python sample sends "apiKey"; the current docs say "api-key". */
	char *camel = xasprintf("apiKey: %s", key);
	const char *camel_h[] = {camel, NULL};
	CU_ASSERT_EQUAL(call("GET", NULL, camel_h, &r, "/organizations/%s", org_id), 401);
	expect_error(&r, 401, "1010");
	thttp_free(&r);
	free(camel);
	/* The legacy query parameter is not accepted either. */
	CU_ASSERT_EQUAL(call("GET", NULL, none, &r, "/organizations/%s?apiKey=%s", org_id, key),
			401);
	expect_error(&r, 401, "1010");
	thttp_free(&r);
	/* Header names are case-insensitive in HTTP. */
	char *upper = xasprintf("API-KEY: %s", key);
	const char *upper_h[] = {upper, NULL};
	CU_ASSERT_EQUAL(call("GET", NULL, upper_h, &r, "/organizations/%s", org_id), 200);
	thttp_free(&r);
	free(upper);
	stop();
}

TEST(contract_questionpro, errors_400_403_404_use_seed_envelope)
{
	start(NULL);
	struct thttp r;
	/* Another organization: one per account, so it is never this key's. */
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/1234567"), 403);
	expect_error(&r, 403, "1013");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/1234567/users"), 403);
	expect_error(&r, 403, "1013");
	thttp_free(&r);
	/* Not an integer id: bad URL parameters. */
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/abc"), 400);
	expect_error(&r, 400, "1003");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/-4"), 400);
	expect_error(&r, 400, "1003");
	thttp_free(&r);
	/* Unknown resources and undocumented methods. */
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations"), 404);
	expect_error(&r, 404, "1040");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/surveys/1"), 404);
	expect_error(&r, 404, "1040");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("DELETE", NULL, NULL, &r, "/organizations/%s", org_id), 404);
	expect_error(&r, 404, "1040");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("DELETE", NULL, NULL, &r, "/organizations/%s/users/1", org_id), 404);
	expect_error(&r, 404, "1040");
	/* resourceUrl echoes the request. */
	const char *res = cJSON_GetStringValue(
	    at(at(at(r.json, "response", NULL), "error", NULL), "resourceUrl", NULL));
	CU_ASSERT(res && strstr(res, "/organizations/") && strstr(res, "/users/1"));
	thttp_free(&r);
	stop();
}

TEST(contract_questionpro, injected_faults_speak_the_envelope)
{
	const int codes[] = {500, 503, 429};
	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
		char spec[32];
		snprintf(spec, sizeof spec, "%d=1", codes[i]);
		const char *const args[] = {"--dialects", "questionpro", "--faults", spec, NULL};
		start(args);
		struct thttp r;
		CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/%s", org_id), codes[i]);
		expect_error(&r, codes[i], NULL);
		if (codes[i] == 429) {
			const char *m = cJSON_GetStringValue(
			    at(at(at(r.json, "response", NULL), "error", NULL), "message", NULL));
			CU_ASSERT(m && !strncmp(m, "API call limit exceeded", 23));
		}
		thttp_free(&r);
		stop();
	}
}

TEST(contract_questionpro, rename_persists)
{
	start(NULL);
	struct thttp r;
	const char *body = "{\"name\": \"Renamed \\u00e9 Org\"}";
	CU_ASSERT_EQUAL(call("PUT", body, NULL, &r, "/organizations/%s", org_id), 200);
	CU_ASSERT(valid(org_schema_text, r.json));
	CU_ASSERT_STRING_EQUAL_NN(
	    cJSON_GetStringValue(at(at(r.json, "response", NULL), "name", NULL)),
	    "Renamed \xc3\xa9 Org");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/%s", org_id), 200);
	CU_ASSERT(valid(org_schema_text, r.json));
	CU_ASSERT_STRING_EQUAL_NN(
	    cJSON_GetStringValue(at(at(r.json, "response", NULL), "name", NULL)),
	    "Renamed \xc3\xa9 Org");
	thttp_free(&r);
	/* Only the name is writable: other keys in the body change nothing. */
	CU_ASSERT_EQUAL(call("PUT", "{\"name\":\"Again\",\"organizationID\":5,\"userCount\":-1}",
			     NULL, &r, "/organizations/%s", org_id),
			200);
	CU_ASSERT_STRING_EQUAL(org_id, org_id);
	char *s = xasprintf("%.0f", num(at(r.json, "response", NULL), "organizationID", NULL));
	CU_ASSERT_STRING_EQUAL(s, org_id);
	free(s);
	CU_ASSERT(num(at(r.json, "response", NULL), "userCount", NULL) >= 60);
	thttp_free(&r);
	stop();
}

TEST(contract_questionpro, rename_rejects_bad_bodies_with_400)
{
	start(NULL);
	struct thttp r;
	const struct {
		const char *body, *id;
	} cases[] = {
	    {"{\"name\": ", "1001"},	  {"", "1001"},
	    {"name=Form", "1001"},	  {"{}", "1002"},
	    {"{\"name\": \"\"}", "1002"}, {"{\"name\": \"   \"}", "1002"},
	    {"{\"name\": 42}", "1002"},	  {"{\"name\": null}", "1002"},
	    {"[\"name\"]", "1002"},	  {"\"name\"", "1002"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		CU_ASSERT_EQUAL(call("PUT", cases[i].body, NULL, &r, "/organizations/%s", org_id),
				400);
		expect_error(&r, 400, cases[i].id);
		thttp_free(&r);
	}
	/* Nothing was written. */
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/%s", org_id), 200);
	const char *name = cJSON_GetStringValue(at(at(r.json, "response", NULL), "name", NULL));
	CU_ASSERT(name && *name && strcmp(name, "Form") != 0);
	thttp_free(&r);
	/* Renaming someone else's organization is forbidden, not a rename. */
	CU_ASSERT_EQUAL(call("PUT", "{\"name\":\"X\"}", NULL, &r, "/organizations/1234567"), 403);
	expect_error(&r, 403, "1013");
	thttp_free(&r);
	stop();
}

TEST(contract_questionpro, users_pages_follow_the_users_page_layout)
{
	start(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/%s/users", org_id), 200);
	CU_ASSERT(valid(users_schema_text, r.json));
	CU_ASSERT_EQUAL(num(r.json, "pagination", "perPage"), 100); /* documented default */
	CU_ASSERT_EQUAL(num(r.json, "pagination", "currentPage"), 1);
	CU_ASSERT_EQUAL(num(r.json, "pagination", "totalItems"), 120);
	CU_ASSERT_EQUAL(num(r.json, "pagination", "totalPages"), 2);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(at(r.json, "response", NULL)), 100);
	CU_ASSERT(cJSON_IsNull(at(at(r.json, "pagination", "links"), "prev", NULL)));
	thttp_free(&r);

	/* Walk every page of 25 by links.next; every user once, all of this organization. */
	long seen = 0, pages = 0;
	double last_id = 0;
	bool ascending = true, own = true;
	char *next =
	    xasprintf("%s" PREFIX "/organizations/%s/users?page=1&perPage=25", sp.base, org_id);
	const char *hdr[] = {key_header, NULL};
	while (next && pages < 20) {
		CU_ASSERT_EQUAL_FATAL(thttp_do("GET", next, hdr, NULL, NULL, &r), 200);
		CU_ASSERT(valid(users_schema_text, r.json));
		CU_ASSERT_EQUAL(num(r.json, "pagination", "currentPage"), pages + 1);
		const cJSON *u;
		cJSON_ArrayForEach(u, at(r.json, "response", NULL))
		{
			double id = num(u, "userID", NULL);
			ascending = ascending && id > last_id;
			last_id = id;
			char *o = xasprintf("%.0f", num(u, "organizationID", NULL));
			own = own && !strcmp(o, org_id);
			free(o);
			seen++;
		}
		free(next);
		const cJSON *n = at(at(r.json, "pagination", "links"), "next", NULL);
		next = cJSON_IsString(n) ? xstrdup(n->valuestring) : NULL;
		CU_ASSERT(strstr(next ? next : sp.base, sp.base) != NULL); /* absolute URLs */
		pages++;
		thttp_free(&r);
	}
	free(next);
	CU_ASSERT_EQUAL(pages, 5);
	CU_ASSERT_EQUAL(seen, 120);
	CU_ASSERT(ascending); /* ids strictly increase: none repeated */
	CU_ASSERT(own);
	stop();
}

TEST(contract_questionpro, users_paging_edges)
{
	start(NULL);
	struct thttp r;
	/* Past the end: an empty page, totals intact, no next, prev still a link. */
	CU_ASSERT_EQUAL(
	    call("GET", NULL, NULL, &r, "/organizations/%s/users?page=9&perPage=25", org_id), 200);
	CU_ASSERT(valid(users_schema_text, r.json));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(at(r.json, "response", NULL)), 0);
	CU_ASSERT_EQUAL(num(r.json, "pagination", "currentPage"), 9);
	CU_ASSERT_EQUAL(num(r.json, "pagination", "totalItems"), 120);
	CU_ASSERT_EQUAL(num(r.json, "pagination", "totalPages"), 5);
	CU_ASSERT(cJSON_IsNull(at(at(r.json, "pagination", "links"), "next", NULL)));
	CU_ASSERT(cJSON_IsString(at(at(r.json, "pagination", "links"), "prev", NULL)));
	thttp_free(&r);
	/* The last page is partial and has no next. */
	CU_ASSERT_EQUAL(
	    call("GET", NULL, NULL, &r, "/organizations/%s/users?page=3&perPage=50", org_id), 200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(at(r.json, "response", NULL)), 20);
	CU_ASSERT(cJSON_IsNull(at(at(r.json, "pagination", "links"), "next", NULL)));
	const char *last =
	    cJSON_GetStringValue(at(at(r.json, "pagination", "links"), "last", NULL));
	CU_ASSERT(last && strstr(last, "page=3&perPage=50"));
	thttp_free(&r);
	/* A page number that would overflow an offset is just far past the end. */
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r,
			     "/organizations/%s/users?page=9223372036854775807&perPage=1000",
			     org_id),
			200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(at(r.json, "response", NULL)), 0);
	thttp_free(&r);
	/* A huge perPage is clamped, and the answer says so. */
	CU_ASSERT_EQUAL(
	    call("GET", NULL, NULL, &r, "/organizations/%s/users?perPage=100000", org_id), 200);
	CU_ASSERT_EQUAL(num(r.json, "pagination", "perPage"), 1000);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(at(r.json, "response", NULL)), 120);
	thttp_free(&r);
	/* Zero, negative, non-numeric, fractional, overflowing: 400 invalid URL parameters. */
	const char *bad[] = {"perPage=0", "perPage=-5", "perPage=abc",
			     "perPage=",  "page=0",	"page=-1",
			     "page=1.5",  "page=two",	"perPage=99999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		CU_ASSERT_EQUAL(
		    call("GET", NULL, NULL, &r, "/organizations/%s/users?%s", org_id, bad[i]), 400);
		expect_error(&r, 400, "1003");
		thttp_free(&r);
	}
	stop();
}

TEST(contract_questionpro, deleted_user_is_gone_from_the_list)
{
	start(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/%s/users?perPage=5", org_id),
			200);
	double victim = num(cJSON_GetArrayItem(at(r.json, "response", NULL), 3), "userID", NULL);
	double primary_user =
	    num(cJSON_GetArrayItem(at(r.json, "response", NULL), 0), "userID", NULL);
	thttp_free(&r);
	CU_ASSERT_FATAL(victim > 0);

	CU_ASSERT_EQUAL(
	    call("DELETE", NULL, NULL, &r, "/organizations/%s/users/%.0f", org_id, victim), 200);
	CU_ASSERT(r.json && cJSON_IsNull(r.json)); /* documented response schema: null */
	thttp_free(&r);

	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/%s/users?perPage=1000", org_id),
			200);
	CU_ASSERT_EQUAL(num(r.json, "pagination", "totalItems"), 119);
	bool found = false;
	const cJSON *u;
	cJSON_ArrayForEach(u, at(r.json, "response", NULL))
	{
		found = found || num(u, "userID", NULL) == victim;
	}
	CU_ASSERT_FALSE(found);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(at(r.json, "response", NULL)), 119);
	thttp_free(&r);

	/* The organization counts it too. */
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/%s", org_id), 200);
	CU_ASSERT_EQUAL(num(at(r.json, "response", NULL), "userCount", NULL), 119);
	CU_ASSERT_EQUAL(num(at(r.json, "response", NULL), "primaryAccountID", NULL), primary_user);
	thttp_free(&r);

	/* Twice is a 404; a junk id a 400; the primary account stays (403). */
	CU_ASSERT_EQUAL(
	    call("DELETE", NULL, NULL, &r, "/organizations/%s/users/%.0f", org_id, victim), 404);
	expect_error(&r, 404, "1040");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("DELETE", NULL, NULL, &r, "/organizations/%s/users/x1", org_id), 400);
	expect_error(&r, 400, "1003");
	thttp_free(&r);
	CU_ASSERT_EQUAL(
	    call("DELETE", NULL, NULL, &r, "/organizations/%s/users/%.0f", org_id, primary_user),
	    403);
	expect_error(&r, 403, "1013");
	thttp_free(&r);
	stop();
}

TEST(contract_questionpro, rate_limit_is_300_a_minute_per_key)
{
	const char *const args[] = {"--orgs",	     "60", "--dialects", "questionpro",
				    "--rate-limits", NULL};
	start(args);
	struct thttp r;
	/* Calls with a wrong key are not this key's calls. */
	const char *wrong[] = {"api-key: nope", NULL};
	for (int i = 0; i < 20; i++) {
		CU_ASSERT_EQUAL(call("GET", NULL, wrong, &r, "/organizations/%s", org_id), 401);
		thttp_free(&r);
	}
	int ok = 0;
	for (int i = 0; i < 300; i++) {
		if (call("GET", NULL, NULL, &r, "/organizations/%s/users?perPage=1", org_id) == 200)
			ok++;
		thttp_free(&r);
	}
	CU_ASSERT_EQUAL(ok, 300);
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/%s", org_id), 429);
	expect_error(&r, 429, "1013");
	const char *m = cJSON_GetStringValue(
	    at(at(at(r.json, "response", NULL), "error", NULL), "message", NULL));
	CU_ASSERT(m && !strncmp(m, "API call limit exceeded", 23));
	thttp_free(&r);
	/* Writes count and are refused alike. */
	CU_ASSERT_EQUAL(call("PUT", "{\"name\":\"X\"}", NULL, &r, "/organizations/%s", org_id),
			429);
	thttp_free(&r);
	stop();
}

TEST(contract_questionpro, hostile_names_do_not_break_the_body)
{
	const char *const args[] = {"--dialects", "questionpro", "--hostile", NULL};
	start(args);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/%s", org_id), 200);
	CU_ASSERT(valid(org_schema_text, r.json));
	thttp_free(&r);
	/* A name made to attack a terminal is stored as given: escaping is the client's job. */
	CU_ASSERT_EQUAL(call("PUT", "{\"name\":\"\\u001b[2J\\u001b]0;pwned\\u0007 Co\"}", NULL, &r,
			     "/organizations/%s", org_id),
			200);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/%s", org_id), 200);
	CU_ASSERT_STRING_EQUAL_NN(
	    cJSON_GetStringValue(at(at(r.json, "response", NULL), "name", NULL)),
	    "\x1b[2J\x1b]0;pwned\x07 Co");
	thttp_free(&r);
	/* A NUL ends the name at once, leaving it empty: refused like any empty name. */
	CU_ASSERT_EQUAL(
	    call("PUT", "{\"name\":\"\\u0000x\"}", NULL, &r, "/organizations/%s", org_id), 400);
	expect_error(&r, 400, "1002");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/%s/users/1/2/3", org_id), 404);
	expect_error(&r, 404, "1040");
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", NULL, NULL, &r, "/organizations/%s", org_id), 200);
	thttp_free(&r);
	stop();
}
