/*
 * hashdb.c -- parser for hash signature lines. The algorithm follows from
 * the digest's length (32, 40 or 64 hex digits), as ClamAV does, in any
 * of the hash files. A '*' size needs MinFL 73 or more, as documented.
 */
#include "db/hashdb.h"

#include "db/fields.h"

size_t hash_digest_len(int algo)
{
	static const size_t len[HASH_NALGO] = { 16, 20, 32 };

	return len[algo];
}

int sig_flevel_ok(struct loadctx *lc, const char *lo, size_t lon,
		  const char *hi, size_t hin, int *rc)
{
	uint64_t min = 0, max = UINT64_MAX;

	*rc = 0;
	if (lo && lon && fields_u64(lo, lon, &min) < 0) {
		*rc = load_warn(lc, VIGIL_EFORMAT, "malformed minimum "
			       "functionality level");
		return 0;
	}
	if (hi && hin && fields_u64(hi, hin, &max) < 0) {
		*rc = load_warn(lc, VIGIL_EFORMAT, "malformed maximum "
			       "functionality level");
		return 0;
	}
	if (min > SIG_FLEVEL) {
		*rc = load_warn(lc, VIGIL_EUNSUPPORTED, "needs functionality "
			       "level %llu, above %d",
			       (unsigned long long)min, SIG_FLEVEL);
		return 0;
	}
	return max >= SIG_FLEVEL; /* below: retired for newer engines */
}

static int algo_of(size_t hexlen)
{
	switch (hexlen) {
	case 32:
		return HASH_MD5;
	case 40:
		return HASH_SHA1;
	case 64:
		return HASH_SHA256;
	default:
		return -1;
	}
}

/* The hash store a line of this kind and algorithm goes to. */
static struct varr *store(struct loadctx *lc, enum hash_line_kind kind,
			  int algo)
{
	if (kind == HL_ALLOW)
		return &lc->ss->allow[algo];
	return &lc->ss->hash[(kind == HL_SECTION ? HT_SECTION :
			      kind == HL_IMP ? HT_IMP : HT_FILE) + algo];
}

/* The size field: a number, or '*' (which needs MinFL 73). */
static int hash_size(struct loadctx *lc, const struct fields *f, int at,
		     uint64_t minfl, uint64_t *size)
{
	*size = HASH_SIZE_ANY;
	if (fields_eq(f->p[at], f->n[at], "*")) {
		if (minfl < 73)
			return load_warn(lc, VIGIL_EFORMAT, "size '*' needs a "
					 "minimum functionality level of 73");
		return 1;
	}
	if (fields_u64(f->p[at], f->n[at], size) < 0 || *size == HASH_SIZE_ANY)
		return load_warn(lc, VIGIL_EFORMAT, "malformed size");
	if (!*size) /* as clamscan: "Invalid value for the size field" */
		return load_warn(lc, VIGIL_EFORMAT, "size 0");
	return 1;
}

int hashdb_line(struct loadctx *lc, const char *s, size_t n,
		enum hash_line_kind kind)
{
	int hi = kind == HL_SECTION, si = !hi; /* field indexes */
	struct fields f;
	struct sig_hash *h;
	uint64_t size, minfl = 0;
	int algo, rc;

	if (fields_split(s, n, ':', &f, 5) < 0 || f.count < 3)
		return load_warn(lc, VIGIL_EFORMAT, "expected %s", hi ?
				 "SectionSize:HashString:Name[:MinFL[:MaxFL]]" :
				 "HashString:FileSize:Name[:MinFL[:MaxFL]]");
	if ((algo = algo_of(f.n[hi])) < 0)
		return load_warn(lc, VIGIL_EFORMAT, "hash of %zu hex digits is "
				 "neither MD5, SHA-1 nor SHA-256", f.n[hi]);
	if (!f.n[2])
		return load_warn(lc, VIGIL_EFORMAT, "empty signature name");
	if (f.count > 3 && fields_u64(f.p[3], f.n[3], &minfl) < 0)
		return load_warn(lc, VIGIL_EFORMAT, "malformed minimum "
				 "functionality level");
	if ((rc = hash_size(lc, &f, si, minfl, &size)) != 1)
		return rc;
	if (!sig_flevel_ok(lc, f.count > 3 ? f.p[3] : NULL,
			   f.count > 3 ? f.n[3] : 0,
			   f.count > 4 ? f.p[4] : NULL,
			   f.count > 4 ? f.n[4] : 0, &rc))
		return rc;
	if (kind != HL_ALLOW && load_is_ignored(lc, f.p[2], f.n[2]))
		return 0;
	if (!(h = varr_push(store(lc, kind, algo))))
		return VIGIL_ENOMEM;
	if (fields_hex(f.p[hi], f.n[hi], h->digest,
		       hash_digest_len(algo)) < 0) {
		store(lc, kind, algo)->n--;
		return load_warn(lc, VIGIL_EFORMAT, "invalid hex digit in hash");
	}
	h->size = size;
	if (kind == HL_ALLOW)
		return 0;
	return sigset_string(lc->ss, f.p[2], f.n[2], &h->name);
}
