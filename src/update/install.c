/*
 * install.c -- the install: a version directory under DBDIR/v/ is written
 * under a temporary name and renamed whole; DBDIR/current is a symbolic
 * link replaced by rename; a crash at any point leaves current naming a
 * complete, verified database. A database that does not load and pass
 * its self-test is refused first (E_LOAD), the old one left serving. The newest three are kept.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "fsutil.h"
#include "install.h"
#include "journal.h"
#include "loadcheck.h"
#include "state.h"

/* Databases kept: the current one and two before it. */
#define KEEP_VERSIONS 3

int upd_version_of(const char *name, unsigned long long *v)
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
		if (upd_version_of(d->d_name, &v) == 0)
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
		if (upd_version_of(d->d_name, &v) < 0 || v >= keep_from ||
		    !strcmp(d->d_name, c->st.installed_dir))
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, d->d_name);
		upd_remove_tree(file);
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
		snprintf(f, sizeof(f), "%s/%s", path, d->d_name);
		upd_remove_tree(f);
	}
	closedir(dh);
}

/* Writes data as DBDIR/v/<name>/<payload>, whole or not at all. */
static enum upd_error put_version(struct uctx *c, const char *name,
				  const void *data, size_t len)
{
	char tmp[4096], file[4200], final[4096], msg[512];
	struct stat st;

	snprintf(final, sizeof(final), "%s/v/%s", c->dir, name);
	if (stat(final, &st) == 0)
		return U_OK; /* a version directory is complete or absent */
	snprintf(tmp, sizeof(tmp), "%s/tmp/%s.%d", c->dir, name, (int)getpid());
	snprintf(file, sizeof(file), "%s/%s", tmp, upd_payload_name(c));
	if (upd_mkdir_p(tmp, 0755) < 0 || upd_write_atomic(file, data, len) < 0 ||
	    upd_mkdir_p(c->dir, 0755) < 0)
		return upd_fail(c, U_INSTALL, "%s: %s", tmp, strerror(errno));
	/* signed is not enough: what cannot serve does not replace what does */
	if (strcmp(c->type, "rules") &&
	    upd_load_check_file(file, data, len, msg, sizeof(msg)) < 0) {
		unlink(file);
		rmdir(tmp);
		return upd_fail(c, U_LOAD, "release %s: %s", name, msg);
	}
	upd_crash_point(1);
	snprintf(file, sizeof(file), "%s/v", c->dir);
	if (upd_mkdir_p(file, 0755) < 0 || rename(tmp, final) < 0 ||
	    upd_sync_parent(final) < 0)
		return upd_fail(c, U_INSTALL, "%s: %s", final, strerror(errno));
	upd_crash_point(2);
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
	if (upd_mkdir_p(path, 0755) < 0 || upd_journal_append(c->dir, &j) < 0)
		return upd_fail(c, U_INSTALL, "%s/journal: %s", path,
			    strerror(errno));
	return U_OK;
}

/* DBDIR/current made to name DBDIR/v/name, by rename. */
static enum upd_error switch_current(struct uctx *c, const char *name)
{
	char link[4096], cur[4096], target[128];

	snprintf(target, sizeof(target), "v/%s", name);
	snprintf(link, sizeof(link), "%s/current.new", c->dir);
	snprintf(cur, sizeof(cur), "%s/current", c->dir);
	unlink(link);
	if (symlink(target, link) < 0)
		return upd_fail(c, U_INSTALL, "%s: %s", link, strerror(errno));
	upd_crash_point(3);
	if (rename(link, cur) < 0 || upd_sync_parent(cur) < 0)
		return upd_fail(c, U_INSTALL, "%s: %s", cur, strerror(errno));
	upd_crash_point(4);
	snprintf(c->st.installed_dir, sizeof(c->st.installed_dir), "%s", name);
	c->st.installed_at = c->now;
	return U_OK;
}

enum upd_error upd_install_dir(struct uctx *c, const char *tmp,
			       const char *name)
{
	char final[4096], vdir[4096];
	enum upd_error e;

	snprintf(final, sizeof(final), "%s/v/%s", c->dir, name);
	snprintf(vdir, sizeof(vdir), "%s/v", c->dir);
	if (upd_mkdir_p(vdir, 0755) < 0 || rename(tmp, final) < 0 ||
	    upd_sync_parent(final) < 0)
		return upd_fail(c, U_INSTALL, "%s: %s", final, strerror(errno));
	if ((e = switch_current(c, name)))
		return e;
	prune(c);
	return U_OK;
}

void upd_clean_tmp(struct uctx *c)
{
	clean_tmp(c);
}

enum upd_error upd_install(struct uctx *c, const struct manifest *r,
		       const void *data, size_t len)
{
	char name[96], h[2 * SHA256_BYTES + 1];
	enum upd_error e;

	upd_hex(r->full.sha256, SHA256_BYTES, h);
	snprintf(name, sizeof(name), "%llu-%.16s",
		 (unsigned long long)r->version, h);
	clean_tmp(c);
	if ((e = put_version(c, name, data, len)))
		return e;
	if ((e = switch_current(c, name)))
		return e;
	c->st.installed = r->version;
	snprintf(c->st.installed_sha, sizeof(c->st.installed_sha), "%s", h);
	c->st.log_leaf = c->rel_leaf;
	c->st.log_size = c->log_n;
	prune(c);
	e = note(c, r);
	upd_crash_point(5);
	return e;
}

/* ------------------------------------------------------------ audit */
