/*
 * rtf.c -- objects embedded in RTF documents: the data of every \objdata
 * group (hex digit pairs and \binN raw bytes, between control words and
 * their parameters, which are not data) is decoded and read as an OLE1
 * object (version, format, class, topic, item, native data). A "Package"
 * object gives up the file it wraps, under its own name; any other class gives its native data (often
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
/* The largest control-word parameter taken (Word's are 32-bit). */
#define RTF_MAX_PARAM 0x7fffffff

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

/*
 * A control word at r (after its backslash): its letters into w (cut to
 * cap), its numeric parameter ("\\uc1", "\\bin512"; -1 without one) and
 * the one space that may end it, consumed as Word consumes them: the
 * digits of a parameter are not data.
 */
static void control_word(struct rdr *r, char *w, size_t cap, long *param)
{
	size_t n = 0;
	int ch, neg, digits = 0;
	long v = 0;

	while ((ch = rdr_peek(r)) >= 0 && ((ch | 0x20) >= 'a' &&
					   (ch | 0x20) <= 'z')) {
		if (n + 1 < cap)
			w[n++] = (char)ch;
		rdr_skip(r, 1);
	}
	w[n] = 0;
	*param = -1;
	if (!n)
		return; /* a control symbol ("\\*", "\\'"): one byte, kept */
	neg = rdr_accept(r, "-", 1);
	while ((ch = rdr_peek(r)) >= '0' && ch <= '9') { /* any length */
		v = v > (RTF_MAX_PARAM - 9) / 10 ? RTF_MAX_PARAM :
						  v * 10 + (ch - '0');
		digits++;
		rdr_skip(r, 1);
	}
	if (digits)
		*param = neg ? -1 : v;
	rdr_accept(r, " ", 1);
}

/* Appends byte b to out within max; 0, 1 (full: *over set) or
 * VIGIL_ENOMEM. */
static int put(struct vbuf *out, size_t max, int *over, uint8_t b)
{
	if (out->len >= max) {
		*over = 1;
		return 1;
	}
	return vbuf_append_u8(out, b) < 0 ? VIGIL_ENOMEM : 0;
}

/*
 * The data of the group that \\objdata opens, up to its closing brace:
 * hex digit pairs, and the raw bytes of \\binN; control words (with their
 * parameters) and nested groups are not data. *used: the bytes read.
 * 0, or VIGIL_ENOMEM.
 */
static int objdata(const uint8_t *p, size_t len, size_t max,
		   struct vbuf *out, int *over, size_t *used)
{
	struct rdr r;
	int depth = 0, hi = -1, ch, v, rc = 0;
	char word[8];
	long param;

	rdr_init(&r, p, len);
	while (rdr_left(&r) && !rdr_failed(&r) && !rc) {
		ch = rdr_u8(&r);
		if (ch == '{') {
			depth++;
		} else if (ch == '}') {
			if (depth-- == 0)
				break;
		} else if (ch == '\\') {
			control_word(&r, word, sizeof(word), &param);
			if (depth || strcmp(word, "bin") || param <= 0)
				continue;
			while (!rc && param-- > 0 && rdr_left(&r))
				rc = put(out, max, over, rdr_u8(&r));
		} else if (depth == 0 && (v = hexval((uint8_t)ch)) >= 0) {
			if (hi < 0) {
				hi = v;
				continue;
			}
			rc = put(out, max, over, (uint8_t)(hi << 4 | v));
			hi = -1;
		}
	}
	*used = len - rdr_left(&r);
	return rc < 0 ? rc : 0;
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
	size_t got;
	char name[32];

	rdr_init(&r, b, len);
	rdr_skip(&r, 4); /* version */
	if (rdr_u32le(&r) == 2 && (cls = ole1_string(&r, &n))) {
		ole1_string(&r, &size); /* topic */
		ole1_string(&r, &size); /* item */
		size = rdr_u32le(&r);
		got = size;
		native = fmt_upto(c, "RTF object's native data", &r, &got);
		size = (uint32_t)got;
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
		size_t used;

		p += 8;
		if (++n > RTF_MAX_OBJECTS)
			return fmt_unreadable(c, FMT_MAXFILES);
		rc = objdata(p, (size_t)(end - p), fmt_max_child(c), &out,
			     &over, &used);
		p += used; /* rc: out of memory, never a clean verdict */
		if (!rc && over)
			rc = fmt_too_big(c, "objdata");
		else if (!rc && out.len)
			rc = ole1(c, out.data, out.len, n);
		vbuf_free(&out);
	}
	return rc;
}
