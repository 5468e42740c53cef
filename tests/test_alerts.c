/* test_alerts.c — alerts and notes in a real cache: keeping alerts in line
 * with the engine (insert, cross, move, withdraw, come back, idempotent),
 * people acting on them (history, outbox, the first of two completions
 * wins), listing with filters, and notes. */
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
		cmocka_unit_test(test_notes),
	};
	return cmocka_run_group_tests_name("alerts", tests, group_setup, group_teardown);
}
