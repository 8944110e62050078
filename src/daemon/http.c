/*
 * http.c -- see http.h. The daemons run in "external epoll" mode: the
 * loop watches each daemon's epoll descriptor and calls MHD_run() when it
 * is ready, and once a turn for timeouts and resumed connections. A
 * request finds its route on its first call; the access check comes
 * before any body is read; a scan suspends its connection until the
 * workers answer (a client that leaves meanwhile has its scans stopped).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <sodium.h>

#include "http.h"
#include "httpint.h"
#include "listen.h"
#include "log.h"

/* MHD runs in one turn of the loop before others get a turn. */
#define HTTP_RUNS_PER_TURN 64
/* A request's head and upload buffer, per connection, in bytes. */
#define HTTP_CONN_MEMORY (128u << 10)

static const struct hroute routes[] = {
	{ "POST", "/v1/scan", R_UPLOAD, NULL, scan_answer_v1 },
	{ "GET", "/v1/version", 0, info_version, NULL },
	{ "GET", "/v1/health", R_OPEN, info_health, NULL },
	{ "GET", "/v1/ready", R_OPEN, info_ready, NULL },
	{ "GET", "/v1/status", 0, info_status, NULL },
	{ "GET", "/v1/detections", 0, info_detections, NULL },
	{ "POST", "/v1/reload", R_CHANGES, info_reload, NULL },
	{ "GET", "/v1/openapi.json", R_OPEN, info_openapi, NULL },
	{ "GET", "/v1/quarantine", 0, info_quarantine, NULL },
	{ "POST", "/v1/scan/path", R_PATH, path_finish, path_answer_v1 },
	{ "GET", "/scanPath", R_PATH, path_finish, path_answer_rest },
	{ "GET", "/v1/shield/status", 0, shield_status, NULL },
	{ "GET", "/v1/shield/rules", 0, shield_rules, NULL },
	{ "GET", "/v1/shield/report", 0, shield_report, NULL },
	/* the console: its files are open, its data needs the token */
	{ "GET", "/", R_OPEN, console_page, NULL },
	{ "GET", "/console.js", R_OPEN, console_script, NULL },
	{ "GET", "/console.css", R_OPEN, console_style, NULL },
	/* ajilach/clamav-rest's, for its clients */
	{ "POST", "/v2/scan", R_UPLOAD, NULL, scan_answer_v2 },
	{ "POST", "/scan", R_UPLOAD, NULL, scan_answer_v0 },
	{ "GET", "/version", 0, info_compat_version, NULL },
};

static const struct hroute *find_route(const char *method, const char *url,
				       int *wrong_method)
{
	size_t i;

	*wrong_method = 0;
	for (i = 0; i < sizeof(routes) / sizeof(*routes); i++) {
		if (strcmp(routes[i].path, url))
			continue;
		if (!strcmp(routes[i].method, method))
			return &routes[i];
		*wrong_method = 1;
	}
	return NULL;
}

/* "Authorization: Bearer TOKEN", compared in constant time. */
static int token_ok(struct hreq *rq)
{
	const char *a = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND,
						    "Authorization");
	size_t n;

	if (!a || strncmp(a, "Bearer ", 7))
		return 0;
	a += 7;
	n = strlen(a);
	return n == rq->h->token_len &&
	       sodium_memcmp(a, rq->h->token, n) == 0;
}

/* 0 when rq may go on; else answered (401, 403). */
static int access_check(struct hreq *rq)
{
	unsigned f = rq->route->flags;

	if (f & R_OPEN)
		return 0;
	if (rq->h->token_len && !token_ok(rq)) {
		reply_error(rq, MHD_HTTP_UNAUTHORIZED, "unauthorized",
			    "this needs \"Authorization: Bearer\" with the "
			    "token of HTTPTokenFile");
		return -1;
	}
	if ((f & R_CHANGES) && !rq->h->token_len) {
		reply_error(rq, MHD_HTTP_FORBIDDEN, "forbidden", "a change "
			    "of state needs HTTPTokenFile to be set");
		return -1;
	}
	return 0;
}

/* The answer made, queued: MHD_YES, or MHD_NO (MHD would not take it
 * now: it is kept for the last call). */
static enum MHD_Result send_answer(struct hreq *rq)
{
	if (!rq->resp ||
	    MHD_queue_response(rq->conn, rq->status, rq->resp) != MHD_YES)
		return MHD_NO;
	MHD_destroy_response(rq->resp);
	rq->resp = NULL;
	rq->answered = 1;
	return MHD_YES;
}

static void scans_done(struct hreq *rq);

/* Watches a client while it waits (or its streamed body's worker does):
 * gone, its scans are stopped. */
static void watch_client(struct hreq *rq, int is_unix)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		rq->conn, MHD_CONNECTION_INFO_CONNECTION_FD);

	if (!ci || rq->hup_fd >= 0)
		return;
	rq->hup_ev.kind = EV_HTTP_HUP;
	/* over TCP a FIN is the end (HTTP clients do not half-close) */
	if (ev_add(rq->h->epfd, ci->connect_fd, is_unix ? 0 : EPOLLRDHUP,
		   &rq->hup_ev) == 0)
		rq->hup_fd = ci->connect_fd;
}

static void unwatch_client(struct hreq *rq)
{
	if (rq->hup_fd >= 0)
		ev_del(rq->h->epfd, rq->hup_fd);
	rq->hup_fd = -1;
}

/* The first call of a request: its route, the access check, and for a
 * scan the checks that need no body (size, type). */
static enum MHD_Result begin(struct httpd *hd, struct MHD_Connection *conn,
			     const char *url, const char *method,
			     void **con_cls)
{
	struct hreq *rq = calloc(1, sizeof(*rq));
	int wrong;

	if (!rq)
		return MHD_NO;
	*con_cls = rq;
	rq->h = hd->h;
	rq->conn = conn;
	rq->is_unix = hd->is_unix;
	rq->hup_fd = -1;
	rq->scans_done = scans_done;
	rq->t0 = ev_now();
	rq->h->requests++;
	rq->next = rq->h->reqs;
	if (rq->next)
		rq->next->prev = rq;
	rq->h->reqs = rq;
	if (!(rq->route = find_route(method, url, &wrong))) {
		if (wrong)
			reply_error(rq, MHD_HTTP_METHOD_NOT_ALLOWED,
				    "method_not_allowed", "%.16s is not allowed "
				    "on %.200s", method, url);
		else
			reply_error(rq, MHD_HTTP_NOT_FOUND, "not_found",
				    "no such endpoint: %.200s", url);
		send_answer(rq); /* whatever body follows is not read */
		return MHD_YES;
	}
	if (access_check(rq) == 0 && (rq->route->flags & R_UPLOAD) &&
	    scan_begin(rq) == 0 && rq->nfiles && rq->files[0].pipe_w >= 0)
		watch_client(rq, hd->is_unix); /* streamed: its worker waits */
	/* refused before the body: answered now, the body never read */
	if (rq->resp)
		send_answer(rq);
	return MHD_YES;
}

/* A streamed body's pipe is full: the connection waits for room (and
 * for its client, who may leave meanwhile). */
static void wait_for_room(struct httpd *hd, struct hreq *rq)
{
	int fd = rq->files[0].pipe_w;

	if (ev_add(rq->h->epfd, fd, EPOLLOUT, &rq->pipe_ev) < 0)
		return; /* MHD calls again: it will be tried then */
	rq->pipe_waiting = 1;
	MHD_suspend_connection(rq->conn);
	rq->suspended = 1;
	watch_client(rq, hd->is_unix);
}

static void stop_waiting_for_room(struct hreq *rq)
{
	if (!rq->pipe_waiting)
		return;
	ev_del(rq->h->epfd, rq->files[0].pipe_w);
	rq->pipe_waiting = 0;
}

/* Room in the pipe: the upload goes on (its client still watched). */
static void room(struct hreq *rq)
{
	stop_waiting_for_room(rq);
	if (!rq->suspended)
		return;
	rq->suspended = 0;
	MHD_resume_connection(rq->conn);
	rq->h->kick = 1;
}

/* The last call (the body is in, or the scans are done). */
static enum MHD_Result finish(struct httpd *hd, struct hreq *rq)
{
	if (rq->resp || !rq->route)
		return send_answer(rq);
	if (rq->route->flags & R_UPLOAD)
		scan_submit(rq);
	else
		rq->route->finish(rq); /* answered, or a path's scans out */
	if (rq->resp || !rq->pending)
		return send_answer(rq);
	MHD_suspend_connection(rq->conn);
	rq->suspended = 1;
	watch_client(rq, hd->is_unix);
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *data,
				  size_t *size, void **con_cls)
{
	struct httpd *hd = cls;
	struct hreq *rq = *con_cls;
	long taken;

	(void)version;
	if (!rq)
		return begin(hd, conn, url, method, con_cls);
	if (*size) {
		/* refused already: what still comes is dropped */
		if (rq->resp || rq->answered || !rq->route ||
		    !(rq->route->flags & R_UPLOAD)) {
			*size = 0;
			return MHD_YES;
		}
		taken = scan_data(rq, data, *size);
		if (taken < 0) {
			send_answer(rq); /* at once if MHD takes it now */
			*size = 0;
		} else if ((*size -= (size_t)taken) > 0) {
			wait_for_room(hd, rq); /* called again with the rest */
		}
		return MHD_YES;
	}
	if (rq->answered)
		return MHD_YES;
	return finish(hd, rq);
}

/* The scans of rq are all done (or cancelled): answered, resumed. */
static void scans_done(struct hreq *rq)
{
	unwatch_client(rq);
	stop_waiting_for_room(rq);
	if (!rq->suspended)
		return;
	if (rq->gone)
		reply_error(rq, 499, "client_gone", "the client left");
	else if (!rq->resp) /* a scan's; other waits made theirs */
		rq->route->answer(rq);
	rq->suspended = 0;
	MHD_resume_connection(rq->conn);
	rq->h->kick = 1;
}

static void on_completed(void *cls, struct MHD_Connection *conn,
			 void **con_cls, enum MHD_RequestTerminationCode why)
{
	struct hreq *rq = *con_cls;

	(void)cls;
	(void)conn;
	(void)why;
	if (!rq)
		return;
	unwatch_client(rq);
	stop_waiting_for_room(rq);
	scan_release(rq);
	path_release(rq);
	shield_release(rq);
	if (rq->resp)
		MHD_destroy_response(rq->resp);
	if (rq->prev)
		rq->prev->next = rq->next;
	else
		rq->h->reqs = rq->next;
	if (rq->next)
		rq->next->prev = rq->prev;
	/* events of the same epoll batch may still name it (its client's,
	 * its pipe's, the shield's): freed once the batch is handled */
	rq->dead = 1;
	rq->next = rq->h->dead;
	rq->h->dead = rq;
	*con_cls = NULL;
}

static void free_dead(struct http *h)
{
	struct hreq *rq;

	while ((rq = h->dead)) {
		h->dead = rq->next;
		shield_free(rq);
		free(rq);
	}
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	vlog(LOG_INFO, "http: %s", msg);
}

/* The token file's first line: 0, or -1 with err. */
static int read_token(struct http *h, const char *path, char *err,
		      size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, h->token, sizeof(h->token) - 1);

	if (fd >= 0)
		close(fd);
	if (n < 0) {
		snprintf(err, errlen, "HTTPTokenFile %s: %s", path,
			 strerror(errno));
		return -1;
	}
	h->token[n] = '\0';
	h->token_len = strcspn(h->token, "\r\n");
	h->token[h->token_len] = '\0';
	if (h->token_len < 16) {
		snprintf(err, errlen, "HTTPTokenFile %s: a token of at least "
			 "16 characters is needed", path);
		return -1;
	}
	return 0;
}

/* A PEM file into memory (MHD wants the text): NULL with err. */
static char *read_pem(const char *path, const char *key, char *err,
		      size_t errlen)
{
	static const size_t cap = 1u << 20;
	char *buf = calloc(1, cap + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 || !buf ? -1 : read(fd, buf, cap);

	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		snprintf(err, errlen, "%s %s: %s", key, path,
			 n == 0 ? "empty" : strerror(errno));
		free(buf);
		return NULL;
	}
	return buf;
}

/* One MHD daemon on the listening socket fd (taken over). */
static int start_daemon(struct http *h, int fd, int is_unix, const char *key,
			const char *cert, char *err, size_t errlen)
{
	const struct vconf *c = h->svc->conf;
	struct httpd *hd = &h->d[h->nd];
	const union MHD_DaemonInfo *di;
	unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_ERROR_LOG | (key && !is_unix ? MHD_USE_TLS : 0);

	hd->h = h;
	hd->is_unix = is_unix;
	hd->ev.kind = EV_HTTP;
	hd->d = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, hd,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, hd,
		MHD_OPTION_CONNECTION_LIMIT, c->http_max_connections,
		MHD_OPTION_CONNECTION_TIMEOUT, c->read_timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
		key && !is_unix ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END,
		key, MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_END);
	if (!hd->d) {
		close(fd);
		snprintf(err, errlen, "cannot start the HTTP server");
		return -1;
	}
	di = MHD_get_daemon_info(hd->d, MHD_DAEMON_INFO_EPOLL_FD);
	if (!di || ev_add(h->epfd, di->epoll_fd, EPOLLIN, &hd->ev) < 0) {
		snprintf(err, errlen, "cannot watch the HTTP server");
		return -1;
	}
	h->nd++;
	return 0;
}

/* The listeners the configuration names, as daemons. */
static int listeners(struct http *h, const char *key, const char *cert,
		     char *err, size_t errlen)
{
	const struct vconf *c = h->svc->conf;
	const char *addr = c->http_addr ? c->http_addr : "127.0.0.1";
	int fd;

	if (c->http_port) {
		if ((fd = listen_tcp(addr, c->http_port, err, errlen)) < 0 ||
		    start_daemon(h, fd, 0, key, cert, err, errlen) < 0)
			return -1;
		vlog(LOG_INFO, "listening on %s port %u (HTTP%s)", addr,
		     c->http_port, key ? "S" : "");
	}
	if (c->http_socket) {
		if ((fd = listen_unix(c->http_socket, c->local_socket_mode,
				      c->local_socket_group, 1, err,
				      errlen)) < 0 ||
		    start_daemon(h, fd, 1, NULL, NULL, err, errlen) < 0)
			return -1;
		vlog(LOG_INFO, "listening on %s (HTTP)", c->http_socket);
	}
	return 0;
}

int http_start(struct http **out, struct svc *svc, int epfd, char *err,
	       size_t errlen)
{
	const struct vconf *c = svc->conf;
	char *key = NULL, *cert = NULL;
	struct http *h;
	int rc = -1;

	*out = NULL;
	if (!c->http_port && !c->http_socket)
		return 0;
	if (!(h = calloc(1, sizeof(*h)))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	h->svc = svc;
	h->epfd = epfd;
	if ((!c->http_token_file ||
	     read_token(h, c->http_token_file, err, errlen) == 0) &&
	    (!c->http_tls_key ||
	     ((key = read_pem(c->http_tls_key, "HTTPTLSKey", err, errlen)) &&
	      (cert = read_pem(c->http_tls_cert, "HTTPTLSCertificate", err,
			       errlen)))))
		rc = listeners(h, key, cert, err, errlen);
	if (key)
		sodium_memzero(key, strlen(key));
	free(key);
	free(cert);
	if (rc < 0) {
		http_free(h);
		return -1;
	}
	*out = h;
	return 0;
}

/*
 * Runs a daemon until it has nothing ready: its own epoll is
 * edge-triggered, so data already buffered on a connection (a large body
 * arrives faster than one run reads it) raises no new event; MHD says so
 * by a timeout of 0. Past HTTP_RUNS_PER_TURN the loop is told to come back
 * at once (http_busy) rather than wait for an event.
 */
static void run_daemon(struct http *h, struct httpd *hd)
{
	MHD_UNSIGNED_LONG_LONG t;
	unsigned i;

	for (i = 0; i < HTTP_RUNS_PER_TURN; i++) {
		MHD_run(hd->d);
		if (MHD_get_timeout(hd->d, &t) != MHD_YES || t > 0)
			return;
	}
	h->kick = 1;
}

void http_on_event(struct http *h, struct evsrc *src, unsigned events)
{
	(void)events;
	if (src->kind == EV_HTTP_PIPE) {
		struct hreq *rq = scan_pipe_ready(src);

		if (!rq->dead)
			room(rq);
		return;
	}
	if (src->kind == EV_HTTP_SHIELD) {
		shield_on_event(src);
		return;
	}
	if (src->kind == EV_HTTP_HUP) {
		struct hreq *rq = (struct hreq *)((char *)src -
						   offsetof(struct hreq, hup_ev));

		if (rq->dead)
			return;
		vlog(LOG_INFO, "http: a client left during its scan: "
		     "stopped");
		scan_hup(rq);
		path_hup(rq);
		return;
	}
	run_daemon(h, (struct httpd *)src);
}

void http_run(struct http *h)
{
	struct hreq *rq, *next;
	double now = ev_now();
	unsigned i;

	if (!h)
		return;
	free_dead(h); /* the batch that could name them is handled */
	for (rq = h->reqs; rq; rq = next) {
		next = rq->next;
		shield_tick(rq, now);
	}
	h->kick = 0;
	for (i = 0; i < h->nd; i++)
		run_daemon(h, &h->d[i]);
}

int http_busy(const struct http *h)
{
	return h && h->kick;
}

void http_free(struct http *h)
{
	struct hreq *rq;
	unsigned i;

	if (!h)
		return;
	/* no connection may stay suspended when a daemon stops */
	for (rq = h->reqs; rq; rq = rq->next)
		if (rq->suspended) {
			scan_hup(rq);
			path_hup(rq);
		}
	for (i = 0; i < h->nd; i++)
		MHD_stop_daemon(h->d[i].d);
	free_dead(h);
	sodium_memzero(h->token, sizeof(h->token));
	free(h);
}
