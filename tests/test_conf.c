#include "testutil.h"

#include <float.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "config.h"

static enum irm_status parse(const char *text, struct conf *c, struct irm_err *e)
{
	err_clear(e);
	return conf_parse(text, strlen(text), "t.conf", c, e);
}

/* text must be refused with exactly msg (IRM_EINPUT), leaving c empty. */
static void expect_error_n(const char *text, size_t len, const char *msg)
{
	struct conf c;
	struct irm_err e;

	err_clear(&e);
	assert_int_equal(conf_parse(text, len, "t.conf", &c, &e), IRM_EINPUT);
	assert_int_equal(e.status, IRM_EINPUT);
	assert_string_equal(e.msg, msg);
	assert_int_equal(c.n, 0);
	assert_null(c.v);
	conf_free(&c);
}

static void expect_error(const char *text, const char *msg)
{
	expect_error_n(text, strlen(text), msg);
}

static const struct conf_entry *entry(const struct conf *c, const char *section, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].section, section) == 0 && strcmp(c->v[i].key, key) == 0)
			return &c->v[i];
	return NULL;
}

static void expect_entry(const struct conf *c, const char *section, const char *key,
			 const char *value, int line)
{
	const struct conf_entry *en = entry(c, section, key);
	if (!en)
		fail_msg("no %s/%s", section, key);
	assert_string_equal(en->value, value);
	assert_int_equal(en->line, line);
	assert_false(en->used);
}

static void test_parse_lines(void **state)
{
	struct conf c;
	struct irm_err e;

	(void)state;
	assert_int_equal(parse("# leading comment\n"
			       "top = 1\n"
			       "\n"
			       "   \t\n"
			       "[console]\n"
			       "user = dana.k   \n"
			       "\trole\t=\tagent\t# the call centre\n"
			       "  # an indented comment\n"
			       "[ milestone \t  lifetime_miles ]   # with a comment\n"
			       "thresholds = 100000 250000  500000\n"
			       "title=Row#1\n"
			       "empty =\n"
			       "empty2 =    # nothing but a comment\n"
			       "hash =# not a comment: no blank before it\n"
			       "[console]\n"
			       "extra = more\n"
			       "utf8 = Zürich → 東京\n",
			       &c, &e),
			 IRM_OK);
	assert_string_equal(c.name, "t.conf");
	assert_int_equal(c.n, 10);
	expect_entry(&c, "", "top", "1", 2);
	expect_entry(&c, "console", "user", "dana.k", 6);
	expect_entry(&c, "console", "role", "agent", 7);
	expect_entry(&c, "milestone lifetime_miles", "thresholds", "100000 250000  500000", 10);
	expect_entry(&c, "milestone lifetime_miles", "title", "Row#1", 11);
	expect_entry(&c, "milestone lifetime_miles", "empty", "", 12);
	expect_entry(&c, "milestone lifetime_miles", "empty2", "", 13);
	expect_entry(&c, "milestone lifetime_miles", "hash", "# not a comment: no blank before it", 14);
	expect_entry(&c, "console", "extra", "more", 16);
	expect_entry(&c, "console", "utf8", "Zürich → 東京", 17);
	/* In file order. */
	assert_string_equal(c.v[0].key, "top");
	assert_string_equal(c.v[9].key, "utf8");
	conf_free(&c);
	assert_int_equal(c.n, 0);
	conf_free(&c);   /* harmless twice */

	/* Empty text, CRLF line ends, a byte-order mark, no final newline. */
	assert_int_equal(parse("", &c, &e), IRM_OK);
	assert_int_equal(c.n, 0);
	assert_string_equal(c.name, "t.conf");
	conf_free(&c);
	assert_int_equal(parse("\xef\xbb\xbf[a]\r\nk = v\r\n\r\nl = \"w \"\r\nm = last", &c, &e), IRM_OK);
	assert_int_equal(c.n, 3);
	expect_entry(&c, "a", "k", "v", 2);
	expect_entry(&c, "a", "l", "w ", 4);
	expect_entry(&c, "a", "m", "last", 5);
	conf_free(&c);

	/* A NULL name is "irm.conf". */
	assert_int_equal(conf_parse("k = v", 5, NULL, &c, &e), IRM_OK);
	assert_string_equal(c.name, "irm.conf");
	conf_free(&c);
}

static void test_quoting(void **state)
{
	struct conf c;
	struct irm_err e;

	(void)state;
	assert_int_equal(parse("[m]\n"
			       "a = \"  spaced out  \"\n"
			       "b = \"say \\\"hi\\\" \\\\ done\"\n"
			       "c = \"# not a comment\"   # but this is\n"
			       "d = \"\"\n"
			       "e = \"héllo, 世界\"\t\n"
			       "f = back\\slash \\n stays outside quotes\n"
			       "g = mid \"quotes\" stay\n"
			       "h = \"\\\\\"\n"
			       "i = \"a\\\"#b\"#c\n",
			       &c, &e),
			 IRM_OK);
	expect_entry(&c, "m", "a", "  spaced out  ", 2);
	expect_entry(&c, "m", "b", "say \"hi\" \\ done", 3);
	expect_entry(&c, "m", "c", "# not a comment", 4);
	expect_entry(&c, "m", "d", "", 5);
	expect_entry(&c, "m", "e", "héllo, 世界", 6);
	expect_entry(&c, "m", "f", "back\\slash \\n stays outside quotes", 7);
	expect_entry(&c, "m", "g", "mid \"quotes\" stay", 8);
	expect_entry(&c, "m", "h", "\\", 9);
	expect_entry(&c, "m", "i", "a\"#b", 10);
	conf_free(&c);

	expect_error("[m]\n\nt = \"open\n", "t.conf:3: t: unterminated quote (a value that starts with \" must end with one)");
	expect_error("t = \"ends escaped\\\"\n", "t.conf:1: t: unterminated quote (the last \" is escaped)");
	expect_error("t = \"trailing\\", "t.conf:1: t: unterminated quote (a value that starts with \" must end with one)");
	expect_error("t = \"a\\\"b\n", "t.conf:1: t: unterminated quote (a value that starts with \" must end with one)");
	expect_error("a = 1\nt = \"x\" y\n", "t.conf:2: t: junk after closing quote");
	expect_error("t = \"x\"\"y\"\n", "t.conf:1: t: junk after closing quote");
	expect_error("t = \"a\\nb\"\n", "t.conf:1: t: unknown escape '\\n' (only \\\" and \\\\ are escapes)");
	expect_error("t = \"a\\tb\"\n", "t.conf:1: t: unknown escape '\\t' (only \\\" and \\\\ are escapes)");
	expect_error("t = \"a\\ b\"\n", "t.conf:1: t: unknown escape after '\\' (only \\\" and \\\\ are escapes)");
	expect_error("t = \"a\\é\"\n", "t.conf:1: t: unknown escape after '\\' (only \\\" and \\\\ are escapes)");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	/* Keys. */
	expect_error("a = 1\nBad = 2\n", "t.conf:2: bad key 'Bad': keys are a-z, 0-9 and _");
	expect_error("[s]\nx y = 1\n", "t.conf:2: bad key 'x y': keys are a-z, 0-9 and _");
	expect_error("gold-miles = 1\n", "t.conf:1: bad key 'gold-miles': keys are a-z, 0-9 and _");
	expect_error("clé = 1\n", "t.conf:1: bad key 'clé': keys are a-z, 0-9 and _");
	expect_error("\n\n= 1\n", "t.conf:3: missing key before '='");
	expect_error("  \t = \n", "t.conf:1: missing key before '='");
	/* Neither a pair, a header nor a comment. */
	expect_error("[a]\njust words\n", "t.conf:2: expected 'key = value', a [section] or a # comment");
	expect_error("; ini comment\n", "t.conf:1: expected 'key = value', a [section] or a # comment");
	/* Section headers. */
	expect_error("[a]\nk = 1\n[milestone birthday\n", "t.conf:3: section header not closed (missing ']')");
	expect_error("[]\n", "t.conf:1: empty section name");
	expect_error("k = 1\n[ \t ]\n", "t.conf:2: empty section name");
	expect_error("[Console]\n", "t.conf:1: bad section name 'Console': words of a-z, 0-9 and _");
	expect_error("[a.b]\n", "t.conf:1: bad section name 'a.b': words of a-z, 0-9 and _");
	expect_error("[a [b]]\n", "t.conf:1: bad section name 'a [b': words of a-z, 0-9 and _");
	expect_error("[a] b\n", "t.conf:1: junk after section header [a]");
	expect_error("[a]]\n", "t.conf:1: junk after section header [a]");
	/* Duplicates, also across two headers of one section. */
	expect_error("[a]\nk = 1\n[b]\nk = 2\n[a]\nk = 3\n",
		     "t.conf:6: duplicate key 'k' in [a] (first given on line 2)");
	expect_error("[milestone  flights]\nevery = 1\n[milestone flights]\nevery = 2\n",
		     "t.conf:4: duplicate key 'every' in [milestone flights] (first given on line 2)");
	expect_error("k = 1\nk = 1\n", "t.conf:2: duplicate key 'k' (first given on line 1)");
	/* Bytes. */
	expect_error("a = 1\n\nb = \xff\n", "t.conf:3: invalid UTF-8 at byte 5");
	expect_error("a = 1\nb = \xc3\x28\n", "t.conf:2: invalid UTF-8 at byte 5");
	expect_error("# \xed\xa0\x80 a surrogate, even in a comment\n", "t.conf:1: invalid UTF-8 at byte 3");
	expect_error_n("a = 1\nb = x\0y\nc = 3\n", 18, "t.conf:2: NUL byte in line");
	expect_error_n("\0", 1, "t.conf:1: NUL byte in line");
	expect_error("a = 1\nb = \x1b[31mred\n", "t.conf:2: control character 0x1b at byte 5");
	expect_error("a = x\ry\n", "t.conf:1: control character 0x0d at byte 6");
	expect_error("a = \x7f\n", "t.conf:1: control character 0x7f at byte 5");
	/* Line numbers keep counting through CRLF ends and comments. */
	expect_error("# c\r\n[a]\r\n\r\nk = 1\r\nK = 2\r\n", "t.conf:5: bad key 'K': keys are a-z, 0-9 and _");
}

static void test_long_lines(void **state)
{
	struct conf c;
	struct irm_err e;
	char *text = malloc(4 + 4097 + 4);

	(void)state;
	/* A 4096-byte line is fine, with or without CR. */
	memcpy(text, "[a]\n", 4);
	memcpy(text + 4, "k = ", 4);
	memset(text + 8, 'x', 4092);
	memcpy(text + 4100, "\r\n", 3);
	assert_int_equal(parse(text, &c, &e), IRM_OK);
	assert_int_equal(strlen(c.v[0].value), 4092);
	conf_free(&c);
	/* 4097 is not. */
	memset(text + 8, 'x', 4093);
	text[4101] = '\n';
	text[4102] = '\0';
	expect_error(text, "t.conf:2: line longer than 4096 bytes");
	/* Nor is one without an end. */
	text[4101] = '\0';
	expect_error(text, "t.conf:2: line longer than 4096 bytes");
	free(text);
}

static void test_many_entries(void **state)
{
	struct conf c;
	struct irm_err e;
	size_t cap = 200000, n = 0;
	char *text = malloc(cap);

	(void)state;
	/* Enough entries to grow the duplicate table several times. */
	for (int i = 0; i < 3000; i++)
		n += (size_t)snprintf(text + n, cap - n, "%sk%d = %d\n", i % 100 == 0 ? "[s]\n" : "",
				      i, i);
	assert_int_equal(parse(text, &c, &e), IRM_OK);
	assert_int_equal(c.n, 3000);
	expect_entry(&c, "s", "k2999", "2999", 3000 + 30);
	conf_free(&c);
	n += (size_t)snprintf(text + n, cap - n, "k1234 = again\n");
	expect_error(text, "t.conf:3031: duplicate key 'k1234' in [s] (first given on line 1248)");
	free(text);
}

static void test_ints(void **state)
{
	struct conf c;
	struct irm_err e;
	int64_t v;

	(void)state;
	assert_int_equal(parse("[n]\n"
			       "plain = 42\n"
			       "neg = -17\n"
			       "plus = +8\n"
			       "under = 1_000_000\n"
			       "comma = 1,000,000\n"
			       "short = 25,000\n"
			       "max = 9223372036854775807\n"
			       "min = -9_223_372_036_854_775_808\n"
			       "over = 9223372036854775808\n"
			       "under_min = -9223372036854775809\n"
			       "word = many\n"
			       "empty =\n"
			       "hex = 0x10\n"
			       "frac = 1.5\n"
			       "spaced = 1 000\n"
			       "double_sep = 1__000\n"
			       "short_group = 1,00\n"
			       "long_first = 1000,000\n"
			       "lead_sep = _100\n"
			       "trail_sep = 100_\n"
			       "mixed = 1_000,000\n"
			       "zeros = 007\n"
			       "quoted = \"5\"\n"
			       "priority = 7\n",
			       &c, &e),
			 IRM_OK);
	v = -1;
	assert_int_equal(conf_get_int(&c, "n", "plain", 0, 100, &v, &e), IRM_OK);
	assert_int_equal(v, 42);
	assert_true(entry(&c, "n", "plain")->used);
	assert_int_equal(conf_get_int(&c, "n", "neg", INT64_MIN, INT64_MAX, &v, &e), IRM_OK);
	assert_int_equal(v, -17);
	assert_int_equal(conf_get_int(&c, "n", "plus", 0, 10, &v, &e), IRM_OK);
	assert_int_equal(v, 8);
	assert_int_equal(conf_get_int(&c, "n", "under", 0, INT64_MAX, &v, &e), IRM_OK);
	assert_int_equal(v, 1000000);
	assert_int_equal(conf_get_int(&c, "n", "comma", 0, INT64_MAX, &v, &e), IRM_OK);
	assert_int_equal(v, 1000000);
	assert_int_equal(conf_get_int(&c, "n", "short", 0, INT64_MAX, &v, &e), IRM_OK);
	assert_int_equal(v, 25000);
	assert_int_equal(conf_get_int(&c, "n", "max", INT64_MIN, INT64_MAX, &v, &e), IRM_OK);
	assert_true(v == INT64_MAX);
	assert_int_equal(conf_get_int(&c, "n", "min", INT64_MIN, INT64_MAX, &v, &e), IRM_OK);
	assert_true(v == INT64_MIN);
	assert_int_equal(conf_get_int(&c, "n", "zeros", 0, 10, &v, &e), IRM_OK);
	assert_int_equal(v, 7);
	assert_int_equal(conf_get_int(&c, "n", "quoted", 0, 10, &v, &e), IRM_OK);
	assert_int_equal(v, 5);

	/* Absent: OK, untouched, nothing marked. */
	v = 99;
	assert_int_equal(conf_get_int(&c, "n", "absent", 0, 10, &v, &e), IRM_OK);
	assert_int_equal(v, 99);
	assert_int_equal(conf_get_int(&c, "nowhere", "plain", 0, 10, &v, &e), IRM_OK);
	assert_int_equal(v, 99);

	static const struct {
		const char *key, *msg;
	} bad[] = {
		{ "over", "t.conf:10: over: '9223372036854775808': too large" },
		{ "under_min", "t.conf:11: under_min: '-9223372036854775809': too small" },
		{ "word", "t.conf:12: word: 'many': not a whole number" },
		{ "empty", "t.conf:13: empty: missing value (a whole number, 0 to 10)" },
		{ "hex", "t.conf:14: hex: '0x10': not a whole number" },
		{ "frac", "t.conf:15: frac: '1.5': not a whole number" },
		{ "spaced", "t.conf:16: spaced: '1 000': not a whole number" },
		{ "double_sep", "t.conf:17: double_sep: '1__000': not a whole number (digits are grouped in threes)" },
		{ "short_group", "t.conf:18: short_group: '1,00': not a whole number (digits are grouped in threes)" },
		{ "long_first", "t.conf:19: long_first: '1000,000': not a whole number (digits are grouped in threes)" },
		{ "lead_sep", "t.conf:20: lead_sep: '_100': not a whole number" },
		{ "trail_sep", "t.conf:21: trail_sep: '100_': not a whole number (digits are grouped in threes)" },
		{ "mixed", "t.conf:22: mixed: '1_000,000': not a whole number (mixed '_' and ',' grouping)" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 99;
		err_clear(&e);
		assert_int_equal(conf_get_int(&c, "n", bad[i].key, 0, 10, &v, &e), IRM_EINPUT);
		assert_string_equal(e.msg, bad[i].msg);
		assert_int_equal(v, 99);
		assert_true(entry(&c, "n", bad[i].key)->used);
	}

	/* Ranges, and how they are said. */
	assert_int_equal(conf_get_int(&c, "n", "priority", 1, 5, &v, &e), IRM_EINPUT);
	assert_string_equal(e.msg, "t.conf:25: priority: 7 is out of range (1 to 5)");
	assert_int_equal(conf_get_int(&c, "n", "priority", 7, 7, &v, &e), IRM_OK);
	assert_int_equal(v, 7);
	assert_int_equal(conf_get_int(&c, "n", "neg", 0, INT64_MAX, &v, &e), IRM_EINPUT);
	assert_string_equal(e.msg, "t.conf:3: neg: -17 is out of range (at least 0)");
	assert_int_equal(conf_get_int(&c, "n", "under", INT64_MIN, 999999, &v, &e), IRM_EINPUT);
	assert_string_equal(e.msg, "t.conf:5: under: 1_000_000 is out of range (at most 999999)");
	conf_free(&c);

	/* conf_scan_int on its own, for list items. */
	assert_null(conf_scan_int("1,500,000", &v));
	assert_int_equal(v, 1500000);
	assert_null(conf_scan_int("0", &v));
	assert_int_equal(v, 0);
	assert_null(conf_scan_int("-0", &v));
	assert_int_equal(v, 0);
	assert_string_equal(conf_scan_int("", &v), "empty");
	assert_string_equal(conf_scan_int("-", &v), "not a whole number");
	assert_string_equal(conf_scan_int("+_1", &v), "not a whole number");
	assert_string_equal(conf_scan_int("99999999999999999999", &v), "too large");
	assert_string_equal(conf_scan_int("1_0000", &v), "not a whole number (digits are grouped in threes)");
}

static void test_doubles(void **state)
{
	struct conf c;
	struct irm_err e;
	double d;

	(void)state;
	assert_int_equal(parse("[intent]\n"
			       "half = 0.5\n"
			       "neg = -1.25e1\n"
			       "int = 3\n"
			       "dot = .5\n"
			       "trail = 2.\n"
			       "exp = 2E-3\n"
			       "comma = 0,5\n"
			       "inf = inf\n"
			       "nan = nan\n"
			       "hex = 0x1p3\n"
			       "huge = 1e999\n"
			       "word = heavy\n"
			       "bare_e = 1e\n"
			       "empty =\n"
			       "big = 11\n"
			       "lone = .\n",
			       &c, &e),
			 IRM_OK);
	assert_int_equal(conf_get_double(&c, "intent", "half", -10, 10, &d, &e), IRM_OK);
	assert_true(d == 0.5);
	assert_int_equal(conf_get_double(&c, "intent", "neg", -100, 10, &d, &e), IRM_OK);
	assert_true(d == -12.5);
	assert_int_equal(conf_get_double(&c, "intent", "int", -10, 10, &d, &e), IRM_OK);
	assert_true(d == 3.0);
	assert_int_equal(conf_get_double(&c, "intent", "dot", -10, 10, &d, &e), IRM_OK);
	assert_true(d == 0.5);
	assert_int_equal(conf_get_double(&c, "intent", "trail", -10, 10, &d, &e), IRM_OK);
	assert_true(d == 2.0);
	assert_int_equal(conf_get_double(&c, "intent", "exp", -10, 10, &d, &e), IRM_OK);
	assert_true(d == 2e-3);
	assert_true(entry(&c, "intent", "exp")->used);

	d = 42;
	assert_int_equal(conf_get_double(&c, "intent", "absent", -10, 10, &d, &e), IRM_OK);
	assert_true(d == 42);

	static const struct {
		const char *key, *msg;
	} bad[] = {
		{ "comma", "t.conf:8: comma: '0,5' is not a number" },
		{ "inf", "t.conf:9: inf: 'inf' is not a number" },
		{ "nan", "t.conf:10: nan: 'nan' is not a number" },
		{ "hex", "t.conf:11: hex: '0x1p3' is not a number" },
		{ "huge", "t.conf:12: huge: '1e999' is too large" },
		{ "word", "t.conf:13: word: 'heavy' is not a number" },
		{ "bare_e", "t.conf:14: bare_e: '1e' is not a number" },
		{ "empty", "t.conf:15: empty: missing value (a number, -10 to 10)" },
		{ "big", "t.conf:16: big: 11 is out of range (-10 to 10)" },
		{ "lone", "t.conf:17: lone: '.' is not a number" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		d = 42;
		err_clear(&e);
		assert_int_equal(conf_get_double(&c, "intent", bad[i].key, -10, 10, &d, &e), IRM_EINPUT);
		assert_string_equal(e.msg, bad[i].msg);
		assert_true(d == 42);
	}

	/* A decimal-comma locale changes nothing, when one is installed. */
	char *old = strdup(setlocale(LC_NUMERIC, NULL));
	if (setlocale(LC_NUMERIC, "de_DE.UTF-8") || setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
		assert_int_equal(conf_get_double(&c, "intent", "half", -10, 10, &d, &e), IRM_OK);
		assert_true(d == 0.5);
		assert_int_equal(conf_get_double(&c, "intent", "comma", -10, 10, &d, &e), IRM_EINPUT);
	}
	setlocale(LC_NUMERIC, old);
	free(old);
	conf_free(&c);
}

static void test_bools_and_strings(void **state)
{
	struct conf c;
	struct irm_err e;
	bool b;
	const char *s;

	(void)state;
	assert_int_equal(parse("[b]\n"
			       "a = yes\nb = No\nc = TRUE\nd = false\ne = On\nf = off\ng = 1\nh = 0\n"
			       "i = maybe\nj = 2\nk =\nl = yess\nm = \"yes\"\n",
			       &c, &e),
			 IRM_OK);
	static const struct {
		const char *key;
		bool want;
	} good[] = {
		{ "a", true }, { "b", false }, { "c", true }, { "d", false },
		{ "e", true }, { "f", false }, { "g", true }, { "h", false }, { "m", true },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		b = !good[i].want;
		assert_int_equal(conf_get_bool(&c, "b", good[i].key, &b, &e), IRM_OK);
		assert_int_equal(b, good[i].want);
	}
	static const struct {
		const char *key, *msg;
	} bad[] = {
		{ "i", "t.conf:10: i: 'maybe' is not yes or no (also true/false, on/off, 1/0)" },
		{ "j", "t.conf:11: j: '2' is not yes or no (also true/false, on/off, 1/0)" },
		{ "k", "t.conf:12: k: '' is not yes or no (also true/false, on/off, 1/0)" },
		{ "l", "t.conf:13: l: 'yess' is not yes or no (also true/false, on/off, 1/0)" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		b = true;
		assert_int_equal(conf_get_bool(&c, "b", bad[i].key, &b, &e), IRM_EINPUT);
		assert_string_equal(e.msg, bad[i].msg);
		assert_true(b);
	}
	b = true;
	assert_int_equal(conf_get_bool(&c, "b", "absent", &b, &e), IRM_OK);
	assert_true(b);

	s = "default";
	assert_int_equal(conf_get_str(&c, "b", "absent", &s, &e), IRM_OK);
	assert_string_equal(s, "default");
	assert_int_equal(conf_get_str(&c, "b", "m", &s, &e), IRM_OK);
	assert_string_equal(s, "yes");

	/* conf_get finds and marks; the wrong section finds nothing. */
	assert_null(conf_get(&c, "a", "a"));
	struct conf_entry *en = conf_get(&c, "b", "a");
	assert_non_null(en);
	assert_true(en->used);
	assert_int_equal(en->line, 2);
	assert_null(conf_get(NULL, "b", "a"));

	/* conf_error formats with the entry's line and key; values quoted in
	 * messages are made safe for a terminal. */
	assert_int_equal(conf_error(&c, en, &e, "%s is %d", "answer", 42), IRM_EINPUT);
	assert_int_equal(e.status, IRM_EINPUT);
	assert_string_equal(e.msg, "t.conf:2: a: answer is 42");
	conf_free(&c);

	assert_int_equal(parse("[b]\nx = \"\xc2\x9b" "31m\"\n", &c, &e), IRM_OK);
	assert_int_equal(conf_get_bool(&c, "b", "x", &b, &e), IRM_EINPUT);
	assert_null(strstr(e.msg, "\xc2\x9b"));
	conf_free(&c);
}

static void test_unused(void **state)
{
	struct conf c;
	struct irm_err e;
	int64_t v;
	bool b;

	(void)state;
	assert_int_equal(parse("[console]\n"
			       "user = dana\n"
			       "[milestone birthday]\n"
			       "enabled = no\n"
			       "priorty = 2\n"
			       "[milestone birthdya]\n"
			       "enabled = yes\n",
			       &c, &e),
			 IRM_OK);
	/* Before anything is read, the first entry is the complaint. */
	assert_int_equal(conf_check_unused(&c, &e), IRM_EINPUT);
	assert_string_equal(e.msg, "t.conf:2: unknown section [console]");

	const char *s = NULL;
	assert_int_equal(conf_get_str(&c, "console", "user", &s, &e), IRM_OK);
	assert_int_equal(conf_get_bool(&c, "milestone birthday", "enabled", &b, &e), IRM_OK);
	v = 0;
	assert_int_equal(conf_get_int(&c, "milestone birthday", "priority", 1, 5, &v, &e), IRM_OK);
	assert_int_equal(v, 0);
	assert_int_equal(conf_check_unused(&c, &e), IRM_EINPUT);
	assert_string_equal(e.msg, "t.conf:5: unknown key 'priorty' in [milestone birthday]");
	conf_free(&c);

	/* A section asked about only for keys it lacks is still known. */
	assert_int_equal(parse("[console]\nusr = dana\n[milestone birthdya]\nenabled = yes\n", &c, &e),
			 IRM_OK);
	assert_int_equal(conf_get_str(&c, "console", "user", &s, &e), IRM_OK);
	assert_int_equal(conf_check_unused(&c, &e), IRM_EINPUT);
	assert_string_equal(e.msg, "t.conf:2: unknown key 'usr' in [console]");
	assert_non_null(conf_get(&c, "console", "usr"));
	assert_int_equal(conf_check_unused(&c, &e), IRM_EINPUT);
	assert_string_equal(e.msg, "t.conf:4: unknown section [milestone birthdya]");
	conf_free(&c);

	/* Keys before any header. */
	assert_int_equal(parse("user = dana\n[console]\nuser = dana\n", &c, &e), IRM_OK);
	assert_non_null(conf_get(&c, "console", "user"));
	assert_int_equal(conf_check_unused(&c, &e), IRM_EINPUT);
	assert_string_equal(e.msg, "t.conf:1: key 'user' outside any [section]");
	assert_null(conf_get(&c, "", "other"));
	assert_int_equal(conf_check_unused(&c, &e), IRM_EINPUT);
	assert_string_equal(e.msg, "t.conf:1: unknown key 'user'");
	assert_non_null(conf_get(&c, "", "user"));
	err_clear(&e);
	assert_int_equal(conf_check_unused(&c, &e), IRM_OK);
	assert_int_equal(e.status, IRM_OK);
	conf_free(&c);

	/* Nothing to complain about in nothing. */
	assert_int_equal(parse("# only a comment\n", &c, &e), IRM_OK);
	assert_int_equal(conf_check_unused(&c, &e), IRM_OK);
	conf_free(&c);
	assert_int_equal(conf_check_unused(NULL, &e), IRM_OK);
}

/* --- config_load ------------------------------------------------------ */

struct env_saved {
	char *irm_config, *xdg, *home;
};

static char *dup_env(const char *name)
{
	const char *v = getenv(name);
	return v ? strdup(v) : NULL;
}

static void put_env(const char *name, const char *v)
{
	if (v)
		setenv(name, v, 1);
	else
		unsetenv(name);
}

static struct env_saved env_save(void)
{
	return (struct env_saved){ dup_env("IRM_CONFIG"), dup_env("XDG_CONFIG_HOME"), dup_env("HOME") };
}

static void env_restore(struct env_saved *s)
{
	put_env("IRM_CONFIG", s->irm_config);
	put_env("XDG_CONFIG_HOME", s->xdg);
	put_env("HOME", s->home);
	free(s->irm_config);
	free(s->xdg);
	free(s->home);
}

static void test_load_default_missing(void **state)
{
	struct env_saved saved = env_save();
	char *dir = tmpdir_make();
	char want[4200], buf[4200], msg[4400];
	struct conf c;
	struct irm_err e;

	(void)state;
	assert_non_null(dir);
	unsetenv("IRM_CONFIG");
	setenv("XDG_CONFIG_HOME", dir, 1);
	snprintf(want, sizeof want, "%s/irm/irm.conf", dir);
	assert_string_equal(config_default_path(buf, sizeof buf), want);
	assert_null(config_default_path(buf, 10));

	err_clear(&e);
	assert_int_equal(config_load(NULL, &c, &e), IRM_OK);
	assert_int_equal(c.n, 0);
	assert_string_equal(c.name, want);
	conf_free(&c);

	/* A relative XDG_CONFIG_HOME is ignored: HOME is used. */
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	setenv("HOME", dir, 1);
	snprintf(want, sizeof want, "%s/.config/irm/irm.conf", dir);
	assert_string_equal(config_default_path(buf, sizeof buf), want);
	unsetenv("XDG_CONFIG_HOME");
	assert_string_equal(config_default_path(buf, sizeof buf), want);
	assert_int_equal(config_load(NULL, &c, &e), IRM_OK);
	assert_int_equal(c.n, 0);
	conf_free(&c);

	/* Once the file exists at the default path, it is read. */
	snprintf(buf, sizeof buf, "%s/.config", dir);
	assert_int_equal(mkdir(buf, 0700), 0);
	snprintf(buf, sizeof buf, "%s/.config/irm", dir);
	assert_int_equal(mkdir(buf, 0700), 0);
	write_file(want, "[console]\nuser = dana\n");
	chmod(want, 0644);   /* readable by others is fine */
	assert_int_equal(config_load(NULL, &c, &e), IRM_OK);
	assert_int_equal(c.n, 1);
	expect_entry(&c, "console", "user", "dana", 2);
	conf_free(&c);

	/* Bad syntax there is refused with the path and line. */
	write_file(want, "[console]\nuser dana\n");
	assert_int_equal(config_load(NULL, &c, &e), IRM_EINPUT);
	snprintf(msg, sizeof msg, "%s:2: expected 'key = value', a [section] or a # comment", want);
	assert_string_equal(e.msg, msg);
	assert_int_equal(c.n, 0);
	conf_free(&c);

	/* $IRM_CONFIG comes first and, named, must exist. */
	snprintf(buf, sizeof buf, "%s/other.conf", dir);
	setenv("IRM_CONFIG", buf, 1);
	assert_string_equal(config_default_path(want, sizeof want), buf);
	assert_int_equal(config_load(NULL, &c, &e), IRM_EUSAGE);
	snprintf(msg, sizeof msg, "%s: No such file or directory (named by $IRM_CONFIG)", buf);
	assert_string_equal(e.msg, msg);
	write_file(buf, "[tiers]\ngold_miles = 50_000\n");
	assert_int_equal(config_load(NULL, &c, &e), IRM_OK);
	expect_entry(&c, "tiers", "gold_miles", "50_000", 2);
	assert_string_equal(c.name, buf);
	conf_free(&c);
	/* An explicit path beats $IRM_CONFIG. */
	snprintf(want, sizeof want, "%s/.config/irm/irm.conf", dir);
	write_file(want, "[console]\nrole = kiosk\n");
	assert_int_equal(config_load(want, &c, &e), IRM_OK);
	expect_entry(&c, "console", "role", "kiosk", 2);
	conf_free(&c);

	tmpdir_remove(dir);
	env_restore(&saved);
}

static void test_load_explicit(void **state)
{
	struct env_saved saved = env_save();
	char *dir = tmpdir_make();
	char path[4200], want[4400];
	struct conf c;
	struct irm_err e;

	(void)state;
	assert_non_null(dir);
	unsetenv("IRM_CONFIG");
	snprintf(path, sizeof path, "%s/missing.conf", dir);
	err_clear(&e);
	assert_int_equal(config_load(path, &c, &e), IRM_EUSAGE);
	snprintf(want, sizeof want, "%s: No such file or directory", path);
	assert_string_equal(e.msg, want);
	assert_int_equal(c.n, 0);

	/* A directory is no configuration. */
	assert_int_equal(config_load(dir, &c, &e), IRM_EUSAGE);
	snprintf(want, sizeof want, "%s: is a directory", dir);
	assert_string_equal(e.msg, want);

	/* Nor is a missing directory on the way, when named. */
	snprintf(path, sizeof path, "%s/no/such/dir/irm.conf", dir);
	assert_int_equal(config_load(path, &c, &e), IRM_EUSAGE);
	assert_non_null(strstr(e.msg, path));

	/* Unreadable (unless we are root, who reads anything). */
	snprintf(path, sizeof path, "%s/locked.conf", dir);
	write_file(path, "k = v\n");
	chmod(path, 0);
	if (geteuid() != 0) {
		assert_int_equal(config_load(path, &c, &e), IRM_EUSAGE);
		snprintf(want, sizeof want, "%s: Permission denied", path);
		assert_string_equal(e.msg, want);
	}
	tmpdir_remove(dir);
	env_restore(&saved);
}

static void test_load_size(void **state)
{
	char *dir = tmpdir_make();
	char path[4200], want[4400];
	struct conf c;
	struct irm_err e;
	size_t size = CONFIG_SIZE_MAX;
	char *text = malloc(size + 2);

	(void)state;
	assert_non_null(dir);
	/* Exactly 1 MiB of comments is a configuration… */
	for (size_t i = 0; i < size; i += 64) {
		memset(text + i, 'x', 63);
		text[i] = '#';
		text[i + 63] = '\n';
	}
	memcpy(text + size - 8, "\nk = 12\n", 8);
	text[size] = '\0';
	snprintf(path, sizeof path, "%s/big.conf", dir);
	write_file(path, text);
	err_clear(&e);
	assert_int_equal(config_load(path, &c, &e), IRM_OK);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].value, "12");
	conf_free(&c);

	/* …one byte more is not. */
	text[size] = '\n';
	text[size + 1] = '\0';
	write_file(path, text);
	assert_int_equal(config_load(path, &c, &e), IRM_EINPUT);
	snprintf(want, sizeof want, "%s: 1048577 bytes, larger than a configuration may be (1 MiB)", path);
	assert_string_equal(e.msg, want);
	assert_int_equal(c.n, 0);

	/* Through a pipe, where the size is not known in advance. */
	char cmd[9000];
	snprintf(cmd, sizeof cmd, "mkfifo '%s/fifo'", dir);
	if (system(cmd) == 0) {
		snprintf(cmd, sizeof cmd, "cat '%s' > '%s/fifo' 2>/dev/null &", path, dir);
		assert_int_equal(system(cmd), 0);
		snprintf(path, sizeof path, "%s/fifo", dir);
		assert_int_equal(config_load(path, &c, &e), IRM_EINPUT);
		snprintf(want, sizeof want, "%s: larger than a configuration may be (1 MiB)", path);
		assert_string_equal(e.msg, want);
		/* A second FIFO: the first may still have its writer. */
		snprintf(path, sizeof path, "%s/fifo2", dir);
		snprintf(cmd, sizeof cmd, "mkfifo '%s'", path);
		assert_int_equal(system(cmd), 0);
		snprintf(cmd, sizeof cmd, "printf '[a]\\nk = 1\\n' > '%s' &", path);
		assert_int_equal(system(cmd), 0);
		assert_int_equal(config_load(path, &c, &e), IRM_OK);
		assert_int_equal(c.n, 1);
		conf_free(&c);
	}
	free(text);
	tmpdir_remove(dir);
}

/* The EXAMPLES of man/irm.conf.5 is a valid file (tests run from the top
 * of the tree). */
static void test_man_example(void **state)
{
	FILE *man = fopen("man/irm.conf.5", "r");
	char line[1024];
	bool in_examples = false, in_text = false, done = false;
	size_t cap = 16384, n = 0;
	char *text = malloc(cap);
	struct conf c;
	struct irm_err e;

	(void)state;
	assert_non_null(man);
	while (!done && fgets(line, sizeof line, man)) {
		if (strncmp(line, ".SH", 3) == 0)
			in_examples = strncmp(line, ".SH EXAMPLES", 12) == 0;
		else if (in_examples && strncmp(line, ".nf", 3) == 0)
			in_text = true;
		else if (in_text && strncmp(line, ".fi", 3) == 0)
			done = true;
		else if (in_text) {
			/* Undo the roff escapes a configuration may need. */
			for (const char *p = line; *p; p++) {
				assert_true(n + 2 < cap);
				if (p[0] == '\\' && p[1] == '-') {
					text[n++] = '-';
					p++;
				} else if (p[0] == '\\' && p[1] == 'e') {
					text[n++] = '\\';
					p++;
				} else if (p[0] == '\\' && p[1] == '&') {
					p++;
				} else if (strncmp(p, "\\(dq", 4) == 0) {
					text[n++] = '"';
					p += 3;
				} else {
					text[n++] = *p;
				}
			}
		}
	}
	fclose(man);
	assert_true(done);
	text[n] = '\0';
	assert_int_equal(conf_parse(text, n, "irm.conf.5", &c, &e), IRM_OK);
	assert_true(c.n >= 15);
	int64_t v = 0;
	assert_int_equal(conf_get_int(&c, "tiers", "gold_miles", 0, INT64_MAX, &v, &e), IRM_OK);
	assert_int_equal(v, 50000);
	const char *s = NULL;
	assert_int_equal(conf_get_str(&c, "milestone lifetime_miles", "title", &s, &e), IRM_OK);
	assert_string_equal(s, "{threshold} lifetime miles");
	bool b = true;
	assert_int_equal(conf_get_bool(&c, "milestone first_premium", "enabled", &b, &e), IRM_OK);
	assert_false(b);
	conf_free(&c);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_many_entries),
		cmocka_unit_test(test_ints),
		cmocka_unit_test(test_doubles),
		cmocka_unit_test(test_bools_and_strings),
		cmocka_unit_test(test_unused),
		cmocka_unit_test(test_load_default_missing),
		cmocka_unit_test(test_load_explicit),
		cmocka_unit_test(test_load_size),
		cmocka_unit_test(test_man_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
