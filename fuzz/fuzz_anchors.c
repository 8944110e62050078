/*
 * fuzz_anchors.c -- libFuzzer target for the anchors matcher's tables as
 * the matcher cache holds them (anchorset_load): bytes that load must make
 * tables whose every entry names an anchored matchable, each of which
 * scans a buffer without reading outside it, and that save back to the
 * same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match/anchorset.h"
#include "util/vbuf.h"

/* Matchables the input may claim: the flags array is this big. */
#define FUZZ_MAX_MATCHABLES (1u << 16)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	size_t nmatch;
	const uint8_t *flags;
};

static int each(void *ctx, const struct anchor *a, size_t at)
{
	const struct seen *s = ctx;

	if (a->id >= s->nmatch || !(s->flags[a->id] & 1) || at > 4096)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t flags[FUZZ_MAX_MATCHABLES], buf[4096 + 8];
	struct anchor_set a;
	struct vbuf b = { 0 };
	uint64_t n = 0;
	struct seen s;

	if (size < 8)
		return 0;
	memcpy(&n, data, 8);
	if (n > FUZZ_MAX_MATCHABLES)
		return 0;
	memset(flags, 0, (size_t)n);
	if (anchorset_load(data, size, (size_t)n, flags, 1, 0, &a) < 0)
		return 0;
	s.nmatch = (size_t)n;
	s.flags = flags;
	memcpy(buf, data, size < sizeof(buf) ? size : sizeof(buf));
	for (unsigned t = 0; t < ANCHOR_TARGETS; t++)
		anchorset_scan(&a, 1u | 1u << t, buf, sizeof(buf) - 8, each, &s);
	if (anchorset_save(&a, flags, 1, (size_t)n, &b) < 0 || b.len != size ||
	    memcmp(b.data, data, size))
		abort();
	vbuf_free(&b);
	anchorset_free(&a);
	return 0;
}
