/*
 * olefs.c -- see olefs.h. Sectors of 512 or 4096 bytes after a 512-byte
 * header; a chain is followed no further than there are sectors, so a loop
 * in a table ends.
 */
#include <stdlib.h>
#include <string.h>

#include "common/reader.h"
#include "formats/office/olefs.h"
#include "vigil/vigil.h"

static const uint8_t *sector(const struct ole2 *o, uint32_t s)
{
	size_t off = ((size_t)s + 1) * o->ssz;

	return (s < o->nsect && off + o->ssz <= o->len) ? o->buf + off : NULL;
}

/*
 * Follows a chain in tab from start into out, reading size bytes. A chain
 * takes no more steps than there are sectors (big ones in the file, or
 * mini ones in the mini stream): a table that loops cannot make the
 * output larger than what holds it.
 */
static int chain(const struct ole2 *o, const uint32_t *tab, size_t ntab,
		 uint32_t start, uint64_t size, int mini, struct vbuf *out)
{
	size_t unit = mini ? 64 : o->ssz, steps = 0;
	size_t max = (mini ? o->ministream.len / 64 : o->nsect) + 1;
	uint32_t s = start;

	out->len = 0;
	while (s != END_OF_CHAIN && out->len < size && steps++ < max) {
		const uint8_t *p;
		size_t n = size - out->len < unit ? (size_t)(size - out->len) : unit;

		if (s >= ntab)
			return FMT_DAMAGED;
		if (mini) {
			size_t off = (size_t)s * 64;

			if (off + n > o->ministream.len)
				return FMT_DAMAGED;
			p = o->ministream.data + off;
		} else if (!(p = sector(o, s))) {
			return FMT_DAMAGED;
		}
		if (vbuf_append(out, p, n) < 0)
			return VIGIL_ENOMEM;
		s = tab[s];
	}
	return out->len == size ? 0 : FMT_DAMAGED;
}


/* Sector numbers of the allocation table: header DIFAT, then its chain. */
static int difat(const struct ole2 *o, struct rdr *h, uint32_t nfatsect,
		 uint32_t next, uint32_t ndifat, uint32_t *out)
{
	size_t n = 0, per = o->ssz / 4 - 1, i, steps = 0;

	rdr_seek(h, 76);
	for (i = 0; i < 109 && n < nfatsect; i++)
		out[n++] = rdr_u32le(h);
	while (n < nfatsect && next < END_OF_CHAIN && steps++ <= ndifat) {
		const uint8_t *p = sector(o, next);
		struct rdr r;

		if (!p)
			return FMT_DAMAGED;
		rdr_init(&r, p, o->ssz);
		for (i = 0; i < per && n < nfatsect; i++)
			out[n++] = rdr_u32le(&r);
		rdr_seek(&r, o->ssz - 4);
		next = rdr_u32le(&r);
	}
	return n == nfatsect ? 0 : FMT_DAMAGED;
}

static int load_fat(struct ole2 *o, struct rdr *h)
{
	uint32_t nfatsect, ndifat, first_difat, *secs;
	size_t i, k, per = o->ssz / 4;
	int rc = FMT_DAMAGED;

	rdr_seek(h, 44);
	nfatsect = rdr_u32le(h);
	rdr_seek(h, 68);
	first_difat = rdr_u32le(h);
	ndifat = rdr_u32le(h);
	if (rdr_failed(h) || !nfatsect || nfatsect > o->nsect)
		return FMT_DAMAGED;
	if (!(secs = calloc(nfatsect, sizeof(*secs))) ||
	    !(o->fat = calloc((size_t)nfatsect * per, sizeof(*o->fat)))) {
		rc = VIGIL_ENOMEM;
		goto out;
	}
	if (difat(o, h, nfatsect, first_difat, ndifat, secs) < 0)
		goto out;
	for (i = 0; i < nfatsect; i++) {
		const uint8_t *p = sector(o, secs[i]);
		struct rdr r;

		if (!p)
			goto out;
		rdr_init(&r, p, o->ssz);
		for (k = 0; k < per; k++)
			o->fat[o->nfat++] = rdr_u32le(&r);
	}
	rc = 0;
out:
	free(secs);
	return rc;
}

static void dir_entry(const uint8_t *p, struct dirent2 *d)
{
	struct rdr r;
	size_t nl, i;

	rdr_init(&r, p, 128);
	rdr_seek(&r, 64);
	nl = rdr_u16le(&r);
	d->type = rdr_u8(&r);
	rdr_skip(&r, 1);
	d->left = rdr_u32le(&r);
	d->right = rdr_u32le(&r);
	d->child = rdr_u32le(&r);
	rdr_seek(&r, 116);
	d->start = rdr_u32le(&r);
	d->size = rdr_u32le(&r);
	/* UTF-16 code units, of which the names read here use the low byte */
	for (i = 0; i + 1 < nl && i < 64 && i / 2 + 1 < sizeof(d->name); i += 2)
		d->name[i / 2] = (char)(p[i + 1] ? '?' : p[i]);
	d->name[i / 2] = 0;
}

static int load_dir(struct ole2 *o, uint32_t start)
{
	struct vbuf b = { 0 };
	size_t i;
	uint32_t s = start;
	size_t steps = 0;

	while (s < END_OF_CHAIN && steps++ <= o->nfat && o->ndir < OLE2_MAX_ENTRIES) {
		const uint8_t *p = sector(o, s);

		if (!p || s >= o->nfat)
			break;
		if (vbuf_append(&b, p, o->ssz) < 0) {
			vbuf_free(&b); /* fewer entries would hide streams */
			return VIGIL_ENOMEM;
		}
		s = o->fat[s];
	}
	o->ndir = b.len / 128;
	o->dir = calloc(o->ndir + 1, sizeof(*o->dir));
	o->seen = calloc(o->ndir + 1, 1);
	if (!o->dir || !o->seen) {
		vbuf_free(&b);
		return VIGIL_ENOMEM;
	}
	for (i = 0; i < o->ndir; i++)
		dir_entry(b.data + i * 128, &o->dir[i]);
	vbuf_free(&b);
	return o->ndir ? 0 : FMT_DAMAGED;
}

/* The mini stream (root's data) and its allocation table. */
static int load_mini(struct ole2 *o, struct rdr *h)
{
	struct vbuf t = { 0 };
	uint32_t first, n;
	size_t i;
	int rc = 0;

	rdr_seek(h, 56);
	o->cutoff = rdr_u32le(h);
	first = rdr_u32le(h);
	n = rdr_u32le(h);
	if (!n || first >= END_OF_CHAIN)
		return 0;
	if (o->dir[0].size > fmt_max_child(o->c))
		return 0; /* the small streams will fail alone, reported */
	if ((rc = chain(o, o->fat, o->nfat, o->dir[0].start, o->dir[0].size,
			0, &o->ministream)) < 0 || n > o->nsect ||
	    (rc = chain(o, o->fat, o->nfat, first, (uint64_t)n * o->ssz, 0,
			&t)) < 0) {
		vbuf_free(&t);
		/* no mini stream: small streams will fail alone; no memory
		 * for it: the scan fails, never passes */
		return rc == VIGIL_ENOMEM ? rc : 0;
	}
	o->nminifat = t.len / 4;
	if ((o->minifat = calloc(o->nminifat + 1, sizeof(*o->minifat))))
		for (i = 0; i < o->nminifat; i++)
			memcpy(&o->minifat[i], t.data + i * 4, 4);
	vbuf_free(&t);
	return o->minifat ? 0 : VIGIL_ENOMEM;
}

int ole2_read(const struct ole2 *o, uint32_t idx, struct vbuf *out)
{
	const struct dirent2 *d = &o->dir[idx];

	if (d->size > fmt_max_child(o->c))
		return 1;
	if (d->size < o->cutoff && o->minifat)
		return chain(o, o->minifat, o->nminifat, d->start, d->size, 1, out);
	return chain(o, o->fat, o->nfat, d->start, d->size, 0, out);
}

uint32_t ole2_find(const struct ole2 *o, uint32_t storage, const char *name)
{
	uint32_t *stack, n = 0, i, found = NO_STREAM;
	uint8_t *seen;

	if (storage >= o->ndir)
		return NO_STREAM;
	/* each entry once: no deeper stack than there are entries */
	stack = malloc(((size_t)o->ndir * 2 + 1) * sizeof(*stack));
	seen = calloc(o->ndir, 1);
	if (stack && seen)
		stack[n++] = o->dir[storage].child;
	while (n && found == NO_STREAM) {
		i = stack[--n];
		if (i >= o->ndir || seen[i])
			continue;
		seen[i] = 1;
		if (!strcasecmp(o->dir[i].name, name))
			found = i;
		stack[n++] = o->dir[i].left;
		stack[n++] = o->dir[i].right;
	}
	free(stack);
	free(seen);
	return found;
}

struct fmt_ctx *ole2_ctx(const struct ole2 *o)
{
	return o->c;
}

int ole2_open(struct ole2 *o, struct fmt_ctx *c, const uint8_t *buf,
	      size_t len)
{
	struct rdr h;
	uint16_t shift;
	uint32_t dirstart;
	int rc;

	memset(o, 0, sizeof(*o));
	o->buf = buf;
	o->len = len;
	o->c = c;
	rdr_init(&h, buf, len);
	rdr_seek(&h, 30);
	shift = rdr_u16le(&h);
	if (rdr_failed(&h) || len < OLE2_HEADER_BYTES || (shift != 9 && shift != 12))
		return FMT_DAMAGED;
	o->ssz = (size_t)1 << shift;
	if (len < 2 * o->ssz)
		return FMT_DAMAGED; /* not even one sector after the header */
	o->nsect = len / o->ssz - 1;
	if ((rc = load_fat(o, &h)) < 0)
		return rc;
	rdr_seek(&h, 48);
	dirstart = rdr_u32le(&h);
	if ((rc = load_dir(o, dirstart)) < 0)
		return rc;
	return load_mini(o, &h);
}

void ole2_close(struct ole2 *o)
{
	free(o->fat);
	free(o->minifat);
	free(o->dir);
	free(o->seen);
	vbuf_free(&o->ministream);
}
