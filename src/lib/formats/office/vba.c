/*
 * vba.c -- the source of VBA macros in an OLE2 file's VBA storage: the
 * compressed "dir" stream lists the modules, their streams and where the
 * compressed source starts; each module's source is decompressed (MS-OVBA
 * run-length/LZ77 containers) and handed over as "<module>.vba". At most
 * VBA_MAX_MODULES modules are read; more listed is the MaxFiles limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "formats/office/vba.h"
#include "common/reader.h"
#include "vigil/vigil.h"

#define VBA_CHUNK_BYTES 4096
#define VBA_MAX_MODULES 4096
#define VBA_NAME_BYTES 128

/* One compressed chunk at r into out. */
static int chunk(struct rdr *r, size_t size, size_t max, struct vbuf *out)
{
	size_t start = out->len, end = r->pos + size;

	while (r->pos < end && !rdr_failed(r)) {
		uint8_t flags = rdr_u8(r);
		int bit;

		for (bit = 0; bit < 8 && r->pos < end && !rdr_failed(r); bit++) {
			size_t d = out->len - start, bits = 4, k;
			uint16_t tok, lmask;
			size_t len, off;

			if (d >= VBA_CHUNK_BYTES)
				return FMT_DAMAGED; /* a chunk holds 4096 bytes */
			if (out->len >= max)
				return 1;
			if (!(flags & (1u << bit))) {
				if (vbuf_append_u8(out, rdr_u8(r)) < 0)
					return VIGIL_ENOMEM;
				continue;
			}
			while (((size_t)1 << bits) < d)
				bits++;
			if (bits > 12)
				bits = 12;
			tok = rdr_u16le(r);
			lmask = (uint16_t)(0xffffu >> bits);
			len = (size_t)(tok & lmask) + 3;
			off = (size_t)((tok & (uint16_t)~lmask) >> (16 - bits)) + 1;
			if (off > d || d + len > VBA_CHUNK_BYTES)
				return FMT_DAMAGED;
			if (out->len + len > max)
				return 1;
			if (vbuf_reserve(out, len) < 0)
				return VIGIL_ENOMEM;
			for (k = 0; k < len; k++, out->len++)
				out->data[out->len] = out->data[out->len - off];
		}
	}
	return 0;
}

/*
 * MS-OVBA decompression of b[0..len): 0, 1 if the output would pass max,
 * FMT_DAMAGED (output kept) or VIGIL_ENOMEM.
 */
static int decompress(const uint8_t *b, size_t len, size_t max,
		      struct vbuf *out)
{
	struct rdr r;
	int rc;

	rdr_init(&r, b, len);
	if (rdr_u8(&r) != 1)
		return FMT_DAMAGED;
	while (rdr_left(&r) >= 2) {
		uint16_t h = rdr_u16le(&r);
		size_t size = (size_t)(h & 0x0fff) + 1;

		if (size > rdr_left(&r))
			size = rdr_left(&r);
		if (h & 0x8000) {
			if ((rc = chunk(&r, size, max, out)) != 0)
				return rc;
		} else {
			const uint8_t *raw = rdr_bytes(&r, VBA_CHUNK_BYTES);

			if (!raw)
				return FMT_DAMAGED;
			if (out->len + VBA_CHUNK_BYTES > max)
				return 1;
			if (vbuf_append(out, raw, VBA_CHUNK_BYTES) < 0)
				return VIGIL_ENOMEM;
		}
	}
	return 0;
}

struct module {
	char stream[VBA_NAME_BYTES];
	uint32_t offset;
};

static void copy_name(char *dst, const uint8_t *src, uint32_t n)
{
	uint32_t k = n < VBA_NAME_BYTES - 1 ? n : VBA_NAME_BYTES - 1;

	memcpy(dst, src ? src : (const uint8_t *)"", src ? k : 0);
	dst[src ? k : 0] = 0;
}

/* Module records of the decompressed "dir" stream, in order: at most
 * cap, *more set when a module's record follows the cap'th. */
static size_t modules(const struct vbuf *dir, struct module *m, size_t cap,
		      int *more)
{
	struct rdr r;
	size_t n = 0;

	*more = 0;
	rdr_init(&r, dir->data, dir->len);
	memset(&m[0], 0, sizeof(m[0]));
	while (rdr_left(&r) >= 6 && !*more) {
		uint16_t id = rdr_u16le(&r);
		uint32_t size = rdr_u32le(&r);
		const uint8_t *data;

		if (id == 0x0009) /* PROJECTVERSION: its size field lies */
			size = 6;
		data = rdr_bytes(&r, size);
		if (!data)
			break;
		if (n == cap)
			*more = id == 0x0019 || id == 0x002b; /* NAME, end */
		else if (id == 0x001a)
			copy_name(m[n].stream, data, size);
		else if (id == 0x0031 && size == 4)
			m[n].offset = le32_load(data);
		else if (id == 0x002b && ++n < cap)
			memset(&m[n], 0, sizeof(m[n]));
	}
	/* a module whose records the stream cut before their end: read too */
	return n + (n < cap && m[n].stream[0]);
}

static int module_source(struct ole2 *o, uint32_t vba, const struct module *m)
{
	struct fmt_ctx *c = ole2_ctx(o);
	uint32_t idx = ole2_find(o, vba, m->stream);
	struct vbuf raw = { 0 }, src = { 0 };
	char name[VBA_NAME_BYTES + 8];
	int rc = 0;

	if (idx == UINT32_MAX || ole2_read(o, idx, &raw) != 0 ||
	    m->offset >= raw.len)
		goto out;
	snprintf(name, sizeof(name), "%s.vba", m->stream);
	rc = decompress(raw.data + m->offset, raw.len - m->offset,
			fmt_max_output(c, raw.len - m->offset), &src);
	if (rc == 1) {
		rc = fmt_over(c, name, raw.len - m->offset);
		goto out;
	}
	if (rc == FMT_DAMAGED)
		fmt_warn(c, "VBA module %s: damaged compressed source", m->stream);
	if (rc != VIGIL_ENOMEM)
		rc = src.len ? fmt_child(c, name, src.data, src.len) : 0;
out:
	vbuf_free(&raw);
	vbuf_free(&src);
	return rc;
}

int vba_project(struct ole2 *o, uint32_t vba)
{
	struct fmt_ctx *c = ole2_ctx(o);
	static const size_t cap = VBA_MAX_MODULES;
	struct vbuf raw = { 0 }, dir = { 0 };
	struct module *m = calloc(cap + 1, sizeof(*m));
	size_t n, i;
	int rc = 0, more;

	if (!m)
		return VIGIL_ENOMEM;
	if ((rc = fmt_macros(c, "VBA")) != 0) {
		free(m);
		return rc;
	}
	if (ole2_read(o, ole2_find(o, vba, "dir"), &raw) != 0 ||
	    decompress(raw.data, raw.len, fmt_max_output(c, raw.len), &dir))
		fmt_warn(c, "VBA project: damaged or oversized dir stream");
	n = modules(&dir, m, cap, &more);
	for (i = 0; i < n && !rc; i++)
		rc = module_source(o, vba, &m[i]);
	if (!rc && more) /* the modules past the cap: not read, never clean */
		rc = fmt_unreadable(c, FMT_MAXFILES);
	free(m);
	vbuf_free(&raw);
	vbuf_free(&dir);
	return rc;
}
