/* The list pane: organizations of the current profile as a window over the store.
 * Only the visible rows are read (store_window); scrolling by a row moves the terminal's
 * own lines (wscrl) and draws the one new row. Filter-as-you-type narrows the list with
 * each key and highlights the matches; s/S sort by a column. */
#include "model/fold.h"
#include "model/model.h"
#include "net/buf.h"
#include "net/loop.h"
#include "model/outbox.h"
#include "model/auth.h"
#include "net/xalloc.h"
#include "tui/dialog.h"
#include "tui/text.h"
#include "tui/ui.h"

#include <string.h>
#include <strings.h>

#define MAX_ROWS 512
#define COUNT_CAP 100000000L
#define FILTER_COUNT_CAP 1000L
#define MAX_SERVER_FILTERS 8

/* A marked row (Space), kept by profile and id so it survives scrolling and re-sorting. */
struct mark {
	char *profile, *id, *name;
};

struct list {
	struct pane pane;
	struct ui *ui;
	struct buf filter;
	bool filtering; /* the filter line has the keyboard */
	int sort_col;
	bool desc;
	long count;
	long count_cap; /* a filtered count stops here; grows as the user scrolls */
	long top, sel;
	int height; /* rows of the list (pane height - header) */
	struct store_row rows[MAX_ROWS];
	int nrows;
	long rows_top; /* offset rows[] was read from */
	bool stale;    /* rows[] must be re-read */
	int scroll_by; /* pending wscrl for the next draw */
	char *profile;
	bool all; /* every profile's cached rows (profile switcher) */
	struct mark *marks;
	int nmarks;
	char *sf[MAX_SERVER_FILTERS][2]; /* server-side filters from the filter builder */
	int nsf;
	bool signin_open;      /* the sign-in dialog is up */
	bool signin_dismissed; /* Esc on it: not asked again until R */
	bool budget;	       /* typing a filter: queries get a time budget */
	bool partial;	       /* a budgeted query stopped early; completion is scheduled */
	uint64_t complete_timer;
};

/* While a filter is typed, each query may take this long; what a short filter would scan
 * for longer is finished once the typing pauses. */
#define KEY_BUDGET_MS 10
#define COMPLETE_AFTER_MS 150

static struct store_query query(struct list *l)
{
	struct model *m = ui_model(l->ui);
	return (struct store_query){
	    .profile = l->all ? NULL : model_list_key(m),
	    .filter = l->filter.data,
	    .sort_col = l->sort_col,
	    .desc = l->desc,
	};
}

static void recount(struct list *l);

static void complete_now(void *arg)
{
	struct list *l = arg;
	l->complete_timer = 0;
	l->budget = false;
	l->partial = false;
	recount(l);
	l->pane.dirty = true;
}

static void schedule_completion(struct list *l)
{
	struct model *m = ui_model(l->ui);
	l->partial = true;
	if (l->complete_timer)
		loop_timer_cancel(m->loop, l->complete_timer);
	l->complete_timer = loop_timer(m->loop, COMPLETE_AFTER_MS, complete_now, l);
}

static void recount(struct list *l)
{
	struct store_query q = query(l);
	bool filtered = q.filter && q.filter[0];
	/* A filtered count stops early: exact counts of common matches cost a full scan. */
	long cap = filtered ? l->count_cap : COUNT_CAP;
	struct store *st = ui_model(l->ui)->store;
	store_set_budget(st, l->budget ? KEY_BUDGET_MS : 0);
	l->count = store_count(st, &q, cap);
	bool cut = store_last_partial(st);
	store_set_budget(st, 0);
	if (cut)
		schedule_completion(l);
	struct store_query all = q;
	all.filter = NULL;
	long total = filtered ? store_count(ui_model(l->ui)->store, &all, COUNT_CAP) : l->count;
	ui_set_counts(l->ui, l->count, total, filtered && (cut || l->count >= cap));
	if (l->sel >= l->count)
		l->sel = l->count ? l->count - 1 : 0;
	if (l->top > l->sel)
		l->top = l->sel;
	l->stale = true;
}

static void fetch(struct list *l)
{
	store_rows_free(l->rows, l->nrows);
	struct store_query q = query(l);
	int want = l->height < MAX_ROWS ? l->height : MAX_ROWS;
	struct store *st = ui_model(l->ui)->store;
	store_set_budget(st, l->budget ? KEY_BUDGET_MS : 0);
	l->nrows = store_window(st, &q, l->top, want, l->rows);
	/* Rows of a vendor-filtered view are stored as "<profile>?<filters>": they belong to
	 * the profile itself. */
	for (int i = 0; i < l->nrows; i++) {
		char *qm = l->rows[i].profile ? strchr(l->rows[i].profile, '?') : NULL;
		if (qm)
			*qm = '\0';
	}
	if (store_last_partial(st))
		schedule_completion(l);
	store_set_budget(st, 0);
	l->rows_top = l->top;
	l->stale = false;
}

static void col_widths(struct list *l, int total, int *w, int *ncols)
{
	struct model *m = ui_model(l->ui);
	const char *keys[STORE_COLS - 1];
	model_colkeys(m->profile, keys);
	int n = 1;
	int used = 2; /* marker */
	if (l->all) {
		w[1] = 12;
		w[2] = total - 2 - 12 - 2 > 60 ? 20 : 12;
		w[0] = total - used - w[1] - w[2] - 2;
		*ncols = 3;
		return;
	}
	for (int c = 1; c < STORE_COLS && keys[c - 1]; c++) {
		const struct field_spec *f = vendor_field(m->profile->vendor, keys[c - 1]);
		int fw = f && f->width ? f->width : 16;
		if (used + fw + 1 + 20 > total)
			break;
		w[c] = fw;
		used += fw + 1;
		n++;
	}
	w[0] = total - used;
	*ncols = n;
}

/* Draws one cell with the filter's matches highlighted. */
static void draw_cell(struct list *l, WINDOW *w, const char *s, int width, attr_t base)
{
	struct buf cell;
	buf_init(&cell);
	text_cell(s, width, true, &cell);
	const char *t = cell.data ? cell.data : "";
	size_t st[16], en[16];
	int n = 0;
	if (l->filter.len) {
		char *needle = fold_text(l->filter.data);
		n = text_find_folded(t, needle, st, en, 16);
		free(needle);
	}
	size_t pos = 0;
	for (int i = 0; i < n; i++) {
		if (st[i] < pos)
			continue;
		wattrset(w, base);
		waddnstr(w, t + pos, (int)(st[i] - pos));
		wattrset(w, base | ui_attr(UC_MATCH));
		waddnstr(w, t + st[i], (int)(en[i] - st[i]));
		pos = en[i];
	}
	wattrset(w, base);
	waddstr(w, t + pos);
	buf_free(&cell);
}

static int is_marked(const struct list *l, const char *profile, const char *id)
{
	for (int i = 0; i < l->nmarks; i++)
		if (!strcmp(l->marks[i].id, id) && !strcmp(l->marks[i].profile, profile))
			return i;
	return -1;
}

/* Column c of a row; the all-profiles list shows Name, Vendor, Profile. */
static const char *row_cell(const struct list *l, const struct store_row *r, int c)
{
	if (!l->all)
		return r->cols[c];
	if (c == 0)
		return r->cols[0];
	const struct profile *p = config_profile(&ui_model(l->ui)->cfg, r->profile);
	return c == 1 ? (p ? p->vendor->label : "?") : r->profile;
}

static const char *col_label(const struct list *l, int c)
{
	if (l->all)
		return c == 0 ? "Name" : c == 1 ? "Vendor" : "Profile";
	return model_col_label(ui_model(l->ui)->profile, c);
}

static void draw_row(struct list *l, WINDOW *w, int y, int *cw, int ncols)
{
	long idx = l->top + y;
	int k = (int)(idx - l->rows_top);
	wmove(w, y + 1, 0);
	if (k < 0 || k >= l->nrows) {
		wattrset(w, A_NORMAL);
		wclrtoeol(w);
		return;
	}
	const struct store_row *r = &l->rows[k];
	bool sel = idx == l->sel;
	attr_t base = sel ? ui_attr(UC_SELECTED) : A_NORMAL;
	static const char *const marks[] = {"  ", "* ", "! ", "! "};
	attr_t mark_attr = r->state == 1   ? ui_attr(UC_PENDING)
			   : r->state >= 2 ? ui_attr(UC_FAILED)
					   : base;
	wattrset(w, sel ? base : mark_attr);
	if (is_marked(l, r->profile, r->id) >= 0) {
		waddstr(w, r->state ? (r->state == 1 ? "*" : "!") : " ");
		wattrset(w, base | A_BOLD);
		waddstr(w, text_utf8() ? "✓" : "+");
	} else {
		waddstr(w, marks[r->state & 3]);
	}
	for (int c = 0; c < ncols; c++) {
		draw_cell(l, w, row_cell(l, r, c), cw[c], base);
		if (c + 1 < ncols) {
			wattrset(w, base);
			waddch(w, ' ');
		}
	}
}

static void draw(struct pane *p, struct ui *ui, WINDOW *w)
{
	struct list *l = (struct list *)p;
	struct model *m = ui_model(ui);
	int h, wd;
	getmaxyx(w, h, wd);
	l->height = h - 1;
	if (!m->profile) {
		werase(w);
		mvwaddstr(w, 1, 2, "No profile configured.");
		return;
	}
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + l->height)
		l->top = l->sel - l->height + 1;
	if (l->stale || l->rows_top != l->top || l->nrows < l->height)
		fetch(l);
	int cw[STORE_COLS], ncols;
	col_widths(l, wd, cw, &ncols);

	/* Header: column titles with the sort marker. */
	wmove(w, 0, 0);
	wattrset(w, ui_attr(UC_HEADER));
	waddstr(w, "  ");
	for (int c = 0; c < ncols; c++) {
		struct buf b;
		buf_init(&b);
		const char *label = col_label(l, c);
		buf_puts(&b, label ? label : "");
		if (l->sort_col == c)
			buf_puts(&b, l->desc ? (text_utf8() ? " ▼" : " v")
					     : (text_utf8() ? " ▲" : " ^"));
		struct buf cell;
		buf_init(&cell);
		text_cell(b.data, cw[c], true, &cell);
		waddstr(w, cell.data);
		if (c + 1 < ncols)
			waddch(w, ' ');
		buf_free(&b);
		buf_free(&cell);
	}
	wclrtoeol(w);
	for (int y = 0; y < l->height; y++)
		draw_row(l, w, y, cw, ncols);
	if (!l->count) {
		wattrset(w, ui_attr(UC_DIM));
		mvwaddstr(w, 2, 2,
			  l->filter.len
			      ? "No organization matches the filter."
			      : "No organizations cached yet; refreshing from the vendor...");
	}
	wattrset(w, A_NORMAL);
}

static bool cursor(struct pane *p, int *y, int *x)
{
	struct list *l = (struct list *)p;
	*y = (int)(l->sel - l->top) + 1;
	*x = 0;
	return l->count > 0;
}

static void show_filter_prompt(struct list *l)
{
	ui_prompt(l->ui, "/", l->filter.data, text_width(l->filter.data ? l->filter.data : ""));
}

static void filter_changed(struct list *l)
{
	l->count_cap = FILTER_COUNT_CAP;
	l->budget = true;
	l->sel = l->top = 0;
	recount(l);
	l->pane.dirty = true;
	ui_status_dirty(l->ui);
}

static void filter_backspace(struct list *l)
{
	if (!l->filter.len)
		return;
	/* Remove one whole UTF-8 character. */
	size_t n = l->filter.len;
	do
		n--;
	while (n > 0 && ((unsigned char)l->filter.data[n] & 0xC0) == 0x80);
	l->filter.len = n;
	l->filter.data[n] = '\0';
}

static int filter_key(struct list *l, int key)
{
	if (key == 27) { /* Esc clears */
		buf_reset(&l->filter);
		l->filtering = false;
		ui_prompt_end(l->ui);
		filter_changed(l);
		return PR_HANDLED;
	}
	if (key == '\n') {
		l->filtering = false;
		ui_prompt_end(l->ui);
		l->pane.dirty = true;
		return PR_HANDLED;
	}
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		filter_backspace(l);
	} else if (key == 21) { /* C-u */
		buf_reset(&l->filter);
	} else if (key == KEY_DOWN || key == KEY_UP) {
		l->filtering = false;
		ui_prompt_end(l->ui);
		return PR_HANDLED;
	} else if (key >= 32 && key < 256 && key != 127 && l->filter.len < 200) {
		buf_putc(&l->filter, (char)key);
		/* Wait for the rest of a multi-byte character before querying. */
		const unsigned char *s = (const unsigned char *)l->filter.data;
		size_t i = l->filter.len;
		size_t start = i - 1;
		while (start > 0 && (s[start] & 0xC0) == 0x80)
			start--;
		unsigned char lead = s[start];
		size_t need = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
		if (i - start < need)
			return PR_HANDLED;
	} else {
		return PR_HANDLED;
	}
	show_filter_prompt(l);
	filter_changed(l);
	return PR_HANDLED;
}

static void move_to(struct list *l, long sel)
{
	/* Endless paging: near the end of a capped count, count further. */
	if (l->filter.len && l->count >= l->count_cap && sel >= l->count - l->height * 2) {
		l->count_cap *= 4;
		recount(l);
	}
	if (sel >= l->count)
		sel = l->count - 1;
	if (sel < 0)
		sel = 0;
	if (sel == l->sel)
		return;
	l->sel = sel;
	l->pane.dirty = true;
}

static bool offers(struct pane *p, struct ui *ui, enum action a);

/* The selected row, read from the store when the window has moved since the last draw. */
static const struct store_row *selected_row(struct list *l)
{
	if (!l->count)
		return NULL;
	long k = l->sel - l->rows_top;
	if (l->stale || k < 0 || k >= l->nrows) {
		if (l->sel < l->top || l->sel >= l->top + l->height)
			l->top = l->sel;
		fetch(l);
		k = l->sel - l->rows_top;
	}
	return k >= 0 && k < l->nrows ? &l->rows[k] : NULL;
}

static const struct profile *row_profile(struct list *l, const struct store_row *r)
{
	return r ? config_profile(&ui_model(l->ui)->cfg, r->profile) : NULL;
}

static bool row_caps(struct list *l, const struct store_row *r, unsigned caps)
{
	const struct profile *p = row_profile(l, r);
	return p && (p->vendor->caps & caps) == caps;
}

static bool writable(struct list *l, const struct profile *p)
{
	return p && !ui_model(l->ui)->readonly && !p->readonly;
}

static void clear_marks(struct list *l)
{
	for (int i = 0; i < l->nmarks; i++) {
		free(l->marks[i].profile);
		free(l->marks[i].id);
		free(l->marks[i].name);
	}
	free(l->marks);
	l->marks = NULL;
	l->nmarks = 0;
}

static void toggle_mark(struct list *l)
{
	const struct store_row *r = selected_row(l);
	if (!r)
		return;
	int i = is_marked(l, r->profile, r->id);
	if (i >= 0) {
		free(l->marks[i].profile);
		free(l->marks[i].id);
		free(l->marks[i].name);
		l->marks[i] = l->marks[--l->nmarks];
	} else {
		l->marks = xrealloc(l->marks, sizeof *l->marks * (size_t)(l->nmarks + 1));
		l->marks[l->nmarks++] = (struct mark){xstrdup(r->profile), xstrdup(r->id),
						      xstrdup(r->cols[0] ? r->cols[0] : r->id)};
	}
	ui_message(l->ui, "%d marked%s", l->nmarks, l->nmarks ? " (d deletes them all)" : "");
	move_to(l, l->sel + 1);
	l->pane.dirty = true;
}

static void bulk_answered(void *arg, int choice, const char *text)
{
	struct list *l = arg;
	struct model *m = ui_model(l->ui);
	if (choice != 1)
		return;
	int queued = 0, refused = 0;
	outbox_batch_begin(m);
	for (int i = 0; i < l->nmarks; i++) {
		const struct profile *p = config_profile(&m->cfg, l->marks[i].profile);
		if (p && (p->vendor->caps & VCAP_DELETE) &&
		    outbox_delete(m, l->marks[i].profile, l->marks[i].id) > 0)
			queued++;
		else
			refused++;
	}
	outbox_batch_end(m);
	clear_marks(l);
	if (refused)
		ui_message(l->ui, "%d deletes queued, %d refused: %s", queued, refused, m->error);
	else
		ui_message(l->ui, "%d deletes queued", queued);
	l->stale = true;
	l->pane.dirty = true;
	ui_status_dirty(l->ui);
}

/* d with rows marked: one confirm naming how many and the first few, then a delete each. */
static int bulk_delete(struct list *l)
{
	struct model *m = ui_model(l->ui);
	int allowed = 0;
	for (int i = 0; i < l->nmarks; i++) {
		const struct profile *p = config_profile(&m->cfg, l->marks[i].profile);
		if (p && (p->vendor->caps & VCAP_DELETE) && writable(l, p))
			allowed++;
	}
	if (!allowed) {
		if (m->profile && !model_write_allowed(m, l->marks[0].profile))
			ui_message(l->ui, "%s", m->error);
		else
			ui_message(l->ui, "None of the marked organizations can be deleted.");
		return PR_HANDLED;
	}
	struct buf q;
	buf_init(&q);
	buf_printf(&q, "Delete %d organization%s: ", l->nmarks, l->nmarks == 1 ? "" : "s");
	for (int i = 0; i < l->nmarks && i < 3; i++) {
		buf_puts(&q, i ? ", \"" : "\"");
		text_cell(l->marks[i].name, 30, false, &q);
		buf_putc(&q, '"');
	}
	if (l->nmarks > 3)
		buf_printf(&q, " and %d more", l->nmarks - 3);
	buf_puts(&q, "?\nThis cannot be undone.");
	ui_push(l->ui, dialog_confirm(l->ui, "Delete marked organizations", q.data, false,
				      bulk_answered, l));
	buf_free(&q);
	return PR_HANDLED;
}

/* Enter, e, c, y, d on the selected organization; the checks and the delete/duplicate
 * confirm are shared with the detail (pane_detail.c). */
static int org_action(struct list *l, struct ui *ui, enum action a)
{
	struct model *m = ui_model(ui);
	const struct store_row *r = a == ACT_CREATE ? NULL : selected_row(l);
	const char *profile = r ? r->profile : m->profile ? m->profile->name : NULL;
	if (!profile || (a != ACT_CREATE && !r)) {
		ui_message(ui, "No organization selected.");
		return PR_HANDLED;
	}
	if (!org_action_allowed(ui, profile, a)) {
		const struct profile *p = config_profile(&m->cfg, profile);
		if (p && !model_write_allowed(m, profile))
			ui_message(ui, "%s", m->error);
		else
			ui_message(ui, "%s cannot %s organizations.",
				   p ? p->vendor->label : "This vendor",
				   a == ACT_EDIT	? "update"
				   : a == ACT_CREATE	? "create"
				   : a == ACT_DUPLICATE ? "duplicate"
							: "delete");
		return PR_HANDLED;
	}
	if (a == ACT_OPEN)
		ui_push(ui, pane_detail_new(ui, profile, r->id));
	else if (a == ACT_EDIT || a == ACT_CREATE)
		ui_push(ui, pane_form_new(ui, profile, r ? r->id : NULL));
	else
		ui_push(ui, org_confirm(ui, a, profile, r->id, r->cols[0], NULL, NULL));
	return PR_HANDLED;
}

static int key(struct pane *p, struct ui *ui, enum action a, int k)
{
	struct list *l = (struct list *)p;
	struct model *m = ui_model(ui);
	if (l->filtering)
		return filter_key(l, k);
	long page = l->height > 1 ? l->height - 1 : 1;
	/* Delete with rows marked: one confirm for all of them. */
	if (a == ACT_DELETE && l->nmarks)
		return bulk_delete(l);
	switch (a) {
	case ACT_MEMBERS: {
		const struct store_row *r = selected_row(l);
		if (!r)
			ui_message(ui, "No organization selected.");
		else if (!row_caps(l, r, VCAP_MEMBERS))
			ui_message(ui, "%s has no members to show.",
				   row_profile(l, r) ? row_profile(l, r)->vendor->label
						     : "This vendor");
		else
			ui_push(ui, pane_members_new(ui, r->profile, r->id, r->cols[0]));
		return PR_HANDLED;
	}
	case ACT_OPLOG:
		ui_push(ui, pane_oplog_new(ui));
		return PR_HANDLED;
	case ACT_PROFILES:
		ui_push(ui, pane_profiles_new(ui, p));
		return PR_HANDLED;
	case ACT_COMMAND:
		ui_push(ui, cmdline_new(ui, p));
		return PR_HANDLED;
	case ACT_HELP:
		ui_push(ui, pane_help_new(ui, p));
		return PR_HANDLED;
	case ACT_UNDO:
		/* The inverse of the last update or role change becomes a new op. */
		if (m->profile && model_write_allowed(m, m->profile->name)) {
			if (outbox_undo(m, m->profile->name) > 0)
				ui_message(ui, "Undo queued: see the op log (o).");
			else
				ui_message(ui, "%s", m->error[0] ? m->error : "Nothing to undo.");
		} else if (m->profile) {
			ui_message(ui, "%s", m->error);
		}
		return PR_HANDLED;
	case ACT_MARK:
		if (offers(p, ui, a))
			toggle_mark(l);
		else if (m->profile && !model_write_allowed(m, m->profile->name))
			ui_message(ui, "%s", m->error);
		else
			ui_message(
			    ui, "%s cannot delete organizations, so there is nothing to mark for.",
			    m->profile ? m->profile->vendor->label : "This vendor");
		return PR_HANDLED;
	case ACT_FILTER_BUILDER:
		if (offers(p, ui, a))
			ui_push(ui, pane_filters_new(ui, p, m->profile->vendor));
		else
			ui_message(ui, "No server-side filters here.");
		return PR_HANDLED;
	case ACT_MOVE_DOWN:
		move_to(l, l->sel + 1);
		return PR_HANDLED;
	case ACT_MOVE_UP:
		move_to(l, l->sel - 1);
		return PR_HANDLED;
	case ACT_PAGE_DOWN:
		l->top += page;
		if (l->top > l->count - l->height)
			l->top = l->count - l->height > 0 ? l->count - l->height : 0;
		move_to(l, l->sel + page);
		l->pane.dirty = true;
		return PR_HANDLED;
	case ACT_PAGE_UP:
		l->top = l->top > page ? l->top - page : 0;
		move_to(l, l->sel - page);
		l->pane.dirty = true;
		return PR_HANDLED;
	case ACT_FIRST:
		move_to(l, 0);
		return PR_HANDLED;
	case ACT_LAST:
		move_to(l, l->count - 1);
		return PR_HANDLED;
	case ACT_FILTER:
		l->filtering = true;
		show_filter_prompt(l);
		return PR_HANDLED;
	case ACT_BACK:
		if (l->filter.len) {
			buf_reset(&l->filter);
			filter_changed(l);
		}
		return PR_HANDLED;
	case ACT_SORT:
		if (l->all) {
			l->sort_col = l->sort_col < 0 ? 0 : -1;
			l->stale = l->pane.dirty = true;
			return PR_HANDLED;
		}
		l->sort_col =
		    l->sort_col + 1 >= STORE_COLS || !model_col_label(m->profile, l->sort_col + 1)
			? -1
			: l->sort_col + 1;
		l->stale = true;
		l->pane.dirty = true;
		ui_message(ui, "sorted by %s",
			   l->sort_col < 0 ? "the vendor's order"
					   : model_col_label(m->profile, l->sort_col));
		return PR_HANDLED;
	case ACT_SORT_REVERSE:
		l->desc = !l->desc;
		l->stale = true;
		l->pane.dirty = true;
		return PR_HANDLED;
	case ACT_REFRESH:
		l->signin_dismissed = false;
		model_refresh(m);
		return PR_HANDLED;
	case ACT_OPEN:
	case ACT_EDIT:
	case ACT_CREATE:
	case ACT_DUPLICATE:
	case ACT_DELETE:
		return org_action(l, ui, a);
	case ACT_NONE: {
		/* The mouse, when [ui] mouse = yes: a click selects, the wheel scrolls. */
		MEVENT ev;
		if (k != KEY_MOUSE || getmouse(&ev) != OK)
			return PR_IGNORED;
		if (ev.bstate & BUTTON4_PRESSED)
			move_to(l, l->sel - 3);
		else if (ev.bstate & BUTTON5_PRESSED)
			move_to(l, l->sel + 3);
		else if ((ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) && ev.y >= 2)
			move_to(l, l->top + ev.y - 2); /* below the title and the column header */
		return PR_HANDLED;
	}
	case ACT_CLOSE:
		return PR_CLOSE;
	default:
		return PR_IGNORED;
	}
}

static void signin_done(void *arg, int choice, const char *text)
{
	struct list *l = arg;
	struct model *m = ui_model(l->ui);
	l->signin_open = false;
	if (!text || !text[0] || !m->profile) {
		l->signin_dismissed = true;
		return;
	}
	auth_submit_code(m, m->profile, text);
	model_refresh(m); /* its requests wait for the token */
	ui_message(l->ui, "Signing in to %s...", m->profile->vendor->label);
}

static void on_change(struct pane *p, struct ui *ui, unsigned dirty)
{
	struct list *l = (struct list *)p;
	struct model *m = ui_model(ui);
	const char *name = m->profile ? m->profile->name : "";
	if (!l->profile || strcmp(l->profile, name)) {
		free(l->profile);
		l->profile = xstrdup(name);
		l->sel = l->top = 0;
		dirty |= MODEL_DIRTY_LIST;
	}
	if (dirty & MODEL_DIRTY_LIST) {
		recount(l);
		p->dirty = true; /* the key bar, redrawn with the pane, gains the row actions */
		ui_status_dirty(ui);
	}
	/* A profile that signs in through the vendor's web page and has no token yet: ask
	 * for the code once (R asks again after Esc). */
	if (m->profile && auth_needs_person(m->profile) && !l->signin_open &&
	    !l->signin_dismissed && ui_top(ui) == p) {
		char *url = auth_authorize_url(m, m->profile);
		if (url) {
			char *label =
			    xasprintf("Open this page in a browser, sign in, then paste the "
				      "code it shows here:\n%s",
				      url);
			char *title = xasprintf("Sign in to %s (%s)", m->profile->vendor->label,
						m->profile->name);
			l->signin_open = true;
			ui_push(ui, dialog_text(ui, title, label, "", signin_done, l));
			free(label);
			free(title);
			free(url);
		}
	}
}

static bool wants_text(struct pane *p)
{
	return ((struct list *)p)->filtering;
}

static void list_free(struct pane *p)
{
	struct list *l = (struct list *)p;
	if (l->complete_timer)
		loop_timer_cancel(ui_model(l->ui)->loop, l->complete_timer);
	store_rows_free(l->rows, l->nrows);
	buf_free(&l->filter);
	free(l->profile);
	clear_marks(l);
	for (int i = 0; i < l->nsf; i++)
		free(l->sf[i][0]), free(l->sf[i][1]);
	free(l);
}

long pane_list_count(struct pane *p);
long pane_list_count(struct pane *p)
{
	return ((struct list *)p)->count;
}

static bool offers(struct pane *p, struct ui *ui, enum action a)
{
	struct list *l = (struct list *)p;
	struct model *m = ui_model(ui);
	switch (a) {
	case ACT_MEMBERS: {
		const struct store_row *r = selected_row(l);
		return r && row_caps(l, r, VCAP_MEMBERS);
	}
	case ACT_OPLOG:
	case ACT_PROFILES:
	case ACT_COMMAND:
	case ACT_HELP:
		return true;
	case ACT_UNDO:
		return !l->all && m->profile && writable(l, m->profile) &&
		       (m->profile->vendor->caps & (VCAP_UPDATE | VCAP_MEMBER_ROLE));
	case ACT_MARK:
		return l->count > 0 &&
		       (l->all || (m->profile && (m->profile->vendor->caps & VCAP_DELETE) &&
				   writable(l, m->profile)));
	case ACT_FILTER_BUILDER:
		return !l->all && m->profile && (m->profile->vendor->caps & VCAP_FILTERS) &&
		       m->profile->vendor->nfilters;
	case ACT_OPEN:
	case ACT_EDIT:
	case ACT_DUPLICATE:
	case ACT_DELETE: {
		const struct store_row *r = selected_row(l);
		return r && org_action_allowed(ui, r->profile, a);
	}
	case ACT_CREATE:
		return !l->all && org_action_allowed(ui, NULL, a);
	case ACT_CLOSE:
	case ACT_FILTER:
	case ACT_SORT:
	case ACT_REFRESH:
	case ACT_MOVE_DOWN:
	case ACT_MOVE_UP:
	case ACT_FIRST:
	case ACT_LAST:
	case ACT_PAGE_DOWN:
	case ACT_PAGE_UP:
	case ACT_SORT_REVERSE:
	case ACT_REDRAW:
	case ACT_QUIT:
		return true;
	default:
		return false;
	}
}

void pane_list_query(struct pane *p, struct store_query *q)
{
	*q = query((struct list *)p);
}

void pane_list_set_sort(struct pane *p, int col, bool desc)
{
	struct list *l = (struct list *)p;
	l->sort_col = col;
	l->desc = desc;
	l->stale = true;
	p->dirty = true;
}

void pane_list_set_filter(struct pane *p, const char *text)
{
	struct list *l = (struct list *)p;
	buf_reset(&l->filter);
	buf_puts(&l->filter, text ? text : "");
	filter_changed(l);
}

void pane_list_set_all_profiles(struct pane *p, bool all)
{
	struct list *l = (struct list *)p;
	if (l->all == all)
		return;
	l->all = all;
	l->sel = l->top = 0;
	l->sort_col = -1;
	clear_marks(l);
	recount(l);
	p->dirty = true;
	ui_status_dirty(l->ui);
}

bool pane_list_all_profiles(struct pane *p)
{
	return ((struct list *)p)->all;
}

void pane_list_set_server_filters(struct pane *p, const char *pairs[][2], int n)
{
	struct list *l = (struct list *)p;
	for (int i = 0; i < l->nsf; i++)
		free(l->sf[i][0]), free(l->sf[i][1]);
	l->nsf = 0;
	for (int i = 0; i < n && i < MAX_SERVER_FILTERS; i++, l->nsf++) {
		l->sf[i][0] = xstrdup(pairs[i][0]);
		l->sf[i][1] = xstrdup(pairs[i][1]);
	}
	/* The vendor filters; the list shows their own rows as they arrive. */
	model_set_server_filter(ui_model(l->ui), (const char *const(*)[2])pairs, l->nsf);
	l->sel = l->top = 0;
	recount(l);
	l->pane.dirty = true;
}

bool pane_list_server_filter(struct pane *p, int i, const char **param, const char **value)
{
	struct list *l = (struct list *)p;
	if (i < 0 || i >= l->nsf)
		return false;
	*param = l->sf[i][0];
	*value = l->sf[i][1];
	return true;
}

static const struct pane_ops list_ops = {
    .offers = offers,
    .name = "list",
    .draw = draw,
    .key = key,
    .on_change = on_change,
    .cursor = cursor,
    .wants_text = wants_text,
    .free = list_free,
};

struct pane *pane_list_new(struct ui *ui)
{
	struct list *l = xcalloc(1, sizeof *l);
	l->pane.ops = &list_ops;
	l->ui = ui;
	l->sort_col = -1;
	l->count_cap = FILTER_COUNT_CAP;
	buf_init(&l->filter);
	buf_puts(&l->filter, "");
	l->stale = true;
	on_change(&l->pane, ui, MODEL_DIRTY_LIST);
	return &l->pane;
}
