/* tokens.h — who may call irm-central: the tokens file.
 *
 * One token a line, "TOKEN ROLE [STATION]"; '#' starts a comment. Roles:
 * agent, supervisor, kiosk (with the station it stands at), ingest. The
 * file must be readable by its owner only (0600 or 0400), or it is
 * refused. Once loaded only each token's SHA-256 is kept, and a presented
 * token is compared with every one in constant time. */
#ifndef IRM_SERVER_TOKENS_H
#define IRM_SERVER_TOKENS_H

#include <stdbool.h>
#include <stddef.h>

#include "sha256.h"
#include "status.h"

enum role { ROLE_AGENT, ROLE_SUPERVISOR, ROLE_KIOSK, ROLE_INGEST, ROLE_COUNT };

struct principal {
	enum role role;
	char station[4];            /* kiosk: its station; else "" */
	char id[17];                /* the token's hash, first 8 bytes in hex:
				     * names it (the actions log) without
				     * saying what it is */
};

struct token {
	unsigned char hash[SHA256_BYTES];
	struct principal who;
};

struct tokens {
	struct token *v;
	size_t n;
};

/* Tokens shorter than this are refused: they would be guessable. */
enum { TOKEN_MIN_LEN = 16, TOKEN_MAX_LEN = 512 };

enum irm_status tokens_load(const char *path, struct tokens *out, struct irm_err *e);
void tokens_free(struct tokens *t);
/* The principal a presented token stands for, or NULL. */
const struct principal *tokens_check(const struct tokens *t, const char *token, size_t len);
const char *role_name(enum role r);
bool role_parse(const char *s, enum role *out);

#endif
