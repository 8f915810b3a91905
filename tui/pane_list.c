/* The list pane: organizations of the current profile as a window over the store.
 * Only the visible rows are read (store_window); scrolling by a row moves the terminal's
 * own lines (wscrl) and draws the one new row. Filter-as-you-type narrows the list with
 * each key and highlights the matches; s/S sort by a column. */
#include "model/fold.h"
#include "model/model.h"
#include "net/buf.h"
#include "net/xalloc.h"
#include "tui/text.h"
#include "tui/ui.h"

#include <string.h>

#define MAX_ROWS 512
#define COUNT_CAP 100000000L
#define FILTER_COUNT_CAP 5000L

struct list {
	struct pane pane;
	struct ui *ui;
	struct buf filter;
	bool filtering;        /* the filter line has the keyboard */
	int sort_col;
	bool desc;
	long count;
	long count_cap;        /* a filtered count stops here; grows as the user scrolls */
	long top, sel;
	int height;            /* rows of the list (pane height - header) */
	struct store_row rows[MAX_ROWS];
	int nrows;
	long rows_top;         /* offset rows[] was read from */
	bool stale;            /* rows[] must be re-read */
	int scroll_by;         /* pending wscrl for the next draw */
	char *profile;
};

static struct store_query query(struct list *l)
{
	struct model *m = ui_model(l->ui);
	return (struct store_query){
		.profile = m->profile ? m->profile->name : "",
		.filter = l->filter.data,
		.sort_col = l->sort_col,
		.desc = l->desc,
	};
}

static void recount(struct list *l)
{
	struct store_query q = query(l);
	bool filtered = q.filter && q.filter[0];
	/* A filtered count stops early: exact counts of common matches cost a full scan. */
	long cap = filtered ? l->count_cap : COUNT_CAP;
	l->count = store_count(ui_model(l->ui)->store, &q, cap);
	struct store_query all = q;
	all.filter = NULL;
	long total = filtered ? store_count(ui_model(l->ui)->store, &all, COUNT_CAP) : l->count;
	ui_set_counts(l->ui, l->count, total, filtered && l->count >= cap);
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
	l->nrows = store_window(ui_model(l->ui)->store, &q, l->top, want, l->rows);
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
	attr_t mark_attr = r->state == 1 ? ui_attr(UC_PENDING) : r->state >= 2 ? ui_attr(UC_FAILED) : base;
	wattrset(w, sel ? base : mark_attr);
	waddstr(w, marks[r->state & 3]);
	for (int c = 0; c < ncols; c++) {
		draw_cell(l, w, r->cols[c], cw[c], base);
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
		const char *label = model_col_label(m->profile, c);
		buf_puts(&b, label ? label : "");
		if (l->sort_col == c)
			buf_puts(&b, l->desc ? (text_utf8() ? " ▼" : " v") : (text_utf8() ? " ▲" : " ^"));
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
		mvwaddstr(w, 2, 2, l->filter.len ? "No organization matches the filter." :
			  "No organizations cached yet; refreshing from the vendor...");
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
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
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

static int key(struct pane *p, struct ui *ui, enum action a, int k)
{
	struct list *l = (struct list *)p;
	struct model *m = ui_model(ui);
	if (l->filtering)
		return filter_key(l, k);
	long page = l->height > 1 ? l->height - 1 : 1;
	switch (a) {
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
		l->sort_col = l->sort_col + 1 >= STORE_COLS || !model_col_label(m->profile, l->sort_col + 1)
				      ? -1 : l->sort_col + 1;
		l->stale = true;
		l->pane.dirty = true;
		ui_message(ui, "sorted by %s", l->sort_col < 0 ? "the vendor's order"
					       : model_col_label(m->profile, l->sort_col));
		return PR_HANDLED;
	case ACT_SORT_REVERSE:
		l->desc = !l->desc;
		l->stale = true;
		l->pane.dirty = true;
		return PR_HANDLED;
	case ACT_REFRESH:
		model_refresh(m);
		return PR_HANDLED;
	case ACT_CLOSE:
		return PR_CLOSE;
	default:
		return PR_IGNORED;
	}
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
		p->dirty = true;
		ui_status_dirty(ui);
	}
}

static bool wants_text(struct pane *p)
{
	return ((struct list *)p)->filtering;
}

static void list_free(struct pane *p)
{
	struct list *l = (struct list *)p;
	store_rows_free(l->rows, l->nrows);
	buf_free(&l->filter);
	free(l->profile);
	free(l);
}

long pane_list_count(struct pane *p);
long pane_list_count(struct pane *p)
{
	return ((struct list *)p)->count;
}

static bool offers(struct pane *p, struct ui *ui, enum action a)
{
	switch (a) {
	case ACT_CLOSE: case ACT_FILTER: case ACT_SORT: case ACT_REFRESH: case ACT_MOVE_DOWN:
	case ACT_MOVE_UP: case ACT_FIRST: case ACT_LAST: case ACT_PAGE_DOWN: case ACT_PAGE_UP:
	case ACT_SORT_REVERSE: case ACT_REDRAW: case ACT_QUIT:
		return true;
	default:
		return false;
	}
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
