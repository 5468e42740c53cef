/* bench.c — `make bench`: the foundation's speed on a large demo cache.
 *
 * Generates a 1,000,000-customer cache with the real `irm demo` (timed),
 * then, inside this one process, runs thousands of mixed `find` queries and
 * customer-context loads through data/ and reports p50 and p99; runs the
 * same full-text queries through the sqlite3 shell as a reference; and
 * measures the peak RSS of a real `irm find`; then drives the real console
 * through a pseudo-terminal (start-up, keystroke to screen, peak RSS).
 * Each figure is printed beside its target. Timing is never asserted:
 * machines are shared and noisy.
 *
 * usage: bench [--customers N] [--queries N] [--reuse] [--db PATH] [--only console|central]
 *   --only console: only the console's figures, on the cache already there.
 *   --only central: only irm-central's figures (bench/central.c), on a
 *   100,000-customer store kept beside the cache (--reuse keeps it).
 *   IRM_BIN names the irm binary, CENTRAL_BIN the irm-central binary. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "measure.h"
#include "clock.h"
#include "central.h"
#include "context.h"
#include "demo.h"
#include "intent.h"
#include "jsonw.h"
#include "mem.h"
#include "record.h"
#include "milestone.h"
#include "pty.h"
#include "search.h"
#include "tz.h"

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

/* The bytes of s, at most max, that end on a whole character. */
static int whole_chars(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return (int)n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return (int)max;
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
				snprintf(x->text, sizeof x->text, "%.*s", whole_chars(name, 4), name);
			} else {
				snprintf(x->text, sizeof x->text, "%.*s %.*s", (int)(sp - name), name,
					 whole_chars(sp + 1, 3), sp + 1);
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
	double t0 = measure_now();
	size_t k = milestone_evaluate(&r->rules, cu, trips, n, r->now, r->held, 64);
	double t1 = measure_now();
	if (n > r->cap) {
		r->cap = n * 2;
		r->res = realloc(r->res, r->cap * sizeof *r->res);
	}
	intent_infer_all(&intent_weights_default, cu, trips, n, r->res);
	double t2 = measure_now();
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
	measure_row(what, buf, "≤ 5 s");
	snprintf(buf, sizeof buf, "%.2f s", r.intent_s);
	snprintf(what, sizeof what, "intent of every trip (%ld, with history)", r.trips);
	measure_row(what, buf, "≤ 10 s");
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
		measure_row("show --json, 500 trips", "import failed", "");
		return;
	}
	enum { RUNS = 300 };
	double lat[RUNS];
	char *show[] = { (char *)irm, (char *)"--db", db, (char *)"show", (char *)"H1", (char *)"--json", NULL };
	for (int i = 0; i < RUNS; i++) {
		double t0 = measure_now();
		run(show, NULL, 1);
		lat[i] = (measure_now() - t0) * 1e3;
	}
	char buf[64];
	snprintf(buf, sizeof buf, "%.2f / %.2f ms", measure_pct(lat, RUNS, 0.5), measure_pct(lat, RUNS, 0.99));
	measure_row("irm show --json, 500 trips, whole process", buf, "(process start included)");
	/* The same in this process — load, intent, profile and the JSON text —
	 * what the console pays, without starting a program. */
	struct cache *c;
	struct irm_err e = { 0 };
	if (cache_open(db, 0, &c, &e) == IRM_OK) {
		double load[RUNS];
		for (int i = 0; i < RUNS; i++) {
			struct customer_context x;
			double t0 = measure_now();
			if (context_load(c, "H1", &x, &e) != IRM_OK)
				break;
			load[i] = (measure_now() - t0) * 1e3;
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
			lat[i] = (measure_now() - t0) * 1e3;
			jsonw_free(&w);
			free(res);
			context_free(&x);
		}
		snprintf(buf, sizeof buf, "%.2f / %.2f ms", measure_pct(lat, RUNS, 0.5), measure_pct(lat, RUNS, 0.99));
		measure_row("show --json, 500 trips, in process", buf, "p99 ≤ 5 ms");
		snprintf(buf, sizeof buf, "%.2f / %.2f ms", measure_pct(load, RUNS, 0.5), measure_pct(load, RUNS, 0.99));
		measure_row("  of which loading the context", buf, "");
		cache_close(&c);
	}
}

/* --- the console, through a pseudo-terminal -------------------------------
 *
 * The real `irm` console on a 100×30 pty, typed at as a person would: a
 * key is written, and its figure is the time to the last byte of the
 * output it brings (output quiet for a while ends it; the wait for quiet
 * is not counted). The same round trip through `cat` is the method's
 * floor. */

enum {
	CON_ROWS = 30, CON_COLS = 100,
	CON_STARTS = 20,        /* start-ups timed */
	CON_QUERIES = 200,      /* queries typed, a key at a time */
	CON_ECHO_KEYS = 1000,   /* keys through cat */
	CON_SLOWEST = 5,        /* slowest keys shown */
	QUIET_TYPE_MS = 5,      /* silence that ends the answer to a key */
	/* Changing screens, the console may write a little at once (the
	 * cursor shown or hidden) and the new screen only after loading it: a
	 * short silence could end the answer too early. */
	QUIET_SWITCH_MS = 100,
	QUIET_START_MS = 30,
};

/* The first screen is complete when its prompt has been written and, after
 * it, the cursor sent to the last row for the key-hint line (ESC [ 30 d or
 * ESC [ 30 ; 1 H on xterm), and then output stops. The hint's own words
 * change (and at 100 columns they are cut before "Ctrl-C quit"). */
#define LAST_ROW "\033[30"    /* CON_ROWS */
static const char *const first_screen[] = { "Find:", LAST_ROW, NULL };
/* The supervisor's first screen, the alert queue: its column heads. */
static const char *const first_queue[] = { "OWNER", LAST_ROW, NULL };

/* Everything the console sees of the world: a pinned clock and locale and a
 * temporary home, so no real configuration or history is touched. */
struct con_env {
	char home[4096];
	char vars[5][4200];
	char *envp[16];
};

static bool con_env_make(struct con_env *v)
{
	static const char *const fixed[] = { "TERM=xterm-256color", "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
					     "TZ=UTC", "IRM_NOW=2026-11-22T09:00:00Z" };
	static const char *const dirs[][2] = { { "XDG_CONFIG_HOME", "config" }, { "XDG_STATE_HOME", "state" },
					       { "XDG_DATA_HOME", "data" } };
	const char *tmp = getenv("TMPDIR"), *path = getenv("PATH");
	size_t k = 0;

	snprintf(v->home, sizeof v->home, "%s/irm-bench-console.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(v->home))
		return false;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		v->envp[k++] = (char *)fixed[i];
	snprintf(v->vars[0], sizeof v->vars[0], "HOME=%s", v->home);
	v->envp[k++] = v->vars[0];
	for (size_t i = 0; i < 3; i++) {
		int n = snprintf(v->vars[1 + i], sizeof v->vars[1 + i], "%s=", dirs[i][0]);
		snprintf(v->vars[1 + i] + n, sizeof v->vars[1 + i] - (size_t)n, "%s/%s", v->home, dirs[i][1]);
		mkdir(v->vars[1 + i] + n, 0700);
		v->envp[k++] = v->vars[1 + i];
	}
	snprintf(v->vars[4], sizeof v->vars[4], "PATH=%s", path ? path : "/usr/bin:/bin");
	v->envp[k++] = v->vars[4];
	v->envp[k] = NULL;
	return true;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void con_env_free(struct con_env *v)
{
	nftw(v->home, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Why the screen did not come, in a few words. */
static void why_not(const struct pty *p, const struct pty_burst *b, int timeout_ms, char *why, size_t size)
{
	char text[4096];
	pty_text(p, text, sizeof text);
	size_t n = strlen(text);
	const char *tail = n > 60 ? text + n - 60 : text;
	if (p->gone)
		snprintf(why, size, "it ended: %.120s", text[0] ? text : "(nothing said)");
	else if (!b->bytes)
		snprintf(why, size, "no output in %d s", timeout_ms / 1000);
	else
		snprintf(why, size, "no complete screen in %d s (%zu bytes, ending \"%.60s\")", timeout_ms / 1000,
			 b->bytes, tail);
}

static void console_startup(char *const argv[], char *const envp[], const char *const *marks,
			    const char *label)
{
	double t[CON_STARTS];
	int ok = 0, stuck = 0, runs = 0;
	char why[200] = "", buf[64];

	for (int i = 0; i < CON_STARTS; i++, runs++) {
		struct pty p;
		struct pty_burst b;
		double t0 = pty_now();
		if (pty_spawn(&p, argv, envp, CON_ROWS, CON_COLS, false) != 0) {
			snprintf(why, sizeof why, "cannot start %s: %s", argv[0], strerror(errno));
			continue;
		}
		pty_read(&p, marks, QUIET_START_MS, 5000, &b);
		if (b.complete)
			t[ok++] = (b.last - t0) * 1e3;
		else
			why_not(&p, &b, 5000, why, sizeof why);
		int st = pty_end(&p, "\003", 2000, NULL);
		stuck += st < 0;
		if (i == 2 && !ok) {
			runs++;
			break;  /* it will not come: do not wait 5 s twenty times */
		}
	}
	if (ok) {
		double max = measure_pct(t, (size_t)ok, 1.0);
		snprintf(buf, sizeof buf, "%.1f / %.1f ms", measure_pct(t, (size_t)ok, 0.5), max);
	} else {
		snprintf(buf, sizeof buf, "no screen");
	}
	char what[96];
	snprintf(what, sizeof what, "%s p50 / max (%d runs)", label, ok);
	measure_row(what, buf, "≤ 100 ms");
	if (ok < runs)
		printf("    %d of %d start-ups failed, the last: %s\n", runs - ok, runs, why);
	if (stuck)
		printf("    %d of %d did not end on Ctrl-C within 2 s (killed)\n", stuck, runs);
}

/* One key and its answer. */
struct key_time {
	double ms;
	size_t query;           /* which query was being typed */
	size_t at;              /* its bytes in the box after this key */
	struct pty_usage used;  /* what the console used for it; cpu < 0: unknown */
	double first_ms;        /* when its first byte came */
	double bench_queued;    /* s this process waited for a CPU meanwhile */
};

static int cmp_key_time_desc(const void *a, const void *b)
{
	double x = ((const struct key_time *)a)->ms, y = ((const struct key_time *)b)->ms;
	return (x < y) - (x > y);
}

struct answers {
	size_t stray;           /* bytes that came after an answer had ended */
	size_t silent;          /* keys with no answer in 2 s */
	double longest_gap;     /* the longest silence inside one answer, ms */
};

/* Seconds this process has waited, ready, for a CPU. */
static double self_queued(void)
{
	unsigned long long run, wait = 0;
	FILE *f = fopen("/proc/self/schedstat", "r");
	if (f) {
		if (fscanf(f, "%llu %llu", &run, &wait) != 2)
			wait = 0;
		fclose(f);
	}
	return (double)wait / 1e9;
}

/* Type a key and time its answer, in ms: from just before the write to the
 * last byte it brought. -1: no answer. k (may be NULL) gets, besides, when
 * the first byte came and what the program used meanwhile (read before the
 * key and after the answer, outside the time). */
static double answer(struct pty *p, const char *key, size_t n, int quiet_ms, struct answers *a,
		     struct key_time *k)
{
	struct pty_burst b;
	struct pty_usage u0, u1;
	a->stray += pty_drain(p);
	bool known = k && pty_usage(p, &u0);
	double q0 = k ? self_queued() : 0;
	double t0 = pty_key(p, key, n);
	if (t0 < 0) {
		a->silent++;
		return -1;
	}
	pty_read(p, NULL, quiet_ms, 2000, &b);
	if (k) {
		memset(k, 0, sizeof *k);
		k->bench_queued = self_queued() - q0;
		k->first_ms = b.bytes ? (b.first - t0) * 1e3 : -1;
		k->used.cpu = -1;
		if (known && pty_usage(p, &u1)) {
			k->used.cpu = u1.cpu - u0.cpu;
			k->used.queued = u1.queued - u0.queued;
			k->used.majflt = u1.majflt - u0.majflt;
			k->used.read_bytes = u0.read_bytes >= 0 && u1.read_bytes >= 0 ?
					     u1.read_bytes - u0.read_bytes : -1;
		}
	}
	if (!b.bytes) {
		a->silent++;
		return -1;
	}
	if (b.gap * 1e3 > a->longest_gap)
		a->longest_gap = b.gap * 1e3;
	if (k)
		k->ms = (b.last - t0) * 1e3;
	return (b.last - t0) * 1e3;
}

/* The bytes of the character at s. */
static size_t char_len(const char *s)
{
	size_t k = 1;
	while (s[k] && ((unsigned char)s[k] & 0xC0) == 0x80)
		k++;
	return k;
}

static void key_row(const char *label, size_t count, double *ms, const char *target)
{
	char what[80], buf[64];
	snprintf(what, sizeof what, "  %s (%zu)", label, count);
	if (count)
		snprintf(buf, sizeof buf, "%.2f / %.2f ms", measure_pct(ms, count, 0.5), measure_pct(ms, count, 0.99));
	else
		snprintf(buf, sizeof buf, "none");
	measure_row(what, buf, target);
}

/* The console's own time on a CPU for the keys that have it, p50 / p99. */
static void cpu_row(const struct key_time *k, size_t n)
{
	double *v = xcalloc(n + 1, sizeof *v);
	size_t m = 0;
	char buf[64];
	for (size_t i = 0; i < n; i++)
		if (k[i].used.cpu >= 0)
			v[m++] = k[i].used.cpu * 1e3;
	if (m) {
		snprintf(buf, sizeof buf, "%.2f / %.2f ms", measure_pct(v, m, 0.5), measure_pct(v, m, 0.99));
		measure_row("    of which the console on a CPU", buf, "(the machine's noise left out)");
	}
	free(v);
}

/* The slowest keys, with what the box held after each and what the
 * console did meanwhile: on a CPU, ready but waiting for one, reading. */
static void slowest(const char *label, struct key_time *k, size_t n, const struct query *const *sel,
		    bool whole)
{
	if (!n)
		return;
	qsort(k, n, sizeof *k, cmp_key_time_desc);
	printf("    slowest %s, ms (first byte; the console on a CPU, waiting for one; the bench waiting):\n",
	       label);
	for (size_t i = 0; i < n && i < CON_SLOWEST; i++) {
		const char *text = sel[k[i].query]->text;
		int len = whole ? (int)strlen(text) : (int)k[i].at;
		const struct pty_usage *u = &k[i].used;
		printf("      «%.*s» %.1f (%.1f", len, text, k[i].ms, k[i].first_ms);
		if (u->cpu >= 0)
			printf("; %.1f, %.1f", u->cpu * 1e3, u->queued * 1e3);
		printf("; %.1f)", k[i].bench_queued * 1e3);
		if (u->cpu >= 0 && u->read_bytes > 0)
			printf(" read %.2f MB from storage", (double)u->read_bytes / 1e6);
		if (u->cpu >= 0 && u->majflt > 0)
			printf(" %ld major faults", u->majflt);
		printf("\n");
	}
}

/* The pty round trip itself: the same keys, echoed by cat on a raw terminal. */
static void console_echo(char *const envp[], const struct query *const *sel, size_t nsel)
{
	char *argv[] = { (char *)"cat", NULL };
	struct pty p;
	struct answers a = { 0 };
	double *ms = xcalloc(CON_ECHO_KEYS, sizeof *ms);
	size_t n = 0;

	if (pty_spawn(&p, argv, envp, CON_ROWS, CON_COLS, true) != 0) {
		measure_row("  the same through cat", "cannot start cat", "reference");
		free(ms);
		return;
	}
	answer(&p, "x", 1, QUIET_TYPE_MS, &a, NULL);  /* cat has started */
	for (size_t i = 0; i < nsel && n < CON_ECHO_KEYS && !p.gone; i++) {
		const char *t = sel[i]->text;
		for (size_t j = 0; t[j] && n < CON_ECHO_KEYS; ) {
			size_t k = char_len(t + j);
			double v = answer(&p, t + j, k, QUIET_TYPE_MS, &a, NULL);
			j += k;
			if (v >= 0)
				ms[n++] = v;
		}
	}
	pty_end(&p, "\003", 2000, NULL);
	key_row("the same keys echoed by cat", n, ms, "reference: the method's floor");
	free(ms);
}

static bool has_results(struct cache *c, const char *text)
{
	struct search_result r;
	struct irm_err e = { 0 };
	if (search_run(c, text, 1, &r, &e) != IRM_OK)
		return false;
	bool any = r.n > 0;
	search_result_free(&r);
	return any;
}

/* One console, a query typed a key at a time, the first customer opened
 * and closed, the box cleared; and so on; then Ctrl-C. */
static void console_session(const char *db, char *const argv[], char *const envp[],
			    const struct query *const *sel, size_t nsel)
{
	struct cache *c;
	struct irm_err e = { 0 };
	struct pty p;
	struct pty_burst b;
	struct answers a = { 0 }, sw = { 0 };
	char why[200];

	if (cache_open(db, 0, &c, &e) != IRM_OK) {
		measure_row("console session", "cannot open the cache", e.msg);
		return;
	}
	size_t keys = 0;
	for (size_t i = 0; i < nsel; i++)
		keys += strlen(sel[i]->text);   /* at least its characters */
	struct key_time *typed = xcalloc(keys + 1, sizeof *typed), *opened = xcalloc(nsel + 1, sizeof *opened);
	double *ms = xcalloc(keys + 1, sizeof *ms), *by_len[3], *open_ms = xcalloc(nsel + 1, sizeof *open_ms);
	double *back_ms = xcalloc(nsel + 1, sizeof *back_ms), *clear_ms = xcalloc(nsel + 1, sizeof *clear_ms);
	size_t nt = 0, nl[3] = { 0 }, no = 0, nb = 0, nc = 0;
	for (int i = 0; i < 3; i++)
		by_len[i] = xcalloc(keys + 1, sizeof(double));

	if (pty_spawn(&p, argv, envp, CON_ROWS, CON_COLS, false) != 0) {
		measure_row("console session", "cannot start", strerror(errno));
		goto out;
	}
	pty_read(&p, first_screen, QUIET_START_MS, 10000, &b);
	if (!b.complete) {
		why_not(&p, &b, 10000, why, sizeof why);
		measure_row("console session", "no first screen", why);
		pty_end(&p, "\003", 2000, NULL);
		goto out;
	}
	size_t done = 0;
	for (size_t i = 0; i < nsel && !p.gone; i++, done++) {
		const char *t = sel[i]->text;
		for (size_t j = 0, chars = 1; t[j] && !p.gone; chars++) {
			size_t k = char_len(t + j);
			struct key_time kt;
			double v = answer(&p, t + j, k, QUIET_TYPE_MS, &a, &kt);
			j += k;
			if (v < 0)
				continue;
			kt.query = i;
			kt.at = j;
			typed[nt++] = kt;
			by_len[chars < 3 ? chars - 1 : 2][nl[chars < 3 ? chars - 1 : 2]++] = v;
		}
		if (has_results(c, t) && !p.gone) {
			struct key_time kt;
			double v = answer(&p, "\r", 1, QUIET_SWITCH_MS, &sw, &kt);
			if (v >= 0) {
				kt.query = i;
				kt.at = strlen(t);
				opened[no] = kt;
				open_ms[no++] = v;
			}
			v = answer(&p, "/", 1, QUIET_SWITCH_MS, &sw, NULL);
			if (v >= 0)
				back_ms[nb++] = v;
		}
		double v = answer(&p, "\025", 1, QUIET_TYPE_MS, &a, NULL);
		if (v >= 0)
			clear_ms[nc++] = v;
	}
	bool died = p.gone;
	long hwm = pty_peak_rss_kb(&p), ru_kb = 0;
	int st = pty_end(&p, "\003", 3000, &ru_kb);

	for (size_t i = 0; i < nt; i++)
		ms[i] = typed[i].ms;
	measure_row("console keystroke to screen p50 / p99", "", "(100×30 pty, xterm-256color)");
	key_row("typing a query, a key at a time", nt, ms, "p99 ≤ 16 ms");
	static const char *const len_label[3] = { "  the 1st key of a query", "  the 2nd key",
						  "  the 3rd key and later" };
	for (int i = 0; i < 3; i++)
		key_row(len_label[i], nl[i], by_len[i], "");
	cpu_row(typed, nt);
	key_row("Enter, open the first customer", no, open_ms, "p99 ≤ 16 ms");
	cpu_row(opened, no);
	key_row("/, back to search", nb, back_ms, "p99 ≤ 16 ms");
	key_row("Ctrl-U, clear the box", nc, clear_ms, "");
	console_echo(envp, sel, nsel);
	snprintf(why, sizeof why, "%.1f MB", (double)(hwm >= 0 ? hwm : ru_kb) / 1024.0);
	measure_row(hwm >= 0 ? "peak RSS of the console (whole session)" : "peak RSS of the console (ru_maxrss)", why,
	    "≤ 30 MB");
	slowest("typing keys", typed, nt, sel, false);
	slowest("opens", opened, no, sel, true);
	if (died)
		printf("    the console ended by itself after %zu of %zu queries\n", done, nsel);
	else if (st < 0)
		printf("    the console did not end on Ctrl-C within 3 s (killed)\n");
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		printf("    the console's exit status on Ctrl-C: %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	if (a.silent + sw.silent)
		printf("    %zu keys brought no output within 2 s\n", a.silent + sw.silent);
	if (a.stray + sw.stray)
		printf("    %zu bytes came after an answer had gone quiet (dropped before the next key)\n",
		       a.stray + sw.stray);
	if (sw.longest_gap > QUIET_TYPE_MS)
		printf("    screen changes paused up to %.1f ms inside one answer (the figure is still its last byte)\n",
		       sw.longest_gap);
out:
	for (int i = 0; i < 3; i++)
		free(by_len[i]);
	free(typed);
	free(opened);
	free(ms);
	free(open_ms);
	free(back_ms);
	free(clear_ms);
	cache_close(&c);
}

/* The console's figures: start-up, keystrokes, peak RSS. The queries are
 * the names, prefixes and member numbers of q. */
static void console_bench(const char *irm, const char *db, const struct query *q, size_t n)
{
	struct con_env env;
	const struct query *sel[CON_QUERIES];
	size_t nsel = 0;

	for (size_t i = 0; i < n && nsel < CON_QUERIES; i++)
		if (q[i].kind == Q_NAME || q[i].kind == Q_PREFIX || q[i].kind == Q_MEMBER)
			sel[nsel++] = &q[i];
	if (!con_env_make(&env)) {
		measure_row("console", "not run", "(no temporary directory)");
		return;
	}
	char *argv[] = { (char *)irm, (char *)"--db", (char *)db, (char *)"--as", (char *)"bench", NULL };
	fflush(stdout);
	console_startup(argv, env.envp, first_screen, "console start-up");
	fflush(stdout);
	char *sup[] = { (char *)irm, (char *)"--db", (char *)db, (char *)"--as", (char *)"bench",
			(char *)"--role", (char *)"supervisor", NULL };
	console_startup(sup, env.envp, first_queue, "  on the alert queue (supervisor)");
	fflush(stdout);
	console_session(db, argv, env.envp, sel, nsel);
	fflush(stdout);
	con_env_free(&env);
}

/* `bench --only console`: the console's figures on the cache already there. */
static int console_only(const char *irm, const char *db_path, long customers, long nq)
{
	struct stat sb;
	sqlite3 *db;
	sqlite3_stmt *st;

	if (stat(db_path, &sb) != 0) {
		fprintf(stderr, "bench: no cache at %s (run the whole bench once)\n", db_path);
		return 1;
	}
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return 1;
	if (sqlite3_prepare_v2(db, "SELECT max(rid) FROM customers", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0 &&
	    sqlite3_column_int64(st, 0) < customers)
		customers = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (nq > CON_QUERIES * 2)
		nq = CON_QUERIES * 2;
	struct query *q = xcalloc((size_t)nq, sizeof *q);
	size_t n = make_queries(db, q, (size_t)nq, customers);
	sqlite3_close(db);
	printf("irm bench — the console only, on %s\n\n", db_path);
	printf("  %-44s %-22s %s\n", "what", "measured", "target / reference");
	console_bench(irm, db_path, q, n);
	free(q);
	return 0;
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
	bool reuse = false, only_console = false, only_central = false;
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
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc && strcmp(argv[i + 1], "console") == 0) {
			only_console = true;
			i++;
		} else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc && strcmp(argv[i + 1], "central") == 0) {
			only_central = true;
			i++;
		} else {
			fprintf(stderr, "usage: bench [--customers N] [--queries N] [--reuse] [--db PATH] "
				"[--only console|central]\n");
			return 2;
		}
	}
	setenv("IRM_NOW", "2026-11-22T09:00:00Z", 1);
	struct irm_err e = { 0 };
	clock_init(&e);
	if (only_console)
		return console_only(irm, db_path, customers, nq);
	/* irm-central's store lives beside the cache. */
	char central_dir[4096];
	const char *slash = strrchr(db_path, '/');
	snprintf(central_dir, sizeof central_dir, "%.*s", slash ? (int)(slash - db_path) + (slash == db_path) : 1,
		 slash ? db_path : ".");
	struct central_opts central = {
		.bin = getenv("CENTRAL_BIN") ? getenv("CENTRAL_BIN") : "build/irm-central",
		.dir = central_dir, .customers = 100000, .reuse = reuse,
	};
	if (only_central)
		return central_bench(&central);

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
		double t0 = measure_now();
		int rc = run(gen, NULL, 2);
		double dt = measure_now() - t0;
		if (rc != 0) {
			fprintf(stderr, "bench: irm demo failed (%d)\n", rc);
			return 1;
		}
		snprintf(buf, sizeof buf, "%.1f s", dt);
		measure_row("generate the cache (irm demo)", buf, "≤ 120 s for 1M customers");
	} else {
		measure_row("generate the cache (irm demo)", "reused", "(--reuse)");
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
	measure_row("trips / segments", buf, "~10M segments");
	stat(db_path, &sb);
	snprintf(buf, sizeof buf, "%.2f GB", (double)sb.st_size / 1e9);
	measure_row("cache size", buf, "(no target)");

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
		double t0 = measure_now();
		enum irm_status s = search_run(c, q[i].text, 10, &r, &e);
		double dt = (measure_now() - t0) * 1e3;
		lat[i] = dt;
		by_kind[q[i].kind][nk[q[i].kind]++] = dt;
		if (s == IRM_OK) {
			found += r.n > 0;
			search_result_free(&r);
		}
	}
	double p50 = measure_pct(lat, n, 0.5), p99 = measure_pct(lat, n, 0.99);
	snprintf(buf, sizeof buf, "%.3f / %.3f ms", p50, p99);
	measure_row("find p50 / p99 (mixed queries)", buf, "p99 ≤ 2 ms");
	for (int k = 0; k < Q_KINDS; k++) {
		char what[64];
		snprintf(what, sizeof what, "  %s (%zu)", qkind_names[k], nk[k]);
		snprintf(buf, sizeof buf, "%.3f / %.3f ms", measure_pct(by_kind[k], nk[k], 0.5), measure_pct(by_kind[k], nk[k], 0.99));
		measure_row(what, buf, "");
	}
	snprintf(buf, sizeof buf, "%.1f %%", 100.0 * (double)found / (double)n);
	measure_row("queries that found someone", buf, "");

	/* 3. Context loads. */
	double *clat = calloc((size_t)nq, sizeof *clat);
	unsigned seed = 777;
	long trips_seen = 0;
	for (long i = 0; i < nq; i++) {
		char id[32];
		seed = seed * 1103515245u + 12345u;
		snprintf(id, sizeof id, "C%ld", 1 + (long)((seed >> 8) % (unsigned long)customers));
		struct customer_context x;
		double t0 = measure_now();
		enum irm_status s = context_load(c, id, &x, &e);
		clat[i] = (measure_now() - t0) * 1e3;
		if (s == IRM_OK) {
			trips_seen += (long)x.n_trips;
			context_free(&x);
		}
	}
	snprintf(buf, sizeof buf, "%.3f / %.3f ms", measure_pct(clat, (size_t)nq, 0.5), measure_pct(clat, (size_t)nq, 0.99));
	snprintf(buf2, sizeof buf2, "load a customer's context (%.1f trips avg)", (double)trips_seen / (double)nq);
	measure_row(buf2, buf, "p99 ≤ 2 ms");
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
	double t0 = measure_now();
	int rc = system(cmd);
	double dt = measure_now() - t0;
	/* Start-up of the shell alone, to take away. */
	snprintf(cmd, sizeof cmd, "sqlite3 -readonly '%s' 'SELECT 1' > /dev/null", db_path);
	double t1 = measure_now();
	rc |= system(cmd);
	double startup = measure_now() - t1;
	if (rc == 0 && nfts) {
		snprintf(buf, sizeof buf, "%.3f ms mean", (dt - startup) * 1e3 / (double)nfts);
		snprintf(buf2, sizeof buf2, "reference, %zu queries", nfts);
		measure_row("sqlite3 shell, same FTS queries", buf, buf2);
	} else {
		measure_row("sqlite3 shell, same FTS queries", "not run", "(no sqlite3 shell)");
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
	measure_row("peak RSS of irm find", buf, "≤ 20 MB");
	sqlite3_close(db);

	/* 6. The console, through a pseudo-terminal. */
	console_bench(irm, db_path, q, n);

	engines(customers);
	show_500_trips(irm, db_path);
	fflush(stdout);
	central_bench(&central);
	return 0;
}
