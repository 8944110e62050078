/*
 * clamd_request.c -- the requests of a clamd connection: one per command
 * (any number inside IDSESSION), each answered with "[N: ]text<delim>"
 * lines as its scans finish; the connection ends once nothing is left to
 * answer, unless a session goes on. Used by the command side (clamd.c)
 * and the scanning side (clamd_scan.c), and calls neither.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "clamd_request.h"
#include "dirwalk.h"
#include "svc.h"

void clamd_request_free(struct request *rq)
{
	struct clamd *cs = rq->cs;
	struct request **pp;

	for (pp = &cs->reqs; *pp; pp = &(*pp)->next) {
		if (*pp == rq) {
			*pp = rq->next;
			break;
		}
	}
	if (rq->stall_fd >= 0)
		close(rq->stall_fd);
	dirwalk_free(rq->walk);
	free(rq->path);
	free(rq);
}

struct request *clamd_request_new(struct conn *c, enum proto_cmd cmd,
				  char delim)
{
	struct clamd *cs = c->state;
	struct request *rq = calloc(1, sizeof(*rq));

	if (!rq)
		return NULL;
	rq->c = c;
	rq->cs = cs;
	rq->cmd = cmd;
	rq->stall_fd = -1;
	rq->delim = delim;
	rq->num = cs->session ? ++cs->seq : 0;
	rq->next = cs->reqs;
	cs->reqs = rq;
	return rq;
}

void clamd_reply(struct request *rq, const char *fmt, ...)
{
	char buf[8192];
	size_t n = 0;
	va_list ap;
	int k;

	if (rq->num)
		n = (size_t)snprintf(buf, sizeof(buf), "%u: ", rq->num);
	va_start(ap, fmt);
	k = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	n += (size_t)k < sizeof(buf) - n - 1 ? (size_t)k : sizeof(buf) - n - 2;
	buf[n++] = rq->delim;
	conn_write(rq->c, buf, n);
}

/* Ends the connection once nothing is left to answer, unless in a session. */
void clamd_maybe_finish(struct conn *c)
{
	struct clamd *cs = c->state;

	if (c->dead || cs->reqs)
		return;
	if (cs->state == ST_DONE || cs->ended || c->eof) {
		conn_close_after_output(c);
		return;
	}
	if (cs->session && cs->state == ST_COMMAND)
		c->deadline = ev_now() + c->svc->conf->idle_timeout_s;
}

void clamd_request_done(struct request *rq)
{
	struct conn *c = rq->c;

	clamd_request_free(rq);
	clamd_maybe_finish(c);
}

