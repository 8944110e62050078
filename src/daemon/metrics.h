/*
 * metrics.h -- the Prometheus endpoint: "GET /metrics" on MetricsPort,
 * answered with the counters (stats.h) and closed.
 */
#ifndef VIGILD_METRICS_H
#define VIGILD_METRICS_H

#include "conn.h"

extern const struct conn_ops metrics_ops;

#endif
