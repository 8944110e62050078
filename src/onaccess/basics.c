/*
 * basics.c -- the three helpers the fanotify side (events.c), the workers
 * (workers.c) and the directory marks (dirs.c) share: the path-prefix
 * test, the answer to a permission event and the log line. It calls none
 * of them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <unistd.h>

#include "basics.h"

int oa_under(const char *path, const char *const *list, unsigned n)
{
	unsigned i;
	size_t k;

	for (i = 0; i < n; i++) {
		k = strlen(list[i]);
		if (!strncmp(path, list[i], k) && (path[k] == '/' || !path[k] ||
						   (k == 1 && list[i][0] == '/')))
			return 1;
	}
	return 0;
}

void oa_respond(int fan, int fd, int allow)
{
	struct fanotify_response r = { fd, allow ? FAN_ALLOW : FAN_DENY };

	if (write(fan, &r, sizeof(r)) != sizeof(r))
		oa_log("cannot answer an open: %s", strerror(errno));
}

void oa_log(const char *fmt, ...)
{
	char line[PATH_MAX + 512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "vigil-onaccess: %s\n", line);
}
