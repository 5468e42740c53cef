/* import.h — JSON lines into the cache, all or nothing.
 *
 * Every line is parsed and validated (core/record.c) and applied inside one
 * transaction; the first bad line rolls everything back and is reported as
 * "FILE:LINE: FIELD: what is wrong". With rules, the milestone engine then
 * runs for every customer the file touched, in the same transaction: the
 * records and the alerts they raise, move or withdraw commit together. */
#ifndef IRM_IMPORT_H
#define IRM_IMPORT_H

#include <stdio.h>

#include "cache.h"
#include "engine.h"
#include "record.h"
#include "records.h"
#include "rules.h"

struct import_stats {
	long lines;                 /* records read (blank lines not counted) */
	long added, updated, unchanged, stale;
};

/* path "-" reads standard input; rules NULL runs no engine. */
enum irm_status import_file(struct cache *c, const char *path, const struct rules *rules,
			    struct import_stats *st, struct irm_err *e);
/* `name` is what messages call the stream. */
enum irm_status import_stream(struct cache *c, FILE *f, const char *name,
			      const struct rules *rules, struct import_stats *st,
			      struct irm_err *e);

/* The same with a step of the caller's run last, inside the import's
 * transaction (irm-central publishes the load's rows to its feed there, so
 * the rows and their feed entries commit together); `touched`, the
 * customers the file touched. */
typedef enum irm_status (*import_hook)(void *ctx, struct cache *c,
				       const struct engine_set *touched, struct irm_err *e);
enum irm_status import_file_then(struct cache *c, const char *path, const struct rules *rules,
				 import_hook before_commit, void *ctx, struct import_stats *st,
				 struct irm_err *e);

/* One parsed record into the cache, inside the caller's transaction; the
 * customers whose alerts it may move are added to `touched` (for
 * engine_run_set). What a line of a file and an event posted to
 * irm-central both go through. */
enum irm_status import_put(struct cache *c, const struct record *r, const struct rules *rules,
			   enum put_outcome *o, struct engine_set *touched, struct irm_err *e);

#endif
