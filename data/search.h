/* search.h — the one query box.
 *
 * Finds customers by name (any script, accents and case ignored, each word a
 * prefix while typing, typo-tolerant when nothing matches as typed), member
 * number, email, phone in any common format, and booking reference. Best
 * match first. */
#ifndef IRM_SEARCH_H
#define IRM_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "mem.h"
#include "model.h"

enum search_match { MATCH_NAME, MATCH_NAME_PREFIX, MATCH_NAME_TYPO, MATCH_MEMBER,
		    MATCH_EMAIL, MATCH_PHONE, MATCH_PNR };

struct search_hit {
	const char *id, *member, *name, *email, *phone;  /* in the result's arena */
	char home_airport[4];
	enum tier tier;
	int64_t lifetime_miles;
	int alerts;                 /* alerts waiting for someone: projected, pending, acknowledged */
	enum search_match match;    /* how it was found */
	int score;                  /* higher is better */
};

struct search_result {
	struct search_hit *hits;
	size_t n;
	struct arena arena;
};

enum irm_status search_run(struct cache *c, const char *query, size_t limit,
			   struct search_result *out, struct irm_err *e);
void search_result_free(struct search_result *r);
/* After a bulk load (CACHE_BULK skips the name index): build it for every
 * customer at once. */
enum irm_status search_rebuild(struct cache *c, struct irm_err *e);
const char *search_match_name(enum search_match m);

#endif
