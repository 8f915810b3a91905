/* outbox: see outbox.h. The op table is the truth: an op's row is written (synchronously)
 * before anything leaves, and every state change is a guarded UPDATE (the row must still
 * be in the state the machine moves it from). A flight is the in-memory half of an op in
 * "sending": its loaded row, the profile, the request in flight and the phase it is in.
 * Ops run in id order, at most one per record at a time, a few per profile. */
#include "model/outbox.h"
#include "model/fetch.h"
#include "model/model.h"
#include "net/loop.h"
#include "net/xalloc.h"

#include <cjson/cJSON.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_FLIGHTS 8
#define PLACEHOLDER "new:"

enum phase {
	PH_CHECK,  /* GET of the record before an update: conflict / already applied */
	PH_SOURCE, /* GET of the source of a duplicate made as a create */
	PH_WRITE,  /* the op's own request */
	PH_FIELDS, /* custom fields of a duplicate, one request each */
};

struct flight {
	struct outbox *o;
	struct op op;
	const struct profile *p;
	enum phase phase;
	uint64_t req;
	struct record fresh; /* the server copy read in PH_CHECK / PH_SOURCE */
	bool have_fresh;
	struct flight *next;
};

struct outbox {
	struct model *m;
	sqlite3 *db;
	struct flight *flights;
	int inflight;
	uint64_t pump_timer;
	int batch;
	bool batch_ok;
	int64_t parent_next; /* parent recorded on the next op queued (undo) */
	int64_t opened_at;
	outbox_observer_fn observer;
	void *observer_arg;
};

static const char *const kind_names[] = {"create", "update",	 "delete",	  "duplicate",
					 "field",  "member_add", "member_remove", "member_role"};
static const char *const state_names[] = {"pending",  "sending",   "done",     "failed",
					  "conflict", "uncertain", "cancelled"};

const char *op_kind_name(enum op_kind k)
{
	return (unsigned)k < sizeof kind_names / sizeof *kind_names ? kind_names[k] : "?";
}

const char *op_state_name(enum op_state s)
{
	return (unsigned)s < sizeof state_names / sizeof *state_names ? state_names[s] : "?";
}

static int name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return 0;
}

bool op_state_allowed(enum op_state from, enum op_state to)
{
	switch (from) {
	case OPS_PENDING:
		return to == OPS_SENDING || to == OPS_CANCELLED;
	case OPS_SENDING:
		/* back to pending only on replay after a crash (idempotent ops) */
		return to == OPS_DONE || to == OPS_FAILED || to == OPS_CONFLICT ||
		       to == OPS_UNCERTAIN || to == OPS_PENDING;
	case OPS_FAILED:
	case OPS_CONFLICT:
		return to == OPS_PENDING || to == OPS_CANCELLED;
	case OPS_UNCERTAIN:
		return to == OPS_PENDING || to == OPS_DONE || to == OPS_CANCELLED;
	case OPS_DONE:
	case OPS_CANCELLED:
		return false;
	}
	return false;
}

/* Requests that leave the same result when sent twice: resent after a crash (once we
 * checked they did not land) and retried by net/ on 5xx and resets. */
static bool kind_idempotent(enum op_kind k)
{
	return k == OP_UPDATE || k == OP_FIELD || k == OP_DELETE || k == OP_MEMBER_REMOVE ||
	       k == OP_MEMBER_ROLE;
}

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- records as JSON (op payload, base, theirs) ---- */

static cJSON *fields_obj(const struct record *r)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < r->nfields; i++) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "k", r->fields[i].key);
		if (r->fields[i].label)
			cJSON_AddStringToObject(f, "l", r->fields[i].label);
		if (r->fields[i].value)
			cJSON_AddStringToObject(f, "v", r->fields[i].value);
		else
			cJSON_AddNullToObject(f, "v");
		cJSON_AddItemToArray(a, f);
	}
	return a;
}

static void add_opt(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
}

/* NULL for an empty record (no id, no name, no field): "no base". */
static char *rec_json(const struct record *r)
{
	if (!r || (!r->id && !r->name && !r->nfields))
		return NULL;
	cJSON *o = cJSON_CreateObject();
	add_opt(o, "id", r->id);
	add_opt(o, "name", r->name);
	add_opt(o, "version", r->version);
	add_opt(o, "raw", r->raw);
	cJSON_AddItemToObject(o, "fields", fields_obj(r));
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

static char *dup_str(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
	return s ? xstrdup(s) : NULL;
}

static void rec_from_json(struct record *r, const char *json)
{
	record_init(r);
	cJSON *o = json ? cJSON_Parse(json) : NULL;
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return;
	}
	r->id = dup_str(o, "id");
	r->name = dup_str(o, "name");
	r->version = dup_str(o, "version");
	r->raw = dup_str(o, "raw");
	const cJSON *f;
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(o, "fields"))
	{
		const char *k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "k"));
		const char *l = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "l"));
		const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "v"));
		if (k)
			record_set_labelled(r, k, l, v);
	}
	cJSON_Delete(o);
}

/* A record's value for key; "name" falls back to the record's display name. */
static const char *rec_value(const struct record *r, const char *key)
{
	const struct record_field *f = record_field(r, key);
	if (f)
		return f->value;
	return !strcmp(key, "name") ? r->name : NULL;
}

static bool rec_knows(const struct record *r, const char *key)
{
	return record_has(r, key) || (!strcmp(key, "name") && r->name);
}

/* Vendors write a cleared field as null or as "": both mean empty here. */
static bool same_value(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static void apply_changes(struct record *r, const struct record *changes)
{
	for (size_t i = 0; i < changes->nfields; i++) {
		const struct record_field *c = &changes->fields[i];
		record_set_labelled(r, c->key, c->label, c->value);
		if (!strcmp(c->key, "name") && c->value) {
			free(r->name);
			r->name = xstrdup(c->value);
		}
	}
}

/* ---- SQL ---- */

static bool sql(struct outbox *o, const char *s)
{
	return sqlite3_exec(o->db, s, NULL, NULL, NULL) == SQLITE_OK;
}

/* Outbox commits are synchronous=FULL (the WAL is fsynced at COMMIT), so a queued edit
 * survives a power cut; the cache's own writes stay NORMAL. Inside a batch the batch's
 * transaction holds everything. */
static bool tx_begin(struct outbox *o)
{
	if (o->batch)
		return true;
	sql(o, "PRAGMA synchronous=FULL");
	return sql(o, "BEGIN IMMEDIATE");
}

static bool tx_end(struct outbox *o, bool ok)
{
	if (o->batch) {
		o->batch_ok = o->batch_ok && ok;
		return ok;
	}
	ok = ok && sql(o, "COMMIT");
	if (!ok)
		sql(o, "ROLLBACK");
	sql(o, "PRAGMA synchronous=NORMAL");
	return ok;
}

static sqlite3_stmt *prep(struct outbox *o, const char *s)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(o->db, s, -1, &q, NULL) != SQLITE_OK) {
		model_set_error(o->m, "database: %s", sqlite3_errmsg(o->db));
		return NULL;
	}
	return q;
}

static bool step_done(sqlite3_stmt *q)
{
	bool ok = q && sqlite3_step(q) == SQLITE_DONE;
	sqlite3_finalize(q);
	return ok;
}

static char *col_dup(sqlite3_stmt *q, int c)
{
	const unsigned char *t = sqlite3_column_text(q, c);
	return t ? xstrdup((const char *)t) : NULL;
}

#define OP_COLS                                                                                    \
	"id,profile,kind,target,member,role,payload,base,state,attempts,step,message,created,"     \
	"updated,parent"

static void op_from_row(sqlite3_stmt *q, struct op *op)
{
	memset(op, 0, sizeof *op);
	op->id = sqlite3_column_int64(q, 0);
	op->profile = col_dup(q, 1);
	op->kind = (enum op_kind)name_index(kind_names, 8, (const char *)sqlite3_column_text(q, 2));
	op->target = col_dup(q, 3);
	op->member = col_dup(q, 4);
	op->role = col_dup(q, 5);
	rec_from_json(&op->changes, (const char *)sqlite3_column_text(q, 6));
	rec_from_json(&op->base, (const char *)sqlite3_column_text(q, 7));
	op->state = (enum op_state)name_index(state_names, OPS_COUNT,
					      (const char *)sqlite3_column_text(q, 8));
	op->attempts = sqlite3_column_int(q, 9);
	op->step = sqlite3_column_int(q, 10);
	op->message = col_dup(q, 11);
	op->created = sqlite3_column_int64(q, 12);
	op->updated = sqlite3_column_int64(q, 13);
	op->parent = sqlite3_column_int64(q, 14);
}

void op_free(struct op *op)
{
	if (!op)
		return;
	free(op->profile);
	free(op->target);
	free(op->member);
	free(op->role);
	free(op->message);
	record_free(&op->changes);
	record_free(&op->base);
	memset(op, 0, sizeof *op);
}

static bool load_op(struct outbox *o, int64_t id, struct op *out)
{
	sqlite3_stmt *q = prep(o, "SELECT " OP_COLS " FROM op WHERE id=?1");
	if (!q)
		return false;
	sqlite3_bind_int64(q, 1, id);
	bool ok = sqlite3_step(q) == SQLITE_ROW;
	if (ok)
		op_from_row(q, out);
	sqlite3_finalize(q);
	return ok;
}

static int64_t insert_op(struct outbox *o, const char *profile, enum op_kind kind,
			 const char *target, const char *member, const char *role,
			 const struct record *payload, const struct record *base)
{
	sqlite3_stmt *q = prep(o, "INSERT INTO op(profile,kind,target,member,role,payload,base,"
				  "state,created,updated,parent) VALUES(?1,?2,?3,?4,?5,?6,?7,"
				  "'pending',?8,?8,?9)");
	if (!q)
		return -1;
	char *pj = rec_json(payload), *bj = rec_json(base);
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, op_kind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, target, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, member, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, pj, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, bj, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 8, wall_ms());
	if (o->parent_next)
		sqlite3_bind_int64(q, 9, o->parent_next);
	bool ok = step_done(q);
	free(pj);
	free(bj);
	return ok ? sqlite3_last_insert_rowid(o->db) : -1;
}

/* The guarded move: the row must still be in `from`, and the machine must allow it. */
static bool set_state(struct outbox *o, int64_t id, enum op_state from, enum op_state to,
		      const char *msg)
{
	if (!op_state_allowed(from, to))
		return false;
	sqlite3_stmt *q = prep(o, "UPDATE op SET state=?1, message=?2, updated=?3 WHERE id=?4 AND "
				  "state=?5");
	if (!q)
		return false;
	sqlite3_bind_text(q, 1, op_state_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, msg, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, wall_ms());
	sqlite3_bind_int64(q, 4, id);
	sqlite3_bind_text(q, 5, op_state_name(from), -1, SQLITE_STATIC);
	bool ok = step_done(q) && sqlite3_changes(o->db) == 1;
	return ok;
}

static bool set_text(struct outbox *o, int64_t id, const char *col, const char *value)
{
	/* col is one of our own column names, never input */
	char *s = xasprintf("UPDATE op SET %s=?1 WHERE id=?2", col);
	sqlite3_stmt *q = prep(o, s);
	free(s);
	if (!q)
		return false;
	sqlite3_bind_text(q, 1, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, id);
	return step_done(q);
}

/* ---- the store's optimistic copy ---- */

/* Lays the changes of every op still pending or sending on the record over r, in order:
 * what the screen shows is the server's copy plus the user's edits on their way. */
static void overlay(struct outbox *o, const char *profile, struct record *r)
{
	if (!r->id)
		return;
	sqlite3_stmt *q = prep(o, "SELECT payload FROM op WHERE profile=?1 AND target=?2 AND "
				  "kind IN ('update','field') AND state IN ('pending','sending') "
				  "ORDER BY id");
	if (!q)
		return;
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, r->id, -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct record c;
		rec_from_json(&c, (const char *)sqlite3_column_text(q, 0));
		apply_changes(r, &c);
		record_free(&c);
	}
	sqlite3_finalize(q);
}

/* Writes a server copy (or base) into the store with the pending edits laid over it. */
static void store_truth(struct outbox *o, const struct profile *p, const struct record *r)
{
	if (!r || !r->id)
		return;
	struct record c;
	record_init(&c);
	record_copy(&c, r);
	overlay(o, p->name, &c);
	const char *keys[STORE_COLS - 1];
	model_colkeys(p, keys);
	store_put_record(o->m->store, p->name, &c, keys, wall_ms());
	record_free(&c);
	o->m->dirty |= MODEL_DIRTY_LIST | MODEL_DIRTY_DETAIL;
}

void outbox_overlay(struct model *m, const char *profile, struct record *r)
{
	if (m->outbox)
		overlay(m->outbox, profile, r);
}

/* The optimistic effect of an op on the store (queue, retry, resolve). */
static void optimistic(struct outbox *o, const struct profile *p, const struct op *op)
{
	struct store *st = o->m->store;
	if ((op->kind == OP_UPDATE || op->kind == OP_FIELD) && op->target) {
		struct record cur;
		if (store_get_record(st, p->name, op->target, &cur)) {
			apply_changes(&cur, &op->changes);
			const char *keys[STORE_COLS - 1];
			model_colkeys(p, keys);
			store_put_record(st, p->name, &cur, keys, wall_ms());
			record_free(&cur);
		}
	} else if (op->kind == OP_CREATE && op->target) {
		struct record r;
		record_init(&r);
		record_copy(&r, &op->changes);
		free(r.id);
		r.id = xstrdup(op->target);
		if (!r.name)
			r.name = xstrdup(rec_value(&op->changes, "name")
					     ? rec_value(&op->changes, "name")
					     : "(new)");
		const char *keys[STORE_COLS - 1];
		model_colkeys(p, keys);
		store_put_record(st, p->name, &r, keys, wall_ms());
		record_free(&r);
	} else if (op->kind == OP_MEMBER_ROLE || op->kind == OP_MEMBER_ADD) {
		struct record mem;
		record_init(&mem);
		struct record_list l = {0};
		store_get_members(st, p->name, op->target, &l);
		for (size_t i = 0; i < l.n && !mem.id; i++)
			if (!strcmp(l.items[i].id, op->member))
				record_copy(&mem, &l.items[i]);
		record_list_free(&l);
		if (!mem.id)
			mem.id = xstrdup(op->member);
		if (!mem.name)
			mem.name = xasprintf("Contact %s", op->member);
		record_set(&mem, "role", op->role);
		store_put_member(st, p->name, op->target, &mem);
		record_free(&mem);
	} else if (op->kind == OP_MEMBER_REMOVE) {
		store_delete_member(st, p->name, op->target, op->member);
	}
	o->m->dirty |= MODEL_DIRTY_LIST | MODEL_DIRTY_DETAIL | MODEL_DIRTY_MEMBERS;
}

/* Undoes the optimistic effect after a failure or cancel: the best copy of the server's
 * state we have (fresh from this attempt, else the base) with the other pending edits. */
static void rollback(struct outbox *o, const struct profile *p, const struct op *op,
		     const struct record *fresh)
{
	if (op->kind == OP_UPDATE || op->kind == OP_FIELD) {
		const struct record *truth = fresh && fresh->id ? fresh
					     : op->base.id	? &op->base
								: NULL;
		store_truth(o, p, truth);
	} else if (op->kind == OP_CREATE && op->target && !strncmp(op->target, PLACEHOLDER, 4)) {
		store_delete_record(o->m->store, p->name, op->target);
	} else if (op->kind == OP_MEMBER_ADD || op->kind == OP_MEMBER_REMOVE ||
		   op->kind == OP_MEMBER_ROLE) {
		fetch_members(o->m, p->name, op->target);
	}
	o->m->dirty |= MODEL_DIRTY_LIST | MODEL_DIRTY_DETAIL;
}

/* ---- journal ---- */

static cJSON *values_obj(const struct record *r, const struct record *keys_from, bool known_only)
{
	cJSON *o = cJSON_CreateObject();
	const struct record *k = keys_from ? keys_from : r;
	for (size_t i = 0; i < k->nfields; i++) {
		const char *key = k->fields[i].key;
		if (known_only && (!r || !rec_knows(r, key)))
			continue;
		const char *v = r ? rec_value(r, key) : NULL;
		if (v)
			cJSON_AddStringToObject(o, key, v);
		else
			cJSON_AddNullToObject(o, key);
	}
	return o;
}

static char *print_free(cJSON *j)
{
	if (!j)
		return NULL;
	char *s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return s;
}

static cJSON *member_obj(const char *member, const char *role)
{
	cJSON *o = cJSON_CreateObject();
	add_opt(o, "member", member);
	if (role)
		cJSON_AddStringToObject(o, "role", role);
	else
		cJSON_AddNullToObject(o, "role");
	return o;
}

/* One journal row for an op that ended done. before: what the server held (the fresh copy
 * read just before writing, else the base), only for the keys we know. */
static bool journal_add(struct outbox *o, const struct op *op, const char *target,
			const struct record *before_rec, const struct record *result)
{
	cJSON *before = NULL, *after = NULL;
	switch (op->kind) {
	case OP_UPDATE:
	case OP_FIELD:
		before = values_obj(before_rec, &op->changes, true);
		after = values_obj(&op->changes, NULL, false);
		break;
	case OP_CREATE:
		after = values_obj(result && result->id ? result : &op->changes, NULL, false);
		break;
	case OP_DUPLICATE:
		before = cJSON_CreateObject();
		add_opt(before, "source", op->target);
		after = values_obj(result && result->id ? result : &op->changes, NULL, false);
		break;
	case OP_DELETE:
		before = before_rec && before_rec->id ? values_obj(before_rec, NULL, false) : NULL;
		break;
	case OP_MEMBER_ADD:
		after = member_obj(op->member, op->role);
		break;
	case OP_MEMBER_REMOVE:
		before = member_obj(op->member, rec_value(&op->base, "role"));
		break;
	case OP_MEMBER_ROLE:
		before = member_obj(op->member, rec_value(&op->base, "role"));
		after = member_obj(op->member, op->role);
		break;
	}
	char *bs = print_free(before), *as = print_free(after);
	sqlite3_stmt *q = prep(o, "INSERT INTO journal(at,profile,actor,kind,target,before,after,"
				  "op_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
	bool ok = false;
	if (q) {
		const char *actor = getenv("USER");
		const struct passwd *pw = actor ? NULL : getpwuid(getuid());
		if (pw)
			actor = pw->pw_name;
		sqlite3_bind_int64(q, 1, wall_ms());
		sqlite3_bind_text(q, 2, op->profile, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, actor, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, op_kind_name(op->kind), -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 5, target, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 6, bs, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 7, as, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 8, op->id);
		ok = step_done(q);
	}
	free(bs);
	free(as);
	return ok;
}

/* After an update lands, later ops on the record that were based on the same version are
 * based on the new one: our own write is not "a change made elsewhere". */
static void rebase_followers(struct outbox *o, const struct op *op, const char *new_version)
{
	if (!op->base.version)
		return;
	sqlite3_stmt *q = prep(o, "SELECT id, base FROM op WHERE profile=?1 AND target=?2 AND "
				  "id>?3 AND state IN ('pending','failed','conflict')");
	if (!q)
		return;
	sqlite3_bind_text(q, 1, op->profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, op->target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, op->id);
	struct {
		int64_t id;
		char *base;
	} fix[64];
	int n = 0;
	while (n < 64 && sqlite3_step(q) == SQLITE_ROW) {
		struct record b;
		rec_from_json(&b, (const char *)sqlite3_column_text(q, 1));
		if (b.version && !strcmp(b.version, op->base.version)) {
			free(b.version);
			/* unknown new version: fall back to comparing the fields */
			b.version = new_version ? xstrdup(new_version) : NULL;
			fix[n].id = sqlite3_column_int64(q, 0);
			fix[n++].base = rec_json(&b);
		}
		record_free(&b);
	}
	sqlite3_finalize(q);
	for (int i = 0; i < n; i++) {
		set_text(o, fix[i].id, "base", fix[i].base);
		free(fix[i].base);
	}
}

/* ---- flights ---- */

static void schedule(struct outbox *o);

static void unlink_flight(struct outbox *o, struct flight *f)
{
	for (struct flight **pp = &o->flights; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			o->inflight--;
			return;
		}
}

static void flight_free(struct flight *f)
{
	op_free(&f->op);
	record_free(&f->fresh);
	free(f);
}

/* Ends a flight: the state change, its journal row and store effects in one transaction,
 * then the observer, and the pump for what waited behind it. */
static void finish(struct flight *f, enum op_state to, const char *msg, struct record *result)
{
	struct outbox *o = f->o;
	struct model *m = o->m;
	struct op *op = &f->op;
	const struct profile *p = f->p;
	const struct record *before = f->have_fresh ? &f->fresh : &op->base;
	bool ok = tx_begin(o);
	ok = ok && set_state(o, op->id, OPS_SENDING, to, msg);
	if (ok && to == OPS_DONE) {
		const char *target = op->target;
		if ((op->kind == OP_CREATE || op->kind == OP_DUPLICATE) && result && result->id)
			target = result->id;
		else if (op->kind == OP_DUPLICATE && op->changes.id)
			target = op->changes.id;
		ok = journal_add(o, op, target, before, result);
		switch (op->kind) {
		case OP_UPDATE:
		case OP_FIELD:
			rebase_followers(o, op, result && result->id ? result->version : NULL);
			if (result && result->id)
				store_truth(o, p, result);
			else
				fetch_record(m, p->name, op->target);
			break;
		case OP_CREATE:
			if (op->target && !strncmp(op->target, PLACEHOLDER, 4)) {
				store_delete_record(m->store, p->name, op->target);
				if (result && result->id) {
					/* ops queued on the placeholder follow the real id */
					sqlite3_stmt *q = prep(o, "UPDATE op SET target=?1 WHERE "
								  "profile=?2 AND target=?3");
					if (q) {
						sqlite3_bind_text(q, 1, result->id, -1,
								  SQLITE_STATIC);
						sqlite3_bind_text(q, 2, p->name, -1, SQLITE_STATIC);
						sqlite3_bind_text(q, 3, op->target, -1,
								  SQLITE_STATIC);
						step_done(q);
					}
				}
			}
			/* fall through */
		case OP_DUPLICATE:
			if (result && result->id)
				store_truth(o, p, result);
			break;
		case OP_DELETE:
			store_delete_record(m->store, p->name, op->target);
			break;
		default:
			break;
		}
	} else if (ok && (to == OPS_FAILED || to == OPS_CANCELLED)) {
		rollback(o, p, op, f->have_fresh ? &f->fresh : NULL);
	} else if (ok && to == OPS_CONFLICT) {
		char *tj = rec_json(&f->fresh);
		ok = set_text(o, op->id, "theirs", tj);
		free(tj);
		store_truth(o, p, &f->fresh);
	}
	ok = tx_end(o, ok);
	if (!ok)
		model_set_error(m, "outbox: could not record the end of op %lld: %s",
				(long long)op->id, sqlite3_errmsg(o->db));
	if (ok && (to == OPS_FAILED || to == OPS_CONFLICT || to == OPS_UNCERTAIN))
		model_set_error(m, "%s", msg ? msg : op_state_name(to));
	if (ok && to == OPS_DONE &&
	    (op->kind == OP_MEMBER_ADD || op->kind == OP_MEMBER_REMOVE ||
	     op->kind == OP_MEMBER_ROLE))
		fetch_members(m, p->name, op->target);
	unlink_flight(o, f);
	if (ok && to == OPS_DONE && op->kind == OP_CREATE && result && result->id) {
		free(op->target);
		op->target = xstrdup(result->id);
	}
	op->state = to;
	free(op->message);
	op->message = msg ? xstrdup(msg) : NULL;
	if (o->observer)
		o->observer(o->observer_arg, op);
	flight_free(f);
	m->dirty |= MODEL_DIRTY_LIST | MODEL_DIRTY_STATUS | MODEL_DIRTY_DETAIL;
	schedule(o);
}

static void on_answer(void *arg, const struct vresp *rs, const struct verr *err);

static void transmit(struct flight *f, struct vreq *rq, enum phase ph)
{
	f->phase = ph;
	if (ph != PH_CHECK && ph != PH_SOURCE)
		rq->idempotent = rq->idempotent || kind_idempotent(f->op.kind) || ph == PH_FIELDS;
	f->req = model_send(f->o->m, f->p, rq, on_answer, f);
	vreq_free(rq);
}

static void cannot_build(struct flight *f, const char *what)
{
	char msg[200];
	snprintf(msg, sizeof msg, "%s: cannot %s with these values", f->p->vendor->label, what);
	finish(f, OPS_FAILED, msg, NULL);
}

/* The update (or custom field) request, built on the freshest copy we have. */
static void write_update(struct flight *f)
{
	const struct vendor *v = f->p->vendor;
	struct op *op = &f->op;
	struct record minimal;
	record_init(&minimal);
	minimal.id = xstrdup(op->target);
	const struct record *base = f->have_fresh ? &f->fresh : op->base.id ? &op->base : &minimal;
	struct vreq rq;
	bool built;
	if (op->kind == OP_FIELD)
		built = v->field_req && op->changes.nfields &&
			v->field_req(f->p, op->target, op->changes.fields[0].key,
				     op->changes.fields[0].value, &rq);
	else
		built = v->update_req && v->update_req(f->p, base, &op->changes, &rq);
	record_free(&minimal);
	if (!built) {
		cannot_build(f, "change this organization");
		return;
	}
	transmit(f, &rq, PH_WRITE);
}

static bool has_cf(const struct record *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (!strncmp(r->fields[i].key, "cf:", 3))
			return true;
	return false;
}

/* Fields of the duplicate's copy still to set (ClinchPad custom fields), from step. */
static const struct record_field *next_copy_field(const struct op *op)
{
	int k = 0;
	for (size_t i = 0; i < op->changes.nfields; i++) {
		const struct record_field *fl = &op->changes.fields[i];
		if (strncmp(fl->key, "cf:", 3) || !fl->value)
			continue;
		if (++k == op->step) /* step 1 is the create itself */
			return fl;
	}
	return NULL;
}

static void copy_fields_next(struct flight *f)
{
	const struct record_field *fl = next_copy_field(&f->op);
	if (!fl || !f->p->vendor->field_req) {
		char msg[160];
		snprintf(msg, sizeof msg, "copied to %s", f->op.changes.id);
		struct record r;
		record_init(&r);
		record_copy(&r, &f->op.changes);
		finish(f, OPS_DONE, msg, &r);
		record_free(&r);
		return;
	}
	struct vreq rq;
	if (!f->p->vendor->field_req(f->p, f->op.changes.id, fl->key, fl->value, &rq)) {
		cannot_build(f, "set the copy's custom field");
		return;
	}
	transmit(f, &rq, PH_FIELDS);
}

static void begin(struct flight *f)
{
	const struct vendor *v = f->p->vendor;
	const struct profile *p = f->p;
	struct op *op = &f->op;
	struct vreq rq;
	bool built = false;
	switch (op->kind) {
	case OP_UPDATE:
	case OP_FIELD: {
		/* Read the server's copy first when there is something to compare (a base), a
		 * whole record to send (full replace, Kaana's metadata), or a chance that an
		 * earlier attempt landed (a replay or retry). */
		bool check = op->base.id || (v->caps & VCAP_FULL_REPLACE) || op->attempts > 1 ||
			     (op->kind == OP_UPDATE && has_cf(&op->changes));
		if (check && v->get_req && v->get_req(p, op->target, &rq)) {
			transmit(f, &rq, PH_CHECK);
			return;
		}
		write_update(f);
		return;
	}
	case OP_CREATE:
		built = v->create_req && v->create_req(p, &op->changes, &rq);
		break;
	case OP_DELETE:
		built = v->delete_req && v->delete_req(p, op->target, &rq);
		break;
	case OP_DUPLICATE:
		if (v->duplicate_req) {
			struct record src;
			record_init(&src);
			record_copy(&src, &op->base);
			if (!src.id)
				src.id = xstrdup(op->target);
			built = v->duplicate_req(p, &src, &rq);
			record_free(&src);
		} else if (op->step >= 1) {
			copy_fields_next(f);
			return;
		} else if (v->get_req && v->get_req(p, op->target, &rq)) {
			transmit(f, &rq, PH_SOURCE);
			return;
		}
		break;
	case OP_MEMBER_ADD:
		built = v->member_add_req &&
			v->member_add_req(p, op->target, op->member, op->role, &rq);
		break;
	case OP_MEMBER_REMOVE:
		built =
		    v->member_remove_req && v->member_remove_req(p, op->target, op->member, &rq);
		break;
	case OP_MEMBER_ROLE:
		built = v->member_role_req &&
			v->member_role_req(p, op->target, op->member, op->role, &rq);
		break;
	}
	if (!built) {
		cannot_build(f, op_kind_name(op->kind));
		return;
	}
	transmit(f, &rq, PH_WRITE);
}

/* Why the server's copy is not the one the edit was made on, or false. */
static bool changed_elsewhere(const struct op *op, const struct record *fresh, char *why,
			      size_t cap)
{
	const struct record *base = &op->base;
	if (!base->id)
		return false;
	if (base->version && fresh->version) {
		if (strcmp(base->version, fresh->version)) {
			snprintf(why, cap,
				 "changed elsewhere (updated %s; your edit was made on %s)",
				 fresh->version, base->version);
			return true;
		}
		return false;
	}
	for (size_t i = 0; i < op->changes.nfields; i++) {
		const char *key = op->changes.fields[i].key;
		if (!rec_knows(base, key))
			continue;
		const char *bv = rec_value(base, key), *fv = rec_value(fresh, key);
		if (!same_value(bv, fv)) {
			snprintf(why, cap,
				 "changed elsewhere (%s is now \"%.60s\", was \"%.60s\" when you "
				 "edited)",
				 key, fv ? fv : "", bv ? bv : "");
			return true;
		}
	}
	return false;
}

static bool already_applied(const struct op *op, const struct record *fresh)
{
	for (size_t i = 0; i < op->changes.nfields; i++) {
		const char *key = op->changes.fields[i].key;
		if (!rec_knows(fresh, key) ||
		    !same_value(op->changes.fields[i].value, rec_value(fresh, key)))
			return false;
	}
	return op->changes.nfields > 0;
}

/* A duplicate made as a create: the copy of the source's creatable fields. */
static void make_copy(const struct vendor *v, const struct record *src, struct record *copy)
{
	record_init(copy);
	char *name = xasprintf("Copy of %s", src->name ? src->name : "");
	copy->name = xstrdup(name);
	record_set(copy, "name", name);
	free(name);
	for (size_t i = 0; i < v->nfields; i++) {
		const struct field_spec *fs = &v->fields[i];
		if ((fs->flags & FS_CREATE) && strcmp(fs->key, "name") && record_has(src, fs->key))
			record_set(copy, fs->key, record_get(src, fs->key));
	}
	for (size_t i = 0; i < src->nfields; i++)
		if (!strncmp(src->fields[i].key, "cf:", 3))
			record_set_labelled(copy, src->fields[i].key, src->fields[i].label,
					    src->fields[i].value);
}

/* Persists progress of a multi-request op (the copy's id and values, the step). */
static bool save_progress(struct outbox *o, struct op *op)
{
	bool ok = tx_begin(o);
	char *pj = rec_json(&op->changes);
	ok = ok && set_text(o, op->id, "payload", pj);
	free(pj);
	sqlite3_stmt *q = ok ? prep(o, "UPDATE op SET step=?1, updated=?2 WHERE id=?3") : NULL;
	if (q) {
		sqlite3_bind_int(q, 1, op->step);
		sqlite3_bind_int64(q, 2, wall_ms());
		sqlite3_bind_int64(q, 3, op->id);
		ok = step_done(q);
	}
	return tx_end(o, ok);
}

static void on_answer(void *arg, const struct vresp *rs, const struct verr *err)
{
	struct flight *f = arg;
	struct op *op = &f->op;
	const struct vendor *v = f->p->vendor;
	f->req = 0;
	struct verr perr = {0};
	char msg[400];

	if (f->phase == PH_CHECK || f->phase == PH_SOURCE) {
		if (err->kind != VERR_NONE) {
			finish(f, OPS_FAILED, err->msg, NULL);
			return;
		}
		record_free(&f->fresh);
		record_init(&f->fresh);
		if (!v->record_parse(f->p, rs, &f->fresh, &perr)) {
			finish(f, OPS_FAILED, perr.msg, NULL);
			return;
		}
		f->have_fresh = true;
		if (f->phase == PH_SOURCE) {
			struct record copy;
			make_copy(v, &f->fresh, &copy);
			record_free(&op->changes);
			op->changes = copy;
			struct vreq rq;
			if (!save_progress(f->o, op) || !v->create_req ||
			    !v->create_req(f->p, &op->changes, &rq)) {
				cannot_build(f, "create the copy");
				return;
			}
			transmit(f, &rq, PH_WRITE);
			return;
		}
		if (already_applied(op, &f->fresh)) {
			struct record r;
			record_init(&r);
			record_copy(&r, &f->fresh);
			finish(f, OPS_DONE, "already applied", &r);
			record_free(&r);
			return;
		}
		if (changed_elsewhere(op, &f->fresh, msg, sizeof msg)) {
			char full[480];
			snprintf(full, sizeof full, "%s: %s", v->label, msg);
			finish(f, OPS_CONFLICT, full, NULL);
			return;
		}
		write_update(f);
		return;
	}

	if (err->kind != VERR_NONE) {
		if ((op->kind == OP_DELETE || op->kind == OP_MEMBER_REMOVE) &&
		    err->kind == VERR_NOT_FOUND) {
			finish(f, OPS_DONE, "already gone", NULL);
		} else if (err->kind == VERR_NETWORK && !kind_idempotent(op->kind) &&
			   f->phase == PH_WRITE) {
			/* The request may have reached the vendor before the connection broke. */
			snprintf(msg, sizeof msg,
				 "%s (it may have reached %s: check before resending)", err->msg,
				 v->label);
			finish(f, OPS_UNCERTAIN, msg, NULL);
		} else if (f->phase == PH_FIELDS) {
			snprintf(msg, sizeof msg,
				 "copy %s was made, but a custom field was refused: %s",
				 op->changes.id, err->msg);
			finish(f, OPS_FAILED, msg, NULL);
		} else {
			finish(f, OPS_FAILED, err->msg, NULL);
		}
		return;
	}

	struct record result;
	record_init(&result);
	bool parsed = rs->body && rs->len && v->record_parse &&
		      v->record_parse(f->p, rs, &result, &perr) && result.id;
	if (f->phase == PH_FIELDS) {
		op->step++;
		save_progress(f->o, op);
		record_free(&result);
		copy_fields_next(f);
		return;
	}
	if (op->kind == OP_DUPLICATE && !v->duplicate_req) {
		if (!parsed) {
			finish(f, OPS_UNCERTAIN,
			       "the copy was made but its id was not in the answer", NULL);
			record_free(&result);
			return;
		}
		free(op->changes.id);
		op->changes.id = xstrdup(result.id);
		op->step = 1;
		save_progress(f->o, op);
		record_free(&result);
		copy_fields_next(f);
		return;
	}
	msg[0] = '\0';
	if (op->kind == OP_CREATE || op->kind == OP_DUPLICATE) {
		if (parsed)
			snprintf(msg, sizeof msg, "%s %s",
				 op->kind == OP_CREATE ? "created" : "copied to", result.id);
		else
			snprintf(msg, sizeof msg,
				 "done (the answer held no id; refresh to see it)");
	}
	finish(f, OPS_DONE, msg[0] ? msg : NULL, parsed ? &result : NULL);
	record_free(&result);
}

static bool target_busy(const struct outbox *o, const char *profile, const char *target)
{
	for (const struct flight *f = o->flights; f; f = f->next)
		if (f->op.target && target && !strcmp(f->op.target, target) &&
		    !strcmp(f->op.profile, profile))
			return true;
	return false;
}

static int profile_flights(const struct outbox *o, const struct profile *p)
{
	int n = 0;
	for (const struct flight *f = o->flights; f; f = f->next)
		n += f->p == p;
	return n;
}

static void start(struct outbox *o, const struct profile *p, struct op *op)
{
	bool ok = tx_begin(o);
	ok = ok && set_state(o, op->id, OPS_PENDING, OPS_SENDING, NULL);
	sqlite3_stmt *q = ok ? prep(o, "UPDATE op SET attempts=attempts+1 WHERE id=?1") : NULL;
	if (q) {
		sqlite3_bind_int64(q, 1, op->id);
		ok = step_done(q);
	}
	if (!tx_end(o, ok)) {
		op_free(op);
		return;
	}
	struct flight *f = xcalloc(1, sizeof *f);
	f->o = o;
	f->op = *op;
	f->op.state = OPS_SENDING;
	f->op.attempts++;
	f->p = p;
	record_init(&f->fresh);
	f->next = o->flights;
	o->flights = f;
	o->inflight++;
	o->m->dirty |= MODEL_DIRTY_LIST | MODEL_DIRTY_STATUS;
	begin(f);
}

static void pump(struct outbox *o)
{
	struct model *m = o->m;
	if (m->readonly || o->batch || o->inflight >= MAX_FLIGHTS)
		return;
	sqlite3_stmt *q = prep(o, "SELECT id FROM op WHERE state='pending' ORDER BY id LIMIT 256");
	if (!q)
		return;
	int64_t ids[256];
	int n = 0;
	while (n < 256 && sqlite3_step(q) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	for (int i = 0; i < n && o->inflight < MAX_FLIGHTS; i++) {
		struct op op;
		if (!load_op(o, ids[i], &op))
			continue;
		const struct profile *p = config_profile(&m->cfg, op.profile);
		int cap =
		    p && p->vendor && p->vendor->max_parallel > 0 ? p->vendor->max_parallel : 1;
		bool wait =
		    !p || !p->vendor || p->readonly || profile_flights(o, p) >= cap ||
		    target_busy(o, op.profile, op.target) ||
		    (op.kind != OP_CREATE && op.target && !strncmp(op.target, PLACEHOLDER, 4));
		if (wait) {
			op_free(&op);
			continue;
		}
		start(o, p, &op);
	}
}

static void on_pump(void *arg)
{
	struct outbox *o = arg;
	o->pump_timer = 0;
	pump(o);
}

static void schedule(struct outbox *o)
{
	if (!o->pump_timer && !o->batch)
		o->pump_timer = loop_timer(o->m->loop, 0, on_pump, o);
}

/* ---- open, close ---- */

struct outbox *outbox_open(struct model *m)
{
	struct outbox *o = xcalloc(1, sizeof *o);
	o->m = m;
	o->db = store_db(m->store);
	o->opened_at = wall_ms();
	m->outbox = o;
	/* Replay: an op caught in flight may have reached the vendor. Resending is safe only
	 * for idempotent ones (and they check first whether they landed); the rest wait for
	 * the user. A duplicate whose copy exists (step >= 1) resumes with its fields. */
	char msg[] = "orgdeck stopped while this was being sent: it may have reached the vendor; "
		     "check, then resend or mark it applied";
	bool ok = tx_begin(o);
	sqlite3_stmt *q = ok ? prep(o, "UPDATE op SET state='uncertain', message=?1, updated=?2 "
				       "WHERE state='sending' AND (kind IN ('create','member_add') "
				       "OR (kind='duplicate' AND step=0))")
			     : NULL;
	if (q) {
		sqlite3_bind_text(q, 1, msg, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, wall_ms());
		ok = step_done(q);
	}
	q = ok ? prep(o, "UPDATE op SET state='pending', updated=?1 WHERE state='sending'") : NULL;
	if (q) {
		sqlite3_bind_int64(q, 1, wall_ms());
		ok = step_done(q);
	}
	tx_end(o, ok);
	schedule(o);
	return o;
}

void outbox_close(struct outbox *o)
{
	if (!o)
		return;
	if (o->pump_timer)
		loop_timer_cancel(o->m->loop, o->pump_timer);
	while (o->flights) {
		struct flight *f = o->flights;
		o->flights = f->next;
		if (f->req)
			model_cancel(o->m, f->req);
		flight_free(f);
	}
	if (o->m->outbox == o)
		o->m->outbox = NULL;
	free(o);
}

void outbox_set_observer(struct model *m, outbox_observer_fn fn, void *arg)
{
	m->outbox->observer = fn;
	m->outbox->observer_arg = arg;
}

int64_t outbox_opened_at(struct model *m)
{
	return m->outbox ? m->outbox->opened_at : 0;
}

bool outbox_idle(struct model *m)
{
	return !m->outbox || (!m->outbox->flights && !m->outbox->pump_timer);
}

/* ---- queueing ---- */

static const struct profile *writable_profile(struct model *m, const char *profile, unsigned cap,
					      const char *what)
{
	if (!m->outbox || !model_write_allowed(m, profile))
		return NULL;
	const struct profile *p = profile ? config_profile(&m->cfg, profile) : m->profile;
	if (!(p->vendor->caps & cap)) {
		model_set_error(m, "%s cannot %s", p->vendor->label, what);
		return NULL;
	}
	return p;
}

void outbox_batch_begin(struct model *m)
{
	struct outbox *o = m->outbox;
	if (o->batch++ == 0) {
		sql(o, "PRAGMA synchronous=FULL");
		o->batch_ok = sql(o, "BEGIN IMMEDIATE");
	}
}

bool outbox_batch_end(struct model *m)
{
	struct outbox *o = m->outbox;
	if (o->batch == 0 || --o->batch > 0)
		return true;
	bool ok = o->batch_ok && sql(o, "COMMIT");
	if (!ok) {
		sql(o, "ROLLBACK");
		model_set_error(m, "outbox: the batch was not saved: %s", sqlite3_errmsg(o->db));
	}
	sql(o, "PRAGMA synchronous=NORMAL");
	schedule(o);
	return ok;
}

/* Queues one op: row, optimistic copy, commit, pump. */
static int64_t queue(struct model *m, const struct profile *p, enum op_kind kind,
		     const char *target, const char *member, const char *role,
		     const struct record *payload, const struct record *base)
{
	struct outbox *o = m->outbox;
	bool ok = tx_begin(o);
	int64_t id = ok ? insert_op(o, p->name, kind, target, member, role, payload, base) : -1;
	ok = ok && id > 0;
	if (ok) {
		struct op op;
		if (kind == OP_CREATE) {
			char *ph = xasprintf(PLACEHOLDER "%lld", (long long)id);
			ok = set_text(o, id, "target", ph);
			free(ph);
		}
		if (ok && load_op(o, id, &op)) {
			optimistic(o, p, &op);
			op_free(&op);
		}
	}
	if (!tx_end(o, ok)) {
		model_set_error(m, "outbox: the change was not saved: %s", sqlite3_errmsg(o->db));
		return -1;
	}
	schedule(o);
	m->dirty |= MODEL_DIRTY_STATUS;
	return id;
}

int64_t outbox_create(struct model *m, const char *profile, const struct record *values)
{
	const struct profile *p = writable_profile(m, profile, VCAP_CREATE, "create organizations");
	if (!p)
		return -1;
	return queue(m, p, OP_CREATE, NULL, NULL, NULL, values, NULL);
}

int64_t outbox_update(struct model *m, const char *profile, const char *org_id,
		      const struct record *changes)
{
	const struct profile *p = writable_profile(m, profile, VCAP_UPDATE, "change organizations");
	if (!p)
		return -1;
	const struct vendor *v = p->vendor;
	struct record plain;
	record_init(&plain);
	struct record_list cfs = {0};
	for (size_t i = 0; i < changes->nfields; i++) {
		const struct record_field *c = &changes->fields[i];
		bool cf = !strncmp(c->key, "cf:", 3);
		const struct field_spec *fs = cf ? NULL : vendor_field(v, c->key);
		if (cf && !(v->caps & VCAP_FIELDS)) {
			model_set_error(m, "%s has no custom fields", v->label);
		} else if (!cf && (!fs || !(fs->flags & FS_EDITABLE))) {
			model_set_error(m, "%s: %s is not a field you can change", v->label,
					c->key);
		} else if (cf && v->field_req) {
			struct record *one = record_list_push(&cfs);
			record_set_labelled(one, c->key, c->label, c->value);
			continue;
		} else {
			record_set_labelled(&plain, c->key, c->label, c->value);
			continue;
		}
		record_free(&plain);
		record_list_free(&cfs);
		return -1;
	}
	if (!plain.nfields && !cfs.n) {
		model_set_error(m, "nothing changed");
		return -1;
	}
	struct record base;
	bool have_base = store_get_record(m->store, p->name, org_id, &base);
	/* Several ops (ClinchPad custom fields) are one change: one commit. */
	outbox_batch_begin(m);
	int64_t first = -1;
	if (plain.nfields)
		first =
		    queue(m, p, OP_UPDATE, org_id, NULL, NULL, &plain, have_base ? &base : NULL);
	for (size_t i = 0; i < cfs.n; i++) {
		int64_t id = queue(m, p, OP_FIELD, org_id, NULL, NULL, &cfs.items[i],
				   have_base ? &base : NULL);
		if (first < 0)
			first = id;
	}
	if (!outbox_batch_end(m))
		first = -1;
	if (have_base)
		record_free(&base);
	record_free(&plain);
	record_list_free(&cfs);
	return first;
}

int64_t outbox_delete(struct model *m, const char *profile, const char *org_id)
{
	const struct profile *p = writable_profile(m, profile, VCAP_DELETE, "delete organizations");
	if (!p)
		return -1;
	struct record base;
	bool have = store_get_record(m->store, p->name, org_id, &base);
	int64_t id = queue(m, p, OP_DELETE, org_id, NULL, NULL, NULL, have ? &base : NULL);
	if (have)
		record_free(&base);
	return id;
}

int64_t outbox_duplicate(struct model *m, const char *profile, const char *org_id)
{
	if (!model_write_allowed(m, profile))
		return -1;
	const struct profile *p = profile ? config_profile(&m->cfg, profile) : m->profile;
	unsigned caps = p->vendor->caps;
	if (!(caps & VCAP_DUPLICATE) && !((caps & VCAP_CREATE) && (caps & VCAP_GET))) {
		model_set_error(m, "%s cannot duplicate organizations", p->vendor->label);
		return -1;
	}
	struct record base;
	bool have = store_get_record(m->store, p->name, org_id, &base);
	int64_t id = queue(m, p, OP_DUPLICATE, org_id, NULL, NULL, NULL, have ? &base : NULL);
	if (have)
		record_free(&base);
	return id;
}

/* Member ops keep the member as it was (role) as their base, for the journal and undo. */
static int64_t queue_member(struct model *m, const char *profile, enum op_kind kind, unsigned cap,
			    const char *what, const char *org_id, const char *member_id,
			    const char *role)
{
	const struct profile *p = writable_profile(m, profile, cap, what);
	if (!p)
		return -1;
	if (!member_id || !*member_id || ((kind != OP_MEMBER_REMOVE) && (!role || !*role))) {
		model_set_error(m, "%s: %s needs a member and a role", p->vendor->label, what);
		return -1;
	}
	const char *const *roles = p->vendor->roles;
	bool known = !roles || kind == OP_MEMBER_REMOVE;
	for (int i = 0; roles && role && roles[i]; i++)
		known = known || !strcmp(roles[i], role);
	if (!known) {
		model_set_error(m, "%s has no member role \"%s\"", p->vendor->label, role);
		return -1;
	}
	struct record base;
	record_init(&base);
	struct record_list l = {0};
	store_get_members(m->store, p->name, org_id, &l);
	for (size_t i = 0; i < l.n; i++)
		if (!strcmp(l.items[i].id, member_id))
			record_copy(&base, &l.items[i]);
	record_list_free(&l);
	int64_t id = queue(m, p, kind, org_id, member_id, role, NULL, &base);
	record_free(&base);
	return id;
}

int64_t outbox_member_add(struct model *m, const char *profile, const char *org_id,
			  const char *contact_id, const char *role)
{
	return queue_member(m, profile, OP_MEMBER_ADD, VCAP_MEMBER_ADD, "add members", org_id,
			    contact_id, role);
}

int64_t outbox_member_remove(struct model *m, const char *profile, const char *org_id,
			     const char *member_id)
{
	return queue_member(m, profile, OP_MEMBER_REMOVE, VCAP_MEMBER_REMOVE, "remove members",
			    org_id, member_id, NULL);
}

int64_t outbox_member_role(struct model *m, const char *profile, const char *org_id,
			   const char *member_id, const char *role)
{
	return queue_member(m, profile, OP_MEMBER_ROLE, VCAP_MEMBER_ROLE, "change member roles",
			    org_id, member_id, role);
}

/* ---- the op log ---- */

size_t outbox_ops(struct model *m, const char *profile, size_t limit, struct op **out)
{
	*out = NULL;
	sqlite3_stmt *q = prep(m->outbox, "SELECT " OP_COLS " FROM op WHERE ?1 IS NULL OR "
					  "profile=?1 ORDER BY id DESC LIMIT ?2");
	if (!q)
		return 0;
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)limit);
	size_t n = 0, cap = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		op_from_row(q, &(*out)[n++]);
	}
	sqlite3_finalize(q);
	return n;
}

void outbox_ops_free(struct op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++)
		op_free(&ops[i]);
	free(ops);
}

bool outbox_get(struct model *m, int64_t id, struct op *out)
{
	return load_op(m->outbox, id, out);
}

long outbox_pending_count(struct model *m)
{
	sqlite3_stmt *q = prep(m->outbox, "SELECT count(*) FROM op WHERE state IN "
					  "('pending','sending')");
	long n = 0;
	if (q && sqlite3_step(q) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

void outbox_counts(struct model *m, int64_t since, long counts[OPS_COUNT])
{
	for (int i = 0; i < OPS_COUNT; i++)
		counts[i] = 0;
	sqlite3_stmt *q = prep(m->outbox, "SELECT state, count(*) FROM op WHERE updated>=?1 "
					  "GROUP BY state");
	if (!q)
		return;
	sqlite3_bind_int64(q, 1, since);
	while (sqlite3_step(q) == SQLITE_ROW)
		counts[name_index(state_names, OPS_COUNT,
				  (const char *)sqlite3_column_text(q, 0))] +=
		    (long)sqlite3_column_int64(q, 1);
	sqlite3_finalize(q);
}

/* ---- the user's moves ---- */

static const struct profile *op_profile(struct model *m, const struct op *op)
{
	const struct profile *p = config_profile(&m->cfg, op->profile);
	if (!p)
		model_set_error(m, "op %lld belongs to profile %s, which the config no longer has",
				(long long)op->id, op->profile);
	return p;
}

/* Moves a settled op (not in flight) and applies the store side of the move. */
static bool move(struct model *m, struct op *op, enum op_state to, const char *msg,
		 const struct record *new_payload, const struct record *new_base)
{
	struct outbox *o = m->outbox;
	const struct profile *p = op_profile(m, op);
	if (!p || !model_write_allowed(m, op->profile))
		return false;
	if (!op_state_allowed(op->state, to) || op->state == OPS_SENDING) {
		model_set_error(m, "op %lld is %s: it cannot become %s", (long long)op->id,
				op_state_name(op->state), op_state_name(to));
		return false;
	}
	bool ok = tx_begin(o);
	ok = ok && set_state(o, op->id, op->state, to, msg);
	char *j;
	if (ok && new_payload) {
		j = rec_json(new_payload);
		ok = set_text(o, op->id, "payload", j);
		free(j);
		record_free(&op->changes);
		record_init(&op->changes);
		record_copy(&op->changes, new_payload);
	}
	if (ok && new_base) {
		j = rec_json(new_base);
		ok = set_text(o, op->id, "base", j);
		free(j);
		record_free(&op->base);
		record_init(&op->base);
		record_copy(&op->base, new_base);
	}
	if (ok && to == OPS_PENDING) {
		optimistic(o, p, op);
	} else if (ok && to == OPS_CANCELLED) {
		struct record theirs;
		bool have = outbox_theirs(m, op->id, &theirs);
		rollback(o, p, op, have ? &theirs : NULL);
		if (have)
			record_free(&theirs);
	} else if (ok && to == OPS_DONE) {
		ok = journal_add(o, op, op->target, &op->base, NULL);
		if (op->kind == OP_CREATE && op->target && !strncmp(op->target, PLACEHOLDER, 4))
			store_delete_record(m->store, p->name, op->target);
	}
	if (!tx_end(o, ok)) {
		model_set_error(m, "outbox: could not change op %lld", (long long)op->id);
		return false;
	}
	op->state = to;
	m->dirty |= MODEL_DIRTY_LIST | MODEL_DIRTY_STATUS;
	schedule(o);
	return true;
}

bool outbox_retry(struct model *m, int64_t id)
{
	struct op op;
	if (!outbox_get(m, id, &op)) {
		model_set_error(m, "no op %lld", (long long)id);
		return false;
	}
	bool ok = false;
	if (op.state != OPS_FAILED)
		model_set_error(m, "op %lld is %s: only a failed op is retried", (long long)id,
				op_state_name(op.state));
	else
		ok = move(m, &op, OPS_PENDING, NULL, NULL, NULL);
	op_free(&op);
	return ok;
}

bool outbox_cancel(struct model *m, int64_t id)
{
	struct op op;
	if (!outbox_get(m, id, &op)) {
		model_set_error(m, "no op %lld", (long long)id);
		return false;
	}
	bool ok = move(m, &op, OPS_CANCELLED, "cancelled", NULL, NULL);
	op_free(&op);
	return ok;
}

bool outbox_resolve(struct model *m, int64_t id, enum resolution r, const struct record *merged)
{
	struct op op;
	if (!outbox_get(m, id, &op)) {
		model_set_error(m, "no op %lld", (long long)id);
		return false;
	}
	bool ok = false;
	if (op.state == OPS_CONFLICT) {
		struct record theirs;
		bool have = outbox_theirs(m, id, &theirs);
		if (r == RESOLVE_THEIRS)
			ok = move(m, &op, OPS_CANCELLED, "kept the server's copy", NULL, NULL);
		else if (r == RESOLVE_MERGE && (!merged || !merged->nfields))
			model_set_error(m, "a merge needs the fields to send");
		else
			/* Rebased on theirs: the next check compares against what the user saw. */
			ok = move(m, &op, OPS_PENDING, NULL, r == RESOLVE_MERGE ? merged : NULL,
				  have ? &theirs : NULL);
		if (have)
			record_free(&theirs);
	} else if (op.state == OPS_UNCERTAIN && r != RESOLVE_MERGE) {
		ok = r == RESOLVE_MINE
			 ? move(m, &op, OPS_PENDING, "resent at your request", NULL, NULL)
			 : move(m, &op, OPS_DONE, "marked applied by you", NULL, NULL);
	} else {
		model_set_error(m, "op %lld is %s: nothing to resolve", (long long)id,
				op_state_name(op.state));
	}
	op_free(&op);
	return ok;
}

bool outbox_theirs(struct model *m, int64_t id, struct record *out)
{
	sqlite3_stmt *q =
	    prep(m->outbox, "SELECT theirs FROM op WHERE id=?1 AND theirs IS NOT NULL");
	if (!q)
		return false;
	sqlite3_bind_int64(q, 1, id);
	bool ok = sqlite3_step(q) == SQLITE_ROW;
	if (ok)
		rec_from_json(out, (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return ok;
}

/* ---- undo ---- */

int64_t outbox_undo(struct model *m, const char *profile)
{
	struct outbox *o = m->outbox;
	const char *pname = profile ? profile : m->profile ? m->profile->name : NULL;
	if (!pname || !model_write_allowed(m, pname))
		return -1;
	/* The newest update or role change not undone yet, and not itself an undo. */
	sqlite3_stmt *q = prep(o, "SELECT j.id, j.kind, j.target, j.before, j.op_id FROM journal j"
				  " LEFT JOIN op ON op.id=j.op_id WHERE j.profile=?1 AND j.kind IN"
				  " ('update','field','member_role') AND j.undone IS NULL AND"
				  " coalesce(op.parent,0)=0 ORDER BY j.id DESC LIMIT 1");
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, pname, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		model_set_error(m, "nothing to undo in %s", pname);
		return -1;
	}
	int64_t jid = sqlite3_column_int64(q, 0);
	char *kind = col_dup(q, 1), *target = col_dup(q, 2), *before = col_dup(q, 3);
	int64_t op_id = sqlite3_column_int64(q, 4);
	sqlite3_finalize(q);
	cJSON *b = before ? cJSON_Parse(before) : NULL;
	int64_t id = -1;
	outbox_batch_begin(m);
	o->parent_next = op_id;
	if (!strcmp(kind, "member_role")) {
		const char *mem =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "member"));
		const char *role =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "role"));
		if (mem && role)
			id = outbox_member_role(m, pname, target, mem, role);
		else
			model_set_error(m,
					"the role before that change is not known: cannot undo it");
	} else {
		struct record inv;
		record_init(&inv);
		const cJSON *f;
		cJSON_ArrayForEach(f, b)
		{
			record_set(&inv, f->string, cJSON_GetStringValue(f));
		}
		if (inv.nfields)
			id = outbox_update(m, pname, target, &inv);
		else
			model_set_error(
			    m, "the values before that change are not known: cannot undo it");
		record_free(&inv);
	}
	o->parent_next = 0;
	if (id > 0) {
		sqlite3_stmt *u = prep(o, "UPDATE journal SET undone=?1 WHERE id=?2");
		if (u) {
			sqlite3_bind_int64(u, 1, id);
			sqlite3_bind_int64(u, 2, jid);
			step_done(u);
		}
	}
	if (!outbox_batch_end(m))
		id = -1;
	cJSON_Delete(b);
	free(kind);
	free(target);
	free(before);
	return id;
}

/* ---- journal export ---- */

static void iso_time(int64_t ms, char *out, size_t cap)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	char base[32];
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, cap, "%s.%03dZ", base, (int)(ms % 1000));
}

static void csv_cell(FILE *out, const char *s, bool last)
{
	if (s && strpbrk(s, ",\"\r\n")) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else if (s) {
		fputs(s, out);
	}
	fputs(last ? "\r\n" : ",", out);
}

bool journal_export(struct model *m, const char *profile, const char *format, FILE *out)
{
	bool csv = !strcmp(format, "csv");
	if (!csv && strcmp(format, "json")) {
		model_set_error(m, "journal export: format is csv or json, not %s", format);
		return false;
	}
	sqlite3_stmt *q =
	    prep(m->outbox, "SELECT at, profile, actor, kind, target, before, after "
			    "FROM journal WHERE ?1 IS NULL OR profile=?1 ORDER BY id");
	if (!q)
		return false;
	sqlite3_bind_text(q, 1, profile, -1, SQLITE_STATIC);
	if (csv)
		fputs("at,profile,actor,kind,target,before,after\r\n", out);
	while (sqlite3_step(q) == SQLITE_ROW) {
		char at[48];
		iso_time(sqlite3_column_int64(q, 0), at, sizeof at);
		const char *col[6];
		for (int i = 0; i < 6; i++)
			col[i] = (const char *)sqlite3_column_text(q, 1 + i);
		if (csv) {
			csv_cell(out, at, false);
			for (int i = 0; i < 6; i++)
				csv_cell(out, col[i], i == 5);
			continue;
		}
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "at", at);
		static const char *const names[] = {"profile", "actor", "kind", "target"};
		for (int i = 0; i < 4; i++)
			if (col[i])
				cJSON_AddStringToObject(j, names[i], col[i]);
			else
				cJSON_AddNullToObject(j, names[i]);
		cJSON *bj = col[4] ? cJSON_Parse(col[4]) : NULL,
		      *aj = col[5] ? cJSON_Parse(col[5]) : NULL;
		cJSON_AddItemToObject(j, "before", bj ? bj : cJSON_CreateNull());
		cJSON_AddItemToObject(j, "after", aj ? aj : cJSON_CreateNull());
		char *s = cJSON_PrintUnformatted(j);
		fprintf(out, "%s\n", s);
		free(s);
		cJSON_Delete(j);
	}
	sqlite3_finalize(q);
	return !ferror(out);
}
