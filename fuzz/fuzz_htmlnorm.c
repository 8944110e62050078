/*
 * fuzz_htmlnorm.c -- libFuzzer target for the HTML normaliser
 * (core/htmlnorm.c): any page gives its two forms, each at most twice the
 * page's size (a reference of four bytes, "&pi;", is the most a few bytes
 * grow: to "&#x03c0;"), the tags form alone is the same as with the
 * text form beside it, and both are the same with the plain text read a
 * byte at a time as a vector at a time (core/htmlplain.c: the best the
 * processor has, and AVX-512 BW's without VBMI2's white space runs).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/htmlnorm.h"
#include "core/htmlplain.h"

static int same(const struct vbuf *a, const struct vbuf *b)
{
	return a->len == b->len && (!a->len || !memcmp(a->data, b->data, a->len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vbuf tags = { 0 }, text = { 0 }, alone = { 0 };
	struct vbuf btags = { 0 }, btext = { 0 }, wtags = { 0 }, wtext = { 0 };

	if (htmlnorm(data, size, &tags, &text) != 0 ||
	    htmlnorm(data, size, &alone, NULL) != 0 ||
	    htmlnorm_how(data, size, &btags, &btext, HP_BYTES) != 0 ||
	    htmlnorm_how(data, size, &wtags, &wtext, HP_AVX512BW) != 0)
		abort();
	if (tags.len > 2 * size + 8 || text.len > 2 * size + 8 ||
	    !same(&alone, &tags) || !same(&btags, &tags) ||
	    !same(&btext, &text) || !same(&wtags, &tags) ||
	    !same(&wtext, &text))
		abort();
	vbuf_free(&wtags);
	vbuf_free(&wtext);
	vbuf_free(&tags);
	vbuf_free(&text);
	vbuf_free(&alone);
	vbuf_free(&btags);
	vbuf_free(&btext);
	return 0;
}
