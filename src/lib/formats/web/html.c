/*
 * html.c -- what an HTML page carries inside it: data: URIs encoded in
 * base64 (decoded, each one object; found with the page's character
 * references decoded, as a browser reads attribute values) and script
 * blocks (each one object, matched as text). The page's normalised form
 * for target-3 signatures is made by core/htmlnorm.c when the page itself
 * is matched. The page is read through the bounded reader.
 */
#include <stdio.h>
#include <string.h>

#include "formats/codec/encoding.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "common/reader.h"
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

#define B64_TEXT "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
		 "0123456789+/= \t\r\n"

/* At "data:": whether the URI's head says ";base64" before its comma. */
static int base64_uri(const struct rdr *r)
{
	const char *head;
	size_t n;
	struct rdr h;

	rdr_init(&h, rdr_here(r), rdr_left(r) < DATA_URI_HEAD_BYTES ?
					 rdr_left(r) : DATA_URI_HEAD_BYTES);
	if (!rdr_until(&h, ',', DATA_URI_HEAD_BYTES, &head, &n))
		return 0;
	rdr_init(&h, head + 5, n - 5);
	return rdr_find_nocase(&h, ";base64", 7);
}

static int data_uris(struct fmt_ctx *c, const uint8_t *b, size_t len,
		     unsigned *count)
{
	const char *data;
	struct rdr r;
	size_t n;
	int rc = 0;

	rdr_init(&r, b, len);
	while (!rc && rdr_find_nocase(&r, "data:", 5)) {
		struct vbuf out = { 0 };
		char name[32];
		int over = 0;

		if (!base64_uri(&r)) {
			rdr_skip(&r, 5);
			continue;
		}
		rdr_until(&r, ',', DATA_URI_HEAD_BYTES, &data, &n);
		data = rdr_here(&r);
		n = rdr_span(&r, B64_TEXT);
		if (++*count > HTML_MAX_OBJECTS)
			return fmt_unreadable(c, FMT_MAXFILES);
		snprintf(name, sizeof(name), "data-uri-%u", *count);
		rc = enc_base64((const uint8_t *)data, n, fmt_max_child(c), &out,
				&over);
		if (!rc)
			rc = over ? fmt_too_big(c, name) :
			     out.len ? fmt_child(c, name, out.data, out.len) : 0;
		vbuf_free(&out);
	}
	return rc;
}

static int scripts(struct fmt_ctx *c, const uint8_t *b, size_t len,
		   unsigned *count)
{
	const char *tag;
	size_t n, start;
	struct rdr r;
	int rc = 0;

	rdr_init(&r, b, len);
	while (!rc && rdr_find_nocase(&r, "<script", 7)) {
		char name[32];

		if (!rdr_until(&r, '>', len, &tag, &n))
			break;
		start = r.pos;
		/* a script a browser would run ends with its end tag (one left
		 * open at the end of the page is never run); "<script" inside
		 * it is text, and is not taken again as a block of its own */
		if (!rdr_find_nocase(&r, "</script", 8))
			break;
		if (++*count > HTML_MAX_OBJECTS)
			return fmt_unreadable(c, FMT_MAXFILES);
		snprintf(name, sizeof(name), "script-%u", *count);
		if (r.pos > start)
			rc = fmt_child(c, name, b + start, r.pos - start);
	}
	return rc;
}

int html_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	unsigned count = 0;
	struct vbuf refs = { 0 };
	int rc;

	/* Attribute values are read with their character references decoded
	 * ("data&#58;...;base64,": a browser's data: URI); a script's text
	 * is not. */
	if (memchr(buf, '&', len)) {
		if (vbuf_reserve(&refs, len) < 0)
			return VIGIL_ENOMEM;
		refs.len = enc_html_refs(buf, len, refs.data);
		rc = data_uris(c, refs.data, refs.len, &count);
		vbuf_free(&refs);
	} else {
		rc = data_uris(c, buf, len, &count);
	}
	return rc ? rc : scripts(c, buf, len, &count);
}
