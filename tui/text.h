/* text.h — measuring and cutting text by its display width (wide CJK
 * characters take two columns, combining marks none). Needs setlocale(). */
#ifndef IRM_TEXT_H
#define IRM_TEXT_H

#include <stddef.h>

/* Display columns of a UTF-8 string; unprintable characters count 1. */
int text_width(const char *s);
/* The byte length of the longest prefix of s that fits in `cols` columns,
 * never cutting a character or separating it from its combining marks;
 * *used receives the columns it takes. */
size_t text_fit(const char *s, int cols, int *used);

#endif
