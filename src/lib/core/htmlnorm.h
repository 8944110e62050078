/*
 * htmlnorm.h -- normalisation of HTML for target-3 signatures.
 */
#ifndef VIGIL_CORE_HTMLNORM_H
#define VIGIL_CORE_HTMLNORM_H

#include <stddef.h>
#include <stdint.h>

/* Writes at most len bytes to out; returns the normalised length. */
size_t htmlnorm(const uint8_t *in, size_t len, uint8_t *out);

#endif
