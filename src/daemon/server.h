/*
 * server.h -- the state of vigild's parent process: the event loop, its
 * listeners and connections, the worker pool, the database and the
 * counters that STATS and the metrics report.
 */
#ifndef VIGILD_SERVER_H
#define VIGILD_SERVER_H

#include <stdint.h>

#include "config.h"
#include "conn.h"
#include "dbload.h"
#include "event.h"
#include "pool.h"

/* Listening sockets: the clamd unix and TCP ones, ICAP, metrics. */
#define SERVER_MAX_LISTENERS 8

struct listener {
	struct evsrc ev;
	int fd;
	int is_unix;
	enum conn_proto proto;
};

/* Clients over MaxConnections still told so, in their delimiter. */
#define SERVER_MAX_REFUSING 64
/* Metrics scrapers served at once. */
#define SERVER_MAX_SCRAPERS 16

/* Scan latency histogram bounds, seconds (Prometheus buckets). */
#define SERVER_LATENCY_BUCKETS 10

struct counters {
	uint64_t scans, found, clean, errors, limits;
	uint64_t bytes;
	uint64_t by_interface[3];	/* clamd, icap, (unused) */
	uint64_t latency_le[SERVER_LATENCY_BUCKETS];
	double latency_sum;
	uint64_t reloads_ok, reloads_failed;
	uint64_t instream_limit, conn_refused, queue_refused;
	uint64_t connections;
};

struct server {
	int epfd;
	struct vconf *conf;
	struct pool *pool;
	struct listener listeners[SERVER_MAX_LISTENERS];
	unsigned nlisteners;
	int own_socket;		/* LocalSocket made here: removed at exit */
	struct conn *conns, *dead;
	unsigned nconns;		/* all */
	unsigned nclients;		/* clamd and ICAP (MaxConnections) */
	struct evsrc sig_ev;
	int sigfd;
	struct db_loader loader;
	struct db_info db;
	int reload_again;	/* a reload was asked for during one */
	int stopping;
	double next_self_check;
	double started_at;
	struct counters n;
};

/* Latency bucket bounds, shared with the metrics writer. */
extern const double server_latency_bounds[SERVER_LATENCY_BUCKETS];

int server_init(struct server *s, struct vconf *conf);
/* Runs until SHUTDOWN or SIGTERM; returns the exit status. */
int server_run(struct server *s);
void server_free(struct server *s);

/* For the protocols. */
void server_conn_dead(struct server *s, struct conn *c);
void server_request_reload(struct server *s, const char *why);
void server_request_stop(struct server *s);
void server_count_scan(struct server *s, enum conn_proto via,
		       const struct wire_result *r, double seconds);

/* clamd protocol, ICAP and metrics connections. */
extern const struct conn_ops clamd_ops, icap_ops, metrics_ops;
int clamd_accept(struct conn *c);
/* A client over MaxConnections: told so once it has sent a command. */
int clamd_accept_busy(struct conn *c);
int icap_accept(struct conn *c);
int metrics_accept(struct conn *c);

/* STATS and metrics texts. */
void stats_clamd(struct server *s, char *buf, size_t len);
void stats_prometheus(struct server *s, struct conn *c);

#endif
