/* The members pane: one organization's members with their roles, read from the store and
 * refreshed in the background (stale-while-revalidate). Changes are outbox ops: `a` adds a
 * contact with a role, `x` removes (asks first, default No), `r` opens the role chooser,
 * `+`/`-` step the role at once. A member with an op in flight shows it beside the role
 * (the new role, "adding", "removing") until the vendor answers; ops this pane queued also
 * show "done" or the vendor's refusal. Keys a vendor cannot do are not offered. */
#include "model/fetch.h"
#include "model/model.h"
#include "model/outbox.h"
#include "net/buf.h"
#include "net/loop.h"
#include "net/xalloc.h"
#include "tui/dialog.h"
#include "tui/text.h"
#include "tui/ui.h"

#include <string.h>

#define OPS_LOOKBACK 300
#define MAX_WATCH 64

/* One line of the pane: a stored member, or a member being added (not stored yet). */
struct mrow {
	const char *id, *name, *email, *role;
	const struct op *op; /* newest op on this member worth showing, or NULL */
};

enum step { STEP_NONE, STEP_CONTACTS, STEP_ROLE_FOR_ADD };

struct members {
	struct pane pane;
	struct ui *ui;
	char *profile, *org_id, *org_name;
	const struct profile *prof;
	struct record_list list; /* from the store */
	struct op *ops;		 /* the profile's recent ops, newest first (see mine()) */
	size_t nops;
	struct mrow *rows;
	size_t nrows;
	long sel, top;
	int height;
	bool fetched; /* a fetch has answered since the pane opened */
	/* ops queued here: their end is shown ("done", the vendor's words) */
	int64_t watch[MAX_WATCH];
	int watch_state[MAX_WATCH];
	char *watch_name[MAX_WATCH]; /* the member's name, for the message when it ends */
	int nwatch;
	/* the add flow: contact chooser, then role chooser (each pushed on the next turn:
	 * a dialog's done callback runs before the ui pops it) */
	bool want_contacts;
	struct record_list contacts; /* offered in the chooser (not yet members) */
	char **contact_items;
	char *add_contact_id, *add_contact_name;
	enum step step;
	uint64_t step_timer;
	char *role_member; /* the member the role chooser is for */
	const char **role_items;
};

static bool caps(const struct members *s, unsigned c)
{
	return s->prof && s->prof->vendor && (s->prof->vendor->caps & c) == c;
}

static int nroles(const struct members *s)
{
	int n = 0;
	const char *const *r = s->prof && s->prof->vendor ? s->prof->vendor->roles : NULL;
	while (r && r[n])
		n++;
	return n;
}

static bool readonly(const struct members *s)
{
	return ui_model(s->ui)->readonly || (s->prof && s->prof->readonly);
}

static bool watched(const struct members *s, int64_t id)
{
	for (int i = 0; i < s->nwatch; i++)
		if (s->watch[i] == id)
			return true;
	return false;
}

static void watch(struct members *s, int64_t id, const char *name)
{
	if (id <= 0)
		return;
	if (s->nwatch == MAX_WATCH) {
		free(s->watch_name[0]);
		memmove(s->watch, s->watch + 1, sizeof s->watch[0] * (MAX_WATCH - 1));
		memmove(s->watch_state, s->watch_state + 1,
			sizeof s->watch_state[0] * (MAX_WATCH - 1));
		memmove(s->watch_name, s->watch_name + 1,
			sizeof s->watch_name[0] * (MAX_WATCH - 1));
		s->nwatch--;
	}
	s->watch[s->nwatch] = id;
	s->watch_name[s->nwatch] = xstrdup(name ? name : "");
	s->watch_state[s->nwatch++] = OPS_PENDING;
}

/* The vendor confirmed an op queued here: say so in words. */
static void say_done(struct members *s, const struct op *o, const char *name)
{
	struct buf n;
	buf_init(&n);
	text_cell(name, 40, false, &n);
	if (o->kind == OP_MEMBER_ADD)
		ui_message(s->ui, "Done: added %s as %s.", n.data, o->role ? o->role : "member");
	else if (o->kind == OP_MEMBER_REMOVE)
		ui_message(s->ui, "Done: removed %s from the organization.", n.data);
	else
		ui_message(s->ui, "Done: %s is now %s.", n.data, o->role ? o->role : "?");
	buf_free(&n);
}

static bool op_open(const struct op *o)
{
	return o->state != OPS_DONE && o->state != OPS_CANCELLED;
}

static bool is_member_op(const struct op *o)
{
	return o->kind == OP_MEMBER_ADD || o->kind == OP_MEMBER_REMOVE || o->kind == OP_MEMBER_ROLE;
}

/* A member op on this organization. */
static bool mine(const struct members *s, const struct op *o)
{
	return is_member_op(o) && o->target && !strcmp(o->target, s->org_id);
}

/* The newest op on member id that is still open or was queued here. */
static const struct op *member_op(const struct members *s, const char *id)
{
	for (size_t i = 0; i < s->nops; i++) {
		const struct op *o = &s->ops[i];
		if (mine(s, o) && o->member && !strcmp(o->member, id))
			return op_open(o) || watched(s, o->id) ? o : NULL;
	}
	return NULL;
}

static const char *contact_name(const struct members *s, const char *id)
{
	for (size_t i = 0; i < s->contacts.n; i++)
		if (s->contacts.items[i].id && !strcmp(s->contacts.items[i].id, id))
			return s->contacts.items[i].name;
	if (s->add_contact_id && !strcmp(s->add_contact_id, id))
		return s->add_contact_name;
	return NULL;
}

/* Rebuilds rows from the store's members and the outbox; calls for a refetch when an op
 * queued here has ended since the last look. */
static void reload(struct members *s)
{
	struct model *m = ui_model(s->ui);
	record_list_free(&s->list);
	memset(&s->list, 0, sizeof s->list);
	store_get_members(m->store, s->profile, s->org_id, &s->list);

	outbox_ops_free(s->ops, s->nops);
	s->ops = NULL;
	s->nops = outbox_ops(m, s->profile, OPS_LOOKBACK, &s->ops);

	bool ended = false;
	for (int w = 0; w < s->nwatch; w++)
		for (size_t i = 0; i < s->nops; i++)
			if (s->ops[i].id == s->watch[w] &&
			    (int)s->ops[i].state != s->watch_state[w]) {
				int was = s->watch_state[w];
				s->watch_state[w] = (int)s->ops[i].state;
				if ((s->ops[i].state == OPS_DONE ||
				     s->ops[i].state == OPS_FAILED) &&
				    was != OPS_DONE)
					ended = true;
				if (s->ops[i].state == OPS_FAILED && s->ops[i].message)
					ui_message(s->ui, "%s", s->ops[i].message);
				else if (s->ops[i].state == OPS_DONE && was != OPS_DONE)
					say_done(s, &s->ops[i], s->watch_name[w]);
			}
	if (ended)
		fetch_members(m, s->profile, s->org_id);

	free(s->rows);
	s->rows = xcalloc(s->list.n + s->nops + 1, sizeof *s->rows);
	s->nrows = 0;
	for (size_t i = 0; i < s->list.n; i++) {
		const struct record *r = &s->list.items[i];
		const struct op *o = member_op(s, r->id ? r->id : "");
		/* The outbox stores an added member as "Contact <id>" until the refetch. */
		const char *name = o && o->kind == OP_MEMBER_ADD ? contact_name(s, r->id) : NULL;
		s->rows[s->nrows++] =
		    (struct mrow){r->id ? r->id : "",
				  name	    ? name
				  : r->name ? r->name
					    : "",
				  record_get(r, "email"), record_get(r, "role"), o};
	}
	/* Members being added show until the store has them; members being removed (the
	 * outbox takes them out of the store at once) until the vendor confirms. */
	for (size_t i = 0; i < s->nops; i++) {
		const struct op *o = &s->ops[i];
		if (!mine(s, o) || o->kind == OP_MEMBER_ROLE || !o->member ||
		    member_op(s, o->member) != o)
			continue;
		bool stored = false;
		for (size_t k = 0; k < s->list.n && !stored; k++)
			stored = s->list.items[k].id && !strcmp(s->list.items[k].id, o->member);
		if (stored ||
		    (o->state == OPS_DONE && (o->kind == OP_MEMBER_REMOVE || !watched(s, o->id))))
			continue;
		const char *name = contact_name(s, o->member);
		for (int w = 0; !name && w < s->nwatch; w++)
			if (s->watch[w] == o->id && s->watch_name[w][0])
				name = s->watch_name[w];
		s->rows[s->nrows++] =
		    (struct mrow){o->member, name ? name : o->member, NULL, o->role, o};
	}
	if (s->sel >= (long)s->nrows)
		s->sel = s->nrows ? (long)s->nrows - 1 : 0;
	s->pane.dirty = true; /* the key bar is redrawn with the pane */
}

static const struct mrow *selected(const struct members *s)
{
	return s->sel < (long)s->nrows ? &s->rows[s->sel] : NULL;
}

/* What the row's op says: the role it is moving to, adding, removing, done, failed. */
static void op_text(const struct mrow *r, struct buf *out, enum ui_color *color)
{
	const struct op *o = r->op;
	*color = UC_NORMAL;
	if (!o)
		return;
	const char *verb = o->kind == OP_MEMBER_ADD	 ? "adding"
			   : o->kind == OP_MEMBER_REMOVE ? "removing"
							 : "role";
	switch (o->state) {
	case OPS_PENDING:
	case OPS_SENDING:
		*color = UC_PENDING;
		if (o->kind == OP_MEMBER_ROLE)
			buf_printf(out, "pending: -> %s", o->role ? o->role : "?");
		else
			buf_printf(out, "pending: %s", verb);
		break;
	case OPS_DONE:
		buf_puts(out, o->kind == OP_MEMBER_ADD	    ? "done: added"
			      : o->kind == OP_MEMBER_REMOVE ? "done: removed"
							    : "done");
		break;
	case OPS_FAILED:
		*color = UC_FAILED;
		buf_printf(out, "failed (%s): %s", verb, o->message ? o->message : "");
		break;
	case OPS_CONFLICT:
	case OPS_UNCERTAIN:
		*color = UC_FAILED;
		buf_printf(out, "%s: see the op log (o)", op_state_name(o->state));
		break;
	case OPS_CANCELLED:
		buf_puts(out, "cancelled");
		break;
	}
}

static void put_cell(WINDOW *w, const char *s, int width, attr_t a)
{
	struct buf b;
	buf_init(&b);
	text_cell(s ? s : "", width, true, &b);
	wattrset(w, a);
	waddstr(w, b.data ? b.data : "");
	buf_free(&b);
}

static void draw(struct pane *p, struct ui *ui, WINDOW *w)
{
	struct members *s = (struct members *)p;
	struct model *m = ui_model(ui);
	int h, wd;
	getmaxyx(w, h, wd);
	s->height = h - 2 > 1 ? h - 2 : 1;
	werase(w);
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "Members of ");
	text_cell(s->org_name, wd / 2, false, &b);
	buf_printf(&b, "  (%s, %s)  %zu", s->profile, s->prof ? s->prof->vendor->label : "?",
		   s->list.n);
	if (fetch_busy(m, "members", s->org_id))
		buf_puts(&b, "  refreshing...");
	if (readonly(s))
		buf_puts(&b, "  read-only");
	struct buf line;
	buf_init(&line);
	text_cell(b.data, wd, true, &line);
	wattrset(w, ui_attr(UC_TITLE));
	mvwaddstr(w, 0, 0, line.data);
	buf_free(&line);

	int wn = wd * 25 / 100, we = wd * 22 / 100, wr = 22;
	int wst = wd - 2 - wn - we - wr - 3;
	if (wst < 8) {
		we = 0;
		wst = wd - 2 - wn - wr - 2;
	}
	wmove(w, 1, 0);
	wattrset(w, ui_attr(UC_HEADER));
	waddstr(w, "  ");
	put_cell(w, "Name", wn, ui_attr(UC_HEADER));
	waddch(w, ' ');
	if (we) {
		put_cell(w, "Email", we, ui_attr(UC_HEADER));
		waddch(w, ' ');
	}
	put_cell(w, "Role", wr, ui_attr(UC_HEADER));
	waddch(w, ' ');
	put_cell(w, "Change", wst > 0 ? wst : 0, ui_attr(UC_HEADER));

	if (s->sel < s->top)
		s->top = s->sel;
	if (s->sel >= s->top + s->height)
		s->top = s->sel - s->height + 1;
	for (int y = 0; y < s->height; y++) {
		long i = s->top + y;
		if (i >= (long)s->nrows)
			break;
		const struct mrow *r = &s->rows[i];
		attr_t base = i == s->sel ? ui_attr(UC_SELECTED) : A_NORMAL;
		enum ui_color oc;
		buf_reset(&b);
		op_text(r, &b, &oc);
		attr_t mark = oc == UC_NORMAL ? base : ui_attr(oc);
		wmove(w, y + 2, 0);
		wattrset(w, i == s->sel ? base : mark);
		waddstr(w, !r->op || r->op->state == OPS_DONE ? "  "
			   : oc == UC_PENDING		      ? "* "
							      : "! ");
		put_cell(w, r->name, wn, base);
		put_cell(w, " ", 1, base);
		if (we) {
			put_cell(w, r->email, we, base);
			put_cell(w, " ", 1, base);
		}
		put_cell(w, r->role ? r->role : "", wr, base);
		put_cell(w, " ", 1, base);
		if (wst > 0)
			put_cell(w, b.data, wst,
				 i == s->sel ? base : ui_attr(oc == UC_NORMAL ? UC_DIM : oc));
	}
	if (!s->nrows) {
		wattrset(w, ui_attr(UC_DIM));
		mvwaddstr(w, 3, 2, s->fetched ? "No members." : "Loading members...");
	}
	wattrset(w, A_NORMAL);
	buf_free(&b);
}

static bool cursor(struct pane *p, int *y, int *x)
{
	struct members *s = (struct members *)p;
	*y = (int)(s->sel - s->top) + 2;
	*x = 0;
	return s->nrows > 0;
}

static bool offers(struct pane *p, struct ui *ui, enum action a)
{
	struct members *s = (struct members *)p;
	const struct mrow *r = selected(s);
	bool member = r && r->op == NULL ? true : r && r->op && r->op->kind != OP_MEMBER_ADD;
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
	case ACT_REFRESH:
	case ACT_HELP:
	case ACT_OPLOG:
	case ACT_REDRAW:
		return true;
	case ACT_MEMBER_ADD:
		return !readonly(s) && caps(s, VCAP_MEMBER_ADD | VCAP_CONTACTS) && nroles(s) > 0;
	case ACT_MEMBER_REMOVE:
		return !readonly(s) && caps(s, VCAP_MEMBER_REMOVE) && member;
	case ACT_MEMBER_ROLE:
	case ACT_ROLE_NEXT:
	case ACT_ROLE_PREV:
		return !readonly(s) && caps(s, VCAP_MEMBER_ROLE) && nroles(s) > 0 && member;
	default:
		return false;
	}
}

/* Why a member action is not offered, in one sentence. */
static void refuse(struct members *s, enum action a)
{
	struct model *m = ui_model(s->ui);
	const char *what = a == ACT_MEMBER_ADD	    ? "add members"
			   : a == ACT_MEMBER_REMOVE ? "remove members"
						    : "change member roles";
	if (readonly(s) && !model_write_allowed(m, s->profile)) /* the one read-only check */
		ui_message(s->ui, "%s", m->error);
	else if (!caps(s, a == ACT_MEMBER_ADD	   ? VCAP_MEMBER_ADD
			  : a == ACT_MEMBER_REMOVE ? VCAP_MEMBER_REMOVE
						   : VCAP_MEMBER_ROLE))
		ui_message(s->ui, "%s cannot %s.", s->prof ? s->prof->vendor->label : "This vendor",
			   what);
	else
		ui_message(s->ui, "No member selected.");
}

static const char *effective_role(const struct mrow *r)
{
	if (r->op && r->op->kind == OP_MEMBER_ROLE && op_open(r->op) && r->op->role)
		return r->op->role;
	return r->role;
}

static int role_index(const struct members *s, const char *role)
{
	const char *const *roles = s->prof->vendor->roles;
	for (int i = 0; role && roles[i]; i++)
		if (!strcmp(roles[i], role))
			return i;
	return -1;
}

static void set_role(struct members *s, const char *member, const char *name, const char *role)
{
	struct model *m = ui_model(s->ui);
	int64_t id = outbox_member_role(m, s->profile, s->org_id, member, role);
	if (id < 0) {
		ui_message(s->ui, "%s", m->error);
		return;
	}
	watch(s, id, name);
	ui_message(s->ui, "Changing the role of %s to %s...", name, role);
	reload(s);
}

static void step_role(struct members *s, int dir)
{
	const struct mrow *r = selected(s);
	int i = role_index(s, effective_role(r));
	int n = nroles(s);
	int next = i < 0 ? (dir > 0 ? 0 : n - 1) : i + dir;
	if (next < 0 || next >= n) {
		ui_message(s->ui, "%s is already the %s role.", effective_role(r),
			   dir > 0 ? "highest" : "lowest");
		return;
	}
	char *member = xstrdup(r->id), *name = xstrdup(r->name);
	set_role(s, member, name, s->prof->vendor->roles[next]);
	free(member);
	free(name);
}

static void role_chosen(void *arg, int choice, const char *text)
{
	struct members *s = arg;
	free(s->role_items);
	s->role_items = NULL;
	if (choice < 0 || !s->role_member)
		return;
	const char *name = s->role_member;
	for (size_t i = 0; i < s->nrows; i++)
		if (!strcmp(s->rows[i].id, s->role_member))
			name = s->rows[i].name;
	char *nm = xstrdup(name);
	set_role(s, s->role_member, nm, s->prof->vendor->roles[choice]);
	free(nm);
}

static void remove_confirmed(void *arg, int choice, const char *text)
{
	struct members *s = arg;
	if (choice != 1 || !s->role_member)
		return;
	struct model *m = ui_model(s->ui);
	int64_t id = outbox_member_remove(m, s->profile, s->org_id, s->role_member);
	if (id < 0) {
		ui_message(s->ui, "%s", m->error);
		return;
	}
	const char *name = s->role_member;
	for (size_t i = 0; i < s->nrows; i++)
		if (!strcmp(s->rows[i].id, s->role_member))
			name = s->rows[i].name;
	watch(s, id, name);
	reload(s);
}

static void free_contact_items(struct members *s)
{
	for (size_t i = 0; s->contact_items && s->contact_items[i]; i++)
		free(s->contact_items[i]);
	free(s->contact_items);
	s->contact_items = NULL;
}

static void add_role_chosen(void *arg, int choice, const char *text)
{
	struct members *s = arg;
	free(s->role_items);
	s->role_items = NULL;
	if (choice < 0 || !s->add_contact_id)
		return;
	struct model *m = ui_model(s->ui);
	const char *role = s->prof->vendor->roles[choice];
	int64_t id = outbox_member_add(m, s->profile, s->org_id, s->add_contact_id, role);
	if (id < 0) {
		ui_message(s->ui, "%s", m->error);
		return;
	}
	watch(s, id, s->add_contact_name);
	ui_message(s->ui, "Adding %s as %s...", s->add_contact_name, role);
	reload(s);
}

static void next_step(void *arg);

static void schedule(struct members *s, enum step st)
{
	s->step = st;
	if (!s->step_timer)
		s->step_timer = loop_timer(ui_model(s->ui)->loop, 0, next_step, s);
}

static void contact_chosen(void *arg, int choice, const char *text)
{
	struct members *s = arg;
	free_contact_items(s);
	if (choice < 0 || (size_t)choice >= s->contacts.n)
		return;
	free(s->add_contact_id);
	free(s->add_contact_name);
	s->add_contact_id = xstrdup(s->contacts.items[choice].id);
	s->add_contact_name = xstrdup(
	    s->contacts.items[choice].name ? s->contacts.items[choice].name : s->add_contact_id);
	schedule(s, STEP_ROLE_FOR_ADD);
}

static const char **role_list(const struct members *s)
{
	int n = nroles(s);
	const char **items = xcalloc((size_t)n + 1, sizeof *items);
	for (int i = 0; i < n; i++)
		items[i] = s->prof->vendor->roles[i];
	return items;
}

/* The contact chooser: contacts not already members, "Name <email>". */
static void open_contacts(struct members *s)
{
	struct model *m = ui_model(s->ui);
	struct record_list all = {0};
	if (!fetch_contacts_result(m, s->profile, &all)) {
		s->want_contacts = true;
		if (!fetch_busy(m, "contacts", NULL))
			fetch_contacts(m, s->profile);
		ui_message(s->ui, "Loading contacts...");
		return;
	}
	s->want_contacts = false;
	record_list_free(&s->contacts);
	memset(&s->contacts, 0, sizeof s->contacts);
	for (size_t i = 0; i < all.n; i++) {
		const struct record *c = &all.items[i];
		bool member = false;
		for (size_t k = 0; k < s->nrows && !member; k++)
			member = c->id && !strcmp(s->rows[k].id, c->id);
		if (!member && c->id)
			record_copy(record_list_push(&s->contacts), c);
	}
	record_list_free(&all);
	if (!s->contacts.n) {
		ui_message(s->ui, "Every contact is already a member.");
		return;
	}
	free_contact_items(s);
	s->contact_items = xcalloc(s->contacts.n + 1, sizeof *s->contact_items);
	for (size_t i = 0; i < s->contacts.n; i++) {
		const struct record *c = &s->contacts.items[i];
		const char *email = record_get(c, "email");
		char *raw = email ? xasprintf("%s <%s>", c->name ? c->name : c->id, email)
				  : xstrdup(c->name ? c->name : c->id);
		struct buf b;
		buf_init(&b);
		text_sanitize(raw, strlen(raw), &b);
		free(raw);
		s->contact_items[i] = b.data ? buf_steal(&b) : xstrdup("");
	}
	struct buf t;
	buf_init(&t);
	buf_puts(&t, "Add to ");
	text_cell(s->org_name, 40, false, &t);
	ui_push(s->ui, dialog_choose(s->ui, t.data, (const char *const *)s->contact_items,
				     (int)s->contacts.n, 0, contact_chosen, s));
	buf_free(&t);
}

static void next_step(void *arg)
{
	struct members *s = arg;
	s->step_timer = 0;
	enum step st = s->step;
	s->step = STEP_NONE;
	if (st == STEP_CONTACTS) {
		open_contacts(s);
	} else if (st == STEP_ROLE_FOR_ADD) {
		free(s->role_items);
		s->role_items = role_list(s);
		struct buf t;
		buf_init(&t);
		buf_puts(&t, "Role for ");
		text_cell(s->add_contact_name, 40, false, &t);
		ui_push(s->ui, dialog_choose(s->ui, t.data, s->role_items, nroles(s), 0,
					     add_role_chosen, s));
		buf_free(&t);
	}
}

static int key(struct pane *p, struct ui *ui, enum action a, int k)
{
	struct members *s = (struct members *)p;
	struct model *m = ui_model(ui);
	long page = s->height > 1 ? s->height - 1 : 1;
	const struct mrow *r = selected(s);
	if (ui_list_key(p, a, &s->sel, (long)s->nrows, page))
		return PR_HANDLED;
	switch (a) {
	case ACT_BACK:
	case ACT_CLOSE:
		return PR_CLOSE;
	case ACT_REFRESH:
		fetch_members(m, s->profile, s->org_id);
		s->pane.dirty = true;
		return PR_HANDLED;
	case ACT_HELP:
		ui_push(ui, pane_help_new(ui, p));
		return PR_HANDLED;
	case ACT_OPLOG:
		ui_push(ui, pane_oplog_new(ui));
		return PR_HANDLED;
	case ACT_MEMBER_ADD:
	case ACT_MEMBER_REMOVE:
	case ACT_MEMBER_ROLE:
	case ACT_ROLE_NEXT:
	case ACT_ROLE_PREV:
		break;
	default:
		return PR_IGNORED;
	}
	if (!offers(p, ui, a)) {
		refuse(s, a == ACT_ROLE_NEXT || a == ACT_ROLE_PREV ? ACT_MEMBER_ROLE : a);
		return PR_HANDLED;
	}
	if (a == ACT_MEMBER_ADD) {
		open_contacts(s);
		return PR_HANDLED;
	}
	free(s->role_member);
	s->role_member = xstrdup(r->id);
	if (a == ACT_ROLE_NEXT || a == ACT_ROLE_PREV) {
		step_role(s, a == ACT_ROLE_NEXT ? 1 : -1);
	} else if (a == ACT_MEMBER_ROLE) {
		free(s->role_items);
		s->role_items = role_list(s);
		int cur = role_index(s, effective_role(r));
		struct buf t;
		buf_init(&t);
		buf_puts(&t, "Role for ");
		text_cell(r->name, 40, false, &t);
		ui_push(ui, dialog_choose(ui, t.data, s->role_items, nroles(s), cur < 0 ? 0 : cur,
					  role_chosen, s));
		buf_free(&t);
	} else {
		struct buf q;
		buf_init(&q);
		buf_puts(&q, "Remove ");
		text_cell(r->name, 40, false, &q);
		buf_puts(&q, " from ");
		text_cell(s->org_name, 40, false, &q);
		buf_puts(&q, "?");
		ui_push(ui,
			dialog_confirm(ui, "Remove member", q.data, false, remove_confirmed, s));
		buf_free(&q);
	}
	return PR_HANDLED;
}

static void on_change(struct pane *p, struct ui *ui, unsigned dirty)
{
	struct members *s = (struct members *)p;
	struct model *m = ui_model(ui);
	if ((dirty & MODEL_DIRTY_MEMBERS) && !fetch_busy(m, "members", s->org_id))
		s->fetched = true;
	reload(s);
	if (s->want_contacts && (dirty & MODEL_DIRTY_MEMBERS) && !fetch_busy(m, "contacts", NULL))
		schedule(s, STEP_CONTACTS);
}

static const char *keybar(struct pane *p)
{
	return NULL;
}

static void members_free(struct pane *p)
{
	struct members *s = (struct members *)p;
	if (s->step_timer)
		loop_timer_cancel(ui_model(s->ui)->loop, s->step_timer);
	record_list_free(&s->list);
	record_list_free(&s->contacts);
	outbox_ops_free(s->ops, s->nops);
	free_contact_items(s);
	free(s->rows);
	for (int i = 0; i < s->nwatch; i++)
		free(s->watch_name[i]);
	free(s->role_items);
	free(s->role_member);
	free(s->add_contact_id);
	free(s->add_contact_name);
	free(s->profile);
	free(s->org_id);
	free(s->org_name);
	free(s);
}

static const struct pane_ops members_ops = {
    .name = "members",
    .draw = draw,
    .key = key,
    .on_change = on_change,
    .cursor = cursor,
    .offers = offers,
    .keybar = keybar,
    .free = members_free,
};

struct pane *pane_members_new(struct ui *ui, const char *profile, const char *org_id,
			      const char *org_name)
{
	struct model *m = ui_model(ui);
	struct members *s = xcalloc(1, sizeof *s);
	s->pane.ops = &members_ops;
	s->ui = ui;
	s->profile = xstrdup(profile);
	s->org_id = xstrdup(org_id);
	s->org_name = xstrdup(org_name && *org_name ? org_name : org_id);
	s->prof = config_profile(&m->cfg, profile);
	reload(s);
	fetch_members(m, s->profile, s->org_id);
	return &s->pane;
}
