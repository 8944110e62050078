/*
 * test_hash.c -- hash signatures (MD5, SHA-1, SHA-256; sizes and '*'),
 * allowlists (.fp .sfp) and ignore lists (.ign2 .ign); the digests
 * computed together, in turns, the same as each alone; the MD5 of many
 * buffers at once the same as of each alone, and scans of many files
 * (read ahead, hashed together; pages' forms made and hashed with them)
 * the same as of each alone; the interpolating search over the records
 * and sizes the same as a look at each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/digest.h"
#include "core/htmlnorm.h"
#include "core/md5many.h"
#include "match/hashset.h"
#include "core/sha256many.h"
#include "helpers.h"

#define F VIGIL_VERDICT_FOUND
#define C VIGIL_VERDICT_CLEAN

/* Digests of "hello world\n" (12 bytes). */
#define MD5 "6f5902ac237024bdd0c176cb93063dc4"
#define SHA1 "22596363b3de40b06f981fb85d82312e8c0ed511"
#define SHA256 "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447"
static const char data[] = "hello world\n";

static struct vigil_engine *multi(const char *const *names,
				  const char *const *texts, size_t n)
{
	struct vigil_engine *e;
	size_t i;

	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(vigil_engine_load_memory(e, names[i], texts[i],
							  strlen(texts[i])), 0);
	assert_int_equal(vigil_engine_compile(e), 0);
	return e;
}

static int one(const char *name, const char *text, char *out, size_t cap)
{
	struct vigil_engine *e = eng_from(name, text, 0);
	int v;

	if (!e)
		fail_msg("did not load: %s", text);
	v = scan_all_ways(e, data, sizeof(data) - 1, out, cap);
	vigil_engine_free(e);
	return v;
}

static void algorithms(void **st)
{
	char n[64];

	(void)st;
	assert_int_equal(one("t.hdb", MD5 ":12:Md5Sig\n", n, sizeof(n)), F);
	assert_string_equal(n, "Md5Sig");
	assert_int_equal(one("t.hsb", SHA1 ":12:Sha1Sig\n", n, sizeof(n)), F);
	assert_string_equal(n, "Sha1Sig");
	assert_int_equal(one("t.hsb", SHA256 ":12:Sha256Sig\n", n, sizeof(n)),
			 F);
	assert_string_equal(n, "Sha256Sig");
	/* the algorithm follows the digest's length, in either file */
	assert_int_equal(one("t.hdb", SHA256 ":12:S\n", n, sizeof(n)), F);
	assert_int_equal(one("t.hdb", "6F5902AC237024BDD0C176CB93063DC4:12:U\n",
			     n, sizeof(n)), F);
}

/* Every algorithm at once (they take turns, a block each) gives what each
 * gives alone (in one sweep), at lengths around the 64-byte block. */
static void digests_together(void **st)
{
	static const size_t lens[] = { 0, 1, 55, 56, 63, 64, 65, 127, 128,
				       1000, 65536 + 17, 200003 };
	static uint8_t buf[200003];
	unsigned all = (1u << HASH_NALGO) - 1;

	(void)st;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	for (size_t i = 0; i < sizeof(lens) / sizeof(*lens); i++) {
		struct digests both = { 0 };

		assert_int_equal(digest_compute(buf, lens[i], all, &both), 0);
		assert_int_equal(both.have, all);
		for (int a = 0; a < HASH_NALGO; a++) {
			struct digests one = { 0 };

			assert_int_equal(digest_compute(buf, lens[i], 1u << a,
							&one), 0);
			assert_int_equal(one.have, 1u << a);
			assert_memory_equal(one.d[a], both.d[a],
					    HASH_MAX_DIGEST);
		}
	}
}

static void sizes(void **st)
{
	(void)st;
	assert_int_equal(one("t.hdb", MD5 ":13:Wrong\n", NULL, 0), C);
	assert_int_equal(one("t.hdb", MD5 ":*:Any:73\n", NULL, 0), F);
	assert_int_equal(one("t.hsb", SHA256 ":*:Any:73\n", NULL, 0), F);
	/* a wrong digest of the right size */
	assert_int_equal(one("t.hdb",
			     "6f5902ac237024bdd0c176cb93063dc5:12:N\n", NULL,
			     0), C);
	/* '*' without functionality level 73 is malformed */
	assert_int_equal(skipped_lines("t.hdb", MD5 ":*:Any\n"), 1);
	assert_int_equal(skipped_lines("t.hdb", "abc:12:Short\n"), 1);
	assert_int_equal(skipped_lines("t.hdb", MD5 ":x:Bad\n"), 1);
	assert_int_equal(skipped_lines("t.hdb", MD5 ":12:\n"), 1);
	assert_int_equal(skipped_lines("t.hdb", MD5 ":12:Future:999\n"), 1);
}

static void allowlist(void **st)
{
	static const char *const names[] = { "t.hdb", "t.ndb", "a.fp" };
	static const char *const texts[] = { MD5 ":12:H\n",
					     "B:0:*:776f726c64\n",
					     MD5 ":12:Allowed\n" };
	static const char *const texts2[] = { MD5 ":12:H\n",
					      "B:0:*:776f726c64\n",
					      SHA256 ":12:Allowed\n" };
	static const char *const names2[] = { "t.hdb", "t.ndb", "a.sfp" };
	struct vigil_engine *e;

	(void)st;
	e = multi(names, texts, 3);
	assert_int_equal(scan_all_ways(e, data, sizeof(data) - 1, NULL, 0), C);
	assert_int_equal(scan_all_ways(e, "a world", 7, NULL, 0), F);
	vigil_engine_free(e);
	e = multi(names2, texts2, 3);
	assert_int_equal(scan_all_ways(e, data, sizeof(data) - 1, NULL, 0), C);
	vigil_engine_free(e);
}

static void ignore(void **st)
{
	static const char *const n1[] = { "x.ign2", "t.hdb", "t.ndb" };
	static const char *const t1[] = { "H\n", MD5 ":12:H\n",
					  "B:0:*:776f726c64\n" };
	static const char *const t2[] = { "B\nH:" MD5 "\n", MD5 ":12:H\n",
					  "B:0:*:776f726c64\n" };
	static const char *const n3[] = { "x.ign", "t.ndb" };
	static const char *const t3[] = { "daily.ndb:1:B\n",
					  "B:0:*:776f726c64\nZ:0:*:7a7a7a7a\n" };
	char n[32];
	struct vigil_engine *e;

	(void)st;
	e = multi(n1, t1, 3); /* H ignored by name: B remains */
	assert_int_equal(scan_all_ways(e, data, sizeof(data) - 1, n,
				       sizeof(n)), F);
	assert_string_equal(n, "B");
	vigil_engine_free(e);
	/* B by name; H only if its line has this MD5, which it has not */
	e = multi(n1, t2, 3);
	assert_int_equal(scan_all_ways(e, data, sizeof(data) - 1, n,
				       sizeof(n)), F);
	assert_string_equal(n, "H");
	vigil_engine_free(e);
	e = multi(n3, t3, 2);
	assert_int_equal(scan_all_ways(e, data, sizeof(data) - 1, NULL, 0), C);
	vigil_engine_free(e);
}

static void ignore_by_line_digest(void **st)
{
	/* MD5 of the line "B:0:*:776f726c64" */
	static const char *const n[] = { "x.ign2", "t.ndb" };
	static const char *const t[] = { "B:925cf4f755da60736ce06f0aa03c279a\n",
					 "B:0:*:776f726c64\n" };
	struct vigil_engine_stats s = { .size = sizeof(s) };
	struct vigil_engine *e;

	(void)st;
	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	assert_int_equal(vigil_engine_load_memory(e, n[0], t[0],
						  strlen(t[0])), 0);
	assert_int_equal(vigil_engine_load_memory(e, n[1], t[1],
						  strlen(t[1])), 0);
	/* nothing left to detect with: the database is empty */
	assert_int_equal(vigil_engine_compile(e), VIGIL_EEMPTY);
	vigil_engine_stats(e, &s);
	assert_int_equal(s.body, 0);
	vigil_engine_free(e);
}

/* The digests of many buffers at once, each as OpenSSL gives it alone:
 * the lengths where the padding takes one block or two, none, one byte,
 * a megabyte, more buffers than lanes (so that lanes take new ones as
 * they finish), one alone, and batches where one buffer is so much longer
 * than the rest that it is left to OpenSSL. The suite runs this again
 * without AVX-512. */
enum { MANY = 40 };

static void many_of(int sha, size_t n, const uint8_t *const *buf,
		    const size_t *len)
{
	uint8_t (*o16)[16] = calloc(MANY, 16), (*o32)[32] = calloc(MANY, 32);
	uint8_t want[32];

	assert_non_null(o16);
	assert_non_null(o32);
	if (sha)
		assert_int_equal(sha256_many(buf, len, n, o32), 0);
	else
		assert_int_equal(md5_many(buf, len, n, o16), 0);
	for (size_t i = 0; i < n; i++) {
		unsigned olen;

		assert_true(EVP_Digest(buf[i] ? buf[i] : (const uint8_t *)"",
				       len[i], want, &olen,
				       sha ? EVP_sha256() : EVP_md5(), NULL));
		assert_memory_equal(sha ? o32[i] : o16[i], want, olen);
	}
	free(o16);
	free(o32);
}

static void digests_of_many(void **st)
{
	static const size_t edge[] = { 0, 1, 55, 56, 57, 63, 64, 65, 119,
				       120, 127, 128, 129, 1u << 20 };
	const uint8_t *buf[MANY];
	size_t len[MANY], i, k;
	uint8_t *mem[MANY];

	(void)st;
	srand(5);
	for (i = 0; i < MANY; i++) {
		len[i] = i < sizeof(edge) / sizeof(*edge) ? edge[i] :
							    (size_t)rand() % 5000;
		mem[i] = malloc(len[i] + 1);
		assert_non_null(mem[i]);
		for (k = 0; k < len[i]; k++)
			mem[i][k] = (uint8_t)rand();
		buf[i] = len[i] ? mem[i] : NULL;
	}
	for (int sha = 0; sha < 2; sha++) {
		for (size_t n = 0; n <= MANY; n += n < 2 ? 1 : MANY - 2)
			many_of(sha, n, buf, len);
		/* the megabyte with ten short ones, and with the 26 after */
		many_of(sha, 11, buf + 13, len + 13);
		many_of(sha, MANY - 13, buf + 13, len + 13);
	}
	for (i = 0; i < MANY; i++)
		free(mem[i]);
}

/* Files of a batch scan: their paths, and what each scan gave. */
#define NPATHS 300 /* more than SCANNER_BATCH_FILES */
struct told {
	int rc[NPATHS], verdict[NPATHS];
	char name[NPATHS][32];
	size_t calls, stop_at;
};

static int on_path(void *ctx, size_t i, int rc, const struct vigil_result *r)
{
	struct told *t = ctx;

	assert_true(i == t->calls && i < NPATHS);
	t->calls++;
	t->rc[i] = rc;
	t->verdict[i] = r ? r->verdict : -1;
	snprintf(t->name[i], sizeof(t->name[i]), "%s", r && r->name ? r->name :
							       "");
	return i == t->stop_at;
}

/* A file of len bytes (a pattern from seed) at path; its MD5 and
 * SHA-256 in hex. */
static void file_of(const char *path, size_t len, unsigned seed,
		    char md5[33], char sha[65])
{
	uint8_t *b = malloc(len + 1), d[32];
	unsigned dl;
	FILE *f = fopen(path, "wb");

	assert_non_null(b);
	assert_non_null(f);
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 9));
	assert_int_equal(fwrite(b, 1, len, f), len);
	fclose(f);
	EVP_Digest(b, len, d, &dl, EVP_md5(), NULL);
	for (unsigned i = 0; i < 16; i++)
		sprintf(md5 + 2 * i, "%02x", d[i]);
	EVP_Digest(b, len, d, &dl, EVP_sha256(), NULL);
	for (unsigned i = 0; i < 32; i++)
		sprintf(sha + 2 * i, "%02x", d[i]);
	free(b);
}

/* vigil_scanner_scan_paths: each file's result as
 * vigil_scanner_scan_path's, over more files than a batch reads ahead
 * (and more bytes), those found by MD5 (read ahead, and one too big for
 * that) and by SHA-256, a directory, a missing file, an empty one; and
 * fn stops it. */
static void paths_batched(void **st)
{
	static char paths[NPATHS][64], hdb[4096], hsb[1024];
	const char *names[2] = { "x.hdb", "x.hsb" }, *texts[2] = { hdb, hsb };
	const char *pp[NPATHS];
	char dir[] = "/tmp/vigil-batch-XXXXXX", md5[33], sha[65];
	static struct told t, one;
	struct vigil_engine *e;
	struct vigil_scanner *s;
	size_t i, found = 0, planted = 0;

	(void)st;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < NPATHS; i++) {
		size_t len = i == 70 ? (1u << 20) + 10 : i == 71 ? 0 :
			     i >= 40 && i < 60 ? 900000 + i : /* past 16 MiB */
			     100 + (i * 7919) % 30000;

		snprintf(paths[i], sizeof(paths[i]), "%s/f%zu", dir, i);
		pp[i] = paths[i];
		if (i == 72 || i == 73)
			continue; /* 72 missing, 73 a directory */
		file_of(paths[i], len, (unsigned)i, md5, sha);
		if (i % 9 == 3 || i == 70) {
			snprintf(hdb + strlen(hdb), sizeof(hdb) - strlen(hdb),
				 "%s:%zu:Md5.F%zu\n", md5, len, i);
			planted++;
		}
		if (i == 20) {
			snprintf(hsb, sizeof(hsb), "%s:%zu:Sha.F%zu\n", sha,
				 len, i);
			planted++;
		}
	}
	assert_int_equal(mkdir(paths[73], 0700), 0);
	e = multi(names, texts, 2);
	assert_int_equal(vigil_scanner_new(&s, e, NULL), 0);
	t.stop_at = SIZE_MAX;
	assert_int_equal(vigil_scanner_scan_paths(s, pp, NPATHS, on_path, &t), 0);
	assert_int_equal(t.calls, NPATHS);
	for (i = 0; i < NPATHS; i++) {
		struct vigil_result r = { .size = sizeof(r) };
		int rc = vigil_scanner_scan_path(s, pp[i], &r);

		assert_int_equal(t.rc[i], rc);
		if (!rc) {
			assert_int_equal(t.verdict[i], r.verdict);
			assert_string_equal(t.name[i], r.name ? r.name : "");
			found += r.verdict == VIGIL_VERDICT_FOUND;
		}
	}
	assert_int_equal(found, planted); /* 3, 12 .. 12 + 9k; 70; 20 */
	assert_int_equal(planted, (NPATHS + 5) / 9 + 2);
	assert_string_equal(t.name[70], "Md5.F70");
	assert_string_equal(t.name[20], "Sha.F20");
	assert_int_equal(t.rc[72], VIGIL_ENOENT);
	assert_int_equal(t.rc[73], VIGIL_ETYPE);
	one.stop_at = 5;
	assert_int_equal(vigil_scanner_scan_paths(s, pp, NPATHS, on_path, &one),
			 0);
	assert_int_equal(one.calls, 6);
	assert_int_equal(vigil_scanner_scan_paths(s, NULL, 1, on_path, &one),
			 VIGIL_EINVAL);
	vigil_scanner_free(s);
	vigil_engine_free(e);
	for (i = 0; i < NPATHS; i++)
		i == 73 ? rmdir(paths[i]) : unlink(paths[i]);
	rmdir(dir);
}

static int by_record(const void *a, const void *b)
{
	int c = memcmp((const uint8_t *)a + 12, (const uint8_t *)b + 12, 16);
	uint64_t x, y;

	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	return c ? c : x < y ? -1 : x > y;
}

static int by_size(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* hashset_find and hashset_size_wanted over records spread evenly, in
 * clusters sharing their first eight bytes (where interpolation guesses
 * badly and halving must finish), one digest at several sizes, and sizes
 * crowded at the small end: each record found with its size and name,
 * nothing found at a size it does not have or for a digest not there, and
 * each size wanted exactly where a linear look finds it. */
static void hashset_search(void **st)
{
	enum { N = 20000, STRIDE = 12 + 16 };
	static uint8_t recs[N * STRIDE];
	static uint64_t sizes[N];
	static const char strings[] = "\0Name.A\0Name.B";
	struct vdb_view v = { 0 };
	uint64_t x = 88172645463325252ull;
	size_t ns = 0;

	(void)st;
	for (size_t i = 0; i < N; i++) {
		uint8_t *r = recs + i * STRIDE;
		uint64_t size = i % 7 ? 1 + (i * i) % 5000 : 100000 + i;
		uint32_t name = i % 2 ? 1 : 8;

		for (int b = 0; b < 16; b++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			r[12 + b] = (uint8_t)x;
		}
		if (i % 10 == 3) /* a cluster: the same first eight bytes */
			memset(r + 12, 0x5a, 8);
		if (i % 1000 == 999) /* the digest before, at another size */
			memcpy(r + 12, r - STRIDE + 12, 16);
		memcpy(r, &size, 8);
		memcpy(r + 8, &name, 4);
	}
	qsort(recs, N, STRIDE, by_record);
	for (size_t i = 0; i < N; i++) {
		uint64_t size;

		memcpy(&size, recs + i * STRIDE, 8);
		sizes[ns++] = size;
	}
	qsort(sizes, ns, 8, by_size);
	for (size_t i = 1, k = 1; i < N; i++) /* unique */
		if (sizes[i] != sizes[k - 1])
			sizes[k++] = sizes[i], ns = k;
	v.strings = strings;
	v.strings_len = sizeof(strings);
	v.hash[HT_FILE + HASH_MD5] = recs;
	v.nhash[HT_FILE + HASH_MD5] = N;
	v.sizes[HT_FILE + HASH_MD5] = sizes;
	v.nsizes[HT_FILE + HASH_MD5] = ns;
	for (size_t i = 0; i < N; i++) {
		const uint8_t *r = recs + i * STRIDE;
		uint64_t size;
		uint32_t name;
		const char *got;

		memcpy(&size, r, 8);
		memcpy(&name, r + 8, 4);
		got = hashset_find(&v, HT_FILE + HASH_MD5, r + 12, size);
		assert_non_null(got);
		if (!(i && !memcmp(r + 12, r - STRIDE + 12, 16)))
			assert_string_equal(got, strings + name);
		assert_null(hashset_find(&v, HT_FILE + HASH_MD5, r + 12,
					 size + 200000));
	}
	for (uint64_t size = 0; size < 6000; size++) {
		int linear = 0;

		for (size_t k = 0; k < ns; k++)
			linear |= sizes[k] == size;
		assert_int_equal(hashset_size_wanted(&v, HT_FILE + HASH_MD5,
						     size), linear);
	}
	for (size_t k = 0; k < ns; k++)
		assert_true(hashset_size_wanted(&v, HT_FILE + HASH_MD5,
						sizes[k]));
	for (int b = 0; b < 2; b++) { /* digests past either end */
		uint8_t none[16];

		memset(none, b ? 0xff : 0, sizeof(none));
		assert_null(hashset_find(&v, HT_FILE + HASH_MD5, none, 1));
	}
}

/* A page of about len bytes at path (words, tags, references and line
 * ends from seed); the MD5 of its tags form and the SHA-256 of its text
 * form in hex. */
static void page_of(const char *path, size_t len, unsigned seed,
		    char md5[33], char sha[65])
{
	static const char *const bits[] = {
		"Word ", "other ", "<b>Bold</b> ", "&amp; ", "\n", "<a href=x>",
		"</a> ", "<!-- c --> ", "TEXT ", "&#x41; ", "  ", "<p>\n",
	};
	struct vbuf page = { 0 }, tags = { 0 }, text = { 0 };
	uint8_t d[32];
	unsigned dl, x = seed;
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(vbuf_append(&page, "<html><body>", 12), 0);
	while (page.len < len) {
		x = x * 1103515245u + 12345u;
		assert_int_equal(vbuf_append(&page, bits[(x >> 16) % 12],
					     strlen(bits[(x >> 16) % 12])), 0);
	}
	assert_int_equal(fwrite(page.data, 1, page.len, f), page.len);
	fclose(f);
	assert_int_equal(htmlnorm(page.data, page.len, &tags, &text), 0);
	EVP_Digest(tags.data, tags.len, d, &dl, EVP_md5(), NULL);
	for (unsigned i = 0; i < 16; i++)
		sprintf(md5 + 2 * i, "%02x", d[i]);
	EVP_Digest(text.data, text.len, d, &dl, EVP_sha256(), NULL);
	for (unsigned i = 0; i < 32; i++)
		sprintf(sha + 2 * i, "%02x", d[i]);
	vbuf_free(&page);
	vbuf_free(&tags);
	vbuf_free(&text);
}

/* Pages scanned in batches, their forms made and hashed ahead (more of
 * them than a batch makes ahead: the rest make theirs at their turn),
 * found by the MD5 of their tags form and the SHA-256 of their text form
 * as each scanned alone is. */
static void pages_batched(void **st)
{
	enum { NPAGES = 40 };
	static char paths[NPAGES][64], hdb[8192], hsb[8192];
	const char *names[2] = { "p.hdb", "p.hsb" }, *texts[2] = { hdb, hsb };
	const char *pp[NPAGES];
	char dir[] = "/tmp/vigil-pages-XXXXXX", md5[33], sha[65];
	static struct told t;
	struct vigil_engine *e;
	struct vigil_scanner *s;
	size_t i, found = 0;

	(void)st;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < NPAGES; i++) {
		size_t len = i < 14 ? 900000 + i * 1000 : 3000 + i * 4099;
		size_t n;

		snprintf(paths[i], sizeof(paths[i]), "%s/p%zu.html", dir, i);
		pp[i] = paths[i];
		page_of(paths[i], len, (unsigned)i, md5, sha);
		if (i % 3 == 0) {
			n = strlen(hdb);
			snprintf(hdb + n, sizeof(hdb) - n, "%s:*:Tags.P%zu:73\n",
				 md5, i);
		}
		if (i % 3 == 1) {
			n = strlen(hsb);
			snprintf(hsb + n, sizeof(hsb) - n, "%s:*:Text.P%zu:73\n",
				 sha, i);
		}
	}
	e = multi(names, texts, 2);
	assert_int_equal(vigil_scanner_new(&s, e, NULL), 0);
	t.stop_at = SIZE_MAX;
	assert_int_equal(vigil_scanner_scan_paths(s, pp, NPAGES, on_path, &t),
			 0);
	for (i = 0; i < NPAGES; i++) {
		struct vigil_result r = { .size = sizeof(r) };
		char want[32] = "";

		assert_int_equal(vigil_scanner_scan_path(s, pp[i], &r), 0);
		assert_int_equal(t.rc[i], 0);
		assert_int_equal(t.verdict[i], r.verdict);
		assert_string_equal(t.name[i], r.name ? r.name : "");
		if (i % 3 != 2)
			snprintf(want, sizeof(want), "%s.P%zu",
				 i % 3 ? "Text" : "Tags", i);
		assert_string_equal(t.name[i], want);
		found += r.verdict == VIGIL_VERDICT_FOUND;
		unlink(paths[i]);
	}
	assert_int_equal(found, NPAGES - NPAGES / 3);
	vigil_scanner_free(s);
	vigil_engine_free(e);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(algorithms), cmocka_unit_test(digests_together),
		cmocka_unit_test(sizes),
		cmocka_unit_test(allowlist), cmocka_unit_test(ignore),
		cmocka_unit_test(ignore_by_line_digest),
		cmocka_unit_test(digests_of_many),
		cmocka_unit_test(paths_batched),
		cmocka_unit_test(pages_batched),
		cmocka_unit_test(hashset_search),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
