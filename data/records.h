/* records.h — writing domain records into the cache.
 *
 * Upserts by id with versions: a record that carries a version is applied
 * only when it is newer than the stored one; a record without a version is
 * applied when its content differs from what is stored. So importing the
 * same file twice changes nothing. Call inside a transaction. */
#ifndef IRM_RECORDS_H
#define IRM_RECORDS_H

#include "cache.h"
#include "engine.h"
#include "model.h"
#include "record.h"
#include "rules.h"

enum put_outcome { PUT_ADDED, PUT_UPDATED, PUT_UNCHANGED, PUT_STALE };

enum irm_status records_put_customer(struct cache *c, const struct customer *cu,
				     enum put_outcome *out, struct irm_err *e);
/* `rules` (NULL: every carrier) says which flown legs earn miles. */
enum irm_status records_put_trip(struct cache *c, const struct trip *t, const struct rules *rules,
				 enum put_outcome *out, struct irm_err *e);
/* A status change of a known segment (unknown: IRM_EINPUT). A leg that
 * becomes flown adds its miles and one flight to each member on the trip;
 * a change older than the one applied (by `at`) is stale. A change made
 * (PUT_UPDATED) adds the trip's members to `touched` (when not NULL):
 * whose alerts it may move. */
enum irm_status records_put_segment_status(struct cache *c, const struct segment_status *s,
					   const struct rules *rules, enum put_outcome *out,
					   struct engine_set *touched, struct irm_err *e);

/* A deletion: a trip with its passengers, legs, seats and stays; a
 * customer with their alerts (and histories), notes and place in the name
 * index (trips that name them keep their ids). Deleting what is not there
 * is PUT_UNCHANGED; a deletion is PUT_UPDATED. */
enum irm_status records_delete(struct cache *c, const struct record_delete *d,
			       enum put_outcome *out, struct irm_err *e);
/* The members on a trip (by trip id) added to `set`: whose alerts a
 * change may move. */
enum irm_status records_trip_members(struct cache *c, const char *trip_id,
				     struct engine_set *set, struct irm_err *e);

#endif
