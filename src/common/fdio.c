/*
 * fdio.c -- writing a whole buffer to a descriptor.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "common/fdio.h"

int fd_write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w == 0)
			errno = EIO;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}
