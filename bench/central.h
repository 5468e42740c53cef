/* central.h — the bench's `central` section: the real irm-central on a
 * demo store, measured over loopback with libcurl (bench/central.c). */
#ifndef IRM_BENCH_CENTRAL_H
#define IRM_BENCH_CENTRAL_H

#include <stdbool.h>

struct central_opts {
	const char *bin;            /* the irm-central binary */
	const char *dir;            /* where its store and files are kept: build/bench */
	long customers;             /* the demo store's size: 100000 */
	bool reuse;                 /* keep a store made by an earlier run */
};

/* Make (or reuse) the store, start the server, print each figure beside
 * its target, stop the server. Timing is never judged: 0 when the section
 * ran, 1 when it could not be run at all. */
int central_bench(const struct central_opts *o);

#endif
