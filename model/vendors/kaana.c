/* Kaana entity API, organizations (seed 003; VENDORS.md section 4), at {base}/organizations.
 * Integer ids, CRUD plus the vendor's own duplicate call, members (contact id + role) with
 * add/role/remove, related tasks, projects and documents, and contacts to pick members from.
 *
 * Quirks this file absorbs:
 *  - Two auth stories: the entity reference declares the express-session cookie connect.sid,
 *    the API pages a Bearer API key. The profile's api_key wins; a session_cookie alone is
 *    sent as `Cookie: connect.sid=<value>`, verbatim (it is already URL-encoded).
 *  - metadata is a free JSON object (or null). Its keys become custom fields "cf:<key>"
 *    labelled with the key. A PUT with metadata replaces it whole, so a custom field is set
 *    through update_req with the base's metadata merged with the changes; field_req is not
 *    offered (it would have to send the whole object without knowing it).
 *  - PUT is partial despite its name: update sends only what changed.
 *  - updatedAt is the version stamp (member changes move it too).
 *  - The enums are empty in the seed ("Possible values:"); the values below are the seed's
 *    examples plus the help centre's kinds and member roles, snake_cased, as orgdeck-sim
 *    serves them. The roles have no documented rank: we take the help centre's list, which
 *    starts with the project manager, as highest first.
 *  - The list is unpaged in the seed ("Returns all"); like Kaana's projects endpoint it is
 *    asked with limit/offset, and an answer longer than the limit means the server ignored
 *    them, so it is the whole list.
 *  - Members carry only contactId and role; names come from the contacts list.
 *  - Errors: {"error": <reason phrase>, "message": ...} (documented for 401); create, delete
 *    and duplicate need the consultant or admin role (403 otherwise). */
#include "model/config.h"
#include "model/vendor.h"
#include "model/vjson.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LABEL "Kaana"
#define PAGE 100

static const char *const org_types[] = {"customer", "partner", "vendor", "internal", NULL};
static const char *const org_statuses[] = {"active", "inactive", NULL};
static const char *const roles[] = {"stakeholder",    "subject_matter_expert", "executive_sponsor",
				    "technical_lead", "project_manager",       NULL};
static const char *const related_kinds[] = {"tasks", "projects", "documents", NULL};
static const char *const secret_keys[] = {"api_key", "session_cookie", NULL};

static const struct field_spec fields[] = {
    {"name", "Name", FT_TEXT, FS_EDITABLE | FS_REQUIRED | FS_COLUMN | FS_CREATE, NULL, "General",
     34, 0, 0},
    {"type", "Type", FT_ENUM, FS_EDITABLE | FS_REQUIRED | FS_COLUMN | FS_CREATE, org_types,
     "General", 9, 0, 0},
    {"status", "Status", FT_ENUM, FS_EDITABLE | FS_COLUMN | FS_CREATE, org_statuses, "General", 8,
     0, 0},
    {"industry", "Industry", FT_TEXT, FS_EDITABLE | FS_COLUMN | FS_CREATE, NULL, "General", 18, 0,
     0},
    {"website", "Website", FT_URL, FS_EDITABLE | FS_CREATE, NULL, "General", 30, 0, 0},
    {"description", "Description", FT_LONGTEXT, FS_EDITABLE | FS_CREATE, NULL, "General", 30, 0, 0},
    {"createdAt", "Created", FT_DATE, 0, NULL, "History", 24, 0, 0},
    {"updatedAt", "Updated", FT_DATE, FS_COLUMN, NULL, "History", 24, 0, 0},
};

/* ---- requests ---- */

static void auth(const struct profile *p, struct vreq *r)
{
	vreq_header(r, "Accept: application/json");
	const char *key = profile_get(p, "api_key");
	const char *sid = profile_get(p, "session_cookie");
	if (key && key[0])
		vreq_header(r, "Authorization: Bearer %s", key);
	else if (sid && sid[0])
		vreq_header(r, "Cookie: connect.sid=%s", sid);
}

/* base + "/organizations[/id[/tail[/sub]]]", each id URL-encoded. */
static char *org_url(const struct profile *p, const char *id, const char *tail, const char *sub)
{
	struct buf u;
	buf_init(&u);
	buf_puts(&u, p->base_url);
	buf_puts(&u, "/organizations");
	if (id) {
		buf_putc(&u, '/');
		buf_put_urlenc(&u, id);
	}
	if (tail) {
		buf_putc(&u, '/');
		buf_puts(&u, tail);
	}
	if (sub) {
		buf_putc(&u, '/');
		buf_put_urlenc(&u, sub);
	}
	return buf_steal(&u);
}

static void json_body(struct vreq *r, cJSON *o)
{
	vreq_header(r, "Content-Type: application/json");
	r->body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
}

static bool list_req(const struct profile *p, const struct vquery *q, long page, struct vreq *r)
{
	vreq_init(r, "GET");
	r->url = xasprintf("%s/organizations?limit=%d&offset=%ld", p->base_url, PAGE, page * PAGE);
	auth(p, r);
	return true;
}

static bool get_req(const struct profile *p, const char *id, struct vreq *r)
{
	vreq_init(r, "GET");
	r->url = org_url(p, id, NULL, NULL);
	auth(p, r);
	return true;
}

/* Adds the schema's writable fields found in v to o: empty optional text is null, as the
 * seed makes industry, website and description nullable. */
static void add_writable(cJSON *o, const struct record *v)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const struct field_spec *f = &fields[i];
		const struct record_field *rf = record_field(v, f->key);
		if (!(f->flags & FS_EDITABLE) || !rf)
			continue;
		if ((!rf->value || !rf->value[0]) && !(f->flags & FS_REQUIRED) &&
		    strcmp(f->key, "status"))
			cJSON_AddNullToObject(o, f->key);
		else if (rf->value)
			cJSON_AddStringToObject(o, f->key, rf->value);
	}
}

/* A custom field's value back into JSON: numbers, booleans, objects and arrays as they
 * were (vj_text wrote them as text), anything else as a string. */
static cJSON *cf_value(const char *v)
{
	if (!v)
		return cJSON_CreateNull();
	cJSON *j = NULL;
	if (v[0] == '{' || v[0] == '[' || v[0] == '-' || isdigit((unsigned char)v[0]) ||
	    !strcmp(v, "true") || !strcmp(v, "false")) {
		j = cJSON_Parse(v);
		if (j && cJSON_IsNumber(j)) {
			/* only numbers that print back identically ("007" stays a string) */
			char *t = vj_text(j);
			if (!t || strcmp(t, v)) {
				cJSON_Delete(j);
				j = NULL;
			}
			free(t);
		}
	}
	return j ? j : cJSON_CreateString(v);
}

/* metadata from the cf: fields of base (may be NULL) overlaid with those of changes; NULL
 * when neither has any and the base had none. */
static cJSON *metadata_of(const struct record *base, const struct record *changes, bool *changed)
{
	cJSON *m = NULL;
	*changed = false;
	if (base && base->raw) {
		cJSON *raw = cJSON_Parse(base->raw);
		cJSON *bm = cJSON_DetachItemFromObjectCaseSensitive(raw, "metadata");
		if (cJSON_IsObject(bm))
			m = bm;
		else
			cJSON_Delete(bm);
		cJSON_Delete(raw);
	}
	if (!m && base) {
		for (size_t i = 0; i < base->nfields; i++)
			if (!strncmp(base->fields[i].key, "cf:", 3)) {
				if (!m)
					m = cJSON_CreateObject();
				cJSON_AddItemToObject(m, base->fields[i].key + 3,
						      cf_value(base->fields[i].value));
			}
	}
	for (size_t i = 0; changes && i < changes->nfields; i++) {
		const struct record_field *f = &changes->fields[i];
		if (strncmp(f->key, "cf:", 3) || !f->key[3])
			continue;
		if (!m)
			m = cJSON_CreateObject();
		cJSON_DeleteItemFromObjectCaseSensitive(m, f->key + 3);
		cJSON_AddItemToObject(m, f->key + 3, cf_value(f->value));
		*changed = true;
	}
	return m;
}

static bool create_req(const struct profile *p, const struct record *values, struct vreq *r)
{
	cJSON *o = cJSON_CreateObject();
	add_writable(o, values);
	if (!cJSON_GetObjectItemCaseSensitive(o, "name") && values->name)
		cJSON_AddStringToObject(o, "name", values->name);
	bool changed;
	cJSON *m = metadata_of(NULL, values, &changed);
	if (m)
		cJSON_AddItemToObject(o, "metadata", m);
	vreq_init(r, "POST");
	r->url = org_url(p, NULL, NULL, NULL);
	auth(p, r);
	json_body(r, o);
	return true;
}

static bool update_req(const struct profile *p, const struct record *base,
		       const struct record *changes, struct vreq *r)
{
	if (!base || !base->id || !changes)
		return false;
	cJSON *o = cJSON_CreateObject();
	add_writable(o, changes);
	if (!cJSON_GetObjectItemCaseSensitive(o, "name") && changes->name)
		cJSON_AddStringToObject(o, "name", changes->name);
	bool changed;
	cJSON *m = metadata_of(base, changes, &changed);
	if (changed)
		cJSON_AddItemToObject(o, "metadata", m);
	else
		cJSON_Delete(m);
	vreq_init(r, "PUT");
	r->url = org_url(p, base->id, NULL, NULL);
	auth(p, r);
	json_body(r, o);
	return true;
}

static bool delete_req(const struct profile *p, const char *id, struct vreq *r)
{
	vreq_init(r, "DELETE");
	r->url = org_url(p, id, NULL, NULL);
	auth(p, r);
	return true;
}

static bool duplicate_req(const struct profile *p, const struct record *src, struct vreq *r)
{
	if (!src || !src->id)
		return false;
	vreq_init(r, "POST"); /* a retry would make a second copy */
	r->url = org_url(p, src->id, "duplicate", NULL);
	auth(p, r);
	return true;
}

static bool members_req(const struct profile *p, const char *org_id, long page, struct vreq *r)
{
	vreq_init(r, "GET");
	r->url = org_url(p, org_id, "members", NULL);
	auth(p, r);
	return true;
}

/* Contact ids are integers on the wire ("contactId": 17). */
static bool parse_id(const char *s, long long *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return !*end && !errno && *out > 0;
}

static bool member_add_req(const struct profile *p, const char *org_id, const char *contact_id,
			   const char *role, struct vreq *r)
{
	long long cid;
	if (!parse_id(contact_id, &cid) || !role)
		return false;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "contactId", (double)cid);
	cJSON_AddStringToObject(o, "role", role);
	vreq_init(r, "POST");
	r->url = org_url(p, org_id, "members", NULL);
	auth(p, r);
	json_body(r, o);
	return true;
}

static bool member_remove_req(const struct profile *p, const char *org_id, const char *member_id,
			      struct vreq *r)
{
	vreq_init(r, "DELETE");
	r->url = org_url(p, org_id, "members", member_id);
	auth(p, r);
	return true;
}

static bool member_role_req(const struct profile *p, const char *org_id, const char *member_id,
			    const char *role, struct vreq *r)
{
	if (!role)
		return false;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "role", role);
	vreq_init(r, "PATCH");
	r->url = org_url(p, org_id, "members", member_id);
	auth(p, r);
	json_body(r, o);
	r->idempotent = true; /* setting a role twice leaves the same role */
	return true;
}

static bool contacts_req(const struct profile *p, long page, struct vreq *r)
{
	vreq_init(r, "GET");
	r->url = xasprintf("%s/contacts?limit=%d&offset=%ld", p->base_url, PAGE, page * PAGE);
	auth(p, r);
	return true;
}

static bool related_req(const struct profile *p, const char *org_id, const char *kind,
			struct vreq *r)
{
	bool known = false;
	for (int i = 0; related_kinds[i]; i++)
		known = known || (kind && !strcmp(kind, related_kinds[i]));
	if (!known)
		return false;
	vreq_init(r, "GET");
	r->url = org_url(p, org_id, kind, NULL);
	auth(p, r);
	return true;
}

/* ---- answers ---- */

static void parse_org(const cJSON *o, struct record *r)
{
	r->id = vj_get_text(o, "id");
	r->name = vj_get_text(o, "name");
	r->version = vj_get_text(o, "updatedAt");
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		vj_copy(r, fields[i].key, o, fields[i].key);
	const cJSON *m;
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(o, "metadata"))
	{
		if (!m->string || !m->string[0])
			continue;
		char *key = xasprintf("cf:%s", m->string);
		char *val = vj_text(m);
		record_set_labelled(r, key, m->string, val);
		free(val);
		free(key);
	}
	r->raw = cJSON_PrintUnformatted(o);
}

/* An array answer; a non-array is refused with what it was. */
static cJSON *parse_array(const struct vresp *rs, const char *what, struct verr *err)
{
	cJSON *j = vj_parse(rs, LABEL, err);
	if (j && !cJSON_IsArray(j)) {
		cJSON_Delete(j);
		verr_set(err, VERR_PARSE, rs->status, LABEL ": the %s answer was not a list", what);
		return NULL;
	}
	return j;
}

static bool list_parse(const struct profile *p, const struct vresp *rs, struct record_list *out,
		       struct vpage *pg, struct verr *err)
{
	cJSON *j = parse_array(rs, "organization list", err);
	if (!j)
		return false;
	const cJSON *o;
	cJSON_ArrayForEach(o, j)
	{
		if (!cJSON_IsObject(o) || !cJSON_GetObjectItemCaseSensitive(o, "id"))
			continue;
		parse_org(o, record_list_push(out));
	}
	int n = cJSON_GetArraySize(j);
	/* exactly a page: another may follow; more than a page: limit was ignored, all came */
	pg->more = n == PAGE;
	pg->total = n > PAGE ? (long)n : -1;
	cJSON_Delete(j);
	return true;
}

static bool record_parse(const struct profile *p, const struct vresp *rs, struct record *out,
			 struct verr *err)
{
	cJSON *j = vj_parse_org(rs, LABEL, "id", err);
	if (!j)
		return false;
	parse_org(j, out);
	cJSON_Delete(j);
	return true;
}

/* A person's display name from whichever name fields the object has. */
static char *person_name(const cJSON *c)
{
	char *first = vj_get_text(c, "firstName"), *last = vj_get_text(c, "lastName");
	char *name = NULL;
	if (first || last)
		name = xasprintf("%s%s%s", first ? first : "", first && last ? " " : "",
				 last ? last : "");
	else
		name = vj_get_text(c, "name");
	free(first);
	free(last);
	return name;
}

static bool members_parse(const struct profile *p, const struct vresp *rs, struct record_list *out,
			  struct vpage *pg, struct verr *err)
{
	cJSON *j = parse_array(rs, "member list", err);
	if (!j)
		return false;
	const cJSON *m;
	cJSON_ArrayForEach(m, j)
	{
		char *cid = vj_get_text(m, "contactId");
		if (!cid)
			continue;
		struct record *r = record_list_push(out);
		r->id = cid;
		/* The seed's member has ids only; an embedded contact, if a server sends one,
		 * names it. Otherwise the model joins the contacts list on the id. */
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, "contact");
		if (!cJSON_IsObject(c))
			c = m;
		r->name = person_name(c);
		if (!r->name)
			r->name = xasprintf("Contact %s", cid);
		vj_copy(r, "email", c, "email");
		vj_copy(r, "role", m, "role");
		r->raw = cJSON_PrintUnformatted(m);
	}
	pg->more = false;
	pg->total = (long)out->n;
	cJSON_Delete(j);
	return true;
}

static bool contacts_parse(const struct profile *p, const struct vresp *rs, struct record_list *out,
			   struct vpage *pg, struct verr *err)
{
	cJSON *j = parse_array(rs, "contact list", err);
	if (!j)
		return false;
	const cJSON *c;
	cJSON_ArrayForEach(c, j)
	{
		char *id = vj_get_text(c, "id");
		if (!id)
			continue;
		struct record *r = record_list_push(out);
		r->id = id;
		r->name = person_name(c);
		r->version = vj_get_text(c, "updatedAt");
		vj_copy(r, "email", c, "email");
		vj_copy(r, "phone", c, "phone");
		vj_copy(r, "jobTitle", c, "jobTitle");
		r->raw = cJSON_PrintUnformatted(c);
	}
	int n = cJSON_GetArraySize(j);
	pg->more = n == PAGE;
	pg->total = n > PAGE ? (long)n : -1;
	cJSON_Delete(j);
	return true;
}

/* Related items have no documented schema: id, a name from name|title, and every scalar as
 * a field. */
static bool related_parse(const struct profile *p, const char *kind, const struct vresp *rs,
			  struct record_list *out, struct verr *err)
{
	cJSON *j = parse_array(rs, kind ? kind : "related", err);
	if (!j)
		return false;
	const cJSON *it;
	cJSON_ArrayForEach(it, j)
	{
		if (!cJSON_IsObject(it))
			continue;
		struct record *r = record_list_push(out);
		r->id = vj_get_text(it, "id");
		r->name = vj_get_text(it, "name");
		if (!r->name)
			r->name = vj_get_text(it, "title");
		r->version = vj_get_text(it, "updatedAt");
		const cJSON *f;
		cJSON_ArrayForEach(f, it)
		{
			if (f->string && strcmp(f->string, "id") && !cJSON_IsObject(f) &&
			    !cJSON_IsArray(f))
				vj_copy(r, f->string, it, f->string);
		}
		r->raw = cJSON_PrintUnformatted(it);
	}
	cJSON_Delete(j);
	return true;
}

/* ---- errors ---- */

static bool mentions(const char *s, const char *word)
{
	for (size_t n = strlen(word); *s; s++)
		if (!strncasecmp(s, word, n))
			return true;
	return false;
}

static void error_parse(const struct profile *p, const struct vresp *rs, struct verr *err)
{
	enum verr_kind kind = verr_kind_for_status(rs->status);
	char msg[200] = "", reason[64] = "";
	cJSON *j = rs->body && rs->len ? cJSON_ParseWithLength(rs->body, rs->len) : NULL;
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (cJSON_IsString(m))
		verr_sentence(m->valuestring, msg, sizeof msg);
	if (cJSON_IsString(e))
		verr_sentence(e->valuestring, reason, sizeof reason);
	if (!msg[0] && reason[0])
		snprintf(msg, sizeof msg, "%s", reason);
	cJSON_Delete(j);
	const char *key = profile_get(p, "api_key");
	bool by_key = key && key[0];

	if (kind == VERR_AUTH) {
		verr_set(err, kind, rs->status,
			 by_key ? LABEL ": the API key was refused (%s); check api_key "
					"(Settings > API Keys)"
				: LABEL
			     ": the session was refused (%s); sign in to Kaana again and "
			     "copy the connect.sid cookie into session_cookie",
			 msg[0] ? msg : "401");
	} else if (kind == VERR_FORBIDDEN && mentions(msg, "consultant or admin")) {
		/* The seed's rule for create, delete and duplicate; the answer does not say which
		 * of the three was refused. */
		verr_set(err, kind, rs->status,
			 LABEL ": your %s's role may not create, duplicate or delete organizations "
			       "(needs consultant or admin)",
			 by_key ? "key" : "session");
	} else if (kind == VERR_RATE) {
		verr_set(err, kind, rs->status, LABEL ": too many requests; wait a minute%s%s",
			 msg[0] ? ": " : "", msg);
	} else if (msg[0]) {
		verr_set(err, kind, rs->status, LABEL ": %s (HTTP %ld)", msg, rs->status);
	} else {
		char ex[160];
		verr_body_excerpt(rs, ex, sizeof ex);
		if (ex[0])
			verr_set(err, kind, rs->status, LABEL ": %s (HTTP %ld: %s)",
				 verr_kind_name(kind), rs->status, ex);
		else
			verr_set(err, kind, rs->status, LABEL ": %s (HTTP %ld, empty answer)",
				 verr_kind_name(kind), rs->status);
	}
	verr_scrub_profile(p, err->msg);
}

/* First-run setup (model/vendor.h). */
static const char *const setup_keys[][2] = {
    {NULL, NULL},
};

const struct vendor vendor_kaana = {
    .default_base_url = "https://app.kaana.com/api",
    .setup_keys = setup_keys,
    .name = "kaana",
    .label = LABEL,
    .caps = VCAP_LIST | VCAP_GET | VCAP_CREATE | VCAP_UPDATE | VCAP_DELETE | VCAP_DUPLICATE |
	    VCAP_MEMBERS | VCAP_MEMBER_ADD | VCAP_MEMBER_REMOVE | VCAP_MEMBER_ROLE | VCAP_RELATED |
	    VCAP_CONTACTS | VCAP_FIELDS,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .roles = roles,
    .related_kinds = related_kinds,
    .secret_keys = secret_keys,
    .page_size = PAGE,
    .max_parallel = 4,
    .list_req = list_req,
    .list_parse = list_parse,
    .get_req = get_req,
    .record_parse = record_parse,
    .create_req = create_req,
    .update_req = update_req,
    .delete_req = delete_req,
    .duplicate_req = duplicate_req,
    .members_req = members_req,
    .members_parse = members_parse,
    .member_add_req = member_add_req,
    .member_remove_req = member_remove_req,
    .member_role_req = member_role_req,
    .contacts_req = contacts_req,
    .contacts_parse = contacts_parse,
    .related_req = related_req,
    .related_parse = related_parse,
    .error_parse = error_parse,
};
