/*
 * test_shield_lines.c -- the shield's configuration lines (conffile.c over
 * common/kvconf.c) and control requests: values set where they belong,
 * comments and blank lines skipped, every refusal with its reason (form,
 * range, length, extra words, unknown key, NUL), nothing set by a refused
 * line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "conffile.h"
#include "request.h"

static struct shield_conf c;
static char err[256];

static int conf(const char *line)
{
	err[0] = '\0';
	return shield_conf_line(&c, line, strlen(line), err, sizeof(err));
}

static void config_lines(void **st)
{
	(void)st;
	memset(&c, 0, sizeof(c));
	assert_int_equal(conf("  threshold-pps\t100   # a comment"), 0);
	assert_int_equal(c.det.threshold[V_PPS], 100);
	assert_int_equal(conf("metrics-port 65535\r"), 0);
	assert_int_equal(c.metrics_port, 65535);
	assert_int_equal(conf("baseline-factor 2.5"), 0);
	assert_true(c.det.baseline_factor == 2.5);
	assert_int_equal(conf("baseline-factor 0"), 0); /* off */
	assert_int_equal(conf("amp-guard yes"), 0);
	assert_int_equal(c.xdp.amp_guard, 1);
	assert_int_equal(conf("src-pps 4294967295"), 0);
	assert_int_equal(c.xdp.src_pps, UINT32_MAX);
	assert_int_equal(conf("flowspec-action rate-limit"), 0);
	assert_int_equal(c.mit.flowspec_rate_limit, 1);
	assert_int_equal(conf("bird-socket /run/bird/bird.ctl"), 0);
	assert_string_equal(c.mit.bird_socket, "/run/bird/bird.ctl");
	assert_int_equal(conf("block 192.0.2.0/24"), 0);
	assert_int_equal(conf("allow 2001:db8::/32"), 0);
	assert_int_equal(conf("protect 198.51.100.0/24"), 0);
	assert_int_equal(c.nblock, 1);
	assert_int_equal(c.nallow, 1);
	assert_int_equal(c.det.nprotect, 1);
	assert_int_equal(conf(""), 1);
	assert_int_equal(conf(" \t# only a comment"), 1);
#define REFUSED(line, why)                               \
	do {                                             \
		assert_int_equal(conf(line), -1);        \
		assert_non_null(strstr(err, why));       \
	} while (0)
	REFUSED("threshold-pps", "a value is missing");
	REFUSED("threshold-pps # 100", "a value is missing");
	REFUSED("threshold-pps 100 200", "one value only");
	REFUSED("threshold-pps 1e3", "not a whole number");
	REFUSED("threshold-pps -1", "not a whole number");
	REFUSED("threshold-pps 18446744073709551616", "not a whole number");
	REFUSED("src-pps 4294967296", "up to 4294967295");
	REFUSED("metrics-port 65536", "up to 65535");
	REFUSED("baseline-factor 0.5", "from 1 to 1000");
	REFUSED("baseline-factor nan", "from 1 to 1000");
	REFUSED("amp-guard on", "yes or no");
	REFUSED("flowspec-action drop", "discard or rate-limit");
	REFUSED("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
		" 1", "the key is too long");
	REFUSED("any-unknown-key 1", "unknown option any-unknown-key");
	REFUSED("block 192.0.2.1/24", "block: not a prefix");
	REFUSED("protect nowhere", "protect: not a prefix");
#undef REFUSED
	/* nothing of a refused line was set */
	assert_int_equal(c.det.threshold[V_PPS], 100);
	assert_int_equal(c.xdp.src_pps, UINT32_MAX);
	assert_int_equal(c.metrics_port, 65535);
	assert_int_equal(c.nblock, 1);
	assert_int_equal(shield_conf_line(&c, "hold-down 3\0", 12, err,
					  sizeof(err)), -1);
	assert_non_null(strstr(err, "NUL"));
}

static void requests(void **st)
{
	char cmd[SHIELD_MAX_COMMAND_BYTES], arg[SHIELD_MAX_REQUEST_BYTES];
	char big[SHIELD_MAX_REQUEST_BYTES + 8];

#define REQ(s) shield_request_parse(s, sizeof(s) - 1, cmd, arg)
	(void)st;
	assert_int_equal(REQ("status\n"), 0);
	assert_string_equal(cmd, "status");
	assert_string_equal(arg, "");
	assert_int_equal(REQ(" block\t10.0.0.0/8 \r\nignored second line"), 0);
	assert_string_equal(cmd, "block");
	assert_string_equal(arg, "10.0.0.0/8");
	assert_int_equal(REQ("report json"), 0); /* no newline: the end */
	assert_int_equal(REQ(""), 1);
	assert_int_equal(REQ(" \t\r\n"), 1);
	assert_int_equal(REQ("block 10.0.0.0/8 extra\n"), -1);
	assert_int_equal(REQ("block 10.0.0.0/8\0\n"), -1);
	assert_int_equal(REQ("cccccccccccccccccccccccccccccccccccc\n"), -1);
#undef REQ
	memset(big, 'a', sizeof(big));
	assert_int_equal(shield_request_parse(big, sizeof(big), cmd, arg), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_lines),
		cmocka_unit_test(requests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
