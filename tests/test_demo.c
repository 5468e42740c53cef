#include "testutil.h"

/* test_demo.c — the demo data generator: determinism, the seed stories,
 * the integrity of every record, and the patterns of each intent. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "airports.h"
#include "date.h"
#include "demo.h"
#include "demo_names.h"
#include "mem.h"
#include "tier.h"
#include "utf8.h"

/* --- a fixed-rule UTC offset for the tests ----------------------------------- */

/* 'U': US and Canadian daylight time (second Sunday of March to the first
 * Sunday of November, 02:00 local); 'E': European summer time (last Sunday
 * of March to the last Sunday of October, 01:00 UTC); 0: none. */
static const struct {
	const char *zone;
	int32_t std;
	char rule;
} zones[] = {
	{ "America/New_York", -300, 'U' }, { "America/Detroit", -300, 'U' },
	{ "America/Indiana/Indianapolis", -300, 'U' }, { "America/Toronto", -300, 'U' },
	{ "America/Nassau", -300, 'U' }, { "America/Chicago", -360, 'U' },
	{ "America/Winnipeg", -360, 'U' }, { "America/Denver", -420, 'U' },
	{ "America/Boise", -420, 'U' }, { "America/Edmonton", -420, 'U' },
	{ "America/Phoenix", -420, 0 }, { "America/Los_Angeles", -480, 'U' },
	{ "America/Vancouver", -480, 'U' }, { "America/Anchorage", -540, 'U' },
	{ "Pacific/Honolulu", -600, 0 }, { "America/Mexico_City", -360, 0 },
	{ "America/Monterrey", -360, 0 }, { "America/Cancun", -300, 0 },
	{ "America/Mazatlan", -420, 0 }, { "America/Puerto_Rico", -240, 0 },
	{ "America/Santo_Domingo", -240, 0 }, { "America/Jamaica", -300, 0 },
	{ "America/Aruba", -240, 0 }, { "America/Bogota", -300, 0 }, { "America/Lima", -300, 0 },
	{ "America/Panama", -300, 0 }, { "America/Sao_Paulo", -180, 0 },
	{ "America/Argentina/Buenos_Aires", -180, 0 }, { "America/Santiago", -240, 0 },
	{ "Europe/London", 0, 'E' }, { "Europe/Dublin", 0, 'E' }, { "Europe/Lisbon", 0, 'E' },
	{ "Atlantic/Canary", 0, 'E' }, { "Europe/Athens", 120, 'E' },
	{ "Europe/Helsinki", 120, 'E' }, { "Europe/Moscow", 180, 0 },
	{ "Europe/Istanbul", 180, 0 }, { "Asia/Tokyo", 540, 0 }, { "Asia/Seoul", 540, 0 },
	{ "Asia/Shanghai", 480, 0 }, { "Asia/Hong_Kong", 480, 0 }, { "Asia/Taipei", 480, 0 },
	{ "Asia/Singapore", 480, 0 }, { "Asia/Manila", 480, 0 }, { "Asia/Makassar", 480, 0 },
	{ "Asia/Bangkok", 420, 0 }, { "Asia/Kolkata", 330, 0 }, { "Asia/Dubai", 240, 0 },
	{ "Asia/Qatar", 180, 0 }, { "Asia/Riyadh", 180, 0 }, { "Asia/Amman", 180, 0 },
	{ "Asia/Jerusalem", 120, 0 }, { "Indian/Maldives", 300, 0 },
	{ "Indian/Mauritius", 240, 0 }, { "Indian/Mahe", 240, 0 }, { "Africa/Cairo", 120, 0 },
	{ "Africa/Lagos", 60, 0 }, { "Africa/Johannesburg", 120, 0 },
	{ "Africa/Addis_Ababa", 180, 0 }, { "Africa/Casablanca", 60, 0 },
	{ "Africa/Dar_es_Salaam", 180, 0 }, { "Australia/Sydney", 600, 0 },
	{ "Australia/Melbourne", 600, 0 }, { "Australia/Brisbane", 600, 0 },
	{ "Pacific/Auckland", 720, 0 }, { "Pacific/Fiji", 720, 0 }, { "Pacific/Tahiti", -600, 0 },
};

static int32_t nth_sunday(int y, int m, int n)
{
	int32_t d = date_from_ymd(y, m, 1);

	return d + (7 - date_weekday(d)) % 7 + 7 * (n - 1);
}

static int32_t last_sunday(int y, int m)
{
	int32_t d = date_from_ymd(y, m, date_days_in_month(y, m));

	return d - date_weekday(d) % 7;
}

static int32_t test_offset(void *ctx, const char *tz, int64_t utc)
{
	int32_t std = 0;
	char rule = 0;
	bool found = false;
	int y, m, d;
	int64_t start, end;

	(void)ctx;
	for (size_t i = 0; i < sizeof zones / sizeof zones[0] && !found; i++)
		if (!strcmp(zones[i].zone, tz)) {
			std = zones[i].std;
			rule = zones[i].rule;
			found = true;
		}
	if (!found && !strncmp(tz, "Europe/", 7)) {
		std = 60;           /* Central European Time */
		rule = 'E';
	}
	if (!rule)
		return std;
	date_to_ymd((int32_t)(utc >= 0 ? utc / 86400 : (utc - 86399) / 86400), &y, &m, &d);
	if (rule == 'U') {
		start = date_utc_of_local(nth_sunday(y, 3, 2), 120, std);
		end = date_utc_of_local(nth_sunday(y, 11, 1), 120, std + 60);
	} else {
		start = date_utc_of_local(last_sunday(y, 3), 60, 0);
		end = date_utc_of_local(last_sunday(y, 10), 60, 0);
	}
	return utc >= start && utc < end ? std + 60 : std;
}

/* --- a sink that checks and measures everything ------------------------------- */

struct who {
	bool seen;
	int64_t lifetime_miles, ytd_miles;
	int32_t lifetime_flights;
	int64_t flown_miles;
	int32_t flown_segs;
	char vfr_dest[4];
};

struct check {
	int64_t now;
	uint64_t hash;
	long customers, trips, segments, failures;
	char first_failure[512];
	long n_customers_max;
	struct who *who;
	/* ids, for uniqueness */
	char **ids;
	size_t n_ids, cap_ids;
	/* every customer's phone, for uniqueness */
	char **phones;
	size_t n_phones, cap_phones;
	/* patterns */
	long n_intent[INTENT_COUNT];
	double lead_sum[INTENT_COUNT];
	long biz_weekday, biz_saturday_night, biz_cabin_ok;
	long leisure_party, leisure_weekend_dep, leisure_saturday_night;
	long vfr_medium, vfr_other_place, vfr_saturday_night;
	long upcoming, flown;
	/* scripts seen in names */
	bool cyrillic, greek, cjk, hangul, arabic, accents;
	/* a deep copy of every record (small runs only) */
	bool keep;
	struct arena arena;
	struct customer *kept_c;
	struct trip *kept_t;
	enum intent *kept_truth;
	size_t n_kept_c, n_kept_t;
	int stop_at;
};

static void flag(struct check *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void flag(struct check *k, const char *fmt, ...)
{
	va_list ap;

	if (k->failures++ == 0) {
		va_start(ap, fmt);
		vsnprintf(k->first_failure, sizeof k->first_failure, fmt, ap);
		va_end(ap);
	}
}

static void hash_bytes(struct check *k, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		k->hash ^= b[i];
		k->hash *= 0x100000001b3u;
	}
	k->hash ^= 0xff;
	k->hash *= 0x100000001b3u;
}

static void hash_str(struct check *k, const char *s)
{
	hash_bytes(k, s ? s : "(null)", s ? strlen(s) : 6);
}

static void hash_int(struct check *k, int64_t v)
{
	hash_bytes(k, &v, sizeof v);
}

static void add_id(struct check *k, const char *kind, const char *id)
{
	char buf[64];

	if (k->n_ids == k->cap_ids) {
		k->cap_ids = k->cap_ids ? k->cap_ids * 2 : 1024;
		k->ids = xrealloc(k->ids, k->cap_ids * sizeof *k->ids);
	}
	snprintf(buf, sizeof buf, "%s:%s", kind, id ? id : "(null)");
	k->ids[k->n_ids++] = xstrdup(buf);
}

static bool all_digits(const char *s, size_t min, size_t max)
{
	size_t n = 0;

	for (; s && s[n]; n++)
		if (s[n] < '0' || s[n] > '9')
			return false;
	return n >= min && n <= max;
}

static long customer_number(const char *id)
{
	if (!id || id[0] != 'C' || !all_digits(id + 1, 1, 9))
		return -1;
	return strtol(id + 1, NULL, 10);
}

static void scan_scripts(struct check *k, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);

		if (len == 0)
			return;
		k->cyrillic |= cp >= 0x400 && cp <= 0x4ff;
		k->greek |= cp >= 0x370 && cp <= 0x3ff;
		k->cjk |= (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3040 && cp <= 0x30ff);
		k->hangul |= cp >= 0xac00 && cp <= 0xd7af;
		k->arabic |= cp >= 0x600 && cp <= 0x6ff;
		k->accents |= cp >= 0xc0 && cp <= 0x17f;
		i += len;
	}
}

static struct who *who_of(struct check *k, const char *id)
{
	long n = customer_number(id);

	return n >= 1 && n <= k->n_customers_max ? &k->who[n] : NULL;
}

static int on_customer(void *ctx, const struct customer *c)
{
	struct check *k = ctx;
	struct who *w = who_of(k, c->id);
	int32_t last_year_end;
	int y, m, d;

	k->customers++;
	if (k->stop_at && k->customers == k->stop_at)
		return 7;
	hash_str(k, c->id);
	hash_str(k, c->member);
	hash_str(k, c->name);
	hash_str(k, c->email);
	hash_str(k, c->phone);
	hash_int(k, c->birth_date);
	hash_int(k, c->member_since);
	hash_str(k, c->home_airport);
	hash_int(k, c->tier);
	hash_int(k, c->lifetime_miles);
	hash_int(k, c->lifetime_flights);
	hash_int(k, c->ytd_miles);
	hash_int(k, c->ytd_segments);
	hash_int(k, c->recognition);
	hash_int(k, c->version);

	if (!w || w->seen)
		flag(k, "customer id %s: malformed, out of range or repeated", c->id);
	else
		*w = (struct who){ .seen = true, .lifetime_miles = c->lifetime_miles,
				   .lifetime_flights = c->lifetime_flights, .ytd_miles = c->ytd_miles };
	add_id(k, "customer", c->id);
	add_id(k, "member", c->member);
	if (!c->member || strncmp(c->member, "MP", 2) || !all_digits(c->member + 2, 7, 7))
		flag(k, "%s: member %s", c->id, c->member);
	if (!c->name || !utf8_valid(c->name, strlen(c->name), NULL) || !*c->name)
		flag(k, "%s: bad name", c->id);
	else
		scan_scripts(k, c->name);
	if (!c->email || !strchr(c->email, '@') ||
	    (!strstr(c->email, "@example.com") && !strstr(c->email, "@example.net") &&
	     !strstr(c->email, "@example.org")))
		flag(k, "%s: email %s", c->id, c->email);
	for (const char *p = c->email; p && *p; p++)
		if ((unsigned char)*p >= 0x80 || *p <= ' ')
			flag(k, "%s: email not plain ASCII: %s", c->id, c->email);
	if (!c->phone || c->phone[0] != '+' || c->phone[1] == '0' || !all_digits(c->phone + 1, 8, 15))
		flag(k, "%s: phone %s", c->id, c->phone);
	/* North America: +1, an area code (NXX, X not 9), the fictional 555 */
	else if (c->phone[1] == '1' &&
		 (strlen(c->phone) != 12 || c->phone[2] < '2' || c->phone[3] == '9' ||
		  strncmp(c->phone + 5, "555", 3)))
		flag(k, "%s: phone %s", c->id, c->phone);
	if (k->n_phones == k->cap_phones) {
		k->cap_phones = k->cap_phones ? k->cap_phones * 2 : 1024;
		k->phones = xrealloc(k->phones, k->cap_phones * sizeof *k->phones);
	}
	k->phones[k->n_phones++] = xstrdup(c->phone ? c->phone : "(null)");
	if (!airports_find(c->home_airport))
		flag(k, "%s: home airport %s", c->id, c->home_airport);
	if (c->tier != tier_earned(&tier_default_rules, c->ytd_miles, c->ytd_segments))
		flag(k, "%s: tier %d for %lld mi / %d segments", c->id, c->tier,
		     (long long)c->ytd_miles, c->ytd_segments);
	date_to_ymd(date_local_day((struct irm_time){ k->now, 0 }), &y, &m, &d);
	last_year_end = date_from_ymd(y - 1, 12, 31);
	if (c->member_since < date_from_ymd(1985, 1, 1) || c->member_since > last_year_end ||
	    c->birth_date >= c->member_since - 365 * 16)
		flag(k, "%s: birth %d, member since %d", c->id, c->birth_date, c->member_since);
	if (c->ytd_miles > c->lifetime_miles || c->ytd_segments > c->lifetime_flights)
		flag(k, "%s: year to date above lifetime", c->id);
	if (k->keep) {
		k->kept_c = xrealloc(k->kept_c, (k->n_kept_c + 1) * sizeof *k->kept_c);
		k->kept_c[k->n_kept_c] = *c;
		k->kept_c[k->n_kept_c].name = arena_strdup(&k->arena, c->name);
		k->kept_c[k->n_kept_c].email = arena_strdup(&k->arena, c->email);
		k->kept_c[k->n_kept_c].phone = arena_strdup(&k->arena, c->phone);
		k->kept_c[k->n_kept_c].id = arena_strdup(&k->arena, c->id);
		k->kept_c[k->n_kept_c].member = arena_strdup(&k->arena, c->member);
		k->n_kept_c++;
	}
	return 0;
}

static void keep_trip(struct check *k, const struct trip *t, enum intent truth)
{
	struct arena *a = &k->arena;
	struct trip c = *t;

	c.id = arena_strdup(a, t->id);
	c.pnr = arena_strdup(a, t->pnr);
	c.corporate_code = arena_strdup(a, t->corporate_code);
	c.passengers = arena_alloc(a, t->n_passengers * sizeof *c.passengers + 1);
	for (size_t i = 0; i < t->n_passengers; i++) {
		c.passengers[i] = t->passengers[i];
		c.passengers[i].customer_id = arena_strdup(a, t->passengers[i].customer_id);
		c.passengers[i].name = arena_strdup(a, t->passengers[i].name);
	}
	c.segments = arena_alloc(a, t->n_segments * sizeof *c.segments + 1);
	for (size_t i = 0; i < t->n_segments; i++) {
		struct segment *s = &c.segments[i];

		*s = t->segments[i];
		s->id = arena_strdup(a, s->id);
		s->carrier = arena_strdup(a, s->carrier);
		s->flight = arena_strdup(a, s->flight);
		s->seats = arena_alloc(a, s->n_seats * sizeof *s->seats + 1);
		for (size_t j = 0; j < s->n_seats; j++) {
			s->seats[j].passenger = arena_strdup(a, t->segments[i].seats[j].passenger);
			s->seats[j].seat = arena_strdup(a, t->segments[i].seats[j].seat);
		}
	}
	c.hotels = arena_alloc(a, t->n_hotels * sizeof *c.hotels + 1);
	for (size_t i = 0; i < t->n_hotels; i++) {
		c.hotels[i] = t->hotels[i];
		c.hotels[i].name = arena_strdup(a, t->hotels[i].name);
	}
	k->kept_t = xrealloc(k->kept_t, (k->n_kept_t + 1) * sizeof *k->kept_t);
	k->kept_truth = xrealloc(k->kept_truth, (k->n_kept_t + 1) * sizeof *k->kept_truth);
	k->kept_t[k->n_kept_t] = c;
	k->kept_truth[k->n_kept_t] = truth;
	k->n_kept_t++;
}

static int duration_min(int miles)
{
	return (miles * 12 + 3250) / 500 * 5;
}

/* Whether the stay between the outbound arrival and the return includes the
 * night from a Saturday to a Sunday. */
static bool saturday_night(const struct trip *t)
{
	size_t half = t->n_segments / 2;
	int32_t from = date_local_day(t->segments[half - 1].arrival);
	int32_t to = date_local_day(t->segments[half].departure);

	for (int32_t d = from; d < to; d++)
		if (date_weekday(d) == 6)
			return true;
	return false;
}

static int on_trip(void *ctx, const struct trip *t, enum intent truth)
{
	struct check *k = ctx;
	struct who *owner;
	size_t n = t->n_segments;
	int32_t lead;

	k->trips++;
	k->segments += (long)n;
	hash_str(k, t->id);
	hash_str(k, t->pnr);
	hash_int(k, t->booked_at.utc);
	hash_int(k, t->booked_at.off_min);
	hash_int(k, t->channel);
	hash_str(k, t->corporate_code);
	hash_int(k, t->has_booked_at);
	hash_int(k, t->version);
	hash_int(k, truth);
	for (size_t i = 0; i < t->n_passengers; i++) {
		hash_str(k, t->passengers[i].customer_id);
		hash_str(k, t->passengers[i].name);
		hash_int(k, t->passengers[i].age_band);
	}
	for (size_t i = 0; i < n; i++) {
		const struct segment *s = &t->segments[i];

		hash_str(k, s->id);
		hash_str(k, s->carrier);
		hash_str(k, s->flight);
		hash_str(k, s->origin);
		hash_str(k, s->destination);
		hash_int(k, s->departure.utc);
		hash_int(k, s->departure.off_min);
		hash_int(k, s->arrival.utc);
		hash_int(k, s->arrival.off_min);
		hash_int(k, s->cabin);
		hash_int(k, s->fare_class);
		hash_int(k, s->status);
		hash_int(k, s->miles);
		hash_int(k, s->has_arrival);
		hash_int(k, s->status_at);
		hash_int(k, (int64_t)s->n_seats);
		for (size_t j = 0; j < s->n_seats; j++) {
			hash_str(k, s->seats[j].passenger);
			hash_str(k, s->seats[j].seat);
		}
	}
	for (size_t i = 0; i < t->n_hotels; i++) {
		hash_str(k, t->hotels[i].name);
		hash_int(k, t->hotels[i].stars);
		hash_int(k, t->hotels[i].nights);
	}
	if (k->keep)
		keep_trip(k, t, truth);

	add_id(k, "trip", t->id);
	add_id(k, "pnr", t->pnr);
	if (!t->id || t->id[0] != 'T' || !all_digits(t->id + 1, 1, 9))
		flag(k, "trip id %s", t->id);
	if (!t->pnr || strlen(t->pnr) != 6 || strspn(t->pnr, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != 6)
		flag(k, "%s: pnr %s", t->id, t->pnr);
	if (t->n_passengers < 1 || n < 2 || n % 2 != 0) {
		flag(k, "%s: %zu passengers, %zu segments", t->id, t->n_passengers, n);
		return 0;
	}
	owner = who_of(k, t->passengers[0].customer_id);
	if (!owner || !owner->seen)
		flag(k, "%s: first passenger is not an emitted customer", t->id);
	for (size_t i = 0; i < t->n_passengers; i++) {
		const struct passenger *p = &t->passengers[i];

		if (p->customer_id) {
			struct who *w = who_of(k, p->customer_id);

			if (!w || !w->seen)
				flag(k, "%s: passenger %s not emitted before", t->id, p->customer_id);
		} else if (!p->name || !utf8_valid(p->name, strlen(p->name), NULL)) {
			flag(k, "%s: passenger without id or name", t->id);
		} else {
			scan_scripts(k, p->name);
		}
	}
	if (!t->has_booked_at || t->booked_at.utc > k->now ||
	    t->booked_at.utc > t->segments[0].departure.utc)
		flag(k, "%s: booked_at after now or after departure", t->id);
	if (strcmp(t->segments[0].origin, t->segments[n - 1].destination) != 0)
		flag(k, "%s: not a round trip", t->id);

	for (size_t i = 0; i < n; i++) {
		const struct segment *s = &t->segments[i];

		add_id(k, "segment", s->id);
		if (!s->id || s->id[0] != 'S' || !all_digits(s->id + 1, 1, 9))
			flag(k, "segment id %s", s->id);
		if (!airports_find(s->origin) || !airports_find(s->destination))
			flag(k, "%s: unknown airport %s or %s", s->id, s->origin, s->destination);
		if (!s->has_arrival || s->departure.utc >= s->arrival.utc)
			flag(k, "%s: departure not before arrival", s->id);
		if (s->miles != airports_miles(s->origin, s->destination))
			flag(k, "%s: miles %d", s->id, s->miles);
		if (s->arrival.utc - s->departure.utc != (int64_t)duration_min(s->miles) * 60)
			flag(k, "%s: duration for %d miles", s->id, s->miles);
		if (i + 1 < n && (strcmp(s->destination, t->segments[i + 1].origin) != 0 ||
				  t->segments[i + 1].departure.utc <= s->arrival.utc))
			flag(k, "%s: legs do not connect", t->id);
		if (!s->carrier || strlen(s->carrier) != 2 || !all_digits(s->flight, 2, 4))
			flag(k, "%s: flight %s%s", s->id, s->carrier, s->flight);
		if (s->fare_class < 'A' || s->fare_class > 'Z')
			flag(k, "%s: fare class", s->id);
		if (s->departure.utc < k->now ? s->status == SEG_BOOKED : s->status != SEG_BOOKED)
			flag(k, "%s: status %d against the clock", s->id, s->status);
		for (size_t j = 0; j < s->n_seats; j++) {
			bool found = false;

			for (size_t q = 0; q < t->n_passengers; q++) {
				const struct passenger *p = &t->passengers[q];
				const char *key = p->customer_id ? p->customer_id : p->name;

				found |= !strcmp(key, s->seats[j].passenger);
			}
			if (!found || !s->seats[j].seat || !*s->seats[j].seat)
				flag(k, "%s: seat for someone not on the trip", s->id);
		}
		if (s->status == SEG_FLOWN) {
			k->flown++;
			for (size_t q = 0; q < t->n_passengers; q++) {
				struct who *w = who_of(k, t->passengers[q].customer_id);

				if (w) {
					w->flown_miles += s->miles;
					w->flown_segs++;
				}
			}
		} else if (s->status == SEG_BOOKED) {
			k->upcoming++;
		}
	}
	for (size_t i = 0; i < t->n_hotels; i++)
		if (t->hotels[i].stars < 1 || t->hotels[i].stars > 5 || t->hotels[i].nights < 1 ||
		    !t->hotels[i].name)
			flag(k, "%s: hotel", t->id);

	/* the patterns, per intent */
	lead = date_days_between(t->booked_at, t->segments[0].departure);
	k->n_intent[truth]++;
	k->lead_sum[truth] += lead;
	switch (truth) {
	case INTENT_BUSINESS: {
		int wd = date_weekday(date_local_day(t->segments[0].departure));

		k->biz_weekday += wd >= 1 && wd <= 4;
		k->biz_saturday_night += saturday_night(t);
		k->biz_cabin_ok += t->segments[0].cabin == CABIN_J || t->segments[0].cabin == CABIN_Y;
		break;
	}
	case INTENT_LEISURE: {
		int wd = date_weekday(date_local_day(t->segments[0].departure));
		bool child = false;

		for (size_t i = 0; i < t->n_passengers; i++)
			child |= t->passengers[i].age_band != AGE_ADULT;
		k->leisure_party += child || t->n_passengers >= 2;
		k->leisure_weekend_dep += wd >= 4 && wd <= 6;
		k->leisure_saturday_night += saturday_night(t);
		break;
	}
	default: {
		const char *dest = t->segments[n / 2 - 1].destination;
		const struct airport *a = airports_find(dest);

		k->vfr_medium += a && a->size == 'M';
		k->vfr_saturday_night += saturday_night(t);
		if (owner && owner->vfr_dest[0] && strcmp(owner->vfr_dest, dest) != 0)
			k->vfr_other_place++;
		else if (owner)
			memcpy(owner->vfr_dest, dest, 4);
		break;
	}
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_init(struct check *k, long customers, int64_t now, bool keep)
{
	memset(k, 0, sizeof *k);
	k->now = now;
	k->hash = 0xcbf29ce484222325u;
	k->n_customers_max = customers;
	k->who = xcalloc((size_t)customers + 1, sizeof *k->who);
	k->keep = keep;
}

static void check_free(struct check *k)
{
	for (size_t i = 0; i < k->n_ids; i++)
		free(k->ids[i]);
	free(k->ids);
	for (size_t i = 0; i < k->n_phones; i++)
		free(k->phones[i]);
	free(k->phones);
	free(k->who);
	free(k->kept_c);
	free(k->kept_t);
	free(k->kept_truth);
	arena_free(&k->arena);
}

static int64_t parse_time(const char *s)
{
	struct irm_time t;

	assert_true(date_parse_time(s, &t));
	return t.utc;
}

/* 2026-11-22 07:00 in Denver: Dale's flight leaves at 08:15. */
#define NOW_NOV "2026-11-22T14:00:00Z"

static int run(struct check *k, uint64_t seed, long customers, int64_t now)
{
	struct demo_opts o = { .seed = seed, .customers = customers, .now = now,
			       .utc_offset = test_offset, .offset_ctx = NULL };
	struct demo_sink sink = { k, on_customer, on_trip };

	return demo_generate(&o, &sink);
}

/* --- tests ------------------------------------------------------------------------- */

static void test_deterministic(void **state)
{
	struct check a, b, c;
	int64_t now = parse_time(NOW_NOV);

	(void)state;
	check_init(&a, 300, now, false);
	check_init(&b, 300, now, false);
	check_init(&c, 300, now, false);
	assert_int_equal(run(&a, 42, 300, now), 0);
	assert_int_equal(run(&b, 42, 300, now), 0);
	assert_int_equal(run(&c, 43, 300, now), 0);
	assert_int_equal(a.customers, 300);
	assert_int_equal(a.trips, b.trips);
	assert_int_equal(a.segments, b.segments);
	assert_true(a.hash == b.hash);
	assert_true(a.hash != c.hash);
	check_free(&a);
	check_free(&b);
	check_free(&c);
}

static const struct trip *find_trip(const struct check *k, const char *id, enum intent *truth)
{
	for (size_t i = 0; i < k->n_kept_t; i++)
		if (!strcmp(k->kept_t[i].id, id)) {
			if (truth)
				*truth = k->kept_truth[i];
			return &k->kept_t[i];
		}
	return NULL;
}

static bool owned_by(const struct trip *t, const char *id)
{
	return t->passengers[0].customer_id && !strcmp(t->passengers[0].customer_id, id);
}

static int32_t local_today(int64_t now)
{
	return date_local_day((struct irm_time){ now, test_offset(NULL, "America/Denver", now) });
}

/* sketch: now is the day of the SCREENS sketch, 22 Nov 2026. */
static void check_dale(const struct check *k, int64_t now, bool sketch)
{
	const struct customer *c = &k->kept_c[0];
	const struct trip *t;
	const struct segment *s;
	enum intent truth;
	int32_t today = local_today(now);
	int twf = 0, latest_twf = 0;
	bool ord = false, hnl = false;

	assert_string_equal(c->id, "C1");
	assert_string_equal(c->member, "MP7000001");
	assert_string_equal(c->name, "Dale Brewer");
	assert_string_equal(c->email, "dale.brewer@example.com");
	assert_string_equal(c->phone, "+13035550142");
	assert_int_equal(c->birth_date, date_from_ymd(1961, 11, 22));
	assert_int_equal(c->member_since, date_from_ymd(1987, 3, 1));
	assert_string_equal(c->home_airport, "DEN");
	assert_int_equal(c->tier, TIER_PLATINUM);
	assert_int_equal(c->lifetime_miles, 998976);
	assert_int_equal(c->lifetime_flights, 1650);
	assert_int_equal(c->ytd_miles, 82000);
	assert_int_equal(c->ytd_segments, 96);
	assert_int_equal(c->recognition, REC_PUBLIC);

	t = find_trip(k, "T1", &truth);
	assert_non_null(t);
	assert_true(owned_by(t, "C1"));
	assert_int_equal(truth, INTENT_BUSINESS);
	assert_string_equal(t->pnr, "K7Q2ZX");
	assert_int_equal(t->channel, CH_CORPORATE);
	assert_string_equal(t->corporate_code, "ACME");
	assert_int_equal(t->n_passengers, 1);
	assert_int_equal(t->n_segments, 2);
	assert_int_equal(today - date_local_day(t->booked_at), 23);
	s = &t->segments[0];
	assert_string_equal(s->id, "S1");
	assert_string_equal(s->carrier, "UA");
	assert_string_equal(s->flight, "1234");
	assert_string_equal(s->origin, "DEN");
	assert_string_equal(s->destination, "SEA");
	assert_int_equal(date_local_day(s->departure), today);
	assert_int_equal(date_local_minute(s->departure), 8 * 60 + 15);
	assert_int_equal(s->departure.off_min, test_offset(NULL, "America/Denver", s->departure.utc));
	assert_int_equal(s->cabin, CABIN_J);
	assert_int_equal(s->fare_class, 'Z');
	assert_int_equal(s->status, SEG_BOOKED);
	assert_int_equal(s->n_seats, 1);
	assert_string_equal(s->seats[0].passenger, "C1");
	assert_string_equal(s->seats[0].seat, "2A");
	assert_int_equal(s->miles, 1024);
	assert_int_equal(c->lifetime_miles + s->miles, 1000000);
	s = &t->segments[1];
	assert_string_equal(s->flight, "1235");
	assert_string_equal(s->origin, "SEA");
	assert_string_equal(s->destination, "DEN");
	assert_int_equal(date_local_day(s->departure), today + 2);
	assert_int_equal(s->status, SEG_BOOKED);
	assert_int_equal(t->n_hotels, 1);
	assert_string_equal(t->hotels[0].name, "Four Seasons Seattle");
	assert_int_equal(t->hotels[0].stars, 5);
	assert_int_equal(t->hotels[0].nights, 2);

	/* the history */
	for (size_t i = 0; i < k->n_kept_t; i++) {
		const struct trip *h = &k->kept_t[i];
		const char *dest = h->segments[h->n_segments / 2 - 1].destination;
		int32_t dep = date_local_day(h->segments[0].departure);

		if (!owned_by(h, "C1") || !strcmp(h->id, "T1"))
			continue;
		assert_true(h->segments[0].departure.utc < now);
		assert_int_equal(h->segments[0].status, SEG_FLOWN);
		if (!strcmp(dest, "TWF")) {
			int nights = date_local_day(h->segments[1].departure) - dep;

			assert_int_equal(k->kept_truth[h - k->kept_t], INTENT_VFR);
			assert_true(nights >= 4 && nights <= 6);
			twf++;
			if (dep > latest_twf || latest_twf == 0)
				latest_twf = dep;
		} else if (!strcmp(dest, "ORD")) {
			assert_int_equal(k->kept_truth[h - k->kept_t], INTENT_BUSINESS);
			assert_true(h->n_passengers >= 2);
			ord = true;
		} else if (!strcmp(dest, "HNL")) {
			int m, d, y;

			date_to_ymd(dep, &y, &m, &d);
			if (sketch)
				assert_true(y == 2026 && m == 7 && d == 3);
			assert_int_equal(k->kept_truth[h - k->kept_t], INTENT_LEISURE);
			assert_int_equal(h->n_passengers, 4);
			assert_int_equal(h->segments[0].cabin, CABIN_W);
			hnl = true;
		}
	}
	assert_int_equal(twf, 5);
	assert_true(today - latest_twf >= 45 && today - latest_twf <= 75);
	assert_true(ord);
	assert_true(hnl);
}

static void check_priya(const struct check *k, int64_t now)
{
	const struct customer *c = &k->kept_c[1];
	bool meeting = false, training = false;
	int vfr = 0, upcoming = 0;

	assert_string_equal(c->id, "C2");
	assert_string_equal(c->member, "MP7000002");
	assert_string_equal(c->name, "Priya Raman");
	assert_string_equal(c->home_airport, "ORD");
	assert_int_equal(c->tier, TIER_GOLD);
	for (size_t i = 0; i < k->n_kept_t; i++) {
		const struct trip *t = &k->kept_t[i];
		enum intent truth = k->kept_truth[i];
		const struct segment *first = &t->segments[0];
		int stars = t->n_hotels ? t->hotels[0].stars : 0;
		int nights = t->n_hotels ? t->hotels[0].nights : 0;
		bool twf = false;

		if (!owned_by(t, "C2"))
			continue;
		for (size_t j = 0; j < t->n_segments; j++)
			twf |= !strcmp(t->segments[j].destination, "TWF");
		if (first->departure.utc > now) {
			upcoming++;
			assert_int_equal(first->status, SEG_BOOKED);
			continue;
		}
		if (truth == INTENT_BUSINESS && first->cabin == CABIN_J && stars == 5 &&
		    nights >= 1 && nights <= 2 && t->channel == CH_CORPORATE)
			meeting = true;
		if (truth == INTENT_BUSINESS && first->cabin == CABIN_Y && stars >= 2 && stars <= 3 &&
		    nights >= 3)
			training = true;
		if (twf) {
			assert_int_equal(truth, INTENT_VFR);
			assert_int_equal(first->cabin, CABIN_Y);
			if (t->n_hotels)
				assert_true(stars <= 2);
			vfr++;
		}
	}
	assert_true(meeting);
	assert_true(training);
	assert_true(vfr >= 3);
	assert_true(upcoming >= 1);
}

static void test_seed_stories(void **state)
{
	struct check a, b;
	int64_t now = parse_time(NOW_NOV);

	(void)state;
	check_init(&a, 2, now, true);
	check_init(&b, 2, now, false);
	assert_int_equal(run(&a, 1, 2, now), 0);
	assert_int_equal(run(&b, 987654321, 2, now), 0);
	assert_int_equal(a.failures, 0);
	assert_int_equal(a.customers, 2);
	assert_true(a.hash == b.hash);      /* the same whatever the seed */
	check_dale(&a, now, true);
	check_priya(&a, now);
	/* the seed stories come first in a larger run too */
	{
		struct check c;

		check_init(&c, 5, now, true);
		assert_int_equal(run(&c, 99, 5, now), 0);
		assert_string_equal(c.kept_c[0].id, "C1");
		assert_string_equal(c.kept_c[1].id, "C2");
		assert_string_equal(c.kept_c[2].id, "C3");
		assert_string_equal(c.kept_t[0].id, "T1");
		check_dale(&c, now, true);
		check_free(&c);
	}
	check_free(&a);
	check_free(&b);
}

/* In summer Denver is at -06:00: still 08:15 local on the date of now. */
static void test_seed_story_in_summer(void **state)
{
	struct check k;
	int64_t now = parse_time("2027-06-15T12:30:00Z");
	const struct trip *t;

	(void)state;
	check_init(&k, 2, now, true);
	assert_int_equal(run(&k, 5, 2, now), 0);
	assert_int_equal(k.failures, 0);
	t = find_trip(&k, "T1", NULL);
	assert_non_null(t);
	assert_int_equal(t->segments[0].departure.off_min, -360);
	assert_int_equal(date_local_day(t->segments[0].departure), local_today(now));
	assert_int_equal(date_local_minute(t->segments[0].departure), 8 * 60 + 15);
	check_dale(&k, now, false);
	check_priya(&k, now);
	check_free(&k);
}

static void test_integrity(void **state)
{
	struct check k;
	int64_t now = parse_time(NOW_NOV);
	long customers = 2000;

	(void)state;
	check_init(&k, customers, now, false);
	assert_int_equal(run(&k, 2026, customers, now), 0);
	if (k.failures)
		fprintf(stderr, "%ld failures, first: %s\n", k.failures, k.first_failure);
	assert_int_equal(k.failures, 0);
	assert_int_equal(k.customers, customers);

	/* every id, member number and PNR once */
	qsort(k.ids, k.n_ids, sizeof *k.ids, cmp_str);
	for (size_t i = 1; i < k.n_ids; i++)
		if (!strcmp(k.ids[i - 1], k.ids[i]))
			flag(&k, "repeated %s", k.ids[i]);
	if (k.failures)
		fprintf(stderr, "%s\n", k.first_failure);
	assert_int_equal(k.failures, 0);

	/* the loyalty figures cover the flown history */
	for (long n = 1; n <= customers; n++) {
		const struct who *w = &k.who[n];

		assert_true(w->seen);
		if (w->lifetime_miles < w->flown_miles || w->lifetime_flights < w->flown_segs)
			flag(&k, "C%ld: lifetime %lld mi / %d below flown %lld / %d", n,
			     (long long)w->lifetime_miles, w->lifetime_flights,
			     (long long)w->flown_miles, w->flown_segs);
	}
	if (k.failures)
		fprintf(stderr, "%s\n", k.first_failure);
	assert_int_equal(k.failures, 0);

	/* both past and upcoming legs */
	assert_true(k.flown > k.segments / 2);
	assert_true(k.upcoming > k.segments / 50);

	/* about ten segments per customer */
	fprintf(stderr, "%ld customers, %ld trips, %ld segments (%.2f per customer)\n",
		k.customers, k.trips, k.segments, (double)k.segments / (double)k.customers);
	assert_true(k.segments >= 8 * customers && k.segments <= 12 * customers);

	/* names from many scripts */
	assert_true(k.cyrillic);
	assert_true(k.greek);
	assert_true(k.cjk);
	assert_true(k.hangul);
	assert_true(k.arabic);
	assert_true(k.accents);
	check_free(&k);
}

static void test_patterns(void **state)
{
	struct check k;
	int64_t now = parse_time(NOW_NOV);
	double biz_lead, leisure_lead, vfr_lead;
	long nb, nl, nv;

	(void)state;
	check_init(&k, 2000, now, false);
	assert_int_equal(run(&k, 7, 2000, now), 0);
	assert_int_equal(k.failures, 0);
	nb = k.n_intent[INTENT_BUSINESS];
	nl = k.n_intent[INTENT_LEISURE];
	nv = k.n_intent[INTENT_VFR];
	assert_true(nb > 500 && nl > 500 && nv > 500);
	biz_lead = k.lead_sum[INTENT_BUSINESS] / (double)nb;
	leisure_lead = k.lead_sum[INTENT_LEISURE] / (double)nl;
	vfr_lead = k.lead_sum[INTENT_VFR] / (double)nv;
	fprintf(stderr, "trips: %ld business (lead %.1f d), %ld leisure (%.1f d), %ld vfr (%.1f d)\n",
		nb, biz_lead, nl, leisure_lead, nv, vfr_lead);
	assert_true(biz_lead < 15);
	assert_true(leisure_lead > 30);
	assert_true(vfr_lead > biz_lead && vfr_lead < leisure_lead);
	/* business: Monday to Thursday, seldom over a Saturday night, J or Y */
	assert_true(k.biz_weekday > nb * 8 / 10);
	assert_true(k.biz_saturday_night < nb / 10);
	assert_int_equal(k.biz_cabin_ok, nb);
	/* leisure: couples and families, weekends */
	assert_true(k.leisure_party > nl * 6 / 10);
	assert_true(k.leisure_weekend_dep > nl * 7 / 10);
	assert_true(k.leisure_saturday_night > nl * 9 / 10);
	/* vfr: one smaller airport per customer, over a weekend */
	assert_int_equal(k.vfr_other_place, 0);
	assert_true(k.vfr_medium > nv * 8 / 10);
	assert_true(k.vfr_saturday_night > nv * 8 / 10);
	check_free(&k);
}

/* The default demo (20,000 customers): every phone once, and none of the
 * generated ones is a seed story's. */
static void test_phones_unique(void **state)
{
	static const char *const seed_phones[] = { "+13035550142", "+13125550187" };
	struct check k;
	int64_t now = parse_time(NOW_NOV);
	long customers = 20000, nanp = 0;

	(void)state;
	check_init(&k, customers, now, false);
	assert_int_equal(run(&k, 1, customers, now), 0);
	if (k.failures)
		fprintf(stderr, "%ld failures, first: %s\n", k.failures, k.first_failure);
	assert_int_equal(k.failures, 0);
	assert_int_equal(k.n_phones, customers);
	/* customers come in order: C1 Dale, C2 Priya */
	assert_string_equal(k.phones[0], seed_phones[0]);
	assert_string_equal(k.phones[1], seed_phones[1]);
	for (size_t i = 2; i < k.n_phones; i++) {
		for (size_t j = 0; j < sizeof seed_phones / sizeof seed_phones[0]; j++)
			if (!strcmp(k.phones[i], seed_phones[j]))
				flag(&k, "C%zu has the seed story's phone %s", i + 1, k.phones[i]);
		nanp += !strncmp(k.phones[i], "+1", 2);
	}
	qsort(k.phones, k.n_phones, sizeof *k.phones, cmp_str);
	for (size_t i = 1; i < k.n_phones; i++)
		if (!strcmp(k.phones[i - 1], k.phones[i]))
			flag(&k, "phone %s repeated", k.phones[i]);
	if (k.failures)
		fprintf(stderr, "%ld failures, first: %s\n", k.failures, k.first_failure);
	assert_int_equal(k.failures, 0);
	/* most live in North America, so the test covers its numbers */
	assert_true(nanp > customers / 2);
	check_free(&k);
}

static void test_sink_stops(void **state)
{
	struct check k;
	int64_t now = parse_time(NOW_NOV);

	(void)state;
	check_init(&k, 50, now, false);
	k.stop_at = 5;
	assert_int_equal(run(&k, 3, 50, now), 7);
	assert_int_equal(k.customers, 5);
	check_free(&k);
}

/* The ASCII folding used for e-mail addresses. */
static void test_handle(void **state)
{
	char buf[64] = "";

	(void)state;
	demo_names_handle("José Müller-Sørensen", buf, sizeof buf);
	assert_string_equal(buf, "josemullersorensen");
	buf[0] = '\0';
	demo_names_handle("Łukasz Dąbrowski", buf, sizeof buf);
	assert_string_equal(buf, "lukaszdabrowski");
	/* it appends */
	demo_names_handle("Yıldız Öztürk, Weiß", buf, sizeof buf);
	assert_string_equal(buf, "lukaszdabrowskiyildizozturkweiss");
	/* and never overflows */
	buf[0] = '\0';
	assert_int_equal(demo_names_handle("Abcdefghij", buf, 5), 4);
	assert_string_equal(buf, "abcd");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_seed_stories),
		cmocka_unit_test(test_seed_story_in_summer),
		cmocka_unit_test(test_integrity),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_phones_unique),
		cmocka_unit_test(test_sink_stops),
		cmocka_unit_test(test_handle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
