/* The detail pane: one organization, every field it has, grouped as the vendor's schema
 * groups them (custom fields and unknown keys after), a members summary, the related lists
 * of vendors that have them, and the vendor's raw JSON (J). The cached copy shows at once;
 * a fresh one is fetched behind it and replaces it when it lands (MODEL_DIRTY_DETAIL).
 * Lines are built once per change and per width (values wrap on whole characters); a draw
 * only clips them. Also home of the organization actions the list shares (delete and
 * duplicate confirms, the capability and read-only check for key bars). */
#include "model/fetch.h"
#include "model/model.h"
#include "model/outbox.h"
#include "net/buf.h"
#include "net/xalloc.h"
#include "tui/dialog.h"
#include "tui/text.h"
#include "tui/ui.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <string.h>

#define SUMMARY_ROWS 5
#define LABEL_MAX 28

/* ---- organization actions (list and detail) ---- */

static bool writable(const struct model *m, const struct profile *p)
{
	return p && !m->readonly && !p->readonly;
}

static bool action_allowed(const struct model *m, const struct profile *p, enum action a)
{
	if (!p)
		return false;
	unsigned caps = p->vendor->caps;
	switch (a) {
	case ACT_OPEN:
		return true;
	case ACT_EDIT:
		return (caps & VCAP_UPDATE) && writable(m, p);
	case ACT_CREATE:
		return (caps & VCAP_CREATE) && writable(m, p);
	case ACT_DUPLICATE:
		return (caps & (VCAP_DUPLICATE | VCAP_CREATE)) && writable(m, p);
	case ACT_DELETE:
		return (caps & VCAP_DELETE) && writable(m, p);
	default:
		return false;
	}
}

bool org_action_allowed(struct ui *ui, const char *profile, enum action a)
{
	struct model *m = ui_model(ui);
	return action_allowed(m, profile ? config_profile(&m->cfg, profile) : m->profile, a);
}

struct org_ask {
	struct ui *ui;
	enum action a;
	char *profile, *id, *name;
	void (*then)(void *arg, bool queued);
	void *arg;
};

static void org_answered(void *arg, int choice, const char *text)
{
	(void)text;
	struct org_ask *q = arg;
	struct model *m = ui_model(q->ui);
	bool queued = false;
	if (choice == 1) {
		int64_t op = q->a == ACT_DELETE ? outbox_delete(m, q->profile, q->id)
						: outbox_duplicate(m, q->profile, q->id);
		queued = op > 0;
		if (!queued)
			ui_message(q->ui, "%s",
				   m->error[0] ? m->error : "The change was not queued.");
		ui_status_dirty(q->ui);
	}
	if (q->then)
		q->then(q->arg, queued);
	free(q->profile);
	free(q->id);
	free(q->name);
	free(q);
}

struct pane *org_confirm(struct ui *ui, enum action a, const char *profile, const char *org_id,
			 const char *name, void (*then)(void *arg, bool queued), void *arg)
{
	struct model *m = ui_model(ui);
	const struct profile *p = config_profile(&m->cfg, profile);
	struct org_ask *q = xcalloc(1, sizeof *q);
	q->ui = ui;
	q->a = a;
	q->profile = xstrdup(profile);
	q->id = xstrdup(org_id);
	q->name = xstrdup(name && *name ? name : org_id);
	q->then = then;
	q->arg = arg;
	const char *vendor = p ? p->vendor->label : "the vendor";
	char *question;
	struct pane *d;
	if (a == ACT_DELETE) {
		question = xasprintf("Delete \"%s\" (id %s) from %s (%s)?\nThis cannot be undone.",
				     q->name, org_id, profile, vendor);
		d = dialog_confirm(ui, "Delete organization", question, false, org_answered, q);
	} else if (p && (p->vendor->caps & VCAP_DUPLICATE)) {
		question = xasprintf("Duplicate \"%s\" (id %s) in %s with %s's own duplicate call?",
				     q->name, org_id, profile, vendor);
		d = dialog_confirm(ui, "Duplicate organization", question, true, org_answered, q);
	} else {
		question = xasprintf("Create \"Copy of %s\" in %s (%s) from \"%s\" (id %s)?",
				     q->name, profile, vendor, q->name, org_id);
		d = dialog_confirm(ui, "Duplicate organization", question, true, org_answered, q);
	}
	free(question);
	return d;
}

/* ---- the pane ---- */

enum line_style { LS_TITLE, LS_SUB, LS_GROUP, LS_FIELD, LS_DIM, LS_RAW };

struct line {
	enum line_style style;
	char *label; /* sanitised, or NULL */
	char *text;  /* sanitised, fits the width it was built for */
};

struct detail {
	struct pane pane;
	struct ui *ui;
	char *profile, *id;
	struct record rec;
	bool have;
	bool raw;
	struct line *lines;
	int nlines, cap;
	int built_width; /* width the lines were built for; 0 forces a rebuild */
	int labw;	 /* label column the lines were built with */
	int top, height;
	struct pane *child; /* a hosted confirm (delete closes this pane when queued) */
	int body_y, body_x;
	bool closing;
};

static const struct profile *detail_profile(const struct detail *d)
{
	return config_profile(&ui_model(d->ui)->cfg, d->profile);
}

static void lines_free(struct detail *d)
{
	for (int i = 0; i < d->nlines; i++) {
		free(d->lines[i].label);
		free(d->lines[i].text);
	}
	d->nlines = 0;
}

static void push_line(struct detail *d, enum line_style st, const char *label, const char *text)
{
	if (d->nlines == d->cap)
		d->lines = xrealloc(d->lines,
				    (size_t)(d->cap = d->cap ? d->cap * 2 : 64) * sizeof *d->lines);
	struct line *l = &d->lines[d->nlines++];
	l->style = st;
	l->label = label ? xstrdup(label) : NULL;
	l->text = xstrdup(text ? text : "");
}

/* Adds value under label: split on newlines, each piece sanitised and wrapped to width. */
static void add_value(struct detail *d, enum line_style st, const char *label, const char *value,
		      int width)
{
	struct buf lab;
	buf_init(&lab);
	if (label)
		text_sanitize(label, strlen(label), &lab);
	const char *first_label = label ? (lab.data ? lab.data : "") : NULL;
	const char *p = value ? value : "";
	bool first = true;
	if (width < 4)
		width = 4;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct buf clean;
		buf_init(&clean);
		text_sanitize(p, len, &clean);
		const char *s = clean.data ? clean.data : "";
		do {
			size_t fit = text_fit(s, width, NULL);
			if (!fit && *s)
				fit = 1;
			char *piece = xstrndup(s, fit);
			push_line(d, st, first ? first_label : (label ? "" : NULL), piece);
			free(piece);
			first = false;
			s += fit;
		} while (*s);
		buf_free(&clean);
		if (!nl)
			break;
		p = nl + 1;
	}
	buf_free(&lab);
}

static bool group_seen(const struct vendor *v, size_t upto, const char *group)
{
	for (size_t i = 0; i < upto; i++)
		if (v->fields[i].group && !strcmp(v->fields[i].group, group))
			return true;
	return false;
}

static void build_raw(struct detail *d, int width)
{
	if (!d->rec.raw) {
		push_line(d, LS_DIM, NULL, "The vendor's JSON of this organization is not cached.");
		return;
	}
	cJSON *j = cJSON_Parse(d->rec.raw);
	char *pretty = j ? cJSON_Print(j) : NULL;
	cJSON_Delete(j);
	/* cJSON indents with tabs (tabs inside strings are escaped): two spaces read better. */
	struct buf b;
	buf_init(&b);
	bool indent = true;
	for (const char *s = pretty ? pretty : d->rec.raw; *s; s++) {
		if (*s == '\t')
			buf_puts(&b, indent ? "  " : " ");
		else
			buf_putc(&b, *s);
		indent = *s == '\n' || (indent && *s == '\t');
	}
	add_value(d, LS_RAW, NULL, b.data ? b.data : "", width);
	buf_free(&b);
	free(pretty);
}

static void add_summary(struct detail *d, const char *group, const struct record_list *l,
			const char *loading, int labw, int width)
{
	push_line(d, LS_GROUP, NULL, group);
	if (!l) {
		push_line(d, LS_DIM, NULL, loading);
		return;
	}
	char count[48];
	snprintf(count, sizeof count, "%zu", l->n);
	add_value(d, LS_FIELD, "Count", count, width - labw);
	for (size_t i = 0; i < l->n && i < SUMMARY_ROWS; i++) {
		const struct record *r = &l->items[i];
		struct buf b;
		buf_init(&b);
		buf_puts(&b, r->name ? r->name : r->id ? r->id : "?");
		const char *extra[] = {"email", "role", "status"};
		for (size_t k = 0; k < sizeof extra / sizeof extra[0]; k++) {
			const char *v = record_get(r, extra[k]);
			if (v && *v)
				buf_printf(&b, "  %s", v);
		}
		/* Each row on one line: the summary is a glance, the members pane has the rest. */
		struct buf cell;
		buf_init(&cell);
		text_cell(b.data, width - labw, false, &cell);
		push_line(d, LS_FIELD, "", cell.data ? cell.data : "");
		buf_free(&cell);
		buf_free(&b);
	}
	if (l->n > SUMMARY_ROWS) {
		char more[48];
		snprintf(more, sizeof more, "... and %zu more", l->n - SUMMARY_ROWS);
		push_line(d, LS_DIM, "", more);
	}
}

static void build(struct detail *d, int width)
{
	struct model *m = ui_model(d->ui);
	const struct profile *p = detail_profile(d);
	lines_free(d);
	d->built_width = width;
	if (!p) {
		push_line(d, LS_DIM, NULL, "The profile is gone from the configuration.");
		return;
	}
	const struct vendor *v = p->vendor;
	if (!d->have) {
		char *msg =
		    xasprintf("Organization %s is not in the cache%s.", d->id,
			      fetch_busy(m, "record", d->id) ? "; fetching it" : " (deleted?)");
		add_value(d, LS_DIM, NULL, msg, width);
		free(msg);
		return;
	}
	add_value(d, LS_TITLE, NULL, d->rec.name ? d->rec.name : d->id, width);
	struct buf sub;
	buf_init(&sub);
	buf_printf(&sub, "%s · %s · id %s", p->name, v->label, d->id);
	if (d->rec.version)
		buf_printf(&sub, " · version %s", d->rec.version);
	if (fetch_busy(m, "record", d->id))
		buf_puts(&sub, " · refreshing...");
	add_value(d, LS_SUB, NULL, sub.data, width);
	buf_free(&sub);
	push_line(d, LS_DIM, NULL, "");
	if (d->raw) {
		build_raw(d, width);
		return;
	}

	/* Label column: the longest label shown, capped. */
	int labw = 8;
	for (size_t i = 0; i < d->rec.nfields; i++) {
		const struct record_field *f = &d->rec.fields[i];
		const struct field_spec *fs = vendor_field(v, f->key);
		const char *label = fs ? fs->label : f->label ? f->label : f->key;
		int lw = text_width(label) + 2;
		if (lw > labw)
			labw = lw;
	}
	if (labw > LABEL_MAX)
		labw = LABEL_MAX;
	if (labw > width / 2)
		labw = width / 2;
	int vw = width - labw;
	d->labw = labw;

	/* Schema fields, group by group in the order the schema first names each group. */
	for (size_t g = 0; g < v->nfields; g++) {
		const char *group = v->fields[g].group ? v->fields[g].group : "General";
		if (group_seen(v, g, group))
			continue;
		bool header = false;
		for (size_t i = g; i < v->nfields; i++) {
			const struct field_spec *fs = &v->fields[i];
			if (strcmp(fs->group ? fs->group : "General", group))
				continue;
			const struct record_field *f = record_field(&d->rec, fs->key);
			if (!f)
				continue;
			if (!header) {
				push_line(d, LS_GROUP, NULL, group);
				header = true;
			}
			const char *val = f->value;
			char hidden[48];
			if (fs->flags & FS_SECRETLIKE && val) {
				snprintf(hidden, sizeof hidden, "(hidden, %zu characters)",
					 strlen(val));
				val = hidden;
			}
			add_value(d, LS_FIELD, fs->label, val ? val : "—", vw);
		}
	}
	/* Keys the schema does not name, then custom fields with their own labels. */
	bool header = false;
	for (size_t i = 0; i < d->rec.nfields; i++) {
		const struct record_field *f = &d->rec.fields[i];
		if (vendor_field(v, f->key) || !strncmp(f->key, "cf:", 3))
			continue;
		if (!header) {
			push_line(d, LS_GROUP, NULL, "Other");
			header = true;
		}
		add_value(d, LS_FIELD, f->label ? f->label : f->key, f->value ? f->value : "—", vw);
	}
	header = false;
	for (size_t i = 0; i < d->rec.nfields; i++) {
		const struct record_field *f = &d->rec.fields[i];
		if (strncmp(f->key, "cf:", 3))
			continue;
		if (!header) {
			push_line(d, LS_GROUP, NULL, "Custom fields");
			header = true;
		}
		add_value(d, LS_FIELD, f->label ? f->label : f->key + 3, f->value ? f->value : "—",
			  vw);
	}

	if (v->caps & VCAP_MEMBERS) {
		struct record_list ml = {0};
		bool got = store_get_members(m->store, d->profile, d->id, &ml);
		add_summary(d, "Members", got ? &ml : NULL,
			    fetch_busy(m, "members", d->id) ? "loading..." : "not fetched yet (R)",
			    labw, width);
		record_list_free(&ml);
	}
	if ((v->caps & VCAP_RELATED) && v->related_kinds) {
		for (int k = 0; v->related_kinds[k]; k++) {
			const char *kind = v->related_kinds[k];
			char title[64];
			snprintf(title, sizeof title, "%s", kind);
			title[0] = (char)toupper((unsigned char)title[0]);
			struct record_list rl = {0};
			bool got = fetch_related_result(m, d->id, kind, &rl);
			add_summary(d, title, got ? &rl : NULL,
				    fetch_busy(m, "related", d->id) ? "loading..."
								    : "not fetched yet (R)",
				    labw, width);
			record_list_free(&rl);
		}
	}
}

static void reload(struct detail *d)
{
	struct model *m = ui_model(d->ui);
	if (d->have)
		record_free(&d->rec);
	d->have = store_get_record(m->store, d->profile, d->id, &d->rec);
	d->built_width = 0;
	d->pane.dirty = true;
}

static void fetch_all(struct detail *d)
{
	struct model *m = ui_model(d->ui);
	const struct profile *p = detail_profile(d);
	if (!p)
		return;
	const struct vendor *v = p->vendor;
	if (v->caps & VCAP_GET)
		fetch_record(m, d->profile, d->id);
	if (v->caps & VCAP_MEMBERS)
		fetch_members(m, d->profile, d->id);
	if ((v->caps & VCAP_RELATED) && v->related_kinds)
		for (int k = 0; v->related_kinds[k]; k++)
			fetch_related(m, d->profile, d->id, v->related_kinds[k]);
	d->built_width = 0;
	d->pane.dirty = true;
}

static void draw(struct pane *p, struct ui *ui, WINDOW *w)
{
	struct detail *d = (struct detail *)p;
	int h, wd;
	getmaxyx(w, h, wd);
	getbegyx(w, d->body_y, d->body_x);
	d->height = h;
	int width = wd - 2 > 10 ? wd - 2 : 10;
	if (d->built_width != width)
		build(d, width);
	int labw = d->labw;
	if (d->top > d->nlines - h)
		d->top = d->nlines - h > 0 ? d->nlines - h : 0;
	werase(w);
	for (int y = 0; y < h && d->top + y < d->nlines; y++) {
		const struct line *l = &d->lines[d->top + y];
		attr_t a = A_NORMAL;
		switch (l->style) {
		case LS_TITLE:
			a = A_BOLD;
			break;
		case LS_SUB:
		case LS_DIM:
			a = ui_attr(UC_DIM);
			break;
		case LS_GROUP:
			a = ui_attr(UC_HEADER);
			break;
		default:
			break;
		}
		/* Lines are sanitised and sized when built; text_cell only clips to this width. */
		struct buf b;
		buf_init(&b);
		int x = 1;
		if (l->style == LS_FIELD) {
			text_cell(l->label ? l->label : "", labw - 2, true, &b);
			wattrset(w, ui_attr(UC_HEADER) & ~A_UNDERLINE);
			mvwaddstr(w, y, x, b.data ? b.data : "");
			buf_reset(&b);
			x += labw;
		}
		text_cell(l->text, width - (x - 1), false, &b);
		wattrset(w, a);
		mvwaddstr(w, y, x, b.data ? b.data : "");
		buf_free(&b);
	}
	wattrset(w, A_NORMAL);
	if (d->nlines > h) {
		char pos[32];
		snprintf(pos, sizeof pos, " %d%% ", (d->top + h) * 100 / d->nlines);
		wattrset(w, ui_attr(UC_DIM));
		mvwaddstr(w, h - 1, wd - (int)strlen(pos) - 1, pos);
		wattrset(w, A_NORMAL);
	}
	if (d->child)
		d->child->ops->draw(d->child, ui, w);
}

static void detail_deleted(void *arg, bool queued)
{
	struct detail *d = arg;
	/* A queued delete leaves nothing to look at: back to the list, which marks it pending. */
	if (queued)
		d->closing = true;
}

static int key(struct pane *p, struct ui *ui, enum action a, int k)
{
	struct detail *d = (struct detail *)p;
	struct model *m = ui_model(ui);
	if (d->child) {
		struct pane *c = d->child;
		int r = c->ops->key(c, ui, a, k);
		if (r & PR_CLOSE) {
			if (d->child == c)
				d->child = NULL;
			c->ops->free(c);
		}
		p->dirty = true;
		return d->closing ? PR_CLOSE : PR_HANDLED;
	}
	int page = d->height > 2 ? d->height - 2 : 1;
	int top = d->top;
	switch (a) {
	case ACT_MOVE_DOWN:
		top++;
		break;
	case ACT_MOVE_UP:
		top--;
		break;
	case ACT_PAGE_DOWN:
		top += page;
		break;
	case ACT_PAGE_UP:
		top -= page;
		break;
	case ACT_FIRST:
		top = 0;
		break;
	case ACT_LAST:
		top = d->nlines;
		break;
	case ACT_RAW:
		d->raw = !d->raw;
		d->top = 0;
		d->built_width = 0;
		p->dirty = true;
		return PR_HANDLED;
	case ACT_BACK:
	case ACT_CLOSE:
		return PR_CLOSE;
	case ACT_REFRESH:
		fetch_all(d);
		return PR_HANDLED;
	case ACT_EDIT:
		if (!d->have || !action_allowed(m, detail_profile(d), a))
			return PR_HANDLED;
		ui_push(ui, pane_form_new(ui, d->profile, d->id));
		return PR_HANDLED;
	case ACT_MEMBERS: {
		const struct profile *pr = detail_profile(d);
		if (pr && (pr->vendor->caps & VCAP_MEMBERS))
			ui_push(ui, pane_members_new(ui, d->profile, d->id,
						     d->have ? d->rec.name : NULL));
		return PR_HANDLED;
	}
	case ACT_DELETE:
	case ACT_DUPLICATE:
		if (!d->have || !action_allowed(m, detail_profile(d), a))
			return PR_HANDLED;
		d->child = org_confirm(ui, a, d->profile, d->id, d->rec.name,
				       a == ACT_DELETE ? detail_deleted : NULL, d);
		p->dirty = true; /* draws the dialog, and the key bar with it */
		return PR_HANDLED;
	default:
		return PR_IGNORED;
	}
	if (top > d->nlines - d->height)
		top = d->nlines - d->height;
	if (top < 0)
		top = 0;
	if (top != d->top) {
		d->top = top;
		p->dirty = true;
	}
	return PR_HANDLED;
}

static void on_change(struct pane *p, struct ui *ui, unsigned dirty)
{
	(void)ui;
	struct detail *d = (struct detail *)p;
	if (dirty & (MODEL_DIRTY_DETAIL | MODEL_DIRTY_LIST))
		reload(d);
	if (dirty & (MODEL_DIRTY_MEMBERS | MODEL_DIRTY_DETAIL)) {
		d->built_width = 0;
		p->dirty = true;
	}
}

static bool cursor(struct pane *p, int *y, int *x)
{
	struct detail *d = (struct detail *)p;
	if (d->child) {
		if (!d->child->ops->cursor(d->child, y, x))
			return false;
		/* The dialog speaks screen coordinates; this pane's cursor is body-relative. */
		*y -= d->body_y;
		*x -= d->body_x;
		return true;
	}
	*y = 0;
	*x = 1;
	return true;
}

static bool wants_text(struct pane *p)
{
	struct detail *d = (struct detail *)p;
	return d->child && d->child->ops->wants_text && d->child->ops->wants_text(d->child);
}

static bool offers(struct pane *p, struct ui *ui, enum action a)
{
	struct detail *d = (struct detail *)p;
	struct model *m = ui_model(ui);
	switch (a) {
	case ACT_MOVE_DOWN:
	case ACT_MOVE_UP:
	case ACT_FIRST:
	case ACT_LAST:
	case ACT_PAGE_DOWN:
	case ACT_PAGE_UP:
	case ACT_BACK:
	case ACT_CLOSE:
	case ACT_REFRESH:
	case ACT_QUIT:
	case ACT_REDRAW:
		return true;
	case ACT_RAW:
		return d->have;
	case ACT_MEMBERS:
		return detail_profile(d) && (detail_profile(d)->vendor->caps & VCAP_MEMBERS);
	case ACT_EDIT:
	case ACT_DUPLICATE:
	case ACT_DELETE:
		return d->have && action_allowed(m, detail_profile(d), a);
	default:
		return false;
	}
}

static const char *keybar(struct pane *p)
{
	struct detail *d = (struct detail *)p;
	return d->child && d->child->ops->keybar ? d->child->ops->keybar(d->child) : NULL;
}

static void detail_free(struct pane *p)
{
	struct detail *d = (struct detail *)p;
	if (d->child)
		d->child->ops->free(d->child);
	lines_free(d);
	free(d->lines);
	if (d->have)
		record_free(&d->rec);
	free(d->profile);
	free(d->id);
	free(d);
}

static const struct pane_ops detail_ops = {
    .name = "detail",
    .draw = draw,
    .key = key,
    .on_change = on_change,
    .cursor = cursor,
    .wants_text = wants_text,
    .offers = offers,
    .keybar = keybar,
    .free = detail_free,
};

struct pane *pane_detail_new(struct ui *ui, const char *profile, const char *org_id)
{
	struct detail *d = xcalloc(1, sizeof *d);
	d->pane.ops = &detail_ops;
	d->ui = ui;
	d->profile = xstrdup(profile);
	d->id = xstrdup(org_id);
	reload(d);
	fetch_all(d);
	return &d->pane;
}
