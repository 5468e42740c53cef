/* utf8.c — strict UTF-8 decoding and validation, and sanitizing outside
 * text so that nothing in it can act on a terminal. */
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define REPLACEMENT 0xFFFDu

size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c, min;
	size_t len;

	if (!s || n == 0)
		return 0;
	c = u[0];
	if (c < 0x80) {
		len = 1;
		min = 0;
	} else if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		c &= 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		c &= 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;   /* continuation byte, C0/C1 overlong lead, or F5..FF */
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	if (cp)
		*cp = c;
	return len;
}

size_t utf8_encode(uint32_t cp, char out[static 4])
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp <= 0x10FFFF) {
		o[0] = (unsigned char)(0xF0 | (cp >> 18));
		o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[3] = (unsigned char)(0x80 | (cp & 0x3F));
		return 4;
	}
	return 0;
}

bool utf8_valid(const char *s, size_t n, size_t *bad_at)
{
	size_t i = 0;

	while (i < n) {
		size_t len = utf8_decode(s + i, n - i, NULL);

		if (len == 0) {
			if (bad_at)
				*bad_at = i;
			return false;
		}
		i += len;
	}
	return true;
}

size_t utf8_length(const char *s)
{
	size_t n, i = 0, count = 0;

	if (!s)
		return 0;
	n = strlen(s);
	while (i < n) {
		size_t len = utf8_decode(s + i, n - i, NULL);

		i += len ? len : 1;   /* an invalid byte counts as one */
		count++;
	}
	return count;
}

/* Bidirectional embeddings, overrides, isolates and marks: they reorder
 * what follows on the screen. */
static bool is_bidi_control(uint32_t c)
{
	return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0x200E || c == 0x200F || c == 0x061C;
}

/* What the code point at s (n bytes left) becomes: fills out and returns
 * its length; *used receives how many input bytes it consumed. */
static size_t sanitize_one(const char *s, size_t n, char out[static 4], size_t *used)
{
	uint32_t c;
	size_t len = utf8_decode(s, n, &c);

	if (len == 0) {
		*used = 1;
		return utf8_encode(REPLACEMENT, out);
	}
	*used = len;
	if (c < 0x20)
		return utf8_encode(0x2400 + c, out);   /* Control Pictures: ␀ … ␟ */
	if (c == 0x7F)
		return utf8_encode(0x2421, out);       /* ␡ */
	if ((c >= 0x80 && c <= 0x9F) || is_bidi_control(c))
		return utf8_encode(REPLACEMENT, out);
	memcpy(out, s, len);
	return len;
}

size_t utf8_sanitize_into(const char *s, char *buf, size_t size)
{
	size_t n, i = 0, w = 0;

	if (!buf || size == 0)
		return 0;
	if (!s) {
		buf[0] = '\0';
		return 0;
	}
	n = strlen(s);
	while (i < n) {
		char piece[4];
		size_t used, len = sanitize_one(s + i, n - i, piece, &used);

		if (len > size - 1 - w)
			break;   /* never cut a character */
		memcpy(buf + w, piece, len);
		w += len;
		i += used;
	}
	buf[w] = '\0';
	return w;
}

char *utf8_sanitize(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	/* Every input byte becomes at most three output bytes. */
	size_t size = 3 * n + 1;
	char *out = xmalloc(size);
	size_t len = utf8_sanitize_into(s, out, size);

	if (len + 1 < size)
		out = xrealloc(out, len + 1);
	return out;
}

json_t *utf8_json(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (!j) {
		char *safe = utf8_sanitize(s);
		j = json_string(safe);
		free(safe);
	}
	return j ? j : json_string("");
}
