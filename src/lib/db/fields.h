/*
 * fields.h -- splitting signature lines into fields and reading the numbers
 * and digests in them, strictly: no sign, no spaces, no overflow.
 */
#ifndef VIGIL_DB_FIELDS_H
#define VIGIL_DB_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#define FIELDS_MAX 70

struct fields {
	const char *p[FIELDS_MAX];
	size_t n[FIELDS_MAX];
	size_t count;
};

/* Splits s[0..n) at every sep; returns -1 if there are over max fields. */
int fields_split(const char *s, size_t n, char sep, struct fields *f,
		 size_t max);
/* Decimal number: 0 on success, -1 if empty, not a number or too large. */
int fields_u64(const char *s, size_t n, uint64_t *v);
/* The value of a hex digit, or -1. */
int fields_hexdig(char c);
/* 1 if each of s[0..n) is a hex digit (reads no further: s need not
 * end in a NUL). */
int fields_all_hex(const char *s, size_t n);
/* Hex digest of exactly 2*dlen digits into out: 0 or -1. */
int fields_hex(const char *s, size_t n, uint8_t *out, size_t dlen);
/* 1 if s[0..n) equals the NUL-terminated lit. */
int fields_eq(const char *s, size_t n, const char *lit);

#endif
