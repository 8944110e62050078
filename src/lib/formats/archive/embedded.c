/*
 * embedded.c -- containers inside or after any object, whatever its own
 * type, as the tools that would extract them find them: a zip by the end
 * of its central directory in the last 64 KiB (a prefix of any kind before
 * it: a shell stub, a JPEG or PDF of a polyglot, junk, a damaged first
 * header), or, with no directory, by a sane local header; 7z, RAR and CAB
 * archives, gzip, bzip2, xz and zstd streams, Windows executables and
 * HTML (mshta runs an HTA's markup wherever it is in the file) by their
 * signatures anywhere after the first byte (match/magic.c finds them
 * all in one pass). Runs after the object's own family (the core calls it
 * for every object), so a PDF or JPEG is read as itself and as what it
 * also holds. Bounded: at most EMBED_MAX_OPENED signatures are opened per
 * object, and each opening is held to the usual limits.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "common/le.h"
#include "formats/archive/zip.h"
#include "formats/archive/zipdir.h"
#include "formats/parsers.h"
#include "vigil/vigil.h"

#define EMBED_MAX_OPENED 8
#define ZIP_EOCD_SEARCH_BYTES (65535 + 22)
/* How far before "PE\0\0" its "MZ" header may start (e_lfanew). */
#define PE_MAX_LFANEW 4096
/* Local header flags zip leaves reserved (bits 7-10, 12, 14, 15). */
#define LFH_RESERVED_FLAGS 0xd780u
/* The largest extra field of a local header taken as a real one. */
#define LFH_MAX_EXTRA 4096u

/* Whether the object is a zip the archive family reads as it is. */
static int own_zip(const uint8_t *buf, size_t len, int type)
{
	return type == VIGIL_TYPE_ARCHIVE && len >= 4 && !memcmp(buf, "PK", 2);
}

/* Whether "PK\5\6" lies in the last 64 KiB: its last byte found from the
 * end with memrchr (every object is asked this; memmem took 3% of a scan
 * of a mixed corpus), the three before it compared. */
static int has_eocd(const uint8_t *buf, size_t len)
{
	size_t lo = len > ZIP_EOCD_SEARCH_BYTES ? len - ZIP_EOCD_SEARCH_BYTES :
						  0;
	const uint8_t *from = buf + lo + 3, *end = buf + len, *q;

	if (len < 4)
		return 0;
	while (end > from && (q = memrchr(from, 0x06, (size_t)(end - from)))) {
		if (!memcmp(q - 3, "PK\x05", 3))
			return 1;
		end = q;
	}
	return 0;
}

/*
 * Whether the local header at p (30 bytes and more in the object) is one
 * a zip tool wrote, not the four bytes "PK\3\4" in a program that handles
 * zips: a version under 6.4, no reserved flag, a method zip defines, a
 * name of printable bytes, an extra field of sane size.
 */
static int sane_local_header(const uint8_t *p, size_t room)
{
	unsigned version = le16_load(p + 4), flags = le16_load(p + 6),
		 method = le16_load(p + 8), name = le16_load(p + 26),
		 extra = le16_load(p + 28), i;

	if (version >= 64 || (flags & LFH_RESERVED_FLAGS) ||
	    !(method <= 14 || method == 93 || method == 95 || method == 99) ||
	    name == 0 || extra > LFH_MAX_EXTRA || 30u + name > room)
		return 0;
	for (i = 0; i < name; i++)
		if (p[30 + i] < 0x20 || p[30 + i] == 0x7f)
			return 0;
	return 1;
}

/* The first sane local header after the first byte; its offset, or 0. */
static size_t local_header(const struct magic_hits *h, const uint8_t *buf,
			   size_t len)
{
	size_t i, at;

	for (i = 0; i < h->n[MAGIC_ZIP_LOCAL]; i++) {
		at = h->at[MAGIC_ZIP_LOCAL][i];
		if (at && at + 30 <= len &&
		    sane_local_header(buf + at, len - at))
			return at;
	}
	return 0;
}

/* Where the executable whose "PE\0\0" is at pe starts (its "MZ", which
 * points at it), or 0 if none does. */
static size_t pe_start(const uint8_t *buf, size_t pe)
{
	size_t q = pe >= 0x40 ? pe - 0x40 : 0;
	size_t lo = pe > PE_MAX_LFANEW ? pe - PE_MAX_LFANEW : 0;

	for (;; q--) {
		if (q + 0x40 <= pe && buf[q] == 'M' && buf[q + 1] == 'Z' &&
		    le32_load(buf + q + 0x3c) == pe - q)
			return q;
		if (q <= lo)
			return 0;
	}
}

/* Where a signature of kind k really starts at the hit at (0: not one). */
static size_t start_of(enum magic_kind k, const uint8_t *buf, size_t len,
		       size_t at)
{
	switch (k) {
	case MAGIC_BZIP2:
		return at + 4 <= len && !memcmp(buf + at, "BZh", 3) &&
		       buf[at + 3] >= '1' && buf[at + 3] <= '9' ? at : 0;
	case MAGIC_PE:
		return pe_start(buf, at);
	case MAGIC_ZIP_LOCAL:
		return 0; /* zips: by their directory (zip_part) */
	default:
		return at;
	}
}

/*
 * Kinds not looked for inside this object: the executable pipeline's own
 * (an executable in an executable), and the object's own kind when it
 * starts with it. Its family reads those (a stored gzip inside a gzip is
 * the gzip's content); opening them here as well would read each level of
 * a chain of them twice, and the chain's whole rest at every level.
 */
static int skipped(enum magic_kind k, int type, const struct magic_hits *h)
{
	if (k == MAGIC_PE)
		return type == VIGIL_TYPE_PE;
	if (k == MAGIC_HTML) /* a page, or mail that holds pages as parts */
		return type == VIGIL_TYPE_HTML || type == VIGIL_TYPE_MAIL;
	return h->n[k] && h->at[k][0] == 0;
}

int embedded_wanted(const uint8_t *buf, size_t len, int type,
		    const struct magic_hits *h)
{
	unsigned k;
	size_t i;

	if (!own_zip(buf, len, type) &&
	    (has_eocd(buf, len) || local_header(h, buf, len)))
		return 1;
	for (k = 0; k < MAGIC_CONTAINERS; k++) {
		if (skipped(k, type, h))
			continue;
		for (i = 0; i < h->n[k]; i++)
			if (h->at[k][i] && start_of(k, buf, len, h->at[k][i]))
				return 1;
	}
	return 0;
}

/* Whether a directory found inside another object is a zip's: one of its
 * records, with a name, has its local header where it says (the end
 * record's four bytes in a program that handles zips have none). */
static int real_directory(const struct zipdir *zd)
{
	size_t i;

	for (i = 0; i < zd->n; i++)
		if (zd->e[i].data && zd->e[i].name_len)
			return 1;
	return 0;
}

static int zip_part(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct zipdir zd;
	size_t at;
	int rc;

	if ((rc = zipdir_read(buf, len, &zd)) < 0)
		return rc;
	if (real_directory(&zd))
		rc = zip_extract(c, buf, len, &zd);
	else if ((at = local_header(fmt_hits(c), buf, len)) != 0)
		rc = archive_extract_guess(c, buf + at, len - at); /* no directory */
	zipdir_free(&zd);
	return rc;
}

/* Opens what starts at 'at' as a container of kind k. */
static int open_one(struct fmt_ctx *c, enum magic_kind k, const uint8_t *buf,
		    size_t len, size_t at)
{
	char name[32];

	switch (k) {
	case MAGIC_GZIP: case MAGIC_BZIP2: case MAGIC_XZ: case MAGIC_ZSTD:
		return compressed_extract_guess(c, buf + at, len - at);
	case MAGIC_PE:
		/* an object of its own: its signatures, its pipeline */
		snprintf(name, sizeof(name), "pe@%zu", at);
		return fmt_child(c, name, buf + at, len - at);
	case MAGIC_HTML:
		/* mshta runs the HTML in any file (a PE that is an HTA too) */
		return html_extract(c, buf + at, len - at);
	default:
		return archive_extract_guess(c, buf + at, len - at);
	}
}

int embedded_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	const struct magic_hits *h = fmt_hits(c);
	size_t next[MAGIC_CONTAINERS] = { 0 }, at, best;
	unsigned opened = 0, k, pick;
	int rc = 0;

	if (!own_zip(buf, len, fmt_type(c)) &&
	    (has_eocd(buf, len) || local_header(h, buf, len)))
		rc = zip_part(c, buf, len);
	/* the rest in the order they come in the object */
	while (!rc && opened < EMBED_MAX_OPENED) {
		best = 0;
		pick = MAGIC_CONTAINERS;
		for (k = 0; k < MAGIC_CONTAINERS; k++) {
			if (skipped(k, fmt_type(c), h))
				continue;
			while (next[k] < h->n[k] &&
			       !(at = start_of(k, buf, len, h->at[k][next[k]])))
				next[k]++;
			if (next[k] < h->n[k] && (pick == MAGIC_CONTAINERS ||
						  at < best)) {
				best = at;
				pick = k;
			}
		}
		if (pick == MAGIC_CONTAINERS)
			break;
		/* the first markup found reads all that follows it */
		next[pick] = pick == MAGIC_HTML ? h->n[pick] : next[pick] + 1;
		opened++;
		rc = open_one(c, (enum magic_kind)pick, buf, len, best);
	}
	return rc;
}
