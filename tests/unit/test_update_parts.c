/*
 * test_update_parts.c -- pieces of the update client checked alone: the
 * delta decoder's caps (a bomb, a window too large), the Merkle tree
 * against hand-computed hashes, the time format, and the manifest and
 * checkpoint parsers on the canonical text and on texts one edit away.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
	assert_int_equal(upd_delta_make(old, sizeof(old), new_, sizeof(new_), 3,
				    &d, &n), 0);
	assert_true(n < 1000);
	assert_int_equal(upd_delta_apply(old, sizeof(old), d, n, out,
				     sizeof(out)), 0);
	assert_memory_equal(out, new_, sizeof(out));
	/* one byte less than it gives: refused, not truncated */
	assert_int_equal(upd_delta_apply(old, sizeof(old), d, n, out,
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
	assert_int_equal(upd_delta_apply("", 0, z, n, out, sizeof(out)), -1);
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
	assert_int_equal(upd_delta_apply("", 0, z, n, out, len), -1);
	ZSTD_freeCCtx(c);
	free(data);
	free(z);
	free(out);
}

static void merkle(void **st)
{
	uint8_t leaf[3][32], root[32], want[32], b[65];

	(void)st;
	upd_log_leaf("a", 1, leaf[0]);
	upd_log_leaf("b", 1, leaf[1]);
	upd_log_leaf("c", 1, leaf[2]);
	upd_log_root((const uint8_t (*)[32])leaf, 1, root);
	assert_memory_equal(root, leaf[0], 32);
	/* RFC 9162: MTH(a,b,c) = H(1 || H(1 || a || b) || c) */
	b[0] = 1;
	memcpy(b + 1, leaf[0], 32);
	memcpy(b + 33, leaf[1], 32);
	crypto_hash_sha256(want, b, 65);
	memcpy(b + 1, want, 32);
	memcpy(b + 33, leaf[2], 32);
	crypto_hash_sha256(want, b, 65);
	upd_log_root((const uint8_t (*)[32])leaf, 3, root);
	assert_memory_equal(root, want, 32);
	crypto_hash_sha256(want, NULL, 0);
	upd_log_root((const uint8_t (*)[32])leaf, 0, root);
	assert_memory_equal(root, want, 32);
}

static void times(void **st)
{
	char t[32];

	(void)st;
	assert_int_equal(upd_parse_time("1970-01-01T00:00:00Z", 20), 0);
	assert_int_equal(upd_parse_time("2024-02-29T23:59:59Z", 20), 1709251199);
	assert_int_equal(upd_parse_time("2023-02-29T00:00:00Z", 20), -1);
	assert_int_equal(upd_parse_time("2026-13-01T00:00:00Z", 20), -1);
	assert_int_equal(upd_parse_time("2026-01-01T24:00:00Z", 20), -1);
	assert_int_equal(upd_parse_time("2026-01-01 00:00:00Z", 20), -1);
	assert_int_equal(upd_parse_time("2026-01-01T00:00:00+", 20), -1);
	upd_format_time(1709251199, t);
	assert_string_equal(t, "2024-02-29T23:59:59Z");
}

/* A text with one line replaced: from the first occurrence of a to b. */
static size_t edited(const char *text, const char *a, const char *b,
		     char *out, size_t cap)
{
	const char *at = strstr(text, a);
	size_t n;

	assert_non_null(at);
	n = (size_t)snprintf(out, cap, "%.*s%s%s", (int)(at - text), text, b,
			     at + strlen(a));
	assert_true(n < cap);
	return n;
}

#define SIG_LINE "sig: 0123456789abcdef " \
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
	"AAAAAAAAAAAAAAAAAAAA==\n"

static void manifest_texts(void **st)
{
	static struct manifest m, got;
	static const char *const bad[][2] = {
		{ "version: 7\n", "version: 07\n" },	  /* leading zero */
		{ "version: 7\n", "version: 7 \n" },	  /* trailing space */
		{ "targets: 2 ", "targets: 2  " },	  /* two spaces */
		{ "version: 7\n", "version: \n" },	  /* no value */
		{ "version: 7\n", "version 7\n" },	  /* no ": " */
		{ "version: 7\n", "version: 9007199254740992\n" }, /* > 2^53-1 */
		{ "--\n", "-- \n" }, { "--\n", "\n" },
		{ "sig: 0123", "sig: 012" },		  /* short id */
		{ "AA==\n", "AA==" },			  /* no last newline */
		{ "version: 7\n", "version: 7\r\n" },	  /* CR */
		{ "expires: 2030", "expires: 2030 " },
	};
	char text[1024], alt[1024];
	const char *why;
	size_t n, i;

	(void)st;
	m.role = ROLE_TIMESTAMP;
	m.version = 7;
	m.expires = upd_parse_time("2030-01-01T00:00:00Z", 20);
	m.root_version = 1;
	m.targets.version = 2;
	m.targets.len = 100;
	m.release.version = 3;
	m.release.len = 200;
	m.log_size = 10;
	m.targets_leaf = 3;
	m.release_leaf = 4;
	n = upd_manifest_body(&m, text, sizeof(text));
	assert_true(n > 0 && n + sizeof(SIG_LINE) < sizeof(text));
	memcpy(text + n, SIG_LINE, sizeof(SIG_LINE));
	assert_int_equal(upd_manifest_parse(text, strlen(text), ROLE_TIMESTAMP, &got,
					&why), 0);
	assert_int_equal(got.signed_len, n);
	assert_int_equal(got.release.len, 200);
	assert_int_equal(got.nsigs, 1);
	assert_int_equal(upd_manifest_parse(text, strlen(text), ROLE_RELEASE, &got,
					&why), -1);
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		n = edited(text, bad[i][0], bad[i][1], alt, sizeof(alt));
		assert_int_equal(upd_manifest_parse(alt, n, ROLE_TIMESTAMP, &got,
						&why), -1);
		assert_non_null(why);
	}
}

static void checkpoint_texts(void **st)
{
	static const char *const bad[][2] = {
		{ "size: 10\n", "size: 010\n" }, { "size: 10\n", "size: x\n" },
		{ "size: 10\n", "size:  10\n" }, { "--\n", "-\n" },
		{ "root: ab", "root: AB" }, { "AA==\n", "AA==" },
		{ "AA==\n", "AA==\nsig\n" }, { "sig: 0123", "sig: 012" },
	};
	uint8_t root[SHA256_BYTES];
	char text[512], alt[512];
	struct checkpoint cp;
	const char *why;
	size_t n, i;

	(void)st;
	memset(root, 0xab, sizeof(root));
	n = upd_checkpoint_body(10, root, text, sizeof(text));
	assert_true(n > 0);
	memcpy(text + n, SIG_LINE, sizeof(SIG_LINE));
	assert_int_equal(upd_checkpoint_parse(text, strlen(text), &cp, &why), 0);
	assert_int_equal(cp.size, 10);
	assert_int_equal(cp.signed_len, n);
	assert_memory_equal(cp.root, root, SHA256_BYTES);
	assert_int_equal(cp.nsigs, 1);
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		n = edited(text, bad[i][0], bad[i][1], alt, sizeof(alt));
		assert_int_equal(upd_checkpoint_parse(alt, n, &cp, &why), -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delta_round_trip), cmocka_unit_test(delta_bomb),
		cmocka_unit_test(delta_window_cap), cmocka_unit_test(merkle),
		cmocka_unit_test(times), cmocka_unit_test(manifest_texts),
		cmocka_unit_test(checkpoint_texts),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
