/*
 * test_update_parts.c -- pieces of the update client checked alone: the
 * delta decoder's caps (a bomb, a window too large), the Merkle tree
 * against hand-computed hashes, and the time format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include <zstd.h>

#include "delta.h"
#include "log.h"
#include "manifest.h"

static void delta_round_trip(void **st)
{
	static char old[100000], new_[100000], out[100000];
	void *d;
	size_t n;

	(void)st;
	randombytes_buf(old, sizeof(old));
	memcpy(new_, old, sizeof(new_));
	memcpy(new_ + 5000, "changed", 7);
	assert_int_equal(delta_make(old, sizeof(old), new_, sizeof(new_), 3,
				    &d, &n), 0);
	assert_true(n < 1000);
	assert_int_equal(delta_apply(old, sizeof(old), d, n, out,
				     sizeof(out)), 0);
	assert_memory_equal(out, new_, sizeof(out));
	/* one byte less than it gives: refused, not truncated */
	assert_int_equal(delta_apply(old, sizeof(old), d, n, out,
				     sizeof(out) - 1), -1);
	free(d);
}

static void delta_bomb(void **st)
{
	size_t big = (size_t)64 << 20, bound = ZSTD_compressBound(big), n;
	char *zeros = calloc(1, big), *z = malloc(bound), out[4096];

	(void)st;
	n = ZSTD_compress(z, bound, zeros, big, 1);
	assert_false(ZSTD_isError(n));
	assert_true(n < 64 << 10); /* a tiny file for 64 MiB */
	assert_int_equal(delta_apply("", 0, z, n, out, sizeof(out)), -1);
	free(zeros);
	free(z);
}

static void delta_window_cap(void **st)
{
	size_t len = (size_t)1 << 20, bound = ZSTD_compressBound(len), n;
	char *data = malloc(len), *z = malloc(bound), *out = malloc(len);
	ZSTD_CCtx *c = ZSTD_createCCtx();

	(void)st;
	randombytes_buf(data, len);
	ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, 31);
	ZSTD_CCtx_setParameter(c, ZSTD_c_enableLongDistanceMatching, 1);
	{
		/* streamed, the size unknown: the frame keeps its window */
		ZSTD_inBuffer in = { data, len, 0 };
		ZSTD_outBuffer o = { z, bound, 0 };

		assert_false(ZSTD_isError(ZSTD_compressStream2(c, &o, &in,
							       ZSTD_e_continue)));
		assert_int_equal(ZSTD_compressStream2(c, &o, &in, ZSTD_e_end),
				 0);
		n = o.pos;
	}
	/* the frame asks for a 2 GiB window: the decoder says no */
	assert_int_equal(delta_apply("", 0, z, n, out, len), -1);
	ZSTD_freeCCtx(c);
	free(data);
	free(z);
	free(out);
}

static void merkle(void **st)
{
	uint8_t leaf[3][32], root[32], want[32], b[65];

	(void)st;
	log_leaf("a", 1, leaf[0]);
	log_leaf("b", 1, leaf[1]);
	log_leaf("c", 1, leaf[2]);
	log_root((const uint8_t (*)[32])leaf, 1, root);
	assert_memory_equal(root, leaf[0], 32);
	/* RFC 9162: MTH(a,b,c) = H(1 || H(1 || a || b) || c) */
	b[0] = 1;
	memcpy(b + 1, leaf[0], 32);
	memcpy(b + 33, leaf[1], 32);
	crypto_hash_sha256(want, b, 65);
	memcpy(b + 1, want, 32);
	memcpy(b + 33, leaf[2], 32);
	crypto_hash_sha256(want, b, 65);
	log_root((const uint8_t (*)[32])leaf, 3, root);
	assert_memory_equal(root, want, 32);
	crypto_hash_sha256(want, NULL, 0);
	log_root((const uint8_t (*)[32])leaf, 0, root);
	assert_memory_equal(root, want, 32);
}

static void times(void **st)
{
	char t[32];

	(void)st;
	assert_int_equal(parse_time("1970-01-01T00:00:00Z", 20), 0);
	assert_int_equal(parse_time("2024-02-29T23:59:59Z", 20), 1709251199);
	assert_int_equal(parse_time("2023-02-29T00:00:00Z", 20), -1);
	assert_int_equal(parse_time("2026-13-01T00:00:00Z", 20), -1);
	assert_int_equal(parse_time("2026-01-01T24:00:00Z", 20), -1);
	assert_int_equal(parse_time("2026-01-01 00:00:00Z", 20), -1);
	assert_int_equal(parse_time("2026-01-01T00:00:00+", 20), -1);
	format_time(1709251199, t);
	assert_string_equal(t, "2024-02-29T23:59:59Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delta_round_trip), cmocka_unit_test(delta_bomb),
		cmocka_unit_test(delta_window_cap), cmocka_unit_test(merkle),
		cmocka_unit_test(times),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
