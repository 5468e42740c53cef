/* milestone.c — which recognition alerts hold for one customer.
 *
 * The legs that count (flown or booked, own carriers) are put in departure
 * order. Flown legs are walked up from the figure the loyalty system had
 * before them (lifetime minus what the cache holds as flown): a threshold
 * reached on a recent flown leg is `pending`. Booked legs are then walked on
 * from today's figure: a threshold a booked leg will reach is `projected`
 * onto that leg. A leg that lands exactly on a threshold crosses it; one leg
 * may cross several thresholds, of one rule or of several. */
#include "milestone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "airports.h"
#include "date.h"
#include "utf8.h"


struct leg {
	const struct segment *s;
	const struct trip *t;
};

struct out {
	struct milestone_alert *v;
	size_t n, cap;
	int64_t now;
};

static int leg_cmp(const void *pa, const void *pb)
{
	const struct leg *a = pa, *b = pb;
	if (a->s->departure.utc != b->s->departure.utc)
		return a->s->departure.utc < b->s->departure.utc ? -1 : 1;
	return strcmp(a->s->id, b->s->id);
}

static void thousands(int64_t v, char *buf, size_t size)
{
	char digits[24];
	int n = snprintf(digits, sizeof digits, "%lld", (long long)v), o = 0;
	for (int i = 0; i < n && (size_t)o + 2 < size; i++) {
		if (i && (n - i) % 3 == 0 && digits[0] != '-')
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

static void ordinal(int64_t v, char *buf, size_t size)
{
	const char *suffix = "th";
	if (v % 100 < 11 || v % 100 > 13)
		suffix = v % 10 == 1 ? "st" : v % 10 == 2 ? "nd" : v % 10 == 3 ? "rd" : "th";
	char num[32];
	thousands(v, num, sizeof num);
	snprintf(buf, size, "%s%s", num, suffix);
}

/* The rule's template with its placeholders filled in. */
static void fill(char *out, size_t size, const char *tpl, const struct customer *cu,
		 const struct rule *u, int64_t threshold, const struct leg *leg)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	size_t n = 0;

	out[0] = '\0';
	for (const char *p = tpl; *p && n + 1 < size; ) {
		char val[512];
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		if (!end) {
			out[n++] = *p++;
			out[n] = '\0';
			continue;
		}
		size_t k = (size_t)(end - p - 1);
		const char *key = p + 1;
		val[0] = '\0';
#define IS(word) (k == sizeof word - 1 && strncmp(key, word, k) == 0)
		if (IS("name")) {
			snprintf(val, sizeof val, "%s", cu->name);
		} else if (IS("first_name")) {
			snprintf(val, sizeof val, "%.*s", (int)strcspn(cu->name, " "), cu->name);
		} else if (IS("threshold")) {
			if (u->kind == RULE_FLIGHTS)
				ordinal(threshold, val, sizeof val);
			else
				thousands(threshold, val, sizeof val);
		} else if (IS("nth")) {
			ordinal(threshold, val, sizeof val);
		} else if (IS("years")) {
			snprintf(val, sizeof val, "%lld", (long long)threshold);
		} else if (IS("tier")) {
			int64_t t = u->kind == RULE_TIER ? threshold % 10 : threshold;
			snprintf(val, sizeof val, "%s",
				 model_tier_name(t >= 0 && t < TIER_COUNT ? (enum tier)t : TIER_MEMBER));
		} else if (leg && IS("flight")) {
			snprintf(val, sizeof val, "%s%s", leg->s->carrier ? leg->s->carrier : "",
				 leg->s->flight ? leg->s->flight : "");
		} else if (leg && IS("route")) {
			snprintf(val, sizeof val, "%s→%s", leg->s->origin, leg->s->destination);
		} else if (leg && IS("date")) {
			int y, m, d;
			date_to_ymd(date_local_day(leg->s->departure), &y, &m, &d);
			snprintf(val, sizeof val, "%d %s %d", d, months[m - 1], y);
		} else {
			snprintf(val, sizeof val, "%.*s", (int)(k + 2), p);
		}
#undef IS
		n += (size_t)snprintf(out + n, size - n, "%s", val);
		if (n >= size)
			n = size - 1;
		p = end + 1;
	}
	/* Cut short, the text must not end inside a character. */
	size_t bad;
	if (!utf8_valid(out, strlen(out), &bad))
		out[bad] = '\0';
}

/* The alert for (u, threshold) on this leg. A pending one whose leg flew
 * longer ago than the lookback is marked late. */
static void emit(struct out *o, const struct rules *r, const struct rule *u,
		 const struct customer *cu, int64_t threshold, enum alert_state state,
		 const struct leg *leg)
{
	if (o->n < o->cap) {
		struct milestone_alert *a = &o->v[o->n];
		memset(a, 0, sizeof *a);
		a->late = state == ALERT_PENDING && leg &&
			  leg->s->departure.utc < o->now - (int64_t)r->lookback_days * 86400;
		alert_make_id(a->id, sizeof a->id, cu->id, u->name, threshold);
		a->rule = u;
		a->threshold = threshold;
		a->state = state;
		a->segment = leg ? leg->s : NULL;
		a->trip = leg ? leg->t : NULL;
		if (leg) {
			int64_t base = state == ALERT_PROJECTED ? leg->s->departure.utc
				: (leg->s->has_arrival ? leg->s->arrival.utc : leg->s->departure.utc);
			a->due_utc = state == ALERT_PROJECTED ? base : base + (int64_t)u->due_hours * 3600;
		}
		fill(a->title, sizeof a->title, u->title, cu, u, threshold, leg);
		fill(a->message, sizeof a->message, u->message, cu, u, threshold, leg);
	}
	o->n++;
}

/* Thresholds t of u with from < t <= to, in order: the listed ones, then
 * every `every` after the last. */
static void crossings(struct out *o, const struct rules *r, const struct rule *u,
		      const struct customer *cu, int64_t from, int64_t to, enum alert_state state,
		      const struct leg *leg)
{
	for (size_t i = 0; i < u->n_thresholds; i++)
		if (u->thresholds[i] > from && u->thresholds[i] <= to)
			emit(o, r, u, cu, u->thresholds[i], state, leg);
	if (u->every <= 0 || u->n_thresholds == 0)
		return;
	int64_t last = u->thresholds[u->n_thresholds - 1];
	if (to <= last)
		return;
	int64_t k = from <= last ? 1 : (from - last) / u->every + 1;
	for (int64_t t = last + k * u->every; t <= to; t += u->every)
		emit(o, r, u, cu, t, state, leg);
}

/* A running figure (miles or flights) over the legs: pending crossings on
 * recent flown legs, projected ones on booked legs. */
static void running(struct out *o, const struct rules *r, const struct rule *u,
		    const struct customer *cu, const struct leg *legs, size_t n, bool by_miles)
{
	int64_t total = by_miles ? cu->lifetime_miles : cu->lifetime_flights, flown = 0;
	for (size_t i = 0; i < n; i++)
		if (legs[i].s->status == SEG_FLOWN)
			flown += by_miles ? legs[i].s->miles : 1;
	int64_t cum = total - flown;
	if (cum < 0)
		cum = 0;
	for (size_t i = 0; i < n; i++) {
		if (legs[i].s->status != SEG_FLOWN)
			continue;
		int64_t next = cum + (by_miles ? legs[i].s->miles : 1);
		crossings(o, r, u, cu, cum, next, ALERT_PENDING, &legs[i]);
		cum = next;
	}
	cum = total;
	for (size_t i = 0; i < n; i++) {
		if (legs[i].s->status != SEG_BOOKED)
			continue;
		int64_t next = cum + (by_miles ? legs[i].s->miles : 1);
		crossings(o, r, u, cu, cum, next, ALERT_PROJECTED, &legs[i]);
		cum = next;
	}
}

static bool in_year_of(int64_t utc, int64_t now)
{
	int y1, y2, m, d;
	date_to_ymd((int32_t)(utc / 86400 - (utc % 86400 < 0)), &y1, &m, &d);
	date_to_ymd((int32_t)(now / 86400 - (now % 86400 < 0)), &y2, &m, &d);
	return y1 == y2;
}

/* A tier earned this year: the leg on which the year-to-date figures reach
 * the next tier above the customer's. */
static void tier_rule(struct out *o, const struct rules *r, const struct rule *u,
		      const struct customer *cu, const struct leg *legs, size_t n, int64_t now)
{
	int64_t miles = cu->ytd_miles;
	int32_t segs = cu->ytd_segments;
	for (size_t i = 0; i < n; i++)
		if (legs[i].s->status == SEG_FLOWN && in_year_of(legs[i].s->departure.utc, now)) {
			miles -= legs[i].s->miles;
			segs--;
		}
	if (miles < 0)
		miles = 0;
	if (segs < 0)
		segs = 0;
	enum tier have = tier_earned(&r->tiers, miles, segs);
	if (have < cu->tier)
		have = cu->tier;
	int y, m, d;
	date_to_ymd((int32_t)(now / 86400 - (now % 86400 < 0)), &y, &m, &d);
	for (size_t pass = 0; pass < 2; pass++) {
		enum seg_status want = pass == 0 ? SEG_FLOWN : SEG_BOOKED;
		for (size_t i = 0; i < n; i++) {
			const struct segment *s = legs[i].s;
			if (s->status != want || !in_year_of(s->departure.utc, now))
				continue;
			miles += s->miles;
			segs++;
			enum tier now_tier = tier_earned(&r->tiers, miles, segs);
			if (now_tier > have) {
				/* One per tier and year: the figures start again each year. */
				emit(o, r, u, cu, (int64_t)y * 10 + now_tier,
				     want == SEG_FLOWN ? ALERT_PENDING : ALERT_PROJECTED, &legs[i]);
				have = now_tier;
			}
		}
	}
}

/* A leg of interest: flown (pending; late when old) or booked (projected). */
static bool eligible(const struct leg *l, enum alert_state *st)
{
	if (l->s->status == SEG_BOOKED) {
		*st = ALERT_PROJECTED;
		return true;
	}
	if (l->s->status == SEG_FLOWN) {
		*st = ALERT_PENDING;
		return true;
	}
	return false;
}

static void birthday_rule(struct out *o, const struct rules *r, const struct rule *u,
			  const struct customer *cu, const struct leg *legs, size_t n)
{
	if (cu->birth_date == DATE_NONE)
		return;
	int by, bm, bd;
	date_to_ymd(cu->birth_date, &by, &bm, &bd);
	int64_t last_year = -1;
	for (size_t i = 0; i < n; i++) {
		enum alert_state st;
		if (!eligible(&legs[i], &st))
			continue;
		int y, m, d;
		date_to_ymd(date_local_day(legs[i].s->departure), &y, &m, &d);
		/* 29 February birthdays are kept on 28 February in other years. */
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		int want_d = bm == 2 && bd == 29 && !leap ? 28 : bd;
		if (m == bm && d == want_d && y != last_year) {
			emit(o, r, u, cu, y, st, &legs[i]);
			last_year = y;
		}
	}
}

static void anniversary_rule(struct out *o, const struct rules *r, const struct rule *u,
			     const struct customer *cu, const struct leg *legs, size_t n)
{
	if (cu->member_since == DATE_NONE)
		return;
	int sy, sm, sd;
	date_to_ymd(cu->member_since, &sy, &sm, &sd);
	int64_t done_years = -1;
	for (size_t i = 0; i < n; i++) {
		enum alert_state st;
		if (!eligible(&legs[i], &st))
			continue;
		int32_t day = date_local_day(legs[i].s->departure);
		int y, m, d;
		date_to_ymd(day, &y, &m, &d);
		/* The anniversary nearest the leg may fall in the year before or
		 * after it (a leg on 30 December, a member since 3 January). */
		int64_t years = -1;
		for (int ay = y - 1; ay <= y + 1; ay++) {
			int32_t anniv = date_from_ymd(ay, sm, sm == 2 && sd == 29 ? 28 : sd);
			if (day >= anniv - 7 && day <= anniv + 7)
				years = ay - sy;
		}
		if (years <= 0 || years == done_years)
			continue;
		bool listed = false;
		for (size_t k = 0; k < u->n_thresholds; k++)
			listed |= u->thresholds[k] == years;
		int64_t last = u->n_thresholds ? u->thresholds[u->n_thresholds - 1] : 0;
		if (!listed && !(u->every > 0 && years > last && (years - last) % u->every == 0))
			continue;
		emit(o, r, u, cu, years, st, &legs[i]);
		done_years = years;
	}
}

/* First international flight, first premium cabin: only when the cache
 * holds the customer's whole history (as many flown legs as the loyalty
 * system counts flights), since "first" cannot be told from part of it. */
static void first_rule(struct out *o, const struct rules *r, const struct rule *u,
		       const struct customer *cu, const struct leg *legs, size_t n)
{
	int64_t flown = 0;
	for (size_t i = 0; i < n; i++)
		flown += legs[i].s->status == SEG_FLOWN;
	if (flown < cu->lifetime_flights)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct segment *s = legs[i].s;
		if (s->status != SEG_FLOWN && s->status != SEG_BOOKED)
			continue;
		bool hit;
		if (u->kind == RULE_FIRST_PREMIUM) {
			hit = s->cabin == CABIN_F || s->cabin == CABIN_J;
		} else {
			const struct airport *a = airports_find(s->origin), *b = airports_find(s->destination);
			hit = a && b && strcmp(a->country, b->country) != 0;
		}
		if (!hit)
			continue;
		enum alert_state st;
		if (eligible(&legs[i], &st))
			emit(o, r, u, cu, -1, st, &legs[i]);
		return;  /* only the first one, recent or not */
	}
}

size_t milestone_evaluate(const struct rules *r, const struct customer *cu,
			  const struct trip *trips, size_t n_trips, int64_t now,
			  struct milestone_alert *out, size_t cap)
{
	struct out o = { out, 0, cap, now };
	size_t n = 0;
	for (size_t i = 0; i < n_trips; i++)
		n += trips[i].n_segments;
	struct leg *legs = malloc((n ? n : 1) * sizeof *legs);
	if (!legs)
		return 0;
	n = 0;
	for (size_t i = 0; i < n_trips; i++)
		for (size_t k = 0; k < trips[i].n_segments; k++)
			if (rules_carrier_counts(r, trips[i].segments[k].carrier))
				legs[n++] = (struct leg){ &trips[i].segments[k], &trips[i] };
	qsort(legs, n, sizeof *legs, leg_cmp);

	for (size_t i = 0; i < r->n; i++) {
		const struct rule *u = &r->v[i];
		if (!u->enabled)
			continue;
		switch (u->kind) {
		case RULE_LIFETIME_MILES: running(&o, r, u, cu, legs, n, true); break;
		case RULE_FLIGHTS: running(&o, r, u, cu, legs, n, false); break;
		case RULE_TIER: tier_rule(&o, r, u, cu, legs, n, now); break;
		case RULE_ANNIVERSARY: anniversary_rule(&o, r, u, cu, legs, n); break;
		case RULE_BIRTHDAY: birthday_rule(&o, r, u, cu, legs, n); break;
		case RULE_FIRST_INTERNATIONAL:
		case RULE_FIRST_PREMIUM: first_rule(&o, r, u, cu, legs, n); break;
		case RULE_KIND_COUNT: break;
		}
	}
	free(legs);
	return o.n;
}
