/* The op log: every operation of every profile, newest first, with its kind, target,
 * state, the vendor's message and its age. In this pane the keys bound to member-role (r)
 * retry, delete/member-remove (d, x) cancel and open (Enter) resolves a conflict (keep
 * mine, take theirs, or merge field by field) or reconciles an uncertain op.
 * The list is re-read from the outbox on every model change (a bounded number of rows). */
#include "model/model.h"
#include "model/outbox.h"
#include "net/buf.h"
#include "net/loop.h"
#include "net/xalloc.h"
#include "tui/dialog.h"
#include "tui/text.h"
#include "tui/ui.h"

#include <string.h>
#include <time.h>

#define OPLOG_ROWS 500

struct oplog {
	struct pane pane;
	struct ui *ui;
	struct op *ops;
	size_t nops;
	long sel, top;
	int height;
	/* conflict resolution in progress */
	int64_t resolving;
	struct record mine, theirs, merged;
	size_t field; /* next field of mine to ask about in a merge */
	char *items[3];
	uint64_t step_timer;
	char bar[160]; /* the key bar, rebuilt on each call */
};

static void reload(struct oplog *s)
{
	outbox_ops_free(s->ops, s->nops);
	s->ops = NULL;
	s->nops = outbox_ops(ui_model(s->ui), NULL, OPLOG_ROWS, &s->ops);
	if (s->sel >= (long)s->nops)
		s->sel = s->nops ? (long)s->nops - 1 : 0;
	s->pane.dirty = true; /* the key bar is redrawn with the pane */
}

static const struct op *selected(const struct oplog *s)
{
	return s->sel < (long)s->nops ? &s->ops[s->sel] : NULL;
}

static void age(int64_t then, char *out, size_t cap)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	long sec = (long)(((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - then) / 1000);
	if (sec < 0)
		sec = 0;
	if (sec < 60)
		snprintf(out, cap, "%lds", sec);
	else if (sec < 3600)
		snprintf(out, cap, "%ldm", sec / 60);
	else if (sec < 86400)
		snprintf(out, cap, "%ldh", sec / 3600);
	else
		snprintf(out, cap, "%ldd", sec / 86400);
}

static enum ui_color state_color(enum op_state st)
{
	switch (st) {
	case OPS_PENDING:
	case OPS_SENDING:
		return UC_PENDING;
	case OPS_FAILED:
	case OPS_CONFLICT:
	case OPS_UNCERTAIN:
		return UC_FAILED;
	case OPS_CANCELLED:
		return UC_DIM;
	default:
		return UC_NORMAL;
	}
}

/* "org 12 / member 7 (role)": what the op is about. */
static void target_text(const struct op *o, struct buf *b)
{
	buf_puts(b, o->target ? o->target : o->kind == OP_CREATE ? "(new)" : "-");
	if (o->member)
		buf_printf(b, " / %s", o->member);
	if (o->role)
		buf_printf(b, " as %s", o->role);
	if (o->kind == OP_UPDATE || o->kind == OP_FIELD || o->kind == OP_CREATE)
		for (size_t i = 0; i < o->changes.nfields && i < 3; i++)
			buf_printf(b, "%s%s", i ? "," : " ", o->changes.fields[i].key);
}

static void cell(WINDOW *w, const char *s, int width, attr_t a)
{
	struct buf b;
	buf_init(&b);
	text_cell(s ? s : "", width > 0 ? width : 0, true, &b);
	wattrset(w, a);
	waddstr(w, b.data ? b.data : "");
	buf_free(&b);
}

static void draw(struct pane *p, struct ui *ui, WINDOW *w)
{
	struct oplog *s = (struct oplog *)p;
	int h, wd;
	getmaxyx(w, h, wd);
	s->height = h - 2 > 1 ? h - 2 : 1;
	werase(w);
	char head[96];
	snprintf(head, sizeof head, "Operations, newest first  (%zu shown)", s->nops);
	cell(w, head, wd, ui_attr(UC_TITLE));
	int wp = 16, wk = 13, ws = 10, wa = 5, wt = 24;
	int wm = wd - 2 - wp - wk - ws - wa - wt - 5;
	if (wm < 12) {
		wp = 0;
		wm = wd - 2 - wk - ws - wa - wt - 4;
	}
	wmove(w, 1, 0);
	attr_t ha = ui_attr(UC_HEADER);
	cell(w, "", 2, ha);
	if (wp) {
		cell(w, "Profile", wp, ha);
		cell(w, " ", 1, ha);
	}
	cell(w, "Kind", wk, ha);
	cell(w, " ", 1, ha);
	cell(w, "State", ws, ha);
	cell(w, " ", 1, ha);
	cell(w, "Target", wt, ha);
	cell(w, " ", 1, ha);
	cell(w, "Age", wa, ha);
	cell(w, " ", 1, ha);
	cell(w, "Message", wm, ha);
	if (s->sel < s->top)
		s->top = s->sel;
	if (s->sel >= s->top + s->height)
		s->top = s->sel - s->height + 1;
	struct buf b;
	buf_init(&b);
	for (int y = 0; y < s->height && s->top + y < (long)s->nops; y++) {
		long i = s->top + y;
		const struct op *o = &s->ops[i];
		bool sel = i == s->sel;
		attr_t base = sel ? ui_attr(UC_SELECTED) : A_NORMAL;
		attr_t st = sel ? base : ui_attr(state_color(o->state));
		wmove(w, y + 2, 0);
		cell(w,
		     o->state == OPS_CONFLICT || o->state == OPS_UNCERTAIN || o->state == OPS_FAILED
			 ? "! "
		     : o->state == OPS_PENDING || o->state == OPS_SENDING ? "* "
									  : "  ",
		     2, st);
		if (wp) {
			cell(w, o->profile, wp, base);
			cell(w, " ", 1, base);
		}
		cell(w, op_kind_name(o->kind), wk, base);
		cell(w, " ", 1, base);
		cell(w, op_state_name(o->state), ws, st);
		cell(w, " ", 1, base);
		buf_reset(&b);
		target_text(o, &b);
		cell(w, b.data, wt, base);
		cell(w, " ", 1, base);
		char a[16];
		age(o->created, a, sizeof a);
		cell(w, a, wa, base);
		cell(w, " ", 1, base);
		cell(w, o->message, wm, base);
	}
	buf_free(&b);
	if (!s->nops) {
		wattrset(w, ui_attr(UC_DIM));
		mvwaddstr(w, 3, 2, "No operations yet: changes you make are listed here.");
	}
	wattrset(w, A_NORMAL);
}

static bool cursor(struct pane *p, int *y, int *x)
{
	struct oplog *s = (struct oplog *)p;
	*y = (int)(s->sel - s->top) + 2;
	*x = 0;
	return s->nops > 0;
}

static bool can_retry(const struct op *o)
{
	return o && (o->state == OPS_FAILED || o->state == OPS_PENDING);
}

static bool can_cancel(const struct op *o)
{
	return o && (o->state == OPS_PENDING || o->state == OPS_FAILED ||
		     o->state == OPS_CONFLICT || o->state == OPS_UNCERTAIN);
}

static bool offers(struct pane *p, struct ui *ui, enum action a)
{
	struct oplog *s = (struct oplog *)p;
	const struct op *o = selected(s);
	switch (a) {
	case ACT_MOVE_DOWN:
	case ACT_MOVE_UP:
	case ACT_FIRST:
	case ACT_LAST:
	case ACT_PAGE_DOWN:
	case ACT_PAGE_UP:
	case ACT_BACK:
	case ACT_CLOSE:
	case ACT_QUIT:
	case ACT_HELP:
	case ACT_REDRAW:
		return true;
	case ACT_MEMBER_ROLE: /* r: retry */
		return can_retry(o);
	case ACT_DELETE:
	case ACT_MEMBER_REMOVE: /* d, x: cancel */
		return can_cancel(o);
	case ACT_OPEN: /* Enter: resolve */
		return o && (o->state == OPS_CONFLICT || o->state == OPS_UNCERTAIN);
	default:
		return false;
	}
}

/* The op log's own words for the keys it borrows (used by the help overlay too). */
const char *pane_oplog_label(enum action a, bool bar)
{
	switch (a) {
	case ACT_MEMBER_ROLE:
		return bar ? "retry" : "Retry the failed operation";
	case ACT_DELETE:
	case ACT_MEMBER_REMOVE:
		return bar ? "cancel" : "Cancel the operation";
	case ACT_OPEN:
		return bar ? "resolve" : "Resolve the conflict (mine, theirs, merge)";
	case ACT_CLOSE:
		return bar ? "close" : NULL;
	default:
		return NULL;
	}
}

static void free_items(struct oplog *s)
{
	for (int i = 0; i < 3; i++) {
		free(s->items[i]);
		s->items[i] = NULL;
	}
}

static void end_resolve(struct oplog *s)
{
	record_free(&s->mine);
	record_free(&s->theirs);
	record_free(&s->merged);
	record_init(&s->mine);
	record_init(&s->theirs);
	record_init(&s->merged);
	free_items(s);
	s->resolving = 0;
	s->field = 0;
}

static void ask_field(void *arg);

static void field_chosen(void *arg, int choice, const char *text)
{
	struct oplog *s = arg;
	struct model *m = ui_model(s->ui);
	if (choice < 0) {
		ui_message(s->ui, "Merge abandoned; the conflict is still there.");
		end_resolve(s);
		return;
	}
	/* Only fields the user keeps as theirs stay out of what is sent. */
	const struct record_field *f = &s->mine.fields[s->field];
	if (choice == 0)
		record_set(&s->merged, f->key, f->value);
	s->field++;
	if (s->field < s->mine.nfields) {
		s->step_timer = loop_timer(m->loop, 0, ask_field, s);
		return;
	}
	if (s->merged.nfields)
		outbox_resolve(m, s->resolving, RESOLVE_MERGE, &s->merged);
	else
		outbox_resolve(m, s->resolving, RESOLVE_THEIRS, NULL);
	ui_message(s->ui, "Merged: %zu of %zu fields kept as yours.", s->merged.nfields,
		   s->mine.nfields);
	end_resolve(s);
	reload(s);
}

/* One field of a merge: "Name: mine 'A' / theirs 'B'". */
static void ask_field(void *arg)
{
	struct oplog *s = arg;
	s->step_timer = 0;
	const struct record_field *f = &s->mine.fields[s->field];
	const char *theirs = record_get(&s->theirs, f->key);
	free_items(s);
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "mine: ");
	text_cell(f->value ? f->value : "(empty)", 50, false, &b);
	s->items[0] = buf_steal(&b);
	buf_init(&b);
	buf_puts(&b, "theirs: ");
	text_cell(theirs ? theirs : "(empty)", 50, false, &b);
	s->items[1] = buf_steal(&b);
	buf_init(&b);
	buf_printf(&b, "Field %zu of %zu: ", s->field + 1, s->mine.nfields);
	text_cell(f->label ? f->label : f->key, 40, false, &b);
	ui_push(s->ui,
		dialog_choose(s->ui, b.data, (const char *const *)s->items, 2, 0, field_chosen, s));
	buf_free(&b);
}

static void resolution_chosen(void *arg, int choice, const char *text)
{
	struct oplog *s = arg;
	struct model *m = ui_model(s->ui);
	struct op o;
	if (choice < 0 || !outbox_get(m, s->resolving, &o)) {
		end_resolve(s);
		return;
	}
	if (o.state == OPS_UNCERTAIN) {
		outbox_resolve(m, o.id, choice == 0 ? RESOLVE_MINE : RESOLVE_THEIRS, NULL);
		end_resolve(s);
	} else if (choice == 0) {
		outbox_resolve(m, o.id, RESOLVE_MINE, NULL);
		end_resolve(s);
	} else if (choice == 1) {
		outbox_resolve(m, o.id, RESOLVE_THEIRS, NULL);
		end_resolve(s);
	} else {
		record_copy(&s->mine, &o.changes);
		if (!outbox_theirs(m, o.id, &s->theirs))
			record_init(&s->theirs);
		s->field = 0;
		if (s->mine.nfields)
			s->step_timer = loop_timer(m->loop, 0, ask_field, s);
		else
			end_resolve(s);
	}
	op_free(&o);
	reload(s);
}

static void resolve(struct oplog *s, const struct op *o)
{
	end_resolve(s);
	s->resolving = o->id;
	if (o->state == OPS_UNCERTAIN) {
		s->items[0] = xstrdup("It did not reach the vendor: send it again");
		s->items[1] = xstrdup("It was applied: mark it done");
		ui_push(s->ui,
			dialog_choose(s->ui, "This operation may have been applied",
				      (const char *const *)s->items, 2, 0, resolution_chosen, s));
		return;
	}
	s->items[0] = xstrdup("Keep mine (send over theirs)");
	s->items[1] = xstrdup("Take theirs (drop my change)");
	s->items[2] = xstrdup("Merge field by field");
	ui_push(s->ui, dialog_choose(s->ui, "Changed elsewhere: resolve the conflict",
				     (const char *const *)s->items, 3, 0, resolution_chosen, s));
}

static int key(struct pane *p, struct ui *ui, enum action a, int k)
{
	struct oplog *s = (struct oplog *)p;
	struct model *m = ui_model(ui);
	long page = s->height > 1 ? s->height - 1 : 1;
	const struct op *o = selected(s);
	if (ui_list_key(p, a, &s->sel, (long)s->nops, page))
		return PR_HANDLED;
	switch (a) {
	case ACT_BACK:
	case ACT_CLOSE:
		return PR_CLOSE;
	case ACT_HELP:
		ui_push(ui, pane_help_new(ui, p));
		return PR_HANDLED;
	case ACT_MEMBER_ROLE:
		if (!can_retry(o)) {
			ui_message(ui, o ? "Only a failed or waiting operation can be retried."
					 : "No operation selected.");
			return PR_HANDLED;
		}
		outbox_retry(m, o->id);
		ui_message(ui, "Retrying operation %lld.", (long long)o->id);
		reload(s);
		return PR_HANDLED;
	case ACT_DELETE:
	case ACT_MEMBER_REMOVE:
		if (!can_cancel(o)) {
			ui_message(ui, o ? "This operation has ended; there is nothing to cancel."
					 : "No operation selected.");
			return PR_HANDLED;
		}
		outbox_cancel(m, o->id);
		ui_message(ui, "Cancelled operation %lld.", (long long)o->id);
		reload(s);
		return PR_HANDLED;
	case ACT_OPEN:
		if (o && (o->state == OPS_CONFLICT || o->state == OPS_UNCERTAIN))
			resolve(s, o);
		else if (o && o->message)
			ui_message(ui, "%s", o->message);
		return PR_HANDLED;
	default:
		return PR_IGNORED;
	}
}

static void on_change(struct pane *p, struct ui *ui, unsigned dirty)
{
	reload((struct oplog *)p);
}

static const char *keybar(struct pane *p)
{
	struct oplog *s = (struct oplog *)p;
	struct buf b;
	buf_init(&b);
	static const enum action order[] = {ACT_OPEN, ACT_MEMBER_ROLE, ACT_DELETE, ACT_HELP,
					    ACT_CLOSE};
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		if (!offers(p, s->ui, order[i]))
			continue;
		char keys[32];
		keymap_keys(order[i], keys, sizeof keys);
		char *sp = strchr(keys, ' ');
		if (sp)
			*sp = '\0';
		if (!keys[0])
			continue;
		const char *label = pane_oplog_label(order[i], true);
		buf_printf(&b, "%s %s  ", keys, label ? label : action_info[order[i]].bar);
	}
	snprintf(s->bar, sizeof s->bar, "%s", b.data ? b.data : "");
	buf_free(&b);
	return s->bar;
}

static void oplog_free(struct pane *p)
{
	struct oplog *s = (struct oplog *)p;
	if (s->step_timer)
		loop_timer_cancel(ui_model(s->ui)->loop, s->step_timer);
	end_resolve(s);
	outbox_ops_free(s->ops, s->nops);
	free(s);
}

static const struct pane_ops oplog_ops = {
    .name = "oplog",
    .draw = draw,
    .key = key,
    .on_change = on_change,
    .cursor = cursor,
    .offers = offers,
    .keybar = keybar,
    .free = oplog_free,
};

struct pane *pane_oplog_new(struct ui *ui)
{
	struct oplog *s = xcalloc(1, sizeof *s);
	s->pane.ops = &oplog_ops;
	s->ui = ui;
	record_init(&s->mine);
	record_init(&s->theirs);
	record_init(&s->merged);
	reload(s);
	return &s->pane;
}
