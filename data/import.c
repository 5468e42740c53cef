/* import.c — JSON lines into the cache in one transaction.
 *
 * The flow of one line: read it, parse and validate it into a record
 * (core/record.c), put it (data/records.c). The first bad line rolls back
 * everything before it, so a file is applied whole or not at all. */
#include "import.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine.h"
#include "mem.h"
#include "record.h"
#include "records.h"

/* A longer line is refused rather than read into memory whole. */
enum { IMPORT_MAX_LINE = 4 * 1024 * 1024 };

enum irm_status import_put(struct cache *c, const struct record *r,
				  const struct rules *rules, enum put_outcome *o,
				  struct engine_set *touched, struct irm_err *e)
{
	enum irm_status s;

	switch (r->kind) {
	case RECORD_CUSTOMER:
		s = records_put_customer(c, &r->u.customer, o, e);
		if (s == IRM_OK && *o != PUT_UNCHANGED && *o != PUT_STALE)
			engine_set_add(touched, r->u.customer.id);
		return s;
	case RECORD_TRIP:
		/* Members before and after: one taken off the trip loses its
		 * projections, one put on may gain some. */
		if ((s = records_trip_members(c, r->u.trip.id, touched, e)) != IRM_OK)
			return s;
		s = records_put_trip(c, &r->u.trip, rules, o, e);
		for (size_t i = 0; s == IRM_OK && i < r->u.trip.n_passengers; i++)
			engine_set_add(touched, r->u.trip.passengers[i].customer_id);
		return s;
	case RECORD_SEGMENT_STATUS:
		return records_put_segment_status(c, &r->u.status, rules, o, touched, e);
	case RECORD_DELETE:
		/* A trip's members lose the projections on its legs; a customer
		 * deleted is told too, so that no verdict or document of it
		 * decided before is written after. */
		if (r->u.del.of == RECORD_TRIP &&
		    (s = records_trip_members(c, r->u.del.id, touched, e)) != IRM_OK)
			return s;
		if (r->u.del.of == RECORD_CUSTOMER)
			engine_set_add(touched, r->u.del.id);
		return records_delete(c, &r->u.del, o, e);
	}
	return err_set(e, IRM_EINPUT, "kind: unknown record kind");
}

/* One line into *buf (growing it), at most `max` bytes: a longer line is
 * not kept in memory, only reported. Returns the length, -1 at the end of
 * the input, -2 for a line that was too long, -3 for one holding a NUL. */
static ssize_t read_line(FILE *f, char **buf, size_t *cap, size_t max)
{
	size_t len = 0;
	bool too_long = false, nul = false, any = false;
	int ch;

	while ((ch = getc_unlocked(f)) != EOF) {
		any = true;
		if (ch == '\0')
			nul = true;
		if (len + 2 > *cap) {
			*cap = *cap ? *cap * 2 : 65536;
			*buf = xrealloc(*buf, *cap);
		}
		if (len < max)
			(*buf)[len++] = (char)ch;
		else
			too_long = true;
		if (ch == '\n')
			break;
	}
	if (!any)
		return -1;
	if (*cap == 0)
		*buf = xrealloc(*buf, *cap = 64);
	(*buf)[len] = '\0';
	return too_long ? -2 : nul ? -3 : (ssize_t)len;
}

static void count(struct import_stats *st, enum put_outcome o)
{
	switch (o) {
	case PUT_ADDED: st->added++; break;
	case PUT_UPDATED: st->updated++; break;
	case PUT_UNCHANGED: st->unchanged++; break;
	case PUT_STALE: st->stale++; break;
	}
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

static enum irm_status stream(struct cache *c, FILE *f, const char *name,
			      const struct rules *rules, import_hook before_commit, void *ctx,
			      struct import_stats *st, struct irm_err *e)
{
	struct engine_set touched = { 0 };
	struct import_stats local = { 0 };
	struct arena arena = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	enum irm_status s;

	if (!st)
		st = &local;
	memset(st, 0, sizeof *st);
	if ((s = cache_begin(c, e)) != IRM_OK)
		return s;
	while ((len = read_line(f, &line, &cap, IMPORT_MAX_LINE)) != -1) {
		lineno++;
		if (len == -2) {
			s = err_set(e, IRM_EINPUT, "%s:%ld: line longer than %d bytes", name, lineno,
				    IMPORT_MAX_LINE);
			break;
		}
		if (len == -3) {
			s = err_set(e, IRM_EINPUT, "%s:%ld: a NUL byte in the line", name, lineno);
			break;
		}
		if (blank(line, (size_t)len))
			continue;
		struct record rec;
		enum put_outcome outcome;
		s = record_parse(line, (size_t)len, &arena, &rec, e);
		if (s == IRM_OK)
			s = import_put(c, &rec, rules, &outcome, &touched, e);
		arena_free(&arena);
		if (s != IRM_OK) {
			err_prefix(e, "%s:%ld", name, lineno);
			break;
		}
		st->lines++;
		count(st, outcome);
	}
	if (s == IRM_OK && ferror(f))
		s = err_set(e, IRM_EINPUT, "%s: read error: %s", name, strerror(errno));
	free(line);
	if (s == IRM_OK)
		s = cache_mark_updated(c, clock_now(), e);
	if (s == IRM_OK && rules)
		s = engine_run_set(c, rules, &touched, clock_now(), e);
	if (s == IRM_OK && before_commit)
		s = before_commit(ctx, c, &touched, e);
	engine_set_free(&touched);
	if (s == IRM_OK)
		s = cache_commit(c, e);
	if (s != IRM_OK) {
		cache_rollback(c);
		memset(st, 0, sizeof *st);
	}
	return s;
}

enum irm_status import_stream(struct cache *c, FILE *f, const char *name,
			      const struct rules *rules, struct import_stats *st,
			      struct irm_err *e)
{
	return stream(c, f, name, rules, NULL, NULL, st, e);
}

enum irm_status import_file_then(struct cache *c, const char *path, const struct rules *rules,
				 import_hook before_commit, void *ctx, struct import_stats *st,
				 struct irm_err *e)
{
	if (strcmp(path, "-") == 0)
		return stream(c, stdin, "<stdin>", rules, before_commit, ctx, st, e);
	FILE *f = fopen(path, "r");
	if (!f)
		return err_set(e, IRM_EUSAGE, "%s: %s", path, strerror(errno));
	enum irm_status s = stream(c, f, path, rules, before_commit, ctx, st, e);
	fclose(f);
	return s;
}

enum irm_status import_file(struct cache *c, const char *path, const struct rules *rules,
			    struct import_stats *st, struct irm_err *e)
{
	return import_file_then(c, path, rules, NULL, NULL, st, e);
}
