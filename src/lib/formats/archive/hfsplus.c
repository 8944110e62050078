/*
 * hfsplus.c -- HFS+ and HFSX volumes (the file system of Mac disk images,
 * as Apple's Technical Note TN1150 describes it): the volume header at
 * byte 1024 gives the block size and the extents of the catalog and
 * extents-overflow B-trees; the catalog's leaf nodes, followed from the
 * first along their forward links, hold a record for every file, and each
 * file's data fork (and resource fork, where it has one) is a contained
 * object under the file's name, put together from its extents (the eight
 * of the record, then those of the overflow tree). Found as a partition of
 * a DMG, APM or GPT image (CL_TYPE_PART_HFSPLUS) or as a volume of its own.
 * A catalog that cannot be read is Heuristics.Broken.HFSPlus. Files the
 * file system compressed (their "com.apple.decmpfs" attribute, found in
 * the attributes B-tree) are handed on decompressed (decmpfs.c), as
 * clamscan does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "common/reader.h"
#include "formats/archive/decmpfs.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "sig/cltype.h"
#include "util/utf8.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define HFS_VH_OFFSET 1024
#define HFS_VH_BYTES 512
#define HFS_FORK_BYTES 80
#define HFS_EXTENTS 8
#define HFS_NODE_MIN 512	/* B-tree node sizes TN1150 allows */
#define HFS_NODE_MAX 32768
#define HFS_FILE_RECORD 2	/* catalog record types */
#define HFS_FILE_DATA_FORK 88	/* offsets in a file record */
#define HFS_FILE_RSRC_FORK 168
#define HFS_FILE_RECORD_BYTES 248
#define HFS_NAME_BYTES 256	/* UTF-8 name kept per file (cut) */
#define BROKEN "Heuristics.Broken.HFSPlus"

/* A record of the extents-overflow tree: eight more extents of a fork. */
struct ovrec {
	uint32_t id, start;	/* file, and first block within the fork */
	uint8_t fork;		/* 0 data, 0xff resource */
	const uint8_t *ext;	/* into hfs.ext */
};

/* A file's decmpfs attribute (inline data record of the attributes
 * tree). */
struct attrec {
	uint32_t id;
	const uint8_t *data;	/* into hfs.attrs */
	size_t len;
};

struct hfs {
	const uint8_t *b;
	size_t len;
	uint32_t bs;		/* allocation block bytes */
	struct vbuf ext;	/* the extents-overflow tree */
	struct varr ov;		/* struct ovrec: its records, sorted */
	struct vbuf attrs;	/* the attributes tree */
	struct varr at;		/* struct attrec: its decmpfs records, sorted
				 * by file */
};

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32_load(p) << 32 | be32_load(p + 4);
}

int hfsplus_probe(const uint8_t *buf, size_t len, int type)
{
	const uint8_t *vh = buf + HFS_VH_OFFSET;

	if (type != VIGIL_TYPE_BINARY || len < HFS_VH_OFFSET + HFS_VH_BYTES)
		return 0;
	return (!memcmp(vh, "H+", 2) && be16_load(vh + 2) == 4) ||
	       (!memcmp(vh, "HX", 2) && be16_load(vh + 2) == 5);
}

/* Appends the blocks of up to eight extents (rec) to out, to want bytes:
 * 0, FMT_DAMAGED if one lies outside the volume, or VIGIL_ENOMEM. */
static int extents(const struct hfs *h, const uint8_t *rec, uint64_t want,
		   struct vbuf *out)
{
	int i;

	for (i = 0; i < HFS_EXTENTS && out->len < want; i++) {
		uint64_t start = be32_load(rec + 8 * i), n = be32_load(rec + 8 * i + 4);
		uint64_t off = start * h->bs, size = n * h->bs;

		if (!n)
			break;
		if (off > h->len || size > h->len - off)
			return FMT_DAMAGED;
		if (size > want - out->len)
			size = want - out->len;
		if (vbuf_append(out, h->b + off, (size_t)size) < 0)
			return VIGIL_ENOMEM;
	}
	return 0;
}

typedef int (*leaf_fn)(void *arg, const uint8_t *key, size_t klen,
		       const uint8_t *data, size_t dlen);

/* Every record of every leaf node of the B-tree in t, in link order;
 * 0, FMT_DAMAGED for a header or link that cannot be, or what fn says. */
static int leaves(const struct vbuf *t, leaf_fn fn, void *arg)
{
	uint32_t node, total, nsize, seen;
	int rc = 0;

	if (t->len < 14 + 106 || t->data[8] != 1)
		return FMT_DAMAGED;
	node = be32_load(t->data + 14 + 10);
	nsize = be16_load(t->data + 14 + 18);
	total = be32_load(t->data + 14 + 22);
	if (nsize < HFS_NODE_MIN || nsize > HFS_NODE_MAX || (nsize & (nsize - 1)))
		return FMT_DAMAGED;
	for (seen = 0; node && !rc; seen++) {
		const uint8_t *n = t->data + (size_t)node * nsize;
		uint16_t i, nrec;

		if (seen >= total || seen >= t->len / nsize ||
		    node >= t->len / nsize)
			return FMT_DAMAGED; /* a loop, or past the tree */
		nrec = be16_load(n + 10);
		if ((int8_t)n[8] != -1 || 14 + 2u * (nrec + 1u) > nsize)
			return FMT_DAMAGED;
		for (i = 0; i < nrec && !rc; i++) {
			size_t at = be16_load(n + nsize - 2 * (i + 1u));
			size_t end = be16_load(n + nsize - 2 * (i + 2u));
			size_t klen;

			if (at < 14 || end > nsize - 2u * (nrec + 1u) ||
			    end < at + 2 || (klen = be16_load(n + at)) > end - at - 2)
				return FMT_DAMAGED;
			klen += 2 + (klen & 1);
			if (klen > end - at)
				return FMT_DAMAGED;
			rc = fn(arg, n + at + 2, klen - 2, n + at + klen,
				end - at - klen);
		}
		node = be32_load(n);
	}
	return rc;
}

/* An extents-overflow record, kept for the lookups of fork_read(). */
static int overflow_rec(void *arg, const uint8_t *key, size_t klen,
			const uint8_t *data, size_t dlen)
{
	struct hfs *h = arg;
	struct ovrec *o;

	if (klen < 10 || dlen < 8 * HFS_EXTENTS)
		return 0;
	if (!(o = varr_push(&h->ov)))
		return VIGIL_ENOMEM;
	*o = (struct ovrec){ be32_load(key + 2), be32_load(key + 6), key[0],
			     data };
	return 0;
}

static int ovrec_cmp(const void *a, const void *b)
{
	const struct ovrec *x = a, *y = b;

	if (x->fork != y->fork)
		return x->fork < y->fork ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

#define HFS_ATTR_INLINE 0x10	/* kHFSPlusAttrInlineData */
#define HFS_ATTR_DATA 16	/* its data's offset in the record */

/* 1 if an attribute key (after its length) names the decmpfs attribute. */
static int decmpfs_key(const uint8_t *key, size_t klen)
{
	static const char name[] = DECMPFS_ATTR;
	size_t i, n = sizeof(name) - 1;

	if (klen < 12 + 2 * n || be16_load(key + 10) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (be16_load(key + 12 + 2 * i) != (uint8_t)name[i])
			return 0;
	return 1;
}

/* An attributes record: a file's decmpfs attribute kept for lookups. */
static int attr_rec(void *arg, const uint8_t *key, size_t klen,
		    const uint8_t *data, size_t dlen)
{
	struct hfs *h = arg;
	struct attrec *a;
	uint32_t size;

	if (!decmpfs_key(key, klen) || dlen < HFS_ATTR_DATA ||
	    be32_load(data) != HFS_ATTR_INLINE ||
	    (size = be32_load(data + 12)) > dlen - HFS_ATTR_DATA)
		return 0;
	if (!(a = varr_push(&h->at)))
		return VIGIL_ENOMEM;
	*a = (struct attrec){ be32_load(key + 2), data + HFS_ATTR_DATA, size };
	return 0;
}

static int attrec_cmp(const void *a, const void *b)
{
	const struct attrec *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static const struct attrec *decmpfs_of(const struct hfs *h, uint32_t id)
{
	struct attrec k = { id, NULL, 0 };

	return h->at.n ? bsearch(&k, h->at.data, h->at.n, sizeof(k),
				 attrec_cmp) : NULL;
}

/* A fork (its 80-byte record) of file id into out: 0, FMT_DAMAGED when
 * its extents lie outside or do not reach its size, or VIGIL_ENOMEM. */
static int fork_read(struct hfs *h, uint32_t id, uint8_t fork,
		     const uint8_t *rec, struct vbuf *out)
{
	uint64_t want = be64(rec);
	int rc;

	if (want > h->len)
		return FMT_DAMAGED;
	if ((rc = extents(h, rec + 16, want, out)) != 0)
		return rc;
	while (out->len < want && out->len % h->bs == 0) {
		struct ovrec k = { id, (uint32_t)(out->len / h->bs), fork, NULL };
		const struct ovrec *o = h->ov.n ? bsearch(&k, h->ov.data,
						  h->ov.n, sizeof(k), ovrec_cmp) :
						  NULL;
		size_t had = out->len;

		if (!o || (uint64_t)k.start * h->bs != out->len)
			break;
		if ((rc = extents(h, o->ext, want, out)) != 0)
			return rc;
		if (out->len == had)
			break; /* empty extents: no progress */
	}
	return out->len < want ? FMT_DAMAGED : 0;
}

struct walk {
	struct hfs *h;
	struct fmt_ctx *c;
	unsigned broken;
};

/* A catalog key's name (UTF-16BE) as UTF-8, cut to fit. */
static void key_name(const uint8_t *key, size_t klen, char *out)
{
	size_t i, n = klen >= 6 ? be16_load(key + 4) : 0, o = 0;

	if (n > (klen - 6) / 2)
		n = (klen - 6) / 2;
	for (i = 0; i < n && o + 4 < HFS_NAME_BYTES; i++)
		o += utf8_name_unit(out + o, be16_load(key + 6 + 2 * i));
	out[o] = 0;
}

static int one_fork(struct walk *w, uint32_t id, uint8_t fork,
		    const uint8_t *rec, const char *name)
{
	struct vbuf v = { 0 };
	int rc;

	if (!be64(rec))
		return 0;
	rc = fork_read(w->h, id, fork, rec, &v);
	if (rc == FMT_DAMAGED) {
		w->broken++;
		fmt_warn(w->c, "%s: extents outside the volume or short", name);
		rc = 0;
	}
	if (!rc && v.len)
		rc = fmt_child(w->c, name, v.data, v.len);
	vbuf_free(&v);
	return rc;
}

/* A compressed file's data, from its attribute or its resource fork. */
static int compressed(struct walk *w, uint32_t id, const struct attrec *a,
		      const uint8_t *rec, const char *name)
{
	struct vbuf rsrc = { 0 }, out = { 0 };
	uint64_t size;
	uint32_t type;
	int rc = 0;

	if (decmpfs_header(a->data, a->len, &type, &size) < 0 ||
	    (type != DECMPFS_INLINE && type != DECMPFS_RESOURCE))
		return one_fork(w, id, 0, rec + HFS_FILE_DATA_FORK, name);
	if (type == DECMPFS_RESOURCE)
		rc = fork_read(w->h, id, 0xff, rec + HFS_FILE_RSRC_FORK, &rsrc);
	if (!rc)
		rc = type == DECMPFS_INLINE ?
			decmpfs_inline(a->data, a->len,
				       fmt_max_output(w->c, a->len), &out) :
			decmpfs_resource(rsrc.data, rsrc.len,
					 fmt_max_output(w->c, rsrc.len), &out);
	if (rc == 1)
		rc = fmt_over(w->c, name, type == DECMPFS_INLINE ? a->len :
								    rsrc.len);
	else if (rc == FMT_DAMAGED) {
		w->broken++;
		fmt_warn(w->c, "%s: damaged compressed data", name);
		rc = out.len ? fmt_child(w->c, name, out.data, out.len) : 0;
	} else if (!rc && out.len)
		rc = fmt_child(w->c, name, out.data, out.len);
	vbuf_free(&rsrc);
	vbuf_free(&out);
	return rc;
}

/* A catalog record: a file's forks handed on. */
static int catalog_rec(void *arg, const uint8_t *key, size_t klen,
		       const uint8_t *data, size_t dlen)
{
	struct walk *w = arg;
	char name[HFS_NAME_BYTES], rname[HFS_NAME_BYTES + 8];
	const struct attrec *a;
	uint32_t id;
	int rc;

	if (fmt_expired(w->c))
		return 1;
	if (dlen < HFS_FILE_RECORD_BYTES || be16_load(data) != HFS_FILE_RECORD)
		return 0;
	id = be32_load(data + 8);
	key_name(key, klen, name);
	a = decmpfs_of(w->h, id);
	rc = a ? compressed(w, id, a, data, name) :
		 one_fork(w, id, 0, data + HFS_FILE_DATA_FORK, name);
	if (rc)
		return rc;
	snprintf(rname, sizeof(rname), "%s/rsrc", name);
	return one_fork(w, id, 0xff, data + HFS_FILE_RSRC_FORK, rname);
}

/* The attributes tree's decmpfs records (none if it cannot be read). */
static int attributes(struct hfs *h, const uint8_t *vh)
{
	int rc = fork_read(h, 8, 0, vh + 352, &h->attrs);

	if (!rc && h->attrs.len)
		rc = leaves(&h->attrs, attr_rec, h);
	if (rc == VIGIL_ENOMEM)
		return rc;
	if (rc)
		h->at.n = 0;
	if (h->at.n)
		qsort(h->at.data, h->at.n, sizeof(struct attrec), attrec_cmp);
	return 0;
}

static int volume(struct fmt_ctx *c, struct hfs *h)
{
	const uint8_t *vh = h->b + HFS_VH_OFFSET;
	struct vbuf cat = { 0 };
	struct walk w = { h, c, 0 };
	int rc;

	h->bs = be32_load(vh + 40);
	if (h->bs < 512 || (h->bs & (h->bs - 1)))
		return FMT_DAMAGED;
	rc = fork_read(h, 3, 0, vh + 192, &h->ext);
	if (!rc && h->ext.len)
		rc = leaves(&h->ext, overflow_rec, h);
	if (rc == VIGIL_ENOMEM)
		return rc;
	if (rc)
		h->ov.n = 0; /* no overflow tree: eight extents a fork */
	if (h->ov.n)
		qsort(h->ov.data, h->ov.n, sizeof(struct ovrec), ovrec_cmp);
	if ((rc = attributes(h, vh)) < 0)
		return rc;
	rc = fork_read(h, 4, 0, vh + 272, &cat);
	if (!rc)
		rc = leaves(&cat, catalog_rec, &w);
	vbuf_free(&cat);
	if (!rc && w.broken)
		rc = FMT_DAMAGED;
	return rc;
}

int hfsplus_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct hfs h = { .b = buf, .len = len };
	int rc;

	varr_init(&h.ov, sizeof(struct ovrec));
	varr_init(&h.at, sizeof(struct attrec));
	if (!hfsplus_probe(buf, len, VIGIL_TYPE_BINARY))
		return 0;
	fmt_set_container(c, CLT_PART_HFSPLUS);
	rc = volume(c, &h);
	vbuf_free(&h.ext);
	varr_free(&h.ov);
	vbuf_free(&h.attrs);
	varr_free(&h.at);
	if (rc == FMT_DAMAGED) {
		fmt_warn(c, "damaged HFS+ catalog");
		return fmt_unreadable(c, BROKEN);
	}
	return rc;
}
