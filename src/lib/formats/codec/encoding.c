/*
 * encoding.c -- base64, quoted-printable and uuencode decoders, and HTML's
 * character references. They are lenient as mail readers and browsers are
 * (stray characters are skipped, a missing padding or ';' is tolerated)
 * and strict about size: output stops at max. uuencoded text is split into
 * lines, and references read, by the bounded reader.
 */
#include "formats/codec/encoding.h"
#include "common/reader.h"

#include <ctype.h>
#include <string.h>

#include "vigil/vigil.h"

static int put(struct vbuf *out, size_t max, int *over, uint8_t b)
{
	if (out->len >= max) {
		*over = 1;
		return 1;
	}
	if (out->len == out->cap && vbuf_reserve(out, 1) < 0)
		return VIGIL_ENOMEM;
	out->data[out->len++] = b;
	return 0;
}

/* Base64 digit values (both alphabets); B64_PAD for '=', B64_SKIP else. */
#define B64_PAD 0xfe
#define B64_SKIP 0xff
static const uint8_t b64[256] = {
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255,  62, 255,  62, 255,  63,
	 52,  53,  54,  55,  56,  57,  58,  59,  60,  61, 255, 255,
	255, 254, 255, 255, 255,   0,   1,   2,   3,   4,   5,   6,
	  7,   8,   9,  10,  11,  12,  13,  14,  15,  16,  17,  18,
	 19,  20,  21,  22,  23,  24,  25, 255, 255, 255, 255,  63,
	255,  26,  27,  28,  29,  30,  31,  32,  33,  34,  35,  36,
	 37,  38,  39,  40,  41,  42,  43,  44,  45,  46,  47,  48,
	 49,  50,  51, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255,
};

/* Four digits at in into three bytes at out; 0 if any is not a digit. */
static int b64_quad(const uint8_t *in, uint8_t *out)
{
	uint32_t a = b64[in[0]], b = b64[in[1]], c = b64[in[2]],
		 d = b64[in[3]];

	if ((a | b | c | d) & 0xc0)
		return 0;
	out[0] = (uint8_t)(a << 2 | b >> 4);
	out[1] = (uint8_t)(b << 4 | c >> 2);
	out[2] = (uint8_t)(c << 6 | d);
	return 1;
}

int enc_base64(const uint8_t *in, size_t len, size_t max, struct vbuf *out,
	       int *over)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i = 0;
	int rc;

	if (vbuf_reserve(out, len / 4 * 3 + 3 < max ? len / 4 * 3 + 3 : max) < 0)
		return VIGIL_ENOMEM;
	while (i < len) {
		uint8_t v = b64[in[i]];

		/* Whole quads on a digit boundary go three bytes at a time. */
		if (!bits && i + 4 <= len && out->len + 3 <= max &&
		    out->len + 3 <= out->cap &&
		    b64_quad(in + i, out->data + out->len)) {
			out->len += 3;
			i += 4;
			continue;
		}
		i++;
		if (v == B64_PAD)
			break; /* padding: the end of this stream */
		if (v == B64_SKIP)
			continue;
		acc = acc << 6 | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if ((rc = put(out, max, over, (uint8_t)(acc >> bits))) != 0)
				return rc < 0 ? rc : 0;
		}
	}
	return 0;
}

static int hexv(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (uint8_t)toupper(c);
	return (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

int enc_qp(const uint8_t *in, size_t len, size_t max, struct vbuf *out,
	   int *over)
{
	size_t i = 0;
	int rc = 0;

	while (i < len && !rc) {
		uint8_t c = in[i];

		if (c != '=') {
			rc = put(out, max, over, c);
			i++;
		} else if (i + 2 < len && hexv(in[i + 1]) >= 0 &&
			   hexv(in[i + 2]) >= 0) {
			rc = put(out, max, over, (uint8_t)(hexv(in[i + 1]) << 4 |
							   hexv(in[i + 2])));
			i += 3;
		} else if (i + 1 < len && in[i + 1] == '\n') {
			i += 2; /* soft line break */
		} else if (i + 2 < len && in[i + 1] == '\r' && in[i + 2] == '\n') {
			i += 3;
		} else {
			rc = put(out, max, over, c);
			i++;
		}
	}
	return rc < 0 ? rc : 0;
}

long enc_uu_find(const uint8_t *in, size_t len, size_t from, char *name,
		 size_t cap)
{
	const char *l;
	struct rdr r, w;
	size_t n, k;

	rdr_init(&r, in, len);
	rdr_seek(&r, from);
	while (rdr_line(&r, len, &l, &n)) { /* "begin 644 name" */
		rdr_init(&w, l, n);
		if (n < 10 || !rdr_accept(&w, "begin ", 6) ||
		    !rdr_span(&w, "01234567") || !rdr_accept(&w, " ", 1))
			continue;
		k = rdr_left(&w) < cap ? rdr_left(&w) : cap - 1;
		memcpy(name, rdr_here(&w), k);
		name[k] = 0;
		return (long)r.pos; /* data starts on the next line */
	}
	return -1;
}

int enc_uu(const uint8_t *in, size_t len, size_t max, struct vbuf *out,
	   int *over, size_t *used)
{
	const char *line;
	const uint8_t *l;
	struct rdr r;
	size_t n, i, want;
	int rc = 0;

	rdr_init(&r, in, len);
	while (!rc && rdr_line(&r, len, &line, &n)) {
		l = (const uint8_t *)line;
		if (n >= 3 && !memcmp(l, "end", 3))
			break;
		if (!n)
			continue;
		want = (size_t)((l[0] - 0x20) & 0x3f);
		for (i = 1; i < n && want && !rc; i += 4) {
			uint8_t q[4], b[3];
			size_t k;

			for (k = 0; k < 4; k++)
				q[k] = (uint8_t)(((i + k < n ? l[i + k] : ' ') -
						  0x20) & 0x3f);
			b[0] = (uint8_t)(q[0] << 2 | q[1] >> 4);
			b[1] = (uint8_t)(q[1] << 4 | q[2] >> 2);
			b[2] = (uint8_t)(q[2] << 6 | q[3]);
			for (k = 0; k < 3 && want && !rc; k++, want--)
				rc = put(out, max, over, b[k]);
		}
	}
	*used = r.pos;
	return rc < 0 ? rc : 0;
}

/* Named references that matter for matching markup and script. */
static const struct {
	const char *name;
	uint8_t ch;
} named_refs[] = {
	{ "lt;", '<' },	  { "gt;", '>' },   { "amp;", '&' }, { "quot;", '"' },
	{ "apos;", '\'' }, { "nbsp;", ' ' }, { "tab;", '\t' },
	{ "newline;", '\n' }, { "colon;", ':' }, { "comma;", ',' },
	{ "sol;", '/' }, { "semi;", ';' }, { "equals;", '=' },
	{ "plus;", '+' },
};

static int digit_of(int c, int hex)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return hex && c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "&#65;" or "&#x41;" at r (after "&#"): its byte, or -1. */
static int numeric_ref(struct rdr *r)
{
	int hex = (rdr_peek(r) | 0x20) == 'x', d;
	unsigned v = 0, k = 0;

	if (hex)
		rdr_skip(r, 1);
	while (k < 8 && (d = digit_of(rdr_peek(r), hex)) >= 0) {
		v = v * (hex ? 16u : 10u) + (unsigned)d;
		rdr_skip(r, 1);
		k++;
	}
	if (!k || v > 0xff)
		return -1; /* wider characters stay as they are */
	rdr_accept(r, ";", 1);
	return (int)v;
}

size_t enc_html_ref(const uint8_t *in, size_t len, uint8_t *ch)
{
	struct rdr r;
	size_t k;
	int v;

	rdr_init(&r, in, len);
	if (!rdr_accept(&r, "&", 1))
		return 0;
	if (rdr_accept(&r, "#", 1)) {
		if ((v = numeric_ref(&r)) < 0)
			return 0;
		*ch = (uint8_t)v;
		return len - rdr_left(&r);
	}
	for (k = 0; k < sizeof(named_refs) / sizeof(*named_refs); k++) {
		struct rdr t = r;

		if (rdr_accept_nocase(&t, named_refs[k].name,
				      strlen(named_refs[k].name))) {
			*ch = named_refs[k].ch;
			return len - rdr_left(&t);
		}
	}
	return 0;
}

size_t enc_html_refs(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i = 0, o = 0, used;
	uint8_t ch;

	while (i < len) {
		/* the bytes up to the next '&' as they are, copied at once */
		const uint8_t *amp = memchr(in + i, '&', len - i);
		size_t n = amp ? (size_t)(amp - (in + i)) : len - i;

		memcpy(out + o, in + i, n);
		o += n;
		i += n;
		if (i == len)
			break;
		if ((used = enc_html_ref(in + i, len - i, &ch))) {
			out[o++] = ch;
			i += used;
		} else {
			out[o++] = in[i++];
		}
	}
	return o;
}
