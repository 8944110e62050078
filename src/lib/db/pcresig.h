/*
 * pcresig.h -- PCRE subsignatures of logical signatures:
 * "[Offset:]Trigger/PCRE/[Flags]".
 */
#ifndef VIGIL_DB_PCRESIG_H
#define VIGIL_DB_PCRESIG_H

#include <stddef.h>

#include "db/sigset.h"

/* 1 if s[0..n) has the shape of a PCRE subsignature. */
int pcresig_is(const char *s, size_t n);

/*
 * Parses subsignature sub of the .ldb being added (its index in the
 * sigset will be owner; l is its record: target, and the range of PCRE
 * records it fills) and appends its record. Returns 0, 1 (skipped with a
 * warning) or a negative VIGIL_E* code.
 */
int pcresig_add(struct loadctx *lc, const char *s, size_t n, unsigned sub,
		uint32_t owner, struct vdb_ldb *l);

#endif
