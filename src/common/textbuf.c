/*
 * textbuf.c -- see textbuf.h. Once full, nothing more is appended, so a
 * later short append cannot hide a gap left by an earlier long one.
 */
#include <stdarg.h>
#include <stdio.h>

#include "common/textbuf.h"

void textbuf_init(struct textbuf *t, char *buf, size_t cap)
{
	t->p = buf;
	t->cap = cap;
	t->len = 0;
	t->full = cap == 0;
	if (cap)
		buf[0] = '\0';
}

void textbuf_printf(struct textbuf *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < t->cap - t->len) {
		t->len += (size_t)n;
		return;
	}
	t->full = 1;
	t->len = t->cap - 1; /* vsnprintf cut it there and ended it */
	t->p[t->len] = '\0';
}
