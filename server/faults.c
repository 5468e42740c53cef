/* faults.c — the rules of injected faults, and taking one per request. */
#include "faults.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

enum { FAULTS_MAX = 32, ROUTE_MAX = 16 };

struct rule {
	struct fault f;
	char route[ROUTE_MAX];
	long left;                  /* -1: every request */
};

struct faults {
	pthread_mutex_t lock;
	struct rule v[FAULTS_MAX];
	size_t n;
};

static const char *const ROUTES[] = { "health", "changes", "actions", "events", "search",
				      "customers", "any" };

static bool parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	if (!*s)
		return false;
	long v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static enum irm_status parse_rule(char *text, struct rule *r, struct irm_err *e)
{
	char *route = strchr(text, ':');
	if (!route)
		return err_set(e, IRM_EUSAGE, "fault '%s': expected KIND[=ARG]:ROUTE[:COUNT]", text);
	*route++ = '\0';
	char *count = strchr(route, ':');
	if (count)
		*count++ = '\0';
	char *arg = strchr(text, '=');
	if (arg)
		*arg++ = '\0';

	static const struct { const char *name; enum fault_kind k; int dflt; bool takes_arg; } kinds[] = {
		{ "500", FAULT_500, 0, false }, { "429", FAULT_429, 1, true },
		{ "drop", FAULT_DROP, 0, false }, { "truncate", FAULT_TRUNCATE, 0, false },
		{ "stall", FAULT_STALL, 30, true },
	};
	size_t i;
	for (i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(text, kinds[i].name) == 0)
			break;
	if (i == sizeof kinds / sizeof *kinds)
		return err_set(e, IRM_EUSAGE, "fault '%s': unknown (500, 429, drop, truncate or "
			       "stall)", text);
	r->f.kind = kinds[i].k;
	r->f.arg = kinds[i].dflt;
	if (arg) {
		long v;
		if (!kinds[i].takes_arg || !parse_int(arg, 0, 3600, &v))
			return err_set(e, IRM_EUSAGE, "fault '%s': a number of seconds (0 to 3600) "
				       "only after 429 or stall", text);
		r->f.arg = (int)v;
	}
	size_t j;
	for (j = 0; j < sizeof ROUTES / sizeof *ROUTES; j++)
		if (strcmp(route, ROUTES[j]) == 0)
			break;
	if (j == sizeof ROUTES / sizeof *ROUTES)
		return err_set(e, IRM_EUSAGE, "fault route '%s': health, changes, actions, events, "
			       "search, customers or any", route);
	snprintf(r->route, sizeof r->route, "%s", route);
	r->left = 1;
	if (count && strcmp(count, "*") == 0)
		r->left = -1;
	else if (count && !parse_int(count, 1, 1000000, &r->left))
		return err_set(e, IRM_EUSAGE, "fault count '%s': a number from 1, or *", count);
	return IRM_OK;
}

enum irm_status faults_parse(const char *spec, struct faults **out, struct irm_err *e)
{
	struct faults *f = xcalloc(1, sizeof *f);
	char *copy = xstrdup(spec), *save = NULL;
	enum irm_status s = IRM_OK;

	*out = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok && s == IRM_OK;
	     tok = strtok_r(NULL, ",", &save)) {
		if (f->n == FAULTS_MAX)
			s = err_set(e, IRM_EUSAGE, "faults: at most %d rules", FAULTS_MAX);
		else
			s = parse_rule(tok, &f->v[f->n++], e);
	}
	free(copy);
	if (s == IRM_OK && f->n == 0)
		s = err_set(e, IRM_EUSAGE, "faults: no rules in '%s'", spec);
	if (s != IRM_OK) {
		free(f);
		return s;
	}
	pthread_mutex_init(&f->lock, NULL);
	*out = f;
	return IRM_OK;
}

void faults_free(struct faults **pf)
{
	if (!*pf)
		return;
	pthread_mutex_destroy(&(*pf)->lock);
	free(*pf);
	*pf = NULL;
}

struct fault faults_take(struct faults *f, const char *route)
{
	struct fault got = { FAULT_NONE, 0 };
	if (!f)
		return got;
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n; i++) {
		struct rule *r = &f->v[i];
		if (r->left == 0 || (strcmp(r->route, "any") != 0 && strcmp(r->route, route) != 0))
			continue;
		if (r->left > 0)
			r->left--;
		got = r->f;
		break;
	}
	pthread_mutex_unlock(&f->lock);
	return got;
}

bool fault_before(enum fault_kind k)
{
	return k == FAULT_500 || k == FAULT_429;
}
