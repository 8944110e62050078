/*
 * fuzz_shield_rules.c -- libFuzzer target for the shield's rule-set
 * parser (src/shield/ctl/ruleset.c): any input gives a rule set or a
 * refusal with a reason; what parses must hold only rules the XDP
 * program can take (within the limits, consistent components).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ruleset rs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	unsigned i;

	if (ruleset_parse(data, size, &rs, err, sizeof(err)) < 0) {
		if (strncmp(err, "line ", 5) && strncmp(err, "larger ", 7))
			abort(); /* a refusal always names its line */
		return 0;
	}
	if (rs.nrules > RULESET_MAX_RULES || rs.nblocks > RULESET_MAX_BLOCKS)
		abort();
	for (i = 0; i < rs.nrules; i++) {
		const struct shield_rule *r = &rs.rules[i];

		if (r->action < SHIELD_PASS || r->action > SHIELD_RATE ||
		    (r->action == SHIELD_RATE && !r->rate_pps) ||
		    (r->family != 0 && r->family != 4 && r->family != 6) ||
		    r->sport_lo > r->sport_hi || r->dport_lo > r->dport_hi ||
		    r->len_lo > r->len_hi ||
		    (r->tcp_flags_value & ~r->tcp_flags_mask) ||
		    r->src_len > (r->family == 4 ? 32 : 128) ||
		    r->dst_len > (r->family == 4 ? 32 : 128))
			abort();
	}
	return 0;
}
