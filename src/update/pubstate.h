/*
 * pubstate.h -- what vigil-repo last published, kept beside the tree
 * (public anyway). One repository serves several chains: a chain is a
 * target and a channel (db/main stable, db/main beta, rules/shield
 * stable...), each with its own timestamp (v1/timestamp for db/main
 * stable, v1/ts/TARGET/CHANNEL for the others), release manifests and
 * history of releases for deltas; the root, the targets manifest, the log
 * and the content-addressed files are shared.
 *   REPO/publisher.state, .leaves, .history   root, targets; db/main stable
 *   REPO/publisher.chains/KEY.state, .history the other chains (KEY: the
 *                                             target with '+' for '/',
 *                                             '@', the channel)
 */
#ifndef VIGIL_UPDATE_PUBSTATE_H
#define VIGIL_UPDATE_PUBSTATE_H

#include <stddef.h>
#include <stdint.h>

#include "manifest.h"

/* A chain's names: letters, digits, '.', '_' and '-', the target's parts
 * separated by single '/'. */
#define PUB_MAX_TARGET 64
#define PUB_MAX_CHANNEL 32

struct pubstate {
	uint64_t root, timestamp;
	struct pinned targets, release;
	uint64_t targets_leaf, release_leaf;	/* in the log */
	char target[PUB_MAX_TARGET], channel[PUB_MAX_CHANNEL];
};

/* Releases deltas are made from, oldest first. */
struct hist {
	unsigned long long version;
	char full[2 * SHA256_BYTES + 1], file[2 * SHA256_BYTES + 1];
};

/* 0 if target and channel are names a chain may have, else -1. */
int pub_chain_valid(const char *target, const char *channel);
/* The chain's timestamp under REPO/v1/ ("timestamp", "ts/T/C"). */
void pub_timestamp_path(const char *target, const char *channel, char *out,
			size_t len);

/* The shared state and the chain's: 0, or -1 when REPO is no repository
 * (a chain that published nothing yet has release.version 0). */
int pub_state_read(const char *repo, const char *target,
		   const char *channel, struct pubstate *st);
int pub_state_write(const char *repo, const struct pubstate *st);
/* Every chain that published a release: fn's first non-zero answer. */
int pub_each_chain(const char *repo,
		   int (*fn)(void *ctx, const char *target,
			     const char *channel), void *ctx);

/* The newest max releases of the chain; their count. */
unsigned pub_history_read(const char *repo, const struct pubstate *st,
			  struct hist *h, unsigned max);
int pub_history_append(const char *repo, const struct pubstate *st,
		       const struct manifest *m);

#endif
