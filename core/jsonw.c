/* jsonw.c — JSON text written as it goes (see jsonw.h). */
#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "utf8.h"

static void grow(struct jsonw *w, size_t n)
{
	while (w->len + n + 1 > w->cap)
		w->cap = w->cap ? w->cap * 2 : 65536;
	w->buf = xrealloc(w->buf, w->cap);
}

static inline void put(struct jsonw *w, const char *s, size_t n)
{
	if (w->len + n + 1 > w->cap)
		grow(w, n);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* Before a value: a comma unless it is the first in its container. */
static void value_begins(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0 && w->depth <= JSONW_DEPTH) {
		if (!w->first[w->depth - 1])
			put(w, ",", 1);
		w->first[w->depth - 1] = false;
	}
}

static void begin(struct jsonw *w, char ch)
{
	value_begins(w);
	put(w, &ch, 1);
	if (w->depth < JSONW_DEPTH) {
		w->first[w->depth] = true;
		w->close[w->depth] = ch == '{' ? '}' : ']';
	}
	w->depth++;
}

void jsonw_object(struct jsonw *w)
{
	begin(w, '{');
}

void jsonw_array(struct jsonw *w)
{
	begin(w, '[');
}

void jsonw_end(struct jsonw *w)
{
	if (w->depth <= 0)
		return;
	w->depth--;
	put(w, w->depth < JSONW_DEPTH ? &w->close[w->depth] : "}", 1);
}

static void string(struct jsonw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s), i = 0, start = 0;
	char esc[16];

	put(w, "\"", 1);
	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
			i++;
			continue;
		}
		put(w, s + start, i - start);
		uint32_t cp;
		size_t k = ch < 0x80 ? 1 : utf8_decode(s + i, n - i, &cp);
		if (ch < 0x80)
			cp = ch;
		else if (!k) {
			cp = 0xFFFD;
			k = 1;
		}
		if (cp == '"' || cp == '\\') {
			esc[0] = '\\';
			esc[1] = (char)cp;
			put(w, esc, 2);
		} else if (cp == '\n') {
			put(w, "\\n", 2);
		} else if (cp == '\t') {
			put(w, "\\t", 2);
		} else {
			uint32_t units[2] = { cp, 0 };
			int nu = 1;
			if (cp > 0xFFFF) {
				units[0] = 0xD800 + ((cp - 0x10000) >> 10);
				units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
				nu = 2;
			}
			for (int u = 0; u < nu; u++) {
				esc[0] = '\\';
				esc[1] = 'u';
				for (int d = 0; d < 4; d++)
					esc[2 + d] = hex[(units[u] >> (12 - 4 * d)) & 0xF];
				put(w, esc, 6);
			}
		}
		i += k;
		start = i;
	}
	put(w, s + start, i - start);
	put(w, "\"", 1);
}

void jsonw_key(struct jsonw *w, const char *key)
{
	value_begins(w);
	string(w, key);
	put(w, ":", 1);
	w->after_key = true;
}

void jsonw_str(struct jsonw *w, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	value_begins(w);
	string(w, s);
}

void jsonw_raw(struct jsonw *w, const char *text, size_t len)
{
	value_begins(w);
	put(w, text, len);
}

void jsonw_int(struct jsonw *w, int64_t v)
{
	char buf[32];
	value_begins(w);
	put(w, buf, (size_t)snprintf(buf, sizeof buf, "%lld", (long long)v));
}

void jsonw_real(struct jsonw *w, double v)
{
	char buf[48];
	if (!isfinite(v) || fabs(v) >= 1e14) {
		jsonw_null(w);
		return;
	}
	/* Integer arithmetic, not printf's %g: the locale may want a decimal
	 * comma, JSON never does. */
	long long scaled = llround(v * 10000.0);
	unsigned long long a = scaled < 0 ? 0ULL - (unsigned long long)scaled : (unsigned long long)scaled;
	int n = snprintf(buf, sizeof buf, "%s%llu.%04llu", scaled < 0 ? "-" : "", a / 10000, a % 10000);
	while (n > 0 && buf[n - 1] == '0')
		n--;
	if (n > 0 && buf[n - 1] == '.')
		n--;
	value_begins(w);
	put(w, buf, (size_t)n);
}

void jsonw_bool(struct jsonw *w, bool v)
{
	value_begins(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void jsonw_null(struct jsonw *w)
{
	value_begins(w);
	put(w, "null", 4);
}

void jsonw_free(struct jsonw *w)
{
	free(w->buf);
	memset(w, 0, sizeof *w);
}
