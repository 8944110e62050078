/*
 * zipcheck.c -- a zip archive's central directory checked before it is
 * unpacked: entries whose data overlap are the signature of the
 * non-recursive zip bomb (one compressed kernel reused by every entry),
 * never of an honest archive. Reads through the bounded reader only.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/zipcheck.h"
#include "io/reader.h"

#define EOCD_BYTES 22
#define EOCD_SEARCH_BYTES (65535 + EOCD_BYTES)
#define CDH_BYTES 46
#define LFH_BYTES 30

struct span {
	uint64_t start, end;
};

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Offset of the end-of-central-directory record, or -1. */
static long find_eocd(const uint8_t *buf, size_t len)
{
	size_t lo = len > EOCD_SEARCH_BYTES ? len - EOCD_SEARCH_BYTES : 0, i;

	if (len < EOCD_BYTES)
		return -1;
	for (i = len - EOCD_BYTES + 1; i-- > lo;)
		if (!memcmp(buf + i, "PK\x05\x06", 4))
			return (long)i;
	return -1;
}

/* Where entry data ends, from its local header: start + header + size. */
static int entry_span(const uint8_t *buf, size_t len, uint64_t off,
		      uint64_t csize, struct span *sp)
{
	struct rdr r;
	uint16_t n, m;

	rdr_init(&r, buf, len);
	if (rdr_seek(&r, (size_t)off) < 0 || rdr_u32le(&r) != 0x04034b50)
		return -1;
	rdr_skip(&r, 22);
	n = rdr_u16le(&r);
	m = rdr_u16le(&r);
	if (rdr_failed(&r))
		return -1;
	sp->start = off;
	sp->end = off + LFH_BYTES + n + m + csize;
	return 0;
}

int zipcheck_overlap(const uint8_t *buf, size_t len)
{
	long eocd = find_eocd(buf, len);
	struct span *sp = NULL;
	struct rdr r;
	uint16_t count, i;
	size_t n = 0;
	int rc = 0;

	if (eocd < 0)
		return 0;
	rdr_init(&r, buf, len);
	rdr_seek(&r, (size_t)eocd + 10);
	count = rdr_u16le(&r);
	rdr_skip(&r, 4);
	rdr_seek(&r, rdr_u32le(&r)); /* start of the central directory */
	if (rdr_failed(&r) || !count || !(sp = calloc(count, sizeof(*sp))))
		goto out;
	for (i = 0; i < count; i++) {
		uint32_t csize, off;
		uint16_t nl, el, cl;

		if (rdr_u32le(&r) != 0x02014b50)
			break;
		rdr_skip(&r, 16);
		csize = rdr_u32le(&r);
		rdr_skip(&r, 4);
		nl = rdr_u16le(&r);
		el = rdr_u16le(&r);
		cl = rdr_u16le(&r);
		rdr_skip(&r, 8);
		off = rdr_u32le(&r);
		if (rdr_failed(&r) || rdr_skip(&r, (size_t)nl + el + cl) < 0)
			break;
		if (csize == UINT32_MAX || off == UINT32_MAX)
			goto out; /* zip64: left to the unpacker */
		if (entry_span(buf, len, off, csize, &sp[n]) == 0)
			n++;
	}
	qsort(sp, n, sizeof(*sp), cmp_span);
	for (i = 1; i < n; i++)
		if (sp[i].start < sp[i - 1].end)
			rc = 1;
out:
	free(sp);
	return rc;
}
