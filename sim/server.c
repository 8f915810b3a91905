/* orgdeck-sim: the HTTP server. Parses options, opens the state, lets each dialect set up
 * its data, then serves requests, routing by path prefix.
 *
 * Threads: without latency, jitter or drip faults the daemon runs a small pool of polling
 * threads (one per CPU, 2 to 8); every handler runs under the one global lock anyway, so
 * more threads would only queue on it. With --latency-ms, --jitter-ms or drip faults, which
 * sleep while answering, it runs one thread per connection so a sleeping answer never
 * holds up another connection. ORGDECK_SIM_THREADS=conn forces thread-per-connection
 * (for comparing the two in bench/sim_load.sh).
 *
 * Faults and latency are applied here, around the dialect, in the dialect's own envelope
 * (see the order in answer() and in sim.h). --log writes one line per request once it is
 * finished (so the time includes a dripped body): METHOD PATH STATUS MS [fault=KIND].
 * PATH never includes the query string, where Quorum carries its credentials. */
#include "sim/sim.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

void sim_store_finalize(void);

struct fault_rates {
	double e500, e503, e429, reset, truncate, html, drip;
};

static struct {
	struct sim sim;
	struct fault_rates faults;
	int latency_ms, jitter_ms;
	FILE *log;
	pthread_mutex_t log_lock;
	const char *only; /* --dialects */
	size_t max_body;
	struct sim_rng fault_rng;
	pthread_mutex_t rng_lock;
} g;

/* Per request (MHD's con_cls). */
struct conn_state {
	struct buf body;
	bool too_big;
	double t0; /* first byte of the request seen */
	char method[16];
	char *path;	   /* for the log: the path, without the query */
	int status;	   /* what was queued; 0 for a reset */
	const char *fault; /* the injected fault, or NULL */
};

enum fault_kind { F_NONE, F_500, F_503, F_429, F_RESET, F_HTML, F_TRUNCATE, F_DRIP };
static const char *const fault_names[] = {NULL,	   "500",  "503",      "429",
					  "reset", "html", "truncate", "drip"};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double roll(void)
{
	pthread_mutex_lock(&g.rng_lock);
	double r = (double)(sim_rng_next(&g.fault_rng) >> 11) / 9007199254740992.0;
	pthread_mutex_unlock(&g.rng_lock);
	return r;
}

static bool dialect_enabled(const struct sim_dialect *d)
{
	if (!g.only)
		return true;
	const char *p = strstr(g.only, d->name);
	if (!p)
		return false;
	size_t n = strlen(d->name);
	return (p == g.only || p[-1] == ',') && (p[n] == '\0' || p[n] == ',');
}

static const struct sim_dialect *route(const char *url, const char **rest)
{
	for (int i = 0; sim_dialects[i]; i++) {
		const struct sim_dialect *d = sim_dialects[i];
		if (!dialect_enabled(d))
			continue;
		size_t n = strlen(d->prefix);
		if (strncmp(url, d->prefix, n) == 0 && (url[n] == '/' || url[n] == '\0')) {
			*rest = url + n;
			return d;
		}
	}
	return NULL;
}

/* --- drip and truncation: body producers that misbehave on purpose ---
 * truncate: Content-Length announces the whole body, half of it is sent, then the
 * connection is closed (curl: "partial file"). drip: the whole body, in DRIP_PIECES
 * pieces each after a DRIP_GAP_MS pause (a second whatever the size: slow but complete). */
#define DRIP_PIECES 20
#define DRIP_GAP_MS 50

struct slow_body {
	char *data;
	size_t len;
	size_t stop_at; /* truncate: bytes sent before the connection is cut */
	size_t piece;	/* drip: bytes per piece, 0 when not dripping */
};

static ssize_t slow_reader(void *cls, uint64_t pos, char *out, size_t max)
{
	struct slow_body *b = cls;
	if (pos >= b->stop_at)
		return pos >= b->len ? MHD_CONTENT_READER_END_OF_STREAM
				     : MHD_CONTENT_READER_END_WITH_ERROR;
	size_t n = b->stop_at - pos;
	if (b->piece) {
		if (n > b->piece)
			n = b->piece;
		usleep(DRIP_GAP_MS * 1000);
	}
	if (n > max)
		n = max;
	memcpy(out, b->data + pos, n);
	return (ssize_t)n;
}

static void slow_free(void *cls)
{
	struct slow_body *b = cls;
	free(b->data);
	free(b);
}

/* The path as the log shows it: bytes outside printable ASCII (MHD has already decoded
 * %XX, so a path may hold newlines or escape sequences) become \xNN, so that one request
 * is always one line and a log viewed in a terminal cannot be turned against it. */
static char *log_path(const char *url)
{
	size_t n = strlen(url);
	if (n > 2048)
		n = 2048;
	char *out = xmalloc(n * 4 + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)url[i];
		if (c < 0x21 || c > 0x7e || c == '\\') {
			snprintf(o, 5, "\\x%02x", c);
			o += 4;
		} else {
			*o++ = (char)c;
		}
	}
	*o = '\0';
	return out;
}

static void log_request(const struct conn_state *cs)
{
	if (!g.log || !cs->path)
		return;
	double ms = now_ms() - cs->t0;
	pthread_mutex_lock(&g.log_lock);
	fprintf(g.log, "%s %s %d %.1f%s%s\n", cs->method, cs->path, cs->status, ms,
		cs->fault ? " fault=" : "", cs->fault ? cs->fault : "");
	fflush(g.log);
	pthread_mutex_unlock(&g.log_lock);
}

/* Closes the connection with a TCP reset (RST), not a polite FIN: what a crashed proxy
 * or a dropped NAT entry looks like to the client. */
static void arm_reset(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci) {
		struct linger l = {.l_onoff = 1, .l_linger = 0};
		setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	}
}

static bool any_faults(void)
{
	const struct fault_rates *f = &g.faults;
	return f->e500 > 0 || f->e503 > 0 || f->e429 > 0 || f->reset > 0 || f->truncate > 0 ||
	       f->html > 0 || f->drip > 0;
}

static enum fault_kind pick_fault(void)
{
	if (!any_faults())
		return F_NONE;
	const struct fault_rates *f = &g.faults;
	double r = roll(), acc = 0;
	if (r < (acc += f->e500))
		return F_500;
	if (r < (acc += f->e503))
		return F_503;
	if (r < (acc += f->e429))
		return F_429;
	if (r < (acc += f->reset))
		return F_RESET;
	if (r < (acc += f->html))
		return F_HTML;
	if (r < (acc += f->truncate))
		return F_TRUNCATE;
	if (r < (acc += f->drip))
		return F_DRIP;
	return F_NONE;
}

/* One request. The order is the contract of --faults (see sim.h):
 *   1. latency and jitter (outside the lock);
 *   2. faults that stop the request before the vendor sees it - 500, 503, 429, reset,
 *      html - so the stored state is untouched;
 *   3. the dialect's handler, under the lock (413 instead when the body was too big);
 *   4. faults that spoil the answer after the handler ran - truncate, drip - so a write
 *      may have been applied although the client saw a broken (truncate) or slow (drip)
 *      answer: the "uncertain" case a real client must survive by re-reading.
 * Either way a write is applied whole or not at all: faults never corrupt the state. */
static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct conn_state *cs = *con_cls;
	if (!cs) {
		cs = xcalloc(1, sizeof *cs);
		buf_init(&cs->body);
		buf_puts(&cs->body, "");
		cs->t0 = now_ms();
		snprintf(cs->method, sizeof cs->method, "%s", method);
		for (char *p = cs->method; *p; p++)
			if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
				*p = '?';
		cs->path = log_path(url);
		*con_cls = cs;
		return MHD_YES;
	}
	if (*upload_size) {
		if (cs->too_big || cs->body.len + *upload_size > g.max_body)
			cs->too_big = true; /* read on and drop, then answer 413 */
		else
			buf_add(&cs->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}

	struct sim_resp rs = {0};
	const char *rest = NULL;
	const struct sim_dialect *d = route(url, &rest);

	if (g.latency_ms > 0 || g.jitter_ms > 0) {
		long ms = g.latency_ms + (g.jitter_ms > 0 ? (long)(roll() * g.jitter_ms) : 0);
		usleep((useconds_t)ms * 1000);
	}

	enum fault_kind fault = d ? pick_fault() : F_NONE;
	cs->fault = fault_names[fault];

	if (!d) {
		sim_resp_text(&rs, 404, "text/plain", xstrdup("no such path\n"));
	} else if (fault == F_RESET) {
		arm_reset(conn);
		cs->status = 0;
		return MHD_NO;
	} else if (fault == F_HTML) {
		sim_resp_text(
		    &rs, 502, "text/html",
		    xstrdup(
			"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
			"<body><h1>502 Bad Gateway</h1><hr><p>upstream proxy</p></body></html>\n"));
	} else if (fault == F_500 || fault == F_503 || fault == F_429) {
		int st = fault == F_500 ? 500 : fault == F_503 ? 503 : 429;
		d->error(&rs, st, st == 429 ? NULL : "simulated server fault");
	} else if (cs->too_big) {
		d->error(&rs, 413, "request body too large");
	} else {
		struct sim_req rq = {.method = method,
				     .path = rest,
				     .body = cs->body.data,
				     .body_len = cs->body.len,
				     .conn = conn};
		pthread_mutex_lock(&g.sim.lock);
		d->handle(&g.sim, &rq, &rs);
		pthread_mutex_unlock(&g.sim.lock);
		if (rs.drop_connection) {
			free(rs.body);
			arm_reset(conn);
			cs->status = 0;
			return MHD_NO;
		}
	}
	if (!rs.body)
		sim_resp_text(&rs, rs.status ? rs.status : 500, "text/plain", xstrdup(""));

	if (fault == F_TRUNCATE && rs.body_len == 0)
		cs->fault = NULL; /* nothing to cut: an empty answer goes out whole */
	struct MHD_Response *resp;
	if ((fault == F_TRUNCATE && rs.body_len > 0) || fault == F_DRIP) {
		struct slow_body *b = xcalloc(1, sizeof *b);
		b->data = rs.body;
		b->len = rs.body_len;
		b->stop_at = fault == F_TRUNCATE ? rs.body_len / 2 : rs.body_len;
		if (fault == F_DRIP) {
			b->piece = (rs.body_len + DRIP_PIECES - 1) / DRIP_PIECES;
			if (b->piece < 1)
				b->piece = 1;
		}
		resp =
		    MHD_create_response_from_callback(rs.body_len, 4096, slow_reader, b, slow_free);
	} else {
		resp = MHD_create_response_from_buffer(rs.body_len, rs.body, MHD_RESPMEM_MUST_FREE);
	}
	MHD_add_response_header(resp, "Content-Type",
				rs.content_type ? rs.content_type : "text/plain");
	for (int i = 0; i < rs.nheaders; i++)
		MHD_add_response_header(resp, rs.headers[i][0], rs.headers[i][1]);
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)rs.status, resp);
	MHD_destroy_response(resp);
	cs->status = rs.status;
	return ret;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct conn_state *cs = *con_cls;
	if (cs) {
		log_request(cs);
		buf_free(&cs->body);
		free(cs->path);
		free(cs);
		*con_cls = NULL;
	}
}

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: orgdeck-sim [options]\n"
	    "  --listen ADDR:PORT   address to listen on (default 127.0.0.1:0, a free port)\n"
	    "  --port-file FILE     write the port once listening\n"
	    "  --print-config       print an orgdeck config pointing here on stdout\n"
	    "  --seed N             data seed (default 1)\n"
	    "  --orgs N             organizations per vendor (default 200)\n"
	    "  --dialects LIST      serve only these (comma-separated names)\n"
	    "  --state FILE         keep state in this SQLite file (default: in memory)\n"
	    "  --rate-limits        enforce each vendor's documented rate limit\n"
	    "  --hostile            include names crafted to attack a terminal\n"
	    "  --latency-ms N       delay every answer by N ms\n"
	    "  --jitter-ms N        add up to N ms of random delay\n"
	    "  --faults SPEC        e.g. "
	    "500=0.05,503=0.02,429=0.05,reset=0.02,truncate=0.02,html=0.02,drip=0.02\n"
	    "                       rates per request (sum <= 1). 500/503/429: the vendor's error\n"
	    "                       envelope; reset: TCP reset, no answer; html: a proxy's HTML "
	    "502;\n"
	    "                       these come before the vendor sees the request. truncate: half "
	    "the\n"
	    "                       body, then the connection closes; drip: the whole body over ~1 "
	    "s;\n"
	    "                       these come after it, so a write may have been applied.\n"
	    "  --log FILE           one line per request: method path status ms\n");
}

static bool parse_faults(const char *spec)
{
	char *dup = xstrdup(spec), *save = NULL;
	bool ok = true;
	for (char *tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq) {
			ok = false;
			break;
		}
		*eq = '\0';
		char *end;
		double v = strtod(eq + 1, &end);
		if (end == eq + 1 || *end || !(v >= 0 && v <= 1)) {
			ok = false;
			break;
		}
		if (!strcmp(tok, "500"))
			g.faults.e500 = v;
		else if (!strcmp(tok, "503"))
			g.faults.e503 = v;
		else if (!strcmp(tok, "429"))
			g.faults.e429 = v;
		else if (!strcmp(tok, "reset"))
			g.faults.reset = v;
		else if (!strcmp(tok, "truncate"))
			g.faults.truncate = v;
		else if (!strcmp(tok, "html"))
			g.faults.html = v;
		else if (!strcmp(tok, "drip"))
			g.faults.drip = v;
		else {
			ok = false;
			break;
		}
	}
	free(dup);
	const struct fault_rates *f = &g.faults;
	if (f->e500 + f->e503 + f->e429 + f->reset + f->truncate + f->html + f->drip > 1.0 + 1e-9)
		ok = false; /* rates of one roll: they must not add up to more than 1 */
	return ok;
}

/* A whole number in 0..max, or exit 2 with a message. */
static long opt_count(const char *opt, const char *v, long max)
{
	long n;
	if (!sim_parse_long(v, &n) || n < 0 || n > max) {
		fprintf(stderr, "orgdeck-sim: %s wants a whole number from 0 to %ld, got %s\n", opt,
			max, v);
		exit(2);
	}
	return n;
}

static void open_state(const char *path)
{
	/* Every use of the connection is under g.sim.lock (or before the daemon starts), so
	 * SQLite's own per-call mutexes and memory statistics are pure overhead (~5% of
	 * generating a million organizations). */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sqlite3_open_v2(path ? path : ":memory:", &g.sim.db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		fprintf(stderr, "orgdeck-sim: cannot open state %s: %s\n", path,
			sqlite3_errmsg(g.sim.db));
		exit(1);
	}
	sqlite3_busy_timeout(g.sim.db, 5000);
	sqlite3_exec(
	    g.sim.db,
	    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
	    "CREATE TABLE IF NOT EXISTS sim_org(dialect TEXT NOT NULL, id TEXT NOT NULL,"
	    " name TEXT, doc TEXT NOT NULL, UNIQUE(dialect, id));"
	    /* A dialect's organizations in natural (rowid) order with no sort: an index
	     * on dialect alone ends in rowid. Without it a 25-row page sorted all of
	     * the dialect's rows (3 ms at 10,000, 0.3 s at a million). */
	    "CREATE INDEX IF NOT EXISTS sim_org_order ON sim_org(dialect);"
	    "CREATE TABLE IF NOT EXISTS sim_sub(dialect TEXT NOT NULL, parent TEXT NOT NULL,"
	    " kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL,"
	    " PRIMARY KEY(dialect, parent, kind, id));"
	    "CREATE TABLE IF NOT EXISTS sim_counter(name TEXT PRIMARY KEY, value INTEGER);"
	    "CREATE TABLE IF NOT EXISTS sim_rate(dialect TEXT, key TEXT, window_start INTEGER,"
	    " count INTEGER, PRIMARY KEY(dialect, key));"
	    "CREATE TABLE IF NOT EXISTS sim_meta(key TEXT PRIMARY KEY, value TEXT);",
	    NULL, NULL, NULL);
}

static bool meta_has(const char *key)
{
	sqlite3_stmt *q;
	sqlite3_prepare_v2(g.sim.db, "SELECT 1 FROM sim_meta WHERE key=?1", -1, &q, NULL);
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	bool r = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return r;
}

static void meta_set(const char *key)
{
	sqlite3_stmt *q;
	sqlite3_prepare_v2(g.sim.db, "INSERT OR REPLACE INTO sim_meta(key,value) VALUES(?1,'1')",
			   -1, &q, NULL);
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_step(q);
	sqlite3_finalize(q);
}

int main(int argc, char **argv)
{
	const char *listen_at = "127.0.0.1:0", *port_file = NULL, *state = NULL, *log_path = NULL;
	bool print_config = false;
	g.sim.seed = 1;
	g.sim.orgs = 200;
	g.max_body = 1 << 20;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (!strcmp(a, name) && v && (i++, 1))
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--print-config")) {
			print_config = true;
		} else if (!strcmp(a, "--rate-limits")) {
			g.sim.rate_limits = true;
		} else if (!strcmp(a, "--hostile")) {
			g.sim.hostile = true;
		} else if (OPT("--listen")) {
			listen_at = v;
		} else if (OPT("--port-file")) {
			port_file = v;
		} else if (OPT("--seed")) {
			g.sim.seed = strtoull(v, NULL, 10);
		} else if (OPT("--orgs")) {
			g.sim.orgs = opt_count(a, v, 100000000);
		} else if (OPT("--dialects")) {
			g.only = v;
		} else if (OPT("--state")) {
			state = v;
		} else if (OPT("--latency-ms")) {
			g.latency_ms = (int)opt_count(a, v, 600000);
		} else if (OPT("--jitter-ms")) {
			g.jitter_ms = (int)opt_count(a, v, 600000);
		} else if (OPT("--log")) {
			log_path = v;
		} else if (OPT("--faults")) {
			if (!parse_faults(v)) {
				fprintf(stderr, "orgdeck-sim: bad --faults spec: %s\n", v);
				return 2;
			}
		} else {
			fprintf(stderr, "orgdeck-sim: unknown option %s\n", a);
			usage(stderr);
			return 2;
		}
#undef OPT
	}

	char host[64] = "127.0.0.1";
	int port = 0;
	const char *colon = strrchr(listen_at, ':');
	if (colon) {
		snprintf(host, sizeof host, "%.*s", (int)(colon - listen_at), listen_at);
		port = atoi(colon + 1);
	}
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
		fprintf(stderr, "orgdeck-sim: --listen wants IPv4ADDR:PORT, got %s\n", listen_at);
		return 2;
	}
	if (log_path && !(g.log = fopen(log_path, "a"))) {
		fprintf(stderr, "orgdeck-sim: cannot open log %s: %s\n", log_path, strerror(errno));
		return 1;
	}
	pthread_mutex_init(&g.sim.lock, NULL);
	pthread_mutex_init(&g.log_lock, NULL);
	pthread_mutex_init(&g.rng_lock, NULL);
	sim_rng_seed(&g.fault_rng, g.sim.seed, "faults");

	open_state(state);
	for (int i = 0; sim_dialects[i]; i++) {
		const struct sim_dialect *d = sim_dialects[i];
		if (!dialect_enabled(d))
			continue;
		char key[64];
		snprintf(key, sizeof key, "generated:%s", d->name);
		bool fresh = !meta_has(key);
		d->setup(&g.sim, fresh);
		if (fresh)
			meta_set(key);
	}

	/* Signals go to the main thread only, which waits for them below. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* See the top of this file: a pool unless something sleeps inside an answer. */
	bool sleeps = g.latency_ms > 0 || g.jitter_ms > 0 || g.faults.drip > 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned pool = (unsigned)(ncpu < 2 ? 2 : ncpu > 8 ? 8 : ncpu);
	const char *pool_env = getenv("ORGDECK_SIM_THREADS"); /* "conn" forces one per connection */
	if (pool_env && !strcmp(pool_env, "conn"))
		sleeps = true;
	struct MHD_Daemon *daemon;
	if (sleeps)
		daemon = MHD_start_daemon(
		    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			MHD_USE_ERROR_LOG,
		    0, NULL, NULL, answer, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
		    (unsigned)60, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
	else
		daemon = MHD_start_daemon(
		    MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL,
		    NULL, answer, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
		    (unsigned)60, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
		    MHD_OPTION_THREAD_POOL_SIZE, pool, MHD_OPTION_END);
	if (!daemon) {
		fprintf(stderr, "orgdeck-sim: cannot listen on %s\n", listen_at);
		return 1;
	}
	g.sim.port = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
	char base[96];
	snprintf(base, sizeof base, "http://%s:%d", host, g.sim.port);
	if (print_config) {
		printf("; orgdeck config written by orgdeck-sim (seed %llu), serving %s\n",
		       (unsigned long long)g.sim.seed, base);
		for (int i = 0; sim_dialects[i]; i++)
			if (dialect_enabled(sim_dialects[i]))
				sim_dialects[i]->print_config(&g.sim, stdout, base);
		fflush(stdout);
	}
	if (port_file) {
		char tmp[4096];
		snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
		FILE *pf = fopen(tmp, "w");
		if (!pf || fprintf(pf, "%d\n", g.sim.port) < 0 || fclose(pf) != 0 ||
		    rename(tmp, port_file) != 0) {
			fprintf(stderr, "orgdeck-sim: cannot write %s\n", port_file);
			return 1;
		}
	}
	int sig = 0;
	sigwait(&set, &sig);
	MHD_stop_daemon(daemon);
	sim_store_finalize();
	sqlite3_close(g.sim.db);
	if (g.log)
		fclose(g.log);
	return 0;
}
