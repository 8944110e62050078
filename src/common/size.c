/*
 * size.c -- see size.h. Overflow is checked before the multiplication, so
 * "99999999999999999999G" is refused, never wrapped.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "common/size.h"

int size_parse(const char *s, uint64_t max_bytes, uint64_t *out)
{
	unsigned long long n;
	uint64_t mul = 1;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K': mul = 1ull << 10; break;
	case 'm': case 'M': mul = 1ull << 20; break;
	case 'g': case 'G': mul = 1ull << 30; break;
	default: break;
	}
	if (mul > 1)
		end++;
	if (errno || *end || n > max_bytes / mul)
		return -1;
	*out = (uint64_t)n * mul;
	return 0;
}
