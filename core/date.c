/* date.c — civil dates (days since 1970-01-01, proleptic Gregorian) and
 * instants with their UTC offset: arithmetic, strict parsing, formatting. */
#include "date.h"


#define SECS_PER_DAY 86400
#define MAX_OFF_MIN (14 * 60)

/* Years of the parsers; the arithmetic itself takes any year that keeps the
 * day count inside int32_t. */
#define PARSE_YEAR_MIN 1800
#define PARSE_YEAR_MAX 2200
#define ARITH_YEAR_LIMIT 5000000

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && is_leap(y))
		return 29;
	return len[m - 1];
}

bool date_valid_ymd(int y, int m, int d)
{
	if (y <= -ARITH_YEAR_LIMIT || y >= ARITH_YEAR_LIMIT)
		return false;
	return m >= 1 && m <= 12 && d >= 1 && d <= date_days_in_month(y, m);
}

/*
 * Count in 400-year eras that start on March 1 (so the leap day is the last
 * day of an era-year): an era has 146097 days, and within it the year of
 * era yoe (0..399) starts 365*yoe + yoe/4 - yoe/100 days in. Day of the
 * March-based year for month mp (0 = March) is (153*mp + 2)/5 + d-1.
 * 1970-01-01 is day 719468 counted from 0000-03-01.
 */
int32_t date_from_ymd(int y, int m, int d)
{
	int64_t yy, era, yoe, mp, doy, doe;

	if (!date_valid_ymd(y, m, d))
		return DATE_NONE;
	yy = (int64_t)y - (m <= 2);
	era = floor_div(yy, 400);
	yoe = yy - era * 400;
	mp = (m + 9) % 12;
	doy = (153 * mp + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void date_to_ymd(int32_t days, int *y, int *m, int *d)
{
	int64_t z = (int64_t)days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t dd = doy - (153 * mp + 2) / 5 + 1;
	int64_t mm = mp < 10 ? mp + 3 : mp - 9;
	int64_t yy = yoe + era * 400 + (mm <= 2);

	if (y)
		*y = (int)yy;
	if (m)
		*m = (int)mm;
	if (d)
		*d = (int)dd;
}

int date_weekday(int32_t days)
{
	/* 1970-01-01 was a Thursday (ISO 4). */
	return (int)floor_mod((int64_t)days + 3, 7) + 1;
}

/* n decimal digits at s into *v; false unless all n are digits. */
static bool digits(const char *s, int n, int *v)
{
	int x = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

/* "YYYY-MM-DD" at the start of s (no check of what follows). */
static bool parse_ymd(const char *s, int32_t *days)
{
	int y, m, d;

	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return false;
	if (y < PARSE_YEAR_MIN || y > PARSE_YEAR_MAX || !date_valid_ymd(y, m, d))
		return false;
	*days = date_from_ymd(y, m, d);
	return true;
}

bool date_parse(const char *s, int32_t *days)
{
	int32_t v;

	if (!s || !parse_ymd(s, &v) || s[10] != '\0')
		return false;
	if (days)
		*days = v;
	return true;
}

/* v as exactly n decimal digits at p (v already in range). */
static void put_digits(char *p, int v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void date_format(int32_t days, char buf[static 11])
{
	int y, m, d;

	date_to_ymd(days, &y, &m, &d);
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	put_digits(buf, y, 4);
	buf[4] = '-';
	put_digits(buf + 5, m, 2);
	buf[7] = '-';
	put_digits(buf + 8, d, 2);
	buf[10] = '\0';
}

bool date_parse_time(const char *s, struct irm_time *t)
{
	int32_t day;
	int hh, mi, ss = 0, oh, om, sign;
	const char *p;
	int32_t off;

	if (!s || !parse_ymd(s, &day) || s[10] != 'T')
		return false;
	p = s + 11;
	if (!digits(p, 2, &hh) || p[2] != ':' || !digits(p + 3, 2, &mi))
		return false;
	p += 5;
	if (*p == ':') {
		if (!digits(p + 1, 2, &ss))
			return false;
		p += 3;
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9')
				return false;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (hh > 23 || mi > 59 || ss > 59)
		return false;
	if (*p == 'Z') {
		off = 0;
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om))
			return false;
		if (om > 59)
			return false;
		off = sign * (oh * 60 + om);
		if (off > MAX_OFF_MIN || off < -MAX_OFF_MIN)
			return false;
		p += 6;
	} else {
		return false;
	}
	if (*p != '\0')
		return false;
	if (t) {
		t->utc = date_utc_of_local(day, hh * 60 + mi, off) + ss;
		t->off_min = off;
	}
	return true;
}

void date_format_time(struct irm_time t, char buf[static 26])
{
	int64_t local = t.utc + (int64_t)t.off_min * 60;
	int64_t day = floor_div(local, SECS_PER_DAY);
	int sec = (int)(local - day * SECS_PER_DAY);
	int32_t off = t.off_min;
	int a = (int)((off < 0 ? -(int64_t)off : off) % 6000);

	date_format((int32_t)day, buf);
	buf[10] = 'T';
	put_digits(buf + 11, sec / 3600, 2);
	buf[13] = ':';
	put_digits(buf + 14, sec / 60 % 60, 2);
	buf[16] = ':';
	put_digits(buf + 17, sec % 60, 2);
	if (off == 0) {
		buf[19] = 'Z';
		buf[20] = '\0';
		return;
	}
	buf[19] = off < 0 ? '-' : '+';
	put_digits(buf + 20, a / 60 % 100, 2);
	buf[22] = ':';
	put_digits(buf + 23, a % 60, 2);
	buf[25] = '\0';
}

int32_t date_local_day(struct irm_time t)
{
	return (int32_t)floor_div(t.utc + (int64_t)t.off_min * 60, SECS_PER_DAY);
}

int date_local_minute(struct irm_time t)
{
	return (int)(floor_mod(t.utc + (int64_t)t.off_min * 60, SECS_PER_DAY) / 60);
}

int64_t date_utc_of_local(int32_t day, int minute, int32_t off_min)
{
	return (int64_t)day * SECS_PER_DAY + (int64_t)minute * 60 - (int64_t)off_min * 60;
}

int32_t date_days_between(struct irm_time a, struct irm_time b)
{
	return date_local_day(b) - date_local_day(a);
}
