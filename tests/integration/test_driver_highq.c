/* The HighQ driver against orgdeck-sim's highq dialect over real HTTP: the OAuth code flow
 * (authorize.action -> code -> token), refresh with rotation, every page of the list,
 * filters and sort, get, create, full-replace update, members (users of an organisation),
 * an XML answer, and the error sentences for a bad filter, a missing organisation, a wrong
 * token and a spent refresh token. */
#include "model/config.h"
#include "model/vendor.h"
#include "net/xalloc.h"
#include "tests/support/simproc.h"
#include "tests/support/tsuite.h"
#include "tests/integration/sim_profile.h"
#include "tests/support/vexec.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define N_ORGS 250

static struct simproc sp;
static struct profile *prof;

/* Starts the simulator and builds the demo profile from the config it printed (no
 * token yet: sign_in() gets one). */
static void start(void)
{
	char orgs[16];
	snprintf(orgs, sizeof orgs, "%d", N_ORGS);
	const char *const argv[] = {"--dialects", "highq", "--orgs", orgs, NULL};
	CU_ASSERT_FATAL(simproc_start(&sp, argv) == 0);
	prof = sim_profile(&sp, "highq-demo");
	/* No token yet: sign_in() gets one the way a person does, not the demo's. */
	profile_set(prof, "refresh_token", "");
}

static void stop(void)
{
	sim_profile_free();
	prof = NULL;
	simproc_stop(&sp);
}

/* The browser step: authorize.action answers 302 to redirect_uri?code=... */
static char *authorize_code(void)
{
	char *url = prof->vendor->oauth_authorize_url(prof);
	struct thttp http;
	thttp_do("GET", url, NULL, NULL, NULL, &http);
	free(url);
	CU_ASSERT_EQUAL(http.status, 302);
	char *loc = thttp_header(&http, "Location");
	thttp_free(&http);
	CU_ASSERT_PTR_NOT_NULL_FATAL(loc);
	const char *c = strstr(loc, "code=");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	char *code = xstrndup(c + 5, strcspn(c + 5, "&"));
	free(loc);
	return code;
}

/* Trades a code or a refresh token; stores the tokens in the profile on success. */
static bool token(const char *code, const char *refresh, struct verr *e)
{
	struct vreq q;
	CU_ASSERT_FATAL(prof->vendor->oauth_token_req(prof, code, refresh, &q));
	CU_ASSERT_FALSE(q.idempotent);
	struct thttp http;
	struct vresp rs = vexec_once(&q, &http);
	char *access = NULL, *ref = NULL;
	long exp = 0;
	bool ok = prof->vendor->oauth_token_parse(&rs, &access, &ref, &exp, e);
	if (ok) {
		CU_ASSERT(exp > 0);
		profile_set(prof, "access_token", access);
		if (ref)
			profile_set(prof, "refresh_token", ref);
	}
	free(access);
	free(ref);
	thttp_free(&http);
	return ok;
}

static void sign_in(void)
{
	char *code = authorize_code();
	struct verr e = {0};
	CU_ASSERT_FATAL(token(code, NULL, &e));
	free(code);
}

/* One list page through the driver; false with e filled on an error answer. */
static bool list_page(const struct vquery *vq, long page, struct record_list *l, struct vpage *pg,
		      struct verr *e)
{
	struct vreq q;
	struct thttp http;
	CU_ASSERT_FATAL(prof->vendor->list_req(prof, vq, page, &q));
	struct vresp rs = vexec_once(&q, &http);
	bool ok = rs.status == 200 && prof->vendor->list_parse(prof, &rs, l, pg, e);
	if (rs.status != 200)
		prof->vendor->error_parse(prof, &rs, e);
	thttp_free(&http);
	return ok;
}

static bool list_all(const struct vquery *vq, struct record_list *l, long *total)
{
	struct vpage pg = {.more = true};
	struct verr e = {0};
	for (long page = 0; pg.more && page < 50; page++)
		if (!list_page(vq, page, l, &pg, &e))
			return false;
	*total = pg.total;
	return true;
}

static bool get_org(const char *id, struct record *r, struct verr *e)
{
	struct vreq q;
	struct thttp http;
	CU_ASSERT_FATAL(prof->vendor->get_req(prof, id, &q));
	struct vresp rs = vexec_once(&q, &http);
	bool ok = rs.status == 200 && prof->vendor->record_parse(prof, &rs, r, e);
	if (rs.status != 200)
		prof->vendor->error_parse(prof, &rs, e);
	thttp_free(&http);
	return ok;
}

TEST(integration_highq, signs_in_and_lists_every_page)
{
	start();
	sign_in();
	struct record_list l = {0};
	long total = -1;
	CU_ASSERT_FATAL(list_all(NULL, &l, &total));
	CU_ASSERT_EQUAL(l.n, N_ORGS);
	CU_ASSERT_EQUAL(total, N_ORGS);
	bool ascending = true, strings_ok = true;
	for (size_t i = 0; i < l.n; i++) {
		if (i && atol(l.items[i].id) <= atol(l.items[i - 1].id))
			ascending = false;
		const char *st = record_get(&l.items[i], "status");
		const char *d = record_get(&l.items[i], "createddate");
		bool known = st && (!strcmp(st, "active") || !strcmp(st, "archive") ||
				    !strcmp(st, "pending"));
		if (!l.items[i].name || !known || !d || strlen(d) != 17 ||
		    !record_get(&l.items[i], "noofusers"))
			strings_ok = false;
	}
	CU_ASSERT(ascending);
	CU_ASSERT(strings_ok);
	record_list_free(&l);
	stop();
}

TEST(integration_highq, filters_and_sort_run_on_the_server)
{
	start();
	sign_in();
	struct record_list l = {0};
	long total;
	struct vquery vq = {.params = {{"status", "archive,pending"}}, .nparams = 1};
	CU_ASSERT_FATAL(list_all(&vq, &l, &total));
	CU_ASSERT(l.n > 0 && l.n < N_ORGS);
	CU_ASSERT_EQUAL(total, (long)l.n); /* totalCount: what the filter kept */
	for (size_t i = 0; i < l.n; i++)
		CU_ASSERT(strcmp(record_get(&l.items[i], "status"), "active"));
	record_list_free(&l);

	struct vquery by_users = {.sort = "noofusers", .desc = true};
	struct vpage pg;
	struct verr e = {0};
	CU_ASSERT_FATAL(list_page(&by_users, 0, &l, &pg, &e));
	CU_ASSERT(pg.more);
	for (size_t i = 1; i < l.n; i++)
		CU_ASSERT(atol(record_get(&l.items[i - 1], "noofusers")) >=
			  atol(record_get(&l.items[i], "noofusers")));
	record_list_free(&l);

	struct vquery by_name = {.sort = "name"};
	CU_ASSERT_FATAL(list_page(&by_name, 0, &l, &pg, &e));
	CU_ASSERT(l.n == 100);
	record_list_free(&l);

	/* search finds an organisation by its name */
	struct record first;
	record_init(&first);
	CU_ASSERT_FATAL(get_org("7", &first, &e));
	struct vquery s = {.params = {{"search", first.name}}, .nparams = 1};
	CU_ASSERT_FATAL(list_page(&s, 0, &l, &pg, &e));
	bool found = false;
	for (size_t i = 0; i < l.n; i++)
		found = found || !strcmp(l.items[i].id, "7");
	CU_ASSERT(found);
	record_list_free(&l);
	record_free(&first);

	/* the server's refusal of an unknown industry, in our words */
	struct vquery bad = {.params = {{"industry", "999"}}, .nparams = 1};
	CU_ASSERT_FALSE(list_page(&bad, 0, &l, &pg, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "HighQ: the industry is invalid (ref 293)"));
	struct vquery bad_status = {.params = {{"status", "gone"}}, .nparams = 1};
	CU_ASSERT_FALSE(list_page(&bad_status, 0, &l, &pg, &e));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "HighQ: the status is invalid (ref 295)"));
	record_list_free(&l);
	stop();
}

TEST(integration_highq, create_get_and_full_replace_update)
{
	start();
	sign_in();
	struct record v;
	record_init(&v);
	record_set(&v, "name", "Integration Org");
	record_set(&v, "status", "pending");
	record_set(&v, "internal", "true");
	record_set(&v, "orgindustryid", "3");
	struct vreq q;
	struct thttp http;
	struct verr e = {0};
	CU_ASSERT_FATAL(prof->vendor->create_req(prof, &v, &q));
	struct vresp rs = vexec_once(&q, &http);
	CU_ASSERT_EQUAL_FATAL(rs.status, 201);
	struct record made;
	record_init(&made);
	CU_ASSERT_FATAL(prof->vendor->record_parse(prof, &rs, &made, &e));
	thttp_free(&http);
	CU_ASSERT_STRING_EQUAL_NN(made.name, "Integration Org");
	CU_ASSERT_PTR_NOT_NULL_FATAL(made.id);

	struct record base;
	record_init(&base);
	CU_ASSERT_FATAL(get_org(made.id, &base, &e));
	CU_ASSERT_STRING_EQUAL_NN(record_get(&base, "status"), "pending");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&base, "internal"), "1");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&base, "orgindustryid"), "3");

	/* rename and activate: everything else (industry, internal) must survive the PUT */
	struct record ch;
	record_init(&ch);
	record_set(&ch, "name", "Integration Org Renamed");
	record_set(&ch, "status", "active");
	CU_ASSERT_FATAL(prof->vendor->update_req(prof, &base, &ch, &q));
	rs = vexec_once(&q, &http);
	CU_ASSERT_EQUAL(rs.status, 200);
	struct record after;
	record_init(&after);
	CU_ASSERT_FATAL(prof->vendor->record_parse(prof, &rs, &after, &e));
	thttp_free(&http);
	CU_ASSERT_STRING_EQUAL_NN(after.name, "Integration Org Renamed");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&after, "status"), "active");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&after, "orgindustryid"), "3");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&after, "internal"), "1");

	/* a generated organisation with a contact keeps it through an update */
	struct record g, g2;
	record_init(&g);
	record_init(&g2);
	const char *with_contact = NULL;
	char idbuf[16];
	for (int id = 1; id <= 40 && !with_contact; id++) {
		snprintf(idbuf, sizeof idbuf, "%d", id);
		record_free(&g);
		record_init(&g);
		if (get_org(idbuf, &g, &e) && record_get(&g, "contact_email"))
			with_contact = idbuf;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(with_contact);
	record_free(&ch);
	record_init(&ch);
	record_set(&ch, "internal", "false");
	CU_ASSERT_FATAL(prof->vendor->update_req(prof, &g, &ch, &q));
	rs = vexec_once(&q, &http);
	CU_ASSERT_EQUAL(rs.status, 200);
	thttp_free(&http);
	CU_ASSERT_FATAL(get_org(with_contact, &g2, &e));
	CU_ASSERT_STRING_EQUAL_NN(record_get(&g2, "internal"), "0");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&g2, "contact_email"),
				  record_get(&g, "contact_email"));
	CU_ASSERT_STRING_EQUAL_NN(record_get(&g2, "orgindustryid"),
				  record_get(&g, "orgindustryid"));
	CU_ASSERT_STRING_EQUAL_NN(g2.name, g.name);

	/* a refused update reads as HighQ's validation ref */
	record_free(&ch);
	record_init(&ch);
	record_set(&ch, "name", "");
	CU_ASSERT_FATAL(prof->vendor->update_req(prof, &g, &ch, &q));
	rs = vexec_once(&q, &http);
	CU_ASSERT_EQUAL(rs.status, 400);
	prof->vendor->error_parse(prof, &rs, &e);
	thttp_free(&http);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "HighQ: the name is required (ref 269)"));

	record_free(&g);
	record_free(&g2);
	record_free(&after);
	record_free(&ch);
	record_free(&base);
	record_free(&made);
	record_free(&v);
	stop();
}

TEST(integration_highq, xml_answers_parse_when_json_is_not_asked_for)
{
	start();
	sign_in();
	struct vreq q;
	CU_ASSERT_FATAL(prof->vendor->list_req(prof, NULL, 0, &q));
	/* drop the Accept header: the server then answers XML */
	CU_ASSERT_FATAL(q.nheaders >= 1 && !strncmp(q.headers[0], "Accept:", 7));
	free(q.headers[0]);
	q.headers[0] = xstrdup("X-Nothing: 1");
	struct thttp http;
	struct vresp rs = vexec_once(&q, &http);
	CU_ASSERT_EQUAL(rs.status, 200);
	CU_ASSERT_PTR_NOT_NULL(rs.content_type && strstr(rs.content_type, "xml"));
	struct record_list l = {0};
	struct vpage pg;
	struct verr e = {0};
	CU_ASSERT_FATAL(prof->vendor->list_parse(prof, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(l.n, 100);
	CU_ASSERT_EQUAL(pg.total, N_ORGS);
	CU_ASSERT(pg.more);
	CU_ASSERT_STRING_EQUAL_NN(l.items[0].id, "1");
	thttp_free(&http);

	/* and the same organisation from JSON matches field for field */
	struct record j;
	record_init(&j);
	CU_ASSERT_FATAL(get_org("1", &j, &e));
	CU_ASSERT_STRING_EQUAL_NN(j.name, l.items[0].name);
	CU_ASSERT_STRING_EQUAL_NN(record_get(&j, "createddate"),
				  record_get(&l.items[0], "createddate"));
	CU_ASSERT_STRING_EQUAL_NN(record_get(&j, "noofusers"),
				  record_get(&l.items[0], "noofusers"));
	record_free(&j);
	record_list_free(&l);
	stop();
}

TEST(integration_highq, members_are_the_organisation_users)
{
	start();
	sign_in();
	struct record_list l = {0};
	long total;
	CU_ASSERT_FATAL(list_all(NULL, &l, &total));
	const struct record *org = NULL;
	for (size_t i = 0; i < l.n && !org; i++) {
		long n = atol(record_get(&l.items[i], "noofusers"));
		if (n > 0 && n < 100)
			org = &l.items[i];
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(org);
	struct vreq q;
	struct thttp http;
	CU_ASSERT_FATAL(prof->vendor->members_req(prof, org->id, 0, &q));
	struct vresp rs = vexec_once(&q, &http);
	CU_ASSERT_EQUAL(rs.status, 200);
	struct record_list m = {0};
	struct vpage pg;
	struct verr e = {0};
	CU_ASSERT_FATAL(prof->vendor->members_parse(prof, &rs, &m, &pg, &e));
	thttp_free(&http);
	CU_ASSERT_EQUAL(m.n, (size_t)atol(record_get(org, "noofusers")));
	CU_ASSERT_FALSE(pg.more);
	for (size_t i = 0; i < m.n; i++) {
		CU_ASSERT(m.items[i].name && m.items[i].name[0]);
		CU_ASSERT_PTR_NOT_NULL(strchr(record_get(&m.items[i], "email"), '@'));
	}
	record_list_free(&m);
	record_list_free(&l);
	stop();
}

TEST(integration_highq, refresh_rotates_and_errors_say_what_to_do)
{
	start();
	sign_in();
	struct verr e = {0};
	char *old_access = xstrdup(profile_get(prof, "access_token"));
	char *old_refresh = xstrdup(profile_get(prof, "refresh_token"));
	CU_ASSERT_FATAL(token(NULL, old_refresh, &e));
	CU_ASSERT_STRING_NOT_EQUAL(profile_get(prof, "access_token"), old_access);
	struct record r;
	record_init(&r);
	CU_ASSERT(get_org("1", &r, &e));
	record_free(&r);

	/* the old refresh token was spent by the rotation */
	CU_ASSERT_FALSE(token(NULL, old_refresh, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_AUTH);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(e.msg, "HighQ: sign-in refused (the refresh token is invalid)"));
	CU_ASSERT_PTR_NULL(strstr(e.msg, old_refresh));
	CU_ASSERT_PTR_NULL(strstr(e.msg, profile_get(prof, "client_secret")));
	/* a code works once */
	char *code = authorize_code();
	CU_ASSERT(token(code, NULL, &e));
	CU_ASSERT_FALSE(token(code, NULL, &e));
	free(code);

	/* a wrong token: 401 in words that say to sign in again */
	profile_set(prof, "access_token", "not-a-token");
	record_init(&r);
	CU_ASSERT_FALSE(get_org("1", &r, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_AUTH);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "sign in again"));
	CU_ASSERT_PTR_NULL(strstr(e.msg, "not-a-token"));
	record_free(&r);
	/* a wrong client secret at the token endpoint */
	profile_set(prof, "client_secret", "wrong-secret");
	CU_ASSERT_FALSE(token(NULL, profile_get(prof, "refresh_token"), &e));
	CU_ASSERT_EQUAL(e.kind, VERR_AUTH);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "check client_id and client_secret"));
	CU_ASSERT_PTR_NULL(strstr(e.msg, "wrong-secret"));

	free(old_access);
	free(old_refresh);
	stop();
}

TEST(integration_highq, missing_organisation_is_not_found)
{
	start();
	sign_in();
	struct record r;
	record_init(&r);
	struct verr e = {0};
	CU_ASSERT_FALSE(get_org("999999", &r, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(e.msg, "HighQ: the requested organisation does not exist (ref 75)"));
	record_free(&r);
	stop();
}
