/* cmd_ack.c — `irm ack ALERT`: take an alert on; the acting user owns it. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static enum irm_status run_ack(struct cli *cli, int argc, char **argv)
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
		case 'h': return cli_help(&cmd_ack);
		default: return cli_usage(&cmd_ack, "unknown option");
		}
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_ack, "needs exactly one alert id");
	return cmd_alerts_act(&cmd_ack, cli, argv[optind], ALERT_EV_ACK, ACTION_COUNT, note, NULL,
			      json);
}

const struct command cmd_ack = {
	.name = "ack",
	.usage = "ALERT [--note TEXT] [--json]",
	.summary = "acknowledge an alert: you own it now",
	.help =
	"Moves a pending (or, acting early, a projected) alert to acknowledged and\n"
	"makes the acting user its owner. Applied to the cache and queued in the\n"
	"outbox in one transaction. The acting user is --as NAME, else irm.conf's\n"
	"[console] user, else $IRM_USER, else $USER.\n"
	"\n"
	"  --note TEXT   kept in the alert's history\n"
	"  --json        {from, to, by, outbox_seq, alert} (alert as in irm alerts --json)\n"
	"\n"
	"Exit status 1 when there is no such alert, 3 when the alert's state does not\n"
	"allow it (already acknowledged, done, dismissed or withdrawn).\n",
	.run = run_ack,
};
