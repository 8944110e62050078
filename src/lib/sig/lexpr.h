/*
 * lexpr.h -- logical expressions of .ldb signatures: parsing into a small
 * tree bytecode, and evaluation over subsignature match counts with
 * ClamAV's semantics (counts, "=X,Y" distinct-subsignature minimums).
 */
#ifndef VIGIL_SIG_LEXPR_H
#define VIGIL_SIG_LEXPR_H

#include <stddef.h>
#include <stdint.h>

#include "util/vbuf.h"

#define LEXPR_MAX_CHARS 4096
#define LEXPR_MAX_DEPTH 64
#define LEXPR_MAX_SUBSIGS 64

struct lexpr_info {
	unsigned max_id;	/* highest subsignature index used */
	int has_counts;		/* uses =, < or > anywhere */
};

/*
 * Appends the bytecode of s[0..n) to out. Returns 0, VIGIL_EFORMAT (with
 * *why set to a static string) or VIGIL_ENOMEM.
 */
int lexpr_compile(const char *s, size_t n, struct vbuf *out,
		  struct lexpr_info *info, const char **why);

/* Evaluates compiled code over per-subsignature counts: 1 true, 0 false. */
int lexpr_eval(const uint8_t *code, size_t len, const uint32_t *counts);

/* 1 if valid code has no count modifier but ">" (and its distinct
 * minimum): then more matches never make it false. */
int lexpr_monotone(const uint8_t *code, size_t len);

/* A count that satisfies any ">" of a real signature, small enough that
 * the sum over LEXPR_MAX_SUBSIGS subsignatures stays within 32 bits. */
#define LEXPR_MANY (1u << 20)

/* Returns 1 if code is well-formed bytecode referring to ids < nsub. */
int lexpr_valid(const uint8_t *code, size_t len, unsigned nsub);

#endif
