/*
 * structured.h -- credit card and social security numbers in text, for
 * --detect-structured (structured.c).
 */
#ifndef VIGIL_CORE_STRUCTURED_H
#define VIGIL_CORE_STRUCTURED_H

#include <stddef.h>
#include <stdint.h>

#define STRUCTURED_CARDS 0x1u	/* at least want_cc card numbers */
#define STRUCTURED_SSNS 0x2u	/* at least want_ssn SSNs */

/* What b holds (flags: the scan's VIGIL_SCAN_STRUCTURED_* choices). */
unsigned structured_find(const uint8_t *b, size_t len, unsigned flags,
			 uint32_t want_cc, uint32_t want_ssn);

#endif
