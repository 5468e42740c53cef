/* test_console.c — the real console inside tmux: send keys, read the
 * screen. TERM, locale, time zone, HOME and the clock are pinned. */
#include "testutil.h"
#include "clirun.h"

#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

static char *dir;
static char db[4200], sock[64];
static const char *bin;

/* Run a tmux command on our own server; its output (first 64 KiB). */
static char *tmux(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *tmux(const char *fmt, ...)
{
	char args[8192], cmd[8400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof cmd, "tmux -L %s %s 2>&1", sock, args);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *out = calloc(1, 65536);
	size_t n = fread(out, 1, 65535, p);
	out[n] = '\0';
	pclose(p);
	return out;
}

static char *screen(void)
{
	return tmux("capture-pane -p -t irm");
}

/* Wait (up to 5 s) until the screen shows `want`; the screen then. A
 * screen caught while it is being written is not returned: it must show
 * the same twice, 40 ms apart. */
static char *wait_for(const char *want)
{
	char *last = NULL;
	for (int i = 0; i < 100; i++) {
		char *s = screen();
		if (strstr(s, want) && last && strcmp(s, last) == 0) {
			free(last);
			return s;
		}
		free(last);
		last = s;
		struct timespec t = { 0, 40 * 1000 * 1000 };
		nanosleep(&t, NULL);
	}
	free(last);
	char *s = screen();
	fail_msg("the screen never showed '%s'; it shows:\n%s", want, s);
	return s;
}

/* End the tmux server and what runs in its panes. Each pane is a process
 * group of its own, killed first: a console left to end by the hangup
 * alone may not end under the leak checker of `make check`, which can
 * spin for ever stopping its threads, and keep burning a core. */
static void end_server(void)
{
	char *pids = tmux("list-panes -a -F '#{pane_pid}'");
	for (char *p = pids, *next; *p; p = next) {
		long pid = strtol(p, &next, 10);
		if (next == p)
			break;
		if (pid > 1)
			kill(-(pid_t)pid, SIGKILL);
	}
	free(pids);
	free(tmux("kill-server"));
}

/* Start irm with `args` after --db and --as ana; wait for `ready`. */
static void start_as(int w, int h, const char *extra_env, const char *args, const char *ready)
{
	/* A new tmux server each time (its own socket): a server being killed
	 * could otherwise still hold the name the next one needs. */
	static int runs;
	end_server();
	snprintf(sock, sizeof sock, "irmtest%d-%d", (int)getpid(), ++runs);
	/* The pane stays when irm ends, so a failure shows what it said. */
	free(tmux("-f /dev/null new-session -d -s irm -x %d -y %d \"env -i PATH=/usr/bin:/bin TERM=xterm-256color "
		  "LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=America/Denver HOME=%s IRM_NOW=2026-11-22T09:00:00Z %s "
		  "'%s' --db '%s' --as ana %s; sleep 30\"", w, h, dir, extra_env, bin, db, args));
	free(wait_for(ready));
}

static void start(int w, int h, const char *extra_env)
{
	start_as(w, h, extra_env, "", "Find:");
}

/* The whole line of the screen that holds `needle` (a copy). */
static char *line_of(const char *screen_text, const char *needle)
{
	const char *at = strstr(screen_text, needle);
	if (!at)
		fail_msg("no line holds '%s' in:\n%s", needle, screen_text);
	const char *b = at, *e = strchr(at, '\n');
	while (b > screen_text && b[-1] != '\n')
		b--;
	if (!e)
		e = at + strlen(at);
	return strndup(b, (size_t)(e - b));
}

static void keys(const char *k)
{
	free(tmux("send-keys -t irm -- %s", k));
}

static int setup(void **state)
{
	(void)state;
	bin = getenv("IRM_BIN");
	dir = tmpdir_make();
	if (!bin || !dir)
		return -1;
	snprintf(sock, sizeof sock, "irmtest%d", (int)getpid());
	snprintf(db, sizeof db, "%s/console.db", dir);
	setenv("IRM_NOW", "2026-11-22T09:00:00Z", 1);
	struct run r = run_irm(bin, NULL, (const char *const[]){ "demo", "--customers", "300", "--out", db, NULL });
	int ok = r.status == 0;
	run_free(&r);
	/* A name that tries to retitle the window and clear the screen, and
	 * one in CJK. */
	r = run_irm(bin,
		    "{\"kind\":\"customer\",\"data\":{\"id\":\"E1\",\"member\":\"MP9000001\","
		    "\"name\":\"Evil\\u001b]2;pwned\\u0007\\u001b[2J Person\",\"tier\":\"Gold\"}}\n"
		    "{\"kind\":\"customer\",\"data\":{\"id\":\"K1\",\"member\":\"MP9000002\",\"name\":\"王小明\"}}\n",
		    (const char *const[]){ "--db", db, "import", "-", NULL });
	ok &= r.status == 0;
	run_free(&r);
	return ok ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	end_server();
	tmpdir_remove(dir);
	return 0;
}

static void test_find_open_and_acknowledge(void **state)
{
	(void)state;
	start(100, 30, "");
	keys("'dale brewr'");
	char *s = wait_for("Dale Brewer");
	assert_non_null(strstr(s, "PLATINUM"));
	assert_non_null(strstr(s, "MP7000001"));
	free(s);
	keys("Enter");
	s = wait_for("1,000,000 lifetime miles");
	assert_non_null(strstr(s, "PROJECTED"));
	assert_non_null(strstr(s, "crosses on UA1234 DEN→SEA 22 Nov 08:15"));
	assert_non_null(strstr(s, "Congratulations, Dale"));
	assert_non_null(strstr(s, "BUSINESS"));
	free(s);
	keys("a");
	s = wait_for("ACKNOWLEDGED");
	assert_non_null(strstr(s, "1 waiting"));
	free(s);
	/* The same cache, from the command line: acknowledged by ana. */
	struct run r = run_irm(bin, NULL, (const char *const[]){ "--db", db, "alerts", "--state",
								 "acknowledged", "--json", NULL });
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "A-C1-lifetime_miles-1000000"));
	assert_non_null(strstr(r.out, "\"assigned_to\":\"ana\""));
	run_free(&r);
	/* In the queue with its new state and its owner. */
	keys(":alerts Enter");
	s = wait_for("OWNER");
	char *row = line_of(s, "1,000,000 lifetime miles");
	assert_non_null(strstr(row, "ACKNOWLEDGED"));
	assert_non_null(strstr(row, "Dale Brew"));
	assert_non_null(strstr(row, "UA1234 DEN→SEA"));
	assert_non_null(strstr(row, "ana"));
	free(row);
	free(s);
	keys("Escape");
	free(wait_for("Find:"));
	keys("Enter");
	free(wait_for("ACKNOWLEDGED"));
	/* Done, with the greeting given. */
	keys("d");
	free(wait_for("done how?"));
	keys("g");
	s = wait_for("A-C1-lifetime_miles-1000000: done");
	assert_null(strstr(s, "1,000,000 lifetime miles"));  /* closed: off the open list */
	free(s);
	keys("Escape");
	free(wait_for("Find:"));
	keys("C-c");
}

static void test_resizes(void **state)
{
	(void)state;
	start(100, 30, "");
	keys("MP7000001");
	free(wait_for("Dale Brewer"));
	keys("Enter");
	free(wait_for("Alerts"));
	free(tmux("resize-window -t irm -x 80 -y 24"));
	char *s = wait_for("998,976 mi");
	/* The header never wraps: the second line is the next milestone. */
	char *line2 = strchr(s, '\n') + 1, *line3 = strchr(line2, '\n') + 1;
	assert_true(strncmp(line2, " Dale Brewer", 12) == 0);
	assert_true(strncmp(line3, " next 1,000,000 mi", 18) == 0);
	assert_null(strstr(s, "member since"));
	free(s);
	free(tmux("resize-window -t irm -x 200 -y 60"));
	s = wait_for("member since 1987");
	assert_non_null(strstr(s, "1,650 flights"));
	free(s);
	keys("C-c");
}

static void test_outside_text_cannot_act_on_the_terminal(void **state)
{
	(void)state;
	start(100, 30, "");
	char *title = tmux("display -p -t irm '#{pane_title}'");
	keys("evil");
	char *s = wait_for("Person");
	assert_non_null(strstr(s, "␛"));
	free(s);
	char *after = tmux("display -p -t irm '#{pane_title}'");
	assert_null(strstr(after, "pwned"));
	assert_string_equal(title, after);
	free(title);
	free(after);
	keys("C-u");
	keys("王");
	s = wait_for("王小明");
	free(s);
	keys("C-c");
}

static void test_no_color(void **state)
{
	(void)state;
	start(100, 30, "");
	char *s = tmux("capture-pane -p -e -t irm");
	assert_non_null(strstr(s, "\033[44m"));  /* the status bar's colour */
	free(s);
	keys("C-c");
	start(100, 30, "NO_COLOR=1");
	s = tmux("capture-pane -p -e -t irm");
	assert_null(strstr(s, "\033[44m"));
	assert_non_null(strstr(s, "\033[7m"));   /* reverse video instead */
	free(s);
	keys("C-c");
}

static void test_command_line(void **state)
{
	(void)state;
	start(100, 30, "");
	/* Tab completes a customer's name from a typo; Enter opens them. */
	keys(": 'open priya raman' Tab");
	char *s = wait_for(":open Priya Raman");
	free(s);
	keys("Enter");
	s = wait_for("MP7000002");
	assert_non_null(strstr(s, "Alerts"));
	free(s);
	/* Verbs complete; the alert on screen is the one acted on. */
	keys(": ac Tab");
	free(wait_for(":ack"));
	keys("Enter");
	s = wait_for(": acknowledged");
	assert_non_null(strstr(s, "ACKNOWLEDGED"));
	free(s);
	keys(": 'note \"asked about lounge access\"' Enter");
	s = wait_for("asked about lounge access");
	assert_non_null(strstr(s, "Notes"));
	assert_non_null(strstr(s, "note added to C2"));
	free(s);
	/* Mistakes are said, not done. */
	keys(": 'done banana' Enter");
	free(wait_for("done how? email, call"));
	keys(": 'frobnicate' Enter");
	free(wait_for("no command 'frobnicate'"));
	/* A mistyped alert id is refused, not taken for the alert on screen. */
	keys(": 'dismiss A-C2-lifetime_miles-50000 duplicate' Enter");
	free(wait_for("dismiss: no alert 'A-C2-lifetime_miles-50000'"));
	s = screen();
	assert_non_null(strstr(s, "ACKNOWLEDGED"));
	free(s);
	/* A note about another customer, named by member number. */
	keys(": 'note MP7000001 called about the upgrade' Enter");
	free(wait_for("note added to C1"));
	/* Alt+b is readline's backward-word, not an Esc that abandons the line. */
	keys(": 'find dale brewer' M-b X Enter");
	free(wait_for("Find: dale Xbrewer"));
	keys(": 'find \"unclosed' Enter");
	free(wait_for("is not closed"));
	/* Esc abandons a line, and nothing runs. */
	keys(": quit Escape");
	free(wait_for("type to search"));
	/* History: ↑ brings back what ran, across runs. */
	keys("C-c");
	start(100, 30, "");
	keys(": Up");
	free(wait_for(":find \"unclosed"));
	keys("Up");
	free(wait_for(":find dale Xbrewer"));
	keys("Escape");
	/* (A key right behind an Esc would make it Alt+key: wait it out.) */
	free(wait_for("type to search"));
	char path[4300];
	snprintf(path, sizeof path, "%s/.local/state/irm/history", dir);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Notes are about customers: not kept in the history. */
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char hist[8192];
	size_t hn = fread(hist, 1, sizeof hist - 1, f);
	hist[hn] = '\0';
	fclose(f);
	assert_non_null(strstr(hist, "frobnicate"));
	assert_null(strstr(hist, "lounge"));
	assert_null(strstr(hist, "upgrade"));
	keys(": quit Enter");
	/* irm has ended: the pane runs the sleep that keeps it. */
	bool ended = false;
	for (int i = 0; i < 100 && !ended; i++) {
		char *out = tmux("list-panes -t irm -F '#{pane_current_command}'");
		ended = strstr(out, "sleep") != NULL;
		free(out);
		struct timespec t = { 0, 50 * 1000 * 1000 };
		nanosleep(&t, NULL);
	}
	assert_true(ended);
}

static void test_customer_keys(void **state)
{
	(void)state;
	start(120, 40, "");
	keys("MP7000001");
	free(wait_for("Dale Brewer"));
	keys("Enter");
	free(wait_for("Alerts"));
	/* x asks why, then dismisses. */
	keys("x");
	/* (The million-mile alert is done already: the birthday is first.) */
	free(wait_for("dismiss A-C1-birthday-2026:"));
	keys("'already greeted at the gate' Enter");
	char *s = wait_for("A-C1-birthday-2026: dismissed");
	assert_null(strstr(s, "Flying on their birthday"));
	free(s);
	/* n writes a note; Tab and Enter show a trip's reasons in full. */
	keys("n");
	free(wait_for("note about C1:"));
	keys("'prefers window seats' Enter");
	free(wait_for("prefers window seats"));
	keys("Tab Enter");
	s = wait_for("booking ");
	free(s);
	/* ? lists every key of this screen. */
	keys("?");
	s = wait_for("Keys on the customer screen");
	assert_non_null(strstr(s, "dismiss the alert"));
	assert_non_null(strstr(s, "Commands"));
	free(s);
	keys("Escape");
	free(wait_for("Trips"));
	keys("C-c");
}

static void test_supervisor_queue(void **state)
{
	(void)state;
	start_as(120, 40, "", "--role supervisor", "OWNER");
	char *s = screen();
	assert_non_null(strstr(s, "supervisor ana"));
	assert_non_null(strstr(s, "pending "));
	assert_non_null(strstr(s, "projected "));
	assert_non_null(strstr(s, "overdue "));
	assert_non_null(strstr(s, "new/h"));
	assert_non_null(strstr(s, "updated "));
	free(s);
	/* Mark two, acknowledge both. */
	keys("Space Space a");
	s = wait_for("2 alerts acknowledged");
	free(s);
	/* Filter to the acknowledged ones: both there, owned by ana. */
	keys("f");
	free(wait_for(":alerts"));
	keys("'--state acknowledged' Enter");
	s = wait_for("alerts --state acknowledged");
	int rows = 0;
	for (char *p = strstr(s, "ACKNOWLEDGED"); p; p = strstr(p + 1, "ACKNOWLEDGED"))
		rows++;
	assert_true(rows >= 2);
	free(s);
	/* Assign one to kim; Tab offers the people who act. */
	keys("A");
	free(wait_for("assign A-"));
	keys("kim Enter");
	s = wait_for("assigned to kim");
	assert_non_null(strstr(s, "kim"));
	free(s);
	/* Dismiss it, saying why. */
	keys("x");
	free(wait_for("dismiss A-"));
	keys("'duplicate of a call' Enter");
	free(wait_for(": dismissed"));
	/* The sort cycles. */
	keys("s");
	free(wait_for("sorted by age"));
	keys("s");
	free(wait_for("sorted by priority"));
	/* Enter opens the customer; Esc comes back to the queue. */
	keys("Enter");
	free(wait_for("Trips"));
	keys("Escape");
	free(wait_for("OWNER"));
	keys("C-c");
}

static void test_themes_and_plain_terminals(void **state)
{
	(void)state;
	char conf[4300], env[4400];
	/* mono: no colour at all; light: no yellow (33) or cyan (36). */
	snprintf(conf, sizeof conf, "%s/mono.conf", dir);
	write_file(conf, "[console]\ntheme = mono\n");
	snprintf(env, sizeof env, "IRM_CONFIG=%s", conf);
	start(100, 30, env);
	keys("MP7000001 Enter");
	free(wait_for("Trips"));
	char *s = tmux("capture-pane -p -e -t irm");
	assert_null(strstr(s, "\033[44m"));
	assert_null(strstr(s, "\033[31m"));     /* no foreground colour */
	assert_null(strstr(s, "\033[33m"));
	assert_null(strstr(s, "\033[36m"));
	assert_non_null(strstr(s, "\033[7m"));
	free(s);
	keys("C-c");
	snprintf(conf, sizeof conf, "%s/light.conf", dir);
	write_file(conf, "[console]\ntheme = light\n");
	snprintf(env, sizeof env, "IRM_CONFIG=%s", conf);
	start(100, 30, env);
	keys("MP7000001 Enter");
	free(wait_for("Trips"));
	s = tmux("capture-pane -p -e -t irm");
	assert_non_null(strstr(s, "\033[44m"));
	assert_null(strstr(s, "\033[36m"));
	assert_null(strstr(s, "\033[33m"));
	free(s);
	keys("C-c");
	/* A terminal without colours: all there, in bold and reverse. */
	start(100, 30, "TERM=vt100");
	keys("MP7000001 Enter");
	s = wait_for("next 1,000,000 mi");
	assert_non_null(strstr(s, "Trips"));
	assert_non_null(strstr(s, "Alerts"));
	free(s);
	keys("C-c");
	/* A theme irm does not know is refused, with where. */
	snprintf(conf, sizeof conf, "%s/bad.conf", dir);
	write_file(conf, "[console]\ntheme = neon\n");
	struct run r = run_irm(bin, NULL, (const char *const[]){ "--config", conf, "--db", db, "find", "dale", NULL });
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.err, "bad.conf:2"));
	assert_non_null(strstr(r.err, "dark, light or mono"));
	run_free(&r);
}

static void test_needs_a_terminal(void **state)
{
	(void)state;
	struct run r = run_irm(bin, NULL, (const char *const[]){ "--db", db, NULL });
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "needs a terminal"));
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_open_and_acknowledge),
		cmocka_unit_test(test_resizes),
		cmocka_unit_test(test_outside_text_cannot_act_on_the_terminal),
		cmocka_unit_test(test_no_color),
		cmocka_unit_test(test_command_line),
		cmocka_unit_test(test_customer_keys),
		cmocka_unit_test(test_supervisor_queue),
		cmocka_unit_test(test_themes_and_plain_terminals),
		cmocka_unit_test(test_needs_a_terminal),
	};
	return cmocka_run_group_tests_name("console", tests, setup, teardown);
}
