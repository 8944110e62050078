/*
 * udf.c -- UDF volumes (ECMA-167 with the OSTA UDF profile: DVDs, Blu-ray
 * discs, optical-disc and USB images Windows makes), read the way the
 * specifications lay them out: the volume recognition sequence (BEA01 at
 * 32 KiB, as ClamAV's type rule wants it), the anchor at sector 256 (block
 * sizes 2048, 4096, 512 and 1024 tried), the volume descriptor sequence
 * it points to (main, then reserve) for the partition and the logical
 * volume, the file set descriptor, and from its root directory every
 * directory's file identifiers and every file's entry (File Entry or
 * Extended File Entry; short, long, extended or embedded allocation
 * descriptors, continuation extents followed; extents allocated but not
 * recorded read as zeros). Each file is a contained object under its path.
 * ClamAV walks the descriptors in the order one layout writes them; this
 * reader follows the pointers, so it reads the volumes clamscan reads and
 * those it does not (genisoimage's, deeper trees, embedded data). Metadata
 * partitions (UDF 2.50) are read through the metadata file's extents;
 * sparable partitions in place; virtual partitions (VAT) are not read. A
 * volume whose descriptors do not hold, or that Vigil cannot read, is
 * Heuristics.Broken.UDF. Written here: libarchive does not read UDF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "sig/cltype.h"
#include "util/utf8.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define UDF_VRS_OFFSET 32768
#define UDF_ANCHOR_SECTOR 256
#define UDF_MAX_VDS 64		/* volume descriptors read per sequence */
#define UDF_MAX_DEPTH 32	/* directory levels */
#define UDF_MAX_NODES 100000	/* file entries read per volume */
#define UDF_MAX_EXTENTS 65536	/* allocation descriptors per file */
#define UDF_PATH_BYTES 1024	/* path kept per file (cut) */
#define UDF_MAX_DIR_BYTES (64u << 20) /* directory data read per volume */
#define BROKEN "Heuristics.Broken.UDF"

enum { TAG_PVD = 1, TAG_AVDP = 2, TAG_VDP = 3, TAG_PD = 5, TAG_LVD = 6,
       TAG_TD = 8, TAG_FSD = 256, TAG_FID = 257, TAG_FE = 261,
       TAG_EFE = 266 };

struct udf {
	struct fmt_ctx *c;
	const uint8_t *b;
	size_t len;
	uint32_t bs;		/* logical block bytes */
	uint64_t pstart;	/* partition's first byte */
	uint16_t pnum;		/* its number */
	int have_pd, have_lvd, maps_ok;
	int phys_ref, spare_ref, meta_ref; /* partition map indexes, or -1 */
	uint32_t meta_loc[2];	/* metadata file and its mirror */
	const uint8_t *meta_ad;	/* the metadata file's extents */
	size_t meta_adlen;
	unsigned meta_step;	/* 8 (short_ad) or 16 (long_ad) */
	uint8_t fsd[16];	/* long_ad of the file set descriptor */
	unsigned nodes;
	uint64_t dir_bytes;	/* directory data read so far */
	int broken;
	int too_many;	/* a file had more than UDF_MAX_EXTENTS extents */
};

/* The descriptor with tag id at byte off, need bytes long, or NULL. */
static const uint8_t *tag_at(const struct udf *u, uint64_t off, unsigned id,
			     size_t need)
{
	const uint8_t *t;
	unsigned i, sum = 0;

	if (need < 16 || off > u->len || u->len - off < need)
		return NULL;
	t = u->b + off;
	for (i = 0; i < 16; i++)
		sum += i == 4 ? 0 : t[i];
	if (le16_load(t) != id || (sum & 0xff) != t[4])
		return NULL;
	return t;
}

static unsigned tag_id(const struct udf *u, uint64_t off)
{
	return off <= u->len && u->len - off >= 16 ? le16_load(u->b + off) : 0;
}

/* The partition descriptor: the partition's number and first byte. */
static void partition(struct udf *u, const uint8_t *d)
{
	if (u->have_pd)
		return;		/* the first one counts */
	u->pnum = le16_load(d + 22);
	u->pstart = (uint64_t)le32_load(d + 188) * u->bs;
	u->have_pd = 1;
}

/* One partition map (type 1: the physical partition; type 2: a
 * metadata or sparable partition over it): 0, or -1 for another kind. */
static int part_map(struct udf *u, const uint8_t *m, int idx)
{
	if (m[0] == 1 && m[1] == 6) {
		u->phys_ref = idx;
		return 0;
	}
	if (m[0] != 2 || m[1] != 64)
		return -1;
	if (!memcmp(m + 5, "*UDF Metadata Partition", 23)) {
		u->meta_ref = idx;
		u->meta_loc[0] = le32_load(m + 40);
		u->meta_loc[1] = le32_load(m + 44);
		return 0;
	}
	if (!memcmp(m + 5, "*UDF Sparable Partition", 23)) {
		u->spare_ref = idx;	/* read in place: spared packets not */
		return 0;		/* followed */
	}
	return -1;		/* virtual partitions (VAT) */
}

/* The logical volume: its block size must be ours; the file set
 * descriptor's place; the partition maps. */
static void logical_volume(struct udf *u, const uint8_t *d, size_t room)
{
	uint32_t maplen = le32_load(d + 264), nmaps = le32_load(d + 268), i;
	size_t at = 440;

	if (u->have_lvd || le32_load(d + 212) != u->bs)
		return;
	memcpy(u->fsd, d + 248, 16);
	u->have_lvd = 1;
	u->maps_ok = nmaps >= 1 && nmaps <= 4 && maplen <= room - 440;
	for (i = 0; u->maps_ok && i < nmaps; i++) {
		if (at + 2 > 440 + maplen || d[at + 1] < 2 ||
		    at + d[at + 1] > 440 + maplen ||
		    part_map(u, d + at, (int)i) < 0)
			u->maps_ok = 0;
		else
			at += d[at + 1];
	}
	u->maps_ok = u->maps_ok && u->phys_ref >= 0;
}

/* One descriptor sequence from sector loc, len bytes: 0, or -1 if it did
 * not give both the partition and the logical volume. */
static int sequence(struct udf *u, uint32_t loc, uint32_t len)
{
	unsigned n = 0;
	uint64_t at = (uint64_t)loc * u->bs, end = at + len;

	while (at < end && n++ < UDF_MAX_VDS) {
		unsigned id = tag_id(u, at);
		const uint8_t *t = tag_at(u, at, id, 16);

		if (!t || id == TAG_TD)
			break;
		if (id == TAG_PD && tag_at(u, at, id, 196))
			partition(u, t);
		else if (id == TAG_LVD && tag_at(u, at, id, 446))
			logical_volume(u, t, u->len - at < u->bs ?
						     (size_t)(u->len - at) : u->bs);
		else if (id == TAG_VDP && tag_at(u, at, id, 28)) {
			at = (uint64_t)le32_load(t + 24) * u->bs; /* next extent */
			end = at + le32_load(t + 20);
			continue;
		}
		at += u->bs;
	}
	return u->have_pd && u->have_lvd ? 0 : -1;
}

/* The anchor (block sizes tried in turn), then its sequences. */
static int volume(struct udf *u)
{
	static const uint32_t sizes[] = { 2048, 4096, 512, 1024 };
	unsigned i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		const uint8_t *a;

		u->bs = sizes[i];
		a = tag_at(u, (uint64_t)UDF_ANCHOR_SECTOR * u->bs, TAG_AVDP, 32);
		if (!a || le32_load(a + 12) != UDF_ANCHOR_SECTOR)
			continue;
		if (sequence(u, le32_load(a + 20), le32_load(a + 16)) == 0 ||
		    sequence(u, le32_load(a + 28), le32_load(a + 24)) == 0)
			return 0;
	}
	return -1;
}

/* Byte offset of a block of the metadata partition: its place in the
 * metadata file's extents, or UINT64_MAX. */
static uint64_t meta_off(const struct udf *u, uint32_t blk)
{
	uint64_t pos = (uint64_t)blk * u->bs;
	size_t i;

	for (i = 0; i + u->meta_step <= u->meta_adlen; i += u->meta_step) {
		const uint8_t *ad = u->meta_ad + i;
		uint32_t len = le32_load(ad) & 0x3fffffff;

		if (!len || (le32_load(ad) >> 30) == 3)
			break;	/* continuations not followed here */
		if (pos < len)
			return le32_load(ad) >> 30 ? UINT64_MAX :
			       u->pstart + (uint64_t)le32_load(ad + 4) * u->bs +
				       pos;
		pos -= len;
	}
	return UINT64_MAX;
}

/* Byte offset of logical block blk of partition reference ref, or
 * UINT64_MAX. */
static uint64_t block_off(const struct udf *u, uint32_t blk, uint16_t ref)
{
	if (ref == u->phys_ref || ref == u->spare_ref)
		return u->pstart + (uint64_t)blk * u->bs;
	if (ref == u->meta_ref && u->meta_ad)
		return meta_off(u, blk);
	return UINT64_MAX;
}

struct entry {
	int type;		/* ICB file type: 4 directory, 5 file */
	uint16_t ref;		/* the partition it is recorded in */
	uint64_t size;		/* information length */
	unsigned adtype;	/* 0 short, 1 long, 2 extended, 3 embedded */
	const uint8_t *ad;	/* its allocation descriptors */
	size_t adlen;
};

/* The (extended) file entry at byte off of partition ref: 0, or -1. */
static int entry_off(struct udf *u, uint64_t off, uint16_t ref,
		     struct entry *e)
{
	unsigned id = off == UINT64_MAX ? 0 : tag_id(u, off);
	size_t fixed = id == TAG_EFE ? 216 : 176;
	const uint8_t *t;
	uint64_t lea, lad_len;

	if (++u->nodes > UDF_MAX_NODES || (id != TAG_FE && id != TAG_EFE) ||
	    !(t = tag_at(u, off, id, fixed)))
		return -1;
	lea = le32_load(t + fixed - 8);
	lad_len = le32_load(t + fixed - 4);
	if (lea > u->bs || lad_len > u->bs || fixed + lea + lad_len > u->bs ||
	    !tag_at(u, off, id, fixed + lea + lad_len))
		return -1;
	e->type = t[27];
	e->adtype = le16_load(t + 34) & 7;
	e->size = le64_load(t + 56);
	e->ad = t + fixed + lea;
	e->adlen = (size_t)lad_len;
	e->ref = ref;
	return e->adtype <= 3 ? 0 : -1;
}

/* The (extended) file entry a long_ad points to: 0, or -1. */
static int entry_at(struct udf *u, const uint8_t *lad, struct entry *e)
{
	uint16_t ref = le16_load(lad + 8);

	return entry_off(u, block_off(u, le32_load(lad + 4), ref), ref, e);
}

/* The metadata file (or its mirror), whose extents hold the metadata
 * partition: 0, or -1. */
static int metadata_file(struct udf *u)
{
	struct entry e;
	unsigned i;

	for (i = 0; i < 2; i++) {
		uint64_t off = u->pstart + (uint64_t)u->meta_loc[i] * u->bs;

		if (entry_off(u, off, (uint16_t)u->phys_ref, &e) == 0 &&
		    e.adtype <= 1) {
			u->meta_ad = e.ad;
			u->meta_adlen = e.adlen;
			u->meta_step = e.adtype ? 16 : 8;
			return 0;
		}
	}
	return -1;
}

static int zeros(struct vbuf *out, uint64_t n)
{
	if (vbuf_reserve(out, (size_t)n) < 0)
		return VIGIL_ENOMEM;
	memset(out->data + out->len, 0, (size_t)n);
	out->len += (size_t)n;
	return 0;
}

/* One allocation descriptor: its extent's place, length, recorded bytes
 * and kind (0 recorded, 1 and 2 not, 3 more descriptors). */
struct extent {
	uint64_t off;
	uint32_t len, rec, kind;
};

static void extent(const struct udf *u, const uint8_t *ad, size_t step,
		   uint16_t ref, struct extent *x)
{
	uint32_t raw = le32_load(ad);

	x->len = raw & 0x3fffffff;
	x->kind = raw >> 30;
	if (step == 8)
		x->off = block_off(u, le32_load(ad + 4), ref);
	else if (step == 16)
		x->off = block_off(u, le32_load(ad + 4), le16_load(ad + 8));
	else
		x->off = block_off(u, le32_load(ad + 12), le16_load(ad + 16));
	x->rec = x->kind ? 0 : x->len;
	if (step == 20 && !x->kind && (le32_load(ad + 4) & 0x3fffffff) < x->len)
		x->rec = le32_load(ad + 4) & 0x3fffffff;
}

/* The data of e, at most want bytes, into out: 0, FMT_DAMAGED or an
 * error. */
static int entry_data(struct udf *u, const struct entry *e, uint64_t want,
		      struct vbuf *out)
{
	size_t step = e->adtype == 0 ? 8 : e->adtype == 1 ? 16 : 20;
	const uint8_t *ad = e->ad;
	size_t left = e->adlen;
	unsigned n = 0;
	int rc = 0;

	u->too_many = 0;
	if (e->adtype == 3)
		return vbuf_append(out, ad, left < want ? left : (size_t)want);
	while (!rc && out->len < want && left >= step) {
		struct extent x;
		uint64_t take;

		extent(u, ad, step, e->ref, &x);
		if (!x.len)
			break;
		if (++n > UDF_MAX_EXTENTS) {
			u->too_many = 1;
			return FMT_DAMAGED; /* what was read goes on, flagged */
		}
		if ((x.kind == 3 || x.rec) &&
		    (x.off > u->len || x.len > u->len - x.off))
			return FMT_DAMAGED;
		if (x.kind == 3) {	/* the next extent of descriptors */
			ad = u->b + x.off;
			left = x.len;
			continue;
		}
		take = want - out->len < x.len ? want - out->len : x.len;
		if (x.rec)
			rc = vbuf_append(out, u->b + x.off,
					 (size_t)(take < x.rec ? take : x.rec));
		if (!rc && take > x.rec)
			rc = zeros(out, take - x.rec);
		ad += step;
		left -= step;
	}
	return rc;
}

/* A file identifier (OSTA CS0: 8 or 16 bits a character) appended to path
 * as UTF-8 after a '/', cut to fit. */
static void add_name(char *path, const uint8_t *fi, size_t n)
{
	size_t o = strlen(path), i, w = n && fi[0] == 16 ? 2 : 1;

	if (o && o + 1 < UDF_PATH_BYTES)
		path[o++] = '/';
	for (i = 1; i + w <= n && o + 4 < UDF_PATH_BYTES; i += w) {
		unsigned ch = w == 2 ? (unsigned)fi[i] << 8 | fi[i + 1] : fi[i];

		o += utf8_name_unit(path + o, ch);
	}
	path[o] = 0;
}

/* A file: its data handed on under path. */
static int file(struct udf *u, const struct entry *e, const char *path)
{
	struct vbuf data = { 0 };
	size_t max = fmt_max_output(u->c, u->len);
	int rc;

	if (e->size > max)
		return fmt_over(u->c, path, u->len);
	rc = entry_data(u, e, e->size, &data);
	if (rc == FMT_DAMAGED) {
		if (u->too_many)
			fmt_warn(u->c, "%s: more than %u extents", path,
				 UDF_MAX_EXTENTS);
		else
			fmt_warn(u->c, "%s: an extent outside the volume", path);
		u->broken = 1;
		rc = 0;
	}
	if (!rc)
		rc = fmt_child(u->c, path, data.data, data.len);
	vbuf_free(&data);
	return rc;
}

static int directory(struct udf *u, const struct entry *e, char *path,
		     unsigned depth);

/* One file identifier of a directory: what it names, read. */
static int named(struct udf *u, const uint8_t *fid, size_t lfi, char *path,
		 unsigned depth)
{
	size_t keep = strlen(path);
	struct entry e;
	int rc = 0;

	add_name(path, fid + 38 + le16_load(fid + 36), lfi);
	if (entry_at(u, fid + 20, &e) < 0)
		u->broken = 1;
	else if (e.type == 4 && (fid[18] & 2))
		rc = depth + 1 < UDF_MAX_DEPTH ? directory(u, &e, path, depth + 1) :
			fmt_unreadable(u->c, "Heuristics.Limits.Exceeded."
					     "MaxRecursion");
	else if (!(fid[18] & 2))
		rc = file(u, &e, path);
	path[keep] = 0;
	return rc;
}

/* A directory's identifiers: each file and subdirectory read (deleted
 * ones and the parent skipped). */
static int directory(struct udf *u, const struct entry *e, char *path,
		     unsigned depth)
{
	struct vbuf d = { 0 };
	size_t at = 0;
	int rc;

	if (e->size > UDF_MAX_DIR_BYTES - u->dir_bytes) {
		fmt_warn(u->c, "%s: directories past %u MiB not read", path,
			 UDF_MAX_DIR_BYTES >> 20);
		u->dir_bytes = UDF_MAX_DIR_BYTES;
		u->broken = 1;	/* files left unread: never clean */
		return 0;
	}
	u->dir_bytes += e->size;
	rc = entry_data(u, e, e->size, &d);
	if (rc == FMT_DAMAGED) {	/* read what there is, flagged */
		u->broken = 1;
		rc = 0;
	}
	while (rc >= 0 && rc != 1 && at + 38 <= d.len && !fmt_expired(u->c)) {
		const uint8_t *fid = d.data + at;
		size_t lfi = fid[19], liu = le16_load(fid + 36);
		size_t size = (38 + lfi + liu + 3) & ~(size_t)3;

		if (le16_load(fid) != TAG_FID || size > d.len - at) {
			u->broken = 1;
			break;
		}
		rc = (fid[18] & 0x0c) ? 0 : named(u, fid, lfi, path, depth);
		at += size;
	}
	vbuf_free(&d);
	return rc == FMT_DAMAGED ? 0 : rc;
}

int udf_probe(const uint8_t *buf, size_t len, int type)
{
	(void)type;
	return len >= UDF_VRS_OFFSET + 6 && !buf[UDF_VRS_OFFSET] &&
	       !memcmp(buf + UDF_VRS_OFFSET + 1, "BEA01", 5);
}

/* The file set descriptor's root directory, read. */
static int root(struct udf *u)
{
	uint64_t off = block_off(u, le32_load(u->fsd + 4), le16_load(u->fsd + 8));
	const uint8_t *fsd = off == UINT64_MAX ? NULL :
						 tag_at(u, off, TAG_FSD, 416);
	char path[UDF_PATH_BYTES] = "";
	struct entry e;

	if (!fsd || entry_at(u, fsd + 400, &e) < 0 || e.type != 4)
		return FMT_DAMAGED;
	return directory(u, &e, path, 0);
}

int udf_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct udf u = { .c = c, .b = buf, .len = len, .phys_ref = -1,
			 .spare_ref = -1, .meta_ref = -1 };
	int rc;

	if (!udf_probe(buf, len, VIGIL_TYPE_BINARY))
		return 0;
	fmt_set_container(c, CLT_UDF);
	if (volume(&u) < 0) {
		fmt_warn(c, "no UDF volume descriptors");
		return fmt_unreadable(c, BROKEN);
	}
	if (!u.maps_ok || (u.meta_ref >= 0 && metadata_file(&u) < 0)) {
		fmt_warn(c, "UDF partitions Vigil does not read (virtual), or "
			    "no metadata file");
		return fmt_unreadable(c, BROKEN);
	}
	rc = root(&u);
	if (rc == FMT_DAMAGED || (rc == 0 && u.broken)) {
		fmt_warn(c, "damaged UDF directory tree");
		return fmt_unreadable(c, BROKEN);
	}
	return rc;
}
