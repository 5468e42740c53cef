/* rules.c — the milestone rules: the spec's defaults, and irm.conf's
 * [milestones], [tiers] and [milestone NAME] sections on top of them. */
#include "rules.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[RULE_KIND_COUNT] = {
	[RULE_LIFETIME_MILES] = "lifetime_miles",
	[RULE_FLIGHTS] = "flights",
	[RULE_TIER] = "tier",
	[RULE_ANNIVERSARY] = "anniversary",
	[RULE_BIRTHDAY] = "birthday",
	[RULE_FIRST_INTERNATIONAL] = "first_international",
	[RULE_FIRST_PREMIUM] = "first_premium",
};

const char *rules_kind_name(enum rule_kind k)
{
	return k < RULE_KIND_COUNT ? kind_names[k] : "?";
}

static struct rule *add(struct rules *r, enum rule_kind kind, int priority, int due_hours,
			const char *title, const char *message)
{
	struct rule *u = &r->v[r->n++];
	memset(u, 0, sizeof *u);
	snprintf(u->name, sizeof u->name, "%s", kind_names[kind]);
	u->kind = kind;
	u->enabled = true;
	u->priority = priority;
	u->due_hours = due_hours;
	snprintf(u->title, sizeof u->title, "%s", title);
	snprintf(u->message, sizeof u->message, "%s", message);
	return u;
}

static void thresholds(struct rule *u, const int64_t *v, size_t n, int64_t every)
{
	memcpy(u->thresholds, v, n * sizeof *v);
	u->n_thresholds = n;
	u->every = every;
}

void rules_default(struct rules *r)
{
	memset(r, 0, sizeof *r);
	r->lookback_days = 30;
	r->tiers = tier_default_rules;

	struct rule *u = add(r, RULE_LIFETIME_MILES, 1, 24, "{threshold} lifetime miles",
			     "Congratulations, {first_name} — with {flight} {route} you have flown "
			     "{threshold} miles with us.");
	thresholds(u, (const int64_t[]){ 100000, 250000, 500000, 1000000, 1500000, 2000000 }, 6, 1000000);
	u = add(r, RULE_FLIGHTS, 2, 48, "{nth} flight",
		"Thank you, {first_name}: {flight} {route} is your {nth} flight with us.");
	thresholds(u, (const int64_t[]){ 1, 100, 250, 500, 1000 }, 5, 0);
	add(r, RULE_TIER, 2, 72, "Now {tier}",
	    "Welcome to {tier}, {first_name} — earned on {flight} {route}.");
	u = add(r, RULE_ANNIVERSARY, 3, 72, "{years} years with us",
		"{years} years a member this week, {first_name} — thank you for flying with us.");
	thresholds(u, (const int64_t[]){ 5, 10, 15, 20, 25 }, 5, 5);
	add(r, RULE_BIRTHDAY, 2, 12, "Flying on their birthday",
	    "Happy birthday, {first_name}! Thank you for spending part of it with us on {flight}.");
	add(r, RULE_FIRST_INTERNATIONAL, 3, 48, "First international flight",
	    "Welcome on your first international flight with us, {first_name}: {flight} {route}.");
	add(r, RULE_FIRST_PREMIUM, 3, 24, "First flight in a premium cabin",
	    "Welcome to the front cabin, {first_name} — enjoy {flight} {route}.");
}

int64_t rules_next_threshold(const struct rule *u, int64_t value)
{
	for (size_t i = 0; i < u->n_thresholds; i++)
		if (u->thresholds[i] > value)
			return u->thresholds[i];
	if (u->every <= 0 || u->n_thresholds == 0)
		return -1;
	int64_t last = u->thresholds[u->n_thresholds - 1];
	return last + ((value - last) / u->every + 1) * u->every;
}

bool rules_carrier_counts(const struct rules *r, const char *carrier)
{
	if (!r || r->n_carriers == 0)
		return true;
	for (size_t i = 0; i < r->n_carriers; i++)
		if (carrier && strcmp(carrier, r->carriers[i]) == 0)
			return true;
	return false;
}

const struct rule *rules_find(const struct rules *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0)
			return &r->v[i];
	return NULL;
}

/* "100000 250000 1_000_000 2,000,000" into thresholds, strictly
 * increasing: words separated by spaces, each a whole number as irm.conf
 * writes them. */
static enum irm_status parse_thresholds(struct conf *c, struct conf_entry *en, struct rule *u,
					struct irm_err *e)
{
	const char *p = en->value;
	size_t n = 0;
	int64_t prev = 0;

	while (*p) {
		char word[64];
		size_t len = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		while (p[len] && p[len] != ' ' && p[len] != '\t')
			len++;
		if (!len)
			break;
		if (len >= sizeof word)
			return conf_error(c, en, e, "'%.*s' is not a whole number", (int)len, p);
		memcpy(word, p, len);
		word[len] = '\0';
		p += len;
		int64_t v;
		const char *why = conf_scan_int(word, &v);
		if (why)
			return conf_error(c, en, e, "'%s': %s", word, why);
		if (v <= 0 || (n > 0 && v <= prev))
			return conf_error(c, en, e, "thresholds must be positive and increasing");
		if (n == RULE_THRESHOLDS_MAX)
			return conf_error(c, en, e, "at most %d thresholds", RULE_THRESHOLDS_MAX);
		u->thresholds[n++] = prev = v;
	}
	if (n == 0)
		return conf_error(c, en, e, "needs at least one threshold");
	u->n_thresholds = n;
	return IRM_OK;
}

/* A template may use only the placeholders the engine fills in. */
static enum irm_status check_template(struct conf *c, struct conf_entry *en, struct irm_err *e)
{
	static const char *const known[] = { "name", "first_name", "threshold", "nth", "flight",
					     "route", "date", "years", "tier" };
	for (const char *p = strchr(en->value, '{'); p; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');
		if (!end)
			return conf_error(c, en, e, "'{' without '}'");
		bool ok = false;
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			ok |= strlen(known[i]) == (size_t)(end - p - 1) &&
			      strncmp(known[i], p + 1, (size_t)(end - p - 1)) == 0;
		if (!ok)
			return conf_error(c, en, e, "unknown placeholder '%.*s'", (int)(end - p + 1), p);
	}
	return IRM_OK;
}

static enum irm_status configure_rule(struct conf *c, struct rule *u, struct irm_err *e)
{
	char section[64];
	int64_t v;
	const char *s;
	enum irm_status st;

	snprintf(section, sizeof section, "milestone %s", u->name);
	if ((st = conf_get_bool(c, section, "enabled", &u->enabled, e)) != IRM_OK ||
	    (st = conf_get_bool(c, section, "auto_send", &u->auto_send, e)) != IRM_OK)
		return st;
	v = u->priority;
	if ((st = conf_get_int(c, section, "priority", 1, 5, &v, e)) != IRM_OK)
		return st;
	u->priority = (int)v;
	v = u->due_hours;
	if ((st = conf_get_int(c, section, "due_hours", 1, 24 * 365, &v, e)) != IRM_OK)
		return st;
	u->due_hours = (int32_t)v;
	struct { const char *key; char *dst; size_t size; } texts[] = {
		{ "title", u->title, sizeof u->title },
		{ "message", u->message, sizeof u->message },
	};
	for (size_t i = 0; i < 2; i++) {
		struct conf_entry *en = conf_get(c, section, texts[i].key);
		if (!en)
			continue;
		if ((st = conf_get_str(c, section, texts[i].key, &s, e)) != IRM_OK)
			return st;
		if (strlen(s) >= texts[i].size)
			return conf_error(c, en, e, "longer than %zu bytes", texts[i].size - 1);
		if ((st = check_template(c, en, e)) != IRM_OK)
			return st;
		snprintf(texts[i].dst, texts[i].size, "%s", s);
	}
	bool has_thresholds = u->kind == RULE_LIFETIME_MILES || u->kind == RULE_FLIGHTS ||
			      u->kind == RULE_ANNIVERSARY;
	struct conf_entry *en = conf_get(c, section, "thresholds");
	if (en) {
		if (!has_thresholds)
			return conf_error(c, en, e, "[%s] has no thresholds", section);
		if ((st = parse_thresholds(c, en, u, e)) != IRM_OK)
			return st;
	}
	if ((en = conf_get(c, section, "every")) != NULL) {
		if (!has_thresholds)
			return conf_error(c, en, e, "[%s] has no thresholds", section);
		v = u->every;
		if ((st = conf_get_int(c, section, "every", 0, INT64_MAX / 4, &v, e)) != IRM_OK)
			return st;
		u->every = v;
	}
	return IRM_OK;
}

enum irm_status rules_configure(struct rules *r, struct conf *c, struct irm_err *e)
{
	enum irm_status st;
	int64_t v = r->lookback_days;

	if ((st = conf_get_int(c, "milestones", "lookback_days", 0, 3650, &v, e)) != IRM_OK)
		return st;
	r->lookback_days = (int)v;
	struct conf_entry *en = conf_get(c, "milestones", "carriers");
	if (en) {
		r->n_carriers = 0;
		for (const char *p = en->value; *p; ) {
			while (*p == ' ' || *p == ',' || *p == '\t')
				p++;
			size_t n = 0;
			while (p[n] && p[n] != ' ' && p[n] != ',' && p[n] != '\t')
				n++;
			if (!n)
				break;
			bool code = n >= 2 && n <= 3;
			for (size_t k = 0; k < n && code; k++)
				code = (p[k] >= 'A' && p[k] <= 'Z') || (p[k] >= '0' && p[k] <= '9');
			if (!code || r->n_carriers == CARRIERS_MAX)
				return conf_error(c, en, e, "carriers are 2- or 3-character codes in capitals"
						  " (\"UA\"), at most %d", CARRIERS_MAX);
			snprintf(r->carriers[r->n_carriers++], 4, "%.*s", (int)n, p);
			p += n;
		}
	}
	static const char *const tier_keys[TIER_COUNT] = { NULL, "silver", "gold", "platinum", "diamond" };
	for (int t = TIER_SILVER; t < TIER_COUNT; t++) {
		char key[32];
		snprintf(key, sizeof key, "%s_miles", tier_keys[t]);
		v = r->tiers.miles[t];
		if ((st = conf_get_int(c, "tiers", key, 1, 100000000, &v, e)) != IRM_OK)
			return st;
		r->tiers.miles[t] = v;
		snprintf(key, sizeof key, "%s_segments", tier_keys[t]);
		v = r->tiers.segments[t];
		if ((st = conf_get_int(c, "tiers", key, 1, 100000, &v, e)) != IRM_OK)
			return st;
		r->tiers.segments[t] = (int32_t)v;
	}
	for (int t = TIER_GOLD; t < TIER_COUNT; t++)
		if (r->tiers.miles[t] <= r->tiers.miles[t - 1] ||
		    r->tiers.segments[t] <= r->tiers.segments[t - 1]) {
			/* The defaults rise; only [tiers] settings can break that. */
			const struct conf_entry *at = NULL;
			for (size_t k = c->n; k-- > 0; )
				if (strcmp(c->v[k].section, "tiers") == 0)
					at = &c->v[k];
			return at ? conf_error(c, at, e, "each tier must take more miles and segments"
					       " than the one below it")
				  : err_set(e, IRM_EINPUT, "tiers do not rise");
		}
	for (size_t i = 0; i < r->n; i++)
		if ((st = configure_rule(c, &r->v[i], e)) != IRM_OK)
			return st;
	return IRM_OK;
}
