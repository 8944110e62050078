/*
 * server.h -- the state of vigild's parent process: the event loop, its
 * listeners and connections, the worker pool, the database and the
 * counters that STATS and the metrics report.
 */
#ifndef VIGILD_SERVER_H
#define VIGILD_SERVER_H

#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "conn.h"
#include "dbload.h"
#include "dbwatch.h"
#include "event.h"
#include "svc.h"

/* Listening sockets: the clamd unix and TCP ones, ICAP, metrics. */
#define SERVER_MAX_LISTENERS 8

struct listener {
	struct evsrc ev;
	int fd;
	int is_unix;
	enum conn_proto proto;
	const struct conn_ops *ops;	/* the protocol it serves */
};

/* Clients over MaxConnections still told so, in their delimiter. */
#define SERVER_MAX_REFUSING 64
/* Metrics scrapers served at once. */
#define SERVER_MAX_SCRAPERS 16

struct server {
	int epfd;
	struct vconf *conf;
	struct svc svc;		/* what the protocols see: conf, pool, ... */
	struct listener listeners[SERVER_MAX_LISTENERS];
	unsigned nlisteners;
	int own_socket;		/* LocalSocket made here: removed at exit */
	struct conn *conns, *dead;
	unsigned nconns;		/* all (svc.nclients: clamd and ICAP) */
	struct evsrc sig_ev;
	int sigfd;
	struct db_loader loader;
	int reload_again;	/* a reload was asked for during one */
	struct dbwatch watch;	/* writes to the .vdb files in use */
	int db_held;		/* one was written over: jobs held */
	double last_write;	/* the last write seen (ev_now()) */
	unsigned db_writes;	/* such writes seen, and how many of them */
	unsigned load_writes;	/* the running load started after */
	pid_t compiler;		/* compiling the full matcher, or 0 */
	pid_t settler;		/* stamping the files a load read, or 0 */
	double settle_at;	/* when to start it (ev_now()), or 0 */
	char compiled_for[64];	/* the database it was compiled for */
	int stopping;
	double next_self_check;
	struct http *http;	/* the HTTP API, or NULL (http.h) */
};

int server_init(struct server *s, struct vconf *conf);
/* Runs until SHUTDOWN or SIGTERM; returns the exit status. */
int server_run(struct server *s);
void server_free(struct server *s);

/* Loads the database as a start would (--check-config): 0, or -1 with
 * the reason in err. */
int server_check_database(const struct vconf *conf, struct db_info *info,
			  char *err, size_t errlen);

#endif
