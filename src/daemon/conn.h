/*
 * conn.h -- a client connection of any protocol: bounded input and output
 * buffers, descriptors received over a unix socket, deadlines, and the
 * protocol handler that reads its input.
 */
#ifndef VIGILD_CONN_H
#define VIGILD_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "peerperm.h"

/* Input held for a connection before its handler takes it, in bytes. */
#define CONN_MAX_INPUT_BYTES (256u << 10)
/* Descriptors a connection may have waiting (FILDES), more are closed. */
#define CONN_MAX_FDS 4

struct svc;
struct conn;

enum conn_proto { PROTO_CLAMD, PROTO_ICAP, PROTO_METRICS };

/* A protocol: the server hands its operations to each connection it
 * accepts for it. */
struct conn_ops {
	/* The connection is new: greet, set a deadline. 0, or -1 (abort). */
	int (*accept)(struct conn *c);
	/* New input, or end of input (c->eof): consume from c->in. */
	void (*input)(struct conn *c);
	/* A deadline passed. */
	void (*timeout)(struct conn *c);
	/* The connection is going away: cancel work, free state. */
	void (*release)(struct conn *c);
	/* The descriptor given to conn_watch_aux() is readable (or hung
	 * up); NULL for a protocol that watches none. */
	void (*aux)(struct conn *c, unsigned events);
};

struct conn {
	struct evsrc ev;
	struct evsrc aux_ev;	/* EV_CONN_AUX: aux_fd */
	int aux_fd;		/* watched for the protocol; -1: none */
	struct svc *svc;	/* what the parent offers the protocols */
	int epfd;
	const struct conn_ops *ops;
	void *state;		/* the protocol's */
	int fd;
	int is_unix;
	enum conn_proto proto;
	char peer[64];		/* "local" or "addr@port" */
	struct peer cred;	/* a unix socket's client: its rights */
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_len, out_off, out_cap;
	int fds[CONN_MAX_FDS];	/* received, oldest first */
	uint64_t fd_at[CONN_MAX_FDS]; /* input offset where the read that
					 * brought it ended */
	unsigned nfds;
	uint64_t in_total;	/* bytes received so far */
	int eof;		/* the client sends nothing more */
	int hup;		/* closed both ways (EPOLLHUP: a unix socket's
				 * peer closed, or an error) */
	int closing;		/* close once the output is written */
	int shut_wr;		/* shut down writing once it is written */
	int dead;		/* aborted; the loop releases and frees it */
	int paused;		/* input not read (backpressure) */
	double deadline;	/* 0: none */
	struct conn *next;
};

/* Removes n bytes from the front of the input. */
void conn_consume(struct conn *c, size_t n);
/* Queues output; -1 on allocation failure (the connection closes). */
int conn_write(struct conn *c, const void *buf, size_t n);
int conn_printf(struct conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Ends the output (the client reads EOF) once it is flushed. */
void conn_shutdown_output(struct conn *c);
/* Closes after the output is flushed. */
void conn_close_after_output(struct conn *c);
/* Closes now, output dropped; ops->release runs when the loop frees it. */
void conn_abort(struct conn *c);
/* Takes the oldest received descriptor (and its offset), or -1. */
int conn_take_fd(struct conn *c, uint64_t *at);
/* Stops or resumes reading input. */
void conn_pause(struct conn *c, int paused);
/* Watches fd for input on the connection's behalf (a pipe a client
 * handed over): ops->aux runs when it is readable. The connection owns
 * the registration, not fd. 0, or -1 (fd cannot be watched: a regular
 * file, say). */
int conn_watch_aux(struct conn *c, int fd);
void conn_unwatch_aux(struct conn *c);

/* The event loop's part: a connection of proto served by ops (whose
 * accept the caller runs), watched on epfd. */
struct conn *conn_new(struct svc *svc, int epfd, int fd, int is_unix,
		      const char *peer, enum conn_proto proto,
		      const struct conn_ops *ops);
void conn_on_event(struct conn *c, unsigned events);
void conn_on_aux_event(struct evsrc *aux, unsigned events);
void conn_free(struct conn *c);

#endif
