/* The form pane: edit one organization, or create one, with inputs typed by the vendor's
 * schema. Edit offers the FS_EDITABLE fields and the custom fields the vendor can set;
 * create offers the FS_CREATE fields. Ctrl-S shows what will be sent (only the changed
 * fields, old -> new) and queues it in the outbox on y/Enter; Esc asks before dropping
 * changes. Errors show beside their field as the user types.
 *
 * Editing is hand-rolled rather than ncurses' form library: its fields hold bytes in fixed
 * cells, so a UTF-8 value is edited byte by byte (a Backspace splits a character) and wide
 * characters misalign; its validation types cannot say why a value is wrong, beside the
 * field, in our words; and every vendor string must reach curses through text_cell, which
 * the library's own drawing would bypass.
 *
 * The form hosts its dialogs (choices, the diff, "discard changes?") instead of pushing
 * them, so that it can close itself once a save is queued. */
#include "model/model.h"
#include "model/outbox.h"
#include "net/buf.h"
#include "net/xalloc.h"
#include "tui/dialog.h"
#include "tui/text.h"
#include "tui/ui.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define KEY_ESC 27
#define KEY_CTRL(c) ((c)&0x1f)
#define VALUE_MAX (1 << 20)
#define HEAD_ROWS 2

struct ffield {
	const struct field_spec *spec; /* NULL for a custom field */
	char *key;
	char *label;
	enum field_type type;
	bool required;
	char *orig; /* value when the form opened; NULL: none */
	struct buf val;
	char err[96];
	bool touched;
};

struct form {
	struct pane pane;
	struct ui *ui;
	char *profile;
	char *id;   /* NULL: create */
	char *name; /* for titles */
	struct ffield *f;
	int nf;
	int focus, top, rows;
	bool free_keys;	    /* custom keys may be added (a free key/value object) */
	bool show_required; /* after a save attempt: empty required fields say so */
	struct pane *child; /* a hosted dialog */
	int choosing;	    /* field a choice dialog is for */
	int body_y, body_x;
	int cur_y, cur_x;
	bool closing;
};

static const struct profile *form_profile(const struct form *f)
{
	return config_profile(&ui_model(f->ui)->cfg, f->profile);
}

static const char *val(const struct ffield *x)
{
	return x->val.data ? x->val.data : "";
}

static bool changed(const struct ffield *x)
{
	return strcmp(x->orig ? x->orig : "", val(x)) != 0;
}

static bool any_changed(const struct form *f)
{
	for (int i = 0; i < f->nf; i++)
		if (changed(&f->f[i]))
			return true;
	return false;
}

static struct ffield *add_field(struct form *f, const struct field_spec *spec, const char *key,
				const char *label, const char *orig)
{
	f->f = xrealloc(f->f, (size_t)(f->nf + 1) * sizeof *f->f);
	struct ffield *x = &f->f[f->nf++];
	memset(x, 0, sizeof *x);
	x->spec = spec;
	x->key = xstrdup(key);
	x->label = xstrdup(label ? label : key);
	x->type = spec ? spec->type : FT_TEXT;
	x->required = spec && (spec->flags & FS_REQUIRED);
	x->orig = orig ? xstrdup(orig) : NULL;
	buf_init(&x->val);
	buf_puts(&x->val, orig ? orig : "");
	return x;
}

/* ---- validation ---- */

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static bool valid_date(const char *s)
{
	int y, mo, d;
	char rest;
	if (strlen(s) < 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &mo, &d, &rest) < 3)
		return false;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return false;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return false;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100) || y % 400 == 0))
		return false;
	/* A time may follow, as the vendor writes it. */
	return !s[10] || s[10] == 'T' || s[10] == ' ';
}

static void validate(struct form *f, struct ffield *x)
{
	const char *v = val(x);
	x->err[0] = '\0';
	if (!*v) {
		if (x->required && (f->show_required || x->touched))
			snprintf(x->err, sizeof x->err, "required");
		return;
	}
	/* A value the vendor sent and the user left alone is the vendor's business. */
	if (!changed(x) && f->id)
		return;
	const struct field_spec *s = x->spec;
	switch (x->type) {
	case FT_INT: {
		char *end;
		errno = 0;
		long n = strtol(v, &end, 10);
		if (*end || errno || !isdigit((unsigned char)v[strlen(v) - 1]))
			snprintf(x->err, sizeof x->err, "a whole number");
		else if (s && s->min < s->max && (n < s->min || n > s->max))
			snprintf(x->err, sizeof x->err, "from %ld to %ld", s->min, s->max);
		break;
	}
	case FT_NUM: {
		char *end;
		strtod(v, &end);
		if (*end)
			snprintf(x->err, sizeof x->err, "a number");
		break;
	}
	case FT_DATE:
		if (!valid_date(v))
			snprintf(x->err, sizeof x->err, "a date, YYYY-MM-DD");
		break;
	case FT_EMAIL: {
		const char *at = strchr(v, '@');
		if (!at || at == v || !strchr(at + 1, '.') || strchr(at + 1, '@') ||
		    strchr(v, ' ') || at[1] == '.' || v[strlen(v) - 1] == '.')
			snprintf(x->err, sizeof x->err, "an e-mail address");
		break;
	}
	case FT_URL:
		if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
			snprintf(x->err, sizeof x->err, "a URL (http:// or https://)");
		break;
	case FT_ENUM: {
		bool ok = !s || !s->choices;
		for (int i = 0; s && s->choices && s->choices[i]; i++)
			ok = ok || !strcmp(s->choices[i], v);
		if (!ok)
			snprintf(x->err, sizeof x->err, "not one of the choices (Enter)");
		break;
	}
	case FT_BOOL:
		if (strcmp(v, "true") && strcmp(v, "false"))
			snprintf(x->err, sizeof x->err, "yes or no (Space)");
		break;
	case FT_JSON: {
		cJSON *j = cJSON_Parse(v);
		if (!j)
			snprintf(x->err, sizeof x->err, "not valid JSON");
		cJSON_Delete(j);
		break;
	}
	default:
		break;
	}
	if (!x->err[0] && s && s->max > 0 && x->type != FT_INT && utf8_chars(v) > (size_t)s->max)
		snprintf(x->err, sizeof x->err, "at most %ld characters", s->max);
}

static int validate_all(struct form *f)
{
	int bad = 0;
	for (int i = 0; i < f->nf; i++) {
		validate(f, &f->f[i]);
		bad += f->f[i].err[0] != '\0';
	}
	return bad;
}

/* ---- drawing ---- */

/* What a field shows in its box (sanitised): bools as a check box, long text's first line. */
static void display_value(const struct ffield *x, bool focused, int width, struct buf *out)
{
	const char *v = val(x);
	struct buf clean;
	buf_init(&clean);
	if (x->type == FT_BOOL) {
		buf_puts(&clean, !strcmp(v, "true")    ? "[x] yes"
				 : !strcmp(v, "false") ? "[ ] no"
						       : "[ ] (unset)");
	} else if (x->type == FT_ENUM) {
		text_sanitize(v, strlen(v), &clean);
		buf_puts(&clean, text_utf8() ? " ▾" : " v");
	} else if (x->type == FT_LONGTEXT && strchr(v, '\n')) {
		const char *nl = strchr(v, '\n');
		text_sanitize(v, (size_t)(nl - v), &clean);
		int lines = 1;
		for (const char *p = v; *p; p++)
			lines += *p == '\n' && p[1];
		buf_printf(&clean, "  (%d lines, C-e)", lines);
	} else {
		text_sanitize(v, strlen(v), &clean);
	}
	const char *s = clean.data ? clean.data : "";
	if (focused && x->type != FT_BOOL && x->type != FT_ENUM) {
		/* Typing happens at the end: keep the end in view. */
		while (text_width(s) > width - 1) {
			size_t k = 1;
			while (s[k] && ((unsigned char)s[k] & 0xC0) == 0x80)
				k++;
			s += k;
		}
		buf_puts(out, s);
	} else {
		text_cell(s, width, false, out);
	}
	buf_free(&clean);
}

static void draw(struct pane *p, struct ui *ui, WINDOW *w)
{
	struct form *f = (struct form *)p;
	const struct profile *prof = form_profile(f);
	int h, wd;
	getmaxyx(w, h, wd);
	getbegyx(w, f->body_y, f->body_x);
	werase(w);
	struct buf b;
	buf_init(&b);
	if (f->id)
		buf_printf(&b, "Edit \"%s\"", f->name ? f->name : f->id);
	else
		buf_puts(&b, "Create organization");
	if (prof)
		buf_printf(&b, " · %s (%s)", prof->vendor->label, prof->name);
	struct buf cell;
	buf_init(&cell);
	text_cell(b.data, wd - 2, false, &cell);
	wattrset(w, A_BOLD);
	mvwaddstr(w, 0, 1, cell.data ? cell.data : "");
	buf_reset(&cell);
	text_cell(f->free_keys
		      ? "* required · Space toggles · Enter picks · C-e $EDITOR · C-n new key"
		      : "* required · Space toggles · Enter picks · C-e $EDITOR",
		  wd - 2, false, &cell);
	wattrset(w, ui_attr(UC_DIM));
	mvwaddstr(w, 1, 1, cell.data ? cell.data : "");

	int labw = 10;
	for (int i = 0; i < f->nf; i++) {
		int lw = text_width(f->f[i].label) + 4;
		if (lw > labw)
			labw = lw;
	}
	if (labw > 30)
		labw = 30;
	if (labw > wd / 3)
		labw = wd / 3;
	int avail = wd - 2 - labw - 1;
	int vw = avail * 3 / 5;
	if (vw > 48)
		vw = 48;
	if (vw < 8)
		vw = avail > 8 ? 8 : avail;
	int ew = avail - vw - 1;

	f->rows = h - HEAD_ROWS > 1 ? h - HEAD_ROWS : 1;
	if (f->focus < f->top)
		f->top = f->focus;
	if (f->focus >= f->top + f->rows)
		f->top = f->focus - f->rows + 1;
	if (!f->nf) {
		wattrset(w, ui_attr(UC_DIM));
		mvwaddstr(w, HEAD_ROWS, 2, "Nothing here can be edited.");
	}
	for (int r = 0; r < f->rows && f->top + r < f->nf; r++) {
		int i = f->top + r;
		struct ffield *x = &f->f[i];
		bool foc = i == f->focus;
		int y = HEAD_ROWS + r;
		buf_reset(&b);
		buf_puts(&b, x->label);
		if (x->required)
			buf_puts(&b, " *");
		buf_reset(&cell);
		text_cell(b.data, labw - 2, true, &cell);
		wattrset(w, foc ? A_BOLD : A_NORMAL);
		mvwaddstr(w, y, 0, foc ? ">" : " ");
		mvwaddstr(w, y, 1, cell.data ? cell.data : "");
		buf_reset(&cell);
		display_value(x, foc, vw, &cell);
		attr_t va = A_UNDERLINE;
		if (foc)
			va = ui_attr(UC_SELECTED);
		else if (changed(x))
			va |= ui_attr(UC_PENDING);
		wattrset(w, va);
		mvwprintw(w, y, 1 + labw, "%*s", vw, "");
		mvwaddstr(w, y, 1 + labw, cell.data ? cell.data : "");
		if (foc) {
			f->cur_y = y;
			f->cur_x = 1 + labw;
			if (x->type != FT_BOOL && x->type != FT_ENUM)
				f->cur_x += text_width(cell.data ? cell.data : "");
			if (f->cur_x >= 1 + labw + vw)
				f->cur_x = labw + vw;
		}
		if (x->err[0] && ew > 2) {
			buf_reset(&cell);
			text_cell(x->err, ew, false, &cell);
			wattrset(w, ui_attr(UC_ERROR));
			mvwaddstr(w, y, 2 + labw + vw, cell.data ? cell.data : "");
		} else if (changed(x) && ew > 2) {
			wattrset(w, ui_attr(UC_DIM));
			mvwaddstr(w, y, 2 + labw + vw, text_utf8() ? "●" : "*");
		}
	}
	wattrset(w, A_NORMAL);
	if (f->nf > f->rows) {
		char pos[32];
		snprintf(pos, sizeof pos, " %d/%d ", f->focus + 1, f->nf);
		wattrset(w, ui_attr(UC_DIM));
		mvwaddstr(w, 0, wd - (int)strlen(pos) - 1, pos);
		wattrset(w, A_NORMAL);
	}
	buf_free(&cell);
	buf_free(&b);
	if (f->child)
		f->child->ops->draw(f->child, ui, w);
}

/* ---- $EDITOR ---- */

/* Runs the user's editor on value in a private temp file; the value never goes on a
 * command line, and the editor is started without a shell. */
static bool run_editor(const char *value, char **out, char *err, size_t errcap)
{
	const char *tmp = getenv("TMPDIR");
	char *path = xasprintf("%s/orgdeck-edit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		snprintf(err, errcap, "Cannot make a temporary file: %s", strerror(errno));
		free(path);
		return false;
	}
	fchmod(fd, 0600);
	size_t len = strlen(value);
	bool ok = write(fd, value, len) == (ssize_t)len &&
		  (!len || value[len - 1] == '\n' || write(fd, "\n", 1) == 1);
	close(fd);
	if (!ok) {
		snprintf(err, errcap, "Cannot write the temporary file.");
		unlink(path);
		free(path);
		return false;
	}
	const char *ed = getenv("VISUAL");
	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	/* "emacs -nw" or "code --wait": words split on blanks, the file last. */
	char *words = xstrdup(ed);
	char *argv[18];
	int argc = 0;
	for (char *s = strtok(words, " \t"); s && argc < 16; s = strtok(NULL, " \t"))
		argv[argc++] = s;
	argv[argc++] = path;
	argv[argc] = NULL;

	struct sigaction ign = {0}, old_int, old_quit;
	ign.sa_handler = SIG_IGN;
	def_prog_mode();
	endwin();
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status = 0;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	reset_prog_mode();
	clearok(curscr, TRUE);
	free(words);
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(err, errcap, "The editor (%s) %s; the value is unchanged.", ed,
			 pid < 0					   ? "could not start"
			 : WIFEXITED(status) && WEXITSTATUS(status) == 127 ? "was not found"
									   : "failed");
		unlink(path);
		free(path);
		return false;
	}
	FILE *fp = fopen(path, "r");
	struct buf b;
	buf_init(&b);
	char chunk[4096];
	size_t n;
	while (fp && (n = fread(chunk, 1, sizeof chunk, fp)) > 0 && b.len < VALUE_MAX)
		buf_add(&b, chunk, n);
	if (fp)
		fclose(fp);
	unlink(path);
	free(path);
	/* Editors end the file with a newline the value did not have. */
	if (b.len && b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	*out = b.data ? buf_steal(&b) : xstrdup("");
	return true;
}

/* ---- keys ---- */

static void set_value(struct form *f, struct ffield *x, const char *v)
{
	buf_reset(&x->val);
	buf_puts(&x->val, v ? v : "");
	x->touched = true;
	validate(f, x);
	f->pane.dirty = true;
}

static void chosen(void *arg, int choice, const char *text)
{
	struct form *f = arg;
	if (choice < 0 || f->choosing < 0 || f->choosing >= f->nf)
		return;
	struct ffield *x = &f->f[f->choosing];
	/* "(none)" is offered last for a choice that may be empty. */
	bool none = x->spec && x->spec->choices && !x->spec->choices[choice];
	set_value(f, x, none ? "" : text);
}

static void open_choices(struct form *f, int i)
{
	struct ffield *x = &f->f[i];
	if (!x->spec || !x->spec->choices)
		return;
	int n = 0, sel = 0;
	while (x->spec->choices[n]) {
		if (!strcmp(x->spec->choices[n], val(x)))
			sel = n;
		n++;
	}
	const char **items = xcalloc((size_t)n + 2, sizeof *items);
	for (int k = 0; k < n; k++)
		items[k] = x->spec->choices[k];
	int count = n;
	if (!x->required)
		items[count++] = "(none)";
	f->choosing = i;
	char *title = xasprintf("%s", x->label);
	f->child = dialog_choose(f->ui, title, items, count, sel, chosen, f);
	free(title);
	free(items);
}

static void new_key_entered(void *arg, int choice, const char *text)
{
	struct form *f = arg;
	if (choice != 1 || !text)
		return;
	/* Keys are trimmed; an existing key just gets the focus. */
	while (*text == ' ')
		text++;
	size_t len = strlen(text);
	while (len && text[len - 1] == ' ')
		len--;
	if (!len) {
		ui_message(f->ui, "A custom field needs a key.");
		return;
	}
	char *name = xstrndup(text, len);
	char *key = xasprintf("cf:%s", name);
	int at = -1;
	for (int i = 0; i < f->nf; i++)
		if (!strcmp(f->f[i].key, key))
			at = i;
	if (at < 0) {
		add_field(f, NULL, key, name, NULL);
		at = f->nf - 1;
	}
	f->focus = at;
	f->pane.dirty = true;
	free(key);
	free(name);
}

static void discard_answered(void *arg, int choice, const char *text)
{
	(void)text;
	struct form *f = arg;
	if (choice == 1)
		f->closing = true;
}

/* The value to send: empty means null for typed fields, "" for text. */
static const char *send_value(const struct ffield *x)
{
	const char *v = val(x);
	if (*v)
		return v;
	switch (x->type) {
	case FT_TEXT:
	case FT_LONGTEXT:
	case FT_EMAIL:
	case FT_URL:
		return "";
	default:
		return NULL;
	}
}

static void save_answered(void *arg, int choice, const char *text)
{
	(void)text;
	struct form *f = arg;
	if (choice != 1)
		return;
	struct model *m = ui_model(f->ui);
	struct record r;
	record_init(&r);
	int n = 0;
	for (int i = 0; i < f->nf; i++) {
		struct ffield *x = &f->f[i];
		if (f->id ? !changed(x) : !*val(x))
			continue;
		if (x->spec)
			record_set(&r, x->key, send_value(x));
		else
			record_set_labelled(&r, x->key, x->label, send_value(x));
		if (!strcmp(x->key, "name"))
			r.name = xstrdup(val(x));
		n++;
	}
	int64_t op =
	    f->id ? outbox_update(m, f->profile, f->id, &r) : outbox_create(m, f->profile, &r);
	record_free(&r);
	ui_status_dirty(f->ui);
	if (op <= 0) {
		ui_message(f->ui, "%s", m->error[0] ? m->error : "The change was not queued.");
		return;
	}
	ui_message(f->ui, "%s queued (%d field%s); the list marks it until %s confirms.",
		   f->id ? "Update" : "Create", n, n == 1 ? "" : "s",
		   form_profile(f) ? form_profile(f)->vendor->label : "the vendor");
	f->closing = true;
}

/* A field's value on one line for the diff (sanitised, clipped). */
static void diff_value(const char *v, bool is_bool, struct buf *out)
{
	if (!v || !*v) {
		buf_puts(out, "(empty)");
		return;
	}
	if (is_bool) {
		buf_puts(out, !strcmp(v, "true") ? "yes" : !strcmp(v, "false") ? "no" : v);
		return;
	}
	buf_putc(out, '"');
	text_cell(v, 40, false, out);
	buf_putc(out, '"');
}

static void save(struct form *f)
{
	f->show_required = true;
	int bad = validate_all(f);
	f->pane.dirty = true;
	if (bad) {
		for (int i = 0; i < f->nf; i++)
			if (f->f[i].err[0]) {
				f->focus = i;
				break;
			}
		ui_message(f->ui, "%d field%s need%s fixing before saving.", bad,
			   bad == 1 ? "" : "s", bad == 1 ? "s" : "");
		return;
	}
	struct buf q;
	buf_init(&q);
	const struct profile *prof = form_profile(f);
	int n = 0;
	for (int i = 0; i < f->nf; i++) {
		struct ffield *x = &f->f[i];
		if (f->id ? !changed(x) : !*val(x))
			continue;
		buf_puts(&q, "\n");
		struct buf lab;
		buf_init(&lab);
		text_cell(x->label, 24, false, &lab);
		buf_printf(&q, "%s: ", lab.data ? lab.data : "");
		buf_free(&lab);
		if (f->id) {
			diff_value(x->orig, x->type == FT_BOOL, &q);
			buf_puts(&q, text_utf8() ? " → " : " -> ");
		}
		diff_value(val(x), x->type == FT_BOOL, &q);
		n++;
	}
	if (!n) {
		buf_free(&q);
		ui_message(f->ui, "Nothing changed.");
		return;
	}
	char *question;
	if (f->id)
		question = xasprintf("Send %d change%s to \"%s\" (%s)?\n%s", n, n == 1 ? "" : "s",
				     f->name ? f->name : f->id,
				     prof ? prof->vendor->label : f->profile, q.data);
	else
		question = xasprintf("Create this organization in %s (%s)?\n%s", f->profile,
				     prof ? prof->vendor->label : "", q.data);
	f->child = dialog_confirm(f->ui, f->id ? "Save changes" : "Create organization", question,
				  true, save_answered, f);
	free(question);
	buf_free(&q);
}

static void move_focus(struct form *f, int to)
{
	if (to >= f->nf)
		to = f->nf - 1;
	if (to < 0)
		to = 0;
	if (f->focus < f->nf)
		validate(f, &f->f[f->focus]);
	f->focus = to;
	f->pane.dirty = true;
}

static void type_char(struct form *f, struct ffield *x, int k)
{
	const char *v = val(x);
	switch (x->type) {
	case FT_BOOL:
		if (k == 'y' || k == 'Y' || k == 't')
			set_value(f, x, "true");
		else if (k == 'n' || k == 'N' || k == 'f')
			set_value(f, x, "false");
		return;
	case FT_ENUM: {
		/* A letter picks the next choice that starts with it. */
		const char *const *c = x->spec ? x->spec->choices : NULL;
		int n = 0, cur = -1;
		while (c && c[n]) {
			if (!strcmp(c[n], v))
				cur = n;
			n++;
		}
		for (int i = 1; i <= n; i++) {
			const char *cand = c[(cur + i + n) % n];
			if (tolower((unsigned char)cand[0]) == tolower(k)) {
				set_value(f, x, cand);
				break;
			}
		}
		return;
	}
	case FT_INT:
		if (!isdigit(k) && !((k == '-' || k == '+') && !*v)) {
			ui_message(f->ui, "%s takes a whole number.", x->label);
			return;
		}
		break;
	case FT_NUM:
		if (!isdigit(k) && !strchr("+-.eE", k)) {
			ui_message(f->ui, "%s takes a number.", x->label);
			return;
		}
		break;
	default:
		break;
	}
	if (x->val.len >= VALUE_MAX)
		return;
	buf_putc(&x->val, (char)k);
	/* Validate once a multi-byte character is whole. */
	const unsigned char *s = (const unsigned char *)x->val.data;
	size_t end = x->val.len, start = end - 1;
	while (start > 0 && (s[start] & 0xC0) == 0x80)
		start--;
	size_t need = s[start] < 0x80 ? 1 : s[start] < 0xE0 ? 2 : s[start] < 0xF0 ? 3 : 4;
	x->touched = true;
	if (end - start >= need)
		validate(f, x);
	f->pane.dirty = true;
}

static void backspace(struct form *f, struct ffield *x)
{
	if (x->type == FT_BOOL || x->type == FT_ENUM || !x->val.len)
		return;
	size_t n = x->val.len;
	do
		n--;
	while (n > 0 && ((unsigned char)x->val.data[n] & 0xC0) == 0x80);
	x->val.len = n;
	x->val.data[n] = '\0';
	x->touched = true;
	validate(f, x);
	f->pane.dirty = true;
}

static int key(struct pane *p, struct ui *ui, enum action a, int k)
{
	struct form *f = (struct form *)p;
	if (f->child) {
		struct pane *c = f->child;
		int r = c->ops->key(c, ui, a, k);
		if (r & PR_CLOSE) {
			if (f->child == c)
				f->child = NULL;
			c->ops->free(c);
		}
		p->dirty = true;
		return f->closing ? PR_CLOSE : PR_HANDLED;
	}
	struct ffield *x = f->nf ? &f->f[f->focus] : NULL;
	int page = f->rows > 1 ? f->rows - 1 : 1;
	switch (k) {
	case '\t':
	case KEY_DOWN:
		move_focus(f, f->focus + 1);
		return PR_HANDLED;
	case KEY_BTAB:
	case KEY_UP:
		move_focus(f, f->focus - 1);
		return PR_HANDLED;
	case KEY_NPAGE:
		move_focus(f, f->focus + page);
		return PR_HANDLED;
	case KEY_PPAGE:
		move_focus(f, f->focus - page);
		return PR_HANDLED;
	case KEY_ESC:
		if (!any_changed(f))
			return PR_CLOSE;
		f->child = dialog_confirm(ui, "Discard changes",
					  f->id ? "Discard your changes to this organization?"
						: "Discard the new organization?",
					  false, discard_answered, f);
		p->dirty = true; /* draws the dialog, and the key bar with it */
		return PR_HANDLED;
	case KEY_CTRL('s'):
		save(f); /* marks the form, which redraws the key bar too */
		return PR_HANDLED;
	case KEY_CTRL('l'):
		clearok(curscr, TRUE);
		p->dirty = true;
		return PR_HANDLED;
	case KEY_CTRL('n'):
		if (!f->free_keys)
			return PR_HANDLED;
		f->child = dialog_text(ui, "New custom field", "Key (a metadata name):", "",
				       new_key_entered, f);
		p->dirty = true; /* draws the dialog, and the key bar with it */
		return PR_HANDLED;
	default:
		break;
	}
	if (!x)
		return PR_HANDLED;
	if (k == KEY_CTRL('u')) {
		if (x->type != FT_BOOL && !(x->type == FT_ENUM && x->required))
			set_value(f, x, "");
		return PR_HANDLED;
	}
	if (k == KEY_CTRL('e')) {
		if (x->type == FT_BOOL || x->type == FT_ENUM)
			return PR_HANDLED;
		char *out = NULL, err[256];
		if (run_editor(val(x), &out, err, sizeof err))
			set_value(f, x, out);
		else
			ui_message(ui, "%s", err);
		free(out);
		p->dirty = true;
		return PR_HANDLED;
	}
	if (k == '\n') {
		if (x->type == FT_ENUM) {
			open_choices(f, f->focus);
		} else if (x->type == FT_BOOL) {
			set_value(f, x, strcmp(val(x), "true") ? "true" : "false");
		} else {
			move_focus(f, f->focus + 1);
		}
		p->dirty = true;
		return PR_HANDLED;
	}
	if (k == ' ' && x->type == FT_BOOL) {
		set_value(f, x, strcmp(val(x), "true") ? "true" : "false");
		return PR_HANDLED;
	}
	if (k == KEY_BACKSPACE || k == 127 || k == 8) {
		backspace(f, x);
		return PR_HANDLED;
	}
	if (k >= 32 && k < 256 && k != 127)
		type_char(f, x, k);
	return PR_HANDLED;
}

static bool cursor(struct pane *p, int *y, int *x)
{
	struct form *f = (struct form *)p;
	if (f->child) {
		if (!f->child->ops->cursor(f->child, y, x))
			return false;
		*y -= f->body_y;
		*x -= f->body_x;
		return true;
	}
	if (!f->nf)
		return false;
	*y = f->cur_y;
	*x = f->cur_x;
	return true;
}

static bool wants_text(struct pane *p)
{
	struct form *f = (struct form *)p;
	if (f->child)
		return f->child->ops->wants_text && f->child->ops->wants_text(f->child);
	return true;
}

static const char *keybar(struct pane *p)
{
	struct form *f = (struct form *)p;
	if (f->child && f->child->ops->keybar)
		return f->child->ops->keybar(f->child);
	if (f->free_keys)
		return "Tab next  S-Tab prev  C-s save  Esc cancel  C-u clear  C-e editor  C-n new "
		       "key";
	return "Tab next  S-Tab prev  C-s save  Esc cancel  C-u clear  Space toggle  Enter choices "
	       " C-e editor";
}

static void form_free(struct pane *p)
{
	struct form *f = (struct form *)p;
	if (f->child)
		f->child->ops->free(f->child);
	for (int i = 0; i < f->nf; i++) {
		free(f->f[i].key);
		free(f->f[i].label);
		free(f->f[i].orig);
		buf_free(&f->f[i].val);
	}
	free(f->f);
	free(f->profile);
	free(f->id);
	free(f->name);
	free(f);
}

static const struct pane_ops form_ops = {
    .name = "form",
    .draw = draw,
    .key = key,
    .cursor = cursor,
    .wants_text = wants_text,
    .keybar = keybar,
    .free = form_free,
};

struct pane *pane_form_new(struct ui *ui, const char *profile, const char *org_id)
{
	struct model *m = ui_model(ui);
	struct form *f = xcalloc(1, sizeof *f);
	f->pane.ops = &form_ops;
	f->ui = ui;
	f->profile = xstrdup(profile);
	f->id = org_id ? xstrdup(org_id) : NULL;
	f->choosing = -1;
	const struct profile *prof = config_profile(&m->cfg, profile);
	if (!prof)
		return &f->pane;
	const struct vendor *v = prof->vendor;
	/* Free custom keys: a vendor with custom fields but no per-field call keeps them in one
	 * free object, so any key may be added; field-by-field vendors have fixed ids. */
	f->free_keys = (v->caps & VCAP_FIELDS) && !v->field_req;
	struct record rec;
	bool have = org_id && store_get_record(m->store, profile, org_id, &rec);
	if (org_id && !have)
		return &f->pane; /* gone from the cache: nothing to edit */
	if (have)
		f->name = rec.name ? xstrdup(rec.name) : NULL;
	unsigned want = org_id ? FS_EDITABLE : FS_CREATE;
	for (size_t i = 0; i < v->nfields; i++) {
		const struct field_spec *s = &v->fields[i];
		if (!(s->flags & want) || (s->flags & FS_SECRETLIKE))
			continue;
		const char *orig = have ? record_get(&rec, s->key) : NULL;
		add_field(f, s, s->key, s->label, orig);
	}
	if (have && (v->caps & VCAP_FIELDS))
		for (size_t i = 0; i < rec.nfields; i++) {
			const struct record_field *rf = &rec.fields[i];
			if (!strncmp(rf->key, "cf:", 3))
				add_field(f, NULL, rf->key, rf->label ? rf->label : rf->key + 3,
					  rf->value);
		}
	if (have)
		record_free(&rec);
	return &f->pane;
}
