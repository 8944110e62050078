/*
 * autoit.c -- scripts compiled by AutoIt 3, after the interpreter in the
 * PE's overlay (or, with later versions, as a resource of their own). The
 * archive starts with a 16-byte GUID and "AU3!EA05" (AutoIt 3.0-3.1) or
 * "AU3!EA06" (3.2 and later), 16 bytes of a password hash, then entries:
 * "FILE", the entry's name and source path, a compression flag, sizes, an
 * Adler-32 of the stored data, two file times and the data. Each field is
 * encrypted with a key stream (au3key.c) seeded by a constant of its own
 * (for names, plus their length; for EA05 data, plus the sum of the hash
 * bytes). Stored data may be compressed with AutoIt's LZSS. Every entry
 * is an object: the script ("script.au3"; EA06's tokens written back as
 * text by au3tok.c) and every file FileInstall() embeds, by its name.
 * Everything is read through the bounded reader.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "formats/exe/au3key.h"
#include "formats/exe/au3tok.h"
#include "formats/format.h"
#include "sig/cltype.h"
#include "formats/exe/stages.h"
#include "formats/exe/pe.h"
#include "common/reader.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define AU3_MAX_ENTRIES 1024	/* entries in one archive */
#define AU3_MAX_NAME_BYTES 4096 /* an entry's name or path, stored */
#define AU3_NAME_CHARS 255	/* of a name, kept for the object's name */

static const uint8_t au3_magic[23] = {
	0xa3, 0x48, 0x4b, 0xbe, 0x98, 0x6c, 0x4a, 0xa9, 0x99, 0x4c, 0x53, 0x0a,
	0x86, 0xd6, 0x48, 0x7d, 'A', 'U', '3', '!', 'E', 'A', '0',
};

/* The seeds and masks of a version, and how it stores names. */
struct au3_version {
	char tag;			/* "AU3!EA0" tag */
	enum au3_cipher cipher;
	unsigned char_bytes;		/* of names: 1, or 2 (UTF-16LE) */
	uint32_t file, name_len, name, path_len, path, size, sum, data;
};

static const struct au3_version versions[] = {
	{ '5', AU3_MT, 1, 0x16fa, 0x29bc, 0xa25e, 0x29ac, 0xf25e, 0x45aa,
	  0xc3d2, 0x22af },
	{ '6', AU3_LAGGED, 2, 0x18ee, 0xadbc, 0xb33f, 0xf820, 0xf479, 0x87bc,
	  0xa685, 0x2477 },
};

/* An entry's header, decrypted. */
struct au3_entry {
	char name[AU3_NAME_CHARS + 1];
	int compressed;
	uint32_t stored, size, sum;
};

/* The version tag after the magic at r: its version, or NULL. */
static const struct au3_version *au3_tag(struct rdr *r)
{
	size_t i;

	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		if (rdr_accept(r, &versions[i].tag, 1))
			return &versions[i];
	return NULL;
}

/*
 * Where the archive starts in buf, or -1: in a PE's overlay, or at the
 * start of an object of its own (a resource).
 */
static long au3_find(const uint8_t *buf, size_t len, int type)
{
	struct rdr r;
	size_t at;

	rdr_init(&r, buf, len);
	if (type == VIGIL_TYPE_PE) {
		at = pe_image_size(buf, len);
		if (!at || rdr_seek(&r, at) < 0)
			return -1;
		while (rdr_find(&r, au3_magic, sizeof(au3_magic))) {
			at = r.pos;
			rdr_skip(&r, sizeof(au3_magic));
			if (au3_tag(&r))
				return (long)at;
		}
		return -1;
	}
	return type == VIGIL_TYPE_BINARY &&
		       rdr_accept(&r, (const char *)au3_magic, sizeof(au3_magic)) &&
		       au3_tag(&r) ? 0 : -1;
}

int autoit_probe(const uint8_t *buf, size_t len, int type)
{
	return au3_find(buf, len, type) >= 0;
}

/*
 * A name field of n characters: decrypted into out (an object's name:
 * the part after the last backslash, UTF-16 reduced to bytes), or the
 * path field, skipped (out NULL). 0, or FMT_DAMAGED.
 */
static int name_field(struct rdr *r, const struct au3_version *v,
		      uint32_t seed, uint32_t n, char *out)
{
	uint8_t plain[AU3_MAX_NAME_BYTES];
	const uint8_t *p;
	size_t bytes, k, o = 0;

	if (n > AU3_MAX_NAME_BYTES / v->char_bytes)
		return FMT_DAMAGED;
	bytes = (size_t)n * v->char_bytes;
	if (!(p = rdr_bytes(r, bytes)))
		return FMT_DAMAGED;
	if (!out)
		return 0;
	au3_decrypt(v->cipher, seed + n, p, plain, bytes);
	for (k = 0; k < bytes; k += v->char_bytes) {
		char ch = (char)plain[k];

		if (v->char_bytes == 2 && plain[k + 1])
			ch = '?';
		if (ch == '\\' || ch == '/')
			o = 0; /* keep the last component only */
		else if (o < AU3_NAME_CHARS)
			out[o++] = ch;
	}
	out[o] = '\0';
	return 0;
}

/* An entry's header: 1 with e set, 0 after the last entry, FMT_DAMAGED. */
static int entry_head(struct rdr *r, const struct au3_version *v,
		      struct au3_entry *e)
{
	const uint8_t *p = rdr_bytes(r, 4);
	uint8_t file[4];
	uint32_t n;

	if (!p)
		return 0;
	au3_decrypt(v->cipher, v->file, p, file, 4);
	if (memcmp(file, "FILE", 4))
		return 0;
	n = rdr_u32le(r) ^ v->name_len;
	if (rdr_failed(r) || name_field(r, v, v->name, n, e->name) < 0)
		return FMT_DAMAGED;
	n = rdr_u32le(r) ^ v->path_len;
	if (rdr_failed(r) || name_field(r, v, v->path, n, NULL) < 0)
		return FMT_DAMAGED;
	e->compressed = rdr_u8(r) == 1;
	e->stored = rdr_u32le(r) ^ v->size;
	e->size = rdr_u32le(r) ^ v->size;
	e->sum = rdr_u32le(r) ^ v->sum;
	rdr_skip(r, 16); /* creation and last-write times */
	return rdr_failed(r) ? FMT_DAMAGED : 1;
}

/* AutoIt's LZSS, bits from the most significant: a reader of them. */
struct bitrd {
	struct rdr r;
	uint32_t acc;
	unsigned n;
};

static unsigned bits(struct bitrd *b, unsigned k)
{
	while (b->n < k) {
		b->acc = b->acc << 8 | rdr_u8(&b->r);
		b->n += 8;
	}
	b->n -= k;
	return (unsigned)(b->acc >> b->n) & ((1u << k) - 1);
}

/* A match's length: 3, plus codes of 2, 3, 5 and 8 bits (all ones: go
 * on to the next), then runs of 8-bit 255s. */
static size_t match_len(struct bitrd *b)
{
	static const struct { unsigned bits, add; } step[] = {
		{ 2, 0 }, { 3, 3 }, { 5, 10 }, { 8, 41 },
	};
	size_t add = 296, i;
	unsigned v;

	for (i = 0; i < sizeof(step) / sizeof(step[0]); i++)
		if ((v = bits(b, step[i].bits)) != (1u << step[i].bits) - 1)
			return v + 3 + step[i].add;
	while ((v = bits(b, 8)) == 255 && !rdr_failed(&b->r))
		add += 255;
	return v + 3 + add;
}

/* Expands "EA0x" + size + bits into out: 0; 1 past cap; FMT_DAMAGED. */
static int lzss(const uint8_t *in, size_t n, char tag, size_t cap,
		struct vbuf *out)
{
	const char magic[4] = { 'E', 'A', '0', tag };
	struct bitrd b = { .acc = 0 };
	size_t size, dist, k;

	rdr_init(&b.r, in, n);
	if (!rdr_accept(&b.r, magic, 4))
		return FMT_DAMAGED;
	size = rdr_u32(&b.r, 1);
	if (rdr_failed(&b.r))
		return FMT_DAMAGED;
	if (size > cap)
		return 1;
	if (vbuf_reserve(out, size ? size : 1))
		return VIGIL_ENOMEM;
	while (out->len < size) {
		if (bits(&b, 1) == (tag == '6')) { /* a literal */
			k = bits(&b, 8);
			if (rdr_failed(&b.r))
				return FMT_DAMAGED;
			out->data[out->len++] = (uint8_t)k;
			continue;
		}
		dist = bits(&b, 15);
		k = match_len(&b);
		if (rdr_failed(&b.r) || !dist || dist > out->len)
			return FMT_DAMAGED;
		for (k = k < size - out->len ? k : size - out->len; k; k--, out->len++)
			out->data[out->len] = out->data[out->len - dist];
	}
	return 0;
}

/* The name an entry's object goes by. */
static const char *object_name(const struct au3_entry *e)
{
	if (!strcmp(e->name, ">AUTOIT SCRIPT<") ||
	    !strcmp(e->name, ">AUTOIT UNICODE SCRIPT<") ||
	    !strcmp(e->name, ">>>AUTOIT SCRIPT<<<"))
		return "script.au3";
	return e->name[0] ? e->name : "file";
}

/* An entry's plain data to the scan; a script as UTF-8 text. */
static int hand_over(struct fmt_ctx *c, const struct au3_entry *e, char tag,
		     const uint8_t *data, size_t len)
{
	struct vbuf text = { 0 };
	int rc;

	if (tag == '6' && !strcmp(e->name, ">>>AUTOIT SCRIPT<<<"))
		rc = au3_detokenize(data, len, fmt_max_child(c), &text);
	else if (!strcmp(e->name, ">AUTOIT UNICODE SCRIPT<"))
		rc = au3_utf16_text(data, len, fmt_max_child(c), &text);
	else
		return fmt_child(c, object_name(e), data, len);
	if (rc == FMT_DAMAGED)
		fmt_warn(c, "AutoIt: the script's tokens are damaged");
	if (rc == 1)
		rc = fmt_too_big(c, "script.au3");
	else if (rc == 0 || rc == FMT_DAMAGED)
		rc = text.len ? fmt_child(c, "script.au3", text.data, text.len) : 0;
	vbuf_free(&text);
	return rc;
}

/* An entry's data: decrypted, checked, expanded, handed over. */
static int entry_body(struct fmt_ctx *c, struct rdr *r,
		      const struct au3_version *v, uint32_t hash_sum,
		      const struct au3_entry *e)
{
	const char *name = object_name(e);
	const uint8_t *p = rdr_bytes(r, e->stored);
	struct vbuf out = { 0 };
	uint8_t *plain;
	int rc;

	if (!p)
		return FMT_DAMAGED;
	if (!e->compressed && e->stored > fmt_max_child(c))
		return fmt_too_big(c, name); /* before decrypting it */
	if (!(plain = malloc(e->stored ? e->stored : 1)))
		return VIGIL_ENOMEM;
	au3_decrypt(v->cipher, v->data + (v->tag == '5' ? hash_sum : 0), p,
		    plain, e->stored);
	if (adler32(adler32(0, NULL, 0), plain, e->stored) != e->sum)
		fmt_warn(c, "AutoIt: %s fails its checksum", name);
	if (!e->compressed) {
		rc = hand_over(c, e, v->tag, plain, e->stored);
	} else {
		rc = lzss(plain, e->stored, v->tag, fmt_max_output(c, e->stored),
			  &out);
		if (rc == FMT_DAMAGED)
			fmt_warn(c, "AutoIt: %s: damaged compressed data", name);
		if (rc == 1)
			rc = fmt_over(c, name, e->stored);
		else if (rc == 0 || rc == FMT_DAMAGED)
			rc = out.len ? hand_over(c, e, v->tag, out.data, out.len) :
				       0;
	}
	free(plain);
	vbuf_free(&out);
	return rc;
}

static int archive(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	const struct au3_version *v;
	struct au3_entry e;
	const uint8_t *hash;
	uint32_t sum = 0;
	unsigned count = 0, k;
	struct rdr r;
	int rc = 0;

	rdr_init(&r, buf, len);
	rdr_skip(&r, sizeof(au3_magic));
	if (!(v = au3_tag(&r)) || !(hash = rdr_bytes(&r, 16)))
		return FMT_DAMAGED;
	for (k = 0; k < 16; k++)
		sum += hash[k];
	while (!rc && (rc = entry_head(&r, v, &e)) == 1) {
		if (++count > AU3_MAX_ENTRIES)
			return fmt_unreadable(c, FMT_MAXFILES);
		if (fmt_expired(c))
			return 1;
		rc = entry_body(c, &r, v, sum, &e);
	}
	return rc;
}

int autoit_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	long at = au3_find(buf, len, fmt_type(c));
	int outer = fmt_set_container(c, CLT_AUTOIT);
	int rc = at >= 0 ? archive(c, buf + at, len - (size_t)at) : 0;

	fmt_set_container(c, outer);

	if (rc == FMT_DAMAGED) {
		fmt_warn(c, "AutoIt: the script archive is damaged or cut short");
		rc = 0;
	}
	return rc ? rc : EXE_NEXT; /* the interpreter goes on */
}
