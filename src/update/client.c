/*
 * client.c -- one update cycle against a mirror. Order matters and is
 * fixed: the time is taken once; the timestamp is verified with the
 * trusted root (after walking the root chain it names); the targets and
 * release manifests must be the exact files the timestamp pins; versions
 * never go down; the database is checked against the signed hashes of
 * its compressed and its full form before it is installed. Nothing read
 * from a mirror is parsed before its size is capped, and nothing is acted
 * on before it is verified.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "client.h"
#include "crypto.h"
#include "delta.h"
#include "fsutil.h"
#include "install.h"
#include "logcheck.h"
#include "pubstate.h"
#include "root.h"
#include "split.h"
#include "state.h"

/* Root versions walked in one cycle at most. */
#define ROOT_CHAIN_MAX 1024
/* Largest window a delta or database may ask of the decoder (128 MiB). */
#define ZSTD_WINDOW_LOG_MAX 27
/* Largest database accepted, whatever a manifest says. */
#define DB_MAX_BYTES ((uint64_t)4 << 30)

/*
 * Fetches mirror/v1/<path> (at most cap bytes); with pin, it must be
 * exactly the pinned file (E_MISMATCH otherwise). Then parses it as role.
 */
static enum upd_error get_manifest(struct uctx *c, const char *mirror,
				   const char *path, size_t cap,
				   const struct pinned *pin, enum role r,
				   struct manifest *m, char **text, size_t *tlen)
{
	char url[4096], why[512];
	uint8_t h[SHA256_BYTES];
	const char *perr;
	size_t len = 0;
	enum fetch_result fr;

	*text = NULL;
	snprintf(url, sizeof(url), "%s/v1/%s", mirror, path);
	fr = upd_fetch_via(c, url, pin ? pin->len : cap, text, &len, why,
		   sizeof(why));
	if (fr == FETCH_TOOBIG && pin)
		return upd_fail(c, U_MISMATCH, "%s is longer than the %s manifest "
			    "the timestamp pins", url, upd_role_name(r));
	if (fr != FETCH_OK)
		return upd_fetch_error(c, fr, why);
	if (pin) {
		upd_sha256(*text, len, h);
		if (len != pin->len || memcmp(h, pin->sha256, SHA256_BYTES))
			return upd_fail(c, U_MISMATCH, "%s is not the %s manifest "
				    "the timestamp pins", url, upd_role_name(r));
	}
	if (upd_manifest_parse(*text, len, r, m, &perr) < 0)
		/* a signature missing or in another form is a signature
		 * failure: there is no other way to accept a manifest */
		return upd_fail(c, strstr(perr, "signature") ? U_SIG : U_FORMAT,
			    "%s: %s manifest: %s", url, upd_role_name(r), perr);
	*tlen = len;
	return U_OK;
}

/* Expiry and version floor of a verified manifest. */
static enum upd_error fresh_enough(struct uctx *c, const struct manifest *m,
				   uint64_t floor)
{
	char t[32];

	if (m->expires <= c->now) {
		upd_format_time(m->expires, t);
		return upd_fail(c, U_EXPIRED, "%s manifest version %llu expired "
			    "at %s", upd_role_name(m->role),
			    (unsigned long long)m->version, t);
	}
	if (m->version < floor)
		return upd_fail(c, U_ROLLBACK, "%s manifest version %llu is older "
			    "than version %llu, already trusted",
			    upd_role_name(m->role), (unsigned long long)m->version,
			    (unsigned long long)floor);
	return U_OK;
}

/*
 * Walks root versions up to want: each new root must carry the threshold
 * of the old root's root keys and of its own, and have the next number.
 * Keys of the timestamp and release roles that change reset their floors
 * (recovery from a fast-forward attack).
 */
static enum upd_error walk_roots(struct uctx *c, const char *mirror,
				 uint64_t want)
{
	struct manifest *m = malloc(sizeof(*m));
	enum upd_error e = U_OK;
	char path[64], *text = NULL;
	size_t len;
	uint64_t v;

	if (!m)
		return upd_fail(c, U_INSTALL, "out of memory");
	if (want - c->root.version > ROOT_CHAIN_MAX)
		want = c->root.version + ROOT_CHAIN_MAX;
	for (v = c->root.version + 1; v <= want && !e; v++) {
		snprintf(path, sizeof(path), "root/%llu.root",
			 (unsigned long long)v);
		free(text);
		if ((e = get_manifest(c, mirror, path, MANIFEST_MAX_ROOT_BYTES,
				      NULL, ROLE_ROOT, m, &text, &len)))
			break;
		if (m->version != v ||
		    upd_verify_threshold(m, text, &c->root, ROLE_ROOT) < 0 ||
		    upd_verify_threshold(m, text, m, ROLE_ROOT) < 0) {
			e = upd_fail(c, U_SIG, "root version %llu is not signed by "
				 "the thresholds of versions %llu and %llu",
				 (unsigned long long)v,
				 (unsigned long long)c->root.version,
				 (unsigned long long)v);
			break;
		}
		upd_root_adopt(c, m, text, len);
		text = NULL;
	}
	free(text);
	free(m);
	if (!e && c->root.expires <= c->now)
		e = upd_fail(c, U_EXPIRED, "the newest root (version %llu) has "
			 "expired", (unsigned long long)c->root.version);
	return e;
}

static enum upd_error get_timestamp(struct uctx *c, const char *mirror,
				    struct manifest *ts)
{
	enum upd_error e;
	char *text, path[128];
	size_t len;

	/* each chain (target, channel) has its own (pubstate.h) */
	if (pub_chain_valid(c->target, c->channel) < 0)
		return upd_fail(c, U_FORMAT, "%s %s: not a target and channel "
			    "name", c->target, c->channel);
	pub_timestamp_path(c->target, c->channel, path, sizeof(path));
	e = get_manifest(c, mirror, path, MANIFEST_MAX_TIMESTAMP_BYTES,
			 NULL, ROLE_TIMESTAMP, ts, &text, &len);
	if (!e && ts->root_version > c->root.version) {
		e = walk_roots(c, mirror, ts->root_version);
		if (!e && c->root.version != ts->root_version)
			e = upd_fail(c, U_MISMATCH, "the timestamp names root "
				 "version %llu, the mirror had up to %llu",
				 (unsigned long long)ts->root_version,
				 (unsigned long long)c->root.version);
	}
	if (!e && ts->root_version != c->root.version)
		e = upd_fail(c, U_MISMATCH, "the timestamp names root version "
			 "%llu, %llu is trusted",
			 (unsigned long long)ts->root_version,
			 (unsigned long long)c->root.version);
	if (!e && upd_verify_threshold(ts, text, &c->root, ROLE_TIMESTAMP) < 0)
		e = upd_fail(c, U_SIG, "timestamp: not signed by the threshold "
			 "of timestamp keys");
	if (!e)
		e = fresh_enough(c, ts, c->st.timestamp);
	c->ts_version = ts->version;
	free(text);
	return e;
}

/* A targets or release manifest pinned by the timestamp. */
static enum upd_error get_pinned(struct uctx *c, const char *mirror,
				 const struct pinned *pin, enum role r,
				 uint64_t floor, struct manifest *m,
				 struct text *t)
{
	char path[128], h[2 * SHA256_BYTES + 1], *text;
	enum upd_error e;
	size_t len = 0;

	upd_hex(pin->sha256, SHA256_BYTES, h);
	snprintf(path, sizeof(path), "meta/%s.%s", h, upd_role_name(r));
	e = get_manifest(c, mirror, path, upd_manifest_cap(r), pin, r, m, &text,
			 &len);
	if (!e && upd_verify_threshold(m, text, &c->root, r) < 0)
		e = upd_fail(c, U_SIG, "%s manifest: not signed by the threshold "
			 "of %s keys", upd_role_name(r), upd_role_name(r));
	if (!e && m->version != pin->version)
		e = upd_fail(c, U_MISMATCH, "%s manifest version %llu, the "
			 "timestamp pins %llu", upd_role_name(r),
			 (unsigned long long)m->version,
			 (unsigned long long)pin->version);
	if (!e)
		e = fresh_enough(c, m, floor);
	t->p = text;
	t->len = len;
	return e;
}

/* The release must be inside the delegation and be what was asked for. */
static enum upd_error check_target(struct uctx *c, const struct manifest *t,
				   const struct manifest *r)
{
	unsigned i;

	for (i = 0; i < t->npaths; i++)
		if (fnmatch(t->paths[i], r->target, FNM_PATHNAME) == 0)
			break;
	if (i == t->npaths)
		return upd_fail(c, U_DELEGATION, "release signs \"%s\", outside "
			    "what targets delegates to it", r->target);
	if (strcmp(r->target, c->target) || strcmp(r->channel, c->channel) ||
	    strcmp(r->type, c->type))
		return upd_fail(c, U_WRONGTARGET, "release is %s (%s, %s), %s (%s, "
			    "%s) was asked for", r->target, r->channel, r->type,
			    c->target, c->channel, c->type);
	return U_OK;
}

/* Decompresses into exactly full.len bytes, the decoder's window capped. */
static enum upd_error unpack(struct uctx *c, const struct manifest *r,
			     const char *z, size_t zlen, char **out)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	ZSTD_inBuffer in = { z, zlen, 0 };
	ZSTD_outBuffer o = { NULL, r->full.len, 0 };
	uint8_t h[SHA256_BYTES];
	enum upd_error e = U_OK;
	size_t rc = 1;

	*out = NULL;
	if (!d || !(o.dst = malloc(r->full.len ? r->full.len : 1))) {
		ZSTD_freeDCtx(d);
		return upd_fail(c, U_INSTALL, "out of memory");
	}
	ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX);
	while (rc && in.pos < in.size && o.pos < o.size) {
		rc = ZSTD_decompressStream(d, &o, &in);
		if (ZSTD_isError(rc)) {
			e = upd_fail(c, U_HASH, "database: %s", ZSTD_getErrorName(rc));
			break;
		}
	}
	if (!e && (rc || in.pos < in.size))
		e = upd_fail(c, o.pos == o.size ? U_TOOBIG : U_HASH, "database: "
			 "does not decompress to its signed length");
	if (!e) {
		upd_sha256(o.dst, o.pos, h);
		if (o.pos != r->full.len || memcmp(h, r->full.sha256, SHA256_BYTES))
			e = upd_fail(c, U_HASH, "database: not the signed content");
	}
	ZSTD_freeDCtx(d);
	if (e)
		free(o.dst);
	else
		*out = o.dst;
	return e;
}

/* The installed database, if it is still exactly what was installed. */
static char *installed_db(struct uctx *c, size_t *len)
{
	char path[4096], h[2 * SHA256_BYTES + 1], *data;
	uint8_t sum[SHA256_BYTES];

	snprintf(path, sizeof(path), "%s/current/%s", c->dir,
		 upd_payload_name(c));
	if (!c->st.installed_sha[0] ||
	    !(data = upd_read_file(path, DB_MAX_BYTES, len)))
		return NULL;
	upd_sha256(data, *len, sum);
	upd_hex(sum, SHA256_BYTES, h);
	if (strcmp(h, c->st.installed_sha)) {
		free(data);
		return NULL;
	}
	return data;
}

/*
 * The new database from a delta against the installed one: 0 and *out,
 * or -1 (said on stderr as E_DELTA) and the caller takes the full file.
 */
static int via_delta(struct uctx *c, const char *mirror,
		     const struct manifest *r, char **out)
{
	const struct delta *d = NULL;
	char url[4096], h[2 * SHA256_BYTES + 1], why[512], *z, *old, *res;
	uint8_t got[SHA256_BYTES];
	size_t zlen, oldlen;
	unsigned i;

	for (i = 0; i < r->ndeltas; i++)
		if (r->deltas[i].from == c->st.installed)
			d = &r->deltas[i];
	if (!d || d->len >= r->file.len || !(old = installed_db(c, &oldlen)))
		return -1;
	upd_hex(d->sha256, SHA256_BYTES, h);
	snprintf(url, sizeof(url), "%s/v1/delta/%llu-%llu.%s.zst", mirror,
		 (unsigned long long)d->from, (unsigned long long)r->version, h);
	res = malloc(r->full.len ? r->full.len : 1);
	if (!res || upd_fetch_via(c, url, d->len, &z, &zlen, why, sizeof(why)) !=
			    FETCH_OK) {
		free(res);
		free(old);
		fprintf(stderr, "vigil-update: E_DELTA: %s\n", res ? why :
			"out of memory");
		return -1;
	}
	c->bytes_fetched += zlen;
	upd_sha256(z, zlen, got);
	if (zlen != d->len || memcmp(got, d->sha256, SHA256_BYTES) ||
	    upd_delta_apply(old, oldlen, z, zlen, res, r->full.len) < 0 ||
	    (upd_sha256(res, r->full.len, got), memcmp(got, r->full.sha256,
						   SHA256_BYTES))) {
		fprintf(stderr, "vigil-update: E_DELTA: %s does not give the "
			"signed database; taking the full one\n", url);
		free(res);
		res = NULL;
	}
	free(z);
	free(old);
	*out = res;
	return res ? 0 : -1;
}

static enum upd_error get_db(struct uctx *c, const char *mirror,
			     const struct manifest *r)
{
	char url[4096], h[2 * SHA256_BYTES + 1], why[512], *z, *data;
	uint8_t got[SHA256_BYTES];
	enum fetch_result fr;
	enum upd_error e;
	size_t zlen;

	if (r->full.len > DB_MAX_BYTES || r->file.len > DB_MAX_BYTES)
		return upd_fail(c, U_TOOBIG, "the release names a database of "
			    "%llu bytes", (unsigned long long)r->full.len);
	if (via_delta(c, mirror, r, &data) == 0) {
		c->used_delta = 1;
		e = upd_install(c, r, data, r->full.len);
		free(data);
		return e;
	}
	upd_hex(r->file.sha256, SHA256_BYTES, h);
	snprintf(url, sizeof(url), "%s/v1/db/%s.zst", mirror, h);
	fr = upd_fetch_via(c, url, r->file.len, &z, &zlen, why, sizeof(why));
	c->bytes_fetched += zlen;
	if (fr != FETCH_OK)
		return upd_fetch_error(c, fr, why);
	upd_sha256(z, zlen, got);
	if (zlen != r->file.len || memcmp(got, r->file.sha256, SHA256_BYTES)) {
		free(z);
		return upd_fail(c, U_HASH, "%s: not the signed file", url);
	}
	e = unpack(c, r, z, zlen, &data);
	free(z);
	if (!e) {
		e = upd_install(c, r, data, r->full.len);
		free(data);
	}
	return e;
}

enum upd_error upd_cycle(struct uctx *c, const char *mirror)
{
	struct manifest *m = calloc(3, sizeof(*m));
	struct manifest *ts = m, *tg = m + 1, *rel = m + 2;
	struct text tgt = { NULL, 0 }, relt = { NULL, 0 };
	enum upd_error e;

	if (!m)
		return upd_fail(c, U_INSTALL, "out of memory");
	e = get_timestamp(c, mirror, ts);
	if (!e)
		e = get_pinned(c, mirror, &ts->targets, ROLE_TARGETS,
			       c->st.targets, tg, &tgt);
	if (!e)
		e = get_pinned(c, mirror, &ts->release, ROLE_RELEASE,
			       c->st.release, rel, &relt);
	if (!e)
		e = check_target(c, tg, rel);
	if (!e)
		e = upd_log_check(c, mirror, ts, &tgt, &relt);
	free(tgt.p);
	free(relt.p);
	if (!e && (rel->version != c->st.installed || !c->st.installed_dir[0]))
		e = get_db(c, mirror, rel);
	if (!e) {
		c->st.timestamp = ts->version;
		c->st.targets = tg->version;
		c->st.release = rel->version;
		c->st.fresh = c->now;
		e = upd_state_save(c);
		upd_crash_point(6);
	}
	free(m);
	return e;
}
