/*
 * hashset.c -- search over hash records sorted by (digest, size), and
 * over the sorted sizes they are for. Records are read with memcpy: their
 * stride (12 + digest length) leaves them unaligned.
 *
 * Digests are spread evenly, so the search interpolates: it looks first
 * where the digest's leading bytes say it lies between the records that
 * bound it, a few times, then halves what is left. A table of a million
 * records is some 30 MB read from the mapped database, each look a miss
 * in the processor's caches: about four looks instead of twenty (the
 * bench's million hashes: a lookup took 2% of a text file's scan). The
 * halving after INTERP_LOOKS bounds the worst case (sizes are not spread
 * evenly) to INTERP_LOOKS more than a binary search.
 */
#include "match/hashset.h"

#include <string.h>

#include "db/hashdb.h"

#define INTERP_LOOKS 6

/* Where key lies in [lo, hi), whose neighbours' keys are klo (before lo)
 * and khi (at hi), if the keys between are spread evenly; from look
 * INTERP_LOOKS on, the middle. */
static size_t guess(size_t lo, size_t hi, uint64_t klo, uint64_t khi,
		    uint64_t key, int i)
{
	double at;

	if (i >= INTERP_LOOKS || key < klo || khi < key)
		return lo + (hi - lo) / 2;
	at = (double)(key - klo) / ((double)(khi - klo) + 1.0);
	return lo + (size_t)(at * (double)(hi - lo - 1)) % (hi - lo);
}

/* Sizes are not spread evenly (most files are small): a binary search,
 * whose first looks stay in the processor's caches. */
int hashset_size_wanted(const struct vdb_view *v, int table, uint64_t size)
{
	const uint64_t *s = v->sizes[table];
	size_t lo = 0, hi = v->nsizes[table];

	if (v->wild[table])
		return 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid] < size)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->nsizes[table] && s[lo] == size;
}

/* A record's digest's first eight bytes, in the order memcmp sorts by. */
static uint64_t lead(const uint8_t *d)
{
	uint64_t k = 0;

	for (int i = 0; i < 8; i++)
		k = k << 8 | d[i];
	return k;
}

/* Index of the first record with this digest, or n. */
static size_t first_with(const uint8_t *recs, size_t n, size_t dlen,
			 const uint8_t *digest)
{
	size_t stride = VDB_HASH_STRIDE(dlen), lo = 0, hi = n;
	uint64_t key = lead(digest);

	for (int i = 0; lo < hi; i++) {
		size_t mid = guess(lo, hi,
				   lo ? lead(recs + (lo - 1) * stride + 12) : 0,
				   hi < n ? lead(recs + hi * stride + 12) :
					    UINT64_MAX,
				   key, i);

		if (memcmp(recs + mid * stride + 12, digest, dlen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Record index matching digest and size (or '*'), or -1. */
static long find(const uint8_t *recs, size_t n, size_t dlen,
		 const uint8_t *digest, uint64_t size)
{
	size_t stride = VDB_HASH_STRIDE(dlen), i;

	for (i = first_with(recs, n, dlen, digest); i < n; i++) {
		const uint8_t *r = recs + i * stride;
		uint64_t rsize;

		if (memcmp(r + 12, digest, dlen))
			break;
		memcpy(&rsize, r, 8);
		if (rsize == size || rsize == HASH_SIZE_ANY)
			return (long)i;
	}
	return -1;
}

const char *hashset_find(const struct vdb_view *v, int table,
			 const uint8_t *digest, uint64_t size)
{
	size_t dlen = hash_digest_len(table % HASH_NALGO);
	long i = find(v->hash[table], v->nhash[table], dlen, digest, size);
	uint32_t name;

	if (i < 0)
		return NULL;
	memcpy(&name, v->hash[table] + (size_t)i * VDB_HASH_STRIDE(dlen) + 8,
	       4);
	/* Checked here, not at open, so that opening touches no record. */
	return name < v->strings_len ? vdb_str(v, name) : NULL;
}

int hashset_allowed(const struct vdb_view *v, int algo, const uint8_t *digest,
		    uint64_t size)
{
	return find(v->allow[algo], v->nallow[algo], hash_digest_len(algo),
		    digest, size) >= 0;
}
