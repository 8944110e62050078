/*
 * svc.h -- what the parent offers its protocols (clamd, ICAP, metrics):
 * the configuration, the worker pool, the counters, the identity of the
 * database serving, and requests to the event loop (reload, stop), which
 * it carries out after the event that asked. The protocols see this, never
 * the server that owns it, so nothing calls back up into the loop.
 */
#ifndef VIGILD_SVC_H
#define VIGILD_SVC_H

#include <stdint.h>
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
	uint64_t mem_held;	/* client data in memory files: see svc_mem_take */
	char reload_why[64];	/* "": no reload asked for */
	int stop_asked;
};

/* Asks the loop to reload the database (why: for the log). */
static inline void svc_request_reload(struct svc *s, const char *why)
{
	snprintf(s->reload_why, sizeof(s->reload_why), "%s", why);
}

/*
 * Client data held in memory until its scan ends (INSTREAM, FILDES of a
 * pipe, ICAP bodies) is charged here against StreamMemoryLimit, so that
 * many slow clients cannot fill the machine's memory between them. 0, or
 * -1 (counted) if n more bytes do not fit; the caller then refuses.
 */
static inline int svc_mem_take(struct svc *s, uint64_t n)
{
	if (n > s->conf->stream_memory_bytes - s->mem_held) {
		s->n.mem_refused++;
		return -1;
	}
	s->mem_held += n;
	return 0;
}

static inline void svc_mem_give(struct svc *s, uint64_t n)
{
	s->mem_held -= n < s->mem_held ? n : s->mem_held;
}

static inline void svc_request_stop(struct svc *s)
{
	s->stop_asked = 1;
}

#endif
