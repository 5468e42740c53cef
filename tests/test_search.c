/* test_search.c — the one query box over a real cache: names in many
 * scripts, accents, prefixes, typos, member numbers, phones, emails,
 * booking references, and the order of results. */
#include "testutil.h"

#include "clock.h"
#include "import.h"
#include "search.h"

static char *dir;
static struct cache *cache;

#define CUST(id, member, name, extra) \
	"{\"kind\":\"customer\",\"data\":{\"id\":\"" id "\",\"member\":\"" member "\",\"name\":\"" name "\"" extra "}}\n"

static const char fixture[] =
	CUST("C1", "MP7000001", "Dale Brewer", ",\"tier\":\"Platinum\",\"lifetime_miles\":998976,"
	     "\"phone\":\"+13035550142\",\"email\":\"dale.brewer@example.com\"")
	CUST("C2", "MP4410923", "Dale Brewster", ",\"tier\":\"Gold\",\"phone\":\"+13125557781\"")
	CUST("C3", "MP2093311", "Dalia Brewer", ",\"tier\":\"Silver\",\"phone\":\"+12065550093\"")
	CUST("C4", "MP1000004", "José Müller", ",\"email\":\"jm@example.com\"")
	CUST("C5", "MP1000005", "Jose Smith", "")
	CUST("C6", "MP1000006", "Иван Петров", "")
	CUST("C7", "MP1000007", "Γιώργος Παπαδόπουλος", "")
	CUST("C8", "MP1000008", "王小明", "")
	CUST("C9", "MP1000009", "김민준", "")
	CUST("C10", "MP1000010", "محمد العلي", "")
	CUST("C11", "MP1000011", "Søren Kierkegaard", "")
	CUST("C12", "MP1000012", "Brewer Dale", ",\"tier\":\"Member\"")
	"{\"kind\":\"trip\",\"data\":{\"id\":\"T1\",\"pnr\":\"K7Q2ZX\",\"passengers\":[{\"customer_id\":\"C1\"},"
	"{\"name\":\"Guest\"}],\"segments\":[{\"id\":\"S1\",\"origin\":\"DEN\",\"destination\":\"SEA\","
	"\"departure\":\"2026-11-22T08:15:00-07:00\",\"status\":\"booked\"}]}}\n";

static int setup(void **state)
{
	char path[4200];
	struct irm_err e = { 0 };
	struct import_stats st;
	(void)state;

	dir = tmpdir_make();
	clock_pin(1795338000);
	snprintf(path, sizeof path, "%s/in.jsonl", dir);
	write_file(path, fixture);
	snprintf(path, sizeof path, "%s/cache.db", dir);
	if (cache_open(path, CACHE_CREATE, &cache, &e) != IRM_OK)
		return -1;
	snprintf(path, sizeof path, "%s/in.jsonl", dir);
	if (import_file(cache, path, NULL, &st, &e) != IRM_OK) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cache_close(&cache);
	tmpdir_remove(dir);
	return 0;
}

/* Run a query; the id of the first hit, or "" when nothing matched. */
static const char *first(const char *q, struct search_result *r)
{
	struct irm_err e = { 0 };
	assert_int_equal(search_run(cache, q, 10, r, &e), IRM_OK);
	return r->n ? r->hits[0].id : "";
}

static bool contains(const struct search_result *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->hits[i].id, id) == 0)
			return true;
	return false;
}

#define EXPECT_FIRST(q, id) do {                    \
	struct search_result r_;                      \
	assert_string_equal(first(q, &r_), id);       \
	search_result_free(&r_);                      \
} while (0)

static void test_names_any_script(void **state)
{
	(void)state;
	EXPECT_FIRST("Dale Brewer", "C1");
	EXPECT_FIRST("иван", "C6");
	EXPECT_FIRST("Петров", "C6");
	EXPECT_FIRST("γιωργος", "C7");       /* accents (tonos) ignored */
	EXPECT_FIRST("ΠΑΠΑΔΟΠΟΥΛΟΣ", "C7");  /* case folded */
	EXPECT_FIRST("王小明", "C8");
	EXPECT_FIRST("王", "C8");             /* prefix of the CJK word */
	EXPECT_FIRST("김민준", "C9");
	EXPECT_FIRST("محمد", "C10");
	EXPECT_FIRST("soren", "C11");
}

static void test_accents_ignored(void **state)
{
	struct search_result r;
	(void)state;
	first("jose", &r);
	assert_true(contains(&r, "C4"));
	assert_true(contains(&r, "C5"));
	search_result_free(&r);
	EXPECT_FIRST("José Müller", "C4");
	EXPECT_FIRST("jose muller", "C4");
}

static void test_prefix_while_typing(void **state)
{
	struct search_result r;
	(void)state;
	first("dale bre", &r);
	assert_true(r.n >= 3);
	assert_true(contains(&r, "C1") && contains(&r, "C2") && contains(&r, "C12"));
	search_result_free(&r);
	first("da brew", &r);   /* every word a prefix */
	assert_true(contains(&r, "C1") && contains(&r, "C3"));
	search_result_free(&r);
	/* A finished word is a word: "dale " does not find Dalia. */
	first("dale ", &r);
	assert_false(contains(&r, "C3"));
	search_result_free(&r);
}

static void test_typos(void **state)
{
	struct search_result r;
	(void)state;
	first("Brewr", &r);
	assert_true(r.n >= 2);
	assert_true(contains(&r, "C1") && contains(&r, "C3"));
	assert_int_equal(r.hits[0].match, MATCH_NAME_TYPO);
	search_result_free(&r);
	EXPECT_FIRST("dale brewr", "C1");
	EXPECT_FIRST("dael brewer", "C1");    /* swapped letters */
	EXPECT_FIRST("Kierkegard", "C11");    /* a letter missing */
	EXPECT_FIRST("Петорв", "C6");     /* swapped, in Cyrillic */
}

static void test_best_match_first(void **state)
{
	struct search_result r;
	(void)state;
	/* Whole words in order beat the same words reversed and prefixes. */
	first("dale brewer", &r);
	assert_string_equal(r.hits[0].id, "C1");
	assert_true(contains(&r, "C12"));
	search_result_free(&r);
	first("brewer dale", &r);
	assert_string_equal(r.hits[0].id, "C12");
	search_result_free(&r);
	/* Equal matches: higher tier first. */
	first("dale", &r);
	assert_string_equal(r.hits[0].id, "C1");
	assert_string_equal(r.hits[1].id, "C2");
	search_result_free(&r);
}

static void test_keys(void **state)
{
	struct search_result r;
	(void)state;
	EXPECT_FIRST("MP7000001", "C1");
	EXPECT_FIRST("mp7000001", "C1");
	EXPECT_FIRST("7000001", "C1");
	EXPECT_FIRST("+1 303 555 0142", "C1");
	EXPECT_FIRST("(303) 555-0142", "C1");
	EXPECT_FIRST("303.555.0142", "C1");
	EXPECT_FIRST("5550142", "C1");
	EXPECT_FIRST("13035550142", "C1");
	EXPECT_FIRST("dale.brewer@example.com", "C1");
	EXPECT_FIRST("DALE.BREWER@EXAMPLE.COM", "C1");
	EXPECT_FIRST("jm@ex", "C4");
	EXPECT_FIRST("K7Q2ZX", "C1");
	EXPECT_FIRST("k7q2zx", "C1");
	first("K7Q2ZX", &r);
	assert_int_equal(r.hits[0].match, MATCH_PNR);
	assert_int_equal(r.n, 1);
	search_result_free(&r);
	first("MP44", &r);
	assert_string_equal(r.hits[0].id, "C2");
	assert_int_equal(r.hits[0].match, MATCH_MEMBER);
	search_result_free(&r);
}

static void test_nothing_and_bad_queries(void **state)
{
	struct search_result r;
	struct irm_err e = { 0 };
	(void)state;
	assert_string_equal(first("", &r), "");
	search_result_free(&r);
	assert_string_equal(first("   ", &r), "");
	search_result_free(&r);
	assert_string_equal(first("zzyzx qwv", &r), "");
	search_result_free(&r);
	/* Characters that mean something to FTS5 are only text here. */
	assert_string_equal(first("\"dale\"", &r), "C1");
	search_result_free(&r);
	assert_string_equal(first("dale*", &r), "C1");
	search_result_free(&r);
	assert_string_equal(first("NEAR(dale OR \"x", &r), "");
	search_result_free(&r);
	assert_int_equal(search_run(cache, "\xff\xfe", 10, &r, &e), IRM_EUSAGE);
	char longq[400];
	memset(longq, 'a', sizeof longq - 1);
	longq[sizeof longq - 1] = '\0';
	assert_int_equal(search_run(cache, longq, 10, &r, &e), IRM_EUSAGE);
}

static void test_limit_and_fields(void **state)
{
	struct search_result r;
	struct irm_err e = { 0 };
	(void)state;
	assert_int_equal(search_run(cache, "dale", 1, &r, &e), IRM_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hits[0].member, "MP7000001");
	assert_string_equal(r.hits[0].name, "Dale Brewer");
	assert_int_equal(r.hits[0].tier, TIER_PLATINUM);
	assert_int_equal(r.hits[0].lifetime_miles, 998976);
	search_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_any_script),
		cmocka_unit_test(test_accents_ignored),
		cmocka_unit_test(test_prefix_while_typing),
		cmocka_unit_test(test_typos),
		cmocka_unit_test(test_best_match_first),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_nothing_and_bad_queries),
		cmocka_unit_test(test_limit_and_fields),
	};
	return cmocka_run_group_tests_name("search", tests, setup, teardown);
}
