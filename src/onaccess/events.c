/*
 * events.c -- the fanotify side: every directory under the watched paths
 * (dirs.c), or with --whole-mount the mounts holding them, is marked for
 * opens (FAN_OPEN_PERM with prevention, FAN_OPEN without) and completed
 * writes (FAN_CLOSE_WRITE); each event under a watched path goes to a
 * worker, every other is let through at once. A
 * permission event is always answered: by a worker, or at once when the
 * queue is full or the daemon stops (then as --fail-closed says).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basics.h"
#include "cache.h"
#include "dirs.h"
#include "oaint.h"

/* Whether the process pid runs as an excluded user. */
static int excluded_uid(const struct oa_config *cfg, pid_t pid)
{
	char proc[32];
	struct stat st;
	unsigned i;

	if (!cfg->nexclude_uids)
		return 0;
	snprintf(proc, sizeof(proc), "/proc/%d", (int)pid);
	if (stat(proc, &st) < 0)
		return 0;
	for (i = 0; i < cfg->nexclude_uids; i++)
		if (st.st_uid == cfg->exclude_uids[i])
			return 1;
	return 0;
}

/* An event nobody needs to look at: let through, closed. */
static void pass(struct oa *o, const struct fanotify_event_metadata *m)
{
	if (m->mask & FAN_OPEN_PERM)
		oa_respond(o->fan, m->fd, 1);
	close(m->fd);
}

static void dispatch(struct oa *o, const struct fanotify_event_metadata *m)
{
	struct oa_job j = { m->fd, m->mask, "" };
	char link[64];
	ssize_t n;

	__atomic_add_fetch(&o->n.events, 1, __ATOMIC_RELAXED);
	if (m->pid == getpid() || excluded_uid(o->cfg, m->pid))
		return pass(o, m);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", m->fd);
	n = readlink(link, j.path, sizeof(j.path) - 1);
	if (n <= 0)
		return pass(o, m);
	j.path[n] = '\0';
	if (!oa_under(j.path, o->cfg->paths, o->cfg->npaths) ||
	    oa_under(j.path, o->cfg->excludes, o->cfg->nexcludes))
		return pass(o, m);
	if (oa_enqueue(o, &j) < 0) { /* every worker busy, the queue full */
		if (m->mask & FAN_OPEN_PERM)
			oa_respond(o->fan, m->fd, !o->cfg->fail_closed);
		oa_log("%s: not scanned: the queue is full", j.path);
		close(m->fd);
	}
}

/* Reads and hands out one batch of events; -1 on a read error. */
static int events(struct oa *o)
{
	char buf[8192] __attribute__((aligned(8)));
	struct fanotify_event_metadata *m; /* FAN_EVENT_NEXT casts */
	ssize_t len = read(o->fan, buf, sizeof(buf));

	if (len < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	for (m = (void *)buf; FAN_EVENT_OK(m, len);
	     m = FAN_EVENT_NEXT(m, len)) {
		if (m->vers != FANOTIFY_METADATA_VERSION)
			return -1;
		if (m->fd >= 0)
			dispatch(o, m);
	}
	return 0;
}

/* Marks every directory under the paths, or with --whole-mount their mounts. */
static int mark(struct oa *o)
{
	uint64_t mask = FAN_CLOSE_WRITE |
			(o->cfg->prevent ? FAN_OPEN_PERM : FAN_OPEN);
	unsigned i;

	if (!o->cfg->whole_mount &&
	    !(o->dirs = dirs_new(o->fan, mask, o->cfg->excludes,
				 o->cfg->nexcludes)))
		return -1;
	for (i = 0; i < o->cfg->npaths; i++) {
		if (o->dirs ? dirs_add_tree(o->dirs, o->cfg->paths[i]) == 0 :
			      fanotify_mark(o->fan, FAN_MARK_ADD | FAN_MARK_MOUNT,
					    mask, AT_FDCWD,
					    o->cfg->paths[i]) == 0)
			continue;
		if (!o->dirs)
			oa_log("cannot watch %s: %s", o->cfg->paths[i],
			       strerror(errno));
		return -1;
	}
	return 0;
}

/* Until SIGTERM or SIGINT (read from sigfd); 0, or -1 if fanotify failed. */
static int loop(struct oa *o, int sigfd)
{
	struct pollfd p[3];
	int rc = 0;

	p[0] = (struct pollfd){ o->fan, POLLIN, 0 };
	p[1] = (struct pollfd){ sigfd, POLLIN, 0 };
	p[2] = (struct pollfd){ o->dirs ? dirs_fd(o->dirs) : -1, POLLIN, 0 };
	oa_log("watching %u path(s) (%s), %s, scans by vigild at %s",
	       o->cfg->npaths, o->cfg->whole_mount ? "their mounts" :
			       "directories", o->cfg->prevent ?
			       "infected files denied" : "detections logged",
	       o->cfg->socket);
	while (!rc && !(p[1].revents & POLLIN)) {
		if (poll(p, 3, -1) <= 0)
			continue;
		if (p[2].revents & POLLIN)
			dirs_events(o->dirs);
		if (p[0].revents & POLLIN)
			rc = events(o);
	}
	return rc;
}

/* The group, the workers, the marks, the loop; the exit status. */
static int run(struct oa *o, int sigfd)
{
	int rc = 1;

	o->fan = fanotify_init(FAN_CLOEXEC | FAN_NONBLOCK | FAN_CLASS_CONTENT |
				       FAN_UNLIMITED_QUEUE,
			       O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (o->fan < 0) {
		oa_log("fanotify: %s (root, or CAP_SYS_ADMIN, is needed)",
		       strerror(errno));
		return 1;
	}
	if (!(o->cache = cache_new(o->cfg->cache_s)) ||
	    oa_workers_start(o) < 0) {
		close(o->fan);
		cache_free(o->cache);
		return 1;
	}
	if (mark(o) == 0)
		rc = loop(o, sigfd) < 0 ? 1 : 0;
	oa_workers_stop(o);
	close(o->fan); /* the kernel lets any event still pending through */
	oa_log("stopped: %llu events, %llu scanned, %llu from the cache, "
	       "%llu found, %llu failed, %llu too large", o->n.events,
	       o->n.scanned, o->n.cached, o->n.found, o->n.failed,
	       o->n.skipped);
	cache_free(o->cache);
	dirs_free(o->dirs);
	return rc;
}

int oa_run(const struct oa_config *cfg)
{
	struct oa *o = calloc(1, sizeof(*o)); /* the queue is large */
	sigset_t stop;
	int rc = 1, sigfd;

	/* blocked before any thread starts, so that no worker takes them */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	sigfd = signalfd(-1, &stop, SFD_CLOEXEC);
	if (o && sigfd >= 0) {
		o->cfg = cfg;
		rc = run(o, sigfd);
	}
	if (sigfd >= 0)
		close(sigfd);
	free(o);
	return rc;
}
