/*
 * journal.c -- see journal.h. On disk a record is 184 bytes: "VJR1", the
 * length, seq, time, three versions, the database hash, the link to the
 * previous record, the release manifest's leaf in the public log and its
 * hash, and a SHA-256 of everything before it in the record.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "common/reader.h"
#include "journal.h"

#define REC_BYTES 184
#define BODY_BYTES (REC_BYTES - SHA256_BYTES)

static void put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static void encode(const struct jrecord *r, uint8_t *b)
{
	memcpy(b, "VJR1", 4);
	b[4] = b[5] = 0;
	b[6] = REC_BYTES >> 8;
	b[7] = REC_BYTES & 0xff;
	put64(b + 8, r->seq);
	put64(b + 16, (uint64_t)r->time);
	put64(b + 24, r->root);
	put64(b + 32, r->timestamp);
	put64(b + 40, r->release);
	memcpy(b + 48, r->db_sha256, SHA256_BYTES);
	memcpy(b + 80, r->prev, SHA256_BYTES);
	put64(b + 112, r->release_leaf);
	memcpy(b + 120, r->leaf_hash, SHA256_BYTES);
	upd_sha256(b, BODY_BYTES, b + BODY_BYTES);
}

static void take(struct rdr *in, uint8_t *out, size_t n)
{
	const uint8_t *p = rdr_bytes(in, n);

	if (p)
		memcpy(out, p, n);
}

static int decode(const uint8_t *b, struct jrecord *r)
{
	uint8_t sum[SHA256_BYTES];
	struct rdr in;

	rdr_init(&in, b, REC_BYTES);
	upd_sha256(b, BODY_BYTES, sum);
	if (!rdr_accept(&in, "VJR1\0\0", 6) || rdr_u16(&in, 1) != REC_BYTES)
		return -1;
	r->seq = rdr_u64(&in, 1);
	r->time = (int64_t)rdr_u64(&in, 1);
	r->root = rdr_u64(&in, 1);
	r->timestamp = rdr_u64(&in, 1);
	r->release = rdr_u64(&in, 1);
	take(&in, r->db_sha256, SHA256_BYTES);
	take(&in, r->prev, SHA256_BYTES);
	r->release_leaf = rdr_u64(&in, 1);
	take(&in, r->leaf_hash, SHA256_BYTES);
	if (rdr_failed(&in) || in.pos != BODY_BYTES ||
	    memcmp(sum, b + BODY_BYTES, SHA256_BYTES))
		return -1;
	return 0;
}

struct last {
	int have;
	struct jrecord r;
	uint8_t hash[SHA256_BYTES];
	off_t good_end;
};

static long walk_fd(int fd, struct last *l, void (*fn)(void *,
			const struct jrecord *), void *ctx, const char **why)
{
	uint8_t b[REC_BYTES], link[SHA256_BYTES] = { 0 };
	struct jrecord r;
	long n = 0;
	ssize_t got;

	l->have = 0;
	l->good_end = 0;
	while ((got = pread(fd, b, REC_BYTES, l->good_end)) == REC_BYTES) {
		if (decode(b, &r) < 0) {
			/* only the last record may be torn */
			if (pread(fd, b, 1, l->good_end + REC_BYTES) == 1) {
				*why = "a damaged record before the end";
				return -1;
			}
			break;
		}
		if (memcmp(r.prev, link, SHA256_BYTES) || r.seq != (uint64_t)n + 1) {
			*why = "a record not chained to the one before";
			return -1;
		}
		upd_sha256(b, REC_BYTES, link);
		l->r = r;
		l->have = 1;
		memcpy(l->hash, link, SHA256_BYTES);
		l->good_end += REC_BYTES;
		if (fn)
			fn(ctx, &r);
		n++;
	}
	return n;
}

static void path_of(const char *dir, char *out, size_t len)
{
	snprintf(out, len, "%s/state/journal", dir);
}

int upd_journal_append(const char *dir, struct jrecord *r)
{
	char path[4096];
	uint8_t b[REC_BYTES];
	struct last l;
	const char *why;
	int fd, rc = -1;

	path_of(dir, path, sizeof(path));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (walk_fd(fd, &l, NULL, NULL, &why) < 0) {
		errno = EBADMSG;
		goto out;
	}
	if (ftruncate(fd, l.good_end) < 0) /* a torn tail goes */
		goto out;
	r->seq = l.have ? l.r.seq + 1 : 1;
	if (l.have)
		memcpy(r->prev, l.hash, SHA256_BYTES);
	else
		memset(r->prev, 0, SHA256_BYTES);
	encode(r, b);
	if (pwrite(fd, b, REC_BYTES, l.good_end) == REC_BYTES && fsync(fd) == 0)
		rc = 0;
out:
	close(fd);
	return rc;
}

long upd_journal_walk(const char *dir, void (*fn)(void *ctx,
					      const struct jrecord *r),
		  void *ctx, const char **why)
{
	char path[4096];
	struct last l;
	long n;
	int fd;

	path_of(dir, path, sizeof(path));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : -1;
	n = walk_fd(fd, &l, fn, ctx, why);
	close(fd);
	return n;
}
