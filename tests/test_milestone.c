/* test_milestone.c — the milestone engine's edge cases: exact landings,
 * one leg crossing several milestones, cancelled and re-timed legs, events
 * in any order, customers with no trips, and the rules' configuration. */
#include "testutil.h"

#include "conf.h"
#include "milestone.h"
#include "rules.h"
#include "utf8.h"

/* 2026-11-22T09:00:00Z */
#define NOW 1795338000
#define DAY 86400

static struct rules rules;

static int setup(void **state)
{
	(void)state;
	rules_default(&rules);
	return 0;
}

static struct customer customer(int64_t miles, int32_t flights)
{
	struct customer c = { .id = "C1", .name = "Dale Brewer", .lifetime_miles = miles,
			      .lifetime_flights = flights, .birth_date = DATE_NONE,
			      .member_since = DATE_NONE, .tier = TIER_PLATINUM };
	return c;
}

/* A one-leg trip, departing `when` (UTC seconds) at -07:00. */
static struct segment leg(const char *id, int64_t when, int miles, enum seg_status st)
{
	struct segment s = { .id = id, .carrier = "UA", .flight = "1234", .origin = "DEN",
			     .destination = "SEA", .departure = { when, -420 }, .cabin = CABIN_J,
			     .status = st, .miles = miles };
	return s;
}

static struct trip trip_of(struct segment *s, size_t n)
{
	static struct passenger p = { .customer_id = "C1" };
	struct trip t = { .id = "T", .passengers = &p, .n_passengers = 1, .segments = s, .n_segments = n };
	return t;
}

static size_t eval(const struct customer *c, const struct trip *t, size_t n, struct milestone_alert *out)
{
	return milestone_evaluate(&rules, c, t, n, NOW, out, 32);
}

static const struct milestone_alert *find(const struct milestone_alert *v, size_t n,
					  const char *rule, int64_t threshold)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].rule->name, rule) == 0 && v[i].threshold == threshold)
			return &v[i];
	return NULL;
}

static void test_seed_story_lands_exactly(void **state)
{
	(void)state;
	struct customer c = customer(998976, 1650);
	struct segment s = leg("S1", NOW + 6 * 3600, 1024, SEG_BOOKED);
	struct trip t = trip_of(&s, 1);
	struct milestone_alert a[32];
	size_t n = eval(&c, &t, 1, a);
	const struct milestone_alert *m = find(a, n, "lifetime_miles", 1000000);
	assert_non_null(m);
	assert_int_equal(m->state, ALERT_PROJECTED);
	assert_string_equal(m->segment->id, "S1");
	assert_string_equal(m->id, "A-C1-lifetime_miles-1000000");
	assert_int_equal(m->due_utc, NOW + 6 * 3600);
	assert_string_equal(m->title, "1,000,000 lifetime miles");
	assert_non_null(strstr(m->message, "Dale"));
	assert_non_null(strstr(m->message, "UA1234 DEN→SEA"));

	/* Flown (the loyalty figure now counts it): pending on the same leg. */
	c.lifetime_miles = 1000000;
	s.status = SEG_FLOWN;
	s.departure.utc = NOW - 3600;
	n = eval(&c, &t, 1, a);
	m = find(a, n, "lifetime_miles", 1000000);
	assert_non_null(m);
	assert_int_equal(m->state, ALERT_PENDING);
	assert_string_equal(m->segment->id, "S1");
	assert_int_equal(m->due_utc, NOW - 3600 + 24 * 3600);
	/* One short of the threshold crosses nothing. */
	c.lifetime_miles = 999999;
	s.status = SEG_BOOKED;
	s.miles = 1022;
	s.departure.utc = NOW + 3600;
	c.lifetime_miles = 998977;
	n = eval(&c, &t, 1, a);
	assert_null(find(a, n, "lifetime_miles", 1000000));
}

static void test_one_leg_two_milestones(void **state)
{
	(void)state;
	struct customer c = customer(999500, 999);
	struct segment s = leg("S1", NOW + 3600, 1024, SEG_BOOKED);
	struct trip t = trip_of(&s, 1);
	struct milestone_alert a[32];
	size_t n = eval(&c, &t, 1, a);
	assert_non_null(find(a, n, "lifetime_miles", 1000000));
	const struct milestone_alert *f = find(a, n, "flights", 1000);
	assert_non_null(f);
	assert_string_equal(f->segment->id, "S1");
	assert_string_equal(f->title, "1,000th flight");

	/* Thresholds so close that one leg crosses two of the same rule. */
	struct rules close;
	rules_default(&close);
	close.v[0].thresholds[0] = 100000;
	close.v[0].thresholds[1] = 100500;
	close.v[0].n_thresholds = 2;
	close.v[0].every = 0;
	c = customer(99900, 50);
	n = milestone_evaluate(&close, &c, &t, 1, NOW, a, 32);
	assert_non_null(find(a, n, "lifetime_miles", 100000));
	assert_non_null(find(a, n, "lifetime_miles", 100500));
}

static void test_cancelled_leg_moves_projection(void **state)
{
	(void)state;
	struct customer c = customer(999000, 10);
	struct segment s[3] = {
		leg("S1", NOW + 1 * DAY, 500, SEG_BOOKED),
		leg("S2", NOW + 2 * DAY, 600, SEG_BOOKED),
		leg("S3", NOW + 3 * DAY, 600, SEG_BOOKED),
	};
	struct trip t = trip_of(s, 3);
	struct milestone_alert a[32];
	size_t n = eval(&c, &t, 1, a);
	assert_string_equal(find(a, n, "lifetime_miles", 1000000)->segment->id, "S2");
	s[0].status = SEG_CANCELLED;
	n = eval(&c, &t, 1, a);
	assert_string_equal(find(a, n, "lifetime_miles", 1000000)->segment->id, "S3");
	s[2].status = SEG_NO_SHOW;
	n = eval(&c, &t, 1, a);
	assert_null(find(a, n, "lifetime_miles", 1000000));  /* withdrawn: nothing crosses */

	/* A re-timed leg: S3 now leaves before S2 and crosses first. */
	s[0].status = SEG_BOOKED;
	s[2].status = SEG_BOOKED;
	s[2].departure.utc = NOW + DAY + 3600;
	n = eval(&c, &t, 1, a);
	assert_string_equal(find(a, n, "lifetime_miles", 1000000)->segment->id, "S3");
}

static void test_order_and_repetition(void **state)
{
	(void)state;
	struct customer c = customer(999000, 10);
	struct segment s[2] = {
		leg("S1", NOW + 1 * DAY, 500, SEG_BOOKED),
		leg("S2", NOW + 2 * DAY, 600, SEG_BOOKED),
	};
	struct trip fwd[2] = { trip_of(&s[0], 1), trip_of(&s[1], 1) };
	struct trip rev[2] = { fwd[1], fwd[0] };
	struct milestone_alert a[32], b[32];
	size_t n = eval(&c, fwd, 2, a), m = eval(&c, rev, 2, b);
	assert_int_equal(n, m);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(a[i].id, b[i].id);
		assert_ptr_equal(a[i].segment, b[i].segment);
	}
	/* Twice gives the same. */
	m = eval(&c, fwd, 2, b);
	assert_int_equal(n, m);
	assert_memory_equal(a[0].id, b[0].id, sizeof a[0].id);
}

static void test_no_trips_and_old_crossings(void **state)
{
	(void)state;
	struct customer c = customer(1000000, 1000);
	struct milestone_alert a[32];
	assert_int_equal(eval(&c, NULL, 0, a), 0);

	/* Crossed 40 days ago: late (nothing new is raised for it, but an
	 * alert projected onto that leg follows it); 10 days ago: pending. */
	struct segment s = leg("S1", NOW - 40 * DAY, 1024, SEG_FLOWN);
	struct trip t = trip_of(&s, 1);
	const struct milestone_alert *m = find(a, eval(&c, &t, 1, a), "lifetime_miles", 1000000);
	assert_non_null(m);
	assert_true(m->late);
	s.departure.utc = NOW - 10 * DAY;
	size_t n = eval(&c, &t, 1, a);
	m = find(a, n, "lifetime_miles", 1000000);
	assert_int_equal(m->state, ALERT_PENDING);
	assert_false(m->late);
}

static void test_every_million_after_two(void **state)
{
	(void)state;
	struct customer c = customer(2999500, 3000);
	struct segment s = leg("S1", NOW + DAY, 1024, SEG_BOOKED);
	struct trip t = trip_of(&s, 1);
	struct milestone_alert a[32];
	size_t n = eval(&c, &t, 1, a);
	assert_non_null(find(a, n, "lifetime_miles", 3000000));
	assert_null(find(a, n, "lifetime_miles", 2000000));
}

static void test_carriers_that_count(void **state)
{
	(void)state;
	struct rules r;
	rules_default(&r);
	strcpy(r.carriers[0], "UA");
	r.n_carriers = 1;
	struct customer c = customer(998976, 10);
	struct segment s = leg("S1", NOW + DAY, 1024, SEG_BOOKED);
	s.carrier = "LH";
	struct trip t = trip_of(&s, 1);
	struct milestone_alert a[32];
	assert_null(find(a, milestone_evaluate(&r, &c, &t, 1, NOW, a, 32), "lifetime_miles", 1000000));
	s.carrier = "UA";
	assert_non_null(find(a, milestone_evaluate(&r, &c, &t, 1, NOW, a, 32), "lifetime_miles", 1000000));
}

static void test_birthday_by_local_date_at_origin(void **state)
{
	(void)state;
	struct customer c = customer(5000, 10);
	c.birth_date = date_from_ymd(1961, 11, 23);
	/* 23 Nov 05:30 UTC is still 22 Nov in Denver (-07:00): not his birthday. */
	struct segment s = leg("S1", date_utc_of_local(date_from_ymd(2026, 11, 22), 22 * 60 + 30, -420),
			       1024, SEG_BOOKED);
	struct trip t = trip_of(&s, 1);
	struct milestone_alert a[32];
	assert_null(find(a, eval(&c, &t, 1, a), "birthday", 2026));
	/* 23 Nov 08:15 in Denver is. */
	s.departure.utc = date_utc_of_local(date_from_ymd(2026, 11, 23), 8 * 60 + 15, -420);
	size_t n = eval(&c, &t, 1, a);
	const struct milestone_alert *b = find(a, n, "birthday", 2026);
	assert_non_null(b);
	assert_int_equal(b->state, ALERT_PROJECTED);
	assert_string_equal(b->id, "A-C1-birthday-2026");
}

static void test_tier_and_firsts(void **state)
{
	(void)state;
	struct customer c = customer(80000, 2);
	c.tier = TIER_GOLD;
	c.ytd_miles = 74500;
	c.ytd_segments = 10;
	struct segment s = leg("S1", NOW + DAY, 1024, SEG_BOOKED);
	struct trip t = trip_of(&s, 1);
	struct milestone_alert a[32];
	size_t n = eval(&c, &t, 1, a);
	const struct milestone_alert *m = find(a, n, "tier", 2026 * 10 + TIER_PLATINUM);
	assert_non_null(m);
	assert_string_equal(m->title, "Now Platinum");
	assert_string_equal(m->id, "A-C1-tier-20263");

	/* A whole history in the cache (2 flights, both known): the first
	 * premium leg is recognised; with an unknown past it is not. */
	struct segment f[3] = {
		leg("F1", NOW - 20 * DAY, 500, SEG_FLOWN),
		leg("F2", NOW - 10 * DAY, 500, SEG_FLOWN),
		leg("F3", NOW + 2 * DAY, 500, SEG_BOOKED),
	};
	f[0].cabin = f[1].cabin = CABIN_Y;
	f[2].cabin = CABIN_J;
	struct trip ft = trip_of(f, 3);
	n = eval(&c, &ft, 1, a);
	m = find(a, n, "first_premium", -1);
	assert_non_null(m);
	assert_string_equal(m->segment->id, "F3");
	c.lifetime_flights = 500;
	assert_null(find(a, eval(&c, &ft, 1, a), "first_premium", -1));
	/* First international: DEN→LHR. */
	c.lifetime_flights = 2;
	strcpy(f[2].destination, "LHR");
	f[2].cabin = CABIN_Y;
	assert_non_null(find(a, eval(&c, &ft, 1, a), "first_international", -1));
}

static void test_anniversary_across_new_year(void **state)
{
	(void)state;
	struct customer c = customer(5000, 10);
	/* Member since 3 January 2017; flies 30 December 2026: ten years on
	 * the anniversary four days later. */
	c.member_since = date_from_ymd(2017, 1, 3);
	struct segment s = leg("S1", date_utc_of_local(date_from_ymd(2026, 12, 30), 600, -420),
			       500, SEG_BOOKED);
	struct trip t = trip_of(&s, 1);
	struct milestone_alert a[32];
	assert_non_null(find(a, eval(&c, &t, 1, a), "anniversary", 10));
	/* Member since 30 December 2015; flies 2 January 2026: ten years. */
	c.member_since = date_from_ymd(2015, 12, 30);
	s.departure.utc = date_utc_of_local(date_from_ymd(2026, 1, 2), 600, -420);
	s.status = SEG_FLOWN;
	assert_non_null(find(a, eval(&c, &t, 1, a), "anniversary", 10));
}

static void test_long_names_stay_whole_characters(void **state)
{
	(void)state;
	char name[400] = "";
	for (int i = 0; i < 120; i++)
		strcat(name, "Ж");
	struct customer c = customer(998976, 10);
	c.name = name;
	struct segment s = leg("S1", NOW + DAY, 1024, SEG_BOOKED);
	struct trip t = trip_of(&s, 1);
	struct milestone_alert a[32];
	size_t n = eval(&c, &t, 1, a);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		assert_true(utf8_valid(a[i].title, strlen(a[i].title), NULL));
		assert_true(utf8_valid(a[i].message, strlen(a[i].message), NULL));
	}
}

static void test_configuration(void **state)
{
	(void)state;
	struct conf conf;
	struct irm_err e = { 0 };
	struct rules r;
	const char good[] =
		"[milestones]\nlookback_days = 7\ncarriers = UA, LH\n"
		"[milestone lifetime_miles]\nthresholds = 50_000 100,000\nevery = 0\npriority = 2\n"
		"title = \"{threshold} miles, {first_name}\"\n"
		"[milestone birthday]\nenabled = no\n[tiers]\ngold_miles = 40000\n";
	assert_int_equal(conf_parse(good, strlen(good), "irm.conf", &conf, &e), IRM_OK);
	rules_default(&r);
	assert_int_equal(rules_configure(&r, &conf, &e), IRM_OK);
	assert_int_equal(conf_check_unused(&conf, &e), IRM_OK);
	assert_int_equal(r.lookback_days, 7);
	assert_int_equal(r.n_carriers, 2);
	assert_string_equal(r.carriers[1], "LH");
	assert_int_equal(r.v[0].n_thresholds, 2);
	assert_int_equal(r.v[0].thresholds[1], 100000);
	assert_false(rules_find(&r, "birthday")->enabled);
	assert_int_equal(r.tiers.miles[TIER_GOLD], 40000);
	conf_free(&conf);

	const struct { const char *text, *want; } bad[] = {
		{ "[milestone flights]\nthresholds = 100 50\n", "irm.conf:2: thresholds" },
		{ "[milestone flights]\nthresholds = 10 x\n", "irm.conf:2: thresholds" },
		{ "\n[milestone tier]\nthresholds = 1\n", "irm.conf:3: thresholds" },
		{ "[milestone birthday]\ntitle = \"{nickname}\"\n", "irm.conf:2: title" },
		{ "[milestone birthday]\npriority = 9\n", "irm.conf:2: priority" },
		{ "[milestones]\ncarriers = UNITED\n", "irm.conf:2: carriers" },
		{ "[milestones]\ncarriers = ua\n", "irm.conf:2: carriers" },
		{ "[tiers]\ngold_miles = 10\n", "irm.conf:2: gold_miles" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(conf_parse(bad[i].text, strlen(bad[i].text), "irm.conf", &conf, &e), IRM_OK);
		rules_default(&r);
		assert_int_equal(rules_configure(&r, &conf, &e), IRM_EINPUT);
		if (strncmp(e.msg, bad[i].want, strlen(bad[i].want)) != 0)
			fail_msg("%s: got '%s'", bad[i].text, e.msg);
		conf_free(&conf);
	}
	/* A key nobody knows is caught after the rules took theirs. */
	const char typo[] = "[milestone lifetime_miles]\nthreshold = 5\n";
	assert_int_equal(conf_parse(typo, strlen(typo), "irm.conf", &conf, &e), IRM_OK);
	rules_default(&r);
	assert_int_equal(rules_configure(&r, &conf, &e), IRM_OK);
	assert_int_equal(conf_check_unused(&conf, &e), IRM_EINPUT);
	assert_non_null(strstr(e.msg, "irm.conf:2"));
	conf_free(&conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_story_lands_exactly),
		cmocka_unit_test(test_one_leg_two_milestones),
		cmocka_unit_test(test_cancelled_leg_moves_projection),
		cmocka_unit_test(test_order_and_repetition),
		cmocka_unit_test(test_no_trips_and_old_crossings),
		cmocka_unit_test(test_every_million_after_two),
		cmocka_unit_test(test_carriers_that_count),
		cmocka_unit_test(test_birthday_by_local_date_at_origin),
		cmocka_unit_test(test_tier_and_firsts),
		cmocka_unit_test(test_anniversary_across_new_year),
		cmocka_unit_test(test_long_names_stay_whole_characters),
		cmocka_unit_test(test_configuration),
	};
	return cmocka_run_group_tests_name("milestone", tests, setup, NULL);
}
