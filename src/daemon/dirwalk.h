/*
 * dirwalk.h -- walks a directory tree for SCAN, CONTSCAN and MULTISCAN,
 * one regular file at a time, handing each out already open.
 */
#ifndef VIGILD_DIRWALK_H
#define VIGILD_DIRWALK_H

/* Directory levels followed below the one named (clamd's default: 15). */
#define DIRWALK_MAX_DEPTH 15

struct dirwalk;
struct peer;

/* Starts at dirfd (taken over) whose path is root; an entry the client
 * (peerperm.h) could not read itself is refused as its open would be.
 * NULL: no memory. */
struct dirwalk *dirwalk_new(int dirfd, const char *root,
			    const struct peer *client);
/*
 * The next regular file: 1 with *fd open for reading and *path set (valid
 * until the next call), 0 at the end, -1 for an entry that could not be
 * opened (*path says which, *why the reason). Symbolic links are not
 * followed; devices, fifos and sockets are skipped.
 */
int dirwalk_next(struct dirwalk *w, int *fd, const char **path,
		 const char **why);
void dirwalk_free(struct dirwalk *w);

#endif
