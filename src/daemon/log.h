/*
 * log.h -- vigild's log: stderr, a log file and/or syslog, one line per
 * event, with syslog(3) severities.
 */
#ifndef VIGILD_LOG_H
#define VIGILD_LOG_H

#include <syslog.h>

struct vconf;

/* Opens the destinations the configuration names; -1 with errno. */
int log_open(const struct vconf *c, int to_stderr);
/* Reopens the log file (SIGHUP, after rotation). */
void log_reopen(void);
void log_close(void);
/* In a worker: keeps stderr only (no file, no syslog socket). */
void log_in_worker(void);
/* level: LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG. */
void vlog(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
