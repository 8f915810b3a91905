/* vjson: cJSON conveniences for drivers, tolerant of whatever type a vendor sends.
 * Returned strings are malloc'd (caller frees) or NULL for null/absent. */
#ifndef ORGDECK_VJSON_H
#define ORGDECK_VJSON_H
#include "model/record.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

/* String, number (integral numbers without ".0"), bool ("true"/"false") as text; arrays of
 * scalars joined with ", "; objects and arrays of objects as compact JSON; null -> NULL. */
char *vj_text(const cJSON *item);
/* obj[key] as text (see vj_text); NULL when obj is not an object or key is absent/null. */
char *vj_get_text(const cJSON *obj, const char *key);
/* Copies obj[json_key] into r under key (null and absent both store null). */
void vj_copy(struct record *r, const char *key, const cJSON *obj, const char *json_key);
/* Parses a body that must be an object/array; NULL with err filled otherwise. */
struct verr;
struct vresp;
cJSON *vj_parse(const struct vresp *rs, const char *vendor_label, struct verr *err);
/* Parses an answer that must be one organization: an object whose id_key is present and
 * not null. NULL with err filled ("LABEL: the answer held no organization") otherwise. */
cJSON *vj_parse_org(const struct vresp *rs, const char *vendor_label, const char *id_key,
		    struct verr *err);
/* Number accepted as JSON number or numeric string; false otherwise. */
bool vj_long(const cJSON *item, long long *out);
/* Adds value to obj as JSON: type-directed (int/num/bool stay typed when they parse, NULL
 * or "" on a nullable field becomes null). */
void vj_add_typed(cJSON *obj, const char *key, const char *value, int field_type);

#endif
