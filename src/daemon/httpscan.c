/*
 * httpscan.c -- the scans of the HTTP API: a request body (or each file
 * of a multipart/form-data body, through MHD's post processor) goes into
 * a memory file as it arrives, charged to StreamMemoryLimit as INSTREAM's
 * data is, within HTTPMaxUploadSize; then each is a pool job, and the
 * answer is made when the last one is done, in the /v1 form or in
 * ajilach/clamav-rest's (/v2/scan, /scan) for its clients.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/fdio.h"
#include "common/jsonw.h"
#include "counters.h"
#include "httpint.h"
#include "log.h"
#include "wire.h"

/* MHD's post processor's buffer, in bytes. */
#define POST_BUFFER_BYTES 65536

static uint64_t received(const struct hreq *rq)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < rq->nfiles; i++)
		n += rq->files[i].bytes;
	return n;
}

/* A new object of the request: 0, or -1 answered. */
static int new_file(struct hreq *rq, const char *name)
{
	struct hfile *f;
	char *p;

	if (rq->nfiles == HTTP_MAX_FILES) {
		reply_error(rq, 413, "too_many_files",
			    "at most %u files in one request", HTTP_MAX_FILES);
		return -1;
	}
	f = &rq->files[rq->nfiles];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	for (p = f->name; *p; p++) /* a client's name: no line of its own */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	f->rq = rq;
	f->pipe_w = -1;
	if ((f->fd = memfd_create("vigild-http", MFD_CLOEXEC)) < 0) {
		reply_error(rq, 500, "internal", "no memory file: %m");
		return -1;
	}
	rq->nfiles++;
	return 0;
}

/* Bytes of the current object: 0, or -1 answered (413, 429). */
static int put(struct hreq *rq, const char *data, size_t len)
{
	struct hfile *f = &rq->files[rq->nfiles - 1];
	struct svc *svc = rq->h->svc;

	if (received(rq) + len > svc->conf->http_max_upload) {
		svc->n.instream_limit++;
		reply_error(rq, 413, "too_large",
			    "over HTTPMaxUploadSize (%llu bytes)",
			    (unsigned long long)svc->conf->http_max_upload);
		return -1;
	}
	if (svc_mem_take(svc, len) < 0) {
		reply_error(rq, 429, "busy", "all "
			    "clients' data in memory is at StreamMemoryLimit");
		return -1;
	}
	f->held += len;
	f->bytes += len;
	if (fd_write_all(f->fd, data, len) < 0) {
		reply_error(rq, 500, "internal", "cannot hold the data: %m");
		return -1;
	}
	return 0;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind,
			       const char *key, const char *filename,
			       const char *type, const char *encoding,
			       const char *data, uint64_t off, size_t size)
{
	struct hreq *rq = cls;
	struct hfile *cur = rq->nfiles ? &rq->files[rq->nfiles - 1] : NULL;

	(void)kind;
	(void)key;
	(void)type;
	(void)encoding;
	if (!filename || !*filename) {
		/* a form field, or a file input with nothing chosen */
		rq->nameless += off == 0;
		return MHD_YES;
	}
	if (off == 0 && (!cur || cur->bytes || strcmp(cur->name, filename)) &&
	    new_file(rq, filename) < 0)
		return MHD_NO;
	return size && put(rq, data, size) < 0 ? MHD_NO : MHD_YES;
}

static void scanned(struct pool_job *pj, const struct wire_result *r,
		    enum pool_failure why);

/* A large body: its worker starts now and reads it from a pipe as it
 * arrives. 0, or -1 answered. */
static int stream_start(struct hreq *rq)
{
	struct hfile *f = &rq->files[0];
	int p[2];

	/* the pipe's buffer is client data held: charged as a memory file's */
	if (svc_mem_take(rq->h->svc, HTTP_PIPE_BYTES) < 0) {
		reply_error(rq, 429, "busy", "all clients' data in memory is "
			    "at StreamMemoryLimit");
		return -1;
	}
	f->held = HTTP_PIPE_BYTES;
	if (pipe2(p, O_CLOEXEC) < 0 || fcntl(p[1], F_SETFL, O_NONBLOCK) < 0) {
		reply_error(rq, 500, "internal", "no pipe: %m");
		return -1;
	}
	fcntl(p[1], F_SETPIPE_SZ, (int)HTTP_PIPE_BYTES);
	close(f->fd);
	f->fd = -1;
	f->pipe_w = p[1];
	f->pj.fd = p[0];
	f->pj.kind = JOB_SCAN;
	f->pj.done = scanned;
	f->pj.ctx = f;
	f->submitted = 1;
	rq->pending++;
	if (pool_submit(rq->h->svc->pool, &f->pj) < 0) {
		close(p[0]);
		f->done = 1; /* never in the pool: nothing to cancel */
		rq->pending--;
		rq->h->svc->n.queue_refused++;
		reply_error(rq, 429, "busy", "the scan queue is full "
			    "(MaxQueue): try again");
		return -1;
	}
	rq->pipe_ev.kind = EV_HTTP_PIPE;
	return 0;
}

/* Into the pipe, as much as it takes now: the bytes taken. */
static long stream_put(struct hreq *rq, const char *data, size_t len)
{
	struct hfile *f = &rq->files[0];
	ssize_t n;

	if (f->bytes + len > rq->h->svc->conf->http_max_upload) {
		reply_error(rq, 413, "too_large", "over HTTPMaxUploadSize");
		return -1;
	}
	n = write(f->pipe_w, data, len);
	if (n < 0 && errno == EAGAIN)
		return 0; /* full: the caller waits for room */
	if (n < 0) /* the worker stopped reading (it has its verdict) */
		n = (ssize_t)len;
	f->bytes += (uint64_t)n;
	return n;
}

struct hreq *scan_pipe_ready(struct evsrc *src)
{
	return (struct hreq *)((char *)src - offsetof(struct hreq, pipe_ev));
}

int scan_begin(struct hreq *rq)
{
	const char *len = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND,
						      "Content-Length");
	const char *type = MHD_lookup_connection_value(
		rq->conn, MHD_HEADER_KIND, "Content-Type");
	const char *name = MHD_lookup_connection_value(
		rq->conn, MHD_GET_ARGUMENT_KIND, "name");
	uint64_t max = rq->h->svc->conf->http_max_upload;

	if (len && strtoull(len, NULL, 10) > max) {
		reply_error(rq, 413, "too_large", "%s bytes: over "
			    "HTTPMaxUploadSize (%llu bytes)", len,
			    (unsigned long long)max);
		return -1;
	}
	if (type && !strncasecmp(type, "multipart/form-data", 19)) {
		rq->pp = MHD_create_post_processor(rq->conn, POST_BUFFER_BYTES,
						   on_part, rq);
		if (!rq->pp) {
			reply_error(rq, 400, "malformed_multipart", "a "
				    "multipart/form-data body needs a boundary");
			return -1;
		}
		return 0;
	}
	/* any other multipart is not a set of files this reads; any other
	 * type is the object itself (curl --data-binary says urlencoded) */
	if (type && !strncasecmp(type, "multipart/", 10)) {
		reply_error(rq, 415, "unsupported_media_type", "send the "
			    "object as the body or as multipart/form-data "
			    "files, not %.64s", type);
		return -1;
	}
	if (new_file(rq, name && *name ? name : "body") < 0)
		return -1;
	if (len && strtoull(len, NULL, 10) >= HTTP_STREAM_MIN_BYTES)
		return stream_start(rq);
	return 0;
}

long scan_data(struct hreq *rq, const char *data, size_t len)
{
	if (rq->nfiles && rq->files[0].pipe_w >= 0)
		return stream_put(rq, data, len);
	if (!rq->pp)
		return rq->nfiles && put(rq, data, len) == 0 ? (long)len : -1;
	if (MHD_post_process(rq->pp, data, len) == MHD_YES)
		return (long)len;
	if (!rq->resp)
		reply_error(rq, 400, "malformed_multipart", "the "
			    "multipart/form-data body does not parse");
	return -1;
}

static void scanned(struct pool_job *pj, const struct wire_result *r,
		    enum pool_failure why)
{
	struct hfile *f = pj->ctx;
	struct hreq *rq = f->rq;
	struct svc *svc = rq->h->svc;

	f->done = 1;
	f->why = why;
	f->seconds = ev_now() - rq->t0;
	svc_mem_give(svc, f->held);
	f->held = 0;
	if (why != POOL_CANCELLED)
		counters_add_scan(&svc->n, VIA_HTTP, r, f->seconds);
	if (why == POOL_BUSY)
		svc->n.queue_refused++;
	if (!why && r) {
		f->rc = r->rc;
		f->verdict = r->verdict;
		if (r->rc >= 0 && r->verdict != VIGIL_VERDICT_CLEAN)
			f->detections = detections_json(
				rq->h->svc->conf, f->name, r);
	}
	if (--rq->pending == 0)
		rq->scans_done(rq);
}

void scan_submit(struct hreq *rq)
{
	const char *all = MHD_lookup_connection_value(
		rq->conn, MHD_GET_ARGUMENT_KIND, "allmatch");
	unsigned i;

	if (rq->pp && MHD_destroy_post_processor(rq->pp) != MHD_YES && !rq->resp)
		reply_error(rq, 400, "malformed_multipart", "the "
			    "multipart/form-data body ends inside a part");
	rq->pp = NULL;
	if (!rq->resp && !rq->nfiles && rq->route->answer == scan_answer_v1)
		reply_error(rq, 400, "no_files", "no file part in the body");
	if (!rq->resp && !rq->nfiles)
		rq->route->answer(rq); /* clamav-rest's answer to nothing */
	if (rq->resp)
		return;
	for (i = 0; i < rq->nfiles; i++) {
		struct hfile *f = &rq->files[i];

		if (f->submitted) { /* streamed: its end is the pipe's */
			close(f->pipe_w);
			f->pipe_w = -1;
			continue;
		}
		f->pj.fd = f->fd; /* the pool's now */
		f->fd = -1;
		f->pj.kind = JOB_SCAN;
		f->pj.flags = all && !strcmp(all, "1") ? VIGIL_SCAN_ALLMATCH : 0;
		f->pj.done = scanned;
		f->pj.ctx = f;
		f->submitted = 1;
		rq->pending++;
		if (pool_submit(rq->h->svc->pool, &f->pj) < 0) {
			rq->h->svc->n.queue_refused++;
			close(f->pj.fd);
			svc_mem_give(rq->h->svc, f->held);
			f->held = 0;
			rq->pending--;
			f->done = 1;
			f->why = POOL_BUSY;
		}
	}
	if (!rq->pending)
		rq->route->answer(rq); /* every one refused at once */
}

/* Stops what rq has in the pool (each ends as cancelled). */
static void cancel(struct hreq *rq)
{
	unsigned i;

	for (i = 0; i < rq->nfiles; i++)
		if (rq->files[i].submitted && !rq->files[i].done)
			pool_cancel(rq->h->svc->pool, &rq->files[i].pj);
}

void scan_hup(struct hreq *rq)
{
	rq->gone = 1;
	cancel(rq);
}

void scan_release(struct hreq *rq)
{
	unsigned i;

	cancel(rq);
	if (rq->pp)
		MHD_destroy_post_processor(rq->pp);
	rq->pp = NULL;
	for (i = 0; i < rq->nfiles; i++) {
		struct hfile *f = &rq->files[i];

		if (f->fd >= 0)
			close(f->fd);
		f->fd = -1;
		if (f->pipe_w >= 0)
			close(f->pipe_w);
		f->pipe_w = -1;
		svc_mem_give(rq->h->svc, f->held);
		f->held = 0;
		json_decref(f->detections);
		f->detections = NULL;
	}
}

static int failed(const struct hfile *f)
{
	return f->why != POOL_OK || f->rc < 0;
}

/* Why a file has no verdict: a stable code and a sentence. */
static json_t *file_error(const struct hfile *f)
{
	static const char *const code[] = {
		[POOL_CRASHED] = "worker_crashed", [POOL_TIMEOUT] = "timeout",
		[POOL_CANCELLED] = "cancelled", [POOL_SHUTDOWN] = "shutdown",
		[POOL_BUSY] = "busy", [POOL_DBCHANGED] = "database_changed",
	};

	if (f->why != POOL_OK)
		return json_pack("{s:s,s:s}", "code", code[f->why], "message",
				 "the scan did not finish");
	return json_pack("{s:s,s:s}", "code", "scan_failed", "message",
			 vigil_strerror(f->rc));
}

static json_t *file_json(const struct hfile *f)
{
	json_t *o = json_pack("{s:o,s:I,s:s,s:f}", "name",
			      jsonw_string(f->name), "bytes",
			      (json_int_t)f->bytes, "verdict",
			      failed(f) ? "error" : verdict_word(f->verdict),
			      "seconds", f->seconds);

	jsonw_set(o, "detections", f->detections ? json_incref(f->detections) :
						   json_array());
	if (failed(f))
		jsonw_set(o, "error", file_error(f));
	return o;
}

/* The worst verdict of the request: infected, error, limit, clean. */
static const char *overall(const struct hreq *rq, unsigned *busy)
{
	int rank = 0, r;
	unsigned i;

	*busy = 0;
	for (i = 0; i < rq->nfiles; i++) {
		const struct hfile *f = &rq->files[i];

		*busy += f->why == POOL_BUSY;
		r = failed(f) ? 2 : f->verdict == VIGIL_VERDICT_FOUND ? 3 :
		    f->verdict == VIGIL_VERDICT_CLEAN ? 0 : 1;
		rank = r > rank ? r : rank;
	}
	return (const char *[]){ "clean", "limit", "error", "infected" }[rank];
}

void scan_answer_v1(struct hreq *rq)
{
	json_t *files = json_array();
	unsigned i, busy;
	const char *v = overall(rq, &busy);

	if (busy == rq->nfiles) {
		json_decref(files);
		reply_error(rq, 429, "busy", "the scan queue is full "
			    "(MaxQueue): try again");
		MHD_add_response_header(rq->resp, "Retry-After", "1");
		return;
	}
	for (i = 0; i < rq->nfiles; i++)
		json_array_append_new(files, file_json(&rq->files[i]));
	reply_json(rq, strcmp(v, "error") ? 200 : 500,
		   json_pack("{s:s,s:f,s:o}", "verdict", v, "seconds",
			     ev_now() - rq->t0, "files", files));
}

/* clamav-rest's word and HTTP status for one file. */
static const char *compat_status(const struct hfile *f, unsigned *http)
{
	if (failed(f)) {
		*http = 400;
		return "ERROR";
	}
	if (f->verdict == VIGIL_VERDICT_CLEAN) {
		*http = 200;
		return "OK";
	}
	*http = 406; /* a limit is "FOUND", as clamd says Heuristics.Limits */
	return "FOUND";
}

static const char *compat_description(const struct hfile *f)
{
	json_t *d = f->detections ? json_array_get(f->detections, 0) : NULL;

	if (failed(f))
		return f->why == POOL_OK ? vigil_strerror(f->rc) :
		       "the scan did not finish";
	return d ? json_string_value(json_object_get(d, "name")) : "";
}

/* The entries, and the status: 406 if any is found, else the worst. */
static json_t *compat_entries(struct hreq *rq, int with_name, unsigned *http)
{
	json_t *a = json_array(), *o;
	unsigned i, st;

	*http = rq->nameless ? 422 : 200;
	for (i = 0; i < rq->nameless && with_name; i++)
		json_array_append_new(a, json_pack(
			"{s:s,s:s,s:s}", "Status", "ERROR", "Description",
			"MimePart FileName missing", "FileName", ""));
	for (i = 0; i < rq->nfiles; i++) {
		const struct hfile *f = &rq->files[i];
		const char *s = compat_status(f, &st);

		o = json_pack("{s:s,s:o}", "Status", s, "Description",
			      jsonw_string(compat_description(f)));
		if (with_name)
			jsonw_set(o, "FileName", jsonw_string(f->name));
		json_array_append_new(a, o);
		if (st == 406 || *http != 406)
			*http = st != 200 ? st : *http;
	}
	return a;
}

void scan_answer_v2(struct hreq *rq)
{
	unsigned http;
	json_t *a = compat_entries(rq, 1, &http);

	reply_json(rq, http, a);
}

/* /scan: the objects one after another, no array; and where to go. */
void scan_answer_v0(struct hreq *rq)
{
	unsigned http, i;
	json_t *a = compat_entries(rq, 0, &http);
	char *text, *all = calloc(1, 1), *more;
	size_t n = 0, k;

	for (i = 0; all && i < json_array_size(a); i++) {
		if (!(text = json_dumps(json_array_get(a, i), JSON_COMPACT)))
			continue;
		k = strlen(text);
		if ((more = realloc(all, n + k + 1)))
			memcpy(more + n, text, k + 1);
		else
			free(all);
		all = more;
		n += k;
		free(text);
	}
	json_decref(a);
	if (!all) {
		reply_error(rq, 500, "internal", "out of memory");
		return;
	}
	reply_bytes(rq, http, "application/json; charset=utf-8", all, n);
	free(all);
	MHD_add_response_header(rq->resp, "Deprecation", "version=v1");
	MHD_add_response_header(rq->resp, "Link",
				"</v2/scan>; rel=successor-version");
}
