/*
 * vscan.c -- see vscan.h. The reply is "fd[N]: OK", "fd[N]: NAME FOUND"
 * or "fd[N]: REASON ERROR" ended by a NUL (the z form), read through the
 * bounded reader.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/fdpass.h"
#include "common/reader.h"
#include "vscan.h"

#define VSCAN_MAX_REPLY_BYTES 1024

static void copy(char *out, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

enum vscan_result vscan_reply(const char *reply, size_t len, char *what,
			      size_t cap)
{
	const char *rest;
	struct rdr r;
	size_t n;

	rdr_init(&r, reply, len);
	if (memchr(reply, '\0', len) || !rdr_accept(&r, "fd[", 3) ||
	    !rdr_until(&r, ':', 16, &rest, &n) || !rdr_accept(&r, " ", 1)) {
		copy(what, cap, "vigild's answer is not a scan result", 36);
		return VSCAN_ERROR;
	}
	rest = rdr_here(&r);
	n = rdr_left(&r);
	if (n == 2 && !memcmp(rest, "OK", 2))
		return VSCAN_CLEAN;
	if (n > 6 && !memcmp(rest + n - 6, " FOUND", 6)) {
		copy(what, cap, rest, n - 6);
		return VSCAN_FOUND;
	}
	copy(what, cap, rest, n);
	return VSCAN_ERROR;
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* The reply up to its NUL; its length, or -1 (errno ETIMEDOUT at the end). */
static long read_reply(int s, char *buf, size_t cap, int timeout_ms)
{
	long end = now_ms() + timeout_ms, left;
	struct pollfd p = { s, POLLIN, 0 };
	size_t got = 0;
	ssize_t k;
	char *nul;

	while (!(nul = memchr(buf, '\0', got))) {
		if (got == cap || (left = end - now_ms()) <= 0) {
			errno = got == cap ? EMSGSIZE : ETIMEDOUT;
			return -1;
		}
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		if ((k = read(s, buf + got, cap - got)) <= 0) {
			errno = k ? errno : ECONNRESET;
			return -1;
		}
		got += (size_t)k;
	}
	return nul - buf;
}

enum vscan_result vscan_fd(const char *sock, int fd, int timeout_ms,
			   char *what, size_t cap)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char reply[VSCAN_MAX_REPLY_BYTES];
	enum vscan_result rc = VSCAN_ERROR;
	long n;
	int s;

	if (strlen(sock) >= sizeof(sa.sun_path)) {
		copy(what, cap, "socket path too long", 20);
		return rc;
	}
	strcpy(sa.sun_path, sock);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(s, "zFILDES", 8, MSG_NOSIGNAL) != 8 || fdpass_send(s, "", 1, fd) != 1 ||
	    (n = read_reply(s, reply, sizeof(reply), timeout_ms)) < 0)
		snprintf(what, cap, "vigild at %s: %s", sock, strerror(errno));
	else
		rc = vscan_reply(reply, (size_t)n, what, cap);
	if (s >= 0)
		close(s);
	return rc;
}
