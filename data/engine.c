/* engine.c — the milestone engine over the cache, customer by customer. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "context.h"
#include "mem.h"
#include "milestone.h"

enum { HELD_MAX = 64 };

void engine_set_add(struct engine_set *s, const char *customer_id)
{
	if (!customer_id)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->ids[i], customer_id) == 0)
			return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->ids = xrealloc(s->ids, s->cap * sizeof *s->ids);
	}
	s->ids[s->n++] = xstrdup(customer_id);
}

void engine_set_free(struct engine_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->ids[i]);
	free(s->ids);
	memset(s, 0, sizeof *s);
}

enum irm_status engine_apply(struct cache *c, const struct rules *r, const struct customer *cu,
			     const struct trip *trips, size_t n_trips, int64_t now, bool fresh,
			     struct irm_err *e)
{
	struct milestone_alert held[HELD_MAX];
	size_t n = milestone_evaluate(r, cu, trips, n_trips, now, held, HELD_MAX);
	if (n > HELD_MAX)
		n = HELD_MAX;
	if (n == 0 && fresh)
		return IRM_OK;
	return alerts_sync(c, cu->id, held, n, now, e);
}

enum irm_status engine_run_customer(struct cache *c, const struct rules *r,
				    const char *customer_id, int64_t now, struct irm_err *e)
{
	struct customer_context x;
	enum irm_status s = context_load(c, customer_id, &x, e);

	if (s == IRM_ENOTFOUND)
		return IRM_OK;  /* a passenger not (yet) known as a customer */
	if (s != IRM_OK)
		return s;
	s = engine_apply(c, r, &x.customer, x.trips, x.n_trips, now, false, e);
	context_free(&x);
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
