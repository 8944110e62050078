/*
 * zipdir.c -- see zipdir.h. The directory's place is taken from the end
 * record: it ends where that record (or the zip64 one) starts, so its start
 * is known without trusting the offset the archive declares; the
 * difference is the prefix before the archive, added to every local
 * header's offset. Bounded reader only; records are allocated no more
 * than the directory's bytes can hold.
 */
#include <stdlib.h>
#include <string.h>

#include "common/reader.h"
#include "formats/archive/zipdir.h"
#include "vigil/vigil.h"

#define EOCD_BYTES 22
#define EOCD_SEARCH_BYTES (65535 + EOCD_BYTES)
#define LOC64_BYTES 20
#define EOCD64_BYTES 56
#define CDH_BYTES 46
#define LFH_BYTES 30

struct span {
	uint64_t start, end;
};

/* Where the directory is: declared count and offset, and where it ends. */
struct cdloc {
	uint64_t count, size, offset, end;
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

/* The zip64 end record just before the locator, when there is one. */
static void zip64_end(const uint8_t *buf, size_t len, size_t eocd,
		      struct cdloc *l)
{
	size_t at;
	struct rdr r;

	if (eocd < LOC64_BYTES + EOCD64_BYTES ||
	    memcmp(buf + eocd - LOC64_BYTES, "PK\x06\x07", 4))
		return;
	at = eocd - LOC64_BYTES - EOCD64_BYTES;
	if (memcmp(buf + at, "PK\x06\x06", 4))
		return;
	rdr_init(&r, buf, len);
	rdr_seek(&r, at + 32);
	l->count = rdr_u64le(&r);
	l->size = rdr_u64le(&r);
	l->offset = rdr_u64le(&r);
	l->end = at;
}

static int locate(const uint8_t *buf, size_t len, struct cdloc *l)
{
	long eocd = find_eocd(buf, len);
	struct rdr r;

	if (eocd < 0)
		return -1;
	rdr_init(&r, buf, len);
	rdr_seek(&r, (size_t)eocd + 10);
	l->count = rdr_u16le(&r);
	l->size = rdr_u32le(&r);
	l->offset = rdr_u32le(&r);
	l->end = (uint64_t)eocd;
	if (rdr_failed(&r))
		return -1;
	zip64_end(buf, len, (size_t)eocd, l);
	return l->size <= l->end ? 0 : -1;
}

/* zip64's extra field (0x0001): the values the record set to all ones. */
static void zip64_extra(const uint8_t *x, size_t n, struct zipdir_entry *e,
			uint64_t *lho)
{
	struct rdr r;
	uint16_t id, size;

	rdr_init(&r, x, n);
	while (rdr_left(&r) >= 4 && !rdr_failed(&r)) {
		id = rdr_u16le(&r);
		size = rdr_u16le(&r);
		if (id != 1) {
			if (rdr_skip(&r, size) < 0)
				return; /* a field past the end: the rest is not read */
			continue;
		}
		if (e->usize == UINT32_MAX && rdr_left(&r) >= 8)
			e->usize = rdr_u64le(&r);
		if (e->csize == UINT32_MAX && rdr_left(&r) >= 8)
			e->csize = rdr_u64le(&r);
		if (*lho == UINT32_MAX && rdr_left(&r) >= 8)
			*lho = rdr_u64le(&r);
		return;
	}
}

/* Where the entry's data starts, from its local header at off; 0 if no
 * local header is there. A header whose signature is damaged still counts
 * when it names the entry as the directory does: its data is where unzip
 * -FF and clamscan find it, and an attacker damages signatures to hide. */
static uint64_t data_start(const uint8_t *buf, size_t len, uint64_t off,
			   const struct zipdir_entry *e)
{
	const uint8_t *name;
	struct rdr r;
	uint32_t sig;
	uint16_t n, m;

	rdr_init(&r, buf, len);
	if (off > len || rdr_seek(&r, (size_t)off) < 0)
		return 0;
	sig = rdr_u32le(&r);
	rdr_skip(&r, 22);
	n = rdr_u16le(&r);
	m = rdr_u16le(&r);
	name = rdr_bytes(&r, n);
	if (rdr_failed(&r) || (sig != 0x04034b50 &&
			       (n != e->name_len || memcmp(name, e->name, n))))
		return 0;
	return off + LFH_BYTES + n + m;
}

/* One central directory record into d; 0, or -1 at its end. */
static int cd_entry(struct rdr *r, const uint8_t *buf, size_t len,
		    struct zipdir *d, struct span *sp, size_t *nsp)
{
	struct zipdir_entry *e = &d->e[d->n];
	const uint8_t *extra;
	uint16_t nl, el, cl;
	uint64_t lho;

	if (rdr_u32le(r) != 0x02014b50)
		return -1;
	rdr_skip(r, 4);
	e->flags = rdr_u16le(r);
	e->method = rdr_u16le(r);
	rdr_skip(r, 4); /* time, date */
	e->crc = rdr_u32le(r);
	e->csize = rdr_u32le(r);
	e->usize = rdr_u32le(r);
	nl = rdr_u16le(r);
	el = rdr_u16le(r);
	cl = rdr_u16le(r);
	rdr_skip(r, 8);
	lho = rdr_u32le(r);
	e->name = rdr_bytes(r, nl);
	extra = rdr_bytes(r, el);
	if (!e->name || (el && !extra) || rdr_skip(r, cl) < 0)
		return -1;
	e->name_len = nl;
	zip64_extra(extra, el, e, &lho);
	d->n++;
	e->data = lho < len && d->base < len - lho ?
			  data_start(buf, len, lho + d->base, e) : 0;
	if (e->data) {
		sp[*nsp].start = lho + d->base;
		sp[*nsp].end = e->data + e->csize;
		(*nsp)++;
	}
	return 0;
}

/* The records' room: no more than the directory's bytes hold. */
static size_t capacity(const struct cdloc *l, uint64_t start, struct zipdir *d)
{
	uint64_t n = l->count, fit = (l->end - start) / CDH_BYTES;

	if (n > fit) {
		n = fit;
		d->truncated = 1;
	}
	if (n > ZIPDIR_MAX_ENTRIES) {
		n = ZIPDIR_MAX_ENTRIES;
		d->truncated = 1;
	}
	return (size_t)n;
}

int zipdir_read(const uint8_t *buf, size_t len, struct zipdir *d)
{
	struct span *sp = NULL;
	struct cdloc l;
	struct rdr r;
	uint64_t start;
	size_t nsp = 0, cap, i;

	memset(d, 0, sizeof(*d));
	if (locate(buf, len, &l) < 0)
		return 0;
	start = l.end - l.size;
	d->base = start >= l.offset ? start - l.offset : 0;
	if ((cap = capacity(&l, start, d)) == 0)
		return 0;
	d->e = calloc(cap, sizeof(*d->e));
	sp = calloc(cap, sizeof(*sp));
	if (!d->e || !sp) {
		free(sp);
		zipdir_free(d);
		return VIGIL_ENOMEM;
	}
	rdr_init(&r, buf, (size_t)l.end);
	rdr_seek(&r, (size_t)start);
	while (d->n < cap && cd_entry(&r, buf, len, d, sp, &nsp) == 0)
		;
	if (d->n < cap)
		d->truncated = 1;
	if (!d->n) { /* not one record: no directory after all */
		free(sp);
		zipdir_free(d);
		return 0;
	}
	qsort(sp, nsp, sizeof(*sp), cmp_span);
	for (i = 1; i < nsp; i++)
		if (sp[i].start < sp[i - 1].end)
			d->overlap = 1;
	free(sp);
	return 0;
}

void zipdir_free(struct zipdir *d)
{
	free(d->e);
	memset(d, 0, sizeof(*d));
}
