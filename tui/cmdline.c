/* cmdline.c — the console's one-line editor (cmdline.h).
 *
 * Readline runs through its callback interface: the loop reads a key with
 * ncurses, turns it into the bytes a terminal would have sent, and hands
 * them to rl_callback_read_char() one at a time through rl_getc_function.
 * Readline never prepares, reads or writes the terminal (no prep/deprep
 * functions, output to /dev/null, a redisplay function that does
 * nothing); cmdline_draw() shows rl_display_prompt and rl_line_buffer in
 * the loop's one redraw per pass. Esc, Ctrl-C and Ctrl-G abandon the
 * line. Completion is readline's, with candidates from the cache: verbs,
 * open alert ids, actions, people, and customer names. */
#include "cmdline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "lookup.h"
#include "mem.h"
#include "search.h"
#include "text.h"
#include "utf8.h"

enum { HISTORY_KEEP = 1000, SHOWN_MAX = 200, NAMES_MAX = 12 };

static struct {
	struct console *con;
	bool ready, active, cancelled;
	cmdline_answer_fn fn;
	enum cmdline_offer offer;
	char *line;                 /* the line readline handed over, until taken */
	bool have_line;
	const unsigned char *in;    /* the bytes of the key being fed */
	size_t in_n, in_at;
	char history[4096];         /* "" when there is nowhere to keep it */
	char *shown[SHOWN_MAX];     /* completions on display */
	size_t n_shown;
	char *candidates[SHOWN_MAX];    /* what the generator offers */
	size_t n_candidates, next;
	FILE *devnull;
} cl;

/* --- readline's side ------------------------------------------------------ */

static int getc_fed(FILE *f)
{
	(void)f;
	return cl.in_at < cl.in_n ? cl.in[cl.in_at++] : EOF;
}

static int input_fed(void)
{
	return cl.in_at < cl.in_n;
}

static void redisplay_nothing(void)
{
	/* the loop draws the line */
}

static void on_line(char *line)
{
	cl.line = line;
	cl.have_line = true;
	cl.active = false;
	rl_callback_handler_remove();
}

static void clear_shown(void)
{
	for (size_t i = 0; i < cl.n_shown; i++)
		free(cl.shown[i]);
	cl.n_shown = 0;
}

static void show_matches(char **matches, int n, int longest)
{
	(void)longest;
	clear_shown();
	for (int i = 1; i <= n && cl.n_shown < SHOWN_MAX; i++)
		cl.shown[cl.n_shown++] = xstrdup(matches[i]);
}

static void clear_candidates(void)
{
	for (size_t i = 0; i < cl.n_candidates; i++)
		free(cl.candidates[i]);
	cl.n_candidates = cl.next = 0;
}

static void offer(const char *s)
{
	for (size_t i = 0; i < cl.n_candidates; i++)
		if (strcmp(cl.candidates[i], s) == 0)
			return;
	if (cl.n_candidates < SHOWN_MAX)
		cl.candidates[cl.n_candidates++] = xstrdup(s);
}

static bool prefix_of(const char *prefix, const char *s)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Readline's generator: the candidates, in turn. Names found by search
 * match without sharing the typed prefix (a typo), so every candidate is
 * offered; the others were chosen by prefix already. */
static char *generate(const char *text, int state)
{
	(void)text;
	if (state == 0)
		cl.next = 0;
	return cl.next < cl.n_candidates ? strdup(cl.candidates[cl.next++]) : NULL;
}

static const char *const verbs[] = { "find", "open", "ack", "done", "dismiss", "assign",
				     "note", "alerts", "help", "quit", NULL };
static const char *const actions[] = { "email", "call", "greeting", "gift", "social", "other", NULL };
static const char *const alert_options[] = { "--state", "--kind", "--station", "--assignee", "--sort",
					     NULL };

static void offer_words(const char *const *words, const char *prefix)
{
	for (size_t i = 0; words[i]; i++)
		if (prefix_of(prefix, words[i]))
			offer(words[i]);
}

static void offer_alert_ids(const char *prefix)
{
	struct lookup_list l;
	struct irm_err e = { 0 };
	const char *customer = console_customer_id(cl.con);

	/* The open customer's alerts first; anyone's when none of theirs fits. */
	if (customer && lookup_alert_ids(cl.con->cache, customer, prefix, SHOWN_MAX, &l, &e) == IRM_OK) {
		for (size_t i = 0; i < l.n; i++)
			offer(l.v[i]);
		lookup_list_free(&l);
	}
	if (cl.n_candidates == 0 &&
	    lookup_alert_ids(cl.con->cache, NULL, prefix, 50, &l, &e) == IRM_OK) {
		for (size_t i = 0; i < l.n; i++)
			offer(l.v[i]);
		lookup_list_free(&l);
	}
}

static void offer_people(const char *prefix)
{
	struct lookup_list l;
	struct irm_err e = { 0 };
	if (prefix[0] == '\'')
		prefix++;       /* a quoted name being completed */
	if (lookup_people(cl.con->cache, prefix, 50, &l, &e) == IRM_OK) {
		for (size_t i = 0; i < l.n; i++) {
			/* A name with a space is one word only quoted; the command
			 * line needs it so, a question's answer does not. */
			char quoted[512];
			if (cl.fn)
				offer(l.v[i]);
			else if (console_quote(l.v[i], quoted, sizeof quoted))
				offer(quoted);
		}
		lookup_list_free(&l);
	}
}

/* "open dale brewr" → "open Dale Brewer": the whole line is the word. */
static void offer_names(const char *verb, const char *query)
{
	struct search_result r;
	struct irm_err e = { 0 };
	if (!*query || search_run(cl.con->cache, query, NAMES_MAX, &r, &e) != IRM_OK)
		return;
	for (size_t i = 0; i < r.n; i++) {
		char *safe = utf8_sanitize(r.hits[i].name);
		char line[512];
		snprintf(line, sizeof line, "%s %s", verb, safe);
		offer(line);
		free(safe);
	}
	search_result_free(&r);
}

/* The verb of the line, and how many words stand before `start`. */
static int words_before(int start, char *verb, size_t size)
{
	int n = 0;
	const char *p = rl_line_buffer, *end = rl_line_buffer + start;
	verb[0] = '\0';
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end)
			break;
		const char *w = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		if (p >= end)
			break;          /* the word being completed */
		if (n == 0)
			snprintf(verb, size, "%.*s", (int)(p - w), w);
		n++;
	}
	return n;
}

static bool is_name_verb(const char *line)
{
	return strncmp(line, "open ", 5) == 0 || strncmp(line, "find ", 5) == 0;
}

static char *word_breaks(void)
{
	/* For open and find the whole line is one word: names hold spaces. */
	static char none[] = "\n", spaces[] = " \t\n";
	return cl.fn == NULL && is_name_verb(rl_line_buffer) ? none : spaces;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	char verb[32];
	rl_attempted_completion_over = 1;   /* never file names */
	clear_candidates();
	if (cl.fn) {
		/* A question: people, or nothing. */
		if (cl.offer == OFFER_PEOPLE)
			offer_people(text);
	} else if (is_name_verb(rl_line_buffer) && start == 0) {
		char v[8];
		snprintf(v, sizeof v, "%.4s", text);
		offer_names(v, text + 5);
		rl_completion_suppress_append = 1;
	} else {
		int n = words_before(start, verb, sizeof verb);
		if (n == 0)
			offer_words(verbs, text);
		else if (strcmp(verb, "alerts") == 0)
			offer_words(alert_options, text);
		else if (strcmp(verb, "ack") == 0 || strcmp(verb, "dismiss") == 0 ||
			 strcmp(verb, "done") == 0 || strcmp(verb, "assign") == 0) {
			if (n == 1)
				offer_alert_ids(text);
			if (n <= 2 && strcmp(verb, "done") == 0)
				offer_words(actions, text);
			if (n <= 2 && strcmp(verb, "assign") == 0)
				offer_people(text);
		}
	}
	if (cl.n_candidates == 0)
		return NULL;
	return rl_completion_matches(text, generate);
}

/* --- history -------------------------------------------------------------- */

static bool make_dirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		bool ok = mkdir(path, 0700) == 0 || errno == EEXIST;
		*p = '/';
		if (!ok)
			return false;
	}
	return mkdir(path, 0700) == 0 || errno == EEXIST;
}

static void history_setup(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char dir[4000];

	cl.history[0] = '\0';
	if (state && *state == '/')
		snprintf(dir, sizeof dir, "%s/irm", state);
	else if (home && *home == '/')
		snprintf(dir, sizeof dir, "%s/.local/state/irm", home);
	else
		return;
	if (!make_dirs(dir))
		return;
	snprintf(cl.history, sizeof cl.history, "%s/history", dir);
	int fd = open(cl.history, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0) {
		if (fd >= 0)
			close(fd);
		cl.history[0] = '\0';
		return;
	}
	close(fd);
	using_history();
	stifle_history(HISTORY_KEEP);
	read_history(cl.history);
}

static void history_keep(const char *line)
{
	HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
	/* Notes are about customers: they stay in the cache, not here. */
	if (!*line || (last && strcmp(last->line, line) == 0) || strncmp(line, "note ", 5) == 0)
		return;
	add_history(line);
	if (cl.history[0] && append_history(1, cl.history) == 0)
		history_truncate_file(cl.history, HISTORY_KEEP);
}

/* --- the console's side --------------------------------------------------- */

void cmdline_init(struct console *con)
{
	cl.con = con;
	cl.devnull = fopen("/dev/null", "w");
	rl_readline_name = "irm";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_getc_function = getc_fed;
	rl_input_available_hook = input_fed;
	rl_redisplay_function = redisplay_nothing;
	rl_outstream = cl.devnull ? cl.devnull : stderr;
	rl_attempted_completion_function = complete;
	rl_completion_display_matches_hook = show_matches;
	rl_completion_word_break_hook = word_breaks;
	rl_completion_query_items = SHOWN_MAX;
	rl_ignore_completion_duplicates = 1;
	rl_initialize();
	rl_variable_bind("bell-style", "none");
	rl_variable_bind("show-all-if-ambiguous", "on");
	rl_variable_bind("completion-ignore-case", "on");
	rl_variable_bind("enable-bracketed-paste", "off");
	history_setup();
	cl.ready = true;
}

void cmdline_end(void)
{
	if (!cl.ready)
		return;
	if (cl.active)
		rl_callback_handler_remove();
	cl.active = false;
	free(cl.line);
	cl.line = NULL;
	clear_shown();
	clear_candidates();
	clear_history();
	rl_free_line_state();
	if (cl.devnull)
		fclose(cl.devnull);
	cl.devnull = NULL;
	rl_outstream = stderr;
	cl.ready = false;
}

bool cmdline_active(void)
{
	return cl.active;
}

void cmdline_open(struct console *con, const char *prompt, const char *text, cmdline_answer_fn fn,
		  enum cmdline_offer offer)
{
	if (!cl.ready)
		cmdline_init(con);
	if (cl.active)
		rl_callback_handler_remove();
	cl.con = con;
	cl.fn = fn;
	cl.offer = offer;
	cl.cancelled = false;
	clear_shown();
	rl_callback_handler_install(prompt, on_line);
	cl.active = true;
	if (text && *text) {
		rl_insert_text(text);
		rl_point = rl_end;
	}
}

static void feed(const char *bytes, size_t n)
{
	cl.in = (const unsigned char *)bytes;
	cl.in_n = n;
	cl.in_at = 0;
	while (cl.active && cl.in_at < cl.in_n)
		rl_callback_read_char();
	cl.in_n = cl.in_at = 0;
	cl.in = NULL;
}

static void cancel(void)
{
	cl.cancelled = true;
	rl_callback_sigcleanup();
	rl_replace_line("", 1);
	rl_point = rl_end = 0;
	feed("\r", 1);
	if (cl.active) {
		rl_callback_handler_remove();
		cl.active = false;
	}
}

/* The line is finished (Enter) or abandoned: act on it. */
static int finish(struct console *con)
{
	char *line = cl.line;
	bool cancelled = cl.cancelled || !line;
	cmdline_answer_fn fn = cl.fn;

	cl.line = NULL;
	cl.have_line = false;
	cl.fn = NULL;
	clear_shown();
	if (cancelled) {
		free(line);
		return ACT_REDRAW;
	}
	int act = ACT_REDRAW;
	if (fn) {
		fn(con, line);
	} else {
		history_keep(line);
		act |= console_execute(con, line);
	}
	free(line);
	return act;
}

int cmdline_key(struct console *con, wint_t ch, bool fkey)
{
	clear_shown();
	if (!fkey && ch == 27) {
		/* ncurses has waited ESCDELAY already: a key right behind the Esc
		 * is Alt+key (readline's Meta); a lone Esc abandons the line. */
		wint_t next;
		int kind = wget_wch(stdscr, &next);
		if (kind == OK) {
			char buf[5] = "\033";
			size_t n = utf8_encode((uint32_t)next, buf + 1);
			if (n)
				feed(buf, n + 1);
		} else {
			if (kind == KEY_CODE_YES)
				ungetch((int)next);  /* not ours: the screen's, after the line */
			cancel();
		}
	} else if (!fkey) {
		if (ch == 3 || ch == 7) {
			cancel();
		} else {
			char buf[4];
			size_t n = ch == '\n' ? (buf[0] = '\r', 1) : utf8_encode((uint32_t)ch, buf);
			if (n)
				feed(buf, n);
		}
	} else {
		/* As the keys readline binds itself, so a reverse search or a
		 * half-typed key sequence sees them too. */
		switch (ch) {
		case KEY_UP: feed("\020", 1); break;          /* C-p */
		case KEY_DOWN: feed("\016", 1); break;        /* C-n */
		case KEY_LEFT: feed("\002", 1); break;        /* C-b */
		case KEY_RIGHT: feed("\006", 1); break;       /* C-f */
		case KEY_HOME: feed("\001", 1); break;        /* C-a */
		case KEY_END: feed("\005", 1); break;         /* C-e */
		case KEY_DC:
			if (rl_end > 0)
				feed("\004", 1);   /* C-d, which on an empty line would be EOF */
			break;
		case KEY_BACKSPACE: feed("\177", 1); break;
		case KEY_ENTER: feed("\r", 1); break;
		}
	}
	if (cl.have_line || !cl.active)
		return finish(con);
	return ACT_REDRAW;
}

void cmdline_draw(struct console *con, int h, int w)
{
	(void)con;
	if (!cl.active || h < 3)
		return;
	/* Completions, in columns, above the line. */
	if (cl.n_shown) {
		int colw = 0;
		const char *strip = "";
		if (is_name_verb(rl_line_buffer))
			strip = "open ";    /* both verbs are four letters and a space */
		for (size_t i = 0; i < cl.n_shown; i++) {
			int tw = text_width(cl.shown[i] + strlen(strip));
			if (tw > colw)
				colw = tw;
		}
		colw = colw + 2 > w ? w : colw + 2;
		int cols = w / colw > 0 ? w / colw : 1;
		int rows = (int)((cl.n_shown + (size_t)cols - 1) / (size_t)cols);
		if (rows > h / 2)
			rows = h / 2;
		int top = h - 1 - rows;
		draw_rule(stdscr, top - 1, w, NULL);
		for (int r = 0; r < rows; r++) {
			move(top + r, 0);
			clrtoeol();
		}
		for (size_t i = 0; i < cl.n_shown; i++) {
			int r = (int)i % rows, c = (int)i / rows;
			if (c >= cols)
				break;
			draw_text(stdscr, top + r, c * colw + 1, cl.shown[i] + strlen(strip), colw - 2,
				  A_NORMAL);
		}
	}
	/* The line, scrolled so the cursor stays in sight. */
	const char *prompt = rl_display_prompt ? rl_display_prompt : "";
	move(h - 1, 0);
	clrtoeol();
	int pw = draw_text(stdscr, h - 1, 0, prompt, w - 10, A_BOLD);
	const char *line = rl_line_buffer ? rl_line_buffer : "";
	int room = w - pw - 1;
	size_t off = 0, point = (size_t)(rl_point < 0 ? 0 : rl_point);
	char *before = xstrdup(line);
	if (point < strlen(before))
		before[point] = '\0';
	while (text_width(before + off) > room - 1 && before[off]) {
		off++;
		while (((unsigned char)before[off] & 0xC0) == 0x80)
			off++;
	}
	int cx = pw + text_width(before + off);
	free(before);
	draw_text(stdscr, h - 1, pw, line + off, room, A_NORMAL);
	move(h - 1, cx < w ? cx : w - 1);
}
