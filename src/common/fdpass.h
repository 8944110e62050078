/*
 * fdpass.h -- sending a descriptor over a unix socket (SCM_RIGHTS), the
 * way vigild hands objects to its workers and vigil-onaccess hands opened
 * files to vigild.
 */
#ifndef VIGIL_COMMON_FDPASS_H
#define VIGIL_COMMON_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* Sends len bytes of data, and fd with them if fd >= 0; as sendmsg(2). */
ssize_t fdpass_send(int sock, const void *data, size_t len, int fd);

#endif
