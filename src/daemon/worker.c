/*
 * worker.c -- the scanning side of vigild. A worker is forked by the
 * parent with the engine already compiled, confines itself, and then
 * only ever reads jobs from its socket: it has no path to open and no way
 * to open one. It exits when the socket closes or after WorkerMaxScans.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/confine.h"
#include "common/fdpass.h"
#include "log.h"
#include "wire.h"
#include "worker.h"

/* Receives one job and the descriptor sent with it (-1 if none). */
static int recv_job(int sock, struct wire_job *job, int *fd)
{
	size_t nfds;
	ssize_t n;

	*fd = -1;
	n = fdpass_recv(sock, job, sizeof(*job), 0, fd, 1, &nfds);
	if (n != (ssize_t)sizeof(*job)) {
		if (*fd >= 0)
			close(*fd);
		return -1;
	}
	job->path[sizeof(job->path) - 1] = '\0';
	return 0;
}

/* Appends s, cut to at most max bytes (a cut ends in "..."), with its
 * NUL; the caller has checked that max + 1 bytes are free. */
static void add_text(struct wire_result *r, const char *s, size_t max)
{
	size_t n = strlen(s);
	char *at = r->text + r->text_len;

	if (n > max && max < 3) {
		n = 0; /* no room for a cut to show */
	} else if (n > max) {
		memcpy(at, s, max - 3);
		memcpy(at + max - 3, "...", 3);
		n = max;
	} else {
		memcpy(at, s, n);
	}
	at[n] = '\0';
	r->text_len += (uint32_t)n + 1;
}

/*
 * One detection: its name (at most WIRE_MAX_NAME_BYTES) and its path
 * inside the object, cut to what room is left, never dropped for its
 * length: a verdict must not depend on how deep the object was. 0, or -1
 * when not even a name fits (later detections of an all-match scan).
 */
static int add_detection(struct wire_result *r, const char *name,
			 const char *path)
{
	size_t room = sizeof(r->text) - r->text_len, n = strlen(name);

	if (n > WIRE_MAX_NAME_BYTES)
		n = WIRE_MAX_NAME_BYTES;
	if (room < n + 2)
		return -1;
	add_text(r, name, n);
	add_text(r, path, sizeof(r->text) - r->text_len - 1);
	r->ndetections++;
	return 0;
}

static void scan(struct vigil_scanner *sc, int fd, struct wire_result *r)
{
	struct vigil_result res = { .size = sizeof(res) };
	uint32_t i;

	r->rc = vigil_scanner_scan_fd(sc, fd, &res);
	r->verdict = res.verdict;
	r->nwarnings = res.warnings;
	r->bytes = res.bytes_scanned;
	r->objects = res.objects;
	for (i = 0; r->rc == 0 && i < res.detections; i++) {
		const char *name = vigil_scanner_detection(sc, i);
		const char *path = vigil_scanner_detection_path(sc, i);

		if (add_detection(r, name ? name : "", path ? path : "") < 0)
			break;
	}
}

/* sc[0] scans for the first detection, sc[1] for all (ALLMATCHSCAN). */
static void serve(const struct worker_setup *w, struct vigil_scanner **sc)
{
	static struct wire_result r;
	struct wire_job job;
	unsigned done = 0;
	int fd;

	while (recv_job(w->sock, &job, &fd) == 0) {
		memset(&r, 0, offsetof(struct wire_result, text));
		r.id = job.id;
		if (job.kind == JOB_SCAN && fd >= 0) {
			struct vigil_scanner *s = sc[!!(job.flags &
						       VIGIL_SCAN_ALLMATCH)];

			job.path[sizeof(job.path) - 1] = 0;
			r.rc = vigil_scanner_set_name(s, job.path[0] ? job.path :
								      NULL);
			if (!r.rc)
				scan(s, fd, &r);
		}
		else if (job.kind == JOB_PROBE && w->probe)
			escape_try(job.path, &r.probe);
		else
			r.rc = VIGIL_EINVAL;
		if (fd >= 0)
			close(fd);
		if (send(w->sock, &r, offsetof(struct wire_result, text) +
			 r.text_len, MSG_NOSIGNAL) < 0)
			break;
		if (w->max_scans && ++done >= w->max_scans)
			break;
	}
}

/* Confines the worker for good: no file system, no sockets, no exec, no
 * fork (common/confine.h). A layer the kernel lacks is fatal unless the
 * configuration allows it (the parent checked and logged that already). */
static void enter_sandbox(const struct worker_setup *w)
{
	struct confine_report rep;
	char said[256];
	/* one thread, unless it has helpers for large archives (threads,
	 * never processes: a clone without CLONE_THREAD stays refused) */
	int rc = confine_scan(NULL, w->opts.threads > 0, &rep);

	if (rc < 0 || (rc > 0 && !w->allow_unconfined)) {
		vlog(LOG_ERR, "worker %d: cannot enter the sandbox: %s",
		     (int)getpid(), rc < 0 ? strerror(errno) : rep.why);
		_exit(3);
	}
	vlog(LOG_DEBUG, "worker %d: confined: %s", (int)getpid(),
	     confine_describe(&rep, said, sizeof(said)));
}

void worker_main(const struct worker_setup *w)
{
	struct vigil_scan_options all = w->opts;
	struct vigil_scanner *sc[2] = { NULL, NULL };
	int rc;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "vigild-worker");
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	all.flags |= VIGIL_SCAN_ALLMATCH;
	if ((rc = vigil_scanner_new(&sc[0], w->engine, &w->opts)) < 0 ||
	    (rc = vigil_scanner_new(&sc[1], w->engine, &all)) < 0) {
		vlog(LOG_ERR, "worker %d: cannot create a scanner: %s",
		     (int)getpid(), vigil_strerror(rc));
		_exit(3);
	}
	if (w->sandbox)
		enter_sandbox(w);
	serve(w, sc);
	_exit(0);
}
