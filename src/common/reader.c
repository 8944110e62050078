/*
 * reader.c -- bounded reader over an untrusted buffer. Invariant: pos never
 * exceeds len, and no getter touches a byte at or beyond len.
 */
#include "common/le.h"
#include "common/reader.h"

#include <string.h>

void rdr_init(struct rdr *r, const void *buf, size_t len)
{
	r->buf = buf;
	r->len = buf ? len : 0;
	r->pos = 0;
	r->failed = 0;
}

size_t rdr_left(const struct rdr *r)
{
	return r->len - r->pos;
}

int rdr_failed(const struct rdr *r)
{
	return r->failed;
}

const uint8_t *rdr_bytes(struct rdr *r, size_t n)
{
	const uint8_t *p;

	if (r->failed || n > r->len - r->pos) {
		r->failed = 1;
		return NULL;
	}
	p = r->buf + r->pos;
	r->pos += n;
	return p;
}

const uint8_t *rdr_upto(struct rdr *r, size_t *n)
{
	if (!r->failed && *n > r->len - r->pos)
		*n = r->len - r->pos;
	return rdr_bytes(r, *n);
}

int rdr_skip(struct rdr *r, size_t n)
{
	return rdr_bytes(r, n) ? 0 : -1;
}

int rdr_seek(struct rdr *r, size_t pos)
{
	if (r->failed || pos > r->len) {
		r->failed = 1;
		return -1;
	}
	r->pos = pos;
	return 0;
}

uint8_t rdr_u8(struct rdr *r)
{
	const uint8_t *p = rdr_bytes(r, 1);

	return p ? p[0] : 0;
}

uint16_t rdr_u16le(struct rdr *r)
{
	const uint8_t *p = rdr_bytes(r, 2);

	return p ? le16_load(p) : 0;
}

uint32_t rdr_u32le(struct rdr *r)
{
	const uint8_t *p = rdr_bytes(r, 4);

	return p ? le32_load(p) : 0;
}

uint64_t rdr_u64le(struct rdr *r)
{
	uint64_t lo = rdr_u32le(r);
	uint64_t hi = rdr_u32le(r);

	return lo | hi << 32;
}

uint16_t rdr_u16(struct rdr *r, int be)
{
	const uint8_t *p = rdr_bytes(r, 2);

	if (!p)
		return 0;
	return be ? be16_load(p) : le16_load(p);
}

uint32_t rdr_u32(struct rdr *r, int be)
{
	const uint8_t *p = rdr_bytes(r, 4);

	if (!p)
		return 0;
	return be ? be32_load(p) : le32_load(p);
}

uint64_t rdr_u64(struct rdr *r, int be)
{
	uint64_t a = rdr_u32(r, be), b = rdr_u32(r, be);

	return be ? a << 32 | b : b << 32 | a;
}
