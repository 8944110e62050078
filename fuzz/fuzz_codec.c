/*
 * fuzz_codec.c -- libFuzzer targets for the pure decoders of
 * src/lib/formats/codec/, one binary each (CODEC_<NAME> set by meson).
 * Where a decoder takes parameters (a method, lc/lp/pb, zip flags, which
 * PDF filter), the input's first byte chooses them. Each must stay within
 * the output bound it was given and never read outside its input; the
 * character references decode as they do one byte at a time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/codec/aplib.h"
#include "formats/codec/encoding.h"
#include "formats/codec/explode.h"
#include "formats/codec/fastinflate.h"
#include "formats/codec/huffman.h"
#include "formats/codec/inflate64.h"
#include "formats/codec/lzfu.h"
#include "formats/codec/lzmaraw.h"
#include "formats/codec/nrv.h"
#include "formats/codec/pdffilter.h"
#include "util/vbuf.h"

/* Output bound of every decoder here: small, so that the fuzzer finds the
 * limit's edges. */
#define CODEC_MAX_OUT_BYTES (1u << 16)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A vbuf result must respect the bound it was given. */
static __attribute__((unused)) void bounded(struct vbuf *out)
{
	if (out->len > CODEC_MAX_OUT_BYTES + 1)
		abort();
	vbuf_free(out);
}

/* The references of in decoded a byte at a time, as enc_html_refs did
 * before it copied the bytes between them at once: the same as out. */
static __attribute__((unused)) void refs_one_by_one(const uint8_t *in,
						    size_t n,
						    const struct vbuf *out)
{
	size_t i = 0, o = 0, used;
	uint8_t ch;

	if (!out->data)
		return; /* no memory for it */
	while (i < n) {
		if (in[i] == '&' && (used = enc_html_ref(in + i, n - i, &ch)))
			i += used;
		else
			ch = in[i++];
		if (o >= out->len || out->data[o++] != ch)
			abort();
	}
	if (o != out->len)
		abort();
}

#if defined(CODEC_APLIB)
static void codec(const uint8_t *in, size_t n)
{
	static uint8_t out[CODEC_MAX_OUT_BYTES];
	struct aplib a;

	memset(&a, 0, sizeof(a));
	a.s.b = in;
	a.s.len = n;
	a.out = out;
	a.len = sizeof(out);
	aplib_expand(&a);
	if (a.dst > a.len || a.s.pos > a.s.len)
		abort();
}
#elif defined(CODEC_ENCODING)
static void codec(const uint8_t *in, size_t n)
{
	struct vbuf out = { 0 };
	char name[64];
	size_t used = 0;
	int over = 0;

	if (!n)
		return;
	switch (in[0] % 5) {
	case 0: enc_base64(in + 1, n - 1, CODEC_MAX_OUT_BYTES, &out, &over);
		break;
	case 1: enc_qp(in + 1, n - 1, CODEC_MAX_OUT_BYTES, &out, &over);
		break;
	case 2: enc_uu(in + 1, n - 1, CODEC_MAX_OUT_BYTES, &out, &over, &used);
		if (used > n - 1)
			abort();
		break;
	case 3:
		if (enc_uu_find(in + 1, n - 1, 0, name, sizeof(name)) >=
		    (long)n)
			abort();
		break;
	default: /* character references: never longer than the input */
		if (vbuf_reserve(&out, n) == 0 &&
		    (out.len = enc_html_refs(in + 1, n - 1, out.data)) > n - 1)
			abort();
		refs_one_by_one(in + 1, n - 1, &out);
	}
	bounded(&out);
}
#elif defined(CODEC_EXPLODE)
static void codec(const uint8_t *in, size_t n)
{
	struct vbuf out = { 0 };
	int over = 0;

	if (n < 3)
		return;
	explode(in + 3, n - 3, in[0] & 6, (size_t)in[1] << 8 | in[2],
		CODEC_MAX_OUT_BYTES, &out, &over);
	bounded(&out);
}
#elif defined(CODEC_INFLATE64)
static void codec(const uint8_t *in, size_t n)
{
	struct vbuf out = { 0 };
	int over = 0;

	inflate64(in, n, CODEC_MAX_OUT_BYTES, &out, &over);
	bounded(&out);
}
#elif defined(CODEC_FASTINFLATE)
static void codec(const uint8_t *in, size_t n)
{
	struct vbuf out = { 0 };
	char name[64];

	if (!n)
		return;
	if (in[0] & 1)
		fast_gunzip(in + 1, n - 1, CODEC_MAX_OUT_BYTES, &out, name,
			    sizeof(name));
	else
		fast_inflate(in + 1, n - 1, CODEC_MAX_OUT_BYTES, 0, &out);
	bounded(&out);
}
#elif defined(CODEC_LZFU)
static void codec(const uint8_t *in, size_t n)
{
	struct vbuf out = { 0 };
	int over = 0;

	lzfu_decode(in, n, CODEC_MAX_OUT_BYTES, &out, &over);
	bounded(&out);
}
#elif defined(CODEC_LZMA)
static void codec(const uint8_t *in, size_t n)
{
	static uint8_t out[CODEC_MAX_OUT_BYTES];

	if (!n)
		return;
	lzma_raw(in + 1, n - 1, out, sizeof(out), in[0] % 9, in[0] / 9 % 5,
		 in[0] / 45 % 5);
}
#elif defined(CODEC_NRV)
static void codec(const uint8_t *in, size_t n)
{
	static uint8_t out[CODEC_MAX_OUT_BYTES];
	long got;

	if (!n)
		return;
	got = nrv_decompress(NRV2B + in[0] % 3, in + 1, n - 1, out,
			     sizeof(out));
	if (got > (long)sizeof(out))
		abort();
}
#elif defined(CODEC_PDF)
static void codec(const uint8_t *in, size_t n)
{
	static int (*const filters[])(const uint8_t *, size_t, size_t,
				      struct vbuf *, int *) = {
		pdf_flate, pdf_ahx, pdf_a85, pdf_rle, pdf_lzw,
	};
	struct vbuf out = { 0 };
	int over = 0;

	if (!n)
		return;
	filters[in[0] % 5](in + 1, n - 1, CODEC_MAX_OUT_BYTES, &out, &over);
	bounded(&out);
}
#elif defined(CODEC_HUFFMAN)
/* Code lengths from the input (a byte each, up to 16 bits), then symbols
 * decoded from the rest, either bit order. */
static void codec(const uint8_t *in, size_t n)
{
	static struct huff h;
	uint16_t lens[HUFF_MAXSYMS];
	struct bits b;
	size_t k, i;
	int sym, count = 0;

	if (n < 2)
		return;
	k = 1 + in[0] % (n - 1 < 64 ? n - 1 : 64);
	for (i = 0; i < k; i++)
		lens[i] = in[1 + i] % (HUFF_MAXBITS + 1);
	if (huff_construct(&h, lens, (int)k) < 0)
		return;
	memset(&b, 0, sizeof(b));
	b.in = in + 1 + k;
	b.len = n - 1 - k;
	b.msb = in[0] & 0x80;
	while (!b.err && count++ < 4096) {
		sym = huff_decode(&b, &h);
		if (sym >= (int)k)
			abort();
		if (sym < 0)
			break;
	}
}
#else
#error "set one CODEC_<NAME>"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	codec(data, size);
	return 0;
}
