/* cmd_note.c — `irm note CUSTOMER TEXT`: a note about a customer. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "date.h"
#include "mem.h"
#include "notes.h"

static enum irm_status run_note(struct cli *cli, int argc, char **argv)
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
		case 'h': return cli_help(&cmd_note);
		default: return cli_usage(&cmd_note, "unknown option");
		}
	}
	if (argc - optind < 2)
		return cli_usage(&cmd_note, "needs a customer and the text of the note");

	/* The text may come as one argument or several words. */
	size_t len = 1;
	for (int i = optind + 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *text = xmalloc(len);
	text[0] = '\0';
	for (int i = optind + 1; i < argc; i++) {
		if (i > optind + 1)
			strcat(text, " ");
		strcat(text, argv[i]);
	}

	struct irm_err e = { 0 };
	struct note_added added;
	struct cache *c;
	const char *who = cmd_alerts_user(cli);
	if (!who)
		return IRM_EUSAGE;
	int64_t now = clock_now();
	enum irm_status s = cli_open_cache(cli, 0, &c, &e);
	if (s == IRM_OK) {
		s = notes_add(c, argv[optind], who, text, now, &added, &e);
		cache_close(&c);
	}
	if (s != IRM_OK) {
		free(text);
		return s == IRM_EUSAGE ? cli_usage(&cmd_note, "%s", e.msg) : cli_fail(&e);
	}
	if (json) {
		char at[26];
		date_format_time((struct irm_time){ .utc = now, .off_min = 0 }, at);
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(added.id));
		json_object_set_new(o, "customer_id", json_string(added.customer_id));
		json_object_set_new(o, "author", json_string(who));
		json_object_set_new(o, "at", json_string(at));
		json_object_set_new(o, "text", json_string(text));
		json_object_set_new(o, "outbox_seq", json_integer(added.outbox_seq));
		s = cli_print_json(o);
	} else {
		fputs("note added to ", stdout);
		cli_put(stdout, added.customer_id);
		fputs(" by ", stdout);
		cli_put(stdout, who);
		fputc('\n', stdout);
	}
	free(text);
	return s;
}

const struct command cmd_note = {
	.name = "note",
	.usage = "CUSTOMER TEXT… [--json]",
	.summary = "add a note about a customer",
	.help =
	"CUSTOMER is an id or a member number; the words after it are the note.\n"
	"Written to the cache and queued in the outbox in one transaction, as\n"
	"--as NAME, [console] user, $IRM_USER or $USER.\n"
	"\n"
	"  --json   {id, customer_id, author, at, text, outbox_seq}\n"
	"\n"
	"Exit status 1 when there is no such customer, 2 when the text is empty.\n",
	.run = run_note,
};
