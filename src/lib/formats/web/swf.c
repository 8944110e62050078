/*
 * swf.c -- compressed Flash files: "CWS" (zlib, SWF 6 and later) and
 * "ZWS" (LZMA, SWF 13 and later) hold an uncompressed "FWS" file whose
 * length the header gives; it is handed over as a layer of the same file
 * ("swf-decompressed"), its header written back as "FWS", so that
 * signatures for Flash content match it (SWF file format specification,
 * version 19: the header and the two compressions).
 */
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "formats/archive/streams.h"
#include "formats/codec/lzmaraw.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "vigil/vigil.h"

#define SWF_HEADER_BYTES 8
#define ZWS_HEADER_BYTES 17	/* header, compressed length, LZMA props */

/* A zlib header (RFC 1950: deflate, and a check that the two bytes
 * make a multiple of 31), which a player's zlib refuses to go without:
 * "CWS" alone starts text too ("CWS report ..."), read as a size of
 * gigabytes. */
static int zlib_header(const uint8_t *b)
{
	return (b[0] & 0x0f) == 8 && ((unsigned)b[0] << 8 | b[1]) % 31 == 0;
}

/* LZMA properties a decoder takes (lc, lp, pb below 9, 5, 5) and the
 * range coder's first byte, which an encoder always writes as 0 and
 * LZMA decoders refuse otherwise: "ZWS" alone starts random data once in
 * 16 million files, its next bytes read as a size past any limit. */
static int lzma_start(const uint8_t *b)
{
	return b[12] < 9 * 5 * 5 && b[ZWS_HEADER_BYTES] == 0;
}

int swf_probe(const uint8_t *buf, size_t len, int type)
{
	if (type != VIGIL_TYPE_FLASH || len <= SWF_HEADER_BYTES)
		return 0;
	/* one cut short before its first LZMA byte is given up on too */
	if (!memcmp(buf, "ZWS", 3))
		return len <= ZWS_HEADER_BYTES || lzma_start(buf);
	/* one cut short in its zlib header is given up on (swf_extract) */
	return !memcmp(buf, "CWS", 3) && (len < SWF_HEADER_BYTES + 2 ||
					  zlib_header(buf + SWF_HEADER_BYTES));
}

/* The LZMA body of a ZWS file into out (want bytes at most). */
static int unzws(const uint8_t *buf, size_t len, uint8_t *out, size_t want)
{
	unsigned props;

	if (len < ZWS_HEADER_BYTES || (props = buf[12]) >= 9 * 5 * 5)
		return FMT_DAMAGED;
	return lzma_raw(buf + ZWS_HEADER_BYTES, len - ZWS_HEADER_BYTES, out,
			want, props % 9, props / 9 % 5, props / 45);
}

static int hand_over(struct fmt_ctx *c, const uint8_t *buf, uint8_t *body,
		     size_t n)
{
	uint8_t *whole = malloc(n + SWF_HEADER_BYTES);
	int rc;

	if (!whole)
		return VIGIL_ENOMEM;
	memcpy(whole, "FWS", 3);
	memcpy(whole + 3, buf + 3, SWF_HEADER_BYTES - 3);
	memcpy(whole + SWF_HEADER_BYTES, body, n);
	rc = fmt_layer(c, "swf-decompressed", whole, n + SWF_HEADER_BYTES);
	free(whole);
	return rc;
}

/* The zlib body of a CWS file (want bytes declared). The declared size
 * is a claim: only what inflates is measured against the limit. */
static int uncws(struct fmt_ctx *c, const uint8_t *buf, size_t len,
		 size_t want)
{
	size_t max = fmt_max_child(c);
	struct stream_out o;
	int rc;

	stream_out_init(&o, c, want < max ? want : max);
	stream_inflate_raw(&o, buf + SWF_HEADER_BYTES + 2,
			   len - SWF_HEADER_BYTES - 2);
	if (o.nomem)
		rc = VIGIL_ENOMEM;
	else if (o.stop && o.b.len > max)
		rc = fmt_too_big(c, "swf-decompressed");
	else if (o.stop && o.b.len <= o.max)
		rc = 0; /* the ratio or time guard has reported why */
	else if (o.b.len) /* a player reads as much as declared */
		rc = hand_over(c, buf, o.b.data, o.b.len < want ? o.b.len : want);
	else
		rc = fmt_unreadable(c, "Heuristics.Broken.SWF");
	vbuf_free(&o.b);
	return rc;
}

int swf_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	uint64_t declared = le32_load(buf + 4);
	size_t max = fmt_max_child(c), want;
	uint8_t *out;
	int rc;

	if (declared < SWF_HEADER_BYTES)
		return fmt_unreadable(c, "Heuristics.Broken.SWF");
	want = declared - SWF_HEADER_BYTES;
	if (buf[0] == 'C' && len < SWF_HEADER_BYTES + 2) /* not even that */
		return fmt_unreadable(c, "Heuristics.Broken.SWF");
	if (buf[0] == 'C') /* zlib: its 2-byte header (swf_probe), deflate */
		return uncws(c, buf, len, want);
	if (want > max)
		return fmt_too_big(c, "swf-decompressed");
	if (!(out = calloc(1, want ? want : 1))) /* an early end leaves 0s */
		return VIGIL_ENOMEM;
	rc = unzws(buf, len, out, want);
	if (rc == 0)
		rc = hand_over(c, buf, out, want);
	else if (rc == FMT_DAMAGED)
		rc = fmt_unreadable(c, "Heuristics.Broken.SWF");
	free(out);
	return rc;
}
