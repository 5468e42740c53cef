/* cmd_import.c — `irm import FILE|-`: JSON lines into the cache, all or
 * nothing. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "import.h"

static enum irm_status run_import(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool json = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = true; break;
		case 'h': return cli_help(&cmd_import);
		default: return cli_usage(&cmd_import, "unknown option");
		}
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_import, "needs exactly one FILE (or - for standard input)");

	struct irm_err e = { 0 };
	struct cache *c;
	struct import_stats st;
	const char *path = argv[optind];
	if (strcmp(path, "-") != 0 && access(path, R_OK) != 0) {
		err_set(&e, IRM_EUSAGE, "%s: %s", path, strerror(errno));
		return cli_fail(&e);
	}
	if (cli_open_cache(cli, CACHE_CREATE, &c, &e) != IRM_OK)
		return cli_fail(&e);
	enum irm_status s = import_file(c, path, &cli->rules, &st, &e);
	cache_close(&c);
	if (s != IRM_OK) {
		cli_fail(&e);
		fputs("irm: nothing was imported\n", stderr);
		return s;
	}
	if (json) {
		json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I}", "records", (json_int_t)st.lines,
				      "added", (json_int_t)st.added, "updated", (json_int_t)st.updated,
				      "unchanged", (json_int_t)st.unchanged, "stale", (json_int_t)st.stale);
		return cli_print_json(o);
	}
	printf("%ld records: %ld added, %ld updated, %ld unchanged, %ld stale\n", st.lines, st.added,
	       st.updated, st.unchanged, st.stale);
	return IRM_OK;
}

const struct command cmd_import = {
	.name = "import",
	.usage = "FILE|- [--json]",
	.summary = "load customers, trips and segment status changes from JSON lines",
	.help =
	"Each line is {\"kind\":\"customer\"|\"trip\"|\"segment_status\",\"data\":{...}} (irm(1)\n"
	"and SPEC). The whole file is one transaction: if any line is wrong, nothing\n"
	"is imported and the error names FILE:LINE: FIELD. Records are upserted by id:\n"
	"one with a \"version\" replaces an older version only; one without replaces what\n"
	"is stored when its content differs. Importing the same file twice changes\n"
	"nothing. A segment that becomes flown adds its miles and a flight to each\n"
	"member on the trip. Creates the cache if there is none.\n"
	"\n"
	"  --json   print the counts as JSON\n"
	"\n"
	"Exit status 3 when the data is bad.\n",
	.run = run_import,
};
