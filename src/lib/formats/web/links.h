/*
 * links.h -- the links of an HTML text as the phishing checks compare
 * them (links.c).
 */
#ifndef VIGIL_FORMATS_WEB_LINKS_H
#define VIGIL_FORMATS_WEB_LINKS_H

#include <stddef.h>
#include <stdint.h>

/* Longest attribute value or link text kept, in bytes. */
#define LINK_MAX_BYTES 1024

/*
 * Called for each link with the tag it came from ("href", "href_title",
 * "form", "src", "dynsrc", "iframe", "area"), its value and its contents
 * (what ClamAV's extractor calls them: for "href" the URL and the text
 * shown; for the others the displayed URL and the real one). Returns 0 to
 * go on, else a value links_extract() returns at once.
 */
typedef int (*link_fn)(void *ctx, const char *tag, const char *value,
		       const char *contents);

/* Walks b[0..len) as HTML. Returns 0, what fn returned, or VIGIL_ENOMEM. */
int links_extract(const uint8_t *b, size_t len, link_fn fn, void *ctx);

#endif
