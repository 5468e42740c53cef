/* commands.c — the table of CLI commands: dispatch and help read it. */
#include <string.h>

#include "command.h"

const struct command *const commands[] = {
	&cmd_find, &cmd_show, &cmd_alerts, &cmd_ack, &cmd_done, &cmd_dismiss, &cmd_assign,
	&cmd_intent,
	&cmd_note, &cmd_import, &cmd_demo, &cmd_help, &cmd_version, NULL,
};

const struct command *commands_find(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}
