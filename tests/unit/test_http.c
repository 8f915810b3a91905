/* net/http's redaction: what a trace line may show of a URL. */
#include "net/http.h"
#include "tests/support/tsuite.h"

#include <stdlib.h>
#include <string.h>

TEST(http, redacts_credential_query_values_and_listed_secrets)
{
	const char *secrets[] = {"s3cr3t-key", NULL};
	char *r =
	    http_redact("https://x/api/organization/?limit=20&username=demo&api_key=s3cr3t-key"
			"&name__icontains=acme",
			secrets);
	CU_ASSERT_PTR_NULL(strstr(r, "s3cr3t-key"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "api_key=REDACTED"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "name__icontains=acme"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "username=demo"));
	free(r);
	/* A secret anywhere else in the URL (a path, an echoed next link) goes too. */
	r = http_redact("https://x/a/s3cr3t-key/b?next=%2Fo%3Fapi_key%3Ds3cr3t-key", secrets);
	CU_ASSERT_PTR_NULL(strstr(r, "s3cr3t-key"));
	free(r);
	r = http_redact("https://x/token?code=abc123&refresh_token=zzz&ok=1", NULL);
	CU_ASSERT_PTR_NULL(strstr(r, "abc123"));
	CU_ASSERT_PTR_NULL(strstr(r, "zzz"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "ok=1"));
	free(r);
}

TEST(http, leaves_a_url_without_secrets_alone)
{
	char *r = http_redact("https://x/api/organizations?page=2&size=100", NULL);
	CU_ASSERT_STRING_EQUAL(r, "https://x/api/organizations?page=2&size=100");
	free(r);
}
