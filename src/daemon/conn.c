/*
 * conn.c -- buffered, non-blocking connections. Input is read only while
 * the handler keeps up (at most CONN_MAX_INPUT_BYTES waiting); output is
 * written as the socket accepts it. A connection that is aborted is only
 * marked: the loop releases and frees it after the current events, so
 * that no handler is left holding a freed pointer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/fdpass.h"
#include "conn.h"

static unsigned wanted(const struct conn *c)
{
	unsigned ev = 0;

	if (!c->paused && !c->eof)
		ev |= EPOLLIN | EPOLLRDHUP;
	if (c->out_len > c->out_off)
		ev |= EPOLLOUT;
	return ev;
}

static void update(struct conn *c)
{
	if (!c->dead)
		ev_mod(c->epfd, c->fd, wanted(c), &c->ev);
}

struct conn *conn_new(struct svc *svc, int epfd, int fd, int is_unix,
		      const char *peer, enum conn_proto proto,
		      const struct conn_ops *ops)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->ev.kind = EV_CONN;
	c->aux_ev.kind = EV_CONN_AUX;
	c->aux_fd = -1;
	c->svc = svc;
	c->epfd = epfd;
	c->ops = ops;
	c->proto = proto;
	c->fd = fd;
	c->is_unix = is_unix;
	if (is_unix)
		peer_load(&c->cred, fd);
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	if (ev_add(epfd, fd, wanted(c), &c->ev) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

void conn_consume(struct conn *c, size_t n)
{
	if (n > c->in_len)
		n = c->in_len;
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
}

static int grow(char **buf, size_t *cap, size_t need)
{
	size_t n = *cap ? *cap : 4096;
	char *p;

	while (n < need)
		n *= 2;
	if (n == *cap)
		return 0;
	if (!(p = realloc(*buf, n)))
		return -1;
	*buf = p;
	*cap = n;
	return 0;
}

static void flush(struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off,
				 c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			conn_abort(c); /* the client is gone */
			return;
		}
		c->out_off += (size_t)n;
	}
	if (c->out_off == c->out_len) {
		c->out_off = c->out_len = 0;
		if (c->shut_wr == 1) {
			shutdown(c->fd, SHUT_WR);
			c->shut_wr = 2;
		}
		if (c->closing) {
			conn_abort(c);
			return;
		}
	}
	update(c);
}

int conn_write(struct conn *c, const void *buf, size_t n)
{
	if (c->dead)
		return -1;
	if (grow(&c->out, &c->out_cap, c->out_len + n) < 0) {
		conn_abort(c);
		return -1;
	}
	memcpy(c->out + c->out_len, buf, n);
	c->out_len += n;
	flush(c);
	return 0;
}

int conn_printf(struct conn *c, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(buf))
		n = (int)sizeof(buf) - 1;
	return conn_write(c, buf, (size_t)n);
}

void conn_shutdown_output(struct conn *c)
{
	if (!c->shut_wr)
		c->shut_wr = 1;
	if (!c->dead)
		flush(c);
}

void conn_close_after_output(struct conn *c)
{
	c->closing = 1;
	if (!c->dead && c->out_off == c->out_len)
		conn_abort(c);
}

int conn_watch_aux(struct conn *c, int fd)
{
	if (c->aux_fd >= 0 || ev_add(c->epfd, fd, EPOLLIN, &c->aux_ev) < 0)
		return -1;
	c->aux_fd = fd;
	return 0;
}

void conn_unwatch_aux(struct conn *c)
{
	if (c->aux_fd >= 0)
		ev_del(c->epfd, c->aux_fd);
	c->aux_fd = -1;
}

void conn_on_aux_event(struct evsrc *aux, unsigned events)
{
	struct conn *c = (struct conn *)(void *)((char *)aux -
						 offsetof(struct conn, aux_ev));

	if (!c->dead && c->aux_fd >= 0 && c->ops->aux)
		c->ops->aux(c, events);
}

void conn_abort(struct conn *c)
{
	if (c->dead)
		return;
	c->dead = 1;
	conn_unwatch_aux(c);
	ev_del(c->epfd, c->fd);
}

int conn_take_fd(struct conn *c, uint64_t *at)
{
	int fd;

	if (!c->nfds)
		return -1;
	fd = c->fds[0];
	if (at)
		*at = c->fd_at[0];
	memmove(c->fds, c->fds + 1, (c->nfds - 1) * sizeof(*c->fds));
	memmove(c->fd_at, c->fd_at + 1, (c->nfds - 1) * sizeof(*c->fd_at));
	c->nfds--;
	return fd;
}

void conn_pause(struct conn *c, int paused)
{
	if (c->paused == paused)
		return;
	c->paused = paused;
	update(c);
}

/* Reads what the socket holds, descriptors included; 0, or -1 on error. */
static int fill(struct conn *c)
{
	int fds[CONN_MAX_FDS];
	size_t i, nfds;
	ssize_t n;

	if (c->in_cap - c->in_len < 4096 &&
	    grow(&c->in, &c->in_cap, c->in_len + 65536) < 0)
		return -1;
	n = fdpass_recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len,
			MSG_DONTWAIT, fds, c->is_unix ? CONN_MAX_FDS - c->nfds : 0,
			&nfds);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		c->eof = 1;
	c->in_len += (size_t)n;
	c->in_total += (uint64_t)n;
	for (i = 0; i < nfds; i++) { /* they came with the last bytes read */
		c->fd_at[c->nfds] = c->in_total;
		c->fds[c->nfds++] = fds[i];
	}
	return 0;
}

void conn_on_event(struct conn *c, unsigned events)
{
	if (events & EPOLLOUT)
		flush(c);
	if (c->dead)
		return;
	if (events & (EPOLLHUP | EPOLLERR))
		c->hup = 1;
	if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) &&
	    !c->paused && !c->eof) {
		/* EPOLLHUP/ERR are read too: recvmsg() says what happened */
		if (fill(c) < 0) {
			conn_abort(c);
			return;
		}
		c->ops->input(c);
		if (c->dead)
			return;
		if (c->in_len >= CONN_MAX_INPUT_BYTES)
			conn_pause(c, 1);
		update(c);
	} else if (events & (EPOLLHUP | EPOLLERR)) {
		conn_abort(c); /* gone both ways: nothing can reach it */
	}
}

void conn_free(struct conn *c)
{
	unsigned i;

	if (c->ops->release)
		c->ops->release(c);
	for (i = 0; i < c->nfds; i++)
		close(c->fds[i]);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
}
