/*
 * hashdb.h -- file hash signatures (.hdb .hsb .hdu .hsu), the allowlists
 * (.fp .sfp) and PE section hash signatures (.mdb .msb .mdu .msu).
 */
#ifndef VIGIL_DB_HASHDB_H
#define VIGIL_DB_HASHDB_H

#include "db/sigset.h"

enum hash_line_kind {
	HL_FILE,	/* .hdb .hsb: HashString:FileSize:Name[:MinFL[:MaxFL]] */
	HL_ALLOW,	/* .fp .sfp: the same, an allowlist */
	HL_SECTION,	/* .mdb .msb: SectionSize:HashString:Name[:MinFL[:MaxFL]] */
	HL_IMP,		/* .imp: ImportHash:ImportSize:Name[:MinFL[:MaxFL]] */
};

/* Parses one line of that kind. Returns 0 or an error. */
int hashdb_line(struct loadctx *lc, const char *s, size_t n,
		enum hash_line_kind kind);
/* Digest length of an algorithm. */
size_t hash_digest_len(int algo);
/* Checks the optional MinFL/MaxFL fields: 1 usable, 0 not for this level. */
int sig_flevel_ok(struct loadctx *lc, const char *lo, size_t lon,
		  const char *hi, size_t hin, int *rc);

#endif
