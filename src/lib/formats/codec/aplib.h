/*
 * aplib.h -- aPLib, the LZ77 coder of MEW and PESpin (and FSG): bits eight
 * to a byte with the literal and distance bytes between them (lzbits.h).
 */
#ifndef VIGIL_FORMATS_APLIB_H
#define VIGIL_FORMATS_APLIB_H

#include <stddef.h>
#include <stdint.h>

#include "formats/codec/lzbits.h"

struct aplib {
	struct lzbits s;	/* the compressed data */
	uint8_t *out;		/* where it expands: out[dst..len) */
	size_t len, dst;
};

/* Expands from a->s to a->dst: 0 at the end mark (a->s.pos and a->dst
 * after it), or -1 if damaged (what was expanded stays). */
int aplib_expand(struct aplib *a);

#endif
