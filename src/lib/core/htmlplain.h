/*
 * htmlplain.h -- the HTML normaliser's fast path (htmlnorm.c): runs of
 * plain text outside tags, scripts and styles copied into both forms
 * many bytes at a time.
 */
#ifndef VIGIL_CORE_HTMLPLAIN_H
#define VIGIL_CORE_HTMLPLAIN_H

#include <stdint.h>

/* Bytes a run may read and write past its last (the piece and both
 * forms must have this many to spare). */
#define HTMLPLAIN_SLACK 64

/* How plain text is read: by the state machine alone (the reference the
 * others are checked against), sixteen bytes at a time (SSE2), sixty-four
 * up to the next white space but a single space (AVX-512 BW), or the most
 * the processor takes (with VBMI2: sixty-four, white space and all). */
enum { HP_BYTES, HP_SSE2, HP_AVX512BW, HP_BEST };

/* A run's place: the byte being read in a NUL-ended piece, where each
 * form goes on (text NULL: the tags form alone), and whether the last
 * byte written to the text form was a space. */
struct hplain {
	uint8_t *p, *o, *t;
	int space;
};

/*
 * Takes the plain text at r->p: printable ASCII but '<' and '&', lowered
 * into both forms, and each run of white space between such bytes as one
 * space (in the text form not when r->space says one was just written
 * there; with skip_cr, a carriage return is left out, no white space, as
 * run_piece skips it outside data: values). Stops before the first byte
 * it does not take; moves r on. how is HP_SSE2 or HP_BEST.
 */
void htmlplain_run(struct hplain *r, int skip_cr, int how);

#endif
