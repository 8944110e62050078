/*
 * gsb.c -- URL hash lookups as ClamAV does them for .gdb lines: the real
 * URL is canonicalised (scheme and user name dropped, %xx decoded again
 * and again, "/./" and "/x/../" removed, bytes outside printable ASCII
 * and '%' and '#' escaped again, the host lowercased, the anchor dropped),
 * then the SHA-256 of each "host/path" expression (the host and up to
 * four of its parent domains, the path whole, without its query, empty,
 * and cut after each of its first directories) is looked up. An allowed
 * hash (S:W) clears that expression only (the others are still looked
 * up); a listed one names the list: S (malware), S1 (blocked), S2
 * (phishing).
 */
#include "core/gsb.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "core/engine_int.h"

#define GSB_MAX_URL_BYTES 1024
#define GSB_HOST_LEVELS 4	/* parent domains looked up */
#define GSB_PATH_LEVELS 6	/* path prefixes looked up */

static int hexval(char c)
{
	return isdigit((unsigned char)c) ? c - '0' :
	       tolower((unsigned char)c) - 'a' + 10;
}

/* %xx decoded until none is left (a decoded '%' may make another). */
static size_t unescape(char *s, size_t n)
{
	int again = 1;

	while (again) {
		size_t i, o = 0;

		again = 0;
		for (i = 0; i < n; i++) {
			if (s[i] == '%' && i + 2 < n &&
			    isxdigit((unsigned char)s[i + 1]) &&
			    isxdigit((unsigned char)s[i + 2])) {
				s[o] = (char)(hexval(s[i + 1]) * 16 +
					      hexval(s[i + 2]));
				again |= s[o++] == '%';
				i += 2;
			} else {
				s[o++] = s[i];
			}
		}
		n = o;
	}
	s[n] = 0;
	return n;
}

/* "/./" and "/dir/../" out of the text after the host. */
static void dot_segments(char *s)
{
	char *p;

	while ((p = strstr(s, "/./")))
		memmove(p, p + 2, strlen(p + 2) + 1);
	while ((p = strstr(s, "/../")) && p > s) {
		char *d = p - 1;

		while (d > s && *d != '/')
			d--;
		memmove(d, p + 3, strlen(p + 3) + 1);
	}
}

/* Bytes a URL does not carry as they are: escaped again into out. */
static void escape(const char *in, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *in && o + 4 < cap; in++) {
		unsigned char c = (unsigned char)*in;

		if (c <= 32 || c >= 127 || c == '%' || c == '#') {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = 0;
}

struct canon {
	char host[GSB_MAX_URL_BYTES * 3 + 1];
	char path[GSB_MAX_URL_BYTES * 3 + 1];
};

/* The canonical host and path of a URL with a scheme; -1 without one. */
static int canonicalise(const char *url, struct canon *c)
{
	char buf[GSB_MAX_URL_BYTES + 1], esc[GSB_MAX_URL_BYTES * 3 + 1];
	char *h, *at, *sep;
	size_t hl, i;

	snprintf(buf, sizeof(buf), "%s", url);
	if (!(h = strchr(buf, ':')))
		return -1;
	for (h++; *h == '/'; h++)
		;
	hl = strcspn(h, ":/?");
	if ((at = memchr(h, '@', hl)))
		h = at + 1;
	unescape(h, strlen(h));
	while (*h == '/' || *h == '.')
		h++;
	dot_segments(h);
	escape(h, esc, sizeof(esc));
	hl = strcspn(esc, ":/?");
	sep = esc + hl;
	memcpy(c->host, esc, hl);
	c->host[hl] = 0;
	for (i = 0; i < hl; i++)
		c->host[i] = (char)tolower((unsigned char)c->host[i]);
	snprintf(c->path, sizeof(c->path), "%s", *sep ? sep + 1 : "");
	return 0;
}

/* The list a digest is on ('0' S, '1' S1, '2' S2, 'W' allowed), or 0. */
static char lookup(const struct vigil_engine *e, const uint8_t d[32])
{
	size_t i, j;
	char found = 0;

	for (i = 0; i < e->nshards; i++) {
		const struct shard *s = &e->shards[i];

		for (j = 0; j < s->ngsb; j++) {
			if (memcmp(s->gsb[j].digest, d, 32))
				continue;
			if (s->gsb[j].list == 'W')
				return 'W';
			found = s->gsb[j].list;
		}
	}
	return found;
}

/* The host and its parent domains, up to GSB_HOST_LEVELS of them (of
 * two labels or more). Returns how many start offsets are in at. */
static size_t host_levels(const char *host, size_t at[GSB_HOST_LEVELS + 1])
{
	size_t n = 0, i = strlen(host);
	int dots = 0;

	at[n++] = 0;
	while (i-- > 0 && n <= GSB_HOST_LEVELS) {
		if (host[i] != '.')
			continue;
		if (dots++)
			at[n++] = i + 1;
	}
	return n;
}

/* Path prefixes: whole, without its query, empty, each directory. */
static size_t path_levels(const char *path, size_t len[GSB_PATH_LEVELS])
{
	size_t n = 0, q = strcspn(path, "?");
	const char *p = path;

	len[n++] = strlen(path);
	if (q != len[0])
		len[n++] = q;
	len[n++] = 0;
	while (n < GSB_PATH_LEVELS && (p = strchr(p, '/'))) {
		p++;
		len[n++] = (size_t)(p - path);
	}
	return n;
}

const char *gsb_check(const struct vigil_engine *e, const char *url)
{
	size_t hat[GSB_HOST_LEVELS + 1], plen[GSB_PATH_LEVELS], nh, np, i, j;
	struct canon c;
	char verdict = 0;

	if (!e->has_gsb || strlen(url) > GSB_MAX_URL_BYTES ||
	    canonicalise(url, &c) < 0 || !*c.host)
		return NULL;
	nh = host_levels(c.host, hat);
	np = path_levels(c.path, plen);
	for (i = 0; i < np && !verdict; i++) {
		for (j = 0; j < nh && !verdict; j++) {
			char expr[sizeof(c.host) + sizeof(c.path) + 1];
			int n = snprintf(expr, sizeof(expr), "%s/%.*s",
					 c.host + hat[j], (int)plen[i], c.path);
			uint8_t d[32];

			if (!EVP_Digest(expr, (size_t)n, d, NULL, EVP_sha256(),
					NULL))
				return NULL;
			verdict = lookup(e, d);
			if (verdict == 'W')
				verdict = 0; /* this expression only */
		}
	}
	switch (verdict) {
	case '0':
		return "Heuristics.Safebrowsing.Suspected-malware_safebrowsing.clamav.net";
	case '1':
		return "Heuristics.Phishing.URL.Blocked";
	case '2':
		return "Heuristics.Safebrowsing.Suspected-phishing_safebrowsing.clamav.net";
	default:
		return NULL;
	}
}
