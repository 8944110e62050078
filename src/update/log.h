/*
 * log.h -- the public transparency log of every signed manifest: an
 * RFC 9162 Merkle tree over the manifests' bytes, published as level-0
 * tiles of 256 leaf hashes and a checkpoint (size and root) signed by the
 * log key and cosigned by witnesses named in root.
 */
#ifndef VIGIL_UPDATE_LOG_H
#define VIGIL_UPDATE_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "manifest.h"

#define LOG_TILE_HASHES 256
#define CHECKPOINT_MAX_BYTES (4u << 10)

struct checkpoint {
	uint64_t size;
	uint8_t root[SHA256_BYTES];
	size_t signed_len;
	unsigned nsigs;
	uint8_t keyid[MANIFEST_MAX_SIGS][KEYID_BYTES];
	uint8_t sig[MANIFEST_MAX_SIGS][SIG_BYTES];
};

/* SHA-256(0x00 || data): a leaf. */
void upd_log_leaf(const void *data, size_t len, uint8_t out[SHA256_BYTES]);
/* The Merkle tree hash of the first n leaf hashes (RFC 9162 2.1.1). */
void upd_log_root(const uint8_t (*leaves)[SHA256_BYTES], uint64_t n,
	      uint8_t out[SHA256_BYTES]);

/* "vigil-checkpoint: 1\nsize: N\nroot: HEX\n--\n"; its length or 0. */
size_t upd_checkpoint_body(uint64_t size, const uint8_t *root, char *out,
		       size_t cap);
int upd_checkpoint_parse(const char *buf, size_t len, struct checkpoint *cp,
		     const char **why);
/*
 * 0 if the log key of root signed cp; *witnesses: how many distinct
 * witnesses root names cosigned it.
 */
int upd_checkpoint_verify(const struct checkpoint *cp, const char *buf,
		      const struct manifest *root, unsigned *witnesses);

#endif
