#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "date.h"
#include "status.h"
#include "tz.h"

/* --- helpers ------------------------------------------------------------ */

static int64_t at(const char *iso)
{
	struct irm_time t;

	if (!date_parse_time(iso, &t))
		fail_msg("bad time in test: %s", iso);
	return t.utc;
}

static int32_t off_of(const char *zone, const char *iso)
{
	int32_t off = 99999;

	if (!tz_offset(zone, at(iso), &off))
		fail_msg("tz_offset(%s, %s) failed", zone, iso);
	return off;
}

/* A synthetic zoneinfo directory for files with known contents. */
static char tzdir[64];

static void put32(unsigned char **p, uint32_t v)
{
	(*p)[0] = (unsigned char)(v >> 24);
	(*p)[1] = (unsigned char)(v >> 16);
	(*p)[2] = (unsigned char)(v >> 8);
	(*p)[3] = (unsigned char)v;
	*p += 4;
}

static void put64(unsigned char **p, int64_t v)
{
	put32(p, (uint32_t)((uint64_t)v >> 32));
	put32(p, (uint32_t)v);
}

static void put_header(unsigned char **p, char version, uint32_t timecnt, uint32_t typecnt)
{
	memcpy(*p, "TZif", 4);
	(*p)[4] = (unsigned char)version;
	memset(*p + 5, 0, 15);
	*p += 20;
	put32(p, 0);        /* isutcnt */
	put32(p, 0);        /* isstdcnt */
	put32(p, 0);        /* leapcnt */
	put32(p, timecnt);
	put32(p, typecnt);
	put32(p, 4);        /* charcnt: "ABC\0" */
}

static void put_block(unsigned char **p, int wide, const int64_t *trans, const unsigned char *idx,
		      size_t nt, const int32_t *offs, size_t ntypes)
{
	for (size_t i = 0; i < nt; i++) {
		if (wide)
			put64(p, trans[i]);
		else
			put32(p, (uint32_t)(int32_t)trans[i]);
	}
	for (size_t i = 0; i < nt; i++)
		*(*p)++ = idx[i];
	for (size_t i = 0; i < ntypes; i++) {
		put32(p, (uint32_t)offs[i]);
		*(*p)++ = 0;  /* isdst */
		*(*p)++ = 0;  /* desigidx */
	}
	memcpy(*p, "ABC", 4);
	*p += 4;
}

/* Write a TZif file. Version '\0' (1) holds the data in its 32-bit block;
 * version '2' has a decoy 32-bit block (one type, +23:00) so that using it
 * by mistake shows, then the 64-bit data and the footer (if not NULL).
 * cut > 0 truncates the file to that many bytes. */
static void write_tzif(const char *name, char version, const int64_t *trans,
		       const unsigned char *idx, size_t nt, const int32_t *offs, size_t ntypes,
		       const char *footer, size_t cut)
{
	static const int32_t decoy = 23 * 3600;
	unsigned char buf[4096], *p = buf;
	char path[128];
	FILE *f;

	if (version == '\0') {
		put_header(&p, version, (uint32_t)nt, (uint32_t)ntypes);
		put_block(&p, 0, trans, idx, nt, offs, ntypes);
	} else {
		put_header(&p, version, 0, 1);
		put_block(&p, 0, NULL, NULL, 0, &decoy, 1);
		put_header(&p, version, (uint32_t)nt, (uint32_t)ntypes);
		put_block(&p, 1, trans, idx, nt, offs, ntypes);
		if (footer) {
			size_t n = strlen(footer);

			*p++ = '\n';
			memcpy(p, footer, n);
			p += n;
			*p++ = '\n';
		}
	}
	snprintf(path, sizeof path, "%s/%s", tzdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, cut ? cut : (size_t)(p - buf), f), cut ? cut : (size_t)(p - buf));
	fclose(f);
}

static int make_tzdir(void **state)
{
	char sub[96];

	(void)state;
	strcpy(tzdir, "/tmp/irm-test-tz-XXXXXX");
	if (!mkdtemp(tzdir))
		return -1;
	snprintf(sub, sizeof sub, "%s/Test", tzdir);
	return mkdir(sub, 0755);
}

static int remove_tzdir(void **state)
{
	static const char *const files[] = {
		"Test/Slim", "Test/Julian", "Test/AllYear", "Test/Negative", "Test/South",
		"Test/V1", "Test/Tail", "Test/BadFooter", "Test/Short", "Test/Index",
		"Test/Magic", "Test/Unordered", "Test/Empty",
	};
	char path[128];

	(void)state;
	tz_free_all();
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", tzdir, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/Test", tzdir);
	rmdir(path);
	rmdir(tzdir);
	return 0;
}

/* --- the system's zones ------------------------------------------------- */

static void test_system_zones(void **state)
{
	(void)state;
	unsetenv("TZDIR");
	tz_free_all();
	assert_int_equal(off_of("America/Denver", "2026-11-22T15:15:00Z"), -420);
	assert_int_equal(off_of("America/Denver", "2026-07-01T12:00:00Z"), -360);
	assert_int_equal(off_of("Europe/London", "2026-01-15T12:00:00Z"), 0);
	assert_int_equal(off_of("Europe/London", "2026-07-01T12:00:00Z"), 60);
	assert_int_equal(off_of("Asia/Kathmandu", "2026-11-22T15:15:00Z"), 345);
	assert_int_equal(off_of("Asia/Kathmandu", "2026-07-01T12:00:00Z"), 345);
	assert_int_equal(off_of("Australia/Sydney", "2026-01-15T12:00:00Z"), 660);
	assert_int_equal(off_of("Australia/Sydney", "2026-07-01T12:00:00Z"), 600);
	assert_int_equal(off_of("America/Boise", "2026-11-22T15:15:00Z"), -420);
	assert_int_equal(off_of("America/Boise", "2026-07-01T12:00:00Z"), -360);
	assert_int_equal(off_of("Asia/Kolkata", "2026-07-01T12:00:00Z"), 330);
	assert_int_equal(off_of("America/Phoenix", "2026-07-01T12:00:00Z"), -420);
	assert_int_equal(off_of("UTC", "2026-07-01T12:00:00Z"), 0);
	assert_int_equal(off_of("Etc/GMT+5", "2026-07-01T12:00:00Z"), -300);
	assert_int_equal(off_of("Pacific/Kiritimati", "2026-07-01T12:00:00Z"), 840);

	/* The US change of 2007: DST began on the first Sunday of April in
	 * 2006 and the second Sunday of March in 2007. */
	assert_int_equal(off_of("America/Denver", "2006-03-20T12:00:00Z"), -420);
	assert_int_equal(off_of("America/Denver", "2007-03-20T12:00:00Z"), -360);

	/* Exactly at the 2026 transitions (02:00 local). */
	assert_int_equal(off_of("America/Denver", "2026-03-08T08:59:59Z"), -420);
	assert_int_equal(off_of("America/Denver", "2026-03-08T09:00:00Z"), -360);
	assert_int_equal(off_of("America/Denver", "2026-11-01T07:59:59Z"), -360);
	assert_int_equal(off_of("America/Denver", "2026-11-01T08:00:00Z"), -420);
}

/* 2060 is past the transitions most files list: the footer rule decides. */
static void test_system_far_future(void **state)
{
	(void)state;
	unsetenv("TZDIR");
	assert_int_equal(off_of("America/Denver", "2060-01-15T12:00:00Z"), -420);
	assert_int_equal(off_of("America/Denver", "2060-07-01T12:00:00Z"), -360);
	/* 2060: DST from March 14 09:00Z to November 7 08:00Z. */
	assert_int_equal(off_of("America/Denver", "2060-03-14T08:59:59Z"), -420);
	assert_int_equal(off_of("America/Denver", "2060-03-14T09:00:00Z"), -360);
	assert_int_equal(off_of("America/Denver", "2060-11-07T07:59:59Z"), -360);
	assert_int_equal(off_of("America/Denver", "2060-11-07T08:00:00Z"), -420);
	assert_int_equal(off_of("Australia/Sydney", "2060-01-15T12:00:00Z"), 660);
	assert_int_equal(off_of("Australia/Sydney", "2060-07-01T12:00:00Z"), 600);
	assert_int_equal(off_of("Europe/London", "2060-07-01T12:00:00Z"), 60);
	assert_int_equal(off_of("Asia/Kathmandu", "2060-07-01T12:00:00Z"), 345);
	assert_int_equal(off_of("America/Boise", "2200-07-01T12:00:00Z"), -360);
}

/* The C library reads the same files with its own code: the two must agree
 * on every zone the airports use most, week by week from 1902 to 2100. */
static void test_against_libc(void **state)
{
	static const char *const zones[] = {
		"America/Denver", "America/Boise", "America/New_York", "America/Los_Angeles",
		"America/Phoenix", "America/Sao_Paulo", "America/Santiago", "America/St_Johns",
		"Europe/London", "Europe/Paris", "Europe/Moscow", "Africa/Cairo",
		"Asia/Kathmandu", "Asia/Kolkata", "Asia/Tokyo", "Asia/Tehran",
		"Australia/Sydney", "Australia/Lord_Howe", "Pacific/Auckland", "Pacific/Chatham",
		"America/Nuuk", "Pacific/Apia",
	};
	int64_t from = at("1902-01-01T00:00:00Z"), to = at("2100-12-31T00:00:00Z");
	const char *saved = getenv("TZ");
	char *old = saved ? strdup(saved) : NULL;

	(void)state;
	unsetenv("TZDIR");
	for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
		char tz[64];

		snprintf(tz, sizeof tz, ":%s", zones[z]);
		setenv("TZ", tz, 1);
		tzset();
		for (int64_t t = from; t < to; t += 7 * 86400 + 3 * 3600 + 17 * 60) {
			time_t tt = (time_t)t;
			struct tm tm;
			int32_t mine, libc;
			long g;

			assert_non_null(localtime_r(&tt, &tm));
			g = tm.tm_gmtoff;
			libc = (int32_t)(g >= 0 ? (g + 30) / 60 : -((-g + 30) / 60));
			assert_true(tz_offset(zones[z], t, &mine));
			if (mine != libc)
				fail_msg("%s at %lld: %d, libc says %d", zones[z], (long long)t, mine, libc);
		}
	}
	if (old) {
		setenv("TZ", old, 1);
		free(old);
	} else {
		unsetenv("TZ");
	}
	tzset();
}

static void test_names_refused(void **state)
{
	static const char *const bad[] = {
		"../etc/passwd", "/etc/passwd", "America/../../etc/passwd", "..", "America/..",
		"America/Den ver", "America/Denver\n", "America/Denver;", "America\\Denver",
		"", "Nowhere/Atlantis", "America", "America/Denver/", "America/Den.ver",
		"Ameríca/Denver",
	};
	char longname[300];
	int32_t off = 123;

	(void)state;
	unsetenv("TZDIR");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (tz_offset(bad[i], 0, &off))
			fail_msg("accepted zone '%s'", bad[i]);
	assert_false(tz_offset(NULL, 0, &off));
	memset(longname, 'A', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_false(tz_offset(longname, 0, &off));
	assert_int_equal(off, 123);
	/* Asked twice (the second time from the table of failures). */
	assert_false(tz_offset("Nowhere/Atlantis", 0, &off));
	/* Many unknown names: still false, and nothing breaks. */
	for (int i = 0; i < 600; i++) {
		char name[32];

		snprintf(name, sizeof name, "Nowhere/Z%d", i);
		assert_false(tz_offset(name, 0, &off));
	}
	assert_true(tz_offset("America/Denver", at("2026-11-22T15:15:00Z"), &off));
	assert_int_equal(off, -420);
	tz_free_all();
	tz_free_all();
	assert_true(tz_offset("America/Denver", at("2026-07-01T12:00:00Z"), &off));
	assert_int_equal(off, -360);
}

/* --- synthetic files ---------------------------------------------------- */

static void use_tzdir(void)
{
	tz_free_all();
	setenv("TZDIR", tzdir, 1);
}

/* No transitions at all, only a footer (as "slim" files can be). */
static void test_footer_only(void **state)
{
	static const int32_t mst = -7 * 3600;

	(void)state;
	write_tzif("Test/Slim", '2', NULL, NULL, 0, &mst, 1, "MST7MDT,M3.2.0,M11.1.0", 0);
	use_tzdir();
	assert_int_equal(off_of("Test/Slim", "2026-11-22T15:15:00Z"), -420);
	assert_int_equal(off_of("Test/Slim", "2026-07-01T12:00:00Z"), -360);
	assert_int_equal(off_of("Test/Slim", "2026-03-08T08:59:59Z"), -420);
	assert_int_equal(off_of("Test/Slim", "2026-03-08T09:00:00Z"), -360);
	assert_int_equal(off_of("Test/Slim", "2026-11-01T07:59:59Z"), -360);
	assert_int_equal(off_of("Test/Slim", "2026-11-01T08:00:00Z"), -420);
	/* A March with five Sundays, and the rule's "second" is not the last. */
	assert_int_equal(off_of("Test/Slim", "2020-03-08T08:59:59Z"), -420);
	assert_int_equal(off_of("Test/Slim", "2020-03-08T09:00:00Z"), -360);
	assert_int_equal(off_of("Test/Slim", "1950-07-01T12:00:00Z"), -360);
	assert_int_equal(off_of("Test/Slim", "2199-12-31T12:00:00Z"), -420);
}

/* Jn never counts February 29; n does. Times past 24:00. */
static void test_footer_julian(void **state)
{
	static const int32_t std = 3 * 3600;

	(void)state;
	write_tzif("Test/Julian", '2', NULL, NULL, 0, &std, 1, "<+03>-3<+04>,J60/1,J300/25", 0);
	use_tzdir();
	/* J60 is March 1 even in 2024; 01:00 at +03 is Feb 29 22:00Z. */
	assert_int_equal(off_of("Test/Julian", "2024-02-29T21:59:59Z"), 180);
	assert_int_equal(off_of("Test/Julian", "2024-02-29T22:00:00Z"), 240);
	assert_int_equal(off_of("Test/Julian", "2025-02-28T21:59:59Z"), 180);
	assert_int_equal(off_of("Test/Julian", "2025-02-28T22:00:00Z"), 240);
	/* J300/25 is October 28 01:00 at +04 (Oct 27 21:00Z), leap or not. */
	assert_int_equal(off_of("Test/Julian", "2024-10-27T20:59:59Z"), 240);
	assert_int_equal(off_of("Test/Julian", "2024-10-27T21:00:00Z"), 180);
	assert_int_equal(off_of("Test/Julian", "2025-10-27T20:59:59Z"), 240);
	assert_int_equal(off_of("Test/Julian", "2025-10-27T21:00:00Z"), 180);

	/* Zero-based n: 59 is Feb 29 in a leap year, March 1 otherwise; an
	 * explicit dst offset, and hh:mm:ss times. */
	write_tzif("Test/AllYear", '2', NULL, NULL, 0, &std, 1,
		   "<+03>-3<+0330>-3:30,59/0:30:15,300", 0);
	use_tzdir();
	assert_int_equal(off_of("Test/AllYear", "2024-02-28T21:30:14Z"), 180);
	assert_int_equal(off_of("Test/AllYear", "2024-02-28T21:30:15Z"), 210);
	assert_int_equal(off_of("Test/AllYear", "2024-02-29T12:00:00Z"), 210);
	assert_int_equal(off_of("Test/AllYear", "2025-02-28T12:00:00Z"), 180);
	assert_int_equal(off_of("Test/AllYear", "2025-02-28T21:30:14Z"), 180);
	assert_int_equal(off_of("Test/AllYear", "2025-02-28T21:30:15Z"), 210);
	/* Day 300 at 02:00 +03:30: October 27 in 2024, October 28 in 2025. */
	assert_int_equal(off_of("Test/AllYear", "2024-10-26T22:29:59Z"), 210);
	assert_int_equal(off_of("Test/AllYear", "2024-10-26T22:30:00Z"), 180);
	assert_int_equal(off_of("Test/AllYear", "2025-10-27T22:29:59Z"), 210);
	assert_int_equal(off_of("Test/AllYear", "2025-10-27T22:30:00Z"), 180);
}

/* Negative rule times (America/Nuuk's "M3.5.0/-2"), a southern zone, and
 * permanent daylight time written as a rule over the whole year. */
static void test_footer_edges(void **state)
{
	static const int32_t std = -3 * 3600, aest = 10 * 3600, est = -5 * 3600;

	(void)state;
	write_tzif("Test/Negative", '2', NULL, NULL, 0, &std, 1, "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1",
		   0);
	write_tzif("Test/South", '2', NULL, NULL, 0, &aest, 1, "AEST-10AEDT,M10.1.0,M4.1.0/3", 0);
	write_tzif("Test/AllYear", '2', NULL, NULL, 0, &est, 1, "EST5EDT,0/0,J365/25", 0);
	use_tzdir();
	/* Last Sunday of March 2030 is the 31st: -2:00 is Sat 22:00 at -03, 01:00Z. */
	assert_int_equal(off_of("Test/Negative", "2030-03-31T00:59:59Z"), -180);
	assert_int_equal(off_of("Test/Negative", "2030-03-31T01:00:00Z"), -120);
	/* Last Sunday of October 2030 is the 27th: -1:00 at -02 is 01:00Z. */
	assert_int_equal(off_of("Test/Negative", "2030-10-27T00:59:59Z"), -120);
	assert_int_equal(off_of("Test/Negative", "2030-10-27T01:00:00Z"), -180);

	/* Sydney: from the first Sunday of October 02:00 AEST to the first
	 * Sunday of April 03:00 AEDT. 2030: April 7, October 6. */
	assert_int_equal(off_of("Test/South", "2030-01-01T00:00:00Z"), 660);
	assert_int_equal(off_of("Test/South", "2030-04-06T15:59:59Z"), 660);
	assert_int_equal(off_of("Test/South", "2030-04-06T16:00:00Z"), 600);
	assert_int_equal(off_of("Test/South", "2030-10-05T15:59:59Z"), 600);
	assert_int_equal(off_of("Test/South", "2030-10-05T16:00:00Z"), 660);
	assert_int_equal(off_of("Test/South", "2030-12-31T23:59:59Z"), 660);

	for (int64_t t = at("2025-01-01T00:00:00Z"); t < at("2027-01-01T00:00:00Z"); t += 3600 * 7)
		assert_true(tz_offset("Test/AllYear", t, &(int32_t){ 0 }));
	assert_int_equal(off_of("Test/AllYear", "2026-01-01T05:00:00Z"), -240);
	assert_int_equal(off_of("Test/AllYear", "2026-07-01T12:00:00Z"), -240);
	assert_int_equal(off_of("Test/AllYear", "2026-12-31T23:00:00Z"), -240);
}

/* Transitions, then the footer after the last one; version 1 files, which
 * have no footer, keep the last type. */
static void test_transitions(void **state)
{
	static const int64_t trans[] = { -2000000000LL, 0, 946684800 };   /* 1906, 1970, 2000 */
	static const unsigned char idx[] = { 1, 2, 1 };
	static const int32_t offs[] = { 3600 + 17, 7200, 10800 };

	(void)state;
	write_tzif("Test/V1", '\0', trans, idx, 3, offs, 3, NULL, 0);
	write_tzif("Test/Tail", '2', trans, idx, 3, offs, 3, "<+05>-5", 0);
	write_tzif("Test/BadFooter", '2', trans, idx, 3, offs, 3, "this is no rule", 0);
	use_tzdir();
	/* Before the first transition: the first type (rounded to a minute). */
	assert_int_equal(off_of("Test/V1", "1901-12-14T00:00:00Z"), 60);
	assert_int_equal(off_of("Test/V1", "1950-01-01T00:00:00Z"), 120);
	assert_int_equal(off_of("Test/V1", "1969-12-31T23:59:59Z"), 120);
	assert_int_equal(off_of("Test/V1", "1970-01-01T00:00:00Z"), 180);
	assert_int_equal(off_of("Test/V1", "1999-12-31T23:59:59Z"), 180);
	assert_int_equal(off_of("Test/V1", "2000-01-01T00:00:00Z"), 120);
	assert_int_equal(off_of("Test/V1", "2150-01-01T00:00:00Z"), 120);

	assert_int_equal(off_of("Test/Tail", "1901-12-14T00:00:00Z"), 60);
	assert_int_equal(off_of("Test/Tail", "1950-01-01T00:00:00Z"), 120);
	assert_int_equal(off_of("Test/Tail", "1970-01-01T00:00:00Z"), 180);
	assert_int_equal(off_of("Test/Tail", "2000-01-01T00:00:00Z"), 120);
	assert_int_equal(off_of("Test/Tail", "2000-01-01T00:00:01Z"), 300);
	assert_int_equal(off_of("Test/Tail", "2150-01-01T00:00:00Z"), 300);

	assert_int_equal(off_of("Test/BadFooter", "2150-01-01T00:00:00Z"), 120);
}

static void test_broken_files(void **state)
{
	static const int64_t trans[] = { 0, 1000 };
	static const int64_t backwards[] = { 1000, 0 };
	static const unsigned char idx[] = { 0, 1 };
	static const unsigned char bad_idx[] = { 0, 5 };
	static const int32_t offs[] = { 0, 3600 };
	int32_t off = 77;
	char path[128];
	FILE *f;

	(void)state;
	write_tzif("Test/Short", '2', trans, idx, 2, offs, 2, "UTC0", 60);
	write_tzif("Test/Index", '2', trans, bad_idx, 2, offs, 2, "UTC0", 0);
	write_tzif("Test/Unordered", '2', backwards, idx, 2, offs, 2, "UTC0", 0);
	snprintf(path, sizeof path, "%s/Test/Magic", tzdir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs("TZjf2 this is not a time zone file at all, but it is long enough", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/Test/Empty", tzdir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fclose(f);
	use_tzdir();
	assert_false(tz_offset("Test/Short", 0, &off));
	assert_false(tz_offset("Test/Index", 0, &off));
	assert_false(tz_offset("Test/Unordered", 0, &off));
	assert_false(tz_offset("Test/Magic", 0, &off));
	assert_false(tz_offset("Test/Empty", 0, &off));
	assert_false(tz_offset("Test", 0, &off));          /* a directory */
	assert_false(tz_offset("America/Denver", 0, &off)); /* not in this TZDIR */
	assert_int_equal(off, 77);
	unsetenv("TZDIR");
	tz_free_all();
}

/* --- clock ---------------------------------------------------------------- */

static void test_clock(void **state)
{
	struct irm_err e = { IRM_OK, "" };
	int64_t now;

	(void)state;
	setenv("IRM_NOW", "2026-11-22T09:00:00Z", 1);
	assert_int_equal(clock_init(&e), IRM_OK);
	assert_int_equal(clock_now(), 1795338000);
	assert_int_equal(clock_now(), 1795338000);

	setenv("IRM_NOW", "2026-11-22T08:15-07:00", 1);
	assert_int_equal(clock_init(&e), IRM_OK);
	assert_int_equal(clock_now(), 1795360500);

	setenv("IRM_NOW", "yesterday", 1);
	assert_int_equal(clock_init(&e), IRM_EUSAGE);
	assert_int_equal(e.status, IRM_EUSAGE);
	assert_string_equal(e.msg, "IRM_NOW: not an ISO 8601 time with offset: 'yesterday'");
	assert_int_equal(clock_init(NULL), IRM_EUSAGE);

	setenv("IRM_NOW", "2026-11-22T09:00:00", 1);   /* no offset */
	assert_int_equal(clock_init(&e), IRM_EUSAGE);
	assert_string_equal(e.msg,
			    "IRM_NOW: not an ISO 8601 time with offset: '2026-11-22T09:00:00'");

	/* The message shows the value, but nothing in it reaches a terminal raw. */
	setenv("IRM_NOW", "\x1b]0;x\x07", 1);
	assert_int_equal(clock_init(&e), IRM_EUSAGE);
	assert_null(strchr(e.msg, '\x1b'));
	assert_string_equal(e.msg, "IRM_NOW: not an ISO 8601 time with offset: '␛]0;x␇'");

	clock_pin(42);
	assert_int_equal(clock_now(), 42);

	unsetenv("IRM_NOW");
	assert_int_equal(clock_init(&e), IRM_OK);
	now = clock_now();
	assert_true(now >= (int64_t)time(NULL) - 5 && now <= (int64_t)time(NULL) + 5);
	setenv("IRM_NOW", "", 1);
	assert_int_equal(clock_init(&e), IRM_OK);
	now = clock_now();
	assert_true(now >= (int64_t)time(NULL) - 5);
	unsetenv("IRM_NOW");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_system_zones),
		cmocka_unit_test(test_system_far_future),
		cmocka_unit_test(test_against_libc),
		cmocka_unit_test(test_names_refused),
		cmocka_unit_test(test_footer_only),
		cmocka_unit_test(test_footer_julian),
		cmocka_unit_test(test_footer_edges),
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_broken_files),
		cmocka_unit_test(test_clock),
	};

	return cmocka_run_group_tests(tests, make_tzdir, remove_tzdir);
}
