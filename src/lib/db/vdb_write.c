/*
 * vdb_write.c -- lays out loaded signatures as a .vdb image: sorted hash
 * records with their distinct sizes (so that files of other sizes are
 * never hashed), the matchables and their bytecode, the .ndb and .ldb
 * tables, and the ignore list; then the XXH3 checksum over it all.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "db/hashdb.h"
#include "db/vdb.h"

struct builder {
	struct vbuf img;
	struct vdb_section sec[VDB_MAX_SECTIONS];
	size_t nsec;
};

static int add_section(struct builder *b, uint32_t id, const void *data,
		       size_t len)
{
	struct vdb_section *s;
	int rc;

	if (b->nsec == VDB_MAX_SECTIONS)
		return VIGIL_ELIMIT; /* a writer bug: the format has room */
	s = &b->sec[b->nsec++];
	if ((rc = vbuf_align(&b->img, VDB_SECTION_ALIGN)) < 0)
		return rc;
	s->id = id;
	s->offset = b->img.len;
	s->size = len;
	return vbuf_append(&b->img, data, len);
}

static int cmp_hash(const void *a, const void *b, void *dlen)
{
	const struct sig_hash *x = a, *y = b;
	int c = memcmp(x->digest, y->digest, *(const size_t *)dlen);

	if (c)
		return c;
	return x->size < y->size ? -1 : x->size > y->size;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorted records, duplicates (same digest and size) dropped. */
static int hash_records(struct varr *a, size_t dlen, struct vbuf *out)
{
	size_t i;
	int rc = 0;

	if (a->n)
		qsort_r(a->data, a->n, a->elem, cmp_hash, &dlen);
	for (i = 0; i < a->n && !rc; i++) {
		const struct sig_hash *h = varr_at(a, i);

		if (i && !cmp_hash(varr_at(a, i - 1), h, &dlen))
			continue;
		if (!(rc = vbuf_append(out, &h->size, 8)) &&
		    !(rc = vbuf_append(out, &h->name, 4)))
			rc = vbuf_append(out, h->digest, dlen);
	}
	return rc;
}

static int size_records(const struct varr *a, struct vbuf *out)
{
	uint64_t wild = 0, *sz;
	size_t i, n = 0;
	int rc;

	if (!(sz = malloc((a->n + 1) * sizeof(*sz))))
		return VIGIL_ENOMEM;
	for (i = 0; i < a->n; i++) {
		const struct sig_hash *h = varr_at(a, i);

		if (h->size == HASH_SIZE_ANY)
			wild++;
		else
			sz[n++] = h->size;
	}
	if (n)
		qsort(sz, n, sizeof(*sz), cmp_u64);
	rc = vbuf_append(out, &wild, 8);
	for (i = 0; i < n && !rc; i++)
		if (!i || sz[i] != sz[i - 1])
			rc = vbuf_append(out, &sz[i], 8);
	free(sz);
	return rc;
}

static int cmp_ignore(const void *a, const void *b, void *ss)
{
	return strcmp(sigset_str(ss, *(const uint32_t *)a),
		      sigset_str(ss, *(const uint32_t *)b));
}

static int ignore_records(const struct sigset *ss, struct vbuf *out)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < ss->ignore.n && !rc; i++) {
		const struct sig_ignore *ig = varr_at(&ss->ignore, i);

		if (!ig->has_md5)
			rc = vbuf_append(out, &ig->name, 4);
	}
	if (!rc && out->len)
		qsort_r(out->data, out->len / 4, 4, cmp_ignore,
			(void *)(uintptr_t)ss);
	return rc;
}

static int meta_text(const struct sigset *ss, struct vbuf *out)
{
	char buf[512];
	int n;

	n = snprintf(buf, sizeof(buf),
		     "builder=vigil %s\nflevel=%d\nmd5=%zu\nsha1=%zu\n"
		     "sha256=%zu\nbody=%zu\nlogical=%zu\nallow=%zu\n"
		     "ignore=%zu\nskipped=%llu\nsources=",
		     VIGIL_VERSION_STRING, SIG_FLEVEL, ss->hash[0].n,
		     ss->hash[1].n, ss->hash[2].n, ss->ndb.n, ss->ldb.n,
		     ss->allow[0].n + ss->allow[1].n + ss->allow[2].n,
		     ss->ignore.n, (unsigned long long)ss->skipped);
	if (vbuf_append(out, buf, (size_t)n) < 0 ||
	    vbuf_append(out, ss->sources.data, ss->sources.len) < 0)
		return VIGIL_ENOMEM;
	return vbuf_append_u8(out, '\n');
}

/* Adds a section built in tmp, then releases tmp. */
static int tmp_section(struct builder *b, uint32_t id, struct vbuf *tmp)
{
	int rc = add_section(b, id, tmp->data, tmp->len);

	vbuf_free(tmp);
	return rc;
}

static int hash_sections(struct builder *b, struct sigset *ss)
{
	struct vbuf t = { 0 };
	int a, rc = 0;

	for (a = 0; a < HT_N && !rc; a++)
		if (!(rc = hash_records(&ss->hash[a],
					hash_digest_len(a % HASH_NALGO), &t)))
			rc = tmp_section(b, vdb_hash_section(a), &t);
	for (a = 0; a < HT_N && !rc; a++)
		if (!(rc = size_records(&ss->hash[a], &t)))
			rc = tmp_section(b, vdb_size_section(a), &t);
	for (a = 0; a < HASH_NALGO && !rc; a++)
		if (!(rc = hash_records(&ss->allow[a], hash_digest_len(a), &t)))
			rc = tmp_section(b, VDB_SEC_ALLOW + (uint32_t)a, &t);
	vbuf_free(&t);
	return rc;
}

static int body_sections(struct builder *b, struct sigset *ss)
{
	struct vbuf t = { 0 };
	int rc;

	if ((rc = add_section(b, VDB_SEC_MATCHABLE, ss->match.data,
			      ss->match.n * ss->match.elem)) < 0 ||
	    (rc = add_section(b, VDB_SEC_CODE, ss->code.data, ss->code.len)) < 0 ||
	    (rc = add_section(b, VDB_SEC_NDB, ss->ndb.data,
			      ss->ndb.n * ss->ndb.elem)) < 0 ||
	    (rc = add_section(b, VDB_SEC_LDB, ss->ldb.data,
			      ss->ldb.n * ss->ldb.elem)) < 0 ||
	    (rc = add_section(b, VDB_SEC_PCRE, ss->pcre.data,
			      ss->pcre.n * ss->pcre.elem)) < 0 ||
	    (rc = add_section(b, VDB_SEC_BCOMP, ss->bcomp.data,
			      ss->bcomp.n * ss->bcomp.elem)) < 0 ||
	    (rc = add_section(b, VDB_SEC_MACRO, ss->macro.data,
			      ss->macro.n * ss->macro.elem)) < 0 ||
	    (rc = add_section(b, VDB_SEC_MACROPAT, ss->macropat.data,
			      ss->macropat.n * ss->macropat.elem)) < 0 ||
	    (rc = add_section(b, VDB_SEC_CDB, ss->cdb.data,
			      ss->cdb.n * ss->cdb.elem)) < 0 ||
	    (rc = add_section(b, VDB_SEC_PHISH, ss->phish.data,
			      ss->phish.n * ss->phish.elem)) < 0 ||
	    (rc = add_section(b, VDB_SEC_CERT, ss->cert.data,
			      ss->cert.n * ss->cert.elem)) < 0 ||
	    (rc = add_section(b, VDB_SEC_FUZZY, ss->fuzzy.data,
			      ss->fuzzy.n * ss->fuzzy.elem)) < 0 ||
	    (rc = add_section(b, VDB_SEC_ICON, ss->icon.data,
			      ss->icon.n * ss->icon.elem)) < 0 ||
	    (rc = add_section(b, VDB_SEC_LDBICON, ss->ldbicon.data,
			      ss->ldbicon.n * ss->ldbicon.elem)) < 0 ||
	    (rc = add_section(b, VDB_SEC_CATALOG, ss->cat.data,
			      ss->cat.n * ss->cat.elem)) < 0 ||
	    (rc = add_section(b, VDB_SEC_CATBLOB, ss->catblob.data,
			      ss->catblob.len)) < 0 ||
	    (rc = add_section(b, VDB_SEC_YARA, ss->yara.data,
			      ss->yara.len)) < 0)
		return rc;
	if ((rc = ignore_records(ss, &t)) < 0) {
		vbuf_free(&t);
		return rc;
	}
	return tmp_section(b, VDB_SEC_IGNORE, &t);
}

static void finish(struct builder *b, int yara)
{
	struct vdb_header h;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, VDB_MAGIC, 8);
	h.version = yara ? VDB_FORMAT_VERSION_YARA : VDB_FORMAT_VERSION;
	h.header_size = sizeof(h);
	h.file_size = b->img.len;
	h.nsections = (uint32_t)b->nsec;
	h.created = (uint64_t)time(NULL);
	memcpy(b->img.data + sizeof(h), b->sec, b->nsec * sizeof(b->sec[0]));
	h.checksum = XXH3_64bits(b->img.data + sizeof(h),
				 b->img.len - sizeof(h));
	memcpy(b->img.data, &h, sizeof(h));
}

int vdb_build(struct sigset *ss, uint8_t **out, size_t *outlen)
{
	struct builder b;
	struct vbuf meta = { 0 };
	int rc;

	memset(&b, 0, sizeof(b));
	if ((rc = vbuf_reserve(&b.img, sizeof(struct vdb_header) +
					       sizeof(b.sec))) < 0)
		goto out;
	memset(b.img.data, 0, sizeof(struct vdb_header) + sizeof(b.sec));
	b.img.len = sizeof(struct vdb_header) + sizeof(b.sec);
	if ((rc = meta_text(ss, &meta)) < 0 ||
	    (rc = tmp_section(&b, VDB_SEC_META, &meta)) < 0 ||
	    (rc = add_section(&b, VDB_SEC_STRINGS, ss->strings.data,
			      ss->strings.len)) < 0 ||
	    (rc = hash_sections(&b, ss)) < 0 ||
	    (rc = body_sections(&b, ss)) < 0 ||
	    (rc = vbuf_align(&b.img, 8)) < 0)
		goto out;
	finish(&b, ss->yara.len > 0);
	*out = b.img.data;
	*outlen = b.img.len;
	return 0;
out:
	vbuf_free(&meta);
	vbuf_free(&b.img);
	return rc;
}
