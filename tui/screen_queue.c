/* screen_queue.c — the alert queue: alerts across customers, for the
 * supervisor (irm --role supervisor opens on it) and for anyone (:alerts).
 *
 * At the top the counts by state, what is overdue and due soon, and how
 * the queue is moving (alerts raised and done per hour, the last 8 hours).
 * Then one row per alert: when it is due (overdue ones in red with the
 * time past due, due-soon ones with the time left), its state, what it is,
 * the customer, the leg and the owner. Space marks rows; a, x, A and d act
 * on the marked rows, or on the one under the cursor when none is marked.
 * s changes the order, f edits the filter as an ":alerts …" command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "cmdline.h"
#include "console.h"
#include "mem.h"
#include "text.h"

enum {
	PAGE = 100,                 /* rows read at first; moving past them reads more */
	ROWS_MAX = 5000,
	HOURS = 8,                  /* of activity shown */
	SOON = 2 * 3600,            /* "due soon": within two hours */
	MARKS_MAX = 500,
};

struct queue_screen {
	struct queue_view view;
	struct alert_list list;
	struct alert_counts counts;
	size_t limit;               /* rows read: PAGE, more as the cursor goes down */
	long created[HOURS], done[HOURS];
	size_t cur, top;
	char *marks[MARKS_MAX];     /* the ids marked with Space */
	size_t n_marks;
	bool awaiting_action;       /* d pressed */
	char error[512];
};

static struct queue_screen *state_of(struct console *con)
{
	return con->state[SCREEN_QUEUE];
}

static void clear_marks(struct queue_screen *q)
{
	for (size_t i = 0; i < q->n_marks; i++)
		free(q->marks[i]);
	q->n_marks = 0;
}

static bool marked(const struct queue_screen *q, const char *id)
{
	for (size_t i = 0; i < q->n_marks; i++)
		if (strcmp(q->marks[i], id) == 0)
			return true;
	return false;
}

static void toggle_mark(struct queue_screen *q, const char *id)
{
	for (size_t i = 0; i < q->n_marks; i++) {
		if (strcmp(q->marks[i], id) == 0) {
			free(q->marks[i]);
			q->marks[i] = q->marks[--q->n_marks];
			return;
		}
	}
	if (q->n_marks < MARKS_MAX)
		q->marks[q->n_marks++] = xstrdup(id);
}

static void fill_filter(const struct queue_view *v, struct alert_filter *f)
{
	memset(f, 0, sizeof *f);
	f->states = v->states;
	f->kind = v->kind[0] ? v->kind : NULL;
	f->station = v->station[0] ? v->station : NULL;
	f->assignee = !v->assignee[0] ? NULL : strcmp(v->assignee, "-") == 0 ? "" : v->assignee;
	f->order = v->order;
	f->no_history = true;
}

/* Read the view again; the cursor stays on its alert when `keep` and the
 * alert is still listed. */
static void load_view(struct console *con, bool keep_cursor)
{
	struct queue_screen *q = state_of(con);
	struct irm_err e = { 0 };
	struct alert_filter f;
	char keep[160] = "";

	if (keep_cursor && q->cur < q->list.n)
		snprintf(keep, sizeof keep, "%s", q->list.v[q->cur].id);
	alerts_list_free(&q->list);
	q->error[0] = '\0';
	fill_filter(&q->view, &f);
	if (q->limit < PAGE)
		q->limit = PAGE;
	f.limit = q->limit;
	int64_t now = clock_now();
	if (alerts_list(con->cache, &f, &q->list, &e) != IRM_OK ||
	    alerts_count(con->cache, &f, now, SOON, &q->counts, &e) != IRM_OK ||
	    alerts_activity(con->cache, now, HOURS, q->created, q->done, &e) != IRM_OK)
		snprintf(q->error, sizeof q->error, "%s", e.msg);
	/* The cursor stays on its alert when it is still listed. */
	if (keep[0])
		for (size_t i = 0; i < q->list.n; i++)
			if (strcmp(q->list.v[i].id, keep) == 0)
				q->cur = i;
	if (q->cur >= q->list.n)
		q->cur = q->list.n ? q->list.n - 1 : 0;
}

static void load(struct console *con)
{
	load_view(con, true);
}

static void open_queue(struct console *con)
{
	if (!con->state[SCREEN_QUEUE]) {
		struct queue_screen *q = xcalloc(1, sizeof *q);
		q->view.states = ALERT_STATES_OPEN;
		con->state[SCREEN_QUEUE] = q;
	}
	state_of(con)->awaiting_action = false;
	load(con);
}

void queue_screen_view(struct console *con, const struct queue_view *v)
{
	if (!con->state[SCREEN_QUEUE])
		con->state[SCREEN_QUEUE] = xcalloc(1, sizeof(struct queue_screen));
	struct queue_screen *q = state_of(con);
	q->view = *v;
	q->cur = q->top = 0;
	q->limit = PAGE;
	clear_marks(q);
	if (con->screen == SCREEN_QUEUE)
		load_view(con, false);
	else
		console_show(con, SCREEN_QUEUE);
}

void queue_view_command(const struct queue_view *v, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "alerts");
	if (v->states == 0) {
		n += (size_t)snprintf(buf + n, size - n, " --state all");
	} else if (v->states != ALERT_STATES_OPEN) {
		for (int i = 0; i < ALERT_STATE_COUNT; i++)
			if (v->states == 1u << i)
				n += (size_t)snprintf(buf + n, size - n, " --state %s",
						      alert_state_name((enum alert_state)i));
	}
	char quoted[300];
	if (v->kind[0] && n < size && console_quote(v->kind, quoted, sizeof quoted))
		n += (size_t)snprintf(buf + n, size - n, " --kind %s", quoted);
	if (v->station[0] && n < size && console_quote(v->station, quoted, sizeof quoted))
		n += (size_t)snprintf(buf + n, size - n, " --station %s", quoted);
	if (v->assignee[0] && n < size && console_quote(v->assignee, quoted, sizeof quoted))
		n += (size_t)snprintf(buf + n, size - n, " --assignee %s", quoted);
	if (v->order != ALERT_ORDER_DUE && n < size)
		snprintf(buf + n, size - n, " --sort %s", alert_order_name(v->order));
}

static void close_queue(struct console *con)
{
	alerts_list_free(&state_of(con)->list);
}

static void destroy_queue(void *state)
{
	struct queue_screen *q = state;
	alerts_list_free(&q->list);
	clear_marks(q);
	free(q);
}

/* "1h12", "0h05", "3 d" */
static void span_text(int64_t s, char *buf, size_t size)
{
	if (s >= 2 * 86400)
		snprintf(buf, size, "%lld d", (long long)(s / 86400));
	else
		snprintf(buf, size, "%lldh%02lld", (long long)(s / 3600), (long long)(s % 3600 / 60));
}

static void sparkline(const long *v, int n, char *buf, size_t size)
{
	static const char *const bars[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	long max = 0;
	size_t k = 0;
	for (int i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	buf[0] = '\0';
	for (int i = 0; i < n && k + 4 < size; i++) {
		int level = max ? (int)((v[i] * 7 + max - 1) / max) : 0;
		k += (size_t)snprintf(buf + k, size - k, "%s", bars[level > 7 ? 7 : level]);
	}
}

static void draw_summary(struct console *con, WINDOW *win, int w)
{
	struct queue_screen *q = state_of(con);
	const struct alert_counts *c = &q->counts;
	char left[256], right[192], a[64], b[64];

	snprintf(left, sizeof left, " pending %ld · acknowledged %ld · projected %ld · ",
		 c->state[ALERT_PENDING], c->state[ALERT_ACKNOWLEDGED], c->state[ALERT_PROJECTED]);
	int x = draw_text(win, 0, 0, left, w, A_NORMAL);
	char hot[96];
	snprintf(hot, sizeof hot, "overdue %ld", c->overdue);
	x += draw_text(win, 0, x, hot, w - x, c->overdue ? (con->color ? COLOR_PAIR(3) | A_BOLD : A_BOLD)
							 : A_NORMAL);
	snprintf(hot, sizeof hot, " · due soon %ld", c->due_soon);
	x += draw_text(win, 0, x, hot, w - x, c->due_soon && con->color ? COLOR_PAIR(2) : A_NORMAL);
	sparkline(q->created, HOURS, a, sizeof a);
	sparkline(q->done, HOURS, b, sizeof b);
	snprintf(right, sizeof right, "%s new/h  %s done/h ", a, b);
	int rw = text_width(right), spark_row = x + rw + 2 <= w ? 0 : 1;

	/* What is shown: the view as the command that makes it; the activity
	 * at its right when the counts left no room for it. */
	char view[300], line[400];
	queue_view_command(&q->view, view, sizeof view);
	snprintf(line, sizeof line, " %s%s · %zu shown%s", view, q->view.order == ALERT_ORDER_DUE ?
		 " (by due time)" : "", q->list.n, q->list.n == q->limit ? " (the first; more below)" : "");
	int room = spark_row == 1 ? w - rw - 2 : w;
	int used = draw_text(win, 1, 0, line, room, A_DIM);
	if (q->n_marks && used + 14 < room) {
		snprintf(line, sizeof line, " · %zu marked", q->n_marks);
		draw_text(win, 1, used, line, room - used, A_BOLD);
	}
	if (rw + 2 <= w)
		draw_text(win, spark_row, w - rw, right, rw, A_DIM);
}

/* Columns: due, state, alert, customer (what the others leave), flight,
 * owner; under 100 columns the owner goes and the alert is cut shorter. */
static void draw_queue(struct console *con, WINDOW *win, int h, int w)
{
	struct queue_screen *q = state_of(con);
	int64_t now = clock_now();

	draw_summary(con, win, w);
	if (q->error[0]) {
		draw_text(win, 3, 1, q->error, w - 2, A_BOLD);
		return;
	}
	int owner_w = 10, flight_w = 15, state_w = 12, due_w = 13, alert_w = 24;
	if (w < 100) {
		owner_w = 0;
		alert_w = 20;
		state_w = 9;    /* ACKNOWLEDGED is written ACKED */
	}
	int cust_w = w - 3 - due_w - state_w - alert_w - flight_w - owner_w - 5;
	if (w >= 100 && cust_w > 30) {
		/* Room to spare: the alert and the flight grow too. */
		alert_w += (cust_w - 30) / 3;
		flight_w += (cust_w - 30) / 6;
		cust_w = w - 3 - due_w - state_w - alert_w - flight_w - owner_w - 5;
	}
	if (cust_w < 10)
		cust_w = 10;
	int xs[6], x = 3;
	int widths[6] = { due_w, state_w, alert_w, cust_w, flight_w, owner_w };
	static const char *const heads[6] = { "DUE", "STATE", "ALERT", "CUSTOMER", "FLIGHT", "OWNER" };
	for (int i = 0; i < 6; i++) {
		xs[i] = x;
		if (x < w && widths[i] > 0)
			draw_text(win, 2, x, heads[i], w - x, A_BOLD);
		x += widths[i] + 1;
	}
	int rows = h - 3;
	if (!q->list.n) {
		draw_text(win, 3, 3, "no alerts in this view (f changes it)", w - 4, A_DIM);
		return;
	}
	if (q->cur < q->top)
		q->top = q->cur;
	if (rows > 0 && q->cur >= q->top + (size_t)rows)
		q->top = q->cur - (size_t)rows + 1;
	for (size_t i = q->top; i < q->list.n && (int)(i - q->top) < rows; i++) {
		const struct alert_item *al = &q->list.v[i];
		int row = 3 + (int)(i - q->top);
		bool cur = i == q->cur;
		attr_t base = cur ? A_REVERSE : A_NORMAL;
		if (cur) {
			wattron(win, A_REVERSE);
			mvwhline(win, row, 0, ' ', w);
			wattroff(win, A_REVERSE);
		}
		mvwaddstr(win, row, 0, cur ? "▶" : " ");
		if (marked(q, al->id))
			mvwaddstr(win, row, 1, "●");
		bool open = al->state == ALERT_PROJECTED || al->state == ALERT_PENDING ||
			    al->state == ALERT_ACKNOWLEDGED;
		char due[48], span[24];
		attr_t due_attr = base;
		if (!al->has_due) {
			snprintf(due, sizeof due, "–");
		} else if (open && al->due_utc < now) {
			span_text(now - al->due_utc, span, sizeof span);
			snprintf(due, sizeof due, "overdue %s", span);
			due_attr |= con->color ? COLOR_PAIR(3) | A_BOLD : A_BOLD;
		} else {
			span_text(al->due_utc > now ? al->due_utc - now : 0, span, sizeof span);
			snprintf(due, sizeof due, "in %s", span);
			if (open && al->due_utc - now < SOON)
				due_attr |= con->color ? COLOR_PAIR(2) | A_BOLD : A_BOLD;
		}
		char state[16];
		snprintf(state, sizeof state, "%s", al->state == ALERT_ACKNOWLEDGED && state_w < 12 ? "acked"
						    : alert_state_name(al->state));
		for (char *p = state; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		char leg[96] = "";
		if (al->has_segment && al->segment.known)
			snprintf(leg, sizeof leg, "%s%s %s→%s", al->segment.carrier ? al->segment.carrier : "",
				 al->segment.flight ? al->segment.flight : "", al->segment.origin,
				 al->segment.destination);
		const char *cells[6] = { due, state, al->title ? al->title : al->kind,
					 al->customer_name ? al->customer_name : al->customer_id, leg,
					 al->assigned_to ? al->assigned_to : "–" };
		for (int k = 0; k < 6; k++)
			if (xs[k] < w && widths[k] > 0)
				draw_text(win, row, xs[k], cells[k], widths[k] < w - xs[k] ? widths[k] : w - xs[k],
					  k == 0 ? due_attr : base);
	}
	if (q->awaiting_action)
		draw_text(win, h - 1, 1, "done how?  e email  c call  g greeting  f gift  s social  o other"
			  "  (Esc: never mind)", w - 2, A_BOLD | A_REVERSE);
}

/* The ids to act on: the marked ones, or the one under the cursor. */
static size_t targets(struct queue_screen *q, char ***out)
{
	if (q->n_marks) {
		*out = xcalloc(q->n_marks, sizeof **out);
		for (size_t i = 0; i < q->n_marks; i++)
			(*out)[i] = xstrdup(q->marks[i]);
		return q->n_marks;
	}
	if (q->cur >= q->list.n)
		return 0;
	*out = xcalloc(1, sizeof **out);
	(*out)[0] = xstrdup(q->list.v[q->cur].id);
	return 1;
}

/* Act on every target; one line says how it went. */
static void act_all(struct console *con, enum alert_event ev, enum alert_action action,
		    const char *text, const char *assignee)
{
	struct queue_screen *q = state_of(con);
	char **ids = NULL, first_error[sizeof ((struct irm_err *)0)->msg] = "";
	size_t n = targets(q, &ids), ok = 0;

	if (!con->cli->as) {
		console_flash(con, "who acts? start irm with --as NAME");
	} else {
		for (size_t i = 0; i < n; i++) {
			struct irm_err e = { 0 };
			if (alerts_act(con->cache, ids[i], ev, con->cli->as, action, text, assignee,
				       clock_now(), NULL, &e) == IRM_OK)
				ok++;
			else if (!first_error[0])
				snprintf(first_error, sizeof first_error, "%s", e.msg);
		}
		static const char *const verbs[] = { [ALERT_EV_ACK] = "acknowledged",
						     [ALERT_EV_DONE] = "done",
						     [ALERT_EV_DISMISS] = "dismissed",
						     [ALERT_EV_ASSIGN] = "assigned" };
		const char *verb = (size_t)ev < sizeof verbs / sizeof verbs[0] && verbs[ev] ? verbs[ev] : "changed";
		if (n == 1 && ok == 1)
			console_flash(con, "%s: %s%s%s", ids[0], verb, assignee ? " to " : "",
				      assignee ? assignee : "");
		else if (ok == n)
			console_flash(con, "%zu alerts %s%s%s", ok, verb, assignee ? " to " : "",
				      assignee ? assignee : "");
		else
			console_flash(con, "%zu of %zu %s; %s", ok, n, verb, first_error);
		if (ok == n)
			clear_marks(q);
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	load(con);
}

static void on_dismiss(struct console *con, const char *reason)
{
	if (!*reason)
		console_flash(con, "nothing dismissed: say why");
	else
		act_all(con, ALERT_EV_DISMISS, ACTION_OTHER, reason, NULL);
}

static void on_assign(struct console *con, const char *who)
{
	if (!*who)
		console_flash(con, "nothing assigned: to whom?");
	else
		act_all(con, ALERT_EV_ASSIGN, ACTION_OTHER, NULL, who);
}

static void ask(struct console *con, const char *what, cmdline_answer_fn fn, enum cmdline_offer offer)
{
	struct queue_screen *q = state_of(con);
	char prompt[256];
	if (!q->n_marks && q->cur >= q->list.n)
		return;
	if (q->n_marks)
		snprintf(prompt, sizeof prompt, "%s %zu alert%s: ", what, q->n_marks, q->n_marks == 1 ? "" : "s");
	else
		snprintf(prompt, sizeof prompt, "%s %s: ", what, q->list.v[q->cur].id);
	cmdline_open(con, prompt, NULL, fn, offer);
}

static int key_queue(struct console *con, wint_t ch, bool fkey)
{
	struct queue_screen *q = state_of(con);
	if (q->awaiting_action && !fkey) {
		enum alert_action action;
		q->awaiting_action = false;
		if (console_action_key(ch, &action))
			act_all(con, ALERT_EV_DONE, action, NULL, NULL);
		return ACT_REDRAW;
	}
	size_t page = 10;
	if (fkey) {
		q->awaiting_action = false;
		switch (ch) {
		case KEY_DOWN: if (q->cur + 1 < q->list.n) q->cur++; break;
		case KEY_UP: if (q->cur > 0) q->cur--; break;
		case KEY_NPAGE: q->cur = q->cur + page < q->list.n ? q->cur + page : (q->list.n ? q->list.n - 1 : 0); break;
		case KEY_PPAGE: q->cur = q->cur > page ? q->cur - page : 0; break;
		case KEY_HOME: q->cur = 0; break;
		case KEY_END: q->cur = q->list.n ? q->list.n - 1 : 0; break;
		case KEY_ENTER: return key_queue(con, '\r', false);
		}
		/* Near the end of what was read, and there is more: read on. */
		if (q->list.n == q->limit && q->cur + 20 >= q->list.n && q->limit < ROWS_MAX) {
			q->limit = q->limit * 2 < ROWS_MAX ? q->limit * 2 : ROWS_MAX;
			load(con);
		}
		return ACT_REDRAW;
	}
	switch (ch) {
	case 3:
	case 4:
		return ACT_QUIT;
	case 'j':
	case 14:
		return key_queue(con, KEY_DOWN, true);
	case 'k':
	case 16:
		return key_queue(con, KEY_UP, true);
	case ' ':
		if (q->cur < q->list.n) {
			toggle_mark(q, q->list.v[q->cur].id);
			if (q->cur + 1 < q->list.n)
				q->cur++;
		}
		return ACT_REDRAW;
	case 27:
		if (q->n_marks)
			clear_marks(q);
		else if (!con->supervisor)
			console_show(con, SCREEN_SEARCH);
		return ACT_REDRAW;
	case '\r':
	case '\n':
		if (q->cur < q->list.n) {
			snprintf(con->customer, sizeof con->customer, "%s", q->list.v[q->cur].customer_id);
			console_show(con, SCREEN_CUSTOMER);
		}
		return ACT_REDRAW;
	case 'a':
		act_all(con, ALERT_EV_ACK, ACTION_OTHER, NULL, NULL);
		return ACT_REDRAW;
	case 'd':
		if (q->n_marks || q->cur < q->list.n)
			q->awaiting_action = true;
		return ACT_REDRAW;
	case 'x':
		ask(con, "dismiss", on_dismiss, OFFER_NOTHING);
		return ACT_REDRAW;
	case 'A':
		ask(con, "assign", on_assign, OFFER_PEOPLE);
		return ACT_REDRAW;
	case 's':
		q->view.order = (enum alert_order)((q->view.order + 1) % ALERT_ORDER_COUNT);
		q->cur = q->top = 0;
		q->limit = PAGE;
		load_view(con, false);
		console_flash(con, "sorted by %s", alert_order_name(q->view.order));
		return ACT_REDRAW;
	case 'f': {
		char cmd[300];
		queue_view_command(&q->view, cmd, sizeof cmd);
		strncat(cmd, " ", sizeof cmd - strlen(cmd) - 1);
		cmdline_open(con, ":", cmd, NULL, OFFER_NOTHING);
		return ACT_REDRAW;
	}
	case 'r':
		load(con);
		return ACT_REDRAW;
	}
	return ACT_NONE;
}

static const char *queue_alert(struct console *con)
{
	struct queue_screen *q = state_of(con);
	return q && q->cur < q->list.n ? q->list.v[q->cur].id : NULL;
}

static const char *queue_customer(struct console *con)
{
	struct queue_screen *q = state_of(con);
	return q && q->cur < q->list.n ? q->list.v[q->cur].customer_id : NULL;
}

const struct screen_ops screen_queue_ops = {
	.name = "alert queue",
	.hints = " Space mark · a ack · d done · x dismiss · A assign · s sort · f filter · Enter open "
		 "customer · : command · ? help",
	.keys = (const struct key_help[]){
		{ "↑ ↓  j k  PgUp PgDn  Home End", "move" },
		{ "Space", "mark the alert (and move on); a, d, x and A act on every marked alert" },
		{ "a", "acknowledge the marked alerts, or the one under the cursor" },
		{ "d e|c|g|f|s|o", "done, by email, call, greeting, gift, social or other" },
		{ "x", "dismiss (asks why, once for all of them)" },
		{ "A", "assign (asks whom; Tab completes)" },
		{ "s", "sort by due time, then age, then priority" },
		{ "f", "filter: edit the :alerts command (--state, --kind, --station, --assignee, --sort)" },
		{ "r", "read the cache again" },
		{ "Enter", "open the alert's customer" },
		{ "Esc", "clear the marks; else back to search" },
		{ "/", "search" },
		{ ":", "the command line" },
		{ "?  F1", "this help" },
		{ "Ctrl-C  Ctrl-D", "quit" },
		{ NULL, NULL },
	},
	.open = open_queue,
	.draw = draw_queue,
	.key = key_queue,
	.close = close_queue,
	.destroy = destroy_queue,
	.reload = load,
	.alert = queue_alert,
	.customer = queue_customer,
};
