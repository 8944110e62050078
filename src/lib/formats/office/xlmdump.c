/*
 * xlmdump.c -- the records of an Excel workbook stream written out as
 * text, the way clamscan does for a workbook that holds an Excel 4.0 macro
 * sheet (or pictures), so that the signatures written against clamscan's
 * dump (its "xlm-macro" object: a header line, then one line per record
 * with its type, length and name, the cells' formulas as tokens, function
 * names, strings and references, sheet kinds, defined names) match the
 * same text here.
 *
 * Written by hand because the text is clamscan's own format, and kept
 * byte for byte, quirks included, since a signature may contain any of
 * them: clamscan reads the records through a signed char buffer (a byte
 * of 0x80 or more spreads its sign over the bytes above it in a 16- or
 * 32-bit field), parses each formula one byte past its record (the byte
 * that record left in the buffer from an earlier, longer one: the buffer
 * is kept here too, zeroed at the start), prints "(null)" for a token
 * without a name, writes a short string from its token's first byte, and
 * stops a formula at the first token it does not decode. UTF-16 text is
 * decoded strictly (as iconv: an unpaired surrogate, an odd or empty
 * length fail). Differences in what is scanned, not in the text: clamscan
 * 1.4 scans only the first whole 4 KiB blocks of its dump (its last,
 * partly filled stdio buffer is written after the scan) and nothing of it
 * when a record runs past the stream; Vigil scans the whole text, up to
 * the last whole record.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "formats/office/xlmdump.h"
#include "formats/office/xlmnames.h"
#include "common/reader.h"
#include "vigil/vigil.h"

#define REC_MAX 8228 /* clamscan's largest record: a longer one ends the dump */
#define REC_SLACK 16 /* bytes past REC_MAX its parsers may read */

enum {
	OP_FORMULA = 0x0006, OP_NAME = 0x0018, OP_BOUNDSHEET = 0x0085,
	OP_STRING = 0x0207,
};

struct out {
	struct vbuf *buf;
	size_t max;
	int err; /* 1: max reached; VIGIL_ENOMEM */
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->err)
		return;
	if (n > o->max - o->buf->len) {
		n = o->max - o->buf->len;
		o->err = 1;
	}
	if (n && vbuf_append(o->buf, p, n) != 0)
		o->err = VIGIL_ENOMEM;
}

__attribute__((format(printf, 2, 3)))
static void putf(struct out *o, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* " %s" of a name that may be missing: printf's "(null)". */
static void put_name(struct out *o, const char *name)
{
	putf(o, " %s", name ? name : "(null)");
}

/* printf's "%.*s": at most n bytes (all when n < 0), to the first NUL. */
static void put_cstr(struct out *o, const uint8_t *p, int n, size_t avail)
{
	size_t lim = n < 0 || (size_t)n > avail ? avail : (size_t)n;
	const uint8_t *z = memchr(p, 0, lim);

	put(o, p, z ? (size_t)(z - p) : lim);
}

/* n little-endian bytes read through signed chars, ORed as ints. */
static uint32_t sx(const uint8_t *p, int n)
{
	uint32_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint32_t)(int32_t)(int8_t)p[i] << (8 * i);
	return v;
}

static size_t utf8_encode(uint32_t u, uint8_t *e)
{
	if (u < 0x80) {
		e[0] = (uint8_t)u;
		return 1;
	}
	if (u < 0x800) {
		e[0] = (uint8_t)(0xc0 | u >> 6);
		e[1] = (uint8_t)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		e[0] = (uint8_t)(0xe0 | u >> 12);
		e[1] = (uint8_t)(0x80 | (u >> 6 & 0x3f));
		e[2] = (uint8_t)(0x80 | (u & 0x3f));
		return 3;
	}
	e[0] = (uint8_t)(0xf0 | u >> 18);
	e[1] = (uint8_t)(0x80 | (u >> 12 & 0x3f));
	e[2] = (uint8_t)(0x80 | (u >> 6 & 0x3f));
	e[3] = (uint8_t)(0x80 | (u & 0x3f));
	return 4;
}

/* Strict UTF-16LE to UTF-8 into t; 0, 1 where iconv refuses it (an
 * empty or odd length, an unpaired surrogate). */
static int utf16(struct vbuf *t, const uint8_t *p, size_t n)
{
	if (!n || n % 2)
		return 1;
	for (size_t i = 0; i < n; i += 2) {
		uint32_t u = (uint32_t)(p[i] | p[i + 1] << 8), lo;
		uint8_t enc[4];

		if (u >= 0xdc00 && u < 0xe000)
			return 1;
		if (u >= 0xd800 && u < 0xdc00) {
			if (i + 3 >= n)
				return 1;
			lo = (uint32_t)(p[i + 2] | p[i + 3] << 8);
			if (lo < 0xdc00 || lo >= 0xe000)
				return 1;
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		}
		if (vbuf_append(t, enc, utf8_encode(u, enc)) != 0)
			return VIGIL_ENOMEM;
	}
	return 0;
}

static void put_utf16(struct out *o, const uint8_t *p, size_t n)
{
	struct vbuf t = { 0 };
	int rc = utf16(&t, p, n);

	if (rc == VIGIL_ENOMEM)
		o->err = rc;
	else if (rc)
		put(o, "<Failed to decode UTF16LE string>", 33);
	else
		put(o, t.data, t.len);
	vbuf_free(&t);
}

static const char *function_name(unsigned id)
{
	if (id < XLM_FUNCTIONS)
		return xlm_functions[id];
	if (id >= 0x8000 && id - 0x8000 < XLM_COMMANDS)
		return xlm_commands[id - 0x8000];
	return NULL;
}

static void put_function(struct out *o, unsigned id)
{
	const char *name = function_name(id);

	putf(o, " %s (0x%04x)", name ? name : "<unknown function>", id);
}

/* " R5C3", "~" marking a relative row or column (no 1 added then);
 * sep goes before it. */
static void put_ref(struct out *o, const char *sep, uint16_t row,
		    uint16_t col)
{
	putf(o, "%sR%s%uC%s%u", sep, row & 0x4000 ? "~" : "",
	     (unsigned)((row & 0x3fff) + (row & 0x4000 ? 0 : 1)),
	     row & 0x8000 ? "~" : "",
	     (unsigned)(col + (row & 0x8000 ? 0 : 1)));
}

/* A formula's tokens (rgce), with clamscan's one byte too many. */
struct formula {
	const uint8_t *d;
	uint32_t size, pos;
};

enum {
	PTG_EXP = 0x01, PTG_STR = 0x17, PTG_ATTR = 0x19, PTG_BOOL = 0x1d,
	PTG_INT = 0x1e, PTG_NUM = 0x1f, PTG_FUNC = 0x21, PTG_FUNCVAR = 0x22,
	PTG_NAME = 0x23, PTG_REF = 0x24, PTG_AREA = 0x25, PTG_MEMAREA = 0x26,
	PTG_NAMEX = 0x39, PTG_REF3D = 0x3a, PTG_FUNCV = 0x41, PTG_FUNCVARV = 0x42,
	PTG_REFV = 0x44, PTG_REF3DV = 0x5a, PTG_FUNCA = 0x61, PTG_FUNCVARA = 0x62,
	FUNC_SKIPS_9 = 0x806d, /* a command clamscan steps 9 bytes further past */
};

/* Tokens of one byte: the operators clamscan knows, a missing argument. */
static int is_operator(unsigned ptg)
{
	return (ptg >= 0x03 && ptg <= 0x0e && ptg != 0x07) || ptg == 0x11 ||
	       ptg == 0x16;
}

/* The index of the last byte of a fixed-size token clamscan decodes, 0
 * for the others. */
static unsigned fixed_last(unsigned ptg)
{
	switch (ptg) {
	case PTG_BOOL: return 1;
	case PTG_INT: case PTG_FUNC: case PTG_FUNCV: case PTG_FUNCA:
		return 2;
	case PTG_FUNCVAR: case PTG_FUNCVARV: case PTG_FUNCVARA:
		return 3;
	case PTG_NAME: case PTG_EXP: case PTG_REF: case PTG_REFV: return 4;
	case PTG_MEMAREA: case PTG_REF3D: case PTG_REF3DV: case PTG_NAMEX:
		return 6;
	case PTG_NUM: case PTG_AREA: return 8;
	default: return 0;
	}
}

static void fixed_text(struct out *o, unsigned ptg, const uint8_t *d)
{
	double v;

	switch (ptg) {
	case PTG_BOOL: putf(o, " %s", d[1] ? "TRUE" : "FALSE"); break;
	case PTG_INT: putf(o, " %d", (int)(int32_t)sx(d + 1, 2)); break;
	case PTG_NAME: putf(o, " 0x%08x", sx(d + 1, 4)); break;
	case PTG_MEMAREA: put(o, " REFERENCE-EXPRESSION", 21); break;
	case PTG_NUM:
		memcpy(&v, d + 1, sizeof(v));
		putf(o, " %f", v);
		break;
	case PTG_EXP:
		putf(o, " R%uC%u", (unsigned)(uint16_t)sx(d + 1, 2) + 1,
		     (unsigned)(uint16_t)sx(d + 3, 2) + 1);
		break;
	case PTG_REF: case PTG_REFV:
		put_ref(o, " ", (uint16_t)sx(d + 1, 2), (uint16_t)sx(d + 3, 2));
		break;
	case PTG_AREA:
		put_ref(o, " ", (uint16_t)sx(d + 1, 2), (uint16_t)sx(d + 3, 2));
		put_ref(o, ":", (uint16_t)sx(d + 5, 2), (uint16_t)sx(d + 7, 2));
		break;
	case PTG_REF3D: case PTG_REF3DV:
		put_ref(o, " ", (uint16_t)sx(d + 3, 2), (uint16_t)sx(d + 5, 2));
		break;
	case PTG_NAMEX:
		putf(o, " NAMEIDX %u", (unsigned)(uint16_t)sx(d + 3, 2));
		break;
	default:
		if (ptg == PTG_FUNC || ptg == PTG_FUNCV || ptg == PTG_FUNCA)
			put_function(o, (uint16_t)sx(d + 1, 2));
		else { /* a ptgFuncVar: the argument count, then the function */
			putf(o, " args %u func", sx(d + 1, 1));
			put_function(o, (uint16_t)sx(d + 2, 2));
		}
	}
}

/* A string constant: UTF-16 decoded, or (one byte a character) written
 * from the token's first byte, as clamscan does; lengths through a signed
 * char. */
static int str_token(struct out *o, struct formula *f)
{
	const uint8_t *d = f->d + f->pos;
	uint32_t left, n;
	int32_t len;

	if (f->pos + 2 >= f->size)
		return -1;
	left = f->size - f->pos;
	len = (int8_t)d[1];
	if (d[2] == 1 && f->pos + 2 + (uint32_t)(2 * len) <= f->size) {
		n = len < 0 || (uint32_t)(2 * len) > left ? left : (uint32_t)(2 * len);
		put_utf16(o, d + 3, n);
	} else if (d[2] == 0 && f->pos + 2 + (uint32_t)len <= f->size) {
		n = len < 0 || (uint32_t)len > left ? left : (uint32_t)len;
		put(o, d, n);
	} else {
		return -1;
	}
	f->pos += 3 + n;
	return 0;
}

static int attr_token(struct out *o, struct formula *f)
{
	const uint8_t *d = f->d + f->pos;
	unsigned choices;

	if (f->pos + 1 >= f->size)
		return -1;
	if (!(d[1] & 0x40)) {
		f->pos += 4;
		return 0;
	}
	if (f->pos + 3 >= f->size)
		return -1;
	choices = (unsigned)(uint16_t)sx(d + 2, 2) + 1;
	putf(o, " CHOOSE (%u)", choices);
	f->pos += 4 + 2 * choices;
	return 0;
}

/* One token: its name, then what clamscan decodes of it; -1 ends the
 * formula (a token it does not decode, or one cut short). */
static int token(struct out *o, struct formula *f)
{
	const uint8_t *d = f->d + f->pos;
	unsigned ptg = d[0] & 0x7f, last = fixed_last(ptg);

	if (d[0] < XLM_TOKENS)
		put_name(o, xlm_tokens[ptg]);
	if (is_operator(ptg)) {
		f->pos += 1;
		return 0;
	}
	if (ptg == PTG_STR)
		return str_token(o, f);
	if (ptg == PTG_ATTR)
		return attr_token(o, f);
	if (!last || f->pos + last >= f->size)
		return -1;
	fixed_text(o, ptg, d);
	f->pos += last + 1;
	if ((ptg == PTG_FUNCVAR || ptg == PTG_FUNCVARV || ptg == PTG_FUNCVARA) &&
	    (uint16_t)sx(d + 2, 2) == FUNC_SKIPS_9)
		f->pos += 9;
	return 0;
}

/* A Formula record: the cell, the formula's length, its tokens. */
static void formula_record(struct out *o, const uint8_t *rec, uint16_t n)
{
	struct formula f = { rec + 22, (uint32_t)n - 21, 0 };

	if (n < 21)
		return;
	putf(o, " - R%uC%u len=%u ", (unsigned)(uint16_t)sx(rec, 2) + 1,
	     (unsigned)(uint16_t)sx(rec + 2, 2) + 1,
	     (unsigned)(uint16_t)sx(rec + 20, 2));
	while (f.pos < f.size && token(o, &f) == 0)
		;
}

/* A Lbl (defined name) record: a built-in name (auto_open runs the
 * macros), or the name's text. */
static void name_record(struct out *o, const uint8_t *rec, uint16_t n)
{
	size_t at = rec[14] ? 14 : 15;
	int len;

	if (n < 16)
		return;
	if (rec[0] & 0x20) {
		int8_t code = (int8_t)rec[at];

		putf(o, " - built-in-name %u %s", (unsigned)(int32_t)code,
		     code == 1 ? "auto_open" : code == 2 ? "auto_close" : "?");
		return;
	}
	len = (int)(int32_t)sx(rec + 3, 2);
	if (len > (int)(n - at))
		len = (int)(n - at);
	put(o, " - ", 3);
	put_cstr(o, rec + at, len, REC_MAX + REC_SLACK - at);
}

/* A BoundSheet8 record: the sheet's kind and whether it is hidden. */
static void sheet_record(struct out *o, const uint8_t *rec, uint16_t n)
{
	static const char *const state[] = { "visible", "hidden", "very hidden" };
	const char *kind;

	if (n < 6)
		return;
	switch (rec[5]) {
	case 0: kind = "worksheet or dialog sheet"; break;
	case 1: kind = "Excel 4.0 macro sheet"; break;
	case 2: kind = "chart"; break;
	case 6: kind = "Visual Basic module"; break;
	default: kind = "unknown type";
	}
	putf(o, " - %s, %s", kind,
	     rec[4] < 3 ? state[rec[4]] : "unknown visibility");
}

/* A String record (a formula's text result): one byte a character, read
 * from where clamscan 1.4 reads it (three bytes late, up to a NUL), or
 * UTF-16. */
static void string_record(struct out *o, const uint8_t *rec, uint16_t n)
{
	uint16_t len = (uint16_t)sx(rec, 2);

	if (n < 4)
		return;
	if (!(rec[2] & 1)) {
		put(o, " - \"", 4);
		put_cstr(o, rec + 6, n - 3, REC_MAX + REC_SLACK - 6);
		put(o, "\"", 1);
		return;
	}
	put(o, " - ", 3);
	put_utf16(o, rec + 3, len > n - 3 ? (size_t)(n - 3) : len);
}

static void record_text(struct out *o, uint16_t op, const uint8_t *rec,
			uint16_t n)
{
	if (op == OP_FORMULA)
		formula_record(o, rec, n);
	else if (op == OP_NAME)
		name_record(o, rec, n);
	else if (op == OP_BOUNDSHEET)
		sheet_record(o, rec, n);
	else if (op == OP_STRING)
		string_record(o, rec, n);
}

int xlm_dump(const uint8_t *b, size_t len, size_t max, struct vbuf *out)
{
	static const char head[] = "-- BIFF content extracted and disassembled "
		"from CL_TYPE_MSXL .xls file because a XLM macro was found in "
		"the document\n";
	uint8_t *rec = calloc(1, REC_MAX + REC_SLACK);
	struct out o = { out, max, 0 };
	struct rdr r;

	if (!rec)
		return VIGIL_ENOMEM;
	put(&o, head, sizeof(head) - 1);
	rdr_init(&r, b, len);
	while (!o.err && rdr_left(&r) >= 4) {
		uint16_t op = rdr_u16le(&r), n = rdr_u16le(&r);
		const char *name = op < XLM_RECORD_NAMES ?
				   xlm_record_names[op] : NULL;
		const uint8_t *p;

		putf(&o, "%04x %6u   %s", op, n, name ? name : "<unknown>");
		if (n > REC_MAX || !(p = rdr_bytes(&r, n)))
			break; /* clamscan's dump ends here too */
		memcpy(rec, p, n); /* over what longer records left */
		record_text(&o, op, rec, n);
		put(&o, "\n", 1);
	}
	free(rec);
	return o.err;
}
