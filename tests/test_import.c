/* test_import.c — JSON lines into a real cache: all or nothing, upserts by
 * id and version, segment status changes crediting flown miles. */
#include "testutil.h"

#include <sqlite3.h>

#include "clock.h"
#include "context.h"
#include "import.h"
#include "notes.h"
#include "search.h"
#include "rules.h"

static char *dir;
static char db_path[4200];
static struct rules rules;

#define CUSTOMER_C1 \
	"{\"kind\":\"customer\",\"data\":{\"id\":\"C1\",\"member\":\"MP1000001\",\"name\":\"José Müller\"," \
	"\"email\":\"jm@example.com\",\"phone\":\"+13035550101\",\"birth_date\":\"1961-11-22\"," \
	"\"member_since\":\"1994-03-01\",\"home_airport\":\"DEN\",\"tier\":\"Platinum\"," \
	"\"lifetime_miles\":998976,\"lifetime_flights\":1402,\"recognition\":\"public\"}}\n"
#define TRIP_T1 \
	"{\"kind\":\"trip\",\"data\":{\"id\":\"T1\",\"pnr\":\"K7Q2ZX\",\"booked_at\":\"2026-11-19T15:02:00-07:00\"," \
	"\"channel\":\"corporate\",\"corporate_code\":\"ACME\",\"passengers\":[{\"customer_id\":\"C1\"}," \
	"{\"name\":\"Ana Müller\",\"age_band\":\"child\"}],\"segments\":[{\"id\":\"S1\",\"carrier\":\"UA\"," \
	"\"flight\":\"1234\",\"origin\":\"DEN\",\"destination\":\"SEA\",\"departure\":\"2026-11-22T08:15:00-07:00\"," \
	"\"arrival\":\"2026-11-22T10:05:00-08:00\",\"cabin\":\"J\",\"fare_class\":\"Z\",\"status\":\"booked\"," \
	"\"seats\":{\"C1\":\"2A\"}}],\"hotel\":[{\"name\":\"Four Seasons Seattle\",\"stars\":5,\"nights\":2}]}}\n"
#define FLOWN_S1 \
	"{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"S1\",\"status\":\"flown\",\"at\":\"2026-11-22T10:41:00-08:00\"}}\n"

static int setup(void **state)
{
	(void)state;
	dir = tmpdir_make();
	snprintf(db_path, sizeof db_path, "%s/cache.db", dir);
	clock_pin(1795338000); /* 2026-11-22T09:00:00Z */
	rules_default(&rules);
	return dir ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(dir);
	return 0;
}

static enum irm_status import_text(const char *text, struct import_stats *st, struct irm_err *e)
{
	char path[4200];
	struct cache *c;
	snprintf(path, sizeof path, "%s/in.jsonl", dir);
	write_file(path, text);
	assert_int_equal(cache_open(db_path, CACHE_CREATE, &c, e), IRM_OK);
	enum irm_status s = import_file(c, path, &rules, st, e);
	cache_close(&c);
	return s;
}

/* Everything in the cache, summed up: equal before and after a failed import. */
static long long fingerprint(void)
{
	return sql_value(db_path, "SELECT (SELECT count(*) FROM customers) * 1000000 +"
			" (SELECT count(*) FROM trips) * 10000 + (SELECT count(*) FROM segments) * 100 +"
			" (SELECT total(lifetime_miles) FROM customers) +"
			" (SELECT count(*) FROM passengers) + (SELECT count(*) FROM hotel_stays)");
}

static void test_spec_records(void **state)
{
	struct import_stats st;
	struct irm_err e = { 0 };
	(void)state;

	assert_int_equal(import_text(CUSTOMER_C1 "\n" TRIP_T1, &st, &e), IRM_OK);
	assert_int_equal(st.lines, 2);
	assert_int_equal(st.added, 2);
	assert_int_equal(sql_value(db_path, "SELECT miles FROM segments WHERE id = 'S1'"), 1024);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM seats"), 1);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM passengers WHERE customer_id = 'C1'"), 1);

	/* The same file again changes nothing. */
	long long before = fingerprint();
	assert_int_equal(import_text(CUSTOMER_C1 "\n" TRIP_T1, &st, &e), IRM_OK);
	assert_int_equal(st.unchanged, 2);
	assert_int_equal(st.added + st.updated, 0);
	assert_int_equal(fingerprint(), before);

	/* The context reads back what went in. */
	struct cache *c;
	struct customer_context x;
	assert_int_equal(cache_open(db_path, 0, &c, &e), IRM_OK);
	assert_int_equal(context_load(c, "mp1000001", &x, &e), IRM_OK);
	assert_string_equal(x.customer.name, "José Müller");
	assert_int_equal(x.n_trips, 1);
	assert_int_equal(x.trips[0].n_passengers, 2);
	assert_int_equal(x.trips[0].passengers[1].age_band, AGE_CHILD);
	assert_int_equal(x.trips[0].segments[0].departure.off_min, -420);
	assert_string_equal(x.trips[0].segments[0].seats[0].seat, "2A");
	assert_int_equal(x.trips[0].hotels[0].stars, 5);
	context_free(&x);
	assert_int_equal(context_load(c, "nobody", &x, &e), IRM_ENOTFOUND);
	cache_close(&c);
}

/* What the engine reads (context_load_legs): the same legs as the whole
 * context, each trip's together and in their order. */
static void test_legs_alone(void **state)
{
	const char *t2 =
		"{\"kind\":\"trip\",\"data\":{\"id\":\"T2\",\"passengers\":[{\"customer_id\":\"C1\"}],"
		"\"segments\":[{\"id\":\"S2\",\"carrier\":\"UA\",\"flight\":\"1\",\"origin\":\"SEA\","
		"\"destination\":\"SFO\",\"departure\":\"2026-11-20T08:00:00-08:00\",\"cabin\":\"Y\","
		"\"status\":\"booked\"},"
		"{\"id\":\"S3\",\"carrier\":\"UA\",\"flight\":\"2\",\"origin\":\"SFO\",\"destination\":\"DEN\","
		"\"departure\":\"2026-11-20T13:00:00-08:00\",\"cabin\":\"Y\",\"status\":\"flown\"}]}}\n";
	char text[4096];
	struct import_stats st;
	struct irm_err e = { 0 };
	struct cache *c;
	struct customer_context whole, legs;
	(void)state;
	snprintf(text, sizeof text, "%s%s%s", CUSTOMER_C1, TRIP_T1, t2);
	if (import_text(text, &st, &e) != IRM_OK)
		fail_msg("%s", e.msg);
	assert_int_equal(cache_open(db_path, 0, &c, &e), IRM_OK);
	assert_int_equal(context_load(c, "C1", &whole, &e), IRM_OK);
	assert_int_equal(context_load_legs(c, "C1", &legs, &e), IRM_OK);
	assert_int_equal(whole.n_trips, 2);
	assert_int_equal(legs.n_trips, 2);
	assert_int_equal(legs.customer.lifetime_miles, whole.customer.lifetime_miles);
	size_t matched = 0;
	for (size_t i = 0; i < legs.n_trips; i++) {
		const struct trip *l = &legs.trips[i];
		assert_null(l->id);
		for (size_t j = 0; j < whole.n_trips; j++) {
			const struct trip *w = &whole.trips[j];
			if (!w->n_segments || strcmp(w->segments[0].id, l->segments[0].id) != 0)
				continue;
			assert_int_equal(l->n_segments, w->n_segments);
			for (size_t k = 0; k < w->n_segments; k++) {
				assert_string_equal(l->segments[k].id, w->segments[k].id);
				assert_int_equal(l->segments[k].status, w->segments[k].status);
				assert_int_equal(l->segments[k].departure.utc, w->segments[k].departure.utc);
				assert_int_equal(l->segments[k].miles, w->segments[k].miles);
			}
			matched++;
		}
	}
	assert_int_equal(matched, 2);
	context_free(&whole);
	context_free(&legs);
	assert_int_equal(context_load_legs(c, "nobody", &legs, &e), IRM_ENOTFOUND);
	cache_close(&c);
}

static void test_bad_line_changes_nothing(void **state)
{
	struct import_stats st;
	struct irm_err e = { 0 };
	(void)state;

	assert_int_equal(import_text(CUSTOMER_C1, &st, &e), IRM_OK);
	long long before = fingerprint();
	const char *bad =
		TRIP_T1
		"{\"kind\":\"customer\",\"data\":{\"id\":\"C2\",\"name\":\"Ok Person\"}}\n"
		"{\"kind\":\"trip\",\"data\":{\"id\":\"T2\",\"passengers\":[{\"customer_id\":\"C2\"}],"
		"\"segments\":[{\"id\":\"S2\",\"origin\":\"XXX\",\"destination\":\"SEA\","
		"\"departure\":\"2026-11-22T08:15:00-07:00\",\"status\":\"booked\"}]}}\n";
	assert_int_equal(import_text(bad, &st, &e), IRM_EINPUT);
	assert_non_null(strstr(e.msg, "in.jsonl:3: segments[0].origin"));
	assert_int_equal(fingerprint(), before);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM trips"), 0);

	/* Malformed JSON, named by its line. */
	assert_int_equal(import_text(TRIP_T1 "{\"kind\":\"customer\",\"data\":{\"id\":", &st, &e), IRM_EINPUT);
	assert_non_null(strstr(e.msg, "in.jsonl:2: "));
	assert_int_equal(fingerprint(), before);

	/* A NUL byte never splices two lines into one record. */
	{
		char path[4200];
		snprintf(path, sizeof path, "%s/in.jsonl", dir);
		FILE *f = fopen(path, "wb");
		static const char nul_line[] = "{\"kind\":\"customer\",\"data\":{\"id\":\"C7\",\"name\":\"Ev\0junk\n"
					       "il\"}}\n";
		fwrite(nul_line, 1, sizeof nul_line - 1, f);
		fclose(f);
		struct cache *c;
		assert_int_equal(cache_open(db_path, 0, &c, &e), IRM_OK);
		assert_int_equal(import_file(c, path, &rules, &st, &e), IRM_EINPUT);
		cache_close(&c);
		assert_non_null(strstr(e.msg, "in.jsonl:1: a NUL byte"));
		assert_int_equal(fingerprint(), before);
	}

	/* Invalid UTF-8. */
	assert_int_equal(import_text("{\"kind\":\"customer\",\"data\":{\"id\":\"C3\",\"name\":\"\xff\xfe\"}}\n",
				     &st, &e), IRM_EINPUT);
	assert_non_null(strstr(e.msg, "in.jsonl:1: "));
	assert_int_equal(fingerprint(), before);
}

static void test_versions(void **state)
{
	struct import_stats st;
	struct irm_err e = { 0 };
	(void)state;

	const char *v2 = "{\"kind\":\"customer\",\"data\":{\"id\":\"C9\",\"name\":\"Version Two\",\"version\":2}}\n";
	const char *v1 = "{\"kind\":\"customer\",\"data\":{\"id\":\"C9\",\"name\":\"Version One\",\"version\":1}}\n";
	const char *v3 = "{\"kind\":\"customer\",\"data\":{\"id\":\"C9\",\"name\":\"Version Three\",\"version\":3}}\n";
	const char *nov = "{\"kind\":\"customer\",\"data\":{\"id\":\"C9\",\"name\":\"No Version\"}}\n";

	assert_int_equal(import_text(v2, &st, &e), IRM_OK);
	assert_int_equal(st.added, 1);
	assert_int_equal(import_text(v1, &st, &e), IRM_OK);
	assert_int_equal(st.stale, 1);
	assert_int_equal(sql_value(db_path, "SELECT name = 'Version Two' FROM customers WHERE id = 'C9'"), 1);
	assert_int_equal(import_text(v2, &st, &e), IRM_OK);
	assert_int_equal(st.unchanged, 1);
	assert_int_equal(import_text(v3, &st, &e), IRM_OK);
	assert_int_equal(st.updated, 1);
	assert_int_equal(import_text(nov, &st, &e), IRM_OK);
	assert_int_equal(st.updated, 1);
	assert_int_equal(sql_value(db_path, "SELECT version FROM customers WHERE id = 'C9'"), 3);
	assert_int_equal(import_text(nov, &st, &e), IRM_OK);
	assert_int_equal(st.unchanged, 1);

	/* A renamed customer is found by the new name only. */
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM customer_fts WHERE customer_fts MATCH 'three'"), 0);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM customer_fts WHERE customer_fts MATCH 'two'"), 0);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM customer_fts WHERE customer_fts MATCH 'no'"), 1);
}

static void test_segment_status_credits_miles(void **state)
{
	struct import_stats st;
	struct irm_err e = { 0 };
	(void)state;

	assert_int_equal(import_text(CUSTOMER_C1 TRIP_T1, &st, &e), IRM_OK);
	assert_int_equal(import_text(FLOWN_S1, &st, &e), IRM_OK);
	assert_int_equal(st.updated, 1);
	assert_int_equal(sql_value(db_path, "SELECT lifetime_miles FROM customers WHERE id = 'C1'"), 1000000);
	assert_int_equal(sql_value(db_path, "SELECT lifetime_flights FROM customers WHERE id = 'C1'"), 1403);
	assert_int_equal(sql_value(db_path, "SELECT ytd_miles FROM customers WHERE id = 'C1'"), 1024);

	/* Twice is once. */
	assert_int_equal(import_text(FLOWN_S1, &st, &e), IRM_OK);
	assert_int_equal(st.unchanged, 1);
	assert_int_equal(sql_value(db_path, "SELECT lifetime_miles FROM customers WHERE id = 'C1'"), 1000000);

	/* An older change arriving late does not undo a newer one. */
	assert_int_equal(import_text("{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"S1\","
				     "\"status\":\"cancelled\",\"at\":\"2026-11-20T10:00:00Z\"}}\n", &st, &e), IRM_OK);
	assert_int_equal(st.stale, 1);
	assert_int_equal(sql_value(db_path, "SELECT status = 'flown' FROM segments WHERE id = 'S1'"), 1);

	/* A later correction takes the leg back. */
	assert_int_equal(import_text("{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"S1\","
				     "\"status\":\"no_show\",\"at\":\"2026-11-23T10:00:00Z\"}}\n", &st, &e), IRM_OK);
	assert_int_equal(st.updated, 1);
	assert_int_equal(sql_value(db_path, "SELECT lifetime_miles FROM customers WHERE id = 'C1'"), 998976);
	assert_int_equal(sql_value(db_path, "SELECT lifetime_flights FROM customers WHERE id = 'C1'"), 1402);

	/* An unknown segment is bad input, named by line and field. */
	assert_int_equal(import_text("\n{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"S404\","
				     "\"status\":\"flown\"}}\n", &st, &e), IRM_EINPUT);
	assert_non_null(strstr(e.msg, "in.jsonl:2: segment_id: unknown segment 'S404'"));
}

static void test_trip_resent_credits_once(void **state)
{
	struct import_stats st;
	struct irm_err e = { 0 };
	(void)state;

	/* Flown by an event, then the booking is resent (as booked, and with a
	 * changed hotel): the event's status stands, nothing is credited twice. */
	assert_int_equal(import_text(CUSTOMER_C1 TRIP_T1 FLOWN_S1, &st, &e), IRM_OK);
	assert_int_equal(sql_value(db_path, "SELECT lifetime_miles FROM customers WHERE id = 'C1'"), 1000000);
	char *resent = strdup(TRIP_T1);
	char *nights = strstr(resent, "\"nights\":2");
	nights[9] = '3';
	char both[4096];
	snprintf(both, sizeof both, "%s%s", resent, FLOWN_S1);
	assert_int_equal(import_text(both, &st, &e), IRM_OK);
	assert_int_equal(sql_value(db_path, "SELECT lifetime_miles FROM customers WHERE id = 'C1'"), 1000000);
	assert_int_equal(sql_value(db_path, "SELECT lifetime_flights FROM customers WHERE id = 'C1'"), 1403);
	assert_int_equal(sql_value(db_path, "SELECT status = 'flown' FROM segments WHERE id = 'S1'"), 1);

	/* A booking resent with the leg now flown (no event) credits it. */
	char *status;
	assert_int_equal(import_text("{\"kind\":\"customer\",\"data\":{\"id\":\"C2\",\"name\":\"Two\","
				     "\"lifetime_miles\":10}}\n", &st, &e), IRM_OK);
	char *t2 = strdup(TRIP_T1);
	/* the same trip under another id, for C2, booked first */
	t2[strstr(t2, "\"T1\"") - t2 + 2] = '2';
	t2[strstr(t2, "\"S1\"") - t2 + 2] = '2';
	t2[strstr(t2, "\"C1\"") - t2 + 2] = '2';
	t2[strstr(t2, "{\"C1\"") - t2 + 3] = '2';
	assert_int_equal(import_text(t2, &st, &e), IRM_OK);
	assert_int_equal(sql_value(db_path, "SELECT lifetime_miles FROM customers WHERE id = 'C2'"), 10);
	status = strstr(t2, "\"status\":\"booked\"");
	memcpy(status, "\"status\":\"flown\" ", 17);
	if (import_text(t2, &st, &e) != IRM_OK)
		fail_msg("%s", e.msg);
	assert_int_equal(st.updated, 1);
	assert_int_equal(sql_value(db_path, "SELECT lifetime_miles FROM customers WHERE id = 'C2'"), 1034);
	assert_int_equal(import_text(t2, &st, &e), IRM_OK);
	assert_int_equal(st.unchanged, 1);
	assert_int_equal(sql_value(db_path, "SELECT lifetime_miles FROM customers WHERE id = 'C2'"), 1034);
	free(resent);
	free(t2);
}

/* Customer `id`'s lifetime miles and flights, as stored. */
static void expect_flown(const char *id, long long miles, long long flights)
{
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT lifetime_miles FROM customers WHERE id = '%s'", id);
	assert_int_equal(sql_value(db_path, sql), miles);
	snprintf(sql, sizeof sql, "SELECT lifetime_flights FROM customers WHERE id = '%s'", id);
	assert_int_equal(sql_value(db_path, sql), flights);
}

/* Each member on a trip is credited once for a leg, however often the
 * trip lists them (and one not known as a customer is passed over); a
 * resent booking credits the legs it marks flown, each once. */
static void test_every_member_credited_once(void **state)
{
	struct import_stats st;
	struct irm_err e = { 0 };
	(void)state;

	static const char both[] =
		"{\"kind\":\"customer\",\"data\":{\"id\":\"C2\",\"name\":\"Two\",\"lifetime_miles\":10}}\n"
		"{\"kind\":\"trip\",\"data\":{\"id\":\"T2\",\"passengers\":[{\"customer_id\":\"C1\"},"
		"{\"customer_id\":\"C2\"},{\"name\":\"Guest\"},{\"customer_id\":\"C1\"},"
		"{\"customer_id\":\"C9\"}],"
		"\"segments\":[{\"id\":\"S21\",\"carrier\":\"UA\",\"flight\":\"1\",\"origin\":\"DEN\","
		"\"destination\":\"SEA\",\"departure\":\"2026-11-22T08:15:00-07:00\",\"cabin\":\"Y\","
		"\"status\":\"booked\"},{\"id\":\"S22\",\"carrier\":\"UA\",\"flight\":\"2\","
		"\"origin\":\"SEA\",\"destination\":\"DEN\",\"departure\":\"2026-11-22T18:15:00-08:00\","
		"\"cabin\":\"Y\",\"status\":\"booked\"}]}}\n";
	assert_int_equal(import_text(CUSTOMER_C1 TRIP_T1, &st, &e), IRM_OK);
	assert_int_equal(import_text(both, &st, &e), IRM_OK);
	assert_int_equal(import_text("{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"S21\","
				     "\"status\":\"flown\",\"at\":\"2026-11-22T10:41:00-08:00\"}}\n", &st, &e),
			 IRM_OK);
	assert_int_equal(st.updated, 1);
	expect_flown("C1", 1000000, 1403);
	expect_flown("C2", 1034, 1);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM customers"), 2);

	/* Resent with both legs flown: S21 keeps its event's status (no second
	 * credit), S22 is credited once to each member. */
	char *again = strdup(strchr(both, '\n') + 1);
	for (char *p = again; (p = strstr(p, "\"booked\"")) != NULL; p++)
		memcpy(p, "\"flown\" ", 8);
	if (import_text(again, &st, &e) != IRM_OK)
		fail_msg("%s", e.msg);
	assert_int_equal(st.updated, 1);
	expect_flown("C1", 1001024, 1404);
	expect_flown("C2", 2058, 2);
	free(again);
}

static void test_engine_runs_in_the_import(void **state)
{
	struct import_stats st;
	struct irm_err e = { 0 };
	(void)state;

	/* Booked: the millionth mile is projected onto S1. */
	assert_int_equal(import_text(CUSTOMER_C1 TRIP_T1, &st, &e), IRM_OK);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alerts WHERE id = 'A-C1-lifetime_miles-1000000'"
				  " AND state = 'projected' AND segment_id = 'S1'"), 1);
	/* His birthday (22 Nov) is today too. */
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alerts WHERE id = 'A-C1-birthday-2026'"), 1);
	long long alerts = sql_value(db_path, "SELECT count(*) FROM alerts");

	/* The same file again: nothing new. */
	assert_int_equal(import_text(CUSTOMER_C1 TRIP_T1, &st, &e), IRM_OK);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alerts"), alerts);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alert_history"), alerts);

	/* Flown: crossed, pending, with its history. */
	assert_int_equal(import_text(FLOWN_S1, &st, &e), IRM_OK);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alerts WHERE id = 'A-C1-lifetime_miles-1000000'"
				  " AND state = 'pending'"), 1);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alert_history WHERE alert_id ="
				  " 'A-C1-lifetime_miles-1000000'"), 2);
}

static void test_late_status_still_crosses(void **state)
{
	struct import_stats st;
	struct irm_err e = { 0 };
	(void)state;

	/* Projected on 20 Nov; the flown status arrives in January, long
	 * after the lookback: the projected alert is crossed, not withdrawn. */
	clock_pin(1795338000 - 2 * 86400);
	assert_int_equal(import_text(CUSTOMER_C1 TRIP_T1, &st, &e), IRM_OK);
	clock_pin(1795338000 + 45 * 86400);
	assert_int_equal(import_text(FLOWN_S1, &st, &e), IRM_OK);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alerts WHERE id = 'A-C1-lifetime_miles-1000000'"
				  " AND state = 'pending'"), 1);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alerts WHERE state = 'withdrawn'"), 0);
	clock_pin(1795338000);
}

static void test_partner_legs_earn_nothing_when_only_own_count(void **state)
{
	struct import_stats st;
	struct irm_err e = { 0 };
	(void)state;

	strcpy(rules.carriers[0], "UA");
	rules.n_carriers = 1;
	char *lh = strdup(TRIP_T1);
	memcpy(strstr(lh, "\"carrier\":\"UA\""), "\"carrier\":\"LH\"", 14);
	assert_int_equal(import_text(CUSTOMER_C1, &st, &e), IRM_OK);
	assert_int_equal(import_text(lh, &st, &e), IRM_OK);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alerts WHERE kind = 'lifetime_miles'"), 0);
	assert_int_equal(import_text(FLOWN_S1, &st, &e), IRM_OK);
	assert_int_equal(sql_value(db_path, "SELECT lifetime_miles FROM customers WHERE id = 'C1'"), 998976);
	free(lh);
	rules_default(&rules);
}

static void test_cancelled_leg_withdraws(void **state)
{
	struct import_stats st;
	struct irm_err e = { 0 };
	(void)state;

	assert_int_equal(import_text(CUSTOMER_C1 TRIP_T1, &st, &e), IRM_OK);
	assert_int_equal(import_text("{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"S1\","
				     "\"status\":\"cancelled\"}}\n", &st, &e), IRM_OK);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alerts WHERE id = 'A-C1-lifetime_miles-1000000'"
				  " AND state = 'withdrawn'"), 1);
	/* A bad line later in a file takes its alerts back with it. */
	long long before = sql_value(db_path, "SELECT count(*) FROM alert_history");
	assert_int_equal(import_text("{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"S1\","
				     "\"status\":\"booked\"}}\n{\"kind\":\"oops\"}\n", &st, &e), IRM_EINPUT);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alert_history"), before);
}

static void test_segment_of_another_trip(void **state)
{
	struct import_stats st;
	struct irm_err e = { 0 };
	(void)state;

	assert_int_equal(import_text(CUSTOMER_C1 TRIP_T1, &st, &e), IRM_OK);
	const char *thief =
		"{\"kind\":\"trip\",\"data\":{\"id\":\"T7\",\"passengers\":[{\"customer_id\":\"C1\"}],"
		"\"segments\":[{\"id\":\"S1\",\"origin\":\"DEN\",\"destination\":\"SEA\","
		"\"departure\":\"2026-11-22T08:15:00-07:00\",\"status\":\"booked\"}]}}\n";
	assert_int_equal(import_text(thief, &st, &e), IRM_EINPUT);
	assert_non_null(strstr(e.msg, "in.jsonl:1: segments[0].id: segment 'S1' belongs to trip 'T1'"));
}

static void test_trip_update_replaces_parts(void **state)
{
	struct import_stats st;
	struct irm_err e = { 0 };
	(void)state;

	assert_int_equal(import_text(CUSTOMER_C1 TRIP_T1, &st, &e), IRM_OK);
	const char *changed =
		"{\"kind\":\"trip\",\"data\":{\"id\":\"T1\",\"pnr\":\"k7q2zx\",\"passengers\":[{\"customer_id\":\"C1\"}],"
		"\"segments\":[{\"id\":\"S1\",\"origin\":\"DEN\",\"destination\":\"SEA\","
		"\"departure\":\"2026-11-22T09:15:00-07:00\",\"status\":\"booked\"},"
		"{\"id\":\"S1R\",\"origin\":\"SEA\",\"destination\":\"DEN\","
		"\"departure\":\"2026-11-24T18:00:00-08:00\",\"status\":\"booked\"}]}}\n";
	assert_int_equal(import_text(changed, &st, &e), IRM_OK);
	assert_int_equal(st.updated, 1);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM segments"), 2);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM passengers"), 1);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM hotel_stays"), 0);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM seats"), 0);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM trips WHERE pnr = 'K7Q2ZX'"), 1);
}

/* A trip purged at the source goes with its legs and passengers; the
 * projection on its leg is withdrawn. Deleting it again changes nothing. */
static void test_delete_trip(void **state)
{
	struct irm_err e = { 0 };
	struct import_stats st;
	(void)state;
	assert_int_equal(import_text(CUSTOMER_C1 TRIP_T1, &st, &e), IRM_OK);
	const char *ms = "SELECT state = 'projected' FROM alerts WHERE id = 'A-C1-lifetime_miles-1000000'";
	assert_int_equal(sql_value(db_path, ms), 1);
	const char *del = "{\"kind\":\"delete\",\"data\":{\"kind\":\"trip\",\"id\":\"T1\"}}\n";
	assert_int_equal(import_text(del, &st, &e), IRM_OK);
	assert_int_equal(st.updated, 1);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM trips"), 0);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM segments"), 0);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM passengers"), 0);
	assert_int_equal(sql_value(db_path, "SELECT state = 'withdrawn' FROM alerts"
				  " WHERE id = 'A-C1-lifetime_miles-1000000'"), 1);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alerts WHERE state = 'projected'"), 0);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM customers"), 1);
	assert_int_equal(import_text(del, &st, &e), IRM_OK);
	assert_int_equal(st.unchanged, 1);
}

/* A customer erased: their profile, alerts with histories, notes and name
 * in the index go; search no longer finds them. */
static void test_delete_customer(void **state)
{
	struct irm_err e = { 0 };
	struct import_stats st;
	struct cache *c;
	(void)state;
	assert_int_equal(import_text(CUSTOMER_C1 TRIP_T1, &st, &e), IRM_OK);
	assert_int_equal(cache_open(db_path, 0, &c, &e), IRM_OK);
	assert_int_equal(notes_add(c, "C1", "ana", "prefers the window", 1795338000, NULL, &e), IRM_OK);
	cache_close(&c);
	const char *del = "{\"kind\":\"delete\",\"data\":{\"kind\":\"customer\",\"id\":\"C1\"}}\n";
	assert_int_equal(import_text(del, &st, &e), IRM_OK);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM customers"), 0);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alerts"), 0);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alert_history"), 0);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM notes"), 0);
	assert_int_equal(cache_open(db_path, 0, &c, &e), IRM_OK);
	struct search_result r;
	assert_int_equal(search_run(c, "Müller", 10, &r, &e), IRM_OK);
	assert_int_equal(r.n, 0);
	search_result_free(&r);
	cache_close(&c);
	/* What can be deleted, said plainly. */
	const char *bad = "{\"kind\":\"delete\",\"data\":{\"kind\":\"alert\",\"id\":\"A1\"}}\n";
	assert_int_equal(import_text(bad, &st, &e), IRM_EINPUT);
	assert_non_null(strstr(e.msg, "a customer or a trip can be deleted"));
}

static void test_huge_line_refused(void **state)
{
	struct import_stats st;
	struct irm_err e = { 0 };
	size_t n = 5 * 1024 * 1024;
	char *text = malloc(n + 2048);
	(void)state;

	strcpy(text, CUSTOMER_C1 "{\"kind\":\"customer\",\"data\":{\"id\":\"C2\",\"name\":\"");
	size_t at = strlen(text);
	memset(text + at, 'a', n);
	strcpy(text + at + n, "\"}}\n" CUSTOMER_C1);
	assert_int_equal(import_text(text, &st, &e), IRM_EINPUT);
	assert_non_null(strstr(e.msg, "in.jsonl:2: line longer than"));
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM customers"), 0);
	free(text);
}

static void test_blank_lines_and_crlf(void **state)
{
	struct import_stats st;
	struct irm_err e = { 0 };
	(void)state;

	assert_int_equal(import_text("\n   \n{\"kind\":\"customer\",\"data\":{\"id\":\"C5\",\"name\":\"Crlf Person\"}}\r\n\r\n",
				     &st, &e), IRM_OK);
	assert_int_equal(st.lines, 1);
	assert_int_equal(st.added, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_spec_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_legs_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_line_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_segment_status_credits_miles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trip_resent_credits_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_member_credited_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_engine_runs_in_the_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_status_still_crosses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partner_legs_earn_nothing_when_only_own_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancelled_leg_withdraws, setup, teardown),
		cmocka_unit_test_setup_teardown(test_segment_of_another_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trip_update_replaces_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_customer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_line_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blank_lines_and_crlf, setup, teardown),
	};
	return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
