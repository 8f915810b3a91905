/* dialog: see dialog.h. A dialog draws into its own panel window (ui_dialog_window), made
 * for the screen size it was drawn at and made again when that changes. Every string it
 * shows (titles, questions, items, typed text) goes through the sanitiser; a question may
 * hold '\n' to break lines, and long lines wrap on spaces (or anywhere, on whole characters).
 * Confirm and text take raw keys (y/n and typing are letters, not actions); choose takes
 * actions, so j/k and the user's own bindings move it. */
#include "tui/dialog.h"
#include "net/buf.h"
#include "net/xalloc.h"
#include "tui/text.h"
#include "tui/ui.h"

#include <panel.h>
#include <string.h>

enum dialog_kind { DK_CONFIRM, DK_CHOOSE, DK_TEXT };

struct dialog {
	struct pane pane;
	struct ui *ui;
	enum dialog_kind kind;
	char *title;
	char *question; /* confirm */
	char *label;	/* text */
	char **items;	/* choose */
	int n, sel, top;
	struct buf text; /* text: what was typed */
	bool yes;	 /* confirm: the button under the cursor */
	bool default_yes;
	int scroll;		 /* confirm: first question line shown */
	int nlines, shown_lines; /* confirm: wrapped lines, and how many fit */
	dialog_done_fn done;
	void *arg;
	bool answered;
	WINDOW *win;
	int srows, scols; /* screen size win was made for */
	int wh, ww;
	int cy, cx; /* hardware cursor, window coordinates */
};

#define KEY_ESC 27
#define KEY_CTRL(c) ((c)&0x1f)

/* The ui turns CR and KEY_ENTER into '\n' before any pane sees a key. */
static bool is_enter(int k)
{
	return k == '\n';
}

static void answer(struct dialog *d, int choice, const char *text)
{
	if (d->answered)
		return;
	d->answered = true;
	if (d->done)
		d->done(d->arg, choice, text);
}

/* Sanitised lines of the question, wrapped to width cells; returns the count. */
static int wrap_question(const char *q, int width, char ***out)
{
	char **lines = NULL;
	int n = 0, cap = 0;
	const char *p = q ? q : "";
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct buf clean;
		buf_init(&clean);
		text_sanitize(p, len, &clean);
		const char *s = clean.data ? clean.data : "";
		do {
			size_t fit = text_fit(s, width > 1 ? width : 1, NULL);
			if (s[fit]) {
				/* Break at the last space that fits, when there is one. */
				size_t sp = fit;
				while (sp > 0 && s[sp] != ' ')
					sp--;
				if (sp > 0)
					fit = sp;
			}
			if (!fit && s[0])
				fit = 1; /* cannot happen with width >= 2; never loop forever */
			if (n == cap)
				lines = xrealloc(lines,
						 (size_t)(cap = cap ? cap * 2 : 8) * sizeof *lines);
			lines[n++] = xstrndup(s, fit);
			s += fit;
			while (*s == ' ')
				s++;
		} while (*s);
		buf_free(&clean);
		if (!nl)
			break;
		p = nl + 1;
	}
	*out = lines;
	return n;
}

static void free_lines(char **lines, int n)
{
	for (int i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* Draws s (sanitised here) at y, x, clipped to width cells; pads when pad is set. */
static void put_cell(WINDOW *w, int y, int x, const char *s, int width, bool pad)
{
	struct buf b;
	buf_init(&b);
	text_cell(s, width, pad, &b);
	mvwaddstr(w, y, x, b.data ? b.data : "");
	buf_free(&b);
}

static void window_free(WINDOW *w)
{
	ui_dialog_window_free(w);
}

/* A box in Unicode line drawing when the terminal takes UTF-8: the alternate character
 * set that box() uses shows as letters in some terminals and multiplexers. */
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

/* (Re)makes the window when the screen changed size or the wanted size changed. */
static WINDOW *window(struct dialog *d, int h, int w)
{
	int rows, cols;
	ui_size(d->ui, &rows, &cols);
	if (d->win && (rows != d->srows || cols != d->scols || h != d->wh || w != d->ww)) {
		window_free(d->win);
		d->win = NULL;
	}
	if (!d->win) {
		d->win = ui_dialog_window(d->ui, h, w);
		d->srows = rows;
		d->scols = cols;
		d->wh = h;
		d->ww = w;
	}
	werase(d->win);
	wattrset(d->win, A_NORMAL);
	frame(d->win);
	if (d->title && d->title[0]) {
		int ww = getmaxx(d->win);
		struct buf t;
		buf_init(&t);
		buf_putc(&t, ' ');
		text_cell(d->title, ww - 6, false, &t);
		buf_putc(&t, ' ');
		wattrset(d->win, A_BOLD);
		mvwaddstr(d->win, 0, 2, t.data);
		wattrset(d->win, A_NORMAL);
		buf_free(&t);
	}
	return d->win;
}

static void draw_confirm(struct dialog *d)
{
	int rows, cols;
	ui_size(d->ui, &rows, &cols);
	int maxw = cols - 6 > 10 ? cols - 6 : 10;
	/* As wide as the longest line (up to the screen), at least wide enough for the title. */
	char **lines;
	int n = wrap_question(d->question, 1 << 20, &lines);
	int want = d->title ? text_width(d->title) + 4 : 0;
	if (want < 28)
		want = 28;
	for (int i = 0; i < n; i++)
		if (text_width(lines[i]) > want)
			want = text_width(lines[i]);
	free_lines(lines, n);
	int iw = want < maxw ? want : maxw;
	n = wrap_question(d->question, iw, &lines);
	int h = n + 4;
	if (h > rows - 2)
		h = rows - 2;
	WINDOW *w = window(d, h, iw + 4);
	int wh, ww;
	getmaxyx(w, wh, ww);
	iw = ww - 4;
	d->nlines = n;
	d->shown_lines = wh - 4 > 0 ? wh - 4 : 0;
	if (d->scroll > n - d->shown_lines)
		d->scroll = n - d->shown_lines > 0 ? n - d->shown_lines : 0;
	for (int i = 0; i < d->shown_lines && d->scroll + i < n; i++)
		put_cell(w, 1 + i, 2, lines[d->scroll + i], iw, false);
	if (n > d->shown_lines && d->shown_lines > 0) {
		/* More lines than fit: say so on the border, j/k scroll. */
		char more[32];
		snprintf(more, sizeof more, " %d/%d j/k ", d->scroll + d->shown_lines, n);
		mvwaddstr(w, wh - 1, ww - (int)strlen(more) - 2, more);
	}
	free_lines(lines, n);
	const char *yes = "[ Yes ]", *no = "[ No ]";
	int bw = (int)strlen(yes) + 2 + (int)strlen(no);
	int x = (ww - bw) / 2 > 1 ? (ww - bw) / 2 : 1;
	int y = wh - 2;
	wattrset(w, d->yes ? ui_attr(UC_SELECTED) : A_NORMAL);
	mvwaddstr(w, y, x, yes);
	wattrset(w, d->yes ? A_NORMAL : ui_attr(UC_SELECTED));
	mvwaddstr(w, y, x + (int)strlen(yes) + 2, no);
	wattrset(w, A_NORMAL);
	d->cy = y;
	d->cx = d->yes ? x + 2 : x + (int)strlen(yes) + 4;
}

static void draw_choose(struct dialog *d)
{
	int rows, cols;
	ui_size(d->ui, &rows, &cols);
	int want = d->title ? text_width(d->title) + 4 : 0;
	if (want < 20)
		want = 20;
	for (int i = 0; i < d->n; i++) {
		struct buf b;
		buf_init(&b);
		text_sanitize(d->items[i], strlen(d->items[i]), &b);
		int iw = text_width(b.data ? b.data : "") + 2;
		if (iw > want)
			want = iw;
		buf_free(&b);
	}
	int maxw = cols - 6 > 10 ? cols - 6 : 10;
	int iw = want < maxw ? want : maxw;
	int h = d->n + 2;
	WINDOW *w = window(d, h > rows - 2 ? rows - 2 : h, iw + 2);
	int wh, ww;
	getmaxyx(w, wh, ww);
	int lh = wh - 2 > 1 ? wh - 2 : 1;
	if (d->sel < d->top)
		d->top = d->sel;
	if (d->sel >= d->top + lh)
		d->top = d->sel - lh + 1;
	for (int i = 0; i < lh && d->top + i < d->n; i++) {
		int k = d->top + i;
		wattrset(w, k == d->sel ? ui_attr(UC_SELECTED) : A_NORMAL);
		mvwaddch(w, 1 + i, 1, ' ');
		put_cell(w, 1 + i, 2, d->items[k], ww - 3, true);
	}
	wattrset(w, A_NORMAL);
	if (d->n > lh) {
		char pos[32];
		snprintf(pos, sizeof pos, " %d/%d ", d->sel + 1, d->n);
		mvwaddstr(w, wh - 1, ww - (int)strlen(pos) - 2, pos);
	}
	d->cy = 1 + d->sel - d->top;
	d->cx = 1;
}

static void draw_text(struct dialog *d)
{
	int rows, cols;
	ui_size(d->ui, &rows, &cols);
	int want = 56;
	if (d->title && text_width(d->title) + 6 > want)
		want = text_width(d->title) + 6;
	/* A long label (a sign-in page's address) wraps over as many lines as it needs. */
	if (d->label && text_width(d->label) + 6 > want)
		want = cols - 4;
	int iw0 = (want < cols - 4 ? want : cols - 4) - 4;
	char **lines = NULL;
	int nl = wrap_question(d->label ? d->label : "", iw0 > 1 ? iw0 : 1, &lines);
	if (nl < 1)
		nl = 1;
	WINDOW *w = window(d, 3 + nl, want < cols - 4 ? want : cols - 4);
	int ww = getmaxx(w), wh = getmaxy(w);
	int iw = ww - 4;
	int shown = nl < wh - 3 ? nl : wh - 3;
	for (int i = 0; i < shown && lines; i++)
		put_cell(w, 1 + i, 2, lines[i], iw, false);
	free_lines(lines, nl);
	int row = 1 + shown;
	/* The input shows its tail, so the end where typing happens stays in view. */
	struct buf clean;
	buf_init(&clean);
	text_sanitize(d->text.data ? d->text.data : "", d->text.len, &clean);
	const char *s = clean.data ? clean.data : "";
	while (text_width(s) > iw - 1) {
		size_t k = 1;
		while (s[k] && ((unsigned char)s[k] & 0xC0) == 0x80)
			k++;
		s += k;
	}
	wattrset(w, A_UNDERLINE);
	mvwprintw(w, row, 2, "%*s", iw, "");
	mvwaddstr(w, row, 2, s);
	wattrset(w, A_NORMAL);
	d->cy = row;
	d->cx = 2 + text_width(s);
	buf_free(&clean);
}

static void draw(struct pane *p, struct ui *ui, WINDOW *body)
{
	(void)ui;
	(void)body;
	struct dialog *d = (struct dialog *)p;
	switch (d->kind) {
	case DK_CONFIRM:
		draw_confirm(d);
		break;
	case DK_CHOOSE:
		draw_choose(d);
		break;
	case DK_TEXT:
		draw_text(d);
		break;
	}
	wnoutrefresh(d->win);
}

static int key_confirm(struct dialog *d, int k)
{
	switch (k) {
	case 'y':
	case 'Y':
		answer(d, 1, NULL);
		return PR_CLOSE;
	case 'n':
	case 'N':
	case 'q':
	case KEY_ESC:
		answer(d, 0, NULL);
		return PR_CLOSE;
	case KEY_LEFT:
	case KEY_RIGHT:
	case '\t':
	case KEY_BTAB:
	case 'h':
	case 'l':
		d->yes = !d->yes;
		break;
	case 'j':
	case KEY_DOWN:
	case ' ':
	case KEY_NPAGE:
		d->scroll +=
		    k == KEY_NPAGE || k == ' ' ? (d->shown_lines > 1 ? d->shown_lines - 1 : 1) : 1;
		break;
	case 'k':
	case KEY_UP:
	case KEY_PPAGE:
		d->scroll -= k == KEY_PPAGE ? (d->shown_lines > 1 ? d->shown_lines - 1 : 1) : 1;
		if (d->scroll < 0)
			d->scroll = 0;
		break;
	default:
		if (is_enter(k)) {
			answer(d, d->yes ? 1 : 0, NULL);
			return PR_CLOSE;
		}
		return PR_HANDLED;
	}
	d->pane.dirty = true;
	return PR_HANDLED;
}

static int key_choose(struct dialog *d, enum action a, int k)
{
	int page = d->wh - 3 > 1 ? d->wh - 3 : 1;
	int sel = d->sel;
	if (is_enter(k) || a == ACT_OPEN) {
		answer(d, d->n ? d->sel : -1, d->n ? d->items[d->sel] : NULL);
		return PR_CLOSE;
	}
	if (k == KEY_ESC || a == ACT_BACK || a == ACT_CLOSE) {
		answer(d, -1, NULL);
		return PR_CLOSE;
	}
	switch (a) {
	case ACT_MOVE_DOWN:
		sel++;
		break;
	case ACT_MOVE_UP:
		sel--;
		break;
	case ACT_PAGE_DOWN:
		sel += page;
		break;
	case ACT_PAGE_UP:
		sel -= page;
		break;
	case ACT_FIRST:
		sel = 0;
		break;
	case ACT_LAST:
		sel = d->n - 1;
		break;
	default:
		return PR_HANDLED;
	}
	if (sel >= d->n)
		sel = d->n - 1;
	if (sel < 0)
		sel = 0;
	if (sel != d->sel) {
		d->sel = sel;
		d->pane.dirty = true;
	}
	return PR_HANDLED;
}

static int key_text(struct dialog *d, int k)
{
	if (k == KEY_ESC) {
		answer(d, 0, NULL);
		return PR_CLOSE;
	}
	if (is_enter(k)) {
		answer(d, 1, d->text.data ? d->text.data : "");
		return PR_CLOSE;
	}
	if (k == KEY_BACKSPACE || k == 127 || k == 8) {
		/* One whole UTF-8 character. */
		size_t n = d->text.len;
		if (n) {
			do
				n--;
			while (n > 0 && ((unsigned char)d->text.data[n] & 0xC0) == 0x80);
			d->text.len = n;
			d->text.data[n] = '\0';
		}
	} else if (k == KEY_CTRL('u')) {
		buf_reset(&d->text);
	} else if (k >= 32 && k < 256 && k != 127 && d->text.len < 4096) {
		buf_putc(&d->text, (char)k);
	} else {
		return PR_HANDLED;
	}
	d->pane.dirty = true;
	return PR_HANDLED;
}

static int key(struct pane *p, struct ui *ui, enum action a, int k)
{
	(void)ui;
	struct dialog *d = (struct dialog *)p;
	switch (d->kind) {
	case DK_CONFIRM:
		return key_confirm(d, k);
	case DK_CHOOSE:
		return key_choose(d, a, k);
	case DK_TEXT:
		return key_text(d, k);
	}
	return PR_HANDLED;
}

static bool cursor(struct pane *p, int *y, int *x)
{
	struct dialog *d = (struct dialog *)p;
	if (!d->win)
		return false;
	int by, bx;
	getbegyx(d->win, by, bx);
	*y = by + d->cy;
	*x = bx + d->cx;
	return true;
}

static bool wants_text(struct pane *p)
{
	return ((struct dialog *)p)->kind != DK_CHOOSE;
}

static const char *keybar(struct pane *p)
{
	struct dialog *d = (struct dialog *)p;
	switch (d->kind) {
	case DK_CONFIRM:
		return d->default_yes ? "y yes  n no  Enter yes  Tab switch  Esc cancel"
				      : "y yes  n no  Enter no  Tab switch  Esc cancel";
	case DK_CHOOSE:
		return "j/k move  Enter pick  Esc cancel";
	case DK_TEXT:
		return "Enter ok  Backspace delete  C-u clear  Esc cancel";
	}
	return NULL;
}

static void dialog_free(struct pane *p)
{
	struct dialog *d = (struct dialog *)p;
	/* Closed without an answer (the program quits): the caller still hears "no". */
	answer(d, d->kind == DK_CHOOSE ? -1 : 0, NULL);
	window_free(d->win);
	free(d->title);
	free(d->question);
	free(d->label);
	for (int i = 0; i < d->n; i++)
		free(d->items[i]);
	free(d->items);
	buf_free(&d->text);
	free(d);
}

static const struct pane_ops dialog_ops = {
    .name = "dialog",
    .draw = draw,
    .key = key,
    .cursor = cursor,
    .wants_text = wants_text,
    .keybar = keybar,
    .free = dialog_free,
};

static struct dialog *dialog_new(struct ui *ui, enum dialog_kind kind, const char *title,
				 dialog_done_fn done, void *arg)
{
	struct dialog *d = xcalloc(1, sizeof *d);
	d->pane.ops = &dialog_ops;
	d->pane.overlay = true;
	d->pane.dirty = true;
	d->ui = ui;
	d->kind = kind;
	d->title = xstrdup(title ? title : "");
	d->done = done;
	d->arg = arg;
	buf_init(&d->text);
	return d;
}

struct pane *dialog_confirm(struct ui *ui, const char *title, const char *question,
			    bool default_yes, dialog_done_fn done, void *arg)
{
	struct dialog *d = dialog_new(ui, DK_CONFIRM, title, done, arg);
	d->question = xstrdup(question ? question : "");
	d->yes = d->default_yes = default_yes;
	return &d->pane;
}

struct pane *dialog_choose(struct ui *ui, const char *title, const char *const *items, int n,
			   int selected, dialog_done_fn done, void *arg)
{
	struct dialog *d = dialog_new(ui, DK_CHOOSE, title, done, arg);
	d->n = n > 0 ? n : 0;
	d->items = xcalloc((size_t)d->n + 1, sizeof *d->items);
	for (int i = 0; i < d->n; i++)
		d->items[i] = xstrdup(items[i] ? items[i] : "");
	d->sel = selected >= 0 && selected < d->n ? selected : 0;
	return &d->pane;
}

struct pane *dialog_text(struct ui *ui, const char *title, const char *label, const char *initial,
			 dialog_done_fn done, void *arg)
{
	struct dialog *d = dialog_new(ui, DK_TEXT, title, done, arg);
	d->label = xstrdup(label ? label : "");
	buf_puts(&d->text, initial ? initial : "");
	return &d->pane;
}
