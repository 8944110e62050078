/*
 * detect.h -- flood detection from the XDP program's header samples:
 * per destination, packets, UDP packets and SYNs a second (the sampled
 * counts scaled by the sampling rate) against thresholds; an attack
 * starts when one is exceeded, and ends when the rate has stayed below
 * it for the hold-down time. Active attacks become local XDP rules.
 */
#ifndef VIGIL_SHIELD_DETECT_H
#define VIGIL_SHIELD_DETECT_H

#include <stdint.h>
#include <stdio.h>

#include "shield.h"

#define DETECT_MAX_DESTS 4096	/* destinations counted in one second */
#define DETECT_MAX_ATTACKS 64	/* attacks remembered (active or ended) */

enum vector { V_PPS, V_UDP, V_SYN, V_COUNT };

struct detect_cfg {
	uint32_t sample_every;		/* as the XDP program samples */
	uint64_t threshold[V_COUNT];	/* packets a second; 0: off */
	uint32_t hold_down_s;
};

struct dst_count {
	uint8_t family, addr[16];
	uint64_t n[V_COUNT];
};

struct attack {
	uint8_t family, addr[16];
	enum vector vector;
	int active;
	double start, end, last_over;
	uint64_t peak_pps;
};

struct detector {
	struct detect_cfg cfg;
	struct dst_count dst[DETECT_MAX_DESTS];
	unsigned ndst;
	struct attack attacks[DETECT_MAX_ATTACKS];
	unsigned nattacks;
	double window_start;
};

void detect_init(struct detector *d, double now);
void detect_sample(struct detector *d, const struct shield_sample *s);
/* Ends the one-second window if it is over: 1 if attacks started or
 * ended (the rules must be replaced), else 0. */
int detect_tick(struct detector *d, double now);
/* The mitigation rules of the active attacks; how many. */
unsigned detect_rules(const struct detector *d, struct shield_rule *out,
		      unsigned max);
void detect_json(const struct detector *d, FILE *out);

#endif
