/* main.c — the irm-central command: serve the sync contract, load records
 * into the store, fill it with the demo, make a token. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "airports.h"
#include "clock.h"
#include "demo_load.h"
#include "import.h"
#include "server.h"

static const char USAGE[] =
	"usage: irm-central [serve] [--db PATH] [--listen ADDR:PORT] --tokens FILE [options]\n"
	"       irm-central load FILE [--db PATH]\n"
	"       irm-central demo [--customers N] [--seed S] [--db PATH] [--force]\n"
	"       irm-central token ROLE [STATION]\n"
	"       irm-central new-epoch [--db PATH]\n";

static const char HELP[] =
	"irm-central — the reference central API of irm (man irm-central, man irm-sync).\n"
	"\n"
	"serve (the default):\n"
	"  --db PATH            the store (default $IRM_CENTRAL_DB, else ./irm-central.db)\n"
	"  --listen ADDR:PORT   where to listen (default 127.0.0.1:8470; port 0 picks a free one)\n"
	"  --tokens FILE        who may call: TOKEN ROLE [STATION] a line, mode 0600\n"
	"                       (default $IRM_CENTRAL_TOKENS)\n"
	"  --threads N          threads answering requests (default 4)\n"
	"  --max-body BYTES     the largest request body taken (default 16777216)\n"
	"  --drain SECONDS      on SIGTERM, how long requests in flight may finish (default 10)\n"
	"  --station-past H     hours a leg stays in its station's scope after departure (24)\n"
	"  --station-ahead H    hours before departure a leg enters its station's scope (72)\n"
	"  --tombstone-days D   days deletions and evictions are kept in the feed (30)\n"
	"  --port-file PATH     write the port here once listening\n"
	"  --faults SPEC        inject faults, for testing clients (also $IRM_CENTRAL_FAULTS);\n"
	"                       see man irm-central\n"
	"load FILE              JSON lines as for `irm import` ('-': standard input), all or\n"
	"                       nothing; the milestone engine runs on what they touch\n"
	"demo                   a new store full of demo customers (default 20000, seed 1)\n"
	"token ROLE [STATION]   print a new random token line for the tokens file\n"
	"new-epoch              after restoring a backup: every client fetches again\n";

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("irm-central: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(USAGE, stderr);
	return 2;
}

static const char *default_db(void)
{
	const char *db = getenv("IRM_CENTRAL_DB");
	return db && *db ? db : "irm-central.db";
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* The options of a command that takes only --db (and --help): -1 to go
 * on, else the exit status. */
static int db_option(int argc, char **argv, const char *cmd, const char **db)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "help", no_argument, NULL, 'h' }, { 0 } };
	int ch;
	*db = default_db();
	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		if (ch == 'd')
			*db = optarg;
		else if (ch == 'h')
			return fputs(USAGE, stdout), 0;
		else
			return usage("%s: unknown option", cmd);
	}
	return -1;
}

/* Publish what a demo touched, in its own transaction. */
static enum irm_status publish_all(struct store *st, struct irm_err *e)
{
	struct store_keys none = { 0 };
	enum irm_status s = cache_begin(store_cache(st), e);
	if (s == IRM_OK)
		s = store_publish(st, clock_now(), &none, e);
	if (s == IRM_OK)
		s = cache_commit(store_cache(st), e);
	if (s != IRM_OK)
		cache_rollback(store_cache(st));
	store_keys_free(&none);
	return s;
}

/* Inside a load's transaction, which ran the engine on what it changed. */
static enum irm_status publish_in(void *ctx, struct cache *c, const struct engine_set *touched,
				  struct irm_err *e)
{
	struct store_keys none = { 0 };
	(void)c;
	enum irm_status s = store_touch_customers(ctx, touched, e);
	if (s == IRM_OK)
		s = store_note_evaluated(ctx, e);
	if (s == IRM_OK)
		s = store_publish(ctx, clock_now(), &none, e);
	store_keys_free(&none);
	return s;
}

static int fail(const struct irm_err *e)
{
	fprintf(stderr, "irm-central: %s\n", e->msg);
	return e->status ? (int)e->status : 1;
}

static int cmd_load(int argc, char **argv)
{
	const char *db;
	int rc = db_option(argc, argv, "load", &db);
	if (rc >= 0)
		return rc;
	if (optind + 1 != argc)
		return usage("load: one FILE");
	struct irm_err e = { 0 };
	struct store *st;
	struct rules rules;
	struct import_stats stats;
	rules_default(&rules);
	if (store_open(db, CACHE_CREATE, NULL, &st, &e) != IRM_OK)
		return fail(&e);
	if (import_file_then(store_cache(st), argv[optind], &rules, publish_in, st, &stats,
			     &e) != IRM_OK) {
		store_close(&st);
		return fail(&e);
	}
	store_close(&st);
	fprintf(stderr, "irm-central: loaded %ld records into %s: %ld added, %ld updated, "
		"%ld unchanged, %ld stale\n", stats.lines, db, stats.added, stats.updated,
		stats.unchanged, stats.stale);
	return 0;
}

static int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "customers", required_argument, NULL, 'n' }, { "seed", required_argument, NULL, 's' },
		{ "db", required_argument, NULL, 'd' }, { "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' }, { 0 } };
	const char *db = default_db();
	long customers = 20000, seed = 1;
	bool force = false;
	int ch;
	while ((ch = getopt_long(argc, argv, "n:s:d:fh", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			if (!parse_long(optarg, 2, DEMO_LOAD_MAX_CUSTOMERS, &customers))
				return usage("--customers: a number from 2 to 5000000, not '%s'", optarg);
			break;
		case 's':
			if (!parse_long(optarg, 0, 0x7fffffffL, &seed))
				return usage("--seed: a number from 0 to 2147483647, not '%s'", optarg);
			break;
		case 'd': db = optarg; break;
		case 'f': force = true; break;
		case 'h': return fputs(USAGE, stdout), 0;
		default: return usage("demo: unknown option");
		}
	}
	if (optind != argc)
		return usage("demo: unexpected argument '%s'", argv[optind]);
	struct stat sb;
	if (stat(db, &sb) == 0) {
		if (!force)
			return usage("demo: %s exists; --force replaces it", db);
		static const char *const sides[] = { "", "-wal", "-shm", "-journal" };
		for (size_t i = 0; i < 4; i++) {
			char p[4200];
			snprintf(p, sizeof p, "%s%s", db, sides[i]);
			if (unlink(p) != 0 && errno != ENOENT) {
				fprintf(stderr, "irm-central: %s: %s\n", p, strerror(errno));
				return 5;
			}
		}
	}
	struct irm_err e = { 0 };
	struct store *st;
	struct rules rules;
	struct demo_load_stats stats;
	rules_default(&rules);
	if (store_open(db, CACHE_CREATE | CACHE_BULK, NULL, &st, &e) != IRM_OK)
		return fail(&e);
	if (demo_load(store_cache(st), &rules, (uint64_t)seed, customers, clock_now(), NULL, &stats,
		      &e) != IRM_OK ||
	    publish_all(st, &e) != IRM_OK) {
		store_close(&st);
		unlink(db);
		return fail(&e);
	}
	store_close(&st);
	fprintf(stderr, "irm-central: demo store %s: %ld customers, %ld trips, %ld segments\n", db,
		stats.customers, stats.trips, stats.segments);
	return 0;
}

/* After restoring a backup: a new epoch, so every client refetches rather
 * than trust feed numbers that will be given again to other changes. */
static int cmd_new_epoch(int argc, char **argv)
{
	const char *db;
	int rc = db_option(argc, argv, "new-epoch", &db);
	if (rc >= 0)
		return rc;
	if (optind != argc)
		return usage("new-epoch: unexpected argument '%s'", argv[optind]);
	struct irm_err e = { 0 };
	struct store *st;
	if (store_open(db, 0, NULL, &st, &e) != IRM_OK)
		return fail(&e);
	if (store_new_epoch(st, &e) != IRM_OK) {
		store_close(&st);
		return fail(&e);
	}
	fprintf(stderr, "irm-central: %s has the new epoch %s: every client will fetch again\n", db,
		store_epoch(st));
	store_close(&st);
	return 0;
}

/* A token of 32 random bytes in hex, and the line that grants it. */
static int cmd_token(int argc, char **argv)
{
	enum role role;
	if (argc < 2 || argc > 3 || !role_parse(argv[1], &role))
		return usage("token: ROLE (agent, supervisor, kiosk or ingest) [STATION]");
	if ((role == ROLE_KIOSK) != (argc == 3))
		return usage("token: a kiosk token and only a kiosk token names a station");
	if (argc == 3 && !airports_find(argv[2]))
		return usage("token: unknown airport '%s' (an IATA code in capitals, like DEN)", argv[2]);
	char token[65];
	struct irm_err e = { 0 };
	if (cache_random_hex(token, 32, &e) != IRM_OK)
		return fail(&e);
	fputs(token, stdout);
	printf(" %s%s%s\n", argv[1], argc == 3 ? " " : "", argc == 3 ? argv[2] : "");
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	enum { O_THREADS = 256, O_MAX_BODY, O_DRAIN, O_PAST, O_AHEAD, O_TOMB, O_PORT_FILE, O_FAULTS };
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "tokens", required_argument, NULL, 't' },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "max-body", required_argument, NULL, O_MAX_BODY },
		{ "drain", required_argument, NULL, O_DRAIN },
		{ "station-past", required_argument, NULL, O_PAST },
		{ "station-ahead", required_argument, NULL, O_AHEAD },
		{ "tombstone-days", required_argument, NULL, O_TOMB },
		{ "port-file", required_argument, NULL, O_PORT_FILE },
		{ "faults", required_argument, NULL, O_FAULTS },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct server_opts o = {
		.db_path = default_db(),
		.listen = "127.0.0.1:8470",
		.tokens_path = getenv("IRM_CENTRAL_TOKENS"),
		.faults = getenv("IRM_CENTRAL_FAULTS"),
		.threads = 4,
		.max_body = 16u << 20,
		.drain_seconds = 10,
	};
	store_opts_default(&o.store);
	long v;
	int ch;
	while ((ch = getopt_long(argc, argv, "d:l:t:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': o.db_path = optarg; break;
		case 'l': o.listen = optarg; break;
		case 't': o.tokens_path = optarg; break;
		case O_PORT_FILE: o.port_file = optarg; break;
		case O_FAULTS: o.faults = optarg; break;
		case O_THREADS:
			if (!parse_long(optarg, 1, 256, &v))
				return usage("--threads: 1 to 256, not '%s'", optarg);
			o.threads = (int)v;
			break;
		case O_MAX_BODY:
			if (!parse_long(optarg, 1024, 1L << 30, &v))
				return usage("--max-body: 1024 to 1073741824 bytes, not '%s'", optarg);
			o.max_body = (size_t)v;
			break;
		case O_DRAIN:
			if (!parse_long(optarg, 0, 3600, &v))
				return usage("--drain: 0 to 3600 seconds, not '%s'", optarg);
			o.drain_seconds = (int)v;
			break;
		case O_PAST:
		case O_AHEAD:
			if (!parse_long(optarg, 0, 24 * 366, &v))
				return usage("--station-past/--station-ahead: 0 to 8784 hours, not '%s'",
					     optarg);
			*(ch == O_PAST ? &o.store.station_past : &o.store.station_ahead) = v * 3600;
			break;
		case O_TOMB:
			if (!parse_long(optarg, 1, 3650, &v))
				return usage("--tombstone-days: 1 to 3650, not '%s'", optarg);
			o.store.tombstone_ttl = v * 86400;
			break;
		case 'h': return fputs(HELP, stdout), 0;
		default: return usage("unknown option");
		}
	}
	if (optind != argc)
		return usage("unexpected argument '%s'", argv[optind]);
	if (!o.tokens_path || !*o.tokens_path)
		return usage("--tokens FILE is needed (or $IRM_CENTRAL_TOKENS)");
	if (o.faults && !*o.faults)
		o.faults = NULL;
	/* Each request's memory, freed, stays for the next one rather than
	 * going back to the kernel at its end and being asked for (and
	 * zeroed) again: an ingest batch faulted in some 2,000 pages fewer
	 * and took about 8% less CPU. */
	mallopt(M_TRIM_THRESHOLD, 128 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	/* SQLite's count of its own memory takes a lock every allocation,
	 * shared by every thread; nothing here reads it. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* A statement that may have to undo itself inside a transaction keeps
	 * what it changed in a journal of its own: in memory up to 16 MB here
	 * (64 KB by default), rather than a temporary file for each of the
	 * publisher's larger statements. Sorts keep their own limit. */
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 16 << 20);
	/* The request log: each line in one write, not a write a character. */
	setvbuf(stderr, NULL, _IOLBF, 0);
	return server_run(&o);
}

int main(int argc, char **argv)
{
	struct irm_err e = { 0 };
	if (clock_init(&e) != IRM_OK)
		return fail(&e);
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return fputs(HELP, stdout), 0;
	if (argc > 1 && strcmp(argv[1], "--version") == 0)
		return puts("irm-central " IRM_VERSION), 0;
	if (argc > 1 && strcmp(argv[1], "load") == 0)
		return cmd_load(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "demo") == 0)
		return cmd_demo(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "new-epoch") == 0)
		return cmd_new_epoch(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "token") == 0)
		return cmd_token(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	return cmd_serve(argc, argv);
}
