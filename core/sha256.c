/* sha256.c — SHA-256 (FIPS 180-4, section 6.2), written from the standard.
 *
 * Used by irm-central to keep API tokens as hashes only; see sha256.h.
 * Words are big-endian; the message is padded with 0x80, zeros, and its
 * length in bits as a 64-bit big-endian number so the total is a multiple
 * of 64 bytes. */
#include "sha256.h"

#include <string.h>

/* First 32 bits of the fractional parts of the cube roots of the first 64
 * primes (FIPS 180-4, 4.2.2). */
static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* First 32 bits of the fractional parts of the square roots of the first 8
 * primes (FIPS 180-4, 5.3.3). */
static const uint32_t sha256_h0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static uint32_t sha256_rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t sha256_load(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void sha256_store(unsigned char *p, uint32_t x)
{
	p[0] = (unsigned char)(x >> 24);
	p[1] = (unsigned char)(x >> 16);
	p[2] = (unsigned char)(x >> 8);
	p[3] = (unsigned char)x;
}

/* Clear n bytes at p in a way the compiler may not drop. */
static void sha256_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

/* Compress one 64-byte block into the chaining value (FIPS 180-4, 6.2.2). */
static void sha256_block(uint32_t h[8], const unsigned char *block)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh, t1, t2, s0, s1;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = sha256_load(block + 4 * i);
	for (i = 16; i < 64; i++) {
		s0 = sha256_rotr(w[i - 15], 7) ^ sha256_rotr(w[i - 15], 18) ^
		    (w[i - 15] >> 3);
		s1 = sha256_rotr(w[i - 2], 17) ^ sha256_rotr(w[i - 2], 19) ^
		    (w[i - 2] >> 10);
		w[i] = s1 + w[i - 7] + s0 + w[i - 16];
	}

	a = h[0]; b = h[1]; c = h[2]; d = h[3];
	e = h[4]; f = h[5]; g = h[6]; hh = h[7];
	for (i = 0; i < 64; i++) {
		s1 = sha256_rotr(e, 6) ^ sha256_rotr(e, 11) ^ sha256_rotr(e, 25);
		t1 = hh + s1 + ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
		s0 = sha256_rotr(a, 2) ^ sha256_rotr(a, 13) ^ sha256_rotr(a, 22);
		t2 = s0 + ((a & b) ^ (a & c) ^ (b & c));
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += hh;

	/* The schedule holds words of the message (a token); do not leave it
	 * on the stack. */
	sha256_wipe(w, sizeof w);
}

void sha256_init(struct sha256 *s)
{
	memcpy(s->h, sha256_h0, sizeof s->h);
	s->len = 0;
	s->used = 0;
	memset(s->buf, 0, sizeof s->buf);
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t take;

	s->len += len;
	if (s->used > 0) {
		take = sizeof s->buf - s->used;
		if (take > len)
			take = len;
		memcpy(s->buf + s->used, p, take);
		s->used += take;
		p += take;
		len -= take;
		if (s->used < sizeof s->buf)
			return;
		sha256_block(s->h, s->buf);
		s->used = 0;
	}
	while (len >= sizeof s->buf) {
		sha256_block(s->h, p);
		p += sizeof s->buf;
		len -= sizeof s->buf;
	}
	if (len > 0) {
		memcpy(s->buf, p, len);
		s->used = len;
	}
}

void sha256_final(struct sha256 *s, unsigned char out[SHA256_BYTES])
{
	uint64_t bits = s->len * 8;
	int i;

	s->buf[s->used++] = 0x80;
	if (s->used > sizeof s->buf - 8) {
		memset(s->buf + s->used, 0, sizeof s->buf - s->used);
		sha256_block(s->h, s->buf);
		s->used = 0;
	}
	memset(s->buf + s->used, 0, sizeof s->buf - 8 - s->used);
	for (i = 0; i < 8; i++)
		s->buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_block(s->h, s->buf);

	for (i = 0; i < 8; i++)
		sha256_store(out + 4 * i, s->h[i]);
	sha256_wipe(s, sizeof *s);
}

void sha256(const void *data, size_t len, unsigned char out[SHA256_BYTES])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, out);
}

bool sha256_equal(const unsigned char a[SHA256_BYTES],
    const unsigned char b[SHA256_BYTES])
{
	/* Every byte is looked at whatever the earlier ones were; volatile
	 * keeps the compiler from turning this into an early exit. */
	volatile unsigned char diff = 0;
	int i;

	for (i = 0; i < SHA256_BYTES; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

void sha256_hex(const unsigned char d[SHA256_BYTES], char out[65])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < SHA256_BYTES; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 0x0f];
	}
	out[2 * SHA256_BYTES] = '\0';
}
