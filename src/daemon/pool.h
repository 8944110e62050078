/*
 * pool.h -- vigild's worker processes, seen from the parent: a queue of
 * jobs, a fixed number of sandboxed workers forked from the parent with
 * the engine in memory, replacement of workers that crash or overrun,
 * and generations, so that a new engine serves new jobs while jobs in
 * flight finish on the old one.
 */
#ifndef VIGILD_POOL_H
#define VIGILD_POOL_H

#include <stdint.h>
#include <sys/types.h>

#include "event.h"
#include "vigil/vigil.h"
#include "wire.h"

struct pool;
struct pool_job;

/* Jobs beyond MaxQueue that may wait for a place; more are refused. */
#define POOL_MAX_WAITING 8192

/* Why a job ended without a result from its worker. */
enum pool_failure {
	POOL_OK = 0,
	POOL_CRASHED,	/* the worker died */
	POOL_TIMEOUT,	/* WorkerTimeout passed: the worker was killed */
	POOL_CANCELLED,	/* pool_cancel() */
	POOL_SHUTDOWN,	/* the daemon is stopping */
	POOL_BUSY,	/* waited QueueTimeout beyond MaxQueue */
	POOL_DBCHANGED,	/* the engine's files were written over */
};

/* Whether jobs start (pool_hold). */
enum pool_hold {
	POOL_RUN = 0,
	POOL_WAIT,	/* queued jobs wait */
	POOL_REFUSE,	/* queued jobs end with POOL_DBCHANGED */
};

typedef void (*pool_done_fn)(struct pool_job *job,
			     const struct wire_result *r,
			     enum pool_failure why);

/* A job, owned by the caller until its done callback has run. */
struct pool_job {
	int fd;			/* the object; the pool closes it */
	uint32_t kind;		/* enum wire_job_kind */
	uint32_t flags;		/* VIGIL_SCAN_* */
	const char *probe_path;	/* JOB_PROBE */
	const char *name;	/* JOB_SCAN: the file's path, or NULL */
	pool_done_fn done;
	void *ctx;
	/* the pool's */
	uint64_t id;
	double queued_at, started_at;
	struct pool_job *next;
	struct worker *w;
};

struct pool_config {
	unsigned workers;		/* processes per generation */
	unsigned max_queue;		/* jobs waiting for a worker; more wait
					 * for a place, up to queue_timeout_s */
	unsigned queue_timeout_s;
	unsigned timeout_s;		/* a job's hard time limit */
	unsigned max_scans;		/* a worker's jobs before renewal */
	uint64_t max_memory;		/* a worker's memory beyond its start */
	int sandbox, allow_unconfined, probe;
	struct vigil_scan_options opts;
};

struct pool_stats {
	unsigned live, busy, queued, generation;
	enum pool_hold held;
	uint64_t restarts_crash, restarts_timeout, restarts_cancel,
		jobs_done;
};

int pool_new(struct pool **out, int epfd, const struct pool_config *cfg);
/* Stops every worker (jobs end with POOL_SHUTDOWN) and frees engines. */
void pool_free(struct pool *p);
/*
 * Makes e (owned by the pool from now on) the engine of new jobs: a new
 * generation of workers starts; the old one finishes its jobs and leaves;
 * the old engine is freed when its last worker is gone.
 */
int pool_set_engine(struct pool *p, struct vigil_engine *e);
const struct vigil_engine *pool_engine(const struct pool *p);
/* Forks are held back while another thread runs (the loader). */
void pool_allow_fork(struct pool *p, int allowed);
/*
 * Stops starting jobs (POOL_WAIT: they queue; POOL_REFUSE: they end with
 * POOL_DBCHANGED at the next tick) or starts them again (POOL_RUN). The
 * first hold ends the running jobs with POOL_DBCHANGED: they were matched
 * against files that changed under the engine.
 */
void pool_hold(struct pool *p, enum pool_hold how);
/* Queues or starts job; -1 past POOL_MAX_WAITING jobs. */
int pool_submit(struct pool *p, struct pool_job *job);
/* Ends job with POOL_CANCELLED: unqueued, or its worker is killed. */
void pool_cancel(struct pool *p, struct pool_job *job);
/* Event loop hooks: a worker socket is readable; SIGCHLD; once a tick. */
void pool_on_event(struct pool *p, struct evsrc *src, unsigned events);
/* Reaps exited children: workers are forgotten, any other child is
 * handed to other(ctx, pid, wait status) if not NULL. */
void pool_reap(struct pool *p, void (*other)(void *, pid_t, int), void *ctx);
/* Frees the workers reaped during the last loop turn: events fetched in
 * the same epoll_wait() batch may still name them, so the loop calls
 * this after dispatching the batch. */
void pool_free_dead(struct pool *p);
void pool_tick(struct pool *p, double now);
void pool_stats(const struct pool *p, struct pool_stats *st);
/* Calls fn for each running job (STATS). */
void pool_each_running(const struct pool *p,
		       void (*fn)(void *ctx, const struct pool_job *j),
		       void *ctx);

#endif
