/*
 * ishield.c -- InstallShield setup executables: the data appended to the
 * PE image (after an optional "NB10" debug record) is either the
 * "InstallShield" stream, whose files are obfuscated with a key made from
 * their names (byte-wise: nibbles swapped, XOR with the key, inverted;
 * per 1024-byte block or over the whole file, as the file's flags say,
 * then possibly deflated), or a plain list of "name, destination,
 * version, length" strings each followed by the file. Each file is handed
 * over under its name (InstallShield cabinets inside are unpacked by
 * iscab.c).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/le.h"
#include "formats/archive/streams.h"
#include "formats/format.h"
#include "formats/exe/iscab.h"
#include "formats/exe/stages.h"
#include "formats/exe/pe.h"
#include "common/reader.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define IS_HEADER_BYTES 46
#define IS_ENTRY_BYTES 312
#define IS_NAME_BYTES 260
#define IS_BLOCK_BYTES 1024
#define IS_MAX_FILES 10000

static const uint8_t is_magic[4] = { 0x13, 0x35, 0x86, 0x07 };

/* The overlay: what follows the last section's data. */
static size_t overlay(const uint8_t *buf, size_t len)
{
	struct pe_info pe;
	uint16_t i;
	uint64_t end = 0;

	if (pe_parse(buf, len, &pe) < 0)
		return len;
	for (i = 0; i < pe.nsect; i++)
		if ((uint64_t)pe.sect[i].raw + pe.sect[i].rawsize > end)
			end = (uint64_t)pe.sect[i].raw + pe.sect[i].rawsize;
	return end < len ? (size_t)end : len;
}

/* Skips an "NB10" debug record: tag, offset, time, age, then a path. */
static size_t skip_nb10(const uint8_t *b, size_t len, size_t off)
{
	const uint8_t *z;

	if (len - off < 16 || memcmp(b + off, "NB10", 4))
		return off;
	z = memchr(b + off + 16, 0, len - off - 16);
	return z ? (size_t)(z - b) + 1 : len;
}

int ishield_probe(const uint8_t *buf, size_t len, int type)
{
	size_t off;

	if (type != VIGIL_TYPE_PE)
		return 0;
	off = skip_nb10(buf, len, overlay(buf, len));
	return len - off >= IS_HEADER_BYTES &&
	       (!memcmp(buf + off, "InstallShield", 14) ||
		memmem(buf + off, len - off < 1024 ? len - off : 1024, "ISc(", 4));
}

static void deobfuscate(uint8_t *d, size_t n, const char *name, int blocks)
{
	uint8_t key[IS_NAME_BYTES];
	size_t kl = strnlen(name, IS_NAME_BYTES), i;

	if (!kl)
		return;
	for (i = 0; i < kl; i++)
		key[i] = (uint8_t)name[i] ^ is_magic[i % 4];
	for (i = 0; i < n; i++) {
		size_t k = blocks ? (i % IS_BLOCK_BYTES) % kl : i % kl;
		uint8_t b = (uint8_t)(d[i] << 4 | d[i] >> 4);

		d[i] = (uint8_t)~(key[k] ^ b);
	}
}

/*
 * A deflated file (zlib, its two-byte header skipped) inflated through
 * the guarded, growing output of streams.c: what inflated is handed over
 * (damage warned about); nothing inflated from data that is no deflate
 * stream, the data as it is stored (an empty file deflated is none). The
 * output grows with what the data gives, not reserved at the size limit
 * for each file (a stream of thousands of small files took as many
 * allocations of a megabyte or more).
 */
static int inflated_file(struct fmt_ctx *c, const char *name,
			 const struct vbuf *d)
{
	struct stream_out o;
	int rc = 0;

	stream_out_init(&o, c, fmt_max_child(c));
	if (d->len > 2)
		stream_inflate_raw(&o, d->data + 2, d->len - 2);
	if (o.nomem)
		rc = VIGIL_ENOMEM;
	else if (o.stop && o.b.len > o.max)
		rc = fmt_too_big(c, name);
	else if (o.stop) /* the ratio or time guard: reported there */
		rc = 0;
	else if (!o.b.len && (o.err || (d->len && d->len <= 2))) {
		fmt_warn(c, "%s: not deflated data, read as stored", name);
		rc = fmt_child(c, name, d->data, d->len);
	} else if (o.b.len) {
		if (o.err)
			fmt_warn(c, "%s: damaged compressed data (%zu bytes "
				    "recovered)", name, o.b.len);
		rc = fmt_child(c, name, o.b.data, o.b.len);
	}
	vbuf_free(&o.b);
	return rc;
}

/* One file of the "InstallShield" stream; 0, 1 (stop) or an error. */
static int stream_file(struct fmt_ctx *c, const uint8_t *hdr,
		       const uint8_t *data, uint32_t n)
{
	char name[IS_NAME_BYTES + 1];
	uint32_t flags = (uint32_t)hdr[260] | (uint32_t)hdr[261] << 8;
	struct vbuf d = { 0 };
	int rc;

	memcpy(name, hdr, IS_NAME_BYTES);
	name[IS_NAME_BYTES] = 0;
	if (vbuf_append(&d, data, n) < 0)
		return VIGIL_ENOMEM;
	if (flags & 6)
		deobfuscate(d.data, d.len, name, (flags & 4) != 0);
	rc = hdr[280] | hdr[281] ? inflated_file(c, name, &d) :
				   fmt_child(c, name, d.data, d.len);
	vbuf_free(&d);
	return rc;
}

static int is_stream(struct fmt_ctx *c, const uint8_t *b, size_t len)
{
	struct rdr r;
	uint16_t nfiles, i;
	int rc = 0;

	rdr_init(&r, b, len);
	rdr_skip(&r, 14);
	nfiles = rdr_u16le(&r);
	rdr_seek(&r, IS_HEADER_BYTES);
	for (i = 0; i < nfiles && i < IS_MAX_FILES && !rc; i++) {
		const uint8_t *hdr = rdr_bytes(&r, IS_ENTRY_BYTES), *data;
		size_t n;

		if (!hdr)
			break;
		n = le32_load(hdr + 268);
		data = fmt_upto(c, "InstallShield stream file", &r, &n);
		if (n < le32_load(hdr + 268))
			nfiles = i + 1; /* cut short: the last */
		if (n > fmt_max_child(c)) {
			rc = fmt_too_big(c, "file");
			continue;
		}
		rc = stream_file(c, hdr, data, (uint32_t)n);
	}
	if (!rc && i == IS_MAX_FILES && i < nfiles)
		rc = fmt_unreadable(c, FMT_MAXFILES);
	return rc;
}

struct plain_file {
	const char *name;	/* "data1.cab" */
	const char *dest;	/* "Disk1\data1.cab" */
	const uint8_t *data;
	size_t size;
};

struct plain_list {
	struct plain_file *f;
	size_t n;
	const char *stem;	/* of the cabinet being read: "data" */
	size_t stem_len;
	int cut;		/* the last file runs past the end */
	int more;		/* files past IS_MAX_FILES */
};

/* The plain list: four NUL-ended strings, then the file's bytes. */
static void plain_parse(const uint8_t *b, size_t len, struct plain_list *l)
{
	size_t off = 0;

	while (off < len && l->n < IS_MAX_FILES) {
		struct plain_file *p = &l->f[l->n];
		const char *f[4];
		unsigned k;
		char *end;
		unsigned long size;

		for (k = 0; k < 4; k++) {
			const uint8_t *z = memchr(b + off, 0, len - off);

			if (!z || z == b + off)
				return;
			f[k] = (const char *)b + off;
			off = (size_t)(z - b) + 1;
		}
		size = strtoul(f[3], &end, 10);
		if (*end)
			return;
		if (size > len - off) { /* cut short: as far as it goes */
			size = len - off;
			l->cut = 1;
		}
		p->name = f[0];
		p->dest = f[1];
		p->data = b + off;
		p->size = size;
		l->n++;
		off += size;
	}
	l->more = off < len;
}

/* Volume v of the cabinet: the list's "<stem><v>.cab". */
static const uint8_t *plain_volume(void *ctx, unsigned v, size_t *len)
{
	const struct plain_list *l = ctx;
	char want[64];
	size_t i;

	snprintf(want, sizeof(want), "%.*s%u.cab", (int)l->stem_len, l->stem,
		 v);
	for (i = 0; i < l->n; i++) {
		if (!strcasecmp(l->f[i].name, want)) {
			*len = l->f[i].size;
			return l->f[i].data;
		}
	}
	return NULL;
}

/* A "<stem>N.hdr" cabinet header of the list; its stem is noted in l. */
static int cab_header(const struct plain_file *p, struct plain_list *l)
{
	size_t n = strlen(p->name);

	if (n < 5 || strcasecmp(p->name + n - 4, ".hdr") ||
	    !iscab_is_header(p->data, p->size))
		return 0;
	for (n -= 4; n && p->name[n - 1] >= '0' && p->name[n - 1] <= '9';)
		n--;
	l->stem = p->name;
	l->stem_len = n < 32 ? n : 32;
	return 1;
}

static int plain(struct fmt_ctx *c, const uint8_t *b, size_t len)
{
	struct plain_list l = { calloc(IS_MAX_FILES, sizeof(*l.f)), 0,
				NULL, 0, 0, 0 };
	size_t i;
	int rc = 0;

	if (!l.f)
		return VIGIL_ENOMEM;
	plain_parse(b, len, &l);
	if (l.cut)
		fmt_warn(c, "%s: cut short", l.f[l.n - 1].dest);
	for (i = 0; i < l.n && !rc; i++)
		rc = fmt_child(c, l.f[i].dest, l.f[i].data, l.f[i].size);
	for (i = 0; i < l.n && !rc; i++)
		if (cab_header(&l.f[i], &l))
			rc = iscab_extract(c, l.f[i].data, l.f[i].size,
					   plain_volume, &l);
	if (!rc && l.more)
		rc = fmt_unreadable(c, FMT_MAXFILES);
	free(l.f);
	return rc;
}

int ishield_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	size_t off = skip_nb10(buf, len, overlay(buf, len));

	if (!memcmp(buf + off, "InstallShield", 14))
		return is_stream(c, buf + off, len - off);
	return plain(c, buf + off, len - off);
}
