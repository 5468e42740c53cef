/* cmd_demo.c — `irm demo`: a cache full of realistic, deterministic demo
 * data (core/demo.c), with the true intent of every trip in a side file
 * for evaluating the intent engine (which never reads it). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "demo_load.h"
#include "tz.h"

static FILE *open_private(const char *path, struct irm_err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_set(e, IRM_ECACHE, "%s: %s", path, strerror(errno));
		return NULL;
	}
	FILE *f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

/* Remove a cache file and the files SQLite keeps beside it. */
static enum irm_status remove_cache(const char *path, struct irm_err *e)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	char side[4200];

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(side, sizeof side, "%s%s", path, suffixes[i]);
		if (unlink(side) != 0 && errno != ENOENT)
			return err_set(e, IRM_ECACHE, "%s: %s", side, strerror(errno));
	}
	return IRM_OK;
}

/* Put the finished cache `from` in the place of `to`: the old one's
 * write-ahead log must go first, or SQLite would replay it. */
static enum irm_status replace_cache(const char *from, const char *to, struct irm_err *e)
{
	enum irm_status s = remove_cache(to, e);
	if (s == IRM_OK && rename(from, to) != 0)
		s = err_set(e, IRM_ECACHE, "%s: %s", to, strerror(errno));
	return s;
}

static bool exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static enum irm_status run_demo(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "customers", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	long customers = 20000, seed = 1;
	const char *out = NULL;
	bool force = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "n:s:o:fh", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			if (!cli_parse_long(optarg, 2, DEMO_LOAD_MAX_CUSTOMERS, &customers))
				return cli_usage(&cmd_demo, "--customers: a number from 2 to %d, not '%s'",
						 DEMO_LOAD_MAX_CUSTOMERS, optarg);
			break;
		case 's':
			if (!cli_parse_long(optarg, 0, 0x7fffffffL, &seed))
				return cli_usage(&cmd_demo, "--seed: a number from 0 to 2147483647, not '%s'", optarg);
			break;
		case 'o': out = optarg; break;
		case 'f': force = true; break;
		case 'h': return cli_help(&cmd_demo);
		default: return cli_usage(&cmd_demo, "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage(&cmd_demo, "unexpected argument '%s'", argv[optind]);

	struct irm_err e = { 0 };
	char path[4096], truth_path[4200];
	if (!out) {
		if (cli->db_path)
			out = cli->db_path;
		else if (cache_default_path(path, sizeof path, true, &e) != IRM_OK)
			return cli_fail(&e);
		else
			out = path;
	}
	snprintf(truth_path, sizeof truth_path, "%s.truth.jsonl", out);
	if (exists(out) && !force) {
		err_set(&e, IRM_EUSAGE, "%s exists; irm demo writes a new cache (--force replaces it)", out);
		return cli_fail(&e);
	}
	/* demo_load needs the time zone database too: asked here first, so
	 * that its absence is told before any file is made. */
	int32_t probe;
	if (!tz_offset("America/Denver", 0, &probe)) {
		err_set(&e, IRM_EUSAGE, "no time zone database (install tzdata, or set TZDIR)");
		return cli_fail(&e);
	}

	/* Built under a temporary name and renamed when complete, so that an
	 * interrupted demo never leaves a half-written cache at `out`. */
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.new", out);
	if (remove_cache(tmp, &e) != IRM_OK)
		return cli_fail(&e);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct cache *cache;
	if (cache_open(tmp, CACHE_CREATE | CACHE_BULK, &cache, &e) != IRM_OK)
		return cli_fail(&e);
	char truth_tmp[4300];
	snprintf(truth_tmp, sizeof truth_tmp, "%s.new", truth_path);
	FILE *truth = open_private(truth_tmp, &e);
	if (!truth) {
		cache_close(&cache);
		unlink(tmp);
		return cli_fail(&e);
	}
	struct demo_load_stats st;
	enum irm_status s = demo_load(cache, &cli->rules, (uint64_t)seed, customers, clock_now(),
				      truth, &st, &e);
	if (fclose(truth) != 0 && s == IRM_OK)
		s = err_set(&e, IRM_ECACHE, "%s: %s", truth_tmp, strerror(errno));
	cache_close(&cache);
	if (s == IRM_OK)
		s = replace_cache(tmp, out, &e);
	if (s == IRM_OK && rename(truth_tmp, truth_path) != 0)
		s = err_set(&e, IRM_ECACHE, "%s: %s", truth_path, strerror(errno));
	if (s != IRM_OK) {
		remove_cache(tmp, NULL);
		unlink(truth_tmp);
		return cli_fail(&e);
	}

	char a[32], b[32], c[32];
	fprintf(stderr, "irm demo: %s customers, %s trips, %s segments in %.1f s\n"
		"  cache %s\n  true intents %s\n", cli_thousands(st.customers, a),
		cli_thousands(st.trips, b), cli_thousands(st.segments, c), seconds_since(&t0), out,
		truth_path);
	return IRM_OK;
}

const struct command cmd_demo = {
	.name = "demo",
	.usage = "[--customers N] [--seed S] [--out PATH] [--force]",
	.summary = "create a cache full of realistic demo customers and trips",
	.help =
	"Deterministic for a seed. Names from many cultures and scripts; trips past\n"
	"(flown) and upcoming (booked) from distinct patterns per intent: business,\n"
	"leisure, visiting friends and relatives. Every demo holds the seed stories:\n"
	"Dale Brewer (MP7000001), 1,024 miles short of 1,000,000 with UA1234 DEN→SEA\n"
	"booked today, and Priya Raman (MP7000002), whose trips are a client meeting\n"
	"(5-star hotel), a training course (budget hotel) and visits to her parents\n"
	"near Heyburn, Idaho (TWF, a motel). The true intent of each trip is written\n"
	"to PATH.truth.jsonl.\n"
	"\n"
	"  --customers N   how many customers (default 20000)\n"
	"  --seed S        the seed (default 1)\n"
	"  --out PATH      the cache to write (default: --db, $IRM_DB or the default cache)\n"
	"  --force         replace PATH if it exists\n",
	.run = run_demo,
};
