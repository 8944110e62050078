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

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include "yara/yrast.h"

/* Matches kept per string, as YARA's limit; more is a limit reached. */
#define YR_MAX_MATCHES 1000000u
/* Steps of the hex matcher's backtracking (a jump's length or an
 * alternative tried) per string and buffer. */
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
	size_t want;		/* matches enough (0: all), after which
				 * yr_matches_add() says YR_MATCH_ENOUGH */
};

#define YR_MATCH_LIMIT 1	/* too many matches, or too many steps */
#define YR_MATCH_UNSUPPORTED 2	/* a modifier not matched yet */
#define YR_MATCH_ENOUGH 3	/* want matches found: the matcher stops,
				 * its caller takes it as 0 */

/*
 * All matches of s in buf into out (emptied first). 0, YR_MATCH_LIMIT,
 * YR_MATCH_UNSUPPORTED, or VIGIL_ENOMEM; "why" names what went wrong.
 */
int yr_match_string(const struct yr_string *s, const uint8_t *buf,
		    size_t len, struct yr_matches *out, const char **why);
void yr_matches_free(struct yr_matches *m);
/* Appends a match: 0, YR_MATCH_ENOUGH at out->want, YR_MATCH_LIMIT past
 * YR_MAX_MATCHES, VIGIL_ENOMEM. */
int yr_matches_add(struct yr_matches *out, size_t off, size_t len);

/*
 * The pieces both matchers share: whether a string matches at one offset.
 * The reference matcher asks at every offset, the fast one (yrfast.h)
 * where an anchor of the string was found.
 */

/* A text string (not base64) in its ascii (wide 0) or wide form at
 * buf[i], with any key of its xor range, fullword checked: 1 or 0. */
int yr_text_at(const struct yr_string *s, const uint8_t *buf, size_t len,
	       size_t i, int wide);

/* base64's patterns: at most 2 forms x 2 widths x 3 shifts. */
#define YR_B64_MAX 12

struct yr_b64set {
	uint8_t *v[YR_B64_MAX];
	size_t len[YR_B64_MAX];
	int n;
};

/* The patterns of a base64 or base64wide string, in yara's order: 0 or
 * VIGIL_ENOMEM. */
int yr_b64_patterns(const struct yr_string *s, struct yr_b64set *b);
void yr_b64_free(struct yr_b64set *b);
/* The length of the first pattern found at buf[i], or 0. */
size_t yr_b64_at(const struct yr_b64set *b, const uint8_t *buf, size_t len,
		 size_t i);

struct yr_hex_seq;

/* A hex program from buf[i]: 1 and *end (the shortest jumps, the first
 * alternatives), 0, or -1 when *steps (the jumps and alternatives tried,
 * summed over the attempts of one buffer) passes YR_MAX_HEX_STEPS or the
 * nesting YR_MAX_HEX_DEPTH. */
int yr_hex_at(const struct yr_hex_seq *prog, const uint8_t *buf, size_t len,
	      size_t i, uint64_t *steps, size_t *end);

/* A regular expression string's code in one form (wide: its wide form,
 * yrwide.h), anchored (matching where it is started only: PCRE2's JIT
 * takes that at compile time, not at match time); NULL if PCRE2 refuses
 * it, *nomem set if for want of memory. */
pcre2_code *yr_regex_code(const struct yr_string *s, int wide, int anchored,
			  int *nomem);
/* The regex (its anchored code) matched from buf[i] alone (md from the
 * code): 1 and *mlen if it matches there (fullword checked), 0 if not,
 * -1 if PCRE2 gave up (its match or JIT stack limits). A match of no
 * bytes is none, here and in yr_regex_form(), as yara counts them
 * ("/BADD|/" matches the empty string at every offset): PCRE2 is asked
 * for a non-empty one (PCRE2_NOTEMPTY), so that a search is not stopped
 * at every offset by the empty string. */
int yr_regex_at(const pcre2_code *anchored, pcre2_match_data *md,
		const struct yr_string *s, const uint8_t *buf, size_t len,
		size_t i, int wide, size_t *mlen);
/* Every match of one form of a regex (its code for that form) in buf,
 * appended to out: 0, YR_MATCH_LIMIT (too many matches, or PCRE2 gave
 * up) or VIGIL_ENOMEM. */
int yr_regex_form(const pcre2_code *re, pcre2_match_data *md,
		  const struct yr_string *s, const uint8_t *buf, size_t len,
		  int wide, struct yr_matches *out);
/* Every match of a regex in the forms it has (re: ascii, wide), one per
 * offset, the ascii form's where both match: 0, YR_MATCH_LIMIT, or
 * VIGIL_ENOMEM. */
int yr_regex_all(pcre2_code *const re[2], pcre2_match_data *md,
		 const struct yr_string *s, const uint8_t *buf, size_t len,
		 struct yr_matches *out);

#endif
