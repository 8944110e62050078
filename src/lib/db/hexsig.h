/*
 * hexsig.h -- ClamAV's hex body-signature syntax compiled to pattern
 * bytecode (see match/pattern.h).
 */
#ifndef VIGIL_DB_HEXSIG_H
#define VIGIL_DB_HEXSIG_H

#include <stddef.h>

#include "util/vbuf.h"

/* Subsignature modifiers of logical signatures ("::iwfa"). */
struct hexsig_mods {
	int nocase;	/* i: letters match either case */
	int wide;	/* w: every matched byte followed by 0x00 */
	int fullword;	/* f: delimited by non-alphanumeric bytes */
};

/*
 * Appends the bytecode of the hex signature s[0..n) to out. Returns 0, or
 * VIGIL_EFORMAT with *why naming the fault (a static string), or
 * VIGIL_ENOMEM.
 */
int hexsig_compile(const char *s, size_t n, const struct hexsig_mods *mods,
		   struct vbuf *out, const char **why);

#endif
