#include "testutil.h"

#include <string.h>

#include "date.h"

/* Days since 1970-01-01 of some known dates (checked against an
 * independent calendar) and their ISO weekdays. */
static void test_known_days(void **state)
{
	(void)state;
	assert_int_equal(date_from_ymd(1970, 1, 1), 0);
	assert_int_equal(date_from_ymd(1969, 12, 31), -1);
	assert_int_equal(date_from_ymd(2026, 11, 22), 20779);
	assert_int_equal(date_from_ymd(2000, 2, 29), 11016);
	assert_int_equal(date_from_ymd(1900, 3, 1), -25508);
	assert_int_equal(date_from_ymd(1800, 1, 1), -62091);
	assert_int_equal(date_from_ymd(2200, 12, 31), 84370);
	assert_int_equal(date_from_ymd(2024, 2, 29), 19782);
	assert_int_equal(date_from_ymd(1600, 3, 1), -135080);

	assert_int_equal(date_weekday(0), 4);                           /* Thursday */
	assert_int_equal(date_weekday(-1), 3);                          /* Wednesday */
	assert_int_equal(date_weekday(date_from_ymd(2026, 11, 22)), 7); /* Sunday */
	assert_int_equal(date_weekday(date_from_ymd(2000, 2, 29)), 2);  /* Tuesday */
	assert_int_equal(date_weekday(date_from_ymd(1900, 3, 1)), 4);
	assert_int_equal(date_weekday(date_from_ymd(1800, 1, 1)), 3);
	assert_int_equal(date_weekday(date_from_ymd(2024, 2, 29)), 4);
}

static void test_leap_years(void **state)
{
	(void)state;
	assert_int_equal(date_days_in_month(2000, 2), 29);
	assert_int_equal(date_days_in_month(1900, 2), 28);
	assert_int_equal(date_days_in_month(2024, 2), 29);
	assert_int_equal(date_days_in_month(2026, 2), 28);
	assert_int_equal(date_days_in_month(2100, 2), 28);
	assert_int_equal(date_days_in_month(2026, 4), 30);
	assert_int_equal(date_days_in_month(2026, 12), 31);
	assert_int_equal(date_days_in_month(2026, 13), 0);
	assert_true(date_valid_ymd(2000, 2, 29));
	assert_false(date_valid_ymd(1900, 2, 29));
	assert_true(date_valid_ymd(2024, 2, 29));
	assert_false(date_valid_ymd(2026, 2, 29));
	assert_false(date_valid_ymd(2026, 0, 1));
	assert_false(date_valid_ymd(2026, 1, 0));
	assert_false(date_valid_ymd(2026, 4, 31));
	assert_int_equal(date_from_ymd(2026, 2, 30), DATE_NONE);
	/* Day after Feb 28 in a non-leap century year is March 1. */
	assert_int_equal(date_from_ymd(1900, 3, 1) - date_from_ymd(1900, 2, 28), 1);
	assert_int_equal(date_from_ymd(2000, 3, 1) - date_from_ymd(2000, 2, 28), 2);
	/* Year lengths. */
	assert_int_equal(date_from_ymd(2001, 1, 1) - date_from_ymd(2000, 1, 1), 366);
	assert_int_equal(date_from_ymd(1901, 1, 1) - date_from_ymd(1900, 1, 1), 365);
	assert_int_equal(date_from_ymd(2025, 1, 1) - date_from_ymd(2024, 1, 1), 366);
}

/* Every day from 1600 to 2400 goes to y-m-d and back, one after another,
 * and weekdays cycle. */
static void test_round_trip(void **state)
{
	int32_t first = date_from_ymd(1600, 1, 1), last = date_from_ymd(2400, 12, 31);
	int py = 1599, pm = 12, pd = 31;

	(void)state;
	for (int32_t d = first; d <= last; d++) {
		int y, m, dd;

		date_to_ymd(d, &y, &m, &dd);
		assert_true(date_valid_ymd(y, m, dd));
		assert_int_equal(date_from_ymd(y, m, dd), d);
		/* Successor of the previous day. */
		if (dd == 1) {
			assert_int_equal(pd, date_days_in_month(py, pm));
			if (m == 1) {
				assert_int_equal(y, py + 1);
				assert_int_equal(pm, 12);
			} else {
				assert_int_equal(y, py);
				assert_int_equal(m, pm + 1);
			}
		} else {
			assert_int_equal(y, py);
			assert_int_equal(m, pm);
			assert_int_equal(dd, pd + 1);
		}
		assert_int_equal(date_weekday(d) % 7, (date_weekday(d - 1) + 1) % 7);
		py = y;
		pm = m;
		pd = dd;
	}
	assert_int_equal(py, 2400);
}

static void test_parse_date(void **state)
{
	int32_t d = 0;
	char buf[11];

	(void)state;
	assert_true(date_parse("2026-11-22", &d));
	assert_int_equal(d, 20779);
	date_format(d, buf);
	assert_string_equal(buf, "2026-11-22");
	assert_true(date_parse("1969-12-31", &d));
	assert_int_equal(d, -1);
	date_format(-1, buf);
	assert_string_equal(buf, "1969-12-31");
	assert_true(date_parse("2000-02-29", &d));
	assert_true(date_parse("1800-01-01", &d));
	assert_true(date_parse("2200-12-31", &d));
	date_format(date_from_ymd(1, 2, 3), buf);
	assert_string_equal(buf, "0001-02-03");

	assert_false(date_parse("2026-02-30", &d));
	assert_false(date_parse("1900-02-29", &d));
	assert_false(date_parse("2026-1-05", &d));
	assert_false(date_parse("2026-01-5", &d));
	assert_false(date_parse("2026-01-05 ", &d));
	assert_false(date_parse("2026-01-05x", &d));
	assert_false(date_parse(" 2026-01-05", &d));
	assert_false(date_parse("2026/01/05", &d));
	assert_false(date_parse("20260105", &d));
	assert_false(date_parse("2026-13-01", &d));
	assert_false(date_parse("2026-00-01", &d));
	assert_false(date_parse("2026-01-00", &d));
	assert_false(date_parse("1799-12-31", &d));
	assert_false(date_parse("2201-01-01", &d));
	assert_false(date_parse("+026-01-01", &d));
	assert_false(date_parse("", &d));
	assert_false(date_parse("2026-01", &d));
	assert_false(date_parse(NULL, &d));
	assert_false(date_parse("2026-11-22T00:00Z", &d));
}

static void check_time(const char *s, int64_t utc, int32_t off, const char *printed)
{
	struct irm_time t = { 0, 0 };
	char buf[26];

	assert_true(date_parse_time(s, &t));
	assert_int_equal(t.utc, utc);
	assert_int_equal(t.off_min, off);
	date_format_time(t, buf);
	assert_string_equal(buf, printed);
}

static void test_parse_time(void **state)
{
	(void)state;
	/* 2026-11-22T15:15:00Z is 1795360500. */
	check_time("2026-11-22T08:15:00-07:00", 1795360500, -420, "2026-11-22T08:15:00-07:00");
	check_time("2026-11-22T08:15-07:00", 1795360500, -420, "2026-11-22T08:15:00-07:00");
	check_time("2026-11-22T15:15:00Z", 1795360500, 0, "2026-11-22T15:15:00Z");
	check_time("2026-11-22T15:15:00+00:00", 1795360500, 0, "2026-11-22T15:15:00Z");
	check_time("2026-11-22T15:15:00-00:00", 1795360500, 0, "2026-11-22T15:15:00Z");
	check_time("2026-11-22T09:00:00Z", 1795338000, 0, "2026-11-22T09:00:00Z");
	check_time("2026-11-22T09:00:00.123+05:30", 1795338000 - 330 * 60, 330,
		   "2026-11-22T09:00:00+05:30");
	check_time("2026-11-22T09:00:59.999999Z", 1795338059, 0, "2026-11-22T09:00:59Z");
	/* Nepal: +05:45. 2026-11-22T21:00+05:45 is 15:15Z. */
	check_time("2026-11-22T21:00:00+05:45", 1795360500, 345, "2026-11-22T21:00:00+05:45");
	check_time("2026-11-23T05:15:00+14:00", 1795360500, 840, "2026-11-23T05:15:00+14:00");
	check_time("2026-11-22T03:15:00-12:00", 1795360500, -720, "2026-11-22T03:15:00-12:00");
	check_time("1970-01-01T00:00:00Z", 0, 0, "1970-01-01T00:00:00Z");
	check_time("1969-12-31T23:59:59Z", -1, 0, "1969-12-31T23:59:59Z");
	check_time("1970-01-01T00:30:00+01:00", -1800, 60, "1970-01-01T00:30:00+01:00");
	check_time("2000-02-29T23:59:59-09:30", 951902999, -570,
		   "2000-02-29T23:59:59-09:30");
}

static void test_parse_time_rejects(void **state)
{
	static const char *const bad[] = {
		"2026-11-22T08:15:00",          /* no offset */
		"2026-11-22T08:15",
		"2026-11-22 08:15:00Z",
		"2026-11-22t08:15:00Z",
		"2026-11-22T08:15:00z",
		"2026-11-22T24:00:00Z",         /* hour 24 */
		"2026-11-22T23:60:00Z",
		"2026-11-22T23:59:60Z",
		"2026-11-22T08:15:00+14:01",    /* beyond ±14:00 */
		"2026-11-22T08:15:00-14:30",
		"2026-11-22T08:15:00+15:00",
		"2026-11-22T08:15:00+05:60",
		"2026-11-22T08:15:00+0530",
		"2026-11-22T08:15:00+05",
		"2026-11-22T08:15:00Z ",        /* trailing junk */
		"2026-11-22T08:15:00Zjunk",
		"2026-11-22T08:15:00-07:00x",
		"2026-11-22T08:15:00.Z",        /* empty fraction */
		"2026-11-22T08:15.5Z",          /* fraction without seconds */
		"2026-11-22T8:15:00Z",
		"2026-11-22T08:5:00Z",
		"2026-11-22T08:15:0Z",
		"2026-02-30T08:15:00Z",
		"2026-1-05T08:15:00Z",
		"2026-11-22",
		"2026-11-22T",
		"",
		"T08:15:00Z",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct irm_time t = { 12345, 67 };

		if (date_parse_time(bad[i], &t))
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(t.utc, 12345);
		assert_int_equal(t.off_min, 67);
	}
	assert_false(date_parse_time(NULL, NULL));
}

static void test_local_day(void **state)
{
	struct irm_time t;
	int32_t d1122 = date_from_ymd(2026, 11, 22);

	(void)state;
	/* 03:30Z on the 22nd is still the 21st in Denver. */
	assert_true(date_parse_time("2026-11-21T20:30:00-07:00", &t));
	assert_int_equal(t.utc, 1795318200);
	assert_int_equal(date_local_day(t), d1122 - 1);
	assert_int_equal(date_local_minute(t), 20 * 60 + 30);
	t.off_min = 0;
	assert_int_equal(date_local_day(t), d1122);
	assert_int_equal(date_local_minute(t), 3 * 60 + 30);
	/* And already the 23rd in Auckland (+13:00). */
	t.off_min = 780;
	assert_int_equal(date_local_day(t), d1122);
	assert_int_equal(date_local_minute(t), 16 * 60 + 30);
	t.utc += 8 * 3600;
	assert_int_equal(date_local_day(t), d1122 + 1);
	assert_int_equal(date_local_minute(t), 30);

	/* Before 1970 (floor, not truncation). */
	t.utc = -1;
	t.off_min = 0;
	assert_int_equal(date_local_day(t), -1);
	assert_int_equal(date_local_minute(t), 23 * 60 + 59);
	t.utc = -86400;
	assert_int_equal(date_local_day(t), -1);
	assert_int_equal(date_local_minute(t), 0);
	t.utc = 0;
	t.off_min = -1;
	assert_int_equal(date_local_day(t), -1);
	assert_int_equal(date_local_minute(t), 1439);

	/* date_utc_of_local is the inverse. */
	assert_int_equal(date_utc_of_local(d1122, 8 * 60 + 15, -420), 1795360500);
	assert_int_equal(date_utc_of_local(d1122, 21 * 60, 345), 1795360500);
	assert_int_equal(date_utc_of_local(0, 0, 0), 0);
	assert_int_equal(date_utc_of_local(-1, 0, 60), -86400 - 3600);
	for (int off = -840; off <= 840; off += 15) {
		for (int minute = 0; minute < 1440; minute += 97) {
			struct irm_time u = { date_utc_of_local(d1122, minute, off), off };

			assert_int_equal(date_local_day(u), d1122);
			assert_int_equal(date_local_minute(u), minute);
		}
	}
}

static void test_days_between(void **state)
{
	struct irm_time a, b;

	(void)state;
	assert_true(date_parse_time("2026-11-22T23:30:00-07:00", &a));
	assert_true(date_parse_time("2026-11-23T00:30:00-07:00", &b));
	assert_int_equal(date_days_between(a, b), 1);   /* one hour, next day */
	assert_int_equal(date_days_between(b, a), -1);
	/* Each at its own local date: the same instant, different days. */
	assert_true(date_parse_time("2026-11-22T23:30:00-07:00", &a));
	assert_true(date_parse_time("2026-11-23T06:30:00Z", &b));
	assert_int_equal(a.utc, b.utc);
	assert_int_equal(date_days_between(a, b), 1);
	assert_true(date_parse_time("2026-11-22T00:00:00Z", &a));
	assert_true(date_parse_time("2026-11-22T23:59:59Z", &b));
	assert_int_equal(date_days_between(a, b), 0);
	assert_true(date_parse_time("2024-02-28T12:00:00+09:00", &a));
	assert_true(date_parse_time("2024-03-01T12:00:00+09:00", &b));
	assert_int_equal(date_days_between(a, b), 2);
	assert_true(date_parse_time("1969-12-31T12:00:00Z", &a));
	assert_true(date_parse_time("2026-11-22T12:00:00Z", &b));
	assert_int_equal(date_days_between(a, b), 20780);
}

static void test_format_extremes(void **state)
{
	struct irm_time t = { 0, -840 };
	char buf[26];

	(void)state;
	date_format_time(t, buf);
	assert_string_equal(buf, "1969-12-31T10:00:00-14:00");
	assert_int_equal(strlen(buf), 25);
	t.off_min = 840;
	date_format_time(t, buf);
	assert_string_equal(buf, "1970-01-01T14:00:00+14:00");
	t.utc = date_utc_of_local(date_from_ymd(2200, 12, 31), 1439, 0) + 59;
	t.off_min = 0;
	date_format_time(t, buf);
	assert_string_equal(buf, "2200-12-31T23:59:59Z");
	t.off_min = 1;
	date_format_time(t, buf);
	assert_string_equal(buf, "2201-01-01T00:00:59+00:01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_days),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_parse_time_rejects),
		cmocka_unit_test(test_local_day),
		cmocka_unit_test(test_days_between),
		cmocka_unit_test(test_format_extremes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
