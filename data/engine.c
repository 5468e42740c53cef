/* engine.c — the milestone engine over the cache, customer by customer. */
#include "engine.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "context.h"
#include "mem.h"
#include "milestone.h"

enum { HELD_MAX = 64 };

static uint64_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3u;
	return h;
}

/* ids[] in order of arrival; slots[] an open-addressing index into it. */
void engine_set_add(struct engine_set *s, const char *customer_id)
{
	if (!customer_id)
		return;
	if ((s->n + 1) * 2 > s->n_slots) {
		size_t n = s->n_slots ? s->n_slots * 2 : 64;
		free(s->slots);
		s->slots = xmalloc(n * sizeof *s->slots);
		for (size_t i = 0; i < n; i++)
			s->slots[i] = SIZE_MAX;
		s->n_slots = n;
		for (size_t i = 0; i < s->n; i++) {
			size_t j = hash(s->ids[i]) & (n - 1);
			while (s->slots[j] != SIZE_MAX)
				j = (j + 1) & (n - 1);
			s->slots[j] = i;
		}
	}
	size_t j = hash(customer_id) & (s->n_slots - 1);
	for (; s->slots[j] != SIZE_MAX; j = (j + 1) & (s->n_slots - 1))
		if (strcmp(s->ids[s->slots[j]], customer_id) == 0)
			return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->ids = xrealloc(s->ids, s->cap * sizeof *s->ids);
	}
	s->slots[j] = s->n;
	s->ids[s->n++] = xstrdup(customer_id);
}

size_t engine_set_find(const struct engine_set *s, const char *id)
{
	if (!s->n_slots || !id)
		return SIZE_MAX;
	for (size_t j = hash(id) & (s->n_slots - 1); s->slots[j] != SIZE_MAX;
	     j = (j + 1) & (s->n_slots - 1))
		if (strcmp(s->ids[s->slots[j]], id) == 0)
			return s->slots[j];
	return SIZE_MAX;
}

void engine_set_free(struct engine_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->ids[i]);
	free(s->ids);
	free(s->slots);
	memset(s, 0, sizeof *s);
}

/* What holds, in `local` (HELD_MAX) or, when more do, a new array. */
static size_t evaluate(const struct rules *r, const struct customer *cu, const struct trip *trips,
		       size_t n_trips, int64_t now, struct milestone_alert *local,
		       struct milestone_alert **held)
{
	*held = local;
	size_t n = milestone_evaluate(r, cu, trips, n_trips, now, local, HELD_MAX);
	if (n > HELD_MAX) {  /* rare: dense thresholds; ask again with room */
		*held = xcalloc(n, sizeof **held);
		n = milestone_evaluate(r, cu, trips, n_trips, now, *held, n);
	}
	return n;
}

enum irm_status engine_apply(struct cache *c, const struct rules *r, const struct customer *cu,
			     const struct trip *trips, size_t n_trips, int64_t now, bool fresh,
			     struct irm_err *e)
{
	struct milestone_alert local[HELD_MAX], *held;
	size_t n = evaluate(r, cu, trips, n_trips, now, local, &held);
	enum irm_status s = n == 0 && fresh ? IRM_OK : alerts_sync(c, cu->id, held, n, now, e);
	if (held != local)
		free(held);
	return s;
}

enum irm_status engine_decide(struct cache *c, const struct rules *r, const char *customer_id,
			      int64_t now, struct engine_verdict *v, struct irm_err *e)
{
	struct customer_context x;
	memset(v, 0, sizeof *v);
	enum irm_status s = context_load_legs(c, customer_id, &x, e);
	if (s == IRM_ENOTFOUND)
		return IRM_OK;
	if (s != IRM_OK)
		return s;
	engine_decide_from(r, &x, now, v);
	context_free(&x);
	return IRM_OK;
}

void engine_decide_from(const struct rules *r, const struct customer_context *x, int64_t now,
			struct engine_verdict *v)
{
	struct milestone_alert local[HELD_MAX], *held;
	memset(v, 0, sizeof *v);
	v->customer_id = xstrdup(x->customer.id);
	size_t n = evaluate(r, &x->customer, x->trips, x->n_trips, now, local, &held);
	if (n) {
		v->held = xcalloc(n, sizeof *v->held);
		v->legs = xcalloc(n, sizeof *v->legs);
		memcpy(v->held, held, n * sizeof *held);
		for (size_t i = 0; i < n; i++) {
			const struct segment *sg = held[i].segment;
			v->held[i].trip = NULL;
			if (!sg)
				continue;
			v->legs[i] = *sg;
			v->legs[i].id = arena_strdup(&v->strings, sg->id);
			v->legs[i].carrier = arena_strdup(&v->strings, sg->carrier);
			v->legs[i].flight = arena_strdup(&v->strings, sg->flight);
			v->legs[i].seats = NULL;
			v->legs[i].n_seats = 0;
			v->held[i].segment = &v->legs[i];
		}
		v->n = n;
	}
	if (held != local)
		free(held);
}

enum irm_status engine_write(struct cache *c, const struct engine_verdict *v, int64_t now,
			     struct irm_err *e)
{
	return v->customer_id ? alerts_sync(c, v->customer_id, v->held, v->n, now, e) : IRM_OK;
}

void engine_verdict_free(struct engine_verdict *v)
{
	free(v->customer_id);
	free(v->held);
	free(v->legs);
	arena_free(&v->strings);
	memset(v, 0, sizeof *v);
}

enum irm_status engine_run_customer(struct cache *c, const struct rules *r,
				    const char *customer_id, int64_t now, struct irm_err *e)
{
	struct engine_verdict v;
	/* an unknown id: a passenger not (yet) known as a customer */
	enum irm_status s = engine_decide(c, r, customer_id, now, &v, e);
	if (s == IRM_OK)
		s = engine_write(c, &v, now, e);
	engine_verdict_free(&v);
	return s;
}

enum irm_status engine_run_set(struct cache *c, const struct rules *r,
			       const struct engine_set *s, int64_t now, struct irm_err *e)
{
	for (size_t i = 0; i < s->n; i++) {
		enum irm_status st = engine_run_customer(c, r, s->ids[i], now, e);
		if (st != IRM_OK)
			return st;
	}
	return IRM_OK;
}
