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
#include "mem.h"
#include "milestone.h"
#include "model.h"
#include "rules.h"

/* Customers whose data a batch touched, each once. */
struct engine_set {
	char **ids;                 /* in the order they came */
	size_t n, cap;
	size_t *slots, n_slots;     /* a hash index into ids */
};

void engine_set_add(struct engine_set *s, const char *customer_id);
/* Where `id` is in ids[], or SIZE_MAX. */
size_t engine_set_find(const struct engine_set *s, const char *id);
void engine_set_free(struct engine_set *s);

/* What holds for one customer, decided but not yet written: the alerts
 * the engine holds, each pointing at its own copy of the leg it names
 * (the customer's other legs are not kept). */
struct engine_verdict {
	char *customer_id;          /* NULL: no such customer, nothing to write */
	struct milestone_alert *held;
	size_t n;
	struct segment *legs;       /* held[i].segment, when it names one */
	struct arena strings;       /* the legs' ids, carriers and flights */
};

/* Read the customer's legs and decide, writing nothing: to write later
 * with engine_write. */
enum irm_status engine_decide(struct cache *c, const struct rules *r, const char *customer_id,
			      int64_t now, struct engine_verdict *v, struct irm_err *e);
/* The same from the customer's legs at hand (context_load_legs). */
struct customer_context;
void engine_decide_from(const struct rules *r, const struct customer_context *x, int64_t now,
			struct engine_verdict *v);
/* Bring the customer's stored alerts in line with a verdict. */
enum irm_status engine_write(struct cache *c, const struct engine_verdict *v, int64_t now,
			     struct irm_err *e);
void engine_verdict_free(struct engine_verdict *v);

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
