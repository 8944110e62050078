/*
 * embedded.c -- archives inside or after any object, whatever its own
 * type, as unzip, 7z and unrar find them: a zip by the end of its central
 * directory in the last 64 KiB (a prefix of any kind before it: a shell
 * stub, a JPEG or PDF of a polyglot, junk, a damaged first header), or, with
 * no directory, by a sane local header; 7z and RAR by their signatures
 * anywhere after the first byte. Runs after the object's own family (the
 * core calls it for every object), so a PDF or JPEG is read as itself and
 * as the archive it also is. Bounded: at most EMBED_MAX_ARCHIVES
 * signatures are opened per object.
 */
#define _GNU_SOURCE
#include <string.h>

#include "formats/archive/zip.h"
#include "formats/archive/zipdir.h"
#include "formats/parsers.h"
#include "vigil/vigil.h"

#define EMBED_MAX_ARCHIVES 8
#define ZIP_EOCD_SEARCH_BYTES (65535 + 22)

static const struct {
	const char *magic;
	size_t n;
} signatures[] = {
	{ "7z\xbc\xaf\x27\x1c", 6 },
	{ "Rar!\x1a\x07", 6 },
};

/* Whether the object is a zip the archive family reads as it is. */
static int own_zip(const uint8_t *buf, size_t len, int type)
{
	return type == VIGIL_TYPE_ARCHIVE && len >= 4 && !memcmp(buf, "PK", 2);
}

static int has_eocd(const uint8_t *buf, size_t len)
{
	size_t lo = len > ZIP_EOCD_SEARCH_BYTES ? len - ZIP_EOCD_SEARCH_BYTES :
						  0;

	return len > 4 && memmem(buf + lo, len - lo, "PK\x05\x06", 4) != NULL;
}

/* The first local header after the first byte that looks like one:
 * version needed under 64, a method zip defines; its offset, or 0. */
static size_t local_header(const uint8_t *buf, size_t len)
{
	const uint8_t *p = buf + 1, *end = buf + len;

	while (p + 30 <= end &&
	       (p = memmem(p, (size_t)(end - p), "PK\x03\x04", 4)) != NULL &&
	       p + 30 <= end) {
		unsigned version = p[4], method = p[8] | p[9] << 8;

		if (version < 64 && (method <= 14 || method == 93 ||
				     method == 95 || method == 99))
			return (size_t)(p - buf);
		p += 4;
	}
	return 0;
}

/* Offset of the next 7z or RAR signature at or after from, or 0. */
static size_t next_signature(const uint8_t *buf, size_t len, size_t from)
{
	const uint8_t *best = NULL, *p;
	size_t i;

	for (i = 0; i < sizeof(signatures) / sizeof(*signatures); i++) {
		if (from >= len)
			break;
		p = memmem(buf + from, len - from, signatures[i].magic,
			   signatures[i].n);
		if (p && (!best || p < best))
			best = p;
	}
	return best ? (size_t)(best - buf) : 0;
}

int embedded_probe(const uint8_t *buf, size_t len, int type)
{
	if (own_zip(buf, len, type))
		return next_signature(buf, len, 1) != 0;
	return has_eocd(buf, len) || local_header(buf, len) ||
	       next_signature(buf, len, 1);
}

static int zip_part(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct zipdir zd;
	size_t at;
	int rc;

	if ((rc = zipdir_read(buf, len, &zd)) < 0)
		return rc;
	if (zd.n)
		rc = zip_extract(c, buf, len, &zd);
	else if ((at = local_header(buf, len)) != 0)
		rc = archive_extract_guess(c, buf + at, len - at); /* no directory */
	zipdir_free(&zd);
	return rc;
}

int embedded_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	unsigned opened = 0;
	size_t at = 1;
	int rc = 0;

	if (!own_zip(buf, len, fmt_type(c)) &&
	    (has_eocd(buf, len) || local_header(buf, len)))
		rc = zip_part(c, buf, len);
	while (!rc && opened < EMBED_MAX_ARCHIVES &&
	       (at = next_signature(buf, len, at)) != 0) {
		opened++;
		rc = archive_extract_guess(c, buf + at, len - at);
		at++;
	}
	return rc;
}
