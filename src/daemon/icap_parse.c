/*
 * icap_parse.c -- reads ICAP requests' syntax (RFC 3507 sections 4.3-4.5).
 * Bytes are read through the bounded reader; every number is bounded
 * before use; a line not ended by CRLF, an offset list that is not
 * increasing, or a header section larger than ICAP_MAX_HEADER_BYTES, is
 * refused.
 */
#define _GNU_SOURCE
#include <string.h>
#include <strings.h>

#include "icap.h"
#include "common/reader.h"

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
static int encapsulated(struct rdr *v, struct icap_encap *e)
{
	int64_t last = -1, *slot;
	const char *name;
	uint64_t x;
	size_t n;
	int bodies = 0;

	while (rdr_span(v, " \t,"), rdr_left(v)) {
		if (!rdr_until(v, '=', ICAP_MAX_HEADER_BYTES, &name, &n) ||
		    !(slot = encap_slot(e, name, n)) ||
		    rdr_decimal(v, ICAP_MAX_HEADER_BYTES, &x) < 0 ||
		    (int64_t)x < last || *slot >= 0)
			return -1;
		*slot = last = (int64_t)x;
		if (slot == &e->body || slot == &e->null_body)
			bodies++;
	}
	return bodies == 1 ? 0 : -1; /* exactly one body entry, last */
}

/* "RESPMOD icap://host/avscan?x ICAP/1.0": the method and the service. */
static int request_line(struct rdr *l, struct icap_request *r)
{
	static const struct { const char *name; enum icap_method m; } ms[] = {
		{ "OPTIONS", ICAP_OPTIONS }, { "REQMOD", ICAP_REQMOD },
		{ "RESPMOD", ICAP_RESPMOD },
	};
	const char *method, *uri, *version, *svc, *host;
	size_t i, mn, un, vn, n, hn;
	struct rdr u;

	if (!rdr_until(l, ' ', ICAP_MAX_HEADER_BYTES, &method, &mn) ||
	    !rdr_until(l, ' ', ICAP_MAX_HEADER_BYTES, &uri, &un) ||
	    !rdr_field(l, '\n', ICAP_MAX_HEADER_BYTES, &version, &vn) ||
	    vn != 8 || memcmp(version, "ICAP/1.0", 8))
		return -1;
	r->method = ICAP_OTHER;
	for (i = 0; i < sizeof(ms) / sizeof(*ms); i++)
		if (mn == strlen(ms[i].name) && !memcmp(method, ms[i].name, mn))
			r->method = ms[i].m;
	rdr_init(&u, uri, un);
	if (!rdr_accept_nocase(&u, "icap://", 7))
		return -1;
	svc = "";
	n = 0;
	if (rdr_until(&u, '/', un, &host, &hn)) { /* the service's name */
		svc = rdr_here(&u);
		n = rdr_cspan(&u, "?/");
	}
	if (n >= sizeof(r->service))
		return -1;
	memcpy(r->service, svc, n);
	r->service[n] = '\0';
	return 0;
}

static int header(struct rdr *l, struct icap_request *r)
{
	const char *name, *v;
	uint64_t x;
	size_t n;

	if (!rdr_until(l, ':', ICAP_MAX_HEADER_BYTES, &name, &n))
		return -1;
	rdr_span(l, " \t");
	v = rdr_here(l);
	if (n == 12 && !strncasecmp(name, "Encapsulated", n)) {
		r->has_encapsulated = 1;
		return encapsulated(l, &r->enc);
	}
	if (n == 7 && !strncasecmp(name, "Preview", n)) {
		if (rdr_decimal(l, 1 << 30, &x) < 0)
			return -1;
		r->preview = (int64_t)x;
	}
	if (n == 5 && !strncasecmp(name, "Allow", n))
		r->allow_204 = memmem(v, rdr_left(l), "204", 3) != NULL;
	if (n == 10 && !strncasecmp(name, "Connection", n))
		r->close = rdr_accept_nocase(l, "close", 5);
	return 0;
}

/* The next line of a header block, which must end with CRLF. */
static int crlf_line(struct rdr *r, struct rdr *line)
{
	const char *p;
	size_t n;

	if (!rdr_until(r, '\n', ICAP_MAX_HEADER_BYTES, &p, &n) || !n ||
	    p[n - 1] != '\r')
		return -1;
	rdr_init(line, p, n - 1);
	return 0;
}

long icap_head_len(const char *buf, size_t len)
{
	struct rdr in;
	const char *p;
	size_t n;
	int prev_cr = 0;

	rdr_init(&in, buf, len);
	while (rdr_until(&in, '\n', ICAP_MAX_HEADER_BYTES, &p, &n)) {
		if (in.pos > ICAP_MAX_HEADER_BYTES)
			return -1;
		if (n == 1 && p[0] == '\r' && prev_cr)
			return (long)in.pos;
		prev_cr = n && p[n - 1] == '\r';
	}
	return rdr_failed(&in) || len > ICAP_MAX_HEADER_BYTES ? -1 : 0;
}

int icap_parse_head(const char *buf, size_t len, struct icap_request *r)
{
	struct rdr in, line;
	int first = 1;

	memset(r, 0, sizeof(*r));
	r->enc.req_hdr = r->enc.res_hdr = r->enc.body = r->enc.null_body = -1;
	r->preview = -1;
	rdr_init(&in, buf, len);
	while (rdr_left(&in)) {
		if (crlf_line(&in, &line) < 0)
			return -1;
		if (!rdr_left(&line))
			break; /* the empty line */
		if (first ? request_line(&line, r) < 0 : header(&line, r) < 0)
			return -1;
		first = 0;
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
	struct rdr in, line;
	const char *p;
	size_t n;

	rdr_init(&in, buf, len);
	if (!rdr_until(&in, '\n', 256, &p, &n))
		return rdr_failed(&in) ? -1 : 0;
	if (!n || p[n - 1] != '\r')
		return -1;
	rdr_init(&line, p, n - 1);
	if (rdr_hex(&line, UINT64_C(1) << 56, size) < 0)
		return -1;
	rdr_span(&line, " \t");
	if (rdr_left(&line) && !rdr_accept(&line, ";", 1))
		return -1;
	*ieof = memmem(rdr_here(&line), rdr_left(&line), "ieof", 4) != NULL;
	*used = in.pos;
	return 1;
}

int64_t icap_encap_end(const struct icap_encap *e)
{
	return e->body >= 0 ? e->body : e->null_body >= 0 ? e->null_body : 0;
}
