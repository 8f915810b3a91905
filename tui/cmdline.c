/* The command line (:) on the bottom line: `:profile NAME`, `:sort COL [desc]`,
 * `:filter TEXT`, `:export csv FILE`, `:export journal FILE`, `:q`. Tab completes command
 * names, profile names, column names and export kinds (again to cycle through several).
 * Commands act on the list pane it was opened over; results and errors are one sentence
 * on the bottom line. */
#include "model/model.h"
#include "model/outbox.h"
#include "net/buf.h"
#include "net/xalloc.h"
#include "tui/text.h"
#include "tui/ui.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define EXPORT_WINDOW 256
#define MAX_CANDS 64

struct cmdline {
	struct pane pane;
	struct ui *ui;
	struct pane *list;
	struct buf text;
	/* Tab cycling: the candidates of the last Tab and which one is shown */
	char *cands[MAX_CANDS];
	int ncands, cand;
	size_t word_at; /* where the completed word starts in text */
	bool cycling;
};

static const char *const commands[] = {"export", "filter", "profile", "q", "quit", "sort", NULL};
static const char *const export_kinds[] = {"csv", "journal", NULL};

static void show(struct cmdline *c)
{
	ui_prompt(c->ui, ":", c->text.data, text_width(c->text.data ? c->text.data : ""));
}

static void clear_cands(struct cmdline *c)
{
	for (int i = 0; i < c->ncands; i++)
		free(c->cands[i]);
	c->ncands = c->cand = 0;
	c->cycling = false;
}

/* ---- commands ---- */

static int col_by_name(struct model *m, const char *name)
{
	for (int col = 0; col < STORE_COLS; col++) {
		const char *label = model_col_label(m->profile, col);
		if (label && !strcasecmp(label, name))
			return col;
	}
	return -2;
}

static void csv_field(FILE *f, const char *s)
{
	if (!s)
		s = "";
	/* Quote when needed; a leading = + - @ is kept as text by a spreadsheet only in quotes
	 * with a leading apostrophe, which would change the data, so we quote and leave it. */
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ') {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static char *expand_path(const char *path)
{
	const char *home = getenv("HOME");
	if (path[0] == '~' && path[1] == '/' && home)
		return xasprintf("%s%s", home, path + 1);
	return xstrdup(path);
}

static void export_csv(struct cmdline *c, const char *path)
{
	struct model *m = ui_model(c->ui);
	struct store_query q;
	pane_list_query(c->list, &q);
	char *file = expand_path(path);
	FILE *f = fopen(file, "w");
	if (!f) {
		ui_message(c->ui, "Cannot write %s: %s", file, strerror(errno));
		free(file);
		return;
	}
	bool all = !q.profile;
	if (all)
		fputs("Profile,", f);
	fputs("Id", f);
	for (int col = 0; col < STORE_COLS; col++) {
		const char *label = all ? (col ? NULL : "Name") : model_col_label(m->profile, col);
		if (!label)
			break;
		fputc(',', f);
		csv_field(f, label);
	}
	fputs("\r\n", f);
	int ncols = 0;
	while (ncols < STORE_COLS && (all ? ncols < 1 : model_col_label(m->profile, ncols) != NULL))
		ncols++;
	struct store_row rows[EXPORT_WINDOW];
	long off = 0, total = 0;
	for (;;) {
		int n = store_window(m->store, &q, off, EXPORT_WINDOW, rows);
		for (int i = 0; i < n; i++) {
			if (all) {
				csv_field(f, rows[i].profile);
				fputc(',', f);
			}
			csv_field(f, rows[i].id);
			for (int col = 0; col < ncols; col++) {
				fputc(',', f);
				csv_field(f, rows[i].cols[col]);
			}
			fputs("\r\n", f);
		}
		store_rows_free(rows, n);
		total += n;
		off += n;
		if (n < EXPORT_WINDOW)
			break;
	}
	if (fclose(f) != 0)
		ui_message(c->ui, "Cannot write %s: %s", file, strerror(errno));
	else
		ui_message(c->ui, "Exported %ld rows to %s", total, file);
	free(file);
}

static void export_journal(struct cmdline *c, const char *path)
{
	struct model *m = ui_model(c->ui);
	char *file = expand_path(path);
	size_t len = strlen(file);
	const char *fmt =
	    len > 5 && (!strcmp(file + len - 5, ".json") || !strcmp(file + len - 6, ".jsonl"))
		? "json"
		: "csv";
	FILE *f = fopen(file, "w");
	if (!f) {
		ui_message(c->ui, "Cannot write %s: %s", file, strerror(errno));
		free(file);
		return;
	}
	bool ok = journal_export(m, m->profile ? m->profile->name : NULL, fmt, f);
	if (fclose(f) != 0 || !ok)
		ui_message(c->ui, "Cannot write the journal to %s", file);
	else
		ui_message(c->ui, "Journal (%s) written to %s", fmt, file);
	free(file);
}

/* Runs one command line; returns pane result bits. */
static int run(struct cmdline *c, char *line)
{
	struct model *m = ui_model(c->ui);
	while (*line == ' ')
		line++;
	size_t n = strlen(line);
	while (n && line[n - 1] == ' ')
		line[--n] = '\0';
	char *arg = strchr(line, ' ');
	if (arg) {
		*arg++ = '\0';
		while (*arg == ' ')
			arg++;
	} else {
		arg = line + n;
	}
	if (!line[0])
		return PR_CLOSE;
	if (!strcmp(line, "q") || !strcmp(line, "quit"))
		return PR_CLOSE | PR_QUIT;
	if (!strcmp(line, "profile")) {
		if (!arg[0]) {
			ui_message(c->ui,
				   "Usage: :profile NAME (Tab completes; p opens the switcher)");
		} else if (!model_use_profile(m, arg)) {
			struct buf b;
			buf_init(&b);
			text_cell(arg, 40, false, &b);
			ui_message(c->ui, "No profile named '%s' in the config.", b.data);
			buf_free(&b);
		} else {
			pane_list_set_all_profiles(c->list, false);
			model_refresh(m);
			ui_message(c->ui, "Profile %s (%s)", m->profile->name,
				   m->profile->vendor->label);
		}
		return PR_CLOSE;
	}
	if (!strcmp(line, "sort")) {
		bool desc = false;
		size_t an = strlen(arg);
		if (an > 5 && !strcasecmp(arg + an - 5, " desc")) {
			desc = true;
			arg[an - 5] = '\0';
		}
		int col = !arg[0] || !strcasecmp(arg, "none") ? -1
			  : m->profile			      ? col_by_name(m, arg)
							      : -2;
		if (col == -2) {
			struct buf b;
			buf_init(&b);
			for (int k = 0; k < STORE_COLS && model_col_label(m->profile, k); k++)
				buf_printf(&b, "%s%s", k ? ", " : "",
					   model_col_label(m->profile, k));
			struct buf a;
			buf_init(&a);
			text_cell(arg, 30, false, &a);
			ui_message(c->ui, "No column '%s'; columns: %s", a.data,
				   b.data ? b.data : "");
			buf_free(&a);
			buf_free(&b);
		} else {
			pane_list_set_sort(c->list, col, desc);
			ui_message(c->ui, "Sorted by %s%s",
				   col < 0 ? "the vendor's order"
					   : model_col_label(m->profile, col),
				   desc ? ", descending" : "");
		}
		return PR_CLOSE;
	}
	if (!strcmp(line, "filter")) {
		pane_list_set_filter(c->list, arg);
		return PR_CLOSE;
	}
	if (!strcmp(line, "export")) {
		char *file = strchr(arg, ' ');
		if (file) {
			*file++ = '\0';
			while (*file == ' ')
				file++;
		}
		if (!file || !*file || (strcmp(arg, "csv") && strcmp(arg, "journal")))
			ui_message(c->ui, "Usage: :export csv FILE  or  :export journal FILE");
		else if (!strcmp(arg, "csv"))
			export_csv(c, file);
		else
			export_journal(c, file);
		return PR_CLOSE;
	}
	struct buf b;
	buf_init(&b);
	text_cell(line, 30, false, &b);
	ui_message(c->ui, "Unknown command ':%s' (commands: profile, sort, filter, export, q)",
		   b.data);
	buf_free(&b);
	return PR_CLOSE;
}

/* ---- completion ---- */

static void add_cand(struct cmdline *c, const char *word, const char *cand)
{
	if (c->ncands < MAX_CANDS && !strncasecmp(cand, word, strlen(word)))
		c->cands[c->ncands++] = xstrdup(cand);
}

static void replace_word(struct cmdline *c, const char *with, bool space)
{
	c->text.len = c->word_at;
	c->text.data[c->word_at] = '\0';
	buf_puts(&c->text, with);
	if (space)
		buf_putc(&c->text, ' ');
}

static void complete(struct cmdline *c)
{
	struct model *m = ui_model(c->ui);
	if (c->cycling && c->ncands) {
		c->cand = (c->cand + 1) % c->ncands;
		replace_word(c, c->cands[c->cand], false);
		return;
	}
	clear_cands(c);
	const char *t = c->text.data;
	const char *sp = strchr(t, ' ');
	char cmd[16] = "";
	if (sp)
		snprintf(cmd, sizeof cmd, "%.*s", (int)(sp - t) < 15 ? (int)(sp - t) : 15, t);
	/* :sort takes the rest of the line (labels may hold spaces); others one word. */
	if (sp && !strcmp(cmd, "sort")) {
		c->word_at = (size_t)(sp - t) + 1;
	} else {
		const char *last = strrchr(t, ' ');
		c->word_at = last ? (size_t)(last - t) + 1 : 0;
	}
	const char *word = t + c->word_at;
	if (!sp) {
		for (int i = 0; commands[i]; i++)
			add_cand(c, word, commands[i]);
	} else if (!strcmp(cmd, "profile") && c->word_at == 8) {
		for (size_t i = 0; i < m->cfg.nprofiles; i++)
			add_cand(c, word, m->cfg.profiles[i].name);
	} else if (!strcmp(cmd, "sort") && m->profile) {
		for (int k = 0; k < STORE_COLS; k++)
			if (model_col_label(m->profile, k))
				add_cand(c, word, model_col_label(m->profile, k));
	} else if (!strcmp(cmd, "export") && c->word_at == 7) {
		for (int i = 0; export_kinds[i]; i++)
			add_cand(c, word, export_kinds[i]);
	}
	if (!c->ncands) {
		ui_message(c->ui, "No completion");
		return;
	}
	if (c->ncands == 1) {
		replace_word(c, c->cands[0], strcmp(cmd, "sort") != 0);
		clear_cands(c);
		return;
	}
	/* Several: extend to their common prefix, or start cycling when there is none. */
	size_t common = strlen(c->cands[0]);
	for (int i = 1; i < c->ncands; i++) {
		size_t k = 0;
		while (k < common && c->cands[i][k] &&
		       tolower((unsigned char)c->cands[i][k]) ==
			   tolower((unsigned char)c->cands[0][k]))
			k++;
		common = k;
	}
	if (common > strlen(word)) {
		char *pre = xstrndup(c->cands[0], common);
		replace_word(c, pre, false);
		free(pre);
		clear_cands(c);
		return;
	}
	c->cycling = true;
	c->cand = 0;
	replace_word(c, c->cands[0], false);
}

/* ---- pane ---- */

static void draw(struct pane *p, struct ui *ui, WINDOW *w)
{
	/* Lives on the bottom line (ui_prompt); the pane below stays as it is. */
}

static int key(struct pane *p, struct ui *ui, enum action a, int k)
{
	struct cmdline *c = (struct cmdline *)p;
	if (k != '\t' && k != KEY_BTAB)
		clear_cands(c);
	if (k == 27)
		return PR_CLOSE;
	if (k == '\n') {
		char *line = xstrdup(c->text.data ? c->text.data : "");
		int r = run(c, line);
		free(line);
		return r;
	}
	if (k == '\t') {
		complete(c);
	} else if (k == KEY_BACKSPACE || k == 127 || k == 8) {
		if (!c->text.len)
			return PR_CLOSE; /* backspace on an empty line leaves, as in vim */
		size_t n = c->text.len;
		do
			n--;
		while (n > 0 && ((unsigned char)c->text.data[n] & 0xC0) == 0x80);
		c->text.len = n;
		c->text.data[n] = '\0';
	} else if (k == 21) { /* C-u */
		buf_reset(&c->text);
		buf_puts(&c->text, "");
	} else if (k == 23) { /* C-w: the last word */
		size_t n = c->text.len;
		while (n && c->text.data[n - 1] == ' ')
			n--;
		while (n && c->text.data[n - 1] != ' ')
			n--;
		c->text.len = n;
		c->text.data[n] = '\0';
	} else if (k >= 32 && k < 256 && k != 127 && c->text.len < 400) {
		buf_putc(&c->text, (char)k);
	}
	show(c);
	return PR_HANDLED;
}

static bool wants_text(struct pane *p)
{
	return true;
}

static void cmdline_free(struct pane *p)
{
	struct cmdline *c = (struct cmdline *)p;
	clear_cands(c);
	buf_free(&c->text);
	free(c);
}

static const struct pane_ops cmdline_ops = {
    .name = "command",
    .draw = draw,
    .key = key,
    .wants_text = wants_text,
    .free = cmdline_free,
};

struct pane *cmdline_new(struct ui *ui, struct pane *list)
{
	struct cmdline *c = xcalloc(1, sizeof *c);
	c->pane.ops = &cmdline_ops;
	c->pane.overlay = true;
	c->ui = ui;
	c->list = list;
	buf_init(&c->text);
	buf_puts(&c->text, "");
	show(c);
	return &c->pane;
}
