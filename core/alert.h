/* alert.h — the alert lifecycle: states, actions, and the one table of
 * transitions every writer of alerts goes through.
 *
 *   event      from                                  to
 *   project    (new), projected (the leg moved),     projected
 *              withdrawn (a leg crosses again)
 *   cross      (new), projected, withdrawn           pending
 *   withdraw   projected                             withdrawn
 *   ack        projected, pending                    acknowledged
 *   done       projected, pending, acknowledged      done (with an action)
 *   dismiss    projected, pending, acknowledged      dismissed (with a reason)
 *   assign     projected, pending, acknowledged      the same state, a new owner
 *
 * Everything else is refused in words. The engine sends project, cross and
 * withdraw; people send ack, done, dismiss and assign. A projected alert may
 * be acted on early (a greeting at the gate before the flight). Once a
 * person has acted the engine no longer changes the state. A withdrawn
 * alert comes back when a leg crosses its threshold again: the id is the
 * same, so it is the same alert.
 *
 * An alert is one per (customer, rule, threshold): its id says which. */
#ifndef IRM_ALERT_H
#define IRM_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

enum alert_state {
	ALERT_PROJECTED, ALERT_PENDING, ALERT_ACKNOWLEDGED, ALERT_DONE, ALERT_DISMISSED,
	ALERT_WITHDRAWN, ALERT_STATE_COUNT
};

enum alert_action {
	ACTION_EMAIL, ACTION_CALL, ACTION_GREETING, ACTION_GIFT, ACTION_SOCIAL, ACTION_OTHER,
	ACTION_COUNT
};

/* What happens to an alert. The engine sends PROJECT, CROSS and WITHDRAW;
 * people send ACK, DONE, DISMISS and ASSIGN. */
enum alert_event {
	ALERT_EV_PROJECT,   /* a booked leg will cross the threshold */
	ALERT_EV_CROSS,     /* the leg was flown: the threshold is crossed */
	ALERT_EV_WITHDRAW,  /* the projecting leg was cancelled and no other crosses */
	ALERT_EV_ACK,
	ALERT_EV_DONE,
	ALERT_EV_DISMISS,
	ALERT_EV_ASSIGN,    /* changes the owner, not the state */
	ALERT_EV_COUNT
};

const char *alert_state_name(enum alert_state s);     /* "acknowledged" */
bool alert_state_parse(const char *s, enum alert_state *out);
const char *alert_action_name(enum alert_action a);   /* "greeting" */
bool alert_action_parse(const char *s, enum alert_action *out);
const char *alert_event_name(enum alert_event ev);    /* "ack" */
/* Open: someone may still have to act (projected, pending, acknowledged). */
bool alert_state_open(enum alert_state s);

/* The state after `ev` in state `from`. IRM_OK and *to set when allowed;
 * otherwise IRM_EINPUT with a message that says why in words ("alert is
 * done already: it cannot be acknowledged"). ASSIGN keeps the state and is
 * allowed while the alert is open. */
enum irm_status alert_transition(enum alert_state from, enum alert_event ev,
				 enum alert_state *to, struct irm_err *e);
/* The state of an alert the engine raises for the first time: project gives
 * projected, cross gives pending. Any other event names an alert that does
 * not exist yet: IRM_EINPUT. */
enum irm_status alert_create(enum alert_event ev, enum alert_state *to, struct irm_err *e);

/* The deterministic id of (customer, rule, threshold), e.g.
 * "A-C1-lifetime_miles-1000000"; threshold < 0 is left out (rules without
 * one: "A-C1-first_premium"). Returns the length written, or 0 if it did
 * not fit. */
size_t alert_make_id(char *buf, size_t size, const char *customer_id, const char *rule,
		     int64_t threshold);

#endif
