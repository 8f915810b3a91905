/* fold: see fold.h. */
#include "model/fold.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <string.h>
#include <utf8proc.h>

char *fold_valid_utf8(const char *s, size_t n)
{
	struct buf b;
	buf_init(&b);
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t i = 0;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0) {
			buf_puts(&b, "\xEF\xBF\xBD");
			i++;
			continue;
		}
		buf_add(&b, s + i, (size_t)k);
		i += (size_t)k;
	}
	return buf_steal(&b);
}

char *fold_text(const char *s)
{
	if (!s)
		return xstrdup("");
	char *valid = fold_valid_utf8(s, strlen(s));
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)valid, 0, &out,
					  UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
					      UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
					      UTF8PROC_IGNORE | UTF8PROC_COMPAT);
	if (n < 0 || !out) {
		free(out);
		return valid;
	}
	free(valid);
	char *r = xstrdup((const char *)out);
	free(out);
	return r;
}
