/*
 * lzma2cut.h -- where an LZMA2 stream can be decoded from afresh. LZMA2
 * is a run of chunks, each with a header giving its sizes and what it
 * resets; at a chunk that resets the dictionary, the state and the
 * properties, a new decoder gives what the one that decoded everything
 * before it would. 7-Zip and xz write such a chunk at the start of every
 * block when they compress on several threads, so a solid 7z folder can
 * be decoded in pieces on several cores. Only the chunk headers are read.
 */
#ifndef VIGIL_FORMATS_CODEC_LZMA2CUT_H
#define VIGIL_FORMATS_CODEC_LZMA2CUT_H

#include <stddef.h>
#include <stdint.h>

struct lzma2_cut {
	uint64_t in;	/* offset of the chunk in the stream */
	uint64_t out;	/* offset of its output in the decoded stream */
};

/*
 * Walks the chunk headers of the n bytes at in and writes up to max cuts:
 * the first at 0 (the stream's start), each further one a chunk that
 * resets everything (a dictionary reset with the properties given in the
 * chunk, or an uncompressed chunk that resets the dictionary when the
 * next compressed chunk gives the properties) at least min_out output
 * bytes after the one before. Stops at the end mark, a control byte
 * LZMA2 does not define, or a chunk that runs past n. Returns the cuts.
 */
size_t lzma2_cuts(const uint8_t *in, size_t n, uint64_t min_out,
		  struct lzma2_cut *cut, size_t max);

#endif
