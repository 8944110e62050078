/*
 * regex.h -- translation of pattern bytecode into a Vectorscan expression.
 */
#ifndef VIGIL_SIG_REGEX_H
#define VIGIL_SIG_REGEX_H

#include <stddef.h>
#include <stdint.h>

#include "util/vbuf.h"

/* Bounded repeats above this are widened to unbounded ones (then verified). */
#define REGEX_MAX_REPEAT 32767

/*
 * Appends a NUL-terminated expression for the pattern to out (to be
 * compiled with HS_FLAG_DOTALL). Sets *exact to 1 if every match of the
 * expression is a match of the pattern, 0 if it is a relaxation whose hits
 * must be verified. Returns 0 or VIGIL_ENOMEM.
 */
int regex_from_pattern(const uint8_t *code, size_t len, struct vbuf *out,
		       int *exact);
/* Appends a NUL-terminated expression matching the len bytes at b exactly.
 * Returns 0 or VIGIL_ENOMEM. */
int regex_from_bytes(const uint8_t *b, size_t len, struct vbuf *out);

#endif
