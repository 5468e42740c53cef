/* schema.c — the cache's schema, as migrations applied in order.
 *
 * schema_steps[i] takes a cache at user_version i to i+1. Never edit a step
 * that has shipped: add a new one. Times are stored as UTC seconds with the
 * offset they were written in (minutes), dates as 'YYYY-MM-DD'. */
#include "internal.h"

/* The indexes of the big tables, by name. A bulk load of a new cache drops
 * them first and builds them once at the end, which is several times
 * faster than keeping them up to date row by row. */
#define SCHEMA_INDEX_LIST(X)                                                              \
	X("customers_id", "CREATE UNIQUE INDEX customers_id ON customers(id)")            \
	X("customers_member", "CREATE INDEX customers_member ON customers(member_key)")   \
	X("customers_member_num", "CREATE INDEX customers_member_num ON customers(member_num)") \
	X("customers_email", "CREATE INDEX customers_email ON customers(email_key)")      \
	X("customers_phone", "CREATE INDEX customers_phone ON customers(phone_rev)")      \
	X("trips_id", "CREATE UNIQUE INDEX trips_id ON trips(id)")                        \
	X("trips_pnr", "CREATE INDEX trips_pnr ON trips(pnr)")                            \
	X("passengers_customer", "CREATE INDEX passengers_customer ON passengers(customer_id)" \
	  " WHERE customer_id IS NOT NULL")                                               \
	X("segments_id", "CREATE UNIQUE INDEX segments_id ON segments(id)")               \
	X("segments_trip", "CREATE INDEX segments_trip ON segments(trip, pos)")

#define SCHEMA_INDEX_SQL(name, sql) sql ";"
#define SCHEMA_INDEX_ENTRY(name, sql) { name, sql },

const struct schema_index schema_indexes[] = { SCHEMA_INDEX_LIST(SCHEMA_INDEX_ENTRY) };
const int schema_n_indexes = (int)(sizeof schema_indexes / sizeof schema_indexes[0]);

const char *const schema_steps[] = {
	/* 0 → 1: the foundation. */
	"CREATE TABLE meta("
	"  key   TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	") WITHOUT ROWID;"

	/* tier: 0 Member … 4 Diamond (core/model.h); member_key is the member
	 * number upper-cased, member_num its digits; email_key lower-cased;
	 * phone_rev the phone's digits reversed, so "ends with" is a prefix. */
	"CREATE TABLE customers("
	"  rid              INTEGER PRIMARY KEY,"
	"  id               TEXT NOT NULL,"
	"  member           TEXT,"
	"  member_key       TEXT,"
	"  member_num       TEXT,"
	"  name             TEXT NOT NULL,"
	"  email            TEXT,"
	"  email_key        TEXT,"
	"  phone            TEXT,"
	"  phone_rev        TEXT,"
	"  birth_date       TEXT,"
	"  member_since     TEXT,"
	"  home_airport     TEXT,"
	"  tier             INTEGER NOT NULL DEFAULT 0,"
	"  lifetime_miles   INTEGER NOT NULL DEFAULT 0,"
	"  lifetime_flights INTEGER NOT NULL DEFAULT 0,"
	"  ytd_miles        INTEGER NOT NULL DEFAULT 0,"
	"  ytd_segments     INTEGER NOT NULL DEFAULT 0,"
	"  recognition      TEXT NOT NULL DEFAULT 'public',"
	"  version          INTEGER NOT NULL DEFAULT 1,"
	"  digest           INTEGER NOT NULL DEFAULT 0"
	");"

	"CREATE TABLE trips("
	"  rid            INTEGER PRIMARY KEY,"
	"  id             TEXT NOT NULL,"
	"  pnr            TEXT,"
	"  booked_utc     INTEGER,"
	"  booked_off     INTEGER,"
	"  channel        TEXT NOT NULL,"
	"  corporate_code TEXT,"
	"  version        INTEGER NOT NULL DEFAULT 1,"
	"  digest         INTEGER NOT NULL DEFAULT 0"
	");"

	"CREATE TABLE passengers("
	"  trip        INTEGER NOT NULL REFERENCES trips(rid) ON DELETE CASCADE,"
	"  pos         INTEGER NOT NULL,"
	"  customer_id TEXT,"
	"  name        TEXT,"
	"  age_band    TEXT NOT NULL,"
	"  PRIMARY KEY(trip, pos)"
	") WITHOUT ROWID;"

	"CREATE TABLE segments("
	"  rid         INTEGER PRIMARY KEY,"
	"  id          TEXT NOT NULL,"
	"  trip        INTEGER NOT NULL REFERENCES trips(rid) ON DELETE CASCADE,"
	"  pos         INTEGER NOT NULL,"
	"  carrier     TEXT,"
	"  flight      TEXT,"
	"  origin      TEXT NOT NULL,"
	"  destination TEXT NOT NULL,"
	"  dep_utc     INTEGER NOT NULL,"
	"  dep_off     INTEGER NOT NULL,"
	"  arr_utc     INTEGER,"
	"  arr_off     INTEGER,"
	"  cabin       TEXT NOT NULL,"
	"  fare_class  TEXT,"
	"  status      TEXT NOT NULL,"
	"  status_at   INTEGER,"
	"  miles       INTEGER NOT NULL"
	");"

	"CREATE TABLE seats("
	"  segment   INTEGER NOT NULL REFERENCES segments(rid) ON DELETE CASCADE,"
	"  passenger TEXT NOT NULL,"
	"  seat      TEXT NOT NULL,"
	"  PRIMARY KEY(segment, passenger)"
	") WITHOUT ROWID;"

	"CREATE TABLE hotel_stays("
	"  trip   INTEGER NOT NULL REFERENCES trips(rid) ON DELETE CASCADE,"
	"  pos    INTEGER NOT NULL,"
	"  name   TEXT NOT NULL,"
	"  stars  INTEGER,"
	"  nights INTEGER NOT NULL,"
	"  PRIMARY KEY(trip, pos)"
	") WITHOUT ROWID;"

	SCHEMA_INDEX_LIST(SCHEMA_INDEX_SQL)

	/* Alerts: one per (customer, rule, threshold); the id says which. */
	"CREATE TABLE alerts("
	"  id          TEXT PRIMARY KEY,"
	"  customer_id TEXT NOT NULL,"
	"  kind        TEXT NOT NULL,"
	"  threshold   INTEGER,"
	"  state       TEXT NOT NULL,"
	"  segment_id  TEXT,"
	"  title       TEXT,"
	"  message     TEXT,"
	"  priority    INTEGER NOT NULL DEFAULT 0,"
	"  due_utc     INTEGER,"
	"  assigned_to TEXT,"
	"  created_utc INTEGER NOT NULL,"
	"  updated_utc INTEGER NOT NULL,"
	"  version     INTEGER NOT NULL DEFAULT 1"
	") WITHOUT ROWID;"
	"CREATE INDEX alerts_customer ON alerts(customer_id, state);"
	"CREATE INDEX alerts_state ON alerts(state, due_utc);"

	"CREATE TABLE alert_history("
	"  alert_id   TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,"
	"  seq        INTEGER NOT NULL,"
	"  at_utc     INTEGER NOT NULL,"
	"  who        TEXT NOT NULL,"
	"  from_state TEXT,"
	"  to_state   TEXT NOT NULL,"
	"  note       TEXT,"
	"  PRIMARY KEY(alert_id, seq)"
	") WITHOUT ROWID;"

	"CREATE TABLE notes("
	"  rid         INTEGER PRIMARY KEY,"
	"  id          TEXT UNIQUE,"
	"  customer_id TEXT NOT NULL,"
	"  at_utc      INTEGER NOT NULL,"
	"  author      TEXT NOT NULL,"
	"  body        TEXT NOT NULL"
	");"
	"CREATE INDEX notes_customer ON notes(customer_id, at_utc);"

	/* Local actions waiting to upload, numbered 1, 2, 3… for the console. */
	"CREATE TABLE outbox("
	"  seq         INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  kind        TEXT NOT NULL,"
	"  body        TEXT NOT NULL,"
	"  created_utc INTEGER NOT NULL,"
	"  state       TEXT NOT NULL DEFAULT 'waiting',"
	"  result      TEXT"
	");"

	"CREATE TABLE sync_state("
	"  scope      TEXT PRIMARY KEY,"
	"  cursor     TEXT,"
	"  epoch      TEXT,"
	"  synced_utc INTEGER"
	") WITHOUT ROWID;"

	/* Search: names in a full-text index over customers.name (folded,
	 * accents removed, prefix indexes for search as you type), and the
	 * distinct name terms with their one-letter deletions for typos. */
	"CREATE VIRTUAL TABLE customer_fts USING fts5("
	"  name, content='customers', content_rowid='rid',"
	"  tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');"
	"CREATE VIRTUAL TABLE customer_vocab USING fts5vocab(customer_fts, 'row');"
	"CREATE TABLE name_terms("
	"  term TEXT PRIMARY KEY"
	") WITHOUT ROWID;"
	"CREATE TABLE name_deletes("
	"  del  TEXT NOT NULL,"
	"  term TEXT NOT NULL,"
	"  PRIMARY KEY(del, term)"
	") WITHOUT ROWID;",

	/* 1 → 2: how an alert was closed (done: the action taken; dismissed:
	 * the reason), and alerts by the leg they name (a flight's passengers). */
	"ALTER TABLE alerts ADD COLUMN action TEXT;"
	"ALTER TABLE alerts ADD COLUMN reason TEXT;"
	"CREATE INDEX alerts_segment ON alerts(segment_id) WHERE segment_id IS NOT NULL;",

	/* 2 → 3: the supervisor's queue over every customer's alerts.
	 * leg_origin: the origin of the alert's leg as the cache had it when
	 * the alert was last written (NULL when the leg was not there), so a
	 * station filter looks up only the legs of the alerts at that station.
	 * One index per order of the queue (data/alerts.c: by due time, by
	 * age, by priority), each led by the state and holding what the
	 * filters test, so a page is read from the index alone; the first
	 * makes alerts_state redundant. The histories by time, for how the
	 * queue is moving. */
	"ALTER TABLE alerts ADD COLUMN leg_origin TEXT;"
	"UPDATE alerts SET leg_origin = (SELECT origin FROM segments s WHERE s.id = alerts.segment_id)"
	" WHERE segment_id IS NOT NULL;"
	"DROP INDEX alerts_state;"
	"CREATE INDEX alerts_queue_due ON alerts(state, due_utc IS NULL, due_utc, priority, id,"
	" kind, leg_origin, assigned_to, segment_id);"
	"CREATE INDEX alerts_queue_age ON alerts(state, created_utc, id,"
	" kind, leg_origin, assigned_to, segment_id);"
	"CREATE INDEX alerts_queue_priority ON alerts(state, priority, due_utc IS NULL, due_utc, id,"
	" kind, leg_origin, assigned_to, segment_id);"
	"CREATE INDEX alert_history_at ON alert_history(at_utc, from_state, to_state);",
};

const int schema_n_steps = (int)(sizeof schema_steps / sizeof schema_steps[0]);
