/* test_cli_alerts.c — the real irm binary ($IRM_BIN) on alerts and notes:
 * irm alerts (filters, orders, JSON), ack, done, dismiss, assign, note; exit
 * statuses, history, outbox rows, and the second of two completions told
 * who was first. The caches are built here with the library: import of a
 * JSON lines fixture, then alerts_sync with hand-made engine results. */
#include "testutil.h"
#include "clirun.h"

#include <jansson.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include "alerts.h"
#include "clock.h"
#include "import.h"

#define NOW 1795338000 /* 2026-11-22T09:00:00Z, as IRM_NOW below */

static char *dir;
static const char *bin;
static int serial;

static struct run irm(const char *const *args)
{
	return run_irm(bin, NULL, args);
}

#define IRM(...) irm((const char *const[]){ __VA_ARGS__, NULL })

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void expect(const struct run *r, int status)
{
	if (r->status != status)
		fail_msg("exit %d, expected %d; stdout: %.300s; stderr: %.300s", r->status, status,
			 r->out, r->err);
}

/* --- the fixture ------------------------------------------------------------ */

static const char fixture[] =
	"{\"kind\":\"customer\",\"data\":{\"id\":\"C1\",\"member\":\"MP1000001\",\"name\":\"José Müller\","
	"\"lifetime_miles\":998976,\"lifetime_flights\":1402}}\n"
	"{\"kind\":\"customer\",\"data\":{\"id\":\"C2\",\"member\":\"MP1000002\",\"name\":\"Priya Raman\"}}\n"
	"{\"kind\":\"trip\",\"data\":{\"id\":\"T1\",\"passengers\":[{\"customer_id\":\"C1\"}],\"segments\":["
	"{\"id\":\"S1\",\"carrier\":\"UA\",\"flight\":\"1234\",\"origin\":\"DEN\",\"destination\":\"SEA\","
	"\"departure\":\"2026-11-22T08:15:00-07:00\",\"status\":\"booked\"}]}}\n"
	"{\"kind\":\"trip\",\"data\":{\"id\":\"T2\",\"passengers\":[{\"customer_id\":\"C1\"}],\"segments\":["
	"{\"id\":\"S2\",\"carrier\":\"UA\",\"flight\":\"1240\",\"origin\":\"DEN\",\"destination\":\"SEA\","
	"\"departure\":\"2026-11-23T08:15:00-07:00\",\"status\":\"booked\"}]}}\n"
	"{\"kind\":\"trip\",\"data\":{\"id\":\"T3\",\"passengers\":[{\"customer_id\":\"C2\"}],\"segments\":["
	"{\"id\":\"S3\",\"carrier\":\"UA\",\"flight\":\"1234\",\"origin\":\"DEN\",\"destination\":\"SEA\","
	"\"departure\":\"2026-11-22T08:15:00-07:00\",\"status\":\"booked\"},"
	"{\"id\":\"S4\",\"carrier\":\"UA\",\"flight\":\"77\",\"origin\":\"SEA\",\"destination\":\"DEN\","
	"\"departure\":\"2026-11-22T20:00:00-08:00\",\"status\":\"booked\"}]}}\n";

static const struct rule miles_rule = { .name = "lifetime_miles", .kind = RULE_LIFETIME_MILES,
					.enabled = true, .priority = 1 };
static const struct rule flights_rule = { .name = "flights", .kind = RULE_FLIGHTS,
					  .enabled = true, .priority = 2 };
static const struct rule premium_rule = { .name = "first_premium", .kind = RULE_FIRST_PREMIUM,
					  .enabled = true, .priority = 3 };
static const struct rule birthday_rule = { .name = "birthday", .kind = RULE_BIRTHDAY,
					   .enabled = true, .priority = 2 };

#define A_MILES "A-C1-lifetime_miles-1000000"
#define A_FLIGHTS "A-C1-flights-1000"
#define A_PREMIUM "A-C1-first_premium"
#define A_C2_MILES "A-C2-lifetime_miles-100000"
#define A_C2_FLIGHTS "A-C2-flights-100"
#define A_C2_BIRTHDAY "A-C2-birthday"

static struct segment make_seg(const char *id, const char *carrier, const char *flight,
			       const char *from, const char *to, const char *dep)
{
	struct segment s = { .id = id, .carrier = carrier, .flight = flight };
	snprintf(s.origin, sizeof s.origin, "%s", from);
	snprintf(s.destination, sizeof s.destination, "%s", to);
	assert_true(date_parse_time(dep, &s.departure));
	return s;
}

static struct milestone_alert held(const char *customer, const struct rule *r, int64_t threshold,
				   enum alert_state st, const struct segment *sg, int64_t due,
				   const char *title)
{
	struct milestone_alert a = { .rule = r, .threshold = threshold, .state = st, .segment = sg,
				     .due_utc = due };
	alert_make_id(a.id, sizeof a.id, customer, r->name, threshold);
	snprintf(a.title, sizeof a.title, "%s", title);
	snprintf(a.message, sizeof a.message, "%s: recognise them", title);
	return a;
}

/* A new cache file with the fixture and its alerts; returns its path
 * (static buffer, one per call until the next). */
static const char *make_cache(void)
{
	static char path[4200];
	char in[4200];
	struct cache *c;
	struct irm_err e = { 0 };
	struct import_stats st;

	struct segment s1 = make_seg("S1", "UA", "1234", "DEN", "SEA", "2026-11-22T08:15:00-07:00");
	struct segment s2 = make_seg("S2", "UA", "1240", "DEN", "SEA", "2026-11-23T08:15:00-07:00");
	struct segment s3 = make_seg("S3", "UA", "1234", "DEN", "SEA", "2026-11-22T08:15:00-07:00");
	struct segment s4 = make_seg("S4", "UA", "77", "SEA", "DEN", "2026-11-22T20:00:00-08:00");
	struct milestone_alert c1[] = {
		held("C1", &miles_rule, 1000000, ALERT_PENDING, &s1, NOW + 3600, "1,000,000 lifetime miles"),
		held("C1", &flights_rule, 1000, ALERT_PROJECTED, &s2, NOW + 90000, "1,000th flight"),
		held("C1", &premium_rule, -1, ALERT_PROJECTED, &s1, NOW + 7200,
		     "first premium cabin \x1b]0;pwned\x07\x1b[31m!"),
	};
	struct milestone_alert c2[] = {
		held("C2", &miles_rule, 100000, ALERT_PROJECTED, &s3, NOW + 600, "100,000 lifetime miles"),
		held("C2", &flights_rule, 100, ALERT_PROJECTED, &s4, NOW + 1200, "100th flight"),
		held("C2", &birthday_rule, -1, ALERT_PROJECTED, &s4, NOW + 1800, "birthday"),
	};

	snprintf(path, sizeof path, "%s/cache%d.db", dir, ++serial);
	snprintf(in, sizeof in, "%s/fixture.jsonl", dir);
	write_file(in, fixture);
	assert_int_equal(cache_open(path, CACHE_CREATE, &c, &e), IRM_OK);
	if (import_file(c, in, NULL, &st, &e) != IRM_OK)
		fail_msg("fixture: %s", e.msg);
	assert_int_equal(cache_begin(c, &e), IRM_OK);
	assert_int_equal(alerts_sync(c, "C1", c1, 3, NOW - 600, &e), IRM_OK);
	assert_int_equal(alerts_sync(c, "C2", c2, 3, NOW - 600, &e), IRM_OK);
	/* The birthday leg is gone again: withdrawn. */
	assert_int_equal(alerts_sync(c, "C2", c2, 2, NOW - 300, &e), IRM_OK);
	assert_int_equal(cache_commit(c, &e), IRM_OK);
	cache_close(&c);
	return path;
}

static int setup(void **state)
{
	(void)state;
	bin = getenv("IRM_BIN");
	if (!bin) {
		fprintf(stderr, "IRM_BIN is not set\n");
		return -1;
	}
	dir = tmpdir_make();
	setenv("IRM_NOW", "2026-11-22T09:00:00Z", 1);
	setenv("HOME", dir, 1);
	unsetenv("IRM_DB");
	unsetenv("IRM_USER");
	unsetenv("XDG_DATA_HOME");
	setenv("USER", "tester", 1);
	clock_pin(NOW);
	return dir ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(dir);
	return 0;
}

/* The alert with this id in a JSON list, or NULL. */
static json_t *find_alert(json_t *list, const char *id)
{
	size_t i;
	json_t *a;
	json_array_foreach(list, i, a)
		if (strcmp(jstr(a, "id"), id) == 0)
			return a;
	return NULL;
}

/* --- tests ------------------------------------------------------------------ */

static void test_alerts_json(void **state)
{
	(void)state;
	const char *db = make_cache();
	struct run r = IRM("--db", db, "alerts", "--json");
	expect(&r, 0);
	json_t *v = json_of(&r);
	assert_int_equal(json_array_size(v), 6);
	/* By due time: C2's 100,000 miles (+10 min) comes first. */
	assert_string_equal(jstr(json_array_get(v, 0), "id"), A_C2_MILES);

	json_t *a = find_alert(v, A_MILES);
	assert_non_null(a);
	assert_string_equal(jstr(a, "customer_id"), "C1");
	assert_string_equal(jstr(a, "customer_name"), "José Müller");
	assert_string_equal(jstr(a, "kind"), "lifetime_miles");
	assert_int_equal(json_integer_value(json_object_get(a, "threshold")), 1000000);
	assert_string_equal(jstr(a, "state"), "pending");
	assert_string_equal(jstr(a, "title"), "1,000,000 lifetime miles");
	assert_string_equal(jstr(a, "message"), "1,000,000 lifetime miles: recognise them");
	assert_string_equal(jstr(a, "due_at"), "2026-11-22T10:00:00Z");
	assert_true(json_is_null(json_object_get(a, "assigned_to")));
	json_t *sg = json_object_get(a, "segment");
	assert_string_equal(jstr(sg, "id"), "S1");
	assert_string_equal(jstr(sg, "carrier"), "UA");
	assert_string_equal(jstr(sg, "flight"), "1234");
	assert_string_equal(jstr(sg, "origin"), "DEN");
	assert_string_equal(jstr(sg, "destination"), "SEA");
	assert_string_equal(jstr(sg, "departure"), "2026-11-22T08:15:00-07:00");
	json_t *h = json_object_get(a, "history");
	assert_int_equal(json_array_size(h), 1);
	assert_string_equal(jstr(json_array_get(h, 0), "who"), "irm");
	assert_string_equal(jstr(json_array_get(h, 0), "at"), "2026-11-22T08:50:00Z");
	assert_true(json_is_null(json_object_get(json_array_get(h, 0), "from")));
	assert_string_equal(jstr(json_array_get(h, 0), "to"), "pending");
	assert_string_equal(jstr(json_array_get(h, 0), "note"), "crossed on UA1234 DEN→SEA 2026-11-22");

	/* A rule without a threshold: null. */
	a = find_alert(v, A_PREMIUM);
	assert_true(json_is_null(json_object_get(a, "threshold")));
	/* The withdrawn one, with both rows of its history. */
	a = find_alert(v, A_C2_BIRTHDAY);
	assert_string_equal(jstr(a, "state"), "withdrawn");
	h = json_object_get(a, "history");
	assert_int_equal(json_array_size(h), 2);
	assert_string_equal(jstr(json_array_get(h, 1), "from"), "projected");
	assert_string_equal(jstr(json_array_get(h, 1), "to"), "withdrawn");
	json_decref(v);
	run_free(&r);
}

/* ids of the alerts a command lists, in order, comma-separated. */
static void ids_of(const char *const *args, int status, char *buf, size_t size)
{
	struct run r = irm(args);
	expect(&r, status);
	buf[0] = '\0';
	if (status == 0) {
		json_t *v = json_of(&r);
		size_t i;
		json_t *a;
		json_array_foreach(v, i, a) {
			if (i)
				strncat(buf, ",", size - strlen(buf) - 1);
			strncat(buf, jstr(a, "id"), size - strlen(buf) - 1);
		}
		json_decref(v);
	}
	run_free(&r);
}

#define IDS(status, expected, ...) do {                                                  \
	char got_[1024];                                                                 \
	ids_of((const char *const[]){ "--db", db, "alerts", "--json", __VA_ARGS__, NULL }, \
	       status, got_, sizeof got_);                                               \
	assert_string_equal(got_, expected);                                             \
} while (0)

static void test_alerts_filters(void **state)
{
	(void)state;
	const char *db = make_cache();
	IDS(0, A_MILES, "--state", "pending");
	IDS(0, A_C2_BIRTHDAY, "--state", "withdrawn");
	IDS(0, A_C2_MILES "," A_C2_FLIGHTS "," A_PREMIUM "," A_FLIGHTS, "--state", "projected");
	IDS(0, A_C2_MILES "," A_C2_FLIGHTS "," A_MILES "," A_PREMIUM "," A_FLIGHTS, "--state", "open");
	IDS(0, A_C2_BIRTHDAY "," A_MILES, "--state", "pending,withdrawn");
	IDS(0, "", "--state", "done");
	IDS(0, A_MILES "," A_PREMIUM "," A_FLIGHTS, "--customer", "C1");
	IDS(0, A_C2_MILES "," A_C2_FLIGHTS "," A_C2_BIRTHDAY, "--customer", "mp1000002");
	IDS(0, A_C2_MILES "," A_C2_FLIGHTS, "--customer", "C2", "--state", "open");
	IDS(0, A_C2_MILES "," A_MILES "," A_PREMIUM, "--flight", "UA1234", "--date", "2026-11-22");
	IDS(0, "", "--flight", "UA1234", "--date", "2026-11-23");
	IDS(0, A_FLIGHTS, "--flight", "ua1240", "--date", "2026-11-23");
	/* UA77 leaves Seattle at 20:00 on the 22nd: the 23rd in UTC, the 22nd locally. */
	IDS(0, A_C2_FLIGHTS "," A_C2_BIRTHDAY, "--flight", "UA77", "--date", "2026-11-22");
	IDS(0, "", "--flight", "UA77", "--date", "2026-11-23");
	IDS(0, A_C2_MILES "," A_C2_FLIGHTS, "--limit", "2");
	IDS(1, "", "--customer", "C99");
	IDS(2, "", "--state", "bogus");
	IDS(2, "", "--state", "pending,");
	IDS(2, "", "--date", "2026-02-30");
	IDS(2, "", "--flight", "UA-1234;");
	IDS(2, "", "extra");
}

/* The supervisor's queue: by rule, station and owner, in three orders. */
static void test_alerts_queue_filters_and_sort(void **state)
{
	(void)state;
	const char *db = make_cache();
	IDS(0, A_C2_MILES "," A_C2_FLIGHTS "," A_MILES "," A_PREMIUM "," A_FLIGHTS,
	    "--state", "open", "--sort", "due");
	/* All made at the same time: by id. */
	IDS(0, A_PREMIUM "," A_FLIGHTS "," A_MILES "," A_C2_FLIGHTS "," A_C2_MILES,
	    "--state", "open", "--sort", "age");
	IDS(0, A_C2_MILES "," A_MILES "," A_C2_FLIGHTS "," A_FLIGHTS "," A_PREMIUM,
	    "--state", "open", "--sort", "PRIORITY");
	IDS(0, A_C2_MILES "," A_MILES, "--state", "open", "--sort", "priority", "--limit", "2");
	IDS(0, A_C2_MILES "," A_MILES, "--kind", "lifetime_miles");
	IDS(0, A_C2_BIRTHDAY, "--kind", "birthday");
	IDS(0, "", "--kind", "birthday", "--state", "open");
	IDS(0, A_C2_MILES "," A_MILES "," A_PREMIUM "," A_FLIGHTS, "--station", "den");
	IDS(0, A_C2_FLIGHTS "," A_C2_BIRTHDAY, "--station", "SEA");
	IDS(0, "", "--station", "LAX");
	IDS(0, A_C2_MILES, "--station", "DEN", "--kind", "lifetime_miles", "--sort", "age",
	    "--limit", "1", "--customer", "C2");

	struct run r = IRM("--db", db, "--as", "ana", "ack", A_MILES);
	expect(&r, 0);
	run_free(&r);
	IDS(0, A_MILES, "--assignee", "ana");
	IDS(0, "", "--assignee", "bob");
	IDS(0, A_C2_MILES "," A_C2_FLIGHTS "," A_C2_BIRTHDAY "," A_PREMIUM "," A_FLIGHTS,
	    "--assignee", "-");
	IDS(0, A_C2_MILES "," A_PREMIUM "," A_FLIGHTS, "--assignee", "-", "--station", "DEN",
	    "--state", "open");

	/* Values that are none: a usage error, saying what is taken. */
	const char *const bad[][3] = {
		{ "--sort", "soon", "--sort: due, age or priority, not 'soon'" },
		{ "--sort", "", "--sort: due, age or priority" },
		{ "--station", "DENV", "--station: an airport's three-letter code, like DEN, not 'DENV'" },
		{ "--station", "D3N", "--station: an airport's three-letter code" },
		{ "--station", "", "--station: an airport's three-letter code" },
		{ "--kind", "Lifetime Miles", "--kind: a rule's name (a-z, 0-9 and _" },
		{ "--kind", "", "--kind: a rule's name" },
		{ "--assignee", "", "--assignee: a user's name" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r = IRM("--db", db, "alerts", bad[i][0], bad[i][1]);
		expect(&r, 2);
		if (!strstr(r.err, bad[i][2]))
			fail_msg("%s '%s': %s", bad[i][0], bad[i][1], r.err);
		assert_non_null(strstr(r.err, "usage: irm alerts "));
		assert_string_equal(r.out, "");
		run_free(&r);
	}
	char *long_name = malloc(102);
	memset(long_name, 'x', 101);
	long_name[101] = '\0';
	r = IRM("--db", db, "alerts", "--assignee", long_name);
	free(long_name);
	expect(&r, 2);
	run_free(&r);
}

static void test_alerts_text_is_safe(void **state)
{
	(void)state;
	const char *db = make_cache();
	struct run r = IRM("--db", db, "alerts");
	expect(&r, 0);
	assert_non_null(strstr(r.out, A_MILES));
	assert_non_null(strstr(r.out, "José Müller"));
	assert_non_null(strstr(r.out, "UA1234 DEN→SEA 11-22"));
	assert_non_null(strstr(r.out, "1,000,000 lifetime miles"));
	assert_non_null(strstr(r.out, "first premium cabin"));
	/* Overdue and open: "!" after the due time (C2's was due 09:10; now is 09:00, so none yet). */
	assert_null(memchr(r.out, 0x1b, r.out_len));
	assert_null(memchr(r.out, 0x07, r.out_len));
	/* One line per alert. */
	int lines = 0;
	for (const char *p = r.out; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 6);
	run_free(&r);

	/* JSON is escaped too. */
	r = IRM("--db", db, "alerts", "--json", "--customer", "C1");
	expect(&r, 0);
	assert_null(memchr(r.out, 0x1b, r.out_len));
	run_free(&r);

	/* A name given with --as is shown safely as well. */
	r = IRM("--db", db, "--as", "eve\x1b[2J", "ack", A_MILES);
	expect(&r, 0);
	assert_null(memchr(r.out, 0x1b, r.out_len));
	assert_non_null(strstr(r.out, "pending → acknowledged by eve"));
	run_free(&r);

	/* Overdue: later, the open ones past their due time carry "!". */
	setenv("IRM_NOW", "2026-11-22T11:00:00Z", 1);
	r = IRM("--db", db, "alerts", "--state", "open");
	setenv("IRM_NOW", "2026-11-22T09:00:00Z", 1);
	expect(&r, 0);
	assert_non_null(strstr(r.out, "2026-11-22 09:10Z!"));
	assert_non_null(strstr(r.out, "2026-11-22 10:00Z!"));
	assert_non_null(strstr(r.out, "2026-11-23 10:00Z "));
	run_free(&r);
}

static void test_ack_assign_done_happy_path(void **state)
{
	(void)state;
	const char *db = make_cache();
	struct run r = IRM("--db", db, "--as", "ana", "ack", A_MILES, "--json");
	expect(&r, 0);
	json_t *v = json_of(&r);
	assert_string_equal(jstr(v, "from"), "pending");
	assert_string_equal(jstr(v, "to"), "acknowledged");
	assert_string_equal(jstr(v, "by"), "ana");
	assert_int_equal(json_integer_value(json_object_get(v, "outbox_seq")), 1);
	json_t *a = json_object_get(v, "alert");
	assert_string_equal(jstr(a, "state"), "acknowledged");
	assert_string_equal(jstr(a, "assigned_to"), "ana");
	json_t *h = json_object_get(a, "history");
	assert_int_equal(json_array_size(h), 2);
	assert_string_equal(jstr(json_array_get(h, 1), "who"), "ana");
	assert_string_equal(jstr(json_array_get(h, 1), "at"), "2026-11-22T09:00:00Z");
	assert_string_equal(jstr(json_array_get(h, 1), "from"), "pending");
	assert_string_equal(jstr(json_array_get(h, 1), "to"), "acknowledged");
	json_decref(v);
	run_free(&r);

	/* The acting user from the environment: IRM_USER, else USER. */
	setenv("IRM_USER", "sup", 1);
	r = IRM("--db", db, "assign", A_MILES, "bob", "--json");
	unsetenv("IRM_USER");
	expect(&r, 0);
	v = json_of(&r);
	assert_string_equal(jstr(v, "by"), "sup");
	assert_string_equal(jstr(v, "to"), "acknowledged");
	a = json_object_get(v, "alert");
	assert_string_equal(jstr(a, "assigned_to"), "bob");
	h = json_object_get(a, "history");
	assert_string_equal(jstr(json_array_get(h, 2), "note"), "assigned to bob");
	json_decref(v);
	run_free(&r);

	r = IRM("--db", db, "done", A_MILES, "--action", "greeting", "--note", "met at gate B12");
	expect(&r, 0);
	assert_non_null(strstr(r.out, A_MILES ": acknowledged → done (greeting) by tester"));
	run_free(&r);
	r = IRM("--db", db, "alerts", "--json", "--state", "done");
	expect(&r, 0);
	v = json_of(&r);
	assert_int_equal(json_array_size(v), 1);
	a = json_array_get(v, 0);
	assert_string_equal(jstr(a, "action"), "greeting");
	h = json_object_get(a, "history");
	assert_int_equal(json_array_size(h), 4);
	assert_string_equal(jstr(json_array_get(h, 3), "who"), "tester");
	assert_string_equal(jstr(json_array_get(h, 3), "note"), "greeting: met at gate B12");
	json_decref(v);
	run_free(&r);

	/* Each action left one outbox row, of its kind, waiting. */
	assert_int_equal(sql_value(db, "SELECT count(*) FROM outbox"), 3);
	assert_int_equal(sql_value(db, "SELECT count(*) FROM outbox WHERE kind = 'alert.ack' AND seq = 1"), 1);
	assert_int_equal(sql_value(db, "SELECT count(*) FROM outbox WHERE kind = 'alert.assign' AND seq = 2"), 1);
	assert_int_equal(sql_value(db, "SELECT count(*) FROM outbox WHERE kind = 'alert.done' AND seq = 3"
			      " AND json_extract(body, '$.action') = 'greeting'"
			      " AND json_extract(body, '$.alert_id') = '" A_MILES "'"
			      " AND json_extract(body, '$.who') = 'tester'"
			      " AND json_extract(body, '$.at') = '2026-11-22T09:00:00Z'"), 1);
	assert_int_equal(sql_value(db, "SELECT count(*) FROM outbox WHERE state = 'waiting'"), 3);
	assert_int_equal(sql_value(db, "SELECT count(*) FROM alert_history WHERE alert_id = '" A_MILES "'"), 4);
}

static void test_second_completion_is_told(void **state)
{
	(void)state;
	const char *db = make_cache();
	struct run r = IRM("--db", db, "--as", "ana", "done", A_C2_MILES, "--action", "greeting");
	expect(&r, 0);
	run_free(&r);

	setenv("IRM_NOW", "2026-11-22T09:05:00Z", 1);
	r = IRM("--db", db, "--as", "bob", "done", A_C2_MILES, "--action", "call");
	setenv("IRM_NOW", "2026-11-22T09:00:00Z", 1);
	expect(&r, 3);
	assert_non_null(strstr(r.err, "already done by ana at 2026-11-22T09:00:00Z (greeting)"));
	assert_string_equal(r.out, "");
	run_free(&r);

	r = IRM("--db", db, "--as", "bob", "dismiss", A_C2_MILES, "--reason", "dup", "--json");
	expect(&r, 3);
	json_t *v = json_of(&r);
	assert_string_equal(jstr(v, "error"), "conflict");
	assert_string_equal(jstr(v, "state"), "done");
	assert_string_equal(jstr(v, "by"), "ana");
	assert_string_equal(jstr(v, "at"), "2026-11-22T09:00:00Z");
	assert_string_equal(jstr(v, "how"), "greeting");
	json_decref(v);
	run_free(&r);

	/* Nothing of the losers was written. */
	assert_int_equal(sql_value(db, "SELECT count(*) FROM outbox"), 1);
	assert_int_equal(sql_value(db, "SELECT count(*) FROM alert_history WHERE who = 'bob'"), 0);
}

static void test_dismiss_and_impossible_transitions(void **state)
{
	(void)state;
	const char *db = make_cache();
	struct run r = IRM("--db", db, "dismiss", A_FLIGHTS);
	expect(&r, 2);
	assert_non_null(strstr(r.err, "--reason"));
	run_free(&r);
	r = IRM("--db", db, "dismiss", A_FLIGHTS, "--reason", "   ");
	expect(&r, 2);
	run_free(&r);

	r = IRM("--db", db, "--as", "ana", "dismiss", A_FLIGHTS, "--reason", "prefers no fuss", "--json");
	expect(&r, 0);
	json_t *v = json_of(&r);
	assert_string_equal(jstr(v, "from"), "projected");
	assert_string_equal(jstr(v, "to"), "dismissed");
	assert_string_equal(jstr(json_object_get(v, "alert"), "reason"), "prefers no fuss");
	json_decref(v);
	run_free(&r);

	/* Acknowledged twice, assigned when closed, acted on when withdrawn: exit 3, in words. */
	r = IRM("--db", db, "ack", A_MILES);
	expect(&r, 0);
	run_free(&r);
	r = IRM("--db", db, "ack", A_MILES);
	expect(&r, 3);
	assert_non_null(strstr(r.err, "alert " A_MILES ": alert is acknowledged already"));
	run_free(&r);
	r = IRM("--db", db, "assign", A_FLIGHTS, "bob");
	expect(&r, 3);
	assert_non_null(strstr(r.err, "already dismissed by ana at 2026-11-22T09:00:00Z (reason: prefers no fuss)"));
	run_free(&r);
	r = IRM("--db", db, "done", A_C2_BIRTHDAY, "--action", "gift");
	expect(&r, 3);
	assert_non_null(strstr(r.err, "withdrawn"));
	assert_non_null(strstr(r.err, "cannot be marked done"));
	run_free(&r);
	assert_int_equal(sql_value(db, "SELECT count(*) FROM outbox"), 2);

	/* Acting early on a projected alert is allowed. */
	r = IRM("--db", db, "done", A_PREMIUM, "--action", "greeting");
	expect(&r, 0);
	assert_non_null(strstr(r.out, "projected → done (greeting)"));
	run_free(&r);
}

static void test_unknown_and_usage(void **state)
{
	(void)state;
	const char *db = make_cache();
	const char *const cmds[][9] = {
		{ "--db", db, "ack", "A-nope", NULL },
		{ "--db", db, "done", "A-nope", "--action", "call", NULL },
		{ "--db", db, "dismiss", "A-nope", "--reason", "x", NULL },
		{ "--db", db, "assign", "A-nope", "bob", NULL },
		{ "--db", db, "note", "C99", "hello", NULL },
	};
	for (size_t i = 0; i < 5; i++) {
		struct run r = irm(cmds[i]);
		expect(&r, 1);
		assert_non_null(strstr(r.err, i < 4 ? "no alert 'A-nope'" : "no customer 'C99'"));
		run_free(&r);
	}
	const char *const usage[][9] = {
		{ "--db", db, "ack", NULL },
		{ "--db", db, "ack", A_MILES, "extra", NULL },
		{ "--db", db, "done", A_MILES, NULL },
		{ "--db", db, "done", A_MILES, "--action", "fax", NULL },
		{ "--db", db, "assign", A_MILES, NULL },
		{ "--db", db, "note", "C1", NULL },
		{ "--db", db, "note", "C1", "", NULL },
		{ "--db", db, "ack", A_MILES, "--bogus", NULL },
	};
	for (size_t i = 0; i < sizeof usage / sizeof usage[0]; i++) {
		struct run r = irm(usage[i]);
		expect(&r, 2);
		assert_non_null(strstr(r.err, "usage: irm "));
		run_free(&r);
	}
	assert_int_equal(sql_value(db, "SELECT count(*) FROM outbox"), 0);
	assert_int_equal(sql_value(db, "SELECT count(*) FROM notes"), 0);

	/* A cache that is not there: 5. */
	char missing[4300];
	snprintf(missing, sizeof missing, "%s/missing.db", dir);
	struct run r = IRM("--db", missing, "ack", A_MILES);
	expect(&r, 5);
	run_free(&r);
}

static void test_note(void **state)
{
	(void)state;
	const char *db = make_cache();
	struct run r = IRM("--db", db, "--as", "ana", "note", "mp1000001", "prefers", "aisle seats", "--json");
	expect(&r, 0);
	json_t *v = json_of(&r);
	assert_string_equal(jstr(v, "customer_id"), "C1");
	assert_string_equal(jstr(v, "author"), "ana");
	assert_string_equal(jstr(v, "text"), "prefers aisle seats");
	assert_string_equal(jstr(v, "at"), "2026-11-22T09:00:00Z");
	assert_int_equal(json_integer_value(json_object_get(v, "outbox_seq")), 1);
	assert_true(strncmp(jstr(v, "id"), "N-", 2) == 0);
	json_decref(v);
	run_free(&r);

	r = IRM("--db", db, "note", "C2", "called about the \x1b[31mupgrade");
	expect(&r, 0);
	assert_non_null(strstr(r.out, "note added to C2 by tester"));
	run_free(&r);

	assert_int_equal(sql_value(db, "SELECT count(*) FROM notes WHERE customer_id = 'C1'"
			      " AND author = 'ana' AND body = 'prefers aisle seats'"), 1);
	assert_int_equal(sql_value(db, "SELECT count(*) FROM outbox WHERE kind = 'note.add'"), 2);
	assert_int_equal(sql_value(db, "SELECT count(*) FROM outbox WHERE kind = 'note.add'"
			      " AND json_extract(body, '$.customer_id') = 'C2'"
			      " AND json_extract(body, '$.who') = 'tester'"), 1);
}

static void test_help(void **state)
{
	(void)state;
	const char *names[] = { "alerts", "ack", "done", "dismiss", "assign", "note" };
	for (size_t i = 0; i < 6; i++) {
		char want[64];
		snprintf(want, sizeof want, "usage: irm %s ", names[i]);
		struct run r = IRM("help", names[i]);
		expect(&r, 0);
		assert_non_null(strstr(r.out, want));
		assert_non_null(strstr(r.out, "Exit status"));
		run_free(&r);
		r = IRM(names[i], "--help");
		expect(&r, 0);
		assert_non_null(strstr(r.out, want));
		run_free(&r);
	}
	struct run h = IRM("alerts", "--help");
	const char *opts[] = { "--kind RULE", "--station IATA", "--assignee NAME", "--sort ORDER" };
	for (size_t i = 0; i < 4; i++)
		assert_non_null(strstr(h.out, opts[i]));
	run_free(&h);
	struct run r = IRM("--help");
	expect(&r, 0);
	for (size_t i = 0; i < 6; i++)
		assert_non_null(strstr(r.out, names[i]));
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alerts_json),
		cmocka_unit_test(test_alerts_filters),
		cmocka_unit_test(test_alerts_queue_filters_and_sort),
		cmocka_unit_test(test_alerts_text_is_safe),
		cmocka_unit_test(test_ack_assign_done_happy_path),
		cmocka_unit_test(test_second_completion_is_told),
		cmocka_unit_test(test_dismiss_and_impossible_transitions),
		cmocka_unit_test(test_unknown_and_usage),
		cmocka_unit_test(test_note),
		cmocka_unit_test(test_help),
	};
	return cmocka_run_group_tests_name("cli_alerts", tests, setup, teardown);
}
