/* console_cmd.c — the console's command line verbs, the CLI's verbs:
 *
 *   find TEXT…                    the search screen, with TEXT in the box
 *   open ID|MEMBER|NAME…          a customer's context
 *   ack [ALERT] [NOTE…]           acknowledge
 *   done [ALERT] ACTION [NOTE…]   done, with email|call|greeting|gift|social|other
 *   dismiss [ALERT] REASON…       dismiss, with why
 *   assign [ALERT] AGENT [NOTE…]  give it to someone
 *   note [CUSTOMER] TEXT…         a note about the customer
 *   alerts [--state S] [--kind K] [--station IATA] [--assignee A|-] [--sort due|age|priority]
 *   help [VERB] · quit
 *
 * Without an alert id, the alert the cursor is on; without a customer,
 * the customer on screen. The CLI's options (--note, --action, --reason)
 * are taken too. Words split like a shell's: "quoted text" and 'this'. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "lookup.h"
#include "console.h"
#include "mem.h"
#include "notes.h"
#include "search.h"

enum { WORDS_MAX = 64 };

struct words {
	char *v[WORDS_MAX];
	int n;
	char *buf;
	char *joined;               /* join()'s, as long as the line: it always fits */
};

/* Split like a shell: spaces separate, quotes group, backslash escapes.
 * false (with a message) for an unclosed quote or too many words. */
static bool split(const char *line, struct words *w, char *err, size_t size)
{
	char *out = w->buf = xmalloc(strlen(line) + 1);
	w->joined = xmalloc(strlen(line) + 1);
	w->n = 0;
	const char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return true;
		if (w->n == WORDS_MAX) {
			snprintf(err, size, "too many words");
			return false;
		}
		w->v[w->n++] = out;
		char quote = 0;
		while (*p && (quote || (*p != ' ' && *p != '\t'))) {
			if (quote && *p == quote) {
				quote = 0;
			} else if (!quote && (*p == '"' || *p == '\'')) {
				quote = *p;
			} else if (*p == '\\' && p[1] && quote != '\'') {
				*out++ = *++p;
			} else {
				*out++ = *p;
			}
			p++;
		}
		*out++ = '\0';
		if (quote) {
			snprintf(err, size, "a %c is not closed", quote);
			return false;
		}
	}
}

/* words[from..n) joined by spaces; NULL when there are none. */
static const char *join(struct words *w, int from)
{
	size_t n = 0;
	for (int i = from; i < w->n; i++) {
		size_t k = strlen(w->v[i]);
		if (i > from)
			w->joined[n++] = ' ';
		memcpy(w->joined + n, w->v[i], k);
		n += k;
	}
	w->joined[n] = '\0';
	return n ? w->joined : NULL;
}

bool console_quote(const char *in, char *out, size_t size)
{
	size_t n = 0;
	if (!strpbrk(in, " \t'\"\\")) {
		if (strlen(in) >= size)
			return false;
		strcpy(out, in);
		return true;
	}
	/* 'it'\''s': single quotes, each ' inside written '\'' */
	if (n + 1 >= size)
		return false;
	out[n++] = '\'';
	for (const char *p = in; *p; p++) {
		const char *piece = *p == '\'' ? "'\\''" : NULL;
		size_t k = piece ? 4 : 1;
		if (n + k + 2 > size)
			return false;
		if (piece)
			memcpy(out + n, piece, k);
		else
			out[n] = *p;
		n += k;
	}
	out[n++] = '\'';
	out[n] = '\0';
	return true;
}

/* Take "--NAME VALUE" out of the words; the value, or NULL. */
static const char *take_option(struct words *w, const char *name, bool *missing)
{
	for (int i = 1; i < w->n; i++) {
		if (strcmp(w->v[i], name) != 0)
			continue;
		if (i + 1 >= w->n) {
			*missing = true;
			return NULL;
		}
		const char *v = w->v[i + 1];
		memmove(&w->v[i], &w->v[i + 2], (size_t)(w->n - i - 2) * sizeof w->v[0]);
		w->n -= 2;
		return v;
	}
	return NULL;
}

static bool alert_exists(struct console *con, const char *id)
{
	struct alert_filter f = { .id = id, .limit = 1, .no_history = true };
	struct alert_list l;
	struct irm_err e = { 0 };
	if (alerts_list(con->cache, &f, &l, &e) != IRM_OK)
		return false;
	bool found = l.n == 1;
	alerts_list_free(&l);
	return found;
}

/* The alert a verb acts on: its first word when that names an alert (the
 * word is then used up), else the one the cursor is on. */
static const char *which_alert(struct console *con, struct words *w, int *next)
{
	*next = 1;
	if (w->n > 1 && alert_exists(con, w->v[1])) {
		*next = 2;
		return w->v[1];
	}
	/* A word shaped like an alert id that names none is a typo: acting on
	 * the alert under the cursor instead would be a surprise. */
	if (w->n > 1 && strncmp(w->v[1], "A-", 2) == 0) {
		console_flash(con, "%s: no alert '%s'", w->v[0], w->v[1]);
		return NULL;
	}
	const char *id = console_alert_id(con);
	if (!id)
		console_flash(con, "%s which alert? give its id (Tab completes), or open a customer or "
			      "the queue", w->v[0]);
	return id;
}

static int run_find(struct console *con, struct words *w)
{
	const char *q = join(w, 1);
	search_screen_query(con, q ? q : "");
	return ACT_REDRAW;
}

static void open_customer(struct console *con, const char *id)
{
	if ((size_t)snprintf(con->customer, sizeof con->customer, "%s", id) >= sizeof con->customer)
		con->customer[0] = '\0';   /* no id is that long */
	console_show(con, SCREEN_CUSTOMER);
}

static int run_open(struct console *con, struct words *w)
{
	struct search_result r;
	struct irm_err e = { 0 };
	const char *q = join(w, 1);

	if (!q) {
		console_flash(con, "open whom? a name, member number, phone, email or booking");
		return ACT_REDRAW;
	}
	if (search_run(con->cache, q, 20, &r, &e) != IRM_OK) {
		console_flash(con, "%s", e.msg);
		return ACT_REDRAW;
	}
	/* One customer found, or one whose name or number is exactly what was
	 * typed: open them. Several: the search screen, to choose. None: maybe
	 * it is a customer id. */
	const struct search_hit *pick = r.n == 1 ? &r.hits[0] : NULL;
	size_t exact = 0;
	for (size_t i = 0; !pick && i < r.n; i++) {
		const struct search_hit *h = &r.hits[i];
		if ((h->name && strcasecmp(h->name, q) == 0) || (h->member && strcasecmp(h->member, q) == 0)) {
			exact++;
			pick = h;
		}
	}
	if (exact > 1)
		pick = NULL;
	if (!pick && r.n && r.hits[0].match != MATCH_NAME && r.hits[0].match != MATCH_NAME_PREFIX &&
	    r.hits[0].match != MATCH_NAME_TYPO)
		pick = &r.hits[0];
	if (pick) {
		open_customer(con, pick->id);
	} else if (r.n) {
		search_screen_query(con, q);
		console_flash(con, "%zu customers match: choose one", r.n);
	} else {
		open_customer(con, q);
		if (!console_customer_id(con)) {
			console_show(con, SCREEN_SEARCH);
			console_flash(con, "no customer matches '%s'", q);
		}
	}
	search_result_free(&r);
	return ACT_REDRAW;
}

static int run_ack(struct console *con, struct words *w)
{
	bool missing = false;
	const char *note = take_option(w, "--note", &missing);
	int next;
	const char *id = missing ? NULL : which_alert(con, w, &next);
	if (missing)
		console_flash(con, "ack: --note needs a text");
	if (id)
		console_act(con, id, ALERT_EV_ACK, ACTION_OTHER, note ? note : join(w, next),
			    NULL);
	return ACT_REDRAW;
}

static int run_done(struct console *con, struct words *w)
{
	bool missing = false;
	const char *note = take_option(w, "--note", &missing);
	const char *how = take_option(w, "--action", &missing);
	int next;
	if (missing) {
		console_flash(con, "done: --note and --action need a value");
		return ACT_REDRAW;
	}
	const char *id = which_alert(con, w, &next);
	if (!id)
		return ACT_REDRAW;
	if (!how && next < w->n)
		how = w->v[next++];
	enum alert_action action;
	if (!how || !alert_action_parse(how, &action)) {
		console_flash(con, "done how? email, call, greeting, gift, social or other");
		return ACT_REDRAW;
	}
	console_act(con, id, ALERT_EV_DONE, action, note ? note : join(w, next), NULL);
	return ACT_REDRAW;
}

static int run_dismiss(struct console *con, struct words *w)
{
	bool missing = false;
	const char *reason = take_option(w, "--reason", &missing);
	int next;
	const char *id = missing ? NULL : which_alert(con, w, &next);
	if (!id)
		return ACT_REDRAW;
	if (!reason)
		reason = join(w, next);
	if (!reason)
		console_flash(con, "dismiss: say why (dismiss [ALERT] REASON…)");
	else
		console_act(con, id, ALERT_EV_DISMISS, ACTION_OTHER, reason, NULL);
	return ACT_REDRAW;
}

static int run_assign(struct console *con, struct words *w)
{
	bool missing = false;
	const char *note = take_option(w, "--note", &missing);
	int next;
	const char *id = missing ? NULL : which_alert(con, w, &next);
	if (!id)
		return ACT_REDRAW;
	if (next >= w->n)
		console_flash(con, "assign to whom? (assign [ALERT] AGENT)");
	else
		console_act(con, id, ALERT_EV_ASSIGN, ACTION_OTHER,
			    note ? note : join(w, next + 1), w->v[next]);
	return ACT_REDRAW;
}

bool console_note(struct console *con, const char *customer, const char *text)
{
	struct note_added added;
	struct irm_err e = { 0 };

	if (!con->cli->as) {
		console_flash(con, "who writes? start irm with --as NAME");
		return false;
	}
	bool ok = notes_add(con->cache, customer, con->cli->as, text, clock_now(), &added, &e) == IRM_OK;
	if (ok)
		console_flash(con, "note added to %s", added.customer_id);
	else
		console_flash(con, "%s", e.msg);
	console_reload(con);
	return ok;
}

static int run_note(struct console *con, struct words *w)
{
	char id[256];
	const char *customer = console_customer_id(con), *text;
	int from = 1;

	/* A first word that names a customer (id or member number) is the
	 * customer; else the one on screen. */
	if (w->n > 2 && lookup_customer_id(con->cache, w->v[1], id, sizeof id)) {
		customer = id;
		from = 2;
	}
	if (!customer)
		console_flash(con, "note about whom? note CUSTOMER TEXT…, or open the customer");
	else if (!(text = join(w, from)))
		console_flash(con, "note: what? note [CUSTOMER] TEXT…");
	else
		console_note(con, customer, text);
	return ACT_REDRAW;
}

static int run_alerts(struct console *con, struct words *w)
{
	struct queue_view v = { .states = ALERT_STATES_OPEN };
	for (int i = 1; i < w->n; i += 2) {
		const char *opt = w->v[i], *val = i + 1 < w->n ? w->v[i + 1] : NULL;
		enum alert_state st;
		if (!val) {
			console_flash(con, "alerts: %s needs a value", opt);
			return ACT_REDRAW;
		}
		if (strcmp(opt, "--state") == 0 && strcmp(val, "open") == 0) {
			v.states = ALERT_STATES_OPEN;
		} else if (strcmp(opt, "--state") == 0 && strcmp(val, "all") == 0) {
			v.states = 0;
		} else if (strcmp(opt, "--state") == 0 && alert_state_parse(val, &st)) {
			v.states = 1u << st;
		} else if (strcmp(opt, "--kind") == 0) {
			snprintf(v.kind, sizeof v.kind, "%s", val);
		} else if (strcmp(opt, "--station") == 0 && strlen(val) == 3) {
			for (int k = 0; k < 3; k++)
				v.station[k] = (char)(val[k] >= 'a' && val[k] <= 'z' ? val[k] - 32 : val[k]);
		} else if (strcmp(opt, "--assignee") == 0) {
			snprintf(v.assignee, sizeof v.assignee, "%s", val);
		} else if (strcmp(opt, "--sort") == 0 && alert_order_parse(val, &v.order)) {
			/* taken */
		} else {
			console_flash(con, "alerts: not '%s %s' (--state open|all|STATE, --kind K, "
				      "--station IATA, --assignee NAME|-, --sort due|age|priority)", opt, val);
			return ACT_REDRAW;
		}
	}
	queue_screen_view(con, &v);
	return ACT_REDRAW;
}

static int run_help(struct console *con, struct words *w)
{
	(void)w;
	if (con->screen != SCREEN_HELP)
		con->back = con->screen;
	console_show(con, SCREEN_HELP);
	return ACT_REDRAW;
}

static int run_quit(struct console *con, struct words *w)
{
	(void)con;
	(void)w;
	return ACT_QUIT;
}

static const struct {
	const char *name;
	int (*run)(struct console *con, struct words *w);
} verbs[] = {
	{ "find", run_find }, { "open", run_open }, { "ack", run_ack }, { "done", run_done },
	{ "dismiss", run_dismiss }, { "assign", run_assign }, { "note", run_note },
	{ "alerts", run_alerts }, { "help", run_help }, { "quit", run_quit }, { "q", run_quit },
};

int console_execute(struct console *con, const char *line)
{
	struct words w;
	char err[128];
	int act = ACT_REDRAW;

	if (!split(line, &w, err, sizeof err)) {
		console_flash(con, "%s", err);
	} else if (w.n > 0) {
		size_t i;
		for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
			if (strcmp(w.v[0], verbs[i].name) == 0)
				break;
		if (i < sizeof verbs / sizeof verbs[0])
			act = verbs[i].run(con, &w);
		else
			console_flash(con, "no command '%s' (find, open, ack, done, dismiss, assign, note, "
				      "alerts, help, quit)", w.v[0]);
	}
	free(w.buf);
	free(w.joined);
	return act;
}

bool console_action_key(wint_t ch, enum alert_action *out)
{
	static const struct { wint_t key; enum alert_action action; } keys[] = {
		{ 'e', ACTION_EMAIL }, { 'c', ACTION_CALL }, { 'g', ACTION_GREETING },
		{ 'f', ACTION_GIFT }, { 's', ACTION_SOCIAL }, { 'o', ACTION_OTHER },
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (keys[i].key == ch) {
			*out = keys[i].action;
			return true;
		}
	}
	return false;
}

bool console_act(struct console *con, const char *alert_id, enum alert_event ev,
		 enum alert_action action, const char *text, const char *assignee)
{
	struct irm_err e = { 0 };
	struct alert_act_result r;
	char id[160];

	if (!con->cli->as) {
		console_flash(con, "who acts? start irm with --as NAME");
		return false;
	}
	snprintf(id, sizeof id, "%s", alert_id);    /* a reload frees alert_id */
	bool ok = alerts_act(con->cache, id, ev, con->cli->as, action, text, assignee, clock_now(), &r,
			     &e) == IRM_OK;
	if (!ok)
		console_flash(con, "%s", e.msg);
	else if (ev == ALERT_EV_ASSIGN)
		console_flash(con, "%s: assigned to %s", id, assignee);
	else if (ev == ALERT_EV_DONE)
		console_flash(con, "%s: done (%s)", id, alert_action_name(action));
	else
		console_flash(con, "%s: %s", id, alert_state_name(r.to));
	console_reload(con);
	return ok;
}
