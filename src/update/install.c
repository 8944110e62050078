/*
 * install.c -- the client's local side: the state of earlier cycles, the
 * trusted root, and the install. A version directory under DBDIR/v/ is
 * written under a temporary name and renamed whole; DBDIR/current is a
 * symbolic link replaced by rename; a crash at any point leaves current
 * naming a complete, verified database. The newest three are kept.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "crypto.h"
#include "fsutil.h"
#include "journal.h"
#include "split.h"

/* Test hook: VIGIL_TEST_CRASH_AT=k kills the process at step k of an
 * install, to show that every step leaves a usable database. */
void crash_point(int k)
{
	const char *at = getenv("VIGIL_TEST_CRASH_AT");

	if (at && atoi(at) == k)
		kill(getpid(), SIGKILL);
}

/* Databases kept: the current one and two before it. */
#define KEEP_VERSIONS 3

const char *payload_name(const struct uctx *c)
{
	return strcmp(c->type, "rules") ? "main.vdb" : "rules";
}

enum upd_error state_load(struct uctx *c)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/state/versions", c->dir);
	if (updstate_load(path, &c->st) < 0)
		return fail(c, U_INSTALL, "%s: %s", path, errno == EINVAL ?
			    "damaged" : strerror(errno));
	return U_OK;
}

enum upd_error state_save(struct uctx *c)
{
	char path[4096], text[UPDSTATE_MAX_BYTES];
	int n = updstate_format(&c->st, text, sizeof(text));

	if (n < 0)
		return fail(c, U_INSTALL, "the state does not fit %u bytes",
			    UPDSTATE_MAX_BYTES);
	snprintf(path, sizeof(path), "%s/state", c->dir);
	if (mkdir_p(path, 0755) < 0)
		return fail(c, U_INSTALL, "%s: %s", path, strerror(errno));
	if (c->root_changed) {
		snprintf(path, sizeof(path), "%s/state/root", c->dir);
		if (write_atomic(path, c->root_text, c->root_len) < 0)
			return fail(c, U_INSTALL, "%s: %s", path,
				    strerror(errno));
		c->root_changed = 0;
	}
	if (log_state_save(c) < 0)
		return fail(c, U_INSTALL, "%s/log: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/state/versions", c->dir);
	if (write_atomic(path, text, (size_t)n) < 0)
		return fail(c, U_INSTALL, "%s: %s", path, strerror(errno));
	return U_OK;
}

static int same_keys(const struct role_keys *a, const struct role_keys *b)
{
	return a->threshold == b->threshold && a->nkeys == b->nkeys &&
	       !memcmp(a->keyid, b->keyid, a->nkeys * KEYID_BYTES);
}

void root_adopt(struct uctx *c, const struct manifest *m, char *text,
		size_t len)
{
	/* new timestamp or release keys: their old floors may have been
	 * pushed up by a thief of the old keys (fast-forward); start over */
	if (!same_keys(&c->root.roles[ROLE_TIMESTAMP], &m->roles[ROLE_TIMESTAMP]))
		c->st.timestamp = 0;
	if (!same_keys(&c->root.roles[ROLE_RELEASE], &m->roles[ROLE_RELEASE]))
		c->st.release = 0;
	c->root = *m;
	free(c->root_text);
	c->root_text = text;
	c->root_len = len;
	c->root_changed = 1;
}

enum upd_error root_load(struct uctx *c)
{
	char path[4096];
	const char *why;
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "%s/state/root", c->dir);
	text = read_file(path, MANIFEST_MAX_ROOT_BYTES, &len);
	if (!text && c->trust)
		text = read_file(c->trust, MANIFEST_MAX_ROOT_BYTES, &len);
	else if (text)
		c->trust = NULL; /* the stored root supersedes the first */
	if (!text)
		return fail(c, U_INSTALL, "no root of trust (give --trust "
			    "ROOTFILE): %s", strerror(errno));
	if (manifest_parse(text, len, ROLE_ROOT, &c->root, &why) < 0) {
		free(text);
		return fail(c, U_FORMAT, "root of trust: %s", why);
	}
	if (verify_threshold(&c->root, text, &c->root, ROLE_ROOT) < 0) {
		free(text);
		return fail(c, U_SIG, "root of trust: not signed by its own "
			    "threshold of root keys");
	}
	c->root_text = text;
	c->root_len = len;
	c->root_changed = c->trust != NULL;
	return U_OK;
}

static int version_of(const char *name, unsigned long long *v)
{
	char *end;

	*v = strtoull(name, &end, 10);
	return end != name && *end == '-' ? 0 : -1;
}

/* Removes version directories older than the newest KEEP_VERSIONS. */
static void prune(struct uctx *c)
{
	char path[4096], file[4400];
	unsigned long long v, keep_from = 0, vs[64];
	unsigned n = 0, i;
	struct dirent *d;
	DIR *dh;

	snprintf(path, sizeof(path), "%s/v", c->dir);
	if (!(dh = opendir(path)))
		return;
	while ((d = readdir(dh)) && n < 64)
		if (version_of(d->d_name, &v) == 0)
			vs[n++] = v;
	for (i = 0; i < n; i++) { /* the KEEP_VERSIONS-th largest */
		unsigned j, larger = 0;

		for (j = 0; j < n; j++)
			larger += vs[j] > vs[i];
		if (larger == KEEP_VERSIONS - 1)
			keep_from = vs[i];
	}
	rewinddir(dh);
	while ((d = readdir(dh))) {
		if (version_of(d->d_name, &v) < 0 || v >= keep_from ||
		    !strcmp(d->d_name, c->st.installed_dir))
			continue;
		snprintf(file, sizeof(file), "%s/%s/%s", path, d->d_name,
			 payload_name(c));
		unlink(file);
		snprintf(file, sizeof(file), "%s/%s", path, d->d_name);
		rmdir(file);
	}
	closedir(dh);
}

/* What an install cut short left in DBDIR/tmp. */
static void clean_tmp(struct uctx *c)
{
	char path[4096], f[4400];
	struct dirent *d;
	DIR *dh;

	snprintf(path, sizeof(path), "%s/tmp", c->dir);
	if (!(dh = opendir(path)))
		return;
	while ((d = readdir(dh))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(f, sizeof(f), "%s/%s/%s", path, d->d_name,
			 payload_name(c));
		unlink(f);
		snprintf(f, sizeof(f), "%s/%s", path, d->d_name);
		rmdir(f);
	}
	closedir(dh);
}

/* Writes data as DBDIR/v/<name>/<payload>, whole or not at all. */
static enum upd_error put_version(struct uctx *c, const char *name,
				  const void *data, size_t len)
{
	char tmp[4096], file[4200], final[4096];
	struct stat st;

	snprintf(final, sizeof(final), "%s/v/%s", c->dir, name);
	if (stat(final, &st) == 0)
		return U_OK; /* a version directory is complete or absent */
	snprintf(tmp, sizeof(tmp), "%s/tmp/%s.%d", c->dir, name, (int)getpid());
	snprintf(file, sizeof(file), "%s/%s", tmp, payload_name(c));
	if (mkdir_p(tmp, 0755) < 0 || write_atomic(file, data, len) < 0 ||
	    mkdir_p(c->dir, 0755) < 0)
		return fail(c, U_INSTALL, "%s: %s", tmp, strerror(errno));
	crash_point(1);
	snprintf(file, sizeof(file), "%s/v", c->dir);
	if (mkdir_p(file, 0755) < 0 || rename(tmp, final) < 0 ||
	    sync_parent(final) < 0)
		return fail(c, U_INSTALL, "%s: %s", final, strerror(errno));
	crash_point(2);
	return U_OK;
}

/* The journal's record of an install. */
static enum upd_error note(struct uctx *c, const struct manifest *r)
{
	struct jrecord j = { 0 };
	char path[4096];

	snprintf(path, sizeof(path), "%s/state", c->dir);
	j.time = c->now;
	j.root = c->root.version;
	j.timestamp = c->ts_version;
	j.release = r->version;
	memcpy(j.db_sha256, r->full.sha256, SHA256_BYTES);
	j.release_leaf = c->rel_leaf;
	memcpy(j.leaf_hash, c->rel_leaf_hash, SHA256_BYTES);
	if (mkdir_p(path, 0755) < 0 || journal_append(c->dir, &j) < 0)
		return fail(c, U_INSTALL, "%s/journal: %s", path,
			    strerror(errno));
	return U_OK;
}

enum upd_error install(struct uctx *c, const struct manifest *r,
		       const void *data, size_t len)
{
	char name[96], h[2 * SHA256_BYTES + 1], link[4096], cur[4096];
	char target[128];
	enum upd_error e;

	hex(r->full.sha256, SHA256_BYTES, h);
	snprintf(name, sizeof(name), "%llu-%.16s",
		 (unsigned long long)r->version, h);
	clean_tmp(c);
	if ((e = put_version(c, name, data, len)))
		return e;
	snprintf(target, sizeof(target), "v/%s", name);
	snprintf(link, sizeof(link), "%s/current.new", c->dir);
	snprintf(cur, sizeof(cur), "%s/current", c->dir);
	unlink(link);
	if (symlink(target, link) < 0)
		return fail(c, U_INSTALL, "%s: %s", link, strerror(errno));
	crash_point(3);
	if (rename(link, cur) < 0 || sync_parent(cur) < 0)
		return fail(c, U_INSTALL, "%s: %s", cur, strerror(errno));
	crash_point(4);
	c->st.installed = r->version;
	snprintf(c->st.installed_dir, sizeof(c->st.installed_dir), "%s", name);
	snprintf(c->st.installed_sha, sizeof(c->st.installed_sha), "%s", h);
	c->st.installed_at = c->now;
	prune(c);
	e = note(c, r);
	crash_point(5);
	return e;
}

/* ------------------------------------------------------------ audit */

struct seen {
	unsigned long long release[256], leaf[256];
	char sha[256][2 * SHA256_BYTES + 1];
	uint8_t leaf_hash[256][SHA256_BYTES];
	unsigned n;
};

static void collect(void *ctx, const struct jrecord *r)
{
	struct seen *s = ctx;

	if (s->n == 256) {
		memmove(s->release, s->release + 1, 255 * sizeof(*s->release));
		memmove(s->leaf, s->leaf + 1, 255 * sizeof(*s->leaf));
		memmove(s->sha, s->sha + 1, 255 * sizeof(*s->sha));
		memmove(s->leaf_hash, s->leaf_hash + 1, 255 * sizeof(*s->leaf_hash));
		s->n--;
	}
	s->release[s->n] = r->release;
	s->leaf[s->n] = r->release_leaf;
	memcpy(s->leaf_hash[s->n], r->leaf_hash, SHA256_BYTES);
	hex(r->db_sha256, SHA256_BYTES, s->sha[s->n++]);
}

/* Whether the database in v/<name> is one the journal recorded. */
static int recorded(struct uctx *c, const struct seen *s, const char *name)
{
	char path[4400], h[2 * SHA256_BYTES + 1];
	uint8_t sum[SHA256_BYTES];
	unsigned long long v;
	size_t len;
	char *data;
	unsigned i;

	if (version_of(name, &v) < 0)
		return 1; /* not a version directory */
	snprintf(path, sizeof(path), "%s/v/%s/%s", c->dir, name,
		 payload_name(c));
	if (!(data = read_file(path, (size_t)4 << 30, &len)))
		return 0;
	sha256(data, len, sum);
	free(data);
	hex(sum, SHA256_BYTES, h);
	for (i = 0; i < s->n; i++)
		if (s->release[i] == v && !strcmp(s->sha[i], h))
			return 1;
	return 0;
}

/* Every release the journal recorded is in the public log, as seen now
 * through the first mirror that answers. */
static unsigned against_log(struct uctx *c, const struct seen *s)
{
	uint8_t (*h)[SHA256_BYTES] = NULL;
	enum upd_error e = U_NOMIRROR;
	unsigned i, m, bad = 0;
	uint64_t n = 0;

	if (root_load(c) || log_state_load(c) < 0 || split_start(c) < 0) {
		printf("E_AUDIT: %s\n", c->err);
		return 1;
	}
	for (m = 0; m < c->nmirrors && e; m++)
		if ((e = log_fetch_all(c, c->mirrors[m], &h, &n)))
			printf("%s: %s: %s\n", c->mirrors[m],
			       upd_error_name(e), c->err);
	if (e)
		return 1;
	for (i = 0; i < s->n; i++) {
		if (s->leaf[i] < n &&
		    !memcmp(h[s->leaf[i]], s->leaf_hash[i], SHA256_BYTES))
			continue;
		printf("E_AUDIT: release %llu (journal) is not leaf %llu of "
		       "the public log\n", s->release[i], s->leaf[i]);
		bad++;
	}
	free(h);
	printf("public log: %llu leaves, checkpoint witnessed; %u of %u "
	       "recorded releases in it\n", (unsigned long long)n,
	       s->n - bad, s->n);
	return bad;
}

int audit(struct uctx *c)
{
	static struct seen s;
	char path[4096];
	const char *why = "";
	struct dirent *d;
	long n = journal_walk(c->dir, collect, &s, &why);
	unsigned kept = 0, bad = 0;
	DIR *dh;

	if (n < 0) {
		printf("E_AUDIT: journal: %s\n", why);
		return 1;
	}
	state_load(c);
	snprintf(path, sizeof(path), "%s/v", c->dir);
	if ((dh = opendir(path))) {
		while ((d = readdir(dh))) {
			if (d->d_name[0] == '.')
				continue;
			kept++;
			if (!recorded(c, &s, d->d_name)) {
				printf("E_AUDIT: %s/%s: not the database the "
				       "journal recorded\n", path, d->d_name);
				bad++;
			}
		}
		closedir(dh);
	}
	if (!bad && n && (s.release[s.n - 1] != c->st.installed ||
			  strcmp(s.sha[s.n - 1], c->st.installed_sha))) {
		printf("E_AUDIT: the installed release is not the last one "
		       "the journal recorded\n");
		bad++;
	}
	printf("journal: %ld records, chain intact; %u kept databases, %u "
	       "not as recorded\n", n, kept, bad);
	if (!bad && c->nmirrors)
		bad += against_log(c, &s);
	return bad ? 1 : 0;
}
