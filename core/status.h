/* status.h — one status code for the whole program, and the error record
 * that carries a message saying what went wrong and where.
 *
 * A status value doubles as the process exit status of the CLI. */
#ifndef IRM_STATUS_H
#define IRM_STATUS_H

#include <stdarg.h>

/* X(NAME, exit status, message) */
#define IRM_STATUS_LIST(X)                                  \
	X(IRM_OK,        0, "ok")                           \
	X(IRM_ENOTFOUND, 1, "not found")                    \
	X(IRM_EUSAGE,    2, "usage error")                  \
	X(IRM_EINPUT,    3, "bad input data")               \
	X(IRM_ENET,      4, "network or API error")         \
	X(IRM_ECACHE,    5, "cache unusable")

enum irm_status {
#define IRM_STATUS_ENUM(name, code, msg) name = code,
	IRM_STATUS_LIST(IRM_STATUS_ENUM)
#undef IRM_STATUS_ENUM
};

/* The short message of a status ("cache unusable"). */
const char *status_message(enum irm_status s);

/* An error with its detail. Functions that can fail take a `struct irm_err *`
 * (may be NULL) and return the status they put in it. */
struct irm_err {
	enum irm_status status;
	char msg[512];
};

/* Set e (if not NULL) to status s with a printf-style message; returns s. */
enum irm_status err_set(struct irm_err *e, enum irm_status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum irm_status err_vset(struct irm_err *e, enum irm_status s, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Put `prefix: ` in front of e's message (e.g. "import.jsonl:17"). */
void err_prefix(struct irm_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(struct irm_err *e);

#endif
