/* test_store.c — irm-central's store on a real SQLite file: what a write
 * publishes under which scope keys, versions that only grow, evictions as
 * legs leave a station's window, deletions as tombstones, tombstones
 * purged and the cursors that must then refetch. The clock is pinned and
 * moved by hand, which the HTTP tests cannot do. */
#include "testutil.h"

#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <sys/stat.h>

#include "clock.h"
#include "alerts.h"
#include "import.h"
#include "rules.h"
#include "store.h"

static char *dir;
static char db_path[4200];
static struct rules rules;
static struct store *st;

#define NOW 1795338000  /* 2026-11-22T09:00:00Z */
#define DAY 86400

#define CUSTOMER(id, name) \
	"{\"kind\":\"customer\",\"data\":{\"id\":\"" id "\",\"name\":\"" name "\"," \
	"\"email\":\"" id "@example.com\",\"phone\":\"+13035550101\",\"birth_date\":\"1961-01-05\"," \
	"\"lifetime_miles\":998976}}"
/* A trip of one leg from DEN; PAX the passengers' JSON. TRIP: departing
 * today, booked. */
#define TRIP_LEG(id, seg, pax, departure, status) \
	"{\"kind\":\"trip\",\"data\":{\"id\":\"" id "\",\"passengers\":[" pax "],\"segments\":[{\"id\":\"" \
	seg "\",\"carrier\":\"UA\",\"flight\":\"1234\",\"origin\":\"DEN\",\"destination\":\"SEA\"," \
	"\"departure\":\"" departure "\",\"cabin\":\"J\",\"status\":\"" status "\"}]}}"
#define TRIP(id, seg, pax) TRIP_LEG(id, seg, pax, "2026-11-22T08:15:00-07:00", "booked")
#define PAX(id) "{\"customer_id\":\"" id "\"}"
/* Legs S1 and S2 flown, as events. */
#define FLOWN(seg, at) \
	"{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"" seg "\"," \
	"\"status\":\"flown\",\"at\":\"" at "\"}}"
#define FLOWN_S1 FLOWN("S1", "2026-11-22T10:41:00-08:00")
#define FLOWN_S2 FLOWN("S2", "2026-11-22T10:42:00-08:00")

static int setup(void **state)
{
	(void)state;
	dir = tmpdir_make();
	snprintf(db_path, sizeof db_path, "%s/store.db", dir);
	clock_pin(NOW);
	rules_default(&rules);
	struct store_opts o;
	store_opts_default(&o);
	o.tombstone_ttl = DAY;
	o.rules = &rules;
	struct irm_err e = { 0 };
	assert_int_equal(store_open(db_path, CACHE_CREATE, &o, &st, &e), IRM_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(&st);
	tmpdir_remove(dir);
	return 0;
}

/* A transaction begun, the lines stored in it; the customers they touch
 * in *touched. */
static void put_lines(const char *const *lines, size_t n, struct engine_set *touched,
		      struct arena *a)
{
	struct irm_err e = { 0 };
	struct cache *c = store_cache(st);
	assert_int_equal(cache_begin(c, &e), IRM_OK);
	for (size_t i = 0; i < n; i++) {
		struct record r;
		enum put_outcome o;
		if (record_parse(lines[i], strlen(lines[i]), a, &r, &e) != IRM_OK ||
		    import_put(c, &r, &rules, &o, touched, &e) != IRM_OK)
			fail_msg("%s: %s", lines[i], e.msg);
	}
}

/* Lines applied in one transaction with the engine, then published (as
 * POST /v1/events). */
static void apply(const char *const *lines, size_t n, int64_t now)
{
	struct irm_err e = { 0 };
	struct cache *c = store_cache(st);
	struct engine_set touched = { 0 };
	struct arena a = { 0 };
	struct store_keys woken = { 0 };

	put_lines(lines, n, &touched, &a);
	assert_int_equal(store_touch_customers(st, &touched, &e), IRM_OK);  /* as the server does */
	assert_int_equal(engine_run_set(c, &rules, &touched, now, &e), IRM_OK);
	assert_int_equal(store_note_evaluated(st, &e), IRM_OK);
	assert_int_equal(store_publish(st, now, &woken, &e), IRM_OK);
	assert_int_equal(cache_commit(c, &e), IRM_OK);
	engine_set_free(&touched);
	arena_free(&a);
	store_keys_free(&woken);
}

/* Lines stored in one transaction, their customers left to evaluate and
 * nothing published (as POST /v1/events?publish=later). */
static void ingest_later(const char *const *lines, size_t n)
{
	struct irm_err e = { 0 };
	struct cache *c = store_cache(st);
	struct engine_set touched = { 0 };
	struct arena a = { 0 };

	put_lines(lines, n, &touched, &a);
	assert_int_equal(store_evaluate_later(st, &touched, &e), IRM_OK);
	assert_int_equal(cache_commit(c, &e), IRM_OK);
	engine_set_free(&touched);
	arena_free(&a);
}

/* A round's second part, in a transaction of its own; the round kept. */
static void round_write_keep(struct store_round *r, int64_t now)
{
	struct irm_err e = { 0 };
	struct store_keys woken = { 0 };
	assert_int_equal(cache_begin(store_cache(st), &e), IRM_OK);
	if (store_round_write(st, r, now, &woken, &e) != IRM_OK)
		fail_msg("%s", e.msg);
	assert_int_equal(cache_commit(store_cache(st), &e), IRM_OK);
	store_keys_free(&woken);
}

/* A round's second part, in a transaction of its own; the round freed. */
static void round_write(struct store_round **r, int64_t now)
{
	round_write_keep(*r, now);
	store_round_free(r);
}

/* Rounds, each after the one before, until one finds nothing to do. */
static void rounds(int64_t now)
{
	struct irm_err e = { 0 };
	struct store_round *prev = NULL;
	for (int i = 0; i < 50; i++) {
		struct store_round *r;
		assert_int_equal(store_round_read(st, now, prev, &r, &e), IRM_OK);
		store_round_free(&prev);
		if (!store_round_size(r)) {
			store_round_free(&r);
			return;
		}
		round_write_keep(r, now);
		prev = r;
	}
	fail_msg("still rows to publish after 50 rounds");
}

/* The page of changes after `after` under the keys, as a JSON array. */
static json_t *page(const char *const *keys, size_t n_keys, int64_t after, bool kiosk,
		    int64_t *next)
{
	struct jsonw w = { 0 };
	struct irm_err e = { 0 };
	size_t n;
	bool more;
	int64_t local;
	jsonw_array(&w);
	assert_int_equal(store_changes(st, keys, n_keys, after, 10000, kiosk, &w, next ? next : &local,
				       &n, &more, &e), IRM_OK);
	jsonw_end(&w);
	json_t *j = json_loads(w.buf, 0, NULL);
	jsonw_free(&w);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), n);
	assert_false(more);
	return j;
}

/* The change for (kind, id) in a page, or NULL. */
static json_t *find(json_t *changes, const char *kind, const char *id)
{
	size_t i;
	json_t *c, *found = NULL;
	json_array_foreach(changes, i, c)
		if (strcmp(json_string_value(json_object_get(c, "kind")), kind) == 0 &&
		    strcmp(json_string_value(json_object_get(c, "id")), id) == 0)
			found = c;  /* the last one wins */
	return found;
}

/* A string member of a change's document, or NULL. */
static const char *data_str(json_t *change, const char *member)
{
	return json_string_value(json_object_get(json_object_get(change, "data"), member));
}

/* How many changes of a page are for this id. */
static size_t count_id(json_t *changes, const char *id)
{
	size_t i, n = 0;
	json_t *c;
	json_array_foreach(changes, i, c)
		n += strcmp(json_string_value(json_object_get(c, "id")), id) == 0;
	return n;
}

static const char *op_of(json_t *c)
{
	return c ? json_string_value(json_object_get(c, "op")) : "(none)";
}

/* An agent acknowledges the alert (it is someone's now), published. */
static void acknowledge(const char *alert_id)
{
	struct irm_err e = { 0 };
	struct store_keys woken = { 0 };
	assert_int_equal(cache_begin(store_cache(st), &e), IRM_OK);
	assert_int_equal(alerts_act_tx(store_cache(st), alert_id, ALERT_EV_ACK, "ana", ACTION_OTHER,
				       NULL, NULL, NOW, NULL, &e), IRM_OK);
	assert_int_equal(store_publish(st, NOW, &woken, &e), IRM_OK);
	assert_int_equal(cache_commit(store_cache(st), &e), IRM_OK);
	store_keys_free(&woken);
}

static void test_publish_scopes(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), CUSTOMER("C2", "Ana Ito"),
				TRIP("T1", "S1", PAX("C1")) };
	(void)state;
	apply(lines, 3, NOW);

	const char *all[] = { "*" }, *den[] = { "s:DEN" }, *c1[] = { "c:C1" }, *c2[] = { "c:C2" };
	json_t *p = page(all, 1, 0, false, NULL);
	assert_non_null(find(p, "customer", "C1"));
	assert_non_null(find(p, "customer", "C2"));
	assert_non_null(find(p, "trip", "T1"));
	assert_non_null(find(p, "alert", "A-C1-lifetime_miles-1000000"));
	json_decref(p);

	/* C1's scope holds C1's things only. */
	p = page(c1, 1, 0, false, NULL);
	assert_non_null(find(p, "trip", "T1"));
	assert_null(find(p, "customer", "C2"));
	json_decref(p);
	p = page(c2, 1, 0, false, NULL);
	assert_int_equal(json_array_size(p), 1);
	json_decref(p);

	/* The station: the trip leaving DEN today, its member, the alert on it;
	 * the kiosk's view of the member has no contact data or birth date. */
	p = page(den, 1, 0, true, NULL);
	json_t *cu = find(p, "customer", "C1");
	assert_non_null(cu);
	json_t *data = json_object_get(cu, "data");
	assert_string_equal(json_string_value(json_object_get(data, "name")), "Dale Brewer");
	assert_null(json_object_get(data, "email"));
	assert_null(json_object_get(data, "phone"));
	assert_null(json_object_get(data, "birth_date"));
	assert_non_null(find(p, "alert", "A-C1-lifetime_miles-1000000"));
	assert_null(find(p, "customer", "C2"));
	json_decref(p);
	p = page(den, 1, 0, false, NULL);
	data = json_object_get(find(p, "customer", "C1"), "data");
	assert_string_equal(json_string_value(json_object_get(data, "email")), "C1@example.com");
	json_decref(p);
}

static void test_versions_grow_and_nothing_twice(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), TRIP("T1", "S1", PAX("C1")) };
	const char *c1[] = { "c:C1" };
	int64_t cur;
	(void)state;
	apply(lines, 2, NOW);
	json_t *p = page(c1, 1, 0, false, &cur);
	json_int_t v1 = json_integer_value(json_object_get(find(p, "trip", "T1"), "version"));
	json_decref(p);

	/* The same records again publish nothing. */
	apply(lines, 2, NOW);
	p = page(c1, 1, cur, false, NULL);
	assert_int_equal(json_array_size(p), 0);
	json_decref(p);

	/* The leg flown: the trip, the customer's miles and the alert change. */
	const char *flown[] = { FLOWN_S1 };
	apply(flown, 1, NOW);
	p = page(c1, 1, cur, false, NULL);
	json_t *t = find(p, "trip", "T1");
	assert_non_null(t);
	assert_true(json_integer_value(json_object_get(t, "version")) > v1);
	json_t *al = find(p, "alert", "A-C1-lifetime_miles-1000000");
	assert_string_equal(data_str(al, "state"), "pending");
	json_decref(p);
}

static char *page_text(const char *const *keys, size_t n_keys);
static char *schema_text(const char *path);
static char *fresh_schema(void);

/* A row changed again and again: under "*" its replaced entries wait to
 * be deleted together, and the feed never serves them meanwhile. */
static void test_replaced_entries_skipped_then_compacted(void **state)
{
	const char *names[] = { CUSTOMER("C1", "Dale Brewer"), CUSTOMER("C1", "Dale B. Brewer"),
				CUSTOMER("C1", "Dale Bo Brewer"), CUSTOMER("C1", "D. Brewer") };
	const char *all[] = { "*" };
	struct irm_err e = { 0 };
	(void)state;
	for (size_t i = 0; i < 4; i++)
		apply(&names[i], 1, NOW + (int64_t)i);
	const char *under_all = "SELECT count(*) FROM central_feed WHERE key = '*'";
	assert_int_equal(sql_value(db_path, under_all), 4);  /* three replaced */
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_feed WHERE key = 'c:C1'"), 1);
	char *before = page_text(all, 1);
	json_t *p = page(all, 1, 0, false, NULL);
	assert_int_equal(json_array_size(p), 1);
	json_t *c = find(p, "customer", "C1");
	assert_int_equal(json_integer_value(json_object_get(c, "seq")),
			 json_integer_value(json_object_get(c, "version")));
	assert_string_equal(data_str(c, "name"), "D. Brewer");
	json_decref(p);
	/* Nor among several keys. */
	const char *both[] = { "*", "c:C1" };
	p = page(both, 2, 0, false, NULL);
	assert_int_equal(json_array_size(p), 1);
	json_decref(p);

	assert_int_equal(store_compact(st, &e), IRM_OK);
	assert_int_equal(sql_value(db_path, under_all), 1);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_stale"), 0);
	char *after = page_text(all, 1);
	assert_string_equal(after, before);
	free(before);
	free(after);
}

/* A tombstone a row's return replaced is not counted as purged when the
 * sweep purges the old ones: no cursor missed it, none must refetch. */
static void test_replaced_tombstone_not_purged(void **state)
{
	const char *c9 = "{\"kind\":\"customer\",\"data\":{\"id\":\"C9\",\"name\":\"Ana Ito\","
			 "\"lifetime_miles\":1000}}";
	const char *del[] = { "{\"kind\":\"delete\",\"data\":{\"kind\":\"customer\",\"id\":\"C9\"}}" };
	const char *all[] = { "*" };
	struct store_keys woken = { 0 };
	struct irm_err e = { 0 };
	int64_t cur;
	(void)state;
	apply(&c9, 1, NOW);
	json_decref(page(all, 1, 0, false, &cur));
	apply(del, 1, NOW);
	json_t *p = page(all, 1, cur, false, NULL);
	json_int_t gone = json_integer_value(json_object_get(find(p, "customer", "C9"), "seq"));
	assert_true(gone > cur);
	json_decref(p);

	/* Back, written without publishing (as irm-central load stopped
	 * between its two transactions); the sweep days later publishes it. */
	struct cache *c = store_cache(st);
	struct arena a = { 0 };
	struct engine_set touched = { 0 };
	struct record r;
	enum put_outcome o;
	assert_int_equal(cache_begin(c, &e), IRM_OK);
	assert_int_equal(record_parse(c9, strlen(c9), &a, &r, &e), IRM_OK);
	assert_int_equal(import_put(c, &r, &rules, &o, &touched, &e), IRM_OK);
	assert_int_equal(cache_commit(c, &e), IRM_OK);
	engine_set_free(&touched);
	arena_free(&a);
	assert_int_equal(store_sweep(st, NOW + 3 * DAY, &woken, &e), IRM_OK);
	store_keys_free(&woken);

	p = page(all, 1, 0, false, NULL);
	assert_string_equal(op_of(find(p, "customer", "C9")), "upsert");
	json_decref(p);
	assert_true(sql_value(db_path, "SELECT coalesce(max(seq), 0) FROM central_purged"
				       " WHERE key = '*'") < gone);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_stale"), 0);
}

static void test_window_evicts_and_tombstones_expire(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), TRIP("T1", "S1", PAX("C1")) };
	const char *den[] = { "s:DEN" }, *all[] = { "*" };
	struct store_keys woken = { 0 };
	struct irm_err e = { 0 };
	int64_t cur, all_cur;
	const char *why;
	(void)state;
	apply(lines, 2, NOW);
	json_decref(page(den, 1, 0, false, &cur));
	json_decref(page(all, 1, 0, false, &all_cur));
	const int64_t den_before = cur;
	assert_int_equal(store_sweep(st, NOW, &woken, &e), IRM_OK);  /* the first sweep marks the time */

	/* Two days on, today's leg has left the station's window (24 h past). */
	assert_int_equal(store_sweep(st, NOW + 2 * DAY, &woken, &e), IRM_OK);
	assert_true(woken.all || woken.n > 0);
	store_keys_free(&woken);
	json_t *p = page(den, 1, cur, false, &cur);
	assert_string_equal(op_of(find(p, "trip", "T1")), "evict");
	assert_string_equal(op_of(find(p, "customer", "C1")), "evict");
	assert_string_equal(op_of(find(p, "alert", "A-C1-lifetime_miles-1000000")), "evict");
	json_decref(p);
	/* Scope all keeps them. */
	p = page(all, 1, all_cur, false, NULL);
	assert_null(find(p, "trip", "T1"));
	json_decref(p);

	/* A station cursor from before the evictions is good while they are
	 * kept... */
	struct store_cursor old = { .seq = den_before }, old_all = { .seq = all_cur };
	snprintf(old.epoch, sizeof old.epoch, "%s", store_epoch(st));
	snprintf(old_all.epoch, sizeof old_all.epoch, "%s", store_epoch(st));
	assert_int_equal(store_cursor_check(st, &old, den, 1, &why, &e), IRM_OK);
	assert_null(why);
	/* ...and must refetch once they are purged (kept one day here), while
	 * scope all, which lost nothing, goes on. A round read before the
	 * purge reads again what was published (store_round_write). */
	const char *purges = "SELECT coalesce((SELECT value FROM central_meta"
			     " WHERE key = 'docs_purged'), 0)";
	const long long purged = sql_value(db_path, purges);
	assert_int_equal(store_sweep(st, NOW + 4 * DAY, &woken, &e), IRM_OK);
	store_keys_free(&woken);
	assert_int_equal(sql_value(db_path, purges), purged + 1);
	assert_int_equal(store_cursor_check(st, &old, den, 1, &why, &e), IRM_OK);
	assert_non_null(why);
	assert_string_equal(why, "expired");
	assert_int_equal(store_cursor_check(st, &old_all, all, 1, &why, &e), IRM_OK);
	assert_null(why);
	/* The beginning is always good; the end too. */
	struct store_cursor begin = { 0 }, end = { .seq = cur };
	snprintf(end.epoch, sizeof end.epoch, "%s", store_epoch(st));
	assert_int_equal(store_cursor_check(st, &begin, den, 1, &why, &e), IRM_OK);
	assert_null(why);
	assert_int_equal(store_cursor_check(st, &end, den, 1, &why, &e), IRM_OK);
	assert_null(why);
}

static void test_delete_is_a_tombstone(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), TRIP("T1", "S1", PAX("C1")) };
	const char *all[] = { "*" }, *c1[] = { "c:C1" };
	int64_t cur;
	(void)state;
	apply(lines, 2, NOW);
	json_decref(page(all, 1, 0, false, &cur));
	const char *del[] = { "{\"kind\":\"delete\",\"data\":{\"kind\":\"customer\",\"id\":\"C1\"}}" };
	apply(del, 1, NOW);
	json_t *p = page(all, 1, cur, false, NULL);
	json_t *cu = find(p, "customer", "C1");
	assert_string_equal(op_of(cu), "delete");
	assert_true(json_is_null(json_object_get(cu, "data")));
	assert_string_equal(op_of(find(p, "alert", "A-C1-lifetime_miles-1000000")), "delete");
	assert_null(find(p, "trip", "T1"));  /* the trip stays: it names C1 by id */
	json_decref(p);
	p = page(c1, 1, 0, false, NULL);
	assert_string_equal(op_of(find(p, "customer", "C1")), "delete");
	assert_string_equal(op_of(find(p, "trip", "T1")), "upsert");
	json_decref(p);
}

/* Under several keys a row comes once, and leaving one key is no eviction
 * while another listed key still holds it. */
static void test_customers_scope(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), CUSTOMER("C2", "Ana Ito"),
				TRIP("T1", "S1", PAX("C1") "," PAX("C2")) };
	const char *both[] = { "c:C1", "c:C2" }, *c1[] = { "c:C1" };
	int64_t cur, cur1;
	(void)state;
	apply(lines, 3, NOW);
	json_t *p = page(both, 2, 0, false, &cur);
	assert_int_equal(count_id(p, "T1"), 1);
	json_decref(p);
	json_decref(page(c1, 1, 0, false, &cur1));

	const char *without_c1[] = { TRIP("T1", "S1", PAX("C2")) };
	apply(without_c1, 1, NOW);
	p = page(c1, 1, cur1, false, NULL);
	assert_string_equal(op_of(find(p, "trip", "T1")), "evict");
	json_decref(p);
	p = page(both, 2, cur, false, NULL);
	assert_string_equal(op_of(find(p, "trip", "T1")), "upsert");
	json_decref(p);

	/* The trip changes again: read from the beginning, the passed-over
	 * eviction must not hide its newer upsert. */
	const char *cancelled[] = { "{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"S1\","
				    "\"status\":\"cancelled\"}}" };
	apply(cancelled, 1, NOW);
	p = page(both, 2, 0, false, NULL);
	assert_string_equal(op_of(find(p, "trip", "T1")), "upsert");
	json_decref(p);
}

/* Deleted, then made again with only the other listed customer: the
 * scope still holds it, as an upsert. */
static void test_customers_scope_delete_then_back(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), CUSTOMER("C2", "Ana Ito"),
				TRIP("T1", "S1", PAX("C1") "," PAX("C2")) };
	const char *both[] = { "c:C1", "c:C2" };
	(void)state;
	apply(lines, 3, NOW);
	const char *del[] = { "{\"kind\":\"delete\",\"data\":{\"kind\":\"trip\",\"id\":\"T1\"}}" };
	apply(del, 1, NOW);
	const char *again[] = { TRIP("T1", "S1", PAX("C2")) };
	apply(again, 1, NOW);
	json_t *p = page(both, 2, 0, false, NULL);
	assert_string_equal(op_of(find(p, "trip", "T1")), "upsert");
	json_decref(p);
}

/* A customer with nothing to hide from a kiosk is not published again
 * when a trip of theirs changes and they do not. */
static void test_unchanged_customer_not_republished(void **state)
{
	const char *lines[] = { "{\"kind\":\"customer\",\"data\":{\"id\":\"C9\",\"name\":\"Bo Li\"}}",
				TRIP("T9", "S9", PAX("C9")) };
	const char *c9[] = { "c:C9" };
	int64_t cur;
	(void)state;
	apply(lines, 2, NOW);
	json_decref(page(c9, 1, 0, false, &cur));
	const char *moved[] = { "{\"kind\":\"trip\",\"data\":{\"id\":\"T9\",\"pnr\":\"NEWPNR\","
				"\"passengers\":[" PAX("C9") "],\"segments\":[{\"id\":\"S9\",\"origin\":\"DEN\","
				"\"destination\":\"SEA\",\"departure\":\"2026-11-22T08:15:00-07:00\","
				"\"status\":\"booked\"}]}}" };
	apply(moved, 1, NOW);
	json_t *p = page(c9, 1, cur, false, NULL);
	assert_non_null(find(p, "trip", "T9"));
	assert_null(find(p, "customer", "C9"));
	json_decref(p);
}

/* What rides on a trip's legs (a greeting here) moves with their times
 * and places; a leg's status alone leaves it where it is. */
static void test_followers_move_with_legs_not_statuses(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), TRIP("T1", "S1", PAX("C1")) };
	const char *no_show[] = { "{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"S1\","
				  "\"status\":\"no_show\",\"at\":\"2026-11-22T09:00:00-07:00\"}}" };
	const char *later[] = { TRIP_LEG("T1", "S1", PAX("C1"), "2026-12-20T08:15:00-07:00", "no_show") };
	const char *den[] = { "s:DEN" };
	struct irm_err e = { 0 };
	struct store_keys woken = { 0 };
	bool added = false;
	int64_t cur;
	(void)state;
	apply(lines, 2, NOW);
	assert_int_equal(cache_begin(store_cache(st), &e), IRM_OK);
	assert_int_equal(store_greet(st, "S1", "C1", "gate", NOW, &added, &e), IRM_OK);
	assert_int_equal(store_publish(st, NOW, &woken, &e), IRM_OK);
	assert_int_equal(cache_commit(store_cache(st), &e), IRM_OK);
	store_keys_free(&woken);
	json_t *p = page(den, 1, 0, false, &cur);
	assert_true(added);
	assert_non_null(find(p, "greeting", "G-1"));
	json_decref(p);

	apply(no_show, 1, NOW);
	p = page(den, 1, cur, false, &cur);
	assert_string_equal(op_of(find(p, "trip", "T1")), "upsert");
	assert_null(find(p, "greeting", "G-1"));
	json_decref(p);

	apply(later, 1, NOW);  /* a month on: out of the station's window */
	p = page(den, 1, cur, false, NULL);
	assert_string_equal(op_of(find(p, "trip", "T1")), "evict");
	assert_string_equal(op_of(find(p, "greeting", "G-1")), "evict");
	json_decref(p);
}

/* A trip's second leg from the same station enters its window: the trip
 * stays as it was, under the same keys, and the greeting on that leg comes
 * into the station's scope all the same. */
static void test_greeting_enters_with_its_leg(void **state)
{
	const char *lines[] = {
		CUSTOMER("C1", "Dale Brewer"),
		"{\"kind\":\"trip\",\"data\":{\"id\":\"T1\",\"passengers\":[" PAX("C1") "],"
		"\"segments\":[{\"id\":\"S1\",\"carrier\":\"UA\",\"flight\":\"1234\",\"origin\":\"DEN\","
		"\"destination\":\"SEA\",\"departure\":\"2026-11-22T09:00:00-07:00\",\"cabin\":\"J\","
		"\"status\":\"booked\"},{\"id\":\"S2\",\"carrier\":\"UA\",\"flight\":\"99\","
		"\"origin\":\"DEN\",\"destination\":\"LAX\",\"departure\":\"2026-11-27T09:00:00-07:00\","
		"\"cabin\":\"J\",\"status\":\"booked\"}]}}" };
	const char *den[] = { "s:DEN" };
	struct irm_err e = { 0 };
	struct store_keys woken = { 0 };
	bool added = false;
	(void)state;
	apply(lines, 2, NOW);
	assert_int_equal(cache_begin(store_cache(st), &e), IRM_OK);
	assert_int_equal(store_greet(st, "S2", "C1", "gate", NOW, &added, &e), IRM_OK);
	assert_int_equal(store_publish(st, NOW, &woken, &e), IRM_OK);
	assert_int_equal(cache_commit(store_cache(st), &e), IRM_OK);
	store_keys_free(&woken);
	assert_int_equal(store_sweep(st, NOW, &woken, &e), IRM_OK);
	store_keys_free(&woken);
	json_t *p = page(den, 1, 0, false, NULL);
	assert_non_null(find(p, "trip", "T1"));  /* by S1 */
	assert_null(find(p, "greeting", "G-1"));  /* S2: five days on */
	json_decref(p);
	assert_int_equal(store_sweep(st, NOW + 3 * DAY, &woken, &e), IRM_OK);
	store_keys_free(&woken);
	p = page(den, 1, 0, false, NULL);
	assert_string_equal(op_of(find(p, "greeting", "G-1")), "upsert");
	json_decref(p);
}

/* A leg moved within the day: the alert that names it shows the new time,
 * though nothing changed the alert itself (its owner holds it). */
static void test_alert_follows_its_leg(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), TRIP("T1", "S1", PAX("C1")) };
	const char *moved[] = { TRIP_LEG("T1", "S1", PAX("C1"), "2026-11-22T11:15:00-07:00", "booked") };
	const char *c1[] = { "c:C1" };
	int64_t cur;
	(void)state;
	apply(lines, 2, NOW);
	acknowledge("A-C1-lifetime_miles-1000000");  /* the engine leaves its row be */
	json_decref(page(c1, 1, 0, false, &cur));
	int64_t history = sql_value(db_path, "SELECT count(*) FROM alert_history");
	apply(moved, 1, NOW);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alert_history"), history);
	json_t *p = page(c1, 1, cur, false, NULL);
	json_t *a = find(p, "alert", "A-C1-lifetime_miles-1000000");
	assert_non_null(a);
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(
		a, "data"), "segment"), "departure")), "2026-11-22T11:15:00-07:00");
	json_decref(p);
}

/* A deleted trip takes the alerts on its legs out of the station's scope. */
static void test_deleted_trip_leaves_station(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), TRIP("T1", "S1", PAX("C1")) };
	const char *den[] = { "s:DEN" };
	int64_t cur;
	(void)state;
	apply(lines, 2, NOW);
	acknowledge("A-C1-lifetime_miles-1000000");  /* the engine leaves it be when the leg goes */
	json_decref(page(den, 1, 0, false, &cur));
	const char *del[] = { "{\"kind\":\"delete\",\"data\":{\"kind\":\"trip\",\"id\":\"T1\"}}" };
	apply(del, 1, NOW);
	json_t *p = page(den, 1, cur, false, NULL);
	assert_string_equal(op_of(find(p, "trip", "T1")), "delete");
	assert_string_equal(op_of(find(p, "alert", "A-C1-lifetime_miles-1000000")), "evict");
	json_decref(p);
}

static void test_cursors(void **state)
{
	struct store_cursor c;
	struct irm_err e = { 0 };
	const char *why, *all[] = { "*" };
	(void)state;
	assert_true(store_cursor_parse("", &c));
	assert_int_equal(c.seq, 0);
	assert_true(store_cursor_parse("00ff-42", &c));
	assert_string_equal(c.epoch, "00ff");
	assert_int_equal(c.seq, 42);
	assert_false(store_cursor_parse("42", &c));
	assert_false(store_cursor_parse("zz-42", &c));
	assert_false(store_cursor_parse("00ff-", &c));
	assert_false(store_cursor_parse("00ff--1", &c));
	assert_false(store_cursor_parse("00ff-99999999999999999999", &c));

	assert_true(store_cursor_parse("0123456789abcdef-0", &c));
	assert_int_equal(store_cursor_check(st, &c, all, 1, &why, &e), IRM_OK);
	assert_string_equal(why, strcmp(store_epoch(st), "0123456789abcdef") ? "epoch" : "ahead");
	snprintf(c.epoch, sizeof c.epoch, "%s", store_epoch(st));
	c.seq = 5;  /* an empty store: nothing has reached 5 */
	assert_int_equal(store_cursor_check(st, &c, all, 1, &why, &e), IRM_OK);
	assert_string_equal(why, "ahead");
}

static void test_actions_log(void **state)
{
	struct irm_err e = { 0 };
	char *got;
	(void)state;
	assert_int_equal(cache_begin(store_cache(st), &e), IRM_OK);
	assert_int_equal(store_action_get(st, "k1", 1, &got, &e), IRM_OK);
	assert_null(got);
	assert_int_equal(store_action_put(st, "k1", 1, "alert.ack", "{\"seq\":1}", NOW, &e), IRM_OK);
	/* the same (console, seq) twice is refused by the store itself */
	assert_int_equal(store_action_put(st, "k1", 1, "alert.ack", "{}", NOW, &e), IRM_ECACHE);
	assert_int_equal(cache_commit(store_cache(st), &e), IRM_OK);
	assert_int_equal(store_action_get(st, "k1", 1, &got, &e), IRM_OK);
	assert_string_equal(got, "{\"seq\":1}");
	free(got);
	assert_int_equal(store_action_get(st, "k2", 1, &got, &e), IRM_OK);
	assert_null(got);
}

/* A page's changes as text, for comparing one store with another. */
static char *page_text(const char *const *keys, size_t n_keys)
{
	json_t *p = page(keys, n_keys, 0, false, NULL);
	char *text = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	return text;
}

/* Published in rounds (the publisher's way): the same documents and the
 * engine's verdict as publishing at once, and nothing left over. */
static void test_rounds_publish_and_evaluate(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), TRIP("T1", "S1", PAX("C1")) };
	const char *flown[] = { FLOWN_S1 };
	const char *c1[] = { "c:C1" }, *den[] = { "s:DEN" };
	(void)state;
	ingest_later(lines, 2);
	ingest_later(flown, 1);
	assert_true(sql_value(db_path, "SELECT count(*) FROM central_queue WHERE kind = 'engine'") > 0);
	rounds(NOW);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 0);
	json_t *p = page(c1, 1, 0, false, NULL);
	json_t *t = find(p, "trip", "T1"), *cu = find(p, "customer", "C1");
	json_t *al = find(p, "alert", "A-C1-lifetime_miles-1000000");
	assert_non_null(t);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(
		json_object_get(t, "data"), "segments"), 0), "status")), "flown");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(cu, "data"),
							    "lifetime_miles")), 1000000);
	assert_string_equal(data_str(al, "state"), "pending");
	json_decref(p);
	p = page(den, 1, 0, false, NULL);
	assert_non_null(find(p, "trip", "T1"));
	assert_non_null(find(p, "alert", "A-C1-lifetime_miles-1000000"));
	assert_non_null(find(p, "customer", "C1"));  /* its leg leaves DEN today */
	json_decref(p);

	/* The customer's document came from the legs its verdict read: built
	 * again the other way, from its row, it is the same, under the same
	 * keys, and nothing is published. */
	struct irm_err e = { 0 };
	struct store_keys woken = { 0 };
	int64_t before, after;
	assert_int_equal(store_last_seq(st, &before, &e), IRM_OK);
	assert_int_equal(cache_begin(store_cache(st), &e), IRM_OK);
	assert_int_equal(sqlite3_exec(cache_sqlite(store_cache(st)),
				      "UPDATE customers SET name = name WHERE id = 'C1'", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(store_publish(st, NOW, &woken, &e), IRM_OK);
	assert_int_equal(cache_commit(store_cache(st), &e), IRM_OK);
	store_keys_free(&woken);
	assert_int_equal(store_last_seq(st, &after, &e), IRM_OK);
	assert_int_equal(after, before);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 0);
}

/* The status of the first leg of a trip's change, or NULL. */
static const char *leg_status(json_t *trip)
{
	return json_string_value(json_object_get(json_array_get(json_object_get(
		json_object_get(trip, "data"), "segments"), 0), "status"));
}

/* C1 on trips T1 (leg S1) and T2 (leg S2), 1024 miles short of the
 * million, applied at once: the feed's end after. */
static int64_t c1_on_two_trips(void)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), TRIP("T1", "S1", PAX("C1")),
				TRIP("T2", "S2", PAX("C1")) };
	struct irm_err e = { 0 };
	int64_t cur;
	apply(lines, 3, NOW);
	assert_int_equal(store_last_seq(st, &cur, &e), IRM_OK);
	return cur;
}

/* After `cur` in C1's scope: C1 with `miles`, trip `flown` with its leg
 * flown, and trip `not` not at all. */
static void expect_credited(int64_t cur, int miles, const char *flown, const char *not)
{
	const char *c1[] = { "c:C1" };
	json_t *p = page(c1, 1, cur, false, NULL);
	json_t *cu = find(p, "customer", "C1");
	assert_non_null(cu);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(cu, "data"),
							    "lifetime_miles")), miles);
	assert_string_equal(leg_status(find(p, "trip", flown)), "flown");
	assert_null(find(p, "trip", not));
	json_decref(p);
}

/* Miles a leg flown credits touch no customer by themselves: the writer
 * says whom it credited. At once, the customer is published with the
 * trip; later, with its verdict, from the legs the verdict read. Nor does
 * a leg's status touch its trip by a trigger: the store notes the legs
 * and touches their trips, and only theirs. */
static void test_credit_publishes_the_customer(void **state)
{
	const char *flown1[] = { FLOWN_S1 };
	const char *flown2[] = { FLOWN_S2 };
	struct irm_err e = { 0 };
	int64_t cur;
	(void)state;
	cur = c1_on_two_trips();

	ingest_later(flown1, 1);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"
				   " WHERE kind = 'customer'"), 0);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"
				   " WHERE kind = 'engine' AND id = 'C1'"), 1);
	rounds(NOW);
	expect_credited(cur, 1000000, "T1", "T2");
	assert_int_equal(store_last_seq(st, &cur, &e), IRM_OK);

	apply(flown2, 1, NOW);
	expect_credited(cur, 1001024, "T2", "T1");
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"
				   " WHERE kind != 'engine'"), 0);
}

/* A row touched again between a round's two parts: what the snapshot saw
 * is never written. It is set aside for the next round, and when it is
 * touched again before that one writes too (a row every batch touches),
 * that round builds it under the lock: it is not put off forever. A row
 * first touched after the snapshot waits for the next round. */
static void test_round_sets_aside_what_changed_since(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), TRIP("T1", "S1", PAX("C1")) };
	const char *names[] = { CUSTOMER("C1", "Dale A. Brewer"), CUSTOMER("C1", "Dale B. Brewer"),
				CUSTOMER("C1", "Dale C. Brewer"), CUSTOMER("C1", "Dale D. Brewer") };
	const char *c2[] = { CUSTOMER("C2", "Ann Lee") };
	const char *all[] = { "*" };
	struct irm_err e = { 0 };
	struct store_round *r, *prev = NULL;
	int64_t cur;
	(void)state;
	apply(lines, 2, NOW);
	json_decref(page(all, 1, 0, false, &cur));
	ingest_later(&names[0], 1);
	assert_int_equal(store_round_read(st, NOW, NULL, &r, &e), IRM_OK);
	ingest_later(&names[1], 1);  /* after the snapshot: C1 again */
	ingest_later(c2, 1);         /* and C2, which the snapshot never saw */
	round_write_keep(r, NOW);
	json_t *p = page(all, 1, cur, false, NULL);
	assert_int_equal(json_array_size(p), 0);  /* not A, not C2 */
	json_decref(p);
	prev = r;

	/* C1 touched again before the next round writes: done under the lock */
	assert_int_equal(store_round_read(st, NOW, prev, &r, &e), IRM_OK);
	store_round_free(&prev);
	ingest_later(&names[2], 1);
	round_write_keep(r, NOW);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"
				   " WHERE kind = 'engine' AND id = 'C1'"), 0);  /* decided here */
	p = page(all, 1, cur, false, NULL);
	assert_string_equal(data_str(find(p, "customer", "C1"), "name"), "Dale C. Brewer");
	assert_non_null(find(p, "customer", "C2"));
	json_decref(p);
	store_round_free(&r);
	ingest_later(&names[3], 1);
	rounds(NOW);
	p = page(all, 1, cur, false, NULL);
	assert_string_equal(data_str(find(p, "customer", "C1"), "name"), "Dale D. Brewer");
	json_decref(p);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 0);
}

/* A row every batch touches, behind a backlog longer than a round reads:
 * it keeps its place in the queue, and is published within a few rounds
 * rather than put off for as long as batches come. */
static void test_round_hot_row_not_starved(void **state)
{
	struct irm_err e = { 0 };
	struct store_round *r = NULL, *prev = NULL;
	struct store_opts o;
	const char *all[] = { "*" };
	char line[3][200];
	int published = 0;
	(void)state;
	store_close(&st);
	store_opts_default(&o);
	o.tombstone_ttl = DAY;
	o.rules = &rules;
	o.round_max = 4;
	assert_int_equal(store_open(db_path, 0, &o, &st, &e), IRM_OK);
	for (int i = 0; i < 4; i++) {
		snprintf(line[0], sizeof line[0], "{\"kind\":\"customer\",\"data\":{\"id\":\"K%d\","
			 "\"name\":\"Kim Lee\"}}", i);
		const char *l[] = { line[0] };
		ingest_later(l, 1);
	}
	for (int round = 0; round < 12; round++) {
		assert_int_equal(store_round_read(st, NOW, prev, &r, &e), IRM_OK);
		store_round_free(&prev);
		snprintf(line[0], sizeof line[0], "{\"kind\":\"customer\",\"data\":{\"id\":\"HOT\","
			 "\"name\":\"Hot %d\"}}", round);
		snprintf(line[1], sizeof line[1], "{\"kind\":\"customer\",\"data\":{\"id\":\"N%d\","
			 "\"name\":\"Noa Berg\"}}", round);
		snprintf(line[2], sizeof line[2], "{\"kind\":\"customer\",\"data\":{\"id\":\"M%d\","
			 "\"name\":\"Mia Berg\"}}", round);
		const char *l[] = { line[0], line[1], line[2] };
		ingest_later(l, 3);
		round_write_keep(r, NOW);
		prev = r;
		json_t *p = page(all, 1, 0, false, NULL);
		published += find(p, "customer", "HOT") != NULL;
		json_decref(p);
	}
	store_round_free(&prev);
	assert_true(published >= 6);  /* in the first rounds, then every one */
	rounds(NOW);
	json_t *p = page(all, 1, 0, false, NULL);
	assert_string_equal(data_str(find(p, "customer", "HOT"), "name"), "Hot 11");
	json_decref(p);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 0);
}

/* How many changes of kind `kind` and id `id` a page holds. */
static int count_of(json_t *changes, const char *kind, const char *id)
{
	size_t i;
	json_t *c;
	int n = 0;
	json_array_foreach(changes, i, c)
		n += strcmp(json_string_value(json_object_get(c, "kind")), kind) == 0 &&
		     strcmp(json_string_value(json_object_get(c, "id")), id) == 0;
	return n;
}

/* A document another writer published between a round's two parts (here
 * the sweep, which evaluates no one, so the round's verdict holds): the
 * round compares its document with what is published now, not with what
 * it read before, and the customer keeps one entry under each key. Read
 * at `read_at`: when that is before the sweep, the round's document keys
 * the customer by an older clock, and is built again. */
static void another_publish(int64_t read_at)
{
	const char *lines[] = {
		CUSTOMER("C1", "Dale Brewer"),
		TRIP_LEG("T1", "S1", PAX("C1"), "2026-11-26T08:15:00-07:00", "booked"),
		TRIP_LEG("T2", "S2", PAX("C1"), "2026-12-20T08:15:00-07:00", "booked"),
	};
	const char *cancel[] = { "{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"S2\","
				 "\"status\":\"cancelled\",\"at\":\"2026-11-22T08:00:00-07:00\"}}" };
	const char *den[] = { "s:DEN" };
	struct irm_err e = { 0 };
	struct store_keys woken = { 0 };
	struct store_round *r;
	apply(lines, 3, NOW);
	assert_int_equal(store_sweep(st, NOW, &woken, &e), IRM_OK);  /* swept up to now */
	json_t *p = page(den, 1, 0, false, NULL);
	assert_int_equal(count_of(p, "customer", "C1"), 0);  /* T1 leaves in four days */
	json_decref(p);

	ingest_later(cancel, 1);  /* C1 to evaluate, and so to publish */
	assert_int_equal(store_round_read(st, read_at, NULL, &r, &e), IRM_OK);
	assert_int_equal(store_sweep(st, NOW + 2 * DAY, &woken, &e), IRM_OK);
	store_keys_free(&woken);
	p = page(den, 1, 0, false, NULL);
	assert_int_equal(count_of(p, "customer", "C1"), 1);  /* with T1, into DEN's window */
	json_decref(p);
	round_write(&r, NOW + 2 * DAY);
	rounds(NOW + 2 * DAY);
	p = page(den, 1, 0, false, NULL);
	assert_int_equal(count_of(p, "customer", "C1"), 1);
	assert_string_equal(op_of(find(p, "customer", "C1")), "upsert");
	json_decref(p);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_feed f JOIN central_docs d"
				   " ON d.rid = f.doc WHERE d.id = 'C1' AND f.key = 's:DEN'"), 1);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 0);
}

static void test_round_after_another_publish(void **state)
{
	(void)state;
	another_publish(NOW + 2 * DAY);
}

static void test_round_read_before_a_sweep(void **state)
{
	(void)state;
	another_publish(NOW);
}

/* C1 on T1 applied at once, then `later` stored to publish later, and a
 * round's first part read: the round, its second part for the test to
 * write once it has written something between the two. */
static struct store_round *round_between(const char *const *later)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), TRIP("T1", "S1", PAX("C1")) };
	struct irm_err e = { 0 };
	struct store_round *r;
	apply(lines, 2, NOW);
	ingest_later(later, 1);
	assert_int_equal(store_round_read(st, NOW, NULL, &r, &e), IRM_OK);
	return r;
}

/* A customer deleted between a round's two parts: neither its verdict nor
 * its document the round decided is written; the delete is what the feed
 * says last, and its alerts stay gone. */
static void test_round_after_a_delete(void **state)
{
	const char *flown[] = { FLOWN_S1 };
	const char *del[] = { "{\"kind\":\"delete\",\"data\":{\"kind\":\"customer\",\"id\":\"C1\"}}" };
	const char *all[] = { "*" };
	const char *alerts = "SELECT count(*) FROM alerts WHERE customer_id = 'C1'";
	struct irm_err e = { 0 };
	int64_t cur;
	(void)state;
	struct store_round *r = round_between(flown);  /* C1 crosses the million */
	ingest_later(del, 1);
	assert_int_equal(sql_value(db_path, alerts), 0);
	assert_int_equal(store_last_seq(st, &cur, &e), IRM_OK);
	round_write(&r, NOW);
	json_t *p = page(all, 1, cur, false, NULL);
	json_t *cu = find(p, "customer", "C1");
	assert_true(!cu || strcmp(op_of(cu), "delete") == 0);
	json_decref(p);
	assert_int_equal(sql_value(db_path, alerts), 0);
	rounds(NOW);
	p = page(all, 1, cur, false, NULL);
	assert_string_equal(op_of(find(p, "customer", "C1")), "delete");
	json_decref(p);
	assert_int_equal(sql_value(db_path, alerts), 0);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 0);
}

/* A sync ingest between a round's two parts (stored, evaluated and
 * published at once): the round writes nothing it published, and none of
 * its verdicts. */
static void test_round_after_a_publish(void **state)
{
	const char *a[] = { CUSTOMER("C1", "Dale A. Brewer") }, *b[] = { CUSTOMER("C1", "Dale B. Brewer") };
	const char *all[] = { "*" };
	int64_t cur;
	(void)state;
	struct store_round *r = round_between(a);
	apply(b, 1, NOW);  /* stored, evaluated and published at once */
	json_decref(page(all, 1, 0, false, &cur));
	int64_t alerts = sql_value(db_path, "SELECT count(*) FROM alert_history");
	round_write(&r, NOW);
	json_t *p = page(all, 1, cur, false, NULL);
	assert_int_equal(json_array_size(p), 0);
	json_decref(p);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alert_history"), alerts);
	p = page(all, 1, 0, false, NULL);
	assert_string_equal(data_str(find(p, "customer", "C1"), "name"), "Dale B. Brewer");
	json_decref(p);
	rounds(NOW);  /* the customer set aside, decided afresh */
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alert_history"), alerts);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 0);
}

/* irm-central load between a round's two parts: it evaluates in its own
 * transaction and leaves the customers left to evaluate (it has no rules
 * for them). The round's verdict, older than that evaluation, is not
 * written: the customer is set aside and decided afresh. Here the load
 * cancels the leg that would cross the million, and the alert it
 * withdrew stays withdrawn. */
static void test_round_after_a_load(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), TRIP("T1", "S1", PAX("C1")) };
	const char *a[] = { CUSTOMER("C1", "Dale A. Brewer") };
	const char *cancel = "{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"S1\","
			     "\"status\":\"cancelled\",\"at\":\"2026-11-22T01:00:00-08:00\"}}";
	const char *projected = "SELECT count(*) FROM alerts WHERE id = 'A-C1-lifetime_miles-1000000'"
				" AND state = 'projected'";
	struct irm_err e = { 0 };
	struct store_round *r;
	(void)state;
	apply(lines, 2, NOW);
	assert_int_equal(sql_value(db_path, projected), 1);
	ingest_later(a, 1);
	assert_int_equal(store_round_read(st, NOW, NULL, &r, &e), IRM_OK);  /* it holds the alert */

	struct store *load;
	struct engine_set touched = { 0 };
	struct arena ar = { 0 };
	struct record rec;
	enum put_outcome o;
	assert_int_equal(store_open(db_path, 0, NULL, &load, &e), IRM_OK);
	assert_int_equal(cache_begin(store_cache(load), &e), IRM_OK);
	assert_int_equal(record_parse(cancel, strlen(cancel), &ar, &rec, &e), IRM_OK);
	assert_int_equal(import_put(store_cache(load), &rec, &rules, &o, &touched, &e), IRM_OK);
	assert_int_equal(engine_run_set(store_cache(load), &rules, &touched, NOW, &e), IRM_OK);
	assert_int_equal(store_note_evaluated(load, &e), IRM_OK);  /* as load's hook does */
	assert_int_equal(store_publish(load, NOW, NULL, &e), IRM_OK);
	assert_int_equal(cache_commit(store_cache(load), &e), IRM_OK);
	store_close(&load);
	engine_set_free(&touched);
	arena_free(&ar);
	assert_int_equal(sql_value(db_path, projected), 0);

	round_write(&r, NOW);
	assert_int_equal(sql_value(db_path, projected), 0);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"
				   " WHERE kind = 'engine'"), 1);  /* set aside */
	rounds(NOW);
	assert_int_equal(sql_value(db_path, projected), 0);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 0);
}

/* SQL run in a transaction of its own, nothing published (a write whose
 * rows wait for a round). */
static void write_later(const char *sql)
{
	struct irm_err e = { 0 };
	assert_int_equal(cache_begin(store_cache(st), &e), IRM_OK);
	assert_int_equal(sqlite3_exec(cache_sqlite(store_cache(st)), sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(cache_commit(store_cache(st), &e), IRM_OK);
}

/* The store opened again with `rules` (or none) and rounds of `round_max`
 * rows. */
static void reopen(const struct rules *with, size_t round_max)
{
	struct irm_err e = { 0 };
	struct store_opts o;
	store_close(&st);
	store_opts_default(&o);
	o.tombstone_ttl = DAY;
	o.rules = with;
	o.round_max = round_max;
	assert_int_equal(store_open(db_path, 0, &o, &st, &e), IRM_OK);
}

/* A writer that publishes in its own transaction between a round's two
 * parts empties the queue of all it publishes, the newest entry the round
 * saw among them. A row touched after that still gets a number after
 * every one the round saw (they are never given twice), so the round,
 * which clears the entries it read, does not clear that touch with them. */
static void test_round_keeps_a_touch_after_a_publish(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), CUSTOMER("C2", "Ann Lee") };
	const char *a[] = { CUSTOMER("C1", "Dale A. Brewer") }, *c3[] = { CUSTOMER("C3", "Ines Diaz") };
	const char *all[] = { "*" };
	struct irm_err e = { 0 };
	struct store_round *r;
	(void)state;
	apply(lines, 2, NOW);
	ingest_later(a, 1);
	write_later("UPDATE customers SET name = 'Ann B. Lee' WHERE id = 'C2'");  /* the newest */
	assert_int_equal(store_round_read(st, NOW, NULL, &r, &e), IRM_OK);
	apply(c3, 1, NOW);  /* publishes C1, C2 and C3, and clears their entries */
	write_later("UPDATE customers SET name = 'Ann C. Lee' WHERE id = 'C2'");
	round_write(&r, NOW);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"
				   " WHERE kind = 'customer' AND id = 'C2'"), 1);
	rounds(NOW);
	json_t *p = page(all, 1, 0, false, NULL);
	assert_string_equal(data_str(find(p, "customer", "C1"), "name"), "Dale A. Brewer");
	assert_string_equal(data_str(find(p, "customer", "C2"), "name"), "Ann C. Lee");
	json_decref(p);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 0);
}

/* C1 and C2 applied at once, the store opened again with rounds of one
 * row, and C1 renamed, to publish later. */
static void c1_touched_in_rounds_of_one(void)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), CUSTOMER("C2", "Ann Lee") };
	apply(lines, 2, NOW);
	reopen(&rules, 1);
	write_later("UPDATE customers SET name = 'Dale A. Brewer' WHERE id = 'C1'");
}

/* A row touched again behind the rows a round takes: the snapshot saw
 * that touch too, so its entry goes with the round's, and the next round
 * does not build the row again; the rows behind wait their turn. */
static void test_round_clears_later_entries_of_its_rows(void **state)
{
	const char *all[] = { "*" };
	struct irm_err e = { 0 };
	struct store_round *r;
	(void)state;
	c1_touched_in_rounds_of_one();
	write_later("UPDATE customers SET name = 'Ann A. Lee' WHERE id = 'C2'");
	write_later("UPDATE customers SET name = 'Dale B. Brewer' WHERE id = 'C1'");
	assert_int_equal(store_round_read(st, NOW, NULL, &r, &e), IRM_OK);
	round_write(&r, NOW);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 1);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue WHERE id = 'C2'"), 1);
	json_t *p = page(all, 1, 0, false, NULL);
	assert_string_equal(data_str(find(p, "customer", "C1"), "name"), "Dale B. Brewer");
	assert_string_equal(data_str(find(p, "customer", "C2"), "name"), "Ann Lee");
	json_decref(p);
	rounds(NOW);
	p = page(all, 1, 0, false, NULL);
	assert_string_equal(data_str(find(p, "customer", "C2"), "name"), "Ann A. Lee");
	json_decref(p);
}

/* Without rules, a customer left to evaluate is one to publish: the miles
 * a leg flown credited reach the feed, and the entry does not wait in the
 * queue for ever. */
static void test_round_without_rules_publishes_the_customer(void **state)
{
	const char *flown[] = { FLOWN_S1 };
	(void)state;
	const int64_t cur = c1_on_two_trips();
	const int64_t alerts = sql_value(db_path, "SELECT count(*) FROM alert_history");
	reopen(NULL, 0);
	ingest_later(flown, 1);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"
				   " WHERE kind = 'engine' AND id = 'C1'"), 1);
	rounds(NOW);
	expect_credited(cur, 1000000, "T1", "T2");
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 0);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alert_history"), alerts);
}

/* A customer evaluated under the lock (set aside by the round before, a
 * leg of it flown again since) while the round holds its document too:
 * the miles of the leg flown since came with an entry to evaluate, and
 * none other, so the document is built under the lock as well, never
 * written with the miles the snapshot saw. */
static void test_round_customer_credited_since(void **state)
{
	const char *flown1[] = { FLOWN_S1 };
	const char *flown2[] = { FLOWN_S2 };
	const char *c3[] = { CUSTOMER("C3", "Ines Diaz") };
	struct irm_err e = { 0 };
	struct store_round *r1, *r2;
	int64_t cur;
	(void)state;
	cur = c1_on_two_trips();
	ingest_later(flown1, 1);
	assert_int_equal(store_round_read(st, NOW, NULL, &r1, &e), IRM_OK);
	apply(c3, 1, NOW);  /* another writer evaluates: C1 set aside */
	round_write_keep(r1, NOW);
	write_later("UPDATE customers SET name = 'Dale B. Brewer' WHERE id = 'C1'");
	assert_int_equal(store_round_read(st, NOW, r1, &r2, &e), IRM_OK);
	store_round_free(&r1);
	ingest_later(flown2, 1);  /* after the snapshot: C1 credited again */
	round_write(&r2, NOW);
	const char *c1[] = { "c:C1" };
	json_t *p = page(c1, 1, cur, false, NULL);
	json_t *cu = find(p, "customer", "C1");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(cu, "data"),
							    "lifetime_miles")), 1001024);
	json_decref(p);
	rounds(NOW);
	expect_credited(cur, 1001024, "T2", "none");
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 0);
}

/* Without rules, a writer that publishes between a round's two parts
 * leaves the customers left to evaluate (it evaluates none): the round
 * still publishes them, as they are now. */
static void test_round_without_rules_after_a_publish(void **state)
{
	const char *flown[] = { FLOWN_S1 };
	const char *c3[] = { CUSTOMER("C3", "Ines Diaz") };
	struct irm_err e = { 0 };
	struct store_round *r;
	int64_t cur;
	(void)state;
	cur = c1_on_two_trips();
	reopen(NULL, 0);
	ingest_later(flown, 1);
	assert_int_equal(store_round_read(st, NOW, NULL, &r, &e), IRM_OK);
	apply(c3, 1, NOW);
	round_write(&r, NOW);
	expect_credited(cur, 1000000, "T1", "T2");
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 0);
}

/* A round looks for later touches of its rows only just behind them: a
 * backlog is not read again by every round. A row touched further behind
 * is built again when its turn comes. */
static void test_round_looks_just_behind(void **state)
{
	char sql[200];
	struct irm_err e = { 0 };
	struct store_round *r;
	(void)state;
	c1_touched_in_rounds_of_one();
	for (int i = 0; i < 4; i++) {  /* ROUND_BEHIND (4): C1's next is the fifth behind */
		snprintf(sql, sizeof sql, "UPDATE customers SET name = 'Ann %d. Lee' WHERE id = 'C2'", i);
		write_later(sql);
	}
	write_later("UPDATE customers SET name = 'Dale B. Brewer' WHERE id = 'C1'");
	assert_int_equal(store_round_read(st, NOW, NULL, &r, &e), IRM_OK);
	round_write(&r, NOW);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue WHERE id = 'C1'"), 1);
	rounds(NOW);
	const char *all[] = { "*" };
	json_t *p = page(all, 1, 0, false, NULL);
	assert_string_equal(data_str(find(p, "customer", "C1"), "name"), "Dale B. Brewer");
	assert_string_equal(data_str(find(p, "customer", "C2"), "name"), "Ann 3. Lee");
	json_decref(p);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 0);
}

/* A store never swept (written by a load, say, before a server first ran
 * on it): its first sweep starts from when its first document was keyed,
 * so a leg that left a station's window meanwhile leaves it in the feed
 * too. */
static void test_first_sweep_from_the_first_document(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), TRIP("T1", "S1", PAX("C1")) };
	const char *den[] = { "s:DEN" };
	struct store_keys woken = { 0 };
	struct irm_err e = { 0 };
	int64_t cur;
	(void)state;
	apply(lines, 2, NOW);
	json_decref(page(den, 1, 0, false, &cur));
	assert_int_equal(store_sweep(st, NOW + 2 * DAY, &woken, &e), IRM_OK);
	store_keys_free(&woken);
	json_t *p = page(den, 1, cur, false, NULL);
	assert_string_equal(op_of(find(p, "trip", "T1")), "evict");
	assert_string_equal(op_of(find(p, "customer", "C1")), "evict");
	json_decref(p);
}

/* A store never swept, its documents keyed by a clock ahead of the
 * server's: the first sweep starts no later than the server's now, so
 * the sweeps go on from there rather than from a time to come. */
static void test_first_sweep_with_a_clock_behind(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), TRIP("T1", "S1", PAX("C1")) };
	struct store_keys woken = { 0 };
	struct irm_err e = { 0 };
	(void)state;
	apply(lines, 2, NOW + DAY);
	assert_int_equal(store_sweep(st, NOW, &woken, &e), IRM_OK);
	store_keys_free(&woken);
	assert_int_equal(sql_value(db_path, "SELECT value FROM central_meta WHERE key = 'swept_utc'"),
			 NOW);
}

/* A customer renamed: its alerts show its name, and are published again
 * with it. */
static void test_alerts_follow_the_customer_name(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), TRIP("T1", "S1", PAX("C1")) };
	const char *renamed[] = { CUSTOMER("C1", "Dale B. Brewer") };
	const char *all[] = { "*" };
	int64_t cur;
	(void)state;
	apply(lines, 2, NOW);
	json_decref(page(all, 1, 0, false, &cur));
	apply(renamed, 1, NOW);
	json_t *p = page(all, 1, cur, false, NULL);
	assert_string_equal(data_str(find(p, "alert", "A-C1-lifetime_miles-1000000"), "customer_name"),
			    "Dale B. Brewer");
	json_decref(p);
}

/* C1 and its alerts applied at once (then, with no rules, the store
 * opened again without); then, to publish later: C1 renamed when
 * `renamed_first`, `sql` run, a round's snapshot read, C1 renamed (again)
 * and back to Dale Brewer, the round written and rounds until all is
 * published. The page of scope all, after. */
static json_t *alert_around_a_rename(bool with_rules, bool renamed_first, const char *sql)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), TRIP("T1", "S1", PAX("C1")) };
	const char *b[] = { CUSTOMER("C1", "Dale B. Brewer") };
	const char *all[] = { "*" };
	struct irm_err e = { 0 };
	struct store_round *r;
	apply(lines, 2, NOW);
	if (!with_rules)
		reopen(NULL, 0);
	if (renamed_first)
		ingest_later(b, 1);
	write_later(sql);
	assert_int_equal(store_round_read(st, NOW, NULL, &r, &e), IRM_OK);
	if (!renamed_first)
		ingest_later(b, 1);
	ingest_later(lines, 1);  /* back to Dale Brewer, the feed's name */
	round_write(&r, NOW);
	rounds(NOW);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 0);
	return page(all, 1, 0, false, NULL);
}

/* A round holding an alert, its customer renamed after the snapshot:
 * the alert, which shows the name, is not written from the snapshot (no
 * later publish of the customer would put it right, the name being back
 * to what the feed has). */
static void test_round_alert_of_a_customer_renamed_since(void **state)
{
	(void)state;
	json_t *p = alert_around_a_rename(true, true, "UPDATE alerts SET priority = priority"
					  " WHERE customer_id = 'C1'");
	assert_string_equal(data_str(find(p, "customer", "C1"), "name"), "Dale Brewer");
	assert_string_equal(data_str(find(p, "alert", "A-C1-lifetime_miles-1000000"), "customer_name"),
			    "Dale Brewer");
	json_decref(p);
}

/* An alert assigned before the snapshot, then set aside for its
 * customer's name: its entry went with the round's, so it is noted
 * again, and a publisher that stops before the next round (no round
 * before to say what was set aside) still publishes the change. (Without
 * rules: no evaluation of the customer writes the alert again.) */
static void test_round_alert_set_aside_survives_a_stop(void **state)
{
	(void)state;
	json_t *p = alert_around_a_rename(false, false, "UPDATE alerts SET assigned_to = 'ana'"
					  " WHERE customer_id = 'C1'");
	assert_string_equal(data_str(find(p, "alert", "A-C1-lifetime_miles-1000000"), "assigned_to"), "ana");
	json_decref(p);
}

/* A writer that publishes in its own transaction between a round's two
 * parts, having undone what the round's snapshot saw (a name changed and
 * changed back): it publishes nothing, the document being as published
 * already, yet the round writes none of its documents still. */
static void test_round_after_a_publish_that_undid(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer") }, *b[] = { CUSTOMER("C1", "Dale B. Brewer") };
	const char *all[] = { "*" };
	struct irm_err e = { 0 };
	struct store_round *r;
	int64_t cur;
	(void)state;
	apply(lines, 1, NOW);
	ingest_later(b, 1);
	assert_int_equal(store_round_read(st, NOW, NULL, &r, &e), IRM_OK);
	apply(lines, 1, NOW);  /* back to Dale Brewer */
	json_decref(page(all, 1, 0, false, &cur));
	round_write(&r, NOW);
	json_t *p = page(all, 1, cur, false, NULL);
	assert_null(find(p, "customer", "C1"));
	json_decref(p);
	rounds(NOW);
	p = page(all, 1, 0, false, NULL);
	assert_string_equal(data_str(find(p, "customer", "C1"), "name"), "Dale Brewer");
	json_decref(p);
}

/* Every customer evaluated again and every row published again, at
 * `now`, in one transaction: when the rounds left everything as
 * publishing at once would, nothing changes, no alert moves, and no
 * document lives on whose row is gone. */
static void expect_settled(int64_t now)
{
	struct irm_err e = { 0 };
	struct store_keys woken = { 0 };
	struct engine_set all = { 0 };
	struct cache *c = store_cache(st);
	sqlite3_stmt *q;
	int64_t before, after;
	const long long history = sql_value(db_path, "SELECT count(*) FROM alert_history");
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"), 0);
	assert_int_equal(store_last_seq(st, &before, &e), IRM_OK);
	assert_int_equal(cache_begin(c, &e), IRM_OK);
	sqlite3 *db = cache_sqlite(c);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id FROM customers", -1, &q, NULL), SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW)
		engine_set_add(&all, (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_exec(db, "UPDATE customers SET name = name; UPDATE trips SET pnr = pnr;"
				      " UPDATE alerts SET state = state", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(engine_run_set(c, &rules, &all, now, &e), IRM_OK);
	assert_int_equal(store_publish(st, now, &woken, &e), IRM_OK);
	assert_int_equal(cache_commit(c, &e), IRM_OK);
	store_keys_free(&woken);
	engine_set_free(&all);
	assert_int_equal(store_last_seq(st, &after, &e), IRM_OK);
	assert_int_equal(after, before);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM alert_history"), history);
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_docs d WHERE d.data IS NOT NULL"
				   " AND NOT (d.kind = 'customer' AND d.id IN (SELECT id FROM customers)"
				   " OR d.kind = 'trip' AND d.id IN (SELECT id FROM trips)"
				   " OR d.kind = 'alert' AND d.id IN (SELECT id FROM alerts)"
				   " OR d.kind NOT IN ('customer', 'trip', 'alert'))"), 0);
}

static uint64_t rng;

static unsigned roll(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* An event about one of six customers and six trips (leg Sk of trip Tk,
 * leaving DEN within two days of now): a customer renamed (its miles
 * given again) or deleted, a trip booked again with other passengers, a
 * leg's status. */
static void random_event(char *buf, size_t size, int step)
{
	static const char *const statuses[] = { "booked", "flown", "cancelled", "no_show" };
	const unsigned k = roll(6), other = roll(6);  /* the trip's second passenger */
	switch (roll(8)) {
	case 0:
	case 1:
		snprintf(buf, size, "{\"kind\":\"customer\",\"data\":{\"id\":\"C%u\",\"name\":\"Name %d\","
			 "\"lifetime_miles\":%u}}", k, step, 998976 + 512 * roll(4));
		break;
	case 2:
		snprintf(buf, size, "{\"kind\":\"delete\",\"data\":{\"kind\":\"customer\",\"id\":\"C%u\"}}", k);
		break;
	case 3:
	case 4:
		snprintf(buf, size, TRIP_LEG("T%u", "S%u", PAX("C%u") "," PAX("C%u"),
					     "2026-11-%02uT08:15:00-07:00", "booked"),
			 k, k, other == k ? (k + 1) % 6 : other, k, 21 + roll(3));
		break;
	default:
		snprintf(buf, size, "{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"S%u\","
			 "\"status\":\"%s\",\"at\":\"2026-11-22T%02d:%02d:00Z\"}}", k, statuses[roll(4)],
			 10 + step / 60, step % 60);
		break;
	}
}

/* Rounds interleaved at random with every other writer: batches to
 * publish later, batches applied at once (evaluated and published in
 * their own transaction), bare writes, sweeps as the clock moves on, and
 * rounds of two rows, read at one moment and written at another. No
 * touch is lost and nothing older is written over newer: once all is
 * published, nothing is left to change. */
static void test_rounds_interleaved_at_random(void **state)
{
	int64_t now = NOW;  /* on from seed to seed, as a clock does */
	(void)state;
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct store_round *r = NULL, *prev = NULL;
		struct store_keys woken = { 0 };
		struct irm_err e = { 0 };
		char line[3][400], sql[120];
		const char *lines[3] = { line[0], line[1], line[2] };
		rng = seed * 0x9E3779B97F4A7C15u;
		reopen(&rules, 2);
		for (int i = 0; i < 6; i++) {
			snprintf(line[0], sizeof line[0], "{\"kind\":\"customer\",\"data\":{\"id\":\"C%d\","
				 "\"name\":\"Name\",\"lifetime_miles\":998976}}", i);
			snprintf(line[1], sizeof line[1], TRIP_LEG("T%d", "S%d", PAX("C%d"),
								   "2026-11-22T08:15:00-07:00", "booked"), i, i, i);  /* id, passenger, leg */
			apply(lines, 2, now);
		}
		for (int step = 0; step < 300; step++) {
			const unsigned n = 1 + roll(3);
			switch (roll(10)) {
			case 0:
			case 1:
			case 2:
				for (unsigned i = 0; i < n; i++)
					random_event(line[i], sizeof line[i], step);
				ingest_later(lines, n);
				break;
			case 3:
				for (unsigned i = 0; i < n; i++)
					random_event(line[i], sizeof line[i], step);
				apply(lines, n, now);
				break;
			case 4: {
				/* not the name: the name index is the writer's to keep */
				const char *airport = roll(2) ? "SEA" : "SFO";  /* one roll at a time */
				snprintf(sql, sizeof sql, "UPDATE customers SET home_airport = '%s'"
					 " WHERE id = 'C%u'", airport, roll(6));
				write_later(sql);
				break;
			}
			case 5:
				now += 3600 * roll(5);
				assert_int_equal(store_sweep(st, now, &woken, &e), IRM_OK);
				store_keys_free(&woken);
				break;
			default:
				if (!r) {
					assert_int_equal(store_round_read(st, now, prev, &r, &e), IRM_OK);
					store_round_free(&prev);
				} else {
					round_write_keep(r, now);
					prev = r;
					r = NULL;
				}
				break;
			}
		}
		if (r) {
			round_write_keep(r, now);
			store_round_free(&prev);
			prev = r;
		}
		store_round_free(&prev);
		rounds(now);
		assert_int_equal(store_sweep(st, now, &woken, &e), IRM_OK);
		store_keys_free(&woken);
		expect_settled(now);
	}
}

/* A second writer of this process, on a store of its own: it begins a
 * write, says so, and commits. */
struct writer {
	pthread_t t;
	struct store *s;
	enum irm_status begun;
	atomic_bool in;
};

static void *writer_run(void *cls)
{
	struct writer *w = cls;
	struct irm_err e = { 0 };
	w->begun = cache_begin(store_cache(w->s), &e);
	atomic_store(&w->in, true);
	if (w->begun == IRM_OK)
		cache_commit(store_cache(w->s), &e);
	return NULL;
}

/* Writers of one process take turns at the lock: the second waits while
 * the first holds it, and goes in once it commits or rolls back (how soon
 * is for make bench to show, not a test). A compaction finding the lock
 * held gives up after a short while, and is done next time. */
static void test_writers_take_turns(void **state)
{
	const char *a[] = { CUSTOMER("C1", "Dale Brewer") }, *b[] = { CUSTOMER("C1", "Dale A. Brewer") };
	const char *stale = "SELECT count(*) FROM central_stale";
	struct irm_err e = { 0 };
	struct writer w = { 0 };
	struct store *compactor;
	(void)state;
	apply(a, 1, NOW);
	apply(b, 1, NOW);
	assert_int_equal(sql_value(db_path, stale), 1);  /* C1's first entry under "*" */
	assert_int_equal(store_open(db_path, 0, NULL, &w.s, &e), IRM_OK);
	assert_int_equal(store_open(db_path, 0, NULL, &compactor, &e), IRM_OK);
	for (int end = 0; end < 2; end++) {  /* by commit, then by rollback */
		atomic_store(&w.in, false);
		assert_int_equal(cache_begin(store_cache(st), &e), IRM_OK);
		assert_int_equal(pthread_create(&w.t, NULL, writer_run, &w), 0);
		assert_int_equal(store_compact(compactor, &e), IRM_OK);  /* not waited for */
		assert_false(atomic_load(&w.in));
		if (end == 0)
			assert_int_equal(cache_commit(store_cache(st), &e), IRM_OK);
		else
			cache_rollback(store_cache(st));
		pthread_join(w.t, NULL);
		assert_true(atomic_load(&w.in));
		assert_int_equal(w.begun, IRM_OK);
	}
	assert_int_equal(sql_value(db_path, stale), 1);
	assert_int_equal(store_compact(compactor, &e), IRM_OK);  /* the lock free: done */
	assert_int_equal(sql_value(db_path, stale), 0);
	store_close(&compactor);
	store_close(&w.s);
}

/* A store without manual_checkpoint (irm-central load, demo) still copies
 * its log into the database after a long commit, as SQLite's own hook
 * would. */
static void test_log_copied_without_the_ticker(void **state)
{
	struct irm_err e = { 0 };
	struct stat before, after;
	struct store *load;
	(void)state;
	assert_int_equal(store_open(db_path, 0, NULL, &load, &e), IRM_OK);
	sqlite3 *db = cache_sqlite(store_cache(load));
	assert_int_equal(stat(db_path, &before), 0);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE scratch(b BLOB);"
				      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
				      " WHERE i < 2000) INSERT INTO scratch SELECT zeroblob(4000) FROM n",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(stat(db_path, &after), 0);
	assert_true(after.st_size >= before.st_size + 2000 * 4000);
	store_close(&load);
}

/* `sql` run on the closed store's file, then the store opened again
 * (as setup() opens it). */
static void rewrite_and_reopen(const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	struct store_opts o;
	struct irm_err e = { 0 };
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s", msg);
	sqlite3_close(db);
	store_opts_default(&o);
	o.tombstone_ttl = DAY;
	o.rules = &rules;
	if (store_open(db_path, 0, &o, &st, &e) != IRM_OK)
		fail_msg("%s", e.msg);
}

/* A store written before the documents kept their keys (the feed with a
 * row id, an index by row and SQLite's own last number; the documents
 * keyed by kind and id alone) is brought up to date when opened: the same
 * pages, the same end, and writes go on after it. */
static void test_old_store_brought_up_to_date(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), CUSTOMER("C2", "Ann Lee"),
				TRIP("T1", "S1", PAX("C1") "," PAX("C2")) };
	const char *all[] = { "*" }, *den[] = { "s:DEN" }, *two[] = { "c:C1", "c:C2" };
	struct store_keys woken = { 0 };
	struct irm_err e = { 0 };
	int64_t last;
	(void)state;
	apply(lines, 3, NOW);
	assert_int_equal(store_sweep(st, NOW, &woken, &e), IRM_OK);
	assert_int_equal(store_sweep(st, NOW + 2 * DAY, &woken, &e), IRM_OK);  /* evictions */
	store_keys_free(&woken);
	char *was_all = page_text(all, 1), *was_den = page_text(den, 1), *was_two = page_text(two, 2);
	assert_int_equal(store_last_seq(st, &last, &e), IRM_OK);
	assert_true(last > 0);
	store_close(&st);

	/* The old layout, its last number past its last entry (one purged). */
	char sql[2000];
	snprintf(sql, sizeof sql,
		 "BEGIN;"
		 "CREATE TABLE old_feed(seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL,"
		 " kind TEXT NOT NULL, id TEXT NOT NULL, op TEXT NOT NULL, at_utc INTEGER NOT NULL);"
		 "INSERT INTO old_feed SELECT f.seq, f.key, d.kind, d.id, f.op, f.at_utc"
		 " FROM central_feed f JOIN central_docs d ON d.rid = f.doc ORDER BY f.seq;"
		 "CREATE TABLE old_docs(kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,"
		 " data TEXT, kiosk TEXT, PRIMARY KEY(kind, id)) WITHOUT ROWID;"
		 "INSERT INTO old_docs SELECT kind, id, version, data, kiosk FROM central_docs;"
		 "DROP TABLE central_feed; ALTER TABLE old_feed RENAME TO central_feed;"
		 "DROP TABLE central_docs; ALTER TABLE old_docs RENAME TO central_docs;"
		 "UPDATE sqlite_sequence SET seq = %lld WHERE name = 'central_feed';"
		 "CREATE UNIQUE INDEX central_feed_row ON central_feed(kind, id, key);"
		 "CREATE INDEX central_feed_key ON central_feed(key, seq);"
		 "CREATE INDEX central_feed_tomb ON central_feed(at_utc) WHERE op != 'upsert';"
		 "DELETE FROM central_meta WHERE key = 'feed_seq';"
		 "COMMIT;", (long long)last + 5);
	rewrite_and_reopen(sql);
	int64_t now_last;
	assert_int_equal(store_last_seq(st, &now_last, &e), IRM_OK);
	assert_int_equal(now_last, last + 5);
	char *is_all = page_text(all, 1), *is_den = page_text(den, 1), *is_two = page_text(two, 2);
	assert_string_equal(is_all, was_all);
	assert_string_equal(is_den, was_den);
	assert_string_equal(is_two, was_two);
	/* The marks carry the tombstones' sign: the legs left DEN's window,
	 * and the rows are under their customers still. */
	bool in;
	assert_int_equal(store_in_key(st, "trip", "T1", "s:DEN", &in, &e), IRM_OK);
	assert_false(in);
	assert_int_equal(store_in_key(st, "trip", "T1", "c:C2", &in, &e), IRM_OK);
	assert_true(in);
	assert_int_equal(store_in_key(st, "customer", "C1", "s:DEN", &in, &e), IRM_OK);
	assert_false(in);
	char *schema = schema_text(db_path), *want = fresh_schema();
	assert_string_equal(schema, want);
	free(schema), free(want);
	/* Opened again, it is not rewritten twice. */
	store_close(&st);
	rewrite_and_reopen("");
	assert_int_equal(store_last_seq(st, &now_last, &e), IRM_OK);
	assert_int_equal(now_last, last + 5);

	/* A change now: numbered after the old end, and in place of the old
	 * entries (one a key). */
	const char *renamed[] = { CUSTOMER("C1", "Dale B. Brewer") };
	apply(renamed, 1, NOW + 2 * DAY);
	int64_t next;
	json_t *p = page(all, 1, last + 5, false, &next);
	assert_string_equal(op_of(find(p, "customer", "C1")), "upsert");
	assert_true(next > last + 5);
	json_decref(p);
	p = page(all, 1, 0, false, NULL);
	assert_int_equal(count_id(p, "C1"), 1);
	json_decref(p);
	free(was_all), free(was_den), free(was_two);
	free(is_all), free(is_den), free(is_two);
}

/* The store's tables and indexes as text (names quoted or not alike). */
static char *schema_text(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	char *text = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(type || ' ' || name || ': ' ||"
					    " replace(coalesce(sql, ''), '\"', ''), char(10))"
					    " FROM (SELECT * FROM sqlite_master ORDER BY name)", -1, &q, NULL),
			 SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		text = strdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
	assert_non_null(text);
	return text;
}

/* A store of today's layout, made fresh beside the test's: its schema. */
static char *fresh_schema(void)
{
	char path[4300];
	struct store *fresh;
	struct irm_err e = { 0 };
	snprintf(path, sizeof path, "%s/fresh.db", dir);
	assert_int_equal(store_open(path, CACHE_CREATE, NULL, &fresh, &e), IRM_OK);
	store_close(&fresh);
	return schema_text(path);
}

/* The store closed, `old` run on its file (a transaction that writes an
 * older layout from today's), and opened again: the same pages, the same
 * end, today's schema, and a change goes on after it. */
static void brought_up_to_date(const char *old, const char *change)
{
	const char *all[] = { "*" }, *den[] = { "s:DEN" }, *two[] = { "c:C1", "c:C2" };
	struct store_keys woken = { 0 };
	struct irm_err e = { 0 };
	int64_t last, now_last;
	assert_int_equal(store_sweep(st, NOW + 2 * DAY, &woken, &e), IRM_OK);
	store_keys_free(&woken);
	char *was_all = page_text(all, 1), *was_den = page_text(den, 1), *was_two = page_text(two, 2);
	assert_int_equal(store_last_seq(st, &last, &e), IRM_OK);
	store_close(&st);
	rewrite_and_reopen(old);
	assert_int_equal(store_last_seq(st, &now_last, &e), IRM_OK);
	assert_int_equal(now_last, last);
	char *is_all = page_text(all, 1), *is_den = page_text(den, 1), *is_two = page_text(two, 2);
	assert_string_equal(is_all, was_all);
	assert_string_equal(is_den, was_den);
	assert_string_equal(is_two, was_two);
	char *schema = schema_text(db_path), *want = fresh_schema();
	assert_string_equal(schema, want);
	/* row ids go on after the highest named, never again from a lower one */
	assert_true(sql_value(db_path, "SELECT seq FROM sqlite_sequence WHERE name = 'central_docs'") >=
		    sql_value(db_path, "SELECT max((SELECT max(rid) FROM central_docs),"
				       " (SELECT max(doc) FROM central_feed))"));

	apply(&change, 1, NOW + 2 * DAY);
	json_t *p = page(all, 1, last, false, NULL);
	assert_string_equal(op_of(find(p, "customer", "C1")), "upsert");
	size_t i;
	json_t *ch;
	json_array_foreach(p, i, ch)  /* C1, and its alerts, which show its name */
		if (strcmp(json_string_value(json_object_get(ch, "kind")), "customer") != 0)
			assert_string_equal(data_str(ch, "customer_id"), "C1");
	json_decref(p);
	free(was_all), free(was_den), free(was_two);
	free(is_all), free(is_den), free(is_two);
	free(schema), free(want);
}

/* A store whose documents were keyed by (kind, id) alone, the feed naming
 * them so; one whose documents' row ids SQLite might give again; ones whose
 * touched rows were kept each once by (kind, id), by triggers that touched
 * them by INSERT … SELECT, or on every write of a customer or a leg. */
#define TOUCHED_BEFORE                                                                   \
	"DROP TABLE central_queue;"                                                      \
	"CREATE TABLE central_touched(gen INTEGER PRIMARY KEY AUTOINCREMENT,"            \
	" kind TEXT NOT NULL, id TEXT NOT NULL, first INTEGER NOT NULL, UNIQUE(kind, id));"
static void test_layouts_1_and_2_brought_up_to_date(void **state)
{
	const char *lines[] = { CUSTOMER("C1", "Dale Brewer"), CUSTOMER("C2", "Ann Lee"),
				TRIP("T1", "S1", PAX("C1") "," PAX("C2")) };
	(void)state;
	apply(lines, 3, NOW);
	brought_up_to_date(
		"BEGIN;"
		"CREATE TABLE old_docs(kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,"
		" data TEXT, kiosk TEXT, keys TEXT NOT NULL DEFAULT ' ',"
		" changed_utc INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(kind, id)) WITHOUT ROWID;"
		"INSERT INTO old_docs SELECT kind, id, version, data, kiosk, keys, changed_utc"
		" FROM central_docs;"
		"CREATE TABLE old_feed(key TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,"
		" id TEXT NOT NULL, op TEXT NOT NULL, at_utc INTEGER NOT NULL,"
		" PRIMARY KEY(key, seq)) WITHOUT ROWID;"
		"INSERT INTO old_feed SELECT f.key, f.seq, d.kind, d.id, f.op, f.at_utc"
		" FROM central_feed f JOIN central_docs d ON d.rid = f.doc;"
		"DROP TABLE central_feed; DROP TABLE central_docs; DROP TABLE central_stale;"
		"ALTER TABLE old_docs RENAME TO central_docs; ALTER TABLE old_feed RENAME TO central_feed;"
		"CREATE INDEX central_feed_tomb ON central_feed(at_utc) WHERE op != 'upsert';"
		"COMMIT;", CUSTOMER("C1", "Dale B. Brewer"));
	brought_up_to_date(
		"BEGIN;"
		"CREATE TABLE old_docs(rid INTEGER PRIMARY KEY, kind TEXT NOT NULL, id TEXT NOT NULL,"
		" version INTEGER NOT NULL, data TEXT, kiosk TEXT, keys TEXT NOT NULL DEFAULT ' ',"
		" changed_utc INTEGER NOT NULL DEFAULT 0);"
		"INSERT INTO old_docs SELECT * FROM central_docs;"
		"DROP TABLE central_docs; ALTER TABLE old_docs RENAME TO central_docs;"
		"CREATE UNIQUE INDEX central_docs_row ON central_docs(kind, id);"
		"CREATE INDEX central_docs_gone ON central_docs(changed_utc) WHERE data IS NULL;"
		/* an eviction left behind by a document purged since (the
		 * clock stepped back): its id is never given again */
		"INSERT INTO central_feed(key, seq, doc, op, at_utc) VALUES ('s:SEA', 1, 999, 'evict', 0);"
		/* touched rows without generations, and a trigger that kept the first */
		"DROP TRIGGER central_customers_u; DROP TABLE central_queue;"
		"CREATE TABLE central_touched(kind TEXT NOT NULL, id TEXT NOT NULL,"
		" PRIMARY KEY(kind, id)) WITHOUT ROWID;"
		"INSERT INTO central_touched VALUES ('customer', 'C2');"
		"CREATE TRIGGER central_customers_u AFTER UPDATE ON customers BEGIN"
		" INSERT OR IGNORE INTO central_touched(kind, id) SELECT 'customer', NEW.id"
		" WHERE NEW.id IS NOT NULL; END;"
		"COMMIT;", CUSTOMER("C1", "Dale Bo Brewer"));
	/* touched rows each once with a generation, by triggers that touched a
	 * row by INSERT … SELECT (a copy through a temporary table at every
	 * touch); the customers left to evaluate go into the queue in the
	 * order they were first touched */
	brought_up_to_date(
		"BEGIN;" TOUCHED_BEFORE
		"INSERT INTO central_touched(kind, id, first) VALUES ('engine', 'C1', 2);"
		"INSERT INTO central_touched(kind, id, first) VALUES ('engine', 'C2', 1);"
		"DROP TRIGGER central_customers_u;"
		"CREATE TRIGGER central_customers_u AFTER UPDATE ON customers BEGIN"
		" INSERT OR REPLACE INTO central_touched(kind, id, first) SELECT 'customer', NEW.id,"
		" coalesce((SELECT c.first FROM central_touched c WHERE c.kind = 'customer'"
		" AND c.id = NEW.id), 1) WHERE NEW.id IS NOT NULL; END;"
		"COMMIT;", CUSTOMER("C1", "Dale Bob Brewer"));
	assert_int_equal(sql_value(db_path, "SELECT count(*) FROM central_queue"
				   " WHERE kind = 'engine' AND id = 'C2'"), 1);
	assert_int_equal(sql_value(db_path, "SELECT (SELECT seq FROM central_queue WHERE"
				   " kind = 'engine' AND id = 'C2') < (SELECT seq FROM central_queue"
				   " WHERE kind = 'engine' AND id = 'C1')"), 1);
	/* triggers that touched a customer for every credit of miles, and a
	 * trip for every status of its legs */
	brought_up_to_date(
		"BEGIN;" TOUCHED_BEFORE
		"DROP TRIGGER central_customers_u;"
		"CREATE TRIGGER central_customers_u AFTER UPDATE ON customers WHEN NEW.id IS NOT NULL"
		" BEGIN INSERT OR REPLACE INTO central_touched(kind, id, first)"
		" VALUES ('customer', NEW.id, 1); END;"
		"CREATE TRIGGER central_segments_u AFTER UPDATE ON segments BEGIN"
		" INSERT OR REPLACE INTO central_touched(kind, id, first)"
		" VALUES ('trip', (SELECT t.id FROM trips t WHERE t.rid = NEW.trip), 1); END;"
		"COMMIT;", CUSTOMER("C1", "Dale Bobby Brewer"));
	const char *newcomer[] = { CUSTOMER("C3", "Ines Diaz") };
	apply(newcomer, 1, NOW + 2 * DAY);
	assert_true(sql_value(db_path, "SELECT rid FROM central_docs WHERE id = 'C3'") > 999);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_publish_scopes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_versions_grow_and_nothing_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replaced_entries_skipped_then_compacted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replaced_tombstone_not_purged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_evicts_and_tombstones_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_is_a_tombstone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_customers_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_customers_scope_delete_then_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unchanged_customer_not_republished, setup, teardown),
		cmocka_unit_test_setup_teardown(test_followers_move_with_legs_not_statuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_greeting_enters_with_its_leg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alert_follows_its_leg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_trip_leaves_station, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cursors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_actions_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rounds_publish_and_evaluate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_credit_publishes_the_customer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_sets_aside_what_changed_since, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_hot_row_not_starved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_after_a_publish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_after_another_publish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_read_before_a_sweep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_after_a_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_after_a_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_keeps_a_touch_after_a_publish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_clears_later_entries_of_its_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_without_rules_publishes_the_customer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_customer_credited_since, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_without_rules_after_a_publish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_looks_just_behind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_sweep_from_the_first_document, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_sweep_with_a_clock_behind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alerts_follow_the_customer_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_after_a_publish_that_undid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_alert_of_a_customer_renamed_since, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_alert_set_aside_survives_a_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rounds_interleaved_at_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writers_take_turns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_copied_without_the_ticker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_store_brought_up_to_date, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layouts_1_and_2_brought_up_to_date, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
