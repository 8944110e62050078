/*
 * pdf.c -- the streams of a PDF: every "stream ... endstream" is found,
 * its dictionary read for /Length and /Filter, its filters undone in order
 * (FlateDecode, ASCIIHexDecode, ASCII85Decode, LZWDecode, RunLengthDecode)
 * and the result handed to fmt_child() as "obj-N". Object streams and
 * embedded files are streams like any other. A filter Vigil lacks (images,
 * encryption) ends the chain: the data decoded so far is still matched.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/format.h"
#include "formats/parsers.h"
#include "formats/pdffilter.h"
#include "vigil/vigil.h"

#define PDF_MAX_STREAMS 100000
#define PDF_MAX_FILTERS 8
/* How far back from "stream" the dictionary may start. */
#define PDF_DICT_BYTES 4096

int pdf_probe(const uint8_t *buf, size_t len, int type)
{
	(void)buf;
	(void)len;
	return type == VIGIL_TYPE_PDF;
}

typedef int (*filter_fn)(const uint8_t *, size_t, size_t, struct vbuf *,
			 int *);

static const struct {
	const char *name, *abbrev;
	filter_fn fn;
} filters[] = {
	{ "FlateDecode", "Fl", pdf_flate },
	{ "ASCIIHexDecode", "AHx", pdf_ahx },
	{ "ASCII85Decode", "A85", pdf_a85 },
	{ "LZWDecode", "LZW", pdf_lzw },
	{ "RunLengthDecode", "RL", pdf_rle },
};

struct stream {
	const uint8_t *dict;	/* "<< ... >>" before "stream" */
	size_t dlen;
	const uint8_t *data;
	size_t len;
	long objnum;
};

/* The filter named at p ("/FlateDecode..."), or -1 if unknown. */
static int filter_at(const uint8_t *p, const uint8_t *end)
{
	size_t i, n;

	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		n = strlen(filters[i].name);
		if ((size_t)(end - p) >= n && !memcmp(p, filters[i].name, n))
			return (int)i;
		n = strlen(filters[i].abbrev);
		if ((size_t)(end - p) > n && !memcmp(p, filters[i].abbrev, n) &&
		    (p[n] == ' ' || p[n] == '/' || p[n] == ']' || p[n] == '>' ||
		     p[n] == '\r' || p[n] == '\n'))
			return (int)i;
	}
	return -1;
}

/* Filters in order; -1 entries stop the chain. Returns their number. */
static size_t filter_chain(const struct stream *s, int *out)
{
	const uint8_t *end = s->dict + s->dlen;
	const uint8_t *p = memmem(s->dict, s->dlen, "/Filter", 7);
	size_t n = 0;

	if (!p)
		return 0;
	for (p += 7; p < end && (*p == ' ' || *p == '\r' || *p == '\n'); p++)
		;
	if (p < end && *p == '/')
		out[n++] = filter_at(p + 1, end);
	else if (p < end && *p == '[')
		for (p++; p < end && *p != ']' && n < PDF_MAX_FILTERS; p++)
			if (*p == '/')
				out[n++] = filter_at(p + 1, end);
	return n;
}

static long dict_number(const uint8_t *d, size_t len, const char *key)
{
	const uint8_t *p = memmem(d, len, key, strlen(key));
	char tmp[24];
	size_t i = 0;

	if (!p)
		return -1;
	for (p += strlen(key); p < d + len && *p == ' '; p++)
		;
	while (p < d + len && *p >= '0' && *p <= '9' && i + 1 < sizeof(tmp))
		tmp[i++] = (char)*p++;
	tmp[i] = 0;
	/* "/Length 12 0 R" is an indirect length: not usable here */
	if (!i || (p + 4 < d + len && !memcmp(p, " 0 R", 4)))
		return -1;
	return strtol(tmp, NULL, 10);
}

/* Fills s for the "stream" keyword at kw; 0, or -1 if it is not one. */
static int locate(const uint8_t *buf, size_t len, const uint8_t *kw,
		  struct stream *s)
{
	size_t back = (size_t)(kw - buf) < PDF_DICT_BYTES ? (size_t)(kw - buf) :
							     PDF_DICT_BYTES;
	const uint8_t *obj = memrchr(kw - back, 'j', back), *d, *e;
	long n;

	s->data = kw + 6;
	if (s->data < buf + len && *s->data == '\r')
		s->data++;
	if (s->data < buf + len && *s->data == '\n')
		s->data++;
	d = obj && obj >= buf + 2 && obj[-1] == 'b' && obj[-2] == 'o' ? obj + 1 :
								      kw - back;
	s->dict = d;
	s->dlen = (size_t)(kw - d);
	s->objnum = -1;
	if (obj && obj - 2 > buf) {
		const uint8_t *q = obj - 3;

		while (q > buf && *q == ' ')
			q--;
		while (q > buf && q[-1] >= '0' && q[-1] <= '9')
			q--; /* generation */
		while (q > buf && (q[-1] == ' '))
			q--;
		while (q > buf && q[-1] >= '0' && q[-1] <= '9')
			q--;
		s->objnum = strtol((const char *)q, NULL, 10);
	}
	n = dict_number(s->dict, s->dlen, "/Length");
	if (n >= 0 && (size_t)n <= (size_t)(buf + len - s->data)) {
		s->len = (size_t)n;
		return 0;
	}
	e = memmem(s->data, (size_t)(buf + len - s->data), "endstream", 9);
	s->len = e ? (size_t)(e - s->data) : (size_t)(buf + len - s->data);
	return 0;
}

static int decode(struct fmt_ctx *c, const struct stream *s, struct vbuf *out)
{
	int chain[PDF_MAX_FILTERS];
	size_t n = filter_chain(s, chain), i;
	struct vbuf tmp = { 0 };
	int rc = vbuf_append(out, s->data, s->len), over = 0;

	for (i = 0; i < n && !rc && chain[i] >= 0; i++) {
		tmp.len = 0;
		rc = filters[chain[i]].fn(out->data, out->len, fmt_max_child(c),
					  &tmp, &over);
		if (!rc) {
			struct vbuf t = *out;

			*out = tmp;
			tmp = t;
		}
		if (over || fmt_ratio_exceeded(c, out->len, s->len)) {
			rc = over ? 1 : 2;
			break;
		}
	}
	vbuf_free(&tmp);
	return rc;
}

int pdf_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	const uint8_t *p = buf, *end = buf + len;
	unsigned count = 0;
	int rc = 0;

	while (!rc && (p = memmem(p, (size_t)(end - p), "stream", 6))) {
		struct stream s;
		struct vbuf out = { 0 };
		char name[32];
		int r;

		if (p > buf && p[-1] == 'd') { /* "endstream" */
			p += 6;
			continue;
		}
		if (++count > PDF_MAX_STREAMS || fmt_expired(c))
			return count > PDF_MAX_STREAMS ?
				       fmt_unreadable(c, "Heuristics.Limits.Exceeded.MaxFiles") :
				       1;
		locate(buf, len, p, &s);
		snprintf(name, sizeof(name), "obj-%ld", s.objnum);
		r = decode(c, &s, &out);
		if (r < 0)
			rc = r;
		else if (r == 1)
			rc = fmt_too_big(c, name);
		else if (r == 0 && out.len)
			rc = fmt_child(c, name, out.data, out.len);
		vbuf_free(&out);
		p = s.data + s.len;
	}
	return rc;
}
