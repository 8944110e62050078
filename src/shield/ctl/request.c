/*
 * request.c -- see request.h. Split through the bounded reader; a NUL
 * byte, a word too long or a word too many is refused.
 */
#include <string.h>

#include "common/reader.h"
#include "request.h"

int shield_request_parse(const char *buf, size_t len, char *cmd, char *arg)
{
	static const char space[] = " \t\r";
	const char *line;
	char more[2];
	struct rdr r, l;
	size_t n;

	rdr_init(&r, buf, len);
	if (!rdr_field(&r, '\n', SHIELD_MAX_REQUEST_BYTES, &line, &n))
		return rdr_failed(&r) ? -1 : 1;
	rdr_init(&l, line, n);
	rdr_span(&l, space);
	if (!rdr_left(&l))
		return 1;
	return rdr_word(&l, space, cmd, SHIELD_MAX_COMMAND_BYTES) < 0 ||
	       rdr_word(&l, space, arg, SHIELD_MAX_REQUEST_BYTES) < 0 ||
	       rdr_word(&l, space, more, sizeof(more)) < 0 || more[0] ? -1 : 0;
}
