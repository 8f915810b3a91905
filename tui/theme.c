/* theme: see theme.h. The file format is aerc's styleset idea (element.attribute = value)
 * cut down to what a terminal admin console draws. */
#include "tui/theme.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define THEME_FILE_MAX (1 << 20)

static const char *const element_names[TE_COUNT] = {
#define X(e, n) n,
    THEME_ELEMENTS(X)
#undef X
};

const char *theme_element_name(enum theme_element e)
{
	return (unsigned)e < TE_COUNT ? element_names[e] : "?";
}

int theme_element_by_name(const char *name)
{
	for (int e = 0; e < TE_COUNT; e++)
		if (!strcmp(element_names[e], name))
			return e;
	return -1;
}

/* ---- the palette ---- */

/* xterm's defaults for the 16 system colours; terminals differ, so these are used only to
 * map colours down, never to pick one of 0-15 for a #rrggbb on a 256-colour terminal. */
static const uint32_t system16[16] = {
    0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
    0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};
static const int cube_level[6] = {0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff};

uint32_t theme_256_to_rgb(int i)
{
	if (i < 0 || i > 255)
		return 0;
	if (i < 16)
		return system16[i];
	if (i < 232) {
		i -= 16;
		return (uint32_t)cube_level[i / 36] << 16 | (uint32_t)cube_level[i / 6 % 6] << 8 |
		       (uint32_t)cube_level[i % 6];
	}
	uint32_t g = (uint32_t)(8 + 10 * (i - 232));
	return g << 16 | g << 8 | g;
}

static long dist2(uint32_t a, uint32_t b)
{
	long dr = (long)(a >> 16 & 0xff) - (long)(b >> 16 & 0xff);
	long dg = (long)(a >> 8 & 0xff) - (long)(b >> 8 & 0xff);
	long db = (long)(a & 0xff) - (long)(b & 0xff);
	return dr * dr + dg * dg + db * db;
}

static int cube_step(int v)
{
	return v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40;
}

int theme_rgb_to_256(uint32_t rgb)
{
	int r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
	int cube = 16 + 36 * cube_step(r) + 6 * cube_step(g) + cube_step(b);
	int avg = (r + g + b) / 3;
	int grey = avg > 238 ? 255 : 232 + (avg < 3 ? 0 : (avg - 3) / 10);
	return dist2(theme_256_to_rgb(grey), rgb) < dist2(theme_256_to_rgb(cube), rgb) ? grey
										       : cube;
}

int theme_rgb_to_16(uint32_t rgb)
{
	int best = 0;
	for (int i = 1; i < 16; i++)
		if (dist2(system16[i], rgb) < dist2(system16[best], rgb))
			best = i;
	return best;
}

/* ---- parsing ---- */

static const char *const colour_names[8] = {"black", "red",	"green", "yellow",
					    "blue",  "magenta", "cyan",	 "white"};

enum { SET_FG, SET_BG, SET_ATTR };
static const struct {
	const char *name;
	int what;
	unsigned bit; /* THEME_* for SET_ATTR */
} attributes[] = {
    {"fg", SET_FG, 0},
    {"bg", SET_BG, 0},
    {"bold", SET_ATTR, THEME_BOLD},
    {"dim", SET_ATTR, THEME_DIM},
    {"underline", SET_ATTR, THEME_UNDERLINE},
    {"reverse", SET_ATTR, THEME_REVERSE},
    {"italic", SET_ATTR, THEME_ITALIC},
};

static bool parse_color(const char *s, struct theme_color *c)
{
	if (!strcasecmp(s, "default")) {
		*c = (struct theme_color){TC_DEFAULT, 0};
		return true;
	}
	if (s[0] == '#') {
		if (strlen(s) != 7)
			return false;
		for (int i = 1; i < 7; i++)
			if (!isxdigit((unsigned char)s[i]))
				return false;
		*c = (struct theme_color){TC_RGB, (uint32_t)strtoul(s + 1, NULL, 16)};
		return true;
	}
	if (!strncasecmp(s, "color", 5)) {
		const char *d = s + 5;
		size_t n = strlen(d);
		if (n < 1 || n > 3 || strspn(d, "0123456789") != n || atoi(d) > 255)
			return false;
		*c = (struct theme_color){TC_INDEX, (uint32_t)atoi(d)};
		return true;
	}
	unsigned base = 0;
	if (!strncasecmp(s, "bright", 6)) {
		base = 8;
		s += 6;
		if (*s == '-' || *s == '_')
			s++;
	}
	for (unsigned i = 0; i < 8; i++)
		if (!strcasecmp(s, colour_names[i])) {
			*c = (struct theme_color){TC_INDEX, base + i};
			return true;
		}
	return false;
}

static bool parse_bool(const char *s, bool *b)
{
	static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no",
										    "off", "0"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (!strcasecmp(s, yes[i]))
			return *b = true, true;
		if (!strcasecmp(s, no[i]))
			return *b = false, true;
	}
	return false;
}

static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned min, cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			len = 2, min = 0x80, cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3, min = 0x800, cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4, min = 0x10000, cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* A token from the file, made safe and short for an error message. */
static void quote(const char *s, char *out, size_t cap)
{
	size_t n = 0, max = cap > 44 ? 40 : cap - 4;
	for (; s[n] && n < max; n++)
		out[n] = (unsigned char)s[n] < 0x20 || s[n] == 0x7f ? '?' : s[n];
	bool cut = s[n] != '\0';
	while (cut && n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--; /* never end inside a UTF-8 sequence */
	memcpy(out + n, cut ? "..." : "", cut ? 4 : 1);
}

struct parser {
	const char *origin; /* file name for messages, or NULL */
	int line;
	char *err;
	size_t errcap;
};

__attribute__((format(printf, 2, 3))) static bool fail(struct parser *p, const char *fmt, ...)
{
	if (!p->errcap)
		return false;
	int n = p->origin ? snprintf(p->err, p->errcap, "%s:%d: ", p->origin, p->line)
			  : snprintf(p->err, p->errcap, "line %d: ", p->line);
	if (n < 0 || (size_t)n >= p->errcap)
		return false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errcap - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static bool parse_line(struct parser *p, char *s, struct theme *t)
{
	char q[48];
	s = trim(s);
	if (!*s || *s == '#')
		return true;
	char *eq = strchr(s, '=');
	if (!eq) {
		quote(s, q, sizeof q);
		return fail(p, "expected 'element.attribute = value', got '%s'", q);
	}
	*eq = '\0';
	char *key = trim(s), *value = trim(eq + 1);
	/* The value is one word; a comment may follow it after a space. */
	char *rest = value + strcspn(value, " \t");
	if (*rest) {
		*rest++ = '\0';
		rest = trim(rest);
		if (*rest && *rest != '#') {
			quote(rest, q, sizeof q);
			return fail(p, "unexpected '%s' after the value", q);
		}
	}
	char *dot = strrchr(key, '.');
	if (!dot || dot == key) {
		quote(key, q, sizeof q);
		return fail(p, "expected 'element.attribute' before '=', got '%s'", q);
	}
	*dot = '\0';
	const char *attr = dot + 1;
	size_t a = 0, na = sizeof attributes / sizeof attributes[0];
	while (a < na && strcmp(attributes[a].name, attr))
		a++;
	if (a == na) {
		quote(attr, q, sizeof q);
		return fail(
		    p, "unknown attribute '%s' (fg, bg, bold, dim, underline, reverse, italic)", q);
	}
	bool glob = strpbrk(key, "*?[") != NULL, match[TE_COUNT];
	int matched = 0;
	for (int e = 0; e < TE_COUNT; e++)
		matched += match[e] = glob ? fnmatch(key, element_names[e], 0) == 0
					   : strcmp(key, element_names[e]) == 0;
	if (!matched) {
		quote(key, q, sizeof q);
		return fail(p, glob ? "'%s' matches no element" : "unknown element '%s'", q);
	}
	if (!*value)
		return fail(p, "missing value after '='");
	struct theme_color c = {TC_UNSET, 0};
	bool on = false;
	bool colour = attributes[a].what != SET_ATTR;
	if (colour ? !parse_color(value, &c) : !parse_bool(value, &on)) {
		quote(value, q, sizeof q);
		return colour ? fail(p, "bad colour '%s' (a name, default, colorN or #rrggbb)", q)
			      : fail(p, "bad value '%s' for %s (true or false)", q, attr);
	}
	for (int e = 0; e < TE_COUNT; e++) {
		if (!match[e])
			continue;
		struct theme_style *st = &t->el[e];
		st->defined = true;
		if (attributes[a].what == SET_FG)
			st->fg = c;
		else if (attributes[a].what == SET_BG)
			st->bg = c;
		else if (on)
			st->attrs |= attributes[a].bit;
		else
			st->attrs &= ~attributes[a].bit;
	}
	return true;
}

static bool parse(const char *text, size_t len, struct theme *out, const char *origin, char *err,
		  size_t errcap)
{
	struct parser p = {origin, 0, err, errcap};
	memset(out->el, 0, sizeof out->el);
	if (errcap)
		err[0] = '\0';
	size_t pos = len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3) ? 3 : 0;
	char buf[THEME_LINE_MAX + 1];
	while (pos < len) {
		p.line++;
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl != NULL);
		if (n > THEME_LINE_MAX)
			return fail(&p, "line longer than %d bytes", THEME_LINE_MAX);
		if (memchr(line, '\0', n))
			return fail(&p, "NUL byte in the line");
		if (!utf8_valid((const unsigned char *)line, n))
			return fail(&p, "not valid UTF-8");
		memcpy(buf, line, n);
		buf[n] = '\0';
		if (!parse_line(&p, buf, out))
			return false;
	}
	return true;
}

bool theme_parse_n(const char *text, size_t len, struct theme *out, char *err, size_t errcap)
{
	out->source[0] = '\0';
	return parse(text, len, out, NULL, err, errcap);
}

bool theme_parse(const char *text, struct theme *out, char *err, size_t errcap)
{
	return theme_parse_n(text, strlen(text), out, err, errcap);
}

/* ---- loading ---- */

static const char *const shipped[] = {"default", "light", "high-contrast", "monochrome"};

/* 1: read into *text (caller frees); 0: no such file; -1: error in err. */
static int read_theme_file(const char *path, char **text, size_t *len, char *err, size_t errcap)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	int status = 1;
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (ferror(f)) {
			snprintf(err, errcap, "%s: %s", path, strerror(errno ? errno : EIO));
			status = -1;
			break;
		}
		if (n < cap)
			break;
		if (cap >= THEME_FILE_MAX) {
			snprintf(err, errcap, "%s: larger than %d bytes", path, THEME_FILE_MAX);
			status = -1;
			break;
		}
		cap *= 2;
		char *grown = realloc(buf, cap);
		if (!grown)
			free(buf);
		buf = grown;
	}
	fclose(f);
	if (!buf) {
		snprintf(err, errcap, "%s: out of memory", path);
		return -1;
	}
	if (status < 0) {
		free(buf);
		return -1;
	}
	*text = buf;
	*len = n;
	return 1;
}

/* 1: parsed; 0: not there; -1: error in err. */
static int load_file(const char *path, struct theme *out, char *err, size_t errcap)
{
	char *text = NULL;
	size_t len = 0;
	int r = read_theme_file(path, &text, &len, err, errcap);
	if (r <= 0)
		return r;
	bool ok = parse(text, len, out, path, err, errcap);
	free(text);
	if (!ok)
		return -1;
	snprintf(out->source, sizeof out->source, "%s", path);
	return 1;
}

static bool good_name(const char *name)
{
	size_t n = strlen(name);
	return n > 0 && n <= 64 && name[0] != '.' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
		   n;
}

/* out = a + b, false when it does not fit (such a directory is skipped, not truncated). */
static bool join(char *out, size_t cap, const char *a, const char *b)
{
	int n = snprintf(out, cap, "%s%s", a, b);
	return n >= 0 && (size_t)n < cap;
}

/* The directories searched, in order, into dirs[] (each PATH_MAX); returns how many. */
static int search_dirs(char dirs[][PATH_MAX], int max)
{
	int n = 0;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	const char *env = getenv("ORGDECK_THEMES");
	if (xdg && xdg[0] == '/')
		n += join(dirs[n], PATH_MAX, xdg, "/orgdeck/themes");
	else if (home && *home)
		n += join(dirs[n], PATH_MAX, home, "/.config/orgdeck/themes");
	if (env && *env)
		n += join(dirs[n], PATH_MAX, env, "");
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash = len > 0 ? (exe[len] = '\0', strrchr(exe, '/')) : NULL;
	if (slash) {
		static const char *const rel[] = {"/../share/orgdeck/themes", "/../themes",
						  "/../../themes"};
		*slash = '\0';
		for (size_t i = 0; i < sizeof rel / sizeof rel[0] && n < max; i++)
			n += join(dirs[n], PATH_MAX, exe, rel[i]);
	}
	return n;
}

bool theme_load(const char *name, struct theme *out, char *err, size_t errcap)
{
	if (!name || !*name)
		name = "default";
	memset(out, 0, sizeof *out);
	if (strchr(name, '/')) {
		int r = load_file(name, out, err, errcap);
		if (!r)
			snprintf(err, errcap, "%s: no such theme file", name);
		return r > 0;
	}
	if (!good_name(name)) {
		char q[48];
		quote(name, q, sizeof q);
		snprintf(err, errcap, "bad theme name '%s' (letters, digits, '.', '_', '-')", q);
		return false;
	}
	char dirs[6][PATH_MAX];
	int nd = search_dirs(dirs, 6);
	for (int i = 0; i < nd; i++) {
		char path[PATH_MAX + 80];
		int len = snprintf(path, sizeof path, "%s/%s.theme", dirs[i], name);
		if (len < 0 || (size_t)len >= sizeof path)
			continue;
		int r = load_file(path, out, err, errcap);
		if (r)
			return r > 0;
	}
	const char *text = theme_builtin_text(name);
	if (text) {
		if (!parse(text, strlen(text), out, name, err, errcap))
			return false;
		snprintf(out->source, sizeof out->source, "built-in %s", name);
		return true;
	}
	size_t n = (size_t)snprintf(err, errcap, "no theme named '%s' (looked in %s", name,
				    nd ? dirs[0] : "nowhere");
	for (int i = 1; i < nd && n < errcap; i++)
		n += (size_t)snprintf(err + n, errcap - n, ", %s", dirs[i]);
	if (n < errcap)
		snprintf(err + n, errcap - n,
			 "; built in: default, light, high-contrast, monochrome)");
	return false;
}

/* ---- applying ---- */

enum theme_mode theme_pick_mode(const struct theme_caps *c)
{
	if ((c->no_color && *c->no_color) || !c->has_color || c->colors < 8 || c->pairs <= TE_COUNT)
		return THEME_MONO;
	if (c->direct && c->colors > 256)
		return THEME_DIRECT;
	if (c->colors >= 256 && c->can_redefine)
		return THEME_PALETTE;
	return THEME_INDEXED;
}

static bool uses_color(const struct theme_style *s)
{
	return s->fg.kind == TC_INDEX || s->fg.kind == TC_RGB || s->bg.kind == TC_INDEX ||
	       s->bg.kind == TC_RGB;
}

/* In direct colour, small numbers name palette entries (below 8, 16 or 256 depending on
 * the terminfo entry); an RGB value is kept clear of them by nudging green up one step. */
static int direct_rgb(uint32_t rgb)
{
	return (int)(rgb < 0x100 ? rgb | 0x100 : rgb);
}

struct mapper {
	const struct theme_caps *caps;
	struct theme_plan *plan;
	bool used[256]; /* indices the theme names, so palette slots avoid them */
	int next_slot;
	uint32_t slot_rgb[2 * TE_COUNT];
};

/* An index the terminal may not have, brought down to one it has; bright colours on an
 * 8-colour terminal become the plain colour in bold (foreground only). */
static int reduce(const struct mapper *m, int idx, bool fg, attr_t *extra)
{
	int limit = m->caps->colors < 256 ? m->caps->colors : 256;
	if (idx < limit)
		return idx;
	if (idx >= 16)
		idx = theme_rgb_to_16(theme_256_to_rgb(idx));
	if (idx >= limit && idx >= 8) {
		idx -= 8;
		if (fg)
			*extra |= A_BOLD;
	}
	return idx;
}

static int palette_slot(struct mapper *m, uint32_t rgb)
{
	struct theme_plan *p = m->plan;
	for (int i = 0; i < p->nslots; i++)
		if (m->slot_rgb[i] == rgb)
			return p->slot[i].index;
	while (m->next_slot >= 16 && m->used[m->next_slot])
		m->next_slot--;
	if (m->next_slot < 16 || p->nslots >= 2 * TE_COUNT)
		return theme_rgb_to_256(rgb);
	int idx = m->next_slot--;
	m->slot_rgb[p->nslots] = rgb;
	p->slot[p->nslots++] =
	    (struct theme_slot){idx, (short)(((rgb >> 16 & 0xff) * 1000 + 127) / 255),
				(short)(((rgb >> 8 & 0xff) * 1000 + 127) / 255),
				(short)(((rgb & 0xff) * 1000 + 127) / 255)};
	return idx;
}

static int map_color(struct mapper *m, struct theme_color c, bool fg, attr_t *extra)
{
	switch (c.kind) {
	case TC_UNSET:
	case TC_DEFAULT:
		break;
	case TC_INDEX:
		if (m->plan->mode == THEME_DIRECT)
			return c.value < 8 ? (int)c.value
					   : direct_rgb(theme_256_to_rgb((int)c.value));
		return reduce(m, (int)c.value, fg, extra);
	case TC_RGB:
		if (m->plan->mode == THEME_DIRECT)
			return direct_rgb(c.value);
		if (m->plan->mode == THEME_PALETTE)
			return palette_slot(m, c.value);
		if (m->caps->colors >= 256)
			return theme_rgb_to_256(c.value);
		return reduce(m, theme_rgb_to_16(c.value), fg, extra);
	}
	if (m->caps->default_colors)
		return -1;
	return fg ? COLOR_WHITE : COLOR_BLACK;
}

static attr_t curses_attrs(unsigned a)
{
	attr_t r = A_NORMAL;
	if (a & THEME_BOLD)
		r |= A_BOLD;
	if (a & THEME_DIM)
		r |= A_DIM;
	if (a & THEME_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_REVERSE)
		r |= A_REVERSE;
#ifdef A_ITALIC
	if (a & THEME_ITALIC)
		r |= A_ITALIC;
#endif
	return r;
}

void theme_plan(const struct theme *t, const struct theme_caps *caps, struct theme_plan *out)
{
	memset(out, 0, sizeof *out);
	out->mode = theme_pick_mode(caps);
	bool mono = out->mode == THEME_MONO;
	struct theme fallback;
	const char *fb = theme_builtin_text(mono ? "monochrome" : "default");
	char err[8];
	if (!theme_parse(fb, &fallback, err, sizeof err))
		memset(&fallback, 0, sizeof fallback); /* a test keeps the built-ins parsing */
	struct theme_style st[TE_COUNT];
	for (int e = 0; e < TE_COUNT; e++) {
		const struct theme_style *s = t && t->el[e].defined ? &t->el[e] : &fallback.el[e];
		st[e] = mono && uses_color(s) ? fallback.el[e] : *s;
	}
	for (int e = 0; e < TE_COUNT; e++) {
		if (st[e].fg.kind == TC_UNSET)
			st[e].fg = st[TE_NORMAL].fg;
		if (st[e].bg.kind == TC_UNSET)
			st[e].bg = st[TE_NORMAL].bg;
		out->attr[e] = curses_attrs(st[e].attrs);
		out->fg[e] = out->bg[e] = -1;
	}
	if (mono)
		return;
	struct mapper m = {.caps = caps, .plan = out};
	m.next_slot = (caps->colors < 256 ? caps->colors : 256) - 1;
	for (int e = 0; e < TE_COUNT; e++) {
		if (st[e].fg.kind == TC_INDEX)
			m.used[st[e].fg.value & 0xff] = true;
		if (st[e].bg.kind == TC_INDEX)
			m.used[st[e].bg.value & 0xff] = true;
	}
	for (int e = 0; e < TE_COUNT; e++) {
		attr_t extra = A_NORMAL;
		out->fg[e] = map_color(&m, st[e].fg, true, &extra);
		out->bg[e] = map_color(&m, st[e].bg, false, &extra);
		out->attr[e] |= extra | COLOR_PAIR(e + 1);
	}
}

static attr_t applied[TE_COUNT];

enum theme_mode theme_apply(const struct theme *t)
{
	struct theme_caps caps = {.no_color = getenv("NO_COLOR"), .has_color = has_colors()};
	if (caps.has_color && !(caps.no_color && *caps.no_color) && start_color() == OK) {
		caps.colors = COLORS;
		caps.pairs = COLOR_PAIRS;
		caps.can_redefine = can_change_color();
		caps.direct = tigetflag("RGB") > 0;
		caps.default_colors = use_default_colors() == OK;
	}
	struct theme_plan p;
	theme_plan(t, &caps, &p);
	for (int i = 0; i < p.nslots; i++)
		init_color((short)p.slot[i].index, p.slot[i].r, p.slot[i].g, p.slot[i].b);
	if (p.mode != THEME_MONO)
		for (int e = 0; e < TE_COUNT; e++)
			init_extended_pair(e + 1, p.fg[e], p.bg[e]);
	memcpy(applied, p.attr, sizeof applied);
	return p.mode;
}

attr_t theme_attr(enum theme_element e)
{
	return (unsigned)e < TE_COUNT ? applied[e] : A_NORMAL;
}

/* ---- the shipped themes, compiled in ----
 * Byte for byte the files in themes/ (test theme/builtin_copies_match_the_files checks),
 * so orgdeck has its themes wherever the binary goes. Regenerate a block with (then
 * clang-format):
 *   sed 's/\\/\\\\/g; s/"/\\"/g; s/^/\t"/; s/$/\\n"/' themes/NAME.theme */

static const char builtin_default[] =
    "# orgdeck default theme, for dark terminals.\n"
    "# It uses the terminal's own 16 colours and background, so it follows your palette.\n"
    "#\n"
    "# Format: one setting a line, `element.attribute = value`; `#` starts a comment.\n"
    "#   attributes: fg, bg (a colour); bold, dim, underline, reverse, italic (true/false)\n"
    "#   colours:    default, black, red, green, yellow, blue, magenta, cyan, white,\n"
    "#               brightblack ... brightwhite, colorN (0-255), #rrggbb\n"
    "# `*` in an element name matches several (env_*.bold = true). Later lines win.\n"
    "# Copy this file to $XDG_CONFIG_HOME/orgdeck/themes/NAME.theme to make your own.\n"
    "\n"
    "normal.fg = default\n"
    "normal.bg = default\n"
    "\n"
    "# Screen furniture\n"
    "title.fg = brightwhite\n"
    "title.bg = blue\n"
    "title.bold = true\n"
    "status.fg = brightwhite\n"
    "status.bg = blue\n"
    "keybar.fg = cyan\n"
    "help_key.fg = yellow\n"
    "help_key.bold = true\n"
    "\n"
    "# Lists\n"
    "header.fg = cyan\n"
    "header.bold = true\n"
    "selected.fg = black\n"
    "selected.bg = cyan\n"
    "match.fg = yellow\n"
    "match.bold = true\n"
    "match.underline = true\n"
    "dim.dim = true\n"
    "pending.fg = yellow\n"
    "failed.fg = brightred\n"
    "failed.bold = true\n"
    "error.fg = brightred\n"
    "error.bold = true\n"
    "\n"
    "# Which environment a profile talks to: production must never be mistaken\n"
    "env_production.fg = brightwhite\n"
    "env_production.bg = red\n"
    "env_production.bold = true\n"
    "env_staging.fg = black\n"
    "env_staging.bg = yellow\n"
    "env_sandbox.fg = black\n"
    "env_sandbox.bg = green\n"
    "\n"
    "# Forms and dialogs\n"
    "field_label.fg = cyan\n"
    "field_focus.fg = brightwhite\n"
    "field_focus.underline = true\n"
    "field_focus.bold = true\n"
    "field_error.fg = brightred\n"
    "field_error.bold = true\n"
    "dialog.fg = default\n"
    "dialog.bg = default\n"
    "dialog_border.fg = cyan\n"
    "dialog_border.bold = true\n"
    "diff_added.fg = green\n"
    "diff_removed.fg = red\n";

static const char builtin_light[] =
    "# orgdeck light theme, for terminals with a light background.\n"
    "# Dark text on the terminal's own background; no yellow or cyan text, which fades on white.\n"
    "# See default.theme for the format.\n"
    "\n"
    "normal.fg = default\n"
    "normal.bg = default\n"
    "\n"
    "# Screen furniture\n"
    "title.fg = brightwhite\n"
    "title.bg = blue\n"
    "title.bold = true\n"
    "status.fg = brightwhite\n"
    "status.bg = blue\n"
    "keybar.fg = blue\n"
    "help_key.fg = magenta\n"
    "help_key.bold = true\n"
    "\n"
    "# Lists\n"
    "header.fg = blue\n"
    "header.bold = true\n"
    "header.underline = true\n"
    "selected.fg = brightwhite\n"
    "selected.bg = blue\n"
    "match.fg = black\n"
    "match.bg = yellow\n"
    "match.bold = true\n"
    "dim.dim = true\n"
    "pending.fg = magenta\n"
    "pending.bold = true\n"
    "failed.fg = red\n"
    "failed.bold = true\n"
    "error.fg = red\n"
    "error.bold = true\n"
    "\n"
    "# Which environment a profile talks to: production must never be mistaken\n"
    "env_production.fg = brightwhite\n"
    "env_production.bg = red\n"
    "env_production.bold = true\n"
    "env_staging.fg = black\n"
    "env_staging.bg = yellow\n"
    "env_sandbox.fg = brightwhite\n"
    "env_sandbox.bg = green\n"
    "env_sandbox.bold = true\n"
    "\n"
    "# Forms and dialogs\n"
    "field_label.fg = blue\n"
    "field_focus.fg = black\n"
    "field_focus.underline = true\n"
    "field_focus.bold = true\n"
    "field_error.fg = red\n"
    "field_error.bold = true\n"
    "dialog.fg = default\n"
    "dialog.bg = default\n"
    "dialog_border.fg = blue\n"
    "dialog_border.bold = true\n"
    "diff_added.fg = green\n"
    "diff_added.bold = true\n"
    "diff_removed.fg = red\n"
    "diff_removed.bold = true\n";

static const char builtin_high_contrast[] =
    "# orgdeck high-contrast theme: bright text on black, bold throughout, and nothing that\n"
    "# is told apart by colour alone (errors and changes are also underlined or reversed).\n"
    "# See default.theme for the format.\n"
    "\n"
    "# Every element starts bold, bright white on black; the lines below refine them.\n"
    "*.fg = brightwhite\n"
    "*.bg = black\n"
    "*.bold = true\n"
    "\n"
    "normal.bold = false\n"
    "\n"
    "# Screen furniture\n"
    "title.fg = black\n"
    "title.bg = brightyellow\n"
    "status.fg = black\n"
    "status.bg = brightwhite\n"
    "keybar.fg = brightcyan\n"
    "help_key.fg = brightyellow\n"
    "help_key.underline = true\n"
    "\n"
    "# Lists\n"
    "header.fg = brightcyan\n"
    "header.underline = true\n"
    "selected.fg = black\n"
    "selected.bg = brightcyan\n"
    "match.fg = black\n"
    "match.bg = brightyellow\n"
    "dim.bold = false\n"
    "dim.fg = white\n"
    "pending.fg = brightyellow\n"
    "failed.fg = brightred\n"
    "failed.underline = true\n"
    "error.fg = brightwhite\n"
    "error.bg = red\n"
    "error.underline = true\n"
    "\n"
    "# Which environment a profile talks to: production must never be mistaken\n"
    "env_production.fg = brightwhite\n"
    "env_production.bg = red\n"
    "env_production.underline = true\n"
    "env_staging.fg = black\n"
    "env_staging.bg = brightyellow\n"
    "env_sandbox.fg = black\n"
    "env_sandbox.bg = brightgreen\n"
    "\n"
    "# Forms and dialogs\n"
    "field_label.fg = brightcyan\n"
    "field_focus.fg = black\n"
    "field_focus.bg = brightwhite\n"
    "field_error.fg = brightred\n"
    "field_error.underline = true\n"
    "dialog.fg = brightwhite\n"
    "dialog.bold = false\n"
    "dialog_border.fg = brightyellow\n"
    "diff_added.fg = brightgreen\n"
    "diff_added.underline = true\n"
    "diff_removed.fg = brightred\n"
    "diff_removed.reverse = true\n";

static const char builtin_monochrome[] =
    "# orgdeck monochrome theme: attributes only, no colours. It is also what orgdeck uses,\n"
    "# whatever the chosen theme, when NO_COLOR is set or the terminal has no colours.\n"
    "# See default.theme for the format.\n"
    "\n"
    "normal.bold = false\n"
    "\n"
    "# Screen furniture\n"
    "title.reverse = true\n"
    "title.bold = true\n"
    "status.reverse = true\n"
    "keybar.bold = false\n"
    "help_key.bold = true\n"
    "\n"
    "# Lists\n"
    "header.bold = true\n"
    "header.underline = true\n"
    "selected.reverse = true\n"
    "match.bold = true\n"
    "match.underline = true\n"
    "dim.dim = true\n"
    "pending.bold = true\n"
    "failed.bold = true\n"
    "failed.underline = true\n"
    "error.bold = true\n"
    "\n"
    "# Which environment a profile talks to: production must never be mistaken\n"
    "env_production.reverse = true\n"
    "env_production.bold = true\n"
    "env_staging.reverse = true\n"
    "env_sandbox.underline = true\n"
    "\n"
    "# Forms and dialogs\n"
    "field_label.bold = true\n"
    "field_focus.reverse = true\n"
    "field_error.bold = true\n"
    "field_error.underline = true\n"
    "dialog.bold = false\n"
    "dialog_border.bold = true\n"
    "diff_added.bold = true\n"
    "diff_removed.dim = true\n"
    "diff_removed.underline = true\n";

static const char *const builtin_texts[] = {builtin_default, builtin_light, builtin_high_contrast,
					    builtin_monochrome};

const char *theme_builtin_text(const char *name)
{
	for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++)
		if (!strcmp(shipped[i], name))
			return builtin_texts[i];
	return NULL;
}
