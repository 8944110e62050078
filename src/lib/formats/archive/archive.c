/*
 * archive.c -- archives and compressed streams through libarchive: 7z,
 * rar, cab, cpio, tar, ar, iso9660, xar, lha, and gzip, bzip2, xz, lzma,
 * zstd, compress around any of them or around plain data; a zip whose
 * central directory is found is read by zip.c, one without by libarchive
 * (which walks its local headers). Every entry's data, whatever the mode
 * its attributes claim, is read into memory (never a temporary file),
 * within fmt_max_child() bytes and the compression-ratio guard, and handed
 * to fmt_child(). Encrypted entries are reported, never passed as clean.
 */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "formats/archive/sevenz.h"
#include "formats/archive/sevenzhdr.h"
#include "formats/archive/zip.h"
#include "formats/archive/zipdir.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

int archive_probe(const uint8_t *buf, size_t len, int type)
{
	(void)buf;
	(void)len;
	return type == VIGIL_TYPE_ARCHIVE || type == VIGIL_TYPE_COMPRESSED;
}

/*
 * The readers enabled: every archive format libarchive reads except mtree,
 * whose entries name files on the local disk that must never be opened.
 */
static void enable_formats(struct archive *a, int compressed)
{
	archive_read_support_filter_all(a);
	archive_read_support_format_7zip(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_iso9660(a);
	archive_read_support_format_lha(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_zip(a);
	if (compressed)
		archive_read_support_format_raw(a);
}

/* What an entry that cannot be read is reported as, by the archive's
 * family: encrypted, or there in a form libarchive cannot decode. */
static const char *heuristic(struct archive *a, int broken)
{
	switch (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) {
	case ARCHIVE_FORMAT_ZIP:
		return broken ? "Heuristics.Broken.Zip" :
				"Heuristics.Encrypted.Zip";
	case ARCHIVE_FORMAT_RAR:
	case ARCHIVE_FORMAT_RAR_V5:
		return broken ? "Heuristics.Broken.RAR" :
				"Heuristics.Encrypted.RAR";
	case ARCHIVE_FORMAT_7ZIP:
		return broken ? "Heuristics.Broken.7Zip" :
				"Heuristics.Encrypted.7Zip";
	default:
		return broken ? "Heuristics.Broken.Archive" :
				"Heuristics.Encrypted.Archive";
	}
}

/*
 * The size an entry claims, 0 if none. A format that stores its entries
 * as they are (cpio, tar, ar, ISO 9660), outside any compression, cannot
 * hold an entry larger than the input: such a claim is damage, not a
 * size over the limit (random bytes after a binary cpio's two-byte magic
 * claim megabytes), and the entry is read as far as it goes.
 */
static la_int64_t claimed_size(struct archive *a, struct archive_entry *ent,
			       size_t inlen)
{
	la_int64_t n = archive_entry_size_is_set(ent) ? archive_entry_size(ent) :
							 0;

	switch (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) {
	case ARCHIVE_FORMAT_CPIO:
	case ARCHIVE_FORMAT_TAR:
	case ARCHIVE_FORMAT_AR:
	case ARCHIVE_FORMAT_ISO9660:
		if (n > 0 && (uint64_t)n > inlen &&
		    archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE)
			return 0;
		break;
	}
	return n;
}

/*
 * One block libarchive handed back, at its offset in the entry: a gap
 * before it (a sparse tar's hole) reads as zeros. 0, 1 (too big), or
 * VIGIL_ENOMEM; FMT_DAMAGED for a block before one already read.
 */
static int put_block(struct fmt_ctx *c, struct vbuf *b, const void *p,
		     size_t n, la_int64_t at, size_t inlen)
{
	size_t max = fmt_max_child(c);

	if (at < 0 || (uint64_t)at < b->len)
		return FMT_DAMAGED;
	if ((uint64_t)at > max || n > max - (size_t)at)
		return 1;
	if (vbuf_reserve(b, (size_t)at + n - b->len) < 0)
		return VIGIL_ENOMEM;
	memset(b->data + b->len, 0, (size_t)at - b->len);
	if (n)
		memcpy(b->data + at, p, n);
	b->len = (size_t)at + n;
	return fmt_ratio_exceeded(c, b->len, inlen) || fmt_expired(c);
}

/*
 * Reads the current entry into b: 0, 1 (too big or bomb), VIGIL_ENOMEM
 * or FMT_DAMAGED. Block by block, so that what an entry cut short holds
 * is kept: archive_read_data() drops the bytes of its last call at an
 * error, and a tar whose member claims more than is there (what GNU tar
 * extracts as far as it goes) would hide that member's bytes.
 */
static int read_entry(struct fmt_ctx *c, struct archive *a,
		      struct archive_entry *ent, size_t inlen, struct vbuf *b)
{
	la_int64_t hint = claimed_size(a, ent, inlen);
	int r;

	b->len = 0;
	if (hint < 0 || (uint64_t)hint > fmt_max_child(c))
		return 1;
	if (hint && vbuf_reserve(b, (size_t)hint) < 0)
		return VIGIL_ENOMEM;
	for (;;) {
		const void *p = NULL;
		size_t n = 0;
		la_int64_t at = 0;

		r = archive_read_data_block(a, &p, &n, &at);
		if (r == ARCHIVE_EOF) /* at: its end, past a sparse tail */
			return at > (la_int64_t)b->len ?
				       put_block(c, b, p, 0, at, inlen) :
				       0;
		if ((r != ARCHIVE_OK && r != ARCHIVE_WARN) || (n && !p))
			return FMT_DAMAGED;
		if ((r = put_block(c, b, p, n, at, inlen)) != 0)
			return r;
	}
}

static const char *entry_name(struct archive_entry *ent)
{
	const char *n = archive_entry_pathname(ent);

	return n && *n ? n : "?";
}

/* The target of a symbolic or hard link, as an object of its own when it
 * is not a plain path (a payload can hide there). */
static int link_target(struct fmt_ctx *c, struct archive_entry *ent,
		       const char *name)
{
	const char *t = archive_entry_symlink(ent);
	char label[512];

	if (!t)
		t = archive_entry_hardlink(ent);
	if (!t || !*t)
		return 0;
	snprintf(label, sizeof(label), "%s (link target)", name);
	return fmt_child(c, label, (const uint8_t *)t, strlen(t));
}

/* One entry: 0 to go on, 1 to stop, or an error. */
/* An entry's data could not be read to its end: what was read is scanned;
 * data there in a form libarchive cannot decode (what an attacker would
 * hide in) or encrypted is reported, never clean. */
static int read_failed(struct fmt_ctx *c, struct archive *a,
		       struct archive_entry *ent, const char *name,
		       const struct vbuf *b)
{
	const char *err = archive_error_string(a);

	if (archive_entry_is_encrypted(ent) ||
	    archive_read_has_encrypted_entries(a) > 0)
		return fmt_unreadable(c, heuristic(a, 0));
	fmt_warn(c, "entry %s: %s (%zu bytes read)", name,
		 err ? err : "read error", b->len);
	if (!b->len && err && strstr(err, "nsupported"))
		return fmt_unreadable(c, heuristic(a, 1));
	return b->len ? fmt_child(c, name, b->data, b->len) : 0;
}

/* The entry's metadata, for container metadata signatures: libarchive
 * tells the size and whether it is encrypted, not the stored size. */
static int announce(struct fmt_ctx *c, struct archive_entry *ent,
		    const char *name)
{
	struct fmt_entry m = { name, FMT_UNKNOWN, FMT_UNKNOWN,
			       archive_entry_is_encrypted(ent), 0, 0 };

	if (archive_entry_size_is_set(ent) && archive_entry_size(ent) >= 0)
		m.size = (uint64_t)archive_entry_size(ent);
	return fmt_entry(c, &m);
}

static int entry(struct fmt_ctx *c, struct archive *a,
		 struct archive_entry *ent, size_t inlen, struct vbuf *b)
{
	const char *name = entry_name(ent);
	int r;

	/* Whatever the mode says (directory, link, device, FIFO, socket: the
	 * attacker writes it), the data an entry holds is what unzip and
	 * Python write to a file: it is read and scanned. A link's target,
	 * which some formats keep apart from the data, is text to scan too. */
	if ((r = link_target(c, ent, name)) != 0 || (r = announce(c, ent, name)))
		return r;
	if (archive_entry_is_encrypted(ent))
		return fmt_unreadable(c, heuristic(a, 0));
	r = read_entry(c, a, ent, inlen, b);
	if (r == 1)
		return fmt_expired(c) ? 1 : fmt_too_big(c, name);
	if (r == VIGIL_ENOMEM)
		return r; /* not damage: never clean */
	if (r < 0)
		return read_failed(c, a, ent, name, b);
	return fmt_child(c, name, b->data, b->len);
}

/*
 * The archive stopped at an error: encrypted headers, or damage. Only ask
 * about encryption once a format was chosen (opened): libarchive 3.6 reads
 * past its format table when the open found no format.
 */
static int failed(struct fmt_ctx *c, struct archive *a, int opened,
		  const char *what)
{
	const char *err = archive_error_string(a);

	if ((opened && archive_read_has_encrypted_entries(a) > 0) ||
	    (err && strstr(err, "ncrypt")))
		return fmt_unreadable(c, heuristic(a, 0));
	fmt_warn(c, "%s: %s", what, err ? err : "damaged");
	return 0;
}

/* Through libarchive, which walks local headers; quiet: an archive that
 * does not open was only a guess (embedded.c), not worth a warning. */
static int la_stream(struct fmt_ctx *c, const uint8_t *buf, size_t len,
		     int quiet)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ent;
	struct vbuf b = { 0 };
	int rc = 0, r;

	if (!a)
		return VIGIL_ENOMEM;
	enable_formats(a, fmt_type(c) == VIGIL_TYPE_COMPRESSED);
	if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK) {
		rc = quiet ? 0 : failed(c, a, 0, "unreadable archive");
		goto out;
	}
	/* a compressed stream no decoder took (its header is damaged: one
	 * random file in 65,536 starts as a .Z does): the raw reader would
	 * hand back the input itself, to be read again as one until the
	 * depth limit */
	if (fmt_type(c) == VIGIL_TYPE_COMPRESSED &&
	    archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE) {
		fmt_warn(c, "compressed stream: no decoder takes its header");
		goto out;
	}
	while (!rc && (r = archive_read_next_header(a, &ent)) != ARCHIVE_EOF) {
		if (r < ARCHIVE_WARN) {
			rc = failed(c, a, 1, "archive");
			break;
		}
		/* the time limit holds for entries without data too */
		rc = fmt_expired(c) ? 1 : entry(c, a, ent, len, &b);
	}
out:
	archive_read_free(a);
	vbuf_free(&b);
	return rc;
}

/*
 * A 7z, by sevenz.c (by libarchive when that reader does not take it),
 * then each 7z appended after the one before, up to SEVENZ_MAX_APPENDED
 * (the embedded pass does not open a 7z inside an object that is one).
 * Stops at one libarchive read: where it ended is not known.
 */
static int sevenz_chain(struct fmt_ctx *c, const uint8_t *buf, size_t len,
			int quiet)
{
	size_t at = 0, end = 0;
	int rc = 0;

	for (unsigned k = 0; !rc && k <= SEVENZ_MAX_APPENDED; k++) {
		const uint8_t *next;

		if (k) {
			next = end < len - at ?
				       memmem(buf + at + end, len - at - end,
					      "7z\xbc\xaf\x27\x1c", 6) :
				       NULL;
			if (!next)
				break;
			at = (size_t)(next - buf);
		}
		end = 0;
		rc = sevenz_extract(c, buf + at, len - at, &end);
		if (rc == SEVENZ_OTHER)
			return la_stream(c, buf + at, len - at, quiet || k);
		if (end < SZ_SIG_BYTES)
			break;
	}
	return rc;
}

static int stream(struct fmt_ctx *c, const uint8_t *buf, size_t len,
		  int quiet)
{
	return sevenz_is(buf, len) ? sevenz_chain(c, buf, len, quiet) :
				     la_stream(c, buf, len, quiet);
}

int archive_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct zipdir zd = { 0 };
	int rc, zip = len >= 4 && !memcmp(buf, "PK", 2) && buf[2] < 9 &&
		      buf[3] < 9;

	if (zip && zipdir_read(buf, len, &zd) < 0)
		return VIGIL_ENOMEM;
	if (!zd.n) { /* not a zip, or one without a directory */
		zipdir_free(&zd);
		return stream(c, buf, len, 0);
	}
	/* a zip with its directory, read as unzip reads it; a directory that
	 * belongs to an archive further on (a zip appended to a zip) leaves
	 * the one at the start to be walked by its local headers */
	rc = zip_extract(c, buf, len, &zd);
	if (!rc && zd.base > 0)
		rc = stream(c, buf, (size_t)zd.base, 0);
	zipdir_free(&zd);
	return rc;
}

int archive_extract_guess(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	return stream(c, buf, len, 1);
}
