/*
 * fuzz_shield_lines.c -- libFuzzer target for the shield's configuration
 * file (src/shield/ctl/conffile.c, over common/kvconf.c) and control
 * requests (request.c): the input is read as a whole configuration, line
 * by line, and as a request. A refusal always says why; what is accepted
 * stays within its fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conffile.h"
#include "request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_word(const char *w, size_t cap, int may_be_empty)
{
	size_t n = strnlen(w, cap);

	if (n == cap || (!n && !may_be_empty) || strpbrk(w, " \t\r\n"))
		abort();
}

static void check_conf(const struct shield_conf *c)
{
	if (c->nallow > SHIELD_CONF_MAX_PREFIXES ||
	    c->nblock > SHIELD_CONF_MAX_PREFIXES ||
	    c->det.nprotect > DETECT_MAX_PROTECTED || c->metrics_port > 65535 ||
	    strnlen(c->rules_file, sizeof(c->rules_file)) ==
		    sizeof(c->rules_file) ||
	    strnlen(c->mit.bird_socket, sizeof(c->mit.bird_socket)) ==
		    sizeof(c->mit.bird_socket))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct shield_conf c;
	static char cmd[SHIELD_MAX_COMMAND_BYTES], arg[SHIELD_MAX_REQUEST_BYTES];
	char err[512];

	memset(&c, 0, sizeof(c));
	err[0] = '\0';
	if (shield_conf_text(&c, (const char *)data, size, "fuzz", err,
			     sizeof(err)) < 0 && !err[0])
		abort(); /* a refusal always says why */
	check_conf(&c);
	if (shield_request_parse((const char *)data, size, cmd, arg) == 0) {
		check_word(cmd, sizeof(cmd), 0);
		check_word(arg, sizeof(arg), 1);
	}
	return 0;
}
