/*
 * crbdb.h -- trusted and blocked code-signing certificates (.crb).
 */
#ifndef VIGIL_DB_CRBDB_H
#define VIGIL_DB_CRBDB_H

#include <stddef.h>

#include "db/sigset.h"

/* Longest RSA modulus of a .crb line, in hex digits (16384 bits). */
#define CRB_MAX_PUBKEY_HEX 4096

/*
 * One line: Name;Trusted;Subject;Serial;Pubkey;Exponent;CodeSign;TimeSign;
 * CertSign;NotBefore;Comment[;MinFL[;MaxFL]]. Returns 0, 1 (skipped with a
 * warning) or a negative VIGIL_E* code.
 */
int crbdb_line(struct loadctx *lc, const char *s, size_t n);

#endif
