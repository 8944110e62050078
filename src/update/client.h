/*
 * client.h -- the update client's parts: the cycle (client.c), the local
 * state and the install (install.c), the command line (update_cli.c).
 */
#ifndef VIGIL_UPDATE_CLIENT_H
#define VIGIL_UPDATE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "common/updstate.h"
#include "fetch.h"
#include "manifest.h"
#include "update.h"

#define MAX_MIRRORS 16

/* Bytes fetched, kept for a later check. */
struct text {
	char *p;
	size_t len;
};

struct uctx {
	const char *dir, *trust, *target, *channel, *type, *reload_sock;
	const char *mirrors[MAX_MIRRORS];
	unsigned nmirrors;
	int64_t now;		/* fixed at the start of the cycle */
	struct fetch_opts fo;
	struct manifest root;	/* trusted */
	char *root_text;
	size_t root_len;
	int root_changed;
	struct updstate st;	/* DBDIR/state/versions */
	char err[1024];
	uint64_t ts_version;	/* of the timestamp this cycle verified */
	uint64_t bytes_fetched;	/* this cycle, for --verbose and the bench */
	int used_delta;
	int fetch_fd;		/* the fetcher process, or -1 */
	int fetch_pid;
	/* the log as far as verified: leaf hashes, checkpoint */
	uint8_t (*log)[SHA256_BYTES];
	uint64_t log_n;
	uint8_t log_root[SHA256_BYTES];
	int log_dirty;
	uint64_t rel_leaf;	/* the release's leaf, as log_check found it */
	uint8_t rel_leaf_hash[SHA256_BYTES];
};

enum upd_error fail(struct uctx *c, enum upd_error e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* client.c: one cycle against one mirror. */
enum upd_error cycle(struct uctx *c, const char *mirror);

/* logcheck.c: the manifests are in the public log, which is consistent
 * with what this client saw before. */
enum upd_error log_check(struct uctx *c, const char *mirror,
			 const struct manifest *ts, const struct text *tg,
			 const struct text *rel);
/* The public log now: its checkpoint verified with the trusted root, all
 * its leaf hashes from tiles (malloc'd), the tree seen before a prefix. */
enum upd_error log_fetch_all(struct uctx *c, const char *mirror,
			     uint8_t (**leaves)[SHA256_BYTES], uint64_t *n);
/* Loads and saves state/log (leaf hashes) and state/checkpoint. */
int log_state_load(struct uctx *c);
int log_state_save(struct uctx *c);
/* The persistent split-view alarm: set, or asked about. */
void alarm_raise(struct uctx *c, const char *why);
int alarm_raised(const struct uctx *c);

/* install.c */
enum upd_error state_load(struct uctx *c);
enum upd_error state_save(struct uctx *c);
/* The trusted root: the stored one, or the --trust file at first. */
enum upd_error root_load(struct uctx *c);
/* Takes m (verified) and its text (len bytes) as the trusted root. */
void root_adopt(struct uctx *c, const struct manifest *m, char *text,
		size_t len);
/* Installs data (the verified database of release r) as current. */
enum upd_error install(struct uctx *c, const struct manifest *r,
		       const void *data, size_t len);
/* The installed file's name: main.vdb for a signature database, rules
 * for a shield rule set. */
const char *payload_name(const struct uctx *c);
/* Test hook: dies here if VIGIL_TEST_CRASH_AT is k. */
void crash_point(int k);
/* --audit: the journal's chain and the kept databases. 0 or 1. */
int audit(struct uctx *c);

#endif
