/*
 * fetch.h -- GET one URL into memory, for the update client: a cap on the
 * size, a floor on the speed, a deadline, and nothing sent but the path
 * and a constant User-Agent.
 */
#ifndef VIGIL_UPDATE_FETCH_H
#define VIGIL_UPDATE_FETCH_H

#include <stddef.h>

/* Below this many bytes per second for FETCH_LOW_SPEED_S: too slow. */
#define FETCH_LOW_SPEED_BYTES 1024
#define FETCH_LOW_SPEED_S 30
/* A whole download, in seconds. */
#define FETCH_DEADLINE_S 900
#define FETCH_USER_AGENT "vigil-update/1"

enum fetch_result { FETCH_OK, FETCH_TOOBIG, FETCH_SLOW, FETCH_FAILED };

struct fetch_opts {
	long low_speed_bytes, low_speed_s, deadline_s;
	const char *proxy;	/* NULL: libcurl's (the *_proxy variables) */
};

/*
 * Fetches url into *buf (malloc'd, *len bytes). More than cap bytes is
 * FETCH_TOOBIG, stopped as soon as the cap is passed; *why explains a
 * failure (static or in errbuf).
 */
enum fetch_result upd_fetch(const char *url, size_t cap,
			const struct fetch_opts *o, char **buf, size_t *len,
			char *errbuf, size_t errlen);

/* The first n bytes of url (an HTTP Range request; a server that sends
 * the whole file is cut off after n): fewer when the file is shorter. */
enum fetch_result upd_fetch_prefix(const char *url, size_t n,
				   const struct fetch_opts *o, char **buf,
				   size_t *len, char *errbuf, size_t errlen);

#endif
