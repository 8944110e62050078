/*
 * yrmatch.h -- where a YARA string matches in a buffer: every offset, as
 * YARA reports them (overlapping ones too). This is the reference
 * matcher: plain loops, written to be obviously right, that the tests
 * hold the fast one (to come) against; it is not the scanning path.
 */
#ifndef VIGIL_YARA_YRMATCH_H
#define VIGIL_YARA_YRMATCH_H

#include <stddef.h>
#include <stdint.h>

#include "yara/yrast.h"

/* Matches kept per string, as YARA's limit; more is a limit reached. */
#define YR_MAX_MATCHES 1000000u
/* Steps of the hex matcher's backtracking per string and buffer. */
#define YR_MAX_HEX_STEPS (1u << 26)
/* Jumps and alternatives nested while a hex string is matched. */
#define YR_MAX_HEX_DEPTH 4096u

struct yr_match {
	size_t off;
	size_t len;
};

struct yr_matches {
	struct yr_match *m;
	size_t n, cap;
};

#define YR_MATCH_LIMIT 1	/* too many matches, or too many steps */
#define YR_MATCH_UNSUPPORTED 2	/* a modifier not matched yet */

/*
 * All matches of s in buf into out (emptied first). 0, YR_MATCH_LIMIT,
 * YR_MATCH_UNSUPPORTED, or VIGIL_ENOMEM; "why" names what went wrong.
 */
int yr_match_string(const struct yr_string *s, const uint8_t *buf,
		    size_t len, struct yr_matches *out, const char **why);
void yr_matches_free(struct yr_matches *m);

#endif
