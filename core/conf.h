/* conf.h — the configuration file (irm.conf): sections of `key = value`
 * lines, parsed into entries that remember their line, so that whoever
 * interprets a value can refuse it with "FILE:LINE: reason".
 *
 *   # a comment
 *   [milestone lifetime_miles]
 *   thresholds = 100000 250000 500000 1000000
 *   title = "{threshold} lifetime miles"
 *
 * Section names are words separated by single spaces ("intent",
 * "milestone birthday"); keys are [a-z0-9_]; values run to the end of the
 * line, trimmed, a '#' after a blank starting a comment; a value in double
 * quotes keeps its spaces and '#' and may use \" and \\. Parsing itself is
 * pure (core/); reading the file is data/config.c. The format is documented
 * in man/irm.conf.5. */
#ifndef IRM_CONF_H
#define IRM_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"
#include "status.h"

struct conf_entry {
	const char *section;   /* "" before the first section header */
	const char *key;
	const char *value;     /* unquoted */
	int line;
	bool used;             /* set by the conf_get* helpers */
	bool section_known;    /* some conf_get* asked about this section */
};

struct conf {
	const char *name;      /* the file's name, for messages */
	struct conf_entry *v;
	size_t n;
	struct arena arena;    /* owns everything above */
};

/* Parse text (len bytes). Syntax errors: IRM_EINPUT "NAME:LINE: reason". A
 * key given twice in one section is an error. On error *out is left empty
 * (conf_free on it is harmless). name NULL means "irm.conf". */
enum irm_status conf_parse(const char *text, size_t len, const char *name, struct conf *out,
			   struct irm_err *e);
void conf_free(struct conf *c);

/* The entry for section/key, or NULL; marks it used. */
struct conf_entry *conf_get(struct conf *c, const char *section, const char *key);
/* Typed look-ups: absent → IRM_OK with *out untouched; present but wrong →
 * IRM_EINPUT "NAME:LINE: KEY: reason". */
enum irm_status conf_get_int(struct conf *c, const char *section, const char *key, int64_t min,
			     int64_t max, int64_t *out, struct irm_err *e);
enum irm_status conf_get_double(struct conf *c, const char *section, const char *key, double min,
				double max, double *out, struct irm_err *e);
enum irm_status conf_get_bool(struct conf *c, const char *section, const char *key, bool *out,
			      struct irm_err *e);   /* yes/no, true/false, on/off, 1/0 */
enum irm_status conf_get_str(struct conf *c, const char *section, const char *key,
			     const char **out, struct irm_err *e);
/* One integer as conf_get_int reads it: an optional sign, then decimal
 * digits, optionally grouped in threes by '_' or ',' ("1_000_000",
 * "1,000,000"). NULL when s is one (stored in *out), else the reason it is
 * not ("not a whole number", "too large"), for a message. For list values
 * ("thresholds = 100_000 250_000") scan each word. */
const char *conf_scan_int(const char *s, int64_t *out);
/* An error at an entry: "NAME:LINE: KEY: reason"; returns IRM_EINPUT. */
enum irm_status conf_error(const struct conf *c, const struct conf_entry *en, struct irm_err *e,
			   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* After every interpreter has taken its keys: the first entry nobody used
 * is an error, so typos are caught: "unknown key 'k' in [s]" when some
 * look-up asked about section s, else "unknown section [s]". */
enum irm_status conf_check_unused(const struct conf *c, struct irm_err *e);

#endif
