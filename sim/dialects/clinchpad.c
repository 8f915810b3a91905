/* ClinchPad CRM API v1 (seed 004): /organizations with page/size, CRUD, custom fields set
 * one at a time, embedded contacts. Quirks kept on purpose: `_id` is a 24-hex ObjectId;
 * list and show embed `contacts` but create/update/field responses do not; a page past the
 * end is an empty array; no total count anywhere. Auth is HTTP Basic with the literal
 * user "api-key" (VENDORS.md 5.1); 1,200 calls an hour per key (5.4). */
#include "sim/sim.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <string.h>

#define D "clinchpad"
#define CP_KEY "cp-demo-4b1d9e7a2c"

/* Account-wide custom organization fields; the first is the seed's own id. */
static const struct {
	const char *id, *name;
} org_fields[] = {
    {"531ed3a49a21f6e90b00000e", "custom organization field"},
    {"531ed3a49a21f6e90b00000f", "Account tier"},
    {"531ed3a49a21f6e90b000010", "Renewal month"},
};
#define N_FIELDS (sizeof org_fields / sizeof org_fields[0])
static const char *const tiers[] = {"Bronze", "Silver", "Gold", "Platinum", NULL};
static const char *const months[] = {"Monthly", "Annual",  "January", "April",
				     "July",	"October", NULL};

static void error(struct sim_resp *rs, int status, const char *message)
{
	if (!message)
		message = status == 429	  ? "API rate limit exceeded: 1200 calls per hour"
			  : status == 401 ? "Unauthorized: invalid API key"
			  : status == 404 ? "Not found"
					  : "Internal server error";
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "message", message);
	sim_resp_json(rs, status, o);
}

static cJSON *make_fields(struct sim_rng *r, bool with_values)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < N_FIELDS; i++) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "_id", org_fields[i].id);
		cJSON_AddStringToObject(f, "name", org_fields[i].name);
		if (with_values && r && sim_rng_range(r, 0, 3) > 0)
			cJSON_AddStringToObject(f, "value",
						sim_rng_pick(r, i == 1 ? tiers : months));
		else
			cJSON_AddNullToObject(f, "value");
		cJSON_AddItemToArray(a, f);
	}
	return a;
}

static void setup(struct sim *s, bool fresh)
{
	if (!fresh)
		return;
	struct sim_rng r;
	sim_rng_seed(&r, s->seed, D);
	sim_begin(s);
	for (long i = 0; i < s->orgs; i++) {
		char id[25], name[512], dom[64], buf[128];
		sim_gen_hex_id(&r, id);
		sim_gen_org_name(s, &r, i, name, sizeof name);
		sim_gen_domain(name, dom, sizeof dom);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "_id", id);
		cJSON_AddStringToObject(o, "name", name);
		snprintf(buf, sizeof buf, "contact@%s", dom);
		cJSON_AddStringToObject(o, "email", buf);
		snprintf(buf, sizeof buf, "555%07ld", sim_rng_range(&r, 0, 9999999));
		cJSON_AddStringToObject(o, "phone", buf);
		snprintf(buf, sizeof buf, "http://www.%s", dom);
		cJSON_AddStringToObject(o, "website", buf);
		if (sim_rng_range(&r, 0, 2) == 0) {
			cJSON_AddNullToObject(o, "address");
		} else {
			snprintf(buf, sizeof buf, "%ld Market Street, %s",
				 sim_rng_range(&r, 1, 999), sim_rng_pick(&r, sim_cities));
			cJSON_AddStringToObject(o, "address", buf);
		}
		cJSON_AddItemToObject(o, "fields", make_fields(&r, true));
		cJSON *contacts = cJSON_AddArrayToObject(o, "contacts");
		long nc = sim_rng_range(&r, 0, 4);
		for (long c = 0; c < nc; c++) {
			char cid[25], first[32], last[32];
			sim_gen_hex_id(&r, cid);
			sim_gen_person(&r, first, last, sizeof first);
			cJSON *k = cJSON_CreateObject();
			cJSON_AddStringToObject(k, "_id", cid);
			snprintf(buf, sizeof buf, "%s %s", first, last);
			cJSON_AddStringToObject(k, "name", buf);
			if (c == 0)
				cJSON_AddStringToObject(k, "designation", "Owner");
			else
				cJSON_AddNullToObject(k, "designation");
			snprintf(buf, sizeof buf, "%.1s.%s@%s", first, last, dom);
			cJSON_AddStringToObject(k, "email", buf);
			snprintf(buf, sizeof buf, "555%07ld", sim_rng_range(&r, 0, 9999999));
			cJSON_AddStringToObject(k, "phone", buf);
			cJSON_AddNullToObject(k, "address");
			cJSON *kf = cJSON_AddArrayToObject(k, "fields");
			cJSON *f = cJSON_CreateObject();
			cJSON_AddStringToObject(f, "_id", "531ed3a49a21f6e90b00000e");
			cJSON_AddStringToObject(f, "name", "custom contact field");
			cJSON_AddStringToObject(f, "value", sim_rng_pick(&r, months));
			cJSON_AddItemToArray(kf, f);
			cJSON_AddItemToArray(contacts, k);
		}
		char *doc = cJSON_PrintUnformatted(o);
		sim_org_put(s, D, id, name, doc);
		free(doc);
		cJSON_Delete(o);
	}
	sim_commit(s);
}

static bool authorized(struct sim *s, const struct sim_req *rq, struct sim_resp *rs)
{
	char *user = NULL, *pass = NULL;
	bool ok =
	    sim_basic_auth(rq, &user, &pass) && !strcmp(user, "api-key") && !strcmp(pass, CP_KEY);
	free(user);
	free(pass);
	if (!ok) {
		error(rs, 401, NULL);
		sim_resp_header(rs, "WWW-Authenticate", "Basic realm=\"ClinchPad API\"");
		return false;
	}
	long reset;
	if (!sim_rate_take(s, D, CP_KEY, 1200, 3600, &reset)) {
		error(rs, 429, NULL);
		return false;
	}
	return true;
}

/* Create, update and field responses: the object without its contacts, as the seed shows. */
static void answer_without_contacts(struct sim_resp *rs, cJSON *o)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, "contacts");
	sim_resp_json(rs, 200, o);
}

static void save(struct sim *s, cJSON *o)
{
	char *doc = cJSON_PrintUnformatted(o);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "_id");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
	sim_org_put(s, D, id->valuestring, cJSON_IsString(name) ? name->valuestring : "", doc);
	free(doc);
}

static const char *const writable[] = {"name", "email", "phone", "website", "address", NULL};

/* Copies the writable attributes present in params; false (with a 400) on a wrong type. */
static bool apply(cJSON *o, const cJSON *params, struct sim_resp *rs)
{
	for (int i = 0; writable[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, writable[i]);
		if (!v)
			continue;
		if (!cJSON_IsString(v) && !cJSON_IsNull(v)) {
			char msg[96];
			snprintf(msg, sizeof msg, "%s must be a string", writable[i]);
			error(rs, 400, msg);
			return false;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(o, writable[i]);
		cJSON_AddItemToObject(o, writable[i], cJSON_Duplicate(v, 0));
	}
	return true;
}

static void list(struct sim *s, const struct sim_req *rq, struct sim_resp *rs)
{
	long page = 1, size = 25;
	const char *p = sim_arg(rq, "page"), *z = sim_arg(rq, "size");
	if ((p && (!sim_parse_long(p, &page) || page < 1)) ||
	    (z && (!sim_parse_long(z, &size) || size < 0))) {
		error(rs, 400, "page and size must be positive integers");
		return;
	}
	if (size > 1000)
		size = 1000;
	sqlite3_stmt *q;
	sqlite3_prepare_v2(s->db,
			   "SELECT doc FROM sim_org WHERE dialect='" D
			   "' ORDER BY rowid LIMIT ?1 OFFSET ?2",
			   -1, &q, NULL);
	sqlite3_bind_int64(q, 1, size);
	sqlite3_bind_int64(q, 2, (page - 1) * size);
	/* The stored docs are cJSON's own compact output: splice them, no parse and print. */
	struct buf out;
	buf_init(&out);
	buf_puts(&out, "[");
	for (int n = 0; sqlite3_step(q) == SQLITE_ROW; n++) {
		if (n)
			buf_puts(&out, ",");
		buf_add(&out, sqlite3_column_text(q, 0), (size_t)sqlite3_column_bytes(q, 0));
	}
	sqlite3_finalize(q);
	buf_puts(&out, "]");
	sim_resp_text(rs, 200, "application/json; charset=utf-8", buf_steal(&out));
}

static void create(struct sim *s, const struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *params = sim_body_params(rq);
	if (!params) {
		error(rs, 400, "request body must be a JSON object or a form");
		return;
	}
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(params, "name");
	if (!cJSON_IsString(name) || !name->valuestring[0]) {
		cJSON_Delete(params);
		error(rs, 400, "name is required");
		return;
	}
	struct sim_rng r;
	sim_rng_seed(&r, s->seed + (uint64_t)sim_counter_next(s, D ".create"), D ".new");
	char id[25];
	sim_gen_hex_id(&r, id);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "_id", id);
	for (int i = 0; writable[i]; i++)
		cJSON_AddNullToObject(o, writable[i]);
	if (!apply(o, params, rs)) {
		cJSON_Delete(params);
		cJSON_Delete(o);
		return;
	}
	cJSON_Delete(params);
	cJSON_AddItemToObject(o, "fields", make_fields(NULL, false));
	cJSON_AddArrayToObject(o, "contacts");
	save(s, o);
	answer_without_contacts(rs, o);
}

static void update(struct sim *s, const struct sim_req *rq, struct sim_resp *rs, cJSON *o)
{
	cJSON *params = sim_body_params(rq);
	if (!params) {
		cJSON_Delete(o);
		error(rs, 400, "request body must be a JSON object or a form");
		return;
	}
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(params, "name");
	if (name && (!cJSON_IsString(name) || !name->valuestring[0])) {
		cJSON_Delete(params);
		cJSON_Delete(o);
		error(rs, 400, "name must be a non-empty string");
		return;
	}
	bool ok = apply(o, params, rs);
	cJSON_Delete(params);
	if (!ok) {
		cJSON_Delete(o);
		return;
	}
	save(s, o);
	answer_without_contacts(rs, o);
}

static void set_field(struct sim *s, const struct sim_req *rq, struct sim_resp *rs, cJSON *o,
		      const char *field_id)
{
	cJSON *params = sim_body_params(rq);
	if (!params) {
		cJSON_Delete(o);
		error(rs, 400, "request body must be a JSON object or a form");
		return;
	}
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, "value");
	cJSON *fields = cJSON_GetObjectItemCaseSensitive(o, "fields");
	cJSON *f, *hit = NULL;
	cJSON_ArrayForEach(f, fields)
	{
		const cJSON *fid = cJSON_GetObjectItemCaseSensitive(f, "_id");
		if (cJSON_IsString(fid) && !strcmp(fid->valuestring, field_id))
			hit = f;
	}
	if (!hit) {
		cJSON_Delete(params);
		cJSON_Delete(o);
		error(rs, 404, "Field not found");
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(hit, "value");
	if (v && (cJSON_IsString(v) || cJSON_IsNull(v)))
		cJSON_AddItemToObject(hit, "value", cJSON_Duplicate(v, 0));
	else if (cJSON_IsNumber(v)) {
		char num[64];
		snprintf(num, sizeof num, "%g", v->valuedouble);
		cJSON_AddStringToObject(hit, "value", num);
	} else
		cJSON_AddNullToObject(hit, "value");
	cJSON_Delete(params);
	save(s, o);
	answer_without_contacts(rs, o);
}

static void handle(struct sim *s, const struct sim_req *rq, struct sim_resp *rs)
{
	if (!authorized(s, rq, rs))
		return;
	char *seg[5];
	int n = sim_path_split(rq->path, seg, 5);
	const char *m = rq->method;
	if (n < 1 || strcmp(seg[0], "organizations")) {
		error(rs, 404, "Not found");
	} else if (n == 1 && !strcmp(m, "GET")) {
		list(s, rq, rs);
	} else if (n == 1 && !strcmp(m, "POST")) {
		create(s, rq, rs);
	} else if (n == 2 || (n == 4 && !strcmp(seg[2], "fields"))) {
		char *doc = sim_org_get(s, D, seg[1]);
		cJSON *o = doc ? cJSON_Parse(doc) : NULL;
		free(doc);
		if (!o) {
			error(rs, 404, "Organization not found");
		} else if (n == 4 && !strcmp(m, "PUT")) {
			set_field(s, rq, rs, o, seg[3]);
			o = NULL;
		} else if (n == 4) {
			error(rs, 405, "Method not allowed");
		} else if (!strcmp(m, "GET")) {
			sim_resp_json(rs, 200, o);
			o = NULL;
		} else if (!strcmp(m, "PUT")) {
			update(s, rq, rs, o);
			o = NULL;
		} else if (!strcmp(m, "DELETE")) {
			sim_org_delete(s, D, seg[1]);
			sim_resp_json(rs, 200, cJSON_CreateObject());
		} else {
			error(rs, 405, "Method not allowed");
		}
		cJSON_Delete(o);
	} else {
		error(rs, 404, "Not found");
	}
	sim_path_free(seg, n);
}

static void print_config(struct sim *s, FILE *out, const char *base)
{
	fprintf(out,
		"\n[profile clinchpad-demo]\n"
		"vendor = clinchpad\n"
		"base_url = %s/clinchpad/api/v1\n"
		"api_key = " CP_KEY "\n"
		"environment = production\n",
		base);
}

const struct sim_dialect sim_clinchpad = {
    .name = D,
    .prefix = "/clinchpad/api/v1",
    .setup = setup,
    .handle = handle,
    .error = error,
    .print_config = print_config,
};
