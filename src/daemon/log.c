/*
 * log.c -- writes each event once to every destination configured. The
 * log file is opened for appending, so that rotation by rename works with
 * a reopen on SIGHUP. LOG_DEBUG lines are written only with LogVerbose.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

static struct {
	int to_stderr, to_syslog, verbose, with_time;
	int fd;
	char *path;
} lg = { .fd = -1 };

static const struct {
	const char *name;
	int value;
} facilities[] = {
	{ "LOG_DAEMON", LOG_DAEMON }, { "LOG_USER", LOG_USER },
	{ "LOG_MAIL", LOG_MAIL },     { "LOG_LOCAL0", LOG_LOCAL0 },
	{ "LOG_LOCAL1", LOG_LOCAL1 }, { "LOG_LOCAL2", LOG_LOCAL2 },
	{ "LOG_LOCAL3", LOG_LOCAL3 }, { "LOG_LOCAL4", LOG_LOCAL4 },
	{ "LOG_LOCAL5", LOG_LOCAL5 }, { "LOG_LOCAL6", LOG_LOCAL6 },
	{ "LOG_LOCAL7", LOG_LOCAL7 },
};

static int facility(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(facilities) / sizeof(*facilities); i++)
		if (!strcasecmp(name, facilities[i].name))
			return facilities[i].value;
	return LOG_DAEMON;
}

int log_open(const struct vconf *c, int to_stderr)
{
	lg.to_stderr = to_stderr;
	lg.verbose = c->log_verbose;
	lg.with_time = c->log_time;
	if (c->log_syslog) {
		openlog("vigild", LOG_PID | LOG_NDELAY, facility(c->log_facility));
		lg.to_syslog = 1;
	}
	if (c->log_file) {
		free(lg.path);
		if (!(lg.path = strdup(c->log_file)))
			return -1;
		lg.fd = open(lg.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			     0640);
		if (lg.fd < 0)
			return -1;
	}
	return 0;
}

void log_reopen(void)
{
	int fd;

	if (!lg.path)
		return;
	fd = open(lg.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return;
	if (lg.fd >= 0)
		close(lg.fd);
	lg.fd = fd;
}

void log_close(void)
{
	if (lg.fd >= 0)
		close(lg.fd);
	lg.fd = -1;
	free(lg.path);
	lg.path = NULL;
	if (lg.to_syslog)
		closelog();
	lg.to_syslog = 0;
}

void log_in_worker(void)
{
	if (lg.fd >= 0)
		close(lg.fd);
	lg.fd = -1;
	if (lg.to_syslog)
		closelog();
	lg.to_syslog = 0;
}

static const char *level_name(int level)
{
	switch (level) {
	case LOG_ERR: return "ERROR: ";
	case LOG_WARNING: return "WARNING: ";
	case LOG_DEBUG: return "debug: ";
	default: return "";
	}
}

void vlog(int level, const char *fmt, ...)
{
	char msg[2048], line[2200], stamp[40] = "", *p;
	va_list ap;
	int n;

	if (level == LOG_DEBUG && !lg.verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* names come from clients and files: one event, one line */
	for (p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (lg.to_syslog)
		syslog(level, "%s", msg);
	if (lg.with_time) {
		time_t t = time(NULL);
		struct tm tm;

		strftime(stamp, sizeof(stamp), "%a %b %e %H:%M:%S %Y -> ",
			 localtime_r(&t, &tm));
	}
	n = snprintf(line, sizeof(line), "%s%s%s\n", stamp, level_name(level),
		     msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	if (lg.fd >= 0 && write(lg.fd, line, (size_t)n) < 0)
		errno = 0;
	if (lg.to_stderr && write(2, line, (size_t)n) < 0)
		errno = 0;
}
