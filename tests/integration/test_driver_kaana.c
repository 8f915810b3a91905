/* The Kaana driver against orgdeck-sim's kaana dialect over real HTTP: every list page,
 * get, create, partial update (metadata custom fields included), duplicate, delete,
 * members add/role/remove with contacts to pick from, the related lists, the session
 * cookie, and the error sentences for the member-role key, a wrong key and a 404. */
#include "model/config.h"
#include "model/vendor.h"
#include "net/xalloc.h"
#include "tests/support/simproc.h"
#include "tests/support/tsuite.h"
#include "tests/integration/sim_profile.h"
#include "tests/support/vexec.h"

#include <stdio.h>
#include <string.h>

#define N_ORGS 250
/* The admin's browser session in sim/dialects/kaana.c (not printed in the config). */
#define SIM_SESSION "s%3AdS7qLx2vNc9pWf4hRz.k8Tg1YmB3oQe6uJa0sVi5nXw"

static struct simproc sp;
static struct profile *prof;

static void start(void)
{
	char orgs[16];
	snprintf(orgs, sizeof orgs, "%d", N_ORGS);
	const char *const argv[] = {"--dialects", "kaana", "--orgs", orgs, NULL};
	CU_ASSERT_FATAL(simproc_start(&sp, argv) == 0);
	prof = sim_profile(&sp, "kaana-demo");
}

static void stop(void)
{
	sim_profile_free();
	prof = NULL;
	simproc_stop(&sp);
}

/* Sends a built request and frees it; on a non-2xx the driver's error sentence is in e. */
static struct vresp send_req(struct vreq *q, struct thttp *http, struct verr *e)
{
	struct vresp rs = vexec_once(q, http);
	if (rs.status < 200 || rs.status >= 300)
		prof->vendor->error_parse(prof, &rs, e);
	return rs;
}

static bool get_org(const char *id, struct record *r, struct verr *e)
{
	struct vreq q;
	struct thttp http;
	CU_ASSERT_FATAL(prof->vendor->get_req(prof, id, &q));
	struct vresp rs = send_req(&q, &http, e);
	bool ok = rs.status == 200 && prof->vendor->record_parse(prof, &rs, r, e);
	thttp_free(&http);
	return ok;
}

/* A request whose answer is one organization (create, update, duplicate). */
static bool org_call(struct vreq *q, long want, struct record *r, struct verr *e)
{
	struct thttp http;
	struct vresp rs = send_req(q, &http, e);
	CU_ASSERT_EQUAL(rs.status, want);
	bool ok = rs.status == want && prof->vendor->record_parse(prof, &rs, r, e);
	thttp_free(&http);
	return ok;
}

/* A request answered with no content; returns the status. */
static long plain_call(struct vreq *q, struct verr *e)
{
	struct thttp http;
	struct vresp rs = send_req(q, &http, e);
	long st = rs.status;
	thttp_free(&http);
	return st;
}

static bool members(const char *org, struct record_list *m)
{
	struct vreq q;
	struct thttp http;
	struct verr e = {0};
	struct vpage pg;
	CU_ASSERT_FATAL(prof->vendor->members_req(prof, org, 0, &q));
	struct vresp rs = send_req(&q, &http, &e);
	bool ok = rs.status == 200 && prof->vendor->members_parse(prof, &rs, m, &pg, &e);
	thttp_free(&http);
	return ok;
}

static const struct record *find(const struct record_list *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].id && !strcmp(l->items[i].id, id))
			return &l->items[i];
	return NULL;
}

TEST(integration_kaana, lists_every_page)
{
	start();
	struct record_list l = {0};
	struct vpage pg = {.more = true};
	struct verr e = {0};
	long pages = 0;
	for (long page = 0; pg.more && page < 20; page++, pages++) {
		struct vreq q;
		struct thttp http;
		CU_ASSERT_FATAL(prof->vendor->list_req(prof, NULL, page, &q));
		struct vresp rs = send_req(&q, &http, &e);
		CU_ASSERT_EQUAL_FATAL(rs.status, 200);
		CU_ASSERT_FATAL(prof->vendor->list_parse(prof, &rs, &l, &pg, &e));
		thttp_free(&http);
	}
	CU_ASSERT_EQUAL(pages, 3);
	CU_ASSERT_EQUAL(l.n, N_ORGS);
	bool ok = true;
	for (size_t i = 0; i < l.n; i++) {
		char id[32];
		snprintf(id, sizeof id, "%zu", i + 1);
		ok = ok && !strcmp(l.items[i].id, id) && l.items[i].version &&
		     record_get(&l.items[i], "type") && record_get(&l.items[i], "createdAt");
	}
	CU_ASSERT(ok);
	bool some_cf = false;
	for (size_t i = 0; i < l.n && !some_cf; i++)
		some_cf = record_field(&l.items[i], "cf:region") != NULL;
	CU_ASSERT(some_cf);
	record_list_free(&l);
	stop();
}

TEST(integration_kaana, create_update_duplicate_delete)
{
	start();
	struct verr e = {0};
	struct record v, made;
	record_init(&v);
	record_init(&made);
	record_set(&v, "name", "Integration Client");
	record_set(&v, "type", "partner");
	record_set(&v, "industry", "Consulting");
	record_set_labelled(&v, "cf:region", "region", "EMEA");
	record_set_labelled(&v, "cf:seats", "seats", "40");
	struct vreq q;
	CU_ASSERT_FATAL(prof->vendor->create_req(prof, &v, &q));
	CU_ASSERT_FALSE(q.idempotent);
	CU_ASSERT_FATAL(org_call(&q, 200, &made, &e));
	CU_ASSERT_STRING_EQUAL_NN(made.name, "Integration Client");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&made, "status"), "active");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&made, "cf:seats"), "40");
	CU_ASSERT(strstr(made.raw, "\"seats\":40") != NULL);

	/* partial update of a field and of one custom field: the other key survives */
	struct record ch, upd;
	record_init(&ch);
	record_init(&upd);
	record_set(&ch, "description", "Written by a test");
	record_set(&ch, "cf:region", "APAC");
	CU_ASSERT_FATAL(prof->vendor->update_req(prof, &made, &ch, &q));
	CU_ASSERT_FATAL(org_call(&q, 200, &upd, &e));
	CU_ASSERT_STRING_EQUAL_NN(record_get(&upd, "description"), "Written by a test");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&upd, "cf:region"), "APAC");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&upd, "cf:seats"), "40");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&upd, "industry"), "Consulting");
	CU_ASSERT(upd.version && made.version && strcmp(upd.version, made.version) > 0);

	/* a server-side refusal, in words */
	record_free(&ch);
	record_init(&ch);
	record_set(&ch, "type", "martian");
	CU_ASSERT_FATAL(prof->vendor->update_req(prof, &upd, &ch, &q));
	CU_ASSERT_EQUAL(plain_call(&q, &e), 400);
	CU_ASSERT_EQUAL(e.kind, VERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Kaana: type must be one of"));

	struct record dup;
	record_init(&dup);
	CU_ASSERT_FATAL(prof->vendor->duplicate_req(prof, &upd, &q));
	CU_ASSERT_FALSE(q.idempotent);
	CU_ASSERT_FATAL(org_call(&q, 200, &dup, &e));
	CU_ASSERT_STRING_NOT_EQUAL(dup.id, upd.id);
	CU_ASSERT_STRING_EQUAL_NN(dup.name, upd.name);
	CU_ASSERT_STRING_EQUAL_NN(record_get(&dup, "cf:region"), "APAC");

	CU_ASSERT_FATAL(prof->vendor->delete_req(prof, dup.id, &q));
	CU_ASSERT_EQUAL(plain_call(&q, &e), 204);
	struct record gone;
	record_init(&gone);
	CU_ASSERT_FALSE(get_org(dup.id, &gone, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Kaana: Organization not found"));
	record_free(&gone);
	record_init(&gone);
	CU_ASSERT(get_org(upd.id, &gone, &e)); /* the original stays */
	record_free(&gone);

	record_free(&dup);
	record_free(&upd);
	record_free(&ch);
	record_free(&made);
	record_free(&v);
	stop();
}

TEST(integration_kaana, members_added_changed_and_removed)
{
	start();
	struct verr e = {0};
	/* contacts to pick from */
	struct vreq q;
	struct thttp http;
	struct record_list contacts = {0};
	struct vpage pg = {.more = true};
	for (long page = 0; pg.more && page < 10; page++) {
		CU_ASSERT_FATAL(prof->vendor->contacts_req(prof, page, &q));
		struct vresp rs = send_req(&q, &http, &e);
		CU_ASSERT_FATAL(prof->vendor->contacts_parse(prof, &rs, &contacts, &pg, &e));
		thttp_free(&http);
	}
	CU_ASSERT_FATAL(contacts.n > 100);
	CU_ASSERT(contacts.items[0].name && strchr(contacts.items[0].name, ' '));
	CU_ASSERT_PTR_NOT_NULL(strchr(record_get(&contacts.items[0], "email"), '@'));

	struct record_list m = {0};
	CU_ASSERT_FATAL(members("5", &m));
	/* a contact that is not a member yet */
	const char *pick = NULL;
	for (size_t i = 0; i < contacts.n && !pick; i++)
		if (!find(&m, contacts.items[i].id))
			pick = contacts.items[i].id;
	CU_ASSERT_PTR_NOT_NULL_FATAL(pick);
	size_t before = m.n;
	record_list_free(&m);

	const char *const *roles = prof->vendor->roles;
	CU_ASSERT_FATAL(prof->vendor->member_add_req(prof, "5", pick, roles[0], &q));
	CU_ASSERT_EQUAL(plain_call(&q, &e), 200);
	CU_ASSERT_FATAL(members("5", &m));
	CU_ASSERT_EQUAL(m.n, before + 1);
	const struct record *added = find(&m, pick);
	CU_ASSERT_PTR_NOT_NULL_FATAL(added);
	CU_ASSERT_STRING_EQUAL_NN(record_get(added, "role"), roles[0]);
	record_list_free(&m);

	/* adding again: a conflict, said so */
	CU_ASSERT_FATAL(prof->vendor->member_add_req(prof, "5", pick, roles[0], &q));
	CU_ASSERT_EQUAL(plain_call(&q, &e), 409);
	CU_ASSERT_EQUAL(e.kind, VERR_CONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "already a member"));

	/* every role is one the server takes */
	for (int i = 0; roles[i]; i++) {
		CU_ASSERT_FATAL(prof->vendor->member_role_req(prof, "5", pick, roles[i], &q));
		CU_ASSERT_EQUAL(plain_call(&q, &e), 200);
	}
	CU_ASSERT_FATAL(members("5", &m));
	added = find(&m, pick);
	CU_ASSERT_PTR_NOT_NULL_FATAL(added);
	CU_ASSERT_STRING_EQUAL_NN(record_get(added, "role"), "project_manager");
	record_list_free(&m);

	CU_ASSERT_FATAL(prof->vendor->member_remove_req(prof, "5", pick, &q));
	long st = plain_call(&q, &e);
	CU_ASSERT(st == 200 || st == 204);
	CU_ASSERT_FATAL(members("5", &m));
	CU_ASSERT_EQUAL(m.n, before);
	CU_ASSERT_PTR_NULL(find(&m, pick));
	record_list_free(&m);
	CU_ASSERT_FATAL(prof->vendor->member_remove_req(prof, "5", pick, &q));
	CU_ASSERT_EQUAL(plain_call(&q, &e), 404);
	CU_ASSERT_EQUAL(e.kind, VERR_NOT_FOUND);
	record_list_free(&contacts);
	stop();
}

TEST(integration_kaana, related_lists_of_each_kind)
{
	start();
	struct verr e = {0};
	const char *const *kinds = prof->vendor->related_kinds;
	for (int k = 0; kinds[k]; k++) {
		size_t seen = 0;
		bool named = true;
		char id[16];
		for (int org = 1; org <= 20; org++) {
			snprintf(id, sizeof id, "%d", org);
			struct vreq q;
			struct thttp http;
			CU_ASSERT_FATAL(prof->vendor->related_req(prof, id, kinds[k], &q));
			struct vresp rs = send_req(&q, &http, &e);
			CU_ASSERT_EQUAL(rs.status, 200);
			struct record_list l = {0};
			CU_ASSERT(prof->vendor->related_parse(prof, kinds[k], &rs, &l, &e));
			thttp_free(&http);
			seen += l.n;
			for (size_t i = 0; i < l.n; i++)
				named = named && l.items[i].id && l.items[i].name &&
					record_get(&l.items[i], "organizationId") &&
					!strcmp(record_get(&l.items[i], "organizationId"), id);
			record_list_free(&l);
		}
		CU_ASSERT(seen > 0);
		CU_ASSERT(named);
	}
	stop();
}

TEST(integration_kaana, member_role_key_is_refused_and_says_why)
{
	start();
	sim_profile_free(); /* a fresh copy of the printed config */
	prof = sim_profile(&sp, "kaana-member");
	struct verr e = {0};
	struct vreq q;
	/* reading is fine */
	struct record r;
	record_init(&r);
	CU_ASSERT(get_org("3", &r, &e));
	CU_ASSERT_FATAL(prof->vendor->delete_req(prof, "3", &q));
	CU_ASSERT_EQUAL(plain_call(&q, &e), 403);
	CU_ASSERT_EQUAL(e.kind, VERR_FORBIDDEN);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Kaana: your key's role may not create, duplicate or "
					     "delete organizations (needs consultant or admin)"));
	CU_ASSERT_PTR_NULL(strstr(e.msg, profile_get(prof, "api_key")));
	CU_ASSERT_FATAL(prof->vendor->duplicate_req(prof, &r, &q));
	CU_ASSERT_EQUAL(plain_call(&q, &e), 403);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "needs consultant or admin"));
	struct record v;
	record_init(&v);
	record_set(&v, "name", "Not allowed");
	record_set(&v, "type", "customer");
	CU_ASSERT_FATAL(prof->vendor->create_req(prof, &v, &q));
	CU_ASSERT_EQUAL(plain_call(&q, &e), 403);
	record_free(&v);
	record_free(&r);
	/* the organization is still there */
	sim_profile_free(); /* a fresh copy of the printed config */
	prof = sim_profile(&sp, "kaana-demo");
	record_init(&r);
	CU_ASSERT(get_org("3", &r, &e));
	record_free(&r);
	stop();
}

TEST(integration_kaana, session_cookie_and_wrong_credentials)
{
	start();
	struct verr e = {0};
	struct record r;
	/* the session cookie alone authenticates */
	char *key = xstrdup(profile_get(prof, "api_key"));
	sim_profile_free(); /* a fresh copy of the printed config */
	prof = sim_profile(&sp, "kaana-demo");
	profile_set(prof, "api_key", "");
	profile_set(prof, "session_cookie", SIM_SESSION);
	record_init(&r);
	CU_ASSERT(get_org("1", &r, &e));
	record_free(&r);
	/* a stale session */
	profile_set(prof, "session_cookie", "s%3Astale.cookie");
	record_init(&r);
	CU_ASSERT_FALSE(get_org("1", &r, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_AUTH);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "session_cookie"));
	CU_ASSERT_PTR_NULL(strstr(e.msg, "stale.cookie"));
	record_free(&r);
	/* a wrong key */
	profile_set(prof, "api_key", "kaana-wrong-key-000");
	record_init(&r);
	CU_ASSERT_FALSE(get_org("1", &r, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_AUTH);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Kaana: the API key was refused"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "check api_key"));
	CU_ASSERT_PTR_NULL(strstr(e.msg, "kaana-wrong-key-000"));
	CU_ASSERT_PTR_NULL(strstr(e.msg, key));
	record_free(&r);
	/* 404 */
	profile_set(prof, "api_key", key);
	record_init(&r);
	CU_ASSERT_FALSE(get_org("99999", &r, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_NOT_FOUND);
	record_free(&r);
	free(key);
	stop();
}
