/* command.h — one CLI subcommand: its name, usage, help and entry point.
 * Each lives in its own tui/cmd_*.c; commands.c lists them all, and that
 * one table drives dispatch and help. */
#ifndef IRM_COMMAND_H
#define IRM_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#include "alert.h"
#include "intent.h"
#include "rules.h"
#include "status.h"

struct cli {
	const char *db_path;        /* --db, or NULL for the default */
	const char *config_path;    /* --config, or NULL for the default */
	const char *as;             /* who acts: --as, [console] user, $IRM_USER, $USER */
	const char *role;           /* --role, else [console] role: "agent" or "supervisor" */
	const char *theme;          /* [console] theme: "dark", "light" or "mono" */
	const char *prog;           /* "irm" */
	struct rules rules;         /* the milestone rules, defaults + irm.conf */
	struct intent_weights weights; /* the intent model, defaults + irm.conf */
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
extern const struct command cmd_alerts, cmd_ack, cmd_done, cmd_dismiss, cmd_assign, cmd_note;
extern const struct command cmd_intent;

/* Shared by the commands that act (cmd_alerts.c): who acts — --as NAME,
 * else irm.conf's [console] user, else $IRM_USER, else $USER (settled by
 * cli_load_config); NULL, with a message, when none says — and applying an action to
 * one alert, printing the result (or why not) and returning the status. */
const char *cmd_alerts_user(const struct cli *cli);
enum irm_status cmd_alerts_act(const struct command *cmd, struct cli *cli, const char *alert_id,
			       enum alert_event ev, enum alert_action action, const char *text,
			       const char *assignee, bool json);

#endif
