/*
 * fileio.c -- whole-file mapping for databases, and atomic writes: a
 * reader sees the old file or the new one, never a partial one.
 */
#define _GNU_SOURCE
#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>
#include <xxhash.h>

#include "common/fdio.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

int file_sum_fd(int fd, size_t skip, size_t len, uint64_t *sum)
{
	XXH3_state_t *st = XXH3_createState();
	uint8_t *buf = malloc(FILEIO_SUM_BLOCK_BYTES);
	size_t off = skip;
	int rc = -1;

	if (!st || !buf || XXH3_64bits_reset(st) != XXH_OK)
		goto out;
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	while (off < len) {
		size_t want = len - off < FILEIO_SUM_BLOCK_BYTES ?
				      len - off :
				      FILEIO_SUM_BLOCK_BYTES;
		ssize_t n = pread(fd, buf, want, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		XXH3_64bits_update(st, buf, (size_t)n);
		off += (size_t)n;
	}
	*sum = XXH3_64bits_digest(st);
	rc = 0;
out:
	free(buf);
	XXH3_freeState(st);
	return rc;
}

int filemap_open(const char *path, struct filemap *fm)
{
	return filemap_open_summed(path, fm, SIZE_MAX, NULL);
}

int file_read_append(int fd, size_t size, struct vbuf *b)
{
	size_t got = 0;

	if (vbuf_reserve(b, size) < 0)
		return VIGIL_ENOMEM;
	while (got < size) {
		ssize_t n = pread(fd, b->data + b->len + got, size - got,
				  (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return VIGIL_EIO;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	b->len += got;
	return 0;
}

int file_read_whole(int fd, size_t size, struct vbuf *b)
{
	b->len = 0;
	return file_read_append(fd, size, b);
}

/* The regular file at path opened, its status in *st: the descriptor,
 * or VIGIL_ENOENT, VIGIL_ETYPE (errno EINVAL) or VIGIL_EIO. */
static int open_regular(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return errno == ENOENT ? VIGIL_ENOENT : VIGIL_EIO;
	if (fstat(fd, st) < 0) {
		close(fd);
		return VIGIL_EIO;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		errno = EINVAL;
		return VIGIL_ETYPE;
	}
	return fd;
}

int file_read_small(const char *path, size_t max, struct vbuf *b)
{
	struct stat st;
	int fd = open_regular(path, &st), rc;

	if (fd < 0)
		return fd;
	rc = (uint64_t)st.st_size > max ?
		     1 :
		     file_read_whole(fd, (size_t)st.st_size, b);
	close(fd);
	return rc;
}

int filemap_open_summed(const char *path, struct filemap *fm, size_t skip,
			uint64_t *sum)
{
	return filemap_open_known(path, fm, skip, sum, NULL, NULL);
}

int filemap_open_known(const char *path, struct filemap *fm, size_t skip,
		       uint64_t *sum,
		       int (*known)(void *, int, const struct stat *,
				    uint64_t *),
		       void *ctx)
{
	struct stat st;
	int fd, rc = 0;

	fm->map = NULL;
	fm->len = 0;
	if ((fd = open_regular(path, &st)) < 0)
		return fd;
	if (st.st_size > 0) {
		if ((uint64_t)st.st_size > SIZE_MAX) {
			errno = EFBIG;
			rc = VIGIL_EIO;
		} else if (sum && (size_t)st.st_size > skip &&
			   !(known && known(ctx, fd, &st, sum)) &&
			   file_sum_fd(fd, skip, (size_t)st.st_size, sum) < 0) {
			rc = VIGIL_EIO;
		} else {
			fm->len = (size_t)st.st_size;
			fm->map = mmap(NULL, fm->len, PROT_READ, MAP_PRIVATE,
				       fd, 0);
			if (fm->map == MAP_FAILED) {
				fm->map = NULL;
				rc = VIGIL_EIO;
			} else {
				mapping_zero_holes(fd, fm->map, fm->len);
			}
		}
	}
	close(fd);
	return rc;
}

/* MADV_WILLNEED reads ahead at most a few MiB a call (8 MiB on Linux
 * 6.18), so the file is asked for in pieces of that size. Asking costs a
 * look-up of every page of the piece even where all are in the page
 * cache (a generated full-size feed's .vdb of 554 MB: 3-4 ms of a 62 ms
 * load), so a piece is asked for only where one of a page in each MiB
 * of it is not (mincore(), a call of one page each: 0.2 ms for that
 * file). */
#define AHEAD_BYTES ((size_t)8 << 20)
#define PROBE_BYTES ((size_t)1 << 20)

/* 1 if a page in each PROBE_BYTES of the piece at p is in the page
 * cache. */
static int piece_cached(uint8_t *p, size_t len)
{
	unsigned char in;

	for (size_t o = 0; o < len; o += PROBE_BYTES)
		if (mincore(p + o, 1, &in) < 0 || !(in & 1))
			return 0;
	return 1;
}

void filemap_random_ahead(const struct filemap *fm)
{
	if (!fm->map)
		return;
	(void)madvise(fm->map, fm->len, MADV_RANDOM);
	for (size_t o = 0; o < fm->len; o += AHEAD_BYTES) {
		uint8_t *p = (uint8_t *)fm->map + o;
		size_t n = fm->len - o < AHEAD_BYTES ? fm->len - o : AHEAD_BYTES;

		if (!piece_cached(p, n))
			(void)madvise(p, n, MADV_WILLNEED);
	}
}

/* Holes found with SEEK_HOLE and SEEK_DATA; the anonymous pages given
 * MADV_HUGEPAGE, for the huge zero page where it is allowed. */
void mapping_zero_holes(int fd, void *map, size_t len)
{
	uint8_t *m = map;
	uintptr_t pb = (uintptr_t)sysconf(_SC_PAGESIZE);
	off_t was = lseek(fd, 0, SEEK_CUR), hole = 0, data;
	uintptr_t lo, hi;

	while ((hole = lseek(fd, hole, SEEK_HOLE)) >= 0 && (size_t)hole < len) {
		if ((data = lseek(fd, hole, SEEK_DATA)) < 0 && errno != ENXIO)
			break; /* not known: the pages read as they are */
		if (data < 0 || (size_t)data > len)
			data = (off_t)len; /* ENXIO: a hole to the end */
		lo = ((uintptr_t)hole + pb - 1) & ~(pb - 1);
		hi = (size_t)data == len ? ((uintptr_t)len + pb - 1) & ~(pb - 1) :
					     (uintptr_t)data & ~(pb - 1);
		if (hi > lo && mmap(m + lo, hi - lo, PROT_READ,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				    -1, 0) != MAP_FAILED)
			madvise(m + lo, hi - lo, MADV_HUGEPAGE);
		hole = data;
	}
	if (was >= 0)
		lseek(fd, was, SEEK_SET);
}

void mapping_release(const void *p, size_t len)
{
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = ((uintptr_t)p + pg - 1) & ~(pg - 1),
		  hi = ((uintptr_t)p + len) & ~(pg - 1);

	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

void filemap_close(struct filemap *fm)
{
	if (fm->map)
		munmap(fm->map, fm->len);
	fm->map = NULL;
	fm->len = 0;
}

int file_write_atomic(const char *path, const void *buf, size_t len)
{
	char tmp[4200];
	int fd, saved;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return VIGIL_EIO;
	if (fd_write_all(fd, buf, len) < 0 || fsync(fd) < 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		return VIGIL_EIO;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		return VIGIL_EIO;
	}
	return 0;
}
