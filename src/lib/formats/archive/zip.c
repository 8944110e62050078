/*
 * zip.c -- zip archives read from their central directory (zipdir.c), as
 * unzip reads them: every record in order, so that two entries of one name
 * are two entries, whatever mode the attributes claim (a "directory" or
 * "link" with data is scanned as the file unzip writes), each entry's data
 * decoded here by its method (stored, deflate, Deflate64, Implode, bzip2,
 * LZMA, zstd, xz) within the object size, ratio and time limits as it is
 * produced. Encrypted entries are reported, never passed as clean. A zip
 * whose directory cannot be found goes to libarchive (archive.c), which
 * walks the local headers.
 */
#include <stdio.h>
#include <string.h>

#include "formats/archive/streams.h"
#include "formats/archive/zip.h"
#include "formats/codec/explode.h"
#include "formats/codec/fastinflate.h"
#include "formats/codec/inflate64.h"
#include "vigil/vigil.h"

/* Bytes of an entry's name shown in a detection's path. */
#define ZIP_NAME_BYTES 1024
/* A decoder this reader lacks. */
#define ZIP_UNSUPPORTED (-200)

static void entry_name(const struct zipdir_entry *e, char *out, size_t cap)
{
	size_t n = e->name_len < cap - 1 ? e->name_len : cap - 1;

	memcpy(out, e->name, n);
	out[n] = '\0';
	if (!*out)
		snprintf(out, cap, "?");
}

/* The decoders that take their own output bound; *over when it was hit. */
static int own_bound(struct fmt_ctx *c, const uint8_t *in, size_t n,
		     const struct zipdir_entry *e, struct vbuf *b, int *over)
{
	size_t max = fmt_max_output(c, n);

	if (e->method == 6)
		return explode(in, n, e->flags, (size_t)e->usize, max, b, over);
	return inflate64(in, n, max, b, over);
}

/* Decodes the entry's n bytes at in; 0, ZIP_UNSUPPORTED or an error. */
static int decode(struct fmt_ctx *c, const uint8_t *in, size_t n,
		  const struct zipdir_entry *e, struct stream_out *o, int *over)
{
	int r;

	switch (e->method) {
	case 8:
		if (e->usize <= o->max && e->usize < UINT32_MAX &&
		    (r = fast_inflate(in, n, (size_t)e->usize, e->crc,
				      &o->b)) != 1)
			return r < 0 && r != VIGIL_ENOMEM ? 0 : r;
		o->b.len = 0;
		stream_inflate_raw(o, in, n);
		return 0;
	case 6: case 9:
		r = own_bound(c, in, n, e, &o->b, over);
		if (r < 0 && r != VIGIL_ENOMEM)
			o->err = "damaged data";
		return r == VIGIL_ENOMEM ? r : 0;
	case 12: stream_bunzip(o, in, n); return 0;
	case 14:
		stream_unlzma_zip(o, in, n, (e->flags & 2) ? UINT64_MAX :
							       e->usize);
		return 0;
	case 93: stream_unzstd(o, in, n); return 0;
	case 95: stream_unxz(o, in, n); return 0;
	default: return ZIP_UNSUPPORTED;
	}
}

/* What the decoding gave, as fmt_child() would answer. */
static int verdict(struct fmt_ctx *c, const char *name, struct stream_out *o,
		   int over, size_t n)
{
	if (o->nomem)
		return VIGIL_ENOMEM; /* never a clean verdict for want of memory */
	if (over)
		return fmt_over(c, name, n);
	if (o->stop && o->b.len > o->max)
		return fmt_too_big(c, name);
	if (o->stop)
		return 0; /* the ratio or time guard has reported why */
	if (o->err)
		fmt_warn(c, "entry %s: %s (%zu bytes recovered)", name, o->err,
			 o->b.len);
	return o->b.len ? fmt_child(c, name, o->b.data, o->b.len) : 0;
}

/* The entry's metadata, for container metadata signatures. */
static int announce(struct fmt_ctx *c, const struct zipdir_entry *e,
		    const char *name)
{
	struct fmt_entry m = { name, e->csize, e->usize,
			       (e->flags & 1) || e->method == 99, 1, e->crc };

	return fmt_entry(c, &m);
}

static int one(struct fmt_ctx *c, const uint8_t *buf, size_t len,
	       const struct zipdir_entry *e)
{
	char name[ZIP_NAME_BYTES];
	struct vbuf *keep;
	struct stream_out o;
	size_t n;
	int r, over = 0;

	entry_name(e, name, sizeof(name));
	if ((r = announce(c, e, name)) != 0)
		return r;
	if (!e->data || e->data > len) {
		fmt_warn(c, "entry %s: no local header where the directory "
			 "says", name);
		return 0;
	}
	n = e->csize < len - e->data ? (size_t)e->csize : len - (size_t)e->data;
	if (n < e->csize)
		fmt_warn(c, "entry %s: data cut short", name);
	if ((e->flags & 1) || e->method == 99)
		return fmt_unreadable(c, "Heuristics.Encrypted.Zip");
	if (!n)
		return 0; /* a directory, or an empty file */
	if (e->usize > fmt_max_child(c) && e->usize != UINT32_MAX)
		return fmt_too_big(c, name); /* as declared: not inflated */
	if (e->method == 0)
		return n > fmt_max_child(c) ? fmt_too_big(c, name) :
			fmt_child(c, name, buf + e->data, n);
	stream_out_init(&o, c, fmt_max_child(c));
	if ((keep = fmt_buffer(c)))
		o.b = *keep; /* the last entry's memory, already mapped */
	r = decode(c, buf + e->data, n, e, &o, &over);
	if (r == ZIP_UNSUPPORTED) {
		/* data 7-Zip would extract and we cannot: never clean */
		fmt_warn(c, "entry %s: compression method %u not supported",
			 name, e->method);
		r = fmt_unreadable(c, "Heuristics.Broken.Zip");
	} else if (r == 0) {
		r = verdict(c, name, &o, over, n);
	}
	if (keep) {
		*keep = o.b;
		fmt_buffer_put(c, keep);
	} else {
		vbuf_free(&o.b);
	}
	return r;
}

/* The zip being extracted, for fmt_each (read only while it runs). */
struct zip_walk {
	const uint8_t *buf;
	size_t len;
	const struct zipdir *zd;
};

static int each_entry(struct fmt_ctx *c, void *arg, size_t i)
{
	const struct zip_walk *z = arg;

	if (fmt_expired(c))
		return 1;
	return one(c, z->buf, z->len, &z->zd->e[i]);
}

static uint64_t entry_size(void *arg, size_t i)
{
	const struct zip_walk *z = arg;

	return z->zd->e[i].usize;
}

int zip_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len,
		const struct zipdir *zd)
{
	static const struct fmt_each_ops ops = { each_entry, entry_size,
						 NULL };
	struct zip_walk z = { buf, len, zd };

	if (zd->overlap)
		return fmt_unreadable(c, "Heuristics.Zip.OverlappingFiles");
	if (zd->truncated)
		fmt_warn(c, "zip: the central directory is cut short, or holds "
			 "more than %u records", ZIPDIR_MAX_ENTRIES);
	/* entries are read by the directory: in any order, on any thread */
	return fmt_each(c, zd->n, &ops, &z);
}
