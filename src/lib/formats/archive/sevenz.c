/*
 * sevenz.c -- 7z archives read here rather than by libarchive, so that a
 * big one is decoded on several cores: libarchive reads a 7z as a stream,
 * entry after entry, and decodes each folder (7z's unit of solid
 * compression) from its start on one thread. Here the headers are read by
 * sevenzhdr.c, and the folders are cut into units: a folder, or the piece
 * of an LZMA2 folder from one full reset of its coder to the next
 * (codec/lzma2cut.c). fmt_each() runs the units on the scanner's helpers;
 * each decodes, with liblzma, the files whose data starts in it (decoding
 * on past its end for the last, and over the bytes before its first,
 * which belong to a file the unit before it hands on), and the results
 * come back in the files' order. Folders liblzma cannot decode (PPMd,
 * BCJ2, bzip2, deflate) and headers this reader does not take leave the
 * archive to libarchive; encrypted folders are reported file by file.
 */
#include <libdeflate.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>

#include "formats/archive/sevenz.h"
#include "formats/archive/sevenzhdr.h"
#include "formats/codec/lzma2cut.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

/* Smallest piece of an LZMA2 folder decoded as a unit of its own (the
 * bytes before a unit's first file are decoded twice), and most pieces a
 * folder is cut into. */
#define SZ_UNIT_MIN_BYTES (16u << 20)
#define SZ_MAX_CUTS 4096
/* Output decoded between two looks at the time limit, and the scratch
 * buffer for bytes that are decoded to be passed over. */
#define SZ_STEP_BYTES (4u << 20)
#define SZ_SCRATCH_BYTES (256u << 10)
/* Packed headers inside packed headers followed. */
#define SZ_MAX_LAYERS 4

struct sz_unit {
	size_t folder;
	uint64_t in;		/* where it starts in the folder's pack stream */
	uint64_t out;		/* and in the folder's output */
	size_t file0, file1;	/* its files */
	uint64_t cost;		/* the bytes they hold */
};

struct sz_walk {
	const uint8_t *buf;
	size_t len;
	const struct sz_header *h;
	struct sz_unit *unit;
	size_t nunits;
	uint8_t *broken;	/* per folder: a coder nobody here decodes */
};

/* A folder being decoded from some point on. */
struct sz_dec {
	lzma_stream z;
	int live;		/* z is set up; else stored data at in */
	const uint8_t *in;
	size_t left;
	uint64_t pos;		/* output position in the folder */
	const char *err;	/* why it stopped, or NULL */
	int nomem;
};

int sevenz_is(const uint8_t *buf, size_t len)
{
	return len >= 6 && !memcmp(buf, "7z\xbc\xaf\x27\x1c", 6);
}

static lzma_vli filter_id(uint64_t method)
{
	switch (method) {
	case SZ_LZMA: return LZMA_FILTER_LZMA1;
	case SZ_LZMA2: return LZMA_FILTER_LZMA2;
	case SZ_DELTA: return LZMA_FILTER_DELTA;
	case 0x03030103: return LZMA_FILTER_X86;
	case 0x03030205: return LZMA_FILTER_POWERPC;
	case 0x03030401: return LZMA_FILTER_IA64;
	case 0x03030501: return LZMA_FILTER_ARM;
	case 0x03030701: return LZMA_FILTER_ARMTHUMB;
	case 0x03030805: return LZMA_FILTER_SPARC;
#ifdef LZMA_FILTER_ARM64
	case 0x0a: return LZMA_FILTER_ARM64;
#endif
#ifdef LZMA_FILTER_RISCV
	case 0x0b: return LZMA_FILTER_RISCV;
#endif
	default: return LZMA_VLI_UNKNOWN;
	}
}

static void filters_free(lzma_filter *flt)
{
	for (unsigned i = 0; flt[i].id != LZMA_VLI_UNKNOWN; i++)
		free(flt[i].options);
}

/* An LZMA coder's options: its dictionary no larger than the folder
 * (distances reach back over the output at most: a header cannot make
 * the decoder allocate more), and LZMA's end known from the folder's size
 * (7z stores no end mark, and a filter before it holds its last bytes
 * back until the end is seen). */
static void lzma_opts(lzma_filter *flt, const struct sz_folder *f)
{
	lzma_options_lzma *o = flt->options;
	uint64_t cap = f->size > LZMA_DICT_SIZE_MIN ? f->size :
						      LZMA_DICT_SIZE_MIN;

	if (o->dict_size > cap)
		o->dict_size = (uint32_t)cap;
#ifdef LZMA_FILTER_LZMA1EXT
	if (flt->id == LZMA_FILTER_LZMA1) {
		flt->id = LZMA_FILTER_LZMA1EXT;
		o->ext_flags = LZMA_LZMA1EXT_ALLOW_EOPM;
		o->ext_size_low = (uint32_t)f->size;
		o->ext_size_high = (uint32_t)(f->size >> 32);
	}
#endif
}

static int is_lzma(lzma_vli id)
{
	return id == LZMA_FILTER_LZMA1 || id == LZMA_FILTER_LZMA2;
}

/* The folder's chain as liblzma filters, Copy left out (flt holds
 * SZ_MAX_CHAIN + 1): how many, or -1 when liblzma cannot decode it (a
 * coder it lacks, or LZMA anywhere but last). */
static int filters(const struct sz_folder *f, lzma_filter *flt)
{
	unsigned n = 0, lz = 0;

	flt[0].id = LZMA_VLI_UNKNOWN;
	for (unsigned i = 0; i < f->chain_len; i++) {
		const struct sz_coder *k = &f->chain[i];
		lzma_vli id = filter_id(k->method);

		if (k->method == SZ_COPY)
			continue;
		flt[n] = (lzma_filter){ id, NULL };
		flt[n + 1].id = LZMA_VLI_UNKNOWN;
		if (id == LZMA_VLI_UNKNOWN || lz ||
		    lzma_properties_decode(&flt[n], NULL, k->props,
					   k->nprops) != LZMA_OK) {
			flt[n].id = LZMA_VLI_UNKNOWN;
			filters_free(flt);
			return -1;
		}
		if ((lz = is_lzma(id)) != 0)
			lzma_opts(&flt[n], f);
		n++;
	}
	if (n && !lz) {
		filters_free(flt);
		return -1;
	}
	return (int)n;
}

/* Starts decoding folder f at in bytes into its pack stream, out bytes
 * into its output (a full reset of its coder there). */
static void dec_open(struct sz_dec *d, const uint8_t *buf, size_t len,
		     const struct sz_folder *f, uint64_t in, uint64_t out)
{
	lzma_filter flt[SZ_MAX_CHAIN + 1];
	uint64_t avail = f->pack_at < len ? len - f->pack_at : 0;
	lzma_ret r;
	int n;

	memset(d, 0, sizeof(*d));
	d->z = (lzma_stream)LZMA_STREAM_INIT;
	d->pos = out;
	if (avail > f->pack_len)
		avail = f->pack_len;
	if (in > avail)
		in = avail;
	d->in = buf + (avail ? f->pack_at + in : 0);
	d->left = (size_t)(avail - in);
	if ((n = filters(f, flt)) <= 0) {
		d->err = n < 0 ? "coder not supported" : NULL;
		return; /* stored */
	}
	r = lzma_raw_decoder(&d->z, flt);
	filters_free(flt);
	if (r != LZMA_OK) {
		d->nomem = r == LZMA_MEM_ERROR;
		d->err = "coder properties not supported";
		return;
	}
	d->live = 1;
	d->z.next_in = d->in;
	d->z.avail_in = d->left;
}

static void dec_close(struct sz_dec *d)
{
	if (d->live)
		lzma_end(&d->z);
	d->live = 0;
}

/* Decodes up to want bytes into out: how many came (fewer: d->err). */
static size_t dec_read(struct sz_dec *d, uint8_t *out, size_t want)
{
	size_t got = 0;

	if (d->err)
		return 0;
	if (!d->live) {
		got = want < d->left ? want : d->left;
		memcpy(out, d->in, got);
		d->in += got;
		d->left -= got;
	} else {
		lzma_ret r = LZMA_OK;

		d->z.next_out = out;
		d->z.avail_out = want;
		while (d->z.avail_out && r == LZMA_OK)
			r = lzma_code(&d->z, LZMA_RUN);
		got = want - d->z.avail_out;
		d->nomem = r == LZMA_MEM_ERROR;
		if (got < want)
			d->err = r == LZMA_STREAM_END || r == LZMA_BUF_ERROR ?
					 "data cut short" :
					 "damaged data";
	}
	if (got < want && !d->err)
		d->err = "data cut short";
	d->pos += got;
	return got;
}

/* Decodes the output up to position to, passing it over: 0, or 1 when
 * the scan's time is up. */
static int dec_skip(struct fmt_ctx *c, struct sz_dec *d, uint64_t to,
		    uint8_t *scratch)
{
	while (d->pos < to && !d->err) {
		uint64_t n = to - d->pos;

		dec_read(d, scratch, n < SZ_SCRATCH_BYTES ? (size_t)n :
							    SZ_SCRATCH_BYTES);
		if (fmt_expired(c))
			return 1;
	}
	return 0;
}

/* Decodes a file of size bytes into b: 0 (damage in d->err), 1 (the
 * time or ratio limit, reported), or VIGIL_ENOMEM. */
static int dec_file(struct fmt_ctx *c, struct sz_dec *d, size_t inlen,
		    uint64_t size, struct vbuf *b)
{
	size_t first = fmt_max_output(c, inlen);

	b->len = 0;
	if (vbuf_reserve(b, size < first ? (size_t)size : first) < 0)
		return VIGIL_ENOMEM;
	while (b->len < size && !d->err) {
		size_t step = size - b->len < SZ_STEP_BYTES ?
				      (size_t)(size - b->len) :
				      SZ_STEP_BYTES;

		if (vbuf_reserve(b, step) < 0)
			return VIGIL_ENOMEM;
		b->len += dec_read(d, b->data + b->len, step);
		if (fmt_expired(c) || fmt_ratio_exceeded(c, b->len, inlen))
			return 1;
	}
	return d->nomem ? VIGIL_ENOMEM : 0;
}

/* A unit being run: its decoder, opened at its first file with data. */
struct sz_run {
	const struct sz_walk *w;
	const struct sz_unit *u;
	struct sz_dec d;
	int open;
	uint8_t *scratch;
	struct vbuf *b;
};

/* The data of a file: decoded from where the decoder stands (past what
 * lies before it), checked, handed on. Returns as fmt_child(). */
static int file_data(struct fmt_ctx *c, struct sz_run *r,
		     const struct sz_stream *s, const char *name)
{
	const struct sz_walk *w = r->w;
	int rc;

	if (!r->open) {
		dec_open(&r->d, w->buf, w->len, &w->h->folder[r->u->folder],
			 r->u->in, r->u->out);
		r->open = 1;
	}
	if (!r->scratch && !(r->scratch = malloc(SZ_SCRATCH_BYTES)))
		return VIGIL_ENOMEM;
	if (r->d.pos > s->at) { /* cannot be: streams follow each other */
		fmt_warn(c, "entry %s: data behind the decoder", name);
		return 0;
	}
	if (dec_skip(c, &r->d, s->at, r->scratch))
		return 1;
	if (r->d.err) {
		fmt_warn(c, "entry %s: not decoded (%s before it)", name,
			 r->d.err);
		return r->d.nomem ? VIGIL_ENOMEM : 0;
	}
	rc = dec_file(c, &r->d, w->len, s->size, r->b);
	if (rc == 1)
		return fmt_expired(c);
	if (rc < 0)
		return rc;
	if (r->d.err)
		fmt_warn(c, "entry %s: %s (%zu bytes recovered)", name,
			 r->d.err, r->b->len);
	else if (s->has_crc &&
		 libdeflate_crc32(0, r->b->data, r->b->len) != s->crc)
		fmt_warn(c, "entry %s: CRC mismatch", name);
	return r->b->len ? fmt_child(c, name, r->b->data, r->b->len) : 0;
}

/* File k of the archive: announced, and its data handed on. */
static int one_file(struct fmt_ctx *c, struct sz_run *r, size_t k)
{
	const struct sz_header *h = r->w->h;
	const struct sz_file *f = &h->file[k];
	const struct sz_stream *s = f->stream != SZ_NONE ?
					    &h->stream[f->stream] :
					    NULL;
	const struct sz_folder *fo = s ? &h->folder[s->folder] : NULL;
	const char *name = h->names[f->name] ? h->names + f->name : "?";
	struct fmt_entry m = { name, FMT_UNKNOWN, s ? s->size : 0,
			       fo && fo->encrypted, s && s->has_crc,
			       s ? s->crc : 0 };
	int rc;

	if ((rc = fmt_entry(c, &m)) != 0 || !s || !s->size)
		return rc;
	if (fo->encrypted)
		return fmt_unreadable(c, "Heuristics.Encrypted.7Zip");
	if (r->w->broken[s->folder]) { /* what 7-Zip would extract */
		fmt_warn(c, "entry %s: coder not supported", name);
		return fmt_unreadable(c, "Heuristics.Broken.7Zip");
	}
	if (s->size > fmt_max_child(c))
		return fmt_too_big(c, name); /* as declared: not decoded */
	return file_data(c, r, s, name);
}

static int run_unit(struct fmt_ctx *c, void *arg, size_t i)
{
	const struct sz_walk *w = arg;
	struct sz_run r = { w, &w->unit[i], { .live = 0 }, 0, NULL, NULL };
	struct vbuf own = { 0 }, *keep = fmt_buffer(c);
	int rc = 0;

	r.b = keep ? keep : &own;
	for (size_t k = r.u->file0; k < r.u->file1 && !rc; k++)
		rc = fmt_expired(c) ? 1 : one_file(c, &r, k);
	if (r.open)
		dec_close(&r.d);
	free(r.scratch);
	if (keep)
		fmt_buffer_put(c, keep);
	else
		vbuf_free(&own);
	return rc;
}

static uint64_t unit_cost(void *arg, size_t i)
{
	const struct sz_walk *w = arg;

	return w->unit[i].cost;
}

/* Entries the units before unit i announce (all of them for i = n). */
static uint64_t unit_first(void *arg, size_t i)
{
	const struct sz_walk *w = arg;

	return i < w->nunits ? w->unit[i].file0 : w->h->nfiles;
}

/* Where folder f can be decoded from afresh, into cut: how many places
 * (1: only its start). Only a folder of LZMA2 alone is cut (a filter
 * after it carries state across the cut), and only a big one. */
static size_t folder_cuts(const struct sz_walk *w, const struct sz_folder *f,
			  struct lzma2_cut *cut)
{
	uint64_t avail;

	if (f->encrypted || f->chain_len != 1 ||
	    f->chain[0].method != SZ_LZMA2 ||
	    f->size < 2 * (uint64_t)SZ_UNIT_MIN_BYTES || f->pack_at >= w->len) {
		cut[0] = (struct lzma2_cut){ 0, 0 };
		return 1;
	}
	avail = w->len - f->pack_at;
	if (avail > f->pack_len)
		avail = f->pack_len;
	return lzma2_cuts(w->buf + f->pack_at, (size_t)avail,
			  SZ_UNIT_MIN_BYTES, cut, SZ_MAX_CUTS);
}

/* Which unit each file goes to: a file with data to the unit its data
 * starts in, one without to the unit of the next file with data. */
static void owners(const struct sz_walk *w, size_t *owner)
{
	const struct sz_header *h = w->h;
	size_t u = 0, next = w->nunits - 1;

	for (size_t k = 0; k < h->nfiles; k++) {
		const struct sz_stream *s;

		if (h->file[k].stream == SZ_NONE)
			continue;
		s = &h->stream[h->file[k].stream];
		while (u + 1 < w->nunits &&
		       (w->unit[u + 1].folder < s->folder ||
			(w->unit[u + 1].folder == s->folder &&
			 w->unit[u + 1].out <= s->at)))
			u++;
		owner[k] = u;
	}
	for (size_t k = h->nfiles; k-- > 0;) {
		if (h->file[k].stream == SZ_NONE)
			owner[k] = next;
		else
			next = owner[k];
	}
}

/* Gives each unit its run of files, and drops the units without any. */
static int assign(struct sz_walk *w)
{
	const struct sz_header *h = w->h;
	size_t *owner = malloc((h->nfiles ? h->nfiles : 1) * sizeof(*owner));
	size_t n = 0;

	if (!owner)
		return VIGIL_ENOMEM;
	owners(w, owner);
	for (size_t u = 0; u < w->nunits; u++)
		w->unit[u].file0 = SIZE_MAX;
	for (size_t k = 0; k < h->nfiles; k++) {
		struct sz_unit *u = &w->unit[owner[k]];

		if (u->file0 == SIZE_MAX)
			u->file0 = k;
		u->file1 = k + 1;
		if (h->file[k].stream != SZ_NONE)
			u->cost += h->stream[h->file[k].stream].size;
	}
	free(owner);
	for (size_t u = 0; u < w->nunits; u++)
		if (w->unit[u].file0 != SIZE_MAX)
			w->unit[n++] = w->unit[u];
	w->nunits = n;
	return 0;
}

static int build_units(struct sz_walk *w)
{
	const struct sz_header *h = w->h;
	struct lzma2_cut *cut = malloc(SZ_MAX_CUTS * sizeof(*cut));
	struct varr units;
	int rc = 0;

	varr_init(&units, sizeof(struct sz_unit));
	for (size_t f = 0; cut && f < h->nfolders && !rc; f++) {
		size_t n = h->folder[f].nstreams ?
				   folder_cuts(w, &h->folder[f], cut) :
				   0;

		for (size_t k = 0; k < n && !rc; k++) {
			struct sz_unit *u = varr_push(&units);

			if (!u)
				rc = VIGIL_ENOMEM;
			else
				*u = (struct sz_unit){ f, cut[k].in,
						       cut[k].out, 0, 0, 0 };
		}
	}
	if (cut && !rc && !units.n && !varr_push(&units))
		rc = VIGIL_ENOMEM; /* files without data: one unit */
	free(cut);
	w->unit = units.data;
	w->nunits = units.n;
	if (!cut)
		return VIGIL_ENOMEM;
	return rc ? rc : assign(w);
}

/* Decodes folder 0 of h, which holds a packed header, into b. */
static int unpack_header(const uint8_t *buf, size_t len,
			 const struct sz_header *h, struct vbuf *b)
{
	const struct sz_folder *f = &h->folder[0];
	struct sz_dec d;
	size_t got;

	if (f->encrypted || f->size > SZ_MAX_HEADER_BYTES)
		return SZ_DAMAGED;
	b->len = 0;
	if (vbuf_reserve(b, (size_t)f->size + 1) < 0)
		return SZ_NOMEM;
	dec_open(&d, buf, len, f, 0, 0);
	got = dec_read(&d, b->data, (size_t)f->size);
	dec_close(&d);
	if (d.nomem)
		return SZ_NOMEM;
	if (got != f->size ||
	    (f->has_crc && libdeflate_crc32(0, b->data, got) != f->crc))
		return SZ_DAMAGED;
	b->len = got;
	return 0;
}

/* The archive's header into h, unpacked through the layers of packed
 * headers (into hb), and where the archive ends (its header's end): 0,
 * SZ_DAMAGED or SZ_NOMEM. */
static int load(const uint8_t *buf, size_t len, struct sz_header *h,
		struct vbuf *hb, size_t *end)
{
	size_t at, n;
	const uint8_t *p;
	int ok, rc;

	memset(h, 0, sizeof(*h));
	if (sz_signature(buf, len, &at, &n, &ok) || !ok)
		return SZ_DAMAGED;
	*end = at + n;
	if (!n)
		return 0; /* an empty archive */
	p = buf + at;
	for (unsigned layer = 0;; layer++) {
		rc = sz_parse(p, n, len, h);
		if (rc != SZ_ENCODED)
			return rc;
		if (layer == SZ_MAX_LAYERS)
			return SZ_DAMAGED;
		rc = unpack_header(buf, len, h, &hb[layer & 1]);
		sz_free(h);
		if (rc)
			return rc;
		p = hb[layer & 1].data;
		n = hb[layer & 1].len;
	}
}

/* 1 if libarchive's 7z reader knows a coder liblzma does not: PPMd,
 * bzip2, deflate, Deflate64, BCJ2 (which also makes a folder no chain). */
static int libarchive_coder(uint64_t method)
{
	return method == 0x030401 || method == 0x040202 ||
	       method == 0x040108 || method == 0x040109 ||
	       method == 0x0303011b;
}

/*
 * What each folder that holds data is (w->broken[i] set for one whose
 * chain has a coder neither liblzma nor libarchive decodes: its files are
 * reported, never clean): 1 if this reader reads the archive, 0 if
 * libarchive must (a folder that is no chain, or needs one of its coders).
 */
static int decodable(struct sz_walk *w)
{
	const struct sz_header *h = w->h;

	for (size_t i = 0; i < h->nfolders; i++) {
		const struct sz_folder *f = &h->folder[i];
		lzma_filter flt[SZ_MAX_CHAIN + 1];

		if (!f->nstreams || f->encrypted)
			continue;
		if (!f->chain_len)
			return 0;
		if (filters(f, flt) >= 0) {
			filters_free(flt);
			continue;
		}
		for (unsigned k = 0; k < f->chain_len; k++)
			if (libarchive_coder(f->chain[k].method))
				return 0;
		w->broken[i] = 1;
	}
	return 1;
}

int sevenz_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len,
		   size_t *end)
{
	static const struct fmt_each_ops ops = { run_unit, unit_cost,
						 unit_first };
	struct sz_header h;
	struct vbuf hb[2] = { { 0 }, { 0 } };
	struct sz_walk w = { buf, len, &h, NULL, 0, NULL };
	int rc = load(buf, len, &h, hb, end);

	if (rc == SZ_NOMEM)
		rc = VIGIL_ENOMEM;
	else if (!rc && !(w.broken = calloc(h.nfolders + 1, 1)))
		rc = VIGIL_ENOMEM;
	else if (rc || !decodable(&w))
		rc = SEVENZ_OTHER;
	else if (h.nfiles && (rc = build_units(&w)) == 0)
		/* one unit: decoded here, its files matched by the helpers
		 * while the next is decoded */
		rc = w.nunits == 1 ? run_unit(c, &w, 0) :
				     fmt_each(c, w.nunits, &ops, &w);
	free(w.unit);
	free(w.broken);
	sz_free(&h);
	vbuf_free(&hb[0]);
	vbuf_free(&hb[1]);
	return rc;
}
