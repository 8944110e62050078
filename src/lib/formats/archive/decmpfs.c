/*
 * decmpfs.c -- HFS+ file compression, as Apple's decmpfs stores it and
 * clamscan reads it: a file's "com.apple.decmpfs" extended attribute
 * starts with a 16-byte header (magic "cmpf", compression type, size of
 * the file), little-endian in practice (big-endian accepted too). Type 3
 * keeps the data in the attribute after the header; type 4 in the
 * resource fork, whose resource of type "cmpf" (found through the fork's
 * resource map, as the Resource Manager lays it out) holds a
 * little-endian table of blocks (count, then offset and length of each,
 * from the resource's data). Data or a block whose first byte has
 * its low four bits set is stored (after that byte); otherwise it is a
 * zlib stream. The LZVN and LZFSE types are not read (clamscan neither).
 */
#include "formats/archive/decmpfs.h"

#include <string.h>
#include <zlib.h>

#include "common/le.h"
#include "formats/format.h"
#include "vigil/vigil.h"

#define DECMPFS_HEADER 16
#define DECMPFS_MAGIC 0x636d7066u	/* "cmpf" */
#define DECMPFS_INLINE_MAX 65536	/* clamscan's limit for type 3 */
#define DECMPFS_MAX_BLOCKS 65536	/* blocks of a resource fork */
#define RSRC_HEADER 16
#define RSRC_MAP_HEADER 28	/* before the type list's offset */
#define RSRC_REF_BYTES 12	/* a reference list entry */

int decmpfs_header(const uint8_t *attr, size_t n, uint32_t *type,
		   uint64_t *size)
{
	if (n < DECMPFS_HEADER)
		return -1;
	if (le32_load(attr) == DECMPFS_MAGIC) {
		*type = le32_load(attr + 4);
		*size = (uint64_t)le32_load(attr + 8) |
			(uint64_t)le32_load(attr + 12) << 32;
		return 0;
	}
	if (be32_load(attr) != DECMPFS_MAGIC)
		return -1;
	*type = be32_load(attr + 4);
	*size = (uint64_t)be32_load(attr + 8) << 32 | be32_load(attr + 12);
	return 0;
}

/* One stored-or-zlib piece appended to out (at most max bytes in all). */
static int piece(const uint8_t *in, size_t n, size_t max, struct vbuf *out)
{
	z_stream z = { 0 };
	uint8_t buf[16384];
	int zr = Z_OK, rc = 0;

	if (!n)
		return 0;
	if ((in[0] & 0x0f) == 0x0f) {
		if (n - 1 > max - out->len)
			return 1;
		return vbuf_append(out, in + 1, n - 1) < 0 ? VIGIL_ENOMEM : 0;
	}
	if (n > UINT32_MAX || inflateInit(&z) != Z_OK)
		return VIGIL_ENOMEM;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	while (!rc && zr == Z_OK) {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END)
			rc = FMT_DAMAGED;
		else if (sizeof(buf) - z.avail_out > max - out->len)
			rc = 1;
		else if (vbuf_append(out, buf, sizeof(buf) - z.avail_out) < 0)
			rc = VIGIL_ENOMEM;
		if (zr == Z_OK && !z.avail_in && z.avail_out)
			rc = rc ? rc : FMT_DAMAGED; /* cut short */
	}
	inflateEnd(&z);
	return rc;
}

int decmpfs_inline(const uint8_t *attr, size_t n, size_t max,
		   struct vbuf *out)
{
	uint64_t size;
	uint32_t type;

	if (decmpfs_header(attr, n, &type, &size) < 0 || n == DECMPFS_HEADER)
		return FMT_DAMAGED;
	if ((attr[DECMPFS_HEADER] & 0x0f) != 0x0f && size > DECMPFS_INLINE_MAX)
		return FMT_DAMAGED;
	if (size < max)
		max = (size_t)size;
	return piece(attr + DECMPFS_HEADER, n - DECMPFS_HEADER, max, out);
}

/* Offset (from the fork's data) of the first "cmpf" resource, or -1. */
static int64_t cmpf_offset(const uint8_t *rsrc, size_t n)
{
	uint32_t map = be32_load(rsrc + 4), types, ntypes, i;

	if (map > n || n - map < RSRC_MAP_HEADER + 2)
		return -1;
	types = map + be16_load(rsrc + map + 24);
	if (types > n - 2)
		return -1;
	ntypes = (uint32_t)be16_load(rsrc + types) + 1;
	for (i = 0; i < ntypes; i++) {
		const uint8_t *t = rsrc + types + 2 + 8 * (size_t)i;
		uint32_t refs;

		if ((size_t)(t - rsrc) > n - 8)
			return -1;
		if (memcmp(t, "cmpf", 4))
			continue;
		refs = types + be16_load(t + 6);
		if (refs > n - RSRC_REF_BYTES)
			return -1;
		return (int64_t)((uint32_t)rsrc[refs + 5] << 16 |
				 (uint32_t)rsrc[refs + 6] << 8 | rsrc[refs + 7]);
	}
	return -1;
}

int decmpfs_resource(const uint8_t *rsrc, size_t n, size_t max,
		     struct vbuf *out)
{
	uint32_t data, len, count, i;
	const uint8_t *res;
	int64_t at;
	int rc = 0;

	if (n < RSRC_HEADER || (data = be32_load(rsrc)) > n ||
	    (at = cmpf_offset(rsrc, n)) < 0 || (uint64_t)at > n - data ||
	    n - data - (size_t)at < 4)
		return FMT_DAMAGED;
	data += (uint32_t)at;
	if ((len = be32_load(rsrc + data)) > n - 4 - data || len < 4)
		return FMT_DAMAGED;
	res = rsrc + data + 4;
	count = le32_load(res);
	if (count > DECMPFS_MAX_BLOCKS || count > (len - 4) / 8)
		return FMT_DAMAGED;
	for (i = 0; i < count && !rc; i++) {
		uint32_t off = le32_load(res + 4 + 8 * i);
		uint32_t size = le32_load(res + 8 + 8 * i);

		if (off > len || size > len - off)
			return FMT_DAMAGED;
		rc = piece(res + off, size, max, out);
	}
	return rc;
}
