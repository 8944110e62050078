/*
 * peicon.c -- a PE's icons, found and decoded the way ClamAV's icon
 * matcher does, so that its .idb entries mean the same here: the resource
 * tree is searched as ClamAV searches it (a type by number among the
 * numbered entries; the first group icon's name, in all its languages;
 * each group entry's icon by number in all languages), addresses are
 * mapped as ClamAV maps them, and the DIB is read with its quirks (the
 * declared sizes of the resources are not used; 16-bit pixels are read
 * as ClamAV reads them; a 32-bit icon whose alpha is all zero takes its
 * AND mask, or full opacity when the mask is missing). Every byte is read
 * inside the image; hostile trees are bounded by peicon.h's limits.
 * Written here because no library reads icons this way.
 */
#include "formats/exe/peicon.h"

#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"

#define RT_ICON 3
#define RT_GROUP_ICON 14
#define ANY_NAME 0xffffffffu

struct walk {
	const uint8_t *b;
	size_t len;
	const struct pe_info *pe;
	uint32_t res_rva;
	unsigned entries, decoded, icons, groups;
	uint32_t last_group;
	peicon_fn fn;
	void *ctx;
	int rc;			/* PEICON_STOPPED, _PARTIAL or an error */
};

typedef int (*leaf_fn)(struct walk *w, uint32_t name, uint32_t rva);

static uint32_t u16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t u32(const uint8_t *p)
{
	return u16(p) | u16(p + 2) << 16;
}

static uint32_t align_down(uint32_t v, uint32_t a)
{
	return a ? v / a * a : v;
}

static uint64_t align_up(uint64_t v, uint32_t a)
{
	return a ? (v + a - 1) / a * a : v;
}

/* File offset of rva as ClamAV maps it (headers up to SizeOfHeaders
 * rounded to the section alignment, then sections from the last). */
static int rawaddr(const struct walk *w, uint32_t rva, size_t *off)
{
	const struct pe_info *pe = w->pe;
	unsigned i;

	if (rva < align_up(pe->headers_size, pe->sect_align)) {
		*off = rva;
		return rva < w->len ? 0 : -1;
	}
	for (i = pe->nsect; i-- > 0;) {
		const struct pe_section *s = &pe->sect[i];
		uint32_t va = align_down(s->vaddr, pe->sect_align);
		uint64_t raw = align_down(s->raw, pe->file_align);
		uint64_t rsz = align_up(s->rawsize, pe->file_align);

		if (raw >= w->len)
			continue;
		if (rsz > w->len - raw)
			rsz = w->len - raw;
		if (rsz && va <= rva && rsz > rva - va) {
			*off = (size_t)(raw + (rva - va));
			return 0;
		}
	}
	return -1;
}

/* n bytes at rva inside the file, or NULL. */
static const uint8_t *need(const struct walk *w, uint32_t rva, size_t n)
{
	size_t off;

	if (rawaddr(w, rva, &off) < 0 || off > w->len || n > w->len - off)
		return NULL;
	return w->b + off;
}

static int count_entry(struct walk *w)
{
	if (++w->entries <= PEICON_MAX_DIR_ENTRIES)
		return 0;
	w->rc = PEICON_PARTIAL;
	return 1;
}

/* The directory entry at file offset off, counted; NULL past the file or
 * the bound. */
static const uint8_t *entry(struct walk *w, size_t off)
{
	if (w->len < 8 || off > w->len - 8 || count_entry(w))
		return NULL;
	return w->b + off;
}

/* The data entries of every language of one name: fn with each. */
static int langs(struct walk *w, uint32_t dir, uint32_t name, leaf_fn fn)
{
	const uint8_t *d = need(w, w->res_rva + dir, 16), *e;
	size_t off;
	uint16_t n;

	if (!d)
		return 0;
	n = (uint16_t)(u16(d + 12) + u16(d + 14));
	for (off = (size_t)(d - w->b) + 16; n--; off += 8) {
		if (!(e = entry(w, off)))
			return 1;
		if (!(u32(e + 4) >> 31) &&
		    fn(w, name, w->res_rva + u32(e + 4)))
			return 1;
	}
	return 0;
}

/* Under a type's directory: the names equal to by_name (any name when
 * ANY_NAME, else only numbered entries), each in all its languages. */
static int names(struct walk *w, uint32_t dir, uint32_t by_name, leaf_fn fn)
{
	const uint8_t *d = need(w, w->res_rva + dir, 16), *e;
	size_t off;
	uint16_t n;

	if (!d)
		return 0;
	off = (size_t)(d - w->b) + 16;
	if (by_name == ANY_NAME) {
		n = (uint16_t)(u16(d + 12) + u16(d + 14));
	} else {
		n = (uint16_t)u16(d + 14);
		off += 8 * (size_t)u16(d + 12);
	}
	for (; n--; off += 8) {
		uint32_t name, to;

		if (!(e = entry(w, off)))
			return 1;
		name = u32(e);
		to = u32(e + 4);
		if ((by_name == ANY_NAME || name == by_name) && to >> 31 &&
		    langs(w, to & 0x7fffffff, name, fn))
			return 1;
	}
	return 0;
}

/* The first numbered type entry equal to type, searched by name. */
static int find(struct walk *w, uint32_t type, uint32_t by_name, leaf_fn fn)
{
	const uint8_t *d = need(w, w->res_rva, 16), *e;
	size_t off;
	uint16_t n;

	if (!d)
		return 0;
	n = (uint16_t)u16(d + 14);
	off = (size_t)(d - w->b) + 16 + 8 * (size_t)u16(d + 12);
	for (; n--; off += 8) {
		if (!(e = entry(w, off)))
			return 1;
		if (u32(e) == type && u32(e + 4) >> 31)
			return names(w, u32(e + 4) & 0x7fffffff, by_name, fn);
	}
	return 0;
}

struct dib {
	uint32_t width, height, depth;
	const uint8_t *palette;		/* 1 << depth entries, or NULL */
	const uint8_t *pixels;		/* height rows of scan bytes */
	size_t scan, andline, at;	/* at: file offset of pixels */
};

/* Reads the BITMAPINFOHEADER at the icon's data: 0, or -1 if ClamAV
 * would pass the icon over. */
static int dib_header(const struct walk *w, uint32_t rva, struct dib *d)
{
	const uint8_t *p = need(w, rva, 4), *h;
	size_t off, hsz, need_px;

	if (!p || rawaddr(w, u32(p), &off) < 0 || off > w->len ||
	    w->len - off < 40)
		return -1;
	h = w->b + off;
	hsz = u32(h);
	d->width = u32(h + 4);
	d->height = u32(h + 8) / 2;
	d->depth = u16(h + 14);
	if (hsz < 40 || d->width > 256 || d->height > 256 || d->width < 16 ||
	    d->height < 16 || d->width < d->height * 3 / 4 ||
	    d->height < d->width * 3 / 4)
		return -1;
	off += hsz;
	d->palette = NULL;
	if (d->depth == 1 || d->depth == 4 || d->depth == 8) {
		if (off > w->len || w->len - off < (4u << d->depth))
			return -1;
		d->palette = w->b + off;
		off += 4u << d->depth;
	} else if (d->depth != 16 && d->depth != 24 && d->depth != 32) {
		return -1;	/* 0: PNG, which ClamAV does not read */
	}
	d->scan = 4 * (d->width * d->depth / 32) +
		  4 * (d->width * d->depth % 32 != 0);
	d->andline = (d->depth & 0x1f) ?
			     4 * (d->width / 32) + 4 * (d->width % 32 != 0) : 0;
	need_px = d->height * (d->scan + d->andline);
	if (off > w->len || w->len - off < need_px)
		return -1;
	d->pixels = w->b + off;
	d->at = off;
	return 0;
}

static void dib_row(const struct dib *d, uint32_t y, uint32_t *out)
{
	const uint8_t *p = d->pixels + y * d->scan;
	uint32_t x, have = 0, c = 0;

	for (x = 0; x < d->width; x++) {
		switch (d->depth) {
		case 16: {
			uint32_t b = p[0] & 0x1f, g = p[0] >> 5 | (p[1] & 3) << 3,
				 r = p[1] & 0xfc; /* sic: ClamAV's reading */

			out[x] = ((r << 3 | r >> 2) << 17) |
				 ((g << 3 | g >> 2) << 11) | (b << 3 | b >> 2);
			p += 2;
			break;
		}
		case 24:
			out[x] = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
			p += 3;
			break;
		case 32:
			out[x] = u32(p);
			p += 4;
			break;
		default:
			if (!have) {
				c = *p++;
				have = 8;
			}
			have -= d->depth;
			out[x] = u32(d->palette +
				     4 * ((c >> have) & ((1u << d->depth) - 1)));
		}
	}
}

/* The pixels, rows top first, with alpha from the pixels or the mask. */
static void dib_decode(const struct walk *w, const struct dib *d,
		       uint32_t *img)
{
	const uint8_t *mask = d->pixels + d->height * d->scan;
	uint32_t x, y, alpha = 0;
	size_t mline = d->andline;
	int use_mask = d->depth != 32;

	for (y = 0; y < d->height; y++)
		dib_row(d, y, img + (d->height - 1 - y) * d->width);
	for (x = 0; d->depth == 32 && x < d->width * d->height; x++)
		alpha |= img[x] >> 24;
	if (d->depth == 32 && !alpha) {	/* 24-bit data in 32 bits */
		size_t at = d->at + d->height * d->scan;

		mline = 4 * (d->width / 32) + 4 * (d->width % 32 != 0);
		use_mask = at <= w->len && w->len - at >= d->height * mline;
		for (x = 0; !use_mask && x < d->width * d->height; x++)
			img[x] |= 0xff000000u;
	}
	for (y = 0; use_mask && y < d->height; y++) {
		const uint8_t *m = mask + y * mline;
		uint32_t *row = img + (d->height - 1 - y) * d->width, have = 0;
		uint32_t c = 0;

		for (x = 0; x < d->width; x++) {
			if (!have) {
				c = *m++;
				have = 8;
			}
			have--;
			if (!(c >> have & 1))
				row[x] |= 0xff000000u;
		}
	}
}

/* Alpha blended on white, opaque. */
static void blend(uint32_t *img, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t c = img[i], a = c >> 24, r = c >> 16 & 0xff,
			 g = c >> 8 & 0xff, b = c & 0xff;

		r = 0xff - a + a * r / 0xff;
		g = 0xff - a + a * g / 0xff;
		b = 0xff - a + a * b / 0xff;
		img[i] = 0xff000000u | r << 16 | g << 8 | b;
	}
}

/*
 * To a side of 16 to 32, as ClamAV: 16, 24 and 32 pixel squares stay;
 * other squares of a multiple of 32 or 24 are halved (averaging 2 x 2
 * pixels bytewise) until at most 32; anything else is sampled to the
 * nearest of 32, 24 and 16. Returns the side; *out is img or a new buffer.
 */
static unsigned scale(uint32_t *img, uint32_t w, uint32_t h, uint32_t **out)
{
	uint32_t x, y, n, *nd;
	double sx, sy;

	*out = img;
	if (w == h && (w == 16 || w == 24 || w == 32))
		return w;
	if (w == h && (!(w % 32) || !(w % 24))) {
		for (; w > 32; w /= 2, h /= 2)
			for (y = 0; y + 1 < h; y += 2)
				for (x = 0; x + 1 < w; x += 2) {
					uint32_t c1 = img[y * w + x], c2 = img[y * w + x + 1],
						 c3 = img[(y + 1) * w + x],
						 c4 = img[(y + 1) * w + x + 1];

					c1 = (((c1 ^ c2) & 0xfefefefeu) >> 1) + (c1 & c2);
					c2 = (((c3 ^ c4) & 0xfefefefeu) >> 1) + (c3 & c4);
					img[y / 2 * w / 2 + x / 2] =
						(((c1 ^ c2) & 0xfefefefeu) >> 1) + (c1 & c2);
				}
		return w;
	}
	n = abs((int)w - 32) + abs((int)h - 32) <
		    abs((int)w - 24) + abs((int)h - 24) ? 32 :
	    abs((int)w - 24) + abs((int)h - 24) <
		    abs((int)w - 16) + abs((int)h - 16) ? 24 : 16;
	if (!(nd = malloc((size_t)n * n * sizeof(*nd))))
		return 0;
	sx = (double)w / n;
	sy = (double)h / n;
	for (y = 0; y < n; y++) {
		uint32_t oy = (uint32_t)(y * sy) * w;

		for (x = 0; x < n; x++) {
			uint32_t ox = (uint32_t)(x * sx + 0.5f);

			nd[y * n + x] = img[oy + (ox < w ? ox : w - 1)];
		}
	}
	*out = nd;
	return n;
}

/* One icon's data entry: decoded, scaled and handed to the callback. */
static int icon_leaf(struct walk *w, uint32_t name, uint32_t rva)
{
	struct dib d;
	uint32_t *img, *sized;
	unsigned side;
	int rc;

	(void)name;
	if (++w->decoded > PEICON_MAX_DECODED) {
		w->rc = PEICON_PARTIAL;
		return 1;
	}
	if (dib_header(w, rva, &d) < 0)
		return 0;
	if (!(img = malloc((size_t)d.width * d.height * sizeof(*img)))) {
		w->rc = VIGIL_ENOMEM;
		return 1;
	}
	dib_decode(w, &d, img);
	blend(img, (size_t)d.width * d.height);
	side = scale(img, d.width, d.height, &sized);
	rc = side ? w->fn(w->ctx, sized, side) : VIGIL_ENOMEM;
	if (sized != img)
		free(sized);
	free(img);
	if (rc)
		w->rc = rc > 0 ? PEICON_STOPPED : rc;
	return rc != 0;
}

/* A group icon's data: each entry's icon, by number, in all languages. */
static int group_leaf(struct walk *w, uint32_t name, uint32_t rva)
{
	const uint8_t *g = need(w, rva, 16), *p;
	uint32_t size, left;
	size_t off;

	if (w->groups && w->last_group != name)
		return 1;	/* only the first group, as ClamAV */
	w->groups++;
	w->last_group = name;
	if (!g || (size = u32(g + 4)) <= 6 || rawaddr(w, u32(g), &off) < 0 ||
	    off > w->len || w->len - off < size)
		return 0;
	p = w->b + off;
	left = u16(p + 4);
	for (off = 6, size -= 6; left && size >= 14; off += 14, size -= 14) {
		find(w, RT_ICON, u16(p + off + 12), icon_leaf);
		if (w->rc)
			return 1;
		left--;
		if (++w->icons >= PEICON_MAX_ICONS) {
			if (left && size - 14 >= 14)
				w->rc = PEICON_PARTIAL;
			return 1;
		}
	}
	return 0;
}

int peicon_each(const uint8_t *b, size_t len, const struct pe_info *pe,
		peicon_fn fn, void *ctx)
{
	struct walk w;

	memset(&w, 0, sizeof(w));
	w.b = b;
	w.len = len;
	w.pe = pe;
	w.res_rva = pe->rsrc_rva;
	w.fn = fn;
	w.ctx = ctx;
	if (!pe->rsrc_rva)
		return 0;
	find(&w, RT_GROUP_ICON, ANY_NAME, group_leaf);
	return w.rc;
}
