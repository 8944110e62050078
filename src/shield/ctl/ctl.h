/*
 * ctl.h -- the parts of the vigil-shield program and the state the
 * daemon's parts share (one daemon, one interface, one state).
 */
#ifndef VIGIL_SHIELD_CTL_H
#define VIGIL_SHIELD_CTL_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "anycast.h"
#include "attach.h"
#include "detect.h"
#include "dots.h"
#include "ics.h"
#include "geo.h"
#include "mitigate.h"
#include "ruleset.h"

#define SHIELD_DEFAULT_SOCKET "/run/vigil/shield.sock"

struct shield_bpf;

/* The rule set of `rules-file`, as in force. */
struct feed {
	char path[4096];
	unsigned long ino;
	long mtime, size;
	unsigned nrules, nblocks;
	struct prefix blocks[RULESET_MAX_BLOCKS];
	double loaded;
	char error[256];
};

struct shield_state {
	struct shield_bpf *skel;	/* at.skel */
	struct attachment at;
	const char *ifname;
	struct detector det;
	struct mitigator mit;
	struct geo *geo;
	struct feed feed;
	struct ics_log ics;		/* Modbus requests dropped (ics.h) */
	struct dots_cfg dots_cfg;	/* as configured */
	struct dots dots;		/* as running */
	struct anycast_cfg any_cfg;
	struct anycast any;
	char geo_path[4096];
	unsigned metrics_port;		/* on 127.0.0.1 (metrics-addr); 0: off */
	char metrics_addr[64];
	double started;
};

/* The daemon: runs until SIGTERM/SIGINT; the exit status. */
int shield_run(const char *ifname, const char *config, const char *sock);

/* The settings before a configuration file is read. */
void shield_defaults(struct shield_state *st, const char *ifname);

/* config.c: the configuration file, and its keys one at a time. */
int shield_config_load(struct shield_state *st, const char *path);
/* The file checked as run would read it, nothing attached: 0, or -1 with
 * the reason printed (check-config). */
int shield_config_check(const char *path);
int shield_list_op(struct shield_state *st, const char *list,
		   const char *arg, int add, char *err, size_t errlen);

/* control.c: one control-socket connection (a line in, an answer out). */
void shield_serve(struct shield_state *st, int fd);
/* The Prometheus text exposition of the counters and attacks. */
void shield_metrics(struct shield_state *st, FILE *out);
uint64_t shield_counter(struct shield_state *st, unsigned which);

/* feed.c: reads rules-file if it changed (or if force): 0, or -1 with
 * the reason in st->feed.error (the rules in force stay). */
int feed_check(struct shield_state *st, int force, double now);
/* A rule set file parsed alone (check-rules): 0, or -1 with the reason
 * printed. */
int feed_check_file(const char *path);
json_t *feed_json(const struct shield_state *st); /* a new reference */

#endif
