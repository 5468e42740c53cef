/* context.c — everything the console shows about one customer, loaded in
 * one call: the profile, then each trip with its passengers, segments (and
 * their seats) and hotel stays. */
#include "context.h"

#include <string.h>

#include "internal.h"

static const char SQL_BY_ID[] =
	"SELECT id, member, name, email, phone, birth_date, member_since, home_airport, tier,"
	" lifetime_miles, lifetime_flights, ytd_miles, ytd_segments, recognition, version"
	" FROM customers WHERE id = ?1";
static const char SQL_BY_MEMBER[] =
	"SELECT id, member, name, email, phone, birth_date, member_since, home_airport, tier,"
	" lifetime_miles, lifetime_flights, ytd_miles, ytd_segments, recognition, version"
	" FROM customers WHERE member_key = upper(?1) ORDER BY rid LIMIT 1";
static const char SQL_TRIPS[] =
	"SELECT t.rid, t.id, t.pnr, t.booked_utc, t.booked_off, t.channel, t.corporate_code,"
	" t.version, (SELECT min(s.dep_utc) FROM segments s WHERE s.trip = t.rid) AS first"
	" FROM trips t WHERE t.rid IN (SELECT trip FROM passengers WHERE customer_id = ?1)"
	" ORDER BY first, t.id";
static const char SQL_PASSENGERS[] =
	"SELECT customer_id, name, age_band FROM passengers WHERE trip = ?1 ORDER BY pos";
static const char SQL_SEGMENTS[] =
	"SELECT rid, id, carrier, flight, origin, destination, dep_utc, dep_off, arr_utc, arr_off,"
	" cabin, fare_class, status, status_at, miles FROM segments WHERE trip = ?1 ORDER BY pos";
static const char SQL_SEATS[] = "SELECT passenger, seat FROM seats WHERE segment = ?1";
static const char SQL_HOTELS[] =
	"SELECT name, stars, nights FROM hotel_stays WHERE trip = ?1 ORDER BY pos";
static const char SQL_OPEN_ALERTS[] =
	"SELECT count(*) FROM alerts WHERE customer_id = ?1"
	" AND state IN ('projected', 'pending', 'acknowledged')";

static const char *col_str(struct arena *a, sqlite3_stmt *st, int i)
{
	return arena_strdup(a, (const char *)sqlite3_column_text(st, i));
}

static int32_t col_date(sqlite3_stmt *st, int i)
{
	int32_t d;
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s && date_parse(s, &d) ? d : DATE_NONE;
}

/* An airport code: three upper-case letters, or "" for anything else, so
 * that nothing else stored there can reach a terminal. */
static void col_code(sqlite3_stmt *st, int i, char out[4])
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	out[0] = '\0';
	if (s && strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
	    s[2] >= 'A' && s[2] <= 'Z')
		memcpy(out, s, 4);
}

/* Run st (bound) and count its rows, then reset it for the real pass. */
static size_t count_rows(sqlite3_stmt *st)
{
	size_t n = 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		n++;
	sqlite3_reset(st);
	return n;
}

static enum irm_status load_customer(struct cache *c, const char *key, struct customer_context *x,
				     struct irm_err *e)
{
	const char *const sqls[] = { SQL_BY_ID, SQL_BY_MEMBER };
	struct arena *a = &x->arena;
	struct customer *cu = &x->customer;

	for (size_t k = 0; k < 2; k++) {
		sqlite3_stmt *st = cache_stmt(c, sqls[k], e);
		if (!st)
			return IRM_ECACHE;
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_DONE) {
			sqlite3_reset(st);
			continue;
		}
		if (rc != SQLITE_ROW)
			return cache_sql_error(c, e, "loading a customer");
		cu->id = col_str(a, st, 0);
		cu->member = col_str(a, st, 1);
		cu->name = col_str(a, st, 2);
		cu->email = col_str(a, st, 3);
		cu->phone = col_str(a, st, 4);
		cu->birth_date = col_date(st, 5);
		cu->member_since = col_date(st, 6);
		col_code(st, 7, cu->home_airport);
		int tier = sqlite3_column_int(st, 8);
		cu->tier = tier >= 0 && tier < TIER_COUNT ? (enum tier)tier : TIER_MEMBER;
		cu->lifetime_miles = sqlite3_column_int64(st, 9);
		cu->lifetime_flights = sqlite3_column_int(st, 10);
		cu->ytd_miles = sqlite3_column_int64(st, 11);
		cu->ytd_segments = sqlite3_column_int(st, 12);
		if (!model_recognition_parse((const char *)sqlite3_column_text(st, 13), &cu->recognition))
			cu->recognition = REC_PUBLIC;
		cu->version = sqlite3_column_int64(st, 14);
		sqlite3_reset(st);
		return IRM_OK;
	}
	return err_set(e, IRM_ENOTFOUND, "no customer with id or member number '%s'", key);
}

static enum irm_status load_segments(struct cache *c, long long trip_rid, struct trip *t,
				     struct arena *a, struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_SEGMENTS, e);
	if (!st)
		return IRM_ECACHE;
	sqlite3_bind_int64(st, 1, trip_rid);
	size_t n = count_rows(st);
	long long *rids = arena_alloc(a, (n ? n : 1) * sizeof *rids);
	t->segments = arena_alloc(a, (n ? n : 1) * sizeof *t->segments);
	while (t->n_segments < n && sqlite3_step(st) == SQLITE_ROW) {
		struct segment *s = &t->segments[t->n_segments];
		rids[t->n_segments++] = sqlite3_column_int64(st, 0);
		s->id = col_str(a, st, 1);
		s->carrier = col_str(a, st, 2);
		s->flight = col_str(a, st, 3);
		col_code(st, 4, s->origin);
		col_code(st, 5, s->destination);
		s->departure.utc = sqlite3_column_int64(st, 6);
		s->departure.off_min = sqlite3_column_int(st, 7);
		s->has_arrival = sqlite3_column_type(st, 8) != SQLITE_NULL;
		s->arrival.utc = sqlite3_column_int64(st, 8);
		s->arrival.off_min = sqlite3_column_int(st, 9);
		if (!model_cabin_parse((const char *)sqlite3_column_text(st, 10), &s->cabin))
			s->cabin = CABIN_Y;
		const char *fare = (const char *)sqlite3_column_text(st, 11);
		s->fare_class = fare ? fare[0] : '\0';
		if (!model_seg_status_parse((const char *)sqlite3_column_text(st, 12), &s->status))
			s->status = SEG_BOOKED;
		s->status_at = sqlite3_column_int64(st, 13);
		s->miles = sqlite3_column_int(st, 14);
	}
	sqlite3_reset(st);

	for (size_t i = 0; i < t->n_segments; i++) {
		struct segment *s = &t->segments[i];
		if (!(st = cache_stmt(c, SQL_SEATS, e)))
			return IRM_ECACHE;
		sqlite3_bind_int64(st, 1, rids[i]);
		size_t ns = count_rows(st);
		if (!ns)
			continue;
		s->seats = arena_alloc(a, ns * sizeof *s->seats);
		while (s->n_seats < ns && sqlite3_step(st) == SQLITE_ROW) {
			s->seats[s->n_seats].passenger = col_str(a, st, 0);
			s->seats[s->n_seats].seat = col_str(a, st, 1);
			s->n_seats++;
		}
		sqlite3_reset(st);
	}
	return IRM_OK;
}

static enum irm_status load_trip_parts(struct cache *c, long long rid, struct trip *t,
				       struct arena *a, struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_PASSENGERS, e);
	if (!st)
		return IRM_ECACHE;
	sqlite3_bind_int64(st, 1, rid);
	size_t n = count_rows(st);
	t->passengers = arena_alloc(a, (n ? n : 1) * sizeof *t->passengers);
	while (t->n_passengers < n && sqlite3_step(st) == SQLITE_ROW) {
		struct passenger *p = &t->passengers[t->n_passengers++];
		p->customer_id = col_str(a, st, 0);
		p->name = col_str(a, st, 1);
		if (!model_age_band_parse((const char *)sqlite3_column_text(st, 2), &p->age_band))
			p->age_band = AGE_ADULT;
	}
	sqlite3_reset(st);

	enum irm_status s = load_segments(c, rid, t, a, e);
	if (s != IRM_OK)
		return s;

	if (!(st = cache_stmt(c, SQL_HOTELS, e)))
		return IRM_ECACHE;
	sqlite3_bind_int64(st, 1, rid);
	n = count_rows(st);
	if (n)
		t->hotels = arena_alloc(a, n * sizeof *t->hotels);
	while (t->n_hotels < n && sqlite3_step(st) == SQLITE_ROW) {
		struct hotel_stay *h = &t->hotels[t->n_hotels++];
		h->name = col_str(a, st, 0);
		h->stars = sqlite3_column_int(st, 1);
		h->nights = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return IRM_OK;
}

enum irm_status context_load(struct cache *c, const char *key, struct customer_context *x,
			     struct irm_err *e)
{
	struct arena *a = &x->arena;
	enum irm_status s;

	memset(x, 0, sizeof *x);
	bool txn = cache_read_begin(c);
	if ((s = load_customer(c, key, x, e)) != IRM_OK)
		goto fail;

	sqlite3_stmt *st = cache_stmt(c, SQL_TRIPS, e);
	if (!st) {
		s = IRM_ECACHE;
		goto fail;
	}
	sqlite3_bind_text(st, 1, x->customer.id, -1, SQLITE_STATIC);
	size_t n = count_rows(st);
	long long *rids = arena_alloc(a, (n ? n : 1) * sizeof *rids);
	x->trips = arena_alloc(a, (n ? n : 1) * sizeof *x->trips);
	while (x->n_trips < n && sqlite3_step(st) == SQLITE_ROW) {
		struct trip *t = &x->trips[x->n_trips];
		rids[x->n_trips++] = sqlite3_column_int64(st, 0);
		t->id = col_str(a, st, 1);
		t->pnr = col_str(a, st, 2);
		t->has_booked_at = sqlite3_column_type(st, 3) != SQLITE_NULL;
		t->booked_at.utc = sqlite3_column_int64(st, 3);
		t->booked_at.off_min = sqlite3_column_int(st, 4);
		if (!model_channel_parse((const char *)sqlite3_column_text(st, 5), &t->channel))
			t->channel = CH_WEB;
		t->corporate_code = col_str(a, st, 6);
		t->version = sqlite3_column_int64(st, 7);
	}
	sqlite3_reset(st);
	for (size_t i = 0; i < x->n_trips; i++)
		if ((s = load_trip_parts(c, rids[i], &x->trips[i], a, e)) != IRM_OK)
			goto fail;

	if (!(st = cache_stmt(c, SQL_OPEN_ALERTS, e))) {
		s = IRM_ECACHE;
		goto fail;
	}
	sqlite3_bind_text(st, 1, x->customer.id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		x->open_alerts = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	cache_read_end(c, txn);
	return IRM_OK;
fail:
	cache_read_end(c, txn);
	context_free(x);
	return s;
}

void context_free(struct customer_context *x)
{
	arena_free(&x->arena);
	memset(x, 0, sizeof *x);
}
