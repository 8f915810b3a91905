/* The Quorum driver against orgdeck-sim's quorum dialect over real HTTP: every list page up
 * to meta.total_count, each kind of server-side filter checked against the rows it returns,
 * get, a typed PATCH read back, the users of an organization, and the error sentences for a
 * wrong key, a missing organization, a refused filter or PATCH and a server fault. */
#include "model/config.h"
#include "model/vendor.h"
#include "net/xalloc.h"
#include "tests/support/simproc.h"
#include "tests/support/tsuite.h"
#include "tests/integration/sim_profile.h"
#include "tests/support/vexec.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NORGS 250

static struct simproc sp;
static struct profile *prof;

static void start(const char *const *extra)
{
	const char *argv[16] = {"--dialects", "quorum", "--orgs", "250"};
	int n = 4;
	for (int i = 0; extra && extra[i] && n < 15; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	CU_ASSERT_FATAL(simproc_start(&sp, argv) == 0);
	prof = sim_profile(&sp, "quorum-demo");
}

static void stop(void)
{
	sim_profile_free();
	prof = NULL;
	simproc_stop(&sp);
}

/* Lists every page of organizations matching q into out; returns the pages read, with the
 * last page's total in *total. Fails the test on any error answer. */
static long list_all(const struct vquery *q, struct record_list *out, long *total)
{
	long page = 0;
	*total = -1;
	for (;; page++) {
		struct vreq r;
		struct thttp http;
		CU_ASSERT_FATAL(prof->vendor->list_req(prof, q, page, &r));
		struct vresp rs = vexec(&r, &http);
		vreq_free(&r);
		if (rs.status != 200) {
			struct verr e = {0};
			prof->vendor->error_parse(prof, &rs, &e);
			fprintf(stderr, "\n  list: %s\n", e.msg);
		}
		CU_ASSERT_EQUAL_FATAL(rs.status, 200);
		struct vpage pg = {0};
		struct verr e = {0};
		CU_ASSERT_FATAL(prof->vendor->list_parse(prof, &rs, out, &pg, &e));
		thttp_free(&http);
		*total = pg.total;
		if (!pg.more || page > 50)
			break;
	}
	return page + 1;
}

static long count_where(const char *param, const char *value, struct record_list *out)
{
	struct vquery q = {.params = {{param, value}}, .nparams = 1};
	long total;
	list_all(&q, out, &total);
	CU_ASSERT_EQUAL(total, (long)out->n);
	return total;
}

/* The error sentence for the answer to r (which must not be a success). */
static struct verr error_of(struct vreq *r)
{
	struct thttp http;
	struct vresp rs = vexec(r, &http);
	vreq_free(r);
	struct verr e = {0};
	CU_ASSERT(rs.status < 200 || rs.status >= 300);
	prof->vendor->error_parse(prof, &rs, &e);
	thttp_free(&http);
	CU_ASSERT_PTR_NULL(strstr(e.msg, profile_get(prof, "api_key")));
	return e;
}

static bool get_org(const char *id, struct record *out)
{
	struct vreq r;
	struct thttp http;
	CU_ASSERT_FATAL(prof->vendor->get_req(prof, id, &r));
	struct vresp rs = vexec(&r, &http);
	vreq_free(&r);
	struct verr e = {0};
	bool ok = rs.status == 200 && prof->vendor->record_parse(prof, &rs, out, &e);
	thttp_free(&http);
	return ok;
}

/* ASCII-case-insensitive substring test; names with other letters are given the benefit
 * of the doubt (the vendor folds all of Unicode). */
static bool ascii_icontains(const char *h, const char *n)
{
	for (const char *c = h; *c; c++)
		if ((unsigned char)*c >= 0x80)
			return true;
	size_t hn = strlen(h), nn = strlen(n);
	for (size_t i = 0; i + nn <= hn; i++) {
		size_t k = 0;
		while (k < nn && tolower((unsigned char)h[i + k]) == tolower((unsigned char)n[k]))
			k++;
		if (k == nn)
			return true;
	}
	return false;
}

TEST(integration_quorum, list_reads_every_page_up_to_total_count)
{
	start(NULL);
	struct record_list l = {0};
	long total;
	long pages = list_all(NULL, &l, &total);
	CU_ASSERT_EQUAL(pages, 3); /* 250 organizations, 100 a page */
	CU_ASSERT_EQUAL(total, NORGS);
	CU_ASSERT_EQUAL(l.n, NORGS);
	for (size_t i = 0; i < l.n; i++) {
		CU_ASSERT(l.items[i].id && l.items[i].name && l.items[i].version);
		if (i)
			CU_ASSERT(strcmp(l.items[i].id, l.items[i - 1].id));
	}
	record_list_free(&l);
	stop();
}

TEST(integration_quorum, name_filters_return_only_matching_rows)
{
	start(NULL);
	struct record_list all = {0}, l = {0};
	long total;
	list_all(NULL, &all, &total);
	CU_ASSERT_FATAL(all.n == NORGS);

	count_where("name__icontains", "GROUP", &l);
	CU_ASSERT(l.n > 0 && l.n < all.n);
	for (size_t i = 0; i < l.n; i++)
		CU_ASSERT(ascii_icontains(l.items[i].name, "group"));
	record_list_free(&l);

	/* Two exact names, one with a comma-free space, through the multi-valued __in. */
	char *two = xasprintf("%s, %s", all.items[3].name, all.items[7].name);
	if (!strchr(all.items[3].name, ',') && !strchr(all.items[7].name, ',')) {
		count_where("name__in", two, &l);
		CU_ASSERT(l.n >= 2);
		for (size_t i = 0; i < l.n; i++)
			CU_ASSERT(!strcmp(l.items[i].name, all.items[3].name) ||
				  !strcmp(l.items[i].name, all.items[7].name));
		record_list_free(&l);
	}
	free(two);

	char prefix[4];
	snprintf(prefix, sizeof prefix, "%s", all.items[0].name);
	for (char *c = prefix; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	count_where("name__istartswith", prefix, &l);
	CU_ASSERT(l.n >= 1);
	for (size_t i = 0; i < l.n; i++)
		CU_ASSERT(strncasecmp(l.items[i].name, prefix, strlen(prefix)) == 0 ||
			  (unsigned char)l.items[i].name[0] >= 0x80);
	record_list_free(&l);

	count_where("id", all.items[5].id, &l);
	CU_ASSERT_EQUAL(l.n, 1);
	if (l.n == 1)
		CU_ASSERT_STRING_EQUAL(l.items[0].id, all.items[5].id);
	record_list_free(&l);
	record_list_free(&all);
	stop();
}

TEST(integration_quorum, number_bool_and_null_filters_split_the_list)
{
	start(NULL);
	struct record_list l = {0};
	long yes = count_where("archived", "yes", &l);
	for (size_t i = 0; i < l.n; i++)
		CU_ASSERT_STRING_EQUAL_NN(record_get(&l.items[i], "archived"), "true");
	record_list_free(&l);
	long no = count_where("archived", "false", &l);
	record_list_free(&l);
	CU_ASSERT(yes > 0 && no > 0);
	CU_ASSERT_EQUAL(yes + no, NORGS);

	long unset = count_where("email_limit__isnull", "true", &l);
	for (size_t i = 0; i < l.n; i++)
		CU_ASSERT_PTR_NULL(record_get(&l.items[i], "email_limit"));
	record_list_free(&l);
	long set = count_where("email_limit__gte", "0", &l);
	record_list_free(&l);
	CU_ASSERT_EQUAL(unset + set, NORGS);

	long big = count_where("email_limit__gte", "5000", &l);
	for (size_t i = 0; i < l.n; i++)
		CU_ASSERT(atol(record_get(&l.items[i], "email_limit")) >= 5000);
	record_list_free(&l);
	long small = count_where("email_limit__lt", "5000", &l);
	record_list_free(&l);
	CU_ASSERT_EQUAL(big + small, set);

	count_where("max_members__lte", "100", &l);
	for (size_t i = 0; i < l.n; i++)
		CU_ASSERT(atol(record_get(&l.items[i], "max_members")) <= 100);
	record_list_free(&l);
	long mm_unset = count_where("max_members__isnull", "1", &l);
	CU_ASSERT(mm_unset > 0);
	record_list_free(&l);

	/* Two filters at once are an AND. */
	struct vquery q = {.params = {{"archived", "false"}, {"email_limit__isnull", "true"}},
			   .nparams = 2};
	long both;
	list_all(&q, &l, &both);
	CU_ASSERT(both <= unset && both <= no);
	for (size_t i = 0; i < l.n; i++) {
		CU_ASSERT_STRING_EQUAL_NN(record_get(&l.items[i], "archived"), "false");
		CU_ASSERT_PTR_NULL(record_get(&l.items[i], "email_limit"));
	}
	record_list_free(&l);
	stop();
}

/* Whether the list text "1, 3" holds one of the ids in want (an array, -1 ended). */
static bool overlaps(const char *have, const long *want)
{
	for (const char *p = have; p && *p;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			return false;
		for (int i = 0; want[i] >= 0; i++)
			if (want[i] == v)
				return true;
		p = end;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return false;
}

TEST(integration_quorum, array_and_date_filters_match_their_rows)
{
	start(NULL);
	struct record_list l = {0};
	long n = count_where("cs_managers__overlaps", "1,2", &l);
	CU_ASSERT(n > 0 && n < NORGS);
	for (size_t i = 0; i < l.n; i++)
		CU_ASSERT(
		    overlaps(record_get(&l.items[i], "cs_managers"), (const long[]){1, 2, -1}));
	record_list_free(&l);

	n = count_where("partners__overlaps", "1, 2, 3, 4, 5, 6, 7, 8, 9, 10", &l);
	for (size_t i = 0; i < l.n; i++)
		CU_ASSERT(overlaps(record_get(&l.items[i], "partners"),
				   (const long[]){1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -1}));
	record_list_free(&l);

	struct record one;
	record_init(&one);
	CU_ASSERT_FATAL(get_org("1", &one));
	char year[5], month[3];
	snprintf(year, sizeof year, "%s", one.version);
	snprintf(month, sizeof month, "%s", one.version + 5);
	n = count_where("updated__year", year, &l);
	CU_ASSERT(n >= 1);
	for (size_t i = 0; i < l.n; i++)
		CU_ASSERT(!strncmp(l.items[i].version, year, 4));
	record_list_free(&l);
	struct vquery q = {.params = {{"updated__year", year}, {"updated__month", month}},
			   .nparams = 2};
	list_all(&q, &l, &n);
	CU_ASSERT(n >= 1);
	for (size_t i = 0; i < l.n; i++)
		CU_ASSERT(!strncmp(l.items[i].version + 5, month, 2));
	record_list_free(&l);
	record_free(&one);
	stop();
}

TEST(integration_quorum, get_returns_the_whole_object)
{
	start(NULL);
	struct record r;
	record_init(&r);
	CU_ASSERT_FATAL(get_org("42", &r));
	CU_ASSERT_STRING_EQUAL(r.id, "42");
	CU_ASSERT_STRING_EQUAL_NN(r.version, record_get(&r, "updated"));
	/* Every schema field came back (the dialect renders the seed's whole object). */
	for (size_t i = 0; i < prof->vendor->nfields; i++)
		CU_ASSERT(record_has(&r, prof->vendor->fields[i].key));
	record_free(&r);
	stop();
}

TEST(integration_quorum, patch_sends_typed_changes_and_get_shows_them)
{
	start(NULL);
	struct record base, ch, echoed, after;
	record_init(&base);
	record_init(&ch);
	record_init(&echoed);
	record_init(&after);
	CU_ASSERT_FATAL(get_org("7", &base));
	bool was_archived = !strcmp(record_get(&base, "archived"), "true");
	record_set(&ch, "name", "Renamed – Çarşı Policy Group");
	record_set(&ch, "max_members", "321");
	record_set(&ch, "email_limit", "");
	record_set(&ch, "archived", was_archived ? "false" : "true");
	record_set(&ch, "qp_states", "4, 9");
	record_set(&ch, "allowed_domains", "example.org, example.net");
	record_set(&ch, "outbox_domain_dict", "{\"mail.example.org\": \"verified\"}");
	record_set(&ch, "trial_expiration", "2031-01-02T03:04:05Z");
	struct vreq r;
	struct thttp http;
	CU_ASSERT_FATAL(prof->vendor->update_req(prof, &base, &ch, &r));
	struct vresp rs = vexec(&r, &http);
	vreq_free(&r);
	struct verr e = {0};
	if (rs.status != 200) {
		prof->vendor->error_parse(prof, &rs, &e);
		fprintf(stderr, "\n  patch: %s\n", e.msg);
	}
	CU_ASSERT_EQUAL(rs.status, 200);
	CU_ASSERT(prof->vendor->record_parse(prof, &rs, &echoed, &e));
	thttp_free(&http);
	CU_ASSERT_STRING_EQUAL_NN(echoed.name, "Renamed – Çarşı Policy Group");

	CU_ASSERT_FATAL(get_org("7", &after));
	CU_ASSERT_STRING_EQUAL_NN(after.name, "Renamed – Çarşı Policy Group");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&after, "max_members"), "321");
	CU_ASSERT(record_has(&after, "email_limit") && !record_get(&after, "email_limit"));
	CU_ASSERT_STRING_EQUAL_NN(record_get(&after, "archived"), was_archived ? "false" : "true");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&after, "qp_states"), "4, 9");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&after, "allowed_domains"),
				  "example.org, example.net");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&after, "outbox_domain_dict"),
				  "{\"mail.example.org\":\"verified\"}");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&after, "trial_expiration"), "2031-01-02T03:04:05Z");
	/* Untouched fields stay, and the version moved on. */
	CU_ASSERT_STRING_EQUAL_NN(record_get(&after, "subdomain"), record_get(&base, "subdomain"));
	CU_ASSERT(after.version && base.version && strcmp(after.version, base.version) > 0);

	/* The vendor's own words when it refuses a value. */
	record_free(&ch);
	record_init(&ch);
	record_set(&ch, "cs_managers", "99");
	CU_ASSERT_FATAL(prof->vendor->update_req(prof, &after, &ch, &r));
	e = error_of(&r);
	CU_ASSERT_EQUAL(e.kind, VERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "not a customer success manager"));
	record_set(&ch, "cs_managers", "2");
	record_set(&ch, "max_members", "lots");
	CU_ASSERT_FATAL(prof->vendor->update_req(prof, &after, &ch, &r));
	e = error_of(&r);
	CU_ASSERT_EQUAL(e.kind, VERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "max_members"));
	record_free(&base);
	record_free(&ch);
	record_free(&echoed);
	record_free(&after);
	stop();
}

TEST(integration_quorum, members_are_the_organizations_users)
{
	start(NULL);
	struct record_list l = {0};
	long total = -1;
	for (long page = 0;; page++) {
		struct vreq r;
		struct thttp http;
		CU_ASSERT_FATAL(prof->vendor->members_req(prof, "1", page, &r));
		struct vresp rs = vexec(&r, &http);
		vreq_free(&r);
		CU_ASSERT_EQUAL_FATAL(rs.status, 200);
		struct vpage pg = {0};
		struct verr e = {0};
		CU_ASSERT_FATAL(prof->vendor->members_parse(prof, &rs, &l, &pg, &e));
		thttp_free(&http);
		total = pg.total;
		if (!pg.more || page > 10)
			break;
	}
	CU_ASSERT(l.n >= 1);
	CU_ASSERT_EQUAL(total, (long)l.n);
	for (size_t i = 0; i < l.n; i++) {
		CU_ASSERT(l.items[i].id && l.items[i].name && l.items[i].name[0]);
		CU_ASSERT_PTR_NOT_NULL(record_get(&l.items[i], "email"));
		CU_ASSERT(strstr(l.items[i].raw, "/organization/1/") != NULL);
	}
	record_list_free(&l);
	stop();
}

TEST(integration_quorum, wrong_key_says_check_username_and_api_key)
{
	start(NULL);
	profile_set(prof, "api_key", "wrong-key-123");
	struct vreq r;
	CU_ASSERT_FATAL(prof->vendor->list_req(prof, NULL, 0, &r));
	struct verr e = error_of(&r);
	CU_ASSERT_EQUAL(e.kind, VERR_AUTH);
	CU_ASSERT_EQUAL(e.status, 401);
	CU_ASSERT(strncmp(e.msg, "Quorum: authorization failed, check username and api_key", 56) ==
		  0);
	CU_ASSERT_PTR_NULL(strstr(e.msg, "wrong-key-123"));
	stop();
}

TEST(integration_quorum, missing_organization_and_bad_filter_are_explained)
{
	start(NULL);
	struct vreq r;
	CU_ASSERT_FATAL(prof->vendor->get_req(prof, "99999", &r));
	struct verr e = error_of(&r);
	CU_ASSERT_EQUAL(e.kind, VERR_NOT_FOUND);
	CU_ASSERT_EQUAL(e.status, 404);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "not found"));

	struct vquery q = {.params = {{"email_limit__gte", "plenty"}}, .nparams = 1};
	CU_ASSERT_FATAL(prof->vendor->list_req(prof, &q, 0, &r));
	e = error_of(&r);
	CU_ASSERT_EQUAL(e.kind, VERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "mismatched type"));
	stop();
}

TEST(integration_quorum, server_faults_become_sentences)
{
	const char *const f500[] = {"--faults", "500=1", NULL};
	start(f500);
	struct vreq r;
	CU_ASSERT_FATAL(prof->vendor->list_req(prof, NULL, 0, &r));
	struct verr e = error_of(&r);
	CU_ASSERT_EQUAL(e.kind, VERR_SERVER);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "could not be processed"));
	stop();
	const char *const html[] = {"--faults", "html=1", NULL};
	start(html);
	CU_ASSERT_FATAL(prof->vendor->get_req(prof, "1", &r));
	e = error_of(&r);
	CU_ASSERT_EQUAL(e.kind, VERR_SERVER);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "502 Bad Gateway"));
	stop();
}
