/*
 * dbsetup.c -- the engine a command works with: the -d sources, or the
 * default set (Vigil's bundled database, what vigil update installed in
 * /var/lib/vigil, and ClamAV's feed in /var/lib/clamav). Load warnings are shown a few at a time unless -v.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "common/updstate.h"

#ifndef VIGIL_DATADIR
#define VIGIL_DATADIR "/usr/local/share/vigil"
#endif
#ifndef VIGIL_BUILD_DB_DIR
#define VIGIL_BUILD_DB_DIR ""
#endif

#define CLAMAV_DB_DIR "/var/lib/clamav"
/* vigil update's default directory (vigil-update(1)) */
#define UPDATE_DB_DIR "/var/lib/vigil"
/* Load warnings printed before "and N more" without -v. */
#define WARNINGS_SHOWN 10

struct logstate {
	int verbose, quiet;
	unsigned long shown, hidden;
};

static void on_log(void *ctx, int level, const char *msg)
{
	struct logstate *ls = ctx;

	if (level == VIGIL_LOG_ERROR) {
		fprintf(stderr, "vigil: %s\n", msg);
		return;
	}
	if (level == VIGIL_LOG_WARNING && !ls->quiet &&
	    (ls->verbose || ls->shown < WARNINGS_SHOWN)) {
		fprintf(stderr, "vigil: warning: %s\n", msg);
		ls->shown++;
	} else if (level == VIGIL_LOG_WARNING) {
		ls->hidden++;
	}
}

const char *dbsetup_default_cache(void)
{
	static char path[4096];
	const char *v = getenv("VIGIL_CACHE_DIR"), *x, *h;

	if (v && *v)
		return v;
	if ((x = getenv("XDG_CACHE_HOME")) && *x)
		snprintf(path, sizeof(path), "%s/vigil", x);
	else if ((h = getenv("HOME")) && *h)
		snprintf(path, sizeof(path), "%s/.cache/vigil", h);
	else
		return NULL;
	return path;
}

static int is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

const char *dbsetup_bundled(void)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/vigil.vdb", VIGIL_DATADIR);
	if (is_file(path))
		return path;
	snprintf(path, sizeof(path), "%s/vigil.vdb", VIGIL_BUILD_DB_DIR);
	if (*VIGIL_BUILD_DB_DIR && is_file(path))
		return path;
	return NULL;
}

/* ClamAV's containers in /var/lib/clamav, each its own shard. */
static int load_clamav_feed(struct vigil_engine *e, int *loaded)
{
	struct dirent **ents;
	int n, i;

	if ((n = scandir(CLAMAV_DB_DIR, &ents, NULL, alphasort)) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		const char *dot = strrchr(ents[i]->d_name, '.');
		char path[4096];

		if (dot && (!strcmp(dot, ".cvd") || !strcmp(dot, ".cld"))) {
			snprintf(path, sizeof(path), "%s/%s", CLAMAV_DB_DIR,
				 ents[i]->d_name);
			if (vigil_engine_load(e, path) == 0)
				(*loaded)++;
			else
				fprintf(stderr, "vigil: %s skipped\n", path);
		}
		free(ents[i]);
	}
	free(ents);
	return 0;
}

/* What vigil update installed in its default directory, if anything. */
static void load_updated(struct vigil_engine *e, int *loaded)
{
	char path[4200];
	size_t n;
	int rc;

	if (updstate_db_dir(UPDATE_DB_DIR, path, sizeof(path)) < 0 ||
	    (n = strlen(path)) < 8 || strcmp(path + n - 8, "/current"))
		return;
	if ((rc = vigil_engine_load(e, path)) < 0)
		fprintf(stderr, "vigil: %s: %s\n", path, vigil_strerror(rc));
	else
		(*loaded)++;
}

static int load_default(struct vigil_engine *e)
{
	const char *bundled = dbsetup_bundled();
	int loaded = 0, rc;

	if (bundled) {
		if ((rc = vigil_engine_load(e, bundled)) < 0)
			fprintf(stderr, "vigil: %s: %s\n", bundled,
				vigil_strerror(rc));
		else
			loaded++;
	}
	load_updated(e, &loaded);
	load_clamav_feed(e, &loaded);
	if (loaded)
		return 0;
	fprintf(stderr,
		"vigil: no signature database found.\n"
		"  Give one with -d: a .vdb file (vigil db compile), ClamAV "
		"signature files\n"
		"  or a directory of them; or install ClamAV's feed with "
		"'freshclam' (into %s).\n", CLAMAV_DB_DIR);
	return -1;
}

/* Says when a database part is served by the quick matcher because the
 * cache missed its compiled one (-v). */
static void note_quick(const struct vigil_engine *e)
{
	struct vigil_engine_stats st = { .size = sizeof(st) };

	if (vigil_engine_stats(e, &st) == 0 && st.quick_matchers)
		fprintf(stderr, "vigil: %llu database part(s) not in the "
			"matcher cache: scanning with the quick matcher "
			"(vigil db compile or --full-matcher compiles the "
			"faster one)\n", (unsigned long long)st.quick_matchers);
}

int dbsetup_engine(struct dbsetup *d, struct vigil_engine **out)
{
	static struct logstate ls;
	struct vigil_engine_options o = {
		sizeof(o), d->flags, d->cache_dir, on_log, &ls, d->cvd_key,
		d->certs_dir ? d->certs_dir : VIGIL_CLAMAV_CERTS_DIR
	};
	struct vigil_engine *e = NULL;
	size_t i;
	int rc = 0;

	ls.verbose = d->verbose;
	ls.quiet = d->quiet;
	if ((rc = vigil_engine_new(&e, &o)) < 0) {
		fprintf(stderr, "vigil: %s\n", vigil_strerror(rc));
		return -1;
	}
	if (!d->npaths && load_default(e) < 0)
		goto fail;
	for (i = 0; i < d->npaths && rc == 0; i++) {
		char path[4200];

		/* vigil update's directory: its current/ */
		if (updstate_db_dir(d->paths[i], path, sizeof(path)) < 0)
			snprintf(path, sizeof(path), "%s", d->paths[i]);
		if ((rc = vigil_engine_load(e, path)) < 0)
			fprintf(stderr, "vigil: cannot load %s: %s\n", path,
				vigil_strerror(rc));
	}
	if (rc < 0)
		goto fail;
	if ((rc = vigil_engine_compile(e)) < 0) {
		fprintf(stderr, "vigil: cannot compile the database: %s\n",
			vigil_strerror(rc));
		goto fail;
	}
	if (ls.hidden && !d->quiet)
		fprintf(stderr, "vigil: warning: %lu more signature lines "
			"skipped (-v lists them, --strict refuses them)\n",
			ls.hidden);
	if (d->verbose)
		note_quick(e);
	*out = e;
	return 0;
fail:
	vigil_engine_free(e);
	return -1;
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
