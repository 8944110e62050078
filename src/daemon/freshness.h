/*
 * freshness.h -- whether the database vigild serves is kept current by
 * `vigil update`, and how long ago its metadata was last verified.
 */
#ifndef VIGILD_FRESHNESS_H
#define VIGILD_FRESHNESS_H

/* Without verified update metadata for this long, the database is stale
 * (as `vigil update --status` says). */
#define UPDATE_STALE_AFTER_S (24 * 3600)

/*
 * Seconds since `vigil update` last verified fresh metadata for the
 * database in dbdir (DBDIR/current: the state is in DBDIR/state), or -1
 * if dbdir is not managed by it.
 */
long long update_metadata_age(const char *dbdir);

struct updstate;
/* The update state of that database: 0, or -1 when there is none. */
int update_state(const char *dbdir, struct updstate *st);

#endif
