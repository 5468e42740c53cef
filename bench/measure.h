/* measure.h — what the bench's sections share: a clock, percentiles, and
 * the one line each figure is printed on, beside its target. */
#ifndef IRM_BENCH_MEASURE_H
#define IRM_BENCH_MEASURE_H

#include <stddef.h>

/* Seconds on the monotonic clock. */
double measure_now(void);
/* The p-th fraction of v[0..n) (sorted in place); 0 when n is 0. */
double measure_pct(double *v, size_t n, double p);
/* "  what   value   target" in the bench's columns. */
void measure_row(const char *what, const char *value, const char *target);

#endif
