/* record: see record.h. */
#include "model/record.h"
#include "net/xalloc.h"

#include <string.h>

void record_init(struct record *r)
{
	memset(r, 0, sizeof *r);
}

void record_free(struct record *r)
{
	free(r->id);
	free(r->name);
	free(r->version);
	free(r->raw);
	for (size_t i = 0; i < r->nfields; i++) {
		free(r->fields[i].key);
		free(r->fields[i].label);
		free(r->fields[i].value);
	}
	free(r->fields);
	record_init(r);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void record_copy(struct record *dst, const struct record *src)
{
	record_init(dst);
	dst->id = dup_or_null(src->id);
	dst->name = dup_or_null(src->name);
	dst->version = dup_or_null(src->version);
	dst->raw = dup_or_null(src->raw);
	for (size_t i = 0; i < src->nfields; i++)
		record_set_labelled(dst, src->fields[i].key, src->fields[i].label,
				    src->fields[i].value);
}

static struct record_field *find(const struct record *r, const char *key)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (!strcmp(r->fields[i].key, key))
			return &r->fields[i];
	return NULL;
}

static struct record_field *slot(struct record *r, const char *key)
{
	struct record_field *f = find(r, key);
	if (f)
		return f;
	if (r->nfields == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->fields = xrealloc(r->fields, r->cap * sizeof *r->fields);
	}
	f = &r->fields[r->nfields++];
	f->key = xstrdup(key);
	f->label = NULL;
	f->value = NULL;
	return f;
}

void record_set_owned(struct record *r, const char *key, char *value)
{
	struct record_field *f = slot(r, key);
	free(f->value);
	f->value = value;
}

void record_set(struct record *r, const char *key, const char *value)
{
	record_set_owned(r, key, dup_or_null(value));
}

void record_set_labelled(struct record *r, const char *key, const char *label, const char *value)
{
	struct record_field *f = slot(r, key);
	free(f->value);
	f->value = dup_or_null(value);
	if (label) {
		free(f->label);
		f->label = xstrdup(label);
	}
}

const struct record_field *record_field(const struct record *r, const char *key)
{
	return find(r, key);
}

const char *record_get(const struct record *r, const char *key)
{
	const struct record_field *f = find(r, key);
	return f ? f->value : NULL;
}

bool record_has(const struct record *r, const char *key)
{
	return find(r, key) != NULL;
}

struct record *record_list_push(struct record_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	struct record *r = &l->items[l->n++];
	record_init(r);
	return r;
}

void record_list_free(struct record_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		record_free(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}
