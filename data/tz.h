/* tz.h — UTC offsets of IANA time zones, read from the system's zoneinfo
 * (TZif files under $TZDIR or /usr/share/zoneinfo). Zones are loaded once
 * and kept for the life of the process. */
#ifndef IRM_TZ_H
#define IRM_TZ_H

#include <stdbool.h>
#include <stdint.h>

/* The offset in minutes east of UTC of `zone` at the instant `utc`; false if
 * the zone is unknown or its file unreadable. */
bool tz_offset(const char *zone, int64_t utc, int32_t *off_min);
/* Release every loaded zone. */
void tz_free_all(void);

#endif
