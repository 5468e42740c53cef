/* cmdline.h — the console's one-line editor: GNU readline through its
 * callback interface, so the loop keeps running while someone types.
 *
 * Two uses: ':' opens the command line (verbs run by console_execute), and
 * a screen may ask a question ("reason for dismissing 3 alerts: ") whose
 * answer goes to the function it names. Keys reach readline only while
 * the line is open; readline never touches the terminal itself — the loop
 * draws the line from readline's buffer. Readline's state is global, and
 * so is this module's: there is one terminal. */
#ifndef IRM_CMDLINE_H
#define IRM_CMDLINE_H

#include "console.h"

/* What an answer is for: called with the text (never NULL) when Enter is
 * pressed, not called when the line is abandoned (Esc, Ctrl-C, Ctrl-G). */
typedef void (*cmdline_answer_fn)(struct console *con, const char *answer);

/* Set readline up and read the command history (kept across runs in
 * $XDG_STATE_HOME/irm/history, else ~/.local/state/irm/history, 0600). */
void cmdline_init(struct console *con);
/* Close an open line and free readline's state. */
void cmdline_end(void);

/* What Tab offers when answering a question. */
enum cmdline_offer { OFFER_NOTHING, OFFER_PEOPLE };

/* Open the line with `prompt` and `text` already typed. fn NULL: the
 * command line, whose lines go to console_execute() and its history
 * (offer is then ignored: Tab completes verbs, alert ids, actions, people
 * and names). */
void cmdline_open(struct console *con, const char *prompt, const char *text, cmdline_answer_fn fn,
		  enum cmdline_offer offer);
bool cmdline_active(void);
/* A key while the line is open; returns ACT_* flags. */
int cmdline_key(struct console *con, wint_t ch, bool function_key);
/* Draw the line on the last row of stdscr (and completions above it). */
void cmdline_draw(struct console *con, int height, int width);

#endif
