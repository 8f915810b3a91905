/* outbox: every change the user makes is an operation committed to the database before
 * its request leaves (a synchronous commit: it survives a power cut, not only a crash).
 * The screen shows it as pending at once; it ends done, failed (with the vendor's
 * message), conflict (the record changed elsewhere) or uncertain (it may have reached the
 * vendor before a crash: create, duplicate and member add are never resent blindly).
 * Updates send only the changed fields and first compare the record's last known version
 * (updated/updatedAt, else the changed fields' old values) with the server's; an op made
 * without a cached copy (orgdeck --apply) has no base and only checks "already applied".
 * Every applied change is written to the journal (who/which profile, when, before, after).
 *
 * Optimistic copies: an update is applied to the store's row at once and rolled back on
 * failure; a create shows a row with the placeholder id "new:<op id>" until the vendor
 * answers with the real id (ops queued on the placeholder wait, then follow the real id);
 * a delete keeps its row, marked pending, until it is done.
 * Custom fields of a vendor with field_req (ClinchPad) become one OP_FIELD op per field
 * beside the OP_UPDATE of the schema fields, queued in one transaction.
 *
 * Ownership: the model owns the outbox (model->outbox). Functions that queue an op return
 * its id (> 0), or -1 with a sentence in model->error (read-only, capability missing...).
 * Lists returned are caller-owned (outbox_ops_free, op_free). */
#ifndef ORGDECK_OUTBOX_H
#define ORGDECK_OUTBOX_H
#include "model/record.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct model;

enum op_kind {
	OP_CREATE,
	OP_UPDATE,
	OP_DELETE,
	OP_DUPLICATE,
	OP_FIELD,
	OP_MEMBER_ADD,
	OP_MEMBER_REMOVE,
	OP_MEMBER_ROLE,
};

enum op_state {
	OPS_PENDING, /* committed, not sent yet (or waiting to retry) */
	OPS_SENDING, /* request in flight */
	OPS_DONE,
	OPS_FAILED,    /* the vendor refused; message says why */
	OPS_CONFLICT,  /* changed elsewhere; the user resolves it */
	OPS_UNCERTAIN, /* may have been applied before a crash; the user reconciles it */
	OPS_CANCELLED,
};
#define OPS_COUNT (OPS_CANCELLED + 1)

struct op {
	int64_t id;
	char *profile;
	enum op_kind kind;
	char *target;	       /* organization id ("new:<op id>" for a create until done; the
				* source for a duplicate) */
	char *member;	       /* member or contact id, for member ops */
	char *role;	       /* member role, for member add/role */
	struct record changes; /* fields to send (update/create/field; the copy for duplicate) */
	struct record base;    /* what the record held when the op was made (may be empty) */
	enum op_state state;
	char *message;		  /* vendor's message for failed/conflict/uncertain; result note */
	int attempts;		  /* times it was started */
	int step;		  /* requests confirmed, for multi-request ops (duplicate) */
	int64_t parent;		  /* the op this one undoes, or 0 */
	int64_t created, updated; /* epoch ms */
};

struct outbox;

/* Opens the outbox on the model's store and replays what a previous run left: pending ops
 * are sent, ops caught mid-flight become uncertain (create, duplicate, member add) or are
 * resent (idempotent ones, after checking whether they already landed). */
struct outbox *outbox_open(struct model *m);
/* Ops in flight stay "sending" in the database: the next start treats them as a crash. */
void outbox_close(struct outbox *o);

/* Refuses (returns false, model->error set) in read-only mode or for a read-only profile:
 * the one choke point every write passes. */
bool model_write_allowed(struct model *m, const char *profile);

int64_t outbox_create(struct model *m, const char *profile, const struct record *values);
int64_t outbox_update(struct model *m, const char *profile, const char *org_id,
		      const struct record *changes);
int64_t outbox_delete(struct model *m, const char *profile, const char *org_id);
/* Kaana: the vendor's duplicate call. HighQ and ClinchPad: a create of "Copy of <name>"
 * from the fresh source record, then (ClinchPad) its custom fields one at a time. */
int64_t outbox_duplicate(struct model *m, const char *profile, const char *org_id);
int64_t outbox_member_add(struct model *m, const char *profile, const char *org_id,
			  const char *contact_id, const char *role);
int64_t outbox_member_remove(struct model *m, const char *profile, const char *org_id,
			     const char *member_id);
int64_t outbox_member_role(struct model *m, const char *profile, const char *org_id,
			   const char *member_id, const char *role);

/* Queue many ops in one transaction (one synchronous commit): calls between begin and end
 * are committed together at end; nothing is sent before end. */
void outbox_batch_begin(struct model *m);
bool outbox_batch_end(struct model *m);

/* The op log, newest first (limit rows; profile NULL for all). */
size_t outbox_ops(struct model *m, const char *profile, size_t limit, struct op **out);
void outbox_ops_free(struct op *ops, size_t n);
bool outbox_get(struct model *m, int64_t id, struct op *out);
void op_free(struct op *op);
/* Ops not yet ended (pending or sending), for markers and the status line. */
long outbox_pending_count(struct model *m);
/* When this run opened the outbox (epoch ms): ops it replayed were changed after it. */
int64_t outbox_opened_at(struct model *m);
/* Ops per state among those changed at or after `since` (epoch ms). */
void outbox_counts(struct model *m, int64_t since, long counts[OPS_COUNT]);
/* Called whenever an op leaves "sending" (progress lines, notifications); op is borrowed. */
typedef void (*outbox_observer_fn)(void *arg, const struct op *op);
void outbox_set_observer(struct model *m, outbox_observer_fn fn, void *arg);

/* True when nothing is in flight and nothing is about to be sent (headless runs wait
 * for this). */
bool outbox_idle(struct model *m);
/* Lays the edits still pending on a record over a fresh server copy, so a refresh does not
 * hide them (fetch.c, before writing a record into the store). */
void outbox_overlay(struct model *m, const char *profile, struct record *r);

/* Legal moves of the state machine (the transitions every function below checks). */
bool op_state_allowed(enum op_state from, enum op_state to);
/* failed -> pending. False (model->error set) for any other state. */
bool outbox_retry(struct model *m, int64_t id);
/* pending/failed/conflict/uncertain -> cancelled, the optimistic copy rolled back. */
bool outbox_cancel(struct model *m, int64_t id);

enum resolution { RESOLVE_MINE, RESOLVE_THEIRS, RESOLVE_MERGE };
/* Conflict: keep mine (resend over theirs), take theirs (drop mine: cancelled), or merge
 * (send `merged`, the fields the user chose). Uncertain: RESOLVE_MINE resends,
 * RESOLVE_THEIRS marks it done as applied. */
bool outbox_resolve(struct model *m, int64_t id, enum resolution r, const struct record *merged);
/* The current server copy for a conflict (fetched when the conflict was found). */
bool outbox_theirs(struct model *m, int64_t id, struct record *out);

/* Undo the last update or role change of profile not undone yet: queues the inverse op
 * (its parent is the undone op); returns its id, or -1 with model->error set. */
int64_t outbox_undo(struct model *m, const char *profile);
/* Writes the journal (profile NULL: all) as CSV with a header line or as JSON lines
 * (format "csv" or "json"): at (ISO 8601 UTC), profile, actor, kind, target, before, after. */
bool journal_export(struct model *m, const char *profile, const char *format, FILE *out);

const char *op_kind_name(enum op_kind k);
const char *op_state_name(enum op_state s);

#endif
