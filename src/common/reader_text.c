/*
 * reader_text.c -- the bounded reader's text getters (see reader.h): the
 * same invariant as reader.c, pos never past len and no byte read at or
 * beyond it, for formats and protocols made of lines and words.
 */
#define _GNU_SOURCE
#include "common/reader.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

int rdr_peek(const struct rdr *r)
{
	if (r->failed || r->pos >= r->len)
		return -1;
	return r->buf[r->pos];
}

const char *rdr_here(const struct rdr *r)
{
	return (const char *)r->buf + r->pos;
}

static int token(struct rdr *r, uint8_t delim, size_t max_len, int at_end,
		 const char **tok, size_t *n)
{
	const uint8_t *start, *d;
	size_t avail, len;

	if (r->failed || r->pos >= r->len)
		return 0;
	start = r->buf + r->pos;
	avail = r->len - r->pos;
	d = memchr(start, delim, avail);
	len = d ? (size_t)(d - start) : avail;
	if (len > max_len) {
		r->failed = 1;
		return 0;
	}
	if (!d && !at_end)
		return 0;
	r->pos += d ? len + 1 : len;
	*tok = (const char *)start;
	*n = len;
	return 1;
}

int rdr_until(struct rdr *r, uint8_t delim, size_t max_len,
	      const char **tok, size_t *n)
{
	return token(r, delim, max_len, 0, tok, n);
}

int rdr_field(struct rdr *r, uint8_t delim, size_t max_len,
	      const char **tok, size_t *n)
{
	return token(r, delim, max_len, 1, tok, n);
}

int rdr_line(struct rdr *r, size_t max_len, const char **line, size_t *n)
{
	if (!token(r, '\n', max_len, 1, line, n))
		return 0;
	if (*n && (*line)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

int rdr_find(struct rdr *r, const void *needle, size_t n)
{
	const uint8_t *at;

	if (r->failed || !n || n > r->len - r->pos)
		return 0;
	at = memmem(r->buf + r->pos, r->len - r->pos, needle, n);
	if (!at)
		return 0;
	r->pos = (size_t)(at - r->buf);
	return 1;
}

static int upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
}

/* 1 if the needle (n bytes) lies at p, without regard to case. */
static int same_nocase(const uint8_t *p, const char *needle, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (lower(p[k]) != lower((unsigned char)needle[k]))
			return 0;
	return 1;
}

#if defined(__SSE2__)
/* The first place from i where the needle lies, sixteen places at a
 * time while the last byte's sixteen are in buf: those whose first and
 * last bytes are the needle's (in either case) are compared whole.
 * Where none, *i is where the caller goes on. */
static const uint8_t *find16(const uint8_t *buf, size_t len, size_t *i,
			     const char *needle, size_t n)
{
	int f = lower((unsigned char)needle[0]),
	    l = lower((unsigned char)needle[n - 1]);
	__m128i f0 = _mm_set1_epi8((char)f), f1 = _mm_set1_epi8((char)upper(f)),
		l0 = _mm_set1_epi8((char)l), l1 = _mm_set1_epi8((char)upper(l));

	for (; *i + n - 1 + 16 <= len; *i += 16) {
		__m128i a = _mm_loadu_si128((const void *)(buf + *i)),
			b = _mm_loadu_si128((const void *)(buf + *i + n - 1));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
			_mm_or_si128(_mm_cmpeq_epi8(a, f0), _mm_cmpeq_epi8(a, f1)),
			_mm_or_si128(_mm_cmpeq_epi8(b, l0),
				     _mm_cmpeq_epi8(b, l1))));

		for (; m; m &= m - 1) {
			const uint8_t *p = buf + *i + (unsigned)__builtin_ctz(m);

			if (same_nocase(p, needle, n))
				return p;
		}
	}
	return NULL;
}
#endif

int rdr_find_nocase(struct rdr *r, const char *needle, size_t n)
{
	const uint8_t *p = NULL;
	size_t i;

	if (r->failed || !n || n > r->len - r->pos)
		return 0;
	i = r->pos;
#if defined(__SSE2__)
	p = find16(r->buf, r->len, &i, needle, n);
#endif
	for (; !p && i + n <= r->len; i++)
		if (same_nocase(r->buf + i, needle, n))
			p = r->buf + i;
	if (!p)
		return 0;
	r->pos = (size_t)(p - r->buf);
	return 1;
}

static int accept(struct rdr *r, const char *s, size_t n, int nocase)
{
	const uint8_t *p;
	size_t i;

	if (r->failed || n > r->len - r->pos)
		return 0;
	p = r->buf + r->pos;
	for (i = 0; i < n; i++)
		if (nocase ? lower(p[i]) != lower((unsigned char)s[i]) :
			     p[i] != (unsigned char)s[i])
			return 0;
	r->pos += n;
	return 1;
}

int rdr_accept(struct rdr *r, const char *s, size_t n)
{
	return accept(r, s, n, 0);
}

int rdr_accept_nocase(struct rdr *r, const char *s, size_t n)
{
	return accept(r, s, n, 1);
}

static size_t span(struct rdr *r, const char *set, int in)
{
	uint8_t member[256] = { 0 };
	size_t start = r->pos;

	if (r->failed)
		return 0;
	for (; *set; set++)
		member[(uint8_t)*set] = 1;
	while (r->pos < r->len && member[r->buf[r->pos]] == !!in)
		r->pos++;
	return r->pos - start;
}

size_t rdr_span(struct rdr *r, const char *set)
{
	return span(r, set, 1);
}

size_t rdr_cspan(struct rdr *r, const char *set)
{
	return span(r, set, 0);
}

int rdr_word(struct rdr *r, const char *space, char *out, size_t cap)
{
	const char *w;
	size_t n;

	rdr_span(r, space);
	w = rdr_here(r);
	n = rdr_cspan(r, space);
	if (n >= cap || memchr(w, '\0', n))
		return -1;
	memcpy(out, w, n);
	out[n] = '\0';
	return 0;
}

static int digit(int c, unsigned base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int number(struct rdr *r, unsigned base, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	size_t digits = 0;
	int d;

	while (r->pos < r->len && !r->failed &&
	       (d = digit(r->buf[r->pos], base)) >= 0) {
		if ((uint64_t)d > max || x > (max - (uint64_t)d) / base) {
			r->failed = 1;
			return -1;
		}
		x = x * base + (uint64_t)d;
		r->pos++;
		digits++;
	}
	if (!digits || r->failed) {
		r->failed = 1;
		return -1;
	}
	*v = x;
	return 0;
}

int rdr_decimal(struct rdr *r, uint64_t max, uint64_t *v)
{
	return number(r, 10, max, v);
}

int rdr_hex(struct rdr *r, uint64_t max, uint64_t *v)
{
	return number(r, 16, max, v);
}
