/*
 * parwalk.c -- the helper threads of one scanner (see parwalk.h). The
 * tasks out are a ring in the order they were handed on; every thread
 * takes the largest one queued (so that no large entry is left for the
 * end, when the others would wait for it), and the scanner's own thread
 * takes results from the ring's head only, so they reach the scan in
 * order. A task waits only for an earlier one that is running (a copy of
 * its member, in the shared table from the moment its task ran), which
 * never waits for a later one: no circle of waits. Every task
 * carries the walk's state at hand-on (path, containers above, bytes and
 * objects counted so far, the scan's start time), so its objects meet the
 * same limits and Container types as on one thread; a sum that passes
 * MaxScanSize or MaxFiles only across tasks is caught as their results
 * come in.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "core/parwalk.h"
#include "core/scanner_int.h"

/* Members out at once per thread (the own one included), and the most
 * bytes their copies may hold (one larger member goes out alone). */
#define PAR_SLOTS_PER_THREAD 1024u
#define PAR_SLOTS_MAX 4096u
#define PAR_QUEUE_BYTES (64u << 20)

/* Members at depth 1 remembered per scan in the shared table. */
#define PAR_SEEN_SLOTS 2048u
#define PAR_SEEN_MAX 1024u

enum { T_FREE = 0, T_QUEUED, T_RUNNING, T_DONE };

struct shared_seen {
	uint64_t lo, hi, len, seq;
	uint32_t gen;
	int container, state;	/* enum seen_state */
};

struct task {
	int state;
	struct par_job job;
	par_run_fn run;
	struct vbuf name;	/* the member's name, NUL-ended */
	struct vbuf path;	/* the walk's path when handed on */
	uint8_t *owned;		/* the copy of its bytes, or NULL */
	uint8_t chain[WALK_CHAIN_MAX];
	unsigned nchain, depth;
	double t0;
	uint64_t seq;
	uint64_t bytes0;
	uint32_t files0;
	int rc, stop;		/* the outcome */
	uint64_t dbytes;
	uint32_t dfiles;
	struct verdict_rec rec;
};

struct worker {
	struct par *p;
	unsigned i;
};

struct par {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	unsigned n, started;	/* helper threads wanted, running */
	int quit, failed;	/* failed: no helpers could be made */
	int cancel;		/* the scan stopped (helpers read it) */
	int stopped, redo;
	const char *limit;	/* passed by the members together */
	par_new_fn mk;
	par_free_fn rm;
	struct vigil_scanner **h; /* n + 1: the last is the own thread's */
	pthread_t *th;
	struct worker *wk;
	struct task *t;		/* the ring */
	unsigned nslots, head, count;
	size_t out_bytes;	/* held by copies of members out */
	uint64_t seq;		/* tasks handed on in this scan */
	struct shared_seen *seen;
	uint32_t gen, nseen;
};

int par_new(struct par **out, unsigned n, par_new_fn mk, par_free_fn rm)
{
	struct par *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return VIGIL_ENOMEM;
	p->n = n;
	p->mk = mk;
	p->rm = rm;
	p->h = calloc(n + 1, sizeof(*p->h));
	p->th = calloc(n, sizeof(*p->th));
	p->wk = calloc(n, sizeof(*p->wk));
	if (!p->h || !p->th || !p->wk) {
		par_free(p);
		return VIGIL_ENOMEM;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	*out = p;
	return 0;
}

static void free_task(struct task *t)
{
	free(t->owned);
	vbuf_free(&t->name);
	vbuf_free(&t->path);
	verdict_rec_free(&t->rec);
}

void par_free(struct par *p)
{
	unsigned i;

	if (!p)
		return;
	if (p->h) { /* made by par_new: the lock and conditions exist */
		pthread_mutex_lock(&p->mu);
		p->quit = 1;
		pthread_cond_broadcast(&p->work);
		pthread_mutex_unlock(&p->mu);
		for (i = 0; i < p->started; i++)
			pthread_join(p->th[i], NULL);
		for (i = 0; i <= p->n; i++)
			if (p->h[i])
				p->rm(p->h[i]);
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->work);
		pthread_cond_destroy(&p->done);
	}
	for (i = 0; p->t && i < p->nslots; i++)
		free_task(&p->t[i]);
	free(p->t);
	free(p->h);
	free(p->th);
	free(p->wk);
	free(p->seen);
	free(p);
}

void par_trim(struct par *p)
{
	unsigned i;

	for (i = 0; i <= p->n; i++)
		if (p->h[i])
			scanner_trim(p->h[i]);
}

void par_reset(struct par *p)
{
	unsigned i;

	p->stopped = 0;
	p->limit = NULL;
	p->seq = 0;
	p->nseen = 0;
	if (++p->gen == 0) { /* wrapped: old tags could look current */
		for (i = 0; p->seen && i < PAR_SEEN_SLOTS; i++)
			p->seen[i].gen = 0;
		p->gen = 1;
	}
	__atomic_store_n(&p->cancel, 0, __ATOMIC_RELAXED);
}

int par_cancelled(const struct vigil_scanner *h)
{
	return h->helps && __atomic_load_n(&h->helps->cancel,
					   __ATOMIC_RELAXED);
}

int par_busy(const struct par *p)
{
	return p && (p->count || p->stopped);
}

/* Sets helper h's walk where the scanner's stood, matches the member,
 * and keeps what it found in the task. */
static void run(struct vigil_scanner *h, struct task *t)
{
	struct walk *w = &h->w;
	int rc;

	verdict_reset(h);
	h->seq = t->seq;
	w->t0 = t->t0;
	w->bytes = t->bytes0;
	w->files = t->files0;
	w->depth = t->depth;
	w->layers = 0;
	w->stop = 0;
	w->nchain = t->nchain;
	memcpy(w->chain, t->chain, sizeof(w->chain));
	w->top = t->job.buf;
	w->toplen = t->job.len;
	seen_reset(&w->seen);
	w->path.len = 0;
	rc = vbuf_append(&w->path, t->path.data, t->path.len);
	if (rc == 0)
		rc = t->run(h, &t->job);
	t->rc = rc;
	t->stop = w->stop;
	t->dbytes = w->bytes - t->bytes0;
	t->dfiles = w->files - t->files0;
	if (rc >= 0 && verdict_export(h, &t->rec) < 0)
		t->rc = VIGIL_ENOMEM;
}

/* The largest task queued and not taken (the oldest of equals); under
 * the lock. */
static struct task *next_queued(struct par *p)
{
	struct task *best = NULL;
	unsigned i;

	for (i = 0; i < p->count; i++) {
		struct task *t = &p->t[(p->head + i) % p->nslots];

		if (t->state == T_QUEUED && (!best || t->job.cost > best->job.cost))
			best = t;
	}
	return best;
}

/* Runs task t on helper i; called and returns with the lock held. */
static void run_locked(struct par *p, unsigned i, struct task *t)
{
	t->state = T_RUNNING;
	pthread_mutex_unlock(&p->mu);
	run(p->h[i], t);
	pthread_mutex_lock(&p->mu);
	t->state = T_DONE;
	pthread_cond_broadcast(&p->done);
}

static void *helper_main(void *arg)
{
	struct worker *w = arg;
	struct par *p = w->p;

	pthread_mutex_lock(&p->mu);
	while (!p->quit) {
		struct task *t = next_queued(p);

		if (t)
			run_locked(p, w->i, t);
		else
			pthread_cond_wait(&p->work, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Makes the helpers and starts their threads: 0, or -1 (then the scan
 * stays on one thread). */
static int start(struct par *p, const struct vigil_scanner *s)
{
	unsigned i;

	p->failed = 1; /* until all is made */
	p->nslots = PAR_SLOTS_PER_THREAD * (p->n + 1);
	if (p->nslots > PAR_SLOTS_MAX)
		p->nslots = PAR_SLOTS_MAX;
	p->t = calloc(p->nslots, sizeof(*p->t));
	p->seen = calloc(PAR_SEEN_SLOTS, sizeof(*p->seen));
	if (!p->t || !p->seen)
		return -1;
	for (i = 0; i < p->nslots; i++) {
		varr_init(&p->t[i].rec.det, sizeof(struct detection));
		varr_init(&p->t[i].rec.warn, 2 * sizeof(uint32_t));
	}
	for (i = 0; i <= p->n; i++) {
		if (p->mk(s, &p->h[i]) < 0)
			return -1;
		p->h[i]->helps = p;
	}
	p->failed = 0;
	for (i = 0; i < p->n; i++) {
		p->wk[i] = (struct worker){ p, i };
		if (pthread_create(&p->th[i], NULL, helper_main, &p->wk[i]))
			break;
		p->started++;
	}
	return 0;
}

static void stop(struct par *p, struct vigil_scanner *s)
{
	p->stopped = 1;
	s->w.stop = 1;
	__atomic_store_n(&p->cancel, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&p->done); /* tasks waiting in par_seen */
}

/* Takes the results of done task t into s, unless the scan stopped. */
static int take(struct vigil_scanner *s, struct task *t)
{
	struct par *p = s->par;
	int rc = t->rc < 0 ? t->rc : 0;

	if (!p->stopped && t->rc == PAR_REDO) {
		p->redo = 1;
		stop(p, s);
	}
	if (!p->stopped && rc == 0)
		rc = verdict_import(s, &t->rec);
	if (!p->stopped && rc == 0) {
		s->w.bytes += t->dbytes;
		s->w.files += t->dfiles;
		if (t->rc == 1 || t->stop)
			stop(p, s);
		else if (s->w.bytes > s->opts.max_scansize ||
			 s->w.files > s->opts.max_files) {
			p->limit = s->w.bytes > s->opts.max_scansize ?
					   LIMIT_SCANSIZE : LIMIT_FILES;
			stop(p, s);
		}
	}
	if (rc < 0)
		stop(p, s);
	if (t->owned)
		p->out_bytes -= t->job.len;
	free(t->owned);
	t->owned = NULL;
	t->state = T_FREE;
	p->head = (p->head + 1) % p->nslots;
	p->count--;
	return rc;
}

/* Takes the results of the done tasks at the head; under the lock. */
static int take_done(struct vigil_scanner *s)
{
	struct par *p = s->par;
	int err = 0;

	while (p->count && p->t[p->head].state == T_DONE) {
		int rc = take(s, &p->t[p->head]);

		if (rc < 0 && !err)
			err = rc;
	}
	return err;
}

/* One step of waiting: runs the oldest queued task here, or waits for a
 * helper to finish one; under the lock. After a stop, queued tasks are
 * dropped unrun. */
static void step(struct par *p)
{
	struct task *t;

	while (p->stopped && (t = next_queued(p)))
		t->state = T_DONE;
	if ((t = next_queued(p)))
		run_locked(p, p->n, t);
	else if (p->count && p->t[p->head].state != T_DONE)
		pthread_cond_wait(&p->done, &p->mu);
}

/* Waits until a task holding a copy of copy bytes fits in the ring:
 * 0, 1 (the scan stopped) or an error. */
static int make_room(struct vigil_scanner *s, size_t copy)
{
	struct par *p = s->par;
	int rc = 0;

	pthread_mutex_lock(&p->mu);
	while ((rc = take_done(s)) == 0 && !p->stopped &&
	       (p->count == p->nslots ||
		(p->count && p->out_bytes + copy > PAR_QUEUE_BYTES)))
		step(p);
	pthread_mutex_unlock(&p->mu);
	return rc < 0 ? rc : p->stopped;
}

int par_sync(struct vigil_scanner *s, const char **limit)
{
	struct par *p = s->par;
	int rc = 0, err = 0;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		if ((rc = take_done(s)) < 0 && !err)
			err = rc;
		if (!p->count)
			break;
		step(p);
	}
	pthread_mutex_unlock(&p->mu);
	*limit = p->limit;
	p->limit = NULL;
	return err ? err : p->stopped;
}

/* Fills the next slot with the task and the walk's state, and queues it. */
static int queue(struct vigil_scanner *s, const struct par_job *j,
		 par_run_fn run_fn, uint8_t *copy)
{
	struct par *p = s->par;
	struct task *t = &p->t[(p->head + p->count) % p->nslots];
	const char *name = j->name ? j->name : "";

	t->name.len = 0;
	t->path.len = 0;
	if (vbuf_append(&t->name, name, strlen(name) + 1) < 0 ||
	    vbuf_append(&t->path, s->w.path.data, s->w.path.len) < 0)
		return VIGIL_ENOMEM;
	t->job = *j;
	t->job.name = (const char *)t->name.data;
	if (copy)
		t->job.buf = copy;
	t->owned = copy;
	t->run = run_fn;
	memcpy(t->chain, s->w.chain, sizeof(t->chain));
	t->nchain = s->w.nchain;
	t->depth = s->w.depth;
	t->t0 = s->w.t0;
	t->seq = ++p->seq;
	t->bytes0 = s->w.bytes;
	t->files0 = s->w.files;
	t->rc = t->stop = 0;
	t->dbytes = 0;
	t->dfiles = 0;
	pthread_mutex_lock(&p->mu);
	t->state = T_QUEUED;
	p->count++;
	p->out_bytes += copy ? j->len : 0;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

/* 0 once the helpers exist, else -1 (the scan stays on one thread). */
static int ready(struct vigil_scanner *s)
{
	struct par *p = s->par;

	if (p->failed || (!p->h[0] && start(p, s) < 0))
		return -1;
	return 0;
}

/* 1 if the member's bytes lie in the scanned object (they outlive the
 * scan's unpacking, so need no copy). */
static int in_top(const struct vigil_scanner *s, const struct par_job *j)
{
	uintptr_t b = (uintptr_t)j->buf, t = (uintptr_t)s->w.top;

	return b >= t && b - t <= s->w.toplen &&
	       j->len <= s->w.toplen - (b - t);
}

/* 1 if the member might reach a scan-wide limit with those out: it is
 * then matched on the scanner's thread, which counts exactly. */
static int near_limits(const struct vigil_scanner *s, size_t len)
{
	const struct par *p = s->par;
	uint64_t out = 0;
	unsigned i;

	for (i = 0; i < p->count; i++) {
		const struct par_job *o = &p->t[(p->head + i) % p->nslots].job;

		out += o->self ? 0 : o->len; /* the archive itself is counted */
	}
	return len > s->opts.max_filesize ||
	       s->w.files + p->count + 1 >= s->opts.max_files ||
	       s->w.bytes + out + len > s->opts.max_scansize;
}

int par_self(struct vigil_scanner *s, const struct par_job *j,
	     par_run_fn run_fn)
{
	if (ready(s) < 0)
		return PAR_SERIAL;
	return queue(s, j, run_fn, NULL);
}

int par_redo(struct par *p)
{
	int r = p->redo;

	if (r) {
		par_reset(p);
		p->redo = 0;
	}
	return r;
}

int par_offer(struct vigil_scanner *s, const struct par_job *j,
	      par_run_fn run_fn)
{
	size_t ncopy = in_top(s, j) ? 0 : j->len;
	uint8_t *copy = NULL;
	int rc;

	if (s->par->stopped)
		return 1;
	if (ready(s) < 0)
		return PAR_SERIAL;
	if ((rc = make_room(s, ncopy)) != 0)
		return rc;
	if (near_limits(s, j->len) || (ncopy && !(copy = malloc(ncopy))))
		return PAR_SERIAL;
	if (copy)
		memcpy(copy, j->buf, ncopy);
	if ((rc = queue(s, j, run_fn, copy)) < 0)
		free(copy);
	return rc;
}

int par_each(struct vigil_scanner *s, const struct par_job *j, size_t n,
	     par_size_fn size, par_size_fn first, par_run_fn run_fn,
	     const char **limit)
{
	struct par_job e = *j;
	size_t i;
	int rc = 0;

	*limit = NULL;
	if (ready(s) < 0)
		return PAR_SERIAL;
	for (i = 0; i < n && rc == 0; i++) {
		e.i = i;
		e.pos = j->pos + (unsigned)(first ? first(j->arg, i) : i);
		e.cost = size ? size(j->arg, i) : 0;
		if ((rc = make_room(s, 0)) == 0)
			rc = queue(s, &e, run_fn, NULL);
	}
	if (rc < 0) { /* what is out still comes in, then the error */
		par_sync(s, limit);
		return rc;
	}
	return par_sync(s, limit);
}

/* The shared table's entry for a member, or a free one; under the lock. */
static struct shared_seen *seen_find(struct par *p, XXH128_hash_t h,
				     size_t len, int container)
{
	size_t i;

	for (i = (size_t)h.low64 % PAR_SEEN_SLOTS;;
	     i = (i + 1) % PAR_SEEN_SLOTS) {
		struct shared_seen *e = &p->seen[i];

		if (e->gen != p->gen ||
		    (e->lo == h.low64 && e->hi == h.high64 && e->len == len &&
		     e->container == container))
			return e;
	}
}

int par_seen(struct vigil_scanner *h, uint64_t lo, uint64_t hi, size_t len,
	     int container, long *slot)
{
	struct par *p = h->helps;
	XXH128_hash_t x = { lo, hi };
	struct shared_seen *e;
	int rc = SEEN_NEW;

	*slot = -1;
	pthread_mutex_lock(&p->mu);
	e = seen_find(p, x, len, container);
	if (e->gen != p->gen) {
		if (p->nseen < PAR_SEEN_MAX) {
			*e = (struct shared_seen){ x.low64, x.high64, len,
						   h->seq, p->gen, container,
						   SEEN_PENDING };
			p->nseen++;
			*slot = e - p->seen;
		}
	} else if (e->seq != h->seq) { /* another task's: its outcome */
		while (e->state == SEEN_PENDING && !p->cancel)
			pthread_cond_wait(&p->done, &p->mu);
		rc = e->state == SEEN_CLEAN ? SEEN_SKIP : SEEN_NEW;
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

void par_seen_done(struct vigil_scanner *h, long slot, int matched)
{
	struct par *p = h->helps;

	if (slot < 0)
		return;
	pthread_mutex_lock(&p->mu);
	p->seen[slot].state = matched ? SEEN_MATCHED : SEEN_CLEAN;
	pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->mu);
}
