/* tier.h — status tiers by year-to-date qualifying miles or segments. */
#ifndef IRM_TIER_H
#define IRM_TIER_H

#include <stdint.h>

#include "model.h"

/* The thresholds to reach each tier; index TIER_MEMBER is 0/0. */
struct tier_rules {
	int64_t miles[TIER_COUNT];
	int32_t segments[TIER_COUNT];
};

/* Defaults: Silver 25,000 mi or 30 segments, Gold 50,000/60,
 * Platinum 75,000/90, Diamond 125,000/140. */
extern const struct tier_rules tier_default_rules;

/* The tier earned by these year-to-date figures: the higher of what the
 * miles and what the segments reach. r NULL means tier_default_rules (here
 * and below). */
enum tier tier_earned(const struct tier_rules *r, int64_t ytd_miles, int32_t ytd_segments);

/* What the next tier above `current` takes: fills the tier and the miles and
 * segments still to go (never negative; reaching either is enough). Returns
 * 0 at the top tier (next = current, both to go 0), else 1. Any output
 * pointer may be NULL. */
int tier_next(const struct tier_rules *r, enum tier current, int64_t ytd_miles,
	      int32_t ytd_segments, enum tier *next, int64_t *miles_to_go,
	      int32_t *segments_to_go);

#endif
