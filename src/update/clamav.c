/*
 * clamav.c -- see clamav.h. As freshclam with a PrivateMirror: the first
 * 512 bytes of each NAME.cvd (a range request) say the mirror's version;
 * only a database newer than the one installed is fetched whole, with its
 * detached signature NAME-VERSION.cvd.sign when the mirror has one. The
 * new set (fetched files, and the unchanged ones linked from the current
 * set) is written aside and loaded with libvigil as vigild will load it:
 * ClamAV's own signature checked (the .sign with the certificates of the
 * certificate directory, or the header's RSA signature with ClamAV's
 * key), the header the signed .info repeats, the load and self-test.
 * Versions never go down (DBDIR/state/clamav); the set is installed as a
 * version directory, DBDIR/current switched to it by rename. The
 * freshness vigild reports is the newest build time among the databases
 * installed: a signed time, so a mirror that stops moving shows as stale.
 * Requests name the file and nothing else (fetch.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clamav.h"
#include "cvdfeed.h"
#include "fsutil.h"
#include "install.h"
#include "loadcheck.h"
#include "split.h"
#include "state.h"
#include "vigil/vigil.h"

/* The largest .cvd.sign fetched, in bytes. */
#define SIGN_MAX_BYTES ((size_t)1 << 20)

struct cvdjob {
	char name[CVDFEED_MAX_NAME];
	struct cvdfeed_head remote;	/* what the mirror's header says */
	uint32_t floor;			/* installed before (0: none) */
	int fetch;			/* newer, or not installed: fetched */
	char *data, *sign;		/* the .cvd, its .sign (or NULL) */
	size_t len, slen;
};

struct cvdrun {
	struct cvdjob db[CVDFEED_MAX_DBS];
	unsigned n;
	struct cvdfeed_state st;
	char cur[4096], tmp[4096];
};

/* The names asked for, the state of earlier cycles, the current set. */
static enum upd_error setup(struct uctx *c, struct cvdrun *run)
{
	char list[256], *save = NULL, *name, path[4096];
	size_t len;
	char *text;
	int i;

	snprintf(list, sizeof(list), "%s", c->cvd_names);
	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		if (!cvdfeed_name_ok(name) || run->n == CVDFEED_MAX_DBS)
			return upd_fail(c, U_FORMAT, "--databases: '%s' is "
					"not a database name", name);
		snprintf(run->db[run->n++].name, CVDFEED_MAX_NAME, "%s", name);
	}
	snprintf(path, sizeof(path), "%s/state/clamav", c->dir);
	text = upd_read_file(path, CVDFEED_STATE_MAX_BYTES, &len);
	if (!text && errno != ENOENT)
		return upd_fail(c, U_INSTALL, "%s: %s", path, strerror(errno));
	if (text && cvdfeed_state_parse(text, len, &run->st) < 0) {
		free(text);
		return upd_fail(c, U_INSTALL, "%s: damaged", path);
	}
	free(text);
	for (i = 0; i < (int)run->n; i++) {
		int k = cvdfeed_state_find(&run->st, run->db[i].name, 0);

		run->db[i].floor = k < 0 ? 0 : run->st.db[k].version;
	}
	snprintf(run->cur, sizeof(run->cur), "%s/current", c->dir);
	return U_OK;
}

/* The mirror's version of one database, from its header. */
static enum upd_error probe(struct uctx *c, const char *mirror,
			    struct cvdrun *run, struct cvdjob *j)
{
	char url[4096], why[512], path[4400];
	enum fetch_result r;
	struct stat st;
	char *buf;
	size_t len;

	snprintf(url, sizeof(url), "%s/%s.cvd", mirror, j->name);
	r = upd_fetch_prefix_via(c, url, CVDFEED_HEADER_BYTES, &buf, &len, why,
				 sizeof(why));
	if (r != FETCH_OK)
		return upd_fetch_error(c, r, why);
	c->bytes_fetched += len;
	if (cvdfeed_header(buf, len, &j->remote) < 0) {
		free(buf);
		return upd_fail(c, U_FORMAT, "%s: not a .cvd header", url);
	}
	free(buf);
	if (j->remote.version < j->floor)
		return upd_fail(c, U_ROLLBACK, "%s: version %u, older than the "
				"%u installed", url, j->remote.version,
				j->floor);
	snprintf(path, sizeof(path), "%s/%s.cvd", run->cur, j->name);
	j->fetch = j->remote.version > j->floor || stat(path, &st) < 0;
	return U_OK;
}

/* One database fetched whole, with its .sign if the mirror has one. */
static enum upd_error fetch_one(struct uctx *c, const char *mirror,
				struct cvdjob *j)
{
	char url[4096], why[512];
	enum fetch_result r;

	snprintf(url, sizeof(url), "%s/%s.cvd", mirror, j->name);
	printf("vigil-update: %s.cvd: version %u on the mirror, %u "
	       "installed: fetching\n", j->name, j->remote.version, j->floor);
	fflush(stdout);
	r = upd_fetch_via(c, url, CLAMAV_MAX_CVD_BYTES, &j->data, &j->len, why,
			  sizeof(why));
	if (r != FETCH_OK)
		return upd_fetch_error(c, r, why);
	c->bytes_fetched += j->len;
	if (cvdfeed_header(j->data, j->len, &j->remote) < 0)
		return upd_fail(c, U_FORMAT, "%s: not a .cvd", url);
	if (j->remote.version < j->floor)
		return upd_fail(c, U_ROLLBACK, "%s: version %u, older than the "
				"%u installed", url, j->remote.version,
				j->floor);
	snprintf(url, sizeof(url), "%s/%s-%u.cvd.sign", mirror, j->name,
		 j->remote.version);
	if (upd_fetch_via(c, url, SIGN_MAX_BYTES, &j->sign, &j->slen, why,
			  sizeof(why)) == FETCH_OK)
		c->bytes_fetched += j->slen;
	else
		j->sign = NULL; /* the header's signature decides */
	return U_OK;
}

/* name, from the current set into the new one (a hard link). */
static int link_in(struct cvdrun *run, const char *name)
{
	char from[4400], to[4400];

	snprintf(from, sizeof(from), "%s/%s", run->cur, name);
	snprintf(to, sizeof(to), "%s/%s", run->tmp, name);
	if (link(from, to) == 0 || errno == ENOENT)
		return 0;
	return -1;
}

static int write_in(struct cvdrun *run, const char *name, const void *data,
		    size_t len)
{
	char to[4400];

	snprintf(to, sizeof(to), "%s/%s", run->tmp, name);
	return upd_write_atomic(to, data, len);
}

/* The new set, written aside: what was fetched, and the rest linked. */
static enum upd_error stage(struct uctx *c, struct cvdrun *run)
{
	char file[96], sign[96];
	unsigned i;
	int rc;

	upd_clean_tmp(c);
	snprintf(run->tmp, sizeof(run->tmp), "%s/tmp/clamav.%d", c->dir,
		 (int)getpid());
	if (upd_mkdir_p(run->tmp, 0755) < 0)
		return upd_fail(c, U_INSTALL, "%s: %s", run->tmp,
				strerror(errno));
	for (i = 0; i < run->n; i++) {
		struct cvdjob *j = &run->db[i];

		snprintf(file, sizeof(file), "%s.cvd", j->name);
		snprintf(sign, sizeof(sign), "%s-%u.cvd.sign", j->name,
			 j->fetch ? j->remote.version : j->floor);
		if (!j->fetch)
			rc = link_in(run, file) < 0 || link_in(run, sign) < 0;
		else
			rc = write_in(run, file, j->data, j->len) < 0 ||
			     (j->sign && write_in(run, sign, j->sign,
						  j->slen) < 0);
		if (rc)
			return upd_fail(c, U_INSTALL, "%s/%s: %s", run->tmp,
					file, strerror(errno));
	}
	return U_OK;
}

/* Loaded as vigild will load it: signatures, .info, load, self-test. */
static enum upd_error check(struct uctx *c, struct cvdrun *run)
{
	char err[1024];
	int rc = upd_load_check_dir(run->tmp, c->certs_dir ? c->certs_dir :
				    VIGIL_CLAMAV_CERTS_DIR, c->cvd_key, err,
				    sizeof(err));

	if (rc == -2)
		return upd_fail(c, U_SIG, "ClamAV's signature: %s", err);
	if (rc < 0)
		return upd_fail(c, U_LOAD, "%s", err);
	return U_OK;
}

/* The floors and the freshness: the newest signed build time. */
static void record(struct uctx *c, struct cvdrun *run)
{
	unsigned i;
	int k;

	for (i = 0; i < run->n; i++) {
		struct cvdjob *j = &run->db[i];

		if (!j->fetch ||
		    (k = cvdfeed_state_find(&run->st, j->name, 1)) < 0)
			continue;
		run->st.db[k].version = j->remote.version;
		run->st.db[k].built = j->remote.built;
	}
	for (i = 0; i < run->st.n; i++)
		if ((int64_t)run->st.db[i].built > c->st.fresh)
			c->st.fresh = (int64_t)run->st.db[i].built;
}

static enum upd_error save(struct uctx *c, struct cvdrun *run)
{
	char path[4096], text[CVDFEED_STATE_MAX_BYTES];
	int n;

	record(c, run);
	n = cvdfeed_state_format(&run->st, text, sizeof(text));
	snprintf(path, sizeof(path), "%s/state", c->dir);
	if (n < 0 || upd_mkdir_p(path, 0755) < 0)
		return upd_fail(c, U_INSTALL, "%s: cannot write", path);
	snprintf(path, sizeof(path), "%s/state/clamav", c->dir);
	if (upd_write_atomic(path, text, (size_t)n) < 0)
		return upd_fail(c, U_INSTALL, "%s: %s", path, strerror(errno));
	return upd_state_save(c);
}

static enum upd_error install(struct uctx *c, struct cvdrun *run)
{
	char name[64];
	enum upd_error e;
	unsigned i;

	snprintf(name, sizeof(name), "%llu-clamav",
		 (unsigned long long)c->st.installed + 1);
	if ((e = upd_install_dir(c, run->tmp, name)))
		return e;
	c->st.installed++;
	for (i = 0; i < run->n; i++)
		if (run->db[i].fetch)
			printf("vigil-update: %s.cvd: version %u installed "
			       "(%zu bytes%s)\n", run->db[i].name,
			       run->db[i].remote.version, run->db[i].len,
			       run->db[i].sign ? ", with its .cvd.sign" : "");
	return save(c, run);
}

static enum upd_error cycle(struct uctx *c, const char *mirror,
			    struct cvdrun *run)
{
	enum upd_error e;
	unsigned i, changed = 0;

	if ((e = setup(c, run)))
		return e;
	for (i = 0; i < run->n; i++) {
		if ((e = probe(c, mirror, run, &run->db[i])))
			return e;
		changed += (unsigned)run->db[i].fetch;
	}
	if (!changed)
		return save(c, run); /* up to date */
	for (i = 0; i < run->n; i++)
		if (run->db[i].fetch && (e = fetch_one(c, mirror, &run->db[i])))
			return e;
	if ((e = stage(c, run)) || (e = check(c, run)))
		return e;
	return install(c, run);
}

enum upd_error upd_clamav_cycle(struct uctx *c, const char *mirror)
{
	struct cvdrun *run = calloc(1, sizeof(*run));
	enum upd_error e;
	unsigned i;

	if (!run)
		return upd_fail(c, U_INSTALL, "out of memory");
	e = cycle(c, mirror, run);
	if (e && *run->tmp)
		upd_remove_tree(run->tmp);
	for (i = 0; i < run->n; i++) {
		free(run->db[i].data);
		free(run->db[i].sign);
	}
	free(run);
	return e;
}
