/* xalloc: allocation wrappers that abort with a message on out-of-memory.
 * Every module allocates through these, so no caller checks for NULL.
 * Ownership: the caller owns what is returned and frees it with free(). */
#ifndef ORGDECK_XALLOC_H
#define ORGDECK_XALLOC_H
#include <stddef.h>
#include <stdlib.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Formatted allocation; the result is always NUL-terminated. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
