/*
 * petite.c -- executables packed with Petite 2.x. The stub at the entry
 * point starts with "mov eax, <its section's address>"; 0x1b8 bytes into
 * that section (0x178 for 2.1, whose stub section is followed by an empty
 * one) a list drives the unpacking, in the image as the loader maps it:
 * entries with the top bit of their first word set move a run of words
 * (the packed data is first moved to the end of the space it unpacks
 * into); the others unpack a section (source, size, destination, a word
 * not used). Sections unpack as a first byte stored, then a bit stream
 * of bytes, eight bits at a time from the top: 0, a literal XORed with
 * the low byte of the count still to unpack; 1, a copy from earlier
 * output, its distance and length in interleaved gamma codes, a distance
 * code of 2 meaning "the last distance again". The stub itself is unpacked
 * at the end of one section; from it comes the original entry point,
 * encrypted with a key derived from the import table. The image goes on
 * (pepack.c) without the stub's sections.
 */
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "formats/codec/lzbits.h"
#include "formats/exe/packers/pepack.h"
#include "vigil/vigil.h"

#define PETITE_MAX_ENTRIES 256	/* in the list */
#define PETITE_LEVEL0 0x163c988du /* EP+0x80 of "no compression" stubs */
#define PETITE_IMPORTS_MAX 65536 /* import entries walked for the EP key */

/* Where the list is, how far the stub's code reaches back from the end
 * of the section it unpacks into, and how much more with relocations. */
struct petite_version {
	uint32_t list, grown, skew;
};

static const struct petite_version v21 = { 0x178, 0x323, 0x34 };
static const struct petite_version v22 = { 0x1b8, 0x355, 0x35 };

/* The stub's section: the last one (2.2), or the one before an empty last
 * one (2.1); -1 if the entry point is not Petite's. */
static int stub_section(const uint8_t *buf, size_t len,
			const struct pe_info *pe, size_t ep)
{
	uint32_t target;
	int i;

	if (pe->nsect < 2 || ep + 0x84 > len || buf[ep] != 0xb8 ||
	    le32_load(buf + ep + 0x80) == PETITE_LEVEL0)
		return -1;
	target = le32_load(buf + ep + 1) - (uint32_t)pe->image_base;
	for (i = pe->nsect - 1; i >= pe->nsect - 2; i--)
		if (pe->sect[i].vaddr == target)
			return i;
	return -1;
}

int petite_is(const uint8_t *buf, size_t len, const struct pe_info *pe,
	      size_t ep)
{
	return stub_section(buf, len, pe, ep) >= 0;
}

/* A copy's distance back, or 0 for damage; *add: what a far one adds to
 * its length. */
static uint32_t distance(struct lzbits *s, uint32_t size, uint32_t *last,
			 uint32_t *add)
{
	uint32_t d = lzb_gamma(s), far1, far2, back;
	unsigned extra, i;

	*add = 0;
	if (d < 3)
		return *last;
	if (size < 0x10000)
		far1 = 0xffffc060u, far2 = 0xfffffc60u, extra = 5;
	else if (size < 0x40000)
		far1 = 0xffff8180u, far2 = 0xfffff980u, extra = 7;
	else
		far1 = 0xffff8300u, far2 = 0xfffffb00u, extra = 8;
	d -= 3;
	if (d >> (31 - extra))
		return 0;
	for (i = 0; i < extra; i++)
		d = d * 2 + lzb_bit(s);
	back = ~d; /* the stub keeps distances negative */
	*add = 1 + (back < far2) + (back < far1);
	*last = d + 1;
	return d + 1;
}

static uint32_t length(struct lzbits *s)
{
	uint32_t n = lzb_bit(s);

	n = n * 2 + lzb_bit(s);
	return n ? n : lzb_gamma(s) + 2;
}

/* Unpacks size bytes from src to dst in the image: the end of what it
 * wrote, or 0 for damage. */
static size_t unpack(struct pe_image *img, uint32_t src, uint32_t dst,
		     uint32_t size)
{
	struct lzbits s = { img->b, img->len, src, 0, 0 };
	uint32_t left = size - 1, last = 0, dist, add, n;
	size_t at = dst;

	if (!size || dst >= img->len)
		return 0;
	img->b[at++] = (uint8_t)lzb_byte(&s);
	while (left && !s.failed) {
		if (!lzb_bit(&s)) {
			n = lzb_byte(&s) ^ (left & 0xff);
			if (at >= img->len)
				return 0;
			img->b[at++] = (uint8_t)n;
			left--;
			continue;
		}
		dist = distance(&s, size, &last, &add);
		n = length(&s) + add;
		if (s.failed || n > left ||
		    lz_copy(img->b, img->len, &at, dist, n))
			return 0;
		left -= n;
	}
	return s.failed ? 0 : at;
}

/* What the stub's code, unpacked to end at `end`, says of the original
 * entry point: 1 with the encrypted entry point, the import list and
 * whether imports are mangled; 0 if it is not there. */
struct ep_key {
	uint32_t enc, imports;
	int mangled;
};

static int find_key(const struct pe_image *img, size_t end, uint32_t extent,
		    const struct petite_version *v, struct ep_key *k)
{
	uint64_t base = (uint64_t)end - v->grown, reloc = 0;
	uint32_t t1, t2;
	int ok = 1;

	if (end < v->grown + v->skew || extent <= v->grown)
		return 0;
	if (pe_image_u32(img, base + 5 + 0x4f, &ok) != 0x645ec033u ||
	    pe_image_u32(img, base + 5 + 0x4f + 4, &ok) != 0x1b8b188bu) {
		if (extent <= v->grown + v->skew ||
		    pe_image_u32(img, base + 5 + 0x4f - v->skew, &ok) !=
			    0x645ec033u ||
		    pe_image_u32(img, base + 5 + 0x4f + 4 - v->skew, &ok) !=
			    0x1b8b188bu)
			return 0;
		reloc = v->skew; /* the original had relocations */
	}
	base -= reloc;
	t1 = pe_image_u32(img, base + 0x0f - 8, &ok) ^ 0x9d6661aau;
	t2 = pe_image_u32(img, base + 0x0f - 4, &ok) ^ 0xe908c483u;
	k->imports = pe_image_u32(img, base + 0x121, &ok);
	k->enc = pe_image_u32(img, base + 0x0f, &ok) ^ t1;
	k->mangled = pe_image_u32(img, base + 0x1c0, &ok) != 0x90909090u;
	return ok && t1 == t2 && k->enc;
}

/*
 * Petite 2.2 turns the key with every import the stub resolves: each
 * name or ordinal, or (mangled imports, every few of them) a jump the
 * stub plants after its entry point. 0 with *enc final, -1 if the import
 * list is not whole.
 */
static int turn_key(const struct pe_image *img, const struct pe_info *pe,
		    uint32_t stub_rva, struct ep_key *k)
{
	uint32_t base = (uint32_t)pe->image_base, planted = pe->ep + 5 + base;
	uint64_t t = k->imports, a;
	unsigned walked = 0;
	int spacing = 0, ok = 1;

	for (;;) {
		uint32_t list = pe_image_u32(img, t, &ok), api;

		t += 4;
		if (!ok)
			return -1;
		if (!list)
			return 0;
		for (a = list;; a += 4) {
			api = pe_image_u32(img, a, &ok);
			if (!ok || ++walked > PETITE_IMPORTS_MAX)
				return -1;
			if (!api)
				break;
			if (!(api & 0x80000000u) && k->mangled &&
			    --spacing < 0) {
				api = planted;
				planted += 5;
				spacing = (int)(planted & 7);
			} else {
				api = 0xbff01337u; /* an address in a DLL */
			}
			k->enc -= (stub_rva + base < api) + (api < planted);
			k->enc = k->enc >> 3 | k->enc << 29;
		}
	}
}

/* How far before `end` the unpacked data reaches back: from the start of
 * the section dst lies in, or from dst. */
static uint32_t extent(const struct pe_info *pe, uint32_t dst, size_t end)
{
	uint16_t i;

	for (i = 0; i < pe->nsect; i++)
		if (dst > pe->sect[i].vaddr &&
		    dst - pe->sect[i].vaddr < pe->sect[i].vsize)
			return (uint32_t)(end - pe->sect[i].vaddr);
	return (uint32_t)(end - dst);
}

/* Moves n words ending at the words at from and to; 0, or -1. */
static int move(struct pe_image *img, uint32_t n, uint32_t from, uint32_t to)
{
	uint64_t bytes = (uint64_t)n * 4, back = bytes - 4;

	if (!n || back > from || back > to || from - back + bytes > img->len ||
	    to - back + bytes > img->len)
		return -1;
	memmove(img->b + to - back, img->b + from - back, (size_t)bytes);
	return 0;
}

/* Runs the list at pos: 0, or FMT_DAMAGED; *k filled if the stub's key
 * was found. */
static int run_list(struct fmt_ctx *c, struct pe_image *img,
		    const struct pe_info *pe, uint64_t pos,
		    const struct petite_version *v, struct ep_key *k,
		    int *have_key)
{
	unsigned i;
	int ok = 1;

	for (i = 0; i < PETITE_MAX_ENTRIES && !fmt_expired(c); i++) {
		uint32_t first = pe_image_u32(img, pos, &ok), size, dst;
		size_t end;

		if (!ok)
			return FMT_DAMAGED;
		if (!first)
			return 0;
		if (first & 0x80000000u) {
			if (move(img, first & 0x7fffffffu,
				 pe_image_u32(img, pos + 4, &ok),
				 pe_image_u32(img, pos + 8, &ok)) < 0 || !ok)
				return FMT_DAMAGED;
			pos += 12;
			continue;
		}
		size = pe_image_u32(img, pos + 4, &ok);
		dst = pe_image_u32(img, pos + 8, &ok);
		pos += 16;
		if (!ok)
			return FMT_DAMAGED;
		if (!size)
			continue; /* an empty section */
		if (!(end = unpack(img, first, dst, size)))
			return FMT_DAMAGED;
		if (find_key(img, end, extent(pe, dst, end), v, k))
			*have_key = 1;
	}
	return FMT_DAMAGED;
}

int petite_unpack(struct fmt_ctx *c, struct pe_image *img,
		  const struct pe_info *pe, const uint8_t *buf, size_t len,
		  struct pe_unpacked *out)
{
	int s = stub_section(buf, len, pe, (size_t)pe_loader_off(pe, pe->ep));
	const struct petite_version *v = s == pe->nsect - 1 ? &v22 : &v21;
	uint32_t stub_rva = pe->sect[s].vaddr;
	struct ep_key k = { 0, 0, 0 };
	int rc, have_key = 0;

	rc = run_list(c, img, pe, (uint64_t)stub_rva + v->list, v, &k,
		      &have_key);
	if (have_key && (v == &v21 || turn_key(img, pe, stub_rva, &k) == 0))
		out->ep = pe->ep + 5 + k.enc;
	out->keep = (uint16_t)s; /* without the stub's sections */
	return rc;
}
