/*
 * cvdsign.h -- detached signatures of .cvd files (ClamAV 1.5's
 * "<name>-<version>.cvd.sign"), checked against a directory of trusted
 * certificates (cvdsign.c).
 */
#ifndef VIGIL_DB_CVDSIGN_H
#define VIGIL_DB_CVDSIGN_H

#include <stddef.h>
#include <stdint.h>

/* Largest .sign file read. */
#define CVDSIGN_MAX_BYTES (1u << 20)

/* What the detached signature says about a .cvd. */
enum cvdsign_result {
	CVDSIGN_VALID = 0,	/* a trusted signer signed these bytes */
	CVDSIGN_ABSENT = 1,	/* no .sign file, no certificates, nothing
				 * checkable: the header's signature decides */
	CVDSIGN_INVALID = 2,	/* a signature that does not verify */
};

/*
 * Checks the .cvd at path (its bytes buf[0..len), its header's version)
 * against "<dir of path>/<name>-<version>.cvd.sign" with the certificates
 * (PEM files) of certs_dir. *why names the signer or the fault. Returns an
 * enum cvdsign_result or VIGIL_ENOMEM.
 */
int cvdsign_check(const char *path, uint32_t version, const uint8_t *buf,
		  size_t len, const char *certs_dir, char *why, size_t whylen);

#endif
