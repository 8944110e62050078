/*
 * counters.h -- what vigild counts: scans by outcome and interface, bytes,
 * a latency histogram, reloads, refusals, connections. The protocols add
 * to them; stats.c reports them.
 */
#ifndef VIGILD_COUNTERS_H
#define VIGILD_COUNTERS_H

#include <stdint.h>

#include "wire.h"

/* Scan latency histogram bounds, seconds (Prometheus buckets). */
#define COUNTERS_LATENCY_BUCKETS 10

extern const double counters_latency_bounds[COUNTERS_LATENCY_BUCKETS];

/* Where a scan came from. */
enum stats_via { VIA_CLAMD, VIA_ICAP, VIA_HTTP };

struct counters {
	uint64_t scans, found, clean, errors, limits;
	uint64_t bytes;
	uint64_t by_interface[3];	/* enum stats_via */
	uint64_t latency_le[COUNTERS_LATENCY_BUCKETS];
	double latency_sum;
	uint64_t reloads_ok, reloads_failed;
	uint64_t instream_limit, conn_refused, queue_refused;
	uint64_t mem_refused;	/* past StreamMemoryLimit */
	uint64_t connections;
};

/* One scan's outcome (r NULL: it failed before a worker answered). */
void counters_add_scan(struct counters *n, enum stats_via via,
			const struct wire_result *r, double seconds);

#endif
