/*
 * metrics.c -- a minimal HTTP/1.0 endpoint for Prometheus: GET /metrics
 * answers the text format, anything else 404. One request per connection;
 * the request head is capped at METRICS_MAX_REQUEST_BYTES.
 */
#define _GNU_SOURCE
#include <string.h>

#include "server.h"

#define METRICS_MAX_REQUEST_BYTES 8192
/* Seconds a scraper has to send its request. */
#define METRICS_TIMEOUT_S 10

static void input(struct conn *c)
{
	char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);

	if (!end && !memmem(c->in, c->in_len, "\n\n", 2)) {
		if (c->in_len > METRICS_MAX_REQUEST_BYTES || c->eof)
			conn_abort(c);
		return;
	}
	if (c->in_len > 12 && (!memcmp(c->in, "GET /metrics ", 13) ||
			       !memcmp(c->in, "GET /metrics?", 13)))
		stats_prometheus(c->srv, c);
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

const struct conn_ops metrics_ops = { input, timeout, release };

int metrics_accept(struct conn *c)
{
	c->deadline = ev_now() + METRICS_TIMEOUT_S;
	return 0;
}
