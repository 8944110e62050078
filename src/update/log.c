/*
 * log.c -- see log.h. The tree is computed from the leaf hashes, as the
 * client keeps them all (they are 32 bytes a manifest); so inclusion and
 * consistency are checked by recomputing the signed roots.
 */
#define _GNU_SOURCE
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "common/reader.h"
#include "log.h"

void upd_log_leaf(const void *data, size_t len, uint8_t out[SHA256_BYTES])
{
	crypto_hash_sha256_state st;
	uint8_t zero = 0;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &zero, 1);
	crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, out);
}

static void node(const uint8_t *l, const uint8_t *r, uint8_t *out)
{
	uint8_t b[1 + 2 * SHA256_BYTES];

	b[0] = 1;
	memcpy(b + 1, l, SHA256_BYTES);
	memcpy(b + 1 + SHA256_BYTES, r, SHA256_BYTES);
	crypto_hash_sha256(out, b, sizeof(b));
}

void upd_log_root(const uint8_t (*leaves)[SHA256_BYTES], uint64_t n,
	      uint8_t out[SHA256_BYTES])
{
	uint8_t l[SHA256_BYTES], r[SHA256_BYTES];
	uint64_t k = 1;

	if (n == 0) {
		crypto_hash_sha256(out, NULL, 0);
		return;
	}
	if (n == 1) {
		memcpy(out, leaves[0], SHA256_BYTES);
		return;
	}
	while (k << 1 < n) /* the largest power of two below n */
		k <<= 1;
	upd_log_root(leaves, k, l);
	upd_log_root(leaves + k, n - k, r);
	node(l, r, out);
}

size_t upd_checkpoint_body(uint64_t size, const uint8_t *root, char *out,
		       size_t cap)
{
	char h[2 * SHA256_BYTES + 1];
	int n;

	sodium_bin2hex(h, sizeof(h), root, SHA256_BYTES);
	n = snprintf(out, cap, "vigil-checkpoint: 1\nsize: %llu\nroot: %s\n--\n",
		     (unsigned long long)size, h);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* "sig: <keyid hex> <signature base64>" */
static int sig_line(struct rdr *in, struct checkpoint *cp)
{
	size_t id_len = 2 * KEYID_BYTES, n, got;
	size_t b64 = sodium_base64_ENCODED_LEN(SIG_BYTES,
					       sodium_base64_VARIANT_ORIGINAL) - 1;
	const char *line;
	struct rdr l;

	if (!rdr_until(in, '\n', CHECKPOINT_MAX_BYTES, &line, &n) ||
	    n != 5 + id_len + 1 + b64 || cp->nsigs == MANIFEST_MAX_SIGS)
		return -1;
	rdr_init(&l, line, n);
	if (!rdr_accept(&l, "sig: ", 5) ||
	    sodium_hex2bin(cp->keyid[cp->nsigs], KEYID_BYTES, rdr_here(&l),
			   id_len, NULL, NULL, NULL) != 0 ||
	    rdr_skip(&l, id_len) < 0 || !rdr_accept(&l, " ", 1) ||
	    sodium_base642bin(cp->sig[cp->nsigs], SIG_BYTES, rdr_here(&l), b64,
			      NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != SIG_BYTES)
		return -1;
	cp->nsigs++;
	return 0;
}

/* The body: only the canonical text upd_checkpoint_body() writes is taken. */
static int checkpoint_head(struct rdr *in, struct checkpoint *cp)
{
	char body[256];
	const char *root;
	size_t n, start = in->pos;

	if (!rdr_accept(in, "vigil-checkpoint: 1\nsize: ", 26) ||
	    rdr_decimal(in, MANIFEST_MAX_VERSION, &cp->size) < 0 ||
	    !rdr_accept(in, "\nroot: ", 7) ||
	    !rdr_until(in, '\n', 2 * SHA256_BYTES, &root, &n) ||
	    n != 2 * SHA256_BYTES ||
	    sodium_hex2bin(cp->root, SHA256_BYTES, root, n, NULL, NULL, NULL) ||
	    !rdr_accept(in, "--\n", 3))
		return -1;
	n = in->pos - start;
	return upd_checkpoint_body(cp->size, cp->root, body, sizeof(body)) == n &&
	       !memcmp(body, in->buf + start, n) ? 0 : -1;
}

int upd_checkpoint_parse(const char *buf, size_t len, struct checkpoint *cp,
		     const char **why)
{
	struct rdr in;

	memset(cp, 0, sizeof(*cp));
	*why = "not a checkpoint";
	if (len > CHECKPOINT_MAX_BYTES)
		return -1;
	rdr_init(&in, buf, len);
	if (checkpoint_head(&in, cp) < 0)
		return -1;
	cp->signed_len = in.pos;
	*why = "bad signature line in the checkpoint";
	while (rdr_left(&in))
		if (sig_line(&in, cp) < 0)
			return -1;
	*why = NULL;
	return 0;
}

int upd_checkpoint_verify(const struct checkpoint *cp, const char *buf,
		      const struct manifest *root, unsigned *witnesses)
{
	unsigned i, w, ok = 0, done = 0;
	int logged = 0;

	for (i = 0; i < cp->nsigs; i++) {
		if (!memcmp(cp->keyid[i], root->log_keyid, KEYID_BYTES) &&
		    upd_verify_domain("checkpoint", buf, cp->signed_len,
				  root->log_pubkey, cp->sig[i]) == 0)
			logged = 1;
		for (w = 0; w < root->nwitnesses; w++) {
			if (memcmp(cp->keyid[i], root->witness_keyid[w],
				   KEYID_BYTES) || (done >> w & 1))
				continue;
			if (upd_verify_domain("checkpoint", buf, cp->signed_len,
					  root->witness_pubkey[w],
					  cp->sig[i]) == 0) {
				done |= 1u << w;
				ok++;
			}
		}
	}
	*witnesses = ok;
	return logged ? 0 : -1;
}
