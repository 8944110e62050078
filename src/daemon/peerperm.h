/*
 * peerperm.h -- the rights of a client on the local socket (SO_PEERCRED,
 * its groups by SO_PEERGROUPS), checked before vigild opens a path the client
 * named: a client may have scanned only what it could read itself. The
 * mode bits decide (owner, group, other); ACL entries are not read, so an
 * ACL that grants more is refused and one that takes a right away from a
 * named user is not seen (docs/vigild.md).
 */
#ifndef VIGILD_PEERPERM_H
#define VIGILD_PEERPERM_H

#include <sys/stat.h>
#include <sys/types.h>

/* Groups of a client taken into account; more are left out (refusing). */
#define PEER_MAX_GROUPS 64

struct peer {
	int known;		/* 0: no credentials (TCP): the daemon's rights */
	uid_t uid;
	gid_t gid;
	pid_t pid;
	int sock;		/* the connection (SO_PEERGROUPS) */
	int groups_read;	/* groups taken from /proc (peer_groups) */
	unsigned ngroups;
	gid_t groups[PEER_MAX_GROUPS];
};

/* Fills p for a unix socket's client (SO_PEERCRED: cheap, at accept);
 * p->known stays 0 if it cannot. */
void peer_load(struct peer *p, int sock);
/* Reads the client's other groups, once, before its rights are checked
 * (a path command: streams never need them). */
void peer_groups(struct peer *p);

/* Whether the checks apply: a client known, neither root nor the daemon's
 * own user (for those the kernel's checks on open are the same). */
int peer_checked(const struct peer *p);

/* Whether the client may read what st describes (a directory: list and
 * enter it). */
int peer_may_read(const struct peer *p, const struct stat *st);

/*
 * Opens an absolute path for the client: every directory on the way (its
 * real path, links resolved first) must let the client through, the end
 * must be readable by it, and no component may turn into a link meanwhile.
 * The descriptor, or -1 with errno (EACCES when the client may not).
 */
int peer_open(const struct peer *p, const char *path);

#endif
