/*
 * officeart.c -- pictures stored in an Office drawing group, as [MS-ODRAW]
 * lays them out: records of an 8-byte header (4 bits version, 12 bits
 * instance, 16 bits type, 32 bits length) nest; the drawing group
 * container (type 0xF000) holds a blip store (0xF001) whose file blocks
 * are blips (0xF018-0xF117) or blip store entries (0xF007) that wrap one.
 * A blip's picture follows one or two 16-byte identifiers (the instance
 * says which) and a 1-byte tag (JPEG, PNG, DIB, TIFF) or a 34-byte
 * metafile header (EMF, WMF, PICT, still compressed). Each picture is a
 * child object, as clamscan extracts them; a record that claims more
 * than its container holds is cut to what is there. The picture is the
 * blip's data after those fields and nothing more (clamscan's copy can
 * run on into the bytes after the record, by the length of the fields).
 */
#include "formats/office/officeart.h"

#include <stdio.h>

#include "common/le.h"

#define OA_HEADER 8
#define OA_DGG 0xF000		/* OfficeArtDggContainer */
#define OA_BSTORE 0xF001	/* OfficeArtBStoreContainer */
#define OA_FBSE 0xF007		/* OfficeArtFBSE: an entry wrapping a blip */
#define OA_FBSE_FIXED 36	/* its fields before the name */
#define OA_BLIP_FIRST 0xF018
#define OA_BLIP_LAST 0xF117
#define OA_MAX_PICTURES 1000	/* per drawing group */

struct oa_rec {
	unsigned ver, inst, type;
	size_t len;		/* of its data, cut to what is there */
	const uint8_t *data;
};

/* The record at b; 0, or -1 if no header fits. */
static int rec_at(const uint8_t *b, size_t left, struct oa_rec *r)
{
	uint16_t vi;
	uint32_t n;

	if (left < OA_HEADER)
		return -1;
	vi = le16_load(b);
	r->ver = vi & 0xf;
	r->inst = vi >> 4;
	r->type = le16_load(b + 2);
	n = le32_load(b + 4);
	r->data = b + OA_HEADER;
	r->len = n < left - OA_HEADER ? n : left - OA_HEADER;
	return 0;
}

/* Bytes before the picture in a blip of this type and instance; its
 * kind in *ext. 0 for a blip type with no picture Vigil knows. */
static size_t blip_skip(const struct oa_rec *r, const char **ext)
{
	static const struct {
		unsigned type, inst1, inst2;
		size_t after;
		const char *ext;
	} kinds[] = {
		{ 0xF01A, 0x3D4, 0x3D5, 34, "emf" },
		{ 0xF01B, 0x216, 0x217, 34, "wmf" },
		{ 0xF01C, 0x542, 0x543, 34, "pict" },
		{ 0xF01D, 0x46A, 0x46B, 1, "jpg" },
		{ 0xF01D, 0x6E2, 0x6E3, 1, "jpg" },
		{ 0xF02A, 0x46A, 0x46B, 1, "jpg" },
		{ 0xF02A, 0x6E2, 0x6E3, 1, "jpg" },
		{ 0xF01E, 0x6E0, 0x6E1, 1, "png" },
		{ 0xF01F, 0x7A8, 0x7A9, 1, "dib" },
		{ 0xF029, 0x6E4, 0x6E5, 1, "tif" },
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (kinds[i].type != r->type)
			continue;
		*ext = kinds[i].ext;
		if (r->inst == kinds[i].inst1)
			return 16 + kinds[i].after;
		if (r->inst == kinds[i].inst2)
			return 32 + kinds[i].after;
	}
	return 0;
}

static int blip(struct fmt_ctx *c, const struct oa_rec *r, unsigned *n)
{
	const char *ext = NULL;
	size_t skip = blip_skip(r, &ext);
	char name[32];

	if (!skip || skip >= r->len || ++*n > OA_MAX_PICTURES)
		return 0;
	snprintf(name, sizeof(name), "picture%u.%s", *n, ext);
	return fmt_child(c, name, r->data + skip, r->len - skip);
}

/*
 * An FBSE entry: the blip after its fixed fields and its name, at most
 * FBSE.size bytes of what the store holds from there (as clamscan reads
 * it, not bounded by the entry's own length).
 */
static int fbse(struct fmt_ctx *c, const uint8_t *b, size_t left,
		unsigned *n)
{
	struct oa_rec inner;
	size_t name_len, room;
	uint32_t size;

	if (left < OA_HEADER + OA_FBSE_FIXED)
		return 0;
	b += OA_HEADER;
	left -= OA_HEADER;
	name_len = b[33];
	size = le32_load(b + 20);
	if (name_len > left - OA_FBSE_FIXED)
		return 0;
	room = left - OA_FBSE_FIXED - name_len;
	if (rec_at(b + OA_FBSE_FIXED + name_len, size < room ? size : room,
		   &inner) < 0)
		return 0;
	if (inner.type < OA_BLIP_FIRST || inner.type > OA_BLIP_LAST)
		return 0;
	return blip(c, &inner, n);
}

/* The file blocks of a blip store. */
static int bstore(struct fmt_ctx *c, const uint8_t *b, size_t len,
		  unsigned *n)
{
	struct oa_rec r;
	size_t at = 0;
	int rc = 0;

	while (!rc && rec_at(b + at, len - at, &r) == 0) {
		if (r.type == OA_FBSE)
			rc = fbse(c, b + at, len - at, n);
		else if (r.type >= OA_BLIP_FIRST && r.type <= OA_BLIP_LAST)
			rc = blip(c, &r, n);
		at += OA_HEADER + r.len;
	}
	return rc;
}

int officeart_pictures(struct fmt_ctx *c, const uint8_t *b, size_t len)
{
	struct oa_rec top, r;
	unsigned n = 0;
	size_t at = 0;
	int rc = 0;

	if (rec_at(b, len, &top) < 0 || top.ver != 0xF || top.inst ||
	    top.type != OA_DGG)
		return 0;
	/* To the end of what the workbook holds, whatever the container's
	 * length says, as clamscan. */
	b += OA_HEADER;
	len -= OA_HEADER;
	while (!rc && rec_at(b + at, len - at, &r) == 0) {
		if (r.ver == 0xF && r.type == OA_BSTORE)
			rc = bstore(c, r.data, r.len, &n);
		at += OA_HEADER + r.len;
	}
	return rc;
}
