/*
 * fields.c -- strict field splitting and number parsing for signature
 * lines. Nothing here allocates; fields point into the caller's line.
 */
#include "db/fields.h"

#include <string.h>

int fields_split(const char *s, size_t n, char sep, struct fields *f,
		 size_t max)
{
	size_t start = 0, i;

	if (max > FIELDS_MAX)
		max = FIELDS_MAX;
	f->count = 0;
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != sep)
			continue;
		if (f->count == max)
			return -1;
		f->p[f->count] = s + start;
		f->n[f->count++] = i - start;
		start = i + 1;
	}
	return 0;
}

int fields_u64(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (!n || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9 || x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int fields_hexdig(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int fields_all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fields_hexdig(s[i]) < 0)
			return 0;
	return 1;
}

int fields_hex(const char *s, size_t n, uint8_t *out, size_t dlen)
{
	size_t i;

	if (n != 2 * dlen)
		return -1;
	for (i = 0; i < dlen; i++) {
		int hi = fields_hexdig(s[2 * i]);
		int lo = fields_hexdig(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int fields_eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}
