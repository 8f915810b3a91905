/* The first-run setup: with no config.ini, orgdeck asks for one profile (vendor, name,
 * where its API is, the keys it needs, where its secret comes from, which environment it
 * is) in a row of dialogs, appends it to config.ini (mode 0600) and opens it. What to ask
 * comes from the driver (vendor.h: default_base_url, setup_keys, base_url_choices); an
 * OAuth vendor then shows its sign-in dialog by itself (pane_list). */
#include "model/config.h"
#include "model/model.h"
#include "net/buf.h"
#include "net/loop.h"
#include "net/xalloc.h"
#include "tui/dialog.h"
#include "tui/text.h"
#include "tui/ui.h"

#include <string.h>

enum step { ST_VENDOR, ST_NAME, ST_BASE, ST_KEYS, ST_SOURCE, ST_SECRET, ST_ENV, ST_WRITE, ST_DONE };

#define MAX_ANSWERS 16

struct setup {
	struct pane pane;
	struct ui *ui;
	enum step step;
	int key_i;  /* which setup key ST_KEYS is at */
	int source; /* 0 typed, 1 environment variable, 2 command */
	const struct vendor *v;
	char *name;
	struct kv answers[MAX_ANSWERS];
	size_t nans;
	char message[400];
	uint64_t timer;
	bool asking;
};

static const char *const sources[] = {"Type it here (kept in config.ini, mode 0600)",
				      "Read it from an environment variable",
				      "Run a command that prints it (e.g. pass show ...)", NULL};
static const char *const envs[] = {"production", "staging", "sandbox", NULL};

static void ask(struct setup *s);

static void set_answer(struct setup *s, const char *key, const char *value)
{
	for (size_t i = 0; i < s->nans; i++)
		if (!strcmp(s->answers[i].key, key)) {
			free(s->answers[i].value);
			s->answers[i].value = xstrdup(value);
			return;
		}
	if (s->nans < MAX_ANSWERS) {
		s->answers[s->nans].key = xstrdup(key);
		s->answers[s->nans].value = xstrdup(value);
		s->nans++;
	}
}

static void clear_answers(struct setup *s)
{
	for (size_t i = 0; i < s->nans; i++) {
		free(s->answers[i].key);
		memset(s->answers[i].value, 0, strlen(s->answers[i].value));
		free(s->answers[i].value);
	}
	s->nans = 0;
	free(s->name);
	s->name = NULL;
}

/* Dialogs close after their callback: the next one is pushed on the next loop turn. */
static void next_turn(void *arg)
{
	struct setup *s = arg;
	s->timer = 0;
	ask(s);
}

static void advance(struct setup *s, enum step to)
{
	s->step = to;
	s->asking = false;
	s->pane.dirty = true;
	s->timer = loop_timer(ui_model(s->ui)->loop, 0, next_turn, s);
}

static void cancelled(struct setup *s)
{
	s->asking = false;
	s->step = ST_VENDOR;
	snprintf(s->message, sizeof s->message, "Cancelled. Enter starts again; q quits.");
	clear_answers(s);
	s->pane.dirty = true;
}

/* One dialog's answer; false when it was cancelled. */
static bool take_answer(struct setup *s, int choice, const char *text)
{
	bool typed = text && text[0];
	switch (s->step) {
	case ST_VENDOR:
		if (choice < 0)
			return false;
		s->v = vendors[choice];
		set_answer(s, "vendor", s->v->name);
		s->step = ST_NAME;
		return true;
	case ST_NAME:
		if (!typed)
			return false;
		s->name = xstrdup(text);
		s->step = ST_BASE;
		return true;
	case ST_BASE:
		if (s->v->base_url_choices) {
			if (choice < 0)
				return false;
			set_answer(s, s->v->base_url_choice_key, s->v->base_url_choices[choice]);
		} else {
			if (!typed)
				return false;
			set_answer(s, "base_url", text);
		}
		s->key_i = 0;
		s->step = ST_KEYS;
		return true;
	case ST_KEYS:
		if (!typed)
			return false;
		set_answer(s, s->v->setup_keys[s->key_i][0], text);
		s->key_i++;
		return true;
	case ST_SOURCE:
		if (choice < 0)
			return false;
		s->source = choice;
		s->step = ST_SECRET;
		return true;
	case ST_SECRET: {
		if (!typed)
			return false;
		const char *key = s->v->secret_keys ? s->v->secret_keys[0] : "api_key";
		char name[64];
		snprintf(name, sizeof name, "%s%s", key,
			 s->source == 1	  ? "_env"
			 : s->source == 2 ? "_command"
					  : "");
		set_answer(s, name, text);
		s->step = ST_ENV;
		return true;
	}
	case ST_ENV:
		if (choice < 0)
			return false;
		set_answer(s, "environment", envs[choice]);
		s->step = ST_WRITE;
		return true;
	default:
		return false;
	}
}

static void answered(void *arg, int choice, const char *text)
{
	struct setup *s = arg;
	if (take_answer(s, choice, text))
		advance(s, s->step);
	else
		cancelled(s);
}

static void ask(struct setup *s)
{
	struct ui *ui = s->ui;
	char *label = NULL, *title = NULL;
	s->message[0] = '\0';
	s->asking = true;
	switch (s->step) {
	case ST_VENDOR: {
		const char *items[16];
		int n = 0;
		for (int i = 0; vendors[i] && n < 16; i++)
			items[n++] = vendors[i]->label;
		ui_push(ui, dialog_choose(ui, "Which vendor?", items, n, 0, answered, s));
		break;
	}
	case ST_NAME: {
		char *def = xasprintf("%s-main", s->v->name);
		ui_push(ui, dialog_text(ui, "Profile name", "A short name for this account:", def,
					answered, s));
		free(def);
		break;
	}
	case ST_BASE:
		if (s->v->base_url_choices) {
			int n = 0;
			while (s->v->base_url_choices[n])
				n++;
			title = xasprintf("%s %s", s->v->label, s->v->base_url_choice_key);
			ui_push(ui, dialog_choose(ui, title,
						  (const char *const *)s->v->base_url_choices, n, 0,
						  answered, s));
		} else {
			label = xasprintf("The address of the %s API:", s->v->label);
			ui_push(ui, dialog_text(ui, "Base URL", label, s->v->default_base_url,
						answered, s));
		}
		break;
	case ST_KEYS:
		if (!s->v->setup_keys || !s->v->setup_keys[s->key_i][0]) {
			s->step = ST_SOURCE;
			ask(s);
			return;
		}
		label = xasprintf("%s (%s):", s->v->setup_keys[s->key_i][0],
				  s->v->setup_keys[s->key_i][1]);
		ui_push(ui, dialog_text(ui, s->v->label, label, "", answered, s));
		break;
	case ST_SOURCE:
		title = xasprintf("Where does the %s come from?",
				  s->v->secret_keys ? s->v->secret_keys[0] : "api_key");
		ui_push(ui, dialog_choose(ui, title, sources, 3, 0, answered, s));
		break;
	case ST_SECRET: {
		const char *key = s->v->secret_keys ? s->v->secret_keys[0] : "api_key";
		label = s->source == 1
			    ? xasprintf("Name of the environment variable holding the %s:", key)
			: s->source == 2 ? xasprintf("Command that prints the %s:", key)
					 : xasprintf("The %s:", key);
		ui_push(ui, dialog_text(ui, key, label, "", answered, s));
		break;
	}
	case ST_ENV:
		ui_push(ui, dialog_choose(ui, "Which environment is it?", envs, 3, 0, answered, s));
		break;
	case ST_WRITE: {
		struct model *m = ui_model(ui);
		char err[320];
		s->asking = false;
		if (!config_append_profile(m->cfg.path, s->name, s->answers, s->nans, err,
					   sizeof err) ||
		    !model_reload_config(m, s->name, err, sizeof err)) {
			snprintf(s->message, sizeof s->message, "%s. Enter starts again.", err);
			s->step = ST_VENDOR;
			clear_answers(s);
			s->pane.dirty = true;
			return;
		}
		s->step = ST_DONE;
		ui_message(ui, "Profile %s written to %s (mode 0600).", s->name, m->cfg.path);
		model_refresh(m);
		ui_close_pane(ui, &s->pane);
		return;
	}
	default:
		break;
	}
	free(label);
	free(title);
	s->pane.dirty = true;
}

static void draw(struct pane *p, struct ui *ui, WINDOW *w)
{
	struct setup *s = (struct setup *)p;
	struct model *m = ui_model(ui);
	werase(w);
	wattrset(w, ui_attr(UC_HEADER));
	mvwaddstr(w, 1, 2, "Welcome to orgdeck");
	wattrset(w, A_NORMAL);
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "There is no configuration yet. A few questions add your first profile to ");
	buf_puts(&b, m->cfg.path ? m->cfg.path : "config.ini");
	buf_puts(&b, " (mode 0600).");
	struct buf cell;
	buf_init(&cell);
	int wd = getmaxx(w) - 4;
	text_cell(b.data, wd, false, &cell);
	mvwaddstr(w, 3, 2, cell.data);
	int y = 5;
	if (s->name) {
		buf_reset(&cell);
		text_cell(s->name, wd - 10, false, &cell);
		mvwprintw(w, y++, 2, "profile  %s", cell.data);
	}
	for (size_t i = 0; i < s->nans && y < getmaxy(w) - 2; i++) {
		bool secret =
		    strstr(s->answers[i].key, "key") || strstr(s->answers[i].key, "secret");
		buf_reset(&cell);
		text_cell(secret && !strstr(s->answers[i].key, "_env") ? "(hidden)"
								       : s->answers[i].value,
			  wd - 22, false, &cell);
		mvwprintw(w, y++, 2, "%-20.20s %s", s->answers[i].key, cell.data);
	}
	if (s->message[0]) {
		buf_reset(&cell);
		text_cell(s->message, wd, false, &cell);
		wattrset(w, ui_attr(UC_ERROR));
		mvwaddstr(w, y + 1, 2, cell.data);
		wattrset(w, A_NORMAL);
	}
	buf_free(&cell);
	buf_free(&b);
}

static int key(struct pane *p, struct ui *ui, enum action a, int k)
{
	struct setup *s = (struct setup *)p;
	if (a == ACT_OPEN && !s->asking) {
		ask(s);
		return PR_HANDLED;
	}
	if (a == ACT_CLOSE || a == ACT_QUIT)
		return PR_QUIT;
	return PR_HANDLED;
}

static bool offers(struct pane *p, struct ui *ui, enum action a)
{
	return a == ACT_OPEN || a == ACT_CLOSE;
}

static void setup_free(struct pane *p)
{
	struct setup *s = (struct setup *)p;
	if (s->timer)
		loop_timer_cancel(ui_model(s->ui)->loop, s->timer);
	clear_answers(s);
	free(s);
}

static const struct pane_ops setup_ops = {
    .name = "setup",
    .draw = draw,
    .key = key,
    .offers = offers,
    .free = setup_free,
};

struct pane *pane_setup_new(struct ui *ui)
{
	struct setup *s = xcalloc(1, sizeof *s);
	s->pane.ops = &setup_ops;
	s->ui = ui;
	s->timer = loop_timer(ui_model(ui)->loop, 0, next_turn, s); /* start asking at once */
	return &s->pane;
}
