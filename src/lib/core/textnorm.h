/*
 * textnorm.h -- normalisation of text for target types 3 and 7: letters
 * lowered, runs of whitespace made one space, control bytes and bytes
 * above 0x7f dropped, as ClamAV's text normaliser does.
 */
#ifndef VIGIL_CORE_TEXTNORM_H
#define VIGIL_CORE_TEXTNORM_H

#include <stddef.h>
#include <stdint.h>

/* Writes at most len bytes to out; returns the normalised length. */
size_t textnorm(const uint8_t *in, size_t len, uint8_t *out);

#endif
