/*
 * sevenzhdr.c -- a 7z archive's headers, read through the bounded reader
 * (the layout is the one 7-Zip's 7zFormat.txt describes: property ids,
 * variable-length numbers, bit vectors). Written here because no
 * maintained library gives a 7z's layout without also decoding it in
 * one piece (why Vigil reads 7z itself: sevenz.c). Every count is checked
 * against SZ_MAX_ITEMS and against what the header could hold before
 * anything is allocated; sizes that do not add up make the header
 * damaged.
 */
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

#include "common/reader.h"
#include "formats/archive/sevenzhdr.h"

enum {
	K_END = 0x00, K_HEADER = 0x01, K_ARCHIVE_PROPS = 0x02,
	K_ADDITIONAL = 0x03, K_MAIN = 0x04, K_FILES = 0x05,
	K_PACK_INFO = 0x06, K_UNPACK_INFO = 0x07, K_SUBSTREAMS = 0x08,
	K_SIZE = 0x09, K_CRC = 0x0a, K_FOLDER = 0x0b, K_UNPACK_SIZE = 0x0c,
	K_NUM_UNPACK = 0x0d, K_EMPTY_STREAM = 0x0e, K_EMPTY_FILE = 0x0f,
	K_NAME = 0x11, K_ENCODED = 0x17
};

static const uint8_t sz_magic[6] = { '7', 'z', 0xbc, 0xaf, 0x27, 0x1c };

/* What is read before the folders' streams and files are laid out. */
struct sz_parse {
	struct rdr r;
	uint64_t len;		/* the archive's bytes */
	uint64_t pack_pos;	/* the pack streams, from the archive's start */
	uint64_t *pack;		/* their sizes */
	size_t npack;
	int substreams;		/* SubStreamsInfo was read */
};

/* 7z's number: the first byte's leading one bits count the bytes after
 * it (little-endian), its other bits are the high part. */
static uint64_t num(struct rdr *r)
{
	unsigned first = rdr_u8(r), mask = 0x80;
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++, mask >>= 1) {
		if (!(first & mask))
			return v | (uint64_t)(first & (mask - 1)) << (8 * i);
		v |= (uint64_t)rdr_u8(r) << (8 * i);
	}
	return v;
}

/* A count of things each taking at least one bit of what is left. */
static size_t count(struct rdr *r)
{
	uint64_t n = num(r);

	if (n > SZ_MAX_ITEMS || n > (uint64_t)rdr_left(r) * 8 + 8) {
		r->failed = 1;
		return 0;
	}
	return (size_t)n;
}

static int bit(const uint8_t *v, size_t i)
{
	return v ? v[i >> 3] >> (7 - (i & 7)) & 1 : 0;
}

/* A property's data, skipped. */
static void skip_data(struct rdr *r)
{
	uint64_t n = num(r);

	if (n > rdr_left(r))
		r->failed = 1;
	else
		rdr_skip(r, (size_t)n);
}

static void *table(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

/* A digest list of n items: which are defined (all when the first byte
 * says so), and their CRCs; each goes to crc[i]/has[i] if they are set. */
static void digests(struct rdr *r, size_t n, uint32_t *crc, int *has)
{
	const uint8_t *defined = NULL;

	if (!rdr_u8(r))
		defined = rdr_bytes(r, (n + 7) / 8);
	for (size_t i = 0; i < n && !rdr_failed(r); i++) {
		int d = defined ? bit(defined, i) : 1;
		uint32_t v = d ? rdr_u32le(r) : 0;

		if (crc) {
			crc[i] = v;
			has[i] = d;
		}
	}
}

static int pack_info(struct sz_parse *p)
{
	struct rdr *r = &p->r;
	uint64_t id;

	p->pack_pos = num(r);
	p->npack = count(r);
	if (rdr_failed(r) || num(r) != K_SIZE)
		return SZ_DAMAGED;
	if (!(p->pack = table(p->npack, sizeof(*p->pack))))
		return SZ_NOMEM;
	for (size_t i = 0; i < p->npack; i++)
		p->pack[i] = num(r);
	while (!rdr_failed(r) && (id = num(r)) != K_END) {
		if (id == K_CRC)
			digests(r, p->npack, NULL, NULL);
		else
			skip_data(r);
	}
	return rdr_failed(r) ? SZ_DAMAGED : 0;
}

/* One coder of a folder's description. */
struct coder_rec {
	uint64_t method;
	const uint8_t *props;
	size_t nprops;
	unsigned nin, nout;
};

/* The folder's coders as a chain from the output back to the one packed
 * stream, if they make one. bind[k] = {in, out}; packed: the unbound in
 * stream. Coders here have one in and one out stream each, so a stream's
 * index is its coder's. */
static void chain(struct sz_folder *f, const struct coder_rec *c, unsigned n,
		  uint64_t (*bind)[2], uint64_t packed, unsigned final)
{
	unsigned cur = final, len = 0;

	for (unsigned i = 0; i < n; i++)
		if (c[i].nin != 1 || c[i].nout != 1)
			return;
	if (n > SZ_MAX_CHAIN)
		return;
	for (;;) {
		unsigned k;

		f->chain[len++] = (struct sz_coder){ c[cur].method,
						     c[cur].props,
						     c[cur].nprops };
		for (k = 0; k + 1 < n && bind[k][0] != cur; k++)
			;
		if (k + 1 >= n)
			break;
		cur = (unsigned)bind[k][1];
		if (len == n)
			return; /* a loop */
	}
	if (len == n && cur == packed)
		f->chain_len = len;
}

static int coders(struct rdr *r, struct coder_rec *c, unsigned n,
		  unsigned *nin, unsigned *nout, struct sz_folder *f)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned flags = rdr_u8(r), idlen = flags & 0x0f;
		const uint8_t *id = rdr_bytes(r, idlen);

		if (idlen > 8 || (flags & 0x80) || !id)
			return SZ_DAMAGED;
		c[i].method = 0;
		for (unsigned k = 0; k < idlen; k++)
			c[i].method = c[i].method << 8 | id[k];
		c[i].nin = c[i].nout = 1;
		if (flags & 0x10) {
			c[i].nin = (unsigned)(num(r) & 0xff);
			c[i].nout = (unsigned)(num(r) & 0xff);
		}
		c[i].props = NULL;
		c[i].nprops = 0;
		if (flags & 0x20) {
			c[i].nprops = count(r);
			c[i].props = rdr_bytes(r, c[i].nprops);
		}
		f->encrypted |= c[i].method == SZ_AES;
		*nin += c[i].nin;
		*nout += c[i].nout;
		if (rdr_failed(r) || *nin > SZ_MAX_FOLDER_CODERS ||
		    *nout > SZ_MAX_FOLDER_CODERS)
			return SZ_DAMAGED;
	}
	return 0;
}

/* A folder: its coders, how their streams are bound, which in streams
 * are packed. *npacked and *nout are its pack and out stream counts;
 * *final the out stream that is the folder's output. */
static int folder(struct rdr *r, struct sz_folder *f, unsigned *npacked,
		  unsigned *nout, unsigned *final)
{
	struct coder_rec c[SZ_MAX_FOLDER_CODERS];
	uint64_t bind[SZ_MAX_FOLDER_CODERS][2];
	uint32_t in_bound = 0, out_bound = 0;
	unsigned n = (unsigned)num(r), nin = 0, packed = 0;

	*nout = 0;
	if (n < 1 || n > SZ_MAX_FOLDER_CODERS ||
	    coders(r, c, n, &nin, nout, f) < 0 || *nout < 1 || nin < *nout)
		return SZ_DAMAGED;
	for (unsigned k = 0; k + 1 < *nout; k++) {
		bind[k][0] = num(r);
		bind[k][1] = num(r);
		if (bind[k][0] >= nin || bind[k][1] >= *nout ||
		    (in_bound >> bind[k][0] & 1) ||
		    (out_bound >> bind[k][1] & 1))
			return SZ_DAMAGED;
		in_bound |= 1u << bind[k][0];
		out_bound |= 1u << bind[k][1];
	}
	*npacked = nin - (*nout - 1);
	if (*npacked == 1) {
		while (in_bound >> packed & 1)
			packed++;
	} else {
		for (unsigned k = 0; k < *npacked; k++)
			if (num(r) >= nin)
				return SZ_DAMAGED;
	}
	for (*final = 0; out_bound >> *final & 1; ++*final)
		;
	if (*npacked == 1)
		chain(f, c, n, bind, packed, *final);
	return rdr_failed(r) ? SZ_DAMAGED : 0;
}

/* The folders' sizes: one per out stream of each, the folder's own is its
 * final out stream's. */
static int unpack_sizes(struct rdr *r, struct sz_header *h,
			const unsigned *nout, const unsigned *final)
{
	for (size_t i = 0; i < h->nfolders; i++)
		for (unsigned k = 0; k < nout[i]; k++) {
			uint64_t v = num(r);

			if (k == final[i])
				h->folder[i].size = v;
		}
	return rdr_failed(r) ? SZ_DAMAGED : 0;
}

/* Places each folder's first pack stream in the archive. */
static int place_folders(struct sz_parse *p, struct sz_header *h,
			 const unsigned *npacked)
{
	uint64_t at = SZ_SIG_BYTES + p->pack_pos;
	size_t k = 0;

	if (p->pack_pos > p->len)
		return SZ_DAMAGED;
	for (size_t i = 0; i < h->nfolders; i++) {
		if (npacked[i] > p->npack - k)
			return SZ_DAMAGED;
		h->folder[i].pack_at = at;
		h->folder[i].pack_len = p->pack[k];
		for (unsigned j = 0; j < npacked[i]; j++, k++) {
			if (p->pack[k] > p->len || at > p->len)
				return SZ_DAMAGED;
			at += p->pack[k];
		}
	}
	return 0;
}

static int folders(struct sz_parse *p, struct sz_header *h, unsigned *npacked,
		   unsigned *nout, unsigned *final)
{
	struct rdr *r = &p->r;
	uint64_t id;
	uint32_t *crc;
	int *has;

	for (size_t i = 0; i < h->nfolders; i++)
		if (folder(r, &h->folder[i], &npacked[i], &nout[i], &final[i]))
			return SZ_DAMAGED;
	if (num(r) != K_UNPACK_SIZE || unpack_sizes(r, h, nout, final))
		return SZ_DAMAGED;
	crc = table(h->nfolders, sizeof(*crc));
	has = table(h->nfolders, sizeof(*has));
	while (crc && has && !rdr_failed(r) && (id = num(r)) != K_END) {
		if (id != K_CRC) {
			skip_data(r);
			continue;
		}
		digests(r, h->nfolders, crc, has);
		for (size_t i = 0; i < h->nfolders; i++) {
			h->folder[i].crc = crc[i];
			h->folder[i].has_crc = has[i];
		}
	}
	free(has);
	free(crc);
	if (!crc || !has)
		return SZ_NOMEM;
	return rdr_failed(r) ? SZ_DAMAGED : place_folders(p, h, npacked);
}

static int unpack_info(struct sz_parse *p, struct sz_header *h)
{
	struct rdr *r = &p->r;
	unsigned *npacked, *nout, *final;
	size_t n;
	int rc;

	if (num(r) != K_FOLDER)
		return SZ_DAMAGED;
	n = count(r);
	if (n > SZ_MAX_FOLDERS || rdr_failed(r) ||
	    rdr_u8(r) != 0) /* "external": 7-Zip never writes it */
		return SZ_DAMAGED;
	h->nfolders = n;
	h->folder = table(h->nfolders, sizeof(*h->folder));
	npacked = table(h->nfolders, sizeof(*npacked));
	nout = table(h->nfolders, sizeof(*nout));
	final = table(h->nfolders, sizeof(*final));
	rc = h->folder && npacked && nout && final ?
		     folders(p, h, npacked, nout, final) :
		     SZ_NOMEM;
	free(npacked);
	free(nout);
	free(final);
	return rc;
}

/* The streams as SubStreamsInfo cuts the folders: how many each holds,
 * then their sizes (the last takes what is left). */
static int stream_sizes(struct rdr *r, struct sz_header *h, int sizes)
{
	size_t s = 0;

	for (size_t i = 0; i < h->nfolders; i++) {
		struct sz_folder *f = &h->folder[i];
		uint64_t at = 0;

		f->first = s;
		for (uint64_t k = 0; k < f->nstreams; k++, s++) {
			uint64_t v = f->size - at;

			if (k + 1 < f->nstreams) {
				if (!sizes)
					return SZ_DAMAGED;
				v = num(r);
				if (v > f->size - at)
					return SZ_DAMAGED;
			}
			h->stream[s] = (struct sz_stream){ i, at, v, 0, 0 };
			at += v;
		}
	}
	return rdr_failed(r) ? SZ_DAMAGED : 0;
}

static int stream_table(struct sz_header *h)
{
	uint64_t total = 0;

	for (size_t i = 0; i < h->nfolders; i++) {
		total += h->folder[i].nstreams;
		if (total > SZ_MAX_ITEMS)
			return SZ_DAMAGED;
	}
	h->nstreams = (size_t)total;
	h->stream = table(h->nstreams, sizeof(*h->stream));
	return h->stream ? 0 : SZ_NOMEM;
}

/* The streams' CRCs: a folder of one stream with its own CRC gives it;
 * the digest list has the others, in order. */
static int stream_crcs(struct rdr *r, struct sz_header *h)
{
	size_t n = 0, k = 0;
	uint32_t *crc;
	int *has;

	for (size_t i = 0; i < h->nfolders; i++)
		if (!(h->folder[i].nstreams == 1 && h->folder[i].has_crc))
			n += (size_t)h->folder[i].nstreams;
	crc = table(n, sizeof(*crc));
	has = table(n, sizeof(*has));
	if (crc && has && r)
		digests(r, n, crc, has);
	for (size_t i = 0; crc && has && i < h->nfolders; i++) {
		struct sz_folder *f = &h->folder[i];

		for (uint64_t j = 0; j < f->nstreams; j++) {
			struct sz_stream *s = &h->stream[f->first + j];

			if (f->nstreams == 1 && f->has_crc) {
				s->has_crc = 1;
				s->crc = f->crc;
			} else {
				s->has_crc = has[k];
				s->crc = crc[k++];
			}
		}
	}
	free(crc);
	free(has);
	return crc && has ? 0 : SZ_NOMEM;
}

static int substreams(struct sz_parse *p, struct sz_header *h)
{
	struct rdr *r = &p->r;
	uint64_t id = num(r);
	int rc = 0, crcs = 0;

	if (id == K_NUM_UNPACK) {
		for (size_t i = 0; i < h->nfolders; i++)
			h->folder[i].nstreams = count(r);
		id = num(r);
	}
	while (!rdr_failed(r) && id != K_SIZE && id != K_CRC && id != K_END) {
		skip_data(r);
		id = num(r);
	}
	if (rdr_failed(r) || (rc = stream_table(h)) != 0 ||
	    (rc = stream_sizes(r, h, id == K_SIZE)) != 0)
		return rdr_failed(r) ? SZ_DAMAGED : rc;
	if (id == K_SIZE)
		id = num(r);
	for (; !rdr_failed(r) && id != K_END; id = num(r)) {
		if (id == K_CRC && !crcs++) {
			if ((rc = stream_crcs(r, h)) != 0)
				return rc;
		} else {
			skip_data(r);
		}
	}
	return rdr_failed(r) ? SZ_DAMAGED : 0;
}

/* StreamsInfo: pack streams, folders, and how the folders are cut. */
static int streams_info(struct sz_parse *p, struct sz_header *h)
{
	uint64_t id = num(&p->r);
	int rc;

	if (id == K_PACK_INFO) {
		if ((rc = pack_info(p)) != 0)
			return rc;
		id = num(&p->r);
	}
	if (id == K_UNPACK_INFO) {
		if ((rc = unpack_info(p, h)) != 0)
			return rc;
		id = num(&p->r);
	}
	for (size_t i = 0; i < h->nfolders; i++)
		h->folder[i].nstreams = 1;
	if (id == K_SUBSTREAMS) {
		p->substreams = 1;
		if ((rc = substreams(p, h)) != 0)
			return rc;
		id = num(&p->r);
	} else if ((rc = stream_table(h)) != 0 ||
		   (rc = stream_sizes(&p->r, h, 0)) != 0 ||
		   (rc = stream_crcs(NULL, h)) != 0) {
		return rc;
	}
	return id == K_END && !rdr_failed(&p->r) ? 0 : SZ_DAMAGED;
}

/* One UTF-16LE name of the n bytes at in, up to its NUL code unit, into
 * out as UTF-8 with a NUL (a lone surrogate becomes U+FFFD, a NUL in it
 * cannot occur, '/' stays the path's separator). Returns the input bytes
 * used; *w the output bytes written. */
static size_t name16(const uint8_t *in, size_t n, char *out, size_t *w)
{
	size_t i = 0, o = 0;

	for (; i + 1 < n; i += 2) {
		unsigned u = in[i] | in[i + 1] << 8, lo;

		if (!u) {
			i += 2;
			break;
		}
		if (u >= 0xd800 && u < 0xdc00 && i + 3 < n &&
		    (lo = in[i + 2] | in[i + 3] << 8) >= 0xdc00 && lo < 0xe000) {
			unsigned cp = 0x10000 + ((u - 0xd800) << 10) +
				      (lo - 0xdc00);

			out[o++] = (char)(0xf0 | cp >> 18);
			out[o++] = (char)(0x80 | (cp >> 12 & 0x3f));
			out[o++] = (char)(0x80 | (cp >> 6 & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
			i += 2;
			continue;
		}
		if (u >= 0xd800 && u < 0xe000)
			u = 0xfffd;
		if (u < 0x80) {
			out[o++] = (char)u;
		} else if (u < 0x800) {
			out[o++] = (char)(0xc0 | u >> 6);
			out[o++] = (char)(0x80 | (u & 0x3f));
		} else {
			out[o++] = (char)(0xe0 | u >> 12);
			out[o++] = (char)(0x80 | (u >> 6 & 0x3f));
			out[o++] = (char)(0x80 | (u & 0x3f));
		}
	}
	out[o++] = '\0';
	*w = o;
	return i < n ? i : n;
}

/* The file records' properties that matter here; the others (times,
 * attributes, padding) are skipped by their size. */
struct files_rec {
	const uint8_t *empty_stream, *empty_file, *names;
	size_t empty_file_len, names_len, nempty;
};

static int files_props(struct rdr *r, size_t nfiles, struct files_rec *fr)
{
	uint64_t id;

	while (!rdr_failed(r) && (id = num(r)) != K_END) {
		uint64_t size = num(r);
		const uint8_t *d = size <= rdr_left(r) ?
					   rdr_bytes(r, (size_t)size) :
					   NULL;

		if (!d)
			return SZ_DAMAGED;
		if (id == K_EMPTY_STREAM) {
			if (size < (nfiles + 7) / 8)
				return SZ_DAMAGED;
			fr->empty_stream = d;
			fr->nempty = 0;
			for (size_t i = 0; i < nfiles; i++)
				fr->nempty += (size_t)bit(d, i);
		} else if (id == K_EMPTY_FILE) {
			fr->empty_file = d;
			fr->empty_file_len = (size_t)size;
		} else if (id == K_NAME) {
			if (!size || d[0] != 0) /* names kept elsewhere */
				return SZ_DAMAGED;
			fr->names = d + 1;
			fr->names_len = (size_t)size - 1;
		}
	}
	if (fr->empty_file && fr->empty_file_len < (fr->nempty + 7) / 8)
		return SZ_DAMAGED;
	return rdr_failed(r) ? SZ_DAMAGED : 0;
}

/* The files in order: a name each, the streams handed out in order to
 * those that have data. Streams no record names are files too (without
 * a name): their data is there to be scanned. */
static int files(struct sz_header *h, size_t nfiles,
		 const struct files_rec *fr)
{
	size_t s = 0, e = 0, in = 0, out = 0;

	h->file = table(nfiles + h->nstreams, sizeof(*h->file));
	h->names = malloc(fr->names_len / 2 * 3 + nfiles + h->nstreams + 1);
	if (!h->file || !h->names)
		return SZ_NOMEM;
	for (size_t i = 0; i < nfiles + h->nstreams; i++) {
		struct sz_file *f = &h->file[h->nfiles];
		size_t w;

		if (i >= nfiles && s >= h->nstreams)
			break;
		f->name = out;
		if (fr->names && i < nfiles)
			in += name16(fr->names + in, fr->names_len - in,
				     h->names + out, &w);
		else
			h->names[out] = '\0', w = 1;
		out += w;
		f->stream = SZ_NONE;
		if (i < nfiles && bit(fr->empty_stream, i))
			f->dir = !bit(fr->empty_file, e++);
		else if (s < h->nstreams)
			f->stream = s++;
		h->nfiles++;
	}
	return 0;
}

static int header(struct sz_parse *p, struct sz_header *h)
{
	struct rdr *r = &p->r;
	struct files_rec fr = { 0 };
	uint64_t id = num(r);
	size_t nfiles = 0;
	int rc;

	if (id == K_ARCHIVE_PROPS) {
		while (!rdr_failed(r) && num(r) != K_END)
			skip_data(r);
		id = num(r);
	}
	if (id == K_ADDITIONAL) /* 7-Zip never writes it */
		return SZ_DAMAGED;
	if (id == K_MAIN) {
		if ((rc = streams_info(p, h)) != 0)
			return rc;
		id = num(r);
	}
	if (id == K_FILES) {
		nfiles = count(r);
		if (rdr_failed(r) || files_props(r, nfiles, &fr))
			return SZ_DAMAGED;
		id = num(r);
	}
	if (id != K_END || rdr_failed(r))
		return SZ_DAMAGED;
	/* without file records, the streams are files without names */
	return files(h, nfiles, &fr);
}

int sz_parse(const uint8_t *hdr, size_t n, uint64_t len, struct sz_header *h)
{
	struct sz_parse p = { .len = len };
	uint64_t id;
	int rc;

	memset(h, 0, sizeof(*h));
	rdr_init(&p.r, hdr, n);
	id = num(&p.r);
	if (id == K_ENCODED) {
		rc = streams_info(&p, h);
		if (!rc)
			rc = h->nfolders ? SZ_ENCODED : SZ_DAMAGED;
	} else {
		rc = id == K_HEADER ? header(&p, h) : SZ_DAMAGED;
	}
	free(p.pack);
	return rc;
}

void sz_free(struct sz_header *h)
{
	free(h->folder);
	free(h->stream);
	free(h->file);
	free(h->names);
	memset(h, 0, sizeof(*h));
}

int sz_signature(const uint8_t *buf, size_t len, size_t *at, size_t *n,
		 int *crc_ok)
{
	struct rdr r;
	const uint8_t *sig;
	uint64_t off, size;
	uint32_t crc;

	rdr_init(&r, buf, len);
	sig = rdr_bytes(&r, sizeof(sz_magic));
	if (!sig || memcmp(sig, sz_magic, sizeof(sz_magic)) || rdr_u8(&r))
		return SZ_DAMAGED; /* major version 0 only */
	rdr_skip(&r, 5); /* minor version, the start header's CRC */
	off = rdr_u64le(&r);
	size = rdr_u64le(&r);
	crc = rdr_u32le(&r);
	if (rdr_failed(&r) || off > len - SZ_SIG_BYTES ||
	    size > len - SZ_SIG_BYTES - off || size > SZ_MAX_HEADER_BYTES)
		return SZ_DAMAGED;
	*at = SZ_SIG_BYTES + (size_t)off;
	*n = (size_t)size;
	*crc_ok = libdeflate_crc32(0, buf + *at, *n) == crc;
	return 0;
}
