// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * shield.bpf.c -- vigil-shield's XDP data plane. Parses Ethernet (two
 * VLAN tags at most), IPv4 (options, fragments) and IPv6 (up to four
 * extension headers), TCP, UDP and ICMP, every read bounds-checked; then,
 * in order: the allowlist (pass), the blocklist (drop), the rules (first
 * match decides: pass, drop or a token bucket of its own; counted per
 * rule), the UDP amplification guard, the SYN budget per destination and
 * the token bucket per source; else pass. One header in sample_every goes
 * to the controller through a ring buffer. A packet whose IP headers are
 * cut short or inconsistent is dropped as malformed; what is not IP
 * passes.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/in6.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "shield.h"

#define VLAN_MAX 2
#define IPV6_EXT_MAX 4

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, SHIELD_MAX_PREFIXES);
	__type(key, struct shield_lpm4);
	__type(value, __u64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} allow4 SEC(".maps"), block4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, SHIELD_MAX_PREFIXES);
	__type(key, struct shield_lpm6);
	__type(value, __u64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} allow6 SEC(".maps"), block6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);		/* two generations */
	__type(key, __u32);
	__type(value, struct shield_ruleset);
} rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SHIELD_MAX_RULES);
	__type(key, __u32);
	__type(value, struct shield_hits);
} rule_hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SHIELD_MAX_INDEX);
	__type(key, struct shield_index_key);
	__type(value, __u64);
} rule_index SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct shield_config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SC_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* Buckets: per source address and per destination (SYNs), in arrays
 * indexed by a hash of the address (no hash-table lookup, no eviction);
 * per rule. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << SHIELD_SRC_BITS);
	__type(key, __u32);
	__type(value, struct shield_bucket);
} src_buckets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << SHIELD_SYN_BITS);
	__type(key, __u32);
	__type(value, struct shield_bucket);
} syn_buckets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SHIELD_MAX_RULES);
	__type(key, __u32);
	__type(value, struct shield_bucket);
} rule_buckets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} samples SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, SHIELD_MAX_ICS);
	__type(key, struct shield_ics_key);
	__type(value, struct shield_ics_policy);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} ics SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} sample_tick SEC(".maps");

/* What the parser found. */
struct pkt {
	__u8 family, proto, is_frag, has_l4, tcp_flags;
	__u16 sport, dport, len;
	__u16 pay_off;		/* TCP: its payload's offset in the packet */
	__u8 src[16], dst[16];
};

static __always_inline void count(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &which);

	if (v)
		*v += 1;
}

static __always_inline int parse_l4(void *p, void *end, struct pkt *k,
				    void *data)
{
	if (k->proto == IPPROTO_TCP) {
		struct tcphdr *t = p;

		if ((void *)(t + 1) > end)
			return -1;
		k->sport = bpf_ntohs(t->source);
		k->dport = bpf_ntohs(t->dest);
		k->tcp_flags = ((__u8 *)t)[13];
		k->pay_off = (__u16)((p - data) + t->doff * 4);
		k->has_l4 = 1;
	} else if (k->proto == IPPROTO_UDP) {
		struct udphdr *u = p;

		if ((void *)(u + 1) > end)
			return -1;
		k->sport = bpf_ntohs(u->source);
		k->dport = bpf_ntohs(u->dest);
		k->has_l4 = 1;
	}
	return 0;
}

static __always_inline int parse_v4(void *p, void *end, struct pkt *k,
				    void *data)
{
	struct iphdr *ip = p;
	__u32 hl;
	__u16 frag;

	if ((void *)(ip + 1) > end)
		return -1;
	hl = ip->ihl * 4;
	if (ip->version != 4 || hl < sizeof(*ip) || p + hl > end ||
	    bpf_ntohs(ip->tot_len) < hl)
		return -1;
	k->family = 4;
	k->proto = ip->protocol;
	k->len = bpf_ntohs(ip->tot_len);
	__builtin_memcpy(k->src, &ip->saddr, 4);
	__builtin_memcpy(k->dst, &ip->daddr, 4);
	frag = bpf_ntohs(ip->frag_off);
	k->is_frag = (frag & 0x3fff) != 0;	/* MF or an offset */
	if (frag & 0x1fff)
		return 0;			/* later fragment: no L4 */
	return parse_l4(p + hl, end, k, data);
}

static __always_inline int parse_v6(void *p, void *end, struct pkt *k,
				    void *data)
{
	struct ipv6hdr *ip = p;
	__u8 next;
	int i;

	if ((void *)(ip + 1) > end || ip->version != 6)
		return -1;
	k->family = 6;
	k->len = bpf_ntohs(ip->payload_len) + sizeof(*ip);
	__builtin_memcpy(k->src, &ip->saddr, 16);
	__builtin_memcpy(k->dst, &ip->daddr, 16);
	next = ip->nexthdr;
	p = ip + 1;
#pragma unroll
	for (i = 0; i < IPV6_EXT_MAX; i++) {
		__u8 *h = p;

		if (next != 0 && next != 43 && next != 44 && next != 60)
			break;
		if ((void *)(h + 8) > end)
			return -1;
		if (next == 44) {		/* fragment header */
			__u16 off = bpf_ntohs(*(__u16 *)(h + 2));

			k->is_frag = 1;
			next = h[0];
			if (off & 0xfff8) {	/* later fragment: no L4 */
				k->proto = next;
				return 0;
			}
			p = h + 8;
		} else {
			next = h[0];
			p = h + (h[1] + 1) * 8;
		}
	}
	k->proto = next;
	return parse_l4(p, end, k, data);
}

/* 1: passed to parse an IP packet, 0: not IP, -1: malformed */
static __always_inline int parse(struct xdp_md *ctx, struct pkt *k)
{
	void *p = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = p;
	__u16 type;
	int i;

	if ((void *)(eth + 1) > end)
		return -1;
	type = eth->h_proto;
	p = eth + 1;
#pragma unroll
	for (i = 0; i < VLAN_MAX; i++) {
		if (type != bpf_htons(ETH_P_8021Q) &&
		    type != bpf_htons(ETH_P_8021AD))
			break;
		if (p + 4 > end)
			return -1;
		type = *(__u16 *)(p + 2);
		p += 4;
	}
	if (type == bpf_htons(ETH_P_IP))
		return parse_v4(p, end, k, eth) < 0 ? -1 : 1;
	if (type == bpf_htons(ETH_P_IPV6))
		return parse_v6(p, end, k, eth) < 0 ? -1 : 1;
	return 0;
}

static __always_inline int listed(void *map4, void *map6,
				  const struct pkt *k)
{
	__u64 *hits;

	if (k->family == 4) {
		struct shield_lpm4 key = { 32, 0 };

		__builtin_memcpy(&key.addr, k->src, 4);
		hits = bpf_map_lookup_elem(map4, &key);
	} else {
		struct shield_lpm6 key = { 128 };

		__builtin_memcpy(key.addr, k->src, 16);
		hits = bpf_map_lookup_elem(map6, &key);
	}
	if (!hits)
		return 0;
	__sync_fetch_and_add(hits, 1);
	return 1;
}

/* The first len bits of a equal want's: a byte at a time, stopping at
 * the length (a /32 looks at 4 bytes, "any" at none). */
static __always_inline int prefix_match(const __u8 *a, const __u8 *want,
					__u8 len)
{
	int i;

#pragma unroll
	for (i = 0; i < 16; i++) {
		__u8 mask;

		if (len <= i * 8)
			return 1;
		mask = len - i * 8 >= 8 ? 0xff :
					  (__u8)(0xff << (8 - (len - i * 8)));
		if ((a[i] ^ want[i]) & mask)
			return 0;
	}
	return 1;
}

static __always_inline int in_range(__u16 v, __u16 lo, __u16 hi)
{
	return (!lo && !hi) || (v >= lo && v <= hi);
}

static __always_inline int rule_match(const struct shield_rule *r,
				      const struct pkt *k)
{
	if ((r->family && r->family != k->family) ||
	    (r->proto && r->proto != k->proto) ||
	    (r->fragment == 1 && !k->is_frag) ||
	    (r->fragment == 2 && k->is_frag) ||
	    !in_range(k->len, r->len_lo, r->len_hi))
		return 0;
	if ((r->sport_lo || r->sport_hi || r->dport_lo || r->dport_hi ||
	     r->tcp_flags_mask) && !k->has_l4)
		return 0;
	if (!in_range(k->sport, r->sport_lo, r->sport_hi) ||
	    !in_range(k->dport, r->dport_lo, r->dport_hi) ||
	    (k->tcp_flags & r->tcp_flags_mask) != r->tcp_flags_value)
		return 0;
	return prefix_match(k->dst, r->dst, r->dst_len) &&
	       prefix_match(k->src, r->src, r->src_len);
}

/* Takes a token from b (rate a second, burst at most); 0: none left.
 * An idle bucket (or a new one, all zero) refills to the full burst. */
static __always_inline int take(struct shield_bucket *b, __u32 rate,
				__u32 burst, __u64 now)
{
	__u64 cap = (__u64)(burst ? burst : rate) * 1000000;
	__u64 idle = now - b->last_ns, t;

	if (idle > 10000000000ull) /* ten seconds fill any bucket */
		idle = 10000000000ull;
	t = b->tokens_u + idle / 1000 * rate;
	b->last_ns = now;
	if (t > cap)
		t = cap;
	if (t < 1000000) {
		b->tokens_u = t;
		return 0;
	}
	b->tokens_u = t - 1000000;
	return 1;
}

/* An address folded to 32 bits: IPv4 whole, IPv6 by its /64 (a host
 * picks its interface identifier freely; its /64 is what it has). */
static __always_inline __u32 fold(const __u8 *a, __u8 family)
{
	__u32 w0, w1;

	__builtin_memcpy(&w0, a, 4);
	if (family == 4)
		return w0;
	__builtin_memcpy(&w1, a + 4, 4);
	return w0 ^ (w1 << 16 | w1 >> 16) ^ 0x6a09e667;
}

/* The source's token bucket, hashed two ways: a source is over its budget
 * only when both of its buckets are empty, so an innocent sharing one
 * with a flooder still passes on the other. A flooder gets between the
 * rate and twice it. */
static __always_inline int src_take(const struct pkt *k, __u32 rate,
				    __u32 burst, __u64 now)
{
	__u32 x = fold(k->src, k->family);
	__u32 i1 = (x * 0x9e3779b1u) >> (32 - SHIELD_SRC_BITS);
	__u32 i2 = (x * 0x85ebca77u) >> (32 - SHIELD_SRC_BITS);
	struct shield_bucket *b1 = bpf_map_lookup_elem(&src_buckets, &i1);
	struct shield_bucket *b2 = bpf_map_lookup_elem(&src_buckets, &i2);

	if (!b1 || !b2)
		return 1;
	return take(b1, rate, burst, now) | take(b2, rate, burst, now);
}

/* The destination's SYN budget (our own few addresses: one way). */
static __always_inline int syn_take(const struct pkt *k, __u32 rate,
				    __u32 burst, __u64 now)
{
	__u32 i = (fold(k->dst, k->family) * 0x9e3779b1u) >>
		  (32 - SHIELD_SYN_BITS);
	struct shield_bucket *b = bpf_map_lookup_elem(&syn_buckets, &i);

	return b ? take(b, rate, burst, now) : 1;
}

struct rule_walk {
	const struct pkt *k;
	const struct shield_ruleset *rs;
};

/* What a walk has left and found, kept in a map value rather than on the
 * stack, so that the verifier does not follow every mask it could take. */
struct walk_state {
	__u64 mask;		/* candidates not yet tried */
	__s32 hit;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct walk_state);
} walk SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 2 * SHIELD_MAX_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct shield_dst_key);
	__type(value, __u64);
} rule_dst SEC(".maps");

/* The index of the lowest bit set in a non-zero mask. */
static __always_inline __u32 lowest_bit(__u64 m)
{
	__u32 i = 0;

	if (!(m & 0xffffffffull)) { m >>= 32; i += 32; }
	if (!(m & 0xffff)) { m >>= 16; i += 16; }
	if (!(m & 0xff)) { m >>= 8; i += 8; }
	if (!(m & 0xf)) { m >>= 4; i += 4; }
	if (!(m & 0x3)) { m >>= 2; i += 2; }
	if (!(m & 0x1))
		i += 1;
	return i;
}

/* One step of bpf_loop(): the next candidate; 1 stops. */
static long rule_step(__u32 n, void *arg)
{
	struct rule_walk *w = arg;
	struct walk_state *ws;
	__u32 zero = 0, i;

	(void)n;
	if (!(ws = bpf_map_lookup_elem(&walk, &zero)) || !ws->mask)
		return 1;
	i = lowest_bit(ws->mask);
	ws->mask &= ws->mask - 1;
	if (i >= SHIELD_MAX_RULES || !rule_match(&w->rs->r[i], w->k))
		return 0;
	ws->hit = (__s32)i;
	return 1;
}

/* The rules that may match: those indexed by the packet's protocol and
 * destination port, and the wildcard ones. */
static __always_inline __u64 candidates(const struct pkt *k,
					const struct shield_ruleset *rs,
					__u32 gen)
{
	struct shield_index_key key = { k->proto, (__u8)gen, k->dport };
	__u64 mask = rs->wildcard, *v;

	if (k->has_l4 && (v = bpf_map_lookup_elem(&rule_index, &key)))
		mask |= *v;
	if (rs->has_dst) {
		struct shield_dst_key dk = {
			SHIELD_DST_KEY_BITS + (k->family == 4 ? 32 : 128),
			(__u8)gen, k->family };

		__builtin_memcpy(dk.addr, k->dst, 16);
		v = bpf_map_lookup_elem(&rule_dst, &dk);
		mask &= rs->any_dst | (v ? *v : 0);
	}
	if (rs->nrules < SHIELD_MAX_RULES)
		mask &= (1ull << rs->nrules) - 1;
	return mask;
}

/* The first rule that matches (a rate rule: pass, or SHIELD_RATE when its
 * bucket is empty and the packet is dropped), or -1. The rules are one map value (replaced whole), and only the
 * candidates are tried, in order. */
static __always_inline int rules_verdict(const struct pkt *k, __u32 bytes,
					 const struct shield_config *cfg)
{
	struct rule_walk w = { k, NULL };
	const struct shield_rule *r;
	struct shield_bucket *b;
	struct shield_hits *h;
	struct walk_state *ws;
	__u32 zero = 0, gen = cfg->gen & 1, i;
	__u64 mask;

	if (!(w.rs = bpf_map_lookup_elem(&rules, &gen)) || !w.rs->nrules ||
	    !(mask = candidates(k, w.rs, gen)) ||
	    !(ws = bpf_map_lookup_elem(&walk, &zero)))
		return -1;
	ws->mask = mask;
	ws->hit = -1;
	bpf_loop(SHIELD_MAX_RULES, rule_step, &w, 0);
	if (ws->hit < 0 || ws->hit >= SHIELD_MAX_RULES)
		return -1;
	i = (__u32)ws->hit;
	r = &w.rs->r[i];
	if ((h = bpf_map_lookup_elem(&rule_hits, &i))) {
		h->packets += 1;
		h->bytes += bytes;
	}
	if (r->action != SHIELD_RATE)
		return r->action;
	b = bpf_map_lookup_elem(&rule_buckets, &i);
	if (b && !take(b, r->rate_pps, r->rate_pps,
		       bpf_ktime_get_coarse_ns()))
		return SHIELD_RATE; /* dropped by its rate: counted apart */
	return SHIELD_PASS;
}

static __always_inline int amplifier_port(__u16 port)
{
	static const __u16 ports[] = { SHIELD_AMP_PORTS };
	int i;

#pragma unroll
	for (i = 0; i < (int)(sizeof(ports) / sizeof(ports[0])); i++)
		if (port == ports[i])
			return 1;
	return 0;
}

/* The guards after the rules: amplification, SYN budget, per source. */
static __always_inline int guards(const struct pkt *k,
				  const struct shield_config *cfg)
{
	if (cfg->amp_guard && k->proto == IPPROTO_UDP && k->has_l4 &&
	    amplifier_port(k->sport)) {
		count(SC_AMP_DROPPED);
		return XDP_DROP;
	}
	if (cfg->syn_pps && k->proto == IPPROTO_TCP && k->has_l4 &&
	    (k->tcp_flags & 0x12) == 0x02 &&
	    !syn_take(k, cfg->syn_pps, cfg->syn_burst,
		      bpf_ktime_get_coarse_ns())) {
		count(SC_SYN_DROPPED);
		return XDP_DROP;
	}
	if (cfg->src_pps && !src_take(k, cfg->src_pps, cfg->src_burst,
				      bpf_ktime_get_coarse_ns())) {
		count(SC_SRC_DROPPED);
		return XDP_DROP;
	}
	return XDP_PASS;
}

/* One header in sample_every to the controller. */
static __always_inline void sample(const struct pkt *k,
				   const struct shield_config *cfg, int verdict)
{
	struct shield_sample *s;
	__u32 zero = 0, *tick;

	if (!cfg->sample_every ||
	    !(tick = bpf_map_lookup_elem(&sample_tick, &zero)) ||
	    ++*tick < cfg->sample_every)
		return;
	*tick = 0;
	if (!(s = bpf_ringbuf_reserve(&samples, sizeof(*s), 0)))
		return;
	s->family = k->family;
	s->proto = k->proto;
	s->tcp_flags = k->tcp_flags;
	s->verdict = (__u8)verdict;
	s->sport = k->sport;
	s->dport = k->dport;
	s->len = k->len;
	s->pad = 0;
	__builtin_memcpy(s->src, k->src, 16);
	__builtin_memcpy(s->dst, k->dst, 16);
	bpf_ringbuf_submit(s, 0);
}

/* Whether a Modbus function touches registers or coils at an address
 * (and how many, from the request's next two bytes). */
static __always_inline int modbus_addressed(__u8 fc)
{
	return (fc >= 1 && fc <= 6) || fc == 15 || fc == 16;
}

/* The request's first register and last (by its quantity). */
static __always_inline int modbus_in_range(const __u8 *m,
					   const struct shield_ics_policy *pol,
					   __u8 fc)
{
	__u32 addr = (__u32)m[8] << 8 | m[9], qty = (__u32)m[10] << 8 | m[11];

	if (fc == 5 || fc == 6 || qty == 0) /* one coil or register */
		qty = 1;
	return addr >= pol->reg_lo && addr + qty - 1 <= pol->reg_hi;
}

static __always_inline int allowed(const __u8 *bits, __u8 v)
{
	return bits[(v >> 3) & 31] & (1 << (v & 7));
}

static __always_inline int ics_in_range(const struct shield_ics_policy *pol,
					__u32 lo, __u32 hi)
{
	return lo >= pol->reg_lo && hi <= pol->reg_hi && lo <= hi;
}

/* Modbus/TCP: MBAP header (protocol id 0), function, address, quantity. */
static __always_inline int modbus_drop(const __u8 *m, void *end,
				       const struct shield_ics_policy *pol,
				       __u8 *fc)
{
	if ((void *)(m + 8) > end || m[2] || m[3])
		return 1;
	*fc = m[7];
	if (!allowed(pol->fc, *fc))
		return 1;
	if (!modbus_addressed(*fc))
		return 0;
	return (void *)(m + 12) > end || !modbus_in_range(m, pol, *fc);
}

/* DNP3 over TCP: link header 05 64 (and its CRC), the transport octet
 * (a first fragment), the application function, then the first object
 * header: its group, and a start-stop range (qualifiers 0 and 1). */
static __always_inline int dnp3_drop(const __u8 *m, void *end,
				     const struct shield_ics_policy *pol,
				     __u8 *fc)
{
	__u32 lo, hi;

	if ((void *)(m + 13) > end || m[0] != 0x05 || m[1] != 0x64 ||
	    !(m[10] & 0x40))
		return 1;
	*fc = m[12];
	if (!allowed(pol->fc, *fc))
		return 1;
	if ((void *)(m + 16) > end)
		return 0; /* no object header */
	if (!allowed(pol->groups, m[13]))
		return 1;
	if (m[15] == 0x00 && (void *)(m + 18) <= end)
		return !ics_in_range(pol, m[16], m[17]);
	if (m[15] == 0x01 && (void *)(m + 20) <= end) {
		lo = m[16] | (__u32)m[17] << 8;
		hi = m[18] | (__u32)m[19] << 8;
		return !ics_in_range(pol, lo, hi);
	}
	return pol->reg_lo != 0 || pol->reg_hi != 0xffff;
}

/* IEC 60870-5-104: APCI 68 len; an I-format frame's ASDU: its type
 * identification and first information object address. S and U frames
 * (acknowledgements, STARTDT, TESTFR) pass. */
static __always_inline int iec104_drop(const __u8 *m, void *end,
				       const struct shield_ics_policy *pol,
				       __u8 *fc)
{
	__u32 ioa;

	if ((void *)(m + 3) > end || m[0] != 0x68)
		return 1;
	if (m[2] & 1)
		return 0;
	if ((void *)(m + 7) > end)
		return 1;
	*fc = m[6];
	if (!allowed(pol->fc, *fc))
		return 1;
	if ((void *)(m + 15) > end)
		return pol->reg_lo != 0 || pol->reg_hi != 0xffff;
	ioa = m[12] | (__u32)m[13] << 8 | (__u32)m[14] << 16;
	return !ics_in_range(pol, ioa, ioa);
}

/*
 * The first application unit of a segment to a protected server (the
 * policy of its client's range): 1 to drop it (not its protocol, cut
 * short, a function or an address the policy does not allow), with its
 * function code in *fc; 0 to go on. Segments without payload (the
 * handshake, ACKs) go on.
 */
static __always_inline int ics_unit_drop(struct xdp_md *ctx,
					 const struct pkt *k, __u8 *fc,
					 __u8 *proto)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct shield_ics_key key = { SHIELD_ICS_KEY_BITS + 128 };
	struct shield_ics_policy *pol;
	__u8 *m;
	__u32 off = k->pay_off;

	*fc = 0;
	if (k->proto != IPPROTO_TCP || !k->has_l4)
		return 0;
	key.port[0] = (__u8)(k->dport >> 8);
	key.port[1] = (__u8)k->dport;
	key.family = k->family;
	if (k->family == 4) {
		__builtin_memcpy(key.server, k->dst, 4);
		__builtin_memcpy(key.client, k->src, 4);
	} else {
		__builtin_memcpy(key.server, k->dst, 16);
		__builtin_memcpy(key.client, k->src, 16);
	}
	pol = bpf_map_lookup_elem(&ics, &key);
	if (!pol || pol->port != k->dport || off > 1600)
		return 0;
	m = data + off;
	if ((void *)(m + 1) > end)
		return 0;
	*proto = pol->proto;
	if (pol->proto == ICS_DNP3)
		return dnp3_drop(m, end, pol, fc);
	if (pol->proto == ICS_IEC104)
		return iec104_drop(m, end, pol, fc);
	return modbus_drop(m, end, pol, fc);
}

/* As ics_unit_drop(); what was refused into *what: the function code,
 * and the protocol above it (SHIELD_SAMPLE_ICS's pad). */
static __always_inline int ics_drop(struct xdp_md *ctx, const struct pkt *k,
				    __u16 *what)
{
	__u8 fc = 0, proto = ICS_MODBUS;
	int drop = ics_unit_drop(ctx, k, &fc, &proto);

	*what = (__u16)(fc | proto << 8);
	return drop;
}

/* Every dropped request to the controller: its attack record. */
static __always_inline void ics_report(const struct pkt *k, __u16 what)
{
	struct shield_sample *s = bpf_ringbuf_reserve(&samples, sizeof(*s),
						      0);

	if (!s)
		return;
	s->family = k->family;
	s->proto = k->proto;
	s->tcp_flags = k->tcp_flags;
	s->verdict = SHIELD_SAMPLE_ICS;
	s->sport = k->sport;
	s->dport = k->dport;
	s->len = k->len;
	s->pad = what;
	__builtin_memcpy(s->src, k->src, 16);
	__builtin_memcpy(s->dst, k->dst, 16);
	bpf_ringbuf_submit(s, 0);
}

static __always_inline int decide(struct xdp_md *ctx, const struct pkt *k,
				  const struct shield_config *cfg)
{
	__u16 what;

	int action;

	if (listed(&allow4, &allow6, k)) {
		count(SC_ALLOWED);
		return XDP_PASS;
	}
	if (listed(&block4, &block6, k)) {
		count(SC_BLOCKED);
		return XDP_DROP;
	}
	if (cfg->ics && ics_drop(ctx, k, &what)) {
		count(SC_ICS_DROPPED);
		ics_report(k, what);
		return XDP_DROP;
	}
	action = rules_verdict(k, ctx->data_end - ctx->data, cfg);
	if (action == SHIELD_DROP || action == SHIELD_RATE) {
		/* one counter a packet: their sum is the packets seen */
		count(action == SHIELD_RATE ? SC_RULE_RATE_DROPPED :
					      SC_RULE_DROPPED);
		return XDP_DROP;
	}
	if (action == SHIELD_PASS) {
		count(SC_RULE_PASSED);
		return XDP_PASS;
	}
	if (guards(k, cfg) == XDP_DROP)
		return XDP_DROP;
	count(SC_PASSED);
	return XDP_PASS;
}

/* For libxdp's dispatcher: run before other programs (the default
 * priority is 50), and let them see what this one passes. */
struct {
	__uint(priority, 10);
	__uint(XDP_PASS, 1);
} _shield SEC(".xdp_run_config");

SEC("xdp")
int shield(struct xdp_md *ctx)
{
	struct shield_config *cfg;
	struct pkt k = {};
	__u32 zero = 0;
	int rc = parse(ctx, &k), verdict;

	if (rc < 0) {
		count(SC_MALFORMED);
		return XDP_DROP;
	}
	if (rc == 0 || !(cfg = bpf_map_lookup_elem(&config, &zero))) {
		count(SC_NOT_IP);
		return XDP_PASS;
	}
	verdict = decide(ctx, &k, cfg);
	sample(&k, cfg, verdict);
	return verdict;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
