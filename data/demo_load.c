/* demo_load.c — the demo (core/demo.c) into a cache: its records, the
 * milestone engine on each customer, and the name index, in one
 * transaction. */
#include "demo_load.h"

#include <stdbool.h>
#include <stddef.h>

#include "demo.h"
#include "engine.h"
#include "model.h"
#include "records.h"
#include "search.h"
#include "tz.h"

/* The generator gives a customer, then the trips they booked; each
 * customer's trips are kept (copied) until the next customer comes, then
 * the milestone engine runs on them. */
struct demo_load_run {
	struct cache *cache;
	const struct rules *rules;
	int64_t now;
	FILE *truth;                /* or NULL */
	struct irm_err *e;
	enum irm_status status;     /* what stopped the generator */
	struct demo_load_stats st;
	struct demo_batch batch;    /* each customer's trips, for the engine */
};

static int demo_load_stop(struct demo_load_run *r, enum irm_status s)
{
	r->status = s;
	return s != IRM_OK;
}

/* The milestone engine on one customer's whole history, as generated: the
 * demo holds its alerts — the seed story's projected millionth mile among
 * them. */
static int demo_load_customer_done(void *ctx, const struct customer *cu,
				   const struct trip *trips, size_t n)
{
	struct demo_load_run *r = ctx;
	return demo_load_stop(r, engine_apply(r->cache, r->rules, cu, trips, n, r->now, true,
					      r->e));
}

static int32_t demo_load_zone_offset(void *ctx, const char *zone, int64_t utc)
{
	int32_t off = 0;
	(void)ctx;
	return tz_offset(zone, utc, &off) ? off : 0;
}

static int demo_load_on_customer(void *ctx, const struct customer *cu)
{
	struct demo_load_run *r = ctx;
	/* A non-zero return is the engine's, on the previous customer. */
	if (demo_batch_customer(&r->batch, cu))
		return 1;
	r->st.customers++;
	return demo_load_stop(r, records_put_customer(r->cache, cu, NULL, r->e));
}

static int demo_load_on_trip(void *ctx, const struct trip *t, enum intent truth)
{
	struct demo_load_run *r = ctx;
	const char *who = NULL;

	r->st.trips++;
	r->st.segments += (long)t->n_segments;
	if (r->truth) {
		for (size_t i = 0; i < t->n_passengers && !who; i++)
			who = t->passengers[i].customer_id;
		/* Ids from the generator are plain ASCII: no JSON escaping needed. */
		fprintf(r->truth,
			"{\"trip_id\":\"%s\",\"customer_id\":\"%s\",\"true_intent\":\"%s\"}\n",
			t->id, who ? who : "", model_intent_name(truth));
	}
	demo_batch_trip(&r->batch, t);
	return demo_load_stop(r, records_put_trip(r->cache, t, r->rules, NULL, r->e));
}

enum irm_status demo_load(struct cache *c, const struct rules *rules, uint64_t seed,
			  long customers, int64_t now, FILE *truth,
			  struct demo_load_stats *st, struct irm_err *e)
{
	struct irm_err mine = { 0 };
	if (!e)
		e = &mine;
	if (st)
		*st = (struct demo_load_stats){ 0 };
	if (customers < 2 || customers > DEMO_LOAD_MAX_CUSTOMERS)
		return err_set(e, IRM_EUSAGE, "demo: %ld customers; from 2 to %d", customers,
			       DEMO_LOAD_MAX_CUSTOMERS);
	/* Flights keep local times: without the time zone database every
	 * offset would silently be zero and the same seed give other data. */
	int32_t probe;
	if (!tz_offset("America/Denver", 0, &probe))
		return err_set(e, IRM_EUSAGE,
			       "no time zone database (install tzdata, or set TZDIR)");

	struct demo_load_run run = {
		.cache = c, .rules = rules, .now = now, .truth = truth, .e = e,
	};
	run.batch.done = demo_load_customer_done;
	run.batch.ctx = &run;
	const struct demo_opts o = {
		.seed = seed,
		.customers = customers,
		.now = now,
		.utc_offset = demo_load_zone_offset,
	};
	const struct demo_sink sink = {
		.ctx = &run, .customer = demo_load_on_customer, .trip = demo_load_on_trip,
	};

	enum irm_status s = cache_begin(c, e);
	if (s != IRM_OK)
		return s;
	int rc = demo_generate(&o, &sink);
	if (rc == 0)
		rc = demo_batch_flush(&run.batch);
	demo_batch_free(&run.batch);
	if (rc != 0 && run.status != IRM_OK)
		s = run.status;
	else if (rc < 0)
		s = err_set(e, IRM_ECACHE, "demo: the airport table lacks the airports the "
			    "generator needs");
	else if (rc != 0)
		s = err_set(e, IRM_ECACHE, "demo: the generator stopped");
	if (s == IRM_OK)
		s = cache_mark_updated(c, now, e);
	if (s == IRM_OK)
		s = cache_bulk_finish(c, e);
	if (s == IRM_OK)
		s = search_rebuild(c, e);
	if (s == IRM_OK)
		s = cache_commit(c, e);
	if (s != IRM_OK)
		cache_rollback(c);
	if (st)
		*st = run.st;
	return s;
}
