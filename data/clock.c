/* clock.c — the one clock of the program: the system's, or pinned by
 * IRM_NOW (or clock_pin()) so time-dependent answers can be tested.
 *
 * State: whether the clock is pinned and to what, for the whole process. */
#include "clock.h"

#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "date.h"
#include "utf8.h"

static bool pinned;
static int64_t pinned_utc;

enum irm_status clock_init(struct irm_err *e)
{
	const char *v = getenv("IRM_NOW");
	struct irm_time t;

	/* Unset or empty: the system clock. */
	if (!v || v[0] == '\0') {
		pinned = false;
		return IRM_OK;
	}
	if (!date_parse_time(v, &t)) {
		char shown[160];

		utf8_sanitize_into(v, shown, sizeof shown);
		return err_set(e, IRM_EUSAGE, "IRM_NOW: not an ISO 8601 time with offset: '%s'",
			       shown);
	}
	clock_pin(t.utc);
	return IRM_OK;
}

int64_t clock_now(void)
{
	return pinned ? pinned_utc : (int64_t)time(NULL);
}

void clock_pin(int64_t utc)
{
	pinned = true;
	pinned_utc = utc;
}
