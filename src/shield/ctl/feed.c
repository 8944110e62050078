/*
 * feed.c -- the rule set named by `rules-file` (what `vigil update --type
 * rules` installs): read when it changes (checked once a second: the
 * updater replaces it by rename) or on SIGHUP, parsed whole, and only
 * then put in force: its rules after the attacks' rules, its prefixes on
 * the blocklist. A set that does not parse is refused and the one in
 * force stays. The allowlist stays above all of it.
 */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/jsonw.h"
#include "ctl.h"
#include "report.h"
#include "ruleset.h"
#pragma GCC diagnostic push /* bpftool's generated code */
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "shield.skel.h"
#pragma GCC diagnostic pop

static struct ruleset next;

static int block_op(struct shield_state *st, const struct prefix *p, int add)
{
	struct shield_bpf *s = st->skel;
	uint64_t zero = 0;
	int fd = bpf_map__fd(p->family == 4 ? s->maps.block4 : s->maps.block6);
	const void *key = p->family == 4 ? (const void *)&p->v4 :
					   (const void *)&p->v6;

	return add ? bpf_map_update_elem(fd, key, &zero, 0) :
		     bpf_map_delete_elem(fd, key);
}

static int same_prefix(const struct prefix *a, const struct prefix *b)
{
	return a->family == b->family &&
	       (a->family == 4 ? !memcmp(&a->v4, &b->v4, sizeof(a->v4)) :
				 !memcmp(&a->v6, &b->v6, sizeof(a->v6)));
}

/* The new set's prefixes on, the old set's others off. */
static void swap_blocks(struct shield_state *st, struct feed *f)
{
	unsigned i, j;

	for (i = 0; i < next.nblocks; i++)
		block_op(st, &next.blocks[i], 1);
	for (i = 0; i < f->nblocks; i++) {
		for (j = 0; j < next.nblocks; j++)
			if (same_prefix(&f->blocks[i], &next.blocks[j]))
				break;
		if (j == next.nblocks)
			block_op(st, &f->blocks[i], 0);
	}
	memcpy(f->blocks, next.blocks, next.nblocks * sizeof(next.blocks[0]));
	f->nblocks = next.nblocks;
}

static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "re");
	char *buf = malloc(RULESET_MAX_BYTES + 1);

	if (!fp || !buf) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fp)
			fclose(fp);
		free(buf);
		return NULL;
	}
	*len = fread(buf, 1, RULESET_MAX_BYTES + 1, fp);
	fclose(fp);
	return buf;
}

static int load(struct shield_state *st, struct feed *f, double now)
{
	char err[256];
	size_t len = 0;
	char *buf = slurp(f->path, &len, err, sizeof(err));
	int rc = buf ? ruleset_parse(buf, len, &next, err, sizeof(err)) : -1;

	free(buf);
	if (rc < 0) {
		snprintf(f->error, sizeof(f->error), "%s", err);
		fprintf(stderr, "vigil-shield: rules-file %s refused (%s); the "
			"rules in force stay\n", f->path, err);
		return -1;
	}
	swap_blocks(st, f);
	memcpy(st->mit.feed, next.rules, next.nrules * sizeof(next.rules[0]));
	st->mit.nfeed = next.nrules;
	f->nrules = next.nrules;
	f->loaded = now;
	f->error[0] = '\0';
	printf("vigil-shield: rules-file %s: %u rules, %u block prefixes\n",
	       f->path, f->nrules, f->nblocks);
	fflush(stdout);
	return 0;
}

int feed_check(struct shield_state *st, int force, double now)
{
	struct feed *f = &st->feed;
	struct stat sb;

	if (!f->path[0])
		return 0;
	if (stat(f->path, &sb) < 0) {
		snprintf(f->error, sizeof(f->error), "%s: %s", f->path,
			 strerror(errno));
		return -1;
	}
	if (!force && sb.st_ino == f->ino && sb.st_mtime == f->mtime &&
	    sb.st_size == f->size)
		return 0;
	f->ino = sb.st_ino;
	f->mtime = sb.st_mtime;
	f->size = sb.st_size;
	return load(st, f, now);
}

json_t *feed_json(const struct shield_state *st)
{
	const struct feed *f = &st->feed;
	char when[40] = "";
	json_t *o;

	if (!f->path[0])
		return json_null();
	if (f->loaded)
		iso_time(f->loaded, when, sizeof(when));
	o = json_object();
	jsonw_set(o, "path", jsonw_string(f->path));
	jsonw_set(o, "rules", json_integer(f->nrules));
	jsonw_set(o, "blocks", json_integer(f->nblocks));
	jsonw_set(o, "loaded", f->loaded ? json_string(when) : json_null());
	jsonw_set(o, "error", jsonw_string(f->error));
	return o;
}

int feed_check_file(const char *path)
{
	char err[256];
	size_t len = 0;
	char *buf = slurp(path, &len, err, sizeof(err));
	int rc = buf ? ruleset_parse(buf, len, &next, err, sizeof(err)) : -1;

	free(buf);
	if (rc < 0) {
		fprintf(stderr, "vigil-shield: %s: %s\n", path, err);
		return -1;
	}
	printf("%s: %u rules, %u block prefixes\n", path, next.nrules,
	       next.nblocks);
	return 0;
}
