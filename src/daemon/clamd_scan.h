/*
 * clamd_scan.h -- the scanning side of the clamd protocol: SCAN and its
 * kin (paths opened here, walked, handed to the workers), INSTREAM and
 * FILDES input, and cancelling what a request still has in the pool.
 */
#ifndef VIGILD_CLAMD_SCAN_H
#define VIGILD_CLAMD_SCAN_H

#include "clamd_request.h"

void clamd_path_request(struct conn *c, const struct proto_command *pc);
void clamd_stream_input(struct conn *c);
void clamd_fildes_input(struct conn *c);
/* Cancels the request's jobs and frees it, without a reply. */
void clamd_stall_request(struct conn *c, const struct proto_command *pc);
void clamd_cancel(struct request *rq);
/* FILDES of a pipe or socket: its data, read as it comes (ST_FDREAD); the
 * deadline passed; the connection is going (closes what is open). */
/* Drops an INSTREAM's memory file and its charge (the connection ends). */
void clamd_stream_release(struct conn *c);
void clamd_fdread_input(struct conn *c, unsigned events);
void clamd_fdread_timeout(struct conn *c);
void clamd_fdread_stop(struct conn *c);

#endif
