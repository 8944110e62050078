/*
 * binhex.c -- BinHex 4.0 (.hqx): the 6-bit text encoding between ':'
 * characters, then run-length expansion (0x90 marks a run), then a header
 * (name, type, creator, flags, fork lengths, CRC) followed by the data
 * and resource forks, each handed to fmt_child(). Fork lengths from the
 * header are checked against what was decoded.
 */
#define _GNU_SOURCE
#include <string.h>

#include "formats/format.h"
#include "formats/parsers.h"
#include "common/reader.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define BINHEX_MARKER "(This file must be converted with BinHex"
#define RLE_MARK 0x90

int binhex_probe(const uint8_t *buf, size_t len, int type)
{
	(void)buf;
	(void)len;
	return type == VIGIL_TYPE_BINHEX;
}

static int hqx_value(uint8_t c)
{
	static const char set[] = "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQR"
				  "STUVXYZ[`abcdefhijklmpqr";
	const char *p = c ? memchr(set, c, sizeof(set) - 1) : NULL;

	return p ? (int)(p - set) : -1;
}

/* Appends byte b with the run-length rule applied; 0, 1 (full), or error. */
static int rle_put(struct vbuf *out, size_t max, int *mark, uint8_t *last,
		   uint8_t b)
{
	size_t n = 1, i;

	if (*mark) {
		*mark = 0;
		if (b == 0) {
			b = RLE_MARK; /* an escaped literal 0x90 */
		} else {
			n = (size_t)b - 1; /* repeat the last byte */
			b = *last;
		}
	} else if (b == RLE_MARK) {
		*mark = 1;
		return 0;
	}
	if (out->len + n > max)
		return 1;
	if (vbuf_reserve(out, n) < 0)
		return VIGIL_ENOMEM;
	for (i = 0; i < n; i++)
		out->data[out->len++] = b;
	*last = b;
	return 0;
}

/* Decodes the text after the opening ':' into out. */
static int decode(const uint8_t *in, size_t len, size_t max,
		  struct vbuf *out)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	int mark = 0, rc = 0;
	uint8_t last = 0;
	size_t i;

	for (i = 0; i < len && !rc; i++) {
		int v;

		if (in[i] == ':')
			break;
		if ((v = hqx_value(in[i])) < 0)
			continue; /* line breaks and other noise */
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			rc = rle_put(out, max, &mark, &last,
				     (uint8_t)(acc >> bits));
		}
	}
	return rc;
}

/* Forks from the decoded stream; 0, 1 (stop) or an error. */
static int forks(struct fmt_ctx *c, const uint8_t *b, size_t len)
{
	char name[64];
	struct rdr r;
	const uint8_t *nm, *data, *res;
	uint32_t dlen, rlen;
	size_t n;
	uint8_t nl;
	int rc;

	rdr_init(&r, b, len);
	nl = rdr_u8(&r);
	nm = rdr_bytes(&r, nl);
	rdr_skip(&r, 1 + 4 + 4 + 2); /* version, type, creator, flags */
	dlen = (uint32_t)rdr_u8(&r) << 24 | (uint32_t)rdr_u8(&r) << 16 |
	       (uint32_t)rdr_u8(&r) << 8 | rdr_u8(&r);
	rlen = (uint32_t)rdr_u8(&r) << 24 | (uint32_t)rdr_u8(&r) << 16 |
	       (uint32_t)rdr_u8(&r) << 8 | rdr_u8(&r);
	rdr_skip(&r, 2); /* header CRC */
	if (rdr_failed(&r) || !nm) {
		fmt_warn(c, "truncated BinHex header");
		return 0;
	}
	memcpy(name, nm, nl < sizeof(name) - 1 ? nl : sizeof(name) - 1);
	name[nl < sizeof(name) - 1 ? nl : sizeof(name) - 1] = 0;
	n = dlen;
	data = fmt_upto(c, "BinHex data fork", &r, &n);
	if (n && (rc = fmt_child(c, *name ? name : "data", data, n)) != 0)
		return rc;
	rdr_skip(&r, 2);
	if (rlen && (res = rdr_bytes(&r, rlen)))
		return fmt_child(c, "resource", res, rlen);
	return 0;
}

int binhex_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	const uint8_t *m = memmem(buf, len, BINHEX_MARKER, sizeof(BINHEX_MARKER) - 1);
	const uint8_t *colon;
	struct vbuf out = { 0 };
	int rc;

	if (!m || !(colon = memchr(m, ':', len - (size_t)(m - buf))))
		return 0;
	colon++;
	rc = decode(colon, len - (size_t)(colon - buf), fmt_max_child(c), &out);
	if (rc == 1)
		rc = fmt_too_big(c, "data");
	else if (rc == 0)
		rc = forks(c, out.data, out.len);
	vbuf_free(&out);
	return rc;
}
