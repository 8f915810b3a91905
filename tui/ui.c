/* ui: see ui.h. */
#include "tui/ui.h"
#include "model/model.h"
#include "model/sync.h"
#include "net/buf.h"
#include "net/http.h"
#include "net/loop.h"
#include "net/xalloc.h"
#include "tui/text.h"
#include "tui/theme.h"

#include <errno.h>
#include <fcntl.h>
#include <panel.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_PANES 16
#define SPINNER_MS 100

struct ui {
	struct model *m;
	struct pane *stack[MAX_PANES];
	int depth;
	WINDOW *title, *body, *status, *bottom;
	int rows, cols;
	bool too_small;
	bool small_shown;
	bool quit;
	bool status_dirty, bottom_dirty, title_dirty;
	char message[256];
	bool prompt_on;
	char prompt_label[64];
	struct buf prompt_text;
	int prompt_cursor;
	int spin;
	uint64_t spin_timer;
	int stdin_errs;
	long shown, total;
	bool capped;
	const void *shown_profile; /* the profile the title names */
	attr_t attrs[UC_COUNT];
};

static volatile sig_atomic_t got_term;
static int term_pipe[2] = {-1, -1};

/* SIGTERM/SIGHUP/SIGINT: a flag, and a byte down a pipe the loop watches, so a signal
 * that lands just before poll() still wakes it. */
static void on_term(int sig)
{
	(void)sig;
	got_term = 1;
	if (term_pipe[1] >= 0) {
		int saved = errno;
		ssize_t r = write(term_pipe[1], "t", 1);
		(void)r;
		errno = saved;
	}
}

static void on_term_pipe(void *arg, int fd, short revents)
{
	char b[16];
	while (read(fd, b, sizeof b) > 0)
		;
	((struct ui *)arg)->quit = true;
}

struct model *ui_model(struct ui *ui)
{
	return ui->m;
}

attr_t ui_attr(enum ui_color c)
{
	extern struct ui *the_ui;
	return the_ui ? the_ui->attrs[c] : A_NORMAL;
}

struct ui *the_ui;

void ui_put(WINDOW *w, const char *s)
{
	waddstr(w, s);
}

/* The theme's attributes by element; enum ui_color follows the theme's element order. */
static void setup_colors(struct ui *ui, const struct theme *t)
{
	theme_apply(t);
	for (int i = 1; i < UC_COUNT; i++)
		ui->attrs[i] = theme_attr((enum theme_element)(i - 1));
}

/* Every base window fills with the theme's normal colours. */
static void paint_base(struct ui *ui)
{
	WINDOW *base[] = {ui->title, ui->body, ui->status, ui->bottom};
	for (int i = 0; i < 4; i++)
		if (base[i])
			wbkgdset(base[i], ' ' | ui->attrs[UC_NORMAL]);
}

static void free_base_windows(struct ui *ui)
{
	WINDOW *base[] = {ui->title, ui->body, ui->status, ui->bottom};
	for (int i = 0; i < 4; i++)
		if (base[i])
			ui_dialog_window_free(base[i]);
	ui->title = ui->body = ui->status = ui->bottom = NULL;
}

static void layout(struct ui *ui)
{
	getmaxyx(stdscr, ui->rows, ui->cols);
	ui->too_small = ui->rows < 6 || ui->cols < 30;
	ui->small_shown = false;
	free_base_windows(ui);
	if (ui->too_small)
		return;
	ui->title = newwin(1, ui->cols, 0, 0);
	ui->body = newwin(ui->rows - 3, ui->cols, 1, 0);
	ui->status = newwin(1, ui->cols, ui->rows - 2, 0);
	ui->bottom = newwin(1, ui->cols, ui->rows - 1, 0);
	/* Base windows sit on the bottom panels; dialogs stack above them. */
	WINDOW *base[] = {ui->title, ui->body, ui->status, ui->bottom};
	for (int i = 0; i < 4; i++) {
		PANEL *p = new_panel(base[i]);
		bottom_panel(p);
	}
	/* Scrolling a list by a row uses the terminal's own scroll (wscrl). */
	idlok(ui->body, TRUE);
	scrollok(ui->body, FALSE);
	leaveok(ui->body, FALSE);
	paint_base(ui);
	for (int i = 0; i < ui->depth; i++)
		ui->stack[i]->dirty = true;
	ui->status_dirty = ui->bottom_dirty = ui->title_dirty = true;
}

void ui_size(struct ui *ui, int *rows, int *cols)
{
	*rows = ui->rows;
	*cols = ui->cols;
}

struct pane *ui_top(struct ui *ui)
{
	return ui->depth ? ui->stack[ui->depth - 1] : NULL;
}

WINDOW *ui_dialog_window(struct ui *ui, int h, int w)
{
	if (h > ui->rows - 2)
		h = ui->rows - 2;
	if (w > ui->cols - 2)
		w = ui->cols - 2;
	if (h < 3)
		h = 3;
	if (w < 10)
		w = 10;
	WINDOW *win = newwin(h, w, (ui->rows - h) / 2, (ui->cols - w) / 2);
	new_panel(win);
	keypad(win, TRUE);
	return win;
}

void ui_dialog_window_free(WINDOW *w)
{
	if (!w)
		return;
	/* panel_above(NULL) is the bottom panel: walk upwards. */
	PANEL *p = panel_above(NULL);
	for (; p; p = panel_above(p))
		if (panel_window(p) == w) {
			del_panel(p);
			break;
		}
	delwin(w);
}

void ui_push(struct ui *ui, struct pane *p)
{
	if (ui->depth >= MAX_PANES) {
		p->ops->free(p);
		return;
	}
	ui->stack[ui->depth++] = p;
	p->dirty = true;
	ui->bottom_dirty = ui->status_dirty = true;
}

static void pop(struct ui *ui)
{
	if (!ui->depth)
		return;
	struct pane *p = ui->stack[--ui->depth];
	p->ops->free(p);
	/* What the closed pane covered shows again. */
	for (int i = 0; i < ui->depth; i++)
		ui->stack[i]->dirty = true;
	touchwin(ui->body);
	ui->bottom_dirty = ui->status_dirty = true;
	ui->prompt_on = false;
}

bool ui_list_key(struct pane *p, enum action a, long *sel, long n, long page)
{
	long to = *sel;
	switch (a) {
	case ACT_MOVE_DOWN:
		to++;
		break;
	case ACT_MOVE_UP:
		to--;
		break;
	case ACT_PAGE_DOWN:
		to += page;
		break;
	case ACT_PAGE_UP:
		to -= page;
		break;
	case ACT_FIRST:
		to = 0;
		break;
	case ACT_LAST:
		to = n - 1;
		break;
	default:
		return false;
	}
	if (to >= n)
		to = n - 1;
	if (to < 0)
		to = 0;
	if (to != *sel) {
		*sel = to;
		p->dirty = true; /* the key bar follows with the pane */
	}
	return true;
}

void ui_close_pane(struct ui *ui, struct pane *p)
{
	for (int i = ui->depth - 1; i >= 0; i--) {
		if (ui->stack[i] != p)
			continue;
		if (i == ui->depth - 1) {
			pop(ui);
		} else {
			memmove(&ui->stack[i], &ui->stack[i + 1],
				(size_t)(ui->depth - i - 1) * sizeof p);
			ui->depth--;
			p->ops->free(p);
			for (int k = 0; k < ui->depth; k++)
				ui->stack[k]->dirty = true;
		}
		return;
	}
}

void ui_status_dirty(struct ui *ui)
{
	ui->status_dirty = true;
}

void ui_bottom_dirty(struct ui *ui)
{
	ui->bottom_dirty = true;
}

void ui_title_dirty(struct ui *ui)
{
	ui->title_dirty = true;
}

void ui_set_counts(struct ui *ui, long shown, long total, bool capped)
{
	if (ui->shown != shown || ui->total != total || ui->capped != capped)
		ui->status_dirty = true;
	ui->shown = shown;
	ui->total = total;
	ui->capped = capped;
}

void ui_message(struct ui *ui, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof ui->message, fmt, ap);
	va_end(ap);
	ui->bottom_dirty = true;
}

void ui_prompt(struct ui *ui, const char *label, const char *text, int cursor_cells)
{
	ui->prompt_on = true;
	snprintf(ui->prompt_label, sizeof ui->prompt_label, "%s", label);
	buf_reset(&ui->prompt_text);
	buf_puts(&ui->prompt_text, text ? text : "");
	ui->prompt_cursor = cursor_cells;
	ui->bottom_dirty = true;
}

void ui_prompt_end(struct ui *ui)
{
	ui->prompt_on = false;
	ui->bottom_dirty = true;
}

/* ---- drawing ---- */

static void fill_line(WINDOW *w, attr_t a)
{
	wbkgdset(w, ' ' | a);
	werase(w);
}

static void draw_title(struct ui *ui)
{
	struct model *m = ui->m;
	fill_line(ui->title, ui->attrs[UC_TITLE]);
	wattrset(ui->title, ui->attrs[UC_TITLE]);
	struct buf b;
	buf_init(&b);
	buf_puts(&b, " orgdeck ");
	if (m->profile) {
		buf_puts(&b, " ");
		text_cell(m->profile->name, 40, false, &b);
		buf_printf(&b, " (%s)", m->profile->vendor->label);
	}
	if (m->readonly || (m->profile && m->profile->readonly))
		buf_puts(&b, "  read-only");
	mvwaddstr(ui->title, 0, 0, b.data);
	if (m->profile && m->profile->environment) {
		const char *env = m->profile->environment;
		enum ui_color c = !strcmp(env, "production") ? UC_ENV_PROD
				  : !strcmp(env, "staging")  ? UC_ENV_STAGING
							     : UC_ENV_SANDBOX;
		buf_reset(&b);
		buf_putc(&b, ' ');
		text_cell(env, 12, false, &b);
		buf_putc(&b, ' ');
		int w = text_width(b.data);
		wattrset(ui->title, ui->attrs[c]);
		mvwaddstr(ui->title, 0, ui->cols - w - 1, b.data);
	}
	buf_free(&b);
	wnoutrefresh(ui->title);
}

static void age_text(int64_t then_ms, char *out, size_t cap)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	long s = then_ms ? (long)((now - then_ms) / 1000) : -1;
	if (s < 0)
		snprintf(out, cap, "never synced");
	else if (s < 60)
		snprintf(out, cap, "data %lds old", s);
	else if (s < 3600)
		snprintf(out, cap, "data %ldm old", s / 60);
	else if (s < 86400)
		snprintf(out, cap, "data %ldh old", s / 3600);
	else
		snprintf(out, cap, "data %ldd old", s / 86400);
}

static void draw_status(struct ui *ui)
{
	struct model *m = ui->m;
	fill_line(ui->status, ui->attrs[UC_STATUS]);
	wattrset(ui->status, ui->attrs[UC_STATUS]);
	struct buf b;
	buf_init(&b);
	int inflight = http_in_flight(m->http);
	static const char *const spin_utf8[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
	static const char spin_ascii[] = "|/-\\";
	if (inflight) {
		if (text_utf8())
			buf_printf(&b, " %s %d", spin_utf8[ui->spin % 10], inflight);
		else
			buf_printf(&b, " %c %d", spin_ascii[ui->spin % 4], inflight);
	} else {
		buf_puts(&b, "    ");
	}
	if (m->profile) {
		if (ui->shown != ui->total || ui->capped)
			buf_printf(&b, "  %ld%s of %ld orgs", ui->shown, ui->capped ? "+" : "",
				   ui->total);
		else
			buf_printf(&b, "  %ld orgs", ui->total);
		char age[32];
		age_text(store_fetched_at(m->store, model_list_key(m)), age, sizeof age);
		buf_printf(&b, "  %s", age);
		if (m->sync) {
			const struct sync_progress *pr = sync_progress(m->sync);
			if (pr->running) {
				buf_printf(&b, "  refreshing: %ld rows", pr->rows);
				if (pr->total > 0)
					buf_printf(&b, " of %ld", pr->total);
				if (pr->rows_per_s > 0)
					buf_printf(&b, ", %.0f/s", pr->rows_per_s);
				if (pr->eta_s > 0)
					buf_printf(&b, ", %lds left", pr->eta_s);
			}
		}
	}
	mvwaddstr(ui->status, 0, 0, b.data);
	if (m->error[0]) {
		buf_reset(&b);
		buf_puts(&b, "  ");
		int room = ui->cols - text_width(b.data) - 40;
		if (room > 10) {
			text_cell(m->error, ui->cols - getcurx(ui->status) - 2, false, &b);
			wattrset(ui->status, ui->attrs[UC_STATUS] | A_BOLD);
			waddstr(ui->status, b.data);
		}
	}
	buf_free(&b);
	wnoutrefresh(ui->status);
}

static struct pane *top_pane(struct ui *ui)
{
	return ui->depth ? ui->stack[ui->depth - 1] : NULL;
}

static void draw_bottom(struct ui *ui)
{
	fill_line(ui->bottom, A_NORMAL);
	struct buf b;
	buf_init(&b);
	if (ui->prompt_on) {
		wattrset(ui->bottom, A_BOLD);
		mvwaddstr(ui->bottom, 0, 0, ui->prompt_label);
		wattrset(ui->bottom, A_NORMAL);
		text_cell(ui->prompt_text.data, ui->cols - getcurx(ui->bottom) - 1, false, &b);
		waddstr(ui->bottom, b.data);
	} else if (ui->message[0]) {
		text_cell(ui->message, ui->cols - 1, false, &b);
		wattrset(ui->bottom, ui->attrs[UC_ERROR]);
		mvwaddstr(ui->bottom, 0, 0, b.data);
	} else if (top_pane(ui) && top_pane(ui)->ops->keybar &&
		   top_pane(ui)->ops->keybar(top_pane(ui))) {
		wattrset(ui->bottom, ui->attrs[UC_KEYBAR]);
		text_cell(top_pane(ui)->ops->keybar(top_pane(ui)), ui->cols - 1, false, &b);
		mvwaddstr(ui->bottom, 0, 0, b.data);
	} else {
		/* The key bar: generated from the key table, only what the pane offers now. */
		struct pane *top = top_pane(ui);
		wmove(ui->bottom, 0, 0);
		for (int a = 1; a < ACT_COUNT; a++) {
			if (!action_info[a].bar || !top || !top->ops->offers ||
			    !top->ops->offers(top, ui, (enum action)a))
				continue;
			char keys[32];
			keymap_keys((enum action)a, keys, sizeof keys);
			char *sp = strchr(keys, ' ');
			if (sp)
				*sp = '\0';
			if (!keys[0])
				continue;
			if (getcurx(ui->bottom) + (int)strlen(keys) +
				(int)strlen(action_info[a].bar) + 3 >=
			    ui->cols)
				break;
			wattrset(ui->bottom, ui->attrs[UC_KEYBAR] | A_BOLD);
			waddstr(ui->bottom, keys);
			wattrset(ui->bottom, A_NORMAL);
			waddch(ui->bottom, ' ');
			waddstr(ui->bottom, action_info[a].bar);
			waddstr(ui->bottom, "  ");
		}
	}
	buf_free(&b);
	wnoutrefresh(ui->bottom);
}

static void draw(struct ui *ui)
{
	if (ui->too_small) {
		/* Drawn once per resize into the small size; the panes wait for room. */
		if (!ui->small_shown) {
			erase();
			mvaddstr(0, 0, "Terminal too small");
			mvaddstr(1, 0, "(30x6 at least)");
			wnoutrefresh(stdscr);
			doupdate();
			ui->small_shown = true;
		}
		return;
	}
	bool any = false;
	if (ui->title_dirty) {
		draw_title(ui);
		ui->title_dirty = false;
		any = true;
	}
	struct pane *top = ui->depth ? ui->stack[ui->depth - 1] : NULL;
	/* The topmost full pane and the overlays above it are visible. */
	int base = ui->depth - 1;
	while (base > 0 && ui->stack[base]->overlay)
		base--;
	bool redraw = false;
	for (int i = base; i >= 0 && i < ui->depth; i++)
		redraw = redraw || ui->stack[i]->dirty;
	if (redraw) {
		/* What a pane offers may change with what it shows: the key bar follows it. */
		ui->bottom_dirty = true;
		for (int i = base; i >= 0 && i < ui->depth; i++) {
			struct pane *p = ui->stack[i];
			/* A full pane redraws its window; overlays above it then redraw theirs. */
			if (p->dirty || i > base || ui->stack[base]->dirty)
				p->ops->draw(p, ui, ui->body);
			p->dirty = false;
		}
		any = true;
	}
	if (ui->status_dirty) {
		draw_status(ui);
		ui->status_dirty = false;
		any = true;
	}
	if (ui->bottom_dirty) {
		draw_bottom(ui);
		ui->bottom_dirty = false;
		any = true;
	}
	if (!any)
		return;
	/* The hardware cursor sits on the focused row or the prompt. */
	int y, x;
	update_panels();
	if (ui->prompt_on) {
		wmove(ui->bottom, 0, (int)strlen(ui->prompt_label) + ui->prompt_cursor);
		wnoutrefresh(ui->bottom);
	} else if (top && top->ops->cursor && top->ops->cursor(top, &y, &x)) {
		/* Overlays report screen coordinates; full panes report body coordinates. */
		if (top->overlay)
			move(y, x), wnoutrefresh(stdscr);
		else
			wmove(ui->body, y, x), wnoutrefresh(ui->body);
	}
	doupdate();
}

/* ---- input ---- */

static void handle_key(struct ui *ui, int key)
{
	if (key == KEY_RESIZE) {
		layout(ui);
		clearok(curscr, TRUE);
		return;
	}
	if (ui->message[0]) {
		ui->message[0] = '\0';
		ui->bottom_dirty = true;
	}
	struct pane *top = ui->depth ? ui->stack[ui->depth - 1] : NULL;
	if (!top)
		return;
	if (key == '\r' || key == KEY_ENTER)
		key = '\n'; /* one Enter, however the terminal sends it */
	bool text = top->ops->wants_text && top->ops->wants_text(top);
	enum action a = text ? ACT_NONE : keymap_lookup(key);
	if (!text && a == ACT_REDRAW) {
		clearok(curscr, TRUE);
		for (int i = 0; i < ui->depth; i++)
			ui->stack[i]->dirty = true;
		ui->title_dirty = ui->status_dirty = ui->bottom_dirty = true;
		return;
	}
	if (!text && a == ACT_QUIT) {
		ui->quit = true;
		return;
	}
	int r = top->ops->key(top, ui, a, key);
	if (r & PR_QUIT)
		ui->quit = true;
	if (r & PR_CLOSE) {
		pop(ui);
		if (!ui->depth)
			ui->quit = true;
	}
}

static void on_stdin(void *arg, int fd, short revents)
{
	struct ui *ui = arg;
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		ui->quit = true; /* the terminal went away */
		return;
	}
	int got = 0;
	for (int key; (key = getch()) != ERR; got++)
		handle_key(ui, key);
	/* Readable but nothing to read, again and again: the tty is gone (no spinning). */
	if (!got && ++ui->stdin_errs > 50)
		ui->quit = true;
	else if (got)
		ui->stdin_errs = 0;
}

static void on_spin(void *arg)
{
	struct ui *ui = arg;
	ui->spin_timer = 0;
	if (http_in_flight(ui->m->http)) {
		ui->spin++;
		ui->status_dirty = true;
	}
}

static void model_changes(struct ui *ui)
{
	struct model *m = ui->m;
	unsigned d = m->dirty;
	m->dirty = 0;
	if (m->profile != ui->shown_profile) {
		ui->shown_profile = m->profile;
		ui->title_dirty = true;
	}
	if (d) {
		for (int i = 0; i < ui->depth; i++)
			if (ui->stack[i]->ops->on_change)
				ui->stack[i]->ops->on_change(ui->stack[i], ui, d);
		if (d & MODEL_DIRTY_STATUS)
			ui->status_dirty = true;
	}
	/* The spinner ticks at most 10 times a second, only while something is in flight. */
	if (!ui->spin_timer && http_in_flight(m->http))
		ui->spin_timer = loop_timer(m->loop, SPINNER_MS, on_spin, ui);
}

int ui_run(struct model *m, const struct ui_opts *o)
{
	struct ui *ui = xcalloc(1, sizeof *ui);
	the_ui = ui;
	ui->m = m;
	buf_init(&ui->prompt_text);
	text_init();

	if (pipe(term_pipe) == 0) {
		for (int i = 0; i < 2; i++) {
			fcntl(term_pipe[i], F_SETFD, FD_CLOEXEC);
			fcntl(term_pipe[i], F_SETFL, O_NONBLOCK);
		}
	} else {
		term_pipe[0] = term_pipe[1] = -1;
	}
	struct sigaction sa = {0};
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	set_escdelay(25);
	if (!initscr()) {
		free(ui);
		return 1;
	}
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	raw(); /* C-c, C-s, C-q reach orgdeck as keys; q and Q quit */
	curs_set(1);
	/* Paint stdscr once now: getch() refreshes a touched stdscr, which would blank the
	 * windows drawn over it. */
	refresh();
	setup_colors(ui, o->theme);
	bkgdset(' ' | ui->attrs[UC_NORMAL]);
	if (o && o->mouse)
		mousemask(BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	layout(ui);
	ui_push(ui, pane_list_new(ui));
	if (m->first_run)
		ui_push(ui, pane_setup_new(ui));
	loop_io(m->loop, STDIN_FILENO, POLLIN, on_stdin, ui);
	if (term_pipe[0] >= 0)
		loop_io(m->loop, term_pipe[0], POLLIN, on_term_pipe, ui);
	model_refresh(m);

	while (!ui->quit && !got_term) {
		model_changes(ui);
		draw(ui);
		loop_run_once(m->loop, -1);
		/* A signal (SIGWINCH) may interrupt poll: ncurses then has KEY_RESIZE for us. */
		int key;
		while (!ui->quit && (key = getch()) != ERR)
			handle_key(ui, key);
	}
	loop_io(m->loop, STDIN_FILENO, 0, NULL, NULL);
	if (term_pipe[0] >= 0) {
		loop_io(m->loop, term_pipe[0], 0, NULL, NULL);
		close(term_pipe[0]);
		close(term_pipe[1]);
		term_pipe[0] = term_pipe[1] = -1;
	}
	if (ui->spin_timer)
		loop_timer_cancel(m->loop, ui->spin_timer);
	while (ui->depth)
		pop(ui);
	free_base_windows(ui);
	endwin();
	buf_free(&ui->prompt_text);
	the_ui = NULL;
	free(ui);
	return 0;
}
