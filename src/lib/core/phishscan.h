/*
 * phishscan.h -- links whose displayed URL claims a domain their real URL
 * does not go to (phishscan.c).
 */
#ifndef VIGIL_CORE_PHISHSCAN_H
#define VIGIL_CORE_PHISHSCAN_H

#include <stddef.h>
#include <stdint.h>

struct vigil_scanner;
struct shard;

/*
 * Checks the links of an HTML or text part of a mail against the engine's
 * phishing lists; each suspicious link is a heuristic result
 * (Heuristics.Phishing.Email.*). 0, 1 (stop) or an error.
 */
int phishscan_run(struct vigil_scanner *s, const uint8_t *buf, size_t len);

/* Compiles a shard's phishing regexes; 0 or an error. */
int phishscan_prepare(struct shard *s);
void phishscan_release(struct shard *s);

#endif
