/* config: a QuestionPro profile may name its datacenter instead of a base_url. */
#include "model/config.h"
#include "net/xalloc.h"
#include "tests/support/tsuite.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool load(const char *body, struct config *cfg, char *err, size_t cap)
{
	char *dir = tsuite_tmpdir();
	char *path = xasprintf("%s/config.ini", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, body, strlen(body)) == (ssize_t)strlen(body));
	close(fd);
	bool ok = config_load(cfg, path, false, err, cap);
	free(path);
	free(dir);
	return ok;
}

TEST(config, questionpro_datacenter_fills_base_url)
{
	struct config cfg;
	char err[256] = "";
	CU_ASSERT_FATAL(load("[profile qp]\nvendor = questionpro\ndatacenter = eu\n"
			     "organization_id = 1\napi_key = k\n",
			     &cfg, err, sizeof err));
	CU_ASSERT_STRING_EQUAL(cfg.profiles[0].base_url, "https://api.questionpro.eu/a/api/v2");
	config_free(&cfg);
}

TEST(config, base_url_wins_over_datacenter)
{
	struct config cfg;
	char err[256] = "";
	CU_ASSERT_FATAL(load("[profile qp]\nvendor = questionpro\ndatacenter = eu\n"
			     "base_url = http://127.0.0.1:9/questionpro/a/api/v2/\napi_key = k\n",
			     &cfg, err, sizeof err));
	CU_ASSERT_STRING_EQUAL(cfg.profiles[0].base_url, "http://127.0.0.1:9/questionpro/a/api/v2");
	config_free(&cfg);
}

TEST(config, unknown_datacenter_is_refused_with_the_known_ones)
{
	struct config cfg;
	char err[256] = "";
	CU_ASSERT_FALSE(load("[profile qp]\nvendor = questionpro\ndatacenter = mars\napi_key = k\n",
			     &cfg, err, sizeof err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown datacenter 'mars'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "eu"));
	config_free(&cfg);
	CU_ASSERT_FALSE(load("[profile k]\nvendor = kaana\ndatacenter = eu\napi_key = k\n", &cfg,
			     err, sizeof err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "has no base_url"));
	config_free(&cfg);
}
