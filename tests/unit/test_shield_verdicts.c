/*
 * test_shield_verdicts.c -- the XDP program's verdicts on crafted packets,
 * through the kernel's BPF test-run interface (no network): the
 * allowlist over the blocklist, every rule component, IPv4 and IPv6, VLAN
 * tags, fragments, and truncated or inconsistent headers.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "rules.h"
#include "shield.h"
#pragma GCC diagnostic push /* bpftool's generated code */
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "shield.skel.h"
#pragma GCC diagnostic pop

#define XDP_DROP 1
#define XDP_PASS 2

static struct shield_bpf *skel;

/* ------------------------------------------------------------ packets */

struct pb {
	uint8_t b[256];
	size_t n;
};

static void put(struct pb *p, const void *d, size_t n)
{
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

static void put16(struct pb *p, uint16_t v)
{
	v = htons(v);
	put(p, &v, 2);
}

static void eth(struct pb *p, uint16_t type, int vlans)
{
	static const uint8_t mac[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
	int i;

	p->n = 0;
	put(p, mac, 12);
	for (i = 0; i < vlans; i++) {
		put16(p, i ? ETH_P_8021Q : (vlans > 1 ? ETH_P_8021AD :
						       ETH_P_8021Q));
		put16(p, 100 + i);
	}
	put16(p, type);
}

/* IPv4 header; frag: the frag_off field (host order). */
static void ip4(struct pb *p, const char *src, const char *dst, uint8_t proto,
		uint16_t l4len, uint16_t frag)
{
	uint8_t h[20] = { 0x45, 0 };
	uint16_t tot = htons(20 + l4len), f = htons(frag);

	memcpy(h + 2, &tot, 2);
	memcpy(h + 6, &f, 2);
	h[8] = 64;
	h[9] = proto;
	inet_pton(AF_INET, src, h + 12);
	inet_pton(AF_INET, dst, h + 16);
	put(p, h, 20);
}

static void ip6(struct pb *p, const char *src, const char *dst, uint8_t next,
		uint16_t payload)
{
	uint8_t h[40] = { 0x60, 0 };
	uint16_t len = htons(payload);

	memcpy(h + 4, &len, 2);
	h[6] = next;
	h[7] = 64;
	inet_pton(AF_INET6, src, h + 8);
	inet_pton(AF_INET6, dst, h + 24);
	put(p, h, 40);
}

static void udp(struct pb *p, uint16_t sport, uint16_t dport)
{
	put16(p, sport);
	put16(p, dport);
	put16(p, 8);
	put16(p, 0);
}

static void tcp(struct pb *p, uint16_t sport, uint16_t dport, uint8_t flags)
{
	uint8_t h[20] = { 0 };

	h[0] = sport >> 8;
	h[1] = sport & 0xff;
	h[2] = dport >> 8;
	h[3] = dport & 0xff;
	h[12] = 5 << 4;
	h[13] = flags;
	put(p, h, 20);
}

static struct pb udp4(const char *src, const char *dst, uint16_t sport,
		      uint16_t dport)
{
	struct pb p;

	eth(&p, ETH_P_IP, 0);
	ip4(&p, src, dst, IPPROTO_UDP, 8, 0);
	udp(&p, sport, dport);
	return p;
}

/* The verdict on p sent repeat times in a row: the last one's. */
static int verdict_n(const struct pb *p, int repeat)
{
	uint8_t out[512];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->b,
		    .data_size_in = (uint32_t)p->n, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = repeat);
	int rc = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.shield),
					&o);

	assert_int_equal(rc, 0);
	return (int)o.retval;
}

static int verdict(const struct pb *p)
{
	return verdict_n(p, 1);
}

/* ------------------------------------------------------------ maps */

static void prefix4(struct bpf_map *m, const char *addr, uint32_t len)
{
	struct shield_lpm4 k = { len, 0 };
	uint64_t v = 0;

	inet_pton(AF_INET, addr, &k.addr);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(m), &k, &v, 0), 0);
}

static void prefix6(struct bpf_map *m, const char *addr, uint32_t len)
{
	struct shield_lpm6 k = { len, { 0 } };
	uint64_t v = 0;

	inet_pton(AF_INET6, addr, k.addr);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(m), &k, &v, 0), 0);
}

static struct shield_config get_config(void)
{
	struct shield_config cfg;
	uint32_t zero = 0;

	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.config),
					     &zero, &cfg), 0);
	return cfg;
}

static void set_config(const struct shield_config *cfg)
{
	uint32_t zero = 0;

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.config),
					     &zero, cfg, 0), 0);
}

static void set_rules(const struct shield_rule *r, unsigned n)
{
	struct shield_maps m = { bpf_map__fd(skel->maps.rules),
				 bpf_map__fd(skel->maps.rule_index),
				 bpf_map__fd(skel->maps.config),
				 bpf_map__fd(skel->maps.rule_dst) };

	assert_int_equal(shield_rules_load(&m, r, n), 0);
}

static uint64_t rule_packets(uint32_t i)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	struct shield_hits h[512];
	uint64_t sum = 0;

	assert_true(ncpu > 0 && ncpu <= 512);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.rule_hits),
					     &i, h), 0);
	for (c = 0; c < ncpu; c++)
		sum += h[c].packets;
	return sum;
}

static int setup(void **st)
{
	(void)st;
	skel = shield_bpf__open_and_load();
	return skel ? 0 : -1;
}

static int teardown(void **st)
{
	(void)st;
	shield_bpf__destroy(skel);
	skel = NULL;
	return 0;
}


/* ------------------------------------------------------------ cases */

static void default_pass(void **st)
{
	struct pb p = udp4("198.51.100.7", "192.0.2.1", 1234, 80);

	(void)st;
	assert_int_equal(verdict(&p), XDP_PASS);
}

static void allow_beats_block(void **st)
{
	struct pb in = udp4("203.0.113.9", "192.0.2.1", 1, 2);
	struct pb out = udp4("203.0.114.9", "192.0.2.1", 1, 2);
	struct pb mgmt = udp4("203.0.113.200", "192.0.2.1", 1, 2);

	(void)st;
	prefix4(skel->maps.block4, "203.0.113.0", 24);
	assert_int_equal(verdict(&in), XDP_DROP);
	assert_int_equal(verdict(&out), XDP_PASS);
	prefix4(skel->maps.allow4, "203.0.113.192", 26);
	assert_int_equal(verdict(&mgmt), XDP_PASS);	/* allowlist first */
	assert_int_equal(verdict(&in), XDP_DROP);
}

static void block_v6(void **st)
{
	struct pb p;

	(void)st;
	prefix6(skel->maps.block6, "2001:db8:bad::", 48);
	eth(&p, ETH_P_IPV6, 0);
	ip6(&p, "2001:db8:bad:1::5", "2001:db8::1", IPPROTO_UDP, 8);
	udp(&p, 1, 2);
	assert_int_equal(verdict(&p), XDP_DROP);
	eth(&p, ETH_P_IPV6, 0);
	ip6(&p, "2001:db8:bae:1::5", "2001:db8::1", IPPROTO_UDP, 8);
	udp(&p, 1, 2);
	assert_int_equal(verdict(&p), XDP_PASS);
}

static void vlan_tags(void **st)
{
	struct pb p;
	int tags;

	(void)st;
	prefix4(skel->maps.block4, "198.18.0.0", 15);
	for (tags = 0; tags <= 2; tags++) {
		eth(&p, ETH_P_IP, tags);
		ip4(&p, "198.19.1.1", "192.0.2.1", IPPROTO_UDP, 8, 0);
		udp(&p, 1, 2);
		assert_int_equal(verdict(&p), XDP_DROP);
	}
}

static void rule_ports_and_protocol(void **st)
{
	struct shield_rule r[2] = { { 0 } };
	struct pb dns = udp4("198.51.100.1", "192.0.2.1", 53, 4444), t;

	(void)st;
	/* UDP from source port 53 to 192.0.2.0/24: an amplification */
	r[0].proto = IPPROTO_UDP;
	r[0].action = SHIELD_DROP;
	r[0].sport_lo = r[0].sport_hi = 53;
	r[0].dst_len = 24;
	inet_pton(AF_INET, "192.0.2.0", r[0].dst);
	set_rules(r, 1);
	assert_int_equal(verdict(&dns), XDP_DROP);
	assert_int_equal(rule_packets(0), 1);
	eth(&t, ETH_P_IP, 0);
	ip4(&t, "198.51.100.1", "192.0.2.1", IPPROTO_TCP, 20, 0);
	tcp(&t, 53, 4444, 0x10);
	assert_int_equal(verdict(&t), XDP_PASS);	/* TCP: not this rule */
	dns = udp4("198.51.100.1", "192.0.3.1", 53, 4444);
	assert_int_equal(verdict(&dns), XDP_PASS);	/* other network */
	set_rules(r, 0);
}

static void rule_tcp_flags_and_length(void **st)
{
	struct shield_rule r = { 0 };
	struct pb syn, synack;

	(void)st;
	r.proto = IPPROTO_TCP;
	r.action = SHIELD_DROP;
	r.tcp_flags_mask = 0x12;	/* SYN and ACK */
	r.tcp_flags_value = 0x02;	/* SYN alone */
	r.len_lo = 40;
	r.len_hi = 60;
	set_rules(&r, 1);
	eth(&syn, ETH_P_IP, 0);
	ip4(&syn, "198.51.100.2", "192.0.2.1", IPPROTO_TCP, 20, 0);
	tcp(&syn, 40000, 80, 0x02);
	assert_int_equal(verdict(&syn), XDP_DROP);
	eth(&synack, ETH_P_IP, 0);
	ip4(&synack, "198.51.100.2", "192.0.2.1", IPPROTO_TCP, 20, 0);
	tcp(&synack, 40000, 80, 0x12);
	assert_int_equal(verdict(&synack), XDP_PASS);
	r.len_lo = 100;	/* the SYN is 40 bytes long: out of range now */
	set_rules(&r, 1);
	assert_int_equal(verdict(&syn), XDP_PASS);
	set_rules(&r, 0);
}

static void rule_order_and_pass(void **st)
{
	struct shield_rule r[2] = { { 0 } };
	struct pb p = udp4("198.51.100.3", "192.0.2.1", 5000, 123);

	(void)st;
	r[0].family = 4;
	r[0].action = SHIELD_PASS;
	r[0].src_len = 32;
	inet_pton(AF_INET, "198.51.100.3", r[0].src);
	r[1].action = SHIELD_DROP;		/* everything else */
	set_rules(r, 2);
	assert_int_equal(verdict(&p), XDP_PASS);	/* first match wins */
	p = udp4("198.51.100.4", "192.0.2.1", 5000, 123);
	assert_int_equal(verdict(&p), XDP_DROP);
	set_rules(r, 0);
}

static struct pb udp6(const char *src, const char *dst, uint16_t dport)
{
	struct pb p;

	eth(&p, ETH_P_IPV6, 0);
	ip6(&p, src, dst, IPPROTO_UDP, 8);
	udp(&p, 5000, dport);
	return p;
}

static struct shield_rule dst_rule(int family, const char *dst, uint8_t len,
				   uint8_t action)
{
	struct shield_rule r = { 0 };

	r.family = (uint8_t)family;
	r.dst_len = len;
	r.action = action;
	inet_pton(family == 4 ? AF_INET : AF_INET6, dst, r.dst);
	return r;
}

/* Rules for destinations are found through the destination index: a
 * host's pass before its network's drop, the network's drop for its
 * other hosts, rules for any destination still tried for all, nested
 * prefixes of both families, and the order kept across them. */
static void rules_by_destination(void **st)
{
	struct shield_rule r[5];
	struct pb p;

	(void)st;
	r[0] = dst_rule(4, "192.0.2.7", 32, SHIELD_PASS);
	r[1] = dst_rule(4, "192.0.2.0", 24, SHIELD_DROP);
	r[2] = dst_rule(0, "0.0.0.0", 0, SHIELD_DROP);
	r[2].proto = IPPROTO_UDP;
	r[2].dport_lo = r[2].dport_hi = 53;
	r[3] = dst_rule(6, "2001:db8:7::", 48, SHIELD_DROP);
	r[4] = dst_rule(6, "2001:db8:7:1::9", 128, SHIELD_PASS); /* after */
	set_rules(r, 5);
	p = udp4("198.51.100.3", "192.0.2.7", 5000, 53);
	assert_int_equal(verdict(&p), XDP_PASS);	/* r[0] first */
	p = udp4("198.51.100.3", "192.0.2.8", 5000, 80);
	assert_int_equal(verdict(&p), XDP_DROP);	/* r[1] */
	p = udp4("198.51.100.3", "192.0.3.8", 5000, 80);
	assert_int_equal(verdict(&p), XDP_PASS);	/* none */
	p = udp4("198.51.100.3", "203.0.113.1", 5000, 53);
	assert_int_equal(verdict(&p), XDP_DROP);	/* r[2], any dst */
	p = udp6("2001:db8::1", "2001:db8:7:1::9", 80);
	assert_int_equal(verdict(&p), XDP_DROP);	/* r[3] before r[4] */
	p = udp6("2001:db8::1", "2001:db8:8::9", 80);
	assert_int_equal(verdict(&p), XDP_PASS);
	/* a reload with the network's rule gone: the index follows */
	r[1] = dst_rule(4, "192.0.2.9", 32, SHIELD_DROP);
	set_rules(r, 3);
	p = udp4("198.51.100.3", "192.0.2.8", 5000, 80);
	assert_int_equal(verdict(&p), XDP_PASS);
	p = udp4("198.51.100.3", "192.0.2.9", 5000, 80);
	assert_int_equal(verdict(&p), XDP_DROP);
	p = udp6("2001:db8::1", "2001:db8:7:1::9", 80);
	assert_int_equal(verdict(&p), XDP_PASS);	/* r[3] gone */
	set_rules(r, 0);
}

static void fragments(void **st)
{
	struct shield_rule r[2] = { { 0 } };
	struct pb first, later;

	(void)st;
	eth(&first, ETH_P_IP, 0);
	ip4(&first, "198.51.100.5", "192.0.2.1", IPPROTO_UDP, 8, 0x2000);
	udp(&first, 1, 9);
	eth(&later, ETH_P_IP, 0);	/* offset 185*8: no UDP header */
	ip4(&later, "198.51.100.5", "192.0.2.1", IPPROTO_UDP, 8, 185);
	put(&later, "payload!", 8);
	r[0].proto = IPPROTO_UDP;
	r[0].action = SHIELD_DROP;
	r[0].dport_lo = r[0].dport_hi = 9;
	set_rules(r, 1);
	assert_int_equal(verdict(&first), XDP_DROP);
	assert_int_equal(verdict(&later), XDP_PASS); /* no port to match */
	r[0].dport_lo = r[0].dport_hi = 0;
	r[0].fragment = 1;			/* any fragment */
	set_rules(r, 1);
	assert_int_equal(verdict(&later), XDP_DROP);
	set_rules(r, 0);
}

static void v6_extension_headers(void **st)
{
	struct shield_rule r = { 0 };
	uint8_t hop[8] = { IPPROTO_ROUTING, 0 }, rt[8] = { 44, 0 };
	uint8_t frag[8] = { IPPROTO_UDP, 0, 0, 0, 0, 0, 0, 1 };
	struct pb p;

	(void)st;
	eth(&p, ETH_P_IPV6, 0);
	ip6(&p, "2001:db8:1::1", "2001:db8::1", 0, 32);
	put(&p, hop, 8);
	put(&p, rt, 8);
	put(&p, frag, 8);
	udp(&p, 1, 7777);
	r.family = 6;
	r.proto = IPPROTO_UDP;
	r.action = SHIELD_DROP;
	r.dport_lo = r.dport_hi = 7777;
	set_rules(&r, 1);
	assert_int_equal(verdict(&p), XDP_DROP);
	set_rules(&r, 0);
}

static void malformed(void **st)
{
	struct pb p;

	(void)st;
	/* (a frame shorter than Ethernet is refused by the test-run
	 * interface itself; the program checks for it all the same) */
	eth(&p, ETH_P_IP, 0);
	ip4(&p, "198.51.100.6", "192.0.2.1", IPPROTO_UDP, 8, 0);
	p.n -= 5;				/* IPv4 header cut */
	assert_int_equal(verdict(&p), XDP_DROP);
	eth(&p, ETH_P_IP, 0);
	ip4(&p, "198.51.100.6", "192.0.2.1", IPPROTO_UDP, 8, 0);
	p.b[14] = 0x4f;				/* IHL 60 bytes, 20 there */
	assert_int_equal(verdict(&p), XDP_DROP);
	eth(&p, ETH_P_IP, 0);
	ip4(&p, "198.51.100.6", "192.0.2.1", IPPROTO_UDP, 8, 0);
	put(&p, "abc", 3);			/* UDP header cut */
	assert_int_equal(verdict(&p), XDP_DROP);
	eth(&p, ETH_P_IPV6, 0);
	ip6(&p, "2001:db8:1::1", "2001:db8::1", 0, 8);
	put(&p, "\x11\x00\x00", 3);		/* extension header cut */
	assert_int_equal(verdict(&p), XDP_DROP);
	eth(&p, ETH_P_8021Q, 0);
	put16(&p, 7);				/* a VLAN tag cut short */
	p.n -= 1;
	assert_int_equal(verdict(&p), XDP_DROP);
	eth(&p, ETH_P_ARP, 0);			/* not IP: passes */
	put(&p, "arp-payload.....", 16);
	assert_int_equal(verdict(&p), XDP_PASS);
}


static void amplification_guard(void **st)
{
	struct shield_config cfg = get_config(), off;
	struct pb ntp = udp4("198.51.100.20", "192.0.2.1", 123, 40000);
	struct pb client = udp4("198.51.100.20", "192.0.2.1", 40000, 123);

	(void)st;
	off = cfg;
	assert_int_equal(verdict(&ntp), XDP_PASS);
	cfg.amp_guard = 1;
	set_config(&cfg);
	assert_int_equal(verdict(&ntp), XDP_DROP);	/* NTP reflection */
	assert_int_equal(verdict(&client), XDP_PASS);	/* a query out */
	prefix4(skel->maps.allow4, "198.51.100.20", 32);
	assert_int_equal(verdict(&ntp), XDP_PASS);	/* our NTP server */
	set_config(&off);
}

static void per_source_bucket(void **st)
{
	struct shield_config cfg = get_config(), off = cfg;
	struct pb a = udp4("198.51.100.30", "192.0.2.1", 1000, 80);
	struct pb b = udp4("198.51.100.31", "192.0.2.1", 1000, 80);

	(void)st;
	cfg.src_pps = 5;
	cfg.src_burst = 10;
	set_config(&cfg);
	assert_int_equal(verdict(&a), XDP_PASS);
	/* 100 more in well under a second: the bucket of 10 runs dry */
	assert_int_equal(verdict_n(&a, 100), XDP_DROP);
	assert_int_equal(verdict(&b), XDP_PASS);	/* another source */
	set_config(&off);
}

/* The program's bucket slots for an address (as src_take() hashes). */
static uint32_t slot(uint32_t x, uint32_t mul)
{
	return (x * mul) >> (32 - SHIELD_SRC_BITS);
}

static void innocent_beside_a_flooder(void **st)
{
	struct shield_config cfg = get_config(), off = cfg;
	struct pb flooder = udp4("198.51.100.60", "192.0.2.1", 1000, 80), inn;
	uint32_t x, y = 0, n;
	char text[32];

	(void)st;
	inet_pton(AF_INET, "198.51.100.60", &x);
	for (n = 0; n < (1u << 24); n++) { /* one slot shared, one not */
		y = htonl(0x0a000000u | n);
		if (slot(y, 0x9e3779b1u) == slot(x, 0x9e3779b1u) &&
		    slot(y, 0x85ebca77u) != slot(x, 0x85ebca77u))
			break;
	}
	assert_true(n < (1u << 24));
	inet_ntop(AF_INET, &y, text, sizeof(text));
	inn = udp4(text, "192.0.2.1", 1000, 80);
	cfg.src_pps = 5;
	cfg.src_burst = 10;
	set_config(&cfg);
	assert_int_equal(verdict_n(&flooder, 100), XDP_DROP);
	assert_int_equal(verdict_n(&inn, 5), XDP_PASS);
	set_config(&off);
}

static void v6_sources_share_their_64(void **st)
{
	struct shield_config cfg = get_config(), off = cfg;
	struct pb a, b, c;

	(void)st;
	eth(&a, ETH_P_IPV6, 0);
	ip6(&a, "2001:db8:77:1::1", "2001:db8::2", IPPROTO_UDP, 8);
	udp(&a, 1000, 80);
	eth(&b, ETH_P_IPV6, 0);
	ip6(&b, "2001:db8:77:1:ffff::2", "2001:db8::2", IPPROTO_UDP, 8);
	udp(&b, 1000, 80);
	eth(&c, ETH_P_IPV6, 0);
	ip6(&c, "2001:db8:77:2::1", "2001:db8::2", IPPROTO_UDP, 8);
	udp(&c, 1000, 80);
	cfg.src_pps = 5;
	cfg.src_burst = 10;
	set_config(&cfg);
	assert_int_equal(verdict_n(&a, 100), XDP_DROP);
	assert_int_equal(verdict(&b), XDP_DROP);	/* same /64 */
	assert_int_equal(verdict(&c), XDP_PASS);	/* another /64 */
	set_config(&off);
}

static void syn_budget(void **st)
{
	struct shield_config cfg = get_config(), off = cfg;
	struct pb syn, ack;

	(void)st;
	eth(&syn, ETH_P_IP, 0);
	ip4(&syn, "198.51.100.40", "192.0.2.50", IPPROTO_TCP, 20, 0);
	tcp(&syn, 40000, 443, 0x02);
	eth(&ack, ETH_P_IP, 0);
	ip4(&ack, "198.51.100.40", "192.0.2.50", IPPROTO_TCP, 20, 0);
	tcp(&ack, 40000, 443, 0x10);
	cfg.syn_pps = 5;
	cfg.syn_burst = 5;
	set_config(&cfg);
	assert_int_equal(verdict_n(&syn, 50), XDP_DROP);
	assert_int_equal(verdict_n(&ack, 50), XDP_PASS); /* not SYNs */
	set_config(&off);
}

static unsigned index_entries(void)
{
	struct shield_index_key k, next;
	int fd = bpf_map__fd(skel->maps.rule_index), have = 0;
	unsigned n = 0;

	while (bpf_map_get_next_key(fd, have ? &k : NULL, &next) == 0) {
		k = next;
		have = 1;
		n++;
	}
	return n;
}

/* A reload writes the generation not in force and flips to it: the new
 * rules and only their index entries are left. */
static void rule_reload_flips_generations(void **st)
{
	struct shield_rule a = { 0 }, b = { 0 };
	struct pb p1005 = udp4("198.51.100.70", "192.0.2.1", 1000, 1005);
	struct pb p2000 = udp4("198.51.100.70", "192.0.2.1", 1000, 2000);
	uint32_t gen = get_config().gen;
	int round;

	(void)st;
	a.proto = b.proto = IPPROTO_UDP;
	a.action = b.action = SHIELD_DROP;
	a.dport_lo = 1000;
	a.dport_hi = 1009;
	b.dport_lo = b.dport_hi = 2000;
	for (round = 0; round < 5; round++) {
		set_rules(&a, 1);
		assert_int_equal(index_entries(), 10);
		assert_int_equal(verdict(&p1005), XDP_DROP);
		assert_int_equal(verdict(&p2000), XDP_PASS);
		set_rules(&b, 1);
		assert_int_equal(index_entries(), 1);
		assert_int_equal(verdict(&p1005), XDP_PASS);
		assert_int_equal(verdict(&p2000), XDP_DROP);
	}
	assert_int_equal(get_config().gen, gen); /* ten flips */
	set_rules(&a, 0);
	assert_int_equal(index_entries(), 0);
}

static void rule_rate_limit(void **st)
{
	struct shield_rule r = { 0 };
	struct pb p = udp4("198.51.100.50", "192.0.2.1", 1000, 5353);

	(void)st;
	r.proto = IPPROTO_UDP;
	r.action = SHIELD_RATE;
	r.rate_pps = 3;
	r.dport_lo = r.dport_hi = 5353;
	set_rules(&r, 1);
	assert_int_equal(verdict_n(&p, 50), XDP_DROP);
	set_rules(&r, 0);
}

static int on_sample(void *ctx, void *data, size_t len)
{
	struct shield_sample *s = data, *out = ctx;

	if (len == sizeof(*s))
		*out = *s;
	return 0;
}

static void samples_reach_the_controller(void **st)
{
	struct shield_config cfg = get_config(), off = cfg;
	struct pb p = udp4("198.51.100.60", "192.0.2.9", 4321, 53);
	struct shield_sample got = { 0 };
	struct ring_buffer *rb;
	uint8_t src[4];

	(void)st;
	rb = ring_buffer__new(bpf_map__fd(skel->maps.samples), on_sample,
			      &got, NULL);
	assert_non_null(rb);
	ring_buffer__consume(rb); /* whatever earlier cases left */
	memset(&got, 0, sizeof(got));
	cfg.sample_every = 1;
	set_config(&cfg);
	verdict(&p);
	assert_true(ring_buffer__consume(rb) >= 1);
	inet_pton(AF_INET, "198.51.100.60", src);
	assert_int_equal(got.family, 4);
	assert_int_equal(got.sport, 4321);
	assert_int_equal(got.dport, 53);
	assert_memory_equal(got.src, src, 4);
	assert_int_equal(got.verdict, XDP_PASS);
	ring_buffer__free(rb);
	set_config(&off);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_pass),
		cmocka_unit_test(allow_beats_block),
		cmocka_unit_test(block_v6),
		cmocka_unit_test(vlan_tags),
		cmocka_unit_test(rule_ports_and_protocol),
		cmocka_unit_test(rule_tcp_flags_and_length),
		cmocka_unit_test(rule_order_and_pass),
		cmocka_unit_test(rules_by_destination),
		cmocka_unit_test(fragments),
		cmocka_unit_test(v6_extension_headers),
		cmocka_unit_test(malformed),
		cmocka_unit_test(amplification_guard),
		cmocka_unit_test(per_source_bucket),
		cmocka_unit_test(rule_reload_flips_generations),
		cmocka_unit_test(innocent_beside_a_flooder),
		cmocka_unit_test(v6_sources_share_their_64),
		cmocka_unit_test(syn_budget),
		cmocka_unit_test(rule_rate_limit),
		cmocka_unit_test(samples_reach_the_controller),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
