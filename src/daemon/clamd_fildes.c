/*
 * clamd_fildes.c -- FILDES: the descriptor that came with the command. A
 * regular file goes to a worker as it is; a pipe or socket is read here,
 * on the event loop, into a memory file within StreamMaxLength, ReadTimeout
 * between reads and StreamMemoryLimit, and only then goes to a worker, so
 * that a client who never writes to its pipe holds its own connection and
 * no worker.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clamd_fildes.h"
#include "clamd_request.h"
#include "clamd_scan.h"
#include "common/fdio.h"
#include "svc.h"

static int fdread_start(struct conn *c, struct request *rq, int fd,
			const char *label);

void clamd_fildes_input(struct conn *c)
{
	struct clamd *cs = c->state;
	struct request *rq = cs->fildes_rq;
	char label[32];
	uint64_t at;
	int fd = conn_take_fd(c, &at);

	if (fd < 0 && !c->eof && c->is_unix)
		return; /* not here yet */
	cs->fildes_rq = NULL;
	cs->state = cs->session ? ST_COMMAND : ST_DONE;
	c->deadline = 0;
	if (fd < 0) {
		clamd_reply(rq, "FILDES: didn't receive file descriptor. "
			    "ERROR");
		clamd_request_done(rq);
		return;
	}
	/* a descriptor travels with a byte; the kernel ends a read with
	 * it, so if that read went past the command, the byte right after
	 * the command carried it and is not a command */
	if (at > cs->fildes_cmd_end && c->in_len)
		conn_consume(c, 1);
	snprintf(label, sizeof(label), "fd[%d]", fd);
	if (fdread_start(c, rq, fd, label) == 0)
		return; /* a pipe or socket: read here first */
	if (clamd_submit(rq, fd, label, 1, 0) < 0)
		clamd_request_done(rq);
}

/* Ends the reading: the descriptor closed, input resumed; the memory file
 * and its charge are the caller's (on to a worker, or dropped). */
static int fdread_end(struct conn *c, uint64_t *held)
{
	struct clamd *cs = c->state;
	int memfd = cs->fdread_memfd;

	*held = cs->held;
	cs->held = 0;
	conn_unwatch_aux(c);
	close(cs->fdread_fd);
	cs->fdread_fd = cs->fdread_memfd = -1;
	cs->fdread_rq = NULL;
	cs->state = cs->fdread_after;
	c->deadline = 0;
	conn_pause(c, 0);
	return memfd;
}

/* One error reply for the descriptor being read, and the request done. */
static void fdread_fail(struct conn *c, const char *why)
{
	struct clamd *cs = c->state;
	struct request *rq = cs->fdread_rq;
	uint64_t held;

	clamd_reply(rq, "%s: %s ERROR", cs->fdread_label, why);
	rq->errors++;
	close(fdread_end(c, &held));
	svc_mem_give(c->svc, held);
	clamd_request_done(rq);
	if (!c->dead && c->in_len)
		c->ops->input(c); /* what came meanwhile (IDSESSION) */
}

/*
 * A descriptor that is not a regular file (a pipe, a socket) is read here,
 * as it comes, into a memory file, within StreamMaxLength and ReadTimeout
 * between reads, and only then handed to a worker: a client that never
 * writes to its pipe holds its own connection, not a worker. 0, or -1 if
 * it is a regular file or cannot be watched (a worker reads it then).
 */
static int fdread_start(struct conn *c, struct request *rq, int fd,
			const char *label)
{
	struct clamd *cs = c->state;
	struct stat st;
	int memfd;

	if (fstat(fd, &st) < 0 || S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
		return -1;
	if ((memfd = memfd_create("vigild-fildes", MFD_CLOEXEC)) < 0)
		return -1;
	if (conn_watch_aux(c, fd) < 0) {
		close(memfd);
		return -1;
	}
	cs->fdread_rq = rq;
	cs->fdread_fd = fd;
	cs->fdread_memfd = memfd;
	cs->fdread_bytes = 0;
	cs->fdread_after = cs->state;
	snprintf(cs->fdread_label, sizeof(cs->fdread_label), "%s", label);
	cs->state = ST_FDREAD;
	conn_pause(c, 1); /* the next command waits for this one */
	c->deadline = ev_now() + c->svc->conf->read_timeout_s;
	return 0;
}

/* Keeps n bytes read from the descriptor (within StreamMaxLength and
 * StreamMemoryLimit); 0, or -1 when the request has been answered. */
static int fdread_keep(struct conn *c, const char *buf, size_t n)
{
	struct clamd *cs = c->state;

	if (cs->fdread_bytes + n > c->svc->conf->stream_max_bytes) {
		c->svc->n.instream_limit++;
		fdread_fail(c, "Size limit exceeded.");
		return -1;
	}
	if (svc_mem_take(c->svc, n) < 0) {
		fdread_fail(c, R_MEMORY_FULL);
		return -1;
	}
	cs->held += n; /* given back with the memory file, whatever happens */
	if (fd_write_all(cs->fdread_memfd, buf, n) < 0) {
		fdread_fail(c, "Can't store the data.");
		return -1;
	}
	cs->fdread_bytes += n;
	c->deadline = ev_now() + c->svc->conf->read_timeout_s;
	return 0;
}

void clamd_fdread_input(struct conn *c, unsigned events)
{
	struct clamd *cs = c->state;
	char buf[65536];
	ssize_t n;
	int memfd;

	(void)events;
	n = read(cs->fdread_fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		fdread_fail(c, "Can't read the descriptor.");
		return;
	}
	if (n > 0) {
		fdread_keep(c, buf, (size_t)n);
		return;
	}
	{
		struct request *rq = cs->fdread_rq;
		char label[sizeof(cs->fdread_label)];

		memcpy(label, cs->fdread_label, sizeof(label));
		uint64_t held;

		memfd = fdread_end(c, &held); /* the memory file is the object */
		if (clamd_submit(rq, memfd, label, 1, held) < 0)
			clamd_request_done(rq);
		if (!c->dead && c->in_len)
			c->ops->input(c);
	}
}

void clamd_fdread_timeout(struct conn *c)
{
	fdread_fail(c, "Read timed out.");
}

void clamd_fdread_stop(struct conn *c)
{
	struct clamd *cs = c->state;

	uint64_t held;

	if (cs->state != ST_FDREAD || cs->fdread_fd < 0)
		return;
	close(fdread_end(c, &held));
	svc_mem_give(c->svc, held);
}
