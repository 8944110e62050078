/*
 * utf8.h -- one UTF-16 code unit of a file name as UTF-8, for the readers
 * of file systems that store names in UCS-2 (HFS+, UDF): NUL and '/'
 * become '_', so a name stays one path component.
 */
#ifndef VIGIL_UTIL_UTF8_H
#define VIGIL_UTIL_UTF8_H

#include <stddef.h>

/* Writes 1 to 3 bytes at out; returns how many. */
static inline size_t utf8_name_unit(char *out, unsigned u)
{
	if (u < 0x80) {
		out[0] = u && u != '/' ? (char)u : '_';
		return 1;
	}
	if (u < 0x800) {
		out[0] = (char)(0xc0 | u >> 6);
		out[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	out[0] = (char)(0xe0 | (u >> 12 & 0x0f));
	out[1] = (char)(0x80 | (u >> 6 & 0x3f));
	out[2] = (char)(0x80 | (u & 0x3f));
	return 3;
}

#endif
