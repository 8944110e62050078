/*
 * digest.c -- MD5, SHA-1 and SHA-256 of a buffer in one pass: the buffer is
 * walked in blocks that stay in cache while every wanted digest absorbs
 * them (in turns of one digest block when there are several). OpenSSL
 * picks the CPU's SHA extensions where present.
 */
#include "core/digest.h"

#include <openssl/evp.h>

#include "vigil/vigil.h"

#define DIGEST_BLOCK_BYTES (64 * 1024)
/* With two digests or more, each absorbs one 64-byte block in turn: the
 * processor then runs MD5's serial chain and SHA-256's SHA extensions
 * side by side (MD5 and SHA-256 of 80 KiB: 575 -> 696 MB/s measured;
 * the bench corpus, where 2,643 of 4,401 files want both: 1% faster). */
#define DIGEST_STEP_BYTES 64

static const EVP_MD *md_of(int algo)
{
	switch (algo) {
	case HASH_MD5:
		return EVP_md5();
	case HASH_SHA1:
		return EVP_sha1();
	default:
		return EVP_sha256();
	}
}

int digest_compute(const uint8_t *buf, size_t len, unsigned want,
		   struct digests *d)
{
	EVP_MD_CTX *ctx[HASH_NALGO] = { NULL, NULL, NULL };
	size_t off, a, step;
	int rc = 0;

	want &= ~d->have;
	for (a = 0; a < HASH_NALGO && !rc; a++) {
		if (!(want & (1u << a)))
			continue;
		if (!(ctx[a] = EVP_MD_CTX_new()) ||
		    !EVP_DigestInit_ex(ctx[a], md_of((int)a), NULL))
			rc = VIGIL_ENOMEM;
	}
	step = __builtin_popcount(want) > 1 ? DIGEST_STEP_BYTES :
					      DIGEST_BLOCK_BYTES;
	for (off = 0; off < len && !rc; off += step) {
		size_t n = len - off < step ? len - off : step;

		for (a = 0; a < HASH_NALGO; a++)
			if (ctx[a] && !EVP_DigestUpdate(ctx[a], buf + off, n))
				rc = VIGIL_ENOMEM;
	}
	for (a = 0; a < HASH_NALGO; a++) {
		if (ctx[a] && !rc &&
		    EVP_DigestFinal_ex(ctx[a], d->d[a], NULL))
			d->have |= 1u << a;
		EVP_MD_CTX_free(ctx[a]);
	}
	return rc;
}
