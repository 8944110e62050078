/*
 * mscat.h -- Microsoft signed catalogs (.cat): a PKCS #7 SignedData whose
 * content is a certificate trust list (CTL) of catalog members, each with
 * the Authenticode digest of a file it vouches for.
 */
#ifndef VIGIL_FORMATS_EXE_MSCAT_H
#define VIGIL_FORMATS_EXE_MSCAT_H

#include <stddef.h>
#include <stdint.h>

#include "formats/exe/authenticode.h"

/* Members read per catalog. */
#define MSCAT_MAX_MEMBERS 1000000

/* A PE member's digest: 20 bytes (SHA-1) or 32 (SHA-256). Nonzero stops. */
typedef int (*mscat_fn)(void *ctx, const uint8_t *digest, size_t n);

/*
 * Reads catalog b: 1 with *sig filled (free it with ac_free; sig->valid
 * says whether the signature over the trust list holds and the list
 * reads), each PE member's digest handed to fn once the signature holds;
 * 0 if b is not a signed catalog; a negative code from fn.
 */
int mscat_read(const uint8_t *b, size_t len, struct ac_sig *sig, mscat_fn fn,
	       void *ctx);

#endif
