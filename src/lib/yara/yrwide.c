/*
 * yrwide.c -- a YARA regular expression written as PCRE2 source
 * (yrwide.h): in its wide form each character atom becomes
 * (?:ATOM\x00); in either form a count without its least, "{,m}" or
 * "{,}", gets its 0 (yara reads "{,m}" as "{0,m}", PCRE2 before 10.43 as
 * five literal bytes). The pattern is read within its length; an escape
 * or a class left open is an error.
 */
#include "yara/yrwide.h"

#include "yara/yratom.h"

#include <string.h>

#include "vigil/vigil.h"

/* The length of the escape at re[i] ('\\'), or 0 if it is cut short. */
static size_t escape_len(const char *re, size_t n, size_t i)
{
	if (i + 1 >= n)
		return 0;
	if (re[i + 1] == 'x')
		return i + 3 < n ? 4 : 0;
	return 2;
}

/* The length of the class at re[i] ('['), or 0 if it is not closed. */
static size_t class_len(const char *re, size_t n, size_t i)
{
	size_t k = i + 1;

	if (k < n && re[k] == '^')
		k++;
	if (k < n && re[k] == ']')
		k++; /* a ']' first is a member */
	for (; k < n; k++) {
		if (re[k] == '\\') {
			size_t e = escape_len(re, n, k);

			if (!e)
				return 0;
			k += e - 1;
		} else if (re[k] == ']') {
			return k + 1 - i;
		}
	}
	return 0;
}

/* A character atom: as it is, or in its wide form. */
static int atom(struct vbuf *out, const char *a, size_t n, int wide)
{
	if (!wide)
		return vbuf_append(out, a, n);
	if (vbuf_append(out, "(?:", 3) < 0 || vbuf_append(out, a, n) < 0 ||
	    vbuf_append(out, "\\x00)", 5) < 0)
		return VIGIL_ENOMEM;
	return 0;
}

/* A count's bounds (k bytes at a), with its least written if left out. */
static int count(struct vbuf *out, const char *a, size_t k)
{
	if (k > 1 && a[1] == ',' &&
	    (vbuf_append(out, "{0", 2) < 0 || vbuf_append(out, a + 1, k - 1) < 0))
		return VIGIL_ENOMEM;
	return k > 1 && a[1] == ',' ? 0 : vbuf_append(out, a, k);
}

int yr_regex_source(const char *re, size_t n, int wide, struct vbuf *out)
{
	size_t i = 0, k;
	int rc = 0;

	while (i < n && !rc) {
		char c = re[i];

		if (c == '\\') {
			if (!(k = escape_len(re, n, i)))
				return VIGIL_EINVAL;
			/* \b and \B are positions, not characters */
			rc = re[i + 1] == 'b' || re[i + 1] == 'B' ?
				     vbuf_append(out, re + i, k) :
				     atom(out, re + i, k, wide);
		} else if (c == '[') {
			if (!(k = class_len(re, n, i)))
				return VIGIL_EINVAL;
			rc = atom(out, re + i, k, wide);
		} else if (strchr("()|?*+^$", c) ||
			   (c == '{' && yr_regex_counted(re, n, i))) {
			/* structure, and a count's bounds, as they are (a
			 * brace that opens none is a byte: widened) */
			k = 1;
			if (c == '{')
				while (i + k < n && re[i + k - 1] != '}')
					k++;
			if (c == '(' && i + 2 < n && re[i + 1] == '?' &&
			    re[i + 2] == ':')
				k = 3;
			rc = c == '{' ? count(out, re + i, k) :
					vbuf_append(out, re + i, k);
		} else {
			k = 1;
			rc = atom(out, re + i, 1, wide);
		}
		i += k;
	}
	return rc ? VIGIL_ENOMEM : vbuf_append_u8(out, 0);
}
