/* The profile switcher (p): every profile of the config with its vendor, environment
 * (coloured: production, staging, sandbox), read-only flag and cached organizations, and
 * an "All profiles" entry: the merged list of every profile's cached organizations with a
 * vendor and profile column. Enter switches (and refreshes); Esc or q goes back. */
#include "model/model.h"
#include "net/buf.h"
#include "net/xalloc.h"
#include "tui/text.h"
#include "tui/ui.h"

#include <string.h>

#define COUNT_CAP 10000000L

struct profiles {
	struct pane pane;
	struct ui *ui;
	struct pane *list;
	long *counts;
	long sel, top;
	int height;
	size_t n; /* profiles + the "all" entry */
};

static void cell(WINDOW *w, const char *s, int width, attr_t a)
{
	struct buf b;
	buf_init(&b);
	text_cell(s ? s : "", width > 0 ? width : 0, true, &b);
	wattrset(w, a);
	waddstr(w, b.data ? b.data : "");
	buf_free(&b);
}

static enum ui_color env_color(const char *env)
{
	if (!env)
		return UC_NORMAL;
	return !strcmp(env, "production") ? UC_ENV_PROD
	       : !strcmp(env, "staging")  ? UC_ENV_STAGING
					  : UC_ENV_SANDBOX;
}

static void draw(struct pane *p, struct ui *ui, WINDOW *w)
{
	struct profiles *s = (struct profiles *)p;
	struct model *m = ui_model(ui);
	int h, wd;
	getmaxyx(w, h, wd);
	s->height = h - 2 > 1 ? h - 2 : 1;
	werase(w);
	cell(w, "Profiles: Enter switches", wd, ui_attr(UC_TITLE));
	int wn = 24, wv = 12, we = 12, wc = 10, wr = 9;
	wmove(w, 1, 0);
	attr_t ha = ui_attr(UC_HEADER);
	cell(w, "", 2, ha);
	cell(w, "Profile", wn, ha);
	cell(w, " ", 1, ha);
	cell(w, "Vendor", wv, ha);
	cell(w, " ", 1, ha);
	cell(w, "Environment", we, ha);
	cell(w, " ", 1, ha);
	cell(w, "Cached", wc, ha);
	cell(w, " ", 1, ha);
	cell(w, "", wr, ha);
	if (s->sel < s->top)
		s->top = s->sel;
	if (s->sel >= s->top + s->height)
		s->top = s->sel - s->height + 1;
	bool all = pane_list_all_profiles(s->list);
	for (int y = 0; y < s->height && s->top + y < (long)s->n; y++) {
		size_t i = (size_t)(s->top + y);
		bool sel = (long)i == s->sel;
		attr_t base = sel ? ui_attr(UC_SELECTED) : A_NORMAL;
		wmove(w, y + 2, 0);
		char count[24];
		snprintf(count, sizeof count, "%ld", s->counts[i]);
		if (i == m->cfg.nprofiles) {
			cell(w, all ? "> " : "  ", 2, base);
			cell(w, "All profiles", wn, base);
			cell(w, " ", 1, base);
			cell(w, "(every vendor, cached rows)", wv + 1 + we, base);
			cell(w, " ", 1, base);
			cell(w, count, wc, base);
			continue;
		}
		const struct profile *pr = &m->cfg.profiles[i];
		cell(w, !all && pr == m->profile ? "> " : "  ", 2, base);
		cell(w, pr->name, wn, base);
		cell(w, " ", 1, base);
		cell(w, pr->vendor ? pr->vendor->label : "?", wv, base);
		cell(w, " ", 1, base);
		cell(w, pr->environment ? pr->environment : "-", we,
		     sel || !pr->environment ? base : ui_attr(env_color(pr->environment)));
		cell(w, " ", 1, base);
		cell(w, count, wc, base);
		cell(w, " ", 1, base);
		cell(w, pr->readonly ? "read-only" : "", wr, base);
	}
	wattrset(w, A_NORMAL);
}

static bool cursor(struct pane *p, int *y, int *x)
{
	struct profiles *s = (struct profiles *)p;
	*y = (int)(s->sel - s->top) + 2;
	*x = 0;
	return true;
}

static int key(struct pane *p, struct ui *ui, enum action a, int k)
{
	struct profiles *s = (struct profiles *)p;
	struct model *m = ui_model(ui);
	/* A short list: a page is all of it. */
	if (ui_list_key(p, a, &s->sel, (long)s->n, (long)s->n))
		return PR_HANDLED;
	switch (a) {
	case ACT_BACK:
	case ACT_CLOSE:
	case ACT_PROFILES:
		return PR_CLOSE;
	case ACT_HELP:
		ui_push(ui, pane_help_new(ui, p));
		return PR_HANDLED;
	case ACT_OPEN:
		if ((size_t)s->sel == m->cfg.nprofiles) {
			pane_list_set_all_profiles(s->list, true);
			ui_message(ui, "All profiles: %ld cached organizations", s->counts[s->sel]);
		} else {
			const struct profile *pr = &m->cfg.profiles[s->sel];
			pane_list_set_all_profiles(s->list, false);
			model_use_profile(m, pr->name);
			model_refresh(m);
		}
		return PR_CLOSE;
	default:
		return PR_IGNORED;
	}
}

static bool offers(struct pane *p, struct ui *ui, enum action a)
{
	switch (a) {
	case ACT_MOVE_DOWN:
	case ACT_MOVE_UP:
	case ACT_FIRST:
	case ACT_LAST:
	case ACT_OPEN:
	case ACT_BACK:
	case ACT_CLOSE:
	case ACT_QUIT:
	case ACT_HELP:
	case ACT_REDRAW:
		return true;
	default:
		return false;
	}
}

static void profiles_free(struct pane *p)
{
	struct profiles *s = (struct profiles *)p;
	free(s->counts);
	free(s);
}

static const struct pane_ops profiles_ops = {
    .name = "profiles",
    .draw = draw,
    .key = key,
    .cursor = cursor,
    .offers = offers,
    .free = profiles_free,
};

struct pane *pane_profiles_new(struct ui *ui, struct pane *list)
{
	struct model *m = ui_model(ui);
	struct profiles *s = xcalloc(1, sizeof *s);
	s->pane.ops = &profiles_ops;
	s->ui = ui;
	s->list = list;
	s->n = m->cfg.nprofiles + 1;
	s->counts = xcalloc(s->n, sizeof *s->counts);
	for (size_t i = 0; i < s->n; i++) {
		struct store_query q = {.profile =
					    i < m->cfg.nprofiles ? m->cfg.profiles[i].name : NULL,
					.sort_col = -1};
		s->counts[i] = store_count(m->store, &q, COUNT_CAP);
		if (i < m->cfg.nprofiles && &m->cfg.profiles[i] == m->profile)
			s->sel = (long)i;
	}
	if (pane_list_all_profiles(list))
		s->sel = (long)m->cfg.nprofiles;
	return &s->pane;
}
