/* mem.h — allocation that never returns NULL, and an arena for records.
 *
 * On out-of-memory the handler set with mem_set_oom_handler() runs (the
 * console restores the terminal and prints); then the process aborts. */
#ifndef IRM_MEM_H
#define IRM_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void mem_set_oom_handler(void (*handler)(void));

/* An arena owns every block allocated from it; arena_free() releases all of
 * them at once. Records parsed from JSON or loaded from the cache live in one,
 * so their many small strings need no individual free. */
struct arena {
	struct arena_block *head;
};

void *arena_alloc(struct arena *a, size_t n);           /* zeroed, aligned */
char *arena_strdup(struct arena *a, const char *s);    /* NULL stays NULL */
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_free(struct arena *a);                      /* leaves it empty, reusable */

#endif
