#include "testutil.h"

#include <math.h>
#include <stdlib.h>

#include "geo.h"

#define MI 1609.344

static double dms(int d, int m, double s)
{
	double v = abs(d) + m / 60.0 + s / 3600.0;
	return d < 0 ? -v : v;
}

/* Geoscience Australia's worked example of Vincenty's inverse formula:
 * Flinders Peak to Buninyong, 54,972.271 m (GRS80, which differs from
 * WGS-84 by far less than a millimetre here). */
static void test_flinders_buninyong(void **state)
{
	double d = geo_distance_miles(dms(-37, 57, 3.72030), dms(144, 25, 29.52440),
				      dms(-37, 39, 10.15610), dms(143, 55, 35.38390));

	(void)state;
	assert_true(fabs(d * MI - 54972.271) < 0.01);
}

/* Closed forms on the ellipsoid: a quarter of the equator is a·π/2, a
 * quarter meridian 10,001,965.729 m. */
static void test_equator_and_meridian(void **state)
{
	double d;

	(void)state;
	d = geo_distance_miles(0, 0, 0, 90);
	assert_true(fabs(d * MI - 6378137.0 * 3.14159265358979323846 / 2) < 0.01);
	d = geo_distance_miles(0, 10, 0, -80);
	assert_true(fabs(d * MI - 6378137.0 * 3.14159265358979323846 / 2) < 0.01);
	d = geo_distance_miles(0, 0, 90, 0);
	assert_true(fabs(d * MI - 10001965.729) < 0.01);
	d = geo_distance_miles(-90, 0, 90, 0);
	assert_true(fabs(d * MI - 2 * 10001965.729) < 0.02);
}

static void test_symmetry_and_zero(void **state)
{
	(void)state;
	assert_true(geo_distance_miles(39.861698, -104.672997, 39.861698, -104.672997) == 0);
	assert_true(geo_distance_miles(0, 0, 0, 0) == 0);
	assert_true(geo_distance_miles(10, 180, 10, -180) < 1e-6);
	assert_true(fabs(geo_distance_miles(39.86, -104.67, 47.45, -122.31) -
			 geo_distance_miles(47.45, -122.31, 39.86, -104.67)) < 1e-6);
	/* Across the antimeridian the short way. */
	assert_true(fabs(geo_distance_miles(0, 179.5, 0, -179.5) * MI - 6378137.0 * 3.14159265358979323846 / 180) < 0.01);
	/* One arc-second of longitude at 45° is about 21.9 m. */
	assert_true(fabs(geo_distance_miles(45, 7, 45, 7 + 1 / 3600.0) * MI - 21.9) < 1);
}

/* Nearly antipodal points where Vincenty's iteration fails: the answer
 * stays finite and close to half the circumference. */
static void test_antipodal(void **state)
{
	double d;

	(void)state;
	d = geo_distance_miles(0, 0, 0.5, 179.7);
	assert_true(isfinite(d));
	assert_true(d > 12300 && d < 12500);
	d = geo_distance_miles(0, 0, 0, 180);
	assert_true(isfinite(d));
	assert_true(d > 12400 && d < 12460);
	d = geo_distance_miles(40, -105, -40, 75);
	assert_true(isfinite(d));
	assert_true(d > 12300 && d < 12500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flinders_buninyong),
		cmocka_unit_test(test_equator_and_meridian),
		cmocka_unit_test(test_symmetry_and_zero),
		cmocka_unit_test(test_antipodal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
