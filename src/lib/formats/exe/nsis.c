/*
 * nsis.c -- Nullsoft installers: the "first header" after the PE stub
 * gives the size of the data that follows, a sequence of blocks (the
 * script header, then the files), each a 32-bit length whose top bit says
 * "compressed", or one solid compressed stream holding that sequence.
 * Compression is LZMA (the usual) or deflate; each block's content is
 * handed over as "nsis-N".
 */
#define _GNU_SOURCE
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/le.h"
#include "formats/format.h"
#include "sig/cltype.h"
#include "formats/exe/stages.h"
#include "common/reader.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define NSIS_MAGIC "\xef\xbe\xad\xdeNullsoftInst"
#define NSIS_MAX_BLOCKS 100000
#define NSIS_BLOCK_BYTES (256u * 1024)

int nsis_probe(const uint8_t *buf, size_t len, int type)
{
	return type == VIGIL_TYPE_PE && len > 512 &&
	       memmem(buf + 512, len - 512, NSIS_MAGIC, 16);
}

/* LZMA as NSIS writes it: properties, dictionary size, raw stream. */
static int unlzma(const uint8_t *in, size_t len, size_t max, struct vbuf *out)
{
	lzma_options_lzma opt;
	lzma_filter f[2] = { { LZMA_FILTER_LZMA1, &opt },
			     { LZMA_VLI_UNKNOWN, NULL } };
	lzma_stream z = LZMA_STREAM_INIT;
	lzma_ret lr = LZMA_OK;
	void *props = NULL;

	if (len < 5)
		return -1;
	f[0].options = NULL;
	if (lzma_properties_decode(&f[0], NULL, in, 5) != LZMA_OK)
		return -1;
	props = f[0].options;
	/* A dictionary larger than the output allowed is never read from:
	 * declared sizes up to 4 GiB would otherwise be allocated. */
	if (((lzma_options_lzma *)props)->dict_size > max)
		((lzma_options_lzma *)props)->dict_size =
			max < LZMA_DICT_SIZE_MIN ? LZMA_DICT_SIZE_MIN :
						   (uint32_t)max;
	if (lzma_raw_decoder(&z, f) != LZMA_OK) {
		free(props);
		return -1;
	}
	z.next_in = in + 5;
	z.avail_in = len - 5;
	while (lr == LZMA_OK && out->len < max) {
		if (vbuf_reserve(out, NSIS_BLOCK_BYTES) < 0)
			break;
		z.next_out = out->data + out->len;
		z.avail_out = NSIS_BLOCK_BYTES;
		lr = lzma_code(&z, LZMA_RUN);
		out->len += NSIS_BLOCK_BYTES - z.avail_out;
		if (!z.avail_in && z.avail_out)
			break;
	}
	lzma_end(&z);
	free(props);
	/* Stopped at max with the stream going on: it outgrew the limit. */
	return out->len >= max && lr == LZMA_OK ? 1 : 0;
}

static int inflate_raw(const uint8_t *in, size_t len, size_t max,
		       struct vbuf *out)
{
	z_stream z;
	int zr = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
		return -1;
	z.next_in = (Bytef *)(uintptr_t)in;
	/* zlib counts in 32 bits; the output stops at max long before */
	z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	while (zr == Z_OK && out->len < max &&
	       vbuf_reserve(out, NSIS_BLOCK_BYTES) == 0) {
		z.next_out = out->data + out->len;
		z.avail_out = NSIS_BLOCK_BYTES;
		zr = inflate(&z, Z_NO_FLUSH);
		out->len += NSIS_BLOCK_BYTES - z.avail_out;
	}
	inflateEnd(&z);
	/* Stopped at max with the stream going on: it outgrew the limit. */
	return out->len >= max && zr == Z_OK ? 1 : 0;
}

static int unpack(const uint8_t *in, size_t len, size_t max, struct vbuf *o)
{
	o->len = 0;
	if (len >= 5 && in[0] == 0x5d) /* lc=3, lp=0, pb=2: NSIS's LZMA */
		return unlzma(in, len, max, o);
	return inflate_raw(in, len, max, o);
}

/* The block sequence at b: "u32 length, data" until the end. */
static int blocks(struct fmt_ctx *c, const uint8_t *b, size_t len,
		  int may_compress)
{
	struct vbuf o = { 0 };
	struct rdr r;
	unsigned n = 0;
	int rc = 0;

	rdr_init(&r, b, len);
	while (!rc && rdr_left(&r) > 4 && n < NSIS_MAX_BLOCKS && !fmt_expired(c)) {
		uint32_t h = rdr_u32le(&r);
		size_t size = h & 0x7fffffff;
		char name[32];
		const uint8_t *d;
		int u;

		snprintf(name, sizeof(name), "nsis-%u", ++n);
		d = fmt_upto(c, name, &r, &size); /* cut short: the last */
		if (!(h & 0x80000000) || !may_compress) {
			rc = fmt_child(c, name, d, size);
			continue;
		}
		if ((u = unpack(d, size, fmt_max_output(c, size), &o)) == 1)
			rc = fmt_over(c, name, size);
		else if (o.len)
			rc = fmt_child(c, name, o.data, o.len);
	}
	if (!rc && n == NSIS_MAX_BLOCKS && rdr_left(&r) > 4)
		rc = fmt_unreadable(c, FMT_MAXFILES);
	vbuf_free(&o);
	return rc;
}

static int contents(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	const uint8_t *m = memmem(buf + 512, len - 512, NSIS_MAGIC, 16);
	struct vbuf solid = { 0 };
	const uint8_t *data;
	uint32_t dlen, first;
	struct rdr r;
	int rc;

	rdr_init(&r, buf, len);
	rdr_seek(&r, (size_t)(m - buf) + 16);
	rdr_skip(&r, 4); /* header length */
	dlen = rdr_u32le(&r); /* counts the 28-byte first header, and a CRC */
	dlen = dlen > 28 ? dlen - 28 : 0;
	if (dlen > rdr_left(&r))
		dlen = (uint32_t)rdr_left(&r);
	if (rdr_failed(&r) || dlen < 4)
		return 0;
	data = r.buf + r.pos;
	first = le32_load(data);
	if ((first & 0x7fffffff) <= dlen - 4)
		return blocks(c, data, dlen, 1); /* one block per file */
	/* Solid: one stream holding the length-prefixed blocks. */
	if ((rc = unpack(data, dlen, fmt_max_output(c, dlen), &solid)) == 1)
		rc = fmt_over(c, "nsis-solid", dlen);
	else
		rc = blocks(c, solid.data, solid.len, 0);
	vbuf_free(&solid);
	return rc;
}

/* What an NSIS installer holds is in ClamAV's CL_TYPE_NULSFT. */
int nsis_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	int outer = fmt_set_container(c, CLT_NULSFT);
	int rc = contents(c, buf, len);

	fmt_set_container(c, outer);
	return rc;
}
