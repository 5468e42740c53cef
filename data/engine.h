/* engine.h — running the milestone engine over the cache: load a
 * customer's context, ask core/milestone.c what holds, and bring the stored
 * alerts in line (data/alerts.c). Called in the transaction that changed
 * the customer's data, so the change and its alerts commit together. */
#ifndef IRM_ENGINE_H
#define IRM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "model.h"
#include "rules.h"

/* Customers whose data a batch touched, each once. */
struct engine_set {
	char **ids;                 /* in the order they came */
	size_t n, cap;
	size_t *slots, n_slots;     /* a hash index into ids */
};

void engine_set_add(struct engine_set *s, const char *customer_id);
void engine_set_free(struct engine_set *s);

/* Evaluate one customer whose trips are at hand (all the trips they are on)
 * and bring their stored alerts in line. With `fresh` (a bulk load into a
 * new cache) a customer for whom nothing holds is not looked up at all. */
enum irm_status engine_apply(struct cache *c, const struct rules *r, const struct customer *cu,
			     const struct trip *trips, size_t n_trips, int64_t now, bool fresh,
			     struct irm_err *e);

/* Evaluate one customer (unknown ids are skipped). */
enum irm_status engine_run_customer(struct cache *c, const struct rules *r,
				    const char *customer_id, int64_t now, struct irm_err *e);
/* Evaluate every customer in the set. */
enum irm_status engine_run_set(struct cache *c, const struct rules *r,
			       const struct engine_set *s, int64_t now, struct irm_err *e);

#endif
