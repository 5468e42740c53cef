/* sha256.h — SHA-256 (FIPS 180-4), written from the standard.
 *
 * irm-central keeps API tokens only as hashes: once the tokens file is
 * loaded, the tokens themselves are dropped and a presented token is hashed
 * and compared with sha256_equal(), whose time does not depend on where two
 * digests differ. Not for passwords (no salt, no stretching); tokens are
 * long random strings, so a plain hash is enough. */
#ifndef IRM_SHA256_H
#define IRM_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { SHA256_BYTES = 32 };

/* Running state: chaining value, total length in bytes, and the part of a
 * 64-byte block not yet compressed. */
struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Write the digest to out and wipe s (it must be re-initialised to reuse). */
void sha256_final(struct sha256 *s, unsigned char out[SHA256_BYTES]);
/* One-shot: the digest of len bytes at data. */
void sha256(const void *data, size_t len, unsigned char out[SHA256_BYTES]);
/* Equal in time that does not depend on where they differ. */
bool sha256_equal(const unsigned char a[SHA256_BYTES],
    const unsigned char b[SHA256_BYTES]);
/* 64 lower-case hex digits and a NUL. */
void sha256_hex(const unsigned char d[SHA256_BYTES], char out[65]);

#endif
