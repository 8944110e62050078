/*
 * fuzz_htmlnorm.c -- libFuzzer target for the HTML normaliser
 * (core/htmlnorm.c): any page gives its two forms, each at most twice the
 * page's size (a reference of four bytes, "&pi;", is the most a few bytes
 * grow: to "&#x03c0;"), and the tags form alone is the same as with the
 * text form beside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/htmlnorm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vbuf tags = { 0 }, text = { 0 }, alone = { 0 };

	if (htmlnorm(data, size, &tags, &text) != 0 ||
	    htmlnorm(data, size, &alone, NULL) != 0)
		abort();
	if (tags.len > 2 * size + 8 || text.len > 2 * size + 8 ||
	    alone.len != tags.len ||
	    (tags.len && memcmp(alone.data, tags.data, tags.len)))
		abort();
	vbuf_free(&tags);
	vbuf_free(&text);
	vbuf_free(&alone);
	return 0;
}
