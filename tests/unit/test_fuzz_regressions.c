/* Inputs the fuzzers (tests/fuzz/) found crashing a parser, fed to the same function. Each
 * test is named after what broke; check-asan runs them under ASan and UBSan. */
#include "model/config.h"
#include "model/fold.h"
#include "model/vendor.h"
#include "model/vjson.h"
#include "net/buf.h"
#include "tests/support/tsuite.h"
#include "tui/text.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* fuzz_text: U+FDFA (3 bytes) folds to 33 bytes and U+3315 to 15; the offset map was sized
 * for 4 folded bytes per input byte and overflowed the heap. */
TEST(fuzz_regressions, find_folded_survives_characters_that_fold_past_four_bytes)
{
	static const char *const cases[] = {"\xEF\xB7\xBA",
					    "\xE3\x8C\x95\xE3\x8C\x95\xE3\x8C\x95x"};
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

static struct kv qp_kv[] = {{"organization_id", "1234567"}, {"api_key", "9f1c-secret-key"}};

static bool qp_members(const char *json, struct vpage *pg)
{
	struct profile p = {.name = "t",
			    .base_url = "https://api.questionpro.com/a/api/v2",
			    .kv = qp_kv,
			    .nkv = 2,
			    .vendor = vendor_find("questionpro")};
	struct vresp rs = {.status = 200, .body = json, .len = strlen(json)};
	struct record_list l = {0};
	struct verr e = {0};
	*pg = (struct vpage){.more = false, .total = -1};
	bool ok = p.vendor->members_parse(&p, &rs, &l, pg, &e);
	record_list_free(&l);
	return ok;
}

/* fuzz_vendor_questionpro: "totalItems": 7.77778e104 was cast to long long (undefined);
 * a number no integer holds is now no number at all. */
TEST(fuzz_regressions, questionpro_total_beyond_long_long_is_ignored)
{
	struct vpage pg;
	CU_ASSERT_FATAL(
	    qp_members("{\"response\":[],\"pagination\":{\"totalItems\":7.77778e104}}", &pg));
	CU_ASSERT_EQUAL(pg.total, -1);
	long long v = 7;
	cJSON *n = cJSON_CreateNumber(INFINITY);
	CU_ASSERT_FALSE(vj_long(n, &v));
	cJSON_SetNumberValue(n, NAN);
	CU_ASSERT_FALSE(vj_long(n, &v));
	cJSON_SetNumberValue(n, -9223372036854775808.0);
	CU_ASSERT(vj_long(n, &v) && v == LLONG_MIN);
	cJSON_SetNumberValue(n, 9223372036854775808.0);
	CU_ASSERT_FALSE(vj_long(n, &v));
	cJSON_Delete(n);
}

/* fuzz_vendor_questionpro: currentPage * perPage overflowed (4611686018427387904 * 4) and
 * wrapped to a page before the end, promising more pages that do not exist. */
TEST(fuzz_regressions, questionpro_huge_current_page_does_not_overflow_into_more)
{
	struct vpage pg;
	CU_ASSERT_FATAL(qp_members("{\"response\":[],\"pagination\":{\"currentPage\":"
				   "4611686018427387904,\"perPage\":4,\"totalItems\":5}}",
				   &pg));
	CU_ASSERT_FALSE(pg.more);
	/* the ordinary case still reads right: page 1 of 5 items at 2 a page has more */
	CU_ASSERT_FATAL(
	    qp_members("{\"response\":[{\"userID\":1,\"emailAddress\":\"a@b.c\"}],"
		       "\"pagination\":{\"currentPage\":1,\"perPage\":2,\"totalItems\":5}}",
		       &pg));
	CU_ASSERT(pg.more);
	CU_ASSERT_FATAL(
	    qp_members("{\"response\":[{\"userID\":1,\"emailAddress\":\"a@b.c\"}],"
		       "\"pagination\":{\"currentPage\":3,\"perPage\":2,\"totalItems\":5}}",
		       &pg));
	CU_ASSERT_FALSE(pg.more);
}
