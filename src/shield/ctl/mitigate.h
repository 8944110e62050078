/*
 * mitigate.h -- the action ladder for the active attacks: a local XDP
 * rule as soon as an attack starts (rate-limiting its vector towards its
 * destination, narrowed to a dominant port when there is one); the same
 * rules upstream as BGP FlowSpec when the attack reaches flowspec-pps;
 * a blackhole route for the destination (RFC 7999) when it reaches
 * rtbh-pps. Upstream actions, once taken, stay until the attack ends
 * (hold-down included), then are withdrawn. A destination inside the
 * allowlist is never signalled upstream. Rules that DOTS clients asked
 * for (dots.h) go first, locally and upstream, for as long as they are
 * in force.
 */
#ifndef VIGIL_SHIELD_MITIGATE_H
#define VIGIL_SHIELD_MITIGATE_H

#include <stdint.h>

#include "bird.h"
#include "detect.h"
#include "rules.h"

#define MITIGATE_MAX_DOTS 32	/* rules of accepted DOTS requests */
#define MITIGATE_MAX_ROUTES 80	/* diversion and anycast routes */

struct mitigate_cfg {
	char bird_socket[108];		/* "": no upstream signalling */
	char bird_include[4096];
	uint64_t flowspec_pps, rtbh_pps; /* 0: never */
	int flowspec_rate_limit;	/* 0: discard upstream */
};

struct mitigator {
	struct mitigate_cfg cfg;
	struct shield_maps maps;
	int allow4, allow6;		/* the allowlist's map descriptors */
	int hits, buckets;		/* per-rule counters and buckets */
	struct shield_rule rules[SHIELD_MAX_RULES];
	unsigned nrules;		/* as loaded */
	struct shield_rule feed[SHIELD_MAX_RULES]; /* a rule set's, after the
						    * attacks' */
	unsigned nfeed;
	struct shield_rule dots[MITIGATE_MAX_DOTS]; /* DOTS mitigations'
						     * (dots.h), first */
	unsigned ndots;
	struct bird_route routes[MITIGATE_MAX_ROUTES]; /* to announce, as
							* run.c gathers them */
	unsigned nroutes;
	char applied[BIRD_TEXT_MAX];	/* as BIRD took it */
	char error[256];		/* the last upstream failure */
	uint64_t bird_ok, bird_failed, announced, withdrawn;
};

/* The local rules of one attack; how many (at most max). */
unsigned attack_rules(const struct attack *a, const struct detect_cfg *cfg,
		      struct shield_rule *out, unsigned max);
/* Brings the XDP rules and BIRD in line with the attacks (once a
 * second); writes only what changed. 0, or -1 (reason in m->error). */
int mitigate(struct mitigator *m, struct detector *d, double now);
/* What a loaded rule's slot has matched (all CPUs). */
struct shield_hits mitigate_rule_hits(const struct mitigator *m, uint32_t i);
/* Withdraws everything upstream (on shutdown). */
void mitigate_withdraw_all(struct mitigator *m);

#endif
