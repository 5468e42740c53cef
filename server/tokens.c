/* tokens.c — loading the tokens file and checking a presented token. */
#include "tokens.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "airports.h"
#include "mem.h"

static const char *const ROLE_NAMES[ROLE_COUNT] = { "agent", "supervisor", "kiosk", "ingest" };

const char *role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? ROLE_NAMES[r] : "?";
}

bool role_parse(const char *s, enum role *out)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (strcmp(s, ROLE_NAMES[i]) == 0) {
			*out = (enum role)i;
			return true;
		}
	return false;
}

static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

/* One line, split in place into at most 4 words. */
static int split(char *line, char *words[4])
{
	int n = 0;
	char *p = line;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			*p++ = '\0';
		if (!*p || *p == '#')
			break;
		if (n == 4)
			return 5;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
	}
	*p = '\0';
	return n;
}

static enum irm_status parse_line(char *line, const char *path, long lineno, struct tokens *t,
				  size_t *cap, struct irm_err *e)
{
	char *w[4];
	int n = split(line, w);
	enum role role;

	if (n == 0)
		return IRM_OK;
	if (n < 2 || n > 3)
		return err_set(e, IRM_EUSAGE, "%s:%ld: expected TOKEN ROLE [STATION]", path, lineno);
	size_t len = strlen(w[0]);
	if (len < TOKEN_MIN_LEN || len > TOKEN_MAX_LEN)
		return err_set(e, IRM_EUSAGE, "%s:%ld: a token must be %d to %d characters long",
			       path, lineno, TOKEN_MIN_LEN, TOKEN_MAX_LEN);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)w[0][i] < 0x21 || (unsigned char)w[0][i] > 0x7e)
			return err_set(e, IRM_EUSAGE, "%s:%ld: a token is printable ASCII", path,
				       lineno);
	if (!role_parse(w[1], &role))
		return err_set(e, IRM_EUSAGE, "%s:%ld: unknown role (agent, supervisor, kiosk or "
			       "ingest)", path, lineno);
	struct token tok = { .who.role = role };
	if (role == ROLE_KIOSK) {
		if (n != 3)
			return err_set(e, IRM_EUSAGE, "%s:%ld: a kiosk token names its station", path,
				       lineno);
		if (!airports_find(w[2]))
			return err_set(e, IRM_EUSAGE, "%s:%ld: unknown airport (an IATA code in "
				       "capitals, like DEN)", path, lineno);
		memcpy(tok.who.station, w[2], 4);
	} else if (n == 3) {
		return err_set(e, IRM_EUSAGE, "%s:%ld: only a kiosk token has a station", path,
			       lineno);
	}
	sha256(w[0], len, tok.hash);
	for (int i = 0; i < 8; i++)
		snprintf(tok.who.id + 2 * i, 3, "%02x", tok.hash[i]);
	for (size_t i = 0; i < t->n; i++)
		if (sha256_equal(t->v[i].hash, tok.hash))
			return err_set(e, IRM_EUSAGE, "%s:%ld: the same token as an earlier line",
				       path, lineno);
	if (t->n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		t->v = xrealloc(t->v, *cap * sizeof *t->v);
	}
	t->v[t->n++] = tok;
	return IRM_OK;
}

enum irm_status tokens_load(const char *path, struct tokens *out, struct irm_err *e)
{
	struct stat sb;
	enum irm_status s = IRM_OK;

	memset(out, 0, sizeof *out);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return err_set(e, IRM_EUSAGE, "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(e, IRM_EUSAGE, "%s: not a regular file", path);
	}
	if (sb.st_mode & 077) {
		close(fd);
		return err_set(e, IRM_EUSAGE, "%s: readable by others (mode %04o): it holds secrets;"
			       " chmod 600 %s", path, (unsigned)(sb.st_mode & 07777), path);
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return err_set(e, IRM_EUSAGE, "%s: %s", path, strerror(errno));
	}
	char *line = NULL;
	size_t linecap = 0, cap = 0;
	ssize_t len;
	long lineno = 0;
	while (s == IRM_OK && (len = getline(&line, &linecap, f)) >= 0) {
		lineno++;
		if (memchr(line, '\0', (size_t)len))
			s = err_set(e, IRM_EUSAGE, "%s:%ld: a NUL byte in the line", path, lineno);
		else
			s = parse_line(line, path, lineno, out, &cap, e);
		wipe(line, linecap);
	}
	if (s == IRM_OK && ferror(f))
		s = err_set(e, IRM_EUSAGE, "%s: %s", path, strerror(errno));
	if (line)
		wipe(line, linecap);
	free(line);
	fclose(f);
	if (s == IRM_OK && out->n == 0)
		s = err_set(e, IRM_EUSAGE, "%s: no tokens: nobody could call the server", path);
	if (s != IRM_OK)
		tokens_free(out);
	return s;
}

void tokens_free(struct tokens *t)
{
	if (t->v)
		wipe(t->v, t->n * sizeof *t->v);
	free(t->v);
	memset(t, 0, sizeof *t);
}

const struct principal *tokens_check(const struct tokens *t, const char *token, size_t len)
{
	unsigned char h[SHA256_BYTES];
	const struct principal *who = NULL;

	if (len < TOKEN_MIN_LEN || len > TOKEN_MAX_LEN)
		return NULL;
	sha256(token, len, h);
	for (size_t i = 0; i < t->n; i++)  /* every one: no early exit */
		if (sha256_equal(t->v[i].hash, h) && !who)
			who = &t->v[i].who;
	return who;
}
