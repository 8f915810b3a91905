/* fetch: see fetch.h. Each fetch is a job: what it reads, for which profile and record, the
 * request in flight, the page it is on and what it gathered so far. Jobs page one request at
 * a time (these lists are short); the results a pane reads come from the store or from the
 * small caches below. */
#include "model/fetch.h"
#include "model/model.h"
#include "model/outbox.h"
#include "net/xalloc.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

enum job_kind { JOB_RECORD, JOB_MEMBERS, JOB_RELATED, JOB_CONTACTS };
static const char *const job_names[] = {"record", "members", "related", "contacts"};

struct job {
	struct model *m;
	enum job_kind kind;
	const struct profile *p;
	char *org_id;
	char *related; /* related kind */
	long page;
	uint64_t req;
	struct record_list got;
	struct job *next;
};

struct cached {
	char *profile, *org_id, *kind; /* org_id/kind NULL for contacts */
	struct record_list list;
	struct cached *next;
};

struct fetch {
	struct job *jobs;
	struct cached *cache;
	/* organizations whose members wait for the contacts list to be named */
	struct record_list need_names; /* id = org id, name = profile */
};

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct fetch *state(struct model *m)
{
	if (!m->fetch)
		m->fetch = xcalloc(1, sizeof *m->fetch);
	return m->fetch;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static struct job *find_job(struct fetch *f, enum job_kind k, const char *profile,
			    const char *org_id, const char *related)
{
	for (struct job *j = f->jobs; j; j = j->next)
		if (j->kind == k && (!profile || !strcmp(j->p->name, profile)) &&
		    (!org_id || same(j->org_id, org_id)) && same(j->related, related))
			return j;
	return NULL;
}

static void job_free(struct job *j)
{
	free(j->org_id);
	free(j->related);
	record_list_free(&j->got);
	free(j);
}

static void job_end(struct job *j)
{
	struct fetch *f = j->m->fetch;
	for (struct job **pp = &f->jobs; *pp; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	job_free(j);
}

static struct cached *cache_find(struct fetch *f, const char *profile, const char *org_id,
				 const char *kind)
{
	for (struct cached *c = f->cache; c; c = c->next)
		if (!strcmp(c->profile, profile) && same(c->org_id, org_id) && same(c->kind, kind))
			return c;
	return NULL;
}

/* Takes the list over (it is emptied). */
static void cache_put(struct fetch *f, const char *profile, const char *org_id, const char *kind,
		      struct record_list *l)
{
	struct cached *c = cache_find(f, profile, org_id, kind);
	if (!c) {
		c = xcalloc(1, sizeof *c);
		c->profile = xstrdup(profile);
		c->org_id = org_id ? xstrdup(org_id) : NULL;
		c->kind = kind ? xstrdup(kind) : NULL;
		c->next = f->cache;
		f->cache = c;
	}
	record_list_free(&c->list);
	c->list = *l;
	memset(l, 0, sizeof *l);
}

static void copy_list(struct record_list *out, const struct record_list *in)
{
	for (size_t i = 0; i < in->n; i++)
		record_copy(record_list_push(out), &in->items[i]);
}

static void on_answer(void *arg, const struct vresp *rs, const struct verr *err);

static bool job_send(struct job *j)
{
	const struct vendor *v = j->p->vendor;
	struct vreq rq;
	bool built = false;
	switch (j->kind) {
	case JOB_RECORD:
		built = v->get_req && v->get_req(j->p, j->org_id, &rq);
		break;
	case JOB_MEMBERS:
		built = v->members_req && v->members_req(j->p, j->org_id, j->page, &rq);
		break;
	case JOB_RELATED:
		built = v->related_req && v->related_req(j->p, j->org_id, j->related, &rq);
		break;
	case JOB_CONTACTS:
		built = v->contacts_req && v->contacts_req(j->p, j->page, &rq);
		break;
	}
	if (!built)
		return false;
	j->req = model_send(j->m, j->p, &rq, on_answer, j);
	vreq_free(&rq);
	return true;
}

static void start(struct model *m, enum job_kind k, const char *profile, const char *org_id,
		  const char *related)
{
	const struct profile *p = profile ? config_profile(&m->cfg, profile) : m->profile;
	if (!p || !p->vendor)
		return;
	struct fetch *f = state(m);
	if (find_job(f, k, p->name, org_id, related))
		return;
	struct job *j = xcalloc(1, sizeof *j);
	j->m = m;
	j->kind = k;
	j->p = p;
	j->org_id = org_id ? xstrdup(org_id) : NULL;
	j->related = related ? xstrdup(related) : NULL;
	j->next = f->jobs;
	f->jobs = j;
	if (!job_send(j)) {
		model_set_error(m, "%s cannot read %s", p->vendor->label, job_names[k]);
		job_end(j);
	}
	m->dirty |= MODEL_DIRTY_STATUS;
}

/* Kaana's members are "Contact 17" until the contacts list names them. */
static bool is_placeholder(const struct record *mem)
{
	char want[96];
	snprintf(want, sizeof want, "Contact %s", mem->id ? mem->id : "");
	return !mem->name || !strcmp(mem->name, want);
}

/* Names placeholder members from the cached contacts; false when they are not cached. */
static bool name_members(struct fetch *f, const char *profile, struct record_list *members)
{
	struct cached *c = cache_find(f, profile, NULL, NULL);
	if (!c)
		return false;
	for (size_t i = 0; i < members->n; i++) {
		struct record *mem = &members->items[i];
		if (!is_placeholder(mem))
			continue;
		for (size_t k = 0; k < c->list.n; k++) {
			const struct record *ct = &c->list.items[k];
			if (ct->id && mem->id && !strcmp(ct->id, mem->id) && ct->name) {
				free(mem->name);
				mem->name = xstrdup(ct->name);
				if (!record_get(mem, "email") && record_get(ct, "email"))
					record_set(mem, "email", record_get(ct, "email"));
				break;
			}
		}
	}
	return true;
}

static bool needs_names(const struct profile *p, const struct record_list *members)
{
	if (!(p->vendor->caps & VCAP_CONTACTS) || !p->vendor->contacts_req)
		return false;
	for (size_t i = 0; i < members->n; i++)
		if (is_placeholder(&members->items[i]))
			return true;
	return false;
}

static void members_done(struct job *j)
{
	struct model *m = j->m;
	struct fetch *f = m->fetch;
	if (needs_names(j->p, &j->got) && !name_members(f, j->p->name, &j->got)) {
		struct record *w = record_list_push(&f->need_names);
		w->id = xstrdup(j->org_id);
		w->name = xstrdup(j->p->name);
		start(m, JOB_CONTACTS, j->p->name, NULL, NULL);
	}
	store_put_members(m->store, j->p->name, j->org_id, &j->got, wall_ms());
	m->dirty |= MODEL_DIRTY_MEMBERS;
}

/* The contacts came in: name the members that waited for them. */
static void contacts_done(struct job *j)
{
	struct model *m = j->m;
	struct fetch *f = m->fetch;
	cache_put(f, j->p->name, NULL, NULL, &j->got);
	struct record_list keep = {0};
	for (size_t i = 0; i < f->need_names.n; i++) {
		struct record *w = &f->need_names.items[i];
		if (strcmp(w->name, j->p->name)) {
			record_copy(record_list_push(&keep), w);
			continue;
		}
		struct record_list mem = {0};
		store_get_members(m->store, w->name, w->id, &mem);
		if (name_members(f, w->name, &mem))
			store_put_members(m->store, w->name, w->id, &mem, wall_ms());
		record_list_free(&mem);
	}
	record_list_free(&f->need_names);
	f->need_names = keep;
	m->dirty |= MODEL_DIRTY_MEMBERS;
}

static void on_answer(void *arg, const struct vresp *rs, const struct verr *err)
{
	struct job *j = arg;
	struct model *m = j->m;
	const struct vendor *v = j->p->vendor;
	j->req = 0;
	if (err->kind != VERR_NONE) {
		model_set_error(m, "%s", err->msg);
		job_end(j);
		return;
	}
	struct verr perr = {0};
	struct vpage pg = {.more = false, .total = -1};
	bool ok = false;
	switch (j->kind) {
	case JOB_RECORD: {
		struct record r;
		record_init(&r);
		ok = v->record_parse(j->p, rs, &r, &perr) && r.id;
		if (ok) {
			outbox_overlay(m, j->p->name, &r);
			const char *keys[STORE_COLS - 1];
			model_colkeys(j->p, keys);
			store_put_record(m->store, j->p->name, &r, keys, wall_ms());
			m->dirty |= MODEL_DIRTY_DETAIL | MODEL_DIRTY_LIST;
		}
		record_free(&r);
		break;
	}
	case JOB_MEMBERS:
	case JOB_CONTACTS: {
		bool (*parse)(const struct profile *, const struct vresp *, struct record_list *,
			      struct vpage *, struct verr *) =
		    j->kind == JOB_MEMBERS ? v->members_parse : v->contacts_parse;
		size_t before = j->got.n;
		ok = parse && parse(j->p, rs, &j->got, &pg, &perr);
		/* another page while the vendor says so and it brought something */
		if (ok && pg.more && j->got.n > before) {
			j->page++;
			if (job_send(j))
				return;
		}
		if (ok && j->kind == JOB_MEMBERS)
			members_done(j);
		else if (ok)
			contacts_done(j);
		break;
	}
	case JOB_RELATED: {
		struct record_list l = {0};
		ok = v->related_parse && v->related_parse(j->p, j->related, rs, &l, &perr);
		if (ok) {
			cache_put(m->fetch, j->p->name, j->org_id, j->related, &l);
			m->dirty |= MODEL_DIRTY_DETAIL;
		}
		record_list_free(&l);
		break;
	}
	}
	if (!ok)
		model_set_error(m, "%s", perr.msg[0] ? perr.msg : "unreadable answer");
	m->dirty |= MODEL_DIRTY_STATUS;
	job_end(j);
}

void fetch_record(struct model *m, const char *profile, const char *org_id)
{
	if (org_id && strncmp(org_id, "new:", 4))
		start(m, JOB_RECORD, profile, org_id, NULL);
}

void fetch_members(struct model *m, const char *profile, const char *org_id)
{
	if (org_id && strncmp(org_id, "new:", 4))
		start(m, JOB_MEMBERS, profile, org_id, NULL);
}

void fetch_related(struct model *m, const char *profile, const char *org_id, const char *kind)
{
	if (org_id && kind)
		start(m, JOB_RELATED, profile, org_id, kind);
}

bool fetch_related_result(struct model *m, const char *org_id, const char *kind,
			  struct record_list *out)
{
	if (!m->fetch)
		return false;
	for (struct cached *c = m->fetch->cache; c; c = c->next)
		if (same(c->org_id, org_id) && same(c->kind, kind) && c->kind) {
			copy_list(out, &c->list);
			return true;
		}
	return false;
}

void fetch_contacts(struct model *m, const char *profile)
{
	start(m, JOB_CONTACTS, profile, NULL, NULL);
}

bool fetch_contacts_result(struct model *m, const char *profile, struct record_list *out)
{
	const char *pname = profile ? profile : m->profile ? m->profile->name : NULL;
	struct cached *c = m->fetch && pname ? cache_find(m->fetch, pname, NULL, NULL) : NULL;
	if (!c)
		return false;
	copy_list(out, &c->list);
	return true;
}

bool fetch_busy(struct model *m, const char *what, const char *org_id)
{
	if (!m->fetch)
		return false;
	for (struct job *j = m->fetch->jobs; j; j = j->next)
		if (!strcmp(job_names[j->kind], what) && (!org_id || same(j->org_id, org_id)))
			return true;
	return false;
}

void fetch_free(struct model *m)
{
	struct fetch *f = m->fetch;
	if (!f)
		return;
	while (f->jobs) {
		struct job *j = f->jobs;
		f->jobs = j->next;
		if (j->req)
			model_cancel(m, j->req);
		job_free(j);
	}
	while (f->cache) {
		struct cached *c = f->cache;
		f->cache = c->next;
		free(c->profile);
		free(c->org_id);
		free(c->kind);
		record_list_free(&c->list);
		free(c);
	}
	record_list_free(&f->need_names);
	free(f);
	m->fetch = NULL;
}
