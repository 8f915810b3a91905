/* Contract: what orgdeck-sim's server does for every dialect, over real HTTP on 127.0.0.1.
 *  - --faults, one kind at a time at rate 1 (deterministic): 500/503 in the vendor's
 *    envelope, 429 with the vendor's own limit signal, reset (no status at all), truncate
 *    (body shorter than Content-Length), html (a proxy's page), drip (slow but complete);
 *  - --latency-ms and --jitter-ms are measurable;
 *  - faults never corrupt the state: writes under mixed faults leave each record at its
 *    old value or one that was sent, never damaged (checked after a restart without faults);
 *  - --log: one line per request, path without the query (Quorum's credentials);
 *  - --print-config: parseable, and every profile's credentials work;
 *  - wrong credentials 401, malformed bodies 400, oversized bodies 413, each in the vendor's
 *    envelope; hostile input (huge headers, junk, NUL bytes, 100k-deep JSON) does not
 *    crash the server, which exits cleanly afterwards (under ASan: no leak report). */
#include "tests/support/simproc.h"
#include "tests/support/thttp.h"
#include "tests/support/tsuite.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define Q_AUTH "username=demo&api_key=qrm-7e3b1f5a90c4"
#define QP_KEY "5c0e8a1f-7b3d-4e92-a6c4-d19f2b7e0a35"
#define QP_ORG "3710428"
#define HQ_SECRET "hq-demo-7c41e9b25a0d3f68"
#define KA_KEY "kaana-admin-7f3c91e2d45a"
#define CP_KEY "cp-demo-4b1d9e7a2c"

enum { QUORUM, QUESTIONPRO, HIGHQ, KAANA, CLINCHPAD, N_DIA };
static const char *const dia_name[N_DIA] = {"quorum", "questionpro", "highq", "kaana", "clinchpad"};
static const char *const dia_prefix[N_DIA] = {"/quorum/api", "/questionpro/a/api/v2", "/highq/demo",
					      "/kaana/api", "/clinchpad/api/v1"};
/* One record per dialect (below the prefix) that every test reads or writes. */
static const char *const dia_list[N_DIA] = {"/organization/?limit=1", "/organizations/" QP_ORG,
					    "/api/4/organisations?limit=1",
					    "/organizations?limit=1", "/organizations?size=1"};

static struct simproc sp;
static char *hq_token; /* HighQ bearer token for the running sim, or NULL */

static void start(const char *const *extra)
{
	CU_ASSERT_FATAL(simproc_start(&sp, extra) == 0);
}

/* Stops the sim and checks that it exited by itself with status 0 (under ASan a leak or
 * error report makes that fail). */
static void stop(void)
{
	free(hq_token);
	hq_token = NULL;
	if (sp.pid > 0) {
		kill(sp.pid, SIGTERM);
		int st = 0;
		CU_ASSERT_EQUAL(waitpid(sp.pid, &st, 0), sp.pid);
		CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fprintf(stderr, "orgdeck-sim exited with status 0x%x\n", st);
		sp.pid = 0;
	}
	simproc_stop(&sp);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- a curl call with a body of any bytes, timed ---- */

struct res {
	struct thttp h; /* status 0 when the transfer failed */
	double secs;
	long long content_length; /* -1 when not announced */
};

static size_t sink(char *p, size_t sz, size_t n, void *arg)
{
	buf_add(arg, p, sz * n);
	return sz * n;
}

static long xfer(const char *method, const char *url, const char *const *headers,
		 const char *userpwd, const char *body, size_t body_len, struct res *out)
{
	memset(out, 0, sizeof *out);
	CURL *c = curl_easy_init();
	struct buf b, h;
	buf_init(&b);
	buf_init(&h);
	struct curl_slist *hl = NULL;
	for (int i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	if (userpwd)
		curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	double t0 = now_s();
	out->h.curl_code = curl_easy_perform(c);
	out->secs = now_s() - t0;
	if (out->h.curl_code == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->h.status);
	curl_off_t cl = -1;
	curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	out->content_length = cl;
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	out->h.len = b.len;
	out->h.body = buf_steal(&b);
	out->h.headers = buf_steal(&h);
	out->h.json = cJSON_ParseWithLength(out->h.body, out->h.len);
	return out->h.status;
}

static void res_free(struct res *r)
{
	thttp_free(&r->h);
}

/* A call to dialect d: path below its prefix, the dialect's own credentials (or wrong
 * ones when good is false), JSON body of len bytes when body is not NULL. */
static long dcall_len(int d, const char *method, const char *path, bool good, const char *body,
		      size_t len, struct res *r)
{
	const char *h[6];
	int n = 0;
	char *auth = NULL, *userpwd = NULL, *full;
	if (d == QUORUM)
		full = xasprintf("%s%s%s%c%s", sp.base, dia_prefix[d], path,
				 strchr(path, '?') ? '&' : '?',
				 good ? Q_AUTH : "username=demo&api_key=wrong");
	else
		full = xasprintf("%s%s%s", sp.base, dia_prefix[d], path);
	switch (d) {
	case QUESTIONPRO:
		auth = xstrdup(good ? "api-key: " QP_KEY : "api-key: wrong");
		break;
	case HIGHQ:
		auth = xasprintf("Authorization: Bearer %s", good && hq_token ? hq_token : "wrong");
		h[n++] = "Accept: application/json";
		break;
	case KAANA:
		auth =
		    xstrdup(good ? "Authorization: Bearer " KA_KEY : "Authorization: Bearer wrong");
		break;
	case CLINCHPAD:
		userpwd = xstrdup(good ? "api-key:" CP_KEY : "api-key:wrong");
		break;
	}
	if (auth)
		h[n++] = auth;
	if (body)
		h[n++] = "Content-Type: application/json";
	h[n] = NULL;
	long st = xfer(method, full, h, userpwd, body, len, r);
	free(full);
	free(auth);
	free(userpwd);
	return st;
}

static long dcall(int d, const char *method, const char *path, bool good, const char *body,
		  struct res *r)
{
	return dcall_len(d, method, path, good, body, body ? strlen(body) : 0, r);
}

/* HighQ's OAuth2 code flow with the demo client; sets hq_token. */
static void hq_login(void)
{
	char *redirect = simproc_config_value(&sp, "highq-demo", "redirect_uri");
	CU_ASSERT_PTR_NOT_NULL_FATAL(redirect);
	char *u = xasprintf("%s/highq/demo/authorize.action?response_type=code&client_id=1012"
			    "&redirect_uri=%s",
			    sp.base, redirect);
	struct res r;
	CU_ASSERT_EQUAL_FATAL(xfer("GET", u, NULL, NULL, NULL, 0, &r), 302);
	char *loc = thttp_header(&r.h, "Location");
	res_free(&r);
	free(u);
	const char *c = loc ? strstr(loc, "code=") : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	char *form = xasprintf(
	    "grant_type=authorization_code&client_id=1012&client_secret=" HQ_SECRET "&code=%s",
	    c + 5);
	u = xasprintf("%s/highq/demo/api/oauth2/token", sp.base);
	const char *h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	CU_ASSERT_EQUAL_FATAL(xfer("POST", u, h, NULL, form, strlen(form), &r), 200);
	free(hq_token);
	hq_token = xstrdup(cJSON_GetStringValue(cJSON_GetObjectItem(r.h.json, "access_token")));
	res_free(&r);
	free(u);
	free(form);
	free(loc);
	free(redirect);
}

/* ---- each vendor's error envelope ---- */

static const char *str_at(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static bool envelope_ok(int d, int status, const struct res *r)
{
	const cJSON *j = r->h.json;
	if (r->h.status != status || !cJSON_IsObject(j))
		return false;
	switch (d) {
	case QUORUM:
		return status >= 500 ? str_at(j, "error_message") != NULL
				     : str_at(j, "error") != NULL;
	case QUESTIONPRO: {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(j, "response"), "error");
		const cJSON *hs = cJSON_GetObjectItemCaseSensitive(e, "httpStatusCode");
		return cJSON_IsNumber(hs) && hs->valueint == status && str_at(e, "id") &&
		       str_at(e, "message") && str_at(e, "name") && str_at(e, "docs") &&
		       !cJSON_GetObjectItemCaseSensitive(j, "requestID");
	}
	case HIGHQ: {
		/* a 429 carries only a summary, as HighQ's rate-limit page shows */
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
		return str_at(e, "summary") != NULL &&
		       (status == 429 ||
			cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(e, "ref")));
	}
	case KAANA:
		return str_at(j, "error") != NULL && str_at(j, "message") != NULL;
	case CLINCHPAD:
		return str_at(j, "message") != NULL;
	}
	return false;
}

/* The vendor's own "slow down" signal on a 429. */
static bool limit_signal_ok(int d, const struct res *r)
{
	const cJSON *j = r->h.json;
	bool ok = false;
	char *v = NULL;
	switch (d) {
	case QUORUM: /* publishes no limit: Tastypie's wording only */
		ok = str_at(j, "error") && strstr(str_at(j, "error"), "Too many requests");
		break;
	case QUESTIONPRO: { /* the limits page's body: its wording, empty name, id 1013 */
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(j, "response"), "error");
		const char *m = str_at(e, "message"), *name = str_at(e, "name"),
			   *id = str_at(e, "id");
		ok = m && strstr(m, "API call limit exceeded") && name && !*name && id &&
		     !strcmp(id, "1013");
		break;
	}
	case HIGHQ: { /* X-Ratelimit-Reset: epoch seconds, in the next minute or so */
		v = thttp_header(&r->h, "X-Ratelimit-Reset");
		long now = (long)time(NULL), reset = v ? atol(v) : 0;
		ok = reset >= now && reset <= now + 3700;
		break;
	}
	case KAANA: /* express-rate-limit's Retry-After */
		v = thttp_header(&r->h, "Retry-After");
		ok = v && atol(v) > 0;
		break;
	case CLINCHPAD: /* the documented 1,200 an hour */
		ok = str_at(j, "message") && strstr(str_at(j, "message"), "1200");
		break;
	}
	free(v);
	return ok;
}

static void start_all_with(const char *const *more)
{
	const char *argv[24] = {"--orgs", "5"};
	int n = 2;
	for (int i = 0; more && more[i] && n < 23; i++)
		argv[n++] = more[i];
	argv[n] = NULL;
	start(argv);
}

/* ---- faults, one kind at a time ---- */

TEST(contract_sim, injected_5xx_speak_each_vendor_envelope)
{
	const char *const specs[] = {"500=1", "503=1"};
	for (int k = 0; k < 2; k++) {
		const char *const more[] = {"--faults", specs[k], NULL};
		start_all_with(more);
		int status = k ? 503 : 500;
		for (int d = 0; d < N_DIA; d++) {
			struct res r;
			dcall(d, "GET", dia_list[d], true, NULL, &r);
			if (!envelope_ok(d, status, &r))
				fprintf(stderr, "%s %d: %ld %s\n", dia_name[d], status, r.h.status,
					r.h.body);
			CU_ASSERT(envelope_ok(d, status, &r));
			res_free(&r);
			/* also for a write, which must not have been applied (checked below) */
			dcall(d, "PUT", "/organizations/1", true, "{\"name\":\"x\"}", &r);
			CU_ASSERT_EQUAL(r.h.status, status);
			res_free(&r);
		}
		stop();
	}
}

TEST(contract_sim, injected_429_carries_each_vendor_limit_signal)
{
	const char *const more[] = {"--faults", "429=1", NULL};
	start_all_with(more);
	for (int d = 0; d < N_DIA; d++) {
		struct res r;
		dcall(d, "GET", dia_list[d], true, NULL, &r);
		CU_ASSERT(envelope_ok(d, 429, &r));
		if (!limit_signal_ok(d, &r))
			fprintf(stderr, "%s 429: %s\n%s\n", dia_name[d], r.h.headers, r.h.body);
		CU_ASSERT(limit_signal_ok(d, &r));
		res_free(&r);
	}
	stop();
}

TEST(contract_sim, reset_fails_the_transfer_with_no_status)
{
	const char *const more[] = {"--faults", "reset=1", NULL};
	start_all_with(more);
	for (int d = 0; d < N_DIA; d++) {
		struct res r;
		CU_ASSERT_EQUAL(dcall(d, "GET", dia_list[d], true, NULL, &r), 0);
		/* "Recv failure: Connection reset by peer" (or "Empty reply" on a slow path) */
		CU_ASSERT(r.h.curl_code == CURLE_RECV_ERROR || r.h.curl_code == CURLE_GOT_NOTHING);
		CU_ASSERT_EQUAL(r.h.len, 0);
		CU_ASSERT(r.h.headers == NULL || strstr(r.h.headers, "HTTP/") == NULL);
		res_free(&r);
	}
	stop();
}

TEST(contract_sim, truncate_sends_less_than_content_length)
{
	const char *const more[] = {"--faults", "truncate=1", NULL};
	start_all_with(more);
	for (int d = 0; d < N_DIA; d++) {
		struct res r;
		CU_ASSERT_EQUAL(dcall(d, "GET", dia_list[d], true, NULL, &r), 0);
		CU_ASSERT_EQUAL(r.h.curl_code, CURLE_PARTIAL_FILE);
		CU_ASSERT(r.h.headers && strstr(r.h.headers, "HTTP/1.1 ") != NULL);
		CU_ASSERT(r.content_length > 0);
		CU_ASSERT((long long)r.h.len < r.content_length);
		CU_ASSERT_PTR_NULL(r.h.json); /* half a JSON document does not parse */
		res_free(&r);
	}
	stop();
}

TEST(contract_sim, html_fault_is_a_proxy_page)
{
	const char *const more[] = {"--faults", "html=1", NULL};
	start_all_with(more);
	for (int d = 0; d < N_DIA; d++) {
		struct res r;
		CU_ASSERT_EQUAL(dcall(d, "GET", dia_list[d], true, NULL, &r), 502);
		char *ct = thttp_header(&r.h, "Content-Type");
		CU_ASSERT(ct && !strncmp(ct, "text/html", 9));
		CU_ASSERT(r.h.body && !strncmp(r.h.body, "<!DOCTYPE html>", 15));
		CU_ASSERT_PTR_NULL(r.h.json);
		free(ct);
		res_free(&r);
	}
	stop();
}

TEST(contract_sim, drip_is_slow_but_complete)
{
	const char *const more[] = {"--faults", "drip=1", NULL};
	start_all_with(more);
	for (int d = 0; d < N_DIA; d++) {
		struct res r;
		/* HighQ without a token: its 401 page is dripped the same way */
		long st = dcall(d, "GET", dia_list[d], true, NULL, &r);
		CU_ASSERT(st == 200 || (d == HIGHQ && st == 401));
		CU_ASSERT(r.content_length > 0 && (long long)r.h.len == r.content_length);
		CU_ASSERT_PTR_NOT_NULL(r.h.json);
		CU_ASSERT(r.secs >= 0.9); /* 20 pieces, 50 ms apart */
		CU_ASSERT(r.secs < 10);
		res_free(&r);
	}
	stop();
}

TEST(contract_sim, latency_and_jitter_are_measurable)
{
	const char *const more[] = {"--latency-ms", "150", NULL};
	start_all_with(more);
	for (int d = 0; d < N_DIA; d++) {
		struct res r;
		dcall(d, "GET", dia_list[d], true, NULL, &r);
		CU_ASSERT(r.secs >= 0.15 && r.secs < 2.0);
		res_free(&r);
	}
	stop();

	const char *const jit[] = {"--jitter-ms", "200", "--dialects", "clinchpad", NULL};
	start_all_with(jit);
	double lo = 1e9, hi = 0;
	for (int i = 0; i < 12; i++) {
		struct res r;
		CU_ASSERT_EQUAL(dcall(CLINCHPAD, "GET", dia_list[CLINCHPAD], true, NULL, &r), 200);
		lo = r.secs < lo ? r.secs : lo;
		hi = r.secs > hi ? r.secs : hi;
		res_free(&r);
	}
	CU_ASSERT(hi < 1.0);	   /* jitter stays within its bound (plus slack) */
	CU_ASSERT(hi - lo > 0.03); /* and varies: 12 draws from 0..200 ms */
	stop();
}

/* ---- faults never corrupt the state ---- */

/* The record each dialect's write test uses, and how to unwrap it. */
static char *record_path(int d, const char *cp_id)
{
	switch (d) {
	case QUORUM:
		return xstrdup("/organization/1/");
	case QUESTIONPRO:
		return xstrdup("/organizations/" QP_ORG);
	case HIGHQ:
		return xstrdup("/api/4/organisations/1");
	case KAANA:
		return xstrdup("/organizations/1");
	default:
		return xasprintf("/organizations/%s", cp_id);
	}
}

/* The record's fields minus those a write may move (name, timestamps) or that name the
 * port (links), printed: what must be identical before and after. */
static char *record_rest(int d, const cJSON *root, char **name)
{
	const cJSON *rec = d == QUESTIONPRO ? cJSON_GetObjectItemCaseSensitive(root, "response")
			   : d == HIGHQ	    ? cJSON_GetObjectItemCaseSensitive(root, "organisation")
					    : root;
	if (!cJSON_IsObject(rec))
		return NULL;
	cJSON *c = cJSON_Duplicate(rec, 1);
	const char *nm = str_at(c, "name");
	*name = nm ? xstrdup(nm) : NULL;
	const char *drop[] = {"name", "updated", "updatedAt", "link", "modifieddate"};
	for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
		cJSON_DeleteItemFromObjectCaseSensitive(c, drop[i]);
	char *s = cJSON_PrintUnformatted(c);
	cJSON_Delete(c);
	return s;
}

#define FAULT_WRITES 40

TEST(contract_sim, faults_never_corrupt_the_state)
{
	char *dir = tsuite_tmpdir();
	char *state = xasprintf("%s/state.db", dir);
	const char *const plain[] = {"--orgs", "20", "--state", state, NULL};
	const char *const faulty[] = {
	    "--orgs", "20",	  "--state",
	    state,    "--faults", "500=0.1,503=0.1,429=0.1,reset=0.15,html=0.1,truncate=0.3",
	    NULL};
	char *rest[N_DIA] = {0}, *path[N_DIA] = {0};
	char cp_id[32] = "";
	struct res r;

	/* 1. Without faults: one write of each shape, then the baseline. */
	start(plain);
	hq_login();
	CU_ASSERT_EQUAL_FATAL(dcall(CLINCHPAD, "GET", "/organizations?size=1", true, NULL, &r),
			      200);
	snprintf(cp_id, sizeof cp_id, "%s",
		 str_at(cJSON_GetArrayItem(r.h.json, 0), "_id")
		     ? str_at(cJSON_GetArrayItem(r.h.json, 0), "_id")
		     : "");
	res_free(&r);
	for (int d = 0; d < N_DIA; d++) {
		path[d] = record_path(d, cp_id);
		const char *m = d == QUORUM ? "PATCH" : "PUT";
		CU_ASSERT_EQUAL(dcall(d, m, path[d], true, "{\"name\":\"Before\"}", &r), 200);
		res_free(&r);
		CU_ASSERT_EQUAL(dcall(d, "GET", path[d], true, NULL, &r), 200);
		char *nm = NULL;
		rest[d] = record_rest(d, r.h.json, &nm);
		CU_ASSERT_PTR_NOT_NULL(rest[d]);
		CU_ASSERT_STRING_EQUAL_NN(nm, "Before");
		free(nm);
		res_free(&r);
	}
	char *token = xstrdup(hq_token); /* kept in the state, valid after a restart */
	stop();

	/* 2. Under faults: FAULT_WRITES renames per dialect; remember the last one confirmed. */
	start(faulty);
	hq_token = xstrdup(token);
	int confirmed[N_DIA], outcomes[N_DIA][4] = {{0}};
	for (int d = 0; d < N_DIA; d++) {
		confirmed[d] = -1;
		const char *m = d == QUORUM ? "PATCH" : "PUT";
		for (int i = 0; i < FAULT_WRITES; i++) {
			char body[64];
			snprintf(body, sizeof body, "{\"name\":\"Fault %d\"}", i);
			long st = dcall(d, m, path[d], true, body, &r);
			if (st == 200 && r.h.json) {
				confirmed[d] = i;
				outcomes[d][0]++;
			} else if (st == 0) {
				outcomes[d][1]++; /* reset or truncated: uncertain */
			} else if (st >= 500 || st == 429) {
				outcomes[d][2]++; /* refused before the vendor saw it */
			} else {
				outcomes[d][3]++;
				fprintf(stderr, "%s: unexpected %ld %s\n", dia_name[d], st,
					r.h.body);
			}
			res_free(&r);
		}
		CU_ASSERT(outcomes[d][0] > 0 && outcomes[d][1] > 0 && outcomes[d][2] > 0);
		CU_ASSERT_EQUAL(outcomes[d][3], 0);
	}
	stop();

	/* 3. Without faults again: each record is whole, its other fields untouched, and its
	 * name is "Before" or a name that was sent - at least the last one confirmed. */
	start(plain);
	hq_token = xstrdup(token);
	for (int d = 0; d < N_DIA; d++) {
		CU_ASSERT_EQUAL(dcall(d, "GET", path[d], true, NULL, &r), 200);
		char *nm = NULL, *now = record_rest(d, r.h.json, &nm);
		CU_ASSERT_STRING_EQUAL_NN(now, rest[d]);
		int k = -1;
		bool known = nm && (!strcmp(nm, "Before") || sscanf(nm, "Fault %d", &k) == 1);
		if (!known || k < confirmed[d])
			fprintf(stderr, "%s: name %s after last confirmed %d\n", dia_name[d],
				nm ? nm : "(none)", confirmed[d]);
		CU_ASSERT(known && k >= confirmed[d] && k < FAULT_WRITES);
		free(nm);
		free(now);
		res_free(&r);
		/* and the dialect's list still answers */
		CU_ASSERT_EQUAL(dcall(d, "GET", dia_list[d], true, NULL, &r), 200);
		res_free(&r);
	}
	stop();
	for (int d = 0; d < N_DIA; d++) {
		free(rest[d]);
		free(path[d]);
	}
	free(token);
	free(state);
	free(dir);
}

/* ---- --log ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	struct buf b;
	buf_init(&b);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	buf_puts(&b, "");
	return buf_steal(&b);
}

TEST(contract_sim, log_has_one_line_per_request_without_credentials)
{
	char *dir = tsuite_tmpdir();
	char *log = xasprintf("%s/sim.log", dir);
	const char *const more[] = {"--log", log, "--latency-ms", "20", NULL};
	start_all_with(more);
	struct res r;
	int sent = 0;
	for (int d = 0; d < N_DIA; d++, sent++) {
		dcall(d, "GET", dia_list[d], true, NULL, &r);
		res_free(&r);
	}
	/* Quorum's credentials in the query string, plus a percent-encoded newline + ESC in a path
	 */
	dcall(QUORUM, "GET", "/organization/?name__icontains=a", false, NULL, &r);
	CU_ASSERT_EQUAL(r.h.status, 401);
	res_free(&r);
	sent++;
	char *u = xasprintf("%s/nowhere%%0Aforged%%1B[2J?api_key=secret", sp.base);
	CU_ASSERT_EQUAL(xfer("GET", u, NULL, NULL, NULL, 0, &r), 404);
	res_free(&r);
	free(u);
	sent++;
	/* no type: 400 */
	dcall(KAANA, "POST", "/organizations", true, "{\"name\":\"Logged Ltd\"}", &r);
	res_free(&r);
	sent++;
	stop();

	char *text = slurp(log);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	char *lines_buf = xstrdup(text);
	int lines = 0, well_formed = 0;
	for (char *line = lines_buf, *eol; line && *line; line = eol ? eol + 1 : NULL) {
		eol = strchr(line, '\n');
		if (eol)
			*eol = '\0';
		lines++;
		char method[16], path[512];
		int status;
		double ms;
		if (sscanf(line, "%15s %511s %d %lf", method, path, &status, &ms) == 4 &&
		    path[0] == '/' && !strchr(path, '?') && ms >= 20 && ms < 5000)
			well_formed++;
		else
			fprintf(stderr, "bad log line: %s\n", line);
	}
	free(lines_buf);
	CU_ASSERT_EQUAL(lines, sent);
	CU_ASSERT_EQUAL(well_formed, sent);
	CU_ASSERT_PTR_NULL(strstr(text, "api_key"));
	CU_ASSERT_PTR_NULL(strstr(text, "qrm-7e3b1f5a90c4"));
	CU_ASSERT_PTR_NULL(strstr(text, "secret"));
	CU_ASSERT_PTR_NULL(strstr(text, KA_KEY));
	CU_ASSERT_PTR_NULL(strchr(text, '\x1b'));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "GET /quorum/api/organization/ 401 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "GET /nowhere\\x0aforged\\x1b[2J 404 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "POST /kaana/api/organizations 400 "));
	free(text);

	/* A reset is logged with status 0 and the fault named. */
	const char *const resets[] = {"--log",	    log,     "--faults", "reset=1",
				      "--dialects", "kaana", NULL};
	start_all_with(resets);
	CU_ASSERT_EQUAL(dcall(KAANA, "GET", dia_list[KAANA], true, NULL, &r), 0);
	res_free(&r);
	stop();
	text = slurp(log);
	CU_ASSERT_PTR_NOT_NULL(text && strstr(text, "GET /kaana/api/organizations 0 "));
	CU_ASSERT_PTR_NOT_NULL(text && strstr(text, " fault=reset\n"));
	free(text);
	free(log);
	free(dir);
}

/* ---- --print-config ---- */

TEST(contract_sim, print_config_parses_and_every_profile_works)
{
	start_all_with(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sp.config);
	/* Every line: blank, a ; comment, [profile NAME], or key = value. */
	char *copy = xstrdup(sp.config);
	char profiles[16][64];
	int nprof = 0, bad = 0, keys = 0;
	for (char *line = copy, *eol; line && *line; line = eol ? eol + 1 : NULL) {
		eol = strchr(line, '\n');
		if (eol)
			*eol = '\0';
		char name[64];
		if (!*line || *line == ';' || *line == '#')
			continue;
		if (sscanf(line, "[profile %63[a-z0-9-]]", name) == 1 &&
		    line[strlen(line) - 1] == ']') {
			if (nprof < 16)
				snprintf(profiles[nprof++], sizeof profiles[0], "%s", name);
			continue;
		}
		const char *eq = strstr(line, " = ");
		size_t kl = eq ? (size_t)(eq - line) : 0;
		if (!eq || kl == 0 || strspn(line, "abcdefghijklmnopqrstuvwxyz_") != kl || !eq[3] ||
		    nprof == 0) {
			fprintf(stderr, "config line not understood: %s\n", line);
			bad++;
		} else {
			keys++;
		}
	}
	free(copy);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(keys >= 6 * 3);
	CU_ASSERT_EQUAL(nprof, 6);

	bool seen[N_DIA] = {0};
	for (int p = 0; p < nprof; p++) {
		char *vendor = simproc_config_value(&sp, profiles[p], "vendor");
		char *base = simproc_config_value(&sp, profiles[p], "base_url");
		char *key = simproc_config_value(&sp, profiles[p], "api_key");
		CU_ASSERT_PTR_NOT_NULL_FATAL(vendor);
		CU_ASSERT_PTR_NOT_NULL_FATAL(base);
		CU_ASSERT(!strncmp(base, sp.base, strlen(sp.base)));
		char *u = NULL, *h = NULL, *userpwd = NULL;
		const char *hs[3] = {NULL, NULL, NULL};
		int d = -1;
		for (int i = 0; i < N_DIA; i++)
			if (!strcmp(vendor, dia_name[i]))
				d = i;
		CU_ASSERT_FATAL(d >= 0);
		seen[d] = true;
		if (d == QUORUM) {
			char *user = simproc_config_value(&sp, profiles[p], "username");
			u = xasprintf("%s/organization/?username=%s&api_key=%s", base, user, key);
			free(user);
		} else if (d == QUESTIONPRO) {
			char *org = simproc_config_value(&sp, profiles[p], "organization_id");
			u = xasprintf("%s/organizations/%s", base, org);
			h = xasprintf("api-key: %s", key);
			free(org);
		} else if (d == HIGHQ) {
			/* the code flow with the profile's client id, secret and redirect */
			char *id = simproc_config_value(&sp, profiles[p], "client_id");
			char *secret = simproc_config_value(&sp, profiles[p], "client_secret");
			char *redirect = simproc_config_value(&sp, profiles[p], "redirect_uri");
			CU_ASSERT_FATAL(id && secret && redirect);
			struct res r;
			char *a = xasprintf("%s/authorize.action?response_type=code&client_id=%s"
					    "&redirect_uri=%s",
					    base, id, redirect);
			CU_ASSERT_EQUAL(xfer("GET", a, NULL, NULL, NULL, 0, &r), 302);
			char *loc = thttp_header(&r.h, "Location");
			res_free(&r);
			const char *code = loc ? strstr(loc, "code=") : NULL;
			CU_ASSERT_PTR_NOT_NULL_FATAL(code);
			char *form = xasprintf("grant_type=authorization_code&client_id=%s"
					       "&client_secret=%s&code=%s&redirect_uri=%s",
					       id, secret, code + 5, redirect);
			char *t = xasprintf("%s/api/oauth2/token", base);
			const char *fh[] = {"Content-Type: application/x-www-form-urlencoded",
					    NULL};
			CU_ASSERT_EQUAL(xfer("POST", t, fh, NULL, form, strlen(form), &r), 200);
			const char *tok = str_at(r.h.json, "access_token");
			h = xasprintf("Authorization: Bearer %s", tok ? tok : "none");
			hs[1] = "Accept: application/json";
			res_free(&r);
			u = xasprintf("%s/api/4/organisations?limit=1", base);
			free(t);
			free(form);
			free(loc);
			free(a);
			free(id);
			free(secret);
			free(redirect);
		} else if (d == KAANA) {
			u = xasprintf("%s/organizations?limit=1", base);
			h = xasprintf("Authorization: Bearer %s", key);
		} else {
			u = xasprintf("%s/organizations?size=1", base);
			userpwd = xasprintf("api-key:%s", key);
		}
		hs[0] = h;
		if (!h)
			hs[0] = hs[1], hs[1] = NULL;
		struct res r;
		if (xfer("GET", u, hs, userpwd, NULL, 0, &r) != 200)
			fprintf(stderr, "profile %s: %ld %s\n", profiles[p], r.h.status, r.h.body);
		CU_ASSERT_EQUAL(r.h.status, 200);
		CU_ASSERT_PTR_NOT_NULL(r.h.json);
		res_free(&r);
		free(u);
		free(h);
		free(userpwd);
		free(vendor);
		free(base);
		free(key);
	}
	for (int d = 0; d < N_DIA; d++)
		CU_ASSERT(seen[d]);
	stop();
}

/* ---- auth, malformed and hostile input ---- */

/* A path each dialect accepts a JSON write on (ClinchPad: create). */
static const char *write_path(int d)
{
	return d == QUORUM	  ? "/organization/1/"
	       : d == QUESTIONPRO ? "/organizations/" QP_ORG
	       : d == HIGHQ	  ? "/api/4/organisations/1"
	       : d == KAANA	  ? "/organizations/1"
				  : "/organizations";
}

static const char *write_method(int d)
{
	return d == QUORUM ? "PATCH" : d == CLINCHPAD ? "POST" : "PUT";
}

TEST(contract_sim, wrong_credentials_get_401_in_each_envelope)
{
	start_all_with(NULL);
	for (int d = 0; d < N_DIA; d++) {
		struct res r;
		dcall(d, "GET", dia_list[d], false, NULL, &r);
		if (!envelope_ok(d, 401, &r))
			fprintf(stderr, "%s 401: %ld %s\n", dia_name[d], r.h.status, r.h.body);
		CU_ASSERT(envelope_ok(d, 401, &r));
		res_free(&r);
		dcall(d, write_method(d), write_path(d), false, "{\"name\":\"x\"}", &r);
		CU_ASSERT(envelope_ok(d, 401, &r));
		res_free(&r);
	}
	stop();
}

static char *nested(int depth, char open, char close)
{
	char *s = xmalloc((size_t)depth * 2 + 1);
	memset(s, open, (size_t)depth);
	memset(s + depth, close, (size_t)depth);
	s[depth * 2] = '\0';
	return s;
}

TEST(contract_sim, malformed_bodies_get_400_in_each_envelope)
{
	start_all_with(NULL);
	hq_login();
	char *deep_arrays = nested(100000, '[', ']');
	/* {"a":{"a":...}} 100k deep */
	struct buf deep_obj;
	buf_init(&deep_obj);
	for (int i = 0; i < 100000; i++)
		buf_puts(&deep_obj, "{\"a\":");
	buf_puts(&deep_obj, "1");
	for (int i = 0; i < 100000; i++)
		buf_puts(&deep_obj, "}");
	const char *bodies[] = {
	    "{not json", "[1,2,3]", "\"a string\"", "{\"name\":", "", deep_arrays, deep_obj.data};
	for (int d = 0; d < N_DIA; d++) {
		for (size_t b = 0; b < sizeof bodies / sizeof *bodies; b++) {
			struct res r;
			/* Express's body-parser reads an empty JSON body as {}: a no-op update */
			if (d == KAANA && !*bodies[b])
				continue;
			dcall(d, write_method(d), write_path(d), true, bodies[b], &r);
			if (!envelope_ok(d, 400, &r))
				fprintf(stderr, "%s body #%zu: %ld %.200s\n", dia_name[d], b,
					r.h.status, r.h.body);
			CU_ASSERT(envelope_ok(d, 400, &r));
			res_free(&r);
		}
	}
	free(deep_arrays);
	buf_free(&deep_obj);
	stop();
}

TEST(contract_sim, oversized_body_gets_413_in_each_envelope)
{
	start_all_with(NULL);
	size_t n = 2u << 20; /* 2 MiB; the server keeps at most 1 MiB */
	char *big = xmalloc(n + 1);
	memset(big, ' ', n);
	memcpy(big, "{\"name\":\"", 9);
	memset(big + 9, 'x', n - 11);
	memcpy(big + n - 2, "\"}", 2);
	big[n] = '\0';
	for (int d = 0; d < N_DIA; d++) {
		struct res r;
		dcall_len(d, write_method(d), write_path(d), true, big, n, &r);
		if (!envelope_ok(d, 413, &r))
			fprintf(stderr, "%s 413: %ld %.200s\n", dia_name[d], r.h.status, r.h.body);
		CU_ASSERT(envelope_ok(d, 413, &r));
		res_free(&r);
	}
	free(big);
	/* the server still answers */
	struct res r;
	CU_ASSERT_EQUAL(dcall(KAANA, "GET", dia_list[KAANA], true, NULL, &r), 200);
	res_free(&r);
	stop();
}

/* Sends raw bytes on a fresh connection and reads until the server closes or 3 s pass.
 * Returns the status of the answer, 0 when there was none. */
static int raw(const char *data, size_t len)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)sp.port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	struct timeval tv = {3, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	int status = 0;
	if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
		size_t off = 0;
		while (off < len) {
			ssize_t w = send(fd, data + off, len - off, MSG_NOSIGNAL);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		shutdown(fd, SHUT_WR);
		char got[512];
		ssize_t n = recv(fd, got, sizeof got - 1, 0);
		if (n > 0) {
			got[n] = '\0';
			sscanf(got, "HTTP/1.%*d %d", &status);
		}
	}
	close(fd);
	return status;
}

static bool still_answers(void)
{
	struct res r;
	long st = dcall(CLINCHPAD, "GET", dia_list[CLINCHPAD], true, NULL, &r);
	res_free(&r);
	int wst;
	return st == 200 && waitpid(sp.pid, &wst, WNOHANG) == 0;
}

TEST(contract_sim, hostile_input_does_not_crash_the_server)
{
	start_all_with(NULL);
	hq_login();
	struct res r;

	/* a 100 KiB header, and 2,000 headers */
	char *huge = xmalloc(100 * 1024 + 16);
	strcpy(huge, "X-Huge: ");
	memset(huge + 8, 'h', 100 * 1024);
	huge[8 + 100 * 1024] = '\0';
	const char *h1[] = {huge, NULL};
	char *u = xasprintf("%s/clinchpad/api/v1/organizations", sp.base);
	long st = xfer("GET", u, h1, "api-key:" CP_KEY, NULL, 0, &r);
	CU_ASSERT(st == 0 || st == 413 || st == 431 || st == 400);
	res_free(&r);
	CU_ASSERT(still_answers());
	const char **many = xcalloc(2001, sizeof *many);
	char(*names)[32] = xcalloc(2000, sizeof *names);
	for (int i = 0; i < 2000; i++) {
		snprintf(names[i], sizeof names[i], "X-H%d: v", i);
		many[i] = names[i];
	}
	st = xfer("GET", u, many, "api-key:" CP_KEY, NULL, 0, &r);
	CU_ASSERT(st == 0 || st == 413 || st == 431 || st == 400);
	res_free(&r);
	free(many);
	free(names);
	free(huge);
	free(u);
	CU_ASSERT(still_answers());

	/* raw junk on the socket */
	static const char junk1[] = "GARBAGE\r\n\r\n";
	static const char junk2[] = "GET /clinchpad/api/v1/organizations HTTP/1.1\r\nHost: x\r\n"
				    "Content-Length: -5\r\n\r\n";
	static const char junk3[] = "POST /kaana/api/organizations HTTP/1.1\r\nHost: x\r\n"
				    "Transfer-Encoding: chunked\r\n\r\nZZZ\r\nnot hex\r\n";
	static const char junk4[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"; /* TLS hello */
	static const char junk5[] = "GET /kaana/api/organizations HTTP/1.1\r\nHost: x\r\n"
				    "Content-Length: 100\r\n\r\nshort";
	raw(junk1, sizeof junk1 - 1);
	raw(junk2, sizeof junk2 - 1);
	raw(junk3, sizeof junk3 - 1);
	raw(junk4, sizeof junk4 - 1);
	raw(junk5, sizeof junk5 - 1);
	char *longline = xmalloc(200 * 1024);
	memset(longline, 'a', 200 * 1024);
	memcpy(longline, "GET /", 5);
	raw(longline, 200 * 1024);
	free(longline);
	CU_ASSERT(still_answers());

	/* invalid UTF-8, NUL bytes (raw and escaped) and control bytes in JSON strings, for
	 * every dialect's write: any answer but a crash; 200 or 400 in the envelope */
	static const char bad_utf8[] = "{\"name\":\"Bad \xff\xfe\xc3 UTF-8\"}";
	static const char raw_nul[] = "{\"name\":\"Nul\0Byte\"}";
	static const char esc_nul[] = "{\"name\":\"Nul\\u0000Byte\"}";
	static const char surrogate[] = "{\"name\":\"\\ud800 lone\"}";
	static const char ctrl[] = "{\"name\":\"\x1b[2J\x07 Ctl\"}";
	const struct {
		const char *b;
		size_t n;
	} bodies[] = {{bad_utf8, sizeof bad_utf8 - 1},
		      {raw_nul, sizeof raw_nul - 1},
		      {esc_nul, sizeof esc_nul - 1},
		      {surrogate, sizeof surrogate - 1},
		      {ctrl, sizeof ctrl - 1}};
	for (int d = 0; d < N_DIA; d++) {
		for (size_t b = 0; b < sizeof bodies / sizeof *bodies; b++) {
			st = dcall_len(d, write_method(d), write_path(d), true, bodies[b].b,
				       bodies[b].n, &r);
			if (!(st == 200 || envelope_ok(d, 400, &r)))
				fprintf(stderr, "%s hostile #%zu: %ld %.200s\n", dia_name[d], b, st,
					r.h.body);
			CU_ASSERT(st == 200 || envelope_ok(d, 400, &r));
			res_free(&r);
		}
		/* and the record still reads back as JSON */
		CU_ASSERT_EQUAL(dcall(d, "GET", dia_list[d], true, NULL, &r), 200);
		CU_ASSERT_PTR_NOT_NULL(r.h.json);
		res_free(&r);
	}
	/* hostile query strings */
	CU_ASSERT_EQUAL(
	    dcall(QUORUM, "GET", "/organization/?limit=%00&offset=%ff%fe", true, NULL, &r), 400);
	res_free(&r);
	dcall(HIGHQ, "GET", "/api/4/organisations?search=%00%ff%1b&limit=99999999999999999999",
	      true, NULL, &r);
	CU_ASSERT(r.h.status == 200 || envelope_ok(HIGHQ, 400, &r));
	res_free(&r);
	CU_ASSERT(still_answers());
	stop();
}

TEST(contract_sim, bad_options_are_refused)
{
	char *bin = tsuite_bin("orgdeck-sim");
	const char *bad[] = {"--faults 500=2",	"--faults 500=0.6,503=0.6", "--faults bogus=1",
			     "--faults 500",	"--latency-ms -1",	    "--orgs lots",
			     "--no-such-option"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *cmd = xasprintf("'%s' --listen 127.0.0.1:0 %s >/dev/null 2>&1", bin, bad[i]);
		int st = system(cmd);
		CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 2);
		free(cmd);
	}
	free(bin);
}
