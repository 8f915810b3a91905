/* The filter builder (F): the vendor's server-side filters (vendor->filters: fields with
 * their qualifiers, or status/industry/category lists, whatever the driver offers) without having
 * to remember `name__istartswith`. Pick a filter, give a value (a chooser for enum and yes/no
 * filters, a text line otherwise; several values comma-separated where the vendor takes
 * them), see the active set, apply. The set is kept by the list pane
 * (pane_list_set_server_filters); sending it is the model's part. */
#include "model/model.h"
#include "net/buf.h"
#include "net/loop.h"
#include "net/xalloc.h"
#include "tui/dialog.h"
#include "tui/text.h"
#include "tui/ui.h"

#include <string.h>

#define MAX_SF 8

struct filters {
	struct pane pane;
	struct ui *ui;
	struct pane *list;
	const struct vendor *v;
	char *param[MAX_SF], *value[MAX_SF];
	int n;
	long sel;
	/* the two-step add: filter, then value (pushed on the next turn) */
	int picking; /* filter index being given a value, -1 none */
	int editing; /* active entry being changed, -1 for a new one */
	const char **items;
	uint64_t timer;
};

static const struct filter_spec *spec(const struct filters *s, const char *param)
{
	for (size_t i = 0; i < s->v->nfilters; i++)
		if (!strcmp(s->v->filters[i].param, param))
			return &s->v->filters[i];
	return NULL;
}

/* Rows: the active filters, then "Add a filter...", "Apply", "Clear all". */
static long nrows(const struct filters *s)
{
	return s->n + 3;
}

static void cell(WINDOW *w, const char *t, int width, attr_t a)
{
	struct buf b;
	buf_init(&b);
	text_cell(t ? t : "", width > 0 ? width : 0, true, &b);
	wattrset(w, a);
	waddstr(w, b.data ? b.data : "");
	buf_free(&b);
}

static void draw(struct pane *p, struct ui *ui, WINDOW *w)
{
	struct filters *s = (struct filters *)p;
	int h, wd;
	getmaxyx(w, h, wd);
	werase(w);
	char title[128];
	snprintf(title, sizeof title, "Server-side filters (%s): %d active", s->v->label, s->n);
	cell(w, title, wd, ui_attr(UC_TITLE));
	for (long i = 0; i < nrows(s) && i + 2 < h; i++) {
		attr_t base = i == s->sel ? ui_attr(UC_SELECTED) : A_NORMAL;
		wmove(w, (int)i + 2, 0);
		struct buf b;
		buf_init(&b);
		if (i < s->n) {
			const struct filter_spec *f = spec(s, s->param[i]);
			buf_printf(&b, "  %s = %s   (%s)", f ? f->label : s->param[i], s->value[i],
				   s->param[i]);
		} else if (i == s->n) {
			buf_puts(&b, "  + Add a filter...");
		} else if (i == s->n + 1) {
			buf_puts(&b, "  Apply");
		} else {
			buf_puts(&b, "  Clear all");
		}
		cell(w, b.data, wd, base);
		buf_free(&b);
	}
	wattrset(w, A_NORMAL);
}

static bool cursor(struct pane *p, int *y, int *x)
{
	*y = (int)((struct filters *)p)->sel + 2;
	*x = 0;
	return true;
}

static void set_value(struct filters *s, const char *param, const char *value)
{
	int at = s->editing;
	for (int i = 0; at < 0 && i < s->n; i++)
		if (!strcmp(s->param[i], param))
			at = i; /* one value per parameter: giving it again replaces it */
	if (at < 0) {
		if (s->n == MAX_SF) {
			ui_message(s->ui, "At most %d filters at once.", MAX_SF);
			return;
		}
		at = s->n++;
		s->param[at] = xstrdup(param);
		s->value[at] = NULL;
	}
	free(s->value[at]);
	s->value[at] = xstrdup(value);
	s->sel = at;
	s->pane.dirty = true;
}

static void value_chosen(void *arg, int choice, const char *text)
{
	struct filters *s = arg;
	const struct filter_spec *f = s->picking >= 0 ? &s->v->filters[s->picking] : NULL;
	free(s->items);
	s->items = NULL;
	if (f && choice >= 0) {
		if (f->type == FT_BOOL)
			set_value(s, f->param, choice == 0 ? "true" : "false");
		else if (f->choices && !text)
			set_value(s, f->param, f->choices[choice]);
		else if (text && *text)
			set_value(s, f->param, text);
	}
	s->picking = s->editing = -1;
}

static void ask_value(void *arg)
{
	struct filters *s = arg;
	s->timer = 0;
	const struct filter_spec *f = &s->v->filters[s->picking];
	free(s->items);
	s->items = NULL;
	if (f->type == FT_BOOL) {
		static const char *const yn[] = {"yes (true)", "no (false)"};
		ui_push(s->ui, dialog_choose(s->ui, f->label, yn, 2, 0, value_chosen, s));
	} else if (f->choices && !f->multi) {
		int n = 0;
		while (f->choices[n])
			n++;
		ui_push(s->ui, dialog_choose(s->ui, f->label, f->choices, n, 0, value_chosen, s));
	} else {
		char label[160];
		snprintf(label, sizeof label, "%s%s", f->label,
			 f->multi ? " (several: comma-separated)" : "");
		if (f->choices) {
			size_t len = strlen(label);
			snprintf(label + len, sizeof label - len, " e.g. %s", f->choices[0]);
		}
		const char *initial = s->editing >= 0 ? s->value[s->editing] : "";
		ui_push(s->ui, dialog_text(s->ui, "Filter value", label, initial, value_chosen, s));
	}
}

static void filter_chosen(void *arg, int choice, const char *text)
{
	struct filters *s = arg;
	free(s->items);
	s->items = NULL;
	if (choice < 0)
		return;
	s->picking = choice;
	s->timer = loop_timer(ui_model(s->ui)->loop, 0, ask_value, s);
}

static void add_filter(struct filters *s)
{
	free(s->items);
	s->items = xcalloc(s->v->nfilters + 1, sizeof *s->items);
	for (size_t i = 0; i < s->v->nfilters; i++)
		s->items[i] = s->v->filters[i].label;
	s->editing = -1;
	ui_push(s->ui, dialog_choose(s->ui, "Filter on", s->items, (int)s->v->nfilters, 0,
				     filter_chosen, s));
}

static void remove_at(struct filters *s, int i)
{
	free(s->param[i]);
	free(s->value[i]);
	memmove(s->param + i, s->param + i + 1, sizeof *s->param * (size_t)(s->n - i - 1));
	memmove(s->value + i, s->value + i + 1, sizeof *s->value * (size_t)(s->n - i - 1));
	s->n--;
	s->pane.dirty = true;
}

static void apply(struct filters *s)
{
	const char *pairs[MAX_SF][2];
	for (int i = 0; i < s->n; i++) {
		pairs[i][0] = s->param[i];
		pairs[i][1] = s->value[i];
	}
	pane_list_set_server_filters(s->list, pairs, s->n);
	ui_message(s->ui, s->n ? "%d server-side filters applied." : "Server-side filters cleared.",
		   s->n);
}

static int key(struct pane *p, struct ui *ui, enum action a, int k)
{
	struct filters *s = (struct filters *)p;
	switch (a) {
	case ACT_MOVE_DOWN:
		if (s->sel + 1 < nrows(s))
			s->sel++, p->dirty = true;
		return PR_HANDLED;
	case ACT_MOVE_UP:
		if (s->sel > 0)
			s->sel--, p->dirty = true;
		return PR_HANDLED;
	case ACT_BACK:
	case ACT_CLOSE:
	case ACT_FILTER_BUILDER:
		return PR_CLOSE;
	case ACT_HELP:
		ui_push(ui, pane_help_new(ui, p));
		return PR_HANDLED;
	case ACT_MEMBER_REMOVE:
	case ACT_DELETE:
		if (s->sel < s->n)
			remove_at(s, (int)s->sel);
		return PR_HANDLED;
	case ACT_MEMBER_ADD:
		add_filter(s);
		return PR_HANDLED;
	case ACT_OPEN:
		if (s->sel < s->n) {
			const struct filter_spec *f = spec(s, s->param[s->sel]);
			if (!f)
				return PR_HANDLED;
			s->editing = (int)s->sel;
			s->picking = (int)(f - s->v->filters);
			ask_value(s);
		} else if (s->sel == s->n) {
			add_filter(s);
		} else if (s->sel == s->n + 1) {
			apply(s);
			return PR_CLOSE;
		} else {
			while (s->n)
				remove_at(s, s->n - 1);
			s->sel = 0;
		}
		return PR_HANDLED;
	default:
		return PR_IGNORED;
	}
}

static bool offers(struct pane *p, struct ui *ui, enum action a)
{
	switch (a) {
	case ACT_MOVE_DOWN:
	case ACT_MOVE_UP:
	case ACT_OPEN:
	case ACT_BACK:
	case ACT_CLOSE:
	case ACT_QUIT:
	case ACT_HELP:
	case ACT_MEMBER_ADD:
	case ACT_REDRAW:
		return true;
	case ACT_MEMBER_REMOVE:
		return ((struct filters *)p)->sel < ((struct filters *)p)->n;
	default:
		return false;
	}
}

static const char *keybar(struct pane *p)
{
	return "Enter pick/apply  a add  x remove  Esc back";
}

static void filters_free(struct pane *p)
{
	struct filters *s = (struct filters *)p;
	if (s->timer)
		loop_timer_cancel(ui_model(s->ui)->loop, s->timer);
	for (int i = 0; i < s->n; i++) {
		free(s->param[i]);
		free(s->value[i]);
	}
	free(s->items);
	free(s);
}

static const struct pane_ops filters_ops = {
    .name = "filters",
    .draw = draw,
    .key = key,
    .cursor = cursor,
    .offers = offers,
    .keybar = keybar,
    .free = filters_free,
};

struct pane *pane_filters_new(struct ui *ui, struct pane *list, const struct vendor *v)
{
	struct filters *s = xcalloc(1, sizeof *s);
	s->pane.ops = &filters_ops;
	s->ui = ui;
	s->list = list;
	s->v = v;
	s->picking = s->editing = -1;
	const char *param, *value;
	for (int i = 0; i < MAX_SF && pane_list_server_filter(list, i, &param, &value); i++) {
		s->param[s->n] = xstrdup(param);
		s->value[s->n++] = xstrdup(value);
	}
	s->sel = s->n;
	return &s->pane;
}
