/* screen_customer.c — one customer's context: who they are, the next
 * milestone and the leg that crosses it, their open alerts with what to
 * say, their trips with intent and situation, and how they travel for each
 * intent. Acting on an alert takes one or two keys: a acknowledges; d then
 * e/c/g/f/s/o marks it done with that action. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "cli.h"
#include "clock.h"
#include "console.h"
#include "context.h"
#include "intent.h"
#include "mem.h"
#include "text.h"

struct customer_screen {
	struct customer_context x;
	bool loaded;
	struct alert_list alerts;
	struct intent_result *intent;
	struct intent_profile profile[INTENT_COUNT];
	size_t selected;            /* the alert acted on */
	bool awaiting_action;       /* d pressed: the next key says which */
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
	free(s->intent);
	s->intent = NULL;
	s->loaded = false;
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
}

static void open_customer(struct console *con)
{
	if (!con->state[SCREEN_CUSTOMER])
		con->state[SCREEN_CUSTOMER] = xcalloc(1, sizeof(struct customer_screen));
	state_of(con)->selected = 0;
	state_of(con)->awaiting_action = false;
	load(con);
}

static void close_customer(struct console *con)
{
	unload(state_of(con));
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
	char label[64], togo[64];
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
	int rows = 2;
	for (size_t i = 0; i < s->alerts.n; i++) {
		const struct alert_item *al = &s->alerts.v[i];
		if (strcmp(al->kind, "lifetime_miles") != 0 || al->threshold != next || !al->has_segment ||
		    !al->segment.known)
			continue;
		char line[160], when[32];
		when_text(al->segment.departure, when, sizeof when);
		snprintf(line, sizeof line, "crosses on %s%s %s→%s %s", al->segment.carrier ? al->segment.carrier : "",
			 al->segment.flight ? al->segment.flight : "", al->segment.origin,
			 al->segment.destination, when);
		draw_text(win, 2, lw, line, w - lw - 1, A_BOLD);
		rows = 3;
		break;
	}
	return rows;
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
		if (al->has_segment && al->segment.known) {
			char when[32];
			when_text(al->segment.departure, when, sizeof when);
			snprintf(leg, sizeof leg, "%s%s %s→%s %s", al->segment.carrier ? al->segment.carrier : "",
				 al->segment.flight ? al->segment.flight : "", al->segment.origin,
				 al->segment.destination, when);
		}
		bool sel = i == s->selected;
		attr_t color = !con->color ? A_BOLD : al->state == ALERT_PENDING ? COLOR_PAIR(3)
			     : al->state == ALERT_PROJECTED ? COLOR_PAIR(2) : A_NORMAL;
		mvwaddstr(win, row, 1, sel ? "▶" : " ");
		draw_text(win, row, 3, state, 13, color | A_BOLD);
		snprintf(line, sizeof line, "%-28s  %s", al->title ? al->title : al->kind, leg);
		int used = draw_text(win, row, 16, line, w - 17 - (sel ? 14 : 0), sel ? A_BOLD : A_NORMAL);
		if (sel && 16 + used + 14 <= w)
			draw_text(win, row, w - 14, "a ack  d done", 13, A_DIM);
		row++;
		if (sel && al->message && row < h) {
			char quoted[700];
			snprintf(quoted, sizeof quoted, "\u201c%s\u201d", al->message);
			draw_text(win, row++, 5, quoted, w - 6, A_NORMAL);
		}
	}
	if (s->awaiting_action && row < h)
		draw_text(win, row++, 3, "done how?  e email  c call  g greeting  f gift  s social  o other"
			  "  (Esc: never mind)", w - 4, A_BOLD);
	return row;
}

static int draw_trips(struct console *con, WINDOW *win, int row, int h, int w)
{
	struct customer_screen *s = state_of(con);
	int64_t now = clock_now();
	if (row >= h)
		return row;
	draw_rule(win, row++, w, "Trips");
	/* Upcoming first (soonest first), then recent (latest first). */
	size_t order[512], n = 0;
	for (size_t i = 0; i < s->x.n_trips && n < 512; i++) {
		const struct trip *t = &s->x.trips[i];
		if (t->n_segments && t->segments[t->n_segments - 1].departure.utc >= now)
			order[n++] = i;
	}
	for (size_t i = s->x.n_trips; i-- > 0 && n < 512; ) {
		const struct trip *t = &s->x.trips[i];
		if (t->n_segments && t->segments[t->n_segments - 1].departure.utc < now)
			order[n++] = i;
	}
	for (size_t k = 0; k < n && row < h; k++) {
		const struct trip *t = &s->x.trips[order[k]];
		const struct intent_result *r = &s->intent[order[k]];
		char day[16], route[128], label[24], line[400];
		int y, m, d;
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
		int used = draw_text(win, row, 3, line, w - 4, A_NORMAL);
		char in[40];
		snprintf(in, sizeof in, " %s %d%%", label, (int)(r->confidence * 100 + 0.5));
		int x = 3 + used;
		x += draw_text(win, row, x, in, w - x - 1, con->color ? COLOR_PAIR(4) | A_BOLD : A_BOLD);
		/* Its reasons, when there is room. */
		if (r->n_reasons && x + 12 < w) {
			char why[300];
			snprintf(why, sizeof why, "  %s%s%s", r->reasons[0], r->n_reasons > 1 ? " · " : "",
				 r->n_reasons > 1 ? r->reasons[1] : "");
			draw_text(win, row, x, why, w - x - 1, A_DIM);
		}
		row++;
	}
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
	/* Keep the last rows for the profile. */
	int trips_end = h - 2 > row ? h - 2 : h;
	row = draw_trips(con, win, row, trips_end, w);
	draw_profile(con, win, row, h, w);
}

static void act(struct console *con, enum alert_event ev, enum alert_action action)
{
	struct customer_screen *s = state_of(con);
	struct irm_err e = { 0 };
	struct alert_act_result r;

	if (s->selected >= s->alerts.n)
		return;
	if (!con->cli->as) {
		console_flash(con, "who acts? start irm with --as NAME");
		return;
	}
	char id[128];
	snprintf(id, sizeof id, "%s", s->alerts.v[s->selected].id);
	if (alerts_act(con->cache, id, ev, con->cli->as, action, NULL, NULL, clock_now(), &r, &e) != IRM_OK)
		console_flash(con, "%s", e.msg);
	else
		console_flash(con, "%s: %s", id, alert_state_name(r.to));
	load(con);
}

static int key_customer(struct console *con, wint_t ch, bool fkey)
{
	struct customer_screen *s = state_of(con);

	if (s->awaiting_action && !fkey) {
		static const struct { wint_t key; enum alert_action action; } keys[] = {
			{ 'e', ACTION_EMAIL }, { 'c', ACTION_CALL }, { 'g', ACTION_GREETING },
			{ 'f', ACTION_GIFT }, { 's', ACTION_SOCIAL }, { 'o', ACTION_OTHER },
		};
		s->awaiting_action = false;
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (keys[i].key == ch)
				act(con, ALERT_EV_DONE, keys[i].action);
		return ACT_REDRAW;
	}
	if (fkey) {
		if (ch == KEY_DOWN && s->selected + 1 < s->alerts.n)
			s->selected++;
		else if (ch == KEY_UP && s->selected > 0)
			s->selected--;
		return ACT_REDRAW;
	}
	switch (ch) {
	case 3:
	case 4:
		return ACT_QUIT;
	case 27:
	case '/':
		console_show(con, SCREEN_SEARCH);
		return ACT_REDRAW;
	case 14:
	case 'j':
		if (s->selected + 1 < s->alerts.n)
			s->selected++;
		return ACT_REDRAW;
	case 16:
	case 'k':
		if (s->selected > 0)
			s->selected--;
		return ACT_REDRAW;
	case 'a':
		act(con, ALERT_EV_ACK, ACTION_OTHER);
		return ACT_REDRAW;
	case 'd':
		if (s->alerts.n)
			s->awaiting_action = true;
		return ACT_REDRAW;
	}
	return ACT_NONE;
}

const struct screen_ops screen_customer_ops = {
	.name = "customer",
	.hints = " ↑↓ alert · a ack · d done · / search · Esc back · Ctrl-C quit",
	.open = open_customer,
	.draw = draw_customer,
	.key = key_customer,
	.close = close_customer,
	.destroy = destroy_customer,
};
