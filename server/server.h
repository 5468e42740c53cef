/* server.h — the running irm-central: what the HTTP layer (http.c) and
 * the endpoints (api.c) share.
 *
 * The flow of a request: libmicrohttpd calls http.c's handler on one of
 * its pool's threads; it finds the route, checks the token and the method,
 * gathers the body, then calls the endpoint (api.c), which fills a reply.
 * A long-poll with nothing to send yet replies `suspend`: the connection is
 * parked (MHD_suspend_connection) on the waiters list, costing no thread,
 * until a publish touches one of its scope's keys, its wait runs out, or
 * the server stops; then the endpoint runs again. */
#ifndef IRM_SERVER_SERVER_H
#define IRM_SERVER_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faults.h"
#include "rules.h"
#include "store.h"
#include "tokens.h"

struct MHD_Daemon;
struct MHD_Connection;

struct server_opts {
	const char *db_path;
	const char *listen;         /* "127.0.0.1:8080", "[::1]:8080" */
	const char *tokens_path;
	const char *port_file;      /* written with the port once listening, or NULL */
	const char *faults;         /* a fault spec (faults.h), or NULL */
	int threads;
	size_t max_body;
	int drain_seconds;
	struct store_opts store;
};

struct waiter;

struct server {
	struct server_opts o;
	struct MHD_Daemon *daemon;
	struct tokens tokens;
	struct rules rules;
	struct faults *faults;
	atomic_long in_flight;
	atomic_bool stopping;
	atomic_llong known_seq;     /* the feed's end after our own last publish:
				     * beyond it, another process wrote */

	pthread_mutex_t lock;       /* guards what follows */
	struct waiter *waiters;     /* parked long-polls */
	size_t n_waiting;
	uint64_t generation;        /* counts publishes: a long-poll that saw
				     * another generation looks again */
	struct store **stores;      /* one per thread that asked */
	size_t n_stores, cap_stores;
	pthread_cond_t publish_cond;  /* the publisher waits on it */
	bool publish_wanted;        /* rows were left for the publisher */
};

/* A reply an endpoint fills: status and JSON body (malloc'd). */
struct reply {
	int status;
	char *body;
	size_t len;
	int retry_after;            /* seconds, or 0 */
	bool suspend;               /* a long-poll with nothing yet: park it */
};

/* What an endpoint is given. */
struct request {
	struct server *srv;
	struct MHD_Connection *con;
	const struct route *route;
	const struct principal *who;
	const char *url;            /* the path */
	char *body;                 /* the uploaded body, NUL-terminated */
	size_t len, cap;
	bool too_big;
	bool started;
	struct fault fault;         /* injected into this request's answer */
	/* a long-poll */
	int64_t deadline_ms;        /* when its wait runs out (monotonic) */
	uint64_t generation;        /* the generation its last look saw */
	char **keys;                /* the scope's keys, while parked */
	size_t n_keys;
	bool parked;
	/* for the log */
	int64_t t0_us;
	int status;
	size_t sent;
	char method[8];
	char path[160];
};

struct route {
	const char *path;           /* exact, or a prefix ending in '/' */
	const char *name;           /* for faults and the log: "changes" */
	const char *method;         /* "GET" or "POST" */
	unsigned roles;             /* bit per enum role; 0: no token needed */
	void (*fn)(struct request *r, struct reply *out);
};

/* The endpoints, in api.c. */
extern const struct route api_routes[];
extern const size_t api_n_routes;

/* The store of the calling thread (opened on first use). NULL with e set. */
struct store *server_store(struct server *s, struct irm_err *e);
/* After a commit: wake the long-polls waiting on any of these keys. */
void server_wake(struct server *s, const struct store_keys *keys);
/* After a commit that left rows for the publisher thread: publish them
 * (store_round_read, store_round_write) soon. */
void server_publish_soon(struct server *s);
/* After our own commit: the feed's end as it now is. */
void server_note_seq(struct server *s, int64_t seq);
uint64_t server_generation(struct server *s);
int64_t server_mono_ms(void);

/* Replies. */
void reply_json(struct reply *out, int status, char *body, size_t len);
void reply_error(struct reply *out, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Run until SIGTERM or SIGINT; 0 when it stopped cleanly. */
int server_run(const struct server_opts *o);

#endif
