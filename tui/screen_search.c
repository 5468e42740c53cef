/* screen_search.c — the home screen: one query box, results as you type.
 *
 * Typing goes straight into the box; ↑↓ (or Ctrl-P/Ctrl-N) move the
 * selection, Enter opens the customer, Esc clears, Ctrl-C quits. */
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "mem.h"
#include "search.h"
#include "utf8.h"

enum { QUERY_BYTES = 200, RESULTS = 50 };

struct search_screen {
	char query[QUERY_BYTES + 1];
	struct search_result result;
	size_t selected;
	char error[512];
};

static struct search_screen *state_of(struct console *con)
{
	return con->state[SCREEN_SEARCH];
}

static void run_query(struct console *con)
{
	struct search_screen *s = state_of(con);
	struct irm_err e = { 0 };

	search_result_free(&s->result);
	s->selected = 0;
	s->error[0] = '\0';
	if (search_run(con->cache, s->query, RESULTS, &s->result, &e) != IRM_OK)
		snprintf(s->error, sizeof s->error, "%s", e.msg);
}

static void open_search(struct console *con)
{
	if (!con->state[SCREEN_SEARCH])
		con->state[SCREEN_SEARCH] = xcalloc(1, sizeof(struct search_screen));
	else
		run_query(con);     /* alert counts may have changed meanwhile */
}

void search_screen_query(struct console *con, const char *query)
{
	if (con->screen != SCREEN_SEARCH)
		console_show(con, SCREEN_SEARCH);
	struct search_screen *s = state_of(con);
	/* Cut at a character boundary if it is too long. */
	size_t n = strlen(query);
	if (n > QUERY_BYTES) {
		n = QUERY_BYTES;
		while (n > 0 && ((unsigned char)query[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(s->query, query, n);
	s->query[n] = '\0';
	run_query(con);
}

static void reload_search(struct console *con)
{
	struct search_screen *s = state_of(con);
	size_t keep = s->selected;
	run_query(con);
	if (keep < s->result.n)
		s->selected = keep;
}

static const char *search_customer(struct console *con)
{
	struct search_screen *s = state_of(con);
	return s && s->selected < s->result.n ? s->result.hits[s->selected].id : NULL;
}

static void destroy_search(void *state)
{
	struct search_screen *s = state;
	search_result_free(&s->result);
	free(s);
}

static const char *tier_label(enum tier t)
{
	static const char *const labels[TIER_COUNT] = { "", "SILVER", "GOLD", "◆ PLATINUM", "◆ DIAMOND" };
	return t < TIER_COUNT ? labels[t] : "";
}

static void draw_search(struct console *con, WINDOW *win, int h, int w)
{
	struct search_screen *s = state_of(con);

	mvwaddstr(win, 0, 1, "Find: ");
	int used = draw_text(win, 0, 7, s->query, w - 8, A_BOLD);
	int cursor_x = 7 + used;

	int row = 1;
	if (s->error[0]) {
		draw_text(win, row++, 3, s->error, w - 4, A_NORMAL);
	} else if (s->query[0] && s->result.n == 0) {
		draw_text(win, row++, 3, "no customer matches", w - 4, A_DIM);
	}
	/* name | tier | member | home | phone | alerts: the name gets what the
	 * others leave. */
	int fixed = 12 + 11 + 5 + 17 + 10;
	int name_w = w - 4 - fixed;
	if (name_w < 12)
		name_w = 12;
	size_t first = 0, rows = (size_t)(h - 2);
	if (s->selected >= rows)
		first = s->selected - rows + 1;
	for (size_t i = first; i < s->result.n && row < h - 1; i++, row++) {
		const struct search_hit *hit = &s->result.hits[i];
		attr_t a = i == s->selected ? A_REVERSE : A_NORMAL;
		if (i == s->selected) {
			wattron(win, A_REVERSE);
			mvwhline(win, row, 0, ' ', w);
			wattroff(win, A_REVERSE);
		}
		mvwaddstr(win, row, 1, i == s->selected ? "▶" : " ");
		int x = 3;
		draw_text(win, row, x, hit->name, name_w, a | A_BOLD);
		x += name_w + 1;
		draw_text(win, row, x, tier_label(hit->tier), 11,
			  a | (con->color && hit->tier >= TIER_GOLD ? COLOR_PAIR(4) : 0));
		x += 12;
		if (x + 10 < w)
			draw_text(win, row, x, hit->member ? hit->member : "–", 10, a);
		x += 11;
		if (x + 4 < w)
			draw_text(win, row, x, hit->home_airport[0] ? hit->home_airport : "", 4, a);
		x += 5;
		if (x + 16 < w)
			draw_text(win, row, x, hit->phone ? hit->phone : "", 16, a);
		x += 17;
		if (hit->alerts && x + 9 <= w) {
			char al[24];
			snprintf(al, sizeof al, "%d alert%s", hit->alerts, hit->alerts == 1 ? "" : "s");
			draw_text(win, row, x, al, w - x, a | (con->color ? COLOR_PAIR(2) : A_BOLD));
		}
	}
	if (s->query[0] && s->result.n) {
		char count[64];
		snprintf(count, sizeof count, "%zu match%s", s->result.n, s->result.n == 1 ? "" : "es");
		draw_text(win, h - 1, 1, count, w - 2, A_DIM);
	}
	con->cursor_y = 0;
	con->cursor_x = cursor_x < w ? cursor_x : w - 1;
}

/* Remove the last character (not byte) of the query. */
static void backspace(char *q)
{
	size_t n = strlen(q);
	while (n > 0 && ((unsigned char)q[n - 1] & 0xC0) == 0x80)
		n--;
	if (n > 0)
		n--;
	q[n] = '\0';
}

static int key_search(struct console *con, wint_t ch, bool fkey)
{
	struct search_screen *s = state_of(con);
	size_t len = strlen(s->query);

	if (!fkey) {
		switch (ch) {
		case 3:  /* Ctrl-C */
		case 4:  /* Ctrl-D */
			return ACT_QUIT;
		case 27:  /* Esc */
			s->query[0] = '\0';
			run_query(con);
			return ACT_REDRAW;
		case '\r':
		case '\n':
			if (s->selected < s->result.n) {
				snprintf(con->customer, sizeof con->customer, "%s",
					 s->result.hits[s->selected].id);
				console_show(con, SCREEN_CUSTOMER);
			}
			return ACT_REDRAW;
		case 14:  /* Ctrl-N */
			if (s->selected + 1 < s->result.n)
				s->selected++;
			return ACT_REDRAW;
		case 16:  /* Ctrl-P */
			if (s->selected > 0)
				s->selected--;
			return ACT_REDRAW;
		case 127:
		case 8:
			backspace(s->query);
			run_query(con);
			return ACT_REDRAW;
		case 21:  /* Ctrl-U */
			s->query[0] = '\0';
			run_query(con);
			return ACT_REDRAW;
		default:
			if (ch >= 0x20) {
				char buf[4];
				size_t k = utf8_encode((uint32_t)ch, buf);
				if (k && len + k <= QUERY_BYTES) {
					memcpy(s->query + len, buf, k);
					s->query[len + k] = '\0';
					run_query(con);
				}
			}
			return ACT_REDRAW;
		}
	}
	switch (ch) {
	case KEY_DOWN:
		if (s->selected + 1 < s->result.n)
			s->selected++;
		break;
	case KEY_UP:
		if (s->selected > 0)
			s->selected--;
		break;
	case KEY_BACKSPACE:
		backspace(s->query);
		run_query(con);
		break;
	case KEY_ENTER:
		return key_search(con, '\r', false);
	}
	return ACT_REDRAW;
}

const struct screen_ops screen_search_ops = {
	.name = "search",
	.hints = " type to search: name, member, phone, email, booking · ↑↓ select · Enter open · "
		 "Esc clear · : command · ? help · Ctrl-C quit",
	.keys = (const struct key_help[]){
		{ "any text", "search as you type: name (typos forgiven), member number, phone, email, booking reference" },
		{ "↑ ↓  Ctrl-P Ctrl-N", "move the selection" },
		{ "Enter", "open the selected customer" },
		{ "Backspace", "delete a character" },
		{ "Esc  Ctrl-U", "clear the query" },
		{ ":", "the command line (find, open, ack, done, dismiss, assign, note, alerts, help, quit)" },
		{ "?  F1", "this help" },
		{ "Ctrl-C  Ctrl-D", "quit" },
		{ NULL, NULL },
	},
	.open = open_search,
	.draw = draw_search,
	.key = key_search,
	.destroy = destroy_search,
	.reload = reload_search,
	.customer = search_customer,
};
