/* context.c — everything the console shows about one customer, loaded in
 * one call: the profile, then each trip with its passengers, segments (and
 * their seats) and hotel stays. */
#include "context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mem.h"

static const char SQL_BY_ID[] =
	"SELECT id, member, name, email, phone, birth_date, member_since, home_airport, tier,"
	" lifetime_miles, lifetime_flights, ytd_miles, ytd_segments, recognition, version"
	" FROM customers WHERE id = ?1";
static const char SQL_BY_MEMBER[] =
	"SELECT id, member, name, email, phone, birth_date, member_since, home_airport, tier,"
	" lifetime_miles, lifetime_flights, ytd_miles, ytd_segments, recognition, version"
	" FROM customers WHERE member_key = upper(?1) ORDER BY rid LIMIT 1";
/* Every part of a set of trips in one query each, grouped by trip: the
 * trips a customer is on, or one trip by its id. */
#define TRIP_QUERIES(OF)                                                                  \
	{                                                                                 \
		"SELECT rid, id, pnr, booked_utc, booked_off, channel, corporate_code,"   \
		" version FROM trips WHERE rid" OF " ORDER BY rid",                       \
		"SELECT trip, customer_id, name, age_band FROM passengers WHERE trip" OF  \
		" ORDER BY trip, pos",                                                    \
		"SELECT trip, rid, id, carrier, flight, origin, destination, dep_utc,"    \
		" dep_off, arr_utc, arr_off, cabin, fare_class, status, status_at, miles" \
		" FROM segments WHERE trip" OF " ORDER BY trip, pos",                     \
		/* seats come grouped by segment: for each segment, its seats by key */   \
		"SELECT st.segment, st.passenger, st.seat FROM segments s"                \
		" JOIN seats st ON st.segment = s.rid WHERE s.trip" OF,                   \
		"SELECT trip, name, stars, nights FROM hotel_stays WHERE trip" OF         \
		" ORDER BY trip, pos",                                                    \
	}

struct trip_queries {
	const char *trips, *passengers, *segments, *seats, *hotels;
};

static const struct trip_queries OF_CUSTOMER =
	TRIP_QUERIES(" IN (SELECT trip FROM passengers WHERE customer_id = ?1)");
/* One trip by its row id, found first: five lookups by a number rather
 * than five subqueries. */
static const struct trip_queries OF_TRIP = TRIP_QUERIES(" = ?1");
static const char SQL_TRIP_RID[] = "SELECT rid FROM trips WHERE id = ?1";
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

/* A growing array of rows, copied into the arena once complete. */
struct rows {
	void *v;
	size_t n, cap, size;
};

static void *rows_push(struct rows *r)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->v = xrealloc(r->v, r->cap * r->size);
	}
	void *p = (char *)r->v + r->n++ * r->size;
	memset(p, 0, r->size);
	return p;
}

static void *rows_keep(struct rows *r, struct arena *a)
{
	void *p = r->n ? arena_alloc(a, r->n * r->size) : NULL;
	if (p)
		memcpy(p, r->v, r->n * r->size);
	free(r->v);
	r->v = NULL;
	return p;
}

/* The index of the trip with this rid (trips sorted by rid), or -1. */
static long trip_at(const long long *rids, size_t n, long long rid)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (rids[mid] < rid)
			lo = mid + 1;
		else if (rids[mid] > rid)
			hi = mid;
		else
			return (long)mid;
	}
	return -1;
}

/* Run a child query once: each row's first column is its trip's rid;
 * `fill` copies the rest of the row into the slot it is given. Rows come
 * grouped by trip, so each trip's rows are one slice of the array. */
static enum irm_status load_children(struct cache *c, const char *sql, const char *key,
				     const long long *rids, size_t n_trips, size_t size,
				     void (*fill)(void *slot, sqlite3_stmt *st, struct arena *a),
				     struct arena *a, void **out, long **trip_of, size_t *n,
				     long long **own_rids, struct irm_err *e)
{
	struct rows rows = { .size = size }, idx = { .size = sizeof(long) },
		    own = { .size = sizeof(long long) };
	sqlite3_stmt *st = cache_stmt(c, sql, e);
	int rc;

	if (!st)
		return IRM_ECACHE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long t = trip_at(rids, n_trips, sqlite3_column_int64(st, 0));
		if (t < 0)
			continue;
		fill(rows_push(&rows), st, a);
		*(long *)rows_push(&idx) = t;
		if (own_rids)  /* the row's own id, in column 1 */
			*(long long *)rows_push(&own) = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	*n = rows.n;
	*out = rows_keep(&rows, a);
	*trip_of = rows_keep(&idx, a);
	if (own_rids)
		*own_rids = rows_keep(&own, a);
	else
		free(own.v);
	return rc == SQLITE_DONE ? IRM_OK : cache_sql_error(c, e, "loading trips");
}

static void fill_passenger(void *slot, sqlite3_stmt *st, struct arena *a)
{
	struct passenger *p = slot;
	p->customer_id = col_str(a, st, 1);
	p->name = col_str(a, st, 2);
	if (!model_age_band_parse((const char *)sqlite3_column_text(st, 3), &p->age_band))
		p->age_band = AGE_ADULT;
}

static void fill_segment(void *slot, sqlite3_stmt *st, struct arena *a)
{
	struct segment *s = slot;
	s->id = col_str(a, st, 2);
	s->carrier = col_str(a, st, 3);
	s->flight = col_str(a, st, 4);
	col_code(st, 5, s->origin);
	col_code(st, 6, s->destination);
	s->departure.utc = sqlite3_column_int64(st, 7);
	s->departure.off_min = sqlite3_column_int(st, 8);
	s->has_arrival = sqlite3_column_type(st, 9) != SQLITE_NULL;
	s->arrival.utc = sqlite3_column_int64(st, 9);
	s->arrival.off_min = sqlite3_column_int(st, 10);
	if (!model_cabin_parse((const char *)sqlite3_column_text(st, 11), &s->cabin))
		s->cabin = CABIN_Y;
	const char *fare = (const char *)sqlite3_column_text(st, 12);
	s->fare_class = fare ? fare[0] : '\0';
	if (!model_seg_status_parse((const char *)sqlite3_column_text(st, 13), &s->status))
		s->status = SEG_BOOKED;
	s->status_at = sqlite3_column_int64(st, 14);
	s->miles = sqlite3_column_int(st, 15);
}

static void fill_hotel(void *slot, sqlite3_stmt *st, struct arena *a)
{
	struct hotel_stay *h = slot;
	h->name = col_str(a, st, 1);
	h->stars = sqlite3_column_int(st, 2);
	h->nights = sqlite3_column_int(st, 3);
}

/* Point each trip at its slice of the rows. */
#define ASSIGN(trips, field, n_field, rows, trip_of, n)                  \
	for (size_t i_ = 0; i_ < (n); i_++) {                            \
		struct trip *t_ = &(trips)[(trip_of)[i_]];               \
		if (t_->n_field == 0)                                    \
			t_->field = &(rows)[i_];                         \
		t_->n_field++;                                           \
	}

struct seg_ref {
	long long rid;
	struct segment *s;
};

static int seg_ref_cmp(const void *a, const void *b)
{
	long long x = ((const struct seg_ref *)a)->rid, y = ((const struct seg_ref *)b)->rid;
	return (x > y) - (x < y);
}

/* Seats, by their segment's row id. */
static enum irm_status load_seats(struct cache *c, const char *sql, const char *key, struct segment *segs,
				  const long long *seg_rids, size_t n_segs, struct arena *a,
				  struct irm_err *e)
{
	struct seg_ref *refs = xmalloc((n_segs ? n_segs : 1) * sizeof *refs);
	for (size_t i = 0; i < n_segs; i++)
		refs[i] = (struct seg_ref){ seg_rids[i], &segs[i] };
	qsort(refs, n_segs, sizeof *refs, seg_ref_cmp);

	/* Seats may come in any order: count each segment's, then fill. */
	struct seat_row {
		struct segment *own;
		struct seat seat;
	};
	sqlite3_stmt *st = cache_stmt(c, sql, e);
	struct rows rows = { .size = sizeof(struct seat_row) };
	int rc = SQLITE_DONE;
	if (st) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct seg_ref ref = { sqlite3_column_int64(st, 0), NULL };
			struct seg_ref *r = bsearch(&ref, refs, n_segs, sizeof *refs, seg_ref_cmp);
			if (!r)
				continue;
			struct seat_row *row = rows_push(&rows);
			row->own = r->s;
			row->seat.passenger = col_str(a, st, 1);
			row->seat.seat = col_str(a, st, 2);
		}
		sqlite3_reset(st);
	}
	struct seat_row *v = rows.v;
	for (size_t i = 0; i < rows.n; i++)
		v[i].own->n_seats++;
	for (size_t i = 0; i < rows.n; i++) {
		struct segment *sg = v[i].own;
		if (!sg->seats) {
			sg->seats = arena_alloc(a, sg->n_seats * sizeof *sg->seats);
			sg->n_seats = 0;
		}
		sg->seats[sg->n_seats++] = v[i].seat;
	}
	free(rows.v);
	free(refs);
	if (!st)
		return IRM_ECACHE;
	return rc == SQLITE_DONE ? IRM_OK : cache_sql_error(c, e, "loading seats");
}

static int64_t first_departure(const struct trip *t)
{
	int64_t first = INT64_MAX;
	for (size_t i = 0; i < t->n_segments; i++)
		if (t->segments[i].departure.utc < first)
			first = t->segments[i].departure.utc;
	return first;
}

static int trip_cmp(const void *pa, const void *pb)
{
	const struct trip *a = pa, *b = pb;
	int64_t x = first_departure(a), y = first_departure(b);
	if (x != y)
		return x < y ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* The trips `q` selects by `id` (a customer's or a trip's), whole,
 * ordered by their first departure. */
static enum irm_status load_trips(struct cache *c, const struct trip_queries *q, const char *id,
				  struct customer_context *x, struct irm_err *e)
{
	struct arena *a = &x->arena;
	struct rows trips = { .size = sizeof(struct trip) }, rids = { .size = sizeof(long long) };
	sqlite3_stmt *st = cache_stmt(c, q->trips, e);
	int rc;

	if (!st)
		return IRM_ECACHE;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct trip *t = rows_push(&trips);
		*(long long *)rows_push(&rids) = sqlite3_column_int64(st, 0);
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
	x->n_trips = trips.n;
	x->trips = rows_keep(&trips, a);
	long long *trip_rids = rows_keep(&rids, a);
	if (rc != SQLITE_DONE)
		return cache_sql_error(c, e, "loading trips");
	if (!x->n_trips)
		return IRM_OK;

	struct passenger *ps;
	struct segment *segs;
	struct hotel_stay *hs;
	long *p_of, *s_of, *h_of;
	size_t np, ns, nh;
	enum irm_status s;
	long long *seg_rids;
	if ((s = load_children(c, q->segments, id, trip_rids, x->n_trips, sizeof *segs,
			       fill_segment, a, (void **)&segs, &s_of, &ns, &seg_rids, e)) != IRM_OK)
		return s;
	ASSIGN(x->trips, segments, n_segments, segs, s_of, ns);
	if ((s = load_children(c, q->passengers, id, trip_rids, x->n_trips, sizeof *ps,
			       fill_passenger, a, (void **)&ps, &p_of, &np, NULL, e)) != IRM_OK ||
	    (s = load_children(c, q->hotels, id, trip_rids, x->n_trips, sizeof *hs,
			       fill_hotel, a, (void **)&hs, &h_of, &nh, NULL, e)) != IRM_OK ||
	    (s = load_seats(c, q->seats, id, segs, seg_rids, ns, a, e)) != IRM_OK)
		return s;
	ASSIGN(x->trips, passengers, n_passengers, ps, p_of, np);
	ASSIGN(x->trips, hotels, n_hotels, hs, h_of, nh);
	qsort(x->trips, x->n_trips, sizeof *x->trips, trip_cmp);
	return IRM_OK;
}

/* A customer's legs alone, in one query: each trip a bare holder of its
 * own legs (no id, passengers or stays), in no particular order; trips
 * without legs left out. What the milestone engine reads. */
static enum irm_status load_legs(struct cache *c, const char *id, struct customer_context *x,
				 struct irm_err *e)
{
	struct arena *a = &x->arena;
	struct rows segs = { .size = sizeof(struct segment) }, of = { .size = sizeof(long long) };
	sqlite3_stmt *st = cache_stmt(c, OF_CUSTOMER.segments, e);
	int rc;

	if (!st)
		return IRM_ECACHE;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*(long long *)rows_push(&of) = sqlite3_column_int64(st, 0);
		fill_segment(rows_push(&segs), st, a);
	}
	sqlite3_reset(st);
	const size_t n = segs.n;
	struct segment *v = rows_keep(&segs, a);
	const long long *trip = of.v;  /* each leg's trip, freed below */
	if (rc != SQLITE_DONE) {
		free(of.v);
		return cache_sql_error(c, e, "loading legs");
	}
	/* rows come grouped by trip: one holder for each run */
	for (size_t i = 0; i < n; i++)
		x->n_trips += i == 0 || trip[i] != trip[i - 1];
	x->trips = x->n_trips ? arena_alloc(a, x->n_trips * sizeof *x->trips) : NULL;
	if (x->n_trips)
		memset(x->trips, 0, x->n_trips * sizeof *x->trips);
	for (size_t i = 0, t = 0; i < n; i++) {
		if (i > 0 && trip[i] != trip[i - 1])
			t++;
		if (!x->trips[t].n_segments)
			x->trips[t].segments = &v[i];
		x->trips[t].n_segments++;
	}
	free(of.v);
	return IRM_OK;
}

static enum irm_status load_context(struct cache *c, const char *key, bool legs_only,
				    struct customer_context *x, struct irm_err *e)
{
	enum irm_status s;

	memset(x, 0, sizeof *x);
	bool txn = cache_read_begin(c);
	if ((s = load_customer(c, key, x, e)) == IRM_OK)
		s = legs_only ? load_legs(c, x->customer.id, x, e)
			      : load_trips(c, &OF_CUSTOMER, x->customer.id, x, e);
	if (s == IRM_OK && !legs_only) {
		sqlite3_stmt *st = cache_stmt(c, SQL_OPEN_ALERTS, e);
		if (!st) {
			s = IRM_ECACHE;
		} else {
			sqlite3_bind_text(st, 1, x->customer.id, -1, SQLITE_STATIC);
			int rc = sqlite3_step(st);
			if (rc == SQLITE_ROW)
				x->open_alerts = sqlite3_column_int(st, 0);
			else
				s = cache_sql_error(c, e, "counting alerts");
			sqlite3_reset(st);
		}
	}
	cache_read_end(c, txn);
	if (s != IRM_OK)
		context_free(x);
	return s;
}

enum irm_status context_load(struct cache *c, const char *key, struct customer_context *x,
			     struct irm_err *e)
{
	return load_context(c, key, false, x, e);
}

enum irm_status context_load_legs(struct cache *c, const char *key, struct customer_context *x,
				  struct irm_err *e)
{
	return load_context(c, key, true, x, e);
}

enum irm_status context_load_profile(struct cache *c, const char *key,
				     struct customer_context *x, struct irm_err *e)
{
	memset(x, 0, sizeof *x);
	enum irm_status s = load_customer(c, key, x, e);
	if (s != IRM_OK)
		context_free(x);
	return s;
}

enum irm_status context_load_trip(struct cache *c, const char *trip_id,
				  struct customer_context *x, struct irm_err *e)
{
	memset(x, 0, sizeof *x);
	bool txn = cache_read_begin(c);
	enum irm_status s = IRM_OK;
	char rid[24] = "";
	sqlite3_stmt *st = cache_stmt(c, SQL_TRIP_RID, e);
	if (!st) {
		s = IRM_ECACHE;
	} else {
		sqlite3_bind_text(st, 1, trip_id, -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			snprintf(rid, sizeof rid, "%lld", (long long)sqlite3_column_int64(st, 0));
		else if (rc != SQLITE_DONE)
			s = cache_sql_error(c, e, "finding a trip");
		sqlite3_reset(st);
	}
	/* the number as text: the columns' integer affinity compares it as one */
	if (s == IRM_OK && rid[0])
		s = load_trips(c, &OF_TRIP, rid, x, e);
	cache_read_end(c, txn);
	if (s == IRM_OK && x->n_trips == 0)
		s = err_set(e, IRM_ENOTFOUND, "no trip '%s'", trip_id);
	if (s != IRM_OK)
		context_free(x);
	return s;
}

void context_free(struct customer_context *x)
{
	arena_free(&x->arena);
	memset(x, 0, sizeof *x);
}
