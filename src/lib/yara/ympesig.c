/*
 * ympesig.c -- the pe module's signatures: the signing certificate of
 * each Authenticode PKCS #7 SignedData in the security directory, and of
 * the signatures nested in their unauthenticated attributes, read with
 * OpenSSL as yara 4.2 reads them (YMPE_MAX_CERTS at most): thumbprint,
 * issuer and subject (OpenSSL's one-line form), version, algorithm,
 * serial, validity; valid_on() over it. Nothing is verified here.
 */
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/le.h"
#include "yara/ympe.h"

/* Authenticode's nested signature attribute. */
#define SPC_NESTED_SIGNATURE "1.3.6.1.4.1.311.2.4.1"
/* Nested signatures followed, at most this deep. */
#define SIG_MAX_DEPTH 4

struct sig_walk {
	struct ym_scan *s;
	struct ym_obj *arr;
	ASN1_OBJECT *nested;
};

static void set_time(struct ym_obj *o, size_t m, const ASN1_TIME *t)
{
	struct tm tm;

	if (t && ASN1_TIME_to_tm(t, &tm) == 1)
		ym_int(o, m, (int64_t)timegm(&tm));
}

static void serial(struct ym_scan *s, struct ym_obj *o, X509 *cert)
{
	ASN1_INTEGER *sn = X509_get_serialNumber(cert);
	unsigned char der[22], *p = der;
	char text[3 * 20 + 2];
	int n, j;

	if (!sn || (n = i2d_ASN1_INTEGER(sn, NULL)) <= 2 || n > 22 ||
	    i2d_ASN1_INTEGER(sn, &p) != n)
		return;
	for (j = 0; j < n - 2; j++)
		snprintf(text + 3 * j, 4, j < n - 3 ? "%02x:" : "%02x",
			 der[2 + j]);
	ym_str(s, o, PESG_SERIAL, text, strlen(text));
}

static void certificate(struct sig_walk *w, X509 *cert)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char buf[256];
	unsigned mdlen = 0, j;
	struct ym_obj *o = ym_push_struct(w->s, w->arr, PESG_N);
	int nid;

	if (!o)
		return;
	if (X509_digest(cert, EVP_sha1(), md, &mdlen) == 1) {
		for (j = 0; j < mdlen && j < 20; j++)
			snprintf(buf + 2 * j, 3, "%02x", md[j]);
		ym_str(w->s, o, PESG_THUMBPRINT, buf, 2 * j);
	}
	X509_NAME_oneline(X509_get_issuer_name(cert), buf, sizeof(buf));
	ym_str(w->s, o, PESG_ISSUER, buf, strlen(buf));
	X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof(buf));
	ym_str(w->s, o, PESG_SUBJECT, buf, strlen(buf));
	ym_int(o, PESG_VERSION, X509_get_version(cert) + 1);
	nid = X509_get_signature_nid(cert);
	if (OBJ_nid2ln(nid))
		ym_str(w->s, o, PESG_ALGORITHM, OBJ_nid2ln(nid),
		       strlen(OBJ_nid2ln(nid)));
	if (OBJ_obj2txt(buf, sizeof(buf), OBJ_nid2obj(nid), 1) > 0)
		ym_str(w->s, o, PESG_ALGORITHM_OID, buf, strlen(buf));
	serial(w->s, o, cert);
	set_time(o, PESG_NOT_BEFORE, X509_get0_notBefore(cert));
	set_time(o, PESG_NOT_AFTER, X509_get0_notAfter(cert));
}

static void pkcs7(struct sig_walk *w, PKCS7 *p7, int depth);

/* The signatures nested in the first signer's unauthenticated
 * attributes. */
static void nested(struct sig_walk *w, PKCS7 *p7, int depth)
{
	STACK_OF(PKCS7_SIGNER_INFO) *si;
	PKCS7_SIGNER_INFO *signer;
	X509_ATTRIBUTE *xa;
	ASN1_TYPE *t;
	int j, idx;

	if (!w->nested || depth >= SIG_MAX_DEPTH ||
	    !(si = PKCS7_get_signer_info(p7)) ||
	    !(signer = sk_PKCS7_SIGNER_INFO_value(si, 0)) ||
	    (idx = X509at_get_attr_by_OBJ(PKCS7_get_attributes(signer),
					  w->nested, -1)) < 0 ||
	    !(xa = X509at_get_attr(PKCS7_get_attributes(signer), idx)))
		return;
	for (j = 0; j < YMPE_MAX_CERTS && (t = X509_ATTRIBUTE_get0_type(xa, j));
	     j++) {
		const unsigned char *p;
		PKCS7 *inner;

		if (t->type != V_ASN1_SEQUENCE)
			continue;
		p = t->value.sequence->data;
		if ((inner = d2i_PKCS7(NULL, &p, t->value.sequence->length))) {
			pkcs7(w, inner, depth + 1);
			PKCS7_free(inner);
		}
	}
}

static void pkcs7(struct sig_walk *w, PKCS7 *p7, int depth)
{
	STACK_OF(X509) *certs;
	int i;

	if (w->arr->n >= YMPE_MAX_CERTS || !PKCS7_type_is_signed(p7) ||
	    !(certs = PKCS7_get0_signers(p7, NULL, 0)))
		return;
	for (i = 0; i < sk_X509_num(certs) && w->arr->n < YMPE_MAX_CERTS; i++)
		certificate(w, sk_X509_value(certs, i));
	sk_X509_free(certs);
	nested(w, p7, depth);
}

/* One WIN_CERTIFICATE's PKCS #7 blobs, [at, end). */
static void blobs(struct sig_walk *w, const uint8_t *at, const uint8_t *end)
{
	while (at < end && w->arr->n < YMPE_MAX_CERTS) {
		const unsigned char *p = at;
		PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)(end - at));

		if (!p7)
			break;
		pkcs7(w, p7, 0);
		PKCS7_free(p7);
		at = p;
	}
}

void ympe_signatures(struct ym_scan *s, struct ympe *pe)
{
	struct sig_walk w = { s, NULL, NULL };
	uint32_t rva, size, len;
	uint64_t at, eod;

	if (ympe_dir(pe, 4, &rva, &size) < 0)
		return;
	w.arr = ym_sub(s, pe->root, PE_SIGNATURES, 0);
	ym_int(pe->root, PE_NUMBER_OF_SIGNATURES, 0);
	eod = (uint64_t)rva + size;
	if (!w.arr || !rva || eod > pe->len)
		return;
	w.nested = OBJ_txt2obj(SPC_NESTED_SIGNATURE, 1);
	for (at = rva; ympe_avail(pe, at) >= 8 && at + 8 < eod;
	     at = (at + len + 7) & ~(uint64_t)7) {
		uint16_t rev = le16_load(pe->b + at + 4);

		len = le32_load(pe->b + at);
		if (len <= 8 || at + len > eod || (rev != 0x100 && rev != 0x200))
			break;
		if (rev == 0x200 && le16_load(pe->b + at + 6) == 2)
			blobs(&w, pe->b + at + 8, pe->b + at + len);
	}
	ASN1_OBJECT_free(w.nested);
	ym_int(pe->root, PE_NUMBER_OF_SIGNATURES, w.arr->n);
}

struct ym_val ympe_valid_on(struct ym_call *c)
{
	const struct ym_val *nb = ym_get(c->self, PESG_NOT_BEFORE);
	const struct ym_val *na = ym_get(c->self, PESG_NOT_AFTER);

	if (nb->type != YM_INT || na->type != YM_INT)
		return ym_undef;
	return ym_vint(c->arg[0].u.i >= nb->u.i && c->arg[0].u.i <= na->u.i);
}
