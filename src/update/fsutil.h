/*
 * fsutil.h -- files for the update tools: written whole or not at all
 * (temporary name, fsync, rename, fsync of the directory), read with a
 * cap, directories made as needed.
 */
#ifndef VIGIL_UPDATE_FSUTIL_H
#define VIGIL_UPDATE_FSUTIL_H

#include <stddef.h>

int upd_mkdir_p(const char *dir, unsigned mode);
/* Replaces path atomically with len bytes of buf. -1 with errno. */
int upd_write_atomic(const char *path, const void *buf, size_t len);
/* Reads a whole file of at most cap bytes into a new buffer (NUL added). */
char *upd_read_file(const char *path, size_t cap, size_t *len);
/* fsync of the directory holding path (after a rename into it). */
int upd_sync_parent(const char *path);

/* Removes a file, or a directory and the files in it (one level: the
 * update's version directories hold files only). 0, or -1 with errno. */
int upd_remove_tree(const char *path);

#endif
