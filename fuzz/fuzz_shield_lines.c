/*
 * fuzz_shield_lines.c -- libFuzzer target for the shield's configuration
 * lines and control requests (src/shield/ctl/lines.c): each line of the
 * input is read as a configuration line, the whole as a request. What is
 * accepted must be words: non-empty, no spaces, within their limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_word(const char *w, size_t cap, int may_be_empty)
{
	size_t n = strnlen(w, cap);

	if (n == cap || (!n && !may_be_empty) || strpbrk(w, " \t\r\n"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char key[SHIELD_CONF_MAX_KEY_BYTES];
	static char val[SHIELD_CONF_MAX_LINE_BYTES];
	static char cmd[SHIELD_MAX_COMMAND_BYTES], arg[SHIELD_MAX_REQUEST_BYTES];
	const char *p = (const char *)data, *nl;
	size_t left = size, n;
	char err[256];

	while (left) {
		nl = memchr(p, '\n', left);
		n = nl ? (size_t)(nl - p) : left;
		err[0] = '\0';
		switch (shield_conf_line(p, n, key, val, err, sizeof(err))) {
		case 0:
			check_word(key, sizeof(key), 0);
			check_word(val, sizeof(val), 0);
			break;
		case -1:
			if (!err[0])
				abort(); /* a refusal always says why */
			break;
		}
		p += n + (nl != NULL);
		left -= n + (nl != NULL);
	}
	if (shield_request_parse((const char *)data, size, cmd, arg) == 0) {
		check_word(cmd, sizeof(cmd), 0);
		check_word(arg, sizeof(arg), 1);
	}
	return 0;
}
