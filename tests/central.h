/* central.h — the real irm-central from a test: a scratch directory with a
 * demo store and a tokens file, the server started on a free loopback port
 * (fork and exec, the port read from --port-file) and stopped again, and
 * HTTP to it with libcurl. No mocks. For tests/test_central.c.
 *
 * Every server started is remembered (central_pids below, the one piece of
 * state here) so that central_reap_all() in a teardown ends it even when
 * the test that started it failed half-way; a server also gets SIGKILL if
 * the test program itself dies (PR_SET_PDEATHSIG, on Linux).
 *
 * The http_* functions make no cmocka assertions: they may run on a
 * thread other than the test's (a long-poll). */
#ifndef IRM_CENTRAL_H
#define IRM_CENTRAL_H

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* The clock the server and the demo run at: the seed story is "today". */
#define CENTRAL_NOW "2026-11-22T09:00:00-07:00"

/* The tokens file of every scratch directory: one token per role, the kiosk
 * at DEN. TOKEN_BAD is in no file. */
#define TOKEN_AGENT "agent-7f3a9c1d5e2b8a40-tok"
#define TOKEN_SUPERVISOR "super-4b8e2f6a1c9d3e57-tok"
#define TOKEN_KIOSK "kiosk-den-9a1c7e3f5b2d8c46-tok"
#define TOKEN_INGEST "ingest-2d6f8b0a4c1e7f93-tok"
#define TOKEN_BAD "nobody-0000000000000000-tok"

/* How long a server may take to start and to stop (a sanitizer build is
 * slow). */
enum { CENTRAL_START_S = 20, CENTRAL_STOP_S = 5 };

static inline const char *central_bin(void)
{
	const char *b = getenv("CENTRAL_BIN");
	return b && *b ? b : "build/irm-central";
}

static inline double mono_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static inline void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

/* A whole file, NUL-terminated (malloc'd), or NULL. */
static inline char *file_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2048)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

/* --- servers that are running ---------------------------------------------------- */

enum { CENTRAL_MAX_LIVE = 16 };
static pid_t central_pids[CENTRAL_MAX_LIVE];

static inline void central_remember(pid_t pid)
{
	for (int i = 0; i < CENTRAL_MAX_LIVE; i++)
		if (!central_pids[i]) {
			central_pids[i] = pid;
			return;
		}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	fail_msg("more than %d servers at once", CENTRAL_MAX_LIVE);
}

static inline void central_forget(pid_t pid)
{
	for (int i = 0; i < CENTRAL_MAX_LIVE; i++)
		if (central_pids[i] == pid)
			central_pids[i] = 0;
}

/* Wait up to `secs` for pid to end; its exit status (128 + signal when a
 * signal ended it), or -1 if it is still running. */
static inline int central_wait(pid_t pid, double secs)
{
	double until = mono_s() + secs;
	for (;;) {
		int ws;
		pid_t got = waitpid(pid, &ws, WNOHANG);
		if (got == pid)
			return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
		if (got < 0)
			return -2;  /* not our child (any more) */
		if (mono_s() >= until)
			return -1;
		sleep_ms(10);
	}
}

/* SIGTERM, then SIGKILL when it has not ended after CENTRAL_STOP_S; its
 * exit status as central_wait() gives it. */
static inline int central_end(pid_t pid)
{
	if (pid <= 0)
		return -2;
	kill(pid, SIGTERM);
	int st = central_wait(pid, CENTRAL_STOP_S);
	if (st == -1) {
		kill(pid, SIGKILL);
		st = central_wait(pid, CENTRAL_STOP_S);
		if (st >= 0)
			st = 128 + SIGKILL;
	}
	central_forget(pid);
	return st;
}

/* Every server still running ends; for teardowns. Returns how many were. */
static inline int central_reap_all(void)
{
	int n = 0;
	for (int i = 0; i < CENTRAL_MAX_LIVE; i++)
		if (central_pids[i]) {
			central_end(central_pids[i]);
			central_pids[i] = 0;
			n++;
		}
	return n;
}

/* Start irm-central with args (NULL-terminated, without the program) and
 * its standard output and error into `log`; does not wait. */
static inline pid_t central_spawn(const char *const *args, const char *log)
{
	char *argv[64];
	int n = 0;
	argv[n++] = (char *)central_bin();
	for (; args[n - 1] && n < 63; n++)
		argv[n] = (char *)args[n - 1];
	argv[n] = NULL;
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(126);
#endif
		(void)parent;
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || null < 0)
			_exit(125);
		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Run irm-central with args to its end (at most `secs`); its exit status. */
static inline int central_run(const char *const *args, const char *log, double secs)
{
	pid_t pid = central_spawn(args, log);
	central_remember(pid);
	int st = central_wait(pid, secs);
	if (st == -1)
		st = central_end(pid);
	central_forget(pid);
	return st;
}

/* --- a scratch directory ------------------------------------------------------------ */

struct central_dir {
	char *dir;
	char db[4200];        /* dir/central.db */
	char tokens[4200];    /* dir/tokens, mode 0600 */
	int n_logs;           /* for naming logs and port files */
};

/* Write a file with this mode (whatever the umask). */
static inline void file_write_mode(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		fail_msg("%s: %s", path, strerror(errno));
	size_t len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) != 0)
		fail_msg("%s: %s", path, strerror(errno));
	close(fd);
}

/* A fresh directory with the tokens file and, when customers > 0, a demo
 * store of that many customers. */
static inline void central_dir_make(struct central_dir *d, int customers)
{
	memset(d, 0, sizeof *d);
	d->dir = tmpdir_make();
	if (!d->dir)
		fail_msg("cannot make a scratch directory");
	snprintf(d->db, sizeof d->db, "%s/central.db", d->dir);
	snprintf(d->tokens, sizeof d->tokens, "%s/tokens", d->dir);
	file_write_mode(d->tokens,
			"# one token per role\n"
			TOKEN_AGENT " agent\n"
			TOKEN_SUPERVISOR " supervisor\n"
			TOKEN_KIOSK " kiosk DEN\n"
			TOKEN_INGEST " ingest\n",
			0600);
	if (customers <= 0)
		return;
	char n[16], log[4300];
	snprintf(n, sizeof n, "%d", customers);
	snprintf(log, sizeof log, "%s/demo.log", d->dir);
	int st = central_run((const char *const[]){ "demo", "--customers", n, "--db", d->db, NULL },
			     log, 60);
	if (st != 0) {
		char *text = file_read(log);
		fail_msg("irm-central demo exited %d: %.500s", st, text ? text : "");
	}
}

static inline void central_dir_free(struct central_dir *d)
{
	if (d->dir)
		tmpdir_remove(d->dir);
	d->dir = NULL;
}

/* A new log file's name in the directory: dir/NAME-N.log. */
static inline void central_dir_path(struct central_dir *d, const char *name, const char *ext,
				    char *out, size_t size)
{
	snprintf(out, size, "%s/%s-%d.%s", d->dir, name, ++d->n_logs, ext);
}

/* --- one server ----------------------------------------------------------------------- */

struct central {
	pid_t pid;
	unsigned port;
	char base[64];        /* "http://127.0.0.1:PORT" */
	char log[4300];       /* its standard error */
	char port_file[4300];
};

/* The server's log so far (malloc'd, never NULL). */
static inline char *central_log(const struct central *c)
{
	char *t = file_read(c->log);
	return t ? t : strdup("");
}

/* Start the server on the directory's store and tokens, listening on a free
 * loopback port, with the extra arguments (NULL-terminated, or NULL); wait
 * until its port file is there. Fails the test if it does not come up. */
static inline void central_start_with(struct central *c, struct central_dir *d,
				      const char *tokens, const char *const *extra)
{
	const char *args[64];
	int n = 0;
	memset(c, 0, sizeof *c);
	central_dir_path(d, "server", "log", c->log, sizeof c->log);
	central_dir_path(d, "port", "txt", c->port_file, sizeof c->port_file);
	args[n++] = "serve";
	args[n++] = "--db";
	args[n++] = d->db;
	args[n++] = "--listen";
	args[n++] = "127.0.0.1:0";
	args[n++] = "--tokens";
	args[n++] = tokens ? tokens : d->tokens;
	args[n++] = "--port-file";
	args[n++] = c->port_file;
	args[n++] = "--drain";
	args[n++] = "3";
	for (; extra && *extra && n < 63; extra++)
		args[n++] = *extra;
	args[n] = NULL;
	c->pid = central_spawn(args, c->log);
	central_remember(c->pid);
	double until = mono_s() + CENTRAL_START_S;
	while (access(c->port_file, F_OK) != 0) {
		int st = central_wait(c->pid, 0);
		if (st != -1 || mono_s() > until) {
			if (st == -1)
				central_end(c->pid);
			central_forget(c->pid);
			char *log = central_log(c);
			fail_msg("irm-central did not start (status %d): %.800s", st, log);
		}
		sleep_ms(10);
	}
	char *text = file_read(c->port_file);
	c->port = text ? (unsigned)strtoul(text, NULL, 10) : 0;
	free(text);
	if (c->port == 0 || c->port > 65535)
		fail_msg("%s: no port in it", c->port_file);
	snprintf(c->base, sizeof c->base, "http://127.0.0.1:%u", c->port);
}

static inline void central_start(struct central *c, struct central_dir *d,
				 const char *const *extra)
{
	central_start_with(c, d, NULL, extra);
}

/* SIGTERM and wait (SIGKILL after CENTRAL_STOP_S); its exit status. */
static inline int central_stop(struct central *c)
{
	int st = central_end(c->pid);
	c->pid = 0;
	return st;
}

/* --- HTTP ------------------------------------------------------------------------------ */

struct http {
	CURLcode rc;          /* CURLE_OK unless the transfer failed */
	long status;          /* 0 when no answer came */
	char *body;           /* NUL-terminated (malloc'd) */
	size_t len;
	char *head;           /* the response's header lines */
	size_t hlen;
	double secs;          /* how long it took */
	char err[CURL_ERROR_SIZE];
};

struct http_req {
	const char *method;   /* "GET" (default), "POST", anything */
	const char *path;     /* "/v1/changes?scope=all" */
	const char *token;    /* sent as a bearer token, or NULL */
	const char *header;   /* one more header line, or NULL */
	const char *body;     /* POST body, or NULL */
	size_t len;
	bool chunked;         /* send the body chunked, without a length */
	long timeout_s;       /* 0: 30 s */
};

struct http_buf {
	char **p;
	size_t *len, cap;
};

static inline size_t http_take(char *data, size_t size, size_t n, void *cls)
{
	struct http_buf *b = cls;
	size_t add = size * n;
	if (*b->len + add + 1 > b->cap) {
		b->cap = (*b->len + add + 1) * 2;
		char *p = realloc(*b->p, b->cap);
		if (!p)
			return 0;
		*b->p = p;
	}
	memcpy(*b->p + *b->len, data, add);
	*b->len += add;
	(*b->p)[*b->len] = '\0';
	return add;
}

struct http_upload {
	const char *p;
	size_t left;
};

static inline size_t http_give(char *buf, size_t size, size_t n, void *cls)
{
	struct http_upload *u = cls;
	size_t k = size * n < u->left ? size * n : u->left;
	if (k > 1000)
		k = 1000;  /* several chunks */
	memcpy(buf, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

static inline struct http http_do(const struct central *c, const struct http_req *q)
{
	struct http h = { 0 };
	char url[4200], auth[600];
	struct curl_slist *hdr = NULL;
	struct http_buf body = { &h.body, &h.len, 0 }, head = { &h.head, &h.hlen, 0 };
	struct http_upload up = { q->body, q->len };
	const char *method = q->method ? q->method : "GET";

	h.body = calloc(1, 1);
	h.head = calloc(1, 1);
	snprintf(url, sizeof url, "%s%s", c->base, q->path);
	CURL *cu = curl_easy_init();
	if (!cu) {
		h.rc = CURLE_FAILED_INIT;
		return h;
	}
	curl_easy_setopt(cu, CURLOPT_URL, url);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(cu, CURLOPT_TIMEOUT, q->timeout_s > 0 ? q->timeout_s : 30L);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, http_take);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(cu, CURLOPT_HEADERFUNCTION, http_take);
	curl_easy_setopt(cu, CURLOPT_HEADERDATA, &head);
	curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, h.err);
	if (q->token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", q->token);
		hdr = curl_slist_append(hdr, auth);
	}
	if (q->header)
		hdr = curl_slist_append(hdr, q->header);
	hdr = curl_slist_append(hdr, "Expect:");
	if (strcmp(method, "POST") == 0) {
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
		curl_easy_setopt(cu, CURLOPT_POST, 1L);
		if (q->chunked) {
			hdr = curl_slist_append(hdr, "Transfer-Encoding: chunked");
			curl_easy_setopt(cu, CURLOPT_READFUNCTION, http_give);
			curl_easy_setopt(cu, CURLOPT_READDATA, &up);
		} else {
			curl_easy_setopt(cu, CURLOPT_POSTFIELDS, q->body ? q->body : "");
			curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE_LARGE,
					 (curl_off_t)(q->body ? q->len : 0));
		}
	} else if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, method);
	}
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hdr);
	double t0 = mono_s();
	h.rc = curl_easy_perform(cu);
	h.secs = mono_s() - t0;
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &h.status);
	curl_easy_cleanup(cu);
	curl_slist_free_all(hdr);
	return h;
}

static inline struct http http_get(const struct central *c, const char *path, const char *token)
{
	return http_do(c, &(struct http_req){ .path = path, .token = token });
}

static inline struct http http_post(const struct central *c, const char *path, const char *token,
				    const char *body)
{
	return http_do(c, &(struct http_req){ .method = "POST", .path = path, .token = token,
					      .body = body, .len = body ? strlen(body) : 0 });
}

/* The value of a response header (the last one of that name), trimmed,
 * into out; NULL when there is none. */
static inline const char *http_header(const struct http *h, const char *name, char *out,
				      size_t size)
{
	size_t n = strlen(name);
	const char *found = NULL;
	for (const char *p = h->head; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			size_t vlen = len - n - 1;
			while (vlen && (*v == ' ' || *v == '\t'))
				v++, vlen--;
			while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == ' '))
				vlen--;
			snprintf(out, size, "%.*s", (int)vlen, v);
			found = out;
		}
		p = eol ? eol + 1 : NULL;
	}
	return found;
}

static inline void http_free(struct http *h)
{
	free(h->body);
	free(h->head);
	memset(h, 0, sizeof *h);
}

/* The body as JSON; fails the test when it is not. */
static inline json_t *http_json(const struct http *h)
{
	json_error_t je;
	json_t *v = json_loadb(h->body, h->len, 0, &je);
	if (!v)
		fail_msg("HTTP %ld: not JSON (%s): %.300s", h->status, je.text, h->body);
	return v;
}

#endif
