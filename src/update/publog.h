/*
 * publog.h -- the publisher's side of the transparency log: appends
 * manifests, writes tiles and the signed, witnessed checkpoint.
 */
#ifndef VIGIL_UPDATE_PUBLOG_H
#define VIGIL_UPDATE_PUBLOG_H

#include <stddef.h>
#include <stdint.h>

#include "manifest.h"

/* Witnesses of a single-operator repository, and how many must cosign. */
#define PUBLOG_WITNESSES 3
#define PUBLOG_WITNESS_THRESHOLD 2

/* Appends text as the next leaf; its index in *index. -1 with errno. */
int upd_publog_append(const char *repo, const char *text, size_t len,
		  uint64_t *index);
/* The log's size and root now. */
int upd_publog_head(const char *repo, uint64_t *size, uint8_t root[SHA256_BYTES]);
/* Signs the current head with KEYDIR/log-1 and the witness keys found
 * there, writing REPO/v1/log/checkpoint. */
int upd_publog_checkpoint(const char *repo, const char *keys);

#endif
