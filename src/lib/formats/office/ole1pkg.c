/*
 * ole1pkg.c -- the "Package" object of OLE1 that wraps a file (label,
 * paths, then the file's bytes), as RTF \objdata and OLE2 "\1Ole10Native"
 * streams carry it.
 */
#include "formats/office/ole1pkg.h"

#include <string.h>

#include "common/reader.h"

/* A NUL-terminated string at the reader's position, or NULL. */
static const char *cstring(struct rdr *r)
{
	const uint8_t *s = r->buf + r->pos;
	const uint8_t *nul = r->pos < r->len ? memchr(s, 0, rdr_left(r)) : NULL;

	if (!nul)
		return NULL;
	rdr_skip(r, (size_t)(nul - s) + 1);
	return (const char *)s;
}

int ole1_package(struct fmt_ctx *c, const uint8_t *b, size_t len)
{
	struct rdr r;
	const char *label;
	const uint8_t *data;
	uint32_t n;
	size_t got;

	rdr_init(&r, b, len);
	rdr_skip(&r, 2);
	label = cstring(&r);
	cstring(&r);		/* original path */
	rdr_skip(&r, 4);	/* reserved, type */
	n = rdr_u32le(&r);
	rdr_skip(&r, n);	/* temporary path */
	n = got = rdr_u32le(&r);
	data = fmt_upto(c, "OLE1 package data", &r, &got);
	if (!label || !data)
		return fmt_child(c, "package", b, len);
	return fmt_child(c, *label ? label : "package", data, got);
}
