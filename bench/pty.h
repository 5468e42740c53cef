/* pty.h — a program run on a pseudo-terminal, for the bench: start it,
 * type at it, and time the bursts of output it answers with. Times are
 * CLOCK_MONOTONIC seconds. */
#ifndef IRM_BENCH_PTY_H
#define IRM_BENCH_PTY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct pty {
	int fd;                 /* the master side; -1 once closed */
	pid_t pid;              /* the program; 0 once reaped */
	char *out;              /* owned: the output of the last burst, NUL-terminated */
	size_t len, cap;
	bool gone;              /* the program closed the terminal (it ended) */
};

struct pty_burst {
	double first, last;     /* when the first and the last byte were read; 0: none */
	double gap;             /* the longest silence between two reads of it, s */
	size_t bytes;
	bool complete;          /* what was waited for came, then output went quiet */
};

/* The monotonic clock, in seconds. */
double pty_now(void);

/* Start argv (argv[0] looked up in PATH) with exactly envp, as the leader
 * of a new session on a new terminal of rows × cols. raw: the terminal
 * starts raw, without echo (Ctrl-C still interrupts). Returns 0, or -1
 * with errno set. */
int pty_spawn(struct pty *p, char *const argv[], char *const envp[], int rows, int cols, bool raw);

/* Type a key (all its bytes at once). Returns the time just before the
 * write, or a negative number if it failed. */
double pty_key(struct pty *p, const char *bytes, size_t n);

/* Read the program's answer into p->out, reading all the while so it never
 * blocks on a full terminal: done when every string of `until` (a NULL-
 * ended list, each found after the one before; NULL: any output at all)
 * has appeared and then nothing more came for quiet_ms. Gives up when that
 * has not happened within timeout_ms, or output never stops for 2 s more. */
void pty_read(struct pty *p, const char *const *until, int quiet_ms, int timeout_ms,
	      struct pty_burst *b);

/* Throw away the output waiting now. Returns its size. */
size_t pty_drain(struct pty *p);

/* The last burst as plain text (escape sequences and control characters
 * dropped, runs of space made one), cut to fit `size`. */
void pty_text(const struct pty *p, char *buf, size_t size);

/* What the program has used so far, from /proc. */
struct pty_usage {
	double cpu, queued;     /* seconds on a CPU, and ready but waiting for one */
	long majflt;            /* page faults that read from storage */
	long long read_bytes;   /* bytes read from storage for it; -1 if unknown */
};

/* Fill u; false if the program is gone or /proc cannot say. */
bool pty_usage(const struct pty *p, struct pty_usage *u);

/* The program's peak resident set so far (VmHWM), in KB; -1 if unknown.
 * Unlike the ru_maxrss of a child, it counts nothing of the parent's. */
long pty_peak_rss_kb(const struct pty *p);

/* Type `bye` (NULL: nothing), wait up to timeout_ms for the program to end
 * while reading its output, kill it if it did not, and close. Returns its
 * wait status, or -1 if it had to be killed; *rss_kb (may be NULL) gets
 * its ru_maxrss. */
int pty_end(struct pty *p, const char *bye, int timeout_ms, long *rss_kb);

#endif
