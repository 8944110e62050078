/*
 * broken.h -- whether an executable's headers are broken in the ways
 * clamscan's --alert-broken reports (Heuristics.Broken.Executable).
 */
#ifndef VIGIL_FORMATS_EXE_BROKEN_H
#define VIGIL_FORMATS_EXE_BROKEN_H

#include <stddef.h>
#include <stdint.h>

/* For an object typed PE (MZ and "PE\0\0"): what is broken, or NULL. */
const char *exe_broken_pe(const uint8_t *b, size_t len);
/* For an object starting with "\x7fELF": what is broken, or NULL. */
const char *exe_broken_elf(const uint8_t *b, size_t len);

#endif
