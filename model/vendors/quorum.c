/* Quorum API (seed 000; VENDORS.md section 1). Organizations only: list with Django-style
 * filters (name__icontains, email_limit__gte, cs_managers__overlaps, updated__year, ...),
 * get, and PATCH of the changed fields; no create or delete. Members are Quorum users
 * (/user/) filtered by organization, read-only.
 *
 * Quirks:
 * - Writes need the "www." host (quorum.us without it fails PATCH and POST), so a bare
 *   quorum.us base_url is corrected.
 * - Credentials are query parameters on every call (username, api_key), so every URL we
 *   build holds the key: the net layer redacts it, and our error text never echoes a body
 *   without scrubbing the key first (a 400 may quote the request URL, meta.next holds it).
 *   The security scheme is labelled "user_name" in the seed but every client sends
 *   "username"; a profile may say username_param = user_name if an instance wants that.
 * - Tastypie paging: limit/offset, answers {"meta": {limit, offset, next, previous,
 *   total_count}, "objects": [...]}; next is null on the last page. Paths end with "/": a
 *   slashless PATCH would be redirected and lost.
 * - Related objects are URIs ("/api/user/1/"), lists of ids are JSON arrays of integers,
 *   and some settings are JSON objects; the PATCH body has to send each back in its own JSON
 *   type, not as text.
 * - The seed documents no error body (400 "improperly configured request", 401, 500), so an
 *   error body is read as JSON when it is, and as text otherwise.
 * - No ordering parameter is documented, so no server-side sort. */
#include "model/config.h"
#include "model/vendor.h"
#include "model/vjson.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define LABEL "Quorum"
/* The documented default is 20; Tastypie's usual cap is 1000. 100 keeps pages quick. */
#define PAGE 100

#define E FS_EDITABLE
#define COL FS_COLUMN
static const struct field_spec fields[] = {
    /* General */
    {"name", "Name", FT_TEXT, E | FS_REQUIRED | COL, NULL, "General", 34, 0, 255},
    {"id", "Quorum ID", FT_INT, COL, NULL, "General", 8, 0, 0},
    {"subdomain", "Subdomain", FT_TEXT, E | COL, NULL, "General", 16, 0, 100},
    {"default_domain", "Default domain", FT_TEXT, E, NULL, "General", 20, 0, 255},
    {"account_type", "Account type", FT_INT, E, NULL, "General", 6, 0, 0},
    {"active_client", "Active client", FT_BOOL, E | COL, NULL, "General", 6, 0, 0},
    {"is_approved", "Approved", FT_BOOL, E, NULL, "General", 6, 0, 0},
    {"archived", "Archived", FT_BOOL, E | COL, NULL, "General", 6, 0, 0},
    {"date_archived", "Archived on", FT_DATE, 0, NULL, "General", 20, 0, 0},
    {"trial_expiration", "Trial expires", FT_DATE, E, NULL, "General", 20, 0, 0},
    {"created", "Created", FT_DATE, 0, NULL, "General", 20, 0, 0},
    {"updated", "Updated", FT_DATE, COL, NULL, "General", 20, 0, 0},
    /* Limits and usage */
    {"max_members", "Max members", FT_INT, E | COL, NULL, "Limits", 8, 0, 0},
    {"max_contacts", "Max contacts", FT_INT, E, NULL, "Limits", 8, 0, 0},
    {"max_projects", "Max projects", FT_INT, E, NULL, "Limits", 8, 0, 0},
    {"max_social_accounts", "Max social accounts", FT_INT, E, NULL, "Limits", 8, 0, 0},
    {"max_email_alerts", "Max e-mail alerts", FT_INT, E, NULL, "Limits", 8, 0, 0},
    {"max_csv_size", "Max CSV size", FT_INT, E, NULL, "Limits", 8, 0, 0},
    {"email_limit", "E-mail limit", FT_INT, E | COL, NULL, "Limits", 8, 0, 0},
    {"email_limit_percentage", "E-mail limit used (%)", FT_INT, 0, NULL, "Limits", 6, 0, 0},
    {"sms_limit", "SMS limit", FT_INT, E, NULL, "Limits", 8, 0, 0},
    {"sms_messages_toward_limit", "SMS sent toward limit", FT_INT, 0, NULL, "Limits", 8, 0, 0},
    {"lower_tier_bound", "Lower tier bound", FT_INT, E, NULL, "Limits", 8, 0, 0},
    {"upper_tier_bound", "Upper tier bound", FT_INT, E, NULL, "Limits", 8, 0, 0},
    /* People: Quorum's own staff and partner organizations */
    {"administrators", "Administrators", FT_LIST, 0, NULL, "People", 20, 0, 0},
    {"cs_managers", "CS managers (user ids)", FT_LIST, E, NULL, "People", 16, 0, 0},
    {"cs_managers_usernames", "CS managers", FT_TEXT, 0, NULL, "People", 24, 0, 0},
    {"limit_to_cs_managers", "Limit to CS managers", FT_BOOL, E, NULL, "People", 6, 0, 0},
    {"partners", "Partners (organization ids)", FT_LIST, E, NULL, "People", 16, 0, 0},
    {"partner_names", "Partner names", FT_LIST, 0, NULL, "People", 24, 0, 0},
    {"can_see_partners_users", "Sees partners' users", FT_BOOL, E, NULL, "People", 6, 0, 0},
    {"should_share_with_partners_by_default", "Share with partners by default", FT_BOOL, E, NULL,
     "People", 6, 0, 0},
    /* Products: the qp_ switches (which Quorum products the organization has) */
    {"qp_action_center", "Action center", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_consultants", "Consultants", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_contacts_documents", "Contacts documents", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_custom_contacts", "Custom contacts", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_custom_data", "Custom data", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_custom_events", "Custom events", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_custom_outbox", "Custom outbox", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_custom_permissions", "Custom permissions", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_eu", "EU", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_external_interactions", "External interactions", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_external_relationship", "External relationships", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_federal", "Federal", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_internal_relationship", "Internal relationships", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_legislation_page", "Legislation page", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_live_chat", "Live chat", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_local_agendas", "Local agendas", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_officials_outbox", "Officials outbox", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_pac", "PAC", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_project_management", "Project management", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_stakeholder", "Stakeholder", FT_BOOL, E, NULL, "Products", 6, 0, 0},
    {"qp_unique_ids_in_downloads", "Unique ids in downloads", FT_BOOL, E, NULL, "Products", 6, 0,
     0},
    /* Coverage: the qp_ lists (which regions each product covers, as Quorum enum ids) */
    {"qp_executives", "Executives", FT_LIST, E, NULL, "Coverage", 16, 0, 0},
    {"qp_grassroots", "Grassroots", FT_LIST, E, NULL, "Coverage", 16, 0, 0},
    {"qp_international", "International", FT_LIST, E, NULL, "Coverage", 16, 0, 0},
    {"qp_legislative_data", "Legislative data", FT_LIST, E, NULL, "Coverage", 16, 0, 0},
    {"qp_legislative_profiles", "Legislative profiles", FT_LIST, E, NULL, "Coverage", 16, 0, 0},
    {"qp_legislators", "Legislators", FT_LIST, E, NULL, "Coverage", 16, 0, 0},
    {"qp_local", "Local", FT_LIST, E, NULL, "Coverage", 16, 0, 0},
    {"qp_media_monitoring", "Media monitoring", FT_LIST, E, NULL, "Coverage", 16, 0, 0},
    {"qp_media_relations", "Media relations", FT_LIST, E, NULL, "Coverage", 16, 0, 0},
    {"qp_official_documents", "Official documents", FT_LIST, E, NULL, "Coverage", 16, 0, 0},
    {"qp_regulations", "Regulations", FT_LIST, E, NULL, "Coverage", 16, 0, 0},
    {"qp_staffers", "Staffers", FT_LIST, E, NULL, "Coverage", 16, 0, 0},
    {"qp_states", "States", FT_LIST, E, NULL, "Coverage", 16, 0, 0},
    /* Policies: the should_/require_/share_ switches */
    {"should_org_admin_see_all_org_data", "Admins see all data", FT_BOOL, E, NULL, "Policies", 6, 0,
     0},
    {"should_limit_editing_notes_to_admins_and_creators", "Only admins and creators edit notes",
     FT_BOOL, E, NULL, "Policies", 6, 0, 0},
    {"should_show_only_users_on_teams", "Show only users on teams", FT_BOOL, E, NULL, "Policies", 6,
     0, 0},
    {"should_display_grassroots_registration_actions", "Show grassroots registration actions",
     FT_BOOL, E, NULL, "Policies", 6, 0, 0},
    {"require_issue_on_interaction", "Issue required on interactions", FT_BOOL, E, NULL, "Policies",
     6, 0, 0},
    {"require_issue_on_outbox", "Issue required on outbox", FT_BOOL, E, NULL, "Policies", 6, 0, 0},
    {"share_all_custom_regions", "Share all custom regions", FT_BOOL, E, NULL, "Policies", 6, 0, 0},
    {"can_use_independent_campaigns", "Independent campaigns", FT_BOOL, E, NULL, "Policies", 6, 0,
     0},
    {"auto_enrich_supporters", "Auto-enrich supporters", FT_BOOL, E, NULL, "Policies", 6, 0, 0},
    {"pad_unique_identifier", "Pad unique identifier", FT_BOOL, E, NULL, "Policies", 6, 0, 0},
    {"i360_organization", "i360 organization", FT_BOOL, E, NULL, "Policies", 6, 0, 0},
    {"i360_organization_and_quorum_client", "i360 and Quorum client", FT_BOOL, 0, NULL, "Policies",
     6, 0, 0},
    /* Messaging */
    {"deliver_supporter_messages", "Deliver supporter messages", FT_BOOL, E, NULL, "Messaging", 6,
     0, 0},
    {"default_forward_recipient", "Default forward recipient", FT_URL, 0, NULL, "Messaging", 20, 0,
     0},
    {"outbox_domain_dict", "Outbox domains", FT_JSON, E, NULL, "Messaging", 20, 0, 0},
    {"agreed_to_texting_user", "Agreed to texting (user)", FT_URL, 0, NULL, "Messaging", 20, 0, 0},
    {"datetime_agreed_to_texting", "Agreed to texting on", FT_DATE, 0, NULL, "Messaging", 20, 0, 0},
    {"phone_numbers", "Phone numbers", FT_URL, 0, NULL, "Messaging", 20, 0, 0},
    /* Security */
    {"allowed_domains", "Allowed domains", FT_LIST, E, NULL, "Security", 20, 0, 0},
    {"allowed_user_domains", "Allowed user domains", FT_LIST, E, NULL, "Security", 20, 0, 0},
    {"ip_addresses", "Allowed IP addresses", FT_LIST, E, NULL, "Security", 20, 0, 0},
    {"sso_enabled_for_all_users", "SSO for all users", FT_BOOL, E, NULL, "Security", 6, 0, 0},
    {"sso_profiles", "SSO profiles", FT_URL, 0, NULL, "Security", 20, 0, 0},
    {"custom_session_timeout", "Session timeout", FT_INT, E, NULL, "Security", 8, 0, 0},
    {"zapier_token", "Zapier token", FT_TEXT, FS_SECRETLIKE, NULL, "Security", 12, 0, 0},
    /* Advanced: settings objects and Tastypie plumbing */
    {"internal_interaction_types", "Internal interaction types", FT_LIST, E, NULL, "Advanced", 20,
     0, 0},
    {"internal_relationship_types", "Internal relationship types", FT_LIST, E, NULL, "Advanced", 20,
     0, 0},
    {"custom_alert_orderings", "Custom alert orderings", FT_JSON, E, NULL, "Advanced", 20, 0, 0},
    {"resource_uri", "Resource URI", FT_URL, 0, NULL, "Advanced", 24, 0, 0},
    {"_extra", "Extra", FT_JSON, 0, NULL, "Advanced", 20, 0, 0},
};
#undef E
#undef COL

/* Every filter and qualifier the seed lists; the "in" and "overlaps" ones take several
 * comma-separated values. */
static const struct filter_spec filters[] = {
    {"name__icontains", "Name contains (any case)", FT_TEXT, NULL, false},
    {"name__contains", "Name contains", FT_TEXT, NULL, false},
    {"name__istartswith", "Name starts with (any case)", FT_TEXT, NULL, false},
    {"name__startswith", "Name starts with", FT_TEXT, NULL, false},
    {"name__iendswith", "Name ends with (any case)", FT_TEXT, NULL, false},
    {"name__endswith", "Name ends with", FT_TEXT, NULL, false},
    {"name__iexact", "Name is (any case)", FT_TEXT, NULL, false},
    {"name", "Name is", FT_TEXT, NULL, false},
    {"name__in", "Name is one of", FT_TEXT, NULL, true},
    {"id", "Quorum ID", FT_INT, NULL, false},
    {"archived", "Archived", FT_BOOL, NULL, false},
    {"email_limit", "E-mail limit is", FT_INT, NULL, false},
    {"email_limit__in", "E-mail limit is one of", FT_INT, NULL, true},
    {"email_limit__gt", "E-mail limit above", FT_INT, NULL, false},
    {"email_limit__gte", "E-mail limit at least", FT_INT, NULL, false},
    {"email_limit__lt", "E-mail limit below", FT_INT, NULL, false},
    {"email_limit__lte", "E-mail limit at most", FT_INT, NULL, false},
    {"email_limit__isnull", "E-mail limit unset", FT_BOOL, NULL, false},
    {"max_members", "Max members is", FT_INT, NULL, false},
    {"max_members__in", "Max members is one of", FT_INT, NULL, true},
    {"max_members__gt", "Max members above", FT_INT, NULL, false},
    {"max_members__gte", "Max members at least", FT_INT, NULL, false},
    {"max_members__lt", "Max members below", FT_INT, NULL, false},
    {"max_members__lte", "Max members at most", FT_INT, NULL, false},
    {"max_members__isnull", "Max members unset", FT_BOOL, NULL, false},
    {"cs_managers", "CS managers are (user ids)", FT_LIST, NULL, true},
    {"cs_managers__overlaps", "CS managers include any of (user ids)", FT_LIST, NULL, true},
    {"partners", "Partners are (organization ids)", FT_LIST, NULL, true},
    {"partners__overlaps", "Partners include any of (organization ids)", FT_LIST, NULL, true},
    {"updated", "Updated at", FT_DATE, NULL, false},
    {"updated__year", "Updated in year", FT_INT, NULL, false},
    {"updated__month", "Updated in month (1-12)", FT_INT, NULL, false},
    {"updated__day", "Updated on day of month", FT_INT, NULL, false},
    {"updated__week_day", "Updated on weekday (1=Sunday)", FT_INT, NULL, false},
    {"updated__hour", "Updated at hour", FT_INT, NULL, false},
    {"updated__minute", "Updated at minute", FT_INT, NULL, false},
    {"updated__second", "Updated at second", FT_INT, NULL, false},
};

static const char *const secret_keys[] = {"api_key", NULL};

static const struct field_spec *find_field(const char *key)
{
	for (size_t i = 0; key && i < sizeof fields / sizeof *fields; i++)
		if (!strcmp(fields[i].key, key))
			return &fields[i];
	return NULL;
}

static const struct filter_spec *find_filter(const char *param)
{
	for (size_t i = 0; param && i < sizeof filters / sizeof *filters; i++)
		if (!strcmp(filters[i].param, param))
			return &filters[i];
	return NULL;
}

/* Appends "&name=value" (or "?name=value" on the first parameter). */
static void param(struct buf *u, bool *first, const char *name, const char *value)
{
	buf_putc(u, *first ? '?' : '&');
	*first = false;
	buf_puts(u, name);
	buf_putc(u, '=');
	buf_put_urlenc(u, value ? value : "");
}

/* A comma-separated value with each item encoded but the commas kept, as the seed writes
 * them; spaces a person types after commas are dropped. */
static void param_multi(struct buf *u, bool *first, const char *name, const char *value)
{
	buf_putc(u, *first ? '?' : '&');
	*first = false;
	buf_puts(u, name);
	buf_putc(u, '=');
	const char *s = value ? value : "";
	bool sep = false;
	while (*s) {
		while (isspace((unsigned char)*s))
			s++;
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		if (n) {
			char *item = xstrndup(s, n);
			if (sep)
				buf_putc(u, ',');
			buf_put_urlenc(u, item);
			free(item);
			sep = true;
		}
		if (!e)
			break;
		s = e + 1;
	}
}

/* Tastypie reads "true"/"false"; people type yes, no, 1, 0. */
static const char *bool_word(const char *v)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "y") || !strcasecmp(v, "true") ||
	    !strcmp(v, "1"))
		return "true";
	if (!strcasecmp(v, "no") || !strcasecmp(v, "n") || !strcasecmp(v, "false") ||
	    !strcmp(v, "0"))
		return "false";
	return v;
}

/* The credentials close every query. */
static void credentials(const struct profile *p, struct buf *u, bool *first)
{
	const char *uname = profile_get(p, "username_param");
	param(u, first, uname && *uname ? uname : "username", profile_get(p, "username"));
	param(u, first, "api_key", profile_get(p, "api_key"));
}

/* base_url + "/" + resource + "/" [+ id + "/"]: every Quorum path ends with a slash. A
 * bare quorum.us host gets its "www.": without it GETs work but PATCHes fail. */
static void path(struct buf *u, const struct profile *p, const char *resource, const char *id)
{
	const char *base = p->base_url ? p->base_url : "";
	static const char *const bare[] = {"https://quorum.us", "http://quorum.us", NULL};
	for (int i = 0; bare[i]; i++) {
		size_t n = strlen(bare[i]);
		if (!strncasecmp(base, bare[i], n) && (base[n] == '/' || !base[n])) {
			buf_puts(u, "https://www.quorum.us");
			base += n;
			break;
		}
	}
	buf_puts(u, base);
	buf_putc(u, '/');
	buf_puts(u, resource);
	buf_putc(u, '/');
	if (id) {
		buf_put_urlenc(u, id);
		buf_putc(u, '/');
	}
}

static void accept_json(struct vreq *r)
{
	vreq_header(r, "Accept: application/json");
}

static bool list_req(const struct profile *p, const struct vquery *q, long page, struct vreq *r)
{
	if (page < 0)
		return false;
	struct buf u;
	buf_init(&u);
	bool first = true;
	path(&u, p, "organization", NULL);
	char n[32];
	snprintf(n, sizeof n, "%d", PAGE);
	param(&u, &first, "limit", n);
	snprintf(n, sizeof n, "%ld", page * PAGE);
	param(&u, &first, "offset", n);
	/* Only documented filters go out: a stray "api_key" or "offset" from a query would
	 * otherwise override ours. */
	for (int i = 0; q && i < q->nparams && i < 8; i++) {
		const struct filter_spec *f = find_filter(q->params[i][0]);
		const char *v = q->params[i][1];
		if (!f || !v)
			continue;
		if (f->multi)
			param_multi(&u, &first, f->param, v);
		else
			param(&u, &first, f->param, f->type == FT_BOOL ? bool_word(v) : v);
	}
	credentials(p, &u, &first);
	vreq_init(r, "GET");
	r->url = buf_steal(&u);
	accept_json(r);
	return true;
}

static void parse_org(const cJSON *o, struct record *r)
{
	r->id = vj_get_text(o, "id");
	r->name = vj_get_text(o, "name");
	r->version = vj_get_text(o, "updated");
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		vj_copy(r, fields[i].key, o, fields[i].key);
	r->raw = cJSON_PrintUnformatted(o);
}

/* Pushes every object of arr that has an id; the rest are not organizations we can
 * address. */
static void push_objects(const cJSON *arr, struct record_list *out,
			 void (*parse)(const cJSON *, struct record *))
{
	const cJSON *o;
	cJSON_ArrayForEach(o, arr)
	{
		if (!cJSON_IsObject(o))
			continue;
		struct record *r = record_list_push(out);
		parse(o, r);
		if (!r->id) {
			record_free(r);
			out->n--;
		}
	}
}

/* Reads Tastypie's meta; without one, a full page means there may be more. */
static void read_meta(const cJSON *j, int nobjects, struct vpage *pg)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(j, "meta");
	long long v;
	const cJSON *total = cJSON_GetObjectItemCaseSensitive(meta, "total_count");
	pg->total = vj_long(total, &v) ? (long)v : -1;
	const cJSON *next = cJSON_GetObjectItemCaseSensitive(meta, "next");
	if (cJSON_IsObject(meta) && cJSON_GetObjectItemCaseSensitive(meta, "next"))
		pg->more = cJSON_IsString(next) && next->valuestring[0];
	else
		pg->more = nobjects >= PAGE;
}

static bool parse_list(const struct vresp *rs, struct record_list *out, struct vpage *pg,
		       struct verr *err, void (*parse)(const cJSON *, struct record *),
		       const char *what)
{
	cJSON *j = vj_parse(rs, LABEL, err);
	if (!j)
		return false;
	const cJSON *objs = cJSON_GetObjectItemCaseSensitive(j, "objects");
	if (!cJSON_IsArray(objs)) {
		cJSON_Delete(j);
		verr_set(err, VERR_PARSE, rs->status,
			 LABEL ": the %s list had no \"objects\" array", what);
		return false;
	}
	/* Offsets are page * PAGE: a server that caps limit below PAGE would make us skip
	 * rows silently, so say so instead. */
	long long lim;
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(j, "meta");
	if (vj_long(cJSON_GetObjectItemCaseSensitive(meta, "limit"), &lim) && lim > 0 &&
	    lim < PAGE) {
		cJSON_Delete(j);
		verr_set(err, VERR_UNSUPPORTED, rs->status,
			 LABEL ": the server capped pages at %lld rows (orgdeck asks for %d); "
			       "listing would skip rows",
			 lim, PAGE);
		return false;
	}
	push_objects(objs, out, parse);
	read_meta(j, cJSON_GetArraySize(objs), pg);
	cJSON_Delete(j);
	return true;
}

static bool list_parse(const struct profile *p, const struct vresp *rs, struct record_list *out,
		       struct vpage *pg, struct verr *err)
{
	return parse_list(rs, out, pg, err, parse_org, "organization");
}

static bool get_req(const struct profile *p, const char *id, struct vreq *r)
{
	if (!id || !*id)
		return false;
	struct buf u;
	buf_init(&u);
	bool first = true;
	path(&u, p, "organization", id);
	credentials(p, &u, &first);
	vreq_init(r, "GET");
	r->url = buf_steal(&u);
	accept_json(r);
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

/* The list fields that hold text (domains, addresses); every other list holds ids. */
static const char *const text_lists[] = {"allowed_domains", "allowed_user_domains", "ip_addresses",
					 NULL};

/* A list field back into JSON: "3, 5" -> [3,5] (ids are integers), "a.com, b.com" ->
 * ["a.com","b.com"], a JSON array as typed is kept, "" -> []. */
static cJSON *list_value(const char *key, const char *v)
{
	if (!v)
		return cJSON_CreateNull();
	const char *s = v;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '[') {
		cJSON *j = cJSON_Parse(s);
		if (cJSON_IsArray(j))
			return j;
		cJSON_Delete(j);
	}
	cJSON *arr = cJSON_CreateArray();
	bool numeric = true;
	for (int i = 0; text_lists[i]; i++)
		if (!strcmp(text_lists[i], key))
			numeric = false;
	/* Two passes: the type of every item depends on all of them. */
	for (int pass = 0; pass < 2; pass++) {
		const char *c = s;
		while (*c) {
			while (isspace((unsigned char)*c))
				c++;
			const char *e = strchr(c, ',');
			size_t n = e ? (size_t)(e - c) : strlen(c);
			while (n && isspace((unsigned char)c[n - 1]))
				n--;
			if (n) {
				char *item = xstrndup(c, n);
				char *end;
				long long x = strtoll(item, &end, 10);
				if (pass == 0 && *end)
					numeric = false;
				else if (pass == 1 && numeric)
					cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)x));
				else if (pass == 1)
					cJSON_AddItemToArray(arr, cJSON_CreateString(item));
				free(item);
			}
			if (!e)
				break;
			c = e + 1;
		}
	}
	return arr;
}

static bool update_req(const struct profile *p, const struct record *base,
		       const struct record *changes, struct vreq *r)
{
	if (!base || !base->id)
		return false;
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; i < changes->nfields; i++) {
		const struct record_field *f = &changes->fields[i];
		const struct field_spec *fs = find_field(f->key);
		/* The PATCH takes any writable field; read-only ones would be refused whole. */
		if (!fs || !(fs->flags & FS_EDITABLE))
			continue;
		if (fs->type == FT_LIST)
			cJSON_AddItemToObject(o, f->key, list_value(f->key, f->value));
		else
			vj_add_typed(o, f->key, f->value, fs->type);
	}
	if (!cJSON_GetArraySize(o)) {
		cJSON_Delete(o);
		return false;
	}
	struct buf u;
	buf_init(&u);
	bool first = true;
	path(&u, p, "organization", base->id);
	credentials(p, &u, &first);
	vreq_init(r, "PATCH");
	r->url = buf_steal(&u);
	accept_json(r);
	vreq_header(r, "Content-Type: application/json");
	r->body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return true;
}

/* Quorum users of one organization, a page at a time. */
static bool members_req(const struct profile *p, const char *org_id, long page, struct vreq *r)
{
	if (!org_id || !*org_id || page < 0)
		return false;
	struct buf u;
	buf_init(&u);
	bool first = true;
	path(&u, p, "user", NULL);
	param(&u, &first, "organization", org_id);
	char n[32];
	snprintf(n, sizeof n, "%d", PAGE);
	param(&u, &first, "limit", n);
	snprintf(n, sizeof n, "%ld", page * PAGE);
	param(&u, &first, "offset", n);
	credentials(p, &u, &first);
	vreq_init(r, "GET");
	r->url = buf_steal(&u);
	accept_json(r);
	return true;
}

static char *joined_name(const cJSON *u)
{
	char *first = vj_get_text(u, "first_name"), *last = vj_get_text(u, "last_name");
	char *name = NULL;
	if ((first && *first) || (last && *last))
		name = xasprintf("%s%s%s", first && *first ? first : "",
				 first && *first && last && *last ? " " : "",
				 last && *last ? last : "");
	free(first);
	free(last);
	return name;
}

static void parse_user(const cJSON *u, struct record *m)
{
	m->id = vj_get_text(u, "id");
	m->name = joined_name(u);
	if (!m->name)
		m->name = vj_get_text(u, "username");
	if (!m->name)
		m->name = vj_get_text(u, "email");
	vj_copy(m, "email", u, "email");
	vj_copy(m, "username", u, "username");
	vj_copy(m, "is_active", u, "is_active");
	vj_copy(m, "date_joined", u, "date_joined");
	/* Quorum has no per-organization role; an organization admin is the closest thing. */
	const cJSON *role = cJSON_GetObjectItemCaseSensitive(u, "role");
	const cJSON *admin = cJSON_GetObjectItemCaseSensitive(u, "is_org_admin");
	if (role && !cJSON_IsNull(role))
		record_set_owned(m, "role", vj_text(role));
	else if (cJSON_IsBool(admin))
		record_set(m, "role", cJSON_IsTrue(admin) ? "admin" : "user");
	else
		record_set(m, "role", NULL);
	m->raw = cJSON_PrintUnformatted(u);
}

static bool members_parse(const struct profile *p, const struct vresp *rs, struct record_list *out,
			  struct vpage *pg, struct verr *err)
{
	return parse_list(rs, out, pg, err, parse_user, "user");
}

/* ---- errors ---- */

/* Also hides whatever follows "api_key=" (a URL quoted in the body, meta.next). */
static void scrub_param(char *s)
{
	for (char *hit = s; (hit = strstr(hit, "api_key="));) {
		hit += 8;
		char *e = hit;
		while (*e && *e != '&' && *e != '"' && *e != '\'' && !isspace((unsigned char)*e))
			e++;
		if (e - hit > 3) {
			memcpy(hit, "***", 3);
			memmove(hit + 3, e, strlen(e) + 1);
		}
	}
}

/* The text of a Tastypie/Django error body: {"error": "..."}, {"message"|"detail": ...},
 * or validation errors {"organization": {"field": ["msg"]}} flattened to "field: msg". */
static void describe(const cJSON *j, struct buf *b, int depth)
{
	static const char *const keys[] = {"error_message", "error", "message", "detail", NULL};
	if (!cJSON_IsObject(j) || depth > 3)
		return;
	for (int i = 0; keys[i]; i++) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, keys[i]);
		if (cJSON_IsString(m) && m->valuestring[0]) {
			buf_puts(b, m->valuestring);
			return;
		}
		if (cJSON_IsObject(m)) {
			describe(m, b, depth + 1);
			return;
		}
	}
	const cJSON *f;
	cJSON_ArrayForEach(f, j)
	{
		if (b->len > 200)
			break;
		if (cJSON_IsObject(f)) {
			describe(f, b, depth + 1);
			continue;
		}
		char *t = vj_text(f);
		if (t && *t) {
			if (b->len)
				buf_puts(b, "; ");
			buf_printf(b, "%s: %s", f->string, t);
		}
		free(t);
	}
}

static void error_parse(const struct profile *p, const struct vresp *rs, struct verr *err)
{
	enum verr_kind kind = verr_kind_for_status(rs->status);
	struct buf b;
	buf_init(&b);
	cJSON *j = rs->body && rs->len ? cJSON_ParseWithLength(rs->body, rs->len) : NULL;
	describe(j, &b, 0);
	if (cJSON_IsString(j))
		buf_puts(&b, j->valuestring);
	cJSON_Delete(j);
	if (!b.len) {
		char ex[200];
		verr_body_excerpt(rs, ex, sizeof ex);
		buf_puts(&b, ex);
	}
	char *msg = buf_steal(&b);
	if (strlen(msg) > 220)
		strcpy(msg + 217, "...");
	const char *what = msg[0] ? msg : NULL;
	switch (kind) {
	case VERR_AUTH:
		verr_set(err, kind, rs->status,
			 LABEL ": authorization failed, check username and api_key%s%s%s",
			 what ? " (" : "", what ? what : "", what ? ")" : "");
		break;
	case VERR_FORBIDDEN:
		verr_set(err, kind, rs->status,
			 LABEL ": this user may not do that (API access is a paid add-on; ask the "
			       "Customer Success Manager)%s%s",
			 what ? ": " : "", what ? what : "");
		break;
	case VERR_NOT_FOUND:
		verr_set(err, kind, rs->status,
			 LABEL ": not found; the organization may be gone or not visible to this "
			       "user%s%s",
			 what ? ": " : "", what ? what : "");
		break;
	case VERR_RATE:
		verr_set(err, kind, rs->status, LABEL ": too many requests, slow down%s%s",
			 what ? ": " : "", what ? what : "");
		break;
	case VERR_INVALID:
		if (what)
			verr_set(err, kind, rs->status, LABEL ": %s (HTTP %ld)", what, rs->status);
		else
			verr_set(err, kind, rs->status,
				 LABEL ": the request was refused as improperly configured "
				       "(HTTP %ld)",
				 rs->status);
		break;
	default:
		if (what)
			verr_set(err, kind, rs->status, LABEL ": %s (HTTP %ld)", what, rs->status);
		else
			verr_set(err, kind, rs->status, LABEL ": %s (HTTP %ld, empty answer)",
				 verr_kind_name(kind), rs->status);
	}
	free(msg);
	verr_scrub(err->msg, profile_get(p, "api_key"));
	scrub_param(err->msg);
}

/* First-run setup (model/vendor.h). */
static const char *const setup_keys[][2] = {
    {"username", "your Quorum user name"},
    {NULL, NULL},
};

const struct vendor vendor_quorum = {
    .default_base_url = "https://www.quorum.us/api",
    .setup_keys = setup_keys,
    .name = "quorum",
    .label = LABEL,
    .caps = VCAP_LIST | VCAP_GET | VCAP_UPDATE | VCAP_MEMBERS | VCAP_FILTERS,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .filters = filters,
    .nfilters = sizeof filters / sizeof filters[0],
    .secret_keys = secret_keys,
    .page_size = PAGE,
    .max_parallel = 4,
    .list_req = list_req,
    .list_parse = list_parse,
    .get_req = get_req,
    .record_parse = record_parse,
    .update_req = update_req,
    .members_req = members_req,
    .members_parse = members_parse,
    .error_parse = error_parse,
};
