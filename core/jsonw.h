/* jsonw.h — writing JSON text straight into a buffer, for output that is
 * large or on a hot path (jansson builds a tree of small objects first).
 * The text is plain ASCII: every other character is written as a \u escape
 * (two for those beyond U+FFFF), control characters too, and bytes that are
 * not valid UTF-8 as U+FFFD — so no string can act on a terminal, and any
 * JSON parser reads back exactly the text that was meant.
 *
 *   struct jsonw w = { 0 };
 *   jsonw_object(&w);
 *   jsonw_key(&w, "id"); jsonw_str(&w, "C1");
 *   jsonw_end(&w);               // w.buf holds {"id":"C1"}
 *   jsonw_free(&w);
 *
 * Commas are placed by the writer: it knows where it is. */
#ifndef IRM_JSONW_H
#define IRM_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { JSONW_DEPTH = 32 };

struct jsonw {
	char *buf;                  /* NUL-terminated text so far (malloc'd) */
	size_t len, cap;
	int depth;
	bool first[JSONW_DEPTH];    /* no member/element yet at this depth */
	char close[JSONW_DEPTH];    /* what closes it: '}' or ']' */
	bool after_key;             /* a key was written; its value comes next */
};

void jsonw_object(struct jsonw *w);
void jsonw_array(struct jsonw *w);
void jsonw_end(struct jsonw *w);            /* closes the innermost */
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_str(struct jsonw *w, const char *s);   /* NULL writes null */
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_real(struct jsonw *w, double v);       /* to 4 decimal places */
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* A value already written as JSON text (a stored document), placed as it
 * is: the caller vouches that it is one valid JSON value. */
void jsonw_raw(struct jsonw *w, const char *text, size_t len);
void jsonw_free(struct jsonw *w);

#endif
