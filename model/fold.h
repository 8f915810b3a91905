/* fold: text folded for matching: Unicode case folding and accents removed (libutf8proc),
 * so "cafe" finds "Café" and "STRASSE" finds "Straße". Invalid UTF-8 is replaced first. */
#ifndef ORGDECK_FOLD_H
#define ORGDECK_FOLD_H
#include <stddef.h>

/* Returns a malloc'd folded copy of s (never NULL). */
char *fold_text(const char *s);
/* Replaces invalid UTF-8 sequences with U+FFFD; returns a malloc'd copy. */
char *fold_valid_utf8(const char *s, size_t n);

#endif
