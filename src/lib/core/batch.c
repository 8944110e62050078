/*
 * batch.c -- files scanned a batch at a time (vigil_scanner_scan_paths):
 * the small ones read first, one after another into one buffer (up to
 * SCANNER_BATCH_FILES of them, SCANNER_BATCH_BYTES in all), and the MD5
 * and SHA-256 hash signatures want of each computed together (mblanes.c:
 * the more files, the more of its lanes stay busy while the longest
 * finish); then each scanned in order, with its digests given, as
 * vigil_scanner_scan_path() scans it. A file that cannot be read ahead
 * (too big, not regular, gone, unreadable) is left to
 * vigil_scanner_scan_path() at its turn, which tells why.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/md5many.h"
#include "core/sha256many.h"
#include "core/scanner_int.h"
#include "util/fileio.h"
#include "vigil/vigil.h"

/* Where the files of a batch lie in s->ahead (len 0: not read ahead). */
struct batch {
	size_t off[SCANNER_BATCH_FILES], len[SCANNER_BATCH_FILES];
	struct digests d[SCANNER_BATCH_FILES];
};

/* Appends path to s->ahead if it is a regular file of 1 to
 * SCANNER_BATCH_FILE_BYTES bytes: its length, 0 if not read, or
 * SIZE_MAX if it would take the buffer past SCANNER_BATCH_BYTES. */
static size_t read_ahead(struct vigil_scanner *s, const char *path)
{
	struct vbuf *b = &s->ahead;
	size_t was = b->len, n = 0;
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    st.st_size <= SCANNER_BATCH_FILE_BYTES) {
		if (was && was + (size_t)st.st_size > SCANNER_BATCH_BYTES)
			n = SIZE_MAX;
		else if (file_read_append(fd, (size_t)st.st_size, b) == 0)
			n = b->len - was;
		else
			b->len = was;
	}
	close(fd);
	return n;
}

/* The digests of algorithm a (MD5 or SHA-256) of the files read that
 * some hash signature wants it of, those of many at once; the others'
 * left empty. Without memory, none. */
static void digest_ahead(struct vigil_scanner *s, struct batch *t, size_t k,
			 int a)
{
	const uint8_t *buf[SCANNER_BATCH_FILES];
	size_t len[SCANNER_BATCH_FILES], which[SCANNER_BATCH_FILES], m = 0;
	uint8_t md5[SCANNER_BATCH_FILES][16], sha[SCANNER_BATCH_FILES][32];
	int rc;

	for (size_t j = 0; j < k; j++)
		if (t->len[j] && (hashscan_wanted(s->e, HT_FILE, t->len[j]) &
				  (1u << a))) {
			buf[m] = s->ahead.data + t->off[j];
			len[m] = t->len[j];
			which[m++] = j;
		}
	if (m < 2)
		return; /* one alone: no faster here than in its scan */
	rc = a == HASH_MD5 ? md5_many(buf, len, m, md5) :
			     sha256_many(buf, len, m, sha);
	if (rc != 0)
		return;
	for (size_t i = 0; i < m; i++) {
		memcpy(t->d[which[i]].d[a], a == HASH_MD5 ? md5[i] : sha[i],
		       a == HASH_MD5 ? 16 : 32);
		t->d[which[i]].have |= 1u << a;
	}
}

/* One file read ahead, at buf, with digests d. */
static int scan_ahead(struct vigil_scanner *s, const char *path,
		      const uint8_t *buf, size_t len, const struct digests *d,
		      struct vigil_result *res)
{
	int rc;

	s->name = path;
	s->top_d = *d;
	s->top_d_buf = buf;
	s->top_d_len = len;
	rc = scanner_scan_object(s, buf, len, res);
	s->top_d_buf = NULL;
	s->name = s->given_name;
	return rc;
}

/* Up to k files from paths[0] (number first of the call), as many as the
 * buffer takes: how many were scanned, or SIZE_MAX if fn stopped. */
static size_t batch(struct vigil_scanner *s, const char *const *paths,
		    size_t k, size_t first, vigil_path_fn fn, void *ctx)
{
	struct batch t;
	size_t j;

	memset(t.d, 0, sizeof(t.d));
	s->ahead.len = 0;
	for (j = 0; j < k; j++) {
		t.off[j] = s->ahead.len;
		if ((t.len[j] = read_ahead(s, paths[j])) == SIZE_MAX)
			break;
	}
	k = j;
	digest_ahead(s, &t, k, HASH_MD5);
	digest_ahead(s, &t, k, HASH_SHA256);
	for (j = 0; j < k; j++) {
		struct vigil_result r = { .size = sizeof(r) };
		int rc = t.len[j] ? scan_ahead(s, paths[j],
					       s->ahead.data + t.off[j],
					       t.len[j], &t.d[j], &r) :
				    vigil_scanner_scan_path(s, paths[j], &r);

		if (fn(ctx, first + j, rc, rc ? NULL : &r))
			return SIZE_MAX;
	}
	return k;
}

int vigil_scanner_scan_paths(struct vigil_scanner *s,
			     const char *const *paths, size_t n,
			     vigil_path_fn fn, void *ctx)
{
	size_t i, k;

	if (!s || !fn || (n && !paths))
		return VIGIL_EINVAL;
	for (i = 0; i < n; i++)
		if (!paths[i])
			return VIGIL_EINVAL;
	if (s->stream.open)
		return VIGIL_ESTATE;
	for (i = 0; i < n; i += k) {
		k = n - i < SCANNER_BATCH_FILES ? n - i : SCANNER_BATCH_FILES;
		if ((k = batch(s, paths + i, k, i, fn, ctx)) == SIZE_MAX)
			break;
	}
	return 0;
}
