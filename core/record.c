/* record.c — the JSON record shapes of the spec: strict parsing of
 * {"kind":…,"data":…} into the model structs, and building them back.
 *
 * Every error names the field by its path inside `data`
 * ("segments[1].departure: …"); values quoted in a message are sanitised
 * and cut, so a message never carries a terminal escape sequence. */
#include "record.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "airports.h"
#include "date.h"
#include "jsonw.h"
#include "utf8.h"

#define ID_MAX          64      /* bytes */
#define NAME_MAX_BYTES  256
#define MEMBER_MAX      32
#define EMAIL_MAX       254
#define CODE_MAX        32      /* corporate_code */
#define HOTEL_NAME_MAX  200
#define SEGMENTS_MAX    64
#define MILES_CAP       999999999   /* lifetime and year-to-date miles */
#define COUNT_CAP       999999      /* lifetime flights, year-to-date segments */
#define SEG_MILES_MAX   15000
#define NIGHTS_MAX      365

#define QUOTE_CHARS     40      /* code points of a value quoted in a message */
#define QUOTE_SIZE      (QUOTE_CHARS * 4 + 4)
#define PATH_SIZE       192

/* Where we are: the arena strings go to, the error to fill, and the path of
 * the object being read ("" for `data` itself, "segments[1]" below it). */
struct ctx {
	struct arena *a;
	struct irm_err *e;
	const char *at;
};

#define TRY(expr)                                               \
	do {                                                    \
		enum irm_status try_st_ = (expr);               \
		if (try_st_ != IRM_OK)                          \
			return try_st_;                         \
	} while (0)

static bool is_digit(unsigned char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_alpha(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

static bool is_alnum(unsigned char ch)
{
	return is_digit(ch) || is_alpha(ch);
}

static char to_upper(char ch)
{
	return ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
}

static bool is_trim_space(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* s made safe to print inside a message: controls become pictures, and it
 * is cut to QUOTE_CHARS code points with "…" after. Returns buf. */
static const char *quote(const char *s, char buf[static QUOTE_SIZE])
{
	char wide[512];
	size_t len, i = 0, chars = 0, n;
	uint32_t cp;

	len = utf8_sanitize_into(s, wide, sizeof wide);
	while (i < len && chars < QUOTE_CHARS) {
		n = utf8_decode(wide + i, len - i, &cp);
		if (n == 0)
			break;
		i += n;
		chars++;
	}
	memcpy(buf, wide, i);
	if (i < len) {
		memcpy(buf + i, "\xe2\x80\xa6", 3);     /* … */
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/* at.field into out; a path too long for out is cut (it only names a field
 * in a message). */
static void join_path(char *out, size_t size, const char *at, const char *field)
{
	int n = snprintf(out, size, "%s%s%s", at, *at && *field ? "." : "", field);

	if (n < 0)
		out[0] = '\0';
}

static enum irm_status fail(const struct ctx *c, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An IRM_EINPUT error "PATH: what", PATH being c->at joined with field. */
static enum irm_status fail(const struct ctx *c, const char *field, const char *fmt, ...)
{
	char path[PATH_SIZE], what[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	join_path(path, sizeof path, c->at, field);
	return err_set(c->e, IRM_EINPUT, "%s: %s", path, what);
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	case JSON_NULL:
		return "null";
	}
	return "unknown type";
}

/* A field's value; NULL when it is absent or null. */
static const json_t *field_get(const json_t *obj, const char *field)
{
	const json_t *v = json_object_get(obj, field);

	return json_is_null(v) ? NULL : v;
}

/* --- strings ----------------------------------------------------------- */

static enum irm_status check_string(const struct ctx *c, const char *field, const json_t *v,
				    const char **s, size_t *len)
{
	*s = "";
	*len = 0;
	if (!json_is_string(v))
		return fail(c, field, "expected a string, got %s", type_name(v));
	*s = json_string_value(v);
	*len = json_string_length(v);
	if (strlen(*s) != *len)
		return fail(c, field, "contains a NUL character (\\u0000)");
	return IRM_OK;
}

/* A string field: *s is jansson's text, NULL when the field is absent. */
static enum irm_status get_string(const struct ctx *c, const json_t *obj, const char *field,
				  bool required, const char **s, size_t *len)
{
	const json_t *v = field_get(obj, field);

	*s = NULL;
	*len = 0;
	if (!v)
		return required ? fail(c, field, "missing") : IRM_OK;
	return check_string(c, field, v, s, len);
}

/* An id: 1..64 bytes of printable ASCII without spaces. */
static enum irm_status take_id(const struct ctx *c, const char *field, const char *s,
			       size_t len, const char **out)
{
	char q[QUOTE_SIZE];

	if (len == 0)
		return fail(c, field, "empty");
	if (len > ID_MAX)
		return fail(c, field, "longer than %d bytes: '%s'", ID_MAX, quote(s, q));
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= ' ' || ch >= 0x7f)
			return fail(c, field, "not printable ASCII without spaces: '%s'",
				    quote(s, q));
	}
	*out = arena_strndup(c->a, s, len);
	return IRM_OK;
}

/* A name: any UTF-8 text, non-empty once the ASCII white space at both ends
 * is trimmed (and stored trimmed), at most max bytes. Control characters are
 * kept: the display layer sanitises. */
static enum irm_status take_name(const struct ctx *c, const char *field, const char *s,
				 size_t len, size_t max, const char **out)
{
	char q[QUOTE_SIZE];

	while (len > 0 && is_trim_space((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && is_trim_space((unsigned char)s[len - 1]))
		len--;
	if (len == 0)
		return fail(c, field, "empty");
	if (len > max)
		return fail(c, field, "longer than %zu bytes: '%s'", max, quote(s, q));
	*out = arena_strndup(c->a, s, len);
	return IRM_OK;
}

/* min..max ASCII letters or digits, upper-cased when asked. */
static enum irm_status take_code(const struct ctx *c, const char *field, const char *s,
				 size_t len, size_t min, size_t max, bool upper,
				 const char **out)
{
	char q[QUOTE_SIZE];
	char *p;
	bool ok = len >= min && len <= max;

	for (size_t i = 0; ok && i < len; i++)
		ok = is_alnum((unsigned char)s[i]);
	if (!ok) {
		if (min == max)
			return fail(c, field, "must be %zu letters or digits: '%s'", min,
				    quote(s, q));
		return fail(c, field, "must be %zu to %zu letters or digits: '%s'", min, max,
			    quote(s, q));
	}
	p = arena_strndup(c->a, s, len);
	for (size_t i = 0; upper && i < len; i++)
		p[i] = to_upper(p[i]);
	*out = p;
	return IRM_OK;
}

static enum irm_status id_field(const struct ctx *c, const json_t *obj, const char *field,
				bool required, const char **out)
{
	const char *s;
	size_t len;

	TRY(get_string(c, obj, field, required, &s, &len));
	return s ? take_id(c, field, s, len, out) : IRM_OK;
}

static enum irm_status name_field(const struct ctx *c, const json_t *obj, const char *field,
				  bool required, size_t max, const char **out)
{
	const char *s;
	size_t len;

	TRY(get_string(c, obj, field, required, &s, &len));
	return s ? take_name(c, field, s, len, max, out) : IRM_OK;
}

static enum irm_status code_field(const struct ctx *c, const json_t *obj, const char *field,
				  size_t min, size_t max, bool upper, const char **out)
{
	const char *s;
	size_t len;

	TRY(get_string(c, obj, field, false, &s, &len));
	return s ? take_code(c, field, s, len, min, max, upper, out) : IRM_OK;
}

/* At most 254 bytes, exactly one '@' with text on both sides, no white
 * space or control characters. */
static enum irm_status email_field(const struct ctx *c, const json_t *obj, const char **out)
{
	char q[QUOTE_SIZE];
	const char *s;
	size_t len, ats = 0, at = 0;
	bool ok = true;

	TRY(get_string(c, obj, "email", false, &s, &len));
	if (!s)
		return IRM_OK;
	if (len > EMAIL_MAX)
		return fail(c, "email", "longer than %d bytes: '%s'", EMAIL_MAX, quote(s, q));
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= ' ' || ch == 0x7f)
			ok = false;
		if (ch == '@') {
			ats++;
			at = i;
		}
	}
	if (!ok || ats != 1 || at == 0 || at == len - 1)
		return fail(c, "email", "not an e-mail address: '%s'", quote(s, q));
	*out = arena_strndup(c->a, s, len);
	return IRM_OK;
}

/* E.164: '+' and 8 to 15 digits. */
static enum irm_status phone_field(const struct ctx *c, const json_t *obj, const char **out)
{
	char q[QUOTE_SIZE];
	const char *s;
	size_t len;
	bool ok;

	TRY(get_string(c, obj, "phone", false, &s, &len));
	if (!s)
		return IRM_OK;
	ok = len >= 9 && len <= 16 && s[0] == '+';
	for (size_t i = 1; ok && i < len; i++)
		ok = is_digit((unsigned char)s[i]);
	if (!ok)
		return fail(c, "phone", "not an E.164 number ('+' and 8 to 15 digits): '%s'",
			    quote(s, q));
	*out = arena_strndup(c->a, s, len);
	return IRM_OK;
}

/* 1 to 4 digits, optionally followed by one letter (upper-cased). */
static enum irm_status flight_field(const struct ctx *c, const json_t *obj, const char **out)
{
	char q[QUOTE_SIZE];
	const char *s;
	char *p;
	size_t len, digits = 0;

	TRY(get_string(c, obj, "flight", false, &s, &len));
	if (!s)
		return IRM_OK;
	while (digits < len && is_digit((unsigned char)s[digits]))
		digits++;
	if (digits < 1 || digits > 4 || len - digits > 1 ||
	    (len > digits && !is_alpha((unsigned char)s[digits])))
		return fail(c, "flight", "not a flight number (1 to 4 digits and maybe a letter): '%s'",
			    quote(s, q));
	p = arena_strndup(c->a, s, len);
	if (len > digits)
		p[digits] = to_upper(p[digits]);
	*out = p;
	return IRM_OK;
}

static enum irm_status date_field(const struct ctx *c, const json_t *obj, const char *field,
				  int32_t *out)
{
	char q[QUOTE_SIZE];
	const char *s;
	size_t len;

	*out = DATE_NONE;
	TRY(get_string(c, obj, field, false, &s, &len));
	if (s && !date_parse(s, out)) {
		*out = DATE_NONE;
		return fail(c, field, "not a valid date (YYYY-MM-DD): '%s'", quote(s, q));
	}
	return IRM_OK;
}

static enum irm_status time_field(const struct ctx *c, const json_t *obj, const char *field,
				  bool required, struct irm_time *out, bool *has)
{
	char q[QUOTE_SIZE];
	const char *s;
	size_t len;

	*has = false;
	memset(out, 0, sizeof *out);
	TRY(get_string(c, obj, field, required, &s, &len));
	if (!s)
		return IRM_OK;
	if (!date_parse_time(s, out)) {
		memset(out, 0, sizeof *out);
		return fail(c, field, "not an ISO 8601 time with offset: '%s'", quote(s, q));
	}
	*has = true;
	return IRM_OK;
}

/* A known airport's IATA code (upper case only) into out; "" when absent. */
static enum irm_status airport_field(const struct ctx *c, const json_t *obj, const char *field,
				     bool required, char out[static 4])
{
	char q[QUOTE_SIZE];
	const char *s;
	size_t len;

	out[0] = '\0';
	TRY(get_string(c, obj, field, required, &s, &len));
	if (!s)
		return IRM_OK;
	if (len != 3 || !airports_find(s))
		return fail(c, field, "unknown airport '%s'", quote(s, q));
	memcpy(out, s, 4);
	return IRM_OK;
}

/* --- numbers ----------------------------------------------------------- */

/* A JSON integer in min..max (max < 0: no upper bound). */
static enum irm_status int_field(const struct ctx *c, const json_t *obj, const char *field,
				 bool required, int64_t min, int64_t max, bool *has, int64_t *out)
{
	const json_t *v = field_get(obj, field);
	int64_t n;

	*has = false;
	*out = 0;
	if (!v)
		return required ? fail(c, field, "missing") : IRM_OK;
	if (json_is_real(v))
		return fail(c, field, "expected an integer, got %g", json_real_value(v));
	if (!json_is_integer(v))
		return fail(c, field, "expected an integer, got %s", type_name(v));
	n = (int64_t)json_integer_value(v);
	if (max < 0 && n < min)
		return fail(c, field, "must be at least %lld, got %lld", (long long)min,
			    (long long)n);
	if (max >= 0 && (n < min || n > max))
		return fail(c, field, "must be %lld to %lld, got %lld", (long long)min,
			    (long long)max, (long long)n);
	*has = true;
	*out = n;
	return IRM_OK;
}

static enum irm_status version_field(const struct ctx *c, const json_t *obj, int64_t *out)
{
	bool has;

	return int_field(c, obj, "version", false, 1, -1, &has, out);
}

/* --- arrays and objects ------------------------------------------------ */

static enum irm_status check_type(const struct ctx *c, const char *field, const json_t *v,
				  json_type want, const char *want_name)
{
	if (json_typeof(v) != want)
		return fail(c, field, "expected %s, got %s", want_name, type_name(v));
	return IRM_OK;
}

/* An array field: *arr NULL when absent. */
static enum irm_status get_array(const struct ctx *c, const json_t *obj, const char *field,
				 bool required, const json_t **arr)
{
	const json_t *v = field_get(obj, field);

	*arr = NULL;
	if (!v)
		return required ? fail(c, field, "missing") : IRM_OK;
	TRY(check_type(c, field, v, JSON_ARRAY, "an array"));
	*arr = v;
	return IRM_OK;
}

/* --- customers ----------------------------------------------------------- */

static enum irm_status parse_customer(const struct ctx *c, const json_t *d, struct customer *cu)
{
	char q[QUOTE_SIZE];
	const char *s;
	size_t len;
	int64_t n;
	bool has;

	cu->birth_date = cu->member_since = DATE_NONE;
	cu->tier = TIER_MEMBER;
	cu->recognition = REC_PUBLIC;

	TRY(id_field(c, d, "id", true, &cu->id));
	TRY(code_field(c, d, "member", 1, MEMBER_MAX, false, &cu->member));
	TRY(name_field(c, d, "name", true, NAME_MAX_BYTES, &cu->name));
	TRY(email_field(c, d, &cu->email));
	TRY(phone_field(c, d, &cu->phone));
	TRY(date_field(c, d, "birth_date", &cu->birth_date));
	TRY(date_field(c, d, "member_since", &cu->member_since));
	TRY(airport_field(c, d, "home_airport", false, cu->home_airport));

	TRY(get_string(c, d, "tier", false, &s, &len));
	if (s && !model_tier_parse(s, &cu->tier))
		return fail(c, "tier", "unknown tier '%s' (Member, Silver, Gold, Platinum or Diamond)",
			    quote(s, q));

	TRY(int_field(c, d, "lifetime_miles", false, 0, MILES_CAP, &has, &cu->lifetime_miles));
	TRY(int_field(c, d, "lifetime_flights", false, 0, COUNT_CAP, &has, &n));
	cu->lifetime_flights = (int32_t)n;
	TRY(int_field(c, d, "ytd_miles", false, 0, MILES_CAP, &has, &cu->ytd_miles));
	TRY(int_field(c, d, "ytd_segments", false, 0, COUNT_CAP, &has, &n));
	cu->ytd_segments = (int32_t)n;

	TRY(get_string(c, d, "recognition", false, &s, &len));
	if (s && !model_recognition_parse(s, &cu->recognition))
		return fail(c, "recognition", "unknown recognition '%s' (public, quiet or none)",
			    quote(s, q));

	return version_field(c, d, &cu->version);
}

/* --- trips --------------------------------------------------------------- */

static enum irm_status parse_passenger(const struct ctx *c, const json_t *p, struct passenger *pa)
{
	char q[QUOTE_SIZE];
	const char *s;
	size_t len;

	TRY(check_type(c, "", p, JSON_OBJECT, "an object"));
	TRY(id_field(c, p, "customer_id", false, &pa->customer_id));
	TRY(name_field(c, p, "name", false, NAME_MAX_BYTES, &pa->name));
	if (pa->customer_id && pa->name)
		return fail(c, "", "has both customer_id and name (give one)");
	if (!pa->customer_id && !pa->name)
		return fail(c, "", "needs customer_id (a member) or name (a non-member)");
	pa->age_band = AGE_ADULT;
	TRY(get_string(c, p, "age_band", false, &s, &len));
	if (s && !model_age_band_parse(s, &pa->age_band))
		return fail(c, "age_band", "unknown age band '%s' (adult, child or infant)",
			    quote(s, q));
	return IRM_OK;
}

/* A seat: 1 to 3 digits and a letter ("2A", "34F"), upper-cased. */
static enum irm_status take_seat(const struct ctx *c, const char *field, const json_t *v,
				 const char **out)
{
	char q[QUOTE_SIZE];
	const char *s;
	char *p;
	size_t len, digits = 0;

	TRY(check_string(c, field, v, &s, &len));
	while (digits < len && is_digit((unsigned char)s[digits]))
		digits++;
	if (digits < 1 || digits > 3 || len != digits + 1 || !is_alpha((unsigned char)s[digits]))
		return fail(c, field, "not a seat like '2A': '%s'", quote(s, q));
	p = arena_strndup(c->a, s, len);
	p[digits] = to_upper(p[digits]);
	*out = p;
	return IRM_OK;
}

static enum irm_status parse_seats(const struct ctx *c, const json_t *seg, struct segment *sg)
{
	char at[PATH_SIZE], key_q[QUOTE_SIZE];
	const json_t *seats = field_get(seg, "seats");
	struct ctx sub = *c;
	const char *key;
	json_t *v;
	size_t i = 0;

	if (!seats)
		return IRM_OK;
	TRY(check_type(c, "seats", seats, JSON_OBJECT, "an object"));
	sg->n_seats = json_object_size(seats);
	if (sg->n_seats == 0)
		return IRM_OK;
	sg->seats = arena_alloc(c->a, sg->n_seats * sizeof *sg->seats);
	join_path(at, sizeof at, c->at, "seats");
	sub.at = at;
	json_object_foreach((json_t *)seats, key, v) {
		struct seat *st = &sg->seats[i++];
		quote(key, key_q);
		TRY(take_name(&sub, key_q, key, strlen(key), NAME_MAX_BYTES, &st->passenger));
		TRY(take_seat(&sub, key_q, v, &st->seat));
	}
	return IRM_OK;
}

static enum irm_status parse_segment(const struct ctx *c, const json_t *j, struct segment *sg)
{
	char q[QUOTE_SIZE], t1[26], t2[26];
	const char *s;
	size_t len;
	int64_t n;
	bool has;

	TRY(check_type(c, "", j, JSON_OBJECT, "an object"));
	TRY(id_field(c, j, "id", true, &sg->id));
	TRY(code_field(c, j, "carrier", 2, 3, true, &sg->carrier));
	TRY(flight_field(c, j, &sg->flight));
	TRY(airport_field(c, j, "origin", true, sg->origin));
	TRY(airport_field(c, j, "destination", true, sg->destination));
	if (strcmp(sg->origin, sg->destination) == 0)
		return fail(c, "destination", "same as origin '%s'", sg->origin);
	TRY(time_field(c, j, "departure", true, &sg->departure, &has));
	TRY(time_field(c, j, "arrival", false, &sg->arrival, &sg->has_arrival));
	if (sg->has_arrival && sg->arrival.utc < sg->departure.utc) {
		date_format_time(sg->arrival, t1);
		date_format_time(sg->departure, t2);
		return fail(c, "arrival", "%s is before departure %s", t1, t2);
	}

	sg->cabin = CABIN_Y;
	TRY(get_string(c, j, "cabin", false, &s, &len));
	if (s && !model_cabin_parse(s, &sg->cabin))
		return fail(c, "cabin", "unknown cabin '%s' (F, J, W or Y)", quote(s, q));

	TRY(get_string(c, j, "fare_class", false, &s, &len));
	if (s) {
		if (len != 1 || !is_alpha((unsigned char)s[0]))
			return fail(c, "fare_class", "not a single letter: '%s'", quote(s, q));
		sg->fare_class = to_upper(s[0]);
	}

	TRY(get_string(c, j, "status", true, &s, &len));
	if (!model_seg_status_parse(s, &sg->status))
		return fail(c, "status",
			    "unknown status '%s' (booked, flown, cancelled or no_show)", quote(s, q));

	TRY(parse_seats(c, j, sg));

	TRY(int_field(c, j, "miles", false, 0, SEG_MILES_MAX, &has, &n));
	sg->miles = has ? (int32_t)n : airports_miles(sg->origin, sg->destination);
	if (sg->miles < 0)
		sg->miles = 0;
	return IRM_OK;
}

static enum irm_status parse_hotel(const struct ctx *c, const json_t *j, struct hotel_stay *h)
{
	int64_t n;
	bool has;

	TRY(check_type(c, "", j, JSON_OBJECT, "an object"));
	TRY(name_field(c, j, "name", true, HOTEL_NAME_MAX, &h->name));
	TRY(int_field(c, j, "stars", false, 1, 5, &has, &n));
	h->stars = (int)n;
	TRY(int_field(c, j, "nights", true, 1, NIGHTS_MAX, &has, &n));
	h->nights = (int)n;
	return IRM_OK;
}

static enum irm_status parse_trip(const struct ctx *c, const json_t *d, struct trip *t)
{
	char at[PATH_SIZE], q[QUOTE_SIZE];
	struct ctx sub = *c;
	const json_t *arr;
	const char *s;
	size_t len;

	sub.at = at;
	TRY(id_field(c, d, "id", true, &t->id));
	TRY(code_field(c, d, "pnr", 5, 8, true, &t->pnr));
	TRY(time_field(c, d, "booked_at", false, &t->booked_at, &t->has_booked_at));

	t->channel = CH_WEB;
	TRY(get_string(c, d, "channel", false, &s, &len));
	if (s && !model_channel_parse(s, &t->channel))
		return fail(c, "channel",
			    "unknown channel '%s' (web, app, call_center, agency or corporate)",
			    quote(s, q));

	TRY(get_string(c, d, "corporate_code", false, &s, &len));
	if (s) {
		if (len == 0)
			return fail(c, "corporate_code", "empty");
		if (len > CODE_MAX)
			return fail(c, "corporate_code", "longer than %d bytes: '%s'", CODE_MAX,
				    quote(s, q));
		t->corporate_code = arena_strndup(c->a, s, len);
	}

	TRY(get_array(c, d, "passengers", true, &arr));
	t->n_passengers = json_array_size(arr);
	if (t->n_passengers == 0)
		return fail(c, "passengers", "expected at least one passenger");
	t->passengers = arena_alloc(c->a, t->n_passengers * sizeof *t->passengers);
	for (size_t i = 0; i < t->n_passengers; i++) {
		snprintf(at, sizeof at, "passengers[%zu]", i);
		TRY(parse_passenger(&sub, json_array_get(arr, i), &t->passengers[i]));
	}

	TRY(get_array(c, d, "segments", true, &arr));
	t->n_segments = json_array_size(arr);
	if (t->n_segments == 0)
		return fail(c, "segments", "expected at least one segment");
	if (t->n_segments > SEGMENTS_MAX)
		return fail(c, "segments", "too many segments (%zu, at most %d)", t->n_segments,
			    SEGMENTS_MAX);
	t->segments = arena_alloc(c->a, t->n_segments * sizeof *t->segments);
	for (size_t i = 0; i < t->n_segments; i++) {
		snprintf(at, sizeof at, "segments[%zu]", i);
		TRY(parse_segment(&sub, json_array_get(arr, i), &t->segments[i]));
		for (size_t k = 0; k < i; k++)
			if (strcmp(t->segments[k].id, t->segments[i].id) == 0)
				return fail(&sub, "id", "same id as segments[%zu]: '%s'", k,
					    quote(t->segments[i].id, q));
	}

	TRY(get_array(c, d, "hotel", false, &arr));
	t->n_hotels = arr ? json_array_size(arr) : 0;
	if (t->n_hotels > 0)
		t->hotels = arena_alloc(c->a, t->n_hotels * sizeof *t->hotels);
	for (size_t i = 0; i < t->n_hotels; i++) {
		snprintf(at, sizeof at, "hotel[%zu]", i);
		TRY(parse_hotel(&sub, json_array_get(arr, i), &t->hotels[i]));
	}

	return version_field(c, d, &t->version);
}

/* --- segment status ------------------------------------------------------ */

static enum irm_status parse_status(const struct ctx *c, const json_t *d, struct segment_status *ss)
{
	char q[QUOTE_SIZE];
	const char *s;
	size_t len;

	TRY(id_field(c, d, "segment_id", true, &ss->segment_id));
	TRY(get_string(c, d, "status", true, &s, &len));
	if (!model_seg_status_parse(s, &ss->status))
		return fail(c, "status",
			    "unknown status '%s' (booked, flown, cancelled or no_show)", quote(s, q));
	return time_field(c, d, "at", false, &ss->at, &ss->has_at);
}

/* --- delete --------------------------------------------------------------- */

static enum irm_status parse_delete(const struct ctx *c, const json_t *d, struct record_delete *del)
{
	char q[QUOTE_SIZE];
	const char *s;
	size_t len;

	TRY(get_string(c, d, "kind", true, &s, &len));
	if (strcmp(s, "customer") == 0)
		del->of = RECORD_CUSTOMER;
	else if (strcmp(s, "trip") == 0)
		del->of = RECORD_TRIP;
	else
		return fail(c, "kind", "a customer or a trip can be deleted, not '%s'", quote(s, q));
	return id_field(c, d, "id", true, &del->id);
}

/* --- entry points -------------------------------------------------------- */

static const char *const kind_names[] = {
	[RECORD_CUSTOMER] = "customer",
	[RECORD_TRIP] = "trip",
	[RECORD_SEGMENT_STATUS] = "segment_status",
	[RECORD_DELETE] = "delete",
};

const char *record_kind_name(enum record_kind k)
{
	if ((size_t)k < sizeof kind_names / sizeof kind_names[0])
		return kind_names[k];
	return "unknown";
}

enum irm_status record_from_json(const json_t *obj, struct arena *a, struct record *rec,
				 struct irm_err *e)
{
	struct ctx c = { .a = a, .e = e, .at = "" };
	char q[QUOTE_SIZE];
	const json_t *data;
	const char *s;
	size_t len;
	size_t k;

	memset(rec, 0, sizeof *rec);
	if (!json_is_object(obj))
		return err_set(e, IRM_EINPUT, "expected a JSON object, got %s",
			       obj ? type_name(obj) : "nothing");
	TRY(get_string(&c, obj, "kind", true, &s, &len));
	for (k = 0; k < sizeof kind_names / sizeof kind_names[0]; k++)
		if (strcmp(s, kind_names[k]) == 0)
			break;
	if (k == sizeof kind_names / sizeof kind_names[0])
		return fail(&c, "kind", "unknown record kind '%s'", quote(s, q));
	rec->kind = (enum record_kind)k;

	data = field_get(obj, "data");
	if (!data)
		return fail(&c, "data", "missing");
	TRY(check_type(&c, "data", data, JSON_OBJECT, "an object"));

	switch (rec->kind) {
	case RECORD_CUSTOMER:
		return parse_customer(&c, data, &rec->u.customer);
	case RECORD_TRIP:
		return parse_trip(&c, data, &rec->u.trip);
	case RECORD_SEGMENT_STATUS:
		return parse_status(&c, data, &rec->u.status);
	case RECORD_DELETE:
		return parse_delete(&c, data, &rec->u.del);
	}
	return err_set(e, IRM_EINPUT, "kind: unknown record kind");
}

enum irm_status record_parse(const char *line, size_t len, struct arena *a, struct record *rec,
			     struct irm_err *e)
{
	json_error_t jerr;
	json_t *obj;
	enum irm_status st;
	char text[sizeof jerr.text * 3];

	memset(rec, 0, sizeof *rec);
	obj = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!obj) {
		utf8_sanitize_into(jerr.text, text, sizeof text);
		return err_set(e, IRM_EINPUT, "json: %s at column %d", text, jerr.column);
	}
	st = record_from_json(obj, a, rec, e);
	json_decref(obj);
	return st;
}

/* --- writing JSON ---------------------------------------------------------
 * One writer per record kind (core/jsonw.c: straight to text); the json_t
 * versions read that text back, so the two can never disagree. */

static void w_str(struct jsonw *w, const char *key, const char *s)
{
	if (s) {
		jsonw_key(w, key);
		jsonw_str(w, s);
	}
}

static void w_int(struct jsonw *w, const char *key, int64_t n)
{
	jsonw_key(w, key);
	jsonw_int(w, n);
}

static void w_date(struct jsonw *w, const char *key, int32_t days)
{
	char buf[11];
	if (days != DATE_NONE) {
		date_format(days, buf);
		w_str(w, key, buf);
	}
}

static void w_time(struct jsonw *w, const char *key, struct irm_time t)
{
	char buf[26];
	date_format_time(t, buf);
	w_str(w, key, buf);
}

void record_write_customer(struct jsonw *w, const struct customer *c)
{
	w_str(w, "id", c->id);
	w_str(w, "member", c->member);
	w_str(w, "name", c->name);
	w_str(w, "email", c->email);
	w_str(w, "phone", c->phone);
	w_date(w, "birth_date", c->birth_date);
	w_date(w, "member_since", c->member_since);
	if (c->home_airport[0])
		w_str(w, "home_airport", c->home_airport);
	w_str(w, "tier", model_tier_name(c->tier));
	w_int(w, "lifetime_miles", c->lifetime_miles);
	w_int(w, "lifetime_flights", c->lifetime_flights);
	w_int(w, "ytd_miles", c->ytd_miles);
	w_int(w, "ytd_segments", c->ytd_segments);
	w_str(w, "recognition", model_recognition_name(c->recognition));
	if (c->version)
		w_int(w, "version", c->version);
}

void record_write_segment(struct jsonw *w, const struct segment *s)
{
	char letter[2] = { 0, 0 };

	w_str(w, "id", s->id);
	w_str(w, "carrier", s->carrier);
	w_str(w, "flight", s->flight);
	w_str(w, "origin", s->origin);
	w_str(w, "destination", s->destination);
	w_time(w, "departure", s->departure);
	if (s->has_arrival)
		w_time(w, "arrival", s->arrival);
	letter[0] = model_cabin_letter(s->cabin);
	w_str(w, "cabin", letter);
	if (s->fare_class) {
		letter[0] = s->fare_class;
		w_str(w, "fare_class", letter);
	}
	w_str(w, "status", model_seg_status_name(s->status));
	if (s->n_seats > 0) {
		jsonw_key(w, "seats");
		jsonw_object(w);
		for (size_t i = 0; i < s->n_seats; i++)
			if (s->seats[i].passenger)
				w_str(w, s->seats[i].passenger, s->seats[i].seat);
		jsonw_end(w);
	}
	w_int(w, "miles", s->miles);
}

void record_write_trip(struct jsonw *w, const struct trip *t)
{
	w_str(w, "id", t->id);
	w_str(w, "pnr", t->pnr);
	if (t->has_booked_at)
		w_time(w, "booked_at", t->booked_at);
	w_str(w, "channel", model_channel_name(t->channel));
	w_str(w, "corporate_code", t->corporate_code);

	jsonw_key(w, "passengers");
	jsonw_array(w);
	for (size_t i = 0; i < t->n_passengers; i++) {
		const struct passenger *p = &t->passengers[i];
		jsonw_object(w);
		w_str(w, "customer_id", p->customer_id);
		w_str(w, "name", p->name);
		w_str(w, "age_band", model_age_band_name(p->age_band));
		jsonw_end(w);
	}
	jsonw_end(w);

	jsonw_key(w, "segments");
	jsonw_array(w);
	for (size_t i = 0; i < t->n_segments; i++) {
		jsonw_object(w);
		record_write_segment(w, &t->segments[i]);
		jsonw_end(w);
	}
	jsonw_end(w);

	if (t->n_hotels > 0) {
		jsonw_key(w, "hotel");
		jsonw_array(w);
		for (size_t i = 0; i < t->n_hotels; i++) {
			const struct hotel_stay *h = &t->hotels[i];
			jsonw_object(w);
			w_str(w, "name", h->name);
			if (h->stars)
				w_int(w, "stars", h->stars);
			w_int(w, "nights", h->nights);
			jsonw_end(w);
		}
		jsonw_end(w);
	}
	if (t->version)
		w_int(w, "version", t->version);
}

void record_write_status(struct jsonw *w, const struct segment_status *s)
{
	w_str(w, "segment_id", s->segment_id);
	w_str(w, "status", model_seg_status_name(s->status));
	if (s->has_at)
		w_time(w, "at", s->at);
}

/* The object a writer of members makes, as a jansson value. */
static json_t *as_json(void (*write)(struct jsonw *, const void *), const void *rec)
{
	struct jsonw w = { 0 };
	jsonw_object(&w);
	write(&w, rec);
	jsonw_end(&w);
	json_t *o = json_loads(w.buf, 0, NULL);
	jsonw_free(&w);
	return o;
}

static void write_customer(struct jsonw *w, const void *r) { record_write_customer(w, r); }
static void write_segment(struct jsonw *w, const void *r) { record_write_segment(w, r); }
static void write_trip(struct jsonw *w, const void *r) { record_write_trip(w, r); }
static void write_status(struct jsonw *w, const void *r) { record_write_status(w, r); }

json_t *record_customer_json(const struct customer *c)
{
	return as_json(write_customer, c);
}

json_t *record_segment_json(const struct segment *s)
{
	return as_json(write_segment, s);
}

json_t *record_trip_json(const struct trip *t)
{
	return as_json(write_trip, t);
}

json_t *record_status_json(const struct segment_status *s)
{
	return as_json(write_status, s);
}

json_t *record_wrap(const char *kind, json_t *data)
{
	json_t *o = json_object();

	json_object_set_new(o, "kind", json_string(kind));
	json_object_set_new(o, "data", data);
	return o;
}

json_t *record_json(const struct record *r)
{
	const char *kind = record_kind_name(r->kind);

	switch (r->kind) {
	case RECORD_CUSTOMER:
		return record_wrap(kind, record_customer_json(&r->u.customer));
	case RECORD_TRIP:
		return record_wrap(kind, record_trip_json(&r->u.trip));
	case RECORD_SEGMENT_STATUS:
		return record_wrap(kind, record_status_json(&r->u.status));
	case RECORD_DELETE:
		return record_wrap(kind, json_pack("{s:s, s:s}", "kind", record_kind_name(r->u.del.of),
						   "id", r->u.del.id));
	}
	return NULL;
}
