/* The outbox against a real orgdeck-sim (port 0): every op kind for ClinchPad and Kaana and
 * an update for Quorum, HighQ and QuestionPro, each checked on the simulator's state over
 * HTTP (the driver's own GET through vexec); conflicts found and resolved both ways;
 * the vendor's refusal kept as the op's message; injected 500s and resets retried. */
#include "model/fetch.h"
#include "model/model.h"
#include "model/outbox.h"
#include "net/loop.h"
#include "net/xalloc.h"
#include "tests/support/simproc.h"
#include "tests/support/thttp.h"
#include "tests/support/tsuite.h"
#include "tests/support/vexec.h"

#include <stdio.h>
#include <string.h>

struct env {
	struct simproc sp;
	struct model *m;
	char *db;
};

static void env_start(struct env *e, const char *dialects, const char *const *extra)
{
	const char *args[16] = {"--orgs", "30", "--dialects", dialects};
	int n = 4;
	for (int i = 0; extra && extra[i] && n < 15; i++)
		args[n++] = extra[i];
	args[n] = NULL;
	CU_ASSERT_FATAL(simproc_start(&e->sp, args) == 0);
	char *dir = tsuite_tmpdir();
	e->db = xasprintf("%s/orgdeck.db", dir);
	free(dir);
	struct model_opts o = {.config_path = e->sp.config_path, .db_path = e->db};
	char err[512] = "";
	e->m = model_open(&o, err, sizeof err);
	if (!e->m)
		fprintf(stderr, "model_open: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e->m);
}

static void env_stop(struct env *e)
{
	model_close(e->m);
	free(e->db);
	simproc_stop(&e->sp);
}

static void run_until_idle(struct model *m)
{
	int64_t end = loop_now_ms() + 20000;
	while (loop_now_ms() < end) {
		loop_run_once(m->loop, 50);
		if (outbox_idle(m) && !fetch_busy(m, "members", NULL) &&
		    !fetch_busy(m, "record", NULL) && !fetch_busy(m, "contacts", NULL))
			return;
	}
	CU_FAIL("the outbox did not settle in 20 s");
}

/* Switches to profile and syncs its list; returns the id of the row at position pos. */
static char *synced_id(struct model *m, const char *profile, long pos)
{
	CU_ASSERT_FATAL(model_use_profile(m, profile));
	model_refresh(m);
	int64_t end = loop_now_ms() + 20000;
	struct store_query q = {.profile = profile, .sort_col = -1};
	while (loop_now_ms() < end && store_count(m->store, &q, pos + 1) <= pos)
		loop_run_once(m->loop, 50);
	run_until_idle(m);
	struct store_row row;
	CU_ASSERT_FATAL(store_window(m->store, &q, pos, 1, &row) == 1);
	char *id = xstrdup(row.id);
	store_rows_free(&row, 1);
	return id;
}

/* The simulator's copy of an organization, read through the driver; false on 404. */
static bool server_copy(struct model *m, const char *profile, const char *id, struct record *out)
{
	const struct profile *p = config_profile(&m->cfg, profile);
	struct vreq rq;
	CU_ASSERT_FATAL(p->vendor->get_req(p, id, &rq));
	struct thttp http;
	struct vresp rs = vexec(&rq, &http);
	vreq_free(&rq);
	record_init(out);
	struct verr err = {0};
	bool ok = rs.status == 200 && p->vendor->record_parse(p, &rs, out, &err);
	thttp_free(&http);
	return ok;
}

static struct op get_op(struct model *m, int64_t id)
{
	struct op op;
	memset(&op, 0, sizeof op);
	CU_ASSERT(outbox_get(m, id, &op));
	return op;
}

static enum op_state state_of(struct model *m, int64_t id)
{
	struct op op = get_op(m, id);
	enum op_state s = op.state;
	op_free(&op);
	return s;
}

static int64_t set_one(struct model *m, const char *profile, const char *id, const char *key,
		       const char *value)
{
	struct record c;
	record_init(&c);
	record_set(&c, key, value);
	int64_t op = outbox_update(m, profile, id, &c);
	record_free(&c);
	CU_ASSERT(op > 0);
	return op;
}

static void assert_server_value(struct model *m, const char *profile, const char *id,
				const char *key, const char *want)
{
	struct record r;
	CU_ASSERT_FATAL(server_copy(m, profile, id, &r));
	const char *v = record_get(&r, key);
	CU_ASSERT_STRING_EQUAL_NN(v, want);
	if (!v || strcmp(v, want))
		fprintf(stderr, "%s %s: %s is %s, want %s\n", profile, id, key, v ? v : "(null)",
			want);
	record_free(&r);
}

#define CF_TIER "cf:531ed3a49a21f6e90b00000f"

TEST(integration_outbox, clinchpad_update_create_duplicate_delete)
{
	struct env e;
	env_start(&e, "clinchpad", NULL);
	char *id = synced_id(e.m, "clinchpad-demo", 0);
	struct record c;
	record_init(&c);
	record_set(&c, "name", "Outbox Renamed");
	record_set(&c, CF_TIER, "Platinum");
	int64_t up = outbox_update(e.m, NULL, id, &c);
	record_free(&c);
	CU_ASSERT_FATAL(up > 0);
	run_until_idle(e.m);
	CU_ASSERT_EQUAL(state_of(e.m, up), OPS_DONE);
	CU_ASSERT_EQUAL(state_of(e.m, up + 1), OPS_DONE); /* the custom field's own op */
	assert_server_value(e.m, "clinchpad-demo", id, "name", "Outbox Renamed");
	assert_server_value(e.m, "clinchpad-demo", id, CF_TIER, "Platinum");

	struct record v;
	record_init(&v);
	record_set(&v, "name", "Made By Outbox");
	record_set(&v, "email", "made@outbox.test");
	int64_t cr = outbox_create(e.m, NULL, &v);
	record_free(&v);
	CU_ASSERT_FATAL(cr > 0);
	struct op op = get_op(e.m, cr);
	CU_ASSERT(op.target && !strncmp(op.target, "new:", 4)); /* the placeholder row */
	op_free(&op);
	run_until_idle(e.m);
	op = get_op(e.m, cr);
	CU_ASSERT_EQUAL_FATAL(op.state, OPS_DONE);
	char *made = xstrdup(op.target);
	op_free(&op);
	CU_ASSERT_EQUAL(strlen(made), 24);
	assert_server_value(e.m, "clinchpad-demo", made, "email", "made@outbox.test");

	int64_t dup = outbox_duplicate(e.m, NULL, id);
	CU_ASSERT_FATAL(dup > 0);
	run_until_idle(e.m);
	op = get_op(e.m, dup);
	CU_ASSERT_EQUAL(op.state, OPS_DONE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(op.changes.id);
	struct record copy;
	CU_ASSERT_FATAL(server_copy(e.m, "clinchpad-demo", op.changes.id, &copy));
	CU_ASSERT_STRING_EQUAL(copy.name, "Copy of Outbox Renamed");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&copy, CF_TIER), "Platinum"); /* set after create */
	record_free(&copy);
	op_free(&op);

	int64_t del = outbox_delete(e.m, NULL, made);
	run_until_idle(e.m);
	CU_ASSERT_EQUAL(state_of(e.m, del), OPS_DONE);
	struct record gone;
	CU_ASSERT_FALSE(server_copy(e.m, "clinchpad-demo", made, &gone));
	record_free(&gone);
	struct record cached;
	CU_ASSERT_FALSE(store_get_record(e.m->store, "clinchpad-demo", made, &cached));
	free(made);
	free(id);
	env_stop(&e);
}

static bool has_member(struct model *m, const char *org, const char *contact, const char *role)
{
	const struct profile *p = config_profile(&m->cfg, "kaana-demo");
	char *url = xasprintf("%s/organizations/%s/members", p->base_url, org);
	char *auth = xasprintf("Authorization: Bearer %s", profile_get(p, "api_key"));
	const char *hdrs[] = {auth, NULL};
	struct thttp r;
	thttp_do("GET", url, hdrs, NULL, NULL, &r);
	bool found = false;
	const cJSON *mem;
	cJSON_ArrayForEach(mem, r.json)
	{
		const cJSON *cid = cJSON_GetObjectItem(mem, "contactId");
		char s[32];
		snprintf(s, sizeof s, "%.0f", cJSON_GetNumberValue(cid));
		const char *rl = cJSON_GetStringValue(cJSON_GetObjectItem(mem, "role"));
		if (!strcmp(s, contact) && (!role || (rl && !strcmp(rl, role))))
			found = true;
	}
	thttp_free(&r);
	free(url);
	free(auth);
	return found;
}

TEST(integration_outbox, kaana_every_op_kind)
{
	struct env e;
	env_start(&e, "kaana", NULL);
	char *id = synced_id(e.m, "kaana-demo", 2);
	int64_t up = set_one(e.m, NULL, id, "industry", "Cartography");
	int64_t cf = set_one(e.m, NULL, id, "cf:region", "north");
	run_until_idle(e.m);
	CU_ASSERT_EQUAL(state_of(e.m, up), OPS_DONE);
	/* the second edit was based on the version the first one replaced: not a conflict */
	CU_ASSERT_EQUAL(state_of(e.m, cf), OPS_DONE);
	assert_server_value(e.m, "kaana-demo", id, "industry", "Cartography");
	assert_server_value(e.m, "kaana-demo", id, "cf:region", "north");

	struct record v;
	record_init(&v);
	record_set(&v, "name", "Kaana Outbox");
	record_set(&v, "type", "partner");
	int64_t cr = outbox_create(e.m, NULL, &v);
	record_free(&v);
	int64_t dup = outbox_duplicate(e.m, NULL, id);
	run_until_idle(e.m);
	struct op op = get_op(e.m, cr);
	CU_ASSERT_EQUAL_FATAL(op.state, OPS_DONE);
	char *made = xstrdup(op.target);
	op_free(&op);
	assert_server_value(e.m, "kaana-demo", made, "type", "partner");
	op = get_op(e.m, dup);
	CU_ASSERT_EQUAL(op.state, OPS_DONE);
	CU_ASSERT_PTR_NOT_NULL(op.message && strstr(op.message, "copied to "));
	if (op.message && strstr(op.message, "copied to "))
		assert_server_value(e.m, "kaana-demo", strstr(op.message, "copied to ") + 10,
				    "industry", "Cartography");
	op_free(&op);

	/* members: names come from the contacts list, not "Contact N" */
	fetch_members(e.m, NULL, id);
	run_until_idle(e.m);
	struct record_list l = {0};
	store_get_members(e.m->store, "kaana-demo", id, &l);
	char contact[32] = "";
	for (int c = 1; c <= 250 && !contact[0]; c++) {
		snprintf(contact, sizeof contact, "%d", c);
		for (size_t i = 0; i < l.n; i++)
			if (!strcmp(l.items[i].id, contact))
				contact[0] = '\0';
	}
	if (l.n) {
		char placeholder[64];
		snprintf(placeholder, sizeof placeholder, "Contact %s", l.items[0].id);
		CU_ASSERT_STRING_NOT_EQUAL(l.items[0].name, placeholder);
	}
	record_list_free(&l);
	int64_t add = outbox_member_add(e.m, NULL, id, contact, "stakeholder");
	run_until_idle(e.m);
	CU_ASSERT_EQUAL(state_of(e.m, add), OPS_DONE);
	CU_ASSERT(has_member(e.m, id, contact, "stakeholder"));
	int64_t role = outbox_member_role(e.m, NULL, id, contact, "technical_lead");
	run_until_idle(e.m);
	CU_ASSERT_EQUAL(state_of(e.m, role), OPS_DONE);
	CU_ASSERT(has_member(e.m, id, contact, "technical_lead"));
	/* undo of the role change queues the old role back */
	int64_t undo = outbox_undo(e.m, NULL);
	CU_ASSERT_FATAL(undo > 0);
	op = get_op(e.m, undo);
	CU_ASSERT_EQUAL(op.kind, OP_MEMBER_ROLE);
	CU_ASSERT_STRING_EQUAL_NN(op.role, "stakeholder");
	op_free(&op);
	run_until_idle(e.m);
	CU_ASSERT(has_member(e.m, id, contact, "stakeholder"));
	int64_t rm = outbox_member_remove(e.m, NULL, id, contact);
	run_until_idle(e.m);
	CU_ASSERT_EQUAL(state_of(e.m, rm), OPS_DONE);
	CU_ASSERT_FALSE(has_member(e.m, id, contact, NULL));

	int64_t del = outbox_delete(e.m, NULL, made);
	run_until_idle(e.m);
	CU_ASSERT_EQUAL(state_of(e.m, del), OPS_DONE);
	struct record gone;
	CU_ASSERT_FALSE(server_copy(e.m, "kaana-demo", made, &gone));
	record_free(&gone);
	free(made);
	free(id);
	env_stop(&e);
}

TEST(integration_outbox, kaana_member_key_delete_fails_with_the_role_sentence)
{
	struct env e;
	env_start(&e, "kaana", NULL);
	char *id = synced_id(e.m, "kaana-member", 0);
	int64_t del = outbox_delete(e.m, NULL, id);
	CU_ASSERT_FATAL(del > 0);
	run_until_idle(e.m);
	struct op op = get_op(e.m, del);
	CU_ASSERT_EQUAL(op.state, OPS_FAILED);
	CU_ASSERT_STRING_EQUAL_NN(op.message, "Kaana: your key's role may not create, duplicate or "
					      "delete organizations (needs consultant or admin)");
	op_free(&op);
	struct record still;
	CU_ASSERT(server_copy(e.m, "kaana-member", id, &still));
	record_free(&still);
	/* the refused delete left the cached row in place, unmarked */
	CU_ASSERT(store_get_record(e.m->store, "kaana-member", id, &still));
	record_free(&still);
	CU_ASSERT(outbox_cancel(e.m, del));
	free(id);
	env_stop(&e);
}

/* HighQ's OAuth code flow, as a person would do it in a browser. */
static void highq_sign_in(struct model *m)
{
	struct profile *p = config_profile(&m->cfg, "highq-demo");
	char *url = p->vendor->oauth_authorize_url(p);
	struct thttp http;
	thttp_do("GET", url, NULL, NULL, NULL, &http);
	free(url);
	char *loc = thttp_header(&http, "Location");
	thttp_free(&http);
	CU_ASSERT_PTR_NOT_NULL_FATAL(loc);
	const char *c = strstr(loc, "code=");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	char *code = xstrndup(c + 5, strcspn(c + 5, "&"));
	free(loc);
	struct vreq rq;
	CU_ASSERT_FATAL(p->vendor->oauth_token_req(p, code, NULL, &rq));
	free(code);
	struct vresp rs = vexec(&rq, &http);
	vreq_free(&rq);
	char *access = NULL, *refresh = NULL;
	long exp = 0;
	struct verr err = {0};
	CU_ASSERT_FATAL(p->vendor->oauth_token_parse(&rs, &access, &refresh, &exp, &err));
	profile_set(p, "access_token", access);
	free(access);
	free(refresh);
	thttp_free(&http);
}

TEST(integration_outbox, quorum_highq_questionpro_update)
{
	struct env e;
	env_start(&e, "quorum,highq,questionpro", NULL);
	highq_sign_in(e.m);
	static const char *const profiles[] = {"quorum-demo", "highq-demo", "questionpro-demo"};
	for (int i = 0; i < 3; i++) {
		char *id = synced_id(e.m, profiles[i], 0);
		char name[64];
		snprintf(name, sizeof name, "Outbox %s", profiles[i]);
		int64_t op = set_one(e.m, NULL, id, "name", name);
		run_until_idle(e.m);
		struct op o = get_op(e.m, op);
		CU_ASSERT_EQUAL(o.state, OPS_DONE);
		if (o.state != OPS_DONE)
			fprintf(stderr, "%s: %s\n", profiles[i], o.message ? o.message : "");
		op_free(&o);
		assert_server_value(e.m, profiles[i], id, "name", name);
		free(id);
	}
	/* HighQ replaces the whole record: a status edit keeps the other fields */
	char *id = synced_id(e.m, "highq-demo", 1);
	struct record before;
	CU_ASSERT_FATAL(server_copy(e.m, "highq-demo", id, &before));
	const char *want =
	    strcmp(record_get(&before, "status") ? record_get(&before, "status") : "", "archive")
		? "archive"
		: "active";
	set_one(e.m, NULL, id, "status", want);
	run_until_idle(e.m);
	assert_server_value(e.m, "highq-demo", id, "status", want);
	if (record_get(&before, "orgindustryid"))
		assert_server_value(e.m, "highq-demo", id, "orgindustryid",
				    record_get(&before, "orgindustryid"));
	record_free(&before);
	free(id);
	env_stop(&e);
}

/* Changes the record behind orgdeck's back, as another admin would. */
static void change_elsewhere(struct model *m, const char *profile, const char *id, const char *key,
			     const char *value)
{
	const struct profile *p = config_profile(&m->cfg, profile);
	struct record base, c;
	CU_ASSERT_FATAL(server_copy(m, profile, id, &base));
	record_init(&c);
	record_set(&c, key, value);
	struct vreq rq;
	CU_ASSERT_FATAL(p->vendor->update_req(p, &base, &c, &rq));
	struct thttp http;
	struct vresp rs = vexec(&rq, &http);
	CU_ASSERT_EQUAL(rs.status, 200);
	vreq_free(&rq);
	thttp_free(&http);
	record_free(&base);
	record_free(&c);
}

TEST(integration_outbox, clinchpad_conflict_on_changed_field_resolved_both_ways)
{
	struct env e;
	env_start(&e, "clinchpad", NULL);
	char *id = synced_id(e.m, "clinchpad-demo", 3);
	/* queued, not sent: the loop has not run since */
	int64_t op = set_one(e.m, NULL, id, "phone", "+1 555 0100");
	change_elsewhere(e.m, "clinchpad-demo", id, "phone", "+44 20 7946 0000");
	run_until_idle(e.m);
	struct op o = get_op(e.m, op);
	CU_ASSERT_EQUAL_FATAL(o.state, OPS_CONFLICT);
	CU_ASSERT_PTR_NOT_NULL(o.message && strstr(o.message, "changed elsewhere"));
	op_free(&o);
	struct record theirs;
	CU_ASSERT_FATAL(outbox_theirs(e.m, op, &theirs));
	CU_ASSERT_STRING_EQUAL_NN(record_get(&theirs, "phone"), "+44 20 7946 0000");
	record_free(&theirs);
	/* the store shows theirs while the conflict waits */
	struct record cached;
	CU_ASSERT_FATAL(store_get_record(e.m->store, "clinchpad-demo", id, &cached));
	CU_ASSERT_STRING_EQUAL_NN(record_get(&cached, "phone"), "+44 20 7946 0000");
	record_free(&cached);
	/* keep mine */
	CU_ASSERT(outbox_resolve(e.m, op, RESOLVE_MINE, NULL));
	run_until_idle(e.m);
	CU_ASSERT_EQUAL(state_of(e.m, op), OPS_DONE);
	assert_server_value(e.m, "clinchpad-demo", id, "phone", "+1 555 0100");

	/* again, and take theirs this time */
	int64_t op2 = set_one(e.m, NULL, id, "phone", "+1 555 0199");
	change_elsewhere(e.m, "clinchpad-demo", id, "phone", "+33 1 00 00 00 00");
	run_until_idle(e.m);
	CU_ASSERT_EQUAL_FATAL(state_of(e.m, op2), OPS_CONFLICT);
	CU_ASSERT(outbox_resolve(e.m, op2, RESOLVE_THEIRS, NULL));
	CU_ASSERT_EQUAL(state_of(e.m, op2), OPS_CANCELLED);
	run_until_idle(e.m);
	assert_server_value(e.m, "clinchpad-demo", id, "phone", "+33 1 00 00 00 00");
	CU_ASSERT_FATAL(store_get_record(e.m->store, "clinchpad-demo", id, &cached));
	CU_ASSERT_STRING_EQUAL_NN(record_get(&cached, "phone"), "+33 1 00 00 00 00");
	record_free(&cached);
	free(id);
	env_stop(&e);
}

TEST(integration_outbox, kaana_conflict_on_version_resolved_by_merge)
{
	struct env e;
	env_start(&e, "kaana", NULL);
	char *id = synced_id(e.m, "kaana-demo", 4);
	int64_t op = set_one(e.m, NULL, id, "industry", "Mine");
	/* a change to another field moves updatedAt: the version says it changed */
	change_elsewhere(e.m, "kaana-demo", id, "website", "https://elsewhere.test");
	run_until_idle(e.m);
	struct op o = get_op(e.m, op);
	CU_ASSERT_EQUAL_FATAL(o.state, OPS_CONFLICT);
	CU_ASSERT_PTR_NOT_NULL(o.message && strstr(o.message, "updated "));
	op_free(&o);
	struct record merged;
	record_init(&merged);
	record_set(&merged, "industry", "Merged");
	CU_ASSERT_FALSE(outbox_resolve(e.m, op, RESOLVE_MERGE, NULL));
	CU_ASSERT(outbox_resolve(e.m, op, RESOLVE_MERGE, &merged));
	record_free(&merged);
	run_until_idle(e.m);
	CU_ASSERT_EQUAL(state_of(e.m, op), OPS_DONE);
	assert_server_value(e.m, "kaana-demo", id, "industry", "Merged");
	assert_server_value(e.m, "kaana-demo", id, "website", "https://elsewhere.test");
	free(id);
	env_stop(&e);
}

TEST(integration_outbox, injected_500s_and_resets_are_retried_for_idempotent_ops)
{
	struct env e;
	const char *const extra[] = {
	    "--faults", "500=0.25,reset=0.05", "--seed", "7", "--log", NULL, NULL};
	char *dir = tsuite_tmpdir();
	char *log = xasprintf("%s/sim.log", dir);
	free(dir);
	const char *args[7];
	memcpy(args, extra, sizeof args);
	args[5] = log;
	env_start(&e, "clinchpad", args);
	/* ids straight from the simulator: no cached copy, so each op is one PUT */
	const struct profile *p = config_profile(&e.m->cfg, "clinchpad-demo");
	char *url = xasprintf("%s/organizations?page=1&size=100", p->base_url);
	struct thttp r;
	int tries = 0;
	do
		thttp_do("GET", url, NULL, "api-key:cp-demo-4b1d9e7a2c", NULL, &r);
	while (r.status != 200 && ++tries < 20 && (thttp_free(&r), 1));
	free(url);
	int64_t ops[8];
	int n = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, r.json)
	{
		if (n == 8)
			break;
		char v[32];
		snprintf(v, sizeof v, "retry-%d@example.test", n);
		ops[n] = set_one(e.m, "clinchpad-demo",
				 cJSON_GetStringValue(cJSON_GetObjectItem(o, "_id")), "email", v);
		n++;
	}
	thttp_free(&r);
	CU_ASSERT_FATAL(n == 8);
	run_until_idle(e.m);
	for (int i = 0; i < n; i++)
		CU_ASSERT_EQUAL(state_of(e.m, ops[i]), OPS_DONE);
	FILE *f = fopen(log, "r");
	char line[512];
	int faulted = 0;
	while (f && fgets(line, sizeof line, f))
		faulted += !strncmp(line, "PUT ", 4) && strstr(line, "fault=") != NULL;
	if (f)
		fclose(f);
	CU_ASSERT(faulted > 0);
	free(log);
	env_stop(&e);
}
