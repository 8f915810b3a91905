/* text: see text.h. */
#include "tui/text.h"
#include "model/fold.h"
#include "net/xalloc.h"

#include <langinfo.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

static bool utf8 = true;

void text_init(void)
{
	const char *cs = nl_langinfo(CODESET);
	utf8 = cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
}

bool text_utf8(void)
{
	return utf8;
}

/* Marks for what must not reach the terminal as is. */
#define MARK_BAD "\xEF\xBF\xBD"	   /* U+FFFD for invalid UTF-8 */
#define MARK_FORMAT "\xE2\x90\xA6" /* U+2426 for C1, bidi and other format controls */

static bool is_format_control(utf8proc_int32_t c)
{
	if (c >= 0x80 && c <= 0x9f)
		return true; /* C1, including CSI (0x9b) and OSC (0x9d) */
	switch (c) {
	case 0x061c:
	case 0x200e:
	case 0x200f:
	case 0x202a:
	case 0x202b:
	case 0x202c:
	case 0x202d:
	case 0x202e:
	case 0x2066:
	case 0x2067:
	case 0x2068:
	case 0x2069:
	case 0x200b:
	case 0x2028:
	case 0x2029:
	case 0xfeff:
	case 0x00ad:
		return true;
	default:
		break;
	}
	utf8proc_category_t cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_CF || cat == UTF8PROC_CATEGORY_CS ||
	       cat == UTF8PROC_CATEGORY_CO || cat == UTF8PROC_CATEGORY_CN ||
	       cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

void text_sanitize(const char *s, size_t n, struct buf *out)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t i = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0) {
			buf_puts(out, utf8 ? MARK_BAD : "?");
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			/* C0 and DEL as Unicode control pictures: ESC shows as a visible ␛. */
			if (utf8) {
				utf8proc_uint8_t pic[4];
				utf8proc_ssize_t m =
				    utf8proc_encode_char(c == 0x7f ? 0x2421 : 0x2400 + c, pic);
				buf_add(out, pic, (size_t)m);
			} else {
				buf_putc(out, '^');
				buf_putc(out, c == 0x7f ? '?' : (char)(c + '@'));
			}
		} else if (c >= 0x80 && !utf8) {
			buf_putc(out, '?');
		} else if (is_format_control(c)) {
			buf_puts(out, MARK_FORMAT);
		} else {
			buf_add(out, s + i, (size_t)k);
		}
		i += (size_t)k;
	}
}

static int char_width(utf8proc_int32_t c)
{
	int w = utf8proc_charwidth(c);
	/* Emoji presentation characters take two cells in today's terminals. */
	if (w == 1 && c >= 0x1f300 && c <= 0x1faff)
		w = 2;
	return w < 0 ? 1 : w;
}

int text_width(const char *s)
{
	int cells = 0;
	text_fit(s, 1 << 30, &cells);
	return cells;
}

size_t text_fit(const char *s, int max, int *cells)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t i = 0, n = strlen(s);
	int w = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0)
			k = 1, c = '?';
		int cw = char_width(c);
		if (w + cw > max)
			break;
		w += cw;
		i += (size_t)k;
	}
	if (cells)
		*cells = w;
	return i;
}

void text_cell(const char *s, int width, bool pad, struct buf *out)
{
	if (width <= 0)
		return;
	struct buf clean;
	buf_init(&clean);
	if (s)
		text_sanitize(s, strlen(s), &clean);
	const char *c = clean.data ? clean.data : "";
	int cells;
	size_t fit = text_fit(c, width, &cells);
	if (fit < strlen(c)) {
		/* Cut: leave room for an ellipsis. */
		fit = text_fit(c, width - 1, &cells);
		buf_add(out, c, fit);
		buf_puts(out, utf8 ? "\xE2\x80\xA6" : "~");
		cells++;
	} else {
		buf_add(out, c, fit);
	}
	while (pad && cells < width) {
		buf_putc(out, ' ');
		cells++;
	}
	buf_free(&clean);
}

int text_find_folded(const char *s, const char *needle, size_t *starts, size_t *ends, int max)
{
	if (!needle || !needle[0])
		return 0;
	/* Fold each character on its own so offsets map back to s. */
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t n = strlen(s);
	struct buf folded;
	buf_init(&folded);
	/* One folded byte per map slot. Folding can grow a character well past 4 bytes
	 * (U+FDFA becomes 33), so the map grows with the folded text. */
	size_t cap = n + 16;
	size_t *map = xmalloc(cap * sizeof *map);
	size_t i = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0)
			k = 1;
		char one[8] = {0};
		memcpy(one, s + i, (size_t)k < 7 ? (size_t)k : 7);
		char *f = fold_text(one);
		size_t fl = strlen(f);
		if (folded.len + fl + 1 > cap) {
			cap = 2 * (folded.len + fl + 1);
			map = xrealloc(map, cap * sizeof *map);
		}
		for (size_t j = 0; j < fl; j++)
			map[folded.len + j] = i;
		buf_puts(&folded, f);
		free(f);
		i += (size_t)k;
	}
	map[folded.len] = n;
	int count = 0;
	const char *hay = folded.data ? folded.data : "";
	size_t nl = strlen(needle);
	for (const char *h = strstr(hay, needle); h && count < max; h = strstr(h + nl, needle)) {
		size_t fs = (size_t)(h - hay), fe = fs + nl;
		starts[count] = map[fs];
		/* The end is the start of the first character past the match. */
		size_t e = fe < folded.len ? map[fe] : n;
		if (e <= starts[count])
			e = n;
		ends[count++] = e;
	}
	free(map);
	buf_free(&folded);
	return count;
}
