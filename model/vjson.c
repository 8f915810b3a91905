/* vjson: see vjson.h. */
#include "model/vjson.h"
#include "model/vendor.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void scalar(struct buf *b, const cJSON *it)
{
	if (cJSON_IsString(it)) {
		buf_puts(b, it->valuestring);
	} else if (cJSON_IsBool(it)) {
		buf_puts(b, cJSON_IsTrue(it) ? "true" : "false");
	} else if (cJSON_IsNumber(it)) {
		double d = it->valuedouble;
		if (d == floor(d) && fabs(d) < 9.007199254740992e15)
			buf_printf(b, "%.0f", d);
		else
			buf_printf(b, "%.15g", d);
	}
}

char *vj_text(const cJSON *it)
{
	if (!it || cJSON_IsNull(it) || cJSON_IsInvalid(it))
		return NULL;
	struct buf b;
	buf_init(&b);
	if (cJSON_IsArray(it)) {
		bool all_scalar = true;
		const cJSON *e;
		cJSON_ArrayForEach(e, it) if (cJSON_IsObject(e) || cJSON_IsArray(e)) all_scalar =
		    false;
		if (all_scalar) {
			bool first = true;
			cJSON_ArrayForEach(e, it)
			{
				if (cJSON_IsNull(e))
					continue;
				if (!first)
					buf_puts(&b, ", ");
				scalar(&b, e);
				first = false;
			}
			return buf_steal(&b);
		}
	}
	if (cJSON_IsObject(it) || cJSON_IsArray(it)) {
		char *s = cJSON_PrintUnformatted(it);
		buf_puts(&b, s ? s : "");
		free(s);
		return buf_steal(&b);
	}
	scalar(&b, it);
	return buf_steal(&b);
}

char *vj_get_text(const cJSON *obj, const char *key)
{
	if (!cJSON_IsObject(obj))
		return NULL;
	return vj_text(cJSON_GetObjectItemCaseSensitive(obj, key));
}

void vj_copy(struct record *r, const char *key, const cJSON *obj, const char *json_key)
{
	record_set_owned(r, key, vj_get_text(obj, json_key));
}

cJSON *vj_parse(const struct vresp *rs, const char *vendor_label, struct verr *err)
{
	cJSON *j = rs->body && rs->len ? cJSON_ParseWithLength(rs->body, rs->len) : NULL;
	if (!j || (!cJSON_IsObject(j) && !cJSON_IsArray(j))) {
		cJSON_Delete(j);
		char ex[120];
		verr_body_excerpt(rs, ex, sizeof ex);
		verr_set(err, VERR_PARSE, rs->status,
			 "%s: the answer was not the JSON expected (%s)", vendor_label,
			 ex[0] ? ex : "empty body");
		return NULL;
	}
	return j;
}

cJSON *vj_parse_org(const struct vresp *rs, const char *vendor_label, const char *id_key,
		    struct verr *err)
{
	cJSON *j = vj_parse(rs, vendor_label, err);
	if (!j)
		return NULL;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, id_key);
	if (!cJSON_IsObject(j) || !id || cJSON_IsNull(id)) {
		cJSON_Delete(j);
		verr_set(err, VERR_PARSE, rs->status, "%s: the answer held no organization",
			 vendor_label);
		return NULL;
	}
	return j;
}

bool vj_long(const cJSON *it, long long *out)
{
	if (cJSON_IsNumber(it)) {
		double d = it->valuedouble;
		/* out of range (1e300, inf, nan) would make the cast undefined */
		if (d != floor(d) || !(d >= -0x1p63 && d < 0x1p63))
			return false;
		*out = (long long)d;
		return true;
	}
	if (cJSON_IsString(it) && it->valuestring[0]) {
		char *end;
		errno = 0;
		long long v = strtoll(it->valuestring, &end, 10);
		if (*end || errno)
			return false;
		*out = v;
		return true;
	}
	return false;
}

void vj_add_typed(cJSON *obj, const char *key, const char *value, int type)
{
	if (!value || (!value[0] && type != FT_TEXT && type != FT_LONGTEXT)) {
		cJSON_AddNullToObject(obj, key);
		return;
	}
	char *end;
	switch (type) {
	case FT_INT: {
		long long v = strtoll(value, &end, 10);
		if (!*end) {
			cJSON_AddNumberToObject(obj, key, (double)v);
			return;
		}
		break;
	}
	case FT_NUM: {
		double d = strtod(value, &end);
		if (!*end) {
			cJSON_AddNumberToObject(obj, key, d);
			return;
		}
		break;
	}
	case FT_BOOL:
		if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "1")) {
			cJSON_AddTrueToObject(obj, key);
			return;
		}
		if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "0")) {
			cJSON_AddFalseToObject(obj, key);
			return;
		}
		break;
	case FT_JSON: {
		cJSON *j = cJSON_Parse(value);
		if (j) {
			cJSON_AddItemToObject(obj, key, j);
			return;
		}
		break;
	}
	default:
		break;
	}
	cJSON_AddStringToObject(obj, key, value);
}
