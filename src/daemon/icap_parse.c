/*
 * icap_parse.c -- reads ICAP requests' syntax (RFC 3507 sections 4.3-4.5).
 * Every number is bounded before use; an offset list that is not
 * increasing, or a header section larger than ICAP_MAX_HEADER_BYTES, is
 * refused.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "icap.h"

/* A decimal at *p, up to max; advances *p. -1 if none or too large. */
static int64_t number(const char **p, const char *end, int64_t max)
{
	int64_t v = 0;
	const char *s = *p;

	if (s == end || !isdigit((unsigned char)*s))
		return -1;
	while (s < end && isdigit((unsigned char)*s)) {
		v = v * 10 + (*s++ - '0');
		if (v > max)
			return -1;
	}
	*p = s;
	return v;
}

static int64_t *encap_slot(struct icap_encap *e, const char *name, size_t n)
{
	if (n == 7 && !memcmp(name, "req-hdr", 7))
		return &e->req_hdr;
	if (n == 7 && !memcmp(name, "res-hdr", 7))
		return &e->res_hdr;
	if (n == 8 && !memcmp(name, "req-body", 8)) {
		e->body_is_req = 1;
		return &e->body;
	}
	if (n == 8 && !memcmp(name, "res-body", 8))
		return &e->body;
	if (n == 8 && !memcmp(name, "opt-body", 8))
		return &e->body;
	if (n == 9 && !memcmp(name, "null-body", 9))
		return &e->null_body;
	return NULL;
}

/* "req-hdr=0, res-hdr=137, res-body=296" */
static int encapsulated(const char *v, const char *end, struct icap_encap *e)
{
	int64_t last = -1, *slot, x;
	const char *name;
	int bodies = 0;

	while (v < end) {
		while (v < end && (*v == ' ' || *v == '\t' || *v == ','))
			v++;
		if (v == end)
			break;
		for (name = v; v < end && *v != '='; v++)
			;
		if (v == end || !(slot = encap_slot(e, name, (size_t)(v - name))))
			return -1;
		v++;
		x = number(&v, end, ICAP_MAX_HEADER_BYTES);
		if (x < 0 || x < last || *slot >= 0)
			return -1;
		*slot = last = x;
		if (slot == &e->body || slot == &e->null_body)
			bodies++;
	}
	return bodies == 1 ? 0 : -1; /* exactly one body entry, last */
}

static int request_line(const char *p, const char *eol, struct icap_request *r)
{
	static const struct { const char *name; enum icap_method m; } ms[] = {
		{ "OPTIONS ", ICAP_OPTIONS }, { "REQMOD ", ICAP_REQMOD },
		{ "RESPMOD ", ICAP_RESPMOD },
	};
	const char *uri, *sp, *svc, *q;
	size_t i, n;

	r->method = ICAP_OTHER;
	for (i = 0; i < sizeof(ms) / sizeof(*ms); i++)
		if (!strncmp(p, ms[i].name, strlen(ms[i].name)))
			r->method = ms[i].m;
	if (!(uri = memchr(p, ' ', (size_t)(eol - p))))
		return -1;
	uri++;
	if (!(sp = memchr(uri, ' ', (size_t)(eol - uri))) ||
	    (size_t)(eol - sp) != 9 || memcmp(sp + 1, "ICAP/1.0", 8))
		return -1;
	if ((size_t)(sp - uri) < 7 || strncasecmp(uri, "icap://", 7))
		return -1;
	svc = memchr(uri + 7, '/', (size_t)(sp - uri - 7));
	svc = svc ? svc + 1 : sp;
	for (q = svc; q < sp && *q != '?' && *q != '/'; q++)
		;
	n = (size_t)(q - svc);
	if (n >= sizeof(r->service))
		return -1;
	memcpy(r->service, svc, n);
	r->service[n] = '\0';
	return 0;
}

static int header(const char *p, const char *eol, struct icap_request *r)
{
	const char *colon = memchr(p, ':', (size_t)(eol - p)), *v;
	size_t n;

	if (!colon)
		return -1;
	n = (size_t)(colon - p);
	for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
		;
	if (n == 12 && !strncasecmp(p, "Encapsulated", n)) {
		r->has_encapsulated = 1;
		return encapsulated(v, eol, &r->enc);
	}
	if (n == 7 && !strncasecmp(p, "Preview", n))
		return (r->preview = number(&v, eol, 1 << 30)) < 0 ? -1 : 0;
	if (n == 5 && !strncasecmp(p, "Allow", n))
		r->allow_204 = memmem(v, (size_t)(eol - v), "204", 3) != NULL;
	if (n == 10 && !strncasecmp(p, "Connection", n))
		r->close = eol - v >= 5 && !strncasecmp(v, "close", 5);
	return 0;
}

int icap_parse_head(const char *buf, size_t len, struct icap_request *r)
{
	const char *p = buf, *end = buf + len, *eol;
	int first = 1;

	memset(r, 0, sizeof(*r));
	r->enc.req_hdr = r->enc.res_hdr = r->enc.body = r->enc.null_body = -1;
	r->preview = -1;
	while (p < end) {
		if (!(eol = memmem(p, (size_t)(end - p), "\r\n", 2)))
			return -1;
		if (eol == p)
			break; /* the empty line */
		if (first ? request_line(p, eol, r) < 0 : header(p, eol, r) < 0)
			return -1;
		first = 0;
		p = eol + 2;
	}
	if (first)
		return -1;
	if (r->method == ICAP_REQMOD || r->method == ICAP_RESPMOD)
		return r->has_encapsulated ? 0 : -1;
	return 0;
}

int icap_parse_chunk(const char *buf, size_t len, uint64_t *size,
		     int *ieof, size_t *used)
{
	const char *eol = memmem(buf, len, "\r\n", 2), *p = buf, *ext;
	uint64_t v = 0;
	int digits = 0;

	if (!eol)
		return len > 256 ? -1 : 0;
	for (; p < eol && isxdigit((unsigned char)*p); p++, digits++) {
		if (v >> 56)
			return -1;
		v = v * 16 + (uint64_t)(isdigit((unsigned char)*p) ? *p - '0' :
					(tolower((unsigned char)*p) - 'a' + 10));
	}
	if (!digits)
		return -1;
	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	if (p < eol && *p != ';')
		return -1;
	ext = p;
	*ieof = ext < eol && memmem(ext, (size_t)(eol - ext), "ieof", 4) != NULL;
	*size = v;
	*used = (size_t)(eol - buf) + 2;
	return 1;
}

int64_t icap_encap_end(const struct icap_encap *e)
{
	return e->body >= 0 ? e->body : e->null_body >= 0 ? e->null_body : 0;
}
