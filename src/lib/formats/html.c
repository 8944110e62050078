/*
 * html.c -- what an HTML page carries inside it: data: URIs encoded in
 * base64 (decoded, each one object) and script blocks (each one object,
 * matched as text). The page's normalised form for target-3 signatures
 * is made by core/htmlnorm.c when the page itself is matched.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "formats/encoding.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "vigil/vigil.h"

/* Objects taken from one page at most. */
#define HTML_MAX_OBJECTS 1000
#define DATA_URI_HEAD_BYTES 256

int html_probe(const uint8_t *buf, size_t len, int type)
{
	(void)buf;
	(void)len;
	return type == VIGIL_TYPE_HTML;
}

/* First case-insensitive occurrence of s (lower case) in b, or NULL. */
static const uint8_t *find_ci(const uint8_t *b, size_t len, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= len; i++)
		if ((b[i] | 0x20) == (uint8_t)s[0] &&
		    !strncasecmp((const char *)b + i, s, n))
			return b + i;
	return NULL;
}

static int is_b64(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=' ||
	       c == '\n' || c == '\r' || c == ' ' || c == '\t';
}

static int data_uris(struct fmt_ctx *c, const uint8_t *b, size_t len,
		     unsigned *count)
{
	const uint8_t *p = b, *end = b + len;
	int rc = 0;

	while (!rc && (p = find_ci(p, (size_t)(end - p), "data:"))) {
		size_t head = (size_t)(end - p) < DATA_URI_HEAD_BYTES ?
				      (size_t)(end - p) :
				      DATA_URI_HEAD_BYTES;
		const uint8_t *comma = memchr(p, ',', head), *q;
		struct vbuf out = { 0 };
		char name[32];
		int over = 0;

		p += 5;
		if (!comma || !find_ci(p, (size_t)(comma - p), ";base64"))
			continue;
		for (q = comma + 1; q < end && is_b64(*q); q++)
			;
		if (++*count > HTML_MAX_OBJECTS)
			return fmt_unreadable(c, "Heuristics.Limits.Exceeded.MaxFiles");
		snprintf(name, sizeof(name), "data-uri-%u", *count);
		rc = enc_base64(comma + 1, (size_t)(q - comma - 1),
				fmt_max_child(c), &out, &over);
		if (!rc)
			rc = over ? fmt_too_big(c, name) :
			     out.len ? fmt_child(c, name, out.data, out.len) : 0;
		vbuf_free(&out);
		p = q;
	}
	return rc;
}

static int scripts(struct fmt_ctx *c, const uint8_t *b, size_t len,
		   unsigned *count)
{
	const uint8_t *p = b, *end = b + len;
	int rc = 0;

	while (!rc && (p = find_ci(p, (size_t)(end - p), "<script"))) {
		const uint8_t *gt = memchr(p, '>', (size_t)(end - p)), *close;
		char name[32];

		if (!gt)
			break;
		close = find_ci(gt, (size_t)(end - gt), "</script");
		if (!close)
			close = end;
		if (++*count > HTML_MAX_OBJECTS)
			return fmt_unreadable(c, "Heuristics.Limits.Exceeded.MaxFiles");
		snprintf(name, sizeof(name), "script-%u", *count);
		if (close > gt + 1)
			rc = fmt_child(c, name, gt + 1, (size_t)(close - gt - 1));
		p = close;
		if (p == end)
			break;
	}
	return rc;
}

int html_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	unsigned count = 0;
	int rc = data_uris(c, buf, len, &count);

	return rc ? rc : scripts(c, buf, len, &count);
}
