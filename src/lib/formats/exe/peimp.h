/*
 * peimp.h -- the text ClamAV hashes for a PE's import table (.imp
 * signatures): "dll.function" for each imported function, lower case,
 * joined by commas.
 */
#ifndef VIGIL_FORMATS_PEIMP_H
#define VIGIL_FORMATS_PEIMP_H

#include <stddef.h>
#include <stdint.h>

#include "util/vbuf.h"

/* Import descriptors and functions per descriptor read, at most. */
#define PEIMP_MAX_IMPORTS 1024
/* Longest DLL or function name read. */
#define PEIMP_MAX_NAME 256
/* Longest text hashed: 1024 descriptors may all point at one table of
 * 1024 long names, half a gigabyte of text from a small file. */
#define PEIMP_MAX_TEXT_BYTES (1u << 20)

/*
 * Builds the text of b's import table into out. Returns 0, 1 (no import
 * table, or one ClamAV would not hash: nothing to look up), 2 (the text
 * would pass PEIMP_MAX_TEXT_BYTES) or VIGIL_ENOMEM.
 */
int peimp_text(const uint8_t *b, size_t len, struct vbuf *out);

/* What a function dll imports by ordinal ord is called: its name for the
 * ordinals of ws2_32/wsock32 and oleaut32 Windows has, else "ord<n>". */
void peimp_ordinal_name(const char *dll, unsigned ord, char *fn, size_t cap);

#endif
