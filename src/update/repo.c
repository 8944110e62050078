/*
 * repo.c -- vigil-repo, the publisher's tool: makes the keys and the root
 * of trust, publishes a database as a signed release, refreshes the
 * timestamp, and writes a static tree that any HTTP server, CDN or
 * file:// path can serve:
 *   REPO/v1/root/N.root  REPO/v1/timestamp  REPO/v1/meta/<sha256>.<role>
 *   REPO/v1/db/<sha256>.zst  REPO/v1/ts/TARGET/CHANNEL (chains but db/main
 *   stable, pubstate.h)
 * What it last published is in REPO/publisher.* (pubstate.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include <zstd.h>

#include "common/clock.h"
#include "crypto.h"
#include "delta.h"
#include "fsutil.h"
#include "loadcheck.h"
#include "manifest.h"
#include "publog.h"
#include "pubstate.h"

/* Releases a new one gets deltas from (two days of hourly ones). */
#define DELTA_HISTORY 48

/* Keys per role in a single-operator repository, and thresholds. */
static const struct {
	const char *prefix;
	unsigned n, threshold;
	int64_t lifetime_s;
} roles[ROLE_COUNT] = {
	[ROLE_ROOT] = { "root", 5, 3, 365 * 86400 },
	[ROLE_TARGETS] = { "targets", 3, 2, 90 * 86400 },
	[ROLE_RELEASE] = { "release", 2, 2, 7 * 86400 },
	[ROLE_TIMESTAMP] = { "timestamp", 1, 1, 4 * 3600 },
};

/* The log key and the witnesses' keys (a single-operator repository
 * holds them all; witnesses elsewhere cosign with their own). */
struct logkeys {
	struct keypair log, witness[PUBLOG_WITNESSES];
};

struct opts {
	const char *repo, *keys, *target, *channel, *type;
	int level;
	int64_t ts_lifetime, rel_lifetime;
};

static int load_keys(const char *dir, enum role r, struct keypair *k)
{
	char name[64];
	unsigned i;

	for (i = 0; i < roles[r].n; i++) {
		snprintf(name, sizeof(name), "%s-%u", roles[r].prefix, i + 1);
		if (upd_key_load(dir, name, &k[i]) < 0) {
			fprintf(stderr, "vigil-repo: %s/%s.key: %s\n", dir, name,
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* m signed by every key given: its text's length, or 0. */
static size_t sign_all(const struct manifest *m, const struct keypair *k,
		       unsigned nk, char *out, size_t cap)
{
	size_t body = upd_manifest_body(m, out, cap), len = body, s;
	unsigned i;

	if (!body)
		return 0;
	for (i = 0; i < nk; i++) {
		s = upd_sign_body(m->role, out, body, &k[i], out + len, cap - len);
		if (!s)
			return 0;
		len += s;
	}
	return len;
}

/* Writes text under v1/meta/<sha256>.<role>, pins it in *pin, and
 * appends it to the log (its leaf in *leaf). */
static int put_meta(const char *repo, enum role r, const char *text,
		    size_t len, uint64_t version, struct pinned *pin,
		    uint64_t *leaf)
{
	char path[4096], h[2 * SHA256_BYTES + 1];

	pin->version = version;
	pin->len = len;
	upd_sha256(text, len, pin->sha256);
	upd_hex(pin->sha256, SHA256_BYTES, h);
	snprintf(path, sizeof(path), "%s/v1/meta/%s.%s", repo, h, upd_role_name(r));
	if (upd_write_atomic(path, text, len) < 0)
		return -1;
	return upd_publog_append(repo, text, len, leaf);
}

static int log_keys(const char *dir, struct logkeys *lk, int create)
{
	char name[32];
	unsigned i;

	for (i = 0; i <= PUBLOG_WITNESSES; i++) {
		struct keypair *k = i ? &lk->witness[i - 1] : &lk->log;

		if (i)
			snprintf(name, sizeof(name), "witness-%u", i);
		else
			snprintf(name, sizeof(name), "log-1");
		if (create)
			upd_key_generate(k);
		if (create ? upd_key_save(dir, name, k) < 0 :
			     upd_key_load(dir, name, k) < 0)
			return -1;
	}
	return 0;
}

static int upd_fail(const char *what)
{
	fprintf(stderr, "vigil-repo: %s: %s\n", what, strerror(errno));
	return 1;
}

static void make_root(struct manifest *m, struct keypair k[ROLE_COUNT][5],
		      const struct logkeys *lk)
{
	unsigned r, i;

	memset(m, 0, sizeof(*m));
	m->role = ROLE_ROOT;
	m->version = 1;
	m->expires = clock_now() + roles[ROLE_ROOT].lifetime_s;
	for (r = 0; r < ROLE_COUNT; r++) {
		m->roles[r].threshold = roles[r].threshold;
		for (i = 0; i < roles[r].n; i++) {
			memcpy(m->keyid[m->nkeys], k[r][i].id, KEYID_BYTES);
			memcpy(m->pubkey[m->nkeys++], k[r][i].pk, PUBKEY_BYTES);
			memcpy(m->roles[r].keyid[m->roles[r].nkeys++],
			       k[r][i].id, KEYID_BYTES);
		}
	}
	memcpy(m->log_keyid, lk->log.id, KEYID_BYTES);
	memcpy(m->log_pubkey, lk->log.pk, PUBKEY_BYTES);
	m->nwitnesses = PUBLOG_WITNESSES;
	m->witness_threshold = PUBLOG_WITNESS_THRESHOLD;
	for (i = 0; i < PUBLOG_WITNESSES; i++) {
		memcpy(m->witness_keyid[i], lk->witness[i].id, KEYID_BYTES);
		memcpy(m->witness_pubkey[i], lk->witness[i].pk, PUBKEY_BYTES);
	}
}

static int init_keys(const char *dir, struct keypair k[ROLE_COUNT][5],
		     struct logkeys *lk)
{
	char name[64];
	unsigned r, i;

	if (upd_mkdir_p(dir, 0700) < 0)
		return upd_fail(dir);
	for (r = 0; r < ROLE_COUNT; r++) {
		for (i = 0; i < roles[r].n; i++) {
			upd_key_generate(&k[r][i]);
			snprintf(name, sizeof(name), "%s-%u", roles[r].prefix,
				 i + 1);
			if (upd_key_save(dir, name, &k[r][i]) < 0)
				return upd_fail(name);
		}
	}
	return log_keys(dir, lk, 1) < 0 ? upd_fail("log keys") : 0;
}

static int make_dirs(const char *repo)
{
	static const char *const sub[] = { "v1/root", "v1/meta", "v1/db",
					    "v1/delta", "v1/log/tile/0" };
	char path[4096];
	unsigned i;

	for (i = 0; i < sizeof(sub) / sizeof(*sub); i++) {
		snprintf(path, sizeof(path), "%s/%s", repo, sub[i]);
		if (upd_mkdir_p(path, 0755) < 0)
			return upd_fail(path);
	}
	return 0;
}

static int init(const struct opts *o)
{
	static struct keypair k[ROLE_COUNT][5];
	static char text[MANIFEST_MAX_ROOT_BYTES];
	static struct logkeys lk;
	struct pubstate st = { .target = "db/main", .channel = "stable" };
	struct manifest m;
	char path[4096];
	uint64_t leaf;
	size_t len;

	snprintf(path, sizeof(path), "%s/publisher.state", o->repo);
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "vigil-repo: %s is already a repository\n",
			o->repo);
		return 1;
	}
	if (init_keys(o->keys, k, &lk) || make_dirs(o->repo))
		return 1;
	make_root(&m, k, &lk);
	snprintf(path, sizeof(path), "%s/v1/root/1.root", o->repo);
	if (!(len = sign_all(&m, k[ROLE_ROOT], roles[ROLE_ROOT].n, text,
			     sizeof(text))) || upd_write_atomic(path, text, len) < 0 ||
	    upd_publog_append(o->repo, text, len, &leaf) < 0)
		return upd_fail(path);
	memset(&m, 0, sizeof(m));
	m.role = ROLE_TARGETS;
	m.version = 1;
	m.expires = clock_now() + roles[ROLE_TARGETS].lifetime_s;
	m.npaths = 2;
	strcpy(m.paths[0], "db/*");
	strcpy(m.paths[1], "rules/*");
	if (!(len = sign_all(&m, k[ROLE_TARGETS], roles[ROLE_TARGETS].n, text,
			     sizeof(text))) ||
	    put_meta(o->repo, ROLE_TARGETS, text, len, 1, &st.targets,
		     &st.targets_leaf) < 0)
		return upd_fail("targets");
	st.root = 1;
	if (pub_state_write(o->repo, &st) < 0)
		return upd_fail("publisher.state");
	printf("%s: repository made; the root of trust for clients is "
	       "%s/v1/root/1.root\n", o->repo, o->repo);
	return 0;
}

/* Signs and writes a timestamp pinning st's targets and release. */
static int put_timestamp(const struct opts *o, struct pubstate *st)
{
	static struct keypair k[1];
	char text[MANIFEST_MAX_TIMESTAMP_BYTES], path[4400], name[128];
	struct manifest m;
	size_t len;

	if (load_keys(o->keys, ROLE_TIMESTAMP, k) < 0)
		return -1;
	memset(&m, 0, sizeof(m));
	m.role = ROLE_TIMESTAMP;
	m.version = ++st->timestamp;
	m.expires = clock_now() + o->ts_lifetime;
	m.root_version = st->root;
	m.targets = st->targets;
	m.release = st->release;
	m.targets_leaf = st->targets_leaf;
	m.release_leaf = st->release_leaf;
	if (upd_publog_head(o->repo, &m.log_size, m.log_root) < 0 ||
	    upd_publog_checkpoint(o->repo, o->keys) < 0 ||
	    !(len = sign_all(&m, k, 1, text, sizeof(text))))
		return -1;
	pub_timestamp_path(st->target, st->channel, name, sizeof(name));
	snprintf(path, sizeof(path), "%s/v1/%s", o->repo, name);
	if (strchr(name, '/')) { /* v1/ts/TARGET/CHANNEL */
		*strrchr(path, '/') = '\0';
		if (upd_mkdir_p(path, 0755) < 0)
			return -1;
		snprintf(path, sizeof(path), "%s/v1/%s", o->repo, name);
	}
	return upd_write_atomic(path, text, len);
}

struct refresh {
	const struct opts *o;
	const struct pubstate *skip;	/* the chain just written, or NULL */
};

/* A chain's timestamp signed again over the log as it is now. */
static int refresh_one(void *ctx, const char *target, const char *channel)
{
	const struct refresh *r = ctx;
	struct pubstate st;

	if (r->skip && !strcmp(r->skip->target, target) &&
	    !strcmp(r->skip->channel, channel))
		return 0;
	if (pub_state_read(r->o->repo, target, channel, &st) < 0 ||
	    put_timestamp(r->o, &st) < 0 || pub_state_write(r->o->repo, &st) < 0)
		return -1;
	return 0;
}

/* Every chain's timestamp names the log's one checkpoint: when the log
 * grows (a release on any chain, a root), each is signed again. */
static int refresh_chains(const struct opts *o, const struct pubstate *skip)
{
	struct refresh r = { o, skip };

	return pub_each_chain(o->repo, refresh_one, &r) ? -1 : 0;
}

/* The database compressed into v1/db/<sha256>.zst; full and file pinned. */
static int put_db(const struct opts *o, const char *data, size_t len,
		  struct manifest *m)
{
	char path[4096], h[2 * SHA256_BYTES + 1];
	size_t bound = ZSTD_compressBound(len), zlen;
	void *z = malloc(bound);
	int rc = -1;

	if (!z)
		return -1;
	m->full.len = len;
	upd_sha256(data, len, m->full.sha256);
	zlen = ZSTD_compress(z, bound, data, len, o->level);
	if (ZSTD_isError(zlen)) {
		errno = EINVAL;
		goto out;
	}
	m->file.len = zlen;
	upd_sha256(z, zlen, m->file.sha256);
	upd_hex(m->file.sha256, SHA256_BYTES, h);
	snprintf(path, sizeof(path), "%s/v1/db/%s.zst", o->repo, h);
	rc = upd_write_atomic(path, z, zlen);
out:
	free(z);
	return rc;
}

/* An earlier release's database, checked against its recorded hash. */
static char *old_db(const char *repo, const struct hist *h, size_t *len)
{
	char path[4096], got[2 * SHA256_BYTES + 1] = "";
	uint8_t sum[SHA256_BYTES];
	unsigned long long n;
	size_t zlen;
	char *z, *out = NULL;

	snprintf(path, sizeof(path), "%s/v1/db/%s.zst", repo, h->file);
	if (!(z = upd_read_file(path, (size_t)4 << 30, &zlen)))
		return NULL;
	n = ZSTD_getFrameContentSize(z, zlen);
	if (n != ZSTD_CONTENTSIZE_ERROR && n != ZSTD_CONTENTSIZE_UNKNOWN &&
	    (out = malloc(n ? n : 1)) && ZSTD_decompress(out, n, z, zlen) == n) {
		upd_sha256(out, n, sum);
		upd_hex(sum, SHA256_BYTES, got);
		*len = n;
	}
	free(z);
	if (out && strcmp(got, h->full)) {
		free(out);
		out = NULL;
	}
	return out;
}

/* Deltas to m from each of the last DELTA_HISTORY releases. */
static int put_deltas(const struct opts *o, const struct pubstate *st,
		      struct manifest *m, const char *data, size_t len)
{
	static struct hist h[DELTA_HISTORY];
	unsigned n = pub_history_read(o->repo, st, h, DELTA_HISTORY), i;
	char path[4096], hx[2 * SHA256_BYTES + 1], *old;
	struct delta *d;
	size_t oldlen = 0, dlen;
	void *dz;

	for (i = n; i-- > 0 && m->ndeltas < MANIFEST_MAX_DELTAS;) {
		if (!(old = old_db(o->repo, &h[i], &oldlen)))
			continue;
		if (upd_delta_make(old, oldlen, data, len, o->level, &dz, &dlen) == 0) {
			d = &m->deltas[m->ndeltas];
			d->from = h[i].version;
			d->len = dlen;
			upd_sha256(dz, dlen, d->sha256);
			upd_hex(d->sha256, SHA256_BYTES, hx);
			snprintf(path, sizeof(path), "%s/v1/delta/%llu-%llu.%s.zst",
				 o->repo, (unsigned long long)d->from,
				 (unsigned long long)m->version, hx);
			if (upd_write_atomic(path, dz, dlen) == 0)
				m->ndeltas++;
			free(dz);
		}
		free(old);
	}
	return 0;
}

/*
 * A shield rule set is checked by the program that will read it:
 * vigil-shield check-rules FILE ($VIGIL_SHIELD, else beside this program,
 * else on PATH). A checker that cannot be run refuses the publish too.
 */
static int rules_refused(const char *file)
{
	char self[4096], prog[4200], *slash;
	const char *env = getenv("VIGIL_SHIELD");
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int status;
	pid_t pid;

	snprintf(prog, sizeof(prog), "vigil-shield");
	if (env && *env) {
		snprintf(prog, sizeof(prog), "%s", env);
	} else if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')))
			snprintf(prog, sizeof(prog), "%.*s/vigil-shield",
				 (int)(slash - self), self);
		if (access(prog, X_OK) < 0)
			snprintf(prog, sizeof(prog), "vigil-shield");
	}
	fflush(NULL);
	if ((pid = fork()) == 0) {
		execlp(prog, prog, "check-rules", file, (char *)NULL);
		fprintf(stderr, "vigil-repo: cannot run %s to check %s: %s\n",
			prog, file, strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "vigil-repo: %s: not a rule set vigil-shield "
			"takes; nothing published\n", file);
		return 1;
	}
	return 0;
}

/* What is signed must serve: a database loads and passes its self-test,
 * a shield rule set passes vigil-shield's own check. */
static int refused(const struct opts *o, const char *file, const void *data,
		   size_t len)
{
	char err[512];

	/* test hook: a release the clients must refuse (test_update.py) */
	if (getenv("VIGIL_TEST_UNCHECKED_PUBLISH"))
		return 0;
	if (!strcmp(o->type, "rules"))
		return rules_refused(file);
	if (upd_load_check(data, len, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "vigil-repo: %s: %s; nothing published\n", file, err);
	return 1;
}

static int publish(const struct opts *o, const char *file)
{
	static struct keypair k[2];
	static char text[MANIFEST_MAX_RELEASE_BYTES];
	struct pubstate st;
	static struct manifest m;
	char path[4096], *data;
	size_t len, dlen;

	if (pub_chain_valid(o->target, o->channel) < 0) {
		fprintf(stderr, "vigil-repo: %s %s: a target and channel are "
			"letters, digits, '.', '_' and '-' (the target's parts "
			"joined by '/')\n", o->target, o->channel);
		return 2;
	}
	if (pub_state_read(o->repo, o->target, o->channel, &st) < 0) {
		fprintf(stderr, "vigil-repo: %s: not a repository (run "
			"vigil-repo init)\n", o->repo);
		return 1;
	}
	if (load_keys(o->keys, ROLE_RELEASE, k) < 0)
		return 1;
	memset(&m, 0, sizeof(m));
	m.role = ROLE_RELEASE;
	m.version = st.release.version + 1;
	m.expires = clock_now() + o->rel_lifetime;
	snprintf(m.target, sizeof(m.target), "%s", o->target);
	snprintf(m.channel, sizeof(m.channel), "%s", o->channel);
	snprintf(m.type, sizeof(m.type), "%s", o->type);
	if (!(data = upd_read_file(file, (size_t)4 << 30, &dlen)))
		return upd_fail(file);
	if (refused(o, file, data, dlen)) {
		free(data);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/v1/delta", o->repo);
	if (put_db(o, data, dlen, &m) < 0 || upd_mkdir_p(path, 0755) < 0 ||
	    put_deltas(o, &st, &m, data, dlen) < 0) {
		free(data);
		return upd_fail(file);
	}
	free(data);
	if (!(len = sign_all(&m, k, roles[ROLE_RELEASE].n, text, sizeof(text))) ||
	    put_meta(o->repo, ROLE_RELEASE, text, len, m.version,
		     &st.release, &st.release_leaf) < 0)
		return upd_fail("release manifest");
	if (put_timestamp(o, &st) < 0 || pub_state_write(o->repo, &st) < 0 ||
	    pub_history_append(o->repo, &st, &m) < 0 ||
	    refresh_chains(o, &st) < 0)
		return upd_fail("timestamp");
	printf("%s: release %llu published (%llu bytes, %llu compressed, "
	       "%u deltas)\n", o->repo, (unsigned long long)m.version,
	       (unsigned long long)m.full.len, (unsigned long long)m.file.len,
	       m.ndeltas);
	return 0;
}

/* Fresh timestamps for every chain published on. */
static int timestamp(const struct opts *o)
{
	struct pubstate st;

	if (pub_state_read(o->repo, "db/main", "stable", &st) < 0) {
		fprintf(stderr, "vigil-repo: %s: not a repository\n", o->repo);
		return 1;
	}
	if (refresh_chains(o, NULL) < 0)
		return upd_fail("timestamp");
	return 0;
}

static int load_all(const char *dir, struct keypair k[ROLE_COUNT][5])
{
	unsigned r;

	for (r = 0; r < ROLE_COUNT; r++)
		if (load_keys(dir, (enum role)r, k[r]) < 0)
			return -1;
	return 0;
}

/* Moves the keys of role r aside (KEYDIR/retired-<root version>/). */
static int retire_keys(const char *dir, enum role r, uint64_t version)
{
	char from[4400], to[4400], sub[4096];
	static const char *const ext[] = { "key", "pub" };
	unsigned i, e;

	snprintf(sub, sizeof(sub), "%s/retired-%llu", dir,
		 (unsigned long long)version);
	if (upd_mkdir_p(sub, 0700) < 0)
		return -1;
	for (i = 0; i < roles[r].n; i++) {
		for (e = 0; e < 2; e++) {
			snprintf(from, sizeof(from), "%s/%s-%u.%s", dir,
				 roles[r].prefix, i + 1, ext[e]);
			snprintf(to, sizeof(to), "%s/%s-%u.%s", sub,
				 roles[r].prefix, i + 1, ext[e]);
			if (rename(from, to) < 0)
				return -1;
		}
	}
	return 0;
}

/*
 * A new root that gives role r new keys: signed by the old root keys and
 * by the new ones (both thresholds, as clients check), written as
 * v1/root/<N+1>.root; the timestamp is refreshed to name it.
 */
static int rotate(const struct opts *o, const char *role)
{
	static struct keypair old[ROLE_COUNT][5], k[ROLE_COUNT][5];
	static char text[MANIFEST_MAX_ROOT_BYTES];
	static struct logkeys lk;
	struct pubstate st;
	uint64_t leaf;
	struct manifest m;
	char path[4096], name[64];
	size_t len, body;
	unsigned r, i;

	for (r = 0; r < ROLE_COUNT && strcmp(role, roles[r].prefix); r++)
		;
	if (r == ROLE_COUNT ||
	    pub_state_read(o->repo, "db/main", "stable", &st) < 0 ||
	    load_all(o->keys, old) < 0) {
		fprintf(stderr, "vigil-repo: rotate: unknown role %s, or not "
			"a repository with its keys\n", role);
		return 1;
	}
	memcpy(k, old, sizeof(k));
	if (log_keys(o->keys, &lk, 0) < 0)
		return upd_fail("log keys");
	if (retire_keys(o->keys, (enum role)r, st.root) < 0)
		return upd_fail("retiring the old keys");
	for (i = 0; i < roles[r].n; i++) {
		upd_key_generate(&k[r][i]);
		snprintf(name, sizeof(name), "%s-%u", roles[r].prefix, i + 1);
		if (upd_key_save(o->keys, name, &k[r][i]) < 0)
			return upd_fail(name);
	}
	make_root(&m, k, &lk);
	m.version = ++st.root;
	if (!(body = upd_manifest_body(&m, text, sizeof(text))))
		return 1;
	len = body;
	for (i = 0; i < roles[ROLE_ROOT].n; i++) {
		len += upd_sign_body(ROLE_ROOT, text, body, &k[ROLE_ROOT][i],
				 text + len, sizeof(text) - len);
		if (r == ROLE_ROOT) /* the old root keys vouch for the new */
			len += upd_sign_body(ROLE_ROOT, text, body,
					 &old[ROLE_ROOT][i], text + len,
					 sizeof(text) - len);
	}
	snprintf(path, sizeof(path), "%s/v1/root/%llu.root", o->repo,
		 (unsigned long long)m.version);
	if (upd_write_atomic(path, text, len) < 0 ||
	    upd_publog_append(o->repo, text, len, &leaf) < 0 ||
	    pub_state_write(o->repo, &st) < 0 || refresh_chains(o, NULL) < 0)
		return upd_fail(path);
	printf("%s: root %llu gives %s new keys\n", o->repo,
	       (unsigned long long)m.version, role);
	return 0;
}

/* The role a manifest's body names, or ROLE_COUNT. */
static enum role body_role(const char *text)
{
	const char *p = strstr(text, "\nrole: ");
	unsigned r;

	for (r = 0; p && r < ROLE_COUNT; r++)
		if (!strncmp(p + 7, upd_role_name((enum role)r),
			     strlen(upd_role_name((enum role)r))) &&
		    p[7 + strlen(upd_role_name((enum role)r))] == '\n')
			return (enum role)r;
	return ROLE_COUNT;
}

/*
 * Adds one signature to a manifest file: how keys kept apart (offline
 * root keys, a second release signer) sign what another key began.
 */
static int sign_file(const struct opts *o, const char *file,
		     const char *keyname)
{
	static char out[MANIFEST_MAX_TARGETS_BYTES + 256];
	struct keypair k;
	size_t len, body, s;
	char *text = upd_read_file(file, MANIFEST_MAX_TARGETS_BYTES, &len);
	const char *end;
	enum role r;

	if (!text)
		return upd_fail(file);
	end = strstr(text, "\n--\n");
	r = body_role(text);
	if (!end || r == ROLE_COUNT || upd_key_load(o->keys, keyname, &k) < 0) {
		fprintf(stderr, "vigil-repo: %s: not a manifest body, or no "
			"key %s\n", file, keyname);
		free(text);
		return 1;
	}
	body = (size_t)(end - text) + 4;
	memcpy(out, text, len);
	s = upd_sign_body(r, text, body, &k, out + len, sizeof(out) - len);
	free(text);
	if (!s || upd_write_atomic(file, out, len + s) < 0)
		return upd_fail(file);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vigil-repo init REPO --keys KEYDIR\n"
		"       vigil-repo publish REPO --keys KEYDIR FILE.vdb "
		"[--target db/main] [--channel stable]\n"
		"                  [--type sigdb|rules] [--level N]\n"
		"       vigil-repo timestamp REPO --keys KEYDIR\n"
		"       vigil-repo sign FILE --keys KEYDIR --key NAME "
		"(adds a signature)\n"
		"       vigil-repo rotate REPO --keys KEYDIR ROLE   (new keys "
		"for ROLE in a new root)\n"
		"\n"
		"Options: --timestamp-lifetime SECONDS (default 14400), "
		"--release-lifetime SECONDS\n"
		"(default 604800). REPO is a static tree to serve as it is; "
		"REPO/v1/root/1.root\nis the root of trust clients are given "
		"(vigil update --trust).\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "keys", required_argument, NULL, 'k' },
		{ "target", required_argument, NULL, 't' },
		{ "channel", required_argument, NULL, 'c' },
		{ "type", required_argument, NULL, 'y' },
		{ "level", required_argument, NULL, 'l' },
		{ "timestamp-lifetime", required_argument, NULL, 'T' },
		{ "release-lifetime", required_argument, NULL, 'R' },
		{ "key", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *keyname = NULL;
	struct opts o = { NULL, NULL, "db/main", "stable", "sigdb", 19,
			  4 * 3600, 7 * 86400 };
	const char *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'k': o.keys = optarg; break;
		case 't': o.target = optarg; break;
		case 'c': o.channel = optarg; break;
		case 'y': o.type = optarg; break;
		case 'l': o.level = atoi(optarg); break;
		case 'T': o.ts_lifetime = strtoll(optarg, NULL, 10); break;
		case 'R': o.rel_lifetime = strtoll(optarg, NULL, 10); break;
		case 'K': keyname = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (argc - optind == 2 && !strcmp(argv[optind], "sign") && keyname &&
	    o.keys && upd_crypto_setup() == 0)
		return sign_file(&o, argv[optind + 1], keyname);
	if (argc - optind < 2 || !o.keys || upd_crypto_setup() < 0) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	o.repo = argv[optind + 1];
	if (!strcmp(cmd, "init") && argc - optind == 2)
		return init(&o);
	if (!strcmp(cmd, "publish") && argc - optind == 3)
		return publish(&o, argv[optind + 2]);
	if (!strcmp(cmd, "timestamp") && argc - optind == 2)
		return timestamp(&o);
	if (!strcmp(cmd, "rotate") && argc - optind == 3)
		return rotate(&o, argv[optind + 2]);
	usage(stderr);
	return 2;
}
