/* Inputs the fuzzers (tests/fuzz/) found crashing a parser, fed to the same function. Each
 * test is named after what broke; check-asan runs them under ASan and UBSan. */
#include "model/fold.h"
#include "net/buf.h"
#include "tests/support/tsuite.h"
#include "tui/text.h"

#include <stdlib.h>
#include <string.h>

/* fuzz_text: U+FDFA (3 bytes) folds to 33 bytes and U+3315 to 15; the offset map was sized
 * for 4 folded bytes per input byte and overflowed the heap. */
TEST(fuzz_regressions, find_folded_survives_characters_that_fold_past_four_bytes)
{
	static const char *const cases[] = {"\xEF\xB7\xBA", "\xE3\x8C\x95\xE3\x8C\x95\xE3\x8C\x95x"};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		const char *s = cases[c];
		char *needle = fold_text(s);
		CU_ASSERT(strlen(needle) > 4 * strlen(s));
		size_t starts[4], ends[4];
		int k = text_find_folded(s, needle, starts, ends, 4);
		CU_ASSERT_EQUAL(k, 1);
		CU_ASSERT_EQUAL(starts[0], 0);
		CU_ASSERT_EQUAL(ends[0], strlen(s));
		free(needle);
	}
	/* the crashing input itself, as fuzz_text saw it */
	size_t starts[16], ends[16];
	CU_ASSERT_EQUAL(text_find_folded("\xEF\xB7\xBA", "x", starts, ends, 16), 0);
}
