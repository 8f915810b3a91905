/* dialog: small modal panes stacked over the current one on their own panels (the pane
 * below stays visible): confirm, choose from a list, enter text. Each calls its done
 * callback once, as it closes, then the ui pops it.
 * Destructive confirms default to No. Dialogs are overlays (pane.overlay = true). */
#ifndef ORGDECK_DIALOG_H
#define ORGDECK_DIALOG_H
#include <stdbool.h>

struct ui;
struct pane;

/* confirm: choice 1 for yes, 0 for no or Esc. choose: the index, or -1 for Esc.
 * text: the entered text (NULL for Esc), choice 1 when entered. */
typedef void (*dialog_done_fn)(void *arg, int choice, const char *text);

struct pane *dialog_confirm(struct ui *ui, const char *title, const char *question,
			    bool default_yes, dialog_done_fn done, void *arg);
struct pane *dialog_choose(struct ui *ui, const char *title, const char *const *items, int n,
			   int selected, dialog_done_fn done, void *arg);
struct pane *dialog_text(struct ui *ui, const char *title, const char *label, const char *initial,
			 dialog_done_fn done, void *arg);

#endif
