/* Contract: orgdeck-sim's HighQ Collaborate dialect against seed 002 and VENDORS.md
 * section 3, over real HTTP: OAuth2 code flow, the organisation list and its parameters,
 * validation refs, create/replace, members, XML, rate limit and fault envelopes. */
#include "tests/support/simproc.h"
#include "tests/support/thttp.h"
#include "tests/support/tsuite.h"
#include "net/xalloc.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define SECRET "hq-demo-7c41e9b25a0d3f68"

static struct simproc sp;

static void start(const char *const *extra)
{
	const char *const def[] = {"--orgs", "250", "--dialects", "highq", NULL};
	CU_ASSERT_FATAL(simproc_start(&sp, extra ? extra : def) == 0);
}

static char *url(const char *path)
{
	return xasprintf("%s/highq/demo%s", sp.base, path);
}

static const char *sval(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static long lval(const cJSON *o, const char *key)
{
	const char *s = sval(o, key);
	return s ? atol(s) : -1;
}

/* error.ref of a JSON error body, or -9999 when the body is not HighQ's envelope. */
static int err_ref(const struct thttp *r)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(r->json, "error");
	const cJSON *ref = cJSON_GetObjectItemCaseSensitive(e, "ref");
	if (!cJSON_IsObject(e) || !sval(e, "summary") || !cJSON_IsNumber(ref) || !sval(e, "link"))
		return -9999;
	return ref->valueint;
}

/* The authorization code from authorize.action's redirect (and its page). */
static char *get_code(void)
{
	char *redirect = simproc_config_value(&sp, "highq-demo", "redirect_uri");
	char *u = xasprintf("%s/highq/demo/authorize.action?response_type=code&client_id=1012"
			    "&redirect_uri=%s",
			    sp.base, redirect);
	struct thttp r;
	char *code = NULL;
	if (thttp_do("GET", u, NULL, NULL, NULL, &r) == 302) {
		char *loc = thttp_header(&r, "Location");
		size_t n = strlen(redirect);
		if (loc && !strncmp(loc, redirect, n) && !strncmp(loc + n, "?code=", 6))
			code = xstrdup(loc + n + 6);
		free(loc);
	}
	thttp_free(&r);
	free(u);
	free(redirect);
	return code;
}

static long token_call(const char *form, struct thttp *r)
{
	const char *h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	char *u = url("/api/oauth2/token");
	long st = thttp_do("POST", u, h, NULL, form, r);
	free(u);
	return st;
}

/* The whole code flow; returns the access token (and the refresh token when asked). */
static char *login(char **refresh)
{
	char *code = get_code();
	CU_ASSERT_PTR_NOT_NULL_FATAL(code);
	char *form = xasprintf(
	    "grant_type=authorization_code&client_id=1012&client_secret=" SECRET "&code=%s", code);
	struct thttp r;
	CU_ASSERT_EQUAL_FATAL(token_call(form, &r), 200);
	char *tok = xstrdup(sval(r.json, "access_token"));
	if (refresh)
		*refresh = xstrdup(sval(r.json, "refresh_token"));
	thttp_free(&r);
	free(form);
	free(code);
	return tok;
}

/* An API call: Bearer token (or none), JSON or XML, JSON body when given. */
static long call(const char *method, const char *path, const char *tok, bool json, const char *body,
		 struct thttp *r)
{
	char *auth = tok ? xasprintf("Authorization: Bearer %s", tok) : NULL;
	const char *h[4];
	int n = 0;
	if (auth)
		h[n++] = auth;
	if (json)
		h[n++] = "Accept: application/json";
	if (body)
		h[n++] = "Content-Type: application/json";
	h[n] = NULL;
	char *u = url(path);
	long st = thttp_do(method, u, h, NULL, body, r);
	free(u);
	free(auth);
	return st;
}

static const cJSON *orgs_wrapper(const struct thttp *r)
{
	return cJSON_GetObjectItemCaseSensitive(r->json, "organisations");
}

static const cJSON *orgs_of(const struct thttp *r)
{
	return cJSON_GetObjectItemCaseSensitive(orgs_wrapper(r), "organisation");
}

static long total_count(const char *tok, const char *query)
{
	struct thttp r;
	char *p = xasprintf("/api/4/organisations?limit=1&%s", query);
	long n =
	    call("GET", p, tok, true, NULL, &r) == 200 ? lval(orgs_wrapper(&r), "totalCount") : -1;
	thttp_free(&r);
	free(p);
	return n;
}

/* "22 Mar 2017 14:20" as yyyymmddhhmm, or -1 when the text has another shape. */
static long long date_key(const char *s)
{
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	if (!s || strlen(s) != 17 || s[2] != ' ' || s[6] != ' ' || s[11] != ' ' || s[14] != ':')
		return -1;
	const int digits[] = {0, 1, 7, 8, 9, 10, 12, 13, 15, 16};
	for (size_t i = 0; i < sizeof digits / sizeof *digits; i++)
		if (!isdigit((unsigned char)s[digits[i]]))
			return -1;
	int m = -1;
	for (int i = 0; i < 12; i++)
		if (!strncmp(s + 3, mon[i], 3))
			m = i + 1;
	if (m < 0)
		return -1;
	long long day = atoi(s), year = atoi(s + 7), hh = atoi(s + 12), mm = atoi(s + 15);
	if (day < 1 || day > 31 || hh > 23 || mm > 59)
		return -1;
	return (((year * 100 + m) * 100 + day) * 100 + hh) * 100 + mm;
}

/* Byte comparison with A-Z folded, as SQLite's NOCASE and HighQ's sort do it. */
static int fold_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = (unsigned char)*a, y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y || !x)
			return x - y;
	}
}

static bool all_strings(const cJSON *o)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, o) if (!cJSON_IsString(it)) return false;
	return true;
}

static bool is_digits(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

TEST(contract_highq, print_config_is_the_highq_demo_profile)
{
	start(NULL);
	char *want = xasprintf("\n[profile highq-demo]\nvendor = highq\nbase_url = %s/highq/demo\n"
			       "client_id = 1012\nclient_secret = " SECRET "\n"
			       "redirect_uri = %s/highq/demo/oauth-done\n",
			       sp.base, sp.base);
	CU_ASSERT_PTR_NOT_NULL(strstr(sp.config, want));
	free(want);
	simproc_stop(&sp);
}

TEST(contract_highq, printed_refresh_token_signs_in_once)
{
	start(NULL);
	char *rt = simproc_config_value(&sp, "highq-demo", "refresh_token");
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	char *form = xasprintf("grant_type=refresh_token&refresh_token=%s&client_id=1012"
			       "&client_secret=" SECRET,
			       rt);
	struct thttp r;
	CU_ASSERT_EQUAL(token_call(form, &r), 200);
	CU_ASSERT_PTR_NOT_NULL(sval(r.json, "access_token"));
	thttp_free(&r);
	/* Rotated: the printed token is spent once used. */
	CU_ASSERT_EQUAL(token_call(form, &r), 400);
	thttp_free(&r);
	free(form);
	free(rt);
	simproc_stop(&sp);
}

TEST(contract_highq, oauth_code_flow_issues_working_tokens)
{
	start(NULL);
	char *redirect = simproc_config_value(&sp, "highq-demo", "redirect_uri");
	char *u = xasprintf("%s/highq/demo/authorize.action?response_type=code&client_id=1012"
			    "&redirect_uri=%s&state=s1",
			    sp.base, redirect);
	struct thttp r;
	CU_ASSERT_EQUAL(thttp_do("GET", u, NULL, NULL, NULL, &r), 302);
	char *loc = thttp_header(&r, "Location");
	CU_ASSERT_FATAL(loc && !strncmp(loc, redirect, strlen(redirect)));
	const char *code = strstr(loc, "?code=");
	CU_ASSERT_FATAL(code != NULL);
	char *c = xstrndup(code + 6, strcspn(code + 6, "&"));
	CU_ASSERT_PTR_NOT_NULL(strstr(loc, "&state=s1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, c)); /* visible for pasting */
	thttp_free(&r);

	/* The redirect target shows the code too. */
	char *done = xasprintf("%s?code=%s", redirect, c);
	CU_ASSERT_EQUAL(thttp_do("GET", done, NULL, NULL, NULL, &r), 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, c));
	thttp_free(&r);

	char *form = xasprintf("grant_type=authorization_code&client_id=1012&client_secret=" SECRET
			       "&code=%s&redirect_uri=%s",
			       c, redirect);
	CU_ASSERT_EQUAL(token_call(form, &r), 200);
	const char *at = sval(r.json, "access_token");
	CU_ASSERT(at && strlen(at) >= 16);
	CU_ASSERT(sval(r.json, "refresh_token") != NULL);
	CU_ASSERT_STRING_EQUAL_NN(sval(r.json, "token_type"), "bearer");
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(cJSON_GetObjectItem(r.json, "expires_in")), 3600);
	char *tok = xstrdup(at ? at : "");
	thttp_free(&r);

	struct thttp a;
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?limit=1", tok, true, NULL, &a), 200);
	thttp_free(&a);

	/* A code is good once. */
	CU_ASSERT_EQUAL(token_call(form, &r), 400);
	CU_ASSERT(err_ref(&r) != -9999);
	thttp_free(&r);
	free(form);
	free(tok);
	free(done);
	free(c);
	free(loc);
	free(u);
	free(redirect);
	simproc_stop(&sp);
}

TEST(contract_highq, authorize_refuses_unknown_client_and_redirect)
{
	start(NULL);
	struct thttp r;
	char *u = url("/authorize.action?response_type=code&client_id=9999");
	CU_ASSERT_EQUAL(thttp_do("GET", u, NULL, NULL, NULL, &r), 400);
	char *loc = thttp_header(&r, "Location");
	CU_ASSERT_PTR_NULL(loc);
	free(loc);
	thttp_free(&r);
	free(u);
	u = url("/authorize.action?response_type=code&client_id=1012"
		"&redirect_uri=http://evil.example/steal");
	CU_ASSERT_EQUAL(thttp_do("GET", u, NULL, NULL, NULL, &r), 400);
	loc = thttp_header(&r, "Location");
	CU_ASSERT_PTR_NULL(loc);
	free(loc);
	thttp_free(&r);
	free(u);
	u = url("/authorize.action?response_type=token&client_id=1012");
	CU_ASSERT_EQUAL(thttp_do("GET", u, NULL, NULL, NULL, &r), 400);
	thttp_free(&r);
	free(u);
	simproc_stop(&sp);
}

TEST(contract_highq, token_refuses_wrong_secret_and_unknown_code)
{
	start(NULL);
	char *code = get_code();
	CU_ASSERT_PTR_NOT_NULL_FATAL(code);
	struct thttp r;
	char *form = xasprintf("grant_type=authorization_code&client_id=1012&client_secret=nope"
			       "&code=%s",
			       code);
	CU_ASSERT_EQUAL(token_call(form, &r), 401);
	CU_ASSERT_EQUAL(err_ref(&r), 401);
	thttp_free(&r);
	free(form);
	CU_ASSERT_EQUAL(
	    token_call("grant_type=authorization_code&client_id=1012&client_secret=" SECRET
		       "&code=notacode",
		       &r),
	    400);
	CU_ASSERT(err_ref(&r) != -9999);
	thttp_free(&r);
	CU_ASSERT_EQUAL(token_call("grant_type=password&client_id=1012&client_secret=" SECRET, &r),
			400);
	thttp_free(&r);
	free(code);
	simproc_stop(&sp);
}

TEST(contract_highq, refresh_grant_issues_new_tokens_and_rotates)
{
	start(NULL);
	char *refresh = NULL;
	char *tok = login(&refresh);
	char *form = xasprintf("grant_type=refresh_token&refresh_token=%s&client_id=1012"
			       "&client_secret=" SECRET,
			       refresh);
	struct thttp r;
	CU_ASSERT_EQUAL(token_call(form, &r), 200);
	const char *at = sval(r.json, "access_token"), *rt = sval(r.json, "refresh_token");
	CU_ASSERT_FATAL(at && rt);
	CU_ASSERT(strcmp(at, tok) != 0);
	CU_ASSERT(strcmp(rt, refresh) != 0);
	char *tok2 = xstrdup(at);
	thttp_free(&r);
	struct thttp a;
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?limit=1", tok2, true, NULL, &a), 200);
	thttp_free(&a);
	/* The spent refresh token is refused. */
	CU_ASSERT_EQUAL(token_call(form, &r), 400);
	thttp_free(&r);
	free(form);
	free(tok2);
	free(tok);
	free(refresh);
	simproc_stop(&sp);
}

TEST(contract_highq, expired_access_token_is_401_until_refreshed)
{
	setenv("ORGDECK_SIM_HIGHQ_TOKEN_TTL", "1", 1);
	start(NULL);
	unsetenv("ORGDECK_SIM_HIGHQ_TOKEN_TTL");
	char *refresh = NULL;
	char *code = get_code();
	CU_ASSERT_PTR_NOT_NULL_FATAL(code);
	char *form = xasprintf(
	    "grant_type=authorization_code&client_id=1012&client_secret=" SECRET "&code=%s", code);
	struct thttp r;
	CU_ASSERT_EQUAL_FATAL(token_call(form, &r), 200);
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(cJSON_GetObjectItem(r.json, "expires_in")), 1);
	char *tok = xstrdup(sval(r.json, "access_token"));
	refresh = xstrdup(sval(r.json, "refresh_token"));
	thttp_free(&r);
	usleep(2200 * 1000);
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?limit=1", tok, true, NULL, &r), 401);
	CU_ASSERT_EQUAL(err_ref(&r), 401);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(sval(cJSON_GetObjectItem(r.json, "error"), "summary"), "expired"));
	thttp_free(&r);
	free(form);
	form = xasprintf("grant_type=refresh_token&refresh_token=%s&client_id=1012"
			 "&client_secret=" SECRET,
			 refresh);
	CU_ASSERT_EQUAL_FATAL(token_call(form, &r), 200);
	char *tok2 = xstrdup(sval(r.json, "access_token"));
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?limit=1", tok2, true, NULL, &r), 200);
	thttp_free(&r);
	free(tok2);
	free(form);
	free(tok);
	free(refresh);
	free(code);
	simproc_stop(&sp);
}

TEST(contract_highq, missing_or_unknown_token_is_401_in_highq_shape)
{
	start(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations", NULL, true, NULL, &r), 401);
	CU_ASSERT_EQUAL(err_ref(&r), 401);
	char *www = thttp_header(&r, "WWW-Authenticate");
	CU_ASSERT(www && !strncmp(www, "Bearer", 6));
	free(www);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations", "deadbeef", true, NULL, &r), 401);
	CU_ASSERT_EQUAL(err_ref(&r), 401);
	thttp_free(&r);
	/* Client credentials are not an access token. */
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations/1", SECRET, true, NULL, &r), 401);
	thttp_free(&r);
	simproc_stop(&sp);
}

TEST(contract_highq, list_shape_matches_seed)
{
	start(NULL);
	char *tok = login(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations", tok, true, NULL, &r), 200);
	char *ct = thttp_header(&r, "Content-Type");
	CU_ASSERT(ct && strstr(ct, "application/json"));
	free(ct);
	const cJSON *w = orgs_wrapper(&r), *a = orgs_of(&r);
	CU_ASSERT_FATAL(cJSON_IsObject(w) && cJSON_IsArray(a));
	CU_ASSERT_STRING_EQUAL_NN(sval(w, "total"), "250");
	CU_ASSERT_STRING_EQUAL_NN(sval(w, "totalCount"), "250");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(a), 100); /* limit defaults to 100 */
	const char *keys[] = {"orgid",	   "name",	  "internal", "status",
			      "noofusers", "createddate", "link"};
	const cJSON *o;
	int bad = 0, gaps = 0;
	long prev = 0;
	cJSON_ArrayForEach(o, a)
	{
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
			if (!sval(o, keys[i]))
				bad++;
		if (!all_strings(o) || cJSON_GetArraySize(o) != 7)
			bad++;
		if (!is_digits(sval(o, "orgid")) || !is_digits(sval(o, "noofusers")))
			bad++;
		const char *in = sval(o, "internal"), *st = sval(o, "status");
		if (!in || (strcmp(in, "0") && strcmp(in, "1")))
			bad++;
		if (!st || (strcmp(st, "ACTIVE") && strcmp(st, "ARCHIVE") && strcmp(st, "PENDING")))
			bad++;
		if (date_key(sval(o, "createddate")) < 0)
			bad++;
		char *link =
		    xasprintf("%s/highq/demo/api/4/organisations/%s", sp.base, sval(o, "orgid"));
		if (!sval(o, "link") || strcmp(sval(o, "link"), link))
			bad++;
		free(link);
		long id = lval(o, "orgid");
		if (id <= prev)
			bad++; /* default order: ascending id */
		gaps += id > prev + 1;
		prev = id;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(gaps > 0); /* ids have holes, as in the seed (1, 3) */
	thttp_free(&r);
	free(tok);
	simproc_stop(&sp);
}

TEST(contract_highq, limit_and_offset_page_through)
{
	start(NULL);
	char *tok = login(NULL);
	struct thttp all, page;
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?limit=30", tok, true, NULL, &all), 200);
	CU_ASSERT_EQUAL(
	    call("GET", "/api/4/organisations?offset=10&limit=5", tok, true, NULL, &page), 200);
	CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(orgs_of(&page)), 5);
	for (int i = 0; i < 5; i++)
		CU_ASSERT_STRING_EQUAL_NN(sval(cJSON_GetArrayItem(orgs_of(&page), i), "orgid"),
					  sval(cJSON_GetArrayItem(orgs_of(&all), 10 + i), "orgid"));
	thttp_free(&page);
	thttp_free(&all);
	/* Past the end: an empty list, counts unchanged. */
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?offset=250", tok, true, NULL, &page),
			200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(orgs_of(&page)), 0);
	CU_ASSERT_STRING_EQUAL_NN(sval(orgs_wrapper(&page), "totalCount"), "250");
	thttp_free(&page);
	CU_ASSERT_EQUAL(
	    call("GET", "/api/4/organisations?offset=240&limit=25", tok, true, NULL, &page), 200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(orgs_of(&page)), 10);
	thttp_free(&page);
	/* limit=-1 is "all", as on HighQ's other lists. */
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?limit=-1", tok, true, NULL, &page), 200);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(orgs_of(&page)), 250);
	thttp_free(&page);
	free(tok);
	simproc_stop(&sp);
}

/* Sign of (a - b) for the field that ordertype names. */
static int cmp_field(const char *field, const cJSON *a, const cJSON *b)
{
	if (!strcmp(field, "name"))
		return fold_cmp(sval(a, "name"), sval(b, "name"));
	if (!strcmp(field, "status"))
		return strcmp(sval(a, "status"), sval(b, "status"));
	long long x, y;
	if (!strcmp(field, "createddate")) {
		x = date_key(sval(a, "createddate"));
		y = date_key(sval(b, "createddate"));
	} else {
		const char *k = !strcmp(field, "users") ? "noofusers" : "orgid";
		x = lval(a, k);
		y = lval(b, k);
	}
	return (x > y) - (x < y);
}

TEST(contract_highq, ordertype_and_orderby_sort_each_field)
{
	start(NULL);
	char *tok = login(NULL);
	/* A lower-case name, as the seed's "test": the name sort ignores case. */
	struct thttp c;
	CU_ASSERT_EQUAL(
	    call("POST", "/api/4/organisations", tok, true, "{\"name\":\"aardvark legal\"}", &c),
	    201);
	thttp_free(&c);
	const char *fields[] = {"id", "name", "status", "createddate", "users"};
	for (size_t f = 0; f < sizeof fields / sizeof *fields; f++) {
		char *first[2] = {NULL, NULL};
		for (int d = 0; d < 2; d++) {
			char *p = xasprintf("/api/4/organisations?ordertype=%s&orderby=%s&limit=-1",
					    fields[f], d ? "desc" : "asc");
			struct thttp r;
			CU_ASSERT_EQUAL(call("GET", p, tok, true, NULL, &r), 200);
			const cJSON *a = orgs_of(&r);
			CU_ASSERT_EQUAL(cJSON_GetArraySize(a), 251);
			int wrong = 0;
			for (int i = 0; i + 1 < cJSON_GetArraySize(a); i++) {
				int cmp = cmp_field(fields[f], cJSON_GetArrayItem(a, i),
						    cJSON_GetArrayItem(a, i + 1));
				if (d ? cmp < 0 : cmp > 0)
					wrong++;
			}
			if (wrong)
				fprintf(stderr, "ordertype=%s orderby=%s: %d pairs out of order\n",
					fields[f], d ? "desc" : "asc", wrong);
			CU_ASSERT_EQUAL(wrong, 0);
			first[d] = xstrdup(sval(cJSON_GetArrayItem(a, 0), "orgid"));
			thttp_free(&r);
			free(p);
		}
		CU_ASSERT(strcmp(first[0], first[1]) != 0); /* the direction did something */
		free(first[0]);
		free(first[1]);
	}
	/* Case does not matter, and orderby alone sorts by id. */
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?ordertype=NAME&orderby=DESC&limit=2", tok,
			     true, NULL, &r),
			200);
	thttp_free(&r);
	CU_ASSERT_EQUAL(
	    call("GET", "/api/4/organisations?orderby=desc&limit=2", tok, true, NULL, &r), 200);
	CU_ASSERT(cmp_field("id", cJSON_GetArrayItem(orgs_of(&r), 0),
			    cJSON_GetArrayItem(orgs_of(&r), 1)) > 0);
	thttp_free(&r);
	free(tok);
	simproc_stop(&sp);
}

TEST(contract_highq, status_filter_takes_csv_in_any_case)
{
	start(NULL);
	char *tok = login(NULL);
	long active = total_count(tok, "status=active"),
	     archive = total_count(tok, "status=archive");
	long pending = total_count(tok, "status=pending");
	CU_ASSERT(active > 0 && archive > 0 && pending > 0);
	CU_ASSERT_EQUAL(active + archive + pending, 250);
	CU_ASSERT_EQUAL(total_count(tok, "status=Archive,PENDING"), archive + pending);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?status=archive,pending&limit=-1", tok,
			     true, NULL, &r),
			200);
	CU_ASSERT_STRING_EQUAL_NN(sval(orgs_wrapper(&r), "total"), "250");
	const cJSON *o;
	int bad = 0, n = 0;
	cJSON_ArrayForEach(o, orgs_of(&r))
	{
		n++;
		if (strcmp(sval(o, "status"), "ARCHIVE") && strcmp(sval(o, "status"), "PENDING"))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(n, archive + pending);
	thttp_free(&r);
	free(tok);
	simproc_stop(&sp);
}

/* Every listed organisation's detail has key in the wanted set. */
static int detail_misses(const char *tok, const struct thttp *list, const char *key,
			 const long *want, int nwant)
{
	int bad = 0, seen = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, orgs_of(list))
	{
		if (seen++ >= 25)
			break;
		char *p = xasprintf("/api/4/organisations/%s", sval(o, "orgid"));
		struct thttp d;
		long v = -1;
		if (call("GET", p, tok, true, NULL, &d) == 200)
			v = lval(cJSON_GetObjectItem(d.json, "organisation"), key);
		int hit = 0;
		for (int i = 0; i < nwant; i++)
			hit |= v == want[i];
		bad += !hit;
		thttp_free(&d);
		free(p);
	}
	return bad;
}

TEST(contract_highq, industry_and_category_filters_take_csv)
{
	start(NULL);
	char *tok = login(NULL);
	long i1 = total_count(tok, "industry=1"), i2 = total_count(tok, "industry=2");
	CU_ASSERT(i1 > 0 && i2 > 0 && i1 + i2 < 250);
	CU_ASSERT_EQUAL(total_count(tok, "industry=1,2"), i1 + i2);
	CU_ASSERT_EQUAL(total_count(tok, "industry=2,1,2"), i1 + i2);
	struct thttp r;
	CU_ASSERT_EQUAL(
	    call("GET", "/api/4/organisations?industry=1,2&limit=-1", tok, true, NULL, &r), 200);
	const long wi[] = {1, 2};
	CU_ASSERT_EQUAL(detail_misses(tok, &r, "orgindustryid", wi, 2), 0);
	thttp_free(&r);

	long c12 = total_count(tok, "category=12"), c13 = total_count(tok, "category=13");
	CU_ASSERT(c12 > 0 && c13 > 0);
	CU_ASSERT_EQUAL(total_count(tok, "category=12,13"), c12 + c13);
	CU_ASSERT_EQUAL(
	    call("GET", "/api/4/organisations?category=12,13&limit=-1", tok, true, NULL, &r), 200);
	const long wc[] = {12, 13};
	CU_ASSERT_EQUAL(detail_misses(tok, &r, "orgcategoryid", wc, 2), 0);
	thttp_free(&r);
	/* Filters combine. */
	CU_ASSERT(total_count(tok, "industry=1,2&category=12,13&status=active") <= i1 + i2);
	free(tok);
	simproc_stop(&sp);
}

TEST(contract_highq, domain_filter_is_a_single_value)
{
	start(NULL);
	char *tok = login(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations/7", tok, true, NULL, &r), 200);
	const cJSON *d = cJSON_GetArrayItem(
	    cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "organisation"), "domains"),
		"domain"),
	    0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sval(d, "url"));
	char *dom = xstrdup(sval(d, "url"));
	thttp_free(&r);
	char *p = xasprintf("/api/4/organisations?domain=%s&limit=-1", dom);
	CU_ASSERT_EQUAL(call("GET", p, tok, true, NULL, &r), 200);
	int found = 0, n = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, orgs_of(&r))
	{
		n++;
		found |= lval(o, "orgid") == 7;
	}
	CU_ASSERT(found);
	CU_ASSERT(n >= 1 && n < 250);
	CU_ASSERT_EQUAL(lval(orgs_wrapper(&r), "totalCount"), n);
	thttp_free(&r);
	free(p);
	/* No CSV for domain: two domains match nothing rather than either. */
	p = xasprintf("domain=%s,%s", dom, dom);
	CU_ASSERT_EQUAL(total_count(tok, p), 0);
	free(p);
	free(dom);
	free(tok);
	simproc_stop(&sp);
}

TEST(contract_highq, search_and_searchTxt_match_across_fields)
{
	start(NULL);
	char *tok = login(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations/5", tok, true, NULL, &r), 200);
	const cJSON *org = cJSON_GetObjectItem(r.json, "organisation");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sval(org, "name"));
	/* The first word of the name, in another case. */
	char *word = xstrndup(sval(org, "name"), strcspn(sval(org, "name"), " "));
	for (char *c = word; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	thttp_free(&r);
	char *p = xasprintf("/api/4/organisations?search=%s&limit=-1", word);
	CU_ASSERT_EQUAL(call("GET", p, tok, true, NULL, &r), 200);
	long n = lval(orgs_wrapper(&r), "totalCount");
	CU_ASSERT(n >= 1 && n < 250);
	int found = 0, bad = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, orgs_of(&r))
	{
		found |= lval(o, "orgid") == 5;
		char *q = xasprintf("/api/4/organisations/%s", sval(o, "orgid"));
		struct thttp d;
		call("GET", q, tok, true, NULL, &d);
		char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(d.json, "organisation"));
		for (char *c = text; c && *c; c++)
			*c = (char)toupper((unsigned char)*c);
		bad += !text || !strstr(text, word);
		free(text);
		thttp_free(&d);
		free(q);
	}
	CU_ASSERT(found);
	CU_ASSERT_EQUAL(bad, 0);
	thttp_free(&r);
	free(p);
	/* HighQ's own sample app spells it searchTxt. */
	p = xasprintf("searchTxt=%s", word);
	CU_ASSERT_EQUAL(total_count(tok, p), n);
	free(p);
	CU_ASSERT_EQUAL(total_count(tok, "search=zzqqxxnothing"), 0);
	/* LIKE wildcards are literal. */
	CU_ASSERT_EQUAL(total_count(tok, "search=%25"), 0);
	free(word);
	free(tok);
	simproc_stop(&sp);
}

TEST(contract_highq, list_validation_refs_289_to_295)
{
	start(NULL);
	char *tok = login(NULL);
	const struct {
		const char *query;
		int ref;
	} cases[] = {
	    {"ordertype=bogus", 289},
	    {"ordertype=orgid", 289},
	    {"orderby=up", 290},
	    {"orderby=descending", 290},
	    {"limit=abc", 291},
	    {"limit=0", 291},
	    {"limit=-5", 291},
	    {"limit=10x", 291},
	    {"offset=-1", 292},
	    {"offset=ten", 292},
	    {"industry=999", 293},
	    {"industry=x", 293},
	    {"industry=1,,2", 293},
	    {"category=3", 294},
	    {"category=12,abc", 294},
	    {"status=deleted", 295},
	    {"status=active,archived", 295},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *p = xasprintf("/api/4/organisations?%s", cases[i].query);
		struct thttp r;
		long st = call("GET", p, tok, true, NULL, &r);
		if (st != 400 || err_ref(&r) != cases[i].ref)
			fprintf(stderr, "%s: %ld %s\n", cases[i].query, st, r.body);
		CU_ASSERT_EQUAL(st, 400);
		CU_ASSERT_EQUAL(err_ref(&r), cases[i].ref);
		thttp_free(&r);
		free(p);
	}
	free(tok);
	simproc_stop(&sp);
}

TEST(contract_highq, xml_unless_accept_asks_for_json)
{
	start(NULL);
	char *tok = login(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?limit=2", tok, false, NULL, &r), 200);
	char *ct = thttp_header(&r, "Content-Type");
	CU_ASSERT(ct && strstr(ct, "xml"));
	free(ct);
	CU_ASSERT_PTR_NULL(r.json);
	CU_ASSERT(
	    !strncmp(r.body, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>", 55));
	CU_ASSERT_PTR_NOT_NULL(strstr(
	    r.body,
	    "<organisations><total>250</total><totalCount>250</totalCount><organisation><orgid>"));
	const char *second = strstr(r.body, "</organisation><organisation>");
	CU_ASSERT_PTR_NOT_NULL(second);
	CU_ASSERT(strstr(r.body, "</organisation></organisations>") != NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "<createddate>"));
	thttp_free(&r);
	/* Errors follow the same choice. */
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?ordertype=x", tok, false, NULL, &r), 400);
	CU_ASSERT_PTR_NOT_NULL(strstr(
	    r.body, "<error><summary>The ordertype is Invalid.</summary><ref>289</ref><link>"));
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations/1", tok, false, NULL, &r), 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "<organisation><orgid>1</orgid>"));
	thttp_free(&r);
	free(tok);
	simproc_stop(&sp);
}

/* True when every byte sequence is valid UTF-8 and no C0 control but \n \r \t occurs. */
static bool xml_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t')
			return false;
		int n = *p < 0x80	  ? 1
			: (*p >> 5) == 6  ? 2
			: (*p >> 4) == 14 ? 3
			: (*p >> 3) == 30 ? 4
					  : 0;
		if (!n)
			return false;
		for (int i = 1; i < n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

TEST(contract_highq, xml_escapes_markup_and_hostile_bytes)
{
	const char *const args[] = {"--orgs", "40", "--dialects", "highq", "--hostile", NULL};
	start(args);
	char *tok = login(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("POST", "/api/4/organisations", tok, true,
			     "{\"name\":\"Smith & <Jones> \\\"Law\\\" 'LLP'\"}", &r),
			201);
	char *p = xasprintf("/api/4/organisations/%s", sval(r.json, "orgid"));
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", p, tok, false, NULL, &r), 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(
	    r.body, "<name>Smith &amp; &lt;Jones&gt; &quot;Law&quot; &apos;LLP&apos;</name>"));
	thttp_free(&r);
	free(p);
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?limit=10", tok, false, NULL, &r), 200);
	CU_ASSERT(xml_safe(r.body));
	/* The clear-screen name arrives inert: ESC replaced, the rest kept. */
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "<name>Evil\xEF\xBF\xBD[2J"));
	thttp_free(&r);
	/* JSON carries the vendor's bytes as they are; orgdeck's sanitiser deals with them. */
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?limit=1", tok, true, NULL, &r), 200);
	CU_ASSERT_PTR_NOT_NULL(strchr(sval(cJSON_GetArrayItem(orgs_of(&r), 0), "name"), 0x1b));
	thttp_free(&r);
	free(tok);
	simproc_stop(&sp);
}

TEST(contract_highq, get_org_detail_404_and_bad_id)
{
	start(NULL);
	char *tok = login(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations/1", tok, true, NULL, &r), 200);
	const cJSON *o = cJSON_GetObjectItem(r.json, "organisation");
	CU_ASSERT_FATAL(cJSON_IsObject(o));
	CU_ASSERT_STRING_EQUAL_NN(sval(o, "orgid"), "1");
	CU_ASSERT_STRING_EQUAL_NN(sval(o, "internal"), "1");
	const char *st = sval(o, "status");
	CU_ASSERT(st &&
		  (!strcmp(st, "Active") || !strcmp(st, "Archive") || !strcmp(st, "Pending")));
	CU_ASSERT(is_digits(sval(o, "orgindustryid")));
	CU_ASSERT(date_key(sval(o, "createddate")) > 0);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations/99999999", tok, true, NULL, &r), 404);
	CU_ASSERT_EQUAL(err_ref(&r), 75);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations/abc", tok, true, NULL, &r), 400);
	CU_ASSERT_EQUAL(err_ref(&r), 283);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("DELETE", "/api/4/organisations/1", tok, true, NULL, &r), 405);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/api/4/nothing", tok, true, NULL, &r), 404);
	CU_ASSERT(err_ref(&r) != -9999);
	thttp_free(&r);
	char *u = xasprintf("%s/highq/other/api/4/organisations", sp.base);
	CU_ASSERT_EQUAL(thttp_do("GET", u, NULL, NULL, NULL, &r), 404);
	thttp_free(&r);
	free(u);
	free(tok);
	simproc_stop(&sp);
}

TEST(contract_highq, post_creates_201_with_summary)
{
	start(NULL);
	char *tok = login(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(
	    call("POST", "/api/4/organisations", tok, true,
		 "{\"name\":\"Zebra Created LLP\",\"orgindustryid\":\"3\",\"orgcategoryid\":"
		 "\"12\",\"status\":\"pending\",\"internal\":\"0\",\"contact\":{\"name\":"
		 "\"Ana Lima\",\"email\":\"ana@zebra.example\",\"typeid\":\"2\","
		 "\"contacttier\":\"1\"}}",
		 &r),
	    201);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.json), 3);
	CU_ASSERT_STRING_EQUAL_NN(sval(r.json, "name"), "Zebra Created LLP");
	const char *id = sval(r.json, "orgid");
	CU_ASSERT_FATAL(is_digits(id));
	long nid = atol(id);
	char *link = xasprintf("%s/highq/demo/api/4/organisations/%ld", sp.base, nid);
	CU_ASSERT_STRING_EQUAL_NN(sval(r.json, "link"), link);
	free(link);
	thttp_free(&r);
	char *p = xasprintf("/api/4/organisations/%ld", nid);
	CU_ASSERT_EQUAL(call("GET", p, tok, true, NULL, &r), 200);
	const cJSON *o = cJSON_GetObjectItem(r.json, "organisation");
	CU_ASSERT_STRING_EQUAL_NN(sval(o, "status"), "Pending");
	CU_ASSERT_STRING_EQUAL_NN(sval(o, "orgindustryid"), "3");
	CU_ASSERT_STRING_EQUAL_NN(sval(o, "noofusers"), "0");
	CU_ASSERT_STRING_EQUAL_NN(sval(cJSON_GetObjectItem(o, "contact"), "email"),
				  "ana@zebra.example");
	thttp_free(&r);
	free(p);
	/* It is listed and counted. */
	CU_ASSERT_EQUAL(total_count(tok, "search=zebra%20created"), 1);
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?limit=1", tok, true, NULL, &r), 200);
	CU_ASSERT_STRING_EQUAL_NN(sval(orgs_wrapper(&r), "total"), "251");
	thttp_free(&r);
	/* XML answers wrap the summary in <organisation>. */
	CU_ASSERT_EQUAL(call("POST", "/api/4/organisations", tok, false, "{\"name\":\"X\"}", &r),
			201);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "<organisation><name>X</name><link>"));
	thttp_free(&r);
	free(tok);
	simproc_stop(&sp);
}

TEST(contract_highq, create_validation_refs_269_to_284)
{
	start(NULL);
	char *tok = login(NULL);
	char long_name[200];
	memset(long_name, 'a', 129);
	long_name[129] = '\0';
	char *too_long = xasprintf("{\"name\":\"%s\"}", long_name);
	long_name[128] = '\0';
	char *max_len = xasprintf("{\"name\":\"%s\"}", long_name);
	const struct {
		const char *body;
		int status, ref;
	} cases[] = {
	    {"{}", 400, 269},
	    {"{\"name\":\"   \"}", 400, 269},
	    {"{\"name\":42}", 400, 269},
	    {too_long, 400, 270},
	    {max_len, 201, 0},
	    {"{\"name\":\"A\",\"orgindustryid\":\"999\"}", 400, 273},
	    {"{\"name\":\"A\",\"orgindustryid\":3}", 400, 273}, /* numbers must be quoted */
	    {"{\"name\":\"A\",\"status\":\"archive\"}", 400, 274},
	    {"{\"name\":\"A\",\"status\":\"gone\"}", 400, 274},
	    {"{\"name\":\"A\",\"contact\":{\"name\":\"B\",\"email\":\"b@c.de\",\"contacttier\":"
	     "\"9\"}}",
	     400, 275},
	    {"{\"name\":\"A\",\"contact\":{\"name\":\"B\",\"email\":\"b@c.de\",\"typeid\":\"9\"}}",
	     400, 276},
	    {"{\"name\":\"A\",\"contact\":{\"email\":\"b@c.de\"}}", 400, 277},
	    {"{\"name\":\"A\",\"contact\":{\"name\":\"B\",\"email\":\"not-an-email\"}}", 400, 278},
	    {"{\"name\":\"A\",\"internal\":\"2\"}", 400, 284},
	    {"{\"organisation\":{\"name\":\"Wrapped\"}}", 201, 0},
	    {"not json", 400, 74},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct thttp r;
		long st = call("POST", "/api/4/organisations", tok, true, cases[i].body, &r);
		if (st != cases[i].status || (cases[i].ref && err_ref(&r) != cases[i].ref))
			fprintf(stderr, "case %zu: %ld %s\n", i, st, r.body);
		CU_ASSERT_EQUAL(st, cases[i].status);
		if (cases[i].ref)
			CU_ASSERT_EQUAL(err_ref(&r), cases[i].ref);
		thttp_free(&r);
	}
	/* An empty body is ref 74. */
	struct thttp r;
	CU_ASSERT_EQUAL(call("POST", "/api/4/organisations", tok, true, "", &r), 400);
	CU_ASSERT_EQUAL(err_ref(&r), 74);
	thttp_free(&r);
	free(too_long);
	free(max_len);
	free(tok);
	simproc_stop(&sp);
}

TEST(contract_highq, put_replaces_the_whole_org)
{
	start(NULL);
	char *tok = login(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("POST", "/api/4/organisations", tok, true,
			     "{\"name\":\"Before\",\"orgindustryid\":\"4\",\"internal\":\"1\","
			     "\"contact\":{\"name\":\"C D\",\"email\":\"c@d.example\"}}",
			     &r),
			201);
	char *p = xasprintf("/api/4/organisations/%s", sval(r.json, "orgid"));
	char *id = xstrdup(sval(r.json, "orgid"));
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", p, tok, true, NULL, &r), 200);
	char *created = xstrdup(sval(cJSON_GetObjectItem(r.json, "organisation"), "createddate"));
	thttp_free(&r);
	/* What the body leaves out is gone, not kept. */
	CU_ASSERT_EQUAL(
	    call("PUT", p, tok, true, "{\"name\":\"After\",\"status\":\"archive\"}", &r), 200);
	const cJSON *o = cJSON_GetObjectItem(r.json, "organisation");
	CU_ASSERT_STRING_EQUAL_NN(sval(o, "name"), "After");
	CU_ASSERT_STRING_EQUAL_NN(sval(o, "status"), "Archive");
	CU_ASSERT_STRING_EQUAL_NN(sval(o, "orgindustryid"), "0");
	CU_ASSERT_STRING_EQUAL_NN(sval(o, "internal"), "0");
	CU_ASSERT_PTR_NULL(cJSON_GetObjectItem(o, "contact"));
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", p, tok, true, NULL, &r), 200);
	o = cJSON_GetObjectItem(r.json, "organisation");
	CU_ASSERT_STRING_EQUAL_NN(sval(o, "name"), "After");
	CU_ASSERT_STRING_EQUAL_NN(sval(o, "orgid"), id);
	CU_ASSERT_STRING_EQUAL_NN(sval(o, "createddate"), created);
	CU_ASSERT_PTR_NULL(cJSON_GetObjectItem(o, "contact"));
	thttp_free(&r);
	/* Validation as on create; a body naming another id is refused. */
	CU_ASSERT_EQUAL(call("PUT", p, tok, true, "{\"status\":\"active\"}", &r), 400);
	CU_ASSERT_EQUAL(err_ref(&r), 269);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("PUT", p, tok, true, "{\"name\":\"A\",\"orgid\":\"1\"}", &r), 400);
	CU_ASSERT_EQUAL(err_ref(&r), 283);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("PUT", p, tok, true, "", &r), 400);
	CU_ASSERT_EQUAL(err_ref(&r), 74);
	thttp_free(&r);
	CU_ASSERT_EQUAL(
	    call("PUT", "/api/4/organisations/99999999", tok, true, "{\"name\":\"A\"}", &r), 404);
	CU_ASSERT_EQUAL(err_ref(&r), 75);
	thttp_free(&r);
	free(created);
	free(id);
	free(p);
	free(tok);
	simproc_stop(&sp);
}

TEST(contract_highq, members_list_follows_noofusers)
{
	start(NULL);
	char *tok = login(NULL);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?ordertype=users&orderby=desc&limit=1",
			     tok, true, NULL, &r),
			200);
	const cJSON *top = cJSON_GetArrayItem(orgs_of(&r), 0);
	long id = lval(top, "orgid"), n = lval(top, "noofusers");
	thttp_free(&r);
	CU_ASSERT_FATAL(n > 100);
	char *p = xasprintf("/api/3/users?organisationid=%ld&limit=-1", id);
	CU_ASSERT_EQUAL(call("GET", p, tok, true, NULL, &r), 200);
	const cJSON *users = cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "users"), "user");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(users), n);
	int bad = 0, active = 0;
	const cJSON *u;
	cJSON_ArrayForEach(u, users)
	{
		bad += lval(u, "orgid") != id || !all_strings(u) || !is_digits(sval(u, "userid")) ||
		       !sval(u, "email") || !strchr(sval(u, "email"), '@');
		active += !strcmp(sval(u, "status"), "Active");
	}
	CU_ASSERT_EQUAL(bad, 0);
	char *third = xstrdup(sval(cJSON_GetArrayItem(users, 2), "userid"));
	thttp_free(&r);
	free(p);
	/* Default page of 100; offset pages; status filters. */
	p = xasprintf("/api/3/users?organisationid=%ld", id);
	CU_ASSERT_EQUAL(call("GET", p, tok, true, NULL, &r), 200);
	CU_ASSERT_EQUAL(
	    cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "users"), "user")),
	    100);
	thttp_free(&r);
	free(p);
	p = xasprintf("/api/3/users?organisationid=%ld&offset=2&limit=1", id);
	CU_ASSERT_EQUAL(call("GET", p, tok, true, NULL, &r), 200);
	CU_ASSERT_STRING_EQUAL_NN(
	    sval(cJSON_GetArrayItem(
		     cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "users"), "user"), 0),
		 "userid"),
	    third);
	thttp_free(&r);
	free(p);
	p = xasprintf("/api/3/users?organisationid=%ld&status=active&limit=-1", id);
	CU_ASSERT_EQUAL(call("GET", p, tok, true, NULL, &r), 200);
	CU_ASSERT_EQUAL(
	    cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "users"), "user")),
	    active);
	thttp_free(&r);
	free(p);
	/* Without organisationid: the system list, 100 by default. */
	CU_ASSERT_EQUAL(call("GET", "/api/3/users", tok, true, NULL, &r), 200);
	CU_ASSERT_EQUAL(
	    cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "users"), "user")),
	    100);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/api/3/users?offset=-3", tok, true, NULL, &r), 400);
	CU_ASSERT_EQUAL(err_ref(&r), 106);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/api/3/users?limit=x", tok, true, NULL, &r), 400);
	CU_ASSERT_EQUAL(err_ref(&r), 107);
	thttp_free(&r);
	CU_ASSERT_EQUAL(call("GET", "/api/3/users?organisationid=99999999", tok, true, NULL, &r),
			404);
	CU_ASSERT_EQUAL(err_ref(&r), 75);
	thttp_free(&r);
	free(third);
	free(tok);
	simproc_stop(&sp);
}

TEST(contract_highq, rate_limit_429_with_ratelimit_reset)
{
	const char *const args[] = {"--orgs", "20", "--dialects", "highq", "--rate-limits", NULL};
	start(args);
	char *tok = login(NULL);
	struct thttp r;
	int ok = 0;
	for (int i = 0; i < 10; i++) {
		ok += call("GET", "/api/4/organisations?limit=1", tok, true, NULL, &r) == 200;
		thttp_free(&r);
	}
	CU_ASSERT_EQUAL(ok, 10);
	long now = (long)time(NULL);
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?limit=1", tok, true, NULL, &r), 429);
	char *reset = thttp_header(&r, "X-Ratelimit-Reset");
	CU_ASSERT_FATAL(reset != NULL);
	CU_ASSERT(is_digits(reset));
	long at = atol(reset);
	CU_ASSERT(at >= now && at <= now + 61);
	const cJSON *e = cJSON_GetObjectItem(r.json, "error");
	CU_ASSERT_PTR_NOT_NULL(sval(e, "summary"));
	free(reset);
	thttp_free(&r);
	/* XML callers get <error><summary>, as the rate-limit page shows. */
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?limit=1", tok, false, NULL, &r), 429);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "<error><summary>"));
	thttp_free(&r);
	/* The window is per token. */
	char *tok2 = login(NULL);
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations?limit=1", tok2, true, NULL, &r), 200);
	thttp_free(&r);
	free(tok2);
	free(tok);
	simproc_stop(&sp);
}

TEST(contract_highq, injected_faults_speak_highq_envelope)
{
	const char *const a500[] = {"--orgs",	"5",	 "--dialects", "highq",
				    "--faults", "500=1", NULL};
	start(a500);
	struct thttp r;
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations", "x", true, NULL, &r), 500);
	CU_ASSERT(err_ref(&r) != -9999);
	thttp_free(&r);
	simproc_stop(&sp);
	const char *const a503[] = {"--orgs",	"5",	 "--dialects", "highq",
				    "--faults", "503=1", NULL};
	start(a503);
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations", "x", true, NULL, &r), 503);
	CU_ASSERT(err_ref(&r) != -9999);
	thttp_free(&r);
	simproc_stop(&sp);
	const char *const a429[] = {"--orgs",	"5",	 "--dialects", "highq",
				    "--faults", "429=1", NULL};
	start(a429);
	CU_ASSERT_EQUAL(call("GET", "/api/4/organisations", "x", true, NULL, &r), 429);
	char *reset = thttp_header(&r, "X-Ratelimit-Reset");
	CU_ASSERT(is_digits(reset) && atol(reset) >= (long)time(NULL));
	free(reset);
	CU_ASSERT_PTR_NOT_NULL(sval(cJSON_GetObjectItem(r.json, "error"), "summary"));
	thttp_free(&r);
	simproc_stop(&sp);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST(contract_highq, listing_stays_fast_at_100k_orgs)
{
	const char *const args[] = {"--orgs", "100000", "--dialects", "highq", NULL};
	start(args);
	char *tok = login(NULL);
	const char *queries[] = {
	    "/api/4/organisations?offset=99900&limit=100&ordertype=name&orderby=desc",
	    "/api/4/organisations?offset=50000&limit=100&ordertype=createddate",
	    "/api/4/organisations?offset=99000&limit=100&ordertype=users&orderby=desc",
	    "/api/4/organisations?offset=90000&limit=100&ordertype=status",
	    "/api/4/organisations?offset=99950&limit=100",
	};
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
		struct thttp r;
		double t0 = now_s();
		CU_ASSERT_EQUAL(call("GET", queries[i], tok, true, NULL, &r), 200);
		double dt = now_s() - t0;
		if (dt > 1.0)
			fprintf(stderr, "%s took %.3f s\n", queries[i], dt);
		CU_ASSERT(dt < 1.0);
		CU_ASSERT(cJSON_GetArraySize(orgs_of(&r)) > 0);
		CU_ASSERT_STRING_EQUAL_NN(sval(orgs_wrapper(&r), "total"), "100000");
		thttp_free(&r);
	}
	free(tok);
	simproc_stop(&sp);
}
