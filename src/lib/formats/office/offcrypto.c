/*
 * offcrypto.c -- Office documents encrypted as [MS-OFFCRYPTO] describes:
 * an OLE2 file whose "EncryptionInfo" stream says how, and whose
 * "EncryptedPackage" stream holds the Office Open XML package. Excel
 * opens a workbook encrypted with its built-in password "VelvetSweatshop"
 * without asking, which makes that password a way to hide a workbook from
 * scanners: a package under Standard Encryption (AES-ECB, the SHA-1 key
 * derivation of section 2.3.4.7) that this password opens is decrypted
 * and handed on, as clamscan does. One it does not open (a user's
 * password, Agile or RC4 encryption) is Heuristics.Encrypted.OLE2.
 * AES and SHA-1 are OpenSSL's.
 */
#include <string.h>

#include <openssl/evp.h>

#include "common/le.h"
#include "common/reader.h"
#include "formats/office/offcrypto.h"
#include "vigil/vigil.h"

#define OC_PASSWORD "VelvetSweatshop"
#define OC_SPIN 50000		/* hash iterations of 2.3.4.7 */
#define OC_SHA1 20
#define OC_FLAG_AES 0x20	/* EncryptionInfo flags: fAES */
#define OC_ALG_AES128 0x660e
#define OC_ALG_AES256 0x6610
#define ENCRYPTED "Heuristics.Encrypted.OLE2"

struct oc_info {
	uint32_t alg, key_bits;
	uint8_t salt[16], verifier[16], verifier_hash[32];
};

/* Standard Encryption's header and verifier; -1 for any other kind. */
static int info_parse(const uint8_t *b, size_t len, struct oc_info *in)
{
	const uint8_t *st, *v, *vh;
	struct rdr r;
	uint16_t major, minor;
	uint32_t flags, hsize, salt;

	rdr_init(&r, b, len);
	major = rdr_u16le(&r);
	minor = rdr_u16le(&r);
	flags = rdr_u32le(&r);
	hsize = rdr_u32le(&r);
	if (major < 2 || major > 4 || minor != 2 || !(flags & OC_FLAG_AES) ||
	    hsize < 32 || hsize > len)
		return -1;
	rdr_skip(&r, 8);
	in->alg = rdr_u32le(&r);
	rdr_skip(&r, 4);
	in->key_bits = rdr_u32le(&r);
	rdr_seek(&r, 12 + (size_t)hsize);
	salt = rdr_u32le(&r);
	st = rdr_bytes(&r, 16);
	v = rdr_bytes(&r, 16);
	rdr_skip(&r, 4);
	vh = rdr_bytes(&r, 32);
	if (rdr_failed(&r) || !st || !v || !vh || salt != 16 ||
	    in->alg < OC_ALG_AES128 || in->alg > OC_ALG_AES256 ||
	    in->key_bits != 128 + 64 * (in->alg - OC_ALG_AES128))
		return -1;
	memcpy(in->salt, st, 16);
	memcpy(in->verifier, v, 16);
	memcpy(in->verifier_hash, vh, 32);
	return 0;
}

static void sha1(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
		 uint8_t out[OC_SHA1])
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	uint8_t d[OC_SHA1] = { 0 }; /* out may be an input */

	if (m && EVP_DigestInit_ex(m, EVP_sha1(), NULL) == 1 &&
	    EVP_DigestUpdate(m, a, alen) == 1 &&
	    (!blen || EVP_DigestUpdate(m, b, blen) == 1))
		EVP_DigestFinal_ex(m, d, NULL);
	EVP_MD_CTX_free(m);
	memcpy(out, d, OC_SHA1);
}

/* The key for password (2.3.4.7): key_bits / 8 bytes into key. */
static void derive_key(const struct oc_info *in, const char *password,
		       uint8_t key[32])
{
	uint8_t pw[64], h[OC_SHA1], it[4], x[64], x12[2 * OC_SHA1];
	size_t n = strlen(password), i;
	uint32_t k;

	for (i = 0; i < n; i++) { /* UTF-16LE */
		pw[2 * i] = (uint8_t)password[i];
		pw[2 * i + 1] = 0;
	}
	sha1(in->salt, 16, pw, 2 * n, h);
	for (k = 0; k < OC_SPIN; k++) {
		it[0] = (uint8_t)k;
		it[1] = (uint8_t)(k >> 8);
		it[2] = (uint8_t)(k >> 16);
		it[3] = 0;
		sha1(it, 4, h, OC_SHA1, h);
	}
	memset(it, 0, sizeof(it));
	sha1(h, OC_SHA1, it, 4, h);
	memset(x, 0x36, sizeof(x));
	for (i = 0; i < OC_SHA1; i++)
		x[i] ^= h[i];
	sha1(x, sizeof(x), NULL, 0, x12);
	memset(x, 0x5c, sizeof(x));
	for (i = 0; i < OC_SHA1; i++)
		x[i] ^= h[i];
	sha1(x, sizeof(x), NULL, 0, x12 + OC_SHA1);
	memcpy(key, x12, in->key_bits / 8);
}

/* AES-ECB decryption of len bytes (a multiple of 16): 0 or -1. */
static int aes_ecb(const uint8_t *key, uint32_t bits, const uint8_t *in,
		   size_t len, uint8_t *out)
{
	const EVP_CIPHER *ci = bits == 128 ? EVP_aes_128_ecb() :
			       bits == 192 ? EVP_aes_192_ecb() :
					     EVP_aes_256_ecb();
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	if (!x)
		return -1;
	ok = EVP_DecryptInit_ex(x, ci, NULL, key, NULL) == 1 &&
	     EVP_CIPHER_CTX_set_padding(x, 0) == 1;
	while (ok && len) {
		int step = len > (1u << 30) ? 1 << 30 : (int)len;

		ok = EVP_DecryptUpdate(x, out, &n, in, step) == 1;
		in += step;
		out += n;
		len -= (size_t)step;
	}
	EVP_CIPHER_CTX_free(x);
	return ok ? 0 : -1;
}

/* 1 if key opens the verifier of in. */
static int key_opens(const struct oc_info *in, const uint8_t *key)
{
	uint8_t v[16], vh[32], h[OC_SHA1];

	if (aes_ecb(key, in->key_bits, in->verifier, 16, v) ||
	    aes_ecb(key, in->key_bits, in->verifier_hash, 32, vh))
		return 0;
	sha1(v, 16, NULL, 0, h);
	return !memcmp(h, vh, OC_SHA1);
}

/* The package decrypted with key into a contained object. */
static int package(struct fmt_ctx *c, const struct oc_info *in,
		   const uint8_t *key, const uint8_t *b, size_t len)
{
	uint64_t size = len >= 8 ? le64_load(b) : 0;
	size_t n = (len - 8) & ~(size_t)15;
	struct vbuf out = { 0 };
	int rc;

	if (len < 8)
		return fmt_unreadable(c, "Heuristics.Broken.Office");
	if (size > n) {
		fmt_warn(c, "EncryptedPackage: %llu bytes declared, %zu stored",
			 (unsigned long long)size, n);
		size = n; /* what there is, as clamscan */
	}
	if (size > fmt_max_child(c))
		return fmt_too_big(c, "EncryptedPackage");
	if (vbuf_reserve(&out, n ? n : 1) < 0)
		return VIGIL_ENOMEM;
	if (aes_ecb(key, in->key_bits, b + 8, n, out.data))
		rc = VIGIL_ENOMEM; /* OpenSSL fails only without memory */
	else
		rc = fmt_child(c, "EncryptedPackage", out.data, (size_t)size);
	vbuf_free(&out);
	return rc;
}

int offcrypto_package(struct ole2 *o)
{
	uint32_t ii = ole2_find(o, 0, "EncryptionInfo");
	uint32_t pi = ole2_find(o, 0, "EncryptedPackage");
	struct vbuf info = { 0 }, pkg = { 0 };
	struct oc_info in;
	uint8_t key[32];
	int rc = 0;

	if (ii == NO_STREAM || pi == NO_STREAM)
		return 0;
	if (ole2_read(o, ii, &info) == 0 &&
	    info_parse(info.data, info.len, &in) == 0) {
		derive_key(&in, OC_PASSWORD, key);
		if (key_opens(&in, key)) {
			int r = ole2_read(o, pi, &pkg);

			rc = r == 1 ? fmt_too_big(o->c, "EncryptedPackage") :
			     r < 0 ? fmt_unreadable(o->c, "Heuristics.Broken.Office") :
				     package(o->c, &in, key, pkg.data, pkg.len);
			goto out;
		}
	}
	rc = fmt_unreadable(o->c, ENCRYPTED);
out:
	vbuf_free(&info);
	vbuf_free(&pkg);
	return rc;
}
