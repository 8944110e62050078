/*
 * clamd_request.h -- the clamd protocol's connection state and its
 * requests, shared by its command side (clamd.c) and its scanning side
 * (clamd_scan.c); clamd_request.c writes the replies.
 */
#ifndef VIGILD_CLAMD_REQUEST_H
#define VIGILD_CLAMD_REQUEST_H

#include <stdint.h>

#include "conn.h"
#include "pool.h"
#include "proto.h"

struct dirwalk;
struct scanjob;

enum clamd_state {
	ST_COMMAND,	/* reading commands */
	ST_STREAM,	/* reading INSTREAM chunks */
	ST_FILDES,	/* waiting for the descriptor of FILDES */
	ST_DONE,	/* no more commands: answering, then closing */
	ST_DRAIN,	/* refused a stream: reading it away, then closing */
	ST_FDREAD,	/* FILDES of a pipe: reading it into memory */
};

/* One command and what it waits for. */
struct request {
	struct conn *c;
	struct clamd *cs;
	unsigned num;		/* IDSESSION's number; 0 outside one */
	enum proto_cmd cmd;
	char delim;
	char *path;		/* SCAN family: as the client gave it */
	struct dirwalk *walk;	/* a directory being walked */
	unsigned running;	/* its jobs in the pool */
	unsigned found, errors;
	int stop;		/* SCAN of a directory: first detection ends it */
	int is_dir;		/* says "path: OK" at the end if all was clean */
	int cancelled;
	int stall_fd;		/* SANDBOXSTALL: the pipe's end never written */
	struct scanjob *jobs;	/* in the pool */
	struct request *next;
};

struct clamd {
	enum clamd_state state;
	int session, ended;	/* IDSESSION; END received */
	unsigned seq;
	struct request *reqs;
	/* INSTREAM */
	struct request *stream_rq;
	int memfd;
	uint64_t stream_bytes;
	uint32_t chunk_left;
	int in_chunk;
	uint64_t held;	/* charged for memfd or fdread_memfd (svc_mem_take) */
	/* FILDES */
	struct request *fildes_rq;
	uint64_t fildes_cmd_end;	/* input offset after the command */
	/* FILDES of what is not a regular file: read here, not by a worker */
	struct request *fdread_rq;
	int fdread_fd, fdread_memfd;
	uint64_t fdread_bytes;
	enum clamd_state fdread_after;	/* the state once it is read */
	char fdread_label[32];
};

/* Writes one reply line: "[N: ]text<delim>". */
void clamd_reply(struct request *rq, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct request *clamd_request_new(struct conn *c, enum proto_cmd cmd,
				  char delim);
/* Frees the request (no reply, no jobs left). */
void clamd_request_free(struct request *rq);
/* The request has nothing more to say: frees it, maybe ends the conn. */
void clamd_request_done(struct request *rq);
/* Ends the connection once nothing is left to answer, unless in a
 * session (there, the idle deadline starts again). */
void clamd_maybe_finish(struct conn *c);

#endif
