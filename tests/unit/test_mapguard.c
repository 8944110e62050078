/*
 * test_mapguard.c -- a file shrunk under its mapping: the guarded range's
 * lost pages read as zeros (on any thread), a fault outside every guard
 * still ends the process, and a scan of such a mapping is an error (or its detection,
 * with a warning), never a clean verdict.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/scanner_int.h"
#include "helpers.h"
#include "util/mapguard.h"

#define PAGES 8

/* A file of PAGES pages of 'x', with "AAAA" at offset at (or nowhere if
 * at is negative), mapped whole, then cut to one page: its descriptor,
 * and the mapping in *map. */
static int shrunk(long at, uint8_t **map)
{
	long pb = sysconf(_SC_PAGESIZE);
	char path[] = "/tmp/vigil-mapguard-XXXXXX";
	uint8_t *buf = malloc((size_t)(PAGES * pb));
	int fd = mkstemp(path);
	void *m;

	assert_non_null(buf);
	assert_true(fd >= 0);
	unlink(path);
	memset(buf, 'x', (size_t)(PAGES * pb));
	if (at >= 0)
		memcpy(buf + at, "AAAA", 4);
	assert_int_equal(write(fd, buf, (size_t)(PAGES * pb)), PAGES * pb);
	free(buf);
	m = mmap(NULL, (size_t)(PAGES * pb), PROT_READ, MAP_PRIVATE, fd, 0);
	assert_true(m != MAP_FAILED);
	assert_int_equal(ftruncate(fd, pb), 0);
	*map = m;
	return fd;
}

static void lost_pages_read_as_zeros(void **st)
{
	long pb = sysconf(_SC_PAGESIZE);
	uint8_t *m, *untouched;
	struct mapguard g, h;
	int fd = shrunk(-1, &m), fd2 = shrunk(-1, &untouched);

	(void)st;
	assert_int_equal(mapguard_begin(&g, m, PAGES * pb), 0);
	assert_int_equal(m[0], 'x');
	assert_int_equal(m[3 * pb + 5], 0);
	assert_int_equal(m[2 * pb], 0); /* a page before the first lost */
	assert_int_equal(m[PAGES * pb - 1], 0);
	assert_int_equal(mapguard_end(&g), 1);
	/* a guard whose range lost nothing it read */
	assert_int_equal(mapguard_begin(&h, untouched, PAGES * pb), 0);
	assert_int_equal(untouched[pb - 1], 'x');
	assert_int_equal(mapguard_end(&h), 0);
	munmap(m, PAGES * pb);
	munmap(untouched, PAGES * pb);
	close(fd);
	close(fd2);
}

static void *read_page3(void *arg)
{
	long pb = sysconf(_SC_PAGESIZE);

	return (void *)(uintptr_t)((const uint8_t *)arg)[3 * pb];
}

/* A scan's helper threads read its mapping too: a page lost to another
 * thread's read is caught as well. */
static void lost_to_another_thread(void **st)
{
	long pb = sysconf(_SC_PAGESIZE);
	struct mapguard g;
	pthread_t t;
	uint8_t *m;
	void *got = (void *)1;
	int fd = shrunk(-1, &m);

	(void)st;
	assert_int_equal(mapguard_begin(&g, m, PAGES * pb), 0);
	assert_int_equal(pthread_create(&t, NULL, read_page3, m), 0);
	assert_int_equal(pthread_join(t, &got), 0);
	assert_null(got);
	assert_int_equal(mapguard_end(&g), 1);
	munmap(m, PAGES * pb);
	close(fd);
}

/* Outside every guard (the handler installed), the fault is the one it
 * was: the process ends (by SIGBUS, or by the sanitizer's report). */
static void unguarded_fault_still_ends_the_process(void **st)
{
	long pb = sysconf(_SC_PAGESIZE);
	uint8_t *m, *other;
	struct mapguard g;
	int fd = shrunk(-1, &m), fd2 = shrunk(-1, &other), status;
	pid_t pid;

	(void)st;
	assert_int_equal(mapguard_begin(&g, other, PAGES * pb), 0);
	assert_int_equal(mapguard_end(&g), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		volatile uint8_t c;

		/* the handler before ours the default one, not cmocka's */
		signal(SIGBUS, SIG_DFL);
		if (mapguard_begin(&g, other, PAGES * pb) < 0)
			_exit(0);
		mapguard_end(&g);
		c = m[3 * pb];

		(void)c;
		_exit(0); /* survived: the test fails */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (WIFSIGNALED(status))
		assert_int_equal(WTERMSIG(status), SIGBUS);
	munmap(m, PAGES * pb);
	munmap(other, PAGES * pb);
	close(fd);
	close(fd2);
}

/* The scan of a mapping that lost pages under it: rc, and the verdict. */
static int scan_shrunk(long at, struct vigil_result *r, size_t *warnings,
		       char *warning, size_t cap)
{
	struct vigil_engine *e = eng_from("x.ndb", "A:0:*:41414141\n", 0);
	long pb = sysconf(_SC_PAGESIZE);
	struct vigil_scanner *s;
	uint8_t *m;
	int fd = shrunk(at, &m), rc;

	assert_non_null(e);
	assert_int_equal(vigil_scanner_new(&s, e, NULL), 0);
	*r = (struct vigil_result){ .size = sizeof(*r) };
	rc = scanner_scan_mapped(s, fd, m, PAGES * pb, r);
	*warnings = rc == 0 ? r->warnings : 0;
	snprintf(warning, cap, "%s",
		 *warnings ? vigil_scanner_warning(s, *warnings - 1) : "");
	vigil_scanner_free(s);
	vigil_engine_free(e);
	munmap(m, PAGES * pb);
	close(fd);
	return rc;
}

static void scan_of_a_shrunk_file(void **st)
{
	long pb = sysconf(_SC_PAGESIZE);
	struct vigil_result r;
	char w[256];
	size_t nw;

	(void)st;
	/* found in the page kept: reported, with why it is partial */
	assert_int_equal(scan_shrunk(10, &r, &nw, w, sizeof(w)), 0);
	assert_int_equal(r.verdict, VIGIL_VERDICT_FOUND);
	assert_true(nw >= 1);
	assert_non_null(strstr(w, "could not be read"));
	/* nothing found, or what there was lay in a page lost: no verdict */
	assert_int_equal(scan_shrunk(-1, &r, &nw, w, sizeof(w)),
			 VIGIL_ECHANGED);
	assert_int_equal(scan_shrunk(5 * pb + 7, &r, &nw, w, sizeof(w)),
			 VIGIL_ECHANGED);
	assert_string_equal(vigil_strerror(VIGIL_ECHANGED),
			    "the file shrank while it was scanned");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lost_pages_read_as_zeros),
		cmocka_unit_test(lost_to_another_thread),
		cmocka_unit_test(unguarded_fault_still_ends_the_process),
		cmocka_unit_test(scan_of_a_shrunk_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
