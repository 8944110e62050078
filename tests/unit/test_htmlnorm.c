/*
 * test_htmlnorm.c -- the HTML normaliser (core/htmlnorm.c) against the
 * forms clamscan 1.4 writes for the same pages (its nocomment.html and
 * notags.html, read with --leave-temps), one rule or quirk per page:
 * tags and attributes, references, multi-byte characters, scripts and
 * styles, link targets, data: values, comments, control bytes, and the
 * pieces of 8191 bytes the page is read in (a cut at white space, white
 * space at a piece's start skipped, NULs left out, a style's end tag in
 * the next piece ending the forms); and its plain text read sixteen and
 * sixty-four bytes at a time gives the same forms as a byte at a time.
 * tests/e2e/test_htmlforms.py checks generated pages against clamscan
 * itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/htmlnorm.h"
#include "core/htmlplain.h"

#define S(x) (const uint8_t *)(x), sizeof(x) - 1

static void forms(const uint8_t *in, size_t len, struct vbuf *tags,
		  struct vbuf *text)
{
	memset(tags, 0, sizeof(*tags));
	memset(text, 0, sizeof(*text));
	assert_int_equal(htmlnorm(in, len, tags, text), 0);
}

static void check(const uint8_t *in, size_t len, const uint8_t *tags,
		  size_t ntags, const uint8_t *text, size_t ntext)
{
	struct vbuf o, t;

	forms(in, len, &o, &t);
	assert_int_equal(o.len, ntags);
	assert_memory_equal(o.data, tags, ntags);
	assert_int_equal(t.len, ntext);
	if (ntext)
		assert_memory_equal(t.data, text, ntext);
	vbuf_free(&o);
	vbuf_free(&t);
}

static void tags_and_attributes(void **st)
{
	(void)st;
	check(S("<html><!-- c -->A<B x=1 Y='2' z=\"3\" W>t</b>"),
	      S("<html>a<b x=1 y=\"2\" z=\"3\" w>t</b>"), S(" a t "));
	/* a space inside a quoted value ends the quoting */
	check(S("<html><p title=\"a b\" x='c'>x</p>"),
	      S("<html><p title=\"a b\" x=\"c\">x</p>"), S(" x "));
	/* a comment ends at the first '>' */
	check(S("<html><!-- a > b -->c"), S("<html>b -->c"), S(" b -->c"));
}

static void references(void **st)
{
	(void)st;
	/* names of the ISO sets, with clamscan's code points */
	check(S("<html>&aacgr;&ohm;&lang;&period;&Lang;"),
	      S("<html>&#x03ac;&#x2126;&#x2329;.&lang;"), S(" "));
	check(S("<html>&amp;&lt;&AMP;&bogus;&eacute;&pi;&#65;&#x42;&#0;"
		"&#256;&#12290;&#65537;&#99999999999999999999999;&#65x &amp"),
	      S("<html>&<&amp;&bogus;\xe9&#x03c0;ab\0&#x0100;.\x01\xff"
		"9999;Ax &"),
	      S(" 9999; x "));
}

static void multibyte(void **st)
{
	(void)st;
	check(S("<html>\xc3\xa9 \xe9x \xa1" "Cz \xe3\x80\x82 \xf0\x9f\x98\x80!"),
	      S("<html>\xc3\xa9 \xe9x .\0z . \xf0\x9f\x98\x80!"),
	      S(" \xc3\xc3\0x .\0z .\xf0\x9f\x9f\0!"));
}

static void scripts_and_styles(void **st)
{
	(void)st;
	check(S("<html><script>var A = 'x'; if (a < b) {}</script> "
		"<style>p { x: 'y' }</style> t"),
	      S("<html><script>vara=\"x\";if(a<b){}</script>"
		"<style>p{x:\"y\"}</style>t"),
	      S(" t"));
}

static void links_and_data(void **st)
{
	(void)st;
	check(S("<html><a href=\"http://X.example/P\" title=t>link</a>"
		"<img src=Pic.png><a href>bare</a><a href=a href=b>two</a>"),
	      S("<html><a href=\"http://x.example/p\" title=t>link</a>"
		"<img src=pic.png><a href>bare</a><a href=a href=b>two</a>"),
	      S(" http://X.example/P link Pic.png bare a two "));
	check(S("<html><img src=\"data:image/png;base64,AAAA\" alt=x>after"
		"<a href=data:,x>y</a>"),
	      S("<html><img src=\"data\"alt=x>after<a href=datay</a>"),
	      S(" after "));
}

static void control_bytes(void **st)
{
	(void)st;
	check(S("<html>a\r\nb\x01" "c\0d\te"), S("<html>a b\x01" "cd e"),
	      S(" a b cd e"));
}

/* in followed by n bytes c, then tail */
static uint8_t *page(const char *head, int c, size_t n, const char *tail,
		     size_t *len)
{
	size_t h = strlen(head), t = strlen(tail);
	uint8_t *p = malloc(h + n + t);

	assert_non_null(p);
	memcpy(p, head, h);
	memset(p + h, c, n);
	memcpy(p + h + n, tail, t);
	*len = h + n + t;
	return p;
}

static void pieces(void **st)
{
	size_t n, m, k;
	uint8_t *in, *tags, *text;

	(void)st;
	/* 8191 bytes end at "tail"; " end" starts a piece: its space goes */
	in = page("<html>", 'w', 8180, " tail end", &n);
	tags = page("<html>", 'w', 8180, " tailend", &m);
	text = page(" ", 'w', 8180, " tailend", &k);
	check(in, n, tags, m, text, k);
	free(in), free(tags), free(text);
	/* no white space to cut back to: a piece of 8191 bytes */
	in = page("<html>", 'a', 9000, " z", &n);
	tags = page("<html>", 'a', 9000, " z", &m);
	text = page(" ", 'a', 9000, " z", &k);
	check(in, n, tags, m, text, k);
	free(in), free(tags), free(text);
	/* NULs are left out, and do not count in a piece */
	in = page("<html>", 0, 100, "", &n);
	in = realloc(in, n + 8192);
	memset(in + n, 'b', 8190);
	memcpy(in + n + 8190, " c", 2);
	tags = page("<html>", 'b', 8190, " c", &m);
	text = page(" ", 'b', 8190, " c", &k);
	check(in, n + 8192, tags, m, text, k);
	free(in), free(tags), free(text);
}

/* A style's end tag read in the next piece ends both forms there. */
static void style_across_pieces(void **st)
{
	size_t n;
	uint8_t *in = page("<html><style>a </style x>", 'W', 9000, " &amp", &n);

	(void)st;
	check(in, n, S("<html><style>a</style"), S(" "));
	free(in);
}

/* Without a text form asked for, the tags form alone. */
static void tags_only(void **st)
{
	struct vbuf o = { 0 };

	(void)st;
	assert_int_equal(htmlnorm(S("<html>A&amp;B"), &o, NULL), 0);
	assert_int_equal(o.len, 9);
	assert_memory_equal(o.data, "<html>a&b", 9);
	vbuf_free(&o);
}

/* A page of n pieces drawn by seed: words, runs of spaces and line ends
 * (CR too), tags, references, scripts, data: values, bytes over 0x7f,
 * NULs. */
static uint8_t *random_page(unsigned seed, size_t n, size_t *len)
{
	static const char *const bits[] = {
		"word", "Other", " ", "  ", "\n", "\r\n", " \n", "\t",
		"<b>", "</b>", "<a href='x y'>", "&amp;", "&#x41;", "&pi;",
		"<script>var A = 'q';\n</script>", "<style>p { x }</style>",
		"<img src=\"data:image/png;base64,AA\nBB\">", "\xc3\xa9",
		"\xff", "<!-- c -->", ".", "<", "&", "\x01", "ZZZZZZZZZZ",
		"<p\n>", "=", "'",
	};
	const size_t nbits = sizeof(bits) / sizeof(bits[0]);
	uint8_t *p = malloc(n * 40 + 1);
	unsigned x = seed;

	assert_non_null(p);
	*len = 0;
	for (size_t i = 0; i < n; i++) {
		const char *b;

		x = x * 1103515245u + 12345u;
		b = bits[(x >> 16) % nbits];
		if ((x >> 8) % 97 == 0) {
			p[(*len)++] = 0; /* a NUL, left out */
			continue;
		}
		memcpy(p + *len, b, strlen(b));
		*len += strlen(b);
	}
	return p;
}

static void same_forms(const uint8_t *in, size_t len, int how)
{
	struct vbuf o[2] = { { 0 }, { 0 } }, t[2] = { { 0 }, { 0 } };

	assert_int_equal(htmlnorm_how(in, len, &o[0], &t[0], HP_BYTES), 0);
	assert_int_equal(htmlnorm_how(in, len, &o[1], &t[1], how), 0);
	assert_int_equal(o[0].len, o[1].len);
	assert_int_equal(t[0].len, t[1].len);
	assert_memory_equal(o[0].data, o[1].data, o[0].len);
	assert_memory_equal(t[0].data, t[1].data, t[0].len);
	for (int i = 0; i < 2; i++) {
		vbuf_free(&o[i]);
		vbuf_free(&t[i]);
	}
}

/* Plain text read sixteen and (where the processor has AVX-512 BW, the
 * suite's other run having it off) sixty-four bytes at a time, up to
 * white space and (with VBMI2) white space and all: the same forms as a
 * byte at a time, for pages of words and markup and for runs of plain
 * text of every length ending in every byte value. */
static void plain_text_ways(void **st)
{
	uint8_t *in = malloc(300);
	size_t len;

	(void)st;
	assert_non_null(in);
	for (unsigned seed = 1; seed <= 300; seed++) {
		uint8_t *page = random_page(seed, 40 + seed * 7, &len);

		same_forms(page, len, HP_SSE2);
		same_forms(page, len, HP_AVX512BW);
		same_forms(page, len, HP_BEST);
		free(page);
	}
	for (size_t n = 0; n < 140; n++)
		for (unsigned c = 0; c < 256; c++) {
			memcpy(in, "<p>", 3);
			for (size_t i = 0; i < n; i++)
				in[3 + i] = "Ab c\nD"[i % 7];
			in[3 + n] = (uint8_t)c;
			memcpy(in + 4 + n, "x y", 3);
			same_forms(in, n + 7, HP_BEST);
			same_forms(in, n + 7, HP_AVX512BW);
			same_forms(in, n + 7, HP_SSE2);
		}
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tags_and_attributes),
		cmocka_unit_test(references),
		cmocka_unit_test(multibyte),
		cmocka_unit_test(scripts_and_styles),
		cmocka_unit_test(links_and_data),
		cmocka_unit_test(control_bytes),
		cmocka_unit_test(pieces),
		cmocka_unit_test(style_across_pieces),
		cmocka_unit_test(tags_only),
		cmocka_unit_test(plain_text_ways),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
