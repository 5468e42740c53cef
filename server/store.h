/* store.h — irm-central's store: the customers, trips and alerts (a cache
 * in CACHE_CENTRAL mode, written by the same data/ code as the console's),
 * and beside them in the same SQLite file the changes feed, the documents
 * it serves and the log of the consoles' actions.
 *
 * How a change reaches the feed: triggers on the cache's tables append
 * each row written to a queue, central_queue (the trips of legs whose status changed
 * are noted by the store itself, the customers credited with miles by the
 * writer); store_publish(), in the writer's transaction (or a round of the
 * publisher thread: store_round_read and store_round_write), turns each
 * touched row into its document (the JSON of the contract), compares it
 * with the one stored, and when it differs gives it a new version and a
 * new feed entry under every scope key it belongs to:
 *
 *   "*"       every row (scope all)
 *   "c:ID"    a customer's profile, trips, alerts, notes (customers:ID,…)
 *   "s:DEN"   trips with a leg leaving DEN inside the station window, their
 *             members, the alerts on those legs (station:DEN)
 *
 * A row that leaves a key gets an `evict` entry there; a row deleted, a
 * `delete` entry under each key. Each (key, row) has one entry, the
 * latest, so a feed never holds more entries than rows per key and old
 * changes are compacted away. The feed is kept in (key, seq) order, a
 * scope's page one range of it; each document keeps the number of its
 * entry under each key, so the entry a new one replaces is found without
 * an index of its own. The version of a document is the feed sequence
 * number it was published at: it only grows.
 *
 * A store handle is one SQLite connection: one per thread. */
#ifndef IRM_SERVER_STORE_H
#define IRM_SERVER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "engine.h"
#include "jsonw.h"
#include "rules.h"
#include "status.h"

struct store;

/* How long a row stays in a station's scope around its departure, and how
 * long tombstones (delete and evict entries) are kept. */
struct store_opts {
	int64_t station_past;       /* seconds before now: 24 h */
	int64_t station_ahead;      /* seconds after now: 72 h */
	int64_t tombstone_ttl;      /* seconds: 30 days */
	bool manual_checkpoint;     /* the owner calls store_checkpoint (a
				     * server's ticker), writers only past
				     * 64 MB of log; else SQLite's own */
	const struct rules *rules;  /* the milestone engine's, for customers
				     * left to evaluate; NULL: they wait */
	size_t round_max;           /* rows a round reads at most; 0: 5000 */
};

void store_opts_default(struct store_opts *o);

/* Open (CACHE_CREATE to make a new file; CACHE_BULK for a bulk load of a
 * new one) and bring the store's own tables up to date. */
enum irm_status store_open(const char *path, unsigned flags, const struct store_opts *o,
			   struct store **out, struct irm_err *e);
/* Keep the station window in the store (the server does at start), for
 * those who open it with no options (o NULL: load, demo) to key rows alike. */
enum irm_status store_keep_opts(struct store *s, struct irm_err *e);
void store_close(struct store **s);
struct cache *store_cache(struct store *s);
/* The store's epoch: made once when the store is created. */
const char *store_epoch(struct store *s);

/* The keys a publish wrote to, for waking the long-polls that wait on
 * them. */
struct store_keys {
	char **v;
	size_t n, cap;
	bool all;                   /* more than fit: wake everyone */
};
void store_keys_free(struct store_keys *k);
bool store_keys_match(const struct store_keys *k, const char *const *keys, size_t n);

/* Note customers to evaluate later, and then to publish, by the next
 * round (inside the caller's transaction), with the trips of the legs
 * whose status the transaction changed: their evaluation outlives a stop. */
enum irm_status store_evaluate_later(struct store *s, const struct engine_set *customers,
				     struct irm_err *e);
/* Note customers to publish (inside the caller's transaction): those a
 * write touched (import_put's `touched`), among them those it credited
 * with miles, which touches no customer by itself. */
enum irm_status store_touch_customers(struct store *s, const struct engine_set *customers,
				      struct irm_err *e);
/* A transaction that ran the milestone engine itself says so (inside it):
 * a round's verdicts decided before it are then decided again. */
enum irm_status store_note_evaluated(struct store *s, struct irm_err *e);
/* Publish every touched row (inside the caller's transaction); customers
 * left to evaluate wait for a round. `woken` may be NULL. A round whose
 * snapshot is older then writes none of its documents: the rows are
 * published. */
enum irm_status store_publish(struct store *s, int64_t now, struct store_keys *woken,
			      struct irm_err *e);
/* Delete the entries under "*" that newer ones replaced, all at once:
 * its own transaction. The feed skips them meanwhile. */
enum irm_status store_compact(struct store *s, struct irm_err *e);
/* Publishing in two parts, so that most of the work is done outside the
 * write lock (the server's publisher thread):
 *
 *   store_round_read   in a read transaction of its own: every touched
 *                      row's document and every customer left to evaluate
 *                      decided, from one snapshot;
 *   store_round_write  inside the caller's write transaction: the verdicts
 *                      whose customer nothing touched since (and only when
 *                      no writer ran the engine since: store_note_evaluated),
 *                      then the rows the snapshot saw, from their documents
 *                      where nothing touched them since, as store_publish
 *                      does; the entries it read go. A row or customer out
 *                      of date is set aside for the next round, or, when
 *                      the round before (`prev` of store_round_read) set it
 *                      aside already, built or decided again under the
 *                      lock. Rows first touched after the snapshot wait for
 *                      the next round.
 *
 * The queue's numbers are never given twice: what was touched after the
 * snapshot is what the entries after the last number it saw name. */
struct store_round;
enum irm_status store_round_read(struct store *s, int64_t now, const struct store_round *prev,
				 struct store_round **out, struct irm_err *e);
enum irm_status store_round_write(struct store *s, struct store_round *r, int64_t now,
				  struct store_keys *woken, struct irm_err *e);
/* The entries the round read, and the rows the round before set aside:
 * 0, nothing to do. */
size_t store_round_size(const struct store_round *r);
/* Touches waiting to be published or evaluated: entries in the queue, a
 * row as often as it was touched. */
enum irm_status store_backlog(struct store *s, int64_t *n, struct irm_err *e);
void store_round_free(struct store_round **r);
/* Rows whose legs entered or left a station's window since the last
 * sweep, replaced entries (as store_compact) and tombstones past their
 * time: its own transaction. */
enum irm_status store_sweep(struct store *s, int64_t now, struct store_keys *woken,
			    struct irm_err *e);

/* Several reads from one snapshot: begins a read transaction unless one
 * is open, and says whether it did; the end ends it if so. */
bool store_read_begin(struct store *s);
void store_read_end(struct store *s, bool started);

/* Copy the write-ahead log into the database as far as readers allow
 * (the server's ticker does, often: requests only when it falls far
 * behind). */
enum irm_status store_checkpoint(struct store *s, struct irm_err *e);
/* Whether commits of this process (with manual_checkpoint) left enough
 * of the log not yet copied for the ticker to copy it now; and that copy
 * alone, never waiting for anyone. */
bool store_log_long(void);
enum irm_status store_copy_log(struct store *s, struct irm_err *e);

/* The highest sequence number the feed ever gave (0 when none). */
enum irm_status store_last_seq(struct store *s, int64_t *seq, struct irm_err *e);

/* A cursor: the epoch it was given under and the sequence number it stands
 * at. Written "EPOCH-SEQ"; "" is the beginning. */
struct store_cursor {
	char epoch[40];
	int64_t seq;
};
bool store_cursor_parse(const char *text, struct store_cursor *out);
/* Why a cursor of the scope with these keys cannot be served: "epoch"
 * (another store), "ahead" (past the feed's end: the store went back) or
 * "expired" (a tombstone under one of the keys it has not seen is purged);
 * NULL when it can. */
enum irm_status store_cursor_check(struct store *s, const struct store_cursor *c,
				   const char *const *keys, size_t n_keys,
				   const char **refetch_reason, struct irm_err *e);

/* One page of changes after `after` for the scope's keys (one key, or a
 * customers list), written into w as the elements of the "changes" array.
 * `kiosk` serves the kiosk's view of customers (no email, phone or birth
 * date). Sets *next to the sequence number to continue from, *n to the
 * entries written, *more when there are more. */
enum irm_status store_changes(struct store *s, const char *const *keys, size_t n_keys,
			      int64_t after, size_t limit, bool kiosk, struct jsonw *w,
			      int64_t *next, size_t *n, bool *more, struct irm_err *e);

/* Whether a row is in a scope key now (kiosk reads of a customer). */
enum irm_status store_in_key(struct store *s, const char *kind, const char *id, const char *key,
			     bool *in, struct irm_err *e);

/* The actions log: the stored result of (console, seq), as JSON text
 * (malloc'd) or NULL when there is none; and recording one. */
enum irm_status store_action_get(struct store *s, const char *console_id, int64_t seq,
				 char **result, struct irm_err *e);
enum irm_status store_action_put(struct store *s, const char *console_id, int64_t seq,
				 const char *kind, const char *result, int64_t now,
				 struct irm_err *e);

/* The origin of a leg; IRM_ENOTFOUND when there is none. */
enum irm_status store_segment_origin(struct store *s, const char *segment_id, char origin[4],
				     struct irm_err *e);

/* Give the store a new epoch: every client's cursor then refetches. What
 * to do after restoring a backup, whose feed numbers would be given again
 * to different changes. */
enum irm_status store_new_epoch(struct store *s, struct irm_err *e);

/* A passenger greeted at the gate (a kiosk's passenger.greeted); the
 * segment must be known and carry the customer. *added false when this
 * greeting was recorded already. */
enum irm_status store_greet(struct store *s, const char *segment_id, const char *customer_id,
			    const char *who, int64_t now, bool *added, struct irm_err *e);

#endif
