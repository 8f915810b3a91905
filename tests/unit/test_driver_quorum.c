/* The Quorum driver on seed 000's own organization sample, the requests it builds (query
 * credentials, limit/offset, Django-style filters, typed PATCH with a trailing slash) and
 * its error sentences. */
#include "model/config.h"
#include "model/vendor.h"
#include "tests/support/tsuite.h"
#include "tests/support/vexec.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seed 000's response sample for GET /api/organization/{id}/, as JSON: the seed renders
 * it with bullets and folded empty arrays, which are dropped here and nothing else. */
static const char seed_org[] =
    "{\"_extra\": {}, \"account_type\": 1, \"active_client\": true, \"administrators\": null, "
    "\"agreed_to_texting_user\": \"/api/user/1/\", \"allowed_domains\": [], "
    "\"allowed_user_domains\": [], \"archived\": true, \"auto_enrich_supporters\": true, "
    "\"can_see_partners_users\": true, \"can_use_independent_campaigns\": true, "
    "\"created\": \"2019-08-24T14:15:22Z\", \"cs_managers\": [], "
    "\"cs_managers_usernames\": \"string\", \"custom_alert_orderings\": {}, "
    "\"custom_session_timeout\": 0, \"date_archived\": \"2019-08-24T14:15:22Z\", "
    "\"datetime_agreed_to_texting\": \"2019-08-24T14:15:22Z\", \"default_domain\": \"string\", "
    "\"default_forward_recipient\": \"/api/user/1/\", \"deliver_supporter_messages\": true, "
    "\"email_limit\": 0, \"email_limit_percentage\": 0, \"i360_organization\": true, "
    "\"i360_organization_and_quorum_client\": true, \"id\": 0, "
    "\"internal_interaction_types\": [], \"internal_relationship_types\": [], "
    "\"ip_addresses\": [], \"is_approved\": true, \"limit_to_cs_managers\": true, "
    "\"lower_tier_bound\": 0, \"max_contacts\": 0, \"max_csv_size\": 0, "
    "\"max_email_alerts\": 0, \"max_members\": 0, \"max_projects\": 0, "
    "\"max_social_accounts\": 0, \"name\": \"string\", "
    "\"outbox_domain_dict\": {}, \"pad_unique_identifier\": true, \"partner_names\": null, "
    "\"partners\": [], \"phone_numbers\": \"/api/phonenumber/1/\", \"qp_action_center\": true, "
    "\"qp_consultants\": true, \"qp_contacts_documents\": true, \"qp_custom_contacts\": true, "
    "\"qp_custom_data\": true, \"qp_custom_events\": true, \"qp_custom_outbox\": true, "
    "\"qp_custom_permissions\": true, \"qp_eu\": true, \"qp_executives\": [], "
    "\"qp_external_interactions\": true, \"qp_external_relationship\": true, "
    "\"qp_federal\": true, \"qp_grassroots\": [], \"qp_internal_relationship\": true, "
    "\"qp_international\": [], \"qp_legislation_page\": true, \"qp_legislative_data\": [], "
    "\"qp_legislative_profiles\": [], \"qp_legislators\": [], \"qp_live_chat\": true, "
    "\"qp_local\": [], \"qp_local_agendas\": true, \"qp_media_monitoring\": [], "
    "\"qp_media_relations\": [], \"qp_official_documents\": [], \"qp_officials_outbox\": true, "
    "\"qp_pac\": true, \"qp_project_management\": true, \"qp_regulations\": [], "
    "\"qp_staffers\": [], \"qp_stakeholder\": true, \"qp_states\": [], "
    "\"qp_unique_ids_in_downloads\": true, \"require_issue_on_interaction\": true, "
    "\"require_issue_on_outbox\": true, \"resource_uri\": \"string\", "
    "\"share_all_custom_regions\": true, "
    "\"should_display_grassroots_registration_actions\": true, "
    "\"should_limit_editing_notes_to_admins_and_creators\": true, "
    "\"should_org_admin_see_all_org_data\": true, "
    "\"should_share_with_partners_by_default\": true, "
    "\"should_show_only_users_on_teams\": true, \"sms_limit\": 0, "
    "\"sms_messages_toward_limit\": 0, \"sso_enabled_for_all_users\": true, "
    "\"sso_profiles\": \"/api/ssoprofile/1/\", \"subdomain\": \"string\", "
    "\"trial_expiration\": \"2019-08-24T14:15:22Z\", \"updated\": \"2019-08-24T14:15:22Z\", "
    "\"upper_tier_bound\": 0, \"zapier_token\": \"string\"}";

#define BASE "https://www.quorum.us/api"
#define CREDS "username=demo&api_key=k3y-secret"

static struct kv test_kv[] = {{"username", "demo"}, {"api_key", "k3y-secret"}};

static struct profile test_profile(void)
{
	struct profile p = {.name = "t", .base_url = BASE, .kv = test_kv, .nkv = 2};
	p.vendor = vendor_find("quorum");
	return p;
}

/* The seed object inside a Tastypie list answer. */
static char *list_of_seed(const char *meta)
{
	size_t n = strlen(seed_org) + strlen(meta) + 64;
	char *s = malloc(n);
	snprintf(s, n, "{\"meta\": %s, \"objects\": [%s]}", meta, seed_org);
	return s;
}

TEST(driver_quorum, seed_organization_parses_into_every_schema_field)
{
	struct profile p = test_profile();
	struct record r;
	record_init(&r);
	struct verr e = {0};
	struct vresp rs = vresp_text(seed_org, 200);
	CU_ASSERT_FATAL(p.vendor->record_parse(&p, &rs, &r, &e));
	CU_ASSERT_STRING_EQUAL(r.id, "0");
	CU_ASSERT_STRING_EQUAL(r.name, "string");
	CU_ASSERT_STRING_EQUAL_NN(r.version, "2019-08-24T14:15:22Z");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "archived"), "true");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "account_type"), "1");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "max_members"), "0");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "agreed_to_texting_user"), "/api/user/1/");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "qp_states"), "");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&r, "_extra"), "{}");
	CU_ASSERT(record_has(&r, "administrators") && !record_get(&r, "administrators"));
	CU_ASSERT(record_has(&r, "partner_names") && !record_get(&r, "partner_names"));
	CU_ASSERT_PTR_NOT_NULL(r.raw);

	/* Every key of the seed's object has a schema field, and every field was filled. */
	cJSON *j = cJSON_Parse(seed_org);
	CU_ASSERT_FATAL(j != NULL);
	const cJSON *f;
	int n = 0;
	cJSON_ArrayForEach(f, j)
	{
		n++;
		if (!vendor_field(p.vendor, f->string))
			CU_FAIL("seed key without a schema field");
		CU_ASSERT(record_has(&r, f->string));
	}
	cJSON_Delete(j);
	CU_ASSERT_EQUAL(n, 96);
	CU_ASSERT_EQUAL(p.vendor->nfields, 96);
	record_free(&r);
}

TEST(driver_quorum, schema_marks_editable_fields_and_secretlike_token)
{
	const struct vendor *v = vendor_find("quorum");
	static const char *const editable[] = {
	    "name",	   "archived", "max_members", "email_limit",
	    "cs_managers", "qp_pac",   "qp_states",   "should_org_admin_see_all_org_data",
	    NULL};
	static const char *const readonly[] = {"id",
					       "created",
					       "updated",
					       "resource_uri",
					       "cs_managers_usernames",
					       "_extra",
					       "zapier_token",
					       "i360_organization_and_quorum_client",
					       NULL};
	for (int i = 0; editable[i]; i++)
		CU_ASSERT(vendor_field(v, editable[i])->flags & FS_EDITABLE);
	for (int i = 0; readonly[i]; i++)
		CU_ASSERT_FALSE(vendor_field(v, readonly[i])->flags & FS_EDITABLE);
	CU_ASSERT(vendor_field(v, "zapier_token")->flags & FS_SECRETLIKE);
	CU_ASSERT_EQUAL(vendor_field(v, "max_members")->type, FT_INT);
	CU_ASSERT_EQUAL(vendor_field(v, "archived")->type, FT_BOOL);
	CU_ASSERT_STRING_EQUAL(vendor_field(v, "qp_pac")->group, "Products");
	CU_ASSERT_STRING_EQUAL(vendor_field(v, "qp_states")->group, "Coverage");
	CU_ASSERT(vendor_field(v, "name")->flags & FS_COLUMN);
	CU_ASSERT_EQUAL(v->caps, VCAP_LIST | VCAP_GET | VCAP_UPDATE | VCAP_MEMBERS | VCAP_FILTERS);
	CU_ASSERT_STRING_EQUAL(v->secret_keys[0], "api_key");
}

TEST(driver_quorum, filter_table_has_every_seed_filter_and_qualifier)
{
	const struct vendor *v = vendor_find("quorum");
	static const char *const seed[] = {"archived",
					   "cs_managers__overlaps",
					   "email_limit__in",
					   "email_limit__gt",
					   "email_limit__gte",
					   "email_limit__lt",
					   "email_limit__lte",
					   "email_limit__isnull",
					   "id",
					   "max_members__in",
					   "max_members__gt",
					   "max_members__gte",
					   "max_members__lt",
					   "max_members__lte",
					   "max_members__isnull",
					   "name__in",
					   "name__contains",
					   "name__icontains",
					   "name__startswith",
					   "name__istartswith",
					   "name__endswith",
					   "name__iendswith",
					   "name__iexact",
					   "partners__overlaps",
					   "updated__year",
					   "updated__month",
					   "updated__day",
					   NULL};
	for (int i = 0; seed[i]; i++) {
		const struct filter_spec *f = NULL;
		for (size_t k = 0; k < v->nfilters; k++)
			if (!strcmp(v->filters[k].param, seed[i]))
				f = &v->filters[k];
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		size_t n = strlen(seed[i]);
		bool multi =
		    (n > 4 && !strcmp(seed[i] + n - 4, "__in")) || strstr(seed[i], "__overlaps");
		CU_ASSERT_EQUAL(f->multi, multi);
	}
}

TEST(driver_quorum, list_request_pages_by_offset_with_filters_and_query_credentials)
{
	struct profile p = test_profile();
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->list_req(&p, NULL, 0, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "GET");
	CU_ASSERT_STRING_EQUAL(q.url, BASE "/organization/?limit=100&offset=0&" CREDS);
	CU_ASSERT_PTR_NULL(q.userpwd);
	CU_ASSERT_PTR_NULL(q.body);
	CU_ASSERT(q.idempotent);
	vreq_free(&q);

	struct vquery vq = {.params = {{"name__icontains", "Acme & Co"},
				       {"name__in", "Acme, Initech ,Globex"},
				       {"archived", "no"},
				       {"email_limit__gte", "500"},
				       {"cs_managers__overlaps", "3,5"},
				       {"updated__year", "2024"},
				       {"api_key", "stolen"},
				       {"offset", "9"}},
			    .nparams = 8};
	CU_ASSERT_FATAL(p.vendor->list_req(&p, &vq, 2, &q));
	CU_ASSERT_STRING_EQUAL(q.url, BASE "/organization/?limit=100&offset=200"
					   "&name__icontains=Acme%20%26%20Co"
					   "&name__in=Acme,Initech,Globex&archived=false"
					   "&email_limit__gte=500&cs_managers__overlaps=3,5"
					   "&updated__year=2024&" CREDS);
	vreq_free(&q);

	/* The scheme's display name "user_name" can be chosen per profile. */
	struct kv kv[] = {{"username", "demo"}, {"api_key", "k"}, {"username_param", "user_name"}};
	p.kv = kv;
	p.nkv = 3;
	CU_ASSERT_FATAL(p.vendor->get_req(&p, "42", &q));
	CU_ASSERT_STRING_EQUAL(q.url, BASE "/organization/42/?user_name=demo&api_key=k");
	vreq_free(&q);
}

TEST(driver_quorum, bare_quorum_host_gets_the_www_writes_need)
{
	struct profile p = test_profile();
	p.base_url = "https://quorum.us/api";
	struct record base, ch;
	record_init(&base);
	record_init(&ch);
	base.id = strdup("42");
	record_set(&ch, "name", "x");
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->update_req(&p, &base, &ch, &q));
	CU_ASSERT_STRING_EQUAL(q.url, BASE "/organization/42/?" CREDS);
	vreq_free(&q);
	p.base_url = "https://quorum.usa.example/api"; /* another host: left alone */
	CU_ASSERT_FATAL(p.vendor->get_req(&p, "42", &q));
	CU_ASSERT_STRING_EQUAL(q.url, "https://quorum.usa.example/api/organization/42/?" CREDS);
	vreq_free(&q);
	record_free(&base);
	record_free(&ch);
}

TEST(driver_quorum, list_answer_reads_meta_total_and_next)
{
	struct profile p = test_profile();
	struct record_list l = {0};
	struct vpage pg = {0};
	struct verr e = {0};
	char *s = list_of_seed("{\"limit\": 100, \"next\": \"/api/organization/?limit=100"
			       "&offset=100&username=demo&api_key=k3y-secret\", \"offset\": 0, "
			       "\"previous\": null, \"total_count\": 250}");
	struct vresp rs = vresp_text(s, 200);
	CU_ASSERT_FATAL(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(l.n, 1);
	CU_ASSERT_STRING_EQUAL(l.items[0].name, "string");
	CU_ASSERT_EQUAL(pg.total, 250);
	CU_ASSERT(pg.more);
	record_list_free(&l);
	free(s);

	s = list_of_seed("{\"limit\": 100, \"next\": null, \"offset\": 200, \"previous\": "
			 "\"/api/organization/?offset=100\", \"total_count\": 201}");
	rs = vresp_text(s, 200);
	CU_ASSERT_FATAL(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_FALSE(pg.more);
	CU_ASSERT_EQUAL(pg.total, 201);
	record_list_free(&l);
	free(s);
}

TEST(driver_quorum, list_answer_that_is_not_a_list_is_refused)
{
	struct profile p = test_profile();
	struct record_list l = {0};
	struct vpage pg = {0};
	struct verr e = {0};
	struct vresp rs = vresp_text(seed_org, 200); /* a detail body where a list was expected */
	CU_ASSERT_FALSE(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(e.kind, VERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "objects"));
	rs = vresp_text("{\"meta\": {\"total_count\": 3}, "
			"\"objects\": [1, \"x\", {\"name\": \"no id\"}]}",
			200);
	CU_ASSERT(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(l.n, 0);
	rs = vresp_text("<html><title>Login</title></html>", 200);
	CU_ASSERT_FALSE(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Login"));
	record_list_free(&l);
}

TEST(driver_quorum, capped_page_size_is_reported_not_skipped)
{
	struct profile p = test_profile();
	struct record_list l = {0};
	struct vpage pg = {0};
	struct verr e = {0};
	char *s =
	    list_of_seed("{\"limit\": 20, \"next\": \"x\", \"offset\": 0, \"total_count\": 90}");
	struct vresp rs = vresp_text(s, 200);
	CU_ASSERT_FALSE(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "20"));
	record_list_free(&l);
	free(s);
}

TEST(driver_quorum, update_patches_only_changed_writable_fields_typed)
{
	struct profile p = test_profile();
	struct record base, ch;
	record_init(&base);
	record_init(&ch);
	base.id = strdup("42");
	record_set(&ch, "name", "Acme Public Affairs");
	record_set(&ch, "max_members", "25");
	record_set(&ch, "archived", "false");
	record_set(&ch, "qp_pac", "yes");
	record_set(&ch, "cs_managers", "3, 5");
	record_set(&ch, "allowed_domains", "acme.com, acme.org");
	record_set(&ch, "ip_addresses", "10"); /* a text list stays text */
	record_set(&ch, "qp_states", "");
	record_set(&ch, "custom_alert_orderings", "{\"bills\": 1}");
	record_set(&ch, "trial_expiration", "");
	record_set(&ch, "email_limit", NULL);
	record_set(&ch, "updated", "2020-01-01T00:00:00Z"); /* read-only: not sent */
	record_set(&ch, "id", "7");			    /* read-only: not sent */
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->update_req(&p, &base, &ch, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "PATCH");
	CU_ASSERT_STRING_EQUAL(q.url, BASE "/organization/42/?" CREDS);
	CU_ASSERT_STRING_EQUAL(q.body, "{\"name\":\"Acme Public Affairs\",\"max_members\":25,"
				       "\"archived\":false,\"qp_pac\":true,\"cs_managers\":[3,5],"
				       "\"allowed_domains\":[\"acme.com\",\"acme.org\"],"
				       "\"ip_addresses\":[\"10\"],"
				       "\"qp_states\":[],\"custom_alert_orderings\":{\"bills\":1},"
				       "\"trial_expiration\":null,\"email_limit\":null}");
	bool ct = false;
	for (int i = 0; i < q.nheaders; i++)
		ct |= !strcmp(q.headers[i], "Content-Type: application/json");
	CU_ASSERT(ct);
	vreq_free(&q);

	/* Nothing writable changed: nothing to send. */
	record_free(&ch);
	record_init(&ch);
	record_set(&ch, "created", "2020-01-01T00:00:00Z");
	CU_ASSERT_FALSE(p.vendor->update_req(&p, &base, &ch, &q));
	record_free(&base);
	record_free(&ch);
}

TEST(driver_quorum, members_are_users_filtered_by_organization)
{
	struct profile p = test_profile();
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->members_req(&p, "42", 1, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "GET");
	CU_ASSERT_STRING_EQUAL(q.url, BASE "/user/?organization=42&limit=100&offset=100&" CREDS);
	vreq_free(&q);

	struct record_list l = {0};
	struct vpage pg = {0};
	struct verr e = {0};
	struct vresp rs = vresp_text(
	    "{\"meta\": {\"limit\": 100, \"next\": null, \"offset\": 0, \"previous\": null, "
	    "\"total_count\": 2}, \"objects\": ["
	    "{\"id\": 7, \"username\": \"jdoe\", \"first_name\": \"Jane\", "
	    "\"last_name\": \"Doe\", \"email\": \"jane@acme.com\", \"is_active\": true, "
	    "\"date_joined\": \"2019-08-24T14:15:22Z\", \"resource_uri\": \"/api/user/7/\"},"
	    "{\"id\": 8, \"username\": \"ops\", \"first_name\": \"\", \"last_name\": \"\", "
	    "\"email\": \"ops@acme.com\", \"is_active\": false}]}",
	    200);
	CU_ASSERT_FATAL(p.vendor->members_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL_FATAL(l.n, 2);
	CU_ASSERT_STRING_EQUAL(l.items[0].id, "7");
	CU_ASSERT_STRING_EQUAL(l.items[0].name, "Jane Doe");
	CU_ASSERT_STRING_EQUAL_NN(record_get(&l.items[0], "email"), "jane@acme.com");
	CU_ASSERT(record_has(&l.items[0], "role"));
	CU_ASSERT_STRING_EQUAL(l.items[1].name, "ops");
	CU_ASSERT_FALSE(pg.more);
	CU_ASSERT_EQUAL(pg.total, 2);
	record_list_free(&l);
}

static void expect(const char *b, long status, enum verr_kind kind, const char *needle)
{
	struct profile p = test_profile();
	struct verr e = {0};
	struct vresp rs = vresp_text(b, status);
	p.vendor->error_parse(&p, &rs, &e);
	CU_ASSERT_EQUAL(e.kind, kind);
	CU_ASSERT_EQUAL(e.status, status);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Quorum: "));
	if (!strstr(e.msg, needle))
		fprintf(stderr, "\n  message %s lacks %s\n", e.msg, needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, needle));
	CU_ASSERT_PTR_NULL(strstr(e.msg, "k3y-secret"));
}

TEST(driver_quorum, error_bodies_become_sentences_without_the_key)
{
	expect("", 401, VERR_AUTH, "authorization failed, check username and api_key");
	expect("{\"error\": \"Invalid username or api_key\"}", 401, VERR_AUTH,
	       "check username and api_key (Invalid username or api_key)");
	expect("{\"error\": \"Invalid resource lookup data provided (mismatched type).\"}", 400,
	       VERR_INVALID, "Invalid resource lookup data provided (mismatched type).");
	expect("The 'nmae' field does not allow filtering.", 400, VERR_INVALID,
	       "The 'nmae' field does not allow filtering.");
	expect("{\"organization\": {\"max_members\": [\"Enter a whole number.\"]}}", 400,
	       VERR_INVALID, "max_members: Enter a whole number.");
	expect("", 400, VERR_INVALID, "improperly configured");
	expect("<!DOCTYPE html><html><head><title>Server Error (500)</title></head></html>", 500,
	       VERR_SERVER, "HTML page: Server Error (500)");
	expect("{\"error_message\": \"Sorry, this request could not be processed.\"}", 500,
	       VERR_SERVER, "could not be processed");
	expect("{\"error\": \"trunc", 500, VERR_SERVER, "trunc");
	expect("", 500, VERR_SERVER, "empty answer");
	expect("", 404, VERR_NOT_FOUND, "not found");
	expect("", 429, VERR_RATE, "too many requests");
	/* A body that quotes the request URL, or the key itself, never reaches the screen. */
	expect("Bad filter in /api/organization/?limit=x&username=demo&api_key=k3y-secret", 400,
	       VERR_INVALID, "api_key=***");
	expect("{\"error\": \"key k3y-secret is disabled\"}", 401, VERR_AUTH,
	       "key *** is disabled");
}
