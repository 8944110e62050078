/*
 * hashdb.h -- file hash signatures (.hdb .hsb .hdu .hsu) and the
 * allowlists (.fp .sfp): "HashString:FileSize:Name[:MinFL[:MaxFL]]".
 */
#ifndef VIGIL_DB_HASHDB_H
#define VIGIL_DB_HASHDB_H

#include "db/sigset.h"

/* Parses one line; allow selects the allowlist. Returns 0 or an error. */
int hashdb_line(struct loadctx *lc, const char *s, size_t n, int allow);
/* Digest length of an algorithm. */
size_t hash_digest_len(int algo);
/* Checks the optional MinFL/MaxFL fields: 1 usable, 0 not for this level. */
int sig_flevel_ok(struct loadctx *lc, const char *lo, size_t lon,
		  const char *hi, size_t hin, int *rc);

#endif
