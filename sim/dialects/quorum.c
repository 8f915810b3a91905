/* quorum dialect: not written yet; answers 501 in a plain body. */
#include "sim/sim.h"
#include "net/xalloc.h"

static void setup(struct sim *s, bool fresh)
{
}

static void error(struct sim_resp *rs, int status, const char *message)
{
	sim_resp_text(rs, status, "text/plain", xstrdup(message ? message : "error"));
}

static void handle(struct sim *s, const struct sim_req *rq, struct sim_resp *rs)
{
	error(rs, 501, "not implemented");
}

static void print_config(struct sim *s, FILE *out, const char *base)
{
}

const struct sim_dialect sim_quorum = {
	.name = "quorum", .prefix = "/quorum/api", .setup = setup, .handle = handle, .error = error,
	.print_config = print_config,
};
