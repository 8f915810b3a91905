/* The QuestionPro driver against orgdeck-sim's questionpro dialect over real HTTP: the
 * one-organization list, get, rename, the users list across pages, user removal, and the
 * error sentences for a wrong key, someone else's organization, a missing user, a spent
 * quota and a proxy's HTML page. */
#include "model/config.h"
#include "model/vendor.h"
#include "net/xalloc.h"
#include "tests/support/simproc.h"
#include "tests/support/tsuite.h"
#include "tests/integration/sim_profile.h"
#include "tests/support/vexec.h"

#include <stdio.h>
#include <string.h>

static struct simproc sp;
static struct profile *prof;

/* Starts the simulator (extra arguments after the dialect) and builds the demo profile
 * from the config it printed. */
static void start(const char *const *extra)
{
	const char *argv[16] = {"--dialects", "questionpro", "--orgs", "250"};
	int n = 4;
	for (int i = 0; extra && extra[i] && n < 15; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	CU_ASSERT_FATAL(simproc_start(&sp, argv) == 0);
	prof = sim_profile(&sp, "questionpro-demo");
	CU_ASSERT_PTR_NOT_NULL_FATAL(profile_get(prof, "organization_id"));
}

static void stop(void)
{
	sim_profile_free();
	prof = NULL;
	simproc_stop(&sp);
}

static const char *org_id(void)
{
	return profile_get(prof, "organization_id");
}

/* GET of one organization through the driver, parsed. */
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

/* Every member, page after page until the driver says no more. */
static long all_members(struct record_list *out, long *total)
{
	long pages = 0;
	*total = -1;
	for (long page = 0;; page++) {
		struct vreq q;
		struct thttp http;
		CU_ASSERT_FATAL(prof->vendor->members_req(prof, org_id(), page, &q));
		struct vresp rs = vexec_once(&q, &http);
		CU_ASSERT_EQUAL_FATAL(rs.status, 200);
		struct vpage pg = {0};
		struct verr e = {0};
		CU_ASSERT_FATAL(prof->vendor->members_parse(prof, &rs, out, &pg, &e));
		thttp_free(&http);
		pages++;
		*total = pg.total;
		if (!pg.more || page > 100)
			break;
	}
	return pages;
}

/* The error sentence the driver makes of an answer to q. */
static struct verr error_of(struct vreq *q)
{
	struct thttp http;
	struct vresp rs = vexec_once(q, &http);
	struct verr e = {0};
	CU_ASSERT(rs.status < 200 || rs.status >= 300);
	prof->vendor->error_parse(prof, &rs, &e);
	thttp_free(&http);
	CU_ASSERT_PTR_NULL(strstr(e.msg, profile_get(prof, "api_key")));
	return e;
}

TEST(integration_questionpro, list_is_the_profiles_one_organization)
{
	start(NULL);
	struct vreq q;
	struct thttp http;
	CU_ASSERT_FATAL(prof->vendor->list_req(prof, NULL, 0, &q));
	struct vresp rs = vexec_once(&q, &http);
	CU_ASSERT_EQUAL_FATAL(rs.status, 200);
	struct record_list l = {0};
	struct vpage pg = {.more = true};
	struct verr e = {0};
	CU_ASSERT_FATAL(prof->vendor->list_parse(prof, &rs, &l, &pg, &e));
	thttp_free(&http);
	CU_ASSERT_EQUAL_FATAL(l.n, 1);
	CU_ASSERT_FALSE(pg.more);
	CU_ASSERT_EQUAL(pg.total, 1);
	CU_ASSERT_STRING_EQUAL(l.items[0].id, org_id());
	CU_ASSERT(l.items[0].name && l.items[0].name[0]);
	CU_ASSERT_STRING_EQUAL_NN(record_get(&l.items[0], "userCount"), "250");
	CU_ASSERT_PTR_NOT_NULL(record_get(&l.items[0], "usage.survey.totalResponses"));
	CU_ASSERT_PTR_NOT_NULL(record_get(&l.items[0], "usage.storage.totalSpaceUsed"));
	CU_ASSERT_FALSE(prof->vendor->list_req(prof, NULL, 1, &q));
	record_list_free(&l);
	stop();
}

TEST(integration_questionpro, rename_then_get_shows_the_new_name)
{
	start(NULL);
	struct record base, ch, after;
	record_init(&base);
	record_init(&after);
	struct verr e = {0};
	CU_ASSERT_FATAL(get_org(org_id(), &base, &e));
	record_init(&ch);
	record_set(&ch, "name", "Renamed by orgdeck – ünïcode");
	struct vreq q;
	struct thttp http;
	CU_ASSERT_FATAL(prof->vendor->update_req(prof, &base, &ch, &q));
	struct vresp rs = vexec_once(&q, &http);
	CU_ASSERT_EQUAL(rs.status, 200);
	struct record echoed;
	record_init(&echoed);
	CU_ASSERT(prof->vendor->record_parse(prof, &rs, &echoed, &e));
	CU_ASSERT_STRING_EQUAL_NN(echoed.name, "Renamed by orgdeck – ünïcode");
	record_free(&echoed);
	thttp_free(&http);
	CU_ASSERT_FATAL(get_org(org_id(), &after, &e));
	CU_ASSERT_STRING_EQUAL_NN(after.name, "Renamed by orgdeck – ünïcode");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&after, "license"), record_get(&base, "license"));

	/* A blank name is refused in the vendor's words. */
	record_set(&ch, "name", "  ");
	CU_ASSERT_FATAL(prof->vendor->update_req(prof, &base, &ch, &q));
	e = error_of(&q);
	CU_ASSERT_EQUAL(e.kind, VERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Invalid schema"));
	record_free(&base);
	record_free(&ch);
	record_free(&after);
	stop();
}

TEST(integration_questionpro, members_list_every_page_up_to_the_total)
{
	start(NULL);
	struct record_list l = {0};
	long total;
	long pages = all_members(&l, &total);
	CU_ASSERT_EQUAL(pages, 3);
	CU_ASSERT_EQUAL(total, 250);
	CU_ASSERT_EQUAL(l.n, 250);
	for (size_t i = 0; i < l.n; i++) {
		CU_ASSERT(l.items[i].id && l.items[i].name && l.items[i].name[0]);
		CU_ASSERT_PTR_NOT_NULL(record_get(&l.items[i], "email"));
		CU_ASSERT_STRING_EQUAL_NN(record_get(&l.items[i], "role"), "License");
	}
	/* Ids are unique: no page was read twice. */
	for (size_t i = 1; i < l.n; i++)
		CU_ASSERT(strcmp(l.items[i].id, l.items[i - 1].id));
	record_list_free(&l);
	stop();
}

TEST(integration_questionpro, removing_a_member_drops_it_and_twice_is_not_found)
{
	start(NULL);
	struct record_list l = {0};
	long total;
	all_members(&l, &total);
	CU_ASSERT_FATAL(l.n == 250);
	char *victim = xstrdup(l.items[l.n - 1].id);
	record_list_free(&l);

	struct vreq q;
	struct thttp http;
	CU_ASSERT_FATAL(prof->vendor->member_remove_req(prof, org_id(), victim, &q));
	struct vresp rs = vexec_once(&q, &http);
	CU_ASSERT_EQUAL(rs.status, 200);
	thttp_free(&http);

	all_members(&l, &total);
	CU_ASSERT_EQUAL(total, 249);
	CU_ASSERT_EQUAL(l.n, 249);
	for (size_t i = 0; i < l.n; i++)
		CU_ASSERT(strcmp(l.items[i].id, victim));
	record_list_free(&l);
	struct record org;
	record_init(&org);
	struct verr e = {0};
	CU_ASSERT(get_org(org_id(), &org, &e));
	CU_ASSERT_STRING_EQUAL_NN(record_get(&org, "userCount"), "249");

	/* Again: it is gone. */
	CU_ASSERT_FATAL(prof->vendor->member_remove_req(prof, org_id(), victim, &q));
	e = error_of(&q);
	CU_ASSERT_EQUAL(e.kind, VERR_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "doesn't exist"));

	/* The primary account cannot be removed. */
	CU_ASSERT_FATAL(prof->vendor->member_remove_req(prof, org_id(),
							record_get(&org, "primaryAccountID"), &q));
	e = error_of(&q);
	CU_ASSERT_EQUAL(e.kind, VERR_FORBIDDEN);
	record_free(&org);
	free(victim);
	stop();
}

TEST(integration_questionpro, wrong_key_says_check_api_key)
{
	start(NULL);
	profile_set(prof, "api_key", "not-the-key");
	struct vreq q;
	CU_ASSERT_FATAL(prof->vendor->list_req(prof, NULL, 0, &q));
	struct verr e = error_of(&q);
	CU_ASSERT_EQUAL(e.kind, VERR_AUTH);
	CU_ASSERT_STRING_EQUAL(
	    e.msg, "QuestionPro: authorization failed, check api_key (Incorrect API Key)");
	CU_ASSERT_PTR_NULL(strstr(e.msg, "not-the-key"));
	stop();
}

TEST(integration_questionpro, other_organization_and_bad_paths_are_explained)
{
	start(NULL);
	struct vreq q;
	CU_ASSERT_FATAL(prof->vendor->get_req(prof, "1234567", &q));
	struct verr e = error_of(&q);
	CU_ASSERT_EQUAL(e.kind, VERR_FORBIDDEN);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "organization_id"));
	CU_ASSERT_FATAL(prof->vendor->get_req(prof, "abc", &q));
	e = error_of(&q);
	CU_ASSERT_EQUAL(e.kind, VERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Invalid URL parameters"));
	CU_ASSERT_FATAL(prof->vendor->member_remove_req(prof, org_id(), "99", &q));
	e = error_of(&q);
	CU_ASSERT_EQUAL(e.kind, VERR_NOT_FOUND);
	stop();
}

TEST(integration_questionpro, spent_quota_is_final)
{
	const char *const faults[] = {"--faults", "429=1", NULL};
	start(faults);
	struct vreq q;
	CU_ASSERT_FATAL(prof->vendor->list_req(prof, NULL, 0, &q));
	CU_ASSERT_STRING_EQUAL_NN(q.no_retry_marker, "API call limit exceeded");
	struct verr e = error_of(&q);
	CU_ASSERT_EQUAL(e.kind, VERR_QUOTA);
	CU_ASSERT_EQUAL(e.status, 429);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "API call limit exceeded"));
	stop();
}

TEST(integration_questionpro, proxy_html_page_is_named_by_its_title)
{
	const char *const faults[] = {"--faults", "html=1", NULL};
	start(faults);
	struct vreq q;
	CU_ASSERT_FATAL(prof->vendor->members_req(prof, org_id(), 0, &q));
	struct verr e = error_of(&q);
	CU_ASSERT_EQUAL(e.kind, VERR_SERVER);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "502 Bad Gateway"));
	stop();
}
