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
#include "clamd_request.h"
#include "clamd_fildes.h"
#include "clamd_scan.h"
#include "dirwalk.h"
#include "log.h"
#include "proto.h"
#include "stats.h"
#include "svc.h"

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

/* "Vigil 0.2.0/<db version>/<db date>" */
static void clamd_version(const struct db_info *db, char *out, size_t len)
{
	time_t t = (time_t)db->version;
	char date[64] = "";
	struct tm tm;

	if (t)
		strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y",
			 gmtime_r(&t, &tm));
	snprintf(out, len, "Vigil %s/%llu/%s", VIGIL_VERSION_STRING,
		 (unsigned long long)db->version, date);
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
	c->deadline = ev_now() + c->svc->conf->read_timeout_s;
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
	c->deadline = ev_now() + c->svc->conf->read_timeout_s;
}

/* A command that is not allowed here ends the session, as in clamd. */
static void refuse_in_session(struct conn *c, const struct proto_command *pc)
{
	struct clamd *cs = c->state;

	simple(c, pc, R_SESSION_INVALID);
	cs->state = ST_DONE;
	clamd_maybe_finish(c);
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
	clamd_maybe_finish(c);
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
		clamd_version(&c->svc->db, v, sizeof(v));
		simple(c, pc, "%s", v);
		break;
	case CMD_VERSIONCOMMANDS:
		clamd_version(&c->svc->db, v, sizeof(v));
		simple(c, pc, "%s| COMMANDS: %s", v, PROTO_COMMAND_LIST);
		break;
	case CMD_RELOAD:
		svc_request_reload(c->svc, "RELOAD command");
		simple(c, pc, R_RELOADING);
		break;
	case CMD_SHUTDOWN:
		if (!c->is_unix && !c->svc->conf->allow_tcp_shutdown) {
			vlog(LOG_WARNING, "SHUTDOWN refused from %s: not over "
			     "TCP (AllowTCPShutdown no)", c->peer);
			simple(c, pc, "SHUTDOWN: not allowed over TCP. ERROR");
			break;
		}
		vlog(LOG_NOTICE, "SHUTDOWN command from %s", c->peer);
		svc_request_stop(c->svc);
		cs->state = ST_DONE;
		break;
	case CMD_STATS:
		stats_clamd(c->svc, text, sizeof(text));
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
		c->deadline = ev_now() + c->svc->conf->idle_timeout_s;
		return;
	case CMD_END:
		if (!cs->session)
			return unknown(c, pc);
		cs->ended = 1;
		cs->state = ST_DONE;
		break;
	case CMD_SANDBOXPROBE:
		if (!c->svc->conf->debug_sandbox_probe)
			return unknown(c, pc);
		clamd_path_request(c, pc);
		break;
	case CMD_SANDBOXSTALL:
		if (!c->svc->conf->debug_sandbox_probe)
			return unknown(c, pc);
		clamd_stall_request(c, pc);
		break;
	case CMD_ALLMATCHSCAN:
		if (!c->svc->conf->allow_allmatch)
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
	clamd_maybe_finish(c);
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
		/* half-closed (Node's stream.pipe() ends the socket after the
		 * last chunk): it still reads, and clamd answers it; a TCP
		 * close looks the same and learns of it when the reply fails */
		if (!c->hup)
			return;
		/* gone both ways: its scans are of no use to anyone */
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
	if (cs->state == ST_FDREAD) {
		clamd_fdread_timeout(c);
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

	clamd_fdread_stop(c);
	while (cs->reqs)
		clamd_cancel(cs->reqs);
	clamd_stream_release(c);
	free(cs);
	c->state = NULL;
}


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

static int busy_accept(struct conn *c)
{
	c->deadline = ev_now() + 2;
	return 0;
}

const struct conn_ops clamd_busy_ops = {
	.accept = busy_accept, .input = busy_input, .timeout = busy_timeout,
	.release = busy_release,
};

static int accept_clamd(struct conn *c)
{
	struct clamd *cs = calloc(1, sizeof(*cs));

	if (!cs)
		return -1;
	cs->memfd = -1;
	cs->fdread_fd = cs->fdread_memfd = -1;
	c->state = cs;
	c->deadline = ev_now() + c->svc->conf->command_timeout_s;
	return 0;
}

const struct conn_ops clamd_ops = {
	.accept = accept_clamd, .input = input, .timeout = timeout,
	.release = release, .aux = clamd_fdread_input,
};
