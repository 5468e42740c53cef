/* outbox.c — reading the outbox of local actions. */
#include "outbox.h"

#include "internal.h"

static const char SQL_WAITING[] = "SELECT count(*) FROM outbox WHERE state = 'waiting'";

enum irm_status outbox_waiting(struct cache *c, long *n, struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_WAITING, e);
	if (!st)
		return IRM_ECACHE;
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? IRM_OK : cache_sql_error(c, e, "counting the outbox");
}
