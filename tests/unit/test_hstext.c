/*
 * test_hstext.c -- the text databases (match/hstext.c): which patterns
 * can match text (sig/patbytes.c), which buffers are text (with AVX-512,
 * and again with VIGIL_NO_AVX512 and VIGIL_NO_AVX2 for the other paths),
 * and that engines with and without them (VIGIL_NO_TEXT_DB) find the same
 * in text, in binary buffers and in pages, from a cache too, where only
 * the containers' signatures fit text as well.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/textnorm.h"
#include "db/hexsig.h"
#include "helpers.h"
#include "match/hstext.h"
#include "sig/pattern.h"

static int fits(const char *hex, int nocase, int wide)
{
	struct hexsig_mods mods = { nocase, wide, 0 };
	struct vbuf code = { 0 };
	const char *why = NULL;
	int r;

	if (hexsig_compile(hex, strlen(hex), &mods, &code, &why) != 0)
		fail_msg("%s: %s", hex, why);
	r = pat_fits(code.data, code.len, hstext_set);
	vbuf_free(&code);
	return r;
}

/* A pattern fits unless some byte it must have is never text. */
static void test_fits(void **state)
{
	(void)state;
	assert_int_equal(fits("68656c6c6f", 0, 0), 1);
	assert_int_equal(fits("68656c6c6f0a0d09", 0, 0), 1);
	assert_int_equal(fits("68656c6c6f00", 0, 0), 0);
	assert_int_equal(fits("68656c6c6f7f", 0, 0), 1);
	assert_int_equal(fits("68656c6c6f80", 0, 0), 0);
	assert_int_equal(fits("6865??6c6f", 0, 0), 1);
	assert_int_equal(fits("6865*ff41", 0, 0), 0);
	assert_int_equal(fits("6865{2-5}6c1b6c", 0, 0), 0);
	assert_int_equal(fits("6865(00|41)6c", 0, 0), 1);
	assert_int_equal(fits("6865(00|ff)6c", 0, 0), 0);
	assert_int_equal(fits("6865(0041|ff41)6c", 0, 0), 0);
	assert_int_equal(fits("6865(0041|4141)6c", 0, 0), 1);
	assert_int_equal(fits("6865!(00|ff)6c", 0, 0), 1);
	assert_int_equal(fits("68658?", 0, 0), 0);
	assert_int_equal(fits("6865?8", 0, 0), 1);
	assert_int_equal(fits("6865?e", 0, 0), 1); /* 0x2e, not 0x0e only */
	assert_int_equal(fits("48454c4c4f", 1, 0), 1);
	assert_int_equal(fits("6869", 0, 1), 0); /* wide: NULs between */
}

static int kept(const char *hex, int nocase)
{
	struct hexsig_mods mods = { nocase, 0, 0 };
	struct vbuf code = { 0 };
	const char *why = NULL;
	int r;

	if (hexsig_compile(hex, strlen(hex), &mods, &code, &why) != 0)
		fail_msg("%s: %s", hex, why);
	r = pat_norm_kept(code.data, code.len);
	vbuf_free(&code);
	return r;
}

/* A match in text stays one in its normalisation where the fixed bytes
 * are kept as they are (no capital, no white space, nothing outside
 * text) and no gap needs more than one byte. */
static void test_norm_kept(void **state)
{
	(void)state;
	assert_int_equal(kept("6b6570743132", 0), 1);
	assert_int_equal(kept("6b657074??6d61726b", 0), 1);
	assert_int_equal(kept("6b657074????6d61726b", 0), 0);
	assert_int_equal(kept("6b657074{0-8}6d61726b", 0), 1);
	assert_int_equal(kept("6b657074{2-8}6d61726b", 0), 0);
	assert_int_equal(kept("6b657074*6d61726b", 0), 1);
	assert_int_equal(kept("6b657074(6161|62)6d61726b", 0), 1);
	assert_int_equal(kept("6b657074!(6161|6262)6d61726b", 0), 0);
	assert_int_equal(kept("6b657074(41|62)6d61726b", 0), 0);
	assert_int_equal(kept("4b657074", 0), 0);
	assert_int_equal(kept("6b65707420", 0), 0);
	assert_int_equal(kept("6b6570740a6d", 0), 0);
	assert_int_equal(kept("6b6570747f", 0), 1);
	assert_int_equal(kept("6b65707480", 0), 0);
	assert_int_equal(kept("6b65707?", 0), 0);
	assert_int_equal(kept("6b657074", 1), 0); /* any case: K is not */
	assert_int_equal(kept("61(62|6364)??6566*6667[1-3]6869", 0), 1);
	/* fuzz_scan's, whose engines' comparison needs one left out */
	assert_int_equal(kept("6b657931??76616c{0-4}7565", 0), 1);
	assert_int_equal(kept("76616c????6b6579", 0), 0);
}

static int textual_ref(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(b[i] >= 0x20 && b[i] <= 0x7f) && !(b[i] >= 9 && b[i] <= 13))
			return 0;
	return 1;
}

/* Every byte value at every place of a block of 128, and past it. */
static void test_textual(void **state)
{
	uint8_t buf[400];
	unsigned v;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(" aZ\t\n\r~\x7f{}09"[i % 12]);
	assert_int_equal(hstext_textual(buf, sizeof(buf)), 1);
	assert_int_equal(hstext_textual(buf, 0), 1);
	for (v = 0; v < 256; v++) {
		for (size_t at = 0; at < 300; at += 1 + at / 16) {
			uint8_t keep = buf[at];

			buf[at] = (uint8_t)v;
			for (size_t len = at + 1; len <= sizeof(buf); len += 97)
				assert_int_equal(hstext_textual(buf, len),
						 textual_ref(buf, len));
			assert_int_equal(hstext_textual(buf, at), 1);
			buf[at] = keep;
		}
	}
}

/* What the text normaliser writes is text, whatever it read. */
static void test_textnorm_is_text(void **state)
{
	uint8_t in[2048], out[2048];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + i / 256);
	n = textnorm(in, sizeof(in), out);
	assert_true(n > 500);
	assert_int_equal(hstext_textual(out, n), 1);
}

static const char textsigs[] =
	"Text.Plain:0:*:6576696c2074657874\n"           /* "evil text" */
	"Text.Late:0:*:6c617465{10-200}6d61726b\n"      /* late{..}mark */
	"Bin.One:0:*:6576696c00ff62696e\n"
	"Norm.Seven:7:*:6c6f7765726564207468697320776179\n" /* lowered ... */
	"Page.Three:3:*:3c6469763e7061676520746578743c2f6469763e\n"
	"Text.Kept:0:*:6b6570743132??6d61726b\n"    /* kept12?mark */
	"Text.Gap:0:*:676170??????656e64\n"         /* gap???end */
	"Text.Caps:0:*:434150534c4f434b\n";         /* CAPSLOCK */

/* Only what the pass over a text file's normalisation is sure to find
 * wherever the raw pass would: left out of the raw pass's database. */
static const char keptsigs[] = "Text.Kept:0:*:6b6570743132??6d61726b\n";

/* Only binary signatures: no expression but the containers' signatures
 * fits text. */
static const char binsigs[] =
	"Bin.One:0:*:6576696c00ff62696e\n"
	"Bin.Two:7:*:6576696c0a0a0a80\n";

/* The first detection of buf, with and without the text databases. */
static void both(const char *cache, const char *set, const void *buf,
		 size_t len, const char *want)
{
	char name[2][128];

	for (int k = 0; k < 2; k++) {
		struct vigil_engine_options o = { sizeof(o), 0, cache, NULL,
						  NULL, NULL, NULL };
		struct vigil_engine *e;

		if (k)
			setenv("VIGIL_NO_TEXT_DB", "1", 1);
		assert_int_equal(vigil_engine_new(&e, &o), 0);
		assert_int_equal(vigil_engine_load_memory(e, "t.ndb", set,
							  strlen(set)), 0);
		assert_int_equal(vigil_engine_compile(e), 0);
		unsetenv("VIGIL_NO_TEXT_DB");
		scan_all_ways(e, buf, len, name[k], sizeof(name[k]));
		vigil_engine_free(e);
	}
	assert_string_equal(name[0], name[1]);
	assert_string_equal(name[0], want);
}

#define BOTH(c, s, w) both(c, textsigs, s, sizeof(s) - 1, w)
#define BIN(c, s, w) both(c, binsigs, s, sizeof(s) - 1, w)

static void same_findings(const char *cache)
{
	BOTH(cache, "a line of evil text here\n", "Text.Plain");
	BOTH(cache, "late and then, far on, the mark\n", "Text.Late");
	BOTH(cache, "no signature in this text at all\n", "");
	BOTH(cache, "evil\0\xff" "bin and evil text", "Bin.One");
	BOTH(cache, "\x01 evil text in a binary buffer", "Text.Plain");
	BOTH(cache, "Text that is LOWERED   THIS\tway when normalised\n",
	     "Norm.Seven");
	BOTH(cache, "<html><body><DIV>page text</div></body></html>\n",
	     "Page.Three");
	BOTH(cache, "<html><body><div>page\xe9 text</div></body></html>\n",
	     "");
	/* raw and normalised both hold it; only the raw text holds the
	 * others (three bytes between become one space, capitals lowered) */
	BOTH(cache, "it was kept12\nmark here\n", "Text.Kept");
	BOTH(cache, "a gap\r\n\tend of it\n", "Text.Gap");
	BOTH(cache, "with CAPSLOCK on\n", "Text.Caps");
	/* both, the one left out of the raw pass first: found first still */
	BOTH(cache, "kept12\nmark, then a gap\r\n\tend\n", "Text.Kept");
	both(cache, keptsigs, "it was kept12 mark\n", 19, "Text.Kept");
	BIN(cache, "evil\0\xff" "bin", "Bin.One");
	BIN(cache, "evil\n\n\n\x80", "");
	BIN(cache, "a text with nothing in it, evil\n\n\n", "");
}

static void test_same_findings(void **state)
{
	(void)state;
	same_findings(NULL);
}

/* Entries of the cache dir whose name starts with prefix; removed with
 * rm. */
static unsigned entries(const char *dir, const char *prefix, int rm)
{
	struct dirent *d;
	unsigned n = 0;
	DIR *dp = opendir(dir);

	assert_non_null(dp);
	while ((d = readdir(dp))) {
		char path[512];

		n += !strncmp(d->d_name, prefix, strlen(prefix));
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (rm && d->d_name[0] != '.')
			unlink(path);
	}
	closedir(dp);
	return n;
}

/* Built into a cache, then taken from it: the same. The text databases
 * were stored there, and the empty entry only for the binary set (where
 * only the containers' signatures fit text). */
static void test_same_from_cache(void **state)
{
	char dir[] = "/tmp/vigil-hstext-XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(dir));
	same_findings(dir);
	assert_int_equal(entries(dir, "vigil-p", 0), 3);
	assert_int_equal(entries(dir, "vigil-q", 0), 1);
	/* the raw passes' databases: the kept pattern left out of its set's,
	 * where only the containers' signatures are left */
	assert_int_equal(entries(dir, "vigil-m", 0), 3);
	assert_int_equal(entries(dir, "vigil-n", 0), 2);
	/* the passes without the containers' signatures: a database for each
	 * set (the binary one's empty), with no empty entry beside it */
	assert_int_equal(entries(dir, "vigil-g", 0), 3);
	assert_int_equal(entries(dir, "vigil-h", 0), 0);
	same_findings(dir);
	assert_int_equal(entries(dir, "vigil-p", 0), 3);
	assert_int_equal(entries(dir, "vigil-m", 0), 3);
	assert_int_equal(entries(dir, "vigil-g", 0), 3);
	entries(dir, "", 1);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fits),
		cmocka_unit_test(test_norm_kept),
		cmocka_unit_test(test_textual),
		cmocka_unit_test(test_textnorm_is_text),
		cmocka_unit_test(test_same_findings),
		cmocka_unit_test(test_same_from_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
