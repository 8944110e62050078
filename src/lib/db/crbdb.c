/*
 * crbdb.c -- .crb lines, as ClamAV's signature manual describes them:
 * Name;Trusted;Subject;Serial;Pubkey;Exponent;CodeSign;TimeSign;CertSign;
 * NotBefore;Comment, then optional functionality levels. Subject and
 * Serial are SHA-1 digests in hex (Serial may be empty: any serial),
 * Pubkey the RSA modulus in hex; the exponent is read and not compared
 * (the manual: "currently ignored and hardcoded to 010001").
 */
#include "db/crbdb.h"

#include <string.h>

#include "db/fields.h"
#include "db/hashdb.h"

enum { F_NAME, F_TRUSTED, F_SUBJECT, F_SERIAL, F_PUBKEY, F_EXP, F_CODE,
       F_TIME, F_CERT, F_NOTBEFORE, F_COMMENT, F_MINFL, F_MAXFL, F_MAX };

static int skip(struct loadctx *lc, const char *why)
{
	int rc = load_warn(lc, VIGIL_EFORMAT, "%s", why);

	return rc < 0 ? rc : 1;
}

/* A 0/1 field into bit of *uses (or *v for Trusted). */
static int bit(const struct fields *f, int i, uint8_t *v)
{
	if (f->n[i] != 1 || (f->p[i][0] != '0' && f->p[i][0] != '1'))
		return -1;
	*v = (uint8_t)(f->p[i][0] - '0');
	return 0;
}

static int hex_only(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fields_hexdig(s[i]) < 0)
			return 0;
	return n > 0 && n % 2 == 0;
}

/* The fields into c (name and pubkey left for the caller): 0 or -1. */
static int cert_fields(const struct fields *f, struct vdb_cert *c)
{
	uint8_t code, time, cert;
	uint64_t nb = 0;

	memset(c, 0, sizeof(*c));
	c->has_serial = f->n[F_SERIAL] > 0;
	if (bit(f, F_TRUSTED, &c->trusted) || bit(f, F_CODE, &code) ||
	    bit(f, F_TIME, &time) || bit(f, F_CERT, &cert) ||
	    fields_hex(f->p[F_SUBJECT], f->n[F_SUBJECT], c->subject, 20) ||
	    (c->has_serial &&
	     fields_hex(f->p[F_SERIAL], f->n[F_SERIAL], c->serial, 20)) ||
	    !hex_only(f->p[F_PUBKEY], f->n[F_PUBKEY]) ||
	    f->n[F_PUBKEY] > CRB_MAX_PUBKEY_HEX ||
	    !hex_only(f->p[F_EXP], f->n[F_EXP]) ||
	    (f->n[F_NOTBEFORE] &&
	     (fields_u64(f->p[F_NOTBEFORE], f->n[F_NOTBEFORE], &nb) ||
	      nb > INT64_MAX)))
		return -1;
	c->uses = (uint8_t)((code ? CRB_CODE : 0) | (time ? CRB_TIME : 0) |
			    (cert ? CRB_CERT : 0));
	c->not_before = (int64_t)nb;
	return 0;
}

int crbdb_line(struct loadctx *lc, const char *s, size_t n)
{
	struct fields f;
	struct vdb_cert c, *slot;
	const char *pk;
	size_t pn;
	int rc;

	if (fields_split(s, n, ';', &f, F_MAX) < 0 || f.count < F_MINFL)
		return skip(lc, "expected Name;Trusted;Subject;Serial;Pubkey;"
			    "Exponent;CodeSign;TimeSign;CertSign;NotBefore;"
			    "Comment");
	if (f.count > F_MINFL &&
	    !sig_flevel_ok(lc, f.p[F_MINFL], f.n[F_MINFL],
			   f.count > F_MAXFL ? f.p[F_MAXFL] : NULL,
			   f.count > F_MAXFL ? f.n[F_MAXFL] : 0, &rc))
		return rc < 0 ? rc : 1;
	if (!f.n[F_NAME] || cert_fields(&f, &c))
		return skip(lc, "bad field: a name, 0 or 1 flags, SHA-1 "
			    "digests and a modulus in hex");
	pk = f.p[F_PUBKEY];
	pn = f.n[F_PUBKEY];
	while (pn > 2 && pk[0] == '0' && pk[1] == '0') { /* leading zeroes */
		pk += 2;
		pn -= 2;
	}
	if ((rc = sigset_string(lc->ss, f.p[F_NAME], f.n[F_NAME], &c.name)) ||
	    (rc = sigset_string(lc->ss, pk, pn, &c.pubkey)))
		return rc;
	if (!(slot = varr_push(&lc->ss->cert)))
		return VIGIL_ENOMEM;
	*slot = c;
	return 0;
}
