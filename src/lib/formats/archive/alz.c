/*
 * alz.c -- ALZ archives (ESTsoft's ALZip): "ALZ\1" and four bytes, then
 * local file records ("BLZ\1": name length, attributes, time, a flags
 * byte whose high nibble gives the width of the size fields, the method
 * (0 stored, 1 bzip2, 2 raw deflate), CRC-32, packed and unpacked sizes,
 * the name, and the data), central directory records ("CLZ\1", eight
 * bytes) and the end record ("CLZ\2"), as unalz and ClamAV read them.
 * Each file is a contained object under its name; an encrypted one is
 * Heuristics.Encrypted.ALZ, one that cannot be read
 * Heuristics.Broken.ALZ.
 */
#include <stdio.h>
#include <string.h>

#include "common/le.h"
#include "common/reader.h"
#include "formats/archive/streams.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "vigil/vigil.h"

#define ALZ_FILE 0x015a4c41u
#define ALZ_LOCAL 0x015a4c42u
#define ALZ_CENTRAL 0x015a4c43u
#define ALZ_END 0x025a4c43u
#define ALZ_ENCRYPTED 0x01
#define ALZ_DESCRIPTOR 0x08
#define ALZ_DIRECTORY 0x10
#define ALZ_CHECK_BYTES 12
#define ALZ_NAME_BYTES 256
#define ALZ_MAX_ENTRIES 65536

int alz_probe(const uint8_t *buf, size_t len, int type)
{
	(void)type;
	return len >= 8 && le32_load(buf) == ALZ_FILE;
}

struct alz_entry {
	uint8_t attr, flags, method;
	uint32_t crc;
	uint64_t csize, usize;
	char name[ALZ_NAME_BYTES];
	const uint8_t *data;
};

/* One local record after its signature; -1 if it cannot be read. */
static int record(struct rdr *r, struct alz_entry *e)
{
	uint16_t nlen = rdr_u16le(r);
	unsigned width;
	const uint8_t *name;

	e->attr = rdr_u8(r);
	rdr_skip(r, 4); /* time */
	e->flags = rdr_u8(r);
	rdr_skip(r, 1);
	width = e->flags >> 4;
	e->method = 0;
	e->crc = 0;
	e->csize = e->usize = 0;
	if (width) {
		if (width != 1 && width != 2 && width != 4 && width != 8)
			return -1;
		e->method = rdr_u8(r);
		rdr_skip(r, 1);
		e->crc = rdr_u32le(r);
		e->csize = width == 1 ? rdr_u8(r) : width == 2 ? rdr_u16le(r) :
			   width == 4 ? rdr_u32le(r) : rdr_u64le(r);
		e->usize = width == 1 ? rdr_u8(r) : width == 2 ? rdr_u16le(r) :
			   width == 4 ? rdr_u32le(r) : rdr_u64le(r);
	}
	if (!nlen || !(name = rdr_bytes(r, nlen)))
		return -1;
	snprintf(e->name, sizeof(e->name), "%.*s", (int)nlen, name);
	if (e->flags & ALZ_ENCRYPTED)
		rdr_skip(r, ALZ_CHECK_BYTES);
	if (rdr_failed(r) || e->csize > rdr_left(r))
		return -1;
	e->data = rdr_bytes(r, (size_t)e->csize);
	return e->data || !e->csize ? 0 : -1;
}

static int one(struct fmt_ctx *c, const struct alz_entry *e)
{
	struct fmt_entry m = { e->name, e->csize, e->usize,
			       (e->flags & ALZ_ENCRYPTED) != 0, 1, e->crc };
	struct stream_out o;
	int rc;

	if ((rc = fmt_entry(c, &m)) != 0)
		return rc;
	if (e->flags & ALZ_ENCRYPTED)
		return fmt_unreadable(c, "Heuristics.Encrypted.ALZ");
	if (e->method == 0) /* stored */
		return e->csize > fmt_max_child(c) ?
			       fmt_too_big(c, e->name) :
			       fmt_child(c, e->name, e->data, (size_t)e->csize);
	if (e->method != 1 && e->method != 2)
		return fmt_unreadable(c, "Heuristics.Broken.ALZ");
	stream_out_init(&o, c, fmt_max_child(c));
	if (e->method == 1)
		stream_bunzip(&o, e->data, (size_t)e->csize);
	else
		stream_inflate_raw(&o, e->data, (size_t)e->csize);
	rc = o.nomem ? VIGIL_ENOMEM :
	     o.stop && o.b.len > o.max ? fmt_too_big(c, e->name) :
	     o.b.len ? fmt_child(c, e->name, o.b.data, o.b.len) :
	     o.err ? fmt_unreadable(c, "Heuristics.Broken.ALZ") : 0;
	vbuf_free(&o.b);
	return rc;
}

int alz_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	unsigned n;
	struct rdr r;
	int rc = 0;

	rdr_init(&r, buf, len);
	rdr_skip(&r, 8);
	for (n = 0; n < ALZ_MAX_ENTRIES && !rc && !fmt_expired(c); n++) {
		uint32_t sig = rdr_u32le(&r);
		struct alz_entry e;

		if (rdr_failed(&r) || sig == ALZ_END)
			break;
		if (sig == ALZ_CENTRAL) {
			rdr_skip(&r, 8);
			continue;
		}
		if (sig != ALZ_LOCAL || record(&r, &e) < 0 ||
		    (e.flags & ALZ_DESCRIPTOR))
			return fmt_unreadable(c, "Heuristics.Broken.ALZ");
		if (!(e.attr & ALZ_DIRECTORY))
			rc = one(c, &e);
	}
	if (!rc && n == ALZ_MAX_ENTRIES)
		rc = fmt_unreadable(c, FMT_MAXFILES);
	return rc;
}
