/*
 * iscab.c -- InstallShield cabinets ("ISc(", versions 5 and later): a
 * header file (data1.hdr) whose file table names each file's volume
 * (dataN.cab), offset, sizes and flags. A compressed file is a run of
 * chunks, each a 16-bit length and a raw deflate stream of its own; a
 * stored one is copied. Files split across volumes, obfuscated ones and
 * ones kept outside the cabinet are warned about and skipped.
 */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "formats/format.h"
#include "formats/exe/iscab.h"
#include "common/reader.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define ISCAB_MAX_FILES 100000
#define ISCAB_FD6_BYTES 0x57	/* a version 6+ file descriptor */
#define ISCAB_F_SPLIT 0x1
#define ISCAB_F_OBFUSCATED 0x2
#define ISCAB_F_COMPRESSED 0x4
#define ISCAB_F_INVALID 0x8

struct iscab_file {
	uint16_t flags;
	uint64_t size, csize, offset;
	uint32_t name_off;
	uint16_t volume;
};

struct iscab_hdr {
	const uint8_t *b;
	size_t len;
	unsigned major;
	size_t table;		/* cabinet descriptor + file table offset */
	size_t table2;		/* version 6+: the descriptors' offset in it */
	uint32_t ndirs, nfiles;
};

int iscab_is_header(const uint8_t *b, size_t len)
{
	return len >= 20 && !memcmp(b, "ISc(", 4);
}

static int header(const uint8_t *b, size_t len, struct iscab_hdr *h)
{
	struct rdr r;
	uint32_t version, cd, ft;

	rdr_init(&r, b, len);
	rdr_skip(&r, 4);
	version = rdr_u32le(&r);
	rdr_skip(&r, 4);
	cd = rdr_u32le(&r);
	h->b = b;
	h->len = len;
	h->major = version >> 24 == 1 ? (version >> 12) & 0xf :
					(version & 0xffff) / 100;
	if (rdr_seek(&r, (size_t)cd + 0x0c) < 0)
		return FMT_DAMAGED;
	ft = rdr_u32le(&r);
	rdr_seek(&r, (size_t)cd + 0x1c);
	h->ndirs = rdr_u32le(&r);
	rdr_seek(&r, (size_t)cd + 0x28);
	h->nfiles = rdr_u32le(&r);
	h->table2 = rdr_u32le(&r);
	h->table = (size_t)cd + ft;
	return rdr_failed(&r) || h->major < 5 ? -1 : 0;
}

/* File descriptor i; -1 if it lies outside the header. */
static int descriptor(const struct iscab_hdr *h, uint32_t i,
		      struct iscab_file *f)
{
	struct rdr r;

	rdr_init(&r, h->b, h->len);
	if (h->major <= 5) {
		rdr_seek(&r, h->table + ((size_t)h->ndirs + i) * 4);
		rdr_seek(&r, h->table + rdr_u32le(&r));
		f->name_off = rdr_u32le(&r);
		rdr_skip(&r, 4); /* directory */
		f->flags = rdr_u16le(&r);
		f->size = rdr_u32le(&r);
		f->csize = rdr_u32le(&r);
		rdr_skip(&r, 0x14);
		f->offset = rdr_u32le(&r);
		f->volume = 1; /* one volume per header before version 6 */
	} else {
		rdr_seek(&r, h->table + h->table2 + (size_t)i * ISCAB_FD6_BYTES);
		f->flags = rdr_u16le(&r);
		f->size = rdr_u64le(&r);
		f->csize = rdr_u64le(&r);
		f->offset = rdr_u64le(&r);
		rdr_skip(&r, 16 + 16); /* MD5, reserved */
		f->name_off = rdr_u32le(&r);
		rdr_skip(&r, 2 + 12 + 4 + 4 + 1); /* directory .. link flags */
		f->volume = rdr_u16le(&r);
	}
	return rdr_failed(&r) ? -1 : 0;
}

/* The file's name (NUL-ended in the header), copied into out. */
static void file_name(const struct iscab_hdr *h, const struct iscab_file *f,
		      char *out, size_t cap)
{
	size_t at = h->table + f->name_off, n = 0;

	while (at < h->len && h->b[at] && n + 1 < cap && at >= h->table)
		out[n++] = (char)h->b[at++];
	out[n] = 0;
	if (!n)
		snprintf(out, cap, "file");
}

#define ISCAB_DAMAGED 2

/* Chunks of raw deflate: 0, 1 (grew past max), ISCAB_DAMAGED or an error. */
static int chunks(struct fmt_ctx *c, const uint8_t *in, size_t len,
		  size_t max, struct vbuf *out)
{
	struct rdr r;
	int rc = 0;

	rdr_init(&r, in, len);
	while (!rc && rdr_left(&r) >= 2) {
		uint16_t n = rdr_u16le(&r);
		const uint8_t *p = rdr_bytes(&r, n);
		z_stream z;
		uint8_t buf[16384];
		int zr = Z_OK;

		if (!p)
			return ISCAB_DAMAGED;
		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
			return VIGIL_ENOMEM;
		z.next_in = (Bytef *)(uintptr_t)p;
		z.avail_in = n;
		while (!rc && zr == Z_OK && z.avail_in) {
			z.next_out = buf;
			z.avail_out = sizeof(buf);
			zr = inflate(&z, Z_SYNC_FLUSH);
			if (zr != Z_OK && zr != Z_STREAM_END)
				rc = ISCAB_DAMAGED;
			else if (out->len + (sizeof(buf) - z.avail_out) > max ||
				 fmt_ratio_exceeded(c, out->len, len))
				rc = 1;
			else if (vbuf_append(out, buf, sizeof(buf) - z.avail_out))
				rc = VIGIL_ENOMEM;
			if (z.avail_out == sizeof(buf) && zr == Z_OK)
				break; /* no progress */
		}
		inflateEnd(&z);
	}
	return rc;
}

static int one_file(struct fmt_ctx *c, const struct iscab_hdr *h,
		    const struct iscab_file *f, const uint8_t *vol, size_t vlen)
{
	char name[256];
	struct vbuf out = { 0 };
	int rc;

	file_name(h, f, name, sizeof(name));
	if (f->flags & (ISCAB_F_SPLIT | ISCAB_F_OBFUSCATED)) {
		fmt_warn(c, "%s: split or obfuscated cabinet file skipped", name);
		return 0;
	}
	if (f->offset > vlen || f->csize > vlen - f->offset) {
		fmt_warn(c, "%s: outside its cabinet volume", name);
		return 0;
	}
	if (!(f->flags & ISCAB_F_COMPRESSED))
		return fmt_child(c, name, vol + f->offset, (size_t)f->csize);
	if (f->size > fmt_max_child(c))
		return fmt_too_big(c, name);
	rc = chunks(c, vol + f->offset, (size_t)f->csize, fmt_max_child(c),
		    &out);
	if (rc == 1) {
		rc = fmt_expired(c) ? 1 : fmt_too_big(c, name);
	} else if (rc >= 0) {
		if (rc == ISCAB_DAMAGED)
			fmt_warn(c, "%s: damaged compressed data (%zu bytes "
				 "recovered)", name, out.len);
		rc = out.len ? fmt_child(c, name, out.data, out.len) : 0;
	}
	vbuf_free(&out);
	return rc;
}

int iscab_extract(struct fmt_ctx *c, const uint8_t *hdr, size_t hlen,
		  iscab_volume_fn volume, void *ctx)
{
	struct iscab_hdr h;
	uint32_t i;
	int rc = 0;

	if (header(hdr, hlen, &h) < 0) {
		fmt_warn(c, "unreadable InstallShield cabinet header");
		return 0;
	}
	for (i = 0; i < h.nfiles && i < ISCAB_MAX_FILES && !rc; i++) {
		struct iscab_file f;
		const uint8_t *vol;
		size_t vlen;

		if (fmt_expired(c))
			return 1;
		if (descriptor(&h, i, &f) < 0) {
			fmt_warn(c, "InstallShield cabinet: file table damaged "
				 "at file %lu of %lu", (unsigned long)i,
				 (unsigned long)h.nfiles);
			break;
		}
		if ((f.flags & ISCAB_F_INVALID) || !f.size || !f.offset)
			continue; /* empty, or kept outside the cabinet */
		if (!(vol = volume(ctx, f.volume, &vlen))) {
			fmt_warn(c, "InstallShield cabinet volume %u missing",
				 f.volume);
			continue;
		}
		rc = one_file(c, &h, &f, vol, vlen);
	}
	if (!rc && i == ISCAB_MAX_FILES && i < h.nfiles)
		rc = fmt_unreadable(c, FMT_MAXFILES);
	return rc;
}
