/*
 * test_htmlnorm.c -- the HTML normaliser (core/htmlnorm.c) against the
 * forms clamscan 1.4 writes for the same pages (its nocomment.html and
 * notags.html, read with --leave-temps), one rule or quirk per page:
 * tags and attributes, references, multi-byte characters, scripts and
 * styles, link targets, data: values, comments, control bytes, and the
 * pieces of 8191 bytes the page is read in (a cut at white space, white
 * space at a piece's start skipped, NULs left out, a style's end tag in
 * the next piece ending the forms). tests/e2e/test_htmlforms.py checks
 * generated pages against clamscan itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/htmlnorm.h"

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
