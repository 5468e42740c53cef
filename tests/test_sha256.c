/* test_sha256.c — SHA-256 against the published FIPS 180 / NIST vectors,
 * padding edges checked with sha256sum, chunked feeding, comparison, hex. */
#include "testutil.h"

#include "sha256.h"

static void check_hex(const unsigned char d[SHA256_BYTES], const char *want)
{
	char hex[65];

	sha256_hex(d, hex);
	assert_string_equal(hex, want);
}

static void check_one(const char *msg, const char *want)
{
	unsigned char d[SHA256_BYTES];

	sha256(msg, strlen(msg), d);
	check_hex(d, want);
}

static void test_empty(void **state)
{
	(void)state;
	check_one("",
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_abc(void **state)
{
	(void)state;
	check_one("abc",
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_448_bits(void **state)
{
	(void)state;
	check_one("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* One million 'a', fed in chunks of uneven sizes (1, 2, ... 200, again). */
static void test_million_a(void **state)
{
	static unsigned char as[200];
	unsigned char d[SHA256_BYTES];
	struct sha256 s;
	size_t left = 1000000, n = 1;

	(void)state;
	memset(as, 'a', sizeof as);
	sha256_init(&s);
	while (left > 0) {
		size_t take = n < left ? n : left;
		sha256_update(&s, as, take);
		left -= take;
		n = n % sizeof as + 1;
	}
	sha256_final(&s, d);
	check_hex(d,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void fill(unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 31 + 7);
}

/* Bytes (i*31+7) & 255 for i < n; digests from sha256sum. */
static void test_padding_edges(void **state)
{
	static const struct {
		size_t n;
		const char *want;
	} cases[] = {
		{ 55, "8aa994584139d128848eeebc4e815639ba5ab6e6e39574195a63ac4f14f7c43b" },
		{ 56, "ad574708f75c044c9b85de64cb568ee7711ff4f36448c6242f053ba8f6cc2b63" },
		{ 63, "280ed3e8ff1df845b2e7dfe6ac6cee817bef20e783cc65abc41b818b4d2fe076" },
		{ 64, "c6ab9724ade5b6a7a1edfffb12f3aa9181351355af8fd08c919952ad211339dd" },
		{ 65, "788367c73c7ddf4c53f65e68cc0d943e6227ab55b0e78ba63ace822b1c6301c0" },
	};
	unsigned char msg[65], d[SHA256_BYTES];
	size_t i;

	(void)state;
	fill(msg, sizeof msg);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sha256(msg, cases[i].n, d);
		check_hex(d, cases[i].want);
	}
}

/* Feeding one byte at a time gives the same digest as one call, for every
 * length up to three blocks. */
static void test_byte_by_byte(void **state)
{
	unsigned char msg[200], one[SHA256_BYTES], many[SHA256_BYTES];
	struct sha256 s;
	size_t n, i;

	(void)state;
	fill(msg, sizeof msg);
	for (n = 0; n <= sizeof msg; n++) {
		sha256(msg, n, one);
		sha256_init(&s);
		for (i = 0; i < n; i++)
			sha256_update(&s, msg + i, 1);
		sha256_final(&s, many);
		assert_memory_equal(one, many, SHA256_BYTES);
	}
}

static void test_final_wipes(void **state)
{
	static const struct sha256 zero;
	unsigned char d[SHA256_BYTES];
	struct sha256 s;

	(void)state;
	sha256_init(&s);
	sha256_update(&s, "secret-token", 12);
	sha256_final(&s, d);
	assert_memory_equal(&s, &zero, sizeof s);
}

static void test_equal(void **state)
{
	unsigned char a[SHA256_BYTES], b[SHA256_BYTES];

	(void)state;
	sha256("abc", 3, a);
	memcpy(b, a, sizeof b);
	assert_true(sha256_equal(a, b));
	b[0] ^= 0x01;
	assert_false(sha256_equal(a, b));
	b[0] ^= 0x01;
	b[SHA256_BYTES - 1] ^= 0x80;
	assert_false(sha256_equal(a, b));
	sha256("abd", 3, b);
	assert_false(sha256_equal(a, b));
}

static void test_hex(void **state)
{
	unsigned char d[SHA256_BYTES];
	char hex[66];
	int i;

	(void)state;
	for (i = 0; i < SHA256_BYTES; i++)
		d[i] = (unsigned char)(i * 8 + (i & 7));
	memset(hex, 'X', sizeof hex);
	sha256_hex(d, hex);
	assert_string_equal(hex,
	    "0009121b242d363f4049525b646d767f8089929ba4adb6bfc0c9d2dbe4edf6ff");
	assert_int_equal(hex[64], '\0');
	assert_int_equal(hex[65], 'X');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_abc),
		cmocka_unit_test(test_448_bits),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_padding_edges),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_final_wipes),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
