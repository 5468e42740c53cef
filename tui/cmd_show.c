/* cmd_show.c — `irm show ID|MEMBER`: a customer's full context, with the
 * intent and situation of each trip and the profile by intent. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "cli.h"
#include "clock.h"
#include "context.h"
#include "intent.h"
#include "jsonw.h"
#include "record.h"
#include "tier.h"

enum { RECENT_SHOWN = 10 };

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* "22 Nov 2026" at the instant's own local date. */
static void day_text(struct irm_time t, char buf[16])
{
	int y, m, d;
	date_to_ymd(date_local_day(t), &y, &m, &d);
	snprintf(buf, 16, "%02d %s %04d", d, months[m - 1], y);
}

static void clock_text(struct irm_time t, char buf[static 8])
{
	int min = date_local_minute(t);
	snprintf(buf, 8, "%02d:%02d", min / 60 % 24, min % 60);
}

static void offset_text(int32_t off, char buf[8])
{
	int a = off < 0 ? -off : off;
	snprintf(buf, 8, "%c%02d:%02d", off < 0 ? '-' : '+', a / 60 % 100, a % 60);
}

static int64_t trip_last(const struct trip *t)
{
	return t->n_segments ? t->segments[t->n_segments - 1].departure.utc : 0;
}

static bool trip_upcoming(const struct trip *t, int64_t now)
{
	return trip_last(t) >= now;
}

/* "DEN→SEA→DEN", or "DEN→SEA / LAX→DEN" where the legs do not join. */
static void route_text(const struct trip *t, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < t->n_segments && n < size; i++) {
		const struct segment *s = &t->segments[i];
		if (i == 0)
			n += (size_t)snprintf(buf + n, size - n, "%s→%s", s->origin, s->destination);
		else if (strcmp(s->origin, t->segments[i - 1].destination) == 0)
			n += (size_t)snprintf(buf + n, size - n, "→%s", s->destination);
		else
			n += (size_t)snprintf(buf + n, size - n, " / %s→%s", s->origin, s->destination);
	}
}

/* "solo", "couple", "family (2 adults, 2 children, 1 infant)",
 * "colleagues (3 adults)". */
static void party_text(const struct trip *t, enum situation sit, char *buf, size_t size)
{
	int n[AGE_COUNT] = { 0 };
	for (size_t i = 0; i < t->n_passengers; i++)
		n[t->passengers[i].age_band]++;
	if (t->n_passengers <= 1 || sit == SIT_COUPLE) {
		snprintf(buf, size, "%s", intent_situation_name(sit));
		return;
	}
	snprintf(buf, size, "%s (%d adult%s%s%.0d%s%s%.0d%s)", intent_situation_name(sit),
		 n[AGE_ADULT], n[AGE_ADULT] == 1 ? "" : "s",
		 n[AGE_CHILD] ? ", " : "", n[AGE_CHILD],
		 n[AGE_CHILD] ? (n[AGE_CHILD] == 1 ? " child" : " children") : "",
		 n[AGE_INFANT] ? ", " : "", n[AGE_INFANT],
		 n[AGE_INFANT] ? (n[AGE_INFANT] == 1 ? " infant" : " infants") : "");
}

static const char *seat_of(const struct segment *s, const char *customer_id)
{
	for (size_t i = 0; i < s->n_seats; i++)
		if (strcmp(s->seats[i].passenger, customer_id) == 0)
			return s->seats[i].seat;
	return NULL;
}

/* "BUSINESS 86%" */
static void intent_text(const struct intent_result *r, char *buf, size_t size)
{
	char up[16];
	const char *name = model_intent_name(r->label);
	size_t i;
	for (i = 0; name[i] && i + 1 < sizeof up; i++)
		up[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 'a' + 'A' : name[i]);
	up[i] = '\0';
	snprintf(buf, size, "%s %d%%", up, (int)(r->confidence * 100 + 0.5));
}

static void print_trip(const struct trip *t, const struct customer *cu, const struct intent_result *r)
{
	char day[16], route[256], party[80], buf[32];

	day_text(t->segments[0].departure, day);
	route_text(t, route, sizeof route);
	party_text(t, r->situation, party, sizeof party);
	intent_text(r, buf, sizeof buf);
	printf("  %s  ", day);
	cli_put_cols(stdout, t->pnr ? t->pnr : "", 6);
	printf("  %-13s  ", buf);
	cli_put(stdout, route);
	printf("  %c  %s  %s", model_cabin_letter(t->segments[0].cabin), party,
	       model_channel_name(t->channel));
	if (t->corporate_code) {
		fputc(' ', stdout);
		cli_put(stdout, t->corporate_code);
	}
	for (size_t i = 0; i < t->n_hotels; i++) {
		fputs(" · ", stdout);
		cli_put(stdout, t->hotels[i].name);
		if (t->hotels[i].stars)
			printf(" %d★", t->hotels[i].stars);
		printf(" %d night%s", t->hotels[i].nights, t->hotels[i].nights == 1 ? "" : "s");
	}
	fputc('\n', stdout);
	for (size_t i = 0; i < t->n_segments; i++) {
		const struct segment *s = &t->segments[i];
		char dep[8], off[8];
		day_text(s->departure, day);
		clock_text(s->departure, dep);
		offset_text(s->departure.off_min, off);
		fputs("      ", stdout);
		cli_put(stdout, s->carrier);
		cli_put_cols(stdout, s->flight, 5);
		printf(" %s→%s  %.6s %s %s", s->origin, s->destination, day, dep, off);
		if (s->has_arrival) {
			char arr[8], aoff[8];
			clock_text(s->arrival, arr);
			offset_text(s->arrival.off_min, aoff);
			printf(" → %s %s", arr, aoff);
		}
		printf("  %c", model_cabin_letter(s->cabin));
		if (s->fare_class)
			printf("/%c", s->fare_class);
		printf("  %-9s %6s mi", model_seg_status_name(s->status), cli_thousands(s->miles, buf));
		const char *seat = seat_of(s, cu->id);
		if (seat) {
			fputs("  seat ", stdout);
			cli_put(stdout, seat);
		}
		fputc('\n', stdout);
	}
}

/* Names for people: "vfr" is the wire's. */
static const char *const intent_words[INTENT_COUNT] = {
	[INTENT_BUSINESS] = "business", [INTENT_LEISURE] = "leisure",
	[INTENT_VFR] = "visiting friends/relatives",
};

static void print_profile(const struct intent_profile *p)
{
	bool any = false;
	for (int i = 0; i < INTENT_COUNT; i++)
		any |= p[i].trips > 0;
	if (!any)
		return;
	printf("\nWhen travelling for…\n");
	for (int i = 0; i < INTENT_COUNT; i++) {
		char stars[16] = "no hotel";
		if (!p[i].trips)
			continue;
		if (p[i].hotel_stars)
			snprintf(stars, sizeof stars, "%d★", p[i].hotel_stars);
		printf("  %-26s %4d trip%s  %c  %-8s  %s\n", intent_words[i], p[i].trips,
		       p[i].trips == 1 ? " " : "s", model_cabin_letter(p[i].cabin), stars,
		       p[i].companions);
	}
}

/* "PROJECTED  1,000,000 lifetime miles  UA1234 DEN→SEA 22 Nov  due 22 Nov 15:15Z"
 * and the suggested message under it. */
static void print_alerts(const struct alert_list *l)
{
	if (!l->n)
		return;
	printf("\nOpen alerts\n");
	for (size_t i = 0; i < l->n; i++) {
		const struct alert_item *a = &l->v[i];
		char state[16], day[16];
		const char *name = alert_state_name(a->state);
		size_t k;
		for (k = 0; name[k] && k + 1 < sizeof state; k++)
			state[k] = (char)(name[k] >= 'a' && name[k] <= 'z' ? name[k] - 'a' + 'A' : name[k]);
		state[k] = '\0';
		printf("  %-12s ", state);
		cli_put_cols(stdout, a->title ? a->title : a->kind, 32);
		if (a->has_segment && a->segment.known) {
			fputs("  ", stdout);
			cli_put(stdout, a->segment.carrier);
			cli_put(stdout, a->segment.flight);
			day_text(a->segment.departure, day);
			printf(" %s→%s %.6s", a->segment.origin, a->segment.destination, day);
		}
		if (a->has_due) {
			char dday[16], dclock[8];
			struct irm_time due = { a->due_utc, 0 };
			day_text(due, dday);
			clock_text(due, dclock);
			printf("  due %.6s %s UTC", dday, dclock);
		}
		fputs("  ", stdout);
		cli_put(stdout, a->id);
		fputc('\n', stdout);
		if (a->message) {
			fputs("      \u201c", stdout);
			cli_put(stdout, a->message);
			fputs("\u201d\n", stdout);
		}
	}
}

static void print_context(const struct customer_context *x, const struct tier_rules *tiers,
			  const struct alert_list *open, const struct intent_result *res,
			  const struct intent_profile *prof, int64_t now)
{
	const struct customer *cu = &x->customer;
	char a[32], b[32], day[11];

	cli_put(stdout, cu->name);
	printf("  ◆ %s", model_tier_name(cu->tier));
	if (cu->member) {
		fputs("  ", stdout);
		cli_put(stdout, cu->member);
	}
	if (cu->member_since != DATE_NONE) {
		int y, m, d;
		date_to_ymd(cu->member_since, &y, &m, &d);
		printf(" · member since %d", y);
	}
	if (cu->home_airport[0])
		printf(" · home %s", cu->home_airport);
	printf("\n  %s lifetime miles · %s flights · this year %s qualifying miles, %d segments\n",
	       cli_thousands(cu->lifetime_miles, a), cli_thousands(cu->lifetime_flights, b),
	       cli_thousands(cu->ytd_miles, (char[32]){ 0 }), cu->ytd_segments);

	enum tier next;
	int64_t miles;
	int32_t segs;
	if (tier_next(tiers, cu->tier, cu->ytd_miles, cu->ytd_segments, &next, &miles, &segs))
		printf("  next tier %s: %s miles or %d segments to go\n", model_tier_name(next),
		       cli_thousands(miles, a), segs);
	fputs("  ", stdout);
	if (cu->email) {
		cli_put(stdout, cu->email);
		fputs(" · ", stdout);
	}
	if (cu->phone) {
		cli_put(stdout, cu->phone);
		fputs(" · ", stdout);
	}
	if (cu->birth_date != DATE_NONE) {
		date_format(cu->birth_date, day);
		printf("born %s · ", day);
	}
	printf("recognition %s", model_recognition_name(cu->recognition));
	if (x->open_alerts)
		printf(" · %d open alert%s", x->open_alerts, x->open_alerts == 1 ? "" : "s");
	fputc('\n', stdout);
	print_profile(prof);

	size_t upcoming = 0, recent = 0;
	for (size_t i = 0; i < x->n_trips; i++)
		if (x->trips[i].n_segments)
			trip_upcoming(&x->trips[i], now) ? upcoming++ : recent++;
	print_alerts(open);
	printf("\nUpcoming trips%s\n", upcoming ? "" : ": none");
	for (size_t i = 0; i < x->n_trips; i++)
		if (x->trips[i].n_segments && trip_upcoming(&x->trips[i], now))
			print_trip(&x->trips[i], cu, &res[i]);
	printf("\nRecent trips%s\n", recent ? "" : ": none");
	size_t shown = 0;
	for (size_t i = x->n_trips; i-- > 0 && shown < RECENT_SHOWN; )
		if (x->trips[i].n_segments && !trip_upcoming(&x->trips[i], now)) {
			print_trip(&x->trips[i], cu, &res[i]);
			shown++;
		}
	if (recent > shown)
		printf("  … and %zu earlier trip%s (irm show --json has them all)\n", recent - shown,
		       recent - shown == 1 ? "" : "s");
}

/* A probability rounded to 4 places, so that output is stable. */
/* Probabilities to four decimals. */
static double prob(double p)
{
	return (double)(long)(p * 10000 + 0.5) / 10000;
}

static void write_intent(struct jsonw *w, const struct intent_result *r)
{
	jsonw_object(w);
	jsonw_key(w, "label");
	jsonw_str(w, model_intent_name(r->label));
	jsonw_key(w, "confidence");
	jsonw_real(w, prob(r->confidence));
	jsonw_key(w, "scores");
	jsonw_object(w);
	for (int i = 0; i < INTENT_COUNT; i++) {
		jsonw_key(w, model_intent_name((enum intent)i));
		jsonw_real(w, prob(r->p[i]));
	}
	jsonw_end(w);
	jsonw_key(w, "reasons");
	jsonw_array(w);
	for (int i = 0; i < r->n_reasons; i++)
		jsonw_str(w, r->reasons[i]);
	jsonw_end(w);
	jsonw_end(w);
}

static void write_profile(struct jsonw *w, const struct intent_profile *p)
{
	jsonw_object(w);
	for (int i = 0; i < INTENT_COUNT; i++) {
		char cabin[2] = { model_cabin_letter(p[i].cabin), '\0' };
		jsonw_key(w, model_intent_name((enum intent)i));
		jsonw_object(w);
		jsonw_key(w, "trips");
		jsonw_int(w, p[i].trips);
		jsonw_key(w, "cabin");
		jsonw_str(w, p[i].trips ? cabin : NULL);
		jsonw_key(w, "hotel_stars");
		if (p[i].trips)
			jsonw_int(w, p[i].hotel_stars);
		else
			jsonw_null(w);
		jsonw_key(w, "companions");
		jsonw_str(w, p[i].trips ? p[i].companions : NULL);
		jsonw_end(w);
	}
	jsonw_end(w);
}

/* The whole context as JSON text, written as it goes: a customer with
 * hundreds of trips is hundreds of kilobytes. */
static void write_context(struct jsonw *w, const struct customer_context *x,
			  const struct tier_rules *tiers, const struct intent_result *res,
			  const struct intent_profile *prof, int64_t now)
{
	const struct customer *cu = &x->customer;
	enum tier next;
	int64_t miles;
	int32_t segs;

	jsonw_object(w);
	record_write_customer(w, cu);
	jsonw_key(w, "open_alerts");
	jsonw_int(w, x->open_alerts);
	jsonw_key(w, "next_tier");
	if (tier_next(tiers, cu->tier, cu->ytd_miles, cu->ytd_segments, &next, &miles, &segs)) {
		jsonw_object(w);
		jsonw_key(w, "tier");
		jsonw_str(w, model_tier_name(next));
		jsonw_key(w, "miles_to_go");
		jsonw_int(w, miles);
		jsonw_key(w, "segments_to_go");
		jsonw_int(w, segs);
		jsonw_end(w);
	} else {
		jsonw_null(w);
	}
	jsonw_key(w, "trips");
	jsonw_array(w);
	for (size_t i = 0; i < x->n_trips; i++) {
		jsonw_object(w);
		record_write_trip(w, &x->trips[i]);
		jsonw_key(w, "when");
		jsonw_str(w, trip_upcoming(&x->trips[i], now) ? "upcoming" : "recent");
		jsonw_key(w, "intent");
		write_intent(w, &res[i]);
		jsonw_key(w, "situation");
		jsonw_str(w, intent_situation_name(res[i].situation));
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_key(w, "profile");
	write_profile(w, prof);
	jsonw_end(w);
}

static enum irm_status run_show(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool json = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = true; break;
		case 'h': return cli_help(&cmd_show);
		default: return cli_usage(&cmd_show, "unknown option");
		}
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_show, "needs exactly one customer id or member number");

	struct irm_err e = { 0 };
	struct cache *c;
	struct customer_context x;
	if (cli_open_cache(cli, 0, &c, &e) != IRM_OK)
		return cli_fail(&e);
	enum irm_status s = context_load(c, argv[optind], &x, &e);
	struct alert_list open = { 0 };
	if (s == IRM_OK && !json) {
		struct alert_filter f = {
			.customer = x.customer.id,
			.states = 1u << ALERT_PROJECTED | 1u << ALERT_PENDING | 1u << ALERT_ACKNOWLEDGED,
		};
		if ((s = alerts_list(c, &f, &open, &e)) != IRM_OK)
			context_free(&x);
	}
	cache_close(&c);
	if (s != IRM_OK)
		return cli_fail(&e);
	int64_t now = clock_now();
	struct intent_result *res = xcalloc(x.n_trips ? x.n_trips : 1, sizeof *res);
	struct intent_profile prof[INTENT_COUNT];
	intent_infer_all(&cli->weights, &x.customer, x.trips, x.n_trips, res);
	intent_profile_build(&x.customer, x.trips, x.n_trips, res, prof);
	if (json) {
		struct jsonw w = { 0 };
		write_context(&w, &x, &cli->rules.tiers, res, prof, now);
		s = cli_print_text(w.buf, w.len);
		jsonw_free(&w);
	} else {
		print_context(&x, &cli->rules.tiers, &open, res, prof, now);
	}
	alerts_list_free(&open);
	free(res);
	context_free(&x);
	return s;
}

const struct command cmd_show = {
	.name = "show",
	.usage = "ID|MEMBER [--json]",
	.summary = "show a customer: profile, status, lifetime miles, next tier, trips",
	.help =
	"By customer id (\"C1\") or member number (\"MP7000001\", any case). Shows the\n"
	"profile, tier and the next one, lifetime miles and flights, upcoming trips\n"
	"and the ten most recent, each with its segments. Each trip shows the intent\n"
	"inferred for it (BUSINESS, LEISURE or VFR: visiting friends and relatives)\n"
	"with its confidence, and the situation (solo, couple, family, colleagues,\n"
	"group); \"When travelling for…\" shows, per intent, the usual cabin, hotel\n"
	"stars and companions.\n"
	"\n"
	"  --json   the customer's fields (as irm import takes them) plus open_alerts,\n"
	"           next_tier, and trips: every trip, oldest first, each with its\n"
	"           segments, \"when\": \"upcoming\" or \"recent\", \"intent\": {\"label\",\n"
	"           \"confidence\", \"scores\": {\"business\", \"leisure\", \"vfr\"},\n"
	"           \"reasons\": [up to 3 phrases]} and \"situation\"; and profile:\n"
	"           {INTENT: {\"trips\", \"cabin\", \"hotel_stars\", \"companions\"}}\n"
	"           (null where an intent has no trips)\n"
	"\n"
	"Exit status 1 when there is no such customer.\n",
	.run = run_show,
};
