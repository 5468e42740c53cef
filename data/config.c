/* config.c — finding and reading irm.conf. The parsing is core/conf.c;
 * this file only decides which file, and reads it whole. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"

/* The path from $XDG_CONFIG_HOME or the home directory, ignoring
 * $IRM_CONFIG. */
static const char *home_path(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;

	/* The XDG spec ignores a relative XDG_CONFIG_HOME. */
	if (xdg && xdg[0] == '/') {
		n = snprintf(buf, size, "%s/irm/irm.conf", xdg);
	} else {
		if (!home || !*home) {
			const struct passwd *pw = getpwuid(getuid());
			home = pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : NULL;
		}
		if (!home)
			return NULL;
		n = snprintf(buf, size, "%s/.config/irm/irm.conf", home);
	}
	return n < 0 || (size_t)n >= size ? NULL : buf;
}

const char *config_default_path(char *buf, size_t size)
{
	const char *env = getenv("IRM_CONFIG");

	if (env && *env) {
		int n = snprintf(buf, size, "%s", env);
		return n < 0 || (size_t)n >= size ? NULL : buf;
	}
	return home_path(buf, size);
}

/* All of fd into *text (malloc'd, NUL-terminated) unless it is larger than
 * CONFIG_SIZE_MAX. */
static enum irm_status read_all(int fd, const char *path, char **text, size_t *len,
				struct irm_err *e)
{
	struct stat st;
	size_t cap = 64 * 1024, n = 0;
	char *buf;

	if (fstat(fd, &st) != 0)
		return err_set(e, IRM_EUSAGE, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return err_set(e, IRM_EUSAGE, "%s: is a directory", path);
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > CONFIG_SIZE_MAX)
		return err_set(e, IRM_EINPUT, "%s: %jd bytes, larger than a configuration may be (1 MiB)",
			       path, (intmax_t)st.st_size);
	if (S_ISREG(st.st_mode))
		cap = (size_t)st.st_size + 1;   /* one more, to see it grew */
	buf = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap > CONFIG_SIZE_MAX)
				break;
			cap = cap * 2 > CONFIG_SIZE_MAX + 1 ? CONFIG_SIZE_MAX + 1 : cap * 2;
			buf = xrealloc(buf, cap + 1);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;
			free(buf);
			return err_set(e, IRM_EUSAGE, "%s: read error: %s", path, strerror(err));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > CONFIG_SIZE_MAX) {
		free(buf);
		return err_set(e, IRM_EINPUT, "%s: larger than a configuration may be (1 MiB)", path);
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return IRM_OK;
}

enum irm_status config_load(const char *path, struct conf *out, struct irm_err *e)
{
	char buf[4096];
	const char *env = getenv("IRM_CONFIG");
	const char *why = "";
	bool named = path != NULL;

	memset(out, 0, sizeof *out);
	if (!path && env && *env) {
		path = env;
		named = true;
		why = " (named by $IRM_CONFIG)";
	}
	if (!path) {
		path = home_path(buf, sizeof buf);
		if (!path)  /* no home: nothing to read, every default holds */
			return conf_parse("", 0, NULL, out, e);
	}

	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int err = errno;
		if (!named && (err == ENOENT || err == ENOTDIR))
			return conf_parse("", 0, path, out, e);
		return err_set(e, IRM_EUSAGE, "%s: %s%s", path, strerror(err), why);
	}
	char *text = NULL;
	size_t len = 0;
	enum irm_status s = read_all(fd, path, &text, &len, e);
	close(fd);
	if (s != IRM_OK)
		return s;
	s = conf_parse(text, len, path, out, e);
	free(text);
	return s;
}
