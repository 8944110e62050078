/*
 * yrfast.h -- the fast matcher of a YARA rule set. Each string is looked
 * for by a run of its fixed bytes (yratom.h) in one pass of the anchors
 * matcher (match/anchors.h) over the buffer, or a run too short for an
 * anchor in one pass of the pairs (yrpairs.h); where a run is found, the
 * string is verified at the starts it implies, with the reference
 * matcher's pieces (yrmatch.h). Strings without a usable run are matched
 * by the reference matcher over the whole buffer. Verification waits
 * until the evaluator asks for a rule's strings. The matches are the
 * reference matcher's, which the tests hold it to.
 */
#ifndef VIGIL_YARA_YRFAST_H
#define VIGIL_YARA_YRFAST_H

#include <stddef.h>
#include <stdint.h>

#include "yara/yrast.h"
#include "yara/yreval.h"

struct yr_fast;
struct yr_fast_state;

/* The matcher of rs, which must outlive it: 0 or VIGIL_ENOMEM. */
int yr_fast_build(const struct yr_ruleset *rs, struct yr_fast **out);
void yr_fast_free(struct yr_fast *f);

/* One scan's working memory, reused scan after scan (one per thread). */
int yr_fast_state_new(const struct yr_fast *f, struct yr_fast_state **out);
void yr_fast_state_free(struct yr_fast_state *st);

/* As yr_eval() (yreval.h), with the fast matcher: 0 or VIGIL_ENOMEM. */
/* Where console.log's lines go while st scans (NULL: nowhere). */
void yr_fast_set_log(struct yr_fast_state *st,
		     void (*log)(void *ctx, const char *line, size_t n),
		     void *ctx);
/* Whether the scans of st list no matches (yr_fast_matches() then holds
 * at least one match of a string whose condition needs only that it
 * matched, not every one): 0 by default. */
void yr_fast_set_first(struct yr_fast_state *st, int first);
/* A time limit for each buffer st scans (0: none), and slow() for each
 * rule taking slow_ns or longer on one (NULL: not timed). */
void yr_fast_set_timing(struct yr_fast_state *st, uint64_t timeout_ns,
			uint64_t slow_ns,
			void (*slow)(void *ctx, size_t r, uint64_t ns),
			void *ctx);
int yr_fast_eval(const struct yr_fast *f, struct yr_fast_state *st,
		 const uint8_t *buf, size_t len, const struct yr_external *ext,
		 size_t next, uint8_t *result, const char **why);

/* Whether string k (in rule order) is slow to look for: 0; 1, its run is
 * two or three bytes (or NUL and 0xff only) and is found often; 2, it has
 * none and is matched over every buffer. */
int yr_fast_slow(const struct yr_fast *f, size_t rule, size_t k);

/* After yr_fast_eval() returned 0: rule r's strings' matches (one per
 * string, in order), valid until the state's next scan. */
const struct yr_matches *yr_fast_matches(const struct yr_fast_state *st,
					 size_t r);
/* After yr_fast_eval(): 1 if rule r's string k was not looked for in the
 * buffer (its runs are short and waited for a long string of its rule,
 * none of which was found: yrdefer.c); its matches are then unknown, and
 * its rule was false whatever they are. */
int yr_fast_unsearched(const struct yr_fast_state *st, size_t r, size_t k);

struct yr_fast_stats {
	size_t strings;		/* in the rule set */
	size_t anchored;	/* looked for by a run of their bytes */
	size_t anchors;		/* runs (xor keys and forms each) */
	size_t pairs;		/* of them, too short for an anchor */
	size_t waiting;		/* of those, looked for only once a long
				 * string of their rule is found */
	size_t waiting_anchored; /* anchors (table entries) of the strings
				  * of four-byte keys that wait so
				  * (yrdefer.c) */
	size_t wake_groups;	/* rules that wait, joined where they share a
				 * string that waits: each group's strings
				 * are looked for once one of its rules may
				 * be true (yrdefer.c) */
	size_t wake_whole;	/* of them, those whose runs the whole lazy
				 * table looks for */
	size_t bytes;		/* the anchors' tables */
};

void yr_fast_stats(const struct yr_fast *f, struct yr_fast_stats *out);

#endif
