/*
 * test_textnorm.c -- the text normaliser (core/textnorm.c) against its
 * definition written out byte by byte (textnorm_def.h): letters lowered,
 * whitespace runs one space, control bytes and bytes over 0x7f dropped.
 * Its blocks of sixteen and the bytes that send a block back to the
 * byte-wise loop (a second space, a dropped byte, a space after a block's
 * end) are all exercised; where the processor has AVX-512 VBMI2, its
 * blocks of 64 are (and the suite runs this test again with
 * VIGIL_NO_AVX512 set, for the others). The HTML normaliser has
 * test_htmlnorm.c.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/textnorm.h"
#include "textnorm_def.h"

#define LEN 5003 /* not a multiple of a block */

/* Mostly plain text, with a given share of the bytes that matter. */
static void fill(uint8_t *buf, size_t len, unsigned seed, int odd_pct)
{
	static const uint8_t odd[] = { ' ', '\n', '\t', '\r', 11, 12, 0, 8,
				       14, 31, 127, 128, 0xff, 'A', 'Z',
				       '@', '[', '<', '&', '!', '-', '>',
				       '#', ';' };
	static const char text[] = "The quick Brown fox, jumps over it. ";

	srand(seed);
	for (size_t i = 0; i < len; i++)
		buf[i] = rand() % 100 < odd_pct ?
				 odd[rand() % sizeof(odd)] :
				 (uint8_t)text[rand() % (sizeof(text) - 1)];
}

static void same_as_definition(void **st)
{
	static uint8_t in[LEN], out[LEN], want[LEN];
	static const int pct[] = { 0, 1, 3, 10, 50, 100 };

	(void)st;
	for (unsigned seed = 1; seed <= 60; seed++) {
		size_t len = seed % 7 ? LEN : seed % LEN, n, m;

		fill(in, len, seed, pct[seed % 6]);
		n = textnorm(in, len, out);
		m = textnorm_definition(in, len, want);
		assert_int_equal(n, m);
		assert_memory_equal(out, want, n);
	}
}

/* A space that ends one block and one that starts the next: one space. */
static void run_across_blocks(void **st)
{
	uint8_t in[48], out[48];
	size_t n;

	(void)st;
	memset(in, 'a', sizeof(in));
	in[15] = ' ';
	in[16] = '\n';
	in[31] = 0x80; /* dropped at a block's end, spaces around it */
	in[30] = ' ';
	in[32] = ' ';
	n = textnorm(in, sizeof(in), out);
	assert_int_equal(n, 45);
	assert_int_equal(out[15], ' ');
	assert_int_equal(out[16], 'a');
	assert_int_equal(out[29], ' ');
	assert_int_equal(out[30], 'a');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_definition),
		cmocka_unit_test(run_across_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
