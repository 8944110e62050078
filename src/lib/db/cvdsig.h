/*
 * cvdsig.h -- the digital signature of a .cvd: the "dsig" field of its
 * header is the MD5 of its body raised to Cisco's private exponent,
 * written as a number in base 64 (least significant digit first). It is
 * checked against ClamAV's published public key, as freshclam and clamscan
 * do, and against one more key the engine is given (a site that signs its
 * own containers; the tests).
 */
#ifndef VIGIL_DB_CVDSIG_H
#define VIGIL_DB_CVDSIG_H

#include <stddef.h>

/* Longest dsig field accepted, in characters. */
#define CVDSIG_MAX_CHARS 400

/*
 * Checks dsig[0..n) against md5hex (32 lowercase hex digits, the header's)
 * under ClamAV's key or extra_key ("modulus:exponent" in decimal; NULL for
 * none). Returns 0, VIGIL_ECHECKSUM (no key signed it), VIGIL_EFORMAT (not
 * a signature) or VIGIL_ENOMEM; *why names the fault.
 */
int cvdsig_check(const char *md5hex, const char *dsig, size_t n,
		 const char *extra_key, const char **why);

#endif
