/*
 * test_shield_ruleset.c -- the shield's rule-set parser: every component,
 * the limits, and every kind of refusal with its line number.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ruleset.h"

static struct ruleset rs;
static char err[256];

static int parse(const char *text)
{
	return ruleset_parse(text, strlen(text), &rs, err, sizeof(err));
}

static void test_every_component(void **state)
{
	const struct shield_rule *r;
	uint8_t want[4];

	(void)state;
	assert_int_equal(parse("vigil-shield-rules 1\n"
			       "# reflection\n\n"
			       "drop proto udp sport 11211\n"
			       "rate 5000 proto udp sport 53 dst 192.0.2.0/24\n"
			       "drop proto tcp dport 23-25 tcp-flags 0x02/0x12\n"
			       "pass proto 47 src 2001:db8::/32  # GRE\n"
			       "drop fragment yes length 0-120\n"
			       "block 203.0.113.0/24\n"
			       "block 2001:db8:bad::/48\n"), 0);
	assert_int_equal(rs.nrules, 5);
	assert_int_equal(rs.nblocks, 2);
	r = &rs.rules[0];
	assert_int_equal(r->action, SHIELD_DROP);
	assert_int_equal(r->proto, IPPROTO_UDP);
	assert_int_equal(r->sport_lo, 11211);
	assert_int_equal(r->sport_hi, 11211);
	r = &rs.rules[1];
	assert_int_equal(r->action, SHIELD_RATE);
	assert_int_equal(r->rate_pps, 5000);
	assert_int_equal(r->family, 4);
	assert_int_equal(r->dst_len, 24);
	inet_pton(AF_INET, "192.0.2.0", want);
	assert_memory_equal(r->dst, want, 4);
	r = &rs.rules[2];
	assert_int_equal(r->dport_lo, 23);
	assert_int_equal(r->dport_hi, 25);
	assert_int_equal(r->tcp_flags_value, 0x02);
	assert_int_equal(r->tcp_flags_mask, 0x12);
	r = &rs.rules[3];
	assert_int_equal(r->action, SHIELD_PASS);
	assert_int_equal(r->proto, 47);
	assert_int_equal(r->family, 6);
	assert_int_equal(r->src_len, 32);
	r = &rs.rules[4];
	assert_int_equal(r->fragment, 1);
	assert_int_equal(r->len_lo, 0);
	assert_int_equal(r->len_hi, 120);
	assert_int_equal(rs.blocks[1].family, 6);
}

static void refused(const char *text, const char *why)
{
	assert_int_equal(parse(text), -1);
	if (!strstr(err, why))
		fprintf(stderr, "got: %s\n", err);
	assert_non_null(strstr(err, why));
}

static void test_refusals_name_the_line(void **state)
{
	(void)state;
	refused("", "line 1: empty");
	refused("drop proto udp\n", "line 1: not a rule set");
	refused("vigil-shield-rules 2\n", "line 1: not a rule set");
	refused("vigil-shield-rules 1\nkill all\n", "line 2: unknown action");
	refused("vigil-shield-rules 1\n\ndrop proto\n",
		"line 3: a component without its value");
	refused("vigil-shield-rules 1\ndrop colour red\n",
		"line 2: unknown component");
	refused("vigil-shield-rules 1\ndrop sport 53\n",
		"line 2: ports need proto tcp or udp");
	refused("vigil-shield-rules 1\ndrop proto udp tcp-flags 2/2\n",
		"tcp-flags need proto tcp");
	refused("vigil-shield-rules 1\ndrop proto tcp tcp-flags 0x12/0x02\n",
		"bad tcp-flags");
	refused("vigil-shield-rules 1\ndrop proto udp sport 0\n", "bad sport");
	refused("vigil-shield-rules 1\ndrop proto udp dport 9-3\n",
		"bad dport");
	refused("vigil-shield-rules 1\ndrop proto udp dport 70000\n",
		"bad dport");
	refused("vigil-shield-rules 1\ndrop src 10.0.0.0/8 dst 2001:db8::/32\n",
		"mixed-family");
	refused("vigil-shield-rules 1\ndrop src 10.0.0.1/8\n", "bad or mixed");
	refused("vigil-shield-rules 1\ndrop proto icmp dst 2001:db8::1\n",
		"icmp and icmpv6");
	refused("vigil-shield-rules 1\nrate 0 proto udp\n",
		"rate needs packets a second");
	refused("vigil-shield-rules 1\nrate -5 proto udp\n",
		"rate needs packets a second");
	refused("vigil-shield-rules 1\nblock 10.0.0.0/8 10.1.0.0/16\n",
		"block takes one prefix");
	refused("vigil-shield-rules 1\nblock nowhere\n", "bad block prefix");
	refused("vigil-shield-rules 1\ndrop fragment maybe\n",
		"fragment is yes or no");
	assert_int_equal(ruleset_parse("vigil-shield-rules 1\ndrop proto "
				       "udp\0 sport 1\n", 37, &rs, err,
				       sizeof(err)), -1);
	assert_non_null(strstr(err, "line 2: a NUL byte"));
}

static void test_limits(void **state)
{
	char *big = malloc(RULESET_MAX_BYTES + 64), *p;
	unsigned i;

	(void)state;
	assert_non_null(big);
	p = big + sprintf(big, "vigil-shield-rules 1\n");
	for (i = 0; i < RULESET_MAX_RULES; i++)
		p += sprintf(p, "drop proto udp sport %u\n", i + 1);
	assert_int_equal(parse(big), 0);
	sprintf(p, "drop proto udp sport 9999\n");
	refused(big, "line 34: too many rules (32 at most)");
	p = big + sprintf(big, "vigil-shield-rules 1\n");
	for (i = 0; i <= RULESET_MAX_BLOCKS; i++)
		p += sprintf(p, "block 10.%u.%u.0/24\n", i >> 8, i & 255);
	refused(big, "too many block prefixes");
	p = big + sprintf(big, "vigil-shield-rules 1\ndrop ");
	memset(p, 'x', 600);
	p[600] = '\0';
	refused(big, "line 2: a line longer than 512 bytes");
	memset(big, '#', RULESET_MAX_BYTES + 1);
	assert_int_equal(ruleset_parse(big, RULESET_MAX_BYTES + 1, &rs, err,
				       sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than"));
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_component),
		cmocka_unit_test(test_refusals_name_the_line),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
