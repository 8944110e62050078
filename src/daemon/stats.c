/*
 * stats.c -- see stats.h: the clamd STATS reply (the shape clamdtop and
 * exporters parse) and the Prometheus text format.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/textbuf.h"
#include "freshness.h"
#include "log.h"
#include "oninfected.h"
#include "stats.h"

static void running_job(void *ctx, const struct pool_job *j)
{
	textbuf_printf(ctx, "\tSCAN %f \n", ev_now() - j->started_at);
}

void stats_clamd(const struct svc *s, char *buf, size_t len)
{
	struct textbuf b;
	struct pool_stats st;
	long long age;

	textbuf_init(&b, buf, len);
	pool_stats(s->pool, &st);
	/* INVALID, as clamd says of a pool that cannot serve: scans held
	 * since a .vdb in use was written over */
	textbuf_printf(&b, "POOLS: 1\n\nSTATE: %s PRIMARY\n",
		       st.held == POOL_RUN ? "VALID" : "INVALID");
	if ((age = update_metadata_age(s->conf->db_dir)) >= 0)
		textbuf_printf(&b, "DATABASE: %s (update metadata verified %lld s ago)\n",
		    age > UPDATE_STALE_AFTER_S ? "STALE" : "OK", age);
	textbuf_printf(&b, "THREADS: live %u  idle %u max %u idle-timeout %u\n", st.live,
	    st.live - st.busy, st.live, s->conf->idle_timeout_s);
	textbuf_printf(&b, "QUEUE: %u items\n", st.queued);
	pool_each_running(s->pool, running_job, &b);
	textbuf_printf(&b, "\nMEMSTATS: heap N/A mmap N/A used N/A free N/A "
	    "releasable N/A pools 1 pools_used N/A pools_total N/A\nEND");
}

static void counter(struct textbuf *b, const char *name, const char *help,
		    uint64_t v)
{
	textbuf_printf(b, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name,
	    name, (unsigned long long)v);
}

static void gauge(struct textbuf *b, const char *name, const char *help,
		  double v)
{
	textbuf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %.17g\n", name, help, name,
	    name, v);
}

static void scans(struct textbuf *b, const struct counters *n)
{
	textbuf_printf(b, "# HELP vigil_scans_total Objects scanned, by result.\n"
	    "# TYPE vigil_scans_total counter\n");
	textbuf_printf(b, "vigil_scans_total{result=\"clean\"} %llu\n",
	    (unsigned long long)n->clean);
	textbuf_printf(b, "vigil_scans_total{result=\"found\"} %llu\n",
	    (unsigned long long)n->found);
	textbuf_printf(b, "vigil_scans_total{result=\"limit\"} %llu\n",
	    (unsigned long long)n->limits);
	textbuf_printf(b, "vigil_scans_total{result=\"error\"} %llu\n",
	    (unsigned long long)n->errors);
	textbuf_printf(b, "# HELP vigil_scans_by_interface_total Objects scanned, by "
	    "protocol.\n# TYPE vigil_scans_by_interface_total counter\n");
	textbuf_printf(b, "vigil_scans_by_interface_total{interface=\"clamd\"} %llu\n",
	    (unsigned long long)n->by_interface[0]);
	textbuf_printf(b, "vigil_scans_by_interface_total{interface=\"icap\"} %llu\n",
	    (unsigned long long)n->by_interface[1]);
	textbuf_printf(b, "vigil_scans_by_interface_total{interface=\"http\"} %llu\n",
	    (unsigned long long)n->by_interface[2]);
	counter(b, "vigil_scanned_bytes_total",
		"Bytes matched, contained objects included.", n->bytes);
}

static void latency(struct textbuf *b, const struct counters *n)
{
	unsigned i;

	textbuf_printf(b, "# HELP vigil_scan_duration_seconds Time from a request's "
	    "object being ready to its verdict.\n"
	    "# TYPE vigil_scan_duration_seconds histogram\n");
	for (i = 0; i < COUNTERS_LATENCY_BUCKETS; i++)
		textbuf_printf(b, "vigil_scan_duration_seconds_bucket{le=\"%g\"} %llu\n",
		    counters_latency_bounds[i],
		    (unsigned long long)n->latency_le[i]);
	textbuf_printf(b, "vigil_scan_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
	    (unsigned long long)n->scans);
	textbuf_printf(b, "vigil_scan_duration_seconds_sum %.6f\n", n->latency_sum);
	textbuf_printf(b, "vigil_scan_duration_seconds_count %llu\n",
	    (unsigned long long)n->scans);
}

static void workers(struct textbuf *b, const struct svc *s)
{
	struct pool_stats st;

	pool_stats(s->pool, &st);
	gauge(b, "vigil_workers", "Worker processes serving.", st.live);
	gauge(b, "vigil_workers_busy", "Workers scanning now.", st.busy);
	gauge(b, "vigil_queue_depth", "Objects waiting for a worker.",
	      st.queued);
	textbuf_printf(b, "# HELP vigil_worker_restarts_total Workers replaced, by "
	    "reason.\n# TYPE vigil_worker_restarts_total counter\n");
	textbuf_printf(b, "vigil_worker_restarts_total{reason=\"crash\"} %llu\n",
	    (unsigned long long)st.restarts_crash);
	textbuf_printf(b, "vigil_worker_restarts_total{reason=\"timeout\"} %llu\n",
	    (unsigned long long)st.restarts_timeout);
	textbuf_printf(b, "vigil_worker_restarts_total{reason=\"cancel\"} %llu\n",
	    (unsigned long long)st.restarts_cancel);
	gauge(b, "vigil_db_generation", "Database generation serving (1 at "
	      "start, one more per reload).", st.generation);
	gauge(b, "vigil_db_held", "Scans held (1) or refused (2) since a "
	      ".vdb in use was written over in place; 0: serving.", st.held);
}

static void database(struct textbuf *b, const struct svc *s)
{
	long long age;

	gauge(b, "vigil_db_version", "Version of the database serving.",
	      (double)s->db.version);
	gauge(b, "vigil_db_signatures", "Signatures in the database.",
	      (double)s->db.signatures);
	gauge(b, "vigil_db_quick_matchers", "Database parts served by the "
	      "quick matcher while their full one compiles.",
	      (double)s->db.quick_matchers);
	gauge(b, "vigil_db_loaded_timestamp_seconds",
	      "When the database serving was loaded.", s->db.loaded_at);
	gauge(b, "vigil_db_age_seconds", "Age of the database serving "
	      "(from its version time).", s->db.version ?
	      (double)time(NULL) - (double)s->db.version : 0);
	if ((age = update_metadata_age(s->conf->db_dir)) >= 0) {
		gauge(b, "vigil_update_metadata_age_seconds", "Since vigil "
		      "update last verified fresh metadata.", (double)age);
		gauge(b, "vigil_update_stale", "1 when that was over 24 hours "
		      "ago.", age > UPDATE_STALE_AFTER_S);
	}
	textbuf_printf(b, "# HELP vigil_db_reloads_total Database reloads, by result.\n"
	    "# TYPE vigil_db_reloads_total counter\n"
	    "vigil_db_reloads_total{result=\"ok\"} %llu\n"
	    "vigil_db_reloads_total{result=\"refused\"} %llu\n",
	    (unsigned long long)s->n.reloads_ok,
	    (unsigned long long)s->n.reloads_failed);
}

static void on_infected_metrics(struct textbuf *b)
{
	unsigned long long done, failed;

	on_infected_counts(&done, &failed);
	textbuf_printf(b, "# HELP vigil_oninfected_total OnInfected actions "
	    "on files found infected, by result.\n"
	    "# TYPE vigil_oninfected_total counter\n"
	    "vigil_oninfected_total{result=\"done\"} %llu\n"
	    "vigil_oninfected_total{result=\"failed\"} %llu\n", done, failed);
}

static size_t prometheus(const struct svc *s, char *buf, size_t len)
{
	struct textbuf b;

	textbuf_init(&b, buf, len);
	scans(&b, &s->n);
	latency(&b, &s->n);
	workers(&b, s);
	database(&b, s);
	counter(&b, "vigil_instream_limit_exceeded_total",
		"INSTREAM requests refused by StreamMaxLength.",
		s->n.instream_limit);
	counter(&b, "vigil_connections_total", "Connections accepted.",
		s->n.connections);
	counter(&b, "vigil_connections_refused_total",
		"Connections refused by MaxConnections.", s->n.conn_refused);
	counter(&b, "vigil_queue_refused_total",
		"Objects refused because the queue was full (MaxQueue).",
		s->n.queue_refused);
	counter(&b, "vigil_stream_memory_refused_total",
		"Client data refused at StreamMemoryLimit.", s->n.mem_refused);
	on_infected_metrics(&b);
	gauge(&b, "vigil_stream_memory_bytes", "Client data held in memory "
	      "until scanned (INSTREAM, FILDES of pipes, ICAP bodies).",
	      (double)s->mem_held);
	gauge(&b, "vigil_connections", "Client connections open (clamd and "
	      "ICAP).", s->nclients);
	gauge(&b, "vigil_uptime_seconds", "Seconds since vigild started.",
	      ev_now() - s->started_at);
	return b.len;
}

void stats_prometheus(const struct svc *s, struct conn *c)
{
	static char body[32768];
	size_t n = prometheus(s, body, sizeof(body));

	conn_printf(c, "HTTP/1.0 200 OK\r\nContent-Type: text/plain; "
		    "version=0.0.4\r\nContent-Length: %zu\r\n"
		    "Connection: close\r\n\r\n", n);
	conn_write(c, body, n);
}
