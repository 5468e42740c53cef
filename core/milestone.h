/* milestone.h — the milestone engine: which recognition alerts hold for a
 * customer, given their segments and the rules (core/rules.h).
 *
 * A threshold crossed on a flown leg gives a `pending` alert (marked `late`
 * when the leg is older than rules.lookback_days); one that a booked
 * leg will cross gives a `projected` alert naming that leg. The engine is a
 * pure function: it says what should hold now; data/alerts.c compares that
 * with what is stored and applies the transitions (project, cross,
 * withdraw), so running it twice, or on events out of order, changes
 * nothing more than running it once. */
#ifndef IRM_MILESTONE_H
#define IRM_MILESTONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "model.h"
#include "rules.h"

struct milestone_alert {
	char id[96];                /* alert_make_id(customer, rule, threshold) */
	const struct rule *rule;    /* points into the rules given */
	int64_t threshold;          /* -1 for rules without one */
	enum alert_state state;     /* ALERT_PROJECTED or ALERT_PENDING */
	bool late;                  /* crossed longer ago than rules.lookback_days:
				     * raises nothing new, but an alert already
				     * projected onto that leg follows it */
	const struct segment *segment;  /* the leg that crosses (points into trips) */
	const struct trip *trip;
	int64_t due_utc;            /* when someone must have acted */
	char title[160];
	char message[600];          /* the rule's template, filled in */
};

/* Evaluate every rule for one customer. trips may come in any order; the
 * engine orders the legs by departure. Writes at most `cap` alerts and
 * returns how many hold (which may be more than cap). */
size_t milestone_evaluate(const struct rules *r, const struct customer *cu,
			  const struct trip *trips, size_t n_trips, int64_t now,
			  struct milestone_alert *out, size_t cap);

#endif
