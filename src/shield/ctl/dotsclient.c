/*
 * dotsclient.c -- the DOTS client (dots.h). One DTLS session to the
 * server, made again when it fails. Each message's token says what it
 * was (its kind and mitigation id), so the answers need no table of
 * their own. Requests, refreshes, efficacy updates, status queries and
 * withdrawals are confirmable (libcoap retransmits them); heartbeats are
 * not (RFC 9132 section 4.7).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <coap3/coap.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "detect.h"
#include "dots.h"
#include "mitigate.h"

enum kind { K_PUT = 1, K_GET, K_DELETE, K_HEARTBEAT, K_EFFICACY };

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct dots_request *request(struct dots *d, uint32_t mid)
{
	unsigned i;

	for (i = 0; i < DOTS_MAX_REQUESTS; i++)
		if (d->req[i].used && d->req[i].mid == mid)
			return &d->req[i];
	return NULL;
}

static void add_path(coap_pdu_t *pdu, const char *seg)
{
	coap_add_option(pdu, COAP_OPTION_URI_PATH, strlen(seg),
			(const uint8_t *)seg);
}

/* One message to the server: 0, or -1. */
static int send_msg(struct dots *d, enum kind kind, uint32_t mid,
		    const uint8_t *body, size_t n)
{
	static const coap_pdu_code_t codes[] = {
		[K_PUT] = COAP_REQUEST_CODE_PUT, [K_GET] = COAP_REQUEST_CODE_GET,
		[K_DELETE] = COAP_REQUEST_CODE_DELETE,
		[K_HEARTBEAT] = COAP_REQUEST_CODE_PUT,
		[K_EFFICACY] = COAP_REQUEST_CODE_PUT,
	};
	uint8_t token[8] = { (uint8_t)kind, 0, 0, 0, (uint8_t)(mid >> 24),
			     (uint8_t)(mid >> 16), (uint8_t)(mid >> 8),
			     (uint8_t)mid };
	char seg[96];
	uint8_t cf[4];
	coap_pdu_t *pdu;

	if (!d->session)
		return -1;
	pdu = coap_pdu_init(kind == K_HEARTBEAT ? COAP_MESSAGE_NON :
						  COAP_MESSAGE_CON,
			    codes[kind], coap_new_message_id(d->session),
			    coap_session_max_pdu_size(d->session));
	if (!pdu || !coap_add_token(pdu, sizeof(token), token))
		goto fail;
	if (kind == K_EFFICACY)
		coap_add_option(pdu, COAP_OPTION_IF_MATCH, 0, NULL);
	add_path(pdu, ".well-known");
	add_path(pdu, "dots");
	if (kind == K_HEARTBEAT) {
		add_path(pdu, "hb");
	} else {
		add_path(pdu, "mitigate");
		snprintf(seg, sizeof(seg), "cuid=%s", d->cuid);
		add_path(pdu, seg);
		snprintf(seg, sizeof(seg), "mid=%u", mid);
		add_path(pdu, seg);
	}
	if (body) {
		coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT,
				coap_encode_var_safe(cf, sizeof(cf),
						     DOTS_CONTENT_FORMAT), cf);
		if (!coap_add_data(pdu, n, body))
			goto fail;
	}
	if (coap_send(d->session, pdu) == COAP_INVALID_MID)
		return -1; /* coap_send released it */
	d->sent++;
	return 0;
fail:
	if (pdu)
		coap_delete_pdu(pdu);
	return -1;
}

static int code_of(const coap_pdu_t *p)
{
	unsigned c = coap_pdu_get_code(p);

	return (int)((c >> 5) * 100 + (c & 31));
}

static void answered_put(struct dots *d, struct dots_request *r,
			 const coap_pdu_t *got, int code)
{
	const uint8_t *b = NULL;
	size_t n = 0;
	char target[64];

	r->code = code;
	prefix_format(&r->scope.target[0], target, sizeof(target));
	if (code == 201 || code == 204) {
		if (!r->acked)
			printf("vigil-shield: DOTS: mitigation %u for %s "
			       "accepted by %s\n", r->mid, target,
			       d->cfg.server);
		r->acked = wall();
	} else {
		coap_get_data(got, &n, &b);
		snprintf(d->error, sizeof(d->error), "mitigation %u for %s "
			 "refused: %d %.*s", r->mid, target, code,
			 (int)(n > 160 ? 160 : n), b ? (const char *)b : "");
		printf("vigil-shield: DOTS: %s\n", d->error);
	}
	fflush(stdout);
}

static void answered_get(struct dots *d, struct dots_request *r,
			 const coap_pdu_t *got, int code)
{
	struct dots_scope s[DOTS_MAX_SCOPES];
	const uint8_t *b = NULL;
	size_t n = 0;
	char err[128];
	int i, k;

	if (code != 205)
		return;
	coap_get_data(got, &n, &b);
	k = dots_parse_status(b, n, s, DOTS_MAX_SCOPES, err, sizeof(err));
	if (k < 0) {
		snprintf(d->error, sizeof(d->error), "status of %u: %s",
			 r->mid, err);
		return;
	}
	for (i = 0; i < k; i++)
		if (s[i].mid == r->mid)
			r->server = s[i];
}

/* This shield's own client session's state, or NULL (server sessions
 * carry a client's number in their app data, dotsserver.c). */
static struct dots *client_of(const coap_session_t *sess)
{
	return coap_session_get_type(sess) == COAP_SESSION_TYPE_CLIENT ?
		coap_session_get_app_data(sess) : NULL;
}

static coap_response_t on_answer(coap_session_t *sess, const coap_pdu_t *sent,
				 const coap_pdu_t *got, const coap_mid_t id)
{
	struct dots *d = client_of(sess);
	coap_bin_const_t tok = coap_pdu_get_token(got);
	struct dots_request *r;
	uint32_t mid;
	int code = code_of(got);

	(void)sent;
	(void)id;
	if (!d || tok.length != 8)
		return COAP_RESPONSE_OK;
	d->answered++;
	d->last_answer = wall();
	mid = (uint32_t)tok.s[4] << 24 | (uint32_t)tok.s[5] << 16 |
	      (uint32_t)tok.s[6] << 8 | tok.s[7];
	if (!(r = request(d, mid)))
		return COAP_RESPONSE_OK;
	if (tok.s[0] == K_PUT)
		answered_put(d, r, got, code);
	else if (tok.s[0] == K_GET)
		answered_get(d, r, got, code);
	else if (tok.s[0] == K_DELETE && (code == 202 || code == 404))
		r->used = 0;
	return COAP_RESPONSE_OK;
}

static void on_nack(coap_session_t *sess, const coap_pdu_t *sent,
		    const coap_nack_reason_t reason, const coap_mid_t id)
{
	struct dots *d = client_of(sess);
	coap_bin_const_t tok = coap_pdu_get_token(sent);
	struct dots_request *r;

	(void)id;
	if (!d)
		return;
	d->failed++;
	snprintf(d->error, sizeof(d->error), "no answer from %s (%s)",
		 d->cfg.server, reason == COAP_NACK_TOO_MANY_RETRIES ?
		 "retransmissions ran out" : "session failed");
	if (tok.length == 8 && tok.s[0] == K_PUT &&
	    (r = request(d, (uint32_t)tok.s[4] << 24 | (uint32_t)tok.s[5] << 16 |
			    (uint32_t)tok.s[6] << 8 | tok.s[7])) && !r->acked)
		r->sent = 0; /* sent again next second */
}

static int on_event(coap_session_t *sess, const coap_event_t ev)
{
	struct dots *d = client_of(sess);

	if (d && sess == d->session &&
	    (ev == COAP_EVENT_DTLS_CLOSED || ev == COAP_EVENT_DTLS_ERROR))
		d->session_lost = 1;
	return 0;
}

/* With a certificate: the server's must be of the same CA. */
static coap_session_t *pki_session(struct dots *d, const coap_address_t *a)
{
	static coap_dtls_pki_t pki;

	dots_pki_fill(d, &pki);
	return coap_new_client_session_pki(d->ctx, NULL, a, COAP_PROTO_DTLS,
					   &pki);
}

static int connect_session(struct dots *d)
{
	static coap_dtls_cpsk_t psk;
	coap_address_t a;

	if (dots_coap_address(d->cfg.server, &a) < 0)
		return -1;
	if (!d->cfg.key_file[0]) {
		if (!(d->session = pki_session(d, &a)))
			return -1;
		coap_session_set_app_data(d->session, d);
		return 0;
	}
	memset(&psk, 0, sizeof(psk));
	psk.version = COAP_DTLS_CPSK_SETUP_VERSION;
	psk.psk_info.identity.s = (const uint8_t *)d->cfg.identity;
	psk.psk_info.identity.length = strlen(d->cfg.identity);
	psk.psk_info.key.s = d->key;
	psk.psk_info.key.length = d->keylen;
	d->session = coap_new_client_session_psk2(d->ctx, NULL, &a,
						  COAP_PROTO_DTLS, &psk);
	if (!d->session)
		return -1;
	coap_session_set_app_data(d->session, d);
	return 0;
}

int dots_client_init(struct dots *d)
{
	unsigned char md[SHA256_DIGEST_LENGTH], b64[48];
	size_t i;

	/* the client's id: a hash of its identity, base64url, 22 chars */
	SHA256((const unsigned char *)d->cfg.identity, strlen(d->cfg.identity),
	       md);
	EVP_EncodeBlock(b64, md, 16);
	for (i = 0; i < 22; i++)
		d->cuid[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' :
			     (char)b64[i];
	d->cuid[22] = '\0';
	d->next_mid = (uint32_t)wall() & 0xffffff; /* rising across restarts */
	coap_register_response_handler(d->ctx, on_answer);
	coap_register_nack_handler(d->ctx, on_nack);
	coap_register_event_handler(d->ctx, on_event);
	if (connect_session(d) < 0) {
		fprintf(stderr, "vigil-shield: DOTS: dots-server %s: not an "
			"address\n", d->cfg.server);
		return -1;
	}
	printf("vigil-shield: DOTS client of %s as %s (cuid %s)\n",
	       d->cfg.server, d->cfg.identity, d->cuid);
	fflush(stdout);
	return 0;
}

/* The scope of an attack: its target, and the protocols and destination
 * port of its local rules (none when a rule is on every protocol). */
static void attack_scope(const struct detector *det, const struct attack *a,
			 struct dots_scope *s, uint32_t lifetime)
{
	struct shield_rule r[8];
	unsigned n = attack_rules(a, &det->cfg, r, 8), i, k;
	int any = 0, port = -1;

	memset(s, 0, sizeof(*s));
	s->ntarget = 1;
	s->target[0].family = a->family;
	if (a->family == 4) {
		s->target[0].v4.prefixlen = a->plen;
		memcpy(&s->target[0].v4.addr, a->addr, 4);
	} else {
		s->target[0].v6.prefixlen = a->plen;
		memcpy(s->target[0].v6.addr, a->addr, 16);
	}
	for (i = 0; i < n; i++) {
		any |= !r[i].proto;
		for (k = 0; k < s->nproto && s->proto[k] != r[i].proto; k++)
			;
		if (r[i].proto && k == s->nproto && k < DOTS_MAX_PROTOS)
			s->proto[s->nproto++] = r[i].proto;
		if (port == -1 || port == r[i].dport_lo)
			port = r[i].dport_lo == r[i].dport_hi ? r[i].dport_lo :
								0;
		else
			port = 0;
	}
	if (any)
		s->nproto = 0;
	if (port > 0 && !any) {
		s->port[0].lo = s->port[0].hi = (uint16_t)port;
		s->nport = 1;
	}
	s->lifetime = lifetime;
}

static int same_target(const struct prefix *p, const struct attack *a)
{
	return p->family == a->family &&
	       (a->family == 4 ?
			p->v4.prefixlen == a->plen &&
				!memcmp(&p->v4.addr, a->addr, 4) :
			p->v6.prefixlen == a->plen &&
				!memcmp(p->v6.addr, a->addr, 16));
}

static struct dots_request *for_target(struct dots *d, const struct attack *a)
{
	unsigned i;

	for (i = 0; i < DOTS_MAX_REQUESTS; i++)
		if (d->req[i].used && !d->req[i].withdrawing &&
		    same_target(&d->req[i].scope.target[0], a))
			return &d->req[i];
	return NULL;
}

static void put_request(struct dots *d, struct dots_request *r, double now)
{
	uint8_t body[1024];
	size_t n = dots_write_request(&r->scope, body, sizeof(body));

	if (n && send_msg(d, K_PUT, r->mid, body, n) == 0)
		r->sent = now;
}

/* New requests for the attacks big enough to signal. */
static void signal_attacks(struct dots *d, double now)
{
	const struct detector *det = d->det;
	unsigned i, k;

	for (i = 0; i < det->nattacks; i++) {
		const struct attack *a = &det->attacks[i];
		struct dots_request *r = for_target(d, a);

		if (!a->active || attack_pps(a) < d->cfg.signal_pps) {
			continue;
		} else if (r) {
			r->attack = a->id;
			r->busy = now;
			continue;
		}
		for (k = 0; k < DOTS_MAX_REQUESTS && d->req[k].used; k++)
			;
		if (k == DOTS_MAX_REQUESTS)
			return;
		r = memset(&d->req[k], 0, sizeof(d->req[k]));
		r->used = 1;
		r->mid = d->next_mid++;
		r->attack = a->id;
		r->busy = now;
		r->attack_status = DOTS_UNDER_ATTACK;
		attack_scope(det, a, &r->scope, d->cfg.lifetime_s);
		put_request(d, r, now);
	}
}

/* 1 while the attack the request is for is active here. */
static int attack_here(const struct detector *det, uint32_t id)
{
	unsigned i;

	for (i = 0; i < det->nattacks; i++)
		if (det->attacks[i].id == id)
			return det->attacks[i].active;
	return 0;
}

/* One request's second: withdrawn when the attack is over here and at
 * the server; else refreshed, efficacy told, status asked. */
static void keep(struct dots *d, struct dots_request *r, double now)
{
	int here = attack_here(d->det, r->attack);
	uint8_t body[256];
	size_t n;

	if (here || r->server.pps_dropped >= d->cfg.signal_pps)
		r->busy = now;
	if (r->withdrawing || (r->acked && now - r->busy >
			       (double)d->det->cfg.hold_down_s)) {
		if (!r->withdrawing)
			printf("vigil-shield: DOTS: withdrawing mitigation "
			       "%u (attack over here and at the server)\n",
			       r->mid);
		fflush(stdout);
		r->withdrawing = 1;
		send_msg(d, K_DELETE, r->mid, NULL, 0);
		return;
	}
	if (!r->acked) {
		/* refused (4.xx): not asked again, forgotten once the attack
		 * is over; the server busy (5.xx): asked again after 10 s;
		 * unanswered: after 3 s */
		if (r->code >= 400 && r->code < 500) {
			if (!here && now - r->busy > (double)d->det->cfg.hold_down_s)
				r->used = 0;
		} else if (now - r->sent >= (r->code >= 500 ? 10 : 3)) {
			put_request(d, r, now);
		}
		return;
	}
	if (now - r->acked >= (double)d->cfg.lifetime_s * 0.75)
		put_request(d, r, now); /* refreshed before it ends */
	if ((here ? DOTS_UNDER_ATTACK : DOTS_ATTACK_MITIGATED) !=
	    r->attack_status) {
		r->attack_status = here ? DOTS_UNDER_ATTACK : DOTS_ATTACK_MITIGATED;
		n = dots_write_efficacy(r->attack_status, body, sizeof(body));
		if (n)
			send_msg(d, K_EFFICACY, r->mid, body, n);
	}
	send_msg(d, K_GET, r->mid, NULL, 0);
}

void dots_client_tick(struct dots *d, double now)
{
	uint8_t body[64];
	unsigned i;
	size_t n;

	if (d->session_lost) {
		coap_session_release(d->session);
		d->session = NULL;
		d->session_lost = 0;
	}
	if (!d->session && connect_session(d) < 0)
		return;
	signal_attacks(d, now);
	for (i = 0; i < DOTS_MAX_REQUESTS; i++)
		if (d->req[i].used)
			keep(d, &d->req[i], now);
	if (now - d->last_hb >= (double)d->cfg.heartbeat_s) {
		n = dots_write_heartbeat(now - d->last_answer <
						 3.0 * d->cfg.heartbeat_s,
					 body, sizeof(body));
		if (n && send_msg(d, K_HEARTBEAT, 0, body, n) == 0)
			d->hb_sent++;
		d->last_hb = now;
	}
}

void dots_client_withdraw_all(struct dots *d)
{
	unsigned i, left = 0, round;

	if (!d->session)
		return;
	for (i = 0; i < DOTS_MAX_REQUESTS; i++)
		if (d->req[i].used && d->req[i].acked) {
			d->req[i].withdrawing = 1;
			left += send_msg(d, K_DELETE, d->req[i].mid, NULL, 0) == 0;
		}
	for (round = 0; left && round < 20; round++) { /* at most 2 s */
		coap_io_process(d->ctx, 100);
		for (i = 0, left = 0; i < DOTS_MAX_REQUESTS; i++)
			left += d->req[i].used && d->req[i].withdrawing;
	}
}
