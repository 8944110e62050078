/*
 * shield.h -- what the XDP program and its controller share: the map
 * keys and values, a rule's fields and the counters. Fixed-size types
 * only; the layout is the interface.
 */
#ifndef VIGIL_SHIELD_H
#define VIGIL_SHIELD_H

#include <linux/types.h>

#define SHIELD_MAX_RULES 64
#define SHIELD_MAX_PREFIXES 65536
#define SHIELD_SRC_BITS 18	/* 2^18 source buckets (hashed) */
#define SHIELD_SYN_BITS 12	/* 2^12 destination SYN buckets */

/* A prefix as LPM trie keys want it. */
struct shield_lpm4 {
	__u32 prefixlen;
	__u32 addr;		/* network order */
};

struct shield_lpm6 {
	__u32 prefixlen;
	__u8 addr[16];
};

enum shield_action { SHIELD_PASS = 1, SHIELD_DROP = 2, SHIELD_RATE = 3 };

/* A FlowSpec-shaped rule (RFC 8955/8956 components); 0 fields match all. */
struct shield_rule {
	__u8 family;		/* 4, 6, or 0 for either */
	__u8 proto;		/* IP protocol, 0: any */
	__u8 action;		/* enum shield_action */
	__u8 fragment;		/* 0 any, 1 fragments only, 2 no fragments */
	__u8 tcp_flags_mask, tcp_flags_value;
	__u8 src_len, dst_len;	/* prefix lengths; 0: any address */
	__u16 sport_lo, sport_hi, dport_lo, dport_hi; /* 0,0: any */
	__u16 len_lo, len_hi;	/* IP packet length; 0,0: any */
	__u8 src[16], dst[16];	/* v4 in the first 4 bytes, network order */
	__u32 rate_pps;		/* SHIELD_RATE: packets a second allowed */
};

/* A token bucket: tokens in millionths, refilled by time. */
struct shield_bucket {
	__u64 tokens_u;
	__u64 last_ns;
};

/* Source ports of UDP reflection/amplification (chargen, DNS, NTP, SNMP,
 * CLDAP, SSDP, WS-Discovery, memcached) checked by the guard. */
#define SHIELD_AMP_PORTS 19, 53, 123, 161, 389, 1900, 3702, 11211

/* A packet header sent to the controller (1 in sample_every). */
struct shield_sample {
	__u8 family, proto, tcp_flags, verdict;
	__u16 sport, dport, len, pad;
	__u8 src[16], dst[16];
};

/* Every rule, replaced as a whole. There are two generations (the rules
 * map's keys 0 and 1, and the index keys' gen): the controller writes the
 * one not in use, then flips shield_config.gen, so a packet sees the old
 * rules and index or the new ones, never a mix. */
struct shield_ruleset {
	__u64 wildcard;		/* rules checked for every packet */
	__u32 nrules;
	__u32 has_dst;		/* some rule names a destination */
	__u64 any_dst;		/* the rules that do not */
	struct shield_rule r[SHIELD_MAX_RULES];
};

/* The rules that name a destination, found by it: a longest-prefix
 * match on (generation, family, destination) gives the rules whose
 * destination prefix holds the packet's (each entry's mask includes the
 * rules of the prefixes around it), so the program does not try the
 * rules for other hosts one by one. prefixlen counts 16 bits of gen and
 * family before the address. */
struct shield_dst_key {
	__u32 prefixlen;
	__u8 gen, family;
	__u8 addr[16];
};

#define SHIELD_DST_KEY_BITS 16

/* Which rules may match a packet to this protocol and destination
 * port: a bit each. Rules without an index entry are in the wildcard. */
struct shield_index_key {
	__u8 proto;
	__u8 gen;		/* the rule set's generation */
	__u16 dport;		/* host order */
};

#define SHIELD_INDEX_MAX_PORTS 64 /* a wider port range is a wildcard */
#define SHIELD_MAX_INDEX 16384

struct shield_config {
	__u32 gen;			/* the rule set in force: 0 or 1 */
	__u32 src_pps, src_burst;	/* per-source bucket; 0: off */
	__u32 syn_pps, syn_burst;	/* SYNs per destination; 0: off */
	__u32 amp_guard;		/* drop UDP from amplifier ports */
	__u32 sample_every;		/* 0: no samples */
	__u32 ics;			/* industrial-protocol policies in the
					 * ics map: 0 skips their lookup */
};

/* Per-CPU counters, summed by the controller; every packet lands in
 * exactly one of them (their sum is the packets seen). */
enum shield_counter {
	SC_PASSED, SC_ALLOWED, SC_BLOCKED, SC_RULE_DROPPED,
	SC_RULE_PASSED, SC_MALFORMED, SC_NOT_IP, SC_AMP_DROPPED,
	SC_SYN_DROPPED, SC_SRC_DROPPED, SC_RULE_RATE_DROPPED,
	SC_ICS_DROPPED, SC_COUNT
};

/*
 * Industrial-protocol policies for protected servers (ctl/ics.c): Modbus/TCP,
 * DNP3 over TCP and IEC 60870-5-104. The key is the server's port, the
 * family and the server's address, then a client prefix (an LPM trie over
 * them: prefixlen SHIELD_ICS_KEY_BITS + the client's length), so the
 * longest match is the policy of the most specific client range; a server
 * port without any entry is not protected. IPv4 addresses take the first
 * 4 bytes of their fields, the rest zero.
 */
#define SHIELD_MAX_ICS 1024
#define SHIELD_ICS_KEY_BITS (8 * (2 + 1 + 16))

struct shield_ics_key {
	__u32 prefixlen;	/* SHIELD_ICS_KEY_BITS + the client's length */
	__u8 port[2];		/* the server's port, network order */
	__u8 family;		/* 4 or 6 */
	__u8 server[16];	/* network order */
	__u8 client[16];
};

enum shield_ics_proto { ICS_MODBUS = 1, ICS_DNP3 = 2, ICS_IEC104 = 3 };

struct shield_ics_policy {
	__u8 fc[32];		/* function codes (Modbus, DNP3's application
				 * layer) or type identifications (IEC 104)
				 * allowed, a bit each */
	__u8 groups[32];	/* DNP3: object groups allowed */
	__u16 port;		/* the server's port (host order) */
	__u16 reg_lo, reg_hi;	/* registers, points or information object
				 * addresses a request may touch */
	__u8 proto;		/* enum shield_ics_proto */
	__u8 pad;
};

/* shield_sample.verdict of a request dropped by its server's policy (sent
 * for every one, not sampled): pad holds its function code (or IEC 104
 * type) in the low byte, enum shield_ics_proto in the high one. */
#define SHIELD_SAMPLE_ICS 0x80

struct shield_hits {
	__u64 packets, bytes;
};

#endif
