/*
 * opts.h -- the rule for the size-prefixed option structs of the public
 * API (as libbpf's OPTS_VALID): a caller's struct may be smaller than this
 * library's (an older program: the missing fields take their defaults) or
 * larger (a newer one), but then every byte past what this library knows
 * must be zero, so that a field set for a newer library is refused
 * (VIGIL_EINVAL) instead of silently ignored.
 */
#ifndef VIGIL_CORE_OPTS_H
#define VIGIL_CORE_OPTS_H

#include <stddef.h>
#include <stdint.h>

/* Whether the opts struct of size bytes is acceptable to a library that
 * knows known bytes of it and needs at least min. */
static inline int opts_valid(const void *opts, size_t size, size_t min,
			     size_t known)
{
	const uint8_t *p = opts;
	size_t i;

	if (size < min)
		return 0;
	for (i = known; i < size; i++)
		if (p[i])
			return 0;
	return 1;
}

#endif
