/* test_central.c — irm-central over HTTP: the real server binary
 * ($CENTRAL_BIN) on a loopback port, a demo store of 300 customers, the
 * clock pinned, libcurl as the client. Three groups, each in its own
 * scratch directory: reads (one server, the store left as the demo made
 * it), writes (one server that tests change in order), and the server's
 * life (each test starts and stops its own servers). */
#include "testutil.h"
#include "central.h"

#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>

/* The demo's seed story. */
#define ALERT_MILES "A-C1-lifetime_miles-1000000"
#define ALERT_BIRTHDAY "A-C1-birthday-2026"
#define S1_FLOWN "{\"events\":[{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"S1\"," \
	"\"status\":\"flown\",\"at\":\"2026-11-22T10:41:00-08:00\"}}]}"

struct group {
	struct central_dir d;
	struct central c;
};

/* --- small helpers ----------------------------------------------------------------- */

static struct http get(const struct central *c, const char *token, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static struct http get(const struct central *c, const char *token, const char *fmt, ...)
{
	char path[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	return http_get(c, path, token);
}

#define expect_status(h, want) expect_status_at(&(h), (want), __FILE__, __LINE__)
static void expect_status_at(const struct http *h, long want, const char *file, int line)
{
	if (h->rc != CURLE_OK)
		fail_msg("%s:%d: transfer failed: %s (%s)", file, line, curl_easy_strerror(h->rc),
			 h->err);
	if (h->status != want)
		fail_msg("%s:%d: HTTP %ld, expected %ld: %.400s", file, line, h->status, want,
			 h->body);
}

#define expect_no_store(h) expect_no_store_at(&(h), __FILE__, __LINE__)
static void expect_no_store_at(const struct http *h, const char *file, int line)
{
	char v[200];
	if (!http_header(h, "Cache-Control", v, sizeof v) || strcmp(v, "no-store") != 0)
		fail_msg("%s:%d: Cache-Control is not no-store: %.300s", file, line, h->head);
}

/* An error answer: the status, {"error": code, "message": non-empty},
 * Cache-Control no-store. Frees h; returns the message (static copy). */
#define expect_error(h, status, code) expect_error_at((h), (status), (code), __FILE__, __LINE__)
static const char *expect_error_at(struct http h, long status, const char *code, const char *file,
				   int line)
{
	static char msg[1024];
	expect_status_at(&h, status, file, line);
	expect_no_store_at(&h, file, line);
	json_t *j = http_json(&h);
	const char *err = json_string_value(json_object_get(j, "error"));
	const char *m = json_string_value(json_object_get(j, "message"));
	if (!err || strcmp(err, code) != 0)
		fail_msg("%s:%d: error '%s', expected '%s': %.300s", file, line, err ? err : "(none)",
			 code, h.body);
	if (!m || !*m)
		fail_msg("%s:%d: no message: %.300s", file, line, h.body);
	snprintf(msg, sizeof msg, "%s", m);
	json_decref(j);
	http_free(&h);
	return msg;
}

static long long cursor_seq(const char *cursor)
{
	const char *dash = strrchr(cursor, '-');
	assert_non_null(dash);
	return strtoll(dash + 1, NULL, 10);
}

static const char *str_at(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* An integer member, or 0. */
static json_int_t int_at(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Every change of a scope after `from` ("" for the start), page by page
 * (limit per page), checking each page; the array of changes (a new
 * reference), the cursor at the end in cursor_out (80 bytes), the number of
 * pages in *pages (may be NULL). */
static json_t *fetch_all(const struct central *c, const char *token, const char *scope,
			 const char *from, int limit, char *cursor_out, int *pages)
{
	json_t *all = json_array();
	char cursor[80];
	snprintf(cursor, sizeof cursor, "%s", from);
	long long last = *from ? cursor_seq(from) : 0;
	for (int page = 1;; page++) {
		if (page > 200)
			fail_msg("%s: more than 200 pages", scope);
		struct http h = get(c, token, "/v1/changes?scope=%s&cursor=%s&limit=%d", scope, cursor,
				    limit);
		expect_status(h, 200);
		expect_no_store(h);
		json_t *j = http_json(&h);
		const char *epoch = str_at(j, "epoch"), *next = str_at(j, "cursor");
		json_t *changes = json_object_get(j, "changes"), *more = json_object_get(j, "more");
		assert_non_null(epoch);
		assert_non_null(next);
		assert_true(json_is_array(changes));
		assert_true(json_is_boolean(more));
		/* the cursor is EPOCH-SEQ and moves forward past every change given */
		assert_int_equal(strncmp(next, epoch, strlen(epoch)), 0);
		assert_int_equal(next[strlen(epoch)], '-');
		long long seq_next = cursor_seq(next);
		assert_true(seq_next >= last);
		size_t i;
		json_t *ch;
		json_array_foreach(changes, i, ch) {
			long long seq = int_at(ch, "seq");
			if (seq <= last || seq > seq_next)
				fail_msg("%s page %d: change seq %lld outside (%lld, %lld]", scope, page,
					 seq, last, seq_next);
			last = seq;
			assert_non_null(str_at(ch, "kind"));
			assert_non_null(str_at(ch, "op"));
			assert_non_null(str_at(ch, "id"));
			assert_true(int_at(ch, "version") >= 1);
			assert_non_null(json_object_get(ch, "data"));
		}
		if (json_array_size(changes) > 0)
			assert_true(seq_next > cursor_seq(*cursor ? cursor : "x-0"));
		if (json_is_true(more))
			assert_true(json_array_size(changes) > 0);
		last = seq_next;
		json_array_extend(all, changes);
		snprintf(cursor, sizeof cursor, "%s", next);
		bool done = !json_is_true(more);
		json_decref(j);
		http_free(&h);
		if (done) {
			if (pages)
				*pages = page;
			break;
		}
	}
	snprintf(cursor_out, 80, "%s", cursor);
	return all;
}

/* Only the cursor at the end of a scope. */
static void feed_end(const struct central *c, const char *token, const char *scope,
		     char *cursor_out)
{
	json_decref(fetch_all(c, token, scope, "", 10000, cursor_out, NULL));
}

/* What came after `from` in the scope (a new reference). */
static json_t *feed_since(const struct central *c, const char *token, const char *scope,
			  const char *from)
{
	char end[80];
	return fetch_all(c, token, scope, from, 10000, end, NULL);
}

/* The last change of this kind and id, or NULL. */
static json_t *find_change(json_t *changes, const char *kind, const char *id)
{
	json_t *found = NULL, *ch;
	size_t i;
	json_array_foreach(changes, i, ch)
		if (strcmp(str_at(ch, "kind"), kind) == 0 && strcmp(str_at(ch, "id"), id) == 0)
			found = ch;
	return found;
}

/* GET /v1/customers/ID as the agent (a new reference). */
static json_t *customer_get(const struct central *c, const char *id)
{
	struct http h = get(c, TOKEN_AGENT, "/v1/customers/%s", id);
	expect_status(h, 200);
	json_t *j = http_json(&h);
	http_free(&h);
	return j;
}

static json_t *alert_in(json_t *customer, const char *alert_id)
{
	json_t *a;
	size_t i;
	json_array_foreach(json_object_get(customer, "alerts"), i, a)
		if (strcmp(str_at(a, "id"), alert_id) == 0)
			return a;
	return NULL;
}

static size_t history_len(const struct central *c, const char *customer, const char *alert_id)
{
	json_t *j = customer_get(c, customer);
	json_t *a = alert_in(j, alert_id);
	if (!a)
		fail_msg("customer %s has no alert %s", customer, alert_id);
	size_t n = json_array_size(json_object_get(a, "history"));
	json_decref(j);
	return n;
}

static bool has_note(const struct central *c, const char *customer, const char *note_id)
{
	json_t *j = customer_get(c, customer);
	json_t *n;
	size_t i;
	bool found = false;
	json_array_foreach(json_object_get(j, "notes"), i, n)
		found = found || strcmp(str_at(n, "id"), note_id) == 0;
	json_decref(j);
	return found;
}

/* POST /v1/actions; the answer's "results" (a new reference) after a 200. */
static json_t *act(const struct central *c, const char *token, const char *body)
{
	struct http h = http_post(c, "/v1/actions", token, body);
	expect_status(h, 200);
	json_t *j = http_json(&h);
	json_t *res = json_incref(json_object_get(j, "results"));
	assert_true(json_is_array(res));
	json_decref(j);
	http_free(&h);
	return res;
}

static void expect_result(json_t *results, size_t i, long long seq, const char *status,
			  const char *reason)
{
	json_t *r = json_array_get(results, i);
	char *text = json_dumps(results, JSON_COMPACT);
	if (!r || int_at(r, "seq") != seq ||
	    strcmp(str_at(r, "status") ? str_at(r, "status") : "", status) != 0 ||
	    (reason && strcmp(str_at(r, "reason") ? str_at(r, "reason") : "", reason) != 0))
		fail_msg("results[%zu]: expected seq %lld %s %s: %.600s", i, seq, status,
			 reason ? reason : "", text);
	free(text);
}

/* --- fixtures ------------------------------------------------------------------------ */

static int group_setup(void **state)
{
	struct group *g = calloc(1, sizeof *g);
	central_dir_make(&g->d, 300);
	central_start(&g->c, &g->d, NULL);
	*state = g;
	return 0;
}

/* The group's server must stop cleanly: exit status 0. */
static int group_teardown(void **state)
{
	struct group *g = *state;
	int st = g->c.pid ? central_stop(&g->c) : 0;
	central_reap_all();
	if (st != 0) {
		char *log = central_log(&g->c);
		fprintf(stderr, "the group's server exited %d: %.800s\n", st, log);
		free(log);
	}
	central_dir_free(&g->d);
	free(g);
	return st == 0 ? 0 : -1;
}

/* The life group: a scratch directory per test, no server. */
static int dir_setup(void **state)
{
	struct central_dir *d = calloc(1, sizeof *d);
	central_dir_make(d, 0);
	*state = d;
	return 0;
}

static int dir_teardown(void **state)
{
	struct central_dir *d = *state;
	central_reap_all();
	central_dir_free(d);
	free(d);
	return 0;
}

/* A demo store in the test's directory. */
static void dir_demo(struct central_dir *d)
{
	char log[4300];
	central_dir_path(d, "demo", "log", log, sizeof log);
	int st = central_run((const char *const[]){ "demo", "--customers", "300", "--db", d->db, NULL },
			     log, 60);
	assert_int_equal(st, 0);
}

/* --- reads ------------------------------------------------------------------------------- */

static void test_health(void **state)
{
	struct group *g = *state;
	struct http h = http_get(&g->c, "/v1/health", NULL);
	expect_status(h, 200);
	expect_no_store(h);
	char ct[100];
	assert_non_null(http_header(&h, "Content-Type", ct, sizeof ct));
	assert_non_null(strstr(ct, "application/json"));
	json_t *j = http_json(&h);
	assert_string_equal(str_at(j, "status"), "ok");
	const char *epoch = str_at(j, "epoch");
	assert_non_null(epoch);
	assert_int_equal(strlen(epoch), 16);
	assert_int_equal(strspn(epoch, "0123456789abcdef"), 16);
	assert_non_null(str_at(j, "version"));
	assert_true(strlen(str_at(j, "version")) > 0);
	json_decref(j);
	http_free(&h);

	/* a token, even a bad one, changes nothing for health */
	h = http_get(&g->c, "/v1/health", TOKEN_BAD);
	expect_status(h, 200);
	http_free(&h);
}

/* The server's own threads by name, as top -H and the bench see them:
 * the publisher and the ticker, once each (the server is Linux's: epoll,
 * /proc). */
static void test_thread_names(void **state)
{
	struct group *g = *state;
	char dir[64], path[400];
	int publisher = 0, ticker = 0;
	snprintf(dir, sizeof dir, "/proc/%d/task", (int)g->c.pid);
	DIR *d = opendir(dir);
	assert_non_null(d);
	for (struct dirent *t; (t = readdir(d));) {
		if (t->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s/comm", dir, t->d_name);
		char *comm = file_read(path);
		if (comm) {
			publisher += strcmp(comm, "irm-publisher\n") == 0;
			ticker += strcmp(comm, "irm-ticker\n") == 0;
		}
		free(comm);
	}
	closedir(d);
	assert_int_equal(publisher, 1);
	assert_int_equal(ticker, 1);
}

static void test_unauthorized(void **state)
{
	struct group *g = *state;
	static const struct { const char *method, *path, *body; } eps[] = {
		{ "GET", "/v1/changes?scope=all", NULL },
		{ "POST", "/v1/actions", "{\"console_id\":\"x\",\"actions\":[]}" },
		{ "POST", "/v1/events", "{\"events\":[]}" },
		{ "GET", "/v1/search?q=brewer", NULL },
		{ "GET", "/v1/customers/C1", NULL },
	};
	static const char *const bad_auth[] = {
		NULL,                                    /* no header */
		"Authorization: Bearer " TOKEN_BAD,      /* a token nobody has */
		"Authorization: Bearer short",           /* too short to be one */
		"Authorization: " TOKEN_AGENT,           /* no scheme */
		"Authorization: Basic " TOKEN_AGENT,     /* another scheme */
		"Authorization: Bearer " TOKEN_AGENT "x", /* almost */
	};
	for (size_t i = 0; i < sizeof eps / sizeof *eps; i++)
		for (size_t k = 0; k < sizeof bad_auth / sizeof *bad_auth; k++) {
			struct http h = http_do(&g->c, &(struct http_req){
				.method = eps[i].method, .path = eps[i].path, .header = bad_auth[k],
				.body = eps[i].body, .len = eps[i].body ? strlen(eps[i].body) : 0 });
			char v[100];
			if (h.status != 401)
				fail_msg("%s %s with %s: HTTP %ld: %.200s", eps[i].method, eps[i].path,
					 bad_auth[k] ? bad_auth[k] : "no token", h.status, h.body);
			assert_non_null(http_header(&h, "WWW-Authenticate", v, sizeof v));
			assert_int_equal(strncasecmp(v, "Bearer", 6), 0);
			expect_error(h, 401, "unauthorized");
		}
}

static void test_forbidden(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char before[80];
	feed_end(c, TOKEN_AGENT, "all", before);

	/* ingest writes, it does not read */
	expect_error(get(c, TOKEN_INGEST, "/v1/changes?scope=all"), 403, "forbidden");
	expect_error(get(c, TOKEN_INGEST, "/v1/search?q=brewer"), 403, "forbidden");
	expect_error(get(c, TOKEN_INGEST, "/v1/customers/C1"), 403, "forbidden");
	/* only ingest posts events; the refused batch is not applied */
	expect_error(http_post(c, "/v1/events", TOKEN_AGENT, S1_FLOWN), 403, "forbidden");
	expect_error(http_post(c, "/v1/events", TOKEN_SUPERVISOR, S1_FLOWN), 403, "forbidden");
	expect_error(http_post(c, "/v1/events", TOKEN_KIOSK, S1_FLOWN), 403, "forbidden");
	json_t *since = feed_since(c, TOKEN_AGENT, "all", before);
	assert_int_equal(json_array_size(since), 0);
	json_decref(since);
	/* a kiosk reads its own station only, and does not search */
	expect_error(get(c, TOKEN_KIOSK, "/v1/changes?scope=all"), 403, "forbidden");
	expect_error(get(c, TOKEN_KIOSK, "/v1/changes?scope=station:SEA"), 403, "forbidden");
	expect_error(get(c, TOKEN_KIOSK, "/v1/changes?scope=customers:C1"), 403, "forbidden");
	expect_error(get(c, TOKEN_KIOSK, "/v1/search?q=brewer"), 403, "forbidden");
	/* nor learns who exists elsewhere: a stranger and nobody look the same */
	expect_error(get(c, TOKEN_KIOSK, "/v1/customers/C2"), 403, "forbidden");
	expect_error(get(c, TOKEN_KIOSK, "/v1/customers/NOPE"), 403, "forbidden");
	/* while its own station is fine */
	struct http h = get(c, TOKEN_KIOSK, "/v1/changes?scope=station:DEN");
	expect_status(h, 200);
	http_free(&h);
}

static void test_routes(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char v[100];

	expect_error(get(c, TOKEN_AGENT, "/v1/nope"), 404, "not_found");
	expect_error(get(c, TOKEN_AGENT, "/"), 404, "not_found");
	expect_error(get(c, TOKEN_AGENT, "/v2/changes?scope=all"), 404, "not_found");
	expect_error(get(c, NULL, "/v1/customers/"), 404, "not_found");
	expect_error(get(c, TOKEN_AGENT, "/v1/customers/NOPE"), 404, "not_found");

	static const struct { const char *method, *path, *allow; } wrong[] = {
		{ "GET", "/v1/actions", "POST" },
		{ "GET", "/v1/events", "POST" },
		{ "POST", "/v1/changes", "GET" },
		{ "POST", "/v1/health", "GET" },
		{ "DELETE", "/v1/customers/C1", "GET" },
		{ "PUT", "/v1/actions", "POST" },
	};
	for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
		struct http h = http_do(c, &(struct http_req){ .method = wrong[i].method,
			.path = wrong[i].path, .token = TOKEN_AGENT, .body = "{}", .len = 2 });
		expect_status(h, 405);
		if (!http_header(&h, "Allow", v, sizeof v))
			fail_msg("%s %s: 405 without Allow: %.300s", wrong[i].method, wrong[i].path,
				 h.head);
		assert_string_equal(v, wrong[i].allow);
		expect_error(h, 405, "method_not_allowed");
	}
}

static void test_bad_query(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	static const char *const bad[] = {
		"/v1/changes?scope=all&limit=0",
		"/v1/changes?scope=all&limit=999999",
		"/v1/changes?scope=all&limit=10001",
		"/v1/changes?scope=all&limit=-5",
		"/v1/changes?scope=all&limit=12abc",
		"/v1/changes?scope=all&limit=",
		"/v1/changes?scope=all&wait=-1",
		"/v1/changes?scope=all&wait=abc",
		"/v1/changes?scope=all&wait=301",
		"/v1/changes?scope=all&wait=1.5",
		"/v1/changes?scope=all&bogus=1",
		"/v1/changes?scope=all&Limit=5",
		"/v1/changes",
		"/v1/changes?scope=",
		"/v1/changes?scope=everything",
		"/v1/changes?scope=station:XXX",
		"/v1/changes?scope=station:",
		"/v1/changes?scope=customers:",
		"/v1/changes?scope=customers:C1,,C2",
		"/v1/search",
		"/v1/search?q=",
		"/v1/search?q=brewer&limit=0",
		"/v1/search?q=brewer&limit=101",
		"/v1/search?q=brewer&page=2",
		"/v1/customers/C1?full=1",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct http h = http_get(c, bad[i], TOKEN_AGENT);
		if (h.status != 400)
			fail_msg("GET %s: HTTP %ld, expected 400: %.300s", bad[i], h.status, h.body);
		expect_error(h, 400, "bad_request");
	}
	/* q: at most 200 bytes */
	char path[600], q[260];
	memset(q, 'a', 201);
	q[201] = '\0';
	snprintf(path, sizeof path, "/v1/search?q=%s", q);
	expect_error(http_get(c, path, TOKEN_AGENT), 400, "bad_request");
	q[200] = '\0';
	snprintf(path, sizeof path, "/v1/search?q=%s", q);
	struct http h = http_get(c, path, TOKEN_AGENT);
	expect_status(h, 200);
	http_free(&h);
	/* the edges are taken */
	h = get(c, TOKEN_AGENT, "/v1/changes?scope=all&limit=10000&wait=0");
	expect_status(h, 200);
	http_free(&h);
	h = get(c, TOKEN_AGENT, "/v1/changes?scope=all&limit=1");
	expect_status(h, 200);
	json_t *j = http_json(&h);
	assert_int_equal(json_array_size(json_object_get(j, "changes")), 1);
	assert_true(json_is_true(json_object_get(j, "more")));
	json_decref(j);
	http_free(&h);
	/* a customers scope of 201 ids is too many */
	char *big = malloc(201 * 8 + 64);
	size_t n = (size_t)sprintf(big, "/v1/changes?scope=customers:");
	for (int i = 1; i <= 201; i++)
		n += (size_t)sprintf(big + n, "%sC%d", i > 1 ? "," : "", i);
	expect_error(http_get(c, big, TOKEN_AGENT), 400, "bad_request");
	free(big);
}

static void test_changes_all_pages(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	struct http h = http_get(c, "/v1/health", NULL);
	json_t *health = http_json(&h);
	char epoch[40];
	snprintf(epoch, sizeof epoch, "%s", str_at(health, "epoch"));
	json_decref(health);
	http_free(&h);

	/* page by page by hand: 500 a page until more is false */
	char cursor[80] = "";
	long long prev = 0;
	int pages = 0;
	size_t total = 0;
	json_t *all = json_array();
	for (;;) {
		h = get(c, TOKEN_AGENT, "/v1/changes?scope=all&limit=500&cursor=%s", cursor);
		expect_status(h, 200);
		json_t *j = http_json(&h);
		assert_string_equal(str_at(j, "epoch"), epoch);
		json_t *changes = json_object_get(j, "changes");
		bool more = json_is_true(json_object_get(j, "more"));
		const char *next = str_at(j, "cursor");
		pages++;
		if (more)
			assert_int_equal(json_array_size(changes), 500);
		else
			assert_true(json_array_size(changes) <= 500);
		assert_int_equal(strncmp(next, epoch, 16), 0);
		long long seq = cursor_seq(next);
		assert_true(seq > prev);  /* the cursor advances */
		json_t *last = json_array_get(changes, json_array_size(changes) - 1);
		assert_int_equal(int_at(last, "seq"), seq);
		prev = seq;
		total += json_array_size(changes);
		json_array_extend(all, changes);
		snprintf(cursor, sizeof cursor, "%s", next);
		json_decref(j);
		http_free(&h);
		if (!more)
			break;
		assert_true(pages < 50);
	}
	assert_true(pages >= 3);  /* 300 customers, their trips and alerts */
	assert_int_equal(json_array_size(all), total);

	/* each row once, as an upsert whose data is the row */
	json_t *seen = json_object(), *ch;
	size_t i;
	size_t customers = 0;
	json_array_foreach(all, i, ch) {
		char key[300];
		snprintf(key, sizeof key, "%s/%s", str_at(ch, "kind"), str_at(ch, "id"));
		if (json_object_get(seen, key))
			fail_msg("%s twice in one fetch", key);
		json_object_set_new(seen, key, json_true());
		assert_string_equal(str_at(ch, "op"), "upsert");
		json_t *data = json_object_get(ch, "data");
		assert_true(json_is_object(data));
		assert_string_equal(str_at(data, "id"), str_at(ch, "id"));
		customers += strcmp(str_at(ch, "kind"), "customer") == 0;
	}
	json_decref(seen);
	assert_int_equal(customers, 300);

	json_t *c1 = find_change(all, "customer", "C1");
	assert_non_null(c1);
	json_t *d = json_object_get(c1, "data");
	assert_string_equal(str_at(d, "name"), "Dale Brewer");
	assert_string_equal(str_at(d, "member"), "MP7000001");
	assert_non_null(str_at(d, "email"));  /* not a kiosk */
	json_t *t1 = find_change(all, "trip", "T1");
	assert_non_null(t1);
	json_t *s1 = json_array_get(json_object_get(json_object_get(t1, "data"), "segments"), 0);
	assert_string_equal(str_at(s1, "id"), "S1");
	assert_string_equal(str_at(s1, "origin"), "DEN");
	assert_string_equal(str_at(s1, "destination"), "SEA");
	json_t *al = find_change(all, "alert", ALERT_MILES);
	assert_non_null(al);
	d = json_object_get(al, "data");
	assert_string_equal(str_at(d, "customer_id"), "C1");
	assert_string_equal(str_at(d, "state"), "projected");
	assert_string_equal(str_at(json_object_get(d, "segment"), "id"), "S1");
	json_decref(all);

	/* at the end: nothing more, the same cursor */
	h = get(c, TOKEN_AGENT, "/v1/changes?scope=all&cursor=%s", cursor);
	expect_status(h, 200);
	json_t *j = http_json(&h);
	assert_int_equal(json_array_size(json_object_get(j, "changes")), 0);
	assert_string_equal(str_at(j, "cursor"), cursor);
	assert_true(json_is_false(json_object_get(j, "more")));
	json_decref(j);
	http_free(&h);

	/* and fetch_all agrees, page size aside */
	char end[80];
	int n_pages;
	all = fetch_all(c, TOKEN_SUPERVISOR, "all", "", 700, end, &n_pages);
	assert_int_equal(json_array_size(all), total);
	assert_string_equal(end, cursor);
	assert_int_equal(n_pages, (int)((total + 699) / 700));
	json_decref(all);
}

/* Whether a trip's data carries this passenger. */
static bool trip_has(json_t *data, const char *customer)
{
	json_t *p;
	size_t i;
	json_array_foreach(json_object_get(data, "passengers"), i, p)  /* companions have none */
		if (str_at(p, "customer_id") && strcmp(str_at(p, "customer_id"), customer) == 0)
			return true;
	return false;
}

static void test_changes_customer_scope(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char end[80];
	json_t *all = fetch_all(c, TOKEN_AGENT, "customers:C1", "", 3, end, NULL);
	assert_non_null(find_change(all, "customer", "C1"));
	assert_non_null(find_change(all, "trip", "T1"));
	assert_non_null(find_change(all, "alert", ALERT_MILES));
	assert_non_null(find_change(all, "alert", ALERT_BIRTHDAY));
	json_t *ch;
	size_t i;
	json_array_foreach(all, i, ch) {
		const char *kind = str_at(ch, "kind");
		json_t *d = json_object_get(ch, "data");
		if (strcmp(kind, "customer") == 0)
			assert_string_equal(str_at(ch, "id"), "C1");
		else if (strcmp(kind, "trip") == 0)
			assert_true(trip_has(d, "C1"));
		else if (strcmp(kind, "alert") == 0 || strcmp(kind, "note") == 0)
			assert_string_equal(str_at(d, "customer_id"), "C1");
		else
			fail_msg("customers:C1 holds a %s", kind);
	}
	json_decref(all);

	/* two customers: both, and nobody else */
	all = fetch_all(c, TOKEN_AGENT, "customers:C1,C2", "", 1000, end, NULL);
	assert_non_null(find_change(all, "customer", "C1"));
	assert_non_null(find_change(all, "customer", "C2"));
	json_array_foreach(all, i, ch) {
		const char *kind = str_at(ch, "kind");
		json_t *d = json_object_get(ch, "data");
		if (strcmp(kind, "customer") == 0)
			assert_true(strcmp(str_at(ch, "id"), "C1") == 0 ||
				    strcmp(str_at(ch, "id"), "C2") == 0);
		else if (strcmp(kind, "trip") == 0)
			assert_true(trip_has(d, "C1") || trip_has(d, "C2"));
		else if (strcmp(kind, "alert") == 0)
			assert_true(strcmp(str_at(d, "customer_id"), "C1") == 0 ||
				    strcmp(str_at(d, "customer_id"), "C2") == 0);
	}
	json_decref(all);

	/* a customer nobody has: an empty scope, not an error */
	all = fetch_all(c, TOKEN_AGENT, "customers:NOBODY", "", 100, end, NULL);
	assert_int_equal(json_array_size(all), 0);
	json_decref(all);
}

static void test_changes_station_kiosk(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char end[80];

	/* the agent's view of the station: T1, and C1 with contact details */
	json_t *all = fetch_all(c, TOKEN_AGENT, "station:DEN", "", 1000, end, NULL);
	assert_non_null(find_change(all, "trip", "T1"));
	json_t *c1 = find_change(all, "customer", "C1");
	assert_non_null(c1);
	assert_non_null(str_at(json_object_get(c1, "data"), "email"));
	size_t n_agent = json_array_size(all);
	json_decref(all);

	/* the kiosk's: the same rows, without email, phone or birth date */
	struct http h = get(c, TOKEN_KIOSK, "/v1/changes?scope=station:DEN&limit=10000");
	expect_status(h, 200);
	assert_null(strstr(h.body, "email"));
	assert_null(strstr(h.body, "phone"));
	assert_null(strstr(h.body, "birth_date"));
	json_t *j = http_json(&h);
	assert_true(json_is_false(json_object_get(j, "more")));
	json_t *changes = json_object_get(j, "changes");
	assert_int_equal(json_array_size(changes), n_agent);
	assert_non_null(find_change(changes, "trip", "T1"));
	c1 = find_change(changes, "customer", "C1");
	assert_non_null(c1);
	json_t *d = json_object_get(c1, "data");
	assert_string_equal(str_at(d, "name"), "Dale Brewer");
	assert_null(json_object_get(d, "email"));
	assert_null(json_object_get(d, "phone"));
	assert_null(json_object_get(d, "birth_date"));
	json_t *ch;
	size_t i;
	json_array_foreach(changes, i, ch)  /* a kiosk never sees another station's leg */
		if (strcmp(str_at(ch, "kind"), "alert") == 0)
			assert_string_equal(str_at(json_object_get(json_object_get(ch, "data"),
								   "segment"), "origin"), "DEN");
	json_decref(j);
	http_free(&h);

	/* a kiosk reading one of its passengers: redacted, no notes */
	h = get(c, TOKEN_KIOSK, "/v1/customers/C1");
	expect_status(h, 200);
	assert_null(strstr(h.body, "email"));
	j = http_json(&h);
	assert_string_equal(str_at(json_object_get(j, "customer"), "id"), "C1");
	assert_null(json_object_get(j, "notes"));
	json_decref(j);
	http_free(&h);
	/* the agent's read of the same has them */
	j = customer_get(c, "C1");
	assert_non_null(str_at(json_object_get(j, "customer"), "email"));
	assert_true(json_is_array(json_object_get(j, "notes")));
	assert_true(json_array_size(json_object_get(j, "trips")) >= 1);
	assert_non_null(alert_in(j, ALERT_MILES));
	json_decref(j);
}

static void test_refetch(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char end[80];
	feed_end(c, TOKEN_AGENT, "all", end);
	char epoch[40];
	snprintf(epoch, sizeof epoch, "%.*s", (int)(strrchr(end, '-') - end), end);

	/* a cursor of another store */
	struct http h = get(c, TOKEN_AGENT, "/v1/changes?scope=all&cursor=0000000000000000-5");
	expect_status(h, 410);
	expect_no_store(h);
	json_t *j = http_json(&h);
	assert_string_equal(str_at(j, "error"), "must_refetch");
	assert_string_equal(str_at(j, "reason"), "epoch");
	json_decref(j);
	http_free(&h);
	/* in any scope, also a kiosk's */
	h = get(c, TOKEN_KIOSK, "/v1/changes?scope=station:DEN&cursor=0000000000000000-5");
	expect_status(h, 410);
	http_free(&h);

	/* a cursor beyond the end of this store */
	h = get(c, TOKEN_AGENT, "/v1/changes?scope=all&cursor=%s-%lld", epoch, cursor_seq(end) + 1000);
	expect_status(h, 410);
	expect_no_store(h);
	j = http_json(&h);
	assert_string_equal(str_at(j, "error"), "must_refetch");
	assert_string_equal(str_at(j, "reason"), "ahead");
	json_decref(j);
	http_free(&h);

	/* the end itself is fine, in every scope */
	h = get(c, TOKEN_AGENT, "/v1/changes?scope=customers:C1&cursor=%s", end);
	expect_status(h, 200);
	http_free(&h);

	/* not a cursor at all */
	static const struct { bool epoch; const char *rest; } junk[] = {
		{ false, "zz" }, { false, "-5" }, { true, "-" }, { true, "-12x" }, { true, "--1" },
		{ true, "-5-5" }, { false, "XYZ-5" }, { true, " 5" },
		{ true, "-99999999999999999999" },
	};
	for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
		char cur[120], path[300];
		snprintf(cur, sizeof cur, "%s%s", junk[i].epoch ? epoch : "", junk[i].rest);
		snprintf(path, sizeof path, "/v1/changes?scope=all&cursor=%s", cur);
		for (char *p = path; *p; p++)
			if (*p == ' ')
				*p = '+';
		h = http_get(c, path, TOKEN_AGENT);
		if (h.status != 400)
			fail_msg("cursor '%s': HTTP %ld, expected 400: %.300s", cur, h.status, h.body);
		expect_error(h, 400, "bad_request");
	}
}

/* Nothing injected unless asked: a few of everything, all fine. */
static void test_no_faults(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	for (int i = 0; i < 4; i++) {
		struct http h = http_get(c, "/v1/health", NULL);
		expect_status(h, 200);
		json_decref(http_json(&h));
		http_free(&h);
		h = get(c, TOKEN_AGENT, "/v1/changes?scope=all&limit=50");
		expect_status(h, 200);
		json_decref(http_json(&h));
		http_free(&h);
		h = get(c, TOKEN_SUPERVISOR, "/v1/search?q=brewer");
		expect_status(h, 200);
		json_t *j = http_json(&h);
		assert_true(json_array_size(json_object_get(j, "results")) >= 1);
		assert_string_equal(str_at(json_array_get(json_object_get(j, "results"), 0), "id"), "C1");
		json_decref(j);
		http_free(&h);
		h = get(c, TOKEN_AGENT, "/v1/customers/C1");
		expect_status(h, 200);
		json_decref(http_json(&h));
		http_free(&h);
		/* an action that changes nothing: rejected, but answered whole */
		char body[200];
		snprintf(body, sizeof body, "{\"console_id\":\"nf\",\"actions\":[{\"seq\":%d,\"kind\":"
			 "\"alert.ack\",\"alert_id\":\"A-NOPE\",\"who\":\"ana\"}]}", i + 1);
		json_t *res = act(c, TOKEN_AGENT, body);
		expect_result(res, 0, i + 1, "rejected", "not_found");
		json_decref(res);
	}
	char *log = central_log(c);
	assert_null(strstr(log, "FAULT"));
	free(log);
}

/* --- writes -------------------------------------------------------------------------------- */

struct poll_job {
	const struct central *c;
	const char *token;
	char path[600];
	struct http res;
	pthread_t t;
};

static void *poll_run(void *cls)
{
	struct poll_job *j = cls;
	j->res = http_do(j->c, &(struct http_req){ .path = j->path, .token = j->token,
						    .timeout_s = 60 });
	return NULL;
}

static void poll_start(struct poll_job *j, const struct central *c, const char *token,
		       const char *scope, const char *cursor, int wait)
{
	memset(j, 0, sizeof *j);
	j->c = c;
	j->token = token;
	snprintf(j->path, sizeof j->path, "/v1/changes?scope=%s&cursor=%s&wait=%d", scope, cursor,
		 wait);
	assert_int_equal(pthread_create(&j->t, NULL, poll_run, j), 0);
}

static void test_longpoll_wakes(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char all_end[80], den_end[80];
	feed_end(c, TOKEN_AGENT, "all", all_end);
	feed_end(c, TOKEN_KIOSK, "station:DEN", den_end);

	struct poll_job all, den;
	poll_start(&all, c, TOKEN_AGENT, "all", all_end, 10);
	poll_start(&den, c, TOKEN_KIOSK, "station:DEN", den_end, 10);
	sleep_ms(500);  /* both parked by now */
	struct http h = http_post(c, "/v1/events", TOKEN_INGEST, S1_FLOWN);
	double posted = mono_s();
	expect_status(h, 200);
	json_t *j = http_json(&h);
	assert_int_equal(int_at(j, "accepted"), 1);
	assert_int_equal(int_at(j, "updated"), 1);
	json_decref(j);
	http_free(&h);
	pthread_join(all.t, NULL);
	pthread_join(den.t, NULL);
	double woke = mono_s() - posted;

	for (int k = 0; k < 2; k++) {
		struct poll_job *p = k ? &den : &all;
		expect_status(p->res, 200);
		/* woken by the post, not by the end of the wait */
		if (p->res.secs < 0.4 || p->res.secs > 5)
			fail_msg("%s: answered after %.2f s", p->path, p->res.secs);
		j = http_json(&p->res);
		json_t *changes = json_object_get(j, "changes");
		json_t *t1 = find_change(changes, "trip", "T1");
		assert_non_null(t1);
		json_t *s1 = json_array_get(json_object_get(json_object_get(t1, "data"), "segments"), 0);
		assert_string_equal(str_at(s1, "status"), "flown");
		json_t *al = find_change(changes, "alert", ALERT_MILES);
		assert_non_null(al);
		assert_string_equal(str_at(json_object_get(al, "data"), "state"), "pending");
		json_t *c1 = find_change(changes, "customer", "C1");
		assert_non_null(c1);
		assert_int_equal(json_integer_value(json_object_get(json_object_get(c1, "data"),
								    "lifetime_miles")), 1000000);
		assert_true(cursor_seq(str_at(j, "cursor")) > cursor_seq(k ? den_end : all_end));
		if (k)
			assert_null(strstr(p->res.body, "email"));
		json_decref(j);
		http_free(&p->res);
	}
	assert_true(woke < 5);
}

static void test_longpoll_other_customer(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char c2_end[80], c1_end[80];
	feed_end(c, TOKEN_AGENT, "customers:C2", c2_end);
	feed_end(c, TOKEN_AGENT, "customers:C1", c1_end);

	struct poll_job p;
	poll_start(&p, c, TOKEN_AGENT, "customers:C2", c2_end, 2);
	sleep_ms(300);
	json_t *res = act(c, TOKEN_AGENT, "{\"console_id\":\"lp-c1\",\"actions\":[{\"seq\":1,\"kind\":"
			  "\"note.add\",\"note_id\":\"N-lp-1\",\"customer_id\":\"C1\",\"who\":\"ana\","
			  "\"text\":\"asked about lounges\"}]}");
	expect_result(res, 0, 1, "applied", NULL);
	json_decref(res);
	pthread_join(p.t, NULL);

	expect_status(p.res, 200);
	json_t *j = http_json(&p.res);
	assert_int_equal(json_array_size(json_object_get(j, "changes")), 0);
	assert_string_equal(str_at(j, "cursor"), c2_end);
	assert_true(json_is_false(json_object_get(j, "more")));
	json_decref(j);
	/* it waited its whole wait */
	if (p.res.secs < 1.8 || p.res.secs > 6)
		fail_msg("customers:C2 wait=2 answered after %.2f s", p.res.secs);
	http_free(&p.res);

	/* while C1's scope did change */
	json_t *since = feed_since(c, TOKEN_AGENT, "customers:C1", c1_end);
	assert_non_null(find_change(since, "note", "N-lp-1"));
	json_decref(since);
}

static void test_actions_duplicate(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	static const char body[] = "{\"console_id\":\"desk-1\",\"actions\":[{\"seq\":1,\"kind\":"
				   "\"alert.ack\",\"alert_id\":\"" ALERT_BIRTHDAY "\",\"who\":\"ana\"}]}";
	size_t h0 = history_len(c, "C1", ALERT_BIRTHDAY);
	char before[80];
	feed_end(c, TOKEN_AGENT, "customers:C1", before);

	json_t *first = act(c, TOKEN_AGENT, body);
	expect_result(first, 0, 1, "applied", NULL);
	json_t *r0 = json_array_get(first, 0);
	assert_string_equal(str_at(r0, "alert_id"), ALERT_BIRTHDAY);
	assert_string_equal(str_at(r0, "state"), "acknowledged");
	assert_int_equal(history_len(c, "C1", ALERT_BIRTHDAY), h0 + 1);
	char after[80];
	json_t *since = fetch_all(c, TOKEN_AGENT, "customers:C1", before, 1000, after, NULL);
	json_t *al = find_change(since, "alert", ALERT_BIRTHDAY);
	assert_non_null(al);
	assert_string_equal(str_at(json_object_get(al, "data"), "state"), "acknowledged");
	json_decref(since);

	/* the same (console, seq) again: its first result, nothing done */
	for (int i = 0; i < 2; i++) {
		json_t *again = act(c, TOKEN_AGENT, body);
		expect_result(again, 0, 1, "duplicate", NULL);
		assert_true(json_equal(json_object_get(json_array_get(again, 0), "result"), r0));
		json_decref(again);
	}
	assert_int_equal(history_len(c, "C1", ALERT_BIRTHDAY), h0 + 1);
	since = feed_since(c, TOKEN_AGENT, "customers:C1", after);
	assert_int_equal(json_array_size(since), 0);
	json_decref(since);
	/* the same seq from another console is another action */
	json_t *other = act(c, TOKEN_SUPERVISOR, "{\"console_id\":\"desk-2\",\"actions\":[{\"seq\":1,"
			    "\"kind\":\"alert.ack\",\"alert_id\":\"" ALERT_BIRTHDAY "\",\"who\":\"bo\"}]}");
	expect_result(other, 0, 1, "rejected", "conflict");
	json_decref(other);
	json_decref(first);
}

/* A console's numbers belong to its token: another token posting under
 * the same console_id neither blocks nor reads them. */
static void test_actions_console_of_another_token(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	json_t *k = act(c, TOKEN_KIOSK, "{\"console_id\":\"desk-7\",\"actions\":[{\"seq\":1,"
			"\"kind\":\"x\"}]}");
	expect_result(k, 0, 1, "rejected", "invalid");
	json_decref(k);
	json_t *a = act(c, TOKEN_AGENT, "{\"console_id\":\"desk-7\",\"actions\":[{\"seq\":1,"
			"\"kind\":\"note.add\",\"note_id\":\"N-desk-7-1\",\"customer_id\":\"C2\","
			"\"who\":\"ana\",\"text\":\"asked about lounge access\"}]}");
	expect_result(a, 0, 1, "applied", NULL);
	json_decref(a);
	assert_true(has_note(c, "C2", "N-desk-7-1"));
}

/* A note id already holding another note is refused, not reported applied. */
static void test_actions_note_id_taken(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	json_t *a = act(c, TOKEN_AGENT, "{\"console_id\":\"desk-n1\",\"actions\":[{\"seq\":1,"
			"\"kind\":\"note.add\",\"note_id\":\"N-same-1\",\"customer_id\":\"C3\","
			"\"who\":\"ana\",\"text\":\"first\"}]}");
	expect_result(a, 0, 1, "applied", NULL);
	json_decref(a);
	json_t *b = act(c, TOKEN_AGENT, "{\"console_id\":\"desk-n2\",\"actions\":[{\"seq\":1,"
			"\"kind\":\"note.add\",\"note_id\":\"N-same-1\",\"customer_id\":\"C4\","
			"\"who\":\"bo\",\"text\":\"second\"}]}");
	expect_result(b, 0, 1, "rejected", "conflict");
	json_decref(b);
	assert_false(has_note(c, "C4", "N-same-1"));
	/* the same note again under a new number is the same note */
	json_t *again = act(c, TOKEN_AGENT, "{\"console_id\":\"desk-n1\",\"actions\":[{\"seq\":2,"
			    "\"kind\":\"note.add\",\"note_id\":\"N-same-1\",\"customer_id\":\"C3\","
			    "\"who\":\"ana\",\"text\":\"first\"}]}");
	expect_result(again, 0, 2, "applied", NULL);
	json_decref(again);
}

static void test_actions_two_consoles(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char before[80];
	feed_end(c, TOKEN_AGENT, "customers:C1", before);
	json_t *a = act(c, TOKEN_AGENT, "{\"console_id\":\"desk-a\",\"actions\":[{\"seq\":1,\"kind\":"
			"\"alert.done\",\"alert_id\":\"" ALERT_MILES "\",\"who\":\"ana\",\"action\":"
			"\"call\",\"note\":\"called from the lounge\"}]}");
	expect_result(a, 0, 1, "applied", NULL);
	assert_string_equal(str_at(json_array_get(a, 0), "state"), "done");
	json_decref(a);
	size_t h = history_len(c, "C1", ALERT_MILES);

	json_t *b = act(c, TOKEN_SUPERVISOR, "{\"console_id\":\"desk-b\",\"actions\":[{\"seq\":1,"
			"\"kind\":\"alert.done\",\"alert_id\":\"" ALERT_MILES "\",\"who\":\"bo\","
			"\"action\":\"email\"}]}");
	expect_result(b, 0, 1, "rejected", "conflict");
	json_t *r = json_array_get(b, 0);
	assert_string_equal(str_at(r, "state"), "done");
	assert_non_null(str_at(r, "message"));
	json_decref(b);
	assert_int_equal(history_len(c, "C1", ALERT_MILES), h);

	/* the feed shows it done by the first, once */
	json_t *since = feed_since(c, TOKEN_AGENT, "customers:C1", before);
	json_t *al = find_change(since, "alert", ALERT_MILES);
	assert_non_null(al);
	json_t *d = json_object_get(al, "data");
	assert_string_equal(str_at(d, "state"), "done");
	assert_string_equal(str_at(d, "action"), "call");
	json_decref(since);
}

static void test_actions_batch(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	static const char body[] =
		"{\"console_id\":\"desk-c\",\"actions\":["
		"{\"seq\":1,\"kind\":\"alert.ack\",\"alert_id\":\"A-NOPE\",\"who\":\"ana\"},"
		"{\"seq\":2,\"kind\":\"alert.frobnicate\",\"alert_id\":\"" ALERT_BIRTHDAY "\","
		"\"who\":\"ana\"},"
		"{\"seq\":3,\"kind\":\"teleport\",\"who\":\"ana\"},"
		"{\"seq\":4,\"kind\":\"alert.done\",\"alert_id\":\"" ALERT_BIRTHDAY "\",\"who\":\"ana\","
		"\"action\":\"juggling\"},"
		"{\"seq\":5,\"kind\":\"note.add\",\"customer_id\":\"C1\",\"who\":\"ana\",\"text\":\"x\"},"
		"{\"seq\":6,\"kind\":\"note.add\",\"note_id\":\"N-batch-1\",\"customer_id\":\"C1\","
		"\"who\":\"ana\",\"text\":\"wants a window seat\"}]}";
	json_t *res = act(c, TOKEN_AGENT, body);
	assert_int_equal(json_array_size(res), 6);
	expect_result(res, 0, 1, "rejected", "not_found");
	expect_result(res, 1, 2, "rejected", "invalid");
	expect_result(res, 2, 3, "rejected", "invalid");
	expect_result(res, 3, 4, "rejected", "invalid");
	expect_result(res, 4, 5, "rejected", "invalid");
	expect_result(res, 5, 6, "applied", NULL);
	assert_true(has_note(c, "C1", "N-batch-1"));

	/* the rejections were recorded too: the replay is all duplicates */
	json_t *again = act(c, TOKEN_AGENT, body);
	for (size_t i = 0; i < 6; i++) {
		expect_result(again, i, (long long)i + 1, "duplicate", NULL);
		assert_true(json_equal(json_object_get(json_array_get(again, i), "result"),
				       json_array_get(res, i)));
	}
	json_decref(again);
	json_decref(res);

	/* who acts is a name: not blank, not a page long */
	char body2[600], who[120];
	memset(who, 'w', 101);
	who[101] = '\0';
	snprintf(body2, sizeof body2, "{\"console_id\":\"desk-c\",\"actions\":["
		 "{\"seq\":7,\"kind\":\"note.add\",\"note_id\":\"N-batch-2\",\"customer_id\":\"C1\","
		 "\"who\":\"   \",\"text\":\"x\"},"
		 "{\"seq\":8,\"kind\":\"note.add\",\"note_id\":\"N-batch-3\",\"customer_id\":\"C1\","
		 "\"who\":\"%s\",\"text\":\"x\"}]}", who);
	res = act(c, TOKEN_AGENT, body2);
	expect_result(res, 0, 7, "rejected", "invalid");
	expect_result(res, 1, 8, "rejected", "invalid");
	json_decref(res);
	assert_false(has_note(c, "C1", "N-batch-2"));
	assert_false(has_note(c, "C1", "N-batch-3"));
}

static void test_actions_note(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char before[80], all_before[80];
	feed_end(c, TOKEN_AGENT, "customers:C1", before);
	feed_end(c, TOKEN_AGENT, "all", all_before);
	assert_false(has_note(c, "C1", "N-note-1"));
	json_t *res = act(c, TOKEN_SUPERVISOR, "{\"console_id\":\"desk-n\",\"actions\":[{\"seq\":7,"
			  "\"kind\":\"note.add\",\"note_id\":\"N-note-1\",\"customer_id\":\"C1\","
			  "\"who\":\"bo\",\"text\":\"prefers the aisle \\u2014 and tea\"}]}");
	expect_result(res, 0, 7, "applied", NULL);
	assert_string_equal(str_at(json_array_get(res, 0), "note_id"), "N-note-1");
	json_decref(res);

	for (int k = 0; k < 2; k++) {
		json_t *since = feed_since(c, TOKEN_AGENT, k ? "all" : "customers:C1",
					   k ? all_before : before);
		json_t *n = find_change(since, "note", "N-note-1");
		assert_non_null(n);
		assert_string_equal(str_at(n, "op"), "upsert");
		json_t *d = json_object_get(n, "data");
		assert_string_equal(str_at(d, "customer_id"), "C1");
		assert_string_equal(str_at(d, "text"), "prefers the aisle \xe2\x80\x94 and tea");
		json_decref(since);
	}
	json_t *j = customer_get(c, "C1");
	json_t *n, *found = NULL;
	size_t i;
	json_array_foreach(json_object_get(j, "notes"), i, n)
		if (strcmp(str_at(n, "id"), "N-note-1") == 0)
			found = n;
	assert_non_null(found);
	assert_string_equal(str_at(found, "author"), "bo");
	assert_string_equal(str_at(found, "text"), "prefers the aisle \xe2\x80\x94 and tea");
	json_decref(j);

	/* a note for a customer nobody has */
	res = act(c, TOKEN_AGENT, "{\"console_id\":\"desk-n\",\"actions\":[{\"seq\":8,\"kind\":"
		  "\"note.add\",\"note_id\":\"N-note-2\",\"customer_id\":\"NOPE\",\"who\":\"ana\","
		  "\"text\":\"x\"}]}");
	expect_result(res, 0, 8, "rejected", "not_found");
	json_decref(res);
}

/* An open alert of the store whose leg does not leave DEN (a new string). */
static char *alert_elsewhere(const struct central *c)
{
	char end[80];
	json_t *all = fetch_all(c, TOKEN_AGENT, "all", "", 10000, end, NULL);
	json_t *ch;
	size_t i;
	char *id = NULL;
	json_array_foreach(all, i, ch) {
		json_t *d = json_object_get(ch, "data");
		const char *origin = str_at(json_object_get(d, "segment"), "origin");
		const char *st = str_at(d, "state");
		if (!id && strcmp(str_at(ch, "kind"), "alert") == 0 && origin &&
		    strcmp(origin, "DEN") != 0 && st &&
		    (strcmp(st, "projected") == 0 || strcmp(st, "pending") == 0))
			id = strdup(str_at(ch, "id"));
	}
	json_decref(all);
	if (!id)
		fail_msg("no open alert away from DEN in the demo");
	return id;
}

/* A leg that does not leave DEN and a passenger on it. */
static void leg_elsewhere(const struct central *c, char *seg, char *cust)
{
	char end[80];
	json_t *all = fetch_all(c, TOKEN_AGENT, "all", "", 10000, end, NULL);
	json_t *ch;
	size_t i;
	*seg = *cust = '\0';
	json_array_foreach(all, i, ch) {
		json_t *d = json_object_get(ch, "data");
		json_t *s = json_array_get(json_object_get(d, "segments"), 0);
		json_t *p = json_array_get(json_object_get(d, "passengers"), 0);
		if (!*seg && strcmp(str_at(ch, "kind"), "trip") == 0 && s && str_at(p, "customer_id") &&
		    strcmp(str_at(s, "origin"), "DEN") != 0) {
			snprintf(seg, 64, "%s", str_at(s, "id"));
			snprintf(cust, 64, "%s", str_at(p, "customer_id"));
		}
	}
	json_decref(all);
	if (!*seg)
		fail_msg("no leg away from DEN in the demo");
}

static void test_actions_kiosk(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char before[80], body[600];
	char *away = alert_elsewhere(c);
	feed_end(c, TOKEN_AGENT, "all", before);
	snprintf(body, sizeof body,
		 "{\"console_id\":\"kiosk-den-1\",\"actions\":["
		 "{\"seq\":1,\"kind\":\"alert.dismiss\",\"alert_id\":\"" ALERT_BIRTHDAY "\","
		 "\"who\":\"gate\",\"reason\":\"not now\"},"
		 "{\"seq\":2,\"kind\":\"note.add\",\"note_id\":\"N-k-1\",\"customer_id\":\"C1\","
		 "\"who\":\"gate\",\"text\":\"x\"},"
		 "{\"seq\":3,\"kind\":\"alert.assign\",\"alert_id\":\"" ALERT_BIRTHDAY "\","
		 "\"who\":\"gate\",\"assignee\":\"ana\"},"
		 "{\"seq\":4,\"kind\":\"alert.ack\",\"alert_id\":\"%s\",\"who\":\"gate\"}]}", away);
	json_t *res = act(c, TOKEN_KIOSK, body);
	expect_result(res, 0, 1, "rejected", "forbidden");
	expect_result(res, 1, 2, "rejected", "forbidden");
	expect_result(res, 2, 3, "rejected", "forbidden");
	expect_result(res, 3, 4, "rejected", "forbidden");
	json_decref(res);
	json_t *since = feed_since(c, TOKEN_AGENT, "all", before);
	assert_int_equal(json_array_size(since), 0);
	json_decref(since);
	assert_false(has_note(c, "C1", "N-k-1"));

	/* what a kiosk may do: greet a passenger of its station, which closes
	 * the open alerts on that leg */
	res = act(c, TOKEN_KIOSK, "{\"console_id\":\"kiosk-den-1\",\"actions\":[{\"seq\":5,\"kind\":"
		  "\"passenger.greeted\",\"segment_id\":\"S1\",\"customer_id\":\"C1\",\"who\":\"gate\"}]}");
	expect_result(res, 0, 5, "applied", NULL);
	json_t *done = json_object_get(json_array_get(res, 0), "alerts_done");
	assert_int_equal(json_array_size(done), 1);
	assert_string_equal(json_string_value(json_array_get(done, 0)), ALERT_BIRTHDAY);
	json_decref(res);
	json_t *j = customer_get(c, "C1");
	json_t *a = alert_in(j, ALERT_BIRTHDAY);
	assert_string_equal(str_at(a, "state"), "done");
	assert_string_equal(str_at(a, "action"), "greeting");
	json_decref(j);
	/* and the greeting itself is in the feed, under the customer */
	json_t *greeted = feed_since(c, TOKEN_AGENT, "customers:C1", before), *gr = NULL, *x;
	size_t k;
	json_array_foreach(greeted, k, x)
		if (strcmp(str_at(x, "kind"), "greeting") == 0)
			gr = x;
	assert_non_null(gr);
	assert_string_equal(str_at(gr, "op"), "upsert");
	assert_string_equal(str_at(json_object_get(gr, "data"), "segment_id"), "S1");
	assert_string_equal(str_at(json_object_get(gr, "data"), "who"), "gate");
	json_decref(greeted);
	free(away);
}

/* A kiosk greets at its own station's gates only: a passenger on a leg from
 * another airport is not its to greet (nor their alerts its to close). */
static void test_actions_kiosk_greet_elsewhere(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char seg[64], cust[64], before[80], body[600];
	leg_elsewhere(c, seg, cust);
	feed_end(c, TOKEN_AGENT, "all", before);
	snprintf(body, sizeof body, "{\"console_id\":\"kiosk-den-2\",\"actions\":[{\"seq\":1,"
		 "\"kind\":\"passenger.greeted\",\"segment_id\":\"%s\",\"customer_id\":\"%s\","
		 "\"who\":\"gate\"}]}", seg, cust);
	json_t *res = act(c, TOKEN_KIOSK, body);
	expect_result(res, 0, 1, "rejected", "forbidden");
	json_decref(res);
	json_t *since = feed_since(c, TOKEN_AGENT, "all", before);
	assert_int_equal(json_array_size(since), 0);
	json_decref(since);
}

static void test_actions_envelope(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char before[80];
	feed_end(c, TOKEN_AGENT, "customers:C1", before);
#define GOOD(seq, id) "{\"seq\":" seq ",\"kind\":\"note.add\",\"note_id\":\"" id "\"," \
	"\"customer_id\":\"C1\",\"who\":\"ana\",\"text\":\"x\"}"
	static const char *const bad[] = {
		"{\"console_id\":\"desk-e\",\"actions\":[" GOOD("1", "N-env-1") "],\"extra\":1}",
		"{\"console_id\":\"desk-e\",\"actions\":[" GOOD("1", "N-env-2") ",{\"seq\":0,"
		"\"kind\":\"note.add\"}]}",
		"{\"console_id\":\"desk-e\",\"actions\":[" GOOD("\"1\"", "N-env-3") "]}",
		"{\"console_id\":\"desk-e\",\"actions\":[" GOOD("1", "N-env-4") ",{\"seq\":-3,"
		"\"kind\":\"note.add\"}]}",
		"{\"console_id\":\"desk-e\",\"actions\":[" GOOD("1.5", "N-env-5") "]}",
		"{\"console_id\":\"desk-e\",\"actions\":[" GOOD("1", "N-env-6") ",{\"seq\":2,"
		"\"kind\":7}]}",
		"{\"console_id\":\"desk-e\",\"actions\":[" GOOD("1", "N-env-7") ",{\"seq\":2}]}",
		"{\"console_id\":\"desk-e\",\"actions\":[" GOOD("1", "N-env-8") ",\"note\"]}",
		"{\"console_id\":\"desk e\",\"actions\":[" GOOD("1", "N-env-9") "]}",
		"{\"console_id\":\"\",\"actions\":[" GOOD("1", "N-env-10") "]}",
		"{\"actions\":[" GOOD("1", "N-env-11") "]}",
		"{\"console_id\":\"desk-e\",\"actions\":" GOOD("1", "N-env-12") "}",
		"{\"console_id\":\"desk-e\"}",
		"[" GOOD("1", "N-env-13") "]",
		"{\"console_id\":\"desk-e\",\"console_id\":\"desk-f\",\"actions\":["
		GOOD("1", "N-env-14") "]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct http h = http_post(c, "/v1/actions", TOKEN_AGENT, bad[i]);
		if (h.status != 400)
			fail_msg("bad[%zu] %s: HTTP %ld, expected 400: %.300s", i, bad[i], h.status,
				 h.body);
		http_free(&h);
	}
	json_t *since = feed_since(c, TOKEN_AGENT, "customers:C1", before);
	assert_int_equal(json_array_size(since), 0);
	json_decref(since);
	/* nothing was recorded either: seq 1 of desk-e is still new */
	json_t *res = act(c, TOKEN_AGENT, "{\"console_id\":\"desk-e\",\"actions\":["
			  GOOD("1", "N-env-ok") "]}");
	expect_result(res, 0, 1, "applied", NULL);
	json_decref(res);
	json_t *j = customer_get(c, "C1");
	json_t *n;
	size_t i;
	json_array_foreach(json_object_get(j, "notes"), i, n)
		assert_null(strstr(str_at(n, "id"), "N-env-1"));  /* N-env-1.. none of them */
	json_decref(j);
	assert_true(has_note(c, "C1", "N-env-ok"));
#undef GOOD
}

/* A customer record for events. */
#define CUSTOMER(id, name) "{\"kind\":\"customer\",\"data\":{\"id\":\"" id "\",\"member\":" \
	"\"MP99" id "\",\"name\":\"" name "\",\"home_airport\":\"DEN\",\"tier\":\"Gold\"," \
	"\"lifetime_miles\":120000}}"

static void test_events_bad(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char before[80];
	feed_end(c, TOKEN_AGENT, "all", before);
	static const struct { const char *record, *code; } bad[] = {
		/* an unknown airport */
		{ "{\"kind\":\"customer\",\"data\":{\"id\":\"CXB\",\"name\":\"A B\",\"home_airport\":"
		  "\"XXX\"}}", "bad_record" },
		{ "{\"kind\":\"trip\",\"data\":{\"id\":\"TXB\",\"passengers\":[{\"customer_id\":\"C1\"}],"
		  "\"segments\":[{\"id\":\"SXB\",\"carrier\":\"UA\",\"flight\":\"1\",\"origin\":\"XXX\","
		  "\"destination\":\"SEA\",\"departure\":\"2026-11-23T08:15:00-07:00\"}]}}", "bad_record" },
		/* a wrong type */
		{ "{\"kind\":\"customer\",\"data\":{\"id\":\"CXB\",\"name\":5}}", "bad_record" },
		{ "{\"kind\":\"customer\",\"data\":{\"id\":\"CXB\",\"name\":\"A B\",\"lifetime_miles\":"
		  "\"lots\"}}", "bad_record" },
		/* a required field missing */
		{ "{\"kind\":\"customer\",\"data\":{\"name\":\"A B\"}}", "bad_record" },
		{ "{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"S1\"}}", "bad_record" },
		/* a member outside data */
		{ "{\"kind\":\"customer\",\"id\":\"CXB\",\"data\":{\"id\":\"CXB\",\"name\":\"A B\"}}",
		  "bad_request" },
		/* not a kind of record */
		{ "{\"kind\":\"planet\",\"data\":{\"id\":\"CXB\"}}", "bad_record" },
		{ "{\"kind\":\"customer\"}", "bad_record" },
		{ "\"customer\"", "bad_request" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		/* a good record first: all or nothing */
		char body[2000];
		snprintf(body, sizeof body, "{\"events\":[" CUSTOMER("CXB0", "Good Record") ",%s]}",
			 bad[i].record);
		struct http h = http_post(c, "/v1/events", TOKEN_INGEST, body);
		json_t *j = h.status == 400 ? json_loadb(h.body, h.len, 0, NULL) : NULL;
		const char *msg = j ? str_at(j, "message") : NULL;
		const char *code = j ? str_at(j, "error") : NULL;
		if (h.status != 400 || !msg || !strstr(msg, "events[1]") || !code ||
		    strcmp(code, bad[i].code) != 0)
			fail_msg("bad[%zu] %.200s: expected 400 %s naming events[1], got HTTP %ld: "
				 "%.300s", i, bad[i].record, bad[i].code, h.status, h.body);
		expect_no_store(h);
		json_decref(j);
		http_free(&h);
	}
	/* none of it happened */
	json_t *since = feed_since(c, TOKEN_AGENT, "all", before);
	assert_int_equal(json_array_size(since), 0);
	json_decref(since);
	expect_error(get(c, TOKEN_AGENT, "/v1/customers/CXB0"), 404, "not_found");
	expect_error(get(c, TOKEN_AGENT, "/v1/customers/CXB"), 404, "not_found");
}

/* Invalid UTF-8 inside a record is refused by the JSON parser for the
 * whole body; the answer still names the record it is in (events[1]), so
 * a client with a batch of thousands can tell which one is bad; and
 * nothing happened. */
static void test_events_bad_utf8(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char before[80];
	feed_end(c, TOKEN_AGENT, "all", before);
	static const char body[] = "{\"events\":[" CUSTOMER("CXU0", "Good Record") ","
		"{\"kind\":\"customer\",\"data\":{\"id\":\"CXU\",\"name\":\"A \xff\xfe B\"}}]}";
	struct http h = http_post(c, "/v1/events", TOKEN_INGEST, body);
	expect_status(h, 400);
	expect_no_store(h);
	json_t *since = feed_since(c, TOKEN_AGENT, "all", before);
	assert_int_equal(json_array_size(since), 0);
	json_decref(since);
	json_t *j = http_json(&h);
	const char *msg = str_at(j, "message");
	if (!msg || !strstr(msg, "events[1]") || strcmp(str_at(j, "error"), "bad_json") != 0)
		fail_msg("expected 400 bad_json naming events[1], got: %.300s", h.body);
	json_decref(j);
	http_free(&h);
}

static void test_events_good(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char before[80];
	feed_end(c, TOKEN_AGENT, "all", before);
	static const char two[] = "{\"events\":[" CUSTOMER("CX1", "Quentin Zephyrwood") ","
				  CUSTOMER("CX2", "Marisol Quillfeather") "]}";

	struct http h = http_post(c, "/v1/events", TOKEN_INGEST, two);
	expect_status(h, 200);
	json_t *j = http_json(&h);
	assert_int_equal(int_at(j, "accepted"), 2);
	assert_int_equal(int_at(j, "added"), 2);
	assert_int_equal(int_at(j, "updated"), 0);
	assert_int_equal(int_at(j, "unchanged"), 0);
	assert_int_equal(int_at(j, "stale"), 0);
	json_decref(j);
	http_free(&h);
	char mid[80];
	json_t *since = fetch_all(c, TOKEN_AGENT, "all", before, 10000, mid, NULL);
	json_t *cx1 = find_change(since, "customer", "CX1");
	assert_non_null(cx1);
	assert_non_null(find_change(since, "customer", "CX2"));
	long long v1 = int_at(cx1, "version");
	assert_string_equal(str_at(json_object_get(cx1, "data"), "name"), "Quentin Zephyrwood");
	json_decref(since);

	/* the same again: unchanged, nothing in the feed */
	h = http_post(c, "/v1/events", TOKEN_INGEST, two);
	expect_status(h, 200);
	j = http_json(&h);
	assert_int_equal(int_at(j, "accepted"), 2);
	assert_int_equal(int_at(j, "unchanged"), 2);
	assert_int_equal(int_at(j, "added"), 0);
	json_decref(j);
	http_free(&h);
	since = feed_since(c, TOKEN_AGENT, "all", mid);
	assert_int_equal(json_array_size(since), 0);
	json_decref(since);

	/* one changed: updated, and its version grew */
	h = http_post(c, "/v1/events", TOKEN_INGEST,
		      "{\"events\":[" CUSTOMER("CX1", "Quentin Zephyrwood-Hale") "]}");
	expect_status(h, 200);
	j = http_json(&h);
	assert_int_equal(int_at(j, "updated"), 1);
	json_decref(j);
	http_free(&h);
	since = feed_since(c, TOKEN_AGENT, "all", mid);
	cx1 = find_change(since, "customer", "CX1");
	assert_non_null(cx1);
	assert_null(find_change(since, "customer", "CX2"));
	assert_string_equal(str_at(json_object_get(cx1, "data"), "name"), "Quentin Zephyrwood-Hale");
	long long v2 = int_at(cx1, "version");
	assert_true(v2 > v1);
	json_decref(since);
	/* and a full fetch holds it once, at its new version */
	char end[80];
	json_t *all = fetch_all(c, TOKEN_AGENT, "customers:CX1", "", 10000, end, NULL);
	assert_int_equal(json_array_size(all), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(all, 0), "version")), v2);
	json_decref(all);

	/* search finds it */
	h = get(c, TOKEN_AGENT, "/v1/search?q=Zephyrwood");
	expect_status(h, 200);
	j = http_json(&h);
	assert_string_equal(str_at(json_array_get(json_object_get(j, "results"), 0), "id"), "CX1");
	json_decref(j);
	http_free(&h);
	/* an empty batch is fine */
	h = http_post(c, "/v1/events", TOKEN_INGEST, "{\"events\":[]}");
	expect_status(h, 200);
	j = http_json(&h);
	assert_int_equal(int_at(j, "accepted"), 0);
	json_decref(j);
	http_free(&h);
}

/* publish=later: answered once the events are stored (202); the engine's
 * verdict and the documents follow from the publisher, for a long-poll to
 * find, and /v1/health counts what is left until none is. */
static void test_events_publish_later(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	static const char body[] = "{\"events\":["
		"{\"kind\":\"customer\",\"data\":{\"id\":\"CL1\",\"name\":\"Lena Ortiz\","
		"\"lifetime_miles\":999500}},"
		"{\"kind\":\"trip\",\"data\":{\"id\":\"TL1\",\"passengers\":[{\"customer_id\":\"CL1\"}],"
		"\"segments\":[{\"id\":\"SL1\",\"carrier\":\"UA\",\"flight\":\"1234\",\"origin\":\"DEN\","
		"\"destination\":\"SEA\",\"departure\":\"2026-11-22T08:15:00-07:00\",\"cabin\":\"J\","
		"\"status\":\"booked\"}]}},"
		"{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"SL1\",\"status\":\"flown\","
		"\"at\":\"2026-11-22T10:41:00-08:00\"}}]}";
	char before[80], cursor[80];
	feed_end(c, TOKEN_AGENT, "customers:CL1", before);

	expect_error(http_post(c, "/v1/events?publish=soon", TOKEN_INGEST, body), 400, "bad_request");
	expect_error(http_post(c, "/v1/events?wait=1", TOKEN_INGEST, body), 400, "bad_request");
	struct http h = http_post(c, "/v1/events?publish=later", TOKEN_INGEST, body);
	expect_status(h, 202);
	json_t *j = http_json(&h);
	assert_int_equal(int_at(j, "accepted"), 3);
	assert_int_equal(int_at(j, "added"), 2);
	assert_int_equal(int_at(j, "updated"), 1);
	json_decref(j);
	http_free(&h);

	/* long-polls until the alert is there, each from where the last ended */
	json_t *seen = json_array();
	snprintf(cursor, sizeof cursor, "%s", before);
	double t0 = mono_s();
	while (!find_change(seen, "alert", "A-CL1-lifetime_miles-1000000") && mono_s() - t0 < 20) {
		h = get(c, TOKEN_AGENT, "/v1/changes?scope=customers:CL1&cursor=%s&wait=5", cursor);
		expect_status(h, 200);
		j = http_json(&h);
		json_array_extend(seen, json_object_get(j, "changes"));
		snprintf(cursor, sizeof cursor, "%s", str_at(j, "cursor"));
		json_decref(j);
		http_free(&h);
	}
	json_t *al = find_change(seen, "alert", "A-CL1-lifetime_miles-1000000");
	assert_non_null(al);
	assert_string_equal(str_at(json_object_get(al, "data"), "state"), "pending");
	json_decref(seen);
	/* in the end, every document as publish=now would have it */
	seen = feed_since(c, TOKEN_AGENT, "customers:CL1", before);
	json_t *cl1 = find_change(seen, "customer", "CL1"), *tl1 = find_change(seen, "trip", "TL1");
	assert_non_null(cl1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(cl1, "data"),
							    "lifetime_miles")), 1000524);
	json_t *sl1 = json_array_get(json_object_get(json_object_get(tl1, "data"), "segments"), 0);
	assert_string_equal(str_at(sl1, "status"), "flown");
	json_decref(seen);

	long long backlog = -1;
	for (t0 = mono_s(); backlog != 0 && mono_s() - t0 < 10; sleep_ms(20)) {
		h = get(c, NULL, "/v1/health");
		expect_status(h, 200);
		j = http_json(&h);
		backlog = int_at(j, "backlog");
		json_decref(j);
		http_free(&h);
	}
	assert_int_equal(backlog, 0);
}

static void test_events_malformed(void **state)
{
	struct group *g = *state;
	const struct central *c = &g->c;
	char before[80];
	feed_end(c, TOKEN_AGENT, "all", before);
	static const char truncated[] = "{\"events\":[" CUSTOMER("CXT", "Cut Short");
	static const char *const bad[] = {
		"",
		truncated,
		"{\"events\":[",
		"{",
		"null",
		"[]",
		"{\"events\":{}}",
		"{\"events\":[],\"more\":1}",
		"{\"events\":[]} trailing",
		"{\"events\":[" CUSTOMER("CXT", "Twice") "],\"events\":[]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct http h = http_post(c, "/v1/events", TOKEN_INGEST, bad[i]);
		if (h.status != 400)
			fail_msg("bad[%zu] '%.80s': HTTP %ld, expected 400: %.300s", i, bad[i],
				 h.status, h.body);
		json_decref(http_json(&h));
		http_free(&h);
	}
	/* the truncated one says it is not JSON */
	expect_error(http_post(c, "/v1/events", TOKEN_INGEST, truncated), 400, "bad_json");
	/* a NUL byte inside */
	static const char nul[] = "{\"events\":[" CUSTOMER("CXT", "N\0L") "]}";
	struct http h = http_do(c, &(struct http_req){ .method = "POST", .path = "/v1/events",
		.token = TOKEN_INGEST, .body = nul, .len = sizeof nul - 1 });
	expect_status(h, 400);
	http_free(&h);
	json_t *since = feed_since(c, TOKEN_AGENT, "all", before);
	assert_int_equal(json_array_size(since), 0);
	json_decref(since);
	expect_error(get(c, TOKEN_AGENT, "/v1/customers/CXT"), 404, "not_found");
}

/* irm-central load: JSON lines into the store, all or nothing, and
 * published, so that a server started on it serves them; a leg flown in
 * the file credits its customer, published with the miles. A bad line is
 * reported by its number and leaves the store as it was. */
static void test_load(void **state)
{
	struct central_dir *d = *state;
	struct central c;
	char good[4400], flown[4400], bad[4400], log[4300], end[80];
	snprintf(good, sizeof good, "%s/good.jsonl", d->dir);
	snprintf(bad, sizeof bad, "%s/bad.jsonl", d->dir);
	file_write_mode(good,
			"{\"kind\":\"customer\",\"data\":{\"id\":\"L1\",\"name\":\"Lee Park\","
			"\"lifetime_miles\":998976}}\n"
			"{\"kind\":\"trip\",\"data\":{\"id\":\"LT1\",\"passengers\":[{\"customer_id\":"
			"\"L1\"}],\"segments\":[{\"id\":\"LS1\",\"carrier\":\"UA\",\"flight\":\"1234\","
			"\"origin\":\"DEN\",\"destination\":\"SEA\",\"departure\":"
			"\"2026-11-22T08:15:00-07:00\",\"cabin\":\"J\",\"status\":\"booked\"}]}}\n",
			0600);
	snprintf(flown, sizeof flown, "%s/flown.jsonl", d->dir);
	file_write_mode(flown,
			"{\"kind\":\"segment_status\",\"data\":{\"segment_id\":\"LS1\",\"status\":"
			"\"flown\",\"at\":\"2026-11-22T10:41:00-08:00\"}}\n",
			0600);
	const char *files[] = { good, flown };
	char *text;
	for (int i = 0; i < 2; i++) {  /* the leg flown by a load of its own */
		central_dir_path(d, "load", "log", log, sizeof log);
		assert_int_equal(central_run((const char *const[]){ "load", files[i], "--db", d->db,
								  NULL }, log, 60), 0);
		text = file_read(log);
		assert_non_null(strstr(text, i ? "loaded 1 records" : "loaded 2 records"));
		free(text);
	}

	central_start(&c, d, NULL);
	json_t *j = customer_get(&c, "L1");
	assert_int_equal(int_at(json_object_get(j, "customer"), "lifetime_miles"), 1000000);
	json_decref(j);
	json_t *feed = feed_since(&c, TOKEN_AGENT, "customers:L1", "");
	json_t *cu = find_change(feed, "customer", "L1"), *t = find_change(feed, "trip", "LT1");
	assert_non_null(cu);
	assert_int_equal(int_at(json_object_get(cu, "data"), "lifetime_miles"), 1000000);
	assert_non_null(t);
	assert_string_equal(str_at(json_array_get(json_object_get(json_object_get(t, "data"),
								  "segments"), 0), "status"), "flown");
	json_decref(feed);
	feed_end(&c, TOKEN_AGENT, "all", end);
	assert_int_equal(central_stop(&c), 0);

	file_write_mode(bad,
			"{\"kind\":\"customer\",\"data\":{\"id\":\"L2\",\"name\":\"Ann Lee\"}}\n"
			"{\"kind\":\"trip\",\"data\":\n",
			0600);
	central_dir_path(d, "load", "log", log, sizeof log);
	assert_int_not_equal(central_run((const char *const[]){ "load", bad, "--db", d->db, NULL },
					 log, 60), 0);
	text = file_read(log);
	assert_non_null(strstr(text, "bad.jsonl:2:"));
	free(text);
	central_start(&c, d, NULL);
	feed = feed_since(&c, TOKEN_AGENT, "all", end);
	assert_int_equal(json_array_size(feed), 0);
	json_decref(feed);
	struct http h = get(&c, TOKEN_AGENT, "/v1/customers/L2");
	expect_status(h, 404);
	http_free(&h);
	assert_int_equal(central_stop(&c), 0);
}

/* --- the server's life --------------------------------------------------------------------- */

static void test_max_body(void **state)
{
	struct central_dir *d = *state;
	struct central c;
	dir_demo(d);
	central_start(&c, d, (const char *const[]){ "--max-body", "2048", NULL });

	char *big = malloc(4200);
	size_t n = (size_t)sprintf(big, "{\"events\":[]");
	memset(big + n, ' ', 4096 - n - 1);
	big[4095] = '}';
	big[4096] = '\0';
	const char *msg = expect_error(http_post(&c, "/v1/events", TOKEN_INGEST, big), 413,
				       "too_large");
	assert_non_null(strstr(msg, "2048"));  /* says how much it takes */
	/* the same without a length: chunks until it is too much */
	struct http h = http_do(&c, &(struct http_req){ .method = "POST", .path = "/v1/events",
		.token = TOKEN_INGEST, .body = big, .len = 4096, .chunked = true });
	expect_error(h, 413, "too_large");
	memcpy(big, "{\"console_id\":\"a\",\"actions\":[]", 30);
	expect_error(http_post(&c, "/v1/actions", TOKEN_AGENT, big), 413, "too_large");
	/* under the limit it is taken, chunked or not */
	h = http_do(&c, &(struct http_req){ .method = "POST", .path = "/v1/events",
		.token = TOKEN_INGEST, .body = big + 2048, .len = 2048, .chunked = true });
	expect_status(h, 400);  /* spaces then '}': not JSON, but read whole */
	http_free(&h);
	h = http_post(&c, "/v1/events", TOKEN_INGEST, "{\"events\":[]}");
	expect_status(h, 200);
	http_free(&h);
	free(big);
	assert_int_equal(central_stop(&c), 0);
}

static void test_restart(void **state)
{
	struct central_dir *d = *state;
	struct central c;
	dir_demo(d);
	central_start(&c, d, NULL);
	char end[80], end_den[80];
	feed_end(&c, TOKEN_AGENT, "all", end);
	feed_end(&c, TOKEN_KIOSK, "station:DEN", end_den);
	struct http h = http_get(&c, "/v1/health", NULL);
	json_t *j = http_json(&h);
	char epoch[40];
	snprintf(epoch, sizeof epoch, "%s", str_at(j, "epoch"));
	json_decref(j);
	http_free(&h);
	assert_int_equal(central_stop(&c), 0);
	char *log = central_log(&c);
	assert_non_null(strstr(log, "stopped"));
	free(log);

	central_start(&c, d, NULL);
	h = http_get(&c, "/v1/health", NULL);
	j = http_json(&h);
	assert_string_equal(str_at(j, "epoch"), epoch);
	json_decref(j);
	http_free(&h);
	for (int k = 0; k < 2; k++) {
		h = get(&c, k ? TOKEN_KIOSK : TOKEN_AGENT, "/v1/changes?scope=%s&cursor=%s",
			k ? "station:DEN" : "all", k ? end_den : end);
		expect_status(h, 200);
		j = http_json(&h);
		assert_int_equal(json_array_size(json_object_get(j, "changes")), 0);
		assert_string_equal(str_at(j, "cursor"), k ? end_den : end);
		json_decref(j);
		http_free(&h);
	}
	/* and the new run carries on from there */
	h = http_post(&c, "/v1/events", TOKEN_INGEST, S1_FLOWN);
	expect_status(h, 200);
	http_free(&h);
	json_t *since = feed_since(&c, TOKEN_AGENT, "all", end);
	assert_non_null(find_change(since, "trip", "T1"));
	json_decref(since);
	assert_int_equal(central_stop(&c), 0);
}

static void test_sigterm_longpoll(void **state)
{
	struct central_dir *d = *state;
	struct central c;
	dir_demo(d);
	central_start(&c, d, NULL);
	char end[80];
	feed_end(&c, TOKEN_AGENT, "all", end);
	struct poll_job p;
	poll_start(&p, &c, TOKEN_AGENT, "all", end, 30);
	sleep_ms(500);
	double t0 = mono_s();
	int st = central_stop(&c);
	double stopped = mono_s() - t0;
	pthread_join(p.t, NULL);
	assert_int_equal(st, 0);
	assert_true(stopped < 4);
	expect_status(p.res, 200);
	if (p.res.secs > 4)
		fail_msg("the parked long-poll was answered after %.2f s", p.res.secs);
	json_t *j = http_json(&p.res);
	assert_int_equal(json_array_size(json_object_get(j, "changes")), 0);
	assert_string_equal(str_at(j, "cursor"), end);
	json_decref(j);
	http_free(&p.res);
	/* gone: nothing answers any more */
	struct http h = http_get(&c, "/v1/health", NULL);
	assert_true(h.rc != CURLE_OK);
	http_free(&h);
}

/* SIGTERM with a request in flight (its answer stalled half way by an
 * injected fault): a connection made during the drain is closed unanswered,
 * the request in flight is answered whole, and the server exits 0. */
static void test_sigterm_drains_in_flight(void **state)
{
	struct central_dir *d = *state;
	struct central c;
	struct poll_job p;
	dir_demo(d);
	central_start(&c, d, (const char *const[]){ "--faults", "stall=20:health:1", NULL });
	memset(&p, 0, sizeof p);
	p.c = &c;
	snprintf(p.path, sizeof p.path, "/v1/health");
	assert_int_equal(pthread_create(&p.t, NULL, poll_run, &p), 0);
	sleep_ms(500);  /* half of its answer sent, the rest stalled */
	kill(c.pid, SIGTERM);
	double until = mono_s() + 5;
	char *log = central_log(&c);
	while (!strstr(log, "draining") && mono_s() < until) {
		free(log);
		sleep_ms(10);
		log = central_log(&c);
	}
	assert_non_null(strstr(log, "draining 1 requests"));
	free(log);
	struct http late = http_get(&c, "/v1/health", NULL);
	assert_true(late.rc != CURLE_OK);
	http_free(&late);
	pthread_join(p.t, NULL);
	expect_status(p.res, 200);
	json_t *j = http_json(&p.res);
	assert_non_null(json_object_get(j, "epoch"));
	json_decref(j);
	http_free(&p.res);
	assert_int_equal(central_stop(&c), 0);
}

/* The station window moves with the clock: started again two days later,
 * the server's sweep evicts what left DEN's window (a long-poll from the old
 * cursor wakes for it); days later with tombstones kept a day, that cursor
 * is too old: 410 expired. */
static void test_station_window(void **state)
{
	struct central_dir *d = *state;
	struct central c;
	dir_demo(d);
	central_start(&c, d, NULL);
	char den[80];
	feed_end(&c, TOKEN_AGENT, "station:DEN", den);
	assert_int_equal(central_stop(&c), 0);

	setenv("IRM_NOW", "2026-11-24T09:00:00-07:00", 1);
	central_start(&c, d, NULL);
	setenv("IRM_NOW", CENTRAL_NOW, 1);
	struct http h = get(&c, TOKEN_KIOSK, "/v1/changes?scope=station:DEN&cursor=%s&wait=10", den);
	expect_status(h, 200);
	assert_true(h.secs < 5);
	json_t *j = http_json(&h);
	json_t *changes = json_object_get(j, "changes");
	static const char *const gone[][2] = { { "trip", "T1" }, { "customer", "C1" },
					       { "alert", ALERT_MILES } };
	for (size_t i = 0; i < 3; i++) {
		json_t *ch = find_change(changes, gone[i][0], gone[i][1]);
		if (!ch)
			fail_msg("no eviction of %s %s: %.600s", gone[i][0], gone[i][1], h.body);
		assert_string_equal(str_at(ch, "op"), "evict");
		assert_true(json_is_null(json_object_get(ch, "data")));
	}
	json_decref(j);
	http_free(&h);
	/* the rows themselves are still there */
	j = customer_get(&c, "C1");
	assert_string_equal(str_at(json_object_get(j, "customer"), "id"), "C1");
	json_decref(j);
	assert_int_equal(central_stop(&c), 0);

	setenv("IRM_NOW", "2026-11-28T09:00:00-07:00", 1);
	central_start(&c, d, (const char *const[]){ "--tombstone-days", "1", NULL });
	setenv("IRM_NOW", CENTRAL_NOW, 1);
	double until = mono_s() + 5;
	for (;;) {  /* the first sweep runs just after the start */
		h = get(&c, TOKEN_KIOSK, "/v1/changes?scope=station:DEN&cursor=%s", den);
		if (h.status == 410 || mono_s() > until)
			break;
		http_free(&h);
		sleep_ms(50);
	}
	expect_status(h, 410);
	j = http_json(&h);
	assert_string_equal(str_at(j, "error"), "must_refetch");
	assert_string_equal(str_at(j, "reason"), "expired");
	json_decref(j);
	http_free(&h);
	/* a fetch from the start is the way back */
	char end[80];
	json_t *all = fetch_all(&c, TOKEN_KIOSK, "station:DEN", "", 1000, end, NULL);
	assert_null(find_change(all, "trip", "T1"));
	json_decref(all);
	assert_int_equal(central_stop(&c), 0);
}

static void test_faults(void **state)
{
	struct central_dir *d = *state;
	struct central c;
	char v[100];
	dir_demo(d);
	central_start(&c, d, (const char *const[]){
		"--faults", "500:changes,429=2:search,truncate:changes,drop:actions", NULL });
	char *log = central_log(&c);
	assert_non_null(strstr(log, "FAULT INJECTION IS ON"));
	free(log);

	expect_error(get(&c, TOKEN_AGENT, "/v1/changes?scope=all&limit=20"), 500, "internal");
	struct http h = get(&c, TOKEN_AGENT, "/v1/search?q=brewer");
	expect_status(h, 429);
	assert_non_null(http_header(&h, "Retry-After", v, sizeof v));
	assert_string_equal(v, "2");
	http_free(&h);
	/* half a body as if it were whole */
	h = get(&c, TOKEN_AGENT, "/v1/changes?scope=all&limit=20");
	expect_status(h, 200);
	assert_true(h.len > 0);
	assert_null(json_loadb(h.body, h.len, 0, NULL));
	http_free(&h);
	/* each rule was once: now both answer whole */
	h = get(&c, TOKEN_AGENT, "/v1/changes?scope=all&limit=20");
	expect_status(h, 200);
	json_decref(http_json(&h));
	http_free(&h);
	h = get(&c, TOKEN_AGENT, "/v1/search?q=brewer");
	expect_status(h, 200);
	json_decref(http_json(&h));
	http_free(&h);

	/* the answer to an action is cut: the client cannot know... */
	static const char body[] = "{\"console_id\":\"flaky\",\"actions\":[{\"seq\":1,\"kind\":"
				   "\"alert.ack\",\"alert_id\":\"" ALERT_MILES "\",\"who\":\"ana\"}]}";
	h = http_post(&c, "/v1/actions", TOKEN_AGENT, body);
	if (h.rc == CURLE_OK)
		fail_msg("a dropped answer came whole: HTTP %ld %.300s", h.status, h.body);
	http_free(&h);
	/* ...so it sends it again, and learns it was applied */
	json_t *res = act(&c, TOKEN_AGENT, body);
	expect_result(res, 0, 1, "duplicate", NULL);
	json_t *was = json_object_get(json_array_get(res, 0), "result");
	assert_string_equal(str_at(was, "status"), "applied");
	assert_string_equal(str_at(was, "state"), "acknowledged");
	json_decref(res);
	assert_int_equal(central_stop(&c), 0);
}

static void test_tokens_mode(void **state)
{
	struct central_dir *d = *state;
	char log[4300], port[4300];
	central_dir_path(d, "server", "log", log, sizeof log);
	central_dir_path(d, "port", "txt", port, sizeof port);
	assert_int_equal(chmod(d->tokens, 0644), 0);
	int st = central_run((const char *const[]){ "serve", "--db", d->db, "--listen", "127.0.0.1:0",
						    "--tokens", d->tokens, "--port-file", port, NULL },
			     log, 10);
	char *text = file_read(log);
	assert_non_null(text);
	if (st <= 0 || !strstr(text, "chmod"))
		fail_msg("a 0644 tokens file: status %d, %.400s", st, text);
	assert_non_null(strstr(text, d->tokens));
	assert_int_not_equal(access(port, F_OK), 0);
	free(text);
	/* group-readable alone is refused too */
	assert_int_equal(chmod(d->tokens, 0640), 0);
	st = central_run((const char *const[]){ "serve", "--db", d->db, "--listen", "127.0.0.1:0",
						"--tokens", d->tokens, NULL }, log, 10);
	assert_true(st > 0);
}

static void test_tokens_bad_line(void **state)
{
	struct central_dir *d = *state;
	static const struct { const char *text; int line; } files[] = {
		{ TOKEN_AGENT " agent\nshorttok agent\n", 2 },
		{ "# comment\n\n" TOKEN_AGENT " agent\n" TOKEN_KIOSK " kiosk\n", 4 },
		{ TOKEN_AGENT " agent\n" TOKEN_KIOSK " kiosk XXX\n", 2 },
		{ TOKEN_AGENT " wizard\n", 1 },
		{ TOKEN_AGENT " agent\n" TOKEN_AGENT " supervisor\n", 2 },
		{ TOKEN_AGENT " agent DEN\n", 1 },
	};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		char path[4300], log[4300], want[4400];
		central_dir_path(d, "tokens", "txt", path, sizeof path);
		central_dir_path(d, "server", "log", log, sizeof log);
		file_write_mode(path, files[i].text, 0600);
		int st = central_run((const char *const[]){ "serve", "--db", d->db, "--listen",
							    "127.0.0.1:0", "--tokens", path, NULL },
				     log, 10);
		char *text = file_read(log);
		snprintf(want, sizeof want, "%s:%d:", path, files[i].line);
		if (st <= 0 || !text || !strstr(text, want))
			fail_msg("tokens file %zu: status %d, expected a message naming %s: %.400s", i,
				 st, want, text ? text : "");
		/* the message never repeats a token */
		assert_null(strstr(text, TOKEN_AGENT));
		free(text);
	}
}

static void test_request_log(void **state)
{
	struct central_dir *d = *state;
	struct central c;
	dir_demo(d);
	central_start(&c, d, NULL);
	static const char secret_q[] = "Zorblaxian";
	struct http h = get(&c, TOKEN_AGENT, "/v1/changes?scope=all&limit=10");
	expect_status(h, 200);
	http_free(&h);
	h = get(&c, TOKEN_AGENT, "/v1/search?q=%s", secret_q);
	expect_status(h, 200);
	http_free(&h);
	h = get(&c, TOKEN_SUPERVISOR, "/v1/search?q=%s&limit=500", secret_q);
	expect_status(h, 400);
	http_free(&h);
	h = get(&c, TOKEN_BAD, "/v1/search?q=%s", secret_q);
	expect_status(h, 401);
	http_free(&h);
	h = get(&c, TOKEN_KIOSK, "/v1/customers/C1");
	expect_status(h, 200);
	http_free(&h);
	h = http_post(&c, "/v1/events", TOKEN_INGEST, "{\"events\":[]}");
	expect_status(h, 200);
	http_free(&h);
	assert_int_equal(central_stop(&c), 0);

	char *log = central_log(&c);
	if (!strstr(log, "GET /v1/changes 200"))
		fail_msg("no 'GET /v1/changes 200' in the log: %.800s", log);
	assert_non_null(strstr(log, "GET /v1/search 200"));
	assert_non_null(strstr(log, "GET /v1/search 400"));
	assert_non_null(strstr(log, "GET /v1/search 401"));
	assert_non_null(strstr(log, "POST /v1/events 200"));
	static const char *const secrets[] = { TOKEN_AGENT, TOKEN_SUPERVISOR, TOKEN_KIOSK,
					       TOKEN_INGEST, TOKEN_BAD, secret_q, "Bearer",
					       "scope=", "q=" };
	for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
		if (strstr(log, secrets[i]))
			fail_msg("the log holds '%s': %.800s", secrets[i], log);
	free(log);
}

int main(void)
{
	setenv("IRM_NOW", CENTRAL_NOW, 1);
	unsetenv("IRM_CENTRAL_DB");
	unsetenv("IRM_CENTRAL_TOKENS");
	unsetenv("IRM_CENTRAL_FAULTS");
	signal(SIGPIPE, SIG_IGN);
	if (access(central_bin(), X_OK) != 0) {
		fprintf(stderr, "test_central: %s: not found (set CENTRAL_BIN)\n", central_bin());
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* CENTRAL_SKIP=PATTERN leaves out tests by name (cmocka's pattern) */
	if (getenv("CENTRAL_SKIP") && *getenv("CENTRAL_SKIP"))
		cmocka_set_skip_filter(getenv("CENTRAL_SKIP"));

	const struct CMUnitTest reads[] = {
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_thread_names),
		cmocka_unit_test(test_unauthorized),
		cmocka_unit_test(test_forbidden),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_bad_query),
		cmocka_unit_test(test_changes_all_pages),
		cmocka_unit_test(test_changes_customer_scope),
		cmocka_unit_test(test_changes_station_kiosk),
		cmocka_unit_test(test_refetch),
		cmocka_unit_test(test_no_faults),
	};
	/* in this order: each builds on the store the one before left */
	const struct CMUnitTest writes[] = {
		cmocka_unit_test(test_longpoll_wakes),
		cmocka_unit_test(test_longpoll_other_customer),
		cmocka_unit_test(test_actions_duplicate),
		cmocka_unit_test(test_actions_two_consoles),
		cmocka_unit_test(test_actions_console_of_another_token),
		cmocka_unit_test(test_actions_note_id_taken),
		cmocka_unit_test(test_actions_batch),
		cmocka_unit_test(test_actions_note),
		cmocka_unit_test(test_actions_kiosk),
		cmocka_unit_test(test_actions_kiosk_greet_elsewhere),
		cmocka_unit_test(test_actions_envelope),
		cmocka_unit_test(test_events_bad),
		cmocka_unit_test(test_events_bad_utf8),
		cmocka_unit_test(test_events_good),
		cmocka_unit_test(test_events_malformed),
		cmocka_unit_test(test_events_publish_later),
	};
	const struct CMUnitTest life[] = {
		cmocka_unit_test_setup_teardown(test_max_body, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_load, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_restart, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_sigterm_drains_in_flight, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_sigterm_longpoll, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_station_window, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_faults, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_tokens_mode, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_tokens_bad_line, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_request_log, dir_setup, dir_teardown),
	};
	int failed = cmocka_run_group_tests_name("central reads", reads, group_setup, group_teardown);
	failed += cmocka_run_group_tests_name("central writes", writes, group_setup, group_teardown);
	failed += cmocka_run_group_tests_name("central life", life, NULL, NULL);
	central_reap_all();
	curl_global_cleanup();
	return failed ? 1 : 0;
}
