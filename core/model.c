/* model.c — the names of the model's enumerations as on the wire, and
 * their case-insensitive parsers. */
#include "model.h"

#include "mem.h"

#include <stddef.h>

static const char *const tier_names[TIER_COUNT] = {
	"Member", "Silver", "Gold", "Platinum", "Diamond",
};
static const char *const recognition_names[REC_COUNT] = { "public", "quiet", "none" };
static const char *const channel_names[CH_COUNT] = {
	"web", "app", "call_center", "agency", "corporate",
};
static const char *const age_band_names[AGE_COUNT] = { "adult", "child", "infant" };
static const char *const seg_status_names[SEG_COUNT] = {
	"booked", "flown", "cancelled", "no_show",
};
static const char cabin_letters[CABIN_COUNT] = { 'F', 'J', 'W', 'Y' };
static const char *const intent_names[INTENT_COUNT] = { "business", "leisure", "vfr" };

/* ASCII only: the result must not depend on the locale. */
static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool same(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower(*a) != lower(*b))
			return false;
	return *a == *b;
}

/* Index of s in names[0..n), or -1. */
static int find(const char *s, const char *const *names, int n)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		if (same(s, names[i]))
			return i;
	return -1;
}

static const char *name(const char *const *names, int n, int i)
{
	return i >= 0 && i < n ? names[i] : "?";
}

const char *model_tier_name(enum tier t)
{
	return name(tier_names, TIER_COUNT, (int)t);
}

const char *model_recognition_name(enum recognition r)
{
	return name(recognition_names, REC_COUNT, (int)r);
}

const char *model_channel_name(enum channel c)
{
	return name(channel_names, CH_COUNT, (int)c);
}

const char *model_age_band_name(enum age_band a)
{
	return name(age_band_names, AGE_COUNT, (int)a);
}

const char *model_seg_status_name(enum seg_status s)
{
	return name(seg_status_names, SEG_COUNT, (int)s);
}

char model_cabin_letter(enum cabin c)
{
	return (int)c >= 0 && (int)c < CABIN_COUNT ? cabin_letters[c] : '?';
}

const char *model_intent_name(enum intent i)
{
	return name(intent_names, INTENT_COUNT, (int)i);
}

bool model_tier_parse(const char *s, enum tier *out)
{
	int i = find(s, tier_names, TIER_COUNT);

	if (i < 0)
		return false;
	if (out)
		*out = (enum tier)i;
	return true;
}

bool model_recognition_parse(const char *s, enum recognition *out)
{
	int i = find(s, recognition_names, REC_COUNT);

	if (i < 0)
		return false;
	if (out)
		*out = (enum recognition)i;
	return true;
}

bool model_channel_parse(const char *s, enum channel *out)
{
	int i = find(s, channel_names, CH_COUNT);

	if (i < 0)
		return false;
	if (out)
		*out = (enum channel)i;
	return true;
}

bool model_age_band_parse(const char *s, enum age_band *out)
{
	int i = find(s, age_band_names, AGE_COUNT);

	if (i < 0)
		return false;
	if (out)
		*out = (enum age_band)i;
	return true;
}

bool model_seg_status_parse(const char *s, enum seg_status *out)
{
	int i = find(s, seg_status_names, SEG_COUNT);

	if (i < 0)
		return false;
	if (out)
		*out = (enum seg_status)i;
	return true;
}

bool model_cabin_parse(const char *s, enum cabin *out)
{
	if (!s || s[0] == '\0' || s[1] != '\0')
		return false;
	for (int i = 0; i < CABIN_COUNT; i++) {
		if (lower(s[0]) == lower(cabin_letters[i])) {
			if (out)
				*out = (enum cabin)i;
			return true;
		}
	}
	return false;
}

bool model_intent_parse(const char *s, enum intent *out)
{
	int i = find(s, intent_names, INTENT_COUNT);

	if (i < 0)
		return false;
	if (out)
		*out = (enum intent)i;
	return true;
}

/* --- deep copies ----------------------------------------------------------- */

void model_customer_copy(struct arena *a, struct customer *dst, const struct customer *src)
{
	*dst = *src;
	dst->id = arena_strdup(a, src->id);
	dst->member = arena_strdup(a, src->member);
	dst->name = arena_strdup(a, src->name);
	dst->email = arena_strdup(a, src->email);
	dst->phone = arena_strdup(a, src->phone);
}

void model_trip_copy(struct arena *a, struct trip *dst, const struct trip *src)
{
	*dst = *src;
	dst->id = arena_strdup(a, src->id);
	dst->pnr = arena_strdup(a, src->pnr);
	dst->corporate_code = arena_strdup(a, src->corporate_code);
	dst->passengers = arena_alloc(a, (src->n_passengers + 1) * sizeof *dst->passengers);
	for (size_t i = 0; i < src->n_passengers; i++) {
		dst->passengers[i] = src->passengers[i];
		dst->passengers[i].customer_id = arena_strdup(a, src->passengers[i].customer_id);
		dst->passengers[i].name = arena_strdup(a, src->passengers[i].name);
	}
	dst->segments = arena_alloc(a, (src->n_segments + 1) * sizeof *dst->segments);
	for (size_t i = 0; i < src->n_segments; i++) {
		struct segment *d = &dst->segments[i];
		const struct segment *g = &src->segments[i];
		*d = *g;
		d->id = arena_strdup(a, g->id);
		d->carrier = arena_strdup(a, g->carrier);
		d->flight = arena_strdup(a, g->flight);
		d->seats = g->n_seats ? arena_alloc(a, g->n_seats * sizeof *d->seats) : NULL;
		for (size_t k = 0; k < g->n_seats; k++) {
			d->seats[k].passenger = arena_strdup(a, g->seats[k].passenger);
			d->seats[k].seat = arena_strdup(a, g->seats[k].seat);
		}
	}
	dst->hotels = src->n_hotels ? arena_alloc(a, src->n_hotels * sizeof *dst->hotels) : NULL;
	for (size_t i = 0; i < src->n_hotels; i++) {
		dst->hotels[i] = src->hotels[i];
		dst->hotels[i].name = arena_strdup(a, src->hotels[i].name);
	}
}
