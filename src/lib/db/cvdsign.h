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

struct x509_store_st;
/* The text of a .sign file (text[0..n)) checked for the .cvd buf[0..len)
 * with the trust anchors of store: as cvdsign_check(). */
int cvdsign_lines(const char *text, size_t n, struct x509_store_st *store,
		  const uint8_t *buf, size_t len, char *why, size_t whylen);

#endif
