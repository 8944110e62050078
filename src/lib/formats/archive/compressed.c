/*
 * compressed.c -- single compressed streams: gzip (all members), bzip2,
 * xz and lzma, zstd. Decompressed here rather than through libarchive so
 * that the compression ratio is measured against the input actually
 * consumed: a bomb is stopped after its first megabyte, not after
 * fmt_max_child() bytes. The output is one object, named after the gzip
 * header's file name when there is one.
 */
#include <bzlib.h>
#include <lzma.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "formats/codec/fastinflate.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define OUT_BLOCK_BYTES (256u * 1024)
#define GZ_NAME_BYTES 256

enum codec { C_GZIP, C_BZIP2, C_XZ, C_ZSTD, C_NONE };

static enum codec codec_of(const uint8_t *b, size_t len)
{
	if (len >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return C_GZIP;
	if (len >= 3 && !memcmp(b, "BZh", 3))
		return C_BZIP2;
	if ((len >= 6 && !memcmp(b, "\xfd" "7zXZ\0", 6)) ||
	    (len >= 3 && !memcmp(b, "\x5d\0\0", 3)))
		return C_XZ;
	if (len >= 4 && !memcmp(b, "\x28\xb5\x2f\xfd", 4))
		return C_ZSTD;
	return C_NONE;
}

int compressed_probe(const uint8_t *buf, size_t len, int type)
{
	return type == VIGIL_TYPE_COMPRESSED && codec_of(buf, len) != C_NONE;
}

/* Output so far, and the verdict on it. */
struct out {
	struct fmt_ctx *c;
	struct vbuf b;
	size_t max;
	int stop;		/* 1: too big, a bomb, or out of time */
	const char *err;	/* decoder error, NULL if none */
};

/* Room for the next block; 0, or 1 when the output must stop. */
static int room(struct out *o, size_t in_used)
{
	if (o->b.len > o->max || fmt_ratio_exceeded(o->c, o->b.len, in_used) ||
	    fmt_expired(o->c)) {
		o->stop = 1;
		return 1;
	}
	if (vbuf_reserve(&o->b, OUT_BLOCK_BYTES) < 0) {
		o->err = "out of memory";
		return 1;
	}
	return 0;
}

static void gunzip(struct out *o, const uint8_t *in, size_t len, char *name)
{
	gz_header h;
	z_stream z;
	int zr = Z_OK;

	memset(&z, 0, sizeof(z));
	memset(&h, 0, sizeof(h));
	h.name = (Bytef *)name;
	h.name_max = GZ_NAME_BYTES - 1;
	if (len > UINT32_MAX || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		o->err = "cannot start inflate";
		return;
	}
	inflateGetHeader(&z, &h);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	while (!room(o, len - z.avail_in)) {
		z.next_out = o->b.data + o->b.len;
		z.avail_out = OUT_BLOCK_BYTES;
		zr = inflate(&z, Z_NO_FLUSH);
		o->b.len += OUT_BLOCK_BYTES - z.avail_out;
		if (zr == Z_STREAM_END && z.avail_in >= 2 &&
		    z.next_in[0] == 0x1f && z.next_in[1] == 0x8b) {
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

static void bunzip(struct out *o, const uint8_t *in, size_t len)
{
	bz_stream z;
	int br = BZ_OK;

	memset(&z, 0, sizeof(z));
	if (len > UINT32_MAX || BZ2_bzDecompressInit(&z, 0, 0) != BZ_OK) {
		o->err = "cannot start bzip2";
		return;
	}
	z.next_in = (char *)(uintptr_t)in;
	z.avail_in = (unsigned)len;
	while (!room(o, len - z.avail_in)) {
		z.next_out = (char *)o->b.data + o->b.len;
		z.avail_out = OUT_BLOCK_BYTES;
		br = BZ2_bzDecompress(&z);
		o->b.len += OUT_BLOCK_BYTES - z.avail_out;
		if (br != BZ_OK)
			break;
		if (!z.avail_in && z.avail_out)
			break;
	}
	if (!o->stop && br != BZ_STREAM_END && !o->err)
		o->err = "truncated or damaged bzip2 stream";
	BZ2_bzDecompressEnd(&z);
}

static void unxz(struct out *o, const uint8_t *in, size_t len)
{
	lzma_stream z = LZMA_STREAM_INIT;
	lzma_ret lr = LZMA_OK;

	/* The memory limit of the decoder itself: 256 MiB of dictionary. */
	if (lzma_auto_decoder(&z, 256u << 20, LZMA_CONCATENATED) != LZMA_OK) {
		o->err = "cannot start xz";
		return;
	}
	z.next_in = in;
	z.avail_in = len;
	while (!room(o, len - z.avail_in)) {
		z.next_out = o->b.data + o->b.len;
		z.avail_out = OUT_BLOCK_BYTES;
		lr = lzma_code(&z, z.avail_in ? LZMA_RUN : LZMA_FINISH);
		o->b.len += OUT_BLOCK_BYTES - z.avail_out;
		if (lr != LZMA_OK)
			break;
	}
	if (!o->stop && lr != LZMA_STREAM_END && !o->err)
		o->err = lr == LZMA_MEMLIMIT_ERROR ? "xz dictionary over 256 MiB" :
						     "truncated or damaged xz stream";
	lzma_end(&z);
}

static void unzstd(struct out *o, const uint8_t *in, size_t len)
{
	ZSTD_DStream *z = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, len, 0 };
	size_t zr = 1;

	if (!z) {
		o->err = "cannot start zstd";
		return;
	}
	/* Window limit: 2^27 bytes (128 MiB), zstd's default maximum. */
	ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, 27);
	while (!room(o, ib.pos)) {
		ZSTD_outBuffer ob = { o->b.data + o->b.len, OUT_BLOCK_BYTES, 0 };

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

int compressed_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct out o = { c, { 0 }, fmt_max_child(c), 0, NULL };
	char name[GZ_NAME_BYTES] = "";
	int rc = 0;

	switch (codec_of(buf, len)) {
	case C_GZIP:
		rc = fast_gunzip(buf, len, o.max, &o.b, name, sizeof(name));
		if (rc == 1)
			gunzip(&o, buf, len, name);
		else if (rc < 0)
			return rc;
		rc = 0;
		break;
	case C_BZIP2:
		bunzip(&o, buf, len);
		break;
	case C_XZ:
		unxz(&o, buf, len);
		break;
	default:
		unzstd(&o, buf, len);
	}
	if (o.stop && o.b.len > o.max)
		rc = fmt_too_big(c, *name ? name : "data");
	else if (o.stop)
		rc = 0; /* the ratio or time guard has reported why */
	else if (o.err)
		fmt_warn(c, "%s (%zu bytes recovered)", o.err, o.b.len);
	if (!rc && !o.stop && o.b.len)
		rc = fmt_layer(c, *name ? name : "data", o.b.data, o.b.len);
	vbuf_free(&o.b);
	return rc;
}
