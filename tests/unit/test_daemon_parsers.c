/*
 * test_daemon_parsers.c -- vigild's parsers of untrusted input, case by
 * case: clamd commands in their three forms, ICAP heads and chunk lines,
 * and configuration lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "icap.h"
#include "proto.h"

static int parse(const char *s, size_t n, int eof, struct proto_command *pc)
{
	return proto_parse(s, n, eof, pc);
}

static void clamd_forms(void **st)
{
	struct proto_command pc;

	(void)st;
	assert_int_equal(parse("zPING\0", 6, 0, &pc), 6);
	assert_int_equal(pc.cmd, CMD_PING);
	assert_int_equal(pc.delim, '\0');
	assert_int_equal(parse("nPING\n", 6, 0, &pc), 6);
	assert_int_equal(pc.delim, '\n');
	assert_int_equal(parse("PING\r\n", 6, 0, &pc), 6);
	assert_int_equal(pc.cmd, CMD_PING);
	assert_int_equal(parse("PING", 4, 0, &pc), 4);	/* whole: as clamd */
	assert_int_equal(pc.cmd, CMD_PING);
	assert_int_equal(parse("PI", 2, 0, &pc), 0);	/* may go on */
	assert_int_equal(parse("SCAN ", 5, 0, &pc), 0);	/* no path yet */
	assert_int_equal(parse("SCAN /a", 7, 0, &pc), 7);
	assert_int_equal(pc.cmd, CMD_SCAN);
	assert_int_equal(pc.arg_len, 2);
	assert_int_equal(parse("PING", 4, 1, &pc), 4);	/* ended by EOF */
	assert_int_equal(pc.cmd, CMD_PING);
	assert_int_equal(parse("zPING", 5, 1, &pc), 0);	/* needs its NUL */
	assert_int_equal(parse("x", 1, 0, &pc), 1);	/* can't be one */
	assert_int_equal(pc.cmd, CMD_UNKNOWN);
}

static void clamd_commands(void **st)
{
	struct proto_command pc;

	(void)st;
	parse("zSCAN /a b\0", 11, 0, &pc);
	assert_int_equal(pc.cmd, CMD_SCAN);
	assert_int_equal(pc.arg_len, 4);
	assert_memory_equal(pc.arg, "/a b", 4);
	parse("zSCAN\0", 6, 0, &pc);
	assert_int_equal(pc.cmd, CMD_UNKNOWN);	/* no path, no space */
	parse("zPING \0", 7, 0, &pc);
	assert_int_equal(pc.cmd, CMD_UNKNOWN);
	parse("zping\0", 6, 0, &pc);
	assert_int_equal(pc.cmd, CMD_UNKNOWN);
	parse("INSTREAM\n", 9, 0, &pc);
	assert_int_equal(pc.cmd, CMD_UNKNOWN);	/* z/n form only */
	parse("zINSTREAM\0", 10, 0, &pc);
	assert_int_equal(pc.cmd, CMD_INSTREAM);
	parse("QUIT\n", 5, 0, &pc);
	assert_int_equal(pc.cmd, CMD_SHUTDOWN);
	assert_true(proto_in_session(CMD_SCAN));
	assert_false(proto_in_session(CMD_CONTSCAN));
}

static void clamd_too_long(void **st)
{
	static char buf[PROTO_MAX_COMMAND_BYTES + 16];
	struct proto_command pc;

	(void)st;
	memset(buf, 'a', sizeof(buf));
	buf[0] = 'z';
	assert_int_equal(parse(buf, sizeof(buf), 0, &pc), -1);
	buf[PROTO_MAX_COMMAND_BYTES] = '\0';
	assert_int_equal(parse(buf, PROTO_MAX_COMMAND_BYTES, 0, &pc), 0);
}

static void icap_heads(void **st)
{
	static const char ok[] =
		"RESPMOD icap://h:1344/avscan?x=1 ICAP/1.0\r\nAllow: 204\r\n"
		"Preview: 1024\r\nEncapsulated: req-hdr=0, res-hdr=45, "
		"res-body=100\r\n\r\n";
	struct icap_request r;

	(void)st;
	assert_int_equal(icap_parse_head(ok, strlen(ok), &r), 0);
	assert_int_equal(r.method, ICAP_RESPMOD);
	assert_string_equal(r.service, "avscan");
	assert_int_equal(r.preview, 1024);
	assert_true(r.allow_204);
	assert_int_equal(r.enc.res_hdr, 45);
	assert_int_equal(icap_encap_end(&r.enc), 100);
#define BAD(s) assert_int_equal(icap_parse_head(s, strlen(s), &r), -1)
	BAD("RESPMOD icap://h/avscan ICAP/1.0\r\n\r\n"); /* no Encapsulated */
	BAD("RESPMOD icap://h/avscan ICAP/1.0\r\nEncapsulated: res-body=9, "
	    "res-hdr=0\r\n\r\n");			 /* not increasing */
	BAD("RESPMOD icap://h/avscan ICAP/1.0\r\nEncapsulated: res-hdr=0"
	    "\r\n\r\n");				 /* no body entry */
	BAD("RESPMOD icap://h/avscan ICAP/1.0\r\nEncapsulated: res-hdr=0, "
	    "res-body=99999999\r\n\r\n");		 /* too large */
	BAD("RESPMOD http://h/avscan ICAP/1.0\r\n\r\n");
	BAD("RESPMOD icap://h/avscan HTTP/1.1\r\n\r\n");
	BAD("OPTIONS icap://h/avscan ICAP/1.0\r\nPreview: x\r\n\r\n");
	BAD("OPTIONS icap://h/avscan ICAP/1.0\nAllow: 204\r\n\r\n"); /* LF */
	BAD("OPTIONS icap://h/avscan ICAP/1.0 \r\n\r\n");
	BAD("OPTIONS  icap://h/avscan ICAP/1.0\r\n\r\n");
	BAD("\r\n\r\n");
#undef BAD
	/* the service is the first path segment; none without a path */
	assert_int_equal(icap_parse_head("OPTIONS ICAP://h/virus_scan/x ICAP/1.0"
					 "\r\n\r\n", 42, &r), 0);
	assert_string_equal(r.service, "virus_scan");
	assert_int_equal(icap_parse_head("OPTIONS icap://h ICAP/1.0\r\n\r\n",
					 29, &r), 0);
	assert_string_equal(r.service, "");
	assert_int_equal(icap_parse_head("OPTIONS icap://h/a?b/c ICAP/1.0\r\n"
					 "Connection: close\r\n\r\n", 54, &r),
			 0);
	assert_string_equal(r.service, "a");
	assert_true(r.close);
}

static void icap_head_lengths(void **st)
{
	static char big[ICAP_MAX_HEADER_BYTES + 16];

	(void)st;
	assert_int_equal(icap_head_len("OPTIONS x\r\nA: b\r\n\r\nrest", 23),
			 19);
	assert_int_equal(icap_head_len("\r\n\r\n", 4), 4);
	assert_int_equal(icap_head_len("OPTIONS x\r\n", 11), 0);
	assert_int_equal(icap_head_len("OPTIONS x\n\r\n", 12), 0);
	assert_int_equal(icap_head_len("OPTIONS x\n\r\n\r\n", 14), 14);
	memset(big, 'a', sizeof(big));
	assert_int_equal(icap_head_len(big, sizeof(big)), -1);
	memcpy(big + sizeof(big) - 4, "\r\n\r\n", 4);
	assert_int_equal(icap_head_len(big, sizeof(big)), -1);
}

static void icap_chunks(void **st)
{
	uint64_t size;
	size_t used;
	int ieof;

	(void)st;
	assert_int_equal(icap_parse_chunk("1a\r\n", 4, &size, &ieof, &used), 1);
	assert_int_equal(size, 26);
	assert_int_equal(used, 4);
	assert_false(ieof);
	assert_int_equal(icap_parse_chunk("0; ieof\r\n", 9, &size, &ieof,
					  &used), 1);
	assert_true(ieof);
	assert_int_equal(icap_parse_chunk("1a", 2, &size, &ieof, &used), 0);
	assert_int_equal(icap_parse_chunk("zz\r\n", 4, &size, &ieof, &used),
			 -1);
	assert_int_equal(icap_parse_chunk("fffffffffffffffff\r\n", 19, &size,
					  &ieof, &used), -1);
	assert_int_equal(icap_parse_chunk("1a\n", 3, &size, &ieof, &used), -1);
	assert_int_equal(icap_parse_chunk("1a x\r\n", 6, &size, &ieof, &used),
			 -1);
	assert_int_equal(icap_parse_chunk("A ;x\r\nDATA", 10, &size, &ieof,
					  &used), 1);
	assert_int_equal(size, 10);
	assert_int_equal(used, 6);
}

#define LINE(s) conf_line(&c, s, strlen(s), err, 256)
static void config_lines(void **st)
{
	struct vconf c;
	char err[256];

	(void)st;
	conf_defaults(&c);
	assert_int_equal(LINE("StreamMaxLength 2M"), 0);
	assert_int_equal(c.stream_max_bytes, 2u << 20);
	assert_int_equal(LINE("LocalSocketMode 660"), 0);
	assert_int_equal(c.local_socket_mode, 0660);
	assert_int_equal(LINE("LogFile \"/x y\""), 0);
	assert_string_equal(c.log_file, "/x y");
	assert_int_equal(LINE("  # comment"), 1);
	assert_int_equal(LINE("ScanPartialMessages yes"), 1); /* clamd's, no meaning */
	assert_int_equal(LINE("ScanELF no"), 0);
	assert_int_equal(c.scan_elf, 0);
	assert_int_equal(LINE("HeuristicScanPrecedence yes"), 0);
	assert_int_equal(c.heuristic_precedence, 1);
	assert_int_equal(LINE("ScanPE no"), 0);
	assert_int_equal(c.scan_pe, 0);
	assert_int_equal(LINE("Example"), -1);
	assert_int_equal(LINE("Nope 1"), -1);
	assert_int_equal(LINE("MaxThreads -1"), -1);
	assert_int_equal(LINE("LogSyslog maybe"), -1);
	assert_int_equal(LINE("MaxFileSize 5G"), -1);
	assert_int_equal(conf_line(&c, "MaxThreads 2\0x", 14, err, 256), -1);
	assert_int_equal(LINE("MaxThreads\t3 \r"), 0);
	assert_int_equal(c.max_threads, 3);
	conf_free(&c);
}

static void config_texts(void **st)
{
	static char big[CONF_MAX_LINE_BYTES + 64];
	static const char text[] = "# vigild\r\nMaxThreads 4\r\n\nScanPE no\n"
				   "MaxQueue x\nMaxThreads 9\n";
	struct vconf c;
	char err[256];

	(void)st;
	conf_defaults(&c);
	assert_int_equal(conf_text(&c, text, 35, "t.conf", err, 256), 0);
	assert_int_equal(c.max_threads, 4);
	assert_int_equal(conf_text(&c, text, strlen(text), "t.conf", err, 256),
			 -1);
	assert_string_equal(err, "t.conf:5: MaxQueue: not a whole number up to "
			    "2147483647: x");
	assert_int_equal(c.max_threads, 4); /* stopped at the bad line */
	memcpy(big, "MaxQueue 1\nLogFile ", 19);
	memset(big + 19, 'a', sizeof(big) - 19);
	assert_int_equal(conf_text(&c, big, sizeof(big), "b", err, 256), -1);
	assert_string_equal(err, "b:2: line longer than 4096 bytes");
	conf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clamd_forms),	 cmocka_unit_test(clamd_commands),
		cmocka_unit_test(clamd_too_long), cmocka_unit_test(icap_heads),
		cmocka_unit_test(icap_head_lengths),
		cmocka_unit_test(icap_chunks),	 cmocka_unit_test(config_lines),
		cmocka_unit_test(config_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
