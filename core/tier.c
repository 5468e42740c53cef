/* tier.c — which status tier year-to-date miles or segments earn, and what
 * the next one takes. */
#include "tier.h"

const struct tier_rules tier_default_rules = {
	.miles = { 0, 25000, 50000, 75000, 125000 },
	.segments = { 0, 30, 60, 90, 140 },
};

enum tier tier_earned(const struct tier_rules *r, int64_t ytd_miles, int32_t ytd_segments)
{
	enum tier best = TIER_MEMBER;

	if (!r)
		r = &tier_default_rules;
	for (int t = TIER_SILVER; t < TIER_COUNT; t++)
		if (ytd_miles >= r->miles[t] || ytd_segments >= r->segments[t])
			best = (enum tier)t;
	return best;
}

int tier_next(const struct tier_rules *r, enum tier current, int64_t ytd_miles,
	      int32_t ytd_segments, enum tier *next, int64_t *miles_to_go,
	      int32_t *segments_to_go)
{
	int64_t m = 0;
	int32_t s = 0;
	int n;

	if (!r)
		r = &tier_default_rules;
	if ((int)current < TIER_MEMBER || (int)current >= TIER_DIAMOND) {
		if (next)
			*next = current;
		if (miles_to_go)
			*miles_to_go = 0;
		if (segments_to_go)
			*segments_to_go = 0;
		return 0;
	}
	n = (int)current + 1;
	if (ytd_miles < r->miles[n])
		m = r->miles[n] - ytd_miles;
	if (ytd_segments < r->segments[n])
		s = r->segments[n] - ytd_segments;
	if (next)
		*next = (enum tier)n;
	if (miles_to_go)
		*miles_to_go = m;
	if (segments_to_go)
		*segments_to_go = s;
	return 1;
}
