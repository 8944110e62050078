/*
 * ruleset.h -- a shield rule set: the text `vigil update --type rules`
 * installs (signed, logged, verified before this parser sees it) and
 * `rules-file` names. Untrusted all the same: it is read through the
 * bounded reader, within the limits below, and a set that breaks one is
 * refused whole (the rules in force stay).
 *
 *   vigil-shield-rules 1
 *   # comments and blank lines
 *   drop proto udp sport 11211
 *   rate 5000 proto udp sport 53 dst 192.0.2.0/24
 *   drop proto tcp dport 23 tcp-flags 0x02/0x12
 *   pass proto tcp dport 22 src 198.51.100.0/24
 *   drop fragment yes length 0-120
 *   block 203.0.113.0/24
 *
 * An action (drop, pass, rate PPS) and the components that must all
 * match (proto tcp|udp|icmp|icmpv6|N, src and dst prefixes, sport, dport
 * and length as N or N-M, tcp-flags VALUE/MASK, fragment yes|no), or
 * block PREFIX for the blocklist. The allowlist is above all of it.
 */
#ifndef VIGIL_SHIELD_RULESET_H
#define VIGIL_SHIELD_RULESET_H

#include <stddef.h>

#include "prefix.h"
#include "shield.h"

#define RULESET_MAX_BYTES (1u << 20)	/* the file */
#define RULESET_MAX_LINE 512		/* bytes a line */
#define RULESET_MAX_RULES 32		/* the other 32 are for attacks */
#define RULESET_MAX_BLOCKS 16384	/* prefixes */

struct ruleset {
	struct shield_rule rules[RULESET_MAX_RULES];
	unsigned nrules;
	struct prefix blocks[RULESET_MAX_BLOCKS];
	unsigned nblocks;
};

/* 0, or -1 with "line N: reason" in err (out is then unusable). */
int ruleset_parse(const void *buf, size_t len, struct ruleset *out,
		  char *err, size_t errlen);

#endif
