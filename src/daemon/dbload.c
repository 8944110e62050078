/*
 * dbload.c -- loads vigild's database. A reload runs here in a second
 * thread while the event loop keeps serving with the old engine; the
 * thread touches nothing but the new engine and tells the loop it is done
 * through an eventfd. A database served with the quick matcher (its
 * compiled one was not in the cache) gets the compiled one built in a
 * process of its own at low priority.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "dbload.h"
#include "log.h"

static void on_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	if (level == VIGIL_LOG_ERROR)
		vlog(LOG_ERR, "database: %s", msg);
	else if (level == VIGIL_LOG_WARNING)
		vlog(LOG_DEBUG, "database: %s", msg);
}

static int self_test(const struct vigil_engine *e, char *err, size_t errlen)
{
	char name[256];
	int rc = vigil_engine_self_test(e, name, sizeof(name));

	if (rc == VIGIL_EFALSEPOS)
		snprintf(err, errlen, "self-test: a harmless object flagged "
			 "as %s", name);
	else if (rc < 0)
		snprintf(err, errlen, "self-test: %s", vigil_strerror(rc));
	return rc < 0 ? -1 : 0;
}

/* The database's version without a .vdb (signature sources): the newest
 * file's time. With one, its header's creation time (engine stats: no
 * second read of a file the load checked). */
static uint64_t newest_mtime(const char *dir)
{
	char path[4096];
	struct dirent *d;
	uint64_t best = 0;
	DIR *dh = opendir(dir);

	if (!dh)
		return 0;
	while ((d = readdir(dh))) {
		struct stat st;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (stat(path, &st) == 0 && (uint64_t)st.st_mtime > best)
			best = (uint64_t)st.st_mtime;
	}
	closedir(dh);
	return best;
}

void db_fingerprint(const char *dir, char out[64])
{
	XXH3_state_t *st = XXH3_createState();
	struct dirent *d;
	char path[4096];
	DIR *dh;

	snprintf(out, 64, "none");
	if (!st || !(dh = opendir(dir))) {
		XXH3_freeState(st);
		return;
	}
	XXH3_64bits_reset(st);
	while ((d = readdir(dh))) {
		struct stat sb;
		uint64_t v[4];

		/* the database's own files: ".." changes with its parent */
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (stat(path, &sb) < 0)
			continue;
		v[0] = (uint64_t)sb.st_size;
		v[1] = (uint64_t)sb.st_mtim.tv_sec * 1000000000u +
		       (uint64_t)sb.st_mtim.tv_nsec;
		v[2] = (uint64_t)sb.st_ino;
		v[3] = (uint64_t)sb.st_ctim.tv_sec;
		XXH3_64bits_update(st, d->d_name, strlen(d->d_name) + 1);
		XXH3_64bits_update(st, v, sizeof(v));
	}
	closedir(dh);
	/* readdir order may change without content changing: that only
	 * costs a needless reload, never a missed one */
	snprintf(out, 64, "%016llx", (unsigned long long)XXH3_64bits_digest(st));
	XXH3_freeState(st);
}

int db_build(const struct db_source *src, struct vigil_engine **out,
	     struct db_info *info, char *err, size_t errlen)
{
	const char *dir = src->dir;
	struct vigil_engine_options o = {
		sizeof(o), src->flags, src->cache_dir, on_log, NULL, NULL,
		src->certs_dir ? src->certs_dir : VIGIL_CLAMAV_CERTS_DIR
	};
	struct vigil_engine_stats st = { .size = sizeof(st) };
	struct vigil_engine *e = NULL;
	struct timespec t0, t1;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	db_fingerprint(dir, info->fingerprint);
	if ((rc = vigil_engine_new(&e, &o)) < 0 ||
	    (rc = vigil_engine_load(e, dir)) < 0 ||
	    (rc = vigil_engine_compile(e)) < 0) {
		snprintf(err, errlen, "%s: %s", dir, vigil_strerror(rc));
		goto fail;
	}
	if (self_test(e, err, errlen) < 0)
		goto fail;
	vigil_engine_stats(e, &st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	info->version = st.db_created ? st.db_created : newest_mtime(dir);
	info->signatures = st.signatures;
	info->quick_matchers = st.quick_matchers;
	info->unsettled = st.unsettled;
	info->loaded_at = (double)time(NULL);
	info->load_seconds = (double)(t1.tv_sec - t0.tv_sec) +
			     (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	*out = e;
	return 0;
fail:
	vigil_engine_free(e);
	return -1;
}

/* A child for work in the background at priority nice: in the parent
 * its pid (or -1), in the child 0. The child ends with the daemon, holds
 * no descriptor of it, and takes SIGTERM (systemd's stop) again. */
static pid_t fork_background(int nice)
{
	sigset_t none;
	pid_t parent = getpid(), pid = fork();

	if (pid != 0)
		return pid;
	sigemptyset(&none);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent ||
	    sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		_exit(2);
	log_in_worker(); /* its descriptor is closed next */
	close_range(3, ~0U, 0);
	if (setpriority(PRIO_PROCESS, 0, nice) < 0)
		_exit(2);
	return 0;
}

pid_t db_compile_start(const struct db_source *src)
{
	struct db_source full = *src;
	struct vigil_engine *e = NULL;
	struct db_info info;
	char err[256];
	pid_t pid = fork_background(10);

	if (pid != 0)
		return pid;
	full.flags |= VIGIL_ENGINE_FULL_MATCHER;
	if (db_build(&full, &e, &info, err, sizeof(err)) < 0)
		_exit(1);
	_exit(info.quick_matchers ? 1 : 0);
}

pid_t db_settle_start(const struct vigil_engine *e)
{
	pid_t pid = fork_background(19);
	int wait = 0, round;

	if (pid != 0)
		return pid;
	/* a file that keeps changing is left alone: its identity moves */
	for (round = 0; round < 4 && (wait = vigil_engine_settle(e)) > 0;
	     round++) {
		struct timespec ts = { wait / 1000,
				       (long)(wait % 1000) * 1000000 };

		nanosleep(&ts, NULL);
	}
	_exit(wait == 0 ? 0 : 1);
}

static void *loader_main(void *arg)
{
	struct db_loader *l = arg;
	uint64_t one = 1;

	l->engine = NULL;
	l->rc = db_build(&l->src, &l->engine, &l->info, l->err,
			 sizeof(l->err));
	if (write(l->efd, &one, sizeof(one)) < 0)
		l->rc = -1;
	return NULL;
}

int db_loader_init(struct db_loader *l, const struct db_source *src)
{
	memset(l, 0, sizeof(*l));
	l->src = *src;
	l->ev.kind = EV_LOADER;
	l->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return l->efd < 0 ? -1 : 0;
}

int db_loader_start(struct db_loader *l)
{
	if (l->running)
		return -1;
	if (pthread_create(&l->thread, NULL, loader_main, l))
		return -1;
	l->running = 1;
	return 0;
}

void db_loader_finish(struct db_loader *l)
{
	uint64_t v;

	if (!l->running)
		return;
	pthread_join(l->thread, NULL);
	l->running = 0;
	if (read(l->efd, &v, sizeof(v)) < 0)
		v = 0;
}

void db_loader_free(struct db_loader *l)
{
	db_loader_finish(l);
	vigil_engine_free(l->engine);
	l->engine = NULL;
	if (l->efd >= 0)
		close(l->efd);
	l->efd = -1;
}
