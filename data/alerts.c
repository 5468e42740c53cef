/* alerts.c — recognition alerts in the cache: in line with the engine
 * (alerts_sync), acted on by people (alerts_act: transition, history and
 * outbox row in one transaction), listed (alerts_list) and counted for the
 * supervisor's queue (alerts_count, alerts_activity). */
#include "alerts.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "utf8.h"

enum { NAME_MAX_BYTES = 100, TEXT_MAX_BYTES = 4000 };

/* --- shared helpers --------------------------------------------------------- */

static enum irm_status step_done(struct cache *c, sqlite3_stmt *st, const char *doing,
				 struct irm_err *e)
{
	enum irm_status s = sqlite3_step(st) == SQLITE_DONE ? IRM_OK : cache_sql_error(c, e, doing);
	sqlite3_reset(st);
	return s;
}

static bool same_str(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static void iso_utc(int64_t utc, char buf[static 26])
{
	date_format_time((struct irm_time){ .utc = utc, .off_min = 0 }, buf);
}

/* "UA1234 DEN→SEA 2026-11-22", the leg in words for history notes. */
static void leg_text(const struct segment *sg, char *buf, size_t size)
{
	char day[11];

	if (!sg) {
		snprintf(buf, size, "no leg");
		return;
	}
	date_format(date_local_day(sg->departure), day);
	snprintf(buf, size, "%s%s%s%s→%s %s", sg->carrier ? sg->carrier : "",
		 sg->flight ? sg->flight : "", sg->carrier || sg->flight ? " " : "",
		 sg->origin, sg->destination, day);
}

static const char SQL_HISTORY_ADD[] =
	"INSERT INTO alert_history(alert_id, seq, at_utc, who, from_state, to_state, note)"
	" VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM alert_history WHERE alert_id = ?1),"
	" ?2, ?3, ?4, ?5, ?6)";

/* One history row; from < 0 for the row that creates the alert. */
static enum irm_status history_add(struct cache *c, const char *alert_id, int64_t at,
				   const char *who, int from, enum alert_state to,
				   const char *note, struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_HISTORY_ADD, e);
	if (!st)
		return IRM_ECACHE;
	cache_bind_text(st, 1, alert_id);
	sqlite3_bind_int64(st, 2, at);
	cache_bind_text(st, 3, who);
	cache_bind_text(st, 4, from < 0 ? NULL : alert_state_name((enum alert_state)from));
	cache_bind_text(st, 5, alert_state_name(to));
	cache_bind_text(st, 6, note);
	return step_done(c, st, "writing an alert's history", e);
}

/* --- alerts_sync ------------------------------------------------------------ */

struct stored {
	char *id, *segment_id, *title, *message;
	enum alert_state state;
	bool has_due;
	int64_t due_utc;
	int priority;
	bool origin_stale;          /* leg_origin is not its leg's origin now */
	bool seen;                  /* the engine still holds it */
};

/* leg_origin is the origin of the alert's leg as the cache has it when the
 * alert is written (NULL when the leg is not in the cache): what lets a
 * station filter pass over alerts without looking up each one's leg. */
#define LEG_ORIGIN_OF(seg) "(SELECT origin FROM segments WHERE id = " seg ")"

static const char SQL_SYNC_STORED[] =
	"SELECT id, state, segment_id, title, message, due_utc, priority,"
	" leg_origin IS NOT " LEG_ORIGIN_OF("alerts.segment_id")
	" FROM alerts WHERE customer_id = ?1";
static const char SQL_SYNC_INSERT[] =
	"INSERT INTO alerts(id, customer_id, kind, threshold, state, segment_id, title, message,"
	" priority, due_utc, created_utc, updated_utc, version, leg_origin)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, 1, " LEG_ORIGIN_OF("?6") ")";
static const char SQL_SYNC_UPDATE[] =
	"UPDATE alerts SET state = ?2, segment_id = ?3, title = ?4, message = ?5, priority = ?6,"
	" due_utc = ?7, kind = ?8, threshold = ?9, updated_utc = ?10, version = version + 1,"
	" leg_origin = " LEG_ORIGIN_OF("?3") " WHERE id = ?1";
static const char SQL_SYNC_WITHDRAW[] =
	"UPDATE alerts SET state = 'withdrawn', updated_utc = ?2, version = version + 1"
	" WHERE id = ?1";

static void stored_free(struct stored *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].segment_id);
		free(v[i].title);
		free(v[i].message);
	}
	free(v);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? xstrdup(s) : NULL;
}

static enum irm_status stored_load(struct cache *c, const char *customer_id, struct stored **out,
				   size_t *n, struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_SYNC_STORED, e);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return IRM_ECACHE;
	cache_bind_text(st, 1, customer_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		struct stored *s = &(*out)[(*n)++];
		memset(s, 0, sizeof *s);
		s->id = col_dup(st, 0);
		if (!alert_state_parse((const char *)sqlite3_column_text(st, 1), &s->state))
			s->state = ALERT_PENDING;  /* unknown: treat as owned by people */
		s->segment_id = col_dup(st, 2);
		s->title = col_dup(st, 3);
		s->message = col_dup(st, 4);
		s->has_due = sqlite3_column_type(st, 5) != SQLITE_NULL;
		s->due_utc = sqlite3_column_int64(st, 5);
		s->priority = sqlite3_column_int(st, 6);
		s->origin_stale = sqlite3_column_int(st, 7) != 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IRM_OK : cache_sql_error(c, e, "reading a customer's alerts");
}

static void bind_held(sqlite3_stmt *st, const struct milestone_alert *h, int i_title,
		      int i_message, int i_priority, int i_due, int i_kind, int i_threshold)
{
	sqlite3_bind_text(st, i_title, h->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, i_message, h->message, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, i_priority, h->rule ? h->rule->priority : 0);
	if (h->due_utc > 0)
		sqlite3_bind_int64(st, i_due, h->due_utc);
	else
		sqlite3_bind_null(st, i_due);
	cache_bind_text(st, i_kind, h->rule ? h->rule->name : "milestone");
	if (h->threshold >= 0)
		sqlite3_bind_int64(st, i_threshold, h->threshold);
	else
		sqlite3_bind_null(st, i_threshold);
}

static enum irm_status sync_insert(struct cache *c, const char *customer_id, const char *id,
				   const struct milestone_alert *h, int64_t now, struct irm_err *e)
{
	enum alert_state to;
	enum irm_status s = alert_create(h->state == ALERT_PENDING ? ALERT_EV_CROSS : ALERT_EV_PROJECT,
					 &to, e);
	if (s != IRM_OK)
		return s;
	sqlite3_stmt *st = cache_stmt(c, SQL_SYNC_INSERT, e);
	if (!st)
		return IRM_ECACHE;
	cache_bind_text(st, 1, id);
	cache_bind_text(st, 2, customer_id);
	cache_bind_text(st, 5, alert_state_name(to));
	cache_bind_text(st, 6, h->segment ? h->segment->id : NULL);
	bind_held(st, h, 7, 8, 9, 10, 3, 4);
	sqlite3_bind_int64(st, 11, now);
	if ((s = step_done(c, st, "adding an alert", e)) != IRM_OK)
		return s;
	char leg[128], note[160];
	leg_text(h->segment, leg, sizeof leg);
	snprintf(note, sizeof note, "%s on %s", to == ALERT_PENDING ? "crossed" : "projected", leg);
	return history_add(c, id, now, ALERTS_ENGINE_WHO, -1, to, note, e);
}

static enum irm_status sync_update(struct cache *c, const char *id, enum alert_state to,
				   const struct milestone_alert *h, int64_t now, struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_SYNC_UPDATE, e);
	if (!st)
		return IRM_ECACHE;
	cache_bind_text(st, 1, id);
	cache_bind_text(st, 2, alert_state_name(to));
	cache_bind_text(st, 3, h->segment ? h->segment->id : NULL);
	bind_held(st, h, 4, 5, 6, 7, 8, 9);
	sqlite3_bind_int64(st, 10, now);
	return step_done(c, st, "updating an alert", e);
}

/* One alert the engine holds, against what is stored (or NULL). */
static enum irm_status sync_one(struct cache *c, const char *customer_id, const char *id,
				const struct milestone_alert *h, struct stored *old, int64_t now,
				struct irm_err *e)
{
	const char *seg = h->segment ? h->segment->id : NULL;
	char leg[128], note[176];
	enum alert_state to;
	enum irm_status s;

	if (!old)  /* a late crossing raises nothing new */
		return h->late ? IRM_OK : sync_insert(c, customer_id, id, h, now, e);
	old->seen = true;
	leg_text(h->segment, leg, sizeof leg);
	switch (old->state) {
	case ALERT_PROJECTED:
		if (h->state == ALERT_PENDING) {
			if ((s = alert_transition(old->state, ALERT_EV_CROSS, &to, e)) != IRM_OK)
				return s;
			snprintf(note, sizeof note, "crossed on %s", leg);
		} else if (!same_str(old->segment_id, seg)) {
			if ((s = alert_transition(old->state, ALERT_EV_PROJECT, &to, e)) != IRM_OK)
				return s;
			snprintf(note, sizeof note, "moved to %s", leg);
		} else {
			/* Same leg: follow a re-timed (or re-routed) leg or changed
			 * wording quietly. */
			int priority = h->rule ? h->rule->priority : 0;
			bool same_due = h->due_utc > 0 ? old->has_due && old->due_utc == h->due_utc
							: !old->has_due;
			if (same_due && priority == old->priority && same_str(old->title, h->title) &&
			    same_str(old->message, h->message) && !old->origin_stale)
				return IRM_OK;
			return sync_update(c, id, ALERT_PROJECTED, h, now, e);
		}
		break;
	case ALERT_WITHDRAWN:
		if (h->late)
			return IRM_OK;
		if ((s = alert_transition(old->state, h->state == ALERT_PENDING ? ALERT_EV_CROSS
							: ALERT_EV_PROJECT, &to, e)) != IRM_OK)
			return s;
		snprintf(note, sizeof note, "%s on %s", to == ALERT_PENDING ? "crossed" :
			 "projected again", leg);
		break;
	case ALERT_PENDING:
	case ALERT_ACKNOWLEDGED:
	case ALERT_DONE:
	case ALERT_DISMISSED:
	case ALERT_STATE_COUNT:
		return IRM_OK;      /* people own it now */
	}
	if ((s = sync_update(c, id, to, h, now, e)) != IRM_OK)
		return s;
	s = history_add(c, id, now, ALERTS_ENGINE_WHO, (int)old->state, to, note, e);
	old->state = to;
	free(old->segment_id);
	old->segment_id = seg ? xstrdup(seg) : NULL;
	return s;
}

static enum irm_status sync_withdraw(struct cache *c, struct stored *old, int64_t now,
				     struct irm_err *e)
{
	enum alert_state to;
	enum irm_status s = alert_transition(old->state, ALERT_EV_WITHDRAW, &to, e);
	if (s != IRM_OK)
		return s;
	sqlite3_stmt *st = cache_stmt(c, SQL_SYNC_WITHDRAW, e);
	if (!st)
		return IRM_ECACHE;
	cache_bind_text(st, 1, old->id);
	sqlite3_bind_int64(st, 2, now);
	if ((s = step_done(c, st, "withdrawing an alert", e)) != IRM_OK)
		return s;
	s = history_add(c, old->id, now, ALERTS_ENGINE_WHO, (int)old->state, to,
			"no booked leg crosses its threshold now", e);
	old->state = to;
	return s;
}

/* The id of an alert the engine holds: its own, or made from its parts. */
static const char *held_id(const char *customer_id, const struct milestone_alert *h,
			   char buf[static 96])
{
	if (h->id[0])
		return h->id;
	if (!alert_make_id(buf, 96, customer_id, h->rule ? h->rule->name : "", h->threshold))
		return NULL;
	return buf;
}

enum irm_status alerts_sync(struct cache *c, const char *customer_id,
			    const struct milestone_alert *held, size_t n, int64_t now,
			    struct irm_err *e)
{
	struct stored *old;
	size_t n_old;
	enum irm_status s;

	if (!customer_id || !*customer_id)
		return err_set(e, IRM_EUSAGE, "alerts_sync: no customer id");
	if ((s = stored_load(c, customer_id, &old, &n_old, e)) != IRM_OK)
		return s;
	for (size_t i = 0; i < n && s == IRM_OK; i++) {
		const struct milestone_alert *h = &held[i];
		char buf[96], other[96];
		const char *id = held_id(customer_id, h, buf);
		if (!id) {
			s = err_set(e, IRM_EINPUT, "an alert without an id");
			break;
		}
		if (h->state != ALERT_PROJECTED && h->state != ALERT_PENDING) {
			s = err_set(e, IRM_EINPUT, "alert '%s': the engine says %s; only projected "
				    "or pending can hold", id, alert_state_name(h->state));
			break;
		}
		/* The engine named the same alert twice: the first counts. */
		bool dup = false;
		for (size_t k = 0; k < i && !dup; k++) {
			const char *id_k = held_id(customer_id, &held[k], other);
			dup = id_k && strcmp(id_k, id) == 0;
		}
		if (dup)
			continue;
		struct stored *o = NULL;
		for (size_t j = 0; j < n_old && !o; j++)
			if (strcmp(old[j].id, id) == 0)
				o = &old[j];
		s = sync_one(c, customer_id, id, h, o, now, e);
	}
	for (size_t j = 0; j < n_old && s == IRM_OK; j++)
		if (!old[j].seen && old[j].state == ALERT_PROJECTED)
			s = sync_withdraw(c, &old[j], now, e);
	stored_free(old, n_old);
	if (s != IRM_OK)
		err_prefix(e, "alerts of customer '%s'", customer_id);
	return s;
}

/* --- alerts_act -------------------------------------------------------------- */

static const char SQL_ACT_GET[] =
	"SELECT state, action, reason FROM alerts WHERE id = ?1";
static const char SQL_ACT_CLOSED_BY[] =
	"SELECT who, at_utc, note FROM alert_history WHERE alert_id = ?1 AND to_state = ?2"
	" ORDER BY seq DESC LIMIT 1";
static const char SQL_ACT_UPDATE[] =
	"UPDATE alerts SET state = ?2, assigned_to = coalesce(?3, assigned_to),"
	" action = coalesce(?4, action), reason = coalesce(?5, reason), updated_utc = ?6,"
	" version = version + 1 WHERE id = ?1";
static const char SQL_OUTBOX_ADD[] =
	"INSERT INTO outbox(kind, body, created_utc) VALUES (?1, ?2, ?3)";

static enum irm_status check_text(const char *what, const char *s, size_t max, bool required,
				  struct irm_err *e)
{
	if (!s || !*s) {
		if (required)
			return err_set(e, IRM_EUSAGE, "%s is empty", what);
		return IRM_OK;
	}
	size_t n = strlen(s);
	if (n > max)
		return err_set(e, IRM_EUSAGE, "%s is too long (%zu bytes; at most %zu)", what, n, max);
	if (!utf8_valid(s, n, NULL))
		return err_set(e, IRM_EUSAGE, "%s is not valid UTF-8", what);
	bool blank = true;
	for (const char *p = s; *p && blank; p++)
		blank = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
	if (blank && required)
		return err_set(e, IRM_EUSAGE, "%s is empty", what);
	return IRM_OK;
}

/* An outbox row: kind and its JSON body (an object the caller built;
 * consumed). Sets *seq to the row's number. */
static enum irm_status outbox_add(struct cache *c, const char *kind, json_t *body, int64_t now,
				  int64_t *seq, struct irm_err *e)
{
	if (cache_is_central(c)) {  /* applied at the centre: nothing to upload */
		json_decref(body);
		return IRM_OK;
	}
	char *text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(body);
	if (!text)
		return err_set(e, IRM_EINPUT, "%s: the action cannot be written as JSON", kind);
	sqlite3_stmt *st = cache_stmt(c, SQL_OUTBOX_ADD, e);
	if (!st) {
		free(text);
		return IRM_ECACHE;
	}
	cache_bind_text(st, 1, kind);
	cache_bind_text(st, 2, text);
	sqlite3_bind_int64(st, 3, now);
	enum irm_status s = step_done(c, st, "writing the outbox", e);
	free(text);
	if (s == IRM_OK && seq)
		*seq = sqlite3_last_insert_rowid(cache_db(c));
	return s;
}

/* The alert is done or dismissed: say by whom, when and how. */
static enum irm_status closed_already(struct cache *c, const char *alert_id,
				      enum alert_state state, const char *how,
				      struct alert_act_result *res, struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_ACT_CLOSED_BY, e);
	char who[128] = "someone", at[26] = "an unknown time";
	int64_t when = 0;

	if (!st)
		return IRM_ECACHE;
	cache_bind_text(st, 1, alert_id);
	cache_bind_text(st, 2, alert_state_name(state));
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(who, sizeof who, "%s", (const char *)sqlite3_column_text(st, 0));
		when = sqlite3_column_int64(st, 1);
		iso_utc(when, at);
	}
	sqlite3_reset(st);
	if (res) {
		res->closed_already = true;
		res->closed_state = state;
		snprintf(res->closed_by, sizeof res->closed_by, "%s", who);
		res->closed_at = when;
		snprintf(res->closed_how, sizeof res->closed_how, "%s", how ? how : "");
	}
	if (how && *how)
		return err_set(e, IRM_EINPUT, "alert %s: already %s by %s at %s (%s%s)", alert_id,
			       alert_state_name(state), who, at,
			       state == ALERT_DISMISSED ? "reason: " : "", how);
	return err_set(e, IRM_EINPUT, "alert %s: already %s by %s at %s", alert_id,
		       alert_state_name(state), who, at);
}

static const char *const outbox_kinds[ALERT_EV_COUNT] = {
	[ALERT_EV_ACK] = "alert.ack",
	[ALERT_EV_DONE] = "alert.done",
	[ALERT_EV_DISMISS] = "alert.dismiss",
	[ALERT_EV_ASSIGN] = "alert.assign",
};

static enum irm_status act_validate(enum alert_event ev, const char *who,
				    enum alert_action action, const char *text,
				    const char *assignee, struct irm_err *e)
{
	enum irm_status s;

	if ((unsigned)ev >= ALERT_EV_COUNT || !outbox_kinds[ev])
		return err_set(e, IRM_EUSAGE, "'%s' is the engine's to send, not a person's",
			       alert_event_name(ev));
	if ((s = check_text("the acting user's name", who, NAME_MAX_BYTES, true, e)) != IRM_OK)
		return s;
	if (ev == ALERT_EV_DONE && (unsigned)action >= ACTION_COUNT)
		return err_set(e, IRM_EUSAGE, "done needs an action (email, call, greeting, gift, "
			       "social or other)");
	if ((s = check_text(ev == ALERT_EV_DISMISS ? "the reason" : "the note", text,
			    TEXT_MAX_BYTES, ev == ALERT_EV_DISMISS, e)) != IRM_OK)
		return s;
	if (ev == ALERT_EV_ASSIGN &&
	    (s = check_text("the assignee", assignee, NAME_MAX_BYTES, true, e)) != IRM_OK)
		return s;
	return IRM_OK;
}

/* Inside the transaction: everything but BEGIN and COMMIT. */
static enum irm_status act_apply(struct cache *c, const char *alert_id, enum alert_event ev,
				 const char *who, enum alert_action action, const char *text,
				 const char *assignee, int64_t now, struct alert_act_result *res,
				 struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_ACT_GET, e);
	enum alert_state from, to;
	char how[256] = "";
	enum irm_status s;

	if (!st)
		return IRM_ECACHE;
	cache_bind_text(st, 1, alert_id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return cache_sql_error(c, e, "reading an alert");
		return err_set(e, IRM_ENOTFOUND, "no alert '%s'", alert_id);
	}
	if (!alert_state_parse((const char *)sqlite3_column_text(st, 0), &from)) {
		s = err_set(e, IRM_ECACHE, "alert '%s': unknown state '%s' in the cache", alert_id,
			    (const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		return s;
	}
	const char *stored_how = (const char *)sqlite3_column_text(st, from == ALERT_DONE ? 1 : 2);
	snprintf(how, sizeof how, "%s", stored_how ? stored_how : "");
	sqlite3_reset(st);
	if (res)
		res->from = res->to = from;

	if ((s = alert_transition(from, ev, &to, e)) != IRM_OK) {
		if (from == ALERT_DONE || from == ALERT_DISMISSED)
			return closed_already(c, alert_id, from, how, res, e);
		err_prefix(e, "alert %s", alert_id);
		return s;
	}

	const char *owner = ev == ALERT_EV_ACK ? who : ev == ALERT_EV_ASSIGN ? assignee : NULL;
	const char *action_name = ev == ALERT_EV_DONE ? alert_action_name(action) : NULL;
	const char *reason = ev == ALERT_EV_DISMISS ? text : NULL;
	if (!(st = cache_stmt(c, SQL_ACT_UPDATE, e)))
		return IRM_ECACHE;
	cache_bind_text(st, 1, alert_id);
	cache_bind_text(st, 2, alert_state_name(to));
	cache_bind_text(st, 3, owner);
	cache_bind_text(st, 4, action_name);
	cache_bind_text(st, 5, reason);
	sqlite3_bind_int64(st, 6, now);
	if ((s = step_done(c, st, "updating an alert", e)) != IRM_OK)
		return s;

	/* The history note says what happened beyond the states. */
	const char *note = text && *text ? text : NULL;
	char *made = NULL;
	if (ev == ALERT_EV_DONE || ev == ALERT_EV_ASSIGN) {
		const char *head = ev == ALERT_EV_DONE ? action_name : "assigned to ";
		const char *tail = ev == ALERT_EV_ASSIGN ? assignee : "";
		size_t len = strlen(head) + strlen(tail) + (note ? strlen(note) + 2 : 0) + 1;
		made = xmalloc(len);
		snprintf(made, len, "%s%s%s%s", head, tail, note ? ": " : "", note ? note : "");
		note = made;
	}
	s = history_add(c, alert_id, now, who, (int)from, to, note, e);
	free(made);
	if (s != IRM_OK)
		return s;

	char at[26];
	iso_utc(now, at);
	json_t *body = json_object();
	json_object_set_new(body, "kind", json_string(outbox_kinds[ev]));
	json_object_set_new(body, "alert_id", json_string(alert_id));
	json_object_set_new(body, "who", json_string(who));
	json_object_set_new(body, "at", json_string(at));
	json_object_set_new(body, "from", json_string(alert_state_name(from)));
	if (action_name)
		json_object_set_new(body, "action", json_string(action_name));
	if (reason)
		json_object_set_new(body, "reason", json_string(reason));
	else if (text && *text)
		json_object_set_new(body, "note", json_string(text));
	if (ev == ALERT_EV_ASSIGN)
		json_object_set_new(body, "assignee", json_string(assignee));
	if ((s = outbox_add(c, outbox_kinds[ev], body, now, res ? &res->outbox_seq : NULL, e)) != IRM_OK)
		return s;
	if (res)
		res->to = to;
	return IRM_OK;
}

enum irm_status alerts_act(struct cache *c, const char *alert_id, enum alert_event ev,
			   const char *who, enum alert_action action, const char *text,
			   const char *assignee, int64_t now, struct alert_act_result *res,
			   struct irm_err *e)
{
	enum irm_status s;

	if (res)
		memset(res, 0, sizeof *res);
	if ((s = cache_begin(c, e)) != IRM_OK)
		return s;
	s = alerts_act_tx(c, alert_id, ev, who, action, text, assignee, now, res, e);
	if (s == IRM_OK)
		s = cache_commit(c, e);
	if (s != IRM_OK)
		cache_rollback(c);
	return s;
}

enum irm_status alerts_act_tx(struct cache *c, const char *alert_id, enum alert_event ev,
			      const char *who, enum alert_action action, const char *text,
			      const char *assignee, int64_t now, struct alert_act_result *res,
			      struct irm_err *e)
{
	enum irm_status s;

	if (res)
		memset(res, 0, sizeof *res);
	if (!alert_id || !*alert_id)
		return err_set(e, IRM_EUSAGE, "no alert id given");
	if ((s = act_validate(ev, who, action, text, assignee, e)) != IRM_OK)
		return s;
	return act_apply(c, alert_id, ev, who, action, text, assignee, now, res, e);
}

/* --- alerts_list and alerts_count ------------------------------------------ */

static const char *const order_names[ALERT_ORDER_COUNT] = {
	[ALERT_ORDER_DUE] = "due",
	[ALERT_ORDER_AGE] = "age",
	[ALERT_ORDER_PRIORITY] = "priority",
};

const char *alert_order_name(enum alert_order o)
{
	return (unsigned)o < ALERT_ORDER_COUNT ? order_names[o] : "?";
}

bool alert_order_parse(const char *s, enum alert_order *out)
{
	for (int i = 0; s && i < ALERT_ORDER_COUNT; i++) {
		const char *a = s, *b = order_names[i];
		while (*a && (*a == *b || (*a >= 'A' && *a <= 'Z' && *a - 'A' + 'a' == *b))) {
			a++;
			b++;
		}
		if (!*a && !*b) {
			*out = (enum alert_order)i;
			return true;
		}
	}
	return false;
}

/* Parameters, the same in every statement below: ?1 id, ?2 customer,
 * ?3..?8 states (NULL where unused: a list's wanted states, or the open
 * ones for the overdue count), ?9 flight, ?10 date, ?11 limit, ?12 kind,
 * ?13 station, ?14 assignee; counts: ?15 now, ?16 the end of "soon".
 *
 * A page of the queue is picked from the alerts table alone: the state
 * leads, and each order has its own index (schema step 3) holding the
 * columns the filters test, so the page comes from the index without a
 * look at the table, and SQLite stops after `limit` rows of each state.
 * The index is named (INDEXED BY): left to itself, the planner sees the
 * three as equal and may take one in the wrong order, which reads every
 * alert of those states. Only the page is joined with its legs and
 * customers. A condition on the leg is an EXISTS that runs only when its
 * filter is set; a station is first told by leg_origin, so only the
 * alerts there look up their leg. */
#define STATES_IN "a.state IN (?3, ?4, ?5, ?6, ?7, ?8)"
#define FILTERS                                                                            \
	" AND (?12 IS NULL OR a.kind = ?12)"                                                 \
	" AND (?14 IS NULL OR coalesce(a.assigned_to, '') = ?14)"                            \
	" AND (?13 IS NULL OR ((a.leg_origin = ?13 OR a.leg_origin IS NULL)"                 \
	" AND EXISTS (SELECT 1 FROM segments s WHERE s.id = a.segment_id"                    \
	" AND (a.leg_origin IS NOT NULL OR s.origin = ?13))))"                               \
	" AND (?9 IS NULL AND ?10 IS NULL OR EXISTS (SELECT 1 FROM segments s"               \
	" WHERE s.id = a.segment_id AND (?9 IS NULL OR s.carrier || s.flight = ?9)"          \
	" AND (?10 IS NULL OR date(s.dep_utc + s.dep_off * 60, 'unixepoch') = ?10)))"

/* Which index leads: the first filter set of id, customer, states. */
enum lead { LEAD_ID, LEAD_CUSTOMER, LEAD_STATE, LEAD_ALL, LEAD_COUNT };
#define WHERE_ID "WHERE a.id = ?1 AND (?2 IS NULL OR a.customer_id = ?2)"
#define WHERE_CUSTOMER "WHERE a.customer_id = ?2"
#define WHERE_ALL "WHERE 1"
#define AND_STATES " AND (?3 IS NULL OR " STATES_IN ")"

#define ORDER_DUE "a.due_utc IS NULL, a.due_utc, a.priority, a.id"
#define ORDER_AGE "a.created_utc, a.id"
#define ORDER_PRIORITY "a.priority, a.due_utc IS NULL, a.due_utc, a.id"

#define LIST_PAGE(from, where, order)                                                      \
	"SELECT a.id, a.customer_id, cu.name, a.kind, a.threshold, a.state, a.segment_id,"  \
	" a.title, a.message, a.priority, a.due_utc, a.assigned_to, a.action, a.reason,"     \
	" a.created_utc, a.updated_utc, s.id, s.carrier, s.flight, s.origin, s.destination," \
	" s.dep_utc, s.dep_off"                                                              \
	" FROM (SELECT a.id FROM " from " " where FILTERS " ORDER BY " order " LIMIT ?11) p" \
	" JOIN alerts a ON a.id = p.id LEFT JOIN segments s ON s.id = a.segment_id"         \
	" LEFT JOIN customers cu ON cu.id = a.customer_id ORDER BY " order
#define LIST_ORDERS(where)                                                                 \
	{ LIST_PAGE("alerts a", where, ORDER_DUE), LIST_PAGE("alerts a", where, ORDER_AGE),   \
	  LIST_PAGE("alerts a", where, ORDER_PRIORITY) }

static const char *const SQL_LIST[LEAD_COUNT][ALERT_ORDER_COUNT] = {
	[LEAD_ID] = LIST_ORDERS(WHERE_ID AND_STATES),
	[LEAD_CUSTOMER] = LIST_ORDERS(WHERE_CUSTOMER AND_STATES),
	[LEAD_STATE] = {
		LIST_PAGE("alerts a INDEXED BY alerts_queue_due", "WHERE " STATES_IN, ORDER_DUE),
		LIST_PAGE("alerts a INDEXED BY alerts_queue_age", "WHERE " STATES_IN, ORDER_AGE),
		LIST_PAGE("alerts a INDEXED BY alerts_queue_priority", "WHERE " STATES_IN,
			  ORDER_PRIORITY),
	},
	[LEAD_ALL] = LIST_ORDERS(WHERE_ALL),
};

/* Counts ignore the filter's states: every state is counted, and then the
 * open ones due before the end of "soon", from the index by due time. */
#define COUNT(where) "SELECT a.state, count(*) FROM alerts a " where FILTERS " GROUP BY a.state"
static const char *const SQL_COUNT[LEAD_COUNT] = {
	[LEAD_ID] = COUNT(WHERE_ID),
	[LEAD_CUSTOMER] = COUNT(WHERE_CUSTOMER),
	[LEAD_STATE] = COUNT(WHERE_ALL),
	[LEAD_ALL] = COUNT(WHERE_ALL),
};
#define COUNT_DUE(where)                                                                   \
	"SELECT count(*) FILTER (WHERE a.due_utc < ?15), count(*) FILTER (WHERE a.due_utc >= ?15)" \
	" FROM alerts a " where " AND " STATES_IN " AND (a.due_utc IS NULL) = 0"              \
	" AND a.due_utc < ?16" FILTERS
static const char *const SQL_COUNT_DUE[LEAD_COUNT] = {
	[LEAD_ID] = COUNT_DUE(WHERE_ID),
	[LEAD_CUSTOMER] = COUNT_DUE(WHERE_CUSTOMER),
	[LEAD_STATE] = COUNT_DUE(WHERE_ALL),
	[LEAD_ALL] = COUNT_DUE(WHERE_ALL),
};

static const char SQL_LIST_CUSTOMER_ID[] =
	"SELECT id FROM customers WHERE id = ?1"
	" UNION ALL SELECT id FROM customers WHERE member_key = upper(?1) LIMIT 1";
static const char SQL_LIST_HISTORY[] =
	"SELECT who, at_utc, from_state, to_state, note FROM alert_history WHERE alert_id = ?1"
	" ORDER BY seq";

/* A filter's values as bound: normalised copies live here until the
 * statement has run. */
struct bound_filter {
	const char *customer;       /* the customer's id */
	char flight[32], day[11], station[8];
};

/* "ua 1234" → "UA1234", " den" → "DEN". */
static void upper_nospace(const char *s, char *out, size_t size)
{
	size_t n = 0;
	for (; *s && n + 1 < size; s++)
		if (*s != ' ')
			out[n++] = *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s;
	out[n] = '\0';
}

static enum lead filter_lead(const struct alert_filter *f, const struct bound_filter *b)
{
	return f->id ? LEAD_ID : b->customer ? LEAD_CUSTOMER : f->states ? LEAD_STATE : LEAD_ALL;
}

/* Binds all but the limit and the times; `states` into ?3..?8. */
static void bind_filter(sqlite3_stmt *st, const struct alert_filter *f, struct bound_filter *b,
			unsigned states)
{
	cache_bind_text(st, 1, f->id);
	cache_bind_text(st, 2, b->customer);
	for (int i = 0, k = 3; i < ALERT_STATE_COUNT; i++)
		if (states & (1u << i))
			sqlite3_bind_text(st, k++, alert_state_name((enum alert_state)i), -1, SQLITE_STATIC);
	if (f->flight) {
		upper_nospace(f->flight, b->flight, sizeof b->flight);
		sqlite3_bind_text(st, 9, b->flight, -1, SQLITE_STATIC);
	}
	if (f->has_date) {
		date_format(f->date, b->day);
		sqlite3_bind_text(st, 10, b->day, -1, SQLITE_STATIC);
	}
	cache_bind_text(st, 12, f->kind);
	if (f->station) {
		upper_nospace(f->station, b->station, sizeof b->station);
		sqlite3_bind_text(st, 13, b->station, -1, SQLITE_STATIC);
	}
	cache_bind_text(st, 14, f->assignee);
}

static const char *col_str(struct arena *a, sqlite3_stmt *st, int i)
{
	return arena_strdup(a, (const char *)sqlite3_column_text(st, i));
}

static void col_code(sqlite3_stmt *st, int i, char out[4])
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	snprintf(out, 4, "%s", s ? s : "");
}

static void read_item(sqlite3_stmt *st, struct arena *a, struct alert_item *it)
{
	memset(it, 0, sizeof *it);
	it->id = col_str(a, st, 0);
	it->customer_id = col_str(a, st, 1);
	it->customer_name = col_str(a, st, 2);
	it->kind = col_str(a, st, 3);
	it->threshold = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 4);
	if (!alert_state_parse((const char *)sqlite3_column_text(st, 5), &it->state))
		it->state = ALERT_PENDING;
	if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
		it->has_segment = true;
		it->segment.id = col_str(a, st, 6);
		if (sqlite3_column_type(st, 16) != SQLITE_NULL) {
			it->segment.known = true;
			it->segment.carrier = col_str(a, st, 17);
			it->segment.flight = col_str(a, st, 18);
			col_code(st, 19, it->segment.origin);
			col_code(st, 20, it->segment.destination);
			it->segment.departure.utc = sqlite3_column_int64(st, 21);
			it->segment.departure.off_min = sqlite3_column_int(st, 22);
		}
	}
	it->title = col_str(a, st, 7);
	it->message = col_str(a, st, 8);
	it->priority = sqlite3_column_int(st, 9);
	it->has_due = sqlite3_column_type(st, 10) != SQLITE_NULL;
	it->due_utc = sqlite3_column_int64(st, 10);
	it->assigned_to = col_str(a, st, 11);
	it->has_action = alert_action_parse((const char *)sqlite3_column_text(st, 12), &it->action);
	it->reason = col_str(a, st, 13);
	it->created_utc = sqlite3_column_int64(st, 14);
	it->updated_utc = sqlite3_column_int64(st, 15);
}

static enum irm_status read_history(struct cache *c, struct arena *a, struct alert_item *it,
				    struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_LIST_HISTORY, e);
	size_t cap = 0;
	int rc;

	if (!st)
		return IRM_ECACHE;
	cache_bind_text(st, 1, it->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (it->n_history == cap) {
			struct alert_history_entry *old = it->history;
			cap = cap ? cap * 2 : 4;
			it->history = arena_alloc(a, cap * sizeof *it->history);
			if (old)
				memcpy(it->history, old, it->n_history * sizeof *old);
		}
		struct alert_history_entry *h = &it->history[it->n_history++];
		h->who = col_str(a, st, 0);
		h->at_utc = sqlite3_column_int64(st, 1);
		h->has_from = alert_state_parse((const char *)sqlite3_column_text(st, 2), &h->from);
		if (!alert_state_parse((const char *)sqlite3_column_text(st, 3), &h->to))
			h->to = it->state;
		h->note = col_str(a, st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IRM_OK : cache_sql_error(c, e, "reading an alert's history");
}

/* A customer filter names a customer id or a member number: the id. */
static enum irm_status resolve_customer(struct cache *c, const char *key, struct arena *a,
					const char **id, struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_LIST_CUSTOMER_ID, e);
	if (!st)
		return IRM_ECACHE;
	cache_bind_text(st, 1, key);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = col_str(a, st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return IRM_OK;
	if (rc != SQLITE_DONE)
		return cache_sql_error(c, e, "looking up a customer");
	return err_set(e, IRM_ENOTFOUND, "no customer '%s'", key);
}

static enum irm_status list_run(struct cache *c, const struct alert_filter *f,
				struct alert_list *out, struct irm_err *e)
{
	struct bound_filter b = { 0 };
	enum irm_status s;
	size_t cap = 0;

	if ((unsigned)f->order >= ALERT_ORDER_COUNT)
		return err_set(e, IRM_EUSAGE, "listing alerts: no order %d", (int)f->order);
	if (f->customer && (s = resolve_customer(c, f->customer, &out->arena, &b.customer, e)) != IRM_OK)
		return s;
	sqlite3_stmt *st = cache_stmt(c, SQL_LIST[filter_lead(f, &b)][f->order], e);
	if (!st)
		return IRM_ECACHE;
	bind_filter(st, f, &b, f->states);
	sqlite3_bind_int64(st, 11, f->limit && f->limit <= INT64_MAX ? (int64_t)f->limit : -1);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->v = xrealloc(out->v, cap * sizeof *out->v);
		}
		read_item(st, &out->arena, &out->v[out->n++]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return cache_sql_error(c, e, "listing alerts");
	for (size_t i = 0; i < out->n && !f->no_history; i++)
		if ((s = read_history(c, &out->arena, &out->v[i], e)) != IRM_OK)
			return s;
	return IRM_OK;
}

enum irm_status alerts_list(struct cache *c, const struct alert_filter *f,
			    struct alert_list *out, struct irm_err *e)
{
	static const struct alert_filter none = { 0 };

	memset(out, 0, sizeof *out);
	bool started = cache_read_begin(c);
	enum irm_status s = list_run(c, f ? f : &none, out, e);
	cache_read_end(c, started);
	if (s != IRM_OK)
		alerts_list_free(out);
	return s;
}

void alerts_list_free(struct alert_list *l)
{
	free(l->v);
	arena_free(&l->arena);
	l->v = NULL;
	l->n = 0;
}

static enum irm_status count_run(struct cache *c, const struct alert_filter *f, int64_t now,
				 int64_t soon_seconds, struct alert_counts *out, struct arena *a,
				 struct irm_err *e)
{
	struct bound_filter b = { 0 };
	enum irm_status s;
	int rc;

	if (f->customer && (s = resolve_customer(c, f->customer, a, &b.customer, e)) != IRM_OK)
		return s;
	enum lead lead = filter_lead(f, &b);
	sqlite3_stmt *st = cache_stmt(c, SQL_COUNT[lead], e);
	if (!st)
		return IRM_ECACHE;
	bind_filter(st, f, &b, 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum alert_state state;
		/* A state this irm does not know is in none of the counts. */
		if (alert_state_parse((const char *)sqlite3_column_text(st, 0), &state))
			out->state[state] += sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return cache_sql_error(c, e, "counting alerts");

	unsigned open = 0;
	for (int i = 0; i < ALERT_STATE_COUNT; i++)
		if (alert_state_open((enum alert_state)i))
			open |= 1u << i;
	if (!(st = cache_stmt(c, SQL_COUNT_DUE[lead], e)))
		return IRM_ECACHE;
	bind_filter(st, f, &b, open);
	sqlite3_bind_int64(st, 15, now);
	/* "Soon" ends at now + soon_seconds, short of overflowing. */
	int64_t soon = soon_seconds <= 0 ? now : now > INT64_MAX - soon_seconds ? INT64_MAX
					       : now + soon_seconds;
	sqlite3_bind_int64(st, 16, soon);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->overdue = sqlite3_column_int64(st, 0);
		out->due_soon = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? IRM_OK : cache_sql_error(c, e, "counting overdue alerts");
}

enum irm_status alerts_count(struct cache *c, const struct alert_filter *f, int64_t now,
			     int64_t soon_seconds, struct alert_counts *out, struct irm_err *e)
{
	static const struct alert_filter none = { 0 };
	struct arena a = { 0 };

	memset(out, 0, sizeof *out);
	bool started = cache_read_begin(c);
	enum irm_status s = count_run(c, f ? f : &none, now, soon_seconds, out, &a, e);
	cache_read_end(c, started);
	arena_free(&a);
	if (s != IRM_OK)
		memset(out, 0, sizeof *out);
	return s;
}

/* --- alerts_activity --------------------------------------------------------- */

/* The events of each second in the window (at most one row a second),
 * from the index on at_utc (schema step 3); alerts_activity puts them in
 * their hours. Grouping by the hour here instead would sort every event. */
static const char SQL_ACTIVITY[] =
	"SELECT at_utc, count(*) FILTER (WHERE from_state IS NULL),"
	" count(*) FILTER (WHERE to_state = 'done')"
	" FROM alert_history WHERE at_utc > ?1 AND at_utc <= ?2"
	" AND (from_state IS NULL OR to_state = 'done') GROUP BY at_utc";

enum irm_status alerts_activity(struct cache *c, int64_t now, int hours, long *created,
				long *done, struct irm_err *e)
{
	if (hours < 1 || hours > ALERTS_ACTIVITY_MAX_HOURS)
		return err_set(e, IRM_EUSAGE, "alert activity: %d hours; 1 to %d", hours,
			       ALERTS_ACTIVITY_MAX_HOURS);
	for (int i = 0; i < hours; i++) {
		if (created)
			created[i] = 0;
		if (done)
			done[i] = 0;
	}
	if (now < INT64_MIN + (int64_t)hours * 3600)
		return err_set(e, IRM_EUSAGE, "alert activity: no time before %lld", (long long)now);
	sqlite3_stmt *st = cache_stmt(c, SQL_ACTIVITY, e);
	if (!st)
		return IRM_ECACHE;
	sqlite3_bind_int64(st, 1, now - (int64_t)hours * 3600);
	sqlite3_bind_int64(st, 2, now);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* Hour j back from now is (now - (j + 1) h, now - j h]. */
		int64_t back = (now - sqlite3_column_int64(st, 0)) / 3600;
		if (back < 0 || back >= hours)
			continue;
		int i = hours - 1 - (int)back;
		if (created)
			created[i] += (long)sqlite3_column_int64(st, 1);
		if (done)
			done[i] += (long)sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IRM_OK : cache_sql_error(c, e, "reading the alerts' activity");
}

/* --- alerts_item_json ------------------------------------------------------- */

static json_t *time_utc_json(int64_t utc)
{
	char buf[26];
	iso_utc(utc, buf);
	return json_string(buf);
}

static json_t *leg_json(const struct alert_leg *g)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", utf8_json(g->id));
	json_object_set_new(o, "carrier", utf8_json(g->known ? g->carrier : NULL));
	json_object_set_new(o, "flight", utf8_json(g->known ? g->flight : NULL));
	json_object_set_new(o, "origin", utf8_json(g->known ? g->origin : NULL));
	json_object_set_new(o, "destination", utf8_json(g->known ? g->destination : NULL));
	if (g->known) {
		char dep[26];
		date_format_time(g->departure, dep);
		json_object_set_new(o, "departure", json_string(dep));
	} else {
		json_object_set_new(o, "departure", json_null());
	}
	return o;
}

json_t *alerts_item_json(const struct alert_item *a)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", utf8_json(a->id));
	json_object_set_new(o, "customer_id", utf8_json(a->customer_id));
	json_object_set_new(o, "customer_name", utf8_json(a->customer_name));
	json_object_set_new(o, "kind", utf8_json(a->kind));
	json_object_set_new(o, "threshold", a->threshold >= 0 ? json_integer(a->threshold) : json_null());
	json_object_set_new(o, "state", json_string(alert_state_name(a->state)));
	json_object_set_new(o, "segment", a->has_segment ? leg_json(&a->segment) : json_null());
	json_object_set_new(o, "title", utf8_json(a->title));
	json_object_set_new(o, "message", utf8_json(a->message));
	json_object_set_new(o, "priority", json_integer(a->priority));
	json_object_set_new(o, "due_at", a->has_due ? time_utc_json(a->due_utc) : json_null());
	json_object_set_new(o, "assigned_to", utf8_json(a->assigned_to));
	json_object_set_new(o, "action", a->has_action ? json_string(alert_action_name(a->action))
						       : json_null());
	json_object_set_new(o, "reason", utf8_json(a->reason));
	json_object_set_new(o, "created_at", time_utc_json(a->created_utc));
	json_object_set_new(o, "updated_at", time_utc_json(a->updated_utc));
	json_t *h = json_array();
	for (size_t i = 0; i < a->n_history; i++) {
		const struct alert_history_entry *x = &a->history[i];
		json_t *r = json_object();
		json_object_set_new(r, "who", utf8_json(x->who));
		json_object_set_new(r, "at", time_utc_json(x->at_utc));
		json_object_set_new(r, "from", x->has_from ? json_string(alert_state_name(x->from))
							   : json_null());
		json_object_set_new(r, "to", json_string(alert_state_name(x->to)));
		json_object_set_new(r, "note", utf8_json(x->note));
		json_array_append_new(h, r);
	}
	json_object_set_new(o, "history", h);
	return o;
}
