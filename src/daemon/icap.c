/*
 * icap.c -- vigild's ICAP service (RFC 3507), "avscan" (alias
 * "virus_scan"): OPTIONS, and REQMOD/RESPMOD whose body is gathered into a
 * memory file, with a preview answered by "100 Continue" (a scanner needs
 * all of it), scanned by a worker, and answered with 204, the message
 * unchanged, or a block page with X-Infection-Found. Connections persist.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conn.h"
#include "detlog.h"
#include "icap.h"
#include "log.h"
#include "svc.h"
#include "virusevent.h"

/* Body bytes after which an answer that may not be 204 begins. */
#define ICAP_COMMIT_BYTES (32u << 10)

enum icap_state { IC_HEAD, IC_ENCAP, IC_CHUNK, IC_DATA, IC_DATA_END,
		  IC_TRAILER, IC_SCAN };

struct icap {
	enum icap_state state;
	struct icap_request req;
	char *hdrs;		/* the encapsulated HTTP headers */
	size_t hdrs_len;
	int memfd;
	uint64_t held;		/* memfd's charge (svc_mem_take) */
	uint64_t body_bytes, chunk_left;
	int in_preview, over;	/* over: the body passed StreamMaxLength */
	int busy;		/* it did not fit in StreamMemoryLimit */
	int zero_ieof;		/* the last zero chunk said ieof */
	int committed;		/* the 200 and headers are sent */
	struct pool_job job;
	int job_running;
	double t0;
};

static void reset(struct conn *c)
{
	struct icap *st = c->state;

	svc_mem_give(c->svc, st->held);
	st->held = 0;
	free(st->hdrs);
	st->hdrs = NULL;
	st->hdrs_len = 0;
	if (st->memfd >= 0)
		close(st->memfd);
	st->memfd = -1;
	st->body_bytes = st->chunk_left = 0;
	st->in_preview = st->over = st->busy = st->committed = 0;
	st->state = IC_HEAD;
}

static void istag(const struct svc *s, char *out, size_t len)
{
	struct pool_stats st;

	pool_stats(s->pool, &st);
	snprintf(out, len, "\"VG-%llu-%u\"", (unsigned long long)s->db.version,
		 st.generation);
}

/* The status line and the headers every response carries. */
static void head(struct conn *c, const char *status, const char *extra,
		 const char *encap)
{
	struct icap *st = c->state;
	char tag[48];

	istag(c->svc, tag, sizeof(tag));
	conn_printf(c, "ICAP/1.0 %s\r\nServer: Vigil/%s\r\nISTag: %s\r\n"
		    "Connection: %s\r\n%sEncapsulated: %s\r\n\r\n", status,
		    VIGIL_VERSION_STRING, tag,
		    st->req.close ? "close" : "keep-alive", extra, encap);
}

static void done(struct conn *c)
{
	struct icap *st = c->state;
	int close_it = st->req.close;

	reset(c);
	if (close_it)
		conn_close_after_output(c);
}

static void fail(struct conn *c, const char *status)
{
	struct icap *st = c->state;

	if (st->committed) {
		conn_abort(c); /* too late for a status: cut the message */
		return;
	}
	st->req.close = 1;
	head(c, status, "", "null-body=0");
	done(c);
}

static void options(struct conn *c)
{
	char extra[512];

	snprintf(extra, sizeof(extra),
		 "Methods: RESPMOD, REQMOD\r\nService: Vigil %s anti-virus\r\n"
		 "Max-Connections: %u\r\nOptions-TTL: 3600\r\nAllow: 204\r\n"
		 "Preview: %u\r\nTransfer-Preview: *\r\n",
		 VIGIL_VERSION_STRING, c->svc->conf->max_connections,
		 c->svc->conf->icap_preview_bytes);
	head(c, "200 OK", extra, "null-body=0");
	done(c);
}

/* The encapsulated section [from, to) of the headers, or "". */
static size_t section(const struct icap *st, int64_t from, const char **p)
{
	const struct icap_encap *e = &st->req.enc;
	int64_t to = icap_encap_end(e);

	*p = "";
	if (from < 0)
		return 0;
	if (e->res_hdr > from)
		to = e->res_hdr;
	*p = st->hdrs + from;
	return (size_t)(to - from);
}

/* 200 and the HTTP header section unchanged: the body follows. */
static void echo_head(struct conn *c)
{
	struct icap *st = c->state;
	int req = st->req.method == ICAP_REQMOD;
	const char *h;
	size_t hl = section(st, req ? st->req.enc.req_hdr : st->req.enc.res_hdr,
			    &h);
	char encap[96];

	snprintf(encap, sizeof(encap), "%s=0, %s=%zu", req ? "req-hdr" :
		 "res-hdr", st->memfd < 0 ? "null-body" : req ? "req-body" :
		 "res-body", hl);
	head(c, "200 OK", "", encap);
	conn_write(c, h, hl);
}

/*
 * A client that cannot keep the whole body for a 204 (no "Allow: 204":
 * Squid, past 64 KiB) stops sending until the answer begins. Past
 * ICAP_COMMIT_BYTES the answer begins: the status and headers unchanged,
 * the body held back until the scan says it is clean. Found then, the
 * connection is cut, and the client never gets the content.
 */
static void commit(struct conn *c)
{
	struct icap *st = c->state;

	st->committed = 1;
	echo_head(c);
}

/* The message unchanged: 200 with the HTTP part and the body echoed. */
static void echo(struct conn *c)
{
	struct icap *st = c->state;
	char *body;

	if (!st->committed)
		echo_head(c);
	if (st->memfd < 0)
		return done(c);
	if (st->body_bytes) {
		body = mmap(NULL, st->body_bytes, PROT_READ, MAP_PRIVATE,
			    st->memfd, 0);
		if (body == MAP_FAILED) {
			conn_abort(c);
			return;
		}
		conn_printf(c, "%llx\r\n", (unsigned long long)st->body_bytes);
		conn_write(c, body, st->body_bytes);
		conn_write(c, "\r\n", 2);
		munmap(body, st->body_bytes);
	}
	conn_write(c, "0\r\n\r\n", 5);
	done(c);
}

static void html_escaped(char *out, size_t len, const char *s)
{
	size_t n = 0;

	for (; *s && n + 7 < len; s++) {
		const char *r = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" :
				*s == '&' ? "&amp;" : *s == '"' ? "&quot;" : NULL;

		if (r) {
			memcpy(out + n, r, strlen(r));
			n += strlen(r);
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
}

/* The block page, in place of the response (or of the request). */
static void block(struct conn *c, const char *threat)
{
	char page[2048], http[1024], extra[512], encap[64], name[512];
	struct icap *st = c->state;
	int pl, hl;

	if (st->committed) {
		vlog(LOG_NOTICE, "icap(%s): %s: the answer had begun, the "
		     "connection is cut", c->peer, threat);
		conn_abort(c);
		return;
	}
	html_escaped(name, sizeof(name), threat);
	pl = snprintf(page, sizeof(page),
		      "<!DOCTYPE html>\n<html><head><title>Blocked by Vigil"
		      "</title></head><body>\n<h1>Download blocked</h1>\n"
		      "<p>Vigil found <b>%s</b> in this content, so it was "
		      "not delivered.</p>\n</body></html>\n", name);
	hl = snprintf(http, sizeof(http),
		      "HTTP/1.1 403 Forbidden\r\nContent-Type: text/html; "
		      "charset=utf-8\r\nContent-Length: %d\r\nCache-Control: "
		      "no-store\r\nX-Infection-Found: Type=0; Resolution=2; "
		      "Threat=%s;\r\nConnection: close\r\n\r\n", pl, threat);
	snprintf(extra, sizeof(extra), "X-Infection-Found: Type=0; "
		 "Resolution=2; Threat=%s;\r\nX-Virus-ID: %s\r\n", threat,
		 threat);
	snprintf(encap, sizeof(encap), "res-hdr=0, res-body=%d", hl);
	head(c, "200 OK", extra, encap);
	conn_write(c, http, (size_t)hl);
	conn_printf(c, "%x\r\n", pl);
	conn_write(c, page, (size_t)pl);
	conn_write(c, "\r\n0\r\n\r\n", 7);
	done(c);
}

/* A clean message: 204 where allowed, else the message unchanged. */
static void unchanged(struct conn *c, int in_preview)
{
	struct icap *st = c->state;

	if (st->req.allow_204 || in_preview) {
		head(c, "204 No Content", "", "null-body=0");
		done(c);
	} else {
		echo(c);
	}
}

static void input(struct conn *c);

static void scanned(struct pool_job *j, const struct wire_result *r,
		    enum pool_failure why)
{
	struct conn *c = j->ctx;
	struct icap *st = c->state;

	st->job_running = 0;
	if (why == POOL_CANCELLED)
		return;
	counters_add_scan(&c->svc->n, VIA_ICAP, r, ev_now() - st->t0);
	if (why == POOL_BUSY) {
		c->svc->n.queue_refused++;
		fail(c, "503 Service Unavailable");
	} else if (why || !r || r->rc < 0) {
		vlog(LOG_WARNING, "icap(%s): scan failed", c->peer);
		fail(c, "500 Server Error");
	} else if (r->verdict != VIGIL_VERDICT_CLEAN) {
		const char *name = r->ndetections ? r->text : WIRE_UNNAMED;

		vlog(LOG_NOTICE, "icap(%s): %s FOUND", c->peer, name);
		virus_event(c->svc->conf->virus_event, "icap", name);
		detlog_add("icap", "icap", name, r->ndetections ?
			   name + strlen(name) + 1 : "");
		block(c, name);
	} else {
		unchanged(c, st->in_preview);
	}
	if (c->dead)
		return;
	conn_pause(c, 0);
	if (c->in_len)
		input(c); /* a request that came while this one was scanned */
}

static void body_complete(struct conn *c)
{
	struct icap *st = c->state;

	if (st->busy)
		return fail(c, "503 Service Unavailable");
	if (st->over && !c->svc->conf->limits_warn) {
		c->svc->n.instream_limit++;
		return block(c, "Heuristics.Limits.Exceeded.StreamMaxLength");
	}
	st->state = IC_SCAN;
	c->deadline = 0;
	st->t0 = ev_now();
	memset(&st->job, 0, sizeof(st->job));
	st->job.fd = st->memfd;
	st->job.kind = JOB_SCAN;
	st->job.done = scanned;
	st->job.ctx = c;
	if (pool_submit(c->svc->pool, &st->job) < 0) {
		c->svc->n.queue_refused++;
		return fail(c, "503 Service Unavailable");
	}
	st->job_running = 1;
	conn_pause(c, 1); /* the next request waits for this answer */
}


/* Keeps n bytes of the body: 0, or -1. Past StreamMaxLength or
 * StreamMemoryLimit it reads on and keeps nothing; the end says which. */
static int store(struct conn *c, size_t n)
{
	struct icap *st = c->state;
	size_t off = 0;
	ssize_t w;

	if (st->over || st->busy)
		return 0;
	if (st->body_bytes + n > c->svc->conf->stream_max_bytes) {
		st->over = 1;
		return 0;
	}
	if (svc_mem_take(c->svc, n) < 0) {
		vlog(LOG_WARNING, "icap(%s): StreamMemoryLimit reached",
		     c->peer);
		st->busy = 1;
		return 0;
	}
	st->held += n;
	while (off < n) {
		w = write(st->memfd, c->in + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	st->body_bytes += n;
	if (!st->committed && !st->req.allow_204 && !st->in_preview &&
	    st->body_bytes >= ICAP_COMMIT_BYTES)
		commit(c);
	return 0;
}

/* One step of the chunked body; 0 when more input is needed. */
static int body_step(struct conn *c)
{
	struct icap *st = c->state;
	uint64_t size;
	size_t used, n;
	int ieof, rc;

	switch (st->state) {
	case IC_CHUNK:
		rc = icap_parse_chunk(c->in, c->in_len, &size, &ieof, &used);
		if (rc <= 0)
			return rc;
		conn_consume(c, used);
		st->chunk_left = size;
		st->zero_ieof = ieof;
		st->state = size ? IC_DATA : IC_TRAILER;
		return 1;
	case IC_DATA:
		n = c->in_len < st->chunk_left ? c->in_len : st->chunk_left;
		if (!n)
			return 0;
		if (store(c, n) < 0)
			return -1;
		conn_consume(c, n);
		if (!(st->chunk_left -= n))
			st->state = IC_DATA_END;
		return 1;
	case IC_DATA_END:
		if (c->in_len < 2)
			return 0;
		if (memcmp(c->in, "\r\n", 2))
			return -1;
		conn_consume(c, 2);
		st->state = IC_CHUNK;
		return 1;
	default:
		return -1;
	}
}

/*
 * After the zero chunk, its empty line. The body is whole, unless a
 * preview ended without "ieof": then the rest is asked for (a scanner
 * cannot judge by a preview) and follows in new chunks.
 */
static int trailer(struct conn *c)
{
	struct icap *st = c->state;

	if (c->in_len < 2)
		return 0;
	if (memcmp(c->in, "\r\n", 2))
		return -1;
	conn_consume(c, 2);
	if (st->in_preview && !st->zero_ieof) {
		st->in_preview = 0;
		st->state = IC_CHUNK;
		conn_printf(c, "ICAP/1.0 100 Continue\r\n\r\n");
		return 1;
	}
	body_complete(c);
	return 1;
}

static void start(struct conn *c)
{
	struct icap *st = c->state;
	const char *svc = st->req.service;

	if (strcmp(svc, "avscan") && strcmp(svc, "virus_scan"))
		return fail(c, "404 ICAP Service Not Found");
	if (st->req.method == ICAP_OPTIONS)
		return options(c);
	if (st->req.method != ICAP_REQMOD && st->req.method != ICAP_RESPMOD)
		return fail(c, "405 Method Not Allowed");
	st->state = IC_ENCAP;
}

static int head_step(struct conn *c)
{
	struct icap *st = c->state;
	long len = icap_head_len(c->in, c->in_len);
	size_t n;

	if (len <= 0)
		return (int)len;
	n = (size_t)len;
	if (icap_parse_head(c->in, n, &st->req) < 0)
		return -1;
	conn_consume(c, n);
	c->deadline = ev_now() + c->svc->conf->read_timeout_s;
	start(c);
	return 1;
}

/* The encapsulated HTTP headers, then the body's first chunk. */
static int encap_step(struct conn *c)
{
	struct icap *st = c->state;
	size_t n = (size_t)icap_encap_end(&st->req.enc);

	if (c->in_len < n)
		return 0;
	if (!(st->hdrs = malloc(n + 1)))
		return -1;
	memcpy(st->hdrs, c->in, n);
	st->hdrs_len = n;
	conn_consume(c, n);
	if (st->req.enc.body < 0) {
		unchanged(c, 1); /* nothing to scan: no body */
		return 1;
	}
	st->memfd = memfd_create("vigild-icap", MFD_CLOEXEC);
	if (st->memfd < 0)
		return -1;
	st->in_preview = st->req.preview >= 0;
	st->state = IC_CHUNK;
	return 1;
}

static void input(struct conn *c)
{
	struct icap *st = c->state;
	int rc = 1;

	while (rc > 0 && !c->dead && st->state != IC_SCAN) {
		if (st->state == IC_HEAD && !c->in_len)
			break;
		if (st->state != IC_HEAD)
			c->deadline = ev_now() + c->svc->conf->read_timeout_s;
		if (st->state == IC_HEAD)
			rc = head_step(c);
		else if (st->state == IC_ENCAP)
			rc = encap_step(c);
		else if (st->state == IC_TRAILER)
			rc = trailer(c);
		else
			rc = body_step(c);
	}
	if (rc < 0 && !c->dead)
		return fail(c, "400 Bad Request");
	if (!c->dead && st->state == IC_HEAD && !st->job_running)
		c->deadline = ev_now() + c->svc->conf->idle_timeout_s;
	if (!c->dead && c->eof && !st->job_running)
		conn_close_after_output(c);
}

static void timeout(struct conn *c)
{
	struct icap *st = c->state;

	if (st->state == IC_HEAD && !c->in_len)
		conn_abort(c); /* an idle persistent connection */
	else
		fail(c, "408 Request Timeout");
}

static void release(struct conn *c)
{
	struct icap *st = c->state;

	if (st->job_running)
		pool_cancel(c->svc->pool, &st->job);
	reset(c);
	free(st);
	c->state = NULL;
}

static int accept_icap(struct conn *c)
{
	struct icap *st = calloc(1, sizeof(*st));

	if (!st)
		return -1;
	st->memfd = -1;
	c->state = st;
	c->deadline = ev_now() + c->svc->conf->command_timeout_s;
	return 0;
}

const struct conn_ops icap_ops = {
	.accept = accept_icap, .input = input, .timeout = timeout,
	.release = release,
};
