/*
 * virusevent.h -- clamd's VirusEvent: a command run for each detection.
 */
#ifndef VIGILD_VIRUSEVENT_H
#define VIGILD_VIRUSEVENT_H

#include <sys/types.h>

/* Commands running at once; past it, a detection's event is dropped and
 * the log says so (a flood of detections cannot fork-bomb the host). */
#define VIRUSEVENT_MAX_RUNNING 16

/*
 * Runs cmd (VirusEvent) with /bin/sh -c for a detection: "%v" in it is the
 * detection's name; the object's name is only in the environment,
 * CLAM_VIRUSEVENT_FILENAME (as clamd 1.x: "%f" is not replaced, since a
 * file name in a shell command line is an injection), with
 * CLAM_VIRUSEVENT_VIRUSNAME and PATH. Not waited for: the SIGCHLD handler
 * reaps it (virus_event_reaped).
 */
void virus_event(const char *cmd, const char *object, const char *name);
/* 1 if pid was a VirusEvent command (now reaped), else 0. */
int virus_event_reaped(pid_t pid, int status);

#endif
