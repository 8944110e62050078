/*
 * clamd_fildes.h -- FILDES: the descriptor a client passed, scanned as it
 * is (a regular file) or read on the event loop first (a pipe, a socket).
 */
#ifndef VIGILD_CLAMD_FILDES_H
#define VIGILD_CLAMD_FILDES_H

#include "clamd_request.h"

/* The descriptor has come with its byte (or the connection ended). */
void clamd_fildes_input(struct conn *c);
/* A pipe's data, read as it comes (ST_FDREAD); its deadline passed; the
 * connection is going (closes what is open, gives back its memory). */
void clamd_fdread_input(struct conn *c, unsigned events);
void clamd_fdread_timeout(struct conn *c);
void clamd_fdread_stop(struct conn *c);

#endif
