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
	PR_CLOSE = 1 << 1,   /* pop this pane */
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

struct ui_opts {
	const char *theme;
	bool mouse;
};

/* Runs the interface until the user quits or the terminal goes away. Returns an exit
 * status (0 normal). */
int ui_run(struct model *m, const struct ui_opts *o);

/* For panes. */
struct model *ui_model(struct ui *ui);
void ui_push(struct ui *ui, struct pane *p);
void ui_status_dirty(struct ui *ui);
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
	UC_NORMAL = 1, UC_TITLE, UC_HEADER, UC_SELECTED, UC_STATUS, UC_ERROR, UC_MATCH,
	UC_PENDING, UC_FAILED, UC_ENV_PROD, UC_ENV_STAGING, UC_ENV_SANDBOX, UC_KEYBAR, UC_DIM,
	UC_COUNT
};
attr_t ui_attr(enum ui_color c);

/* Writes a UTF-8 string (already sanitised) at the cursor. */
void ui_put(WINDOW *w, const char *s);

struct pane *pane_list_new(struct ui *ui);

#endif
