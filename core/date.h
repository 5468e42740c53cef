/* date.h — civil dates and instants with their UTC offset.
 *
 * A date is a count of days since 1970-01-01 (proleptic Gregorian). An
 * instant keeps both the UTC time and the offset it was written with, so
 * "08:15 in Denver" stays 08:15 -07:00 when printed again. No time zone
 * database here: offsets come with the data (core/ does no I/O). */
#ifndef IRM_DATE_H
#define IRM_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DATE_NONE INT32_MIN

struct irm_time {
	int64_t utc;     /* seconds since 1970-01-01T00:00:00Z */
	int32_t off_min; /* local offset from UTC in minutes, -14h..+14h */
};

/* DATE_NONE if y-m-d is not a valid date. */
int32_t date_from_ymd(int y, int m, int d);
void date_to_ymd(int32_t days, int *y, int *m, int *d);
/* Years between -5,000,000 and 5,000,000 exclusive. */
bool date_valid_ymd(int y, int m, int d);
int date_days_in_month(int y, int m);
/* ISO weekday: 1 = Monday … 7 = Sunday. */
int date_weekday(int32_t days);

/* Strict "YYYY-MM-DD" (years 1800..2200); false for anything else. */
bool date_parse(const char *s, int32_t *days);
/* Writes "YYYY-MM-DD" into buf (at least 11 bytes); years outside
 * 0..9999 are clamped to them. */
void date_format(int32_t days, char buf[static 11]);

/* Strict ISO 8601 instant with an explicit offset:
 * "YYYY-MM-DDTHH:MM[:SS[.frac]](Z|+HH:MM|-HH:MM)". Fractions are dropped.
 * Years 1800..2200, hours 00..23, seconds 00..59, offsets within ±14:00;
 * 'T' and 'Z' upper-case only. */
bool date_parse_time(const char *s, struct irm_time *t);
/* "YYYY-MM-DDTHH:MM:SS+HH:MM" in the instant's own offset ("Z" for zero);
 * buf at least 26 bytes. */
void date_format_time(struct irm_time t, char buf[static 26]);

/* The local civil day and minute-of-day of an instant in its own offset. */
int32_t date_local_day(struct irm_time t);
int date_local_minute(struct irm_time t);
/* The UTC instant of a local civil day and minute at a given offset. */
int64_t date_utc_of_local(int32_t day, int minute, int32_t off_min);
/* Whole days from a to b, each taken at its own local date (b - a). */
int32_t date_days_between(struct irm_time a, struct irm_time b);

#endif
