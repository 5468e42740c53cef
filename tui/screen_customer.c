/* screen_customer.c — one customer's context: who they are, the next
 * milestone and the leg that crosses it, their open alerts with what to
 * say, the latest notes, their trips with intent and situation, how they
 * travel for each intent, and who travels with them. Acting on an alert
 * takes one or two keys: a acknowledges; d then e/c/g/f/s/o marks it done
 * with that action; x asks why and dismisses; A asks to whom and assigns;
 * n asks for a note. Tab moves between the alerts and the trips; Enter
 * opens the one under the cursor (an alert's history, a trip's reasons). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "cli.h"
#include "cmdline.h"
#include "clock.h"
#include "console.h"
#include "context.h"
#include "intent.h"
#include "lookup.h"
#include "mem.h"
#include "notes.h"
#include "text.h"

enum { NOTES_SHOWN = 3, COMPANIONS_SHOWN = 4, TRIPS_MAX = 512 };

struct companion {
	char who[96];               /* a name, or "child" for an unnamed one */
	int trips;
};

struct customer_screen {
	struct customer_context x;
	bool loaded;
	struct alert_list alerts;
	struct note_list notes;
	struct intent_result *intent;
	struct intent_profile profile[INTENT_COUNT];
	size_t order[TRIPS_MAX], n_order;   /* trips shown: upcoming (soonest first), then recent */
	struct companion companions[COMPANIONS_SHOWN];
	size_t n_companions;
	bool on_trips;              /* Tab: the cursor is in the trips, not the alerts */
	size_t selected;            /* the alert acted on */
	size_t trip;                /* the trip under the cursor (index into order) */
	bool expanded;              /* Enter: the alert's history, or the trip's reasons */
	bool awaiting_action;       /* d pressed: the next key says which */
	char asked[160];            /* the alert a question (x, A) is about */
	char shown[256];             /* the customer the cursor positions are for */
	char error[512];
};

static struct customer_screen *state_of(struct console *con)
{
	return con->state[SCREEN_CUSTOMER];
}

static void unload(struct customer_screen *s)
{
	if (s->loaded)
		context_free(&s->x);
	alerts_list_free(&s->alerts);
	notes_list_free(&s->notes);
	free(s->intent);
	s->intent = NULL;
	s->loaded = false;
}

/* Upcoming first (soonest first), then recent (latest first). */
static void order_trips(struct customer_screen *s)
{
	int64_t now = clock_now();
	s->n_order = 0;
	for (size_t i = 0; i < s->x.n_trips && s->n_order < TRIPS_MAX; i++) {
		const struct trip *t = &s->x.trips[i];
		if (t->n_segments && t->segments[t->n_segments - 1].departure.utc >= now)
			s->order[s->n_order++] = i;
	}
	for (size_t i = s->x.n_trips; i-- > 0 && s->n_order < TRIPS_MAX; ) {
		const struct trip *t = &s->x.trips[i];
		if (t->n_segments && t->segments[t->n_segments - 1].departure.utc < now)
			s->order[s->n_order++] = i;
	}
}

/* Who travels with them most: members by name, others by name or, when
 * the booking gives none, by age band ("child"). Counted by member id, and
 * only the few shown are looked up by name: a long history costs no
 * queries. */
static void count_companions(struct console *con, struct customer_screen *s)
{
	struct companion all[64];
	bool member[64];
	size_t n = 0;
	s->n_companions = 0;
	for (size_t i = 0; i < s->x.n_trips; i++) {
		const struct trip *t = &s->x.trips[i];
		for (size_t k = 0; k < t->n_passengers; k++) {
			const struct passenger *p = &t->passengers[k];
			const char *key = p->customer_id ? p->customer_id
					: p->name && *p->name ? p->name : model_age_band_name(p->age_band);
			if (p->customer_id && strcmp(p->customer_id, s->x.customer.id) == 0)
				continue;
			size_t j;
			for (j = 0; j < n && strcmp(all[j].who, key) != 0; j++)
				;
			if (j == n) {
				if (n == sizeof all / sizeof all[0])
					continue;
				snprintf(all[n].who, sizeof all[n].who, "%s", key);
				member[n] = p->customer_id != NULL;
				all[n++].trips = 0;
			}
			all[j].trips++;
		}
	}
	/* The most frequent few, by trips then key. */
	for (size_t k = 0; k < COMPANIONS_SHOWN && k < n; k++) {
		size_t best = k;
		for (size_t j = k + 1; j < n; j++)
			if (all[j].trips > all[best].trips ||
			    (all[j].trips == all[best].trips && strcmp(all[j].who, all[best].who) < 0))
				best = j;
		struct companion tmp = all[k];
		bool tm = member[k];
		all[k] = all[best];
		member[k] = member[best];
		all[best] = tmp;
		member[best] = tm;
		struct companion *c = &s->companions[s->n_companions++];
		*c = all[k];
		char name[96];
		if (member[k] && lookup_customer_name(con->cache, all[k].who, name, sizeof name))
			snprintf(c->who, sizeof c->who, "%s", name);
	}
}

static void load(struct console *con)
{
	struct customer_screen *s = state_of(con);
	struct irm_err e = { 0 };

	unload(s);
	s->error[0] = '\0';
	if (context_load(con->cache, con->customer, &s->x, &e) != IRM_OK) {
		snprintf(s->error, sizeof s->error, "%s", e.msg);
		return;
	}
	s->loaded = true;
	struct alert_filter f = {
		.customer = s->x.customer.id,
		.states = 1u << ALERT_PROJECTED | 1u << ALERT_PENDING | 1u << ALERT_ACKNOWLEDGED,
	};
	if (alerts_list(con->cache, &f, &s->alerts, &e) != IRM_OK)
		snprintf(s->error, sizeof s->error, "%s", e.msg);
	s->intent = xcalloc(s->x.n_trips ? s->x.n_trips : 1, sizeof *s->intent);
	intent_infer_all(&con->cli->weights, &s->x.customer, s->x.trips, s->x.n_trips, s->intent);
	intent_profile_build(&s->x.customer, s->x.trips, s->x.n_trips, s->intent, s->profile);
	if (s->selected >= s->alerts.n)
		s->selected = s->alerts.n ? s->alerts.n - 1 : 0;
	if (notes_list(con->cache, s->x.customer.id, &s->notes, &e) != IRM_OK)
		memset(&s->notes, 0, sizeof s->notes);
	order_trips(s);
	if (s->trip >= s->n_order)
		s->trip = s->n_order ? s->n_order - 1 : 0;
	count_companions(con, s);
}

static void open_customer(struct console *con)
{
	if (!con->state[SCREEN_CUSTOMER])
		con->state[SCREEN_CUSTOMER] = xcalloc(1, sizeof(struct customer_screen));
	struct customer_screen *s = state_of(con);
	if (strcmp(s->shown, con->customer) != 0) {
		s->selected = s->trip = 0;
		s->on_trips = s->expanded = false;
		snprintf(s->shown, sizeof s->shown, "%s", con->customer);
	}
	s->awaiting_action = false;
	load(con);
}

static void close_customer(struct console *con)
{
	unload(state_of(con));
}

static const char *customer_alert(struct console *con)
{
	struct customer_screen *s = state_of(con);
	/* None while the cursor is in the trips: the ▶ shows what is acted on. */
	return s && s->loaded && !s->on_trips && s->selected < s->alerts.n ? s->alerts.v[s->selected].id
									   : NULL;
}

static const char *customer_id(struct console *con)
{
	struct customer_screen *s = state_of(con);
	return s && s->loaded ? s->x.customer.id : NULL;
}

static void destroy_customer(void *state)
{
	unload(state);
	free(state);
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* "22 Nov 08:15" at the instant's own local time. */
static void when_text(struct irm_time t, char *buf, size_t size)
{
	int y, m, d, min = date_local_minute(t);
	date_to_ymd(date_local_day(t), &y, &m, &d);
	snprintf(buf, size, "%d %s %02d:%02d", d, months[m - 1], min / 60, min % 60);
}

static void upper(const char *in, char *out, size_t size)
{
	size_t i;
	for (i = 0; in[i] && i + 1 < size; i++)
		out[i] = (char)(in[i] >= 'a' && in[i] <= 'z' ? in[i] - 'a' + 'A' : in[i]);
	out[i] = '\0';
}

/* The customer's seat on a leg of their trips, or NULL. */
static const char *seat_of(const struct customer_screen *s, const char *segment_id)
{
	for (size_t i = 0; i < s->x.n_trips; i++) {
		const struct trip *t = &s->x.trips[i];
		for (size_t k = 0; k < t->n_segments; k++) {
			const struct segment *g = &t->segments[k];
			if (!g->id || strcmp(g->id, segment_id) != 0)
				continue;
			for (size_t j = 0; j < g->n_seats; j++)
				if (g->seats[j].passenger && g->seats[j].seat &&
				    strcmp(g->seats[j].passenger, s->x.customer.id) == 0)
					return g->seats[j].seat;
		}
	}
	return NULL;
}

static int draw_header(struct console *con, WINDOW *win, int w)
{
	struct customer_screen *s = state_of(con);
	const struct customer *cu = &s->x.customer;
	char tier[32], right[96], a[32], b[32], since[48] = "";
	static const char *const marks[TIER_COUNT] = { "", "", "", "◆ ", "◆ " };

	snprintf(tier, sizeof tier, "%s", model_tier_name(cu->tier));
	upper(tier, tier, sizeof tier);
	snprintf(right, sizeof right, "%s mi lifetime · %s flights", cli_thousands(cu->lifetime_miles, a),
		 cli_thousands(cu->lifetime_flights, b));
	if (cu->member_since != DATE_NONE) {
		int y, m, d;
		date_to_ymd(cu->member_since, &y, &m, &d);
		snprintf(since, sizeof since, " · member since %d", y);
	}
	/* It never wraps: at 80 columns "member since" and the flights go first. */
	if (w < 100) {
		since[0] = '\0';
		snprintf(right, sizeof right, "%s mi", cli_thousands(cu->lifetime_miles, a));
	}
	int rw = text_width(right);
	int x = 1 + draw_text(win, 0, 1, cu->name, w / 3, A_BOLD);
	char mid[160];
	snprintf(mid, sizeof mid, "  %s%s  %s%s%s%s", marks[cu->tier < TIER_COUNT ? cu->tier : 0], tier,
		 cu->member ? cu->member : "", since, cu->home_airport[0] ? " · " : "", cu->home_airport);
	draw_text(win, 0, x, mid, w - x - rw - 2, con->color ? COLOR_PAIR(4) : A_NORMAL);
	draw_text(win, 0, w - rw - 1, right, rw, A_NORMAL);

	/* The next lifetime-miles milestone, and the leg that crosses it. */
	const struct rule *u = rules_find(&con->cli->rules, "lifetime_miles");
	int64_t next = u ? rules_next_threshold(u, cu->lifetime_miles) : -1;
	if (next <= 0)
		return 1;
	char label[64], togo[64], prefers[64];
	snprintf(label, sizeof label, " next %s mi ", cli_thousands(next, a));
	snprintf(togo, sizeof togo, " %s to go", cli_thousands(next - cu->lifetime_miles, b));
	int lw = draw_text(win, 1, 0, label, w, A_NORMAL);
	int bar = w - lw - text_width(togo) - 2;
	if (bar > 4) {
		int64_t prev = 0;
		for (size_t i = 0; u && i < u->n_thresholds; i++)
			if (u->thresholds[i] < next)
				prev = u->thresholds[i];
		if (next - prev > 0 && u->every > 0 && prev < next - u->every)
			prev = next - u->every;
		double frac = (double)(cu->lifetime_miles - prev) / (double)(next - prev);
		int filled = (int)(frac * bar + 0.5);
		wmove(win, 1, lw);
		for (int i = 0; i < bar; i++)
			waddstr(win, i < filled ? "█" : "░");
		draw_text(win, 1, lw + bar, togo, w - lw - bar, A_NORMAL);
	}
	/* The third line: the leg that crosses it, with the seat, and how the
	 * customer likes to be recognised. */
	snprintf(prefers, sizeof prefers, "recognition: %s ", model_recognition_name(cu->recognition));
	int pw = w >= 100 ? text_width(prefers) : 0;     /* narrow: the leg and seat first */
	if (pw)
		draw_text(win, 2, w - pw, prefers, pw, A_DIM);
	for (size_t i = 0; i < s->alerts.n; i++) {
		const struct alert_item *al = &s->alerts.v[i];
		if (strcmp(al->kind, "lifetime_miles") != 0 || al->threshold != next || !al->has_segment ||
		    !al->segment.known)
			continue;
		char line[200], when[32], seat[32] = "";
		const char *where = seat_of(s, al->segment.id);
		if (where)
			snprintf(seat, sizeof seat, " · seat %s", where);
		when_text(al->segment.departure, when, sizeof when);
		snprintf(line, sizeof line, "crosses on %s%s %s→%s %s%s", al->segment.carrier ? al->segment.carrier : "",
			 al->segment.flight ? al->segment.flight : "", al->segment.origin,
			 al->segment.destination, when, seat);
		draw_text(win, 2, lw, line, w - lw - pw - 2, A_BOLD);
		break;
	}
	return 3;
}

static void leg_text(const struct alert_leg *g, char *buf, size_t size)
{
	char when[32];
	when_text(g->departure, when, sizeof when);
	snprintf(buf, size, "%s%s %s→%s %s", g->carrier ? g->carrier : "", g->flight ? g->flight : "",
		 g->origin, g->destination, when);
}

static int draw_alerts(struct console *con, WINDOW *win, int row, int h, int w)
{
	struct customer_screen *s = state_of(con);
	if (row >= h)
		return row;
	draw_rule(win, row++, w, "Alerts");
	if (!s->alerts.n && row < h)
		draw_text(win, row++, 3, "none open", w - 4, A_DIM);
	for (size_t i = 0; i < s->alerts.n && row < h; i++) {
		const struct alert_item *al = &s->alerts.v[i];
		char state[16], leg[96] = "", line[320];
		upper(alert_state_name(al->state), state, sizeof state);
		if (al->has_segment && al->segment.known)
			leg_text(&al->segment, leg, sizeof leg);
		bool sel = i == s->selected && !s->on_trips;
		attr_t color = !con->color ? A_BOLD : al->state == ALERT_PENDING ? COLOR_PAIR(3)
			     : al->state == ALERT_PROJECTED ? COLOR_PAIR(2) : A_NORMAL;
		mvwaddstr(win, row, 1, sel ? "▶" : " ");
		draw_text(win, row, 3, state, 13, color | A_BOLD);
		char owner[160] = "";
		if (al->assigned_to)
			snprintf(owner, sizeof owner, "  · %s", al->assigned_to);
		snprintf(line, sizeof line, "%-28s  %s%s", al->title ? al->title : al->kind, leg, owner);
		const char *keys = "a ack  d done  x dismiss";
		int kw = sel ? text_width(keys) + 1 : 0;
		int used = draw_text(win, row, 16, line, w - 17 - kw, sel ? A_BOLD : A_NORMAL);
		if (sel && 16 + used + kw <= w)
			draw_text(win, row, w - kw, keys, kw - 1, A_DIM);
		row++;
		if (i == s->selected && al->message && row < h) {
			char quoted[700];
			snprintf(quoted, sizeof quoted, "\u201c%s\u201d", al->message);
			draw_text(win, row++, 5, quoted, w - 6, A_NORMAL);
		}
		/* Enter: its history, oldest first. */
		for (size_t k = 0; sel && s->expanded && k < al->n_history && row < h; k++) {
			const struct alert_history_entry *x = &al->history[k];
			char at[26], entry[400];
			date_format_time((struct irm_time){ .utc = x->at_utc }, at);
			snprintf(entry, sizeof entry, "%s  %s  %s → %s%s%s", at, x->who,
				 x->has_from ? alert_state_name(x->from) : "·", alert_state_name(x->to),
				 x->note ? "  " : "", x->note ? x->note : "");
			draw_text(win, row++, 7, entry, w - 8, A_DIM);
		}
	}
	if (s->awaiting_action && row < h)
		draw_text(win, row++, 3, "done how?  e email  c call  g greeting  f gift  s social  o other"
			  "  (Esc: never mind)", w - 4, A_BOLD);
	return row;
}

static int draw_notes(struct customer_screen *s, WINDOW *win, int row, int h, int w)
{
	if (!s->notes.n || row >= h)
		return row;
	draw_rule(win, row++, w, "Notes");
	for (size_t i = 0; i < s->notes.n && i < NOTES_SHOWN && row < h; i++) {
		const struct note *n = &s->notes.v[i];
		char when[32], head[200];
		when_text((struct irm_time){ .utc = n->at_utc }, when, sizeof when);
		snprintf(head, sizeof head, "%s · %s  ", when, n->author);
		int used = draw_text(win, row, 3, head, w / 3, A_DIM);
		draw_text(win, row++, 3 + used, n->text, w - 4 - used, A_NORMAL);
	}
	return row;
}

static int draw_trips(struct console *con, WINDOW *win, int row, int h, int w)
{
	struct customer_screen *s = state_of(con);
	if (row >= h)
		return row;
	draw_rule(win, row++, w, "Trips");
	/* Keep the trip under the cursor in sight. */
	size_t first = 0, rows = (size_t)(h - row);
	if (s->on_trips && rows && s->trip >= rows)
		first = s->trip - rows + 1;
	for (size_t k = first; k < s->n_order && row < h; k++) {
		const struct trip *t = &s->x.trips[s->order[k]];
		const struct intent_result *r = &s->intent[s->order[k]];
		char day[16], route[128], label[24], line[400];
		int y, m, d;
		bool sel = s->on_trips && k == s->trip;
		date_to_ymd(date_local_day(t->segments[0].departure), &y, &m, &d);
		snprintf(day, sizeof day, "%02d %s %d", d, months[m - 1], y);
		size_t rn = 0;
		route[0] = '\0';
		for (size_t i = 0; i < t->n_segments && rn < sizeof route - 16; i++) {
			const struct segment *g = &t->segments[i];
			if (i == 0 || strcmp(g->origin, t->segments[i - 1].destination) != 0)
				rn += (size_t)snprintf(route + rn, sizeof route - rn, "%s%s→%s", i ? " " : "",
						       g->origin, g->destination);
			else
				rn += (size_t)snprintf(route + rn, sizeof route - rn, "→%s", g->destination);
		}
		upper(model_intent_name(r->label), label, sizeof label);
		snprintf(line, sizeof line, "%-12s %-16s %c  %-11s", day, route,
			 model_cabin_letter(t->segments[0].cabin), intent_situation_name(r->situation));
		mvwaddstr(win, row, 1, sel ? "▶" : " ");
		int used = draw_text(win, row, 3, line, w - 4, sel ? A_BOLD : A_NORMAL);
		char in[40];
		snprintf(in, sizeof in, " %s %d%%", label, (int)(r->confidence * 100 + 0.5));
		int x = 3 + used;
		x += draw_text(win, row, x, in, w - x - 1, con->color ? COLOR_PAIR(4) | A_BOLD : A_BOLD);
		/* Its reasons: the first two when there is room; all under Enter. */
		if (r->n_reasons && x + 12 < w && !(sel && s->expanded)) {
			char why[300];
			snprintf(why, sizeof why, "  %s%s%s", r->reasons[0], r->n_reasons > 1 ? " · " : "",
				 r->n_reasons > 1 ? r->reasons[1] : "");
			draw_text(win, row, x, why, w - x - 1, A_DIM);
		}
		row++;
		for (int i = 0; sel && s->expanded && i < r->n_reasons && row < h; i++)
			draw_text(win, row++, 7, r->reasons[i], w - 8, A_NORMAL);
		if (sel && s->expanded && row < h) {
			char pnr[160];
			snprintf(pnr, sizeof pnr, "booking %s · %s · %zu passenger%s", t->pnr ? t->pnr : t->id,
				 model_channel_name(t->channel), t->n_passengers, t->n_passengers == 1 ? "" : "s");
			draw_text(win, row++, 7, pnr, w - 8, A_DIM);
		}
	}
	if (!s->n_order && row < h)
		draw_text(win, row++, 3, "no trips", w - 4, A_DIM);
	return row;
}

static void draw_profile(struct console *con, WINDOW *win, int row, int h, int w)
{
	struct customer_screen *s = state_of(con);
	static const char *const names[INTENT_COUNT] = { "business", "leisure", "visiting" };
	if (row >= h)
		return;
	draw_rule(win, row++, w, "When travelling for…");
	int x = 3;
	for (int i = 0; i < INTENT_COUNT && row < h; i++) {
		const struct intent_profile *p = &s->profile[i];
		if (!p->trips)
			continue;
		char stars[16] = "", part[200];
		if (p->hotel_stars)
			snprintf(stars, sizeof stars, " · %d★", p->hotel_stars);
		snprintf(part, sizeof part, "%s %c%s · %s", names[i], model_cabin_letter(p->cabin), stars,
			 p->companions);
		int pw = text_width(part);
		if (x > 3 && x + pw > w - 1) {
			row++;
			x = 3;
			if (row >= h)
				break;
		}
		x += draw_text(win, row, x, part, w - x - 1, A_NORMAL) + 4;
	}
	if (s->n_companions && ++row < h) {
		char line[600];
		size_t n = (size_t)snprintf(line, sizeof line, "travels with");
		for (size_t i = 0; i < s->n_companions && n < sizeof line; i++)
			n += (size_t)snprintf(line + n, sizeof line - n, "%s %s ×%d", i ? " ·" : "",
					      s->companions[i].who, s->companions[i].trips);
		draw_text(win, row, 3, line, w - 4, A_NORMAL);
	}
}

static void draw_customer(struct console *con, WINDOW *win, int h, int w)
{
	struct customer_screen *s = state_of(con);
	if (!s->loaded) {
		draw_text(win, 0, 1, s->error[0] ? s->error : "no customer", w - 2, A_BOLD);
		return;
	}
	int row = draw_header(con, win, w);
	row = draw_alerts(con, win, row, h, w);
	/* The trips take what the notes and the profile leave. */
	int tail = 2 + (s->n_companions ? 1 : 0);
	int notes_end = h - tail - 3 > row ? h - tail - 3 : row;
	row = draw_notes(s, win, row, notes_end, w);
	int trips_end = h - tail > row ? h - tail : h;
	row = draw_trips(con, win, row, trips_end, w);
	draw_profile(con, win, row, h, w);
}

static void on_dismiss(struct console *con, const char *reason)
{
	struct customer_screen *s = state_of(con);
	if (!*reason)
		console_flash(con, "not dismissed: say why");
	else
		console_act(con, s->asked, ALERT_EV_DISMISS, ACTION_OTHER, reason, NULL);
}

static void on_assign(struct console *con, const char *who)
{
	struct customer_screen *s = state_of(con);
	if (!*who)
		console_flash(con, "not assigned: to whom?");
	else
		console_act(con, s->asked, ALERT_EV_ASSIGN, ACTION_OTHER, NULL, who);
}

static void on_note(struct console *con, const char *text)
{
	struct customer_screen *s = state_of(con);
	if (s->loaded)
		console_note(con, s->x.customer.id, text);
}

/* Ask a question about the selected alert. */
static void ask(struct console *con, const char *what, cmdline_answer_fn fn)
{
	struct customer_screen *s = state_of(con);
	if (s->selected >= s->alerts.n)
		return;
	snprintf(s->asked, sizeof s->asked, "%s", s->alerts.v[s->selected].id);
	char prompt[256];
	snprintf(prompt, sizeof prompt, "%s %s: ", what, s->asked);
	cmdline_open(con, prompt, NULL, fn, fn == on_assign ? OFFER_PEOPLE : OFFER_NOTHING);
}

static void move_cursor(struct customer_screen *s, int by)
{
	size_t *at = s->on_trips ? &s->trip : &s->selected;
	size_t n = s->on_trips ? s->n_order : s->alerts.n;
	if (by < 0 && *at > 0)
		(*at)--;
	else if (by > 0 && *at + 1 < n)
		(*at)++;
	s->expanded = false;
}

static int key_customer(struct console *con, wint_t ch, bool fkey)
{
	struct customer_screen *s = state_of(con);

	if (s->awaiting_action && !fkey) {
		enum alert_action action;
		s->awaiting_action = false;
		const char *id = customer_alert(con);
		if (id && console_action_key(ch, &action))
			console_act(con, id, ALERT_EV_DONE, action, NULL, NULL);
		return ACT_REDRAW;
	}
	if (fkey) {
		s->awaiting_action = false;
		if (ch == KEY_DOWN)
			move_cursor(s, 1);
		else if (ch == KEY_UP)
			move_cursor(s, -1);
		else if (ch == KEY_ENTER)
			s->expanded = !s->expanded;
		else if (ch == KEY_BTAB)
			s->on_trips = !s->on_trips;
		return ACT_REDRAW;
	}
	const char *id = customer_alert(con);
	switch (ch) {
	case 3:
	case 4:
		return ACT_QUIT;
	case 27:
	case 'q':
		/* Back where they came from: the queue, or search. */
		console_show(con, con->previous == SCREEN_QUEUE ? SCREEN_QUEUE : SCREEN_SEARCH);
		return ACT_REDRAW;
	case '\t':
		s->on_trips = !s->on_trips && s->n_order;
		s->expanded = false;
		return ACT_REDRAW;
	case '\r':
	case '\n':
		s->expanded = !s->expanded;
		return ACT_REDRAW;
	case 14:
	case 'j':
		move_cursor(s, 1);
		return ACT_REDRAW;
	case 16:
	case 'k':
		move_cursor(s, -1);
		return ACT_REDRAW;
	case 'a':
		if (id)
			console_act(con, id, ALERT_EV_ACK, ACTION_OTHER, NULL, NULL);
		return ACT_REDRAW;
	case 'd':
		if (id)
			s->awaiting_action = true;
		return ACT_REDRAW;
	case 'x':
		if (id)
			ask(con, "dismiss", on_dismiss);
		return ACT_REDRAW;
	case 'A':
		if (id)
			ask(con, "assign", on_assign);
		return ACT_REDRAW;
	case 'n': {
		char prompt[160];
		if (!s->loaded)
			return ACT_NONE;
		snprintf(prompt, sizeof prompt, "note about %s: ", s->x.customer.id);
		cmdline_open(con, prompt, NULL, on_note, OFFER_NOTHING);
		return ACT_REDRAW;
	}
	}
	return ACT_NONE;
}

static void reload_customer(struct console *con)
{
	load(con);
}

const struct screen_ops screen_customer_ops = {
	.name = "customer",
	.hints = " ↑↓ select · a ack · d done · x dismiss · A assign · n note · Tab trips · Enter more "
		 "· ? help · Esc back",
	.keys = (const struct key_help[]){
		{ "↑ ↓  j k  Ctrl-P Ctrl-N", "move through the alerts (or the trips, after Tab)" },
		{ "Tab", "between the alerts and the trips" },
		{ "Enter", "an alert's history; a trip's reasons in full, its booking and channel" },
		{ "a", "acknowledge the alert: you own it now" },
		{ "d e|c|g|f|s|o", "done, by email, call, greeting, gift, social or other" },
		{ "x", "dismiss the alert (asks why)" },
		{ "A", "assign the alert to someone (asks whom; Tab completes)" },
		{ "n", "add a note about the customer" },
		{ ":", "the command line (find, open, ack, done, dismiss, assign, note, alerts, help, quit)" },
		{ "/", "search" },
		{ "Esc  q", "back: to the queue when you came from it, else to search" },
		{ "?  F1", "this help" },
		{ "Ctrl-C  Ctrl-D", "quit" },
		{ NULL, NULL },
	},
	.open = open_customer,
	.draw = draw_customer,
	.key = key_customer,
	.close = close_customer,
	.destroy = destroy_customer,
	.reload = reload_customer,
	.alert = customer_alert,
	.customer = customer_id,
};
