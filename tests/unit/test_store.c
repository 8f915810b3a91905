/* The store: round trips, migrations, windows, filter (folded, trigram and scan paths)
 * and sort, on real SQLite files. */
#include "model/store.h"
#include "net/xalloc.h"
#include "tests/support/tsuite.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *const colkeys[] = {"email", "phone", NULL};

static struct store *fresh(char **path)
{
	char *dir = tsuite_tmpdir();
	*path = xasprintf("%s/sub/dir/orgdeck.db", dir);
	free(dir);
	char err[256] = "";
	struct store *s = store_open(*path, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL(s);
	if (!s)
		fprintf(stderr, "store_open: %s\n", err);
	return s;
}

static void fill(struct store *s, const char *profile, int n, const char *const *names)
{
	struct record_list l = {0};
	for (int i = 0; i < n; i++) {
		struct record *r = record_list_push(&l);
		r->id = xasprintf("id%05d", i);
		r->name = names ? xstrdup(names[i]) : xasprintf("Org %05d", i);
		char *email = xasprintf("info%d@example.com", i);
		record_set(r, "email", email);
		free(email);
		record_set(r, "phone", NULL);
	}
	CU_ASSERT(store_put_page(s, profile, 0, &l, colkeys, 1000));
	record_list_free(&l);
}

TEST(store, round_trip_keeps_fields_labels_nulls_and_raw)
{
	char *path;
	struct store *s = fresh(&path);
	struct record r;
	record_init(&r);
	r.id = xstrdup("abc");
	r.name = xstrdup("Café Müller");
	r.version = xstrdup("2024-01-02T03:04:05Z");
	r.raw = xstrdup("{\"x\":1}");
	record_set(&r, "email", "a@b.c");
	record_set(&r, "phone", NULL);
	record_set_labelled(&r, "cf:1", "Tier", "Gold");
	CU_ASSERT(store_put_record(s, "p", &r, colkeys, 5));
	struct record back;
	CU_ASSERT_FATAL(store_get_record(s, "p", "abc", &back));
	CU_ASSERT_STRING_EQUAL(back.name, "Café Müller");
	CU_ASSERT_STRING_EQUAL(back.version, "2024-01-02T03:04:05Z");
	CU_ASSERT_STRING_EQUAL(back.raw, "{\"x\":1}");
	CU_ASSERT_STRING_EQUAL(record_get(&back, "email"), "a@b.c");
	CU_ASSERT(record_has(&back, "phone") && !record_get(&back, "phone"));
	CU_ASSERT_STRING_EQUAL(record_field(&back, "cf:1")->label, "Tier");
	CU_ASSERT_FALSE(store_get_record(s, "other", "abc", &r) && false);
	record_free(&back);
	record_free(&r);
	store_close(s);
	struct stat st;
	CU_ASSERT(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	free(path);
}

TEST(store, refuses_a_database_from_a_newer_version)
{
	char *path;
	struct store *s = fresh(&path);
	store_close(s);
	sqlite3 *db;
	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL);
	sqlite3_close(db);
	char err[256] = "";
	CU_ASSERT_PTR_NULL(store_open(path, err, sizeof err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "newer orgdeck"));
	free(path);
}

TEST(store, migrates_an_empty_file_forward_to_current_version)
{
	char *path;
	struct store *s = fresh(&path);
	sqlite3_stmt *q;
	sqlite3_prepare_v2(store_db(s), "PRAGMA user_version", -1, &q, NULL);
	CU_ASSERT_EQUAL(sqlite3_step(q), SQLITE_ROW);
	CU_ASSERT_EQUAL(sqlite3_column_int(q, 0), STORE_VERSION);
	sqlite3_finalize(q);
	sqlite3_prepare_v2(store_db(s), "PRAGMA journal_mode", -1, &q, NULL);
	sqlite3_step(q);
	CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	store_close(s);
	/* Reopening an up-to-date file runs no migration and keeps the data. */
	char err[256];
	s = store_open(path, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL(s);
	store_close(s);
	free(path);
}

TEST(store, windows_read_the_requested_slice_in_vendor_order)
{
	char *path;
	struct store *s = fresh(&path);
	fill(s, "p", 300, NULL);
	fill(s, "q", 5, NULL);
	struct store_query q = {.profile = "p", .sort_col = -1};
	CU_ASSERT_EQUAL(store_count(s, &q, 1000000), 300);
	struct store_row rows[10];
	int n = store_window(s, &q, 40, 10, rows);
	CU_ASSERT_EQUAL_FATAL(n, 10);
	CU_ASSERT_STRING_EQUAL(rows[0].id, "id00040");
	CU_ASSERT_STRING_EQUAL(rows[9].id, "id00049");
	CU_ASSERT_STRING_EQUAL(rows[0].cols[1], "info40@example.com");
	store_rows_free(rows, n);
	/* Past the middle the window is read backwards; the result must be the same. */
	n = store_window(s, &q, 295, 10, rows);
	CU_ASSERT_EQUAL_FATAL(n, 5);
	CU_ASSERT_STRING_EQUAL(rows[0].id, "id00295");
	CU_ASSERT_STRING_EQUAL(rows[4].id, "id00299");
	store_rows_free(rows, n);
	n = store_window(s, &q, 200, 3, rows);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_STRING_EQUAL(rows[0].id, "id00200");
	CU_ASSERT_STRING_EQUAL(rows[2].id, "id00202");
	store_rows_free(rows, n);
	store_close(s);
	free(path);
}

TEST(store, filter_folds_case_and_accents_on_both_paths)
{
	char *path;
	struct store *s = fresh(&path);
	const char *names[] = {"Café Müller", "CAFETERIA Ltd", "Straße AG", "北京科技", "Plain"};
	fill(s, "p", 5, names);
	struct store_query q = {.profile = "p", .sort_col = -1, .filter = "cafe"};
	CU_ASSERT_EQUAL(store_count(s, &q, 100), 2); /* trigram path (4 chars) */
	q.filter = "MÜL";
	CU_ASSERT_EQUAL(store_count(s, &q, 100), 1);
	q.filter = "ca"; /* under three characters: the ordered scan */
	CU_ASSERT_EQUAL(store_count(s, &q, 100), 2);
	q.filter = "strasse";
	CU_ASSERT_EQUAL(store_count(s, &q, 100), 1);
	q.filter = "科技";
	CU_ASSERT_EQUAL(store_count(s, &q, 100), 1);
	q.filter = "info3@";
	CU_ASSERT_EQUAL(store_count(s, &q, 100), 1); /* other list columns match too */
	q.filter = "zzz";
	CU_ASSERT_EQUAL(store_count(s, &q, 100), 0);
	q.filter = "100%";
	CU_ASSERT_EQUAL(store_count(s, &q, 100), 0); /* LIKE wildcards are literal */
	store_close(s);
	free(path);
}

TEST(store, common_filter_walks_the_index_and_keeps_order)
{
	char *path;
	struct store *s = fresh(&path);
	fill(s, "p", 5000, NULL); /* every name holds "org": far above the rare threshold */
	struct store_query q = {.profile = "p", .sort_col = -1, .filter = "org 0"};
	struct store_row rows[20];
	int n = store_window(s, &q, 0, 5, rows);
	CU_ASSERT_EQUAL_FATAL(n, 5);
	CU_ASSERT_STRING_EQUAL(rows[0].id, "id00000");
	CU_ASSERT_STRING_EQUAL(rows[4].id, "id00004");
	store_rows_free(rows, n);
	q.filter = "org 0499"; /* rare: trigram then sort */
	n = store_window(s, &q, 0, 20, rows);
	CU_ASSERT_EQUAL_FATAL(n, 10);
	store_rows_free(rows, n);
	store_close(s);
	free(path);
}

TEST(store, sort_by_column_both_ways)
{
	char *path;
	struct store *s = fresh(&path);
	const char *names[] = {"delta", "Alpha", "charlie", "Bravo"};
	fill(s, "p", 4, names);
	struct store_query q = {.profile = "p", .sort_col = 0};
	struct store_row rows[4];
	int n = store_window(s, &q, 0, 4, rows);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	CU_ASSERT_STRING_EQUAL(rows[0].cols[0], "Alpha");
	CU_ASSERT_STRING_EQUAL(rows[3].cols[0], "delta");
	store_rows_free(rows, n);
	q.desc = true;
	n = store_window(s, &q, 0, 4, rows);
	CU_ASSERT_STRING_EQUAL(rows[0].cols[0], "delta");
	CU_ASSERT_STRING_EQUAL(rows[3].cols[0], "Alpha");
	store_rows_free(rows, n);
	store_close(s);
	free(path);
}

TEST(store, prune_removes_rows_not_seen_since)
{
	char *path;
	struct store *s = fresh(&path);
	fill(s, "p", 10, NULL); /* fetched_at 1000 */
	struct record r;
	record_init(&r);
	r.id = xstrdup("id00003");
	r.name = xstrdup("seen again");
	store_put_record(s, "p", &r, colkeys, 2000);
	record_free(&r);
	CU_ASSERT_EQUAL(store_prune(s, "p", 1500), 9);
	struct store_query q = {.profile = "p", .sort_col = -1};
	CU_ASSERT_EQUAL(store_count(s, &q, 100), 1);
	store_close(s);
	free(path);
}

TEST(store, sync_progress_round_trips)
{
	char *path;
	struct store *s = fresh(&path);
	struct store_sync st = {.next_page = 7, .complete = false, .started = 11, .total = 900};
	store_sync_set(s, "p", &st);
	struct store_sync back;
	CU_ASSERT_FATAL(store_sync_get(s, "p", &back));
	CU_ASSERT_EQUAL(back.next_page, 7);
	CU_ASSERT_FALSE(back.complete);
	CU_ASSERT_EQUAL(back.total, 900);
	CU_ASSERT_FALSE(store_sync_get(s, "nope", &back));
	store_close(s);
	free(path);
}

/* Every window, however it is reached (stepping, paging back, jumping), shows the rows an
 * OFFSET query from the top would: keyset windows must not skip or repeat. */
static void check_windows_match(struct store *s, struct store *ref, struct store_query *q,
				long total)
{
	static const long steps[] = {0,	  1,   2,   3,	  40,	41,   81,   80,	  79,	    39, 0,
				     500, 501, 460, 2999, 2980, 1500, 1499, 1540, 3000 - 7, 0};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		long off = steps[i];
		struct store_row a[40], b[40];
		int na = store_window(s, q, off, 40, a);
		/* The reference: a second connection that jumps straight to each slice. */
		struct store_query copy = *q;
		char *f = xasprintf("%s", q->filter ? q->filter : "");
		copy.filter = f[0] ? f : NULL;
		store_forget_position(ref);
		int nb = store_window(ref, &copy, off, 40, b);
		long want = total - off < 40 ? total - off : 40;
		CU_ASSERT_EQUAL(na, want);
		CU_ASSERT_EQUAL(na, nb);
		for (int k = 0; k < na && k < nb; k++)
			if (strcmp(a[k].id, b[k].id)) {
				CU_FAIL("keyset window differs from the OFFSET window");
				fprintf(stderr, "offset %ld row %d: %s vs %s (sort %d desc %d)\n",
					off, k, a[k].id, b[k].id, q->sort_col, q->desc);
				break;
			}
		store_rows_free(a, na);
		store_rows_free(b, nb);
		free(f);
	}
}

TEST(store, keyset_windows_equal_offset_windows_in_every_order)
{
	char *path;
	struct store *s = fresh(&path);
	/* Names with ties and case differences, so the sort key alone is not unique. */
	struct record_list l = {0};
	for (int i = 0; i < 3000; i++) {
		struct record *r = record_list_push(&l);
		r->id = xasprintf("id%05d", i);
		r->name = xasprintf("%s %d", (i % 3) ? "beta" : "Alpha", i % 50);
		record_set(r, "email", i % 7 ? "x@y" : NULL);
	}
	CU_ASSERT(store_put_page(s, "p", 0, &l, colkeys, 1));
	record_list_free(&l);
	char err[256];
	struct store *ref = store_open(path, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
	for (int col = -1; col <= 1; col++)
		for (int desc = 0; desc < 2; desc++) {
			struct store_query q = {.profile = "p", .sort_col = col, .desc = desc};
			check_windows_match(s, ref, &q, 3000);
		}
	store_close(ref);
	store_close(s);
	free(path);
}

TEST(store, eviction_keeps_pending_edits_and_the_shown_list)
{
	char *path;
	struct store *s = fresh(&path);
	fill(s, "old", 3000, NULL); /* fetched_at 1000 */
	fill(s, "shown", 3000, NULL);
	/* An unfinished op on one old row: it must survive any cap. */
	sqlite3_exec(
	    store_db(s),
	    "INSERT INTO op(profile,kind,target,state) VALUES('old','update','id00007','pending')",
	    NULL, NULL, NULL);
	int64_t before = store_size_bytes(s);
	CU_ASSERT(before > 0);
	long n = store_evict(s, before / 2, "shown");
	CU_ASSERT(n > 0);
	CU_ASSERT(store_size_bytes(s) <= before / 2 || n == 2999);
	struct store_query q = {.profile = "shown", .sort_col = -1};
	CU_ASSERT_EQUAL(store_count(s, &q, 100000), 3000);
	struct record r;
	CU_ASSERT(store_get_record(s, "old", "id00007", &r));
	record_free(&r);
	/* Nothing to do under the cap. */
	CU_ASSERT_EQUAL(store_evict(s, before * 4, "shown"), 0);
	store_close(s);
	free(path);
}
