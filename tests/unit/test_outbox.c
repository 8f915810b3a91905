/* The outbox on real SQLite files: the state machine (legal and refused moves), the
 * optimistic copy and its markers, crash replay, read-only refusal, and, against a real
 * orgdeck-sim where something must be sent, journal rows, export and undo. */
#include "model/model.h"
#include "model/outbox.h"
#include "net/loop.h"
#include "net/xalloc.h"
#include "tests/support/simproc.h"
#include "tests/support/tsuite.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A config with one ClinchPad profile at base (a closed port when nothing is to be sent). */
static char *write_config(const char *dir, const char *base, bool readonly)
{
	char *path = xasprintf("%s/config.ini", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FILE *f = fdopen(fd, "w");
	fprintf(f,
		"[profile cp]\nvendor = clinchpad\nbase_url = %s\napi_key = cp-demo-4b1d9e7a2c\n%s",
		base, readonly ? "readonly = yes\n" : "");
	fclose(f);
	return path;
}

struct fixture {
	char *dir, *config, *db;
	struct model *m;
};

static struct model *reopen(struct fixture *fx, bool readonly)
{
	struct model_opts o = {.config_path = fx->config, .db_path = fx->db, .readonly = readonly};
	char err[512] = "";
	fx->m = model_open(&o, err, sizeof err);
	if (!fx->m)
		fprintf(stderr, "model_open: %s\n", err);
	return fx->m;
}

static void setup(struct fixture *fx, const char *base, bool profile_readonly)
{
	fx->dir = tsuite_tmpdir();
	fx->config = write_config(fx->dir, base ? base : "http://127.0.0.1:1/clinchpad/api/v1",
				  profile_readonly);
	fx->db = xasprintf("%s/orgdeck.db", fx->dir);
	reopen(fx, false);
}

static void teardown(struct fixture *fx)
{
	model_close(fx->m);
	free(fx->dir);
	free(fx->config);
	free(fx->db);
}

/* A cached organization, as a sync would have left it. */
static void cache_org(struct model *m, const char *id, const char *name, const char *email)
{
	struct record r;
	record_init(&r);
	r.id = xstrdup(id);
	r.name = xstrdup(name);
	record_set(&r, "name", name);
	record_set(&r, "email", email);
	const char *keys[STORE_COLS - 1];
	model_colkeys(m->profile, keys);
	CU_ASSERT(store_put_record(m->store, "cp", &r, keys, 1));
	record_free(&r);
}

static int row_state(struct model *m, const char *id)
{
	struct store_query q = {.profile = "cp", .sort_col = -1};
	struct store_row rows[16];
	int n = store_window(m->store, &q, 0, 16, rows);
	int st = -1;
	for (int i = 0; i < n; i++)
		if (!strcmp(rows[i].id, id))
			st = rows[i].state;
	store_rows_free(rows, n);
	return st;
}

static void force_state(struct model *m, int64_t id, const char *state)
{
	sqlite3_stmt *q;
	sqlite3_prepare_v2(store_db(m->store), "UPDATE op SET state=?1 WHERE id=?2", -1, &q, NULL);
	sqlite3_bind_text(q, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, id);
	CU_ASSERT(sqlite3_step(q) == SQLITE_DONE);
	sqlite3_finalize(q);
}

static enum op_state state_of(struct model *m, int64_t id)
{
	struct op op;
	CU_ASSERT_FATAL(outbox_get(m, id, &op));
	enum op_state s = op.state;
	op_free(&op);
	return s;
}

static int64_t queue_name(struct model *m, const char *id, const char *name)
{
	struct record c;
	record_init(&c);
	record_set(&c, "name", name);
	int64_t op = outbox_update(m, "cp", id, &c);
	record_free(&c);
	return op;
}

TEST(outbox, state_machine_allows_only_the_documented_moves)
{
	CU_ASSERT(op_state_allowed(OPS_PENDING, OPS_SENDING));
	CU_ASSERT(op_state_allowed(OPS_PENDING, OPS_CANCELLED));
	CU_ASSERT(op_state_allowed(OPS_SENDING, OPS_DONE));
	CU_ASSERT(op_state_allowed(OPS_SENDING, OPS_FAILED));
	CU_ASSERT(op_state_allowed(OPS_SENDING, OPS_CONFLICT));
	CU_ASSERT(op_state_allowed(OPS_SENDING, OPS_UNCERTAIN));
	CU_ASSERT(op_state_allowed(OPS_FAILED, OPS_PENDING));
	CU_ASSERT(op_state_allowed(OPS_CONFLICT, OPS_CANCELLED));
	CU_ASSERT(op_state_allowed(OPS_UNCERTAIN, OPS_DONE));
	CU_ASSERT_FALSE(op_state_allowed(OPS_PENDING, OPS_DONE));
	CU_ASSERT_FALSE(op_state_allowed(OPS_SENDING, OPS_CANCELLED));
	CU_ASSERT_FALSE(op_state_allowed(OPS_FAILED, OPS_DONE));
	CU_ASSERT_FALSE(op_state_allowed(OPS_CONFLICT, OPS_DONE));
	for (int s = 0; s < OPS_COUNT; s++) {
		CU_ASSERT_FALSE(op_state_allowed(OPS_DONE, (enum op_state)s));
		CU_ASSERT_FALSE(op_state_allowed(OPS_CANCELLED, (enum op_state)s));
	}
}

TEST(outbox, update_is_durable_pending_and_optimistic_at_once)
{
	struct fixture fx;
	setup(&fx, NULL, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx.m);
	cache_org(fx.m, "a1", "Acme", "a@acme.test");
	int64_t id = queue_name(fx.m, "a1", "Acme Two");
	CU_ASSERT_FATAL(id > 0);
	CU_ASSERT_EQUAL(state_of(fx.m, id), OPS_PENDING);
	CU_ASSERT_EQUAL(outbox_pending_count(fx.m), 1);
	CU_ASSERT_EQUAL(row_state(fx.m, "a1"), 1);
	struct record r;
	CU_ASSERT_FATAL(store_get_record(fx.m->store, "cp", "a1", &r));
	CU_ASSERT_STRING_EQUAL(r.name, "Acme Two");
	record_free(&r);
	struct op op;
	CU_ASSERT_FATAL(outbox_get(fx.m, id, &op));
	CU_ASSERT_EQUAL(op.kind, OP_UPDATE);
	CU_ASSERT_STRING_EQUAL(op.base.name, "Acme");
	CU_ASSERT_EQUAL(op.changes.nfields, 1);
	CU_ASSERT_STRING_EQUAL(record_get(&op.changes, "name"), "Acme Two");
	op_free(&op);
	/* The op is on disk before anything was sent: another process sees it. */
	sqlite3 *db;
	CU_ASSERT_FATAL(sqlite3_open_v2(fx.db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	sqlite3_stmt *q;
	sqlite3_prepare_v2(db, "SELECT state FROM op WHERE id=?1", -1, &q, NULL);
	sqlite3_bind_int64(q, 1, id);
	CU_ASSERT(sqlite3_step(q) == SQLITE_ROW);
	CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(q, 0), "pending");
	sqlite3_finalize(q);
	sqlite3_close(db);
	teardown(&fx);
}

TEST(outbox, row_markers_follow_op_states)
{
	struct fixture fx;
	setup(&fx, NULL, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx.m);
	cache_org(fx.m, "a1", "Acme", NULL);
	int64_t id = queue_name(fx.m, "a1", "X");
	static const struct {
		const char *state;
		int marker;
	} map[] = {{"sending", 1},  {"failed", 2}, {"uncertain", 2},
		   {"conflict", 3}, {"done", 0},   {"cancelled", 0}};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
		force_state(fx.m, id, map[i].state);
		CU_ASSERT_EQUAL(row_state(fx.m, "a1"), map[i].marker);
	}
	teardown(&fx);
}

TEST(outbox, cancel_rolls_back_and_illegal_moves_are_refused)
{
	struct fixture fx;
	setup(&fx, NULL, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx.m);
	cache_org(fx.m, "a1", "Acme", NULL);
	int64_t id = queue_name(fx.m, "a1", "Renamed");
	CU_ASSERT_FALSE(outbox_retry(fx.m, id)); /* pending is not failed */
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.m->error, "only a failed op is retried"));
	CU_ASSERT_FALSE(outbox_resolve(fx.m, id, RESOLVE_MINE, NULL));
	CU_ASSERT(outbox_cancel(fx.m, id));
	CU_ASSERT_EQUAL(state_of(fx.m, id), OPS_CANCELLED);
	struct record r;
	CU_ASSERT_FATAL(store_get_record(fx.m->store, "cp", "a1", &r));
	CU_ASSERT_STRING_EQUAL(r.name, "Acme");
	record_free(&r);
	CU_ASSERT_EQUAL(row_state(fx.m, "a1"), 0);
	CU_ASSERT_FALSE(outbox_cancel(fx.m, id)); /* cancelled is final */
	CU_ASSERT_FALSE(outbox_retry(fx.m, id));
	/* failed -> pending by retry; done is final */
	int64_t id2 = queue_name(fx.m, "a1", "Again");
	force_state(fx.m, id2, "failed");
	CU_ASSERT(outbox_retry(fx.m, id2));
	CU_ASSERT_EQUAL(state_of(fx.m, id2), OPS_PENDING);
	force_state(fx.m, id2, "done");
	CU_ASSERT_FALSE(outbox_cancel(fx.m, id2));
	CU_ASSERT_FALSE(outbox_resolve(fx.m, id2, RESOLVE_THEIRS, NULL));
	teardown(&fx);
}

TEST(outbox, readonly_mode_and_readonly_profile_refuse_every_write)
{
	struct fixture fx;
	setup(&fx, NULL, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx.m);
	cache_org(fx.m, "a1", "Acme", NULL);
	model_close(fx.m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reopen(&fx, true));
	CU_ASSERT_EQUAL(queue_name(fx.m, "a1", "No"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.m->error, "read-only"));
	struct record v;
	record_init(&v);
	record_set(&v, "name", "New");
	CU_ASSERT_EQUAL(outbox_create(fx.m, "cp", &v), -1);
	CU_ASSERT_EQUAL(outbox_delete(fx.m, "cp", "a1"), -1);
	CU_ASSERT_EQUAL(outbox_duplicate(fx.m, "cp", "a1"), -1);
	CU_ASSERT_EQUAL(outbox_undo(fx.m, "cp"), -1);
	CU_ASSERT_EQUAL(outbox_pending_count(fx.m), 0);
	model_close(fx.m);
	free(fx.config);
	fx.config = write_config(fx.dir, "http://127.0.0.1:1/clinchpad/api/v1", true);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reopen(&fx, false));
	CU_ASSERT_FALSE(model_write_allowed(fx.m, "cp"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.m->error, "profile cp is read-only"));
	CU_ASSERT_EQUAL(outbox_create(fx.m, "cp", &v), -1);
	record_free(&v);
	teardown(&fx);
}

TEST(outbox, unknown_fields_and_missing_capabilities_are_refused)
{
	struct fixture fx;
	setup(&fx, NULL, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx.m);
	struct record c;
	record_init(&c);
	record_set(&c, "contacts", "3"); /* read-only in the schema */
	CU_ASSERT_EQUAL(outbox_update(fx.m, "cp", "a1", &c), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.m->error, "not a field you can change"));
	record_free(&c);
	CU_ASSERT_EQUAL(outbox_member_add(fx.m, "cp", "a1", "c1", "x"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.m->error, "ClinchPad cannot add members"));
	teardown(&fx);
}

TEST(outbox, custom_fields_become_one_field_op_each)
{
	struct fixture fx;
	setup(&fx, NULL, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx.m);
	cache_org(fx.m, "a1", "Acme", NULL);
	struct record c;
	record_init(&c);
	record_set(&c, "email", "x@acme.test");
	record_set(&c, "cf:f1", "Gold");
	record_set(&c, "cf:f2", "July");
	int64_t first = outbox_update(fx.m, "cp", "a1", &c);
	record_free(&c);
	CU_ASSERT_FATAL(first > 0);
	struct op *ops;
	size_t n = outbox_ops(fx.m, "cp", 10, &ops);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(ops[2].kind, OP_UPDATE); /* newest first */
	CU_ASSERT_EQUAL(ops[1].kind, OP_FIELD);
	CU_ASSERT_STRING_EQUAL(ops[1].changes.fields[0].key, "cf:f1");
	CU_ASSERT_EQUAL(ops[0].kind, OP_FIELD);
	CU_ASSERT_EQUAL(ops[0].changes.nfields, 1);
	outbox_ops_free(ops, n);
	teardown(&fx);
}

TEST(outbox, replay_after_a_crash_flags_creates_uncertain_and_resends_updates)
{
	struct fixture fx;
	setup(&fx, NULL, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx.m);
	cache_org(fx.m, "a1", "Acme", NULL);
	struct record v;
	record_init(&v);
	record_set(&v, "name", "Brand New");
	int64_t create = outbox_create(fx.m, "cp", &v);
	record_free(&v);
	int64_t update = queue_name(fx.m, "a1", "Renamed");
	int64_t pending = queue_name(fx.m, "a1", "Later");
	/* What a kill -9 mid-flight leaves on disk. */
	force_state(fx.m, create, "sending");
	force_state(fx.m, update, "sending");
	model_close(fx.m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reopen(&fx, false));
	struct op op;
	CU_ASSERT_FATAL(outbox_get(fx.m, create, &op));
	CU_ASSERT_EQUAL(op.state, OPS_UNCERTAIN);
	CU_ASSERT_PTR_NOT_NULL(op.message && strstr(op.message, "may have reached"));
	op_free(&op);
	CU_ASSERT_EQUAL(state_of(fx.m, update), OPS_PENDING);
	CU_ASSERT_EQUAL(state_of(fx.m, pending), OPS_PENDING);
	long c[OPS_COUNT];
	outbox_counts(fx.m, outbox_opened_at(fx.m), c);
	CU_ASSERT_EQUAL(c[OPS_UNCERTAIN], 1);
	CU_ASSERT_EQUAL(c[OPS_PENDING], 1); /* the replayed update; the other never moved */
	CU_ASSERT_EQUAL(outbox_pending_count(fx.m), 2);
	/* Uncertain: the user marks it applied (done, journaled) */
	CU_ASSERT(outbox_resolve(fx.m, create, RESOLVE_THEIRS, NULL));
	CU_ASSERT_EQUAL(state_of(fx.m, create), OPS_DONE);
	teardown(&fx);
}

static bool run_until_idle(struct model *m, long ms)
{
	int64_t end = loop_now_ms() + ms;
	while (loop_now_ms() < end) {
		loop_run_once(m->loop, 50);
		if (outbox_idle(m))
			return true;
	}
	return false;
}

TEST(outbox, journal_records_before_and_after_and_undo_queues_the_inverse)
{
	struct simproc sp;
	const char *const args[] = {"--orgs", "5", "--dialects", "clinchpad", NULL};
	CU_ASSERT_FATAL(simproc_start(&sp, args) == 0);
	char *base = xasprintf("%s/clinchpad/api/v1", sp.base);
	struct fixture fx;
	setup(&fx, base, false);
	free(base);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx.m);
	model_refresh(fx.m);
	struct store_query q = {.profile = "cp", .sort_col = -1};
	for (int i = 0; i < 100 && store_count(fx.m->store, &q, 10) < 5; i++)
		loop_run_once(fx.m->loop, 50);
	struct store_row row;
	CU_ASSERT_FATAL(store_window(fx.m->store, &q, 0, 1, &row) == 1);
	char *id = xstrdup(row.id), *old = xstrdup(row.cols[0]);
	store_rows_free(&row, 1);

	int64_t op = queue_name(fx.m, id, "Journaled Name");
	CU_ASSERT_FATAL(op > 0);
	CU_ASSERT_FATAL(run_until_idle(fx.m, 10000));
	CU_ASSERT_EQUAL(state_of(fx.m, op), OPS_DONE);

	char *path = xasprintf("%s/journal.json", fx.dir);
	FILE *f = fopen(path, "w+");
	CU_ASSERT_FATAL(journal_export(fx.m, "cp", "json", f));
	rewind(f);
	char line[2048] = "";
	CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof line, f));
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"kind\":\"update\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"after\":{\"name\":\"Journaled Name\"}"));
	char *before = xasprintf("\"before\":{\"name\":\"%s\"}", old);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, before));
	free(before);
	f = fopen(path, "w+");
	CU_ASSERT_FATAL(journal_export(fx.m, NULL, "csv", f));
	rewind(f);
	CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof line, f));
	CU_ASSERT_STRING_EQUAL(line, "at,profile,actor,kind,target,before,after\r\n");
	CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof line, f));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, ",update,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"{\"\"name\"\":\"\"Journaled Name\"\"}\""));
	fclose(f);
	free(path);
	CU_ASSERT_FALSE(journal_export(fx.m, NULL, "xml", stdout));

	int64_t undo = outbox_undo(fx.m, "cp");
	CU_ASSERT_FATAL(undo > 0);
	struct op u;
	CU_ASSERT_FATAL(outbox_get(fx.m, undo, &u));
	CU_ASSERT_EQUAL(u.kind, OP_UPDATE);
	CU_ASSERT_EQUAL(u.parent, op);
	CU_ASSERT_STRING_EQUAL(u.target, id);
	CU_ASSERT_STRING_EQUAL(record_get(&u.changes, "name"), old);
	op_free(&u);
	CU_ASSERT_FATAL(run_until_idle(fx.m, 10000));
	CU_ASSERT_EQUAL(state_of(fx.m, undo), OPS_DONE);
	struct record r;
	CU_ASSERT_FATAL(store_get_record(fx.m->store, "cp", id, &r));
	CU_ASSERT_STRING_EQUAL(r.name, old);
	record_free(&r);
	/* The undo is not itself undone, and the undone change is not undone twice. */
	CU_ASSERT_EQUAL(outbox_undo(fx.m, "cp"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.m->error, "nothing to undo"));
	free(id);
	free(old);
	teardown(&fx);
	simproc_stop(&sp);
}
