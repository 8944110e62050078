/*
 * icap.h -- the ICAP (RFC 3507) request syntax: the request line, the
 * headers vigild uses, the Encapsulated list and chunk-size lines. Only
 * parsing lives here, so that a fuzzer can drive it alone.
 */
#ifndef VIGILD_ICAP_H
#define VIGILD_ICAP_H

#include <stddef.h>
#include <stdint.h>

/* An ICAP header block, and the HTTP headers it encapsulates, in bytes. */
#define ICAP_MAX_HEADER_BYTES (64u << 10)

enum icap_method { ICAP_NONE, ICAP_OPTIONS, ICAP_REQMOD, ICAP_RESPMOD,
		   ICAP_OTHER };

/* Sections of Encapsulated:, by offset into the encapsulated part. */
struct icap_encap {
	int64_t req_hdr, res_hdr;	/* -1: absent */
	int64_t body;			/* req-body or res-body offset */
	int body_is_req;		/* req-body (REQMOD) */
	int64_t null_body;		/* null-body offset, -1: absent */
};

struct icap_request {
	enum icap_method method;
	char service[64];		/* path of the URI, without '/' */
	int has_encapsulated;
	struct icap_encap enc;
	int64_t preview;		/* -1: no preview */
	int allow_204;
	int close;			/* Connection: close */
};

/*
 * The length of the header block at buf, up to and with its empty line
 * ("\r\n\r\n"): > 0; 0 if it is not complete yet; -1 if it is longer
 * than ICAP_MAX_HEADER_BYTES.
 */
long icap_head_len(const char *buf, size_t len);

/*
 * Parses a header block (len bytes ending with the empty line). Returns
 * 0, or -1 if it is not a valid ICAP/1.0 request (400).
 */
int icap_parse_head(const char *buf, size_t len, struct icap_request *r);

/*
 * Parses a chunk-size line ("1a;ext\r\n") at buf: 1 with *size and
 * *ieof and *used set, 0 if more input is needed, -1 if malformed.
 */
int icap_parse_chunk(const char *buf, size_t len, uint64_t *size,
		     int *ieof, size_t *used);

/* The encapsulated headers' length: where the body (or null-body) starts. */
int64_t icap_encap_end(const struct icap_encap *e);

/* The ICAP service on a connection (icap.c). */
struct conn_ops;
extern const struct conn_ops icap_ops;

#endif
