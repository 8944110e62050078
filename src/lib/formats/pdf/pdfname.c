/*
 * pdfname.c -- PDF names with their "#xx" escapes undone (PDF 1.2 on:
 * any byte of a name may be written so). Read through the bounded reader.
 */
#include <string.h>

#include "formats/pdf/pdfname.h"

/* The longest escaped name compared: "/Encrypt" with every byte escaped. */
#define NAME_MAX_ESCAPED 32

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

static int delimiter(int ch)
{
	return ch <= 0 || strchr(" \t\r\n\f()<>[]{}/%", ch) != NULL;
}

/* An escape "#xx" at r (after the '#'): its byte, consumed, or -1. */
static int escaped_byte(struct rdr *r)
{
	struct rdr t = *r;
	int hi = hexval(rdr_u8(&t)), lo = hexval(rdr_u8(&t));

	if (rdr_failed(&t) || hi < 0 || lo < 0)
		return -1;
	*r = t;
	return hi << 4 | lo;
}

size_t pdf_unescape_names(const uint8_t *in, size_t n, uint8_t *out)
{
	struct rdr r;
	size_t o = 0;
	int in_name = 0, ch, b;

	rdr_init(&r, in, n);
	while (rdr_left(&r)) {
		ch = rdr_u8(&r);
		if (ch == '/')
			in_name = 1;
		else if (in_name && delimiter(ch))
			in_name = 0;
		if (in_name && ch == '#' && (b = escaped_byte(&r)) >= 0)
			ch = b;
		out[o++] = (uint8_t)ch;
	}
	return o;
}

int pdf_name_is(const struct rdr *r, const char *name)
{
	uint8_t buf[NAME_MAX_ESCAPED];
	struct rdr t = *r;
	size_t n, want = strlen(name);

	if (!rdr_accept(&t, "/", 1))
		return 0;
	n = 1 + rdr_cspan(&t, " \t\r\n\f()<>[]{}/%");
	if (n < want || n > sizeof(buf))
		return 0;
	return pdf_unescape_names((const uint8_t *)rdr_here(r), n, buf) ==
		       want && !memcmp(buf, name, want);
}
