/*
 * http.h -- vigild's HTTP API and console (libmicrohttpd, in the event
 * loop: each MHD daemon's epoll descriptor is watched like any other, and
 * MHD runs only from the loop). Off unless HTTPPort or HTTPSocket is set.
 * The endpoints are docs/openapi.json; docs/http.md says how to use them.
 */
#ifndef VIGILD_HTTP_H
#define VIGILD_HTTP_H

#include <stddef.h>

#include "event.h"
#include "svc.h"

struct http;

/* Binds the configured listeners (before privileges are dropped) and
 * starts the daemons on epfd: 0 and *out (NULL when HTTP is off), or -1
 * with a one-line reason in err. */
int http_start(struct http **out, struct svc *svc, int epfd, char *err,
	       size_t errlen);
/* An MHD daemon's descriptor is ready (its evsrc), or a watched client
 * hung up. */
void http_on_event(struct http *h, struct evsrc *src, unsigned events);
/* Each loop turn: MHD's timeouts, connections resumed. */
void http_run(struct http *h);
/* Whether MHD has work ready now: the loop should not wait for events. */
int http_busy(const struct http *h);
void http_free(struct http *h);

#endif
