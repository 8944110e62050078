/*
 * rules.h -- loading FlowSpec-shaped rules into the XDP program's maps:
 * the rule set (one value, replaced whole), the index of candidate rules
 * by protocol and destination port, and the wildcard mask.
 */
#ifndef VIGIL_SHIELD_RULES_H
#define VIGIL_SHIELD_RULES_H

#include "shield.h"

struct shield_maps {
	int rules, index, config, dst;	/* map descriptors */
};

/* Replaces the rules with r[0..n); 0, or -1 with errno. */
int shield_rules_load(const struct shield_maps *m, const struct shield_rule *r,
		      unsigned n);

#endif
