/*
 * authenticode.h -- the Authenticode signature of a PE image
 * (authenticode.c): its certificates, as ClamAV's .crb lines name them,
 * and whether the signature holds.
 */
#ifndef VIGIL_FORMATS_EXE_AUTHENTICODE_H
#define VIGIL_FORMATS_EXE_AUTHENTICODE_H

#include <stddef.h>
#include <stdint.h>

#define AC_MAX_CERTS 32		/* certificates of one signature looked at */

struct ac_cert {
	uint8_t subject[20];	/* SHA-1 of the subject name's DER content */
	uint8_t issuer[20];	/* the same of the issuer name */
	uint8_t serial[20];	/* SHA-1 of the serial number's bytes */
	char *modulus;		/* RSA modulus, upper-case hex; NULL if not RSA */
	int64_t not_before;	/* its validity, Unix time; an unreadable */
	int64_t not_after;	/* one is never valid */
	void *x509;		/* OpenSSL's X509, for checking who signed it */
};

struct ac_sig {
	int valid;		/* the image digest and the signer's signature hold */
	int signer;		/* index of the signing certificate, or -1 */
	int stamp;		/* a PKCS #9 countersignature (an Authenticode
				 * timestamp of the old kind): 0 none, 1 one
				 * that holds, -1 one that does not */
	int stamp_signer;	/* index of its signer's certificate */
	int64_t stamp_time;	/* its signing time, Unix time */
	size_t ncerts;
	struct ac_cert certs[AC_MAX_CERTS];
	void *p7;		/* OpenSSL's PKCS7 */
};

/* Reads the signature of the PE image b: 1 if it has one (*sig filled;
 * free it with ac_free), 0 if not, VIGIL_ENOMEM. */
int ac_read(const uint8_t *b, size_t len, struct ac_sig *sig);
void ac_free(struct ac_sig *sig);
/* Fills sig from a PKCS #7 SignedData (OpenSSL's PKCS7, which sig then
 * owns): its certificates, its signer, a countersignature (not valid). */
void ac_fill(struct ac_sig *sig, void *p7);
/* 1 if the signer's message digest covers c[0..clen) and its signature
 * over the authenticated attributes holds with its certificate's key. */
int ac_signer_holds(const struct ac_sig *sig, const uint8_t *c, size_t clen);
/* The Authenticode digest of a PE image, signed or not, with SHA-256 (32
 * bytes) or SHA-1 (20) into out: 0, or -1 if b is no PE it can hash. */
int ac_image_digest(const uint8_t *b, size_t len, int sha256, uint8_t *out);
/* 1 if certificate c was signed with the key of certificate by. */
int ac_signed_by(const struct ac_cert *c, const struct ac_cert *by);
/* 1 if certificate c was signed with the RSA key (hex modulus, exponent
 * 65537). */
int ac_signed_by_key(const struct ac_cert *c, const char *modulus_hex);

#endif
