/*
 * workers.c -- the threads that judge events: a file of another kind
 * than regular, or larger than --max-size, passes unscanned; one the
 * cache knows clean passes; any other is scanned by vigild. Found: the
 * open is denied (with prevention) and the detection logged, and with
 * --quarantine the file taken into the quarantine. A scan
 * that fails passes, or with --fail-closed is denied. A completed write
 * forgets the file's cached verdict and scans it again.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "basics.h"
#include "cache.h"
#include "common/qstore.h"
#include "oaint.h"
#include "vscan.h"

#define COUNT(o, what) __atomic_add_fetch(&(o)->n.what, 1, __ATOMIC_RELAXED)

/* Whether the file may be opened; what was found goes into what. */
static int judge(struct oa *o, const struct oa_job *j, const struct stat *st,
		 char *what, size_t len)
{
	int written = !!(j->mask & FAN_CLOSE_WRITE);

	if (written)
		cache_forget(o->cache, st);
	if (!S_ISREG(st->st_mode))
		return 1;
	if ((uint64_t)st->st_size > o->cfg->max_size) {
		COUNT(o, skipped);
		return 1;
	}
	if (!written && cache_clean(o->cache, st)) {
		COUNT(o, cached);
		return 1;
	}
	COUNT(o, scanned);
	switch (vscan_fd(o->cfg->socket, j->fd, (int)o->cfg->timeout_s * 1000,
			 what, len)) {
	case VSCAN_CLEAN:
		cache_put(o->cache, st);
		return 1;
	case VSCAN_FOUND:
		COUNT(o, found);
		oa_log("%s: %s FOUND%s", j->path, what,
		       o->cfg->prevent && !written ? " (access denied)" : "");
		return 0;
	default:
		COUNT(o, failed);
		oa_log("%s: not scanned: %s%s", j->path, what,
		       o->cfg->fail_closed ? " (access denied)" : "");
		*what = '\0';
		return !o->cfg->fail_closed;
	}
}

/* --quarantine: the file found infected into the store, read through the
 * event's descriptor (which raises no event of its own). */
static void quarantine(struct oa *o, const struct oa_job *j,
		       const char *name)
{
	struct qstore_entry e;
	char err[1024];

	if (qstore_put_fd(o->cfg->quarantine, o->cfg->quarantine_cap, j->fd,
			  j->path, name, &e, err, sizeof(err)) == 0)
		oa_log("%s: quarantined as %s", j->path, e.id);
	else
		oa_log("%s: not quarantined: %s", j->path, err);
}

static void handle(struct oa *o, struct oa_job *j)
{
	char what[512] = "";
	struct stat st;
	int allow = fstat(j->fd, &st) < 0 ||
		    judge(o, j, &st, what, sizeof(what));

	if (j->mask & FAN_OPEN_PERM)
		oa_respond(o->fan, j->fd, allow);
	/* after the answer: the opening process does not wait for it */
	if (!allow && *what && o->cfg->quarantine)
		quarantine(o, j, what);
	close(j->fd);
}

static void *worker(void *arg)
{
	struct oa *o = arg;
	struct oa_job j;

	for (;;) {
		pthread_mutex_lock(&o->lock);
		while (!o->count && !o->stopping)
			pthread_cond_wait(&o->ready, &o->lock);
		if (!o->count) {
			pthread_mutex_unlock(&o->lock);
			return NULL;
		}
		j = o->queue[o->head];
		o->head = (o->head + 1) % OA_QUEUE_JOBS;
		o->count--;
		pthread_mutex_unlock(&o->lock);
		handle(o, &j);
	}
}

int oa_enqueue(struct oa *o, const struct oa_job *j)
{
	int rc = -1;

	pthread_mutex_lock(&o->lock);
	if (o->count < OA_QUEUE_JOBS) {
		o->queue[(o->head + o->count) % OA_QUEUE_JOBS] = *j;
		o->count++;
		pthread_cond_signal(&o->ready);
		rc = 0;
	}
	pthread_mutex_unlock(&o->lock);
	return rc;
}

int oa_workers_start(struct oa *o)
{
	unsigned i;

	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->ready, NULL);
	for (i = 0; i < o->cfg->threads; i++) {
		if (pthread_create(&o->thread[i], NULL, worker, o)) {
			oa_workers_stop(o);
			return -1;
		}
		o->nthreads++;
	}
	return 0;
}

void oa_workers_stop(struct oa *o)
{
	unsigned i;

	pthread_mutex_lock(&o->lock);
	o->stopping = 1;
	pthread_cond_broadcast(&o->ready);
	pthread_mutex_unlock(&o->lock);
	for (i = 0; i < o->nthreads; i++)
		pthread_join(o->thread[i], NULL);
	o->nthreads = 0;
	pthread_mutex_destroy(&o->lock);
	pthread_cond_destroy(&o->ready);
}
