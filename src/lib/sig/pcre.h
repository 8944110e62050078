/*
 * pcre.h -- the regular expressions of ClamAV's PCRE subsignatures
 * ("Trigger/PCRE/Flags" in a logical signature), compiled with PCRE2: the
 * flag letters, and one compile shared by the loader (which refuses an
 * expression PCRE2 rejects, naming the line) and the scanner.
 */
#ifndef VIGIL_SIG_PCRE_H
#define VIGIL_SIG_PCRE_H

#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* Longest expression accepted, in bytes. */
#define SIGPCRE_MAX_BYTES (64u << 10)

/* The flag letters: the engine's own (g r e) and PCRE2's options. */
enum sigpcre_flag {
	SIGPCRE_GLOBAL = 0x001,		/* g: count every match */
	SIGPCRE_ROLLING = 0x002,	/* r: search from the offset on */
	SIGPCRE_ENCOMPASS = 0x004,	/* e: the match within offset+shift */
	SIGPCRE_CASELESS = 0x008,	/* i */
	SIGPCRE_DOTALL = 0x010,		/* s */
	SIGPCRE_MULTILINE = 0x020,	/* m */
	SIGPCRE_EXTENDED = 0x040,	/* x */
	SIGPCRE_ANCHORED = 0x080,	/* A */
	SIGPCRE_DOLLAR_ENDONLY = 0x100,	/* E */
	SIGPCRE_UNGREEDY = 0x200,	/* U */
	SIGPCRE_ALL = 0x3ff
};

/* The flag of letter c, or 0 if c is not one. */
unsigned sigpcre_flag(char c);

/*
 * Compiles re[0..n) with the options of flags into *out. Returns 0,
 * VIGIL_ENOMEM, or VIGIL_EFORMAT with PCRE2's message and the offset of
 * the fault written into why.
 */
int sigpcre_compile(const char *re, size_t n, unsigned flags,
		    pcre2_code **out, char *why, size_t whylen);

#endif
