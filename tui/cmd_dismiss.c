/* cmd_dismiss.c — `irm dismiss ALERT --reason TEXT`: close without acting. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static enum irm_status run_dismiss(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *reason = NULL;
	bool json = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "r:jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'r': reason = optarg; break;
		case 'j': json = true; break;
		case 'h': return cli_help(&cmd_dismiss);
		default: return cli_usage(&cmd_dismiss, "unknown option");
		}
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_dismiss, "needs exactly one alert id");
	if (!reason)
		return cli_usage(&cmd_dismiss, "needs --reason TEXT");
	return cmd_alerts_act(&cmd_dismiss, cli, argv[optind], ALERT_EV_DISMISS, ACTION_COUNT,
			      reason, NULL, json);
}

const struct command cmd_dismiss = {
	.name = "dismiss",
	.usage = "ALERT --reason TEXT [--json]",
	.summary = "dismiss an alert, saying why",
	.help =
	"Closes a projected, pending or acknowledged alert without acting on it\n"
	"(\"customer prefers no fuss\"). Applied to the cache and queued in the outbox\n"
	"in one transaction, as --as NAME, [console] user, $IRM_USER or $USER.\n"
	"\n"
	"  --reason TEXT   why (required, not blank)\n"
	"  --json          {from, to, by, outbox_seq, alert}; when someone was first,\n"
	"                  {error: \"conflict\", alert_id, state, by, at, how}\n"
	"\n"
	"Exit status 1 when there is no such alert, 3 when it is closed already or\n"
	"withdrawn.\n",
	.run = run_dismiss,
};
