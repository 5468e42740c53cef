/* outbox.h — the local actions waiting to upload. */
#ifndef IRM_OUTBOX_H
#define IRM_OUTBOX_H

#include "cache.h"

/* How many actions wait to upload. */
enum irm_status outbox_waiting(struct cache *c, long *n, struct irm_err *e);

#endif
