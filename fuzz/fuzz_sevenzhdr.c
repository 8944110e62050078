/*
 * fuzz_sevenzhdr.c -- libFuzzer target for a 7z archive's headers
 * (formats/archive/sevenzhdr.c) and the LZMA2 chunk walk that cuts a
 * folder (formats/codec/lzma2cut.c). The input is read as a signature
 * header and as a header of its own; whatever parses must describe
 * streams inside their folders, folders inside the archive, files with
 * names that end, and cuts in order inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/archive/sevenzhdr.h"
#include "formats/codec/lzma2cut.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_header(const struct sz_header *h, uint64_t len)
{
	for (size_t i = 0; i < h->nfolders; i++) {
		const struct sz_folder *f = &h->folder[i];

		if (f->chain_len > SZ_MAX_CHAIN || f->pack_at > len + 32 ||
		    f->first + f->nstreams > h->nstreams)
			abort();
	}
	for (size_t i = 0; i < h->nstreams; i++) {
		const struct sz_stream *s = &h->stream[i];

		if (s->folder >= h->nfolders ||
		    s->size > h->folder[s->folder].size ||
		    s->at > h->folder[s->folder].size - s->size)
			abort();
	}
	for (size_t i = 0; i < h->nfiles; i++)
		if ((h->file[i].stream != SZ_NONE &&
		     h->file[i].stream >= h->nstreams) ||
		    strlen(h->names + h->file[i].name) > len * 2)
			abort();
}

static void check_cuts(const uint8_t *data, size_t size)
{
	struct lzma2_cut cut[64];
	size_t n = lzma2_cuts(data, size, size % 3 ? 1 : 0, cut, 64);

	if (!n || n > 64 || cut[0].in || cut[0].out)
		abort();
	for (size_t i = 1; i < n; i++)
		if (cut[i].in <= cut[i - 1].in || cut[i].in >= size ||
		    cut[i].out <= cut[i - 1].out)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sz_header h;
	size_t at, n;
	int ok;

	if (sz_signature(data, size, &at, &n, &ok) == 0 &&
	    (at < SZ_SIG_BYTES || at > size || n > size - at))
		abort();
	if (sz_parse(data, size, size, &h) >= 0)
		check_header(&h, size);
	sz_free(&h);
	check_cuts(data, size);
	return 0;
}
