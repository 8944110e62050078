/*
 * fetch.c -- libcurl, configured so that a mirror can neither feed more
 * than the signed length, nor stall the client, nor learn anything but
 * which content-addressed file is wanted: no cookies, no Referer, no
 * query, a constant User-Agent, HTTP(S) and file:// only, no redirects
 * to other protocols.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"

struct sink {
	char *buf;
	size_t len, cap, limit;
	int over;
	int prefix;	/* keep the first limit bytes, then stop: not an error */
	char range[48];	/* "0-N" for a prefix */
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;
	size_t add = size * n, want;
	char *nb;

	if (add > s->limit - s->len) {
		s->over = 1;
		if (!s->prefix)
			return 0; /* stops the transfer at once */
		add = s->limit - s->len;
	}
	if (s->len + add > s->cap) {
		want = s->cap ? s->cap : 16384;
		while (want < s->len + add)
			want *= 2;
		if (want > s->limit)
			want = s->limit;
		if (!(nb = realloc(s->buf, want ? want : 1)))
			return 0;
		s->buf = nb;
		s->cap = want;
	}
	memcpy(s->buf + s->len, p, add);
	s->len += add;
	return s->over ? 0 : size * n;
}

static void setup(CURL *c, const char *url, const struct fetch_opts *o,
		  struct sink *s, char *err)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_USERAGENT, FETCH_USER_AGENT);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_bytes);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o->low_speed_s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, o->deadline_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	if (o->proxy)
		curl_easy_setopt(c, CURLOPT_PROXY, o->proxy);
	if (s->prefix)
		curl_easy_setopt(c, CURLOPT_RANGE, s->range);
	else
		curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
				 (curl_off_t)s->limit);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
}

static enum fetch_result transfer(const char *url, struct sink *s,
				  const struct fetch_opts *o, char **buf,
				  size_t *len, char *errbuf, size_t errlen)
{
	char err[CURL_ERROR_SIZE] = "";
	enum fetch_result r = FETCH_OK;
	CURLcode rc;
	CURL *c = curl_easy_init();

	*buf = NULL;
	*len = 0;
	if (!c) {
		snprintf(errbuf, errlen, "cannot start a transfer");
		return FETCH_FAILED;
	}
	setup(c, url, o, s, err);
	rc = curl_easy_perform(c);
	if (s->prefix && s->over && rc == CURLE_WRITE_ERROR)
		rc = CURLE_OK; /* a server that ignored the range: cut here */
	if (!s->prefix && (s->over || rc == CURLE_FILESIZE_EXCEEDED)) {
		r = FETCH_TOOBIG;
		snprintf(errbuf, errlen, "%s: more than %zu bytes", url,
			 s->limit);
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		r = FETCH_SLOW;
		snprintf(errbuf, errlen, "%s: too slow (%s)", url, err);
	} else if (rc != CURLE_OK) {
		r = FETCH_FAILED;
		snprintf(errbuf, errlen, "%s: %s", url,
			 *err ? err : curl_easy_strerror(rc));
	}
	curl_easy_cleanup(c);
	if (r != FETCH_OK) {
		free(s->buf);
		return r;
	}
	*buf = s->buf ? s->buf : calloc(1, 1);
	*len = s->len;
	return *buf ? FETCH_OK : FETCH_FAILED;
}

enum fetch_result upd_fetch(const char *url, size_t cap,
			const struct fetch_opts *o, char **buf, size_t *len,
			char *errbuf, size_t errlen)
{
	struct sink s = { .limit = cap };

	return transfer(url, &s, o, buf, len, errbuf, errlen);
}

enum fetch_result upd_fetch_prefix(const char *url, size_t n,
				   const struct fetch_opts *o, char **buf,
				   size_t *len, char *errbuf, size_t errlen)
{
	struct sink s = { .limit = n, .prefix = 1 };

	snprintf(s.range, sizeof(s.range), "0-%zu", n ? n - 1 : 0);
	return transfer(url, &s, o, buf, len, errbuf, errlen);
}
