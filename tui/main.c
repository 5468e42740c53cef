/* main.c — the irm program: global options, then one command from the
 * table in commands.c. */
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "command.h"
#include "console.h"
#include "mem.h"
#include "tz.h"

static void out_of_memory(void)
{
	static const char msg[] = "irm: out of memory\n";
	fwrite(msg, 1, sizeof msg - 1, stderr);
}

/* Take the options every command takes (--db PATH, --db=PATH, --config,
 * --as, --role) out of argv, wherever they stand before "--". Returns the new argc,
 * or -1 on a usage error. */
static int take_globals(struct cli *cli, int argc, char **argv)
{
	const struct {
		const char *name;
		const char **slot;
	} globals[] = {
		{ "--db", &cli->db_path },
		{ "--config", &cli->config_path },
		{ "--as", &cli->as },
		{ "--role", &cli->role },
	};
	int out = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		bool taken = false;
		for (size_t k = 0; k < sizeof globals / sizeof globals[0] && !taken; k++) {
			size_t n = strlen(globals[k].name);
			if (strcmp(argv[i], globals[k].name) == 0) {
				if (i + 1 >= argc) {
					fprintf(stderr, "irm: %s needs a value\n", globals[k].name);
					return -1;
				}
				*globals[k].slot = argv[++i];
				taken = true;
			} else if (strncmp(argv[i], globals[k].name, n) == 0 && argv[i][n] == '=') {
				*globals[k].slot = argv[i] + n + 1;
				taken = true;
			}
		}
		if (!taken)
			argv[out++] = argv[i];
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char **argv)
{
	struct cli cli = { .prog = "irm" };
	struct irm_err e = { 0 };

	setlocale(LC_ALL, "");
	mem_set_oom_handler(out_of_memory);
	if ((argc = take_globals(&cli, argc, argv)) < 0)
		return IRM_EUSAGE;
	const char *name = argc > 1 ? argv[1] : NULL;
	if (!name) {
		/* No command: the console. */
		if (clock_init(&e) != IRM_OK || cli_load_config(&cli, &e) != IRM_OK)
			return cli_fail(&e);
		return (int)console_run(&cli);
	}
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
		name = "help";
	else if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
		name = "version";
	const struct command *cmd = commands_find(name);
	if (!cmd) {
		fputs("irm: unknown command '", stderr);
		cli_put(stderr, name);
		fputs("' (see 'irm --help')\n", stderr);
		return IRM_EUSAGE;
	}
	/* Help never depends on the clock; every other command does. */
	if (cmd != &cmd_help && cmd != &cmd_version &&
	    (clock_init(&e) != IRM_OK || cli_load_config(&cli, &e) != IRM_OK))
		return cli_fail(&e);
	int sub_argc = argc > 1 ? argc - 1 : 1;
	char **sub_argv = argc > 1 ? argv + 1 : (char *[]){ (char *)"help", NULL };
	enum irm_status s = cmd->run(&cli, sub_argc, sub_argv);
	tz_free_all();
	if (fflush(stdout) != 0 && s == IRM_OK) {
		perror("irm: stdout");
		s = IRM_ECACHE;
	}
	return (int)s;
}
