/* utf8.h — UTF-8 decoding, validation, and making outside text safe.
 *
 * Every string that comes from a file, the cache or the network passes
 * through utf8_sanitize() before a terminal sees it. */
#ifndef IRM_UTF8_H
#define IRM_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Decode one code point from s (n bytes available). Returns its length in
 * bytes (1..4), or 0 if the bytes there are not valid UTF-8 (overlong forms,
 * surrogates and values above U+10FFFF are invalid). */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encode cp into out (4 bytes room); returns the length, 0 if cp is invalid. */
size_t utf8_encode(uint32_t cp, char out[static 4]);
/* True if all n bytes are valid UTF-8. If not and bad_at is not NULL, it
 * receives the byte offset of the first invalid sequence. */
bool utf8_valid(const char *s, size_t n, size_t *bad_at);
/* Number of code points in a valid string (an invalid byte counts as one). */
size_t utf8_length(const char *s);

/* A copy of s (malloc'd; caller frees) in which nothing can act on a
 * terminal: C0 controls and DEL become visible Control Pictures (ESC → ␛,
 * newline → ␊, tab → ␉, DEL → ␡), C1 controls (U+0080..U+009F),
 * bidirectional embeddings, overrides, isolates and marks become "�", and
 * so does each invalid byte. Everything else is kept byte for byte. NULL
 * gives "". */
char *utf8_sanitize(const char *s);
/* A JSON string of s (a new reference): null for NULL; text that is not
 * valid UTF-8 is made safe first rather than dropped. */
json_t *utf8_json(const char *s);
/* The same into a caller's buffer, cut at a character boundary; returns the
 * length written (always NUL-terminated when size > 0). */
size_t utf8_sanitize_into(const char *s, char *buf, size_t size);

#endif
