/* http: see http.h. libcurl's multi "socket" interface: curl tells us which sockets to
 * watch and when to call it back; net/loop does the waiting. */
#include "net/http.h"
#include "net/buf.h"
#include "net/loop.h"
#include "net/xalloc.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct xfer {
	struct http *h;
	uint64_t id;
	CURL *easy;
	struct curl_slist *hdrs;
	char *method, *url, *body, *userpwd, *marker;
	char **secrets;
	bool idempotent;
	struct buf resp;
	char content_type[128];
	char retry_after[64];
	char ratelimit_reset[64];
	bool too_big;
	int attempts;
	int64_t started;
	uint64_t retry_timer;
	bool in_multi;
	struct xfer *next;
	http_done_fn fn;
	void *arg;
};

struct http {
	struct loop *loop;
	CURLM *multi;
	struct http_opts o;
	uint64_t timer;
	uint64_t next_id;
	struct xfer *all;
	FILE *trace;
	struct http_stats stats;
	unsigned rng;
};

static void drain(struct http *h);

/* ---- redaction ---- */

static bool credential_param(const char *name, size_t n)
{
	static const char *const names[] = {
	    "api_key",	     "apikey",	  "key",    "token",	     "access_token",
	    "refresh_token", "password",  "secret", "client_secret", "code",
	    "sig",	     "signature", NULL};
	for (int i = 0; names[i]; i++)
		if (strlen(names[i]) == n && !strncasecmp(names[i], name, n))
			return true;
	return false;
}

char *http_redact(const char *s, const char *const *secrets)
{
	struct buf b;
	buf_init(&b);
	const char *q = strchr(s, '?');
	if (!q) {
		buf_puts(&b, s);
	} else {
		buf_add(&b, s, (size_t)(q - s) + 1);
		const char *p = q + 1;
		while (*p) {
			const char *amp = strchr(p, '&');
			size_t len = amp ? (size_t)(amp - p) : strlen(p);
			const char *eq = memchr(p, '=', len);
			if (eq && credential_param(p, (size_t)(eq - p))) {
				buf_add(&b, p, (size_t)(eq - p) + 1);
				buf_puts(&b, "REDACTED");
			} else {
				buf_add(&b, p, len);
			}
			p += len;
			if (*p == '&') {
				buf_putc(&b, '&');
				p++;
			}
		}
	}
	char *out = buf_steal(&b);
	for (int i = 0; secrets && secrets[i]; i++) {
		size_t n = strlen(secrets[i]);
		if (n < 4)
			continue;
		char *hit;
		while ((hit = strstr(out, secrets[i]))) {
			char *r = xasprintf("%.*sREDACTED%s", (int)(hit - out), out, hit + n);
			free(out);
			out = r;
		}
	}
	return out;
}

/* ---- curl callbacks ---- */

static size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = sz * n;
	if (x->resp.len + len > x->h->o.max_body) {
		x->too_big = true;
		return 0; /* aborts the transfer: the body is refused, not loaded */
	}
	buf_add(&x->resp, p, len);
	return len;
}

static void header_value(const char *line, size_t len, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);
	if (len <= n + 1 || strncasecmp(line, name, n) || line[n] != ':')
		return;
	const char *v = line + n + 1;
	size_t vl = len - n - 1;
	while (vl && (*v == ' ' || *v == '\t'))
		v++, vl--;
	while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
		vl--;
	snprintf(out, cap, "%.*s", (int)vl, v);
}

static size_t on_header(char *p, size_t sz, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = sz * n;
	if (len > 5 && !strncmp(p, "HTTP/", 5)) {
		/* A new response (after a redirect or 100-continue): forget the previous one. */
		x->content_type[0] = x->retry_after[0] = x->ratelimit_reset[0] = '\0';
	}
	header_value(p, len, "Content-Type", x->content_type, sizeof x->content_type);
	header_value(p, len, "Retry-After", x->retry_after, sizeof x->retry_after);
	header_value(p, len, "X-Ratelimit-Reset", x->ratelimit_reset, sizeof x->ratelimit_reset);
	return len;
}

static void on_io(void *arg, int fd, short revents)
{
	struct http *h = arg;
	int ev = 0, running;
	if (revents & POLLIN)
		ev |= CURL_CSELECT_IN;
	if (revents & POLLOUT)
		ev |= CURL_CSELECT_OUT;
	if (revents & (POLLERR | POLLHUP))
		ev |= CURL_CSELECT_ERR;
	curl_multi_socket_action(h->multi, fd, ev, &running);
	drain(h);
}

static int on_socket(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct http *h = userp;
	short ev = 0;
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		ev |= POLLIN;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		ev |= POLLOUT;
	loop_io(h->loop, s, what == CURL_POLL_REMOVE ? 0 : ev, on_io, h);
	return 0;
}

static void on_timeout(void *arg)
{
	struct http *h = arg;
	int running;
	h->timer = 0;
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	drain(h);
}

static int on_timer(CURLM *m, long ms, void *userp)
{
	struct http *h = userp;
	if (h->timer) {
		loop_timer_cancel(h->loop, h->timer);
		h->timer = 0;
	}
	if (ms >= 0)
		h->timer = loop_timer(h->loop, ms, on_timeout, h);
	return 0;
}

/* ---- life of a transfer ---- */

static void trace(struct http *h, struct xfer *x, const char *what, long status)
{
	if (!h->trace)
		return;
	char *u = http_redact(x->url, (const char *const *)x->secrets);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(h->trace, "%lld.%03ld %s %s %s status=%ld attempt=%d ms=%lld\n",
		(long long)ts.tv_sec, ts.tv_nsec / 1000000, what, x->method, u, status, x->attempts,
		(long long)(loop_now_ms() - x->started));
	fflush(h->trace);
	free(u);
}

static void start(struct xfer *x)
{
	struct http *h = x->h;
	buf_reset(&x->resp);
	x->too_big = false;
	x->content_type[0] = x->retry_after[0] = x->ratelimit_reset[0] = '\0';
	x->attempts++;
	x->retry_timer = 0;
	h->stats.requests++;
	trace(h, x, "send", 0);
	curl_multi_add_handle(h->multi, x->easy);
	x->in_multi = true;
}

static void retry_now(void *arg)
{
	start(arg);
}

static void unlink_xfer(struct http *h, struct xfer *x)
{
	for (struct xfer **pp = &h->all; *pp; pp = &(*pp)->next)
		if (*pp == x) {
			*pp = x->next;
			return;
		}
}

static void xfer_free(struct xfer *x)
{
	if (x->in_multi)
		curl_multi_remove_handle(x->h->multi, x->easy);
	if (x->retry_timer)
		loop_timer_cancel(x->h->loop, x->retry_timer);
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->hdrs);
	free(x->method);
	free(x->url);
	free(x->body);
	if (x->userpwd) {
		memset(x->userpwd, 0, strlen(x->userpwd));
		free(x->userpwd);
	}
	free(x->marker);
	for (int i = 0; x->secrets && x->secrets[i]; i++)
		free(x->secrets[i]);
	free(x->secrets);
	buf_free(&x->resp);
	free(x);
}

static long backoff_ms(struct http *h, int attempt)
{
	long d = h->o.backoff_base_ms;
	for (int i = 1; i < attempt && d < h->o.backoff_max_ms; i++)
		d *= 2;
	if (d > h->o.backoff_max_ms)
		d = h->o.backoff_max_ms;
	/* Full jitter between half and all of the delay, so clients do not march in step. */
	h->rng = h->rng * 1103515245u + 12345u;
	return d / 2 + (long)((h->rng >> 8) % (unsigned)(d / 2 + 1));
}

/* Delay a 429 asks for: Retry-After (seconds or an HTTP date), or X-Ratelimit-Reset
 * (epoch seconds); -1 when neither says. */
static long rate_delay_ms(const struct xfer *x)
{
	time_t now = time(NULL);
	if (x->retry_after[0]) {
		char *end;
		long s = strtol(x->retry_after, &end, 10);
		if (!*end && s >= 0)
			return s * 1000;
		time_t t = curl_getdate(x->retry_after, NULL);
		if (t > 0)
			return t > now ? (long)(t - now) * 1000 : 0;
	}
	if (x->ratelimit_reset[0]) {
		long long e = strtoll(x->ratelimit_reset, NULL, 10);
		if (e > 1000000000000LL)
			e /= 1000; /* milliseconds */
		if (e > 0)
			return e > now ? (long)(e - now) * 1000 : 0;
	}
	return -1;
}

static enum http_error classify(CURLcode c)
{
	switch (c) {
	case CURLE_OK:
		return HTTP_OK;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return HTTP_ERR_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_ERR_TIMEOUT;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
		return HTTP_ERR_RESET;
	case CURLE_PARTIAL_FILE:
		return HTTP_ERR_TRUNCATED;
	case CURLE_FILESIZE_EXCEEDED:
		return HTTP_ERR_TOO_BIG;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		return HTTP_ERR_TLS;
	default:
		return HTTP_ERR_OTHER;
	}
}

static const char *error_sentence(enum http_error e)
{
	switch (e) {
	case HTTP_ERR_CONNECT:
		return "could not connect to the server";
	case HTTP_ERR_TIMEOUT:
		return "the server did not answer in time";
	case HTTP_ERR_RESET:
		return "the connection was reset before an answer came";
	case HTTP_ERR_TRUNCATED:
		return "the answer was cut off before its end";
	case HTTP_ERR_TOO_BIG:
		return "the answer was larger than the body cap and was refused";
	case HTTP_ERR_TLS:
		return "TLS failed (certificate not trusted?)";
	default:
		return "the transfer failed";
	}
}

static void finish(struct http *h, struct xfer *x, CURLcode code)
{
	curl_multi_remove_handle(h->multi, x->easy);
	x->in_multi = false;
	enum http_error err = x->too_big ? HTTP_ERR_TOO_BIG : classify(code);
	long status = 0;
	if (err == HTTP_OK)
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	trace(h, x, "done", status);

	bool transient =
	    (err == HTTP_ERR_RESET || err == HTTP_ERR_TIMEOUT || err == HTTP_ERR_TRUNCATED ||
	     err == HTTP_ERR_CONNECT || (err == HTTP_OK && status >= 500 && status != 501));
	bool rate = err == HTTP_OK && status == 429;
	if (rate && x->marker && x->marker[0] && x->resp.data && strstr(x->resp.data, x->marker))
		rate = false; /* quota spent: waiting will not help, say so */
	if (x->attempts <= h->o.max_retries && ((transient && x->idempotent) || rate)) {
		long d = rate ? rate_delay_ms(x) : -1;
		if (d < 0)
			d = backoff_ms(h, x->attempts);
		if (d <= h->o.backoff_max_ms * 2) {
			h->stats.retries++;
			x->retry_timer = loop_timer(h->loop, d, retry_now, x);
			return;
		}
	}

	struct http_resp rs = {
	    .error = err,
	    .status = status,
	    .body = x->resp.data ? x->resp.data : "",
	    .len = x->resp.len,
	    .content_type = x->content_type[0] ? x->content_type : NULL,
	    .error_text = err == HTTP_OK ? NULL : error_sentence(err),
	    .attempts = x->attempts,
	    .elapsed_ms = (long)(loop_now_ms() - x->started),
	};
	if (err == HTTP_ERR_TOO_BIG)
		rs.body = "", rs.len = 0;
	h->stats.completed++;
	unlink_xfer(h, x);
	http_done_fn fn = x->fn;
	void *arg = x->arg;
	fn(arg, &rs);
	xfer_free(x);
}

static void drain(struct http *h)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(h->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		struct xfer *x = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (x)
			finish(h, x, m->data.result);
	}
}

/* ---- public ---- */

struct http *http_new(struct loop *l, const struct http_opts *opts)
{
	static bool global;
	if (!global) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		global = true;
	}
	struct http *h = xcalloc(1, sizeof *h);
	h->loop = l;
	if (opts)
		h->o = *opts;
	if (!h->o.max_body)
		h->o.max_body = 32u << 20;
	if (!h->o.connect_timeout_ms)
		h->o.connect_timeout_ms = 10000;
	if (!h->o.stall_timeout_ms)
		h->o.stall_timeout_ms = 30000;
	if (!h->o.max_retries)
		h->o.max_retries = 4;
	if (!h->o.backoff_base_ms)
		h->o.backoff_base_ms = 250;
	if (!h->o.backoff_max_ms)
		h->o.backoff_max_ms = 30000;
	if (!h->o.max_host_connections)
		h->o.max_host_connections = 6;
	h->next_id = 1;
	h->rng = (unsigned)loop_now_ms();
	h->multi = curl_multi_init();
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)h->o.max_host_connections);
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	if (h->o.trace_path) {
		/* The trace is redacted, but it still tells which accounts were used: 0600. */
		int fd = open(h->o.trace_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		h->trace = fd >= 0 ? fdopen(fd, "a") : NULL;
	}
	return h;
}

void http_free(struct http *h)
{
	if (!h)
		return;
	while (h->all) {
		struct xfer *x = h->all;
		h->all = x->next;
		xfer_free(x);
	}
	if (h->timer)
		loop_timer_cancel(h->loop, h->timer);
	curl_multi_cleanup(h->multi);
	if (h->trace)
		fclose(h->trace);
	free(h);
}

uint64_t http_submit(struct http *h, const struct http_req *rq, http_done_fn fn, void *arg)
{
	struct xfer *x = xcalloc(1, sizeof *x);
	x->h = h;
	x->id = h->next_id++;
	x->fn = fn;
	x->arg = arg;
	x->method = xstrdup(rq->method);
	x->url = xstrdup(rq->url);
	x->body = rq->body ? xstrdup(rq->body) : NULL;
	x->userpwd = rq->userpwd ? xstrdup(rq->userpwd) : NULL;
	x->marker = rq->no_retry_marker ? xstrdup(rq->no_retry_marker) : NULL;
	x->idempotent = rq->idempotent;
	size_t ns = 0;
	while (rq->secrets && rq->secrets[ns])
		ns++;
	x->secrets = xcalloc(ns + 2, sizeof *x->secrets);
	for (size_t i = 0; i < ns; i++)
		x->secrets[i] = xstrdup(rq->secrets[i]);
	if (x->userpwd && strchr(x->userpwd, ':'))
		x->secrets[ns] = xstrdup(strchr(x->userpwd, ':') + 1);
	buf_init(&x->resp);
	x->started = loop_now_ms();

	CURL *e = curl_easy_init();
	x->easy = e;
	for (int i = 0; rq->headers && rq->headers[i]; i++)
		x->hdrs = curl_slist_append(x->hdrs, rq->headers[i]);
	if (x->body && !x->hdrs)
		x->hdrs = curl_slist_append(x->hdrs, "Content-Type: application/json");
	x->hdrs = curl_slist_append(x->hdrs, "Expect:");
	curl_easy_setopt(e, CURLOPT_URL, x->url);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->method);
	if (!strcmp(x->method, "HEAD"))
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	if (x->body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(x->body));
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
	if (x->userpwd) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERPWD, x->userpwd);
	}
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->o.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (h->o.stall_timeout_ms + 999) / 1000);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->o.max_body);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "orgdeck/0.1");
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	if (rq->timeout_ms > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, rq->timeout_ms);
	const char *ca = getenv("CURL_CA_BUNDLE");
	if (!ca || !*ca)
		ca = getenv("SSL_CERT_FILE");
	if (ca && *ca)
		curl_easy_setopt(e, CURLOPT_CAINFO, ca);
	if (rq->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	x->next = h->all;
	h->all = x;
	start(x);
	return x->id;
}

void http_cancel(struct http *h, uint64_t id)
{
	for (struct xfer *x = h->all; x; x = x->next)
		if (x->id == id) {
			unlink_xfer(h, x);
			trace(h, x, "cancel", 0);
			xfer_free(x);
			return;
		}
}

int http_in_flight(const struct http *h)
{
	int n = 0;
	for (const struct xfer *x = h->all; x; x = x->next)
		n++;
	return n;
}

struct http_stats http_stats(const struct http *h)
{
	return h->stats;
}
