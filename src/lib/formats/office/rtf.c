/*
 * rtf.c -- objects embedded in RTF documents: the hex of every \objdata
 * group is decoded and read as an OLE1 object (version, format, class,
 * topic, item, native data). A "Package" object gives up the file it
 * wraps, under its own name; any other class gives its native data (often
 * an OLE2 document, unpacked in turn). What cannot be parsed is handed
 * over whole, never dropped.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "formats/format.h"
#include "formats/office/ole1pkg.h"
#include "formats/parsers.h"
#include "common/reader.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define RTF_MAX_OBJECTS 1000
#define OLE1_MAX_STRING 4096

int rtf_probe(const uint8_t *buf, size_t len, int type)
{
	(void)buf;
	(void)len;
	return type == VIGIL_TYPE_RTF;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* Hex digits of the group that \objdata opens, up to its closing brace. */
static size_t objdata(const uint8_t *p, const uint8_t *end, size_t max,
		      struct vbuf *out, int *over)
{
	const uint8_t *start = p;
	int depth = 0, hi = -1;

	for (; p < end; p++) {
		int v;

		if (*p == '{')
			depth++;
		else if (*p == '}' && depth-- == 0)
			break;
		else if ((v = hexval(*p)) >= 0 && depth == 0) {
			if (hi < 0) {
				hi = v;
				continue;
			}
			if (out->len >= max) {
				*over = 1;
				break;
			}
			if (vbuf_append_u8(out, (uint8_t)(hi << 4 | v)) < 0)
				break;
			hi = -1;
		} else if (*p == '\\') {
			while (p + 1 < end && ((p[1] | 0x20) >= 'a' && (p[1] | 0x20) <= 'z'))
				p++; /* a control word inside: skip it */
		}
	}
	return (size_t)(p - start);
}

/* A length-prefixed OLE1 string; returns it, or NULL. */
static const char *ole1_string(struct rdr *r, uint32_t *n)
{
	*n = rdr_u32le(r);
	if (*n > OLE1_MAX_STRING)
		return NULL;
	return (const char *)rdr_bytes(r, *n);
}

static int ole1(struct fmt_ctx *c, const uint8_t *b, size_t len,
		unsigned idx)
{
	struct rdr r;
	const char *cls;
	const uint8_t *native;
	uint32_t n, size;
	char name[32];

	rdr_init(&r, b, len);
	rdr_skip(&r, 4); /* version */
	if (rdr_u32le(&r) == 2 && (cls = ole1_string(&r, &n))) {
		ole1_string(&r, &size); /* topic */
		ole1_string(&r, &size); /* item */
		size = rdr_u32le(&r);
		native = rdr_bytes(&r, size);
		if (native && n >= 7 && !memcmp(cls, "Package", 7))
			return ole1_package(c, native, size);
		if (native) {
			snprintf(name, sizeof(name), "object-%u", idx);
			return fmt_child(c, name, native, size);
		}
	}
	snprintf(name, sizeof(name), "objdata-%u", idx);
	return fmt_child(c, name, b, len);
}

int rtf_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	const uint8_t *p = buf, *end = buf + len;
	unsigned n = 0;
	int rc = 0;

	while (!rc && (p = memmem(p, (size_t)(end - p), "\\objdata", 8))) {
		struct vbuf out = { 0 };
		int over = 0;

		p += 8;
		if (++n > RTF_MAX_OBJECTS)
			return fmt_unreadable(c, "Heuristics.Limits.Exceeded.MaxFiles");
		p += objdata(p, end, fmt_max_child(c), &out, &over);
		if (over)
			rc = fmt_too_big(c, "objdata");
		else if (out.len)
			rc = ole1(c, out.data, out.len, n);
		vbuf_free(&out);
	}
	return rc;
}
