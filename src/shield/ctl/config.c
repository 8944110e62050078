/*
 * config.c -- applies the vigil-shield configuration file (conffile.h,
 * parsed whole first, so that a refused file changes nothing) to the
 * running shield: the XDP program's config map, the detector, the action
 * ladder, the allow and block lists, and the daemon's own settings.
 */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conffile.h"
#include "ctl.h"
#include "prefix.h"
#pragma GCC diagnostic push /* bpftool's generated code */
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "shield.skel.h"
#pragma GCC diagnostic pop

/* Adds p to (or removes it from) the allow or block list's map. */
static int list_apply(struct shield_state *st, int allow, struct prefix *p,
		      int add)
{
	struct shield_bpf *s = st->skel;
	uint64_t zero = 0;
	int fd;

	fd = bpf_map__fd(p->family == 4 ? (allow ? s->maps.allow4 : s->maps.block4) :
					  (allow ? s->maps.allow6 : s->maps.block6));
	return add ? bpf_map_update_elem(fd, p->family == 4 ? (void *)&p->v4 :
						       (void *)&p->v6, &zero, 0) :
		     bpf_map_delete_elem(fd, p->family == 4 ? (void *)&p->v4 :
							  (void *)&p->v6);
}

int shield_list_op(struct shield_state *st, const char *list,
		   const char *arg, int add, char *err, size_t errlen)
{
	struct prefix p;

	if (prefix_parse(arg, &p) < 0) {
		snprintf(err, errlen, "not a prefix: %s%s", arg,
			 prefix_host_bits(arg) ? " (bits past the length are "
			 "set: the network is the address with them zero)" :
			 "");
		return -1;
	}
	if (list_apply(st, !strcmp(list, "allow"), &p, add) < 0) {
		snprintf(err, errlen, "%s%s %s: %s", add ? "" : "un", list, arg,
			 strerror(errno));
		return -1;
	}
	return 0;
}

void shield_defaults(struct shield_state *st, const char *ifname)
{
	memset(st, 0, sizeof(*st));
	st->ifname = ifname;
	st->det.cfg.hold_down_s = 60; /* an attack ends a minute after its
					* last second over a threshold */
	st->det.cfg.baseline_warmup = 30;
	st->det.cfg.baseline_min_pps = 1000;
	snprintf(st->geo_path, sizeof(st->geo_path), "%s", GEO_DEFAULT_DB);
	snprintf(st->metrics_addr, sizeof(st->metrics_addr), "127.0.0.1");
	st->dots_cfg.lifetime_s = 3600;
	st->dots_cfg.heartbeat_s = 30;
	st->any_cfg.cool_s = 5;
}

/* What the shield runs with now: the values a file is read over. */
static int from_state(const struct shield_state *st, struct shield_conf *c)
{
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(st->skel->maps.config), &zero,
				&c->xdp) < 0)
		return -1;
	c->det = st->det.cfg;
	c->mit = st->mit.cfg;
	memcpy(c->rules_file, st->feed.path, sizeof(c->rules_file));
	memcpy(c->geo_path, st->geo_path, sizeof(c->geo_path));
	memcpy(c->metrics_addr, st->metrics_addr, sizeof(c->metrics_addr));
	c->metrics_port = st->metrics_port;
	c->dots = st->dots_cfg;
	c->any = st->any_cfg;
	return 0;
}

/* The Modbus policies in force: the file's, none other. */
static int ics_apply(struct shield_state *st, const struct shield_conf *c)
{
	int fd = bpf_map__fd(st->skel->maps.ics);
	struct shield_ics_key k;
	unsigned i;

	while (bpf_map_get_next_key(fd, NULL, &k) == 0)
		if (bpf_map_delete_elem(fd, &k) < 0)
			return -1;
	for (i = 0; i < c->nics; i++)
		if (bpf_map_update_elem(fd, &c->ics[i].key, &c->ics[i].pol,
					0) < 0)
			return -1;
	return 0;
}

static int to_state(struct shield_state *st, struct shield_conf *c)
{
	uint32_t zero = 0;
	unsigned i;

	if (ics_apply(st, c) < 0)
		return -1;
	c->xdp.ics = c->nics > 0;
	for (i = 0; i < c->nallow; i++)
		if (list_apply(st, 1, &c->allow[i], 1) < 0)
			return -1;
	for (i = 0; i < c->nblock; i++)
		if (list_apply(st, 0, &c->block[i], 1) < 0)
			return -1;
	if (bpf_map_update_elem(bpf_map__fd(st->skel->maps.config), &zero,
				&c->xdp, 0) < 0)
		return -1;
	st->det.cfg = c->det;
	st->det.cfg.sample_every = c->xdp.sample_every;
	st->mit.cfg = c->mit;
	memcpy(st->feed.path, c->rules_file, sizeof(st->feed.path));
	memcpy(st->geo_path, c->geo_path, sizeof(st->geo_path));
	memcpy(st->metrics_addr, c->metrics_addr, sizeof(st->metrics_addr));
	st->metrics_port = c->metrics_port;
	st->dots_cfg = c->dots;
	st->any_cfg = c->any;
	return 0;
}

static int check(const struct shield_conf *c, char *err, size_t errlen)
{
	const struct mitigate_cfg *m = &c->mit;

	if (!!m->bird_socket[0] != !!m->bird_include[0]) {
		snprintf(err, errlen, "bird-socket and bird-include go together");
		return -1;
	}
	if (m->bird_socket[0] && !m->flowspec_pps && !m->rtbh_pps) {
		snprintf(err, errlen, "bird-socket without flowspec-pps or "
			 "rtbh-pps would never signal");
		return -1;
	}
	if (dots_cfg_check(&c->dots, err, errlen) < 0)
		return -1;
	if ((c->any.n || c->dots.ndivert) && !m->bird_socket[0]) {
		snprintf(err, errlen, "anycast and dots-divert announce "
			 "through BIRD: they need bird-socket");
		return -1;
	}
	return 0;
}

int shield_config_load(struct shield_state *st, const char *path)
{
	struct shield_conf *c = calloc(1, sizeof(*c));
	char err[512];
	int rc = -1;

	if (!c || from_state(st, c) < 0) {
		fprintf(stderr, "vigil-shield: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (shield_conf_load(c, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "vigil-shield: %s\n", err);
		goto out;
	}
	if (check(c, err, sizeof(err)) < 0) {
		fprintf(stderr, "vigil-shield: %s: %s\n", path, err);
		goto out;
	}
	if (to_state(st, c) < 0) {
		fprintf(stderr, "vigil-shield: %s: cannot apply it: %s\n", path,
			strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(c);
	return rc;
}

int shield_config_check(const char *path)
{
	struct shield_state *st = calloc(1, sizeof(*st));
	struct shield_conf *c = calloc(1, sizeof(*c));
	char err[512];
	int rc = -1;

	if (!st || !c) {
		fprintf(stderr, "vigil-shield: %s: %s\n", path, strerror(errno));
		goto out;
	}
	shield_defaults(st, "");
	c->det = st->det.cfg;
	c->mit = st->mit.cfg;
	memcpy(c->geo_path, st->geo_path, sizeof(c->geo_path));
	memcpy(c->metrics_addr, st->metrics_addr, sizeof(c->metrics_addr));
	c->dots = st->dots_cfg;
	c->any = st->any_cfg;
	if (shield_conf_load(c, path, err, sizeof(err)) < 0)
		fprintf(stderr, "vigil-shield: %s\n", err);
	else if (check(c, err, sizeof(err)) < 0)
		fprintf(stderr, "vigil-shield: %s: %s\n", path, err);
	else
		rc = 0;
out:
	free(st);
	free(c);
	return rc;
}
