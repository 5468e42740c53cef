/* central.c — the bench's `central` section: the real irm-central, over
 * loopback, with libcurl.
 *
 * A store of 100,000 demo customers is made once by `irm-central demo`
 * with the demo's day pinned (--reuse keeps it, beside the big cache) and
 * copied for each run, since the run writes to it. The server is started
 * on the copy (IRM_NOW pinned, a 0600 tokens file, a free port, its log in
 * central.log) and measured:
 *
 *   1. the changes feed, scope all, 1000 a page from the beginning to the
 *      end on one keep-alive connection, three times: records/s, pages/s,
 *      MB/s, and the server's and this process's CPU per page;
 *   2. references for the same bytes: nginx serving one page as a static
 *      file (when nginx is there; never installed from here), a bare
 *      reader in this process answering with a fixed buffer, and
 *      /v1/health in a loop (the server's plumbing alone);
 *   3. POST /v1/events, legs of booked trips flown, 1000 a batch: events/s,
 *      published at once, then with ?publish=later until all is published
 *      with the milestone engine, and what it published;
 *   4. fan-out: 1000 long-polls parked at the feed's end, one event
 *      posted, the time from the POST to each answer; five rounds; the
 *      server's threads and RSS while they wait.
 *
 * Each figure is printed beside its target; timing is never asserted. The
 * server gets SIGTERM at the end, and dies with this process should it
 * die first (PR_SET_PDEATHSIG). */
#define _GNU_SOURCE             /* memmem, accept4 */
#include "measure.h"
#include "central.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sqlite3.h>

#include "mem.h"

enum {
	THREADS = 4,                /* the server's pool, given with --threads */
	PAGE = 1000,                /* changes a page */
	FEED_PASSES = 3,
	STATIC_PASSES = 3,
	HEALTH_MS = 2000,           /* /v1/health for this long */
	BATCH = 1000,               /* events a POST */
	INGEST_BATCHES = 20,        /* at most… */
	INGEST_MS = 30000,          /* …or for about this long, at least 3 */
	FAN_CLIENTS = 1000,
	FAN_ROUNDS = 5,
	FAN_WAIT_S = 60,            /* the long-polls' wait= */
};

/* The demo's seed story happens on this day (notes/central.md). */
static const char DEMO_NOW[] = "2026-11-22T09:00:00-07:00";

/* --- small things -------------------------------------------------------------- */

/* 485468 → "485,468" */
static const char *thousands(long long v, char *out, size_t size)
{
	char digits[32];
	int n = snprintf(digits, sizeof digits, "%lld", v < 0 ? -v : v);
	size_t o = 0;
	if (v < 0 && o + 1 < size)
		out[o++] = '-';
	for (int i = 0; i < n && o + 2 < size; i++) {
		out[o++] = digits[i];
		if ((n - i - 1) % 3 == 0 && i != n - 1)
			out[o++] = ',';
	}
	out[o] = '\0';
	return out;
}

/* A growing buffer libcurl writes an answer into. */
struct buf {
	char *p;
	size_t len, cap;
};

static size_t buf_write(char *data, size_t size, size_t n, void *cls)
{
	struct buf *b = cls;
	size_t add = size * n;
	if (b->len + add + 1 > b->cap) {
		b->cap = (b->len + add + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, data, add);
	b->len += add;
	b->p[b->len] = '\0';
	return add;
}

/* User and system CPU of a /proc stat file, in seconds (-1: unread); its
 * name in name[16] when name is not NULL. */
static double stat_cpu_s(const char *path, char name[16])
{
	char text[1024];
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	const char *open = strchr(text, '('), *p = strrchr(text, ')');  /* the name may hold spaces */
	unsigned long long ut = 0, st = 0;
	if (!open || !p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	if (name)
		snprintf(name, 16, "%.*s", (int)(p - open - 1), open + 1);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* CPU seconds (user + system) a process has used, from /proc; -1 if gone. */
static double proc_cpu_s(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	return stat_cpu_s(path, NULL);
}

/* The CPU of the process's threads named `name` (the server names its
 * publisher and ticker), together; or, with name NULL, of its main thread
 * (which takes signals), whose id is the process's. */
static double threads_cpu_s(pid_t pid, const char *name)
{
	char path[64], comm[16];
	double sum = 0;
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	for (struct dirent *t; (t = readdir(d));) {
		if (t->d_name[0] == '.')
			continue;
		char stat[400];
		snprintf(stat, sizeof stat, "%s/%s/stat", path, t->d_name);
		double c = stat_cpu_s(stat, comm);
		if (c > 0 && (name ? strcmp(comm, name) == 0 : atoi(t->d_name) == (int)pid))
			sum += c;
	}
	closedir(d);
	return sum;
}

static double self_cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Threads: and RssAnon: (KB) of /proc/PID/status: the server's own
 * memory; the store it maps (mmap) is the page cache's, not counted. */
static bool proc_threads_rss(pid_t pid, long *threads, long *rss_kb)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	*threads = *rss_kb = -1;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "Threads:", 8) == 0)
			*threads = atol(line + 8);
		else if (strncmp(line, "RssAnon:", 8) == 0)
			*rss_kb = atol(line + 8);
	}
	fclose(f);
	return *threads > 0;
}

/* Connections established to a local TCP port (the server's side of
 * them), from /proc/net/tcp. */
static long established_to(int port)
{
	FILE *f = fopen("/proc/net/tcp", "r");
	char line[512];
	long n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		unsigned lport, st;
		if (sscanf(line, " %*d: %*8x:%4x %*8x:%*4x %2x", &lport, &st) == 2 && (int)lport == port &&
		    st == 1)
			n++;
	}
	fclose(f);
	return n;
}

/* A free loopback port (bound, read back, released). */
static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int port = -1;
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static bool can_connect(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* --- child processes ------------------------------------------------------------- */

/* Start argv[0] (a path) with stdin from /dev/null and stdout and stderr to
 * log (NULL: /dev/null), IRM_NOW set to now when given. It gets SIGTERM
 * should this process end first. */
static pid_t spawn(char *const argv[], const char *log, const char *now)
{
	pid_t parent = getpid();
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	int in = open("/dev/null", O_RDONLY);
	int out = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(126);
	if (now)
		setenv("IRM_NOW", now, 1);
	execv(argv[0], argv);
	_exit(127);
}

/* Signal pid and wait for it at most grace_s, then SIGKILL it. Its wait
 * status, or -1; *took the seconds it took to end. */
static int stop_child(pid_t pid, int sig, double grace_s, double *took)
{
	double t0 = measure_now();
	int ws = -1;
	if (pid <= 0)
		return -1;
	kill(pid, sig);
	for (;;) {
		pid_t r = waitpid(pid, &ws, WNOHANG);
		if (r == pid)
			break;
		if (r < 0)
			return -1;
		if (measure_now() - t0 > grace_s) {
			kill(pid, SIGKILL);
			waitpid(pid, &ws, 0);
			ws = -1;
			break;
		}
		usleep(5000);
	}
	if (took)
		*took = measure_now() - t0;
	return ws;
}

/* Run argv to its end; its exit status (-1: not a normal exit). */
static int run_wait(char *const argv[], const char *log, const char *now)
{
	pid_t pid = spawn(argv, log, now);
	int ws;
	if (pid < 0 || waitpid(pid, &ws, 0) != pid)
		return -1;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

/* The last line of a log, for saying why something did not start. */
static void log_tail(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");
	char line[512];
	snprintf(out, size, "(see %s)", path);
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			snprintf(out, size, "%s", line);
	}
	fclose(f);
}

/* --- the store and the server ---------------------------------------------------- */

struct server {
	pid_t pid;
	int port;
	char base[64];              /* "http://127.0.0.1:PORT" */
	char log[4200];
	struct curl_slist *agent;   /* Authorization header lists */
	struct curl_slist *ingest;
};

/* A copy of a file, synced, so its writing back does not fall inside a
 * measurement. */
static bool copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1;
	struct stat sb;
	bool ok = false;
	if (in < 0 || fstat(in, &sb) != 0)
		goto done;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0)
		goto done;
	off_t off = 0;
	while (off < sb.st_size) {
		ssize_t n = sendfile(out, in, &off, (size_t)(sb.st_size - off));
		if (n <= 0)
			goto done;
	}
	ok = fsync(out) == 0;
done:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0)
		ok = false;
	return ok;
}

static void remove_db(const char *path)
{
	static const char *const sides[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
		char p[4300];
		snprintf(p, sizeof p, "%s%s", path, sides[i]);
		unlink(p);
	}
}

/* A random token, 64 hex digits. */
static bool random_token(char out[65])
{
	unsigned char b[32];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0 && read(fd, b, sizeof b) == (ssize_t)sizeof b;
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; ok && i < sizeof b; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return ok;
}

/* The tokens file (0600): an agent and an ingest token; their headers. */
static bool tokens_make(const char *path, struct server *s)
{
	char agent[65], ingest[65], h[128];
	if (!random_token(agent) || !random_token(ingest))
		return false;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	FILE *f = fdopen(fd, "w");
	if (!f || fchmod(fd, 0600) != 0) {
		if (f)
			fclose(f);
		else
			close(fd);
		return false;
	}
	fprintf(f, "# made by bench/central.c for one run\n%s agent\n%s ingest\n", agent, ingest);
	if (fclose(f) != 0)
		return false;
	snprintf(h, sizeof h, "Authorization: Bearer %s", agent);
	s->agent = curl_slist_append(NULL, h);
	snprintf(h, sizeof h, "Authorization: Bearer %s", ingest);
	s->ingest = curl_slist_append(NULL, h);
	s->ingest = curl_slist_append(s->ingest, "Content-Type: application/json");
	s->ingest = curl_slist_append(s->ingest, "Expect:");
	return true;
}

/* Start the server on db; false with why set when it did not come up. */
static bool server_start(const struct central_opts *o, const char *db, struct server *s,
			 char *why, size_t size)
{
	char tokens[4200], port_file[4200], threads[16];
	snprintf(tokens, sizeof tokens, "%s/central.tokens", o->dir);
	snprintf(port_file, sizeof port_file, "%s/central.port", o->dir);
	snprintf(s->log, sizeof s->log, "%s/central.log", o->dir);
	snprintf(threads, sizeof threads, "%d", THREADS);
	if (!tokens_make(tokens, s)) {
		snprintf(why, size, "cannot write %.200s: %s", tokens, strerror(errno));
		return false;
	}
	unlink(port_file);
	char *argv[] = { (char *)o->bin, (char *)"serve", (char *)"--db", (char *)db, (char *)"--listen",
			 (char *)"127.0.0.1:0", (char *)"--tokens", tokens, (char *)"--threads", threads,
			 (char *)"--port-file", port_file, NULL };
	s->pid = spawn(argv, s->log, DEMO_NOW);
	if (s->pid < 0) {
		snprintf(why, size, "fork: %s", strerror(errno));
		return false;
	}
	for (double t0 = measure_now(); measure_now() - t0 < 120;) {
		int ws;
		if (waitpid(s->pid, &ws, WNOHANG) == s->pid) {
			s->pid = 0;
			log_tail(s->log, why, size);
			return false;
		}
		FILE *f = fopen(port_file, "r");
		if (f) {
			int ok = fscanf(f, "%d", &s->port);
			fclose(f);
			if (ok == 1 && s->port > 0) {
				snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
				return true;
			}
		}
		usleep(20000);
	}
	snprintf(why, size, "no port file after 120 s");
	return false;
}

/* An easy handle for a keep-alive connection to the server. */
static CURL *easy_new(struct buf *b, const struct curl_slist *headers)
{
	CURL *h = curl_easy_init();
	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, buf_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	if (headers)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	return h;
}

/* GET url into b; the HTTP status, or -1 when there was no answer. */
static long get(CURL *h, struct buf *b, const char *url)
{
	long code = -1;
	b->len = 0;
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_URL, url);
	if (curl_easy_perform(h) != CURLE_OK)
		return -1;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	return code;
}

/* --- reading a page of changes ------------------------------------------------------ */

/* A page's changes: each element opens with {"seq": (the server's member
 * order; a document's own JSON holds no "seq"). A memmem pass, so the
 * client's share of the time stays small; checked once against jansson
 * and against the feed's size. */
static size_t count_changes(const char *p, size_t n)
{
	static const char pat[] = "{\"seq\":";
	size_t count = 0;
	const char *end = p + n;
	while ((p = memmem(p, (size_t)(end - p), pat, sizeof pat - 1))) {
		count++;
		p += sizeof pat - 1;
	}
	return count;
}

/* The page's cursor and more flag, from its tail: … ],"cursor":"E-N","more":B} */
static bool page_tail(const char *p, size_t n, char *cursor, size_t size, bool *more)
{
	static const char pat[] = "\"cursor\":\"";
	size_t from = n > 256 ? n - 256 : 0;
	const char *c = NULL, *q = p + from;
	while ((q = memmem(q, n - (size_t)(q - p), pat, sizeof pat - 1)))
		c = q++;
	if (!c)
		return false;
	c += sizeof pat - 1;
	const char *e = memchr(c, '"', n - (size_t)(c - p));
	if (!e || (size_t)(e - c) >= size)
		return false;
	memcpy(cursor, c, (size_t)(e - c));
	cursor[e - c] = '\0';
	*more = memmem(e, n - (size_t)(e - p), "\"more\":true", 11) != NULL;
	return true;
}

/* --- 1. the changes feed --------------------------------------------------------- */

struct pass {
	double secs, server_cpu, client_cpu;
	size_t pages, records, bytes;
	bool ok;
};

static double per_s(double v, double secs)
{
	return secs > 0 ? v / secs : 0;
}

static int cmp_pass_rate(const void *a, const void *b)
{
	const struct pass *x = a, *y = b;
	double rx = per_s((double)x->records, x->secs), ry = per_s((double)y->records, y->secs);
	return (rx < ry) - (rx > ry);  /* fastest first */
}

/* The feed, scope all, from the beginning to its end on h's one
 * connection. *end gets the last cursor; save_at ≥ 0 saves that page's
 * body into saved. */
static void feed_pass(const struct server *s, CURL *h, struct buf *b, char *end, size_t end_size,
		      long save_at, struct buf *saved, struct pass *p, char *why, size_t why_size)
{
	char url[512], cursor[64] = "";
	bool more = true;
	memset(p, 0, sizeof *p);
	double c0 = proc_cpu_s(s->pid), s0 = self_cpu_s(), t0 = measure_now();
	while (more) {
		snprintf(url, sizeof url, "%s/v1/changes?scope=all&limit=%d%s%s", s->base, PAGE,
			 cursor[0] ? "&cursor=" : "", cursor);
		long code = get(h, b, url);
		if (code != 200) {
			snprintf(why, why_size, "page %zu: HTTP %ld %.80s", p->pages + 1, code,
				 code > 0 ? b->p : "");
			return;
		}
		if (!page_tail(b->p, b->len, cursor, sizeof cursor, &more)) {
			snprintf(why, why_size, "page %zu: no cursor in the answer", p->pages + 1);
			return;
		}
		if ((long)p->pages == save_at) {
			saved->len = 0;
			buf_write(b->p, 1, b->len, saved);
		}
		p->records += count_changes(b->p, b->len);
		p->bytes += b->len;
		p->pages++;
	}
	p->secs = measure_now() - t0;
	p->server_cpu = proc_cpu_s(s->pid) - c0;
	p->client_cpu = self_cpu_s() - s0;
	p->ok = true;
	snprintf(end, end_size, "%s", cursor);
}

static void feed_rows(struct pass *v, size_t n, long long expected)
{
	char buf[64], a[32], c[32], what[96];
	struct pass best, med;
	qsort(v, n, sizeof *v, cmp_pass_rate);
	best = v[0];
	med = v[n / 2];
	snprintf(what, sizeof what, "changes feed, scope all, limit=%d (%zu runs)", PAGE, n);
	measure_row(what, "", "");
	snprintf(buf, sizeof buf, "%s / %s", thousands((long long)per_s((double)best.records, best.secs), a, sizeof a),
		 thousands((long long)per_s((double)med.records, med.secs), c, sizeof c));
	measure_row("  records/s, best / median", buf, "≥ 100,000 records/s");
	snprintf(buf, sizeof buf, "%.0f / %.0f", per_s((double)best.pages, best.secs),
		 per_s((double)med.pages, med.secs));
	measure_row("  pages/s, best / median", buf, "");
	snprintf(buf, sizeof buf, "%.1f / %.1f", per_s((double)best.bytes / 1e6, best.secs),
		 per_s((double)med.bytes / 1e6, med.secs));
	measure_row("  MB/s, best / median", buf, "");
	snprintf(buf, sizeof buf, "%.2f s / %.2f s", best.secs, med.secs);
	snprintf(what, sizeof what, "  a whole pass: %s records, %zu pages",
		 thousands((long long)best.records, a, sizeof a), best.pages);
	measure_row(what, buf, "");
	snprintf(buf, sizeof buf, "%.2f / %.2f ms", best.server_cpu * 1e3 / (double)best.pages,
		 best.client_cpu * 1e3 / (double)best.pages);
	measure_row("  CPU a page: server / this client", buf, "(best run; 2 cores shared)");
	snprintf(buf, sizeof buf, "%.1f KB", (double)best.bytes / (double)best.pages / 1e3);
	measure_row("  mean page size", buf, "");
	if (expected >= 0 && (long long)best.records != expected)
		printf("    note: %s records read, the store's feed holds %s under scope all\n",
		       thousands((long long)best.records, a, sizeof a), thousands(expected, c, sizeof c));
}

/* --- 2. references: the same bytes without the server's work -------------------- */

/* Fetch url `times` times on h's one connection. */
static void fetch_repeat(CURL *h, struct buf *b, const char *url, size_t times, pid_t other,
			 struct pass *p)
{
	memset(p, 0, sizeof *p);
	double c0 = other > 0 ? proc_cpu_s(other) : 0, t0 = measure_now();
	for (size_t i = 0; i < times; i++) {
		if (get(h, b, url) != 200)
			return;
		p->bytes += b->len;
		p->pages++;
	}
	p->secs = measure_now() - t0;
	p->server_cpu = other > 0 ? proc_cpu_s(other) - c0 : 0;
	p->ok = true;
}

/* Best of STATIC_PASSES fetches of the page `times` times, as a row. */
static void static_rows(const char *label, const char *url, size_t times, size_t per_page,
			pid_t other, const char *ref)
{
	struct buf b = { 0 };
	struct pass v[STATIC_PASSES];
	size_t n = 0;
	char buf[64], a[32];
	CURL *h = easy_new(&b, NULL);
	if (!h)
		return;
	for (int i = 0; i < STATIC_PASSES; i++) {
		fetch_repeat(h, &b, url, times, other, &v[n]);
		if (v[n].ok)
			n++;
	}
	curl_easy_cleanup(h);
	free(b.p);
	if (!n) {
		measure_row(label, "failed", ref);
		return;
	}
	qsort(v, n, sizeof *v, cmp_pass_rate);
	snprintf(buf, sizeof buf, "%.0f pages/s", per_s((double)v[0].pages, v[0].secs));
	measure_row(label, buf, ref);
	snprintf(buf, sizeof buf, "%.1f MB/s", per_s((double)v[0].bytes / 1e6, v[0].secs));
	char what[96];
	snprintf(what, sizeof what, "  as records/s (%zu a page)", per_page);
	measure_row("  MB/s (best)", buf, "");
	measure_row(what, thousands((long long)per_s((double)(v[0].pages * per_page), v[0].secs), a, sizeof a), "");
}

/* nginx on the path, or where Debian puts it; IRM_BENCH_NGINX overrides. */
static bool find_nginx(char *out, size_t size)
{
	const char *env = getenv("IRM_BENCH_NGINX");
	if (env && *env) {
		snprintf(out, size, "%s", env);
		return access(out, X_OK) == 0;
	}
	const char *path = getenv("PATH");
	char dirs[8192];
	snprintf(dirs, sizeof dirs, "%s:/usr/sbin:/sbin:/usr/local/sbin", path ? path : "/usr/bin:/bin");
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, size, "%s/nginx", d);
		if (access(out, X_OK) == 0)
			return true;
	}
	return false;
}

static void rm_tree_flat(const char *dir)
{
	static const char *const names[] = { "page.json", "nginx.conf", "nginx.pid", "error.log",
					     "client_body", "proxy", "fastcgi", "uwsgi", "scgi" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char p[4300];
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		if (unlink(p) != 0)
			rmdir(p);
	}
	rmdir(dir);
}

/* nginx serving the page as a static file, on a free port, with a
 * minimal configuration in a temporary directory. */
static void nginx_ceiling(const struct buf *page, size_t pages, size_t per_page)
{
	char bin[4096], dir[4096], path[4300], conf[4300], log[4300], url[128], why[256];
	if (!find_nginx(bin, sizeof bin)) {
		printf("  nginx: not installed — no ceiling measured\n");
		return;
	}
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/irm-bench-nginx.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int port = free_port();
	if (!mkdtemp(dir) || port <= 0) {
		measure_row("nginx, the same page as a static file", "not run", "(no temporary directory)");
		return;
	}
	snprintf(path, sizeof path, "%s/page.json", dir);
	FILE *f = fopen(path, "w");
	if (f) {
		fwrite(page->p, 1, page->len, f);
		fclose(f);
	}
	snprintf(conf, sizeof conf, "%s/nginx.conf", dir);
	snprintf(log, sizeof log, "%s/error.log", dir);
	f = fopen(conf, "w");
	if (f) {
		fprintf(f,
			"daemon off;\nmaster_process off;\nworker_processes 1;\npid %s/nginx.pid;\n"
			"error_log %s warn;\nevents { worker_connections 64; }\n"
			"http {\n  access_log off;\n  sendfile on;\n  tcp_nodelay on;\n"
			"  keepalive_requests 1000000;\n  default_type application/json;\n"
			"  client_body_temp_path %s/client_body;\n  proxy_temp_path %s/proxy;\n"
			"  fastcgi_temp_path %s/fastcgi;\n  uwsgi_temp_path %s/uwsgi;\n"
			"  scgi_temp_path %s/scgi;\n"
			"  server { listen 127.0.0.1:%d; root %s; }\n}\n",
			dir, log, dir, dir, dir, dir, dir, port, dir);
		fclose(f);
	}
	char *argv[] = { bin, (char *)"-e", log, (char *)"-p", dir, (char *)"-c", conf, NULL };
	pid_t pid = spawn(argv, NULL, NULL);
	bool up = false;
	for (double t0 = measure_now(); pid > 0 && measure_now() - t0 < 10 && !up;) {
		int ws;
		if (waitpid(pid, &ws, WNOHANG) == pid) {
			pid = 0;
			break;
		}
		up = can_connect(port);
		if (!up)
			usleep(20000);
	}
	if (up) {
		snprintf(url, sizeof url, "http://127.0.0.1:%d/page.json", port);
		static_rows("nginx, the same page as a static file", url, pages, per_page, pid,
			    "ceiling: no work but sending");
	} else {
		log_tail(log, why, sizeof why);
		measure_row("nginx, the same page as a static file", "did not start", why);
	}
	if (pid > 0)
		stop_child(pid, SIGTERM, 5, NULL);
	rm_tree_flat(dir);
}

/* A bare HTTP/1.1 answerer on loopback: a thread reading requests on one
 * connection at a time and answering each with the same buffer. */
struct reader {
	int lfd, port;
	char *answer;               /* owned: head and body */
	size_t len;
	atomic_bool stop;
	pthread_t thread;
};

static bool send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static void reader_serve(struct reader *r, int fd)
{
	char req[8192];
	size_t have = 0;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	while (!atomic_load(&r->stop)) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t n = recv(fd, req + have, sizeof req - have - 1, 0);
		if (n <= 0)
			return;
		have += (size_t)n;
		req[have] = '\0';
		char *end;
		while ((end = strstr(req, "\r\n\r\n"))) {  /* a GET: no body */
			if (!send_all(fd, r->answer, r->len))
				return;
			size_t used = (size_t)(end + 4 - req);
			memmove(req, req + used, have - used);
			have -= used;
			req[have] = '\0';
		}
		if (have == sizeof req - 1)
			return;
	}
}

static void *reader_run(void *cls)
{
	struct reader *r = cls;
	while (!atomic_load(&r->stop)) {
		struct pollfd p = { r->lfd, POLLIN, 0 };
		if (poll(&p, 1, 100) <= 0)
			continue;
		int fd = accept4(r->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		reader_serve(r, fd);
		close(fd);
	}
	return NULL;
}

static bool reader_start(struct reader *r, const struct buf *page)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	char head[160];
	memset(r, 0, sizeof *r);
	r->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (r->lfd < 0 || bind(r->lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(r->lfd, 16) != 0 ||
	    getsockname(r->lfd, (struct sockaddr *)&a, &len) != 0) {
		if (r->lfd >= 0)
			close(r->lfd);
		return false;
	}
	r->port = ntohs(a.sin_port);
	int hn = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			  "Content-Length: %zu\r\n\r\n", page->len);
	r->len = (size_t)hn + page->len;
	r->answer = xmalloc(r->len);
	memcpy(r->answer, head, (size_t)hn);
	memcpy(r->answer + hn, page->p, page->len);
	atomic_init(&r->stop, false);
	if (pthread_create(&r->thread, NULL, reader_run, r) != 0) {
		close(r->lfd);
		free(r->answer);
		return false;
	}
	return true;
}

static void reader_stop(struct reader *r)
{
	atomic_store(&r->stop, true);
	pthread_join(r->thread, NULL);
	close(r->lfd);
	free(r->answer);
}

/* /v1/health in a loop on one connection: what a request costs the
 * server with no store work to speak of. */
static void health_loop(const struct server *s)
{
	struct buf b = { 0 };
	char url[128], buf[64], what[96];
	CURL *h = easy_new(&b, NULL);
	size_t n = 0;
	if (!h)
		return;
	snprintf(url, sizeof url, "%s/v1/health", s->base);
	double c0 = proc_cpu_s(s->pid), t0 = measure_now(), t;
	while ((t = measure_now()) - t0 < HEALTH_MS / 1000.0 && get(h, &b, url) == 200)
		n++;
	double cpu = proc_cpu_s(s->pid) - c0;
	curl_easy_cleanup(h);
	free(b.p);
	snprintf(buf, sizeof buf, "%.0f requests/s", per_s((double)n, t - t0));
	snprintf(what, sizeof what, "GET /v1/health in a loop (%zu)", n);
	measure_row(what, buf, "reference: the server's plumbing");
	snprintf(buf, sizeof buf, "%.0f µs / %.0f µs", n ? (t - t0) * 1e6 / (double)n : 0,
		 n ? cpu * 1e6 / (double)n : 0);
	measure_row("  a request: wall / server CPU", buf, "");
}

/* --- 3. ingest ------------------------------------------------------------------ */

/* Booked legs, the soonest first: `n` segment ids (owned, in *ids). */
static size_t booked_legs(const char *db_path, size_t n, char ***ids, long long *feed_all)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t got = 0;
	*ids = xcalloc(n, sizeof **ids);
	*feed_all = -1;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return 0;
	}
	if (sqlite3_prepare_v2(db, "SELECT id FROM segments WHERE status = 'booked' "
			       "ORDER BY dep_utc, rid LIMIT ?1", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)n);
		while (got < n && sqlite3_step(st) == SQLITE_ROW)
			(*ids)[got++] = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM central_docs", -1, &st,
			       NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			*feed_all = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return got;
}

/* A body of segment_status events, ids[0..n) flown. */
static void events_body(struct buf *b, char *const *ids, size_t n)
{
	char one[512];
	b->len = 0;
	buf_write((char *)"{\"events\":[", 1, 11, b);
	for (size_t i = 0; i < n; i++) {
		int k = snprintf(one, sizeof one, "%s{\"kind\":\"segment_status\",\"data\":{\"segment_id\":"
				 "\"%s\",\"status\":\"flown\",\"at\":\"%s\"}}", i ? "," : "", ids[i], DEMO_NOW);
		buf_write(one, 1, (size_t)k, b);
	}
	buf_write((char *)"]}", 1, 2, b);
}

/* POST body to /v1/events (?publish=later with `later`); the HTTP status,
 * or -1. */
static long post_events(CURL *h, const struct server *s, const struct buf *body, struct buf *ans,
			bool later)
{
	char url[160];
	long code = -1;
	snprintf(url, sizeof url, "%s/v1/events%s", s->base, later ? "?publish=later" : "");
	ans->len = 0;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->p);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len);
	if (curl_easy_perform(h) != CURLE_OK)
		return -1;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	return code;
}

/* What the feed published after `cursor`, by kind; *end the new end. */
static bool feed_since(const struct server *s, const char *cursor, long counts[3], char *end,
		       size_t end_size)
{
	static const char *const kinds[3] = { "customer", "trip", "alert" };
	struct buf b = { 0 };
	char url[512], cur[64];
	bool more = true, ok = true;
	CURL *h = easy_new(&b, s->agent);
	snprintf(cur, sizeof cur, "%s", cursor);
	counts[0] = counts[1] = counts[2] = 0;
	while (h && more && ok) {
		snprintf(url, sizeof url, "%s/v1/changes?scope=all&limit=10000&cursor=%s", s->base, cur);
		json_t *j = get(h, &b, url) == 200 ? json_loadb(b.p, b.len, 0, NULL) : NULL;
		json_t *ch = json_object_get(j, "changes");
		const char *c = json_string_value(json_object_get(j, "cursor"));
		ok = j && json_is_array(ch) && c;
		size_t i;
		json_t *x;
		json_array_foreach(ch, i, x) {
			const char *k = json_string_value(json_object_get(x, "kind"));
			for (int t = 0; k && t < 3; t++)
				counts[t] += strcmp(k, kinds[t]) == 0;
		}
		if (ok)
			snprintf(cur, sizeof cur, "%s", c);
		more = json_is_true(json_object_get(j, "more"));
		json_decref(j);
	}
	if (h)
		curl_easy_cleanup(h);
	free(b.p);
	snprintf(end, end_size, "%s", cur);
	return ok && h;
}

/* Until /v1/health says nothing is left to publish (at most 120 s): the
 * seconds waited, or -1. */
static double drained(const struct server *s)
{
	struct buf b = { 0 };
	char url[160];
	double t0 = measure_now(), waited = -1;
	CURL *h = easy_new(&b, NULL);
	snprintf(url, sizeof url, "%s/v1/health", s->base);
	while (h && measure_now() - t0 < 120) {
		json_t *j = get(h, &b, url) == 200 ? json_loadb(b.p, b.len, 0, NULL) : NULL;
		json_t *left = json_object_get(j, "backlog");
		bool done = json_is_integer(left) && json_integer_value(left) == 0;
		json_decref(j);
		if (done) {
			waited = measure_now() - t0;
			break;
		}
		usleep(2000);
	}
	if (h)
		curl_easy_cleanup(h);
	free(b.p);
	return waited;
}

/* Batches of legs flown. With `later`, each is answered once stored
 * (?publish=later), and the figure counts until the last is published. */
static void ingest(const struct server *s, char *const *ids, size_t n_ids, char *cursor,
		   size_t cursor_size, bool later)
{
	struct buf body = { 0 }, ans = { 0 };
	double ms[INGEST_BATCHES], total = 0;
	size_t batches = 0, events = 0;
	long updated = 0;
	char buf[64], what[96], a[32];
	CURL *h = easy_new(&ans, s->ingest);

	if (!h)
		return;
	double c0 = proc_cpu_s(s->pid), p0 = threads_cpu_s(s->pid, "irm-publisher"),
	       o0 = threads_cpu_s(s->pid, "irm-ticker") + threads_cpu_s(s->pid, NULL);
	while (batches < INGEST_BATCHES && (batches + 1) * BATCH <= n_ids &&
	       (batches < 3 || total * 1e3 < INGEST_MS)) {
		events_body(&body, ids + batches * BATCH, BATCH);
		double t0 = measure_now();
		long code = post_events(h, s, &body, &ans, later);
		double dt = measure_now() - t0;
		if (code != (later ? 202 : 200)) {
			snprintf(what, sizeof what, "POST /v1/events, batch %zu", batches + 1);
			snprintf(buf, sizeof buf, "HTTP %ld", code);
			measure_row(what, buf, code > 0 && ans.p ? ans.p : "no answer");
			break;
		}
		json_t *j = json_loadb(ans.p, ans.len, 0, NULL);
		updated += (long)json_integer_value(json_object_get(j, "updated"));
		json_decref(j);
		ms[batches++] = dt * 1e3;
		total += dt;
		events += BATCH;
	}
	double after = later && batches ? drained(s) : 0;
	double cpu = proc_cpu_s(s->pid) - c0, pub = threads_cpu_s(s->pid, "irm-publisher") - p0,
	       other = threads_cpu_s(s->pid, "irm-ticker") + threads_cpu_s(s->pid, NULL) - o0;
	curl_easy_cleanup(h);
	free(body.p);
	free(ans.p);
	if (!batches)
		return;
	if (after < 0) {
		measure_row("POST /v1/events?publish=later", "not all published", "after 120 s");
		return;
	}
	total += after;
	snprintf(what, sizeof what, "POST /v1/events%s, %d a batch (%zu batch%s)",
		 later ? "?publish=later" : "", BATCH, batches, batches == 1 ? "" : "es");
	snprintf(buf, sizeof buf, "%s events/s", thousands((long long)per_s((double)events, total), a, sizeof a));
	measure_row(what, buf, later ? "≥ 10,000 events/s (until all published)" : "≥ 10,000 events/s");
	snprintf(buf, sizeof buf, "%.0f / %.0f ms", measure_pct(ms, batches, 0.5), measure_pct(ms, batches, 1.0));
	measure_row(later ? "  a batch answered: p50 / max" : "  a batch: p50 / max", buf, "");
	if (later) {
		snprintf(buf, sizeof buf, "%.0f ms", after * 1e3);
		measure_row("  all published, after the last answer", buf, "");
	}
	snprintf(buf, sizeof buf, "%.0f µs", cpu * 1e6 / (double)events);
	measure_row("  server CPU an event", buf, "");
	/* Which thread holds the rate: the request threads' (libmicrohttpd's,
	 * whatever it names them), or the publisher's (the snapshot part and
	 * the write part of each round, in turn); the rest is the ticker's and
	 * the main thread's. */
	snprintf(buf, sizeof buf, "%.0f / %.0f / %.0f µs", (cpu - pub - other) * 1e6 / (double)events,
		 pub * 1e6 / (double)events, other * 1e6 / (double)events);
	measure_row("    request threads / publisher / rest", buf,
		    later ? "" : "(each request publishes its own batch)");
	long counts[3];
	char end[64];
	if (feed_since(s, cursor, counts, end, sizeof end)) {
		snprintf(buf, sizeof buf, "%ld", updated);
		measure_row("  legs flown (records updated)", buf, "");
		snprintf(buf, sizeof buf, "%ld / %ld / %ld", counts[1], counts[0], counts[2]);
		measure_row("  then in the feed: trips / customers / alerts", buf, "(alerts: the milestone engine)");
		snprintf(cursor, cursor_size, "%s", end);
	} else {
		measure_row("  the feed after the ingest", "could not be read", "");
	}
}

/* --- 4. fan-out ------------------------------------------------------------------- */

struct client {
	CURL *h;
	struct buf b;
	double at;                  /* when its answer came, s after the POST */
	bool done;
};

struct fan {
	CURLM *m;
	struct client *c;
	size_t n;
	char url[512];
};

static void fan_url(struct fan *f, const struct server *s, const char *cursor)
{
	snprintf(f->url, sizeof f->url, "%s/v1/changes?scope=all&cursor=%s&wait=%d", s->base, cursor,
		 FAN_WAIT_S);
}

/* Add every client's long-poll; drive them until each has sent its request
 * and the server has gone quiet (then they are parked), or an answer comes
 * early (false). */
static bool fan_park(struct fan *f, const struct server *s, double *secs, char *why, size_t size)
{
	double t0 = measure_now(), quiet_since = 0, last_cpu = -1;
	for (size_t i = 0; i < f->n; i++) {
		struct client *c = &f->c[i];
		c->b.len = 0;
		c->done = false;
		curl_easy_setopt(c->h, CURLOPT_URL, f->url);
		curl_multi_add_handle(f->m, c->h);
	}
	for (;;) {
		int running, left;
		curl_multi_perform(f->m, &running);
		CURLMsg *msg = curl_multi_info_read(f->m, &left);
		if (msg && msg->msg == CURLMSG_DONE) {
			long code = 0;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
			snprintf(why, size, "a long-poll was answered before any event: %s, HTTP %ld",
				 curl_easy_strerror(msg->data.result), code);
			return false;
		}
		size_t sent = 0;
		for (size_t i = 0; i < f->n; i++) {
			long req = 0;
			curl_easy_getinfo(f->c[i].h, CURLINFO_REQUEST_SIZE, &req);
			sent += req > 0;
		}
		double t = measure_now(), cpu = proc_cpu_s(s->pid);
		if (sent == f->n && established_to(s->port) >= (long)f->n) {
			if (cpu != last_cpu || quiet_since == 0)
				quiet_since = t;
			else if (t - quiet_since >= 0.3)
				break;
		}
		last_cpu = cpu;
		if (t - t0 > 60) {
			snprintf(why, size, "after 60 s: %zu of %zu requests sent, %ld connections", sent,
				 f->n, established_to(s->port));
			return false;
		}
		curl_multi_poll(f->m, NULL, 0, 20, NULL);
	}
	*secs = quiet_since - t0;  /* when the server last worked on them */
	return true;
}

/* Post one event and wait for every parked client's answer. lat[] gets
 * each one's time from the POST; false when some did not come right. */
static bool fan_round(struct fan *f, const struct server *s, const char *segment, double *lat,
		      double *post_ms, char *cursor, size_t cursor_size, char *why, size_t size)
{
	struct buf body = { 0 }, ans = { 0 };
	char *one[1] = { (char *)segment }, url[128];
	size_t answered = 0, bad = 0, mismatched = 0;
	bool post_done = false, ok = true;
	char first_bad[200] = "";
	CURL *p = easy_new(&ans, s->ingest);

	events_body(&body, one, 1);
	snprintf(url, sizeof url, "%s/v1/events", s->base);
	curl_easy_setopt(p, CURLOPT_URL, url);
	curl_easy_setopt(p, CURLOPT_POSTFIELDS, body.p);
	curl_easy_setopt(p, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
	cursor[0] = '\0';
	double t0 = measure_now();
	curl_multi_add_handle(f->m, p);
	while (answered < f->n || !post_done) {
		int running, left;
		curl_multi_perform(f->m, &running);
		CURLMsg *msg;
		while ((msg = curl_multi_info_read(f->m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			double t = measure_now() - t0;
			CURL *h = msg->easy_handle;
			long code = 0;
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
			bool fine = msg->data.result == CURLE_OK && code == 200;
			curl_multi_remove_handle(f->m, h);
			if (h == p) {
				post_done = true;
				*post_ms = t * 1e3;
				if (!fine) {
					snprintf(why, size, "the POST: %s, HTTP %ld", curl_easy_strerror(msg->data.result), code);
					ok = false;
				}
				continue;
			}
			char *priv = NULL;
			curl_easy_getinfo(h, CURLINFO_PRIVATE, &priv);
			struct client *c = (void *)priv;
			c->done = true;
			c->at = t;
			lat[answered++] = t;
			char cur[64];
			bool more;
			if (!fine || count_changes(c->b.p, c->b.len) == 0 ||
			    !page_tail(c->b.p, c->b.len, cur, sizeof cur, &more)) {
				if (!bad++)  /* the first, to say what came */
					snprintf(first_bad, sizeof first_bad, "%s, HTTP %ld: %.120s",
						 curl_easy_strerror(msg->data.result), code,
						 c->b.p ? c->b.p : "");
				continue;
			}
			if (!cursor[0])
				snprintf(cursor, cursor_size, "%s", cur);
			else if (strcmp(cursor, cur) != 0)
				mismatched++;
		}
		if (measure_now() - t0 > 60) {
			snprintf(why, size, "after 60 s, %zu of %zu answered", answered, f->n);
			ok = false;
			break;
		}
		if (answered < f->n || !post_done)
			curl_multi_poll(f->m, NULL, 0, 5, NULL);
	}
	if (ok && bad) {
		snprintf(why, size, "%zu answers were not 200 with a change; the first: %s", bad,
			 first_bad);
		ok = false;
	}
	if (ok && mismatched)
		printf("    note: %zu answers ended at another cursor than the first\n", mismatched);
	if (!post_done)
		curl_multi_remove_handle(f->m, p);
	curl_easy_cleanup(p);
	free(body.p);
	free(ans.p);
	return ok;
}

static void fan_out(const struct server *s, char *cursor, char *const *segments, size_t n_seg)
{
	struct fan f = { 0 };
	char buf[96], what[96], why[400] = "";
	long th0 = -1, rss0 = -1, th1 = -1, rss1 = -1;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	f.n = FAN_CLIENTS;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)FAN_CLIENTS + 64)
		f.n = rl.rlim_cur > 128 ? (size_t)rl.rlim_cur - 64 : 64;
	snprintf(what, sizeof what, "fan-out: %zu long-polls parked, one event", f.n);
	snprintf(buf, sizeof buf, "fd limit %llu", (unsigned long long)rl.rlim_cur);
	measure_row(what, "", buf);
	if (n_seg < FAN_ROUNDS) {
		measure_row("  not run", "no booked legs left", "");
		return;
	}
	f.m = curl_multi_init();
	curl_multi_setopt(f.m, CURLMOPT_MAXCONNECTS, (long)f.n + 16);
	f.c = xcalloc(f.n, sizeof *f.c);
	for (size_t i = 0; i < f.n; i++) {
		f.c[i].h = easy_new(&f.c[i].b, s->agent);
		curl_easy_setopt(f.c[i].h, CURLOPT_PRIVATE, (char *)&f.c[i]);
		curl_easy_setopt(f.c[i].h, CURLOPT_TIMEOUT, (long)FAN_WAIT_S + 30);
	}
	proc_threads_rss(s->pid, &th0, &rss0);
	double *all = xcalloc(f.n * FAN_ROUNDS, sizeof *all), *lat = xcalloc(f.n, sizeof *lat);
	size_t n_all = 0;
	int rounds = 0;
	for (int r = 0; r < FAN_ROUNDS; r++) {
		double park_s = 0, post_ms = 0, c0;
		char note[96];
		fan_url(&f, s, cursor);
		if (!fan_park(&f, s, &park_s, why, sizeof why))
			break;
		if (r == 0) {
			proc_threads_rss(s->pid, &th1, &rss1);
			snprintf(buf, sizeof buf, "%.2f s", park_s);
			snprintf(what, sizeof what, "  park %zu (connect, request, park)", f.n);
			measure_row(what, buf, "");
			snprintf(buf, sizeof buf, "%ld / %ld", th0, th1);
			snprintf(what, sizeof what, "  server threads idle / %zu parked", f.n);
			snprintf(note, sizeof note, "pool %d + main + ticker + publisher: a wait costs no thread", THREADS);
			measure_row(what, buf, note);
			snprintf(buf, sizeof buf, "%.1f / %.1f MB", (double)rss0 / 1024, (double)rss1 / 1024);
			measure_row("  server memory idle / parked", buf, "RssAnon: the mapped store not counted");
		}
		c0 = proc_cpu_s(s->pid);
		if (!fan_round(&f, s, segments[r], lat, &post_ms, cursor, 64, why, sizeof why))
			break;
		double cpu = proc_cpu_s(s->pid) - c0;
		memcpy(all + n_all, lat, f.n * sizeof *lat);
		n_all += f.n;
		rounds++;
		double p50 = measure_pct(lat, f.n, 0.5), p99 = measure_pct(lat, f.n, 0.99), max = measure_pct(lat, f.n, 1.0);
		snprintf(what, sizeof what, "  round %d: p50 / p99 / max", r + 1);
		snprintf(buf, sizeof buf, "%.0f / %.0f / %.0f ms", p50 * 1e3, p99 * 1e3, max * 1e3);
		snprintf(note, sizeof note, "(the POST %.0f ms; server CPU %.2f s)", post_ms, cpu);
		measure_row(what, buf, note);
	}
	if (why[0])
		measure_row("  stopped", "", why);
	if (n_all) {
		snprintf(what, sizeof what, "  POST to answer, all %d rounds: p50/p99/max", rounds);
		snprintf(buf, sizeof buf, "%.0f / %.0f / %.0f ms", measure_pct(all, n_all, 0.5) * 1e3,
			 measure_pct(all, n_all, 0.99) * 1e3, measure_pct(all, n_all, 1.0) * 1e3);
		measure_row(what, buf, "p99 ≤ 1 s");
	}
	for (size_t i = 0; i < f.n; i++) {
		curl_multi_remove_handle(f.m, f.c[i].h);
		curl_easy_cleanup(f.c[i].h);
		free(f.c[i].b.p);
	}
	curl_multi_cleanup(f.m);
	free(f.c);
	free(all);
	free(lat);
}

/* --- the section ---------------------------------------------------------------- */

/* The store for this run: the demo store (made unless reused), copied. */
static bool store_ready(const struct central_opts *o, char *run_db, size_t size)
{
	char db[4200], tmp[4300], log[4200], n[32], buf[64], what[96], why[256], a[32];
	struct stat sb;
	mkdir(o->dir, 0755);
	snprintf(db, sizeof db, "%s/central-%ld.db", o->dir, o->customers);
	snprintf(tmp, sizeof tmp, "%s.making", db);
	snprintf(run_db, size, "%s/central-%ld.run.db", o->dir, o->customers);
	snprintf(log, sizeof log, "%s/central-demo.log", o->dir);
	snprintf(what, sizeof what, "make the store (irm-central demo, %s)", thousands(o->customers, a, sizeof a));
	if (!o->reuse || stat(db, &sb) != 0) {
		snprintf(n, sizeof n, "%ld", o->customers);
		/* Made under another name: a run cut short leaves no store to reuse. */
		char *argv[] = { (char *)o->bin, (char *)"demo", (char *)"--customers", n, (char *)"--db", tmp,
				 (char *)"--force", NULL };
		double t0 = measure_now();
		remove_db(db);
		int rc = run_wait(argv, log, DEMO_NOW);
		if (rc != 0 || rename(tmp, db) != 0) {
			log_tail(log, why, sizeof why);
			measure_row(what, "failed", why);
			remove_db(tmp);
			return false;
		}
		snprintf(buf, sizeof buf, "%.1f s", measure_now() - t0);
		measure_row(what, buf, "(once; --reuse keeps it)");
	} else {
		measure_row(what, "reused", "(--reuse)");
	}
	stat(db, &sb);
	remove_db(run_db);
	double t0 = measure_now();
	if (!copy_file(db, run_db)) {
		measure_row("copy the store for this run", "failed", strerror(errno));
		return false;
	}
	snprintf(buf, sizeof buf, "%.1f s", measure_now() - t0);
	snprintf(what, sizeof what, "copy the store for this run (%.2f GB)", (double)sb.st_size / 1e9);
	measure_row(what, buf, "(the run writes to it)");
	return true;
}

int central_bench(const struct central_opts *o)
{
	struct server s = { 0 };
	struct buf b = { 0 }, page = { 0 };
	char run_db[4200], why[512] = "", end[64] = "", buf[64], what[96];
	char **ids = NULL;
	size_t n_ids = 0;
	long long feed_all = -1;
	int rc = 1;
	CURL *h = NULL;

	printf("\nirm-central — %ld customers, over loopback (figures measured now, on this machine)\n\n",
	       o->customers);
	printf("  %-44s %-22s %s\n", "what", "measured", "target / reference");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	if (!store_ready(o, run_db, sizeof run_db))
		goto out;
	n_ids = booked_legs(run_db, 2 * (size_t)INGEST_BATCHES * BATCH + FAN_ROUNDS, &ids, &feed_all);

	double t0 = measure_now();
	if (!server_start(o, run_db, &s, why, sizeof why)) {
		measure_row("start irm-central", "failed", why);
		goto out;
	}
	snprintf(buf, sizeof buf, "%.2f s", measure_now() - t0);
	snprintf(what, sizeof what, "start irm-central (%d threads, port %d)", THREADS, s.port);
	measure_row(what, buf, "");
	rc = 0;

	/* 1. The feed. */
	struct pass passes[FEED_PASSES];
	size_t n_passes = 0;
	if (!(h = easy_new(&b, s.agent)))
		goto out;
	for (int i = 0; i < FEED_PASSES; i++) {
		long save_at = i == 1 && n_passes ? (long)passes[0].pages / 2 : -1;
		feed_pass(&s, h, &b, end, sizeof end, save_at, &page, &passes[n_passes], why, sizeof why);
		if (!passes[n_passes].ok) {
			measure_row("changes feed, scope all", "failed", why);
			break;
		}
		n_passes++;
	}
	curl_easy_cleanup(h);
	h = NULL;
	if (!n_passes)
		goto out;
	feed_rows(passes, n_passes, feed_all);
	if (page.len) {
		/* The counting shortcut, checked once against a parser. */
		json_t *j = json_loadb(page.p, page.len, 0, NULL);
		size_t parsed = json_array_size(json_object_get(j, "changes"));
		json_decref(j);
		if (parsed != count_changes(page.p, page.len))
			printf("    note: the saved page holds %zu changes, %zu counted\n", parsed,
			       count_changes(page.p, page.len));
		char saved[4200];
		snprintf(saved, sizeof saved, "%s/central-page.json", o->dir);
		FILE *f = fopen(saved, "w");
		if (f) {
			fwrite(page.p, 1, page.len, f);
			fclose(f);
		}
	}

	/* 2. References. */
	if (page.len) {
		size_t pages = passes[0].pages, per = count_changes(page.p, page.len);
		char label[96];
		snprintf(label, sizeof label, "the same page (%.0f KB) %zu times:", (double)page.len / 1e3, pages);
		measure_row(label, "", "");
		nginx_ceiling(&page, pages, per);
		struct reader r;
		if (reader_start(&r, &page)) {
			char url[128];
			snprintf(url, sizeof url, "http://127.0.0.1:%d/page", r.port);
			static_rows("a bare loopback reader in this bench", url, pages, per, 0,
				    "reference: a fixed buffer, no HTTP parsing");
			reader_stop(&r);
		}
	}
	health_loop(&s);

	/* 3. Ingest, published at once and then later; 4. fan-out, on legs
	 * of their own. */
	size_t for_ingest = n_ids > FAN_ROUNDS ? n_ids - FAN_ROUNDS : 0;
	ingest(&s, ids, for_ingest / 2, end, sizeof end, false);
	ingest(&s, ids + for_ingest / 2, for_ingest - for_ingest / 2, end, sizeof end, true);
	char wal[4300];
	struct stat wsb;
	snprintf(wal, sizeof wal, "%s-wal", run_db);
	if (stat(wal, &wsb) == 0) {
		snprintf(buf, sizeof buf, "%.1f MB", (double)wsb.st_size / 1e6);
		measure_row("  write-ahead log after the ingest", buf, "bounded: 64 MB and a batch");
	}
	fan_out(&s, end, ids + for_ingest, n_ids - for_ingest);

out:
	if (h)
		curl_easy_cleanup(h);
	if (s.pid > 0) {
		double took = 0;
		int ws = stop_child(s.pid, SIGTERM, 15, &took);
		snprintf(buf, sizeof buf, ws >= 0 && WIFEXITED(ws) ? "exit %d in %.2f s" : "killed (%d) after %.2f s",
			 ws >= 0 && WIFEXITED(ws) ? WEXITSTATUS(ws) : ws, took);
		measure_row("stop irm-central (SIGTERM)", buf, "");
	}
	curl_slist_free_all(s.agent);
	curl_slist_free_all(s.ingest);
	for (size_t i = 0; i < n_ids; i++)
		free(ids[i]);
	free(ids);
	free(b.p);
	free(page.p);
	remove_db(run_db);
	curl_global_cleanup();
	return rc;
}
