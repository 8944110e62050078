/*
 * dbload.h -- vigild's database: built from DatabaseDirectory (compiled
 * .vdb files or signature sources), checked by a self-test before it may
 * serve, and rebuilt in a thread of its own on reload.
 */
#ifndef VIGILD_DBLOAD_H
#define VIGILD_DBLOAD_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "event.h"
#include "vigil/vigil.h"

struct db_info {
	uint64_t version;	/* newest .vdb creation (or source mtime) */
	uint64_t signatures;
	double loaded_at;	/* wall clock, seconds */
	double load_seconds;
	uint64_t quick_matchers; /* parts on the quick matcher: the cache
				  * missed their compiled one */
	uint64_t unsettled;	/* files read whole but too new to stamp:
				 * db_settle_start() */
	char fingerprint[64];	/* of the directory listing, for SelfCheck */
};

/* Where the database comes from and how it is loaded. */
struct db_source {
	const char *dir;	/* DatabaseDirectory */
	const char *cache_dir;	/* CacheDirectory (Vigil) or NULL */
	const char *certs_dir;	/* CVDCertsDirectory: .cvd.sign anchors */
	unsigned flags;		/* VIGIL_ENGINE_*: PhishingSignatures ... */
};

/*
 * Builds and compiles the engine, then scans a few clean samples with it:
 * a database that flags any of them, or holds no signatures, is refused.
 * Returns 0, or -1 with a reason in err.
 */
int db_build(const struct db_source *src, struct vigil_engine **out,
	     struct db_info *info, char *err, size_t errlen);

/* A cheap summary of the directory's entries (names, sizes, times). */
void db_fingerprint(const char *dir, char out[64]);

/* The reload thread and its completion event. */
struct db_loader {
	struct evsrc ev;
	int efd;		/* eventfd, readable when the thread is done */
	int running;
	pthread_t thread;
	struct db_source src;
	struct vigil_engine *engine;	/* result */
	struct db_info info;
	int rc;
	char err[256];
};

/*
 * Starts a process that builds the database from src with the compiled
 * (full) matcher at low priority, only to leave it in the cache; it exits
 * 0 when it did. Returns its pid, or -1.
 */
pid_t db_compile_start(const struct db_source *src);

/*
 * Starts a process that stamps the files the load of e read whole but
 * could not stamp yet (vigil_engine_settle()), waiting for any that has
 * not settled, at the lowest priority, so that the next reload does not
 * read them whole again; it exits 0 when it did. Returns its pid, or -1.
 */
pid_t db_settle_start(const struct vigil_engine *e);

int db_loader_init(struct db_loader *l, const struct db_source *src);
/* Starts a build; -1 if one is running or the thread cannot start. */
int db_loader_start(struct db_loader *l);
/* After the event: joins the thread. The result is in l->rc/engine. */
void db_loader_finish(struct db_loader *l);
void db_loader_free(struct db_loader *l);

#endif
