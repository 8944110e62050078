/*
 * delta.c -- see delta.h. The decoder's window is capped whatever the
 * frame asks, and output stops at the signed length.
 */
#include <stdlib.h>
#include <zstd.h>

#include "delta.h"

static unsigned window_log(size_t n)
{
	unsigned w = 10;

	while (w < 31 && ((size_t)1 << w) < n)
		w++;
	return w;
}

int upd_delta_make(const void *old, size_t oldlen, const void *new_,
	       size_t newlen, int level, void **out, size_t *outlen)
{
	unsigned w = window_log(oldlen > newlen ? oldlen : newlen);
	size_t bound = ZSTD_compressBound(newlen), n;
	ZSTD_CCtx *c;
	void *buf;

	*out = NULL;
	if (w > DELTA_WINDOW_LOG_MAX || !(c = ZSTD_createCCtx()))
		return -1;
	if (!(buf = malloc(bound))) {
		ZSTD_freeCCtx(c);
		return -1;
	}
	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level);
	ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, (int)w);
	ZSTD_CCtx_setParameter(c, ZSTD_c_enableLongDistanceMatching, 1);
	ZSTD_CCtx_refPrefix(c, old, oldlen);
	n = ZSTD_compress2(c, buf, bound, new_, newlen);
	ZSTD_freeCCtx(c);
	if (ZSTD_isError(n)) {
		free(buf);
		return -1;
	}
	*out = buf;
	*outlen = n;
	return 0;
}

int upd_delta_apply(const void *old, size_t oldlen, const void *delta,
		size_t dlen, void *out, size_t outlen)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	ZSTD_inBuffer in = { delta, dlen, 0 };
	ZSTD_outBuffer o = { out, outlen, 0 };
	size_t rc = 1;
	int ok = 0;

	if (!d)
		return -1;
	ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, DELTA_WINDOW_LOG_MAX);
	ZSTD_DCtx_refPrefix(d, old, oldlen);
	while (rc && in.pos < in.size && o.pos < o.size) {
		rc = ZSTD_decompressStream(d, &o, &in);
		if (ZSTD_isError(rc))
			break;
	}
	ok = !ZSTD_isError(rc) && rc == 0 && in.pos == in.size &&
	     o.pos == outlen;
	ZSTD_freeDCtx(d);
	return ok ? 0 : -1;
}
