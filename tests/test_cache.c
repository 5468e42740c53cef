/* test_cache.c — opening, creating and migrating the cache. */
#include "testutil.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "cache.h"
#include "internal.h"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = tmpdir_make();
	return dir ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(dir);
	dir = NULL;
	return 0;
}

static void path_in(char *buf, const char *name)
{
	snprintf(buf, 4200, "%s/%s", dir, name);
}

static void test_create_is_private_and_current(void **state)
{
	char path[4200];
	struct cache *c;
	struct irm_err e = { 0 };
	struct stat sb;
	(void)state;

	path_in(path, "new.db");
	umask(022);
	assert_int_equal(cache_open(path, CACHE_CREATE, &c, &e), IRM_OK);
	cache_close(&c);
	assert_null(c);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sql_value(path, "PRAGMA user_version"), cache_schema_version());
	assert_int_equal(sql_value(path, "SELECT count(*) FROM meta WHERE key = 'console_id'"
				   " AND length(value) = 32"), 1);
	/* WAL is a property of the file. */
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);

	/* Opening again keeps the same console id and migrates nothing. */
	assert_int_equal(cache_open(path, 0, &c, &e), IRM_OK);
	cache_close(&c);
	assert_int_equal(sql_value(path, "SELECT count(*) FROM meta"), 2);
}

static void test_missing_without_create(void **state)
{
	char path[4200];
	struct cache *c = (struct cache *)1;
	struct irm_err e = { 0 };
	(void)state;

	path_in(path, "absent.db");
	assert_int_equal(cache_open(path, 0, &c, &e), IRM_ECACHE);
	assert_null(c);
	assert_non_null(strstr(e.msg, "absent.db"));
	assert_int_equal(access(path, F_OK), -1);
}

static void test_newer_schema_refused(void **state)
{
	char path[4200], sql[128];
	struct cache *c;
	struct irm_err e = { 0 };
	sqlite3 *db;
	(void)state;

	path_in(path, "newer.db");
	assert_int_equal(cache_open(path, CACHE_CREATE, &c, &e), IRM_OK);
	cache_close(&c);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", cache_schema_version() + 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(cache_open(path, 0, &c, &e), IRM_ECACHE);
	assert_non_null(strstr(e.msg, "newer irm"));
}

static void test_not_a_cache(void **state)
{
	char path[4200];
	struct cache *c;
	struct irm_err e = { 0 };
	sqlite3 *db;
	(void)state;

	path_in(path, "text.db");
	write_file(path, "this is not a database, it is a shopping list\n");
	assert_int_equal(cache_open(path, 0, &c, &e), IRM_ECACHE);
	assert_non_null(strstr(e.msg, "not an irm cache"));

	/* Some other program's SQLite database is left alone. */
	path_in(path, "other.db");
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE recipes(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(cache_open(path, 0, &c, &e), IRM_ECACHE);
	assert_non_null(strstr(e.msg, "not an irm cache"));
	assert_int_equal(sql_value(path, "SELECT count(*) FROM sqlite_master"), 1);

	/* A directory is no cache either. */
	assert_int_equal(cache_open(dir, 0, &c, &e), IRM_ECACHE);
}

static void test_migrations_from_every_version(void **state)
{
	(void)state;
	/* A cache left at any earlier version is brought up to date in order. */
	for (int k = 0; k < schema_n_steps; k++) {
		char path[4200], name[32], sql[96];
		sqlite3 *db;
		struct cache *c;
		struct irm_err e = { 0 };

		snprintf(name, sizeof name, "at-%d.db", k);
		path_in(path, name);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		for (int i = 0; i < k; i++)
			assert_int_equal(sqlite3_exec(db, schema_steps[i], NULL, NULL, NULL), SQLITE_OK);
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d", k,
			 0x49524d31);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);

		assert_int_equal(cache_open(path, 0, &c, &e), IRM_OK);
		cache_close(&c);
		assert_int_equal(sql_value(path, "PRAGMA user_version"), schema_n_steps);
		assert_int_equal(sql_value(path, "SELECT count(*) FROM sqlite_master"
					   " WHERE name IN ('customers', 'trips', 'segments', 'alerts',"
					   " 'alert_history', 'notes', 'outbox', 'sync_state')"), 8);
	}
}

/* 2 → 3: the alerts learn their leg's origin from the segments they name,
 * and the queue's indexes replace alerts_state. */
static void test_migration_3_queue(void **state)
{
	char path[4200], sql[96];
	sqlite3 *db;
	struct cache *c;
	struct irm_err e = { 0 };
	(void)state;

	path_in(path, "at-2.db");
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (int i = 0; i < 2; i++)
		assert_int_equal(sqlite3_exec(db, schema_steps[i], NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"INSERT INTO trips(rid, id, channel) VALUES (1, 'T1', 'web');"
		"INSERT INTO segments(id, trip, pos, origin, destination, dep_utc, dep_off, cabin,"
		" status, miles) VALUES"
		" ('S1', 1, 0, 'DEN', 'SEA', 1795338000, -420, 'Y', 'booked', 1024),"
		" ('S2', 1, 1, 'SEA', 'DEN', 1795438000, -480, 'Y', 'booked', 1024);"
		"INSERT INTO alerts(id, customer_id, kind, state, segment_id, priority, due_utc,"
		" created_utc, updated_utc) VALUES"
		" ('A1', 'C1', 'lifetime_miles', 'pending', 'S1', 1, 1795338000, 1, 1),"
		" ('A2', 'C1', 'flights', 'projected', 'S2', 2, 1795438000, 1, 1),"
		" ('A3', 'C1', 'birthday', 'projected', 'S9', 2, 1795438000, 1, 1),"
		" ('A4', 'C1', 'tier', 'projected', NULL, 1, NULL, 1, 1);"
		"INSERT INTO alert_history(alert_id, seq, at_utc, who, to_state) VALUES"
		" ('A1', 1, 1, 'irm', 'pending');", NULL, NULL, NULL), SQLITE_OK);
	snprintf(sql, sizeof sql, "PRAGMA user_version = 2; PRAGMA application_id = %d", 0x49524d31);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(cache_open(path, 0, &c, &e), IRM_OK);
	cache_close(&c);
	assert_int_equal(sql_value(path, "PRAGMA user_version"), schema_n_steps);
	assert_int_equal(sql_value(path, "SELECT count(*) FROM alerts WHERE id = 'A1'"
				   " AND leg_origin = 'DEN'"), 1);
	assert_int_equal(sql_value(path, "SELECT count(*) FROM alerts WHERE id = 'A2'"
				   " AND leg_origin = 'SEA'"), 1);
	/* A leg not in the cache, or none: no origin. */
	assert_int_equal(sql_value(path, "SELECT count(*) FROM alerts WHERE leg_origin IS NULL"), 2);
	assert_int_equal(sql_value(path, "SELECT count(*) FROM alerts"), 4);
	assert_int_equal(sql_value(path, "SELECT count(*) FROM alert_history"), 1);
	assert_int_equal(sql_value(path, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
				   " AND name IN ('alerts_queue_due', 'alerts_queue_age',"
				   " 'alerts_queue_priority', 'alert_history_at')"), 4);
	assert_int_equal(sql_value(path, "SELECT count(*) FROM sqlite_master"
				   " WHERE name = 'alerts_state'"), 0);
	assert_int_equal(sql_value(path, "SELECT count(*) FROM pragma_integrity_check"
				   " WHERE integrity_check = 'ok'"), 1);
}

static void test_default_path(void **state)
{
	char buf[4200], want[4200];
	struct irm_err e = { 0 };
	(void)state;

	setenv("IRM_DB", "/somewhere/x.db", 1);
	assert_int_equal(cache_default_path(buf, sizeof buf, false, &e), IRM_OK);
	assert_string_equal(buf, "/somewhere/x.db");
	unsetenv("IRM_DB");

	setenv("XDG_DATA_HOME", dir, 1);
	assert_int_equal(cache_default_path(buf, sizeof buf, true, &e), IRM_OK);
	snprintf(want, sizeof want, "%s/irm/cache.db", dir);
	assert_string_equal(buf, want);
	struct stat sb;
	snprintf(want, sizeof want, "%s/irm", dir);
	assert_int_equal(stat(want, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);

	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/ana", 1);
	assert_int_equal(cache_default_path(buf, sizeof buf, false, &e), IRM_OK);
	assert_string_equal(buf, "/home/ana/.local/share/irm/cache.db");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_is_private_and_current, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_without_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrations_from_every_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_3_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_path, setup, teardown),
	};
	return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
