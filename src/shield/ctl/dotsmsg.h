/*
 * dotsmsg.h -- the bodies of the DOTS signal channel (RFC 9132) in CBOR
 * (application/dots+cbor), read and written with libcbor: mitigation
 * requests and efficacy updates, mitigation status, session
 * configuration and heartbeats. Keys are the RFC's integer keys (its
 * table of YANG-to-CBOR mappings). A body is checked before libcbor
 * builds anything of it: every declared array, map and string length
 * must fit in the bytes that are left (libcbor allocates what a header
 * declares), and the nesting is bounded.
 *
 * What a scope may hold: target-prefix (IPv4 and IPv6), target-protocol,
 * target-port-range, alias-name (the data channel's aliases), lifetime,
 * trigger-mitigation and attack-status. FQDNs and URIs need a resolver;
 * a scope naming them is refused with a reason, as is any
 * comprehension-required
 * key (below 32768) this reader does not know (RFC 9132 section 6).
 */
#ifndef VIGIL_SHIELD_DOTSMSG_H
#define VIGIL_SHIELD_DOTSMSG_H

#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

#define DOTS_MAX_BODY_BYTES 8192u	/* a request or answer, in bytes */
#define DOTS_MAX_DEPTH 8u		/* nested arrays and maps */
#define DOTS_MAX_TARGETS 16u		/* target-prefix entries in a scope */
#define DOTS_MAX_PORTS 8u		/* target-port-range entries */
#define DOTS_MAX_PROTOS 8u		/* target-protocol entries */
#define DOTS_MAX_SCOPES 16u		/* scopes in one status answer */
#define DOTS_MAX_ALIAS_NAMES 4u		/* alias-name entries in a scope */
#define DOTS_CONTENT_FORMAT 271		/* application/dots+cbor */
#define DOTS_LIFETIME_INDEFINITE (-1)

/* The mitigation's status as the server reports it (RFC 9132 5.3.3). */
enum dots_status {
	DOTS_IN_PROGRESS = 1, DOTS_MITIGATED = 2, DOTS_STOPPED = 3,
	DOTS_EXCEEDED = 4, DOTS_CLIENT_WITHDRAWN = 5, DOTS_TERMINATED = 6,
	DOTS_SERVER_WITHDRAWN = 7, DOTS_TRIGGERED_LATER = 8
};

/* The client's view of the attack (efficacy updates). */
enum dots_attack_status { DOTS_UNDER_ATTACK = 1, DOTS_ATTACK_MITIGATED = 2 };

struct dots_range {
	uint16_t lo, hi;
};

struct dots_scope {
	uint32_t mid;			/* status answers only; 0 in requests */
	struct prefix target[DOTS_MAX_TARGETS];
	unsigned ntarget;
	struct dots_range port[DOTS_MAX_PORTS];
	unsigned nport;
	uint8_t proto[DOTS_MAX_PROTOS];
	unsigned nproto;
	char alias[DOTS_MAX_ALIAS_NAMES][64]; /* data-channel aliases */
	unsigned nalias;
	int64_t lifetime;		/* seconds; -1 indefinite; 0 absent */
	uint8_t attack_status;		/* 0: absent */
	uint8_t status;			/* status answers: enum dots_status */
	uint64_t start;			/* mitigation-start, seconds (epoch) */
	uint64_t bytes_dropped, pkts_dropped, bps_dropped, pps_dropped;
};

/* A mitigation request or efficacy update (one scope). 0, or -1 with the
 * reason in err (the server answers 4.00 with it). An efficacy update
 * (efficacy != 0) may hold only attack-status and lifetime; a request
 * names at least one target-prefix or alias-name. */
int dots_parse_request(const uint8_t *b, size_t n, int efficacy,
		       struct dots_scope *s, char *err, size_t errlen);
/* A status answer (GET of a mitigation): up to max scopes into s; how
 * many, or -1 with the reason. */
int dots_parse_status(const uint8_t *b, size_t n, struct dots_scope *s,
		      unsigned max, char *err, size_t errlen);
/* A heartbeat: peer-hb-status into *ok. 0, or -1 with the reason. */
int dots_parse_heartbeat(const uint8_t *b, size_t n, int *ok, char *err,
			 size_t errlen);

/* The encoders: bytes written, or 0 if out is too small. */
size_t dots_write_request(const struct dots_scope *s, uint8_t *out,
			  size_t cap);
size_t dots_write_efficacy(uint8_t attack_status, uint8_t *out, size_t cap);
size_t dots_write_status(const struct dots_scope *s, unsigned n,
			 uint8_t *out, size_t cap);
size_t dots_write_heartbeat(int ok, uint8_t *out, size_t cap);
/* The session configuration a server offers: heartbeat interval,
 * missing heartbeats allowed, CoAP retransmission settings. */
size_t dots_write_config(unsigned hb_interval, unsigned missing_hb,
			 uint8_t *out, size_t cap);

/* 0 if the bytes are CBOR whose declared lengths fit in them and whose
 * nesting is within DOTS_MAX_DEPTH (one item, nothing after it), else -1
 * with the reason. The parsers call it first. */
int dots_cbor_check(const uint8_t *b, size_t n, char *err, size_t errlen);

#endif
