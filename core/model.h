/* model.h — the domain records: customers, trips, passengers, segments,
 * hotel stays and segment status changes, as plain structs.
 *
 * Strings are borrowed: whoever fills a struct owns what it points to
 * (usually a struct arena). Optional strings are NULL when absent. */
#ifndef IRM_MODEL_H
#define IRM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"

enum tier { TIER_MEMBER, TIER_SILVER, TIER_GOLD, TIER_PLATINUM, TIER_DIAMOND, TIER_COUNT };
enum recognition { REC_PUBLIC, REC_QUIET, REC_NONE, REC_COUNT };
enum channel { CH_WEB, CH_APP, CH_CALL_CENTER, CH_AGENCY, CH_CORPORATE, CH_COUNT };
enum age_band { AGE_ADULT, AGE_CHILD, AGE_INFANT, AGE_COUNT };
enum seg_status { SEG_BOOKED, SEG_FLOWN, SEG_CANCELLED, SEG_NO_SHOW, SEG_COUNT };
enum cabin { CABIN_F, CABIN_J, CABIN_W, CABIN_Y, CABIN_COUNT };
enum intent { INTENT_BUSINESS, INTENT_LEISURE, INTENT_VFR, INTENT_COUNT };

struct customer {
	const char *id;             /* required */
	const char *member;         /* loyalty number, e.g. "MP1000001" */
	const char *name;           /* required; UTF-8, any script */
	const char *email;
	const char *phone;          /* E.164, "+13035550101" */
	int32_t birth_date;         /* days since 1970-01-01, or DATE_NONE */
	int32_t member_since;       /* likewise */
	char home_airport[4];       /* IATA, "" if unknown */
	enum tier tier;
	int64_t lifetime_miles;     /* the loyalty system's figures */
	int32_t lifetime_flights;
	int64_t ytd_miles;          /* year-to-date qualifying */
	int32_t ytd_segments;
	enum recognition recognition;
	int64_t version;            /* 0 when the record carries none */
};

struct passenger {
	const char *customer_id;    /* a member, or NULL */
	const char *name;           /* a non-member's name, or NULL */
	enum age_band age_band;
};

struct seat {
	const char *passenger;      /* a customer id (or a non-member's name) */
	const char *seat;           /* "2A" */
};

struct segment {
	const char *id;
	const char *carrier;        /* "UA" */
	const char *flight;         /* "1234" */
	char origin[4], destination[4];
	struct irm_time departure, arrival;   /* arrival.utc 0 and off 0 if unknown */
	bool has_arrival;
	enum cabin cabin;
	char fare_class;            /* letter, or '\0' */
	enum seg_status status;
	int64_t status_at;          /* UTC of the last status change we applied, 0 if none */
	int32_t miles;              /* given, or the great-circle distance */
	struct seat *seats;
	size_t n_seats;
};

struct hotel_stay {
	const char *name;
	int stars;                  /* 1..5, 0 if unknown */
	int nights;
};

struct trip {
	const char *id;
	const char *pnr;
	struct irm_time booked_at;
	bool has_booked_at;
	enum channel channel;
	const char *corporate_code;
	struct passenger *passengers;
	size_t n_passengers;
	struct segment *segments;
	size_t n_segments;
	struct hotel_stay *hotels;
	size_t n_hotels;
	int64_t version;            /* 0 when the record carries none */
};

struct segment_status {
	const char *segment_id;
	enum seg_status status;
	struct irm_time at;
	bool has_at;
};

struct arena;
/* Deep copies into an arena: every string and array the record points to. */
void model_customer_copy(struct arena *a, struct customer *dst, const struct customer *src);
void model_trip_copy(struct arena *a, struct trip *dst, const struct trip *src);

/* Names as on the wire ("platinum" is accepted as "Platinum" on input). */
const char *model_tier_name(enum tier t);              /* "Platinum" */
const char *model_recognition_name(enum recognition r);/* "public" */
const char *model_channel_name(enum channel c);        /* "call_center" */
const char *model_age_band_name(enum age_band a);      /* "child" */
const char *model_seg_status_name(enum seg_status s);  /* "no_show" */
char model_cabin_letter(enum cabin c);                 /* 'J' */
const char *model_intent_name(enum intent i);          /* "vfr" */
/* Parsers: true and *out set when s names a value; case-insensitive. */
bool model_tier_parse(const char *s, enum tier *out);
bool model_recognition_parse(const char *s, enum recognition *out);
bool model_channel_parse(const char *s, enum channel *out);
bool model_age_band_parse(const char *s, enum age_band *out);
bool model_seg_status_parse(const char *s, enum seg_status *out);
bool model_cabin_parse(const char *s, enum cabin *out);
bool model_intent_parse(const char *s, enum intent *out);

#endif
