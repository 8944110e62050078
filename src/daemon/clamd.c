/*
 * clamd.c -- the clamd protocol on a connection: commands, IDSESSION,
 * INSTREAM, FILDES and the replies clamd 1.4 gives, byte for byte. A
 * connection carries one command, or any number inside IDSESSION, each a
 * request whose replies are written as its scans finish. The objects are
 * opened here and scanned by the workers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clamd.h"
#include "dirwalk.h"
#include "log.h"
#include "proto.h"
#include "server.h"

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
static void maybe_finish(struct conn *c)
{
	struct clamd *cs = c->state;

	if (c->dead || cs->reqs)
		return;
	if (cs->state == ST_DONE || cs->ended) {
		conn_close_after_output(c);
		return;
	}
	if (cs->session && cs->state == ST_COMMAND)
		c->deadline = ev_now() + c->srv->conf->idle_timeout_s;
}

void clamd_request_done(struct request *rq)
{
	struct conn *c = rq->c;

	clamd_request_free(rq);
	maybe_finish(c);
}

static void simple(struct conn *c, const struct proto_command *pc,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void simple(struct conn *c, const struct proto_command *pc,
		   const char *fmt, ...)
{
	struct request *rq = clamd_request_new(c, pc->cmd, pc->delim);
	char text[8000];
	va_list ap;

	if (!rq) {
		conn_abort(c);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	clamd_reply(rq, "%s", text);
	clamd_request_done(rq);
}

void clamd_version(struct server *s, char *out, size_t len)
{
	time_t t = (time_t)s->db.version;
	char date[64] = "";
	struct tm tm;

	if (t)
		strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y",
			 gmtime_r(&t, &tm));
	snprintf(out, len, "Vigil %s/%llu/%s", VIGIL_VERSION_STRING,
		 (unsigned long long)s->db.version, date);
}

static void start_stream(struct conn *c, const struct proto_command *pc)
{
	struct clamd *cs = c->state;

	cs->stream_rq = clamd_request_new(c, pc->cmd, pc->delim);
	cs->memfd = memfd_create("vigild-instream", MFD_CLOEXEC);
	if (!cs->stream_rq || cs->memfd < 0) {
		vlog(LOG_ERR, "INSTREAM: %s", strerror(errno));
		conn_abort(c);
		return;
	}
	cs->stream_bytes = 0;
	cs->chunk_left = 0;
	cs->in_chunk = 0;
	cs->state = ST_STREAM;
	c->deadline = ev_now() + c->srv->conf->read_timeout_s;
}

static void start_fildes(struct conn *c, const struct proto_command *pc)
{
	struct clamd *cs = c->state;

	cs->fildes_rq = clamd_request_new(c, pc->cmd, pc->delim);
	if (!cs->fildes_rq) {
		conn_abort(c);
		return;
	}
	cs->fildes_cmd_end = c->in_total - c->in_len;
	cs->state = ST_FILDES;
	c->deadline = ev_now() + c->srv->conf->read_timeout_s;
}

/* A command that is not allowed here ends the session, as in clamd. */
static void refuse_in_session(struct conn *c, const struct proto_command *pc)
{
	struct clamd *cs = c->state;

	simple(c, pc, R_SESSION_INVALID);
	cs->state = ST_DONE;
	maybe_finish(c);
}

static void unknown(struct conn *c, const struct proto_command *pc)
{
	struct clamd *cs = c->state;

	if (cs->session) {
		refuse_in_session(c, pc);
		return;
	}
	simple(c, pc, R_UNKNOWN);
	cs->state = ST_DONE;
	maybe_finish(c);
}

static void control(struct conn *c, const struct proto_command *pc)
{
	struct clamd *cs = c->state;
	char v[256], text[8000];

	switch (pc->cmd) {
	case CMD_PING:
		simple(c, pc, R_PONG);
		break;
	case CMD_VERSION:
		clamd_version(c->srv, v, sizeof(v));
		simple(c, pc, "%s", v);
		break;
	case CMD_VERSIONCOMMANDS:
		clamd_version(c->srv, v, sizeof(v));
		simple(c, pc, "%s| COMMANDS: %s", v, PROTO_COMMAND_LIST);
		break;
	case CMD_RELOAD:
		server_request_reload(c->srv, "RELOAD command");
		simple(c, pc, R_RELOADING);
		break;
	case CMD_SHUTDOWN:
		vlog(LOG_NOTICE, "SHUTDOWN command from %s", c->peer);
		server_request_stop(c->srv);
		cs->state = ST_DONE;
		break;
	case CMD_STATS:
		stats_clamd(c->srv, text, sizeof(text));
		simple(c, pc, "%s", text);
		break;
	default:
		break;
	}
}

static void command(struct conn *c, const struct proto_command *pc)
{
	struct clamd *cs = c->state;

	if (cs->session && (pc->cmd == CMD_UNKNOWN ||
			    !proto_in_session(pc->cmd))) {
		refuse_in_session(c, pc);
		return;
	}
	if (!cs->session)
		cs->state = ST_DONE; /* one command per connection */
	c->deadline = 0;
	switch (pc->cmd) {
	case CMD_IDSESSION:
		cs->session = 1;
		cs->state = ST_COMMAND;
		c->deadline = ev_now() + c->srv->conf->idle_timeout_s;
		return;
	case CMD_END:
		if (!cs->session)
			return unknown(c, pc);
		cs->ended = 1;
		cs->state = ST_DONE;
		break;
	case CMD_SANDBOXPROBE:
		if (!c->srv->conf->debug_sandbox_probe)
			return unknown(c, pc);
		clamd_path_request(c, pc);
		break;
	case CMD_ALLMATCHSCAN:
		if (!c->srv->conf->allow_allmatch)
			return unknown(c, pc);
		clamd_path_request(c, pc);
		break;
	case CMD_SCAN: case CMD_CONTSCAN: case CMD_MULTISCAN:
		clamd_path_request(c, pc);
		break;
	case CMD_INSTREAM:
		start_stream(c, pc);
		return;
	case CMD_FILDES:
		start_fildes(c, pc);
		return;
	case CMD_UNKNOWN: case CMD_NONE:
		return unknown(c, pc);
	default:
		control(c, pc);
	}
	maybe_finish(c);
}

/* Reads commands while in the command state. */
static void commands(struct conn *c)
{
	static char arg[PROTO_MAX_COMMAND_BYTES + 1];
	struct clamd *cs = c->state;
	struct proto_command pc;
	int n;

	while (!c->dead && cs->state == ST_COMMAND && c->in_len) {
		n = proto_parse(c->in, c->in_len, c->eof, &pc);
		if (n == 0)
			break;
		if (n < 0) {
			pc.delim = c->in[0] == 'z' ? '\0' : '\n';
			pc.cmd = CMD_UNKNOWN;
			conn_consume(c, c->in_len);
			unknown(c, &pc);
			return;
		}
		/* the input moves when consumed: keep the path apart */
		memcpy(arg, pc.arg ? pc.arg : "", pc.arg_len);
		arg[pc.arg_len] = '\0';
		pc.arg = arg;
		conn_consume(c, (size_t)n);
		command(c, &pc);
	}
}

static void on_eof(struct conn *c)
{
	struct clamd *cs = c->state;

	if (cs->reqs && !cs->ended) {
		/* the client is gone: its scans are of no use to anyone */
		vlog(LOG_INFO, "client %s disconnected, its scans cancelled",
		     c->peer);
		conn_abort(c);
		return;
	}
	if (!cs->reqs)
		conn_abort(c);
}

static void input(struct conn *c)
{
	struct clamd *cs = c->state;

	for (;;) {
		enum clamd_state before = cs->state;
		size_t len = c->in_len;

		if (cs->state == ST_COMMAND)
			commands(c);
		if (!c->dead && cs->state == ST_STREAM)
			clamd_stream_input(c);
		if (!c->dead && cs->state == ST_FILDES)
			clamd_fildes_input(c);
		if (c->dead || (cs->state == before && c->in_len == len))
			break;
	}
	if (c->dead)
		return;
	if (cs->state == ST_DONE || cs->state == ST_DRAIN)
		conn_consume(c, c->in_len); /* nothing more is read */
	if (c->eof)
		on_eof(c);
}

static void timeout(struct conn *c)
{
	struct clamd *cs = c->state;

	if (cs->state == ST_DRAIN) {
		conn_abort(c);
		return;
	}
	/* clamd ends this one with a newline whatever the delimiter */
	conn_printf(c, "%s\n", R_TIMEOUT);
	while (cs->reqs)
		clamd_cancel(cs->reqs);
	cs->state = ST_DONE;
	conn_close_after_output(c);
}

static void release(struct conn *c)
{
	struct clamd *cs = c->state;

	while (cs->reqs)
		clamd_cancel(cs->reqs);
	if (cs->memfd >= 0)
		close(cs->memfd);
	free(cs);
	c->state = NULL;
}

const struct conn_ops clamd_ops = { input, timeout, release };

static void busy_input(struct conn *c)
{
	char delim = c->in_len && c->in[0] == 'z' ? '\0' : '\n';

	if (!c->in_len && !c->eof)
		return;
	conn_consume(c, c->in_len);
	conn_printf(c, "%s%c", R_BUSY, delim);
	conn_close_after_output(c);
}

static void busy_timeout(struct conn *c)
{
	conn_abort(c);
}

static void busy_release(struct conn *c)
{
	(void)c;
}

static const struct conn_ops busy_ops = { busy_input, busy_timeout,
					  busy_release };

int clamd_accept_busy(struct conn *c)
{
	c->ops = &busy_ops;
	c->deadline = ev_now() + 2;
	return 0;
}

int clamd_accept(struct conn *c)
{
	struct clamd *cs = calloc(1, sizeof(*cs));

	if (!cs)
		return -1;
	cs->memfd = -1;
	c->state = cs;
	c->deadline = ev_now() + c->srv->conf->command_timeout_s;
	return 0;
}
