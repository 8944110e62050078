/*
 * stream.c -- objects that arrive in chunks. Chunks are kept (in memory,
 * then in a memfd past STREAM_SPILL_BYTES) and the whole object is matched
 * at the end, so that a match spanning chunks, end-of-file offsets and
 * file hashes all behave exactly as for a file. Past max_filesize nothing
 * more is kept and the verdict is the limit, never clean.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/fdio.h"
#include "core/scanner_int.h"

int vigil_scanner_stream_begin(struct vigil_scanner *s)
{
	if (!s)
		return VIGIL_EINVAL;
	if (s->stream.open)
		return VIGIL_ESTATE;
	s->stream.open = 1;
	s->stream.len = 0;
	s->stream.total = 0;
	s->stream.over = 0;
	if (s->stream.fd >= 0) {
		close(s->stream.fd);
		s->stream.fd = -1;
	}
	return 0;
}

static int spill(struct stream *st)
{
	if ((st->fd = memfd_create("vigil-stream", MFD_CLOEXEC)) < 0)
		return VIGIL_EIO;
	if (fd_write_all(st->fd, st->buf, st->len) < 0)
		return VIGIL_EIO;
	st->len = 0;
	return 0;
}

static int keep(struct stream *st, const uint8_t *p, size_t n)
{
	if (st->fd < 0 && st->len + n > STREAM_SPILL_BYTES && spill(st) < 0)
		return VIGIL_EIO;
	if (st->fd >= 0)
		return fd_write_all(st->fd, p, n) < 0 ? VIGIL_EIO : 0;
	if (st->len + n > st->cap) {
		size_t cap = st->cap ? st->cap : 65536;
		uint8_t *b;

		while (cap < st->len + n)
			cap *= 2;
		if (!(b = realloc(st->buf, cap)))
			return VIGIL_ENOMEM;
		st->buf = b;
		st->cap = cap;
	}
	memcpy(st->buf + st->len, p, n);
	st->len += n;
	return 0;
}

int vigil_scanner_stream_write(struct vigil_scanner *s, const void *buf,
			       size_t len)
{
	struct stream *st;

	if (!s || (!buf && len))
		return VIGIL_EINVAL;
	st = &s->stream;
	if (!st->open)
		return VIGIL_ESTATE;
	st->total += len;
	if (st->over || st->total > s->opts.max_filesize) {
		st->over = 1;
		return 0;
	}
	return keep(st, buf, len);
}

static int end_spilled(struct vigil_scanner *s, struct vigil_result *res)
{
	size_t n = (size_t)s->stream.total;
	void *map = mmap(NULL, n, PROT_READ, MAP_PRIVATE, s->stream.fd, 0);
	int rc;

	if (map == MAP_FAILED)
		return VIGIL_EIO;
	rc = scanner_scan_object(s, map, n, res);
	munmap(map, n);
	return rc;
}

/* Nothing was kept past the limit: the limit is the result. */
static int end_at_limit(struct vigil_scanner *s, const char *which,
			struct vigil_result *res)
{
	int rc;

	verdict_reset(s);
	s->w.bytes = 0;
	s->w.files = 0;
	rc = scanner_limit(s, which);
	verdict_fill(s, VIGIL_TYPE_BINARY, 0, res);
	res->bytes = s->stream.total;
	return rc;
}

static void stream_release(struct stream *st)
{
	if (st->fd >= 0) {
		close(st->fd);
		st->fd = -1;
	}
	if (st->cap > STREAM_SPILL_BYTES) {
		free(st->buf);
		st->buf = NULL;
		st->cap = 0;
	}
}

int stream_end_at_limit(struct vigil_scanner *s, const char *which,
			struct vigil_result *res)
{
	int rc;

	s->stream.open = 0;
	rc = end_at_limit(s, which, res);
	stream_release(&s->stream);
	return rc;
}

int vigil_scanner_stream_end(struct vigil_scanner *s, struct vigil_result *res)
{
	struct stream *st;
	int rc;

	if (!s || !res || res->size < sizeof(size_t) + sizeof(int))
		return VIGIL_EINVAL;
	st = &s->stream;
	if (!st->open)
		return VIGIL_ESTATE;
	st->open = 0;
	if (st->over)
		rc = end_at_limit(s, LIMIT_FILESIZE, res);
	else if (st->fd >= 0)
		rc = end_spilled(s, res);
	else
		rc = scanner_scan_object(s, st->buf ? st->buf : (uint8_t *)"",
					 st->len, res);
	stream_release(st);
	return rc;
}
