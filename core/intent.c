/* intent.c — trip intent, situation and profile by intent (see intent.h).
 *
 * Inference has two steps. First every trip of the history is reduced to
 * where it went, how many nights, and when it left (struct stop), so that
 * repeated trips to one place can be counted. Then the trip asked about is
 * described (struct trip_desc: lead time, nights, Saturday night, weekday
 * and hour, party, cabin and fare, channel, kind of destination, hotels,
 * earlier and later visits to the same place), each feature that holds adds
 * its weight to one intent's score, and the features that did most for the
 * winning intent are written out as reasons. */
#include "intent.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "airports.h"
#include "date.h"
#include "mem.h"
#include "utf8.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* --- weights ---------------------------------------------------------------- */

const struct intent_weights intent_weights_default = {
#define INTENT_WEIGHT_DEFAULT(name, def, doc) .name = def,
	INTENT_WEIGHT_LIST(INTENT_WEIGHT_DEFAULT)
#undef INTENT_WEIGHT_DEFAULT
};

static const struct intent_weight_info weight_info[] = {
#define INTENT_WEIGHT_INFO(name, def, doc) { #name, def, doc, offsetof(struct intent_weights, name) },
	INTENT_WEIGHT_LIST(INTENT_WEIGHT_INFO)
#undef INTENT_WEIGHT_INFO
	{ NULL, 0, NULL, 0 },
};

const struct intent_weight_info *intent_weight_at(size_t i)
{
	return i < LEN(weight_info) ? &weight_info[i] : &weight_info[LEN(weight_info) - 1];
}

enum irm_status intent_configure(struct intent_weights *w, struct conf *c, struct irm_err *e)
{
	for (size_t i = 0; weight_info[i].name; i++) {
		char *at = (char *)w + weight_info[i].offset;
		double v;

		memcpy(&v, at, sizeof v);
		enum irm_status s = conf_get_double(c, "intent", weight_info[i].name, -20.0, 20.0, &v, e);

		if (s != IRM_OK)
			return s;
		memcpy(at, &v, sizeof v);
	}
	return IRM_OK;
}

/* --- places ----------------------------------------------------------------- */

/* Airports that serve mainly holiday makers: beaches and islands, theme
 * parks, casinos, ski resorts. Cities that draw as many people on business
 * (Miami, Barcelona, Bangkok) are not on it. Sorted, for bsearch. */
static const char resort_airports[][4] = {
	"ACE", "AGP", "ALC", "ANU", "ASE", "AUA", "AYT", "BGI", "BJV", "CFU", "CHQ", "CJU",
	"CNS", "CUN", "CUR", "CZM", "DBV", "DLM", "DPS", "EGE", "FAO", "FNC", "FUE", "GCM",
	"HER", "HKT", "HNL", "HRG", "IBZ", "ITO", "JAC", "JMK", "JTR", "KBV", "KGS", "KOA",
	"LAS", "LGK", "LIH", "LIR", "LPA", "MAH", "MBJ", "MCO", "MLA", "MLE", "MRU", "NAN",
	"NAS", "NCE", "OGG", "OKA", "OLB", "OOL", "PFO", "PLS", "PMI", "PPT", "PUJ", "PVR",
	"RAK", "RHO", "RMF", "SEZ", "SJD", "SJU", "SPU", "SSH", "STT", "STX", "SXM", "TFS",
	"USM", "UVF", "ZNZ", "ZTH",
};

static int code_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 3);
}

static bool is_resort(const char *iata)
{
	return iata[0] && bsearch(iata, resort_airports, LEN(resort_airports), sizeof resort_airports[0],
				  code_cmp) != NULL;
}

static bool same_code(const char *a, const char *b)
{
	return a[0] && memcmp(a, b, 3) == 0;
}

/* --- situation -------------------------------------------------------------- */

static const char *const situation_names[SIT_COUNT] = {
	[SIT_SOLO] = "solo", [SIT_COUPLE] = "couple", [SIT_FAMILY] = "family",
	[SIT_COLLEAGUES] = "colleagues", [SIT_GROUP] = "group",
};

const char *intent_situation_name(enum situation s)
{
	return (unsigned)s < SIT_COUNT ? situation_names[s] : "?";
}

static bool corporate(const struct trip *t)
{
	return (t->corporate_code && t->corporate_code[0]) || t->channel == CH_CORPORATE;
}

enum situation intent_situation(const struct trip *t)
{
	int adults = 0, young = 0;

	for (size_t i = 0; i < t->n_passengers; i++)
		t->passengers[i].age_band == AGE_ADULT ? adults++ : young++;
	if (t->n_passengers <= 1)
		return SIT_SOLO;
	if (young > 0)
		return SIT_FAMILY;
	if (corporate(t))
		return SIT_COLLEAGUES;
	return adults == 2 ? SIT_COUPLE : SIT_GROUP;
}

/* --- where a trip goes ------------------------------------------------------ */

#define STAY_MIN_SECONDS (4 * 3600)     /* shorter gaps between legs are connections */
#define NIGHTS_MAX 31                   /* nights are counted up to this */

struct stop {
	char dest[4];               /* "" if the trip has no legs */
	int nights;                 /* -1: one-way, unknown */
	bool saturday;              /* a night beginning on a local Saturday */
	int64_t dep;                /* first departure, UTC */
};

static int64_t arrival_utc(const struct segment *s)
{
	return s->has_arrival ? s->arrival.utc : s->departure.utc;
}

static void stop_of(const struct trip *t, const char *home, struct stop *st)
{
	const struct segment *sg = t->segments;
	size_t n = t->n_segments, best = 0;
	int64_t gap = -1;

	memset(st, 0, sizeof *st);
	st->nights = -1;
	if (n == 0)
		return;
	st->dep = sg[0].departure.utc;
	for (size_t i = 0; i + 1 < n; i++) {
		int64_t g = sg[i + 1].departure.utc - arrival_utc(&sg[i]);

		if (g > gap) {
			gap = g;
			best = i;
		}
	}
	bool round = same_code(sg[n - 1].destination, sg[0].origin);
	if (n >= 2 && (round || gap >= STAY_MIN_SECONDS)) {
		struct irm_time arr = sg[best].has_arrival ? sg[best].arrival : sg[best].departure;
		int32_t from = date_local_day(arr), to = date_local_day(sg[best + 1].departure);

		memcpy(st->dest, sg[best].destination, 4);
		st->nights = to > from ? (int)(to - from) : 0;
		for (int32_t d = from; d < to && d < from + 7; d++)
			if (date_weekday(d) == 6)
				st->saturday = true;
		return;
	}
	/* one-way; one that ends at home is the way back from where it began */
	if (home && home[0] && same_code(sg[n - 1].destination, home) &&
	    !same_code(sg[0].origin, home))
		memcpy(st->dest, sg[0].origin, 4);
	else
		memcpy(st->dest, sg[n - 1].destination, 4);
}

static void stops_of(const struct trip *trips, size_t n, const char *home, struct stop *out)
{
	for (size_t i = 0; i < n; i++)
		stop_of(&trips[i], home, &out[i]);
}

/* --- describing one trip ---------------------------------------------------- */

enum feature {
	F_SHORT_LEAD, F_NO_SATURDAY, F_SHORT_STAY, F_MIDWEEK, F_EARLY, F_PREMIUM_CABIN,
	F_FULL_FARE, F_DISCOUNT_FARE, F_CORP_CODE, F_CORP_CHANNEL, F_PERSONAL_CHANNEL,
	F_COLLEAGUES, F_HUB, F_REPEAT_SHORT, F_AWAY_START,
	F_LONG_LEAD, F_LONG_STAY, F_CHILDREN, F_COUPLE, F_SOLO, F_PREMIUM_ECONOMY, F_RESORT,
	F_MIDDAY,
	F_WEEKS_LEAD, F_REPEAT_VISITS, F_SMALLER, F_NO_HOTEL, F_BUDGET_HOTEL, F_PARTIAL_HOTEL,
	F_FINE_HOTEL,
	F_COUNT
};

static const struct {
	enum intent to;
	size_t weight;              /* offset in struct intent_weights */
} features[F_COUNT] = {
#define W(f) offsetof(struct intent_weights, f)
	[F_SHORT_LEAD] = { INTENT_BUSINESS, W(short_lead) },
	[F_NO_SATURDAY] = { INTENT_BUSINESS, W(no_saturday_night) },
	[F_SHORT_STAY] = { INTENT_BUSINESS, W(short_stay) },
	[F_MIDWEEK] = { INTENT_BUSINESS, W(midweek_departure) },
	[F_EARLY] = { INTENT_BUSINESS, W(early_departure) },
	[F_PREMIUM_CABIN] = { INTENT_BUSINESS, W(premium_cabin) },
	[F_FULL_FARE] = { INTENT_BUSINESS, W(full_fare) },
	[F_DISCOUNT_FARE] = { INTENT_BUSINESS, W(discount_fare) },
	[F_CORP_CODE] = { INTENT_BUSINESS, W(corporate_code) },
	[F_CORP_CHANNEL] = { INTENT_BUSINESS, W(corporate_channel) },
	[F_PERSONAL_CHANNEL] = { INTENT_BUSINESS, W(personal_channel) },
	[F_COLLEAGUES] = { INTENT_BUSINESS, W(colleagues) },
	[F_HUB] = { INTENT_BUSINESS, W(hub_destination) },
	[F_REPEAT_SHORT] = { INTENT_BUSINESS, W(repeat_short_stays) },
	[F_AWAY_START] = { INTENT_BUSINESS, W(away_start) },
	[F_LONG_LEAD] = { INTENT_LEISURE, W(long_lead) },
	[F_LONG_STAY] = { INTENT_LEISURE, W(long_stay) },
	[F_CHILDREN] = { INTENT_LEISURE, W(children) },
	[F_COUPLE] = { INTENT_LEISURE, W(couple) },
	[F_SOLO] = { INTENT_LEISURE, W(solo) },
	[F_PREMIUM_ECONOMY] = { INTENT_LEISURE, W(premium_economy) },
	[F_RESORT] = { INTENT_LEISURE, W(resort_destination) },
	[F_MIDDAY] = { INTENT_LEISURE, W(midday_departure) },
	[F_WEEKS_LEAD] = { INTENT_VFR, W(weeks_lead) },
	[F_REPEAT_VISITS] = { INTENT_VFR, W(repeat_visits) },
	[F_SMALLER] = { INTENT_VFR, W(smaller_airport) },
	[F_NO_HOTEL] = { INTENT_VFR, W(no_hotel) },
	[F_BUDGET_HOTEL] = { INTENT_VFR, W(budget_hotel) },
	[F_PARTIAL_HOTEL] = { INTENT_VFR, W(partial_hotel) },
	[F_FINE_HOTEL] = { INTENT_VFR, W(fine_hotel) },
#undef W
};

/* Everything the reasons need to be written. */
struct trip_desc {
	const struct trip *t;
	struct stop stop;
	int lead;                   /* days, -1 unknown */
	int weekday, minute;        /* of the first departure, local */
	int adults, children, infants;
	enum situation situation;
	enum cabin cabin;           /* of the longest leg */
	char fare;
	int stars, hotel_nights, n_hotels;
	int visits, ordinal;        /* trips to the same place, this one's rank */
	int stay_min, stay_max;     /* nights of those visits (-1: none known) */
	double x[F_COUNT];          /* each feature's value, 0 when it does not hold */
};

static bool fare_in(char fare, const char *set)
{
	return fare && strchr(set, fare) != NULL;
}

/* The median of a histogram of n values (the lower one of an even count). */
static int hist_median(const int *hist, int size, int n)
{
	int seen = 0;

	for (int v = 0; v < size; v++) {
		seen += hist[v];
		if (2 * seen >= n)
			return v;
	}
	return size - 1;
}

static void describe_party(const struct trip *t, struct trip_desc *d)
{
	for (size_t i = 0; i < t->n_passengers; i++)
		switch (t->passengers[i].age_band) {
		case AGE_CHILD: d->children++; break;
		case AGE_INFANT: d->infants++; break;
		default: d->adults++; break;
		}
	d->situation = intent_situation(t);
}

static void describe_legs(const struct trip *t, struct trip_desc *d)
{
	int32_t longest = -1;

	for (size_t i = 0; i < t->n_segments; i++)
		if (t->segments[i].miles > longest) {
			longest = t->segments[i].miles;
			d->cabin = t->segments[i].cabin;
			d->fare = t->segments[i].fare_class;
		}
	if (t->n_segments) {
		struct irm_time dep = t->segments[0].departure;

		d->weekday = date_weekday(date_local_day(dep));
		d->minute = date_local_minute(dep);
	}
	d->lead = -1;
	if (t->has_booked_at && t->n_segments) {
		int32_t days = date_local_day(t->segments[0].departure) - date_local_day(t->booked_at);

		d->lead = days < 0 ? 0 : days;
	}
}

static void describe_hotels(const struct trip *t, struct trip_desc *d)
{
	d->n_hotels = (int)t->n_hotels;
	for (size_t i = 0; i < t->n_hotels; i++) {
		if (t->hotels[i].stars > d->stars)
			d->stars = t->hotels[i].stars;
		if (t->hotels[i].nights > 0)
			d->hotel_nights += t->hotels[i].nights;
	}
}

/* Other trips to the same place: how many, and how long those stays were. */
static void describe_visits(const struct stop *stops, size_t n, size_t which, struct trip_desc *d)
{
	const struct stop *me = &stops[which];
	int hist[NIGHTS_MAX + 1] = { 0 }, others = 0;

	d->visits = 0;
	d->ordinal = 1;
	d->stay_min = d->stay_max = -1;
	if (!me->dest[0])
		return;
	for (size_t j = 0; j < n; j++) {
		const struct stop *o = &stops[j];

		if (!same_code(o->dest, me->dest))
			continue;
		d->visits++;
		if (j != which && (o->dep < me->dep || (o->dep == me->dep && j < which)))
			d->ordinal++;
		if (o->nights >= 0) {
			if (d->stay_min < 0 || o->nights < d->stay_min)
				d->stay_min = o->nights;
			if (o->nights > d->stay_max)
				d->stay_max = o->nights;
			if (j != which) {
				hist[o->nights < NIGHTS_MAX ? o->nights : NIGHTS_MAX]++;
				others++;
			}
		}
	}
	if (others == 0)
		return;
	double x = others >= 3 ? 1.0 : others / 3.0;
	int median = hist_median(hist, NIGHTS_MAX + 1, others);

	if (median >= 3 && !is_resort(me->dest))
		d->x[F_REPEAT_VISITS] = x;
	else if (median <= 2)
		d->x[F_REPEAT_SHORT] = x;
}

static void describe(const struct customer *cu, const struct trip *trips, const struct stop *stops,
		     size_t n, size_t which, struct trip_desc *d)
{
	const struct trip *t = &trips[which];
	const char *home = cu ? cu->home_airport : "";
	double *x = d->x;

	memset(d, 0, sizeof *d);
	d->t = t;
	d->stop = stops[which];
	describe_party(t, d);
	describe_legs(t, d);
	describe_hotels(t, d);
	describe_visits(stops, n, which, d);

	/* when it was booked and when it leaves */
	if (d->lead >= 0 && d->lead <= 14)
		x[F_SHORT_LEAD] = 1;
	else if (d->lead > 60)
		x[F_LONG_LEAD] = 1;
	else if (d->lead > 14)
		x[F_WEEKS_LEAD] = 1;
	if (t->n_segments) {
		if (d->weekday >= 1 && d->weekday <= 3)
			x[F_MIDWEEK] = 1;
		if (d->minute >= 5 * 60 && d->minute < 8 * 60 + 30)
			x[F_EARLY] = 1;
		else if (d->minute >= 9 * 60 && d->minute <= 15 * 60)
			x[F_MIDDAY] = 1;
	}
	if (home[0] && t->n_segments && !same_code(t->segments[0].origin, home))
		x[F_AWAY_START] = 1;

	/* how long */
	int nights = d->stop.nights;
	if (nights >= 0) {
		if (!d->stop.saturday)
			x[F_NO_SATURDAY] = 1;
		if (nights <= 2)
			x[F_SHORT_STAY] = 1;
		else if (nights >= 11)
			x[F_LONG_STAY] = 2;
		else if (nights >= 8)
			x[F_LONG_STAY] = 1;
	}

	/* with whom */
	if (d->children + d->infants > 0)
		x[F_CHILDREN] = 1;
	switch (d->situation) {
	case SIT_SOLO: x[F_SOLO] = 1; break;
	case SIT_COUPLE: x[F_COUPLE] = 1; break;
	case SIT_COLLEAGUES: x[F_COLLEAGUES] = 1; break;
	case SIT_FAMILY: case SIT_GROUP: case SIT_COUNT: break;
	}

	/* how: cabin, fare, channel */
	if (t->n_segments) {
		if (d->cabin == CABIN_J || d->cabin == CABIN_F)
			x[F_PREMIUM_CABIN] = 1;
		else if (d->cabin == CABIN_W)
			x[F_PREMIUM_ECONOMY] = 1;
		/* Published full fares, and the usual discount buckets. */
		if (fare_in(d->fare, "FAJCYBM"))
			x[F_FULL_FARE] = 1;
		else if (fare_in(d->fare, "KLQTVGNOSXEU"))
			x[F_DISCOUNT_FARE] = 1;
	}
	if (t->corporate_code && t->corporate_code[0])
		x[F_CORP_CODE] = 1;
	if (t->channel == CH_CORPORATE)
		x[F_CORP_CHANNEL] = 1;
	else if (t->channel == CH_WEB || t->channel == CH_APP)
		x[F_PERSONAL_CHANNEL] = 1;

	/* where */
	if (d->stop.dest[0]) {
		const struct airport *a = airports_find(d->stop.dest);

		if (is_resort(d->stop.dest))
			x[F_RESORT] = 1;
		else if (a && a->size == 'L')
			x[F_HUB] = 1;
		else if (a && a->size == 'M')
			x[F_SMALLER] = 1;
	}

	/* where they sleep */
	if (d->stars >= 4)
		x[F_FINE_HOTEL] = 1;
	else if (d->stars >= 1 && d->stars <= 2)
		x[F_BUDGET_HOTEL] = 1;
	if (nights >= 1 && d->n_hotels == 0)
		x[F_NO_HOTEL] = 1;
	else if (nights >= 2 && d->n_hotels > 0 && d->hotel_nights > 0 && d->hotel_nights < nights)
		x[F_PARTIAL_HOTEL] = 1;
}

/* --- reasons in words --------------------------------------------------------- */

static const char *const weekday_names[8] = { "", "Monday", "Tuesday", "Wednesday", "Thursday",
					      "Friday", "Saturday", "Sunday" };

static const char *ordinal_suffix(int n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "th";
	switch (n % 10) {
	case 1: return "st";
	case 2: return "nd";
	case 3: return "rd";
	default: return "th";
	}
}

static const char *plural(int n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* "2 children", "1 child and 1 infant", "1 adult, 2 children and 1 infant":
 * the counts that are not zero, in words. */
static void party_text(int adults, int children, int infants, char *buf, size_t size)
{
	const int n[3] = { adults, children, infants };
	static const char *const one[3] = { "adult", "child", "infant" };
	static const char *const many[3] = { "adults", "children", "infants" };
	int parts = 0, done = 0;
	size_t len = 0;

	for (int i = 0; i < 3; i++)
		parts += n[i] > 0;
	buf[0] = '\0';
	for (int i = 0; i < 3 && len < size; i++) {
		if (n[i] <= 0)
			continue;
		const char *sep = done == 0 ? "" : done == parts - 1 ? " and " : ", ";
		int k = snprintf(buf + len, size - len, "%s%d %s", sep, n[i],
				 plural(n[i], one[i], many[i]));

		if (k < 0)
			break;
		len += (size_t)k;
		done++;
	}
}

static void visits_text(const struct trip_desc *d, char *buf, size_t size)
{
	char stays[48] = "";

	if (d->stay_min >= 0 && d->stay_min == d->stay_max)
		snprintf(stays, sizeof stays, ", stays of %d %s", d->stay_min,
			 plural(d->stay_min, "night", "nights"));
	else if (d->stay_min >= 0)
		snprintf(stays, sizeof stays, ", stays of %d–%d nights", d->stay_min, d->stay_max);
	if (d->ordinal > 1)
		snprintf(buf, size, "%d%s trip to %s%s", d->ordinal, ordinal_suffix(d->ordinal),
			 d->stop.dest, stays);
	else
		snprintf(buf, size, "1st of %d trips to %s%s", d->visits, d->stop.dest, stays);
}

static void reason_text(const struct trip_desc *d, enum feature f, char *buf, size_t size)
{
	const struct trip *t = d->t;
	int nights = d->stop.nights;
	char tmp[48];

	switch (f) {
	case F_SHORT_LEAD:
		if (d->lead == 0)
			snprintf(buf, size, "booked the same day");
		else
			snprintf(buf, size, "booked %d %s ahead", d->lead, plural(d->lead, "day", "days"));
		break;
	case F_WEEKS_LEAD:
		snprintf(buf, size, "booked %d weeks ahead", (d->lead + 3) / 7);
		break;
	case F_LONG_LEAD:
		snprintf(buf, size, "booked %d months ahead", (d->lead + 15) / 30);
		break;
	case F_NO_SATURDAY:
		snprintf(buf, size, "no Saturday-night stay");
		break;
	case F_SHORT_STAY:
		if (nights == 0)
			snprintf(buf, size, "a day trip");
		else
			snprintf(buf, size, "%d %s away", nights, plural(nights, "night", "nights"));
		break;
	case F_LONG_STAY:
		snprintf(buf, size, "%d nights away", nights);
		break;
	case F_MIDWEEK:
		snprintf(buf, size, "leaves on a %s", weekday_names[d->weekday]);
		break;
	case F_EARLY:
	case F_MIDDAY:
		snprintf(buf, size, "leaves at %02d:%02d", d->minute / 60, d->minute % 60);
		break;
	case F_PREMIUM_CABIN:
		snprintf(buf, size, d->cabin == CABIN_F ? "first class (F)" : "business cabin (J)");
		break;
	case F_PREMIUM_ECONOMY:
		snprintf(buf, size, "premium economy cabin (W)");
		break;
	case F_FULL_FARE:
		snprintf(buf, size, "full fare class %c", d->fare);
		break;
	case F_DISCOUNT_FARE:
		snprintf(buf, size, "discount fare class %c", d->fare);
		break;
	case F_CORP_CODE:
		utf8_sanitize_into(t->corporate_code, tmp, 33);
		snprintf(buf, size, "corporate fare %s", tmp);
		break;
	case F_CORP_CHANNEL:
		snprintf(buf, size, "booked through the corporate channel");
		break;
	case F_PERSONAL_CHANNEL:
		snprintf(buf, size, t->channel == CH_APP ? "booked in the app" : "booked on the web");
		break;
	case F_COLLEAGUES:
		snprintf(buf, size, "travelling with %d %s", d->adults - 1,
			 plural(d->adults - 1, "colleague", "colleagues"));
		break;
	case F_CHILDREN:
		party_text(0, d->children, d->infants, tmp, sizeof tmp);
		snprintf(buf, size, "travelling with %s", tmp);
		break;
	case F_COUPLE:
		snprintf(buf, size, "travelling as a couple");
		break;
	case F_SOLO:
		snprintf(buf, size, "travelling alone");
		break;
	case F_HUB:
		snprintf(buf, size, "destination %s is a hub airport", d->stop.dest);
		break;
	case F_RESORT:
		snprintf(buf, size, "destination %s is a resort airport", d->stop.dest);
		break;
	case F_SMALLER:
		snprintf(buf, size, "destination %s is a smaller airport", d->stop.dest);
		break;
	case F_REPEAT_VISITS:
	case F_REPEAT_SHORT:
		visits_text(d, buf, size);
		break;
	case F_AWAY_START:
		snprintf(buf, size, "starts away from home, at %s", t->segments[0].origin);
		break;
	case F_NO_HOTEL:
		snprintf(buf, size, "no hotel booked");
		break;
	case F_BUDGET_HOTEL:
		snprintf(buf, size, "budget hotel (%d★)", d->stars);
		break;
	case F_FINE_HOTEL:
		snprintf(buf, size, "%d★ hotel", d->stars);
		break;
	case F_PARTIAL_HOTEL:
		snprintf(buf, size, "hotel for %d of %d nights", d->hotel_nights, nights);
		break;
	case F_COUNT:
		buf[0] = '\0';
		break;
	}
}

/* --- scoring ---------------------------------------------------------------- */

static void score(const struct intent_weights *w, const struct trip_desc *d,
		  struct intent_result *out)
{
	double s[INTENT_COUNT] = { w->bias_business, w->bias_leisure, w->bias_vfr };
	double contrib[F_COUNT];

	for (int f = 0; f < F_COUNT; f++) {
		double wf;

		memcpy(&wf, (const char *)w + features[f].weight, sizeof wf);

		contrib[f] = wf * d->x[f];
		s[features[f].to] += contrib[f];
	}

	double max = s[0], sum = 0;
	int label = 0;
	for (int i = 1; i < INTENT_COUNT; i++)
		if (s[i] > max) {
			max = s[i];
			label = i;
		}
	for (int i = 0; i < INTENT_COUNT; i++)
		sum += out->p[i] = exp(s[i] - max);
	for (int i = 0; i < INTENT_COUNT; i++)
		out->p[i] /= sum;
	out->label = (enum intent)label;
	out->confidence = out->p[label];
	out->situation = d->situation;

	/* What did most for the label: its own features, and those that held
	 * back a rival (counting half, as they hold back one of two). */
	double support[F_COUNT];
	for (int f = 0; f < F_COUNT; f++)
		support[f] = (int)features[f].to == label ? contrib[f] : -contrib[f] / 2;
	out->n_reasons = 0;
	while (out->n_reasons < INTENT_REASONS) {
		int best = -1;

		for (int f = 0; f < F_COUNT; f++)
			if (support[f] > 0.05 && (best < 0 || support[f] > support[best]))
				best = f;
		if (best < 0)
			break;
		reason_text(d, (enum feature)best, out->reasons[out->n_reasons], INTENT_REASON_SIZE);
		support[best] = 0;
		out->n_reasons++;
	}
	for (int i = out->n_reasons; i < INTENT_REASONS; i++)
		out->reasons[i][0] = '\0';
}

void intent_infer(const struct intent_weights *w, const struct customer *cu,
		  const struct trip *trips, size_t n_trips, size_t which,
		  struct intent_result *out)
{
	struct stop one[16], *stops = n_trips <= LEN(one) ? one : xmalloc(n_trips * sizeof *stops);
	struct trip_desc d;

	stops_of(trips, n_trips, cu ? cu->home_airport : "", stops);
	describe(cu, trips, stops, n_trips, which, &d);
	score(w, &d, out);
	if (stops != one)
		free(stops);
}

void intent_infer_all(const struct intent_weights *w, const struct customer *cu,
		      const struct trip *trips, size_t n_trips, struct intent_result *out)
{
	struct stop one[64], *stops = n_trips <= LEN(one) ? one : xmalloc(n_trips * sizeof *stops);
	struct trip_desc d;

	stops_of(trips, n_trips, cu ? cu->home_airport : "", stops);
	for (size_t i = 0; i < n_trips; i++) {
		describe(cu, trips, stops, n_trips, i, &d);
		score(w, &d, &out[i]);
	}
	if (stops != one)
		free(stops);
}

/* --- profile by intent ------------------------------------------------------ */

#define PARTY_MAX 9             /* companions of each age band are counted up to this */
#define PARTY_KEYS ((PARTY_MAX + 1) * (PARTY_MAX + 1) * (PARTY_MAX + 1))

static int cap(int n)
{
	return n < PARTY_MAX ? n : PARTY_MAX;
}

/* The companions of the customer on t (everyone else on the booking), as
 * a key: adults, children, infants in base PARTY_MAX + 1. */
static int party_key(const struct customer *cu, const struct trip *t)
{
	int n[AGE_COUNT] = { 0 };
	bool self = false;

	for (size_t i = 0; i < t->n_passengers; i++) {
		const struct passenger *p = &t->passengers[i];

		if (!self && cu && cu->id && p->customer_id && strcmp(p->customer_id, cu->id) == 0) {
			self = true;
			continue;
		}
		n[p->age_band < AGE_COUNT ? p->age_band : AGE_ADULT]++;
	}
	if (!self) {
		/* the customer is not named: take the first passenger as them */
		if (t->n_passengers && t->passengers[0].age_band < AGE_COUNT)
			n[t->passengers[0].age_band]--;
	}
	for (int i = 0; i < AGE_COUNT; i++)
		if (n[i] < 0)
			n[i] = 0;
	return (cap(n[AGE_ADULT]) * (PARTY_MAX + 1) + cap(n[AGE_CHILD])) * (PARTY_MAX + 1) +
	       cap(n[AGE_INFANT]);
}

static void companions_text(int key, char *buf, size_t size)
{
	int infants = key % (PARTY_MAX + 1), children = key / (PARTY_MAX + 1) % (PARTY_MAX + 1);
	int adults = key / ((PARTY_MAX + 1) * (PARTY_MAX + 1));
	char party[48];

	if (!adults && !children && !infants) {
		snprintf(buf, size, "alone");
		return;
	}
	party_text(adults, children, infants, party, sizeof party);
	snprintf(buf, size, "with %s", party);
}

/* How often a choice was made, and when last: the usual choice is the most
 * frequent, and of two as frequent, the one made more recently. */
struct tally {
	int n;
	int64_t last;               /* the latest first departure, UTC */
};

static void tally_add(struct tally *t, int64_t when)
{
	if (t->n++ == 0 || when > t->last)
		t->last = when;
}

static int tally_usual(const struct tally *t, int size)
{
	int best = 0;

	for (int i = 1; i < size; i++)
		if (t[i].n > t[best].n || (t[i].n == t[best].n && t[i].n && t[i].last > t[best].last))
			best = i;
	return best;
}

void intent_profile_build(const struct customer *cu, const struct trip *trips, size_t n_trips,
			  const struct intent_result *res,
			  struct intent_profile out[INTENT_COUNT])
{
	for (int k = 0; k < INTENT_COUNT; k++) {
		struct tally cabins[CABIN_COUNT] = { 0 }, stars[6] = { 0 }, parties[PARTY_KEYS];
		int n = 0;

		memset(parties, 0, sizeof parties);
		for (size_t i = 0; i < n_trips; i++) {
			const struct trip *t = &trips[i];
			int64_t when = t->n_segments ? t->segments[0].departure.utc : INT64_MIN;

			if ((int)res[i].label != k)
				continue;
			n++;
			int32_t longest = -1;
			int cabin = -1;
			for (size_t j = 0; j < t->n_segments; j++)
				if (t->segments[j].miles > longest && t->segments[j].cabin < CABIN_COUNT) {
					longest = t->segments[j].miles;
					cabin = (int)t->segments[j].cabin;
				}
			if (cabin >= 0)
				tally_add(&cabins[cabin], when);
			int best = 0;
			for (size_t j = 0; j < t->n_hotels; j++)
				if (t->hotels[j].stars > best && t->hotels[j].stars <= 5)
					best = t->hotels[j].stars;
			if (best > 0)
				tally_add(&stars[best], when);
			tally_add(&parties[party_key(cu, t)], when);
		}

		struct intent_profile *p = &out[k];
		memset(p, 0, sizeof *p);
		p->trips = n;
		p->cabin = CABIN_Y;
		if (n > 0) {
			int c = tally_usual(cabins, CABIN_COUNT);
			p->cabin = cabins[c].n ? (enum cabin)c : CABIN_Y;
			p->hotel_stars = tally_usual(stars, 6);
			companions_text(tally_usual(parties, PARTY_KEYS), p->companions,
					sizeof p->companions);
		}
	}
}
