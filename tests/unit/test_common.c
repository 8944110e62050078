/*
 * test_common.c -- the house's shared helpers: sizes with suffixes and
 * their bounds, the update state file (round trip, damage refused), the
 * bounded text buffer (cut, never overrun), the test clock, the
 * little-endian loads, and JSON strings from bytes that are not UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/clock.h"
#include "common/jsonw.h"
#include "common/le.h"
#include "common/size.h"
#include "common/textbuf.h"
#include "common/updstate.h"

static void sizes(void **st)
{
	uint64_t v = 7;

	(void)st;
	assert_int_equal(size_parse("4096", UINT64_MAX, &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(size_parse("100M", UINT64_MAX, &v), 0);
	assert_int_equal(v, 100ull << 20);
	assert_int_equal(size_parse("2g", UINT64_MAX, &v), 0);
	assert_int_equal(v, 2ull << 30);
	assert_int_equal(size_parse("512k", UINT64_MAX, &v), 0);
	assert_int_equal(v, 512ull << 10);
	assert_int_equal(size_parse("4G", SIZE_MAX_CLAMD_BYTES, &v), 0);
	v = 7;
	assert_int_equal(size_parse("5G", SIZE_MAX_CLAMD_BYTES, &v), -1);
	assert_int_equal(size_parse("", UINT64_MAX, &v), -1);
	assert_int_equal(size_parse("-1", UINT64_MAX, &v), -1);
	assert_int_equal(size_parse(" 1", UINT64_MAX, &v), -1);
	assert_int_equal(size_parse("1T", UINT64_MAX, &v), -1);
	assert_int_equal(size_parse("1MM", UINT64_MAX, &v), -1);
	assert_int_equal(size_parse("M", UINT64_MAX, &v), -1);
	assert_int_equal(size_parse("99999999999999999999", UINT64_MAX, &v),
			 -1);
	assert_int_equal(size_parse("17179869184G", UINT64_MAX, &v), -1);
	assert_int_equal(v, 7); /* untouched by every refusal */
}

static void state_round_trip(void **st)
{
	struct updstate a, b;
	char text[UPDSTATE_MAX_BYTES];
	int n;

	(void)st;
	memset(&a, 0, sizeof(a));
	a.timestamp = 12;
	a.targets = 3;
	a.release = 9;
	a.installed = 9;
	strcpy(a.installed_dir, "9-abcdef");
	strcpy(a.installed_sha, "00ff");
	a.fresh = 1790000000;
	a.installed_at = -5;
	n = updstate_format(&a, text, sizeof(text));
	assert_true(n > 0);
	assert_int_equal(updstate_parse(text, (size_t)n, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	/* nothing installed yet: "-" reads back as empty */
	memset(&a, 0, sizeof(a));
	n = updstate_format(&a, text, sizeof(text));
	assert_int_equal(updstate_parse(text, (size_t)n, &b), 0);
	assert_string_equal(b.installed_dir, "");
	assert_string_equal(b.installed_sha, "");
	/* later keys are skipped, blank lines too */
	assert_int_equal(updstate_parse("future 1 x\n\nrelease 4 -\n", 24, &b),
			 0);
	assert_int_equal(b.release, 4);
	assert_int_equal(updstate_format(&a, text, 40), -1);
}

static void state_damage(void **st)
{
	static const char *const bad[] = {
		"release x -\n", "release 1\n", "release 1 - more\n",
		"release 99999999999999999999 -\n", "release\n",
		"installed-sha 1 -\r\r\n", "installed 1 v\x01\n",
		"installed 1 v\x7f\n",
	};
	char longdir[160] = "installed 1 ";
	struct updstate s;
	size_t i;

	(void)st;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(updstate_parse(bad[i], strlen(bad[i]), &s),
				 -1);
	/* a directory name longer than its field */
	memset(longdir + 12, 'd', 120);
	assert_int_equal(updstate_parse(longdir, strlen(longdir), &s), -1);
}

static void textbuf_cuts(void **st)
{
	char buf[8];
	struct textbuf t;

	(void)st;
	textbuf_init(&t, buf, sizeof(buf));
	textbuf_printf(&t, "%s", "abc");
	assert_false(t.full);
	assert_string_equal(buf, "abc");
	textbuf_printf(&t, "%d", 123456);
	assert_true(t.full);
	assert_int_equal(t.len, 7);
	assert_string_equal(buf, "abc1234");
	textbuf_printf(&t, "x"); /* nothing after a cut */
	assert_string_equal(buf, "abc1234");
}

static void clock_and_loads(void **st)
{
	static const uint8_t b[] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	(void)st;
	setenv("VIGIL_TEST_NOW", "1234", 1);
	assert_int_equal(clock_now(), 1234);
	setenv("VIGIL_TEST_NOW", "12x", 1);
	assert_true(clock_now() > 1700000000); /* not a number: the real one */
	unsetenv("VIGIL_TEST_NOW");
	assert_int_equal(le16_load(b), 0x0201);
	assert_int_equal(le32_load(b), 0x04030201);
	assert_true(le64_load(b) == 0x0807060504030201ull);
	assert_int_equal(be16_load(b), 0x0102);
	assert_int_equal(be32_load(b), 0x01020304);
}

/* What a JSON string of these bytes prints as. */
static char *json_of(const char *bytes, size_t len)
{
	return jsonw_dumps(jsonw_stringn(bytes, len));
}

static void json_strings(void **st)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
		{ "plain", 5, "\"plain\"" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
		  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
		{ "caf\xe9", 4, "\"caf\xef\xbf\xbd\"" },	 /* Latin-1 */
		{ "\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"" }, /* overlong */
		{ "\xed\xa0\x80", 3,				 /* surrogate */
		  "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xf4\x90\x80\x80", 4,			 /* > U+10FFFF */
		  "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "a\0b", 3, "\"a\xef\xbf\xbd\x62\"" },	 /* NUL */
		{ "\xe2\x82", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"" }, /* cut */
		{ "q\"\\\n", 4, "\"q\\\"\\\\\\n\"" },	 /* escapes */
	};
	size_t i;
	char *got;

	(void)st;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		got = json_of(cases[i].in, cases[i].len);
		assert_non_null(got);
		assert_string_equal(got, cases[i].out);
		free(got);
	}
	got = jsonw_dumps(jsonw_string(NULL));
	assert_string_equal(got, "null");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes),
		cmocka_unit_test(state_round_trip),
		cmocka_unit_test(state_damage),
		cmocka_unit_test(textbuf_cuts),
		cmocka_unit_test(clock_and_loads),
		cmocka_unit_test(json_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
