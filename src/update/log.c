/*
 * log.c -- see log.h. The tree is computed from the leaf hashes, as the
 * client keeps them all (they are 32 bytes a manifest); so inclusion and
 * consistency are checked by recomputing the signed roots.
 */
#define _GNU_SOURCE
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

void log_leaf(const void *data, size_t len, uint8_t out[SHA256_BYTES])
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

void log_root(const uint8_t (*leaves)[SHA256_BYTES], uint64_t n,
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
	log_root(leaves, k, l);
	log_root(leaves + k, n - k, r);
	node(l, r, out);
}

size_t checkpoint_body(uint64_t size, const uint8_t *root, char *out,
		       size_t cap)
{
	char h[2 * SHA256_BYTES + 1];
	int n;

	sodium_bin2hex(h, sizeof(h), root, SHA256_BYTES);
	n = snprintf(out, cap, "vigil-checkpoint: 1\nsize: %llu\nroot: %s\n--\n",
		     (unsigned long long)size, h);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static int sig_line(const char *p, const char *eol, struct checkpoint *cp)
{
	size_t id_len = 2 * KEYID_BYTES;
	size_t b64 = sodium_base64_ENCODED_LEN(SIG_BYTES,
					       sodium_base64_VARIANT_ORIGINAL) - 1;
	size_t got;

	if ((size_t)(eol - p) != 5 + id_len + 1 + b64 || memcmp(p, "sig: ", 5) ||
	    p[5 + id_len] != ' ' || cp->nsigs == MANIFEST_MAX_SIGS)
		return -1;
	if (sodium_hex2bin(cp->keyid[cp->nsigs], KEYID_BYTES, p + 5, id_len,
			   NULL, NULL, NULL) != 0 ||
	    sodium_base642bin(cp->sig[cp->nsigs], SIG_BYTES, p + 6 + id_len, b64,
			      NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != SIG_BYTES)
		return -1;
	cp->nsigs++;
	return 0;
}

int checkpoint_parse(const char *buf, size_t len, struct checkpoint *cp,
		     const char **why)
{
	char body[256];
	const char *p, *end = buf + len, *eol, *sep;
	unsigned long long size;
	char h[2 * SHA256_BYTES + 1];
	size_t n;

	memset(cp, 0, sizeof(*cp));
	*why = "not a checkpoint";
	if (len > CHECKPOINT_MAX_BYTES || !(sep = memmem(buf, len, "\n--\n", 4)))
		return -1;
	n = (size_t)(sep - buf) + 4;
	if (n >= sizeof(body))
		return -1;
	memcpy(body, buf, n);
	body[n] = '\0';
	if (sscanf(body, "vigil-checkpoint: 1\nsize: %20llu\nroot: %64s\n",
		   &size, h) != 2 || strlen(h) != 64 ||
	    sodium_hex2bin(cp->root, SHA256_BYTES, h, 64, NULL, NULL, NULL) ||
	    checkpoint_body(size, cp->root, body, sizeof(body)) != n ||
	    memcmp(body, buf, n))
		return -1; /* only the canonical text */
	cp->size = size;
	cp->signed_len = n;
	*why = "bad signature line in the checkpoint";
	for (p = buf + n; p < end; p = eol + 1)
		if (!(eol = memchr(p, '\n', (size_t)(end - p))) ||
		    sig_line(p, eol, cp) < 0)
			return -1;
	*why = NULL;
	return 0;
}

int checkpoint_verify(const struct checkpoint *cp, const char *buf,
		      const struct manifest *root, unsigned *witnesses)
{
	unsigned i, w, ok = 0, done = 0;
	int logged = 0;

	for (i = 0; i < cp->nsigs; i++) {
		if (!memcmp(cp->keyid[i], root->log_keyid, KEYID_BYTES) &&
		    verify_domain("checkpoint", buf, cp->signed_len,
				  root->log_pubkey, cp->sig[i]) == 0)
			logged = 1;
		for (w = 0; w < root->nwitnesses; w++) {
			if (memcmp(cp->keyid[i], root->witness_keyid[w],
				   KEYID_BYTES) || (done >> w & 1))
				continue;
			if (verify_domain("checkpoint", buf, cp->signed_len,
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
