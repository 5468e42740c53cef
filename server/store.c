/* store.c — irm-central's store: the feed, its documents, the actions log.
 *
 * The flow of a write: the request's transaction changes the cache's
 * tables through data/ (records, alerts, notes); the triggers below append
 * each changed row to central_queue (a leg's status and a customer's
 * miles are noted by the store and the writer instead: on_update,
 * store_touch_customers); store_publish() then makes each
 * one's document and feed entries, still inside that transaction, so a
 * change and its place in the feed commit together or not at all. Events
 * sent with publish=later leave their rows (and their customers, to
 * evaluate) for the publisher thread instead: store_round_read builds
 * them from a snapshot, store_round_write writes them under the lock. */
#include "store.h"

#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts.h"
#include "context.h"
#include "engine.h"
#include "mem.h"
#include "record.h"

/* A log of this many pages is begun again by the ticker
 * (store_checkpoint): about 32 MB. The ticker copies the log once it is
 * WAL_TICKER_COPY pages long; a writer copies it itself only past
 * WAL_WRITER_COPY (64 MB), when the ticker has fallen far behind. */
enum { WAL_RESTART_FRAMES = 8192, WAL_TICKER_COPY = 4096, WAL_WRITER_COPY = 16384 };

/* The log's length after the latest commit in this process, and how far
 * the ticker last copied it, in pages. */
static atomic_int log_pages, log_copied;

struct store {
	struct cache *cache;
	sqlite3 *db;
	struct store_opts opts;
	char epoch[40];
	sqlite3_stmt **stmts;       /* by statement number, prepared on first use */
	int busy_ms;                /* how long a write waits for the lock */
	int64_t busy_since_us;      /* when the wait began */
	int64_t *legs;              /* segments whose status this transaction changed */
	size_t n_legs, cap_legs;
};

void store_opts_default(struct store_opts *o)
{
	o->station_past = 24 * 3600;
	o->station_ahead = 72 * 3600;
	o->tombstone_ttl = 30 * 86400;
	o->manual_checkpoint = false;
	o->rules = NULL;
	o->round_max = 0;
}

/* --- schema ---------------------------------------------------------------- */

/* A row touched: an entry appended to the queue, each touch its own, with
 * a number that is never given again (AUTOINCREMENT): a round tells what
 * was touched after its snapshot by the numbers after the last it saw.
 * One row of VALUES, not INSERT … SELECT: a SELECT that reads the table
 * it inserts into is copied to a temporary table first. NULL ids are
 * kept out by WHEN. */
#define TOUCH(kind, idexpr) \
	"INSERT INTO central_queue(kind, id) VALUES ('" kind "', " idexpr ");"
#define TOUCH_TRIGGER(name, when, table, kind, idexpr)                                      \
	"CREATE TRIGGER IF NOT EXISTS " name " AFTER " when " ON " table                       \
	" WHEN " idexpr " IS NOT NULL BEGIN " TOUCH(kind, idexpr) " END;"
#define TOUCH_TRIGGERS(table, kind, idcol)                                                  \
	TOUCH_TRIGGER("central_" table "_i", "INSERT", table, kind, "NEW." idcol)          \
	TOUCH_TRIGGER("central_" table "_u", "UPDATE", table, kind, "NEW." idcol)          \
	TOUCH_TRIGGER("central_" table "_d", "DELETE", table, kind, "OLD." idcol)

/* A row's document, with a row id of its own: documents are a kilobyte or
 * so, too large for a table keyed by (kind, id) itself, whose inner pages
 * would hold whole rows. Row ids are never used twice, so an entry left
 * behind can never name another row. data NULL: deleted. kiosk: the
 * kiosk's view when it differs. keys: the row's entry under each key it
 * has one under, " KEY=SEQ " (SEQ negative for a tombstone), so the feed
 * needs no index of its own to find them. changed_utc: when data last
 * changed. */
#define DOCS_COLUMNS                                                                     \
	"rid INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL,"   \
	" version INTEGER NOT NULL, data TEXT, kiosk TEXT, keys TEXT NOT NULL DEFAULT ' ',"\
	" changed_utc INTEGER NOT NULL DEFAULT 0"
/* An entry: under a scope key, a number, and the document (its row id). */
#define FEED_COLUMNS                                                                     \
	"key TEXT NOT NULL, seq INTEGER NOT NULL, doc INTEGER NOT NULL, op TEXT NOT NULL,"\
	" at_utc INTEGER NOT NULL, PRIMARY KEY(key, seq)"

/* A document by its row; the deleted ones by age; the feed's tombstones. */
#define DOCS_FEED_INDEXES                                                                \
	"CREATE UNIQUE INDEX IF NOT EXISTS central_docs_row ON central_docs(kind, id);"  \
	"CREATE INDEX IF NOT EXISTS central_docs_gone ON central_docs(changed_utc)"      \
	" WHERE data IS NULL;"                                                           \
	"CREATE INDEX IF NOT EXISTS central_feed_tomb ON central_feed(at_utc) WHERE op != 'upsert';"

/* Rows to publish, and customers to evaluate (kind "engine"), in the
 * order they were touched, a row as often as it was. */
#define QUEUE_COLUMNS "seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL"

/* A customer's columns but its four counts of flown legs. The miles a leg
 * flown credits are no touch of the customer's: the writer says who it
 * credited (store_touch_customers, or store_evaluate_later, whose
 * evaluation publishes the customer too), so that crediting is a write of
 * one row, not a trigger's statement besides. A column added to customers
 * belongs here. */
#define CUSTOMER_PROFILE                                                                 \
	"id, member, member_key, member_num, name, email, email_key, phone, phone_rev,"  \
	" birth_date, member_since, home_airport, tier, recognition, version, digest"

#define TRIGGERS                                                                         \
	TOUCH_TRIGGER("central_customers_i", "INSERT", "customers", "customer", "NEW.id")  \
	TOUCH_TRIGGER("central_customers_u", "UPDATE OF " CUSTOMER_PROFILE, "customers",   \
		      "customer", "NEW.id")                                              \
	TOUCH_TRIGGER("central_customers_d", "DELETE", "customers", "customer", "OLD.id")  \
	TOUCH_TRIGGERS("trips", "trip", "id")                                            \
	TOUCH_TRIGGERS("alerts", "alert", "id")                                          \
	TOUCH_TRIGGERS("notes", "note", "id")                                            \
	TOUCH_TRIGGER("central_greetings_i", "INSERT", "central_greetings", "greeting",   \
		      "'G-' || NEW.rid")

static const char SCHEMA[] =
	"CREATE TABLE IF NOT EXISTS central_meta("
	"  key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS central_queue(" QUEUE_COLUMNS ");"
	"CREATE TABLE IF NOT EXISTS central_docs(" DOCS_COLUMNS ");"
	/* Kept in the order it is read: a scope's page is one range. */
	"CREATE TABLE IF NOT EXISTS central_feed(" FEED_COLUMNS ") WITHOUT ROWID;"
	/* Entries under "*" replaced by newer ones, to be deleted together
	 * (store_compact); until then the feed skips them. */
	"CREATE TABLE IF NOT EXISTS central_stale(rid INTEGER PRIMARY KEY, seq INTEGER NOT NULL);"
	DOCS_FEED_INDEXES
	/* per scope key, the newest tombstone purged: an older cursor missed it */
	"CREATE TABLE IF NOT EXISTS central_purged("
	"  key TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS central_actions("
	"  console_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,"
	"  result TEXT NOT NULL, at_utc INTEGER NOT NULL,"
	"  PRIMARY KEY(console_id, seq)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS central_greetings("
	"  rid INTEGER PRIMARY KEY, segment_id TEXT NOT NULL, customer_id TEXT NOT NULL,"
	"  who TEXT NOT NULL, at_utc INTEGER NOT NULL, UNIQUE(segment_id, customer_id));"
	"CREATE INDEX IF NOT EXISTS central_segments_dep ON segments(dep_utc);"
	TRIGGERS;

/* A store made before the documents kept their keys: the feed had a
 * row id and an index by (kind, id, key), and its last number was
 * SQLite's. */
static const char MIGRATE_1[] =
	"ALTER TABLE central_docs ADD COLUMN keys TEXT NOT NULL DEFAULT ' ';"
	"ALTER TABLE central_docs ADD COLUMN changed_utc INTEGER NOT NULL DEFAULT 0;"
	"UPDATE central_docs SET keys = coalesce(' ' || (SELECT group_concat(f.key || '=' ||"
	" CASE WHEN f.op = 'upsert' THEN f.seq ELSE -f.seq END, ' ') FROM central_feed f"
	" WHERE f.kind = central_docs.kind AND f.id = central_docs.id) || ' ', ' '),"
	" changed_utc = coalesce((SELECT max(f.at_utc) FROM central_feed f"
	" WHERE f.kind = central_docs.kind AND f.id = central_docs.id), 0);"
	"INSERT OR REPLACE INTO central_meta(key, value) SELECT 'feed_seq',"
	" coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'central_feed'), 0);"
	"DROP INDEX IF EXISTS central_feed_row; DROP INDEX IF EXISTS central_feed_key;"
	"DROP INDEX IF EXISTS central_feed_tomb;"
	"ALTER TABLE central_feed RENAME TO central_feed_1;"
	"CREATE TABLE central_feed("
	"  key TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,"
	"  op TEXT NOT NULL, at_utc INTEGER NOT NULL, PRIMARY KEY(key, seq)) WITHOUT ROWID;"
	"INSERT INTO central_feed SELECT key, seq, kind, id, op, at_utc FROM central_feed_1"
	" ORDER BY key, seq;"
	"DROP TABLE central_feed_1;";

/* A store made before documents had row ids of their own: central_docs
 * was keyed by (kind, id) alone and the feed named its rows so. */
static const char MIGRATE_2[] =
	"CREATE TABLE central_docs_2(" DOCS_COLUMNS ");"
	"INSERT INTO central_docs_2(kind, id, version, data, kiosk, keys, changed_utc)"
	" SELECT kind, id, version, data, kiosk, keys, changed_utc FROM central_docs;"
	"ALTER TABLE central_feed RENAME TO central_feed_1;"
	"CREATE TABLE central_feed(" FEED_COLUMNS ") WITHOUT ROWID;"
	"INSERT INTO central_feed SELECT f.key, f.seq, d.rid, f.op, f.at_utc"
	" FROM central_feed_1 f JOIN central_docs_2 d ON d.kind = f.kind AND d.id = f.id"
	" ORDER BY f.key, f.seq;"
	"DROP TABLE central_feed_1; DROP TABLE central_docs;"
	"ALTER TABLE central_docs_2 RENAME TO central_docs;"
	DOCS_FEED_INDEXES;

/* Documents with row ids SQLite might give again (a layout of 2). Ids
 * go on after the highest a document or an entry left behind has. */
static const char MIGRATE_3[] =
	"CREATE TABLE central_docs_3(" DOCS_COLUMNS ");"
	"INSERT INTO central_docs_3 SELECT rid, kind, id, version, data, kiosk, keys, changed_utc"
	" FROM central_docs;"
	"DELETE FROM sqlite_sequence WHERE name = 'central_docs_3';"
	"INSERT INTO sqlite_sequence(name, seq) SELECT 'central_docs_3',"
	" max((SELECT coalesce(max(rid), 0) FROM central_docs_3),"
	" (SELECT coalesce(max(doc), 0) FROM central_feed));"
	"DROP TABLE central_docs;"
	"ALTER TABLE central_docs_3 RENAME TO central_docs;"
	DOCS_FEED_INDEXES;

#define DROP_TRIGGERS                                                                     \
	"DROP TRIGGER IF EXISTS central_customers_i; DROP TRIGGER IF EXISTS central_customers_u;"\
	"DROP TRIGGER IF EXISTS central_customers_d; DROP TRIGGER IF EXISTS central_trips_i;"    \
	"DROP TRIGGER IF EXISTS central_trips_u; DROP TRIGGER IF EXISTS central_trips_d;"        \
	"DROP TRIGGER IF EXISTS central_alerts_i; DROP TRIGGER IF EXISTS central_alerts_u;"      \
	"DROP TRIGGER IF EXISTS central_alerts_d; DROP TRIGGER IF EXISTS central_notes_i;"       \
	"DROP TRIGGER IF EXISTS central_notes_u; DROP TRIGGER IF EXISTS central_notes_d;"        \
	"DROP TRIGGER IF EXISTS central_segments_u; DROP TRIGGER IF EXISTS central_greetings_i;"

/* Touched rows kept each once by (kind, id), in central_touched, by
 * triggers of this or an older kind: the rows go into the queue, in the
 * order they were first touched when that was kept, and the triggers are
 * today's. */
#define MIGRATE_QUEUE(order)                                                             \
	DROP_TRIGGERS                                                                    \
	"CREATE TABLE IF NOT EXISTS central_queue(" QUEUE_COLUMNS ");"                   \
	"INSERT INTO central_queue(kind, id) SELECT kind, id FROM central_touched" order ";"\
	"DROP TABLE central_touched;"                                                    \
	TRIGGERS
static const char MIGRATE_QUEUE_KEYED[] = MIGRATE_QUEUE("");
static const char MIGRATE_QUEUE_FIRST[] = MIGRATE_QUEUE(" ORDER BY first, gen");

/* How the touched rows are kept: 0, in the queue (or no store yet); 1, by
 * (kind, id) alone; 2, by (kind, id) with the order of their first touch
 * (MIGRATE_QUEUE). -1: it could not be read. */
static int touched_old(sqlite3 *db)
{
	sqlite3_stmt *q;
	int v = -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) + (SELECT count(*) FROM"
			       " pragma_table_info('central_touched') WHERE name = 'first')"
			       " FROM sqlite_master WHERE type = 'table' AND name = 'central_touched'",
			       -1, &q, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return v;
}

/* The layout of the store's documents and feed: 0, documents without
 * their keys; 1, without row ids of their own; 2, row ids that may come
 * again; 3, today's, or no store yet. -1: it could not be read. */
enum { LAYOUT_NOW = 3 };
static int layout(sqlite3 *db)
{
	sqlite3_stmt *q;
	int v = -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*), sum(name = 'keys'), sum(name = 'rid'),"
			       " (SELECT sql LIKE '%rid INTEGER PRIMARY KEY AUTOINCREMENT%'"
			       "  FROM sqlite_master WHERE type = 'table' AND name = 'central_docs')"
			       " FROM pragma_table_info('central_docs')", -1, &q, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW) {
		if (sqlite3_column_int(q, 0) == 0)
			v = LAYOUT_NOW;
		else if (sqlite3_column_int(q, 2))
			v = sqlite3_column_int(q, 3) ? 3 : 2;
		else
			v = sqlite3_column_int(q, 1) ? 1 : 0;
	}
	sqlite3_finalize(q);
	return v;
}

/* An older store is rewritten in place, in one transaction, step by step;
 * its layout is read again once the write lock is held, in case another
 * process rewrote it meanwhile. */
static enum irm_status migrate(sqlite3 *db, const char *path, struct irm_err *e)
{
	int v = layout(db), t = touched_old(db);
	if (v == LAYOUT_NOW && t == 0)
		return IRM_OK;
	char *msg = NULL;
	bool ok = v >= 0 && t >= 0 && sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) == SQLITE_OK &&
		  (v = layout(db)) >= 0 && (t = touched_old(db)) >= 0;
	if (ok && t)
		ok = sqlite3_exec(db, t == 2 ? MIGRATE_QUEUE_FIRST : MIGRATE_QUEUE_KEYED, NULL, NULL,
				  &msg) == SQLITE_OK;
	/* 0 -> 1 -> 3: MIGRATE_2 writes today's documents at once */
	if (ok && v == 0)
		ok = sqlite3_exec(db, MIGRATE_1, NULL, NULL, &msg) == SQLITE_OK;
	if (ok && v <= 1)
		ok = sqlite3_exec(db, MIGRATE_2, NULL, NULL, &msg) == SQLITE_OK;
	else if (ok && v == 2)
		ok = sqlite3_exec(db, MIGRATE_3, NULL, NULL, &msg) == SQLITE_OK;
	if (ok && sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) == SQLITE_OK)
		return IRM_OK;
	enum irm_status st = err_set(e, IRM_ECACHE, "%s: bringing the feed up to date: %s%s", path,
				     !msg && (v < 0 || t < 0) ? "cannot read its layout: " : "",
				     msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return st;
}

/* Touch, as kind, what `col` names for each leg (s) departing in either
 * range (?1, ?2] or [?3, ?4), joined to it by `join`; idexpr makes the id
 * of x.v. */
#define SWEEP_TOUCH(kind, idexpr, col, join)                                             \
	"INSERT INTO central_queue(kind, id) SELECT '" kind "', " idexpr " FROM ("          \
	" SELECT " col " AS v FROM segments s " join " WHERE s.dep_utc > ?1 AND s.dep_utc <= ?2" \
	" UNION SELECT " col " FROM segments s " join " WHERE s.dep_utc >= ?3 AND s.dep_utc < ?4) x"

/* Every statement, by number: prepared once per connection. */
enum {
	Q_META_GET, Q_META_PUT, Q_TOUCHED, Q_TOUCHED_CLEAR, Q_LEFT_PUT, Q_CUSTOMER_TOUCH,
	Q_TRIP_TOUCH, Q_LEG_TRIP,
	Q_TOUCH, Q_ROUND_LIST, Q_QUEUE_TOP, Q_BACKLOG, Q_QUEUE_RANGE, Q_QUEUE_CUT, Q_QUEUE_OWN_CUT,
	Q_QUEUE_DEL, Q_DOC_GET, Q_DOC_NEW, Q_DOC_PUT, Q_DOC_KEYS,
	Q_ENTRY_PUT, Q_ENTRY_DEL, Q_STALE_PUT, Q_STALE_DEL, Q_STALE_CLEAR,
	Q_STALE_ANY, Q_CUSTOMER_STATIONS, Q_TRIP_ALERTS, Q_SEGMENT_DEP, Q_NOTE, Q_GREETING,
	Q_LAST_SEQ, Q_PAGE_ONE, Q_PAGE_MANY, Q_IN_KEY, Q_ACTION_GET,
	Q_ACTION_PUT, Q_SWEEP_TRIPS, Q_SWEEP_ALERTS, Q_SWEEP_GREETINGS, Q_TOMB_MAX, Q_TOMB_PURGE,
	Q_DOCS_PURGE, Q_FIRST_KEYED, Q_GREET_SEGMENT,
	Q_GREET_PUT, Q_CUSTOMER_ALERTS, Q_SEGMENT_ALERTS, Q_SEGMENT_GREETINGS, Q_TRIP_GREETINGS, Q_SEGMENT_ORIGIN, Q_PURGED_NOTE, Q_PURGED_MAX, Q_COUNT
};

/* The page of a scope: its entries after a sequence number, with the
 * document each stands for. An entry under "*" that is not its
 * document's version was replaced and waits to be deleted. */
#define PAGE_SELECT                                                                     \
	"SELECT f.seq, d.kind, d.id, f.op, d.version, CASE WHEN f.op = 'upsert' THEN"   \
	" CASE WHEN ?4 THEN coalesce(d.kiosk, d.data) ELSE d.data END END, d.keys"      \
	" FROM central_feed f JOIN central_docs d ON d.rid = f.doc"
#define PAGE_LIVE "(f.key != '*' OR f.seq = d.version)"

static const char *const SQL[Q_COUNT] = {
	[Q_META_GET] = "SELECT value FROM central_meta WHERE key = ?1",
	[Q_META_PUT] = "INSERT OR REPLACE INTO central_meta(key, value) VALUES (?1, ?2)",
	[Q_TOUCHED] = "SELECT kind, id FROM central_queue WHERE kind != 'engine'",
	[Q_TOUCHED_CLEAR] = "DELETE FROM central_queue WHERE kind != 'engine'",
	/* the triggers' touch, by a bound id */
	[Q_LEFT_PUT] = TOUCH("engine", "?1"),
	[Q_CUSTOMER_TOUCH] = TOUCH("customer", "?1"),
	[Q_TRIP_TOUCH] = TOUCH("trip", "?1"),
	[Q_TOUCH] = "INSERT INTO central_queue(kind, id) VALUES (?1, ?2)",
	[Q_LEG_TRIP] = "SELECT t.id FROM segments s JOIN trips t ON t.rid = s.trip WHERE s.rid = ?1",
	[Q_ROUND_LIST] = "SELECT seq, kind, id FROM central_queue ORDER BY seq",
	/* the last number given, even when its entry is gone */
	[Q_QUEUE_TOP] = "SELECT coalesce((SELECT seq FROM sqlite_sequence"
			" WHERE name = 'central_queue'), 0)",
	[Q_BACKLOG] = "SELECT count(*) FROM central_queue",
	[Q_QUEUE_RANGE] = "SELECT seq, kind, id FROM central_queue WHERE seq > ?1 AND seq <= ?2"
			  " ORDER BY seq",
	[Q_QUEUE_CUT] = "DELETE FROM central_queue WHERE seq <= ?1",
	[Q_QUEUE_OWN_CUT] = "DELETE FROM central_queue WHERE seq > ?1 AND kind != 'engine'",
	[Q_QUEUE_DEL] = "DELETE FROM central_queue WHERE seq = ?1",
	[Q_DOC_GET] = "SELECT rid, data, kiosk, keys FROM central_docs WHERE kind = ?1 AND id = ?2",
	[Q_DOC_NEW] = "INSERT INTO central_docs(kind, id, version) VALUES (?1, ?2, 0)",
	[Q_DOC_PUT] = "UPDATE central_docs SET version = ?2, data = ?3, kiosk = ?4, keys = ?5,"
		      " changed_utc = ?6 WHERE rid = ?1",
	[Q_DOC_KEYS] = "UPDATE central_docs SET keys = ?2 WHERE rid = ?1",
	[Q_ENTRY_PUT] = "INSERT INTO central_feed(key, seq, doc, op, at_utc)"
			" VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_ENTRY_DEL] = "DELETE FROM central_feed WHERE key = ?1 AND seq = ?2",
	[Q_STALE_PUT] = "INSERT INTO central_stale(seq) VALUES (?1)",
	[Q_STALE_DEL] = "DELETE FROM central_feed WHERE key = '*'"
			" AND seq IN (SELECT seq FROM central_stale)",
	[Q_STALE_CLEAR] = "DELETE FROM central_stale",
	[Q_STALE_ANY] = "SELECT EXISTS (SELECT 1 FROM central_stale)",
	[Q_CUSTOMER_STATIONS] =
		"SELECT DISTINCT s.origin FROM passengers p JOIN segments s ON s.trip = p.trip"
		" WHERE p.customer_id = ?1 AND s.dep_utc BETWEEN ?2 AND ?3",
	[Q_TRIP_ALERTS] =
		"SELECT a.id FROM segments s JOIN alerts a ON a.segment_id = s.id"
		" WHERE s.trip = (SELECT rid FROM trips WHERE id = ?1)",
	[Q_SEGMENT_DEP] = "SELECT origin, dep_utc FROM segments WHERE id = ?1",
	[Q_TRIP_GREETINGS] =
		"SELECT 'G-' || g.rid FROM segments s JOIN central_greetings g ON g.segment_id = s.id"
		" WHERE s.trip = (SELECT rid FROM trips WHERE id = ?1)",
	[Q_SEGMENT_ALERTS] = "SELECT id FROM alerts WHERE segment_id = ?1",
	[Q_CUSTOMER_ALERTS] = "SELECT id FROM alerts WHERE customer_id = ?1",
	[Q_SEGMENT_GREETINGS] = "SELECT 'G-' || rid FROM central_greetings WHERE segment_id = ?1",
	[Q_SEGMENT_ORIGIN] = "SELECT origin FROM segments WHERE id = ?1",
	[Q_NOTE] = "SELECT customer_id, author, body, at_utc FROM notes WHERE id = ?1",
	[Q_GREETING] = "SELECT segment_id, customer_id, who, at_utc FROM central_greetings"
		       " WHERE rid = CAST(substr(?1, 3) AS INTEGER) AND 'G-' || rid = ?1",
	/* the highest number ever given, even when its entry was purged since */
	[Q_LAST_SEQ] = "SELECT coalesce((SELECT value FROM central_meta WHERE key = 'feed_seq'), 0)",
	[Q_PAGE_ONE] = PAGE_SELECT " WHERE f.key = ?1 AND f.seq > ?2 AND " PAGE_LIVE
		       " ORDER BY f.seq LIMIT ?3",
	[Q_PAGE_MANY] = PAGE_SELECT " WHERE f.key IN (SELECT value FROM json_each(?1))"
			" AND f.seq > ?2 AND " PAGE_LIVE " ORDER BY f.seq LIMIT ?3",
	[Q_IN_KEY] = "SELECT keys FROM central_docs WHERE kind = ?1 AND id = ?2",
	[Q_ACTION_GET] = "SELECT result FROM central_actions WHERE console_id = ?1 AND seq = ?2",
	[Q_ACTION_PUT] = "INSERT INTO central_actions(console_id, seq, kind, result, at_utc)"
			 " VALUES (?1, ?2, ?3, ?4, ?5)",
	/* Legs that entered the window (now + ahead moved past them) or left it
	 * (now - past moved past them) since the last sweep: their trips, and
	 * the alerts and greetings on them, whose keys go by their own leg. */
	[Q_SWEEP_TRIPS] = SWEEP_TOUCH("trip", "x.v", "t.id", "JOIN trips t ON t.rid = s.trip"),
	[Q_SWEEP_ALERTS] = SWEEP_TOUCH("alert", "x.v", "a.id",
				       "JOIN alerts a ON a.segment_id = s.id"),
	[Q_SWEEP_GREETINGS] = SWEEP_TOUCH("greeting", "'G-' || x.v", "g.rid",
					  "JOIN central_greetings g ON g.segment_id = s.id"),
	[Q_TOMB_MAX] = "SELECT max(seq) FROM central_feed WHERE op != 'upsert' AND at_utc < ?1",
	[Q_PURGED_NOTE] =
		"INSERT INTO central_purged(key, seq) SELECT key, max(seq) FROM central_feed"
		" WHERE op != 'upsert' AND at_utc < ?1 GROUP BY key"
		" ON CONFLICT(key) DO UPDATE SET seq = max(seq, excluded.seq)",
	[Q_PURGED_MAX] = "SELECT coalesce(max(seq), 0) FROM central_purged"
			 " WHERE key IN (SELECT value FROM json_each(?1))",
	[Q_TOMB_PURGE] = "DELETE FROM central_feed WHERE op != 'upsert' AND at_utc < ?1",
	/* deleted before the cutoff: its delete entries are purged with it */
	[Q_DOCS_PURGE] = "DELETE FROM central_docs WHERE data IS NULL AND changed_utc < ?1",
	/* no document was keyed before its data last changed */
	[Q_FIRST_KEYED] = "SELECT coalesce((SELECT min(changed_utc) FROM central_docs"
			  " WHERE changed_utc > 0), ?1)",
	[Q_GREET_SEGMENT] =
		"SELECT 1 FROM segments s JOIN passengers p ON p.trip = s.trip"
		" WHERE s.id = ?1 AND p.customer_id = ?2",
	[Q_GREET_PUT] = "INSERT OR IGNORE INTO central_greetings(segment_id, customer_id, who, at_utc)"
			" VALUES (?1, ?2, ?3, ?4)",
};

static enum irm_status sql_error(struct store *s, struct irm_err *e, const char *doing)
{
	return err_set(e, IRM_ECACHE, "store: %s: %s", doing, sqlite3_errmsg(s->db));
}

static sqlite3_stmt *stmt(struct store *s, int q, struct irm_err *e)
{
	sqlite3_stmt *st = s->stmts[q];
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(s->db, SQL[q], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		sql_error(s, e, "preparing a statement");
		return NULL;
	}
	return s->stmts[q] = st;
}

static void bind_str(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static enum irm_status step_done(struct store *s, sqlite3_stmt *st, const char *doing,
				 struct irm_err *e)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IRM_OK : sql_error(s, e, doing);
}

/* The one number a statement with no parameters answers. */
static enum irm_status one_int(struct store *s, int which, int64_t *v, const char *doing,
			       struct irm_err *e)
{
	sqlite3_stmt *q = stmt(s, which, e);
	if (!q)
		return IRM_ECACHE;
	int rc = sqlite3_step(q);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? IRM_OK : sql_error(s, e, doing);
}

static enum irm_status meta_get(struct store *s, const char *key, char *buf, size_t size,
				bool *found, struct irm_err *e)
{
	sqlite3_stmt *st = stmt(s, Q_META_GET, e);
	if (!st)
		return IRM_ECACHE;
	bind_str(st, 1, key);
	int rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found)
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? IRM_OK : sql_error(s, e, "reading the store's meta");
}

static enum irm_status meta_put(struct store *s, const char *key, const char *value,
				struct irm_err *e)
{
	sqlite3_stmt *st = stmt(s, Q_META_PUT, e);
	if (!st)
		return IRM_ECACHE;
	bind_str(st, 1, key);
	bind_str(st, 2, value);
	return step_done(s, st, "writing the store's meta", e);
}

static int64_t meta_int(struct store *s, const char *key, int64_t dflt, struct irm_err *e)
{
	char buf[32];
	bool found = false;
	if (meta_get(s, key, buf, sizeof buf, &found, e) != IRM_OK || !found)
		return dflt;
	return strtoll(buf, NULL, 10);
}

/* A number kept in central_meta (0 when there is none), errors said. */
static enum irm_status meta_get_int(struct store *s, const char *key, int64_t *v,
				    struct irm_err *e)
{
	char buf[32];
	bool found = false;
	enum irm_status st = meta_get(s, key, buf, sizeof buf, &found, e);
	*v = st == IRM_OK && found ? strtoll(buf, NULL, 10) : 0;
	return st;
}

static enum irm_status meta_put_int(struct store *s, const char *key, int64_t v, struct irm_err *e)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	return meta_put(s, key, buf, e);
}

/* --- the write lock, passed between this process's writers ------------------ */

/* SQLite's own wait for the write lock sleeps 1, 2, 5, 10 … 100 ms
 * between tries: a writer sleeps on after the lock is free, and another
 * thread of this process, back sooner, takes it again first. Behind
 * back-to-back ingests the publisher waited more than a second so. Here a
 * writer waits instead to be told that a writer of this process let go of
 * the lock (each commit's hook, run once it is free), a millisecond at
 * most, so that a rollback, or a writer in another process (irm-central
 * load), costs no more than that. */
static pthread_mutex_t lock_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lock_freed;
static pthread_once_t lock_freed_once = PTHREAD_ONCE_INIT;

/* Timed by the monotonic clock: a step of the wall clock must not park a
 * writer. */
static void lock_freed_init(void)
{
	pthread_condattr_t a;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&lock_freed, &a);
	pthread_condattr_destroy(&a);
}

static int64_t mono_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int on_busy(void *cls, int tries)
{
	struct store *s = cls;
	int64_t now = mono_us();
	if (tries == 0)
		s->busy_since_us = now;
	if (now - s->busy_since_us >= (int64_t)s->busy_ms * 1000)
		return 0;  /* SQLITE_BUSY */
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&lock_mu);
	pthread_cond_timedwait(&lock_freed, &lock_mu, &until);
	pthread_mutex_unlock(&lock_mu);
	return 1;
}

/* How long a write may wait for the lock from now on. */
static void busy_wait_for(struct store *s, int ms)
{
	pthread_once(&lock_freed_once, lock_freed_init);
	s->busy_ms = ms;
	sqlite3_busy_handler(s->db, on_busy, s);
}

/* After each commit, the lock free: who waits for it is told; the log
 * copied as SQLite's own hook would (every 1000 pages), or with
 * manual_checkpoint by the ticker, and here only past WAL_WRITER_COPY. */
static int on_commit(void *cls, sqlite3 *db, const char *name, int pages)
{
	const struct store *s = cls;
	pthread_mutex_lock(&lock_mu);
	pthread_cond_broadcast(&lock_freed);
	pthread_mutex_unlock(&lock_mu);
	if (!s->opts.manual_checkpoint) {
		if (pages >= 1000)
			sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	atomic_store(&log_pages, pages);
	if (pages >= WAL_WRITER_COPY)
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return SQLITE_OK;
}

/* --- legs whose status changed ------------------------------------------------- */

/* A leg's status is in its trip's document, and segments are updated for
 * nothing else (a trip sent again replaces its legs, and touches the trip
 * by its own trigger). A trigger on segments cost more than the rest of
 * a leg's event (it made SQLite keep a statement journal besides): the
 * legs are noted here instead, as SQLite updates them, and their trips
 * touched by whoever publishes or leaves the rest for later
 * (touch_legs_trips). */
static void on_update(void *cls, int op, const char *db, const char *table, sqlite3_int64 rid)
{
	struct store *s = cls;
	(void)db;
	if (op != SQLITE_UPDATE || strcmp(table, "segments") != 0)
		return;
	if (s->n_legs == s->cap_legs) {
		s->cap_legs = s->cap_legs ? s->cap_legs * 2 : 256;
		s->legs = xrealloc(s->legs, s->cap_legs * sizeof *s->legs);
	}
	s->legs[s->n_legs++] = rid;
}

static void on_rollback(void *cls)
{
	struct store *s = cls;
	s->n_legs = 0;
}

bool store_log_long(void)
{
	const int pages = atomic_load(&log_pages), copied = atomic_load(&log_copied);
	/* a log shorter than the part copied: begun again since */
	return pages - (pages < copied ? 0 : copied) >= WAL_TICKER_COPY;
}

/* The log copied as far as readers allow, never waiting; its length in
 * pages in *log. */
static int copy_log(struct store *s, int *log)
{
	int done = 0;
	int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, log, &done);
	if (rc == SQLITE_OK)
		atomic_store(&log_copied, done);
	return rc;
}

enum irm_status store_copy_log(struct store *s, struct irm_err *e)
{
	int log = 0, rc = copy_log(s, &log);
	return rc == SQLITE_OK || rc == SQLITE_BUSY ? IRM_OK : sql_error(s, e, "checkpointing");
}

enum irm_status store_open(const char *path, unsigned flags, const struct store_opts *o,
			   struct store **out, struct irm_err *e)
{
	struct store *s = xcalloc(1, sizeof *s);
	enum irm_status st;
	char *msg = NULL;

	*out = NULL;
	if (o)
		s->opts = *o;
	else
		store_opts_default(&s->opts);
	s->stmts = xcalloc(Q_COUNT, sizeof *s->stmts);
	if ((st = cache_open(path, flags | CACHE_CENTRAL, &s->cache, e)) != IRM_OK) {
		free(s->stmts);
		free(s);
		return st;
	}
	s->db = cache_sqlite(s->cache);
	/* A server's store is large and read by several threads: map it rather
	 * than copy pages through read(); keep the log's file to 64 MB when it
	 * is begun again. */
	if (!(flags & CACHE_BULK))
		sqlite3_exec(s->db, "PRAGMA mmap_size = 4294967296; PRAGMA cache_size = -65536;"
			     "PRAGMA journal_size_limit = 67108864", NULL, NULL, NULL);
	/* The ticker copies the log; a writer does only when the ticker has
	 * fallen far behind (writes faster than the disk takes them), so the
	 * log stays bounded and the writer slows down instead. */
	sqlite3_wal_hook(s->db, on_commit, s);
	busy_wait_for(s, CACHE_BUSY_MS);
	sqlite3_update_hook(s->db, on_update, s);
	sqlite3_rollback_hook(s->db, on_rollback, s);
	if ((st = migrate(s->db, path, e)) != IRM_OK) {
		store_close(&s);
		return st;
	}
	if (sqlite3_exec(s->db, SCHEMA, NULL, NULL, &msg) != SQLITE_OK) {
		st = err_set(e, IRM_ECACHE, "%s: making the store's tables: %s", path,
			     msg ? msg : "unknown error");
		sqlite3_free(msg);
		store_close(&s);
		return st;
	}
	/* Without options of its own (load, demo), the station window the
	 * server last ran with, so rows are keyed alike. */
	if (!o) {
		s->opts.station_past = meta_int(s, "station_past", s->opts.station_past, e);
		s->opts.station_ahead = meta_int(s, "station_ahead", s->opts.station_ahead, e);
	}
	bool found = false;
	if ((st = meta_get(s, "epoch", s->epoch, sizeof s->epoch, &found, e)) == IRM_OK && !found) {
		char epoch[17];
		if ((st = cache_random_hex(epoch, 8, e)) == IRM_OK &&
		    (st = meta_put(s, "epoch", epoch, e)) == IRM_OK)
			snprintf(s->epoch, sizeof s->epoch, "%s", epoch);
	}
	if (st != IRM_OK) {
		store_close(&s);
		return st;
	}
	*out = s;
	return IRM_OK;
}

void store_close(struct store **ps)
{
	struct store *s = *ps;
	if (!s)
		return;
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(s->stmts[i]);
	free(s->stmts);
	cache_close(&s->cache);
	free(s->legs);
	free(s);
	*ps = NULL;
}

struct cache *store_cache(struct store *s)
{
	return s->cache;
}

const char *store_epoch(struct store *s)
{
	return s->epoch;
}

/* --- key sets -------------------------------------------------------------- */

enum { WOKEN_MAX = 256 };

void store_keys_free(struct store_keys *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i]);
	free(k->v);
	memset(k, 0, sizeof *k);
}

static bool keys_has(const struct store_keys *k, const char *key)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->v[i], key) == 0)
			return true;
	return false;
}

static bool keys_same(const struct store_keys *a, const struct store_keys *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!keys_has(b, a->v[i]))
			return false;
	return true;
}

static void keys_add(struct store_keys *k, const char *key)
{
	if (keys_has(k, key))
		return;
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 8;
		k->v = xrealloc(k->v, k->cap * sizeof *k->v);
	}
	k->v[k->n++] = xstrdup(key);
}

/* The woken keys are kept to a bounded few: past that, everyone wakes. */
static void woken_add(struct store_keys *k, const char *key)
{
	if (!k || k->all)
		return;
	if (k->n >= WOKEN_MAX && !keys_has(k, key)) {
		k->all = true;
		return;
	}
	keys_add(k, key);
}

bool store_keys_match(const struct store_keys *k, const char *const *keys, size_t n)
{
	if (k->all)
		return true;
	for (size_t i = 0; i < n; i++)
		if (keys_has(k, keys[i]))
			return true;
	return false;
}

/* --- documents --------------------------------------------------------------- */

/* A row's document as the feed serves it, and the keys it belongs under. */
struct doc {
	char *data;                 /* NULL: the row is gone */
	char *kiosk;                /* the kiosk's view, or NULL when it is data */
	struct store_keys keys;
};

static void doc_free(struct doc *d)
{
	free(d->data);
	free(d->kiosk);
	store_keys_free(&d->keys);
}

static char *dump(json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	return text;
}

static void key_of(struct store_keys *k, char kind, const char *id)
{
	char key[300];
	snprintf(key, sizeof key, "%c:%s", kind, id);
	keys_add(k, key);
}

static bool in_window(const struct store *s, int64_t dep, int64_t now)
{
	return dep >= now - s->opts.station_past && dep <= now + s->opts.station_ahead;
}

/* A record's document written straight as text (jsonw: ASCII, as the
 * feed serves it), with no tree of objects between. */
static char *write_doc(void (*members)(struct jsonw *, const void *), const void *rec)
{
	struct jsonw w = { 0 };
	jsonw_object(&w);
	members(&w, rec);
	jsonw_end(&w);
	/* its own size: a round holds thousands until it writes them */
	return xrealloc(w.buf, w.len + 1);
}

static void customer_members(struct jsonw *w, const void *c)
{
	record_write_customer(w, c);
}

static void trip_members(struct jsonw *w, const void *t)
{
	record_write_trip(w, t);
}

/* A customer's document and its keys but the stations'. */
static void customer_doc(const struct customer *cu, struct doc *d)
{
	d->data = write_doc(customer_members, cu);
	struct customer k = *cu;  /* the kiosk's view */
	k.email = k.phone = NULL;
	k.birth_date = DATE_NONE;
	d->kiosk = write_doc(customer_members, &k);
	if (strcmp(d->kiosk, d->data) == 0) {  /* nothing to hide: stored as NULL */
		free(d->kiosk);
		d->kiosk = NULL;
	}
	keys_add(&d->keys, "*");
	key_of(&d->keys, 'c', cu->id);
}

/* The same from the customer's legs at hand (context_load_legs): the
 * stations are those its legs leave from within the window. */
static void doc_customer_of(const struct store *s, const struct customer_context *x, int64_t now,
			    struct doc *d)
{
	customer_doc(&x->customer, d);
	for (size_t i = 0; i < x->n_trips; i++)
		for (size_t j = 0; j < x->trips[i].n_segments; j++) {
			const struct segment *sg = &x->trips[i].segments[j];
			if (in_window(s, sg->departure.utc, now))
				key_of(&d->keys, 's', sg->origin);
		}
}

static enum irm_status doc_customer(struct store *s, const char *id, int64_t now, struct doc *d,
				    struct irm_err *e)
{
	struct customer_context x;
	enum irm_status st = context_load_profile(s->cache, id, &x, e);
	if (st == IRM_ENOTFOUND || (st == IRM_OK && strcmp(x.customer.id, id) != 0)) {
		if (st == IRM_OK)
			context_free(&x);
		return IRM_OK;  /* gone */
	}
	if (st != IRM_OK)
		return st;
	customer_doc(&x.customer, d);
	context_free(&x);

	sqlite3_stmt *q = stmt(s, Q_CUSTOMER_STATIONS, e);
	if (!q)
		return IRM_ECACHE;
	bind_str(q, 1, id);
	sqlite3_bind_int64(q, 2, now - s->opts.station_past);
	sqlite3_bind_int64(q, 3, now + s->opts.station_ahead);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		key_of(&d->keys, 's', (const char *)sqlite3_column_text(q, 0));
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? IRM_OK : sql_error(s, e, "finding a customer's stations");
}

static enum irm_status doc_trip(struct store *s, const char *id, int64_t now, struct doc *d,
				struct irm_err *e)
{
	struct customer_context x;
	enum irm_status st = context_load_trip(s->cache, id, &x, e);
	if (st == IRM_ENOTFOUND)
		return IRM_OK;
	if (st != IRM_OK)
		return st;
	const struct trip *t = &x.trips[0];
	d->data = write_doc(trip_members, t);
	keys_add(&d->keys, "*");
	for (size_t i = 0; i < t->n_passengers; i++)
		if (t->passengers[i].customer_id)
			key_of(&d->keys, 'c', t->passengers[i].customer_id);
	for (size_t i = 0; i < t->n_segments; i++)
		if (in_window(s, t->segments[i].departure.utc, now))
			key_of(&d->keys, 's', t->segments[i].origin);
	context_free(&x);
	return IRM_OK;
}

static enum irm_status doc_alert(struct store *s, const char *id, int64_t now, struct doc *d,
				 struct irm_err *e)
{
	struct alert_filter f = { .id = id };
	struct alert_list l;
	enum irm_status st = alerts_list(s->cache, &f, &l, e);
	if (st != IRM_OK)
		return st;
	if (l.n == 1) {
		const struct alert_item *a = &l.v[0];
		d->data = dump(alerts_item_json(a));
		keys_add(&d->keys, "*");
		key_of(&d->keys, 'c', a->customer_id);
		if (a->has_segment && a->segment.known && in_window(s, a->segment.departure.utc, now))
			key_of(&d->keys, 's', a->segment.origin);
	}
	alerts_list_free(&l);
	return IRM_OK;
}

static json_t *time_json(int64_t utc)
{
	char buf[26];
	date_format_time((struct irm_time){ .utc = utc, .off_min = 0 }, buf);
	return json_string(buf);
}

static enum irm_status doc_note(struct store *s, const char *id, struct doc *d, struct irm_err *e)
{
	sqlite3_stmt *q = stmt(s, Q_NOTE, e);
	if (!q)
		return IRM_ECACHE;
	bind_str(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const char *customer = (const char *)sqlite3_column_text(q, 0);
		json_t *j = json_object();
		json_object_set_new(j, "id", json_string(id));
		json_object_set_new(j, "customer_id", json_string(customer));
		json_object_set_new(j, "author", json_string((const char *)sqlite3_column_text(q, 1)));
		json_object_set_new(j, "text", json_string((const char *)sqlite3_column_text(q, 2)));
		json_object_set_new(j, "at", time_json(sqlite3_column_int64(q, 3)));
		d->data = dump(j);
		keys_add(&d->keys, "*");
		key_of(&d->keys, 'c', customer);
	}
	sqlite3_reset(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? IRM_OK : sql_error(s, e, "reading a note");
}

static enum irm_status doc_greeting(struct store *s, const char *id, int64_t now, struct doc *d,
				    struct irm_err *e)
{
	sqlite3_stmt *q = stmt(s, Q_GREETING, e);
	if (!q)
		return IRM_ECACHE;
	bind_str(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(q);
		return rc == SQLITE_DONE ? IRM_OK : sql_error(s, e, "reading a greeting");
	}
	char *segment = xstrdup((const char *)sqlite3_column_text(q, 0));
	char *customer = xstrdup((const char *)sqlite3_column_text(q, 1));
	json_t *j = json_object();
	json_object_set_new(j, "id", json_string(id));
	json_object_set_new(j, "segment_id", json_string(segment));
	json_object_set_new(j, "customer_id", json_string(customer));
	json_object_set_new(j, "who", json_string((const char *)sqlite3_column_text(q, 2)));
	json_object_set_new(j, "at", time_json(sqlite3_column_int64(q, 3)));
	sqlite3_reset(q);
	d->data = dump(j);
	keys_add(&d->keys, "*");
	key_of(&d->keys, 'c', customer);
	enum irm_status st = IRM_OK;
	if ((q = stmt(s, Q_SEGMENT_DEP, e))) {
		bind_str(q, 1, segment);
		if ((rc = sqlite3_step(q)) == SQLITE_ROW && in_window(s, sqlite3_column_int64(q, 1), now))
			key_of(&d->keys, 's', (const char *)sqlite3_column_text(q, 0));
		sqlite3_reset(q);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			st = sql_error(s, e, "reading a greeting's leg");
	} else {
		st = IRM_ECACHE;
	}
	free(segment);
	free(customer);
	return st;
}

/* --- publishing ------------------------------------------------------------ */

/* The kinds in the order they are published: a trip first, since it names
 * the customers and alerts whose keys may change with it. */
enum kind { K_TRIP, K_CUSTOMER, K_ALERT, K_NOTE, K_GREETING, K_COUNT };
static const char *const KIND_NAMES[K_COUNT] = { "trip", "customer", "alert", "note", "greeting" };

struct work {
	struct engine_set pending[K_COUNT];    /* ids, each once, in order of arrival */
	int64_t seq;                /* the last sequence number given */
};

static bool kind_parse(const char *name, enum kind *k)
{
	for (int i = 0; i < K_COUNT; i++)
		if (strcmp(name, KIND_NAMES[i]) == 0) {
			*k = (enum kind)i;
			return true;
		}
	return false;
}

/* A row's entries, one a key: the seq of the newest, negative for a
 * tombstone. Kept in its document as " KEY=SEQ KEY=SEQ ": keys hold no
 * spaces (ids are printable ASCII without), and a key's '=' is its last. */
struct mark {
	char *key;
	int64_t seq;
};
struct marks {
	struct mark *v;
	size_t n, cap;
};

static void marks_free(struct marks *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].key);
	free(m->v);
	memset(m, 0, sizeof *m);
}

static struct mark *marks_find(const struct marks *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].key, key) == 0)
			return &m->v[i];
	return NULL;
}

static void marks_add(struct marks *m, const char *key, size_t len, int64_t seq)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 8;
		m->v = xrealloc(m->v, m->cap * sizeof *m->v);
	}
	m->v[m->n++] = (struct mark){ xstrndup(key, len), seq };
}

static void marks_parse(const char *text, struct marks *m)
{
	for (const char *p = text ? text : ""; *p;) {
		while (*p == ' ')
			p++;
		const char *end = p + strcspn(p, " ");
		const char *eq = NULL;
		for (const char *q = p; q < end; q++)
			if (*q == '=')
				eq = q;
		if (eq && eq > p)
			marks_add(m, p, (size_t)(eq - p), strtoll(eq + 1, NULL, 10));
		p = end;
	}
}

static char *marks_text(const struct marks *m)
{
	size_t size = 2;
	for (size_t i = 0; i < m->n; i++)
		size += strlen(m->v[i].key) + 24;
	char *text = xmalloc(size), *p = text;
	*p++ = ' ';
	for (size_t i = 0; i < m->n; i++) {  /* by hand: a round writes thousands */
		const size_t n = strlen(m->v[i].key);
		memcpy(p, m->v[i].key, n);
		p += n;
		*p++ = '=';
		int64_t v = m->v[i].seq;
		uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
		char digits[24], *d = digits + sizeof digits;
		do
			*--d = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		if (v < 0)
			*--d = '-';
		memcpy(p, d, (size_t)(digits + sizeof digits - d));
		p += digits + sizeof digits - d;
		*p++ = ' ';
	}
	*p = '\0';
	return text;
}

/* Whether the marks hold the row under one of the keys now (its entry
 * there an upsert). */
static bool marks_hold(const char *text, const char *const *keys, size_t n_keys)
{
	struct marks m = { 0 };
	bool in = false;
	marks_parse(text, &m);
	for (size_t i = 0; i < n_keys && !in; i++) {
		const struct mark *k = marks_find(&m, keys[i]);
		in = k && k->seq > 0;
	}
	marks_free(&m);
	return in;
}

/* A new entry for document `doc` under `key`, in place of the one it had
 * there; its number in *seq when seq is not NULL. */
static enum irm_status entry_put(struct store *s, struct work *w, struct marks *m,
				 const char *key, int64_t doc, const char *op, int64_t now,
				 int64_t *seq, struct irm_err *e)
{
	struct mark *was = marks_find(m, key);
	sqlite3_stmt *q;
	enum irm_status st = IRM_OK;
	if (was) {
		/* Under "*" the old entry may be anywhere in the feed, a page
		 * of its own to write: it is noted, and deleted later with
		 * others near it (store_compact). Under any other key it is
		 * next to the new one. */
		const bool all = strcmp(key, "*") == 0;
		if (!(q = stmt(s, all ? Q_STALE_PUT : Q_ENTRY_DEL, e)))
			return IRM_ECACHE;
		if (!all)
			bind_str(q, 1, key);
		sqlite3_bind_int64(q, all ? 1 : 2, was->seq < 0 ? -was->seq : was->seq);
		if ((st = step_done(s, q, "writing the feed", e)) != IRM_OK)
			return st;
	}
	if (!(q = stmt(s, Q_ENTRY_PUT, e)))
		return IRM_ECACHE;
	const int64_t given = ++w->seq;
	bind_str(q, 1, key);
	sqlite3_bind_int64(q, 2, given);
	sqlite3_bind_int64(q, 3, doc);
	bind_str(q, 4, op);
	sqlite3_bind_int64(q, 5, now);
	if ((st = step_done(s, q, "writing the feed", e)) != IRM_OK)
		return st;
	if (seq)
		*seq = given;
	int64_t mark = strcmp(op, "upsert") == 0 ? given : -given;
	if (was)
		was->seq = mark;
	else
		marks_add(m, key, strlen(key), mark);
	return IRM_OK;
}

static bool same(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Whether two trip documents differ at most in their legs' statuses
 * ("status":"…", written so by record_write_segment): what the trip's
 * followers show of it (its members, and its legs' times and places)
 * is then the same. */
static bool same_but_status(const char *a, const char *b)
{
	static const char key[] = "\"status\":\"";
	const size_t n = sizeof key - 1;
	while (*a && *a == *b) {
		if (*a == '"' && a[1] == 's' && strncmp(a, key, n) == 0 && strncmp(b, key, n) == 0) {
			a = strchr(a + n, '"');
			b = strchr(b + n, '"');
			if (!a || !b)
				return false;
		}
		a++;
		b++;
	}
	return *a == *b;
}

/* Where the value of a customer document's "name" begins, and its
 * length, escapes and all. The first "name" key is the customer's own
 * (record_write_customer writes it after id and member, both strings),
 * and no string holds that key's text: its quote would be escaped. */
static size_t name_span(const char *doc, const char **at)
{
	const char *p = strstr(doc, "\"name\":");
	if (!p) {
		*at = "";
		return 0;
	}
	p += 7;
	*at = p;
	if (*p != '"')
		return strcspn(p, ",}");  /* null */
	const char *q = p + 1;
	while (*q && *q != '"')
		q += *q == '\\' && q[1] ? 2 : 1;
	return (size_t)(q - p) + (*q == '"');
}

static bool same_name(const char *a, const char *b)
{
	const char *x, *y;
	const size_t n = name_span(a, &x), m = name_span(b, &y);
	return n == m && memcmp(x, y, n) == 0;
}

/* A customer's alerts show its name: published after it when that
 * changed. */
static enum irm_status customer_alerts(struct store *s, struct work *w, const char *id,
				       struct irm_err *e)
{
	sqlite3_stmt *q = stmt(s, Q_CUSTOMER_ALERTS, e);
	int rc;
	if (!q)
		return IRM_ECACHE;
	bind_str(q, 1, id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		engine_set_add(&w->pending[K_ALERT], (const char *)sqlite3_column_text(q, 0));
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? IRM_OK : sql_error(s, e, "reading a customer's alerts");
}

/* A trip's members (before and after) may enter or leave a station with
 * it, and so may the alerts and greetings on its legs: they are published
 * after it. */
static enum irm_status trip_followers(struct store *s, struct work *w, const char *id,
				      const struct store_keys *old, const struct doc *d,
				      const char *old_data, struct irm_err *e)
{
	sqlite3_stmt *q;
	int rc;
	for (int pass = 0; pass < 2; pass++) {
		const struct store_keys *ks = pass ? &d->keys : old;
		for (size_t i = 0; i < ks->n; i++)
			if (strncmp(ks->v[i], "c:", 2) == 0)
				engine_set_add(&w->pending[K_CUSTOMER], ks->v[i] + 2);
	}
	const int by_trip[] = { Q_TRIP_ALERTS, Q_TRIP_GREETINGS };
	for (int j = 0; j < 2; j++) {
		if (!(q = stmt(s, by_trip[j], e)))
			return IRM_ECACHE;
		bind_str(q, 1, id);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW)
			engine_set_add(&w->pending[j ? K_GREETING : K_ALERT],
				       (const char *)sqlite3_column_text(q, 0));
		sqlite3_reset(q);
		if (rc != SQLITE_DONE)
			return sql_error(s, e, "reading a trip's alerts and greetings");
	}
	/* A trip deleted already: its legs are named in its last document. */
	json_t *was = !d->data && old_data ? json_loads(old_data, 0, NULL) : NULL;
	enum irm_status st = IRM_OK;
	size_t si;
	json_t *sg;
	json_array_foreach(json_object_get(was, "segments"), si, sg) {
		const char *seg = json_string_value(json_object_get(sg, "id"));
		const int by_segment[] = { Q_SEGMENT_ALERTS, Q_SEGMENT_GREETINGS };
		for (int j = 0; seg && j < 2 && st == IRM_OK; j++) {
			if (!(q = stmt(s, by_segment[j], e))) {
				st = IRM_ECACHE;
				break;
			}
			bind_str(q, 1, seg);
			while ((rc = sqlite3_step(q)) == SQLITE_ROW)
				engine_set_add(&w->pending[j ? K_GREETING : K_ALERT],
					       (const char *)sqlite3_column_text(q, 0));
			sqlite3_reset(q);
			if (rc != SQLITE_DONE)
				st = sql_error(s, e, "reading a deleted trip's legs");
		}
	}
	json_decref(was);
	return st;
}

/* A row's document as the store holds it now (d->data NULL: gone). */
static enum irm_status doc_build(struct store *s, enum kind k, const char *id, int64_t now,
				 struct doc *d, struct irm_err *e)
{
	switch (k) {
	case K_CUSTOMER: return doc_customer(s, id, now, d, e);
	case K_TRIP: return doc_trip(s, id, now, d, e);
	case K_ALERT: return doc_alert(s, id, now, d, e);
	case K_NOTE: return doc_note(s, id, d, e);
	case K_GREETING: return doc_greeting(s, id, now, d, e);
	case K_COUNT: default: return err_set(e, IRM_ECACHE, "store: unknown kind");
	}
}

/* A row's document as the store has it published. */
struct stored {
	bool read;                  /* filled in */
	bool had;                   /* a row in central_docs (data NULL: deleted) */
	int64_t rid;
	char *data, *kiosk;
	struct marks m;             /* its entry under each key */
};

static void stored_free(struct stored *o)
{
	free(o->data);
	free(o->kiosk);
	marks_free(&o->m);
	memset(o, 0, sizeof *o);
}

static enum irm_status stored_read(struct store *s, enum kind k, const char *id, struct stored *o,
				   struct irm_err *e)
{
	sqlite3_stmt *q = stmt(s, Q_DOC_GET, e);
	int rc;
	memset(o, 0, sizeof *o);
	if (!q)
		return IRM_ECACHE;
	bind_str(q, 1, KIND_NAMES[k]);
	bind_str(q, 2, id);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		o->had = true;
		o->rid = sqlite3_column_int64(q, 0);
		const char *t = (const char *)sqlite3_column_text(q, 1);
		const char *kt = (const char *)sqlite3_column_text(q, 2);
		o->data = t ? xstrdup(t) : NULL;
		o->kiosk = kt ? xstrdup(kt) : NULL;
		marks_parse((const char *)sqlite3_column_text(q, 3), &o->m);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_error(s, e, "reading a document");
	o->read = true;
	return IRM_OK;
}

/* Whether two reads of a row's publication found the same: any publish
 * since gives it a new entry under some key. */
static bool stored_same(const struct stored *a, const struct stored *b)
{
	if (!a->read || !b->read || a->had != b->had || a->rid != b->rid || a->m.n != b->m.n)
		return false;
	for (size_t i = 0; i < a->m.n; i++)
		if (a->m.v[i].seq != b->m.v[i].seq || strcmp(a->m.v[i].key, b->m.v[i].key) != 0)
			return false;
	return true;
}

/* One row: its document against the stored one; new entries where it
 * changed or entered a key, evictions where it left one. `built` is its
 * document from a round's snapshot nothing has touched it since, and
 * `was` what was published of it then: with `was_now` (nothing published
 * since), that is what is published now; else it is read again, and when
 * another writer published the row meanwhile (the sweep, say, which
 * touches no row of a trip's members it publishes, and keys them by a
 * later clock) the document is built again here too. With neither, both
 * are read and built here. */
static enum irm_status publish_row(struct store *s, struct work *w, enum kind k, const char *id,
				   int64_t now, struct store_keys *woken, struct doc *built,
				   struct stored *was, bool was_now, struct irm_err *e)
{
	struct doc d = { 0 };
	struct store_keys old = { 0 };  /* the keys that hold it now */
	struct stored o = { 0 };
	char *marks = NULL;
	bool moved = false;
	enum irm_status st = IRM_OK;

	bool take = built != NULL;
	if (was && was_now && was->read) {
		o = *was;
		memset(was, 0, sizeof *was);
	} else if ((st = stored_read(s, k, id, &o, e)) != IRM_OK) {
		goto out;
	} else if (was && !stored_same(&o, was)) {
		take = false;  /* another writer published it since the round read it */
	}
	if (take) {
		d = *built;
		memset(built, 0, sizeof *built);
	} else if ((st = doc_build(s, k, id, now, &d, e)) != IRM_OK) {
		goto out;
	}
	const bool had = o.had;
	const char *old_data = o.data, *old_kiosk = o.kiosk;
	int64_t rid = o.rid;
	struct marks *m = &o.m;
	sqlite3_stmt *q;
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].seq > 0)
			keys_add(&old, m->v[i].key);

	/* A leg's status alone (a leg flown) moves none of them; time moves
	 * the alerts and greetings on a leg crossing a window's edge, and the
	 * sweep touches those itself. */
	const bool status_only = k == K_TRIP && d.data && old_data &&
				 same_but_status(old_data, d.data) && keys_same(&old, &d.keys);
	if (k == K_TRIP && !status_only &&
	    (st = trip_followers(s, w, id, &old, &d, old_data, e)) != IRM_OK)
		goto out;
	if (k == K_CUSTOMER && d.data && old_data && !same_name(old_data, d.data) &&
	    (st = customer_alerts(s, w, id, e)) != IRM_OK)
		goto out;

	const bool changed = !same(d.data, old_data) || !same(d.kiosk, old_kiosk);
	if (!d.data && (!had || !old_data))
		goto out;  /* never published, or deleted already */
	if (!had) {  /* its row first: the entries name it */
		if (!(q = stmt(s, Q_DOC_NEW, e))) {
			st = IRM_ECACHE;
			goto out;
		}
		bind_str(q, 1, KIND_NAMES[k]);
		bind_str(q, 2, id);
		if ((st = step_done(s, q, "writing a document", e)) != IRM_OK)
			goto out;
		rid = sqlite3_last_insert_rowid(s->db);
	}
	int64_t version = 0;
	if (changed) {
		/* Under every key, the row's new version as its newest entry;
		 * the version is its number under "*". */
		const char *op = d.data ? "upsert" : "delete";
		const struct store_keys *ks = d.data ? &d.keys : &old;
		for (size_t i = 0; i < ks->n && st == IRM_OK; i++) {
			int64_t seq;
			st = entry_put(s, w, m, ks->v[i], rid, op, now, &seq, e);
			if (!version || strcmp(ks->v[i], "*") == 0)
				version = seq;
			woken_add(woken, ks->v[i]);
		}
		moved = true;
	} else {
		for (size_t i = 0; i < d.keys.n && st == IRM_OK; i++)
			if (!keys_has(&old, d.keys.v[i])) {
				st = entry_put(s, w, m, d.keys.v[i], rid, "upsert", now, NULL, e);
				woken_add(woken, d.keys.v[i]);
				moved = true;
			}
	}
	for (size_t i = 0; d.data && i < old.n && st == IRM_OK; i++)
		if (!keys_has(&d.keys, old.v[i])) {
			st = entry_put(s, w, m, old.v[i], rid, "evict", now, NULL, e);
			woken_add(woken, old.v[i]);
			moved = true;
		}
	if (st != IRM_OK || !moved)
		goto out;
	marks = marks_text(m);
	if (changed) {
		if (!(q = stmt(s, Q_DOC_PUT, e))) {
			st = IRM_ECACHE;
			goto out;
		}
		sqlite3_bind_int64(q, 1, rid);
		sqlite3_bind_int64(q, 2, version);
		bind_str(q, 3, d.data);
		bind_str(q, 4, d.data && !same(d.kiosk, d.data) ? d.kiosk : NULL);
		bind_str(q, 5, marks);
		sqlite3_bind_int64(q, 6, now);
	} else {
		if (!(q = stmt(s, Q_DOC_KEYS, e))) {
			st = IRM_ECACHE;
			goto out;
		}
		sqlite3_bind_int64(q, 1, rid);
		bind_str(q, 2, marks);
	}
	st = step_done(s, q, "writing a document", e);
out:
	stored_free(&o);
	free(marks);
	store_keys_free(&old);
	doc_free(&d);
	return st;
}

enum irm_status store_note_evaluated(struct store *s, struct irm_err *e)
{
	int64_t n = 0;
	enum irm_status st = meta_get_int(s, "evaluations", &n, e);
	return st == IRM_OK ? meta_put_int(s, "evaluations", n + 1, e) : st;
}

/* `id` noted in the queue by statement `which`. */
static enum irm_status touch_one(struct store *s, int which, const char *id, struct irm_err *e)
{
	sqlite3_stmt *q = stmt(s, which, e);
	if (!q)
		return IRM_ECACHE;
	bind_str(q, 1, id);
	return step_done(s, q, "noting a row to publish", e);
}

/* Each of `ids` noted in the queue by statement `which`. */
static enum irm_status touch_each(struct store *s, int which, const struct engine_set *ids,
				  struct irm_err *e)
{
	enum irm_status st = IRM_OK;
	for (size_t i = 0; i < ids->n && st == IRM_OK; i++)
		st = touch_one(s, which, ids->ids[i], e);
	return st;
}

/* The trips of the legs whose status this transaction changed, each
 * touched once (a leg gone since: its trip was deleted, and touched so). */
static enum irm_status touch_legs_trips(struct store *s, struct irm_err *e)
{
	struct engine_set trips = { 0 };
	enum irm_status st = IRM_OK;
	for (size_t i = 0; i < s->n_legs && st == IRM_OK; i++) {
		sqlite3_stmt *q = stmt(s, Q_LEG_TRIP, e);
		if (!q) {
			st = IRM_ECACHE;
			break;
		}
		sqlite3_bind_int64(q, 1, s->legs[i]);
		int rc = sqlite3_step(q);
		if (rc == SQLITE_ROW)
			engine_set_add(&trips, (const char *)sqlite3_column_text(q, 0));
		sqlite3_reset(q);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			st = sql_error(s, e, "finding a leg's trip");
	}
	if (st == IRM_OK)
		st = touch_each(s, Q_TRIP_TOUCH, &trips, e);
	if (st == IRM_OK)
		s->n_legs = 0;
	engine_set_free(&trips);
	return st;
}

enum irm_status store_evaluate_later(struct store *s, const struct engine_set *customers,
				     struct irm_err *e)
{
	enum irm_status st = touch_legs_trips(s, e);
	return st == IRM_OK ? touch_each(s, Q_LEFT_PUT, customers, e) : st;
}

enum irm_status store_touch_customers(struct store *s, const struct engine_set *customers,
				      struct irm_err *e)
{
	return touch_each(s, Q_CUSTOMER_TOUCH, customers, e);
}

/* --- publishing in two parts -------------------------------------------- */

/* What a round does for one row: its document (kind k) as the snapshot
 * had it, or (K_COUNT) the engine's verdict on a customer, with the
 * customer's document when the legs read for the verdict gave it. */
struct built {
	enum kind k;
	bool built;                 /* its document built with a verdict */
	bool fresh;                 /* nothing touched it since the snapshot */
	bool locked;                /* done under the lock: every touch until now */
	bool evaluate;              /* a customer to evaluate, without rules to */
	struct doc d;
	struct engine_verdict v;
	struct stored was;          /* what was published of it, with d */
};

/* Rows built at most in one round: its snapshot is held while they are
 * built, and the log cannot be copied past it meanwhile. The entries
 * behind them a round looks through for later touches of its rows: this
 * many times as many. */
enum { ROUND_MAX = 5000, ROUND_BEHIND = 4 };

struct store_round {
	int64_t top;                /* the queue's last number the snapshot saw */
	int64_t hi;                 /* the last entry it took: those up to it go */
	size_t entries;             /* how many it took */
	int64_t *later;             /* entries after hi of rows it took: they go too */
	size_t n_later, cap_later;
	int64_t evaluations;        /* the count of evaluations it saw */
	int64_t publishes;          /* and of writers' own publishes (store_publish) */
	int64_t feed_seq, purges;   /* the feed's end, and documents purged, it saw */
	bool same_docs;             /* none published or purged since (at the write) */
	struct engine_set keys;     /* "KIND\x1fID", an index into v */
	struct built *v;
	size_t cap;
	struct engine_set before;   /* keys the round before set aside */
	struct engine_set aside;    /* keys this one set aside */
};

/* A row or customer whose snapshot went out of date: set aside for the
 * next round, or done under the lock when the round before set it aside
 * already (a row touched by batch after batch is not put off forever). */
static bool set_aside(struct store_round *r, const char *key)
{
	if (engine_set_find(&r->before, key) != SIZE_MAX)
		return false;
	engine_set_add(&r->aside, key);
	return true;
}

static void round_key(char *buf, size_t size, const char *kind, const char *id)
{
	const size_t k = strlen(kind), n = strlen(id);
	if (k + 1 + n >= size) {  /* no id is this long; cut as snprintf would */
		snprintf(buf, size, "%s\x1f%s", kind, id);
		return;
	}
	memcpy(buf, kind, k);
	buf[k] = '\x1f';
	memcpy(buf + k + 1, id, n + 1);
}

/* What a round does for an entry of `kind`: a document of that kind, or
 * (K_COUNT, "engine") a verdict; without rules, a customer to evaluate is
 * a customer to publish. False: a kind not known here. */
static bool entry_kind(const struct store *s, const char *kind, enum kind *k)
{
	if (strcmp(kind, "engine") == 0) {
		*k = s->opts.rules ? K_COUNT : K_CUSTOMER;
		return true;
	}
	return kind_parse(kind, k);
}

static const char *round_kind(enum kind k)
{
	return k == K_COUNT ? "engine" : KIND_NAMES[k];
}

/* A round key's kind, into kind[16], and its id; NULL: no key. */
static const char *key_split(const char *key, char kind[16])
{
	const char *sep = strchr(key, '\x1f');
	snprintf(kind, 16, "%.*s", sep ? (int)(sep - key) : 0, key);
	return sep ? sep + 1 : NULL;
}

static const char *round_id(const struct store_round *r, size_t i)
{
	return strchr(r->keys.ids[i], '\x1f') + 1;
}

/* Row `id` of kind k for the round to do, once however often touched;
 * `evaluate`: a customer left to evaluate, without rules to. */
static void round_add(struct store_round *r, enum kind k, const char *id, bool evaluate)
{
	char key[400];
	round_key(key, sizeof key, round_kind(k), id);
	const size_t n = r->keys.n;
	engine_set_add(&r->keys, key);
	if (r->keys.n == n) {
		r->v[engine_set_find(&r->keys, key)].evaluate |= evaluate;
		return;
	}
	if (r->keys.n > r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->v = xrealloc(r->v, r->cap * sizeof *r->v);
	}
	r->v[n] = (struct built){ .k = k, .evaluate = evaluate };
}

static struct built *round_find(const struct store_round *r, const char *kind, const char *id)
{
	char key[400];
	if (!r)
		return NULL;
	round_key(key, sizeof key, kind, id);
	size_t i = engine_set_find(&r->keys, key);
	return i == SIZE_MAX ? NULL : &r->v[i];
}

/* The pending rows, in kind order (a row may add rows of later kinds as it
 * goes), each from the round's document when it is fresh. */
static enum irm_status publish_pending(struct store *s, struct work *w, struct store_round *r,
				       int64_t now, struct store_keys *woken, struct irm_err *e)
{
	const int64_t first = w->seq;
	enum irm_status st = IRM_OK;
	for (int k = 0; k < K_COUNT && st == IRM_OK; k++)
		for (size_t i = 0; i < w->pending[k].n && st == IRM_OK; i++) {
			const char *id = w->pending[k].ids[i];
			struct built *b = round_find(r, KIND_NAMES[k], id);
			if (!b && k == K_CUSTOMER) {  /* the one its verdict came with */
				b = round_find(r, "engine", id);
				if (b && !b->d.data)
					b = NULL;
			}
			const bool use = b && b->fresh;
			st = publish_row(s, w, (enum kind)k, id, now, woken, use ? &b->d : NULL,
					 use ? &b->was : NULL, use && r->same_docs, e);
			if (b)
				b->fresh = false;  /* used, or stale */
		}
	if (st == IRM_OK && w->seq != first)
		st = meta_put_int(s, "feed_seq", w->seq, e);
	return st;
}

size_t store_round_size(const struct store_round *r)
{
	return r ? r->entries + r->before.n : 0;
}

enum irm_status store_backlog(struct store *s, int64_t *n, struct irm_err *e)
{
	return one_int(s, Q_BACKLOG, n, "counting the rows to publish", e);
}

void store_round_free(struct store_round **pr)
{
	struct store_round *r = *pr;
	if (!r)
		return;
	for (size_t i = 0; i < r->keys.n; i++) {
		doc_free(&r->v[i].d);
		engine_verdict_free(&r->v[i].v);
		stored_free(&r->v[i].was);
	}
	free(r->v);
	free(r->later);
	engine_set_free(&r->keys);
	engine_set_free(&r->before);
	engine_set_free(&r->aside);
	free(r);
	*pr = NULL;
}

/* The verdict on the customer of entry i, and the customer's document,
 * from one read of its legs: the document goes with the round's own
 * entry for the customer when it has one, else with the verdict, to be
 * published with it. */
static enum irm_status round_decide(struct store *s, struct store_round *r, size_t i, int64_t now,
				    struct irm_err *e)
{
	struct customer_context x;
	const char *id = round_id(r, i);
	enum irm_status st = context_load_legs(s->cache, id, &x, e);
	if (st == IRM_ENOTFOUND)
		return IRM_OK;  /* no such customer: nothing to write */
	if (st != IRM_OK)
		return st;
	engine_decide_from(s->opts.rules, &x, now, &r->v[i].v);
	char key[400];
	round_key(key, sizeof key, "customer", id);
	size_t j = engine_set_find(&r->keys, key);
	if (strcmp(x.customer.id, id) != 0)
		;  /* found by its member number: not this id's document */
	else if (j == SIZE_MAX)
		doc_customer_of(s, &x, now, &r->v[i].d);
	else if (!r->v[j].built) {
		doc_customer_of(s, &x, now, &r->v[j].d);
		r->v[j].built = true;
	}
	context_free(&x);
	return IRM_OK;
}

enum irm_status store_round_read(struct store *s, int64_t now, const struct store_round *prev,
				 struct store_round **out, struct irm_err *e)
{
	struct store_round *r = xcalloc(1, sizeof *r);
	for (size_t i = 0; prev && i < prev->aside.n; i++)
		engine_set_add(&r->before, prev->aside.ids[i]);
	enum irm_status st = IRM_OK;
	int rc;

	*out = NULL;
	bool txn = store_read_begin(s);
	sqlite3_stmt *q = stmt(s, Q_ROUND_LIST, e);
	if (!q) {
		st = IRM_ECACHE;
		goto out;
	}
	/* The rows of the first entries, up to the round's size; then, of
	 * the entries just behind, those of the same rows: the snapshot sees
	 * them too. (Not of the whole queue: a backlog would be read again by
	 * every round. A row touched further behind is built again.) */
	const size_t max = s->opts.round_max ? s->opts.round_max : ROUND_MAX;
	size_t behind = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		enum kind k;
		const int64_t seq = sqlite3_column_int64(q, 0);
		const char *kind = (const char *)sqlite3_column_text(q, 1);
		const char *id = (const char *)sqlite3_column_text(q, 2);
		if (r->keys.n < max) {
			r->entries++;
			r->hi = seq;
			if (entry_kind(s, kind, &k))
				round_add(r, k, id, k == K_CUSTOMER && strcmp(kind, "engine") == 0);
		} else if (++behind > ROUND_BEHIND * max) {
			rc = SQLITE_DONE;
			break;
		} else if (entry_kind(s, kind, &k) && round_find(r, round_kind(k), id)) {
			if (r->n_later == r->cap_later) {
				r->cap_later = r->cap_later ? r->cap_later * 2 : 256;
				r->later = xrealloc(r->later, r->cap_later * sizeof *r->later);
			}
			r->later[r->n_later++] = seq;
		}
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE) {
		st = sql_error(s, e, "reading the queue");
		goto out;
	}
	/* What the round before set aside, whatever its place in the queue: a
	 * row every batch touches may be behind more than ROUND_MAX entries. */
	for (size_t i = 0; i < r->before.n; i++) {
		char kind[16];
		enum kind k;
		const char *id = key_split(r->before.ids[i], kind);
		if (id && entry_kind(s, kind, &k))
			round_add(r, k, id, false);
	}
	if ((st = one_int(s, Q_QUEUE_TOP, &r->top, "reading the queue", e)) != IRM_OK ||
	    (st = meta_get_int(s, "evaluations", &r->evaluations, e)) != IRM_OK ||
	    (st = meta_get_int(s, "publishes", &r->publishes, e)) != IRM_OK)
		goto out;
	/* The customers to evaluate first: the legs read for a verdict give the
	 * customer's own document too, when the round has it. */
	for (size_t i = 0; i < r->keys.n && st == IRM_OK; i++)
		if (r->v[i].k == K_COUNT)
			st = round_decide(s, r, i, now, e);
	for (size_t i = 0; i < r->keys.n && st == IRM_OK; i++)
		if (r->v[i].k != K_COUNT && !r->v[i].built)
			st = doc_build(s, r->v[i].k, round_id(r, i), now, &r->v[i].d, e);
	/* What was published of each, to compare with; good at the write
	 * when nothing was published or purged since. */
	for (size_t i = 0; i < r->keys.n && st == IRM_OK; i++)
		if (r->v[i].k != K_COUNT || r->v[i].d.data)
			st = stored_read(s, r->v[i].k != K_COUNT ? r->v[i].k : K_CUSTOMER,
					 round_id(r, i), &r->v[i].was, e);
	if (st == IRM_OK)
		st = store_last_seq(s, &r->feed_seq, e);
	if (st == IRM_OK)
		st = meta_get_int(s, "docs_purged", &r->purges, e);
out:
	store_read_end(s, txn);
	if (st == IRM_OK)
		*out = r;
	else
		store_round_free(&r);
	return st;
}

/* Rows and customers set aside with no entry left after the round: noted
 * in the queue again, so that a publisher stopped before the next round
 * (whose `before` would name them) does not lose them. Only after
 * own_touches, which publishes here every entry after the write's
 * beginning but those of customers to evaluate. */
static enum irm_status requeue(struct store *s, const struct engine_set *keys, struct irm_err *e)
{
	enum irm_status st = IRM_OK;
	for (size_t i = 0; i < keys->n && st == IRM_OK; i++) {
		char kind[16];
		const char *id = key_split(keys->ids[i], kind);
		sqlite3_stmt *q = stmt(s, Q_TOUCH, e);
		if (!q)
			return IRM_ECACHE;
		bind_str(q, 1, kind);
		bind_str(q, 2, id);
		st = step_done(s, q, "noting a row to publish", e);
	}
	return st;
}

/* The customer a document is under ("c:ID"), or NULL. */
static const char *keys_customer(const struct store_keys *k)
{
	for (size_t i = 0; i < k->n; i++)
		if (strncmp(k->v[i], "c:", 2) == 0)
			return k->v[i] + 2;
	return NULL;
}

/* The entries after a round's snapshot, to the write's beginning: the
 * rows they touched since (as round keys), and each entry's number with
 * its row's place among them. */
struct since {
	struct engine_set keys;
	int64_t *seq;
	size_t *key;
	size_t n, cap;
};

static enum irm_status since_read(struct store *s, int64_t top, int64_t head, struct since *t,
				  struct irm_err *e)
{
	sqlite3_stmt *q = stmt(s, Q_QUEUE_RANGE, e);
	int rc;
	if (!q)
		return IRM_ECACHE;
	sqlite3_bind_int64(q, 1, top);
	sqlite3_bind_int64(q, 2, head);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		enum kind k;
		char key[400];
		if (!entry_kind(s, (const char *)sqlite3_column_text(q, 1), &k))
			continue;
		round_key(key, sizeof key, round_kind(k), (const char *)sqlite3_column_text(q, 2));
		engine_set_add(&t->keys, key);
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 64;
			t->seq = xrealloc(t->seq, t->cap * sizeof *t->seq);
			t->key = xrealloc(t->key, t->cap * sizeof *t->key);
		}
		t->seq[t->n] = sqlite3_column_int64(q, 0);
		t->key[t->n++] = engine_set_find(&t->keys, key);
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? IRM_OK : sql_error(s, e, "reading the queue");
}

static void since_free(struct since *t)
{
	engine_set_free(&t->keys);
	free(t->seq);
	free(t->key);
}

static bool touched_since(const struct since *t, const char *kind, const char *id)
{
	char key[400];
	round_key(key, sizeof key, kind, id);
	return engine_set_find(&t->keys, key) != SIZE_MAX;
}

/* The rows this transaction touched (the verdicts' alerts, after `head`):
 * published now, built here, and their entries gone. */
static enum irm_status own_touches(struct store *s, struct store_round *r, int64_t head,
				   struct work *w, struct irm_err *e)
{
	sqlite3_stmt *q = stmt(s, Q_QUEUE_RANGE, e);
	int rc;
	if (!q)
		return IRM_ECACHE;
	sqlite3_bind_int64(q, 1, head);
	sqlite3_bind_int64(q, 2, INT64_MAX);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		enum kind k;
		const char *kind = (const char *)sqlite3_column_text(q, 1);
		const char *id = (const char *)sqlite3_column_text(q, 2);
		if (!kind_parse(kind, &k))
			continue;  /* a customer set aside, to evaluate */
		engine_set_add(&w->pending[k], id);
		struct built *b = round_find(r, kind, id);
		if (b)
			b->fresh = false;
		if (k == K_CUSTOMER && (b = round_find(r, "engine", id)))
			b->fresh = false;
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return sql_error(s, e, "reading the queue");
	if (!(q = stmt(s, Q_QUEUE_OWN_CUT, e)))
		return IRM_ECACHE;
	sqlite3_bind_int64(q, 1, head);
	return step_done(s, q, "clearing the queue", e);
}

/* The entries the round took go, with the later ones of the same rows,
 * and those after its snapshot of the rows it did under the lock: those
 * rows are published as they are now. (A row set aside has entries after
 * the snapshot still, its customer's entry to evaluate for a customer
 * credited since, or store_round_write notes it again: requeue.) */
static enum irm_status queue_del(struct store *s, int64_t seq, struct irm_err *e)
{
	sqlite3_stmt *q = stmt(s, Q_QUEUE_DEL, e);
	if (!q)
		return IRM_ECACHE;
	sqlite3_bind_int64(q, 1, seq);
	return step_done(s, q, "clearing the queue", e);
}

static enum irm_status round_clear(struct store *s, struct store_round *r, const struct since *t,
				   struct irm_err *e)
{
	sqlite3_stmt *q = stmt(s, Q_QUEUE_CUT, e);
	enum irm_status st = q ? IRM_OK : IRM_ECACHE;
	if (st == IRM_OK) {
		sqlite3_bind_int64(q, 1, r->hi);
		st = step_done(s, q, "clearing the queue", e);
	}
	for (size_t i = 0; i < r->n_later && st == IRM_OK; i++)
		st = queue_del(s, r->later[i], e);
	for (size_t i = 0; i < t->n && st == IRM_OK; i++) {
		size_t j = engine_set_find(&r->keys, t->keys.ids[t->key[i]]);
		if (j != SIZE_MAX && r->v[j].locked)
			st = queue_del(s, t->seq[i], e);
	}
	return st;
}

enum irm_status store_round_write(struct store *s, struct store_round *r, int64_t now,
				  struct store_keys *woken, struct irm_err *e)
{
	struct work w = { 0 };
	struct since since = { 0 };
	struct engine_set again = { 0 };  /* "KIND\x1fID" set aside, no entry left */
	enum irm_status st = store_last_seq(s, &w.seq, e);

	/* What this transaction touches comes after `head`; what others
	 * touched since the snapshot, between its top and `head`. */
	int64_t head = 0, evaluations = 0, publishes = 0, purges = 0;
	if (st == IRM_OK)
		st = one_int(s, Q_QUEUE_TOP, &head, "reading the queue", e);
	if (st == IRM_OK)
		st = meta_get_int(s, "evaluations", &evaluations, e);
	if (st == IRM_OK)
		st = meta_get_int(s, "publishes", &publishes, e);
	if (st == IRM_OK)
		st = meta_get_int(s, "docs_purged", &purges, e);
	if (st == IRM_OK)
		st = since_read(s, r->top, head, &since, e);
	r->same_docs = w.seq == r->feed_seq && purges == r->purges;
	/* A writer that published in its own transaction since published
	 * every row touched until then (store_publish): the round's rows are
	 * done, and none of its documents is of use. Only its customers left
	 * to evaluate are not: the writer leaves them (without rules, they are
	 * published as they are now). */
	const bool published = publishes != r->publishes;

	/* The customers the snapshot saw left to evaluate: its verdict where
	 * nothing touched them since and no writer evaluated customers in its
	 * own transaction meanwhile; set aside otherwise. */
	for (size_t i = 0; i < r->keys.n && st == IRM_OK; i++) {
		struct built *b = &r->v[i];
		const char *id = round_id(r, i);
		if (b->k != K_COUNT)
			continue;
		const bool touched = touched_since(&since, "engine", id);
		if (!touched && evaluations == r->evaluations) {
			st = engine_write(s->cache, &b->v, now, e);
			b->fresh = !published && !touched_since(&since, "customer", id);
		} else if (set_aside(r, r->keys.ids[i])) {
			if (!touched)  /* its entries go with the round's */
				engine_set_add(&again, r->keys.ids[i]);
			continue;
		} else {
			st = engine_run_customer(s->cache, s->opts.rules, id, now, e);
			b->locked = true;
		}
		/* Evaluated, the customer is published too: the miles that
		 * made it to evaluate touched it no other way. */
		engine_set_add(&w.pending[K_CUSTOMER], id);
	}

	/* The rows the snapshot saw, from its document where nothing touched
	 * them since (else built here); rows first touched after the
	 * snapshot wait for the next round. */
	for (size_t i = 0; i < r->keys.n && st == IRM_OK; i++) {
		struct built *b = &r->v[i];
		const char *id = round_id(r, i);
		if (b->k == K_COUNT || (published && !b->evaluate))
			continue;
		/* Out of date: touched since (own); a customer credited since,
		 * which has an entry to evaluate and no other (that entry stays,
		 * or the customer is evaluated and published here); an alert
		 * whose customer was touched since, since it shows the name. */
		const bool own = engine_set_find(&since.keys, r->keys.ids[i]) != SIZE_MAX;
		const bool credited = b->k == K_CUSTOMER && s->opts.rules &&
				      touched_since(&since, "engine", id);
		const char *cu = b->k == K_ALERT ? keys_customer(&b->d.keys) : NULL;
		const bool stale = own || credited || (cu && touched_since(&since, "customer", cu));
		/* after a writer's publish, built here, all the same */
		const bool rebuild = stale || published;
		if (!published && stale && set_aside(r, r->keys.ids[i])) {
			if (!own && !credited)  /* its entries go with the round's */
				engine_set_add(&again, r->keys.ids[i]);
			continue;
		}
		engine_set_add(&w.pending[b->k], id);
		b->fresh = !rebuild;
		b->locked = rebuild;
	}
	if (st == IRM_OK)
		st = own_touches(s, r, head, &w, e);
	if (st == IRM_OK)
		st = requeue(s, &again, e);
	engine_set_free(&again);
	if (st == IRM_OK)
		st = round_clear(s, r, &since, e);
	if (st == IRM_OK)
		st = publish_pending(s, &w, r, now, woken, e);
	for (int k = 0; k < K_COUNT; k++)
		engine_set_free(&w.pending[k]);
	since_free(&since);
	return st;
}

enum irm_status store_publish(struct store *s, int64_t now, struct store_keys *woken,
			      struct irm_err *e)
{
	struct work w = { 0 };
	enum irm_status st = touch_legs_trips(s, e);
	int64_t n = 0, publishes = 0;
	int rc;

	if (st == IRM_OK)
		st = store_last_seq(s, &w.seq, e);
	sqlite3_stmt *q = st == IRM_OK ? stmt(s, Q_TOUCHED, e) : NULL;
	if (!q)
		return IRM_ECACHE;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		enum kind k;
		n++;
		if (kind_parse((const char *)sqlite3_column_text(q, 0), &k))
			engine_set_add(&w.pending[k], (const char *)sqlite3_column_text(q, 1));
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		st = sql_error(s, e, "reading the queue");
	/* A round whose snapshot is older writes none of these rows: this
	 * transaction publishes them all as they are now. */
	if (st == IRM_OK && n && !(q = stmt(s, Q_TOUCHED_CLEAR, e)))
		st = IRM_ECACHE;
	if (st == IRM_OK && n)
		st = step_done(s, q, "clearing the queue", e);
	if (st == IRM_OK && n && (st = meta_get_int(s, "publishes", &publishes, e)) == IRM_OK)
		st = meta_put_int(s, "publishes", publishes + 1, e);

	if (st == IRM_OK)
		st = publish_pending(s, &w, NULL, now, woken, e);
	for (int k = 0; k < K_COUNT; k++)
		engine_set_free(&w.pending[k]);
	return st;
}

/* The replaced entries under "*", deleted together: in order of their
 * numbers, so each page of the feed is written once for all of its own. */
static enum irm_status compact(struct store *s, struct irm_err *e)
{
	const int steps[] = { Q_STALE_DEL, Q_STALE_CLEAR };
	enum irm_status st = IRM_OK;
	for (size_t i = 0; i < 2 && st == IRM_OK; i++) {
		sqlite3_stmt *q = stmt(s, steps[i], e);
		st = q ? step_done(s, q, "deleting replaced entries", e) : IRM_ECACHE;
	}
	return st;
}

enum irm_status store_compact(struct store *s, struct irm_err *e)
{
	int64_t any;
	enum irm_status st = one_int(s, Q_STALE_ANY, &any, "reading the replaced entries", e);
	if (st != IRM_OK || !any)
		return st;
	/* Another writer (a long load) is not waited for: next time. */
	busy_wait_for(s, 50);
	st = cache_begin(s->cache, e);
	bool busy = st != IRM_OK && sqlite3_errcode(s->db) == SQLITE_BUSY;
	busy_wait_for(s, CACHE_BUSY_MS);
	if (st != IRM_OK)
		return busy ? IRM_OK : st;
	if ((st = compact(s, e)) == IRM_OK)
		st = cache_commit(s->cache, e);
	if (st != IRM_OK)
		cache_rollback(s->cache);
	return st;
}

enum irm_status store_sweep(struct store *s, int64_t now, struct store_keys *woken,
			    struct irm_err *e)
{
	enum irm_status st = cache_begin(s->cache, e);
	if (st != IRM_OK)
		return st;
	/* Never swept: from when the first document was keyed (no later
	 * than now), so a leg that crossed a window's edge between a load and
	 * the first sweep is not missed. */
	char buf[32];
	bool found = false;
	int64_t last = now;
	sqlite3_stmt *q;
	st = meta_get(s, "swept_utc", buf, sizeof buf, &found, e);
	if (st == IRM_OK && found) {
		last = strtoll(buf, NULL, 10);
	} else if (st == IRM_OK && (q = stmt(s, Q_FIRST_KEYED, e))) {
		sqlite3_bind_int64(q, 1, now);
		int rc = sqlite3_step(q);
		if (rc == SQLITE_ROW && sqlite3_column_int64(q, 0) < now)  /* a clock behind: now */
			last = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
		if (rc != SQLITE_ROW)
			st = sql_error(s, e, "reading when the feed began");
	} else if (st == IRM_OK) {
		st = IRM_ECACHE;
	}
	if (st == IRM_OK && last < now) {
		const int sweeps[] = { Q_SWEEP_TRIPS, Q_SWEEP_ALERTS, Q_SWEEP_GREETINGS };
		for (size_t i = 0; i < 3 && st == IRM_OK; i++) {
			if (!(q = stmt(s, sweeps[i], e))) {
				st = IRM_ECACHE;
				break;
			}
			sqlite3_bind_int64(q, 1, last + s->opts.station_ahead);
			sqlite3_bind_int64(q, 2, now + s->opts.station_ahead);
			sqlite3_bind_int64(q, 3, last - s->opts.station_past);
			sqlite3_bind_int64(q, 4, now - s->opts.station_past);
			st = step_done(s, q, "sweeping the station windows", e);
		}
	}
	if (st == IRM_OK)
		st = store_publish(s, now, woken, e);
	if (st == IRM_OK)
		st = meta_put_int(s, "swept_utc", now > last ? now : last, e);
	/* Replaced entries go first, those this publish replaced too: a
	 * replaced tombstone is no purged one that a cursor missed. */
	if (st == IRM_OK)
		st = compact(s, e);

	/* Tombstones past their time. A cursor of a scope from before the
	 * newest purged under one of its keys may have missed it: it must
	 * refetch (store_cursor_check). */
	int64_t cutoff = now - s->opts.tombstone_ttl;
	if (st == IRM_OK && !(q = stmt(s, Q_TOMB_MAX, e)))
		st = IRM_ECACHE;
	if (st == IRM_OK) {
		sqlite3_bind_int64(q, 1, cutoff);
		int rc = sqlite3_step(q);
		bool any = rc == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL;
		sqlite3_reset(q);
		if (rc != SQLITE_ROW)
			st = sql_error(s, e, "finding old tombstones");
		const int steps[] = { Q_PURGED_NOTE, Q_TOMB_PURGE, Q_DOCS_PURGE };
		for (size_t i = 0; any && st == IRM_OK && i < 3; i++) {
			if (!(q = stmt(s, steps[i], e))) {
				st = IRM_ECACHE;
				break;
			}
			sqlite3_bind_int64(q, 1, cutoff);
			st = step_done(s, q, "purging tombstones", e);
		}
		/* documents a round read before this may be gone (store_round_write) */
		int64_t n = 0;
		if (any && st == IRM_OK && (st = meta_get_int(s, "docs_purged", &n, e)) == IRM_OK)
			st = meta_put_int(s, "docs_purged", n + 1, e);
	}
	if (st == IRM_OK)
		st = cache_commit(s->cache, e);
	if (st != IRM_OK)
		cache_rollback(s->cache);
	return st;
}

enum irm_status store_checkpoint(struct store *s, struct irm_err *e)
{
	int log = 0, done = 0;
	int rc = copy_log(s, &log);
	/* Under a steady stream of writes the log is seldom found wholly copied
	 * when a write begins, so it is seldom begun again. Once it is long,
	 * copy the rest and restart it if that can be done between two
	 * writes; writers themselves copy it past 64 MB (store_open). */
	if (rc == SQLITE_OK && log >= WAL_RESTART_FRAMES) {
		/* briefly: a long reader (a backup) must not hold writers up */
		busy_wait_for(s, 50);
		rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_RESTART, &log, &done);
		busy_wait_for(s, CACHE_BUSY_MS);
		if (rc == SQLITE_OK) {  /* begun again by the next write */
			atomic_store(&log_pages, 0);
			atomic_store(&log_copied, 0);
		}
	}
	return rc == SQLITE_OK || rc == SQLITE_BUSY ? IRM_OK : sql_error(s, e, "checkpointing");
}

/* --- reading the feed -------------------------------------------------------- */

bool store_read_begin(struct store *s)
{
	return sqlite3_get_autocommit(s->db) &&
	       sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

void store_read_end(struct store *s, bool started)
{
	if (started)
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

enum irm_status store_last_seq(struct store *s, int64_t *seq, struct irm_err *e)
{
	return one_int(s, Q_LAST_SEQ, seq, "reading the feed's end", e);
}

bool store_cursor_parse(const char *text, struct store_cursor *out)
{
	memset(out, 0, sizeof *out);
	if (!text || !*text)
		return true;
	const char *dash = strrchr(text, '-');
	size_t n = dash ? (size_t)(dash - text) : 0;
	if (!dash || n == 0 || n >= sizeof out->epoch)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
			return false;
	const char *p = dash + 1;
	if (!*p || strlen(p) > 18)
		return false;
	int64_t v = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	memcpy(out->epoch, text, n);
	out->epoch[n] = '\0';
	out->seq = v;
	return true;
}

static char *keys_json(const char *const *keys, size_t n);

enum irm_status store_cursor_check(struct store *s, const struct store_cursor *c,
				   const char *const *keys, size_t n_keys, const char **reason,
				   struct irm_err *e)
{
	*reason = NULL;
	if (!c->epoch[0])
		return IRM_OK;  /* from the beginning */
	if (strcmp(c->epoch, s->epoch) != 0) {
		*reason = "epoch";  /* the store was replaced */
		return IRM_OK;
	}
	int64_t last;
	enum irm_status st = store_last_seq(s, &last, e);
	if (st != IRM_OK)
		return st;
	if (c->seq > last) {
		*reason = "ahead";  /* the store went back: restored from a backup */
		return IRM_OK;
	}
	sqlite3_stmt *q = stmt(s, Q_PURGED_MAX, e);
	if (!q)
		return IRM_ECACHE;
	char *list = keys_json(keys, n_keys);
	sqlite3_bind_text(q, 1, list, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW && c->seq < sqlite3_column_int64(q, 0))
		*reason = "expired";  /* tombstones it has not seen are gone */
	sqlite3_reset(q);
	free(list);
	return rc == SQLITE_ROW ? IRM_OK : sql_error(s, e, "reading the purged tombstones");
}

/* The scope's keys as a JSON array, for json_each(). */
static char *keys_json(const char *const *keys, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(keys[i]));
	return dump(a);
}

enum irm_status store_changes(struct store *s, const char *const *keys, size_t n_keys,
			      int64_t after, size_t limit, bool kiosk, struct jsonw *w,
			      int64_t *next, size_t *n, bool *more, struct irm_err *e)
{
	char *list = n_keys > 1 ? keys_json(keys, n_keys) : NULL;
	sqlite3_stmt *q = stmt(s, n_keys > 1 ? Q_PAGE_MANY : Q_PAGE_ONE, e);
	struct engine_set seen = { 0 };
	enum irm_status st = IRM_OK;
	size_t rows = 0;
	int rc;

	*n = 0;
	*more = false;
	*next = after;
	if (!q) {
		free(list);
		return IRM_ECACHE;
	}
	bool txn = store_read_begin(s);
	if (n_keys > 1)
		sqlite3_bind_text(q, 1, list, -1, SQLITE_STATIC);
	else
		bind_str(q, 1, keys[0]);
	sqlite3_bind_int64(q, 2, after);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)limit + 1);
	sqlite3_bind_int(q, 4, kiosk);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (rows == limit) {
			*more = true;
			break;
		}
		rows++;
		int64_t seq = sqlite3_column_int64(q, 0);
		const char *kind = (const char *)sqlite3_column_text(q, 1);
		const char *id = (const char *)sqlite3_column_text(q, 2);
		const char *op = (const char *)sqlite3_column_text(q, 3);
		*next = seq;
		if (n_keys > 1) {
			/* Under several keys a row may come more than once. An
			 * eviction or a deletion from one key is skipped while
			 * another listed key holds the row now (it left one
			 * customer, or came back): that key's upsert stands. */
			if (strcmp(op, "upsert") != 0 &&
			    marks_hold((const char *)sqlite3_column_text(q, 6), keys, n_keys))
				continue;
			char both[600];
			snprintf(both, sizeof both, "%s\x1f%s", kind, id);
			size_t before = seen.n;
			engine_set_add(&seen, both);  /* marked only when sent */
			if (seen.n == before)
				continue;
		}
		jsonw_object(w);
		jsonw_key(w, "seq");
		jsonw_int(w, seq);
		jsonw_key(w, "kind");
		jsonw_str(w, kind);
		jsonw_key(w, "op");
		jsonw_str(w, op);
		jsonw_key(w, "id");
		jsonw_str(w, id);
		jsonw_key(w, "version");
		jsonw_int(w, sqlite3_column_int64(q, 4));
		jsonw_key(w, "data");
		const char *data = (const char *)sqlite3_column_text(q, 5);
		if (data)
			jsonw_raw(w, data, (size_t)sqlite3_column_bytes(q, 5));
		else
			jsonw_null(w);
		jsonw_end(w);
		(*n)++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		st = sql_error(s, e, "reading the feed");
	sqlite3_reset(q);
	store_read_end(s, txn);
	engine_set_free(&seen);
	free(list);
	return st;
}

enum irm_status store_in_key(struct store *s, const char *kind, const char *id, const char *key,
			     bool *in, struct irm_err *e)
{
	sqlite3_stmt *q = stmt(s, Q_IN_KEY, e);
	if (!q)
		return IRM_ECACHE;
	bind_str(q, 1, kind);
	bind_str(q, 2, id);
	int rc = sqlite3_step(q);
	*in = rc == SQLITE_ROW && marks_hold((const char *)sqlite3_column_text(q, 0), &key, 1);
	sqlite3_reset(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? IRM_OK : sql_error(s, e, "reading a scope");
}

/* --- actions ----------------------------------------------------------------- */

enum irm_status store_action_get(struct store *s, const char *console_id, int64_t seq,
				 char **result, struct irm_err *e)
{
	sqlite3_stmt *q = stmt(s, Q_ACTION_GET, e);
	*result = NULL;
	if (!q)
		return IRM_ECACHE;
	bind_str(q, 1, console_id);
	sqlite3_bind_int64(q, 2, seq);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*result = xstrdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_reset(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? IRM_OK
						     : sql_error(s, e, "reading the actions log");
}

enum irm_status store_action_put(struct store *s, const char *console_id, int64_t seq,
				 const char *kind, const char *result, int64_t now,
				 struct irm_err *e)
{
	sqlite3_stmt *q = stmt(s, Q_ACTION_PUT, e);
	if (!q)
		return IRM_ECACHE;
	bind_str(q, 1, console_id);
	sqlite3_bind_int64(q, 2, seq);
	bind_str(q, 3, kind);
	bind_str(q, 4, result);
	sqlite3_bind_int64(q, 5, now);
	return step_done(s, q, "writing the actions log", e);
}

enum irm_status store_segment_origin(struct store *s, const char *segment_id, char origin[4],
				     struct irm_err *e)
{
	sqlite3_stmt *q = stmt(s, Q_SEGMENT_ORIGIN, e);
	if (!q)
		return IRM_ECACHE;
	bind_str(q, 1, segment_id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		snprintf(origin, 4, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_reset(q);
	if (rc == SQLITE_DONE)
		return err_set(e, IRM_ENOTFOUND, "no leg '%s'", segment_id);
	return rc == SQLITE_ROW ? IRM_OK : sql_error(s, e, "reading a leg");
}

enum irm_status store_keep_opts(struct store *s, struct irm_err *e)
{
	enum irm_status st = meta_put_int(s, "station_past", s->opts.station_past, e);
	if (st == IRM_OK)
		st = meta_put_int(s, "station_ahead", s->opts.station_ahead, e);
	return st;
}

enum irm_status store_new_epoch(struct store *s, struct irm_err *e)
{
	char epoch[17];
	enum irm_status st = cache_random_hex(epoch, 8, e);
	if (st == IRM_OK)
		st = meta_put(s, "epoch", epoch, e);
	if (st == IRM_OK)
		snprintf(s->epoch, sizeof s->epoch, "%s", epoch);
	return st;
}

enum irm_status store_greet(struct store *s, const char *segment_id, const char *customer_id,
			    const char *who, int64_t now, bool *added, struct irm_err *e)
{
	sqlite3_stmt *q = stmt(s, Q_GREET_SEGMENT, e);
	*added = false;
	if (!q)
		return IRM_ECACHE;
	bind_str(q, 1, segment_id);
	bind_str(q, 2, customer_id);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc == SQLITE_DONE)
		return err_set(e, IRM_ENOTFOUND, "no passenger '%s' on a leg '%s'", customer_id,
			       segment_id);
	if (rc != SQLITE_ROW)
		return sql_error(s, e, "finding a passenger");
	if (!(q = stmt(s, Q_GREET_PUT, e)))
		return IRM_ECACHE;
	bind_str(q, 1, segment_id);
	bind_str(q, 2, customer_id);
	bind_str(q, 3, who);
	sqlite3_bind_int64(q, 4, now);
	enum irm_status st = step_done(s, q, "recording a greeting", e);
	*added = st == IRM_OK && sqlite3_changes(s->db) > 0;
	return st;
}
