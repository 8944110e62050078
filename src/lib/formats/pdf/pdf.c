/*
 * pdf.c -- the streams of a PDF: every "stream ... endstream" is found,
 * its dictionary read for /Length and /Filter, its filters undone in order
 * (FlateDecode, ASCIIHexDecode, ASCII85Decode, LZWDecode, RunLengthDecode)
 * and the result handed to fmt_child() as "obj-N". Object streams and
 * embedded files are streams like any other. A filter Vigil lacks (images,
 * encryption) ends the chain: the data decoded so far is still matched.
 * The file is read through the bounded reader.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/format.h"
#include "formats/parsers.h"
#include "formats/codec/pdffilter.h"
#include "formats/pdf/pdfjs.h"
#include "formats/pdf/pdfname.h"
#include "common/reader.h"
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
	const uint8_t *dict;	/* "<< ... >>" before "stream", its names */
	size_t dlen;		/* unescaped (pdf_unescape_names) */
	uint8_t dictbuf[PDF_DICT_BYTES];
	const uint8_t *data;
	size_t len;
	long objnum;
};

/* An encryption dictionary anywhere (a trailer, an xref stream's), its
 * name written plainly or with #xx escapes. */
static int encrypted(const uint8_t *buf, size_t len)
{
	struct rdr r;

	rdr_init(&r, buf, len);
	if (rdr_find(&r, "/Encrypt", 8))
		return 1;
	if (!memchr(buf, '#', len))
		return 0; /* no name is escaped */
	rdr_init(&r, buf, len);
	for (; rdr_find(&r, "/", 1); rdr_skip(&r, 1))
		if (pdf_name_is(&r, "/Encrypt"))
			return 1;
	return 0;
}

/* The filter named at d (after its '/': "FlateDecode..."), or -1. */
static int filter_at(const struct rdr *d)
{
	struct rdr p;
	size_t i;
	int next;

	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		p = *d;
		if (rdr_accept(&p, filters[i].name, strlen(filters[i].name)))
			return (int)i;
		p = *d;
		if (rdr_accept(&p, filters[i].abbrev, strlen(filters[i].abbrev)) &&
		    (next = rdr_peek(&p)) > 0 && strchr(" /]>\r\n", next))
			return (int)i;
	}
	return -1;
}

/* Filters in order; -1 entries stop the chain. Returns their number. */
static size_t filter_chain(const struct stream *s, int *out)
{
	struct rdr d;
	size_t n = 0;

	rdr_init(&d, s->dict, s->dlen);
	if (!rdr_find(&d, "/Filter", 7))
		return 0;
	rdr_skip(&d, 7);
	rdr_span(&d, " \r\n");
	if (rdr_accept(&d, "/", 1))
		out[n++] = filter_at(&d);
	else if (rdr_accept(&d, "[", 1))
		while (n < PDF_MAX_FILTERS && (rdr_cspan(&d, "/]"),
					       rdr_accept(&d, "/", 1)))
			out[n++] = filter_at(&d);
	return n;
}

/* "/Length 12": the number; -1 if absent, too large or indirect. */
static long dict_number(const uint8_t *dict, size_t len, const char *key)
{
	struct rdr d;
	uint64_t v;

	rdr_init(&d, dict, len);
	if (!rdr_find(&d, key, strlen(key)))
		return -1;
	rdr_skip(&d, strlen(key));
	rdr_span(&d, " ");
	if (rdr_decimal(&d, LONG_MAX, &v) < 0 || rdr_accept(&d, " 0 R", 4))
		return -1; /* "/Length 12 0 R" is indirect: not usable here */
	return (long)v;
}

/*
 * The object number of "N G obj" at the end of the n bytes at p (before
 * "obj"): the first of the last two numbers separated and followed by
 * spaces only, or the only one; -1 if there is none.
 */
static long object_number(const uint8_t *p, size_t n)
{
	uint64_t v, last = 0, prev = 0;
	unsigned run = 0;
	struct rdr r;

	rdr_init(&r, p, n);
	while (rdr_cspan(&r, "0123456789"), rdr_left(&r)) {
		if (rdr_decimal(&r, LONG_MAX, &v) < 0)
			return -1;
		prev = last;
		last = v;
		run++;
		rdr_span(&r, " ");
		if (rdr_left(&r) && (rdr_peek(&r) < '0' || rdr_peek(&r) > '9'))
			run = 0; /* something else follows: not "N G obj" */
	}
	return run >= 2 ? (long)prev : run == 1 ? (long)last : -1;
}

/* Whether "endstream" follows at p (after white space). */
static int endstream_at(const uint8_t *p, size_t n)
{
	struct rdr r;

	rdr_init(&r, p, n);
	rdr_span(&r, " \t\r\n\f");
	return rdr_accept(&r, "endstream", 9);
}

/*
 * Fills s for the "stream" keyword at offset kw of buf; its object and
 * dictionary lie after floor (the end of the stream before).
 */
static void locate(const uint8_t *buf, size_t len, size_t floor, size_t kw,
		   struct stream *s)
{
	size_t back = kw - floor < PDF_DICT_BYTES ? kw - floor : PDF_DICT_BYTES;
	size_t obj = SIZE_MAX;
	struct rdr r;
	long n;

	rdr_init(&r, buf + kw - back, back); /* the last "obj" before it */
	for (; rdr_find(&r, "obj", 3); rdr_skip(&r, 3))
		obj = r.pos;
	s->dict = buf + kw - back + (obj == SIZE_MAX ? 0 : obj + 3);
	s->dlen = pdf_unescape_names(s->dict, (size_t)(buf + kw - s->dict),
				 s->dictbuf);
	s->dict = s->dictbuf;
	s->objnum = obj == SIZE_MAX ? -1 : object_number(buf + kw - back, obj);
	rdr_init(&r, buf, len);
	rdr_seek(&r, kw + 6);
	rdr_accept(&r, "\r", 1);
	rdr_accept(&r, "\n", 1);
	s->data = buf + r.pos;
	n = dict_number(s->dict, s->dlen, "/Length");
	if (n >= 0 && (size_t)n <= rdr_left(&r) &&
	    endstream_at(s->data + n, rdr_left(&r) - (size_t)n)) {
		s->len = (size_t)n;
		return;
	}
	/* a /Length that does not end at "endstream" is the attacker's word
	 * against what readers do: they fall back to the keyword, so do we */
	s->len = rdr_find(&r, "endstream", 9) ? (size_t)(buf + r.pos - s->data) :
						  rdr_left(&r);
}

/*
 * Runs the stream's filters. Each stops where the stream's output would
 * break the object size or the compression ratio against the stream's own
 * bytes (fmt_max_output), as it decodes: a small stream cannot make a
 * filter produce 100 MiB before the ratio is looked at.
 */
static int decode(struct fmt_ctx *c, const struct stream *s, struct vbuf *out)
{
	int chain[PDF_MAX_FILTERS];
	size_t n = filter_chain(s, chain), i, max = fmt_max_output(c, s->len);
	struct vbuf tmp = { 0 };
	int rc = vbuf_append(out, s->data, s->len), over = 0;

	for (i = 0; i < n && !rc && chain[i] >= 0; i++) {
		tmp.len = 0;
		rc = filters[chain[i]].fn(out->data, out->len, max, &tmp,
					  &over);
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
	unsigned count = 0;
	size_t floor = 0;
	struct rdr r;
	int rc = 0;

	/* An encryption dictionary: the streams are ciphertext (even with an
	 * empty user password, which a reader opens without asking), so what
	 * they hold cannot be read here: reported, never clean. */
	if (encrypted(buf, len) &&
	    (rc = fmt_unreadable(c, "Heuristics.Encrypted.PDF")) != 0)
		return rc;
	if ((rc = pdf_js_strings(c, buf, len)) != 0)
		return rc;
	rdr_init(&r, buf, len);
	while (!rc && rdr_find(&r, "stream", 6)) {
		struct stream s;
		struct vbuf out = { 0 };
		char name[32];
		int d;

		if (r.pos > 0 && buf[r.pos - 1] == 'd') { /* "endstream" */
			rdr_skip(&r, 6);
			continue;
		}
		if (++count > PDF_MAX_STREAMS || fmt_expired(c))
			return count > PDF_MAX_STREAMS ?
				       fmt_unreadable(c, FMT_MAXFILES) :
				       1;
		locate(buf, len, floor, r.pos, &s);
		snprintf(name, sizeof(name), "obj-%ld", s.objnum);
		d = decode(c, &s, &out);
		if (d < 0)
			rc = d;
		else if (d == 1)
			rc = fmt_over(c, name, s.len);
		else if (d == 0 && out.len)
			rc = fmt_child(c, name, out.data, out.len);
		vbuf_free(&out);
		floor = (size_t)(s.data + s.len - buf);
		rdr_seek(&r, floor);
	}
	return rc;
}
