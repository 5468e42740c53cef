/* console.h — the full-screen console: one loop, screens behind one ops
 * table. The loop owns the terminal; a screen draws into the window it is
 * given and answers keys with what it wants done. */
#ifndef IRM_CONSOLE_H
#define IRM_CONSOLE_H

#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "cache.h"
#include "command.h"

enum {
	ACT_NONE = 0,
	ACT_REDRAW = 1 << 0,
	ACT_QUIT = 1 << 1,
};

enum screen_id { SCREEN_SEARCH, SCREEN_CUSTOMER, SCREEN_COUNT };

struct console;

struct screen_ops {
	const char *name;
	const char *hints;                  /* the key-hint line */
	void (*open)(struct console *con);
	void (*draw)(struct console *con, WINDOW *win, int height, int width);
	int (*key)(struct console *con, wint_t ch, bool function_key);
	void (*close)(struct console *con);     /* leaving it; its state stays */
	void (*destroy)(void *state);           /* the console ends */
};

struct console {
	struct cli *cli;
	struct cache *cache;
	enum screen_id screen;
	void *state[SCREEN_COUNT];          /* each screen's own, made by open */
	char customer[72];                  /* the customer to open */
	char flash[256];                    /* a line the status bar shows once */
	bool color;
	int sigpipe[2];
};

extern const struct screen_ops screen_search_ops, screen_customer_ops;

/* Switch to a screen (closing the current one). */
void console_show(struct console *con, enum screen_id id);
/* A message for the status line ("acknowledged A-C1-…"). */
void console_flash(struct console *con, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Drawing outside text: made safe, measured by display width, cut with
 * "…" to `width` columns. Returns the columns used. */
int draw_text(WINDOW *win, int y, int x, const char *s, int width, attr_t attr);
/* A horizontal rule with a title: "─ Alerts ─────". */
void draw_rule(WINDOW *win, int y, int width, const char *title);

enum irm_status console_run(struct cli *cli);

#endif
