/*
 * zipdir.h -- a zip archive's central directory, found as unzip finds it:
 * from the end-of-central-directory record in the last 64 KiB of the
 * object, whatever comes before the archive (a self-extractor's stub, a
 * JPEG or PDF of a polyglot, junk), with zip64 records and sizes. Every
 * record is kept in order, duplicate names included, with where its data
 * starts (from its local header); entries whose data overlap, the mark of
 * the non-recursive zip bomb, are flagged.
 */
#ifndef VIGIL_FORMATS_ARCHIVE_ZIPDIR_H
#define VIGIL_FORMATS_ARCHIVE_ZIPDIR_H

#include <stddef.h>
#include <stdint.h>

/* Records read from one directory at most; more are reported. */
#define ZIPDIR_MAX_ENTRIES (1u << 20)

struct zipdir_entry {
	const uint8_t *name;	/* into the archive, not NUL-terminated */
	uint16_t name_len;
	uint16_t flags;		/* general purpose bits */
	uint16_t method;
	uint32_t crc;		/* CRC-32 of the uncompressed data */
	uint64_t csize, usize;
	uint64_t data;		/* offset of the entry's data in the object;
				 * 0: its local header is not where the
				 * directory says */
};

struct zipdir {
	struct zipdir_entry *e;
	size_t n;
	uint64_t base;		/* bytes before the archive (a prefix) */
	int overlap;		/* two entries' data overlap: a zip bomb */
	int truncated;		/* more records than ZIPDIR_MAX_ENTRIES, or
				 * the directory ends before its count */
};

/* Reads the central directory, if there is one (d->n == 0 if not): 0 or
 * VIGIL_ENOMEM. */
int zipdir_read(const uint8_t *buf, size_t len, struct zipdir *d);
void zipdir_free(struct zipdir *d);

#endif
