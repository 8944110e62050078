/*
 * svc.h -- what the parent offers its protocols (clamd, ICAP, metrics):
 * the configuration, the worker pool, the counters, the identity of the
 * database serving, and requests to the event loop (reload, stop), which
 * it carries out after the event that asked. The protocols see this, never
 * the server that owns it, so nothing calls back up into the loop.
 */
#ifndef VIGILD_SVC_H
#define VIGILD_SVC_H

#include <stdio.h>

#include "config.h"
#include "dbload.h"
#include "pool.h"
#include "counters.h"

struct svc {
	const struct vconf *conf;
	struct pool *pool;
	struct counters n;
	struct db_info db;	/* the database serving */
	double started_at;
	unsigned nclients;	/* clamd and ICAP connections open */
	char reload_why[64];	/* "": no reload asked for */
	int stop_asked;
};

/* Asks the loop to reload the database (why: for the log). */
static inline void svc_request_reload(struct svc *s, const char *why)
{
	snprintf(s->reload_why, sizeof(s->reload_why), "%s", why);
}

static inline void svc_request_stop(struct svc *s)
{
	s->stop_asked = 1;
}

#endif
