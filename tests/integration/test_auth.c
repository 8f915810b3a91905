/* OAuth profiles against a real orgdeck-sim (HighQ dialect): requests wait for a token,
 * the refresh token buys one, a token about to expire is refreshed before use, and a
 * refresh token that no longer works asks for a person. */
#include "model/auth.h"
#include "model/model.h"
#include "model/sync.h"
#include "net/http.h"
#include "net/loop.h"
#include "net/xalloc.h"
#include "tests/support/simproc.h"
#include "tests/support/tsuite.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct model *open_model(const struct simproc *sp, char **db, const char *trace)
{
	char *dir = tsuite_tmpdir();
	*db = xasprintf("%s/orgdeck.db", dir);
	free(dir);
	struct model_opts o = {.config_path = sp->config_path,
			       .db_path = *db,
			       .profile = "highq-demo",
			       .trace_path = trace};
	char err[512] = "";
	struct model *m = model_open(&o, err, sizeof err);
	if (!m)
		fprintf(stderr, "model_open: %s\n", err);
	return m;
}

static bool sync_now(struct model *m)
{
	model_refresh(m);
	int64_t end = loop_now_ms() + 30000;
	while (loop_now_ms() < end) {
		if (m->sync && !sync_progress(m->sync)->running)
			return true;
		loop_run_once(m->loop, 100);
	}
	return false;
}

static int count_lines(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	int n = 0;
	char line[4096];
	while (f && fgets(line, sizeof line, f))
		n += strstr(line, needle) != NULL;
	if (f)
		fclose(f);
	return n;
}

TEST(integration_auth, token_close_to_expiry_is_refreshed_before_use)
{
	/* Tokens that live 62 s enter the 60 s refresh margin two seconds after issue. */
	setenv("ORGDECK_SIM_HIGHQ_TOKEN_TTL", "62", 1);
	struct simproc sp;
	const char *const args[] = {"--orgs", "120", "--dialects", "highq", NULL};
	CU_ASSERT_FATAL(simproc_start(&sp, args) == 0);
	unsetenv("ORGDECK_SIM_HIGHQ_TOKEN_TTL");
	char *trace = xasprintf("%s/trace", sp.dir);
	char *db;
	struct model *m = open_model(&sp, &db, trace);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_FATAL(sync_now(m));
	CU_ASSERT_STRING_EQUAL(sync_progress(m->sync)->error, "");
	CU_ASSERT_EQUAL(sync_progress(m->sync)->rows, 120);
	CU_ASSERT_EQUAL(count_lines(trace, "done POST"), 1);
	/* Let the token age past the margin (the event loop idles meanwhile). */
	int64_t until = loop_now_ms() + 2500;
	while (loop_now_ms() < until)
		loop_run_once(m->loop, 100);
	CU_ASSERT_FATAL(sync_now(m));
	CU_ASSERT_EQUAL(sync_progress(m->sync)->rows, 120);
	/* The second sync found the first token too close to expiry and refreshed first. */
	CU_ASSERT_EQUAL(count_lines(trace, "done POST"), 2);
	CU_ASSERT_EQUAL(count_lines(trace, "status=401"), 0);
	model_close(m);
	free(db);
	free(trace);
	simproc_stop(&sp);
}

TEST(integration_auth, spent_refresh_token_asks_for_a_person)
{
	struct simproc sp;
	const char *const args[] = {"--orgs", "10", "--dialects", "highq", NULL};
	CU_ASSERT_FATAL(simproc_start(&sp, args) == 0);
	char *db;
	struct model *m = open_model(&sp, &db, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	profile_set(m->profile, "refresh_token", "not-a-token-the-vendor-knows");
	CU_ASSERT_FATAL(sync_now(m));
	CU_ASSERT_FALSE(sync_progress(m->sync)->complete);
	CU_ASSERT(auth_needs_person(m->profile));
	CU_ASSERT_PTR_NOT_NULL(strstr(sync_progress(m->sync)->error, "HighQ"));
	CU_ASSERT_PTR_NULL(strstr(sync_progress(m->sync)->error, "not-a-token"));
	char *url = auth_authorize_url(m, m->profile);
	CU_ASSERT_PTR_NOT_NULL(url);
	CU_ASSERT_PTR_NOT_NULL(url ? strstr(url, "/authorize.action?") : NULL);
	free(url);
	model_close(m);
	free(db);
	simproc_stop(&sp);
}
