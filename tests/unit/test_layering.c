/* The layers' promise: tui/ and net/ never name a vendor (quirks live in the driver and
 * its simulator dialect), and net/ never includes the model or the screen. Reads the
 * sources from the tree the tests run in. */
#include "model/vendor.h"
#include "net/buf.h"
#include "net/xalloc.h"
#include "tests/support/tsuite.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

static char *slurp_lower(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	struct buf b;
	buf_init(&b);
	int c;
	while ((c = fgetc(f)) != EOF)
		buf_putc(&b, (char)tolower(c));
	fclose(f);
	return buf_steal(&b);
}

/* Calls check(path, text) for every .c and .h file in dir; returns how many were read. */
static int each_source(const char *dir, void (*check)(const char *, const char *))
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 3 || (strcmp(e->d_name + len - 2, ".c") && strcmp(e->d_name + len - 2, ".h")))
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		char *text = slurp_lower(path);
		if (text) {
			check(path, text);
			n++;
		}
		free(text);
		free(path);
	}
	closedir(d);
	return n;
}

static void no_vendor_names(const char *path, const char *text)
{
	for (int i = 0; vendors[i]; i++) {
		if (strstr(text, vendors[i]->name)) {
			fprintf(stderr, "%s names the vendor %s\n", path, vendors[i]->name);
			CU_FAIL("a vendor is named outside its driver");
		}
	}
}

static void net_includes_no_upper_layer(const char *path, const char *text)
{
	if (strstr(text, "#include \"model/") || strstr(text, "#include \"tui/")) {
		fprintf(stderr, "%s includes a layer above net/\n", path);
		CU_FAIL("net/ depends on a layer above it");
	}
}

TEST(layering, tui_and_net_name_no_vendor)
{
	CU_ASSERT(each_source("tui", no_vendor_names) > 10);
	CU_ASSERT(each_source("net", no_vendor_names) > 4);
}

TEST(layering, net_depends_on_no_layer_above)
{
	CU_ASSERT(each_source("net", net_includes_no_upper_layer) > 4);
}
