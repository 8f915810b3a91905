/* outbox: every change the user makes is an operation committed to the database before
 * its request leaves (a synchronous commit: it survives a power cut, not only a crash).
 * The screen shows it as pending at once; it ends done, failed (with the vendor's
 * message), conflict (the record changed elsewhere) or uncertain (it may have reached the
 * vendor before a crash: create and duplicate are never resent blindly).
 * Updates send only the changed fields and first compare the record's last known version
 * (updated/updatedAt, else the changed fields' old values) with the server's.
 * Every applied change is written to the journal (who/which profile, when, before, after).
 *
 * Ownership: the model owns the outbox (model->outbox). Functions that queue an op return
 * its id (> 0), or -1 with a sentence in model->error (read-only, capability missing...).
 * Lists returned are caller-owned (outbox_ops_free). */
#ifndef ORGDECK_OUTBOX_H
#define ORGDECK_OUTBOX_H
#include "model/record.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct model;

enum op_kind {
	OP_CREATE, OP_UPDATE, OP_DELETE, OP_DUPLICATE, OP_FIELD, OP_MEMBER_ADD, OP_MEMBER_REMOVE,
	OP_MEMBER_ROLE,
};

enum op_state {
	OPS_PENDING,    /* committed, not sent yet (or waiting to retry) */
	OPS_SENDING,    /* request in flight */
	OPS_DONE,
	OPS_FAILED,     /* the vendor refused; message says why */
	OPS_CONFLICT,   /* changed elsewhere; the user resolves it */
	OPS_UNCERTAIN,  /* may have been applied before a crash; the user reconciles it */
	OPS_CANCELLED,
};

struct op {
	int64_t id;
	char *profile;
	enum op_kind kind;
	char *target;          /* organization id (NULL for a create until it is done) */
	char *member;          /* member or contact id, for member ops */
	char *role;            /* member role, for member add/role */
	struct record changes; /* fields to send (update/create/field) */
	struct record base;    /* what the record held when the op was made */
	enum op_state state;
	char *message;         /* vendor's message for failed/conflict/uncertain */
	int attempts;
	int64_t created, updated;   /* epoch ms */
};

struct outbox;

/* Opens the outbox on the model's store and replays what a previous run left: pending ops
 * are sent, ops caught mid-flight become uncertain (create, duplicate, member add) or are
 * resent (idempotent ones). */
struct outbox *outbox_open(struct model *m);
void outbox_close(struct outbox *o);

/* Refuses (returns false, model->error set) in read-only mode or for a read-only profile:
 * the one choke point every write passes. */
bool model_write_allowed(struct model *m, const char *profile);

int64_t outbox_create(struct model *m, const char *profile, const struct record *values);
int64_t outbox_update(struct model *m, const char *profile, const char *org_id,
		      const struct record *changes);
int64_t outbox_delete(struct model *m, const char *profile, const char *org_id);
int64_t outbox_duplicate(struct model *m, const char *profile, const char *org_id);
int64_t outbox_member_add(struct model *m, const char *profile, const char *org_id,
			  const char *contact_id, const char *role);
int64_t outbox_member_remove(struct model *m, const char *profile, const char *org_id,
			     const char *member_id);
int64_t outbox_member_role(struct model *m, const char *profile, const char *org_id,
			   const char *member_id, const char *role);

/* The op log, newest first (limit rows; profile NULL for all). */
size_t outbox_ops(struct model *m, const char *profile, size_t limit, struct op **out);
void outbox_ops_free(struct op *ops, size_t n);
bool outbox_get(struct model *m, int64_t id, struct op *out);
void op_free(struct op *op);
/* Ops not yet ended, for markers and the status line. */
long outbox_pending_count(struct model *m);

void outbox_retry(struct model *m, int64_t id);
void outbox_cancel(struct model *m, int64_t id);   /* pending/failed/conflict/uncertain */

enum resolution { RESOLVE_MINE, RESOLVE_THEIRS, RESOLVE_MERGE };
/* Conflict: keep mine (resend over theirs), take theirs (drop mine), or merge (send
 * `merged`, the fields the user chose). Uncertain: RESOLVE_MINE resends, RESOLVE_THEIRS
 * marks it done as applied. */
void outbox_resolve(struct model *m, int64_t id, enum resolution r, const struct record *merged);
/* The current server copy for a conflict (fetched when the conflict was found). */
bool outbox_theirs(struct model *m, int64_t id, struct record *out);

/* Undo the last update or role change of profile: queues the inverse op; returns its id. */
int64_t outbox_undo(struct model *m, const char *profile);
/* Writes the journal as CSV or JSON lines (format "csv" or "json"). */
bool journal_export(struct model *m, const char *profile, const char *format, FILE *out);

const char *op_kind_name(enum op_kind k);
const char *op_state_name(enum op_state s);

#endif
