/* tz.c — UTC offsets of IANA time zones from TZif files (RFC 8536).
 *
 * A zone is read once: its transitions (the 64-bit data of version 2+
 * files, else the 32-bit data) and the POSIX TZ string of its footer, which
 * gives the offset after the last transition ("MST7MDT,M3.2.0,M11.1.0").
 *
 * State: the loaded zones live in one static table, sorted by name, for the
 * life of the process (or until tz_free_all()). Zones that could not be
 * loaded are remembered too, up to a limit, so a bad name costs one look at
 * the file system. The table is keyed by name only: a change of $TZDIR
 * takes effect after tz_free_all(). Not thread-safe; irm has one thread. */
#include "tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "mem.h"

#define TZ_DEFAULT_DIR "/usr/share/zoneinfo"
#define TZ_NAME_MAX 128
#define TZ_FILE_MAX (1L << 20)
#define TZ_MAX_FAILED 256
#define SECS_PER_DAY 86400

/* One end of daylight saving time in a POSIX TZ rule. */
struct tz_when {
	char kind;       /* 'J' Julian 1..365 without Feb 29, 'D' zero-based day, 'M' month rule */
	int day;         /* J: 1..365, D: 0..365 */
	int month;       /* M: 1..12 */
	int week;        /* M: 1..5 (5 = last) */
	int wday;        /* M: 0 = Sunday .. 6 */
	int32_t time;    /* seconds after local midnight, may be negative or > 24h */
};

/* The footer's POSIX TZ string, parsed. Offsets are seconds east of UTC. */
struct tz_rule {
	bool valid;
	bool has_dst;
	int32_t std_off, dst_off;
	struct tz_when start, end;
};

struct tz_zone {
	char *name;
	bool ok;             /* false: unknown zone or unreadable file */
	size_t ntrans;
	int64_t *trans;      /* transition times, ascending */
	unsigned char *idx;  /* type of each transition */
	size_t ntypes;
	int32_t *utoff;      /* seconds east of UTC, per type */
	struct tz_rule rule;
};

static struct tz_zone *zones;   /* sorted by name */
static size_t nzones, zones_cap, nfailed;

/* --- POSIX TZ strings --------------------------------------------------- */

/* A zone abbreviation: three or more letters, or <...> of letters, digits,
 * '+' and '-'. */
static bool rule_name(const char **pp)
{
	const char *p = *pp;
	size_t n = 0;

	if (*p == '<') {
		p++;
		while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		       (*p >= '0' && *p <= '9') || *p == '+' || *p == '-') {
			p++;
			n++;
		}
		if (*p != '>' || n < 3)
			return false;
		*pp = p + 1;
		return true;
	}
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
		p++;
		n++;
	}
	if (n < 3)
		return false;
	*pp = p;
	return true;
}

static bool rule_num(const char **pp, int max, int *v)
{
	const char *p = *pp;
	int x = 0;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		x = x * 10 + (*p - '0');
		if (x > max)
			return false;
		p++;
	}
	*pp = p;
	*v = x;
	return true;
}

/* [+-]hh[:mm[:ss]] in seconds; hours up to max_h. */
static bool rule_hms(const char **pp, int max_h, int32_t *secs)
{
	const char *p = *pp;
	int sign = 1, h, m = 0, s = 0;

	if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
	}
	if (!rule_num(&p, max_h, &h))
		return false;
	if (*p == ':') {
		p++;
		if (!rule_num(&p, 59, &m))
			return false;
		if (*p == ':') {
			p++;
			if (!rule_num(&p, 59, &s))
				return false;
		}
	}
	*pp = p;
	*secs = sign * (h * 3600 + m * 60 + s);
	return true;
}

static bool rule_when(const char **pp, struct tz_when *w)
{
	const char *p = *pp;

	memset(w, 0, sizeof *w);
	if (*p == 'J') {
		p++;
		w->kind = 'J';
		if (!rule_num(&p, 365, &w->day) || w->day < 1)
			return false;
	} else if (*p == 'M') {
		p++;
		w->kind = 'M';
		if (!rule_num(&p, 12, &w->month) || w->month < 1 || *p++ != '.' ||
		    !rule_num(&p, 5, &w->week) || w->week < 1 || *p++ != '.' ||
		    !rule_num(&p, 6, &w->wday))
			return false;
	} else {
		w->kind = 'D';
		if (!rule_num(&p, 365, &w->day))
			return false;
	}
	w->time = 2 * 3600;
	if (*p == '/') {
		p++;
		/* RFC 8536 allows -167..167 hours here. */
		if (!rule_hms(&p, 167, &w->time))
			return false;
	}
	*pp = p;
	return true;
}

/* Parse a POSIX TZ string such as "MST7MDT,M3.2.0,M11.1.0" or
 * "<+0545>-5:45". The offsets there count west of UTC. */
static bool rule_parse(const char *s, struct tz_rule *r)
{
	const char *p = s;
	int32_t off;

	memset(r, 0, sizeof *r);
	if (!rule_name(&p) || !rule_hms(&p, 24, &off))
		return false;
	r->std_off = -off;
	if (*p == '\0') {
		r->valid = true;
		return true;
	}
	if (!rule_name(&p))
		return false;
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if (!rule_hms(&p, 24, &off))
			return false;
		r->dst_off = -off;
	}
	if (*p == '\0') {
		/* No rule given: POSIX leaves it to the implementation; take
		 * the United States' since 2007. */
		p = ",M3.2.0,M11.1.0";
	}
	if (*p++ != ',' || !rule_when(&p, &r->start) || *p++ != ',' || !rule_when(&p, &r->end) ||
	    *p != '\0')
		return false;
	r->valid = true;
	return true;
}

static bool leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The local time (seconds since the epoch, as if local were UTC) at which
 * w happens in year y. */
static int64_t when_local(const struct tz_when *w, int y)
{
	int32_t day;

	switch (w->kind) {
	case 'J':
		day = date_from_ymd(y, 1, 1) + w->day - 1;
		if (leap_year(y) && w->day >= 60)
			day++;
		break;
	case 'D':
		day = date_from_ymd(y, 1, 1) + w->day;
		break;
	default: {
		int32_t first = date_from_ymd(y, w->month, 1);
		int first_wday = date_weekday(first) % 7;   /* 0 = Sunday */
		int dom = 1 + (w->wday - first_wday + 7) % 7 + (w->week - 1) * 7;
		int dim = date_days_in_month(y, w->month);

		while (dom > dim)
			dom -= 7;
		day = first + dom - 1;
		break;
	}
	}
	return (int64_t)day * SECS_PER_DAY + w->time;
}

static int32_t rule_offset(const struct tz_rule *r, int64_t utc)
{
	int64_t local = utc + r->std_off, start, end;
	int y;
	bool dst;

	if (!r->has_dst)
		return r->std_off;
	/* Years outside what date.c counts keep standard time. */
	if (local < -(int64_t)4000000 * 365 * SECS_PER_DAY ||
	    local > (int64_t)4000000 * 365 * SECS_PER_DAY)
		return r->std_off;
	date_to_ymd((int32_t)(local >= 0 ? local / SECS_PER_DAY : (local + 1) / SECS_PER_DAY - 1),
		    &y, NULL, NULL);
	/* The start is given in standard time, the end in daylight time. */
	start = when_local(&r->start, y) - r->std_off;
	end = when_local(&r->end, y) - r->dst_off;
	if (start < end)
		dst = utc >= start && utc < end;
	else
		dst = utc < end || utc >= start;   /* southern hemisphere */
	return dst ? r->dst_off : r->std_off;
}

/* --- TZif files --------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
};

static bool tzif_header(const unsigned char *p, size_t n, struct tzif_counts *c)
{
	if (n < 44 || memcmp(p, "TZif", 4) != 0)
		return false;
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chars = be32(p + 40);
	/* Far above any real zone; keeps the sizes below from overflowing. */
	if (c->isut > 1000 || c->isstd > 1000 || c->leap > 1000 || c->time > 100000 ||
	    c->type > 256 || c->chars > 100000)
		return false;
	return c->type >= 1;
}

static size_t tzif_block_size(const struct tzif_counts *c, size_t tsize)
{
	return c->time * tsize + c->time + c->type * 6 + c->chars + c->leap * (tsize + 4) +
	       c->isstd + c->isut;
}

/* Read one data block (tsize 4 or 8 bytes a time) at p into z. */
static bool tzif_block(const unsigned char *p, const struct tzif_counts *c, size_t tsize,
		       struct tz_zone *z)
{
	const unsigned char *types;

	z->ntrans = c->time;
	z->ntypes = c->type;
	z->trans = xcalloc(c->time ? c->time : 1, sizeof *z->trans);
	z->idx = xcalloc(c->time ? c->time : 1, 1);
	z->utoff = xcalloc(c->type, sizeof *z->utoff);
	for (size_t i = 0; i < c->time; i++) {
		z->trans[i] = tsize == 8 ? be64(p + i * 8) : (int32_t)be32(p + i * 4);
		if (i > 0 && z->trans[i] <= z->trans[i - 1])
			return false;
	}
	p += c->time * tsize;
	for (size_t i = 0; i < c->time; i++) {
		z->idx[i] = p[i];
		if (p[i] >= c->type)
			return false;
	}
	types = p + c->time;
	for (size_t i = 0; i < c->type; i++) {
		int32_t off = (int32_t)be32(types + i * 6);

		/* RFC 8536: -89999..93599; anything else is a broken file. */
		if (off < -89999 || off > 93599)
			return false;
		z->utoff[i] = off;
	}
	return true;
}

static void zone_clear(struct tz_zone *z)
{
	free(z->trans);
	free(z->idx);
	free(z->utoff);
	z->trans = NULL;
	z->idx = NULL;
	z->utoff = NULL;
	z->ntrans = z->ntypes = 0;
	z->ok = false;
}

static bool tzif_parse(const unsigned char *p, size_t n, struct tz_zone *z)
{
	struct tzif_counts c1, c2;
	size_t b1, b2;
	const unsigned char *foot, *end;

	if (!tzif_header(p, n, &c1))
		return false;
	b1 = tzif_block_size(&c1, 4);
	if (n - 44 < b1)
		return false;
	if (p[4] == '\0') {
		/* Version 1: 32-bit data and no footer. */
		return tzif_block(p + 44, &c1, 4, z);
	}
	p += 44 + b1;
	n -= 44 + b1;
	if (!tzif_header(p, n, &c2))
		return false;
	b2 = tzif_block_size(&c2, 8);
	if (n - 44 < b2)
		return false;
	if (!tzif_block(p + 44, &c2, 8, z))
		return false;
	/* The footer: "\n" POSIX TZ string "\n". */
	foot = p + 44 + b2;
	end = p + n;
	if (foot < end && *foot == '\n') {
		const unsigned char *nl = memchr(foot + 1, '\n', (size_t)(end - foot - 1));

		if (nl && nl - foot - 1 < 128) {
			char tzs[128];

			memcpy(tzs, foot + 1, (size_t)(nl - foot - 1));
			tzs[nl - foot - 1] = '\0';
			/* An empty or unparsable string leaves the last
			 * transition in force. */
			if (tzs[0] != '\0')
				rule_parse(tzs, &z->rule);
		}
	}
	return true;
}

static bool name_ok(const char *zone)
{
	size_t n = 0;

	if (!zone || zone[0] == '\0' || zone[0] == '/' || strstr(zone, ".."))
		return false;
	for (const char *p = zone; *p; p++, n++) {
		char ch = *p;

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '+' || ch == '/' || ch == '-'))
			return false;
	}
	return n < TZ_NAME_MAX;
}

static void zone_load(struct tz_zone *z)
{
	const char *dir = getenv("TZDIR");
	char path[4096];
	unsigned char *buf;
	size_t n;
	FILE *f;
	int len;

	if (!dir || dir[0] == '\0')
		dir = TZ_DEFAULT_DIR;
	len = snprintf(path, sizeof path, "%s/%s", dir, z->name);
	if (len < 0 || (size_t)len >= sizeof path)
		return;
	f = fopen(path, "rb");
	if (!f)
		return;
	buf = xmalloc(TZ_FILE_MAX);
	n = fread(buf, 1, TZ_FILE_MAX, f);
	if (ferror(f) || n == TZ_FILE_MAX) {
		/* Unreadable, a directory, or far too big for a TZif file. */
		fclose(f);
		free(buf);
		return;
	}
	fclose(f);
	z->ok = tzif_parse(buf, n, z);
	if (!z->ok)
		zone_clear(z);
	free(buf);
}

/* The zone of this name in the table, loading it if new; NULL if the name
 * is refused or too many failures are remembered already. */
static struct tz_zone *zone_get(const char *name)
{
	size_t lo = 0, hi = nzones;
	struct tz_zone z;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, zones[mid].name);

		if (c == 0)
			return &zones[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	memset(&z, 0, sizeof z);
	z.name = xstrdup(name);
	zone_load(&z);
	if (!z.ok && nfailed >= TZ_MAX_FAILED) {
		free(z.name);
		return NULL;
	}
	if (!z.ok)
		nfailed++;
	if (nzones == zones_cap) {
		zones_cap = zones_cap ? zones_cap * 2 : 32;
		zones = xrealloc(zones, zones_cap * sizeof *zones);
	}
	memmove(&zones[lo + 1], &zones[lo], (nzones - lo) * sizeof *zones);
	zones[lo] = z;
	nzones++;
	return &zones[lo];
}

static int32_t zone_offset(const struct tz_zone *z, int64_t utc)
{
	size_t lo = 0, hi = z->ntrans;

	if (z->rule.valid && (z->ntrans == 0 || utc > z->trans[z->ntrans - 1]))
		return rule_offset(&z->rule, utc);
	if (z->ntrans == 0 || utc < z->trans[0])
		return z->utoff[0];
	/* The last transition at or before utc. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->trans[mid] <= utc)
			lo = mid;
		else
			hi = mid;
	}
	return z->utoff[z->idx[lo]];
}

bool tz_offset(const char *zone, int64_t utc, int32_t *off_min)
{
	struct tz_zone *z;
	int32_t s;

	if (!name_ok(zone))
		return false;
	z = zone_get(zone);
	if (!z || !z->ok)
		return false;
	s = zone_offset(z, utc);
	/* To the nearest minute (old local mean times have seconds). */
	if (off_min)
		*off_min = s >= 0 ? (s + 30) / 60 : -((-s + 30) / 60);
	return true;
}

void tz_free_all(void)
{
	for (size_t i = 0; i < nzones; i++) {
		zone_clear(&zones[i]);
		free(zones[i].name);
	}
	free(zones);
	zones = NULL;
	nzones = zones_cap = nfailed = 0;
}
