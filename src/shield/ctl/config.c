/*
 * config.c -- the vigil-shield configuration file: one "key value" a
 * line, # comments. Keys that tune the XDP program go into its config
 * map; the rest set the detector, the action ladder and the daemon. The
 * file is read whole and split through the bounded reader; lines.c
 * checks every value for its form and range before it is used.
 */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "common/reader.h"
#include "lines.h"
#include "prefix.h"
#pragma GCC diagnostic push /* bpftool's generated code */
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "shield.skel.h"
#pragma GCC diagnostic pop

int shield_list_op(struct shield_state *st, const char *list,
		   const char *arg, int add, char *err, size_t errlen)
{
	struct shield_bpf *s = st->skel;
	int allow = !strcmp(list, "allow");
	struct prefix p;
	uint64_t zero = 0;
	int fd, rc;

	if (prefix_parse(arg, &p) < 0) {
		snprintf(err, errlen, "not a prefix: %s", arg);
		return -1;
	}
	fd = bpf_map__fd(p.family == 4 ? (allow ? s->maps.allow4 : s->maps.block4) :
					 (allow ? s->maps.allow6 : s->maps.block6));
	rc = add ? bpf_map_update_elem(fd, p.family == 4 ? (void *)&p.v4 :
						    (void *)&p.v6, &zero, 0) :
		   bpf_map_delete_elem(fd, p.family == 4 ? (void *)&p.v4 :
						       (void *)&p.v6);
	if (rc < 0)
		snprintf(err, errlen, "%s %s: %s", add ? list : "unblock", arg,
			 strerror(errno));
	return rc;
}

/* Keys of the XDP program's config map; 1 if the key was not one. */
static int xdp_option(struct shield_state *st, const char *key,
		      const char *val)
{
	struct shield_config cfg;
	uint32_t zero = 0, v = (uint32_t)strtoul(val, NULL, 10);
	int fd = bpf_map__fd(st->skel->maps.config);

	if (bpf_map_lookup_elem(fd, &zero, &cfg) < 0)
		return -1;
	if (!strcmp(key, "amp-guard"))
		cfg.amp_guard = !strcmp(val, "yes") || !strcmp(val, "1");
	else if (!strcmp(key, "src-pps"))
		cfg.src_pps = v;
	else if (!strcmp(key, "src-burst"))
		cfg.src_burst = v;
	else if (!strcmp(key, "syn-pps"))
		cfg.syn_pps = v;
	else if (!strcmp(key, "syn-burst"))
		cfg.syn_burst = v;
	else if (!strcmp(key, "sample-every"))
		cfg.sample_every = st->det.cfg.sample_every = v;
	else
		return 1;
	return bpf_map_update_elem(fd, &zero, &cfg, 0);
}

static const struct {
	const char *key;
	enum vector v;
} thresholds[] = {
	{ "threshold-pps", V_PPS },	    { "threshold-bps", V_BPS },
	{ "threshold-udp-pps", V_UDP },	    { "threshold-udp-bps", V_UDP_BPS },
	{ "threshold-tcp-pps", V_TCP },	    { "threshold-syn-pps", V_SYN },
	{ "threshold-icmp-pps", V_ICMP },
};

/* The detector's keys; 1 if the key was not one. */
static int detect_option(struct detect_cfg *c, const char *key,
			 const char *val, char *err, size_t errlen)
{
	uint64_t v = strtoull(val, NULL, 10);
	size_t i;

	for (i = 0; i < sizeof(thresholds) / sizeof(thresholds[0]); i++)
		if (!strcmp(key, thresholds[i].key)) {
			c->threshold[thresholds[i].v] = v;
			return 0;
		}
	if (!strcmp(key, "hold-down"))
		c->hold_down_s = (uint32_t)v;
	else if (!strcmp(key, "threshold-prefix-pps"))
		c->prefix_pps = v;
	else if (!strcmp(key, "threshold-prefix-bps"))
		c->prefix_bps = v;
	else if (!strcmp(key, "baseline-factor"))
		c->baseline_factor = strtod(val, NULL);
	else if (!strcmp(key, "baseline-min-pps"))
		c->baseline_min_pps = v;
	else if (!strcmp(key, "baseline-warmup"))
		c->baseline_warmup = (uint32_t)v;
	else if (!strcmp(key, "protect")) {
		if (c->nprotect == DETECT_MAX_PROTECTED ||
		    prefix_parse(val, &c->protect[c->nprotect]) < 0) {
			snprintf(err, errlen, "protect: not a prefix, or more "
				 "than %d: %.64s", DETECT_MAX_PROTECTED, val);
			return -1;
		}
		c->nprotect++;
	} else
		return 1;
	return 0;
}

/* A text value into its field; -1 if it does not fit. */
static int text(char *dst, size_t cap, const char *key, const char *val,
		char *err, size_t errlen)
{
	size_t n = strlen(val);

	if (n >= cap) {
		snprintf(err, errlen, "%s: longer than %zu bytes", key, cap - 1);
		return -1;
	}
	memcpy(dst, val, n + 1);
	return 0;
}

/* The action ladder's and the daemon's keys; 1 if the key was not one. */
static int daemon_option(struct shield_state *st, const char *key,
			 const char *val, char *err, size_t errlen)
{
	struct mitigate_cfg *m = &st->mit.cfg;

#define TEXT(field) text(field, sizeof(field), key, val, err, errlen)
	if (!strcmp(key, "bird-socket"))
		return TEXT(m->bird_socket);
	if (!strcmp(key, "bird-include"))
		return TEXT(m->bird_include);
	if (!strcmp(key, "rules-file"))
		return TEXT(st->feed.path);
	if (!strcmp(key, "location-db"))
		return TEXT(st->geo_path);
	if (!strcmp(key, "metrics-addr"))
		return TEXT(st->metrics_addr);
#undef TEXT
	if (!strcmp(key, "flowspec-pps"))
		m->flowspec_pps = strtoull(val, NULL, 10);
	else if (!strcmp(key, "rtbh-pps"))
		m->rtbh_pps = strtoull(val, NULL, 10);
	else if (!strcmp(key, "flowspec-action"))
		m->flowspec_rate_limit = !strcmp(val, "rate-limit");
	else if (!strcmp(key, "metrics-port"))
		st->metrics_port = (unsigned)strtoul(val, NULL, 10);
	else
		return 1;
	return 0;
}

/* One line of the file: applied, or -1 with err set. */
static int config_line(struct shield_state *st, const char *line, size_t len,
		       char *err, size_t errlen)
{
	char key[SHIELD_CONF_MAX_KEY_BYTES], val[SHIELD_CONF_MAX_LINE_BYTES];
	int rc = shield_conf_line(line, len, key, val, err, errlen);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (!strcmp(key, "allow") || !strcmp(key, "block"))
		return shield_list_op(st, key, val, 1, err, errlen);
	if ((rc = xdp_option(st, key, val)) != 1 ||
	    (rc = detect_option(&st->det.cfg, key, val, err, errlen)) != 1 ||
	    (rc = daemon_option(st, key, val, err, errlen)) != 1)
		return rc;
	snprintf(err, errlen, "unknown key %s", key);
	return -1;
}

static int check(struct shield_state *st, char *err, size_t errlen)
{
	const struct mitigate_cfg *m = &st->mit.cfg;

	if (!!m->bird_socket[0] != !!m->bird_include[0]) {
		snprintf(err, errlen, "bird-socket and bird-include go together");
		return -1;
	}
	if (m->bird_socket[0] && !m->flowspec_pps && !m->rtbh_pps) {
		snprintf(err, errlen, "bird-socket without flowspec-pps or "
			 "rtbh-pps would never signal");
		return -1;
	}
	return 0;
}

/* The file's bytes (at most SHIELD_CONF_MAX_BYTES), or NULL with err set. */
static char *read_config(const char *path, size_t *len, char *err,
			 size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;

	if (!f) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	text = malloc(SHIELD_CONF_MAX_BYTES + 1);
	*len = text ? fread(text, 1, SHIELD_CONF_MAX_BYTES + 1, f) : 0;
	if (!text || ferror(f) || *len > SHIELD_CONF_MAX_BYTES) {
		snprintf(err, errlen, "%s", !text ? "out of memory" : ferror(f) ?
			 "read error" : "larger than 1 MiB");
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

int shield_config_load(struct shield_state *st, const char *path)
{
	char err[256];
	const char *line;
	unsigned lineno = 0;
	struct rdr r;
	size_t len, n;
	char *text = read_config(path, &len, err, sizeof(err));
	int rc = 0;

	if (!text) {
		fprintf(stderr, "vigil-shield: %s: %s\n", path, err);
		return -1;
	}
	rdr_init(&r, text, len);
	while (rc == 0 && rdr_line(&r, SHIELD_CONF_MAX_LINE_BYTES, &line, &n)) {
		lineno++;
		rc = config_line(st, line, n, err, sizeof(err));
	}
	if (rc == 0 && rdr_failed(&r)) {
		lineno++;
		snprintf(err, sizeof(err), "line longer than %u bytes",
			 SHIELD_CONF_MAX_LINE_BYTES);
		rc = -1;
	}
	free(text);
	if (rc < 0) {
		fprintf(stderr, "vigil-shield: %s:%u: %s\n", path, lineno, err);
		return -1;
	}
	if (check(st, err, sizeof(err)) < 0) {
		fprintf(stderr, "vigil-shield: %s: %s\n", path, err);
		return -1;
	}
	return 0;
}
