/*
 * ftm.h -- file type magic (.ftm lines): what a feed tells the type
 * detector.
 */
#ifndef VIGIL_DB_FTM_H
#define VIGIL_DB_FTM_H

#include <stddef.h>

#include "db/sigset.h"

/* The first byte of the internal name of a type rule's body signature
 * (never a byte of a signature name: names are printable). */
#define FTM_MARK '\x01'

/*
 * "magictype:offset:magicbytes:name:rtype:type[:min_flevel[:max_flevel]]".
 * Returns 0, 1 (skipped with a warning) or a negative VIGIL_E* code.
 */
int ftm_line(struct loadctx *lc, const char *s, size_t n);

#endif
