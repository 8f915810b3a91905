/* buf: a growable byte buffer, always NUL-terminated so it can be read as a string.
 * The struct owns .data; buf_free() releases it, buf_steal() hands it to the caller. */
#ifndef ORGDECK_BUF_H
#define ORGDECK_BUF_H
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* URL-encodes s (RFC 3986 unreserved kept) and appends it. */
void buf_put_urlenc(struct buf *b, const char *s);
char *buf_steal(struct buf *b);

#endif
