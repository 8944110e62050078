/*
 * fdpass.c -- see fdpass.h. MSG_NOSIGNAL: a peer gone is an error, not
 * SIGPIPE.
 */
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "fdpass.h"

ssize_t fdpass_send(int sock, const void *data, size_t len, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)(uintptr_t)data, len };
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd >= 0) {
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL);
}
