/*
 * pubstate.c -- see pubstate.h. Small text files, read with fscanf's
 * fixed forms (the publisher wrote them) and written whole by rename.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sodium.h>

#include "crypto.h"
#include "fsutil.h"
#include "pubstate.h"

#define DEFAULT_TARGET "db/main"
#define DEFAULT_CHANNEL "stable"
#define CHAINS_DIR "publisher.chains"

static int is_default(const char *target, const char *channel)
{
	return !strcmp(target, DEFAULT_TARGET) &&
	       !strcmp(channel, DEFAULT_CHANNEL);
}

static int name_ok(const char *s, size_t max, int slashes)
{
	size_t n = strlen(s), i;

	if (!n || n >= max || s[0] == '/' || s[n - 1] == '/' ||
	    strstr(s, "..") || strstr(s, "//"))
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') &&
		    !(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= '0' && s[i] <= '9') && !strchr("._-", s[i]) &&
		    !(slashes && s[i] == '/'))
			return 0;
	return 1;
}

int pub_chain_valid(const char *target, const char *channel)
{
	return name_ok(target, PUB_MAX_TARGET, 1) &&
			       name_ok(channel, PUB_MAX_CHANNEL, 0) ?
		       0 : -1;
}

void pub_timestamp_path(const char *target, const char *channel, char *out,
			size_t len)
{
	if (is_default(target, channel))
		snprintf(out, len, "timestamp");
	else
		snprintf(out, len, "ts/%s/%s", target, channel);
}

/* REPO/publisher.chains/KEY.EXT of a chain. */
static void chain_file(const char *repo, const struct pubstate *st,
		       const char *ext, char *out, size_t len)
{
	char key[PUB_MAX_TARGET + PUB_MAX_CHANNEL + 2], *p;

	snprintf(key, sizeof(key), "%s@%s", st->target, st->channel);
	for (p = key; *p; p++)
		if (*p == '/')
			*p = '+';
	snprintf(out, len, "%s/%s/%s.%s", repo, CHAINS_DIR, key, ext);
}

static int hex_pin(const char *hex, struct pinned *p)
{
	return sodium_hex2bin(p->sha256, SHA256_BYTES, hex, strlen(hex), NULL,
			      NULL, NULL) == 0 ? 0 : -1;
}

/* The shared file: root, targets, and db/main stable's release. */
static int read_main(const char *repo, struct pubstate *st)
{
	char path[4096], th[2 * SHA256_BYTES + 1], rh[2 * SHA256_BYTES + 1];
	unsigned long long v[6];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "%s/publisher.state", repo);
	if (!(f = fopen(path, "re")))
		return -1;
	n = fscanf(f, "root %llu\ntimestamp %llu\ntargets %llu %llu %64s\n"
		   "release %llu %llu %64s\n", &v[0], &v[1], &v[2], &v[3], th,
		   &v[4], &v[5], rh);
	fclose(f);
	if ((n != 5 && n != 8) || hex_pin(th, &st->targets) < 0 ||
	    (n == 8 && hex_pin(rh, &st->release) < 0))
		return -1;
	st->root = v[0];
	st->timestamp = v[1];
	st->targets.version = v[2];
	st->targets.len = v[3];
	if (n == 8) {
		st->release.version = v[4];
		st->release.len = v[5];
	}
	snprintf(path, sizeof(path), "%s/publisher.leaves", repo);
	if ((f = fopen(path, "re"))) {
		if (fscanf(f, "targets %llu\nrelease %llu\n", &v[0], &v[1]) == 2) {
			st->targets_leaf = v[0];
			st->release_leaf = v[1];
		}
		fclose(f);
	}
	return 0;
}

/* Another chain's own part: its timestamp and release. */
static int read_chain(const char *repo, struct pubstate *st)
{
	char path[4400], rh[2 * SHA256_BYTES + 1];
	unsigned long long v[5];
	FILE *f;
	int n;

	st->timestamp = st->release_leaf = 0;
	memset(&st->release, 0, sizeof(st->release));
	chain_file(repo, st, "state", path, sizeof(path));
	if (!(f = fopen(path, "re")))
		return 0; /* nothing published on it yet */
	n = fscanf(f, "chain %*s %*s\ntimestamp %llu\nrelease %llu %llu %64s\n"
		   "leaf %llu\n", &v[0], &v[1], &v[2], rh, &v[3]);
	fclose(f);
	if (n != 5 || hex_pin(rh, &st->release) < 0)
		return -1;
	st->timestamp = v[0];
	st->release.version = v[1];
	st->release.len = v[2];
	st->release_leaf = v[3];
	return 0;
}

int pub_state_read(const char *repo, const char *target,
		   const char *channel, struct pubstate *st)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->target, sizeof(st->target), "%s", target);
	snprintf(st->channel, sizeof(st->channel), "%s", channel);
	if (read_main(repo, st) < 0)
		return -1;
	return is_default(target, channel) ? 0 : read_chain(repo, st);
}

static int write_main(const char *repo, const struct pubstate *st)
{
	char path[4096], text[512], th[2 * SHA256_BYTES + 1],
		rh[2 * SHA256_BYTES + 1];
	int n;

	upd_hex(st->targets.sha256, SHA256_BYTES, th);
	upd_hex(st->release.sha256, SHA256_BYTES, rh);
	n = snprintf(text, sizeof(text), "root %llu\ntimestamp %llu\n"
		     "targets %llu %llu %s\n", (unsigned long long)st->root,
		     (unsigned long long)st->timestamp,
		     (unsigned long long)st->targets.version,
		     (unsigned long long)st->targets.len, th);
	if (st->release.version)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
			      "release %llu %llu %s\n",
			      (unsigned long long)st->release.version,
			      (unsigned long long)st->release.len, rh);
	snprintf(path, sizeof(path), "%s/publisher.state", repo);
	if (upd_write_atomic(path, text, (size_t)n) < 0)
		return -1;
	n = snprintf(text, sizeof(text), "targets %llu\nrelease %llu\n",
		     (unsigned long long)st->targets_leaf,
		     (unsigned long long)st->release_leaf);
	snprintf(path, sizeof(path), "%s/publisher.leaves", repo);
	return upd_write_atomic(path, text, (size_t)n);
}

int pub_state_write(const char *repo, const struct pubstate *st)
{
	char path[4400], text[512], rh[2 * SHA256_BYTES + 1];
	int n;

	if (is_default(st->target, st->channel))
		return write_main(repo, st);
	snprintf(path, sizeof(path), "%s/%s", repo, CHAINS_DIR);
	if (upd_mkdir_p(path, 0755) < 0)
		return -1;
	upd_hex(st->release.sha256, SHA256_BYTES, rh);
	n = snprintf(text, sizeof(text), "chain %s %s\ntimestamp %llu\n"
		     "release %llu %llu %s\nleaf %llu\n", st->target,
		     st->channel, (unsigned long long)st->timestamp,
		     (unsigned long long)st->release.version,
		     (unsigned long long)st->release.len, rh,
		     (unsigned long long)st->release_leaf);
	chain_file(repo, st, "state", path, sizeof(path));
	return upd_write_atomic(path, text, (size_t)n);
}

static int is_state(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 6 && !strcmp(d->d_name + n - 6, ".state");
}

int pub_each_chain(const char *repo,
		   int (*fn)(void *ctx, const char *target,
			     const char *channel), void *ctx)
{
	char path[4400], target[PUB_MAX_TARGET], channel[PUB_MAX_CHANNEL];
	struct pubstate st;
	struct dirent **ents;
	int n, i, rc = 0;
	FILE *f;

	if (pub_state_read(repo, DEFAULT_TARGET, DEFAULT_CHANNEL, &st) == 0 &&
	    st.release.version && (rc = fn(ctx, DEFAULT_TARGET,
					   DEFAULT_CHANNEL)))
		return rc;
	snprintf(path, sizeof(path), "%s/%s", repo, CHAINS_DIR);
	if ((n = scandir(path, &ents, is_state, alphasort)) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", repo, CHAINS_DIR,
			 ents[i]->d_name);
		if (!rc && (f = fopen(path, "re"))) {
			if (fscanf(f, "chain %63s %31s", target, channel) == 2 &&
			    pub_chain_valid(target, channel) == 0)
				rc = fn(ctx, target, channel);
			fclose(f);
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

static void history_file(const char *repo, const struct pubstate *st,
			 char *out, size_t len)
{
	if (is_default(st->target, st->channel))
		snprintf(out, len, "%s/publisher.history", repo);
	else
		chain_file(repo, st, "history", out, len);
}

unsigned pub_history_read(const char *repo, const struct pubstate *st,
			  struct hist *h, unsigned max)
{
	char path[4400];
	struct hist x;
	unsigned n = 0;
	FILE *f;

	history_file(repo, st, path, sizeof(path));
	if (!(f = fopen(path, "re")))
		return 0;
	while (fscanf(f, "%llu %64s %64s\n", &x.version, x.full, x.file) == 3) {
		if (n == max) /* keep the newest max */
			memmove(h, h + 1, (max - 1) * sizeof(*h));
		h[n < max ? n++ : max - 1] = x;
	}
	fclose(f);
	return n;
}

int pub_history_append(const char *repo, const struct pubstate *st,
		       const struct manifest *m)
{
	char path[4400], full[2 * SHA256_BYTES + 1], file[2 * SHA256_BYTES + 1];
	FILE *f;
	int rc;

	history_file(repo, st, path, sizeof(path));
	if (!(f = fopen(path, "ae")))
		return -1;
	upd_hex(m->full.sha256, SHA256_BYTES, full);
	upd_hex(m->file.sha256, SHA256_BYTES, file);
	rc = fprintf(f, "%llu %s %s\n", (unsigned long long)m->version, full,
		     file) > 0 ? 0 : -1;
	return fclose(f) == 0 ? rc : -1;
}
