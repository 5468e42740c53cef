/* cache.h — the local SQLite cache: open, migrate, transactions.
 *
 * WAL mode, foreign keys on, a busy timeout; the schema is brought up to
 * date by `user_version` migrations applied in order (data/schema.c). A cache
 * written by a newer irm is refused. New files are created 0600. */
#ifndef IRM_CACHE_H
#define IRM_CACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "status.h"

struct cache;

enum {
	CACHE_CREATE = 1 << 0,   /* create the file if it does not exist */
	CACHE_BULK   = 1 << 1,   /* a fresh file being filled in one go: no
				  * journal, no fsync, until cache_close() */
	CACHE_CENTRAL = 1 << 2,  /* the store of a central server (irm-central):
				  * actions are applied, never queued in the
				  * outbox for upload */
};

/* How long a connection waits for another's write lock, in ms. */
enum { CACHE_BUSY_MS = 5000 };

enum irm_status cache_open(const char *path, unsigned flags, struct cache **out,
			   struct irm_err *e);
void cache_close(struct cache **c);
const char *cache_path(const struct cache *c);

/* The path to use when none is given: $IRM_DB, else
 * $XDG_DATA_HOME/irm/cache.db, else ~/.local/share/irm/cache.db. Creates the
 * directory (0700) when `create` is set. */
enum irm_status cache_default_path(char *buf, size_t size, bool create, struct irm_err *e);

/* A CACHE_BULK load is done: build the indexes it went without (inside
 * the load's transaction, before cache_commit). */
enum irm_status cache_bulk_finish(struct cache *c, struct irm_err *e);

/* The cache's data came in from outside now (an import, a demo): record
 * it, inside the caller's transaction. What "updated 3 h ago" reads. */
enum irm_status cache_mark_updated(struct cache *c, int64_t now, struct irm_err *e);
/* When that last happened (UTC seconds), or -1 for never. */
enum irm_status cache_updated(struct cache *c, int64_t *utc, struct irm_err *e);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
enum irm_status cache_begin(struct cache *c, struct irm_err *e);
enum irm_status cache_commit(struct cache *c, struct irm_err *e);
void cache_rollback(struct cache *c);

/* The SQLite connection under the cache, for a store that keeps tables of
 * its own beside the cache's in the same file (irm-central's changes feed
 * and actions log), so that its writes commit with the cache's. */
struct sqlite3 *cache_sqlite(struct cache *c);

/* `bytes` random bytes (at most 64) from the system, as 2 * bytes lower-case
 * hex digits and a NUL into out: console ids, epochs, tokens. */
enum irm_status cache_random_hex(char *out, size_t bytes, struct irm_err *e);

/* The schema version this binary writes. */
int cache_schema_version(void);

#endif
