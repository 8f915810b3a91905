/* tsuite: CUnit tests that register themselves, so a test file needs no central list.
 *   TEST(store, round_trip_keeps_every_field) { CU_ASSERT_EQUAL(...); }
 * The runner (tests/support/main.c) groups tests by suite name; TEST_FILTER=substring
 * runs only the tests whose "suite/name" contains it. */
#ifndef ORGDECK_TSUITE_H
#define ORGDECK_TSUITE_H
#include <CUnit/CUnit.h>

void tsuite_add(const char *suite, const char *name, CU_TestFunc fn);

#define TEST(suite, name)                                                                          \
	static void suite##__##name(void);                                                         \
	__attribute__((constructor)) static void suite##__##name##__reg(void)                      \
	{                                                                                          \
		tsuite_add(#suite, #name, suite##__##name);                                        \
	}                                                                                          \
	static void suite##__##name(void)

/* A fresh temporary directory for one test (removed by tsuite at exit); caller frees. */
char *tsuite_tmpdir(void);
/* Path of a build product (orgdeck, orgdeck-sim) from $BUILD, default "build". Caller frees. */
char *tsuite_bin(const char *name);

#define CU_ASSERT_STRING_EQUAL_NN(a, b) CU_ASSERT((a) && (b) && strcmp((a), (b)) == 0)

#endif
