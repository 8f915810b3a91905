/* fuzz_config: config.ini as any bytes. The input is written to a temporary file and read
 * with config_load (libinih underneath, as orgdeck reads it), then its [keys] section goes
 * through keymap_init, which parses every key name with key_parse.
 * api_key_command and friends run a shell command; linked with -Wl,--wrap=popen,--wrap=pclose
 * so the fuzzer reaches that code without ever running what it wrote. */
#include "tests/fuzz/common.h"
#include "model/config.h"
#include "tui/keymap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];

FILE *__wrap_popen(const char *cmd, const char *mode);
int __wrap_pclose(FILE *f);

/* Every "command" prints the same two lines; config keeps the first. */
FILE *__wrap_popen(const char *cmd, const char *mode)
{
	static char out[] = "demo-secret-from-command\nsecond line\n";
	(void)cmd, (void)mode;
	return fmemopen(out, sizeof out - 1, "r");
}

int __wrap_pclose(FILE *f)
{
	fclose(f);
	return 0;
}

static void remove_file(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	snprintf(path, sizeof path, "/tmp/orgdeck-fuzz-config-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		abort();
	close(fd);
	atexit(remove_file);
	/* api_key_env = FUZZ_KEY resolves; other names are unset and fail cleanly */
	setenv("FUZZ_KEY", "demo-key-from-env", 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	struct config cfg;
	char err[512] = "";
	bool ok = config_load(&cfg, path, true, err, sizeof err);
	if (!ok && !err[0])
		abort(); /* a failure always says why */
	char kerr[256] = "";
	if (!keymap_init(cfg.keys, cfg.nkeys, kerr, sizeof kerr) && !kerr[0])
		abort();
	for (size_t i = 0; i < cfg.nprofiles; i++) {
		const char *secrets[16];
		profile_secrets(&cfg.profiles[i], secrets, 16);
	}
	for (size_t i = 0; i < cfg.nkeys; i++) {
		char name[32];
		int k = key_parse(cfg.keys[i].value);
		if (k >= 0)
			keyname_of(k, name, sizeof name);
	}
	config_free(&cfg);
	return 0;
}
