/* fuzz_text: the sanitiser and width module (tui/text.c) and folding (model/fold.c).
 * Byte 0: bit 0 picks a UTF-8 or a C locale, the rest is a width (0-127 cells). The rest,
 * cut at its first NUL: a vendor string (which may hold NULs of its own through the
 * length-taking sanitiser) and a filter needle. Checks the module's own promises: the
 * sanitised text holds no control bytes, text_fit and text_cell never exceed the width,
 * and match offsets lie inside the string. */
#include "tests/fuzz/common.h"
#include "model/fold.h"
#include "net/buf.h"
#include "tui/text.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

static int locale_utf8 = -1;

static void use_locale(int utf8)
{
	if (utf8 == locale_utf8)
		return;
	setlocale(LC_CTYPE, utf8 ? "C.UTF-8" : "C");
	text_init();
	locale_utf8 = utf8;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	use_locale(data[0] & 1);
	int width = data[0] >> 1;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;

	struct buf clean;
	buf_init(&clean);
	text_sanitize(s, n, &clean);
	const char *c = clean.data ? clean.data : "";
	for (size_t i = 0; c[i]; i++)
		if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
			abort(); /* a control byte reached what curses would print */
	int total = text_width(c);
	int cells = -1;
	size_t fit = text_fit(c, width, &cells);
	if (fit > strlen(c) || cells > width || cells < 0 || total < 0)
		abort();

	const char *nul = memchr(s, '\0', n);
	char *hay = strndup(s, nul ? (size_t)(nul - s) : n);
	char *needle = nul ? strndup(nul + 1, n - (size_t)(nul - s) - 1) : strdup("");
	struct buf cell;
	buf_init(&cell);
	text_cell(hay, width, data[0] & 2, &cell);
	if (width > 0 && cell.data && text_width(cell.data) > width)
		abort();

	char *folded = fold_text(needle);
	size_t starts[16], ends[16];
	int k = text_find_folded(c, folded, starts, ends, 16);
	for (int i = 0; i < k; i++)
		if (starts[i] > ends[i] || ends[i] > strlen(c))
			abort();
	k = text_find_folded(c, needle, starts, ends, 16);
	for (int i = 0; i < k; i++)
		if (starts[i] > ends[i] || ends[i] > strlen(c))
			abort();
	char *valid = fold_valid_utf8(s, n);
	free(valid);
	free(folded);
	free(needle);
	free(hay);
	buf_free(&cell);
	buf_free(&clean);
	return 0;
}
