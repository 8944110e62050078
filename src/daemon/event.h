/*
 * event.h -- what an epoll registration in vigild points at: every object
 * the event loop watches starts with a struct evsrc saying what it is.
 */
#ifndef VIGILD_EVENT_H
#define VIGILD_EVENT_H

enum ev_kind {
	EV_LISTENER,	/* a listening socket */
	EV_CONN,	/* a client connection */
	EV_CONN_AUX,	/* a descriptor a connection's protocol reads */
	EV_WORKER,	/* a worker's job socket */
	EV_SIGNAL,	/* the signalfd */
	EV_LOADER,	/* the database loader's completion eventfd */
	EV_DBWATCH,	/* the database directory's inotify (dbwatch.h) */
	EV_HTTP,	/* an HTTP daemon's epoll descriptor (http.h) */
	EV_HTTP_HUP,	/* an HTTP client waiting for its scan */
	EV_HTTP_SHIELD,	/* vigil-shield's answer to an HTTP request */
	EV_HTTP_PIPE,	/* room again in the pipe an upload streams into */
};

struct evsrc {
	enum ev_kind kind;
};

/* Registers fd with epfd for events, pointing at src. -1 with errno. */
int ev_add(int epfd, int fd, unsigned events, struct evsrc *src);
int ev_mod(int epfd, int fd, unsigned events, struct evsrc *src);
void ev_del(int epfd, int fd);
/* Monotonic seconds. */
double ev_now(void);

#endif
