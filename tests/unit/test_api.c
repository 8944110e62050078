/*
 * test_api.c -- the public contract: versions, error codes, handle states,
 * limits, all-match, descriptors and special files, streams past the
 * spill size, old (smaller) result structs, newer (larger) option
 * structs, sharing across threads, and no byte read past a buffer's
 * end.
 */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "helpers.h"

static const char two[] = "A:0:*:41414141\nB:0:*:42424242\n";

static void versions(void **st)
{
	int i;

	(void)st;
	assert_string_equal(vigil_version(), VIGIL_VERSION_STRING);
	assert_int_equal(vigil_version_number(), VIGIL_VERSION_NUMBER);
	for (i = 0; i >= VIGIL_ECHANGED; i--)
		assert_string_not_equal(vigil_strerror(i), "unknown error");
	assert_string_equal(vigil_strerror(-1000), "unknown error");
	assert_string_equal(vigil_strerror(5), "unknown error");
	assert_string_equal(vigil_file_type_name(VIGIL_TYPE_PE), "PE");
}

static void states(void **st)
{
	struct vigil_engine_options small = { 4, 0, NULL, NULL, NULL, NULL,
					      NULL };
	struct vigil_engine *e;
	struct vigil_scanner *s;

	(void)st;
	assert_int_equal(vigil_engine_new(&e, &small), VIGIL_EINVAL);
	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	assert_int_equal(vigil_scanner_new(&s, e, NULL), VIGIL_ESTATE);
	assert_int_equal(vigil_engine_compile(e), VIGIL_EEMPTY);
	vigil_engine_free(e);
	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	assert_int_equal(vigil_engine_load(e, "/nonexistent/x.ndb"),
			 VIGIL_ENOENT);
	assert_int_equal(vigil_engine_load_memory(e, "x.txt", "a", 1),
			 VIGIL_EFORMAT);
	assert_int_equal(vigil_engine_load_memory(e, "x.ndb", two,
						  strlen(two)), 0);
	assert_int_equal(vigil_engine_compile(e), 0);
	assert_int_equal(vigil_engine_compile(e), VIGIL_ESTATE);
	assert_int_equal(vigil_engine_load_memory(e, "y.ndb", two,
						  strlen(two)), VIGIL_ESTATE);
	vigil_engine_free(e);
	vigil_engine_free(NULL);
	vigil_scanner_free(NULL);
}

static void self_test(void **st)
{
	/* "self-test" in hex: in the harmless text and page */
	static const char wave[] = "FP.Wave:0:*:73656c662d74657374\n";
	struct vigil_engine *e;
	char name[8];

	(void)st;
	assert_int_equal(vigil_engine_self_test(NULL, name, sizeof(name)),
			 VIGIL_EINVAL);
	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	assert_int_equal(vigil_engine_self_test(e, NULL, 0), VIGIL_ESTATE);
	assert_int_equal(vigil_engine_load_memory(e, "x.ndb", two,
						  strlen(two)), 0);
	assert_int_equal(vigil_engine_compile(e), 0);
	assert_int_equal(vigil_engine_self_test(e, name, sizeof(name)), 0);
	assert_string_equal(name, "");
	vigil_engine_free(e);
	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	assert_int_equal(vigil_engine_load_memory(e, "w.ndb", wave,
						  strlen(wave)), 0);
	assert_int_equal(vigil_engine_compile(e), 0);
	assert_int_equal(vigil_engine_self_test(e, name, sizeof(name)),
			 VIGIL_EFALSEPOS);
	assert_string_equal(name, "FP.Wave");
	vigil_engine_free(e);
}

static void streams(void **st)
{
	struct vigil_engine *e = eng_from("x.ndb", two, 0);
	struct vigil_result r = { .size = sizeof(r) };
	struct vigil_scanner *s;

	(void)st;
	assert_int_equal(vigil_scanner_new(&s, e, NULL), 0);
	assert_int_equal(vigil_scanner_stream_write(s, "a", 1), VIGIL_ESTATE);
	assert_int_equal(vigil_scanner_stream_end(s, &r), VIGIL_ESTATE);
	assert_int_equal(vigil_scanner_stream_begin(s), 0);
	assert_int_equal(vigil_scanner_stream_begin(s), VIGIL_ESTATE);
	assert_int_equal(vigil_scanner_scan_buffer(s, "AAAA", 4, &r),
			 VIGIL_ESTATE);
	assert_int_equal(vigil_scanner_stream_end(s, &r), 0);
	assert_int_equal(r.verdict, VIGIL_VERDICT_CLEAN);
	vigil_scanner_free(s);
	vigil_engine_free(e);
}

/* The type a buffer with text before it is reported as: a PDF header
 * in the first KiB, BinHex's line in the first 4 KiB, only there (the
 * last that fit ending at the limit); and mail's header pairs in the
 * first KiB (ClamAV's rule: each word's first letter in either case). */
static int type_of(struct vigil_scanner *s, size_t pad, const char *what)
{
	struct vigil_result r = { .size = sizeof(r) };
	size_t n = strlen(what);
	char *b = malloc(pad + n + 16);
	int rc;

	assert_non_null(b);
	memset(b, 'x', pad);
	for (size_t i = 79; i < pad; i += 80)
		b[i] = '\n';
	memcpy(b + pad, what, n);
	memcpy(b + pad + n, "\nmore text\n", 11);
	rc = vigil_scanner_scan_buffer(s, b, pad + n + 11, &r);
	free(b);
	assert_int_equal(rc, 0);
	return r.file_type;
}

static void file_types(void **st)
{
	struct vigil_engine *e = eng_from("x.ndb", two, 0);
	struct vigil_scanner *s;
	const char *hqx = "(This file must be converted with BinHex 4.0)";

	(void)st;
	assert_int_equal(vigil_scanner_new(&s, e, NULL), 0);
	assert_int_equal(type_of(s, 0, "%PDF-1.4"), VIGIL_TYPE_PDF);
	assert_int_equal(type_of(s, 1000, "%PDF-1.4"), VIGIL_TYPE_PDF);
	assert_int_equal(type_of(s, 1019, "%PDF-1.4"), VIGIL_TYPE_PDF);
	assert_int_equal(type_of(s, 1020, "%PDF-1.4"), VIGIL_TYPE_TEXT);
	assert_int_equal(type_of(s, 300, "%PDF"), VIGIL_TYPE_TEXT);
	assert_int_equal(type_of(s, 4000, hqx), VIGIL_TYPE_BINHEX);
	assert_int_equal(type_of(s, 4056, hqx), VIGIL_TYPE_BINHEX);
	assert_int_equal(type_of(s, 4060, hqx), VIGIL_TYPE_TEXT);
	assert_int_equal(type_of(s, 100, "(This file must be converted"),
			 VIGIL_TYPE_TEXT);
	assert_int_equal(type_of(s, 10, "\nFrom: a@b\nMIME-Version: 1.0"),
			 VIGIL_TYPE_MAIL);
	assert_int_equal(type_of(s, 10, "\nfrom: a@b\nmIME-version: 1.0"),
			 VIGIL_TYPE_MAIL);
	assert_int_equal(type_of(s, 10, "\nFROM: a@b\nMIME-Version: 1.0"),
			 VIGIL_TYPE_TEXT);
	assert_int_equal(type_of(s, 1030, "\nFrom: a@b\nMIME-Version: 1.0"),
			 VIGIL_TYPE_TEXT);
	vigil_scanner_free(s);
	vigil_engine_free(e);
}

/*
 * The library reads no byte past the length it is given. A compressed
 * Flash file of nine bytes ends inside its zlib header; in memory, what
 * follows it is a deflate stream of a Flash file holding signature A's
 * bytes: if that were inflated, A would be found in it (the fuzzer's
 * finding: the length left after the header went below zero). The file
 * is one the parser gives up on, which is never reported clean.
 */
static void bytes_past_the_end(void **st)
{
	struct vigil_engine *e = eng_from("x.ndb", two, 0);
	uint8_t mem[256] = "CWS\x0a\0\0\0\0\x78\x9c", body[64];
	struct vigil_result r = { .size = sizeof(r) };
	struct vigil_scanner *s;
	z_stream z;

	(void)st;
	memset(body, 'x', sizeof(body));
	memcpy(body + 20, "AAAA", 4);
	mem[4] = 8 + sizeof(body); /* the declared length, little-endian */
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = body;
	z.avail_in = sizeof(body);
	z.next_out = mem + 10; /* past the zlib header's two bytes */
	z.avail_out = sizeof(mem) - 10;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	assert_int_equal(vigil_scanner_new(&s, e, NULL), 0);
	assert_int_equal(vigil_scanner_scan_buffer(s, mem, 10 + z.total_out,
						   &r), 0);
	assert_int_equal(r.verdict, VIGIL_VERDICT_FOUND); /* A, whole */
	assert_int_equal(vigil_scanner_scan_buffer(s, mem, 9, &r), 0);
	assert_int_equal(r.file_type, VIGIL_TYPE_FLASH);
	assert_int_equal(r.verdict, VIGIL_VERDICT_LIMIT); /* gave up, not A */
	assert_string_equal(r.name, "Heuristics.Broken.SWF");
	vigil_scanner_free(s);
	vigil_engine_free(e);
}

/* A match straddling the point where a stream moves to a memfd. */
static void big_stream(void **st)
{
	struct vigil_engine *e = eng_from("x.ndb", two, 0);
	struct vigil_result r = { .size = sizeof(r) };
	struct vigil_scanner *s;
	size_t n = (17u << 20), off, chunk = 100003;
	uint8_t *b = calloc(1, n);

	(void)st;
	memcpy(b + (16u << 20) - 2, "AAAA", 4);
	assert_int_equal(vigil_scanner_new(&s, e, NULL), 0);
	assert_int_equal(vigil_scanner_stream_begin(s), 0);
	for (off = 0; off < n; off += chunk)
		assert_int_equal(vigil_scanner_stream_write(s, b + off,
				 n - off < chunk ? n - off : chunk), 0);
	assert_int_equal(vigil_scanner_stream_end(s, &r), 0);
	assert_int_equal(r.verdict, VIGIL_VERDICT_FOUND);
	assert_int_equal(r.bytes, n);
	vigil_scanner_free(s);
	vigil_engine_free(e);
	free(b);
}

static void limits_and_allmatch(void **st)
{
	struct vigil_engine *e = eng_from("x.ndb", two, 0);
	struct vigil_scan_options o = { .size = sizeof(o),
					.flags = VIGIL_SCAN_ALLMATCH,
					.max_filesize = 8 };
	struct vigil_result r = { .size = sizeof(r) };
	struct vigil_scanner *s;

	(void)st;
	assert_int_equal(vigil_scanner_new(&s, e, &o), 0);
	assert_int_equal(vigil_scanner_scan_buffer(s, "AAAABBBB", 8, &r), 0);
	assert_int_equal(r.verdict, VIGIL_VERDICT_FOUND);
	assert_int_equal(r.detections, 2);
	assert_string_equal(vigil_scanner_detection(s, 0), "A");
	assert_string_equal(vigil_scanner_detection(s, 1), "B");
	assert_null(vigil_scanner_detection(s, 2));
	/* a buffer given is matched whole, past max_filesize too: the limit
	 * is for what containers hold, and for streams (held in memory) */
	assert_int_equal(vigil_scanner_scan_buffer(s, "AAAABBBBC", 9, &r), 0);
	assert_int_equal(r.verdict, VIGIL_VERDICT_FOUND);
	assert_int_equal(r.detections, 2);
	assert_int_equal(vigil_scanner_stream_begin(s), 0);
	assert_int_equal(vigil_scanner_stream_write(s, "AAAAB", 5), 0);
	assert_int_equal(vigil_scanner_stream_write(s, "BBBB", 4), 0);
	assert_int_equal(vigil_scanner_stream_end(s, &r), 0);
	assert_int_equal(r.verdict, VIGIL_VERDICT_LIMIT);
	vigil_scanner_free(s);
	vigil_engine_free(e);
}

/* A limit is never clean: neither an ignore list nor an allowlist hides it. */
static void limits_not_hidden(void **st)
{
	static const char ign[] = "Heuristics.Limits.Exceeded.MaxFileSize\n";
	static const char fp[] = "f2632dba1220b19252db092c773bb8a6:9:X\n";
	struct vigil_scan_options o = { .size = sizeof(o), .max_filesize = 8 };
	struct vigil_result r = { .size = sizeof(r) };
	struct vigil_scanner *s;
	struct vigil_engine *e;

	(void)st;
	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	assert_int_equal(vigil_engine_load_memory(e, "x.ndb", two, strlen(two)),
			 0);
	assert_int_equal(vigil_engine_load_memory(e, "x.ign2", ign,
						  strlen(ign)), 0);
	assert_int_equal(vigil_engine_load_memory(e, "x.fp", fp, strlen(fp)), 0);
	assert_int_equal(vigil_engine_compile(e), 0);
	assert_int_equal(vigil_scanner_new(&s, e, &o), 0);
	/* matched whole, then allowlisted by its hash: no limit to hide */
	assert_int_equal(vigil_scanner_scan_buffer(s, "abcdAAAAB", 9, &r), 0);
	assert_int_equal(r.verdict, VIGIL_VERDICT_CLEAN);
	assert_int_equal(vigil_scanner_stream_begin(s), 0);
	assert_int_equal(vigil_scanner_stream_write(s, "abcdAAAAB", 9), 0);
	assert_int_equal(vigil_scanner_stream_end(s, &r), 0);
	assert_int_equal(r.verdict, VIGIL_VERDICT_LIMIT);
	assert_string_equal(r.name, "Heuristics.Limits.Exceeded.MaxFileSize");
	vigil_scanner_free(s);
	vigil_engine_free(e);
}

/* A caller built against a header whose result ended at .name. */
static void old_result(void **st)
{
	struct vigil_engine *e = eng_from("x.ndb", two, 0);
	struct {
		struct vigil_result r;
		uint64_t guard;
	} x;
	struct vigil_scanner *s;

	(void)st;
	memset(&x, 0xab, sizeof(x));
	x.r.size = offsetof(struct vigil_result, detections);
	assert_int_equal(vigil_scanner_new(&s, e, NULL), 0);
	assert_int_equal(vigil_scanner_scan_buffer(s, "AAAA", 4, &x.r), 0);
	assert_int_equal(x.r.verdict, VIGIL_VERDICT_FOUND);
	assert_int_equal(x.r.detections, 0xabababab); /* untouched */
	vigil_scanner_free(s);
	vigil_engine_free(e);
}

/* A caller built against a newer header: a larger option struct passes
 * while the fields this library does not know are zero, and is refused
 * once one is set, instead of being silently ignored. */
static void newer_options(void **st)
{
	struct vigil_engine *e = eng_from("x.ndb", two, 0), *e2;
	struct vigil_scanner *s;
	struct {
		struct vigil_scan_options o;
		uint64_t newer_limit;
	} so;
	struct {
		struct vigil_engine_options o;
		uint32_t newer_flags;
	} eo;

	(void)st;
	memset(&so, 0, sizeof(so));
	so.o.size = sizeof(so);
	so.o.max_depth = 3;
	assert_int_equal(vigil_scanner_new(&s, e, &so.o), 0);
	vigil_scanner_free(s);
	so.newer_limit = 1;
	assert_int_equal(vigil_scanner_new(&s, e, &so.o), VIGIL_EINVAL);
	assert_null(s);
	memset(&eo, 0, sizeof(eo));
	eo.o.size = sizeof(eo);
	assert_int_equal(vigil_engine_new(&e2, &eo.o), 0);
	vigil_engine_free(e2);
	eo.newer_flags = 0x10;
	assert_int_equal(vigil_engine_new(&e2, &eo.o), VIGIL_EINVAL);
	assert_null(e2);
	vigil_engine_free(e);
}

/* Helper threads: more than VIGIL_MAX_SCAN_THREADS is refused; a scanner
 * with helpers gives what one without gives (they start only at an
 * archive of 1 MiB or more: a buffer of 2 MiB that is none starts none,
 * and the scanner is freed with none running). */
static void helper_threads(void **st)
{
	struct vigil_engine *e = eng_from("x.ndb", two, 0);
	struct vigil_scan_options so = { .size = sizeof(so), .threads = 2 };
	struct vigil_result r1 = { .size = sizeof(r1) }, r2 = r1;
	struct vigil_scanner *s1, *s2;
	size_t len = 2u << 20;
	char *buf = calloc(1, len);

	(void)st;
	assert_non_null(buf);
	memcpy(buf + len - 8, "xxBBBBxx", 8);
	so.threads = VIGIL_MAX_SCAN_THREADS + 1;
	assert_int_equal(vigil_scanner_new(&s2, e, &so), VIGIL_EINVAL);
	so.threads = 2;
	assert_int_equal(vigil_scanner_new(&s1, e, NULL), 0);
	assert_int_equal(vigil_scanner_new(&s2, e, &so), 0);
	assert_int_equal(vigil_scanner_scan_buffer(s1, buf, len, &r1), 0);
	assert_int_equal(vigil_scanner_scan_buffer(s2, buf, len, &r2), 0);
	assert_int_equal(r2.verdict, VIGIL_VERDICT_FOUND);
	assert_string_equal(r2.name, r1.name);
	assert_int_equal(r2.objects, r1.objects);
	vigil_scanner_free(s2);
	vigil_scanner_free(s1);
	vigil_engine_free(e);
	free(buf);
}

/* A file is read whole from its start, wherever its offset stands (one
 * just written), and the scanner's buffer kept for the next file shows
 * nothing of the last one: a shorter file after it is clean. */
static void regular_files(struct vigil_scanner *s, const char *dir)
{
	struct vigil_result r = { .size = sizeof(r) };
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "xxAAAAxx", 8), 8);
	assert_int_equal(vigil_scanner_scan_fd(s, fd, &r), 0);
	assert_int_equal(r.verdict, VIGIL_VERDICT_FOUND);
	assert_int_equal(ftruncate(fd, 4), 0);
	assert_int_equal(vigil_scanner_scan_fd(s, fd, &r), 0);
	assert_int_equal(r.verdict, VIGIL_VERDICT_CLEAN);
	close(fd);
	unlink(path);
}

static void descriptors(void **st)
{
	struct vigil_engine *e = eng_from("x.ndb", two, 0);
	struct vigil_result r = { .size = sizeof(r) };
	struct vigil_scanner *s;
	char dir[] = "/tmp/vigil-api-XXXXXX", fifo[64];
	int p[2];

	(void)st;
	assert_int_equal(vigil_scanner_new(&s, e, NULL), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "xxAAAAxx", 8), 8);
	close(p[1]);
	assert_int_equal(vigil_scanner_scan_fd(s, p[0], &r), 0);
	assert_int_equal(r.verdict, VIGIL_VERDICT_FOUND);
	close(p[0]);
	assert_non_null(mkdtemp(dir));
	regular_files(s, dir);
	assert_int_equal(vigil_scanner_scan_path(s, dir, &r), VIGIL_ETYPE);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* a fifo nobody writes to must not hang the scan */
	assert_int_equal(vigil_scanner_scan_path(s, fifo, &r), VIGIL_ETYPE);
	assert_int_equal(vigil_scanner_scan_path(s, "/nonexistent", &r),
			 VIGIL_ENOENT);
	unlink(fifo);
	rmdir(dir);
	vigil_scanner_free(s);
	vigil_engine_free(e);
}

/* A sparse file's holes read as zeros (mapped apart from its data): a
 * signature across the edge from data into a hole, and one in data after
 * a hole, are found; the descriptor's offset is where it was. */
static void sparse_files(void **st)
{
	struct vigil_engine *e =
		eng_from("x.ndb", "Edge:0:*:4141414100000000\n"
				  "After:0:*:0000000042424242\n", 0);
	struct vigil_result r = { .size = sizeof(r) };
	const off_t mib = 1 << 20;
	char path[] = "/tmp/vigil-api-sparse-XXXXXX";
	struct vigil_scanner *s;
	struct vigil_scan_options o = { .size = sizeof(o),
					  .flags = VIGIL_SCAN_ALLMATCH };
	int fd = mkstemp(path);

	(void)st;
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(vigil_scanner_new(&s, e, &o), 0);
	assert_int_equal(ftruncate(fd, 256 * mib), 0);
	assert_int_equal(pwrite(fd, "AAAA", 4, 128 * mib - 4), 4);
	assert_int_equal(pwrite(fd, "BBBB", 4, 200 * mib), 4);
	assert_int_equal(lseek(fd, 12345, SEEK_SET), 12345);
	assert_int_equal(vigil_scanner_scan_fd(s, fd, &r), 0);
	assert_int_equal(r.verdict, VIGIL_VERDICT_FOUND);
	assert_int_equal(r.detections, 2);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 12345);
	close(fd);
	vigil_scanner_free(s);
	vigil_engine_free(e);
}

static void *scan_many(void *arg)
{
	struct vigil_scanner *s;
	struct vigil_result r = { .size = sizeof(r) };
	long found = 0, i;

	if (vigil_scanner_new(&s, arg, NULL) < 0)
		return (void *)-1L;
	for (i = 0; i < 2000; i++) {
		const char *b = (i % 2) ? "..BBBB.." : "........";

		if (vigil_scanner_scan_buffer(s, b, 8, &r) == 0 &&
		    r.verdict == VIGIL_VERDICT_FOUND)
			found++;
	}
	vigil_scanner_free(s);
	return (void *)found;
}

static void threads(void **st)
{
	struct vigil_engine *e = eng_from("x.ndb", two, 0);
	pthread_t t[4];
	void *res;
	int i;

	(void)st;
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, scan_many, e), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &res), 0);
		assert_int_equal((long)res, 1000);
	}
	vigil_engine_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(versions),   cmocka_unit_test(states),
		cmocka_unit_test(streams),    cmocka_unit_test(big_stream),
		cmocka_unit_test(file_types), cmocka_unit_test(bytes_past_the_end),
		cmocka_unit_test(limits_and_allmatch),
		cmocka_unit_test(limits_not_hidden),
		cmocka_unit_test(old_result), cmocka_unit_test(newer_options),
		cmocka_unit_test(descriptors), cmocka_unit_test(helper_threads),
		cmocka_unit_test(sparse_files),
		cmocka_unit_test(threads), cmocka_unit_test(self_test),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
