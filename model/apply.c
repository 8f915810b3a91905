/* apply: see apply.h. Reads the whole file first, queues every line in one batch (one
 * synchronous commit), then runs the event loop until the outbox is idle. */
#include "model/apply.h"
#include "model/model.h"
#include "model/outbox.h"
#include "net/loop.h"
#include "net/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct progress {
	FILE *out;
	long ended;
};

static void on_end(void *arg, const struct op *op)
{
	struct progress *pr = arg;
	pr->ended++;
	const char *field = op->changes.nfields ? op->changes.fields[0].key : "";
	fprintf(pr->out, "%-9s op %lld %s %s %s%s%s\n", op_state_name(op->state), (long long)op->id,
		op_kind_name(op->kind), op->target ? op->target : "-", field,
		op->message ? ": " : "", op->message ? op->message : "");
	fflush(pr->out);
}

/* Undoes the value escapes in place; false for a value of exactly \N (null). */
static bool unescape(char *s)
{
	if (!strcmp(s, "\\N"))
		return false;
	char *w = s;
	for (const char *r = s; *r; r++) {
		if (*r == '\\' && r[1]) {
			r++;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return true;
}

/* Queues one line; false (with a message on progress) when it is malformed or refused. */
static bool queue_line(struct model *m, char *line, long lineno, FILE *out)
{
	char *tab1 = strchr(line, '\t');
	char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
	if (!tab1 || !tab2 || tab1 == line || tab2 == tab1 + 1) {
		fprintf(out, "line %ld: expected id<TAB>field<TAB>value\n", lineno);
		return false;
	}
	*tab1 = *tab2 = '\0';
	const char *id = line, *field = tab1 + 1;
	char *value = tab2 + 1;
	bool nonnull = unescape(value);
	struct record changes;
	record_init(&changes);
	record_set(&changes, field, nonnull ? value : NULL);
	int64_t op;
	if (!strcmp(id, "+")) {
		if (!strcmp(field, "name") && nonnull)
			changes.name = xstrdup(value);
		op = outbox_create(m, NULL, &changes);
	} else {
		op = outbox_update(m, NULL, id, &changes);
	}
	record_free(&changes);
	if (op < 0) {
		fprintf(out, "line %ld: %s\n", lineno, m->error);
		return false;
	}
	return true;
}

int apply_file(struct model *m, const char *path, FILE *out)
{
	if (!m->profile) {
		fprintf(out, "orgdeck --apply: the config has no profile\n");
		return 2;
	}
	FILE *in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!in) {
		fprintf(out, "orgdeck --apply: cannot read %s: %s\n", path, strerror(errno));
		return 2;
	}
	struct progress pr = {.out = out};
	outbox_set_observer(m, on_end, &pr);
	long replayed = outbox_pending_count(m);
	long queued = 0, refused = 0, lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	outbox_batch_begin(m);
	while ((n = getline(&line, &cap, in)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		if (queue_line(m, line, lineno, out))
			queued++;
		else
			refused++;
	}
	free(line);
	if (in != stdin)
		fclose(in);
	if (!outbox_batch_end(m)) {
		fprintf(out, "orgdeck --apply: %s\n", m->error);
		outbox_set_observer(m, NULL, NULL);
		return 1;
	}
	fprintf(out, "queued %ld edits for %s (%ld left by an earlier run)\n", queued,
		m->profile->name, replayed);
	fflush(out);
	while (!outbox_idle(m))
		loop_run_once(m->loop, 1000);
	long c[OPS_COUNT];
	outbox_counts(m, outbox_opened_at(m), c);
	fprintf(out,
		"summary: %ld done, %ld failed, %ld conflict, %ld uncertain, %ld still pending, "
		"%ld lines refused\n",
		c[OPS_DONE], c[OPS_FAILED], c[OPS_CONFLICT], c[OPS_UNCERTAIN],
		c[OPS_PENDING] + c[OPS_SENDING], refused);
	outbox_set_observer(m, NULL, NULL);
	return c[OPS_FAILED] || c[OPS_CONFLICT] || c[OPS_UNCERTAIN] || refused ? 1 : 0;
}
