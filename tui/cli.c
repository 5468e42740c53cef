/* cli.c — helpers shared by the CLI commands. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "text.h"
#include "utf8.h"

enum irm_status cli_load_config(struct cli *cli, struct irm_err *e)
{
	struct conf conf;
	const char *user = NULL;
	enum irm_status s = config_load(cli->config_path, &conf, e);

	if (s != IRM_OK)
		return s;
	rules_default(&cli->rules);
	cli->weights = intent_weights_default;
	s = rules_configure(&cli->rules, &conf, e);
	if (s == IRM_OK)
		s = intent_configure(&cli->weights, &conf, e);
	if (s == IRM_OK)
		s = conf_get_str(&conf, "console", "user", &user, e);
	const char *role = NULL;
	if (s == IRM_OK)
		s = conf_get_str(&conf, "console", "role", &role, e);
	if (s == IRM_OK && role && strcmp(role, "agent") != 0 && strcmp(role, "supervisor") != 0 &&
	    strcmp(role, "kiosk") != 0)
		s = conf_error(&conf, conf_get(&conf, "console", "role"), e,
			       "agent, supervisor or kiosk, not '%s'", role);
	const char *theme = NULL;
	if (s == IRM_OK)
		s = conf_get_str(&conf, "console", "theme", &theme, e);
	if (s == IRM_OK && theme && strcmp(theme, "dark") != 0 && strcmp(theme, "light") != 0 &&
	    strcmp(theme, "mono") != 0)
		s = conf_error(&conf, conf_get(&conf, "console", "theme"), e,
			       "dark, light or mono, not '%s'", theme);
	if (s == IRM_OK && theme) {
		static char theme_buf[8];
		snprintf(theme_buf, sizeof theme_buf, "%s", theme);
		cli->theme = theme_buf;
	}
	if (s == IRM_OK && cli->role && strcmp(cli->role, "agent") != 0 &&
	    strcmp(cli->role, "supervisor") != 0)
		s = err_set(e, IRM_EUSAGE, "--role: agent or supervisor, not '%s'", cli->role);
	if (s == IRM_OK && !cli->role) {
		static char from_conf[16];
		snprintf(from_conf, sizeof from_conf, "%s", role ? role : "agent");
		cli->role = from_conf;
	}
	if (s == IRM_OK)
		s = conf_check_unused(&conf, e);
	if (s == IRM_OK && cli->as && (!*cli->as || strcmp(cli->as, "irm") == 0))
		s = err_set(e, IRM_EUSAGE, "--as: a person's name, not '%s' (\"irm\" is the engine's)",
			    cli->as);
	if (s == IRM_OK && user && (!*user || strcmp(user, "irm") == 0))
		s = conf_error(&conf, conf_get(&conf, "console", "user"), e,
			       "a person's name, not '%s' (\"irm\" is the engine's)", user);
	if (s == IRM_OK && !cli->as) {
		static char who[128];
		const char *env = getenv("IRM_USER");
		if (user)
			snprintf(who, sizeof who, "%s", user);
		else if (env && *env)
			snprintf(who, sizeof who, "%s", env);
		else if ((env = getenv("USER")) && *env)
			snprintf(who, sizeof who, "%s", env);
		else
			who[0] = '\0';
		cli->as = who[0] ? who : NULL;  /* nobody: commands that act refuse */
	}
	conf_free(&conf);
	return s;
}

enum irm_status cli_open_cache(struct cli *cli, unsigned flags, struct cache **out,
			       struct irm_err *e)
{
	char path[4096];
	const char *p = cli->db_path;

	if (!p) {
		enum irm_status s = cache_default_path(path, sizeof path, flags & CACHE_CREATE, e);
		if (s != IRM_OK)
			return s;
		p = path;
	}
	return cache_open(p, flags, out, e);
}

enum irm_status cli_fail(const struct irm_err *e)
{
	fputs("irm: ", stderr);
	cli_put(stderr, e->msg[0] ? e->msg : status_message(e->status));
	fputc('\n', stderr);
	return e->status;
}

enum irm_status cli_help(const struct command *cmd)
{
	printf("usage: irm %s %s\n\n%s\n\n%s", cmd->name, cmd->usage, cmd->summary, cmd->help);
	return IRM_OK;
}

enum irm_status cli_usage(const struct command *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fputs("irm: ", stderr);
	cli_put(stderr, msg);
	fprintf(stderr, "\nusage: irm %s %s\n", cmd->name, cmd->usage);
	return IRM_EUSAGE;
}

bool cli_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

enum irm_status cli_print_json(json_t *v)
{
	/* Every non-ASCII character escaped (\u00e9): the output is plain
	 * ASCII, so no name can act on a terminal it is shown on, and the bytes
	 * are the same whether stdout is a terminal or a pipe. Built in memory
	 * and written at once: jansson's stream writer goes a few bytes at a
	 * time. Scores and confidences need no more than 4 significant digits. */
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(4));
	json_decref(v);
	if (!text)
		return IRM_ECACHE;
	enum irm_status s = cli_print_text(text, strlen(text));
	free(text);
	return s;
}

enum irm_status cli_print_text(const char *text, size_t len)
{
	if (fwrite(text, 1, len, stdout) != len || fputc('\n', stdout) == EOF)
		return IRM_ECACHE;
	return IRM_OK;
}

json_t *cli_json_str(const char *s)
{
	return utf8_json(s);
}

void cli_put(FILE *f, const char *s)
{
	char *safe = utf8_sanitize(s ? s : "");
	fputs(safe, f);
	free(safe);
}

void cli_put_cols(FILE *f, const char *s, int width)
{
	char *safe = utf8_sanitize(s ? s : "");
	int used;
	size_t n = text_fit(safe, width, &used);

	if (n < strlen(safe) && width > 0) {
		n = text_fit(safe, width - 1, &used);
		fwrite(safe, 1, n, f);
		fputs("…", f);
		used++;
	} else {
		fwrite(safe, 1, n, f);
	}
	for (; used < width; used++)
		fputc(' ', f);
	free(safe);
}

const char *cli_thousands(long long v, char buf[static 32])
{
	char digits[24];
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	int n = snprintf(digits, sizeof digits, "%llu", u), o = 0;

	if (v < 0)
		buf[o++] = '-';
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}
