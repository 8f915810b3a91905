/* fuzz_vendor: one driver's response parsers against any body. Built once per vendor with
 * -DFUZZ_VENDOR="name" (and once more for HighQ with -DFUZZ_XML, where every body is
 * declared XML so the tolerant XML reader gets all the inputs).
 * Input layout: byte 0 picks the parser (list, get, members, error, related, contacts,
 * oauth token), byte 1 the HTTP status, byte 2 the Content-Type (and the related kind);
 * the rest is the body, passed with its exact length and no NUL after it, as the vresp
 * contract allows. A failed parse is followed by error_parse, as the model does. */
#include "tests/fuzz/common.h"
#include "model/config.h"
#include "model/record.h"
#include "model/vendor.h"

#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_VENDOR
#error "build with -DFUZZ_VENDOR=\"name\""
#endif

static struct profile profile;
static const struct vendor *vendor;

static const long statuses[] = {200, 200, 200, 201, 204, 400, 401, 403,
				404, 409, 422, 429, 500, 502, 503, 302};
static const char *const content_types[] = {
    "application/json", NULL, "application/json; charset=utf-8", "application/xml",
    "text/xml", "text/html", "text/plain", "application/problem+json"};

/* A profile with every credential some driver reads, so redaction paths run too. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const kv[][2] = {
	    {"vendor", FUZZ_VENDOR},	 {"api_key", "demo-key-0123456789"},
	    {"username", "fuzzer"},	 {"access_token", "demo-token-abcdef"},
	    {"refresh_token", "demo-refresh-xyz"}, {"client_id", "client-1"},
	    {"client_secret", "demo-secret-999"},  {"session_cookie", "sid-42"},
	    {"organization_id", "42"},	 {"datacenter", "com"},
	};
	(void)argc, (void)argv;
	vendor = vendor_find(FUZZ_VENDOR);
	if (!vendor)
		abort();
	profile.name = strdup("fuzz");
	profile.vendor = vendor;
	profile.base_url = strdup("https://vendor.example");
	profile.nkv = sizeof kv / sizeof kv[0];
	profile.kv = calloc(profile.nkv, sizeof *profile.kv);
	for (size_t i = 0; i < profile.nkv; i++) {
		profile.kv[i].key = strdup(kv[i][0]);
		profile.kv[i].value = strdup(kv[i][1]);
	}
	return 0;
}

static void parse_list(bool (*fn)(const struct profile *, const struct vresp *,
				   struct record_list *, struct vpage *, struct verr *),
		       const struct vresp *rs, struct verr *err)
{
	struct record_list l = {0};
	struct vpage pg = {.more = false, .total = -1};
	if (fn && !fn(&profile, rs, &l, &pg, err))
		vendor->error_parse(&profile, rs, err);
	record_list_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	struct vresp rs = {
	    .status = statuses[data[1] % (sizeof statuses / sizeof statuses[0])],
	    .body = (const char *)data + 3,
	    .len = size - 3,
	    .content_type = content_types[data[2] % (sizeof content_types / sizeof content_types[0])],
	};
#ifdef FUZZ_XML
	rs.content_type = data[2] & 1 ? "application/xml" : "text/xml; charset=utf-8";
#endif
	struct verr err = {.kind = VERR_NONE};
	switch (data[0] % 8) {
	case 0:
		parse_list(vendor->list_parse, &rs, &err);
		break;
	case 1: {
		struct record r;
		record_init(&r);
		if (vendor->record_parse && !vendor->record_parse(&profile, &rs, &r, &err))
			vendor->error_parse(&profile, &rs, &err);
		record_free(&r);
		break;
	}
	case 2:
		parse_list(vendor->members_parse, &rs, &err);
		break;
	case 4: {
		if (!vendor->related_parse)
			break;
		size_t nk = 0;
		while (vendor->related_kinds && vendor->related_kinds[nk])
			nk++;
		/* one slot past the known kinds: a kind the driver does not know */
		size_t k = data[2] % (nk + 1);
		struct record_list l = {0};
		if (!vendor->related_parse(&profile, k < nk ? vendor->related_kinds[k] : "bogus",
					   &rs, &l, &err))
			vendor->error_parse(&profile, &rs, &err);
		record_list_free(&l);
		break;
	}
	case 5:
		parse_list(vendor->contacts_parse, &rs, &err);
		break;
	case 6: {
		if (!vendor->oauth_token_parse)
			break;
		char *access = NULL, *refresh = NULL;
		long expires = 0;
		if (!vendor->oauth_token_parse(&rs, &access, &refresh, &expires, &err))
			vendor->error_parse(&profile, &rs, &err);
		free(access);
		free(refresh);
		break;
	}
	default:
		vendor->error_parse(&profile, &rs, &err);
		break;
	}
	/* The message must be a terminated string within its array. */
	if (memchr(err.msg, '\0', sizeof err.msg) == NULL)
		abort();
	return 0;
}
