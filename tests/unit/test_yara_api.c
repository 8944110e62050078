/*
 * test_yara_api.c -- the public YARA interface (vigil.h): defines, rules
 * from memory into namespaces, compile errors logged with their place,
 * the states calls are allowed in, and what a scan reports: matched rules
 * with tags, metadata and strings, private rules never, rules that need a
 * module as such, the others with VIGIL_YARA_SCAN_FALSE, and a callback
 * that stops the scan.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "vigil/vigil.h"

static char logged[512];

static void logger(void *ctx, int level, const char *msg)
{
	(void)ctx;
	(void)level;
	snprintf(logged, sizeof(logged), "%s", msg);
}

static const char rules[] =
	"import \"cuckoo\"\n"
	"private rule hidden { strings: $a = \"secret\" condition: $a }\n"
	"rule found : t1 t2 { meta: who = \"me\" n = 7 ok = true\n"
	"  strings: $a = \"secret\" $h = { 73 65 63 } $p = \"ret\" private\n"
	"  condition: hidden and $a and $h and $p and size_ok }\n"
	"rule needs_cuckoo { condition: cuckoo.network.http_request(/x/) }\n"
	"rule not_here { strings: $z = \"zzzz\" condition: $z }\n";

struct seen {
	char names[8][32];
	int status[8];
	size_t nstrings[8];
	int n, stop_after;
};

static int note(void *ctx, const struct vigil_yara_rule *r)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		snprintf(s->names[s->n], 32, "%s:%s", r->ns, r->name);
		s->status[s->n] = r->status;
		s->nstrings[s->n] = r->nstrings;
		if (!strcmp(r->name, "found")) {
			assert_int_equal(r->ntags, 2);
			assert_string_equal(r->tags[1], "t2");
			assert_int_equal(r->nmeta, 3);
			assert_int_equal(r->meta[1].type, VIGIL_YARA_META_INT);
			assert_int_equal(r->meta[1].i, 7);
			if (r->nstrings) { /* the private $p left out */
				assert_int_equal(r->nstrings, 2);
				assert_string_equal(r->strings[0].id, "$a");
				assert_int_equal(r->strings[0].offset, 4);
				assert_int_equal(r->strings[1].hex, 1);
			}
		}
	}
	s->n++;
	return s->stop_after && s->n >= s->stop_after ? 42 : 0;
}

static struct vigil_yara *compiled(void)
{
	struct vigil_yara_options o = { sizeof(o), logger, NULL, 0 };
	struct vigil_yara *y;

	assert_int_equal(vigil_yara_new(&y, &o), 0);
	assert_int_equal(vigil_yara_define(y, "size_ok", "true"), 0);
	if (vigil_yara_add_memory(y, "r.yar", rules, sizeof(rules) - 1,
				  "ns1") != 0)
		fail_msg("%s", logged);
	assert_int_equal(vigil_yara_compile(y), 0);
	return y;
}

static void scans(void **st)
{
	struct vigil_yara *y = compiled();
	struct vigil_yara_scanner *s;
	struct seen seen;
	const char data[] = "the secret";

	(void)st;
	assert_int_equal(vigil_yara_rule_count(y), 4);
	assert_int_equal(vigil_yara_add_memory(y, "x", "rule q { condition: "
					       "true }", 23, NULL), VIGIL_ESTATE);
	assert_int_equal(vigil_yara_scanner_new(y, &s), 0);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(vigil_yara_scan_buffer(s, data, sizeof(data) - 1,
						VIGIL_YARA_SCAN_STRINGS, note,
						&seen), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.names[0], "ns1:found");
	assert_int_equal(seen.status[0], VIGIL_YARA_TRUE);
	assert_string_equal(seen.names[1], "ns1:needs_cuckoo");
	assert_int_equal(seen.status[1], VIGIL_YARA_UNSUPPORTED);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(vigil_yara_scan_buffer(s, data, sizeof(data) - 1,
						VIGIL_YARA_SCAN_FALSE, note,
						&seen), 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.status[2], VIGIL_YARA_FALSE);
	assert_int_equal(seen.nstrings[0], 0); /* not asked for */
	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 1;
	assert_int_equal(vigil_yara_scan_buffer(s, data, sizeof(data) - 1, 0,
						note, &seen), 42);
	assert_int_equal(seen.n, 1);
	assert_int_equal(vigil_yara_scan_path(s, "/nonexistent/x", 0, note,
					      &seen), VIGIL_ENOENT);
	/* a stream in pieces, the match across two of them */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(vigil_yara_stream_write(s, "the sec", 7), 0);
	assert_int_equal(vigil_yara_stream_write(s, "ret", 3), 0);
	assert_int_equal(vigil_yara_stream_end(s, VIGIL_YARA_SCAN_STRINGS,
					       note, &seen), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.names[0], "ns1:found");
	assert_int_equal(seen.status[0], VIGIL_YARA_TRUE);
	memset(&seen, 0, sizeof(seen)); /* the next stream starts empty */
	assert_int_equal(vigil_yara_stream_write(s, "ret", 3), 0);
	assert_int_equal(vigil_yara_stream_end(s, 0, note, &seen), 0);
	assert_int_equal(seen.n, 1); /* needs_cuckoo only */
	assert_int_equal(vigil_yara_stream_write(NULL, "x", 1), VIGIL_EINVAL);
	vigil_yara_scanner_free(s);
	vigil_yara_free(y);
}

/* The rules found in a file written with data (len bytes), by path. */
static int found_in_file(struct vigil_yara_scanner *s, const char *data,
			 size_t len, struct seen *seen)
{
	static unsigned serial;
	char path[64];
	int fd, rc;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/vigil-yara-api-%ld-%u",
		 (long)getpid(), serial++);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	f = fd < 0 ? NULL : fdopen(fd, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	memset(seen, 0, sizeof(*seen));
	rc = vigil_yara_scan_path(s, path, 0, note, seen);
	unlink(path);
	return rc;
}

/* Files read into the scanner's buffer (small) and mapped (past a
 * MiB), in turns: each file's own bytes only, an empty file, and what is
 * no regular file. */
static void paths(void **st)
{
	struct vigil_yara *y = compiled();
	struct vigil_yara_scanner *s;
	struct seen seen;
	size_t big = (size_t)3 << 20;
	char *data = malloc(big);

	(void)st;
	assert_non_null(data);
	assert_int_equal(vigil_yara_scanner_new(y, &s), 0);
	memset(data, 'x', big);
	memcpy(data + 100, "secret", 6);
	assert_int_equal(found_in_file(s, data, 200, &seen), 0);
	assert_int_equal(seen.n, 2); /* found, needs_cuckoo */
	assert_string_equal(seen.names[0], "ns1:found");
	/* shorter, without it: what the buffer held before is not read */
	assert_int_equal(found_in_file(s, data, 50, &seen), 0);
	assert_int_equal(seen.n, 1);
	memcpy(data + big - 6, "secret", 6);
	assert_int_equal(found_in_file(s, data, big, &seen), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(found_in_file(s, data, 0, &seen), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(vigil_yara_scan_path(s, "/tmp", 0, note, &seen),
			 VIGIL_ETYPE);
	free(data);
	vigil_yara_scanner_free(s);
	vigil_yara_free(y);
}

static void on_slow(void *ctx, const char *ns, const char *rule,
		    uint64_t micros)
{
	int *n = ctx;

	(void)micros;
	assert_string_equal(ns, "default");
	assert_string_equal(rule, "loop");
	++*n;
}

/* A rule past the time limit is a limit reached, never false, even one
 * whose string was not found (a scan passes over those otherwise); a
 * slow rule is named to the callback. */
static void limits(void **st)
{
	static const char src[] = "rule loop { strings: $a = \"a\" condition: "
		"for all i in (1..#a) : (for all j in (1..#a) : "
		"(@a[i] < @a[j] + 100000)) }\nrule after { condition: true }\n"
		"rule unfound { strings: $b = \"zzzz\" condition: $b }\n";
	struct vigil_yara_limits l = { sizeof(l), 1, 0, NULL, NULL };
	struct vigil_yara_scanner *s;
	struct vigil_yara *y;
	struct seen seen;
	char *data = malloc(20000);
	int slow = 0;

	(void)st;
	assert_non_null(data);
	memset(data, 'a', 20000);
	assert_int_equal(vigil_yara_new(&y, NULL), 0);
	assert_int_equal(vigil_yara_add_memory(y, "t.yar", src, sizeof(src) - 1,
					       NULL), 0);
	assert_int_equal(vigil_yara_compile(y), 0);
	assert_int_equal(vigil_yara_scanner_new(y, &s), 0);
	assert_int_equal(vigil_yara_scanner_limits(s, &l), 0);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(vigil_yara_scan_buffer(s, data, 20000, 0, note, &seen),
			 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.status[0], VIGIL_YARA_LIMIT);
	assert_int_equal(seen.status[1], VIGIL_YARA_LIMIT); /* not reached */
	assert_int_equal(seen.status[2], VIGIL_YARA_LIMIT);
	l.timeout_ms = 0;
	l.slow_ms = 1;
	l.slow = on_slow;
	l.slow_ctx = &slow;
	assert_int_equal(vigil_yara_scanner_limits(s, &l), 0);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(vigil_yara_scan_buffer(s, data, 3000, 0, note, &seen),
			 0);
	assert_int_equal(seen.status[0], VIGIL_YARA_TRUE);
	assert_int_equal(slow, 1);
	assert_int_equal(vigil_yara_scanner_limits(s, NULL), 0);
	vigil_yara_scanner_free(s);
	vigil_yara_free(y);
	free(data);
}

static void errors(void **st)
{
	struct vigil_yara_options o = { sizeof(o), logger, NULL, 0 };
	struct vigil_yara *y;
	struct vigil_yara_scanner *s;

	(void)st;
	assert_int_equal(vigil_yara_new(&y, &o), 0);
	assert_int_equal(vigil_yara_scanner_new(y, &s), VIGIL_ESTATE);
	assert_int_equal(vigil_yara_define(y, "9bad", "1"), VIGIL_EINVAL);
	assert_int_equal(vigil_yara_add_memory(y, "e.yar",
					       "rule a {\n condition: b }", 25,
					       NULL), VIGIL_EFORMAT);
	assert_string_equal(logged, "e.yar:2:13: undefined identifier \"b\"");
	assert_int_equal(vigil_yara_compile(y), VIGIL_ESTATE);
	assert_int_equal(vigil_yara_add_file(y, "/nonexistent.yar", NULL),
			 VIGIL_ESTATE);
	vigil_yara_free(y);
	assert_int_equal(vigil_yara_new(&y, NULL), 0);
	assert_int_equal(vigil_yara_add_file(y, "/nonexistent.yar", NULL),
			 VIGIL_ENOENT);
	vigil_yara_free(y);
}

static int nwarned;

static void count(void *ctx, int level, const char *msg)
{
	(void)ctx;
	nwarned += level == VIGIL_LOG_WARNING;
	if (level == VIGIL_LOG_WARNING)
		snprintf(logged, sizeof(logged), "%s", msg);
}

static void slow_strings(void **st)
{
	static const char src[] =
		"rule fast { strings: $a = \"fourbytes\" condition: $a }\n"
		"rule two { strings: $b = \"ab\" condition: $b }\n"
		"rule loose { strings: $c = /[a-z]+/ condition: $c }\n";
	struct vigil_yara_options o = { sizeof(o), count, NULL,
					VIGIL_YARA_WARN_SLOW };
	struct vigil_yara *y;

	(void)st;
	nwarned = 0;
	assert_int_equal(vigil_yara_new(&y, &o), 0);
	assert_int_equal(vigil_yara_add_memory(y, "s.yar", src, sizeof(src) - 1,
					       NULL), 0);
	assert_int_equal(vigil_yara_compile(y), 0);
	assert_int_equal(nwarned, 1); /* two bytes are no warning (as yara) */
	assert_non_null(strstr(logged, "s.yar:3: string $c in rule loose may "
				       "slow down scanning"));
	vigil_yara_free(y);
	o.flags = 0; /* not asked for: none */
	nwarned = 0;
	assert_int_equal(vigil_yara_new(&y, &o), 0);
	assert_int_equal(vigil_yara_add_memory(y, "s.yar", src, sizeof(src) - 1,
					       NULL), 0);
	assert_int_equal(vigil_yara_compile(y), 0);
	assert_int_equal(nwarned, 0);
	vigil_yara_free(y);
}

/* A regular expression PCRE2 gives up on (its stack or match limits) is a
 * limit reached, not a rule that did not match. */
static void regex_given_up(void **st)
{
	static const char src[] = "rule r { strings: $r = /(a|b)*c/ "
				  "condition: $r }";
	struct vigil_yara *y;
	struct vigil_yara_scanner *s;
	struct seen seen;
	size_t n = 1u << 20, i;
	char *data = malloc(n);

	(void)st;
	assert_non_null(data);
	for (i = 0; i < n; i++)
		data[i] = "ab"[i & 1];
	assert_int_equal(vigil_yara_new(&y, NULL), 0);
	assert_int_equal(vigil_yara_add_memory(y, "r.yar", src, sizeof(src) - 1,
					       NULL), 0);
	assert_int_equal(vigil_yara_compile(y), 0);
	assert_int_equal(vigil_yara_scanner_new(y, &s), 0);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(vigil_yara_scan_buffer(s, data, n, 0, note, &seen), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.status[0], VIGIL_YARA_LIMIT);
	vigil_yara_scanner_free(s);
	vigil_yara_free(y);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scans),
		cmocka_unit_test(paths),
		cmocka_unit_test(errors),
		cmocka_unit_test(limits),
		cmocka_unit_test(slow_strings),
		cmocka_unit_test(regex_given_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
