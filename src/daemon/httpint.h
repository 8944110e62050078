/*
 * httpint.h -- what the parts of the HTTP API share (http.c: daemons,
 * requests, routes and access; httpscan.c: uploads and their scans;
 * httpinfo.c: the state endpoints; httpreply.c: answers). Not for the
 * rest of vigild, which sees http.h.
 */
#ifndef VIGILD_HTTPINT_H
#define VIGILD_HTTPINT_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdint.h>

#include "event.h"
#include "pool.h"
#include "svc.h"

/* Files in one multipart request, at most. */
#define HTTP_MAX_FILES 64
/* A body of at least this many bytes (by its Content-Length) goes to a
 * worker through a pipe as it arrives, not held whole first. */
#define HTTP_STREAM_MIN_BYTES (1u << 20)
/* The pipe's buffer, in bytes. */
#define HTTP_PIPE_BYTES (1u << 20)
/* A bearer token's longest form, in bytes. */
#define HTTP_MAX_TOKEN 256

struct http;
struct hreq;

/* One MHD daemon: the TCP listener's or the unix socket's. */
struct httpd {
	struct evsrc ev;	/* EV_HTTP */
	struct MHD_Daemon *d;
	struct http *h;
	int is_unix;
};

struct http {
	struct svc *svc;
	int epfd;
	struct httpd d[2];
	unsigned nd;
	char token[HTTP_MAX_TOKEN];
	size_t token_len;	/* 0: no token configured */
	int kick;		/* a connection was resumed: run MHD */
	struct hreq *reqs;	/* requests not yet completed */
	struct hreq *dead;	/* completed, freed after the event batch */
	uint64_t requests, refused;
};

/* An uploaded object and, once scanned, its result. */
struct hfile {
	char name[256];		/* the part's file name, or "body" */
	int fd;			/* its memory file; -1 once handed over */
	uint64_t bytes, held;	/* size; memory charged (svc_mem_take) */
	struct pool_job pj;
	struct hreq *rq;
	int pipe_w;		/* streamed: the pipe's end written here, or -1 */
	int submitted, done;
	enum pool_failure why;
	int32_t rc, verdict;
	json_t *detections;	/* [{"name", "path"}] */
	double seconds;
};

enum route_flags {
	R_UPLOAD = 1,		/* takes a body to scan */
	R_CHANGES = 2,		/* changes state: the token, always */
	R_OPEN = 4,		/* no token needed (health) */
	R_PATH = 8,		/* scans a path on the server (httppath.c) */
};

struct hroute {
	const char *method, *path;
	unsigned flags;
	/* the answer of a request without a body to scan (else NULL) */
	void (*finish)(struct hreq *rq);
	/* R_UPLOAD: the answer once its scans are done, in /v1's form or
	 * clamav-rest's */
	void (*answer)(struct hreq *rq);
};

struct hreq {
	struct http *h;
	struct MHD_Connection *conn;
	const struct hroute *route;
	const char *query_name;	/* ?name= */
	struct hfile files[HTTP_MAX_FILES];
	unsigned nfiles;
	unsigned nameless;	/* parts without a file name */
	struct MHD_PostProcessor *pp;
	struct MHD_Response *resp;	/* the answer, once made */
	unsigned status;
	unsigned pending;	/* scans in flight */
	int suspended, gone;
	int answered;		/* a response is queued */
	int dead;		/* completed: on http.dead */
	double t0;
	struct evsrc hup_ev;	/* EV_HTTP_HUP: the client, while suspended */
	int hup_fd;
	struct evsrc pipe_ev;	/* EV_HTTP_PIPE: waiting for room in it */
	int pipe_waiting;
	struct hreq *prev, *next;	/* in http.reqs */
	/* called when its scans are all done (or cancelled): answers it */
	void (*scans_done)(struct hreq *rq);
	struct pathscan *ps;	/* a scan of a server path (httppath.c) */
	struct shieldq *sq;	/* a question to vigil-shield (httpshield.c) */
	int is_unix;		/* came over HTTPSocket: the client's rights */
};

/* httpreply.c: the answer to rq (taken over). */
void reply_json(struct hreq *rq, unsigned status, json_t *body);
/* {"error": {"code", "message"}}: a stable code, a sentence. */
void reply_error(struct hreq *rq, unsigned status, const char *code,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void reply_bytes(struct hreq *rq, unsigned status, const char *type,
		 const void *data, size_t len);
struct wire_result;
/* The detections of a result, [{"name", "path"}], each logged, kept for
 * /v1/detections and announced to VirusEvent, under object's name. */
json_t *detections_json(const struct vconf *c, const char *object,
			const struct wire_result *r);
/* Verdict words for the answers: "clean", "infected", "limit". */
const char *verdict_word(int32_t verdict);

/* httpscan.c */
int scan_begin(struct hreq *rq);	/* the first call: 0, or refused */
/* Takes what it can of data: the bytes taken (fewer when a streamed
 * body's pipe is full: watch it, wait, call again with the rest), or -1
 * refused (answered). */
long scan_data(struct hreq *rq, const char *data, size_t len);
/* The pipe of a streamed body has room again (its evsrc). */
struct hreq *scan_pipe_ready(struct evsrc *src);
void scan_submit(struct hreq *rq);	/* the body is in: scans go out */
void scan_release(struct hreq *rq);	/* cancels and frees what is held */
void scan_hup(struct hreq *rq);		/* the client left mid-scan */
void scan_answer_v1(struct hreq *rq);
void scan_answer_v2(struct hreq *rq);	/* ajilach/clamav-rest /v2/scan */
void scan_answer_v0(struct hreq *rq);	/* its older /scan */

/* httppath.c: scans of paths on the server (HTTPScanPath) */
void path_finish(struct hreq *rq);	/* starts one, or answers */
void path_hup(struct hreq *rq);		/* the client left: stop */
void path_release(struct hreq *rq);
void path_answer_v1(struct hreq *rq);
void path_answer_rest(struct hreq *rq);	/* clamav-rest's /scanPath */

/* httpshield.c: vigil-shield's state through its control socket */
void shield_status(struct hreq *rq);
void shield_rules(struct hreq *rq);
void shield_report(struct hreq *rq);
void shield_on_event(struct evsrc *src);	/* its socket is readable */
void shield_tick(struct hreq *rq, double now);	/* its deadline */
void shield_release(struct hreq *rq);	/* closes; the memory stays */
void shield_free(struct hreq *rq);	/* with the request */

/* httpconsole.c */
void console_page(struct hreq *rq);
void console_script(struct hreq *rq);
void console_style(struct hreq *rq);

/* httpinfo.c */
void info_version(struct hreq *rq);
void info_health(struct hreq *rq);
void info_ready(struct hreq *rq);
void info_status(struct hreq *rq);
void info_detections(struct hreq *rq);
void info_reload(struct hreq *rq);
void info_quarantine(struct hreq *rq);
void info_openapi(struct hreq *rq);
void info_compat_version(struct hreq *rq);


#endif
