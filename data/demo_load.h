/* demo_load.h — filling a cache with the demo (core/demo.c): the step
 * `irm demo` and irm-central share. */
#ifndef IRM_DEMO_LOAD_H
#define IRM_DEMO_LOAD_H

#include <stdint.h>
#include <stdio.h>

#include "cache.h"
#include "rules.h"
#include "status.h"

/* The most customers a demo may have: member numbers and phone numbers
 * stay unique up to here. */
enum { DEMO_LOAD_MAX_CUSTOMERS = 5000000 };

struct demo_load_stats {
	long customers, trips, segments;
};

/* Generate the demo for `seed` with `customers` customers (2 to
 * DEMO_LOAD_MAX_CUSTOMERS, the seed stories included) into an open cache, in one transaction (it must
 * not be inside one): the records, the milestone engine per customer
 * (`rules`, at `now`, which is also the demo's "today"), the time of the
 * load (cache_mark_updated) and the name index. Local times come from the
 * system's time zone database (data/tz.h); without it IRM_EUSAGE.
 *
 * The cache should be freshly made with CACHE_BULK: cache_bulk_finish is
 * called. On failure the transaction is rolled back, but a CACHE_BULK cache
 * has no journal: throw it away.
 *
 * `truth`, when not NULL, gets one JSON line per trip with its true intent,
 * {"trip_id":"…","customer_id":"…","true_intent":"…"}; its write errors are
 * the caller's to check (ferror, fclose). `st` (may be NULL) gets what was
 * written. */
enum irm_status demo_load(struct cache *c, const struct rules *rules, uint64_t seed,
			  long customers, int64_t now, FILE *truth,
			  struct demo_load_stats *st, struct irm_err *e);

#endif
