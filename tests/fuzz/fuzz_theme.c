/* fuzz_theme: a theme file as any bytes through theme_parse_n, then the pure colour plan
 * for a few terminals (mono, 8, 256 with redefinable palette, direct colour). */
#include "tests/fuzz/common.h"
#include "tui/theme.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme t;
	char err[256] = "";
	bool ok = theme_parse_n((const char *)data, size, &t, err, sizeof err);
	if (!ok && !err[0])
		abort();
	if (memchr(err, '\0', sizeof err) == NULL)
		abort();
	static const struct theme_caps caps[] = {
	    {NULL, false, 0, 0, false, false, false},
	    {NULL, true, 8, 64, false, false, true},
	    {NULL, true, 256, 256, true, false, true},
	    {NULL, true, 1 << 24, 32767, false, true, true},
	};
	if (ok)
		for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
			struct theme_plan plan;
			theme_plan(&t, &caps[i], &plan);
		}
	return 0;
}
