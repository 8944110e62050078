/*
 * encoding.c -- base64, quoted-printable and uuencode decoders. They are
 * lenient as mail readers are (stray characters are skipped, a missing
 * padding is tolerated) and strict about size: output stops at max.
 */
#include "formats/encoding.h"

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

static int b64val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int enc_base64(const uint8_t *in, size_t len, size_t max, struct vbuf *out,
	       int *over)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i;
	int rc;

	if (vbuf_reserve(out, len / 4 * 3 + 3 < max ? len / 4 * 3 + 3 : max) < 0)
		return VIGIL_ENOMEM;
	for (i = 0; i < len; i++) {
		int v = b64val(in[i]);

		if (in[i] == '=')
			break; /* padding: the end of this stream */
		if (v < 0)
			continue;
		acc = acc << 6 | (uint32_t)v;
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

/* The line at *pos: returns its length and moves *pos past it. */
static size_t next_line(const uint8_t *in, size_t len, size_t *pos,
			const uint8_t **line)
{
	const uint8_t *nl;
	size_t n;

	*line = in + *pos;
	nl = memchr(*line, '\n', len - *pos);
	n = nl ? (size_t)(nl - *line) : len - *pos;
	*pos += nl ? n + 1 : n;
	if (n && (*line)[n - 1] == '\r')
		n--;
	return n;
}

long enc_uu_find(const uint8_t *in, size_t len, size_t from, char *name,
		 size_t cap)
{
	size_t pos = from;

	while (pos < len) {
		size_t i = 6, k = 0;
		const uint8_t *l;
		size_t n = next_line(in, len, &pos, &l);

		if (n < 10 || memcmp(l, "begin ", 6))
			continue;
		while (i < n && l[i] >= '0' && l[i] <= '7')
			i++;
		if (i == 6 || i >= n || l[i] != ' ')
			continue;
		for (i++; i < n && k + 1 < cap; i++)
			name[k++] = (char)l[i];
		name[k] = 0;
		return (long)pos; /* data starts on the next line */
	}
	return -1;
}

int enc_uu(const uint8_t *in, size_t len, size_t max, struct vbuf *out,
	   int *over, size_t *used)
{
	size_t pos = 0;
	int rc = 0;

	while (pos < len && !rc) {
		const uint8_t *l;
		size_t n = next_line(in, len, &pos, &l), i, want;

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
	*used = pos;
	return rc < 0 ? rc : 0;
}
