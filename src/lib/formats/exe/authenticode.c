/*
 * authenticode.c -- the Authenticode signature of a PE image, as
 * Microsoft's "Windows Authenticode Portable Executable Signature Format"
 * lays it out: the security data directory points at a WIN_CERTIFICATE
 * holding a PKCS #7 SignedData whose content (SpcIndirectDataContent)
 * carries the digest of the image without its checksum, its security
 * directory entry and the certificate table. The signature holds when
 * that digest is the image's and the signer's signature over its
 * authenticated attributes (whose message digest covers the content)
 * verifies with the signer's key. DER and the cryptography are OpenSSL's;
 * the certificates are described as ClamAV's .crb lines name them (SHA-1
 * of the subject name's DER content and of the serial number's bytes,
 * the RSA modulus). Who trusts or blocks them is core/certtrust.c's part.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "common/le.h"
#include "formats/exe/authenticode.h"
#include "formats/exe/pe.h"
#include "vigil/vigil.h"

#define SPC_INDIRECT_DATA "1.3.6.1.4.1.311.2.1.4"
#define WIN_CERT_PKCS7 0x0002
#define AC_MAX_MODULUS_BYTES 2048

/* The PE's checksum, security directory entry and certificate table. */
struct ac_layout {
	size_t cksum, dirent, table, table_len;
};

static int layout(const uint8_t *b, size_t len, struct ac_layout *l,
		  int unsigned_ok)
{
	struct pe_info pe;
	size_t opt, ndirs_at;

	if (pe_parse(b, len, &pe) < 0)
		return -1;
	opt = (size_t)pe.pe_off + 24;
	ndirs_at = opt + (pe.is64 ? 108 : 92);
	l->cksum = opt + 64;
	l->dirent = opt + (pe.is64 ? 112 : 96) + 4 * 8;
	if (l->dirent + 8 > len || l->dirent + 8 > opt + pe.opt_size ||
	    le32_load(b + ndirs_at) < 5)
		return -1;
	l->table = le32_load(b + l->dirent);
	l->table_len = le32_load(b + l->dirent + 4);
	if (unsigned_ok && !l->table && !l->table_len) {
		l->table = len; /* no certificate table: all is hashed */
		return 0;
	}
	if (!l->table || l->table_len < 8 || l->table > len ||
	    l->table_len > len - l->table || l->table < l->dirent + 8)
		return -1;
	return 0;
}

/* The image digest with md, as Authenticode defines it, into out. */
static int image_digest(const uint8_t *b, size_t len,
			const struct ac_layout *l, const EVP_MD *md,
			uint8_t *out, unsigned *outlen)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int ok = m && EVP_DigestInit_ex(m, md, NULL) == 1 &&
		 EVP_DigestUpdate(m, b, l->cksum) == 1 &&
		 EVP_DigestUpdate(m, b + l->cksum + 4,
				  l->dirent - l->cksum - 4) == 1 &&
		 EVP_DigestUpdate(m, b + l->dirent + 8,
				  l->table - l->dirent - 8) == 1 &&
		 EVP_DigestUpdate(m, b + l->table + l->table_len,
				  len - l->table - l->table_len) == 1 &&
		 EVP_DigestFinal_ex(m, out, outlen) == 1;

	EVP_MD_CTX_free(m);
	return ok ? 0 : -1;
}

/* DER bytes of an object without its tag and length. */
static int der_content(const uint8_t *der, long len, const uint8_t **c,
		       long *clen)
{
	const unsigned char *p = der;
	int tag, xclass;

	if (ASN1_get_object(&p, clen, &tag, &xclass, len) & 0x80 ||
	    *clen > len - (p - der))
		return -1;
	*c = p;
	return 0;
}

static void sha1_of(const uint8_t *d, size_t n, uint8_t out[20])
{
	unsigned olen = 0;

	if (EVP_Digest(d, n, out, &olen, EVP_sha1(), NULL) != 1)
		memset(out, 0, 20);
}

/* SHA-1 of the DER content of a name or integer encoded with i2d. */
static int content_sha1(const uint8_t *der, int len, uint8_t out[20])
{
	const uint8_t *c;
	long clen;

	if (len <= 0 || der_content(der, len, &c, &clen))
		return -1;
	sha1_of(c, (size_t)clen, out);
	return 0;
}

static char *modulus_hex(X509 *x)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	BIGNUM *n = NULL;
	char *hex = NULL;

	if (pk && EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) == 1)
		hex = BN_bn2hex(n);
	BN_free(n);
	return hex;
}

/* An ASN.1 time as Unix time, or fallback if it cannot be read. */
static int64_t unix_time(const ASN1_TIME *t, int64_t fallback)
{
	struct tm tm;

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return fallback;
	return (int64_t)timegm(&tm);
}

static int describe(X509 *x, struct ac_cert *c)
{
	const unsigned char *der;
	unsigned char *ser = NULL;
	size_t dlen;
	int slen, rc = 0;

	memset(c, 0, sizeof(*c));
	c->x509 = x;
	if (!X509_NAME_get0_der(X509_get_subject_name(x), &der, &dlen) ||
	    content_sha1(der, (int)dlen, c->subject) ||
	    !X509_NAME_get0_der(X509_get_issuer_name(x), &der, &dlen) ||
	    content_sha1(der, (int)dlen, c->issuer))
		rc = -1;
	slen = i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &ser);
	if (!rc && content_sha1(ser, slen, c->serial))
		rc = -1;
	OPENSSL_free(ser);
	c->modulus = modulus_hex(x);
	c->not_before = unix_time(X509_get0_notBefore(x), INT64_MAX);
	c->not_after = unix_time(X509_get0_notAfter(x), INT64_MIN);
	return rc;
}

/*
 * The SpcIndirectDataContent: the bytes the signer's message digest
 * covers (its DER content) and the image digest it declares.
 */
static int indirect_data(PKCS7 *p7, const uint8_t **c, long *clen,
			 X509_SIG **dinfo)
{
	PKCS7 *in = p7->d.sign->contents;
	const unsigned char *p;
	ASN1_STRING *seq;
	int tag, xclass;
	char oid[64];
	long elen;

	if (!in || OBJ_obj2txt(oid, sizeof(oid), in->type, 1) <= 0 ||
	    strcmp(oid, SPC_INDIRECT_DATA) || !in->d.other ||
	    in->d.other->type != V_ASN1_SEQUENCE)
		return -1;
	seq = in->d.other->value.sequence;
	if (der_content(seq->data, seq->length, c, clen))
		return -1;
	p = *c; /* SpcAttributeTypeAndOptionalValue, then the DigestInfo */
	if (ASN1_get_object(&p, &elen, &tag, &xclass, *clen) & 0x80 ||
	    elen > *clen - (p - *c))
		return -1;
	p += elen;
	*dinfo = d2i_X509_SIG(NULL, &p, *clen - (p - *c));
	return *dinfo ? 0 : -1;
}

/* 1 if the declared image digest is the image's. */
static int digest_holds(const uint8_t *b, size_t len,
			const struct ac_layout *l, const X509_SIG *dinfo)
{
	const X509_ALGOR *alg;
	const ASN1_OCTET_STRING *want;
	const ASN1_OBJECT *obj;
	const EVP_MD *md;
	uint8_t d[EVP_MAX_MD_SIZE];
	unsigned dlen = 0;

	X509_SIG_get0(dinfo, &alg, &want);
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (!(md = EVP_get_digestbyobj(obj)) ||
	    image_digest(b, len, l, md, d, &dlen))
		return 0;
	return (unsigned)ASN1_STRING_length(want) == dlen &&
	       !memcmp(ASN1_STRING_get0_data(want), d, dlen);
}

/* 1 if si's message digest attribute is the digest of c[0..clen) and its
 * signature over its authenticated attributes verifies with signer. */
static int info_holds(PKCS7_SIGNER_INFO *si, X509 *signer, const uint8_t *c,
		      size_t clen)
{
	const EVP_MD *md = si ? EVP_get_digestbyobj(si->digest_alg->algorithm) :
				NULL;
	ASN1_TYPE *mda = si ? PKCS7_get_signed_attribute(
				      si, NID_pkcs9_messageDigest) : NULL;
	unsigned char *attrs = NULL;
	uint8_t d[EVP_MAX_MD_SIZE];
	unsigned dlen = 0;
	EVP_MD_CTX *m;
	int alen, ok;

	if (!md || !mda || !signer || mda->type != V_ASN1_OCTET_STRING ||
	    EVP_Digest(c, clen, d, &dlen, md, NULL) != 1 ||
	    (unsigned)mda->value.octet_string->length != dlen ||
	    memcmp(d, mda->value.octet_string->data, dlen))
		return 0;
	alen = ASN1_item_i2d((ASN1_VALUE *)si->auth_attr, &attrs,
			     ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY));
	m = EVP_MD_CTX_new();
	ok = alen > 0 && m &&
	     EVP_DigestVerifyInit(m, NULL, md, NULL,
				  X509_get0_pubkey(signer)) == 1 &&
	     EVP_DigestVerify(m, si->enc_digest->data,
			      (size_t)si->enc_digest->length, attrs,
			      (size_t)alen) == 1;
	EVP_MD_CTX_free(m);
	OPENSSL_free(attrs);
	return ok;
}

/* 1 if the one signer's message digest covers the content c and its
 * signature over the authenticated attributes verifies with signer. */
static int signer_holds(PKCS7 *p7, X509 *signer, const uint8_t *c,
			long clen)
{
	STACK_OF(PKCS7_SIGNER_INFO) *sis = PKCS7_get_signer_info(p7);

	return sk_PKCS7_SIGNER_INFO_num(sis) == 1 &&
	       info_holds(sk_PKCS7_SIGNER_INFO_value(sis, 0), signer, c,
			  (size_t)clen);
}

/* Index among sig's certificates of the one that made si, or -1. */
static int cert_index(PKCS7 *p7, const PKCS7_SIGNER_INFO *si,
		      const struct ac_sig *sig)
{
	X509 *x;
	size_t i;

	if (!si || !si->issuer_and_serial)
		return -1;
	x = X509_find_by_issuer_and_serial(p7->d.sign->cert,
					   si->issuer_and_serial->issuer,
					   si->issuer_and_serial->serial);
	for (i = 0; x && i < sig->ncerts; i++)
		if (sig->certs[i].x509 == x)
			return (int)i;
	return -1;
}

static int signer_index(PKCS7 *p7, const struct ac_sig *sig)
{
	return cert_index(p7, sk_PKCS7_SIGNER_INFO_value(
				      PKCS7_get_signer_info(p7), 0), sig);
}

/*
 * The countersignature (PKCS #9, in the signer's unauthenticated
 * attributes) of the old Authenticode timestamps: a signer info over the
 * signer's encrypted digest, made by one of the embedded certificates,
 * with a signing time. RFC 3161 timestamps are not read (clamscan neither).
 */
static void stamp(PKCS7 *p7, struct ac_sig *sig)
{
	PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(
		PKCS7_get_signer_info(p7), 0), *cs = NULL;
	ASN1_TYPE *a = si ? PKCS7_get_attribute(si, NID_pkcs9_countersignature) :
			    NULL, *t;
	const unsigned char *p;

	if (!a)
		return;
	sig->stamp = -1;
	if (a->type != V_ASN1_SEQUENCE)
		return;
	p = a->value.sequence->data;
	if (!(cs = d2i_PKCS7_SIGNER_INFO(NULL, &p, a->value.sequence->length)))
		return;
	sig->stamp_signer = cert_index(p7, cs, sig);
	t = PKCS7_get_signed_attribute(cs, NID_pkcs9_signingTime);
	if (sig->stamp_signer >= 0 && t &&
	    (t->type == V_ASN1_UTCTIME || t->type == V_ASN1_GENERALIZEDTIME) &&
	    info_holds(cs, sig->certs[sig->stamp_signer].x509,
		       si->enc_digest->data, (size_t)si->enc_digest->length)) {
		sig->stamp_time = unix_time(t->value.utctime, INT64_MIN);
		sig->stamp = sig->stamp_time == INT64_MIN ? -1 : 1;
	}
	PKCS7_SIGNER_INFO_free(cs);
}

/* The PKCS #7 of the certificate table, or NULL. */
static PKCS7 *table_pkcs7(const uint8_t *b, const struct ac_layout *l)
{
	const uint8_t *w = b + l->table;
	const unsigned char *p = w + 8;
	uint32_t n = le32_load(w);
	PKCS7 *p7;

	if (le16_load(w + 6) != WIN_CERT_PKCS7 || n < 8 || n > l->table_len)
		return NULL;
	p7 = d2i_PKCS7(NULL, &p, (long)n - 8);
	if (p7 && (!PKCS7_type_is_signed(p7) || !p7->d.sign)) {
		PKCS7_free(p7);
		return NULL;
	}
	return p7;
}

void ac_fill(struct ac_sig *sig, void *p7v)
{
	PKCS7 *p7 = p7v;
	STACK_OF(X509) *certs = p7->d.sign->cert;
	int i, n = sk_X509_num(certs);

	memset(sig, 0, sizeof(*sig));
	sig->p7 = p7;
	for (i = 0; i < n && sig->ncerts < AC_MAX_CERTS; i++)
		if (!describe(sk_X509_value(certs, i), &sig->certs[sig->ncerts]))
			sig->ncerts++;
		else
			free(sig->certs[sig->ncerts].modulus);
	sig->signer = signer_index(p7, sig);
	stamp(p7, sig);
}

int ac_signer_holds(const struct ac_sig *sig, const uint8_t *c, size_t clen)
{
	return sig->signer >= 0 &&
	       signer_holds(sig->p7, sig->certs[sig->signer].x509, c,
			    (long)clen);
}

int ac_read(const uint8_t *b, size_t len, struct ac_sig *sig)
{
	struct ac_layout l;
	X509_SIG *dinfo = NULL;
	const uint8_t *c;
	PKCS7 *p7;
	long clen;

	memset(sig, 0, sizeof(*sig));
	sig->signer = -1;
	if (layout(b, len, &l, 0) || !(p7 = table_pkcs7(b, &l))) {
		ERR_clear_error();
		return 0;
	}
	ac_fill(sig, p7);
	if (sig->signer >= 0 && !indirect_data(p7, &c, &clen, &dinfo))
		sig->valid = digest_holds(b, len, &l, dinfo) &&
			     ac_signer_holds(sig, c, (size_t)clen);
	X509_SIG_free(dinfo);
	ERR_clear_error();
	return 1;
}

int ac_image_digest(const uint8_t *b, size_t len, int sha256, uint8_t *out)
{
	struct ac_layout l;
	unsigned n = 0;

	if (layout(b, len, &l, 1) ||
	    image_digest(b, len, &l, sha256 ? EVP_sha256() : EVP_sha1(), out,
			 &n)) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}

void ac_free(struct ac_sig *sig)
{
	size_t i;

	for (i = 0; i < sig->ncerts; i++)
		OPENSSL_free(sig->certs[i].modulus);
	PKCS7_free(sig->p7);
	memset(sig, 0, sizeof(*sig));
}

int ac_signed_by(const struct ac_cert *c, const struct ac_cert *by)
{
	EVP_PKEY *k = X509_get0_pubkey(by->x509);
	int ok = k && X509_verify(c->x509, k) == 1;

	ERR_clear_error();
	return ok;
}

/* An RSA public key of modulus hex and exponent 65537, or NULL. */
static EVP_PKEY *rsa_key(const char *hex)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *n = NULL, *e = BN_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *k = NULL;

	if (bld && e && BN_hex2bn(&n, hex) > 0 && BN_set_word(e, 65537) &&
	    BN_num_bytes(n) <= AC_MAX_MODULUS_BYTES &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) &&
	    (params = OSSL_PARAM_BLD_to_param(bld)) &&
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) &&
	    EVP_PKEY_fromdata_init(ctx) == 1)
		EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return k;
}

int ac_signed_by_key(const struct ac_cert *c, const char *modulus_hex)
{
	EVP_PKEY *k = rsa_key(modulus_hex);
	int ok = k && X509_verify(c->x509, k) == 1;

	EVP_PKEY_free(k);
	ERR_clear_error();
	return ok;
}
