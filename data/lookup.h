/* lookup.h — short lists of names for the console's tab completion: open
 * alert ids and the people who act on alerts. */
#ifndef IRM_LOOKUP_H
#define IRM_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>

#include "cache.h"

struct lookup_list {
	char **v;                   /* each malloc'd, sorted */
	size_t n;
};

/* Ids of open alerts (projected, pending, acknowledged) that start with
 * `prefix`, of one customer (an id) when `customer` is not NULL; at most
 * `limit`. */
enum irm_status lookup_alert_ids(struct cache *c, const char *customer, const char *prefix,
				 size_t limit, struct lookup_list *out, struct irm_err *e);
/* The people who own or have acted on alerts or written notes, whose name
 * starts with `prefix` (the engine, "irm", is not one); at most `limit`. */
enum irm_status lookup_people(struct cache *c, const char *prefix, size_t limit,
			      struct lookup_list *out, struct irm_err *e);
void lookup_list_free(struct lookup_list *l);
/* The id of the customer an id or member number (any case) names into
 * buf; false when none. */
bool lookup_customer_id(struct cache *c, const char *key, char *buf, size_t size);
/* A customer's name by id into buf; false (buf "") when not in the cache. */
bool lookup_customer_name(struct cache *c, const char *id, char *buf, size_t size);

#endif
