/* airports.h — the airport table (built from core/airports.tsv). */
#ifndef IRM_AIRPORTS_H
#define IRM_AIRPORTS_H

#include <stddef.h>

struct airport {
	char iata[4];
	char size;          /* 'L' large, 'M' medium (OurAirports' classes) */
	double lat, lon;    /* degrees */
	const char *tz;     /* IANA time zone, e.g. "America/Denver" */
	const char *country;/* ISO 3166-1 alpha-2 */
	const char *city;
	const char *name;
};

/* The airport with this IATA code (exactly three upper-case letters), or NULL. */
const struct airport *airports_find(const char *iata);
size_t airports_count(void);
const struct airport *airports_at(size_t i);   /* sorted by IATA code */
/* Rounded statute miles between two airports; -1 if either is unknown. */
int airports_miles(const char *from, const char *to);

#endif
