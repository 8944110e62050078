/*
 * cvdsign.c -- ClamAV 1.5's detached .cvd signatures. A .sign file starts
 * with the line "#clamsign-1.0"; every other line that is not a comment
 * is "min_flevel:max_flevel:pkcs7-pem:BASE64", BASE64 the body of a PEM
 * PKCS #7 signature over the whole .cvd file, without its newlines. The
 * signature must verify with the certificates of the trusted directory
 * (ClamAV's CVDCertsDirectory, every PEM file in it a trust anchor); the
 * first line Vigil can read decides, as in ClamAV. Vigil reads the
 * pkcs7-pem format whatever functionality level a line asks for, since it
 * implements that format. When there is nothing to check (no .sign, no
 * certificates, no line it can read) the header's RSA signature decides,
 * as in ClamAV.
 */
#include "db/cvdsign.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "util/fileio.h"
#include "vigil/vigil.h"

#define SIGN_HEADER "#clamsign-1.0"
#define SIGN_MAX_CERTS 64	/* certificate files read from the directory */

/* "<dir>/<name>-<version>.cvd.sign" for path "<dir>/<name>[-.]...". */
static int sign_path(const char *path, uint32_t version, char *out,
		     size_t cap)
{
	const char *base = strrchr(path, '/');
	size_t dir = base ? (size_t)(base - path) + 1 : 0, name;

	base = base ? base + 1 : path;
	name = strcspn(base, "-.");
	return snprintf(out, cap, "%.*s%.*s-%u.cvd.sign", (int)dir, path,
			(int)name, base, version) < (int)cap ? 0 : -1;
}

/* Every PEM certificate in dir, or NULL if none. */
static X509_STORE *trust_store(const char *dir)
{
	X509_STORE *st = NULL;
	struct dirent *d;
	DIR *dp = opendir(dir);
	unsigned n = 0;

	if (!dp)
		return NULL;
	while ((d = readdir(dp)) && n < SIGN_MAX_CERTS) {
		char p[4096];
		FILE *f;
		X509 *x;

		if (d->d_name[0] == '.' ||
		    snprintf(p, sizeof(p), "%s/%s", dir, d->d_name) >=
			    (int)sizeof(p) || !(f = fopen(p, "re")))
			continue;
		while ((x = PEM_read_X509(f, NULL, NULL, NULL))) {
			if ((st || (st = X509_STORE_new())) &&
			    X509_STORE_add_cert(st, x) == 1)
				n++;
			X509_free(x);
		}
		fclose(f);
	}
	closedir(dp);
	ERR_clear_error();
	if (st && !n) {
		X509_STORE_free(st);
		st = NULL;
	}
	return st;
}

/* The PKCS #7 of a "min:max:pkcs7-pem:BASE64" line, or NULL. */
static PKCS7 *line_pkcs7(const char *line, size_t n)
{
	static const char fmt[] = "pkcs7-pem:";
	const char *p = line, *end = line + n, *c;
	char *pem;
	BIO *bio;
	PKCS7 *p7 = NULL;
	int i;

	for (i = 0; i < 2; i++) { /* the two functionality levels */
		if (!(c = memchr(p, ':', (size_t)(end - p))))
			return NULL;
		p = c + 1;
	}
	if ((size_t)(end - p) <= sizeof(fmt) - 1 ||
	    memcmp(p, fmt, sizeof(fmt) - 1))
		return NULL;
	p += sizeof(fmt) - 1;
	if (!(pem = malloc((size_t)(end - p) + 64)))
		return NULL;
	i = sprintf(pem, "-----BEGIN PKCS7-----\n%.*s\n-----END PKCS7-----\n",
		    (int)(end - p), p);
	if ((bio = BIO_new_mem_buf(pem, i))) {
		p7 = PEM_read_bio_PKCS7(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	free(pem);
	return p7;
}

/* Verifies p7 over the .cvd: CVDSIGN_VALID or CVDSIGN_INVALID. */
static int verify(PKCS7 *p7, X509_STORE *st, const uint8_t *buf, size_t len,
		  char *why, size_t whylen)
{
	BIO *data = BIO_new_mem_buf(buf, len > INT32_MAX ? -1 : (int)len);
	int ok;

	if (!data)
		return VIGIL_ENOMEM;
	ok = PKCS7_verify(p7, NULL, st, data, NULL,
			  PKCS7_BINARY | PKCS7_NOCRL) == 1;
	BIO_free(data);
	if (ok) {
		snprintf(why, whylen, "verified by its .sign file");
	} else {
		unsigned long e = ERR_peek_last_error();

		snprintf(why, whylen, "its .sign signature does not verify (%s)",
			 e ? ERR_reason_error_string(e) : "unknown");
	}
	ERR_clear_error();
	return ok ? CVDSIGN_VALID : CVDSIGN_INVALID;
}

/* The first readable signature line of text decides. */
int cvdsign_lines(const char *text, size_t n, X509_STORE *st,
		  const uint8_t *buf, size_t len, char *why, size_t whylen)
{
	const char *p = text, *end = text + n;

	if (n < sizeof(SIGN_HEADER) - 1 ||
	    memcmp(text, SIGN_HEADER, sizeof(SIGN_HEADER) - 1))
		return CVDSIGN_ABSENT;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ln = (size_t)((nl ? nl : end) - p);
		PKCS7 *p7;
		int rc;

		while (ln && (p[ln - 1] == '\r' || p[ln - 1] == ' '))
			ln--;
		if (ln && p[0] != '#' && (p7 = line_pkcs7(p, ln))) {
			rc = verify(p7, st, buf, len, why, whylen);
			PKCS7_free(p7);
			return rc;
		}
		p = nl ? nl + 1 : end;
	}
	return CVDSIGN_ABSENT;
}

int cvdsign_check(const char *path, uint32_t version, const uint8_t *buf,
		  size_t len, const char *certs_dir, char *why, size_t whylen)
{
	char sp[4096];
	struct filemap fm;
	X509_STORE *st;
	int rc;

	snprintf(why, whylen, "no .sign file");
	if (!certs_dir || sign_path(path, version, sp, sizeof(sp)) < 0 ||
	    filemap_open(sp, &fm) < 0)
		return CVDSIGN_ABSENT;
	rc = CVDSIGN_ABSENT;
	if (fm.len <= CVDSIGN_MAX_BYTES && (st = trust_store(certs_dir))) {
		rc = cvdsign_lines(fm.map ? (const char *)fm.map : "", fm.len,
				   st, buf, len, why, whylen);
		X509_STORE_free(st);
	}
	filemap_close(&fm);
	return rc;
}
