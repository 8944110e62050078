/*
 * stats.h -- what vigild tells about itself: the clamd STATS reply (the
 * shape clamdtop and exporters parse) and the Prometheus text.
 */
#ifndef VIGILD_STATS_H
#define VIGILD_STATS_H

#include <stddef.h>

#include "conn.h"
#include "svc.h"

/* The STATS reply into buf. */
void stats_clamd(const struct svc *s, char *buf, size_t len);
/* The Prometheus text, written to c. */
void stats_prometheus(const struct svc *s, struct conn *c);

#endif
