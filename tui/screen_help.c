/* screen_help.c — '?': every key of the screen it was opened from, then
 * the command line's verbs. Any of Esc, q, ? or Enter goes back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "mem.h"
#include "text.h"

struct help_screen {
	int top;                    /* the first line shown, when it scrolls */
};

static const struct key_help verbs[] = {
	{ "find TEXT…", "search, with TEXT in the box" },
	{ "open NAME|MEMBER|ID…", "a customer's context (Tab completes names)" },
	{ "ack [ALERT] [NOTE…]", "acknowledge: you own it now" },
	{ "done [ALERT] ACTION [NOTE…]", "done by email, call, greeting, gift, social or other" },
	{ "dismiss [ALERT] REASON…", "dismiss, saying why" },
	{ "assign [ALERT] AGENT", "give it to someone" },
	{ "note [CUSTOMER] TEXT…", "a note about the customer" },
	{ "alerts [--state S] [--kind K]", "the alert queue; also --station IATA, --assignee NAME|-, "
					  "--sort due|age|priority" },
	{ "help · quit", "this help · leave irm" },
	{ NULL, NULL },
};

static struct help_screen *state_of(struct console *con)
{
	return con->state[SCREEN_HELP];
}

static void open_help(struct console *con)
{
	if (!con->state[SCREEN_HELP])
		con->state[SCREEN_HELP] = xcalloc(1, sizeof(struct help_screen));
	state_of(con)->top = 0;
}

static int section(WINDOW *win, int row, int h, int w, int top, const char *title,
		   const struct key_help *keys)
{
	if (row - top >= 0 && row - top < h)
		draw_rule(win, row - top, w, title);
	row++;
	int kw = 0;
	for (const struct key_help *k = keys; k->keys; k++)
		if (text_width(k->keys) > kw)
			kw = text_width(k->keys);
	if (kw > w / 2)
		kw = w / 2;
	for (const struct key_help *k = keys; k->keys; k++) {
		if (row - top >= 0 && row - top < h)
			draw_text(win, row - top, 3, k->keys, kw, A_BOLD);
		/* The description wraps at spaces. */
		const char *p = k->what;
		int room = w - 6 - kw > 10 ? w - 6 - kw : 10;
		do {
			int used;
			size_t n = text_fit(p, room, &used);
			if (p[n]) {
				size_t sp = n;
				while (sp > 0 && p[sp] != ' ')
					sp--;
				if (sp > 0)
					n = sp;
			}
			if (row - top >= 0 && row - top < h) {
				char *part = strndup(p, n);
				draw_text(win, row - top, 5 + kw, part, room, A_NORMAL);
				free(part);
			}
			row++;
			p += n;
			while (*p == ' ')
				p++;
		} while (*p);
	}
	return row;
}

static void draw_help(struct console *con, WINDOW *win, int h, int w)
{
	struct help_screen *s = state_of(con);
	const struct screen_ops *back = console_screens[con->back];
	char title[64];
	snprintf(title, sizeof title, "Keys on the %s screen", back->name);
	int row = section(win, 0, h, w, s->top, title, back->keys);
	row = section(win, row + 1, h, w, s->top, "Commands (: opens the line; Tab completes; "
		      "↑↓ history)", verbs);
	if (s->top > row - h)
		s->top = row - h > 0 ? row - h : 0;
}

static int key_help(struct console *con, wint_t ch, bool fkey)
{
	struct help_screen *s = state_of(con);
	if (fkey && ch == KEY_DOWN) {
		s->top++;
		return ACT_REDRAW;
	}
	if (fkey && ch == KEY_UP) {
		if (s->top > 0)
			s->top--;
		return ACT_REDRAW;
	}
	if (!fkey && (ch == 3 || ch == 4))
		return ACT_QUIT;
	if (!fkey && (ch == 27 || ch == 'q' || ch == '\r' || ch == '\n'))
		console_show(con, con->back);
	return ACT_REDRAW;
}

static void destroy_help(void *state)
{
	free(state);
}

const struct screen_ops screen_help_ops = {
	.name = "help",
	.hints = " ↑↓ scroll · Esc, q or ? back",
	.keys = (const struct key_help[]){
		{ "↑ ↓", "scroll" },
		{ "Esc  q  ?  Enter", "back" },
		{ NULL, NULL },
	},
	.open = open_help,
	.draw = draw_help,
	.key = key_help,
	.destroy = destroy_help,
};
