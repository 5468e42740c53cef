/* command.h — one CLI subcommand: its name, usage, help and entry point.
 * Each lives in its own tui/cmd_*.c; commands.c lists them all, and that
 * one table drives dispatch and help. */
#ifndef IRM_COMMAND_H
#define IRM_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

struct cli {
	const char *db_path;        /* --db, or NULL for the default */
	const char *config_path;    /* --config, or NULL for the default */
	const char *as;             /* --as NAME: who acts, or NULL */
	const char *prog;           /* "irm" */
};

struct command {
	const char *name;
	const char *usage;          /* "QUERY [--limit N] [--json]" */
	const char *summary;        /* one line for `irm --help` */
	const char *help;           /* the rest of `irm help NAME` */
	enum irm_status (*run)(struct cli *cli, int argc, char **argv);
};

extern const struct command *const commands[];
const struct command *commands_find(const char *name);

extern const struct command cmd_demo, cmd_find, cmd_help, cmd_import, cmd_show, cmd_version;

#endif
