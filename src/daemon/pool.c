/*
 * pool.c -- the parent's side of the workers. Invariants: a job is in the
 * queue or with exactly one worker; its done callback runs exactly once,
 * synchronously for a cancel or a timeout (the worker is killed and its
 * late death changes nothing); workers are forked only while the parent
 * has a single thread, and a child keeps only its own generation's engine.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fdpass.h"
#include "log.h"
#include "pool.h"
#include "worker.h"

struct gen {
	struct vigil_engine *engine;
	unsigned number, live;
	struct gen *next;
};

struct worker {
	struct evsrc ev;
	pid_t pid;
	int sock;
	struct gen *gen;
	struct pool_job *job;
	int doomed;		/* killed or leaving: no new jobs */
	int gone;		/* reaped: freed after this loop turn */
	uint64_t room;		/* its address space between jobs (the
				 * parent's at the fork plus WorkerMaxMemory);
				 * 0: no limit */
	struct worker *next;
};

struct pool {
	int epfd;
	struct pool_config cfg;
	struct gen *gens;	/* current first */
	struct worker *workers;
	struct worker *dead;	/* reaped, still named by fetched events */
	struct pool_job *qhead, *qtail;
	uint64_t next_id;
	int fork_allowed;
	enum pool_hold held;	/* jobs wait, or are refused */
	struct pool_stats st;
};

int pool_new(struct pool **out, int epfd, const struct pool_config *cfg)
{
	struct pool *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	p->epfd = epfd;
	p->cfg = *cfg;
	p->fork_allowed = 1;
	*out = p;
	return 0;
}

const struct vigil_engine *pool_engine(const struct pool *p)
{
	return p->gens ? p->gens->engine : NULL;
}

static void child(struct pool *p, int sock)
{
	struct worker_setup ws = {
		.sock = 3, .engine = p->gens->engine, .opts = p->cfg.opts,
		.sandbox = p->cfg.sandbox,
		.allow_unconfined = p->cfg.allow_unconfined,
		.probe = p->cfg.probe, .max_scans = p->cfg.max_scans,
	};
	struct gen *g;

	log_in_worker();
	if (dup2(sock, 3) < 0)
		_exit(3);
	close_range(4, ~0U, 0);
	for (g = p->gens->next; g; g = g->next)
		vigil_engine_free(g->engine);
	worker_main(&ws);
}

/* The parent's address space now: a child forked now starts with it. */
static uint64_t own_size(void)
{
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	int ok = f && fscanf(f, "%lu", &pages) == 1;

	if (f)
		fclose(f);
	return ok ? (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE) : 0;
}

/*
 * Sets worker w's address-space limit (RLIMIT_AS, soft) to its room plus
 * extra bytes: at its start, and before each job for that job. The
 * parent moves it, never the worker (its seccomp filter lets it read its
 * limits, never set them), so the hard limit stays where it was.
 */
static int set_room(const struct worker *w, uint64_t extra)
{
	struct rlimit rl;

	if (!w->room)
		return 0;
	if (prlimit(w->pid, RLIMIT_AS, NULL, &rl) < 0)
		return -1;
	rl.rlim_cur = (rlim_t)(w->room + extra);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
		rl.rlim_cur = rl.rlim_max;
	return prlimit(w->pid, RLIMIT_AS, &rl, NULL);
}

/*
 * What job j's object adds to a worker's room: a regular file (or memory
 * file) is mapped whole, and that mapping of the file's own pages is no
 * memory the worker's scan takes (WorkerMaxMemory bounds what it
 * allocates), so its size is allowed on top, whatever it is.
 */
static uint64_t object_room(const struct pool_job *j)
{
	struct stat st;
	long page = sysconf(_SC_PAGESIZE);

	if (j->fd < 0 || fstat(j->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	return ((uint64_t)st.st_size + (uint64_t)page - 1) &
	       ~((uint64_t)page - 1);
}

static int spawn(struct pool *p)
{
	struct worker *w = calloc(1, sizeof(*w));
	int sv[2];

	if (!w)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		free(w);
		return -1;
	}
	if (p->cfg.max_memory && (w->room = own_size()) == 0) {
		vlog(LOG_ERR, "cannot read the daemon's size: %s",
		     strerror(errno));
		close(sv[0]);
		close(sv[1]);
		free(w);
		return -1;
	}
	if (w->room)
		w->room += p->cfg.max_memory;
	w->pid = fork();
	if (w->pid == 0)
		child(p, sv[1]);
	close(sv[1]);
	if (w->pid > 0 && set_room(w, 0) < 0) { /* before any job */
		vlog(LOG_ERR, "cannot limit a worker's memory: %s",
		     strerror(errno));
		kill(w->pid, SIGKILL);
		waitpid(w->pid, NULL, 0);
		w->pid = -1;
	}
	if (w->pid < 0) {
		close(sv[0]);
		free(w);
		return -1;
	}
	w->ev.kind = EV_WORKER;
	w->sock = sv[0];
	w->gen = p->gens;
	w->gen->live++;
	w->next = p->workers;
	p->workers = w;
	ev_add(p->epfd, w->sock, EPOLLIN, &w->ev);
	return 0;
}

static void ensure_workers(struct pool *p)
{
	struct worker *w;
	unsigned n = 0;

	if (!p->fork_allowed || !p->gens)
		return;
	for (w = p->workers; w; w = w->next)
		n += w->gen == p->gens && !w->doomed;
	for (; n < p->cfg.workers; n++) {
		if (spawn(p) < 0) {
			vlog(LOG_ERR, "cannot start a worker: %s",
			     strerror(errno));
			return;
		}
	}
}

/* Closes the job socket: an idle worker exits, a busy one is killed. */
static void let_go(struct pool *p, struct worker *w)
{
	w->doomed = 1;
	if (w->sock >= 0) {
		ev_del(p->epfd, w->sock);
		close(w->sock);
		w->sock = -1;
	}
}

static void finish(struct pool *p, struct pool_job *j,
		   const struct wire_result *r, enum pool_failure why)
{
	if (j->w)
		j->w->job = NULL;
	j->w = NULL;
	p->st.jobs_done++;
	j->done(j, r, why);
}

/* Ends a running job now and the worker with it. */
static void kill_worker(struct pool *p, struct worker *w,
			enum pool_failure why)
{
	struct pool_job *j = w->job;

	kill(w->pid, SIGKILL);
	let_go(p, w);
	if (why == POOL_TIMEOUT)
		p->st.restarts_timeout++;
	else if (why == POOL_CANCELLED)
		p->st.restarts_cancel++;
	else if (why != POOL_DBCHANGED)
		p->st.restarts_crash++;
	if (j)
		finish(p, j, NULL, why);
}

static int send_job(struct worker *w, struct pool_job *j)
{
	static struct wire_job msg;

	memset(&msg, 0, sizeof(msg));
	msg.kind = j->kind;
	msg.flags = j->flags;
	msg.id = j->id;
	if (j->probe_path)
		strncpy(msg.path, j->probe_path, sizeof(msg.path) - 1);
	else if (j->name && strlen(j->name) < sizeof(msg.path))
		strcpy(msg.path, j->name); /* a longer one: no name, not a cut one */
	return fdpass_send(w->sock, &msg, sizeof(msg), j->fd) ==
		       (ssize_t)sizeof(msg) ? 0 : -1;
}

static struct worker *idle_worker(struct pool *p)
{
	struct worker *w;

	for (w = p->workers; w; w = w->next)
		if (!w->job && !w->doomed && w->gen == p->gens)
			return w;
	return NULL;
}

static void dispatch(struct pool *p)
{
	struct pool_job *j;
	struct worker *w;

	while (!p->held && p->qhead && (w = idle_worker(p))) {
		j = p->qhead;
		if (set_room(w, object_room(j)) < 0)
			vlog(LOG_WARNING, "cannot let a worker map a file: %s",
			     strerror(errno));
		if (send_job(w, j) < 0) {
			kill_worker(p, w, POOL_CRASHED);
			continue; /* the job stays first in the queue */
		}
		p->qhead = j->next;
		if (!p->qhead)
			p->qtail = NULL;
		j->next = NULL;
		j->w = w;
		j->started_at = ev_now();
		w->job = j;
	}
	ensure_workers(p);
}

int pool_submit(struct pool *p, struct pool_job *j)
{
	unsigned n = 0;
	struct pool_job *q;

	for (q = p->qhead; q; q = q->next)
		n++;
	if (n >= p->cfg.max_queue + POOL_MAX_WAITING)
		return -1;
	j->id = ++p->next_id;
	j->w = NULL;
	j->next = NULL;
	j->queued_at = ev_now();
	if (p->qtail)
		p->qtail->next = j;
	else
		p->qhead = j;
	p->qtail = j;
	dispatch(p);
	return 0;
}

void pool_cancel(struct pool *p, struct pool_job *j)
{
	struct pool_job **pp;

	if (j->w) {
		kill_worker(p, j->w, POOL_CANCELLED);
		return;
	}
	for (pp = &p->qhead; *pp; pp = &(*pp)->next) {
		if (*pp != j)
			continue;
		*pp = j->next;
		if (p->qtail == j) {
			struct pool_job *t = p->qhead;

			while (t && t->next)
				t = t->next;
			p->qtail = t;
		}
		finish(p, j, NULL, POOL_CANCELLED);
		return;
	}
}

static void on_result(struct pool *p, struct worker *w)
{
	static struct wire_result r;
	ssize_t n = recv(w->sock, &r, sizeof(r), MSG_DONTWAIT);
	struct pool_job *j = w->job;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < (ssize_t)offsetof(struct wire_result, text) ||
	    (size_t)n != offsetof(struct wire_result, text) + r.text_len ||
	    !j || r.id != j->id) {
		/* gone, or talking nonsense: either way it is replaced */
		if (n > 0 || j)
			kill_worker(p, w, POOL_CRASHED);
		else
			let_go(p, w);
		return;
	}
	finish(p, j, &r, POOL_OK);
	if (w->gen != p->gens)
		let_go(p, w);

	dispatch(p);
}

void pool_on_event(struct pool *p, struct evsrc *src, unsigned events)
{
	struct worker *w = (struct worker *)src;

	(void)events;
	if (!w->gone) /* an event fetched before its worker was reaped */
		on_result(p, w);
}

static void forget(struct pool *p, struct worker *w)
{
	struct worker **pp;
	struct gen **gp, *g = w->gen;

	for (pp = &p->workers; *pp != w; pp = &(*pp)->next)
		;
	*pp = w->next;
	if (w->job)
		kill_worker(p, w, POOL_CRASHED);
	let_go(p, w);
	w->gone = 1; /* events of this loop turn may still name it */
	w->next = p->dead;
	p->dead = w;
	if (--g->live || g == p->gens)
		return;
	for (gp = &p->gens; *gp != g; gp = &(*gp)->next)
		;
	*gp = g->next;
	vlog(LOG_INFO, "database generation %u released", g->number);
	vigil_engine_free(g->engine);
	free(g);
}

void pool_reap(struct pool *p, void (*other)(void *, pid_t, int), void *ctx)
{
	struct worker *w;
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (w = p->workers; w && w->pid != pid; w = w->next)
			;
		if (!w) {
			if (other)
				other(ctx, pid, st);
			continue;
		}
		if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
			vlog(LOG_WARNING, "worker %d died of signal %d%s",
			     (int)pid, WTERMSIG(st),
			     w->job ? "; its scan failed" : "");
		else if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
			vlog(LOG_WARNING, "worker %d exited with status %d",
			     (int)pid, WEXITSTATUS(st));
		forget(p, w);
	}
	dispatch(p);
}

/* Jobs past MaxQueue that waited QueueTimeout for a place give up. */
static void expire_waiting(struct pool *p, double now)
{
	struct pool_job **pp = &p->qhead, *j;
	unsigned pos = 0;

	while ((j = *pp)) {
		if (pos < p->cfg.max_queue ||
		    now - j->queued_at <= p->cfg.queue_timeout_s) {
			pp = &j->next;
			pos++;
			continue;
		}
		*pp = j->next;
		finish(p, j, NULL, POOL_BUSY);
	}
	for (p->qtail = p->qhead; p->qtail && p->qtail->next;
	     p->qtail = p->qtail->next)
		;
}

void pool_hold(struct pool *p, enum pool_hold how)
{
	enum pool_hold was = p->held;
	struct worker *w;

	p->held = how; /* first: a job the kills' callbacks queue waits */
	if (how != POOL_RUN && was == POOL_RUN)
		for (w = p->workers; w; w = w->next)
			if (w->job)
				kill_worker(p, w, POOL_DBCHANGED);
	if (how == POOL_RUN)
		dispatch(p);
}

/* While jobs are refused, those queued end at the next tick. */
static void refuse_queued(struct pool *p)
{
	struct pool_job *j;

	while (p->held == POOL_REFUSE && (j = p->qhead)) {
		p->qhead = j->next;
		if (!p->qhead)
			p->qtail = NULL;
		j->next = NULL;
		finish(p, j, NULL, POOL_DBCHANGED);
	}
}

void pool_tick(struct pool *p, double now)
{
	struct worker *w;

	refuse_queued(p);
	expire_waiting(p, now);
	for (w = p->workers; w; w = w->next) {
		if (w->job && p->cfg.timeout_s &&
		    now - w->job->started_at > p->cfg.timeout_s) {
			vlog(LOG_WARNING, "worker %d: scan over %u s, stopped",
			     (int)w->pid, p->cfg.timeout_s);
			kill_worker(p, w, POOL_TIMEOUT);
		}
	}
	dispatch(p);
}

int pool_set_engine(struct pool *p, struct vigil_engine *e)
{
	struct gen *g = calloc(1, sizeof(*g));
	struct worker *w;

	if (!g)
		return -1;
	g->engine = e;
	g->number = p->gens ? p->gens->number + 1 : 1;
	g->next = p->gens;
	p->gens = g;
	for (w = p->workers; w; w = w->next)
		if (!w->job)
			let_go(p, w);
	p->st.generation = g->number;
	dispatch(p);
	return 0;
}

void pool_allow_fork(struct pool *p, int allowed)
{
	p->fork_allowed = allowed;
	if (allowed)
		dispatch(p);
}

void pool_stats(const struct pool *p, struct pool_stats *st)
{
	const struct worker *w;
	const struct pool_job *j;

	*st = p->st;
	st->held = p->held;
	st->live = st->busy = st->queued = 0;
	for (w = p->workers; w; w = w->next) {
		st->live += !w->doomed;
		st->busy += w->job != NULL;
	}
	for (j = p->qhead; j; j = j->next)
		st->queued++;
}

void pool_each_running(const struct pool *p,
		       void (*fn)(void *ctx, const struct pool_job *j),
		       void *ctx)
{
	const struct worker *w;

	for (w = p->workers; w; w = w->next)
		if (w->job)
			fn(ctx, w->job);
}

void pool_free_dead(struct pool *p)
{
	struct worker *w;

	while (p && (w = p->dead)) {
		p->dead = w->next;
		free(w);
	}
}

void pool_free(struct pool *p)
{
	struct pool_job *j;
	struct gen *g;

	if (!p)
		return;
	pool_free_dead(p);
	while ((j = p->qhead)) {
		p->qhead = j->next;
		finish(p, j, NULL, POOL_SHUTDOWN);
	}
	while (p->workers) {
		struct worker *w = p->workers;

		if (w->job) {
			kill(w->pid, SIGKILL);
			finish(p, w->job, NULL, POOL_SHUTDOWN);
		}
		let_go(p, w);
		waitpid(w->pid, NULL, 0);
		p->workers = w->next;
		free(w);
	}
	while ((g = p->gens)) {
		p->gens = g->next;
		vigil_engine_free(g->engine);
		free(g);
	}
	free(p);
}
