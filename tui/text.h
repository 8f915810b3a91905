/* text: the one sanitiser and width module every vendor string passes through before
 * curses sees it. Control characters (C0, DEL, C1), escape sequences and bidi/format
 * controls become visible, inert marks; invalid UTF-8 becomes U+FFFD; widths come from
 * libutf8proc and clipping never splits a character (wide CJK and emoji included).
 * In a non-UTF-8 locale everything outside ASCII is shown as '?'. */
#ifndef ORGDECK_TEXT_H
#define ORGDECK_TEXT_H
#include "net/buf.h"

#include <stdbool.h>
#include <stddef.h>

/* Call once after setlocale(): decides whether the terminal gets UTF-8. */
void text_init(void);
bool text_utf8(void);
/* Appends the sanitised form of s[0..n) to out. */
void text_sanitize(const char *s, size_t n, struct buf *out);
/* Display width (cells) of an already sanitised string. */
int text_width(const char *s);
/* Bytes of a sanitised s that fit in max cells, whole characters only; *cells gets their
 * width. */
size_t text_fit(const char *s, int max, int *cells);
/* Sanitises s, clips it to width cells (with "…" when cut) and pads with spaces to exactly
 * width cells when pad is set. Result appended to out. */
void text_cell(const char *s, int width, bool pad, struct buf *out);
/* Byte offsets in a sanitised s where each occurrence of the (folded) needle starts and
 * ends, for highlighting; returns the count (at most max). */
int text_find_folded(const char *s, const char *needle, size_t *starts, size_t *ends, int max);

#endif
