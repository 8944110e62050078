/*
 * byteops.h -- the byte decryptors of crypters' stubs (yoda's Crypter,
 * PESpin): a byte is loaded (lodsb), put through a short sequence of x86
 * operations on al (add, sub, xor with a constant or with cl, the loop
 * counter; rotations; inc, dec, not, neg), padded with no-ops and jumps
 * over junk bytes, and stored (stosb). The sequence is read from the
 * stub's code and run here.
 */
#ifndef VIGIL_FORMATS_BYTEOPS_H
#define VIGIL_FORMATS_BYTEOPS_H

#include <stddef.h>
#include <stdint.h>

#include "common/reader.h"

#define BYTEOPS_MAX 256 /* operations in one sequence */

struct byteops {
	struct {
		uint8_t kind, imm;
	} op[BYTEOPS_MAX];
	unsigned n;
};

/* The sequence that starts at r (after the lodsb), up to its stosb and
 * within 1 KiB: 0 (r after the stosb), or -1 if it is not one. */
int byteops_parse(struct rdr *r, struct byteops *s);
/* al put through the sequence, the loop counter being cl. */
uint8_t byteops_run(const struct byteops *s, uint8_t al, uint8_t cl);
/* Decrypts n bytes at p as the stubs' loops do: cl runs from n down to 1. */
void byteops_decrypt(const struct byteops *s, uint8_t *p, uint32_t n);

#endif
