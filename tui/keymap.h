/* keymap: commands are data. ACTIONS lists every action once: its enum, the name used in
 * config.ini's [keys] section, its default keys (written in the same syntax a user writes,
 * read by the same parser), its help text and its key-bar label. The help overlay and the
 * key bar are generated from this table; user overrides replace an action's keys. */
#ifndef ORGDECK_KEYMAP_H
#define ORGDECK_KEYMAP_H
#include <stdbool.h>
#include <stddef.h>

/*  X(ENUM,        name,           default keys,            help,                              bar)
 */
#define ACTIONS(X)                                                                                 \
	X(MOVE_DOWN, "move-down", "j Down", "Move down one row", NULL)                             \
	X(MOVE_UP, "move-up", "k Up", "Move up one row", NULL)                                     \
	X(FIRST, "first", "g Home", "Go to the first row", NULL)                                   \
	X(LAST, "last", "G End", "Go to the last row", NULL)                                       \
	X(PAGE_DOWN, "page-down", "PgDn C-f", "Page down", NULL)                                   \
	X(PAGE_UP, "page-up", "PgUp C-b", "Page up", NULL)                                         \
	X(OPEN, "open", "Enter", "Open the selected row", "open")                                  \
	X(RAW, "raw", "J", "Raw JSON of the organization", "raw")                                  \
	X(BACK, "back", "Esc h", "Go back", NULL)                                                  \
	X(CLOSE, "close", "q", "Close the pane (quit at the top)", "quit")                         \
	X(QUIT, "quit", "Q", "Quit orgdeck", NULL)                                                 \
	X(FILTER, "filter", "/", "Filter as you type", "filter")                                   \
	X(SORT, "sort", "s", "Sort by the next column", "sort")                                    \
	X(SORT_REVERSE, "sort-reverse", "S", "Reverse the sort", NULL)                             \
	X(EDIT, "edit", "e", "Edit the selected organization", "edit")                             \
	X(CREATE, "create", "c", "Create an organization", "create")                               \
	X(DUPLICATE, "duplicate", "y", "Duplicate the selected organization", "dup")               \
	X(DELETE, "delete", "d", "Delete (asks first)", "delete")                                  \
	X(MEMBERS, "members", "m", "Members of the organization", "members")                       \
	X(MEMBER_ADD, "member-add", "a", "Add a member", "add")                                    \
	X(MEMBER_REMOVE, "member-remove", "x", "Remove the member (asks first)", "remove")         \
	X(MEMBER_ROLE, "member-role", "r", "Change the member's role", "role")                     \
	X(ROLE_NEXT, "role-next", "+", "Next role", NULL)                                          \
	X(ROLE_PREV, "role-prev", "-", "Previous role", NULL)                                      \
	X(REFRESH, "refresh", "R", "Refresh from the vendor", "refresh")                           \
	X(FILTER_BUILDER, "filter-builder", "F", "Server-side filters", "filters")                 \
	X(UNDO, "undo", "u", "Undo the last change", NULL)                                         \
	X(MARK, "mark", "Space", "Mark the row", NULL)                                             \
	X(OPLOG, "op-log", "o", "Operations log", "ops")                                           \
	X(PROFILES, "profiles", "p", "Switch profile", "profiles")                                 \
	X(COMMAND, "command", ":", "Command line", NULL)                                           \
	X(HELP, "help", "?", "Help", "help")                                                       \
	X(REDRAW, "redraw", "C-l", "Redraw the screen", NULL)

enum action {
	ACT_NONE = 0,
#define X(e, n, k, h, b) ACT_##e,
	ACTIONS(X)
#undef X
	    ACT_COUNT
};

struct action_info {
	const char *name, *keys, *help, *bar;
};
extern const struct action_info action_info[ACT_COUNT];

/* Parses a key name ("j", "C-f", "PgDn", "Enter", "Space", "F5") to a curses key code;
 * -1 when unknown. */
int key_parse(const char *name);
/* The display name of a key code, into buf. */
const char *keyname_of(int key, char *buf, size_t cap);

/* Binds the defaults, then applies overrides (action name = keys...). Returns false with
 * a message for an unknown action or key. */
struct kv;
bool keymap_init(const struct kv *overrides, size_t n, char *err, size_t errcap);
enum action keymap_lookup(int key);
/* The keys bound to an action as text ("j Down"), into buf. */
const char *keymap_keys(enum action a, char *buf, size_t cap);
enum action action_by_name(const char *name);

#endif
