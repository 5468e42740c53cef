/* clock.h — the one clock of the program.
 *
 * IRM_NOW=2026-11-22T09:00:00Z pins it, so every answer that depends on the
 * time (today, upcoming or recent, due times) can be tested. */
#ifndef IRM_CLOCK_H
#define IRM_CLOCK_H

#include <stdint.h>

#include "status.h"

/* Read IRM_NOW if set; a malformed value is a usage error. */
enum irm_status clock_init(struct irm_err *e);
/* Seconds since the epoch, UTC: pinned, or the system's. */
int64_t clock_now(void);
/* Pin the clock (tests and benchmarks). */
void clock_pin(int64_t utc);

#endif
