/*
 * yruse.h -- how a rule's condition reads each of its strings (yruse.c):
 * whether it needs only to know that the string matched somewhere (not
 * where, how often or how long), or only whether it matches at offsets it
 * names ("$a at x"). A scan whose caller does not want the matches listed
 * can then stop at a string's first match, or test it at those offsets
 * alone instead of over the whole buffer.
 */
#ifndef VIGIL_YARA_YRUSE_H
#define VIGIL_YARA_YRUSE_H

#include <stdint.h>

#include "yara/yrast.h"

#define YR_USE_ONCE 1u	/* read only as $a, any/all/N of (without in) */
#define YR_USE_AT 2u	/* read only as $a at x (in for..of too) */

/* Sets use[k] (YR_USE_* flags) for each string k of r, in order. */
void yr_strings_use(const struct yr_rule *r, uint8_t *use);

#endif
