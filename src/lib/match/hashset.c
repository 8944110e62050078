/*
 * hashset.c -- binary search over hash records sorted by (digest, size).
 * Records are read with memcpy: their stride (12 + digest length) leaves
 * them unaligned.
 */
#include "match/hashset.h"

#include <string.h>

#include "db/hashdb.h"

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

/* Index of the first record with this digest, or n. */
static size_t first_with(const uint8_t *recs, size_t n, size_t dlen,
			 const uint8_t *digest)
{
	size_t stride = VDB_HASH_STRIDE(dlen), lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

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
