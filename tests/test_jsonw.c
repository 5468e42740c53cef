/* test_jsonw.c — JSON written as text: commas, nesting, escapes that keep
 * the output plain ASCII, numbers whatever the locale. */
#include "testutil.h"

#include <jansson.h>
#include <locale.h>

#include "jsonw.h"

static void test_structure(void **state)
{
	struct jsonw w = { 0 };
	(void)state;
	jsonw_object(&w);
	jsonw_key(&w, "a");
	jsonw_int(&w, -12);
	jsonw_key(&w, "list");
	jsonw_array(&w);
	jsonw_str(&w, "x");
	jsonw_null(&w);
	jsonw_bool(&w, true);
	jsonw_object(&w);
	jsonw_end(&w);
	jsonw_array(&w);
	jsonw_end(&w);
	jsonw_end(&w);
	jsonw_key(&w, "none");
	jsonw_str(&w, NULL);
	jsonw_end(&w);
	assert_string_equal(w.buf, "{\"a\":-12,\"list\":[\"x\",null,true,{},[]],\"none\":null}");
	assert_int_equal(w.depth, 0);
	jsonw_free(&w);
}

static void test_strings_are_ascii_and_read_back(void **state)
{
	(void)state;
	const char *in[] = {
		"José Müller", "王小明", "evil\x1b]0;x\a name", "quote \" and \\ back",
		"line\nbreak\ttab", "emoji \xf0\x9f\x98\x80", "\x9b C1 \xc2\x9b",
	};
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		struct jsonw w = { 0 };
		jsonw_str(&w, in[i]);
		for (const char *p = w.buf; *p; p++)
			assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
		json_error_t je;
		json_t *v = json_loads(w.buf, JSON_DECODE_ANY, &je);
		assert_non_null(v);
		if (i < 6)
			assert_string_equal(json_string_value(v), in[i]);
		else  /* the lone 0x9b is not UTF-8: U+FFFD; the encoded U+009B stays */
			assert_string_equal(json_string_value(v), "\xef\xbf\xbd C1 \xc2\x9b");
		json_decref(v);
		jsonw_free(&w);
	}
}

static void test_reals_whatever_the_locale(void **state)
{
	(void)state;
	/* Try a decimal-comma locale when the machine has one. */
	const char *const locales[] = { "de_DE.UTF-8", "fr_FR.UTF-8", "C" };
	for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++) {
		if (!setlocale(LC_ALL, locales[i]))
			continue;
		struct jsonw w = { 0 };
		jsonw_array(&w);
		jsonw_real(&w, 0.98839999999);
		jsonw_real(&w, 1.0);
		jsonw_real(&w, -0.00004);
		jsonw_real(&w, -2.5);
		jsonw_real(&w, 0.0 / 0.0);
		jsonw_end(&w);
		assert_string_equal(w.buf, "[0.9884,1,0,-2.5,null]");
		jsonw_free(&w);
	}
	setlocale(LC_ALL, "C");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_strings_are_ascii_and_read_back),
		cmocka_unit_test(test_reals_whatever_the_locale),
	};
	return cmocka_run_group_tests_name("jsonw", tests, NULL, NULL);
}
