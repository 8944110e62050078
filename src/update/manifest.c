/*
 * manifest.c -- parses and writes update manifests. The parser walks a
 * fixed schema per role: each key in its place, each repeat within its
 * bounds, nothing else; so two different texts never mean the same thing
 * and a signature always covers exactly what is acted on.
 */
#define _GNU_SOURCE
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/reader.h"
#include "common/textbuf.h"
#include "manifest.h"

static const char *const role_names[ROLE_COUNT] = {
	"root", "targets", "release", "timestamp",
};

const char *upd_role_name(enum role r)
{
	return r < ROLE_COUNT ? role_names[r] : "?";
}

size_t upd_manifest_cap(enum role r)
{
	switch (r) {
	case ROLE_ROOT: return MANIFEST_MAX_ROOT_BYTES;
	case ROLE_TIMESTAMP: return MANIFEST_MAX_TIMESTAMP_BYTES;
	case ROLE_TARGETS: return MANIFEST_MAX_TARGETS_BYTES;
	default: return MANIFEST_MAX_RELEASE_BYTES;
	}
}

/* ------------------------------------------------------------ values */

/*
 * A value is read through a bounded reader over it: words separated by
 * single spaces, a space always followed by a word.
 */
static int word(struct rdr *v, const char **w, size_t *n)
{
	if (!rdr_field(v, ' ', MANIFEST_MAX_LINE_BYTES, w, n) || !*n)
		return -1;
	if (!rdr_left(v) && v->buf[v->len - 1] == ' ')
		return -1; /* the value ends with a space */
	return 0;
}

static int done(const struct rdr *v)
{
	return rdr_left(v) ? -1 : 0;
}

/* A decimal without leading zeros, at most MANIFEST_MAX_VERSION. */
static int get_uint(struct rdr *v, uint64_t *out)
{
	const char *w;
	struct rdr d;
	size_t n;

	if (word(v, &w, &n) < 0 || (n > 1 && w[0] == '0'))
		return -1;
	rdr_init(&d, w, n);
	return rdr_decimal(&d, MANIFEST_MAX_VERSION, out) < 0 || rdr_left(&d) ?
		       -1 : 0;
}

/* Lower-case hex of exactly len bytes. */
static int get_hex(struct rdr *v, uint8_t *out, size_t len)
{
	const char *w;
	size_t n, i;

	if (word(v, &w, &n) < 0 || n != 2 * len)
		return -1;
	for (i = 0; i < n; i++)
		if (!((w[i] >= '0' && w[i] <= '9') || (w[i] >= 'a' && w[i] <= 'f')))
			return -1;
	return sodium_hex2bin(out, len, w, n, NULL, NULL, NULL) == 0 ? 0 : -1;
}

static int get_b64(struct rdr *v, uint8_t *out, size_t len)
{
	const char *w, *end;
	size_t n, got;

	if (word(v, &w, &n) < 0 ||
	    n != sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL) - 1)
		return -1;
	if (sodium_base642bin(out, len, w, n, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != len || end != w + n)
		return -1;
	return 0;
}

static int get_name(struct rdr *v, char *out, size_t cap)
{
	const char *w;
	size_t n, i;

	if (word(v, &w, &n) < 0 || n >= cap)
		return -1;
	for (i = 0; i < n; i++) /* letters, digits and . _ / * - */
		if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9') ||
		      strchr("._/*-", w[i])))
			return -1;
	memcpy(out, w, n);
	out[n] = '\0';
	return 0;
}

static int days_from_civil(int64_t y, unsigned m, unsigned d, int64_t *days)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
					  31, 30, 31 };
	int64_t era;
	unsigned yoe, doy, doe;

	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))))
		return -1;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*days = era * 146097 + (int64_t)doe - 719468;
	return 0;
}

int64_t upd_parse_time(const char *s, size_t n)
{
	unsigned v[6] = { 0 }, i, k = 0;
	static const unsigned width[6] = { 4, 2, 2, 2, 2, 2 };
	static const char sep[6] = { '-', '-', 'T', ':', ':', 'Z' };
	int64_t days;

	if (n != 20)
		return -1;
	for (i = 0; i < 6; i++) {
		unsigned j;

		for (j = 0; j < width[i]; j++, k++) {
			if (s[k] < '0' || s[k] > '9')
				return -1;
			v[i] = v[i] * 10 + (unsigned)(s[k] - '0');
		}
		if (s[k++] != sep[i])
			return -1;
	}
	if (v[3] > 23 || v[4] > 59 || v[5] > 59 ||
	    days_from_civil(v[0], v[1], v[2], &days) < 0)
		return -1;
	return days * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
}

void upd_format_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
}


/* ------------------------------------------------------------ fields */

typedef int (*field_fn)(struct manifest *m, struct rdr *v, unsigned nth);

static int f_format(struct manifest *m, struct rdr *v, unsigned nth)
{
	uint64_t x;

	(void)m;
	(void)nth;
	return get_uint(v, &x) < 0 || x != 1 ? -1 : done(v);
}

static int f_role(struct manifest *m, struct rdr *v, unsigned nth)
{
	char name[16];

	(void)nth;
	if (get_name(v, name, sizeof(name)) < 0 ||
	    strcmp(name, upd_role_name(m->role)))
		return -1;
	return done(v);
}

static int f_version(struct manifest *m, struct rdr *v, unsigned nth)
{
	(void)nth;
	return get_uint(v, &m->version) < 0 ? -1 : done(v);
}

static int f_expires(struct manifest *m, struct rdr *v, unsigned nth)
{
	(void)nth;
	m->expires = upd_parse_time(rdr_here(v), rdr_left(v));
	return m->expires < 0 ? -1 : rdr_skip(v, rdr_left(v));
}

static int f_key(struct manifest *m, struct rdr *v, unsigned nth)
{
	uint8_t id[crypto_hash_sha256_BYTES];
	unsigned i;

	if (get_hex(v, m->keyid[nth], KEYID_BYTES) < 0 ||
	    get_b64(v, m->pubkey[nth], PUBKEY_BYTES) < 0 || done(v) < 0)
		return -1;
	crypto_hash_sha256(id, m->pubkey[nth], PUBKEY_BYTES);
	if (memcmp(id, m->keyid[nth], KEYID_BYTES))
		return -1; /* the id must be the key's own */
	for (i = 0; i < nth; i++)
		if (!memcmp(m->keyid[i], m->keyid[nth], KEYID_BYTES))
			return -1;
	m->nkeys = nth + 1;
	return 0;
}

static int known_key(const struct manifest *m, const uint8_t *id)
{
	unsigned i;

	for (i = 0; i < m->nkeys; i++)
		if (!memcmp(m->keyid[i], id, KEYID_BYTES))
			return 1;
	return 0;
}

/* "threshold: <role> <t> <keyid>...": roles in order, ids known, t >= 1 */
static int f_threshold(struct manifest *m, struct rdr *v, unsigned nth)
{
	struct role_keys *rk = &m->roles[nth];
	uint64_t t;
	char name[16];

	if (get_name(v, name, sizeof(name)) < 0 ||
	    strcmp(name, upd_role_name((enum role)nth)) || get_uint(v, &t) < 0)
		return -1;
	while (rdr_left(v)) {
		if (rk->nkeys == MANIFEST_MAX_KEYS ||
		    get_hex(v, rk->keyid[rk->nkeys], KEYID_BYTES) < 0 ||
		    !known_key(m, rk->keyid[rk->nkeys]))
			return -1;
		rk->nkeys++;
	}
	if (t < 1 || t > rk->nkeys)
		return -1;
	rk->threshold = (unsigned)t;
	return 0;
}

static int f_delegate(struct manifest *m, struct rdr *v, unsigned nth)
{
	m->npaths = nth + 1;
	return get_name(v, m->paths[nth], sizeof(m->paths[nth])) < 0 ? -1 :
									 done(v);
}

static int f_target(struct manifest *m, struct rdr *v, unsigned nth)
{
	(void)nth;
	return get_name(v, m->target, sizeof(m->target)) < 0 ? -1 : done(v);
}

static int f_channel(struct manifest *m, struct rdr *v, unsigned nth)
{
	(void)nth;
	return get_name(v, m->channel, sizeof(m->channel)) < 0 ? -1 : done(v);
}

static int f_type(struct manifest *m, struct rdr *v, unsigned nth)
{
	(void)nth;
	return get_name(v, m->type, sizeof(m->type)) < 0 ? -1 : done(v);
}

static int pinned(struct rdr *v, struct pinned *p, int with_version)
{
	if (with_version && get_uint(v, &p->version) < 0)
		return -1;
	if (get_uint(v, &p->len) < 0 || get_hex(v, p->sha256, SHA256_BYTES) < 0)
		return -1;
	return done(v);
}

static int f_full(struct manifest *m, struct rdr *v, unsigned nth)
{
	(void)nth;
	return pinned(v, &m->full, 0);
}

static int f_file(struct manifest *m, struct rdr *v, unsigned nth)
{
	(void)nth;
	return pinned(v, &m->file, 0);
}

static int f_delta(struct manifest *m, struct rdr *v, unsigned nth)
{
	struct delta *d = &m->deltas[nth];

	m->ndeltas = nth + 1;
	if (get_uint(v, &d->from) < 0 || get_uint(v, &d->len) < 0 ||
	    get_hex(v, d->sha256, SHA256_BYTES) < 0)
		return -1;
	return done(v);
}

static int f_root_version(struct manifest *m, struct rdr *v, unsigned nth)
{
	(void)nth;
	return get_uint(v, &m->root_version) < 0 ? -1 : done(v);
}

static int f_pin_targets(struct manifest *m, struct rdr *v, unsigned nth)
{
	(void)nth;
	return pinned(v, &m->targets, 1);
}

static int f_pin_release(struct manifest *m, struct rdr *v, unsigned nth)
{
	(void)nth;
	return pinned(v, &m->release, 1);
}

/* "<keyid> <base64 key>", the id the key's own */
static int key_pair(struct rdr *v, uint8_t *id, uint8_t *pk)
{
	uint8_t h[crypto_hash_sha256_BYTES];

	if (get_hex(v, id, KEYID_BYTES) < 0 || get_b64(v, pk, PUBKEY_BYTES) < 0 ||
	    done(v) < 0)
		return -1;
	crypto_hash_sha256(h, pk, PUBKEY_BYTES);
	return memcmp(h, id, KEYID_BYTES) ? -1 : 0;
}

static int f_log_key(struct manifest *m, struct rdr *v, unsigned nth)
{
	(void)nth;
	return key_pair(v, m->log_keyid, m->log_pubkey);
}

static int f_witness(struct manifest *m, struct rdr *v, unsigned nth)
{
	unsigned i;

	if (key_pair(v, m->witness_keyid[nth], m->witness_pubkey[nth]) < 0)
		return -1;
	for (i = 0; i < nth; i++)
		if (!memcmp(m->witness_keyid[i], m->witness_keyid[nth],
			    KEYID_BYTES))
			return -1;
	m->nwitnesses = nth + 1;
	return 0;
}

static int f_witness_threshold(struct manifest *m, struct rdr *v,
			       unsigned nth)
{
	uint64_t k;

	(void)nth;
	if (get_uint(v, &k) < 0 || k < 1 || k > m->nwitnesses)
		return -1;
	m->witness_threshold = (unsigned)k;
	return done(v);
}

static int f_log(struct manifest *m, struct rdr *v, unsigned nth)
{
	(void)nth;
	if (get_uint(v, &m->log_size) < 0 ||
	    get_hex(v, m->log_root, SHA256_BYTES) < 0)
		return -1;
	return done(v);
}

static int f_leaf(struct rdr *v, uint64_t *leaf, uint64_t size)
{
	if (get_uint(v, leaf) < 0 || *leaf >= size)
		return -1;
	return done(v);
}

static int f_targets_leaf(struct manifest *m, struct rdr *v, unsigned nth)
{
	(void)nth;
	return f_leaf(v, &m->targets_leaf, m->log_size);
}

static int f_release_leaf(struct manifest *m, struct rdr *v, unsigned nth)
{
	(void)nth;
	return f_leaf(v, &m->release_leaf, m->log_size);
}

/* ------------------------------------------------------------ schema */

struct field {
	const char *key;
	unsigned min, max;
	field_fn fn;
};

#define COMMON { "vigil-manifest", 1, 1, f_format }, { "role", 1, 1, f_role }, \
	{ "version", 1, 1, f_version }, { "expires", 1, 1, f_expires }

static const struct field root_fields[] = {
	COMMON, { "key", 1, MANIFEST_MAX_KEYS, f_key },
	{ "threshold", ROLE_COUNT, ROLE_COUNT, f_threshold },
	{ "log-key", 1, 1, f_log_key },
	{ "witness", 1, MANIFEST_MAX_WITNESSES, f_witness },
	{ "witness-threshold", 1, 1, f_witness_threshold },
	{ NULL, 0, 0, NULL },
};
static const struct field targets_fields[] = {
	COMMON, { "delegate", 1, MANIFEST_MAX_PATHS, f_delegate },
	{ NULL, 0, 0, NULL },
};
static const struct field release_fields[] = {
	COMMON, { "target", 1, 1, f_target }, { "channel", 1, 1, f_channel },
	{ "type", 1, 1, f_type }, { "full", 1, 1, f_full },
	{ "file", 1, 1, f_file }, { "delta", 0, MANIFEST_MAX_DELTAS, f_delta },
	{ NULL, 0, 0, NULL },
};
static const struct field timestamp_fields[] = {
	COMMON, { "root-version", 1, 1, f_root_version },
	{ "targets", 1, 1, f_pin_targets }, { "release", 1, 1, f_pin_release },
	{ "log", 1, 1, f_log }, { "targets-leaf", 1, 1, f_targets_leaf },
	{ "release-leaf", 1, 1, f_release_leaf }, { NULL, 0, 0, NULL },
};
static const struct field *const schemas[ROLE_COUNT] = {
	root_fields, targets_fields, release_fields, timestamp_fields,
};

/*
 * The next line, which must end with '\n': if it is "key: value", v is
 * set to read the value and the line is consumed; else nothing is.
 */
static int keyed_line(struct rdr *in, const char *key, struct rdr *v)
{
	struct rdr peek = *in, l;
	const char *line;
	size_t n, k = strlen(key);

	if (!rdr_until(&peek, '\n', MANIFEST_MAX_LINE_BYTES, &line, &n))
		return 0;
	rdr_init(&l, line, n);
	if (n < k + 3 || !rdr_accept(&l, key, k) || !rdr_accept(&l, ": ", 2))
		return 0;
	*v = l;
	*in = peek;
	return 1;
}

static int fields(struct rdr *in, struct manifest *m, const char **why)
{
	const struct field *f;
	struct rdr v;
	unsigned n;

	for (f = schemas[m->role]; f->key; f++) {
		for (n = 0; n < f->max && keyed_line(in, f->key, &v); n++) {
			if (f->fn(m, &v, n) < 0 || done(&v) < 0) {
				*why = f->key;
				return -1;
			}
		}
		if (n < f->min) {
			*why = f->key;
			return -1;
		}
	}
	return 0;
}

static int signatures(struct rdr *in, struct manifest *m)
{
	struct rdr v;

	while (rdr_left(in)) {
		if (!keyed_line(in, "sig", &v) || m->nsigs == MANIFEST_MAX_SIGS ||
		    get_hex(&v, m->sig_keyid[m->nsigs], KEYID_BYTES) < 0 ||
		    get_b64(&v, m->sig[m->nsigs], SIG_BYTES) < 0 || done(&v) < 0)
			return -1;
		m->nsigs++;
	}
	return m->nsigs ? 0 : -1;
}

int upd_manifest_parse(const char *buf, size_t len, enum role want,
		   struct manifest *m, const char **why)
{
	struct rdr in;
	size_t i;

	memset(m, 0, sizeof(*m));
	m->role = want;
	*why = "too large";
	if (want >= ROLE_COUNT || len > upd_manifest_cap(want))
		return -1;
	*why = "not printable ASCII";
	for (i = 0; i < len; i++)
		if ((buf[i] < 0x20 || buf[i] > 0x7e) && buf[i] != '\n')
			return -1;
	rdr_init(&in, buf, len);
	if (fields(&in, m, why) < 0)
		return -1;
	*why = "an unknown, repeated or misplaced line";
	if (!rdr_accept(&in, "--\n", 3))
		return -1;
	m->signed_len = in.pos;
	*why = "bad or missing signature lines";
	if (signatures(&in, m) < 0)
		return -1;
	*why = NULL;
	return 0;
}

/* ------------------------------------------------------------ writing */

static void put_hex(struct textbuf *o, const uint8_t *b, size_t n)
{
	char hex[2 * SHA256_BYTES + 1];

	sodium_bin2hex(hex, sizeof(hex), b, n);
	textbuf_printf(o, "%s", hex);
}

static void put_pinned(struct textbuf *o, const char *key, const struct pinned *p,
		       int with_version)
{
	textbuf_printf(o, "%s: ", key);
	if (with_version)
		textbuf_printf(o, "%llu ", (unsigned long long)p->version);
	textbuf_printf(o, "%llu ", (unsigned long long)p->len);
	put_hex(o, p->sha256, SHA256_BYTES);
	textbuf_printf(o, "\n");
}

static void put_key(struct textbuf *o, const char *name, const uint8_t *id,
		    const uint8_t *pk)
{
	char b64[sodium_base64_ENCODED_LEN(PUBKEY_BYTES,
					   sodium_base64_VARIANT_ORIGINAL)];

	textbuf_printf(o, "%s: ", name);
	put_hex(o, id, KEYID_BYTES);
	sodium_bin2base64(b64, sizeof(b64), pk, PUBKEY_BYTES,
			  sodium_base64_VARIANT_ORIGINAL);
	textbuf_printf(o, " %s\n", b64);
}

static void root_body(struct textbuf *o, const struct manifest *m)
{
	unsigned i, r;

	for (i = 0; i < m->nkeys; i++)
		put_key(o, "key", m->keyid[i], m->pubkey[i]);
	for (r = 0; r < ROLE_COUNT; r++) {
		textbuf_printf(o, "threshold: %s %u", upd_role_name((enum role)r),
		    m->roles[r].threshold);
		for (i = 0; i < m->roles[r].nkeys; i++) {
			textbuf_printf(o, " ");
			put_hex(o, m->roles[r].keyid[i], KEYID_BYTES);
		}
		textbuf_printf(o, "\n");
	}
	put_key(o, "log-key", m->log_keyid, m->log_pubkey);
	for (i = 0; i < m->nwitnesses; i++)
		put_key(o, "witness", m->witness_keyid[i], m->witness_pubkey[i]);
	textbuf_printf(o, "witness-threshold: %u\n", m->witness_threshold);
}

static void release_body(struct textbuf *o, const struct manifest *m)
{
	unsigned i;

	textbuf_printf(o, "target: %s\nchannel: %s\ntype: %s\n", m->target, m->channel,
	    m->type);
	put_pinned(o, "full", &m->full, 0);
	put_pinned(o, "file", &m->file, 0);
	for (i = 0; i < m->ndeltas; i++) {
		textbuf_printf(o, "delta: %llu %llu ", (unsigned long long)m->deltas[i].from,
		    (unsigned long long)m->deltas[i].len);
		put_hex(o, m->deltas[i].sha256, SHA256_BYTES);
		textbuf_printf(o, "\n");
	}
}

size_t upd_manifest_body(const struct manifest *m, char *buf, size_t cap)
{
	struct textbuf o;
	char t[32];
	unsigned i;

	textbuf_init(&o, buf, cap);
	upd_format_time(m->expires, t);
	textbuf_printf(&o, "vigil-manifest: 1\nrole: %s\nversion: %llu\nexpires: %s\n",
	    upd_role_name(m->role), (unsigned long long)m->version, t);
	switch (m->role) {
	case ROLE_ROOT:
		root_body(&o, m);
		break;
	case ROLE_TARGETS:
		for (i = 0; i < m->npaths; i++)
			textbuf_printf(&o, "delegate: %s\n", m->paths[i]);
		break;
	case ROLE_RELEASE:
		release_body(&o, m);
		break;
	default:
		textbuf_printf(&o, "root-version: %llu\n",
		    (unsigned long long)m->root_version);
		put_pinned(&o, "targets", &m->targets, 1);
		put_pinned(&o, "release", &m->release, 1);
		textbuf_printf(&o, "log: %llu ", (unsigned long long)m->log_size);
		put_hex(&o, m->log_root, SHA256_BYTES);
		textbuf_printf(&o, "\ntargets-leaf: %llu\nrelease-leaf: %llu\n",
		    (unsigned long long)m->targets_leaf,
		    (unsigned long long)m->release_leaf);
	}
	textbuf_printf(&o, "--\n");
	return o.full ? 0 : o.len;
}
