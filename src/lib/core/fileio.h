/*
 * fileio.h -- read-only mapping of a whole regular file.
 */
#ifndef VIGIL_CORE_FILEIO_H
#define VIGIL_CORE_FILEIO_H

#include <stddef.h>

struct filemap {
	void *map;	/* NULL for an empty file */
	size_t len;
};

/* Returns 0, VIGIL_ENOENT, VIGIL_ETYPE (not a regular file) or VIGIL_EIO;
 * errno tells the cause. */
int filemap_open(const char *path, struct filemap *fm);
void filemap_close(struct filemap *fm);
/* Writes len bytes to path through a temporary file renamed into place. */
int file_write_atomic(const char *path, const void *buf, size_t len);

#endif
