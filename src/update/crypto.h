/*
 * crypto.h -- Ed25519 keys and signatures for update metadata (libsodium),
 * with domain separation: what is signed is "VIGIL-UPD-v1\0" role "\0"
 * body, so that a signature for one role never verifies as another.
 */
#ifndef VIGIL_UPDATE_CRYPTO_H
#define VIGIL_UPDATE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "manifest.h"

struct keypair {
	uint8_t pk[PUBKEY_BYTES];
	uint8_t sk[64];
	uint8_t id[KEYID_BYTES];	/* first 8 bytes of SHA-256(pk) */
};

int upd_crypto_setup(void);
void upd_key_generate(struct keypair *k);
/* KEYDIR/<name>.key (secret, 0600) and <name>.pub; -1 with errno. */
int upd_key_save(const char *dir, const char *name, const struct keypair *k);
int upd_key_load(const char *dir, const char *name, struct keypair *k);

/* Appends "sig: <id> <base64>\n" for k over body to out (cap bytes);
 * what names the kind of text (a role, or "checkpoint"). */
size_t upd_sign_domain(const char *what, const char *body, size_t len,
		   const struct keypair *k, char *out, size_t cap);
int upd_verify_domain(const char *what, const char *body, size_t len,
		  const uint8_t *pk, const uint8_t *sig);
size_t upd_sign_body(enum role r, const char *body, size_t len,
		 const struct keypair *k, char *out, size_t cap);

/*
 * Whether m (parsed from buf) carries valid signatures of at least the
 * threshold of distinct keys that root gives role r. 0 or -1.
 */
int upd_verify_threshold(const struct manifest *m, const char *buf,
		     const struct manifest *root, enum role r);

void upd_sha256(const void *buf, size_t len, uint8_t out[SHA256_BYTES]);
void upd_hex(const uint8_t *b, size_t n, char *out); /* out: 2n+1 bytes */

#endif
