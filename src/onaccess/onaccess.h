/*
 * onaccess.h -- vigil-onaccess: files are scanned by vigild when they are
 * opened or written under the watched paths (fanotify), and with
 * prevention an infected file cannot be opened at all.
 */
#ifndef VIGIL_ONACCESS_H
#define VIGIL_ONACCESS_H

#include <stdint.h>
#include <sys/types.h>

#define OA_MAX_PATHS 64		/* --path and --exclude-path, each */
#define OA_QUEUE_JOBS 256	/* events waiting for a worker */
#define OA_MAX_THREADS 64

struct oa_config {
	const char *paths[OA_MAX_PATHS];	/* resolved, no trailing '/' */
	unsigned npaths;
	const char *excludes[OA_MAX_PATHS];
	unsigned nexcludes;
	uid_t exclude_uids[OA_MAX_PATHS];	/* their processes pass */
	unsigned nexclude_uids;
	const char *socket;		/* vigild's LocalSocket */
	int prevent;			/* deny opening infected files */
	int fail_closed;		/* deny when a scan cannot be had */
	int whole_mount;		/* mark mounts, not directories */
	unsigned threads;
	unsigned timeout_s;		/* per scan */
	unsigned cache_s;		/* clean verdicts last this long */
	uint64_t max_size;		/* larger files are not scanned */
	const char *quarantine;		/* infected files go there, or NULL */
	uint64_t quarantine_cap;	/* its size, bytes */
};

/* Watches until SIGTERM or SIGINT; 0, or 1 if it could not start. */
int oa_run(const struct oa_config *cfg);

#endif
