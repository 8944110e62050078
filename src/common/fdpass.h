/*
 * fdpass.h -- descriptors over a unix socket (SCM_RIGHTS), the way vigild
 * hands objects to its workers, clamdscan --fdpass and vigil-onaccess hand
 * opened files to vigild. Received descriptors are always close-on-exec.
 */
#ifndef VIGIL_COMMON_FDPASS_H
#define VIGIL_COMMON_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* Sends len bytes of data, and fd with them if fd >= 0; as sendmsg(2). */
ssize_t fdpass_send(int sock, const void *data, size_t len, int fd);

/* Limit on descriptors taken from one message; more are closed. */
#define FDPASS_MAX_FDS 16

/*
 * Receives up to len bytes into data and the descriptors sent with them:
 * up to maxfds into fds (*nfds says how many), the rest closed, so none
 * leaks. flags as recvmsg(2) (MSG_DONTWAIT); EINTR is retried. Returns
 * what recvmsg(2) returns; on error no descriptor is kept.
 */
ssize_t fdpass_recv(int sock, void *data, size_t len, int flags, int *fds,
		    size_t maxfds, size_t *nfds);

#endif
