#include "testutil.h"

#include <string.h>

#include "airports.h"

static void test_find(void **state)
{
	const struct airport *a;

	(void)state;
	a = airports_find("DEN");
	assert_non_null(a);
	assert_string_equal(a->iata, "DEN");
	assert_string_equal(a->tz, "America/Denver");
	assert_string_equal(a->country, "US");
	assert_int_equal(a->size, 'L');
	assert_true(a->lat > 39.8 && a->lat < 39.9);
	assert_true(a->lon > -104.7 && a->lon < -104.6);

	a = airports_find("TWF");
	assert_non_null(a);
	assert_string_equal(a->tz, "America/Boise");
	assert_string_equal(a->city, "Twin Falls");

	a = airports_find("LHR");
	assert_non_null(a);
	assert_string_equal(a->tz, "Europe/London");
	assert_string_equal(a->country, "GB");

	/* First and last of the table are found too. */
	assert_ptr_equal(airports_find(airports_at(0)->iata), airports_at(0));
	assert_ptr_equal(airports_find(airports_at(airports_count() - 1)->iata),
			 airports_at(airports_count() - 1));
}

static void test_find_rejects(void **state)
{
	static const char *const bad[] = {
		"den", "Den", "DE", "DENX", "", "D3N", "DEN ", " DEN", "XXX", "QQQ", "ZZZ",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (airports_find(bad[i]))
			fail_msg("found '%s'", bad[i]);
	assert_null(airports_find(NULL));
}

static void test_table(void **state)
{
	size_t n = airports_count();

	(void)state;
	assert_true(n >= 3000);
	assert_null(airports_at(n));
	for (size_t i = 0; i < n; i++) {
		const struct airport *a = airports_at(i);

		assert_non_null(a);
		assert_int_equal(strlen(a->iata), 3);
		assert_true(a->size == 'L' || a->size == 'M');
		assert_true(a->lat >= -90 && a->lat <= 90);
		assert_true(a->lon >= -180 && a->lon <= 180);
		assert_non_null(a->tz);
		assert_true(a->tz[0] != '\0');
		assert_int_equal(strlen(a->country), 2);
		if (i > 0)
			assert_true(strcmp(airports_at(i - 1)->iata, a->iata) < 0);
		assert_ptr_equal(airports_find(a->iata), a);
	}
}

static void test_miles(void **state)
{
	int d;

	(void)state;
	assert_int_equal(airports_miles("DEN", "SEA"), 1024);
	assert_int_equal(airports_miles("SEA", "DEN"), 1024);
	d = airports_miles("JFK", "LHR");
	assert_in_range(d, 3449, 3453);
	d = airports_miles("LAX", "JFK");
	assert_in_range(d, 2465, 2480);
	d = airports_miles("SFO", "NRT");
	assert_in_range(d, 5100, 5140);
	d = airports_miles("SYD", "LAX");
	assert_in_range(d, 7470, 7510);
	d = airports_miles("SIN", "EWR");
	assert_in_range(d, 9500, 9560);
	d = airports_miles("DEN", "TWF");
	assert_in_range(d, 480, 560);
	assert_int_equal(airports_miles("DEN", "DEN"), 0);
	assert_int_equal(airports_miles("DEN", "XXX"), -1);
	assert_int_equal(airports_miles("xxx", "DEN"), -1);
	assert_int_equal(airports_miles(NULL, "DEN"), -1);
	assert_int_equal(airports_miles("den", "sea"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_find_rejects),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_miles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
