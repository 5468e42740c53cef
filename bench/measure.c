/* measure.c — the bench's clock, percentiles and figure lines. */
#include "measure.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

double measure_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double measure_pct(double *v, size_t n, double p)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i];
}

void measure_row(const char *what, const char *value, const char *target)
{
	printf("  %-44s %-22s %s\n", what, value, target);
}
