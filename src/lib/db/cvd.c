/*
 * cvd.c -- reader for ClamAV containers: header, MD5 of the body and its
 * digital signature (cvdsig.c), gzip
 * and tar, and the ".info" manifest of per-file sizes and SHA-256 digests.
 * Decompression streams one tar entry at a time, so memory is bounded by
 * the largest entry (CVD_MAX_ENTRY_BYTES), not the archive.
 */
#include "db/cvd.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "db/fields.h"
#include "common/reader.h"
#include "vigil/vigil.h"

#define TAR_BLOCK 512
#define INFO_MAX_ENTRIES 256

struct tstream {
	struct rdr raw;
	z_stream z;
	int gz;
	uint64_t total;
};

struct info_entry {
	char name[100];
	uint64_t size;
	uint8_t sha256[32];
	int seen;
};

struct unpack {
	struct tstream ts;
	struct info_entry info[INFO_MAX_ENTRIES];
	size_t ninfo;
	int have_info;
	struct cvd_header info_hdr; /* its "ClamAV-VDB:" line */
	int have_info_hdr;
	const char *why;
};

static void copy_field(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = 0;
}

/* The fields of a header line s[0..n) ("ClamAV-VDB:time:version:...") */
static int header_fields(const char *s, size_t n, struct cvd_header *h,
			 size_t *md5_len)
{
	struct fields f;
	uint64_t v[3];
	size_t i;

	memset(h, 0, sizeof(*h));
	if (fields_split(s, n, ':', &f, 9) < 0 || f.count < 8)
		return VIGIL_EFORMAT;
	for (i = 0; i < 3; i++)
		if (fields_u64(f.p[2 + i], f.n[2 + i], &v[i]) < 0 ||
		    v[i] > UINT32_MAX)
			return VIGIL_EFORMAT;
	*md5_len = f.n[5];
	copy_field(h->time, sizeof(h->time), f.p[1], f.n[1]);
	copy_field(h->md5, sizeof(h->md5), f.p[5], f.n[5]);
	copy_field(h->dsig, sizeof(h->dsig), f.p[6], f.n[6]);
	copy_field(h->builder, sizeof(h->builder), f.p[7], f.n[7]);
	h->version = (uint32_t)v[0];
	h->sigs = (uint32_t)v[1];
	h->flevel = (uint32_t)v[2];
	if (f.count > 8 && fields_u64(f.p[8], f.n[8], &h->stime) < 0)
		return VIGIL_EFORMAT;
	return 0;
}

int cvd_parse_header(const uint8_t *buf, size_t len, struct cvd_header *h)
{
	char head[CVD_HEADER_BYTES + 1];
	size_t n = CVD_HEADER_BYTES, md5_len;

	memset(h, 0, sizeof(*h));
	if (len < CVD_HEADER_BYTES || memcmp(buf, "ClamAV-VDB:", 11))
		return VIGIL_EFORMAT;
	memcpy(head, buf, n);
	while (n && (head[n - 1] == ' ' || head[n - 1] == '\n' ||
		     head[n - 1] == 0))
		n--;
	if (header_fields(head, n, h, &md5_len) < 0 || md5_len != 32)
		return VIGIL_EFORMAT;
	return 0;
}

static int md5_matches(const uint8_t *body, size_t len, const char *hex)
{
	uint8_t d[EVP_MAX_MD_SIZE], want[16];
	unsigned dl = 0;

	if (fields_hex(hex, 32, want, 16) < 0 ||
	    !EVP_Digest(body, len, d, &dl, EVP_md5(), NULL))
		return 0;
	return dl == 16 && !memcmp(d, want, 16);
}

/* Reads up to n bytes of the (decompressed) tar stream. */
static size_t ts_read(struct tstream *t, uint8_t *dst, size_t n, int *err)
{
	size_t got;

	if (!t->gz) {
		got = n < rdr_left(&t->raw) ? n : rdr_left(&t->raw);
		memcpy(dst, rdr_bytes(&t->raw, got), got);
	} else {
		int zr = Z_OK;

		t->z.next_out = dst;
		t->z.avail_out = (uInt)n;
		while (t->z.avail_out && zr == Z_OK)
			zr = inflate(&t->z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END)
			*err = VIGIL_EFORMAT;
		got = n - t->z.avail_out;
	}
	t->total += got;
	if (t->total > CVD_MAX_TOTAL_BYTES)
		*err = VIGIL_ELIMIT;
	return got;
}

static int ts_skip(struct tstream *t, uint64_t n, int *err)
{
	uint8_t tmp[4096];

	while (n && !*err) {
		size_t want = n < sizeof(tmp) ? (size_t)n : sizeof(tmp);

		if (ts_read(t, tmp, want, err) != want)
			return -1;
		n -= want;
	}
	return *err ? -1 : 0;
}

static int tar_header(const uint8_t *b, char *name, uint64_t *size,
		      char *type)
{
	unsigned sum = 0, want = 0;
	size_t i;

	for (i = 0; i < TAR_BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : b[i];
	for (i = 148; i < 156 && b[i] >= '0' && b[i] <= '7'; i++)
		want = want * 8 + (unsigned)(b[i] - '0');
	if (sum != want)
		return -1;
	*size = 0;
	for (i = 124; i < 136 && b[i] == ' '; i++)
		;
	for (; i < 136 && b[i] >= '0' && b[i] <= '7'; i++)
		*size = *size * 8 + (uint64_t)(b[i] - '0');
	copy_field(name, 100, (const char *)b, strnlen((const char *)b, 100));
	*type = (char)b[156];
	return 0;
}


/* Lines "name:size:sha256" after the "ClamAV-VDB:" line; "DSIG:" ends. */
static int info_parse(struct unpack *u, const uint8_t *data, size_t len)
{
	struct rdr r;
	const char *line;
	size_t n, k;

	rdr_init(&r, data, len);
	while (rdr_line(&r, 4096, &line, &n)) {
		struct fields f;
		struct info_entry *e;

		if (n >= 11 && !memcmp(line, "ClamAV-VDB:", 11)) {
			if (u->have_info_hdr ||
			    header_fields(line, n, &u->info_hdr, &k) < 0)
				return VIGIL_EFORMAT;
			u->have_info_hdr = 1;
			continue;
		}
		if (!n)
			continue;
		if (n >= 5 && !memcmp(line, "DSIG:", 5))
			break;
		if (u->ninfo == INFO_MAX_ENTRIES ||
		    fields_split(line, n, ':', &f, 3) < 0 || f.count != 3 ||
		    f.n[0] >= sizeof(e->name))
			return VIGIL_EFORMAT;
		e = &u->info[u->ninfo++];
		copy_field(e->name, sizeof(e->name), f.p[0], f.n[0]);
		if (fields_u64(f.p[1], f.n[1], &e->size) < 0 ||
		    fields_hex(f.p[2], f.n[2], e->sha256, 32) < 0)
			return VIGIL_EFORMAT;
	}
	if (rdr_failed(&r))
		return VIGIL_EFORMAT;
	u->have_info = 1;
	return 0;
}

static int info_check(struct unpack *u, const char *name,
		      const uint8_t *data, size_t len)
{
	uint8_t d[EVP_MAX_MD_SIZE];
	unsigned dl = 0;
	size_t i;

	for (i = 0; i < u->ninfo; i++) {
		struct info_entry *e = &u->info[i];

		if (strcmp(e->name, name))
			continue;
		e->seen = 1;
		if (e->size != len ||
		    !EVP_Digest(data, len, d, &dl, EVP_sha256(), NULL) ||
		    dl != 32 || memcmp(d, e->sha256, 32)) {
			u->why = "a file's size or SHA-256 differs from .info";
			return VIGIL_ECHECKSUM;
		}
		return 0;
	}
	return 1; /* not listed */
}

static int name_is_info(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && !strcmp(name + n - 5, ".info");
}

/* One regular file of the archive. */
static int entry(struct unpack *u, const char *name, uint64_t size,
		 cvd_entry_fn fn, void *ctx)
{
	uint8_t *data;
	int err = 0, rc;

	if (size > CVD_MAX_ENTRY_BYTES) {
		u->why = "archive entry over the size limit";
		return VIGIL_ELIMIT;
	}
	if (!(data = malloc(size ? (size_t)size : 1)))
		return VIGIL_ENOMEM;
	if (ts_read(&u->ts, data, (size_t)size, &err) != size || err) {
		free(data);
		u->why = "truncated or corrupt archive";
		return err ? err : VIGIL_EFORMAT;
	}
	if (name_is_info(name)) {
		rc = info_parse(u, data, (size_t)size);
		if (rc)
			u->why = "malformed .info manifest";
	} else {
		rc = u->have_info ? info_check(u, name, data, (size_t)size) : 0;
		if (rc == 1 && !strcmp(name, "COPYING"))
			rc = 0; /* the licence text is not in the manifest */
		else if (rc == 1) {
			u->why = "a file is not listed in .info";
			rc = VIGIL_ECHECKSUM;
		}
		if (!rc)
			rc = fn(ctx, name, data, (size_t)size);
	}
	free(data);
	return rc;
}

static int tar_walk(struct unpack *u, cvd_entry_fn fn, void *ctx)
{
	uint8_t block[TAR_BLOCK];
	char name[100], type;
	uint64_t size;
	size_t count = 0, got;
	int err = 0, rc;

	for (;;) {
		got = ts_read(&u->ts, block, TAR_BLOCK, &err);
		if (err || (got && got != TAR_BLOCK)) {
			u->why = "truncated or corrupt archive";
			return err ? err : VIGIL_EFORMAT;
		}
		if (!got || !block[0])
			return 0; /* end of archive */
		if (tar_header(block, name, &size, &type) < 0) {
			u->why = "bad tar header checksum";
			return VIGIL_EFORMAT;
		}
		if (++count > CVD_MAX_ENTRIES) {
			u->why = "too many archive entries";
			return VIGIL_ELIMIT;
		}
		if (type == '0' || type == 0)
			rc = entry(u, name, size, fn, ctx);
		else
			rc = ts_skip(&u->ts, size, &err) < 0 ?
				     (err ? err : VIGIL_EFORMAT) :
				     0;
		if (rc)
			return rc;
		if (size % TAR_BLOCK &&
		    ts_skip(&u->ts, TAR_BLOCK - size % TAR_BLOCK, &err) < 0) {
			u->why = "truncated archive";
			return err ? err : VIGIL_EFORMAT;
		}
	}
}

static int info_all_seen(struct unpack *u)
{
	size_t i;

	for (i = 0; i < u->ninfo; i++) {
		if (!u->info[i].seen) {
			u->why = "a file listed in .info is missing";
			return VIGIL_ECHECKSUM;
		}
	}
	return 0;
}

/*
 * A signed container's header is not itself signed (the signature is over
 * the body): as in ClamAV, the .info inside must exist and its header line
 * must give the same version, count, level and time, so that a mirror
 * cannot pass an old database off as a new one.
 */
static int info_agrees(struct unpack *u, const struct cvd_header *h)
{
	const struct cvd_header *i = &u->info_hdr;

	if (!u->have_info) {
		u->why = "no .info manifest in a signed container";
		return VIGIL_ECHECKSUM;
	}
	if (!u->have_info_hdr || i->version != h->version ||
	    i->sigs != h->sigs || i->flevel != h->flevel ||
	    i->stime != h->stime) {
		u->why = "the header differs from the one its .info signs";
		return VIGIL_ECHECKSUM;
	}
	return 0;
}

int cvd_unpack(const uint8_t *buf, size_t len, int checks,
	       const char *extra_key, cvd_entry_fn fn, void *ctx,
	       const char **why)
{
	struct cvd_header h;
	struct unpack *u;
	const uint8_t *body = buf + CVD_HEADER_BYTES;
	size_t blen = len - CVD_HEADER_BYTES;
	int rc;

	*why = "malformed header";
	if ((rc = cvd_parse_header(buf, len, &h)) < 0)
		return rc;
	if ((checks & CVD_CHECK_MD5) && !md5_matches(body, blen, h.md5)) {
		*why = "MD5 of the body does not match the header";
		return VIGIL_ECHECKSUM;
	}
	if ((checks & CVD_CHECK_DSIG) &&
	    (rc = cvdsig_check(h.md5, h.dsig, strlen(h.dsig), extra_key,
			       why)) < 0)
		return rc;
	if (!(u = calloc(1, sizeof(*u))))
		return VIGIL_ENOMEM;
	rdr_init(&u->ts.raw, body, blen);
	if (blen >= 2 && body[0] == 0x1f && body[1] == 0x8b) {
		u->ts.gz = 1;
		if (blen > UINT32_MAX ||
		    inflateInit2(&u->ts.z, 16 + MAX_WBITS) != Z_OK) {
			free(u);
			*why = "cannot start decompression";
			return blen > UINT32_MAX ? VIGIL_ELIMIT : VIGIL_ENOMEM;
		}
		u->ts.z.next_in = (Bytef *)(uintptr_t)body;
		u->ts.z.avail_in = (uInt)blen;
	}
	rc = tar_walk(u, fn, ctx);
	if (!rc)
		rc = info_all_seen(u);
	if (!rc && checks)
		rc = info_agrees(u, &h);
	if (u->why)
		*why = u->why;
	if (u->ts.gz)
		inflateEnd(&u->ts.z);
	free(u);
	return rc;
}
