/*
 * zipcheck.c -- a zip archive's central directory, read before it is
 * unpacked: entries whose data overlap are the signature of the
 * non-recursive zip bomb (one compressed kernel reused by every entry),
 * never of an honest archive; and each entry's compressed size lets the
 * ratio guard judge entries one by one. Bounded reader only.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/archive/zipcheck.h"
#include "common/reader.h"
#include "vigil/vigil.h"

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


/* One central directory header into d; 0, or -1 at its end. */
static int cd_entry(struct rdr *r, const uint8_t *buf, size_t len,
		    struct zipdir *d, struct span *sp, size_t *nsp)
{
	struct zipdir_entry *e = &d->e[d->n];
	uint32_t csize, off;
	uint16_t nl, el, cl;
	const uint8_t *name;

	if (rdr_u32le(r) != 0x02014b50)
		return -1;
	rdr_skip(r, 4);
	e->flags = rdr_u16le(r);
	e->method = rdr_u16le(r);
	rdr_skip(r, 4); /* time, date */
	e->crc = rdr_u32le(r);
	csize = rdr_u32le(r);
	e->usize = rdr_u32le(r);
	nl = rdr_u16le(r);
	el = rdr_u16le(r);
	cl = rdr_u16le(r);
	rdr_skip(r, 8);
	off = rdr_u32le(r);
	name = rdr_bytes(r, nl);
	if (!name || rdr_skip(r, (size_t)el + cl) < 0)
		return -1;
	e->name = name;
	e->name_len = nl;
	e->csize = csize;
	d->n++;
	if (csize != UINT32_MAX && off != UINT32_MAX && /* zip64: unchecked */
	    entry_span(buf, len, off, csize, &sp[*nsp]) == 0) {
		e->data = sp[*nsp].end - csize;
		(*nsp)++;
	}
	return 0;
}

int zipdir_read(const uint8_t *buf, size_t len, struct zipdir *d)
{
	long eocd = find_eocd(buf, len);
	struct span *sp = NULL;
	struct rdr r;
	size_t nsp = 0, i;
	uint16_t count;

	memset(d, 0, sizeof(*d));
	if (eocd < 0)
		return 0;
	rdr_init(&r, buf, len);
	rdr_seek(&r, (size_t)eocd + 10);
	count = rdr_u16le(&r);
	rdr_skip(&r, 4);
	rdr_seek(&r, rdr_u32le(&r)); /* start of the central directory */
	if (rdr_failed(&r) || !count)
		return 0;
	d->e = calloc(count, sizeof(*d->e));
	sp = calloc(count, sizeof(*sp));
	if (!d->e || !sp) {
		free(sp);
		zipdir_free(d);
		return VIGIL_ENOMEM;
	}
	while (d->n < count && cd_entry(&r, buf, len, d, sp, &nsp) == 0)
		;
	qsort(sp, nsp, sizeof(*sp), cmp_span);
	for (i = 1; i < nsp; i++)
		if (sp[i].start < sp[i - 1].end)
			d->overlap = 1;
	free(sp);
	return 0;
}

const struct zipdir_entry *zipdir_find(const struct zipdir *d,
				       const char *name)
{
	size_t n = strlen(name), i;

	for (i = 0; i < d->n; i++)
		if (d->e[i].name_len == n && !memcmp(d->e[i].name, name, n))
			return &d->e[i];
	return NULL;
}

void zipdir_free(struct zipdir *d)
{
	free(d->e);
	memset(d, 0, sizeof(*d));
}
