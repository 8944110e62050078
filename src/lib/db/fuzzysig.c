/*
 * fuzzysig.c -- image fuzzy hash subsignatures, as ClamAV 1.x reads them:
 * "fuzzy_img#" then the hash as 16 hex digits, then optionally "#" and a
 * Hamming distance. ClamAV accepts only the distance 0 (any other is an
 * error that fails its whole load); Vigil refuses such a line with its
 * file and line and loads the rest. Fields after the distance are
 * ignored, as ClamAV does.
 */
#include "db/fuzzysig.h"

#include <string.h>

#include "db/fields.h"

#define FUZZY_PREFIX "fuzzy_img#"
#define FUZZY_PREFIX_LEN 10
#define FUZZY_HASH_DIGITS 16

static int skip(int rc)
{
	return rc < 0 ? rc : 1;
}

int fuzzysig_is(const char *s, size_t n)
{
	return n >= FUZZY_PREFIX_LEN && !memcmp(s, FUZZY_PREFIX,
						FUZZY_PREFIX_LEN);
}

static int parse_hash(const char *s, size_t n, uint8_t out[8])
{
	size_t i;

	if (n != FUZZY_HASH_DIGITS)
		return -1;
	for (i = 0; i < n; i += 2) {
		int hi = fields_hexdig(s[i]), lo = fields_hexdig(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int fuzzysig_add(struct loadctx *lc, const char *s, size_t n, unsigned sub,
		 uint32_t owner)
{
	struct vdb_fuzzy z = { 0 }, *zp;
	const char *h = s + FUZZY_PREFIX_LEN, *end = s + n, *hash_end;
	uint64_t dist = 0;

	hash_end = memchr(h, '#', (size_t)(end - h));
	if (!hash_end)
		hash_end = end;
	if (parse_hash(h, (size_t)(hash_end - h), z.hash) < 0)
		return skip(load_warn(lc, VIGIL_EFORMAT, "fuzzy_img hash must "
				      "be 16 hex digits: '%.*s'", (int)n, s));
	if (hash_end < end) {
		const char *d = hash_end + 1, *d_end = memchr(d, '#',
							     (size_t)(end - d));

		if (fields_u64(d, (size_t)((d_end ? d_end : end) - d),
			       &dist) < 0 || dist > UINT32_MAX)
			return skip(load_warn(lc, VIGIL_EFORMAT, "fuzzy_img "
					      "distance is not a number: "
					      "'%.*s'", (int)n, s));
	}
	if (dist != 0)
		return skip(load_warn(lc, VIGIL_EUNSUPPORTED, "fuzzy_img "
				      "distance %llu: only 0 is defined, as "
				      "in ClamAV", (unsigned long long)dist));
	z.owner = owner;
	z.sub = (uint16_t)sub;
	if (!(zp = varr_push(&lc->ss->fuzzy)))
		return VIGIL_ENOMEM;
	*zp = z;
	return 0;
}
