/* vexec: see vexec.h. */
#include "tests/support/vexec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vresp vexec(const struct vreq *req, struct thttp *http)
{
	const char *hdrs[VREQ_MAX_HEADERS + 1];
	for (int i = 0; i < req->nheaders; i++)
		hdrs[i] = req->headers[i];
	hdrs[req->nheaders] = NULL;
	thttp_do(req->method, req->url, hdrs, req->userpwd, req->body, http);
	struct vresp rs = {
	    .status = http->status, .body = http->body, .len = http->len, .content_type = NULL};
	static __thread char ct[128];
	char *c = thttp_header(http, "Content-Type");
	if (c) {
		snprintf(ct, sizeof ct, "%s", c);
		free(c);
		rs.content_type = ct;
	}
	return rs;
}

struct vresp vresp_text(const char *s, long status)
{
	return (struct vresp){.status = status, .body = s, .len = strlen(s)};
}

struct vresp vexec_once(struct vreq *req, struct thttp *http)
{
	struct vresp rs = vexec(req, http);
	vreq_free(req);
	return rs;
}
