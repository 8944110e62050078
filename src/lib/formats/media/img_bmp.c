/*
 * img_bmp.c -- Windows and OS/2 bitmaps to gray rows. Written here
 * because no maintained C library reads BMP alone (the image toolkits that
 * do bring dozens of other formats and their attack surface). Read:
 * uncompressed 1, 4, 8, 16, 24 and 32 bits a pixel, and BI_BITFIELDS
 * masks for 16 and 32; bottom-up and top-down rows. Not read: RLE, JPEG
 * and PNG compression (no hash, as docs/signatures.md says). Every read is
 * checked against the buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/media/imgdecode.h"
#include "formats/media/imgrow.h"
#include "vigil/vigil.h"

#define BMP_FILE_HEADER 14
#define BMP_CORE_HEADER 12

struct bmp {
	const uint8_t *b;
	size_t len, data, stride;
	uint32_t w, h, bpp, ncolors, palstep, palette;
	uint32_t mask[3];
	int topdown;
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

/* A channel under mask m, scaled to 8 bits. */
static uint8_t channel(uint32_t v, uint32_t m)
{
	unsigned shift = 0;
	uint64_t max;

	if (!m)
		return 0;
	while (!(m >> shift & 1))
		shift++;
	max = m >> shift;
	return (uint8_t)((((uint64_t)(v & m) >> shift) * 510 + max) /
			 (2 * max));
}

static int masks(struct bmp *m, uint32_t comp)
{
	const uint8_t *p = m->b + BMP_FILE_HEADER + 40;

	if (comp == 0) {
		static const uint32_t m16[3] = { 0x7c00, 0x3e0, 0x1f };
		static const uint32_t m32[3] = { 0xff0000, 0xff00, 0xff };

		memcpy(m->mask, m->bpp == 16 ? m16 : m32, sizeof(m->mask));
		return 0;
	}
	if (comp != 3 || (m->bpp != 16 && m->bpp != 32) ||
	    BMP_FILE_HEADER + 40 + 12 > m->len)
		return -1;
	m->mask[0] = le32(p);
	m->mask[1] = le32(p + 4);
	m->mask[2] = le32(p + 8);
	return 0;
}

/* File and DIB headers. 0 or IMG_*. */
static int header(struct bmp *m)
{
	const uint8_t *d = m->b + BMP_FILE_HEADER;
	uint32_t dib, comp = 0;
	int32_t h;

	if (m->len < BMP_FILE_HEADER + BMP_CORE_HEADER)
		return IMG_UNREADABLE;
	m->data = le32(m->b + 10);
	dib = le32(d);
	if (dib == BMP_CORE_HEADER) {
		m->w = le16(d + 4);
		h = (int32_t)le16(d + 6);
		m->bpp = le16(d + 10);
		m->palstep = 3;
	} else if (dib >= 40 && BMP_FILE_HEADER + (size_t)dib <= m->len) {
		m->w = le32(d + 4);
		h = (int32_t)le32(d + 8);
		m->bpp = le16(d + 14);
		comp = le32(d + 16);
		m->ncolors = le32(d + 32);
		m->palstep = 4;
	} else {
		return IMG_UNREADABLE;
	}
	m->topdown = h < 0;
	m->h = h < 0 ? (uint32_t)0 - (uint32_t)h : (uint32_t)h;
	m->palette = BMP_FILE_HEADER + dib + (comp == 3 && dib == 40 ? 12 : 0);
	if ((m->bpp != 1 && m->bpp != 4 && m->bpp != 8 && m->bpp != 16 &&
	     m->bpp != 24 && m->bpp != 32) ||
	    (m->bpp > 8 ? masks(m, comp) < 0 : comp != 0))
		return IMG_UNREADABLE;
	if (m->bpp <= 8 && (!m->ncolors || m->ncolors > (1u << m->bpp)))
		m->ncolors = 1u << m->bpp;
	return img_check_size(m->w, m->h);
}

static uint8_t palette_gray(const struct bmp *m, uint32_t i)
{
	size_t at = m->palette + (size_t)i * m->palstep;

	if (i >= m->ncolors || at + 3 > m->len)
		return 0;
	return img_luma(m->b[at + 2], m->b[at + 1], m->b[at]);
}

static uint8_t pixel(const struct bmp *m, const uint8_t *r, uint32_t x)
{
	uint32_t v;

	switch (m->bpp) {
	case 1:
		return palette_gray(m, r[x / 8] >> (7 - x % 8) & 1);
	case 4:
		return palette_gray(m, r[x / 2] >> (x % 2 ? 0 : 4) & 15);
	case 8:
		return palette_gray(m, r[x]);
	case 24:
		return img_luma(r[3 * x + 2], r[3 * x + 1], r[3 * x]);
	}
	v = m->bpp == 16 ? le16(r + 2 * x) : le32(r + 4 * x);
	return img_luma(channel(v, m->mask[0]), channel(v, m->mask[1]),
			channel(v, m->mask[2]));
}

int img_bmp(const uint8_t *b, size_t len, const struct img_sink *k)
{
	struct bmp m = { .b = b, .len = len };
	uint8_t *row;
	uint32_t y, x;
	int rc;

	if ((rc = header(&m)) != 0)
		return rc;
	m.stride = ((size_t)m.w * m.bpp + 31) / 32 * 4;
	if (m.data > len || m.stride * m.h > len - m.data)
		return IMG_UNREADABLE;
	if (!(row = malloc(m.w)))
		return VIGIL_ENOMEM;
	rc = k->size(k->ctx, m.w, m.h);
	for (y = 0; y < m.h && !rc; y++) {
		uint32_t at = m.topdown ? y : m.h - 1 - y;
		const uint8_t *r = b + m.data + m.stride * at;

		for (x = 0; x < m.w; x++)
			row[x] = pixel(&m, r, x);
		rc = k->row(k->ctx, row);
	}
	free(row);
	return rc;
}
