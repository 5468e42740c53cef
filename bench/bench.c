/* bench.c — `make bench`: the foundation's speed on a large demo cache.
 *
 * Generates a 1,000,000-customer cache with the real `irm demo` (timed),
 * then, inside this one process, runs thousands of mixed `find` queries and
 * customer-context loads through data/ and reports p50 and p99; runs the
 * same full-text queries through the sqlite3 shell as a reference; and
 * measures the peak RSS of a real `irm find`. Each figure is printed beside
 * its target. Timing is never asserted: machines are shared and noisy.
 *
 * usage: bench [--customers N] [--queries N] [--reuse] [--db PATH]
 *   IRM_BIN names the irm binary. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "clock.h"
#include "context.h"
#include "demo.h"
#include "intent.h"
#include "jsonw.h"
#include "record.h"
#include "milestone.h"
#include "search.h"
#include "tz.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double pct(double *v, size_t n, double p)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i];
}

static void row(const char *what, const char *value, const char *target)
{
	printf("  %-44s %-22s %s\n", what, value, target);
}

/* Run argv, wait, return its exit status; *rss_kb gets its peak RSS.
 * quiet 1 silences its stdout, 2 its stderr too. */
static int run(char *const argv[], long *rss_kb, int quiet)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (quiet && !freopen("/dev/null", "w", stdout))
			_exit(126);
		if (quiet > 1 && !freopen("/dev/null", "w", stderr))
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	int ws;
	struct rusage ru;
	if (wait4(pid, &ws, 0, &ru) < 0)
		return -1;
	if (rss_kb)
		*rss_kb = ru.ru_maxrss;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

enum qkind { Q_NAME, Q_PREFIX, Q_TYPO, Q_MEMBER, Q_PHONE, Q_KINDS };
static const char *const qkind_names[Q_KINDS] = { "full name", "prefix", "typo", "member", "phone" };

struct query {
	enum qkind kind;
	char text[160];
	char fts[200];          /* the full-text query the name kinds amount to */
};

/* A typo: two neighbouring letters of the longest ASCII word swapped. */
static int make_typo(const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s", name);
	size_t best = 0, best_len = 0, i = 0, n = strlen(out);
	while (i < n) {
		size_t j = i;
		while (j < n && out[j] != ' ')
			j++;
		bool ascii = true;
		for (size_t k = i; k < j; k++)
			ascii &= (unsigned char)out[k] < 0x80;
		if (ascii && j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j + 1;
	}
	if (best_len < 5)
		return 0;
	size_t at = best + best_len / 2;
	char t = out[at];
	if (t == out[at + 1])
		return 0;
	out[at] = out[at + 1];
	out[at + 1] = t;
	return 1;
}

static size_t make_queries(sqlite3 *db, struct query *q, size_t want, long customers)
{
	sqlite3_stmt *st;
	size_t n = 0;
	unsigned seed = 12345;

	if (sqlite3_prepare_v2(db, "SELECT name, member, phone FROM customers WHERE rid = ?1", -1, &st, NULL))
		return 0;
	while (n < want) {
		seed = seed * 1103515245u + 12345u;
		long rid = 1 + (long)((seed >> 8) % (unsigned long)customers);
		sqlite3_bind_int64(st, 1, rid);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_reset(st);
			continue;
		}
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *member = (const char *)sqlite3_column_text(st, 1);
		const char *phone = (const char *)sqlite3_column_text(st, 2);
		struct query *x = &q[n];
		x->kind = (enum qkind)(n % Q_KINDS);
		x->fts[0] = '\0';
		switch (x->kind) {
		case Q_NAME:
			snprintf(x->text, sizeof x->text, "%s", name);
			break;
		case Q_PREFIX: {
			/* The first word and the start of the second, as if typing. */
			const char *sp = strchr(name, ' ');
			if (!sp || strlen(sp + 1) < 3) {
				snprintf(x->text, sizeof x->text, "%.4s", name);
			} else {
				snprintf(x->text, sizeof x->text, "%.*s %.3s", (int)(sp - name), name, sp + 1);
			}
			break;
		}
		case Q_TYPO:
			if (!make_typo(name, x->text, sizeof x->text)) {
				sqlite3_reset(st);
				continue;
			}
			break;
		case Q_MEMBER:
			snprintf(x->text, sizeof x->text, "%s", member ? member : "MP1");
			break;
		case Q_PHONE: {
			size_t len = phone ? strlen(phone) : 0;
			if (len < 8) {
				sqlite3_reset(st);
				continue;
			}
			/* The national part, written with spaces and a dash. */
			const char *p = phone + len - 10 > phone + 1 ? phone + len - 10 : phone + 2;
			snprintf(x->text, sizeof x->text, "(%.3s) %.3s-%s", p, p + 3, p + 6);
			break;
		}
		case Q_KINDS:
			break;
		}
		if (x->kind == Q_NAME || x->kind == Q_PREFIX) {
			/* What the sqlite3 shell is given: each word quoted, the last a prefix. */
			char *w = x->fts;
			const char *s = x->text;
			while (*s) {
				const char *e = strchr(s, ' ');
				size_t len = e ? (size_t)(e - s) : strlen(s);
				w += sprintf(w, "%s\"%.*s\"", w == x->fts ? "" : " ", (int)len, s);
				s += len + (e != NULL);
			}
			strcat(w, "*");
		}
		sqlite3_reset(st);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

static void sql_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

/* --- the engines over every customer ------------------------------------- */

struct engine_run {
	struct rules rules;
	int64_t now;
	double milestone_s, intent_s;
	long customers, alerts, late, trips;
	struct milestone_alert held[64];
	struct intent_result *res;
	size_t cap;
};

static int engine_customer(void *ctx, const struct customer *cu, const struct trip *trips, size_t n)
{
	struct engine_run *r = ctx;
	double t0 = now_s();
	size_t k = milestone_evaluate(&r->rules, cu, trips, n, r->now, r->held, 64);
	double t1 = now_s();
	if (n > r->cap) {
		r->cap = n * 2;
		r->res = realloc(r->res, r->cap * sizeof *r->res);
	}
	intent_infer_all(&intent_weights_default, cu, trips, n, r->res);
	double t2 = now_s();
	r->milestone_s += t1 - t0;
	r->intent_s += t2 - t1;
	r->customers++;
	for (size_t i = 0; i < k && i < 64; i++)
		r->late += r->held[i].late;
	r->alerts += (long)k;
	r->trips += (long)n;
	return 0;
}

static int engine_on_customer(void *ctx, const struct customer *cu)
{
	return demo_batch_customer(ctx, cu);
}

static int engine_on_trip(void *ctx, const struct trip *t, enum intent truth)
{
	(void)truth;
	demo_batch_trip(ctx, t);
	return 0;
}

static int32_t engine_offset(void *ctx, const char *zone, int64_t utc)
{
	int32_t off = 0;
	(void)ctx;
	return tz_offset(zone, utc, &off) ? off : 0;
}

/* The same customers and trips as the cache (same generator, seed and
 * clock), held in memory one customer at a time: what is timed is the
 * engine itself over every customer's whole history, not SQLite. */
static void engines(long customers)
{
	struct engine_run r = { .now = clock_now() };
	struct demo_batch b = { .done = engine_customer, .ctx = &r };
	struct demo_opts o = { .seed = 1, .customers = customers, .now = r.now,
			       .utc_offset = engine_offset };
	struct demo_sink sink = { .ctx = &b, .customer = engine_on_customer, .trip = engine_on_trip };
	char buf[64], what[96];

	rules_default(&r.rules);
	demo_generate(&o, &sink);
	demo_batch_flush(&b);
	demo_batch_free(&b);
	snprintf(buf, sizeof buf, "%.2f s", r.milestone_s);
	snprintf(what, sizeof what, "milestones, %ld customers (%ld alerts, %ld late)", r.customers,
		 r.alerts, r.late);
	row(what, buf, "≤ 5 s");
	snprintf(buf, sizeof buf, "%.2f s", r.intent_s);
	snprintf(what, sizeof what, "intent of every trip (%ld, with history)", r.trips);
	row(what, buf, "≤ 10 s");
	free(r.res);
}

/* --- show --json for a customer with 500 trips ------------------------------ */

static void show_500_trips(const char *irm, const char *big_db)
{
	char dir[4096], db[4200], in[4200];
	snprintf(dir, sizeof dir, "%s.show", big_db);
	mkdir(dir, 0700);
	snprintf(db, sizeof db, "%s/show.db", dir);
	snprintf(in, sizeof in, "%s/trips.jsonl", dir);
	unlink(db);
	FILE *f = fopen(in, "w");
	if (!f)
		return;
	static const char *const places[] = { "SEA", "ORD", "TWF", "HNL", "LHR", "SFO", "BOS", "LAX" };
	fprintf(f, "{\"kind\":\"customer\",\"data\":{\"id\":\"H1\",\"name\":\"Hana Frequent\","
		"\"member\":\"MP6999999\",\"home_airport\":\"DEN\",\"tier\":\"Diamond\","
		"\"lifetime_miles\":2400000,\"lifetime_flights\":3000,\"birth_date\":\"1970-05-05\","
		"\"member_since\":\"1990-05-05\"}}\n");
	for (int i = 0; i < 500; i++) {
		int64_t dep = clock_now() + (int64_t)(i - 450) * 5 * 86400 + 7 * 3600;
		struct irm_time out = { dep, -360 }, back = { dep + 3 * 86400, -360 }, booked = { dep - 20 * 86400, -360 };
		char a[26], c[26], bk[26];
		date_format_time(out, a);
		date_format_time(back, c);
		date_format_time(booked, bk);
		const char *to = places[i % 8];
		const char *st = dep < clock_now() ? "flown" : "booked";
		fprintf(f, "{\"kind\":\"trip\",\"data\":{\"id\":\"HT%d\",\"pnr\":\"H%05d\",\"booked_at\":\"%s\","
			"\"channel\":\"%s\",\"passengers\":[{\"customer_id\":\"H1\"}%s],"
			"\"segments\":[{\"id\":\"HS%da\",\"carrier\":\"UA\",\"flight\":\"%d\",\"origin\":\"DEN\","
			"\"destination\":\"%s\",\"departure\":\"%s\",\"cabin\":\"%s\",\"status\":\"%s\"},"
			"{\"id\":\"HS%db\",\"carrier\":\"UA\",\"flight\":\"%d\",\"origin\":\"%s\",\"destination\":\"DEN\","
			"\"departure\":\"%s\",\"cabin\":\"%s\",\"status\":\"%s\"}],"
			"\"hotel\":[{\"name\":\"Hotel %d\",\"stars\":%d,\"nights\":3}]}}\n",
			i, i, bk, i % 3 ? "web" : "corporate", i % 4 ? "" : ",{\"name\":\"Guest\",\"age_band\":\"child\"}",
			i, 100 + i, to, a, i % 2 ? "J" : "Y", st, i, 200 + i, to, c, i % 2 ? "J" : "Y", st,
			i, 1 + i % 5);
	}
	fclose(f);
	char *imp[] = { (char *)irm, (char *)"--db", db, (char *)"import", in, NULL };
	if (run(imp, NULL, 2) != 0) {
		row("show --json, 500 trips", "import failed", "");
		return;
	}
	enum { RUNS = 300 };
	double lat[RUNS];
	char *show[] = { (char *)irm, (char *)"--db", db, (char *)"show", (char *)"H1", (char *)"--json", NULL };
	for (int i = 0; i < RUNS; i++) {
		double t0 = now_s();
		run(show, NULL, 1);
		lat[i] = (now_s() - t0) * 1e3;
	}
	char buf[64];
	snprintf(buf, sizeof buf, "%.2f / %.2f ms", pct(lat, RUNS, 0.5), pct(lat, RUNS, 0.99));
	row("irm show --json, 500 trips, whole process", buf, "(process start included)");
	/* The same in this process — load, intent, profile and the JSON text —
	 * what the console pays, without starting a program. */
	struct cache *c;
	struct irm_err e = { 0 };
	if (cache_open(db, 0, &c, &e) == IRM_OK) {
		double load[RUNS];
		for (int i = 0; i < RUNS; i++) {
			struct customer_context x;
			double t0 = now_s();
			if (context_load(c, "H1", &x, &e) != IRM_OK)
				break;
			load[i] = (now_s() - t0) * 1e3;
			struct intent_result *res = calloc(x.n_trips, sizeof *res);
			struct intent_profile prof[INTENT_COUNT];
			intent_infer_all(&intent_weights_default, &x.customer, x.trips, x.n_trips, res);
			intent_profile_build(&x.customer, x.trips, x.n_trips, res, prof);
			struct jsonw w = { 0 };
			jsonw_object(&w);
			record_write_customer(&w, &x.customer);
			jsonw_key(&w, "trips");
			jsonw_array(&w);
			for (size_t k = 0; k < x.n_trips; k++) {
				jsonw_object(&w);
				record_write_trip(&w, &x.trips[k]);
				jsonw_key(&w, "intent");
				jsonw_str(&w, model_intent_name(res[k].label));
				jsonw_end(&w);
			}
			jsonw_end(&w);
			jsonw_end(&w);
			lat[i] = (now_s() - t0) * 1e3;
			jsonw_free(&w);
			free(res);
			context_free(&x);
		}
		snprintf(buf, sizeof buf, "%.2f / %.2f ms", pct(lat, RUNS, 0.5), pct(lat, RUNS, 0.99));
		row("show --json, 500 trips, in process", buf, "p99 ≤ 5 ms");
		snprintf(buf, sizeof buf, "%.2f / %.2f ms", pct(load, RUNS, 0.5), pct(load, RUNS, 0.99));
		row("  of which loading the context", buf, "");
		cache_close(&c);
	}
}

/* `bench --rss-of CMD…`: run CMD and print its peak RSS in KB. A child
 * forked from this large process would count this process's pages as its
 * own until exec, so the measuring is done from a fresh, small one. */
static int rss_of(char **argv)
{
	long kb = 0;
	if (run(argv, &kb, 1) != 0)
		return 1;
	printf("%ld\n", kb);
	return 0;
}

static long peak_rss_kb(const char *irm, const char *db, const char *query)
{
	char cmd[9000];
	long kb = -1;
	snprintf(cmd, sizeof cmd, "/proc/%d/exe --rss-of '%s' --db '%s' find '%s'", (int)getpid(), irm, db, query);
	fflush(stdout);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fscanf(p, "%ld", &kb) != 1)
		kb = -1;
	pclose(p);
	return kb;
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "--rss-of") == 0)
		return rss_of(argv + 2);

	long customers = 1000000, nq = 5000;
	bool reuse = false;
	const char *db_path = "build/bench/bench.db";
	const char *irm = getenv("IRM_BIN") ? getenv("IRM_BIN") : "build/irm";
	char buf[64], buf2[64];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--customers") == 0 && i + 1 < argc)
			customers = atol(argv[++i]);
		else if (strcmp(argv[i], "--queries") == 0 && i + 1 < argc)
			nq = atol(argv[++i]);
		else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db_path = argv[++i];
		else if (strcmp(argv[i], "--reuse") == 0)
			reuse = true;
		else {
			fprintf(stderr, "usage: bench [--customers N] [--queries N] [--reuse] [--db PATH]\n");
			return 2;
		}
	}
	setenv("IRM_NOW", "2026-11-22T09:00:00Z", 1);
	struct irm_err e = { 0 };
	clock_init(&e);

	printf("irm bench — %ld customers, %ld queries (figures measured now, on this machine)\n\n",
	       customers, nq);
	printf("  %-44s %-22s %s\n", "what", "measured", "target / reference");

	/* 1. Generation, by the real binary. */
	struct stat sb;
	if (!reuse || stat(db_path, &sb) != 0) {
		char n[32];
		snprintf(n, sizeof n, "%ld", customers);
		char *gen[] = { (char *)irm, (char *)"demo", (char *)"--customers", n, (char *)"--out",
				(char *)db_path, (char *)"--force", NULL };
		double t0 = now_s();
		int rc = run(gen, NULL, 2);
		double dt = now_s() - t0;
		if (rc != 0) {
			fprintf(stderr, "bench: irm demo failed (%d)\n", rc);
			return 1;
		}
		snprintf(buf, sizeof buf, "%.1f s", dt);
		row("generate the cache (irm demo)", buf, "≤ 120 s for 1M customers");
	} else {
		row("generate the cache (irm demo)", "reused", "(--reuse)");
	}
	sqlite3 *db;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return 1;
	sqlite3_stmt *st;
	long long nseg = 0, ntrip = 0;
	if (sqlite3_prepare_v2(db, "SELECT (SELECT max(rid) FROM segments), (SELECT max(rid) FROM trips)", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		nseg = sqlite3_column_int64(st, 0);
		ntrip = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	snprintf(buf, sizeof buf, "%lld / %lld", ntrip, nseg);
	row("trips / segments", buf, "~10M segments");
	stat(db_path, &sb);
	snprintf(buf, sizeof buf, "%.2f GB", (double)sb.st_size / 1e9);
	row("cache size", buf, "(no target)");

	/* 2. find, in this process. */
	struct query *q = calloc((size_t)nq, sizeof *q);
	size_t n = make_queries(db, q, (size_t)nq, customers);
	struct cache *c;
	if (cache_open(db_path, 0, &c, &e) != IRM_OK) {
		fprintf(stderr, "bench: %s\n", e.msg);
		return 1;
	}
	double *lat = calloc(n, sizeof *lat), *by_kind[Q_KINDS];
	size_t nk[Q_KINDS] = { 0 }, found = 0;
	for (int k = 0; k < Q_KINDS; k++)
		by_kind[k] = calloc(n, sizeof(double));
	/* One untimed pass warms the page cache, as a console that has been
	 * open for a while would be. */
	for (size_t i = 0; i < n && i < 500; i++) {
		struct search_result r;
		if (search_run(c, q[i].text, 10, &r, &e) == IRM_OK)
			search_result_free(&r);
	}
	for (size_t i = 0; i < n; i++) {
		struct search_result r;
		double t0 = now_s();
		enum irm_status s = search_run(c, q[i].text, 10, &r, &e);
		double dt = (now_s() - t0) * 1e3;
		lat[i] = dt;
		by_kind[q[i].kind][nk[q[i].kind]++] = dt;
		if (s == IRM_OK) {
			found += r.n > 0;
			search_result_free(&r);
		}
	}
	double p50 = pct(lat, n, 0.5), p99 = pct(lat, n, 0.99);
	snprintf(buf, sizeof buf, "%.3f / %.3f ms", p50, p99);
	row("find p50 / p99 (mixed queries)", buf, "p99 ≤ 2 ms");
	for (int k = 0; k < Q_KINDS; k++) {
		char what[64];
		snprintf(what, sizeof what, "  %s (%zu)", qkind_names[k], nk[k]);
		snprintf(buf, sizeof buf, "%.3f / %.3f ms", pct(by_kind[k], nk[k], 0.5), pct(by_kind[k], nk[k], 0.99));
		row(what, buf, "");
	}
	snprintf(buf, sizeof buf, "%.1f %%", 100.0 * (double)found / (double)n);
	row("queries that found someone", buf, "");

	/* 3. Context loads. */
	double *clat = calloc((size_t)nq, sizeof *clat);
	unsigned seed = 777;
	long trips_seen = 0;
	for (long i = 0; i < nq; i++) {
		char id[32];
		seed = seed * 1103515245u + 12345u;
		snprintf(id, sizeof id, "C%ld", 1 + (long)((seed >> 8) % (unsigned long)customers));
		struct customer_context x;
		double t0 = now_s();
		enum irm_status s = context_load(c, id, &x, &e);
		clat[i] = (now_s() - t0) * 1e3;
		if (s == IRM_OK) {
			trips_seen += (long)x.n_trips;
			context_free(&x);
		}
	}
	snprintf(buf, sizeof buf, "%.3f / %.3f ms", pct(clat, (size_t)nq, 0.5), pct(clat, (size_t)nq, 0.99));
	snprintf(buf2, sizeof buf2, "load a customer's context (%.1f trips avg)", (double)trips_seen / (double)nq);
	row(buf2, buf, "p99 ≤ 2 ms");
	cache_close(&c);

	/* 4. The same full-text queries through the sqlite3 shell. */
	char script[4200];
	snprintf(script, sizeof script, "%s.queries.sql", db_path);
	FILE *f = fopen(script, "w");
	size_t nfts = 0;
	for (size_t i = 0; f && i < n; i++) {
		if (!q[i].fts[0])
			continue;
		fputs("SELECT rowid FROM customer_fts WHERE customer_fts MATCH ", f);
		sql_quote(f, q[i].fts);
		fputs(" LIMIT 100;\n", f);
		nfts++;
	}
	if (f)
		fclose(f);
	char cmd[9000];
	snprintf(cmd, sizeof cmd, "sqlite3 -readonly '%s' < '%s' > /dev/null", db_path, script);
	double t0 = now_s();
	int rc = system(cmd);
	double dt = now_s() - t0;
	/* Start-up of the shell alone, to take away. */
	snprintf(cmd, sizeof cmd, "sqlite3 -readonly '%s' 'SELECT 1' > /dev/null", db_path);
	double t1 = now_s();
	rc |= system(cmd);
	double startup = now_s() - t1;
	if (rc == 0 && nfts) {
		snprintf(buf, sizeof buf, "%.3f ms mean", (dt - startup) * 1e3 / (double)nfts);
		snprintf(buf2, sizeof buf2, "reference, %zu queries", nfts);
		row("sqlite3 shell, same FTS queries", buf, buf2);
	} else {
		row("sqlite3 shell, same FTS queries", "not run", "(no sqlite3 shell)");
	}
	unlink(script);

	/* 5. Peak RSS of a real `irm find`. */
	long worst = 0;
	const char *probe[] = { "dale brewr", "MP7000001", "(303) 555-0142", "jo", "maria" };
	for (size_t i = 0; i < sizeof probe / sizeof probe[0]; i++) {
		long kb = peak_rss_kb(irm, db_path, probe[i]);
		if (kb > worst)
			worst = kb;
	}
	snprintf(buf, sizeof buf, "%.1f MB", (double)worst / 1024.0);
	row("peak RSS of irm find", buf, "≤ 20 MB");
	sqlite3_close(db);

	engines(customers);
	show_500_trips(irm, db_path);
	return 0;
}
