/*
 * sha256many.h -- the SHA-256 of many buffers at once (sha256many.c):
 * sixteen side by side with AVX-512, else one after another.
 */
#ifndef VIGIL_CORE_SHA256MANY_H
#define VIGIL_CORE_SHA256MANY_H

#include <stddef.h>
#include <stdint.h>

/* The SHA-256 of buffer i (len[i] bytes; NULL if empty) into out[i], for
 * the n buffers. Returns 0 or VIGIL_ENOMEM. */
int sha256_many(const uint8_t *const *buf, const size_t *len, size_t n,
		uint8_t (*out)[32]);

#endif
