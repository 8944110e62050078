/*
 * mscat.c -- signed catalogs, as Windows' makecat writes them and ClamAV
 * reads them: ContentInfo(signedData) whose content type is szOID_CTL
 * (1.3.6.1.4.1.311.10.1) and whose content is the trust list: subject
 * usage (szOID_CATALOG_LIST), list identifier, effective date, member
 * algorithm (szOID_CATALOG_LIST_MEMBER or _MEMBER2), then the members,
 * each a tag and a set of attributes; an SPC_INDIRECT_DATA attribute
 * names what was hashed (PE image data, or a cabinet) and the DigestInfo.
 * SHA-1 and SHA-256 digests of PE images are handed on (as ClamAV, which
 * reads no others). The signature is checked as an Authenticode
 * signature's (authenticode.c): the signer's message digest over the
 * list's DER content, its signature over the authenticated attributes.
 * The DER is walked with OpenSSL's ASN1_get_object, inside the list's
 * bytes only.
 */
#include "formats/exe/mscat.h"

#include <limits.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>

#include "vigil/vigil.h"

#define SZOID_CTL "1.3.6.1.4.1.311.10.1"
#define BAD (-100)		/* the list does not read */

/* OIDs as DER contents. */
static const uint8_t OID_INDIRECT[] = { 0x2b, 6, 1, 4, 1, 0x82, 0x37, 2, 1, 4 };
static const uint8_t OID_PE_IMAGE[] = { 0x2b, 6, 1, 4, 1, 0x82, 0x37, 2, 1, 15 };
static const uint8_t OID_SHA1[] = { 0x2b, 14, 3, 2, 26 };
static const uint8_t OID_SHA256[] = { 0x60, 0x86, 0x48, 1, 0x65, 3, 4, 2, 1 };

struct der {
	const uint8_t *p, *end;	/* what is left to read */
};

/* The next element, which must have universal tag want: its content in
 * *in; 0, or -1. */
static int next(struct der *d, int want, struct der *in)
{
	const unsigned char *p = d->p;
	long n;
	int tag, xclass, r;

	if (d->p >= d->end)
		return -1;
	r = ASN1_get_object(&p, &n, &tag, &xclass, d->end - d->p);
	if ((r & 0x80) || tag != want || xclass != V_ASN1_UNIVERSAL ||
	    n > d->end - p)
		return -1;
	in->p = p;
	in->end = p + n;
	d->p = in->end;
	return 0;
}

static int is_oid(const struct der *o, const uint8_t *oid, size_t n)
{
	return (size_t)(o->end - o->p) == n && !memcmp(o->p, oid, n);
}

/* One SPC_INDIRECT_DATA value: a PE image's SHA-1 or SHA-256, to fn. */
static int indirect(struct der v, mscat_fn fn, void *ctx)
{
	struct der spc, what, oid, dinfo, alg, algoid, digest;
	size_t n;

	if (next(&v, V_ASN1_SEQUENCE, &spc) ||
	    next(&spc, V_ASN1_SEQUENCE, &what) ||
	    next(&what, V_ASN1_OBJECT, &oid) ||
	    !is_oid(&oid, OID_PE_IMAGE, sizeof(OID_PE_IMAGE)) ||
	    next(&spc, V_ASN1_SEQUENCE, &dinfo) ||
	    next(&dinfo, V_ASN1_SEQUENCE, &alg) ||
	    next(&alg, V_ASN1_OBJECT, &algoid) ||
	    next(&dinfo, V_ASN1_OCTET_STRING, &digest))
		return 0;	/* a cabinet, or not a digest it reads */
	n = (size_t)(digest.end - digest.p);
	if ((n == 20 && is_oid(&algoid, OID_SHA1, sizeof(OID_SHA1))) ||
	    (n == 32 && is_oid(&algoid, OID_SHA256, sizeof(OID_SHA256))))
		return fn(ctx, digest.p, n);
	return 0;
}

/* The members of the list: each attribute of each, read. */
static int members(struct der m, mscat_fn fn, void *ctx)
{
	struct der mem, tag, attrs, attr, oid, vals;
	unsigned k;
	int rc = 0;

	for (k = 0; !rc && m.p < m.end && k < MSCAT_MAX_MEMBERS; k++) {
		if (next(&m, V_ASN1_SEQUENCE, &mem) ||
		    next(&mem, V_ASN1_OCTET_STRING, &tag) ||
		    next(&mem, V_ASN1_SET, &attrs))
			return -1;
		while (!rc && attrs.p < attrs.end) {
			if (next(&attrs, V_ASN1_SEQUENCE, &attr) ||
			    next(&attr, V_ASN1_OBJECT, &oid) ||
			    next(&attr, V_ASN1_SET, &vals))
				return BAD;
			if (is_oid(&oid, OID_INDIRECT, sizeof(OID_INDIRECT)))
				rc = indirect(vals, fn, ctx);
		}
	}
	return rc;
}

/* The trust list's content (usage, identifier, date, algorithm, members). */
static int trust_list(struct der ctl, mscat_fn fn, void *ctx)
{
	struct der x, list;

	if (next(&ctl, V_ASN1_SEQUENCE, &x) ||
	    next(&ctl, V_ASN1_OCTET_STRING, &x) ||
	    (next(&ctl, V_ASN1_UTCTIME, &x) &&
	     next(&ctl, V_ASN1_GENERALIZEDTIME, &x)) ||
	    next(&ctl, V_ASN1_SEQUENCE, &x) ||
	    next(&ctl, V_ASN1_SEQUENCE, &list))
		return BAD;
	return members(list, fn, ctx);
}

int mscat_read(const uint8_t *b, size_t len, struct ac_sig *sig, mscat_fn fn,
	       void *ctx)
{
	const unsigned char *p = b;
	PKCS7 *p7 = len <= (size_t)LONG_MAX ? d2i_PKCS7(NULL, &p, (long)len) :
					      NULL;
	PKCS7 *in;
	ASN1_STRING *seq;
	struct der whole, ctl;
	char oid[64];
	int rc;

	memset(sig, 0, sizeof(*sig));
	sig->signer = -1;
	if (!p7 || !PKCS7_type_is_signed(p7) || !p7->d.sign ||
	    !(in = p7->d.sign->contents) ||
	    OBJ_obj2txt(oid, sizeof(oid), in->type, 1) <= 0 ||
	    strcmp(oid, SZOID_CTL) || !in->d.other ||
	    in->d.other->type != V_ASN1_SEQUENCE) {
		PKCS7_free(p7);
		ERR_clear_error();
		return 0;
	}
	seq = in->d.other->value.sequence;
	whole.p = seq->data;
	whole.end = seq->data + seq->length;
	if (next(&whole, V_ASN1_SEQUENCE, &ctl)) {
		PKCS7_free(p7);
		ERR_clear_error();
		return 0;
	}
	ac_fill(sig, p7);
	sig->valid = ac_signer_holds(sig, ctl.p, (size_t)(ctl.end - ctl.p));
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	rc = trust_list(ctl, fn, ctx);	/* a fuzzer cannot sign */
#else
	rc = sig->valid ? trust_list(ctl, fn, ctx) : 0;
#endif
	ERR_clear_error();
	if (rc == BAD)
		sig->valid = 0;
	return rc < 0 && rc != BAD ? rc : 1;
}
