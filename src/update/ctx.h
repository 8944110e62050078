/*
 * ctx.h -- the update client's context, shared by its parts (the cycle,
 * the log check, the state, the trusted root, the install, the audit, the
 * command line): what was asked, what earlier cycles established, what
 * this cycle verified; and how a part reports why it failed.
 */
#ifndef VIGIL_UPDATE_CTX_H
#define VIGIL_UPDATE_CTX_H

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
	/* --from-clamav: ClamAV's databases from ClamAV mirrors (clamav.c) */
	int clamav;
	const char *cvd_names;	/* "main,daily,bytecode" */
	const char *certs_dir;	/* for .cvd.sign; NULL: ClamAV's */
	const char *cvd_key;	/* a site's key beside ClamAV's, or NULL */
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

/* Records why (for the one line the command prints) and returns e. */
enum upd_error upd_fail(struct uctx *c, enum upd_error e, const char *fmt,
			...) __attribute__((format(printf, 3, 4)));
/* A fetch's failure as the cycle's error (U_OK for FETCH_OK). */
enum upd_error upd_fetch_error(struct uctx *c, enum fetch_result r,
			       const char *why);
/* The installed file's name: main.vdb for a signature database, rules
 * for a shield rule set. */
const char *upd_payload_name(const struct uctx *c);
/* Test hook: dies here if VIGIL_TEST_CRASH_AT is k. */
void upd_crash_point(int k);

#endif
