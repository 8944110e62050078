/*
 * htmlnorm.c -- the form of an HTML page that target-3 signatures see:
 * comments removed, character references decoded (&lt; &#65; &#x41;),
 * letters lowered, runs of whitespace made one space, control bytes
 * dropped. Output is never longer than input. Sixteen bytes of plain
 * text go at once (norm16.h).
 */
#define _GNU_SOURCE
#include "core/htmlnorm.h"

#include <string.h>

#include "core/norm16.h"
#include "formats/codec/encoding.h"

static size_t comment_end(const uint8_t *in, size_t len, size_t i)
{
	const uint8_t *e = memmem(in + i + 4, len - i - 4, "-->", 3);

	return e ? (size_t)(e - in) + 3 : len;
}

size_t htmlnorm(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i = 0, o = 0, used;
	unsigned space = 0;

	while (i < len) {
		uint8_t c = in[i];

#ifdef __SSE2__
		if (len - i >= 16 && norm16(in + i, out + o, &space,
					    NORM16_HTML)) {
			i += 16;
			o += 16;
			continue;
		}
#endif
		if (c == '<' && len - i >= 4 && !memcmp(in + i, "<!--", 4)) {
			i = comment_end(in, len, i);
			continue;
		}
		if (c == '&' && (used = enc_html_ref(in + i, len - i, &c)))
			i += used;
		else
			i++;
		if (c == ' ' || (c >= '\t' && c <= '\r')) {
			if (!space)
				out[o++] = ' ';
			space = 1;
		} else if (c > ' ') {
			out[o++] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
			space = 0;
		}
	}
	return o;
}
