/*
 * yrfast_int.h -- the fast matcher's parts, between its build (yrfbuild.c)
 * and its scan (yrfast.c).
 */
#ifndef VIGIL_YARA_YRFAST_INT_H
#define VIGIL_YARA_YRFAST_INT_H

#include "match/anchors.h"
#include "yara/yrhex.h"
#include "yara/yrmatch.h"
#include "yara/yrpairs.h"

enum {
	FS_ANCHORED = 1,	/* found through its runs' anchors */
	FS_ALWAYS = 2,		/* the reference matcher over every buffer */
	FS_REST = 4,		/* in how[]: a hex string's rest to test */
};

#define FS_PAIRS 8		/* in passes[]: a string found by the pairs */

#define YR_NO_DUP UINT32_MAX
#define YR_NO_GROUP UINT32_MAX
#define WAKE_PAIRS 1	/* a group with runs in the lazy pairs */
#define WAKE_WHOLE 2	/* a group whose runs its own table could not all
			 * take: the whole lazy table serves it */

#define FS_ASCII 1u		/* forms of a text or regex string */
#define FS_WIDE 2u

struct fstr {
	const struct yr_string *s;
	uint8_t how;		/* FS_* */
	uint8_t forms;		/* FS_ASCII | FS_WIDE */
	uint8_t have_hex;	/* a hex string's program is built */
	uint8_t rest_val;
	uint32_t rest_at;	/* the rest's first fixed byte: its distance
				 * after the run, tested before the rest's
				 * program is run; UINT32_MAX: none */
	union {			/* by the string's kind: read only so */
		struct {	/* YS_HEX */
			struct yr_hex_seq hex;	/* its program */
			uint32_t run_at, run_end; /* its run's items; the
						   * rest after it is tested
						   * where the run is found */
		};
		struct {	/* YS_REGEX: its code, ascii and wide; the
				 * same anchored, to verify a start; what
				 * follows its run that may lie anywhere,
				 * anchored (yrfbuild.c) */
			pcre2_code *re[2], *at[2], *tail[2];
		};
		struct yr_b64set *b64;	/* YS_TEXT with base64: patterns */
	};
};

struct yr_fast {
	const struct yr_ruleset *rs;
	struct fstr *str;
	uint8_t *how;		/* per string: str[k].how, packed for the scan,
				 * with FS_REST for a hex string with items
				 * after its run */
	uint32_t *rule_of;	/* per string: its rule */
	uint8_t *needs;		/* per rule: false unless a string is found */
	uint8_t *use;		/* per string: how it is read (YR_USE_*,
				 * yruse.h), where matches are not listed */
	const struct yr_node **term; /* the rules' terms (yrgate.h), each
				      * once */
	size_t nterms;
	uint32_t *gate_term, *gate_rule; /* per rule's term: the term, the
					  * rule */
	size_t ngates;
	uint32_t *term_start;	/* the same by term, as bits of the rules:
				 * term t's words term_word[term_start[t]
				 * .. term_start[t + 1] - 1] */
	uint32_t *term_word;	/* a word of the rules' bits */
	uint64_t *term_mask;	/* the term's rules in it */
	uint64_t *passing[2];	/* per rule, a bit: a string has anchors
				 * (FS_ANCHORED), has pairs (FS_PAIRS) */
	unsigned all_passes;	/* the passes the rules need together */
	uint64_t *maybe;	/* per rule, a bit: global, or needs[] clear
				 * (yreval.h's maybe before any string) */
	uint64_t *global;	/* per rule, a bit: global */
	uint8_t *slow;		/* per string: yr_fast_slow() */
	uint32_t *canon;	/* per string: the first the same (yrdup.c),
				 * which alone has runs; itself if none */
	uint32_t *dup_next;	/* per string: the next the same, or
				 * YR_NO_DUP */
	size_t nstr;
	size_t *first;		/* per rule, and one past: its first string */
	uint32_t *run_str;	/* per anchor id (a run): its string */
	uint32_t *run_omin;	/* per run: its least distance from the start */
	size_t nruns;
	struct anchors anchors;
	struct anchors ungated;	/* the anchors of the rules without gate
				 * term split_term, where has_split */
	uint32_t split_term;
	int has_split;
	struct yr_pairs pairs;	/* the runs too short for an anchor */
	size_t npairs;
	struct yr_pairs ungated_pairs; /* those of the rules without gate
					* term split_term, where
					* has_split_pairs */
	int has_split_pairs;
	struct yr_pairs lazy;	/* those of them that wait (yrdefer.c) */
	size_t nlazy;
	struct anchors lazy_anchors; /* the anchored runs of strings that
				      * wait */
	size_t nlazy_anchors;
	uint8_t *four;		/* per string (the first of its group): 0,
				 * or of its runs' keys of four bytes the
				 * least rare's 1 + rarity
				 * (anchors_four_runs()) */
	uint8_t *lazy_in;	/* per string: waits in its rule's
				 * condition (yrdefer.c), not long there */
	uint8_t *wait;		/* per string: its runs are the lazy
				 * tables' */
	uint64_t *defers;	/* per rule, a bit: a string of it waits, the
				 * rule false while none of its long strings
				 * is found */
	size_t ndefer;
	uint32_t *wake_group;	/* per rule that waits: its group (yrdefer.c),
				 * else YR_NO_GROUP */
	size_t ngroups;
	struct anchors *wake_tab; /* per group: the anchored runs of its
				   * strings that wait */
	uint8_t *wake_how;	/* per group: WAKE_PAIRS, WAKE_WHOLE */
	size_t nanchored;
};

/* Groups the strings that are the same (yrdup.c): fills canon and
 * dup_next, use[] already set. 0 or VIGIL_ENOMEM. */
int yr_fast_group(struct yr_fast *f);
/* 1 if string k is long: every run of it (of the first the same) has an
 * anchor, in the table the scan passes over first (not waiting in its
 * rule: lazy_in), so that that pass tells whether it may be there. */
int yr_fast_long(const struct yr_fast *f, size_t k);
/* Which strings wait (yrdefer.c): fills lazy_in, wait, defers and
 * ndefer, once how, slow and four are known for the first of each group
 * and rule_of is set. 0 or VIGIL_ENOMEM. */
int yr_fast_defer(struct yr_fast *f);
/* 0 if rule r's condition is false with none of its long strings there
 * but those found(ctx, k) says are (k: the string's index in f; without
 * found, none), whatever its other strings match; 1 if it may be true. */
int yr_fast_may_hold(const struct yr_fast *f, size_t r,
		     int (*found)(void *ctx, size_t k), void *ctx);

#endif
