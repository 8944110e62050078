/*
 * md5many.h -- the MD5 of many buffers at once (md5many.c): sixteen side
 * by side with AVX-512, else one after another.
 */
#ifndef VIGIL_CORE_MD5MANY_H
#define VIGIL_CORE_MD5MANY_H

#include <stddef.h>
#include <stdint.h>

/* The MD5 of buffer i (len[i] bytes; NULL if empty) into out[i], for the
 * n buffers. Returns 0 or VIGIL_ENOMEM. */
int md5_many(const uint8_t *const *buf, const size_t *len, size_t n,
	     uint8_t (*out)[16]);

#endif
