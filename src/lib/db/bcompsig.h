/*
 * bcompsig.h -- byte-compare subsignatures of logical signatures:
 * "Trigger(>>Offset#Options#Comparisons)".
 */
#ifndef VIGIL_DB_BCOMPSIG_H
#define VIGIL_DB_BCOMPSIG_H

#include <stddef.h>

#include "db/sigset.h"

/* Bytes to read at most (ClamAV's limit for text numbers is lower). */
#define BCOMP_MAX_BYTES 64

/* 1 if s[0..n) has the shape of a byte compare: digits, "(>>" or "(<<". */
int bcompsig_is(const char *s, size_t n);

/*
 * Parses subsignature sub of the .ldb l being added (owner: its index)
 * and appends its record. Returns 0, 1 (skipped with a warning) or a
 * negative VIGIL_E* code.
 */
int bcompsig_add(struct loadctx *lc, const char *s, size_t n, unsigned sub,
		 uint32_t owner, struct vdb_ldb *l);

/* After all subsignatures: each trigger is a plain one. 0 or 1 (skip). */
int bcompsig_check(struct loadctx *lc, const struct vdb_ldb *l);

#endif
