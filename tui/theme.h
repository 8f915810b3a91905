/* theme: colour themes users can write. A theme file sets semantic elements, one setting a
 * line (`selected.bg = cyan`, `title.bold = true`, `#` comments); THEME_ELEMENTS below is the
 * one list of elements. Colours are names, colorN (0-255) or #rrggbb; #rrggbb is exact on a
 * direct-colour terminal or one whose palette can be redefined, else the nearest of 256.
 *
 * Who calls it: main/ui load the theme before curses starts (theme_load: errors go to stderr)
 * and ui applies it once after initscr (theme_apply); panes ask theme_attr(element) per draw.
 * The parser and every decision (mode, colour mapping, the plan) are pure functions over
 * their arguments, so they are unit tested and fuzzable; only theme_apply touches curses.
 * Ownership: struct theme is plain data the caller owns; nothing here allocates for the
 * caller. theme_attr reads a table theme_apply fills (curses itself is one global screen).
 * Failure: parse/load return false with "FILE:LINE: what" in err; they never abort. */
#ifndef ORGDECK_THEME_H
#define ORGDECK_THEME_H
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X(ENUM, name in theme files). The first fourteen are enum ui_color's, in its order. */
#define THEME_ELEMENTS(X)                                                                          \
	X(NORMAL, "normal")		    /* ordinary text, window backgrounds */                \
	X(TITLE, "title")		    /* the title row */                                    \
	X(HEADER, "header")		    /* column headers */                                   \
	X(SELECTED, "selected")		    /* the cursor row */                                   \
	X(STATUS, "status")		    /* the status line */                                  \
	X(ERROR, "error")		    /* error messages */                                   \
	X(MATCH, "match")		    /* filter matches inside a row */                      \
	X(PENDING, "pending")		    /* rows with a change not yet sent */                  \
	X(FAILED, "failed")		    /* rows whose change the vendor refused */             \
	X(ENV_PRODUCTION, "env_production") /* the profile's environment badge */                  \
	X(ENV_STAGING, "env_staging")                                                              \
	X(ENV_SANDBOX, "env_sandbox")                                                              \
	X(KEYBAR, "keybar")	      /* the key bar on the bottom line */                         \
	X(DIM, "dim")		      /* secondary text: counts, hints, empty cells */             \
	X(FIELD_LABEL, "field_label") /* form field labels */                                      \
	X(FIELD_FOCUS, "field_focus") /* the field being edited */                                 \
	X(FIELD_ERROR, "field_error") /* a field's validation message */                           \
	X(DIALOG, "dialog")	      /* inside a dialog or overlay */                             \
	X(DIALOG_BORDER, "dialog_border")                                                          \
	X(DIFF_ADDED, "diff_added")	/* confirm-before-write: new values */                     \
	X(DIFF_REMOVED, "diff_removed") /* confirm-before-write: old values */                     \
	X(HELP_KEY, "help_key")		/* key names in help and the key bar */

enum theme_element {
#define X(e, n) TE_##e,
	THEME_ELEMENTS(X)
#undef X
	    TE_COUNT
};

/* The element's name in theme files; theme_element_by_name is its inverse (-1: unknown). */
const char *theme_element_name(enum theme_element e);
int theme_element_by_name(const char *name);

enum theme_color_kind {
	TC_UNSET = 0, /* not given: takes normal's colour (normal's: the terminal's) */
	TC_DEFAULT,   /* the terminal's own foreground or background */
	TC_INDEX,     /* palette index 0-255 (names are 0-15) */
	TC_RGB,	      /* 0xRRGGBB */
};
struct theme_color {
	enum theme_color_kind kind;
	uint32_t value;
};

/* Attribute bits as written in theme files (mapped to A_* by theme_apply). */
enum {
	THEME_BOLD = 1 << 0,
	THEME_DIM = 1 << 1,
	THEME_UNDERLINE = 1 << 2,
	THEME_REVERSE = 1 << 3,
	THEME_ITALIC = 1 << 4,
};

struct theme_style {
	struct theme_color fg, bg;
	unsigned attrs; /* THEME_* bits */
	bool defined;	/* some line set this element */
};

struct theme {
	char source[512]; /* the file it came from, or "built-in NAME" (set by theme_load) */
	struct theme_style el[TE_COUNT];
};

/* The whole theme file in text[0..len): lines apply in order, later ones win. Rejects,
 * with "line N: ..." in err: a missing '=' or '.', an unknown element or attribute, a bad
 * colour or boolean, a line over THEME_LINE_MAX bytes, a NUL byte, invalid UTF-8. out is
 * cleared first; on failure it holds the lines before the bad one. */
#define THEME_LINE_MAX 1024
bool theme_parse_n(const char *text, size_t len, struct theme *out, char *err, size_t errcap);
bool theme_parse(const char *text, struct theme *out, char *err, size_t errcap);

/* Finds and parses theme NAME (NULL or "" means "default"); a NAME with a '/' is a file.
 * Looks, first found wins:
 *   $XDG_CONFIG_HOME/orgdeck/themes/NAME.theme  (~/.config when unset)
 *   $ORGDECK_THEMES/NAME.theme
 *   <executable's dir>/../share/orgdeck/themes/NAME.theme   (installed)
 *   <executable's dir>/../themes, <executable's dir>/../../themes   (build trees)
 *   the copies of the shipped themes compiled into orgdeck.
 * A file that exists but cannot be read or parsed is an error, not skipped. */
bool theme_load(const char *name, struct theme *out, char *err, size_t errcap);
/* The compiled-in copy of a shipped theme's file, or NULL. Kept equal to themes/ by a test. */
const char *theme_builtin_text(const char *name);

/* Colour mapping, all pure. The 256 palette is xterm's: 16 system colours, a 6x6x6 cube,
 * 24 greys. Nearest is by squared RGB distance; rgb_to_256 answers only 16-255, whose
 * values terminals agree on. */
uint32_t theme_256_to_rgb(int index);
int theme_rgb_to_256(uint32_t rgb);
int theme_rgb_to_16(uint32_t rgb);

/* How colour is used. */
enum theme_mode {
	THEME_MONO,    /* attributes only */
	THEME_INDEXED, /* palette indices; #rrggbb to the nearest of min(COLORS, 256) */
	THEME_PALETTE, /* 256 colours that can be redefined: #rrggbb gets its own slot */
	THEME_DIRECT,  /* direct colour (terminfo RGB): #rrggbb as it is */
};
struct theme_caps {
	const char *no_color; /* getenv("NO_COLOR") */
	bool has_color;
	int colors, pairs;   /* COLORS, COLOR_PAIRS */
	bool can_redefine;   /* can_change_color() */
	bool direct;	     /* tigetflag("RGB") > 0 */
	bool default_colors; /* use_default_colors() worked: -1 allowed */
};
/* NO_COLOR set and non-empty, no colours, fewer than 8 or too few pairs: THEME_MONO. */
enum theme_mode theme_pick_mode(const struct theme_caps *caps);

/* What theme_apply does, worked out without curses. Element e uses pair e + 1. Elements a
 * theme leaves out come from the shipped default theme; in THEME_MONO an element that is
 * told apart by colour comes from the monochrome theme instead. */
struct theme_plan {
	enum theme_mode mode;
	int fg[TE_COUNT], bg[TE_COUNT]; /* curses colour numbers, -1 the terminal's */
	attr_t attr[TE_COUNT];		/* A_* | COLOR_PAIR(e + 1); A_* only in THEME_MONO */
	int nslots;			/* THEME_PALETTE: init_color(index, r, g, b), 0-1000 */
	struct theme_slot {
		int index;
		short r, g, b;
	} slot[2 * TE_COUNT];
};
void theme_plan(const struct theme *t, const struct theme_caps *caps, struct theme_plan *out);

/* After initscr: reads the terminal's capabilities, calls start_color and
 * use_default_colors unless monochrome, then init_color/init_extended_pair per the plan.
 * NULL applies the built-in default. Returns the mode used. Call again to switch theme. */
enum theme_mode theme_apply(const struct theme *t);
/* The attributes to draw element e with (A_NORMAL before theme_apply). */
attr_t theme_attr(enum theme_element e);

#endif
