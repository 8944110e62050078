/*
 * certtrust.c -- the .crb certificates against an Authenticode signature
 * (a PE image's own, formats/exe/authenticode.c, or a signed catalog's,
 * formats/exe/mscat.c), as ClamAV applies them: a signature holding a
 * blocked certificate names that line; one whose signature holds and whose
 * signer chains up to a trusted certificate is trusted. A certificate
 * matches a .crb line by the SHA-1 of its subject, its serial (unless the
 * line leaves it empty) and its RSA modulus; a trusted line vouches for
 * the signer itself when it may sign code, and for what it issued (checked
 * with its key) when it may sign certificates. A line vouches for a
 * certificate itself only if that certificate's validity starts no
 * earlier than the line's NotBefore; and the signer's certificate must
 * have been valid when it signed: at the time of a countersignature by a
 * certificate trusted to sign time, or without one at the time of the
 * check, as in ClamAV.
 */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/certtrust.h"
#include "core/engine_int.h"

#define CERT_CHAIN_MAX 8	/* issuers followed from the signer */

static int same_cert(const struct vdb_view *v, const struct vdb_cert *e,
		     const struct ac_cert *c)
{
	return !memcmp(e->subject, c->subject, 20) &&
	       (!e->has_serial || !memcmp(e->serial, c->serial, 20)) &&
	       c->modulus && !strcasecmp(vdb_str(v, e->pubkey), c->modulus);
}

/* The name of a blocked line one of sig's certificates matches, or NULL. */
const char *certtrust_blocked(const struct vigil_engine *e,
			      const struct ac_sig *sig)
{
	size_t i, k, j;

	for (i = 0; i < e->nshards; i++) {
		const struct vdb_view *v = &e->shards[i].v;

		for (k = 0; k < v->ncert; k++)
			for (j = 0; !v->cert[k].trusted && j < sig->ncerts; j++)
				if (same_cert(v, &v->cert[k], &sig->certs[j]))
					return vdb_str(v, v->cert[k].name);
	}
	return NULL;
}

/* 1 if a trusted line allowed all of 'use' is c, or (as_issuer) signed c. */
static int vouched(const struct vigil_engine *e, const struct ac_cert *c,
		   unsigned use, int as_issuer)
{
	size_t i, k;

	for (i = 0; i < e->nshards; i++) {
		const struct vdb_view *v = &e->shards[i].v;

		for (k = 0; k < v->ncert; k++) {
			const struct vdb_cert *t = &v->cert[k];

			if (!t->trusted || (t->uses & use) != use ||
			    (!as_issuer && c->not_before < t->not_before))
				continue;
			if (as_issuer ? !memcmp(t->subject, c->issuer, 20) &&
						ac_signed_by_key(
							c, vdb_str(v, t->pubkey)) :
					same_cert(v, t, c))
				return 1;
		}
	}
	return 0;
}

/* The embedded certificate that issued certs[at], or -1. */
static int issuer_of(const struct ac_sig *sig, int at)
{
	const struct ac_cert *c = &sig->certs[at];
	size_t j;

	for (j = 0; j < sig->ncerts; j++)
		if ((int)j != at && !memcmp(sig->certs[j].subject, c->issuer, 20) &&
		    ac_signed_by(c, &sig->certs[j]))
			return (int)j;
	return -1;
}

/*
 * 1 if the certificate at 'at' is trusted for 'use' (CRB_CODE, CRB_TIME):
 * a trusted line allowed that use is the certificate, or issued (and may
 * sign certificates) it or a certificate up its chain. What a line may do
 * passes down the chain, as in ClamAV: an issuer that may not sign code
 * vouches for no code signer below it.
 */
static int chain_trusted(const struct vigil_engine *e,
			 const struct ac_sig *sig, int at, unsigned use)
{
	int depth;

	for (depth = 0; depth < CERT_CHAIN_MAX && at >= 0; depth++) {
		if (vouched(e, &sig->certs[at], depth ? use | CRB_CERT : use,
			    0) ||
		    vouched(e, &sig->certs[at], use | CRB_CERT, 1))
			return 1;
		at = issuer_of(sig, at);
	}
	return 0;
}

/*
 * 1 if the signing time is one the signer's certificate was valid at: the
 * time of a countersignature (an old Authenticode timestamp) made by a
 * certificate trusted to sign time, or without one the time of the scan.
 * A countersignature that does not hold makes the signature untrusted,
 * as in ClamAV.
 */
static int dated(const struct vigil_engine *e, const struct ac_sig *sig)
{
	const struct ac_cert *c = &sig->certs[sig->signer];
	int64_t when = sig->stamp ? sig->stamp_time : (int64_t)time(NULL);

	if (sig->stamp < 0 ||
	    (sig->stamp &&
	     !chain_trusted(e, sig, sig->stamp_signer, CRB_TIME)))
		return 0;
	return when >= c->not_before && when <= c->not_after;
}

/* 1 if the signer is trusted: a valid signature, dated while its
 * certificate was valid, by a signer trusted to sign code. */
int certtrust_trusted(const struct vigil_engine *e, const struct ac_sig *sig)
{
	return sig->valid && sig->signer >= 0 && dated(e, sig) &&
	       chain_trusted(e, sig, sig->signer, CRB_CODE);
}
