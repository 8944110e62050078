/*
 * fuzz_daemon.c -- libFuzzer targets for what vigild reads from clients
 * and its configuration: built once per FUZZ_TARGET.
 *  clamd_proto: the input is a byte stream of clamd commands, split one
 *    after another as the daemon does, with and without end of input;
 *  icap: an ICAP head up to the empty line, then chunk-size lines;
 *  vigild_conf: each line a configuration line.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "icap.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((unused)) static void clamd_proto(const char *p, size_t n)
{
	struct proto_command pc;
	int used;

	while (n) {
		used = proto_parse(p, n, 0, &pc);
		if (used == 0)
			used = proto_parse(p, n, 1, &pc);
		if (used <= 0)
			break;
		if (pc.arg && (pc.arg < p || pc.arg + pc.arg_len > p + n))
			abort(); /* the path must lie inside the input */
		proto_in_session(pc.cmd);
		p += used;
		n -= (size_t)used;
	}
}

__attribute__((unused)) static void icap(const char *p, size_t n)
{
	const char *end = memmem(p, n, "\r\n\r\n", 4);
	struct icap_request r;
	uint64_t size;
	size_t used;
	int ieof;

	if (!end)
		return;
	if (icap_parse_head(p, (size_t)(end - p) + 4, &r) == 0 &&
	    icap_encap_end(&r.enc) > ICAP_MAX_HEADER_BYTES)
		abort();
	n -= (size_t)(end - p) + 4;
	p = end + 4;
	while (n && icap_parse_chunk(p, n, &size, &ieof, &used) == 1) {
		if (used > n)
			abort();
		p += used;
		n -= used;
	}
}

__attribute__((unused)) static void vigild_conf(const char *p, size_t n)
{
	struct vconf c;
	char err[256];

	conf_defaults(&c);
	conf_text(&c, p, n, "fuzz", err, sizeof(err));
	conf_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = malloc(size + 1);

	if (!p)
		return 0;
	memcpy(p, data, size);
	p[size] = '\0';
	FUZZ_TARGET(p, size);
	free(p);
	return 0;
}
