#include "testutil.h"

#include <string.h>

#include "model.h"
#include "tier.h"

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(model_tier_name(TIER_MEMBER), "Member");
	assert_string_equal(model_tier_name(TIER_SILVER), "Silver");
	assert_string_equal(model_tier_name(TIER_GOLD), "Gold");
	assert_string_equal(model_tier_name(TIER_PLATINUM), "Platinum");
	assert_string_equal(model_tier_name(TIER_DIAMOND), "Diamond");
	assert_string_equal(model_recognition_name(REC_PUBLIC), "public");
	assert_string_equal(model_recognition_name(REC_QUIET), "quiet");
	assert_string_equal(model_recognition_name(REC_NONE), "none");
	assert_string_equal(model_channel_name(CH_WEB), "web");
	assert_string_equal(model_channel_name(CH_APP), "app");
	assert_string_equal(model_channel_name(CH_CALL_CENTER), "call_center");
	assert_string_equal(model_channel_name(CH_AGENCY), "agency");
	assert_string_equal(model_channel_name(CH_CORPORATE), "corporate");
	assert_string_equal(model_age_band_name(AGE_ADULT), "adult");
	assert_string_equal(model_age_band_name(AGE_CHILD), "child");
	assert_string_equal(model_age_band_name(AGE_INFANT), "infant");
	assert_string_equal(model_seg_status_name(SEG_BOOKED), "booked");
	assert_string_equal(model_seg_status_name(SEG_FLOWN), "flown");
	assert_string_equal(model_seg_status_name(SEG_CANCELLED), "cancelled");
	assert_string_equal(model_seg_status_name(SEG_NO_SHOW), "no_show");
	assert_int_equal(model_cabin_letter(CABIN_F), 'F');
	assert_int_equal(model_cabin_letter(CABIN_J), 'J');
	assert_int_equal(model_cabin_letter(CABIN_W), 'W');
	assert_int_equal(model_cabin_letter(CABIN_Y), 'Y');
	assert_string_equal(model_intent_name(INTENT_BUSINESS), "business");
	assert_string_equal(model_intent_name(INTENT_LEISURE), "leisure");
	assert_string_equal(model_intent_name(INTENT_VFR), "vfr");
	/* Out of range: a placeholder, never NULL. */
	assert_string_equal(model_tier_name(TIER_COUNT), "?");
	assert_string_equal(model_channel_name((enum channel)-1), "?");
	assert_int_equal(model_cabin_letter(CABIN_COUNT), '?');
}

/* Every name parses back to its value, in any case. */
static void test_round_trip(void **state)
{
	char buf[32];

	(void)state;
	for (int i = 0; i < TIER_COUNT; i++) {
		enum tier t = TIER_COUNT;

		assert_true(model_tier_parse(model_tier_name((enum tier)i), &t));
		assert_int_equal(t, i);
		strcpy(buf, model_tier_name((enum tier)i));
		for (char *p = buf; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		t = TIER_COUNT;
		assert_true(model_tier_parse(buf, &t));
		assert_int_equal(t, i);
	}
	for (int i = 0; i < REC_COUNT; i++) {
		enum recognition r = REC_COUNT;

		assert_true(model_recognition_parse(model_recognition_name((enum recognition)i), &r));
		assert_int_equal(r, i);
	}
	for (int i = 0; i < CH_COUNT; i++) {
		enum channel c = CH_COUNT;

		assert_true(model_channel_parse(model_channel_name((enum channel)i), &c));
		assert_int_equal(c, i);
	}
	for (int i = 0; i < AGE_COUNT; i++) {
		enum age_band a = AGE_COUNT;

		assert_true(model_age_band_parse(model_age_band_name((enum age_band)i), &a));
		assert_int_equal(a, i);
	}
	for (int i = 0; i < SEG_COUNT; i++) {
		enum seg_status s = SEG_COUNT;

		assert_true(model_seg_status_parse(model_seg_status_name((enum seg_status)i), &s));
		assert_int_equal(s, i);
	}
	for (int i = 0; i < CABIN_COUNT; i++) {
		enum cabin c = CABIN_COUNT;
		char l[2] = { model_cabin_letter((enum cabin)i), '\0' };

		assert_true(model_cabin_parse(l, &c));
		assert_int_equal(c, i);
		l[0] = (char)(l[0] + 32);
		c = CABIN_COUNT;
		assert_true(model_cabin_parse(l, &c));
		assert_int_equal(c, i);
	}
	for (int i = 0; i < INTENT_COUNT; i++) {
		enum intent n = INTENT_COUNT;

		assert_true(model_intent_parse(model_intent_name((enum intent)i), &n));
		assert_int_equal(n, i);
	}
}

static void test_parse_case_and_rejects(void **state)
{
	enum tier t = TIER_MEMBER;
	enum recognition r;
	enum channel c = CH_WEB;
	enum age_band a;
	enum seg_status s;
	enum cabin cb = CABIN_Y;
	enum intent in;

	(void)state;
	assert_true(model_tier_parse("platinum", &t));
	assert_int_equal(t, TIER_PLATINUM);
	assert_true(model_tier_parse("dIaMoNd", &t));
	assert_int_equal(t, TIER_DIAMOND);
	assert_true(model_channel_parse("CALL_CENTER", &c));
	assert_int_equal(c, CH_CALL_CENTER);
	assert_true(model_seg_status_parse("No_Show", &s));
	assert_int_equal(s, SEG_NO_SHOW);
	assert_true(model_intent_parse("VFR", &in));
	assert_int_equal(in, INTENT_VFR);

	t = TIER_GOLD;
	assert_false(model_tier_parse("plat", &t));
	assert_false(model_tier_parse("Platinum ", &t));
	assert_false(model_tier_parse("Platinumm", &t));
	assert_false(model_tier_parse("", &t));
	assert_false(model_tier_parse(NULL, &t));
	assert_int_equal(t, TIER_GOLD);   /* untouched on failure */
	assert_false(model_recognition_parse("loud", &r));
	assert_false(model_recognition_parse(NULL, &r));
	c = CH_APP;
	assert_false(model_channel_parse("call center", &c));
	assert_false(model_channel_parse("callcenter", &c));
	assert_false(model_channel_parse("webb", &c));
	assert_false(model_channel_parse(NULL, &c));
	assert_int_equal(c, CH_APP);
	assert_false(model_age_band_parse("senior", &a));
	assert_false(model_age_band_parse("adults", &a));
	assert_false(model_age_band_parse(NULL, &a));
	assert_false(model_seg_status_parse("no-show", &s));
	assert_false(model_seg_status_parse("canceled", &s));
	assert_false(model_seg_status_parse(NULL, &s));
	assert_false(model_cabin_parse("", &cb));
	assert_false(model_cabin_parse("JJ", &cb));
	assert_false(model_cabin_parse("C", &cb));
	assert_false(model_cabin_parse("Y ", &cb));
	assert_false(model_cabin_parse("economy", &cb));
	assert_false(model_cabin_parse(NULL, &cb));
	assert_int_equal(cb, CABIN_Y);
	assert_false(model_intent_parse("work", &in));
	assert_false(model_intent_parse(NULL, &in));
}

static void test_tier_defaults(void **state)
{
	const struct tier_rules *r = &tier_default_rules;

	(void)state;
	assert_int_equal(r->miles[TIER_MEMBER], 0);
	assert_int_equal(r->segments[TIER_MEMBER], 0);
	assert_int_equal(r->miles[TIER_SILVER], 25000);
	assert_int_equal(r->segments[TIER_SILVER], 30);
	assert_int_equal(r->miles[TIER_GOLD], 50000);
	assert_int_equal(r->segments[TIER_GOLD], 60);
	assert_int_equal(r->miles[TIER_PLATINUM], 75000);
	assert_int_equal(r->segments[TIER_PLATINUM], 90);
	assert_int_equal(r->miles[TIER_DIAMOND], 125000);
	assert_int_equal(r->segments[TIER_DIAMOND], 140);
}

static void test_tier_earned(void **state)
{
	const struct tier_rules *r = &tier_default_rules;

	(void)state;
	assert_int_equal(tier_earned(r, 0, 0), TIER_MEMBER);
	assert_int_equal(tier_earned(r, 24999, 29), TIER_MEMBER);
	assert_int_equal(tier_earned(r, 25000, 0), TIER_SILVER);
	assert_int_equal(tier_earned(r, 0, 30), TIER_SILVER);
	assert_int_equal(tier_earned(r, 49999, 59), TIER_SILVER);
	assert_int_equal(tier_earned(r, 50000, 0), TIER_GOLD);
	assert_int_equal(tier_earned(r, 74999, 90), TIER_PLATINUM);   /* segments win */
	assert_int_equal(tier_earned(r, 130000, 10), TIER_DIAMOND);   /* miles win */
	assert_int_equal(tier_earned(r, 0, 140), TIER_DIAMOND);
	assert_int_equal(tier_earned(r, 10000000, 10000), TIER_DIAMOND);
	assert_int_equal(tier_earned(r, -5, -1), TIER_MEMBER);

	/* Other rules. */
	struct tier_rules x = {
		.miles = { 0, 10, 20, 30, 40 },
		.segments = { 0, 1, 2, 3, 4 },
	};
	assert_int_equal(tier_earned(&x, 25, 1), TIER_GOLD);
	assert_int_equal(tier_earned(&x, 5, 3), TIER_PLATINUM);
}

static void test_tier_next(void **state)
{
	const struct tier_rules *r = &tier_default_rules;
	enum tier next = TIER_COUNT;
	int64_t miles = -1;
	int32_t segs = -1;

	(void)state;
	assert_int_equal(tier_next(r, TIER_MEMBER, 10000, 5, &next, &miles, &segs), 1);
	assert_int_equal(next, TIER_SILVER);
	assert_int_equal(miles, 15000);
	assert_int_equal(segs, 25);

	assert_int_equal(tier_next(r, TIER_GOLD, 60000, 95, &next, &miles, &segs), 1);
	assert_int_equal(next, TIER_PLATINUM);
	assert_int_equal(miles, 15000);
	assert_int_equal(segs, 0);   /* already past: never negative */

	assert_int_equal(tier_next(r, TIER_PLATINUM, 130000, 141, &next, &miles, &segs), 1);
	assert_int_equal(next, TIER_DIAMOND);
	assert_int_equal(miles, 0);
	assert_int_equal(segs, 0);

	miles = -1;
	segs = -1;
	assert_int_equal(tier_next(r, TIER_DIAMOND, 1000, 1, &next, &miles, &segs), 0);
	assert_int_equal(next, TIER_DIAMOND);
	assert_int_equal(miles, 0);
	assert_int_equal(segs, 0);

	/* The next tier is above the current one, even if more is earned. */
	assert_int_equal(tier_next(r, TIER_SILVER, 0, 0, &next, &miles, &segs), 1);
	assert_int_equal(next, TIER_GOLD);
	assert_int_equal(miles, 50000);
	assert_int_equal(segs, 60);
	/* NULL outputs are allowed. */
	assert_int_equal(tier_next(r, TIER_SILVER, 0, 0, NULL, NULL, NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_case_and_rejects),
		cmocka_unit_test(test_tier_defaults),
		cmocka_unit_test(test_tier_earned),
		cmocka_unit_test(test_tier_next),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
