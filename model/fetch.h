/* fetch: reads beyond the list sync, each asynchronous, each written to the store and
 * announced with a dirty bit: one organization (the detail pane's stale-while-revalidate),
 * its members, its related lists, and the vendor's contacts (to pick new members from).
 * Results a pane needs but the store does not keep (related lists, contacts) are held in
 * the model until the next fetch. */
#ifndef ORGDECK_FETCH_H
#define ORGDECK_FETCH_H
#include "model/record.h"

#include <stdbool.h>

struct model;

/* Refreshes one organization into the store (MODEL_DIRTY_DETAIL | MODEL_DIRTY_LIST). */
void fetch_record(struct model *m, const char *profile, const char *org_id);
/* Refreshes members into the store (MODEL_DIRTY_MEMBERS). */
void fetch_members(struct model *m, const char *profile, const char *org_id);
/* Fetches a related list (tasks, projects, documents); MODEL_DIRTY_DETAIL when in. */
void fetch_related(struct model *m, const char *profile, const char *org_id, const char *kind);
bool fetch_related_result(struct model *m, const char *org_id, const char *kind,
			  struct record_list *out);
/* Fetches the contacts to pick members from; MODEL_DIRTY_MEMBERS when in. */
void fetch_contacts(struct model *m, const char *profile);
bool fetch_contacts_result(struct model *m, const char *profile, struct record_list *out);
/* True while a fetch of this kind for org_id is in flight (for spinners). */
bool fetch_busy(struct model *m, const char *what, const char *org_id);

#endif
