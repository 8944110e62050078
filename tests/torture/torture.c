/*
 * torture.c -- allocation-failure injection over libvigil's scan: the
 * engine is compiled with every allocation succeeding; then each file is
 * scanned once to count the library's allocations, and again with the
 * first, the second ... the last of them failing. Every run must end in a
 * detection or an error: a crash fails the test by itself, a clean
 * verdict for the infected file is reported and fails it.
 *   torture SIGNATURES FILE...
 * Exit status: 0 all held, 1 a clean verdict under a failure, 2 usage.
 */
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>

#include "vigil/vigil.h"

/* The real allocator: this file is not built with torture.h. */
static unsigned long counted, fail_at;

void *torture_malloc(size_t n);
void *torture_calloc(size_t n, size_t size);
void *torture_realloc(void *p, size_t n);

/* TORTURE_TRACE=1 prints where each injected failure strikes. */
static int fail_now(void)
{
	void *where[16];

	if (!fail_at || ++counted != fail_at)
		return 0;
	if (getenv("TORTURE_TRACE"))
		backtrace_symbols_fd(where, backtrace(where, 16), 2);
	return 1;
}

void *torture_malloc(size_t n)
{
	if (!fail_at)
		counted++;
	return fail_now() ? NULL : malloc(n);
}

void *torture_calloc(size_t n, size_t size)
{
	if (!fail_at)
		counted++;
	return fail_now() ? NULL : calloc(n, size);
}

void *torture_realloc(void *p, size_t n)
{
	if (!fail_at)
		counted++;
	return fail_now() ? NULL : realloc(p, n);
}

/* One scan with the nth allocation failing (0: none); its outcome. */
static int scan(struct vigil_scanner *s, const char *path, unsigned long n,
		struct vigil_result *r)
{
	int rc;

	counted = 0;
	fail_at = n;
	rc = vigil_scanner_scan_path(s, path, r);
	fail_at = 0;
	return rc;
}

static int torture(struct vigil_scanner *s, const char *path)
{
	struct vigil_result r = { .size = sizeof(r) };
	unsigned long total, n, errors = 0, found = 0;
	int rc;

	if (scan(s, path, 0, &r) != 0 || r.verdict == VIGIL_VERDICT_CLEAN) {
		printf("%s: not found even without failures\n", path);
		return 1;
	}
	total = counted;
	for (n = 1; n <= total; n++) {
		rc = scan(s, path, n, &r);
		if (rc == 0 && r.verdict == VIGIL_VERDICT_CLEAN) {
			printf("%s: clean with allocation %lu of %lu failing\n",
			       path, n, total);
			return 1;
		}
		rc < 0 ? errors++ : found++;
	}
	printf("%s: %lu allocations; each failing: %lu errors, %lu "
	       "detections, no clean verdict\n", path, total, errors, found);
	return 0;
}

int main(int argc, char **argv)
{
	struct vigil_engine *e = NULL;
	struct vigil_scanner *s = NULL;
	int i, bad = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: torture SIGNATURES FILE...\n");
		return 2;
	}
	if (vigil_engine_new(&e, NULL) || vigil_engine_load(e, argv[1]) ||
	    vigil_engine_compile(e) || vigil_scanner_new(&s, e, NULL)) {
		fprintf(stderr, "torture: cannot set up the engine\n");
		return 2;
	}
	for (i = 2; i < argc; i++)
		bad |= torture(s, argv[i]);
	vigil_scanner_free(s);
	vigil_engine_free(e);
	return bad;
}
