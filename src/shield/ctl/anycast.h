/*
 * anycast.h -- spreading over anycast scrubbing nodes: each node running
 * vigil-shield announces the same prefixes through its BIRD (`anycast
 * PREFIX@IFNAME`: routes via the tunnel that returns clean traffic to
 * the customer), and the upstream spreads flows over the nodes (ECMP).
 * A node whose load -- the packets a second its XDP program sees -- stays
 * over `anycast-capacity-pps` for two seconds withdraws its announcement
 * so that the others take its share, and announces again once it has
 * been under half that for `anycast-cool-down` seconds.
 */
#ifndef VIGIL_SHIELD_ANYCAST_H
#define VIGIL_SHIELD_ANYCAST_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "bird.h"
#include "prefix.h"

#define ANYCAST_MAX_PREFIXES 8u
#define ANYCAST_OVER_S 2.0		/* over capacity this long: withdraw */

struct anycast_cfg {
	struct bird_route route[ANYCAST_MAX_PREFIXES];
	unsigned n;
	uint64_t capacity_pps;		/* 0: never withdraws */
	uint32_t cool_s;
};

struct anycast {
	struct anycast_cfg cfg;
	int announced;
	double over_since, under_since, last_t, changed_at;
	uint64_t last_pkts, pps, peak_pps;
	uint64_t carried;		/* packets seen while announced */
	unsigned withdrawals, returns;
};

/* An `anycast PREFIX@IFNAME` line: 0, or -1 with the reason. */
int anycast_line(struct anycast_cfg *c, const char *v, char *err,
		 size_t errlen);
void anycast_init(struct anycast *a, const struct anycast_cfg *cfg,
		  double now);
/* Once a second, with the packets the XDP program has seen in all: 1 if
 * the announcement changed (the routes must be written again). */
int anycast_tick(struct anycast *a, uint64_t packets, double now);
/* The routes to announce now; how many (at most max). */
unsigned anycast_routes(const struct anycast *a, struct bird_route *out,
			unsigned max);

/* {"prefixes", "announced", "pps", ...}, or null when not configured;
 * a new reference. */
json_t *anycast_json(const struct anycast *a);

#endif
