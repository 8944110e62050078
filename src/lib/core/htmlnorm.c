/*
 * htmlnorm.c -- the form of an HTML page that target-3 signatures see:
 * comments removed, character references decoded (&lt; &#65; &#x41;),
 * letters lowered, runs of whitespace made one space, control bytes
 * dropped. Output is never longer than input.
 */
#define _GNU_SOURCE
#include "core/htmlnorm.h"

#include <string.h>

/* Named references that matter for matching markup and script. */
static const struct {
	const char *name;
	uint8_t ch;
} entities[] = {
	{ "lt;", '<' },	  { "gt;", '>' },   { "amp;", '&' }, { "quot;", '"' },
	{ "apos;", '\'' }, { "nbsp;", ' ' }, { "tab;", '\t' },
	{ "newline;", '\n' },
};

static int hexd(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* Decodes a reference at in[0] == '&'; returns bytes used, 0 if none. */
static size_t entity(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i, k;
	unsigned v = 0;

	if (len > 2 && in[1] == '#') {
		int hex = (in[2] | 0x20) == 'x';

		for (i = hex ? 3 : 2, k = 0; i < len && k < 8; i++, k++) {
			int d = hex ? hexd(in[i]) :
				(in[i] >= '0' && in[i] <= '9') ? in[i] - '0' : -1;

			if (d < 0)
				break;
			v = v * (hex ? 16u : 10u) + (unsigned)d;
		}
		if (!k || v > 0xff)
			return 0; /* wider characters stay as they are */
		*out = (uint8_t)v;
		return i < len && in[i] == ';' ? i + 1 : i;
	}
	for (k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
		size_t n = strlen(entities[k].name);

		if (len > n && !memcmp(in + 1, entities[k].name, n)) {
			*out = entities[k].ch;
			return n + 1;
		}
	}
	return 0;
}

static size_t comment_end(const uint8_t *in, size_t len, size_t i)
{
	const uint8_t *e = memmem(in + i + 4, len - i - 4, "-->", 3);

	return e ? (size_t)(e - in) + 3 : len;
}

size_t htmlnorm(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i = 0, o = 0, used;
	int space = 0;

	while (i < len) {
		uint8_t c = in[i];

		if (c == '<' && len - i >= 4 && !memcmp(in + i, "<!--", 4)) {
			i = comment_end(in, len, i);
			continue;
		}
		if (c == '&' && (used = entity(in + i, len - i, &c)))
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
