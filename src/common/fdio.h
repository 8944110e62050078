/*
 * fdio.h -- writing a whole buffer to a descriptor, through short writes
 * and interruptions (libvigil's memory files, vigild's).
 */
#ifndef VIGIL_COMMON_FDIO_H
#define VIGIL_COMMON_FDIO_H

#include <stddef.h>

/* 0, or -1 with errno set (a write that wrote nothing counts as failed). */
int fd_write_all(int fd, const void *buf, size_t n);

#endif
