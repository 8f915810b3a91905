/* thttp: see thttp.h. */
#include "tests/support/thttp.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <curl/curl.h>
#include <string.h>
#include <strings.h>

static size_t sink(char *p, size_t sz, size_t n, void *arg)
{
	buf_add(arg, p, sz * n);
	return sz * n;
}

long thttp_do(const char *method, const char *url, const char *const *headers, const char *userpwd,
	      const char *body, struct thttp *out)
{
	memset(out, 0, sizeof *out);
	CURL *c = curl_easy_init();
	struct buf b, h;
	buf_init(&b);
	buf_init(&h);
	struct curl_slist *hl = NULL;
	for (int i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (userpwd)
		curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	out->curl_code = curl_easy_perform(c);
	if (out->curl_code == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	out->len = b.len;
	out->body = buf_steal(&b);
	out->headers = buf_steal(&h);
	out->json = cJSON_ParseWithLength(out->body, out->len);
	return out->status;
}

char *thttp_header(const struct thttp *r, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = r->headers; p && *p;) {
		const char *eol = strchr(p, '\n');
		if (!strncasecmp(p, name, n) && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			size_t len = (size_t)((eol ? eol : p + strlen(p)) - v);
			while (len && (v[len - 1] == '\r' || v[len - 1] == ' '))
				len--;
			return xstrndup(v, len);
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

void thttp_free(struct thttp *r)
{
	free(r->body);
	free(r->headers);
	cJSON_Delete(r->json);
	memset(r, 0, sizeof *r);
}
