/* cmd_done.c — `irm done ALERT --action A`: the recognition happened. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static enum irm_status run_done(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "action", required_argument, NULL, 'a' },
		{ "note", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	enum alert_action action = ACTION_COUNT;
	const char *note = NULL;
	bool json = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "a:m:jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			if (!alert_action_parse(optarg, &action))
				return cli_usage(&cmd_done, "--action: email, call, greeting, gift, social "
						 "or other, not '%s'", optarg);
			break;
		case 'm': note = optarg; break;
		case 'j': json = true; break;
		case 'h': return cli_help(&cmd_done);
		default: return cli_usage(&cmd_done, "unknown option");
		}
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_done, "needs exactly one alert id");
	if (action == ACTION_COUNT)
		return cli_usage(&cmd_done, "needs --action: email, call, greeting, gift, social or other");
	return cmd_alerts_act(&cmd_done, cli, argv[optind], ALERT_EV_DONE, action, note, NULL, json);
}

const struct command cmd_done = {
	.name = "done",
	.usage = "ALERT --action email|call|greeting|gift|social|other [--note TEXT] [--json]",
	.summary = "mark an alert done, with the action taken",
	.help =
	"Closes a projected, pending or acknowledged alert with what was done. Of\n"
	"two people completing the same alert the first wins; the second is told who\n"
	"completed it, when and how, and nothing changes. Applied to the cache and\n"
	"queued in the outbox in one transaction, as --as NAME, [console] user,\n"
	"$IRM_USER or $USER.\n"
	"\n"
	"  --action A    email, call, greeting, gift, social or other (required)\n"
	"  --note TEXT   kept in the alert's history\n"
	"  --json        {from, to, by, outbox_seq, alert}; when someone was first,\n"
	"                {error: \"conflict\", alert_id, state, by, at, how}\n"
	"\n"
	"Exit status 1 when there is no such alert, 3 when it is closed already or\n"
	"withdrawn.\n",
	.run = run_done,
};
