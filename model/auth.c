/* auth: see auth.h. Per-profile state is kept in the profile's runtime values:
 * access_token, access_expires (epoch s), refresh_token, auth_state (refreshing|person). */
#include "model/auth.h"
#include "model/config.h"
#include "model/model.h"
#include "net/buf.h"
#include "net/http.h"
#include "net/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REFRESH_AHEAD_S 60 /* refresh when the access token has less than this left */

static bool is_oauth(const struct profile *p)
{
	return p->vendor && (p->vendor->caps & VCAP_OAUTH);
}

static char *token_path(struct model *m, const struct profile *p)
{
	const char *db = m->db_path ? m->db_path : "orgdeck.db";
	const char *slash = strrchr(db, '/');
	struct buf b;
	buf_init(&b);
	if (slash)
		buf_add(&b, db, (size_t)(slash - db));
	else
		buf_puts(&b, ".");
	buf_puts(&b, "/tokens/");
	buf_put_urlenc(&b, p->name);
	return buf_steal(&b);
}

static void save_refresh(struct model *m, const struct profile *p, const char *token)
{
	char *path = token_path(m, p);
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	mkdir(dir, 0700);
	char *tmp = xasprintf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok =
	    fd >= 0 && write(fd, token, strlen(token)) == (ssize_t)strlen(token) && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	if (!ok || rename(tmp, path) != 0)
		model_set_error(m, "%s: could not save the sign-in for next time (%s)", p->name,
				strerror(errno));
	free(tmp);
	free(dir);
	free(path);
}

void auth_init(struct model *m)
{
	for (size_t i = 0; i < m->cfg.nprofiles; i++) {
		struct profile *p = &m->cfg.profiles[i];
		if (!is_oauth(p))
			continue;
		char *path = token_path(m, p);
		FILE *f = fopen(path, "r");
		if (f) {
			char tok[512];
			if (fgets(tok, sizeof tok, f)) {
				tok[strcspn(tok, "\r\n")] = '\0';
				if (tok[0])
					profile_set(p, "refresh_token", tok);
			}
			fclose(f);
		}
		free(path);
	}
}

static long long now_s(void)
{
	return (long long)time(NULL);
}

static bool fresh(const struct profile *p)
{
	const char *tok = profile_get(p, "access_token");
	const char *exp = profile_get(p, "access_expires");
	return tok && tok[0] && exp && atoll(exp) > now_s() + REFRESH_AHEAD_S;
}

bool auth_busy(const struct profile *p)
{
	const char *st = profile_get(p, "auth_state");
	return st && !strcmp(st, "refreshing");
}

bool auth_needs_person(const struct profile *p)
{
	const char *st = profile_get(p, "auth_state");
	return st && !strcmp(st, "person");
}

void auth_expire(struct profile *p)
{
	profile_set(p, "access_expires", "0");
}

struct token_call {
	struct model *m;
	struct profile *p;
};

static void on_token(void *arg, const struct http_resp *hr)
{
	struct token_call *tc = arg;
	struct model *m = tc->m;
	struct profile *p = tc->p;
	free(tc);
	profile_set(p, "auth_state", "");
	const struct vendor *v = p->vendor;
	struct vresp rs = {.status = hr->status,
			   .body = hr->body,
			   .len = hr->len,
			   .content_type = hr->content_type};
	struct verr err = {.kind = VERR_NONE};
	char *access = NULL, *refresh = NULL;
	long expires = 0;
	if (hr->error != HTTP_OK) {
		verr_set(&err, VERR_NETWORK, 0, "%s: signing in failed: %s", v->label,
			 hr->error_text);
	} else if (hr->status >= 500) {
		v->error_parse(p, &rs, &err);
		err.kind = VERR_SERVER;
	} else if (hr->status < 200 || hr->status > 299) {
		v->error_parse(p, &rs, &err);
	} else if (!v->oauth_token_parse(&rs, &access, &refresh, &expires, &err)) {
		if (err.kind == VERR_NONE)
			verr_set(&err, VERR_PARSE, rs.status,
				 "%s: the sign-in answer was not understood", v->label);
	}
	if (access) {
		char exp[32];
		snprintf(exp, sizeof exp, "%lld", now_s() + (expires > 0 ? expires : 3600));
		profile_set(p, "access_token", access);
		profile_set(p, "access_expires", exp);
		if (refresh && refresh[0]) {
			profile_set(p, "refresh_token", refresh);
			save_refresh(m, p, refresh);
		}
		model_auth_done(m, p, true, NULL);
	} else if (err.kind == VERR_NETWORK || err.kind == VERR_SERVER || err.kind == VERR_RATE) {
		/* The vendor did not say no: keep the refresh token and try again next time. */
		model_auth_done(m, p, false, &err);
	} else {
		/* A refresh token (or code) the vendor refused: only a person can sign in again. */
		profile_set(p, "refresh_token", "");
		profile_set(p, "auth_state", "person");
		if (err.kind == VERR_NONE)
			err.kind = VERR_AUTH;
		model_auth_done(m, p, false, &err);
	}
	free(access);
	free(refresh);
}

static void request_tokens(struct model *m, struct profile *p, const char *code,
			   const char *refresh)
{
	struct vreq rq;
	if (!p->vendor->oauth_token_req || !p->vendor->oauth_token_req(p, code, refresh, &rq)) {
		profile_set(p, "auth_state", "person");
		struct verr err;
		verr_set(&err, VERR_AUTH, 0,
			 "%s: signing in is not possible with this profile's settings",
			 p->vendor->label);
		model_auth_done(m, p, false, &err);
		return;
	}
	const char *secrets[12];
	profile_secrets(p, secrets, 12);
	const char *hdrs[VREQ_MAX_HEADERS + 1];
	for (int i = 0; i < rq.nheaders; i++)
		hdrs[i] = rq.headers[i];
	hdrs[rq.nheaders] = NULL;
	struct http_req hr = {.method = rq.method,
			      .url = rq.url,
			      .headers = hdrs,
			      .body = rq.body,
			      .userpwd = rq.userpwd,
			      .idempotent = false,
			      .insecure = p->insecure,
			      .secrets = secrets};
	struct token_call *tc = xcalloc(1, sizeof *tc);
	tc->m = m;
	tc->p = p;
	profile_set(p, "auth_state", "refreshing");
	http_submit(m->http, &hr, on_token, tc);
	vreq_free(&rq);
}

bool auth_ready(struct model *m, struct profile *p, bool *needs_person)
{
	*needs_person = false;
	if (!is_oauth(p) || fresh(p))
		return true;
	if (auth_busy(p))
		return false;
	const char *rt = profile_get(p, "refresh_token");
	if (rt && rt[0]) {
		char *copy = xstrdup(rt);
		request_tokens(m, p, NULL, copy);
		free(copy);
		return false;
	}
	profile_set(p, "auth_state", "person");
	*needs_person = true;
	return false;
}

char *auth_authorize_url(struct model *m, const struct profile *p)
{
	(void)m;
	return is_oauth(p) && p->vendor->oauth_authorize_url ? p->vendor->oauth_authorize_url(p)
							     : NULL;
}

void auth_submit_code(struct model *m, struct profile *p, const char *code)
{
	if (!is_oauth(p) || !code || !code[0])
		return;
	request_tokens(m, p, code, NULL);
}
