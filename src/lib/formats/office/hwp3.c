/*
 * hwp3.c -- HWP 3.0 documents (Hangul Word Processor before HWP 5), from
 * the format's published layout: a 30-byte signature, document
 * information (128 bytes: password flag at 96, compression at 124, the
 * length of information block #0 at 126), a summary (1008 bytes), that
 * block, then the content, raw deflate in a compressed document: fonts (7
 * lists of 40-byte names), styles (238 bytes each), the paragraph list and
 * the additional information blocks #1 (id, length, data; id 0 with length
 * 0 ends them), where pictures, OLE objects, hyperlink macros and
 * background images are kept. The inflated content is a contained object
 * (as clamscan scans it), and so is each block's payload: pictures after
 * their 32 bytes of names, OLE objects whole, each hyperlink's 325 bytes
 * at 288 of its 617-byte record, background images after 324 bytes,
 * unknown blocks whole. Paragraphs are walked to find where the blocks
 * start: each character is 2 bytes, codes under 32 are special characters
 * of fixed sizes, some holding paragraph lists of their own (table cells,
 * pictures, hidden text, header and footer, notes), nested at most
 * HWP3_MAX_LEVELS deep. A booking information block (id 5) has no
 * length, as clamscan reads it. The same objects as clamscan's; a
 * password-protected document is Heuristics.Encrypted.HWP (clamscan
 * passes it as clean). Written here: no library reads HWP 3.
 */
#include <stdio.h>
#include <string.h>

#include "common/le.h"
#include "formats/archive/streams.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "sig/cltype.h"
#include "vigil/vigil.h"

#define HWP3_MAGIC "HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05"
#define HWP3_MAGIC_BYTES 30
#define HWP3_DOCINFO 30		/* offsets in the file */
#define HWP3_CONTENT 1166	/* after signature, information, summary */
#define HWP3_MAX_LEVELS 16	/* nested paragraph lists (MaxRecHWP3) */
#define HWP3_MAX_PARAGRAPHS 1000000
#define HWP3_MAX_BLOCKS 4096	/* additional information blocks */

struct h3 {
	struct fmt_ctx *c;
	const uint8_t *b;	/* the content */
	size_t len;
	unsigned paragraphs;
	int rc;
};

int hwp3_probe(const uint8_t *buf, size_t len, int type)
{
	(void)type;
	return len >= HWP3_CONTENT &&
	       !memcmp(buf, HWP3_MAGIC, HWP3_MAGIC_BYTES);
}

static int paragraphs(struct h3 *h, size_t *off, unsigned level);

/*
 * The bytes of special character code at off (its own size, lists
 * nested in it walked): 0 with *off past it, or -1.
 */
static int special(struct h3 *h, unsigned code, size_t *off,
		   unsigned level)
{
	static const uint16_t fixed[32] = {
		[6] = 42, [7] = 84, [8] = 96, [9] = 8, [13] = 2, [14] = 92,
		[18] = 8, [19] = 8, [20] = 8, [21] = 8, [22] = 24,
		[23] = 10, [24] = 6, [25] = 6, [26] = 246, [28] = 64, [30] = 4,
		[31] = 4,
	};
	size_t at = *off;

	if (fixed[code]) {
		*off = at + fixed[code];
		return 0;
	}
	switch (code) {
	case 5: case 29:	/* field code, cross-reference: sized */
		if (h->len - at < 8)
			return -1;
		*off = at + 8 + le32_load(h->b + at + 2);
		return *off > h->len || *off < at ? -1 : 0;
	case 10: {		/* table, text box...: cells' lists, caption */
		unsigned cells, i;

		if (h->len - at < 8 + 84)
			return -1;
		cells = le16_load(h->b + at + 8 + 80);
		*off = at + 8 + 84 + 27 * (size_t)cells;
		for (i = 0; i < cells; i++)
			if (*off >= h->len || paragraphs(h, off, level + 1) < 0)
				return -1;
		return paragraphs(h, off, level + 1);
	}
	case 11:		/* picture: its data, then a caption */
		if (h->len - at < 12)
			return -1;
		*off = at + 8 + 348 + (size_t)le32_load(h->b + at + 8);
		return *off < at || *off >= h->len ? -1 :
						     paragraphs(h, off, level + 1);
	case 15: case 16: case 17: /* hidden text, header or footer, note */
		*off = at + (code == 15 ? 16 : code == 16 ? 18 : 22);
		return paragraphs(h, off, level + 1);
	default:		/* reserved codes */
		return -1;
	}
}

/* One paragraph's characters, to its end-of-paragraph code. */
static int characters(struct h3 *h, size_t *off, unsigned level)
{
	size_t at = *off;

	for (;;) {
		unsigned ch;

		if (h->len - at < 2)
			return -1;
		ch = le16_load(h->b + at);
		if (ch == 13) {
			*off = at + 2;
			return 0;
		}
		if (ch >= 32)
			at += 2;
		else if (special(h, ch, &at, level) < 0 || at > h->len)
			return -1;
	}
}

/* A paragraph list, to its empty paragraph: 0 with *off past it, or -1. */
static int paragraphs(struct h3 *h, size_t *off, unsigned level)
{
	if (level >= HWP3_MAX_LEVELS)
		return -1;
	for (;;) {
		size_t at = *off;
		unsigned nchars, nlines, i;
		int shapes;

		if (++h->paragraphs > HWP3_MAX_PARAGRAPHS || at > h->len ||
		    h->len - at < 43 || fmt_expired(h->c))
			return -1;
		nchars = le16_load(h->b + at + 1);
		nlines = le16_load(h->b + at + 3);
		shapes = h->b[at + 5];
		if (!nchars) {
			*off = at + 43;
			return 0;
		}
		at += (h->b[at] ? 43 : 230) + 14 * (size_t)nlines;
		for (i = 0; shapes && i < nchars; i++) {
			if (at >= h->len || h->b[at] > 1)
				return -1;
			at += h->b[at] ? 1 : 1 + 31;
		}
		if (at >= h->len || characters(h, &at, level) < 0)
			return -1;
		*off = at;
	}
}

/* One additional information block's payload, handed on. */
static int block(struct h3 *h, uint32_t id, const uint8_t *d, size_t n,
		 unsigned k)
{
	char name[48];
	size_t skip = 0, i;
	int rc = 0;

	if (id == 4 || id == 5 || id == 0x100 || id == 0x101)
		return 0;	/* presentation, booking, table, frame names */
	if (id == 3) {		/* hyperlinks: their macros */
		for (i = 0; rc == 0 && i + 617 <= n; i += 617) {
			snprintf(name, sizeof(name), "hwp3-link-%u-%zu", k, i / 617);
			rc = fmt_child(h->c, name, d + i + 288, 325);
		}
		return rc;
	}
	skip = id == 1 ? 32 : id == 6 ? 324 : 0;
	if (n <= skip)
		return 0;
	snprintf(name, sizeof(name), "hwp3-block-%u-%u", k, (unsigned)id);
	return fmt_child(h->c, name, d + skip, n - skip);
}

/* The additional information blocks #1 from off: 0, 1, an error, or
 * FMT_DAMAGED. */
static int blocks(struct h3 *h, size_t off)
{
	unsigned k;
	int rc = 0;

	for (k = 0; rc == 0 && k < HWP3_MAX_BLOCKS; k++) {
		uint32_t id, n;

		if (off > h->len || h->len - off < 8)
			return FMT_DAMAGED;
		id = le32_load(h->b + off);
		n = le32_load(h->b + off + 4);
		if (id == 5) {	/* booking information: an id alone */
			off += 4;
			continue;
		}
		if (!id && !n)
			return 0;
		if (n > h->len - off - 8)
			return FMT_DAMAGED;
		rc = block(h, id, h->b + off + 8, n, k);
		off += 8 + (size_t)n;
	}
	if (!rc && k == HWP3_MAX_BLOCKS) {
		fmt_warn(h->c, "HWP 3 blocks past %d not read", HWP3_MAX_BLOCKS);
		return FMT_DAMAGED;
	}
	return rc;
}

/* Fonts, styles, paragraphs, then the blocks. */
static int content(struct h3 *h)
{
	size_t off = 0;
	unsigned i;

	for (i = 0; i < 7; i++) {
		if (h->len - off < 2)
			return FMT_DAMAGED;
		off += 2 + 40 * (size_t)le16_load(h->b + off);
		if (off >= h->len)
			return FMT_DAMAGED;
	}
	if (h->len - off < 2)
		return FMT_DAMAGED;
	off += 2 + 238 * (size_t)le16_load(h->b + off);
	if (off >= h->len || paragraphs(h, &off, 0) < 0)
		return FMT_DAMAGED;
	return blocks(h, off);
}

int hwp3_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	const uint8_t *info = buf + HWP3_DOCINFO;
	struct h3 h = { .c = c };
	struct stream_out o;
	size_t start;
	int rc = 0;

	if (!hwp3_probe(buf, len, VIGIL_TYPE_BINARY))
		return 0;
	fmt_set_container(c, CLT_HWP3);
	if (le16_load(info + 96))
		return fmt_unreadable(c, "Heuristics.Encrypted.HWP");
	start = HWP3_CONTENT + (size_t)le16_load(info + 126);
	if (start >= len)
		return fmt_unreadable(c, "Heuristics.Broken.HWP3");
	stream_out_init(&o, c, fmt_max_child(c));
	if (info[124]) {	/* compressed: the content inflated */
		stream_inflate_raw(&o, buf + start, len - start);
		if (o.nomem)
			rc = VIGIL_ENOMEM;
		else if (o.stop && o.b.len > o.max)
			rc = fmt_too_big(c, "hwp3-content");
		else if (!o.stop) /* else the ratio or time guard said so */
			rc = fmt_child(c, "hwp3-content", o.b.data, o.b.len);
		if (o.err)
			fmt_warn(c, "HWP 3 content: %s (%zu bytes recovered)",
				 o.err, o.b.len);
		h.b = o.b.data;
		h.len = o.b.len;
	} else {
		h.b = buf + start;
		h.len = len - start;
	}
	if (!rc && h.len && !o.stop)
		rc = content(&h);
	vbuf_free(&o.b);
	if (rc == FMT_DAMAGED) {
		fmt_warn(c, "HWP 3 paragraphs or information blocks not "
			    "understood");
		return fmt_unreadable(c, "Heuristics.Broken.HWP3");
	}
	return rc;
}
