/* record: the generic organization and member that every driver produces and every pane
 * draws. A record is an id, a display name, a flat map of field key -> text value (NULL
 * means the vendor sent null), the vendor's raw JSON, and the version the vendor stamps on
 * it (updated/updatedAt), if any. Custom fields use keys "cf:<vendor field id>" and carry
 * their label, since their names come from the vendor, not the schema.
 * Ownership: a record owns all its strings; record_free() releases them. */
#ifndef ORGDECK_RECORD_H
#define ORGDECK_RECORD_H
#include <stdbool.h>
#include <stddef.h>

struct record_field {
	char *key;
	char *label; /* NULL for schema fields (the schema has the label) */
	char *value; /* NULL: null */
};

struct record {
	char *id;
	char *name;
	char *version; /* last-modified stamp as the vendor writes it, or NULL */
	char *raw;     /* vendor JSON of the object, or NULL */
	struct record_field *fields;
	size_t nfields, cap;
};

struct record_list {
	struct record *items;
	size_t n, cap;
};

void record_init(struct record *r);
void record_free(struct record *r);
void record_copy(struct record *dst, const struct record *src);
/* Sets (copying) key's value; value NULL stores null. label may be NULL. */
void record_set(struct record *r, const char *key, const char *value);
void record_set_labelled(struct record *r, const char *key, const char *label, const char *value);
/* Takes ownership of value (malloc'd or NULL). */
void record_set_owned(struct record *r, const char *key, char *value);
const struct record_field *record_field(const struct record *r, const char *key);
/* The value, or NULL when absent or null. */
const char *record_get(const struct record *r, const char *key);
bool record_has(const struct record *r, const char *key);

struct record *record_list_push(struct record_list *l); /* appends an initialised record */
void record_list_free(struct record_list *l);

#endif
