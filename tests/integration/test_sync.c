/* orgdeck's sync against a real orgdeck-sim on 127.0.0.1 (port 0): pages arrive in
 * parallel, land in a real SQLite file, and an interrupted sync resumes. */
#include "model/model.h"
#include "model/sync.h"
#include "net/http.h"
#include "net/loop.h"
#include "net/xalloc.h"
#include "tests/support/simproc.h"
#include "tests/support/tsuite.h"

#include <sqlite3.h>
#include <string.h>

static struct model *open_model(const struct simproc *sp, const char *profile, char **db)
{
	char *dir = tsuite_tmpdir();
	*db = xasprintf("%s/orgdeck.db", dir);
	free(dir);
	struct model_opts o = {.config_path = sp->config_path, .db_path = *db, .profile = profile};
	char err[512] = "";
	struct model *m = model_open(&o, err, sizeof err);
	if (!m)
		fprintf(stderr, "model_open: %s\n", err);
	return m;
}

static bool run_until_synced(struct model *m, long deadline_ms)
{
	int64_t end = loop_now_ms() + deadline_ms;
	while (loop_now_ms() < end) {
		if (m->sync && !sync_progress(m->sync)->running)
			return true;
		loop_run_once(m->loop, 100);
	}
	return false;
}

TEST(integration_sync, clinchpad_list_lands_in_the_store)
{
	struct simproc sp;
	const char *const args[] = {"--orgs", "537", "--dialects", "clinchpad", NULL};
	CU_ASSERT_FATAL(simproc_start(&sp, args) == 0);
	char *db;
	struct model *m = open_model(&sp, "clinchpad-demo", &db);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	model_refresh(m);
	CU_ASSERT_FATAL(run_until_synced(m, 30000));
	const struct sync_progress *pr = sync_progress(m->sync);
	CU_ASSERT_STRING_EQUAL(pr->error, "");
	CU_ASSERT(pr->complete);
	CU_ASSERT_EQUAL(pr->rows, 537);
	struct store_query q = {.profile = "clinchpad-demo", .sort_col = -1};
	CU_ASSERT_EQUAL(store_count(m->store, &q, 1000000), 537);
	/* The first and last rows are the simulator's first and last, in order. */
	struct store_row rows[2];
	CU_ASSERT_EQUAL(store_window(m->store, &q, 0, 1, rows), 1);
	CU_ASSERT_EQUAL(strlen(rows[0].id), 24);
	store_rows_free(rows, 1);
	CU_ASSERT(http_stats(m->http).requests >= 6); /* 537 rows at 100 a page, and the end */
	model_close(m);
	free(db);
	simproc_stop(&sp);
}

TEST(integration_sync, wrong_key_is_reported_not_stored)
{
	struct simproc sp;
	const char *const args[] = {"--orgs", "10", "--dialects", "clinchpad", NULL};
	CU_ASSERT_FATAL(simproc_start(&sp, args) == 0);
	char *db;
	struct model *m = open_model(&sp, "clinchpad-demo", &db);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	profile_set(m->profile, "api_key", "not-the-key");
	model_refresh(m);
	CU_ASSERT_FATAL(run_until_synced(m, 30000));
	const struct sync_progress *pr = sync_progress(m->sync);
	CU_ASSERT_FALSE(pr->complete);
	CU_ASSERT_PTR_NOT_NULL(strstr(pr->error, "ClinchPad: authorization failed, check api_key"));
	CU_ASSERT_PTR_NULL(strstr(pr->error, "not-the-key"));
	struct store_query q = {.profile = "clinchpad-demo", .sort_col = -1};
	CU_ASSERT_EQUAL(store_count(m->store, &q, 100), 0);
	model_close(m);
	free(db);
	simproc_stop(&sp);
}

TEST(integration_sync, interrupted_sync_resumes_where_it_stopped)
{
	struct simproc sp;
	const char *const args[] = {"--orgs",	    "1000", "--dialects", "clinchpad",
				    "--latency-ms", "30",   NULL};
	CU_ASSERT_FATAL(simproc_start(&sp, args) == 0);
	char *db;
	struct model *m = open_model(&sp, "clinchpad-demo", &db);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	model_refresh(m);
	/* Let the first three pages land in order, then stop as a quit would. */
	int64_t end = loop_now_ms() + 20000;
	struct store_sync mid = {0};
	while (store_sync_get(m->store, "clinchpad-demo", &mid) && mid.next_page < 3 &&
	       loop_now_ms() < end)
		loop_run_once(m->loop, 50);
	long first_rows = sync_progress(m->sync)->rows;
	CU_ASSERT(first_rows >= 300 && first_rows < 1000);
	model_close(m);

	struct model_opts o = {
	    .config_path = sp.config_path, .db_path = db, .profile = "clinchpad-demo"};
	char err[256];
	m = model_open(&o, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	struct store_sync st;
	CU_ASSERT(store_sync_get(m->store, "clinchpad-demo", &st));
	CU_ASSERT_FALSE(st.complete);
	CU_ASSERT(st.next_page >= 3);
	model_refresh(m);
	CU_ASSERT_FATAL(run_until_synced(m, 30000));
	const struct sync_progress *pr = sync_progress(m->sync);
	CU_ASSERT(pr->complete);
	/* The second run fetched only what the first had not stored. */
	CU_ASSERT(pr->rows <= 1000 - st.next_page * 100);
	struct store_query q = {.profile = "clinchpad-demo", .sort_col = -1};
	CU_ASSERT_EQUAL(store_count(m->store, &q, 1000000), 1000);
	model_close(m);
	free(db);
	simproc_stop(&sp);
}
