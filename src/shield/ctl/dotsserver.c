/*
 * dotsserver.c -- the DOTS server (dots.h): one libcoap resource takes
 * every path under /.well-known/dots (mitigations are named by their
 * path, cuid=.../mid=..., so no fixed resource can hold them):
 *
 *   PUT    mitigate/cuid=C/mid=M     a request (2.01), its refresh or,
 *                                    with an empty If-Match, an efficacy
 *                                    update (2.04)
 *   GET    mitigate/cuid=C[/mid=M]   status (2.05)
 *   DELETE mitigate/cuid=C/mid=M     withdrawn (2.02)
 *   PUT    hb                        a heartbeat (2.04)
 *   GET    config                    the session configuration (2.05)
 *
 * A client is its PSK identity; it sees and changes only its own
 * mitigations, for prefixes its dots-client line gives it (else 4.03).
 * Each scope becomes drop rules (target x protocol x port range); the
 * rules of all mitigations go first in the XDP program's rule list.
 */
#define _GNU_SOURCE
#include <coap3/coap.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dots.h"
#include "mitigate.h"

#define DIAG_MAX 160

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The client's dots-client line, by its authenticated identity (its
 * PSK identity, or its certificate's common name as on_cn kept it);
 * -1. */
static int peer_of(const struct dots *d, coap_session_t *s)
{
	const coap_bin_const_t *id = coap_session_get_psk_identity(s);
	uintptr_t cn = (uintptr_t)coap_session_get_app_data(s);
	unsigned i;

	for (i = 0; !cn && id && i < d->cfg.npeer; i++)
		if (strlen(d->cfg.peer[i].identity) == id->length &&
		    !memcmp(d->cfg.peer[i].identity, id->s, id->length))
			return (int)i;
	if (cn) /* a certificate's (on_cn), whatever libcoap says of PSK */
		return cn <= d->cfg.npeer ? (int)cn - 1 : -1;
	return -1;
}

/* A certificate's common name, once its chain is verified: the client
 * whose identity it is (kept in the session), or the handshake fails. */
static int on_cn(const char *cn, const uint8_t *cert, size_t len,
		 coap_session_t *s, unsigned depth, int validated, void *arg)
{
	const struct dots *d = arg;
	unsigned i;

	(void)cert;
	(void)len;
	if (depth > 0)
		return validated; /* the CA's */
	for (i = 0; validated && cn && i < d->cfg.npeer; i++)
		if (!strcmp(d->cfg.peer[i].identity, cn)) {
			coap_session_set_app_data(s, (void *)(uintptr_t)(i + 1));
			return 1;
		}
	return 0;
}

static int set_pki(struct dots *d)
{
	static coap_dtls_pki_t pki;

	dots_pki_fill(d, &pki);
	pki.validate_cn_call_back = on_cn;
	pki.cn_call_back_arg = d;
	return coap_context_set_pki(d->ctx, &pki) ? 0 : -1;
}

static const coap_bin_const_t *psk_for(coap_bin_const_t *identity,
				       coap_session_t *s, void *arg)
{
	static coap_bin_const_t key;
	struct dots *d = arg;
	unsigned i;

	(void)s;
	for (i = 0; i < d->cfg.npeer; i++)
		if (strlen(d->cfg.peer[i].identity) == identity->length &&
		    !memcmp(d->cfg.peer[i].identity, identity->s,
			    identity->length)) {
			key.s = d->peer_key[i];
			key.length = d->peer_keylen[i];
			return &key; /* libcoap copies it */
		}
	return NULL;
}

static void reply(coap_pdu_t *resp, int code, const char *diag)
{
	coap_pdu_set_code(resp, (coap_pdu_code_t)COAP_RESPONSE_CODE(code));
	if (diag)
		coap_add_data(resp, strlen(diag), (const uint8_t *)diag);
}

static void reply_cbor(coap_pdu_t *resp, int code, const uint8_t *b,
		       size_t n)
{
	uint8_t cf[4];

	coap_pdu_set_code(resp, (coap_pdu_code_t)COAP_RESPONSE_CODE(code));
	coap_add_option(resp, COAP_OPTION_CONTENT_FORMAT,
			coap_encode_var_safe(cf, sizeof(cf), DOTS_CONTENT_FORMAT),
			cf);
	coap_add_data(resp, n, b);
}

/* A path's parts: what it names (mitigate, hb, config), cuid, mid. */
struct target {
	char what[16], cuid[64];
	uint32_t mid;
	int has_mid;
};

static int segment(struct target *t, const char *seg, size_t n)
{
	char one[80], *end;
	unsigned long v;

	if (n >= sizeof(one))
		return -1;
	memcpy(one, seg, n);
	one[n] = '\0';
	if (!strncmp(one, "cuid=", 5) && one[5] && n - 5 < sizeof(t->cuid)) {
		strcpy(t->cuid, one + 5);
		return 0;
	}
	if (!strncmp(one, "mid=", 4) && one[4] >= '0' && one[4] <= '9') {
		v = strtoul(one + 4, &end, 10);
		if (*end || v > UINT32_MAX)
			return -1;
		t->mid = (uint32_t)v;
		t->has_mid = 1;
		return 0;
	}
	return !strncmp(one, "cdid=", 5) ? 0 : -1;
}

static size_t seglen(const char *s, const char *end)
{
	const char *slash = memchr(s, '/', (size_t)(end - s));

	return (size_t)((slash ? slash : end) - s);
}

static int parse_path(const coap_pdu_t *req, struct target *t)
{
	static const char root[] = ".well-known/dots/";
	coap_string_t *p = coap_get_uri_path(req);
	const char *s, *end;
	size_t n;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	if (!p || p->length < sizeof(root) ||
	    memcmp(p->s, root, sizeof(root) - 1))
		goto out;
	s = (const char *)p->s + sizeof(root) - 1;
	end = (const char *)p->s + p->length;
	n = seglen(s, end);
	if (!n || n >= sizeof(t->what))
		goto out;
	memcpy(t->what, s, n);
	for (rc = 0, s += n; rc == 0 && s < end; s += n) {
		s++; /* the slash */
		n = seglen(s, end);
		rc = segment(t, s, n);
	}
out:
	coap_delete_string(p);
	return rc;
}

static struct dots_mitigation *find(struct dots *d, int peer,
				    const char *cuid, uint32_t mid)
{
	unsigned i;

	for (i = 0; i < DOTS_MAX_MITIGATIONS; i++)
		if (d->m[i].used && d->m[i].peer == (unsigned)peer &&
		    d->m[i].mid == mid && !strcmp(d->m[i].cuid, cuid))
			return &d->m[i];
	return NULL;
}

static int owns(const struct dots_peer_cfg *pc, const struct prefix *t)
{
	const uint8_t *a = t->family == 4 ? (const uint8_t *)&t->v4.addr :
					    t->v6.addr;
	uint32_t len = t->family == 4 ? t->v4.prefixlen : t->v6.prefixlen;
	unsigned i;

	for (i = 0; i < pc->nowns; i++) {
		const struct prefix *o = &pc->owns[i];

		if (o->family == t->family && prefix_contains(o, t->family, a) &&
		    len >= (o->family == 4 ? o->v4.prefixlen :
					     o->v6.prefixlen))
			return 1;
	}
	return 0;
}

/* How many rules a scope needs: targets x protocols x port ranges
 * (ports without a protocol mean TCP and UDP). */
static unsigned rules_needed(const struct dots_scope *s)
{
	unsigned protos = s->nproto ? s->nproto : s->nport ? 2 : 1;

	return s->ntarget * protos * (s->nport ? s->nport : 1);
}

int dots_owns(const struct dots *d, unsigned peer, const struct prefix *p)
{
	return peer < d->cfg.npeer && owns(&d->cfg.peer[peer], p);
}

/* The rules the mitigations (but except) and every filter list, in force
 * or waiting for a mitigation, may take: of one client (peer), or of all
 * (peer -1). */
static unsigned rules_of(const struct dots *d, const void *except, int peer)
{
	unsigned i, n = 0;

	for (i = 0; i < DOTS_MAX_MITIGATIONS; i++)
		if (d->m[i].used && &d->m[i] != except &&
		    (peer < 0 || d->m[i].peer == (unsigned)peer))
			n += rules_needed(&d->m[i].scope);
	for (i = 0; i < DOTS_MAX_ACLS; i++)
		if (d->acl[i].used && d->acl[i].activation != DOTS_DEACTIVATE &&
		    (peer < 0 || d->acl[i].peer == (unsigned)peer))
			n += d->acl[i].nace;
	return n;
}

static unsigned rules_in_force(const struct dots *d, const void *except)
{
	return rules_of(d, except, -1);
}

unsigned dots_rules_reserved(const struct dots *d, int peer)
{
	return rules_of(d, NULL, peer);
}

const struct dots_alias *dots_alias_find(const struct dots *d, unsigned peer,
					 const char *name)
{
	unsigned i;

	for (i = 0; i < DOTS_MAX_ALIASES; i++)
		if (d->alias[i].used && d->alias[i].peer == peer &&
		    !strcmp(d->alias[i].name, name))
			return &d->alias[i];
	return NULL;
}

/* The request's aliases folded into its scope: NULL, or why not. */
static const char *resolve_aliases(const struct dots *d, int peer,
				   struct dots_scope *s)
{
	const struct dots_alias *a;
	unsigned i, k;

	for (i = 0; i < s->nalias; i++) {
		if (!(a = dots_alias_find(d, (unsigned)peer, s->alias[i])))
			return "no such alias (the data channel defines them)";
		if (s->ntarget + a->scope.ntarget > DOTS_MAX_TARGETS ||
		    s->nport + a->scope.nport > DOTS_MAX_PORTS ||
		    s->nproto + a->scope.nproto > DOTS_MAX_PROTOS)
			return "the aliases hold too many targets, ports or "
			       "protocols for one scope";
		for (k = 0; k < a->scope.ntarget; k++)
			s->target[s->ntarget++] = a->scope.target[k];
		for (k = 0; k < a->scope.nport; k++)
			s->port[s->nport++] = a->scope.port[k];
		for (k = 0; k < a->scope.nproto; k++)
			s->proto[s->nproto++] = a->scope.proto[k];
	}
	return NULL;
}

/* Why a scope cannot be taken (with its CoAP code), or NULL. */
static const char *refusal(struct dots *d, int peer,
			   const struct dots_scope *s, const void *old,
			   int *code)
{
	unsigned i;

	for (i = 0; i < s->ntarget; i++)
		if (!owns(&d->cfg.peer[peer], &s->target[i])) {
			*code = 403;
			return "a target-prefix outside the client's prefixes";
		}
	if (rules_needed(s) > DOTS_MAX_RULES_EACH) {
		*code = 400;
		return "the scope needs more than 16 filters (targets x "
		       "protocols x port ranges)";
	}
	if (rules_of(d, old, peer) + rules_needed(s) > DOTS_MAX_RULES_CLIENT) {
		*code = 503;
		return "no room for more filters of this client (16)";
	}
	if (rules_in_force(d, old) + rules_needed(s) > DOTS_MAX_RULES) {
		*code = 503;
		return "no room for more filters (30 in all)";
	}
	return NULL;
}

static struct dots_mitigation *new_slot(struct dots *d)
{
	unsigned i;

	for (i = 0; i < DOTS_MAX_MITIGATIONS; i++)
		if (!d->m[i].used)
			return memset(&d->m[i], 0, sizeof(d->m[i]));
	return NULL;
}

static double expiry(int64_t lifetime, double now)
{
	if (lifetime <= 0 || lifetime > (int64_t)DOTS_MAX_LIFETIME_S)
		lifetime = lifetime ? DOTS_MAX_LIFETIME_S : 3600;
	return now + (double)lifetime;
}

static void log_scope(const char *what, const struct dots *d,
		      const struct dots_mitigation *m)
{
	char text[64];

	prefix_format(&m->scope.target[0], text, sizeof(text));
	printf("vigil-shield: DOTS: %s %s mid %u for %s%s (%u filter%s)\n",
	       d->cfg.peer[m->peer].identity, what, m->mid, text,
	       m->scope.ntarget > 1 ? " and more" : "",
	       rules_needed(&m->scope),
	       rules_needed(&m->scope) == 1 ? "" : "s");
	fflush(stdout);
}

/* A request or its refresh. */
static void take(struct dots *d, int peer, const struct target *t,
		 const struct dots_scope *s, coap_pdu_t *resp)
{
	struct dots_mitigation *m = find(d, peer, t->cuid, t->mid);
	const char *why;
	int code = 0, created = !m;
	double now = wall();

	if ((why = refusal(d, peer, s, m, &code)) ||
	    (!m && !(m = new_slot(d)))) {
		d->refused++;
		reply(resp, why ? code : 503, why ? why :
		      "no room for more mitigations (64 in all)");
		return;
	}
	if (created) {
		m->used = 1;
		m->peer = (unsigned)peer;
		snprintf(m->cuid, sizeof(m->cuid), "%s", t->cuid);
		m->mid = t->mid;
		m->start = now;
		d->accepted++;
	}
	m->scope = *s;
	m->expires = expiry(s->lifetime, now);
	d->rules_changed = 1;
	log_scope(created ? "mitigation" : "refreshed", d, m);
	reply(resp, created ? 201 : 204, NULL);
}

static void efficacy(struct dots *d, int peer, const struct target *t,
		     const struct dots_scope *s, coap_pdu_t *resp)
{
	struct dots_mitigation *m = find(d, peer, t->cuid, t->mid);

	if (!m) {
		reply(resp, 404, "no such mitigation");
		return;
	}
	m->attack_status = s->attack_status;
	if (s->lifetime)
		m->expires = expiry(s->lifetime, wall());
	reply(resp, 204, NULL);
}

static void heartbeat(struct dots *d, int peer, const coap_pdu_t *req,
		      coap_pdu_t *resp)
{
	const uint8_t *b = NULL;
	size_t n = 0;
	char err[DIAG_MAX];
	int ok;

	coap_get_data(req, &n, &b);
	if (dots_parse_heartbeat(b, n, &ok, err, sizeof(err)) < 0) {
		reply(resp, 400, err);
		return;
	}
	d->peer_seen[peer] = wall();
	reply(resp, 204, NULL);
}

static int content_format_ok(const coap_pdu_t *req)
{
	coap_opt_iterator_t it;
	coap_opt_t *o = coap_check_option(req, COAP_OPTION_CONTENT_FORMAT, &it);

	return !o || coap_decode_var_bytes(coap_opt_value(o),
					   coap_opt_length(o)) ==
			     DOTS_CONTENT_FORMAT;
}

static void on_put(coap_resource_t *r, coap_session_t *sess,
		   const coap_pdu_t *req, const coap_string_t *q,
		   coap_pdu_t *resp)
{
	struct dots *d = coap_resource_get_userdata(r);
	int peer = peer_of(d, sess), is_efficacy;
	static struct dots_scope s;
	coap_opt_iterator_t it;
	struct target t;
	const uint8_t *b = NULL;
	size_t n = 0;
	char err[DIAG_MAX];
	const char *why;

	(void)q;
	if (peer < 0 || parse_path(req, &t) < 0) {
		reply(resp, peer < 0 ? 401 : 404, NULL);
		return;
	}
	if (!strcmp(t.what, "hb")) {
		heartbeat(d, peer, req, resp);
		return;
	}
	if (strcmp(t.what, "mitigate") || !t.cuid[0] || !t.has_mid) {
		reply(resp, 400, "expected mitigate/cuid=.../mid=...");
		return;
	}
	if (!content_format_ok(req)) {
		reply(resp, 415, "application/dots+cbor (271) only");
		return;
	}
	coap_get_data(req, &n, &b);
	is_efficacy = coap_check_option(req, COAP_OPTION_IF_MATCH, &it) != NULL;
	if (dots_parse_request(b, n, is_efficacy, &s, err, sizeof(err)) < 0) {
		d->refused++;
		reply(resp, 400, err);
		return;
	}
	if (is_efficacy) {
		efficacy(d, peer, &t, &s, resp);
		return;
	}
	if ((why = resolve_aliases(d, peer, &s))) {
		d->refused++;
		reply(resp, 400, why);
		return;
	}
	take(d, peer, &t, &s, resp);
}

static void status_of(const struct dots_mitigation *m, struct dots_scope *s,
		      double now)
{
	*s = m->scope;
	s->mid = m->mid;
	s->lifetime = m->expires > now ? (int64_t)(m->expires - now) + 1 : 1;
	s->start = (uint64_t)m->start;
	s->status = m->attack_status == DOTS_ATTACK_MITIGATED ?
		DOTS_MITIGATED : DOTS_IN_PROGRESS;
	s->pkts_dropped = m->pkts;
	s->bytes_dropped = m->bytes;
	s->pps_dropped = m->pps;
	s->bps_dropped = m->bps;
}

static void on_get(coap_resource_t *r, coap_session_t *sess,
		   const coap_pdu_t *req, const coap_string_t *q,
		   coap_pdu_t *resp)
{
	struct dots *d = coap_resource_get_userdata(r);
	static struct dots_scope s[DOTS_MAX_SCOPES];
	static uint8_t out[DOTS_MAX_BODY_BYTES];
	int peer = peer_of(d, sess);
	unsigned i, n = 0;
	struct target t;
	double now = wall();
	size_t len = 0;

	(void)q;
	if (peer < 0 || parse_path(req, &t) < 0) {
		reply(resp, peer < 0 ? 401 : 404, NULL);
		return;
	}
	if (!strcmp(t.what, "config")) {
		len = dots_write_config(30, 15, out, sizeof(out));
		if (len)
			reply_cbor(resp, 205, out, len);
		else
			reply(resp, 500, NULL);
		return;
	}
	if (strcmp(t.what, "mitigate") || !t.cuid[0]) {
		reply(resp, 404, NULL);
		return;
	}
	for (i = 0; i < DOTS_MAX_MITIGATIONS && n < DOTS_MAX_SCOPES; i++)
		if (d->m[i].used && d->m[i].peer == (unsigned)peer &&
		    !strcmp(d->m[i].cuid, t.cuid) &&
		    (!t.has_mid || d->m[i].mid == t.mid))
			status_of(&d->m[i], &s[n++], now);
	if (!n) {
		reply(resp, 404, "no such mitigation");
		return;
	}
	/* as many as one datagram holds (no block-wise transfer) */
	while (n && !(len = dots_write_status(s, n, out, 1024)))
		n--;
	if (!n) {
		reply(resp, 500, NULL);
		return;
	}
	reply_cbor(resp, 205, out, len);
}

static void on_delete(coap_resource_t *r, coap_session_t *sess,
		      const coap_pdu_t *req, const coap_string_t *q,
		      coap_pdu_t *resp)
{
	struct dots *d = coap_resource_get_userdata(r);
	int peer = peer_of(d, sess);
	struct dots_mitigation *m;
	struct target t;

	(void)q;
	if (peer < 0 || parse_path(req, &t) < 0) {
		reply(resp, peer < 0 ? 401 : 404, NULL);
		return;
	}
	if (strcmp(t.what, "mitigate") || !t.has_mid ||
	    !(m = find(d, peer, t.cuid, t.mid))) {
		reply(resp, 404, "no such mitigation");
		return;
	}
	log_scope("withdrew", d, m);
	m->used = 0;
	d->withdrawn++;
	d->rules_changed = 1;
	reply(resp, 202, NULL);
}

static int bind_endpoint(struct dots *d)
{
	coap_address_t a;

	if (dots_coap_address(d->cfg.listen, &a) < 0)
		return -1;
	return coap_new_endpoint(d->ctx, &a, COAP_PROTO_DTLS) ? 0 : -1;
}

int dots_server_init(struct dots *d)
{
	static coap_dtls_spsk_t psk;
	coap_resource_t *r;

	memset(&psk, 0, sizeof(psk));
	psk.version = COAP_DTLS_SPSK_SETUP_VERSION;
	psk.validate_id_call_back = psk_for;
	psk.id_call_back_arg = d;
	if ((d->cfg.keys_dir[0] && !coap_context_set_psk2(d->ctx, &psk)) ||
	    (d->cfg.cert[0] && set_pki(d) < 0) || bind_endpoint(d) < 0) {
		fprintf(stderr, "vigil-shield: DOTS: cannot listen on %s\n",
			d->cfg.listen);
		return -1;
	}
	if (!(r = coap_resource_unknown_init2(on_put, 0)))
		return -1;
	coap_register_request_handler(r, COAP_REQUEST_GET, on_get);
	coap_register_request_handler(r, COAP_REQUEST_DELETE, on_delete);
	coap_resource_set_userdata(r, d);
	coap_add_resource(d->ctx, r);
	d->rules_changed = 1; /* the channels' pass rules, at once */
	printf("vigil-shield: DOTS server on %s (DTLS, %u client%s)\n",
	       d->cfg.listen, d->cfg.npeer, d->cfg.npeer == 1 ? "" : "s");
	fflush(stdout);
	return 0;
}

/* The drop rules of one scope into out; how many. */
static unsigned scope_rules(const struct dots_scope *s, struct shield_rule *out)
{
	static const uint8_t tcp_udp[] = { 6, 17 };
	const uint8_t *protos = s->nproto ? s->proto : s->nport ? tcp_udp :
				(const uint8_t[]){ 0 };
	unsigned np = s->nproto ? s->nproto : s->nport ? 2 : 1;
	unsigned t, p, r, n = 0;

	for (t = 0; t < s->ntarget; t++)
		for (p = 0; p < np; p++)
			for (r = 0; r < (s->nport ? s->nport : 1); r++) {
				struct shield_rule *x = &out[n++];
				const struct prefix *pf = &s->target[t];

				memset(x, 0, sizeof(*x));
				x->family = (uint8_t)pf->family;
				x->dst_len = (uint8_t)(pf->family == 4 ?
					pf->v4.prefixlen : pf->v6.prefixlen);
				if (pf->family == 4)
					memcpy(x->dst, &pf->v4.addr, 4);
				else
					memcpy(x->dst, pf->v6.addr, 16);
				x->proto = protos[p];
				x->action = SHIELD_DROP;
				if (s->nport) {
					x->dport_lo = s->port[r].lo;
					x->dport_hi = s->port[r].hi;
				}
			}
	return n;
}

/* 1 if the client has a mitigation in force. */
static int mitigating(const struct dots *d, unsigned peer)
{
	unsigned i;

	for (i = 0; i < DOTS_MAX_MITIGATIONS; i++)
		if (d->m[i].used && d->m[i].peer == peer)
			return 1;
	return 0;
}

static void prefix_into(const struct prefix *p, uint8_t *addr, uint8_t *len)
{
	*len = (uint8_t)(p->family == 4 ? p->v4.prefixlen : p->v6.prefixlen);
	memcpy(addr, p->family == 4 ? (const void *)&p->v4.addr :
				      (const void *)p->v6.addr,
	       p->family == 4 ? 4 : 16);
}

/* The rules of a filter list's entries, in their order. */
static unsigned acl_rules(const struct dots_acl *a, struct shield_rule *out)
{
	unsigned i;

	for (i = 0; i < a->nace; i++) {
		const struct dots_ace *e = &a->ace[i];
		struct shield_rule *r = &out[i];

		memset(r, 0, sizeof(*r));
		r->family = (uint8_t)e->dst.family;
		prefix_into(&e->dst, r->dst, &r->dst_len);
		if (e->src.family)
			prefix_into(&e->src, r->src, &r->src_len);
		r->proto = e->proto;
		r->sport_lo = e->sport.lo;
		r->sport_hi = e->sport.hi;
		r->dport_lo = e->dport.lo;
		r->dport_hi = e->dport.hi;
		r->action = e->action;
	}
	return a->nace;
}

static int acl_active(const struct dots *d, const struct dots_acl *a)
{
	return a->used && (a->activation == DOTS_IMMEDIATE ||
			   (a->activation == DOTS_WHEN_MITIGATING &&
			    mitigating(d, a->peer)));
}

/* A pass rule for this shield's own DOTS endpoint (UDP for the signal
 * channel, TCP for the data channel) into r: 1, or 0 when not listening.
 * It goes first, so that no mitigation, not even one for this host's
 * own prefix, cuts the channel it was asked for over. */
static unsigned channel_rule(const char *listen, uint8_t proto,
			     struct shield_rule *r)
{
	uint8_t addr[16];
	uint16_t port;
	int family;

	if (!listen[0] || dots_addr_parse(listen, &family, addr, &port) < 0)
		return 0;
	memset(r, 0, sizeof(*r));
	r->family = (uint8_t)family;
	r->dst_len = family == 4 ? 32 : 128;
	memcpy(r->dst, addr, 16);
	r->proto = proto;
	r->dport_lo = r->dport_hi = port;
	r->action = SHIELD_PASS;
	return 1;
}

void dots_server_rules(struct dots *d)
{
	struct mitigator *mit = d->mit;
	unsigned i, n = 0, first;

	n += channel_rule(d->cfg.listen, IPPROTO_UDP, mit->dots + n);
	n += channel_rule(d->cfg.data_listen, IPPROTO_TCP, mit->dots + n);

	for (i = 0; i < DOTS_MAX_ACLS; i++) { /* filter lists first */
		struct dots_acl *a = &d->acl[i];

		first = n;
		if (acl_active(d, a) && n + a->nace <= MITIGATE_MAX_DOTS)
			n += acl_rules(a, mit->dots + n);
		if (first != a->first || n - first != a->nrules)
			a->seen_pkts = 0;
		a->first = first;
		a->nrules = n - first;
	}
	for (i = 0; i < DOTS_MAX_MITIGATIONS; i++) {
		struct dots_mitigation *m = &d->m[i];

		first = n;
		if (!m->used ||
		    n + rules_needed(&m->scope) > MITIGATE_MAX_DOTS)
			continue;
		n += scope_rules(&m->scope, mit->dots + n);
		if (first != m->first || n - first != m->nrules)
			m->seen_pkts = m->seen_bytes = 0; /* new slots */
		m->first = first;
		m->nrules = n - first;
	}
	mit->ndots = n;
	d->rules_changed = 0;
}

/* What its rules dropped since last read, and the rate of the second. */
static void count(struct dots *d, struct dots_mitigation *m, double now)
{
	struct shield_hits sum = { 0, 0 };
	unsigned i;

	for (i = 0; i < m->nrules; i++) {
		struct shield_hits h = mitigate_rule_hits(d->mit, m->first + i);

		sum.packets += h.packets;
		sum.bytes += h.bytes;
	}
	if (sum.packets < m->seen_pkts || sum.bytes < m->seen_bytes)
		m->seen_pkts = m->seen_bytes = 0;
	m->pkts += sum.packets - m->seen_pkts;
	m->bytes += sum.bytes - m->seen_bytes;
	m->seen_pkts = sum.packets;
	m->seen_bytes = sum.bytes;
	if (m->rate_t && now > m->rate_t) {
		m->pps = (uint64_t)((double)(m->pkts - m->rate_pkts) /
				    (now - m->rate_t));
		m->bps = (uint64_t)((double)(m->bytes - m->rate_bytes) * 8 /
				    (now - m->rate_t));
	}
	m->rate_t = now;
	m->rate_pkts = m->pkts;
	m->rate_bytes = m->bytes;
}

/* What a filter list's rules matched since last read. */
static void count_acl(struct dots *d, struct dots_acl *a)
{
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < a->nrules; i++)
		sum += mitigate_rule_hits(d->mit, a->first + i).packets;
	if (sum < a->seen_pkts)
		a->seen_pkts = 0;
	a->pkts += sum - a->seen_pkts;
	a->seen_pkts = sum;
}

void dots_server_tick(struct dots *d, double now)
{
	unsigned i;

	for (i = 0; i < DOTS_MAX_ACLS; i++)
		if (d->acl[i].used && d->acl[i].nrules)
			count_acl(d, &d->acl[i]);

	for (i = 0; i < DOTS_MAX_MITIGATIONS; i++) {
		struct dots_mitigation *m = &d->m[i];

		if (!m->used)
			continue;
		if (now >= m->expires) {
			log_scope("expired", d, m);
			m->used = 0;
			d->expired++;
			d->rules_changed = 1;
			continue;
		}
		count(d, m, now);
	}
}

unsigned dots_server_routes(const struct dots *d, struct bird_route *out,
			    unsigned max)
{
	unsigned i, t, n = 0;

	for (i = 0; i < DOTS_MAX_MITIGATIONS; i++) {
		const struct dots_mitigation *m = &d->m[i];

		if (!m->used || !d->peer_via[m->peer])
			continue;
		for (t = 0; t < m->scope.ntarget && n < max; t++) {
			const struct prefix *p = &m->scope.target[t];
			struct bird_route *r = &out[n++];

			memset(r, 0, sizeof(*r));
			r->family = (uint8_t)p->family;
			r->len = (uint8_t)(p->family == 4 ? p->v4.prefixlen :
							    p->v6.prefixlen);
			memcpy(r->addr, p->family == 4 ? (const void *)&p->v4.addr :
							 (const void *)p->v6.addr,
			       p->family == 4 ? 4 : 16);
			snprintf(r->via, sizeof(r->via), "%s",
				 d->peer_via[m->peer]);
		}
	}
	return n;
}
