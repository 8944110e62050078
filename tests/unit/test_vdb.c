/*
 * test_vdb.c -- compiled databases: save and load give the same verdicts,
 * and damaged files (flipped byte, truncation, wrong magic or version,
 * a record pointing outside, with a valid checksum) are refused cleanly;
 * a database file that left the page cache is read back whole ahead of
 * the lookups; pages a load read are handed back; a file loaded while too
 * new to stamp as checked is stamped once it settles, unless it changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>
#include <cmocka.h>
#include <dirent.h>

#include "db/vdb_format.h"
#include "util/fileio.h"
#include "helpers.h"

static const char sigs[] =
	"N:0:*:41424344\n"
	"E:0:EOF-4:45454545\n";
static const char lsig[] = "L;Target:0;0&1;58585858;59595959\n";

static char path[64];
static uint8_t *img;
static size_t img_len;

/* e compiled, saved to a new file named after tmpl ("...XXXXXX.vdb", left
 * for the caller to unlink) and freed; the file's bytes, malloc'd. */
static uint8_t *saved(struct vigil_engine *e, char *tmpl, size_t *len)
{
	uint8_t *b;
	FILE *f;
	int fd;

	assert_int_equal(vigil_engine_compile(e), 0);
	assert_true((fd = mkstemps(tmpl, 4)) >= 0);
	close(fd);
	assert_int_equal(vigil_engine_save(e, tmpl), 0);
	vigil_engine_free(e);
	assert_non_null(f = fopen(tmpl, "rb"));
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	assert_non_null(b = malloc(*len ? *len : 1));
	assert_int_equal(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

static int setup(void **st)
{
	struct vigil_engine *e;

	(void)st;
	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	assert_int_equal(vigil_engine_load_memory(e, "a.ndb", sigs,
						  strlen(sigs)), 0);
	assert_int_equal(vigil_engine_load_memory(e, "b.ldb", lsig,
						  strlen(lsig)), 0);
	snprintf(path, sizeof(path), "/tmp/vigil-test-XXXXXX.vdb");
	img = saved(e, path, &img_len);
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	unlink(path);
	free(img);
	return 0;
}

static int load_image(const uint8_t *b, size_t n)
{
	struct vigil_engine *e;
	int rc;

	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	rc = vigil_engine_load_memory(e, "x.vdb", b, n);
	if (!rc)
		rc = vigil_engine_compile(e);
	vigil_engine_free(e);
	return rc;
}

static void roundtrip(void **st)
{
	struct vigil_engine *e;
	struct vigil_engine_stats s = { .size = sizeof(s) };
	struct vigil_db_info info = { .size = sizeof(info) };

	(void)st;
	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	assert_int_equal(vigil_engine_load(e, path), 0);
	assert_int_equal(vigil_engine_compile(e), 0);
	vigil_engine_stats(e, &s);
	assert_int_equal(s.body, 2);
	assert_int_equal(s.logical, 1);
	assert_int_equal(scan_all_ways(e, "xABCDx", 6, NULL, 0),
			 VIGIL_VERDICT_FOUND);
	assert_int_equal(scan_all_ways(e, "xEEEE", 5, NULL, 0),
			 VIGIL_VERDICT_FOUND);
	assert_int_equal(scan_all_ways(e, "EEEEx", 5, NULL, 0),
			 VIGIL_VERDICT_CLEAN);
	assert_int_equal(scan_all_ways(e, "YYYY XXXX", 9, NULL, 0),
			 VIGIL_VERDICT_FOUND);
	vigil_engine_free(e);
	assert_int_equal(vigil_db_info(path, &info), 0);
	assert_int_equal(info.body, 2);
	assert_int_equal(info.format_version, VDB_FORMAT_VERSION);
}

static void damaged(void **st)
{
	uint8_t *b = malloc(img_len);
	size_t off;

	(void)st;
	/* every byte flipped in turn past the header: never accepted */
	for (off = sizeof(struct vdb_header); off < img_len; off += 7) {
		memcpy(b, img, img_len);
		b[off] ^= 0x5a;
		assert_int_equal(load_image(b, img_len), VIGIL_ECHECKSUM);
	}
	memcpy(b, img, img_len);
	assert_int_equal(load_image(b, img_len - 1), VIGIL_EFORMAT);
	assert_int_equal(load_image(b, 10), VIGIL_EFORMAT);
	b[0] = 'X';
	assert_int_equal(load_image(b, img_len), VIGIL_EFORMAT);
	memcpy(b, img, img_len);
	b[8] = 99; /* format version */
	assert_int_equal(load_image(b, img_len), VIGIL_EVERSION);
	free(b);
}

/* A record pointing outside, re-checksummed so only validation stops it. */
/* A copy of the n bytes at from whose matchable k's code lies outside
 * its section, checksummed again. */
static uint8_t *forge(const uint8_t *from, size_t n, size_t k)
{
	uint8_t *b = malloc(n);
	struct vdb_header h;
	struct vdb_section sec[VDB_MAX_SECTIONS];
	uint32_t i;

	assert_non_null(b);
	memcpy(b, from, n);
	memcpy(&h, b, sizeof(h));
	memcpy(sec, b + sizeof(h), h.nsections * sizeof(sec[0]));
	for (i = 0; i < h.nsections; i++) {
		if (sec[i].id == VDB_SEC_MATCHABLE) {
			struct vdb_matchable m;
			size_t at = sec[i].offset + k * sizeof(m);

			assert_true((k + 1) * sizeof(m) <= sec[i].size);
			memcpy(&m, b + at, sizeof(m));
			m.code_off = 0x7fffffff;
			memcpy(b + at, &m, sizeof(m));
		}
	}
	h.checksum = XXH3_64bits(b + sizeof(h), n - sizeof(h));
	memcpy(b, &h, sizeof(h));
	return b;
}

static void forged(void **st)
{
	uint8_t *b = forge(img, img_len, 0);

	(void)st;
	assert_int_equal(load_image(b, img_len), VIGIL_EFORMAT);
	free(b);
}

/* An image large enough to have its matchables checked on two threads
 * (vdb_read.c): a forged one is refused in either part. */
static void forged_large(void **st)
{
	const size_t n = 70000;
	struct vigil_engine_options o = { .size = sizeof(o),
					  .flags = VIGIL_ENGINE_NO_MATCHER };
	struct vigil_engine *e;
	char p[] = "/tmp/vigil-test-XXXXXX.vdb", *src = malloc(n * 24);
	uint8_t *big, *b;
	size_t len = 0, i;

	(void)st;
	assert_non_null(src);
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(src + len, "M%zu:0:*:%08zx\n", i,
				       i * 2654435761u % 0xffffffffu);
	assert_int_equal(vigil_engine_new(&e, &o), 0);
	assert_int_equal(vigil_engine_load_memory(e, "m.ndb", src, len), 0);
	big = saved(e, p, &len);
	unlink(p);
	assert_int_equal(vigil_engine_new(&e, &o), 0);
	assert_int_equal(vigil_engine_load_memory(e, "m.vdb", big, len), 0);
	vigil_engine_free(e);
	for (i = 0; i < 3; i++) { /* the helper's part, its end, the last */
		b = forge(big, len, i == 0 ? 10 : i == 1 ? n / 4 * 3 - 1 : n - 1);
		assert_int_equal(vigil_engine_new(&e, &o), 0);
		assert_int_equal(vigil_engine_load_memory(e, "m.vdb", b, len),
				 VIGIL_EFORMAT);
		vigil_engine_free(e);
		free(b);
	}
	free(big);
	free(src);
}

/* A .vdb with a YARA file: format 8, its rules loaded; a record whose
 * length lies (re-checksummed) refused, never loaded in part. */
static void yara_sources(void **st)
{
	static const char rule[] = "rule Y { strings: $a = \"yyyy\" "
				   "condition: $a }";
	struct vigil_db_info info = { .size = sizeof(info) };
	struct vigil_engine *e;
	struct vdb_section sec[VDB_MAX_SECTIONS];
	struct vdb_header h;
	char yp[64];
	uint8_t *b;
	uint32_t i, len = 0, lie;
	size_t n;
	int found = 0;

	(void)st;
	snprintf(yp, sizeof(yp), "/tmp/vigil-test-XXXXXX.vdb");
	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	assert_int_equal(vigil_engine_load_memory(e, "r.yar", rule,
						  strlen(rule)), 0);
	b = saved(e, yp, &n);
	assert_int_equal(vigil_db_info(yp, &info), 0);
	assert_int_equal(info.format_version, VDB_FORMAT_VERSION_YARA);
	assert_int_equal(info.yara_files, 1);
	unlink(yp);
	assert_int_equal(load_image(b, n), 0);
	memcpy(&h, b, sizeof(h));
	memcpy(sec, b + sizeof(h), h.nsections * sizeof(sec[0]));
	for (i = 0; i < h.nsections; i++)
		if (sec[i].id == VDB_SEC_YARA) {
			memcpy(&len, b + sec[i].offset + 4, 4);
			lie = len + 1; /* the text runs one byte past the end */
			memcpy(b + sec[i].offset + 4, &lie, 4);
			found = 1;
		}
	assert_true(found && len == strlen(rule));
	h.checksum = XXH3_64bits(b + sizeof(h), n - sizeof(h));
	memcpy(b, &h, sizeof(h));
	assert_int_equal(load_image(b, n), VIGIL_EFORMAT);
	free(b);
}

/* Pages of fm in the page cache. */
static size_t resident(const struct filemap *fm)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t np = (fm->len + pg - 1) / pg, n = 0;
	unsigned char *v = malloc(np);

	assert_non_null(v);
	assert_int_equal(mincore(fm->map, fm->len, v), 0);
	for (size_t i = 0; i < np; i++)
		n += v[i] & 1;
	free(v);
	return n;
}

/* A temporary file (its name from tmpl) of len bytes in a pattern,
 * open; the bytes handed back in *keep, or freed if keep is NULL. */
static int patterned_file(char *tmpl, size_t len, uint8_t **keep)
{
	uint8_t *b = malloc(len);
	int fd;

	assert_non_null(b);
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 131 >> 8);
	assert_true((fd = mkstemp(tmpl)) >= 0);
	assert_int_equal(write(fd, b, len), (ssize_t)len);
	if (keep)
		*keep = b;
	else
		free(b);
	return fd;
}

/* A file of 20 MiB (more than one request of read-ahead) dropped from
 * the page cache, then mapped for random lookups: all of it is read in
 * without a page being touched (a file system that keeps every page,
 * as tmpfs does, cannot show it: skipped). */
static void read_ahead(void **st)
{
	const size_t len = (size_t)20 << 20;
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	struct filemap fm;
	char p[] = "vdb-ahead-XXXXXX";
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t np = (len + pg - 1) / pg, got = 0;
	int fd = patterned_file(p, len, NULL), tries;

	(void)st;
	assert_int_equal(fsync(fd), 0);
	assert_int_equal(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
	close(fd);
	assert_int_equal(filemap_open(p, &fm), 0);
	if (resident(&fm) == np) {
		filemap_close(&fm);
		unlink(p);
		skip();
	}
	filemap_random_ahead(&fm);
	for (tries = 0; tries < 500 && (got = resident(&fm)) < np; tries++)
		nanosleep(&pause, NULL);
	filemap_close(&fm);
	unlink(p);
	assert_int_equal(got, np);
}

/* Kilobytes of the mapping at addr that this process has mapped (its
 * smaps Rss), or -1 if not found. */
static long mapped_kb(const void *addr)
{
	char line[512];
	unsigned long lo, hi;
	long kb = -1;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') <
								   strchr(line, ' '))
			in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
		else if (in && sscanf(line, "Rss: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* A mapping whose pages a load read, handed back (mapping_release): no longer mapped, every byte still as in the file,
 * and a range that does not cover whole pages leaves its edges alone. */
static void release_pages(void **st)
{
	const size_t len = (size_t)1 << 20;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char p[] = "vdb-release-XXXXXX";
	struct filemap fm;
	uint8_t *b;
	volatile uint8_t sum = 0;

	(void)st;
	close(patterned_file(p, len, &b));
	assert_int_equal(filemap_open(p, &fm), 0);
	for (size_t i = 0; i < len; i += pg)
		sum += ((const uint8_t *)fm.map)[i];
	assert_true(mapped_kb(fm.map) >= (long)(len / 1024));
	/* two pages and a bit, from inside the first: only the second goes */
	mapping_release((const uint8_t *)fm.map + 1, 2 * pg + 1);
	assert_int_equal(mapped_kb(fm.map), (long)((len - pg) / 1024));
	mapping_release(fm.map, fm.len);
	assert_int_equal(mapped_kb(fm.map), 0);
	assert_memory_equal(fm.map, b, len);
	(void)sum;
	filemap_close(&fm);
	unlink(p);
	free(b);
}

/* The checked-file stamps in dir. */
static int stamps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += strstr(de->d_name, ".vok") != NULL;
	if (d)
		closedir(d);
	return n;
}

static struct vigil_engine *load_cached(const char *file, const char *dir)
{
	struct vigil_engine_options o = { .size = sizeof(o),
					  .cache_dir = dir };
	struct vigil_engine *e;

	assert_int_equal(vigil_engine_new(&e, &o), 0);
	assert_int_equal(vigil_engine_load(e, file), 0);
	assert_int_equal(vigil_engine_compile(e), 0);
	return e;
}

static struct vigil_engine_stats stats_of(const struct vigil_engine *e)
{
	struct vigil_engine_stats st = { .size = sizeof(st) };

	assert_int_equal(vigil_engine_stats(e, &st), 0);
	return st;
}

/* An engine of sigs, not compiled. */
static struct vigil_engine *loaded(void)
{
	struct vigil_engine *e;

	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	assert_int_equal(vigil_engine_load_memory(e, "a.ndb", sigs,
						  strlen(sigs)), 0);
	return e;
}

/* Two .vdb files loaded as soon as written: read whole, not stamped (a
 * change in the same tick of their times would go unseen). Settled, the
 * one unchanged is stamped, with its set's digest, and its next load
 * reads nothing to check and finds its matcher in the cache by it;
 * the one written again in place since its load is not. */
static void settle(void **st)
{
	char dir[] = "/tmp/vigil-settle-XXXXXX", a[64], b[64];
	struct vigil_engine *e, *ea, *eb;
	uint8_t *bytes;
	size_t len;
	int wait, fd;

	(void)st;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof(a), "/tmp/vigil-test-XXXXXX.vdb");
	snprintf(b, sizeof(b), "/tmp/vigil-test-XXXXXX.vdb");
	free(saved(loaded(), a, &len));
	bytes = saved(loaded(), b, &len);
	ea = load_cached(a, dir);
	eb = load_cached(b, dir);
	assert_int_equal(stats_of(ea).unsettled, 1);
	assert_int_equal(vigil_engine_settle(NULL), VIGIL_EINVAL);
	wait = vigil_engine_settle(ea);
	assert_true(wait > 0 && wait <= 2001);
	assert_int_equal(stamps(dir), 0);
	assert_true((fd = open(b, O_WRONLY)) >= 0); /* same size, same inode */
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	close(fd);
	while ((wait = vigil_engine_settle(ea)) > 0)
		usleep((useconds_t)wait * 1000);
	assert_int_equal(wait, 0);
	assert_int_equal(stamps(dir), 1);
	while ((wait = vigil_engine_settle(eb)) > 0)
		usleep((useconds_t)wait * 1000);
	assert_int_equal(stamps(dir), 1);
	e = load_cached(a, dir); /* the stamp's digest names its matcher */
	assert_int_equal(stats_of(e).unsettled, 0);
	assert_int_equal(stats_of(e).cache_hits, 1);
	assert_int_equal(vigil_engine_settle(e), 0);
	vigil_engine_free(e);
	vigil_engine_free(ea);
	vigil_engine_free(eb);
	free(bytes);
	unlink(a);
	unlink(b);
	snprintf(a, sizeof(a), "rm -rf %s", dir);
	assert_int_equal(system(a), 0);
}

/* Writes text to path (created or truncated, the same inode if it
 * exists). */
static void put(const char *file, const char *text)
{
	FILE *f = fopen(file, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	fclose(f);
}

static struct vigil_engine *from(const char *where)
{
	struct vigil_engine *e;

	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	assert_int_equal(vigil_engine_load(e, where), 0);
	assert_int_equal(vigil_engine_compile(e), 0);
	return e;
}

/* Writes len bytes over file in place, its time set back as it was. */
static void write_as_before(const char *file, const uint8_t *b, size_t len)
{
	struct stat was;
	struct timespec t[2];
	int fd;

	assert_int_equal(stat(file, &was), 0);
	t[0] = was.st_atim;
	t[1] = was.st_mtim;
	assert_true((fd = open(file, O_WRONLY)) >= 0);
	assert_int_equal(write(fd, b, len), (ssize_t)len);
	assert_int_equal(futimens(fd, t), 0);
	close(fd);
}

/* Another database of the same size written in place within one tick of
 * the file system's clock (its time as it was): only the header tells. */
static void same_size_same_time(struct vigil_engine *e, const char *vdb,
				const uint8_t *bytes, size_t len)
{
	uint8_t *other = malloc(len);

	assert_non_null(other);
	memcpy(other, bytes, len);
	other[offsetof(struct vdb_header, checksum)] ^= 1;
	other[len - 1] ^= 1;
	write_as_before(vdb, other, len);
	assert_int_equal(vigil_engine_changed(e), VIGIL_CHANGED_IN_PLACE);
	write_as_before(vdb, bytes, len); /* as loaded again */
	assert_int_equal(vigil_engine_changed(e), 0);
	free(other);
}

/* vigil_engine_changed(): a new file, a file renamed over a .vdb and a
 * source written again are changes; a .vdb written over in place is one
 * the engine reads wrongly; an unchanged directory is none. */
static void changed(void **st)
{
	char dir[] = "/tmp/vigil-changed-XXXXXX", vdb[128], other[] =
		"/tmp/vigil-test-XXXXXX.vdb", extra[128], src[128], cmd[160];
	struct vigil_engine *e;
	uint8_t *bytes;
	size_t len;
	int fd;

	(void)st;
	assert_non_null(mkdtemp(dir));
	snprintf(vdb, sizeof(vdb), "%s/main-XXXXXX.vdb", dir);
	free(saved(loaded(), vdb, &len));
	bytes = saved(loaded(), other, &len);
	snprintf(src, sizeof(src), "%s/local.ndb", dir);
	put(src, "Local.Sig:0:*:6c6f63616c7369676e6174757265\n");
	snprintf(extra, sizeof(extra), "%s/extra.hdb", dir);
	e = from(dir);
	assert_int_equal(vigil_engine_changed(NULL), VIGIL_EINVAL);
	assert_int_equal(vigil_engine_changed(e), 0);
	put(extra, "44d88612fea8a8f36de82e1278abb02f:68:Extra.Hash\n");
	assert_int_equal(vigil_engine_changed(e), VIGIL_CHANGED);
	unlink(extra);
	assert_int_equal(vigil_engine_changed(e), 0);
	put(src, "Local.Sig:0:*:6c6f63616c7369676e61747572652e\n");
	assert_int_equal(vigil_engine_changed(e), VIGIL_CHANGED);
	vigil_engine_free(e);
	e = from(dir);
	assert_true((fd = open(vdb, O_WRONLY | O_TRUNC)) >= 0); /* as cp */
	assert_int_equal(write(fd, bytes, len / 2), (ssize_t)(len / 2));
	close(fd);
	assert_int_equal(vigil_engine_changed(e), VIGIL_CHANGED_IN_PLACE);
	vigil_engine_free(e);
	assert_true((fd = open(vdb, O_WRONLY | O_TRUNC)) >= 0); /* whole */
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	close(fd);
	e = from(vdb); /* one file, replaced by a rename */
	assert_int_equal(vigil_engine_changed(e), 0);
	same_size_same_time(e, vdb, bytes, len);
	assert_int_equal(rename(other, vdb), 0);
	assert_int_equal(vigil_engine_changed(e), VIGIL_CHANGED);
	vigil_engine_free(e);
	free(bytes);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip),
		cmocka_unit_test(damaged),
		cmocka_unit_test(forged),
		cmocka_unit_test(forged_large),
		cmocka_unit_test(yara_sources),
		cmocka_unit_test(read_ahead),
		cmocka_unit_test(release_pages),
		cmocka_unit_test(settle),
		cmocka_unit_test(changed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
