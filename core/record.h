/* record.h — the JSON record shapes of the spec, in and out.
 *
 * One line of `irm import`, one element of a `POST /v1/events` body:
 * {"kind":"customer"|"trip"|"segment_status","data":{…}}. Parsing is strict:
 * a wrong type, a missing required field, an impossible date, an unknown
 * airport or invalid UTF-8 is an IRM_EINPUT error whose message starts with
 * the field ("segments[0].origin: unknown airport 'XXX'"); the caller puts
 * FILE:LINE in front. Unknown fields are ignored; a null counts as absent.
 * Names (customer, passenger, hotel, seat keys) are stored with the ASCII
 * white space at both ends trimmed; pnr, carrier, fare_class and seats are
 * stored upper-cased. */
#ifndef IRM_RECORD_H
#define IRM_RECORD_H

#include <jansson.h>
#include <stddef.h>

#include "mem.h"
#include "model.h"
#include "status.h"

enum record_kind { RECORD_CUSTOMER, RECORD_TRIP, RECORD_SEGMENT_STATUS, RECORD_DELETE };

/* {"kind":"delete","data":{"kind":"customer"|"trip","id":…}}: the row is
 * gone from the source (a booking purged, a customer erased), with
 * everything that hangs from it. */
struct record_delete {
	enum record_kind of;        /* RECORD_CUSTOMER or RECORD_TRIP */
	const char *id;
};

struct record {
	enum record_kind kind;
	union {
		struct customer customer;
		struct trip trip;
		struct segment_status status;
		struct record_delete del;
	} u;
};

/* Parse one line (len bytes, need not be NUL-terminated). Every string of rec
 * is allocated in `a`. Segment miles absent from the input are filled with
 * the great-circle distance between the airports. */
enum irm_status record_parse(const char *line, size_t len, struct arena *a,
			     struct record *rec, struct irm_err *e);
/* The same from an already parsed {"kind":…,"data":…} object. */
enum irm_status record_from_json(const json_t *obj, struct arena *a,
				 struct record *rec, struct irm_err *e);

struct jsonw;
/* The members of each kind's `data` object, written straight as text
 * (inside an object the caller opened, so it can add members of its own). */
void record_write_customer(struct jsonw *w, const struct customer *c);
void record_write_trip(struct jsonw *w, const struct trip *t);
void record_write_segment(struct jsonw *w, const struct segment *s);
void record_write_status(struct jsonw *w, const struct segment_status *s);

/* The `data` object of each kind, with the spec's field names; new
 * references. Absent optional fields are left out. */
json_t *record_customer_json(const struct customer *c);
json_t *record_trip_json(const struct trip *t);
json_t *record_segment_json(const struct segment *s);
json_t *record_status_json(const struct segment_status *s);
/* The whole record, {"kind":…,"data":…}; a new reference. */
json_t *record_json(const struct record *r);
/* "customer", "trip", "segment_status", "delete". */
const char *record_kind_name(enum record_kind k);
/* {"kind":KIND,"data":DATA}, stealing data. */
json_t *record_wrap(const char *kind, json_t *data);

#endif
