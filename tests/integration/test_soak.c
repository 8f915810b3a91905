/* The fault soak: a full sync and 200 edits against orgdeck-sim answering with faults on
 * 20% of requests (500/503, 429, resets, truncated and HTML bodies, slow drips) plus
 * latency and jitter. Afterwards the store equals the simulator's state, every edit is on
 * the simulator exactly as made or shown failed with a reason, and nothing is lost. */
#include "model/model.h"
#include "model/outbox.h"
#include "model/sync.h"
#include "net/http.h"
#include "net/loop.h"
#include "net/xalloc.h"
#include "tests/support/simproc.h"
#include "tests/support/tsuite.h"

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <string.h>

#define EDITS 200

/* The simulator's own state: name of every ClinchPad organization, by id. */
static char *sim_name(sqlite3 *db, const char *id)
{
	sqlite3_stmt *q;
	char *name = NULL;
	if (sqlite3_prepare_v2(db,
			       "SELECT json_extract(doc,'$.name') FROM sim_org WHERE"
			       " dialect='clinchpad' AND id=?1",
			       -1, &q, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
		name = xstrdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return name;
}

static bool run_until(struct model *m, bool (*done)(struct model *), long ms)
{
	int64_t end = loop_now_ms() + ms;
	while (loop_now_ms() < end) {
		if (done(m))
			return true;
		loop_run_once(m->loop, 50);
	}
	return false;
}

static bool synced(struct model *m)
{
	return m->sync && !sync_progress(m->sync)->running;
}

static bool idle(struct model *m)
{
	return outbox_idle(m) && outbox_pending_count(m) == 0;
}

TEST(integration_soak, sync_and_200_edits_under_20_percent_faults)
{
	struct simproc sp;
	char *state = NULL;
	char *dir = tsuite_tmpdir();
	state = xasprintf("%s/sim.db", dir);
	char *simlog = xasprintf("%s/sim.log", dir);
	const char *args[] = {
	    "--orgs",
	    "600",
	    "--dialects",
	    "clinchpad",
	    "--state",
	    state,
	    "--log",
	    simlog,
	    "--latency-ms",
	    "5",
	    "--jitter-ms",
	    "15",
	    "--faults",
	    "500=0.04,503=0.03,429=0.03,reset=0.03,truncate=0.03,html=0.02,drip=0.02",
	    NULL};
	CU_ASSERT_FATAL(simproc_start(&sp, args) == 0);
	char *db = xasprintf("%s/orgdeck.db", dir);
	struct model_opts o = {.config_path = sp.config_path,
			       .db_path = db,
			       .profile = "clinchpad-demo",
			       .backoff_base_ms = 20};
	char err[256];
	struct model *m = model_open(&o, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);

	/* A sync that meets faults finishes with an error; refreshing again resumes it. */
	for (int round = 0; round < 10; round++) {
		model_refresh(m);
		CU_ASSERT_FATAL(run_until(m, synced, 60000));
		if (sync_progress(m->sync)->complete)
			break;
	}
	CU_ASSERT_FATAL(sync_progress(m->sync)->complete);
	struct store_query q = {.profile = "clinchpad-demo", .sort_col = -1};
	CU_ASSERT_EQUAL(store_count(m->store, &q, 100000), 600);

	/* 200 edits, one name each, distinct values. */
	struct store_row rows[EDITS];
	int n = store_window(m->store, &q, 0, EDITS, rows);
	CU_ASSERT_EQUAL_FATAL(n, EDITS);
	int64_t ids[EDITS];
	for (int i = 0; i < n; i++) {
		struct record ch;
		record_init(&ch);
		char *name = xasprintf("Soak %03d %s", i, rows[i].cols[0]);
		record_set(&ch, "name", name);
		ch.name = name;
		ids[i] = outbox_update(m, "clinchpad-demo", rows[i].id, &ch);
		CU_ASSERT(ids[i] > 0);
		record_free(&ch);
	}
	CU_ASSERT_FATAL(run_until(m, idle, 120000));

	/* Every edit ended: done and on the simulator, or failed/uncertain with a reason. */
	sqlite3 *sim;
	CU_ASSERT_FATAL(sqlite3_open_v2(state, &sim, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	int done = 0, failed = 0, lost = 0;
	for (int i = 0; i < n; i++) {
		struct op op;
		CU_ASSERT_FATAL(outbox_get(m, ids[i], &op));
		char *want = xasprintf("Soak %03d %s", i, rows[i].cols[0]);
		char *have = sim_name(sim, rows[i].id);
		if (op.state == OPS_DONE) {
			done++;
			if (!have || strcmp(have, want)) {
				lost++;
				fprintf(stderr, "edit %d done but the simulator has '%s'\n", i,
					have ? have : "?");
			}
		} else {
			failed++;
			if (!op.message || !op.message[0])
				lost++; /* a failure without a reason is as good as lost */
		}
		free(want);
		free(have);
		op_free(&op);
	}
	CU_ASSERT_EQUAL(lost, 0);
	CU_ASSERT(done >= EDITS * 9 / 10); /* faults hit 20% of requests; retries absorb them */

	/* The store equals the simulator: one more sync, then every name matches. */
	for (int round = 0; round < 10; round++) {
		model_refresh(m);
		CU_ASSERT_FATAL(run_until(m, synced, 60000));
		if (sync_progress(m->sync)->complete)
			break;
	}
	int differ = 0;
	struct store_row all[600];
	int na = store_window(m->store, &q, 0, 600, all);
	CU_ASSERT_EQUAL(na, 600);
	for (int i = 0; i < na; i++) {
		char *have = sim_name(sim, all[i].id);
		if (!have || strcmp(have, all[i].cols[0]))
			differ++;
		free(have);
	}
	CU_ASSERT_EQUAL(differ, 0);
	struct http_stats hs = http_stats(m->http);
	long faults = 0, logged = 0;
	FILE *lf = fopen(simlog, "r");
	char line[1024];
	while (lf && fgets(line, sizeof line, lf)) {
		logged++;
		faults += strstr(line, "fault=") != NULL;
	}
	if (lf)
		fclose(lf);
	CU_ASSERT(faults > 0); /* the faults really happened */
	fprintf(stderr,
		"soak: %ld requests (%ld at the simulator), %ld faults injected, %ld retries, "
		"%d edits done, %d failed, %d lost\n",
		hs.requests, logged, faults, hs.retries, done, failed, lost);
	free(simlog);
	store_rows_free(all, na);
	store_rows_free(rows, n);
	sqlite3_close(sim);
	model_close(m);
	free(db);
	free(state);
	free(dir);
	simproc_stop(&sp);
}
