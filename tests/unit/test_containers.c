/*
 * test_containers.c -- ClamAV containers built here: .cvd (MD5 and digital
 * signature checked: signed with a key made here, which the engine is
 * told to trust beside ClamAV's), .cld (neither, as in ClamAV), the .info
 * manifest enforced (and required, its header the container's, in a
 * signed one), and damaged archives refused with a clear code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <zlib.h>
#include <cmocka.h>

#include "helpers.h"

struct blob {
	uint8_t b[65536];
	size_t n;
};

static void tar_add(struct blob *t, const char *name, const char *data)
{
	uint8_t *h = t->b + t->n;
	size_t len = strlen(data), i;
	unsigned sum = 0;

	memset(h, 0, 512);
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "0000644");
	snprintf((char *)h + 124, 12, "%011o", (unsigned)len);
	h[156] = '0';
	memcpy(h + 257, "ustar", 5);
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	t->n += 512;
	memcpy(t->b + t->n, data, len);
	t->n += (len + 511) / 512 * 512;
}

/* The header line make_cvd() writes, and the one its .info repeats. */
#define HDR_FIELDS "7:2:216"
#define HDR_STIME "1795600000"

/*
 * A signed set: a .info listing the files of pairs (name, text, ...,
 * NULL) with their sizes and SHA-256 under info_hdr's line, then the
 * files, into t.
 */
static void tar_set(struct blob *t, const char *info_hdr,
		    const char *const *pairs)
{
	char info[4096], hex[65];
	uint8_t d[32];
	unsigned dl, i;
	size_t n, k;

	n = (size_t)snprintf(info, sizeof(info), "%s\n", info_hdr);
	for (k = 0; pairs[k]; k += 2) {
		EVP_Digest(pairs[k + 1], strlen(pairs[k + 1]), d, &dl,
			   EVP_sha256(), NULL);
		for (i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", d[i]);
		if (strcmp(pairs[k], "COPYING"))
			n += (size_t)snprintf(info + n, sizeof(info) - n,
					      "%s:%zu:%s\n", pairs[k],
					      strlen(pairs[k + 1]), hex);
	}
	snprintf(info + n, sizeof(info) - n, "DSIG:none\n");
	t->n = 0;
	tar_add(t, "x.info", info);
	for (k = 0; pairs[k]; k += 2)
		tar_add(t, pairs[k], pairs[k + 1]);
	t->n += 1024;
}

/* The .info header line of a set that agrees with make_cvd()'s. */
#define INFO_OK "ClamAV-VDB:25 Nov 2026 10-00 +0000:" HDR_FIELDS \
	":x:x:test:" HDR_STIME

static void gzip_blob(const struct blob *in, struct blob *out)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in->b;
	z.avail_in = (uInt)in->n;
	z.next_out = out->b;
	z.avail_out = sizeof(out->b);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	out->n = sizeof(out->b) - z.avail_out;
	deflateEnd(&z);
}

/* The signing key: made once, its public half as "n:e" in decimal. */
static BIGNUM *key_n, *key_d;
static char key_pub[1024];

static void make_key(void)
{
	EVP_PKEY *k = EVP_RSA_gen(1024);
	BIGNUM *e = NULL;
	char *n_dec, *e_dec;

	assert_non_null(k);
	assert_true(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &key_n));
	assert_true(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_D, &key_d));
	assert_true(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e));
	n_dec = BN_bn2dec(key_n);
	e_dec = BN_bn2dec(e);
	snprintf(key_pub, sizeof(key_pub), "%s:%s", n_dec, e_dec);
	OPENSSL_free(n_dec);
	OPENSSL_free(e_dec);
	BN_free(e);
	EVP_PKEY_free(k);
}

/* md5^d mod n in ClamAV's dsig digits, least significant first. */
static void sign(const uint8_t md5[16], char *out, size_t cap)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
	BIGNUM *m = BN_bin2bn(md5, 16, NULL), *s = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	size_t i = 0;

	assert_true(BN_mod_exp(s, m, key_d, key_n, ctx));
	while (!BN_is_zero(s) && i + 1 < cap) {
		out[i++] = set[BN_mod_word(s, 64)];
		assert_true(BN_rshift(s, s, 6));
	}
	out[i] = 0;
	BN_free(m);
	BN_free(s);
	BN_CTX_free(ctx);
}

enum { MD5_BAD = 1, SIG_NONE = 2, SIG_BAD = 4 };

/* header + gzip(tar) into c, signed unless faults says otherwise. */
static void make_cvd(const struct blob *tar, int faults, struct blob *c)
{
	static struct blob gz;
	uint8_t d[16];
	char hex[33], hdr[600], sig[400];
	unsigned i, dl;

	gzip_blob(tar, &gz);
	EVP_Digest(gz.b, gz.n, d, &dl, EVP_md5(), NULL);
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x",
			 d[i] ^ ((faults & MD5_BAD) ? 1 : 0));
	sign(d, sig, sizeof(sig));
	if (faults & SIG_BAD)
		sig[3] = sig[3] == 'a' ? 'b' : 'a';
	snprintf(hdr, sizeof(hdr), "ClamAV-VDB:25 Nov 2026 10-00 +0000:"
		 HDR_FIELDS ":%s:%s:test:" HDR_STIME, hex,
		 (faults & SIG_NONE) ? "nosig" : sig);
	memset(c->b, ' ', 512);
	memcpy(c->b, hdr, strlen(hdr));
	memcpy(c->b + 512, gz.b, gz.n);
	c->n = 512 + gz.n;
}

static int load_key(const char *name, const struct blob *c, uint64_t *body,
		    const char *key)
{
	struct vigil_engine_options o = { .size = sizeof(o), .cvd_key = key };
	struct vigil_engine_stats s = { .size = sizeof(s) };
	struct vigil_engine *e;
	int rc;

	assert_int_equal(vigil_engine_new(&e, &o), 0);
	rc = vigil_engine_load_memory(e, name, c->b, c->n);
	if (!rc)
		rc = vigil_engine_compile(e);
	vigil_engine_stats(e, &s);
	*body = s.body + s.hash_md5;
	vigil_engine_free(e);
	return rc;
}

static int load(const char *name, const struct blob *c, uint64_t *body)
{
	return load_key(name, c, body, key_pub);
}

static void good(void **st)
{
	static struct blob tar, cvd;
	uint64_t n;

	static const char *const set[] = {
		"COPYING", "licence text\n",
		"test.ndb", "A:0:*:41424344\nB:0:*:45464748\n",
		"test.hdb", "6f5902ac237024bdd0c176cb93063dc4:12:H\n", NULL,
	};

	(void)st;
	tar_set(&tar, INFO_OK, set);
	make_cvd(&tar, 0, &cvd);
	assert_int_equal(load("t.cvd", &cvd, &n), 0);
	assert_int_equal(n, 3);
	make_cvd(&tar, MD5_BAD, &cvd);
	assert_int_equal(load("t.cvd", &cvd, &n), VIGIL_ECHECKSUM);
	assert_int_equal(load("t.cld", &cvd, &n), 0); /* as ClamAV: no MD5 */
	cvd.n -= 40; /* cut the gzip stream */
	assert_int_equal(load("t.cld", &cvd, &n), VIGIL_EFORMAT);
	assert_int_equal(load("t.cvd", &cvd, &n), VIGIL_ECHECKSUM);
}

static int with_manifest(const char *sha256)
{
	static struct blob tar, cvd;
	char info[256];
	uint64_t n;
	int rc;

	snprintf(info, sizeof(info), INFO_OK "\ntest.ndb:15:%s\nDSIG:none\n",
		 sha256);
	tar.n = 0;
	tar_add(&tar, "test.info", info);
	tar_add(&tar, "test.ndb", "A:0:*:41424344\n");
	tar.n += 1024;
	make_cvd(&tar, 0, &cvd);
	rc = load("t.cvd", &cvd, &n);
	return rc ? rc : (int)n;
}

static void manifest(void **st)
{
	(void)st;
	assert_int_equal(with_manifest("af5827364db66cbb512e83a31d2cad2f"
				       "a8c277c38bf5806d65bd5a45ed044a69"), 1);
	assert_int_equal(with_manifest("af5827364db66cbb512e83a31d2cad2f"
				       "a8c277c38bf5806d65bd5a45ed044a60"),
			 VIGIL_ECHECKSUM);
}

/* A member in a format Vigil does not read is warned about, not dropped. */
static void unsupported_member(void **st)
{
	static struct blob tar, cvd;
	struct vigil_engine_options o = { .size = sizeof(o),
					  .cvd_key = key_pub };
	struct vigil_engine_stats s = { .size = sizeof(s) };
	struct vigil_engine *e;

	static const char *const set[] = {
		"x.ndb", "A:0:*:41424344\n",
		"x.imp", "6f5902ac237024bdd0c176cb93063dc4:1234:Imp\n"
			 "6f5902ac237024bdd0c176cb93063dc5:1235:Imp2\n",
		"x.mdb", "1234:6f5902ac237024bdd0c176cb93063dc4:Sect\n"
			 "1235:6f5902ac237024bdd0c176cb93063dc5:Sect2\n",
		"x.pdb", "R:example.org\nR:example.net\n",
		"x.idb", "I1:G1:G2:aa\nI2:G1:G2:bb\n", NULL,
	};

	(void)st;
	tar_set(&tar, INFO_OK, set);
	make_cvd(&tar, 0, &cvd);
	assert_int_equal(vigil_engine_new(&e, &o), 0);
	assert_int_equal(vigil_engine_load_memory(e, "x.cvd", cvd.b, cvd.n), 0);
	assert_int_equal(vigil_engine_compile(e), 0);
	vigil_engine_stats(e, &s);
	assert_int_equal(s.body, 1);
	assert_int_equal(s.section_hash, 2);
	assert_int_equal(s.import_hash, 2);
	assert_int_equal(s.phishing, 2);
	assert_int_equal(s.skipped, 2); /* the malformed .idb lines */
	vigil_engine_free(e);
}

/* A .cvd is loaded only with a signature by a trusted key; a .cld never
 * needs one (ClamAV's rule). */
static void signature(void **st)
{
	static struct blob tar, cvd;
	char other[1100];
	uint64_t n;

	static const char *const set[] = {
		"test.ndb", "A:0:*:41424344\n", NULL,
	};

	(void)st;
	tar_set(&tar, INFO_OK, set);
	make_cvd(&tar, 0, &cvd);
	assert_int_equal(load_key("t.cvd", &cvd, &n, NULL), VIGIL_ECHECKSUM);
	snprintf(other, sizeof(other), "%s", key_pub);
	other[5] = other[5] == '1' ? '3' : '1'; /* another modulus */
	assert_int_equal(load_key("t.cvd", &cvd, &n, other), VIGIL_ECHECKSUM);
	assert_int_equal(load_key("t.cld", &cvd, &n, NULL), 0);
	make_cvd(&tar, SIG_BAD, &cvd);
	assert_int_equal(load("t.cvd", &cvd, &n), VIGIL_ECHECKSUM);
	make_cvd(&tar, SIG_NONE, &cvd);
	assert_int_equal(load("t.cvd", &cvd, &n), VIGIL_ECHECKSUM);
	assert_int_equal(load("t.cld", &cvd, &n), 0);
	/* a malformed trusted key is a configuration error */
	assert_int_equal(load_key("t.cvd", &cvd, &n, "12:x"), VIGIL_EFORMAT);
}

/* The header outside the signed body must be the one its .info repeats,
 * and a signed container must have a .info (as ClamAV): an old database
 * cannot be passed off as a newer one. A .cld needs neither. */
static void header_signed(void **st)
{
	static const char *const set[] = {
		"test.ndb", "A:0:*:41424344\n", NULL,
	};
	static struct blob tar, cvd;
	uint64_t n;

	(void)st;
	tar_set(&tar, INFO_OK, set);
	make_cvd(&tar, 0, &cvd);
	assert_int_equal(load("t.cvd", &cvd, &n), 0);
	tar_set(&tar, "ClamAV-VDB:25 Nov 2026 10-00 +0000:6:2:216:x:x:test:"
		HDR_STIME, set);
	make_cvd(&tar, 0, &cvd);
	assert_int_equal(load("t.cvd", &cvd, &n), VIGIL_ECHECKSUM);
	assert_int_equal(load("t.cld", &cvd, &n), 0);
	tar_set(&tar, "ClamAV-VDB:25 Nov 2026 10-00 +0000:" HDR_FIELDS
		":x:x:test:1795599999", set);
	make_cvd(&tar, 0, &cvd);
	assert_int_equal(load("t.cvd", &cvd, &n), VIGIL_ECHECKSUM);
	tar.n = 0;
	tar_add(&tar, "test.ndb", "A:0:*:41424344\n");
	tar.n += 1024;
	make_cvd(&tar, 0, &cvd);
	assert_int_equal(load("t.cvd", &cvd, &n), VIGIL_ECHECKSUM);
	assert_int_equal(load("t.cld", &cvd, &n), 0);
}

static void header(void **st)
{
	static struct blob c;
	uint64_t n;

	(void)st;
	memset(c.b, ' ', 512);
	memcpy(c.b, "ClamAV-VDB:only:three", 21);
	c.n = 512;
	assert_int_equal(load("t.cvd", &c, &n), VIGIL_EFORMAT);
	c.n = 100;
	assert_int_equal(load("t.cvd", &c, &n), VIGIL_EFORMAT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good),
		cmocka_unit_test(manifest),
		cmocka_unit_test(unsupported_member),
		cmocka_unit_test(header),
		cmocka_unit_test(header_signed),
		cmocka_unit_test(signature),
	};

	make_key();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
