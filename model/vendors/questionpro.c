/* QuestionPro REST API v2 (seed 001; VENDORS.md section 2). One organization per account,
 * so there is no list call: the "list" is the GET of the profile's organization_id, one
 * record, one page. The organization can be renamed (PUT {"name"}) and nothing else; its
 * usage figures arrive nested (usage.survey.totalResponses, ...) and are flattened into
 * read-only fields. Members are the organization's users, paged with page/perPage, and can
 * be removed (DELETE /organizations/{id}/users/{userId}, which answers the JSON `null`).
 *
 * Quirks:
 * - Auth is the `api-key` request header (the users page's `apiKey` and the old `?apiKey=`
 *   are doc defects / a retired scheme).
 * - The host depends on the account's datacenter (api.questionpro.com, .eu, .ca, .sg, .au,
 *   .ae, plus api.surveyanalytics.com and api.questionprosa.com); a profile gives base_url
 *   or datacenter = com|eu|ca|sg|au|ae|sa|ksa.
 * - Success bodies are {"response": ..., "requestID": ...}; errors are
 *   {"response": {"error": {docs, name, httpStatusCode, id, message, resourceUrl}}}, and the
 *   vendor's own samples leave `docs` unquoted (not JSON), so the message is dug out of the
 *   text when the JSON parser gives up. `id` is a string or a number.
 * - Two pagination layouts are documented for the users list: {perPage, page, total,
 *   links} and {perPage, totalItems, currentPage, totalPages, links}; both are read.
 * - A spent call quota is a 429 saying "API call limit exceeded", which no retry cures:
 *   every request carries that as its no-retry marker. */
#include "model/config.h"
#include "model/vendor.h"
#include "model/vjson.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define LABEL "QuestionPro"
#define PER_PAGE 100
#define QUOTA_MARKER "API call limit exceeded"
#define API_PATH "/a/api/v2"

#define RO 0
static const struct field_spec fields[] = {
    {"name", "Name", FT_TEXT, FS_EDITABLE | FS_REQUIRED | FS_COLUMN, NULL, "General", 34, 0, 200},
    {"organizationID", "Organization ID", FT_INT, FS_COLUMN, NULL, "General", 10, 0, 0},
    {"license", "License", FT_TEXT, FS_COLUMN, NULL, "General", 22, 0, 0},
    {"userCount", "Users", FT_INT, FS_COLUMN, NULL, "General", 6, 0, 0},
    {"dashboardUserCount", "Dashboard users", FT_INT, RO, NULL, "General", 6, 0, 0},
    {"primaryAccountID", "Primary account ID", FT_INT, RO, NULL, "General", 10, 0, 0},
    {"primaryAccountUsername", "Primary account", FT_EMAIL, FS_COLUMN, NULL, "General", 28, 0, 0},
    {"accountRepEmail", "Account representative", FT_EMAIL, RO, NULL, "General", 28, 0, 0},
    {"shortUrl", "Short URL", FT_TEXT, RO, NULL, "Branding", 28, 0, 0},
    {"smtpRelay", "SMTP relay", FT_TEXT, RO, NULL, "Branding", 20, 0, 0},
    {"styleSheet", "Style sheet", FT_LONGTEXT, RO, NULL, "Branding", 20, 0, 0},
    {"welcomeHTML", "Welcome HTML", FT_LONGTEXT, RO, NULL, "Branding", 20, 0, 0},
    {"usage.survey.surveysCount", "Surveys", FT_INT, RO, NULL, "Usage", 8, 0, 0},
    {"usage.survey.totalResponses", "Survey responses", FT_INT, RO, NULL, "Usage", 8, 0, 0},
    {"usage.survey.completedResponses", "Completed responses", FT_INT, RO, NULL, "Usage", 8, 0, 0},
    {"usage.survey.emailLists", "E-mail lists", FT_INT, RO, NULL, "Usage", 8, 0, 0},
    {"usage.survey.emailSent", "Survey e-mails sent", FT_INT, RO, NULL, "Usage", 8, 0, 0},
    {"usage.survey.devices", "Devices", FT_INT, RO, NULL, "Usage", 8, 0, 0},
    {"usage.communities.communitiesCount", "Communities", FT_INT, RO, NULL, "Usage", 8, 0, 0},
    {"usage.communities.communityMembers", "Community members", FT_INT, RO, NULL, "Usage", 8, 0, 0},
    {"usage.communities.emailsSent", "Community e-mails sent", FT_INT, RO, NULL, "Usage", 8, 0, 0},
    {"usage.workforce.workforceCount", "Workforce projects", FT_INT, RO, NULL, "Usage", 8, 0, 0},
    {"usage.workforce.emailsSent", "Workforce e-mails sent", FT_INT, RO, NULL, "Usage", 8, 0, 0},
    {"usage.storage.uploadedFiles", "Uploaded files", FT_INT, RO, NULL, "Usage", 8, 0, 0},
    {"usage.storage.totalSpaceUsed", "Storage used (bytes)", FT_INT, RO, NULL, "Usage", 12, 0, 0},
};
#undef RO

static const char *const secret_keys[] = {"api_key", NULL};

/* Datacenter -> API host, from QuestionPro's own SDK (VENDORS.md 2.1). "sa" is the
 * SurveyAnalytics brand, "ksa" the Saudi host. */
static const struct {
	const char *dc, *host;
} datacenters[] = {
    {"com", "https://api.questionpro.com"},   {"us", "https://api.questionpro.com"},
    {"eu", "https://api.questionpro.eu"},     {"ca", "https://api.questionpro.ca"},
    {"sg", "https://api.questionpro.sg"},     {"au", "https://api.questionpro.au"},
    {"ae", "https://api.questionpro.ae"},     {"sa", "https://api.surveyanalytics.com"},
    {"ksa", "https://api.questionprosa.com"},
};

/* The API root for a datacenter name (case-insensitive), e.g. "eu" ->
 * "https://api.questionpro.eu/a/api/v2"; NULL for a name we do not know. Caller frees.
 * Not static: the unit tests check the table, and the driver contract has no hook for it. */
char *questionpro_datacenter_url(const char *dc)
{
	for (size_t i = 0; dc && i < sizeof datacenters / sizeof *datacenters; i++)
		if (!strcasecmp(datacenters[i].dc, dc))
			return xasprintf("%s" API_PATH, datacenters[i].host);
	return NULL;
}

/* The profile's base_url when it has one, else its datacenter's (com when neither is set,
 * as the vendor's main host); NULL when the datacenter is unknown. Caller frees. */
static char *api_root(const struct profile *p)
{
	if (p->base_url && p->base_url[0])
		return xstrdup(p->base_url);
	const char *dc = profile_get(p, "datacenter");
	return questionpro_datacenter_url(dc && *dc ? dc : "com");
}

/* Starts a request: method, the API root plus up to three encoded path segments, the key
 * header and the quota marker. False when the datacenter is unknown. */
static bool start(const struct profile *p, struct vreq *r, const char *method, const char *seg1,
		  const char *seg2, const char *seg3)
{
	char *root = api_root(p);
	if (!root)
		return false;
	struct buf u;
	buf_init(&u);
	buf_puts(&u, root);
	free(root);
	const char *segs[] = {seg1, seg2, seg3};
	for (int i = 0; i < 3 && segs[i]; i++) {
		buf_putc(&u, '/');
		buf_put_urlenc(&u, segs[i]);
	}
	vreq_init(r, method);
	r->url = buf_steal(&u);
	const char *key = profile_get(p, "api_key");
	vreq_header(r, "api-key: %s", key ? key : "");
	vreq_header(r, "Accept: application/json");
	r->no_retry_marker = QUOTA_MARKER;
	return true;
}

static bool get_req(const struct profile *p, const char *id, struct vreq *r)
{
	if (!id || !*id)
		return false;
	return start(p, r, "GET", "organizations", id, NULL);
}

/* The one organization is the whole list. */
static bool list_req(const struct profile *p, const struct vquery *q, long page, struct vreq *r)
{
	if (page != 0)
		return false;
	return get_req(p, profile_get(p, "organization_id"), r);
}

/* Copies obj's nested usage figures as "usage.<group>.<name>". */
static void copy_usage(struct record *r, const cJSON *o)
{
	const cJSON *usage = cJSON_GetObjectItemCaseSensitive(o, "usage");
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		const char *k = fields[i].key;
		if (strncmp(k, "usage.", 6))
			continue;
		const char *dot = strchr(k + 6, '.');
		char group[32];
		snprintf(group, sizeof group, "%.*s", (int)(dot - (k + 6)), k + 6);
		vj_copy(r, k, cJSON_GetObjectItemCaseSensitive(usage, group), dot + 1);
	}
}

static void parse_org(const cJSON *o, struct record *r)
{
	r->id = vj_get_text(o, "organizationID");
	r->name = vj_get_text(o, "name");
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		if (strncmp(fields[i].key, "usage.", 6))
			vj_copy(r, fields[i].key, o, fields[i].key);
	copy_usage(r, o);
	r->raw = cJSON_PrintUnformatted(o);
}

/* The organization inside {"response": {...}}; a bare object is accepted too. */
static bool parse_one(const struct vresp *rs, struct record *out, struct verr *err)
{
	cJSON *j = vj_parse(rs, LABEL, err);
	if (!j)
		return false;
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(j, "response");
	if (!o)
		o = j;
	if (!cJSON_IsObject(o) || !cJSON_GetObjectItemCaseSensitive(o, "organizationID") ||
	    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "organizationID"))) {
		cJSON_Delete(j);
		verr_set(err, VERR_PARSE, rs->status, LABEL ": the answer held no organization");
		return false;
	}
	parse_org(o, out);
	cJSON_Delete(j);
	return true;
}

static bool record_parse(const struct profile *p, const struct vresp *rs, struct record *out,
			 struct verr *err)
{
	return parse_one(rs, out, err);
}

static bool list_parse(const struct profile *p, const struct vresp *rs, struct record_list *out,
		       struct vpage *pg, struct verr *err)
{
	struct record r;
	record_init(&r);
	if (!parse_one(rs, &r, err))
		return false;
	*record_list_push(out) = r;
	pg->more = false;
	pg->total = 1;
	return true;
}

static bool update_req(const struct profile *p, const struct record *base,
		       const struct record *changes, struct vreq *r)
{
	const struct record_field *name = record_field(changes, "name");
	if (!base || !base->id || !name || !name->value)
		return false;
	if (!start(p, r, "PUT", "organizations", base->id, NULL))
		return false;
	vreq_header(r, "Content-Type: application/json");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", name->value);
	r->body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return true;
}

static bool members_req(const struct profile *p, const char *org_id, long page, struct vreq *r)
{
	if (!org_id || !*org_id || page < 0)
		return false;
	if (!start(p, r, "GET", "organizations", org_id, "users"))
		return false;
	char *u = xasprintf("%s?page=%ld&perPage=%d", r->url, page + 1, PER_PAGE);
	free(r->url);
	r->url = u;
	return true;
}

static void parse_user(const cJSON *u, struct record *m)
{
	m->id = vj_get_text(u, "userID");
	char *first = vj_get_text(u, "firstName"), *last = vj_get_text(u, "lastName");
	bool f = first && *first, l = last && *last;
	/* The vendor's own examples have empty names: the address is the next best thing. */
	if (f || l)
		m->name = xasprintf("%s%s%s", f ? first : "", f && l ? " " : "", l ? last : "");
	else
		m->name = vj_get_text(u, "emailAddress");
	free(first);
	free(last);
	vj_copy(m, "email", u, "emailAddress");
	vj_copy(m, "role", u, "userType");
	vj_copy(m, "licenseType", u, "licenseType");
	vj_copy(m, "departmentID", u, "departmentID");
	vj_copy(m, "phone", u, "phone");
	vj_copy(m, "licenseStartDate", u, "licenseStartDate");
	vj_copy(m, "creationDate", u, "creationDate");
	m->raw = cJSON_PrintUnformatted(u);
}

/* Reads either documented pagination layout. Without any, a full page may have more. */
static void read_pagination(const cJSON *pgn, int nitems, struct vpage *pg)
{
	long long v, cur = 0, pages = 0;
	pg->total = -1;
	if (vj_long(cJSON_GetObjectItemCaseSensitive(pgn, "totalItems"), &v) ||
	    vj_long(cJSON_GetObjectItemCaseSensitive(pgn, "total"), &v))
		pg->total = (long)v;
	const cJSON *links = cJSON_GetObjectItemCaseSensitive(pgn, "links");
	const cJSON *next = cJSON_GetObjectItemCaseSensitive(links, "next");
	bool have_cur = vj_long(cJSON_GetObjectItemCaseSensitive(pgn, "currentPage"), &cur) ||
			vj_long(cJSON_GetObjectItemCaseSensitive(pgn, "page"), &cur);
	bool have_pages = vj_long(cJSON_GetObjectItemCaseSensitive(pgn, "totalPages"), &pages);
	long long per = PER_PAGE;
	vj_long(cJSON_GetObjectItemCaseSensitive(pgn, "perPage"), &per);
	if (next && cJSON_IsObject(links))
		pg->more = cJSON_IsString(next) && next->valuestring[0];
	else if (have_cur && have_pages)
		pg->more = cur < pages;
	else if (have_cur && pg->total >= 0 && per > 0)
		/* cur * per < total, without the product (both are the vendor's numbers) */
		pg->more = cur < pg->total / per + (pg->total % per != 0);
	else
		pg->more = nitems >= PER_PAGE;
	/* An empty page past the end never promises more, whatever the links say. */
	if (nitems == 0)
		pg->more = false;
}

static bool members_parse(const struct profile *p, const struct vresp *rs, struct record_list *out,
			  struct vpage *pg, struct verr *err)
{
	cJSON *j = vj_parse(rs, LABEL, err);
	if (!j)
		return false;
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "response");
	const cJSON *pgn = cJSON_GetObjectItemCaseSensitive(j, "pagination");
	/* Tolerate {"response": {"users": [...], "pagination": {...}}} as well. */
	if (cJSON_IsObject(items)) {
		if (!pgn)
			pgn = cJSON_GetObjectItemCaseSensitive(items, "pagination");
		const cJSON *c = items->child;
		while (c && !cJSON_IsArray(c))
			c = c->next;
		items = c;
	}
	if (cJSON_IsArray(j))
		items = j;
	if (!cJSON_IsArray(items)) {
		cJSON_Delete(j);
		verr_set(err, VERR_PARSE, rs->status,
			 LABEL ": the user list held no array of users");
		return false;
	}
	const cJSON *u;
	cJSON_ArrayForEach(u, items)
	{
		if (!cJSON_IsObject(u))
			continue;
		struct record *m = record_list_push(out);
		parse_user(u, m);
		if (!m->id) {
			record_free(m);
			out->n--;
		}
	}
	read_pagination(pgn, cJSON_GetArraySize(items), pg);
	cJSON_Delete(j);
	return true;
}

static bool member_remove_req(const struct profile *p, const char *org_id, const char *member_id,
			      struct vreq *r)
{
	if (!org_id || !*org_id || !member_id || !*member_id)
		return false;
	if (!start(p, r, "DELETE", "organizations", org_id, "users"))
		return false;
	struct buf u;
	buf_init(&u);
	buf_puts(&u, r->url);
	buf_putc(&u, '/');
	buf_put_urlenc(&u, member_id);
	free(r->url);
	r->url = buf_steal(&u);
	return true;
}

/* ---- errors ---- */

/* The string value of "key": "..." anywhere in text, for bodies the JSON parser refuses
 * (the seed's own samples). Handles \" and \\ escapes; caller frees; NULL if absent. */
static char *lenient_string(const char *body, size_t len, const char *key)
{
	char pat[40];
	snprintf(pat, sizeof pat, "\"%s\"", key);
	size_t pl = strlen(pat);
	for (size_t i = 0; i + pl <= len; i++) {
		if (memcmp(body + i, pat, pl))
			continue;
		size_t k = i + pl;
		while (k < len && isspace((unsigned char)body[k]))
			k++;
		if (k >= len || body[k] != ':')
			continue;
		k++;
		while (k < len && isspace((unsigned char)body[k]))
			k++;
		if (k >= len || body[k] != '"')
			continue;
		struct buf b;
		buf_init(&b);
		for (k++; k < len && body[k] != '"'; k++) {
			if (body[k] == '\\' && k + 1 < len)
				k++;
			buf_putc(&b, body[k]);
		}
		return buf_steal(&b);
	}
	return NULL;
}

/* message and name from the error envelope, parsed or dug out. */
static void envelope(const struct vresp *rs, char **message, char **name)
{
	*message = *name = NULL;
	if (!rs->body || !rs->len)
		return;
	cJSON *j = cJSON_ParseWithLength(rs->body, rs->len);
	if (j) {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(j, "response"), "error");
		if (!e)
			e = cJSON_GetObjectItemCaseSensitive(j, "error");
		if (cJSON_IsObject(e)) {
			*message = vj_get_text(e, "message");
			*name = vj_get_text(e, "name");
		} else if (cJSON_IsString(e)) {
			*message = xstrdup(e->valuestring);
		} else {
			*message = vj_get_text(j, "message");
		}
		cJSON_Delete(j);
		return;
	}
	*message = lenient_string(rs->body, rs->len, "message");
	*name = lenient_string(rs->body, rs->len, "name");
}

/* Printable, bounded, single line: the message came from the network. */
static void tidy(char *s)
{
	if (!s)
		return;
	for (char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	if (strlen(s) > 200)
		strcpy(s + 197, "...");
}

static bool body_has(const struct vresp *rs, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; rs->body && i + n <= rs->len; i++)
		if (!memcmp(rs->body + i, s, n))
			return true;
	return false;
}

static void error_parse(const struct profile *p, const struct vresp *rs, struct verr *err)
{
	enum verr_kind kind = verr_kind_for_status(rs->status);
	char *msg, *name;
	envelope(rs, &msg, &name);
	if (!msg || !*msg) {
		free(msg);
		char ex[160];
		verr_body_excerpt(rs, ex, sizeof ex);
		msg = xstrdup(ex);
	}
	tidy(msg);
	bool quota = rs->status == 429 && (strstr(msg, QUOTA_MARKER) || body_has(rs, QUOTA_MARKER));
	const char *m = msg[0] ? msg : NULL;
	if (quota) {
		verr_set(err, VERR_QUOTA, rs->status,
			 LABEL ": API call limit exceeded; the account's call quota is spent, ask "
			       "the QuestionPro account representative to extend it");
	} else if (kind == VERR_AUTH) {
		verr_set(err, kind, rs->status, LABEL ": authorization failed, check api_key%s%s%s",
			 m ? " (" : "", m ? m : "", m ? ")" : "");
	} else if (kind == VERR_FORBIDDEN) {
		verr_set(err, kind, rs->status,
			 LABEL ": %s; check that organization_id is this api_key's organization",
			 m ? m : "forbidden");
	} else if (kind == VERR_RATE) {
		verr_set(err, kind, rs->status,
			 LABEL ": rate limit reached (300 calls a minute per key)%s%s",
			 m ? ": " : "", m ? m : "");
	} else if (m) {
		verr_set(err, kind, rs->status, LABEL ": %s (HTTP %ld%s%s)", m, rs->status,
			 name && *name ? ", " : "", name && *name ? name : "");
	} else {
		verr_set(err, kind, rs->status, LABEL ": %s (HTTP %ld, empty answer)",
			 verr_kind_name(kind), rs->status);
	}
	free(msg);
	free(name);
	verr_scrub(err->msg, profile_get(p, "api_key"));
}

/* First-run setup (model/vendor.h). */
static const char *const setup_keys[][2] = {
    {"organization_id", "your organization id (a number)"},
    {NULL, NULL},
};
static const char *const base_url_choices[] = {"com", "eu", "ca",  "sg", "au",
					       "ae",  "sa", "ksa", NULL};

const struct vendor vendor_questionpro = {
    .default_base_url = "https://api.questionpro.com/a/api/v2",
    .setup_keys = setup_keys,
    .base_url_choices = base_url_choices,
    .base_url_choice_key = "datacenter",
    .name = "questionpro",
    .label = LABEL,
    .caps = VCAP_LIST | VCAP_GET | VCAP_UPDATE | VCAP_MEMBERS | VCAP_MEMBER_REMOVE,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .secret_keys = secret_keys,
    .page_size = 1, /* the organization list is one record */
    .max_parallel = 1,
    .list_req = list_req,
    .list_parse = list_parse,
    .get_req = get_req,
    .record_parse = record_parse,
    .update_req = update_req,
    .members_req = members_req,
    .members_parse = members_parse,
    .member_remove_req = member_remove_req,
    .error_parse = error_parse,
};
