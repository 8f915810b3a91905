/* HighQ Collaborate API v4 (seed 002; VENDORS.md section 3). Organisations under
 * {instance}/api/4/organisations with offset/limit paging, CSV filters (industry, category,
 * status), single-value domain and search, and sort by `ordertype` (the field) and `orderby`
 * (the direction), the reverse of what the seed's table labels suggest.
 *
 * Quirks this file absorbs:
 *  - Numbers are JSON strings ("orgid": "1", "total": "74"), both ways: we read strings or
 *    numbers and send every number back as a string, as HighQ's own sample app does.
 *  - The list envelope is {"organisations": {"total", "totalCount", "organisation": [...]}}
 *    in the docs but a top-level "organisation" in HighQ's sample app, and a single
 *    organisation may arrive as an object where an array is expected (JAXB style).
 *  - Answers may be XML even when JSON is asked for; a small tolerant reader turns the
 *    organisation list/get shapes (and the error envelope) into the same cJSON tree.
 *  - PUT replaces the organisation whole, so update sends the base record (the vendor's own
 *    object, kept in record.raw) with the changes applied (VCAP_FULL_REPLACE).
 *  - Status casing varies (ACTIVE in lists, Active in detail, active in filters): records
 *    carry it lower-cased so it matches the filter and enum values; raw keeps HighQ's.
 *  - Dates like "22 Mar 2017 14:20" (UTC, no zone) are kept as text.
 *  - Auth is OAuth2 authorization code per instance: authorize.action in a browser, then
 *    api/oauth2/token (form-encoded) for the access and refresh tokens; calls carry
 *    `Authorization: Bearer`. No DELETE is documented (organisations are archived via status).
 *  - Members are the organisation's users (api/3/users?organisationid=), read-only: no
 *    add/remove/role call exists for them in the documents.
 *  - Errors are {"error": {"summary", "ref", "link"}} (or <error> in XML); ref is a number or
 *    a string and is the stable part, so messages are keyed on it. */
#include "model/config.h"
#include "model/vendor.h"
#include "model/vjson.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define LABEL "HighQ"
#define PAGE 100
#define XML_MAX_DEPTH 32

static const char *const statuses[] = {"active", "archive", "pending", NULL};

static const struct field_spec fields[] = {
    {"name", "Name", FT_TEXT, FS_EDITABLE | FS_REQUIRED | FS_COLUMN | FS_CREATE, NULL, "General",
     34, 0, 128},
    {"status", "Status", FT_ENUM, FS_EDITABLE | FS_COLUMN | FS_CREATE, statuses, "General", 9, 0,
     0},
    {"internal", "Internal", FT_BOOL, FS_EDITABLE | FS_CREATE, NULL, "General", 8, 0, 0},
    {"noofusers", "Users", FT_INT, FS_COLUMN, NULL, "Usage", 6, 0, 0},
    {"createddate", "Created", FT_DATE, FS_COLUMN, NULL, "Usage", 17, 0, 0},
    /* detail only (GET organisations/{ID}); the ids are what PUT and the filters take */
    {"orgindustryid", "Industry id", FT_INT, FS_EDITABLE | FS_CREATE, NULL, "Classification", 6, 0,
     0},
    {"orgindustry", "Industry", FT_TEXT, 0, NULL, "Classification", 20, 0, 0},
    {"orgcategoryid", "Category id", FT_INT, FS_EDITABLE | FS_CREATE, NULL, "Classification", 6, 0,
     0},
    {"orgcategory", "Category", FT_TEXT, 0, NULL, "Classification", 20, 0, 0},
    {"contact_name", "Contact", FT_TEXT, 0, NULL, "Contact", 24, 0, 0},
    {"contact_email", "Contact email", FT_EMAIL, 0, NULL, "Contact", 30, 0, 0},
    {"link", "API link", FT_URL, 0, NULL, "Usage", 40, 0, 0},
};

static const struct filter_spec filters[] = {
    {"status", "Status", FT_ENUM, statuses, true},
    {"industry", "Industry ids", FT_TEXT, NULL, true},
    {"category", "Category ids", FT_TEXT, NULL, true},
    {"domain", "Domain", FT_TEXT, NULL, false},
    {"search", "Search", FT_TEXT, NULL, false},
};

static const char *const secret_keys[] = {"client_secret", "access_token", "refresh_token", NULL};

/* record key -> HighQ ordertype value */
static const char *const sort_keys[][2] = {
    {"id", "id"},	    {"name", "name"}, {"status", "status"}, {"createddate", "createddate"},
    {"noofusers", "users"},
};

/* ---- requests ---- */

static void auth(const struct profile *p, struct vreq *r)
{
	vreq_header(r, "Accept: application/json");
	const char *tok = profile_get(p, "access_token");
	/* Without a token the call goes out bare: HighQ's 401 then says to sign in. */
	if (tok && tok[0])
		vreq_header(r, "Authorization: Bearer %s", tok);
}

static char *api_url(const struct profile *p, const char *path, const char *id)
{
	struct buf u;
	buf_init(&u);
	buf_puts(&u, p->base_url);
	buf_puts(&u, "/api/4");
	buf_puts(&u, path);
	if (id) {
		buf_putc(&u, '/');
		buf_put_urlenc(&u, id);
	}
	return buf_steal(&u);
}

static const struct filter_spec *filter_find(const char *param)
{
	for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
		if (!strcmp(filters[i].param, param))
			return &filters[i];
	return NULL;
}

/* A CSV value keeps its commas literal (as the seed's example writes them); each part is
 * trimmed and encoded on its own. */
static void put_csv(struct buf *u, const char *v)
{
	bool first = true;
	while (*v) {
		const char *e = strchr(v, ',');
		size_t n = e ? (size_t)(e - v) : strlen(v);
		const char *s = v;
		while (n && isspace((unsigned char)*s))
			s++, n--;
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		if (n) {
			char *part = xstrndup(s, n);
			if (!first)
				buf_putc(u, ',');
			buf_put_urlenc(u, part);
			free(part);
			first = false;
		}
		if (!e)
			break;
		v = e + 1;
	}
}

static bool list_req(const struct profile *p, const struct vquery *q, long page, struct vreq *r)
{
	vreq_init(r, "GET");
	struct buf u;
	buf_init(&u);
	buf_puts(&u, p->base_url);
	buf_puts(&u, "/api/4/organisations?");
	/* Parameters in the order of the seed's example: filters, sort, then the page. */
	for (int i = 0; q && i < q->nparams && i < 8; i++) {
		const struct filter_spec *f = filter_find(q->params[i][0] ? q->params[i][0] : "");
		const char *v = q->params[i][1];
		if (!f || !v || !v[0])
			continue;
		buf_printf(&u, "%s=", f->param);
		if (f->multi)
			put_csv(&u, v);
		else
			buf_put_urlenc(&u, v);
		buf_putc(&u, '&');
	}
	for (size_t i = 0; q && q->sort && i < sizeof sort_keys / sizeof sort_keys[0]; i++)
		if (!strcmp(q->sort, sort_keys[i][0])) {
			buf_printf(&u, "ordertype=%s&orderby=%s&", sort_keys[i][1],
				   q->desc ? "desc" : "asc");
			break;
		}
	buf_printf(&u, "limit=%d&offset=%ld", PAGE, page * PAGE);
	r->url = buf_steal(&u);
	auth(p, r);
	return true;
}

static bool get_req(const struct profile *p, const char *id, struct vreq *r)
{
	vreq_init(r, "GET");
	r->url = api_url(p, "/organisations", id);
	auth(p, r);
	return true;
}

/* HighQ wants every number as a string ("orgid": "1"); JSON numbers in a body we send back
 * (from raw, or typed by someone) become strings, recursively. */
static void stringify_numbers(cJSON *node)
{
	cJSON *c;
	cJSON_ArrayForEach(c, node)
	{
		if (cJSON_IsNumber(c)) {
			char *t = vj_text(c);
			cJSON *s = cJSON_CreateString(t ? t : "");
			free(t);
			if (cJSON_IsObject(node))
				cJSON_ReplaceItemInObjectCaseSensitive(node, c->string, s);
			else
				cJSON_ReplaceItemViaPointer(node, c, s);
			c = s;
		} else if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
			stringify_numbers(c);
		}
	}
}

/* The text HighQ expects for a schema field: booleans as "1"/"0", the rest as typed. */
static const char *wire_value(const struct field_spec *f, const char *v)
{
	if (!v)
		return "";
	if (f->type == FT_BOOL) {
		if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1"))
			return "1";
		if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") || !v[0])
			return "0";
	}
	return v;
}

static void put_string(cJSON *o, const char *key, const char *value)
{
	if (cJSON_GetObjectItemCaseSensitive(o, key))
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, cJSON_CreateString(value));
	else
		cJSON_AddStringToObject(o, key, value);
}

static char *print_body(cJSON *o)
{
	stringify_numbers(o);
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

static bool create_req(const struct profile *p, const struct record *values, struct vreq *r)
{
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const struct record_field *f = record_field(values, fields[i].key);
		/* empty means "not given": HighQ refuses "" where it wants a number */
		if (!(fields[i].flags & FS_CREATE) || !f || !f->value || !f->value[0])
			continue;
		cJSON_AddStringToObject(o, fields[i].key, wire_value(&fields[i], f->value));
	}
	if (!cJSON_GetObjectItemCaseSensitive(o, "name") && values->name)
		cJSON_AddStringToObject(o, "name", values->name);
	vreq_init(r, "POST");
	r->url = api_url(p, "/organisations", NULL);
	auth(p, r);
	vreq_header(r, "Content-Type: application/json");
	r->body = print_body(o);
	return true;
}

/* Full replace: HighQ's own object as last seen (raw), every editable field the base has
 * laid over it where raw lacks it, then the changes. Server-computed fields (link,
 * noofusers, createddate) go back untouched, as part of "the object as it is". What the body
 * leaves out HighQ resets (industry, category, contact), so the base must be the detail
 * (GET organisations/{ID}), not a list summary. */
static bool update_req(const struct profile *p, const struct record *base,
		       const struct record *changes, struct vreq *r)
{
	if (!base || !base->id)
		return false;
	cJSON *o = base->raw ? cJSON_Parse(base->raw) : NULL;
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		o = cJSON_CreateObject();
	}
	put_string(o, "orgid", base->id);
	if (!cJSON_GetObjectItemCaseSensitive(o, "name") && base->name)
		put_string(o, "name", base->name);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const struct field_spec *fs = &fields[i];
		if (!(fs->flags & FS_EDITABLE))
			continue;
		const struct record_field *c = changes ? record_field(changes, fs->key) : NULL;
		const struct record_field *b = record_field(base, fs->key);
		if (c && fs->type == FT_INT && (!c->value || !c->value[0]))
			cJSON_DeleteItemFromObjectCaseSensitive(o,
								fs->key); /* PUT's default: none */
		else if (c)
			put_string(o, fs->key, wire_value(fs, c->value));
		else if (b && b->value && !cJSON_GetObjectItemCaseSensitive(o, fs->key))
			put_string(o, fs->key, wire_value(fs, b->value));
	}
	if (changes && changes->name && !record_field(changes, "name"))
		put_string(o, "name", changes->name);
	vreq_init(r, "PUT");
	r->url = api_url(p, "/organisations", base->id);
	auth(p, r);
	vreq_header(r, "Content-Type: application/json");
	r->body = print_body(o);
	return true;
}

/* ---- a small tolerant XML reader, into the cJSON shape the JSON answers have ----
 * Elements holding only text become strings, elements with children objects, repeated
 * names arrays; attributes, comments, processing instructions and DOCTYPE are skipped.
 * Anything malformed ends the parse with NULL. */

struct xml {
	const char *s, *end;
};

static void xml_skip_space(struct xml *x)
{
	while (x->s < x->end && isspace((unsigned char)*x->s))
		x->s++;
}

static bool xml_starts(const struct xml *x, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(x->end - x->s) >= n && !memcmp(x->s, lit, n);
}

/* Skips to just past `lit`; false when it never comes. */
static bool xml_skip_past(struct xml *x, const char *lit)
{
	size_t n = strlen(lit);
	for (; x->s + n <= x->end; x->s++)
		if (!memcmp(x->s, lit, n)) {
			x->s += n;
			return true;
		}
	return false;
}

/* Comments, <?...?> and <!DOCTYPE ...> between elements. */
static bool xml_skip_misc(struct xml *x)
{
	for (;;) {
		xml_skip_space(x);
		if (xml_starts(x, "<!--")) {
			if (!xml_skip_past(x, "-->"))
				return false;
		} else if (xml_starts(x, "<?")) {
			if (!xml_skip_past(x, "?>"))
				return false;
		} else if (xml_starts(x, "<!") && !xml_starts(x, "<![CDATA[")) {
			if (!xml_skip_past(x, ">"))
				return false;
		} else {
			return true;
		}
	}
}

static void xml_put_utf8(struct buf *b, unsigned long cp)
{
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_putc(b, (char)(0xC0 | (cp >> 6)));
		buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		buf_putc(b, (char)(0xE0 | (cp >> 12)));
		buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_putc(b, (char)(0xF0 | (cp >> 18)));
		buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
		buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	}
}

/* Character data up to the next '<' (or a CDATA section), entities decoded. */
static void xml_text(struct xml *x, struct buf *b)
{
	static const char *const ents[][2] = {
	    {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&quot;", "\""}, {"&apos;", "'"},
	};
	while (x->s < x->end) {
		if (xml_starts(x, "<![CDATA[")) {
			const char *start = x->s + 9;
			x->s = start;
			if (!xml_skip_past(x, "]]>")) {
				buf_add(b, start, (size_t)(x->end - start));
				return;
			}
			buf_add(b, start, (size_t)(x->s - 3 - start));
			continue;
		}
		if (*x->s == '<')
			return;
		if (*x->s == '&') {
			bool done = false;
			for (size_t i = 0; i < sizeof ents / sizeof ents[0] && !done; i++)
				if (xml_starts(x, ents[i][0])) {
					buf_puts(b, ents[i][1]);
					x->s += strlen(ents[i][0]);
					done = true;
				}
			if (!done && x->s + 2 < x->end && x->s[1] == '#') {
				const char *p = x->s + 2;
				bool hex = *p == 'x' || *p == 'X';
				unsigned long cp = 0;
				int digits = 0;
				for (p += hex; p < x->end && digits < 8 &&
					       (hex ? isxdigit((unsigned char)*p)
						    : isdigit((unsigned char)*p));
				     p++, digits++)
					cp = cp * (hex ? 16 : 10) +
					     (unsigned long)(isdigit((unsigned char)*p)
								 ? *p - '0'
								 : (tolower((unsigned char)*p) -
								    'a' + 10));
				if (digits && p < x->end && *p == ';') {
					xml_put_utf8(b, cp);
					x->s = p + 1;
					done = true;
				}
			}
			if (done)
				continue;
		}
		buf_putc(b, *x->s++);
	}
}

static bool xml_name(struct xml *x, char *out, size_t cap)
{
	size_t n = 0;
	while (x->s < x->end && !isspace((unsigned char)*x->s) && *x->s != '>' && *x->s != '/' &&
	       *x->s != '<') {
		if (n + 1 < cap)
			out[n++] = *x->s;
		x->s++;
	}
	out[n] = '\0';
	return n > 0;
}

static void add_child(cJSON *obj, const char *name, cJSON *val)
{
	cJSON *have = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (!have) {
		cJSON_AddItemToObject(obj, name, val);
		return;
	}
	if (!cJSON_IsArray(have)) {
		/* the second of a name (elements never parse to arrays): the first becomes the
		 * array's first item */
		cJSON *arr = cJSON_CreateArray();
		cJSON *first = cJSON_DetachItemViaPointer(obj, have);
		cJSON_AddItemToArray(arr, first);
		cJSON_AddItemToObject(obj, name, arr);
		have = arr;
	}
	cJSON_AddItemToArray(have, val);
}

/* Parses one element at x->s ('<' expected); returns its value, *name set. */
static cJSON *xml_element(struct xml *x, char *name, size_t cap, int depth)
{
	if (depth > XML_MAX_DEPTH || x->s >= x->end || *x->s != '<')
		return NULL;
	x->s++;
	if (!xml_name(x, name, cap))
		return NULL;
	/* attributes: skipped, but quoted values may hold '>' */
	char quote = 0;
	while (x->s < x->end && (quote || (*x->s != '>' && *x->s != '/'))) {
		if (quote && *x->s == quote)
			quote = 0;
		else if (!quote && (*x->s == '"' || *x->s == '\''))
			quote = *x->s;
		x->s++;
	}
	if (x->s >= x->end)
		return NULL;
	if (*x->s == '/') {
		if (x->s + 1 >= x->end || x->s[1] != '>')
			return NULL;
		x->s += 2;
		return cJSON_CreateNull();
	}
	x->s++; /* '>' */
	struct buf text;
	buf_init(&text);
	cJSON *obj = NULL;
	for (;;) {
		xml_text(x, &text);
		if (x->s >= x->end)
			break;
		if (xml_starts(x, "</")) {
			x->s += 2;
			char close[64];
			xml_name(x, close, sizeof close);
			xml_skip_space(x);
			if (x->s >= x->end || *x->s != '>' || strcmp(close, name))
				break;
			x->s++;
			if (obj) {
				buf_free(&text);
				return obj;
			}
			/* text only: trimmed, as <total>74</total> means "74" */
			char *t = text.data ? text.data : "";
			size_t n = text.len;
			while (n && isspace((unsigned char)t[n - 1]))
				n--;
			while (n && isspace((unsigned char)*t))
				t++, n--;
			char *v = xstrndup(t, n);
			cJSON *s = cJSON_CreateString(v);
			free(v);
			buf_free(&text);
			return s;
		}
		if (xml_starts(x, "<!--") || xml_starts(x, "<?")) {
			if (!xml_skip_misc(x))
				break;
			continue;
		}
		char child[64];
		cJSON *val = xml_element(x, child, sizeof child, depth + 1);
		if (!val)
			break;
		if (!obj)
			obj = cJSON_CreateObject();
		add_child(obj, child, val);
	}
	buf_free(&text);
	cJSON_Delete(obj);
	return NULL;
}

static bool looks_xml(const struct vresp *rs)
{
	if (rs->content_type && strstr(rs->content_type, "xml"))
		return true;
	for (size_t i = 0; rs->body && i < rs->len; i++)
		if (!isspace((unsigned char)rs->body[i]))
			return rs->body[i] == '<' &&
			       !(rs->len - i >= 5 && !strncasecmp(rs->body + i, "<html", 5)) &&
			       !(rs->len - i >= 9 && !strncasecmp(rs->body + i, "<!doctype", 9));
	return false;
}

/* The body as {root: value}; NULL when it is not well-formed XML. */
static cJSON *xml_parse(const struct vresp *rs)
{
	struct xml x = {rs->body, rs->body + rs->len};
	if (!rs->body || !xml_skip_misc(&x))
		return NULL;
	char name[64];
	cJSON *v = xml_element(&x, name, sizeof name, 0);
	if (!v)
		return NULL;
	cJSON *root = cJSON_CreateObject();
	cJSON_AddItemToObject(root, name, v);
	return root;
}

/* JSON, or XML when the answer is XML; NULL with err filled otherwise. */
static cJSON *parse_body(const struct vresp *rs, struct verr *err)
{
	if (looks_xml(rs)) {
		cJSON *j = xml_parse(rs);
		if (j)
			return j;
		char ex[120];
		verr_body_excerpt(rs, ex, sizeof ex);
		verr_set(err, VERR_PARSE, rs->status,
			 LABEL ": the XML answer was cut short or malformed (%s)",
			 ex[0] ? ex : "empty body");
		return NULL;
	}
	return vj_parse(rs, LABEL, err);
}

/* ---- answers ---- */

static void lower(char *s)
{
	for (; s && *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static bool is_org(const cJSON *o)
{
	return cJSON_IsObject(o) && cJSON_GetObjectItemCaseSensitive(o, "orgid");
}

static void parse_org(const cJSON *o, struct record *r)
{
	r->id = vj_get_text(o, "orgid");
	r->name = vj_get_text(o, "name");
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (strncmp(fields[i].key, "contact_", 8))
			vj_copy(r, fields[i].key, o, fields[i].key);
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "contact");
	if (cJSON_IsArray(c))
		c = cJSON_GetArrayItem(c, 0);
	if (cJSON_IsObject(c)) {
		vj_copy(r, "contact_name", c, "name");
		vj_copy(r, "contact_email", c, "email");
	}
	const struct record_field *st = record_field(r, "status");
	if (st && st->value) {
		char *v = xstrdup(st->value);
		lower(v);
		record_set_owned(r, "status", v);
	}
	r->raw = cJSON_PrintUnformatted(o);
}

/* Where the organisations of a list answer are: {"organisations": {"organisation": X}},
 * {"organisation": X} or a bare array; X an array, or one object. *env gets the object
 * holding total/totalCount. */
static bool find_list(const cJSON *root, const cJSON **items, const cJSON **env)
{
	*items = NULL;
	*env = root;
	if (cJSON_IsArray(root)) {
		*items = root;
		return true;
	}
	if (!cJSON_IsObject(root))
		return false;
	const cJSON *outer = cJSON_GetObjectItemCaseSensitive(root, "organisations");
	if (cJSON_IsArray(outer)) {
		*items = outer;
		return true;
	}
	if (cJSON_IsObject(outer)) {
		*env = outer;
		*items = cJSON_GetObjectItemCaseSensitive(outer, "organisation");
		return true;
	}
	if (cJSON_IsNull(outer) || (cJSON_IsString(outer) && !outer->valuestring[0]))
		return true; /* <organisations/>: an empty list */
	const cJSON *inner = cJSON_GetObjectItemCaseSensitive(root, "organisation");
	if (inner || cJSON_GetObjectItemCaseSensitive(root, "total") ||
	    cJSON_GetObjectItemCaseSensitive(root, "totalCount")) {
		*items = inner;
		return true;
	}
	if (is_org(root)) {
		*items = root;
		*env = NULL;
		return true;
	}
	return false;
}

static long total_of(const cJSON *env)
{
	long long v;
	if (!cJSON_IsObject(env))
		return -1;
	/* totalCount is the documented count after filtering (70 of 74 in the seed); when a
	 * server sends one of them only, take it. */
	if (vj_long(cJSON_GetObjectItemCaseSensitive(env, "totalCount"), &v) && v >= 0)
		return (long)v;
	if (vj_long(cJSON_GetObjectItemCaseSensitive(env, "total"), &v) && v >= 0)
		return (long)v;
	return -1;
}

static void push_org(struct record_list *out, const cJSON *o)
{
	if (!is_org(o))
		return;
	struct record *r = record_list_push(out);
	parse_org(o, r);
	if (!r->id) {
		record_free(r);
		out->n--;
	}
}

static bool list_parse(const struct profile *p, const struct vresp *rs, struct record_list *out,
		       struct vpage *pg, struct verr *err)
{
	cJSON *j = parse_body(rs, err);
	if (!j)
		return false;
	const cJSON *items, *env;
	if (!find_list(j, &items, &env)) {
		cJSON_Delete(j);
		verr_set(err, VERR_PARSE, rs->status,
			 LABEL ": the answer held no organisation list");
		return false;
	}
	long got = 0;
	if (cJSON_IsArray(items)) {
		const cJSON *o;
		cJSON_ArrayForEach(o, items)
		{
			push_org(out, o);
			got++;
		}
	} else if (cJSON_IsObject(items)) {
		push_org(out, items); /* one organisation, not wrapped in an array */
		got = 1;
	}
	pg->total = total_of(env);
	pg->more = got >= PAGE;
	cJSON_Delete(j);
	return true;
}

static bool record_parse(const struct profile *p, const struct vresp *rs, struct record *out,
			 struct verr *err)
{
	cJSON *j = parse_body(rs, err);
	if (!j)
		return false;
	/* {orgid...}, {"organisation": {...}}, or a list of one (both envelopes) */
	const cJSON *o = j;
	if (!is_org(o)) {
		const cJSON *items, *env;
		o = find_list(j, &items, &env) ? items : NULL;
		if (cJSON_IsArray(o))
			o = cJSON_GetArrayItem(o, 0);
	}
	if (!is_org(o)) {
		cJSON_Delete(j);
		verr_set(err, VERR_PARSE, rs->status, LABEL ": the answer held no organisation");
		return false;
	}
	parse_org(o, out);
	cJSON_Delete(j);
	return true;
}

/* ---- members: the users of an organisation ----
 * GET api/3/users?organisationid= (the system user list, filtered as the site-level list is
 * documented to be; VENDORS.md 3.2). Users have a status but no role in the organisation. */

static bool members_req(const struct profile *p, const char *org_id, long page, struct vreq *r)
{
	vreq_init(r, "GET");
	struct buf u;
	buf_init(&u);
	buf_puts(&u, p->base_url);
	buf_puts(&u, "/api/3/users?organisationid=");
	buf_put_urlenc(&u, org_id ? org_id : "");
	buf_printf(&u, "&limit=%d&offset=%ld", PAGE, page * PAGE);
	r->url = buf_steal(&u);
	auth(p, r);
	return true;
}

static void push_user(struct record_list *out, const cJSON *u)
{
	char *id = vj_get_text(u, "userid");
	if (!cJSON_IsObject(u) || !id) {
		free(id);
		return;
	}
	struct record *r = record_list_push(out);
	r->id = id;
	char *first = vj_get_text(u, "firstname"), *last = vj_get_text(u, "lastname");
	r->name =
	    xasprintf("%s%s%s", first ? first : "", first && last ? " " : "", last ? last : "");
	free(first);
	free(last);
	vj_copy(r, "email", u, "email");
	record_set(r, "role", NULL);
	vj_copy(r, "status", u, "status");
	r->raw = cJSON_PrintUnformatted(u);
}

static bool members_parse(const struct profile *p, const struct vresp *rs, struct record_list *out,
			  struct vpage *pg, struct verr *err)
{
	cJSON *j = parse_body(rs, err);
	if (!j)
		return false;
	/* {"users": {"user": X}}, {"user": X} or an array; X an array or one object */
	const cJSON *users = cJSON_GetObjectItemCaseSensitive(j, "users");
	const cJSON *items = cJSON_IsArray(j) ? j : cJSON_IsArray(users) ? users : NULL;
	if (!items)
		items = cJSON_GetObjectItemCaseSensitive(cJSON_IsObject(users) ? users : j, "user");
	if (!items && !users) {
		cJSON_Delete(j);
		verr_set(err, VERR_PARSE, rs->status, LABEL ": the answer held no user list");
		return false;
	}
	long got = 0;
	const cJSON *u;
	if (cJSON_IsArray(items)) {
		cJSON_ArrayForEach(u, items)
		{
			push_user(out, u);
			got++;
		}
	} else if (cJSON_IsObject(items)) {
		push_user(out, items);
		got = 1;
	}
	pg->more = got >= PAGE;
	pg->total = -1;
	cJSON_Delete(j);
	return true;
}

/* ---- OAuth2 ---- */

static void put_param(struct buf *b, const char *name, const char *value, bool first)
{
	if (!first)
		buf_putc(b, '&');
	buf_puts(b, name);
	buf_putc(b, '=');
	buf_put_urlenc(b, value ? value : "");
}

static char *oauth_authorize_url(const struct profile *p)
{
	struct buf u;
	buf_init(&u);
	buf_puts(&u, p->base_url);
	buf_puts(&u, "/authorize.action?");
	put_param(&u, "response_type", "code", true);
	put_param(&u, "client_id", profile_get(p, "client_id"), false);
	put_param(&u, "redirect_uri", profile_get(p, "redirect_uri"), false);
	return buf_steal(&u);
}

static bool oauth_token_req(const struct profile *p, const char *code, const char *refresh,
			    struct vreq *r)
{
	if (!code == !refresh)
		return false;
	struct buf b;
	buf_init(&b);
	if (code) {
		put_param(&b, "grant_type", "authorization_code", true);
		put_param(&b, "code", code, false);
	} else {
		put_param(&b, "grant_type", "refresh_token", true);
		put_param(&b, "refresh_token", refresh, false);
	}
	put_param(&b, "client_id", profile_get(p, "client_id"), false);
	put_param(&b, "client_secret", profile_get(p, "client_secret"), false);
	if (profile_get(p, "redirect_uri"))
		put_param(&b, "redirect_uri", profile_get(p, "redirect_uri"), false);
	vreq_init(r, "POST");
	r->url = xasprintf("%s/api/oauth2/token", p->base_url);
	vreq_header(r, "Accept: application/json");
	vreq_header(r, "Content-Type: application/x-www-form-urlencoded");
	r->body = buf_steal(&b);
	/* A code is single-use and a refresh token may rotate: a blind retry could burn it. */
	r->idempotent = false;
	return true;
}

static void describe(const struct profile *p, const struct vresp *rs, bool token_endpoint,
		     struct verr *err);

static bool oauth_token_parse(const struct vresp *rs, char **access, char **refresh,
			      long *expires_in, struct verr *err)
{
	*access = *refresh = NULL;
	*expires_in = 0;
	if (rs->status < 200 || rs->status >= 300) {
		describe(NULL, rs, true, err);
		return false;
	}
	cJSON *j = parse_body(rs, err);
	if (!j)
		return false;
	const cJSON *t = j;
	/* an XML answer comes wrapped in its root element */
	if (!cJSON_GetObjectItemCaseSensitive(t, "access_token") && cJSON_IsObject(j->child) &&
	    !j->child->next)
		t = j->child;
	char *a = vj_get_text(t, "access_token");
	if (!a || !a[0]) {
		free(a);
		cJSON_Delete(j);
		verr_set(err, VERR_PARSE, rs->status,
			 LABEL ": the token answer held no access_token");
		return false;
	}
	*access = a;
	*refresh = vj_get_text(t, "refresh_token");
	long long e;
	if (vj_long(cJSON_GetObjectItemCaseSensitive(t, "expires_in"), &e) && e > 0)
		*expires_in = (long)e;
	cJSON_Delete(j);
	return true;
}

/* ---- errors ---- */

/* The summary as part of a sentence: printable, no trailing full stop, first letter lower
 * unless it starts an acronym ("API ..."). */
static void summary_text(const char *s, char *out, size_t cap)
{
	verr_sentence(s, out, cap);
	size_t o = strlen(out);
	if (o > 1 && isupper((unsigned char)out[0]) && !isupper((unsigned char)out[1]))
		out[0] = (char)tolower((unsigned char)out[0]);
}

/* Our words for the refs a person can act on (the seed's list refs and the common ones). */
static const struct {
	long ref;
	const char *text;
} known_refs[] = {
    {289,
     "the sort field is invalid (ref 289); HighQ sorts by id, name, status, created date or users"},
    {290, "the sort direction is invalid (ref 290); use asc or desc"},
    {291, "the limit value is invalid (ref 291)"},
    {292, "the offset value is invalid (ref 292)"},
    {293, "the industry is invalid (ref 293); give industry ids, comma-separated"},
    {294, "the category is invalid (ref 294); give category ids, comma-separated"},
    {295, "the status is invalid (ref 295); use active, archive or pending"},
    {269, "the name is required (ref 269)"},
    {270, "the name is longer than 128 characters (ref 270)"},
    {274, "the status is invalid (ref 274); an organisation is active or pending when saved"},
    {51, "the API is not enabled on this instance (ref 51); ask a HighQ system admin"},
    {53, "this computer's IP address is not registered for the API application (ref 53); ask a "
	 "HighQ system admin"},
    {74, "the request body was empty (ref 74)"},
    {123, "access denied (ref 123); your HighQ user may not do this"},
    {401, "not authorised (ref 401); the access token expired or was revoked, sign in again"},
};

/* token_endpoint: the answer came from api/oauth2/token, where any refusal means the
 * client registration or the grant (code, refresh token) is at fault, not an access token. */
static void describe(const struct profile *p, const struct vresp *rs, bool token_endpoint,
		     struct verr *err)
{
	enum verr_kind kind = verr_kind_for_status(rs->status);
	char summary[200] = "", oauth_err[64] = "";
	long long ref = 0;
	bool have_ref = false;
	cJSON *j = NULL;
	if (rs->body && rs->len)
		j = looks_xml(rs) ? xml_parse(rs) : cJSON_ParseWithLength(rs->body, rs->len);
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (cJSON_IsObject(e)) {
		char *s = vj_get_text(e, "summary");
		if (s)
			summary_text(s, summary, sizeof summary);
		free(s);
		have_ref = vj_long(cJSON_GetObjectItemCaseSensitive(e, "ref"), &ref);
	} else if (cJSON_IsString(e)) {
		/* the token endpoint speaks RFC 6749: {"error": "invalid_grant", ...} */
		summary_text(e->valuestring, oauth_err, sizeof oauth_err);
		char *d = vj_get_text(j, "error_description");
		if (d)
			summary_text(d, summary, sizeof summary);
		free(d);
	}
	cJSON_Delete(j);
	if (have_ref && ref <= 0)
		have_ref = false; /* -1 is HighQ's "generic error": nothing to look up */

	const char *known = NULL;
	for (size_t i = 0;
	     !token_endpoint && have_ref && i < sizeof known_refs / sizeof known_refs[0]; i++)
		if (known_refs[i].ref == ref)
			known = known_refs[i].text;
	if (rs->status == 401 && kind == VERR_AUTH && !known && !oauth_err[0] && !token_endpoint)
		known = known_refs[sizeof known_refs / sizeof known_refs[0] - 1].text;

	if (token_endpoint && !oauth_err[0] && (kind == VERR_INVALID || kind == VERR_AUTH)) {
		verr_set(err, VERR_AUTH, rs->status,
			 LABEL
			 ": sign-in refused (%s); check client_id and client_secret, or sign in "
			 "again for a new code",
			 summary[0] ? summary : verr_kind_name(kind));
	} else if (oauth_err[0]) {
		if (kind == VERR_INVALID || kind == VERR_AUTH)
			kind = VERR_AUTH;
		verr_set(err, kind, rs->status,
			 LABEL ": sign-in refused (%s%s%s); check client_id and client_secret, or "
			       "sign in again",
			 oauth_err, summary[0] ? ": " : "", summary);
	} else if (known) {
		verr_set(err, kind, rs->status, LABEL ": %s", known);
	} else if (kind == VERR_RATE) {
		verr_set(err, kind, rs->status,
			 LABEL ": rate limit reached for this access token; HighQ says when the "
			       "window resets (X-Ratelimit-Reset)%s%s",
			 summary[0] ? ": " : "", summary);
	} else if (summary[0] && have_ref) {
		verr_set(err, kind, rs->status, LABEL ": %s (ref %lld)", summary, ref);
	} else if (summary[0]) {
		verr_set(err, kind, rs->status, LABEL ": %s (HTTP %ld)", summary, rs->status);
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

static void error_parse(const struct profile *p, const struct vresp *rs, struct verr *err)
{
	describe(p, rs, false, err);
}

/* First-run setup (model/vendor.h). */
static const char *const setup_keys[][2] = {
    {"client_id", "the API client id from HighQ"},
    {"redirect_uri", "the redirect URI registered for it"},
    {NULL, NULL},
};

const struct vendor vendor_highq = {
    .default_base_url = "https://INSTANCE.highq.com/INSTANCE",
    .setup_keys = setup_keys,
    .name = "highq",
    .label = "HighQ",
    .caps = VCAP_LIST | VCAP_GET | VCAP_CREATE | VCAP_UPDATE | VCAP_FILTERS | VCAP_SORT |
	    VCAP_OAUTH | VCAP_FULL_REPLACE | VCAP_MEMBERS,
    .fields = fields,
    .nfields = sizeof fields / sizeof fields[0],
    .filters = filters,
    .nfilters = sizeof filters / sizeof filters[0],
    .secret_keys = secret_keys,
    .page_size = PAGE,
    .max_parallel = 2,
    .list_req = list_req,
    .list_parse = list_parse,
    .get_req = get_req,
    .record_parse = record_parse,
    .create_req = create_req,
    .update_req = update_req,
    .members_req = members_req,
    .members_parse = members_parse,
    .oauth_authorize_url = oauth_authorize_url,
    .oauth_token_req = oauth_token_req,
    .oauth_token_parse = oauth_token_parse,
    .error_parse = error_parse,
};
