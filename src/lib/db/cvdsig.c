/*
 * cvdsig.c -- checking a .cvd's signature with OpenSSL's big numbers: the
 * dsig digits (a-z A-Z 0-9 + /, least significant first) make a number c;
 * c^e mod n must end in the 16 bytes of the header's MD5. The key below is
 * ClamAV's published public key for its official containers.
 */
#include "db/cvdsig.h"

#include <openssl/bn.h>
#include <stdio.h>
#include <string.h>

#include "vigil/vigil.h"

static const char clamav_n[] =
	"1186409955516453426030700016584531897515277744120277437465994057"
	"4324314260746414476736106064065584474976078889002228342492276248"
	"8917565551002467771109669598189410434699034532232228621591089508"
	"1785914284562207968416216371755675904766669286987701433281373839"
	"52820383197532047771780196576957695822641224262693037";
static const char clamav_e[] = "100001027";

static int digit(char ch)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
	const char *p = ch ? strchr(set, ch) : NULL;

	return p ? (int)(p - set) : -1;
}

/* The number the dsig digits write, into c: 0 or VIGIL_EFORMAT. */
static int decode(const char *dsig, size_t n, BIGNUM *c)
{
	size_t i;

	BN_zero(c);
	for (i = n; i-- > 0;) {
		int d = digit(dsig[i]);

		if (d < 0)
			return VIGIL_EFORMAT;
		if (!BN_lshift(c, c, 6) || !BN_add_word(c, (BN_ULONG)d))
			return VIGIL_ENOMEM;
	}
	return 0;
}

/* 1 if c^e mod n ends in the 16 bytes md5hex writes, 0 if not, < 0. */
static int signed_by(const BIGNUM *c, const char *n_dec, const char *e_dec,
		     const char *md5hex, BN_CTX *ctx)
{
	BIGNUM *n = NULL, *e = NULL, *p = BN_new();
	unsigned char plain[16];
	char hex[33];
	int i, ok = VIGIL_ENOMEM;

	if (p && BN_dec2bn(&n, n_dec) && BN_dec2bn(&e, e_dec) &&
	    !BN_is_zero(n) && BN_mod_exp(p, c, e, n, ctx) &&
	    BN_mask_bits(p, 128) >= 0 && BN_bn2binpad(p, plain, 16) == 16) {
		for (i = 0; i < 16; i++)
			snprintf(hex + 2 * i, 3, "%02x", plain[i]);
		ok = memcmp(hex, md5hex, 32) == 0;
	} else if (p && (!n || !e || BN_is_zero(n))) {
		ok = VIGIL_EFORMAT; /* a malformed extra key */
	}
	BN_free(n);
	BN_free(e);
	BN_free(p);
	return ok;
}

/* extra "n:e" split into two NUL-terminated copies. */
static int split_key(const char *key, char *n, char *e, size_t cap)
{
	const char *colon = strchr(key, ':');

	if (!colon || (size_t)(colon - key) >= cap || strlen(colon) >= cap)
		return VIGIL_EFORMAT;
	memcpy(n, key, (size_t)(colon - key));
	n[colon - key] = 0;
	strcpy(e, colon + 1);
	return 0;
}

static int verify(const BIGNUM *c, const char *md5hex, const char *extra,
		  BN_CTX *ctx)
{
	char n[1200], e[1200];
	int rc = signed_by(c, clamav_n, clamav_e, md5hex, ctx);

	if (rc != 0 || !extra)
		return rc;
	if (split_key(extra, n, e, sizeof(n)) < 0)
		return VIGIL_EFORMAT;
	return signed_by(c, n, e, md5hex, ctx);
}

int cvdsig_check(const char *md5hex, const char *dsig, size_t n,
		 const char *extra_key, const char **why)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *c = BN_new();
	int rc = VIGIL_ENOMEM;

	*why = "out of memory";
	if (strlen(md5hex) != 32) {
		*why = "malformed MD5 in the header";
		rc = VIGIL_EFORMAT;
	} else if (!n || n > CVDSIG_MAX_CHARS) {
		*why = "no digital signature in the header";
		rc = VIGIL_ECHECKSUM;
	} else if (ctx && c && (rc = decode(dsig, n, c)) == 0) {
		rc = verify(c, md5hex, extra_key, ctx);
		*why = rc == VIGIL_EFORMAT ? "malformed extra .cvd key" :
		       "digital signature does not match (not signed by "
		       "ClamAV's key)";
		rc = rc == 1 ? 0 : rc == 0 ? VIGIL_ECHECKSUM : rc;
	} else if (rc == VIGIL_EFORMAT) {
		*why = "digital signature is malformed";
		rc = VIGIL_ECHECKSUM;
	}
	BN_free(c);
	BN_CTX_free(ctx);
	return rc;
}
