/*
 * test_reader.c -- the bounded reader: binary getters stop at the end and
 * stay failed, or read what is left when asked to; the text getters split tokens, fields and numbers without
 * reading past the buffer, and refuse what is longer than asked.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/reader.h"

static void binary_reads(void **st)
{
	static const uint8_t b[] = { 1, 2, 3, 4, 5, 6 };
	struct rdr r;

	(void)st;
	rdr_init(&r, b, sizeof(b));
	assert_int_equal(rdr_u16le(&r), 0x0201);
	assert_int_equal(rdr_u32(&r, 1), 0x03040506);
	assert_int_equal(rdr_left(&r), 0);
	assert_false(rdr_failed(&r));
	assert_int_equal(rdr_u8(&r), 0); /* past the end: zero, failed */
	assert_true(rdr_failed(&r));
	assert_int_equal(rdr_seek(&r, 0), -1); /* and it stays failed */
	rdr_init(&r, b, sizeof(b));
	assert_null(rdr_bytes(&r, 7));
	assert_int_equal(rdr_peek(&r), -1);
}

/* a claimed length cut short: as many bytes as are left */
static void reads_up_to(void **st)
{
	static const uint8_t b[] = { 1, 2, 3, 4, 5, 6 };
	struct rdr r;
	size_t n = 4;

	(void)st;
	rdr_init(&r, b, sizeof(b));
	assert_ptr_equal(rdr_upto(&r, &n), b);
	assert_int_equal(n, 4);
	n = 100;
	assert_ptr_equal(rdr_upto(&r, &n), b + 4);
	assert_int_equal(n, 2);
	assert_false(rdr_failed(&r));
	assert_int_equal(rdr_left(&r), 0);
	assert_null(rdr_bytes(&r, 1));
	n = 1;
	assert_null(rdr_upto(&r, &n)); /* once failed, nothing */
}

static void tokens(void **st)
{
	static const char s[] = "ab=cd==e";
	const char *t;
	size_t n;
	struct rdr r;

	(void)st;
	rdr_init(&r, s, strlen(s));
	assert_int_equal(rdr_until(&r, '=', 8, &t, &n), 1);
	assert_int_equal(n, 2);
	assert_memory_equal(t, "ab", 2);
	assert_int_equal(rdr_until(&r, '=', 8, &t, &n), 1);
	assert_int_equal(rdr_until(&r, '=', 8, &t, &n), 1);
	assert_int_equal(n, 0); /* an empty token between two delimiters */
	assert_int_equal(rdr_until(&r, '=', 8, &t, &n), 0); /* "e": no '=' */
	assert_false(rdr_failed(&r));
	assert_int_equal(rdr_left(&r), 1); /* nothing consumed */
	assert_int_equal(rdr_field(&r, '=', 8, &t, &n), 1);
	assert_memory_equal(t, "e", 1);
	assert_int_equal(rdr_field(&r, '=', 8, &t, &n), 0);
	rdr_init(&r, s, strlen(s));
	assert_int_equal(rdr_until(&r, '=', 1, &t, &n), 0); /* "ab" > 1 */
	assert_true(rdr_failed(&r));
	rdr_init(&r, "abc", 3);
	assert_int_equal(rdr_until(&r, '\n', 2, &t, &n), 0); /* the rest > 2 */
	assert_true(rdr_failed(&r));
}

static void accept_and_spans(void **st)
{
	struct rdr r;

	(void)st;
	rdr_init(&r, "GET /x \t, y", 11);
	assert_false(rdr_accept(&r, "get", 3));
	assert_true(rdr_accept_nocase(&r, "get", 3));
	assert_false(rdr_accept(&r, " /x \t, yz", 9)); /* longer than what is left */
	assert_int_equal(rdr_span(&r, " "), 1);
	assert_string_equal(rdr_here(&r), "/x \t, y");
	assert_int_equal(rdr_cspan(&r, "\t ,"), 2);
	assert_int_equal(rdr_span(&r, " \t,"), 4);
	assert_int_equal(rdr_cspan(&r, ","), 1); /* to the end */
	assert_int_equal(rdr_left(&r), 0);
	rdr_init(&r, "a\0b", 3);
	assert_int_equal(rdr_span(&r, "a"), 1); /* NUL is in no set */
	assert_int_equal(rdr_cspan(&r, "b"), 1);
}

static void finding(void **st)
{
	struct rdr r;

	(void)st;
	rdr_init(&r, "endstream stream", 16);
	assert_true(rdr_find(&r, "stream", 6));
	assert_int_equal(r.pos, 3);
	assert_true(rdr_find(&r, "stream", 6)); /* not consumed: the same */
	assert_int_equal(r.pos, 3);
	rdr_skip(&r, 6);
	assert_true(rdr_find(&r, "stream", 6));
	assert_int_equal(r.pos, 10);
	rdr_skip(&r, 1);
	assert_false(rdr_find(&r, "stream", 6)); /* "tream" is left */
	assert_int_equal(r.pos, 11);
	assert_false(rdr_find(&r, "", 0));
	rdr_init(&r, "a <ScRiPt>x</SCRIPT", 19);
	assert_true(rdr_find_nocase(&r, "<script", 7));
	assert_int_equal(r.pos, 2);
	rdr_skip(&r, 1);
	assert_true(rdr_find_nocase(&r, "</script", 8));
	assert_int_equal(r.pos, 11);
	rdr_skip(&r, 1);
	assert_false(rdr_find_nocase(&r, "</script", 8));
	assert_int_equal(r.pos, 12);
	/* a letter first: either case, candidates of both cases before */
	rdr_init(&r, "Dat dAtA dATa:", 14);
	assert_true(rdr_find_nocase(&r, "data:", 5));
	assert_int_equal(r.pos, 9);
	rdr_init(&r, "dd DATA:", 8); /* ending where the buffer does */
	assert_true(rdr_find_nocase(&r, "data:", 5));
	assert_int_equal(r.pos, 3);
	rdr_init(&r, "dd DATA", 7);
	assert_false(rdr_find_nocase(&r, "data:", 5));
}

/* The first place at or after from where needle lies, any case; len if
 * none. */
static size_t naive_nocase(const uint8_t *b, size_t len, size_t from,
			   const char *needle, size_t n)
{
	for (size_t i = from; i + n <= len; i++) {
		size_t k = 0;

		while (k < n && tolower(b[i + k]) == tolower((unsigned char)needle[k]))
			k++;
		if (k == n)
			return i;
	}
	return len;
}

/* Against the naive search: buffers of few letters (many near misses,
 * candidates with the first and last bytes right), every length around
 * the sixteen places a step tests, each match in turn. */
static void finding_nocase_anywhere(void **st)
{
	static const char *needles[] = { "data:", "<script", "</script",
					 ";base64", "aA", "x" };
	uint8_t b[300];

	(void)st;
	srand(7);
	for (int round = 0; round < 3000; round++) {
		size_t len = (size_t)rand() % sizeof(b), nd = (size_t)rand() % 6;
		const char *needle = needles[nd];
		size_t n = strlen(needle), want = 0;
		struct rdr r;

		for (size_t i = 0; i < len; i++) {
			int c = "dDaAtT:<sScCrRiIpP/;bB64xX"[rand() % 26];

			b[i] = (uint8_t)(rand() % 8 ? c : rand());
		}
		rdr_init(&r, b, len);
		while ((want = naive_nocase(b, len, want, needle, n)) < len) {
			assert_true(rdr_find_nocase(&r, needle, n));
			assert_int_equal(r.pos, want);
			rdr_skip(&r, 1);
			want++;
		}
		assert_false(rdr_find_nocase(&r, needle, n));
	}
}

static void numbers(void **st)
{
	uint64_t v;
	struct rdr r;

	(void)st;
	rdr_init(&r, "1234x", 5);
	assert_int_equal(rdr_decimal(&r, 1234, &v), 0);
	assert_int_equal(v, 1234);
	assert_int_equal(rdr_peek(&r), 'x');
	rdr_init(&r, "1235", 4);
	assert_int_equal(rdr_decimal(&r, 1234, &v), -1);
	assert_true(rdr_failed(&r));
	rdr_init(&r, "x", 1);
	assert_int_equal(rdr_decimal(&r, 9, &v), -1);
	rdr_init(&r, "18446744073709551615", 20);
	assert_int_equal(rdr_decimal(&r, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	rdr_init(&r, "18446744073709551616", 20);
	assert_int_equal(rdr_decimal(&r, UINT64_MAX, &v), -1);
	rdr_init(&r, "fF;", 3);
	assert_int_equal(rdr_hex(&r, 255, &v), 0);
	assert_int_equal(v, 255);
	rdr_init(&r, "100", 3);
	assert_int_equal(rdr_hex(&r, 255, &v), -1);
	rdr_init(&r, "7", 1);
	assert_int_equal(rdr_decimal(&r, 5, &v), -1); /* one digit over max */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(binary_reads), cmocka_unit_test(reads_up_to),
		cmocka_unit_test(tokens),
		cmocka_unit_test(accept_and_spans), cmocka_unit_test(finding),
		cmocka_unit_test(finding_nocase_anywhere),
		cmocka_unit_test(numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
