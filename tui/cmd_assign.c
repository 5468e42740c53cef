/* cmd_assign.c — `irm assign ALERT AGENT`: give an open alert an owner. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static enum irm_status run_assign(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "note", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *note = NULL;
	bool json = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "m:jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'm': note = optarg; break;
		case 'j': json = true; break;
		case 'h': return cli_help(&cmd_assign);
		default: return cli_usage(&cmd_assign, "unknown option");
		}
	}
	if (argc - optind != 2)
		return cli_usage(&cmd_assign, "needs an alert id and an agent");
	return cmd_alerts_act(&cmd_assign, cli, argv[optind], ALERT_EV_ASSIGN, ACTION_COUNT, note,
			      argv[optind + 1], json);
}

const struct command cmd_assign = {
	.name = "assign",
	.usage = "ALERT AGENT [--note TEXT] [--json]",
	.summary = "assign an open alert to an agent",
	.help =
	"Makes AGENT the owner of a projected, pending or acknowledged alert; its\n"
	"state does not change. Applied to the cache and queued in the outbox in one\n"
	"transaction, as --as NAME, [console] user, $IRM_USER or $USER.\n"
	"\n"
	"  --note TEXT   kept in the alert's history\n"
	"  --json        {from, to, by, outbox_seq, alert}\n"
	"\n"
	"Exit status 1 when there is no such alert, 3 when it is closed or withdrawn.\n",
	.run = run_assign,
};
