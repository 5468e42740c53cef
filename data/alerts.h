/* alerts.h — recognition alerts in the cache: keeping them in line with
 * what the milestone engine says holds, acting on them (each action with
 * its history row and its outbox row, in one transaction), listing
 * them with their legs and histories, and counting them for the
 * supervisor's queue.
 *
 * Every change goes through alert_transition() (core/alert.h), so the
 * cache never holds a state the lifecycle does not allow. */
#ifndef IRM_ALERTS_H
#define IRM_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "alert.h"
#include "cache.h"
#include "date.h"
#include "mem.h"
#include "milestone.h"

/* Who the engine's changes are recorded as in an alert's history. */
#define ALERTS_ENGINE_WHO "irm"

/* Bring the stored alerts of one customer in line with `held`, the
 * engine's answer (milestone_evaluate) for that customer:
 *   - an alert not stored yet is added, projected or pending;
 *   - a projected alert the engine now sees crossed becomes pending;
 *   - a projected alert now projected onto another leg moves there
 *     (history note "moved to UA1240 DEN→SEA 2026-11-23");
 *   - a projected alert the engine no longer holds is withdrawn;
 *   - a withdrawn alert the engine holds again comes back;
 *   - an alert a person has acted on (acknowledged, done, dismissed), or
 *     a pending one, is left as it is: people own it now.
 * Title, message, due time and priority of a projected alert follow the
 * engine (a re-timed leg) without a history row. Every state change is
 * recorded as ALERTS_ENGINE_WHO at `now`. Idempotent: a second call with
 * the same answer changes nothing. Runs inside the caller's transaction
 * (it neither begins nor commits). */
enum irm_status alerts_sync(struct cache *c, const char *customer_id,
			    const struct milestone_alert *held, size_t n, int64_t now,
			    struct irm_err *e);

/* What alerts_act did, or why it did not. */
struct alert_act_result {
	enum alert_state from, to;
	int64_t outbox_seq;         /* the action's number in the outbox */
	/* Set when the alert was closed already (the call returned
	 * IRM_EINPUT): who closed it, when, and how. */
	bool closed_already;
	enum alert_state closed_state;  /* done or dismissed */
	char closed_by[128];
	int64_t closed_at;
	char closed_how[256];       /* the action ("greeting") or the reason */
};

/* A person acts on an alert: ALERT_EV_ACK, _DONE (with `action`; `text` an
 * optional note), _DISMISS (`text` the reason, required) or _ASSIGN
 * (`assignee` required; `text` an optional note). In one transaction
 * (BEGIN IMMEDIATE … COMMIT): the transition, the history row (who, now,
 * from, to, note) and an outbox row ("alert.ack", "alert.done",
 * "alert.dismiss", "alert.assign") whose body is the action as JSON. An
 * acknowledgement makes `who` the owner (assigned_to).
 *
 * IRM_ENOTFOUND: no such alert. IRM_EINPUT: the lifecycle does not allow
 * it; when the alert is done or dismissed already, the message (and res)
 * say by whom, when and how: the first of two completions wins, the second
 * is told "already done by ana at 2026-11-22T09:14:00Z (greeting)".
 * IRM_EUSAGE: an engine event, a missing reason or assignee, empty or
 * invalid UTF-8 text. Must not be called inside another transaction. res
 * may be NULL. */
enum irm_status alerts_act(struct cache *c, const char *alert_id, enum alert_event ev,
			   const char *who, enum alert_action action, const char *text,
			   const char *assignee, int64_t now, struct alert_act_result *res,
			   struct irm_err *e);

/* The same inside the caller's transaction (which it neither begins nor
 * commits): what a central store uses to apply a console's action together
 * with the record of its result. */
enum irm_status alerts_act_tx(struct cache *c, const char *alert_id, enum alert_event ev,
			      const char *who, enum alert_action action, const char *text,
			      const char *assignee, int64_t now, struct alert_act_result *res,
			      struct irm_err *e);

/* The order of alerts_list. DUE: by due time (undated last), then
 * priority, then id. AGE: oldest first (created), then id. PRIORITY: by
 * priority (1 highest), then as DUE. */
enum alert_order { ALERT_ORDER_DUE, ALERT_ORDER_AGE, ALERT_ORDER_PRIORITY, ALERT_ORDER_COUNT };

/* "due", "age", "priority"; "?" when out of range. */
const char *alert_order_name(enum alert_order o);
/* The order by name, in any case; false when there is none by that name. */
bool alert_order_parse(const char *s, enum alert_order *out);

/* Which alerts alerts_list returns, and how; a zeroed filter means every
 * alert, by due time, with its history. */
struct alert_filter {
	unsigned states;            /* bit (1u << state) per wanted state; 0: any */
	const char *id;             /* one alert, or NULL */
	const char *customer;       /* a customer id or member number, or NULL */
	const char *flight;         /* carrier and number of the leg, "UA1234", or NULL */
	bool has_date;
	int32_t date;               /* local departure date of the leg (date.h days) */
	const char *kind;           /* the rule's name ("lifetime_miles"), or NULL */
	const char *station;        /* IATA code of the leg's origin ("DEN", any case), or
				     * NULL; an alert whose leg is not in the cache never
				     * matches a station. The origin is the one the alert
				     * was written with (alerts_sync keeps it in step
				     * with its leg) */
	const char *assignee;       /* the owner (assigned_to); "": unassigned only; NULL: any */
	enum alert_order order;
	bool no_history;            /* leave history NULL and n_history 0 */
	size_t limit;               /* at most this many; 0: no limit */
};

/* The open states, as a filter's `states`. */
#define ALERT_STATES_OPEN \
	((1u << ALERT_PROJECTED) | (1u << ALERT_PENDING) | (1u << ALERT_ACKNOWLEDGED))

struct alert_history_entry {
	const char *who;
	int64_t at_utc;
	bool has_from;              /* false for the row that created the alert */
	enum alert_state from, to;
	const char *note;           /* or NULL */
};

/* The leg an alert names. Only `id` is set when the segment is not in the
 * cache (known false). */
struct alert_leg {
	const char *id;
	bool known;
	const char *carrier, *flight;   /* either may be NULL */
	char origin[4], destination[4];
	struct irm_time departure;
};

struct alert_item {
	const char *id, *customer_id;
	const char *customer_name;  /* NULL when the customer is not in the cache */
	const char *kind;           /* the rule's name: "lifetime_miles" */
	int64_t threshold;          /* -1 when the rule has none */
	enum alert_state state;
	bool has_segment;
	struct alert_leg segment;
	const char *title, *message;    /* either may be NULL */
	int priority;               /* 1 highest */
	bool has_due;
	int64_t due_utc;
	const char *assigned_to;    /* or NULL */
	bool has_action;            /* done: the action taken */
	enum alert_action action;
	const char *reason;         /* dismissed: why; else NULL */
	int64_t created_utc, updated_utc;
	struct alert_history_entry *history;    /* oldest first */
	size_t n_history;
};

struct alert_list {
	struct alert_item *v;       /* in the filter's order */
	size_t n;
	struct arena arena;         /* owns everything above */
};

/* The alerts that pass f, in f's order. A customer filter that names no
 * customer in the cache is IRM_ENOTFOUND, an order that is none
 * IRM_EUSAGE; otherwise an empty list is IRM_OK. */
enum irm_status alerts_list(struct cache *c, const struct alert_filter *f,
			    struct alert_list *out, struct irm_err *e);
void alerts_list_free(struct alert_list *l);

/* One alert as JSON, the shape of `irm alerts --json` and of an alert in
 * irm-central's changes feed; a new reference. */
json_t *alerts_item_json(const struct alert_item *a);

/* How many alerts there are in each state, and how many open ones are
 * late or about to be. */
struct alert_counts {
	long state[ALERT_STATE_COUNT];
	long overdue;               /* open, due before now */
	long due_soon;              /* open, due in [now, now + soon_seconds) */
};

/* Counts of the alerts that pass f (NULL: every alert); f's states,
 * order, limit and no_history do not apply: every state is counted.
 * "Open" is projected, pending or acknowledged. A customer filter that
 * names no customer in the cache is IRM_ENOTFOUND. */
enum irm_status alerts_count(struct cache *c, const struct alert_filter *f, int64_t now,
			     int64_t soon_seconds, struct alert_counts *out, struct irm_err *e);

/* How the queue is moving, from the alerts' histories: created[i] the
 * alerts created and done[i] the alerts marked done in hour i of the
 * `hours` hours up to now (1 to ALERTS_ACTIVITY_MAX_HOURS). Hour
 * hours-1 is (now - 3600, now], hour hours-2 the one before it, and so
 * on; hour 0 the oldest. Either array may be NULL; each has `hours`
 * elements, all set. IRM_EUSAGE for hours out of range. */
enum { ALERTS_ACTIVITY_MAX_HOURS = 24 * 366 };
enum irm_status alerts_activity(struct cache *c, int64_t now, int hours, long *created,
				long *done, struct irm_err *e);

#endif
