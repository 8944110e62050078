/*
 * mail.c -- RFC 822 / MIME messages and mbox files. A message's parts are
 * decoded (base64, quoted-printable, uuencode, or as they are) and each is
 * handed to fmt_child() under its file name; multipart bodies and attached
 * messages are followed to MAIL_MAX_DEPTH; uuencoded blocks are also found
 * in plain bodies. Headers are unfolded and read case-insensitively.
 * Lines, headers, boundaries and mbox separators are read through the
 * bounded reader.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "formats/codec/encoding.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "common/reader.h"
#include "vigil/vigil.h"

#define MAIL_MAX_DEPTH 32
#define MAIL_MAX_PARTS 10000
#define HDR_VALUE_BYTES 1024
#define PART_NAME_BYTES 256

struct entity {
	const uint8_t *hdr;
	size_t hlen;
	const uint8_t *body;
	size_t blen;
};

struct mctx {
	struct fmt_ctx *c;
	unsigned parts;
};

int mail_probe(const uint8_t *buf, size_t len, int type)
{
	(void)buf;
	(void)len;
	return type == VIGIL_TYPE_MAIL;
}

/* Splits headers from body at the first empty line after a line. */
static void split(const uint8_t *b, size_t len, struct entity *e)
{
	const char *line;
	struct rdr r;
	size_t n, eol;

	e->hdr = b;
	rdr_init(&r, b, len);
	while (rdr_until(&r, '\n', len, &line, &n)) {
		eol = r.pos;
		if (rdr_accept(&r, "\n", 1) || rdr_accept(&r, "\r\n", 2)) {
			e->hlen = eol;
			e->body = b + r.pos;
			e->blen = rdr_left(&r);
			return;
		}
	}
	e->hlen = len; /* headers only */
	e->body = b + len;
	e->blen = 0;
}

/* Appends a header line's bytes to out (o of cap used): CRs out, tabs as spaces. */
static size_t unfold(const char *l, size_t n, char *out, size_t o, size_t cap)
{
	size_t k;

	for (k = 0; k < n && o + 1 < cap; k++)
		if (l[k] != '\r')
			out[o++] = l[k] == '\t' ? ' ' : l[k];
	return o;
}

/* The unfolded value of header name, or "" if absent. */
static void header(const struct entity *e, const char *name, char *out,
		   size_t cap)
{
	size_t nl = strlen(name), n, o = 0;
	const char *line;
	struct rdr r, l;
	int next;

	out[0] = 0;
	rdr_init(&r, e->hdr, e->hlen);
	while (rdr_field(&r, '\n', e->hlen, &line, &n)) {
		rdr_init(&l, line, n);
		if (n <= nl || !rdr_accept_nocase(&l, name, nl) ||
		    !rdr_accept(&l, ":", 1))
			continue;
		rdr_span(&l, " \t");
		o = unfold(rdr_here(&l), rdr_left(&l), out, o, cap);
		while (((next = rdr_peek(&r)) == ' ' || next == '\t') &&
		       rdr_field(&r, '\n', e->hlen, &line, &n))
			o = unfold(line, n, out, o, cap); /* a continuation */
		out[o] = 0;
		return;
	}
}

/* A parameter (boundary=, name=, filename=) of a header value. */
static void param(const char *v, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name), o = 0;
	const char *p = v;

	out[0] = 0;
	while ((p = strcasestr(p, name))) {
		if ((p == v || p[-1] == ';' || isspace((unsigned char)p[-1])) &&
		    (p[nl] == '=' || (p[nl] == '*' && strchr(p, '='))))
			break;
		p += nl;
	}
	if (!p)
		return;
	p = strchr(p, '=') + 1;
	while (*p == ' ')
		p++;
	if (*p == '"') {
		for (p++; *p && *p != '"' && o + 1 < cap; p++)
			out[o++] = *p;
	} else {
		for (; *p && *p != ';' && !isspace((unsigned char)*p) && o + 1 < cap; p++)
			out[o++] = *p;
	}
	out[o] = 0;
}

static int entity_scan(struct mctx *m, const uint8_t *b, size_t len,
		       unsigned depth);

/* Decoded body handed over; a text body (not an attachment) has its
 * links checked for phishing first. */
static int leaf(struct mctx *m, const struct entity *e, const char *name,
		int body_text)
{
	char enc[HDR_VALUE_BYTES];
	struct vbuf out = { 0 };
	size_t max = fmt_max_child(m->c);
	int over = 0, rc;

	if (++m->parts > MAIL_MAX_PARTS)
		return fmt_unreadable(m->c, FMT_MAXFILES);
	header(e, "Content-Transfer-Encoding", enc, sizeof(enc));
	if (strcasestr(enc, "base64"))
		rc = enc_base64(e->body, e->blen, max, &out, &over);
	else if (strcasestr(enc, "quoted-printable"))
		rc = enc_qp(e->body, e->blen, max, &out, &over);
	else
		rc = vbuf_append(&out, e->body, e->blen < max ? e->blen : max);
	if (rc == 0 && body_text && !over && out.len)
		rc = fmt_phish(m->c, out.data, out.len);
	if (rc == 0 && over)
		rc = fmt_too_big(m->c, name);
	else if (rc == 0 && out.len)
		rc = fmt_child(m->c, name, out.data, out.len);
	vbuf_free(&out);
	return rc;
}

/* "begin 644 name" blocks anywhere in a body. */
static int uu_blocks(struct mctx *m, const uint8_t *b, size_t len)
{
	char name[PART_NAME_BYTES];
	long at;
	size_t from = 0;
	int rc = 0;

	while (!rc && (at = enc_uu_find(b, len, from, name, sizeof(name))) >= 0) {
		struct vbuf out = { 0 };
		size_t used = 0;
		int over = 0;

		rc = enc_uu(b + at, len - (size_t)at, fmt_max_child(m->c), &out,
			    &over, &used);
		if (!rc)
			rc = over ? fmt_too_big(m->c, name) :
			     out.len ? fmt_child(m->c, name, out.data, out.len) : 0;
		vbuf_free(&out);
		from = (size_t)at + used;
	}
	return rc;
}

/* Next "--boundary" line at or after pos; returns its start or -1. */
static long next_boundary(const uint8_t *b, size_t len, size_t pos,
			  const char *bd, size_t bl, size_t *after, int *last)
{
	const char *line;
	struct rdr r;
	size_t start, n;

	rdr_init(&r, b, len);
	rdr_seek(&r, pos);
	while (rdr_left(&r) >= 2 + bl) {
		start = r.pos;
		if (rdr_accept(&r, "--", 2) && rdr_accept(&r, bd, bl)) {
			*last = rdr_accept(&r, "--", 2);
			*after = rdr_until(&r, '\n', len, &line, &n) ? r.pos : len;
			return (long)start;
		}
		rdr_seek(&r, start);
		if (!rdr_until(&r, '\n', len, &line, &n))
			break;
	}
	return -1;
}

static int multipart(struct mctx *m, const struct entity *e, const char *bd,
		     unsigned depth)
{
	size_t bl = strlen(bd), after = 0, pos = 0;
	int last = 0, rc = 0;
	long at = next_boundary(e->body, e->blen, 0, bd, bl, &pos, &last);

	while (at >= 0 && !last && !rc && !fmt_expired(m->c)) {
		long nx = next_boundary(e->body, e->blen, pos, bd, bl, &after,
					&last);
		size_t end = nx >= 0 ? (size_t)nx : e->blen;

		if (end > pos && e->body[end - 1] == '\n')
			end -= (end - 1 > pos && e->body[end - 2] == '\r') ? 2 : 1;
		rc = entity_scan(m, e->body + pos, end > pos ? end - pos : 0,
				 depth + 1);
		at = nx;
		pos = after;
	}
	return rc;
}

static int entity_scan(struct mctx *m, const uint8_t *b, size_t len,
		       unsigned depth)
{
	char ct[HDR_VALUE_BYTES], cd[HDR_VALUE_BYTES], v[PART_NAME_BYTES];
	struct entity e;
	int body_text;

	if (depth > MAIL_MAX_DEPTH)
		return fmt_unreadable(m->c,
				      "Heuristics.Limits.Exceeded.MaxRecursion");
	split(b, len, &e);
	header(&e, "Content-Type", ct, sizeof(ct));
	if (!strncasecmp(ct, "multipart/", 10)) {
		param(ct, "boundary", v, sizeof(v));
		if (*v)
			return multipart(m, &e, v, depth);
	}
	if (!strncasecmp(ct, "message/rfc822", 14))
		return entity_scan(m, e.body, e.blen, depth + 1);
	header(&e, "Content-Disposition", cd, sizeof(cd));
	param(cd, "filename", v, sizeof(v));
	if (!*v)
		param(ct, "name", v, sizeof(v));
	body_text = !*v && (!*ct || !strncasecmp(ct, "text/", 5)) &&
		    strncasecmp(cd, "attachment", 10);
	if (!*v)
		snprintf(v, sizeof(v), "part%u", m->parts + 1);
	header(&e, "Content-Transfer-Encoding", cd, sizeof(cd));
	if (strcasestr(cd, "uuencode") || !*ct || !strncasecmp(ct, "text/", 5)) {
		int rc = uu_blocks(m, e.body, e.blen);

		if (rc || strcasestr(cd, "uuencode"))
			return rc;
	}
	return leaf(m, &e, v, body_text);
}

/* Where the next line starting "From " after the one at from begins, or len. */
static size_t next_from(const uint8_t *buf, size_t len, size_t from)
{
	const char *line;
	struct rdr r;
	size_t n, at;

	rdr_init(&r, buf, len);
	rdr_seek(&r, from);
	while (rdr_until(&r, '\n', len, &line, &n)) {
		at = r.pos;
		if (rdr_accept(&r, "From ", 5))
			return at;
	}
	return len;
}

/* mbox: messages start with "From " at the start of a line. */
int mail_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct mctx m = { c, 0 };
	const char *line;
	size_t start = 0, end, n;
	struct rdr r;
	int rc = 0;

	rdr_init(&r, buf, len);
	if (!rdr_accept(&r, "From ", 5))
		return entity_scan(&m, buf, len, 0);
	while (start < len && !rc && !fmt_expired(c)) {
		end = next_from(buf, len, start);
		rdr_init(&r, buf + start, end - start);
		if (rdr_until(&r, '\n', end - start, &line, &n)) /* "From " line */
			rc = entity_scan(&m, buf + start + r.pos, rdr_left(&r), 0);
		start = end;
	}
	return rc;
}
