/* The help overlay (?): generated from the ACTIONS table and the current bindings, listing
 * only what the pane below offers now (so a vendor's missing actions are absent), grouped,
 * each line "keys  config-name  what it does" so a user sees what to rebind in [keys].
 * Scrolls with the movement keys; Esc, q or ? closes it. */
#include "net/buf.h"
#include "net/xalloc.h"
#include "tui/text.h"
#include "tui/ui.h"

#include <panel.h>
#include <string.h>
#include <wchar.h>

/* Groups in the order shown; an action not listed falls into the last group. */
static const struct {
	const char *title;
	enum action acts[12];
} groups[] = {
    {"Moving", {ACT_MOVE_DOWN, ACT_MOVE_UP, ACT_FIRST, ACT_LAST, ACT_PAGE_DOWN, ACT_PAGE_UP}},
    {"Panes",
     {ACT_OPEN, ACT_BACK, ACT_CLOSE, ACT_QUIT, ACT_MEMBERS, ACT_OPLOG, ACT_PROFILES, ACT_COMMAND,
      ACT_HELP, ACT_REDRAW}},
    {"The list",
     {ACT_FILTER, ACT_SORT, ACT_SORT_REVERSE, ACT_FILTER_BUILDER, ACT_REFRESH, ACT_MARK}},
    {"Changes", {ACT_EDIT, ACT_CREATE, ACT_DUPLICATE, ACT_DELETE, ACT_UNDO}},
    {"Members", {ACT_MEMBER_ADD, ACT_MEMBER_REMOVE, ACT_MEMBER_ROLE, ACT_ROLE_NEXT, ACT_ROLE_PREV}},
};

struct help {
	struct pane pane;
	struct ui *ui;
	char **lines;
	bool *heading;
	int n;
	int top;
	int body_h;
	WINDOW *win;
	int wh, ww, rows, cols;
	char title[64];
};

const char *pane_oplog_label(enum action a, bool bar);

static void add_line(struct help *h, const char *s, bool heading)
{
	h->lines = xrealloc(h->lines, sizeof *h->lines * (size_t)(h->n + 1));
	h->heading = xrealloc(h->heading, sizeof *h->heading * (size_t)(h->n + 1));
	h->lines[h->n] = xstrdup(s);
	h->heading[h->n++] = heading;
}

static bool grouped(enum action a)
{
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
		for (int i = 0; i < 12 && groups[g].acts[i]; i++)
			if (groups[g].acts[i] == a)
				return true;
	return false;
}

static void add_action(struct help *h, struct pane *below, enum action a)
{
	if (!below->ops->offers || !below->ops->offers(below, h->ui, a))
		return;
	char keys[64];
	keymap_keys(a, keys, sizeof keys);
	if (!keys[0])
		return;
	const char *text = action_info[a].help;
	if (!strcmp(below->ops->name, "oplog") && pane_oplog_label(a, false))
		text = pane_oplog_label(a, false);
	char line[200];
	snprintf(line, sizeof line, "  %-12s %-16s %s", keys, action_info[a].name, text);
	add_line(h, line, false);
}

static void build(struct help *h, struct pane *below)
{
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
		int before = h->n;
		add_line(h, groups[g].title, true);
		for (int i = 0; i < 12 && groups[g].acts[i]; i++)
			add_action(h, below, groups[g].acts[i]);
		if (h->n == before + 1) { /* nothing offered: no heading */
			free(h->lines[--h->n]);
		}
	}
	int before = h->n;
	add_line(h, "Other", true);
	for (int a = 1; a < ACT_COUNT; a++)
		if (!grouped((enum action)a))
			add_action(h, below, (enum action)a);
	if (h->n == before + 1)
		free(h->lines[--h->n]);
	if (!h->n)
		add_line(h, "No keys here.", false);
}

static void window_free(WINDOW *w)
{
	ui_dialog_window_free(w);
}

/* Unicode line drawing in UTF-8 (box()'s alternate charset shows as letters in tmux). */
static void frame(WINDOW *w)
{
	if (!text_utf8()) {
		box(w, 0, 0);
		return;
	}
	static const wchar_t ch[] = {L'│', L'│', L'─', L'─', L'┌', L'┐', L'└', L'┘'};
	cchar_t c[8];
	for (int i = 0; i < 8; i++) {
		wchar_t one[2] = {ch[i], 0};
		setcchar(&c[i], one, A_NORMAL, 0, NULL);
	}
	wborder_set(w, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7]);
}

static void draw(struct pane *p, struct ui *ui, WINDOW *unused)
{
	struct help *h = (struct help *)p;
	int rows, cols;
	ui_size(ui, &rows, &cols);
	int want_h = h->n + 4, want_w = 78;
	if (!h->win || rows != h->rows || cols != h->cols) {
		window_free(h->win);
		h->win = ui_dialog_window(ui, want_h, want_w);
		h->rows = rows;
		h->cols = cols;
		getmaxyx(h->win, h->wh, h->ww);
	}
	WINDOW *w = h->win;
	h->body_h = h->wh - 4 > 1 ? h->wh - 4 : 1;
	if (h->top > h->n - h->body_h)
		h->top = h->n - h->body_h > 0 ? h->n - h->body_h : 0;
	werase(w);
	wattrset(w, A_NORMAL);
	frame(w);
	wattrset(w, A_BOLD);
	mvwaddstr(w, 0, 2, h->title);
	for (int y = 0; y < h->body_h && h->top + y < h->n; y++) {
		int i = h->top + y;
		struct buf b;
		buf_init(&b);
		text_cell(h->lines[i], h->ww - 4, true, &b);
		wattrset(w, h->heading[i] ? ui_attr(UC_HEADER) : A_NORMAL);
		mvwaddstr(w, y + 1, 2, b.data);
		buf_free(&b);
	}
	char foot[96];
	snprintf(foot, sizeof foot, "%d-%d of %d  j/k scroll  Esc q ? close", h->n ? h->top + 1 : 0,
		 h->top + h->body_h < h->n ? h->top + h->body_h : h->n, h->n);
	wattrset(w, ui_attr(UC_DIM));
	struct buf b;
	buf_init(&b);
	text_cell(foot, h->ww - 4, false, &b);
	mvwaddstr(w, h->wh - 2, 2, b.data);
	buf_free(&b);
	wattrset(w, A_NORMAL);
}

static bool cursor(struct pane *p, int *y, int *x)
{
	struct help *h = (struct help *)p;
	if (!h->win)
		return false;
	*y = getbegy(h->win) + 1;
	*x = getbegx(h->win) + 2;
	return true;
}

static void scroll_to(struct help *h, int top)
{
	int max = h->n - h->body_h > 0 ? h->n - h->body_h : 0;
	if (top > max)
		top = max;
	if (top < 0)
		top = 0;
	if (top != h->top) {
		h->top = top;
		h->pane.dirty = true;
	}
}

static int key(struct pane *p, struct ui *ui, enum action a, int k)
{
	struct help *h = (struct help *)p;
	switch (a) {
	case ACT_MOVE_DOWN:
		scroll_to(h, h->top + 1);
		return PR_HANDLED;
	case ACT_MOVE_UP:
		scroll_to(h, h->top - 1);
		return PR_HANDLED;
	case ACT_PAGE_DOWN:
		scroll_to(h, h->top + h->body_h - 1);
		return PR_HANDLED;
	case ACT_PAGE_UP:
		scroll_to(h, h->top - h->body_h + 1);
		return PR_HANDLED;
	case ACT_FIRST:
		scroll_to(h, 0);
		return PR_HANDLED;
	case ACT_LAST:
		scroll_to(h, h->n);
		return PR_HANDLED;
	case ACT_BACK:
	case ACT_CLOSE:
	case ACT_HELP:
		return PR_CLOSE;
	default:
		/* Esc and q close whatever they are bound to. */
		return k == 27 || k == 'q' ? PR_CLOSE : PR_HANDLED;
	}
}

static bool offers(struct pane *p, struct ui *ui, enum action a)
{
	return a == ACT_MOVE_DOWN || a == ACT_MOVE_UP || a == ACT_CLOSE || a == ACT_QUIT;
}

static const char *keybar(struct pane *p)
{
	return "j/k scroll  Esc q ? close";
}

static void help_free(struct pane *p)
{
	struct help *h = (struct help *)p;
	for (int i = 0; i < h->n; i++)
		free(h->lines[i]);
	free(h->lines);
	free(h->heading);
	window_free(h->win);
	free(h);
}

static const struct pane_ops help_ops = {
    .name = "help",
    .draw = draw,
    .key = key,
    .cursor = cursor,
    .offers = offers,
    .keybar = keybar,
    .free = help_free,
};

struct pane *pane_help_new(struct ui *ui, struct pane *below)
{
	struct help *h = xcalloc(1, sizeof *h);
	h->pane.ops = &help_ops;
	h->pane.overlay = true;
	h->ui = ui;
	snprintf(h->title, sizeof h->title, " Help: %s keys ", below->ops->name);
	build(h, below);
	return &h->pane;
}
