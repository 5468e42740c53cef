/* demo.h — the deterministic demo data generator.
 *
 * Generates customers and their trips, past (flown) and upcoming (booked),
 * from distinct patterns per intent: business (short lead time, weekdays,
 * solo or with colleagues, hub cities, J/Y full fare, corporate channel),
 * leisure (long lead, weekends, couples and families with children, resort
 * airports) and visiting friends and relatives (repeated trips to the same
 * smaller airport, multi-night stays over weekends). The same options give
 * the same records, byte for byte.
 *
 * The seed stories come first, in every run: Dale Brewer (C1, MP7000001) at
 * 998,976 lifetime miles with UA1234 DEN→SEA booked today, the leg that takes
 * him to 1,000,000; and Priya Raman (C2, MP7000002) whose history holds a
 * client meeting with a 5-star hotel, a training course with a 2–3-star
 * hotel, and trips to visit her parents near Heyburn, Idaho (TWF) with a
 * motel. */
#ifndef IRM_DEMO_H
#define IRM_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"

#include "model.h"

struct demo_opts {
	uint64_t seed;
	long customers;          /* total, the seed stories included (≥ 2); member
				  * numbers stay unique below 6,000,000 */
	int64_t now;             /* the clock: "today" (its date in Denver) and
				  * the past/upcoming split */
	/* The UTC offset in minutes of an IANA zone at a UTC instant; NULL: UTC.
	 * Results are cached per zone and UTC day, assuming a zone changes its
	 * offset at most once a day. */
	int32_t (*utc_offset)(void *ctx, const char *tz, int64_t utc);
	void *offset_ctx;
};

/* Called for each record, customers before the trips that name them (a
 * trip's first passenger is its customer; colleagues may be customers seen
 * earlier). The records and their strings live until the callback returns.
 * A non-zero return stops the generator, which then returns that value. */
struct demo_sink {
	void *ctx;
	int (*customer)(void *ctx, const struct customer *c);
	int (*trip)(void *ctx, const struct trip *t, enum intent truth);
};

/* 0 when done, the sink's value when it stopped, -1 if the airport table
 * lacks what the generator needs (DEN, US hubs and smaller US airports). */
int demo_generate(const struct demo_opts *o, const struct demo_sink *sink);

/* Gathering the stream per customer: feed it each customer and trip as the
 * generator gives them; when the next customer comes (and at the end, with
 * demo_batch_flush) `done` gets the previous customer with copies of the
 * trips they are on. What engines need: one customer's whole history. */
struct demo_batch {
	int (*done)(void *ctx, const struct customer *cu, const struct trip *trips, size_t n);
	void *ctx;
	struct arena arena;         /* the current customer and their trips */
	struct customer current;
	bool have_current;
	struct trip *trips;
	size_t n, cap;
};

int demo_batch_customer(struct demo_batch *b, const struct customer *cu);
void demo_batch_trip(struct demo_batch *b, const struct trip *t);
int demo_batch_flush(struct demo_batch *b);
void demo_batch_free(struct demo_batch *b);

#endif
