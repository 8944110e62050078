/*
 * yratom.h -- the fixed bytes a YARA string's every match holds, where
 * the fast matcher (yrfast.h) looks for it first: a run of a hex string's
 * bytes at a bounded distance from its start, a regular expression's
 * literal beginning or another run of its literals.
 */
#ifndef VIGIL_YARA_YRATOM_H
#define VIGIL_YARA_YRATOM_H

#include <stddef.h>
#include <stdint.h>

#include "yara/yrhex.h"

/* Bytes of a run kept (an anchor is chosen in its first 24). */
#define YR_RUN_MAX 32
/* Starts a run may leave open (its distance from the string's start
 * varying by at most this many bytes), else it is not chosen. */
#define YR_RUN_SPREAD 4096u

/* The most starts a regular expression is verified at around one run
 * found; a run whose distance from the start varies more is "anywhere". */
#define YR_RE_SPREAD 256u

struct yr_run {
	uint8_t b[YR_RUN_MAX];
	uint32_t len;
	uint32_t omin, omax;	/* its first byte after the string's start */
	uint32_t at;		/* a regex's: where in its text it begins;
				 * a hex string's: its first item */
	uint32_t end;		/* a hex string's: the item after it; a
				 * regex's: where in its text it ends */
	uint32_t around;	/* a hex string's fixed bytes two before the
				 * run and two after, as anchors.h's
				 * anchor_run holds them; 0 elsewhere */
	uint8_t gap, gap_mask, gap_val; /* yr_hex_gapped()'s: anchors.h's
					 * anchor_run's */
};

/* The best run of fixed bytes (two at least) of a hex program's top
 * level (the longest up to eleven bytes, then the one with the fewest NUL
 * and 0xff bytes), within YR_RUN_SPREAD: 0, or -1 if it has none. */
int yr_hex_run(const struct yr_hex_seq *prog, struct yr_run *out);

/*
 * For a hex program whose runs are all shorter than four bytes: the best
 * window of four single bytes at its top level, three fixed and one of
 * the first two a wildcard or a nibble (?? or 4?), its last two not NUL
 * NUL, within YR_RUN_SPREAD, as a run of four bytes whose open byte (gap)
 * the anchors enter with each value it allows, so that they find the
 * string where the pairs would pass over every byte (x86 code with an
 * operand between, 83 FA ?? 7C, in a rule "2 of them"): 0, or -1 if it
 * has none.
 */
int yr_hex_gapped(const struct yr_hex_seq *prog, struct yr_run *out);

/* A run of literal bytes every match of regex re (n bytes) holds, in its
 * ascii or wide form, outside groups, alternatives and optional parts,
 * with the range of its distances from the match's start (from what lies
 * before it; omax UINT32_MAX and omin 0: anywhere after the start) and
 * where in re it begins (at: what follows in re from there matches from
 * the run's place in every match): four bytes at a place that varies by
 * at most YR_RE_SPREAD first, then four anywhere, then two or three. Its
 * length (0: none, as when an alternative is at the top). */
uint32_t yr_regex_run(const char *re, size_t n, int wide, struct yr_run *out);
/* Runs every match of a regex holds one of: the runs of the branches of
 * an alternative at its top or in a group that begins it (each of two
 * bytes at least, at most max), else its run (yr_regex_run(), two bytes
 * at least). Their count; 0 if it has none. */
size_t yr_regex_runs(const char *re, size_t n, int wide, struct yr_run *out,
		     size_t max);

/* Whether re[i] opens a count as yara reads one ({n}, {n,}, {n,m}, and
 * without its least, {,m} and {,}: from 0); any other '{' is the byte
 * itself. */
int yr_regex_counted(const char *re, size_t n, size_t i);

#endif
