/* alert.c — the alert lifecycle: names, parsers, the transition table and
 * deterministic alert ids (see alert.h for the table in words). */
#include "alert.h"

#include <inttypes.h>
#include <stdio.h>

static const char *const state_names[ALERT_STATE_COUNT] = {
	"projected", "pending", "acknowledged", "done", "dismissed", "withdrawn",
};
static const char *const action_names[ACTION_COUNT] = {
	"email", "call", "greeting", "gift", "social", "other",
};
static const char *const event_names[ALERT_EV_COUNT] = {
	"project", "cross", "withdraw", "ack", "done", "dismiss", "assign",
};
/* What an event does to an alert, as the end of "it cannot be …". */
static const char *const event_verbs[ALERT_EV_COUNT] = {
	"projected again", "crossed again", "withdrawn", "acknowledged", "marked done",
	"dismissed", "assigned",
};

/* The table: allowed[from][event] is the state after, or -1. */
#define P ALERT_PROJECTED
#define N ALERT_PENDING
#define A ALERT_ACKNOWLEDGED
#define D ALERT_DONE
#define X ALERT_DISMISSED
#define W ALERT_WITHDRAWN
static const signed char allowed[ALERT_STATE_COUNT][ALERT_EV_COUNT] = {
	/*               project cross withdraw ack done dismiss assign */
	[ALERT_PROJECTED]    = { P,  N,  W,  A,  D,  X,  P },
	[ALERT_PENDING]      = { -1, -1, -1, A,  D,  X,  N },
	[ALERT_ACKNOWLEDGED] = { -1, -1, -1, -1, D,  X,  A },
	[ALERT_DONE]         = { -1, -1, -1, -1, -1, -1, -1 },
	[ALERT_DISMISSED]    = { -1, -1, -1, -1, -1, -1, -1 },
	[ALERT_WITHDRAWN]    = { P,  N,  -1, -1, -1, -1, -1 },
};
#undef P
#undef N
#undef A
#undef D
#undef X
#undef W

/* ASCII only: the result must not depend on the locale. */
static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int find(const char *s, const char *const *names, int n)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *a = s, *b = names[i];
		for (; *a && *b && lower(*a) == *b; a++, b++)
			;
		if (!*a && !*b)
			return i;
	}
	return -1;
}

const char *alert_state_name(enum alert_state s)
{
	return (unsigned)s < ALERT_STATE_COUNT ? state_names[s] : "?";
}

bool alert_state_parse(const char *s, enum alert_state *out)
{
	int i = find(s, state_names, ALERT_STATE_COUNT);
	if (i < 0)
		return false;
	*out = (enum alert_state)i;
	return true;
}

const char *alert_action_name(enum alert_action a)
{
	return (unsigned)a < ACTION_COUNT ? action_names[a] : "?";
}

bool alert_action_parse(const char *s, enum alert_action *out)
{
	int i = find(s, action_names, ACTION_COUNT);
	if (i < 0)
		return false;
	*out = (enum alert_action)i;
	return true;
}

const char *alert_event_name(enum alert_event ev)
{
	return (unsigned)ev < ALERT_EV_COUNT ? event_names[ev] : "?";
}

bool alert_state_open(enum alert_state s)
{
	return s == ALERT_PROJECTED || s == ALERT_PENDING || s == ALERT_ACKNOWLEDGED;
}

/* Why `ev` is refused in state `from`, in words. */
static enum irm_status refuse(enum alert_state from, enum alert_event ev, struct irm_err *e)
{
	const char *state = state_names[from], *verb = event_verbs[ev];

	switch (from) {
	case ALERT_DONE:
	case ALERT_DISMISSED:
		return err_set(e, IRM_EINPUT, "alert is %s already: it cannot be %s", state, verb);
	case ALERT_WITHDRAWN:
		return err_set(e, IRM_EINPUT, "alert was withdrawn (no booked leg crosses its "
			       "threshold now): it cannot be %s", ev == ALERT_EV_WITHDRAW ? "withdrawn again" : verb);
	case ALERT_PROJECTED:
	case ALERT_PENDING:
	case ALERT_ACKNOWLEDGED:
	case ALERT_STATE_COUNT:
		break;
	}
	switch (ev) {
	case ALERT_EV_WITHDRAW:
		return err_set(e, IRM_EINPUT, "alert is %s: only a projected alert can be withdrawn",
			       state);
	case ALERT_EV_PROJECT:
	case ALERT_EV_CROSS:
		return err_set(e, IRM_EINPUT, "alert is %s: its threshold is crossed already, it "
			       "cannot be %s", state, verb);
	case ALERT_EV_ACK:
		return err_set(e, IRM_EINPUT, "alert is %s already", state);
	case ALERT_EV_DONE:
	case ALERT_EV_DISMISS:
	case ALERT_EV_ASSIGN:
	case ALERT_EV_COUNT:
		break;
	}
	return err_set(e, IRM_EINPUT, "alert is %s: it cannot be %s", state, verb);
}

enum irm_status alert_transition(enum alert_state from, enum alert_event ev,
				 enum alert_state *to, struct irm_err *e)
{
	if ((unsigned)from >= ALERT_STATE_COUNT)
		return err_set(e, IRM_EINPUT, "unknown alert state %d", (int)from);
	if ((unsigned)ev >= ALERT_EV_COUNT)
		return err_set(e, IRM_EINPUT, "unknown alert event %d", (int)ev);
	int next = allowed[from][ev];
	if (next < 0)
		return refuse(from, ev, e);
	*to = (enum alert_state)next;
	return IRM_OK;
}

enum irm_status alert_create(enum alert_event ev, enum alert_state *to, struct irm_err *e)
{
	switch (ev) {
	case ALERT_EV_PROJECT:
		*to = ALERT_PROJECTED;
		return IRM_OK;
	case ALERT_EV_CROSS:
		*to = ALERT_PENDING;
		return IRM_OK;
	case ALERT_EV_WITHDRAW:
	case ALERT_EV_ACK:
	case ALERT_EV_DONE:
	case ALERT_EV_DISMISS:
	case ALERT_EV_ASSIGN:
		return err_set(e, IRM_EINPUT, "no such alert: it cannot be %s",
			       ev == ALERT_EV_WITHDRAW ? "withdrawn" : event_verbs[ev]);
	case ALERT_EV_COUNT:
		break;
	}
	return err_set(e, IRM_EINPUT, "unknown alert event %d", (int)ev);
}

size_t alert_make_id(char *buf, size_t size, const char *customer_id, const char *rule,
		     int64_t threshold)
{
	int n;

	if (!buf || size == 0 || !customer_id || !rule || !*customer_id || !*rule)
		return 0;
	if (threshold < 0)
		n = snprintf(buf, size, "A-%s-%s", customer_id, rule);
	else
		n = snprintf(buf, size, "A-%s-%s-%" PRId64, customer_id, rule, threshold);
	if (n < 0 || (size_t)n >= size) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n;
}
