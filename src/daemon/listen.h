/*
 * listen.h -- vigild's listening sockets: made from the configuration, or
 * handed over by systemd (socket activation, LISTEN_FDS).
 */
#ifndef VIGILD_LISTEN_H
#define VIGILD_LISTEN_H

/* A unix stream socket at path (a stale one is replaced), with mode and,
 * if group is set, that group; -1 with err. */
int listen_unix(const char *path, unsigned mode, const char *group,
		int fix_stale, char *err, size_t errlen);
/* A TCP socket on addr:port (IPv4 or IPv6 literal or name). */
int listen_tcp(const char *addr, unsigned port, char *err, size_t errlen);
/*
 * Descriptors passed by systemd for this process: their number (0 when
 * none); the first is SD_LISTEN_FDS_START (3).
 */
int listen_inherited(void);
/* Whether fd is a unix socket (1), TCP (0), and its port (TCP). */
int listen_describe(int fd, unsigned *port);

#endif
