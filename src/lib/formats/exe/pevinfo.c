/*
 * pevinfo.c -- the strings of a PE's version information. The resource
 * directory leads to type 16 (RT_VERSION); its data is a tree of blocks,
 * each "u16 length, u16 value length, u16 type, UTF-16 key, padding to 4,
 * value, padding, children": VS_VERSIONINFO holds StringFileInfo, which
 * holds a StringTable per language, which holds the strings. Everything is
 * read through the bounded reader; a block that lies is not followed.
 */
#include "formats/exe/pevinfo.h"

#include <string.h>

#include "common/reader.h"

#define RT_VERSION 16
#define VINFO_MAX_ENTRIES 4096	/* resource directory entries read */

struct vwalk {
	const uint8_t *b;
	size_t len;
	uint64_t *at;
	unsigned n;
	unsigned entries;
};

/* The offset just after a block's NUL-terminated UTF-16 key, or 0. */
static size_t key_end(const struct vwalk *w, size_t key, size_t end)
{
	size_t i;

	for (i = key; i + 1 < end; i += 2)
		if (!w->b[i] && !w->b[i + 1])
			return i + 2;
	return 0;
}

static int key_is(const struct vwalk *w, size_t key, size_t kend,
		  const char *ascii)
{
	size_t i, n = strlen(ascii);

	if (kend - key != 2 * n + 2)
		return 0;
	for (i = 0; i < n; i++)
		if (w->b[key + 2 * i] != (uint8_t)ascii[i] ||
		    w->b[key + 2 * i + 1])
			return 0;
	return 1;
}

static size_t pad4(size_t v, size_t base)
{
	return base + ((v - base + 3) & ~(size_t)3);
}

/*
 * The blocks in [off, end) at depth (0: VS_VERSIONINFO, 1: StringFileInfo
 * or VarFileInfo, 2: StringTable, 3: String): the keys of the strings are
 * recorded. Only the root has a value before its children (its fixed file
 * information); padding is to 4 bytes from the start of the data.
 */
static void blocks(struct vwalk *w, size_t base, size_t off, size_t end,
		   unsigned depth)
{
	while (off + 6 <= end && w->n < PEVINFO_MAX_STRINGS) {
		size_t blen = (size_t)w->b[off] | (size_t)w->b[off + 1] << 8;
		size_t vlen = (size_t)w->b[off + 2] | (size_t)w->b[off + 3] << 8;
		size_t bend = off + blen, kend, child;

		if (blen < 6 || bend > end || !(kend = key_end(w, off + 6, bend)))
			return;
		if (depth == 3)
			w->at[w->n++] = off + 6;
		child = pad4(pad4(kend, base) + (depth == 0 ? vlen : 0), base);
		if (depth < 3 && (depth != 1 ||
				  key_is(w, off + 6, kend, "StringFileInfo")))
			blocks(w, base, child, bend, depth + 1);
		off = pad4(bend, base);
	}
}

/* The version data's file offset and size from the resource tree. */
static int version_data(struct vwalk *w, const struct pe_info *pe,
			size_t root, uint32_t dir, unsigned depth,
			size_t *off, size_t *size)
{
	struct rdr r;
	uint32_t n, i;

	rdr_init(&r, w->b, w->len);
	rdr_seek(&r, root + dir + 12);
	n = (uint32_t)rdr_u16le(&r) + rdr_u16le(&r);
	for (i = 0; i < n && !rdr_failed(&r); i++) {
		uint32_t id = rdr_u32le(&r), to = rdr_u32le(&r);
		long at;

		if (rdr_failed(&r) || ++w->entries > VINFO_MAX_ENTRIES)
			return -1;
		if (depth == 0 && id != RT_VERSION)
			continue;
		if (to & 0x80000000) {
			size_t next = r.pos;

			if (depth < 2 && version_data(w, pe, root,
						      to & 0x7fffffff,
						      depth + 1, off, size) == 0)
				return 0;
			rdr_seek(&r, next);
			continue;
		}
		rdr_init(&r, w->b, w->len);
		rdr_seek(&r, root + to);
		at = pe_rva_to_off(pe, rdr_u32le(&r));
		*size = rdr_u32le(&r);
		if (rdr_failed(&r) || at < 0 || (size_t)at > w->len ||
		    *size > w->len - (size_t)at)
			return -1;
		*off = (size_t)at;
		return 0;
	}
	return -1;
}

unsigned pevinfo_offsets(const uint8_t *b, size_t len,
			 const struct pe_info *pe, uint64_t *at)
{
	struct vwalk w = { b, len, at, 0, 0 };
	size_t off, size;
	long root;

	if (!pe->rsrc_rva || (root = pe_rva_to_off(pe, pe->rsrc_rva)) < 0 ||
	    version_data(&w, pe, (size_t)root, 0, 0, &off, &size) < 0)
		return 0;
	blocks(&w, off, off, off + size, 0);
	return w.n;
}
