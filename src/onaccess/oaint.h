/*
 * oaint.h -- what events.c and workers.c share: the running state and
 * the job queue.
 */
#ifndef VIGIL_ONACCESS_OAINT_H
#define VIGIL_ONACCESS_OAINT_H

#include <limits.h>
#include <pthread.h>
#include <stdint.h>

#include "onaccess.h"

struct cache;
struct dirs;

/* One event for a worker: the opened file, what happened, its path. */
struct oa_job {
	int fd;
	uint64_t mask;
	char path[PATH_MAX];
};

struct oa_counts {
	unsigned long long events, scanned, cached, found, failed, skipped;
};

struct oa {
	const struct oa_config *cfg;
	int fan;			/* the fanotify group */
	struct cache *cache;
	struct dirs *dirs;		/* NULL with --whole-mount */
	pthread_t thread[OA_MAX_THREADS];
	unsigned nthreads;
	pthread_mutex_t lock;		/* the queue */
	pthread_cond_t ready;
	struct oa_job queue[OA_QUEUE_JOBS];
	unsigned head, count;
	int stopping;
	struct oa_counts n;		/* updated atomically */
};

int oa_workers_start(struct oa *o);
/* Lets the workers finish what is queued, then joins them. */
void oa_workers_stop(struct oa *o);
/* Queues a job (copied); -1 if the queue is full. */
int oa_enqueue(struct oa *o, const struct oa_job *j);

#endif
