/*
 * oninfected.c -- see oninfected.h. Each action runs in a child process
 * forked from the event loop, holding the file as the worker read it; the
 * child logs what it did and says by its exit status whether it was done.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileact.h"
#include "common/qstore.h"
#include "log.h"
#include "oninfected.h"

struct waiting {
	int fd;
	char *path, *name;
};

static pid_t running[ONINFECTED_MAX_RUNNING];
static struct waiting queue[ONINFECTED_MAX_WAITING];
static size_t q_head, q_len;
static unsigned long long n_done, n_failed;
/* No fork while the loader thread runs: a child of a process with
 * another thread in malloc could hang in its own first malloc. */
static int held;

static const char *store(const struct vconf *c)
{
	return c->quarantine_dir ? c->quarantine_dir : QSTORE_DEFAULT_DIR;
}

int on_infected_check(const struct vconf *c, char *err, size_t errlen)
{
	int dir_needed = c->on_infected == OI_MOVE || c->on_infected == OI_COPY;
	const char *dir = dir_needed ? c->on_infected_dir : store(c);
	struct stat st;

	if (dir_needed && !dir) {
		snprintf(err, errlen, "OnInfected %s needs OnInfectedDirectory",
			 on_infected_words[c->on_infected]);
		return -1;
	}
	if (c->on_infected == OI_NONE || c->on_infected == OI_REMOVE)
		return 0;
	if (stat(dir, &st) < 0) {
		if (errno == ENOENT && !dir_needed)
			return 0; /* a quarantine is made at its first use */
		snprintf(err, errlen, "%s %s: %s", dir_needed ?
			 "OnInfectedDirectory" : "QuarantineDirectory", dir,
			 strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return -1;
	}
	return 0;
}

/* The action, in the child: 0 done, -1 not (logged either way). */
static int act(const struct vconf *c, int fd, const char *path,
	       const char *name)
{
	char dest[FILEACT_MAX_PATH + 16], line[FILEACT_MAX_PATH * 3];
	struct qstore_entry e;
	enum fileact_kind k;
	int rc;

	if (c->on_infected == OI_QUARANTINE) {
		rc = qstore_put_fd(store(c), c->quarantine_max_bytes, fd, path,
				   name, &e, line, sizeof(line));
		if (rc == 0)
			vlog(LOG_NOTICE, "%s: quarantined as %s", path, e.id);
		else
			vlog(LOG_WARNING, "%s: not quarantined: %s", path,
			     line);
		return rc;
	}
	k = c->on_infected == OI_REMOVE ? FILEACT_REMOVE :
	    c->on_infected == OI_MOVE ? FILEACT_MOVE : FILEACT_COPY;
	rc = fileact_do(k, fd, path, c->on_infected_dir, dest, sizeof(dest));
	fileact_line(k, rc, errno, path, c->on_infected_dir, dest, line,
		     sizeof(line));
	vlog(rc == 0 ? LOG_NOTICE : LOG_WARNING, "%s", line);
	return rc;
}

static int free_slot(void)
{
	int i;

	for (i = 0; i < ONINFECTED_MAX_RUNNING; i++)
		if (!running[i])
			return i;
	return -1;
}

/* Starts the action in slot; fd stays the caller's to close. */
static void start(const struct vconf *c, int slot, int fd, const char *path,
		  const char *name)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(act(c, fd, path, name) == 0 ? 0 : 1);
	if (pid < 0) {
		n_failed++;
		vlog(LOG_WARNING, "%s: OnInfected not done: cannot fork: %s",
		     path, strerror(errno));
		return;
	}
	running[slot] = pid;
}

/* Holds the action until a slot is free: 0, or -1 with the reason. */
static int enqueue(int fd, const char *path, const char *name,
		   const char **why)
{
	struct waiting *w = &queue[(q_head + q_len) % ONINFECTED_MAX_WAITING];

	if (q_len == ONINFECTED_MAX_WAITING) {
		*why = "too many actions waiting";
		return -1;
	}
	w->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	w->path = strdup(path);
	w->name = strdup(name);
	if (w->fd < 0 || !w->path || !w->name) {
		*why = strerror(errno);
		if (w->fd >= 0)
			close(w->fd);
		free(w->path);
		free(w->name);
		memset(w, 0, sizeof(*w));
		return -1;
	}
	q_len++;
	return 0;
}

void on_infected(const struct vconf *c, int fd, const char *path,
		 const char *name)
{
	const char *why;
	int slot;

	if (c->on_infected == OI_NONE || fd < 0)
		return;
	if (!held && (slot = free_slot()) >= 0 && !q_len) {
		start(c, slot, fd, path, name);
	} else if (enqueue(fd, path, name, &why) < 0) {
		n_failed++;
		vlog(LOG_WARNING, "%s: OnInfected not done: %s", path, why);
	}
}

/* The next action waiting, into the slot just freed. */
static void next(const struct vconf *c, int slot)
{
	struct waiting *w = &queue[q_head];

	if (!q_len)
		return;
	q_head = (q_head + 1) % ONINFECTED_MAX_WAITING;
	q_len--;
	start(c, slot, w->fd, w->path, w->name);
	close(w->fd);
	free(w->path);
	free(w->name);
	memset(w, 0, sizeof(*w));
}

int on_infected_reaped(const struct vconf *c, pid_t pid, int status)
{
	int i;

	for (i = 0; i < ONINFECTED_MAX_RUNNING; i++) {
		if (running[i] != pid)
			continue;
		running[i] = 0;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			n_done++;
		else
			n_failed++;
		if (!held)
			next(c, i);
		return 1;
	}
	return 0;
}

void on_infected_hold(const struct vconf *c, int hold)
{
	int slot;

	held = hold;
	while (!held && q_len && (slot = free_slot()) >= 0)
		next(c, slot);
}

void on_infected_counts(unsigned long long *done, unsigned long long *failed)
{
	*done = n_done;
	*failed = n_failed;
}
