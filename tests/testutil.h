/* testutil.h — what every cmocka test file includes first, and small
 * helpers for scratch files. */
#ifndef IRM_TESTUTIL_H
#define IRM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh scratch directory under $TMPDIR; removed by tmpdir_remove(). */
static inline char *tmpdir_make(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = malloc(4096);
	snprintf(dir, 4096, "%s/irm-test-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	return dir;
}

static inline void tmpdir_remove(char *dir)
{
	char cmd[4200];
	if (!dir)
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(dir);
}

/* Write text to dir/name; returns the path (static buffer per call site). */
static inline void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		fail_msg("cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

#endif
