#include "testutil.h"

/* test_demo_load.c — the demo into a real cache: what it reports is what
 * the cache holds, the seed story's alert and name index are there, one
 * truth line per trip, and the same seed gives the same load. */
#include <sqlite3.h>

#include "alerts.h"
#include "cache.h"
#include "context.h"
#include "demo_load.h"
#include "rules.h"
#include "search.h"

#define NOW 1795338000          /* 2026-11-22T09:00:00Z */
#define CUSTOMERS 300

static char *dir;
static struct rules rules;

static int setup(void **state)
{
	(void)state;
	dir = tmpdir_make();
	rules_default(&rules);
	return dir ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(dir);
	return 0;
}

/* A fresh CACHE_BULK cache dir/name with the demo in it, closed. */
static void load(const char *name, uint64_t seed, FILE *truth, struct demo_load_stats *st)
{
	char path[4200];
	struct irm_err e = { 0 };
	struct cache *c;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(cache_open(path, CACHE_CREATE | CACHE_BULK, &c, &e), IRM_OK);
	enum irm_status s = demo_load(c, &rules, seed, CUSTOMERS, NOW, truth, st, &e);
	if (s != IRM_OK)
		fail_msg("demo_load: %s", e.msg);
	cache_close(&c);
}

static long long count_rows(const char *name, const char *table)
{
	char path[4200], sql[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	return sql_value(path, sql);
}

static void test_load(void **state)
{
	(void)state;
	char truth_path[4200], line[512];
	struct demo_load_stats st;

	snprintf(truth_path, sizeof truth_path, "%s/truth.jsonl", dir);
	FILE *truth = fopen(truth_path, "w");
	assert_non_null(truth);
	load("a.db", 7, truth, &st);
	assert_int_equal(fclose(truth), 0);

	/* What it reports is what the cache holds. */
	assert_int_equal(st.customers, CUSTOMERS);
	assert_true(st.trips > st.customers);
	assert_true(st.segments >= st.trips);
	assert_int_equal(count_rows("a.db", "customers"), st.customers);
	assert_int_equal(count_rows("a.db", "trips"), st.trips);
	assert_int_equal(count_rows("a.db", "segments"), st.segments);

	/* One truth line per trip. */
	long lines = 0;
	truth = fopen(truth_path, "r");
	assert_non_null(truth);
	while (fgets(line, sizeof line, truth)) {
		assert_non_null(strchr(line, '\n'));
		assert_memory_equal(line, "{\"trip_id\":\"", 12);
		assert_non_null(strstr(line, "\"true_intent\":\""));
		lines++;
	}
	fclose(truth);
	assert_int_equal(lines, st.trips);

	char path[4200];
	struct irm_err e = { 0 };
	struct cache *c;
	snprintf(path, sizeof path, "%s/a.db", dir);
	assert_int_equal(cache_open(path, 0, &c, &e), IRM_OK);

	/* The seed story, with its trips. */
	struct customer_context ctx;
	assert_int_equal(context_load(c, "C1", &ctx, &e), IRM_OK);
	assert_string_equal(ctx.customer.name, "Dale Brewer");
	assert_string_equal(ctx.customer.member, "MP7000001");
	assert_true(ctx.n_trips > 0);
	context_free(&ctx);

	/* The engine ran: his millionth mile is projected. */
	struct alert_filter f = { .customer = "C1", .kind = "lifetime_miles" };
	struct alert_list l;
	assert_int_equal(alerts_list(c, &f, &l, &e), IRM_OK);
	bool found = false;
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].threshold == 1000000 && l.v[i].state == ALERT_PROJECTED)
			found = true;
	assert_true(found);
	alerts_list_free(&l);

	/* The name index was built. */
	struct search_result r;
	assert_int_equal(search_run(c, "Dale Brewer", 10, &r, &e), IRM_OK);
	assert_true(r.n >= 1);
	assert_string_equal(r.hits[0].id, "C1");
	search_result_free(&r);

	/* The load's time is recorded. */
	int64_t updated;
	assert_int_equal(cache_updated(c, &updated, &e), IRM_OK);
	assert_int_equal(updated, NOW);
	cache_close(&c);
}

static void test_same_seed(void **state)
{
	(void)state;
	struct demo_load_stats a, b;

	load("b1.db", 11, NULL, &a);
	load("b2.db", 11, NULL, &b);
	assert_int_equal(a.customers, b.customers);
	assert_int_equal(a.trips, b.trips);
	assert_int_equal(a.segments, b.segments);
	assert_int_equal(count_rows("b1.db", "alerts"), count_rows("b2.db", "alerts"));
	assert_true(count_rows("b1.db", "alerts") > 0);
}

static void test_refused(void **state)
{
	(void)state;
	char path[4200];
	struct irm_err e = { 0 };
	struct demo_load_stats st = { .customers = 99 };
	struct cache *c;

	snprintf(path, sizeof path, "%s/c.db", dir);
	assert_int_equal(cache_open(path, CACHE_CREATE | CACHE_BULK, &c, &e), IRM_OK);
	assert_int_equal(demo_load(c, &rules, 1, 1, NOW, NULL, &st, &e), IRM_EUSAGE);
	assert_non_null(strstr(e.msg, "customers"));
	assert_int_equal(st.customers, 0);
	assert_int_equal(demo_load(c, &rules, 1, DEMO_LOAD_MAX_CUSTOMERS + 1L, NOW, NULL, NULL,
				   &e), IRM_EUSAGE);

	/* Inside the caller's transaction: refused, and that transaction is
	 * left to the caller. */
	assert_int_equal(cache_begin(c, &e), IRM_OK);
	assert_int_not_equal(demo_load(c, &rules, 1, 2, NOW, NULL, NULL, &e), IRM_OK);
	assert_int_equal(cache_commit(c, &e), IRM_OK);
	cache_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_same_seed),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
