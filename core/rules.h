/* rules.h — the milestone rules: what counts, which thresholds, what to say,
 * how soon to act. Defaults are the spec's; [milestone NAME] sections of
 * irm.conf change them (man irm.conf(5)). */
#ifndef IRM_RULES_H
#define IRM_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "tier.h"

enum rule_kind {
	RULE_LIFETIME_MILES,    /* thresholds of lifetime flown miles */
	RULE_FLIGHTS,           /* the Nth flight */
	RULE_TIER,              /* a tier upgrade earned; threshold YEAR*10 + tier */
	RULE_ANNIVERSARY,       /* years of membership, flown on or near the day */
	RULE_BIRTHDAY,          /* flying on one's birthday (local date at the origin) */
	RULE_FIRST_INTERNATIONAL,
	RULE_FIRST_PREMIUM,     /* first flight in F or J */
	RULE_KIND_COUNT
};

enum { RULE_THRESHOLDS_MAX = 32, RULES_MAX = 16, CARRIERS_MAX = 16 };

struct rule {
	char name[32];          /* "lifetime_miles": the section is [milestone NAME] */
	enum rule_kind kind;
	bool enabled;
	int priority;           /* 1 (highest) … 5 */
	char title[160];        /* template: {threshold} {name} {first_name} {flight} */
	char message[600];      /*   {route} {date} {years} {tier} */
	int64_t thresholds[RULE_THRESHOLDS_MAX];
	size_t n_thresholds;
	int64_t every;          /* after the last threshold, every N more (0: no) */
	int32_t due_hours;      /* time to act, from the crossing (or departure) */
	bool auto_send;         /* may be sent without a person */
};

struct rules {
	struct rule v[RULES_MAX];
	size_t n;
	/* Which legs count: flown legs of these carriers ("UA"); none listed
	 * means every carrier. */
	char carriers[CARRIERS_MAX][4];
	size_t n_carriers;
	int lookback_days;      /* a crossing older than this raises nothing */
	struct tier_rules tiers;
};

void rules_default(struct rules *r);
/* Apply the [milestones] and [milestone NAME] sections of c. */
enum irm_status rules_configure(struct rules *r, struct conf *c, struct irm_err *e);
const struct rule *rules_find(const struct rules *r, const char *name);
/* The first threshold of u above `value` (the listed ones, then every
 * `every`), or -1 when there is none. */
int64_t rules_next_threshold(const struct rule *u, int64_t value);
/* Whether a leg of this carrier counts towards miles and flights. */
bool rules_carrier_counts(const struct rules *r, const char *carrier);
const char *rules_kind_name(enum rule_kind k);

#endif
