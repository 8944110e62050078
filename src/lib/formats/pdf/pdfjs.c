/*
 * pdfjs.c -- JavaScript in a PDF's strings: the value of a /JS key
 * written as a literal string "(...)" (balanced parentheses, escapes \n \r
 * \t \b \f \( \) \\ and \ddd octal, a backslash before a line break
 * continuing the line) or a hex string "<...>" (white space skipped, an
 * odd last digit followed by 0), decoded as a reader decodes it before it
 * runs the script, and handed over as an object. A script in a stream
 * ("/JS 12 0 R") is one of the streams pdf.c decodes. Read through the
 * bounded reader.
 */
#include <stdio.h>
#include <string.h>

#include "common/reader.h"
#include "formats/pdf/pdfjs.h"
#include "formats/pdf/pdfname.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

/* Scripts taken from one file at most. */
#define PDF_MAX_SCRIPTS 1000

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Appends b within max; 0, 1 (full: *over) or VIGIL_ENOMEM. */
static int put(struct vbuf *out, size_t max, int *over, int b)
{
	if (out->len >= max) {
		*over = 1;
		return 1;
	}
	return vbuf_append_u8(out, (uint8_t)b) < 0 ? VIGIL_ENOMEM : 0;
}

/* The byte an escape at r (after its backslash) stands for; -1 for none
 * (a line continuation); consumed. */
static int escape(struct rdr *r)
{
	static const char from[] = "nrtbf()\\", to[] = "\n\r\t\b\f()\\";
	const char *e;
	int ch = rdr_u8(r), v = 0, k;

	if (rdr_failed(r))
		return -1;
	if (ch >= '0' && ch <= '7') {
		v = ch - '0';
		for (k = 1; k < 3 && rdr_peek(r) >= '0' && rdr_peek(r) <= '7'; k++)
			v = v * 8 + (rdr_u8(r) - '0');
		return v & 0xff;
	}
	if (ch == '\r' || ch == '\n') {
		if (ch == '\r')
			rdr_accept(r, "\n", 1);
		return -1;
	}
	e = ch ? strchr(from, ch) : NULL;
	return e ? (uint8_t)to[e - from] : ch; /* unknown: the byte itself */
}

/* The bytes at r up to the next that a literal string treats apart (a
 * backslash or a parenthesis), appended within max as put() does: a run
 * at a time, not a byte (a nested file's decoded scripts run to tens of
 * MB). */
static int plain_run(struct rdr *r, size_t max, struct vbuf *out, int *over)
{
	const uint8_t *p = (const uint8_t *)rdr_here(r);
	size_t left = rdr_left(r), n = 0;

	while (n < left && p[n] != '\\' && p[n] != '(' && p[n] != ')')
		n++;
	if (!n)
		return 0;
	p = rdr_bytes(r, n);
	if (n > max - (out->len < max ? out->len : max)) {
		*over = 1;
		return 1;
	}
	return vbuf_append(out, p, n) < 0 ? VIGIL_ENOMEM : 0;
}

/* A literal string at r (after its '('), to its balancing ')'. */
static int literal(struct rdr *r, size_t max, struct vbuf *out, int *over)
{
	int depth = 0, ch, rc = 0;

	while (!rc && rdr_left(r)) {
		if ((rc = plain_run(r, max, out, over)) != 0 || !rdr_left(r))
			break;
		ch = rdr_u8(r);
		if (ch == '\\') {
			if ((ch = escape(r)) < 0)
				continue;
		} else if (ch == '(') {
			depth++;
		} else if (ch == ')' && depth-- == 0) {
			break;
		}
		rc = put(out, max, over, ch);
	}
	return rc < 0 ? rc : 0;
}

/* A hex string at r (after its '<'), to its '>'. */
static int hex(struct rdr *r, size_t max, struct vbuf *out, int *over)
{
	int hi = -1, ch, v, rc = 0;

	while (!rc && rdr_left(r) && (ch = rdr_u8(r)) != '>') {
		if ((v = hexval(ch)) < 0)
			continue; /* white space, or junk a reader skips */
		if (hi < 0) {
			hi = v;
			continue;
		}
		rc = put(out, max, over, hi << 4 | v);
		hi = -1;
	}
	if (!rc && hi >= 0)
		rc = put(out, max, over, hi << 4);
	return rc < 0 ? rc : 0;
}

/* The string after a /JS key at r, decoded into out; 0 if there is none
 * (an indirect reference, say), 1 if there is, or VIGIL_ENOMEM. */
static int script_at(struct rdr *r, size_t max, struct vbuf *out, int *over)
{
	int rc;

	rdr_span(r, " \t\r\n\f");
	if (rdr_accept(r, "(", 1))
		rc = literal(r, max, out, over);
	else if (rdr_peek(r) == '<' && (rdr_skip(r, 1), rdr_peek(r) != '<'))
		rc = hex(r, max, out, over);
	else
		return 0;
	return rc < 0 ? rc : 1;
}

/* The script after the /JS key r is past, if it is a string: handed over
 * as "js-N" (*count the scripts so far), as text. Returns as fmt_child(). */
static int take(struct fmt_ctx *c, struct rdr *r, unsigned *count)
{
	struct vbuf out = { 0 };
	char name[32];
	int over = 0, rc;

	if ((rc = script_at(r, fmt_max_child(c), &out, &over)) <= 0)
		goto done; /* none, or out of memory */
	if (++*count > PDF_MAX_SCRIPTS) {
		rc = fmt_unreadable(c, FMT_MAXFILES);
		goto done;
	}
	snprintf(name, sizeof(name), "js-%u", *count);
	rc = over ? fmt_too_big(c, name) :
	     out.len ? fmt_script(c, name, out.data, out.len) : 0;
done:
	vbuf_free(&out);
	return rc;
}

int pdf_js_strings(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	unsigned count = 0;
	struct rdr r;
	int rc = 0, is_js;

	rdr_init(&r, buf, len);
	if (!rdr_find(&r, "/JS", 3) && !memchr(buf, '#', len))
		return 0; /* no key, plain or escaped */
	rdr_init(&r, buf, len);
	while (!rc && rdr_find(&r, "/", 1)) {
		is_js = pdf_name_is(&r, "/JS"); /* "/J#53" too; not "/JSFoo" */
		rdr_skip(&r, 1);
		if (!is_js)
			continue;
		rdr_cspan(&r, " \t\r\n\f()<>[]{}/%");
		rc = take(c, &r, &count);
	}
	return rc;
}
