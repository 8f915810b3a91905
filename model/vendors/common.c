/* Driver helpers shared by every vendor file, and the list of drivers. */
#include "model/vendor.h"
#include "model/config.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

extern const struct vendor vendor_quorum, vendor_questionpro, vendor_highq, vendor_kaana,
    vendor_clinchpad;

const struct vendor *const vendors[] = {
    &vendor_quorum, &vendor_questionpro, &vendor_highq, &vendor_kaana, &vendor_clinchpad, NULL,
};

const struct vendor *vendor_find(const char *name)
{
	for (int i = 0; name && vendors[i]; i++)
		if (!strcasecmp(vendors[i]->name, name))
			return vendors[i];
	return NULL;
}

const struct field_spec *vendor_field(const struct vendor *v, const char *key)
{
	for (size_t i = 0; i < v->nfields; i++)
		if (!strcmp(v->fields[i].key, key))
			return &v->fields[i];
	return NULL;
}

void vreq_init(struct vreq *r, const char *method)
{
	memset(r, 0, sizeof *r);
	r->method = method;
	r->idempotent = !strcmp(method, "GET") || !strcmp(method, "PUT") ||
			!strcmp(method, "DELETE") || !strcmp(method, "HEAD");
}

void vreq_free(struct vreq *r)
{
	free(r->url);
	for (int i = 0; i < r->nheaders; i++)
		free(r->headers[i]);
	free(r->body);
	free(r->userpwd);
	memset(r, 0, sizeof *r);
}

void vreq_header(struct vreq *r, const char *fmt, ...)
{
	if (r->nheaders >= VREQ_MAX_HEADERS)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *h = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(h, (size_t)n + 1, fmt, ap);
	va_end(ap);
	r->headers[r->nheaders++] = h;
}

void verr_set(struct verr *e, enum verr_kind kind, long status, const char *fmt, ...)
{
	e->kind = kind;
	e->status = status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

enum verr_kind verr_kind_for_status(long status)
{
	switch (status) {
	case 400:
	case 422:
		return VERR_INVALID;
	case 401:
		return VERR_AUTH;
	case 403:
		return VERR_FORBIDDEN;
	case 404:
	case 410:
		return VERR_NOT_FOUND;
	case 409:
	case 412:
		return VERR_CONFLICT;
	case 429:
		return VERR_RATE;
	default:
		return status >= 500 ? VERR_SERVER : status == 0 ? VERR_NETWORK : VERR_INVALID;
	}
}

const char *verr_kind_name(enum verr_kind k)
{
	static const char *const names[] = {
	    "ok",
	    "authorization failed",
	    "forbidden",
	    "not found",
	    "invalid request",
	    "conflict",
	    "rate limited",
	    "quota exhausted",
	    "server error",
	    "network error",
	    "unreadable answer",
	    "not supported",
	};
	return (unsigned)k < sizeof names / sizeof *names ? names[k] : "error";
}

/* Copies printable ASCII only, squeezing whitespace: an excerpt is for a status line. */
static void plain(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	bool space = false;
	for (size_t i = 0; i < n && o + 4 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isspace(c)) {
			space = o > 0;
			continue;
		}
		if (c < 0x20 || c >= 0x7f)
			c = '?';
		if (space)
			out[o++] = ' ';
		space = false;
		out[o++] = (char)c;
	}
	if (o + 4 >= cap && o >= 3) {
		memcpy(out + o - 3, "...", 3);
	}
	out[o] = '\0';
}

void verr_body_excerpt(const struct vresp *rs, char *out, size_t cap)
{
	out[0] = '\0';
	if (!rs->body || !rs->len)
		return;
	const char *b = rs->body;
	size_t n = rs->len;
	/* An HTML error page: its <title> says it best. */
	const char *t = NULL;
	for (size_t i = 0; i + 7 <= n; i++)
		if (!strncasecmp(b + i, "<title>", 7)) {
			t = b + i + 7;
			break;
		}
	if (t) {
		const char *e = t;
		while ((size_t)(e - b) < n && *e != '<')
			e++;
		char tmp[160];
		plain(t, (size_t)(e - t), tmp, sizeof tmp);
		snprintf(out, cap, "HTML page: %s", tmp);
		return;
	}
	plain(b, n > 200 ? 200 : n, out, cap);
}

void verr_scrub(char *msg, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	if (n < 3)
		return;
	/* Search on after each replacement: a secret that contains "***" must not loop. */
	for (char *hit = strstr(msg, secret); hit; hit = strstr(hit + 3, secret)) {
		memcpy(hit, "***", 3);
		memmove(hit + 3, hit + n, strlen(hit + n) + 1);
	}
}

void verr_scrub_profile(const struct profile *p, char *msg)
{
	if (!p)
		return;
	const char *secrets[16];
	profile_secrets(p, secrets, 16);
	for (int i = 0; secrets[i]; i++)
		verr_scrub(msg, secrets[i]);
}

void verr_sentence(const char *s, char *out, size_t cap)
{
	size_t o = 0;
	for (; s && *s && o + 1 < cap; s++)
		out[o++] = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
	out[o] = '\0';
	while (o && (out[o - 1] == '.' || isspace((unsigned char)out[o - 1])))
		out[--o] = '\0';
}
