/*
 * yrhex.h -- YARA hex strings: bytes ("4D"), nibble and byte wildcards
 * ("4?", "?D", "??"), negations ("~4D", YARA 4.3's), jumps ("[4]",
 * "[2-8]", "[2-]", "[-]") and alternatives ("( 4D | 5A 90 )"), nested.
 */
#ifndef VIGIL_YARA_YRHEX_H
#define VIGIL_YARA_YRHEX_H

#include <stddef.h>

/* Nesting of alternatives at most. */
#define YR_HEX_MAX_DEPTH 32

/* 0 if the body (between the braces) is well formed, else -1 with why. */
int yr_hex_check(const char *s, size_t n, char *err, size_t cap);

#endif
