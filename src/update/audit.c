/*
 * audit.c -- --audit: the journal's chain re-checked, every kept
 * database against its record, and, with mirrors, every recorded release
 * against the public log as it is now.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "crypto.h"
#include "fsutil.h"
#include "install.h"
#include "journal.h"
#include "logcheck.h"
#include "root.h"
#include "split.h"
#include "state.h"

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
	upd_hex(r->db_sha256, SHA256_BYTES, s->sha[s->n++]);
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

	if (upd_version_of(name, &v) < 0)
		return 1; /* not a version directory */
	snprintf(path, sizeof(path), "%s/v/%s/%s", c->dir, name,
		 upd_payload_name(c));
	if (!(data = upd_read_file(path, (size_t)4 << 30, &len)))
		return 0;
	upd_sha256(data, len, sum);
	free(data);
	upd_hex(sum, SHA256_BYTES, h);
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

	if (upd_root_load(c) || upd_log_state_load(c) < 0 || upd_split_start(c) < 0) {
		printf("E_AUDIT: %s\n", c->err);
		return 1;
	}
	for (m = 0; m < c->nmirrors && e; m++)
		if ((e = upd_log_fetch_all(c, c->mirrors[m], &h, &n)))
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

int upd_audit(struct uctx *c)
{
	static struct seen s;
	char path[4096];
	const char *why = "";
	struct dirent *d;
	long n = upd_journal_walk(c->dir, collect, &s, &why);
	unsigned kept = 0, bad = 0;
	DIR *dh;

	if (n < 0) {
		printf("E_AUDIT: journal: %s\n", why);
		return 1;
	}
	upd_state_load(c);
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
