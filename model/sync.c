/* sync: see sync.h. */
#include "model/sync.h"
#include "model/model.h"
#include "model/outbox.h"
#include "net/loop.h"
#include "net/xalloc.h"

#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define MAX_INFLIGHT 16

struct page_ctx {
	struct sync *s;
	long page;
	uint64_t id;
	bool used;
};

struct sync {
	struct model *m;
	struct profile *p;
	char *key;	 /* the store's name for this list: profile, or profile + filters */
	struct vquery q; /* server-side filters (strings owned by the model) */
	bool filtered;
	struct sync_progress pr;
	long next_issue;     /* next page index to request */
	long end_page;	     /* first page index known to be past the end */
	long done_prefix;    /* pages [0, done_prefix) of this run's range are stored */
	long first_page;     /* where this run started (0, or a resume point) */
	unsigned char *done; /* done flags for pages >= done_prefix, indexed from done_prefix */
	size_t done_cap;
	struct page_ctx slots[MAX_INFLIGHT];
	int inflight;
	int64_t wall_started; /* epoch ms of the sync this run belongs to (kept over resumes) */
};

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void issue_more(struct sync *s);

static void mark_done(struct sync *s, long page)
{
	long k = page - s->done_prefix;
	if (k < 0)
		return;
	if ((size_t)k >= s->done_cap) {
		size_t cap = s->done_cap ? s->done_cap : 64;
		while ((size_t)k >= cap)
			cap *= 2;
		s->done = xrealloc(s->done, cap);
		memset(s->done + s->done_cap, 0, cap - s->done_cap);
		s->done_cap = cap;
	}
	s->done[k] = 1;
	long adv = 0;
	while ((size_t)adv < s->done_cap && s->done[adv])
		adv++;
	if (adv) {
		memmove(s->done, s->done + adv, s->done_cap - (size_t)adv);
		memset(s->done + s->done_cap - (size_t)adv, 0, (size_t)adv);
		s->done_prefix += adv;
	}
}

static void save_progress(struct sync *s)
{
	struct store_sync st = {
	    .next_page = s->done_prefix,
	    .complete = s->pr.complete,
	    .started = s->wall_started,
	    .finished = s->pr.complete ? wall_ms() : 0,
	    .total = s->pr.total,
	};
	store_sync_set(s->m->store, s->key, &st);
}

static void finish(struct sync *s)
{
	s->pr.running = false;
	s->pr.finished_ms = loop_now_ms();
	if (!s->pr.error[0] && s->done_prefix >= s->end_page) {
		s->pr.complete = true;
		/* Everything the vendor lists now was stored since wall_started: the rest is gone.
		 */
		store_prune(s->m->store, s->key, s->wall_started);
		/* The cache cap: other lists' oldest rows make room for this one. */
		long mb = s->m->cfg.cache_mb > 0 ? s->m->cfg.cache_mb : 1024;
		store_evict(s->m->store, (int64_t)mb << 20, s->key);
	}
	save_progress(s);
	s->m->dirty |= MODEL_DIRTY_LIST | MODEL_DIRTY_STATUS;
}

static void on_page(void *arg, const struct vresp *rs, const struct verr *err)
{
	struct page_ctx *c = arg;
	struct sync *s = c->s;
	long page = c->page;
	c->used = false;
	s->inflight--;
	const struct vendor *v = s->p->vendor;
	if (err->kind != VERR_NONE) {
		if (!s->pr.error[0])
			snprintf(s->pr.error, sizeof s->pr.error, "%s", err->msg);
		model_set_error(s->m, "%s", err->msg);
	} else {
		struct record_list l = {0};
		struct vpage pg = {.more = false, .total = -1};
		struct verr perr = {0};
		if (!v->list_parse(s->p, rs, &l, &pg, &perr)) {
			if (!s->pr.error[0])
				snprintf(s->pr.error, sizeof s->pr.error, "%s", perr.msg);
			model_set_error(s->m, "%s", perr.msg);
		} else {
			const char *keys[STORE_COLS - 1];
			model_colkeys(s->p, keys);
			/* Edits still pending stay visible over the fresh copy. */
			if (outbox_pending_count(s->m) > 0)
				for (size_t i = 0; i < l.n; i++)
					outbox_overlay(s->m, s->p->name, &l.items[i]);
			if (l.n)
				store_put_page(s->m->store, s->key, page * (long)v->page_size, &l,
					       keys, wall_ms());
			s->pr.pages++;
			s->pr.rows += (long)l.n;
			if (pg.total >= 0)
				s->pr.total = pg.total;
			if (!pg.more || l.n == 0) {
				if (page + 1 < s->end_page)
					s->end_page = page + 1;
			}
			mark_done(s, page);
			save_progress(s);
			int64_t el = loop_now_ms() - s->pr.started_ms;
			if (el > 0)
				s->pr.rows_per_s = s->pr.rows * 1000.0 / (double)el;
			if (s->pr.total > 0 && s->pr.rows_per_s > 0) {
				long left = s->pr.total - s->done_prefix * (long)v->page_size;
				s->pr.eta_s = left > 0 ? (long)(left / s->pr.rows_per_s) : 0;
			}
			s->m->dirty |= MODEL_DIRTY_LIST | MODEL_DIRTY_STATUS;
		}
		record_list_free(&l);
	}
	if (s->pr.error[0]) {
		if (s->inflight == 0)
			finish(s);
		return;
	}
	issue_more(s);
	if (s->inflight == 0)
		finish(s);
}

static void issue_more(struct sync *s)
{
	const struct vendor *v = s->p->vendor;
	int par = v->max_parallel > 0 ? v->max_parallel : 1;
	/* A profile may ask for fewer pages in flight (never more than the driver allows). */
	const char *conf = profile_get(s->p, "max_parallel");
	if (conf && atoi(conf) > 0 && atoi(conf) < par)
		par = atoi(conf);
	if (par > MAX_INFLIGHT)
		par = MAX_INFLIGHT;
	/* Without a known total, stay at most `par` pages ahead of the end we know of. */
	while (s->inflight < par && s->next_issue < s->end_page && !s->pr.error[0]) {
		if (s->pr.total >= 0 && s->next_issue * (long)v->page_size >= s->pr.total &&
		    s->next_issue > s->first_page) {
			s->end_page = s->next_issue;
			break;
		}
		struct page_ctx *c = NULL;
		for (int i = 0; i < MAX_INFLIGHT; i++)
			if (!s->slots[i].used) {
				c = &s->slots[i];
				break;
			}
		if (!c)
			break;
		struct vreq rq;
		if (!v->list_req(s->p, s->filtered ? &s->q : NULL, s->next_issue, &rq)) {
			snprintf(s->pr.error, sizeof s->pr.error, "%s: cannot list organizations",
				 v->label);
			break;
		}
		c->s = s;
		c->page = s->next_issue++;
		c->used = true;
		s->inflight++;
		c->id = model_send(s->m, s->p, &rq, on_page, c);
		vreq_free(&rq);
	}
}

struct sync *sync_start(struct model *m, struct profile *p, const char *key, const struct vquery *q)
{
	struct sync *s = xcalloc(1, sizeof *s);
	s->m = m;
	s->p = p;
	s->key = xstrdup(key ? key : p->name);
	if (q && q->nparams) {
		s->q = *q;
		s->filtered = true;
	}
	s->pr.total = -1;
	s->pr.eta_s = -1;
	s->end_page = LONG_MAX;
	if (!p->vendor || !(p->vendor->caps & VCAP_LIST) || !p->vendor->list_req) {
		snprintf(s->pr.error, sizeof s->pr.error,
			 "%s: listing organizations is not supported",
			 p->vendor ? p->vendor->label : p->name);
		return s;
	}
	struct store_sync prev;
	if (store_sync_get(m->store, s->key, &prev) && !prev.complete && prev.next_page > 0) {
		s->first_page = prev.next_page; /* resume an interrupted sync */
		s->wall_started = prev.started;
		s->pr.total = prev.total;
	} else {
		s->wall_started = wall_ms();
	}
	s->next_issue = s->done_prefix = s->first_page;
	s->pr.running = true;
	s->pr.started_ms = loop_now_ms();
	save_progress(s);
	issue_more(s);
	if (s->inflight == 0)
		finish(s);
	return s;
}

void sync_cancel(struct sync *s)
{
	if (!s)
		return;
	for (int i = 0; i < MAX_INFLIGHT; i++)
		if (s->slots[i].used) {
			model_cancel(s->m, s->slots[i].id);
			s->slots[i].used = false;
		}
	s->inflight = 0;
	if (s->pr.running) {
		s->pr.running = false;
		save_progress(s);
	}
}

void sync_free(struct sync *s)
{
	if (!s)
		return;
	sync_cancel(s);
	free(s->done);
	free(s->key);
	free(s);
}

const struct sync_progress *sync_progress(const struct sync *s)
{
	return &s->pr;
}

const struct profile *sync_profile(const struct sync *s)
{
	return s->p;
}
