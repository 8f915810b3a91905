/* apply: orgdeck --apply FILE, edits queued and sent without the interface (bulk changes,
 * scripts, the crash test). FILE ("-" for standard input) holds one edit a line:
 *     id<TAB>field<TAB>value
 * field is a schema key (name, email, ...) or a custom field "cf:<id>"; in value, \t \n
 * and \\ stand for a tab, a newline and a backslash, and a value of exactly \N is null.
 * An id of "+" creates an organization with that one field. Blank lines and lines
 * starting with # are skipped. Each line becomes one op in the outbox of the current
 * profile (all queued in one commit), then the event loop sends them; ops a killed run
 * left are replayed first (outbox_open). Progress lines and a summary go to `progress`.
 * Returns the exit status: 0 when every op ended done, 1 otherwise, 2 when FILE cannot be
 * read. */
#ifndef ORGDECK_APPLY_H
#define ORGDECK_APPLY_H
#include <stdio.h>

struct model;

int apply_file(struct model *m, const char *path, FILE *progress);

#endif
