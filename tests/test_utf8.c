#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static void test_decode(void **state)
{
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(utf8_decode("\xc3\xa9", 2, &cp), 2);          /* é */
	assert_int_equal(cp, 0xE9);
	assert_int_equal(utf8_decode("\xe6\x9d\xb1", 3, &cp), 3);      /* 東 */
	assert_int_equal(cp, 0x6771);
	assert_int_equal(utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);  /* 😀 */
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(utf8_decode("\xf4\x8f\xbf\xbf", 4, &cp), 4);  /* U+10FFFF */
	assert_int_equal(cp, 0x10FFFF);
	assert_int_equal(utf8_decode("\xef\xbf\xbd", 3, &cp), 3);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(utf8_decode("\xed\x9f\xbf", 3, &cp), 3);      /* U+D7FF */
	assert_int_equal(utf8_decode("\xee\x80\x80", 3, &cp), 3);      /* U+E000 */
	assert_int_equal(utf8_decode("\0", 1, &cp), 1);
	assert_int_equal(cp, 0);

	/* Overlong forms. */
	assert_int_equal(utf8_decode("\xc0\x80", 2, &cp), 0);
	assert_int_equal(utf8_decode("\xc1\xbf", 2, &cp), 0);
	assert_int_equal(utf8_decode("\xe0\x80\xaf", 3, &cp), 0);
	assert_int_equal(utf8_decode("\xe0\x9f\xbf", 3, &cp), 0);
	assert_int_equal(utf8_decode("\xf0\x8f\xbf\xbf", 4, &cp), 0);
	/* Surrogates. */
	assert_int_equal(utf8_decode("\xed\xa0\x80", 3, &cp), 0);
	assert_int_equal(utf8_decode("\xed\xbf\xbf", 3, &cp), 0);
	/* Above U+10FFFF, and bytes that never occur. */
	assert_int_equal(utf8_decode("\xf4\x90\x80\x80", 4, &cp), 0);
	assert_int_equal(utf8_decode("\xf5\x80\x80\x80", 4, &cp), 0);
	assert_int_equal(utf8_decode("\xff", 1, &cp), 0);
	assert_int_equal(utf8_decode("\xfe", 1, &cp), 0);
	/* Lone continuation bytes, bad continuations, truncation. */
	assert_int_equal(utf8_decode("\x80", 1, &cp), 0);
	assert_int_equal(utf8_decode("\xbf", 1, &cp), 0);
	assert_int_equal(utf8_decode("\xc3\x28", 2, &cp), 0);
	assert_int_equal(utf8_decode("\xe6\x9d\x41", 3, &cp), 0);
	assert_int_equal(utf8_decode("\xe6\x9d\xb1", 2, &cp), 0);
	assert_int_equal(utf8_decode("\xf0\x9f\x98\x80", 3, &cp), 0);
	assert_int_equal(utf8_decode("\xc3", 1, &cp), 0);
	assert_int_equal(utf8_decode("A", 0, &cp), 0);
}

static void test_encode(void **state)
{
	char out[4];
	uint32_t back;

	(void)state;
	assert_int_equal(utf8_encode(0xD800, out), 0);
	assert_int_equal(utf8_encode(0xDFFF, out), 0);
	assert_int_equal(utf8_encode(0x110000, out), 0);
	assert_int_equal(utf8_encode(0x241B, out), 3);
	assert_memory_equal(out, "\xe2\x90\x9b", 3);
	/* Every valid code point round-trips with the shortest length. */
	for (uint32_t c = 0; c <= 0x10FFFF; c++) {
		size_t n = utf8_encode(c, out);

		if (c >= 0xD800 && c <= 0xDFFF) {
			assert_int_equal(n, 0);
			continue;
		}
		assert_int_equal(n, c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4);
		assert_int_equal(utf8_decode(out, n, &back), n);
		assert_int_equal(back, c);
	}
}

static void test_valid_and_length(void **state)
{
	const char *s = "Zoë 東京 😀";
	size_t bad = 99;

	(void)state;
	assert_true(utf8_valid(s, strlen(s), &bad));
	assert_int_equal(bad, 99);
	assert_int_equal(utf8_length(s), 8);
	assert_int_equal(utf8_length("a\xff" "b"), 3);
	assert_int_equal(utf8_length(""), 0);
	assert_false(utf8_valid("abc\xc3(def", 8, &bad));
	assert_int_equal(bad, 3);
	assert_false(utf8_valid("\xed\xa0\x80", 3, NULL));
	assert_false(utf8_valid("ok\xe6\x9d", 4, &bad));   /* cut mid-character */
	assert_int_equal(bad, 2);
	assert_true(utf8_valid("", 0, NULL));
	assert_true(utf8_valid("a\0b", 3, NULL));
}

/* True if s holds none of the bytes that start a terminal control
 * sequence: C0 controls, DEL, and raw C1 bytes as UTF-8 (0xC2 0x80..0x9F). */
static bool inert(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; u[i]; i++) {
		if (u[i] < 0x20 || u[i] == 0x7F)
			return false;
		if (u[i] == 0xC2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F)
			return false;
	}
	return utf8_valid(s, strlen(s), NULL);
}

static void check_sanitize(const char *in, const char *want)
{
	char *out = utf8_sanitize(in);

	assert_string_equal(out, want);
	assert_true(inert(out));
	free(out);
}

static void test_sanitize_controls(void **state)
{
	(void)state;
	/* ANSI colour: the ESC never survives. */
	check_sanitize("\x1b[31mred\x1b[0m", "␛[31mred␛[0m");
	/* OSC title sequence with BEL and with ST. */
	check_sanitize("\x1b]0;pwned\x07", "␛]0;pwned␇");
	check_sanitize("\x1b]2;title\x1b\\", "␛]2;title␛\\");
	check_sanitize("a\tb\nc\rd", "a␉b␊c␍d");
	check_sanitize("\x01\x1f", "␁␟");
	check_sanitize("del\x7f", "del␡");
	/* C1 controls, as UTF-8 (CSI U+009B, NEL U+0085) and as raw bytes. */
	check_sanitize("\xc2\x9b" "31m", "�31m");
	check_sanitize("\xc2\x85", "�");
	check_sanitize("\x9b" "31m", "�31m");
	/* Bidi controls. */
	check_sanitize("abc\xe2\x80\xae" "cba", "abc�cba");              /* RLO */
	check_sanitize("\xe2\x81\xa6x\xe2\x81\xa9", "�x�");               /* LRI … PDI */
	check_sanitize("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "���");        /* LRM RLM ALM */
	check_sanitize("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "����");
}

static void test_sanitize_invalid(void **state)
{
	(void)state;
	check_sanitize("a\xff" "b", "a�b");
	check_sanitize("\xc0\x80", "��");                 /* overlong NUL: two bad bytes */
	check_sanitize("\xed\xa0\x80", "���");            /* surrogate */
	check_sanitize("x\xe6\x9d", "x��");               /* truncated at the end */
	check_sanitize("\xe6\x9d" "A", "��A");
	check_sanitize("\xf4\x90\x80\x80", "����");
	check_sanitize("", "");
	check_sanitize(NULL, "");
}

static void test_sanitize_keeps_text(void **state)
{
	static const char *const keep[] = {
		"Zoë Ångström",
		"東京都千代田区",
		"김민준",
		"محمد",                             /* Arabic, no bidi controls */
		"e\xcc\x81 a\xcc\x8a n\xcc\x83",    /* combining marks */
		"😀👍🏽 👨‍👩‍👧",                        /* emoji, modifier, ZWJ */
		"\xef\xbf\xbd",                     /* U+FFFD itself */
		"plain ASCII ~!@#$%^&*()_+{}|:\"<>?",
		"\xc2\xa0\xc2\xa9",                 /* NBSP, © (just above C1) */
	};

	(void)state;
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
		check_sanitize(keep[i], keep[i]);
}

static void test_sanitize_into(void **state)
{
	char buf[8];
	size_t n;

	(void)state;
	n = utf8_sanitize_into("abc", buf, sizeof buf);
	assert_int_equal(n, 3);
	assert_string_equal(buf, "abc");
	/* 東京都 is 9 bytes: only two characters fit in 7. */
	n = utf8_sanitize_into("東京都", buf, sizeof buf);
	assert_int_equal(n, 6);
	assert_string_equal(buf, "東京");
	/* A picture is three bytes and is not cut either. */
	n = utf8_sanitize_into("abcde\x1b", buf, sizeof buf);
	assert_int_equal(n, 5);
	assert_string_equal(buf, "abcde");
	n = utf8_sanitize_into("ab\x1b", buf, 6);
	assert_int_equal(n, 5);
	assert_string_equal(buf, "ab␛");
	n = utf8_sanitize_into("😀", buf, 4);
	assert_int_equal(n, 0);
	assert_string_equal(buf, "");
	n = utf8_sanitize_into("😀", buf, 5);
	assert_int_equal(n, 4);
	assert_string_equal(buf, "😀");
	n = utf8_sanitize_into("abc", buf, 1);
	assert_int_equal(n, 0);
	assert_string_equal(buf, "");
	buf[0] = 'x';
	assert_int_equal(utf8_sanitize_into("abc", buf, 0), 0);
	assert_int_equal(buf[0], 'x');

	/* Every cut of a mixed string is valid and inert. */
	for (size_t size = 1; size < 40; size++) {
		char big[40];

		n = utf8_sanitize_into("a東\x1b[1mé😀\xff\xe2\x80\xaez", big, size);
		assert_true(n < size);
		assert_int_equal(strlen(big), n);
		assert_true(inert(big));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_valid_and_length),
		cmocka_unit_test(test_sanitize_controls),
		cmocka_unit_test(test_sanitize_invalid),
		cmocka_unit_test(test_sanitize_keeps_text),
		cmocka_unit_test(test_sanitize_into),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
