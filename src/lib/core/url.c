/*
 * url.c -- URLs as the phishing checks see them, after ClamAV's rules
 * (its phishing documentation and behaviour): what counts as a URL, how a
 * link is cleaned before two are compared, where its host is, and the
 * registered domain of a host by the top-level domain list (tld_list.h,
 * generated from the Public Suffix List's ICANN section). Written here:
 * the rules are ClamAV's own, no library has them.
 */
#define _GNU_SOURCE
#include "core/url.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/tld_list.h"

#define TLD_MAX_BYTES 64

static int cmp_tld(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

int tld_known(const char *s, size_t n)
{
	char low[TLD_MAX_BYTES];
	size_t i;

	if (!n || n >= sizeof(low))
		return 0;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	low[n] = 0;
	return bsearch(low, tld_list, sizeof(tld_list) / sizeof(tld_list[0]),
		       sizeof(tld_list[0]), cmp_tld) != NULL;
}

int tld_country(const char *s, size_t n)
{
	return n == 2 && isalpha((unsigned char)s[0]) &&
	       isalpha((unsigned char)s[1]) && tld_known(s, n);
}

/* A URI scheme: a letter, then letters, digits, '+', '-', '.'. */
static int scheme_ok(const char *s, const char *end)
{
	if (s >= end || !isalpha((unsigned char)*s))
		return 0;
	for (s++; s < end; s++)
		if (!isalnum((unsigned char)*s) && !strchr("+-.", *s))
			return 0;
	return 1;
}

/* A label of a host: no dot, no space, no slash, something in it. */
static int label_ok(const char *s, const char *end)
{
	if (s >= end)
		return 0;
	for (; s < end; s++)
		if ((unsigned char)*s <= ' ' || *s == '/' || *s == '.')
			return 0;
	return 1;
}

static const char *known_scheme(const char *u)
{
	static const char *const schemes[] = { "https:", "http:", "ftp:",
					       "mailto:" };
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (!strncmp(u, schemes[i], strlen(schemes[i])))
			return u + strlen(schemes[i]) - 1;
	return NULL;
}

/* An e-mail address is not a URL, unless "name.tld@host" fools a reader. */
static int email_not_url(const char *p, const char *end)
{
	const char *at = memchr(p, '@', (size_t)(end - p)), *d;

	if (!at)
		return 0;
	for (d = at - 1; d > p && *d != '.'; d--)
		;
	return d == p || !tld_known(d + 1, (size_t)(at - d - 1));
}

int url_is_url(char *u, int any_proto)
{
	const char *start, *p, *end, *q;
	char *last_tld_end = NULL;
	int has_proto = 0;

	while (*u == ' ')
		u++;
	start = known_scheme(u);
	if (start && start[1] == '/' && start[2] == '/')
		return 1;
	if (any_proto)
		start = strchr(u, ':');
	if (start && scheme_ok(u, start)) {
		start += start[1] == '/' ? 2 + (start[2] == '/') : 1;
		has_proto = 1;
	} else {
		start = u;
	}
	p = start;
	end = strchr(p, '/');
	if (!end)
		end = p + strlen(p);
	if (!has_proto && email_not_url(p, end))
		return 0;
	while ((q = strchr(p, '.')) && q <= end) {
		if (!label_ok(p, q))
			return 0;
		if (any_proto && tld_known(p, (size_t)(q - p)))
			last_tld_end = u + (q - u);
		p = q + 1;
	}
	if (p == start)
		return 0; /* no dot */
	if (end < p)
		end = p;
	while (end > p && end[-1] == ' ')
		end--;
	if (tld_known(p, (size_t)(end - p)))
		return 1;
	if (!any_proto || !last_tld_end)
		return 0;
	*last_tld_end = 0;
	return 1;
}

/* Removes every occurrence of w from [b, *e] (inclusive end), in place. */
static void strip_all(char *b, char **e, const char *w)
{
	size_t n = strlen(w);
	char *p = b;

	while (p + n <= *e + 1) {
		if (!strncmp(p, w, n)) {
			memmove(p, p + n, (size_t)(*e + 1 - (p + n)) + 1);
			*e -= n;
		} else {
			p++;
		}
	}
}

static int hexval(char c)
{
	return isdigit((unsigned char)c) ? c - '0' :
	       (tolower((unsigned char)c) - 'a' + 10);
}

/* %xx decoded in [b, *e], again while a decoded '%' makes another. */
static void unhex(char *b, char **e)
{
	int again = 1;

	while (again) {
		char *p;

		again = 0;
		for (p = b; p + 2 <= *e; p++) {
			if (p[0] != '%' || !isxdigit((unsigned char)p[1]) ||
			    !isxdigit((unsigned char)p[2]))
				continue;
			*p = (char)(hexval(p[1]) * 16 + hexval(p[2]));
			again |= *p == '%';
			memmove(p + 1, p + 3, (size_t)(*e - (p + 2)) + 1);
			*e -= 2;
		}
	}
}

/* Cuts after the host and lowercases it; returns the new end. */
static char *cut_after_host(char *b, char *e)
{
	char *h = strchr(b, ':');
	size_t n;

	while (h && h < e && h[1] == '/')
		h++;
	h = h ? h + 1 : b;
	n = strcspn(h, ":/?");
	if (h + n > e + 1)
		n = (size_t)(e - h + 1);
	else
		e = h + n - 1;
	h[n] = 0;
	for (; n; n--, h++)
		*h = (char)tolower((unsigned char)*h);
	return e;
}

/* A displayed link: spaces out, punctuation around it out, a final '/'
 * kept. */
static char *fixup_display(char *b, char **e)
{
	strip_all(b, e, " ");
	while (b <= *e && !isalnum((unsigned char)*b))
		b++;
	while (*e >= b && !isalnum((unsigned char)**e))
		(*e)--;
	if ((*e)[1] == '/')
		(*e)++;
	return b;
}

char *url_cleanup(char *u, int is_real)
{
	static const char *const noise[] = { ".net", "ado.net", "asp.net" };
	char *b = u, *e, *p;
	size_t i;

	for (p = u; *p; p++)
		*p = (char)((*p & 0x7f) < 32 ? 32 : (*p & 0x7f));
	while (isspace((unsigned char)*b))
		b++;
	if (strlen(b) < 2)
		return NULL;
	e = b + strlen(b) - 1;
	while (e > b && isspace((unsigned char)*e))
		e--;
	for (i = 0; i < sizeof(noise) / sizeof(noise[0]); i++)
		if (!strncmp(b, noise[i], strlen(noise[i])))
			return NULL;
	for (p = b; p <= e; p++)
		if (*p == '\\')
			*p = '/';
	e = cut_after_host(b, e);
	for (p = b; p <= e; p++)
		if (strchr("<>\";", *p))
			*p = ' ';
	strip_all(b, &e, "&lt");
	strip_all(b, &e, "&gt");
	unhex(b, &e);
	if (is_real) {
		strip_all(b, &e, " ");
	} else {
		while (b <= e && *b == ' ')
			b++;
		while (e >= b && *e == ' ')
			e--;
		b = fixup_display(b, &e);
	}
	if (e < b)
		return NULL;
	e[1] = 0;
	memmove(u, b, (size_t)(e - b) + 2);
	return u;
}

int url_host(const char *u, int is_real, int real_is_mailto, char *out,
	     size_t cap, int *mailto)
{
	const char *s = strstr(u, "://"), *end = NULL, *at;
	int ismail = 0;

	*mailto = 0;
	if (s) {
		s += 3;
	} else if (!strncmp(u, "mailto:", 7)) {
		s = u + 7;
		ismail = 1;
	} else if (!is_real && real_is_mailto) {
		s = u + strcspn(u, ": ") + 1;
		if (s > u + strlen(u))
			s = u;
		ismail = 1;
	} else {
		s = u;
		ismail = !is_real ? 2 : 0;
	}
	if (!ismail || !is_real) {
		for (;;) { /* the text after the last '@' is the host */
			end = s + strcspn(s, ":/?");
			at = strchr(s, '@');
			if (!at || (s != end && at > end))
				break;
			s = at + 1;
		}
	} else {
		*mailto = 1;
	}
	if (!end)
		end = s + strcspn(s, ":/?");
	if ((size_t)(end - s) + 1 > cap)
		return -1;
	memcpy(out, s, (size_t)(end - s));
	out[end - s] = 0;
	return 0;
}

/* Labels registries use below a country code (co.uk, com.au, ac.jp):
 * the country codes themselves and the original generic domains. The new
 * generic domains (brand names such as "amazon") are not among them, or
 * www.amazon.de would be a domain of its own. */
static int second_level(const char *s, size_t n)
{
	static const char *const generic[] = {
		"aero", "arpa", "asia", "biz", "cat", "com", "coop", "edu",
		"gov", "info", "int", "jobs", "mil", "mobi", "museum", "name",
		"net", "org", "pro", "tel", "travel",
	};
	size_t i;

	if (tld_country(s, n))
		return 1;
	for (i = 0; i < sizeof(generic) / sizeof(generic[0]); i++)
		if (strlen(generic[i]) == n && !strncasecmp(s, generic[i], n))
			return 1;
	return 0;
}

const char *url_domain(const char *host)
{
	const char *tld = strrchr(host, '.'), *prev, *d;

	if (!tld)
		return host;
	if (tld_country(tld + 1, strlen(tld + 1))) {
		for (prev = tld - 1; prev >= host && *prev != '.'; prev--)
			;
		if (prev < host)
			return host; /* two labels: the domain itself */
		if (!second_level(prev + 1, (size_t)(tld - prev - 1)))
			return prev + 1; /* name.uk: "name.uk" */
		tld = prev;	 /* name.co.uk: one level more */
	}
	for (d = tld - 1; d >= host && *d != '.'; d--)
		;
	return d < host ? host : d + 1;
}
