/*
 * updstate.h -- the update state file, DBDIR/state/versions: what earlier
 * update cycles established (version floors, the installed release, when
 * signed metadata was last verified). vigil-update writes and reads it;
 * vigild reads it for its freshness report. One line a field,
 * "key number word", at most UPDSTATE_MAX_BYTES.
 */
#ifndef VIGIL_COMMON_UPDSTATE_H
#define VIGIL_COMMON_UPDSTATE_H

#include <stddef.h>
#include <stdint.h>

#define UPDSTATE_MAX_BYTES 4096u
#define UPDSTATE_MAX_LINE_BYTES 256u

struct updstate {
	uint64_t timestamp, targets, release;	/* version floors */
	uint64_t installed;			/* release installed */
	char installed_dir[96];			/* under DBDIR/v/ */
	char installed_sha[65];			/* hex SHA-256 of its database */
	int64_t fresh;		/* last time a timestamp was verified */
	int64_t installed_at;
	/* the installed release's place in the public log: its leaf, and
	 * the size of the tree it was verified in (0, 0: not logged) */
	uint64_t log_leaf, log_size;
};

/* Parses the file's text: 0, or -1 when a line is malformed or a field
 * does not fit. Keys it does not know are skipped (later versions). */
int updstate_parse(const char *text, size_t len, struct updstate *st);

/* Reads path: 0, 1 when there is none (st zeroed), -1 with errno set
 * (EINVAL: damaged; EFBIG: larger than UPDSTATE_MAX_BYTES). */
int updstate_load(const char *path, struct updstate *st);

/* The file's text for st, into buf: its length, or -1 if it does not
 * fit. */
int updstate_format(const struct updstate *st, char *buf, size_t len);

/* Where a database directory's signatures are: DIR/current when DIR is
 * vigil update's (it holds current/, the link to the installed release),
 * else DIR itself. The path goes into out; -1 if it does not fit. */
int updstate_db_dir(const char *dir, char *out, size_t len);

#endif
