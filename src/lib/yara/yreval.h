/*
 * yreval.h -- a rule set's conditions over one buffer, with YARA's
 * meaning: undefined values (an offset past the end, a match that is not
 * there, a division by zero) make what uses them false; global rules
 * gate the others; a rule names the rules before it. The strings are
 * matched by the reference matcher (yrmatch.h), or by the caller's
 * source (the fast matcher, yrfast.h). Modules (ymod.h) are loaded
 * for each buffer when a condition first names them; a rule that needs
 * one Vigil does not have is reported unsupported.
 */
#ifndef VIGIL_YARA_YREVAL_H
#define VIGIL_YARA_YREVAL_H

#include <stddef.h>
#include <stdint.h>

#include "yara/yrast.h"

struct yr_external {
	const char *name;
	int kind;		/* YN_INT, YN_BOOL, YN_FLOAT or YN_TEXT */
	int64_t i;
	double f;
	const char *text;
};

#define YR_RULE_FALSE 0
#define YR_RULE_TRUE 1
#define YR_RULE_UNSUPPORTED 2	/* needs what is not evaluated yet */
#define YR_RULE_LIMIT 3		/* a string hit a limit: never clean */

struct yr_matches;

/* Where the evaluator takes a rule's strings' matches from: strings()
 * points *sm at rule r's (one per string, in order) and returns 0,
 * YR_MATCH_LIMIT, YR_MATCH_UNSUPPORTED (yrmatch.h) or VIGIL_ENOMEM, with
 * why. */
struct yr_source {
	int (*strings)(void *ctx, size_t r, const struct yr_matches **sm,
		       const char **why);
	void *ctx;
	/* Optional: 1 if rule r is known false without evaluating it (its
	 * condition needs a string match and none of its strings has one). */
	int (*known_false)(void *ctx, size_t r);
	/* Optional: console.log's lines. */
	void (*log)(void *ctx, const char *line, size_t n);
	/* Optional: a time limit for the buffer (0: none), past which each
	 * rule not evaluated is YR_RULE_LIMIT; and slow(), called for a rule
	 * whose strings and condition took slow_ns or longer. */
	uint64_t timeout_ns, slow_ns;
	void (*slow)(void *ctx, size_t r, uint64_t ns);
	/* Optional: string k of rule r matched now, for a source whose
	 * strings() only points at where the matches will be. Called before
	 * the condition first reads each string, so that a string it never
	 * reads (the condition decided without it) is never matched; returns
	 * as strings() does, a limit or an unsupported form then the rule's
	 * result. */
	int (*string)(void *ctx, size_t r, size_t k, const char **why);
	/* Optional: whether string k of rule r matches at offset at, into
	 * *hit (1 or 0), for "$a at x" where the source tells without every
	 * match; *hit -1: it does not, the matches are read. Returns as
	 * strings() does. */
	int (*string_at)(void *ctx, size_t r, size_t k, int64_t at, int *hit,
			 const char **why);
	/* Optional: a bit per rule, set for every global rule and every rule
	 * known_false() does not answer for by its strings; the others are
	 * false without being looked at. NULL: each rule is asked. */
	const uint64_t *maybe;
};

/* CLOCK_MONOTONIC in nanoseconds: what the time limits are read on. */
uint64_t yr_now_ns(void);

/* As yr_eval() below, the strings' matches from src. */
int yr_eval_from(const struct yr_ruleset *rs, const struct yr_source *src,
		 const uint8_t *buf, size_t len, const struct yr_external *ext,
		 size_t next, uint8_t *result, const char **why);

/* Whether each of n terms that read only integers (yrgate.h) is true over
 * buf: truth[i] 1, or 0 for false or undefined. */
void yr_eval_terms(const struct yr_node *const *terms, size_t n,
		   const uint8_t *buf, size_t len, uint8_t *truth);

/*
 * The result of every rule over buf into result[] (rs->nrules entries).
 * 0, or VIGIL_ENOMEM. why[i] (may be NULL) says what made rule i
 * unsupported or limited; where rule i is true or false, it is not
 * read (yr_eval_from() may leave it as it was).
 */
int yr_eval(const struct yr_ruleset *rs, const uint8_t *buf, size_t len,
	    const struct yr_external *ext, size_t next, uint8_t *result,
	    const char **why);

#endif
