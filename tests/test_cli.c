/* test_cli.c — the real irm binary ($IRM_BIN) on a real generated cache:
 * JSON on stdout, messages on stderr, exit statuses. */
#include "testutil.h"
#include "clirun.h"

#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char *dir;
static char db[4200];
static const char *bin;

static struct run irm(const char *in, const char *const *args)
{
	return run_irm(bin, in, args);
}

#define IRM(...) irm(NULL, (const char *const[]){ __VA_ARGS__, NULL })

static int setup(void **state)
{
	(void)state;
	bin = getenv("IRM_BIN");
	if (!bin) {
		fprintf(stderr, "IRM_BIN is not set\n");
		return -1;
	}
	dir = tmpdir_make();
	setenv("IRM_NOW", "2026-11-22T09:00:00Z", 1);
	setenv("HOME", dir, 1);
	unsetenv("IRM_DB");
	unsetenv("XDG_DATA_HOME");
	snprintf(db, sizeof db, "%s/demo.db", dir);
	struct run r = IRM("demo", "--customers", "400", "--seed", "7", "--out", db);
	int ok = r.status == 0;
	if (!ok)
		fprintf(stderr, "irm demo failed: %s\n", r.err);
	run_free(&r);
	return ok ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(dir);
	return 0;
}

static void test_find_json(void **state)
{
	(void)state;
	struct run r = IRM("--db", db, "find", "brewr", "--json");
	assert_int_equal(r.status, 0);
	json_t *v = json_of(&r);
	assert_true(json_is_array(v));
	assert_true(json_array_size(v) >= 1);
	json_t *h = json_array_get(v, 0);
	assert_string_equal(json_string_value(json_object_get(h, "id")), "C1");
	assert_string_equal(json_string_value(json_object_get(h, "member")), "MP7000001");
	assert_string_equal(json_string_value(json_object_get(h, "name")), "Dale Brewer");
	assert_string_equal(json_string_value(json_object_get(h, "tier")), "Platinum");
	json_decref(v);
	run_free(&r);

	r = IRM("--db", db, "find", "dale", "brewer", "--limit", "3", "--json");
	assert_int_equal(r.status, 0);
	v = json_of(&r);
	assert_true(json_array_size(v) >= 1 && json_array_size(v) <= 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "id")), "C1");
	json_decref(v);
	run_free(&r);
}

static void test_find_text_and_statuses(void **state)
{
	(void)state;
	struct run r = IRM("--db", db, "find", "MP7000002");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "Priya Raman"));
	run_free(&r);

	r = IRM("--db", db, "find", "zzqxv");
	assert_int_equal(r.status, 1);
	run_free(&r);
	r = IRM("--db", db, "find");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "usage: irm find"));
	run_free(&r);
	r = IRM("--db", db, "find", "--limit", "0", "x");
	assert_int_equal(r.status, 2);
	run_free(&r);
	r = IRM("--db", db, "find", "--bogus", "x");
	assert_int_equal(r.status, 2);
	run_free(&r);
}

static json_t *segment_named(json_t *customer, const char *id)
{
	size_t i, j;
	json_t *t, *s;
	json_array_foreach(json_object_get(customer, "trips"), i, t)
		json_array_foreach(json_object_get(t, "segments"), j, s)
			if (strcmp(json_string_value(json_object_get(s, "id")), id) == 0)
				return s;
	return NULL;
}

static void test_show_json(void **state)
{
	(void)state;
	struct run r = IRM("--db", db, "show", "mp7000001", "--json");
	assert_int_equal(r.status, 0);
	json_t *v = json_of(&r);
	assert_string_equal(json_string_value(json_object_get(v, "id")), "C1");
	assert_string_equal(json_string_value(json_object_get(v, "name")), "Dale Brewer");
	assert_int_equal(json_integer_value(json_object_get(v, "lifetime_miles")), 998976);
	assert_string_equal(json_string_value(json_object_get(v, "tier")), "Platinum");
	assert_true(json_array_size(json_object_get(v, "trips")) >= 4);

	json_t *s1 = segment_named(v, "S1");
	assert_non_null(s1);
	assert_string_equal(json_string_value(json_object_get(s1, "origin")), "DEN");
	assert_string_equal(json_string_value(json_object_get(s1, "destination")), "SEA");
	assert_string_equal(json_string_value(json_object_get(s1, "departure")), "2026-11-22T08:15:00-07:00");
	assert_string_equal(json_string_value(json_object_get(s1, "status")), "booked");
	assert_int_equal(json_integer_value(json_object_get(s1, "miles")), 1024);

	/* Every segment carries the contract's fields. */
	size_t i, j;
	json_t *t, *s;
	int upcoming = 0, recent = 0;
	json_array_foreach(json_object_get(v, "trips"), i, t) {
		const char *when = json_string_value(json_object_get(t, "when"));
		upcoming += strcmp(when, "upcoming") == 0;
		recent += strcmp(when, "recent") == 0;
		json_array_foreach(json_object_get(t, "segments"), j, s) {
			const char *fields[] = { "id", "origin", "destination", "departure", "status" };
			for (size_t k = 0; k < 5; k++)
				assert_true(json_is_string(json_object_get(s, fields[k])));
			assert_true(json_is_integer(json_object_get(s, "miles")));
		}
	}
	assert_true(upcoming >= 1);
	assert_true(recent >= 3);
	json_decref(v);
	run_free(&r);
}

static void test_intent_in_show_and_eval(void **state)
{
	char truth[4300];
	(void)state;
	struct run r = IRM("--db", db, "show", "C1", "--json");
	assert_int_equal(r.status, 0);
	json_t *v = json_of(&r);
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(v, "trips"), i, t) {
		json_t *in = json_object_get(t, "intent");
		assert_non_null(json_string_value(json_object_get(in, "label")));
		assert_true(json_is_number(json_object_get(in, "confidence")));
		json_t *sc = json_object_get(in, "scores");
		double sum = json_number_value(json_object_get(sc, "business")) +
			     json_number_value(json_object_get(sc, "leisure")) +
			     json_number_value(json_object_get(sc, "vfr"));
		assert_true(sum > 0.99 && sum < 1.01);
		assert_true(json_array_size(json_object_get(in, "reasons")) >= 1);
		assert_non_null(json_string_value(json_object_get(t, "situation")));
		if (strcmp(json_string_value(json_object_get(t, "id")), "T1") == 0) {
			assert_string_equal(json_string_value(json_object_get(in, "label")), "business");
			assert_string_equal(json_string_value(json_object_get(t, "situation")), "solo");
		}
	}
	json_t *prof = json_object_get(v, "profile");
	assert_string_equal(json_string_value(json_object_get(json_object_get(prof, "vfr"), "cabin")), "Y");
	assert_true(json_integer_value(json_object_get(json_object_get(prof, "vfr"), "trips")) >= 3);
	json_decref(v);
	run_free(&r);

	snprintf(truth, sizeof truth, "%s.truth.jsonl", db);
	r = IRM("--db", db, "intent", "--eval", truth, "--json");
	assert_int_equal(r.status, 0);
	v = json_of(&r);
	assert_true(json_number_value(json_object_get(v, "accuracy")) >= 0.9);
	assert_non_null(json_object_get(json_object_get(v, "confusion"), "vfr"));
	json_decref(v);
	run_free(&r);
	r = IRM("--db", db, "intent", "--eval", truth);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "ccuracy"));
	run_free(&r);
	r = IRM("--db", db, "intent");
	assert_int_equal(r.status, 2);
	run_free(&r);
	char bad[4200];
	snprintf(bad, sizeof bad, "%s/bad-truth.jsonl", dir);
	write_file(bad, "{\"trip_id\":\"T1\",\"customer_id\":\"C1\",\"true_intent\":\"business\"}\nnot json\n");
	r = IRM("--db", db, "intent", "--eval", bad);
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.err, "bad-truth.jsonl:2"));
	run_free(&r);
}

static void test_show_second_story(void **state)
{
	(void)state;
	struct run r = IRM("--db", db, "show", "MP7000002", "--json");
	assert_int_equal(r.status, 0);
	json_t *v = json_of(&r);
	size_t i, j;
	json_t *t, *s;
	int five_star = 0, budget = 0, twf = 0;
	json_array_foreach(json_object_get(v, "trips"), i, t) {
		json_t *h;
		json_array_foreach(json_object_get(t, "hotel"), j, h) {
			json_int_t stars = json_integer_value(json_object_get(h, "stars"));
			five_star += stars == 5;
			budget += stars >= 2 && stars <= 3;
		}
		json_array_foreach(json_object_get(t, "segments"), j, s)
			if (strcmp(json_string_value(json_object_get(s, "destination")), "TWF") == 0)
				twf++;
	}
	assert_true(five_star >= 1);
	assert_true(budget >= 1);
	assert_true(twf >= 3);
	json_decref(v);
	run_free(&r);
}

static void test_show_text(void **state)
{
	(void)state;
	struct run r = IRM("--db", db, "show", "C1");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "Dale Brewer"));
	assert_non_null(strstr(r.out, "998,976"));
	assert_non_null(strstr(r.out, "DEN→SEA"));
	/* The millionth mile, projected onto today's leg, with what to say. */
	assert_non_null(strstr(r.out, "PROJECTED"));
	assert_non_null(strstr(r.out, "1,000,000 lifetime miles"));
	assert_non_null(strstr(r.out, "A-C1-lifetime_miles-1000000"));
	assert_non_null(strstr(r.out, "Congratulations, Dale"));
	run_free(&r);
	r = IRM("--db", db, "show", "nobody");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "no customer"));
	run_free(&r);
	r = IRM("--db", db, "show");
	assert_int_equal(r.status, 2);
	run_free(&r);
}

static void test_import_all_or_nothing(void **state)
{
	char path[4200], copy[4200];
	(void)state;
	snprintf(copy, sizeof copy, "%s/import.db", dir);
	snprintf(path, sizeof path, "%s/bad.jsonl", dir);
	write_file(path,
		   "{\"kind\":\"customer\",\"data\":{\"id\":\"N1\",\"name\":\"New Person\"}}\n"
		   "{\"kind\":\"customer\",\"data\":{\"id\":\"N2\",\"name\":42}}\n");
	struct run r = IRM("--db", copy, "import", path);
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.err, "bad.jsonl:2: name"));
	run_free(&r);
	r = IRM("--db", copy, "show", "N1");
	assert_int_equal(r.status, 1);
	run_free(&r);

	snprintf(path, sizeof path, "%s/good.jsonl", dir);
	write_file(path, "{\"kind\":\"customer\",\"data\":{\"id\":\"N1\",\"name\":\"New Person\"}}\n");
	r = IRM("--db", copy, "import", path, "--json");
	assert_int_equal(r.status, 0);
	json_t *v = json_of(&r);
	assert_int_equal(json_integer_value(json_object_get(v, "added")), 1);
	json_decref(v);
	run_free(&r);
	r = IRM("--db", copy, "import", path);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "0 added, 0 updated, 1 unchanged"));
	run_free(&r);
	struct stat sb;
	assert_int_equal(stat(copy, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	/* Standard input. */
	r = irm("{\"kind\":\"customer\",\"data\":{\"id\":\"N3\",\"name\":\"Piped Person\"}}\n",
		(const char *const[]){ "--db", copy, "import", "-", NULL });
	assert_int_equal(r.status, 0);
	run_free(&r);
	r = IRM("--db", copy, "find", "piped", "--json");
	assert_int_equal(r.status, 0);
	run_free(&r);

	r = IRM("--db", copy, "import", "/nonexistent/file.jsonl");
	assert_int_equal(r.status, 2);
	run_free(&r);
}

static void test_escape_codes_never_reach_the_terminal(void **state)
{
	char path[4200], copy[4200];
	(void)state;
	snprintf(copy, sizeof copy, "%s/evil.db", dir);
	snprintf(path, sizeof path, "%s/evil.jsonl", dir);
	write_file(path, "{\"kind\":\"customer\",\"data\":{\"id\":\"E1\",\"member\":\"MP9\","
		   "\"name\":\"Evil\\u001b]0;pwned\\u0007\\u001b[31m Name\\u009b2J\"}}\n");
	struct run r = IRM("--db", copy, "import", path);
	assert_int_equal(r.status, 0);
	run_free(&r);
	const char *const cmds[][6] = {
		{ "--db", copy, "show", "E1", NULL },
		{ "--db", copy, "find", "evil", NULL },
		{ "--db", copy, "show", "E1", "--json", NULL },
	};
	for (size_t i = 0; i < 3; i++) {
		r = irm(NULL, cmds[i]);
		assert_int_equal(r.status, 0);
		assert_null(memchr(r.out, 0x1b, r.out_len));
		assert_null(memchr(r.out, 0x07, r.out_len));
		assert_null(strstr(r.out, "\xc2\x9b"));
		assert_non_null(strstr(r.out, "Name"));
		run_free(&r);
	}
}

static void test_cache_unusable(void **state)
{
	char path[4200];
	(void)state;
	snprintf(path, sizeof path, "%s/notes.txt", dir);
	write_file(path, "just some notes, not a cache at all\n");
	struct run r = IRM("--db", path, "find", "dale");
	assert_int_equal(r.status, 5);
	assert_non_null(strstr(r.err, "not an irm cache"));
	run_free(&r);
	snprintf(path, sizeof path, "%s/missing.db", dir);
	r = IRM("--db", path, "show", "C1");
	assert_int_equal(r.status, 5);
	run_free(&r);
	/* IRM_DB names the cache too. */
	setenv("IRM_DB", db, 1);
	r = IRM("show", "C1", "--json");
	unsetenv("IRM_DB");
	assert_int_equal(r.status, 0);
	run_free(&r);
}

static void test_configuration_file(void **state)
{
	char path[4200];
	(void)state;
	snprintf(path, sizeof path, "%s/bad.conf", dir);
	write_file(path, "# rules\n[milestone flights]\nthresholds = 500 100\n");
	struct run r = IRM("--db", db, "--config", path, "find", "dale");
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.err, "bad.conf:3: thresholds"));
	run_free(&r);
	write_file(path, "[milestones]\nlookbak_days = 3\n");
	setenv("IRM_CONFIG", path, 1);
	r = IRM("--db", db, "find", "dale");
	unsetenv("IRM_CONFIG");
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.err, "bad.conf:2: unknown key 'lookbak_days'"));
	run_free(&r);
	write_file(path, "[console]\nuser = ana\n[milestones]\nlookback_days = 10\n");
	r = IRM("--db", db, "--config", path, "find", "dale");
	assert_int_equal(r.status, 0);
	run_free(&r);
	r = IRM("--db", db, "--config", "/nonexistent/irm.conf", "find", "dale");
	assert_int_equal(r.status, 2);
	run_free(&r);
	write_file(path, "[console]\nrole = kiosque\n");
	r = IRM("--db", db, "--config", path, "find", "dale");
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.err, "bad.conf:2: role"));
	run_free(&r);
	r = IRM("--db", db, "--as", "", "find", "dale");
	assert_int_equal(r.status, 2);
	run_free(&r);
	r = IRM("--db", db, "--as", "irm", "find", "dale");
	assert_int_equal(r.status, 2);
	run_free(&r);
}

static void test_help_and_version(void **state)
{
	(void)state;
	struct run r = IRM("--help");
	assert_int_equal(r.status, 0);
	const char *names[] = { "find", "show", "import", "demo", "help" };
	for (size_t i = 0; i < 5; i++)
		assert_non_null(strstr(r.out, names[i]));
	run_free(&r);
	r = IRM("help", "show");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "usage: irm show"));
	run_free(&r);
	r = IRM("help", "nosuch");
	assert_int_equal(r.status, 2);
	run_free(&r);
	r = IRM("frobnicate");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "unknown command"));
	run_free(&r);
	r = IRM("--version");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "irm "));
	run_free(&r);
	setenv("IRM_NOW", "yesterday", 1);
	r = IRM("--db", db, "show", "C1");
	setenv("IRM_NOW", "2026-11-22T09:00:00Z", 1);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "IRM_NOW"));
	run_free(&r);
}

static void test_demo_files(void **state)
{
	char truth[4300];
	(void)state;
	struct run r = IRM("demo", "--customers", "50", "--out", db);
	assert_int_equal(r.status, 2);  /* exists: never overwritten silently */
	assert_non_null(strstr(r.err, "--force"));
	run_free(&r);

	snprintf(truth, sizeof truth, "%s.truth.jsonl", db);
	FILE *f = fopen(truth, "r");
	assert_non_null(f);
	char line[512];
	int n = 0, business = 0, leisure = 0, vfr = 0;
	while (fgets(line, sizeof line, f)) {
		json_t *v = json_loads(line, 0, NULL);
		assert_non_null(v);
		const char *intent = json_string_value(json_object_get(v, "true_intent"));
		assert_non_null(intent);
		assert_non_null(json_string_value(json_object_get(v, "trip_id")));
		business += strcmp(intent, "business") == 0;
		leisure += strcmp(intent, "leisure") == 0;
		vfr += strcmp(intent, "vfr") == 0;
		json_decref(v);
		n++;
	}
	fclose(f);
	assert_true(n > 400);
	assert_true(business > 0 && leisure > 0 && vfr > 0);
	struct stat sb;
	assert_int_equal(stat(truth, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	/* The same seed gives the same data. */
	char again[4200];
	snprintf(again, sizeof again, "%s/again.db", dir);
	r = IRM("demo", "--customers", "400", "--seed", "7", "--out", again);
	assert_int_equal(r.status, 0);
	run_free(&r);
	struct run a = IRM("--db", db, "show", "C77", "--json");
	struct run b = IRM("--db", again, "show", "C77", "--json");
	assert_int_equal(a.status, 0);
	assert_string_equal(a.out, b.out);
	run_free(&a);
	run_free(&b);
}

/* Every command in the man page's EXAMPLES runs and succeeds. */
static void test_man_page_examples(void **state)
{
	char work[4200], path[4300], line[1024], cmd[8192];
	(void)state;

	FILE *man = fopen("man/irm.1", "r");
	assert_non_null(man);  /* tests run from the top of the tree */
	snprintf(work, sizeof work, "%s/examples", dir);
	assert_int_equal(mkdir(work, 0700), 0);
	snprintf(path, sizeof path, "%s/changes.jsonl", work);
	write_file(path, "{\"kind\":\"customer\",\"data\":{\"id\":\"X1\",\"name\":\"Example Person\"}}\n");

	bool in_examples = false, in_block = false;
	int ran = 0;
	while (fgets(line, sizeof line, man)) {
		if (strncmp(line, ".SH ", 4) == 0)
			in_examples = strncmp(line, ".SH EXAMPLES", 12) == 0;
		else if (in_examples && strncmp(line, ".nf", 3) == 0)
			in_block = true;
		else if (in_examples && strncmp(line, ".fi", 3) == 0)
			in_block = false;
		else if (in_block && strncmp(line, "irm ", 4) == 0) {
			/* Undo roff's escapes: "\-" is a plain hyphen. */
			char plain[1024];
			size_t n = 0;
			for (const char *p = line + 4; *p && *p != '\n' && n + 1 < sizeof plain; p++) {
				if (p[0] == '\\' && p[1] == '-')
					p++;
				plain[n++] = *p;
			}
			plain[n] = '\0';
			snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >/dev/null 2>&1", work, bin, plain);
			int rc = system(cmd);
			if (rc != 0)
				fail_msg("man page example failed (%d): irm %s", rc, plain);
			ran++;
		}
	}
	fclose(man);
	assert_true(ran >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_json),
		cmocka_unit_test(test_find_text_and_statuses),
		cmocka_unit_test(test_show_json),
		cmocka_unit_test(test_intent_in_show_and_eval),
		cmocka_unit_test(test_show_second_story),
		cmocka_unit_test(test_show_text),
		cmocka_unit_test(test_import_all_or_nothing),
		cmocka_unit_test(test_escape_codes_never_reach_the_terminal),
		cmocka_unit_test(test_cache_unusable),
		cmocka_unit_test(test_configuration_file),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_demo_files),
		cmocka_unit_test(test_man_page_examples),
	};
	return cmocka_run_group_tests_name("cli", tests, setup, teardown);
}
