/* cache.c — opening the SQLite cache, migrating it, transactions, and the
 * prepared-statement cache every other file of data/ goes through. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"

/* 'IRM1': marks the file as an irm cache (PRAGMA application_id). */
#define CACHE_APPLICATION_ID 0x49524d31

struct stmt_slot {
	const char *sql;            /* the key: the caller's string object */
	sqlite3_stmt *st;
};

struct cache {
	sqlite3 *db;
	char *path;
	unsigned flags;
	struct stmt_slot *slots;    /* open addressing by pointer */
	size_t n_slots, used;
	struct search_state *search;
};

struct search_state **cache_search_state(struct cache *c)
{
	return &c->search;
}

sqlite3 *cache_db(struct cache *c)
{
	return c->db;
}

struct sqlite3 *cache_sqlite(struct cache *c)
{
	return c->db;
}

bool cache_is_central(const struct cache *c)
{
	return c->flags & CACHE_CENTRAL;
}

bool cache_is_bulk(const struct cache *c)
{
	return c->flags & CACHE_BULK;
}

const char *cache_path(const struct cache *c)
{
	return c->path;
}

int cache_schema_version(void)
{
	return schema_n_steps;
}

enum irm_status cache_sql_error(struct cache *c, struct irm_err *e, const char *doing)
{
	int code = sqlite3_errcode(c->db);
	enum irm_status s = IRM_ECACHE;

	if (code == SQLITE_CONSTRAINT)
		s = IRM_EINPUT;
	return err_set(e, s, "%s: %s: %s", c->path, doing, sqlite3_errmsg(c->db));
}

enum irm_status cache_exec(struct cache *c, const char *sql, struct irm_err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(e, IRM_ECACHE, "%s: %s", c->path, msg ? msg : sqlite3_errmsg(c->db));
		sqlite3_free(msg);
		return IRM_ECACHE;
	}
	return IRM_OK;
}

int cache_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static size_t slot_of(const struct cache *c, const char *sql)
{
	uintptr_t h = (uintptr_t)sql;
	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15u;
	return (size_t)(h >> 7) & (c->n_slots - 1);
}

static void slots_grow(struct cache *c)
{
	struct stmt_slot *old = c->slots;
	size_t n_old = c->n_slots;

	c->n_slots = n_old ? n_old * 2 : 64;
	c->slots = xcalloc(c->n_slots, sizeof *c->slots);
	for (size_t i = 0; i < n_old; i++) {
		if (!old[i].sql)
			continue;
		size_t j = slot_of(c, old[i].sql);
		while (c->slots[j].sql)
			j = (j + 1) & (c->n_slots - 1);
		c->slots[j] = old[i];
	}
	free(old);
}

sqlite3_stmt *cache_stmt(struct cache *c, const char *sql, struct irm_err *e)
{
	if ((c->used + 1) * 2 > c->n_slots)
		slots_grow(c);
	size_t j = slot_of(c, sql);
	while (c->slots[j].sql && c->slots[j].sql != sql)
		j = (j + 1) & (c->n_slots - 1);
	struct stmt_slot *slot = &c->slots[j];
	if (slot->sql) {
		sqlite3_reset(slot->st);
		sqlite3_clear_bindings(slot->st);
		return slot->st;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		cache_sql_error(c, e, "preparing a statement");
		return NULL;
	}
	slot->sql = sql;
	slot->st = st;
	c->used++;
	return st;
}

enum irm_status cache_begin(struct cache *c, struct irm_err *e)
{
	return cache_exec(c, "BEGIN IMMEDIATE", e);
}

enum irm_status cache_commit(struct cache *c, struct irm_err *e)
{
	return cache_exec(c, "COMMIT", e);
}

bool cache_read_begin(struct cache *c)
{
	if (!sqlite3_get_autocommit(c->db))
		return false;
	return sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

void cache_read_end(struct cache *c, bool started)
{
	if (started)
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
}

void cache_rollback(struct cache *c)
{
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

static int pragma_int(struct cache *c, const char *sql)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

enum irm_status cache_random_hex(char *out, size_t bytes, struct irm_err *e)
{
	unsigned char b[64];
	if (bytes > sizeof b)
		return err_set(e, IRM_EUSAGE, "at most %zu random bytes", sizeof b);
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, b, bytes) != (ssize_t)bytes) {
		if (fd >= 0)
			close(fd);
		return err_set(e, IRM_ECACHE, "/dev/urandom: %s", strerror(errno));
	}
	close(fd);
	for (size_t i = 0; i < bytes; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return IRM_OK;
}

static enum irm_status migrate(struct cache *c, struct irm_err *e)
{
	int version = pragma_int(c, "PRAGMA user_version");
	int app = pragma_int(c, "PRAGMA application_id");
	int tables = pragma_int(c, "SELECT count(*) FROM sqlite_master");

	if (version < 0 || app < 0 || tables < 0)
		return cache_sql_error(c, e, "reading the schema version");
	if ((app != 0 && app != CACHE_APPLICATION_ID) || (version == 0 && tables > 0))
		return err_set(e, IRM_ECACHE, "%s: not an irm cache", c->path);
	if (version > schema_n_steps)
		return err_set(e, IRM_ECACHE,
			       "%s: written by a newer irm (schema %d; this irm knows up to %d); "
			       "upgrade irm or use another cache", c->path, version, schema_n_steps);
	if (version == schema_n_steps)
		return IRM_OK;

	enum irm_status s = cache_begin(c, e);
	if (s != IRM_OK)
		return s;
	for (int i = version; i < schema_n_steps && s == IRM_OK; i++)
		s = cache_exec(c, schema_steps[i], e);
	if (s == IRM_OK && version == 0) {
		char id[33];
		s = cache_random_hex(id, 16, e);  /* the console id, made once */
		if (s == IRM_OK) {
			sqlite3_stmt *st = cache_stmt(c, "INSERT INTO meta(key, value) VALUES "
						     "('console_id', ?1), ('mode', 'local')", e);
			if (!st)
				s = IRM_ECACHE;
			else {
				sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
				if (sqlite3_step(st) != SQLITE_DONE)
					s = cache_sql_error(c, e, "writing the console id");
			}
		}
	}
	if (s == IRM_OK) {
		char sql[96];
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
			 schema_n_steps, CACHE_APPLICATION_ID);
		s = cache_exec(c, sql, e);
	}
	if (s == IRM_OK)
		return cache_commit(c, e);
	cache_rollback(c);
	return s;
}

/* A bulk load goes into a new, empty cache: its indexes are built once at
 * the end (cache_bulk_finish) rather than row by row. */
static enum irm_status bulk_drop_indexes(struct cache *c, struct irm_err *e)
{
	if (pragma_int(c, "SELECT count(*) FROM customers") != 0)
		return err_set(e, IRM_ECACHE, "%s: a bulk load needs a new cache", c->path);
	for (int i = 0; i < schema_n_indexes; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP INDEX IF EXISTS %s", schema_indexes[i].name);
		enum irm_status s = cache_exec(c, sql, e);
		if (s != IRM_OK)
			return s;
	}
	return IRM_OK;
}

enum irm_status cache_bulk_finish(struct cache *c, struct irm_err *e)
{
	for (int i = 0; i < schema_n_indexes; i++) {
		enum irm_status s = cache_exec(c, schema_indexes[i].sql, e);
		if (s != IRM_OK)
			return s;
	}
	return IRM_OK;
}

/* Create the file ourselves so that it is 0600 from its first byte. */
static enum irm_status create_file(const char *path, struct irm_err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST)
		return err_set(e, IRM_ECACHE, "%s: cannot create: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return IRM_OK;
}

enum irm_status cache_open(const char *path, unsigned flags, struct cache **out,
			   struct irm_err *e)
{
	struct stat sb;
	enum irm_status s;

	*out = NULL;
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT || !(flags & CACHE_CREATE))
			return err_set(e, IRM_ECACHE, "%s: %s%s", path, strerror(errno),
				       errno == ENOENT ? " (create one with 'irm import' or 'irm demo')" : "");
		if ((s = create_file(path, e)) != IRM_OK)
			return s;
	} else if (!S_ISREG(sb.st_mode)) {
		return err_set(e, IRM_ECACHE, "%s: not a regular file", path);
	}

	struct cache *c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	c->flags = flags;
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		s = err_set(e, IRM_ECACHE, "%s: %s", path, c->db ? sqlite3_errmsg(c->db) : "cannot open");
		cache_close(&c);
		return s;
	}
	sqlite3_extended_result_codes(c->db, 0);
	sqlite3_busy_timeout(c->db, CACHE_BUSY_MS);

	const char *setup = (flags & CACHE_BULK)
		? "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF;"
		  "PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -524288; PRAGMA temp_store = MEMORY;"
		: "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
		  "PRAGMA cache_size = -16384;";
	/* A file that is not a database fails on its first read, here. */
	s = cache_exec(c, setup, e);
	if (s == IRM_OK)
		s = migrate(c, e);
	if (s == IRM_OK && (flags & CACHE_BULK))
		s = bulk_drop_indexes(c, e);
	if (s != IRM_OK) {
		if (strstr(e ? e->msg : "", "not a database"))
			err_set(e, IRM_ECACHE, "%s: not an irm cache (not an SQLite database)", path);
		cache_close(&c);
		return e ? e->status : s;
	}
	*out = c;
	return IRM_OK;
}

void cache_close(struct cache **cp)
{
	struct cache *c = *cp;

	if (!c)
		return;
	for (size_t i = 0; i < c->n_slots; i++)
		if (c->slots[i].sql)
			sqlite3_finalize(c->slots[i].st);
	free(c->slots);
	search_state_free(&c->search);
	if (c->db) {
		if (c->flags & CACHE_BULK)
			sqlite3_exec(c->db, "PRAGMA locking_mode = NORMAL; PRAGMA journal_mode = WAL;",
				     NULL, NULL, NULL);
		sqlite3_close(c->db);
	}
	free(c->path);
	free(c);
	*cp = NULL;
}

static enum irm_status mkdir_p(char *dir, struct irm_err *e)
{
	for (char *p = dir + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			*p = '\0';
			if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
				err_set(e, IRM_ECACHE, "%s: cannot create: %s", dir, strerror(errno));
				*p = saved;
				return IRM_ECACHE;
			}
			*p = saved;
			if (!saved)
				break;
		}
	}
	return IRM_OK;
}

enum irm_status cache_default_path(char *buf, size_t size, bool create, struct irm_err *e)
{
	const char *env = getenv("IRM_DB"), *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int n;

	if (env && *env)
		n = snprintf(buf, size, "%s", env);
	else if (xdg && *xdg == '/')
		n = snprintf(buf, size, "%s/irm/cache.db", xdg);
	else if (home && *home)
		n = snprintf(buf, size, "%s/.local/share/irm/cache.db", home);
	else
		return err_set(e, IRM_EUSAGE, "no cache path: set --db, IRM_DB, XDG_DATA_HOME or HOME");
	if (n < 0 || (size_t)n >= size)
		return err_set(e, IRM_EUSAGE, "cache path too long");
	if (create && !(env && *env)) {
		char *slash = strrchr(buf, '/');
		*slash = '\0';
		enum irm_status s = mkdir_p(buf, e);
		*slash = '/';
		return s;
	}
	return IRM_OK;
}

enum irm_status cache_mark_updated(struct cache *c, int64_t now, struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, "INSERT OR REPLACE INTO meta(key, value)"
				      " VALUES ('updated_utc', ?1)", e);
	if (!st)
		return IRM_ECACHE;
	sqlite3_bind_int64(st, 1, now);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IRM_OK : cache_sql_error(c, e, "recording when the cache was updated");
}

enum irm_status cache_updated(struct cache *c, int64_t *utc, struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'updated_utc'", e);
	if (!st)
		return IRM_ECACHE;
	int rc = sqlite3_step(st);
	*utc = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? IRM_OK
						     : cache_sql_error(c, e, "reading when the cache was updated");
}
