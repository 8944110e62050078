/*
 * run.c -- `vigil-shield run`: loads the XDP program, attaches it to an
 * interface, applies the configuration (allowlist, blocklist, guards) and
 * serves the control socket: one line in, one JSON line out. Detaches on
 * SIGTERM or SIGINT.
 */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "detect.h"
#include "prefix.h"
#include "rules.h"
#pragma GCC diagnostic push /* bpftool's generated code */
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "shield.skel.h"
#pragma GCC diagnostic pop

static volatile sig_atomic_t stop;
/* The flood detector, fed by the program's samples (one daemon, one). */
static struct detector det;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Adds (or removes) a prefix to the allow or block list. */
static int list_op(struct shield_bpf *s, const char *list, const char *arg,
		   int add, char *err, size_t errlen)
{
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

static int set_option(struct shield_bpf *s, const char *key, const char *val,
		      char *err, size_t errlen)
{
	struct shield_config cfg;
	uint32_t zero = 0, v = (uint32_t)strtoul(val, NULL, 10);
	int fd = bpf_map__fd(s->maps.config);

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
		cfg.sample_every = det.cfg.sample_every = v;
	else if (!strcmp(key, "threshold-pps"))
		det.cfg.threshold[V_PPS] = v;
	else if (!strcmp(key, "threshold-udp-pps"))
		det.cfg.threshold[V_UDP] = v;
	else if (!strcmp(key, "threshold-syn-pps"))
		det.cfg.threshold[V_SYN] = v;
	else if (!strcmp(key, "hold-down"))
		det.cfg.hold_down_s = v;
	else {
		snprintf(err, errlen, "unknown option %s", key);
		return -1;
	}
	return bpf_map_update_elem(fd, &zero, &cfg, 0);
}

/* "allow P", "block P", "amp-guard yes", "src-pps N", ... */
static int config_line(struct shield_bpf *s, char *line, char *err,
		       size_t errlen)
{
	char *key = strtok(line, " \t\n"), *val = strtok(NULL, " \t\n");

	if (!key || *key == '#')
		return 0;
	if (!val) {
		snprintf(err, errlen, "%s: a value is missing", key);
		return -1;
	}
	if (!strcmp(key, "allow") || !strcmp(key, "block"))
		return list_op(s, key, val, 1, err, errlen);
	return set_option(s, key, val, err, errlen);
}

static int load_config(struct shield_bpf *s, const char *path)
{
	char line[512], err[256];
	unsigned n = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		fprintf(stderr, "vigil-shield: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (config_line(s, line, err, sizeof(err)) < 0) {
			fprintf(stderr, "vigil-shield: %s:%u: %s\n", path, n, err);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static uint64_t counter(struct shield_bpf *s, uint32_t which)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	uint64_t v[1024], sum = 0;

	if (ncpu <= 0 || ncpu > 1024 ||
	    bpf_map_lookup_elem(bpf_map__fd(s->maps.counters), &which, v) < 0)
		return 0;
	for (i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

static void list_json(FILE *out, struct bpf_map *m4, struct bpf_map *m6)
{
	struct prefix p = { 0 };
	char text[80];
	int first = 1;

	memset(&p, 0, sizeof(p));
	p.family = 4;
	while (bpf_map_get_next_key(bpf_map__fd(m4), first ? NULL : &p.v4,
				    &p.v4) == 0) {
		prefix_format(&p, text, sizeof(text));
		fprintf(out, "%s\"%s\"", first ? "" : ",", text);
		first = 0;
	}
	p.family = 6;
	while (bpf_map_get_next_key(bpf_map__fd(m6),
				    p.v6.prefixlen || !first ? &p.v6 : NULL,
				    &p.v6) == 0) {
		prefix_format(&p, text, sizeof(text));
		fprintf(out, "%s\"%s\"", first ? "" : ",", text);
		first = 0;
	}
}

static unsigned active_rules(struct shield_bpf *s)
{
	struct shield_config cfg;
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(s->maps.config), &zero, &cfg) < 0)
		return 0;
	return cfg.nrules;
}

static void status(struct shield_bpf *s, const char *ifname, FILE *out)
{
	static const char *const names[SC_COUNT] = {
		"passed", "allowed", "blocked", "rule_dropped", "rule_passed",
		"malformed", "not_ip", "amp_dropped", "syn_dropped",
		"src_dropped", "rule_rate_dropped",
	};
	uint32_t i;

	fprintf(out, "{\"interface\":\"%s\",\"counters\":{", ifname);
	for (i = 0; i < SC_COUNT; i++)
		fprintf(out, "%s\"%s\":%llu", i ? "," : "", names[i],
			(unsigned long long)counter(s, i));
	fprintf(out, "},\"allowed\":[");
	list_json(out, s->maps.allow4, s->maps.allow6);
	fprintf(out, "],\"blocked\":[");
	list_json(out, s->maps.block4, s->maps.block6);
	fprintf(out, "],\"rules\":%u,\"attacks\":", active_rules(s));
	detect_json(&det, out);
	fprintf(out, "}\n");
}

/* One connection: a command line, a JSON line. */
static void serve(struct shield_bpf *s, const char *ifname, int fd)
{
	char line[512] = "", err[256] = "", *cmd, *arg;
	ssize_t n = read(fd, line, sizeof(line) - 1);
	FILE *out = fdopen(fd, "w");
	int rc = -1;

	if (!out) {
		close(fd);
		return;
	}
	line[n > 0 ? n : 0] = '\0';
	cmd = strtok(line, " \t\r\n");
	arg = strtok(NULL, " \t\r\n");
	if (cmd && !strcmp(cmd, "status")) {
		status(s, ifname, out);
		fclose(out);
		return;
	}
	if (cmd && arg && (!strcmp(cmd, "block") || !strcmp(cmd, "allow")))
		rc = list_op(s, cmd, arg, 1, err, sizeof(err));
	else if (cmd && arg && !strcmp(cmd, "unblock"))
		rc = list_op(s, "block", arg, 0, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "unknown command");
	if (rc == 0)
		fprintf(out, "{\"ok\":true}\n");
	else
		fprintf(out, "{\"ok\":false,\"error\":\"%s\"}\n", err);
	fclose(out);
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int on_sample(void *ctx, void *data, size_t len)
{
	(void)ctx;
	if (len == sizeof(struct shield_sample))
		detect_sample(&det, data);
	return 0;
}

/* Active attacks become rate-limit rules for their destinations. */
static void mitigate(struct shield_bpf *s)
{
	static struct shield_rule r[SHIELD_MAX_RULES];
	struct shield_maps m = { bpf_map__fd(s->maps.rules),
				 bpf_map__fd(s->maps.rule_index),
				 bpf_map__fd(s->maps.config) };
	unsigned n = detect_rules(&det, r, SHIELD_MAX_RULES);

	if (shield_rules_load(&m, r, n) < 0)
		fprintf(stderr, "vigil-shield: cannot load rules: %s\n",
			strerror(errno));
	printf("vigil-shield: %u attack rule%s active\n", n, n == 1 ? "" : "s");
	fflush(stdout);
}

/* The control socket and the samples, until a signal says stop. */
static void serve_loop(struct shield_bpf *s, const char *ifname, int lfd)
{
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(s->maps.samples),
						  on_sample, NULL, NULL);
	struct pollfd p[2] = { { lfd, POLLIN, 0 },
			       { rb ? ring_buffer__epoll_fd(rb) : -1, POLLIN,
				 0 } };
	int c;

	detect_init(&det, now_s());
	while (!stop) {
		if (poll(p, rb ? 2 : 1, 200) > 0) {
			if (rb && (p[1].revents & POLLIN))
				ring_buffer__consume(rb);
			if ((p[0].revents & POLLIN) &&
			    (c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
				serve(s, ifname, c);
		}
		if (detect_tick(&det, now_s()))
			mitigate(s);
	}
	ring_buffer__free(rb);
}

int shield_run(const char *ifname, const char *config, const char *sock)
{
	struct shield_bpf *s = shield_bpf__open_and_load();
	unsigned ifindex = if_nametoindex(ifname);
	int lfd = -1, rc = 1;

	det.cfg.hold_down_s = 60; /* an attack ends a minute after its last
				    * second over the threshold */
	if (!s || !ifindex) {
		fprintf(stderr, "vigil-shield: %s: %s\n", s ? ifname :
			"cannot load the XDP program (root?)", strerror(errno));
		goto out;
	}
	if ((config && load_config(s, config) < 0) ||
	    (lfd = listen_on(sock)) < 0 ||
	    bpf_xdp_attach((int)ifindex, bpf_program__fd(s->progs.shield), 0,
			   NULL) < 0) {
		fprintf(stderr, "vigil-shield: cannot start on %s: %s\n",
			ifname, strerror(errno));
		goto out;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("vigil-shield: filtering on %s, control socket %s\n", ifname,
	       sock);
	fflush(stdout);
	serve_loop(s, ifname, lfd);
	bpf_xdp_detach((int)ifindex, 0, NULL);
	rc = 0;
out:
	if (lfd >= 0) {
		close(lfd);
		unlink(sock);
	}
	shield_bpf__destroy(s);
	return rc;
}
