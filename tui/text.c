/* text.c — display width of UTF-8 text, by wcwidth(3). */
#include "text.h"

#include <string.h>
#include <wchar.h>

#include "utf8.h"

/* Columns of one code point; what wcwidth cannot place counts as one. */
static int cp_width(uint32_t cp)
{
	int w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int text_width(const char *s)
{
	int cols;
	text_fit(s, 1 << 30, &cols);
	return cols;
}

size_t text_fit(const char *s, int cols, int *used)
{
	size_t len = strlen(s), i = 0;
	int w = 0;

	while (i < len) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		int cw = k ? cp_width(cp) : 1;
		if (w + cw > cols)
			break;  /* combining marks after it go with it */
		w += cw;
		i += k ? k : 1;
	}
	if (used)
		*used = w;
	return i;
}
