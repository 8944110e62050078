/*
 * counters.c -- see counters.h.
 */
#include "counters.h"
#include "vigil/vigil.h"

const double counters_latency_bounds[COUNTERS_LATENCY_BUCKETS] = {
	0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60,
};

void counters_add_scan(struct counters *n, enum stats_via via,
			const struct wire_result *r, double seconds)
{
	unsigned i;

	n->scans++;
	n->by_interface[via]++;
	if (!r || r->rc < 0)
		n->errors++;
	else if (r->verdict == VIGIL_VERDICT_FOUND)
		n->found++;
	else if (r->verdict == VIGIL_VERDICT_LIMIT)
		n->limits++;
	else
		n->clean++;
	if (r)
		n->bytes += r->bytes;
	for (i = 0; i < COUNTERS_LATENCY_BUCKETS; i++)
		if (seconds <= counters_latency_bounds[i])
			n->latency_le[i]++;
	n->latency_sum += seconds;
}
