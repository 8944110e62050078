/*
 * fileio.h -- read-only mapping of a whole regular file, and writes that
 * finish or fail whole.
 */
#ifndef VIGIL_UTIL_FILEIO_H
#define VIGIL_UTIL_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define FILEIO_SUM_BLOCK_BYTES (1u << 20)

struct filemap {
	void *map;	/* NULL for an empty file */
	size_t len;
};

/* Returns 0, VIGIL_ENOENT, VIGIL_ETYPE (not a regular file) or VIGIL_EIO;
 * errno tells the cause. */
int filemap_open(const char *path, struct filemap *fm);
/*
 * As filemap_open(), and also computes the XXH3-64 of bytes [skip, end)
 * into *sum through read(), so that checking a large file does not leave
 * it resident.
 */
int filemap_open_summed(const char *path, struct filemap *fm, size_t skip,
			uint64_t *sum);
/*
 * As filemap_open_summed(), but first asks known(ctx, fd, st, sum) about
 * the open file: 1 when it has set *sum itself (a file known unchanged
 * since it was summed), 0 to have it computed.
 */
int filemap_open_known(const char *path, struct filemap *fm, size_t skip,
		       uint64_t *sum,
		       int (*known)(void *, int, const struct stat *,
				    uint64_t *),
		       void *ctx);
/* The XXH3-64 of bytes [skip, len) of fd into *sum, read in blocks of
 * FILEIO_SUM_BLOCK_BYTES, never mapped: 0, or -1 if it could not be read
 * (or ended early). */
int file_sum_fd(int fd, size_t skip, size_t len, uint64_t *sum);
struct vbuf;
/*
 * Reads size bytes of regular file fd from its start, whatever its
 * offset, into b (replacing what it held; fewer if the file shrank, as a
 * mapping would show): 0, VIGIL_ENOMEM or VIGIL_EIO (never an empty
 * file for one that could not be read).
 */
int file_read_whole(int fd, size_t size, struct vbuf *b);
/* The same, appending to what b holds. */
int file_read_append(int fd, size_t size, struct vbuf *b);
/*
 * The regular file at path read whole into b (replacing what it held)
 * where it is at most max bytes: 0, or 1 (b untouched) if it is larger,
 * else filemap_open()'s errors or VIGIL_ENOMEM. A buffer reused from file
 * to file costs a copy where a mapping costs its making, page faults and
 * its undoing.
 */
int file_read_small(const char *path, size_t max, struct vbuf *b);
/*
 * A sparse file's holes (a disk image's) read as zeros through a mapping
 * of it, the kernel allocating and clearing a page-cache page for each 4
 * KiB: a 10 GB image of 10 MiB of data took 25 s and 10 GiB of RSS and
 * page cache. This maps anonymous pages over the whole pages of the holes
 * in the len bytes of fd mapped at map, which read as the same zeros from
 * the one zero page. fd's offset is put back.
 */
void mapping_zero_holes(int fd, void *map, size_t len);
/*
 * Looked up at random places (MADV_RANDOM: a fault that has to read reads
 * its own page, not a window around it), but the whole file read into
 * the page cache ahead, without waiting for it: a database's
 * hash sets are met at a page in each of thousands of files, and where
 * the file had left the page cache each of those pages cost a read of
 * its own (bench/run.sh's 63 MiB .vdb dropped from the page cache before
 * each one-thread scan of its corpus, builds alternating: 9,065 reads of
 * a page and 1.77-1.95 s; read ahead, none and 1.20-1.28 s).
 */
void filemap_random_ahead(const struct filemap *fm);
/*
 * The pages that lie whole in [p, p + len) of a read-only file mapping
 * (MAP_PRIVATE, never written) handed back: they stay in the page cache,
 * and a later read maps them again. What a load read to check a file
 * then no longer counts in the process's memory, and a reload's new
 * generation does not count twice (vigild's RELOAD over a generated
 * full-size feed: PSS after a reload 443-451 MiB before, 398-406 after). Never
 * on other memory: anonymous pages would read back as zeros.
 */
void mapping_release(const void *p, size_t len);
void filemap_close(struct filemap *fm);
/* Writes len bytes to path through a temporary file renamed into place. */
int file_write_atomic(const char *path, const void *buf, size_t len);

#endif
