/* test_record.c — JSON records: the spec's examples, round trips, and one
 * case per kind of bad field with the exact field path of its message. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "mem.h"
#include "record.h"

/* The spec's three example lines. */
static const char spec_customer[] =
	"{\"kind\":\"customer\",\"data\":{\"id\":\"C1\",\"member\":\"MP1000001\","
	"\"name\":\"Jos\xc3\xa9 M\xc3\xbcller\",\"email\":\"jm@example.com\","
	"\"phone\":\"+13035550101\",\"birth_date\":\"1961-11-22\",\"member_since\":\"1994-03-01\","
	"\"home_airport\":\"DEN\",\"tier\":\"Platinum\",\"lifetime_miles\":998976,"
	"\"lifetime_flights\":1402,\"recognition\":\"public\"}}";
static const char spec_trip[] =
	"{\"kind\":\"trip\",\"data\":{\"id\":\"T1\",\"pnr\":\"K7Q2ZX\","
	"\"booked_at\":\"2026-11-19T15:02:00-07:00\",\"channel\":\"corporate\","
	"\"corporate_code\":\"ACME\",\"passengers\":[{\"customer_id\":\"C1\"},"
	"{\"name\":\"Ana M\xc3\xbcller\",\"age_band\":\"child\"}],"
	"\"segments\":[{\"id\":\"S1\",\"carrier\":\"UA\",\"flight\":\"1234\",\"origin\":\"DEN\","
	"\"destination\":\"SEA\",\"departure\":\"2026-11-22T08:15:00-07:00\","
	"\"arrival\":\"2026-11-22T10:05:00-08:00\",\"cabin\":\"J\",\"fare_class\":\"Z\","
	"\"status\":\"booked\",\"seats\":{\"C1\":\"2A\"}}],"
	"\"hotel\":[{\"name\":\"Four Seasons Seattle\",\"stars\":5,\"nights\":2}]}}";
static const char spec_status[] =
	"{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"S1\",\"status\":\"flown\","
	"\"at\":\"2026-11-22T10:41:00-08:00\"}}";

/* Test lines are written with ' for " to stay readable; this swaps them. */
static char line_buf[16384];

static const char *q2j(const char *s)
{
	size_t n = strlen(s);

	assert_true(n < sizeof line_buf);
	for (size_t i = 0; i <= n; i++)
		line_buf[i] = s[i] == '\'' ? '"' : s[i];
	return line_buf;
}

/* A customer with these data fields. */
static const char *customer(const char *fields)
{
	char tmp[sizeof line_buf];

	snprintf(tmp, sizeof tmp, "{'kind':'customer','data':{%s}}", fields);
	return q2j(tmp);
}

/* A trip with one member passenger and one segment of these fields. */
static const char *segment(const char *fields)
{
	char tmp[sizeof line_buf];

	snprintf(tmp, sizeof tmp,
		 "{'kind':'trip','data':{'id':'T1','passengers':[{'customer_id':'C1'}],"
		 "'segments':[{%s}]}}", fields);
	return q2j(tmp);
}

/* A trip with these data fields after the id. */
static const char *trip(const char *fields)
{
	char tmp[sizeof line_buf];

	snprintf(tmp, sizeof tmp, "{'kind':'trip','data':{'id':'T1',%s}}", fields);
	return q2j(tmp);
}

#define SEG "'id':'S1','origin':'DEN','destination':'SEA'," \
	"'departure':'2026-11-22T08:15:00-07:00','status':'booked'"
#define PAX "'passengers':[{'customer_id':'C1'}]"
#define SEGS "'segments':[{" SEG "}]"

static struct arena arena;

static int teardown(void **state)
{
	(void)state;
	arena_free(&arena);
	return 0;
}

static void parse_ok(const char *line, struct record *r)
{
	struct irm_err e = { 0 };
	enum irm_status st = record_parse(line, strlen(line), &arena, r, &e);

	if (st != IRM_OK)
		fail_msg("unexpected error: %s\nline: %s", e.msg, line);
}

/* The line must fail with IRM_EINPUT and a message starting with prefix;
 * returns the message for further checks. */
static const char *parse_bad_n(const char *line, size_t len, const char *prefix)
{
	static struct irm_err e;
	struct record r;
	enum irm_status st;

	err_clear(&e);
	st = record_parse(line, len, &arena, &r, &e);
	if (st != IRM_EINPUT)
		fail_msg("expected an input error '%s…', got status %d\nline: %s", prefix, st, line);
	if (strncmp(e.msg, prefix, strlen(prefix)) != 0)
		fail_msg("expected '%s…', got '%s'\nline: %s", prefix, e.msg, line);
	assert_int_equal(e.status, IRM_EINPUT);
	return e.msg;
}

static const char *parse_bad(const char *line, const char *prefix)
{
	return parse_bad_n(line, strlen(line), prefix);
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool time_eq(struct irm_time a, struct irm_time b)
{
	return a.utc == b.utc && a.off_min == b.off_min;
}

static void assert_customer_eq(const struct customer *a, const struct customer *b)
{
	assert_true(str_eq(a->id, b->id));
	assert_true(str_eq(a->member, b->member));
	assert_true(str_eq(a->name, b->name));
	assert_true(str_eq(a->email, b->email));
	assert_true(str_eq(a->phone, b->phone));
	assert_int_equal(a->birth_date, b->birth_date);
	assert_int_equal(a->member_since, b->member_since);
	assert_string_equal(a->home_airport, b->home_airport);
	assert_int_equal(a->tier, b->tier);
	assert_int_equal(a->lifetime_miles, b->lifetime_miles);
	assert_int_equal(a->lifetime_flights, b->lifetime_flights);
	assert_int_equal(a->ytd_miles, b->ytd_miles);
	assert_int_equal(a->ytd_segments, b->ytd_segments);
	assert_int_equal(a->recognition, b->recognition);
	assert_int_equal(a->version, b->version);
}

static void assert_segment_eq(const struct segment *a, const struct segment *b)
{
	assert_true(str_eq(a->id, b->id));
	assert_true(str_eq(a->carrier, b->carrier));
	assert_true(str_eq(a->flight, b->flight));
	assert_string_equal(a->origin, b->origin);
	assert_string_equal(a->destination, b->destination);
	assert_true(time_eq(a->departure, b->departure));
	assert_int_equal(a->has_arrival, b->has_arrival);
	assert_true(time_eq(a->arrival, b->arrival));
	assert_int_equal(a->cabin, b->cabin);
	assert_int_equal(a->fare_class, b->fare_class);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->status_at, b->status_at);
	assert_int_equal(a->miles, b->miles);
	assert_int_equal(a->n_seats, b->n_seats);
	for (size_t i = 0; i < a->n_seats; i++) {
		assert_true(str_eq(a->seats[i].passenger, b->seats[i].passenger));
		assert_true(str_eq(a->seats[i].seat, b->seats[i].seat));
	}
}

static void assert_trip_eq(const struct trip *a, const struct trip *b)
{
	assert_true(str_eq(a->id, b->id));
	assert_true(str_eq(a->pnr, b->pnr));
	assert_int_equal(a->has_booked_at, b->has_booked_at);
	assert_true(time_eq(a->booked_at, b->booked_at));
	assert_int_equal(a->channel, b->channel);
	assert_true(str_eq(a->corporate_code, b->corporate_code));
	assert_int_equal(a->n_passengers, b->n_passengers);
	for (size_t i = 0; i < a->n_passengers; i++) {
		assert_true(str_eq(a->passengers[i].customer_id, b->passengers[i].customer_id));
		assert_true(str_eq(a->passengers[i].name, b->passengers[i].name));
		assert_int_equal(a->passengers[i].age_band, b->passengers[i].age_band);
	}
	assert_int_equal(a->n_segments, b->n_segments);
	for (size_t i = 0; i < a->n_segments; i++)
		assert_segment_eq(&a->segments[i], &b->segments[i]);
	assert_int_equal(a->n_hotels, b->n_hotels);
	for (size_t i = 0; i < a->n_hotels; i++) {
		assert_true(str_eq(a->hotels[i].name, b->hotels[i].name));
		assert_int_equal(a->hotels[i].stars, b->hotels[i].stars);
		assert_int_equal(a->hotels[i].nights, b->hotels[i].nights);
	}
	assert_int_equal(a->version, b->version);
}

static void assert_record_eq(const struct record *a, const struct record *b)
{
	assert_int_equal(a->kind, b->kind);
	switch (a->kind) {
	case RECORD_CUSTOMER:
		assert_customer_eq(&a->u.customer, &b->u.customer);
		break;
	case RECORD_TRIP:
		assert_trip_eq(&a->u.trip, &b->u.trip);
		break;
	case RECORD_SEGMENT_STATUS:
		assert_true(str_eq(a->u.status.segment_id, b->u.status.segment_id));
		assert_int_equal(a->u.status.status, b->u.status.status);
		assert_int_equal(a->u.status.has_at, b->u.status.has_at);
		assert_true(time_eq(a->u.status.at, b->u.status.at));
		break;
	case RECORD_DELETE:
		assert_int_equal(a->u.del.of, b->u.del.of);
		assert_true(str_eq(a->u.del.id, b->u.del.id));
		break;
	}
}

/* parse → JSON → text → parse gives the same record; returns the text
 * (malloc'd) for further checks. */
static char *round_trip(const char *line)
{
	struct record a, b;
	json_t *j;
	char *text;

	parse_ok(line, &a);
	j = record_json(&a);
	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_non_null(text);
	parse_ok(text, &b);
	assert_record_eq(&a, &b);
	return text;
}

/* --- the spec's examples ---------------------------------------------------- */

static void test_spec_customer(void **state)
{
	struct record r;
	const struct customer *c = &r.u.customer;
	int y, m, d;

	(void)state;
	parse_ok(spec_customer, &r);
	assert_int_equal(r.kind, RECORD_CUSTOMER);
	assert_string_equal(c->id, "C1");
	assert_string_equal(c->member, "MP1000001");
	assert_string_equal(c->name, "Jos\xc3\xa9 M\xc3\xbcller");
	assert_string_equal(c->email, "jm@example.com");
	assert_string_equal(c->phone, "+13035550101");
	date_to_ymd(c->birth_date, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 19611122);
	assert_int_equal(c->member_since, date_from_ymd(1994, 3, 1));
	assert_string_equal(c->home_airport, "DEN");
	assert_int_equal(c->tier, TIER_PLATINUM);
	assert_int_equal(c->lifetime_miles, 998976);
	assert_int_equal(c->lifetime_flights, 1402);
	assert_int_equal(c->ytd_miles, 0);
	assert_int_equal(c->ytd_segments, 0);
	assert_int_equal(c->recognition, REC_PUBLIC);
	assert_int_equal(c->version, 0);
}

static void test_spec_trip(void **state)
{
	struct record r;
	const struct trip *t = &r.u.trip;
	const struct segment *s;
	char buf[26];

	(void)state;
	parse_ok(spec_trip, &r);
	assert_int_equal(r.kind, RECORD_TRIP);
	assert_string_equal(t->id, "T1");
	assert_string_equal(t->pnr, "K7Q2ZX");
	assert_true(t->has_booked_at);
	date_format_time(t->booked_at, buf);
	assert_string_equal(buf, "2026-11-19T15:02:00-07:00");
	assert_int_equal(t->booked_at.off_min, -7 * 60);
	assert_int_equal(t->channel, CH_CORPORATE);
	assert_string_equal(t->corporate_code, "ACME");

	assert_int_equal(t->n_passengers, 2);
	assert_string_equal(t->passengers[0].customer_id, "C1");
	assert_null(t->passengers[0].name);
	assert_int_equal(t->passengers[0].age_band, AGE_ADULT);
	assert_null(t->passengers[1].customer_id);
	assert_string_equal(t->passengers[1].name, "Ana M\xc3\xbcller");
	assert_int_equal(t->passengers[1].age_band, AGE_CHILD);

	assert_int_equal(t->n_segments, 1);
	s = &t->segments[0];
	assert_string_equal(s->id, "S1");
	assert_string_equal(s->carrier, "UA");
	assert_string_equal(s->flight, "1234");
	assert_string_equal(s->origin, "DEN");
	assert_string_equal(s->destination, "SEA");
	date_format_time(s->departure, buf);
	assert_string_equal(buf, "2026-11-22T08:15:00-07:00");
	assert_true(s->has_arrival);
	assert_int_equal(s->arrival.utc - s->departure.utc, (2 * 60 + 50) * 60);
	assert_int_equal(s->arrival.off_min, -8 * 60);
	assert_int_equal(s->cabin, CABIN_J);
	assert_int_equal(s->fare_class, 'Z');
	assert_int_equal(s->status, SEG_BOOKED);
	assert_int_equal(s->status_at, 0);
	assert_int_equal(s->n_seats, 1);
	assert_string_equal(s->seats[0].passenger, "C1");
	assert_string_equal(s->seats[0].seat, "2A");
	assert_int_equal(s->miles, 1024);      /* DEN→SEA, not given */

	assert_int_equal(t->n_hotels, 1);
	assert_string_equal(t->hotels[0].name, "Four Seasons Seattle");
	assert_int_equal(t->hotels[0].stars, 5);
	assert_int_equal(t->hotels[0].nights, 2);
	assert_int_equal(t->version, 0);
}

static void test_spec_status(void **state)
{
	struct record r;
	char buf[26];

	(void)state;
	parse_ok(spec_status, &r);
	assert_int_equal(r.kind, RECORD_SEGMENT_STATUS);
	assert_string_equal(r.u.status.segment_id, "S1");
	assert_int_equal(r.u.status.status, SEG_FLOWN);
	assert_true(r.u.status.has_at);
	date_format_time(r.u.status.at, buf);
	assert_string_equal(buf, "2026-11-22T10:41:00-08:00");
}

static void test_defaults_and_normalising(void **state)
{
	struct record r;
	const struct segment *s;

	(void)state;
	parse_ok(customer("'id':'C2','name':'  Li Wei  '"), &r);
	assert_string_equal(r.u.customer.name, "Li Wei");
	assert_null(r.u.customer.member);
	assert_null(r.u.customer.email);
	assert_int_equal(r.u.customer.birth_date, DATE_NONE);
	assert_int_equal(r.u.customer.member_since, DATE_NONE);
	assert_string_equal(r.u.customer.home_airport, "");
	assert_int_equal(r.u.customer.tier, TIER_MEMBER);
	assert_int_equal(r.u.customer.recognition, REC_PUBLIC);
	assert_int_equal(r.u.customer.version, 0);

	/* Case-insensitive enums, null as absent, unknown fields ignored. */
	parse_ok(customer("'id':'C2','name':'X','tier':'diamond','recognition':'quiet',"
			  "'email':null,'shoe_size':44,'extra':{'a':[1,2]},'version':7"), &r);
	assert_int_equal(r.u.customer.tier, TIER_DIAMOND);
	assert_int_equal(r.u.customer.recognition, REC_QUIET);
	assert_null(r.u.customer.email);
	assert_int_equal(r.u.customer.version, 7);

	parse_ok(trip("'pnr':'abc12','passengers':[{'name':'Kid','age_band':'infant'}],"
		      "'segments':[{" SEG ",'carrier':'ua','flight':'12a','fare_class':'y',"
		      "'seats':{'Kid':'14c'},'miles':0}]"), &r);
	assert_string_equal(r.u.trip.pnr, "ABC12");
	assert_int_equal(r.u.trip.channel, CH_WEB);
	assert_false(r.u.trip.has_booked_at);
	assert_null(r.u.trip.corporate_code);
	assert_int_equal(r.u.trip.n_hotels, 0);
	assert_int_equal(r.u.trip.passengers[0].age_band, AGE_INFANT);
	s = &r.u.trip.segments[0];
	assert_string_equal(s->carrier, "UA");
	assert_string_equal(s->flight, "12A");
	assert_int_equal(s->fare_class, 'Y');
	assert_int_equal(s->cabin, CABIN_Y);
	assert_false(s->has_arrival);
	assert_string_equal(s->seats[0].seat, "14C");
	assert_int_equal(s->miles, 0);          /* given: kept, even 0 */

	parse_ok(q2j("{'kind':'segment_status','data':{'segment_id':'S1','status':'no_show'}}"),
		 &r);
	assert_int_equal(r.u.status.status, SEG_NO_SHOW);
	assert_false(r.u.status.has_at);
}

static void test_round_trip(void **state)
{
	char *text;
	json_t *j;
	json_error_t jerr;

	(void)state;
	free(round_trip(spec_customer));
	free(round_trip(spec_status));
	free(round_trip(customer("'id':'C9','name':'Min','version':3,'ytd_miles':5000,"
				 "'ytd_segments':4,'tier':'Gold','recognition':'none'")));
	free(round_trip(trip("'version':2," PAX ",'segments':[{" SEG "},{'id':'S2',"
			     "'origin':'SEA','destination':'DEN','miles':999,"
			     "'departure':'2026-11-25T18:00:00Z','status':'cancelled','cabin':'F'}],"
			     "'hotel':[{'name':'Inn','nights':1}]")));

	text = round_trip(spec_trip);
	j = json_loads(text, 0, &jerr);
	assert_non_null(j);
	/* miles is always written; cabin as a letter; seats as an object. */
	assert_int_equal(json_integer_value(json_object_get(
		json_array_get(json_object_get(json_object_get(j, "data"), "segments"), 0),
		"miles")), 1024);
	assert_non_null(strstr(text, "\"cabin\":\"J\""));
	assert_non_null(strstr(text, "\"seats\":{\"C1\":\"2A\"}"));
	assert_null(strstr(text, "\"version\""));
	json_decref(j);
	free(text);
}

/* --- the envelope and JSON itself ------------------------------------------------ */

static void test_envelope(void **state)
{
	(void)state;
	parse_bad(q2j("{'data':{}}"), "kind: missing");
	parse_bad(q2j("{'kind':3,'data':{}}"), "kind: expected a string, got number");
	parse_bad(q2j("{'kind':'flight','data':{}}"), "kind: unknown record kind 'flight'");
	parse_bad(q2j("{'kind':'customer'}"), "data: missing");
	parse_bad(q2j("{'kind':'customer','data':null}"), "data: missing");
	parse_bad(q2j("{'kind':'customer','data':[1]}"), "data: expected an object, got array");
	parse_bad(q2j("[{'kind':'customer'}]"), "expected a JSON object, got array");
}

static void test_json_errors(void **state)
{
	const char *line;
	const char *msg;

	(void)state;
	line = spec_customer;
	msg = parse_bad_n(line, strlen(line) - 5, "json: ");      /* truncated */
	assert_non_null(strstr(msg, "at column"));
	parse_bad(q2j("{'kind':'segment_status','data':{'segment_id':'S1','status':'flown'}} x"),
		  "json: end of file expected");
	parse_bad(q2j("{'kind':'segment_status','data':{'segment_id':'S1','status':'flown'}}{}"),
		  "json: end of file expected");
	parse_bad(q2j("{'kind':'segment_status','data':{'segment_id':'S1','segment_id':'S2',"
		      "'status':'flown'}}"), "json: duplicate object key");
	parse_bad("{\"kind\":\"customer\",\"data\":{\"id\":\"C1\",\"name\":\"Jos\xe9\"}}",
		  "json: unable to decode byte 0xe9");
	/* an overlong encoding of '/' and a lone continuation byte */
	parse_bad("{\"kind\":\"customer\",\"data\":{\"id\":\"C1\",\"name\":\"\xc0\xaf\"}}", "json: ");
	parse_bad("{\"kind\":\"customer\",\"data\":{\"id\":\"C1\",\"name\":\"\x80\"}}", "json: ");
	parse_bad("", "json: ");
	parse_bad("not json", "json: ");
	/* A raw control character inside a string is not JSON; the message
	 * carries no raw ESC even so. */
	msg = parse_bad("{\"kind\":\"customer\",\"data\":{\"id\":\"C1\",\"name\":\"\x1b[2J\"}}",
			"json: ");
	assert_null(strchr(msg, 0x1b));
	/* beyond 64 bits: jansson itself refuses */
	parse_bad(customer("'id':'C1','name':'A','lifetime_miles':100000000000000000000"),
		  "json: too big integer");
}

/* --- customers ------------------------------------------------------------- */

static void test_customer_missing(void **state)
{
	(void)state;
	parse_bad(customer("'name':'A'"), "id: missing");
	parse_bad(customer("'id':null,'name':'A'"), "id: missing");
	parse_bad(customer("'id':'C1'"), "name: missing");
	parse_bad(customer("'id':'C1','name':'   '"), "name: empty");
	parse_bad(customer("'id':'','name':'A'"), "id: empty");
}

static void test_customer_types(void **state)
{
	(void)state;
	parse_bad(customer("'id':'C1','name':5"), "name: expected a string, got number");
	parse_bad(customer("'id':7,'name':'A'"), "id: expected a string, got number");
	parse_bad(customer("'id':'C1','name':['A']"), "name: expected a string, got array");
	parse_bad(customer("'id':'C1','name':'A','email':true"),
		  "email: expected a string, got boolean");
	parse_bad(customer("'id':'C1','name':'A','birth_date':19611122"),
		  "birth_date: expected a string, got number");
	parse_bad(customer("'id':'C1','name':'A','lifetime_miles':'1000'"),
		  "lifetime_miles: expected an integer, got string");
	parse_bad(customer("'id':'C1','name':'A','lifetime_miles':1000.5"),
		  "lifetime_miles: expected an integer, got 1000.5");
	parse_bad(customer("'id':'C1','name':'A','lifetime_flights':1e3"),
		  "lifetime_flights: expected an integer, got 1000");
	parse_bad(customer("'id':'C1','name':'A','ytd_segments':{}"),
		  "ytd_segments: expected an integer, got object");
	parse_bad(customer("'id':'C1','name':'A','version':'2'"),
		  "version: expected an integer, got string");
	parse_bad(customer("'id':'C1','name':'A','tier':1"), "tier: expected a string, got number");
}

static void test_customer_values(void **state)
{
	char big[200];

	(void)state;
	parse_bad(customer("'id':'C 1','name':'A'"), "id: not printable ASCII without spaces");
	parse_bad(customer("'id':'C\\u00e91','name':'A'"), "id: not printable ASCII without spaces");
	snprintf(big, sizeof big, "'id':'%065d','name':'A'", 1);
	parse_bad(customer(big), "id: longer than 64 bytes");
	snprintf(big, sizeof big, "'id':'%064d','name':'A'", 1);
	parse_ok(customer(big), &(struct record){ 0 });
	parse_bad(customer("'id':'C1','name':'A','member':'MP-1'"),
		  "member: must be 1 to 32 letters or digits: 'MP-1'");
	parse_bad(customer("'id':'C1','name':'A','email':'a@b@c'"), "email: not an e-mail address");
	parse_bad(customer("'id':'C1','name':'A','email':'@b.com'"), "email: not an e-mail address");
	parse_bad(customer("'id':'C1','name':'A','email':'a@'"), "email: not an e-mail address");
	parse_bad(customer("'id':'C1','name':'A','email':'a b@c.com'"),
		  "email: not an e-mail address");
	parse_bad(customer("'id':'C1','name':'A','phone':'303-555-0101'"), "phone: not an E.164");
	parse_bad(customer("'id':'C1','name':'A','phone':'+1234567'"), "phone: not an E.164");
	parse_bad(customer("'id':'C1','name':'A','phone':'+1234567890123456'"),
		  "phone: not an E.164");
	parse_ok(customer("'id':'C1','name':'A','phone':'+12345678'"), &(struct record){ 0 });
	parse_bad(customer("'id':'C1','name':'A','birth_date':'2026-02-30'"),
		  "birth_date: not a valid date (YYYY-MM-DD): '2026-02-30'");
	parse_bad(customer("'id':'C1','name':'A','member_since':'1994-3-1'"),
		  "member_since: not a valid date");
	parse_bad(customer("'id':'C1','name':'A','home_airport':'XXX'"),
		  "home_airport: unknown airport 'XXX'");
	parse_bad(customer("'id':'C1','name':'A','home_airport':'den'"),
		  "home_airport: unknown airport 'den'");
	parse_bad(customer("'id':'C1','name':'A','home_airport':'DENV'"),
		  "home_airport: unknown airport 'DENV'");
	parse_bad(customer("'id':'C1','name':'A','tier':'Bronze'"), "tier: unknown tier 'Bronze'");
	parse_bad(customer("'id':'C1','name':'A','recognition':'loud'"),
		  "recognition: unknown recognition 'loud'");
	parse_bad(customer("'id':'C1','name':'A','lifetime_miles':-1"),
		  "lifetime_miles: must be 0 to 999999999, got -1");
	parse_bad(customer("'id':'C1','name':'A','ytd_miles':1000000000000"),
		  "ytd_miles: must be 0 to 999999999, got 1000000000000");
	parse_bad(customer("'id':'C1','name':'A','lifetime_flights':9223372036854775807"),
		  "lifetime_flights: must be 0 to ");
	parse_bad(customer("'id':'C1','name':'A','version':0"),
		  "version: must be at least 1, got 0");
	parse_bad(customer("'id':'C1','name':'A','version':-4"),
		  "version: must be at least 1, got -4");
}

static void test_names(void **state)
{
	struct record r;
	char big[400];
	const char *msg;

	(void)state;
	/* Any script is fine. */
	parse_ok(customer("'id':'C1','name':'\xe7\x8e\x8b\xe8\x8a\xb3 \xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd'"),
		 &r);
	assert_string_equal(r.u.customer.name, "\xe7\x8e\x8b\xe8\x8a\xb3 \xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd");

	/* An embedded NUL is refused, with the field named. */
	parse_bad(customer("'id':'C1','name':'Ana\\u0000Evil'"),
		  "name: contains a NUL character");
	parse_bad(trip("'passengers':[{'name':'\\u0000'}]," SEGS),
		  "passengers[0].name: contains a NUL character");

	/* Control characters in a name are accepted and kept as they are. */
	parse_ok(customer("'id':'C1','name':'\\u001b[31mRed\\u001b[0m'"), &r);
	assert_string_equal(r.u.customer.name, "\x1b[31mRed\x1b[0m");

	/* A bad value carrying an escape sequence is quoted without it. */
	msg = parse_bad(customer("'id':'C1','name':'A','email':'\\u001b]0;pwned\\u0007\\u001b[2J'"),
			"email: not an e-mail address: '");
	assert_null(strchr(msg, 0x1b));
	assert_null(strchr(msg, 0x07));
	msg = parse_bad(customer("'id':'C1','name':'A','tier':'\\u009b31m\\u202eGold'"),
			"tier: unknown tier '");
	assert_null(strstr(msg, "\xc2\x9b"));       /* C1 CSI */
	assert_null(strstr(msg, "\xe2\x80\xae"));   /* right-to-left override */
	msg = parse_bad(segment(SEG ",'seats':{'\\u001b[1mC1':'window'}"), "segments[0].seats.");
	assert_null(strchr(msg, 0x1b));

	/* Long values are cut in messages. */
	memset(big, 0, sizeof big);
	memcpy(big, "'id':'C1','name':'A','tier':'", 29);
	memset(big + 29, 'x', 300);
	memcpy(big + 329, "'", 1);
	msg = parse_bad(customer(big), "tier: unknown tier 'xxxx");
	assert_true(strlen(msg) < 200);

	snprintf(big, sizeof big, "'id':'C1','name':'%0257d'", 0);
	parse_bad(customer(big), "name: longer than 256 bytes");
}

/* --- trips -------------------------------------------------------------------- */

static void test_trip_missing(void **state)
{
	(void)state;
	parse_bad(q2j("{'kind':'trip','data':{" PAX "," SEGS "}}"), "id: missing");
	parse_bad(trip(SEGS), "passengers: missing");
	parse_bad(trip(PAX), "segments: missing");
	parse_bad(segment("'origin':'DEN','destination':'SEA',"
			  "'departure':'2026-11-22T08:15:00-07:00','status':'booked'"),
		  "segments[0].id: missing");
	parse_bad(segment("'id':'S1','destination':'SEA',"
			  "'departure':'2026-11-22T08:15:00-07:00','status':'booked'"),
		  "segments[0].origin: missing");
	parse_bad(segment("'id':'S1','origin':'DEN',"
			  "'departure':'2026-11-22T08:15:00-07:00','status':'booked'"),
		  "segments[0].destination: missing");
	parse_bad(segment("'id':'S1','origin':'DEN','destination':'SEA','status':'booked'"),
		  "segments[0].departure: missing");
	parse_bad(segment("'id':'S1','origin':'DEN','destination':'SEA',"
			  "'departure':'2026-11-22T08:15:00-07:00'"),
		  "segments[0].status: missing");
	parse_bad(trip(PAX "," SEGS ",'hotel':[{'nights':2}]"), "hotel[0].name: missing");
	parse_bad(trip(PAX "," SEGS ",'hotel':[{'name':'Inn'}]"), "hotel[0].nights: missing");
	parse_bad(q2j("{'kind':'segment_status','data':{'status':'flown'}}"),
		  "segment_id: missing");
	parse_bad(q2j("{'kind':'segment_status','data':{'segment_id':'S1'}}"), "status: missing");
}

static void test_trip_types(void **state)
{
	(void)state;
	parse_bad(trip("'passengers':{'customer_id':'C1'}," SEGS),
		  "passengers: expected an array, got object");
	parse_bad(trip(PAX ",'segments':'S1'"), "segments: expected an array, got string");
	parse_bad(trip("'passengers':['C1']," SEGS), "passengers[0]: expected an object, got string");
	parse_bad(trip(PAX ",'segments':[{" SEG "},7]"), "segments[1]: expected an object, got number");
	parse_bad(trip(PAX "," SEGS ",'hotel':{'name':'Inn'}"), "hotel: expected an array, got object");
	parse_bad(trip(PAX "," SEGS ",'hotel':[{'name':'Inn','nights':'2'}]"),
		  "hotel[0].nights: expected an integer, got string");
	parse_bad(trip(PAX "," SEGS ",'hotel':[{'name':'Inn','nights':2,'stars':4.5}]"),
		  "hotel[0].stars: expected an integer, got 4.5");
	parse_bad(segment(SEG ",'seats':['2A']"), "segments[0].seats: expected an object, got array");
	parse_bad(segment(SEG ",'seats':{'C1':2}"), "segments[0].seats.C1: expected a string, got number");
	parse_bad(segment(SEG ",'miles':'1024'"), "segments[0].miles: expected an integer, got string");
	parse_bad(segment(SEG ",'miles':1024.0"), "segments[0].miles: expected an integer, got 1024");
	parse_bad(segment(SEG ",'flight':1234"), "segments[0].flight: expected a string, got number");
	parse_bad(trip("'booked_at':1763589720," PAX "," SEGS),
		  "booked_at: expected a string, got number");
	parse_bad(trip("'pnr':false," PAX "," SEGS), "pnr: expected a string, got boolean");
}

static void test_trip_values(void **state)
{
	char many[12288], *p;

	(void)state;
	parse_bad(trip("'pnr':'ABC'," PAX "," SEGS), "pnr: must be 5 to 8 letters or digits: 'ABC'");
	parse_bad(trip("'pnr':'ABC-12'," PAX "," SEGS), "pnr: must be 5 to 8 letters or digits");
	parse_bad(trip("'channel':'fax'," PAX "," SEGS), "channel: unknown channel 'fax'");
	parse_bad(trip("'booked_at':'2026-11-19T15:02:00'," PAX "," SEGS),
		  "booked_at: not an ISO 8601 time with offset: '2026-11-19T15:02:00'");
	parse_bad(trip("'corporate_code':''," PAX "," SEGS), "corporate_code: empty");
	parse_bad(trip("'corporate_code':'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456'," PAX "," SEGS),
		  "corporate_code: longer than 32 bytes");

	parse_bad(trip("'passengers':[]," SEGS), "passengers: expected at least one passenger");
	parse_bad(trip("'passengers':[{'customer_id':'C1'},{'customer_id':'C2','name':'Bo'}]," SEGS),
		  "passengers[1]: has both customer_id and name");
	parse_bad(trip("'passengers':[{'age_band':'child'}]," SEGS),
		  "passengers[0]: needs customer_id");
	parse_bad(trip("'passengers':[{'name':'Bo','age_band':'senior'}]," SEGS),
		  "passengers[0].age_band: unknown age band 'senior'");
	parse_bad(trip("'passengers':[{'customer_id':'C 1'}]," SEGS),
		  "passengers[0].customer_id: not printable ASCII");

	parse_bad(trip(PAX ",'segments':[]"), "segments: expected at least one segment");
	p = many;
	p += sprintf(p, "'passengers':[{'customer_id':'C1'}],'segments':[");
	for (int i = 0; i < 65; i++)
		p += sprintf(p, "%s{'id':'S%d','origin':'DEN','destination':'SEA',"
			     "'departure':'2026-11-22T08:15:00-07:00','status':'booked'}",
			     i ? "," : "", i);
	sprintf(p, "]");
	parse_bad(trip(many), "segments: too many segments (65, at most 64)");
	parse_bad(trip(PAX ",'segments':[{" SEG "},{" SEG "}]"),
		  "segments[1].id: same id as segments[0]: 'S1'");
}

static void test_segment_values(void **state)
{
	(void)state;
	parse_bad(segment("'id':'S1','origin':'XXX','destination':'SEA',"
			  "'departure':'2026-11-22T08:15:00-07:00','status':'booked'"),
		  "segments[0].origin: unknown airport 'XXX'");
	parse_bad(trip(PAX ",'segments':[{" SEG "},{'id':'S2','origin':'SEA','destination':'sea',"
		       "'departure':'2026-11-23T08:15:00-07:00','status':'booked'}]"),
		  "segments[1].destination: unknown airport 'sea'");
	parse_bad(segment("'id':'S1','origin':'DEN','destination':'DEN',"
			  "'departure':'2026-11-22T08:15:00-07:00','status':'booked'"),
		  "segments[0].destination: same as origin 'DEN'");
	parse_bad(trip(PAX ",'segments':[{" SEG "},{'id':'S2','origin':'SEA','destination':'DEN',"
		       "'departure':'2026-13-01T10:00','status':'booked'}]"),
		  "segments[1].departure: not an ISO 8601 time with offset: '2026-13-01T10:00'");
	parse_bad(segment("'id':'S1','origin':'DEN','destination':'SEA',"
			  "'departure':'2026-02-30T08:15:00-07:00','status':'booked'"),
		  "segments[0].departure: not an ISO 8601 time with offset: '2026-02-30T08:15:00-07:00'");
	parse_bad(segment("'id':'S1','origin':'DEN','destination':'SEA',"
			  "'departure':'2026-11-22T08:15:00','status':'booked'"),
		  "segments[0].departure: not an ISO 8601 time with offset");
	parse_bad(segment(SEG ",'arrival':'2026-11-22 10:05'"),
		  "segments[0].arrival: not an ISO 8601 time with offset");
	/* 07:10 in Seattle is 08:10 in Denver: five minutes before departure. */
	parse_bad(segment(SEG ",'arrival':'2026-11-22T07:10:00-08:00'"),
		  "segments[0].arrival: 2026-11-22T07:10:00-08:00 is before departure");
	parse_ok(segment(SEG ",'arrival':'2026-11-22T07:15:00-08:00'"), &(struct record){ 0 });
	parse_bad(segment(SEG ",'cabin':'C'"), "segments[0].cabin: unknown cabin 'C'");
	parse_bad(segment("'id':'S1','origin':'DEN','destination':'SEA',"
			  "'departure':'2026-11-22T08:15:00-07:00','status':'landed'"),
		  "segments[0].status: unknown status 'landed'");
	parse_bad(segment(SEG ",'fare_class':'ZZ'"), "segments[0].fare_class: not a single letter: 'ZZ'");
	parse_bad(segment(SEG ",'fare_class':'1'"), "segments[0].fare_class: not a single letter");
	parse_bad(segment(SEG ",'carrier':'U'"), "segments[0].carrier: must be 2 to 3 letters or digits");
	parse_bad(segment(SEG ",'carrier':'UNTD'"), "segments[0].carrier: must be 2 to 3");
	parse_bad(segment(SEG ",'flight':'12345'"), "segments[0].flight: not a flight number");
	parse_bad(segment(SEG ",'flight':'12AB'"), "segments[0].flight: not a flight number");
	parse_bad(segment(SEG ",'flight':'UA12'"), "segments[0].flight: not a flight number");
	parse_bad(segment(SEG ",'seats':{'C1':'window'}"),
		  "segments[0].seats.C1: not a seat like '2A': 'window'");
	parse_bad(segment(SEG ",'seats':{'C1':'2AB'}"), "segments[0].seats.C1: not a seat");
	parse_bad(segment(SEG ",'seats':{'':'2A'}"), "segments[0].seats: empty");
	parse_bad(segment(SEG ",'miles':-5"), "segments[0].miles: must be 0 to 15000, got -5");
	parse_bad(segment(SEG ",'miles':15001"), "segments[0].miles: must be 0 to 15000, got 15001");
	parse_bad(segment(SEG ",'miles':99999999999999"),
		  "segments[0].miles: must be 0 to 15000, got 99999999999999");
}

static void test_hotel_values(void **state)
{
	(void)state;
	parse_bad(trip(PAX "," SEGS ",'hotel':[{'name':'Inn','stars':0,'nights':1}]"),
		  "hotel[0].stars: must be 1 to 5, got 0");
	parse_bad(trip(PAX "," SEGS ",'hotel':[{'name':'Inn','nights':1},"
		       "{'name':'Spa','stars':6,'nights':1}]"),
		  "hotel[1].stars: must be 1 to 5, got 6");
	parse_bad(trip(PAX "," SEGS ",'hotel':[{'name':'Inn','stars':7,'nights':1}]"),
		  "hotel[0].stars: must be 1 to 5, got 7");
	parse_bad(trip(PAX "," SEGS ",'hotel':[{'name':'Inn','nights':0}]"),
		  "hotel[0].nights: must be 1 to 365, got 0");
	parse_bad(trip(PAX "," SEGS ",'hotel':[{'name':'Inn','nights':366}]"),
		  "hotel[0].nights: must be 1 to 365, got 366");
	parse_bad(trip(PAX "," SEGS ",'hotel':[{'name':' ','nights':1}]"), "hotel[0].name: empty");
	parse_bad(trip(PAX "," SEGS ",'hotel':['Inn']"), "hotel[0]: expected an object, got string");
}

static void test_segment_status_values(void **state)
{
	(void)state;
	parse_bad(q2j("{'kind':'segment_status','data':{'segment_id':'S1','status':'gone'}}"),
		  "status: unknown status 'gone'");
	parse_bad(q2j("{'kind':'segment_status','data':{'segment_id':'S1','status':'flown',"
		      "'at':'2026-11-22T10:41:00'}}"),
		  "at: not an ISO 8601 time with offset: '2026-11-22T10:41:00'");
	parse_bad(q2j("{'kind':'segment_status','data':{'segment_id':['S1'],'status':'flown'}}"),
		  "segment_id: expected a string, got array");
}

static void test_delete_values(void **state)
{
	struct record r;
	struct irm_err e = { 0 };
	const char *ok = q2j("{'kind':'delete','data':{'kind':'trip','id':'T9'}}");
	(void)state;
	assert_int_equal(record_parse(ok, strlen(ok), &arena, &r, &e), IRM_OK);
	assert_int_equal(r.kind, RECORD_DELETE);
	assert_int_equal(r.u.del.of, RECORD_TRIP);
	assert_string_equal(r.u.del.id, "T9");
	json_t *back = record_json(&r);
	char *text = json_dumps(back, JSON_COMPACT);
	assert_string_equal(text, "{\"kind\":\"delete\",\"data\":{\"kind\":\"trip\",\"id\":\"T9\"}}");
	free(text);
	json_decref(back);
	parse_bad(q2j("{'kind':'delete','data':{'kind':'segment','id':'S1'}}"),
		  "kind: a customer or a trip can be deleted, not 'segment'");
	parse_bad(q2j("{'kind':'delete','data':{'kind':'customer'}}"), "id: missing");
}

static void test_from_json_direct(void **state)
{
	struct record r;
	struct irm_err e = { 0 };
	json_t *obj;

	(void)state;
	/* record_from_json on an object built in memory, with a NUL in a name. */
	obj = json_pack("{s:s, s:{s:s, s:s%}}", "kind", "customer", "data", "id", "C1",
			"name", "A\0B", (size_t)3);
	assert_non_null(obj);
	assert_int_equal(record_from_json(obj, &arena, &r, &e), IRM_EINPUT);
	assert_string_equal(e.msg, "name: contains a NUL character (\\u0000)");
	json_decref(obj);

	assert_int_equal(record_from_json(NULL, &arena, &r, &e), IRM_EINPUT);

	obj = record_wrap("segment_status", json_pack("{s:s, s:s}", "segment_id", "S7",
						      "status", "cancelled"));
	assert_int_equal(record_from_json(obj, &arena, &r, &e), IRM_OK);
	assert_int_equal(r.kind, RECORD_SEGMENT_STATUS);
	assert_string_equal(r.u.status.segment_id, "S7");
	assert_int_equal(r.u.status.status, SEG_CANCELLED);
	json_decref(obj);
	assert_string_equal(record_kind_name(RECORD_TRIP), "trip");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_spec_customer, teardown),
		cmocka_unit_test_teardown(test_spec_trip, teardown),
		cmocka_unit_test_teardown(test_spec_status, teardown),
		cmocka_unit_test_teardown(test_delete_values, teardown),
		cmocka_unit_test_teardown(test_defaults_and_normalising, teardown),
		cmocka_unit_test_teardown(test_round_trip, teardown),
		cmocka_unit_test_teardown(test_envelope, teardown),
		cmocka_unit_test_teardown(test_json_errors, teardown),
		cmocka_unit_test_teardown(test_customer_missing, teardown),
		cmocka_unit_test_teardown(test_customer_types, teardown),
		cmocka_unit_test_teardown(test_customer_values, teardown),
		cmocka_unit_test_teardown(test_names, teardown),
		cmocka_unit_test_teardown(test_trip_missing, teardown),
		cmocka_unit_test_teardown(test_trip_types, teardown),
		cmocka_unit_test_teardown(test_trip_values, teardown),
		cmocka_unit_test_teardown(test_segment_values, teardown),
		cmocka_unit_test_teardown(test_hotel_values, teardown),
		cmocka_unit_test_teardown(test_segment_status_values, teardown),
		cmocka_unit_test_teardown(test_from_json_direct, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
