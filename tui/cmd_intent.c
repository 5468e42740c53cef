/* cmd_intent.c — `irm intent --eval FILE`: how well the intent engine
 * (core/intent.c) finds the true intent of labelled trips: accuracy,
 * precision and recall per intent, and the confusion matrix. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "context.h"
#include "intent.h"
#include "mem.h"
#include "record.h"

/* A line of the demo's side file: the trip is in the cache. */
struct labelled {
	long line;
	char *trip_id, *customer_id;
	enum intent truth;
};

struct eval {
	const char *path;
	const struct intent_weights *w;
	struct labelled *v;
	size_t n, cap;
	long confusion[INTENT_COUNT][INTENT_COUNT];
	long inferred;              /* trips run through the engine, history included */
	double seconds;             /* spent in it */
};

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static enum irm_status line_error(struct eval *ev, long line, struct irm_err *e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum irm_status line_error(struct eval *ev, long line, struct irm_err *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vset(e, IRM_EINPUT, fmt, ap);
	va_end(ap);
	err_prefix(e, "%s:%ld", ev->path, line);
	return IRM_EINPUT;
}

/* The string member `key` of o, or an error naming it. */
static enum irm_status member_str(struct eval *ev, long line, const json_t *o, const char *key,
				  const char **out, struct irm_err *e)
{
	const json_t *v = json_object_get(o, key);
	if (!v)
		return line_error(ev, line, e, "%s: missing", key);
	if (!json_is_string(v) || !json_string_length(v))
		return line_error(ev, line, e, "%s: not a non-empty string", key);
	*out = json_string_value(v);
	return IRM_OK;
}

/* o's "true_intent"; field is how messages name it. */
static enum irm_status truth_of(struct eval *ev, long line, const json_t *o, const char *field,
				enum intent *out, struct irm_err *e)
{
	const json_t *v = json_object_get(o, "true_intent");
	if (!v)
		return line_error(ev, line, e, "%s: missing", field);
	if (!json_is_string(v))
		return line_error(ev, line, e, "%s: not a string", field);
	if (!model_intent_parse(json_string_value(v), out))
		return line_error(ev, line, e, "%s: '%.40s' is not business, leisure or vfr", field,
				  json_string_value(v));
	return IRM_OK;
}

/* {"trip_id","customer_id","true_intent"}: kept for the pass over the cache. */
static enum irm_status add_labelled(struct eval *ev, long line, const json_t *o, struct irm_err *e)
{
	const char *trip, *customer;
	enum intent truth;
	enum irm_status s = member_str(ev, line, o, "trip_id", &trip, e);
	if (s == IRM_OK)
		s = member_str(ev, line, o, "customer_id", &customer, e);
	if (s == IRM_OK)
		s = truth_of(ev, line, o, "true_intent", &truth, e);
	if (s != IRM_OK)
		return s;
	if (ev->n == ev->cap) {
		ev->cap = ev->cap ? 2 * ev->cap : 1024;
		ev->v = xrealloc(ev->v, ev->cap * sizeof *ev->v);
	}
	ev->v[ev->n++] = (struct labelled){ line, xstrdup(trip), xstrdup(customer), truth };
	return IRM_OK;
}

/* {"kind":"trip","data":{…,"true_intent":…}}: inferred on its own. Other
 * kinds of record are skipped. */
static enum irm_status eval_record(struct eval *ev, long line, const json_t *o, struct irm_err *e)
{
	const json_t *kind = json_object_get(o, "kind"), *data = json_object_get(o, "data");
	if (!json_is_string(kind))
		return line_error(ev, line, e, "kind: not a string");
	if (strcmp(json_string_value(kind), "trip") != 0)
		return IRM_OK;
	if (!json_is_object(data))
		return line_error(ev, line, e, "data: not an object");

	enum intent truth;
	if (truth_of(ev, line, data, "data.true_intent", &truth, e) != IRM_OK)
		return IRM_EINPUT;
	struct arena a = { 0 };
	struct record rec;
	enum irm_status s = record_from_json(o, &a, &rec, e);
	if (s != IRM_OK) {
		arena_free(&a);
		err_prefix(e, "%s:%ld", ev->path, line);
		return IRM_EINPUT;
	}
	/* the customer is the first member on board, home unknown */
	struct customer cu = { .birth_date = DATE_NONE, .member_since = DATE_NONE };
	for (size_t i = 0; i < rec.u.trip.n_passengers && !cu.id; i++)
		cu.id = rec.u.trip.passengers[i].customer_id;
	struct intent_result r;
	double t0 = now_seconds();
	intent_infer(ev->w, &cu, &rec.u.trip, 1, 0, &r);
	ev->seconds += now_seconds() - t0;
	ev->inferred++;
	ev->confusion[truth][r.label]++;
	arena_free(&a);
	return IRM_OK;
}

static enum irm_status read_file(struct eval *ev, FILE *f, struct irm_err *e)
{
	char *buf = NULL;
	size_t size = 0;
	ssize_t len;
	long line = 0;
	enum irm_status s = IRM_OK;

	while (s == IRM_OK && (len = getline(&buf, &size, f)) >= 0) {
		line++;
		size_t i = 0;
		while (i < (size_t)len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
			i++;
		if (i == (size_t)len)
			continue;
		json_error_t jerr;
		json_t *o = json_loadb(buf, (size_t)len, 0, &jerr);
		if (!o)
			s = line_error(ev, line, e, "not JSON: %s", jerr.text);
		else if (!json_is_object(o))
			s = line_error(ev, line, e, "not a JSON object");
		else if (json_object_get(o, "trip_id"))
			s = add_labelled(ev, line, o, e);
		else if (json_object_get(o, "kind"))
			s = eval_record(ev, line, o, e);
		else
			s = line_error(ev, line, e, "neither {\"trip_id\",\"customer_id\",\"true_intent\"}"
				       " nor a record {\"kind\":\"trip\",\"data\":{…}}");
		json_decref(o);
	}
	if (s == IRM_OK && ferror(f))
		s = err_set(e, IRM_EINPUT, "%s: %s", ev->path, strerror(errno));
	free(buf);
	return s;
}

static int by_customer(const void *pa, const void *pb)
{
	const struct labelled *a = pa, *b = pb;
	int c = strcmp(a->customer_id, b->customer_id);
	return c ? c : (a->line > b->line) - (a->line < b->line);
}

/* The labelled trips of the side file: each customer's context is loaded
 * once and all its trips inferred together. */
static enum irm_status eval_cached(struct eval *ev, struct cli *cli, struct irm_err *e)
{
	struct cache *c;
	enum irm_status s = cli_open_cache(cli, 0, &c, e);
	if (s != IRM_OK)
		return s;
	qsort(ev->v, ev->n, sizeof *ev->v, by_customer);
	struct intent_result *res = NULL;
	size_t res_cap = 0;
	for (size_t i = 0; s == IRM_OK && i < ev->n; ) {
		size_t end = i + 1;
		while (end < ev->n && strcmp(ev->v[end].customer_id, ev->v[i].customer_id) == 0)
			end++;
		struct customer_context x;
		s = context_load(c, ev->v[i].customer_id, &x, e);
		if (s == IRM_ENOTFOUND) {
			err_clear(e);
			s = line_error(ev, ev->v[i].line, e, "customer '%s' is not in the cache",
				       ev->v[i].customer_id);
		}
		if (s != IRM_OK)
			break;
		if (x.n_trips > res_cap) {
			res_cap = x.n_trips;
			res = xrealloc(res, res_cap * sizeof *res);
		}
		double t0 = now_seconds();
		intent_infer_all(ev->w, &x.customer, x.trips, x.n_trips, res);
		ev->seconds += now_seconds() - t0;
		ev->inferred += (long)x.n_trips;
		for (size_t k = i; k < end && s == IRM_OK; k++) {
			size_t t = 0;
			while (t < x.n_trips && strcmp(x.trips[t].id, ev->v[k].trip_id) != 0)
				t++;
			if (t == x.n_trips)
				s = line_error(ev, ev->v[k].line, e,
					       "trip '%s' of customer '%s' is not in the cache",
					       ev->v[k].trip_id, ev->v[k].customer_id);
			else
				ev->confusion[ev->v[k].truth][res[t].label]++;
		}
		context_free(&x);
		i = end;
	}
	free(res);
	cache_close(&c);
	return s;
}

static double ratio(long a, long b)
{
	return b ? (double)a / (double)b : 0;
}

static json_t *ratio_json(long a, long b)
{
	return b ? json_real((double)(long)(ratio(a, b) * 10000 + 0.5) / 10000) : json_null();
}

static void report(const struct eval *ev, long total, long right, bool json)
{
	long truth[INTENT_COUNT] = { 0 }, inferred[INTENT_COUNT] = { 0 };
	for (int i = 0; i < INTENT_COUNT; i++)
		for (int j = 0; j < INTENT_COUNT; j++) {
			truth[i] += ev->confusion[i][j];
			inferred[j] += ev->confusion[i][j];
		}
	if (json) {
		json_t *o = json_object(), *per = json_object(), *conf = json_object();
		json_object_set_new(o, "trips", json_integer(total));
		json_object_set_new(o, "correct", json_integer(right));
		json_object_set_new(o, "accuracy", ratio_json(right, total));
		for (int i = 0; i < INTENT_COUNT; i++) {
			json_t *row = json_object();
			json_object_set_new(per, model_intent_name((enum intent)i), json_pack("{s:I, s:I, s:o, s:o}",
				"trips", (json_int_t)truth[i], "inferred", (json_int_t)inferred[i],
				"precision", ratio_json(ev->confusion[i][i], inferred[i]),
				"recall", ratio_json(ev->confusion[i][i], truth[i])));
			for (int j = 0; j < INTENT_COUNT; j++)
				json_object_set_new(row, model_intent_name((enum intent)j),
						    json_integer(ev->confusion[i][j]));
			json_object_set_new(conf, model_intent_name((enum intent)i), row);
		}
		json_object_set_new(o, "intents", per);
		json_object_set_new(o, "confusion", conf);
		cli_print_json(o);
		return;
	}

	char a[32], b[32];
	printf("%s labelled trips: accuracy %.1f%% (%s right)\n\n", cli_thousands(total, a),
	       100 * ratio(right, total), cli_thousands(right, b));
	printf("intent      precision   recall      trips\n");
	for (int i = 0; i < INTENT_COUNT; i++) {
		char p[16] = "–", r[16] = "–";
		if (inferred[i])
			snprintf(p, sizeof p, "%.1f%%", 100 * ratio(ev->confusion[i][i], inferred[i]));
		if (truth[i])
			snprintf(r, sizeof r, "%.1f%%", 100 * ratio(ev->confusion[i][i], truth[i]));
		printf("%-10s %*s %*s %10s\n", model_intent_name((enum intent)i),
		       10 + (inferred[i] ? 0 : 2), p, 8 + (truth[i] ? 0 : 2), r, cli_thousands(truth[i], a));
	}
	printf("\nconfusion (rows: true intent, columns: inferred)\n%-10s", "");
	for (int j = 0; j < INTENT_COUNT; j++)
		printf(" %10s", model_intent_name((enum intent)j));
	fputc('\n', stdout);
	for (int i = 0; i < INTENT_COUNT; i++) {
		printf("%-10s", model_intent_name((enum intent)i));
		for (int j = 0; j < INTENT_COUNT; j++)
			printf(" %10s", cli_thousands(ev->confusion[i][j], a));
		fputc('\n', stdout);
	}
}

static enum irm_status run_intent(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "eval", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *path = NULL;
	bool json = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "e:jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'e': path = optarg; break;
		case 'j': json = true; break;
		case 'h': return cli_help(&cmd_intent);
		default: return cli_usage(&cmd_intent, "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage(&cmd_intent, "unexpected argument '%s'", argv[optind]);
	if (!path)
		return cli_usage(&cmd_intent, "needs --eval FILE");

	struct irm_err e = { 0 };
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f) {
		err_set(&e, IRM_EUSAGE, "%s: %s", path, strerror(errno));
		return cli_fail(&e);
	}
	struct eval ev = { .path = strcmp(path, "-") == 0 ? "stdin" : path,
			   .w = &cli->weights };
	enum irm_status s = read_file(&ev, f, &e);
	if (f != stdin)
		fclose(f);
	if (s == IRM_OK && ev.n)
		s = eval_cached(&ev, cli, &e);
	for (size_t i = 0; i < ev.n; i++) {
		free(ev.v[i].trip_id);
		free(ev.v[i].customer_id);
	}
	free(ev.v);
	if (s != IRM_OK)
		return cli_fail(&e);

	long total = 0, right = 0;
	for (int i = 0; i < INTENT_COUNT; i++)
		for (int j = 0; j < INTENT_COUNT; j++) {
			total += ev.confusion[i][j];
			right += i == j ? ev.confusion[i][j] : 0;
		}
	if (total == 0) {
		err_set(&e, IRM_EINPUT, "%s: no labelled trips", ev.path);
		return cli_fail(&e);
	}
	report(&ev, total, right, json);
	if (!json)
		fprintf(stderr, "irm intent: %.2f µs a trip (%ld trips inferred in %.3f s)\n",
			ev.seconds / (double)ev.inferred * 1e6, ev.inferred, ev.seconds);
	return IRM_OK;
}

const struct command cmd_intent = {
	.name = "intent",
	.usage = "--eval FILE [--json]",
	.summary = "measure trip intent inference against labelled trips",
	.help =
	"Reads labelled trips from FILE (- for standard input), infers the intent of\n"
	"each (business, leisure or vfr: visiting friends and relatives) and prints\n"
	"the accuracy, the precision and recall of each intent, and the confusion\n"
	"matrix (rows: the true intent; columns: the inferred one). Each line is\n"
	"either\n"
	"\n"
	"  {\"trip_id\":\"T5\",\"customer_id\":\"C3\",\"true_intent\":\"vfr\"}\n"
	"      a trip in the cache (as irm demo writes to PATH.truth.jsonl), inferred\n"
	"      with its customer's whole history, as irm show does; or\n"
	"  {\"kind\":\"trip\",\"data\":{..., \"true_intent\":\"business\"}}\n"
	"      a trip in the shape irm import takes, inferred on its own; records of\n"
	"      other kinds are skipped.\n"
	"\n"
	"The weights are irm.conf's [intent] section, or their defaults (irm.conf(5)).\n"
	"The time spent inferring is printed on standard error.\n"
	"\n"
	"  --eval FILE   the labelled trips (required)\n"
	"  --json        {\"trips\", \"correct\", \"accuracy\", \"intents\": {INTENT:\n"
	"                {\"trips\", \"inferred\", \"precision\", \"recall\"}}, \"confusion\":\n"
	"                {TRUE: {INFERRED: count}}}; a precision or recall with\n"
	"                nothing to divide by is null\n"
	"\n"
	"Exit status 3 when a line is not a labelled trip, or names a trip that is\n"
	"not in the cache (the message says FILE:LINE and why).\n",
	.run = run_intent,
};
