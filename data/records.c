/* records.c — upserting customers, trips and segment status changes.
 *
 * Each record kind has one put function. A record's content is summarised by
 * a 64-bit digest (FNV-1a over every field) so that a record without a
 * version is applied only when something in it changed. */
#include "records.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "internal.h"
#include "mem.h"

/* --- digests ------------------------------------------------------------- */

struct digest {
	uint64_t h;
};

static void dg_bytes(struct digest *d, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		d->h ^= b[i];
		d->h *= 0x100000001b3u;
	}
}

static void dg_str(struct digest *d, const char *s)
{
	/* NULL and "" differ: a marker byte, then the text and its end. */
	unsigned char mark = s ? 1 : 0;
	dg_bytes(d, &mark, 1);
	if (s)
		dg_bytes(d, s, strlen(s) + 1);
}

static void dg_int(struct digest *d, int64_t v)
{
	dg_bytes(d, &v, sizeof v);
}

static void dg_time(struct digest *d, struct irm_time t)
{
	dg_int(d, t.utc);
	dg_int(d, t.off_min);
}

static int64_t customer_digest(const struct customer *c)
{
	struct digest d = { 0xcbf29ce484222325u };
	dg_str(&d, c->id);
	dg_str(&d, c->member);
	dg_str(&d, c->name);
	dg_str(&d, c->email);
	dg_str(&d, c->phone);
	dg_int(&d, c->birth_date);
	dg_int(&d, c->member_since);
	dg_str(&d, c->home_airport);
	dg_int(&d, c->tier);
	dg_int(&d, c->lifetime_miles);
	dg_int(&d, c->lifetime_flights);
	dg_int(&d, c->ytd_miles);
	dg_int(&d, c->ytd_segments);
	dg_int(&d, c->recognition);
	return (int64_t)(d.h >> 1);
}

static int64_t trip_digest(const struct trip *t)
{
	struct digest d = { 0xcbf29ce484222325u };
	dg_str(&d, t->id);
	dg_str(&d, t->pnr);
	dg_int(&d, t->has_booked_at);
	dg_time(&d, t->booked_at);
	dg_int(&d, t->channel);
	dg_str(&d, t->corporate_code);
	dg_int(&d, (int64_t)t->n_passengers);
	for (size_t i = 0; i < t->n_passengers; i++) {
		dg_str(&d, t->passengers[i].customer_id);
		dg_str(&d, t->passengers[i].name);
		dg_int(&d, t->passengers[i].age_band);
	}
	dg_int(&d, (int64_t)t->n_segments);
	for (size_t i = 0; i < t->n_segments; i++) {
		const struct segment *s = &t->segments[i];
		dg_str(&d, s->id);
		dg_str(&d, s->carrier);
		dg_str(&d, s->flight);
		dg_str(&d, s->origin);
		dg_str(&d, s->destination);
		dg_time(&d, s->departure);
		dg_int(&d, s->has_arrival);
		dg_time(&d, s->arrival);
		dg_int(&d, s->cabin);
		dg_int(&d, s->fare_class);
		dg_int(&d, s->status);
		dg_int(&d, s->miles);
		dg_int(&d, (int64_t)s->n_seats);
		for (size_t j = 0; j < s->n_seats; j++) {
			dg_str(&d, s->seats[j].passenger);
			dg_str(&d, s->seats[j].seat);
		}
	}
	dg_int(&d, (int64_t)t->n_hotels);
	for (size_t i = 0; i < t->n_hotels; i++) {
		dg_str(&d, t->hotels[i].name);
		dg_int(&d, t->hotels[i].stars);
		dg_int(&d, t->hotels[i].nights);
	}
	return (int64_t)(d.h >> 1);
}

/* --- search keys ---------------------------------------------------------- */

static void key_upper(const char *s, char *out, size_t size)
{
	size_t n = 0;
	for (; s && *s && n + 1 < size; s++)
		out[n++] = (char)toupper((unsigned char)*s);
	out[n] = '\0';
}

static void key_lower(const char *s, char *out, size_t size)
{
	size_t n = 0;
	for (; s && *s && n + 1 < size; s++)
		out[n++] = (char)tolower((unsigned char)*s);
	out[n] = '\0';
}

static void key_digits(const char *s, char *out, size_t size, bool reversed)
{
	size_t n = 0;
	for (; s && *s && n + 1 < size; s++)
		if (isdigit((unsigned char)*s))
			out[n++] = *s;
	out[n] = '\0';
	if (reversed)
		for (size_t i = 0; i < n / 2; i++) {
			char t = out[i];
			out[i] = out[n - 1 - i];
			out[n - 1 - i] = t;
		}
}

static int bind_key(sqlite3_stmt *st, int i, const char *key)
{
	return *key ? sqlite3_bind_text(st, i, key, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

static int bind_date(sqlite3_stmt *st, int i, int32_t days)
{
	char buf[11];
	if (days == DATE_NONE)
		return sqlite3_bind_null(st, i);
	date_format(days, buf);
	return sqlite3_bind_text(st, i, buf, -1, SQLITE_TRANSIENT);
}

/* --- customers ------------------------------------------------------------ */

static const char SQL_CUSTOMER_GET[] =
	"SELECT rid, version, digest, name FROM customers WHERE id = ?1";
static const char SQL_CUSTOMER_INSERT[] =
	"INSERT INTO customers(id, member, member_key, member_num, name, email, email_key,"
	" phone, phone_rev, birth_date, member_since, home_airport, tier, lifetime_miles,"
	" lifetime_flights, ytd_miles, ytd_segments, recognition, version, digest)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
	" ?18, ?19, ?20)";
static const char SQL_CUSTOMER_UPDATE[] =
	"UPDATE customers SET member = ?2, member_key = ?3, member_num = ?4, name = ?5,"
	" email = ?6, email_key = ?7, phone = ?8, phone_rev = ?9, birth_date = ?10,"
	" member_since = ?11, home_airport = ?12, tier = ?13, lifetime_miles = ?14,"
	" lifetime_flights = ?15, ytd_miles = ?16, ytd_segments = ?17, recognition = ?18,"
	" version = ?19, digest = ?20 WHERE id = ?1";

static void bind_customer(sqlite3_stmt *st, const struct customer *cu, int64_t version,
			  int64_t digest)
{
	char member_key[64], member_num[64], email_key[256], phone_rev[32];

	key_upper(cu->member, member_key, sizeof member_key);
	key_digits(cu->member, member_num, sizeof member_num, false);
	key_lower(cu->email, email_key, sizeof email_key);
	key_digits(cu->phone, phone_rev, sizeof phone_rev, true);

	cache_bind_text(st, 1, cu->id);
	cache_bind_text(st, 2, cu->member);
	bind_key(st, 3, member_key);
	bind_key(st, 4, member_num);
	cache_bind_text(st, 5, cu->name);
	cache_bind_text(st, 6, cu->email);
	bind_key(st, 7, email_key);
	cache_bind_text(st, 8, cu->phone);
	bind_key(st, 9, phone_rev);
	bind_date(st, 10, cu->birth_date);
	bind_date(st, 11, cu->member_since);
	cache_bind_text(st, 12, cu->home_airport[0] ? cu->home_airport : NULL);
	sqlite3_bind_int(st, 13, (int)cu->tier);
	sqlite3_bind_int64(st, 14, cu->lifetime_miles);
	sqlite3_bind_int64(st, 15, cu->lifetime_flights);
	sqlite3_bind_int64(st, 16, cu->ytd_miles);
	sqlite3_bind_int64(st, 17, cu->ytd_segments);
	sqlite3_bind_text(st, 18, model_recognition_name(cu->recognition), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 19, version);
	sqlite3_bind_int64(st, 20, digest);
}

/* Decide what to do with an incoming record given the stored one. The
 * stored version is the source's own (0 when it never gave one): a
 * versioned record applies only when newer; one without applies when its
 * content differs, and leaves the version as it was, so that importing a
 * file again settles on the same rows and versions. */
static enum put_outcome decide(int64_t in_version, int64_t in_digest, int64_t version,
			       int64_t digest, int64_t *new_version)
{
	if (in_version > 0) {
		*new_version = in_version;
		if (in_version < version)
			return PUT_STALE;
		return in_version == version ? PUT_UNCHANGED : PUT_UPDATED;
	}
	*new_version = version;
	return in_digest == digest ? PUT_UNCHANGED : PUT_UPDATED;
}

enum irm_status records_put_customer(struct cache *c, const struct customer *cu,
				     enum put_outcome *out, struct irm_err *e)
{
	int64_t digest = customer_digest(cu), version = cu->version;
	sqlite3_stmt *st;
	char *old_name = NULL;
	long long rid = 0;
	enum put_outcome outcome = PUT_ADDED;
	enum irm_status s = IRM_OK;

	if (!cache_is_bulk(c)) {
		if (!(st = cache_stmt(c, SQL_CUSTOMER_GET, e)))
			return IRM_ECACHE;
		cache_bind_text(st, 1, cu->id);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			rid = sqlite3_column_int64(st, 0);
			outcome = decide(cu->version, digest, sqlite3_column_int64(st, 1),
					 sqlite3_column_int64(st, 2), &version);
			if (outcome == PUT_UPDATED)
				old_name = xstrdup((const char *)sqlite3_column_text(st, 3));
		} else if (rc != SQLITE_DONE) {
			return cache_sql_error(c, e, "reading a customer");
		}
		sqlite3_reset(st);
	}
	if (out)
		*out = outcome;
	if (outcome == PUT_UNCHANGED || outcome == PUT_STALE)
		return IRM_OK;

	st = cache_stmt(c, outcome == PUT_ADDED ? SQL_CUSTOMER_INSERT : SQL_CUSTOMER_UPDATE, e);
	if (!st) {
		free(old_name);
		return IRM_ECACHE;
	}
	bind_customer(st, cu, version, digest);
	if (sqlite3_step(st) != SQLITE_DONE) {
		s = cache_sql_error(c, e, "writing a customer");
	} else if (!cache_is_bulk(c)) {
		if (outcome == PUT_ADDED)
			rid = sqlite3_last_insert_rowid(cache_db(c));
		if (!old_name || strcmp(old_name, cu->name) != 0)
			s = search_index_name(c, rid, old_name, cu->name, e);
	}
	sqlite3_reset(st);
	free(old_name);
	return s;
}

/* --- trips ----------------------------------------------------------------- */

static const char SQL_TRIP_GET[] = "SELECT rid, version, digest FROM trips WHERE id = ?1";
static const char SQL_TRIP_INSERT[] =
	"INSERT INTO trips(id, pnr, booked_utc, booked_off, channel, corporate_code, version, digest)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_TRIP_UPDATE[] =
	"UPDATE trips SET pnr = ?2, booked_utc = ?3, booked_off = ?4, channel = ?5,"
	" corporate_code = ?6, version = ?7, digest = ?8 WHERE id = ?1";
static const char SQL_TRIP_CLEAR[] =
	"DELETE FROM segments WHERE trip = ?1;";
static const char SQL_TRIP_CLEAR_PASSENGERS[] = "DELETE FROM passengers WHERE trip = ?1";
static const char SQL_TRIP_CLEAR_HOTELS[] = "DELETE FROM hotel_stays WHERE trip = ?1";
static const char SQL_PASSENGER_INSERT[] =
	"INSERT INTO passengers(trip, pos, customer_id, name, age_band) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_SEGMENT_OWNER[] =
	"SELECT t.id FROM segments s JOIN trips t ON t.rid = s.trip WHERE s.id = ?1 AND s.trip <> ?2";
static const char SQL_SEGMENT_INSERT[] =
	"INSERT INTO segments(id, trip, pos, carrier, flight, origin, destination, dep_utc, dep_off,"
	" arr_utc, arr_off, cabin, fare_class, status, status_at, miles)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
static const char SQL_SEAT_INSERT[] =
	"INSERT OR REPLACE INTO seats(segment, passenger, seat) VALUES (?1, ?2, ?3)";
static const char SQL_HOTEL_INSERT[] =
	"INSERT INTO hotel_stays(trip, pos, name, stars, nights) VALUES (?1, ?2, ?3, ?4, ?5)";

static enum irm_status step_done(struct cache *c, sqlite3_stmt *st, const char *doing,
				 struct irm_err *e)
{
	enum irm_status s = sqlite3_step(st) == SQLITE_DONE ? IRM_OK : cache_sql_error(c, e, doing);
	sqlite3_reset(st);
	return s;
}

/* The customers on a trip (by its row id). */
static const char SQL_TRIP_CUSTOMERS[] =
	"SELECT customer_id FROM passengers WHERE trip = ?1 AND customer_id IS NOT NULL";
/* Add (or, for a correction, take back) one flown leg for a customer;
 * year-to-date figures only when the leg departed this year. */
static const char SQL_CREDIT_FLOWN[] =
	"UPDATE customers SET lifetime_miles = max(0, lifetime_miles + ?2 * ?3),"
	" lifetime_flights = max(0, lifetime_flights + ?2),"
	" ytd_miles = max(0, ytd_miles + ?4 * ?2 * ?3),"
	" ytd_segments = max(0, ytd_segments + ?4 * ?2)"
	" WHERE id = ?1";

/* The customer ids a bound statement yields added to *set, each once. */
static enum irm_status members(struct cache *c, sqlite3_stmt *st, struct engine_set *set,
			       struct irm_err *e)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		engine_set_add(set, (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IRM_OK : cache_sql_error(c, e, "finding a trip's members");
}

/* The customers on trip `trip` (its row id) added to *who. */
static enum irm_status trip_customers(struct cache *c, long long trip, struct engine_set *who,
				      struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_TRIP_CUSTOMERS, e);
	if (!st)
		return IRM_ECACHE;
	sqlite3_bind_int64(st, 1, trip);
	return members(c, st, who, e);
}

/* A leg that became flown (sign 1) or stopped being flown (-1): credit or
 * take back its miles and one flight for each of the trip's members
 * (`who`, from trip_customers); year-to-date figures only when it
 * departed this year. */
static enum irm_status credit_flown(struct cache *c, const struct engine_set *who, int sign,
				    int miles, int64_t departure, struct irm_err *e)
{
	int y_dep, y_now, m, d;
	int64_t now = clock_now();
	enum irm_status s = IRM_OK;
	date_to_ymd((int32_t)(departure / 86400 - (departure % 86400 < 0)), &y_dep, &m, &d);
	date_to_ymd((int32_t)(now / 86400 - (now % 86400 < 0)), &y_now, &m, &d);
	for (size_t i = 0; i < who->n && s == IRM_OK; i++) {
		sqlite3_stmt *st = cache_stmt(c, SQL_CREDIT_FLOWN, e);
		if (!st)
			return IRM_ECACHE;
		sqlite3_bind_text(st, 1, who->ids[i], -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, sign);
		sqlite3_bind_int(st, 3, miles);
		sqlite3_bind_int(st, 4, y_dep == y_now);
		s = step_done(c, st, "crediting a flown leg", e);
	}
	return s;
}

/* What a segment was before its trip was replaced. */
struct old_segment {
	char id[72];
	enum seg_status status;
	int64_t status_at;          /* set when a segment_status event made it so */
};

static enum irm_status put_segment(struct cache *c, long long trip_rid, size_t pos,
				   const struct segment *sg, enum seg_status status,
				   int64_t status_at, struct irm_err *e)
{
	sqlite3_stmt *st;
	enum irm_status s;

	if (!cache_is_bulk(c)) {
		if (!(st = cache_stmt(c, SQL_SEGMENT_OWNER, e)))
			return IRM_ECACHE;
		cache_bind_text(st, 1, sg->id);
		sqlite3_bind_int64(st, 2, trip_rid);
		if (sqlite3_step(st) == SQLITE_ROW) {
			s = err_set(e, IRM_EINPUT, "segments[%zu].id: segment '%s' belongs to trip '%s'",
				    pos, sg->id, (const char *)sqlite3_column_text(st, 0));
			sqlite3_reset(st);
			return s;
		}
		sqlite3_reset(st);
	}
	if (!(st = cache_stmt(c, SQL_SEGMENT_INSERT, e)))
		return IRM_ECACHE;
	char cabin[2] = { model_cabin_letter(sg->cabin), 0 }, fare[2] = { sg->fare_class, 0 };
	cache_bind_text(st, 1, sg->id);
	sqlite3_bind_int64(st, 2, trip_rid);
	sqlite3_bind_int(st, 3, (int)pos);
	cache_bind_text(st, 4, sg->carrier);
	cache_bind_text(st, 5, sg->flight);
	cache_bind_text(st, 6, sg->origin);
	cache_bind_text(st, 7, sg->destination);
	sqlite3_bind_int64(st, 8, sg->departure.utc);
	sqlite3_bind_int(st, 9, sg->departure.off_min);
	if (sg->has_arrival) {
		sqlite3_bind_int64(st, 10, sg->arrival.utc);
		sqlite3_bind_int(st, 11, sg->arrival.off_min);
	}
	cache_bind_text(st, 12, cabin);
	cache_bind_text(st, 13, fare[0] ? fare : NULL);
	sqlite3_bind_text(st, 14, model_seg_status_name(status), -1, SQLITE_STATIC);
	if (status_at)
		sqlite3_bind_int64(st, 15, status_at);
	sqlite3_bind_int(st, 16, sg->miles);
	if ((s = step_done(c, st, "writing a segment", e)) != IRM_OK)
		return s;
	if (!sg->n_seats)
		return IRM_OK;
	long long seg_rid = sqlite3_last_insert_rowid(cache_db(c));
	for (size_t i = 0; i < sg->n_seats && s == IRM_OK; i++) {
		if (!(st = cache_stmt(c, SQL_SEAT_INSERT, e)))
			return IRM_ECACHE;
		sqlite3_bind_int64(st, 1, seg_rid);
		cache_bind_text(st, 2, sg->seats[i].passenger);
		cache_bind_text(st, 3, sg->seats[i].seat);
		s = step_done(c, st, "writing a seat", e);
	}
	return s;
}

static enum irm_status clear_trip(struct cache *c, long long rid, struct irm_err *e)
{
	const char *const sqls[] = { SQL_TRIP_CLEAR, SQL_TRIP_CLEAR_PASSENGERS, SQL_TRIP_CLEAR_HOTELS };
	for (size_t i = 0; i < sizeof sqls / sizeof sqls[0]; i++) {
		sqlite3_stmt *st = cache_stmt(c, sqls[i], e);
		if (!st)
			return IRM_ECACHE;
		sqlite3_bind_int64(st, 1, rid);
		enum irm_status s = step_done(c, st, "replacing a trip", e);
		if (s != IRM_OK)
			return s;
	}
	return IRM_OK;
}

static const char SQL_OLD_SEGMENTS[] =
	"SELECT id, status, coalesce(status_at, 0) FROM segments WHERE trip = ?1";

static enum irm_status old_segments(struct cache *c, long long rid, struct old_segment **out,
				    size_t *n, struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_OLD_SEGMENTS, e);
	size_t cap = 0;
	int rc;

	if (!st)
		return IRM_ECACHE;
	sqlite3_bind_int64(st, 1, rid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		struct old_segment *o = &(*out)[(*n)++];
		snprintf(o->id, sizeof o->id, "%s", (const char *)sqlite3_column_text(st, 0));
		if (!model_seg_status_parse((const char *)sqlite3_column_text(st, 1), &o->status))
			o->status = SEG_BOOKED;
		o->status_at = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IRM_OK : cache_sql_error(c, e, "reading a trip's segments");
}

static enum irm_status put_trip_parts(struct cache *c, long long rid, const struct trip *t,
				      const struct rules *rules, const struct old_segment *olds,
				      size_t n_old, struct irm_err *e);

enum irm_status records_put_trip(struct cache *c, const struct trip *t, const struct rules *rules,
				 enum put_outcome *out, struct irm_err *e)
{
	int64_t digest = trip_digest(t), version = t->version;
	enum put_outcome outcome = PUT_ADDED;
	long long rid = 0;
	sqlite3_stmt *st;
	enum irm_status s;

	if (!cache_is_bulk(c)) {
		if (!(st = cache_stmt(c, SQL_TRIP_GET, e)))
			return IRM_ECACHE;
		cache_bind_text(st, 1, t->id);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			rid = sqlite3_column_int64(st, 0);
			outcome = decide(t->version, digest, sqlite3_column_int64(st, 1),
					 sqlite3_column_int64(st, 2), &version);
		} else if (rc != SQLITE_DONE) {
			return cache_sql_error(c, e, "reading a trip");
		}
		sqlite3_reset(st);
	}
	if (out)
		*out = outcome;
	if (outcome == PUT_UNCHANGED || outcome == PUT_STALE)
		return IRM_OK;

	if (!(st = cache_stmt(c, outcome == PUT_ADDED ? SQL_TRIP_INSERT : SQL_TRIP_UPDATE, e)))
		return IRM_ECACHE;
	cache_bind_text(st, 1, t->id);
	cache_bind_text(st, 2, t->pnr);
	if (t->has_booked_at) {
		sqlite3_bind_int64(st, 3, t->booked_at.utc);
		sqlite3_bind_int(st, 4, t->booked_at.off_min);
	}
	sqlite3_bind_text(st, 5, model_channel_name(t->channel), -1, SQLITE_STATIC);
	cache_bind_text(st, 6, t->corporate_code);
	sqlite3_bind_int64(st, 7, version);
	sqlite3_bind_int64(st, 8, digest);
	if ((s = step_done(c, st, "writing a trip", e)) != IRM_OK)
		return s;
	struct old_segment *olds = NULL;
	size_t n_old = 0;
	if (outcome == PUT_ADDED)
		rid = sqlite3_last_insert_rowid(cache_db(c));
	else if ((s = old_segments(c, rid, &olds, &n_old, e)) != IRM_OK ||
		 (s = clear_trip(c, rid, e)) != IRM_OK) {
		free(olds);
		return s;
	}
	s = put_trip_parts(c, rid, t, rules, olds, n_old, e);
	free(olds);
	return s;
}

/* Passengers, segments and hotel stays of a trip just written. A segment
 * the trip had before keeps a status that a segment_status event gave it
 * (events are more precise than a resent booking); otherwise a change to or
 * from flown credits or takes back its miles. */
static enum irm_status put_trip_parts(struct cache *c, long long rid, const struct trip *t,
				      const struct rules *rules, const struct old_segment *olds,
				      size_t n_old, struct irm_err *e)
{
	sqlite3_stmt *st;
	enum irm_status s = IRM_OK;
	struct engine_set who = { 0 };  /* the members, read at the first credit */
	bool have_who = false;

	for (size_t i = 0; i < t->n_passengers; i++) {
		const struct passenger *p = &t->passengers[i];
		if (!(st = cache_stmt(c, SQL_PASSENGER_INSERT, e)))
			return IRM_ECACHE;
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_int(st, 2, (int)i);
		cache_bind_text(st, 3, p->customer_id);
		cache_bind_text(st, 4, p->name);
		sqlite3_bind_text(st, 5, model_age_band_name(p->age_band), -1, SQLITE_STATIC);
		if ((s = step_done(c, st, "writing a passenger", e)) != IRM_OK)
			return s;
	}
	for (size_t i = 0; i < t->n_segments && s == IRM_OK; i++) {
		const struct segment *sg = &t->segments[i];
		enum seg_status status = sg->status;
		int64_t status_at = 0;
		for (size_t k = 0; k < n_old; k++) {
			if (strcmp(olds[k].id, sg->id) != 0)
				continue;
			if (olds[k].status_at) {
				status = olds[k].status;
				status_at = olds[k].status_at;
			}
			int sign = (status == SEG_FLOWN) - (olds[k].status == SEG_FLOWN);
			if (!sign || !rules_carrier_counts(rules, sg->carrier))
				continue;
			if (!have_who && (s = trip_customers(c, rid, &who, e)) != IRM_OK)
				break;
			have_who = true;
			if ((s = credit_flown(c, &who, sign, sg->miles, sg->departure.utc, e)) != IRM_OK)
				break;
		}
		if (s == IRM_OK)
			s = put_segment(c, rid, i, sg, status, status_at, e);
	}
	engine_set_free(&who);
	if (s != IRM_OK)
		return s;
	for (size_t i = 0; i < t->n_hotels; i++) {
		const struct hotel_stay *h = &t->hotels[i];
		if (!(st = cache_stmt(c, SQL_HOTEL_INSERT, e)))
			return IRM_ECACHE;
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_int(st, 2, (int)i);
		cache_bind_text(st, 3, h->name);
		if (h->stars)
			sqlite3_bind_int(st, 4, h->stars);
		sqlite3_bind_int(st, 5, h->nights);
		if ((s = step_done(c, st, "writing a hotel stay", e)) != IRM_OK)
			return s;
	}
	return IRM_OK;
}

/* --- segment status ------------------------------------------------------- */

static const char SQL_SEGMENT_STATUS_GET[] =
	"SELECT rid, trip, status, status_at, miles, dep_utc, carrier FROM segments WHERE id = ?1";
static const char SQL_SEGMENT_STATUS_SET[] =
	"UPDATE segments SET status = ?2, status_at = ?3 WHERE rid = ?1";
enum irm_status records_put_segment_status(struct cache *c, const struct segment_status *ss,
					   const struct rules *rules, enum put_outcome *out,
					   struct engine_set *touched, struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_SEGMENT_STATUS_GET, e);
	enum irm_status s;

	if (!st)
		return IRM_ECACHE;
	cache_bind_text(st, 1, ss->segment_id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return cache_sql_error(c, e, "reading a segment");
		return err_set(e, IRM_EINPUT, "segment_id: unknown segment '%s'", ss->segment_id);
	}
	long long rid = sqlite3_column_int64(st, 0), trip = sqlite3_column_int64(st, 1);
	enum seg_status old;
	if (!model_seg_status_parse((const char *)sqlite3_column_text(st, 2), &old))
		old = SEG_BOOKED;
	int64_t old_at = sqlite3_column_int64(st, 3);
	int miles = sqlite3_column_int(st, 4);
	int64_t dep = sqlite3_column_int64(st, 5);
	bool counts = rules_carrier_counts(rules, (const char *)sqlite3_column_text(st, 6));
	sqlite3_reset(st);

	int64_t at = ss->has_at ? ss->at.utc : clock_now();
	enum put_outcome outcome = PUT_UPDATED;
	if (old == ss->status)
		outcome = PUT_UNCHANGED;
	else if (ss->has_at && old_at && at < old_at)
		outcome = PUT_STALE;
	if (out)
		*out = outcome;
	if (outcome != PUT_UPDATED)
		return IRM_OK;

	if (!(st = cache_stmt(c, SQL_SEGMENT_STATUS_SET, e)))
		return IRM_ECACHE;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_text(st, 2, model_seg_status_name(ss->status), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at);
	if ((s = step_done(c, st, "changing a segment's status", e)) != IRM_OK)
		return s;

	/* the trip's members, read once: credited, and told to the caller */
	struct engine_set who = { 0 };
	int sign = (ss->status == SEG_FLOWN) - (old == SEG_FLOWN);
	s = trip_customers(c, trip, &who, e);
	if (s == IRM_OK && sign && counts)
		s = credit_flown(c, &who, sign, miles, dep, e);
	for (size_t i = 0; s == IRM_OK && touched && i < who.n; i++)
		engine_set_add(touched, who.ids[i]);
	engine_set_free(&who);
	return s;
}

/* --- deletions ----------------------------------------------------------- */

static const char SQL_TRIP_DELETE[] = "DELETE FROM trips WHERE rid = ?1";
static const char SQL_CUSTOMER_DELETE[] = "DELETE FROM customers WHERE rid = ?1";
static const char SQL_CUSTOMER_ALERTS_DELETE[] = "DELETE FROM alerts WHERE customer_id = ?1";
static const char SQL_CUSTOMER_NOTES_DELETE[] = "DELETE FROM notes WHERE customer_id = ?1";

static enum irm_status delete_trip(struct cache *c, const char *id, enum put_outcome *out,
				   struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_TRIP_GET, e);
	if (!st)
		return IRM_ECACHE;
	cache_bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	long long rid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return cache_sql_error(c, e, "reading a trip");
	*out = rc == SQLITE_ROW ? PUT_UPDATED : PUT_UNCHANGED;
	if (rc != SQLITE_ROW)
		return IRM_OK;
	if (!(st = cache_stmt(c, SQL_TRIP_DELETE, e)))
		return IRM_ECACHE;
	sqlite3_bind_int64(st, 1, rid);  /* its passengers, legs, seats, stays go with it */
	return step_done(c, st, "deleting a trip", e);
}

static enum irm_status delete_customer(struct cache *c, const char *id, enum put_outcome *out,
				       struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_CUSTOMER_GET, e);
	if (!st)
		return IRM_ECACHE;
	cache_bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	long long rid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	char *name = rc == SQLITE_ROW ? xstrdup((const char *)sqlite3_column_text(st, 3)) : NULL;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return cache_sql_error(c, e, "reading a customer");
	*out = rc == SQLITE_ROW ? PUT_UPDATED : PUT_UNCHANGED;
	if (rc != SQLITE_ROW)
		return IRM_OK;
	enum irm_status s = search_unindex_name(c, rid, name, e);
	free(name);
	if (s == IRM_OK && (st = cache_stmt(c, SQL_CUSTOMER_DELETE, e))) {
		sqlite3_bind_int64(st, 1, rid);
		s = step_done(c, st, "deleting a customer", e);
	} else if (s == IRM_OK) {
		s = IRM_ECACHE;
	}
	/* What was kept about them goes too: their alerts (with their
	 * histories) and the notes people wrote. */
	const char *const rest[] = { SQL_CUSTOMER_ALERTS_DELETE, SQL_CUSTOMER_NOTES_DELETE };
	for (size_t i = 0; i < 2 && s == IRM_OK; i++) {
		if (!(st = cache_stmt(c, rest[i], e)))
			return IRM_ECACHE;
		cache_bind_text(st, 1, id);
		s = step_done(c, st, "deleting what was kept about a customer", e);
	}
	return s;
}

enum irm_status records_delete(struct cache *c, const struct record_delete *d,
			       enum put_outcome *out, struct irm_err *e)
{
	enum put_outcome local;
	if (!out)
		out = &local;
	if (d->of == RECORD_TRIP)
		return delete_trip(c, d->id, out, e);
	if (d->of == RECORD_CUSTOMER)
		return delete_customer(c, d->id, out, e);
	return err_set(e, IRM_EINPUT, "data.kind: a customer or a trip can be deleted");
}

/* --- who a change touches ------------------------------------------------- */

static const char SQL_TRIP_MEMBERS[] =
	"SELECT p.customer_id FROM passengers p JOIN trips t ON t.rid = p.trip"
	" WHERE t.id = ?1 AND p.customer_id IS NOT NULL";

enum irm_status records_trip_members(struct cache *c, const char *trip_id,
				     struct engine_set *set, struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_TRIP_MEMBERS, e);
	if (!st)
		return IRM_ECACHE;
	sqlite3_bind_text(st, 1, trip_id, -1, SQLITE_STATIC);
	return members(c, st, set, e);
}
