/*
 * httpshield.c -- vigil-shield's state for the API and the console (GET
 * /v1/shield/status, /rules, /report), asked on its control socket
 * (ShieldSocket): one line out, one JSON document back, read in the event
 * loop like any other descriptor while the HTTP connection waits, within
 * SHIELD_ANSWER_S and SHIELD_MAX_ANSWER. What comes back is parsed before
 * it is passed on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "httpint.h"

/* How long the shield may take, and the most it may say, in bytes. */
#define SHIELD_ANSWER_S 5.0
#define SHIELD_MAX_ANSWER (4u << 20)

struct shieldq {
	struct evsrc ev;	/* EV_HTTP_SHIELD */
	struct hreq *rq;
	int fd;
	char *buf;
	size_t len, cap;
	double deadline;
};

/* Connects and asks: 0, or -1 answered (404, 502). */
static int ask(struct hreq *rq, const char *line)
{
	const char *path = rq->h->svc->conf->shield_socket;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct shieldq *q;
	size_t n = strlen(line);

	if (!path) {
		reply_error(rq, 404, "not_found", "no vigil-shield here "
			    "(ShieldSocket)");
		return -1;
	}
	if (!(q = rq->sq = calloc(1, sizeof(*q)))) {
		reply_error(rq, 500, "internal", "out of memory");
		return -1;
	}
	q->fd = -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (q->fd < 0 || connect(q->fd, (struct sockaddr *)&sa,
				 sizeof(sa)) < 0 ||
	    write(q->fd, line, n) != (ssize_t)n) {
		reply_error(rq, 502, "shield_unavailable", "vigil-shield at "
			    "%s: %s", path, strerror(errno));
		return -1;
	}
	q->ev.kind = EV_HTTP_SHIELD;
	q->rq = rq;
	q->deadline = ev_now() + SHIELD_ANSWER_S;
	if (ev_add(rq->h->epfd, q->fd, EPOLLIN, &q->ev) < 0) {
		reply_error(rq, 500, "internal", "cannot wait for the shield");
		return -1;
	}
	rq->pending = 1;
	return 0;
}

void shield_status(struct hreq *rq)
{
	ask(rq, "status\n");
}

void shield_rules(struct hreq *rq)
{
	ask(rq, "rules\n");
}

void shield_report(struct hreq *rq)
{
	ask(rq, "report json\n");
}

/* The answer is in (or not): rq answered, its wait over. */
static void answered(struct hreq *rq, json_t *doc, const char *why)
{
	if (doc)
		reply_json(rq, 200, doc);
	else
		reply_error(rq, why[0] == 't' ? 504 : 502, "shield_unavailable",
			    "vigil-shield: %s", why);
	shield_release(rq);
	rq->pending = 0;
	rq->scans_done(rq);
}

void shield_on_event(struct evsrc *src)
{
	struct shieldq *q = (struct shieldq *)src;
	struct hreq *rq = q->rq;
	json_error_t je;
	ssize_t n;
	char *nb;

	if (q->fd < 0 || rq->dead)
		return; /* answered or gone earlier in this batch */
	if (q->cap - q->len < 65536) {
		if (q->cap >= SHIELD_MAX_ANSWER ||
		    !(nb = realloc(q->buf, q->cap + 65536)))
			return answered(rq, NULL, "answer too large");
		q->buf = nb;
		q->cap += 65536;
	}
	n = read(q->fd, q->buf + q->len, q->cap - q->len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		q->len += (size_t)n;
		return;
	}
	answered(rq, n < 0 ? NULL : json_loadb(q->buf, q->len, 0, &je),
		 n < 0 ? strerror(errno) : "not a JSON document");
}

void shield_tick(struct hreq *rq, double now)
{
	if (rq->sq && rq->sq->fd >= 0 && now > rq->sq->deadline)
		answered(rq, NULL, "timed out");
}

/* The socket closed; the question itself stays until the request is
 * freed (an event of the same batch may still name it). */
void shield_release(struct hreq *rq)
{
	struct shieldq *q = rq->sq;

	if (!q || q->fd < 0)
		return;
	ev_del(rq->h->epfd, q->fd);
	close(q->fd);
	q->fd = -1;
}

void shield_free(struct hreq *rq)
{
	if (!rq->sq)
		return;
	free(rq->sq->buf);
	free(rq->sq);
	rq->sq = NULL;
}
