/* console.c — the console's loop: one thread owns the terminal.
 *
 * The flow of a keystroke: poll() wakes on the terminal, the loop reads
 * the key and hands it to the current screen's key(); the screen answers
 * with ACT_* flags; the loop redraws once per pass (status line, screen,
 * hint line), with wnoutrefresh and doupdate. Signals only write a byte
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
#include "mem.h"
#include "clock.h"
#include "outbox.h"
#include "text.h"
#include "utf8.h"

static const struct screen_ops *const screens[SCREEN_COUNT] = {
	[SCREEN_SEARCH] = &screen_search_ops,
	[SCREEN_CUSTOMER] = &screen_customer_ops,
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
	if (screens[con->screen]->close)
		screens[con->screen]->close(con);
	con->screen = id;
	screens[id]->open(con);
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

/* " irm · agent ana        local cache · 0 waiting · 09:12" */
static void draw_status(struct console *con, int width)
{
	char right[160], clock_buf[8];
	long waiting = 0;
	time_t now = (time_t)clock_now();
	struct tm tm;

	outbox_waiting(con->cache, &waiting, NULL);
	localtime_r(&now, &tm);
	strftime(clock_buf, sizeof clock_buf, "%H:%M", &tm);
	snprintf(right, sizeof right, "local cache · %ld waiting · %s ", waiting, clock_buf);
	attr_t bar = con->color ? COLOR_PAIR(1) : A_REVERSE;
	wattron(stdscr, bar);
	mvhline(0, 0, ' ', width);
	char left[160];
	snprintf(left, sizeof left, " irm · agent %s", con->cli->as ? con->cli->as : "");
	int rw = text_width(right);
	int used = draw_text(stdscr, 0, 0, left, width - rw - 1, bar);
	if (con->flash[0])
		draw_text(stdscr, 0, used + 2, con->flash, width - rw - used - 3, bar | A_BOLD);
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
	if (body) {
		screens[con->screen]->draw(con, body, h - 2, w);
		delwin(body);
	}
	draw_text(stdscr, h - 1, 0, screens[con->screen]->hints, w, A_DIM);
	wnoutrefresh(stdscr);
	doupdate();
}

static void setup_colors(struct console *con)
{
	const char *no_color = getenv("NO_COLOR");
	con->color = has_colors() && !(no_color && *no_color);
	if (!con->color)
		return;
	start_color();
	use_default_colors();
	init_pair(1, COLOR_WHITE, COLOR_BLUE);    /* status bar */
	init_pair(2, COLOR_YELLOW, -1);           /* projected, due soon */
	init_pair(3, COLOR_RED, -1);              /* pending, overdue */
	init_pair(4, COLOR_CYAN, -1);             /* tiers, intent */
	init_pair(5, COLOR_GREEN, -1);            /* done */
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
	screens[con.screen]->open(&con);

	bool running = true, dirty = true;
	while (running) {
		if (dirty) {
			draw(&con);
			dirty = false;
		}
		struct pollfd fds[2] = { { STDIN_FILENO, POLLIN, 0 }, { con.sigpipe[0], POLLIN, 0 } };
		if (poll(fds, 2, 30000) < 0 && errno != EINTR)
			break;
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
			con.flash[0] = '\0';
			int act = screens[con.screen]->key(&con, ch, kind == KEY_CODE_YES);
			if (act & ACT_QUIT)
				running = false;
			dirty = true;
		}
		if (!(fds[0].revents | fds[1].revents))
			dirty = true;  /* the minute changed, maybe: the clock */
	}
	if (screens[con.screen]->close)
		screens[con.screen]->close(&con);
	for (int i = 0; i < SCREEN_COUNT; i++)
		if (con.state[i])
			screens[i]->destroy(con.state[i]);
	restore_terminal();
	signal_fd = -1;
	close(con.sigpipe[0]);
	close(con.sigpipe[1]);
	cache_close(&con.cache);
	return IRM_OK;
}
