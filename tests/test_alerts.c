/* test_alerts.c — alerts and notes in a real cache: keeping alerts in line
 * with the engine (insert, cross, move, withdraw, come back, idempotent),
 * people acting on them (history, outbox, the first of two completions
 * wins), listing with filters and in each order, the queue's counts and
 * activity, and notes. */
#include "testutil.h"

#include <jansson.h>
#include <sqlite3.h>

#include "alerts.h"
#include "clock.h"
#include "import.h"
#include "notes.h"

#define NOW 1795338000 /* 2026-11-22T09:00:00Z */

static char *dir;
static char db_path[4200];
static int serial;

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
static const struct rule tier_rule = { .name = "tier", .kind = RULE_TIER,
				       .enabled = true, .priority = 1 };

static struct segment seg_s1, seg_s2, seg_s3, seg_s4;

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
				   enum alert_state st, const struct segment *sg, int64_t due)
{
	struct milestone_alert a = { .rule = r, .threshold = threshold, .state = st, .segment = sg,
				     .due_utc = due };
	alert_make_id(a.id, sizeof a.id, customer, r->name, threshold);
	snprintf(a.title, sizeof a.title, "%s %lld", r->name, (long long)threshold);
	snprintf(a.message, sizeof a.message, "crosses %lld on %s", (long long)threshold,
		 sg ? sg->id : "-");
	return a;
}

static int group_setup(void **state)
{
	(void)state;
	dir = tmpdir_make();
	clock_pin(NOW);
	seg_s1 = make_seg("S1", "UA", "1234", "DEN", "SEA", "2026-11-22T08:15:00-07:00");
	seg_s2 = make_seg("S2", "UA", "1240", "DEN", "SEA", "2026-11-23T08:15:00-07:00");
	seg_s3 = make_seg("S3", "UA", "1234", "DEN", "SEA", "2026-11-22T08:15:00-07:00");
	seg_s4 = make_seg("S4", "UA", "77", "SEA", "DEN", "2026-11-22T20:00:00-08:00");
	return dir ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	tmpdir_remove(dir);
	return 0;
}

/* A new cache holding the fixture, open. */
static struct cache *fresh(void)
{
	char in[4200];
	struct cache *c;
	struct irm_err e = { 0 };
	struct import_stats st;

	snprintf(db_path, sizeof db_path, "%s/cache%d.db", dir, ++serial);
	snprintf(in, sizeof in, "%s/fixture.jsonl", dir);
	write_file(in, fixture);
	assert_int_equal(cache_open(db_path, CACHE_CREATE, &c, &e), IRM_OK);
	if (import_file(c, in, NULL, &st, &e) != IRM_OK)
		fail_msg("fixture: %s", e.msg);
	return c;
}

static void engine(struct cache *c, const char *customer, const struct milestone_alert *h, size_t n,
		 int64_t now)
{
	struct irm_err e = { 0 };
	assert_int_equal(cache_begin(c, &e), IRM_OK);
	if (alerts_sync(c, customer, h, n, now, &e) != IRM_OK)
		fail_msg("alerts_sync: %s", e.msg);
	assert_int_equal(cache_commit(c, &e), IRM_OK);
}

static long long q_ll(const char *sql, const char *arg)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* One text value (static buffer; "(null)" for SQL NULL, "" for no row). */
static const char *q_str(const char *sql, const char *arg)
{
	static char buf[2048];
	sqlite3 *db;
	sqlite3_stmt *st;
	buf[0] = '\0';
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		snprintf(buf, sizeof buf, "%s", s ? s : "(null)");
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return buf;
}

/* Run SQL behind the library's back (another writer, a trip re-imported). */
static void q_exec(const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* Everything about alerts, summed up: equal when nothing changed. */
static long long alerts_fingerprint(void)
{
	return q_ll("SELECT (SELECT total(version) + count(*) * 1000 FROM alerts) +"
		    " (SELECT count(*) * 100000 FROM alert_history) +"
		    " (SELECT count(*) * 10000000 FROM outbox)", NULL);
}

#define A_MILES "A-C1-lifetime_miles-1000000"
#define A_FLIGHTS "A-C1-flights-1000"
#define STATE_OF(id) q_str("SELECT state FROM alerts WHERE id = ?1", id)
#define HISTORY_N(id) q_ll("SELECT count(*) FROM alert_history WHERE alert_id = ?1", id)
#define LAST_NOTE(id) q_str("SELECT note FROM alert_history WHERE alert_id = ?1 ORDER BY seq DESC", id)

static void test_sync_adds_and_is_idempotent(void **state)
{
	(void)state;
	struct cache *c = fresh();
	struct milestone_alert h[] = {
		held("C1", &miles_rule, 1000000, ALERT_PROJECTED, &seg_s1, NOW + 3600),
		held("C1", &flights_rule, 1000, ALERT_PENDING, &seg_s1, NOW + 7200),
		held("C1", &premium_rule, -1, ALERT_PROJECTED, &seg_s2, NOW + 90000),
	};
	engine(c, "C1", h, 3, NOW);
	assert_string_equal(STATE_OF(A_MILES), "projected");
	assert_string_equal(STATE_OF(A_FLIGHTS), "pending");
	assert_string_equal(STATE_OF("A-C1-first_premium"), "projected");
	assert_string_equal(q_str("SELECT segment_id FROM alerts WHERE id = ?1", A_MILES), "S1");
	assert_string_equal(q_str("SELECT kind FROM alerts WHERE id = ?1", A_MILES), "lifetime_miles");
	assert_int_equal(q_ll("SELECT threshold FROM alerts WHERE id = ?1", A_MILES), 1000000);
	assert_string_equal(q_str("SELECT threshold FROM alerts WHERE id = ?1", "A-C1-first_premium"), "(null)");
	assert_int_equal(q_ll("SELECT priority FROM alerts WHERE id = ?1", A_FLIGHTS), 2);
	assert_int_equal(q_ll("SELECT due_utc FROM alerts WHERE id = ?1", A_MILES), NOW + 3600);
	/* Each with its first history row: by irm, from nothing. */
	assert_int_equal(HISTORY_N(A_MILES), 1);
	assert_string_equal(q_str("SELECT who FROM alert_history WHERE alert_id = ?1", A_MILES), "irm");
	assert_string_equal(q_str("SELECT from_state FROM alert_history WHERE alert_id = ?1", A_MILES), "(null)");
	assert_string_equal(q_str("SELECT to_state FROM alert_history WHERE alert_id = ?1", A_FLIGHTS), "pending");
	assert_string_equal(LAST_NOTE(A_MILES), "projected on UA1234 DEN→SEA 2026-11-22");
	/* The engine writes no outbox rows: its results are not local actions. */
	assert_int_equal(q_ll("SELECT count(*) FROM outbox", NULL), 0);

	/* The same answer again, later: nothing changes. */
	long long before = alerts_fingerprint();
	engine(c, "C1", h, 3, NOW + 60);
	engine(c, "C1", h, 3, NOW + 120);
	assert_int_equal(alerts_fingerprint(), before);

	/* The engine naming one alert twice makes one alert. */
	struct milestone_alert twice[] = { h[0], h[1], h[2], h[0] };
	engine(c, "C1", twice, 4, NOW + 180);
	assert_int_equal(alerts_fingerprint(), before);
	/* Another customer's alerts are not touched. */
	engine(c, "C2", NULL, 0, NOW + 240);
	assert_int_equal(alerts_fingerprint(), before);
	cache_close(&c);
}

static void test_sync_cross_move_withdraw_return(void **state)
{
	(void)state;
	struct cache *c = fresh();
	struct milestone_alert p1 = held("C1", &miles_rule, 1000000, ALERT_PROJECTED, &seg_s1, NOW + 3600);
	engine(c, "C1", &p1, 1, NOW);

	/* The leg is re-timed: due time follows, quietly. */
	struct milestone_alert retimed = p1;
	retimed.due_utc = NOW + 7200;
	engine(c, "C1", &retimed, 1, NOW + 10);
	assert_int_equal(q_ll("SELECT due_utc FROM alerts WHERE id = ?1", A_MILES), NOW + 7200);
	assert_int_equal(HISTORY_N(A_MILES), 1);

	/* S1 cancelled, S2 crosses now: the projection moves. */
	struct milestone_alert p2 = held("C1", &miles_rule, 1000000, ALERT_PROJECTED, &seg_s2, NOW + 90000);
	engine(c, "C1", &p2, 1, NOW + 20);
	assert_string_equal(STATE_OF(A_MILES), "projected");
	assert_string_equal(q_str("SELECT segment_id FROM alerts WHERE id = ?1", A_MILES), "S2");
	assert_int_equal(HISTORY_N(A_MILES), 2);
	assert_string_equal(LAST_NOTE(A_MILES), "moved to UA1240 DEN→SEA 2026-11-23");
	assert_string_equal(q_str("SELECT from_state || '>' || to_state FROM alert_history"
				  " WHERE alert_id = ?1 ORDER BY seq DESC", A_MILES), "projected>projected");
	assert_int_equal(q_ll("SELECT due_utc FROM alerts WHERE id = ?1", A_MILES), NOW + 90000);

	/* No leg crosses any more: withdrawn. */
	engine(c, "C1", NULL, 0, NOW + 30);
	assert_string_equal(STATE_OF(A_MILES), "withdrawn");
	assert_int_equal(HISTORY_N(A_MILES), 3);
	assert_non_null(strstr(LAST_NOTE(A_MILES), "no booked leg crosses"));
	engine(c, "C1", NULL, 0, NOW + 40);
	assert_int_equal(HISTORY_N(A_MILES), 3);

	/* A new booking crosses it again: the same alert comes back. */
	engine(c, "C1", &p1, 1, NOW + 50);
	assert_string_equal(STATE_OF(A_MILES), "projected");
	assert_int_equal(HISTORY_N(A_MILES), 4);
	assert_string_equal(q_str("SELECT from_state FROM alert_history WHERE alert_id = ?1"
				  " ORDER BY seq DESC", A_MILES), "withdrawn");

	/* The leg is flown: pending. */
	struct milestone_alert crossed = p1;
	crossed.state = ALERT_PENDING;
	engine(c, "C1", &crossed, 1, NOW + 60);
	assert_string_equal(STATE_OF(A_MILES), "pending");
	assert_int_equal(HISTORY_N(A_MILES), 5);
	assert_string_equal(LAST_NOTE(A_MILES), "crossed on UA1234 DEN→SEA 2026-11-22");
	assert_int_equal(q_ll("SELECT count(*) FROM alerts", NULL), 1);

	/* Pending is never withdrawn by the engine. */
	engine(c, "C1", NULL, 0, NOW + 70);
	assert_string_equal(STATE_OF(A_MILES), "pending");
	cache_close(&c);
}

static void test_sync_leaves_what_people_own(void **state)
{
	(void)state;
	struct cache *c = fresh();
	struct irm_err e = { 0 };
	struct milestone_alert p = held("C1", &miles_rule, 1000000, ALERT_PROJECTED, &seg_s1, NOW + 3600);
	engine(c, "C1", &p, 1, NOW);
	/* Acted on early, at the gate. */
	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_ACK, "ana", ACTION_COUNT, NULL, NULL,
				    NOW + 60, NULL, &e), IRM_OK);
	long long before = alerts_fingerprint();
	engine(c, "C1", NULL, 0, NOW + 120);      /* the leg is cancelled */
	struct milestone_alert moved = held("C1", &miles_rule, 1000000, ALERT_PROJECTED, &seg_s2, NOW);
	engine(c, "C1", &moved, 1, NOW + 180);   /* moved */
	p.state = ALERT_PENDING;
	engine(c, "C1", &p, 1, NOW + 240);       /* crossed */
	assert_string_equal(STATE_OF(A_MILES), "acknowledged");
	assert_int_equal(alerts_fingerprint(), before);

	/* The engine's answer is refused when it makes no sense. */
	struct milestone_alert odd = p;
	odd.state = ALERT_DONE;
	assert_int_equal(cache_begin(c, &e), IRM_OK);
	assert_int_equal(alerts_sync(c, "C1", &odd, 1, NOW, &e), IRM_EINPUT);
	assert_non_null(strstr(e.msg, "customer 'C1'"));
	cache_rollback(c);
	cache_close(&c);
}

static void test_sync_runs_in_the_callers_transaction(void **state)
{
	(void)state;
	struct cache *c = fresh();
	struct irm_err e = { 0 };
	struct milestone_alert p = held("C1", &miles_rule, 1000000, ALERT_PROJECTED, &seg_s1, NOW);
	assert_int_equal(cache_begin(c, &e), IRM_OK);
	assert_int_equal(alerts_sync(c, "C1", &p, 1, NOW, &e), IRM_OK);
	cache_rollback(c);
	assert_int_equal(q_ll("SELECT count(*) FROM alerts", NULL), 0);
	assert_int_equal(q_ll("SELECT count(*) FROM alert_history", NULL), 0);
	cache_close(&c);
}

static json_t *outbox_body(long long seq)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT body FROM outbox WHERE seq = %lld", seq);
	json_t *v = json_loads(q_str(sql, NULL), 0, NULL);
	assert_non_null(v);
	return v;
}

static void test_act_lifecycle_history_outbox(void **state)
{
	(void)state;
	struct cache *c = fresh();
	struct irm_err e = { 0 };
	struct alert_act_result r;
	struct milestone_alert h = held("C1", &miles_rule, 1000000, ALERT_PENDING, &seg_s1, NOW);
	engine(c, "C1", &h, 1, NOW);

	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_ACK, "ana", ACTION_COUNT, NULL, NULL,
				    NOW + 60, &r, &e), IRM_OK);
	assert_int_equal(r.from, ALERT_PENDING);
	assert_int_equal(r.to, ALERT_ACKNOWLEDGED);
	assert_int_equal(r.outbox_seq, 1);
	assert_string_equal(STATE_OF(A_MILES), "acknowledged");
	assert_string_equal(q_str("SELECT assigned_to FROM alerts WHERE id = ?1", A_MILES), "ana");
	json_t *b = outbox_body(1);
	assert_string_equal(json_string_value(json_object_get(b, "kind")), "alert.ack");
	assert_string_equal(json_string_value(json_object_get(b, "alert_id")), A_MILES);
	assert_string_equal(json_string_value(json_object_get(b, "who")), "ana");
	assert_string_equal(json_string_value(json_object_get(b, "at")), "2026-11-22T09:01:00Z");
	json_decref(b);
	assert_string_equal(q_str("SELECT kind FROM outbox WHERE seq = 1", NULL), "alert.ack");
	assert_string_equal(q_str("SELECT state FROM outbox WHERE seq = 1", NULL), "waiting");

	/* Acknowledging twice is refused, and writes nothing. */
	long long before = alerts_fingerprint();
	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_ACK, "bob", ACTION_COUNT, NULL, NULL,
				    NOW + 90, &r, &e), IRM_EINPUT);
	assert_non_null(strstr(e.msg, "acknowledged already"));
	assert_int_equal(alerts_fingerprint(), before);

	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_ASSIGN, "sam", ACTION_COUNT, NULL, "bob",
				    NOW + 120, &r, &e), IRM_OK);
	assert_int_equal(r.to, ALERT_ACKNOWLEDGED);
	assert_string_equal(q_str("SELECT assigned_to FROM alerts WHERE id = ?1", A_MILES), "bob");
	assert_string_equal(LAST_NOTE(A_MILES), "assigned to bob");
	b = outbox_body(r.outbox_seq);
	assert_string_equal(json_string_value(json_object_get(b, "kind")), "alert.assign");
	assert_string_equal(json_string_value(json_object_get(b, "assignee")), "bob");
	json_decref(b);

	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_DONE, "bob", ACTION_GREETING,
				    "met at gate B12", NULL, NOW + 840, &r, &e), IRM_OK);
	assert_int_equal(r.to, ALERT_DONE);
	assert_int_equal(r.outbox_seq, 3);
	assert_string_equal(q_str("SELECT action FROM alerts WHERE id = ?1", A_MILES), "greeting");
	assert_string_equal(LAST_NOTE(A_MILES), "greeting: met at gate B12");
	assert_string_equal(q_str("SELECT who || ' ' || from_state || '>' || to_state FROM alert_history"
				  " WHERE alert_id = ?1 ORDER BY seq DESC", A_MILES), "bob acknowledged>done");
	assert_int_equal(q_ll("SELECT at_utc FROM alert_history WHERE alert_id = ?1 ORDER BY seq DESC",
			      A_MILES), NOW + 840);
	b = outbox_body(3);
	assert_string_equal(json_string_value(json_object_get(b, "kind")), "alert.done");
	assert_string_equal(json_string_value(json_object_get(b, "action")), "greeting");
	assert_string_equal(json_string_value(json_object_get(b, "note")), "met at gate B12");
	json_decref(b);

	/* Done is final: the next person is told who, when and how. */
	before = alerts_fingerprint();
	const enum alert_event evs[] = { ALERT_EV_DONE, ALERT_EV_ACK, ALERT_EV_DISMISS, ALERT_EV_ASSIGN };
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(alerts_act(c, A_MILES, evs[i], "cy", ACTION_EMAIL, "late", "cy",
					    NOW + 900, &r, &e), IRM_EINPUT);
		assert_non_null(strstr(e.msg, "already done by bob at 2026-11-22T09:14:00Z (greeting)"));
		assert_true(r.closed_already);
		assert_int_equal(r.closed_state, ALERT_DONE);
		assert_string_equal(r.closed_by, "bob");
		assert_int_equal(r.closed_at, NOW + 840);
		assert_string_equal(r.closed_how, "greeting");
	}
	assert_int_equal(alerts_fingerprint(), before);
	assert_int_equal(HISTORY_N(A_MILES), 4);
	cache_close(&c);
}

static void test_act_dismiss_and_refusals(void **state)
{
	(void)state;
	struct cache *c = fresh();
	struct irm_err e = { 0 };
	struct alert_act_result r;
	struct milestone_alert h[] = {
		held("C1", &miles_rule, 1000000, ALERT_PROJECTED, &seg_s1, NOW),
		held("C1", &flights_rule, 1000, ALERT_PROJECTED, &seg_s1, NOW),
	};
	engine(c, "C1", h, 2, NOW);
	long long before = alerts_fingerprint();

	/* Bad requests change nothing. */
	assert_int_equal(alerts_act(c, "A-nope", ALERT_EV_ACK, "ana", ACTION_COUNT, NULL, NULL, NOW, &r, &e),
			 IRM_ENOTFOUND);
	assert_non_null(strstr(e.msg, "no alert 'A-nope'"));
	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_DISMISS, "ana", ACTION_COUNT, NULL, NULL, NOW, &r, &e),
			 IRM_EUSAGE);
	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_DISMISS, "ana", ACTION_COUNT, "  ", NULL, NOW, &r, &e),
			 IRM_EUSAGE);
	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_ASSIGN, "ana", ACTION_COUNT, NULL, "", NOW, &r, &e),
			 IRM_EUSAGE);
	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_DONE, "ana", ACTION_COUNT, NULL, NULL, NOW, &r, &e),
			 IRM_EUSAGE);
	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_WITHDRAW, "ana", ACTION_COUNT, NULL, NULL, NOW, &r, &e),
			 IRM_EUSAGE);
	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_ACK, "", ACTION_COUNT, NULL, NULL, NOW, &r, &e),
			 IRM_EUSAGE);
	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_ACK, "ana", ACTION_COUNT, "\xff\xfe", NULL, NOW, &r, &e),
			 IRM_EUSAGE);
	assert_non_null(strstr(e.msg, "UTF-8"));
	assert_int_equal(alerts_fingerprint(), before);

	/* Dismissed early, with a reason. */
	assert_int_equal(alerts_act(c, A_FLIGHTS, ALERT_EV_DISMISS, "ana", ACTION_COUNT,
				    "customer asked for no fuss", NULL, NOW + 60, &r, &e), IRM_OK);
	assert_int_equal(r.from, ALERT_PROJECTED);
	assert_int_equal(r.to, ALERT_DISMISSED);
	assert_string_equal(q_str("SELECT reason FROM alerts WHERE id = ?1", A_FLIGHTS),
			    "customer asked for no fuss");
	json_t *b = outbox_body(r.outbox_seq);
	assert_string_equal(json_string_value(json_object_get(b, "kind")), "alert.dismiss");
	assert_string_equal(json_string_value(json_object_get(b, "reason")), "customer asked for no fuss");
	json_decref(b);
	assert_int_equal(alerts_act(c, A_FLIGHTS, ALERT_EV_DONE, "bob", ACTION_CALL, NULL, NULL,
				    NOW + 70, &r, &e), IRM_EINPUT);
	assert_non_null(strstr(e.msg, "already dismissed by ana at 2026-11-22T09:01:00Z"
			       " (reason: customer asked for no fuss)"));

	/* Withdrawn alerts are the engine's: nobody acts on them. */
	engine(c, "C1", NULL, 0, NOW + 80);
	assert_string_equal(STATE_OF(A_MILES), "withdrawn");
	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_DONE, "bob", ACTION_CALL, NULL, NULL,
				    NOW + 90, &r, &e), IRM_EINPUT);
	assert_non_null(strstr(e.msg, "withdrawn"));
	assert_false(r.closed_already);
	assert_int_equal(q_ll("SELECT count(*) FROM outbox", NULL), 1);
	cache_close(&c);
}

/* Two consoles on one cache: both saw the alert open; the first to commit
 * wins and the second is told. */
static void test_competing_completions(void **state)
{
	(void)state;
	struct cache *a = fresh(), *b;
	struct irm_err e = { 0 };
	struct alert_act_result r;
	struct milestone_alert h = held("C1", &miles_rule, 1000000, ALERT_PENDING, &seg_s1, NOW);
	engine(a, "C1", &h, 1, NOW);
	assert_int_equal(cache_open(db_path, 0, &b, &e), IRM_OK);
	struct alert_list la, lb;
	struct alert_filter f = { .id = A_MILES };
	assert_int_equal(alerts_list(a, &f, &la, &e), IRM_OK);
	assert_int_equal(alerts_list(b, &f, &lb, &e), IRM_OK);
	assert_int_equal(la.v[0].state, ALERT_PENDING);
	assert_int_equal(lb.v[0].state, ALERT_PENDING);
	alerts_list_free(&la);
	alerts_list_free(&lb);

	assert_int_equal(alerts_act(a, A_MILES, ALERT_EV_DONE, "ana", ACTION_GREETING, NULL, NULL,
				    NOW + 840, &r, &e), IRM_OK);
	assert_int_equal(alerts_act(b, A_MILES, ALERT_EV_DONE, "bob", ACTION_CALL, "called", NULL,
				    NOW + 900, &r, &e), IRM_EINPUT);
	assert_string_equal(e.msg, "alert " A_MILES ": already done by ana at 2026-11-22T09:14:00Z (greeting)");
	assert_string_equal(q_str("SELECT action FROM alerts WHERE id = ?1", A_MILES), "greeting");
	assert_int_equal(q_ll("SELECT count(*) FROM outbox", NULL), 1);
	cache_close(&b);
	cache_close(&a);
}

static void test_list_filters_and_order(void **state)
{
	(void)state;
	struct cache *c = fresh();
	struct irm_err e = { 0 };
	struct alert_list l;
	struct milestone_alert h1[] = {
		held("C1", &miles_rule, 1000000, ALERT_PENDING, &seg_s1, NOW + 3600),
		held("C1", &flights_rule, 1000, ALERT_PROJECTED, &seg_s2, NOW + 3600),
		held("C1", &premium_rule, -1, ALERT_PROJECTED, NULL, 0),
	};
	struct milestone_alert h2[] = {
		held("C2", &miles_rule, 100000, ALERT_PROJECTED, &seg_s3, NOW + 600),
		held("C2", &flights_rule, 100, ALERT_PROJECTED, &seg_s4, NOW + 1200),
	};
	engine(c, "C1", h1, 3, NOW);
	engine(c, "C2", h2, 2, NOW);
	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_ACK, "ana", ACTION_COUNT, "on it", NULL,
				    NOW + 60, NULL, &e), IRM_OK);

	/* Everything: by due time, then priority, undated last. */
	assert_int_equal(alerts_list(c, NULL, &l, &e), IRM_OK);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0].id, "A-C2-lifetime_miles-100000");
	assert_string_equal(l.v[1].id, "A-C2-flights-100");
	assert_string_equal(l.v[2].id, A_MILES);           /* priority 1 before 2, same due */
	assert_string_equal(l.v[3].id, "A-C1-flights-1000");
	assert_string_equal(l.v[4].id, "A-C1-first_premium");
	assert_false(l.v[4].has_due);
	assert_false(l.v[4].has_segment);
	assert_int_equal(l.v[4].threshold, -1);

	const struct alert_item *m = &l.v[2];
	assert_string_equal(m->customer_id, "C1");
	assert_string_equal(m->customer_name, "José Müller");
	assert_string_equal(m->kind, "lifetime_miles");
	assert_int_equal(m->threshold, 1000000);
	assert_int_equal(m->state, ALERT_ACKNOWLEDGED);
	assert_string_equal(m->assigned_to, "ana");
	assert_true(m->has_segment && m->segment.known);
	assert_string_equal(m->segment.id, "S1");
	assert_string_equal(m->segment.carrier, "UA");
	assert_string_equal(m->segment.flight, "1234");
	assert_string_equal(m->segment.origin, "DEN");
	assert_string_equal(m->segment.destination, "SEA");
	assert_int_equal(m->segment.departure.off_min, -420);
	assert_string_equal(m->title, "lifetime_miles 1000000");
	assert_int_equal(m->due_utc, NOW + 3600);
	assert_int_equal(m->n_history, 2);
	assert_string_equal(m->history[0].who, "irm");
	assert_false(m->history[0].has_from);
	assert_int_equal(m->history[0].to, ALERT_PENDING);
	assert_string_equal(m->history[1].who, "ana");
	assert_int_equal(m->history[1].from, ALERT_PENDING);
	assert_int_equal(m->history[1].to, ALERT_ACKNOWLEDGED);
	assert_string_equal(m->history[1].note, "on it");
	assert_int_equal(m->history[1].at_utc, NOW + 60);
	alerts_list_free(&l);

	struct { struct alert_filter f; size_t n; const char *first; } cases[] = {
		{ { .states = 1u << ALERT_PROJECTED }, 4, "A-C2-lifetime_miles-100000" },
		{ { .states = 1u << ALERT_ACKNOWLEDGED }, 1, A_MILES },
		{ { .states = ALERT_STATES_OPEN }, 5, "A-C2-lifetime_miles-100000" },
		{ { .states = 1u << ALERT_DONE }, 0, NULL },
		{ { .customer = "C1" }, 3, A_MILES },
		{ { .customer = "mp1000002" }, 2, "A-C2-lifetime_miles-100000" },
		{ { .customer = "C1", .states = 1u << ALERT_PROJECTED }, 2, "A-C1-flights-1000" },
		{ { .flight = "UA1234" }, 2, "A-C2-lifetime_miles-100000" },
		{ { .flight = "ua 1234", .has_date = true, .date = date_from_ymd(2026, 11, 22) }, 2, NULL },
		{ { .flight = "UA1234", .has_date = true, .date = date_from_ymd(2026, 11, 23) }, 0, NULL },
		{ { .flight = "UA1240", .has_date = true, .date = date_from_ymd(2026, 11, 23) }, 1, "A-C1-flights-1000" },
		/* The local date at the origin: S4 leaves 20:00 on the 22nd in Seattle, the 23rd in UTC. */
		{ { .has_date = true, .date = date_from_ymd(2026, 11, 22) }, 3, NULL },
		{ { .flight = "UA77", .has_date = true, .date = date_from_ymd(2026, 11, 22) }, 1, "A-C2-flights-100" },
		{ { .flight = "UA77", .has_date = true, .date = date_from_ymd(2026, 11, 23) }, 0, NULL },
		{ { .id = "A-C1-first_premium" }, 1, "A-C1-first_premium" },
		{ { .id = "A-C1-first_premium", .states = 1u << ALERT_PENDING }, 0, NULL },
		{ { .limit = 2 }, 2, "A-C2-lifetime_miles-100000" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (alerts_list(c, &cases[i].f, &l, &e) != IRM_OK)
			fail_msg("case %zu: %s", i, e.msg);
		if (l.n != cases[i].n)
			fail_msg("case %zu: %zu alerts, expected %zu", i, l.n, cases[i].n);
		if (cases[i].first)
			assert_string_equal(l.v[0].id, cases[i].first);
		alerts_list_free(&l);
	}
	struct alert_filter nobody = { .customer = "C99" };
	assert_int_equal(alerts_list(c, &nobody, &l, &e), IRM_ENOTFOUND);
	assert_non_null(strstr(e.msg, "no customer 'C99'"));
	assert_int_equal(l.n, 0);
	cache_close(&c);
}

/* --- the supervisor's queue ------------------------------------------------- */

#define Q_C2_MILES "A-C2-lifetime_miles-100000"
#define Q_C2_FLIGHTS "A-C2-flights-100"
#define Q_C2_BIRTHDAY "A-C2-birthday"
#define Q_C2_TIER "A-C2-tier-20263"
#define Q_C1_PREMIUM "A-C1-first_premium"

/* Seven alerts with due times, ages and priorities that order differently:
 * C2's four made at NOW - 100, C1's three at NOW. */
static struct cache *queue_cache(void)
{
	struct cache *c = fresh();
	struct milestone_alert c2[] = {
		held("C2", &miles_rule, 100000, ALERT_PROJECTED, &seg_s3, NOW + 600),
		held("C2", &flights_rule, 100, ALERT_PROJECTED, &seg_s4, NOW + 1200),
		held("C2", &birthday_rule, -1, ALERT_PROJECTED, &seg_s4, NOW + 1200),
		held("C2", &tier_rule, 20263, ALERT_PROJECTED, NULL, 0),
	};
	struct milestone_alert c1[] = {
		held("C1", &miles_rule, 1000000, ALERT_PENDING, &seg_s1, NOW + 3600),
		held("C1", &flights_rule, 1000, ALERT_PROJECTED, &seg_s2, NOW + 3600),
		held("C1", &premium_rule, -1, ALERT_PROJECTED, NULL, 0),
	};
	engine(c, "C2", c2, 4, NOW - 100);
	engine(c, "C1", c1, 3, NOW);
	return c;
}

/* The ids alerts_list gives for f, comma-separated (static buffer). */
static const char *ids(struct cache *c, struct alert_filter f)
{
	static char buf[1024];
	struct alert_list l;
	struct irm_err e = { 0 };
	if (alerts_list(c, &f, &l, &e) != IRM_OK)
		fail_msg("alerts_list: %s", e.msg);
	buf[0] = '\0';
	for (size_t i = 0; i < l.n; i++) {
		if (i)
			strncat(buf, ",", sizeof buf - strlen(buf) - 1);
		strncat(buf, l.v[i].id, sizeof buf - strlen(buf) - 1);
	}
	alerts_list_free(&l);
	return buf;
}

static void test_order_names(void **state)
{
	(void)state;
	enum alert_order o = ALERT_ORDER_COUNT;
	const char *names[] = { "due", "age", "priority" };
	for (int i = 0; i < ALERT_ORDER_COUNT; i++) {
		assert_string_equal(alert_order_name((enum alert_order)i), names[i]);
		assert_true(alert_order_parse(names[i], &o));
		assert_int_equal(o, i);
	}
	assert_true(alert_order_parse("Priority", &o));
	assert_int_equal(o, ALERT_ORDER_PRIORITY);
	assert_true(alert_order_parse("AGE", &o));
	assert_int_equal(o, ALERT_ORDER_AGE);
	o = ALERT_ORDER_DUE;
	assert_false(alert_order_parse("soon", &o));
	assert_false(alert_order_parse("", &o));
	assert_false(alert_order_parse("du", &o));
	assert_false(alert_order_parse("dues", &o));
	assert_false(alert_order_parse(NULL, &o));
	assert_int_equal(o, ALERT_ORDER_DUE);
	assert_string_equal(alert_order_name(ALERT_ORDER_COUNT), "?");
}

static void test_list_orders(void **state)
{
	(void)state;
	struct cache *c = queue_cache();
	struct irm_err e = { 0 };
	/* Due: by due time, undated last, then priority (1 first), then id. */
	const char *due = Q_C2_MILES "," Q_C2_BIRTHDAY "," Q_C2_FLIGHTS "," A_MILES "," A_FLIGHTS ","
			  Q_C2_TIER "," Q_C1_PREMIUM;
	/* Age: the oldest first, then id. */
	const char *age = Q_C2_BIRTHDAY "," Q_C2_FLIGHTS "," Q_C2_MILES "," Q_C2_TIER ","
			  Q_C1_PREMIUM "," A_FLIGHTS "," A_MILES;
	/* Priority, then as by due time. */
	const char *prio = Q_C2_MILES "," A_MILES "," Q_C2_TIER "," Q_C2_BIRTHDAY "," Q_C2_FLIGHTS ","
			   A_FLIGHTS "," Q_C1_PREMIUM;
	const char *want[ALERT_ORDER_COUNT] = { due, age, prio };
	for (int o = 0; o < ALERT_ORDER_COUNT; o++) {
		struct alert_filter f = { .order = (enum alert_order)o };
		/* Every alert; the open ones (another index leads); a page. */
		assert_string_equal(ids(c, f), want[o]);
		f.states = ALERT_STATES_OPEN;
		assert_string_equal(ids(c, f), want[o]);
		f.limit = 3;
		char page[512];
		snprintf(page, sizeof page, "%s", want[o]);
		*strchr(strchr(strchr(page, ',') + 1, ',') + 1, ',') = '\0';
		assert_string_equal(ids(c, f), page);
		f.states = 0;
		assert_string_equal(ids(c, f), page);
		/* One customer, or one alert: the same order, theirs only. */
		struct alert_filter one = { .order = (enum alert_order)o, .customer = "C1" };
		char c1[512] = "";
		for (const char *p = want[o]; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
			if (strncmp(p, "A-C1-", 5) != 0)
				continue;
			if (c1[0])
				strcat(c1, ",");
			strncat(c1, p, strcspn(p, ","));
		}
		assert_string_equal(ids(c, one), c1);
		one.limit = 1;
		*strchr(c1, ',') = '\0';
		assert_string_equal(ids(c, one), c1);
		struct alert_filter id = { .order = (enum alert_order)o, .id = Q_C2_TIER };
		assert_string_equal(ids(c, id), Q_C2_TIER);
		/* Each state alone leads too. */
		f.limit = 0;
		f.states = 1u << ALERT_PENDING;
		assert_string_equal(ids(c, f), A_MILES);
	}
	struct alert_filter first = { .order = ALERT_ORDER_AGE, .customer = "C1" };
	assert_string_equal(ids(c, first), Q_C1_PREMIUM "," A_FLIGHTS "," A_MILES);
	first.order = ALERT_ORDER_PRIORITY;
	assert_string_equal(ids(c, first), A_MILES "," A_FLIGHTS "," Q_C1_PREMIUM);
	first.order = ALERT_ORDER_DUE;
	assert_string_equal(ids(c, first), A_MILES "," A_FLIGHTS "," Q_C1_PREMIUM);

	/* A closed alert keeps its place among the closed ones. */
	assert_int_equal(alerts_act(c, Q_C2_MILES, ALERT_EV_DONE, "ana", ACTION_GREETING, NULL,
				    NULL, NOW + 60, NULL, &e), IRM_OK);
	struct alert_filter open = { .states = ALERT_STATES_OPEN, .limit = 1 };
	assert_string_equal(ids(c, open), Q_C2_BIRTHDAY);
	open.states = (1u << ALERT_DONE) | (1u << ALERT_PENDING);
	open.limit = 0;
	assert_string_equal(ids(c, open), Q_C2_MILES "," A_MILES);

	/* An order that is none. */
	struct alert_list l;
	struct alert_filter bad = { .order = ALERT_ORDER_COUNT };
	assert_int_equal(alerts_list(c, &bad, &l, &e), IRM_EUSAGE);
	assert_int_equal(l.n, 0);
	cache_close(&c);
}

static void test_list_kind_station_assignee(void **state)
{
	(void)state;
	struct cache *c = queue_cache();
	struct irm_err e = { 0 };
	struct alert_filter f = { .kind = "lifetime_miles" };
	assert_string_equal(ids(c, f), Q_C2_MILES "," A_MILES);
	f.kind = "tier";
	assert_string_equal(ids(c, f), Q_C2_TIER);
	f.kind = "Tier";            /* rule names are exact */
	assert_string_equal(ids(c, f), "");
	f.kind = "nope";
	assert_string_equal(ids(c, f), "");

	/* The station is the origin of the alert's leg, in any case. */
	struct alert_filter st = { .station = "DEN" };
	assert_string_equal(ids(c, st), Q_C2_MILES "," A_MILES "," A_FLIGHTS);
	st.station = "den";
	assert_string_equal(ids(c, st), Q_C2_MILES "," A_MILES "," A_FLIGHTS);
	st.station = "SEA";
	assert_string_equal(ids(c, st), Q_C2_BIRTHDAY "," Q_C2_FLIGHTS);
	st.station = "LAX";
	assert_string_equal(ids(c, st), "");
	st.station = "DEN";
	st.kind = "flights";
	st.states = ALERT_STATES_OPEN;
	st.order = ALERT_ORDER_AGE;
	assert_string_equal(ids(c, st), A_FLIGHTS);
	st.customer = "C2";
	assert_string_equal(ids(c, st), "");

	/* A leg that is not in the cache is at no station. */
	struct segment nowhere = make_seg("S9", "UA", "9", "DEN", "ORD", "2026-11-22T12:00:00-07:00");
	struct milestone_alert c1[] = {
		held("C1", &miles_rule, 1000000, ALERT_PENDING, &seg_s1, NOW + 3600),
		held("C1", &flights_rule, 1000, ALERT_PROJECTED, &seg_s2, NOW + 3600),
		held("C1", &premium_rule, -1, ALERT_PROJECTED, NULL, 0),
		held("C1", &birthday_rule, -1, ALERT_PROJECTED, &nowhere, NOW + 100),
	};
	engine(c, "C1", c1, 4, NOW + 10);
	struct alert_filter den = { .station = "DEN" };
	assert_string_equal(ids(c, den), Q_C2_MILES "," A_MILES "," A_FLIGHTS);
	struct alert_filter b = { .id = "A-C1-birthday" };
	assert_string_equal(ids(c, b), "A-C1-birthday");
	b.station = "DEN";
	assert_string_equal(ids(c, b), "");
	/* Nor is a leg that has left it since (a trip imported again without it). */
	q_exec("DELETE FROM segments WHERE id = 'S2'");
	assert_string_equal(ids(c, den), Q_C2_MILES "," A_MILES);
	/* An alert written without its leg's origin is looked up the long way. */
	q_exec("UPDATE alerts SET leg_origin = NULL WHERE id = '" A_MILES "'");
	assert_string_equal(ids(c, den), Q_C2_MILES "," A_MILES);
	den.states = 1u << ALERT_PENDING;
	assert_string_equal(ids(c, den), A_MILES);
	den.station = "SEA";
	assert_string_equal(ids(c, den), "");

	/* Owners: a name, or "" for nobody's. */
	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_ACK, "ana", ACTION_COUNT, NULL, NULL,
				    NOW + 60, NULL, &e), IRM_OK);
	assert_int_equal(alerts_act(c, Q_C2_FLIGHTS, ALERT_EV_ASSIGN, "sup", ACTION_COUNT, NULL, "bob",
				    NOW + 60, NULL, &e), IRM_OK);
	struct alert_filter who = { .assignee = "ana" };
	assert_string_equal(ids(c, who), A_MILES);
	who.assignee = "bob";
	assert_string_equal(ids(c, who), Q_C2_FLIGHTS);
	who.assignee = "Bob";
	assert_string_equal(ids(c, who), "");
	who.assignee = "";
	assert_string_equal(ids(c, who), "A-C1-birthday," Q_C2_MILES "," Q_C2_BIRTHDAY "," A_FLIGHTS
			    "," Q_C2_TIER "," Q_C1_PREMIUM);
	who.station = "SEA";
	assert_string_equal(ids(c, who), Q_C2_BIRTHDAY);
	who.assignee = NULL;
	assert_string_equal(ids(c, who), Q_C2_BIRTHDAY "," Q_C2_FLIGHTS);
	cache_close(&c);
}

/* The station follows the alert's leg: moved by the engine, or the leg
 * itself re-routed in an import. */
static void test_station_follows_the_leg(void **state)
{
	(void)state;
	struct cache *c = fresh();
	struct milestone_alert p = held("C1", &miles_rule, 1000000, ALERT_PROJECTED, &seg_s1,
					NOW + 3600);
	engine(c, "C1", &p, 1, NOW);
	struct alert_filter den = { .station = "DEN" }, sea = { .station = "SEA" },
			    lax = { .station = "LAX" };
	assert_string_equal(ids(c, den), A_MILES);
	assert_string_equal(ids(c, sea), "");
	struct milestone_alert moved = held("C1", &miles_rule, 1000000, ALERT_PROJECTED, &seg_s4,
					    NOW + 3600);
	engine(c, "C1", &moved, 1, NOW + 10);
	assert_string_equal(ids(c, den), "");
	assert_string_equal(ids(c, sea), A_MILES);
	assert_string_equal(q_str("SELECT leg_origin FROM alerts WHERE id = ?1", A_MILES), "SEA");

	/* S4 now leaves from Los Angeles: the engine's next pass says so. */
	q_exec("UPDATE segments SET origin = 'LAX' WHERE id = 'S4'");
	struct segment s4 = seg_s4;
	snprintf(s4.origin, sizeof s4.origin, "LAX");
	moved.segment = &s4;
	engine(c, "C1", &moved, 1, NOW + 20);
	assert_string_equal(ids(c, lax), A_MILES);
	assert_string_equal(ids(c, sea), "");
	assert_int_equal(HISTORY_N(A_MILES), 2);    /* quietly */
	long long before = alerts_fingerprint();
	engine(c, "C1", &moved, 1, NOW + 30);
	assert_int_equal(alerts_fingerprint(), before);
	cache_close(&c);
}

static void test_list_no_history(void **state)
{
	(void)state;
	struct cache *c = queue_cache();
	struct irm_err e = { 0 };
	struct alert_list l;
	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_ACK, "ana", ACTION_COUNT, NULL, NULL,
				    NOW + 60, NULL, &e), IRM_OK);
	struct alert_filter f = { .states = ALERT_STATES_OPEN, .no_history = true };
	assert_int_equal(alerts_list(c, &f, &l, &e), IRM_OK);
	assert_int_equal(l.n, 7);
	for (size_t i = 0; i < l.n; i++) {
		assert_int_equal(l.v[i].n_history, 0);
		assert_null(l.v[i].history);
	}
	/* Everything else is there. */
	const struct alert_item *m = &l.v[3];
	assert_string_equal(m->id, A_MILES);
	assert_int_equal(m->state, ALERT_ACKNOWLEDGED);
	assert_string_equal(m->assigned_to, "ana");
	assert_string_equal(m->customer_name, "José Müller");
	assert_true(m->segment.known);
	assert_string_equal(m->segment.origin, "DEN");
	alerts_list_free(&l);
	f.no_history = false;
	assert_int_equal(alerts_list(c, &f, &l, &e), IRM_OK);
	assert_int_equal(l.v[3].n_history, 2);
	assert_int_equal(l.v[0].n_history, 1);
	alerts_list_free(&l);
	cache_close(&c);
}

static void test_count(void **state)
{
	(void)state;
	struct cache *c = queue_cache();
	struct irm_err e = { 0 };
	struct alert_counts k;

	/* Due: C2 miles +600, C2 flights and birthday +1200, C1 miles
	 * (pending) and flights +3600, two undated. */
	assert_int_equal(alerts_count(c, NULL, NOW + 1200, 2400, &k, &e), IRM_OK);
	assert_int_equal(k.state[ALERT_PROJECTED], 6);
	assert_int_equal(k.state[ALERT_PENDING], 1);
	assert_int_equal(k.state[ALERT_ACKNOWLEDGED], 0);
	assert_int_equal(k.state[ALERT_DONE], 0);
	assert_int_equal(k.overdue, 1);             /* due before now */
	assert_int_equal(k.due_soon, 2);            /* due at now is soon; at now + 2400 is not */
	assert_int_equal(alerts_count(c, NULL, NOW + 1200, 2401, &k, &e), IRM_OK);
	assert_int_equal(k.due_soon, 4);
	assert_int_equal(alerts_count(c, NULL, NOW + 1201, 0, &k, &e), IRM_OK);
	assert_int_equal(k.overdue, 3);
	assert_int_equal(k.due_soon, 0);
	assert_int_equal(alerts_count(c, NULL, NOW + 599, INT64_MAX, &k, &e), IRM_OK);
	assert_int_equal(k.overdue, 0);
	assert_int_equal(k.due_soon, 5);            /* the undated never */

	/* Closed ones are counted in their state, never late. */
	assert_int_equal(alerts_act(c, Q_C2_FLIGHTS, ALERT_EV_DONE, "ana", ACTION_CALL, NULL, NULL,
				    NOW + 60, NULL, &e), IRM_OK);
	assert_int_equal(alerts_act(c, Q_C2_MILES, ALERT_EV_DISMISS, "ana", ACTION_COUNT, "no fuss",
				    NULL, NOW + 60, NULL, &e), IRM_OK);
	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_ACK, "bob", ACTION_COUNT, NULL, NULL,
				    NOW + 60, NULL, &e), IRM_OK);
	assert_int_equal(alerts_count(c, NULL, NOW + 4000, 60, &k, &e), IRM_OK);
	assert_int_equal(k.state[ALERT_PROJECTED], 4);
	assert_int_equal(k.state[ALERT_PENDING], 0);
	assert_int_equal(k.state[ALERT_ACKNOWLEDGED], 1);
	assert_int_equal(k.state[ALERT_DONE], 1);
	assert_int_equal(k.state[ALERT_DISMISSED], 1);
	assert_int_equal(k.overdue, 3);             /* birthday, C1 miles (acknowledged), C1 flights */

	/* The filter's other parts apply; its states, order, limit do not. */
	struct alert_filter f = { .station = "den", .states = 1u << ALERT_DONE, .limit = 1,
				  .order = ALERT_ORDER_AGE, .no_history = true };
	assert_int_equal(alerts_count(c, &f, NOW + 1200, 2400, &k, &e), IRM_OK);
	assert_int_equal(k.state[ALERT_PROJECTED], 1);
	assert_int_equal(k.state[ALERT_ACKNOWLEDGED], 1);
	assert_int_equal(k.state[ALERT_DISMISSED], 1);
	assert_int_equal(k.state[ALERT_DONE], 0);
	assert_int_equal(k.overdue, 0);             /* C2 miles is dismissed */
	assert_int_equal(k.due_soon, 0);
	assert_int_equal(alerts_count(c, &f, NOW + 3601, 0, &k, &e), IRM_OK);
	assert_int_equal(k.overdue, 2);
	struct alert_filter g = { .kind = "flights" };
	assert_int_equal(alerts_count(c, &g, NOW, 3600, &k, &e), IRM_OK);
	assert_int_equal(k.state[ALERT_PROJECTED], 1);
	assert_int_equal(k.state[ALERT_DONE], 1);
	assert_int_equal(k.due_soon, 0);
	assert_int_equal(alerts_count(c, &g, NOW, 3601, &k, &e), IRM_OK);
	assert_int_equal(k.due_soon, 1);
	g = (struct alert_filter){ .assignee = "" };
	assert_int_equal(alerts_count(c, &g, NOW, 0, &k, &e), IRM_OK);
	assert_int_equal(k.state[ALERT_ACKNOWLEDGED], 0);
	assert_int_equal(k.state[ALERT_PROJECTED], 4);
	assert_int_equal(k.state[ALERT_DONE] + k.state[ALERT_DISMISSED], 2);
	g = (struct alert_filter){ .assignee = "bob", .customer = "mp1000001" };
	assert_int_equal(alerts_count(c, &g, NOW + 3600, 0, &k, &e), IRM_OK);
	assert_int_equal(k.state[ALERT_ACKNOWLEDGED], 1);
	assert_int_equal(k.state[ALERT_PROJECTED], 0);
	assert_int_equal(k.overdue, 0);             /* due at now exactly: not yet */
	g = (struct alert_filter){ .id = A_MILES, .flight = "UA1234" };
	assert_int_equal(alerts_count(c, &g, NOW + 3601, 0, &k, &e), IRM_OK);
	assert_int_equal(k.state[ALERT_ACKNOWLEDGED], 1);
	assert_int_equal(k.overdue, 1);
	g.flight = "UA1240";
	assert_int_equal(alerts_count(c, &g, NOW + 3601, 0, &k, &e), IRM_OK);
	assert_int_equal(k.state[ALERT_ACKNOWLEDGED], 0);
	assert_int_equal(k.overdue, 0);

	g = (struct alert_filter){ .customer = "C99" };
	k.overdue = 7;
	assert_int_equal(alerts_count(c, &g, NOW, 0, &k, &e), IRM_ENOTFOUND);
	assert_non_null(strstr(e.msg, "no customer 'C99'"));
	assert_int_equal(k.overdue, 0);
	cache_close(&c);
}

static void test_activity(void **state)
{
	(void)state;
	struct cache *c = fresh();
	struct irm_err e = { 0 };
	const int64_t T = NOW;
	struct milestone_alert c1[] = {
		held("C1", &miles_rule, 1000000, ALERT_PENDING, &seg_s1, T),
		held("C1", &flights_rule, 1000, ALERT_PROJECTED, &seg_s2, T),
		held("C1", &premium_rule, -1, ALERT_PROJECTED, &seg_s2, T),
	};
	struct milestone_alert c2[] = {
		held("C2", &miles_rule, 100000, ALERT_PROJECTED, &seg_s3, T),
		held("C2", &flights_rule, 100, ALERT_PROJECTED, &seg_s4, T),
		held("C2", &premium_rule, -1, ALERT_PROJECTED, &seg_s3, T),
	};
	engine(c, "C1", c1, 1, T - 10800);      /* exactly 3 h back: the hour before the window */
	engine(c, "C1", c1, 2, T - 10799);      /* the first second of the window */
	engine(c, "C2", c2, 2, T - 3600);       /* two at once, at the end of hour 1 */
	engine(c, "C1", c1, 3, T);              /* now: the last hour */
	engine(c, "C2", c2, 3, T + 1);          /* after now */
	assert_int_equal(alerts_act(c, A_MILES, ALERT_EV_DONE, "ana", ACTION_GREETING, NULL, NULL,
				    T - 7200, NULL, &e), IRM_OK);
	assert_int_equal(alerts_act(c, A_FLIGHTS, ALERT_EV_ACK, "ana", ACTION_COUNT, NULL, NULL,
				    T - 100, NULL, &e), IRM_OK);
	assert_int_equal(alerts_act(c, A_FLIGHTS, ALERT_EV_DONE, "ana", ACTION_CALL, NULL, NULL,
				    T, NULL, &e), IRM_OK);
	assert_int_equal(alerts_act(c, Q_C2_MILES, ALERT_EV_DISMISS, "ana", ACTION_COUNT, "no",
				    NULL, T - 50, NULL, &e), IRM_OK);
	assert_int_equal(alerts_act(c, Q_C2_FLIGHTS, ALERT_EV_DONE, "ana", ACTION_GIFT, NULL, NULL,
				    T + 5, NULL, &e), IRM_OK);
	/* Withdrawn and back: neither a creation nor a completion. */
	engine(c, "C1", c1 + 1, 2, T - 30);
	engine(c, "C1", c1, 3, T - 20);

	long created[5], done[5];
	for (int i = 0; i < 5; i++)
		created[i] = done[i] = -1;
	assert_int_equal(alerts_activity(c, T, 3, created, done, &e), IRM_OK);
	assert_int_equal(created[0], 1);
	assert_int_equal(created[1], 2);
	assert_int_equal(created[2], 1);
	assert_int_equal(done[0], 1);               /* at T - 7200: the end of hour 0 */
	assert_int_equal(done[1], 0);
	assert_int_equal(done[2], 1);               /* at T: the end of the last hour */
	assert_int_equal(created[3], -1);           /* nothing written past `hours` */
	assert_int_equal(done[3], -1);

	assert_int_equal(alerts_activity(c, T, 4, created, done, &e), IRM_OK);
	assert_int_equal(created[0], 1);
	assert_int_equal(created[1], 1);
	assert_int_equal(created[2], 2);
	assert_int_equal(created[3], 1);
	assert_int_equal(done[0], 0);
	assert_int_equal(done[1], 1);
	assert_int_equal(done[2], 0);
	assert_int_equal(done[3], 1);

	assert_int_equal(alerts_activity(c, T, 1, created, NULL, &e), IRM_OK);
	assert_int_equal(created[0], 1);
	assert_int_equal(alerts_activity(c, T + 5, 1, NULL, done, &e), IRM_OK);
	assert_int_equal(done[0], 2);
	assert_int_equal(alerts_activity(c, T - 86400, 2, created, done, &e), IRM_OK);
	assert_int_equal(created[0] + created[1] + done[0] + done[1], 0);

	long *year = calloc(ALERTS_ACTIVITY_MAX_HOURS, sizeof *year);
	assert_int_equal(alerts_activity(c, T + 5, ALERTS_ACTIVITY_MAX_HOURS, year, NULL, &e), IRM_OK);
	long sum = 0;
	for (int i = 0; i < ALERTS_ACTIVITY_MAX_HOURS; i++)
		sum += year[i];
	assert_int_equal(sum, 6);
	assert_int_equal(year[ALERTS_ACTIVITY_MAX_HOURS - 1], 2);
	free(year);
	assert_int_equal(alerts_activity(c, T, 0, created, done, &e), IRM_EUSAGE);
	assert_int_equal(alerts_activity(c, T, -1, created, done, &e), IRM_EUSAGE);
	assert_int_equal(alerts_activity(c, T, ALERTS_ACTIVITY_MAX_HOURS + 1, NULL, NULL, &e),
			 IRM_EUSAGE);
	assert_non_null(strstr(e.msg, "hours"));
	cache_close(&c);
}

static void test_notes(void **state)
{
	(void)state;
	struct cache *c = fresh();
	struct irm_err e = { 0 };
	struct note_added a;
	struct note_list l;

	assert_int_equal(notes_add(c, "C1", "ana", "prefers aisle seats", NOW, &a, &e), IRM_OK);
	assert_string_equal(a.customer_id, "C1");
	assert_int_equal(a.outbox_seq, 1);
	assert_true(strncmp(a.id, "N-", 2) == 0);
	assert_int_equal(notes_add(c, "mp1000001", "bob", "José called about the upgrade", NOW + 60,
			       &a, &e), IRM_OK);
	assert_string_equal(a.customer_id, "C1");
	assert_int_equal(a.outbox_seq, 2);

	json_t *b = outbox_body(2);
	assert_string_equal(json_string_value(json_object_get(b, "kind")), "note.add");
	assert_string_equal(json_string_value(json_object_get(b, "customer_id")), "C1");
	assert_string_equal(json_string_value(json_object_get(b, "who")), "bob");
	assert_string_equal(json_string_value(json_object_get(b, "text")), "José called about the upgrade");
	assert_string_equal(json_string_value(json_object_get(b, "note_id")), a.id);
	json_decref(b);
	assert_string_equal(q_str("SELECT kind FROM outbox WHERE seq = 2", NULL), "note.add");

	assert_int_equal(notes_list(c, "C1", &l, &e), IRM_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].author, "bob");     /* newest first */
	assert_string_equal(l.v[0].id, a.id);
	assert_int_equal(l.v[0].at_utc, NOW + 60);
	assert_string_equal(l.v[1].text, "prefers aisle seats");
	notes_list_free(&l);
	assert_int_equal(notes_list(c, "C2", &l, &e), IRM_OK);
	assert_int_equal(l.n, 0);
	notes_list_free(&l);

	/* Refused, and nothing written. */
	assert_int_equal(notes_add(c, "C99", "ana", "hello", NOW, &a, &e), IRM_ENOTFOUND);
	assert_non_null(strstr(e.msg, "no customer 'C99'"));
	assert_int_equal(notes_add(c, "C1", "ana", "", NOW, &a, &e), IRM_EUSAGE);
	assert_int_equal(notes_add(c, "C1", "ana", " \t\n", NOW, &a, &e), IRM_EUSAGE);
	assert_int_equal(notes_add(c, "C1", "ana", NULL, NOW, &a, &e), IRM_EUSAGE);
	assert_int_equal(notes_add(c, "C1", "", "text", NOW, &a, &e), IRM_EUSAGE);
	assert_int_equal(notes_add(c, "C1", "ana", "bad \xc3", NOW, &a, &e), IRM_EUSAGE);
	char *big = malloc(5000);
	memset(big, 'x', 4999);
	big[4999] = '\0';
	assert_int_equal(notes_add(c, "C1", "ana", big, NOW, &a, &e), IRM_EUSAGE);
	free(big);
	assert_int_equal(notes_list(c, "C99", &l, &e), IRM_ENOTFOUND);
	assert_int_equal(q_ll("SELECT count(*) FROM notes", NULL), 2);
	assert_int_equal(q_ll("SELECT count(*) FROM outbox", NULL), 2);
	cache_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_adds_and_is_idempotent),
		cmocka_unit_test(test_sync_cross_move_withdraw_return),
		cmocka_unit_test(test_sync_leaves_what_people_own),
		cmocka_unit_test(test_sync_runs_in_the_callers_transaction),
		cmocka_unit_test(test_act_lifecycle_history_outbox),
		cmocka_unit_test(test_act_dismiss_and_refusals),
		cmocka_unit_test(test_competing_completions),
		cmocka_unit_test(test_list_filters_and_order),
		cmocka_unit_test(test_order_names),
		cmocka_unit_test(test_list_orders),
		cmocka_unit_test(test_list_kind_station_assignee),
		cmocka_unit_test(test_station_follows_the_leg),
		cmocka_unit_test(test_list_no_history),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_activity),
		cmocka_unit_test(test_notes),
	};
	return cmocka_run_group_tests_name("alerts", tests, group_setup, group_teardown);
}
