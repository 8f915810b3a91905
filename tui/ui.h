/* ui: the screen manager. It owns curses: a title row, the pane area, a status line and a
 * bottom line (key bar, prompts, the filter). Panes sit on a stack; the top one gets keys
 * and draws into the window it is given. The loop: keys are handled at once, model changes
 * are passed to panes as dirty bits, and the screen is drawn once per turn (wnoutrefresh...
 * doupdate), only where something changed. Nothing is drawn on an idle turn.
 * Ownership: ui_run() creates and frees everything; panes are freed when popped. */
#ifndef ORGDECK_UI_H
#define ORGDECK_UI_H
#include "tui/keymap.h"

#include <curses.h>
#include <stdbool.h>

struct model;
struct ui;
struct pane;

enum pane_result {
	PR_IGNORED = 0,
	PR_HANDLED = 1 << 0,
	PR_CLOSE = 1 << 1, /* pop this pane */
	PR_QUIT = 1 << 2,
};

struct pane_ops {
	const char *name;
	/* Draws the pane into w (which the ui has sized); called only when the pane is dirty. */
	void (*draw)(struct pane *p, struct ui *ui, WINDOW *w);
	/* An action from the key table (a), or a raw key when the pane takes text input. */
	int (*key)(struct pane *p, struct ui *ui, enum action a, int key);
	/* Model dirty bits (MODEL_DIRTY_*) since the last turn. */
	void (*on_change)(struct pane *p, struct ui *ui, unsigned dirty);
	/* Where the hardware cursor goes (pane-relative); false to leave it. */
	bool (*cursor)(struct pane *p, int *y, int *x);
	/* True while the pane wants raw keys (text entry) rather than actions. */
	bool (*wants_text)(struct pane *p);
	/* Whether the pane offers an action now (capability, selection, read-only...): the key
	 * bar and the help overlay show only what it offers. NULL: offers nothing. */
	bool (*offers)(struct pane *p, struct ui *ui, enum action a);
	/* The pane's own words on the key bar (a form's "C-s save  Esc cancel"), or NULL for
	 * the bar generated from offers(). */
	const char *(*keybar)(struct pane *p);
	void (*free)(struct pane *p);
};

struct pane {
	const struct pane_ops *ops;
	bool dirty;
	/* An overlay (dialog) draws over the pane below it into its own panel window (see
	 * ui_dialog_window); the pane below stays visible. */
	bool overlay;
};

struct theme;
struct ui_opts {
	const struct theme *theme; /* loaded before curses starts (theme_load) */
	bool mouse;
};

/* Runs the interface until the user quits or the terminal goes away. Returns an exit
 * status (0 normal). */
int ui_run(struct model *m, const struct ui_opts *o);

/* For panes. */
struct model *ui_model(struct ui *ui);
void ui_push(struct ui *ui, struct pane *p);
void ui_status_dirty(struct ui *ui);
/* A movement action (j/k, pages, first/last) on a list pane's selection *sel among n rows,
 * page rows to a page: moves it (marking p dirty when it changed) and returns true; false
 * when a is no movement. */
bool ui_list_key(struct pane *p, enum action a, long *sel, long n, long page);
/* Closes p (freeing it) wherever it is on the stack; for panes that end themselves outside
 * a key (a timer, a network answer). */
void ui_close_pane(struct ui *ui, struct pane *p);
/* The key bar (bottom line) and the title are redrawn on the next turn. */
void ui_bottom_dirty(struct ui *ui);
void ui_title_dirty(struct ui *ui);
/* A window for a dialog, centred, h x w cells (clamped to the screen), on its own panel
 * above everything; free it with ui_dialog_window_free. Recreate on resize (draw gets
 * called after a resize with the pane dirty; compare sizes). */
WINDOW *ui_dialog_window(struct ui *ui, int h, int w);
void ui_dialog_window_free(WINDOW *w);
/* Screen size. */
void ui_size(struct ui *ui, int *rows, int *cols);
/* The top pane, and the one below p (NULL at the bottom). */
struct pane *ui_top(struct ui *ui);
/* Rows the list shows (after its filter) and rows cached for the profile. */
void ui_set_counts(struct ui *ui, long shown, long total, bool capped);
/* Shows a message on the bottom line until the next key. */
void ui_message(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The bottom line as a text prompt owned by the top pane: label and current text. */
void ui_prompt(struct ui *ui, const char *label, const char *text, int cursor_cells);
void ui_prompt_end(struct ui *ui);

/* Colour pairs by element. */
enum ui_color {
	UC_NORMAL = 1,
	UC_TITLE,
	UC_HEADER,
	UC_SELECTED,
	UC_STATUS,
	UC_ERROR,
	UC_MATCH,
	UC_PENDING,
	UC_FAILED,
	UC_ENV_PROD,
	UC_ENV_STAGING,
	UC_ENV_SANDBOX,
	UC_KEYBAR,
	UC_DIM,
	UC_FIELD_LABEL,
	UC_FIELD_FOCUS,
	UC_FIELD_ERROR,
	UC_DIALOG,
	UC_DIALOG_BORDER,
	UC_DIFF_ADDED,
	UC_DIFF_REMOVED,
	UC_HELP_KEY,
	UC_COUNT /* follows tui/theme.h's elements: UC_x == TE_x + 1 */
};
attr_t ui_attr(enum ui_color c);

/* Writes a UTF-8 string (already sanitised) at the cursor. */
void ui_put(WINDOW *w, const char *s);

struct pane *pane_list_new(struct ui *ui);
struct pane *pane_setup_new(struct ui *ui);
/* The list's state, for the command line, the profile switcher and the filter builder
 * (pane_list.c; list is the pane pane_list_new returned). q's strings are borrowed. */
struct store_query;
void pane_list_query(struct pane *list, struct store_query *q);
void pane_list_set_sort(struct pane *list, int col, bool desc);
void pane_list_set_filter(struct pane *list, const char *text);
/* The "all profiles" list: every profile's cached rows with vendor and profile columns. */
void pane_list_set_all_profiles(struct pane *list, bool all);
bool pane_list_all_profiles(struct pane *list);
/* Server-side filters (param, value) chosen in the filter builder; copied. */
void pane_list_set_server_filters(struct pane *list, const char *pairs[][2], int n);
bool pane_list_server_filter(struct pane *list, int i, const char **param, const char **value);
/* Members of one organization (m), the op log (o), help for the pane below (?), the
 * command line (:), the profile switcher (p) and the filter builder (F). */
struct pane *pane_members_new(struct ui *ui, const char *profile, const char *org_id,
			      const char *org_name);
struct pane *pane_oplog_new(struct ui *ui);
struct pane *pane_help_new(struct ui *ui, struct pane *below);
struct pane *cmdline_new(struct ui *ui, struct pane *list);
struct pane *pane_profiles_new(struct ui *ui, struct pane *list);
struct vendor;
struct pane *pane_filters_new(struct ui *ui, struct pane *list, const struct vendor *v);
/* One organization's detail (Enter) and its form: edit, or create when org_id is NULL. */
struct pane *pane_detail_new(struct ui *ui, const char *profile, const char *org_id);
struct pane *pane_form_new(struct ui *ui, const char *profile, const char *org_id);
/* Shared by the list and the detail (pane_detail.c): whether the vendor and the read-only
 * settings allow an organization action (quietly, for key bars; profile NULL: the current
 * one), and the confirm that queues a delete or duplicate naming the organization;
 * then(arg, queued) runs when it closes. */
bool org_action_allowed(struct ui *ui, const char *profile, enum action a);
struct pane *org_confirm(struct ui *ui, enum action a, const char *profile, const char *org_id,
			 const char *name, void (*then)(void *arg, bool queued), void *arg);

#endif
