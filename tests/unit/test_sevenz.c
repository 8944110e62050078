/*
 * test_sevenz.c -- the 7z reader's pure parts: where an LZMA2 stream may
 * be cut (codec/lzma2cut.c), on chunk headers written out here (no LZMA
 * data is decoded there, so none is needed), and the header parser
 * (archive/sevenzhdr.c) on headers built byte by byte: streams, names
 * (UTF-16 with a surrogate pair and a lone one), empty files and
 * directories, and headers it must refuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "formats/archive/sevenzhdr.h"
#include "formats/codec/lzma2cut.h"

struct stream {
	uint8_t b[1 << 16];
	size_t n;
};

/* A compressed chunk: control byte ctl (its reset bits), out bytes of
 * output from in bytes of (dummy) input. */
static void lz(struct stream *s, unsigned ctl, unsigned out, unsigned in)
{
	s->b[s->n++] = (uint8_t)(ctl | ((out - 1) >> 16 & 0x1f));
	s->b[s->n++] = (uint8_t)((out - 1) >> 8);
	s->b[s->n++] = (uint8_t)(out - 1);
	s->b[s->n++] = (uint8_t)((in - 1) >> 8);
	s->b[s->n++] = (uint8_t)(in - 1);
	if (ctl >= 0xc0)
		s->b[s->n++] = 0x5d; /* lc 3, lp 0, pb 2 */
	memset(s->b + s->n, 0xaa, in);
	s->n += in;
}

/* An uncompressed chunk (ctl 1: the dictionary reset, 2: not). */
static void raw(struct stream *s, unsigned ctl, unsigned size)
{
	s->b[s->n++] = (uint8_t)ctl;
	s->b[s->n++] = (uint8_t)((size - 1) >> 8);
	s->b[s->n++] = (uint8_t)(size - 1);
	memset(s->b + s->n, 0x55, size);
	s->n += size;
}

static void cuts_at_full_resets(void **state)
{
	static struct stream s;
	struct lzma2_cut cut[8];
	size_t n, second, third;

	(void)state;
	s.n = 0;
	lz(&s, 0xe0, 1000, 100);
	lz(&s, 0x80, 1000, 100);
	second = s.n;
	lz(&s, 0xe0, 1000, 100); /* everything reset: a cut */
	lz(&s, 0xa0, 1000, 100);
	lz(&s, 0xc0, 1000, 100); /* new properties, same dictionary: none */
	third = s.n;
	lz(&s, 0xe0, 500, 50);
	s.b[s.n++] = 0;
	n = lzma2_cuts(s.b, s.n, 0, cut, 8);
	assert_int_equal(n, 3);
	assert_int_equal(cut[0].in, 0);
	assert_int_equal(cut[0].out, 0);
	assert_int_equal(cut[1].in, second);
	assert_int_equal(cut[1].out, 2000);
	assert_int_equal(cut[2].in, third);
	assert_int_equal(cut[2].out, 5000);
	/* at least 2500 bytes apart: the one at 2000 is passed over */
	n = lzma2_cuts(s.b, s.n, 2500, cut, 8);
	assert_int_equal(n, 2);
	assert_int_equal(cut[1].out, 5000);
	/* no more than asked for */
	assert_int_equal(lzma2_cuts(s.b, s.n, 0, cut, 2), 2);
}

static void uncompressed_reset_needs_properties_after_it(void **state)
{
	static struct stream s;
	struct lzma2_cut cut[8];
	size_t n, good;

	(void)state;
	s.n = 0;
	lz(&s, 0xe0, 1000, 100);
	raw(&s, 1, 300); /* reset, but the next chunk keeps the old props */
	lz(&s, 0xa0, 1000, 100);
	good = s.n;
	raw(&s, 1, 300); /* reset, and the next one gives them: a cut */
	raw(&s, 2, 200);
	lz(&s, 0xc0, 1000, 100);
	s.b[s.n++] = 0;
	n = lzma2_cuts(s.b, s.n, 0, cut, 8);
	assert_int_equal(n, 2);
	assert_int_equal(cut[1].in, good);
	assert_int_equal(cut[1].out, 2300);
}

static void damage_ends_the_walk(void **state)
{
	static struct stream s;
	struct lzma2_cut cut[8];

	(void)state;
	s.n = 0;
	lz(&s, 0xe0, 1000, 100);
	s.b[s.n++] = 0x05; /* no such control byte */
	lz(&s, 0xe0, 1000, 100);
	assert_int_equal(lzma2_cuts(s.b, s.n, 0, cut, 8), 1);
	s.n = 0;
	lz(&s, 0xe0, 1000, 100);
	lz(&s, 0xe0, 1000, 100);
	/* the second chunk runs past the end: not a place to cut */
	assert_int_equal(lzma2_cuts(s.b, s.n - 1, 0, cut, 8), 1);
	assert_int_equal(lzma2_cuts(s.b, s.n, 0, cut, 8), 2);
	assert_int_equal(lzma2_cuts(s.b, 0, 0, cut, 8), 1);
}

/* A header: one Copy folder of 'size' bytes cut into streams of the
 * given sizes (the last takes the rest), then file records. */
static size_t header(uint8_t *h, const uint8_t *sizes, size_t nsizes,
		     unsigned size, const uint8_t *files, size_t nfiles)
{
	size_t n = 0;
	const uint8_t head[] = {
		0x01, 0x04,			  /* Header, MainStreamsInfo */
		0x06, 0x00, 0x01, 0x09, (uint8_t)size, 0x00, /* PackInfo */
		0x07, 0x0b, 0x01, 0x00, 0x01, 0x01, 0x00, /* one Copy */
		0x0c, (uint8_t)size, 0x00,
		0x08, 0x0d, (uint8_t)(nsizes + 1), 0x09
	};

	memcpy(h + n, head, sizeof(head));
	n += sizeof(head);
	memcpy(h + n, sizes, nsizes);
	n += nsizes;
	h[n++] = 0x00; /* end of SubStreamsInfo */
	h[n++] = 0x00; /* end of MainStreamsInfo */
	if (nfiles)
		memcpy(h + n, files, nfiles);
	n += nfiles;
	h[n++] = 0x00; /* end of Header */
	return n;
}

static void header_gives_streams_and_names(void **state)
{
	static const uint8_t sizes[] = { 10, 20 };
	/* four records: "a", a directory "d", an empty file, and a name with
	 * U+1F600 (a surrogate pair) and a lone surrogate */
	static const uint8_t files[] = {
		0x05, 0x04,
		0x0e, 0x01, 0x60,	/* EmptyStream: files 1 and 2 */
		0x0f, 0x01, 0x40,	/* EmptyFile: the second of those */
		0x11, 0x15, 0x00,
		'a', 0, 0, 0,
		'd', 0, 0, 0,
		'e', 0, 0, 0,
		0x3d, 0xd8, 0x00, 0xde, 0x00, 0xd8, 0, 0,
		0x00
	};
	uint8_t h[256];
	size_t n = header(h, sizes, sizeof(sizes), 70, files, sizeof(files));
	struct sz_header hd;

	(void)state;
	assert_int_equal(sz_parse(h, n, 1000, &hd), 0);
	assert_int_equal(hd.nfolders, 1);
	assert_int_equal(hd.folder[0].size, 70);
	assert_int_equal(hd.folder[0].chain_len, 1);
	assert_int_equal(hd.folder[0].chain[0].method, SZ_COPY);
	assert_int_equal(hd.folder[0].pack_at, SZ_SIG_BYTES);
	assert_int_equal(hd.nstreams, 3);
	assert_int_equal(hd.stream[1].at, 10);
	assert_int_equal(hd.stream[2].at, 30);
	assert_int_equal(hd.stream[2].size, 40);
	assert_int_equal(hd.nfiles, 5); /* the third stream has no record */
	assert_string_equal(hd.names + hd.file[0].name, "a");
	assert_int_equal(hd.file[0].stream, 0);
	assert_string_equal(hd.names + hd.file[1].name, "d");
	assert_int_equal(hd.file[1].stream, SZ_NONE);
	assert_true(hd.file[1].dir);
	assert_int_equal(hd.file[2].stream, SZ_NONE);
	assert_false(hd.file[2].dir);
	assert_string_equal(hd.names + hd.file[3].name,
			    "\xf0\x9f\x98\x80\xef\xbf\xbd");
	assert_int_equal(hd.file[3].stream, 1);
	assert_string_equal(hd.names + hd.file[4].name, "");
	assert_int_equal(hd.file[4].stream, 2);
	sz_free(&hd);
}

static void header_with_fewer_records_keeps_every_stream(void **state)
{
	static const uint8_t sizes[] = { 10 };
	static const uint8_t files[] = {
		0x05, 0x01, 0x11, 0x05, 0x00, 'x', 0, 0, 0, 0x00
	};
	uint8_t h[256];
	size_t n = header(h, sizes, sizeof(sizes), 30, files, sizeof(files));
	struct sz_header hd;

	(void)state;
	assert_int_equal(sz_parse(h, n, 1000, &hd), 0);
	assert_int_equal(hd.nfiles, 2);
	assert_string_equal(hd.names + hd.file[0].name, "x");
	assert_string_equal(hd.names + hd.file[1].name, "");
	assert_int_equal(hd.file[1].stream, 1);
	sz_free(&hd);
}

static void bad_headers_are_refused(void **state)
{
	static const uint8_t sizes[] = { 50 };
	uint8_t h[256];
	size_t n = header(h, sizes, sizeof(sizes), 40, NULL, 0);
	struct sz_header hd;

	(void)state;
	/* a stream larger than its folder */
	assert_int_equal(sz_parse(h, n, 1000, &hd), SZ_DAMAGED);
	sz_free(&hd);
	/* cut anywhere: never read past the end */
	n = header(h, sizes, 0, 40, NULL, 0);
	for (size_t cut = 0; cut < n; cut++) {
		assert_int_equal(sz_parse(h, cut, 1000, &hd), SZ_DAMAGED);
		sz_free(&hd);
	}
	assert_int_equal(sz_parse(h, n, 1000, &hd), 0);
	sz_free(&hd);
	/* pack streams past the archive's end */
	assert_int_equal(sz_parse(h, n, 20, &hd), SZ_DAMAGED);
	sz_free(&hd);
	/* a count no header could hold */
	h[4] = 0xff;
	assert_int_equal(sz_parse(h, n, 1000, &hd), SZ_DAMAGED);
	sz_free(&hd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cuts_at_full_resets),
		cmocka_unit_test(uncompressed_reset_needs_properties_after_it),
		cmocka_unit_test(damage_ends_the_walk),
		cmocka_unit_test(header_gives_streams_and_names),
		cmocka_unit_test(header_with_fewer_records_keeps_every_stream),
		cmocka_unit_test(bad_headers_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
