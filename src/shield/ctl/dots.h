/*
 * dots.h -- DDoS Open Threat Signaling (RFC 9132, the signal channel)
 * in vigil-shield, over libcoap (CoAP over DTLS with pre-shared keys).
 *
 * As a server (the provider's side, `dots-listen`): clients named by
 * `dots-client` lines authenticate with their key; a mitigation request
 * is accepted only for prefixes the client owns, and becomes drop rules
 * on this shield's XDP program (before the attacks' and the rule set's)
 * and, with BIRD configured, FlowSpec routes upstream; status queries are
 * answered with what the rules dropped; requests end when withdrawn or
 * when their lifetime runs out.
 *
 * As a client (the customer's edge, `dots-server`): an attack of at
 * least `dots-signal-pps` becomes a mitigation request for its target,
 * its protocols and port, refreshed before its lifetime ends; its status
 * is asked each second; efficacy updates say whether the attack still
 * reaches this edge; heartbeats keep the session; the request is
 * withdrawn once the attack is over here and the server has dropped
 * less than dots-signal-pps of it for the hold-down time.
 *
 * One libcoap context serves both; its descriptor joins run.c's poll.
 */
#ifndef VIGIL_SHIELD_DOTS_H
#define VIGIL_SHIELD_DOTS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dotsmsg.h"
#include "prefix.h"

#define DOTS_MAX_PEERS 32u		/* dots-client lines */
#define DOTS_MAX_OWNED 8u		/* prefixes a client owns */
#define DOTS_MAX_MITIGATIONS 64u	/* accepted requests in force */
#define DOTS_MAX_RULES 30u		/* drop rules of all of them; two more
					 * keep the DOTS channels open */
#define DOTS_MAX_RULES_EACH 16u		/* ... of one request */
#define DOTS_MAX_RULES_CLIENT 16u	/* ... of one client's requests and
					 * lists: none takes them all */
#define DOTS_MAX_REQUESTS 16u		/* a client's requests in force */
#define DOTS_KEY_MIN_BYTES 16u
#define DOTS_KEY_MAX_BYTES 64u
#define DOTS_MAX_LIFETIME_S 86400u	/* a longer (or indefinite) one is
					 * held to this */
#define DOTS_PORT 4646			/* RFC 9132's default */
#define DOTS_MAX_ALIASES 32u		/* data channel: aliases in all */
#define DOTS_MAX_ACLS 16u		/* ... filter lists in all */
#define DOTS_MAX_ACES 8u		/* ... entries of one list */
#define DOTS_MAX_CUIDS 4u		/* ... registrations of one client */
#define DOTS_DATA_MAX_BODY_BYTES 16384u	/* ... a request's body */

struct dots_peer_cfg {
	char identity[64];		/* [A-Za-z0-9._-], its key in
					 * dots-client-keys/IDENTITY.key */
	struct prefix owns[DOTS_MAX_OWNED];
	unsigned nowns;
};

struct dots_cfg {
	char listen[64];		/* "ADDR[:PORT]"; "": no server */
	char keys_dir[256];		/* the clients' key files */
	struct dots_peer_cfg peer[DOTS_MAX_PEERS];
	unsigned npeer;
	struct dots_divert {		/* dots-divert IDENTITY@IFNAME */
		char identity[64], via[16];
	} divert[DOTS_MAX_PEERS];
	unsigned ndivert;
	char cert[256], key[256], ca[256]; /* DTLS with certificates (either
					 * side; a client's common name is its
					 * identity); "": keys only */
	char data_listen[64];		/* the data channel (RESTCONF over
					 * HTTPS); "": none */
	char data_cert[256], data_key[256], data_ca[256];
	char server[64];		/* "ADDR[:PORT]"; "": no client */
	char identity[64], key_file[256];
	uint64_t signal_pps;		/* signalled from this rate; 0: never */
	uint32_t lifetime_s, heartbeat_s;
};

/* One accepted mitigation (server). */
struct dots_mitigation {
	int used;
	unsigned peer;			/* its dots-client line */
	char cuid[64];
	uint32_t mid;
	struct dots_scope scope;
	double start, expires, last_rate;
	uint8_t attack_status;
	unsigned first, nrules;		/* its rules' slots, as last loaded */
	uint64_t pkts, bytes;		/* dropped in all */
	uint64_t seen_pkts, seen_bytes;	/* its slots' counts, last read */
	uint64_t pps, bps;		/* in the last second */
	double rate_t;
	uint64_t rate_pkts, rate_bytes;
};

/* An alias (data channel): a name for a scope, usable in signal
 * requests as alias-name. */
struct dots_alias {
	int used;
	unsigned peer;
	char name[64];
	struct dots_scope scope;
};

enum dots_activation {
	DOTS_DEACTIVATE = 0, DOTS_IMMEDIATE = 1, DOTS_WHEN_MITIGATING = 2
};

/* One entry of a filter list: what it matches, drop or accept. */
struct dots_ace {
	char name[64];
	struct prefix dst, src;		/* family 0: any */
	uint8_t proto;			/* 0: any */
	struct dots_range sport, dport;	/* 0-0: any */
	uint8_t action;			/* SHIELD_DROP or SHIELD_PASS */
};

struct dots_acl {
	int used;
	unsigned peer;
	char name[64];
	uint8_t activation;		/* enum dots_activation */
	struct dots_ace ace[DOTS_MAX_ACES];
	unsigned nace;
	unsigned first, nrules;		/* its rules' slots when in force */
	uint64_t pkts, seen_pkts;	/* matched, as the rules counted */
};

/* One request this edge made (client). */
struct dots_request {
	int used, withdrawing;
	uint32_t mid, attack;		/* the attack it is for */
	struct dots_scope scope;
	double sent, acked, refresh, busy; /* busy: last seen under attack */
	uint8_t attack_status;		/* as last told the server */
	struct dots_scope server;	/* its status, as last answered */
	int code;			/* the server's last answer, 0: none */
};

struct mitigator;
struct detector;
struct MHD_Daemon;

struct dots {
	struct dots_cfg cfg;
	struct mitigator *mit;
	struct detector *det;
	struct coap_context_t *ctx;
	uint8_t peer_key[DOTS_MAX_PEERS][DOTS_KEY_MAX_BYTES];
	size_t peer_keylen[DOTS_MAX_PEERS];
	double peer_seen[DOTS_MAX_PEERS]; /* its last heartbeat */
	const char *peer_via[DOTS_MAX_PEERS]; /* its diversion's tunnel */
	struct dots_mitigation m[DOTS_MAX_MITIGATIONS];
	int rules_changed;		/* run.c applies them at once */
	/* data channel */
	struct MHD_Daemon *http;
	char cuids[DOTS_MAX_PEERS][DOTS_MAX_CUIDS][64];	/* registered */
	struct dots_alias alias[DOTS_MAX_ALIASES];
	struct dots_acl acl[DOTS_MAX_ACLS];
	uint64_t accepted, refused, withdrawn, expired;
	/* client */
	uint8_t key[DOTS_KEY_MAX_BYTES];
	size_t keylen;
	char cuid[32];
	struct coap_session_t *session;
	int session_lost;
	uint32_t next_mid;
	struct dots_request req[DOTS_MAX_REQUESTS];
	double last_hb, last_answer;
	uint64_t sent, answered, failed, hb_sent;
	char error[256];
};

/* A dots-client line, IDENTITY@PREFIX[,PREFIX...]: 0, or -1 with the
 * reason. */
int dots_client_line(struct dots_cfg *c, const char *v, char *err,
		     size_t errlen);
/* "ADDR", "ADDR:PORT", "[V6]:PORT": 0 (family, address, port filled), or
 * -1. */
int dots_addr_parse(const char *s, int *family, uint8_t addr[16],
		    uint16_t *port);
/* The same as a socket address: 0, or -1. */
struct sockaddr_storage;
int dots_sockaddr(const char *s, struct sockaddr_storage *ss,
		  unsigned *len);
/* The same into libcoap's form: 0, or -1. */
struct coap_address_t;
int dots_coap_address(const char *s, struct coap_address_t *a);

/* A dots-divert line: 0, or -1 with the reason. */
int dots_divert_line(struct dots_cfg *c, const char *v, char *err,
		     size_t errlen);
/* The settings that go together, and the ranges: 0, or -1 with why. */
int dots_cfg_check(const struct dots_cfg *c, char *err, size_t errlen);
/* Starts what the configuration asks for (keys read, the server's
 * endpoint bound): 0, or -1 with the reason printed. Nothing when
 * neither side is configured. */
int dots_start(struct dots *d, const struct dots_cfg *cfg,
	       struct mitigator *m, struct detector *det);
void dots_stop(struct dots *d);
/* The descriptor to poll, or -1 (the signal channel's; the data
 * channel's is dots_data_fd). */
int dots_fd(const struct dots *d);
/* Reads and answers what arrived; runs libcoap's timers. */
void dots_io(struct dots *d);
/* Once a second, after the detector's window: the server's lifetimes and
 * counters, the client's requests, refreshes, status and heartbeats. */
void dots_tick(struct dots *d, double now);

/* dotstls.c: libcoap's certificate settings from the configuration. */
struct coap_dtls_pki_t;
void dots_pki_fill(const struct dots *d, struct coap_dtls_pki_t *pki);

/* dotsjson.c: {"server": {...}, "client": {...}}, each when running; a
 * new reference. */
json_t *dots_json(const struct dots *d);

/* dotsserver.c: the server's resources on d->ctx; the rules of the
 * accepted mitigations into d->mit; their counters. */
int dots_server_init(struct dots *d);
void dots_server_rules(struct dots *d);
void dots_server_tick(struct dots *d, double now);
/* 1 if the prefix is inside one of the client's. */
int dots_owns(const struct dots *d, unsigned peer, const struct prefix *p);
/* Rules the accepted mitigations and filter lists may take: of one
 * client, or of all (peer -1). */
unsigned dots_rules_reserved(const struct dots *d, int peer);
/* The diversion routes of the accepted mitigations (their targets, via
 * their client's dots-divert tunnel); how many, at most max. */
struct bird_route;
unsigned dots_server_routes(const struct dots *d, struct bird_route *out,
			    unsigned max);
/* dotsacl.c: the data channel's JSON bodies (RFC 8783), with jansson.
 * Each: 0, or -1 with the reason in err (the server answers 400). */
int dots_parse_aliases(json_t *body, struct dots_alias *out, unsigned max,
		       unsigned *n, char *err, size_t errlen);
int dots_parse_acls(json_t *body, struct dots_acl *out, unsigned max,
		    unsigned *n, char *err, size_t errlen);
json_t *dots_alias_json(const struct dots_alias *a);
json_t *dots_acl_json(const struct dots_acl *a);

/* dotsdata.c: the data channel's server (libmicrohttpd, TLS with client
 * certificates: a client is the common name of its certificate). */
int dots_data_init(struct dots *d);
void dots_data_stop(struct dots *d);
int dots_data_fd(const struct dots *d);
void dots_data_io(struct dots *d);
/* An alias of this client, by name, or NULL (signal requests). */
const struct dots_alias *dots_alias_find(const struct dots *d, unsigned peer,
					 const char *name);

/* dotsclient.c */
int dots_client_init(struct dots *d);
void dots_client_tick(struct dots *d, double now);
void dots_client_withdraw_all(struct dots *d);

#endif
