/*
 * lzfu.c -- see lzfu.h. "LZFu" data is LZ77 over a 4096-byte window that
 * starts with a fixed RTF prologue (207 bytes, written at its start; the
 * window's next write is at 207). A control byte gives eight items, low
 * bit first: 0, one literal byte; 1, a big-endian 16-bit reference, the
 * window offset in its high 12 bits and the length less 2 in its low 4.
 * A reference to the window's write position ends the data. Written here:
 * no maintained C library decodes it (libpff's copy is internal to it).
 */
#include "formats/codec/lzfu.h"
#include "formats/format.h"

#include <string.h>

#include "common/le.h"
#include "vigil/vigil.h"

#define LZFU_HEADER_BYTES 16
#define LZFU_WINDOW_BYTES 4096u

static const char prologue[] =
	"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman "
	"\\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes "
	"New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
	"\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

struct lzfu {
	uint8_t win[LZFU_WINDOW_BYTES];
	unsigned wp;
	struct vbuf *out;
	size_t max;
};

/* One byte out, and into the window; 0, 1 at the output bound, or
 * VIGIL_ENOMEM. */
static int put(struct lzfu *z, uint8_t ch)
{
	if (z->out->len >= z->max)
		return 1;
	if (z->out->len == z->out->cap &&
	    vbuf_reserve(z->out, LZFU_WINDOW_BYTES) < 0)
		return VIGIL_ENOMEM;
	z->out->data[z->out->len++] = ch;
	z->win[z->wp] = ch;
	z->wp = (z->wp + 1) % LZFU_WINDOW_BYTES;
	return 0;
}

/* The items after the header: 0 at the end mark, FMT_DAMAGED if the data
 * ends first, or as put(). */
static int items(struct lzfu *z, const uint8_t *in, size_t len)
{
	size_t i = 0;
	int r;

	while (i < len) {
		unsigned ctl = in[i++], bit;

		for (bit = 0; bit < 8; bit++, ctl >>= 1) {
			unsigned ref, off, n, k;

			if (!(ctl & 1)) {
				if (i >= len)
					return FMT_DAMAGED;
				if ((r = put(z, in[i++])) != 0)
					return r;
				continue;
			}
			if (len - i < 2)
				return FMT_DAMAGED;
			ref = (unsigned)in[i] << 8 | in[i + 1];
			i += 2;
			off = ref >> 4;
			n = (ref & 15) + 2;
			if (off == z->wp)
				return 0;
			/* a byte at a time: a reference may overlap its copy */
			for (k = 0; k < n; k++)
				if ((r = put(z, z->win[(off + k) %
						       LZFU_WINDOW_BYTES])) != 0)
					return r;
		}
	}
	return FMT_DAMAGED;
}

int lzfu_decode(const uint8_t *in, size_t len, size_t max, struct vbuf *out,
		int *over)
{
	struct lzfu z;
	uint32_t csize, rsize, kind;
	size_t dlen, want;
	int r;

	if (len < LZFU_HEADER_BYTES)
		return 1;
	csize = le32_load(in);
	rsize = le32_load(in + 4);
	kind = le32_load(in + 8);
	if ((kind != LZFU_COMPRESSED && kind != LZFU_STORED) || csize < 12)
		return 1;
	/* the compressed size counts the header after its own field */
	dlen = len - LZFU_HEADER_BYTES;
	if ((size_t)csize - 12 < dlen)
		dlen = (size_t)csize - 12;
	/* the declared size, within the bound and what the data can give (a
	 * control byte and eight 2-byte references: 17 bytes in, at most 136
	 * out) */
	want = kind == LZFU_STORED ? dlen : (size_t)rsize;
	if (want > dlen / 2 * 17 + 32)
		want = dlen / 2 * 17 + 32;
	if (vbuf_reserve(out, (want < max ? want : max) + 1) < 0)
		return VIGIL_ENOMEM;
	in += LZFU_HEADER_BYTES;
	if (kind == LZFU_STORED) {
		want = dlen < rsize ? dlen : rsize;
		*over = want > max;
		memcpy(out->data + out->len, in, *over ? max : want);
		out->len += *over ? max : want;
		return dlen < rsize ? FMT_DAMAGED : 0;
	}
	memset(&z, 0, sizeof(z));
	memcpy(z.win, prologue, sizeof(prologue) - 1);
	z.wp = sizeof(prologue) - 1;
	z.out = out;
	z.max = out->len + max;
	r = items(&z, in, dlen);
	*over = r == 1;
	return r == 1 ? 0 : r;
}
