/*
 * httpinfo.c -- the HTTP API's state endpoints: version and database
 * (with the update state vigil update keeps beside it), health and
 * readiness, the workers and counters, recent detections, a reload, the
 * OpenAPI document; and clamav-rest's /version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/clock.h"
#include "common/jsonw.h"
#include "common/qstore.h"
#include "common/updstate.h"
#include "detlog.h"
#include "freshness.h"
#include "httpint.h"
#include "openapi.h"
#include "vigil/vigil.h"

static json_t *database(const struct svc *s)
{
	const struct db_info *db = &s->db;

	return json_pack("{s:I,s:I,s:f,s:f,s:I,s:b}", "version",
			 (json_int_t)db->version, "signatures",
			 (json_int_t)db->signatures, "loaded_at", db->loaded_at,
			 "load_seconds", db->load_seconds, "age_seconds",
			 (json_int_t)(db->version ? time(NULL) -
						    (time_t)db->version : 0),
			 "quick_matcher", db->quick_matchers > 0);
}

/* What vigil update says of the database: null when it does not keep it. */
static json_t *update(const struct svc *s)
{
	struct updstate st;
	long long age;

	if (update_state(s->conf->db_dir, &st) < 0)
		return json_null();
	age = (long long)(clock_now() - st.fresh);
	return json_pack("{s:I,s:o,s:I,s:I,s:b,s:o}", "release",
			 (json_int_t)st.installed, "release_dir",
			 jsonw_string(st.installed_dir), "installed_at",
			 (json_int_t)st.installed_at, "metadata_age_seconds",
			 (json_int_t)age, "stale", age > UPDATE_STALE_AFTER_S,
			 "log", st.log_size ? json_pack(
				 "{s:I,s:I}", "leaf", (json_int_t)st.log_leaf,
				 "size", (json_int_t)st.log_size) : json_null());
}

void info_version(struct hreq *rq)
{
	struct svc *s = rq->h->svc;

	reply_json(rq, 200, json_pack("{s:s,s:o,s:o}", "vigil",
				      VIGIL_VERSION_STRING, "database",
				      database(s), "update", update(s)));
}

void info_health(struct hreq *rq)
{
	reply_json(rq, 200, json_pack("{s:s}", "status", "ok"));
}

/* Ready once a database serves (vigild answers nothing before). */
void info_ready(struct hreq *rq)
{
	struct svc *s = rq->h->svc;
	struct pool_stats st;

	if (!pool_engine(s->pool)) {
		reply_error(rq, 503, "not_ready", "no database loaded yet");
		return;
	}
	pool_stats(s->pool, &st);
	if (st.held != POOL_RUN) {
		reply_error(rq, 503, "database_changed", "a .vdb in use was "
			    "written over: scans wait for a database that "
			    "loads");
		return;
	}
	reply_json(rq, 200, json_pack("{s:s,s:I}", "status", "ready",
				      "signatures",
				      (json_int_t)s->db.signatures));
}

static json_t *counters(const struct counters *n)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:{s:I,s:I,s:I}}",
			 "scans", (json_int_t)n->scans, "found",
			 (json_int_t)n->found, "clean", (json_int_t)n->clean,
			 "errors", (json_int_t)n->errors, "limits",
			 (json_int_t)n->limits, "bytes", (json_int_t)n->bytes,
			 "by_interface", "clamd",
			 (json_int_t)n->by_interface[VIA_CLAMD], "icap",
			 (json_int_t)n->by_interface[VIA_ICAP], "http",
			 (json_int_t)n->by_interface[VIA_HTTP]);
}

/* Whether the quarantine the console would list is there. */
static int has_quarantine(const struct vconf *c)
{
	struct stat st;

	return stat(c->quarantine_dir ? c->quarantine_dir :
			QSTORE_DEFAULT_DIR, &st) == 0 && S_ISDIR(st.st_mode);
}

void info_status(struct hreq *rq)
{
	struct svc *s = rq->h->svc;
	struct pool_stats st;

	pool_stats(s->pool, &st);
	reply_json(rq, 200, json_pack(
		"{s:f,s:{s:I,s:I,s:I,s:I,s:I},s:o,s:I,s:I,s:I,s:b,s:b}",
		"uptime_seconds", ev_now() - s->started_at, "workers", "live",
		(json_int_t)st.live, "busy", (json_int_t)st.busy, "queued",
		(json_int_t)st.queued, "generation", (json_int_t)st.generation,
		"jobs_done", (json_int_t)st.jobs_done, "counters",
		counters(&s->n), "connections", (json_int_t)s->nclients,
		"memory_held_bytes", (json_int_t)s->mem_held,
		"http_requests", (json_int_t)rq->h->requests, "shield",
		s->conf->shield_socket != NULL, "quarantine",
		has_quarantine(s->conf)));
}

static void one_detection(void *ctx, const struct detlog_entry *e)
{
	json_array_append_new(ctx, json_pack(
		"{s:I,s:I,s:s,s:o,s:o,s:o}", "seq", (json_int_t)e->seq, "time",
		(json_int_t)e->time, "via", e->via, "object",
		jsonw_string(e->object), "name", jsonw_string(e->name), "path",
		jsonw_string(e->path)));
}

/* The recent detections, those after ?after=SEQ. */
void info_detections(struct hreq *rq)
{
	const char *after = MHD_lookup_connection_value(
		rq->conn, MHD_GET_ARGUMENT_KIND, "after");
	json_t *a = json_array();

	detlog_each(after ? strtoull(after, NULL, 10) : 0, one_detection, a);
	reply_json(rq, 200, json_pack("{s:o}", "detections", a));
}

void info_reload(struct hreq *rq)
{
	svc_request_reload(rq->h->svc, "asked over HTTP");
	reply_json(rq, 202, json_pack("{s:s}", "status", "reloading"));
}

void info_openapi(struct hreq *rq)
{
	reply_bytes(rq, 200, "application/json", openapi_json,
		    openapi_json_len);
}

/* clamav-rest's /version: the engine, the database's version and date. */
void info_compat_version(struct hreq *rq)
{
	const struct db_info *db = &rq->h->svc->db;
	time_t t = (time_t)db->version;
	char v[32], date[64] = "";
	struct tm tm;

	if (t)
		strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y",
			 gmtime_r(&t, &tm));
	snprintf(v, sizeof(v), "%llu", (unsigned long long)db->version);
	reply_json(rq, 200, json_pack("{s:s,s:s,s:s}", "Clamav",
				      "Vigil " VIGIL_VERSION_STRING,
				      "Signature", v, "Signature_date", date));
}

/* The quarantine's entries (QuarantineDirectory), newest first; 404 when
 * there is none. */
void info_quarantine(struct hreq *rq)
{
	const struct vconf *c = rq->h->svc->conf;
	const char *dir = c->quarantine_dir ? c->quarantine_dir :
					      QSTORE_DEFAULT_DIR;
	struct qstore_entry *e = NULL;
	char err[512];
	json_t *a;
	size_t n, i;

	if (qstore_list(dir, &e, &n, err, sizeof(err)) < 0) {
		reply_error(rq, 404, "not_found", "no quarantine: %s", err);
		return;
	}
	a = json_array();
	for (i = n; i-- > 0;)
		json_array_append_new(a, json_pack(
			"{s:s,s:o,s:o,s:s,s:I,s:I}", "id", e[i].id, "path",
			jsonw_string(e[i].path), "detection",
			jsonw_string(e[i].detection), "sha256", e[i].sha256,
			"size", (json_int_t)e[i].size, "quarantined",
			(json_int_t)e[i].quarantined));
	free(e);
	reply_json(rq, 200, json_pack("{s:s,s:o}", "directory", dir,
				      "entries", a));
}
