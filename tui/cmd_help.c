/* cmd_help.c — `irm help [COMMAND]`, `irm --help`, `irm --version`. */
#include <stdio.h>

#include "cli.h"

static void overview(void)
{
	printf("irm — live customer context for the people who talk to an airline's customers\n\n"
	       "usage: irm [--db PATH] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; commands[i]; i++)
		printf("  %-8s %s\n", commands[i]->name, commands[i]->summary);
	printf("\nThe cache is --db PATH, else $IRM_DB, else $XDG_DATA_HOME/irm/cache.db.\n"
	       "IRM_NOW=2026-11-22T09:00:00Z pins the clock.\n"
	       "Exit status: 0 ok, 1 not found, 2 usage, 3 bad input data, 4 network/API,\n"
	       "5 cache unusable. 'irm help COMMAND' and irm(1) say more.\n");
}

static enum irm_status run_help(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	if (argc < 2) {
		overview();
		return IRM_OK;
	}
	if (argc > 2)
		return cli_usage(&cmd_help, "too many arguments");
	const struct command *cmd = commands_find(argv[1]);
	if (!cmd) {
		fputs("irm: no command '", stderr);
		cli_put(stderr, argv[1]);
		fputs("' (see 'irm --help')\n", stderr);
		return IRM_EUSAGE;
	}
	return cli_help(cmd);
}

const struct command cmd_help = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "say what the commands do",
	.help = "With no command, lists them all; with one, shows its usage and options.\n",
	.run = run_help,
};

static enum irm_status run_version(struct cli *cli, int argc, char **argv)
{
	(void)cli, (void)argv;
	if (argc > 1)
		return cli_usage(&cmd_version, "takes no arguments");
	printf("irm %s\n", IRM_VERSION);
	return IRM_OK;
}

const struct command cmd_version = {
	.name = "version",
	.usage = "",
	.summary = "print the version",
	.help = "Also 'irm --version'.\n",
	.run = run_version,
};
