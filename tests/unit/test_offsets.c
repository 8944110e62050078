/*
 * test_offsets.c -- .ndb offsets: '*', n, n,maxshift, EOF-n, EOF-n,maxshift,
 * and target types decided by the file-type detector.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"

#define F VIGIL_VERDICT_FOUND
#define C VIGIL_VERDICT_CLEAN
#define AT(off, lit) ndb_hits(off, "41424344", lit, sizeof(lit) - 1)

static void absolute(void **st)
{
	(void)st;
	assert_int_equal(AT("0", "ABCD\x01\x01"), F);
	assert_int_equal(AT("0", "\x01" "ABCD"), C);
	assert_int_equal(AT("2", "\x01\x01" "ABCD"), F);
	assert_int_equal(AT("2", "\x01\x01\x01" "ABCD"), C);
	assert_int_equal(AT("2", "\x01" "ABCD\x01"), C);
	assert_int_equal(AT("100", "\x01" "ABCD"), C); /* past the end */
}

static void floating(void **st)
{
	(void)st;
	assert_int_equal(AT("2,3", "\x01\x01" "ABCD"), F);
	assert_int_equal(AT("2,3", "\x01\x01\x01\x01\x01" "ABCD"), F);
	assert_int_equal(AT("2,3", "\x01\x01\x01\x01\x01\x01" "ABCD"), C);
	assert_int_equal(AT("2,3", "\x01" "ABCD"), C);
}

static void end_of_file(void **st)
{
	(void)st;
	assert_int_equal(AT("EOF-4", "\x01\x01" "ABCD"), F);
	assert_int_equal(AT("EOF-4", "ABCD"), F);
	assert_int_equal(AT("EOF-4", "\x01" "ABCD\x01"), C);
	assert_int_equal(AT("EOF-5", "\x01" "ABCD\x01"), F);
	assert_int_equal(AT("EOF-9", "ABCD"), C); /* before the start */
	assert_int_equal(AT("EOF-6,2", "ABCD\x01\x01"), F);
	assert_int_equal(AT("EOF-6,2", "\x01\x01" "ABCD"), F);
	assert_int_equal(AT("EOF-6,2", "\x01" "ABCD\x01\x01\x01"), C);
}

static int typed(const char *target, const void *buf, size_t len)
{
	char line[128];
	struct vigil_engine *e;
	int v;

	snprintf(line, sizeof(line), "T:%s:*:56494749\n", target);
	e = eng_from("t.ndb", line, 0);
	v = scan_all_ways(e, buf, len, NULL, 0);
	vigil_engine_free(e);
	return v;
}

static void targets(void **st)
{
	static const uint8_t elf[] = "\x7f" "ELF\x02\x01\x01\x00VIGI";
	static const uint8_t bin[] = "\x00\x01\x02VIGI\x00";
	uint8_t pe[0x100];

	(void)st;
	memset(pe, 0, sizeof(pe));
	memcpy(pe, "MZ", 2);
	pe[0x3c] = 0x80;
	memcpy(pe + 0x80, "PE\0\0", 4);
	memcpy(pe + 0xc0, "VIGI", 4);
	assert_int_equal(typed("6", elf, sizeof(elf) - 1), F);
	assert_int_equal(typed("1", elf, sizeof(elf) - 1), C);
	assert_int_equal(typed("0", elf, sizeof(elf) - 1), F);
	assert_int_equal(typed("1", pe, sizeof(pe)), F);
	assert_int_equal(typed("6", pe, sizeof(pe)), C);
	assert_int_equal(typed("1", bin, sizeof(bin) - 1), C);
	assert_int_equal(typed("0", bin, sizeof(bin) - 1), F);
}

static void text_targets(void **st)
{
	static const char txt[] = "Some text with VIGI in upper case\n";
	static const char html[] = "<html><body>VIGI</body></html>\n";
	static const char low[] = "vigi";

	(void)st;
	/* type 7 matches normalised (lower-cased) text only */
	assert_int_equal(ndb_hits("*", "76696769", txt, sizeof(txt) - 1), F);
	assert_int_equal(typed("7", txt, sizeof(txt) - 1), C);
	assert_int_equal(typed("7", html, sizeof(html) - 1), C);
	assert_int_equal(typed("3", txt, sizeof(txt) - 1), C);
	{
		char line[] = "T:7:*:76696769\nH:3:*:76696769\n";
		struct vigil_engine *e = eng_from("t.ndb", line, 0);
		char name[64];

		assert_int_equal(scan_all_ways(e, txt, sizeof(txt) - 1, name,
					       sizeof(name)), F);
		assert_string_equal(name, "T");
		assert_int_equal(scan_all_ways(e, html, sizeof(html) - 1, name,
					       sizeof(name)), F);
		assert_string_equal(name, "H");
		assert_int_equal(scan_all_ways(e, low, 4, NULL, 0), F);
		vigil_engine_free(e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(absolute),	cmocka_unit_test(floating),
		cmocka_unit_test(end_of_file), cmocka_unit_test(targets),
		cmocka_unit_test(text_targets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
