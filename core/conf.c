/* conf.c — the irm.conf parser: text in, `section / key = value` entries
 * that remember their line out, and the typed look-ups that interpret a
 * value or refuse it with "FILE:LINE: KEY: reason". Pure: reading the file
 * is data/config.c. */
#include "conf.h"

#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

enum { CONF_LINE_MAX = 4096 };

/* While parsing: the entries so far (moved into the arena at the end) and
 * an open-addressing table of (section, key) → index + 1 to catch keys
 * given twice. */
struct parser {
	struct conf *out;
	struct irm_err *e;
	int line;
	const char *section;        /* arena string, "" before the first header */
	struct conf_entry *v;
	size_t n, cap;
	size_t *slots;
	size_t n_slots;             /* a power of two */
};

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
}

static char *skip_blanks(char *s)
{
	while (is_blank(*s))
		s++;
	return s;
}

/* User text quoted in a message: made safe for a terminal and cut short. */
static void shown(const char *s, char *buf, size_t size)
{
	utf8_sanitize_into(s, buf, size);
}

static enum irm_status syntax(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum irm_status syntax(struct parser *p, const char *fmt, ...)
{
	char reason[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	return err_set(p->e, IRM_EINPUT, "%s:%d: %s", p->out->name, p->line, reason);
}

static uint64_t pair_hash(const char *section, const char *key)
{
	uint64_t h = 0xcbf29ce484222325u;   /* FNV-1a */

	for (const char *s = section; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3u;
	h = (h ^ 0xff) * 0x100000001b3u;    /* a byte no name contains */
	for (const char *s = key; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3u;
	return h;
}

/* The slot for section/key: either empty (0) or holding its entry. */
static size_t *pair_slot(struct parser *p, const char *section, const char *key)
{
	size_t mask = p->n_slots - 1;
	size_t i = (size_t)pair_hash(section, key) & mask;

	for (;;) {
		size_t *slot = &p->slots[i];
		if (*slot == 0)
			return slot;
		const struct conf_entry *en = &p->v[*slot - 1];
		if (strcmp(en->key, key) == 0 && strcmp(en->section, section) == 0)
			return slot;
		i = (i + 1) & mask;
	}
}

static void pair_grow(struct parser *p)
{
	size_t *old = p->slots;

	p->n_slots = p->n_slots ? p->n_slots * 2 : 64;
	p->slots = xcalloc(p->n_slots, sizeof *p->slots);
	for (size_t i = 0; i < p->n; i++)
		*pair_slot(p, p->v[i].section, p->v[i].key) = i + 1;
	free(old);
}

static enum irm_status add_entry(struct parser *p, const char *key, const char *value)
{
	if ((p->n + 1) * 2 > p->n_slots)
		pair_grow(p);
	size_t *slot = pair_slot(p, p->section, key);
	if (*slot) {
		const struct conf_entry *first = &p->v[*slot - 1];
		if (*p->section)
			return syntax(p, "duplicate key '%s' in [%s] (first given on line %d)", key,
				      p->section, first->line);
		return syntax(p, "duplicate key '%s' (first given on line %d)", key, first->line);
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 32;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	struct conf_entry *en = &p->v[p->n];
	*en = (struct conf_entry){
		.section = p->section,
		.key = arena_strdup(&p->out->arena, key),
		.value = arena_strdup(&p->out->arena, value),
		.line = p->line,
	};
	*slot = ++p->n;
	return IRM_OK;
}

/* "[ milestone   birthday ]" → section "milestone birthday". s is at '['. */
static enum irm_status parse_section(struct parser *p, char *s)
{
	char name[CONF_LINE_MAX + 1], safe[80];
	size_t len = 0;
	char *close = strchr(s, ']');

	if (!close)
		return syntax(p, "section header not closed (missing ']')");
	*close = '\0';
	for (char *w = skip_blanks(s + 1); *w; w = skip_blanks(w)) {
		char *end = w;
		while (*end && !is_blank(*end))
			end++;
		for (char *c = w; c < end; c++) {
			if (!is_name_char(*c)) {
				shown(s + 1, safe, sizeof safe);
				return syntax(p, "bad section name '%s': words of a-z, 0-9 and _", safe);
			}
		}
		if (len)
			name[len++] = ' ';
		memcpy(name + len, w, (size_t)(end - w));
		len += (size_t)(end - w);
		w = end;
	}
	if (len == 0)
		return syntax(p, "empty section name");
	name[len] = '\0';
	char *rest = skip_blanks(close + 1);
	if (*rest && *rest != '#')
		return syntax(p, "junk after section header [%s]", name);
	p->section = arena_strndup(&p->out->arena, name, len);
	return IRM_OK;
}

/* The quoted value starting at q (on the '"') into val. */
static enum irm_status parse_quoted(struct parser *p, const char *key, char *q, char *val)
{
	char *o = val;
	bool escaped_quote = false;     /* the last thing read was \" */

	for (q++;; q++) {
		if (*q == '\0' && escaped_quote)
			return syntax(p, "%s: unterminated quote (the last \" is escaped)", key);
		if (*q == '\0' || (*q == '\\' && q[1] == '\0'))
			return syntax(p, "%s: unterminated quote (a value that starts with \" must end with one)",
				      key);
		if (*q == '"')
			break;
		escaped_quote = *q == '\\' && q[1] == '"';
		if (*q == '\\') {
			if (q[1] == '"' || q[1] == '\\') {
				*o++ = *++q;
				continue;
			}
			if ((unsigned char)q[1] > ' ' && (unsigned char)q[1] < 0x7f)
				return syntax(p, "%s: unknown escape '\\%c' (only \\\" and \\\\ are escapes)",
					      key, q[1]);
			return syntax(p, "%s: unknown escape after '\\' (only \\\" and \\\\ are escapes)",
				      key);
		}
		*o++ = *q;
	}
	*o = '\0';
	char *rest = skip_blanks(q + 1);
	if (*rest && *rest != '#')
		return syntax(p, "%s: junk after closing quote", key);
	return IRM_OK;
}

/* "key = value". */
static enum irm_status parse_pair(struct parser *p, char *s)
{
	char val[CONF_LINE_MAX + 1], safe[80];
	char *eq = strchr(s, '=');

	if (!eq)
		return syntax(p, "expected 'key = value', a [section] or a # comment");
	char *end = eq;
	while (end > s && is_blank(end[-1]))
		end--;
	*end = '\0';
	if (!*s)
		return syntax(p, "missing key before '='");
	for (char *c = s; *c; c++) {
		if (!is_name_char(*c)) {
			shown(s, safe, sizeof safe);
			return syntax(p, "bad key '%s': keys are a-z, 0-9 and _", safe);
		}
	}
	char *v = skip_blanks(eq + 1);
	if (*v == '"') {
		enum irm_status st = parse_quoted(p, s, v, val);
		if (st != IRM_OK)
			return st;
	} else {
		/* A '#' after a blank starts a comment; elsewhere it is text. */
		char *stop = v;
		while (*stop && !(*stop == '#' && is_blank(stop[-1])))
			stop++;
		while (stop > v && is_blank(stop[-1]))
			stop--;
		memcpy(val, v, (size_t)(stop - v));
		val[stop - v] = '\0';
	}
	return add_entry(p, s, val);
}

static enum irm_status parse_line(struct parser *p, const char *text, size_t len)
{
	char buf[CONF_LINE_MAX + 1];
	size_t bad;

	if (len > CONF_LINE_MAX)
		return syntax(p, "line longer than %d bytes", CONF_LINE_MAX);
	if (memchr(text, '\0', len))
		return syntax(p, "NUL byte in line");
	if (!utf8_valid(text, len, &bad))
		return syntax(p, "invalid UTF-8 at byte %zu", bad + 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)text[i];
		if ((ch < ' ' && ch != '\t') || ch == 0x7f)
			return syntax(p, "control character 0x%02x at byte %zu", ch, i + 1);
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	char *s = skip_blanks(buf);
	if (*s == '\0' || *s == '#')
		return IRM_OK;
	if (*s == '[')
		return parse_section(p, s);
	return parse_pair(p, s);
}

enum irm_status conf_parse(const char *text, size_t len, const char *name, struct conf *out,
			   struct irm_err *e)
{
	struct parser p = { .out = out, .e = e, .section = "" };
	enum irm_status st = IRM_OK;
	const char *at = text, *end = text + len;

	memset(out, 0, sizeof *out);
	out->name = arena_strdup(&out->arena, name ? name : "irm.conf");
	if (len >= 3 && memcmp(at, "\xef\xbb\xbf", 3) == 0)
		at += 3;   /* a byte-order mark some editors write */
	while (at < end && st == IRM_OK) {
		const char *nl = memchr(at, '\n', (size_t)(end - at));
		const char *stop = nl ? nl : end;
		size_t n = (size_t)(stop - at);
		if (n > 0 && at[n - 1] == '\r')
			n--;
		p.line++;
		st = parse_line(&p, at, n);
		at = nl ? nl + 1 : end;
	}
	free(p.slots);
	if (st == IRM_OK && p.n > 0) {
		out->v = arena_alloc(&out->arena, p.n * sizeof *out->v);
		memcpy(out->v, p.v, p.n * sizeof *out->v);
		out->n = p.n;
	}
	free(p.v);
	if (st != IRM_OK)
		conf_free(out);
	return st;
}

void conf_free(struct conf *c)
{
	if (!c)
		return;
	arena_free(&c->arena);
	memset(c, 0, sizeof *c);
}

struct conf_entry *conf_get(struct conf *c, const char *section, const char *key)
{
	struct conf_entry *found = NULL;

	if (!c)
		return NULL;
	for (size_t i = 0; i < c->n; i++) {
		struct conf_entry *en = &c->v[i];
		if (strcmp(en->section, section) != 0)
			continue;
		en->section_known = true;
		if (!found && strcmp(en->key, key) == 0)
			found = en;
	}
	if (found)
		found->used = true;
	return found;
}

const char *conf_scan_int(const char *s, int64_t *out)
{
	const char *p = s;
	bool neg = false;
	char sep = 0;
	int group = 0;          /* digits since the last separator */
	int groups = 0;         /* separators seen */
	uint64_t v = 0, limit;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!(*p >= '0' && *p <= '9'))
		return *s ? "not a whole number" : "empty";
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			unsigned d = (unsigned)(*p - '0');
			if (v > (limit - d) / 10)
				return neg ? "too small" : "too large";
			v = v * 10 + d;
			group++;
		} else if (*p == '_' || *p == ',') {
			if (sep && *p != sep)
				return "not a whole number (mixed '_' and ',' grouping)";
			/* The first group has 1 to 3 digits, every later one 3. */
			if (group == 0 || (groups == 0 ? group > 3 : group != 3))
				return "not a whole number (digits are grouped in threes)";
			sep = *p;
			groups++;
			group = 0;
		} else {
			return "not a whole number";
		}
	}
	if (groups > 0 && group != 3)
		return "not a whole number (digits are grouped in threes)";
	*out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	return NULL;
}

static void range_text(char *buf, size_t size, int64_t min, int64_t max)
{
	if (min == INT64_MIN)
		snprintf(buf, size, "at most %" PRId64, max);
	else if (max == INT64_MAX)
		snprintf(buf, size, "at least %" PRId64, min);
	else
		snprintf(buf, size, "%" PRId64 " to %" PRId64, min, max);
}

enum irm_status conf_get_int(struct conf *c, const char *section, const char *key, int64_t min,
			     int64_t max, int64_t *out, struct irm_err *e)
{
	struct conf_entry *en = conf_get(c, section, key);
	char safe[80], range[64];
	const char *why;
	int64_t v;

	if (!en)
		return IRM_OK;
	shown(en->value, safe, sizeof safe);
	range_text(range, sizeof range, min, max);
	if (!*en->value)
		return conf_error(c, en, e, "missing value (a whole number, %s)", range);
	if ((why = conf_scan_int(en->value, &v)) != NULL)
		return conf_error(c, en, e, "'%s': %s", safe, why);
	if (v < min || v > max)
		return conf_error(c, en, e, "%s is out of range (%s)", safe, range);
	*out = v;
	return IRM_OK;
}

/* [+-] digits [. digits] [e [+-] digits], at least one digit before the
 * exponent: no hex, no inf or nan, no locale's decimal comma. */
static bool decimal_syntax(const char *s)
{
	int digits = 0;

	if (*s == '+' || *s == '-')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits++;
	if (digits == 0)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/* strtod in the C locale, whatever LC_NUMERIC the program runs under. */
static double c_strtod(const char *s)
{
	locale_t c_loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	locale_t old = c_loc ? uselocale(c_loc) : (locale_t)0;
	double v = strtod(s, NULL);

	if (c_loc) {
		uselocale(old);
		freelocale(c_loc);
	}
	return v;
}

enum irm_status conf_get_double(struct conf *c, const char *section, const char *key, double min,
				double max, double *out, struct irm_err *e)
{
	struct conf_entry *en = conf_get(c, section, key);
	char safe[80];

	if (!en)
		return IRM_OK;
	shown(en->value, safe, sizeof safe);
	if (!*en->value)
		return conf_error(c, en, e, "missing value (a number, %g to %g)", min, max);
	if (!decimal_syntax(en->value))
		return conf_error(c, en, e, "'%s' is not a number", safe);
	double v = c_strtod(en->value);
	if (!isfinite(v))
		return conf_error(c, en, e, "'%s' is too large", safe);
	if (v < min || v > max)
		return conf_error(c, en, e, "%s is out of range (%g to %g)", safe, min, max);
	*out = v;
	return IRM_OK;
}

static bool same_word(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
		if (x != *b)
			return false;
	}
	return *a == *b;
}

enum irm_status conf_get_bool(struct conf *c, const char *section, const char *key, bool *out,
			      struct irm_err *e)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	struct conf_entry *en = conf_get(c, section, key);
	char safe[80];

	if (!en)
		return IRM_OK;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (same_word(en->value, yes[i])) {
			*out = true;
			return IRM_OK;
		}
		if (same_word(en->value, no[i])) {
			*out = false;
			return IRM_OK;
		}
	}
	shown(en->value, safe, sizeof safe);
	return conf_error(c, en, e, "'%s' is not yes or no (also true/false, on/off, 1/0)", safe);
}

enum irm_status conf_get_str(struct conf *c, const char *section, const char *key,
			     const char **out, struct irm_err *e)
{
	struct conf_entry *en = conf_get(c, section, key);

	(void)e;
	if (en)
		*out = en->value;
	return IRM_OK;
}

enum irm_status conf_error(const struct conf *c, const struct conf_entry *en, struct irm_err *e,
			   const char *fmt, ...)
{
	char reason[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	return err_set(e, IRM_EINPUT, "%s:%d: %s: %s", c && c->name ? c->name : "irm.conf",
		       en->line, en->key, reason);
}

enum irm_status conf_check_unused(const struct conf *c, struct irm_err *e)
{
	if (!c)
		return IRM_OK;
	for (size_t i = 0; i < c->n; i++) {
		const struct conf_entry *en = &c->v[i];
		const char *name = c->name ? c->name : "irm.conf";
		if (en->used)
			continue;
		if (!*en->section && !en->section_known)
			return err_set(e, IRM_EINPUT, "%s:%d: key '%s' outside any [section]", name,
				       en->line, en->key);
		if (!*en->section)
			return err_set(e, IRM_EINPUT, "%s:%d: unknown key '%s'", name, en->line,
				       en->key);
		if (en->section_known)
			return err_set(e, IRM_EINPUT, "%s:%d: unknown key '%s' in [%s]", name,
				       en->line, en->key, en->section);
		return err_set(e, IRM_EINPUT, "%s:%d: unknown section [%s]", name, en->line,
			       en->section);
	}
	return IRM_OK;
}
