/*
 * streams.c -- see streams.h. Each decoder works in blocks (o->block,
 * growing with the output up to OUT_BLOCK_BYTES) and asks room() before
 * each: the object size, the ratio against the input consumed so far and
 * the scan's time are checked while the output grows, so a bomb stops
 * after its first megabyte.
 */
#include <bzlib.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "formats/archive/streams.h"
#include "vigil/vigil.h"

#define OUT_BLOCK_BYTES (256u * 1024)
/* The first block: most contained objects are small, and a block of
 * OUT_BLOCK_BYTES for each would be a large allocation per object. The
 * blocks double from here up to OUT_BLOCK_BYTES. */
#define FIRST_BLOCK_BYTES (16u * 1024)
/* zlib and bzip2 count their input in 32 bits: more is fed in pieces. */
#define IN_PIECE_BYTES ((size_t)1 << 30)

/* The next piece of in[0, len) once the decoder used the last: its
 * length (0: none left, or the last one not used up), *fed moved on. */
static unsigned next_piece(size_t len, unsigned avail, size_t *fed)
{
	size_t n = len - *fed < IN_PIECE_BYTES ? len - *fed : IN_PIECE_BYTES;

	if (avail)
		return 0;
	*fed += n;
	return (unsigned)n;
}

void stream_out_init(struct stream_out *o, struct fmt_ctx *c, size_t max)
{
	memset(o, 0, sizeof(*o));
	o->c = c;
	o->max = max;
}

/* Room for the next block; 0, or 1 when the output must stop. */
static int room(struct stream_out *o, size_t in_used)
{
	if (o->b.len > o->max || fmt_ratio_exceeded(o->c, o->b.len, in_used) ||
	    fmt_expired(o->c)) {
		o->stop = 1;
		return 1;
	}
	o->block = o->b.len < FIRST_BLOCK_BYTES ? FIRST_BLOCK_BYTES :
		   o->b.len < OUT_BLOCK_BYTES ? o->b.len : OUT_BLOCK_BYTES;
	if (vbuf_reserve(&o->b, o->block) < 0) {
		o->err = "out of memory";
		o->nomem = 1;
		return 1;
	}
	return 0;
}

void stream_gunzip(struct stream_out *o, const uint8_t *in, size_t len,
		   char *name, size_t name_cap)
{
	gz_header h;
	z_stream z;
	size_t fed = 0, used;
	unsigned n;
	int zr = Z_OK;

	memset(&z, 0, sizeof(z));
	memset(&h, 0, sizeof(h));
	h.name = (Bytef *)name;
	h.name_max = name_cap ? (uInt)name_cap - 1 : 0;
	if (!name_cap)
		h.name = Z_NULL;
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		o->err = "cannot start inflate";
		o->nomem = 1; /* its decoder could not be allocated */
		return;
	}
	inflateGetHeader(&z, &h);
	while (!room(o, fed - z.avail_in)) {
		if ((n = next_piece(len, z.avail_in, &fed)) != 0) {
			z.next_in = (Bytef *)(uintptr_t)(in + fed - n);
			z.avail_in = n;
		}
		z.next_out = o->b.data + o->b.len;
		z.avail_out = (unsigned)o->block;
		zr = inflate(&z, Z_NO_FLUSH);
		o->b.len += o->block - z.avail_out;
		used = fed - z.avail_in; /* read in the whole, across pieces */
		if (zr == Z_STREAM_END && len - used >= 2 &&
		    in[used] == 0x1f && in[used + 1] == 0x8b) {
			inflateReset(&z); /* the next member */
			continue;
		}
		if (zr != Z_OK)
			break;
	}
	if (!o->stop && zr != Z_STREAM_END && !o->err)
		o->err = z.msg ? z.msg : "truncated gzip stream";
	inflateEnd(&z);
}

void stream_bunzip(struct stream_out *o, const uint8_t *in, size_t len)
{
	bz_stream z;
	size_t fed = 0;
	unsigned n;
	int br = BZ_OK;

	memset(&z, 0, sizeof(z));
	if (BZ2_bzDecompressInit(&z, 0, 0) != BZ_OK) {
		o->err = "cannot start bzip2";
		o->nomem = 1; /* its decoder could not be allocated */
		return;
	}
	while (!room(o, fed - z.avail_in)) {
		if ((n = next_piece(len, z.avail_in, &fed)) != 0) {
			z.next_in = (char *)(uintptr_t)(in + fed - n);
			z.avail_in = n;
		}
		z.next_out = (char *)o->b.data + o->b.len;
		z.avail_out = (unsigned)o->block;
		br = BZ2_bzDecompress(&z);
		o->b.len += o->block - z.avail_out;
		if (br != BZ_OK)
			break;
		if (!z.avail_in && fed == len && z.avail_out)
			break;
	}
	if (!o->stop && br != BZ_STREAM_END && !o->err)
		o->err = "truncated or damaged bzip2 stream";
	BZ2_bzDecompressEnd(&z);
}

void stream_unxz(struct stream_out *o, const uint8_t *in, size_t len)
{
	lzma_stream z = LZMA_STREAM_INIT;
	lzma_ret lr = LZMA_OK;

	/* The memory limit of the decoder itself: 256 MiB of dictionary. */
	if (lzma_auto_decoder(&z, 256u << 20, LZMA_CONCATENATED) != LZMA_OK) {
		o->err = "cannot start xz";
		o->nomem = 1; /* its decoder could not be allocated */
		return;
	}
	z.next_in = in;
	z.avail_in = len;
	while (!room(o, len - z.avail_in)) {
		z.next_out = o->b.data + o->b.len;
		z.avail_out = (unsigned)o->block;
		lr = lzma_code(&z, z.avail_in ? LZMA_RUN : LZMA_FINISH);
		o->b.len += o->block - z.avail_out;
		if (lr != LZMA_OK)
			break;
	}
	if (!o->stop && lr != LZMA_STREAM_END && !o->err)
		o->err = lr == LZMA_MEMLIMIT_ERROR ? "xz dictionary over 256 MiB" :
						     "truncated or damaged xz stream";
	lzma_end(&z);
}

void stream_unzstd(struct stream_out *o, const uint8_t *in, size_t len)
{
	ZSTD_DStream *z = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, len, 0 };
	size_t zr = 1;

	if (!z) {
		o->err = "cannot start zstd";
		o->nomem = 1; /* its decoder could not be allocated */
		return;
	}
	/* Window limit: 2^27 bytes (128 MiB), zstd's default maximum. */
	ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, 27);
	while (!room(o, ib.pos)) {
		ZSTD_outBuffer ob = { o->b.data + o->b.len, o->block, 0 };

		zr = ZSTD_decompressStream(z, &ob, &ib);
		o->b.len += ob.pos;
		if (ZSTD_isError(zr) || (ib.pos == len && ob.pos < ob.size))
			break;
	}
	if (!o->stop && !o->err && (ZSTD_isError(zr) || zr != 0))
		o->err = ZSTD_isError(zr) ? ZSTD_getErrorName(zr) :
					    "truncated zstd stream";
	ZSTD_freeDStream(z);
}


void stream_inflate_raw(struct stream_out *o, const uint8_t *in, size_t len)
{
	z_stream z;
	size_t fed = 0;
	unsigned n;
	int zr = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
		o->err = "cannot start inflate";
		o->nomem = 1; /* its decoder could not be allocated */
		return;
	}
	while (!room(o, fed - z.avail_in)) {
		if ((n = next_piece(len, z.avail_in, &fed)) != 0) {
			z.next_in = (Bytef *)(uintptr_t)(in + fed - n);
			z.avail_in = n;
		}
		z.next_out = o->b.data + o->b.len;
		z.avail_out = (unsigned)o->block;
		zr = inflate(&z, Z_NO_FLUSH);
		o->b.len += o->block - z.avail_out;
		if (zr != Z_OK)
			break;
		if (!z.avail_in && fed == len && z.avail_out)
			break;
	}
	if (!o->stop && zr != Z_STREAM_END && !o->err)
		o->err = z.msg ? z.msg : "truncated deflate stream";
	inflateEnd(&z);
}

int stream_inflate_child(struct fmt_ctx *c, const char *what,
			 const char *name, const uint8_t *in, size_t len,
			 size_t skip)
{
	struct stream_out o;
	int rc = 0;

	stream_out_init(&o, c, fmt_max_child(c));
	stream_inflate_raw(&o, in, len);
	if (o.nomem)
		rc = VIGIL_ENOMEM;
	else if (o.stop && o.b.len > o.max)
		rc = fmt_too_big(c, name);
	else if (o.err)
		fmt_warn(c, "%s: %s (%zu bytes recovered)", what, o.err,
			 o.b.len);
	if (!rc && !o.stop && o.b.len > skip)
		rc = fmt_child(c, name, o.b.data + skip, o.b.len - skip);
	vbuf_free(&o.b);
	return rc;
}

/* The declared size's worth of what inflated (none if it is empty), then
 * the whole when it inflated past it; either, past the size limit, is
 * that limit. */
static int declared_children(struct fmt_ctx *c, const char *name,
			     const struct stream_out *o, uint64_t declared)
{
	size_t first = o->b.len < declared ? o->b.len : (size_t)declared;
	int over = o->stop && o->b.len > o->max, rc = 0;
	char whole[160];

	if (over && first > o->max)
		return fmt_too_big(c, name);
	if (first && (rc = fmt_child(c, name, o->b.data, first)) != 0)
		return rc;
	if (o->b.len <= declared)
		return 0;
	snprintf(whole, sizeof(whole), "%.150s-whole", name);
	return over ? fmt_too_big(c, whole) :
		      fmt_child(c, whole, o->b.data, o->b.len);
}

int stream_inflate_declared(struct fmt_ctx *c, const char *name,
			    const uint8_t *in, size_t len, uint64_t declared)
{
	struct stream_out o;
	int rc = VIGIL_ENOMEM;

	stream_out_init(&o, c, fmt_max_child(c));
	stream_inflate_raw(&o, in, len);
	if (!o.nomem) {
		if (o.err || (declared != UINT64_MAX && o.b.len > declared))
			fmt_warn(c, "%s: %s (%zu bytes recovered)", name,
				 o.err ? o.err :
					 "inflates past its declared size",
				 o.b.len);
		rc = declared_children(c, name, &o,
				       declared == UINT64_MAX ? o.b.len :
								declared);
	}
	vbuf_free(&o.b);
	return rc;
}

/* Zip's LZMA (method 14): version (2 bytes), size of the properties (2,
 * little-endian, 5), the properties (lc/lp/pb, dictionary size), then raw
 * LZMA1. Given to liblzma as the .lzma format it is, with the size the
 * central directory declares (or "unknown": then the end marker ends it). */
void stream_unlzma_zip(struct stream_out *o, const uint8_t *in, size_t len,
		       uint64_t usize)
{
	uint8_t *alone;
	size_t i;

	if (len < 9 || in[2] != 5 || in[3] != 0) {
		o->err = "damaged LZMA header";
		return;
	}
	if (!(alone = malloc(len + 4))) {
		o->err = "out of memory";
		o->nomem = 1;
		return;
	}
	memcpy(alone, in + 4, 5);
	for (i = 0; i < 8; i++)
		alone[5 + i] = (uint8_t)(usize >> (8 * i));
	memcpy(alone + 13, in + 9, len - 9);
	stream_unxz(o, alone, len + 4);
	free(alone);
}
