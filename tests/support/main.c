/* The CUnit runner shared by test-unit and test-integration. Prints CUnit's report, then
 * one line "RESULT passed=N failed=M" that tests/run adds up. */
#include "tests/support/tsuite.h"
#include "net/xalloc.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct entry {
	const char *suite, *name;
	CU_TestFunc fn;
};
static struct entry *entries;
static size_t n_entries, cap_entries;
static char *tmp_root;

void tsuite_add(const char *suite, const char *name, CU_TestFunc fn)
{
	if (n_entries == cap_entries) {
		cap_entries = cap_entries ? cap_entries * 2 : 64;
		entries = xrealloc(entries, cap_entries * sizeof *entries);
	}
	entries[n_entries++] = (struct entry){suite, name, fn};
}

char *tsuite_tmpdir(void)
{
	static int counter;
	if (!tmp_root) {
		char tpl[] = "/tmp/orgdeck-test-XXXXXX";
		if (!mkdtemp(tpl)) {
			perror("mkdtemp");
			exit(2);
		}
		tmp_root = xstrdup(tpl);
	}
	char *d = xasprintf("%s/t%d", tmp_root, ++counter);
	char *cmd = xasprintf("mkdir -p '%s'", d);
	if (system(cmd) != 0)
		exit(2);
	free(cmd);
	return d;
}

char *tsuite_bin(const char *name)
{
	const char *b = getenv("BUILD");
	return xasprintf("%s/%s", b && *b ? b : "build", name);
}

static int by_suite(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->suite, y->suite);
	return c ? c : (x < y ? -1 : 1);
}

int main(int argc, char **argv)
{
	const char *filter = getenv("TEST_FILTER");
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	qsort(entries, n_entries, sizeof *entries, by_suite);
	CU_pSuite suite = NULL;
	const char *cur = NULL;
	for (size_t i = 0; i < n_entries; i++) {
		char full[256];
		snprintf(full, sizeof full, "%s/%s", entries[i].suite, entries[i].name);
		if (filter && *filter && !strstr(full, filter))
			continue;
		if (!cur || strcmp(cur, entries[i].suite)) {
			suite = CU_add_suite(entries[i].suite, NULL, NULL);
			cur = entries[i].suite;
		}
		CU_add_test(suite, entries[i].name, entries[i].fn);
	}
	CU_basic_set_mode(getenv("TEST_VERBOSE") ? CU_BRM_VERBOSE : CU_BRM_NORMAL);
	CU_basic_run_tests();
	unsigned run = CU_get_number_of_tests_run(), failed = CU_get_number_of_tests_failed();
	printf("\nRESULT %s passed=%u failed=%u\n", argc > 0 ? argv[0] : "?", run - failed, failed);
	CU_cleanup_registry();
	free(entries);
	if (tmp_root && !getenv("TEST_KEEP")) {
		char *cmd = xasprintf("rm -rf '%s'", tmp_root);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmp_root);
		free(cmd);
	}
	free(tmp_root);
	return failed ? 1 : 0;
}
