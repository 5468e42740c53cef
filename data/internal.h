/* internal.h — what the files of data/ share and nobody else sees:
 * the SQLite handle and the prepared-statement cache. */
#ifndef IRM_DATA_INTERNAL_H
#define IRM_DATA_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>

#include "cache.h"
#include "status.h"

sqlite3 *cache_db(struct cache *c);
bool cache_is_bulk(const struct cache *c);
/* Opened with CACHE_CENTRAL: no outbox rows. */
bool cache_is_central(const struct cache *c);

/* The prepared statement for `sql`, reset and unbound, ready to bind. Each
 * statement is prepared once per cache and reused: pass the same string
 * object every time (a `static const char[]`), it is the key. NULL on error,
 * with e set. */
sqlite3_stmt *cache_stmt(struct cache *c, const char *sql, struct irm_err *e);

/* e from SQLite's last error on c's connection, with what was being done. */
enum irm_status cache_sql_error(struct cache *c, struct irm_err *e, const char *doing);

/* Run SQL with no results and no parameters (schema, pragmas). */
enum irm_status cache_exec(struct cache *c, const char *sql, struct irm_err *e);

/* A read of several statements sees one snapshot and takes the file lock
 * once: cache_read_begin() starts a transaction unless one is open and
 * says whether it did; cache_read_end() ends it if so. */
bool cache_read_begin(struct cache *c);
void cache_read_end(struct cache *c, bool started);

/* Binding helpers: NULL strings bind as SQL NULL. */
int cache_bind_text(sqlite3_stmt *st, int i, const char *s);

/* The migrations, in order: schema_steps[i] brings user_version i to i+1. */
extern const char *const schema_steps[];
extern const int schema_n_steps;
/* The indexes a bulk load drops and builds again at the end. */
struct schema_index {
	const char *name, *sql;
};
extern const struct schema_index schema_indexes[];
extern const int schema_n_indexes;

/* The search module's per-cache state (its tokenizer), made on first use
 * and freed by cache_close(). */
struct search_state;
struct search_state **cache_search_state(struct cache *c);
void search_state_free(struct search_state **st);

/* Name tokens as the search index sees them: case folded, accents removed
 * (FTS5's unicode61 tokenizer). Calls `fn` for each token. */
enum irm_status search_tokenize(struct cache *c, const char *text,
				void (*fn)(void *ctx, const char *tok, int len), void *ctx,
				struct irm_err *e);
/* A customer's name out of the full-text index (a deletion). */
enum irm_status search_unindex_name(struct cache *c, long long rowid, const char *old_name,
				    struct irm_err *e);
/* Keep the name index (full-text and typo terms) in step with customers. */
enum irm_status search_index_name(struct cache *c, long long rowid, const char *old_name,
				  const char *new_name, struct irm_err *e);

#endif
