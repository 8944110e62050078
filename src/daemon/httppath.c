/*
 * httppath.c -- scans of a path on the server, as clamd's CONTSCAN and
 * ALLMATCHSCAN (POST /v1/scan/path?path=, and clamav-rest's GET
 * /scanPath?path=): off unless HTTPScanPath is set; over HTTPSocket the
 * path is opened with the client's rights (peerperm.h), as clamd's SCAN
 * does over its local socket; over TCP with the daemon's, as clamd's. A
 * directory is walked (dirwalk.h) with as many files in flight as twice
 * the workers; the answer lists what is not clean, and how many were
 * scanned.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/jsonw.h"
#include "counters.h"
#include "dirwalk.h"
#include "httpint.h"
#include "log.h"
#include "peerperm.h"
#include "wire.h"

/* Files in flight at most, whatever the workers. */
#define PATH_MAX_INFLIGHT 64

struct pslot {
	struct pool_job pj;
	struct pathscan *ps;
	char *path;
	int busy;
	double t0;
};

struct pathscan {
	struct hreq *rq;
	struct peer client;
	char *root;
	struct dirwalk *walk;
	struct pslot slot[PATH_MAX_INFLIGHT];
	unsigned inflight, most;
	json_t *found;		/* the entries not clean (the /v1 form) */
	uint64_t scanned;
	int allmatch;
};

static json_t *entry(const char *path, const char *verdict, json_t *dets,
		     const char *code, const char *msg, double seconds)
{
	json_t *o = json_pack("{s:o,s:I,s:s,s:f,s:o}", "name",
			      jsonw_string(path), "bytes", (json_int_t)0,
			      "verdict", verdict, "seconds", seconds,
			      "detections", dets ? dets : json_array());

	if (code)
		jsonw_set(o, "error", json_pack("{s:s,s:o}", "code", code,
						"message", jsonw_string(msg)));
	return o;
}

static void pump(struct pathscan *ps);

static const char *failure_code(enum pool_failure why)
{
	switch (why) {
	case POOL_CRASHED: return "worker_crashed";
	case POOL_TIMEOUT: return "timeout";
	case POOL_CANCELLED: return "cancelled";
	case POOL_SHUTDOWN: return "shutdown";
	case POOL_BUSY: return "busy";
	case POOL_DBCHANGED: return "database_changed";
	default: return "scan_failed";
	}
}

/* One file's result into the answer: only what is not clean is listed. */
static void record(struct pslot *sl, const struct wire_result *r,
		   enum pool_failure why)
{
	struct pathscan *ps = sl->ps;
	double t = ev_now() - sl->t0;

	ps->scanned++;
	if (why || !r)
		json_array_append_new(ps->found, entry(
			sl->path, "error", NULL, failure_code(why),
			"the scan did not finish", t));
	else if (r->rc < 0)
		json_array_append_new(ps->found, entry(
			sl->path, "error", NULL, "scan_failed",
			vigil_strerror(r->rc), t));
	else if (r->verdict != VIGIL_VERDICT_CLEAN)
		json_array_append_new(ps->found, entry(
			sl->path, verdict_word(r->verdict),
			detections_json(ps->rq->h->svc->conf, sl->path, r),
			NULL, NULL, t));
}

static void slot_free(struct pslot *sl)
{
	free(sl->path);
	sl->path = NULL;
	sl->busy = 0;
	sl->ps->inflight--;
}

static void slot_done(struct pool_job *pj, const struct wire_result *r,
		      enum pool_failure why)
{
	struct pslot *sl = pj->ctx;
	struct pathscan *ps = sl->ps;
	struct svc *svc = ps->rq->h->svc;

	if (why != POOL_CANCELLED)
		counters_add_scan(&svc->n, VIA_HTTP, r, ev_now() - sl->t0);
	if (why != POOL_CANCELLED || !ps->rq->gone)
		record(sl, r, why);
	slot_free(sl);
	if (!ps->rq->gone)
		pump(ps);
	if (!ps->inflight && !ps->walk)
		ps->rq->scans_done(ps->rq);
}

/* fd (taken over) named path, to a worker: 0, or -1 (no free slot). */
static int submit(struct pathscan *ps, int fd, const char *path)
{
	struct pslot *sl = NULL;
	unsigned i;

	for (i = 0; i < PATH_MAX_INFLIGHT && !sl; i++)
		if (!ps->slot[i].busy)
			sl = &ps->slot[i];
	if (!sl || !(sl->path = strdup(path))) {
		close(fd);
		return -1;
	}
	memset(&sl->pj, 0, sizeof(sl->pj));
	sl->ps = ps;
	sl->busy = 1;
	sl->t0 = ev_now();
	sl->pj.fd = fd;
	sl->pj.kind = JOB_SCAN;
	sl->pj.name = sl->path;
	sl->pj.flags = ps->allmatch ? VIGIL_SCAN_ALLMATCH : 0;
	sl->pj.done = slot_done;
	sl->pj.ctx = sl;
	ps->inflight++;
	if (pool_submit(ps->rq->h->svc->pool, &sl->pj) < 0) {
		ps->rq->h->svc->n.queue_refused++;
		close(fd);
		record(sl, NULL, POOL_BUSY);
		slot_free(sl);
	}
	return 0;
}

/* Keeps the walk's files in flight; ends the walk at its end. */
static void pump(struct pathscan *ps)
{
	const char *path, *why;
	int fd, rc;

	while (ps->walk && ps->inflight < ps->most) {
		rc = dirwalk_next(ps->walk, &fd, &path, &why);
		if (rc == 0) {
			dirwalk_free(ps->walk);
			ps->walk = NULL;
		} else if (rc < 0) {
			json_array_append_new(ps->found, entry(
				path, "error", NULL, "unreadable", why, 0));
		} else if (submit(ps, fd, path) < 0) {
			json_array_append_new(ps->found, entry(
				path, "error", NULL, "internal",
				"out of memory", 0));
		}
	}
}

/* Opens the root with the client's rights: 0, or -1 answered. */
static int open_root(struct hreq *rq, struct pathscan *ps)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		rq->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct stat st;
	int fd;

	if (rq->is_unix && ci) {
		peer_load(&ps->client, ci->connect_fd);
		peer_groups(&ps->client);
	}
	if ((fd = peer_open(&ps->client, ps->root)) < 0 || fstat(fd, &st) < 0) {
		reply_error(rq, errno == EACCES ? 403 : 404, errno == EACCES ?
			    "forbidden" : "not_found", "%s: %s", ps->root,
			    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!(ps->walk = dirwalk_new(fd, ps->root, &ps->client))) {
			reply_error(rq, 500, "internal", "out of memory");
			return -1;
		}
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		reply_error(rq, 400, "bad_request", "%s: not a regular file "
			    "or a directory", ps->root);
		return -1;
	}
	return submit(ps, fd, ps->root) < 0 ? (reply_error(rq, 500, "internal",
				"out of memory"), -1) : 0;
}

void path_finish(struct hreq *rq)
{
	const char *path = MHD_lookup_connection_value(
		rq->conn, MHD_GET_ARGUMENT_KIND, "path");
	struct pool_stats st;
	struct pathscan *ps;

	if (!rq->h->svc->conf->http_scan_path) {
		reply_error(rq, 403, "forbidden", "scanning paths on the "
			    "server is off (HTTPScanPath)");
		return;
	}
	if (!path || path[0] != '/') {
		reply_error(rq, 400, "bad_request", "?path= must be an "
			    "absolute path");
		return;
	}
	if (!(ps = calloc(1, sizeof(*ps))) || !(ps->root = strdup(path)) ||
	    !(ps->found = json_array())) {
		rq->ps = ps;
		reply_error(rq, 500, "internal", "out of memory");
		return;
	}
	rq->ps = ps;
	ps->rq = rq;
	ps->allmatch = rq->route->answer == path_answer_rest;
	pool_stats(rq->h->svc->pool, &st);
	ps->most = 2 * (st.live ? st.live : 1);
	ps->most = ps->most > PATH_MAX_INFLIGHT ? PATH_MAX_INFLIGHT : ps->most;
	if (open_root(rq, ps) < 0)
		return;
	pump(ps);
	rq->pending = ps->inflight;
	if (!ps->inflight) /* an empty directory, or nothing readable */
		rq->route->answer(rq);
}

void path_hup(struct hreq *rq)
{
	struct pathscan *ps = rq->ps;
	unsigned i;

	if (!ps)
		return;
	rq->gone = 1;
	if (ps->walk)
		dirwalk_free(ps->walk);
	ps->walk = NULL;
	if (!ps->inflight) {
		rq->scans_done(rq);
		return;
	}
	for (i = 0; i < PATH_MAX_INFLIGHT; i++) /* the last one answers */
		if (ps->slot[i].busy)
			pool_cancel(rq->h->svc->pool, &ps->slot[i].pj);
}

void path_release(struct hreq *rq)
{
	struct pathscan *ps = rq->ps;

	if (!ps)
		return;
	path_hup(rq);
	json_decref(ps->found);
	free(ps->root);
	free(ps);
	rq->ps = NULL;
}

/* The worst verdict among what was listed (nothing listed: clean). */
static const char *worst(json_t *found)
{
	static const char *const order[] = { "clean", "limit", "error",
					     "infected" };
	size_t i, k, rank = 0;
	const char *v;

	for (i = 0; i < json_array_size(found); i++) {
		v = json_string_value(json_object_get(json_array_get(found, i),
						      "verdict"));
		for (k = 0; k < 4; k++)
			if (v && !strcmp(v, order[k]) && k > rank)
				rank = k;
	}
	return order[rank];
}

void path_answer_v1(struct hreq *rq)
{
	struct pathscan *ps = rq->ps;
	const char *v = worst(ps->found);

	reply_json(rq, strcmp(v, "error") ? 200 : 500, json_pack(
		"{s:s,s:f,s:I,s:O}", "verdict", v, "seconds",
		ev_now() - rq->t0, "scanned", (json_int_t)ps->scanned, "files",
		ps->found));
}

/* One of clamav-rest's /scanPath objects: clamd's line, taken apart. */
static void rest_row(json_t *a, const char *path, const char *desc,
		     const char *status)
{
	char raw[4400];

	if (!strcmp(status, "OK"))
		snprintf(raw, sizeof(raw), "%s: OK", path);
	else
		snprintf(raw, sizeof(raw), "%s: %s %s", path, desc, status);
	json_array_append_new(a, json_pack(
		"{s:o,s:o,s:o,s:s,s:i,s:s}", "Raw", jsonw_string(raw),
		"Description", jsonw_string(desc), "Path", jsonw_string(path),
		"Hash", "", "Size", 0, "Status", status));
}

/* clamav-rest's /scanPath: clamd's ALLMATCHSCAN lines as objects. */
void path_answer_rest(struct hreq *rq)
{
	struct pathscan *ps = rq->ps;
	json_t *a = json_array(), *e, *d, *err;
	const char *p;
	size_t i, k;

	json_array_foreach(ps->found, i, e) {
		p = json_string_value(json_object_get(e, "name"));
		json_array_foreach(json_object_get(e, "detections"), k, d)
			rest_row(a, p, json_string_value(json_object_get(
					       d, "name")), "FOUND");
		if ((err = json_object_get(e, "error")))
			rest_row(a, p, json_string_value(json_object_get(
					       err, "message")), "ERROR");
	}
	if (!json_array_size(a))
		rest_row(a, ps->root, "", "OK");
	reply_json(rq, 200, a);
}
