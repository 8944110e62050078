/*
 * clamd_scan.h -- the scanning side of the clamd protocol: SCAN and its
 * kin (paths opened here, walked, handed to the workers), INSTREAM input,
 * handing objects to the pool and cancelling what a request still has
 * there.
 */
#ifndef VIGILD_CLAMD_SCAN_H
#define VIGILD_CLAMD_SCAN_H

#include "clamd_request.h"

void clamd_path_request(struct conn *c, const struct proto_command *pc);
void clamd_stall_request(struct conn *c, const struct proto_command *pc);
void clamd_stream_input(struct conn *c);
/* Drops an INSTREAM's memory file and its charge (the connection ends). */
void clamd_stream_release(struct conn *c);
/* Cancels the request's jobs and frees it, without a reply. */
void clamd_cancel(struct request *rq);
/* Hands fd (taken over, with the memory charge held for it) to the pool;
 * the reply comes with the result. 0, or -1 (answered, or out of memory). */
int clamd_submit(struct request *rq, int fd, const char *label, int single,
		 uint64_t held);

#endif
