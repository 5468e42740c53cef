/* context.h — a customer's full context, loaded in one call: the profile
 * and every trip with its passengers, segments and hotel stays. */
#ifndef IRM_CONTEXT_H
#define IRM_CONTEXT_H

#include "cache.h"
#include "mem.h"
#include "model.h"

struct customer_context {
	struct customer customer;
	struct trip *trips;         /* by first departure, oldest first */
	size_t n_trips;
	int open_alerts;            /* projected, pending or acknowledged */
	struct arena arena;         /* owns every string and array above */
};

/* By customer id or member number (case-insensitive). IRM_ENOTFOUND if
 * neither matches. */
enum irm_status context_load(struct cache *c, const char *key, struct customer_context *out,
			     struct irm_err *e);
/* The customer and its legs alone: each trip only a holder of its legs
 * (no id, passengers, seats or hotel stays), trips in no order, open_alerts
 * 0. What the milestone engine reads. */
enum irm_status context_load_legs(struct cache *c, const char *key,
				  struct customer_context *out, struct irm_err *e);
/* The profile alone (trips empty, open_alerts 0). */
enum irm_status context_load_profile(struct cache *c, const char *key,
				     struct customer_context *out, struct irm_err *e);
/* One trip by its id, as trips[0] (customer left empty). IRM_ENOTFOUND
 * if there is none. */
enum irm_status context_load_trip(struct cache *c, const char *trip_id,
				  struct customer_context *out, struct irm_err *e);
void context_free(struct customer_context *ctx);

#endif
