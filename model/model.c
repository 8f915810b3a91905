/* model: see model.h. */
#include "model/model.h"
#include "model/fetch.h"
#include "model/outbox.h"
#include "model/sync.h"
#include "model/auth.h"
#include "net/buf.h"
#include "net/http.h"
#include "net/loop.h"
#include "net/xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct pending_send {
	struct model *m;
	struct profile *p;
	uint64_t id;	   /* the model's id (model_cancel) */
	uint64_t http_id;  /* the engine's, while on the wire */
	bool parked;	   /* held until the profile has a token (auth.h) */
	bool auth_retried; /* sent again once after a 401 with a refreshed token */
	struct vreq rq;	   /* a copy, for sending later or again */
	model_done_fn fn;
	void *arg;
	struct pending_send *next;
};

static void send_free(struct pending_send *ps)
{
	vreq_free(&ps->rq);
	free(ps);
}

static void vreq_copy(struct vreq *dst, const struct vreq *src)
{
	*dst = *src;
	dst->url = src->url ? xstrdup(src->url) : NULL;
	dst->body = src->body ? xstrdup(src->body) : NULL;
	dst->userpwd = src->userpwd ? xstrdup(src->userpwd) : NULL;
	for (int i = 0; i < src->nheaders; i++)
		dst->headers[i] = xstrdup(src->headers[i]);
}

static void clear_server_filter(struct model *m)
{
	for (int i = 0; i < m->nsf; i++) {
		free(m->sf[i][0]);
		free(m->sf[i][1]);
	}
	m->nsf = 0;
	memset(&m->sq, 0, sizeof m->sq);
	free(m->list_key);
	m->list_key = NULL;
}

struct model *model_open(const struct model_opts *o, char *err, size_t errcap)
{
	struct model *m = xcalloc(1, sizeof *m);
	m->readonly = o->readonly;
	struct stat sb;
	if (stat(o->config_path, &sb) != 0 && errno == ENOENT) {
		/* First run: no profile yet; the interface offers the setup form. */
		m->first_run = true;
		m->cfg.path = xstrdup(o->config_path);
	} else if (!config_load(&m->cfg, o->config_path, o->insecure_config, err, errcap)) {
		model_close(m);
		return NULL;
	}
	char *db = o->db_path ? xstrdup(o->db_path) : config_default_db_path();
	m->store = store_open(db, err, errcap);
	m->db_path = db;
	auth_init(m);
	if (!m->store) {
		model_close(m);
		return NULL;
	}
	m->loop = loop_new();
	struct http_opts ho = {.trace_path = o->trace_path, .backoff_base_ms = o->backoff_base_ms};
	m->http = http_new(m->loop, &ho);
	if (m->cfg.nprofiles) {
		const char *name = o->profile ? o->profile : m->cfg.profiles[0].name;
		if (!model_use_profile(m, name)) {
			snprintf(err, errcap, "no profile named '%s' in %s", name, m->cfg.path);
			model_close(m);
			return NULL;
		}
	}
	/* Last: opening replays what a previous run left, which needs profile and engine. */
	outbox_open(m);
	return m;
}

void model_close(struct model *m)
{
	if (!m)
		return;
	outbox_close(m->outbox);
	fetch_free(m);
	sync_free(m->sync);
	clear_server_filter(m);
	while (m->sends) {
		struct pending_send *ps = m->sends;
		m->sends = ps->next;
		send_free(ps);
	}
	http_free(m->http);
	loop_free(m->loop);
	store_close(m->store);
	free(m->db_path);
	config_free(&m->cfg);
	free(m);
}

bool model_use_profile(struct model *m, const char *name)
{
	struct profile *p = config_profile(&m->cfg, name);
	if (!p)
		return false;
	if (m->profile != p) {
		sync_free(m->sync);
		m->sync = NULL;
		clear_server_filter(m);
	}
	m->profile = p;
	m->dirty |= MODEL_DIRTY_LIST | MODEL_DIRTY_STATUS;
	return true;
}

void model_colkeys(const struct profile *p, const char *keys[STORE_COLS - 1])
{
	for (int i = 0; i < STORE_COLS - 1; i++)
		keys[i] = NULL;
	const struct vendor *v = p->vendor;
	const char *conf = profile_get(p, "columns");
	int n = 0;
	if (conf) {
		/* columns = email, phone: keys must be schema fields (a typo is ignored). */
		char tmp[256];
		snprintf(tmp, sizeof tmp, "%s", conf);
		char *save = NULL;
		for (char *t = strtok_r(tmp, ", ", &save); t && n < STORE_COLS - 1;
		     t = strtok_r(NULL, ", ", &save)) {
			const struct field_spec *f = vendor_field(v, t);
			if (f && strcmp(f->key, "name"))
				keys[n++] = f->key;
		}
		if (n)
			return;
	}
	for (size_t i = 0; v && i < v->nfields && n < STORE_COLS - 1; i++)
		if ((v->fields[i].flags & FS_COLUMN) && strcmp(v->fields[i].key, "name"))
			keys[n++] = v->fields[i].key;
}

const char *model_col_label(const struct profile *p, int col)
{
	if (col == 0)
		return "Name";
	const char *keys[STORE_COLS - 1];
	model_colkeys(p, keys);
	const char *k = col > 0 && col < STORE_COLS ? keys[col - 1] : NULL;
	const struct field_spec *f = k ? vendor_field(p->vendor, k) : NULL;
	return f ? f->label : NULL;
}

void model_set_server_filter(struct model *m, const char *const pairs[][2], int n)
{
	if (!m->profile)
		return;
	sync_free(m->sync);
	m->sync = NULL;
	clear_server_filter(m);
	struct buf key;
	buf_init(&key);
	buf_puts(&key, m->profile->name);
	for (int i = 0; i < n && i < 8; i++) {
		m->sf[i][0] = xstrdup(pairs[i][0]);
		m->sf[i][1] = xstrdup(pairs[i][1]);
		m->sq.params[i][0] = m->sf[i][0];
		m->sq.params[i][1] = m->sf[i][1];
		buf_putc(&key, i ? '&' : '?');
		buf_put_urlenc(&key, pairs[i][0]);
		buf_putc(&key, '=');
		buf_put_urlenc(&key, pairs[i][1]);
	}
	m->nsf = m->sq.nparams = n < 8 ? n : 8;
	if (m->nsf)
		m->list_key = buf_steal(&key);
	buf_free(&key);
	m->dirty |= MODEL_DIRTY_LIST | MODEL_DIRTY_STATUS;
	model_refresh(m);
}

const char *model_list_key(const struct model *m)
{
	return m->list_key ? m->list_key : m->profile ? m->profile->name : "";
}

bool model_reload_config(struct model *m, const char *profile, char *err, size_t errcap)
{
	struct config fresh;
	if (!config_load(&fresh, m->cfg.path, false, err, errcap))
		return false;
	/* Nothing may point into the old profiles now: syncs and held requests go. */
	sync_free(m->sync);
	m->sync = NULL;
	clear_server_filter(m);
	while (m->sends) {
		struct pending_send *ps = m->sends;
		m->sends = ps->next;
		if (ps->http_id)
			http_cancel(m->http, ps->http_id);
		send_free(ps);
	}
	config_free(&m->cfg);
	m->cfg = fresh;
	m->profile = NULL;
	m->first_run = false;
	auth_init(m);
	if (!model_use_profile(m, profile ? profile : m->cfg.profiles[0].name)) {
		snprintf(err, errcap, "no profile named %s", profile ? profile : "");
		return false;
	}
	return true;
}

void model_set_error(struct model *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->error, sizeof m->error, fmt, ap);
	va_end(ap);
	m->error_at = loop_now_ms();
	m->dirty |= MODEL_DIRTY_STATUS;
}

bool model_write_allowed(struct model *m, const char *profile)
{
	if (m->readonly) {
		model_set_error(m, "read-only mode (--readonly): changes are refused");
		return false;
	}
	const struct profile *p = profile ? config_profile(&m->cfg, profile) : m->profile;
	if (!p) {
		model_set_error(m, "no profile named '%s'", profile ? profile : "(none)");
		return false;
	}
	if (p->readonly) {
		model_set_error(m, "profile %s is read-only (readonly = yes in the config)",
				p->name);
		return false;
	}
	return true;
}

void model_refresh(struct model *m)
{
	if (!m->profile)
		return;
	if (m->sync && sync_progress(m->sync)->running)
		return;
	sync_free(m->sync);
	m->sync = sync_start(m, m->profile, model_list_key(m), m->nsf ? &m->sq : NULL);
	m->dirty |= MODEL_DIRTY_STATUS;
}

static void unlink_send(struct model *m, struct pending_send *ps)
{
	for (struct pending_send **pp = &m->sends; *pp; pp = &(*pp)->next)
		if (*pp == ps) {
			*pp = ps->next;
			return;
		}
}

static void finish_send(struct pending_send *ps, const struct vresp *rs, const struct verr *err)
{
	struct model *m = ps->m;
	unlink_send(m, ps);
	m->dirty |= MODEL_DIRTY_STATUS;
	ps->fn(ps->arg, rs, err);
	send_free(ps);
}

static void send_now(struct pending_send *ps);

static void park(struct pending_send *ps)
{
	bool person = false;
	ps->parked = true;
	if (auth_ready(ps->m, ps->p, &person)) {
		send_now(ps);
	} else if (person) {
		struct verr err;
		verr_set(&err, VERR_AUTH, 401,
			 "%s: sign-in needed for %s: paste the code from the sign-in page (R asks "
			 "again)",
			 ps->p->vendor->label, ps->p->name);
		struct vresp rs = {0};
		finish_send(ps, &rs, &err);
	}
}

static void on_http(void *arg, const struct http_resp *hr)
{
	struct pending_send *ps = arg;
	const struct vendor *v = ps->p->vendor;
	ps->http_id = 0;
	/* An OAuth token can stop working before its time: refresh once and send again. */
	if (hr->error == HTTP_OK && hr->status == 401 && (v->caps & VCAP_OAUTH) &&
	    !ps->auth_retried) {
		ps->auth_retried = true;
		auth_expire(ps->p);
		park(ps);
		return;
	}
	struct vresp rs = {.status = hr->status,
			   .body = hr->body,
			   .len = hr->len,
			   .content_type = hr->content_type};
	struct verr err = {.kind = VERR_NONE};
	if (hr->error != HTTP_OK) {
		verr_set(&err, hr->error == HTTP_ERR_TOO_BIG ? VERR_PARSE : VERR_NETWORK, 0,
			 "%s: %s (%s)", v->label, hr->error_text, ps->p->name);
	} else if (hr->status < 200 || hr->status > 299) {
		v->error_parse(ps->p, &rs, &err);
		if (err.kind == VERR_NONE)
			err.kind = verr_kind_for_status(hr->status);
	}
	finish_send(ps, &rs, &err);
}

static void send_now(struct pending_send *ps)
{
	struct model *m = ps->m;
	const struct profile *p = ps->p;
	const struct vreq *rq = &ps->rq;
	const char *secrets[12];
	profile_secrets(p, secrets, 12);
	const char *hdrs[VREQ_MAX_HEADERS + 2];
	int n = 0;
	char *bearer = NULL;
	if (p->vendor->caps & VCAP_OAUTH) {
		/* RFC 6750: the current access token, whatever the driver had at build time. */
		const char *tok = profile_get(p, "access_token");
		bearer = xasprintf("Authorization: Bearer %s", tok ? tok : "");
		hdrs[n++] = bearer;
	}
	for (int i = 0; i < rq->nheaders; i++)
		if (!bearer || strncasecmp(rq->headers[i], "Authorization:", 14))
			hdrs[n++] = rq->headers[i];
	hdrs[n] = NULL;
	struct http_req hr = {
	    .method = rq->method,
	    .url = rq->url,
	    .headers = hdrs,
	    .body = rq->body,
	    .userpwd = rq->userpwd,
	    .idempotent = rq->idempotent,
	    .insecure = p->insecure,
	    .no_retry_marker = rq->no_retry_marker,
	    .secrets = secrets,
	};
	ps->parked = false;
	ps->http_id = http_submit(m->http, &hr, on_http, ps);
	if (bearer) {
		memset(bearer, 0, strlen(bearer));
		free(bearer);
	}
	m->dirty |= MODEL_DIRTY_STATUS;
}

uint64_t model_send(struct model *m, const struct profile *p, const struct vreq *rq,
		    model_done_fn fn, void *arg)
{
	struct pending_send *ps = xcalloc(1, sizeof *ps);
	ps->m = m;
	ps->p = (struct profile *)p;
	ps->fn = fn;
	ps->arg = arg;
	ps->id = ++m->next_send_id;
	vreq_copy(&ps->rq, rq);
	ps->next = m->sends;
	m->sends = ps;
	uint64_t id = ps->id;
	park(ps); /* sends at once unless the profile waits for a token */
	m->dirty |= MODEL_DIRTY_STATUS;
	return id;
}

void model_auth_done(struct model *m, struct profile *p, bool ok, const struct verr *why)
{
	if (!ok)
		model_set_error(m, "%s: %s", p->name, why ? why->msg : "sign-in failed");
	else if (strstr(m->error, "sign-in"))
		m->error[0] = '\0'; /* signed in: the request for it is answered */
	m->dirty |= MODEL_DIRTY_STATUS;
	/* Held requests go out, or fail with the reason (its kind kept, so a network failure
	 * of the sign-in stays a network failure); restart the walk after each callback,
	 * which may send more. */
	bool again = true;
	while (again) {
		again = false;
		for (struct pending_send *ps = m->sends; ps; ps = ps->next) {
			if (!ps->parked || ps->p != p)
				continue;
			if (ok) {
				send_now(ps);
			} else {
				struct verr err = why ? *why : (struct verr){.kind = VERR_AUTH};
				if (!why)
					verr_set(&err, VERR_AUTH, 401, "%s: sign-in failed",
						 p->vendor->label);
				struct vresp rs = {0};
				finish_send(ps, &rs, &err);
				again = true;
				break;
			}
		}
	}
}

void model_cancel(struct model *m, uint64_t id)
{
	for (struct pending_send *ps = m->sends; ps; ps = ps->next)
		if (ps->id == id) {
			if (ps->http_id)
				http_cancel(m->http, ps->http_id);
			unlink_send(m, ps);
			send_free(ps);
			return;
		}
}
