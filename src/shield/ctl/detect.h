/*
 * detect.h -- flood detection from the XDP program's header samples.
 *
 * Per destination and one-second window: packets, bits, UDP packets and
 * bits, TCP packets, SYNs and ICMP packets (the sampled counts scaled by
 * the sampling rate), against hard thresholds and against a learned
 * baseline (an exponentially weighted mean of the destination's packet
 * rate over quiet windows). An attack is one destination: it starts when
 * a vector is over, goes on while any is, and ends when none has been
 * for the hold-down time. While it is active its samples feed heavy
 * hitters (sources, source and destination ports, lengths, protocols)
 * that narrow its rules and fill its report.
 *
 * A protected prefix is also judged whole, against prefix thresholds: a
 * flood spread thinly over many addresses ("carpet bombing"), each under
 * its own threshold, is an attack on the prefix.
 */
#ifndef VIGIL_SHIELD_DETECT_H
#define VIGIL_SHIELD_DETECT_H

#include <stdint.h>
#include <stdio.h>

#include "prefix.h"
#include "shield.h"
#include "topk.h"

#define DETECT_MAX_DESTS 4096	/* destinations counted in one second */
#define DETECT_MAX_ATTACKS 64	/* attacks remembered (active or ended) */
#define DETECT_HASH 8192	/* slots of the address indexes (2 x dests) */
#define DETECT_MAX_PROTECTED 64 /* protected prefixes */
#define DETECT_RECENT 4096	/* samples of the window kept: a new attack's
				 * heavy hitters start from them */

enum vector {
	V_PPS, V_BPS, V_UDP, V_UDP_BPS, V_TCP, V_SYN, V_ICMP, V_BASELINE,
	V_COUNT
};

extern const char *const vector_names[V_COUNT];

struct detect_cfg {
	uint32_t sample_every;		/* as the XDP program samples */
	uint64_t threshold[V_COUNT];	/* a second (bits for *_BPS); 0: off */
	uint32_t hold_down_s;
	double baseline_factor;		/* over this times the mean: attack */
	uint64_t baseline_min_pps;	/* ... and over this rate */
	uint32_t baseline_warmup;	/* windows before the mean counts */
	struct prefix protect[DETECT_MAX_PROTECTED]; /* none: every address */
	unsigned nprotect;
	uint64_t prefix_pps, prefix_bps; /* a protected prefix's whole; 0: off */
};

struct dst_count {
	uint8_t family, addr[16];
	uint64_t n[V_COUNT];
};

/* A destination's usual packet rate, learned outside attacks. */
struct baseline {
	uint8_t family, addr[16];
	double mean_pps;
	uint32_t windows;
	double last;
};

struct attack {
	uint32_t id;			/* 1, 2, ... in this daemon's life */
	uint8_t family, addr[16];
	uint8_t plen;			/* 32 or 128: a host; less: a prefix */
	uint32_t vectors;		/* bit per vector ever over */
	uint32_t over;			/* ... over in the last window */
	int active;
	double start, end, last_over;
	uint64_t peak[V_COUNT];		/* the highest rate of each vector */
	uint64_t baseline_pps;		/* the mean when it started */
	struct topk src, sport, dport, len, proto;
	uint16_t sig_sport, sig_dport;	/* a dominant port, or 0 */
	uint8_t sig_proto;		/* a dominant protocol, or 0 */
	/* what was done (0: not), by mitigate.c */
	double t_rule, t_flowspec, t_rtbh, t_withdrawn;
	unsigned logged;		/* events written to the log, a bit each */
};

struct detector {
	struct detect_cfg cfg;
	struct dst_count dst[DETECT_MAX_DESTS];
	unsigned ndst;
	struct dst_count prefix[DETECT_MAX_PROTECTED]; /* the window, a prefix */
	struct baseline base[DETECT_MAX_DESTS];
	unsigned nbase;
	/* open-addressing indexes of dst[] and base[]: position + 1, 0 free */
	uint16_t dst_slot[DETECT_HASH], base_slot[DETECT_HASH];
	struct attack attacks[DETECT_MAX_ATTACKS];
	unsigned nattacks;
	uint32_t next_id;
	struct shield_sample recent[DETECT_RECENT];
	unsigned nrecent;
	double window_start;
	uint64_t samples, uncounted;	/* ...: no room in the window */
};

void detect_init(struct detector *d, double now);
void detect_sample(struct detector *d, const struct shield_sample *s);
/* Ends the one-second window if it is over: 1 if attacks started,
 * changed or ended (the rules must be replaced), else 0. */
int detect_tick(struct detector *d, double now);
/* The local rules of the active attacks; how many. */
unsigned detect_rules(const struct detector *d, struct shield_rule *out,
		      unsigned max);
/* The highest current-or-peak packet rate of an attack. */
uint64_t attack_pps(const struct attack *a);
/* 1 if the attack is on a prefix rather than one address. */
int attack_on_prefix(const struct attack *a);
/* "192.0.2.7", or "192.0.2.0/24" for a prefix. */
void attack_target(const struct attack *a, char *out, size_t len);

#endif
