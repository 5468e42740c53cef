/* api.c — the endpoints of the sync contract (man/irm-sync.7), one
 * function each, in the order of the route table at the end. */
#include "server.h"

#include <jansson.h>
#include <microhttpd.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "airports.h"
#include "alerts.h"
#include "clock.h"
#include "context.h"
#include "date.h"
#include "engine.h"
#include "import.h"
#include "jsonw.h"
#include "mem.h"
#include "notes.h"
#include "record.h"
#include "search.h"
#include "utf8.h"

enum {
	LIMIT_DEFAULT = 1000, LIMIT_MAX = 10000,  /* changes per page */
	WAIT_MAX = 300,                           /* seconds a long-poll may wait */
	SCOPE_IDS_MAX = 200, ID_MAX = 128,
	ACTIONS_MAX = 1000, EVENTS_MAX = 100000,
	SEARCH_DEFAULT = 20, SEARCH_MAX = 100, QUERY_MAX = 200,
};

#define R(role) (1u << (role))

static char *dump(json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	return text;
}

static void reply_obj(struct reply *out, int status, json_t *j)
{
	char *text = dump(j);
	reply_json(out, status, text, strlen(text));
}

static struct store *store_or_fail(struct request *r, struct reply *out)
{
	struct irm_err e = { 0 };
	struct store *st = server_store(r->srv, &e);
	if (!st) {
		fprintf(stderr, "irm-central: %s\n", e.msg);
		reply_error(out, 500, "internal", "the store cannot be opened");
	}
	return st;
}

static void store_failed(struct reply *out, const struct irm_err *e)
{
	fprintf(stderr, "irm-central: %s\n", e->msg);
	reply_error(out, 500, "internal", "the store failed; nothing was applied");
}

/* --- query strings ----------------------------------------------------------------- */

struct args {
	const char *const *known;
	const char *unknown;
};

static enum MHD_Result arg_check(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct args *a = cls;
	(void)kind;
	(void)value;
	for (const char *const *k = a->known; *k; k++)
		if (strcmp(*k, key) == 0)
			return MHD_YES;
	a->unknown = key;
	return MHD_NO;
}

/* Refuses a query string with a parameter not in `known`. */
static bool args_only(struct request *r, struct reply *out, const char *const *known)
{
	struct args a = { known, NULL };
	MHD_get_connection_values(r->con, MHD_GET_ARGUMENT_KIND, arg_check, &a);
	if (!a.unknown)
		return true;
	reply_error(out, 400, "bad_request", "unknown query parameter '%.60s'", a.unknown);
	return false;
}

static const char *arg(struct request *r, const char *name)
{
	return MHD_lookup_connection_value(r->con, MHD_GET_ARGUMENT_KIND, name);
}

/* A whole number in [lo, hi]; absent gives dflt. */
static bool arg_int(struct request *r, struct reply *out, const char *name, long lo, long hi,
		    long dflt, long *v)
{
	const char *s = arg(r, name);
	*v = dflt;
	if (!s)
		return true;
	char *end;
	long x = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || x < lo || x > hi) {
		reply_error(out, 400, "bad_request", "%s: a whole number from %ld to %ld", name, lo, hi);
		return false;
	}
	*v = x;
	return true;
}

/* --- GET /v1/health ------------------------------------------------------------------ */

static void api_health(struct request *r, struct reply *out)
{
	struct store *st = store_or_fail(r, out);
	struct irm_err e = { 0 };
	int64_t backlog;
	if (!st)
		return;
	if (store_backlog(st, &backlog, &e) != IRM_OK) {
		store_failed(out, &e);
		return;
	}
	reply_obj(out, 200, json_pack("{s:s, s:s, s:s, s:I}", "status",
				      atomic_load(&r->srv->stopping) ? "stopping" : "ok",
				      "epoch", store_epoch(st), "version", IRM_VERSION,
				      "backlog", (json_int_t)backlog));
}

/* --- GET /v1/changes ----------------------------------------------------------------- */

/* The scope's feed keys into r->keys; false with the reply set when the
 * scope is malformed or not this token's to read. */
static bool scope_keys(struct request *r, struct reply *out, const char *scope)
{
	const struct principal *who = r->who;
	char key[ID_MAX + 8];

	/* a long-poll looks again after a wake: its keys are made afresh */
	for (size_t i = 0; i < r->n_keys; i++)
		free(r->keys[i]);
	free(r->keys);
	r->keys = NULL;
	r->n_keys = 0;

	if (!scope) {
		reply_error(out, 400, "bad_request", "scope: all, station:IATA or customers:ID,ID…");
		return false;
	}
	if (strcmp(scope, "all") == 0) {
		if (who->role == ROLE_KIOSK) {
			reply_error(out, 403, "forbidden", "a kiosk reads its station's scope only");
			return false;
		}
		r->keys = xmalloc(sizeof *r->keys);
		r->keys[r->n_keys++] = xstrdup("*");
		return true;
	}
	if (strncmp(scope, "station:", 8) == 0) {
		const char *iata = scope + 8;
		if (!airports_find(iata)) {
			reply_error(out, 400, "bad_request", "scope: unknown airport '%.8s'", iata);
			return false;
		}
		if (who->role == ROLE_KIOSK && strcmp(who->station, iata) != 0) {
			reply_error(out, 403, "forbidden", "this kiosk stands at %s", who->station);
			return false;
		}
		snprintf(key, sizeof key, "s:%s", iata);
		r->keys = xmalloc(sizeof *r->keys);
		r->keys[r->n_keys++] = xstrdup(key);
		return true;
	}
	if (strncmp(scope, "customers:", 10) == 0) {
		if (who->role == ROLE_KIOSK) {
			reply_error(out, 403, "forbidden", "a kiosk reads its station's scope only");
			return false;
		}
		const char *p = scope + 10;
		r->keys = xmalloc(SCOPE_IDS_MAX * sizeof *r->keys);
		for (;;) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);
			if (n == 0 || n > ID_MAX || !utf8_valid(p, n, NULL)) {
				reply_error(out, 400, "bad_request", "scope: customer ids are 1 to %d "
					    "bytes of UTF-8, separated by commas", ID_MAX);
				return false;
			}
			if (r->n_keys == SCOPE_IDS_MAX) {
				reply_error(out, 400, "bad_request", "scope: at most %d customers",
					    SCOPE_IDS_MAX);
				return false;
			}
			snprintf(key, sizeof key, "c:%.*s", (int)n, p);
			r->keys[r->n_keys++] = xstrdup(key);
			if (!comma)
				return true;
			p = comma + 1;
		}
	}
	reply_error(out, 400, "bad_request", "scope: all, station:IATA or customers:ID,ID…");
	return false;
}

static void api_changes(struct request *r, struct reply *out)
{
	static const char *const known[] = { "scope", "cursor", "limit", "wait", NULL };
	long limit, wait;
	struct irm_err e = { 0 };

	if (!args_only(r, out, known) || !arg_int(r, out, "limit", 1, LIMIT_MAX, LIMIT_DEFAULT, &limit) ||
	    !arg_int(r, out, "wait", 0, WAIT_MAX, 0, &wait) || !scope_keys(r, out, arg(r, "scope")))
		return;
	struct store_cursor cur;
	if (!store_cursor_parse(arg(r, "cursor"), &cur)) {
		reply_error(out, 400, "bad_request", "cursor: not one this server gave");
		return;
	}
	struct store *st = store_or_fail(r, out);
	if (!st)
		return;
	const char *why;
	struct jsonw w = { 0 };
	int64_t next;
	size_t n;
	bool more;
	/* The check and the page from one snapshot: a purge between them
	 * would let an expired cursor past what it missed. */
	bool txn = store_read_begin(st);
	enum irm_status s = store_cursor_check(st, &cur, (const char *const *)r->keys, r->n_keys,
					       &why, &e);
	if (s == IRM_OK && !why) {
		jsonw_object(&w);
		jsonw_key(&w, "epoch");
		jsonw_str(&w, store_epoch(st));
		jsonw_key(&w, "changes");
		jsonw_array(&w);
		s = store_changes(st, (const char *const *)r->keys, r->n_keys, cur.seq, (size_t)limit,
				  r->who->role == ROLE_KIOSK, &w, &next, &n, &more, &e);
	}
	store_read_end(st, txn);
	if (s != IRM_OK) {
		jsonw_free(&w);
		store_failed(out, &e);
		return;
	}
	if (why) {
		reply_error(out, 410, "must_refetch", "%s", strcmp(why, "epoch") == 0
			    ? "epoch: the server's store was replaced; fetch the scope again"
			    : strcmp(why, "ahead") == 0
			    ? "ahead: the server's store went back in time; fetch the scope again"
			    : "expired: changes this cursor has not seen are no longer kept");
		/* the reason as its own member too, for programs */
		json_t *j = json_loads(out->body, 0, NULL);
		if (j) {
			json_object_set_new(j, "reason", json_string(why));
			reply_obj(out, 410, j);
		}
		return;
	}
	if (!r->deadline_ms)
		r->deadline_ms = server_mono_ms() + wait * 1000;
	if (next == cur.seq && wait > 0 && server_mono_ms() < r->deadline_ms &&
	    !atomic_load(&r->srv->stopping)) {
		jsonw_free(&w);
		out->suspend = true;  /* nothing yet: wait for a publish */
		return;
	}
	jsonw_end(&w);
	char cursor[64];
	snprintf(cursor, sizeof cursor, "%s-%lld", store_epoch(st), (long long)next);
	jsonw_key(&w, "cursor");
	jsonw_str(&w, cursor);
	jsonw_key(&w, "more");
	jsonw_bool(&w, more);
	jsonw_end(&w);
	reply_json(out, 200, w.buf, w.len);
}

/* --- request bodies ----------------------------------------------------------------- */

/* Which element of the body's one top-level array (as in {"events":[…]})
 * holds byte `at`, by counting the commas between elements; -1 when `at`
 * is outside it. What lets a batch that does not parse still say which
 * record is at fault. */
static long element_at(const char *body, size_t len, size_t at)
{
	int depth = 0;
	bool in_str = false, esc = false;
	long index = -1;
	for (size_t i = 0; i < len && i < at; i++) {
		char ch = body[i];
		if (in_str) {
			if (esc)
				esc = false;
			else if (ch == '\\')
				esc = true;
			else if (ch == '"')
				in_str = false;
			continue;
		}
		if (ch == '"')
			in_str = true;
		else if (ch == '[' || ch == '{')
			index = ++depth == 2 && ch == '[' ? 0 : index;
		else if (ch == ']' || ch == '}')
			depth--;
		else if (ch == ',' && depth == 2)
			index++;
		if (depth < 2)
			index = -1;
	}
	return index;
}

/* The body as a JSON object whose members are all in `known`; known[0]
 * names its array of records, for saying which one a syntax error is in. */
static json_t *body_object(struct request *r, struct reply *out, const char *const *known)
{
	json_error_t err;
	if (!r->body || r->len == 0) {
		reply_error(out, 400, "bad_request", "an empty body: a JSON object is needed");
		return NULL;
	}
	json_t *j = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		long i = element_at(r->body, r->len, (size_t)err.position);
		if (i >= 0)
			reply_error(out, 400, "bad_json", "%s[%ld]: %s (line %d, column %d of the body)",
				    known[0], i, err.text, err.line, err.column);
		else
			reply_error(out, 400, "bad_json", "body: line %d, column %d: %s", err.line,
				    err.column, err.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		reply_error(out, 400, "bad_request", "body: a JSON object is needed");
		return NULL;
	}
	const char *key;
	json_t *v;
	json_object_foreach(j, key, v) {
		bool ok = false;
		for (const char *const *k = known; *k && !ok; k++)
			ok = strcmp(*k, key) == 0;
		if (!ok) {
			reply_error(out, 400, "bad_request", "body: unknown member '%.60s'", key);
			json_decref(j);
			return NULL;
		}
	}
	return j;
}

static enum irm_status savepoint(struct store *st, const char *sql, struct irm_err *e)
{
	sqlite3 *db = cache_sqlite(store_cache(st));
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return err_set(e, IRM_ECACHE, "%s: %s", sql, sqlite3_errmsg(db));
	return IRM_OK;
}

/* Publish what the transaction changed, commit, wake who waits on it. */
static enum irm_status commit_publish(struct request *r, struct store *st, int64_t now,
				      struct irm_err *e)
{
	struct store_keys woken = { 0 };
	int64_t end = 0;
	enum irm_status s = store_publish(st, now, &woken, e);
	if (s == IRM_OK)  /* our own end, read while we hold the write lock */
		s = store_last_seq(st, &end, e);
	if (s == IRM_OK)
		s = cache_commit(store_cache(st), e);
	if (s != IRM_OK) {
		cache_rollback(store_cache(st));
	} else {
		server_note_seq(r->srv, end);
		if (woken.n || woken.all)
			server_wake(r->srv, &woken);
	}
	store_keys_free(&woken);
	return s;
}

/* --- POST /v1/actions --------------------------------------------------------------- */

static const char *str_member(json_t *a, const char *name)
{
	return json_string_value(json_object_get(a, name));
}

/* A rejected action's result. */
static json_t *rejected(int64_t seq, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static json_t *rejected(int64_t seq, const char *reason, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return json_pack("{s:I, s:s, s:s, s:o}", "seq", (json_int_t)seq, "status", "rejected",
			 "reason", reason, "message", utf8_json(msg));
}

/* Required string members, or a rejection naming the first missing; and
 * `who`, the person acting, a name of at most WHO_MAX bytes. */
enum { WHO_MAX = 100 };

static json_t *need(int64_t seq, json_t *a, const char *const *names)
{
	for (; *names; names++) {
		json_t *v = json_object_get(a, *names);
		if (!json_is_string(v) || !*json_string_value(v))
			return rejected(seq, "invalid", "%s: a non-empty string is needed", *names);
	}
	const char *who = json_string_value(json_object_get(a, "who"));
	if (who) {
		size_t n = strlen(who);
		bool blank = true;
		for (const char *p = who; *p && blank; p++)
			blank = *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n';
		if (blank || n > WHO_MAX)
			return rejected(seq, "invalid", "who: a name of 1 to %d bytes is needed", WHO_MAX);
	}
	return NULL;
}

static json_t *from_status(int64_t seq, enum irm_status s, const struct irm_err *e,
			   const struct alert_act_result *res)
{
	if (s == IRM_ENOTFOUND)
		return rejected(seq, "not_found", "%s", e->msg);
	if (s == IRM_EINPUT) {
		json_t *j = rejected(seq, "conflict", "%s", e->msg);
		if (res)
			json_object_set_new(j, "state", json_string(alert_state_name(res->from)));
		return j;
	}
	return rejected(seq, "invalid", "%s", e->msg);
}

/* Whether a kiosk may act on this alert: one on a leg from its station. */
static bool kiosk_may(struct request *r, struct store *st, const char *kind, const char *id)
{
	if (r->who->role != ROLE_KIOSK)
		return true;
	char key[8];
	bool in = false;
	struct irm_err e = { 0 };
	snprintf(key, sizeof key, "s:%s", r->who->station);
	return store_in_key(st, kind, id, key, &in, &e) == IRM_OK && in;
}

/* Apply one action inside the open transaction; its result. ECACHE (the
 * store failed) comes back in *fail. */
static json_t *apply_action(struct request *r, struct store *st, json_t *a, int64_t seq,
			    const char *kind, int64_t now, enum irm_status *fail, struct irm_err *e)
{
	struct cache *c = store_cache(st);
	struct alert_act_result res;
	enum irm_status s;
	json_t *bad;
	const bool kiosk = r->who->role == ROLE_KIOSK;

	*fail = IRM_OK;
	if (strncmp(kind, "alert.", 6) == 0) {
		static const char *const base[] = { "alert_id", "who", NULL };
		if ((bad = need(seq, a, base)))
			return bad;
		const char *id = str_member(a, "alert_id"), *who = str_member(a, "who");
		const char *note = str_member(a, "note");
		enum alert_event ev;
		enum alert_action action = ACTION_OTHER;
		const char *text = note, *assignee = NULL;
		if (strcmp(kind, "alert.ack") == 0) {
			ev = ALERT_EV_ACK;
		} else if (strcmp(kind, "alert.done") == 0) {
			ev = ALERT_EV_DONE;
			if (!alert_action_parse(str_member(a, "action") ? str_member(a, "action") : "",
						&action))
				return rejected(seq, "invalid", "action: email, call, greeting, gift, "
						"social or other");
		} else if (strcmp(kind, "alert.dismiss") == 0 && !kiosk) {
			ev = ALERT_EV_DISMISS;
			text = str_member(a, "reason");
		} else if (strcmp(kind, "alert.assign") == 0 && !kiosk) {
			ev = ALERT_EV_ASSIGN;
			assignee = str_member(a, "assignee");
		} else if (kiosk) {
			return rejected(seq, "forbidden", "a kiosk may not send %s", kind);
		} else {
			return rejected(seq, "invalid", "kind: unknown action '%.40s'", kind);
		}
		if (!kiosk_may(r, st, "alert", id))
			return rejected(seq, "forbidden", "alert %s is not on a flight from %s", id,
					r->who->station);
		s = alerts_act_tx(c, id, ev, who, action, text, assignee, now, &res, e);
		if (s == IRM_ECACHE) {
			*fail = s;
			return NULL;
		}
		if (s != IRM_OK)
			return from_status(seq, s, e, &res);
		return json_pack("{s:I, s:s, s:s, s:s}", "seq", (json_int_t)seq, "status", "applied",
				 "alert_id", id, "state", alert_state_name(res.to));
	}
	if (strcmp(kind, "note.add") == 0) {
		static const char *const fields[] = { "note_id", "customer_id", "who", "text", NULL };
		if (kiosk)
			return rejected(seq, "forbidden", "a kiosk may not write notes");
		if ((bad = need(seq, a, fields)))
			return bad;
		struct note_added added;
		s = notes_put(c, str_member(a, "note_id"), str_member(a, "customer_id"),
			      str_member(a, "who"), str_member(a, "text"), now, &added, e);
		if (s == IRM_ECACHE) {
			*fail = s;
			return NULL;
		}
		if (s != IRM_OK)
			return from_status(seq, s, e, NULL);
		return json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)seq, "status", "applied",
				 "note_id", added.id);
	}
	if (strcmp(kind, "passenger.greeted") == 0) {
		static const char *const fields[] = { "segment_id", "customer_id", "who", NULL };
		if ((bad = need(seq, a, fields)))
			return bad;
		const char *seg = str_member(a, "segment_id"), *cust = str_member(a, "customer_id");
		const char *who = str_member(a, "who");
		bool added;
		char origin[4] = "";
		if (kiosk) {  /* a kiosk greets at its own station's gates */
			s = store_segment_origin(st, seg, origin, e);
			if (s == IRM_ECACHE) {
				*fail = s;
				return NULL;
			}
			if (s != IRM_OK)
				return from_status(seq, s, e, NULL);
			if (strcmp(origin, r->who->station) != 0)
				return rejected(seq, "forbidden", "leg %s leaves from %s, not %s", seg,
						origin, r->who->station);
		}
		s = store_greet(st, seg, cust, who, now, &added, e);
		if (s == IRM_ECACHE) {
			*fail = s;
			return NULL;
		}
		if (s != IRM_OK)
			return from_status(seq, s, e, NULL);
		/* The greeting is what an open alert on that leg asked for. */
		struct alert_filter f = { .customer = cust, .states = ALERT_STATES_OPEN, .no_history = true };
		struct alert_list l;
		json_t *done = json_array();
		if ((s = alerts_list(c, &f, &l, e)) == IRM_OK) {
			for (size_t i = 0; i < l.n && s == IRM_OK; i++) {
				if (!l.v[i].has_segment || strcmp(l.v[i].segment.id, seg) != 0)
					continue;
				s = alerts_act_tx(c, l.v[i].id, ALERT_EV_DONE, who, ACTION_GREETING,
						  "greeted at the gate", NULL, now, &res, e);
				if (s == IRM_OK)
					json_array_append_new(done, json_string(l.v[i].id));
			}
			alerts_list_free(&l);
		}
		if (s != IRM_OK) {
			json_decref(done);
			if (s == IRM_ECACHE) {
				*fail = s;
				return NULL;
			}
			return from_status(seq, s, e, NULL);
		}
		return json_pack("{s:I, s:s, s:b, s:o}", "seq", (json_int_t)seq, "status", "applied",
				 "first", added, "alerts_done", done);
	}
	return rejected(seq, "invalid", "kind: unknown action '%.40s'", kind);
}

static bool console_id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static void api_actions(struct request *r, struct reply *out)
{
	static const char *const known[] = { "actions", "console_id", NULL };
	json_t *body = body_object(r, out, known);
	if (!body)
		return;
	const char *console = str_member(body, "console_id");
	json_t *list = json_object_get(body, "actions");
	if (!console || !console_id_ok(console)) {
		reply_error(out, 400, "bad_request", "console_id: 1 to 64 letters, digits, '-', '_' or '.'");
		goto done;
	}
	if (!json_is_array(list) || json_array_size(list) > ACTIONS_MAX) {
		reply_error(out, 400, "bad_request", "actions: an array of at most %d actions", ACTIONS_MAX);
		goto done;
	}
	/* The envelope of every action first: nothing is applied from a batch
	 * that cannot be read whole. */
	size_t i;
	json_t *a;
	json_array_foreach(list, i, a) {
		json_t *seq = json_object_get(a, "seq");
		if (!json_is_object(a) || !json_is_integer(seq) || json_integer_value(seq) < 1 ||
		    !json_is_string(json_object_get(a, "kind"))) {
			reply_error(out, 400, "bad_request", "actions[%zu]: an object with a whole "
				    "number seq from 1 and a string kind", i);
			goto done;
		}
	}
	struct store *st = store_or_fail(r, out);
	if (!st)
		goto done;
	/* A console's numbers are its token's: another token using the same
	 * console_id has a log of its own and cannot replay or block these. */
	char console_key[100];
	snprintf(console_key, sizeof console_key, "%s/%s", r->who->id, console);

	json_t *results = json_array();
	json_array_foreach(list, i, a) {
		int64_t seq = json_integer_value(json_object_get(a, "seq"));
		const char *kind = str_member(a, "kind");
		struct irm_err e = { 0 };
		char *stored = NULL;
		int64_t now = clock_now();
		enum irm_status s = cache_begin(store_cache(st), &e);
		if (s == IRM_OK)
			s = store_action_get(st, console_key, seq, &stored, &e);
		if (s == IRM_OK && stored) {  /* seen before: its result again */
			cache_rollback(store_cache(st));
			json_t *was = json_loads(stored, 0, NULL);
			free(stored);
			json_array_append_new(results, json_pack("{s:I, s:s, s:o}", "seq",
								 (json_int_t)seq, "status", "duplicate",
								 "result", was ? was : json_null()));
			continue;
		}
		json_t *res = NULL;
		enum irm_status fail = IRM_OK;
		if (s == IRM_OK)
			s = savepoint(st, "SAVEPOINT action", &e);
		if (s == IRM_OK) {
			res = apply_action(r, st, a, seq, kind, now, &fail, &e);
			if (fail != IRM_OK)
				s = fail;
			else if (strcmp(json_string_value(json_object_get(res, "status")), "applied") != 0)
				s = savepoint(st, "ROLLBACK TO action", &e);
			if (s == IRM_OK)
				s = savepoint(st, "RELEASE action", &e);
		}
		char *text = s == IRM_OK ? dump(json_incref(res)) : NULL;
		if (s == IRM_OK)
			s = store_action_put(st, console_key, seq, kind, text, now, &e);
		free(text);
		if (s == IRM_OK)
			s = commit_publish(r, st, now, &e);
		else
			cache_rollback(store_cache(st));
		if (s != IRM_OK) {
			json_decref(res);
			json_decref(results);
			fprintf(stderr, "irm-central: %s\n", e.msg);
			reply_error(out, 500, "internal", "the store failed at action seq %lld: it and "
				    "those after it were not applied; those before it were",
				    (long long)seq);
			goto done;
		}
		json_array_append_new(results, res);
	}
	reply_obj(out, 200, json_pack("{s:o}", "results", results));
done:
	json_decref(body);
}

/* --- POST /v1/events ----------------------------------------------------------------- */

static void api_events(struct request *r, struct reply *out)
{
	static const char *const known[] = { "events", NULL }, *const args[] = { "publish", NULL };
	const char *when = arg(r, "publish");
	if (!args_only(r, out, args))
		return;
	if (when && strcmp(when, "now") != 0 && strcmp(when, "later") != 0) {
		reply_error(out, 400, "bad_request", "publish: now or later");
		return;
	}
	/* later: answered once the events are stored; the engine's verdicts
	 * and the documents follow, from the publisher thread */
	const bool later = when && strcmp(when, "later") == 0;
	json_t *body = body_object(r, out, known);
	struct arena arena = { 0 };
	struct record *recs = NULL;
	struct engine_set touched = { 0 };
	struct irm_err e = { 0 };

	if (!body)
		return;
	json_t *list = json_object_get(body, "events");
	size_t n = json_array_size(list);
	if (!json_is_array(list) || n > EVENTS_MAX) {
		reply_error(out, 400, "bad_request", "events: an array of at most %d records", EVENTS_MAX);
		goto done;
	}
	/* Every record is read and checked before anything is written. */
	recs = xcalloc(n ? n : 1, sizeof *recs);
	size_t i;
	json_t *ev;
	json_array_foreach(list, i, ev) {
		const char *key;
		json_t *v;
		if (!json_is_object(ev)) {
			reply_error(out, 400, "bad_request", "events[%zu]: a {\"kind\", \"data\"} object", i);
			goto done;
		}
		json_object_foreach(ev, key, v)
			if (strcmp(key, "kind") != 0 && strcmp(key, "data") != 0) {
				reply_error(out, 400, "bad_request", "events[%zu]: unknown member "
					    "'%.60s' (a record's fields go inside \"data\")", i, key);
				goto done;
			}
		if (record_from_json(ev, &arena, &recs[i], &e) != IRM_OK) {
			reply_error(out, 400, "bad_record", "events[%zu]: %s", i, e.msg);
			goto done;
		}
	}
	struct store *st = store_or_fail(r, out);
	if (!st)
		goto done;
	struct cache *c = store_cache(st);
	int64_t now = clock_now();
	long counts[4] = { 0 };
	enum irm_status s = cache_begin(c, &e);
	for (i = 0; i < n && s == IRM_OK; i++) {
		enum put_outcome o = PUT_UNCHANGED;
		s = import_put(c, &recs[i], &r->srv->rules, &o, &touched, &e);
		if (s == IRM_OK)
			counts[o]++;
		else if (s != IRM_ECACHE)
			err_prefix(&e, "events[%zu]", i);
	}
	if (s == IRM_OK && n)
		s = cache_mark_updated(c, now, &e);
	if (s == IRM_OK && !later)
		s = store_touch_customers(st, &touched, &e);
	if (s == IRM_OK && later) {
		if ((s = store_evaluate_later(st, &touched, &e)) == IRM_OK)
			s = cache_commit(c, &e);
		if (s != IRM_OK)
			cache_rollback(c);
		else
			server_publish_soon(r->srv);
	} else {
		if (s == IRM_OK)
			s = engine_run_set(c, &r->srv->rules, &touched, now, &e);
		if (s == IRM_OK)
			s = store_note_evaluated(st, &e);
		if (s == IRM_OK)
			s = commit_publish(r, st, now, &e);
		else
			cache_rollback(c);
	}
	if (s == IRM_ECACHE) {
		store_failed(out, &e);
	} else if (s != IRM_OK) {
		reply_error(out, s == IRM_ENOTFOUND ? 404 : 400, "bad_record", "%s", e.msg);
	} else {
		reply_obj(out, later ? 202 : 200,
			  json_pack("{s:I, s:I, s:I, s:I, s:I}", "accepted", (json_int_t)n,
				    "added", (json_int_t)counts[PUT_ADDED],
				    "updated", (json_int_t)counts[PUT_UPDATED],
				    "unchanged", (json_int_t)counts[PUT_UNCHANGED],
				    "stale", (json_int_t)counts[PUT_STALE]));
	}
done:
	engine_set_free(&touched);
	free(recs);
	arena_free(&arena);
	json_decref(body);
}

/* --- GET /v1/search ------------------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void api_search(struct request *r, struct reply *out)
{
	static const char *const known[] = { "q", "limit", NULL };
	long limit;
	if (!args_only(r, out, known) || !arg_int(r, out, "limit", 1, SEARCH_MAX, SEARCH_DEFAULT, &limit))
		return;
	const char *q = arg(r, "q");
	size_t qn = q ? strlen(q) : 0;
	if (!q || qn == 0 || qn > QUERY_MAX || !utf8_valid(q, qn, NULL)) {
		reply_error(out, 400, "bad_request", "q: 1 to %d bytes of UTF-8", QUERY_MAX);
		return;
	}
	struct store *st = store_or_fail(r, out);
	if (!st)
		return;
	struct search_result res;
	struct irm_err e = { 0 };
	if (search_run(store_cache(st), q, (size_t)limit, &res, &e) != IRM_OK) {
		store_failed(out, &e);
		return;
	}
	json_t *hits = json_array();
	for (size_t i = 0; i < res.n; i++) {
		const struct search_hit *h = &res.hits[i];
		json_array_append_new(hits, json_pack(
			"{s:s, s:o, s:s, s:o, s:o, s:o, s:s, s:I, s:i, s:s}", "id", h->id,
			"member", str_or_null(h->member), "name", h->name, "email", str_or_null(h->email),
			"phone", str_or_null(h->phone),
			"home_airport", h->home_airport[0] ? json_string(h->home_airport) : json_null(),
			"tier", model_tier_name(h->tier), "lifetime_miles", (json_int_t)h->lifetime_miles,
			"open_alerts", h->alerts, "match", search_match_name(h->match)));
	}
	search_result_free(&res);
	reply_obj(out, 200, json_pack("{s:o}", "results", hits));
}

/* --- GET /v1/customers/ID -------------------------------------------------------------- */

static void api_customer(struct request *r, struct reply *out)
{
	static const char *const known[] = { NULL };
	const char *id = r->url + strlen("/v1/customers/");
	struct irm_err e = { 0 };

	if (!args_only(r, out, known))
		return;
	if (strlen(id) > ID_MAX || !utf8_valid(id, strlen(id), NULL)) {
		reply_error(out, 400, "bad_request", "a customer id is 1 to %d bytes of UTF-8", ID_MAX);
		return;
	}
	struct store *st = store_or_fail(r, out);
	if (!st)
		return;
	struct cache *c = store_cache(st);
	struct customer_context x;
	enum irm_status s = context_load(c, id, &x, &e);
	const bool kiosk = r->who->role == ROLE_KIOSK;
	if (s == IRM_ENOTFOUND && kiosk) {  /* not even whether they exist */
		reply_error(out, 403, "forbidden", "a kiosk sees the passengers of flights from %s only",
			    r->who->station);
		return;
	}
	if (s == IRM_ENOTFOUND) {
		reply_error(out, 404, "not_found", "no customer '%.128s'", id);
		return;
	}
	if (s != IRM_OK) {
		store_failed(out, &e);
		return;
	}
	if (kiosk) {
		char key[8];
		bool in = false;
		snprintf(key, sizeof key, "s:%s", r->who->station);
		if ((s = store_in_key(st, "customer", x.customer.id, key, &in, &e)) != IRM_OK || !in) {
			context_free(&x);
			if (s != IRM_OK)
				store_failed(out, &e);
			else
				reply_error(out, 403, "forbidden", "a kiosk sees the passengers of flights "
					    "from %s only", r->who->station);
			return;
		}
	}
	json_t *cu = record_customer_json(&x.customer);
	if (kiosk) {
		json_object_del(cu, "email");
		json_object_del(cu, "phone");
		json_object_del(cu, "birth_date");
	}
	json_t *trips = json_array();
	for (size_t i = 0; i < x.n_trips; i++)
		json_array_append_new(trips, record_trip_json(&x.trips[i]));
	json_t *alerts = json_array();
	struct alert_filter f = { .customer = x.customer.id };
	struct alert_list l;
	if ((s = alerts_list(c, &f, &l, &e)) == IRM_OK) {
		for (size_t i = 0; i < l.n; i++)
			json_array_append_new(alerts, alerts_item_json(&l.v[i]));
		alerts_list_free(&l);
	}
	json_t *notes = json_array();
	struct note_list nl;
	if (s == IRM_OK && !kiosk && (s = notes_list(c, x.customer.id, &nl, &e)) == IRM_OK) {
		for (size_t i = 0; i < nl.n; i++) {
			char at[26];
			date_format_time((struct irm_time){ .utc = nl.v[i].at_utc, .off_min = 0 }, at);
			json_array_append_new(notes, json_pack("{s:s, s:s, s:s, s:s}", "id", nl.v[i].id,
							       "author", nl.v[i].author, "text",
							       nl.v[i].text, "at", at));
		}
		notes_list_free(&nl);
	}
	context_free(&x);
	if (s != IRM_OK) {
		json_decref(cu);
		json_decref(trips);
		json_decref(alerts);
		json_decref(notes);
		store_failed(out, &e);
		return;
	}
	json_t *j = json_pack("{s:o, s:o, s:o}", "customer", cu, "trips", trips, "alerts", alerts);
	if (kiosk)
		json_decref(notes);
	else
		json_object_set_new(j, "notes", notes);
	reply_obj(out, 200, j);
}

/* --- the routes ------------------------------------------------------------------------ */

const struct route api_routes[] = {
	{ "/v1/health", "health", "GET", 0, api_health },
	{ "/v1/changes", "changes", "GET", R(ROLE_AGENT) | R(ROLE_SUPERVISOR) | R(ROLE_KIOSK),
	  api_changes },
	{ "/v1/actions", "actions", "POST", R(ROLE_AGENT) | R(ROLE_SUPERVISOR) | R(ROLE_KIOSK),
	  api_actions },
	{ "/v1/events", "events", "POST", R(ROLE_INGEST), api_events },
	{ "/v1/search", "search", "GET", R(ROLE_AGENT) | R(ROLE_SUPERVISOR), api_search },
	{ "/v1/customers/", "customers", "GET", R(ROLE_AGENT) | R(ROLE_SUPERVISOR) | R(ROLE_KIOSK),
	  api_customer },
};
const size_t api_n_routes = sizeof api_routes / sizeof api_routes[0];
