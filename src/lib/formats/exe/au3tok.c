/*
 * au3tok.c -- see au3tok.h. Token codes: 0x00 a keyword by number, 0x01 a
 * built-in function by number (written "Function#N": the numbering
 * changes between AutoIt versions), 0x05 a 32-bit and 0x10 a 64-bit
 * integer, 0x20 a double; 0x30-0x37 a keyword, function, macro (@),
 * variable ($), object member (.), string literal (quoted) or name,
 * spelled out as UTF-16 whose characters are XORed with their count;
 * 0x40-0x58 operators; 0x7f the end of a line. Read through the bounded
 * reader. Also EA05's Unicode scripts, UTF-16, as UTF-8.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "formats/exe/au3tok.h"
#include "formats/format.h"
#include "common/reader.h"
#include "vigil/vigil.h"

#define AU3_MAX_NAME_CHARS 65536 /* a name or string literal, characters */

static const char *const keywords[] = {
	"", "And", "Or", "Not", "If", "Then", "Else", "ElseIf", "EndIf",
	"While", "WEnd", "Do", "Until", "For", "Next", "To", "Step", "In",
	"ExitLoop", "ContinueLoop", "Select", "Case", "EndSelect", "Switch",
	"EndSwitch", "ContinueCase", "Dim", "ReDim", "Local", "Global",
	"Const", "Static", "Func", "EndFunc", "Return", "Exit", "ByRef",
	"With", "EndWith", "True", "False", "Default", "Null", "Volatile",
	"Enum",
};

static const char *const operators[] = {
	",", "=", ">", "<", "<>", ">=", "<=", "(", ")", "+", "-", "/", "*",
	"&", "[", "]", "==", "^", "+=", "-=", "/=", "*=", "&=", "?", ":",
};

struct text {
	struct vbuf *out;
	size_t max;
	int full;
};

static int put(struct text *t, const char *s, size_t n)
{
	if (t->full || t->out->len + n > t->max) {
		n = t->full ? 0 : t->max - t->out->len;
		t->full = 1;
	}
	return vbuf_append(t->out, s, n) ? VIGIL_ENOMEM : 0;
}

static int puts_(struct text *t, const char *s)
{
	return put(t, s, strlen(s));
}

/* A character of a name as UTF-8. */
static int put_char(struct text *t, uint16_t c)
{
	char u[3];

	if (c < 0x80) {
		u[0] = (char)c;
		return put(t, u, 1);
	}
	if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		return put(t, u, 2);
	}
	u[0] = (char)(0xe0 | c >> 12);
	u[1] = (char)(0x80 | (c >> 6 & 0x3f));
	u[2] = (char)(0x80 | (c & 0x3f));
	return put(t, u, 3);
}

/* A spelled-out name or literal; quoted (with "" for ") if a string. */
static int name(struct rdr *r, struct text *t, int quoted)
{
	uint32_t n = rdr_u32le(r), i;
	uint16_t c;
	int rc = 0;

	if (rdr_failed(r) || n > AU3_MAX_NAME_CHARS || n * 2u > rdr_left(r))
		return FMT_DAMAGED;
	if (quoted)
		rc = put(t, "\"", 1);
	for (i = 0; i < n && !rc; i++) {
		c = (uint16_t)(rdr_u16le(r) ^ n);
		rc = put_char(t, c);
		if (!rc && quoted && c == '"')
			rc = put(t, "\"", 1);
	}
	return rc || !quoted ? rc : put(t, "\"", 1);
}

/* One token's text, without the space before it. */
static int token(struct rdr *r, struct text *t, uint8_t code)
{
	static const char *const sigil[] = { "", "", "@", "$", "", ".", "", "" };
	char num[40];
	uint32_t id;
	uint64_t v;
	double d;

	if (code >= 0x40 && code < 0x40 + sizeof(operators) / sizeof(operators[0]))
		return puts_(t, operators[code - 0x40]);
	if (code >= 0x30 && code <= 0x37) {
		int rc = puts_(t, sigil[code - 0x30]);

		return rc ? rc : name(r, t, code == 0x36);
	}
	switch (code) {
	case 0x00:
		id = rdr_u32le(r);
		if (rdr_failed(r) || !id ||
		    id >= sizeof(keywords) / sizeof(keywords[0]))
			return FMT_DAMAGED;
		return puts_(t, keywords[id]);
	case 0x01:
		snprintf(num, sizeof(num), "Function#%" PRIu32, rdr_u32le(r));
		break;
	case 0x05:
		snprintf(num, sizeof(num), "%" PRIu32, rdr_u32le(r));
		break;
	case 0x10:
		snprintf(num, sizeof(num), "%" PRIu64, rdr_u64le(r));
		break;
	case 0x20:
		v = rdr_u64le(r);
		memcpy(&d, &v, sizeof(d));
		snprintf(num, sizeof(num), "%.15g", d);
		break;
	default:
		return FMT_DAMAGED;
	}
	return rdr_failed(r) ? FMT_DAMAGED : puts_(t, num);
}

int au3_detokenize(const uint8_t *in, size_t n, size_t max, struct vbuf *out)
{
	struct text t = { out, max, 0 };
	uint32_t lines, line = 0;
	struct rdr r;
	int rc = 0, first = 1;
	uint8_t code;

	rdr_init(&r, in, n);
	lines = rdr_u32le(&r);
	while (!rc && !t.full && line < lines) {
		code = rdr_u8(&r);
		if (rdr_failed(&r))
			return FMT_DAMAGED;
		if (code == 0x7f) {
			rc = put(&t, "\r\n", 2);
			line++;
			first = 1;
			continue;
		}
		if (!first)
			rc = put(&t, " ", 1);
		first = 0;
		if (!rc)
			rc = token(&r, &t, code);
	}
	return rc ? rc : t.full ? 1 : 0;
}

int au3_utf16_text(const uint8_t *in, size_t n, size_t max, struct vbuf *out)
{
	struct text t = { out, max, 0 };
	struct rdr r;
	uint16_t c;
	int rc = 0;

	rdr_init(&r, in, n);
	rdr_accept(&r, "\xff\xfe", 2);
	while (!rc && !t.full && rdr_left(&r) >= 2) {
		c = rdr_u16le(&r);
		rc = put_char(&t, c);
	}
	return rc ? rc : t.full ? 1 : 0;
}
