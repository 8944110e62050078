/*
 * oninfected.h -- OnInfected: what vigild does with a file a client named
 * by path (SCAN, CONTSCAN, MULTISCAN, ALLMATCHSCAN) once it is found
 * infected: takes it into the encrypted quarantine (common/qstore.h),
 * removes it, or moves or copies it into OnInfectedDirectory. Streams,
 * passed descriptors and ICAP bodies belong to their clients and are left
 * to them (vigil-onaccess quarantines what it passed itself).
 */
#ifndef VIGILD_ONINFECTED_H
#define VIGILD_ONINFECTED_H

#include <sys/types.h>

#include "config.h"

/* Actions running at once (each in a child process, so that the event
 * loop never waits for a large file's encryption or copy). */
#define ONINFECTED_MAX_RUNNING 4
/* Actions waiting for a slot, each holding its file open; past it, an
 * action is not done and the log says so. */
#define ONINFECTED_MAX_WAITING 1024

/* Whether OnInfectedDirectory and QuarantineDirectory suit OnInfected:
 * 0, or -1 with a one-line reason in err. */
int on_infected_check(const struct vconf *c, char *err, size_t errlen);

/*
 * Acts on the file read at fd (not taken over: dup'ed), named path, found
 * infected as name. The file is acted on only while path still names the
 * file read (not one put in its place since). Each outcome is logged.
 */
void on_infected(const struct vconf *c, int fd, const char *path,
		 const char *name);
/* 1 if pid was an action's process (reaped; the next waiting starts), else
 * 0. done and failed count the outcomes so far. */
int on_infected_reaped(const struct vconf *c, pid_t pid, int status);
/* While hold is 1 (the database loader's thread runs), actions wait
 * instead of forking; released, the waiting ones start. */
void on_infected_hold(const struct vconf *c, int hold);
void on_infected_counts(unsigned long long *done,
			unsigned long long *failed);

#endif
