/*
 * event.c -- thin helpers over epoll and the monotonic clock.
 */
#include <sys/epoll.h>
#include <time.h>

#include "event.h"

int ev_add(int epfd, int fd, unsigned events, struct evsrc *src)
{
	struct epoll_event e = { .events = events, .data.ptr = src };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e);
}

int ev_mod(int epfd, int fd, unsigned events, struct evsrc *src)
{
	struct epoll_event e = { .events = events, .data.ptr = src };

	return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &e);
}

void ev_del(int epfd, int fd)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
}

double ev_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
