/*
 * virusevent.c -- see virusevent.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "virusevent.h"

/* Longest command line made, in bytes. */
#define VIRUSEVENT_MAX_COMMAND 8192

/* What "%f" becomes: one word a shell takes as it is. */
static const char disabled[] = "see-CLAM_VIRUSEVENT_FILENAME";

static pid_t running[VIRUSEVENT_MAX_RUNNING];

/* cmd with %v replaced by name, %f by a note; 0, or -1 if too long. */
static int expand(const char *cmd, const char *name, char *out, size_t len)
{
	size_t n = 0, k;
	const char *with;

	for (; *cmd; cmd++) {
		with = NULL;
		if (cmd[0] == '%' && cmd[1] == 'v')
			with = name;
		else if (cmd[0] == '%' && cmd[1] == 'f')
			with = disabled;
		k = with ? strlen(with) : 1;
		if (n + k >= len)
			return -1;
		memcpy(out + n, with ? with : cmd, k);
		n += k;
		cmd += with != NULL;
	}
	out[n] = '\0';
	return 0;
}

static int free_slot(void)
{
	int i;

	for (i = 0; i < VIRUSEVENT_MAX_RUNNING; i++)
		if (!running[i])
			return i;
	return -1;
}

void virus_event(const char *cmd, const char *object, const char *name)
{
	char line[VIRUSEVENT_MAX_COMMAND], fv[4200], vv[512], pv[4200];
	const char *path = getenv("PATH");
	char *env[4] = { fv, vv, pv, NULL };
	int slot;
	pid_t pid;

	if (!cmd || !*cmd)
		return;
	if ((slot = free_slot()) < 0 || expand(cmd, name, line,
					       sizeof(line)) < 0) {
		vlog(LOG_WARNING, "VirusEvent for %s not run: %s", object,
		     slot < 0 ? "too many still running" : "command too long");
		return;
	}
	snprintf(fv, sizeof(fv), "CLAM_VIRUSEVENT_FILENAME=%s", object);
	snprintf(vv, sizeof(vv), "CLAM_VIRUSEVENT_VIRUSNAME=%s", name);
	snprintf(pv, sizeof(pv), "PATH=%s", path ? path : "/usr/bin:/bin");
	if ((pid = fork()) == 0) {
		execle("/bin/sh", "sh", "-c", line, (char *)NULL, env);
		_exit(127);
	}
	if (pid < 0) {
		vlog(LOG_WARNING, "VirusEvent: cannot fork: %s",
		     strerror(errno));
		return;
	}
	running[slot] = pid;
}

int virus_event_reaped(pid_t pid, int status)
{
	int i;

	for (i = 0; i < VIRUSEVENT_MAX_RUNNING; i++) {
		if (running[i] != pid)
			continue;
		running[i] = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			vlog(LOG_WARNING, "VirusEvent command %d ended with "
			     "status %d", (int)pid, status);
		return 1;
	}
	return 0;
}
