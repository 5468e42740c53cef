/* airports.c — look-ups in the airport table that the build generates from
 * core/airports.tsv (build/gen/airports_data.c, sorted by IATA code). */
#include "airports.h"

#include <stdbool.h>
#include <string.h>

#include "geo.h"

/* Defined in the generated airports_data.c. */
extern const struct airport airports_table[];
extern const unsigned long airports_table_len;

static bool is_code(const char *s)
{
	if (!s)
		return false;
	for (int i = 0; i < 3; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return s[3] == '\0';
}

const struct airport *airports_find(const char *iata)
{
	size_t lo = 0, hi = airports_table_len;

	if (!is_code(iata))
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(iata, airports_table[mid].iata, 3);

		if (c == 0)
			return &airports_table[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t airports_count(void)
{
	return airports_table_len;
}

const struct airport *airports_at(size_t i)
{
	return i < airports_table_len ? &airports_table[i] : NULL;
}

int airports_miles(const char *from, const char *to)
{
	const struct airport *a = airports_find(from), *b = airports_find(to);
	double d;

	if (!a || !b)
		return -1;
	d = geo_distance_miles(a->lat, a->lon, b->lat, b->lon);
	return (int)(d + 0.5);
}
