/* status.c — status messages and error records. */
#include "status.h"

#include <stdio.h>
#include <string.h>

const char *status_message(enum irm_status s)
{
	switch (s) {
#define IRM_STATUS_CASE(name, code, msg) case name: return msg;
	IRM_STATUS_LIST(IRM_STATUS_CASE)
#undef IRM_STATUS_CASE
	}
	return "unknown status";
}

enum irm_status err_vset(struct irm_err *e, enum irm_status s, const char *fmt, va_list ap)
{
	if (e) {
		e->status = s;
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	}
	return s;
}

enum irm_status err_set(struct irm_err *e, enum irm_status s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vset(e, s, fmt, ap);
	va_end(ap);
	return s;
}

void err_prefix(struct irm_err *e, const char *fmt, ...)
{
	char head[256], old[sizeof e->msg];
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	/* Cut rather than overflow: the head matters most. */
	int n = snprintf(e->msg, sizeof e->msg, "%s: ", head);
	if (n < 0 || (size_t)n >= sizeof e->msg)
		return;
	size_t len = strnlen(old, sizeof e->msg - (size_t)n - 1);
	memcpy(e->msg + n, old, len);
	e->msg[(size_t)n + len] = '\0';
}

void err_clear(struct irm_err *e)
{
	if (e) {
		e->status = IRM_OK;
		e->msg[0] = '\0';
	}
}
