/* faults.h — faults injected on purpose, for testing clients: never on
 * unless asked for (--faults SPEC or $IRM_CENTRAL_FAULTS), and the server
 * says so loudly when it is.
 *
 * SPEC is a comma-separated list of rules KIND[=ARG]:ROUTE[:COUNT]:
 *   500            answer 500 without doing anything
 *   429[=SECONDS]  answer 429 with Retry-After (default 1), without doing anything
 *   drop           do the work, send half the body, then close the connection
 *   truncate       do the work, send half the body as if it were all of it
 *   stall[=SECONDS] do the work, send half the body, wait (default 30), send the rest
 * ROUTE is health, changes, actions, events, search, customers or any; COUNT
 * is how many requests it hits (default 1; '*' every one). The first rule
 * that matches a request and has hits left applies. */
#ifndef IRM_SERVER_FAULTS_H
#define IRM_SERVER_FAULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

enum fault_kind { FAULT_NONE, FAULT_500, FAULT_429, FAULT_DROP, FAULT_TRUNCATE, FAULT_STALL };

struct fault {
	enum fault_kind kind;
	int arg;                    /* seconds, for 429 and stall */
};

struct faults;

enum irm_status faults_parse(const char *spec, struct faults **out, struct irm_err *e);
void faults_free(struct faults **f);
/* The fault for this request of `route`, if any; counts it. Thread-safe. */
struct fault faults_take(struct faults *f, const char *route);
/* Whether a fault acts before the work (500, 429) or on the answer. */
bool fault_before(enum fault_kind k);

#endif
