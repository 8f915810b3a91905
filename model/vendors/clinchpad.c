/* ClinchPad CRM API v1 (seed 004). Organizations with page/size paging that ends on an
 * empty page (no total anywhere), CRUD, custom fields set one at a time through
 * PUT /organizations/{id}/fields/{field_id}, and contacts embedded in list and show answers
 * (not in create/update answers), shown as the organization's members with their
 * designation as role. Ids are 24-hex strings. Auth: HTTP Basic, user "api-key".
 * Errors: "a descriptive error message in JSON", key undocumented: message|error|detail. */
#include "model/config.h"
#include "model/vendor.h"
#include "model/vjson.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <stdio.h>
#include <string.h>

#define LABEL "ClinchPad"
#define PAGE 100

static const struct field_spec fields[] = {
    {"name", "Name", FT_TEXT, FS_EDITABLE | FS_REQUIRED | FS_COLUMN | FS_CREATE, NULL, "General",
     34, 0, 200},
    {"email", "Email", FT_EMAIL, FS_EDITABLE | FS_COLUMN | FS_CREATE, NULL, "General", 30, 0, 200},
    {"phone", "Phone", FT_TEXT, FS_EDITABLE | FS_COLUMN | FS_CREATE, NULL, "General", 12, 0, 40},
    {"website", "Website", FT_URL, FS_EDITABLE | FS_CREATE, NULL, "General", 30, 0, 300},
    {"address", "Address", FT_LONGTEXT, FS_EDITABLE | FS_CREATE, NULL, "General", 30, 0, 1000},
};
static const char *const secret_keys[] = {"api_key", NULL};
static const char *const writable[] = {"name", "email", "phone", "website", "address", NULL};

static void auth(const struct profile *p, struct vreq *r)
{
	const char *key = profile_get(p, "api_key");
	r->userpwd = xasprintf("api-key:%s", key ? key : "");
	vreq_header(r, "Accept: application/json");
}

static char *url(const struct profile *p, const char *fmt, const char *a, const char *b)
{
	struct buf u;
	buf_init(&u);
	buf_puts(&u, p->base_url);
	for (const char *f = fmt; *f; f++) {
		if (*f == '%' && f[1] == 's') {
			const char *v = a ? a : b;
			buf_put_urlenc(&u, v ? v : "");
			if (a)
				a = NULL;
			else
				b = NULL;
			f++;
		} else {
			buf_putc(&u, *f);
		}
	}
	return buf_steal(&u);
}

static bool list_req(const struct profile *p, const struct vquery *q, long page, struct vreq *r)
{
	vreq_init(r, "GET");
	r->url = xasprintf("%s/organizations?page=%ld&size=%d", p->base_url, page + 1, PAGE);
	auth(p, r);
	return true;
}

static void parse_org(const cJSON *o, struct record *r)
{
	r->id = vj_get_text(o, "_id");
	r->name = vj_get_text(o, "name");
	for (int i = 0; writable[i]; i++)
		vj_copy(r, writable[i], o, writable[i]);
	const cJSON *f;
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(o, "fields"))
	{
		char *fid = vj_get_text(f, "_id");
		char *label = vj_get_text(f, "name");
		char *val = vj_get_text(f, "value");
		if (fid) {
			char *key = xasprintf("cf:%s", fid);
			record_set_labelled(r, key, label ? label : fid, val);
			free(key);
		}
		free(fid);
		free(label);
		free(val);
	}
	const cJSON *contacts = cJSON_GetObjectItemCaseSensitive(o, "contacts");
	if (cJSON_IsArray(contacts)) {
		char n[32];
		snprintf(n, sizeof n, "%d", cJSON_GetArraySize(contacts));
		record_set(r, "contacts", n);
	}
	r->raw = cJSON_PrintUnformatted(o);
}

static bool list_parse(const struct profile *p, const struct vresp *rs, struct record_list *out,
		       struct vpage *pg, struct verr *err)
{
	cJSON *j = vj_parse(rs, LABEL, err);
	if (!j)
		return false;
	if (!cJSON_IsArray(j)) {
		cJSON_Delete(j);
		verr_set(err, VERR_PARSE, rs->status,
			 LABEL ": the organization list was not an array");
		return false;
	}
	const cJSON *o;
	cJSON_ArrayForEach(o, j)
	{
		if (!cJSON_IsObject(o))
			continue;
		struct record *r = record_list_push(out);
		parse_org(o, r);
		if (!r->id) {
			record_free(r);
			out->n--;
		}
	}
	pg->more = cJSON_GetArraySize(j) >= PAGE;
	pg->total = -1;
	cJSON_Delete(j);
	return true;
}

static bool get_req(const struct profile *p, const char *id, struct vreq *r)
{
	vreq_init(r, "GET");
	r->url = url(p, "/organizations/%s", id, NULL);
	auth(p, r);
	return true;
}

static bool record_parse(const struct profile *p, const struct vresp *rs, struct record *out,
			 struct verr *err)
{
	cJSON *j = vj_parse_org(rs, LABEL, "_id", err);
	if (!j)
		return false;
	parse_org(j, out);
	cJSON_Delete(j);
	return true;
}

static char *body_of(const struct record *values)
{
	cJSON *o = cJSON_CreateObject();
	for (int i = 0; writable[i]; i++) {
		const struct record_field *f = record_field(values, writable[i]);
		if (!f)
			continue;
		if (f->value && f->value[0])
			cJSON_AddStringToObject(o, writable[i], f->value);
		else if (strcmp(writable[i], "name"))
			cJSON_AddNullToObject(o, writable[i]);
	}
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

static bool create_req(const struct profile *p, const struct record *values, struct vreq *r)
{
	vreq_init(r, "POST");
	r->url = xasprintf("%s/organizations", p->base_url);
	auth(p, r);
	vreq_header(r, "Content-Type: application/json");
	r->body = body_of(values);
	return true;
}

static bool update_req(const struct profile *p, const struct record *base,
		       const struct record *changes, struct vreq *r)
{
	vreq_init(r, "PUT");
	r->url = url(p, "/organizations/%s", base->id, NULL);
	auth(p, r);
	vreq_header(r, "Content-Type: application/json");
	r->body = body_of(changes);
	return true;
}

static bool delete_req(const struct profile *p, const char *id, struct vreq *r)
{
	vreq_init(r, "DELETE");
	r->url = url(p, "/organizations/%s", id, NULL);
	auth(p, r);
	return true;
}

static bool field_req(const struct profile *p, const char *id, const char *key, const char *value,
		      struct vreq *r)
{
	if (strncmp(key, "cf:", 3))
		return false;
	vreq_init(r, "PUT");
	r->url = url(p, "/organizations/%s/fields/%s", id, key + 3);
	auth(p, r);
	vreq_header(r, "Content-Type: application/json");
	cJSON *o = cJSON_CreateObject();
	if (value)
		cJSON_AddStringToObject(o, "value", value);
	else
		cJSON_AddNullToObject(o, "value");
	r->body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return true;
}

/* Members are the contacts embedded in the organization itself. */
static bool members_req(const struct profile *p, const char *org_id, long page, struct vreq *r)
{
	return get_req(p, org_id, r);
}

static bool members_parse(const struct profile *p, const struct vresp *rs, struct record_list *out,
			  struct vpage *pg, struct verr *err)
{
	cJSON *j = vj_parse(rs, LABEL, err);
	if (!j)
		return false;
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(j, "contacts"))
	{
		if (!cJSON_IsObject(c))
			continue;
		struct record *m = record_list_push(out);
		m->id = vj_get_text(c, "_id");
		m->name = vj_get_text(c, "name");
		vj_copy(m, "email", c, "email");
		vj_copy(m, "role", c, "designation");
		vj_copy(m, "phone", c, "phone");
		m->raw = cJSON_PrintUnformatted(c);
	}
	pg->more = false;
	pg->total = (long)out->n;
	cJSON_Delete(j);
	return true;
}

static void error_parse(const struct profile *p, const struct vresp *rs, struct verr *err)
{
	enum verr_kind kind = verr_kind_for_status(rs->status);
	char *msg = NULL;
	cJSON *j = rs->body && rs->len ? cJSON_ParseWithLength(rs->body, rs->len) : NULL;
	static const char *const keys[] = {"message", "error", "detail", NULL};
	for (int i = 0; j && keys[i] && !msg; i++) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, keys[i]);
		if (cJSON_IsString(m) && m->valuestring[0])
			msg = xstrdup(m->valuestring);
	}
	cJSON_Delete(j);
	if (!msg) {
		char ex[160];
		verr_body_excerpt(rs, ex, sizeof ex);
		msg = xstrdup(ex);
	}
	if (kind == VERR_AUTH)
		verr_set(err, kind, rs->status, LABEL ": authorization failed, check api_key (%s)",
			 msg[0] ? msg : "401");
	else if (kind == VERR_RATE)
		verr_set(err, kind, rs->status,
			 LABEL ": rate limit reached (1,200 calls an hour); %s", msg);
	else if (msg[0])
		verr_set(err, kind, rs->status, LABEL ": %s (HTTP %ld)", msg, rs->status);
	else
		verr_set(err, kind, rs->status, LABEL ": %s (HTTP %ld, empty answer)",
			 verr_kind_name(kind), rs->status);
	free(msg);
}

/* First-run setup (model/vendor.h). */
static const char *const setup_keys[][2] = {
    {NULL, NULL},
};

const struct vendor vendor_clinchpad = {
    .default_base_url = "https://www.clinchpad.com/api/v1",
    .setup_keys = setup_keys,
    .name = "clinchpad",
    .label = LABEL,
    .caps =
	VCAP_LIST | VCAP_GET | VCAP_CREATE | VCAP_UPDATE | VCAP_DELETE | VCAP_FIELDS | VCAP_MEMBERS,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .secret_keys = secret_keys,
    .page_size = PAGE,
    .max_parallel = 6,
    .list_req = list_req,
    .list_parse = list_parse,
    .get_req = get_req,
    .record_parse = record_parse,
    .create_req = create_req,
    .update_req = update_req,
    .delete_req = delete_req,
    .field_req = field_req,
    .members_req = members_req,
    .members_parse = members_parse,
    .error_parse = error_parse,
};
