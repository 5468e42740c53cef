/* lookup.c — short lists of names for tab completion (lookup.h). */
#include "lookup.h"

#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "mem.h"

static const char SQL_ALERT_IDS[] =
	"SELECT id FROM alerts WHERE state IN ('projected', 'pending', 'acknowledged')"
	" AND (?1 IS NULL OR customer_id = ?1) AND lower(substr(id, 1, length(?2))) = lower(?2)"
	" ORDER BY id LIMIT ?3";
static const char SQL_PEOPLE[] =
	"SELECT who FROM ("
	"  SELECT assigned_to AS who FROM alerts WHERE assigned_to IS NOT NULL"
	"  UNION SELECT who FROM alert_history"
	"  UNION SELECT author FROM notes)"
	" WHERE who <> 'irm' AND lower(substr(who, 1, length(?2))) = lower(?2) ORDER BY who LIMIT ?3";

static enum irm_status collect(struct cache *c, const char *sql, const char *a, const char *prefix,
			       size_t limit, struct lookup_list *out, struct irm_err *e)
{
	out->v = NULL;
	out->n = 0;
	sqlite3_stmt *st = cache_stmt(c, sql, e);
	if (!st)
		return IRM_ECACHE;
	bool started = cache_read_begin(c);
	if (sql == SQL_ALERT_IDS)
		cache_bind_text(st, 1, a);
	sqlite3_bind_text(st, 2, prefix ? prefix : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		if (!s)
			continue;
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		out->v[out->n++] = xstrdup(s);
	}
	sqlite3_reset(st);
	cache_read_end(c, started);
	if (rc != SQLITE_DONE) {
		lookup_list_free(out);
		return cache_sql_error(c, e, "looking up names to complete");
	}
	return IRM_OK;
}

enum irm_status lookup_alert_ids(struct cache *c, const char *customer, const char *prefix,
				 size_t limit, struct lookup_list *out, struct irm_err *e)
{
	return collect(c, SQL_ALERT_IDS, customer, prefix, limit, out, e);
}

enum irm_status lookup_people(struct cache *c, const char *prefix, size_t limit,
			      struct lookup_list *out, struct irm_err *e)
{
	return collect(c, SQL_PEOPLE, NULL, prefix, limit, out, e);
}

void lookup_list_free(struct lookup_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

bool lookup_customer_name(struct cache *c, const char *id, char *buf, size_t size)
{
	struct irm_err e = { 0 };
	sqlite3_stmt *st = cache_stmt(c, "SELECT name FROM customers WHERE id = ?1", &e);
	buf[0] = '\0';
	if (!st)
		return false;
	cache_bind_text(st, 1, id);
	bool found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0);
	if (found)
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return found;
}

bool lookup_customer_id(struct cache *c, const char *key, char *buf, size_t size)
{
	struct irm_err e = { 0 };
	sqlite3_stmt *st = cache_stmt(c, "SELECT id FROM customers WHERE id = ?1 UNION ALL"
				      " SELECT id FROM customers WHERE member_key = upper(?1) LIMIT 1", &e);
	buf[0] = '\0';
	if (!st)
		return false;
	cache_bind_text(st, 1, key);
	bool found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
		     (size_t)snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0)) < size;
	sqlite3_reset(st);
	return found;
}
