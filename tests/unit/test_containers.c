/*
 * test_containers.c -- ClamAV containers built here: .cvd (MD5 checked),
 * .cld (not, as in ClamAV), the .info manifest enforced, and damaged
 * archives refused with a clear code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
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

/* header + gzip(tar) into c; md5_ok 0 writes a wrong digest. */
static void make_cvd(const struct blob *tar, int md5_ok, struct blob *c)
{
	static struct blob gz;
	uint8_t d[16];
	char hex[33], hdr[600];
	unsigned i, dl;

	gzip_blob(tar, &gz);
	EVP_Digest(gz.b, gz.n, d, &dl, EVP_md5(), NULL);
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i] ^ (md5_ok ? 0 : 1));
	snprintf(hdr, sizeof(hdr), "ClamAV-VDB:25 Nov 2026 10-00 +0000:7:2:"
		 "216:%s:nosig:test:1795600000", hex);
	memset(c->b, ' ', 512);
	memcpy(c->b, hdr, strlen(hdr));
	memcpy(c->b + 512, gz.b, gz.n);
	c->n = 512 + gz.n;
}

static int load(const char *name, const struct blob *c, uint64_t *body)
{
	struct vigil_engine_stats s = { .size = sizeof(s) };
	struct vigil_engine *e;
	int rc;

	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	rc = vigil_engine_load_memory(e, name, c->b, c->n);
	if (!rc)
		rc = vigil_engine_compile(e);
	vigil_engine_stats(e, &s);
	*body = s.body + s.hash_md5;
	vigil_engine_free(e);
	return rc;
}

static void good(void **st)
{
	static struct blob tar, cvd;
	uint64_t n;

	(void)st;
	tar.n = 0;
	tar_add(&tar, "COPYING", "licence text\n");
	tar_add(&tar, "test.ndb", "A:0:*:41424344\nB:0:*:45464748\n");
	tar_add(&tar, "test.hdb", "6f5902ac237024bdd0c176cb93063dc4:12:H\n");
	tar.n += 1024;
	make_cvd(&tar, 1, &cvd);
	assert_int_equal(load("t.cvd", &cvd, &n), 0);
	assert_int_equal(n, 3);
	make_cvd(&tar, 0, &cvd);
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

	snprintf(info, sizeof(info), "ClamAV-VDB:x:7:1:216:x:x:x:1\n"
		 "test.ndb:15:%s\nDSIG:none\n", sha256);
	tar.n = 0;
	tar_add(&tar, "test.info", info);
	tar_add(&tar, "test.ndb", "A:0:*:41424344\n");
	tar.n += 1024;
	make_cvd(&tar, 1, &cvd);
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
	struct vigil_engine_stats s = { .size = sizeof(s) };
	struct vigil_engine *e;

	(void)st;
	tar.n = 0;
	tar_add(&tar, "x.ndb", "A:0:*:41424344\n");
	tar_add(&tar, "x.imp", "6f5902ac237024bdd0c176cb93063dc4:1234:Imp\n"
			       "6f5902ac237024bdd0c176cb93063dc5:1235:Imp2\n");
	tar_add(&tar, "x.mdb", "1234:6f5902ac237024bdd0c176cb93063dc4:Sect\n"
			       "1235:6f5902ac237024bdd0c176cb93063dc5:Sect2\n");
	tar.n += 1024;
	make_cvd(&tar, 1, &cvd);
	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	assert_int_equal(vigil_engine_load_memory(e, "x.cvd", cvd.b, cvd.n), 0);
	assert_int_equal(vigil_engine_compile(e), 0);
	vigil_engine_stats(e, &s);
	assert_int_equal(s.body, 1);
	assert_int_equal(s.section_hash, 2);
	assert_int_equal(s.skipped, 2);
	vigil_engine_free(e);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
