/*
 * textbuf.h -- text formatted into a caller's fixed buffer: appends stop
 * at the first that does not fit, which sets full; the text is always
 * NUL-terminated and cut at the buffer's end, never overrun. Callers for
 * whom a cut text is wrong (a manifest, a routing include) refuse it when
 * full is set; a report may show what fit.
 */
#ifndef VIGIL_COMMON_TEXTBUF_H
#define VIGIL_COMMON_TEXTBUF_H

#include <stddef.h>

struct textbuf {
	char *p;
	size_t cap, len;	/* len < cap: p[len] is the NUL */
	int full;		/* an append did not fit */
};

/* Starts an empty text in buf of cap bytes (cap >= 1). */
void textbuf_init(struct textbuf *t, char *buf, size_t cap);

void textbuf_printf(struct textbuf *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
