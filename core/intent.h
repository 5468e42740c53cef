/* intent.h — why a trip is made (business, leisure, visiting friends and
 * relatives) and with whom (solo, couple, family, colleagues, group),
 * inferred from the trip and the customer's whole history; and what the
 * customer chooses when travelling for each reason (profile by intent).
 *
 * The model is linear: each feature of a trip that holds adds its weight to
 * the score of one intent (a negative weight takes from it); the scores go
 * through a softmax to become probabilities. The label is the most likely
 * intent, the confidence its probability, and the reasons are the three
 * features that did most for the label, in words. Pure and deterministic:
 * the same trips and weights give the same answer, byte for byte.
 *
 * Where a trip goes: the airport of its longest stop (the longest gap
 * between a leg's arrival and the next leg's departure, when the trip comes
 * back or that gap is 4 hours or more), else the last leg's destination (a
 * one-way trip); a one-way trip that ends at the customer's home airport is
 * the way back from where it began. Nights away are counted in local dates
 * at that airport, and a Saturday night is a night that begins on a local
 * Saturday there. Resort airports are a list in intent.c; other large
 * airports are hubs, medium ones smaller airports (core/airports.h). */
#ifndef IRM_INTENT_H
#define IRM_INTENT_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "model.h"
#include "status.h"

/* X(name, default, what it rewards or penalises). The weights were set
 * from what each kind of trip is known to look like — business: booked a
 * few days ahead, midweek, no Saturday night, corporate, full fare or
 * business cabin, to a hub; leisure: booked months ahead, over a weekend,
 * with family, to a resort; visiting friends and relatives: repeated stays
 * of several nights at the same, often smaller, airport, with no hotel or
 * a cheap one — as rough log-odds, and checked, not fitted, on demo data.
 * Each is the key of the same name in the [intent] section of irm.conf. */
#define INTENT_WEIGHT_LIST(X)                                                              \
	/* base scores */                                                                  \
	X(bias_business,      0.0,  "base score of business")                              \
	X(bias_leisure,       0.0,  "base score of leisure")                               \
	X(bias_vfr,           0.0,  "base score of vfr")                                   \
	/* towards business */                                                             \
	X(short_lead,         2.5,  "business: booked 0-14 days ahead")                    \
	X(no_saturday_night,  2.5,  "business: a return trip with no Saturday night away") \
	X(short_stay,         1.0,  "business: a day trip or 1-2 nights away")             \
	X(midweek_departure,  1.2,  "business: leaves on a Monday, Tuesday or Wednesday")  \
	X(early_departure,    1.5,  "business: leaves before 08:30 local time")            \
	X(premium_cabin,      2.0,  "business: business or first cabin (J, F)")           \
	X(full_fare,          1.0,  "business: a full fare class (Y B M, J C, F A)")       \
	X(discount_fare,     -1.5,  "business: a discount fare class (e.g. K L Q T V)")    \
	X(corporate_code,     3.0,  "business: a corporate code on the booking")           \
	X(corporate_channel,  1.5,  "business: booked through the corporate channel")      \
	X(personal_channel,  -1.0,  "business: booked on the web or in the app")           \
	X(colleagues,         1.5,  "business: the situation is colleagues")               \
	X(hub_destination,    1.0,  "business: a large airport that is no resort")         \
	X(repeat_short_stays, 0.8,  "business: other trips to the same place, 0-2 nights") \
	X(away_start,         0.5,  "business: does not start at the home airport")      \
	/* towards leisure */                                                              \
	X(long_lead,          2.5,  "leisure: booked more than 60 days ahead")             \
	X(long_stay,          1.2,  "leisure: 8-10 nights away; twice this from 11")       \
	X(children,           2.5,  "leisure: children or infants in the party")           \
	X(couple,             0.5,  "leisure: the situation is couple")                    \
	X(solo,              -1.5,  "leisure: travelling alone")                           \
	X(premium_economy,    1.0,  "leisure: premium economy cabin (W)")                  \
	X(resort_destination, 3.0,  "leisure: a resort airport (see intent.c)")            \
	X(midday_departure,   0.5,  "leisure: leaves between 09:00 and 15:00 local time")  \
	/* towards vfr */                                                                  \
	X(weeks_lead,         1.5,  "vfr: booked 15-60 days ahead")                        \
	X(repeat_visits,      3.0,  "vfr: other stays of 3+ nights at the same place, "   \
				    "not a resort (one third per trip, up to three)")      \
	X(smaller_airport,    1.5,  "vfr: a medium-sized airport that is no resort")       \
	X(no_hotel,           1.2,  "vfr: nights away but no hotel")                       \
	X(budget_hotel,       2.5,  "vfr: a 1- or 2-star hotel")                           \
	X(partial_hotel,      1.5,  "vfr: a hotel for fewer nights than the trip")         \
	X(fine_hotel,        -1.5,  "vfr: a 4- or 5-star hotel")

struct intent_weights {
#define INTENT_WEIGHT_FIELD(name, def, doc) double name;
	INTENT_WEIGHT_LIST(INTENT_WEIGHT_FIELD)
#undef INTENT_WEIGHT_FIELD
};

/* The documented defaults above. */
extern const struct intent_weights intent_weights_default;

/* Overrides w's fields from the [intent] section of c (keys as the field
 * names, numbers from -20 to 20); absent keys leave w as it is. A bad value
 * is IRM_EINPUT "FILE:LINE: KEY: reason". */
enum irm_status intent_configure(struct intent_weights *w, struct conf *c, struct irm_err *e);

/* Each weight's name and documentation, in order, for manuals and tests;
 * NULL name past the end. */
struct intent_weight_info {
	const char *name;
	double def;
	const char *doc;
	size_t offset;              /* of the double in struct intent_weights */
};
const struct intent_weight_info *intent_weight_at(size_t i);

enum situation { SIT_SOLO, SIT_COUPLE, SIT_FAMILY, SIT_COLLEAGUES, SIT_GROUP, SIT_COUNT };

/* "solo", "couple", "family", "colleagues", "group". */
const char *intent_situation_name(enum situation s);

/* From a trip's passengers: solo (one), family (any child or infant),
 * colleagues (two or more adults on a corporate code or through the
 * corporate channel), couple (two adults), group (three or more adults). */
enum situation intent_situation(const struct trip *t);

#define INTENT_REASONS 3
#define INTENT_REASON_SIZE 96

struct intent_result {
	double p[INTENT_COUNT];     /* probabilities, summing to 1 */
	enum intent label;          /* the most likely */
	double confidence;          /* p[label] */
	int n_reasons;
	char reasons[INTENT_REASONS][INTENT_REASON_SIZE];  /* plain words, UTF-8 */
	enum situation situation;
};

/* Infers trip `which` of trips[0..n_trips) (the customer's history, any
 * order; it gives repeated trips to the same place). cu may be NULL; its id
 * tells the customer from companions and its home airport where home is. */
void intent_infer(const struct intent_weights *w, const struct customer *cu,
		  const struct trip *trips, size_t n_trips, size_t which,
		  struct intent_result *out);
/* The same for every trip at once (out has n_trips entries): what the
 * trips share is worked out once, so a long history costs little more
 * than its length. */
void intent_infer_all(const struct intent_weights *w, const struct customer *cu,
		      const struct trip *trips, size_t n_trips, struct intent_result *out);

/* What the customer chose when travelling for one intent. The usual choice
 * is the most frequent one; of two as frequent, the one made more recently. */
struct intent_profile {
	int trips;                  /* trips inferred with that intent; 0: the rest is unset */
	enum cabin cabin;           /* the usual cabin of the longest leg */
	int hotel_stars;            /* the usual stars of the hotels taken, 0 if none */
	char companions[64];        /* the usual party: "alone", "with 1 adult",
				     * "with 1 adult and 2 children" */
};

/* From the trips and their results (res[i] is trips[i]'s). */
void intent_profile_build(const struct customer *cu, const struct trip *trips, size_t n_trips,
			  const struct intent_result *res,
			  struct intent_profile out[INTENT_COUNT]);

#endif
