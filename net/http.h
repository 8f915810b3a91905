/* http: the asynchronous HTTP engine over libcurl multi, driven by net/loop. Transport
 * only: it never parses a vendor's body and never names a vendor.
 *
 * A request is submitted with a completion callback and returns at once. The engine
 * retries idempotent requests on 5xx, resets and timeouts with exponential backoff and
 * jitter; a 429 waits for Retry-After or X-Ratelimit-Reset when sent, else backs off,
 * unless its body contains the request's no_retry_marker (a spent quota). Non-idempotent
 * requests are never retried blindly. Bodies over the cap are refused, not loaded.
 * Secrets listed with a request are redacted from the trace (--trace FILE), and the
 * URL's query values of credential-like parameters always are.
 *
 * Ownership: the engine copies everything in struct http_req at submit. The response
 * handed to the callback is valid only during the callback. */
#ifndef ORGDECK_HTTP_H
#define ORGDECK_HTTP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct http;

enum http_error {
	HTTP_OK,	    /* an HTTP answer arrived (any status) */
	HTTP_ERR_CONNECT,   /* could not connect / resolve */
	HTTP_ERR_TIMEOUT,   /* connect timeout or stalled transfer */
	HTTP_ERR_RESET,	    /* connection reset or closed without an answer */
	HTTP_ERR_TRUNCATED, /* the body stopped short */
	HTTP_ERR_TOO_BIG,   /* body over the cap */
	HTTP_ERR_TLS,	    /* certificate or TLS failure */
	HTTP_ERR_OTHER,
};

struct http_opts {
	size_t max_body;	  /* default 32 MiB */
	long connect_timeout_ms;  /* default 10 s */
	long stall_timeout_ms;	  /* no byte for this long: timeout (default 30 s) */
	int max_retries;	  /* default 4 */
	long backoff_base_ms;	  /* default 250 */
	long backoff_max_ms;	  /* default 30 s */
	int max_host_connections; /* default 6 */
	const char *trace_path;	  /* NULL: no trace */
};

struct http_req {
	const char *method;
	const char *url;
	const char *const *headers; /* "Name: value", NULL-terminated, may be NULL */
	const char *body;	    /* NULL for none */
	const char *userpwd;	    /* HTTP Basic "user:pass" */
	bool idempotent;
	bool insecure; /* skip TLS verification (profile said so) */
	const char *no_retry_marker;
	const char *const *secrets; /* redacted in the trace; NULL-terminated */
	long timeout_ms;	    /* whole-request limit, 0 for none */
};

struct http_resp {
	enum http_error error;
	long status; /* 0 when error != HTTP_OK */
	const char *body;
	size_t len;
	const char *content_type; /* NULL if none */
	const char *error_text;	  /* a sentence for error != HTTP_OK */
	int attempts;
	long elapsed_ms;
};

typedef void (*http_done_fn)(void *arg, const struct http_resp *rs);

struct http *http_new(struct loop *l, const struct http_opts *opts);
void http_free(struct http *h); /* cancels everything in flight, no callbacks */
uint64_t http_submit(struct http *h, const struct http_req *rq, http_done_fn fn, void *arg);
/* Cancels a request; its callback will not be called. Unknown ids are ignored. */
void http_cancel(struct http *h, uint64_t id);
int http_in_flight(const struct http *h);
/* Redacts secrets and credential-like query values from s into a new string. */
char *http_redact(const char *s, const char *const *secrets);
/* Counters for tests and benchmarks. */
struct http_stats {
	long requests, retries, completed;
};
struct http_stats http_stats(const struct http *h);

#endif
