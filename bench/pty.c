/* pty.c — a program run on a pseudo-terminal, for the bench (see pty.h).
 *
 * The program is started with posix_spawn, not fork: a forked copy of a
 * large bench process would take time in page tables that a shell starting
 * irm does not pay. The child becomes a session leader and opens the
 * terminal's far side, which makes it its controlling terminal. */
#define _GNU_SOURCE
#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"

enum { OUT_MAX = 1 << 20 };     /* keep at most this much of one burst */

double pty_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int pty_spawn(struct pty *p, char *const argv[], char *const envp[], int rows, int cols, bool raw)
{
	char name[128];
	int rc = 0;

	memset(p, 0, sizeof *p);
	p->fd = -1;
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return -1;
	if (grantpt(m) != 0 || unlockpt(m) != 0 || ptsname_r(m, name, sizeof name) != 0) {
		rc = errno;
		close(m);
		errno = rc;
		return -1;
	}
	/* Size and modes are set on the far side before the program opens it. */
	int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0) {
		rc = errno;
		close(m);
		errno = rc;
		return -1;
	}
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	ioctl(s, TIOCSWINSZ, &ws);
	if (raw) {
		struct termios t;
		if (tcgetattr(s, &t) == 0) {
			cfmakeraw(&t);
			t.c_lflag |= ISIG;
			tcsetattr(s, TCSANOW, &t);
		}
	}

	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, name, O_RDWR, 0);
	posix_spawn_file_actions_adddup2(&fa, 0, 1);
	posix_spawn_file_actions_adddup2(&fa, 0, 2);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&dfl);
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD, SIGWINCH };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(&dfl, sigs[i]);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(&p->pid, argv[0], &fa, &at, argv, envp);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	close(s);
	if (rc != 0) {
		close(m);
		p->pid = 0;
		errno = rc;
		return -1;
	}
	fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
	p->fd = m;
	return 0;
}

double pty_key(struct pty *p, const char *bytes, size_t n)
{
	if (p->fd < 0)
		return -1;
	double t = pty_now();
	while (n > 0) {
		ssize_t k = write(p->fd, bytes, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EAGAIN) {
			struct pollfd pf = { p->fd, POLLOUT, 0 };
			if (poll(&pf, 1, 1000) <= 0)
				return -1;
			continue;
		}
		if (k <= 0)
			return -1;
		bytes += k;
		n -= (size_t)k;
	}
	return t;
}

static void keep(struct pty *p, const char *buf, size_t n)
{
	if (p->len + n > OUT_MAX)
		n = OUT_MAX - p->len;
	if (p->len + n + 1 > p->cap) {
		p->cap = (p->len + n + 1) * 2;
		p->out = xrealloc(p->out, p->cap);
	}
	memcpy(p->out + p->len, buf, n);
	p->len += n;
	p->out[p->len] = '\0';
}

/* Milliseconds from now to `until`, rounded up, at least 0. */
static int ms_to(double until)
{
	double left = (until - pty_now()) * 1e3;
	return left <= 0 ? 0 : (int)left + 1;
}

void pty_read(struct pty *p, const char *const *until, int quiet_ms, int timeout_ms,
	      struct pty_burst *b)
{
	double deadline = pty_now() + timeout_ms / 1e3, hard = deadline + 2.0;
	size_t next = 0, from = 0;
	char buf[16384];

	memset(b, 0, sizeof *b);
	p->len = 0;
	keep(p, "", 0);
	while (p->fd >= 0 && !p->gone) {
		bool met = until ? until[next] == NULL : b->bytes > 0;
		double end = met ? b->last + quiet_ms / 1e3 : deadline;
		if (end > hard)
			end = hard;
		struct pollfd pf = { p->fd, POLLIN, 0 };
		int r = poll(&pf, 1, ms_to(end));
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0) {
			if (pty_now() < end)
				continue;
			b->complete = met && end < hard;
			break;
		}
		ssize_t n = read(p->fd, buf, sizeof buf);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			p->gone = true;   /* EIO: the far side closed, the program ended */
			break;
		}
		double t = pty_now();
		if (!b->bytes)
			b->first = t;
		else if (t - b->last > b->gap)
			b->gap = t - b->last;
		b->last = t;
		b->bytes += (size_t)n;
		size_t old = p->len;
		keep(p, buf, (size_t)n);
		while (until && until[next]) {
			size_t need = strlen(until[next]);
			size_t at = old >= need ? old - need + 1 : 0;
			if (at < from)
				at = from;
			const char *hit = at < p->len ? memmem(p->out + at, p->len - at, until[next], need) : NULL;
			if (!hit)
				break;
			from = (size_t)(hit - p->out) + need;
			next++;
			old = from;  /* the next string is looked for after this one */
		}
	}
}

size_t pty_drain(struct pty *p)
{
	char buf[16384];
	size_t total = 0;
	while (p->fd >= 0 && !p->gone) {
		ssize_t n = read(p->fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			p->gone = true;
			break;
		}
		total += (size_t)n;
	}
	return total;
}

void pty_text(const struct pty *p, char *buf, size_t size)
{
	size_t o = 0;
	if (!size)
		return;
	for (size_t i = 0; i < p->len && o + 1 < size; i++) {
		unsigned char c = (unsigned char)p->out[i];
		if (c == 0x1b) {
			/* CSI: ESC [ params final (0x40–0x7e); OSC to BEL or ST;
			 * otherwise ESC and one more character. */
			if (i + 1 < p->len && p->out[i + 1] == '[') {
				i += 2;
				while (i < p->len && ((unsigned char)p->out[i] < 0x40 || (unsigned char)p->out[i] > 0x7e))
					i++;
			} else if (i + 1 < p->len && p->out[i + 1] == ']') {
				while (i < p->len && p->out[i] != '\a' && !(p->out[i] == '\\' && p->out[i - 1] == 0x1b))
					i++;
			} else {
				i++;
			}
			c = ' ';
		} else if (c < 0x20 || c == 0x7f) {
			c = ' ';
		}
		if (c == ' ' && (o == 0 || buf[o - 1] == ' '))
			continue;
		buf[o++] = (char)c;
	}
	while (o > 0 && buf[o - 1] == ' ')
		o--;
	buf[o] = '\0';
}

bool pty_usage(const struct pty *p, struct pty_usage *u)
{
	char path[64], line[512];
	unsigned long long run = 0, wait = 0;
	FILE *f;

	memset(u, 0, sizeof *u);
	u->read_bytes = -1;
	if (p->pid <= 0)
		return false;
	snprintf(path, sizeof path, "/proc/%d/schedstat", (int)p->pid);
	if (!(f = fopen(path, "r")))
		return false;
	bool ok = fscanf(f, "%llu %llu", &run, &wait) == 2;
	fclose(f);
	u->cpu = (double)run / 1e9;
	u->queued = (double)wait / 1e9;
	/* The name in /proc/PID/stat is in parentheses and may hold spaces:
	 * the fields are counted from the last ')'. majflt is the 12th. */
	snprintf(path, sizeof path, "/proc/%d/stat", (int)p->pid);
	if ((f = fopen(path, "r"))) {
		if (fgets(line, sizeof line, f)) {
			const char *r = strrchr(line, ')');
			if (!r || sscanf(r + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %ld", &u->majflt) != 1)
				ok = false;
		}
		fclose(f);
	}
	snprintf(path, sizeof path, "/proc/%d/io", (int)p->pid);
	if ((f = fopen(path, "r"))) {
		while (fgets(line, sizeof line, f))
			if (sscanf(line, "read_bytes: %lld", &u->read_bytes) == 1)
				break;
		fclose(f);
	}
	return ok;
}

long pty_peak_rss_kb(const struct pty *p)
{
	char path[64], line[256];
	long kb = -1;
	if (p->pid <= 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)p->pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int pty_end(struct pty *p, const char *bye, int timeout_ms, long *rss_kb)
{
	int ws = 0, ret = -1;
	struct rusage ru = { 0 };
	double deadline = pty_now() + timeout_ms / 1e3;

	if (bye)
		pty_key(p, bye, strlen(bye));
	while (p->pid > 0) {
		pid_t r = wait4(p->pid, &ws, WNOHANG, &ru);
		if (r == p->pid || (r < 0 && errno != EINTR)) {
			ret = r == p->pid ? ws : -1;
			break;
		}
		if (pty_now() >= deadline) {
			kill(p->pid, SIGKILL);
			while (wait4(p->pid, &ws, 0, &ru) < 0 && errno == EINTR)
				;
			ret = -1;
			break;
		}
		/* Keep reading, so it can write its last words and go. */
		struct pollfd pf = { p->fd, POLLIN, 0 };
		if (p->fd >= 0 && !p->gone && poll(&pf, 1, 10) > 0)
			pty_drain(p);
		else
			poll(NULL, 0, 5);
	}
	p->pid = 0;
	if (rss_kb)
		*rss_kb = ru.ru_maxrss;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	free(p->out);
	p->out = NULL;
	p->len = p->cap = 0;
	return ret;
}
