/* console.h — the full-screen console: one loop, screens behind one ops
 * table. The loop owns the terminal; a screen draws into the window it is
 * given and answers keys with what it wants done. */
#ifndef IRM_CONSOLE_H
#define IRM_CONSOLE_H

#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "alerts.h"
#include "cache.h"
#include "command.h"

enum {
	ACT_NONE = 0,
	ACT_REDRAW = 1 << 0,
	ACT_QUIT = 1 << 1,
};

enum screen_id { SCREEN_SEARCH, SCREEN_CUSTOMER, SCREEN_QUEUE, SCREEN_HELP, SCREEN_COUNT };

struct console;

/* One line of a screen's help: "a", "acknowledge the alert". */
struct key_help {
	const char *keys, *what;
};

struct screen_ops {
	const char *name;
	const char *hints;                  /* the key-hint line */
	const struct key_help *keys;        /* every key, for ?; ends with { NULL } */
	void (*open)(struct console *con);
	void (*draw)(struct console *con, WINDOW *win, int height, int width);
	int (*key)(struct console *con, wint_t ch, bool function_key);
	void (*close)(struct console *con);     /* leaving it; its state stays */
	void (*destroy)(void *state);           /* the console ends */
	/* Optional. Read the cache again (after an action, or new data). */
	void (*reload)(struct console *con);
	/* Optional. The alert and the customer the cursor is on, or NULL:
	 * what a command without an alert id or customer acts on. */
	const char *(*alert)(struct console *con);
	const char *(*customer)(struct console *con);
};

/* The alert queue's view: which alerts, in which order. */
struct queue_view {
	unsigned states;                    /* bits (1u << state); 0: every state */
	char kind[64], station[4], assignee[128];   /* "" any; assignee "-": nobody */
	enum alert_order order;
};

struct console {
	struct cli *cli;
	struct cache *cache;
	enum screen_id screen;
	enum screen_id back;                /* where help returns to */
	enum screen_id previous;            /* the screen before this one: where Esc goes */
	bool supervisor;                    /* --role supervisor */
	int cursor_y, cursor_x;             /* set by draw: the text cursor in the body, or -1 */
	void *state[SCREEN_COUNT];          /* each screen's own, made by open */
	char customer[256];                  /* the customer to open */
	char flash[256];                    /* a line the status bar shows once */
	bool color;
	int sigpipe[2];
};

extern const struct screen_ops screen_search_ops, screen_customer_ops, screen_queue_ops,
	screen_help_ops;
extern const struct screen_ops *const console_screens[SCREEN_COUNT];

/* Switch to a screen (closing the current one). */
void console_show(struct console *con, enum screen_id id);
/* What an action did ("A-C1-…: acknowledged"), shown on the bottom line in
 * place of the key hints until the next key. */
void console_flash(struct console *con, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The customer and the alert the current screen is on, or NULL. */
const char *console_customer_id(struct console *con);
const char *console_alert_id(struct console *con);
/* Read the cache again for the current screen. */
void console_reload(struct console *con);

/* Run a command line (":ack", ":open dale brewer"): the CLI's verbs.
 * Returns ACT_* flags; what happened is flashed on the status line. */
int console_execute(struct console *con, const char *line);
/* Act on one alert as the console's user, flash the outcome; true when it
 * was applied. */
bool console_act(struct console *con, const char *alert_id, enum alert_event ev,
		 enum alert_action action, const char *text, const char *assignee);
/* The key after d ("done how?"): e email, c call, g greeting, f gift,
 * s social, o other. false for any other key. */
bool console_action_key(wint_t ch, enum alert_action *out);
/* `in` as one word for the command line: quoted when it holds a space or a
 * quote ('Kim Lee', 'it'\''s'). false when it does not fit in size. */
bool console_quote(const char *in, char *out, size_t size);
/* Add a note about a customer as the console's user, flash the outcome. */
bool console_note(struct console *con, const char *customer, const char *text);
/* Put `query` in the search box and show the results. */
void search_screen_query(struct console *con, const char *query);
/* Show the alert queue with this view. */
void queue_screen_view(struct console *con, const struct queue_view *v);
/* "alerts --state pending --station DEN": the command that gives v. */
void queue_view_command(const struct queue_view *v, char *buf, size_t size);

/* Drawing outside text: made safe, measured by display width, cut with
 * "…" to `width` columns. Returns the columns used. */
int draw_text(WINDOW *win, int y, int x, const char *s, int width, attr_t attr);
/* A horizontal rule with a title: "─ Alerts ─────". */
void draw_rule(WINDOW *win, int y, int width, const char *title);

enum irm_status console_run(struct cli *cli);

#endif
