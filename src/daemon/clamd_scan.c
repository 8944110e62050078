/*
 * clamd_scan.c -- the clamd commands that scan: SCAN, CONTSCAN, MULTISCAN
 * and ALLMATCHSCAN of a path (a file, or a directory walked here with as
 * many files in flight as there are workers) and INSTREAM into a memory
 * file (FILDES is clamd_fildes.c). Each object becomes a pool job; its
 * result becomes clamd's reply line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clamd_request.h"
#include "clamd_scan.h"
#include "detlog.h"
#include "dirwalk.h"
#include "common/reader.h"
#include "log.h"
#include "oninfected.h"
#include "svc.h"
#include "virusevent.h"

struct scanjob {
	struct pool_job pj;
	struct request *rq;
	char *label;
	int single;		/* the request's only object: say OK */
	double t0;
	uint64_t held;		/* its memory file's charge (svc_mem_take) */
	struct scanjob *next;	/* the request's jobs */
};

static void finish_request(struct request *rq)
{
	if (rq->is_dir && !rq->found && !rq->errors)
		clamd_reply(rq, "%s: OK", rq->path);
	clamd_request_done(rq);
}

static const char *failure_text(enum pool_failure why)
{
	switch (why) {
	case POOL_CRASHED: return "Scan failed: the worker crashed.";
	case POOL_TIMEOUT: return "Scan failed: time limit exceeded.";
	case POOL_SHUTDOWN: return "Scan aborted: the daemon is stopping.";
	case POOL_BUSY: return "Server busy: scan queue full.";
	case POOL_DBCHANGED:
		return "Scan failed: the database was written over in use.";
	default: return "Scan failed.";
	}
}

static void report_found(struct request *rq, struct scanjob *sj,
			 const struct wire_result *r)
{
	const char *name = r->text, *path;
	uint32_t i;

	if (rq->stop && rq->found)
		return; /* SCAN of a directory says the first one only */
	rq->found++;
	if (!r->ndetections) {
		clamd_reply(rq, "%s: %s FOUND", sj->label, WIRE_UNNAMED);
		detlog_add("clamd", sj->label, WIRE_UNNAMED, "");
		return;
	}
	for (i = 0; i < r->ndetections && name < r->text + r->text_len; i++) {
		path = name + strlen(name) + 1;
		clamd_reply(rq, "%s: %s FOUND", sj->label, name);
		virus_event(rq->c->svc->conf->virus_event, sj->label, name);
		detlog_add("clamd", sj->label, name, path);
		vlog(LOG_NOTICE, "%s(%s): %s FOUND%s%s", sj->label,
		     rq->c->peer, name, *path ? " in " : "", path);
		if (rq->cmd != CMD_ALLMATCHSCAN)
			break;
		name = path + strlen(path) + 1;
	}
	/* a file a client named by path: OnInfected, once for the file */
	if (sj->label[0] == '/' && r->verdict == VIGIL_VERDICT_FOUND)
		on_infected(rq->c->svc->conf, sj->pj.fd, sj->label,
			    r->ndetections ? r->text : WIRE_UNNAMED);
}

static void report(struct request *rq, struct scanjob *sj,
		   const struct wire_result *r, enum pool_failure why)
{
	char said[512];

	if (rq->cmd == CMD_SANDBOXPROBE && r && !why) {
		clamd_reply(rq, "%s",
			    escape_format(&r->probe, said, sizeof(said)));
	} else if (why) {
		rq->errors++;
		clamd_reply(rq, "%s: %s ERROR", sj->label, failure_text(why));
		vlog(LOG_WARNING, "%s(%s): %s", sj->label, rq->c->peer,
		     failure_text(why));
	} else if (r->rc < 0) {
		rq->errors++;
		clamd_reply(rq, "%s: %s. ERROR", sj->label,
			    vigil_strerror(r->rc));
		vlog(LOG_WARNING, "%s(%s): %s", sj->label, rq->c->peer,
		     vigil_strerror(r->rc));
	} else if (r->verdict != VIGIL_VERDICT_CLEAN) {
		report_found(rq, sj, r);
	} else if (sj->single) {
		clamd_reply(rq, "%s: OK", sj->label);
		if (rq->c->svc->conf->log_clean)
			vlog(LOG_INFO, "%s(%s): OK", sj->label, rq->c->peer);
	}
}

static void pump(struct request *rq);

static void unlink_job(struct request *rq, struct scanjob *sj)
{
	struct scanjob **pp;

	for (pp = (struct scanjob **)&rq->jobs; *pp; pp = &(*pp)->next) {
		if (*pp == sj) {
			*pp = sj->next;
			break;
		}
	}
	rq->running--;
}

static void job_done(struct pool_job *pj, const struct wire_result *r,
		     enum pool_failure why)
{
	struct scanjob *sj = pj->ctx;
	struct request *rq = sj->rq;

	unlink_job(rq, sj);
	svc_mem_give(rq->c->svc, sj->held);
	if (why == POOL_BUSY)
		rq->c->svc->n.queue_refused++;
	if (why != POOL_CANCELLED) {
		counters_add_scan(&rq->c->svc->n, VIA_CLAMD, r,
				  ev_now() - sj->t0);
		report(rq, sj, r, why); /* OnInfected still has the file */
	}
	if (pj->fd >= 0)
		close(pj->fd);
	free(sj->label);
	free(sj);
	if (why != POOL_CANCELLED && !rq->cancelled && !rq->c->dead)
		pump(rq);
}

int clamd_submit(struct request *rq, int fd, const char *label, int single,
		 uint64_t held)
{
	struct scanjob *sj = calloc(1, sizeof(*sj));

	if (!sj || !(sj->label = strdup(label))) {
		free(sj);
		close(fd);
		svc_mem_give(rq->c->svc, held);
		return -1;
	}
	sj->held = held;
	sj->rq = rq;
	sj->single = single;
	sj->t0 = ev_now();
	sj->pj.fd = fd;
	sj->pj.kind = rq->cmd == CMD_SANDBOXPROBE ? JOB_PROBE : JOB_SCAN;
	sj->pj.probe_path = rq->cmd == CMD_SANDBOXPROBE ? rq->path : NULL;
	/* a path SCAN names (absolute, as clamd's); "stream", "fd[...]" are
	 * no names */
	sj->pj.name = label[0] == '/' ? sj->label : NULL;
	sj->pj.flags = rq->cmd == CMD_ALLMATCHSCAN ? VIGIL_SCAN_ALLMATCH : 0;
	sj->pj.done = job_done;
	sj->pj.ctx = sj;
	sj->next = rq->jobs;
	rq->jobs = sj;
	rq->running++;
	if (pool_submit(rq->c->svc->pool, &sj->pj) < 0) {
		rq->c->svc->n.queue_refused++;
		unlink_job(rq, sj);
		clamd_reply(rq, "%s: Server busy: scan queue full. ERROR",
			    label);
		rq->errors++;
		if (fd >= 0)
			close(fd);
		svc_mem_give(rq->c->svc, held);
		free(sj->label);
		free(sj);
		return -1;
	}
	return 0;
}

/* Keeps a directory request's jobs in flight; ends it when all are in. */
static void pump(struct request *rq)
{
	struct pool_stats st;
	const char *path, *why;
	unsigned most;
	int fd, rc, end = 0;

	pool_stats(rq->c->svc->pool, &st);
	/* SCAN names the first infected file in walk order, as clamd does */
	most = rq->stop ? 1 : 2 * (st.live ? st.live : 1);
	while (rq->walk && !(rq->stop && rq->found) && rq->running < most) {
		rc = dirwalk_next(rq->walk, &fd, &path, &why);
		if (rc == 0) {
			end = 1;
		} else if (rc < 0) {
			rq->errors++;
			clamd_reply(rq, "%s: %s. ERROR", path, why);
		} else if (clamd_submit(rq, fd, path, 0, 0) < 0) {
			end = 1; /* the queue is full: said once, stop here */
		}
		if (end)
			break;
	}
	if (rq->walk && (end || (rq->stop && rq->found))) {
		dirwalk_free(rq->walk);
		rq->walk = NULL;
	}
	if (!rq->walk && !rq->running)
		finish_request(rq);
}

static void path_failure(struct request *rq, int err)
{
	rq->errors++;
	clamd_reply(rq, "%s: File path check failure: %s. ERROR", rq->path,
		    strerror(err));
	clamd_request_done(rq);
}

static void scan_path(struct request *rq)
{
	struct stat st;
	int fd;

	if (rq->path[0] != '/')
		return path_failure(rq, ENOENT); /* clamd wants a full path */
	/* with the client's rights as well as the daemon's */
	peer_groups(&rq->c->cred);
	fd = peer_open(&rq->c->cred, rq->path);
	if (fd < 0)
		return path_failure(rq, errno);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return path_failure(rq, errno);
	}
	if (S_ISDIR(st.st_mode)) {
		rq->is_dir = 1;
		rq->stop = rq->cmd == CMD_SCAN || rq->cmd == CMD_ALLMATCHSCAN;
		if (!(rq->walk = dirwalk_new(fd, rq->path, &rq->c->cred)))
			return path_failure(rq, ENOMEM);
		pump(rq);
	} else if (S_ISREG(st.st_mode)) {
		if (clamd_submit(rq, fd, rq->path, 1, 0) < 0)
			clamd_request_done(rq);
	} else {
		close(fd);
		rq->errors++;
		clamd_reply(rq, "%s: Not supported file type ERROR", rq->path);
		clamd_request_done(rq);
	}
}

void clamd_path_request(struct conn *c, const struct proto_command *pc)
{
	struct request *rq = clamd_request_new(c, pc->cmd, pc->delim);

	if (!rq || !(rq->path = strndup(pc->arg, pc->arg_len))) {
		conn_abort(c);
		return;
	}
	if (rq->cmd != CMD_SANDBOXPROBE)
		scan_path(rq);
	else if (clamd_submit(rq, -1, rq->path, 1, 0) < 0)
		clamd_request_done(rq);
}

/*
 * SANDBOXSTALL (a test hook): a worker is given a pipe nobody writes to,
 * and waits on it until WorkerTimeout kills it or its client leaves; the
 * suite holds a worker with it to see both happen.
 */
void clamd_stall_request(struct conn *c, const struct proto_command *pc)
{
	struct request *rq = clamd_request_new(c, pc->cmd, pc->delim);
	int p[2];

	if (!rq || pipe2(p, O_CLOEXEC) < 0) {
		conn_abort(c);
		return;
	}
	rq->stall_fd = p[1];
	if (clamd_submit(rq, p[0], "stall", 1, 0) < 0)
		clamd_request_done(rq);
}

/* A FILDES being read is stopped first (clamd_fdread_stop). */
void clamd_cancel(struct request *rq)
{
	rq->cancelled = 1;
	while (rq->jobs)
		pool_cancel(rq->c->svc->pool, &rq->jobs->pj);
	if (rq->cs->stream_rq == rq)
		rq->cs->stream_rq = NULL;
	if (rq->cs->fildes_rq == rq)
		rq->cs->fildes_rq = NULL;
	clamd_request_free(rq);
}

/* Drops what the daemon holds of a stream: its memory file, its charge. */
void clamd_stream_release(struct conn *c)
{
	struct clamd *cs = c->state;

	if (cs->memfd >= 0)
		close(cs->memfd);
	cs->memfd = -1;
	svc_mem_give(c->svc, cs->held);
	cs->held = 0;
}

/* Refuses the rest of a stream with one reply: past StreamMaxLength, or
 * with all clients' streams at StreamMemoryLimit. */
static void stream_refused(struct conn *c, uint32_t want, int busy)
{
	struct clamd *cs = c->state;
	struct request *rq = cs->stream_rq;

	if (busy) {
		vlog(LOG_WARNING, "INSTREAM(%s): StreamMemoryLimit reached "
		     "(%llu bytes held)", c->peer,
		     (unsigned long long)c->svc->mem_held);
		clamd_reply(rq, "stream: %s ERROR", R_MEMORY_FULL);
	} else {
		vlog(LOG_WARNING, "INSTREAM(%s): Size limit reached, "
		     "(requested: %llu, max: %llu)", c->peer,
		     (unsigned long long)(cs->stream_bytes + want),
		     (unsigned long long)c->svc->conf->stream_max_bytes);
		c->svc->n.instream_limit++;
		clamd_reply(rq, "%s", R_INSTREAM_LIMIT);
	}
	cs->stream_rq = NULL;
	clamd_stream_release(c);
	/* the reply, then end of output; but keep reading what the client
	 * still sends, so that it reads the reply instead of failing to
	 * write, until it closes or ReadTimeout passes */
	conn_shutdown_output(c);
	cs->state = ST_DRAIN;
	c->deadline = ev_now() + c->svc->conf->read_timeout_s;
	clamd_request_free(rq);
}

static void stream_end(struct conn *c)
{
	struct clamd *cs = c->state;
	struct request *rq = cs->stream_rq;
	int fd = cs->memfd;
	uint64_t held = cs->held;

	cs->stream_rq = NULL;
	cs->memfd = -1;
	cs->held = 0;
	cs->state = cs->session ? ST_COMMAND : ST_DONE;
	c->deadline = 0;
	if (clamd_submit(rq, fd, "stream", 1, held) < 0)
		clamd_request_done(rq);
}

/* Takes the chunk header; 0 when it needs more input. */
static int chunk_header(struct conn *c)
{
	struct clamd *cs = c->state;
	struct rdr in;
	uint32_t len;

	rdr_init(&in, c->in, c->in_len);
	len = rdr_u32(&in, 1); /* network order */
	if (rdr_failed(&in))
		return 0;
	conn_consume(c, 4);
	if (len == 0) {
		stream_end(c);
		return 1;
	}
	if (cs->stream_bytes + len > c->svc->conf->stream_max_bytes) {
		stream_refused(c, len, 0);
		return 1;
	}
	if (svc_mem_take(c->svc, len) < 0) {
		stream_refused(c, len, 1);
		return 1;
	}
	cs->held += len;
	cs->chunk_left = len;
	cs->in_chunk = 1;
	return 1;
}

static int chunk_data(struct conn *c)
{
	struct clamd *cs = c->state;
	size_t n = c->in_len < cs->chunk_left ? c->in_len : cs->chunk_left;
	size_t off = 0;
	ssize_t w;

	while (off < n) {
		w = write(cs->memfd, c->in + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			vlog(LOG_ERR, "INSTREAM: memory file: %s",
			     strerror(errno));
			conn_abort(c);
			return 0;
		}
		off += (size_t)w;
	}
	conn_consume(c, n);
	cs->chunk_left -= (uint32_t)n;
	cs->stream_bytes += n;
	if (!cs->chunk_left)
		cs->in_chunk = 0;
	return n > 0 || !cs->chunk_left;
}

void clamd_stream_input(struct conn *c)
{
	struct clamd *cs = c->state;
	int progress = 0;

	while (!c->dead && cs->state == ST_STREAM) {
		if (!(cs->in_chunk ? chunk_data(c) : chunk_header(c)))
			break;
		progress = 1;
	}
	if (progress && !c->dead && cs->state == ST_STREAM)
		c->deadline = ev_now() + c->svc->conf->read_timeout_s;
}
