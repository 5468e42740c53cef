/* test_alert.c — the alert lifecycle: every state against every event,
 * the messages of refused transitions, names and deterministic ids. */
#include "testutil.h"

#include "alert.h"

enum { NO = -1 };

/* The expected table, cell by cell, written out from the spec. */
struct cell {
	enum alert_state from;
	enum alert_event ev;
	int to;                 /* enum alert_state, or NO */
	const char *words;      /* a piece of the refusal message */
};

static const struct cell table[] = {
	{ ALERT_PROJECTED, ALERT_EV_PROJECT, ALERT_PROJECTED, NULL },
	{ ALERT_PROJECTED, ALERT_EV_CROSS, ALERT_PENDING, NULL },
	{ ALERT_PROJECTED, ALERT_EV_WITHDRAW, ALERT_WITHDRAWN, NULL },
	{ ALERT_PROJECTED, ALERT_EV_ACK, ALERT_ACKNOWLEDGED, NULL },
	{ ALERT_PROJECTED, ALERT_EV_DONE, ALERT_DONE, NULL },
	{ ALERT_PROJECTED, ALERT_EV_DISMISS, ALERT_DISMISSED, NULL },
	{ ALERT_PROJECTED, ALERT_EV_ASSIGN, ALERT_PROJECTED, NULL },

	{ ALERT_PENDING, ALERT_EV_PROJECT, NO, "crossed already" },
	{ ALERT_PENDING, ALERT_EV_CROSS, NO, "crossed already" },
	{ ALERT_PENDING, ALERT_EV_WITHDRAW, NO, "only a projected alert can be withdrawn" },
	{ ALERT_PENDING, ALERT_EV_ACK, ALERT_ACKNOWLEDGED, NULL },
	{ ALERT_PENDING, ALERT_EV_DONE, ALERT_DONE, NULL },
	{ ALERT_PENDING, ALERT_EV_DISMISS, ALERT_DISMISSED, NULL },
	{ ALERT_PENDING, ALERT_EV_ASSIGN, ALERT_PENDING, NULL },

	{ ALERT_ACKNOWLEDGED, ALERT_EV_PROJECT, NO, "crossed already" },
	{ ALERT_ACKNOWLEDGED, ALERT_EV_CROSS, NO, "crossed already" },
	{ ALERT_ACKNOWLEDGED, ALERT_EV_WITHDRAW, NO, "only a projected alert" },
	{ ALERT_ACKNOWLEDGED, ALERT_EV_ACK, NO, "alert is acknowledged already" },
	{ ALERT_ACKNOWLEDGED, ALERT_EV_DONE, ALERT_DONE, NULL },
	{ ALERT_ACKNOWLEDGED, ALERT_EV_DISMISS, ALERT_DISMISSED, NULL },
	{ ALERT_ACKNOWLEDGED, ALERT_EV_ASSIGN, ALERT_ACKNOWLEDGED, NULL },

	{ ALERT_DONE, ALERT_EV_PROJECT, NO, "alert is done already: it cannot be projected again" },
	{ ALERT_DONE, ALERT_EV_CROSS, NO, "alert is done already: it cannot be crossed again" },
	{ ALERT_DONE, ALERT_EV_WITHDRAW, NO, "alert is done already: it cannot be withdrawn" },
	{ ALERT_DONE, ALERT_EV_ACK, NO, "alert is done already: it cannot be acknowledged" },
	{ ALERT_DONE, ALERT_EV_DONE, NO, "alert is done already: it cannot be marked done" },
	{ ALERT_DONE, ALERT_EV_DISMISS, NO, "alert is done already: it cannot be dismissed" },
	{ ALERT_DONE, ALERT_EV_ASSIGN, NO, "alert is done already: it cannot be assigned" },

	{ ALERT_DISMISSED, ALERT_EV_PROJECT, NO, "dismissed already" },
	{ ALERT_DISMISSED, ALERT_EV_CROSS, NO, "dismissed already" },
	{ ALERT_DISMISSED, ALERT_EV_WITHDRAW, NO, "dismissed already" },
	{ ALERT_DISMISSED, ALERT_EV_ACK, NO, "alert is dismissed already: it cannot be acknowledged" },
	{ ALERT_DISMISSED, ALERT_EV_DONE, NO, "alert is dismissed already: it cannot be marked done" },
	{ ALERT_DISMISSED, ALERT_EV_DISMISS, NO, "dismissed already: it cannot be dismissed" },
	{ ALERT_DISMISSED, ALERT_EV_ASSIGN, NO, "it cannot be assigned" },

	/* The engine may bring a withdrawn alert back; people may not act on it. */
	{ ALERT_WITHDRAWN, ALERT_EV_PROJECT, ALERT_PROJECTED, NULL },
	{ ALERT_WITHDRAWN, ALERT_EV_CROSS, ALERT_PENDING, NULL },
	{ ALERT_WITHDRAWN, ALERT_EV_WITHDRAW, NO, "cannot be withdrawn again" },
	{ ALERT_WITHDRAWN, ALERT_EV_ACK, NO, "withdrawn (no booked leg crosses its threshold now): it cannot be acknowledged" },
	{ ALERT_WITHDRAWN, ALERT_EV_DONE, NO, "it cannot be marked done" },
	{ ALERT_WITHDRAWN, ALERT_EV_DISMISS, NO, "it cannot be dismissed" },
	{ ALERT_WITHDRAWN, ALERT_EV_ASSIGN, NO, "it cannot be assigned" },
};

static void test_full_table(void **state)
{
	(void)state;
	/* Every (state, event) pair appears exactly once. */
	int seen[ALERT_STATE_COUNT][ALERT_EV_COUNT] = { { 0 } };
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		seen[table[i].from][table[i].ev]++;
	for (int s = 0; s < ALERT_STATE_COUNT; s++)
		for (int ev = 0; ev < ALERT_EV_COUNT; ev++)
			assert_int_equal(seen[s][ev], 1);

	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		const struct cell *c = &table[i];
		struct irm_err e = { 0 };
		enum alert_state to = ALERT_STATE_COUNT;
		enum irm_status s = alert_transition(c->from, c->ev, &to, &e);
		if (c->to == NO) {
			if (s != IRM_EINPUT)
				fail_msg("%s + %s: allowed, expected a refusal",
					 alert_state_name(c->from), alert_event_name(c->ev));
			assert_int_equal(e.status, IRM_EINPUT);
			assert_int_equal(to, ALERT_STATE_COUNT);  /* untouched */
			if (!strstr(e.msg, c->words))
				fail_msg("%s + %s: message '%s' lacks '%s'", alert_state_name(c->from),
					 alert_event_name(c->ev), e.msg, c->words);
		} else {
			if (s != IRM_OK)
				fail_msg("%s + %s: refused (%s)", alert_state_name(c->from),
					 alert_event_name(c->ev), e.msg);
			assert_int_equal(to, c->to);
		}
	}
}

static void test_open_states_and_assign(void **state)
{
	(void)state;
	for (int s = 0; s < ALERT_STATE_COUNT; s++) {
		enum alert_state to;
		bool open = s == ALERT_PROJECTED || s == ALERT_PENDING || s == ALERT_ACKNOWLEDGED;
		assert_int_equal(alert_state_open((enum alert_state)s), open);
		/* Assign is allowed exactly while open, and keeps the state. */
		enum irm_status st = alert_transition((enum alert_state)s, ALERT_EV_ASSIGN, &to, NULL);
		assert_int_equal(st == IRM_OK, open);
		if (open)
			assert_int_equal(to, s);
		/* Nothing leaves done or dismissed. */
		if (s == ALERT_DONE || s == ALERT_DISMISSED)
			for (int ev = 0; ev < ALERT_EV_COUNT; ev++)
				assert_int_equal(alert_transition((enum alert_state)s, (enum alert_event)ev,
								  &to, NULL), IRM_EINPUT);
	}
}

static void test_create(void **state)
{
	(void)state;
	enum alert_state to = ALERT_STATE_COUNT;
	struct irm_err e = { 0 };
	assert_int_equal(alert_create(ALERT_EV_PROJECT, &to, &e), IRM_OK);
	assert_int_equal(to, ALERT_PROJECTED);
	assert_int_equal(alert_create(ALERT_EV_CROSS, &to, &e), IRM_OK);
	assert_int_equal(to, ALERT_PENDING);
	for (int ev = ALERT_EV_WITHDRAW; ev < ALERT_EV_COUNT; ev++) {
		to = ALERT_STATE_COUNT;
		assert_int_equal(alert_create((enum alert_event)ev, &to, &e), IRM_EINPUT);
		assert_int_equal(to, ALERT_STATE_COUNT);
		assert_non_null(strstr(e.msg, "no such alert"));
	}
	/* Out-of-range values are refused, never read past the table. */
	assert_int_equal(alert_transition(ALERT_STATE_COUNT, ALERT_EV_ACK, &to, &e), IRM_EINPUT);
	assert_int_equal(alert_transition(ALERT_PENDING, ALERT_EV_COUNT, &to, &e), IRM_EINPUT);
	assert_int_equal(alert_create(ALERT_EV_COUNT, &to, &e), IRM_EINPUT);
}

static void test_names(void **state)
{
	(void)state;
	const char *states[] = { "projected", "pending", "acknowledged", "done", "dismissed", "withdrawn" };
	const char *actions[] = { "email", "call", "greeting", "gift", "social", "other" };
	const char *events[] = { "project", "cross", "withdraw", "ack", "done", "dismiss", "assign" };
	for (int i = 0; i < ALERT_STATE_COUNT; i++) {
		enum alert_state s;
		assert_string_equal(alert_state_name((enum alert_state)i), states[i]);
		assert_true(alert_state_parse(states[i], &s));
		assert_int_equal(s, i);
	}
	for (int i = 0; i < ACTION_COUNT; i++) {
		enum alert_action a;
		assert_string_equal(alert_action_name((enum alert_action)i), actions[i]);
		assert_true(alert_action_parse(actions[i], &a));
		assert_int_equal(a, i);
	}
	for (int i = 0; i < ALERT_EV_COUNT; i++)
		assert_string_equal(alert_event_name((enum alert_event)i), events[i]);

	enum alert_state s;
	enum alert_action a;
	assert_true(alert_state_parse("PENDING", &s));
	assert_int_equal(s, ALERT_PENDING);
	assert_true(alert_action_parse("Greeting", &a));
	assert_int_equal(a, ACTION_GREETING);
	assert_false(alert_state_parse("pend", &s));
	assert_false(alert_state_parse("pendingx", &s));
	assert_false(alert_state_parse("", &s));
	assert_false(alert_state_parse(NULL, &s));
	assert_false(alert_action_parse("fax", &a));
	assert_false(alert_action_parse(NULL, &a));
	assert_string_equal(alert_state_name(ALERT_STATE_COUNT), "?");
	assert_string_equal(alert_action_name(ACTION_COUNT), "?");
	assert_string_equal(alert_event_name(ALERT_EV_COUNT), "?");
}

static void test_ids(void **state)
{
	(void)state;
	char a[96], b[96];
	assert_int_equal(alert_make_id(a, sizeof a, "C1", "lifetime_miles", 1000000), 27);
	assert_string_equal(a, "A-C1-lifetime_miles-1000000");
	/* Deterministic: the same triple, the same id. */
	alert_make_id(b, sizeof b, "C1", "lifetime_miles", 1000000);
	assert_string_equal(a, b);
	/* Each part matters. */
	alert_make_id(b, sizeof b, "C1", "lifetime_miles", 1500000);
	assert_string_not_equal(a, b);
	alert_make_id(b, sizeof b, "C2", "lifetime_miles", 1000000);
	assert_string_not_equal(a, b);
	alert_make_id(b, sizeof b, "C1", "flights", 1000000);
	assert_string_not_equal(a, b);
	/* Rules without a threshold. */
	assert_int_equal(alert_make_id(a, sizeof a, "C1", "first_premium", -1), 18);
	assert_string_equal(a, "A-C1-first_premium");
	assert_int_equal(alert_make_id(a, sizeof a, "C1", "flights", 0), 14);
	assert_string_equal(a, "A-C1-flights-0");
	/* Too small a buffer, or missing parts: 0 and an empty string. */
	char small[8] = "xxxxxxx";
	assert_int_equal(alert_make_id(small, sizeof small, "C1", "lifetime_miles", 100000), 0);
	assert_string_equal(small, "");
	assert_int_equal(alert_make_id(a, sizeof a, "", "flights", 1), 0);
	assert_int_equal(alert_make_id(a, sizeof a, NULL, "flights", 1), 0);
	assert_int_equal(alert_make_id(a, sizeof a, "C1", NULL, 1), 0);
	/* Exactly fits. */
	char exact[19];
	assert_int_equal(alert_make_id(exact, sizeof exact, "C1", "first_premium", -1), 18);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_table),
		cmocka_unit_test(test_open_states_and_assign),
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ids),
	};
	return cmocka_run_group_tests_name("alert", tests, NULL, NULL);
}
