/* thttp: a blocking HTTP client for tests that speak to orgdeck-sim directly (contract
 * tests). Not for orgdeck itself, whose HTTP is asynchronous (net/http.h). */
#ifndef ORGDECK_THTTP_H
#define ORGDECK_THTTP_H
#include <cjson/cJSON.h>
#include <stddef.h>

struct thttp {
	long status; /* 0 when the transfer failed (reset, truncated) */
	int curl_code;
	char *body;
	size_t len;
	char *headers; /* raw response headers */
	cJSON *json;   /* body parsed, or NULL */
};

/* headers: NULL-terminated "Name: value" strings (may be NULL); userpwd "user:pass" or NULL.
 * body NULL for none. Fills out (free with thttp_free). Returns out->status. */
long thttp_do(const char *method, const char *url, const char *const *headers, const char *userpwd,
	      const char *body, struct thttp *out);
/* Value of a response header (case-insensitive), caller frees, NULL if absent. */
char *thttp_header(const struct thttp *r, const char *name);
void thttp_free(struct thttp *r);

#endif
