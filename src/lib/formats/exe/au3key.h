/*
 * au3key.h -- the key streams AutoIt 3 encrypts its compiled scripts with:
 * EA05 (AutoIt 3.0-3.1) takes one byte from each output of a Mersenne
 * Twister (MT19937), EA06 (3.2 and later) from a lagged-Fibonacci
 * generator of rotations over 17 words. Both are seeded per field.
 */
#ifndef VIGIL_FORMATS_AU3KEY_H
#define VIGIL_FORMATS_AU3KEY_H

#include <stddef.h>
#include <stdint.h>

enum au3_cipher { AU3_MT, AU3_LAGGED };

/* XORs n bytes of in into out with the stream of cipher seeded with seed. */
void au3_decrypt(enum au3_cipher cipher, uint32_t seed, const uint8_t *in,
		 uint8_t *out, size_t n);

#endif
