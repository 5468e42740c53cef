#include "testutil.h"

/* test_intent.c — trip intent and situation: the clear-cut cases, reasons
 * in words, the situation table, determinism, the profile by intent, the
 * weights from irm.conf, and the accuracy on generated demo customers. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "airports.h"
#include "conf.h"
#include "date.h"
#include "demo.h"
#include "intent.h"
#include "mem.h"
#include "tz.h"

/* --- building trips ------------------------------------------------------------ */

struct tb {
	struct trip t;
	struct passenger pax[8];
	struct segment seg[4];
	struct hotel_stay hotel[2];
};

static struct irm_time at(const char *iso)
{
	struct irm_time t;

	if (!date_parse_time(iso, &t))
		fail_msg("bad time in a test: %s", iso);
	return t;
}

static void tb_init(struct tb *b, const char *id, const char *booked, enum channel ch,
		    const char *code)
{
	memset(b, 0, sizeof *b);
	b->t.id = id;
	b->t.pnr = "ABC123";
	if (booked) {
		b->t.booked_at = at(booked);
		b->t.has_booked_at = true;
	}
	b->t.channel = ch;
	b->t.corporate_code = code;
	b->t.passengers = b->pax;
	b->t.segments = b->seg;
	b->t.hotels = b->hotel;
}

static void tb_pax(struct tb *b, const char *customer_id, const char *name, enum age_band band)
{
	b->pax[b->t.n_passengers++] = (struct passenger){ customer_id, name, band };
}

static void tb_leg(struct tb *b, const char *from, const char *to, const char *dep,
		   const char *arr, enum cabin cabin, char fare)
{
	struct segment *s = &b->seg[b->t.n_segments++];

	memset(s, 0, sizeof *s);
	s->id = "S";
	s->carrier = "UA";
	s->flight = "100";
	memcpy(s->origin, from, 4);
	memcpy(s->destination, to, 4);
	s->departure = at(dep);
	s->arrival = at(arr);
	s->has_arrival = true;
	s->cabin = cabin;
	s->fare_class = fare;
	s->status = SEG_FLOWN;
	s->miles = airports_miles(from, to);
}

static void tb_hotel(struct tb *b, const char *name, int stars, int nights)
{
	b->hotel[b->t.n_hotels++] = (struct hotel_stay){ name, stars, nights };
}

static const struct customer dale = {
	.id = "C1", .name = "Dale Brewer", .home_airport = "DEN", .birth_date = DATE_NONE,
	.member_since = DATE_NONE,
};

/* A same-week solo weekday trip on a corporate fare. */
static void business_trip(struct tb *b)
{
	tb_init(b, "TB", "2026-11-15T10:00:00-07:00", CH_CORPORATE, "ACME");
	tb_pax(b, "C1", NULL, AGE_ADULT);
	tb_leg(b, "DEN", "ORD", "2026-11-17T06:30:00-07:00", "2026-11-17T09:55:00-06:00", CABIN_Y, 'Y');
	tb_leg(b, "ORD", "DEN", "2026-11-19T17:00:00-06:00", "2026-11-19T18:45:00-07:00", CABIN_Y, 'Y');
	tb_hotel(b, "Lakeshore Grand", 4, 2);
}

/* A family with two children, booked months ahead, to a resort over a
 * weekend. */
static void leisure_trip(struct tb *b)
{
	tb_init(b, "TL", "2026-07-01T20:41:00-06:00", CH_WEB, NULL);
	tb_pax(b, "C1", NULL, AGE_ADULT);
	tb_pax(b, NULL, "Ana Brewer", AGE_ADULT);
	tb_pax(b, NULL, "Lily Brewer", AGE_CHILD);
	tb_pax(b, NULL, "Sam Brewer", AGE_CHILD);
	tb_leg(b, "DEN", "CUN", "2026-12-18T10:05:00-07:00", "2026-12-18T15:40:00-05:00", CABIN_Y, 'Q');
	tb_leg(b, "CUN", "DEN", "2026-12-26T12:00:00-05:00", "2026-12-26T14:05:00-07:00", CABIN_Y, 'Q');
	tb_hotel(b, "Lagoon Resort", 4, 8);
}

/* Visits to family in Twin Falls: Fridays, 4 to 6 nights, a motel or none. */
static const struct {
	const char *booked, *dep, *arr, *back, *home;
	int nights;
	bool motel;
} twf_visits[4] = {
	{ "2026-01-30T19:10:00-07:00", "2026-02-27T09:40:00-07:00", "2026-02-27T11:00:00-07:00",
	  "2026-03-03T13:05:00-07:00", "2026-03-03T14:25:00-07:00", 4, false },
	{ "2026-04-10T19:10:00-06:00", "2026-05-08T09:40:00-06:00", "2026-05-08T11:00:00-06:00",
	  "2026-05-13T13:05:00-06:00", "2026-05-13T14:25:00-06:00", 5, true },
	{ "2026-06-19T19:10:00-06:00", "2026-07-17T09:40:00-06:00", "2026-07-17T11:00:00-06:00",
	  "2026-07-23T13:05:00-06:00", "2026-07-23T14:25:00-06:00", 6, false },
	{ "2026-09-04T19:10:00-06:00", "2026-10-02T09:40:00-06:00", "2026-10-02T11:00:00-06:00",
	  "2026-10-07T13:05:00-06:00", "2026-10-07T14:25:00-06:00", 5, true },
};

static void vfr_trip(struct tb *b, int i)
{
	static const char *const ids[4] = { "TV1", "TV2", "TV3", "TV4" };

	tb_init(b, ids[i], twf_visits[i].booked, i % 2 ? CH_APP : CH_WEB, NULL);
	tb_pax(b, "C1", NULL, AGE_ADULT);
	tb_leg(b, "DEN", "TWF", twf_visits[i].dep, twf_visits[i].arr, CABIN_Y, 'L');
	tb_leg(b, "TWF", "DEN", twf_visits[i].back, twf_visits[i].home, CABIN_Y, 'L');
	if (twf_visits[i].motel)
		tb_hotel(b, "Canyon Rim Motel", 2, twf_visits[i].nights);
}

static bool has_reason(const struct intent_result *r, const char *text)
{
	for (int i = 0; i < r->n_reasons; i++)
		if (strcmp(r->reasons[i], text) == 0)
			return true;
	return false;
}

/* A history: the four visits, the business trip, the holiday. */
static size_t history(struct tb *b, struct trip *trips)
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		vfr_trip(&b[n], i);
		n++;
	}
	business_trip(&b[n++]);
	leisure_trip(&b[n++]);
	for (size_t i = 0; i < n; i++)
		trips[i] = b[i].t;
	return n;
}

/* --- the clear-cut cases ----------------------------------------------------- */

static void test_business(void **state)
{
	struct tb b;
	struct intent_result r;

	(void)state;
	business_trip(&b);
	intent_infer(&intent_weights_default, &dale, &b.t, 1, 0, &r);
	assert_int_equal(r.label, INTENT_BUSINESS);
	assert_true(r.confidence > 0.9);
	assert_true(r.p[INTENT_BUSINESS] == r.confidence);
	assert_int_equal(r.situation, SIT_SOLO);
	assert_int_equal(r.n_reasons, 3);
	assert_true(has_reason(&r, "corporate fare ACME"));
	assert_true(has_reason(&r, "booked 2 days ahead"));
	assert_true(has_reason(&r, "no Saturday-night stay"));

	/* the same without the corporate code still reads as business */
	b.t.corporate_code = NULL;
	b.t.channel = CH_WEB;
	intent_infer(&intent_weights_default, &dale, &b.t, 1, 0, &r);
	assert_int_equal(r.label, INTENT_BUSINESS);
}

static void test_leisure(void **state)
{
	struct tb b;
	struct intent_result r;

	(void)state;
	leisure_trip(&b);
	intent_infer(&intent_weights_default, &dale, &b.t, 1, 0, &r);
	assert_int_equal(r.label, INTENT_LEISURE);
	assert_true(r.confidence > 0.9);
	assert_int_equal(r.situation, SIT_FAMILY);
	assert_int_equal(r.n_reasons, 3);
	assert_true(has_reason(&r, "destination CUN is a resort airport"));
	assert_true(has_reason(&r, "travelling with 2 children"));
	assert_true(has_reason(&r, "booked 6 months ahead"));
}

static void test_vfr_fourth_visit(void **state)
{
	struct tb b[6];
	struct trip trips[6];
	size_t n = history(b, trips);
	struct intent_result r;

	(void)state;
	intent_infer(&intent_weights_default, &dale, trips, n, 3, &r);
	assert_int_equal(r.label, INTENT_VFR);
	assert_true(r.confidence > 0.9);
	assert_int_equal(r.situation, SIT_SOLO);
	assert_string_equal(r.reasons[0], "4th trip to TWF, stays of 4–6 nights");

	/* the first of them is known for what it is by the later ones */
	intent_infer(&intent_weights_default, &dale, trips, n, 0, &r);
	assert_int_equal(r.label, INTENT_VFR);
	assert_true(has_reason(&r, "1st of 4 trips to TWF, stays of 4–6 nights"));

	/* and the others of the history keep their intents */
	intent_infer(&intent_weights_default, &dale, trips, n, 4, &r);
	assert_int_equal(r.label, INTENT_BUSINESS);
	intent_infer(&intent_weights_default, &dale, trips, n, 5, &r);
	assert_int_equal(r.label, INTENT_LEISURE);
}

/* Every reason of every trip of the history is a phrase in words. */
static void test_reasons_in_words(void **state)
{
	struct tb b[6];
	struct trip trips[6];
	size_t n = history(b, trips);
	struct intent_result r[6];

	(void)state;
	intent_infer_all(&intent_weights_default, &dale, trips, n, r);
	for (size_t i = 0; i < n; i++) {
		assert_true(r[i].n_reasons >= 1 && r[i].n_reasons <= INTENT_REASONS);
		for (int k = 0; k < r[i].n_reasons; k++) {
			const char *s = r[i].reasons[k];
			int letters = 0;

			assert_true(strlen(s) > 5 && strlen(s) < INTENT_REASON_SIZE);
			assert_non_null(strchr(s, ' '));
			for (const char *p = s; *p; p++)
				letters += (*p >= 'a' && *p <= 'z');
			assert_true(letters >= 4);
			for (int j = 0; j < k; j++)
				assert_string_not_equal(s, r[i].reasons[j]);
		}
		for (int k = r[i].n_reasons; k < INTENT_REASONS; k++)
			assert_string_equal(r[i].reasons[k], "");
	}

	/* the words of other features */
	struct tb x;
	struct intent_result one;
	business_trip(&x);
	x.t.booked_at = at("2026-11-17T05:00:00-07:00");
	x.seg[0].cabin = x.seg[1].cabin = CABIN_J;
	x.seg[0].fare_class = x.seg[1].fare_class = 'J';
	x.t.corporate_code = NULL;
	tb_pax(&x, NULL, "Tom Becker", AGE_ADULT);
	tb_pax(&x, NULL, "Lisa Moreno", AGE_ADULT);
	intent_infer(&intent_weights_default, &dale, &x.t, 1, 0, &one);
	assert_int_equal(one.label, INTENT_BUSINESS);
	assert_int_equal(one.situation, SIT_COLLEAGUES);
	assert_true(has_reason(&one, "booked the same day"));
	assert_true(has_reason(&one, "business cabin (J)"));
	assert_true(has_reason(&one, "no Saturday-night stay"));
}

/* --- situation -------------------------------------------------------------------- */

static void test_situation(void **state)
{
	static const struct {
		int adults, children, infants;
		enum channel ch;
		const char *code;
		enum situation want;
	} cases[] = {
		{ 1, 0, 0, CH_WEB, NULL, SIT_SOLO },
		{ 1, 0, 0, CH_CORPORATE, "ACME", SIT_SOLO },
		{ 0, 1, 0, CH_WEB, NULL, SIT_SOLO },       /* a child travelling alone */
		{ 2, 0, 0, CH_WEB, NULL, SIT_COUPLE },
		{ 2, 0, 0, CH_AGENCY, NULL, SIT_COUPLE },
		{ 2, 1, 0, CH_WEB, NULL, SIT_FAMILY },
		{ 1, 0, 1, CH_APP, NULL, SIT_FAMILY },
		{ 2, 2, 1, CH_WEB, NULL, SIT_FAMILY },
		{ 2, 1, 0, CH_CORPORATE, "ACME", SIT_FAMILY },
		{ 2, 0, 0, CH_CORPORATE, NULL, SIT_COLLEAGUES },
		{ 2, 0, 0, CH_AGENCY, "ACME", SIT_COLLEAGUES },
		{ 4, 0, 0, CH_CORPORATE, "ACME", SIT_COLLEAGUES },
		{ 6, 0, 0, CH_CORPORATE, NULL, SIT_COLLEAGUES },
		{ 5, 0, 0, CH_WEB, NULL, SIT_GROUP },
		{ 6, 0, 0, CH_AGENCY, NULL, SIT_GROUP },
		{ 3, 0, 0, CH_WEB, NULL, SIT_GROUP },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tb b;

		tb_init(&b, "T", NULL, cases[i].ch, cases[i].code);
		for (int k = 0; k < cases[i].adults; k++)
			tb_pax(&b, NULL, "A", AGE_ADULT);
		for (int k = 0; k < cases[i].children; k++)
			tb_pax(&b, NULL, "C", AGE_CHILD);
		for (int k = 0; k < cases[i].infants; k++)
			tb_pax(&b, NULL, "I", AGE_INFANT);
		tb_leg(&b, "DEN", "ORD", "2026-11-17T06:30:00-07:00", "2026-11-17T09:55:00-06:00",
		       CABIN_Y, 'Y');
		if (intent_situation(&b.t) != cases[i].want)
			fail_msg("case %zu: %s, want %s", i, intent_situation_name(intent_situation(&b.t)),
				 intent_situation_name(cases[i].want));

		struct intent_result r;
		intent_infer(&intent_weights_default, NULL, &b.t, 1, 0, &r);
		assert_int_equal(r.situation, cases[i].want);
	}
	assert_string_equal(intent_situation_name(SIT_SOLO), "solo");
	assert_string_equal(intent_situation_name(SIT_COUPLE), "couple");
	assert_string_equal(intent_situation_name(SIT_FAMILY), "family");
	assert_string_equal(intent_situation_name(SIT_COLLEAGUES), "colleagues");
	assert_string_equal(intent_situation_name(SIT_GROUP), "group");
}

/* --- determinism and odd trips ------------------------------------------------------- */

static void test_deterministic(void **state)
{
	struct tb b[6];
	struct trip trips[6], reversed[6];
	size_t n = history(b, trips);
	struct intent_result all[6], again[6], one, rev;

	(void)state;
	for (size_t i = 0; i < n; i++)
		reversed[i] = trips[n - 1 - i];
	memset(all, 0, sizeof all);
	memset(again, 0, sizeof again);
	intent_infer_all(&intent_weights_default, &dale, trips, n, all);
	intent_infer_all(&intent_weights_default, &dale, trips, n, again);
	assert_memory_equal(all, again, sizeof all);
	for (size_t i = 0; i < n; i++) {
		memset(&one, 0, sizeof one);
		intent_infer(&intent_weights_default, &dale, trips, n, i, &one);
		assert_memory_equal(&one, &all[i], sizeof one);
		/* the order of the history does not matter */
		memset(&rev, 0, sizeof rev);
		intent_infer(&intent_weights_default, &dale, reversed, n, n - 1 - i, &rev);
		assert_memory_equal(&rev, &all[i], sizeof rev);
		double sum = all[i].p[0] + all[i].p[1] + all[i].p[2];
		assert_true(sum > 0.999999 && sum < 1.000001);
	}
}

/* Trips with missing pieces still get an answer. */
static void test_odd_trips(void **state)
{
	struct tb b;
	struct intent_result r;

	(void)state;
	/* no legs, no passengers, no booking time */
	tb_init(&b, "T0", NULL, CH_WEB, NULL);
	intent_infer(&intent_weights_default, NULL, &b.t, 1, 0, &r);
	assert_true(r.label < INTENT_COUNT);
	assert_int_equal(r.situation, SIT_SOLO);

	/* one way, ending at home: a way back from where it began */
	tb_init(&b, "T1", "2026-11-01T10:00:00-07:00", CH_WEB, NULL);
	tb_pax(&b, "C1", NULL, AGE_ADULT);
	tb_leg(&b, "TWF", "DEN", "2026-11-06T13:05:00-07:00", "2026-11-06T14:25:00-07:00", CABIN_Y, 'L');
	intent_infer(&intent_weights_default, &dale, &b.t, 1, 0, &r);
	assert_true(r.n_reasons >= 1);
	assert_true(has_reason(&r, "destination TWF is a smaller airport") ||
		    has_reason(&r, "starts away from home, at TWF"));

	/* a day trip */
	tb_init(&b, "T2", "2026-11-16T08:00:00-07:00", CH_AGENCY, NULL);
	tb_pax(&b, "C1", NULL, AGE_ADULT);
	tb_leg(&b, "DEN", "SLC", "2026-11-17T06:00:00-07:00", "2026-11-17T07:20:00-07:00", CABIN_Y, 'B');
	tb_leg(&b, "SLC", "DEN", "2026-11-17T18:00:00-07:00", "2026-11-17T19:20:00-07:00", CABIN_Y, 'B');
	intent_infer(&intent_weights_default, &dale, &b.t, 1, 0, &r);
	assert_int_equal(r.label, INTENT_BUSINESS);
}

/* --- profile by intent ------------------------------------------------------------ */

static void test_profile(void **state)
{
	struct tb b[9];
	struct trip trips[9];
	size_t n = history(b, trips);
	struct intent_result r[9];
	struct intent_profile p[INTENT_COUNT];

	(void)state;
	/* two more business trips: J with a 5★ hotel */
	for (int k = 0; k < 2; k++) {
		business_trip(&b[n]);
		b[n].t.id = k ? "TB3" : "TB2";
		b[n].seg[0].cabin = b[n].seg[1].cabin = CABIN_J;
		b[n].seg[0].fare_class = b[n].seg[1].fare_class = 'J';
		b[n].hotel[0].stars = 5;
		trips[n] = b[n].t;
		n++;
	}
	/* and one visit more with the spouse */
	vfr_trip(&b[n], 1);
	b[n].t.id = "TV5";
	tb_pax(&b[n], NULL, "Ana Brewer", AGE_ADULT);
	trips[n] = b[n].t;
	n++;

	intent_infer_all(&intent_weights_default, &dale, trips, n, r);
	intent_profile_build(&dale, trips, n, r, p);

	assert_int_equal(p[INTENT_BUSINESS].trips, 3);
	assert_int_equal(p[INTENT_BUSINESS].cabin, CABIN_J);
	assert_int_equal(p[INTENT_BUSINESS].hotel_stars, 5);
	assert_string_equal(p[INTENT_BUSINESS].companions, "alone");

	assert_int_equal(p[INTENT_LEISURE].trips, 1);
	assert_int_equal(p[INTENT_LEISURE].cabin, CABIN_Y);
	assert_int_equal(p[INTENT_LEISURE].hotel_stars, 4);
	assert_string_equal(p[INTENT_LEISURE].companions, "with 1 adult and 2 children");

	assert_int_equal(p[INTENT_VFR].trips, 5);
	assert_int_equal(p[INTENT_VFR].cabin, CABIN_Y);
	assert_int_equal(p[INTENT_VFR].hotel_stars, 2);
	assert_string_equal(p[INTENT_VFR].companions, "alone");

	/* an intent never inferred */
	intent_profile_build(&dale, trips, 4, r, p);
	assert_int_equal(p[INTENT_VFR].trips, 4);
	assert_int_equal(p[INTENT_BUSINESS].trips, 0);
	assert_int_equal(p[INTENT_LEISURE].trips, 0);

	/* companions in words */
	struct tb f;
	struct intent_result fr;
	leisure_trip(&f);
	tb_pax(&f, NULL, "Baby Brewer", AGE_INFANT);
	intent_infer(&intent_weights_default, &dale, &f.t, 1, 0, &fr);
	intent_profile_build(&dale, &f.t, 1, &fr, p);
	assert_string_equal(p[INTENT_LEISURE].companions, "with 1 adult, 2 children and 1 infant");
}

/* --- weights from the configuration ------------------------------------------------ */

static void test_configure(void **state)
{
	static const char text[] = "# weights\n"
				   "[intent]\n"
				   "short_lead = 0\n"
				   "corporate_code = 9.5\n"
				   "solo = -2.25\n"
				   "typo_weight = 1\n";
	struct conf c;
	struct irm_err e = { 0 };
	struct intent_weights w = intent_weights_default;

	(void)state;
	assert_int_equal(conf_parse(text, strlen(text), "irm.conf", &c, &e), IRM_OK);
	assert_int_equal(intent_configure(&w, &c, &e), IRM_OK);
	assert_true(w.short_lead == 0.0);
	assert_true(w.corporate_code == 9.5);
	assert_true(w.solo == -2.25);
	assert_true(w.children == intent_weights_default.children);
	/* unknown keys are left for conf_check_unused */
	assert_int_equal(conf_check_unused(&c, &e), IRM_EINPUT);
	assert_non_null(strstr(e.msg, "typo_weight"));
	conf_free(&c);

	/* weights change the answer */
	struct tb b;
	struct intent_result r;
	business_trip(&b);
	w = intent_weights_default;
	w.bias_vfr = 20;
	intent_infer(&w, &dale, &b.t, 1, 0, &r);
	assert_int_equal(r.label, INTENT_VFR);

	static const char bad[] = "[intent]\nshort_lead = 2\nlong_lead = lots\n";
	assert_int_equal(conf_parse(bad, strlen(bad), "irm.conf", &c, &e), IRM_OK);
	w = intent_weights_default;
	err_clear(&e);
	assert_int_equal(intent_configure(&w, &c, &e), IRM_EINPUT);
	assert_non_null(strstr(e.msg, "irm.conf:3"));
	assert_non_null(strstr(e.msg, "long_lead"));
	conf_free(&c);

	static const char far[] = "[intent]\nchildren = 99\n";
	assert_int_equal(conf_parse(far, strlen(far), "irm.conf", &c, &e), IRM_OK);
	assert_int_equal(intent_configure(&w, &c, &e), IRM_EINPUT);
	assert_non_null(strstr(e.msg, "irm.conf:2"));
	conf_free(&c);
}

/* The table of weights: every field named once, with its default. */
static void test_weight_table(void **state)
{
	size_t n = 0;

	(void)state;
	for (size_t i = 0; intent_weight_at(i)->name; i++, n++) {
		const struct intent_weight_info *a = intent_weight_at(i);
		double v;

		memcpy(&v, (const char *)&intent_weights_default + a->offset, sizeof v);
		assert_true(v == a->def);
		assert_true(strlen(a->doc) > 10);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(a->name, intent_weight_at(j)->name);
	}
	assert_int_equal(n * sizeof(double), sizeof(struct intent_weights));
	assert_null(intent_weight_at(n + 5)->name);
}

/* --- accuracy on demo customers ------------------------------------------------------- */

/* Collects one customer and its trips (deep copies: the generator's live
 * only during the callback), and infers them when the next one begins. */
struct eval {
	struct arena a;
	struct customer cu;
	bool have;
	struct trip *trips;
	enum intent *truth;
	size_t n, cap;
	long confusion[INTENT_COUNT][INTENT_COUNT];
	long story_wrong;
};

static int32_t zone_offset(void *ctx, const char *zone, int64_t utc)
{
	int32_t off = 0;

	(void)ctx;
	return tz_offset(zone, utc, &off) ? off : 0;
}

static void eval_flush(struct eval *v)
{
	if (!v->have)
		return;
	struct intent_result *r = xcalloc(v->n ? v->n : 1, sizeof *r);

	intent_infer_all(&intent_weights_default, &v->cu, v->trips, v->n, r);
	for (size_t i = 0; i < v->n; i++) {
		v->confusion[v->truth[i]][r[i].label]++;
		/* the seed stories are clear-cut, every trip of them */
		if ((!strcmp(v->cu.id, "C1") || !strcmp(v->cu.id, "C2")) && r[i].label != v->truth[i])
			v->story_wrong++;
	}
	free(r);
	arena_free(&v->a);
	v->n = 0;
	v->have = false;
}

static int eval_customer(void *ctx, const struct customer *cu)
{
	struct eval *v = ctx;

	eval_flush(v);
	v->cu = *cu;
	v->cu.id = arena_strdup(&v->a, cu->id);
	v->cu.member = v->cu.name = v->cu.email = v->cu.phone = NULL;
	v->have = true;
	return 0;
}

static int eval_trip(void *ctx, const struct trip *t, enum intent truth)
{
	struct eval *v = ctx;
	struct arena *a = &v->a;

	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 64;
		v->trips = xrealloc(v->trips, v->cap * sizeof *v->trips);
		v->truth = xrealloc(v->truth, v->cap * sizeof *v->truth);
	}
	struct trip *x = &v->trips[v->n];
	*x = *t;
	x->id = arena_strdup(a, t->id);
	x->pnr = arena_strdup(a, t->pnr);
	x->corporate_code = arena_strdup(a, t->corporate_code);
	x->passengers = arena_alloc(a, (t->n_passengers + 1) * sizeof *x->passengers);
	for (size_t i = 0; i < t->n_passengers; i++) {
		x->passengers[i] = t->passengers[i];
		x->passengers[i].customer_id = arena_strdup(a, t->passengers[i].customer_id);
		x->passengers[i].name = arena_strdup(a, t->passengers[i].name);
	}
	x->segments = arena_alloc(a, (t->n_segments + 1) * sizeof *x->segments);
	for (size_t i = 0; i < t->n_segments; i++) {
		x->segments[i] = t->segments[i];
		x->segments[i].id = arena_strdup(a, t->segments[i].id);
		x->segments[i].carrier = arena_strdup(a, t->segments[i].carrier);
		x->segments[i].flight = arena_strdup(a, t->segments[i].flight);
		x->segments[i].seats = NULL;
		x->segments[i].n_seats = 0;
	}
	x->hotels = arena_alloc(a, (t->n_hotels + 1) * sizeof *x->hotels);
	for (size_t i = 0; i < t->n_hotels; i++) {
		x->hotels[i] = t->hotels[i];
		x->hotels[i].name = arena_strdup(a, t->hotels[i].name);
	}
	v->truth[v->n++] = truth;
	return 0;
}

static void test_demo_accuracy(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct eval v = { 0 };
		struct demo_opts o = {
			.seed = seed,
			.customers = 3000,
			.now = 1795338000,         /* 2026-11-22T09:00:00Z */
			.utc_offset = zone_offset,
		};
		struct demo_sink sink = { &v, eval_customer, eval_trip };
		long total = 0, right = 0;

		assert_int_equal(demo_generate(&o, &sink), 0);
		eval_flush(&v);
		for (int i = 0; i < INTENT_COUNT; i++)
			for (int j = 0; j < INTENT_COUNT; j++) {
				total += v.confusion[i][j];
				right += i == j ? v.confusion[i][j] : 0;
			}
		fprintf(stderr, "seed %d: %ld of %ld trips right (%.2f%%)\n", (int)seed, right, total,
			100.0 * (double)right / (double)total);
		assert_true(total > 5000);
		assert_true(right * 100 >= total * 90);
		/* and no intent is given up for the others */
		for (int i = 0; i < INTENT_COUNT; i++) {
			long n = 0;
			for (int j = 0; j < INTENT_COUNT; j++)
				n += v.confusion[i][j];
			assert_true(v.confusion[i][i] * 100 >= n * 85);
		}
		assert_int_equal(v.story_wrong, 0);
		free(v.trips);
		free(v.truth);
	}
	tz_free_all();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_business),
		cmocka_unit_test(test_leisure),
		cmocka_unit_test(test_vfr_fourth_visit),
		cmocka_unit_test(test_reasons_in_words),
		cmocka_unit_test(test_situation),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_odd_trips),
		cmocka_unit_test(test_profile),
		cmocka_unit_test(test_configure),
		cmocka_unit_test(test_weight_table),
		cmocka_unit_test(test_demo_accuracy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
