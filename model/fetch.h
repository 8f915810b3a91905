/* fetch: reads beyond the list sync, each asynchronous, each written to the store and
 * announced with a dirty bit: one organization (the detail pane's stale-while-revalidate),
 * its members, its related lists, and the vendor's contacts (to pick new members from).
 * Results a pane needs but the store does not keep (related lists, contacts) are held in
 * the model (m->fetch) until the next fetch of the same thing; _result() copies them out
 * (caller frees with record_list_free). A fetch already in flight is not started twice.
 * Kaana's members carry only contact ids: their names are filled from the contacts list,
 * fetched once per profile when needed. Failures go to model->error. */
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
/* True while a fetch of this kind ("record", "members", "related", "contacts") for org_id
 * (NULL: any) is in flight (for spinners). */
bool fetch_busy(struct model *m, const char *what, const char *org_id);
/* Cancels what is in flight and frees the results held (model_close). */
void fetch_free(struct model *m);

#endif
