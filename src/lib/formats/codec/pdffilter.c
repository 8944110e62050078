/*
 * pdffilter.c -- the stream filters of PDF: FlateDecode, ASCIIHexDecode,
 * ASCII85Decode, LZWDecode, RunLengthDecode. Each reads any bytes and
 * writes at most max bytes (then *over is set); damaged data ends the
 * output early rather than failing, as readers of PDF do.
 */
#include "formats/codec/pdffilter.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "vigil/vigil.h"

#define LZW_MAX_CODES 4096

static int put(struct vbuf *o, size_t max, int *over, const uint8_t *p,
	       size_t n)
{
	if (o->len + n > max) {
		*over = 1;
		n = max - o->len;
	}
	return vbuf_append(o, p, n);
}

int pdf_flate(const uint8_t *in, size_t len, size_t max, struct vbuf *o,
	      int *over)
{
	uint8_t buf[16384];
	z_stream z;
	int zr = Z_OK, raw = 0, rc = 0;

	for (;;) {
		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, raw ? -MAX_WBITS : MAX_WBITS) != Z_OK)
			return VIGIL_ENOMEM;
		z.next_in = (Bytef *)(uintptr_t)in;
		/* zlib counts in 32 bits; 4 GiB in is more than any output
		 * the limits let out */
		z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
		do {
			z.next_out = buf;
			z.avail_out = sizeof(buf);
			zr = inflate(&z, Z_NO_FLUSH);
			if (sizeof(buf) > z.avail_out)
				rc = put(o, max, over, buf, sizeof(buf) - z.avail_out);
		} while (zr == Z_OK && !rc && !*over);
		inflateEnd(&z);
		/* A missing zlib header: try the raw deflate stream once. */
		if (zr != Z_DATA_ERROR || raw || o->len)
			return rc;
		raw = 1;
	}
}

static int hexv(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

int pdf_ahx(const uint8_t *in, size_t len, size_t max, struct vbuf *o,
	    int *over)
{
	int hi = -1, rc = 0;
	size_t i;

	for (i = 0; i < len && in[i] != '>' && !rc && !*over; i++) {
		int v = hexv(in[i]);
		uint8_t b;

		if (v < 0)
			continue;
		if (hi < 0) {
			hi = v;
			continue;
		}
		b = (uint8_t)(hi << 4 | v);
		rc = put(o, max, over, &b, 1);
		hi = -1;
	}
	if (hi >= 0 && !rc && !*over) {
		uint8_t b = (uint8_t)(hi << 4);

		rc = put(o, max, over, &b, 1);
	}
	return rc;
}

int pdf_a85(const uint8_t *in, size_t len, size_t max, struct vbuf *o,
	    int *over)
{
	uint32_t acc = 0;
	size_t i, n = 0;
	int rc = 0;

	for (i = 0; i < len && !rc && !*over; i++) {
		uint8_t c = in[i], b[4];

		if (c == '~')
			break;
		if (c == 'z' && n == 0) {
			memset(b, 0, 4);
			rc = put(o, max, over, b, 4);
			continue;
		}
		if (c < '!' || c > 'u')
			continue;
		acc = acc * 85 + (uint32_t)(c - '!');
		if (++n == 5) {
			b[0] = (uint8_t)(acc >> 24);
			b[1] = (uint8_t)(acc >> 16);
			b[2] = (uint8_t)(acc >> 8);
			b[3] = (uint8_t)acc;
			rc = put(o, max, over, b, 4);
			acc = 0;
			n = 0;
		}
	}
	if (n > 1 && !rc && !*over) { /* a final partial group */
		uint8_t b[4];
		size_t k;

		for (k = n; k < 5; k++)
			acc = acc * 85 + 84;
		b[0] = (uint8_t)(acc >> 24);
		b[1] = (uint8_t)(acc >> 16);
		b[2] = (uint8_t)(acc >> 8);
		b[3] = (uint8_t)acc;
		rc = put(o, max, over, b, n - 1);
	}
	return rc;
}

int pdf_rle(const uint8_t *in, size_t len, size_t max, struct vbuf *o,
	    int *over)
{
	size_t i = 0;
	int rc = 0;

	while (i < len && !rc && !*over) {
		uint8_t n = in[i++], run[128];

		if (n == 128)
			break;
		if (n < 128) {
			size_t k = (size_t)n + 1 <= len - i ? (size_t)n + 1 : len - i;

			rc = put(o, max, over, in + i, k);
			i += k;
		} else if (i < len) {
			memset(run, in[i++], sizeof(run));
			rc = put(o, max, over, run, 257 - (size_t)n);
		}
	}
	return rc;
}

struct lzw {
	uint16_t prefix[LZW_MAX_CODES];
	uint8_t suffix[LZW_MAX_CODES];
	uint16_t length[LZW_MAX_CODES];
	unsigned next, width;
};

/* Writes the string of code into o (reversed walk, then in place). */
static int lzw_emit(struct lzw *t, unsigned code, size_t max,
		    struct vbuf *o, int *over)
{
	size_t n = t->length[code], k;
	int rc;

	if (o->len + n > max) {
		*over = 1;
		return 0;
	}
	if ((rc = vbuf_reserve(o, n)) < 0)
		return rc;
	for (k = n; k-- > 0; code = t->prefix[code])
		o->data[o->len + k] = t->suffix[code];
	o->len += n;
	return 0;
}

static void lzw_reset(struct lzw *t)
{
	unsigned i;

	for (i = 0; i < 256; i++) {
		t->suffix[i] = (uint8_t)i;
		t->length[i] = 1;
		t->prefix[i] = 0;
	}
	t->next = 258;
	t->width = 9;
}

int pdf_lzw(const uint8_t *in, size_t len, size_t max, struct vbuf *o,
	    int *over)
{
	struct lzw *t = calloc(1, sizeof(*t));
	uint32_t acc = 0;
	unsigned bits = 0, prev = 0;
	size_t i;
	int rc = 0, have_prev = 0;

	if (!t)
		return VIGIL_ENOMEM;
	lzw_reset(t);
	for (i = 0; i < len && !rc && !*over;) {
		unsigned code;

		while (bits < t->width && i < len) {
			acc = acc << 8 | in[i++];
			bits += 8;
		}
		if (bits < t->width)
			break;
		code = (acc >> (bits - t->width)) & ((1u << t->width) - 1);
		bits -= t->width;
		if (code == 256) { /* clear */
			lzw_reset(t);
			have_prev = 0;
			continue;
		}
		if (code == 257 || code > t->next || (code == t->next && !have_prev))
			break; /* end of data, or damage */
		if (have_prev && t->next < LZW_MAX_CODES) {
			unsigned first = code < t->next ? code : prev;

			while (t->length[first] > 1)
				first = t->prefix[first];
			t->prefix[t->next] = (uint16_t)prev;
			t->suffix[t->next] = t->suffix[first];
			t->length[t->next] = (uint16_t)(t->length[prev] + 1);
			t->next++;
		}
		rc = lzw_emit(t, code, max, o, over);
		prev = code;
		have_prev = 1;
		/* EarlyChange 1, PDF's default: widen one code early. */
		if (t->next + 1 >= (1u << t->width) && t->width < 12)
			t->width++;
	}
	free(t);
	return rc;
}
