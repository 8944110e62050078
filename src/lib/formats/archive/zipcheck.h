/*
 * zipcheck.h -- checks on a zip archive's structure before unpacking.
 */
#ifndef VIGIL_FORMATS_ZIPCHECK_H
#define VIGIL_FORMATS_ZIPCHECK_H

#include <stddef.h>
#include <stdint.h>

/* A zip's central directory: each entry's name and compressed size. */
struct zipdir_entry {
	const uint8_t *name;	/* into the archive, not NUL-terminated */
	uint16_t name_len;
	uint16_t flags;		/* general purpose bits */
	uint16_t method;
	uint32_t crc;		/* CRC-32 of the uncompressed data */
	uint64_t csize, usize;
	uint64_t data;		/* offset of the entry's data, 0 if unknown */
};

struct zipdir {
	struct zipdir_entry *e;
	size_t n;
	int overlap;		/* two entries' data overlap: a zip bomb */
};

/* Reads the central directory, if there is one; 0 or VIGIL_ENOMEM. */
int zipdir_read(const uint8_t *buf, size_t len, struct zipdir *d);
/* The entry named name, or NULL. */
const struct zipdir_entry *zipdir_find(const struct zipdir *d,
				       const char *name);
void zipdir_free(struct zipdir *d);

#endif
