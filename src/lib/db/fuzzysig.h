/*
 * fuzzysig.h -- image fuzzy hash subsignatures of logical signatures:
 * "fuzzy_img#HASH[#DISTANCE]".
 */
#ifndef VIGIL_DB_FUZZYSIG_H
#define VIGIL_DB_FUZZYSIG_H

#include <stddef.h>

#include "db/sigset.h"

/* 1 if s[0..n) names the fuzzy_img algorithm. */
int fuzzysig_is(const char *s, size_t n);

/*
 * Parses subsignature sub of the .ldb being added (owner: its index) and
 * appends its record. Returns 0, 1 (skipped with a warning) or a negative
 * VIGIL_E* code.
 */
int fuzzysig_add(struct loadctx *lc, const char *s, size_t n, unsigned sub,
		 uint32_t owner);

#endif
