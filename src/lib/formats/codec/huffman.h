/*
 * huffman.h -- bit reader and canonical prefix codes for the decoders.
 */
#ifndef VIGIL_FORMATS_HUFFMAN_H
#define VIGIL_FORMATS_HUFFMAN_H

#include <stddef.h>
#include <stdint.h>

#define HUFF_MAXBITS 16
#define HUFF_MAXSYMS 512

/* An LSB-first bit stream; err is set once it runs dry. */
struct bits {
	const uint8_t *in;
	size_t len, pos;
	uint32_t acc;
	unsigned n;
	int err;
	int invert;	/* code bits arrive inverted (implode) */
	int msb;	/* bits are taken from the top of each byte (ARJ) */
};

struct huff {
	uint16_t count[HUFF_MAXBITS + 1];
	uint16_t symbol[HUFF_MAXSYMS];
	int single;	/* >= 0: the only symbol, coded with no bits */
};

uint32_t bits_get(struct bits *b, unsigned need);
/* The next symbol, or -1 (no such code, or out of input). */
int huff_decode(struct bits *b, const struct huff *h);
/* Builds the code for n lengths (n <= HUFF_MAXSYMS); 0, or -1. */
int huff_construct(struct huff *h, const uint16_t *lens, int n);

#endif
