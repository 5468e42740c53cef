/* notes.c — notes about a customer: added with their outbox row in one
 * transaction, listed newest first. */
#include "notes.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "internal.h"
#include "utf8.h"

enum { AUTHOR_MAX_BYTES = 100, NOTE_MAX_BYTES = 4000 };

static const char SQL_NOTE_CUSTOMER[] =
	"SELECT id FROM customers WHERE id = ?1"
	" UNION ALL SELECT id FROM customers WHERE member_key = upper(?1) LIMIT 1";
static const char SQL_NOTE_CONSOLE[] = "SELECT value FROM meta WHERE key = 'console_id'";
static const char SQL_NOTE_INSERT[] =
	"INSERT INTO notes(customer_id, at_utc, author, body) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_NOTE_SET_ID[] = "UPDATE notes SET id = ?2 WHERE rid = ?1";
static const char SQL_NOTE_OUTBOX[] =
	"INSERT INTO outbox(kind, body, created_utc) VALUES ('note.add', ?1, ?2)";
static const char SQL_NOTE_PUT[] =
	"INSERT INTO notes(id, customer_id, at_utc, author, body) VALUES (?1, ?2, ?3, ?4, ?5)"
	" ON CONFLICT(id) DO NOTHING";
static const char SQL_NOTE_SAME[] =
	"SELECT 1 FROM notes WHERE id = ?1 AND customer_id = ?2 AND body = ?3";
static const char SQL_NOTE_LIST[] =
	"SELECT coalesce(id, 'N-' || rid), customer_id, author, body, at_utc FROM notes"
	" WHERE customer_id = ?1 ORDER BY at_utc DESC, rid DESC";

static enum irm_status check_text(const char *what, const char *s, size_t max,
				  struct irm_err *e)
{
	if (!s)
		return err_set(e, IRM_EUSAGE, "%s is empty", what);
	size_t n = strlen(s);
	bool blank = true;
	for (const char *p = s; *p && blank; p++)
		blank = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
	if (blank)
		return err_set(e, IRM_EUSAGE, "%s is empty", what);
	if (n > max)
		return err_set(e, IRM_EUSAGE, "%s is too long (%zu bytes; at most %zu)", what, n, max);
	if (!utf8_valid(s, n, NULL))
		return err_set(e, IRM_EUSAGE, "%s is not valid UTF-8", what);
	return IRM_OK;
}

/* The id of the customer named by an id or a member number, into buf. */
static enum irm_status customer_of(struct cache *c, const char *key, char *buf, size_t size,
				   struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_NOTE_CUSTOMER, e);
	if (!st)
		return IRM_ECACHE;
	cache_bind_text(st, 1, key);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return IRM_OK;
	if (rc != SQLITE_DONE)
		return cache_sql_error(c, e, "looking up a customer");
	return err_set(e, IRM_ENOTFOUND, "no customer '%s'", key);
}

static enum irm_status step_done(struct cache *c, sqlite3_stmt *st, const char *doing,
				 struct irm_err *e)
{
	enum irm_status s = sqlite3_step(st) == SQLITE_DONE ? IRM_OK : cache_sql_error(c, e, doing);
	sqlite3_reset(st);
	return s;
}

/* Inside the transaction: the note, its id, its outbox row. */
static enum irm_status add_apply(struct cache *c, const char *customer, const char *who,
				 const char *text, int64_t now, struct note_added *out,
				 struct irm_err *e)
{
	char customer_id[sizeof out->customer_id], console[40] = "local", id[sizeof out->id];
	sqlite3_stmt *st;
	enum irm_status s;

	if ((s = customer_of(c, customer, customer_id, sizeof customer_id, e)) != IRM_OK)
		return s;
	if (!(st = cache_stmt(c, SQL_NOTE_CONSOLE, e)))
		return IRM_ECACHE;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(console, sizeof console, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);

	if (!(st = cache_stmt(c, SQL_NOTE_INSERT, e)))
		return IRM_ECACHE;
	cache_bind_text(st, 1, customer_id);
	sqlite3_bind_int64(st, 2, now);
	cache_bind_text(st, 3, who);
	cache_bind_text(st, 4, text);
	if ((s = step_done(c, st, "writing a note", e)) != IRM_OK)
		return s;
	long long rid = sqlite3_last_insert_rowid(cache_db(c));
	snprintf(id, sizeof id, "N-%s-%lld", console, rid);
	if (!(st = cache_stmt(c, SQL_NOTE_SET_ID, e)))
		return IRM_ECACHE;
	sqlite3_bind_int64(st, 1, rid);
	cache_bind_text(st, 2, id);
	if ((s = step_done(c, st, "writing a note", e)) != IRM_OK)
		return s;

	char at[26];
	date_format_time((struct irm_time){ .utc = now, .off_min = 0 }, at);
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kind", "note.add", "note_id", id,
				 "customer_id", customer_id, "who", who, "text", text, "at", at);
	char *json = body ? json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(body);
	if (!json)
		return err_set(e, IRM_EINPUT, "note.add: the action cannot be written as JSON");
	if (!(st = cache_stmt(c, SQL_NOTE_OUTBOX, e))) {
		free(json);
		return IRM_ECACHE;
	}
	cache_bind_text(st, 1, json);
	sqlite3_bind_int64(st, 2, now);
	s = step_done(c, st, "writing the outbox", e);
	free(json);
	if (s == IRM_OK && out) {
		snprintf(out->id, sizeof out->id, "%s", id);
		snprintf(out->customer_id, sizeof out->customer_id, "%s", customer_id);
		out->outbox_seq = sqlite3_last_insert_rowid(cache_db(c));
	}
	return s;
}

enum irm_status notes_add(struct cache *c, const char *customer, const char *who,
			  const char *text, int64_t now, struct note_added *out,
			  struct irm_err *e)
{
	enum irm_status s;

	if (out)
		memset(out, 0, sizeof *out);
	if (!customer || !*customer)
		return err_set(e, IRM_EUSAGE, "no customer given");
	if ((s = check_text("the note", text, NOTE_MAX_BYTES, e)) != IRM_OK ||
	    (s = check_text("the author's name", who, AUTHOR_MAX_BYTES, e)) != IRM_OK)
		return s;
	if ((s = cache_begin(c, e)) != IRM_OK)
		return s;
	s = add_apply(c, customer, who, text, now, out, e);
	if (s == IRM_OK)
		s = cache_commit(c, e);
	if (s != IRM_OK)
		cache_rollback(c);
	return s;
}

enum irm_status notes_put(struct cache *c, const char *id, const char *customer,
			  const char *who, const char *text, int64_t now, struct note_added *out,
			  struct irm_err *e)
{
	enum irm_status s;

	if (out)
		memset(out, 0, sizeof *out);
	if ((s = check_text("the note's id", id, sizeof out->id - 1, e)) != IRM_OK ||
	    (s = check_text("the note", text, NOTE_MAX_BYTES, e)) != IRM_OK ||
	    (s = check_text("the author's name", who, AUTHOR_MAX_BYTES, e)) != IRM_OK)
		return s;
	if (!customer || !*customer)
		return err_set(e, IRM_EUSAGE, "no customer given");
	char customer_id[sizeof out->customer_id];
	if ((s = customer_of(c, customer, customer_id, sizeof customer_id, e)) != IRM_OK)
		return s;
	sqlite3_stmt *st = cache_stmt(c, SQL_NOTE_PUT, e);
	if (!st)
		return IRM_ECACHE;
	cache_bind_text(st, 1, id);
	cache_bind_text(st, 2, customer_id);
	sqlite3_bind_int64(st, 3, now);
	cache_bind_text(st, 4, who);
	cache_bind_text(st, 5, text);
	if ((s = step_done(c, st, "writing a note", e)) != IRM_OK)
		return s;
	if (sqlite3_changes(cache_db(c)) == 0) {
		/* That id is taken: the same note again is fine, another is not. */
		if (!(st = cache_stmt(c, SQL_NOTE_SAME, e)))
			return IRM_ECACHE;
		cache_bind_text(st, 1, id);
		cache_bind_text(st, 2, customer_id);
		cache_bind_text(st, 3, text);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return err_set(e, IRM_EINPUT, "note %s: that id holds another note", id);
		if (rc != SQLITE_ROW)
			return cache_sql_error(c, e, "reading a note");
	}
	if (out) {
		snprintf(out->id, sizeof out->id, "%s", id);
		snprintf(out->customer_id, sizeof out->customer_id, "%s", customer_id);
	}
	return IRM_OK;
}

static enum irm_status list_run(struct cache *c, const char *customer, struct note_list *out,
				struct irm_err *e)
{
	char customer_id[256];
	size_t cap = 0;
	enum irm_status s;

	if ((s = customer_of(c, customer, customer_id, sizeof customer_id, e)) != IRM_OK)
		return s;
	sqlite3_stmt *st = cache_stmt(c, SQL_NOTE_LIST, e);
	if (!st)
		return IRM_ECACHE;
	cache_bind_text(st, 1, customer_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 8;
			out->v = xrealloc(out->v, cap * sizeof *out->v);
		}
		struct note *n = &out->v[out->n++];
		n->id = arena_strdup(&out->arena, (const char *)sqlite3_column_text(st, 0));
		n->customer_id = arena_strdup(&out->arena, (const char *)sqlite3_column_text(st, 1));
		n->author = arena_strdup(&out->arena, (const char *)sqlite3_column_text(st, 2));
		n->text = arena_strdup(&out->arena, (const char *)sqlite3_column_text(st, 3));
		n->at_utc = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IRM_OK : cache_sql_error(c, e, "reading notes");
}

enum irm_status notes_list(struct cache *c, const char *customer, struct note_list *out,
			   struct irm_err *e)
{
	memset(out, 0, sizeof *out);
	if (!customer || !*customer)
		return err_set(e, IRM_EUSAGE, "no customer given");
	bool started = cache_read_begin(c);
	enum irm_status s = list_run(c, customer, out, e);
	cache_read_end(c, started);
	if (s != IRM_OK)
		notes_list_free(out);
	return s;
}

void notes_list_free(struct note_list *l)
{
	free(l->v);
	arena_free(&l->arena);
	l->v = NULL;
	l->n = 0;
}
