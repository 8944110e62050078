/*
 * dbstat.h -- what an engine was loaded from, kept to tell later whether
 * it has changed (vigil_engine_changed()): each directory's listing of
 * database files (names, inodes, sizes, times) as one sum, and each file
 * loaded with its identity, so that a .vdb the engine reads in place and
 * someone wrote over (same inode, new size or time) is told apart from
 * one replaced by a rename.
 */
#ifndef VIGIL_CORE_DBSTAT_H
#define VIGIL_CORE_DBSTAT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct dbstat_file {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	int64_t mtime_ns;
	int mapped;		/* read in place for the engine's life */
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
/* Records a directory loaded, its listing now; 0, VIGIL_ENOMEM or
 * VIGIL_EIO. */
int dbstat_add_dir(struct dbstat *s, const char *path);
/* 0 (unchanged), 1 (changed: files added, removed or replaced) or 2 (a
 * mapped file written over in place). */
int dbstat_check(const struct dbstat *s);
void dbstat_free(struct dbstat *s);

#endif
