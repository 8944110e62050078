/*
 * logcheck.c -- the client's check of the public log before anything is
 * installed: the checkpoint the timestamp names carries the log key's
 * signature and enough witnesses' cosignatures; the tiles give exactly
 * its root; the manifests just verified are the leaves the timestamp
 * says; and the tree this client saw before is a prefix of this one. Two
 * signed checkpoints that disagree raise a persistent alarm: someone is
 * being shown a different log.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "logcheck.h"
#include "split.h"

/* Leaves the client keeps at most (32 bytes each: 32 MiB). */
#define LOG_MAX_LEAVES (1u << 20)

static void state_path(const struct uctx *c, const char *name, char *out,
		       size_t len)
{
	snprintf(out, len, "%s/state/%s", c->dir, name);
}

int upd_log_state_load(struct uctx *c)
{
	char path[4096];
	size_t len = 0;
	char *buf;

	free(c->log);
	c->log = NULL;
	c->log_n = 0;
	state_path(c, "log", path, sizeof(path));
	buf = upd_read_file(path, (size_t)LOG_MAX_LEAVES * SHA256_BYTES, &len);
	if (!buf)
		return errno == ENOENT ? 0 : -1;
	if (len % SHA256_BYTES) {
		free(buf);
		return -1;
	}
	c->log = (uint8_t (*)[SHA256_BYTES])buf;
	c->log_n = len / SHA256_BYTES;
	upd_log_root((const uint8_t (*)[SHA256_BYTES])c->log, c->log_n,
		 c->log_root);
	return 0;
}

int upd_log_state_save(struct uctx *c)
{
	char path[4096];

	if (!c->log_dirty)
		return 0;
	state_path(c, "log", path, sizeof(path));
	if (upd_write_atomic(path, c->log, (size_t)c->log_n * SHA256_BYTES) < 0)
		return -1;
	c->log_dirty = 0;
	return 0;
}

void upd_alarm_raise(struct uctx *c, const char *why)
{
	char path[4096];

	state_path(c, "ALARM", path, sizeof(path));
	upd_write_atomic(path, why, strlen(why));
}

int upd_alarm_raised(const struct uctx *c)
{
	char path[4096];

	state_path(c, "ALARM", path, sizeof(path));
	return access(path, F_OK) == 0;
}

static enum upd_error get_checkpoint(struct uctx *c, const char *mirror,
				     const struct manifest *ts,
				     struct checkpoint *cp)
{
	char url[4096], why[512], *text;
	const char *perr;
	unsigned w;
	size_t len;
	enum fetch_result fr;
	enum upd_error e = U_OK;

	snprintf(url, sizeof(url), "%s/v1/log/checkpoint", mirror);
	fr = upd_fetch_via(c, url, CHECKPOINT_MAX_BYTES, &text, &len, why,
		   sizeof(why));
	if (fr != FETCH_OK)
		return upd_fail(c, fr == FETCH_TOOBIG ? U_TOOBIG : U_FETCH, "%s",
			    why);
	if (upd_checkpoint_parse(text, len, cp, &perr) < 0)
		e = upd_fail(c, U_FORMAT, "%s: %s", url, perr);
	else if (upd_checkpoint_verify(cp, text, &c->root, &w) < 0)
		e = upd_fail(c, U_SIG, "%s: not signed by the log key", url);
	else if (w < c->root.witness_threshold)
		e = upd_fail(c, U_WITNESS, "%s: %u witness cosignatures, %u "
			 "needed", url, w, c->root.witness_threshold);
	else if (ts && (cp->size != ts->log_size ||
			memcmp(cp->root, ts->log_root, SHA256_BYTES)))
		e = upd_fail(c, U_MISMATCH, "%s is not the checkpoint the "
			 "timestamp names", url);
	free(text);
	return e;
}

/* Leaf hashes [from, size) from tiles into h. */
static enum upd_error get_tiles(struct uctx *c, const char *mirror,
				uint64_t from, uint64_t size,
				uint8_t (*h)[SHA256_BYTES])
{
	char url[4096], why[512], *buf;
	uint64_t t, w, first;
	size_t len;
	enum fetch_result fr;

	for (t = from / LOG_TILE_HASHES; t * LOG_TILE_HASHES < size; t++) {
		first = t * LOG_TILE_HASHES;
		w = size - first < LOG_TILE_HASHES ? size - first :
						     LOG_TILE_HASHES;
		if (w == LOG_TILE_HASHES)
			snprintf(url, sizeof(url), "%s/v1/log/tile/0/%llu",
				 mirror, (unsigned long long)t);
		else
			snprintf(url, sizeof(url), "%s/v1/log/tile/0/%llu.p/%llu",
				 mirror, (unsigned long long)t,
				 (unsigned long long)w);
		fr = upd_fetch_via(c, url, (size_t)w * SHA256_BYTES, &buf, &len,
			   why, sizeof(why));
		if (fr != FETCH_OK)
			return upd_fail(c, fr == FETCH_TOOBIG ? U_TOOBIG : U_FETCH,
				    "%s", why);
		if (len != w * SHA256_BYTES) {
			free(buf);
			return upd_fail(c, U_INCLUSION, "%s: a short tile", url);
		}
		memcpy(h[first], buf, len);
		free(buf);
	}
	return U_OK;
}

/*
 * The tree of cp, from the kept leaves where they can serve and tiles
 * for the rest; if that does not give cp's root, from tiles alone.
 */
static enum upd_error tree(struct uctx *c, const char *mirror,
			   const struct checkpoint *cp,
			   uint8_t (**out)[SHA256_BYTES])
{
	uint8_t (*h)[SHA256_BYTES], root[SHA256_BYTES];
	uint64_t kept = c->log_n < cp->size ? c->log_n : cp->size;
	enum upd_error e;
	int pass;

	if (cp->size > LOG_MAX_LEAVES || !(h = malloc((size_t)(cp->size + 1) *
						     SHA256_BYTES)))
		return upd_fail(c, U_TOOBIG, "a log of %llu leaves",
			    (unsigned long long)cp->size);
	for (pass = 0; pass < 2; pass++) {
		kept = pass ? 0 : kept - kept % LOG_TILE_HASHES;
		if (kept)
			memcpy(h, c->log, (size_t)kept * SHA256_BYTES);
		if ((e = get_tiles(c, mirror, kept, cp->size, h)))
			break;
		upd_log_root((const uint8_t (*)[SHA256_BYTES])h, cp->size, root);
		if (!memcmp(root, cp->root, SHA256_BYTES)) {
			*out = h;
			return U_OK;
		}
		e = upd_fail(c, U_INCLUSION, "the log's tiles do not give the "
			 "root of its checkpoint");
	}
	free(h);
	return e;
}

static enum upd_error in_log(struct uctx *c, uint8_t (*h)[SHA256_BYTES],
			     uint64_t leaf, const struct text *t,
			     const char *what)
{
	uint8_t want[SHA256_BYTES];

	upd_log_leaf(t->p, t->len, want);
	if (memcmp(h[leaf], want, SHA256_BYTES))
		return upd_fail(c, U_NOTLOGGED, "the %s manifest is not leaf %llu "
			    "of the public log", what,
			    (unsigned long long)leaf);
	c->rel_leaf = leaf;
	memcpy(c->rel_leaf_hash, want, SHA256_BYTES);
	return U_OK;
}

enum upd_error upd_log_check(struct uctx *c, const char *mirror,
			 const struct manifest *ts, const struct text *tg,
			 const struct text *rel)
{
	uint8_t (*h)[SHA256_BYTES] = NULL, prefix[SHA256_BYTES];
	struct checkpoint cp;
	enum upd_error e;

	if ((e = get_checkpoint(c, mirror, ts, &cp)))
		return e;
	if (cp.size < c->log_n) {
		upd_alarm_raise(c, "a signed checkpoint smaller than one seen\n");
		return upd_fail(c, U_SPLITVIEW, "the log shrank from %llu to %llu "
			    "leaves", (unsigned long long)c->log_n,
			    (unsigned long long)cp.size);
	}
	if ((e = tree(c, mirror, &cp, &h)))
		return e;
	upd_log_root((const uint8_t (*)[SHA256_BYTES])h, c->log_n, prefix);
	if (c->log_n && memcmp(prefix, c->log_root, SHA256_BYTES)) {
		free(h);
		upd_alarm_raise(c, "two signed checkpoints of different trees\n");
		return upd_fail(c, U_SPLITVIEW, "the log's first %llu leaves are "
			    "not those seen before", (unsigned long long)c->log_n);
	}
	/* the release last: c->rel_leaf is then the release's */
	if ((e = in_log(c, h, ts->targets_leaf, tg, "targets")) ||
	    (e = in_log(c, h, ts->release_leaf, rel, "release"))) {
		free(h);
		return e;
	}
	free(c->log);
	c->log = h;
	c->log_n = cp.size;
	memcpy(c->log_root, cp.root, SHA256_BYTES);
	c->log_dirty = 1;
	return U_OK;
}

enum upd_error upd_log_fetch_all(struct uctx *c, const char *mirror,
			     uint8_t (**leaves)[SHA256_BYTES], uint64_t *n)
{
	uint8_t (*h)[SHA256_BYTES] = NULL, prefix[SHA256_BYTES];
	uint64_t seen = c->log_n;
	struct checkpoint cp;
	enum upd_error e;

	if ((e = get_checkpoint(c, mirror, NULL, &cp)))
		return e;
	c->log_n = 0; /* every tile fresh from the mirror */
	e = tree(c, mirror, &cp, &h);
	c->log_n = seen;
	if (e)
		return e;
	if (cp.size < seen) {
		free(h);
		return upd_fail(c, U_SPLITVIEW, "the log has %llu leaves, %llu "
			    "were seen", (unsigned long long)cp.size,
			    (unsigned long long)seen);
	}
	upd_log_root((const uint8_t (*)[SHA256_BYTES])h, seen, prefix);
	if (seen && memcmp(prefix, c->log_root, SHA256_BYTES)) {
		free(h);
		return upd_fail(c, U_SPLITVIEW, "the log's first %llu leaves are "
			    "not those seen before", (unsigned long long)seen);
	}
	*leaves = h;
	*n = cp.size;
	return U_OK;
}
