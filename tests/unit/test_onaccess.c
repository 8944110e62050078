/*
 * test_onaccess.c -- vigil-onaccess's pieces alone: vigild's replies
 * read into verdicts, and the clean-file cache (a changed size or time,
 * a forgotten file, an expired entry are misses; a file changed within
 * the last second is not remembered).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "cache.h"
#include "vscan.h"

#define REPLY(s, what) vscan_reply(s, strlen(s), what, sizeof(what))

static void replies(void **st)
{
	char what[16];

	(void)st;
	assert_int_equal(REPLY("fd[12]: OK", what), VSCAN_CLEAN);
	assert_int_equal(REPLY("fd[7]: Eicar-Signature FOUND", what),
			 VSCAN_FOUND);
	assert_string_equal(what, "Eicar-Signature");
	assert_int_equal(REPLY("fd[7]: Scan failed. ERROR", what), VSCAN_ERROR);
	assert_string_equal(what, "Scan failed. ER"); /* cut to the buffer */
	assert_int_equal(REPLY("FILDES: didn't receive file descriptor. ERROR",
			       what), VSCAN_ERROR);
	assert_int_equal(REPLY("fd[7]: OKAY", what), VSCAN_ERROR);
	assert_int_equal(REPLY("fd[7]: FOUND", what), VSCAN_ERROR);
	assert_int_equal(REPLY("", what), VSCAN_ERROR);
	/* a NUL inside: a name that would read as empty */
	assert_int_equal(vscan_reply("fd[7]: \0x FOUND", 15, what,
				     sizeof(what)), VSCAN_ERROR);
}

static void cache(void **st)
{
	struct cache *c = cache_new(60), *off = cache_new(0);
	struct stat a = { 0 }, b;

	(void)st;
	a.st_dev = 3;
	a.st_ino = 42;
	a.st_size = 100;
	a.st_mtim.tv_nsec = 5;
	assert_false(cache_clean(c, &a));
	cache_put(c, &a);
	assert_true(cache_clean(c, &a));
	b = a;
	b.st_size = 101;
	assert_false(cache_clean(c, &b));
	b = a;
	b.st_ctim.tv_nsec = 1;
	assert_false(cache_clean(c, &b));
	b = a;
	b.st_ino = 43;
	assert_false(cache_clean(c, &b));
	cache_forget(c, &a);
	assert_false(cache_clean(c, &a));
	cache_put(off, &a);
	assert_false(cache_clean(off, &a)); /* 0 seconds: no cache */
	cache_free(c);
	cache_free(off);
}

/* Times within CACHE_SETTLE_NS of now (or ahead of it): not cached. */
static void cache_settle(void **st)
{
	struct cache *c = cache_new(60);
	struct stat a = { 0 };
	struct timespec now;

	(void)st;
	clock_gettime(CLOCK_REALTIME, &now);
	a.st_dev = 3;
	a.st_ino = 44;
	a.st_mtim.tv_sec = now.tv_sec - 10;
	a.st_ctim = now; /* changed just now */
	cache_put(c, &a);
	assert_false(cache_clean(c, &a));
	a.st_ctim.tv_sec = now.tv_sec + 5; /* a clock set back */
	cache_put(c, &a);
	assert_false(cache_clean(c, &a));
	a.st_ctim.tv_sec = now.tv_sec - 2;
	cache_put(c, &a);
	assert_true(cache_clean(c, &a));
	cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replies),
		cmocka_unit_test(cache),
		cmocka_unit_test(cache_settle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
