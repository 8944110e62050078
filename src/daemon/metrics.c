/*
 * metrics.c -- a minimal HTTP/1.0 endpoint for Prometheus: GET /metrics
 * answers the text format, anything else 404. One request per connection;
 * the request head is capped at METRICS_MAX_REQUEST_BYTES.
 */
#include <string.h>

#include "common/reader.h"
#include "metrics.h"
#include "stats.h"
#include "svc.h"

#define METRICS_MAX_REQUEST_BYTES 8192
/* Seconds a scraper has to send its request. */
#define METRICS_TIMEOUT_S 10

/* Whether buf holds a whole request head: lines up to an empty one. */
static int head_complete(const char *buf, size_t len)
{
	struct rdr in;
	const char *line;
	size_t n;

	rdr_init(&in, buf, len);
	while (rdr_until(&in, '\n', METRICS_MAX_REQUEST_BYTES, &line, &n))
		if (!n || (n == 1 && line[0] == '\r'))
			return 1;
	return 0;
}

/* "GET /metrics HTTP/1.x" or "GET /metrics?query ..." */
static int wants_metrics(const char *buf, size_t len)
{
	struct rdr in;
	int next;

	rdr_init(&in, buf, len);
	if (!rdr_accept(&in, "GET /metrics", 12))
		return 0;
	next = rdr_peek(&in);
	return next == ' ' || next == '?';
}

static void input(struct conn *c)
{
	if (!head_complete(c->in, c->in_len)) {
		if (c->in_len > METRICS_MAX_REQUEST_BYTES || c->eof)
			conn_abort(c);
		return;
	}
	if (wants_metrics(c->in, c->in_len))
		stats_prometheus(c->svc, c);
	else
		conn_printf(c, "HTTP/1.0 404 Not Found\r\nContent-Type: "
			    "text/plain\r\nConnection: close\r\n\r\n"
			    "vigild serves /metrics only\n");
	conn_consume(c, c->in_len);
	conn_close_after_output(c);
}

static void timeout(struct conn *c)
{
	conn_abort(c);
}

static void release(struct conn *c)
{
	(void)c;
}

static int accept_metrics(struct conn *c)
{
	c->deadline = ev_now() + METRICS_TIMEOUT_S;
	return 0;
}

const struct conn_ops metrics_ops = {
	.accept = accept_metrics, .input = input, .timeout = timeout,
	.release = release,
};
