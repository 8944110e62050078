/*
 * lzmaraw.c -- see lzmaraw.h.
 */
#include "formats/codec/lzmaraw.h"

#include <lzma.h>

#include "formats/format.h"
#include "vigil/vigil.h"

int lzma_raw(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
	     unsigned lc, unsigned lp, unsigned pb)
{
	lzma_options_lzma opt;
	lzma_filter f[2] = { { LZMA_FILTER_LZMA1, &opt },
			     { LZMA_VLI_UNKNOWN, NULL } };
	lzma_stream z = LZMA_STREAM_INIT;
	lzma_ret r = LZMA_OK;

	if (lzma_lzma_preset(&opt, 0))
		return FMT_DAMAGED;
	opt.lc = lc;
	opt.lp = lp;
	opt.pb = pb;
	/* distances reach back over the output at most */
	opt.dict_size = cap > LZMA_DICT_SIZE_MIN ? (uint32_t)cap :
						   LZMA_DICT_SIZE_MIN;
	if ((r = lzma_raw_decoder(&z, f)) != LZMA_OK)
		return r == LZMA_MEM_ERROR ? VIGIL_ENOMEM : FMT_DAMAGED;
	z.next_in = in;
	z.avail_in = n;
	z.next_out = out;
	z.avail_out = cap;
	while (r == LZMA_OK && z.avail_out && z.avail_in)
		r = lzma_code(&z, LZMA_RUN);
	lzma_end(&z);
	if (r == LZMA_MEM_ERROR)
		return VIGIL_ENOMEM;
	return z.avail_out && r != LZMA_STREAM_END ? FMT_DAMAGED : 0;
}
