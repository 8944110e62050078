/*
 * dotsmsg.c -- see dotsmsg.h. The check walks the item heads with
 * libcbor's streaming decoder; the readers then take libcbor's item tree
 * and look up the RFC's integer keys; the writers build a tree and
 * serialise it (integers in their shortest form).
 */
#include <cbor.h>
#include <stdio.h>
#include <string.h>

#include "dotsmsg.h"

/* The RFC 9132 keys used here (its section 6 table). */
enum {
	K_MITIGATION_SCOPE = 1, K_SCOPE = 2, K_CDID = 3, K_CUID = 4, K_MID = 5,
	K_TARGET_PREFIX = 6, K_PORT_RANGE = 7, K_LOWER_PORT = 8,
	K_UPPER_PORT = 9, K_TARGET_PROTOCOL = 10, K_TARGET_FQDN = 11,
	K_TARGET_URI = 12, K_ALIAS_NAME = 13, K_LIFETIME = 14,
	K_MITIGATION_START = 15, K_STATUS = 16, K_BYTES_DROPPED = 25,
	K_BPS_DROPPED = 26, K_PKTS_DROPPED = 27, K_PPS_DROPPED = 28,
	K_ATTACK_STATUS = 29, K_SIGNAL_CONFIG = 30, K_SID = 31,
	K_MITIGATING_CONFIG = 32, K_HB_INTERVAL = 33, K_MAX_VALUE = 34,
	K_MIN_VALUE = 35, K_CURRENT_VALUE = 36, K_MISSING_HB = 37,
	K_MAX_RETRANSMIT = 38, K_ACK_TIMEOUT = 39, K_ACK_RANDOM = 40,
	K_CURRENT_DECIMAL = 43, K_IDLE_CONFIG = 44, K_TRIGGER = 45,
	K_HEARTBEAT = 49, K_PEER_HB_STATUS = 51,
	K_OPTIONAL = 32768	/* keys from here on may be ignored */
};

/* ---- the check before libcbor allocates anything ---- */

struct walk {
	size_t n, at;			/* the body's length; bytes read */
	unsigned depth;
	uint64_t left[DOTS_MAX_DEPTH + 1]; /* items still due at each depth */
	const char *why;
};

static void item(struct walk *w)
{
	if (!w->left[w->depth])
		w->why = "more than one CBOR item";
	else
		w->left[w->depth]--;
}

static void open_items(struct walk *w, uint64_t count)
{
	item(w);
	if (count > w->n - w->at)
		w->why = "a length past the end of the body";
	else if (count && w->depth == DOTS_MAX_DEPTH)
		w->why = "nested too deep";
	else if (count)
		w->left[++w->depth] = count;
}

static void on_u8(void *c, uint8_t v) { (void)v; item(c); }
static void on_u16(void *c, uint16_t v) { (void)v; item(c); }
static void on_u32(void *c, uint32_t v) { (void)v; item(c); }
static void on_u64(void *c, uint64_t v) { (void)v; item(c); }
static void on_none(void *c) { item(c); }
static void on_bool(void *c, bool v) { (void)v; item(c); }
static void on_f4(void *c, float v) { (void)v; item(c); }
static void on_f8(void *c, double v) { (void)v; item(c); }
static void on_str(void *c, cbor_data d, size_t n) { (void)d; (void)n; item(c); }
static void on_tag(void *c, uint64_t v) { (void)c; (void)v; }
static void on_array(void *c, size_t n) { open_items(c, n); }

static void on_map(void *c, size_t n)
{
	struct walk *w = c;

	if (n > (w->n - w->at) / 2)
		w->why = "a length past the end of the body";
	else
		open_items(w, (uint64_t)n * 2);
}

static void on_indefinite(void *c)
{
	((struct walk *)c)->why = "an indefinite-length item";
}

static const struct cbor_callbacks walk_cb = {
	.uint8 = on_u8, .uint16 = on_u16, .uint32 = on_u32, .uint64 = on_u64,
	.negint8 = on_u8, .negint16 = on_u16, .negint32 = on_u32,
	.negint64 = on_u64, .byte_string_start = on_indefinite,
	.byte_string = on_str, .string = on_str, .string_start = on_indefinite,
	.indef_array_start = on_indefinite, .array_start = on_array,
	.indef_map_start = on_indefinite, .map_start = on_map, .tag = on_tag,
	.float2 = on_f4, .float4 = on_f4, .float8 = on_f8, .undefined = on_none,
	.null = on_none, .boolean = on_bool, .indef_break = on_indefinite,
};

int dots_cbor_check(const uint8_t *b, size_t n, char *err, size_t errlen)
{
	struct walk w = { .n = n, .left = { 1 } };

	if (n > DOTS_MAX_BODY_BYTES) {
		snprintf(err, errlen, "body of %zu bytes (at most %u)", n,
			 DOTS_MAX_BODY_BYTES);
		return -1;
	}
	while (w.at < n && !w.why) {
		struct cbor_decoder_result r =
			cbor_stream_decode(b + w.at, n - w.at, &walk_cb, &w);

		if (r.status != CBOR_DECODER_FINISHED || !r.read) {
			w.why = "not CBOR, or cut short";
			break;
		}
		w.at += r.read;
		while (w.depth && !w.left[w.depth])
			w.depth--;
	}
	if (!w.why && (w.depth || w.left[0]))
		w.why = n ? "cut short" : "an empty body";
	if (w.why) {
		snprintf(err, errlen, "CBOR body: %s", w.why);
		return -1;
	}
	return 0;
}

/* ---- reading ---- */

static cbor_item_t *load(const uint8_t *b, size_t n, char *err, size_t errlen)
{
	struct cbor_load_result r;
	cbor_item_t *root;

	if (dots_cbor_check(b, n, err, errlen) < 0)
		return NULL;
	root = cbor_load(b, n, &r);
	if (!root)
		snprintf(err, errlen, "CBOR body: %s",
			 r.error.code == CBOR_ERR_MEMERROR ? "out of memory" :
							     "not CBOR");
	return root;
}

static int key_of(const struct cbor_pair *p, uint64_t *k)
{
	if (!cbor_isa_uint(p->key))
		return -1;
	*k = cbor_get_int(p->key);
	return 0;
}

/* The value of an integer key in a map, or NULL. */
static cbor_item_t *get(const cbor_item_t *map, uint64_t key)
{
	struct cbor_pair *p;
	size_t i;
	uint64_t k;

	if (!map || !cbor_isa_map(map))
		return NULL;
	p = cbor_map_handle(map);
	for (i = 0; i < cbor_map_size(map); i++)
		if (key_of(&p[i], &k) == 0 && k == key)
			return p[i].value;
	return NULL;
}

/* A boolean: only a simple value of width 0 (libcbor's cbor_is_bool
 * asserts on a float, so a float where a boolean belongs must be caught
 * before it: the fuzzer found a heartbeat that aborted the daemon). */
static int as_bool(const cbor_item_t *v, int *out)
{
	if (!v || !cbor_isa_float_ctrl(v) ||
	    cbor_float_get_width(v) != CBOR_FLOAT_0 || !cbor_is_bool(v))
		return -1;
	*out = cbor_get_bool(v);
	return 0;
}

static int as_uint(const cbor_item_t *v, uint64_t max, uint64_t *out)
{
	if (!v || !cbor_isa_uint(v) || cbor_get_int(v) > max)
		return -1;
	*out = cbor_get_int(v);
	return 0;
}

/* A lifetime: a positive number of seconds, or -1 (indefinite). */
static int as_lifetime(const cbor_item_t *v, int64_t *out)
{
	uint64_t u;

	if (cbor_isa_negint(v) && cbor_get_int(v) == 0) {
		*out = DOTS_LIFETIME_INDEFINITE;
		return 0;
	}
	if (as_uint(v, UINT32_MAX, &u) < 0 || !u)
		return -1;
	*out = (int64_t)u;
	return 0;
}

static int as_prefix(const cbor_item_t *v, struct prefix *p)
{
	char text[64];
	size_t n;

	if (!cbor_isa_string(v) || !cbor_string_is_definite(v) ||
	    (n = cbor_string_length(v)) >= sizeof(text))
		return -1;
	memcpy(text, cbor_string_handle(v), n);
	text[n] = '\0';
	return prefix_parse(text, p);
}

struct reader {
	struct dots_scope *s;
	char *err;
	size_t errlen;
};

static int fail(struct reader *r, const char *what, uint64_t key)
{
	snprintf(r->err, r->errlen, "%s (key %llu)", what,
		 (unsigned long long)key);
	return -1;
}

static int read_targets(struct reader *r, const cbor_item_t *v)
{
	size_t i;

	if (!cbor_isa_array(v) || !cbor_array_size(v) ||
	    cbor_array_size(v) > DOTS_MAX_TARGETS - r->s->ntarget)
		return fail(r, "target-prefix: 1 to 16 prefixes",
			    K_TARGET_PREFIX);
	for (i = 0; i < cbor_array_size(v); i++)
		if (as_prefix(cbor_array_handle(v)[i],
			      &r->s->target[r->s->ntarget++]) < 0)
			return fail(r, "target-prefix: not a prefix",
				    K_TARGET_PREFIX);
	return 0;
}

static int read_ports(struct reader *r, const cbor_item_t *v)
{
	size_t i;

	if (!cbor_isa_array(v) ||
	    cbor_array_size(v) > DOTS_MAX_PORTS - r->s->nport)
		return fail(r, "target-port-range: at most 8 ranges",
			    K_PORT_RANGE);
	for (i = 0; i < cbor_array_size(v); i++) {
		const cbor_item_t *e = cbor_array_handle(v)[i];
		const cbor_item_t *hi = get(e, K_UPPER_PORT);
		uint64_t lo, up;

		if (as_uint(get(e, K_LOWER_PORT), 65535, &lo) < 0 ||
		    (hi && as_uint(hi, 65535, &up) < 0))
			return fail(r, "target-port-range: lower-port (and "
				    "upper-port) from 0 to 65535", K_PORT_RANGE);
		if (!hi)
			up = lo;
		if (up < lo)
			return fail(r, "target-port-range: upper-port below "
				    "lower-port", K_PORT_RANGE);
		r->s->port[r->s->nport++] = (struct dots_range){ (uint16_t)lo,
								 (uint16_t)up };
	}
	return 0;
}

static int read_protocols(struct reader *r, const cbor_item_t *v)
{
	size_t i;
	uint64_t p;

	if (!cbor_isa_array(v) ||
	    cbor_array_size(v) > DOTS_MAX_PROTOS - r->s->nproto)
		return fail(r, "target-protocol: at most 8 protocols",
			    K_TARGET_PROTOCOL);
	for (i = 0; i < cbor_array_size(v); i++) {
		if (as_uint(cbor_array_handle(v)[i], 255, &p) < 0)
			return fail(r, "target-protocol: 0 to 255",
				    K_TARGET_PROTOCOL);
		r->s->proto[r->s->nproto++] = (uint8_t)p;
	}
	return 0;
}

static int read_aliases(struct reader *r, const cbor_item_t *v)
{
	const cbor_item_t *e;
	size_t i, n;

	if (!cbor_isa_array(v) ||
	    cbor_array_size(v) > DOTS_MAX_ALIAS_NAMES - r->s->nalias)
		return fail(r, "alias-name: at most 4 names", K_ALIAS_NAME);
	for (i = 0; i < cbor_array_size(v); i++) {
		e = cbor_array_handle(v)[i];
		if (!cbor_isa_string(e) || !cbor_string_is_definite(e) ||
		    !(n = cbor_string_length(e)) || n >= 64 ||
		    memchr(cbor_string_handle(e), 0, n))
			return fail(r, "alias-name: names of 1 to 63 bytes",
				    K_ALIAS_NAME);
		memcpy(r->s->alias[r->s->nalias], cbor_string_handle(e), n);
		r->s->alias[r->s->nalias++][n] = '\0';
	}
	return 0;
}

/* One key of a request's scope. */
static int read_key(struct reader *r, uint64_t k, const cbor_item_t *v,
		    int efficacy)
{
	uint64_t u;
	int yes;

	if (k == K_LIFETIME)
		return as_lifetime(v, &r->s->lifetime) < 0 ?
			fail(r, "lifetime: seconds, or -1", k) : 0;
	if (k == K_ATTACK_STATUS) {
		if (as_uint(v, 2, &u) < 0 || !u)
			return fail(r, "attack-status: 1 or 2", k);
		r->s->attack_status = (uint8_t)u;
		return 0;
	}
	if (k >= K_OPTIONAL || k == K_CDID || k == K_CUID || k == K_MID)
		return 0; /* optional, or in the URI: ignored */
	if (efficacy)
		return fail(r, "an efficacy update holds attack-status and "
			    "lifetime only", k);
	if (k == K_TARGET_PREFIX)
		return read_targets(r, v);
	if (k == K_PORT_RANGE)
		return read_ports(r, v);
	if (k == K_TARGET_PROTOCOL)
		return read_protocols(r, v);
	if (k == K_TRIGGER)
		return as_bool(v, &yes) == 0 && yes ? 0 :
			fail(r, "trigger-mitigation false is not supported "
			     "(mitigation starts at once)", k);
	if (k == K_ALIAS_NAME)
		return read_aliases(r, v);
	if (k == K_TARGET_FQDN || k == K_TARGET_URI)
		return fail(r, "targets by name are not resolved here; give "
			    "target-prefix or alias-name", k);
	return fail(r, "an unknown comprehension-required key", k);
}

/* The one scope of a request body. */
static const cbor_item_t *only_scope(const cbor_item_t *root, char *err,
				     size_t errlen)
{
	const cbor_item_t *list = get(get(root, K_MITIGATION_SCOPE), K_SCOPE);

	if (!list || !cbor_isa_array(list) || cbor_array_size(list) != 1 ||
	    !cbor_isa_map(cbor_array_handle(list)[0])) {
		snprintf(err, errlen, "expected {mitigation-scope: {scope: "
			 "[one scope]}}");
		return NULL;
	}
	return cbor_array_handle(list)[0];
}

int dots_parse_request(const uint8_t *b, size_t n, int efficacy,
		       struct dots_scope *s, char *err, size_t errlen)
{
	struct reader r = { s, err, errlen };
	cbor_item_t *root;
	const cbor_item_t *scope;
	struct cbor_pair *p;
	size_t i;
	int rc = 0;
	uint64_t k;

	memset(s, 0, sizeof(*s));
	if (!(root = load(b, n, err, errlen)))
		return -1;
	if (!(scope = only_scope(root, err, errlen)))
		rc = -1;
	p = scope ? cbor_map_handle(scope) : NULL;
	for (i = 0; rc == 0 && p && i < cbor_map_size(scope); i++)
		rc = key_of(&p[i], &k) < 0 ?
			fail(&r, "a key that is not an integer", 0) :
			read_key(&r, k, p[i].value, efficacy);
	if (rc == 0 && !efficacy && !s->ntarget && !s->nalias)
		rc = fail(&r, "no target-prefix or alias-name", K_TARGET_PREFIX);
	if (rc == 0 && efficacy && !s->attack_status)
		rc = fail(&r, "an efficacy update without attack-status",
			  K_ATTACK_STATUS);
	cbor_decref(&root);
	return rc;
}

static void status_counter(const cbor_item_t *scope, uint64_t key,
			   uint64_t *out)
{
	uint64_t v;

	if (as_uint(get(scope, key), UINT64_MAX, &v) == 0)
		*out = v;
}

/* One scope of a status answer: what the client needs of it. */
static void read_status_scope(const cbor_item_t *e, struct dots_scope *s)
{
	struct reader r = { s, NULL, 0 };
	char why[8];
	uint64_t v;

	r.err = why;
	r.errlen = sizeof(why);
	memset(s, 0, sizeof(*s));
	if (as_uint(get(e, K_MID), UINT32_MAX, &v) == 0)
		s->mid = (uint32_t)v;
	if (as_uint(get(e, K_STATUS), 255, &v) == 0)
		s->status = (uint8_t)v;
	if (get(e, K_LIFETIME))
		as_lifetime(get(e, K_LIFETIME), &s->lifetime);
	if (get(e, K_TARGET_PREFIX) &&
	    read_targets(&r, get(e, K_TARGET_PREFIX)) < 0)
		s->ntarget = 0;
	status_counter(e, K_MITIGATION_START, &s->start);
	status_counter(e, K_BYTES_DROPPED, &s->bytes_dropped);
	status_counter(e, K_BPS_DROPPED, &s->bps_dropped);
	status_counter(e, K_PKTS_DROPPED, &s->pkts_dropped);
	status_counter(e, K_PPS_DROPPED, &s->pps_dropped);
}

int dots_parse_status(const uint8_t *b, size_t n, struct dots_scope *s,
		      unsigned max, char *err, size_t errlen)
{
	cbor_item_t *root = load(b, n, err, errlen);
	const cbor_item_t *list;
	unsigned i, got = 0;

	if (!root)
		return -1;
	list = get(get(root, K_MITIGATION_SCOPE), K_SCOPE);
	if (!list || !cbor_isa_array(list)) {
		snprintf(err, errlen, "expected {mitigation-scope: {scope: "
			 "[...]}}");
		cbor_decref(&root);
		return -1;
	}
	for (i = 0; i < cbor_array_size(list) && got < max; i++)
		if (cbor_isa_map(cbor_array_handle(list)[i]))
			read_status_scope(cbor_array_handle(list)[i],
					  &s[got++]);
	cbor_decref(&root);
	return (int)got;
}

int dots_parse_heartbeat(const uint8_t *b, size_t n, int *ok, char *err,
			 size_t errlen)
{
	cbor_item_t *root = load(b, n, err, errlen);
	const cbor_item_t *v;
	int rc = 0;

	if (!root)
		return -1;
	v = get(get(root, K_HEARTBEAT), K_PEER_HB_STATUS);
	if (as_bool(v, ok) < 0) {
		snprintf(err, errlen, "expected {heartbeat: {peer-hb-status: "
			 "true|false}}");
		rc = -1;
	}
	cbor_decref(&root);
	return rc;
}

/* ---- writing ---- */

struct builder {
	int failed;			/* an allocation failed */
};

static cbor_item_t *uint_item(uint64_t v)
{
	if (v <= UINT8_MAX)
		return cbor_build_uint8((uint8_t)v);
	if (v <= UINT16_MAX)
		return cbor_build_uint16((uint16_t)v);
	if (v <= UINT32_MAX)
		return cbor_build_uint32((uint32_t)v);
	return cbor_build_uint64(v);
}

/* Adds key: value to map (taking value's reference either way). */
static void put(struct builder *bd, cbor_item_t *map, uint64_t key,
		cbor_item_t *value)
{
	cbor_item_t *k = uint_item(key);

	if (!map || !k || !value ||
	    !cbor_map_add(map, (struct cbor_pair){ k, value }))
		bd->failed = 1;
	if (k)
		cbor_decref(&k);
	if (value)
		cbor_decref(&value);
}

static void push(struct builder *bd, cbor_item_t *array, cbor_item_t *v)
{
	if (!array || !v || !cbor_array_push(array, v))
		bd->failed = 1;
	if (v)
		cbor_decref(&v);
}

static cbor_item_t *lifetime_item(int64_t t)
{
	return t < 0 ? cbor_build_negint8(0) : uint_item((uint64_t)t);
}

static cbor_item_t *targets(struct builder *bd, const struct dots_scope *s)
{
	cbor_item_t *a = cbor_new_definite_array(s->ntarget);
	char text[64];
	unsigned i;

	for (i = 0; i < s->ntarget; i++) {
		prefix_format(&s->target[i], text, sizeof(text));
		push(bd, a, cbor_build_string(text));
	}
	return a;
}

static cbor_item_t *ports(struct builder *bd, const struct dots_scope *s)
{
	cbor_item_t *a = cbor_new_definite_array(s->nport);
	unsigned i;

	for (i = 0; i < s->nport; i++) {
		cbor_item_t *m = cbor_new_definite_map(2);

		put(bd, m, K_LOWER_PORT, uint_item(s->port[i].lo));
		put(bd, m, K_UPPER_PORT, uint_item(s->port[i].hi));
		push(bd, a, m);
	}
	return a;
}

static cbor_item_t *protocols(struct builder *bd, const struct dots_scope *s)
{
	cbor_item_t *a = cbor_new_definite_array(s->nproto);
	unsigned i;

	for (i = 0; i < s->nproto; i++)
		push(bd, a, uint_item(s->proto[i]));
	return a;
}

/* The scope's targets, ports and protocols, as both directions have. */
static void scope_common(struct builder *bd, cbor_item_t *m,
			 const struct dots_scope *s)
{
	unsigned i;
	cbor_item_t *names;

	if (s->ntarget)
		put(bd, m, K_TARGET_PREFIX, targets(bd, s));
	if (s->nalias) {
		names = cbor_new_definite_array(s->nalias);
		for (i = 0; i < s->nalias; i++)
			push(bd, names, cbor_build_string(s->alias[i]));
		put(bd, m, K_ALIAS_NAME, names);
	}
	if (s->nport)
		put(bd, m, K_PORT_RANGE, ports(bd, s));
	if (s->nproto)
		put(bd, m, K_TARGET_PROTOCOL, protocols(bd, s));
	if (s->lifetime)
		put(bd, m, K_LIFETIME, lifetime_item(s->lifetime));
}

/* {1: {2: [scopes]}}, serialised; the scopes are released. */
static size_t wrap_scopes(struct builder *bd, cbor_item_t *list,
			  uint8_t *out, size_t cap)
{
	cbor_item_t *inner = cbor_new_definite_map(1);
	cbor_item_t *root = cbor_new_definite_map(1);
	size_t n = 0;

	put(bd, inner, K_SCOPE, list);
	put(bd, root, K_MITIGATION_SCOPE, inner);
	if (!bd->failed)
		n = cbor_serialize(root, out, cap);
	if (root)
		cbor_decref(&root);
	return n;
}

size_t dots_write_request(const struct dots_scope *s, uint8_t *out,
			  size_t cap)
{
	struct builder bd = { 0 };
	cbor_item_t *list = cbor_new_definite_array(1);
	cbor_item_t *m = cbor_new_definite_map(5);

	scope_common(&bd, m, s);
	push(&bd, list, m);
	return wrap_scopes(&bd, list, out, cap);
}

size_t dots_write_efficacy(uint8_t attack_status, uint8_t *out, size_t cap)
{
	struct builder bd = { 0 };
	cbor_item_t *list = cbor_new_definite_array(1);
	cbor_item_t *m = cbor_new_definite_map(1);

	put(&bd, m, K_ATTACK_STATUS, uint_item(attack_status));
	push(&bd, list, m);
	return wrap_scopes(&bd, list, out, cap);
}

size_t dots_write_status(const struct dots_scope *s, unsigned n,
			 uint8_t *out, size_t cap)
{
	struct builder bd = { 0 };
	cbor_item_t *list = cbor_new_definite_array(n);
	unsigned i;

	for (i = 0; i < n; i++) {
		cbor_item_t *m = cbor_new_definite_map(13);

		put(&bd, m, K_MID, uint_item(s[i].mid));
		scope_common(&bd, m, &s[i]);
		put(&bd, m, K_MITIGATION_START, uint_item(s[i].start));
		put(&bd, m, K_STATUS, uint_item(s[i].status));
		put(&bd, m, K_BYTES_DROPPED, uint_item(s[i].bytes_dropped));
		put(&bd, m, K_BPS_DROPPED, uint_item(s[i].bps_dropped));
		put(&bd, m, K_PKTS_DROPPED, uint_item(s[i].pkts_dropped));
		put(&bd, m, K_PPS_DROPPED, uint_item(s[i].pps_dropped));
		push(&bd, list, m);
	}
	return wrap_scopes(&bd, list, out, cap);
}

size_t dots_write_heartbeat(int ok, uint8_t *out, size_t cap)
{
	struct builder bd = { 0 };
	cbor_item_t *inner = cbor_new_definite_map(1);
	cbor_item_t *root = cbor_new_definite_map(1);
	size_t n = 0;

	put(&bd, inner, K_PEER_HB_STATUS, cbor_build_bool(ok != 0));
	put(&bd, root, K_HEARTBEAT, inner);
	if (!bd.failed)
		n = cbor_serialize(root, out, cap);
	if (root)
		cbor_decref(&root);
	return n;
}

/* {max-value, min-value, current-value}, or a decimal's current value
 * (CBOR tag 4: [exponent, mantissa]) when hundredths is set. */
static cbor_item_t *setting(struct builder *bd, uint64_t max, uint64_t min,
			    uint64_t cur, int hundredths)
{
	cbor_item_t *m = cbor_new_definite_map(hundredths ? 1 : 3);
	cbor_item_t *frac, *tag;

	if (!hundredths) {
		put(bd, m, K_MAX_VALUE, uint_item(max));
		put(bd, m, K_MIN_VALUE, uint_item(min));
		put(bd, m, K_CURRENT_VALUE, uint_item(cur));
		return m;
	}
	frac = cbor_new_definite_array(2);
	push(bd, frac, cbor_build_negint8(1)); /* 10^-2 */
	push(bd, frac, uint_item(cur));
	tag = frac ? cbor_build_tag(4, frac) : NULL;
	if (frac)
		cbor_decref(&frac);
	put(bd, m, K_CURRENT_DECIMAL, tag);
	return m;
}

static cbor_item_t *session_settings(struct builder *bd, unsigned hb,
				     unsigned missing)
{
	cbor_item_t *m = cbor_new_definite_map(5);

	put(bd, m, K_HB_INTERVAL, setting(bd, 240, 15, hb, 0));
	put(bd, m, K_MISSING_HB, setting(bd, 9, 3, missing, 0));
	put(bd, m, K_MAX_RETRANSMIT, setting(bd, 15, 2, 3, 0));
	put(bd, m, K_ACK_TIMEOUT, setting(bd, 0, 0, 200, 1));
	put(bd, m, K_ACK_RANDOM, setting(bd, 0, 0, 150, 1));
	return m;
}

size_t dots_write_config(unsigned hb_interval, unsigned missing_hb,
			 uint8_t *out, size_t cap)
{
	struct builder bd = { 0 };
	cbor_item_t *inner = cbor_new_definite_map(3);
	cbor_item_t *root = cbor_new_definite_map(1);
	size_t n = 0;

	put(&bd, inner, K_SID, uint_item(1));
	put(&bd, inner, K_MITIGATING_CONFIG,
	    session_settings(&bd, hb_interval, missing_hb));
	put(&bd, inner, K_IDLE_CONFIG,
	    session_settings(&bd, hb_interval, missing_hb));
	put(&bd, root, K_SIGNAL_CONFIG, inner);
	if (!bd.failed)
		n = cbor_serialize(root, out, cap);
	if (root)
		cbor_decref(&root);
	return n;
}
