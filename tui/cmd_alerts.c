/* cmd_alerts.c — `irm alerts`: the queue of recognition alerts, filtered;
 * and what the commands that act on an alert share (ack, done, dismiss,
 * assign): who acts, applying the action, printing the result. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "cli.h"
#include "clock.h"

const char *cmd_alerts_user(const struct cli *cli)
{
	/* cli_load_config() settled it: --as, [console] user, $IRM_USER, $USER. */
	if (!cli->as)
		fputs("irm: who acts? give --as NAME, or set [console] user in irm.conf, or "
		      "$IRM_USER\n", stderr);
	return cli->as;
}

static json_t *time_utc_json(int64_t utc)
{
	char buf[26];
	date_format_time((struct irm_time){ .utc = utc, .off_min = 0 }, buf);
	return json_string(buf);
}

/* "2026-11-22 15:15Z" */
static void due_text(int64_t utc, char buf[static 24])
{
	char iso[26];
	date_format_time((struct irm_time){ .utc = utc, .off_min = 0 }, iso);
	snprintf(buf, 24, "%.10s %.5sZ", iso, iso + 11);
}

/* One line: id, state, priority, due, customer, leg, title, owner. */
static void alert_print(const struct alert_item *a, int64_t now)
{
	char due[24] = "–", leg[96] = "–";

	cli_put_cols(stdout, a->id, 32);
	printf("  %-12s P%d  ", alert_state_name(a->state), a->priority);
	if (a->has_due)
		due_text(a->due_utc, due);
	printf("%-17s%s  ", due, a->has_due && a->due_utc < now && alert_state_open(a->state)
	       ? "!" : " ");
	cli_put_cols(stdout, a->customer_name ? a->customer_name : a->customer_id, 20);
	fputs("  ", stdout);
	if (a->has_segment && a->segment.known) {
		char day[11];
		date_format(date_local_day(a->segment.departure), day);
		snprintf(leg, sizeof leg, "%s%s %s→%s %s", a->segment.carrier ? a->segment.carrier : "",
			 a->segment.flight ? a->segment.flight : "", a->segment.origin,
			 a->segment.destination, day + 5);
	} else if (a->has_segment) {
		snprintf(leg, sizeof leg, "%s", a->segment.id);
	}
	cli_put_cols(stdout, leg, 22);
	fputs("  ", stdout);
	cli_put(stdout, a->title ? a->title : a->kind);
	if (a->assigned_to) {
		fputs("  → ", stdout);
		cli_put(stdout, a->assigned_to);
	}
	fputc('\n', stdout);
}

enum irm_status cmd_alerts_act(const struct command *cmd, struct cli *cli, const char *alert_id,
			       enum alert_event ev, enum alert_action action, const char *text,
			       const char *assignee, bool json)
{
	struct irm_err e = { 0 };
	struct alert_act_result r;
	struct cache *c;
	const char *who = cmd_alerts_user(cli);

	if (!who)
		return IRM_EUSAGE;
	if (cli_open_cache(cli, 0, &c, &e) != IRM_OK)
		return cli_fail(&e);
	enum irm_status s = alerts_act(c, alert_id, ev, who, action, text, assignee, clock_now(),
				       &r, &e);
	if (s != IRM_OK) {
		cache_close(&c);
		if (json && r.closed_already) {
			json_t *o = json_object();
			json_object_set_new(o, "error", json_string("conflict"));
			json_object_set_new(o, "alert_id", cli_json_str(alert_id));
			json_object_set_new(o, "state", json_string(alert_state_name(r.closed_state)));
			json_object_set_new(o, "by", cli_json_str(r.closed_by));
			json_object_set_new(o, "at", time_utc_json(r.closed_at));
			json_object_set_new(o, "how", cli_json_str(r.closed_how));
			cli_print_json(o);
		}
		if (s == IRM_EUSAGE)
			return cli_usage(cmd, "%s", e.msg);
		return cli_fail(&e);
	}

	struct alert_filter f = { .id = alert_id };
	struct alert_list l;
	s = alerts_list(c, &f, &l, &e);
	cache_close(&c);
	if (s != IRM_OK)
		return cli_fail(&e);   /* applied and committed; only the read-back failed */
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "from", json_string(alert_state_name(r.from)));
		json_object_set_new(o, "to", json_string(alert_state_name(r.to)));
		json_object_set_new(o, "by", cli_json_str(who));
		json_object_set_new(o, "outbox_seq", json_integer(r.outbox_seq));
		json_object_set_new(o, "alert", l.n ? alerts_item_json(&l.v[0]) : json_null());
		s = cli_print_json(o);
	} else {
		cli_put(stdout, alert_id);
		if (ev == ALERT_EV_ASSIGN) {
			fputs(": assigned to ", stdout);
			cli_put(stdout, assignee);
			printf(" (%s)", alert_state_name(r.to));
		} else {
			printf(": %s → %s", alert_state_name(r.from), alert_state_name(r.to));
			if (ev == ALERT_EV_DONE)
				printf(" (%s)", alert_action_name(action));
		}
		fputs(" by ", stdout);
		cli_put(stdout, who);
		fputc('\n', stdout);
	}
	alerts_list_free(&l);
	return s;
}

/* "pending", "pending,acknowledged", "open" or "all" into a state mask. */
static bool parse_states(const char *s, unsigned *mask)
{
	char word[32];
	*mask = 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		if (n == 0 || n >= sizeof word)
			return false;
		memcpy(word, s, n);
		word[n] = '\0';
		enum alert_state st;
		if (strcmp(word, "open") == 0)
			*mask |= ALERT_STATES_OPEN;
		else if (strcmp(word, "all") == 0)
			*mask |= (1u << ALERT_STATE_COUNT) - 1;
		else if (alert_state_parse(word, &st))
			*mask |= 1u << st;
		else
			return false;
		s += n;
		if (*s == ',' && !*++s)
			return false;
	}
	return *mask != 0;
}

/* A rule's name, as in irm.conf's [milestone NAME]: a-z, 0-9 and _. */
static bool kind_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 31)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* An IATA airport code: three letters, in any case. */
static bool station_ok(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
			return false;
	return s[3] == '\0';
}

static bool flight_ok(const char *s)
{
	size_t n = 0;
	for (; *s; s++) {
		if (*s == ' ')
			continue;
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return false;
		n++;
	}
	return n >= 2 && n <= 12;
}

static enum irm_status run_alerts(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "customer", required_argument, NULL, 'c' },
		{ "flight", required_argument, NULL, 'f' },
		{ "date", required_argument, NULL, 'd' },
		{ "kind", required_argument, NULL, 'K' },
		{ "station", required_argument, NULL, 'S' },
		{ "assignee", required_argument, NULL, 'A' },
		{ "sort", required_argument, NULL, 'O' },
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct alert_filter f = { 0 };
	bool json = false;
	long limit;
	int ch;

	while ((ch = getopt_long(argc, argv, "s:c:f:d:n:jh", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (!parse_states(optarg, &f.states))
				return cli_usage(&cmd_alerts, "--state: projected, pending, acknowledged, "
						 "done, dismissed, withdrawn, open or all (or several, "
						 "comma-separated), not '%s'", optarg);
			break;
		case 'c':
			if (!*optarg)
				return cli_usage(&cmd_alerts, "--customer: an id or member number");
			f.customer = optarg;
			break;
		case 'f':
			if (!flight_ok(optarg))
				return cli_usage(&cmd_alerts, "--flight: carrier and number, like UA1234, "
						 "not '%s'", optarg);
			f.flight = optarg;
			break;
		case 'd':
			if (!date_parse(optarg, &f.date))
				return cli_usage(&cmd_alerts, "--date: a date YYYY-MM-DD, not '%s'", optarg);
			f.has_date = true;
			break;
		case 'K':
			if (!kind_ok(optarg))
				return cli_usage(&cmd_alerts, "--kind: a rule's name (a-z, 0-9 and _, "
						 "like lifetime_miles), not '%s'", optarg);
			f.kind = optarg;
			break;
		case 'S':
			if (!station_ok(optarg))
				return cli_usage(&cmd_alerts, "--station: an airport's three-letter "
						 "code, like DEN, not '%s'", optarg);
			f.station = optarg;
			break;
		case 'A':
			if (!*optarg || strlen(optarg) > 100)
				return cli_usage(&cmd_alerts, "--assignee: a user's name (at most 100 "
						 "bytes), or - for alerts nobody owns");
			f.assignee = strcmp(optarg, "-") == 0 ? "" : optarg;
			break;
		case 'O':
			if (!alert_order_parse(optarg, &f.order))
				return cli_usage(&cmd_alerts, "--sort: due, age or priority, not '%s'",
						 optarg);
			break;
		case 'n':
			if (!cli_parse_long(optarg, 1, 1000000, &limit))
				return cli_usage(&cmd_alerts, "--limit: a number from 1 to 1000000, not '%s'",
						 optarg);
			f.limit = (size_t)limit;
			break;
		case 'j': json = true; break;
		case 'h': return cli_help(&cmd_alerts);
		default: return cli_usage(&cmd_alerts, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage(&cmd_alerts, "takes no arguments, only options");

	struct irm_err e = { 0 };
	struct cache *c;
	struct alert_list l;
	if (cli_open_cache(cli, 0, &c, &e) != IRM_OK)
		return cli_fail(&e);
	enum irm_status s = alerts_list(c, &f, &l, &e);
	cache_close(&c);
	if (s != IRM_OK)
		return cli_fail(&e);
	if (json) {
		json_t *list = json_array();
		for (size_t i = 0; i < l.n; i++)
			json_array_append_new(list, alerts_item_json(&l.v[i]));
		s = cli_print_json(list);
	} else {
		int64_t now = clock_now();
		for (size_t i = 0; i < l.n; i++)
			alert_print(&l.v[i], now);
		if (l.n == 0)
			fputs("irm: no alerts match\n", stderr);
	}
	alerts_list_free(&l);
	return s;
}

const struct command cmd_alerts = {
	.name = "alerts",
	.usage = "[--state S] [--customer ID] [--flight CARRIER+NUMBER] [--date YYYY-MM-DD]\n"
		 "       [--kind RULE] [--station IATA] [--assignee NAME|-]\n"
		 "       [--sort due|age|priority] [--limit N] [--json]",
	.summary = "the queue of recognition alerts, by due time, age or priority",
	.help =
	"Alerts by due time (none last), then priority, or as --sort says, each on one\n"
	"line: id, state, priority, due time in UTC (\"!\" when overdue and still open),\n"
	"customer, the leg that crosses (flight, route, local date), title and owner.\n"
	"\n"
	"  --state S         projected, pending, acknowledged, done, dismissed,\n"
	"                    withdrawn; \"open\" for the first three; \"all\"; or several,\n"
	"                    comma-separated (\"pending,acknowledged\")\n"
	"  --customer ID     one customer, by id or member number\n"
	"  --flight UA1234   alerts on that flight (carrier and number)\n"
	"  --date DATE       alerts on legs leaving that day (local date at the origin);\n"
	"                    with --flight, one departure\n"
	"  --kind RULE       alerts of that rule (lifetime_miles, flights, tier,\n"
	"                    anniversary, birthday, ... as named in irm.conf)\n"
	"  --station IATA    alerts on legs leaving that airport (DEN, any case); an alert\n"
	"                    whose leg is not in the cache is at no station\n"
	"  --assignee NAME   alerts that NAME owns; \"-\" for those nobody owns\n"
	"  --sort ORDER      due (the default): by due time, none last, then priority;\n"
	"                    age: the oldest first; priority: 1 first, then by due time\n"
	"  --limit N         at most N alerts\n"
	"  --json            a JSON list; each alert has id, customer_id, customer_name,\n"
	"                    kind (the rule), threshold (null when none), state,\n"
	"                    segment {id, carrier, flight, origin, destination,\n"
	"                    departure} (null when none), title, message, priority,\n"
	"                    due_at, assigned_to, action, reason, created_at,\n"
	"                    updated_at, history [{who, at, from, to, note}]\n"
	"\n"
	"An empty queue is not an error. Exit status 1 when --customer names nobody,\n"
	"2 when an option's value is not one it takes.\n",
	.run = run_alerts,
};
