/* vendor: the contract of a driver. A driver is data (a schema table, capability bits,
 * roles, server-side filters) plus pure functions that turn an intent into a request
 * description (struct vreq) and a response (struct vresp) into records or an error.
 * Drivers do no I/O and keep no state; the model sends what they build over net/.
 * A vendor's quirks live in its driver file (model/vendors/NAME.c) and nowhere else.
 *
 * Ownership: builders fill a caller-owned struct vreq (free with vreq_free); parsers fill
 * caller-owned records/lists (free with record_free/record_list_free). Parsers never trust
 * the body: any shape, type or size may arrive, and they return false with err filled. */
#ifndef ORGDECK_VENDOR_H
#define ORGDECK_VENDOR_H
#include "model/record.h"

#include <stdbool.h>
#include <stddef.h>

struct profile;

enum field_type {
	FT_TEXT,
	FT_LONGTEXT,
	FT_INT,
	FT_NUM,
	FT_BOOL,
	FT_ENUM,
	FT_DATE,
	FT_LIST,
	FT_EMAIL,
	FT_URL,
	FT_JSON
};

enum field_flags {
	FS_EDITABLE = 1 << 0,	/* may be changed by update */
	FS_REQUIRED = 1 << 1,	/* must be non-empty on create/update */
	FS_COLUMN = 1 << 2,	/* a default list column */
	FS_CREATE = 1 << 3,	/* offered in the create form */
	FS_SECRETLIKE = 1 << 4, /* never shown in full (tokens the vendor echoes) */
};

struct field_spec {
	const char *key; /* record field key */
	const char *label;
	enum field_type type;
	unsigned flags;
	const char *const *choices; /* FT_ENUM values, NULL-terminated */
	const char *group;	    /* detail view group ("General", "Usage", ...) */
	int width;		    /* list column width hint (cells) */
	long min, max; /* FT_INT bounds when min < max; FT_TEXT max length when max > 0 */
};

/* A server-side filter the vendor offers (Quorum's name__icontains, HighQ's status, ...). */
struct filter_spec {
	const char *param; /* query parameter as the vendor spells it */
	const char *label; /* "Name contains" */
	enum field_type type;
	const char *const *choices;
	bool multi; /* comma-separated values accepted */
};

enum vendor_cap {
	VCAP_LIST = 1 << 0,
	VCAP_GET = 1 << 1,
	VCAP_CREATE = 1 << 2,
	VCAP_UPDATE = 1 << 3,
	VCAP_DELETE = 1 << 4,
	VCAP_DUPLICATE = 1 << 5, /* a duplicate call of the vendor's own */
	VCAP_MEMBERS = 1 << 6,	 /* list an organization's members */
	VCAP_MEMBER_ADD = 1 << 7,
	VCAP_MEMBER_REMOVE = 1 << 8,
	VCAP_MEMBER_ROLE = 1 << 9,
	VCAP_FIELDS = 1 << 10,	     /* custom fields set one at a time (field_req) */
	VCAP_RELATED = 1 << 11,	     /* related lists (related_kinds) */
	VCAP_FILTERS = 1 << 12,	     /* server-side filters (filters) */
	VCAP_SORT = 1 << 13,	     /* server-side sort */
	VCAP_OAUTH = 1 << 14,	     /* needs the OAuth2 code flow before any call */
	VCAP_CONTACTS = 1 << 15,     /* contacts to pick new members from */
	VCAP_FULL_REPLACE = 1 << 16, /* update sends the whole record (model keeps a base) */
};

#define VREQ_MAX_HEADERS 8
struct vreq {
	const char *method;		 /* static string: "GET", "POST", ... */
	char *url;			 /* absolute URL */
	char *headers[VREQ_MAX_HEADERS]; /* "Name: value" */
	int nheaders;
	char *body;		     /* NULL for none */
	char *userpwd;		     /* "user:password" for HTTP Basic, or NULL */
	bool idempotent;	     /* safe to retry blindly */
	const char *no_retry_marker; /* a 429 whose body holds this is final (quota spent) */
};

struct vresp {
	long status;
	const char *body;
	size_t len;
	const char *content_type; /* may be NULL */
};

enum verr_kind {
	VERR_NONE,
	VERR_AUTH,
	VERR_FORBIDDEN,
	VERR_NOT_FOUND,
	VERR_INVALID,
	VERR_CONFLICT,
	VERR_RATE,
	VERR_QUOTA,
	VERR_SERVER,
	VERR_NETWORK,
	VERR_PARSE,
	VERR_UNSUPPORTED,
};

struct verr {
	enum verr_kind kind;
	long status;
	char msg[320]; /* a sentence a person can act on, vendor named, no secret in it */
};

/* A list query: server-side filters and sort (ignored by vendors without them). */
struct vquery {
	const char *params[8][2]; /* filter param, value */
	int nparams;
	const char *sort; /* field key or NULL */
	bool desc;
};

/* What one list page told us about the rest. */
struct vpage {
	bool more;  /* another page may follow */
	long total; /* total rows the vendor reports, or -1 */
};

struct vendor {
	const char *name;  /* config value: "clinchpad" */
	const char *label; /* "ClinchPad" */
	unsigned caps;
	const struct field_spec *fields;
	size_t nfields;
	const struct filter_spec *filters;
	size_t nfilters;
	const char *const *roles;	  /* member roles, lowest to highest; NULL if none */
	const char *const *related_kinds; /* "tasks", "projects", ... NULL-terminated or NULL */
	const char *const *secret_keys;	  /* profile keys holding secrets ("api_key", ...) */
	int page_size;
	int max_parallel; /* list pages in flight during a sync */
	/* First-run setup: where the vendor's API usually is, and the other profile keys a
	 * person must give (besides base_url and the first secret key), with a hint each. */
	const char *default_base_url;
	const char *const (*setup_keys)[2];  /* {key, hint} pairs, {NULL, NULL}-terminated */
	const char *const *base_url_choices; /* named endpoints instead of a URL, or NULL */
	const char *base_url_choice_key;     /* the profile key those names go to */

	/* page: 0-based page index. */
	bool (*list_req)(const struct profile *p, const struct vquery *q, long page,
			 struct vreq *out);
	bool (*list_parse)(const struct profile *p, const struct vresp *rs, struct record_list *out,
			   struct vpage *pg, struct verr *err);
	bool (*get_req)(const struct profile *p, const char *id, struct vreq *out);
	/* Parses one organization (get, create and update answers). */
	bool (*record_parse)(const struct profile *p, const struct vresp *rs, struct record *out,
			     struct verr *err);
	bool (*create_req)(const struct profile *p, const struct record *values, struct vreq *out);
	/* base: the last known record; changes: only the fields the user changed. */
	bool (*update_req)(const struct profile *p, const struct record *base,
			   const struct record *changes, struct vreq *out);
	bool (*delete_req)(const struct profile *p, const char *id, struct vreq *out);
	bool (*duplicate_req)(const struct profile *p, const struct record *src, struct vreq *out);
	/* Custom field set; key is the record key ("cf:<id>"). */
	bool (*field_req)(const struct profile *p, const char *id, const char *key,
			  const char *value, struct vreq *out);

	bool (*members_req)(const struct profile *p, const char *org_id, long page,
			    struct vreq *out);
	/* Members as records: id, name, fields "email" and "role". */
	bool (*members_parse)(const struct profile *p, const struct vresp *rs,
			      struct record_list *out, struct vpage *pg, struct verr *err);
	bool (*member_add_req)(const struct profile *p, const char *org_id, const char *contact_id,
			       const char *role, struct vreq *out);
	bool (*member_remove_req)(const struct profile *p, const char *org_id,
				  const char *member_id, struct vreq *out);
	bool (*member_role_req)(const struct profile *p, const char *org_id, const char *member_id,
				const char *role, struct vreq *out);
	bool (*contacts_req)(const struct profile *p, long page, struct vreq *out);
	bool (*contacts_parse)(const struct profile *p, const struct vresp *rs,
			       struct record_list *out, struct vpage *pg, struct verr *err);
	bool (*related_req)(const struct profile *p, const char *org_id, const char *kind,
			    struct vreq *out);
	bool (*related_parse)(const struct profile *p, const char *kind, const struct vresp *rs,
			      struct record_list *out, struct verr *err);

	/* OAuth2 (VCAP_OAUTH): the URL a person opens, the token request for a pasted code or a
	 * refresh token (exactly one non-NULL), and the token answer. */
	char *(*oauth_authorize_url)(const struct profile *p);
	bool (*oauth_token_req)(const struct profile *p, const char *code, const char *refresh,
				struct vreq *out);
	bool (*oauth_token_parse)(const struct vresp *rs, char **access, char **refresh,
				  long *expires_in, struct verr *err);

	/* Any non-2xx answer (or a 2xx the parser refused) into words; always fills err. */
	void (*error_parse)(const struct profile *p, const struct vresp *rs, struct verr *err);
};

/* All drivers, NULL-terminated; lookup by config name. */
extern const struct vendor *const vendors[];
const struct vendor *vendor_find(const char *name);
const struct field_spec *vendor_field(const struct vendor *v, const char *key);

/* Helpers for drivers (model/vendors/common.c). */
void vreq_init(struct vreq *r, const char *method);
void vreq_free(struct vreq *r);
void vreq_header(struct vreq *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void verr_set(struct verr *e, enum verr_kind kind, long status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Kind for an HTTP status (401 -> AUTH, 404 -> NOT_FOUND, 429 -> RATE, 5xx -> SERVER...). */
enum verr_kind verr_kind_for_status(long status);
/* A short, safe excerpt of a body that is not the vendor's envelope (HTML title, first
 * line of text), for error messages; writes "" for an empty body. */
void verr_body_excerpt(const struct vresp *rs, char *out, size_t cap);
const char *verr_kind_name(enum verr_kind k);
/* Replaces every copy of secret (3 characters or more) in msg with "***", in place. */
void verr_scrub(char *msg, const char *secret);
/* ... of every secret the profile holds (a vendor may echo what it was sent). */
void verr_scrub_profile(const struct profile *p, char *msg);
/* Vendor text made fit for a sentence: control characters to spaces, no trailing full
 * stop or space. */
void verr_sentence(const char *s, char *out, size_t cap);

#endif
