/*
 * dirs.h -- watching directory trees without marking whole mounts: every
 * directory under a watched path gets a fanotify mark for its children,
 * and an inotify watch that reports directories made or moved in later,
 * which are then marked in turn.
 */
#ifndef VIGIL_ONACCESS_DIRS_H
#define VIGIL_ONACCESS_DIRS_H

#include <stdint.h>

#define DIRS_MAX 65536		/* directories watched at most */
#define DIRS_MAX_DEPTH 256	/* levels below a watched path */

struct dirs;

/* Watches with the fanotify group fan for the events in mask. */
struct dirs *dirs_new(int fan, uint64_t mask, const char *const *excludes,
		      unsigned nexcludes);
void dirs_free(struct dirs *d);
/* Marks root and every directory under it; -1 if root itself fails. */
int dirs_add_tree(struct dirs *d, const char *root);
/* The inotify descriptor to poll. */
int dirs_fd(const struct dirs *d);
/* Reads inotify events and marks new directories. */
void dirs_events(struct dirs *d);

#endif
