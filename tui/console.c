/* console.c — the console's loop: one thread owns the terminal.
 *
 * The flow of a keystroke: poll() wakes on the terminal, the loop reads
 * the key and hands it to the command line when it is open (cmdline.c),
 * else takes the keys every screen shares (':' command, '?' help, '/'
 * search), else gives it to the current screen's key(). Whoever took it
 * answers with ACT_* flags; the loop redraws once per pass (status line,
 * screen, hint or command line), with wnoutrefresh and doupdate. Signals only write a byte
 * to a pipe the same poll() watches: SIGWINCH resizes, SIGTERM, SIGHUP and
 * SIGINT end the loop, and the terminal is restored on every way out. */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmdline.h"
#include "mem.h"
#include "clock.h"
#include "outbox.h"
#include "text.h"
#include "utf8.h"

const struct screen_ops *const console_screens[SCREEN_COUNT] = {
	[SCREEN_SEARCH] = &screen_search_ops,
	[SCREEN_CUSTOMER] = &screen_customer_ops,
	[SCREEN_QUEUE] = &screen_queue_ops,
	[SCREEN_HELP] = &screen_help_ops,
};

/* The loop's own state, for the signal handlers and the crash path. */
static int signal_fd = -1;
static struct termios saved_termios;
static bool have_termios;

static void on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;
	if (signal_fd >= 0 && write(signal_fd, &b, 1) < 0) {
		/* nothing to do: the pipe is full, a wake-up is pending */
	}
	errno = saved;
}

/* A crash: put the terminal back (with async-signal-safe calls only), then
 * let the signal do what it does. */
static void on_crash(int sig)
{
	static const char reset[] = "\033[0m\033[?25h\033[?1049l\r\n";
	if (have_termios)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
	if (write(STDOUT_FILENO, reset, sizeof reset - 1) < 0) {
		/* the terminal is gone */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void restore_terminal(void)
{
	if (!isendwin())
		endwin();
}

static void out_of_memory(void)
{
	restore_terminal();
	fputs("irm: out of memory\n", stderr);
}

void console_flash(struct console *con, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(con->flash, sizeof con->flash, fmt, ap);
	va_end(ap);
}

void console_show(struct console *con, enum screen_id id)
{
	if (console_screens[con->screen]->close)
		console_screens[con->screen]->close(con);
	if (id == SCREEN_HELP && con->screen != SCREEN_HELP)
		con->back = con->screen;
	if (id != SCREEN_HELP && con->screen != SCREEN_HELP && id != con->screen)
		con->previous = con->screen;
	con->screen = id;
	console_screens[id]->open(con);
}

const char *console_customer_id(struct console *con)
{
	const struct screen_ops *ops = console_screens[con->screen];
	return ops->customer ? ops->customer(con) : NULL;
}

const char *console_alert_id(struct console *con)
{
	const struct screen_ops *ops = console_screens[con->screen];
	return ops->alert ? ops->alert(con) : NULL;
}

void console_reload(struct console *con)
{
	const struct screen_ops *ops = console_screens[con->screen];
	if (ops->reload)
		ops->reload(con);
}

int draw_text(WINDOW *win, int y, int x, const char *s, int width, attr_t attr)
{
	if (width <= 0)
		return 0;
	char *safe = utf8_sanitize(s ? s : "");
	int used;
	size_t n = text_fit(safe, width, &used);
	bool cut = n < strlen(safe);
	if (cut)
		n = text_fit(safe, width - 1, &used);
	char *out = xmalloc(n + sizeof "…");
	memcpy(out, safe, n);
	strcpy(out + n, cut ? "…" : "");
	used += cut;
	wattron(win, attr);
	mvwaddstr(win, y, x, out);
	wattroff(win, attr);
	free(out);
	free(safe);
	return used;
}

void draw_rule(WINDOW *win, int y, int width, const char *title)
{
	wmove(win, y, 0);
	for (int i = 0; i < width; i++)
		waddstr(win, "─");
	if (title) {
		mvwaddstr(win, y, 1, " ");
		int used = draw_text(win, y, 2, title, width - 4, A_BOLD);
		mvwaddstr(win, y, 2 + used, " ");
	}
}

/* "3 min ago", "2 h ago" */
static void age_text(int64_t seconds, char *buf, size_t size)
{
	if (seconds < 60)
		snprintf(buf, size, "just now");
	else if (seconds < 3600)
		snprintf(buf, size, "%lld min ago", (long long)(seconds / 60));
	else if (seconds < 2 * 86400)
		snprintf(buf, size, "%lld h ago", (long long)(seconds / 3600));
	else
		snprintf(buf, size, "%lld d ago", (long long)(seconds / 86400));
}

/* " irm · agent ana    local cache · updated 2 h ago · 0 waiting · 09:12"
 * The cache's age stands out once it is a day old: never stale unsaid. */
static void draw_status(struct console *con, int width)
{
	char fresh[64], right[160], clock_buf[8], ago[32];
	long waiting = 0;
	int64_t updated = -1, now = clock_now();
	time_t t = (time_t)now;
	struct tm tm;

	outbox_waiting(con->cache, &waiting, NULL);
	cache_updated(con->cache, &updated, NULL);
	localtime_r(&t, &tm);
	strftime(clock_buf, sizeof clock_buf, "%H:%M", &tm);
	if (updated < 0) {
		snprintf(fresh, sizeof fresh, "local cache · never updated");
	} else {
		age_text(now > updated ? now - updated : 0, ago, sizeof ago);
		snprintf(fresh, sizeof fresh, "local cache · updated %s", ago);
	}
	bool stale = updated < 0 || now - updated > 86400;
	snprintf(right, sizeof right, " · %ld waiting · %s ", waiting, clock_buf);
	attr_t bar = con->color ? COLOR_PAIR(1) : A_REVERSE;
	attr_t warn = con->color ? COLOR_PAIR(6) | A_BOLD : A_REVERSE | A_BOLD;
	wattron(stdscr, bar);
	mvhline(0, 0, ' ', width);
	char left[200];
	snprintf(left, sizeof left, " irm · %s %s", con->supervisor ? "supervisor" : "agent",
		 con->cli->as ? con->cli->as : "(nobody: --as NAME)");
	int rw = text_width(right), fw = text_width(fresh);
	if (fw + rw + 12 > width) {
		fw = 0;     /* narrow: the freshness goes, the clock stays */
		fresh[0] = '\0';
	}
	draw_text(stdscr, 0, 0, left, width - rw - fw - 1, bar);
	if (fw)
		draw_text(stdscr, 0, width - rw - fw, fresh, fw, stale ? warn : bar);
	if (rw < width)
		draw_text(stdscr, 0, width - rw, right, rw, bar);
	wattroff(stdscr, bar);
}

static void draw(struct console *con)
{
	int h, w;
	getmaxyx(stdscr, h, w);
	werase(stdscr);
	if (h < 3 || w < 20) {
		mvaddstr(0, 0, "irm: window too small");
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	draw_status(con, w);
	WINDOW *body = derwin(stdscr, h - 2, w, 1, 0);
	con->cursor_y = con->cursor_x = -1;
	if (body) {
		console_screens[con->screen]->draw(con, body, h - 2, w);
		delwin(body);
	}
	if (cmdline_active()) {
		cmdline_draw(con, h, w);
	} else if (con->flash[0]) {
		/* What the last key did, where the eye is: in place of the hints,
		 * until the next key. */
		draw_text(stdscr, h - 1, 0, " ", 1, A_BOLD);
		draw_text(stdscr, h - 1, 1, con->flash, w - 1, A_BOLD);
		if (con->cursor_y >= 0)
			move(1 + con->cursor_y, con->cursor_x < w ? con->cursor_x : w - 1);
	} else {
		draw_text(stdscr, h - 1, 0, console_screens[con->screen]->hints, w, A_DIM);
		if (con->cursor_y >= 0)
			move(1 + con->cursor_y, con->cursor_x < w ? con->cursor_x : w - 1);
	}
	curs_set(cmdline_active() || con->cursor_y >= 0);
	wnoutrefresh(stdscr);
	doupdate();
}

/* A key: to the command line when it is open, else the keys every screen
 * shares, else the screen's own. */
static int console_key(struct console *con, wint_t ch, bool fkey)
{
	if (cmdline_active())
		return cmdline_key(con, ch, fkey);
	con->flash[0] = '\0';
	if (!fkey && ch == ':') {
		cmdline_open(con, ":", NULL, NULL, OFFER_NOTHING);
		return ACT_REDRAW;
	}
	if ((!fkey && ch == '?') || (fkey && ch == KEY_F(1))) {
		console_show(con, con->screen == SCREEN_HELP ? con->back : SCREEN_HELP);
		return ACT_REDRAW;
	}
	if (!fkey && ch == '/' && con->screen != SCREEN_SEARCH) {
		console_show(con, SCREEN_SEARCH);
		return ACT_REDRAW;
	}
	return console_screens[con->screen]->key(con, ch, fkey);
}

/* The colour pairs of each theme: dark (for a dark background, the
 * default), light (yellow and cyan are hard to read on white: darker
 * colours instead), and mono (no colour at all: bold and reverse video,
 * as with NO_COLOR or a terminal without colours). */
static void setup_colors(struct console *con)
{
	static const struct { const char *name; short fg[6], bg[6]; } themes[] = {
		/* status bar, projected/due soon, pending/overdue, tier/intent, done, warning */
		{ "dark", { COLOR_WHITE, COLOR_YELLOW, COLOR_RED, COLOR_CYAN, COLOR_GREEN, COLOR_WHITE },
			  { COLOR_BLUE, -1, -1, -1, -1, COLOR_RED } },
		{ "light", { COLOR_WHITE, COLOR_MAGENTA, COLOR_RED, COLOR_BLUE, COLOR_GREEN, COLOR_WHITE },
			   { COLOR_BLUE, -1, -1, -1, -1, COLOR_RED } },
	};
	const char *no_color = getenv("NO_COLOR"), *theme = con->cli->theme ? con->cli->theme : "dark";
	con->color = has_colors() && !(no_color && *no_color) && strcmp(theme, "mono") != 0;
	if (!con->color)
		return;
	start_color();
	use_default_colors();
	size_t t = strcmp(theme, "light") == 0 ? 1 : 0;
	for (short i = 0; i < 6; i++)
		init_pair((short)(i + 1), themes[t].fg[i], themes[t].bg[i]);
}

static void install_signals(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	struct sigaction crash = { 0 };
	crash.sa_handler = on_crash;
	sigemptyset(&crash.sa_mask);
	crash.sa_flags = SA_RESETHAND;
	sigaction(SIGSEGV, &crash, NULL);
	sigaction(SIGBUS, &crash, NULL);
	sigaction(SIGABRT, &crash, NULL);
	sigaction(SIGFPE, &crash, NULL);
}

enum irm_status console_run(struct cli *cli)
{
	struct console con = { .cli = cli, .screen = SCREEN_SEARCH };
	if (cli->role && strcmp(cli->role, "kiosk") == 0) {
		fputs("irm: role kiosk: this irm has no kiosk console; use agent or supervisor\n", stderr);
		return IRM_EUSAGE;
	}
	if (cli->role && strcmp(cli->role, "supervisor") == 0) {
		con.supervisor = true;
		con.screen = SCREEN_QUEUE;
	}
	struct irm_err e = { 0 };

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("irm: the console needs a terminal (see 'irm --help' for the commands)\n", stderr);
		return IRM_EUSAGE;
	}
	if (cli_open_cache(cli, 0, &con.cache, &e) != IRM_OK)
		return cli_fail(&e);
	if (pipe(con.sigpipe) != 0) {
		cache_close(&con.cache);
		perror("irm: pipe");
		return IRM_ECACHE;
	}
	fcntl(con.sigpipe[0], F_SETFL, O_NONBLOCK);
	fcntl(con.sigpipe[1], F_SETFL, O_NONBLOCK);
	signal_fd = con.sigpipe[1];
	have_termios = tcgetattr(STDIN_FILENO, &saved_termios) == 0;
	install_signals();
	mem_set_oom_handler(out_of_memory);
	atexit(restore_terminal);

	initscr();
	raw();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	setup_colors(&con);
	cmdline_init(&con);
	console_screens[con.screen]->open(&con);

	bool running = true, dirty = true;
	while (running) {
		if (dirty) {
			draw(&con);
			dirty = false;
		}
		struct pollfd fds[2] = { { STDIN_FILENO, POLLIN, 0 }, { con.sigpipe[0], POLLIN, 0 } };
		if (poll(fds, 2, 30000) < 0 && errno != EINTR)
			break;
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;  /* the terminal is gone */
		if (fds[1].revents & POLLIN) {
			unsigned char sig;
			while (read(con.sigpipe[0], &sig, 1) == 1) {
				if (sig == SIGWINCH) {
					endwin();
					refresh();
					dirty = true;
				} else {
					running = false;
				}
			}
		}
		/* Every key waiting, then one redraw. */
		wint_t ch;
		int kind;
		while (running && (kind = wget_wch(stdscr, &ch)) != ERR) {
			if (kind == KEY_CODE_YES && ch == KEY_RESIZE) {
				dirty = true;
				continue;
			}
			int act = console_key(&con, ch, kind == KEY_CODE_YES);
			if (act & ACT_QUIT)
				running = false;
			dirty = true;
		}
		if (!(fds[0].revents | fds[1].revents))
			dirty = true;  /* the minute changed, maybe: the clock */
	}
	cmdline_end();
	if (console_screens[con.screen]->close)
		console_screens[con.screen]->close(&con);
	for (int i = 0; i < SCREEN_COUNT; i++)
		if (con.state[i])
			console_screens[i]->destroy(con.state[i]);
	restore_terminal();
	signal_fd = -1;
	close(con.sigpipe[0]);
	close(con.sigpipe[1]);
	cache_close(&con.cache);
	return IRM_OK;
}
