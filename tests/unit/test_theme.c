/* Themes: the shipped files, the parser's errors, colour mapping, where themes are found,
 * and how a theme becomes curses colours and attributes (the plan, without a terminal). */
#include "tui/theme.h"
#include "net/xalloc.h"
#include "tests/support/tsuite.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const shipped[] = {"default", "light", "high-contrast", "monochrome"};
#define NSHIPPED (sizeof shipped / sizeof shipped[0])

/* The repo's themes/ directory: make compiles with paths relative to the repo root. */
static char *themes_dir(void)
{
	const char *f = __FILE__;
	const char *cut = strstr(f, "tests/unit/");
	return xasprintf("%.*sthemes", (int)(cut - f), f);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	char *buf = xmalloc(1 << 16);
	*len = fread(buf, 1, (1 << 16) - 1, fp);
	buf[*len] = '\0';
	fclose(fp);
	return buf;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputs(text, fp);
	fclose(fp);
}

/* Parses text expecting failure; err must start with "line N:" and contain want. */
static void expect_error(const char *text, size_t len, int line, const char *want)
{
	struct theme t;
	char err[256] = "";
	CU_ASSERT_FALSE(theme_parse_n(text, len, &t, err, sizeof err));
	char prefix[32];
	snprintf(prefix, sizeof prefix, "line %d: ", line);
	CU_ASSERT_EQUAL(strncmp(err, prefix, strlen(prefix)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, want))
		fprintf(stderr, "\nwanted '%s%s...', got '%s'\n", prefix, want, err);
}

#define EXPECT_ERROR(text, line, want) expect_error(text, strlen(text), line, want)

static struct theme parsed(const char *text)
{
	struct theme t;
	char err[256] = "";
	bool ok = theme_parse(text, &t, err, sizeof err);
	CU_ASSERT(ok);
	if (!ok)
		fprintf(stderr, "\n%s\n", err);
	return t;
}

static const struct theme_caps caps_256 = {NULL, true, 256, 256, false, false, true};

TEST(theme, element_names_round_trip_and_keep_ui_color_order)
{
	for (int e = 0; e < TE_COUNT; e++)
		CU_ASSERT_EQUAL(theme_element_by_name(theme_element_name((enum theme_element)e)),
				e);
	CU_ASSERT_EQUAL(theme_element_by_name("nope"), -1);
	CU_ASSERT_EQUAL(TE_DIM, 13); /* UC_DIM - 1: enum ui_color's pairs are element + 1 */
	CU_ASSERT_STRING_EQUAL(theme_element_name(TE_ENV_PRODUCTION), "env_production");
}

TEST(theme, every_shipped_theme_file_parses_and_defines_every_element)
{
	char *dir = themes_dir();
	for (size_t i = 0; i < NSHIPPED; i++) {
		char *path = xasprintf("%s/%s.theme", dir, shipped[i]);
		size_t len = 0;
		char *text = slurp(path, &len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(text);
		struct theme t;
		char err[256] = "";
		CU_ASSERT(theme_parse_n(text, len, &t, err, sizeof err));
		for (int e = 0; e < TE_COUNT; e++) {
			CU_ASSERT(t.el[e].defined);
			if (!t.el[e].defined)
				fprintf(stderr, "\n%s leaves out %s\n", shipped[i],
					theme_element_name((enum theme_element)e));
		}
		free(text);
		free(path);
	}
	free(dir);
}

TEST(theme, builtin_copies_match_the_files)
{
	char *dir = themes_dir();
	for (size_t i = 0; i < NSHIPPED; i++) {
		char *path = xasprintf("%s/%s.theme", dir, shipped[i]);
		size_t len = 0;
		char *text = slurp(path, &len);
		const char *builtin = theme_builtin_text(shipped[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(text);
		CU_ASSERT_PTR_NOT_NULL_FATAL(builtin);
		CU_ASSERT_STRING_EQUAL(builtin, text);
		if (strcmp(builtin, text))
			fprintf(stderr, "\n%s differs from its compiled-in copy in tui/theme.c\n",
				path);
		free(text);
		free(path);
	}
	CU_ASSERT_PTR_NULL(theme_builtin_text("solarized"));
	free(dir);
}

TEST(theme, monochrome_theme_sets_no_colours)
{
	struct theme t = parsed(theme_builtin_text("monochrome"));
	for (int e = 0; e < TE_COUNT; e++) {
		CU_ASSERT_EQUAL(t.el[e].fg.kind, TC_UNSET);
		CU_ASSERT_EQUAL(t.el[e].bg.kind, TC_UNSET);
	}
	CU_ASSERT(t.el[TE_SELECTED].attrs & THEME_REVERSE);
}

TEST(theme, shipped_themes_tell_selected_and_production_apart_from_normal)
{
	for (size_t i = 0; i < NSHIPPED; i++) {
		struct theme_plan p;
		struct theme t = parsed(theme_builtin_text(shipped[i]));
		theme_plan(&t, &caps_256, &p);
		static const int must_stand_out[] = {TE_SELECTED, TE_ENV_PRODUCTION, TE_ERROR};
		for (size_t k = 0; k < sizeof must_stand_out / sizeof must_stand_out[0]; k++) {
			int e = must_stand_out[k];
			bool differs = p.fg[e] != p.fg[TE_NORMAL] || p.bg[e] != p.bg[TE_NORMAL] ||
				       (p.attr[e] & ~A_COLOR) != (p.attr[TE_NORMAL] & ~A_COLOR);
			CU_ASSERT(differs);
		}
	}
}

TEST(theme, parses_names_colour_numbers_hex_and_booleans)
{
	struct theme t = parsed("# a comment\n"
				"\n"
				"  title.fg = brightwhite   # trailing comment\n"
				"title.bg=blue\r\n"
				"title.bold = true\n"
				"header.fg = color208\n"
				"header.bg = #1E1e2f\n"
				"header.underline = yes\n"
				"match.fg = bright-red\n"
				"match.bg = default\n"
				"match.italic = on\n"
				"dim.dim = true\n"
				"dim.dim = false\n");
	CU_ASSERT_EQUAL(t.el[TE_TITLE].fg.kind, TC_INDEX);
	CU_ASSERT_EQUAL(t.el[TE_TITLE].fg.value, 15);
	CU_ASSERT_EQUAL(t.el[TE_TITLE].bg.value, 4);
	CU_ASSERT_EQUAL(t.el[TE_TITLE].attrs, THEME_BOLD);
	CU_ASSERT_EQUAL(t.el[TE_HEADER].fg.kind, TC_INDEX);
	CU_ASSERT_EQUAL(t.el[TE_HEADER].fg.value, 208);
	CU_ASSERT_EQUAL(t.el[TE_HEADER].bg.kind, TC_RGB);
	CU_ASSERT_EQUAL(t.el[TE_HEADER].bg.value, 0x1e1e2f);
	CU_ASSERT_EQUAL(t.el[TE_HEADER].attrs, THEME_UNDERLINE);
	CU_ASSERT_EQUAL(t.el[TE_MATCH].fg.value, 9);
	CU_ASSERT_EQUAL(t.el[TE_MATCH].bg.kind, TC_DEFAULT);
	CU_ASSERT_EQUAL(t.el[TE_MATCH].attrs, THEME_ITALIC);
	CU_ASSERT(t.el[TE_DIM].defined);
	CU_ASSERT_EQUAL(t.el[TE_DIM].attrs, 0);
	CU_ASSERT_FALSE(t.el[TE_NORMAL].defined);
}

TEST(theme, wildcard_sets_several_elements_and_later_lines_win)
{
	struct theme t = parsed("env_*.bold = true\n"
				"env_sandbox.bold = false\n"
				"*.bg = black\n");
	CU_ASSERT(t.el[TE_ENV_PRODUCTION].attrs & THEME_BOLD);
	CU_ASSERT(t.el[TE_ENV_STAGING].attrs & THEME_BOLD);
	CU_ASSERT_FALSE(t.el[TE_ENV_SANDBOX].attrs & THEME_BOLD);
	CU_ASSERT_FALSE(t.el[TE_TITLE].attrs & THEME_BOLD);
	for (int e = 0; e < TE_COUNT; e++)
		CU_ASSERT(t.el[e].defined && t.el[e].bg.kind == TC_INDEX && t.el[e].bg.value == 0);
	EXPECT_ERROR("zzz_*.bold = true\n", 1, "'zzz_*' matches no element");
}

TEST(theme, unknown_element_is_an_error_with_its_line)
{
	EXPECT_ERROR("title.fg = red\n# fine\nselection.fg = red\n", 3,
		     "unknown element 'selection'");
}

TEST(theme, unknown_attribute_is_an_error_with_its_line)
{
	EXPECT_ERROR("title.fg = red\ntitle.blink = true\n", 2, "unknown attribute 'blink'");
	EXPECT_ERROR("title = red\n", 1, "expected 'element.attribute' before '='");
	EXPECT_ERROR(".fg = red\n", 1, "expected 'element.attribute'");
}

TEST(theme, bad_colour_is_an_error_with_its_line)
{
	static const char *const bad[] = {"purple",	   "color256", "color",	   "color-1",
					  "color1x",	   "#12345",   "#1234567", "#gggggg",
					  "brightdefault", "#"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *text = xasprintf("normal.fg = default\n\nheader.bg = %s\n", bad[i]);
		char *want = xasprintf("bad colour '%s'", bad[i]);
		EXPECT_ERROR(text, 3, want);
		free(want);
		free(text);
	}
	EXPECT_ERROR("title.bold = maybe\n", 1, "bad value 'maybe' for bold");
}

TEST(theme, missing_equals_or_value_is_an_error_with_its_line)
{
	EXPECT_ERROR("title.fg = red\ntitle.fg red\n", 2, "expected 'element.attribute = value'");
	EXPECT_ERROR("title.underline\n", 1, "expected 'element.attribute = value'");
	EXPECT_ERROR("title.fg =\n", 1, "missing value");
	EXPECT_ERROR("title.fg = red blue\n", 1, "unexpected 'blue' after the value");
}

TEST(theme, huge_line_is_an_error_not_a_crash)
{
	size_t n = 100000;
	char *text = xmalloc(n + 32);
	memcpy(text, "title.fg = red\n# ", 17);
	memset(text + 17, 'x', n);
	strcpy(text + 17 + n, "\n");
	EXPECT_ERROR(text, 2, "longer than 1024 bytes");
	/* The longest allowed line is fine. */
	memset(text + 17, 'x', THEME_LINE_MAX - 2);
	strcpy(text + 15 + THEME_LINE_MAX, "\n");
	struct theme t;
	char err[128];
	CU_ASSERT(theme_parse(text, &t, err, sizeof err));
	free(text);
}

TEST(theme, invalid_utf8_is_an_error_with_its_line)
{
	EXPECT_ERROR("# caf\xc3\xa9 is fine\n# \xff\n", 2, "not valid UTF-8");
	EXPECT_ERROR("title.fg = red\xc3\n", 1, "not valid UTF-8");	  /* cut short */
	EXPECT_ERROR("# \xc0\xaf overlong\n", 1, "not valid UTF-8");	  /* overlong '/' */
	EXPECT_ERROR("# \xed\xa0\x80 surrogate\n", 1, "not valid UTF-8"); /* U+D800 */
	EXPECT_ERROR("\xef\xbb\xbfnormal.fg = red\n# \xf4\x90\x80\x80\n", 2, "not valid UTF-8");
}

TEST(theme, nul_byte_is_an_error_with_its_line)
{
	static const char text[] = "title.fg = red\ntitle.bg = bl\0ue\n";
	expect_error(text, sizeof text - 1, 2, "NUL byte");
}

TEST(theme, error_messages_quote_hostile_text_inertly)
{
	struct theme t;
	char err[256];
	CU_ASSERT_FALSE(theme_parse("ti\x1b]52;c;aGk.fg = red\x07\n", &t, err, sizeof err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown element 'ti?]52;c;aGk'"));
	CU_ASSERT_FALSE(theme_parse("title.fg = r\x07\x9b\n", &t, err, sizeof err));
	CU_ASSERT_PTR_NULL(strchr(err, '\x07'));
	CU_ASSERT_FALSE(theme_parse("title.fg = r\x07"
				    "ed\n",
				    &t, err, sizeof err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad colour 'r?ed'"));
	/* A tiny buffer is filled and terminated, never overrun. */
	char small[8];
	CU_ASSERT_FALSE(theme_parse("nope.fg = red\n", &t, small, sizeof small));
	CU_ASSERT_EQUAL(strlen(small), 7);
	CU_ASSERT_FALSE(theme_parse("nope.fg = red\n", &t, NULL, 0));
}

TEST(theme, rgb_maps_to_the_nearest_of_256)
{
	static const struct {
		uint32_t rgb;
		int idx;
	} known[] = {
	    {0x000000, 16},  {0xffffff, 231}, {0xff0000, 196}, {0x00ff00, 46},	{0x0000ff, 21},
	    {0x5f87af, 67},  {0x808080, 244}, {0xeeeeee, 255}, {0x1e1e1e, 234}, {0x080808, 232},
	    {0xff8700, 208}, {0xfe8801, 208}, {0x767676, 243}, {0x010203, 16},	{0xd7d7d7, 188},
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		CU_ASSERT_EQUAL(theme_rgb_to_256(known[i].rgb), known[i].idx);
		if (theme_rgb_to_256(known[i].rgb) != known[i].idx)
			fprintf(stderr, "\n#%06x -> %d, wanted %d\n", (unsigned)known[i].rgb,
				theme_rgb_to_256(known[i].rgb), known[i].idx);
	}
	/* Every palette colour above 15 maps back to itself. */
	for (int i = 16; i < 256; i++)
		CU_ASSERT_EQUAL(theme_rgb_to_256(theme_256_to_rgb(i)), i);
	CU_ASSERT_EQUAL(theme_256_to_rgb(232), 0x080808);
	CU_ASSERT_EQUAL(theme_256_to_rgb(67), 0x5f87af);
}

TEST(theme, rgb_maps_to_the_nearest_of_16)
{
	CU_ASSERT_EQUAL(theme_rgb_to_16(0x000000), 0);
	CU_ASSERT_EQUAL(theme_rgb_to_16(0xd00000), 1);
	CU_ASSERT_EQUAL(theme_rgb_to_16(0xfafafa), 15);
	CU_ASSERT_EQUAL(theme_rgb_to_16(0x1e1e1e), 0);
	CU_ASSERT_EQUAL(theme_rgb_to_16(0x6060ff), 12);
}

TEST(theme, non_empty_no_color_forces_monochrome)
{
	struct theme_caps c = caps_256;
	CU_ASSERT_EQUAL(theme_pick_mode(&c), THEME_INDEXED);
	c.no_color = "";
	CU_ASSERT_EQUAL(theme_pick_mode(&c), THEME_INDEXED);
	c.no_color = "1";
	CU_ASSERT_EQUAL(theme_pick_mode(&c), THEME_MONO);
	c.no_color = "0"; /* any non-empty value, per no-color.org */
	CU_ASSERT_EQUAL(theme_pick_mode(&c), THEME_MONO);
}

TEST(theme, terminal_capabilities_pick_the_mode)
{
	struct theme_caps c = caps_256;
	c.has_color = false;
	CU_ASSERT_EQUAL(theme_pick_mode(&c), THEME_MONO);
	c = caps_256;
	c.colors = 2;
	CU_ASSERT_EQUAL(theme_pick_mode(&c), THEME_MONO);
	c = caps_256;
	c.pairs = TE_COUNT; /* one short: pair 0 is taken */
	CU_ASSERT_EQUAL(theme_pick_mode(&c), THEME_MONO);
	c = caps_256;
	c.colors = 8;
	c.pairs = 64;
	c.can_redefine = true;
	CU_ASSERT_EQUAL(theme_pick_mode(&c), THEME_INDEXED);
	c = caps_256;
	c.can_redefine = true;
	CU_ASSERT_EQUAL(theme_pick_mode(&c), THEME_PALETTE);
	c.colors = 1 << 24;
	c.pairs = 65536;
	c.direct = true;
	CU_ASSERT_EQUAL(theme_pick_mode(&c), THEME_DIRECT);
}

TEST(theme, monochrome_plan_replaces_colour_with_attributes)
{
	struct theme t = parsed(theme_builtin_text("default"));
	struct theme_caps c = caps_256;
	c.no_color = "1";
	struct theme_plan p;
	theme_plan(&t, &c, &p);
	CU_ASSERT_EQUAL(p.mode, THEME_MONO);
	for (int e = 0; e < TE_COUNT; e++)
		CU_ASSERT_EQUAL(p.attr[e] & A_COLOR, 0);
	/* The default theme's selected row is black on cyan; without colour it is reversed. */
	CU_ASSERT_EQUAL(p.attr[TE_SELECTED], A_REVERSE);
	CU_ASSERT_EQUAL(p.attr[TE_TITLE], A_REVERSE | A_BOLD);
	/* An element a theme styles with attributes only keeps them. */
	struct theme u = parsed("selected.underline = true\n");
	theme_plan(&u, &c, &p);
	CU_ASSERT_EQUAL(p.attr[TE_SELECTED], A_UNDERLINE);
}

TEST(theme, colour_plan_gives_each_element_its_pair)
{
	struct theme t = parsed(theme_builtin_text("default"));
	struct theme_plan p;
	theme_plan(&t, &caps_256, &p);
	CU_ASSERT_EQUAL(p.mode, THEME_INDEXED);
	CU_ASSERT_EQUAL(p.fg[TE_SELECTED], COLOR_BLACK);
	CU_ASSERT_EQUAL(p.bg[TE_SELECTED], COLOR_CYAN);
	CU_ASSERT_EQUAL(p.attr[TE_SELECTED], COLOR_PAIR(TE_SELECTED + 1));
	CU_ASSERT_EQUAL(p.attr[TE_TITLE], A_BOLD | COLOR_PAIR(TE_TITLE + 1));
	CU_ASSERT_EQUAL(p.fg[TE_NORMAL], -1);
	CU_ASSERT_EQUAL(p.bg[TE_NORMAL], -1);
	CU_ASSERT_EQUAL(p.nslots, 0);
	/* Without use_default_colors, "default" becomes white on black. */
	struct theme_caps c = caps_256;
	c.default_colors = false;
	theme_plan(&t, &c, &p);
	CU_ASSERT_EQUAL(p.fg[TE_NORMAL], COLOR_WHITE);
	CU_ASSERT_EQUAL(p.bg[TE_NORMAL], COLOR_BLACK);
}

TEST(theme, missing_elements_come_from_default_and_unset_colours_from_normal)
{
	struct theme t = parsed("normal.bg = #202020\nheader.fg = red\n");
	struct theme_plan p;
	theme_plan(&t, &caps_256, &p);
	CU_ASSERT_EQUAL(p.fg[TE_HEADER], COLOR_RED);
	CU_ASSERT_EQUAL(p.bg[TE_HEADER], 234);		/* normal's background */
	CU_ASSERT_EQUAL(p.bg[TE_SELECTED], COLOR_CYAN); /* from the default theme */
	theme_plan(NULL, &caps_256, &p);
	CU_ASSERT_EQUAL(p.bg[TE_SELECTED], COLOR_CYAN);
}

TEST(theme, few_colour_terminals_get_colours_they_have)
{
	struct theme t = parsed("title.fg = brightwhite\ntitle.bg = color196\n"
				"header.fg = #00d7d7\nheader.bg = brightblue\n");
	struct theme_caps c = {NULL, true, 8, 64, false, false, true};
	struct theme_plan p;
	theme_plan(&t, &c, &p);
	CU_ASSERT_EQUAL(p.fg[TE_TITLE], COLOR_WHITE);
	CU_ASSERT(p.attr[TE_TITLE] & A_BOLD); /* bright foreground: bold on 8 colours */
	CU_ASSERT_EQUAL(p.bg[TE_TITLE], COLOR_RED);
	CU_ASSERT_EQUAL(p.fg[TE_HEADER], COLOR_CYAN);
	CU_ASSERT_EQUAL(p.bg[TE_HEADER], COLOR_BLUE);
	CU_ASSERT_FALSE(p.attr[TE_HEADER] & A_BOLD); /* bright background: no bold */
	c.colors = 16;
	theme_plan(&t, &c, &p);
	CU_ASSERT_EQUAL(p.fg[TE_TITLE], 15);
	CU_ASSERT_EQUAL(p.bg[TE_TITLE], 9);
	CU_ASSERT_EQUAL(p.fg[TE_HEADER], COLOR_CYAN);
	theme_plan(&t, &caps_256, &p);
	CU_ASSERT_EQUAL(p.bg[TE_TITLE], 196);
	CU_ASSERT_EQUAL(p.fg[TE_HEADER], 44);
}

TEST(theme, true_colour_keeps_rgb_exact)
{
	struct theme t = parsed("title.fg = #123456\ntitle.bg = #000080\nheader.fg = color67\n"
				"header.bg = red\nstatus.fg = #123456\nstatus.bg = color255\n");
	struct theme_caps c = {NULL, true, 1 << 24, 65536, false, true, true};
	struct theme_plan p;
	theme_plan(&t, &c, &p);
	CU_ASSERT_EQUAL(p.mode, THEME_DIRECT);
	CU_ASSERT_EQUAL(p.fg[TE_TITLE], 0x123456);
	CU_ASSERT_EQUAL(p.bg[TE_TITLE], 0x000180); /* kept clear of palette numbers */
	CU_ASSERT_EQUAL(p.fg[TE_HEADER], 0x5f87af);
	CU_ASSERT_EQUAL(p.bg[TE_HEADER], COLOR_RED);
	/* A redefinable 256-colour palette: each #rrggbb gets a slot, avoiding named ones. */
	c = caps_256;
	c.can_redefine = true;
	theme_plan(&t, &c, &p);
	CU_ASSERT_EQUAL(p.mode, THEME_PALETTE);
	CU_ASSERT_EQUAL(p.nslots, 2);
	CU_ASSERT_EQUAL(p.fg[TE_TITLE], 254);  /* 255 is the theme's own */
	CU_ASSERT_EQUAL(p.fg[TE_STATUS], 254); /* the same colour shares its slot */
	CU_ASSERT_EQUAL(p.bg[TE_TITLE], 253);
	CU_ASSERT_EQUAL(p.slot[0].index, 254);
	CU_ASSERT_EQUAL(p.slot[0].r, 71);
	CU_ASSERT_EQUAL(p.slot[0].g, 204);
	CU_ASSERT_EQUAL(p.slot[0].b, 337);
	CU_ASSERT_EQUAL(p.bg[TE_STATUS], 255);
}

/* Sets an environment variable for one test and puts it back afterwards. */
struct saved_env {
	const char *name;
	char *value;
};
static struct saved_env env_set(const char *name, const char *value)
{
	const char *old = getenv(name);
	struct saved_env s = {name, old ? xstrdup(old) : NULL};
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
	return s;
}
static void env_restore(struct saved_env *s)
{
	if (s->value)
		setenv(s->name, s->value, 1);
	else
		unsetenv(s->name);
	free(s->value);
}

TEST(theme, user_theme_dir_overrides_shipped)
{
	char *cfg = tsuite_tmpdir(), *shipdir = tsuite_tmpdir();
	char *udir = xasprintf("%s/orgdeck/themes", cfg);
	char *cmd = xasprintf("mkdir -p '%s'", udir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	char *upath = xasprintf("%s/light.theme", udir),
	     *spath = xasprintf("%s/light.theme", shipdir);
	write_file(upath, "title.fg = color123\n");
	write_file(spath, "title.fg = color45\n");
	struct saved_env a = env_set("XDG_CONFIG_HOME", cfg),
			 b = env_set("ORGDECK_THEMES", shipdir);
	struct theme t;
	char err[512] = "";
	CU_ASSERT(theme_load("light", &t, err, sizeof err));
	CU_ASSERT_EQUAL(t.el[TE_TITLE].fg.value, 123);
	CU_ASSERT_STRING_EQUAL(t.source, upath);
	/* Without the user's file, the shipped directory's. */
	remove(upath);
	CU_ASSERT(theme_load("light", &t, err, sizeof err));
	CU_ASSERT_EQUAL(t.el[TE_TITLE].fg.value, 45);
	CU_ASSERT_STRING_EQUAL(t.source, spath);
	/* Without either, the copy found beside the executable (or the compiled-in one). */
	remove(spath);
	CU_ASSERT(theme_load("light", &t, err, sizeof err));
	CU_ASSERT(t.el[TE_SELECTED].defined);
	CU_ASSERT(strstr(t.source, "themes/light.theme") || !strcmp(t.source, "built-in light"));
	env_restore(&b);
	env_restore(&a);
	free(cmd), free(udir), free(upath), free(spath), free(cfg), free(shipdir);
}

TEST(theme, load_errors_name_the_file_and_line)
{
	char *dir = tsuite_tmpdir();
	char *path = xasprintf("%s/broken.theme", dir);
	write_file(path, "title.fg = red\n\ntitle.fg = rouge\n");
	struct saved_env a = env_set("XDG_CONFIG_HOME", dir), b = env_set("ORGDECK_THEMES", dir);
	struct theme t;
	char err[512] = "", want[PATH_MAX + 32];
	CU_ASSERT_FALSE(theme_load("broken", &t, err, sizeof err));
	snprintf(want, sizeof want, "%s:3: bad colour 'rouge'", path);
	CU_ASSERT_EQUAL(strncmp(err, want, strlen(want)), 0);
	/* A path names a file directly. */
	CU_ASSERT_FALSE(theme_load(path, &t, err, sizeof err));
	CU_ASSERT_EQUAL(strncmp(err, want, strlen(want)), 0);
	CU_ASSERT_FALSE(theme_load("no-such-theme", &t, err, sizeof err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no theme named 'no-such-theme'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, dir));
	CU_ASSERT_FALSE(theme_load("../etc/passwd", &t, err, sizeof err));
	CU_ASSERT_FALSE(theme_load(".hidden", &t, err, sizeof err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad theme name"));
	/* NULL or "" is the default theme. */
	CU_ASSERT(theme_load(NULL, &t, err, sizeof err));
	CU_ASSERT(t.el[TE_ENV_PRODUCTION].defined);
	env_restore(&b);
	env_restore(&a);
	free(path);
	free(dir);
}
