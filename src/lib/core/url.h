/*
 * url.h -- the URL questions of the phishing checks (url.c): is a text a
 * URL, what it is once cleaned, its host and its registered domain.
 */
#ifndef VIGIL_CORE_URL_H
#define VIGIL_CORE_URL_H

#include <stddef.h>

/* Longest URL or link text looked at, in bytes; longer ones are cut. */
#define URL_MAX_BYTES 1024

/* 1 if s[0..n) (lowercase) is a top-level domain of IANA's root zone. */
int tld_known(const char *s, size_t n);
/* 1 if it is a two-letter (country code) top-level domain. */
int tld_country(const char *s, size_t n);

/*
 * 1 if u looks like a URL: a scheme with "//" (http, https, ftp, mailto),
 * or dotted labels ending in a known top-level domain. With any_proto, any
 * scheme is accepted and u may be cut after its last known top-level
 * domain (u is modified).
 */
int url_is_url(char *u, int any_proto);
/*
 * Cleans a link in place as the checks compare them: control bytes made
 * spaces, trimmed, cut after the host (lowercased), markup and quotes
 * removed, %xx decoded; spaces removed (a real URL) or trimmed and then
 * removed with leading and trailing punctuation (a displayed one).
 * Returns u, or NULL if nothing is left.
 */
char *url_cleanup(char *u, int is_real);
/*
 * The host of a cleaned URL, into out (cap bytes): after "://" or
 * "mailto:", past any user names; *mailto is set for a real mailto: link.
 * 0, or -1 if there is none.
 */
int url_host(const char *u, int is_real, int real_is_mailto, char *out,
	     size_t cap, int *mailto);
/* The registered domain of a host ("www.paypal.co.uk": "paypal.co.uk"). */
const char *url_domain(const char *host);

#endif
