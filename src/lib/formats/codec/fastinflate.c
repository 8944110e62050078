/*
 * fastinflate.c -- libdeflate's whole-buffer decoders behind the checks
 * that make them safe here: the declared size bounds the output buffer,
 * expansion beyond FAST_MAX_EXPANSION is left to the streaming decoders,
 * and anything not exactly as declared makes the caller fall back.
 */
#include "formats/codec/fastinflate.h"

#include <libdeflate.h>
#include <string.h>

#include "common/reader.h"
#include "vigil/vigil.h"

static int fits(size_t len, size_t want)
{
	return want / FAST_MAX_EXPANSION <= len;
}

int fast_inflate(const uint8_t *in, size_t len, size_t want, uint32_t crc,
		 struct vbuf *out)
{
	struct libdeflate_decompressor *d;
	enum libdeflate_result r;

	if (!fits(len, want))
		return 1;
	out->len = 0;
	if (vbuf_reserve(out, want ? want : 1) < 0 ||
	    !(d = libdeflate_alloc_decompressor()))
		return VIGIL_ENOMEM;
	r = libdeflate_deflate_decompress(d, in, len, out->data, want, NULL);
	libdeflate_free_decompressor(d);
	if (r != LIBDEFLATE_SUCCESS ||
	    libdeflate_crc32(0, out->data, want) != crc)
		return 1;
	out->len = want;
	return 0;
}

/* The FNAME field of a gzip header, if there is one. */
static void gzip_name(const uint8_t *in, size_t len, char *name, size_t cap)
{
	struct rdr r;
	uint8_t flags;
	size_t n = 0;

	rdr_init(&r, in, len);
	rdr_skip(&r, 3);
	flags = rdr_u8(&r);
	rdr_skip(&r, 6);
	if (flags & 4)
		rdr_skip(&r, rdr_u16le(&r)); /* FEXTRA */
	while ((flags & 8) && rdr_left(&r) && n + 1 < cap) {
		uint8_t ch = rdr_u8(&r);

		if (!ch)
			break;
		name[n++] = (char)ch;
	}
	name[n] = 0;
}

int fast_gunzip(const uint8_t *in, size_t len, size_t max, struct vbuf *out,
		char *name, size_t cap)
{
	struct libdeflate_decompressor *d;
	enum libdeflate_result r;
	size_t want, used = 0;

	if (len < 18)
		return 1;
	want = (size_t)in[len - 4] | (size_t)in[len - 3] << 8 |
	       (size_t)in[len - 2] << 16 | (size_t)in[len - 1] << 24;
	if (want > max || !fits(len, want))
		return 1;
	out->len = 0;
	if (vbuf_reserve(out, want ? want : 1) < 0 ||
	    !(d = libdeflate_alloc_decompressor()))
		return VIGIL_ENOMEM;
	r = libdeflate_gzip_decompress_ex(d, in, len, out->data, want, &used,
					  NULL);
	libdeflate_free_decompressor(d);
	if (r != LIBDEFLATE_SUCCESS || used != len)
		return 1; /* damaged, or more members: stream it */
	out->len = want;
	gzip_name(in, len, name, cap);
	return 0;
}
