/*
 * dbstat.h -- what an engine was loaded from, kept to tell later whether
 * it has changed (vigil_engine_changed()): each directory's listing of
 * database files (names, inodes, sizes, times) as one sum, and each file
 * loaded with its identity, so that a .vdb the engine reads in place and
 * someone wrote over (same inode, new size, time or header) is told apart
 * from one replaced by a rename.
 */
#ifndef VIGIL_CORE_DBSTAT_H
#define VIGIL_CORE_DBSTAT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define DBSTAT_HEAD_BYTES 64

struct dbstat_file {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	int64_t mtime_ns;
	int mapped;		/* read in place for the engine's life */
	/* a .vdb's header as loaded (its checksum of the rest): a write in
	 * place of the same size within one tick of the file system's
	 * clock leaves the size and time as they were, not the header */
	uint8_t head[DBSTAT_HEAD_BYTES];
	size_t nhead;
};

struct dbstat_dir {
	char *path;
	uint64_t sum;
};

struct dbstat {
	struct dbstat_file *f;
	size_t nf, capf;
	struct dbstat_dir *d;
	size_t nd, capd;
};

/* Records a file loaded (st: its stat at the load); 0 or VIGIL_ENOMEM. */
int dbstat_add_file(struct dbstat *s, const char *path, const struct stat *st,
		    int mapped);
/* Notes the first bytes of path (recorded, mapped) as the load read
 * them, compared by dbstat_check() when its size and time are unchanged. */
void dbstat_note_head(struct dbstat *s, const char *path, const void *head,
		      size_t n);
/* Records a directory loaded, its listing now; 0, VIGIL_ENOMEM or
 * VIGIL_EIO. */
int dbstat_add_dir(struct dbstat *s, const char *path);
/* 0 (unchanged), 1 (changed: files added, removed or replaced) or 2 (a
 * mapped file written over in place). */
int dbstat_check(const struct dbstat *s);
void dbstat_free(struct dbstat *s);

#endif
