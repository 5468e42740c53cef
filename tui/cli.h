/* cli.h — what the CLI commands share: opening the cache, reporting errors,
 * parsing numbers, and printing outside text safely. */
#ifndef IRM_CLI_H
#define IRM_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "cache.h"
#include "command.h"
#include "status.h"

/* Read irm.conf (--config, $IRM_CONFIG or the default path): the milestone
 * rules and tiers, the intent weights, and who acts when --as is not given. A setting that is
 * wrong or unknown is refused with FILE:LINE: reason (IRM_EINPUT). */
enum irm_status cli_load_config(struct cli *cli, struct irm_err *e);

/* Open the cache named by --db, $IRM_DB or the default path. */
enum irm_status cli_open_cache(struct cli *cli, unsigned flags, struct cache **out,
			       struct irm_err *e);
/* Print "irm: MESSAGE" on stderr (sanitised) and return e's status. */
enum irm_status cli_fail(const struct irm_err *e);
/* --help of a command: its usage line and help text on stdout; IRM_OK. */
enum irm_status cli_help(const struct command *cmd);
/* A usage error for cmd: prints the message and the usage line; IRM_EUSAGE. */
enum irm_status cli_usage(const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Parse a whole decimal number in [min, max]. */
bool cli_parse_long(const char *s, long min, long max, long *out);
/* Print JSON text (from core/jsonw.c: plain ASCII) on stdout, then a
 * newline. */
enum irm_status cli_print_text(const char *text, size_t len);
/* Print a JSON value on stdout, one document, then a newline. */
enum irm_status cli_print_json(json_t *v);

/* A JSON string of outside text, never NULL: text that is not valid UTF-8
 * (which jansson refuses) has its bad bytes replaced; NULL gives null. */
json_t *cli_json_str(const char *s);

/* Write outside text to f with nothing that could act on a terminal. */
void cli_put(FILE *f, const char *s);
/* The same, padded with spaces or cut with "…" to exactly `width` columns. */
void cli_put_cols(FILE *f, const char *s, int width);
/* 1234567 → "1,234,567" */
const char *cli_thousands(long long v, char buf[static 32]);

#endif
