/* clirun.h — running the real irm binary from a test: its arguments and
 * standard input in, its exit status, standard output and standard error
 * out. For the CLI tests (test_cli*.c). */
#ifndef IRM_CLIRUN_H
#define IRM_CLIRUN_H

#include <jansson.h>
#include <poll.h>
#include <sys/wait.h>

struct run {
	int status;
	char *out, *err;
	size_t out_len;
};

static inline void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof *r);
}

static inline void slurp(int fd, char **buf, size_t *len, size_t *cap)
{
	if (*len + 4096 + 1 > *cap) {
		*cap = (*cap + 4096) * 2;
		*buf = realloc(*buf, *cap);
	}
	ssize_t n = read(fd, *buf + *len, *cap - *len - 1);
	if (n > 0)
		*len += (size_t)n;
	(*buf)[*len] = '\0';
}

/* Run irm with argv (NULL-terminated, without the program), feeding `in` on
 * standard input; collects stdout and stderr. */
static inline struct run run_irm(const char *bin, const char *in, const char *const *args)
{
	int pin[2], pout[2], perr[2];
	struct run r = { 0 };
	char *argv[64];
	int n = 0;

	argv[n++] = (char *)bin;
	for (; args[n - 1] && n < 63; n++)
		argv[n] = (char *)args[n - 1];
	argv[n] = NULL;
	assert_int_equal(pipe(pin), 0);
	assert_int_equal(pipe(pout), 0);
	assert_int_equal(pipe(perr), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		close(pin[1]);
		close(pout[0]);
		close(perr[0]);
		execv(bin, argv);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	if (in && write(pin[1], in, strlen(in)) != (ssize_t)strlen(in))
		fail_msg("short write to irm");
	close(pin[1]);
	size_t out_cap = 0, err_cap = 0, err_len = 0;
	r.out = calloc(1, 1);
	r.err = calloc(1, 1);
	struct pollfd fds[2] = { { pout[0], POLLIN, 0 }, { perr[0], POLLIN, 0 } };
	int open_fds = 2;
	while (open_fds > 0) {
		if (poll(fds, 2, 60000) <= 0)
			fail_msg("irm did not finish");
		for (int i = 0; i < 2; i++) {
			if (!(fds[i].revents & (POLLIN | POLLHUP)))
				continue;
			size_t before = i ? err_len : r.out_len;
			if (i)
				slurp(fds[i].fd, &r.err, &err_len, &err_cap);
			else
				slurp(fds[i].fd, &r.out, &r.out_len, &out_cap);
			if ((i ? err_len : r.out_len) == before) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	int ws;
	waitpid(pid, &ws, 0);
	r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return r;
}


static inline json_t *json_of(const struct run *r)
{
	json_error_t je;
	json_t *v = json_loads(r->out, 0, &je);
	if (!v)
		fail_msg("not JSON (%s): %.300s (stderr: %.300s)", je.text, r->out, r->err);
	return v;
}

#endif
