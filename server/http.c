/* http.c — irm-central's HTTP side: libmicrohttpd's thread pool, one
 * request from its first byte to its log line, parked long-polls, the
 * ticker, and stopping cleanly on SIGTERM. */
#define _GNU_SOURCE             /* pthread_setname_np */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "date.h"
#include "mem.h"
#include "utf8.h"

/* --- small things -------------------------------------------------------------- */

int64_t server_mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int64_t mono_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

void reply_json(struct reply *out, int status, char *body, size_t len)
{
	free(out->body);
	out->status = status;
	out->body = body;
	out->len = len;
}

void reply_error(struct reply *out, int status, const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_t *j = json_object();
	json_object_set_new(j, "error", json_string(code));
	json_object_set_new(j, "message", utf8_json(msg));  /* it may quote bad input */
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	reply_json(out, status, text, strlen(text));
}

/* One log line per request: no tokens, no query strings (they can hold
 * what a caller searched for). */
static void log_request(struct request *r)
{
	char at[26];
	date_format_time((struct irm_time){ .utc = clock_now(), .off_min = 0 }, at);
	double ms = (double)(mono_us() - r->t0_us) / 1000.0;
	flockfile(stderr);
	fprintf(stderr, "%s ", at);
	for (const char *p = r->method; *p; p++)  /* as sent, made safe */
		fputc((unsigned char)*p >= 0x21 && (unsigned char)*p < 0x7f ? *p : '?', stderr);
	fputc(' ', stderr);
	for (const char *p = r->path; *p; p++)
		fputc((unsigned char)*p >= 0x21 && (unsigned char)*p < 0x7f ? *p : '?', stderr);
	fprintf(stderr, " %d %zu %.1fms %s\n", r->status, r->sent, ms,
		r->who ? role_name(r->who->role) : "-");
	funlockfile(stderr);
}

/* --- stores, one per thread ---------------------------------------------------- */

static _Thread_local struct store *thread_store;

struct store *server_store(struct server *s, struct irm_err *e)
{
	if (thread_store)
		return thread_store;
	struct store *st;
	if (store_open(s->o.db_path, 0, &s->o.store, &st, e) != IRM_OK)
		return NULL;
	pthread_mutex_lock(&s->lock);
	if (s->n_stores == s->cap_stores) {
		s->cap_stores = s->cap_stores ? s->cap_stores * 2 : 16;
		s->stores = xrealloc(s->stores, s->cap_stores * sizeof *s->stores);
	}
	s->stores[s->n_stores++] = st;
	pthread_mutex_unlock(&s->lock);
	return thread_store = st;
}

/* --- parked long-polls ---------------------------------------------------------- */

struct waiter {
	struct request *r;
	struct waiter *next;
};

static void free_keys(struct request *r)
{
	for (size_t i = 0; i < r->n_keys; i++)
		free(r->keys[i]);
	free(r->keys);
	r->keys = NULL;
	r->n_keys = 0;
}

/* Take waiters off the list and resume them, under the lock: those whose
 * keys match (keys NULL: every one), or whose wait ran out. */
static void wake_locked(struct server *s, const struct store_keys *keys, int64_t now_ms)
{
	struct waiter **pp = &s->waiters;
	while (*pp) {
		struct waiter *w = *pp;
		struct request *r = w->r;
		bool go = keys ? store_keys_match(keys, (const char *const *)r->keys, r->n_keys)
			       : now_ms < 0 || r->deadline_ms <= now_ms;
		if (!go) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		s->n_waiting--;
		r->parked = false;
		MHD_resume_connection(r->con);
		free(w);
	}
}

void server_wake(struct server *s, const struct store_keys *keys)
{
	pthread_mutex_lock(&s->lock);
	s->generation++;
	wake_locked(s, keys, 0);
	pthread_mutex_unlock(&s->lock);
}

void server_note_seq(struct server *s, int64_t seq)
{
	long long was = atomic_load(&s->known_seq);
	while (seq > was && !atomic_compare_exchange_weak(&s->known_seq, &was, seq))
		;
}

uint64_t server_generation(struct server *s)
{
	pthread_mutex_lock(&s->lock);
	uint64_t g = s->generation;
	pthread_mutex_unlock(&s->lock);
	return g;
}

/* Park r unless a publish came since its look (then false: look again). */
static bool park(struct server *s, struct request *r)
{
	bool parked = false;
	pthread_mutex_lock(&s->lock);
	if (s->generation == r->generation && !atomic_load(&s->stopping)) {
		struct waiter *w = xcalloc(1, sizeof *w);
		w->r = r;
		w->next = s->waiters;
		s->waiters = w;
		s->n_waiting++;
		r->parked = true;
		MHD_suspend_connection(r->con);
		parked = true;
	}
	pthread_mutex_unlock(&s->lock);
	return parked;
}

/* --- answering ----------------------------------------------------------------- */

/* What a fault leaves of an answer: the first half, then an error, a stall
 * or nothing more. */
struct cut {
	struct server *srv;
	char *body;
	size_t len, half;
	enum fault_kind kind;
	int stall_s;
};

static ssize_t cut_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct cut *c = cls;
	if (pos >= c->half && c->kind == FAULT_DROP)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (pos >= c->half && c->kind == FAULT_STALL && c->stall_s > 0) {
		for (int i = 0; i < c->stall_s * 10 && !atomic_load(&c->srv->stopping); i++)
			usleep(100000);
		c->stall_s = 0;
	}
	/* a stall sends the first half, waits, then the rest */
	size_t end = c->kind == FAULT_STALL && (pos >= c->half || c->stall_s == 0) ? c->len : c->half;
	if (pos >= end)
		return MHD_CONTENT_READER_END_OF_STREAM;
	size_t n = end - (size_t)pos < max ? end - (size_t)pos : max;
	memcpy(buf, c->body + pos, n);
	return (ssize_t)n;
}

static void cut_free(void *cls)
{
	struct cut *c = cls;
	free(c->body);
	free(c);
}

static enum MHD_Result send_reply(struct request *r, struct reply *rep, struct fault f)
{
	struct MHD_Response *resp;
	char *body = rep->body;
	size_t len = rep->len;

	rep->body = NULL;
	if (!body) {
		body = xstrdup("{}");
		len = 2;
	}
	if (f.kind == FAULT_TRUNCATE) {
		len /= 2;
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	} else if (f.kind == FAULT_DROP || f.kind == FAULT_STALL) {
		struct cut *c = xcalloc(1, sizeof *c);
		*c = (struct cut){ r->srv, body, len, len / 2, f.kind, f.arg };
		resp = MHD_create_response_from_callback(len, 4096, cut_read, c, cut_free);
	} else {
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	}
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", "application/json");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (rep->retry_after > 0) {
		char ra[16];
		snprintf(ra, sizeof ra, "%d", rep->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	if (rep->status == 405 && r->route)
		MHD_add_response_header(resp, "Allow", r->route->method);
	if (rep->status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer");
	r->status = rep->status;
	r->sent = len;
	enum MHD_Result ok = MHD_queue_response(r->con, (unsigned)rep->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static enum MHD_Result answer_error(struct request *r, int status, const char *code,
				    const char *msg)
{
	struct reply rep = { 0 };
	reply_error(&rep, status, code, "%s", msg);
	return send_reply(r, &rep, (struct fault){ FAULT_NONE, 0 });
}

/* --- one request ------------------------------------------------------------------ */

static const struct route *route_find(const char *url, bool *path_known)
{
	*path_known = false;
	for (size_t i = 0; i < api_n_routes; i++) {
		const struct route *rt = &api_routes[i];
		size_t n = strlen(rt->path);
		bool match = rt->path[n - 1] == '/' ? strncmp(url, rt->path, n) == 0 && url[n]
						     : strcmp(url, rt->path) == 0;
		if (match) {
			*path_known = true;
			return rt;
		}
	}
	return NULL;
}

/* The principal behind "Authorization: Bearer TOKEN", or NULL. */
static const struct principal *authorize(struct server *s, struct MHD_Connection *con)
{
	const char *h = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	size_t n = strlen(h);
	while (n && h[n - 1] == ' ')
		n--;
	return tokens_check(&s->tokens, h, n);
}

/* The first call for a request: everything that can be refused before the
 * body is read. Returns true when an answer was queued. */
static bool refuse_early(struct server *s, struct request *r, const char *method,
			 enum MHD_Result *ret)
{
	bool known;
	r->route = route_find(r->url, &known);
	const char *err = NULL, *code = NULL;
	int status = 0;

	if (!r->route) {
		status = 404, code = "not_found", err = "no such endpoint";
	} else if (strcmp(method, r->route->method) != 0 &&
		   !(strcmp(method, "HEAD") == 0 && strcmp(r->route->method, "GET") == 0)) {
		status = 405, code = "method_not_allowed", err = "method not allowed here";
	} else if (r->route->roles) {
		r->who = authorize(s, r->con);
		if (!r->who)
			status = 401, code = "unauthorized", err = "a valid bearer token is needed";
		else if (!(r->route->roles & (1u << r->who->role)))
			status = 403, code = "forbidden", err = "this token's role may not do that";
	}
	if (!status) {
		const char *cl = MHD_lookup_connection_value(r->con, MHD_HEADER_KIND,
							     "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > s->o.max_body)
			status = 413, code = "too_large", err = "the body is larger than the server takes";
	}
	if (!status)
		return false;
	char msg[200];
	if (status == 413)
		snprintf(msg, sizeof msg, "%s (%zu bytes at most)", err, s->o.max_body);
	else
		snprintf(msg, sizeof msg, "%s", err);
	*ret = answer_error(r, status, code, msg);
	return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct request *r = *con_cls;
	enum MHD_Result ret;
	(void)version;

	if (!r) {
		r = xcalloc(1, sizeof *r);
		*con_cls = r;
		r->srv = s;
		r->con = con;
		r->url = url;
		r->t0_us = mono_us();
		snprintf(r->method, sizeof r->method, "%s", method);
		snprintf(r->path, sizeof r->path, "%s", url);
		atomic_fetch_add(&s->in_flight, 1);
		if (atomic_load(&s->stopping))
			return answer_error(r, 503, "stopping", "the server is stopping");
		if (refuse_early(s, r, method, &ret))
			return ret;
		return MHD_YES;
	}
	if (*upload_size) {  /* a piece of the body */
		if (!r->too_big && r->len + *upload_size > s->o.max_body) {
			r->too_big = true;
			free(r->body);
			r->body = NULL;
			r->len = 0;
		}
		if (!r->too_big) {
			if (r->len + *upload_size + 1 > r->cap) {
				r->cap = (r->len + *upload_size + 1) * 2;
				r->body = xrealloc(r->body, r->cap);
			}
			memcpy(r->body + r->len, upload, *upload_size);
			r->len += *upload_size;
			r->body[r->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->too_big) {
		char msg[120];
		snprintf(msg, sizeof msg, "the body is larger than the server takes (%zu bytes at most)",
			 s->o.max_body);
		return answer_error(r, 413, "too_large", msg);
	}

	if (!r->started) {
		r->started = true;
		/* kept with the request: a long-poll answers after it parks */
		struct fault f = r->fault = faults_take(s->faults, r->route->name);
		if (fault_before(f.kind)) {
			struct reply rep = { 0 };
			if (f.kind == FAULT_429) {
				reply_error(&rep, 429, "too_many_requests", "injected fault: slow down");
				rep.retry_after = f.arg > 0 ? f.arg : 1;
			} else {
				reply_error(&rep, 500, "internal", "injected fault");
			}
			return send_reply(r, &rep, (struct fault){ FAULT_NONE, 0 });
		}
	}
	for (int tries = 0;; tries++) {
		struct reply rep = { 0 };
		r->generation = server_generation(s);
		r->route->fn(r, &rep);
		if (rep.suspend && tries >= 100) {
			/* publishes keep coming faster than it can park: answer now */
			free(rep.body);
			r->deadline_ms = 1;
			continue;
		}
		if (!rep.suspend)
			return send_reply(r, &rep, fault_before(r->fault.kind)
					  ? (struct fault){ FAULT_NONE, 0 } : r->fault);
		free(rep.body);
		if (park(s, r))
			return MHD_YES;
	}
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct request *r = *con_cls;
	(void)con;
	if (!r)
		return;
	if (r->parked) {  /* closed while parked: off the list first */
		pthread_mutex_lock(&s->lock);
		for (struct waiter **pp = &s->waiters; *pp; pp = &(*pp)->next)
			if ((*pp)->r == r) {
				struct waiter *w = *pp;
				*pp = w->next;
				free(w);
				s->n_waiting--;
				break;
			}
		pthread_mutex_unlock(&s->lock);
	}
	if (!r->status)
		r->status = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? 200 : 499;
	log_request(r);
	free_keys(r);
	free(r->body);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

/* --- the ticker: deadlines, writes by other processes, the station sweep ----- */

static pthread_t ticker;

static void *tick(void *cls)
{
	struct server *s = cls;
	struct irm_err e = { 0 };
	struct store *st = NULL;
	int64_t last_sweep = 0;
	unsigned long ticks = 0;

	while (!atomic_load(&s->stopping)) {
		usleep(50000);
		int64_t now = server_mono_ms();
		pthread_mutex_lock(&s->lock);
		wake_locked(s, NULL, now);
		pthread_mutex_unlock(&s->lock);

		/* Waits run out even when the store cannot be opened; it is
		 * tried again every few seconds, and said each time. */
		if (!st && ticks++ % 60 == 0 && store_open(s->o.db_path, 0, &s->o.store, &st, &e) != IRM_OK)
			fprintf(stderr, "irm-central: ticker: %s\n", e.msg);
		if (!st)
			continue;

		/* Another process (irm-central load) wrote: its keys are not
		 * known here, so every long-poll looks again. */
		int64_t last;
		if (store_last_seq(st, &last, &e) == IRM_OK && last > atomic_load(&s->known_seq)) {
			struct store_keys all = { .all = true };
			server_note_seq(s, last);
			server_wake(s, &all);
		}
		/* The write-ahead log, into the database twice a second, and
		 * whenever writes made it long (here rather than on the thread
		 * that committed); the feed's replaced entries deleted every
		 * two seconds. */
		enum irm_status copied = IRM_OK;
		if (++ticks % 10 == 0)
			copied = store_checkpoint(st, &e);  /* and begins it again when long */
		else if (store_log_long())
			copied = store_copy_log(st, &e);
		if (copied != IRM_OK)
			fprintf(stderr, "irm-central: %s\n", e.msg);
		if (ticks % 40 == 0 && store_compact(st, &e) != IRM_OK)
			fprintf(stderr, "irm-central: %s\n", e.msg);
		/* Entries left waiting with nothing arriving after them (after
		 * an error): the publisher looks again every second. */
		int64_t backlog;
		if (ticks % 20 == 0 && store_backlog(st, &backlog, &e) == IRM_OK && backlog > 0)
			server_publish_soon(s);
		if (now - last_sweep >= 60000) {
			struct store_keys woken = { 0 };
			if (store_sweep(st, clock_now(), &woken, &e) != IRM_OK)
				fprintf(stderr, "irm-central: sweep: %s\n", e.msg);
			else if (woken.n || woken.all)
				server_wake(s, &woken);
			store_keys_free(&woken);
			last_sweep = now;
		}
	}
	store_close(&st);
	return NULL;
}

/* --- the publisher: what ingests left, published outside their requests -------- */

static pthread_t publisher;

void server_publish_soon(struct server *s)
{
	pthread_mutex_lock(&s->lock);
	s->publish_wanted = true;
	pthread_cond_signal(&s->publish_cond);
	pthread_mutex_unlock(&s->lock);
}

/* Rounds until nothing is left: each reads a snapshot outside the write
 * lock (documents built, customers evaluated), then writes under it what
 * nothing touched since, and clears the entries it read. What a round
 * sets aside the next one does. */
static void publish_rounds(struct server *s, struct store *st)
{
	struct irm_err e = { 0 };
	struct store_round *prev = NULL;
	while (!atomic_load(&s->stopping)) {
		struct store_round *r = NULL;
		struct store_keys woken = { 0 };
		int64_t end = 0;
		enum irm_status x = store_round_read(st, clock_now(), prev, &r, &e);
		store_round_free(&prev);
		if (x != IRM_OK) {
			fprintf(stderr, "irm-central: publishing: %s\n", e.msg);
			return;
		}
		if (!store_round_size(r)) {
			store_round_free(&r);
			return;
		}
		x = cache_begin(store_cache(st), &e);
		if (x == IRM_OK) {
			if ((x = store_round_write(st, r, clock_now(), &woken, &e)) == IRM_OK &&
			    (x = store_last_seq(st, &end, &e)) == IRM_OK)
				x = cache_commit(store_cache(st), &e);
			if (x != IRM_OK)
				cache_rollback(store_cache(st));
		}
		prev = r;
		if (x != IRM_OK) {
			fprintf(stderr, "irm-central: publishing: %s\n", e.msg);
			store_keys_free(&woken);
			break;
		}
		server_note_seq(s, end);
		server_wake(s, &woken);
		store_keys_free(&woken);
	}
	store_round_free(&prev);
}

static void *publish_loop(void *cls)
{
	struct server *s = cls;
	struct irm_err e = { 0 };
	struct store *st = NULL;

	pthread_mutex_lock(&s->lock);
	while (!atomic_load(&s->stopping)) {
		if (!s->publish_wanted) {
			pthread_cond_wait(&s->publish_cond, &s->lock);
			continue;
		}
		s->publish_wanted = false;
		pthread_mutex_unlock(&s->lock);
		if (!st && store_open(s->o.db_path, 0, &s->o.store, &st, &e) != IRM_OK)
			fprintf(stderr, "irm-central: publisher: %s\n", e.msg);
		if (st)
			publish_rounds(s, st);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	store_close(&st);
	return NULL;
}

/* --- starting and stopping -------------------------------------------------------- */

/* Once stopping, a new connection is closed as soon as it is accepted.
 * (MHD_quiesce_daemon would stop listening instead, but with a pool of
 * epoll threads it races the thread that takes the listening socket out
 * of its own set, and aborts the process when that thread is first.) */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct server *s = cls;
	(void)addr;
	(void)len;
	return atomic_load(&s->stopping) ? MHD_NO : MHD_YES;
}

/* "127.0.0.1:8080", "[::1]:8080", "localhost:8080". */
static enum irm_status parse_listen(const char *text, struct sockaddr_storage *ss,
				    socklen_t *len, struct irm_err *e)
{
	char host[128];
	const char *colon = strrchr(text, ':');
	if (!colon || colon == text || strlen(colon + 1) == 0)
		return err_set(e, IRM_EUSAGE, "--listen: ADDRESS:PORT, not '%s'", text);
	size_t n = (size_t)(colon - text);
	if (n >= sizeof host)
		return err_set(e, IRM_EUSAGE, "--listen: address too long");
	memcpy(host, text, n);
	host[n] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return err_set(e, IRM_EUSAGE, "--listen: port 0 to 65535, not '%s'", colon + 1);
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof host, "127.0.0.1");
	memset(ss, 0, sizeof *ss);
	if (host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = '\0';
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return err_set(e, IRM_EUSAGE, "--listen: '%s' is not an IPv6 address", host + 1);
		*len = sizeof *a6;
		return IRM_OK;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
		return err_set(e, IRM_EUSAGE, "--listen: '%s' is not an IPv4 address", host);
	*len = sizeof *a4;
	return IRM_OK;
}

/* Many parked long-polls want many descriptors. */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static enum irm_status write_port_file(const char *path, unsigned port, struct irm_err *e)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(e, IRM_EUSAGE, "%s: %s", tmp, strerror(errno));
	char buf[16];
	int n = snprintf(buf, sizeof buf, "%u\n", port);
	bool ok = write(fd, buf, (size_t)n) == n;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0)
		return err_set(e, IRM_EUSAGE, "%s: %s", path, strerror(errno));
	return IRM_OK;
}

static struct server the_server;

/* libmicrohttpd's own messages; the format is the library's. */
__attribute__((format(printf, 2, 0)))
static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	flockfile(stderr);
	fputs("irm-central: httpd: ", stderr);
	vfprintf(stderr, fmt, ap);
	funlockfile(stderr);
}

int server_run(const struct server_opts *o)
{
	struct server *s = &the_server;
	struct irm_err e = { 0 };
	struct sockaddr_storage ss;
	socklen_t sslen;
	sigset_t sigs;
	int rc = 1;

	memset(s, 0, sizeof *s);
	s->o = *o;
	s->o.store.manual_checkpoint = true;  /* the ticker checkpoints */
	s->o.store.rules = &s->rules;          /* customers left to evaluate */
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->publish_cond, NULL);
	rules_default(&s->rules);
	if (parse_listen(o->listen, &ss, &sslen, &e) != IRM_OK ||
	    tokens_load(o->tokens_path, &s->tokens, &e) != IRM_OK ||
	    (o->faults && faults_parse(o->faults, &s->faults, &e) != IRM_OK)) {
		fprintf(stderr, "irm-central: %s\n", e.msg);
		tokens_free(&s->tokens);
		return 2;
	}
	/* The store is made (or migrated) once here, before any thread reads it;
	 * rows an earlier run left touched are published now. */
	struct store *st;
	struct store_keys none = { 0 };
	if (store_open(o->db_path, CACHE_CREATE, &s->o.store, &st, &e) != IRM_OK ||
	    cache_begin(store_cache(st), &e) != IRM_OK) {
		fprintf(stderr, "irm-central: %s\n", e.msg);
		store_close(&st);
		tokens_free(&s->tokens);
		faults_free(&s->faults);
		return 5;
	}
	if (store_keep_opts(st, &e) != IRM_OK || store_publish(st, clock_now(), &none, &e) != IRM_OK ||
	    cache_commit(store_cache(st), &e) != IRM_OK) {
		cache_rollback(store_cache(st));
		store_keys_free(&none);
		fprintf(stderr, "irm-central: %s\n", e.msg);
		store_close(&st);
		tokens_free(&s->tokens);
		faults_free(&s->faults);
		return 5;
	}
	store_keys_free(&none);
	char epoch[40];
	snprintf(epoch, sizeof epoch, "%s", store_epoch(st));
	int64_t end = 0;
	if (store_last_seq(st, &end, &e) == IRM_OK)
		server_note_seq(s, end);
	store_close(&st);

	/* Signals are taken by this thread alone, with sigwait. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->daemon = MHD_start_daemon(
		flags, 0, on_accept, s, on_request, s,
		MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads > 0 ? o->threads : 4),
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)16000,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)4096,
		MHD_OPTION_END);
	if (!s->daemon) {
		fprintf(stderr, "irm-central: cannot listen on %s: %s\n", o->listen, strerror(errno));
		goto out;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = info ? info->port : 0;
	fprintf(stderr, "irm-central: listening on %.*s:%u, store %s, epoch %s, %zu tokens\n",
		(int)(strrchr(o->listen, ':') - o->listen), o->listen, port, o->db_path, epoch,
		s->tokens.n);
	if (s->faults)
		fprintf(stderr, "irm-central: FAULT INJECTION IS ON (%s): for testing clients only\n",
			o->faults);
	pthread_create(&ticker, NULL, tick, s);
	pthread_create(&publisher, NULL, publish_loop, s);
	pthread_setname_np(ticker, "irm-ticker");  /* as top -H names them */
	pthread_setname_np(publisher, "irm-publisher");
	server_publish_soon(s);  /* what an earlier run left */
	if (o->port_file && write_port_file(o->port_file, port, &e) != IRM_OK)
		fprintf(stderr, "irm-central: %s\n", e.msg);

	int sig = 0;
	while (sigwait(&sigs, &sig) == 0 && sig == SIGHUP)
		fprintf(stderr, "irm-central: SIGHUP: the tokens file is read at start; restart to "
			"load it again\n");

	/* Stop: serve no new connections, answer every parked long-poll now,
	 * let the requests in flight finish, then close. */
	fprintf(stderr, "irm-central: %s: draining %ld requests\n", strsignal(sig),
		atomic_load(&s->in_flight));
	atomic_store(&s->stopping, true);  /* on_accept closes new connections from now */
	struct store_keys all = { .all = true };
	server_wake(s, &all);
	int64_t until = server_mono_ms() + (int64_t)o->drain_seconds * 1000;
	while (atomic_load(&s->in_flight) > 0 && server_mono_ms() < until)
		usleep(10000);
	long left = atomic_load(&s->in_flight);
	MHD_stop_daemon(s->daemon);
	pthread_join(ticker, NULL);
	/* what is left to publish is published when the server starts again */
	pthread_mutex_lock(&s->lock);
	pthread_cond_signal(&s->publish_cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(publisher, NULL);
	fprintf(stderr, "irm-central: stopped%s\n", left ? " (some requests cut short)" : "");
	rc = left ? 1 : 0;
out:
	for (size_t i = 0; i < s->n_stores; i++)
		store_close(&s->stores[i]);
	free(s->stores);
	tokens_free(&s->tokens);
	faults_free(&s->faults);
	pthread_cond_destroy(&s->publish_cond);
	pthread_mutex_destroy(&s->lock);
	return rc;
}
