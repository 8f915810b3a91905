/* The ClinchPad driver on seed 004's own sample bodies, and the requests it builds. */
#include "model/config.h"
#include "model/vendor.h"
#include "tests/support/tsuite.h"
#include "tests/support/vexec.h"

#include <string.h>

static const char seed_list[] =
    "[{\"_id\": \"521f26eccce8b4310e000075\", \"name\": \"Foo Organization\","
    " \"email\": \"contact@foocorp.com\", \"phone\": \"5553336666\","
    " \"website\": \"http://www.foocorp.com\", \"address\": null,"
    " \"fields\": [{\"_id\": \"531ed3a49a21f6e90b00000e\", \"name\": \"custom organization "
    "field\", \"value\": \"Monthly\"}],"
    " \"contacts\": [{\"_id\": \"521f26eccce8b4310e000076\", \"name\": \"Foo Guy\", "
    "\"designation\": null,"
    " \"email\": \"fooguy@foocorp.com\", \"phone\": \"5553331234\", \"address\": null,"
    " \"fields\": [{\"_id\": \"531ed3a49a21f6e90b00000e\", \"name\": \"custom contact field\", "
    "\"value\": \"Annual\"}]}]}]";

static const char seed_create[] =
    "{\"_id\": \"521f26eccce8b4310e000075\", \"name\": \"Created Foo Organization\","
    " \"email\": \"contact@foocorp.com\", \"phone\": \"5553336666\", \"website\": "
    "\"http://www.foocorp.com\","
    " \"address\": null, \"fields\": [{\"_id\": \"531ed3a49a21f6e90b00000e\","
    " \"name\": \"custom organization field\", \"value\": null}]}";

static struct profile test_profile(void)
{
	static struct kv kv[] = {{"api_key", "k3y"}};
	struct profile p = {
	    .name = "t", .base_url = "https://www.clinchpad.com/api/v1", .kv = kv, .nkv = 1};
	p.vendor = vendor_find("clinchpad");
	return p;
}

TEST(driver_clinchpad, parses_seed_list_with_custom_fields_and_contacts)
{
	struct profile p = test_profile();
	struct record_list l = {0};
	struct vpage pg;
	struct verr e = {0};
	struct vresp rs = vresp_text(seed_list, 200);
	CU_ASSERT_FATAL(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL_FATAL(l.n, 1);
	struct record *r = &l.items[0];
	CU_ASSERT_STRING_EQUAL(r->id, "521f26eccce8b4310e000075");
	CU_ASSERT_STRING_EQUAL(r->name, "Foo Organization");
	CU_ASSERT_STRING_EQUAL(record_get(r, "email"), "contact@foocorp.com");
	CU_ASSERT(record_has(r, "address") && record_get(r, "address") == NULL);
	const struct record_field *f = record_field(r, "cf:531ed3a49a21f6e90b00000e");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->label, "custom organization field");
	CU_ASSERT_STRING_EQUAL(f->value, "Monthly");
	CU_ASSERT_FALSE(pg.more); /* one item is less than a page: the end */
	record_list_free(&l);

	struct record_list m = {0};
	rs = vresp_text(seed_list + 1, 200); /* the organization object itself */
	rs.len = strlen(seed_list) - 2;
	CU_ASSERT_FATAL(p.vendor->members_parse(&p, &rs, &m, &pg, &e));
	CU_ASSERT_EQUAL_FATAL(m.n, 1);
	CU_ASSERT_STRING_EQUAL(m.items[0].name, "Foo Guy");
	CU_ASSERT_PTR_NULL(record_get(&m.items[0], "role"));
	record_list_free(&m);
}

TEST(driver_clinchpad, empty_page_ends_the_list)
{
	struct profile p = test_profile();
	struct record_list l = {0};
	struct vpage pg = {.more = true};
	struct verr e = {0};
	struct vresp rs = vresp_text("[]", 200);
	CU_ASSERT(p.vendor->list_parse(&p, &rs, &l, &pg, &e));
	CU_ASSERT_EQUAL(l.n, 0);
	CU_ASSERT_FALSE(pg.more);
}

TEST(driver_clinchpad, parses_create_answer_without_contacts)
{
	struct profile p = test_profile();
	struct record r;
	record_init(&r);
	struct verr e = {0};
	struct vresp rs = vresp_text(seed_create, 200);
	CU_ASSERT_FATAL(p.vendor->record_parse(&p, &rs, &r, &e));
	CU_ASSERT_STRING_EQUAL(r.name, "Created Foo Organization");
	CU_ASSERT(record_has(&r, "cf:531ed3a49a21f6e90b00000e"));
	CU_ASSERT_PTR_NULL(record_get(&r, "cf:531ed3a49a21f6e90b00000e"));
	CU_ASSERT_FALSE(record_has(&r, "contacts"));
	record_free(&r);
}

TEST(driver_clinchpad, builds_seed_requests_with_basic_auth)
{
	struct profile p = test_profile();
	struct vreq q;
	CU_ASSERT_FATAL(p.vendor->list_req(&p, NULL, 2, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "GET");
	CU_ASSERT_STRING_EQUAL(q.url,
			       "https://www.clinchpad.com/api/v1/organizations?page=3&size=100");
	CU_ASSERT_STRING_EQUAL(q.userpwd, "api-key:k3y");
	vreq_free(&q);

	CU_ASSERT_FATAL(p.vendor->field_req(&p, "521f26eccce8b4310e000075",
					    "cf:531ed3a49a21f6e90b00000e", "Monthly", &q));
	CU_ASSERT_STRING_EQUAL(q.method, "PUT");
	CU_ASSERT_STRING_EQUAL(q.url, "https://www.clinchpad.com/api/v1/organizations/"
				      "521f26eccce8b4310e000075/fields/531ed3a49a21f6e90b00000e");
	CU_ASSERT_STRING_EQUAL(q.body, "{\"value\":\"Monthly\"}");
	vreq_free(&q);

	struct record base, ch;
	record_init(&base);
	record_init(&ch);
	base.id = strdup("521f26eccce8b4310e000075");
	record_set(&ch, "name", "Updated Foo Organization");
	CU_ASSERT_FATAL(p.vendor->update_req(&p, &base, &ch, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "PUT");
	CU_ASSERT_STRING_EQUAL(q.body, "{\"name\":\"Updated Foo Organization\"}");
	vreq_free(&q);
	CU_ASSERT_FATAL(p.vendor->delete_req(&p, base.id, &q));
	CU_ASSERT_STRING_EQUAL(q.method, "DELETE");
	vreq_free(&q);
	record_free(&base);
	record_free(&ch);
}

TEST(driver_clinchpad, error_bodies_become_sentences)
{
	struct profile p = test_profile();
	struct verr e = {0};
	struct vresp rs = vresp_text("{\"message\":\"Unauthorized: invalid API key\"}", 401);
	p.vendor->error_parse(&p, &rs, &e);
	CU_ASSERT_EQUAL(e.kind, VERR_AUTH);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "check api_key"));
	rs = vresp_text("<html><head><title>502 Bad Gateway</title></head><body>x</body></html>",
			502);
	p.vendor->error_parse(&p, &rs, &e);
	CU_ASSERT_EQUAL(e.kind, VERR_SERVER);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "502 Bad Gateway"));
	rs = vresp_text("", 503);
	p.vendor->error_parse(&p, &rs, &e);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "empty answer"));
	rs = vresp_text("{\"message\": \"trunc", 500);
	p.vendor->error_parse(&p, &rs, &e);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "ClinchPad"));
	CU_ASSERT_PTR_NULL(strstr(e.msg, "k3y"));
}
