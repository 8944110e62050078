/*
 * helpers.c -- test helpers over the public API.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"

static unsigned long g_warnings;

static void count_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	(void)msg;
	if (level == VIGIL_LOG_WARNING || level == VIGIL_LOG_ERROR)
		g_warnings++;
}

int load_rc(const char *name, const char *text, unsigned flags)
{
	struct vigil_engine_options o = { sizeof(o), flags, NULL, count_log,
					  NULL, NULL, NULL };
	struct vigil_engine *e;
	int rc;

	assert_int_equal(vigil_engine_new(&e, &o), 0);
	rc = vigil_engine_load_memory(e, name, text, strlen(text));
	vigil_engine_free(e);
	return rc;
}

struct vigil_engine *eng_from(const char *name, const char *text,
			      unsigned flags)
{
	struct vigil_engine_options o = { sizeof(o), flags, NULL, count_log,
					  NULL, NULL, NULL };
	struct vigil_engine *e;

	assert_int_equal(vigil_engine_new(&e, &o), 0);
	if (vigil_engine_load_memory(e, name, text, strlen(text)) < 0 ||
	    vigil_engine_compile(e) < 0) {
		vigil_engine_free(e);
		return NULL;
	}
	return e;
}

unsigned long skipped_lines(const char *name, const char *text)
{
	struct vigil_engine_options o = { sizeof(o), 0, NULL, count_log,
					  NULL, NULL, NULL };
	struct vigil_engine_stats st = { .size = sizeof(st) };
	struct vigil_engine *e;

	assert_int_equal(vigil_engine_new(&e, &o), 0);
	assert_int_equal(vigil_engine_load_memory(e, name, text, strlen(text)),
			 0);
	vigil_engine_compile(e); /* may be empty: the count is kept */
	vigil_engine_stats(e, &st);
	vigil_engine_free(e);
	return (unsigned long)st.skipped;
}

static int stream_verdict(struct vigil_scanner *s, const unsigned char *b,
			  size_t len, size_t chunk)
{
	struct vigil_result r = { .size = sizeof(r) };
	size_t off;

	assert_int_equal(vigil_scanner_stream_begin(s), 0);
	for (off = 0; off < len; off += chunk)
		assert_int_equal(vigil_scanner_stream_write(s, b + off,
				 len - off < chunk ? len - off : chunk), 0);
	assert_int_equal(vigil_scanner_stream_end(s, &r), 0);
	return r.verdict;
}

int scan_all_ways(struct vigil_engine *e, const void *buf, size_t len,
		  char *name, size_t cap)
{
	static const size_t chunks[] = { 1, 2, 3, 7, 64 };
	struct vigil_result r = { .size = sizeof(r) };
	struct vigil_scanner *s;
	size_t i;

	assert_non_null(e);
	assert_int_equal(vigil_scanner_new(&s, e, NULL), 0);
	assert_int_equal(vigil_scanner_scan_buffer(s, buf, len, &r), 0);
	if (name)
		snprintf(name, cap, "%s", r.name ? r.name : "");
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++)
		assert_int_equal(stream_verdict(s, buf, len, chunks[i]),
				 r.verdict);
	vigil_scanner_free(s);
	return r.verdict;
}

int ndb_hits(const char *offset, const char *hex, const void *buf,
	     size_t len)
{
	char line[4096];
	struct vigil_engine *e;
	int v;

	snprintf(line, sizeof(line), "T:0:%s:%s\n", offset, hex);
	e = eng_from("t.ndb", line, 0);
	if (!e)
		fail_msg("signature did not load: %s", line);
	v = scan_all_ways(e, buf, len, NULL, 0);
	vigil_engine_free(e);
	return v;
}

void each_refused(const char *name, const char *const *bad, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char text[256];

		snprintf(text, sizeof(text), "%s\nG;Target:0;0;41424344\n",
			 bad[i]);
		if (skipped_lines(name, text) != 1)
			fail_msg("not refused once: %s", bad[i]);
		assert_int_not_equal(load_rc(name, text, VIGIL_ENGINE_STRICT),
				     0);
	}
}
