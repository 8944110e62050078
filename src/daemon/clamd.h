/*
 * clamd.h -- the clamd protocol on a connection (clamd.c), as the server
 * hands it to the connections it accepts.
 */
#ifndef VIGILD_CLAMD_H
#define VIGILD_CLAMD_H

#include "conn.h"

/* The protocol, and what a client over MaxConnections gets: told so once
 * it has sent a command, in its own delimiter. */
extern const struct conn_ops clamd_ops, clamd_busy_ops;

#endif
