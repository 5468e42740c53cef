/* cmd_find.c — `irm find QUERY`: the search box from the command line. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "search.h"

static json_t *hit_json(const struct search_hit *h)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", cli_json_str(h->id));
	json_object_set_new(o, "member", cli_json_str(h->member));
	json_object_set_new(o, "name", cli_json_str(h->name));
	json_object_set_new(o, "tier", json_string(model_tier_name(h->tier)));
	json_object_set_new(o, "home_airport", h->home_airport[0] ? json_string(h->home_airport) : json_null());
	json_object_set_new(o, "email", cli_json_str(h->email));
	json_object_set_new(o, "phone", cli_json_str(h->phone));
	json_object_set_new(o, "lifetime_miles", json_integer(h->lifetime_miles));
	json_object_set_new(o, "alerts", json_integer(h->alerts));
	json_object_set_new(o, "match", json_string(search_match_name(h->match)));
	json_object_set_new(o, "score", json_integer(h->score));
	return o;
}

static void hit_print(const struct search_hit *h)
{
	char buf[32];
	fputs("  ", stdout);
	cli_put_cols(stdout, h->name, 28);
	printf("  %-9s  ", model_tier_name(h->tier));
	cli_put_cols(stdout, h->member ? h->member : "–", 10);
	printf("  %-3s  ", h->home_airport[0] ? h->home_airport : "–");
	cli_put_cols(stdout, h->phone ? h->phone : "", 16);
	printf("  %11s mi", cli_thousands(h->lifetime_miles, buf));
	if (h->alerts)
		printf("  %d alert%s", h->alerts, h->alerts == 1 ? "" : "s");
	fputc('\n', stdout);
}

static enum irm_status run_find(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	long limit = 10;
	bool json = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "n:jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			if (!cli_parse_long(optarg, 1, 500, &limit))
				return cli_usage(&cmd_find, "--limit: a number from 1 to 500, not '%s'", optarg);
			break;
		case 'j': json = true; break;
		case 'h': return cli_help(&cmd_find);
		default: return cli_usage(&cmd_find, "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage(&cmd_find, "needs a QUERY");

	/* The words of the query may come as one argument or several. */
	char query[1024] = "";
	for (int i = optind; i < argc; i++) {
		if (strlen(query) + strlen(argv[i]) + 2 > sizeof query)
			return cli_usage(&cmd_find, "query too long");
		if (i > optind)
			strcat(query, " ");
		strcat(query, argv[i]);
	}

	struct irm_err e = { 0 };
	struct cache *c;
	struct search_result r;
	if (cli_open_cache(cli, 0, &c, &e) != IRM_OK)
		return cli_fail(&e);
	enum irm_status s = search_run(c, query, (size_t)limit, &r, &e);
	if (s != IRM_OK) {
		cache_close(&c);
		return cli_fail(&e);
	}
	if (json) {
		json_t *list = json_array();
		for (size_t i = 0; i < r.n; i++)
			json_array_append_new(list, hit_json(&r.hits[i]));
		s = cli_print_json(list);
	} else {
		for (size_t i = 0; i < r.n; i++)
			hit_print(&r.hits[i]);
		if (r.n == 0)
			fputs("irm: no customer matches\n", stderr);
	}
	if (s == IRM_OK && r.n == 0)
		s = IRM_ENOTFOUND;
	search_result_free(&r);
	cache_close(&c);
	return s;
}

const struct command cmd_find = {
	.name = "find",
	.usage = "QUERY [--limit N] [--json]",
	.summary = "find customers by name, member number, email, phone or booking reference",
	.help =
	"One query box, as in the console. Names in any script, accents and case\n"
	"ignored (\"jose\" finds \"José\"); the last word is a prefix (\"dale bre\"); when\n"
	"nothing matches as typed, near spellings are tried (\"brewr\" finds \"Brewer\").\n"
	"Member numbers with or without their letters, emails, phones in any common\n"
	"format (\"+1 303-555-0142\", \"(303) 555 0142\", \"5550142\"), booking references.\n"
	"Best match first.\n"
	"\n"
	"  --limit N   at most N results (default 10, up to 500)\n"
	"  --json      a JSON list: id, member, name, tier, home_airport, email, phone,\n"
	"              lifetime_miles, alerts, match (how it was found), score\n"
	"\n"
	"Exit status 1 when nothing matches.\n",
	.run = run_find,
};
